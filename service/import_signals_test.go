package service_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/batonhq/baton"
	"github.com/batonhq/baton/service"
)

// signalsCSV is a file of n demo requests from different companies, one
// content download and one signal no handoff type takes.
func signalsCSV(n int) string {
	var b strings.Builder
	b.WriteString("external_id,type,email,name,company,domain,employees,source,occurred_at\n")
	for i := range n {
		fmt.Fprintf(&b, "imp-%d,demo_request,buyer%d@co%d.example,Buyer %d,Co %d,co%d.example,%d,website,2026-11-20T09:00:00Z\n",
			i, i, i, i, i, i, 50+i*10)
	}
	return b.String()
}

func (e *env) signalCount(t *testing.T) int {
	t.Helper()
	var n int
	err := e.db.View(e.ctx, func(tx baton.Tx) error {
		sigs, err := tx.SignalsBetween(e.ctx, t0.AddDate(-1, 0, 0), t0.AddDate(1, 0, 0), 100_000)
		n = len(sigs)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return n
}

func TestImportSignals(t *testing.T) {
	t.Parallel()

	t.Run("RoutesEachRowAsTheAPIWouldAndReportsProgress", func(t *testing.T) {
		t.Parallel()
		e, twin := setup(t), setup(t)
		file := signalsCSV(12)
		var progress []service.SignalImportProgress
		res, err := e.svc.ImportSignals(e.ctx, strings.NewReader(file), service.SignalImportOptions{
			Progress: func(p service.SignalImportProgress) { progress = append(progress, p) },
		})
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(service.SignalImportResult{Rows: 12, Created: 12}, res); diff != "" {
			t.Errorf("result (-want +got):\n%s", diff)
		}
		if len(progress) == 0 || progress[len(progress)-1] != (service.SignalImportProgress{Done: 12, Total: 12}) {
			t.Errorf("got progress %v, want it to end at 12 of 12", progress)
		}
		// The same rows sent one by one through Ingest land on the same
		// type, tier, team, owner and deadline.
		for i := range 12 {
			id := fmt.Sprintf("imp-%d", i)
			sig := &baton.Signal{ExternalID: id, Type: baton.SignalDemoRequest, Source: "website",
				Contact: baton.SignalContact{Email: fmt.Sprintf("buyer%d@co%d.example", i, i), Name: fmt.Sprintf("Buyer %d", i)},
				Account: baton.SignalAccount{Name: fmt.Sprintf("Co %d", i), Domain: fmt.Sprintf("co%d.example", i), Employees: 50 + i*10}}
			sig.OccurredAt = time.Date(2026, 11, 20, 9, 0, 0, 0, time.UTC)
			want := twin.ingest(t, sig)
			var got *baton.Handoff
			err := e.db.View(e.ctx, func(tx baton.Tx) error {
				s, err := tx.SignalByExternalID(e.ctx, id)
				if err != nil {
					return err
				}
				got, err = tx.Handoff(e.ctx, s.HandoffID)
				return err
			})
			if err != nil {
				t.Fatalf("%s: %v", id, err)
			}
			if got.Type != want.Type || got.Tier != want.Tier || got.ToTeam != want.ToTeam || !got.AcceptBy.Equal(want.AcceptBy) ||
				e.name(t, got.OwnerID) != twin.name(t, want.OwnerID) {
				t.Errorf("%s: got %s/%s/%s owned by %s, want %s/%s/%s owned by %s as through the API", id,
					got.Type, got.Tier, got.ToTeam, e.name(t, got.OwnerID), want.Type, want.Tier, want.ToTeam, twin.name(t, want.OwnerID))
			}
		}
	})

	t.Run("AgainWritesNothingNew", func(t *testing.T) {
		t.Parallel()
		e := setup(t)
		file := "type,email,company,domain\ndemo_request,a@one.example,One,one.example\ndemo_request,b@two.example,Two,two.example\n"
		if _, err := e.svc.ImportSignals(e.ctx, strings.NewReader(file), service.SignalImportOptions{}); err != nil {
			t.Fatal(err)
		}
		res, err := e.svc.ImportSignals(e.ctx, strings.NewReader(file), service.SignalImportOptions{})
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(service.SignalImportResult{Rows: 2, Duplicates: 2}, res); diff != "" {
			t.Errorf("second import (-want +got):\n%s", diff)
		}
		if n := e.signalCount(t); n != 2 {
			t.Errorf("got %d signals stored, want 2", n)
		}
	})

	t.Run("DryRunWritesNothing", func(t *testing.T) {
		t.Parallel()
		e := setup(t)
		res, err := e.svc.ImportSignals(e.ctx, strings.NewReader(signalsCSV(5)), service.SignalImportOptions{DryRun: true})
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(service.SignalImportResult{Rows: 5, DryRun: true}, res); diff != "" {
			t.Errorf("result (-want +got):\n%s", diff)
		}
		if n := e.signalCount(t); n != 0 {
			t.Errorf("got %d signals stored, want none", n)
		}
	})

	t.Run("RowErrorsNameRowAndFieldAndWriteNothing", func(t *testing.T) {
		t.Parallel()
		e := setup(t)
		file := "external_id,type,email,employees,occurred_at\n" +
			"a,demo_request,a@one.example,12,2026-11-20T09:00:00Z\n" +
			"b,demo_request,not-an-email,12,\n" +
			"c,teleport,c@three.example,,\n" +
			"d,demo_request,d@four.example,many,\n" +
			"e,demo_request,e@five.example,,2099-01-01T00:00:00Z\n"
		_, err := e.svc.ImportSignals(e.ctx, strings.NewReader(file), service.SignalImportOptions{})
		wantImportErrors(t, err, []baton.FieldError{
			{Field: "row 3: contact.email", Message: "is not a valid email address"},
			{Field: "row 4: type", Message: `"teleport" is not a signal type of the playbook`},
			{Field: "row 5: employees", Message: `"many": strconv.Atoi: parsing "many": invalid syntax`},
			{Field: "row 6: occurred_at", Message: "is more than a day in the future"},
		})
		if n := e.signalCount(t); n != 0 {
			t.Errorf("got %d signals stored, want none", n)
		}
	})

	t.Run("AnUnreadableFileIsRefused", func(t *testing.T) {
		t.Parallel()
		e := setup(t)
		for name, file := range map[string]string{
			"empty":       "",
			"header only": "external_id,type\n",
			"stray quote": "external_id,type\n\"a,demo_request\n",
		} {
			_, err := e.svc.ImportSignals(e.ctx, strings.NewReader(file), service.SignalImportOptions{})
			if baton.ErrorCode(err) != baton.EINVALID {
				t.Errorf("%s: got %v, want EINVALID", name, err)
			}
		}
	})
}
