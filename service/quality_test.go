package service_test

import (
	"strings"
	"testing"
	"time"

	"github.com/batonhq/baton"
	"github.com/batonhq/baton/playbook"
	"github.com/batonhq/baton/quality"
	"github.com/batonhq/baton/service"
	"github.com/google/go-cmp/cmp"
)

// fullSummary is a closed-won deal summary with every section filled in.
func fullSummary() map[string]any {
	return map[string]any{
		"customer_overview":      "Acme makes warehouse robots; 450 people",
		"business_objectives":    "every inbound lead called in 5 minutes",
		"success_criteria":       "speed to lead under 5 minutes in 60 days",
		"scope":                  "routing; SLA clocks",
		"implementation_context": "phased rollout, Americas first",
		"go_live_target":         "2027-01-15",
		"contract_value":         48000.0,
		"special_terms":          "net 30",
		"stakeholders": []any{
			map[string]any{"name": "Ana Ruiz", "role": "VP Sales, champion", "stance": "champion", "influence": "high"},
			map[string]any{"name": "Ben Ode", "role": "CFO, economic buyer", "stance": "supporter", "influence": "high"},
			map[string]any{"name": "Cy Park", "role": "IT lead", "stance": "skeptic", "influence": "medium"},
		},
		"commitments": []any{map[string]any{"what": "Salesforce sync", "promised_by": "Ae One", "status": "open", "kind": "written"}},
		"risks":       []any{map[string]any{"risk": "IT stretched", "likelihood": "high", "impact": "high"}},
	}
}

// qualityEnv is setup with a customer success team: csm1 and csm2 under
// csmgr, and the AEs' closed-won handoffs routed to them.
func qualityEnv(t *testing.T) *env {
	t.Helper()
	e := setup(t)
	e.putUser(t, "csmgr", baton.RoleManager, "cs", "")
	e.putUser(t, "csm1", baton.RoleCSM, "cs", "csmgr")
	e.putUser(t, "csm2", baton.RoleCSM, "cs", "csmgr")
	return e
}

// wonBy opens a closed-won handoff for a fresh account, sent by AE ae,
// who then writes the deal summary fields.
func wonBy(t *testing.T, e *env, id, ae string, fields map[string]any) *baton.Handoff {
	t.Helper()
	sig := demoRequest(id)
	sig.Type, sig.Sender = baton.SignalContractSigned, e.users[ae].Email
	sig.Account = baton.SignalAccount{Name: "Account " + id, Domain: id + ".example"}
	sig.Contact.Email = "buyer@" + id + ".example"
	h := e.ingest(t, sig)
	if len(fields) == 0 {
		return h
	}
	h, err := e.svc.UpdateContext(e.ctx, principal(e.users[ae]), h.ID, fields)
	if err != nil {
		t.Fatalf("deal summary of %s: %v", id, err)
	}
	return h
}

// holdKT records the knowledge-transfer meeting of h as the meeting
// protocol does: a kt_meeting_held event appended to its log.
func holdKT(t *testing.T, e *env, h *baton.Handoff, d baton.KTHeldData) {
	t.Helper()
	ev := &baton.Event{HandoffID: h.ID, Kind: baton.EventKTHeld, At: e.clock.Now(), Actor: baton.ActorSystem, OwnerID: h.OwnerID}
	if err := ev.SetData(d); err != nil {
		t.Fatal(err)
	}
	if err := e.db.Update(e.ctx, func(tx baton.Tx) error { return tx.AppendEvent(e.ctx, ev) }); err != nil {
		t.Fatal(err)
	}
}

// byTheBook runs h the way the protocol wants: accepted and touched by its
// owner, the customer introduced by the AE, the knowledge-transfer meeting
// held with everyone and the whole agenda.
func byTheBook(t *testing.T, e *env, h *baton.Handoff, ae string) {
	t.Helper()
	owner := e.ownerOf(h)
	for _, cmd := range []baton.Command{baton.CmdAccept, baton.CmdTouch} {
		e.clock.Add(time.Hour)
		if _, err := e.svc.Act(e.ctx, owner, h.ID, cmd, service.CommandInput{}); err != nil {
			t.Fatalf("%s: %v", cmd, err)
		}
	}
	e.clock.Add(time.Hour)
	if _, err := e.svc.CompleteActivity(e.ctx, principal(e.users[ae]), h.ID, "customer_introduction", "intro sent"); err != nil {
		t.Fatal(err)
	}
	holdKT(t, e, h, baton.KTHeldData{MeetingID: "kt-" + h.ID, HeldAt: e.clock.Now(), Required: []string{e.users[ae].ID, h.OwnerID},
		Attended: []string{e.users[ae].ID, h.OwnerID}, AgendaItems: 7, AgendaCovered: 7, CSQuestionsAnswered: true})
}

func itemsOf(s *quality.Score) map[string]quality.Item {
	out := map[string]quality.Item{}
	for _, c := range s.Categories {
		for _, it := range c.Items {
			out[it.Name] = it
		}
	}
	return out
}

func TestQualityOf(t *testing.T) {
	t.Parallel()
	e := qualityEnv(t)
	t.Run("ByTheBookIsExcellent", func(t *testing.T) {
		t.Parallel()
		h := wonBy(t, e, "book", "ae1", fullSummary())
		byTheBook(t, e, h, "ae1")
		sc, err := e.svc.QualityOf(e.ctx, principal(e.users["ae1"]), h.ID)
		if err != nil {
			t.Fatal(err)
		}
		if sc.Score != 100 || sc.Band != "Excellent" || !sc.Final {
			t.Errorf("got %d %s final %v, want 100 Excellent final: %+v", sc.Score, sc.Band, sc.Final, sc.Categories)
		}
	})
	t.Run("ThinAndUnmetIsSubstandardItemByItem", func(t *testing.T) {
		t.Parallel()
		h := wonBy(t, e, "thin", "ae2", map[string]any{"scope": "routing", "contract_value": 20000.0})
		sc, err := e.svc.QualityOf(e.ctx, principal(e.users["csmgr"]), h.ID)
		if err != nil {
			t.Fatal(err)
		}
		got := map[string]string{}
		for name, it := range itemsOf(sc) {
			got[name] = it.Status
		}
		want := map[string]string{"deal_summary": quality.Partial, "stakeholder_map": quality.Missed, "commitments": quality.Missed,
			"risk_factors": quality.Missed, "participants_attended": quality.Pending, "agenda_covered": quality.Pending,
			"questions_answered": quality.Pending, "within_sla": quality.Pending, "customer_introduction": quality.Pending}
		if d := cmp.Diff(want, got); d != "" {
			t.Errorf("item statuses (-want +got):\n%s", d)
		}
		if sc.Score != 4 || sc.Band != "Substandard" || !sc.Remediation || sc.Final {
			t.Errorf("got %d %s remediation %v final %v, want 4 (2 of 8 summary fields) Substandard, remediation, provisional", sc.Score, sc.Band, sc.Remediation, sc.Final)
		}
		if r := itemsOf(sc)["deal_summary"].Reason; !strings.Contains(r, "2 of 8 fields answered; missing: Company background") {
			t.Errorf("got reason %q, want the fields counted and the missing named", r)
		}
	})
	t.Run("OthersMayNotSee", func(t *testing.T) {
		t.Parallel()
		h := wonBy(t, e, "private", "ae1", nil)
		if _, err := e.svc.QualityOf(e.ctx, principal(e.users["sdr2"]), h.ID); baton.ErrorCode(err) != baton.EFORBIDDEN {
			t.Errorf("got %v, want EFORBIDDEN for someone outside the handoff", err)
		}
		if _, err := e.svc.QualityOf(e.ctx, e.admin, "nope"); baton.ErrorCode(err) != baton.ENOTFOUND {
			t.Errorf("got %v, want ENOTFOUND for an unknown id", err)
		}
	})
}

// TestQualityReport: stored scores by type, sender, team and owner, with
// their trend per month, kept current as handoffs change and rescored when
// the rubric changes.
func TestQualityReport(t *testing.T) {
	t.Parallel()
	e := qualityEnv(t)
	good := wonBy(t, e, "good", "ae1", fullSummary())
	byTheBook(t, e, good, "ae1")
	thin := wonBy(t, e, "thin", "ae2", map[string]any{"scope": "routing", "contract_value": 20000.0})
	from, to := t0.AddDate(0, 0, -1), t0.AddDate(0, 0, 1)
	report := func(t *testing.T, p baton.Principal, by string, from, to time.Time) *service.QualityReport {
		t.Helper()
		rep, err := e.svc.QualityReport(e.ctx, p, from, to, by)
		if err != nil {
			t.Fatal(err)
		}
		return rep
	}
	keys := func(rep *service.QualityReport) map[string]float64 {
		out := map[string]float64{}
		for _, g := range rep.Groups {
			out[g.Key] = g.Mean
		}
		return out
	}

	rep := report(t, e.admin, service.QualityByType, from, to)
	if d := cmp.Diff(map[string]float64{"closed_won": 52}, keys(rep)); d != "" {
		t.Errorf("by type (-want +got):\n%s", d)
	}
	if rep.Total.Handoffs != 2 || rep.Total.Bands["Excellent"] != 1 || rep.Total.Bands["Substandard"] != 1 || rep.Total.Remediation != 1 || rep.Total.Provisional != 1 {
		t.Errorf("got total %+v, want 2 handoffs: one excellent, one substandard and provisional", rep.Total)
	}
	if d := cmp.Diff(map[string]float64{"ae1@t.example": 100, "ae2@t.example": 4}, keys(report(t, e.admin, service.QualityBySender, from, to))); d != "" {
		t.Errorf("by sender (-want +got):\n%s", d)
	}
	if d := cmp.Diff(map[string]float64{"ae": 52}, keys(report(t, e.admin, service.QualityByTeam, from, to))); d != "" {
		t.Errorf("by team (-want +got):\n%s", d)
	}
	if got := len(report(t, e.admin, service.QualityByOwner, from, to).Groups); got != 2 {
		t.Errorf("by owner: got %d groups, want the two CSMs", got)
	}

	t.Run("ARepSeesTheirOwn", func(t *testing.T) {
		if d := cmp.Diff(map[string]float64{"closed_won": 100}, keys(report(t, principal(e.users["ae1"]), service.QualityByType, from, to))); d != "" {
			t.Errorf("ae1's report (-want +got):\n%s", d)
		}
	})
	t.Run("RescoredWhenTheLogGrows", func(t *testing.T) {
		if _, err := e.svc.UpdateContext(e.ctx, e.admin, thin.ID, map[string]any{"risks": "N/A"}); err != nil {
			t.Fatal(err)
		}
		if d := cmp.Diff(map[string]float64{"ae2@t.example": 14}, keys(report(t, principal(e.users["ae2"]), service.QualityBySender, from, to))); d != "" {
			t.Errorf("after the risks were marked N/A (-want +got):\n%s", d)
		}
	})
	t.Run("RescoredWhenTheRubricChanges", func(t *testing.T) {
		src := strings.Replace(string(playbook.DefaultYAML()), "{min: 90, label: Excellent}", "{min: 95, label: Outstanding}", 1)
		pb, err := playbook.Parse("p.yaml", []byte(src))
		if err != nil {
			t.Fatal(err)
		}
		e.svc.SetPlaybook(pb)
		defer e.svc.SetPlaybook(playbook.Default())
		if got := report(t, e.admin, service.QualityByType, from, to).Total.Bands; got["Outstanding"] != 1 || got["Excellent"] != 0 {
			t.Errorf("got bands %v, want the stored score rebanded Outstanding", got)
		}
	})
	t.Run("TrendPerMonth", func(t *testing.T) {
		e.clock.Set(t0.AddDate(0, 1, 0))
		later := wonBy(t, e, "later", "ae1", fullSummary())
		byTheBook(t, e, later, "ae1")
		rep := report(t, e.admin, service.QualityBySender, from, t0.AddDate(0, 1, 2))
		var ae1 service.QualityGroup
		for _, g := range rep.Groups {
			if g.Key == "ae1@t.example" {
				ae1 = g
			}
		}
		want := []service.QualityMonth{{Month: "2026-11", Handoffs: 1, Mean: 100}, {Month: "2026-12", Handoffs: 1, Mean: 100}}
		if d := cmp.Diff(want, ae1.Months); d != "" {
			t.Errorf("ae1's months (-want +got):\n%s", d)
		}
		if d := cmp.Diff([]service.QualityMonth{{Month: "2026-11", Handoffs: 2, Mean: 57}, {Month: "2026-12", Handoffs: 1, Mean: 100, Change: 43}}, rep.Total.Months); d != "" {
			t.Errorf("total months (-want +got):\n%s", d)
		}
	})
	t.Run("RejectsABadQuery", func(t *testing.T) {
		if _, err := e.svc.QualityReport(e.ctx, e.admin, from, to, "mood"); baton.ErrorCode(err) != baton.EINVALID {
			t.Errorf("got %v, want EINVALID for an unknown dimension", err)
		}
		if _, err := e.svc.QualityReport(e.ctx, e.admin, to, from, service.QualityByType); baton.ErrorCode(err) != baton.EINVALID {
			t.Errorf("got %v, want EINVALID for an empty window", err)
		}
	})
}

func TestQualityReview(t *testing.T) {
	t.Parallel()
	e := qualityEnv(t)
	good := wonBy(t, e, "good", "ae1", fullSummary())
	byTheBook(t, e, good, "ae1")
	thin := wonBy(t, e, "thin", "ae2", map[string]any{"scope": "routing"})
	if _, err := e.svc.Act(e.ctx, e.admin, thin.ID, baton.CmdCancel, service.CommandInput{Reason: "deal unwound"}); err != nil {
		t.Fatal(err)
	}
	wonBy(t, e, "open", "ae2", fullSummary())
	rv, err := e.svc.QualityReview(e.ctx, principal(e.users["mgr"]), t0)
	if err != nil {
		t.Fatal(err)
	}
	if rv.Month != "2026-11" || rv.Total.Handoffs != 3 {
		t.Errorf("got month %s with %d handoffs, want 2026-11 with 3", rv.Month, rv.Total.Handoffs)
	}
	if len(rv.Best) == 0 || rv.Best[0].ID != good.ID || rv.Best[0].Account != "Account good" || rv.Best[0].Sender != "Ae One" {
		t.Errorf("got best %+v, want the by-the-book handoff first, with its account and sender", rv.Best)
	}
	for _, b := range rv.Best {
		if b.ID == thin.ID {
			t.Errorf("got best %+v, want no handoff needing remediation among the examples to share", rv.Best)
		}
	}
	if len(rv.Remediation) != 1 || rv.Remediation[0].ID != thin.ID || !strings.Contains(strings.Join(rv.Remediation[0].Lost, ";"), "Stakeholder map detailed") {
		t.Errorf("got remediation %+v, want the cancelled thin handoff with what it lost (the open one is still provisional)", rv.Remediation)
	}
	lost := map[string]int{}
	for _, m := range rv.Missing {
		lost[m.Label] = m.Handoffs
	}
	if lost["Stakeholder map detailed"] != 1 || lost["All participants attended"] != 1 {
		t.Errorf("got missing %+v, want the thin handoff's lost items counted (pending ones are not missing)", rv.Missing)
	}
	if rv.Direction != "" || len(rv.Trend) != 1 {
		t.Errorf("got trend %+v direction %q, want one month and no direction", rv.Trend, rv.Direction)
	}
}

// TestClosedWonFixClock: customer success rejects a closed-won handoff
// with its gaps; the AE has 24 hours to fix it, after which the miss is
// logged and costs the handoff its SLA points.
func TestClosedWonFixClock(t *testing.T) {
	t.Parallel()
	e := qualityEnv(t)
	h := wonBy(t, e, "fix", "ae1", fullSummary())
	rejected, err := e.svc.Act(e.ctx, e.ownerOf(h), h.ID, baton.CmdReject, service.CommandInput{Gaps: []string{"commitments unverified"}})
	if err != nil {
		t.Fatal(err)
	}
	if got, want := rejected.FixBy, e.clock.Now().Add(24*time.Hour); !got.Equal(want) {
		t.Fatalf("got fix by %s, want 24 h after the rejection (%s)", got, want)
	}
	e.advance(t, 24*time.Hour-time.Minute)
	if got := count(kinds(e.view(t, h.ID).Events), baton.EventFixOverdue); got != 0 {
		t.Fatalf("got %d fix_overdue a minute before the deadline, want none", got)
	}
	sc, err := e.svc.QualityOf(e.ctx, e.admin, h.ID)
	if err != nil {
		t.Fatal(err)
	}
	if it := itemsOf(sc)["within_sla"]; it.Status != quality.Pending || !strings.Contains(it.Reason, "returned to the sender") {
		t.Errorf("before the deadline: got %s %q, want pending, returned to the sender", it.Status, it.Reason)
	}
	e.advance(t, 2*time.Minute)
	if got := count(kinds(e.view(t, h.ID).Events), baton.EventFixOverdue); got != 1 {
		t.Fatalf("got %d fix_overdue after the deadline, want 1", got)
	}
	sc, err = e.svc.QualityOf(e.ctx, e.admin, h.ID)
	if err != nil {
		t.Fatal(err)
	}
	if it := itemsOf(sc)["within_sla"]; it.Status != quality.Missed || !strings.Contains(it.Reason, "fix-by deadline") {
		t.Errorf("after the deadline: got %s %q, want missed for the fix-by deadline", it.Status, it.Reason)
	}
}

// TestClosedWonRepeatedRejections: an AE whose closed-won handoffs
// customer success rejects more than three times in 30 days is escalated
// to their manager (sales leadership), naming the handoffs.
func TestClosedWonRepeatedRejections(t *testing.T) {
	t.Parallel()
	e := qualityEnv(t)
	var ids []string
	for i, day := range []int{0, 6, 12, 18} {
		e.clock.Set(t0.AddDate(0, 0, day))
		h := wonBy(t, e, "rej"+string(rune('a'+i)), "ae1", map[string]any{"scope": "routing"})
		if _, err := e.svc.Act(e.ctx, e.ownerOf(h), h.ID, baton.CmdReject, service.CommandInput{Gaps: []string{"no stakeholder map"}}); err != nil {
			t.Fatal(err)
		}
		ids = append(ids, h.ID)
		want := 0
		if i == 3 {
			want = 1
		}
		if got := len(e.notices(t, baton.MsgRejectionsEscalated)); got != want {
			t.Fatalf("after rejection %d on day %d: got %d escalations, want %d", i+1, day, got, want)
		}
	}
	m := e.notices(t, baton.MsgRejectionsEscalated)[0]
	text := noticeText(t, m)
	if m.RecipientID != e.users["mgr"].ID {
		t.Errorf("got the escalation sent to %s, want the AE's manager %s", m.RecipientID, e.users["mgr"].ID)
	}
	for _, id := range ids {
		if !strings.Contains(text, "/handoffs/"+id) {
			t.Errorf("escalation does not name %s:\n%s", id, text)
		}
	}
	if !strings.Contains(text, "Ae One's handoffs were rejected 4 times in 30d") || !strings.Contains(text, "closed won") {
		t.Errorf("got %q, want the AE, the count and the closed-won handoffs", text)
	}
}

// TestRequestRevisions: customer success asks the AE for revisions
// without rejecting the handoff: the AE has the tier's 24 hours, is
// reminded at half time, their manager is alerted at the deadline, and
// the requests never count as rejections.
func TestRequestRevisions(t *testing.T) {
	t.Parallel()
	e := qualityEnv(t)
	h := wonBy(t, e, "rev", "ae1", fullSummary())
	cs := e.ownerOf(h)
	t.Run("RefusesBadInputAndOthers", func(t *testing.T) {
		if _, err := e.svc.RequestRevisions(e.ctx, cs, h.ID, service.RevisionsInput{}); baton.ErrorCode(err) != baton.EINVALID {
			t.Errorf("no revisions: got %v, want EINVALID", err)
		}
		if _, err := e.svc.RequestRevisions(e.ctx, principal(e.users["ae1"]), h.ID, service.RevisionsInput{Revisions: []string{"x"}}); baton.ErrorCode(err) != baton.EFORBIDDEN {
			t.Errorf("the sender: got %v, want EFORBIDDEN", err)
		}
	})
	start := e.clock.Now()
	a, err := e.svc.RequestRevisions(e.ctx, cs, h.ID, service.RevisionsInput{Revisions: []string{"name the economic buyer", "date the SSO commitment"}})
	if err != nil {
		t.Fatal(err)
	}
	if a.OwnerID != e.users["ae1"].ID || !a.DueAt.Equal(start.Add(24*time.Hour)) || a.Name != quality.RevisionsActivity {
		t.Errorf("got %s for %s due %s, want revisions for the AE due 24 h later", a.Name, a.OwnerID, a.DueAt)
	}
	if v := e.view(t, h.ID); v.State != baton.StateAssigned {
		t.Errorf("got state %s, want the handoff kept by customer success", v.State)
	}
	if _, err := e.svc.RequestRevisions(e.ctx, cs, h.ID, service.RevisionsInput{Revisions: []string{"more"}}); baton.ErrorCode(err) != baton.ECONFLICT {
		t.Errorf("second request while open: got %v, want ECONFLICT", err)
	}
	told := false
	for _, m := range e.notices(t, baton.MsgActivity) {
		if m.RecipientID == e.users["ae1"].ID && strings.Contains(noticeText(t, m), "Revisions requested: name the economic buyer; date the SSO commitment") {
			told = true
		}
	}
	if !told {
		t.Error("the AE was not told the revisions")
	}
	sc, err := e.svc.QualityOf(e.ctx, e.admin, h.ID)
	if err != nil {
		t.Fatal(err)
	}
	if it := itemsOf(sc)["within_sla"]; it.Status != quality.Pending || !strings.Contains(it.Reason, "revisions requested") {
		t.Errorf("got %s %q, want pending on the revisions", it.Status, it.Reason)
	}
	e.advance(t, 24*time.Hour-time.Minute)
	if n := len(e.notices(t, baton.MsgActLate)); n != 0 {
		t.Fatalf("got %d overdue alerts before the deadline, want none", n)
	}
	e.advance(t, 2*time.Minute)
	late := e.notices(t, baton.MsgActLate)
	if len(late) != 1 || late[0].RecipientID != e.users["mgr"].ID {
		t.Fatalf("got %d overdue alerts, want one to the AE's manager", len(late))
	}
	if _, err := e.svc.CompleteActivity(e.ctx, principal(e.users["ae1"]), h.ID, quality.RevisionsActivity, "done"); err != nil {
		t.Fatal(err)
	}
	sc, err = e.svc.QualityOf(e.ctx, e.admin, h.ID)
	if err != nil {
		t.Fatal(err)
	}
	if it := itemsOf(sc)["within_sla"]; it.Status != quality.Missed || !strings.Contains(it.Reason, "revisions made") {
		t.Errorf("got %s %q, want missed: the revisions came late", it.Status, it.Reason)
	}
	t.Run("ASecondRequestIsNumbered", func(t *testing.T) {
		a, err := e.svc.RequestRevisions(e.ctx, cs, h.ID, service.RevisionsInput{Revisions: []string{"one more"}})
		if err != nil || a.Name != "revisions_2" {
			t.Fatalf("got %v, %v; want revisions_2", a, err)
		}
	})
	if n := len(e.notices(t, baton.MsgRejectionsEscalated)); n != 0 {
		t.Errorf("got %d rejection escalations, want none: revisions are not rejections", n)
	}
}
