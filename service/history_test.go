package service_test

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/batonhq/baton"
	"github.com/batonhq/baton/metrics"
	"github.com/batonhq/baton/service"
)

// pastMeetings returns every imported meeting, by key.
func (e *env) pastMeetings(t testing.TB) map[string]*baton.PastMeeting {
	t.Helper()
	out := map[string]*baton.PastMeeting{}
	err := e.db.View(e.ctx, func(tx baton.Tx) error {
		return tx.PastMeetings(e.ctx, time.Time{}, t0.AddDate(1, 0, 0), func(m *baton.PastMeeting) error {
			out[m.Key] = m
			return nil
		})
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// handoffWithOutcome stores a handoff owned by owner (an email prefix)
// with an outcome event at at, as the log would hold it.
func (e *env) handoffWithOutcome(t testing.TB, id, owner string, at time.Time, outcome string) {
	t.Helper()
	h := &baton.Handoff{ID: id, Type: "hot_lead", State: baton.StateCompleted, Tier: "hot", FromTeam: "marketing", ToTeam: "sdr",
		SignalID: "s-" + id, Generation: 1, Signals: 1, CreatedAt: at.Add(-time.Hour), UpdatedAt: at, OwnerID: e.users[owner].ID, Outcome: outcome}
	ev := &baton.Event{HandoffID: id, Kind: baton.EventOutcome, At: at, Actor: "test", FromState: baton.StateActioned,
		ToState: baton.StateCompleted, OwnerID: h.OwnerID}
	if err := ev.SetData(baton.OutcomeData{Outcome: outcome}); err != nil {
		t.Fatal(err)
	}
	err := e.db.Update(e.ctx, func(tx baton.Tx) error {
		if err := tx.InsertHandoff(e.ctx, h); err != nil {
			return err
		}
		return tx.AppendEvent(e.ctx, ev)
	})
	if err != nil {
		t.Fatal(err)
	}
}

func TestImportPastMeetings(t *testing.T) {
	t.Parallel()
	const file = "owner,held_at,outcome,account,external_id,deal_value\n" +
		"sdr1@t.example,2026-09-01,won,Acme,crm-1,50000\n" +
		"sdr2@t.example,2026-09-02T10:00:00Z,lost,Globex,crm-2,\n" +
		"ae1@t.example,2026-09-03,no show,Initech,,\n"

	t.Run("CreatesThenUpdatesByKey", func(t *testing.T) {
		t.Parallel()
		e := setup(t)
		res, err := e.svc.ImportPastMeetings(e.ctx, strings.NewReader(file))
		mustImport(t, res, err, service.ImportResult{Created: 3})
		first := e.pastMeetings(t)
		if got := len(first); got != 3 {
			t.Fatalf("got %d meetings, want 3", got)
		}
		m := first["ext:crm-1"]
		want := &baton.PastMeeting{ID: m.ID, Key: "ext:crm-1", ExternalID: "crm-1", OwnerID: e.users["sdr1"].ID,
			HeldAt: time.Date(2026, 9, 1, 4, 0, 0, 0, time.UTC), // midnight in sdr1's New York
			Status: baton.MeetingHeld, Outcome: baton.OutcomeWon, Account: "Acme", DealValue: 50000, ImportedAt: t0, UpdatedAt: t0}
		if diff := cmp.Diff(want, m); diff != "" {
			t.Errorf("crm-1 (-want +got):\n%s", diff)
		}

		// The same file again changes nothing but the update times.
		e.clock.Add(time.Hour)
		res, err = e.svc.ImportPastMeetings(e.ctx, strings.NewReader(file))
		mustImport(t, res, err, service.ImportResult{Updated: 3})
		// A corrected outcome updates the meeting it names.
		res, err = e.svc.ImportPastMeetings(e.ctx, strings.NewReader("owner,held_at,outcome,external_id\nsdr2@t.example,2026-09-02T10:00:00Z,closed won,crm-2\n"))
		mustImport(t, res, err, service.ImportResult{Updated: 1})
		again := e.pastMeetings(t)
		if got := len(again); got != 3 {
			t.Fatalf("got %d meetings after re-import, want 3", got)
		}
		m2 := again["ext:crm-2"]
		if m2.ID != first["ext:crm-2"].ID || m2.Outcome != baton.OutcomeWon || !m2.ImportedAt.Equal(t0) || !m2.UpdatedAt.Equal(t0.Add(time.Hour)) {
			t.Errorf("got crm-2 %+v, want the same meeting, won, imported at t0 and updated an hour later", m2)
		}
	})

	t.Run("DryRunCountsAndWritesNothing", func(t *testing.T) {
		t.Parallel()
		e := setup(t)
		res, err := e.svc.ImportPastMeetingsDryRun(e.ctx, strings.NewReader(file))
		mustImport(t, res, err, service.ImportResult{Created: 3})
		if got := len(e.pastMeetings(t)); got != 0 {
			t.Errorf("got %d meetings after a dry run, want 0", got)
		}
		if _, err := e.svc.ImportPastMeetings(e.ctx, strings.NewReader(file)); err != nil {
			t.Fatal(err)
		}
		res, err = e.svc.ImportPastMeetingsDryRun(e.ctx, strings.NewReader(file+"sdr3@t.example,2026-09-04,held,,,\n"))
		mustImport(t, res, err, service.ImportResult{Created: 1, Updated: 3})
	})

	t.Run("ABadRowWritesNothing", func(t *testing.T) {
		t.Parallel()
		e := setup(t)
		for _, run := range []func() (service.ImportResult, error){
			func() (service.ImportResult, error) {
				return e.svc.ImportPastMeetings(e.ctx, strings.NewReader(file+"nobody@t.example,2026-09-04,won,,,\n"))
			},
			func() (service.ImportResult, error) {
				return e.svc.ImportPastMeetingsDryRun(e.ctx, strings.NewReader(file+"nobody@t.example,2026-09-04,won,,,\n"))
			},
		} {
			_, err := run()
			wantImportErrors(t, err, []baton.FieldError{{Field: "row 5: owner", Message: `"nobody@t.example" is not a user in Baton (import users first)`}})
		}
		if got := len(e.pastMeetings(t)); got != 0 {
			t.Errorf("got %d meetings, want 0", got)
		}
	})

	t.Run("UnreadableFile", func(t *testing.T) {
		t.Parallel()
		e := setup(t)
		_, err := e.svc.ImportPastMeetings(e.ctx, strings.NewReader(""))
		if baton.ErrorCode(err) != baton.EINVALID || !strings.Contains(baton.ErrorMessage(err), "empty") {
			t.Errorf("got %v, want EINVALID saying the file is empty", err)
		}
	})
}

func TestAdoption(t *testing.T) {
	t.Parallel()
	e := setup(t)
	if _, _, err := e.svc.Adoption(e.ctx); baton.ErrorCode(err) != baton.ENOTFOUND {
		t.Fatalf("without handoffs: got %v, want ENOTFOUND", err)
	}
	first := time.Date(2026, 10, 1, 9, 0, 0, 0, time.UTC)
	e.handoffWithOutcome(t, "h1", "sdr1", first.Add(time.Hour), baton.OutcomeWon)
	e.handoffWithOutcome(t, "h2", "sdr1", first.Add(48*time.Hour), baton.OutcomeWon)
	check := func(wantAt time.Time, wantFrom string) {
		t.Helper()
		at, from, err := e.svc.Adoption(e.ctx)
		if err != nil || !at.Equal(wantAt) || from != wantFrom {
			t.Errorf("got %v %q %v, want %v %q", at, from, err, wantAt, wantFrom)
		}
	}
	check(first, service.AdoptedFromFirstHandoff)

	set := time.Date(2026, 9, 15, 0, 0, 0, 0, time.UTC)
	if err := e.svc.SetAdoption(e.ctx, e.rep, set); baton.ErrorCode(err) != baton.EFORBIDDEN {
		t.Errorf("a rep setting it: got %v, want EFORBIDDEN", err)
	}
	for _, bad := range []time.Time{t0.Add(time.Minute), time.Date(1999, 1, 1, 0, 0, 0, 0, time.UTC)} {
		err := e.svc.SetAdoption(e.ctx, e.admin, bad)
		if diff := cmp.Diff([]baton.FieldError{{Field: "adopted_at", Message: "must be between 2000-01-01 and now"}}, fieldsOf(err)); diff != "" {
			t.Errorf("%v: fields (-want +got):\n%s", bad, diff)
		}
	}
	if err := e.svc.SetAdoption(e.ctx, e.admin, set); err != nil {
		t.Fatal(err)
	}
	check(set, service.AdoptedFromSetting)
	if err := e.svc.SetAdoption(e.ctx, e.admin, time.Time{}); err != nil {
		t.Fatal(err)
	}
	check(first, service.AdoptedFromFirstHandoff)
}

// fieldsOf returns an error's field errors.
func fieldsOf(err error) []baton.FieldError {
	var be *baton.Error
	if errors.As(err, &be) {
		return be.Fields
	}
	return nil
}

func TestCloseRateReport(t *testing.T) {
	t.Parallel()
	e := setup(t)
	// west1 is on a team of their own, with no manager: mgr does not see them.
	e.putUser(t, "west1", baton.RoleSDR, "west", "")
	adopted := time.Date(2026, 9, 1, 0, 0, 0, 0, time.UTC)
	if err := e.svc.SetAdoption(e.ctx, e.admin, adopted); err != nil {
		t.Fatal(err)
	}
	// Before: [3 Jul, 1 Sep). After: [1 Sep, 31 Oct); now is 23 Nov.
	history := "owner,held_at,outcome,account\n" +
		"sdr1@t.example,2026-07-10T12:00:00Z,won,A\n" +
		"sdr1@t.example,2026-08-01T12:00:00Z,lost,B\n" +
		"sdr1@t.example,2026-08-02T12:00:00Z,no_show,C\n" +
		"sdr1@t.example,2026-07-01T12:00:00Z,won,D\n" + // before the period
		"sdr1@t.example,2026-09-02T12:00:00Z,won,E\n" + // after adoption: the log counts
		"sdr2@t.example,2026-08-20T12:00:00Z,won,F\n" +
		"sdr2@t.example,2026-08-21T12:00:00Z,closed won,G\n" +
		"sdr2@t.example,2026-08-22T12:00:00Z,closed lost,H\n" +
		"sdr2@t.example,2026-08-23T12:00:00Z,interested,I\n" +
		"west1@t.example,2026-08-01T12:00:00Z,won,J\n"
	if _, err := e.svc.ImportPastMeetings(e.ctx, strings.NewReader(history)); err != nil {
		t.Fatal(err)
	}
	at := func(month time.Month, d int) time.Time { return time.Date(2026, month, d, 15, 0, 0, 0, time.UTC) }
	for _, o := range []struct {
		id, owner string
		at        time.Time
		outcome   string
	}{
		{"h1", "sdr1", at(9, 10), baton.OutcomeWon},
		{"h2", "sdr1", at(9, 11), baton.OutcomeNotInterested},
		{"h3", "sdr1", at(9, 12), baton.OutcomeWon},
		{"h4", "sdr2", at(9, 15), baton.OutcomeNoShow},
		{"h5", "sdr2", at(9, 16), baton.OutcomeProposal},
		{"h6", "ae1", at(10, 1), baton.OutcomeWon},
		{"h7", "west1", at(9, 5), baton.OutcomeNotInterested},
		{"h8", "sdr1", at(10, 31), baton.OutcomeWon}, // after the period
		{"h9", "sdr1", at(8, 31), baton.OutcomeWon},  // before adoption
	} {
		e.handoffWithOutcome(t, o.id, o.owner, o.at, o.outcome)
	}

	p := func(f float64) *float64 { return &f }
	row := func(owner string, bh, bw, bn int, br *float64, ah, aw, an int, ar, d *float64) metrics.CloseRateRow {
		u := e.users[owner]
		return metrics.CloseRateRow{Owner: u.Email, Name: u.Name, Team: u.Team,
			Before: metrics.CloseRate{Held: bh, Won: bw, NoShow: bn, Rate: br},
			After:  metrics.CloseRate{Held: ah, Won: aw, NoShow: an, Rate: ar}, Difference: d}
	}
	sdr1 := row("sdr1", 2, 1, 1, p(0.5), 3, 2, 0, p(0.6667), p(0.1667))
	sdr2 := row("sdr2", 4, 2, 0, p(0.5), 1, 0, 1, p(0), p(-0.5))
	ae1 := row("ae1", 0, 0, 0, nil, 1, 1, 0, p(1), nil)
	west1 := row("west1", 1, 1, 0, p(1), 1, 0, 0, p(0), p(-1))
	total := func(bh, bw, bn int, br *float64, ah, aw, an int, ar, d *float64) metrics.CloseRateRow {
		return metrics.CloseRateRow{Before: metrics.CloseRate{Held: bh, Won: bw, NoShow: bn, Rate: br},
			After: metrics.CloseRate{Held: ah, Won: aw, NoShow: an, Rate: ar}, Difference: d}
	}
	for _, tt := range []struct {
		name   string
		p      baton.Principal
		owners []metrics.CloseRateRow
		total  metrics.CloseRateRow
	}{
		{"AdminSeesEveryone", e.admin, []metrics.CloseRateRow{ae1, sdr1, sdr2, west1}, total(7, 4, 1, p(0.5714), 6, 3, 1, p(0.5), p(-0.0714))},
		{"ManagerSeesTheirReports", principal(e.users["mgr"]), []metrics.CloseRateRow{ae1, sdr1, sdr2}, total(6, 3, 1, p(0.5), 5, 3, 1, p(0.6), p(0.1))},
		{"RepSeesTheirOwnRow", principal(e.users["sdr1"]), []metrics.CloseRateRow{sdr1}, total(2, 1, 1, p(0.5), 3, 2, 0, p(0.6667), p(0.1667))},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			rep, err := e.svc.CloseRate(e.ctx, tt.p, service.CloseRateQuery{})
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.owners, rep.Owners); diff != "" {
				t.Errorf("owners (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tt.total, rep.Total); diff != "" {
				t.Errorf("total (-want +got):\n%s", diff)
			}
			head := fmt.Sprint(rep.AdoptedAt, rep.AdoptedFrom, rep.Days, rep.Before, rep.After)
			want := fmt.Sprint(adopted, service.AdoptedFromSetting, 60,
				metrics.Period{From: time.Date(2026, 7, 3, 0, 0, 0, 0, time.UTC), To: adopted},
				metrics.Period{From: adopted, To: time.Date(2026, 10, 31, 0, 0, 0, 0, time.UTC)})
			if head != want {
				t.Errorf("got %s, want %s", head, want)
			}
		})
	}

	t.Run("DaysAndAdoptionFromTheQuery", func(t *testing.T) {
		t.Parallel()
		rep, err := e.svc.CloseRate(e.ctx, e.admin, service.CloseRateQuery{Days: 10, AdoptedAt: time.Date(2026, 9, 6, 0, 0, 0, 0, time.UTC)})
		if err != nil {
			t.Fatal(err)
		}
		// Before [27 Aug, 6 Sep): only sdr1's import of 2 Sep, won; after
		// [6 Sep, 16 Sep): sdr1's three and sdr2's no-show (h5 is on 16 Sep).
		want := total(1, 1, 0, p(1), 3, 2, 1, p(0.6667), p(-0.3333))
		if diff := cmp.Diff(want, rep.Total); diff != "" {
			t.Errorf("total (-want +got):\n%s", diff)
		}
		if rep.AdoptedFrom != service.AdoptedFromQuery || rep.Days != 10 {
			t.Errorf("got adopted from %q, %d days; want query, 10", rep.AdoptedFrom, rep.Days)
		}
	})

	t.Run("RejectsABadQueryNamingTheField", func(t *testing.T) {
		t.Parallel()
		for _, tt := range []struct {
			q     service.CloseRateQuery
			field string
		}{
			{service.CloseRateQuery{Days: -1}, "days"},
			{service.CloseRateQuery{Days: 367}, "days"},
			{service.CloseRateQuery{AdoptedAt: t0.Add(time.Hour)}, "adopted_at"},
		} {
			_, err := e.svc.CloseRate(e.ctx, e.admin, tt.q)
			if f := fieldsOf(err); baton.ErrorCode(err) != baton.EINVALID || len(f) != 1 || f[0].Field != tt.field {
				t.Errorf("%+v: got %v, want EINVALID naming %s", tt.q, err, tt.field)
			}
		}
	})
}

func TestCloseRateWithoutAdoption(t *testing.T) {
	t.Parallel()
	e := setup(t)
	_, err := e.svc.CloseRate(e.ctx, e.admin, service.CloseRateQuery{})
	if f := fieldsOf(err); baton.ErrorCode(err) != baton.EINVALID || len(f) != 1 || f[0].Field != "adopted_at" {
		t.Errorf("got %v, want EINVALID naming adopted_at", err)
	}
}
