package playbook

import "context"

// Env is what a condition can see. Field names are snake_case in
// expressions: `signal.type == "pricing_inquiry" && account.employees >= 500`,
// `(fields.lead_score ?? 0) >= 65`.
//
// An Env also meters the conditions evaluated over it, one at a time: use
// one Env per signal, from one goroutine.
type Env struct {
	Signal  SignalEnv      `expr:"signal"`
	Account AccountEnv     `expr:"account"`
	Contact ContactEnv     `expr:"contact"`
	Fields  map[string]any `expr:"fields"`

	ctx      context.Context
	spent    int // work units of the evaluation under way
	failures int // evaluations that failed
}

// SignalEnv is the signal as seen by conditions.
type SignalEnv struct {
	Type       string `expr:"type"`
	Source     string `expr:"source"`
	Campaign   string `expr:"campaign"`
	Message    string `expr:"message"`
	HasMeeting bool   `expr:"has_meeting"`
}

// AccountEnv is the matched (or new) account as seen by conditions.
type AccountEnv struct {
	Name      string `expr:"name"`
	Domain    string `expr:"domain"`
	Segment   string `expr:"segment"`
	Employees int    `expr:"employees"`
	Industry  string `expr:"industry"`
	Country   string `expr:"country"`
	Region    string `expr:"region"`
	Status    string `expr:"status"`
	Customer  bool   `expr:"customer"`
	Named     bool   `expr:"named"`
}

// ContactEnv is the contact as seen by conditions.
type ContactEnv struct {
	Email    string `expr:"email"`
	Title    string `expr:"title"`
	TimeZone string `expr:"timezone"`
}
