package sqlite_test

import (
	"context"
	"strings"
	"testing"

	"github.com/batonhq/baton"
	"github.com/batonhq/baton/batontest"
	"github.com/batonhq/baton/playbook"
	"github.com/batonhq/baton/service"
	"github.com/batonhq/baton/sqlite"
)

// TestIngestStatements pins how many statements the writer runs to ingest
// a signal with the default playbook, the rollups' included: the single
// writer is CPU-bound, and each statement costs it, so a change that adds
// statements to ingest must raise these bounds on purpose. A count is
// deterministic where a timing is not.
func TestIngestStatements(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db, _ := newDB(t, sqlite.Options{Synchronous: "NORMAL"})
	var stmts []string
	db.SetStatementHook(func(q string) { stmts = append(stmts, strings.Join(strings.Fields(q), " ")) })
	svc := service.New(db, batontest.NewClock(batontest.T0), playbook.Default(), nil)
	svc.SetPasswordCost(batontest.PasswordCost)
	users := batontest.TeamUsers()
	for i := range users {
		users[i].WorkingHours = "24x7"
	}
	batontest.Team(t, svc.PutUser, users...)
	signal := func(id, email, domain string) *baton.Signal {
		return &baton.Signal{ExternalID: id, Type: baton.SignalDemoRequest, Source: "website",
			Contact: baton.SignalContact{Email: email, Name: "Ana Ruiz"},
			Account: baton.SignalAccount{Name: "Company", Domain: domain, Employees: 120}}
	}
	// A first handoff warms the roster and the pools up.
	if _, err := svc.Ingest(ctx, signal("warm", "warm@warmco.com", "warmco.com")); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		sig  *baton.Signal
		max  int
	}{
		// Account matched by domain, new contact: most signals. Before the
		// multi-row events, the lead taken from the ingest's own contact and
		// account, the one-statement account and pool reads: 24, 27, 5 and
		// 18. Five of each new handoff's are the rollups'; two more are
		// written once per transaction, so the commands of a group commit
		// share them: the owners' teams (for the team blocks) and the
		// quality stale mark, which replaced a trigger that ran a statement
		// per event (this count did not see it).
		{"KnownAccountNewContact", signal("s1", "ana@warmco.com", "warmco.com"), 21},
		{"NewAccountNewContact", signal("s2", "ana@newco.com", "newco.com"), 24},
		{"Duplicate", signal("s1", "ana@warmco.com", "warmco.com"), 5},
		// Another signal from s1's contact joins s1's open handoff.
		{"Joined", signal("s3", "ana@warmco.com", "warmco.com"), 17},
	}
	for _, tt := range tests {
		stmts = nil
		res, err := svc.Ingest(ctx, tt.sig)
		if err != nil {
			t.Fatalf("%s: ingest: %v", tt.name, err)
		}
		if res.Handoff == nil || res.Joined != (tt.name == "Joined") || res.Duplicate != (tt.name == "Duplicate") {
			t.Fatalf("%s: got handoff %v, joined %v, duplicate %v (%s), want the case's", tt.name, res.Handoff != nil, res.Joined, res.Duplicate, res.Reason)
		}
		if len(stmts) > tt.max {
			t.Errorf("%s: got %d statements, want at most %d:\n%s", tt.name, len(stmts), tt.max, strings.Join(stmts, "\n"))
		}
	}
}
