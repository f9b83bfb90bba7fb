package main

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"strings"
	"time"

	"github.com/batonhq/baton"
	"github.com/batonhq/baton/sqlite"
)

// seedConfig shapes the seeded database.
type seedConfig struct {
	Handoffs int       // handoffs to write
	Users    int       // people, in teams of teamSize with one manager each
	Now      time.Time // the newest handoff is created just before Now
	Span     time.Duration
	Seed     uint64
}

const (
	teamSize  = 16
	batchRows = 500 // rows per INSERT statement
	password  = "bench-password-1234"
)

var (
	handoffTypes = []struct{ name, from, to, tier string }{
		{"hot_lead", "marketing", "sdr", "hot"}, {"mql", "marketing", "sdr", "warm"},
		{"meeting_set", "sdr", "ae", "hot"}, {"ae_to_se", "ae", "se", "warm"},
		{"closed_won", "ae", "cs", "standard"}, {"expansion", "cs", "ae", "warm"},
		{"territory_change", "ae", "ae", "standard"},
	}
	sources  = []string{"website", "hubspot", "salesforce", "calendly", "csv"}
	segments = []string{"smb", "mid-market", "enterprise"}
)

// seeded is who the benchmark signs in as.
type seeded struct {
	Admin, Manager, Rep string // emails
}

// countHandoffs returns the handoffs in the database at path, or -1 when
// there is no database.
func countHandoffs(ctx context.Context, path string) (int, error) {
	if _, err := os.Stat(path); err != nil {
		return -1, nil
	}
	db, err := sql.Open("sqlite", "file:"+path+"?mode=ro")
	if err != nil {
		return 0, err
	}
	defer db.Close()
	var n int
	if err := db.QueryRowContext(ctx, `SELECT count(*) FROM handoffs`).Scan(&n); err != nil {
		return -1, nil
	}
	return n, nil
}

// who names the people the benchmark signs in as, for a config.
func who(cfg seedConfig) seeded {
	return seeded{Admin: "admin@bench.example", Manager: "user1@bench.example", Rep: "user2@bench.example"}
}

// seed writes a fresh database at path: migrations through the store, then
// users, handoffs, their events and meetings as multi-row INSERTs in large
// transactions, then the rollups rebuilt from the log.
func seed(ctx context.Context, path string, cfg seedConfig) error {
	for _, suffix := range []string{"", "-wal", "-shm"} {
		if err := os.Remove(path + suffix); err != nil && !os.IsNotExist(err) {
			return err
		}
	}
	store, err := sqlite.Open(ctx, path, sqlite.Options{})
	if err != nil {
		return err
	}
	if err := store.Close(); err != nil {
		return err
	}
	db, err := sql.Open("sqlite", "file:"+path+"?_pragma=journal_mode(WAL)&_pragma=synchronous(OFF)&_pragma=cache_size(-262144)")
	if err != nil {
		return err
	}
	defer db.Close()
	db.SetMaxOpenConns(1)
	rng := rand.New(rand.NewPCG(cfg.Seed, 7))
	w := &bulk{ctx: ctx, db: db}

	// People: user0 is the admin; the first of each team of teamSize is
	// its manager, the others report to them.
	now := cfg.Now.UTC()
	nowMS := now.UnixMilli()
	users := make([]string, cfg.Users)
	w.table("users", "id, email, name, role, team, timezone, manager_id, backup_id, capacity, access, created_at, updated_at")
	for i := range cfg.Users {
		id := fmt.Sprintf("u%05d", i)
		users[i] = id
		team := fmt.Sprintf("team-%03d", i/teamSize)
		role, access, manager := "ae", baton.AccessRep, fmt.Sprintf("u%05d", i/teamSize*teamSize)
		switch {
		case i == 0:
			role, access, manager = "admin", baton.AccessAdmin, ""
			team = "revops"
		case i%teamSize == 0 || i == 1:
			role, access, manager = "manager", baton.AccessManager, ""
		}
		if i == 1 {
			manager = ""
		}
		email := fmt.Sprintf("user%d@bench.example", i)
		if i == 0 {
			email = "admin@bench.example"
		}
		backup := fmt.Sprintf("u%05d", i/teamSize*teamSize+(i+1)%teamSize)
		if err := w.row(id, email, fmt.Sprintf("Person %d", i), role, team, "UTC", manager, backup, 40, access, nowMS, nowMS); err != nil {
			return err
		}
	}
	// user1 manages team-000 (its members report to user0 as written
	// above, so point them at user1).
	if err := w.flush(); err != nil {
		return err
	}
	if _, err := db.ExecContext(ctx, `UPDATE users SET manager_id = 'u00001' WHERE team = 'team-000' AND id NOT IN ('u00000', 'u00001')`); err != nil {
		return err
	}
	if _, err := db.ExecContext(ctx, `UPDATE users SET team = 'team-000' WHERE id = 'u00001'`); err != nil {
		return err
	}
	hash := baton.HashPassword(password)
	for _, id := range []string{"u00000", "u00001", "u00002"} {
		if _, err := db.ExecContext(ctx, `INSERT INTO credentials (user_id, password_hash, updated_at) VALUES (?, ?, ?)`, id, hash, nowMS); err != nil {
			return err
		}
	}

	hw := &bulk{ctx: ctx, db: db}
	hw.table("handoffs", "id, type, state, tier, from_team, to_team, signal_id, owner_id, backup_id, sender_id, accept_by, first_touch_by, breached, created_at, updated_at, assigned_at, accepted_at, first_touch_at, closed_at, meeting_id, outcome, context")
	ew := &bulk{ctx: ctx, db: db}
	ew.table("handoff_events", "handoff_id, kind, at, actor, from_state, to_state, owner_id, data")
	mw := &bulk{ctx: ctx, db: db}
	mw.table("meetings", "id, handoff_id, starts_at, duration, timezone, status, created_at, updated_at")
	start := now.Add(-cfg.Span)
	step := cfg.Span / time.Duration(max(cfg.Handoffs, 1))
	for i := range cfg.Handoffs {
		id := fmt.Sprintf("h%08d", i)
		created := start.Add(time.Duration(i) * step)
		ht := handoffTypes[rng.IntN(len(handoffTypes))]
		tier := ht.tier
		owner := users[1+rng.IntN(cfg.Users-1)]
		sender := users[1+rng.IntN(cfg.Users-1)]
		backup := fmt.Sprintf("u%05d", parseUser(owner)/teamSize*teamSize+(parseUser(owner)+1)%teamSize)
		sla := map[string]time.Duration{"hot": 5 * time.Minute, "warm": time.Hour, "standard": 24 * time.Hour}[tier]
		age := now.Sub(created)
		completeness := rng.IntN(101)
		created_, _ := json.Marshal(baton.CreatedData{SignalID: "s" + id[1:], SignalType: "demo_request", HandoffType: ht.name, Tier: tier, Team: ht.to,
			OccurredAt: created.Add(-time.Duration(rng.IntN(60)) * time.Second), Source: sources[rng.IntN(len(sources))], Segment: segments[rng.IntN(len(segments))], Completeness: &completeness})
		ms := func(t time.Time) int64 { return t.UnixMilli() }
		ev := func(kind string, at time.Time, from, to baton.State, data []byte) error {
			var d any
			if data != nil {
				d = string(data)
			}
			return ew.row(id, kind, ms(at), "system", string(from), string(to), owner, d)
		}
		if err := ev(baton.EventCreated, created, "", "", created_); err != nil {
			return err
		}
		if err := ev(baton.EventAssigned, created, "", baton.StateAssigned, nil); err != nil {
			return err
		}
		// Times to accept and touch: log-normal-ish around the tier's SLA.
		acceptIn := time.Duration(float64(sla) * (0.05 + rng.ExpFloat64()*0.6))
		touchIn := acceptIn + time.Duration(float64(sla)*(0.1+rng.ExpFloat64()))
		state := baton.StateAssigned
		var acceptedAt, touchedAt, closedAt time.Time
		breached := acceptIn > sla
		if breached && created.Add(sla).Before(now) {
			d, _ := json.Marshal(baton.BreachedData{Step: "accept", Deadline: created.Add(sla)})
			if err := ev(baton.EventBreached, created.Add(sla), state, state, d); err != nil {
				return err
			}
		} else {
			breached = false
		}
		if created.Add(acceptIn).Before(now) && rng.IntN(100) < 97 {
			acceptedAt = created.Add(acceptIn)
			if err := ev(baton.EventAccepted, acceptedAt, state, baton.StateAccepted, nil); err != nil {
				return err
			}
			state = baton.StateAccepted
			if created.Add(touchIn).Before(now) && rng.IntN(100) < 95 {
				touchedAt = created.Add(touchIn)
				if err := ev(baton.EventTouched, touchedAt, state, baton.StateActioned, nil); err != nil {
					return err
				}
				state = baton.StateActioned
			}
		}
		// The receiver rates most handoffs when accepting them.
		if !acceptedAt.IsZero() && rng.IntN(100) < 60 {
			d, _ := json.Marshal(baton.RatedData{Rating: 1 + min(rng.IntN(6), 4), Stage: "accept", Missing: pick(rng, 25, "budget_range")})
			if err := ev(baton.EventRated, acceptedAt, "", "", d); err != nil {
				return err
			}
		}
		meeting := ""
		if ht.name == "meeting_set" {
			meeting = "m" + id[1:]
			if rng.IntN(100) < 12 && created.Add(time.Hour).Before(now) { // rescheduled once
				d, _ := json.Marshal(baton.MeetingChangedData{MeetingID: meeting, StartsAt: created.Add(96 * time.Hour), Status: baton.MeetingBooked, Sequence: 1})
				if err := ev(baton.EventMeetingChanged, created.Add(time.Hour), "", "", d); err != nil {
					return err
				}
			}
		}
		outcome := ""
		if age > 30*24*time.Hour && rng.IntN(100) < 98 {
			closedAt = created.Add(time.Duration(1+rng.IntN(20*24)) * time.Hour)
			kind, to := baton.EventCompleted, baton.StateCompleted
			var data []byte
			switch {
			case rng.IntN(100) < 8:
				kind, to = baton.EventCancelled, baton.StateCancelled
			case state == baton.StateActioned:
				kind, outcome = baton.EventOutcome, outcomes[rng.IntN(len(outcomes))]
				data, _ = json.Marshal(baton.OutcomeData{Outcome: outcome})
			}
			if err := ev(kind, closedAt, state, to, data); err != nil {
				return err
			}
			state = to
			if outcome == baton.OutcomeNotInterested || outcome == baton.OutcomeDisqualified {
				d, _ := json.Marshal(baton.RecycledData{Outcome: outcome, Reason: "seeded", Source: "website"})
				if err := ev(baton.EventRecycled, closedAt, "", "", d); err != nil {
					return err
				}
			}
			if meeting != "" && outcome != "" && outcome != baton.OutcomeNoShow && rng.IntN(100) < 40 {
				d, _ := json.Marshal(baton.SurveyAnsweredData{SurveyID: "v" + id[1:], Score: 2 + min(rng.IntN(5), 3)})
				if err := ev(baton.EventSurveyAnswered, closedAt.Add(time.Hour), "", "", d); err != nil {
					return err
				}
			}
		}
		if meeting != "" {
			status := "booked"
			switch {
			case outcome == baton.OutcomeNoShow:
				status = baton.MeetingNoShow
			case outcome != "" || age > 7*24*time.Hour:
				status = baton.MeetingHeld
			}
			if err := mw.row(meeting, id, ms(created.Add(72*time.Hour)), 30*60*1000, "UTC", status, ms(created), ms(created)); err != nil {
				return err
			}
		}
		context := "{}"
		switch rng.IntN(3) {
		case 0:
			context = fmt.Sprintf(`{"deal_value":%d}`, 5_000+rng.IntN(200)*1_000)
		case 1:
			lo := 10_000 + rng.IntN(50)*1_000
			context = fmt.Sprintf(`{"budget_range":{"min":%d,"max":%d,"currency":"USD"}}`, lo, 2*lo)
		}
		updated := created
		for _, t := range []time.Time{acceptedAt, touchedAt, closedAt} {
			if t.After(updated) {
				updated = t
			}
		}
		if err := hw.row(id, ht.name, string(state), tier, ht.from, ht.to, "s"+id[1:], owner, backup, sender,
			ms(created.Add(sla)), ms(created.Add(2*sla)), breached, ms(created), ms(updated), ms(created), msz(acceptedAt), msz(touchedAt), msz(closedAt), meeting, outcome, context); err != nil {
			return err
		}
	}
	for _, b := range []*bulk{hw, ew, mw} {
		if err := b.flush(); err != nil {
			return err
		}
	}
	// The rows went in behind the store's back: mark the rollups stale so
	// that the next sqlite.Open rebuilds them from the log.
	if _, err := db.ExecContext(ctx, `INSERT INTO settings (key, value) VALUES ('rollups_stale', X'31') ON CONFLICT (key) DO UPDATE SET value = excluded.value`); err != nil {
		return err
	}
	if _, err := db.ExecContext(ctx, `ANALYZE`); err != nil {
		return err
	}
	return nil
}

// outcomes are the outcomes the seed records on actioned handoffs, each
// equally likely.
var outcomes = []string{baton.OutcomeNoShow, baton.OutcomeInterested, baton.OutcomeNotInterested, baton.OutcomeProposal, baton.OutcomeWon, baton.OutcomeDisqualified}

// pick returns fields with probability pct %, else nil.
func pick(rng *rand.Rand, pct int, fields ...string) []string {
	if rng.IntN(100) < pct {
		return fields
	}
	return nil
}

func parseUser(id string) int {
	var n int
	fmt.Sscanf(id, "u%d", &n)
	return n
}

func msz(t time.Time) int64 {
	if t.IsZero() {
		return 0
	}
	return t.UnixMilli()
}

// bulk writes rows to one table as multi-row INSERTs of batchRows rows,
// each in its own transaction (cheap with synchronous off).
type bulk struct {
	ctx   context.Context
	db    *sql.DB
	name  string
	cols  int
	head  string
	args  []any
	rows  int
	total int
}

func (b *bulk) table(name, cols string) {
	b.name, b.cols = name, strings.Count(cols, ",")+1
	b.head = "INSERT INTO " + name + " (" + cols + ") VALUES "
}

func (b *bulk) row(vals ...any) error {
	b.args = append(b.args, vals...)
	b.rows++
	if b.rows == batchRows {
		return b.flush()
	}
	return nil
}

// flush writes the pending rows in one statement inside a transaction.
func (b *bulk) flush() error {
	if b.rows == 0 {
		return nil
	}
	one := "(?" + strings.Repeat(",?", b.cols-1) + ")"
	q := b.head + one + strings.Repeat(","+one, b.rows-1)
	tx, err := b.db.BeginTx(b.ctx, nil)
	if err != nil {
		return err
	}
	if _, err := tx.ExecContext(b.ctx, q, b.args...); err != nil {
		tx.Rollback()
		return fmt.Errorf("insert into %s: %w", b.name, err)
	}
	if err := tx.Commit(); err != nil {
		return err
	}
	b.total += b.rows
	b.args, b.rows = b.args[:0], 0
	return nil
}
