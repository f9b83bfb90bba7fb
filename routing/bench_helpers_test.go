package routing_test

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/batonhq/baton"
	"github.com/batonhq/baton/match"
	"github.com/batonhq/baton/playbook"
	"github.com/batonhq/baton/routing"
)

// This file builds the synthetic world the routing benchmarks run in: a
// roster, a playbook of generated rules compiled by playbook.Parse, an
// account index, and a stream of signals classified by the path they take
// through the engine. Everything is drawn from one seeded generator, so a
// world is the same on every run and every machine.

// worldStart is a Monday, 13:00 UTC: EMEA in hours, the US east coast
// starting its day, APAC asleep. The world clock moves one second per
// decision, so a 20,000-decision run sweeps through the EMEA evening and the
// US afternoon.
var worldStart = time.Date(2026, 11, 23, 13, 0, 0, 0, time.UTC)

// worldConfig sizes a world.
type worldConfig struct {
	Users, Rules, Accounts int
	// Signals is the length of the stream; benchmarks cycle through it.
	Signals int
	// Mix is the share of the stream per signal kind (kindDirect, …); it
	// must sum to 1.
	Mix  map[string]float64
	Seed uint64
}

// Signal kinds: the path a signal takes through the engine when the world
// is fresh.
const (
	kindDirect = "direct" // placed by existing_customer, open_opportunity or named_account
	kindEarly  = "early"  // placed by a rule in the first quarter of its type's rules
	kindLate   = "late"   // placed by a rule in the second half of its type's rules
	kindNone   = "none"   // every rule for its type was evaluated and none held
)

// defaultMix is the stream of BenchmarkDecision.
var defaultMix = map[string]float64{kindDirect: 0.20, kindEarly: 0.25, kindLate: 0.30, kindNone: 0.25}

// world is a routing world in memory: what the service would read from the
// store for each decision, and what it records after each pick.
type world struct {
	cfg      worldConfig
	rng      *rand.Rand
	users    []*baton.User
	roster   *routing.Roster
	teams    map[string][]*baton.User
	accounts map[string]*baton.Account // by ID
	list     []*baton.Account          // in ID order, for drawing
	custs    []*baton.Account          // customers, for CS signals
	index    *match.Index

	pb      *playbook.Playbook
	rulePos map[string]map[string]int // handoff type → rule name → position in RulesFor
	signals []*benchSignal

	now   time.Time
	state map[string]baton.PoolState
	loads map[string]userLoad
	// ring holds the owners of the most recent open handoffs; once full,
	// each new handoff closes the oldest, so loads reach a steady state.
	ring   []string
	opened int

	stateFn  func(string) (baton.PoolState, error)
	loadsFn  func([]string) (map[string]baton.Load, error)
	loadsOut map[string]baton.Load // reused by loadsFn: Route copies what it reads
}

// userLoad is a user's load with the day its Today count belongs to.
type userLoad struct {
	baton.Load
	day int
}

// benchSignal is one inbound signal as the service sees it after parsing:
// who and what company it is about, and what the conditions see of it.
type benchSignal struct {
	handoffType string
	query       match.Query
	signal      playbook.SignalEnv
	contact     playbook.ContactEnv
	fields      map[string]any
	// hint is what the form said about an unknown company; a new account
	// carries it.
	hint playbook.AccountEnv
	kind string
}

// Vocabulary of the world.
var (
	benchRegions  = []string{"na", "emea", "apac", "latam"}
	benchSegments = []string{baton.SegmentSMB, baton.SegmentMidMarket, baton.SegmentEnterprise}
	segmentShort  = map[string]string{baton.SegmentSMB: "smb", baton.SegmentMidMarket: "mm", baton.SegmentEnterprise: "ent"}
	// benchCountries are the countries rules name, with their region and a
	// weight; uncoveredCountries are real markets no rule names.
	benchCountries = []struct {
		code, region string
		weight       int
	}{
		{"US", "na", 30}, {"CA", "na", 4},
		{"GB", "emea", 9}, {"DE", "emea", 8}, {"FR", "emea", 6}, {"NL", "emea", 3}, {"SE", "emea", 2}, {"ES", "emea", 2},
		{"IT", "emea", 2}, {"CH", "emea", 2}, {"AT", "emea", 1}, {"IE", "emea", 1}, {"DK", "emea", 1}, {"NO", "emea", 1},
		{"FI", "emea", 1}, {"BE", "emea", 1}, {"PL", "emea", 1}, {"IL", "emea", 1}, {"AE", "emea", 1}, {"ZA", "emea", 1},
		{"JP", "apac", 4}, {"AU", "apac", 4}, {"SG", "apac", 2}, {"IN", "apac", 3}, {"KR", "apac", 1}, {"NZ", "apac", 1},
		{"HK", "apac", 1},
		{"BR", "latam", 3}, {"MX", "latam", 2}, {"AR", "latam", 1}, {"CO", "latam", 1}, {"CL", "latam", 1},
	}
	uncoveredCountries = []struct{ code, region string }{{"NG", "emea"}, {"KE", "emea"}, {"EG", "emea"}, {"TR", "emea"}, {"VN", "apac"}, {"PK", "apac"}}
	benchIndustries    = []string{"software", "fintech", "healthcare", "manufacturing", "retail", "education", "government",
		"media", "logistics", "energy", "insurance", "biotech", "telecom", "hospitality", "real_estate"}
	benchSources  = []string{"website", "website", "website", "partner", "event", "paid_search", "linkedin", "review_site", "referral", "outbound", "product"}
	benchProducts = []string{"payments", "analytics", "platform", "security", "identity"}
	benchIntents  = []string{"high", "medium", "low"}
	benchTitles   = []string{"CTO", "VP Engineering", "Head of Finance", "Procurement Manager", "Developer", "CEO", "Operations Lead", ""}
	regionZones   = map[string][]string{
		"na":    {"America/New_York", "America/New_York", "America/Chicago", "America/Denver", "America/Los_Angeles", "America/Toronto"},
		"emea":  {"Europe/London", "Europe/Berlin", "Europe/Paris", "Europe/Madrid", "Europe/Stockholm", "Europe/Dublin", "Asia/Jerusalem", "Asia/Dubai", "Africa/Johannesburg"},
		"apac":  {"Asia/Tokyo", "Asia/Singapore", "Australia/Sydney", "Asia/Kolkata", "Asia/Seoul", "Pacific/Auckland"},
		"latam": {"America/Sao_Paulo", "America/Mexico_City", "America/Bogota", "America/Argentina/Buenos_Aires", "America/Santiago"},
	}
	benchHours = []string{"", "mon-fri 09:00-17:00", "mon-fri 08:00-16:00", "mon-fri 09:00-12:30,13:30-17:30",
		"mon-thu 08:00-18:00", "mon-fri 10:00-19:00", "mon-fri 07:30-15:30", "mon-fri 09:00-17:00; sat 10:00-13:00"}
	freeMail   = []string{"gmail.com", "outlook.com", "yahoo.com", "hotmail.com", "icloud.com", "proton.me"}
	syllables  = strings.Fields(`ac al an ar as bel bri ca cor da del dor en el fa fen gal gen hal har in is jo ka kel kin la lum lo mar mo nor no o or pel pra quin ra ro sol sa ta tri tor ul um ver vi wex wil xa yor zen zi ba be bo cu di fo gu ha li mi ne ni pe pi re ri se si te ti to va ve vo`)
	trades     = strings.Fields(`Analytics Robotics Foods Logistics Health Capital Software Systems Labs Energy Solar Dental Legal Partners Consulting Media Design Studios Games Pharma Biotech Insurance Travel Hotels Mining Marine Aviation Textiles Furniture Brewing Payments Networks Cloud Data Learning Publishing Motors Materials Devices Freight Supply Research Engineering Clinics`)
	legalForms = []string{"Inc.", "LLC", "Ltd", "GmbH", "S.A.", "B.V.", "AB", "Pty Ltd", "PLC", "Corp.", "SAS", "K.K.", "AG"}
	tlds       = strings.Fields(`com com com com io co.uk de fr nl se com.au co.jp ai es it ch`)
	firstNames = strings.Fields(`ana ben chloe dev eli farah gus hana ivan jun kofi lea mateo nia omar pia quinn rosa sam tara uma vik wen yara zoe`)
	lastNames  = strings.Fields(`adams berg chen diaz eriksen fischer garcia haddad ito jensen kim lopez moreau nakamura okafor patel rossi silva tanaka umar vogel wong yilmaz zhang`)
	handoffMix = []struct {
		name   string
		weight int
	}{
		{"hot_lead", 35}, {"mql", 20}, {"meeting_set", 10}, {"product_signal", 8}, {"expansion", 4},
		{"closed_won", 5}, {"churn_risk", 6}, {"technical_validation", 6}, {"territory_change", 6},
	}
)

// Types a rule may be scoped to, by the kind of team it sends to.
var (
	aeTypes  = []string{"hot_lead", "meeting_set", "product_signal", "expansion", "territory_change"}
	sdrTypes = []string{"hot_lead", "mql"}
	csTypes  = []string{"closed_won", "churn_risk"}
)

func newRand(seed uint64) *rand.Rand { return rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15)) }

func pick[T any](rng *rand.Rand, xs []T) T { return xs[rng.IntN(len(xs))] }

func country(rng *rand.Rand) (code, region string) {
	total := 0
	for _, c := range benchCountries {
		total += c.weight
	}
	n := rng.IntN(total)
	for _, c := range benchCountries {
		if n < c.weight {
			return c.code, c.region
		}
		n -= c.weight
	}
	panic("unreachable")
}

func countriesOf(region string) []string {
	var out []string
	for _, c := range benchCountries {
		if c.region == region {
			out = append(out, c.code)
		}
	}
	return out
}

// employees draws a company size, log-uniform from 5 to 200,000.
func employees(rng *rand.Rand) int {
	return int(5 * math.Pow(40_000, rng.Float64()))
}

// newWorld builds a world of cfg's size, with a playbook of cfg.Rules
// generated rules and a stream of cfg.Signals signals in cfg.Mix.
func newWorld(tb testing.TB, cfg worldConfig) *world {
	tb.Helper()
	w := newBaseWorld(tb, cfg)
	w.usePlaybook(tb, w.genRules(cfg.Rules, true), false)
	w.signals = w.stream(tb, cfg.Signals, cfg.Mix, w.randomSignal)
	w.reset()
	return w
}

// newBaseWorld builds the roster and the accounts and their index.
func newBaseWorld(tb testing.TB, cfg worldConfig) *world {
	tb.Helper()
	w := &world{cfg: cfg, rng: newRand(cfg.Seed), now: worldStart, loadsOut: map[string]baton.Load{}}
	w.genUsers(cfg.Users)
	w.genAccounts(cfg.Accounts)
	w.stateFn = func(pool string) (baton.PoolState, error) { return w.state[pool], nil }
	w.loadsFn = func(ids []string) (map[string]baton.Load, error) {
		clear(w.loadsOut)
		for _, id := range ids {
			w.loadsOut[id] = w.load(id)
		}
		return w.loadsOut, nil
	}
	w.reset()
	return w
}

// teamShares are the shares of the roster per team; the twenty regional
// teams share what is left.
var teamShares = []struct {
	team  string
	share float64
}{{"sdr", 0.10}, {"ae", 0.08}, {"se", 0.05}, {"cs", 0.07}, {"ops", 0.012}}

func regionalTeams() []string {
	var out []string
	for _, r := range benchRegions {
		for _, s := range benchSegments {
			out = append(out, "ae_"+r+"_"+segmentShort[s])
		}
	}
	for _, r := range benchRegions {
		out = append(out, "sdr_"+r)
	}
	for _, r := range benchRegions {
		out = append(out, "cs_"+r)
	}
	return out
}

// regionOfTeam is the region in a regional team's name, or "".
func regionOfTeam(team string) string {
	for _, r := range benchRegions {
		if strings.Contains(team, "_"+r) {
			return r
		}
	}
	return ""
}

func (w *world) genUsers(n int) {
	rng := w.rng
	var plan []string
	for _, ts := range teamShares {
		for range max(2, int(ts.share*float64(n)+0.5)) {
			plan = append(plan, ts.team)
		}
	}
	regional := regionalTeams()
	for i := 0; len(plan) < n || i < 2*len(regional); i++ {
		plan = append(plan, regional[i%len(regional)])
	}
	w.teams = map[string][]*baton.User{}
	for i, team := range plan {
		region := regionOfTeam(team)
		if region == "" {
			region = pick(rng, benchRegions)
		}
		u := &baton.User{
			ID:       fmt.Sprintf("u%04d", i),
			Email:    fmt.Sprintf("%s.%s%d@batonhq.example", pick(rng, firstNames), pick(rng, lastNames), i),
			Role:     roleOf(team),
			Team:     team,
			TimeZone: pick(rng, regionZones[region]),
			Active:   rng.IntN(100) != 0,
		}
		u.Name = u.Email[:strings.IndexByte(u.Email, '@')]
		u.WorkingHours = pick(rng, benchHours)
		if strings.HasPrefix(u.TimeZone, "Asia/Jerusalem") || strings.HasPrefix(u.TimeZone, "Asia/Dubai") {
			u.WorkingHours = "sun-thu 09:00-18:00"
		}
		if team == "ops" && rng.IntN(2) == 0 {
			u.WorkingHours = "24x7"
		}
		switch r := rng.IntN(100); {
		case r < 4: // away for the whole run
			u.AwayFrom, u.AwayUntil = worldStart.Add(-48*time.Hour), worldStart.Add(72*time.Hour)
		case r < 6: // leaves during the run
			u.AwayFrom, u.AwayUntil = worldStart.Add(2*time.Hour), worldStart.Add(50*time.Hour)
		case r < 8: // back from leave
			u.AwayFrom, u.AwayUntil = worldStart.Add(-10*24*time.Hour), worldStart.Add(-time.Hour)
		}
		u.Paused = rng.IntN(50) == 0
		if rng.IntN(10) < 3 {
			u.Capacity = 15 + rng.IntN(26)
		}
		if rng.IntN(100) < 15 {
			u.DailyCap = 10 + rng.IntN(16)
		}
		if rng.IntN(100) < 5 {
			u.MonthlyCap = 150 + rng.IntN(151)
		}
		if rng.IntN(10) < 4 {
			u.Weight = 1 + rng.IntN(4)
		}
		w.users = append(w.users, u)
		w.teams[team] = append(w.teams[team], u)
	}
	for _, u := range w.users {
		if mates := w.teams[u.Team]; rng.IntN(10) < 3 && len(mates) > 1 {
			if b := pick(rng, mates); b != u {
				u.BackupID = b.ID
			}
		}
	}
	w.roster = routing.NewRoster(w.users)
}

// roleOf is the role of a team's members.
func roleOf(team string) string {
	switch role, _, _ := strings.Cut(team, "_"); role {
	case "cs":
		return baton.RoleCSM
	default:
		return role
	}
}

// brand returns an invented capitalised word of two to four syllables.
func brand(rng *rand.Rand) string {
	var b strings.Builder
	for range 2 + rng.IntN(3) {
		b.WriteString(pick(rng, syllables))
	}
	s := b.String()
	return strings.ToUpper(s[:1]) + s[1:]
}

// company returns a company name and its domain.
func company(rng *rand.Rand) (name, domain string) {
	b, trade := brand(rng), pick(rng, trades)
	name = b + " " + trade
	if rng.IntN(2) == 0 {
		name += " " + pick(rng, legalForms)
	}
	return name, strings.ToLower(b+trade) + "." + pick(rng, tlds)
}

// owner draws a member of one of teams, whether or not they can take work
// today (owners go on leave too).
func (w *world) owner(teams ...string) string {
	var pool []*baton.User
	for _, t := range teams {
		pool = append(pool, w.teams[t]...)
	}
	return pick(w.rng, pool).ID
}

func (w *world) genAccounts(n int) {
	rng := w.rng
	w.accounts = make(map[string]*baton.Account, n)
	w.list = make([]*baton.Account, 0, n)
	idx := make([]match.Account, 0, n)
	for i := range n {
		name, domain := company(rng)
		a := &baton.Account{ID: fmt.Sprintf("A%06d", i), Name: name, Domain: domain, Status: baton.AccountProspect,
			Employees: employees(rng), Industry: pick(rng, benchIndustries)}
		if rng.IntN(100) < 4 {
			c := pick(rng, uncoveredCountries)
			a.Country, a.Region = c.code, c.region
		} else {
			a.Country, a.Region = country(rng)
		}
		a.Segment = baton.SegmentFor(a.Employees)
		seg := segmentShort[a.Segment]
		switch r := rng.IntN(100); {
		case r < 8:
			a.Status = baton.AccountCustomer
			if rng.IntN(10) < 8 {
				a.CSMID = w.owner("cs", "cs_"+a.Region)
			}
			if rng.IntN(10) < 6 {
				a.OwnerID = w.owner("ae", "ae_"+a.Region+"_"+seg)
			}
		case a.Segment == baton.SegmentEnterprise && r < 50, a.Segment == baton.SegmentMidMarket && r < 20, r < 11:
			a.OwnerID = w.owner("ae_" + a.Region + "_" + seg)
		}
		if rng.IntN(100) < 4 {
			a.OpportunityOwnerID = w.owner("ae", "ae_"+a.Region+"_"+seg)
		}
		im := match.Account{ID: a.ID, Name: a.Name, Domain: a.Domain}
		if rng.IntN(50) == 0 {
			a.Aliases = []string{strings.TrimSuffix(domain, "."+strings.SplitN(domain, ".", 2)[1]) + ".net"}
			im.Aliases = a.Aliases
		}
		w.accounts[a.ID] = a
		w.list = append(w.list, a)
		if a.Status == baton.AccountCustomer {
			w.custs = append(w.custs, a)
		}
		idx = append(idx, im)
	}
	w.index = match.NewIndex(idx, match.Options{})
}

// ruleSpec is a generated rule before it is rendered to YAML.
type ruleSpec struct {
	name   string
	conds  []string
	types  []string
	team   string
	users  []string
	method string
	hours  *bool
}

func quoteList(xs []string) string {
	q := make([]string, len(xs))
	for i, x := range xs {
		q[i] = `"` + x + `"`
	}
	return "[" + strings.Join(q, ", ") + "]"
}

// some returns one to n distinct items of xs.
func some(rng *rand.Rand, xs []string, n int) []string {
	k := 1 + rng.IntN(min(n, len(xs)))
	p := rng.Perm(len(xs))[:k]
	slices.Sort(p)
	out := make([]string, k)
	for i, j := range p {
		out[i] = xs[j]
	}
	return out
}

func inOrEq(field string, vals []string) string {
	if len(vals) == 1 {
		return fmt.Sprintf("%s == %q", field, vals[0])
	}
	return field + " in " + quoteList(vals)
}

// genRules generates n rules the way a large team's playbook grows:
// specific carve-outs (verticals, partner and event sources, intent and
// product, country and segment) first, in no particular order, and the
// territory catch-alls (region and segment) last when catchAll is set.
// Each rule sends to the regional team its condition implies, scoped to the
// handoff types that team takes; a sixth of the AE rules are left unscoped.
func (w *world) genRules(n int, catchAll bool) []ruleSpec {
	rng := w.rng
	var last []ruleSpec
	if catchAll {
		last = catchAllRules()
	}
	specific := max(0, n-len(last))
	out := make([]ruleSpec, 0, n)
	for i := range specific {
		region := pick(rng, benchRegions)
		seg := pick(rng, benchSegments)
		var r ruleSpec
		switch f := rng.IntN(100); {
		case f < 30: // vertical carve-out
			r.conds = []string{inOrEq("account.country", some(rng, countriesOf(region), 3)), inOrEq("account.industry", some(rng, benchIndustries, 2)),
				inOrEq("account.segment", []string{seg})}
			r.team = "ae_" + region + "_" + segmentShort[seg]
		case f < 45: // source
			r.conds = []string{inOrEq("signal.source", some(rng, benchSources[3:], 2)), inOrEq("account.region", []string{region})}
			if rng.IntN(2) == 0 {
				r.conds = append(r.conds, inOrEq("account.segment", []string{seg}))
				r.team = "ae_" + region + "_" + segmentShort[seg]
			} else {
				r.conds = append(r.conds, "account.employees < 200")
				r.team = "sdr_" + region
			}
		case f < 60: // intent and product
			r.conds = []string{fmt.Sprintf("(fields.lead_score ?? 0) >= %d", 60+5*rng.IntN(7)), fmt.Sprintf("fields.product == %q", pick(rng, benchProducts)),
				inOrEq("account.region", []string{region})}
			r.team = "sdr_" + region
		case f < 70: // big buyers with intent
			lo := pick(rng, []int{1000, 2000, 5000, 10000})
			r.conds = []string{`fields.intent == "high"`, fmt.Sprintf("account.employees >= %d", lo), inOrEq("account.country", some(rng, countriesOf(region), 2))}
			r.team = "ae_" + region + "_ent"
		case f < 92: // country and segment
			r.conds = []string{inOrEq("account.country", some(rng, countriesOf(region), 2)), inOrEq("account.segment", []string{seg})}
			if rng.IntN(3) == 0 {
				r.conds = append(r.conds, fmt.Sprintf("account.employees >= %d", 50*(1+rng.IntN(20))))
			}
			r.team = "ae_" + region + "_" + segmentShort[seg]
		default: // customer success by vertical
			r.conds = []string{inOrEq("account.region", []string{region}), inOrEq("account.industry", some(rng, benchIndustries, 3))}
			r.team = "cs_" + region
		}
		// People do not write conditions in one canonical order.
		rng.Shuffle(len(r.conds), func(a, b int) { r.conds[a], r.conds[b] = r.conds[b], r.conds[a] })
		switch {
		case strings.HasPrefix(r.team, "ae_"):
			if rng.IntN(6) != 0 {
				r.types = some(rng, aeTypes, 3)
			}
		case strings.HasPrefix(r.team, "sdr_"):
			r.types = some(rng, sdrTypes, 2)
		default:
			r.types = some(rng, csTypes, 2)
		}
		switch m := rng.IntN(4); m {
		case 0, 1:
			r.method = playbook.MethodRoundRobin
		case 2:
			r.method = playbook.MethodWeighted
		default:
			r.method = playbook.MethodLeastLoaded
		}
		r.name = fmt.Sprintf("r%03d_%s", i, strings.ReplaceAll(r.team, "_", ""))
		if rng.IntN(30) == 0 && len(w.teams[r.team]) >= 3 { // a named list instead of a team
			r.users = some(rng, emails(w.teams[r.team]), 3)
			r.team = ""
		}
		if rng.IntN(20) == 0 {
			f := false
			r.hours = &f
		}
		out = append(out, r)
	}
	for i, r := range last {
		r.name = fmt.Sprintf("r%03d_%s", specific+i, r.name)
		out = append(out, r)
	}
	return out[:n]
}

func emails(us []*baton.User) []string {
	out := make([]string, len(us))
	for i, u := range us {
		out[i] = u.Email
	}
	return out
}

// catchAllRules are the territory rules at the end of a playbook: every
// region and segment to its AE team, every region to its SDR and CS team.
func catchAllRules() []ruleSpec {
	var out []ruleSpec
	for _, region := range benchRegions {
		for _, seg := range benchSegments {
			team := "ae_" + region + "_" + segmentShort[seg]
			out = append(out, ruleSpec{name: "territory_" + team, conds: []string{inOrEq("account.region", []string{region}), inOrEq("account.segment", []string{seg})},
				types: aeTypes, team: team, method: playbook.MethodRoundRobin})
		}
	}
	for _, region := range benchRegions {
		out = append(out, ruleSpec{name: "territory_sdr_" + region, conds: []string{inOrEq("account.region", []string{region})},
			types: sdrTypes, team: "sdr_" + region, method: playbook.MethodRoundRobin})
		out = append(out, ruleSpec{name: "territory_cs_" + region, conds: []string{inOrEq("account.region", []string{region})},
			types: csTypes, team: "cs_" + region, method: playbook.MethodLeastLoaded})
	}
	return out
}

// playbookYAML renders rules into the default playbook: its tiers and
// handoff types as shipped, with "rules" added before "pool" wherever a
// precedence is given, and a routing section carrying the rules. With
// unscoped, rules apply to every handoff type.
func playbookYAML(rules []ruleSpec, unscoped bool) []byte {
	var b strings.Builder
	skip := false
	for line := range strings.Lines(string(playbook.DefaultYAML())) {
		if line != "" && line[0] != ' ' && line[0] != '#' && line[0] != '\n' {
			skip = strings.HasPrefix(line, "routing:")
		}
		if skip {
			continue
		}
		if strings.Contains(line, "precedence: [") && !strings.Contains(line, "rules") {
			line = strings.Replace(line, "pool]", "rules, pool]", 1)
		}
		b.WriteString(line)
		if line == "fields:\n" {
			// The free fields the generated conditions read, beside the
			// default's own.
			b.WriteString("  - {name: product, type: string}\n  - {name: intent, type: string}\n")
		}
	}
	b.WriteString("\nrouting:\n  precedence: [existing_customer, open_opportunity, named_account, rules, pool]\n  fallback_team: ops\n  coalesce: 72h\n  rules:\n")
	for _, r := range rules {
		fmt.Fprintf(&b, "    - name: %s\n      when: '%s'\n", r.name, strings.Join(r.conds, " && "))
		if len(r.types) > 0 && !unscoped {
			fmt.Fprintf(&b, "      types: [%s]\n", strings.Join(r.types, ", "))
		}
		to := "team: " + r.team
		if r.team == "" {
			to = "users: [" + strings.Join(r.users, ", ") + "]"
		}
		to += ", method: " + r.method
		if r.hours != nil {
			to += fmt.Sprintf(", working_hours: %t", *r.hours)
		}
		fmt.Fprintf(&b, "      to: {%s}\n", to)
	}
	return []byte(b.String())
}

// usePlaybook compiles rules into the world's playbook.
func (w *world) usePlaybook(tb testing.TB, rules []ruleSpec, unscoped bool) {
	tb.Helper()
	src := playbookYAML(rules, unscoped)
	pb, err := playbook.Parse("bench.yaml", src)
	if err != nil {
		tb.Fatalf("generated playbook does not parse: %v", err)
	}
	if got := len(pb.Routing.Rules); got != len(rules) {
		tb.Fatalf("got %d rules, want %d", got, len(rules))
	}
	w.pb = pb
	w.rulePos = map[string]map[string]int{}
	for _, h := range pb.HandoffTypes {
		pos := map[string]int{}
		for i, r := range pb.RulesFor(h.Name) {
			pos[r.Name] = i
		}
		w.rulePos[h.Name] = pos
	}
}

// reset empties the fairness state and gives every user a starting load.
func (w *world) reset() {
	rng := newRand(w.cfg.Seed + 1)
	w.now = worldStart
	w.state = map[string]baton.PoolState{}
	w.loads = make(map[string]userLoad, len(w.users))
	day := w.day()
	for _, u := range w.users {
		w.loads[u.ID] = userLoad{Load: baton.Load{Open: rng.IntN(12), Today: rng.IntN(6), Month: rng.IntN(80)}, day: day}
	}
	w.ring = make([]string, 3*len(w.users))
	w.opened = 0
}

func (w *world) day() int { return int(w.now.Unix() / 86400) }

// load is a user's load now; Today resets with the UTC day.
func (w *world) load(id string) baton.Load {
	l := w.loads[id]
	if l.day != w.day() {
		return baton.Load{Open: l.Open, Month: l.Month}
	}
	return l.Load
}

func (w *world) handoffType(name string) *playbook.HandoffType {
	h := w.pb.HandoffType(name)
	if h == nil {
		panic("no handoff type " + name)
	}
	return h
}

// randomSignal draws a signal: its handoff type by the usual mix, a known
// account for most, an unknown company for some, and the evidence a real
// form carries (corporate email, a website field, a free-mail address with
// a company name, sometimes mistyped).
func (w *world) randomSignal() *benchSignal {
	rng := w.rng
	ht := weightedType(rng)
	s := &benchSignal{handoffType: ht}
	h := w.handoffType(ht)
	s.signal = playbook.SignalEnv{Type: pick(rng, h.Triggers), Source: pick(rng, benchSources), Campaign: fmt.Sprintf("fy27-q%d-%s", 1+rng.IntN(4), pick(rng, benchProducts)),
		HasMeeting: ht == "meeting_set"}
	person := pick(rng, firstNames) + "." + pick(rng, lastNames)
	var a *baton.Account
	if (ht == "expansion" || ht == "churn_risk" || ht == "closed_won") && len(w.custs) > 0 && rng.IntN(5) != 0 {
		a = pick(rng, w.custs)
	} else {
		a = pick(rng, w.list)
	}
	switch r := rng.IntN(100); {
	case r < 62:
		s.query = match.Query{Email: person + "@" + a.Domain, Company: a.Name}
	case r < 70:
		s.query = match.Query{Email: person + "@" + pick(rng, freeMail), Domain: "https://www." + a.Domain + "/", Company: a.Name}
	case r < 76:
		s.query = match.Query{Email: person + "@" + pick(rng, freeMail), Company: a.Name}
	case r < 80:
		s.query = match.Query{Email: person + "@" + pick(rng, freeMail), Company: typo(rng, a.Name)}
	case r < 94:
		name, domain := company(rng)
		s.query = match.Query{Email: person + "@" + domain, Company: name}
		if rng.IntN(4) != 0 {
			s.hint.Name, s.hint.Domain, s.hint.Employees, s.hint.Industry = name, domain, employees(rng), pick(rng, benchIndustries)
			if rng.IntN(10) == 0 {
				c := pick(rng, uncoveredCountries)
				s.hint.Country, s.hint.Region = c.code, c.region
			} else {
				s.hint.Country, s.hint.Region = country(rng)
			}
			s.hint.Segment, s.hint.Status = baton.SegmentFor(s.hint.Employees), baton.AccountProspect
		}
	default:
		s.query = match.Query{Email: person + "@" + pick(rng, freeMail), Company: pick(rng, []string{"", "n/a", "Self-employed"})}
	}
	s.contact = playbook.ContactEnv{Email: s.query.Email, Title: pick(rng, benchTitles), TimeZone: pick(rng, regionZones[pick(rng, benchRegions)])}
	s.fields = map[string]any{"utm_medium": pick(rng, []string{"cpc", "email", "social", "organic"})}
	if rng.IntN(10) < 8 {
		s.fields["lead_score"] = rng.IntN(101)
	}
	if rng.IntN(10) < 6 {
		s.fields["product"] = pick(rng, benchProducts)
	}
	if rng.IntN(2) == 0 {
		s.fields["intent"] = pick(rng, benchIntents)
	}
	return s
}

func weightedType(rng *rand.Rand) string {
	total := 0
	for _, h := range handoffMix {
		total += h.weight
	}
	n := rng.IntN(total)
	for _, h := range handoffMix {
		if n < h.weight {
			return h.name
		}
		n -= h.weight
	}
	panic("unreachable")
}

// typo returns s with one letter away from the first replaced or dropped.
func typo(rng *rand.Rand, s string) string {
	r := []rune(s)
	if len(r) < 6 {
		return s
	}
	i := 1 + rng.IntN(len(r)-2)
	if rng.IntN(2) == 0 {
		return string(append(r[:i:i], r[i+1:]...))
	}
	r[i] = rune('a' + rng.IntN(26))
	return string(r)
}

// stream draws signals from gen until each kind in mix has its share of n,
// classifying each by the path it takes in the fresh world, and shuffles
// them together.
func (w *world) stream(tb testing.TB, n int, mix map[string]float64, gen func() *benchSignal) []*benchSignal {
	tb.Helper()
	want := map[string]int{}
	left := 0
	for _, k := range []string{kindDirect, kindEarly, kindLate, kindNone} {
		want[k] = int(mix[k]*float64(n) + 0.5)
		left += want[k]
	}
	out := make([]*benchSignal, 0, left)
	got := map[string]int{}
	for tries := 0; left > 0; tries++ {
		if tries > 200*n {
			tb.Fatalf("after %d signals drawn, got %v of %v wanted", tries, got, want)
		}
		s := gen()
		k := w.classify(tb, s)
		if got[k] >= want[k] {
			continue
		}
		s.kind = k
		got[k]++
		left--
		out = append(out, s)
	}
	w.rng.Shuffle(len(out), func(i, j int) { out[i], out[j] = out[j], out[i] })
	return out
}

// classify routes s in the world as it stands, records nothing, and says
// which kind of path it took ("" for one that counts as none of them).
func (w *world) classify(tb testing.TB, s *benchSignal) string {
	tb.Helper()
	req := w.request(s)
	d, err := routing.Route(req)
	if err != nil {
		tb.Fatal(err)
	}
	reached, matched := false, ""
	for _, st := range d.Trace {
		if st.Step == playbook.StepRules {
			reached = true
			if st.Result == "matched" {
				matched = st.Subject
			}
		}
	}
	switch {
	case !reached && (d.Step == playbook.StepExistingCustomer || d.Step == playbook.StepOpenOpportunity || d.Step == playbook.StepNamedAccount):
		return kindDirect
	case reached && matched == "":
		return kindNone
	case matched != "" && d.Step == playbook.StepRules:
		pos, n := w.rulePos[req.Type][matched], len(req.Rules)
		switch {
		case pos < n/4:
			return kindEarly
		case pos >= n/2:
			return kindLate
		}
	}
	return ""
}

// request builds the routing request for s as the service does: match the
// company to an account, build what conditions see, read through the
// in-memory store.
func (w *world) request(s *benchSignal) *routing.Request { return w.requestFor(s, w.match(s)) }

// match returns the account s belongs to, or nil for a new company.
func (w *world) match(s *benchSignal) *baton.Account {
	if m, ok := w.index.Match(s.query); ok {
		return w.accounts[m.AccountID]
	}
	return nil
}

// requestFor builds the routing request for s from the company's account a.
func (w *world) requestFor(s *benchSignal, a *baton.Account) *routing.Request {
	env := &playbook.Env{Signal: s.signal, Contact: s.contact, Fields: s.fields, Account: s.hint}
	if a != nil {
		env.Account = playbook.AccountEnv{Name: a.Name, Domain: a.Domain, Segment: a.Segment, Employees: a.Employees, Industry: a.Industry,
			Country: a.Country, Region: a.Region, Status: a.Status, Customer: a.Status == baton.AccountCustomer, Named: a.OwnerID != ""}
	}
	h := w.handoffType(s.handoffType)
	return &routing.Request{
		Now: w.now, Type: h.Name, Steps: w.pb.PrecedenceFor(h), Rules: w.pb.RulesFor(h.Name), Env: env,
		Team: h.To, Method: w.pb.Routing.Method, FallbackTeam: w.pb.Routing.FallbackTeam, Hours: w.pb.PoolHours(nil),
		Account: a, Roster: w.roster, State: w.stateFn, Loads: w.loadsFn,
	}
}

// decide is one routing decision: match, route, record the pick as the
// service would in the same transaction, and move the clock on a second.
func (w *world) decide(s *benchSignal) (routing.Decision, error) {
	d, err := routing.Route(w.request(s))
	if err != nil {
		return d, err
	}
	w.commit(d)
	return d, nil
}

// commit records d and moves the clock on a second.
func (w *world) commit(d routing.Decision) {
	w.record(d)
	w.now = w.now.Add(time.Second)
}

// record stores a decision's fairness state and counts the new handoff in
// its owner's load; once the book of open handoffs is full, the oldest
// closes.
func (w *world) record(d routing.Decision) {
	if d.Pool != "" {
		st := w.state[d.Pool]
		if st.Members == nil {
			st.Members = map[string]baton.PoolMember{}
		}
		m := st.Members[d.OwnerID]
		st.Members[d.OwnerID] = baton.PoolMember{Pass: d.Pass, Assigned: m.Assigned + 1}
		st.VTime = d.VTime
		w.state[d.Pool] = st
	}
	if d.OwnerID == "" {
		return
	}
	day := w.day()
	l := w.loads[d.OwnerID]
	if l.day != day {
		l.Today, l.day = 0, day
	}
	l.Open++
	l.Today++
	l.Month++
	w.loads[d.OwnerID] = l
	i := w.opened % len(w.ring)
	if w.opened >= len(w.ring) {
		old := w.loads[w.ring[i]]
		old.Open--
		w.loads[w.ring[i]] = old
	}
	w.ring[i] = d.OwnerID
	w.opened++
}
