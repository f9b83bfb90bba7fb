package service_test

import (
	"strings"
	"testing"
	"time"

	"github.com/batonhq/baton"
	"github.com/batonhq/baton/service"
)

// renewals lists the renewal handoffs.
func (e *env) renewals(t *testing.T) []*service.HandoffView {
	t.Helper()
	list, _, err := e.svc.Handoffs(e.ctx, baton.HandoffFilter{Type: "renewal"})
	if err != nil {
		t.Fatal(err)
	}
	return list
}

// customer puts the Northwind account with its CSM and a renewal date.
func (e *env) customer(t *testing.T, renewal string) *baton.Account {
	t.Helper()
	a, err := e.svc.PutAccount(e.ctx, &baton.Account{Name: "Northwind Logistics", Domain: "northwind-logistics.com",
		Status: baton.AccountCustomer, CSMID: e.users["csm1"].ID, RenewalDate: renewal})
	if err != nil {
		t.Fatal(err)
	}
	return a
}

func TestRenewal(t *testing.T) {
	t.Parallel()
	const date = "2027-06-01" // 120 days before: 2027-02-01 00:00 UTC
	due := time.Date(2027, 2, 1, 0, 0, 0, 0, time.UTC)

	t.Run("Fires120DaysBefore", func(t *testing.T) {
		t.Parallel()
		e := setup(t)
		e.addPeople(t)
		a := e.customer(t, date)
		e.advance(t, due.Sub(t0)-time.Minute)
		if got := len(e.renewals(t)); got != 0 {
			t.Fatalf("a minute before: got %d renewal handoffs, want 0", got)
		}
		e.advance(t, time.Minute)
		list := e.renewals(t)
		if len(list) != 1 {
			t.Fatalf("at the notice: got %d renewal handoffs, want 1", len(list))
		}
		h := list[0]
		if h.ToTeam != "am" || h.FromTeam != "cs" || h.AccountID != a.ID {
			t.Errorf("got %s → %s for account %s, want cs → am for %s", h.FromTeam, h.ToTeam, h.AccountID, a.ID)
		}
		if u := e.userByID(h.OwnerID); u == nil || u.Team != "am" {
			t.Errorf("got owner %v, want an account manager", u)
		}
		if h.SenderID != e.users["csm1"].ID {
			t.Errorf("got sender %s, want the account's CSM", h.SenderID)
		}
		if got := h.Context["renewal_date"]; got != date {
			t.Errorf("got renewal date %v in the context, want %s", got, date)
		}
		if h.AcceptBy.IsZero() || !h.AcceptBy.After(due) {
			t.Errorf("got accept by %s, want a deadline after %s", h.AcceptBy, due)
		}
		if k := timerKinds(e.view(t, h.ID).Timers); len(k) == 0 {
			t.Error("the renewal handoff has no clocks")
		}
	})

	t.Run("OncePerDate", func(t *testing.T) {
		t.Parallel()
		e := setup(t)
		e.addPeople(t)
		e.customer(t, date)
		e.advance(t, due.Sub(t0))
		// Saving the account again, or arming every account at start, does
		// not raise the same renewal twice.
		e.customer(t, date)
		if err := e.svc.ScheduleRenewals(e.ctx); err != nil {
			t.Fatal(err)
		}
		e.advance(t, 24*time.Hour)
		if got := len(e.renewals(t)); got != 1 {
			t.Errorf("got %d renewal handoffs, want 1", got)
		}
	})

	t.Run("MovesWithTheDate", func(t *testing.T) {
		t.Parallel()
		e := setup(t)
		e.addPeople(t)
		e.customer(t, date)
		e.customer(t, "2027-09-01") // renewed for a quarter more: due 2027-05-04
		e.advance(t, due.Sub(t0)+time.Hour)
		if got := len(e.renewals(t)); got != 0 {
			t.Fatalf("at the old date's notice: got %d renewal handoffs, want 0", got)
		}
		e.advance(t, time.Date(2027, 5, 4, 0, 0, 0, 0, time.UTC).Sub(e.clock.Now()))
		list := e.renewals(t)
		if len(list) != 1 || list[0].Context["renewal_date"] != "2027-09-01" {
			t.Fatalf("at the new date's notice: got %d renewal handoffs, want 1 for 2027-09-01", len(list))
		}
		// A new date after the first was raised is a new renewal.
		e.customer(t, "2028-09-01")
		e.advance(t, time.Date(2028, 5, 4, 0, 0, 0, 0, time.UTC).Sub(e.clock.Now()))
		if got := len(e.renewals(t)); got != 2 {
			t.Errorf("after the next year's notice: got %d renewal handoffs, want 2", got)
		}
	})

	t.Run("ClearedDateCancels", func(t *testing.T) {
		t.Parallel()
		e := setup(t)
		e.addPeople(t)
		e.customer(t, date)
		e.customer(t, "")
		e.advance(t, due.Sub(t0)+time.Hour)
		if got := len(e.renewals(t)); got != 0 {
			t.Errorf("got %d renewal handoffs, want 0", got)
		}
	})

	t.Run("InsideTheNoticeFiresAtOnce", func(t *testing.T) {
		t.Parallel()
		e := setup(t)
		e.addPeople(t)
		e.customer(t, "2027-01-15") // 53 days away
		e.advance(t, 0)
		if got := len(e.renewals(t)); got != 1 {
			t.Errorf("got %d renewal handoffs, want 1", got)
		}
	})

	t.Run("PastDateArmsNothing", func(t *testing.T) {
		t.Parallel()
		e := setup(t)
		e.addPeople(t)
		e.customer(t, "2026-11-01")
		e.advance(t, 0)
		if got := len(e.renewals(t)); got != 0 {
			t.Errorf("got %d renewal handoffs, want 0", got)
		}
	})

	t.Run("CarriesWhatBatonKnows", func(t *testing.T) {
		t.Parallel()
		e := setup(t)
		e.addPeople(t)
		e.customer(t, date)
		won := &baton.Signal{ExternalID: "won1", Type: baton.SignalContractSigned, Sender: "ae1@t.example",
			Contact: baton.SignalContact{Email: "jonas.berg@northwind-logistics.com", Name: "Jonas Berg"},
			Account: baton.SignalAccount{Domain: "northwind-logistics.com"}, Fields: map[string]any{"contract_value": 96000.0}}
		e.ingest(t, &baton.Signal{ExternalID: "health1", Type: baton.SignalHealthDropped,
			Contact: baton.SignalContact{Email: "jonas.berg@northwind-logistics.com"}, Account: baton.SignalAccount{Domain: "northwind-logistics.com"},
			Fields: map[string]any{"health_score": "62, down from 80"}})
		e.ingest(t, won)
		e.advance(t, due.Sub(t0))
		list := e.renewals(t)
		if len(list) != 1 {
			t.Fatalf("got %d renewal handoffs, want 1", len(list))
		}
		if got := list[0].Context["arr"]; got != 96000.0 {
			t.Errorf("got ARR %v, want 96000 from the closed-won contract value", got)
		}
		if got := list[0].Context["health_score"]; got != "62, down from 80" {
			t.Errorf("got health %v, want the churn-risk handoff's", got)
		}
		var sig []*baton.Signal
		if err := e.db.View(e.ctx, func(tx baton.Tx) error {
			var err error
			sig, err = tx.SignalsBetween(e.ctx, t0, e.clock.Now().Add(time.Hour), 100)
			return err
		}); err != nil {
			t.Fatal(err)
		}
		for _, s := range sig {
			if err := s.Validate(e.clock.Now()); err != nil {
				t.Errorf("signal %s does not validate as a signal from outside: %v", s.ExternalID, err)
			}
		}
	})

	t.Run("RejectsABadDate", func(t *testing.T) {
		t.Parallel()
		e := setup(t)
		_, err := e.svc.PutAccount(e.ctx, &baton.Account{Name: "Northwind", Domain: "northwind-logistics.com", RenewalDate: "2027-13-01"})
		var be *baton.Error
		if baton.ErrorCode(err) != baton.EINVALID || !asError(err, &be) || len(be.Fields) != 1 || be.Fields[0].Field != "renewal_date" {
			t.Errorf("got %v, want EINVALID naming renewal_date", err)
		}
	})

	t.Run("ImportArmsIt", func(t *testing.T) {
		t.Parallel()
		e := setup(t)
		e.addPeople(t)
		_, err := e.importAccounts(t, "name,domain,status,renewal_date\nNorthwind,northwind-logistics.com,customer,not a date\n")
		if err == nil || !strings.Contains(err.Error(), "renewal_date") {
			t.Fatalf("a bad date: got %v, want an error naming renewal_date", err)
		}
		res, err := e.importAccounts(t, "name,domain,status,renewal_date\nNorthwind,northwind-logistics.com,customer,"+date+"\n")
		mustImport(t, res, err, service.ImportResult{Created: 1})
		e.advance(t, due.Sub(t0))
		if got := len(e.renewals(t)); got != 1 {
			t.Errorf("got %d renewal handoffs, want 1", got)
		}
	})
}
