package objection

import (
	"slices"
	"strings"
)

// contactFeatures returns the features of who is on the call and what the
// intake said about their situation: the contact's seniority and function
// (from the title), what they use today, who else decides, and the
// objections recorded earlier at the same account. Each attribute gives one
// feature ("unknown" when the field is empty), except prior=CATEGORY, which
// appears once per earlier objection and not at all when there were none.
func contactFeatures(p Profile) []string {
	rank := seniority(p.Title)
	fs := []string{
		"seniority=" + rank,
		"signer=" + signer(rank, p.Employees),
		"function=" + function(p.Title),
		"current=" + currentSolution(p.CurrentSolution),
		"deciders=" + deciders(p.DecisionMakers),
	}
	for _, c := range p.PriorObjections {
		if c.Valid() {
			fs = append(fs, "prior="+string(c))
		}
	}
	return fs
}

// seniority places a job title on the ladder that decides who can sign:
// junior (interns, assistants, coordinators, SDRs and analysts), staff
// (individual contributors such as account executives and specialists),
// manager (managers and team leads), director (directors and heads of a
// function), vp (vice presidents and general managers) and exec (C-level,
// founders, owners, presidents and partners). Titles in Spanish,
// Portuguese, French, German, Dutch and Italian are read for their common
// forms. An empty title is "unknown" and an unreadable one "other".
func seniority(title string) string {
	ts := tokens(title)
	if len(ts) == 0 {
		return "unknown"
	}
	ph := phrases(" " + strings.Join(ts, " ") + " ")
	// Qualified ranks first: "Assistant Vice President" is a mid-level bank
	// title, "Executive Assistant" is junior, "Account Executive" is not an
	// executive, and "Managing Director" runs the company.
	switch {
	case ph.any("assistant vice president", "assistant vp", "associate vice president", "associate director",
		"assistant director", "deputy director"):
		return "manager"
	case ph.any("executive assistant", "personal assistant", "office assistant", "sales assistant",
		"marketing assistant", "administrative assistant", "admin assistant"):
		return "junior"
	case ph.any("managing director", "general manager", "managing partner", "country manager",
		"directeur general", "directeur général", "director general", "directora general",
		"gerente general", "diretor geral", "diretora geral", "direttore generale"):
		return "exec"
	}
	has := func(ws ...string) bool {
		return slices.ContainsFunc(ts, func(t string) bool { return slices.Contains(ws, t) })
	}
	suffix := func(sufs ...string) bool {
		return slices.ContainsFunc(ts, func(t string) bool {
			return slices.ContainsFunc(sufs, func(s string) bool { return strings.HasSuffix(t, s) })
		})
	}
	switch {
	case has("vp", "svp", "evp", "avp") || ph.any("vice president", "vice presidente", "vice président"):
		return "vp" // before "president"
	case has("ceo", "cfo", "coo", "cto", "cio", "cro", "cmo", "ciso", "cco", "cso", "cpo", "cdo",
		"chief", "founder", "cofounder", "owner", "president", "proprietor", "pdg", "fondateur", "fondatrice", "fundador", "fundadora", "gründer", "grunder",
		"gründerin", "geschäftsführer", "geschaftsfuhrer", "geschäftsführerin", "inhaber", "inhaberin",
		"propietario", "propietaria", "dueño", "dueña", "eigenaar", "oprichter", "titolare", "sócio",
		"sócia", "socio", "socia", "vorstand", "md"):
		return "exec"
	case (ts[len(ts)-1] == "partner" || ts[len(ts)-1] == "principal") &&
		!has("manager", "channel", "alliances", "alliance", "marketing", "success", "engineer", "account"):
		// "Partner" or "Senior Partner" at a firm, "Principal" at a
		// consultancy; not "Channel Partner Manager" or "Principal Engineer".
		return "exec"
	case has("intern", "internship", "trainee", "apprentice", "student", "graduate", "junior", "jr",
		"assistant", "coordinator", "sdr", "bdr", "analyst", "associate", "clerk", "receptionist",
		"praktikant", "praktikantin", "werkstudent", "werkstudentin", "azubi", "auszubildende",
		"stagiaire", "alternant", "alternante", "becario", "becaria", "estagiário", "estagiária",
		"estagiario", "estagiaria", "stagiair", "tirocinante", "stagista", "asistente", "assistente",
		"assistent", "assistentin", "coordinador", "coordinadora", "coordenador", "coordenadora",
		"coordinatrice", "coordinateur", "koordinator", "koordinatorin", "analista") ||
		ph.any("sales development", "business development representative", "inside sales"):
		return "junior"
	case has("director", "directora", "directeur", "directrice", "diretor", "diretora", "direttore",
		"direttrice", "directeur", "head", "prokurist", "hoofd") || suffix("leiter", "leiterin"):
		return "director"
	case has("manager", "managers", "lead", "leader", "supervisor", "gerente", "gestor", "gestora",
		"jefe", "jefa", "responsable", "chef", "teamleiter", "teamlead", "responsabile") ||
		suffix("manager"):
		return "manager"
	case has("executive", "representative", "rep", "specialist", "consultant", "officer", "engineer",
		"developer", "administrator", "admin", "architect", "ae", "am", "seller", "recruiter",
		"planner", "buyer", "strategist", "advisor", "adviser", "agent", "vendedor", "vendedora",
		"commercial", "commerciale", "comercial", "verkäufer", "berater", "beraterin", "accountant"):
		return "staff"
	}
	return "other"
}

// signer judges whether a contact of this seniority can sign for a company
// of this size: executives and VPs can; a director can below 1,000
// employees, where a purchase like this is within a department's budget; a
// manager can below 100; individual contributors and juniors cannot. It is
// "maybe" when the size is unknown and "unknown" when the title is.
func signer(rank string, employees int) string {
	limit := 0
	switch rank {
	case "exec", "vp":
		return "yes"
	case "staff", "junior":
		return "no"
	case "director":
		limit = 1000
	case "manager":
		limit = 100
	default:
		return "unknown"
	}
	switch {
	case employees <= 0:
		return "maybe"
	case employees < limit:
		return "yes"
	}
	return "no"
}

// function names the part of the business a title belongs to, which
// predicts the lens the contact brings to the call: procurement (terms and
// price), legal (terms), finance (price), security (compliance), it
// (integration), revops (systems and process), sales, marketing, or other.
// The most specific function wins: "VP IT Procurement" is procurement.
func function(title string) string {
	ts := tokens(title)
	if len(ts) == 0 {
		return "unknown"
	}
	ph := phrases(" " + strings.Join(ts, " ") + " ")
	has := func(ws ...string) bool {
		return slices.ContainsFunc(ts, func(t string) bool { return slices.Contains(ws, t) })
	}
	prefix := func(ps ...string) bool {
		return slices.ContainsFunc(ts, func(t string) bool {
			return slices.ContainsFunc(ps, func(p string) bool { return strings.HasPrefix(t, p) })
		})
	}
	switch {
	case has("procurement", "purchasing", "sourcing", "buyer", "compras", "achats", "acheteur",
		"acheteuse", "inkoop", "inkoper", "acquisti", "einkauf", "einkäufer", "einkaufer") ||
		ph.any("vendor management", "supplier management", "category manager", "strategic sourcing") ||
		prefix("einkauf", "procure"):
		return "procurement"
	case has("legal", "counsel", "lawyer", "attorney", "contracts", "contract", "paralegal",
		"juridique", "jurídico", "juridico", "justiziar", "justitiar", "solicitor", "clo"):
		return "legal"
	case has("ciso", "security", "infosec", "compliance", "privacy", "dpo", "grc", "risk", "audit",
		"seguridad", "sécurité", "securite", "sicherheit", "datenschutz", "cumplimiento", "conformité",
		"conformite", "segurança", "seguranca") || ph.any("data protection"):
		return "security"
	case has("cfo", "finance", "financial", "controller", "comptroller", "treasurer", "accounting",
		"accountant", "fp", "finanzas", "finances", "finanzen", "financeiro", "financiero", "financiera",
		"finanza", "kaufmännischer", "kaufmannischer"):
		return "finance"
	case has("revops", "salesops", "ops", "operations", "enablement", "crm", "salesforce", "hubspot",
		"systems", "automation") || ph.any("revenue operations", "sales operations", "marketing operations",
		"business systems", "go to market operations", "gtm operations"):
		if has("coo") || (has("operations") && !has("sales", "revenue", "marketing", "business", "gtm", "crm")) {
			return "operations"
		}
		return "revops"
	case has("cto", "cio", "it", "engineer", "engineering", "developer", "architect", "technical",
		"technology", "tech", "infrastructure", "integration", "integrations", "data", "devops",
		"informática", "informatica", "sistemas", "ti", "edv", "software"):
		return "it"
	case has("coo"):
		return "operations"
	case has("marketing", "cmo", "demand", "growth", "brand", "content", "mercadeo", "mercadotecnia"):
		return "marketing"
	case has("sales", "cro", "revenue", "commercial", "comercial", "commerciale", "business",
		"account", "accounts", "ventas", "vendas", "vertrieb", "verkauf", "ventes", "verkoop",
		"vendite", "sdr", "bdr", "ae", "seller") || prefix("vertrieb", "verkauf"):
		return "sales"
	case has("ceo", "founder", "cofounder", "owner", "president", "md", "geschäftsführer",
		"geschaftsfuhrer", "pdg", "inhaber", "propietario", "propietaria", "dueño", "dueña",
		"fondateur", "fondatrice", "fundador", "fundadora"):
		return "general"
	case has("customer", "support", "success", "service", "hr", "people", "talent", "recruiting",
		"recruiter", "office", "admin", "administrative", "administration"):
		return "other_team"
	}
	return "other"
}

// knownCompetitors are lead-routing, scheduling and handoff products a
// prospect may name as what they use or are weighing, written as lowercase
// token sequences.
var knownCompetitors = []string{
	"chili piper", "chilipiper", "leandata", "lean data", "distribution engine", "ringlead",
	"revenuehero", "revenue hero", "default", "calendly", "savvycal", "kronologic", "qualified",
	"drift", "traction complete", "openprise", "calendarhero", "hubspot meetings",
	"salesloft", "outreach", "apollo", "gong", "clari", "zoominfo", "routingly", "lead router",
}

// namesCompetitor reports whether free text names a known competing product.
func namesCompetitor(s string) bool {
	ph := newPhrases(s)
	for _, c := range knownCompetitors {
		if c == "default" || c == "qualified" || c == "outreach" || c == "drift" || c == "apollo" {
			// Ordinary words too: count them only when written as a name.
			if strings.Contains(s, strings.ToUpper(c[:1])+c[1:]) && ph.any(c) {
				return true
			}
			continue
		}
		if ph.any(c) {
			return true
		}
	}
	return false
}

// currentSolution buckets the intake answer about what they use today:
// none (nothing in place), manual (spreadsheets, email, by hand),
// homegrown (built in house), competitor (a competing product), crm (the
// CRM's own assignment rules), contract (locked into something, whatever it
// is), tool (some other product) or unknown.
func currentSolution(s string) string {
	ph := newPhrases(s)
	if ph == "  " {
		return "unknown"
	}
	switch {
	case ph.any("under contract", "contract until", "contract ends", "contract runs", "locked in",
		"renewal", "renews", "renew", "multi year", "multiyear", "signed with", "contract with"):
		return "contract"
	case namesCompetitor(s):
		return "competitor"
	case ph.any("in house", "inhouse", "homegrown", "home grown", "built our own", "we built",
		"built it", "custom built", "custom script", "custom scripts", "our own tool", "internal tool",
		"script", "scripts", "apps script", "developer built", "built by"):
		return "homegrown"
	case ph.any("spreadsheet", "spreadsheets", "excel", "google sheets", "sheets", "sheet", "manual",
		"manually", "by hand", "email", "emails", "inbox", "shared inbox", "outlook", "gmail",
		"whatsapp", "phone", "whiteboard", "slack channel", "post it", "notebook", "paper",
		"word of mouth", "round the table", "copy paste", "forwarding", "forward"):
		return "manual"
	case ph.any("nothing", "none", "no tool", "no system", "no process", "n a", "na", "not really",
		"nothing yet", "nothing formal", "ad hoc", "nada", "nichts", "rien", "niets"):
		return "none"
	case ph.any("salesforce", "sfdc", "hubspot", "dynamics", "pipedrive", "zoho", "crm",
		"round robin", "assignment rules", "lead assignment", "workflows", "freshsales", "monday",
		"close", "copper", "sugarcrm", "odoo", "netsuite", "sap"):
		return "crm"
	}
	return "tool"
}

// deciders buckets the intake answer about who else decides: self (the
// contact alone), leadership (a boss or an executive), committee (a board,
// a team, or three or more people or teams named), procurement (procurement or legal sign the
// paper), technical (IT or security must approve), unsure (they do not
// know yet) or unknown.
func deciders(s string) string {
	ph := newPhrases(s)
	if ph == "  " {
		return "unknown"
	}
	parties := len(strings.FieldsFunc(s, func(r rune) bool { return r == ';' || r == ',' || r == '&' || r == '\n' }))
	parties += strings.Count(string(ph), " and ") + strings.Count(string(ph), " plus ")
	switch {
	case ph.any("procurement", "purchasing", "legal", "sourcing", "vendor management", "contracts team",
		"compras", "einkauf", "achats"):
		return "procurement"
	case parties >= 3:
		return "committee" // three or more people or teams named
	case ph.any("it", "security", "infosec", "ciso", "cio", "cto", "compliance", "it team",
		"security team", "engineering", "data protection", "dpo"):
		return "technical"
	case ph.any("not sure", "unsure", "don t know", "dont know", "tbd", "unclear", "no idea",
		"to be decided", "depends", "not decided"):
		return "unsure"
	case ph.any("committee", "board", "stakeholders", "several", "multiple", "team decision",
		"group", "partners", "leadership team", "management team", "exec team", "executive team",
		"consensus", "everyone", "all of us", "department heads"):
		return "committee"
	case ph.any("boss", "manager", "my manager", "ceo", "cfo", "coo", "cro", "vp", "director",
		"head of", "owner", "founder", "president", "md", "managing director", "gm", "general manager",
		"supervisor", "leadership", "management", "parent company", "headquarters", "hq",
		"global", "group", "regional"):
		return "leadership"
	case ph.any("me", "myself", "i", "i do", "just me", "only me", "i decide", "me alone",
		"i m the decision maker", "yo", "moi", "ich"):
		return "self"
	}
	return "other"
}
