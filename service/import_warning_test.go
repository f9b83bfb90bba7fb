package service_test

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/batonhq/baton"
	"github.com/batonhq/baton/batontest"
	"github.com/batonhq/baton/playbook"
	"github.com/batonhq/baton/service"
)

// TestSampleDataRoutes: a newcomer imports testdata/users.csv and
// testdata/accounts.csv into an empty Baton with the default playbook,
// posts a demo request and gets an owner, with no warnings on the way.
func TestSampleDataRoutes(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	svc := service.New(batontest.Store(t), batontest.NewClock(t0), playbook.Default(), nil)
	res, err := svc.ImportUsers(ctx, bytes.NewReader(readTestdata(t, "users.csv")))
	mustImport(t, res, err, service.ImportResult{Created: 5})
	res, err = svc.ImportAccounts(ctx, bytes.NewReader(readTestdata(t, "accounts.csv")))
	mustImport(t, res, err, service.ImportResult{Created: 4})
	for _, sig := range []*baton.Signal{
		{ExternalID: "new-prospect", Type: baton.SignalDemoRequest, Source: "website",
			Contact: baton.SignalContact{Email: "ines@umbrella-labs.example", Name: "Ines Ibarra"}, Account: baton.SignalAccount{Name: "Umbrella Labs"}},
		{ExternalID: "known-prospect", Type: baton.SignalDemoRequest, Source: "website",
			Contact: baton.SignalContact{Email: "gail@globex.com", Name: "Gail Gomez"}},
	} {
		r, err := svc.Ingest(ctx, sig)
		if err != nil {
			t.Fatal(err)
		}
		if r.Handoff == nil || r.Handoff.OwnerID == "" {
			t.Errorf("%s: got no owner (result %+v), want a sample user", sig.ExternalID, r)
		}
	}
}

func TestImportWarnsAboutUnroutedTeams(t *testing.T) {
	t.Parallel()
	e := setup(t)
	csv := userHeader + "\n" +
		"ana@t.example,Ana,sdr,sdr,America/New_York\n" +
		"ben@t.example,Ben,sdr,sdr_na,America/New_York\n" + // row 3: a team nothing routes to
		"cy@t.example,Cy,manager,leadership,America/New_York\n" + // managers are alerted, not routed to
		"dee@t.example,Dee,ae,ae_emea,Europe/London\n" // row 5
	res, err := e.importUsers(t, csv)
	if err != nil {
		t.Fatal(err)
	}
	if res.Created != 4 {
		t.Errorf("got %d created, want all 4 rows imported despite the warnings", res.Created)
	}
	var rows []int
	for _, w := range res.Warnings {
		rows = append(rows, w.Row)
		if w.Column != "team" || !strings.Contains(w.Message, "will get no handoffs") || !strings.Contains(w.Message, "sdr") {
			t.Errorf("got warning %+v, want one about the team naming the playbook's teams", w)
		}
	}
	if diff := cmp.Diff([]int{3, 5}, rows); diff != "" {
		t.Errorf("warned rows (-want +got):\n%s", diff)
	}
	if got := res.Warnings[0].String(); !strings.HasPrefix(got, `row 3, column team: "sdr_na" is not a team`) {
		t.Errorf("got %q, want it to start with the row and column", got)
	}
	t.Run("RoutingRuleTeamIsKnown", func(t *testing.T) {
		t.Parallel()
		e := setup(t)
		pb, err := playbook.Parse("rule.yaml", []byte(strings.Replace(string(playbook.DefaultYAML()), "  rules: []",
			"  rules:\n    - {name: emea, when: 'account.region == \"emea\"', to: {team: ae_emea}}", 1)))
		if err != nil {
			t.Fatal(err)
		}
		e.svc.SetPlaybook(pb)
		res, err := e.importUsers(t, userHeader+"\ndee@t.example,Dee,ae,ae_emea,Europe/London\n")
		mustImport(t, res, err, service.ImportResult{Created: 1})
	})
}
