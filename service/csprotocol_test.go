package service_test

import (
	"encoding/json"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/batonhq/baton"
	"github.com/batonhq/baton/batontest"
	"github.com/batonhq/baton/playbook"
	"github.com/batonhq/baton/service"
)

// csEnv is setup with a customer success team: csmgr leads it (on a
// leadership team of its own), csm1 and csm2 report to csmgr; se1 is a
// sales engineer and impl1 an implementation specialist. yaml edits the
// default playbook (old → new pairs).
func csEnv(t *testing.T, edits ...string) *env {
	t.Helper()
	e := setup(t)
	if len(edits) > 0 {
		src := string(playbook.DefaultYAML())
		for i := 0; i+1 < len(edits); i += 2 {
			if !strings.Contains(src, edits[i]) {
				t.Fatalf("default playbook lacks %q", edits[i])
			}
			src = strings.Replace(src, edits[i], edits[i+1], 1)
		}
		pb, err := playbook.Parse("default.yaml", []byte(src))
		if err != nil {
			t.Fatal(err)
		}
		e.svc.SetPlaybook(pb)
	}
	users := []baton.User{
		{Email: "csmgr@t.example", Name: "Cara Lead", Role: baton.RoleManager, Access: baton.AccessManager, Team: "cs_leadership", TimeZone: "America/New_York", Active: true},
		{Email: "csm1@t.example", Name: "Cal One", Role: baton.RoleCSM, Team: "cs", TimeZone: "America/New_York", ManagerID: "csmgr@t.example", Active: true},
		{Email: "csm2@t.example", Name: "Cat Two", Role: baton.RoleCSM, Team: "cs", TimeZone: "America/New_York", ManagerID: "csmgr@t.example", Active: true},
		{Email: "se1@t.example", Name: "Sol Engineer", Role: baton.RoleSE, Team: "se", TimeZone: "Europe/London", Active: true},
		{Email: "impl1@t.example", Name: "Ivy Implement", Role: baton.RoleCSM, Team: "implementation", TimeZone: "America/New_York", Active: true},
	}
	for i := range users {
		users[i].WorkingHours = "24x7"
	}
	for k, u := range batontest.Team(t, e.svc.PutUser, users...) {
		e.users[k] = u
	}
	return e
}

// wonSignal is a signal of typ for its own account (employees sets the
// segment: 1000 or more is enterprise, which is strategic by default),
// sent by ae1.
func wonSignal(e *env, id, typ string, employees int, fields map[string]any) *baton.Signal {
	return &baton.Signal{
		ExternalID: id, Type: typ, Source: "crm", Sender: e.users["ae1"].Email, OccurredAt: e.clock.Now(),
		Contact: baton.SignalContact{Email: "buyer@" + id + ".example", Name: "Bo Buyer", TimeZone: "America/Chicago"},
		Account: baton.SignalAccount{Name: "Account " + id, Domain: id + ".example", Employees: employees},
		Fields:  fields,
	}
}

// completeSummary fills every field of the deal summary.
func completeSummary(t *testing.T, e *env, id string, extra map[string]any) {
	t.Helper()
	fields := map[string]any{
		"customer_overview":      "Mid-size logistics company; bought after a three-month evaluation",
		"stakeholders":           []any{map[string]any{"name": "Lee Park", "role": "COO, executive sponsor", "stance": "champion", "influence": "high"}},
		"business_objectives":    "Cut dispatch time by half",
		"success_criteria":       "Dispatch under 10 minutes within 90 days; Lee reports it to the board",
		"scope":                  []any{"Routing", "Salesforce integration"},
		"commitments":            []any{map[string]any{"what": "SSO by March", "promised_by": "Ae One, AE", "status": "open", "kind": "verbal"}},
		"implementation_context": "Phased rollout, two admins on their side",
		"go_live_target":         "2027-03-01",
		"contract_value":         48000.0,
		"special_terms":          "10% discount, net 30",
		"risks":                  []any{map[string]any{"risk": "IT team stretched", "likelihood": "medium", "impact": "high"}},
	}
	for k, v := range extra {
		fields[k] = v
	}
	if _, err := e.svc.UpdateContext(e.ctx, e.admin, id, fields); err != nil {
		t.Fatalf("complete the deal summary: %v", err)
	}
}

func (e *env) cs(t *testing.T, id string) *service.CSView {
	t.Helper()
	v, err := e.svc.CSHandoffFor(e.ctx, e.admin, id)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// invalidFields returns an EINVALID error's fields by name, failing otherwise.
func invalidFields(t *testing.T, err error) map[string]string {
	t.Helper()
	var be *baton.Error
	if !errors.As(err, &be) || be.Code != baton.EINVALID {
		t.Fatalf("got %v, want EINVALID", err)
	}
	out := map[string]string{}
	for _, f := range be.Fields {
		out[f.Field] = f.Message
	}
	return out
}

func wantCode(t *testing.T, err error, code string) {
	t.Helper()
	if baton.ErrorCode(err) != code {
		t.Fatalf("got %v, want %s", err, code)
	}
}

// TestCSTiming: the timing rule of each trigger: post-close deadlines from
// the signature, pre-close only for strategic accounts, inside the window
// and with the CS manager's approval, the verbal commit's hold at 90 %, and
// the POC team's handover.
func TestCSTiming(t *testing.T) {
	t.Parallel()
	preClose := []string{"  timing: post_close\n", "  timing: pre_close\n"}
	t.Run("PostCloseDeadlinesFromSignature", func(t *testing.T) {
		t.Parallel()
		e := csEnv(t)
		sig := wonSignal(e, "post", baton.SignalContractSigned, 300, map[string]any{"payment": "scheduled"})
		sig.OccurredAt = t0.Add(-2 * time.Hour)
		h := e.ingest(t, sig)
		c := e.cs(t, h.ID)
		closed := t0.Add(-2 * time.Hour)
		if c.Timing != baton.TimingPostClose || c.Trigger != baton.SignalContractSigned || !c.ContractExecuted || c.Probability != 100 {
			t.Errorf("got timing %s, trigger %s, executed %v, probability %d; want post_close, contract_signed, true, 100", c.Timing, c.Trigger, c.ContractExecuted, c.Probability)
		}
		for _, d := range []struct {
			name      string
			got, want time.Time
		}{{"closed", c.ClosedAt, closed}, {"notify by", c.NotifyBy, closed.Add(24 * time.Hour)}, {"KT by", c.KTBy, closed.Add(48 * time.Hour)}, {"engage by", c.EngageBy, closed.Add(5 * 24 * time.Hour)}} {
			if !d.got.Equal(d.want) {
				t.Errorf("%s: got %s, want %s", d.name, d.got, d.want)
			}
		}
		if c.KT.Status != baton.KTHold || c.KT.StartsAt.Add(c.KT.Duration).After(c.KTBy) || c.KT.Duration != 45*time.Minute {
			t.Errorf("got meeting %s at %s for %s, want a 45-minute hold ending by %s", c.KT.Status, c.KT.StartsAt, c.KT.Duration, c.KTBy)
		}
	})
	t.Run("NotSentWithin24HoursEscalatesToTheAEsManager", func(t *testing.T) {
		t.Parallel()
		e := csEnv(t)
		h := e.ingest(t, wonSignal(e, "late", baton.SignalContractSigned, 300, nil))
		e.advance(t, 23*time.Hour)
		if got := len(e.messages(t, baton.MsgCSLate)); got != 0 {
			t.Fatalf("got %d not-sent messages before 24 h, want 0", got)
		}
		e.advance(t, time.Hour)
		msgs := e.messages(t, baton.MsgCSLate)
		if len(msgs) == 0 || msgs[0].RecipientID != e.users["mgr"].ID {
			t.Fatalf("got %v, want the not-sent escalation to ae1's manager", msgs)
		}
		if v := e.view(t, h.ID); count(kinds(v.Events), baton.EventEscalated) == 0 {
			t.Errorf("got events %v, want an escalation", kinds(v.Events))
		}
	})
	t.Run("SentInTimeDoesNotEscalate", func(t *testing.T) {
		t.Parallel()
		e := csEnv(t)
		h := e.ingest(t, wonSignal(e, "ontime", baton.SignalContractSigned, 300, map[string]any{"payment": "received"}))
		completeSummary(t, e, h.ID, nil)
		if _, err := e.svc.SendToCS(e.ctx, e.principal("ae1"), h.ID); err != nil {
			t.Fatal(err)
		}
		e.advance(t, 25*time.Hour)
		if got := len(e.messages(t, baton.MsgCSLate)); got != 0 {
			t.Errorf("got %d not-sent messages, want 0", got)
		}
	})
	t.Run("PreCloseStrategicNeedsApprovalThenSendsPendingContract", func(t *testing.T) {
		t.Parallel()
		e := csEnv(t, preClose...)
		h := e.ingest(t, wonSignal(e, "pre", baton.SignalVerbalCommit, 5000, map[string]any{
			"expected_close": t0.Add(6 * 24 * time.Hour).Format(time.DateOnly), "payment": "scheduled"}))
		completeSummary(t, e, h.ID, nil)
		c := e.cs(t, h.ID)
		if c.Timing != baton.TimingPreClose || !c.Strategic || c.ContractExecuted || !c.ClosedAt.IsZero() {
			t.Fatalf("got timing %s, strategic %v, executed %v, closed %s; want pre_close, strategic, pending, not closed", c.Timing, c.Strategic, c.ContractExecuted, c.ClosedAt)
		}
		if got := e.messages(t, baton.MsgCSApproval); len(got) != 1 || got[0].RecipientID != e.users["csmgr"].ID {
			t.Errorf("got approval requests %v, want one to the CS manager", got)
		}
		_, err := e.svc.SendToCS(e.ctx, e.principal("ae1"), h.ID)
		if f := invalidFields(t, err); f["pre_close.approval"] == "" || f["gates.contract"] != "" {
			t.Fatalf("got %v, want the CS manager's approval named and the contract waived", f)
		}
		if _, err := e.svc.ApprovePreClose(e.ctx, e.principal("ae1"), h.ID); baton.ErrorCode(err) != baton.EFORBIDDEN {
			t.Fatalf("AE approving: got %v, want EFORBIDDEN", err)
		}
		if _, err := e.svc.ApprovePreClose(e.ctx, e.principal("csmgr"), h.ID); err != nil {
			t.Fatal(err)
		}
		v, err := e.svc.SendToCS(e.ctx, e.principal("ae1"), h.ID)
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Contains(v.Risks, "pending contract: sent before signature") {
			t.Errorf("got risks %v, want pending contract flagged", v.Risks)
		}
	})
	t.Run("PreCloseOutsideTheWindowIsRefused", func(t *testing.T) {
		t.Parallel()
		for _, tc := range []struct {
			name   string
			days   int
			detail string
		}{{"TooEarly", 10, "too early"}, {"TooLate", 3, "too late for pre-close"}} {
			t.Run(tc.name, func(t *testing.T) {
				e := csEnv(t, preClose...)
				h := e.ingest(t, wonSignal(e, "win"+tc.name, baton.SignalVerbalCommit, 5000, map[string]any{
					"expected_close": t0.Add(time.Duration(tc.days) * 24 * time.Hour).Format(time.DateOnly), "payment": "scheduled"}))
				completeSummary(t, e, h.ID, nil)
				if _, err := e.svc.ApprovePreClose(e.ctx, e.principal("csmgr"), h.ID); err != nil {
					t.Fatal(err)
				}
				_, err := e.svc.SendToCS(e.ctx, e.principal("ae1"), h.ID)
				if f := invalidFields(t, err); !strings.HasPrefix(f["pre_close.window"], tc.detail) {
					t.Errorf("got %v, want pre_close.window %q", f, tc.detail)
				}
			})
		}
	})
	t.Run("PreCloseIsForStrategicAccountsOnly", func(t *testing.T) {
		t.Parallel()
		e := csEnv(t, preClose...)
		h := e.ingest(t, wonSignal(e, "midverbal", baton.SignalVerbalCommit, 300, map[string]any{
			"expected_close": t0.Add(6 * 24 * time.Hour).Format(time.DateOnly), "payment": "scheduled"}))
		completeSummary(t, e, h.ID, nil)
		if c := e.cs(t, h.ID); c.Timing != baton.TimingPostClose {
			t.Errorf("got timing %s, want post_close for a non-strategic account", c.Timing)
		}
		_, err := e.svc.ApprovePreClose(e.ctx, e.principal("csmgr"), h.ID)
		if wantCode(t, err, baton.ECONFLICT); !strings.Contains(err.Error(), "strategic accounts only") {
			t.Errorf("got %v, want strategic accounts only", err)
		}
		_, err = e.svc.SendToCS(e.ctx, e.principal("ae1"), h.ID)
		if f := invalidFields(t, err); f["gates.contract"] == "" {
			t.Errorf("got %v, want the contract gate named", f)
		}
	})
	t.Run("PostCloseTimingWaitsForTheContractEvenForStrategic", func(t *testing.T) {
		t.Parallel()
		e := csEnv(t)
		h := e.ingest(t, wonSignal(e, "postverbal", baton.SignalVerbalCommit, 5000, map[string]any{
			"expected_close": t0.Add(6 * 24 * time.Hour).Format(time.DateOnly)}))
		if c := e.cs(t, h.ID); c.Timing != baton.TimingPostClose || c.KT.Status != baton.KTHold {
			t.Errorf("got timing %s, meeting %q; want post_close with the hold placed (a verbal commit is 90 %%)", c.Timing, c.KT.Status)
		}
		v, err := e.svc.MarkGates(e.ctx, e.principal("ae1"), h.ID, service.GatesInput{ContractExecuted: yes()})
		if err != nil {
			t.Fatal(err)
		}
		if !v.ClosedAt.Equal(t0) || !v.NotifyBy.Equal(t0.Add(24*time.Hour)) {
			t.Errorf("got closed %s, notify by %s; want the close at marking and notify 24 h later", v.ClosedAt, v.NotifyBy)
		}
	})
	t.Run("HoldWaitsFor90Percent", func(t *testing.T) {
		t.Parallel()
		e := csEnv(t)
		h := e.ingest(t, wonSignal(e, "p70", baton.SignalVerbalCommit, 300, map[string]any{"probability": 70.0}))
		if c := e.cs(t, h.ID); c.KT.Status != baton.KTNone || len(e.messages(t, baton.MsgKTInvite)) != 0 {
			t.Fatalf("got meeting %q, want no hold at 70 %%", c.KT.Status)
		}
		v, err := e.svc.MarkGates(e.ctx, e.principal("ae1"), h.ID, service.GatesInput{Probability: ptr(90)})
		if err != nil {
			t.Fatal(err)
		}
		if v.KT.Status != baton.KTHold || len(e.messages(t, baton.MsgKTInvite)) == 0 {
			t.Errorf("got meeting %q, want the hold placed and invitations sent at 90 %%", v.KT.Status)
		}
	})
	t.Run("POCConvertedHandsOverLearnings", func(t *testing.T) {
		t.Parallel()
		e := csEnv(t)
		h := e.ingest(t, wonSignal(e, "poc", baton.SignalPOCConverted, 300, map[string]any{"poc_owner": "impl1@t.example", "payment": "received"}))
		if h.Type != "poc_converted" {
			t.Fatalf("got type %s, want poc_converted", h.Type)
		}
		c := e.cs(t, h.ID)
		p, ok := c.KT.Participant(e.users["impl1"].ID)
		if !ok || p.Role != baton.KTRolePOC || !p.Required {
			t.Errorf("got %+v, want the POC owner as a required participant", p)
		}
		completeSummary(t, e, h.ID, nil)
		_, err := e.svc.SendToCS(e.ctx, e.principal("ae1"), h.ID)
		if f := invalidFields(t, err); f["context.poc_learnings"] == "" || !strings.Contains(f["gates.deal_summary"], "missing: poc learnings") {
			t.Fatalf("got %v, want the POC learnings named", f)
		}
		if _, err := e.svc.UpdateContext(e.ctx, e.admin, h.ID, map[string]any{"poc_learnings": "Dispatchers needed the mobile view first"}); err != nil {
			t.Fatal(err)
		}
		if _, err := e.svc.SendToCS(e.ctx, e.principal("ae1"), h.ID); err != nil {
			t.Fatal(err)
		}
	})
}

// TestCSGates: each gate refuses the send naming what is missing, and a
// refused send writes nothing.
func TestCSGates(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name     string
		fields   map[string]any
		complete bool
		want     string // the failing gate
		detail   string
	}{
		{"ContractNotFullyExecuted", map[string]any{"contract_status": "customer_signed", "payment": "scheduled"}, true, "gates.contract", "the contract is not fully executed"},
		{"PaymentNeitherReceivedNorScheduled", nil, true, "gates.payment", "payment is neither received nor scheduled"},
		{"DealSummaryIncomplete", map[string]any{"payment": "received"}, false, "gates.deal_summary", "the deal summary is"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			e := csEnv(t)
			h := e.ingest(t, wonSignal(e, strings.ToLower(tc.name), baton.SignalContractSigned, 300, tc.fields))
			if tc.complete {
				completeSummary(t, e, h.ID, nil)
			} else {
				completeSummary(t, e, h.ID, map[string]any{"risks": nil})
			}
			before := len(e.view(t, h.ID).Events)
			_, err := e.svc.SendToCS(e.ctx, e.principal("ae1"), h.ID)
			f := invalidFields(t, err)
			if !strings.HasPrefix(f[tc.want], tc.detail) || len(f) != map[bool]int{true: 1, false: 2}[tc.complete] {
				t.Errorf("got %v, want only %s: %s…", f, tc.want, tc.detail)
			}
			if !tc.complete && f["context.risks"] != "is missing" {
				t.Errorf("got %v, want context.risks named", f)
			}
			if !strings.Contains(err.Error(), "cannot be sent to customer success") {
				t.Errorf("got message %q", err)
			}
			if c := e.cs(t, h.ID); !c.SentAt.IsZero() || c.Sendable {
				t.Errorf("got sent %s, sendable %v; want not sent", c.SentAt, c.Sendable)
			}
			if got := len(e.view(t, h.ID).Events); got != before || len(e.messages(t, baton.MsgCSSent)) != 0 {
				t.Errorf("got %d events (was %d) and %d sent messages; want nothing written", got, before, len(e.messages(t, baton.MsgCSSent)))
			}
		})
	}
	t.Run("PaymentRiskPassesFlagged", func(t *testing.T) {
		t.Parallel()
		for _, p := range []string{baton.PaymentExtendedTerms, baton.PaymentDelayRequested} {
			e := csEnv(t)
			h := e.ingest(t, wonSignal(e, "risk"+p[:3], baton.SignalContractSigned, 300, map[string]any{"payment": p}))
			completeSummary(t, e, h.ID, nil)
			v, err := e.svc.SendToCS(e.ctx, e.principal("ae1"), h.ID)
			if err != nil {
				t.Fatalf("%s: %v", p, err)
			}
			if len(v.Risks) != 1 {
				t.Errorf("%s: got risks %v, want the payment flagged", p, v.Risks)
			}
			msgs := e.messages(t, baton.MsgCSSent)
			if len(msgs) == 0 || msgs[0].RecipientID != h.OwnerID || !strings.Contains(string(msgs[0].Payload), "Risks flagged") {
				t.Errorf("%s: got %v, want the owner told, with the risk", p, msgs)
			}
		}
	})
	t.Run("MarkedGatesOpenTheWayAndSendOnce", func(t *testing.T) {
		t.Parallel()
		e := csEnv(t)
		h := e.ingest(t, wonSignal(e, "marked", baton.SignalContractSigned, 300, map[string]any{"contract_status": "customer_signed"}))
		completeSummary(t, e, h.ID, nil)
		_, err := e.svc.MarkGates(e.ctx, e.principal("ae1"), h.ID, service.GatesInput{Payment: str("wired")})
		if f := invalidFields(t, err); f["payment"] == "" {
			t.Errorf("got %v, want payment named", f)
		}
		v, err := e.svc.MarkGates(e.ctx, e.principal("ae1"), h.ID, service.GatesInput{ContractExecuted: yes(), Payment: str("scheduled")})
		if err != nil {
			t.Fatal(err)
		}
		if !v.Sendable {
			t.Fatalf("got gates %+v, want sendable", v.Gates)
		}
		if _, err := e.svc.SendToCS(e.ctx, e.principal("ae1"), h.ID); err != nil {
			t.Fatal(err)
		}
		_, err = e.svc.SendToCS(e.ctx, e.principal("ae1"), h.ID)
		wantCode(t, err, baton.ECONFLICT)
	})
	t.Run("AnotherTypeHasNoProtocol", func(t *testing.T) {
		t.Parallel()
		e := csEnv(t)
		h := e.ingest(t, demoRequest("noprotocol"))
		_, err := e.svc.SendToCS(e.ctx, e.admin, h.ID)
		wantCode(t, err, baton.ENOTFOUND)
	})
}

// TestCSCapacity: when every CSM is at capacity the handoff goes to CS
// leadership, with the reason, instead of to someone over their cap.
func TestCSCapacity(t *testing.T) {
	t.Parallel()
	e := csEnv(t)
	for _, name := range []string{"csm1", "csm2"} {
		u := *e.users[name]
		u.Capacity = 1
		got, err := e.svc.PutUser(e.ctx, &u)
		if err != nil {
			t.Fatal(err)
		}
		e.users[name] = got
	}
	var owners []string
	for _, id := range []string{"cap1", "cap2"} {
		h := e.ingest(t, wonSignal(e, id, baton.SignalContractSigned, 300, nil))
		owners = append(owners, h.OwnerID)
		if c := e.cs(t, h.ID); c.CapacityEscalated {
			t.Errorf("%s: escalated with room left", id)
		}
	}
	slices.Sort(owners)
	if want := []string{e.users["csm1"].ID, e.users["csm2"].ID}; !slices.Equal(owners, sorted(want)) {
		t.Fatalf("got owners %v, want one handoff each for csm1 and csm2", owners)
	}
	h := e.ingest(t, wonSignal(e, "cap3", baton.SignalContractSigned, 300, nil))
	if h.OwnerID != e.users["csmgr"].ID {
		t.Fatalf("got owner %s, want CS leadership (csmgr)", h.OwnerID)
	}
	var reasons []string
	for _, st := range h.Trace {
		if st.Step == "cs_capacity" {
			reasons = append(reasons, st.Reason)
		}
	}
	if len(reasons) != 2 || !strings.Contains(reasons[0], "Cal One 1 of 1 open") {
		t.Errorf("got trace %v, want the caps and the escalation", reasons)
	}
	if c := e.cs(t, h.ID); !c.CapacityEscalated {
		t.Error("not marked capacity-escalated")
	}
	msgs := e.messages(t, baton.MsgCSCapacity)
	if len(msgs) != 1 || msgs[0].RecipientID != e.users["csmgr"].ID {
		t.Fatalf("got %v, want one capacity message to leadership", msgs)
	}
	var n baton.Notice
	if err := json.Unmarshal(msgs[0].Payload, &n); err != nil {
		t.Fatal(err)
	}
	if n.Lead.Company == "" || !strings.Contains(n.Reason, "every CSM is at capacity") {
		t.Errorf("got account %q and reason %q, want the account and the reason", n.Lead.Company, n.Reason)
	}
	if v := e.view(t, h.ID); count(kinds(v.Events), baton.EventEscalated) != 1 {
		t.Errorf("got events %v, want one escalation", kinds(v.Events))
	}
	t.Run("ConfiguredLeadershipWins", func(t *testing.T) {
		e2 := csEnv(t, "notify_within: 24h\n", "notify_within: 24h\n  leadership: mgr@t.example\n")
		for _, name := range []string{"csm1", "csm2"} {
			u := *e2.users[name]
			u.Capacity = 1
			if _, err := e2.svc.PutUser(e2.ctx, &u); err != nil {
				t.Fatal(err)
			}
		}
		for _, id := range []string{"l1", "l2"} {
			e2.ingest(t, wonSignal(e2, id, baton.SignalContractSigned, 300, nil))
		}
		if h := e2.ingest(t, wonSignal(e2, "l3", baton.SignalContractSigned, 300, nil)); h.OwnerID != e2.users["mgr"].ID {
			t.Errorf("got owner %s, want the playbook's leadership (mgr)", h.OwnerID)
		}
	})
}

func sorted(s []string) []string { slices.Sort(s); return s }

func yes() *bool           { b := true; return &b }
func str(s string) *string { return &s }

// TestCSBrief: the brief customer success reads is written for onboarding,
// for each trigger: a converted POC's learnings, a verbal commit's
// unsigned contract.
func TestCSBrief(t *testing.T) {
	t.Parallel()
	e := csEnv(t)
	poc := e.ingest(t, wonSignal(e, "pocbrief", baton.SignalPOCConverted, 300, map[string]any{"poc_owner": "impl1@t.example"}))
	completeSummary(t, e, poc.ID, map[string]any{"poc_learnings": "Dispatchers needed the mobile view first"})
	verbal := e.ingest(t, wonSignal(e, "verbalbrief", baton.SignalVerbalCommit, 300, nil))
	for _, tc := range []struct {
		id    string
		wants []string
	}{
		{poc.ID, []string{"is a new customer.", "Dispatchers needed the mobile view first", "Lee Park (COO, executive sponsor): champion", "SSO by March", "IT team stretched"}},
		{verbal.ID, []string{"has committed verbally; the contract is not signed yet."}},
	} {
		b, err := e.svc.Brief(e.ctx, tc.id)
		if err != nil {
			t.Fatal(err)
		}
		if b.Brief.Kind != "customer" {
			t.Errorf("got a %s brief, want the customer brief", b.Brief.Kind)
		}
		for _, w := range tc.wants {
			if !strings.Contains(b.Text, w) {
				t.Errorf("brief lacks %q:\n%s", w, b.Text)
			}
		}
	}
}
