package service

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/batonhq/baton"
	"github.com/batonhq/baton/completeness"
	"github.com/batonhq/baton/notify"
	"github.com/batonhq/baton/playbook"
	"github.com/batonhq/baton/routing"
)

// stepCSCapacity is the routing trace's step when every CSM was at
// capacity and the handoff went to customer success leadership.
const stepCSCapacity = "cs_capacity"

// CSView is a handoff's sales → customer success protocol: its state, each
// gate with whether it passes and what is missing, the risks flagged, and
// the knowledge-transfer meeting's people by name.
type CSView struct {
	*baton.CSHandoff
	Gates []Gate   `json:"gates"`
	Risks []string `json:"risks,omitempty"`
	// Sendable reports that every gate passes and the handoff is not sent.
	Sendable bool `json:"sendable"`
	// People names the meeting's participants by user id.
	People map[string]*UserRef `json:"people,omitempty"`
	// CSManager is who approves a pre-close handoff; nil when unknown.
	CSManager *UserRef `json:"cs_manager,omitempty"`
}

// csViewJSON is CSView as the API has it: the meeting as
// baton.KTMeetingJSON (its length in minutes), its KT shadowing the stored
// form's.
type csViewJSON struct {
	csViewPlain
	KT baton.KTMeetingJSON `json:"kt"`
}

type csViewPlain CSView

// MarshalJSON writes the view with the meeting's length in whole minutes
// (kt.duration_minutes) rather than the stored nanoseconds.
func (v CSView) MarshalJSON() ([]byte, error) {
	out := csViewJSON{csViewPlain: csViewPlain(v)}
	if v.CSHandoff != nil {
		out.KT = baton.NewKTMeetingJSON(v.KT)
	}
	return json.Marshal(out)
}

// UnmarshalJSON reads what MarshalJSON writes (and the meeting's old
// duration in nanoseconds).
func (v *CSView) UnmarshalJSON(b []byte) error {
	var in csViewJSON
	if err := json.Unmarshal(b, &in); err != nil {
		return err
	}
	*v = CSView(in.csViewPlain)
	m, err := in.KT.Meeting()
	if err != nil {
		return err
	}
	if v.CSHandoff == nil {
		v.CSHandoff = &baton.CSHandoff{}
	}
	v.KT = m
	return nil
}

// Gate is one check before a handoff is sent to customer success.
type Gate struct {
	// Name is the gate's field in an error: gates.contract, gates.payment,
	// gates.deal_summary, pre_close.approval, pre_close.window.
	Name   string `json:"name"`
	Label  string `json:"label"`
	Passed bool   `json:"passed"`
	// Detail says what is missing, or how it passed (a flagged risk).
	Detail string `json:"detail,omitempty"`
}

// routeCS routes a handoff of a type the protocol governs: when every
// available member of the receiving team is at a cap, the handoff goes to
// customer success leadership (who decides whether the timeline shifts or
// resources are added) instead of someone over their cap; otherwise it is
// routed as any other.
func (s *Service) routeCS(ctx context.Context, tx baton.Tx, pb *playbook.Playbook, ht *playbook.HandoffType, env *playbook.Env, account *baton.Account, now time.Time) (routing.Decision, error) {
	if !pb.CSProtocol.Governs(ht.Name) {
		return s.route(ctx, tx, pb, ht, env, account, now, nil)
	}
	why, err := s.teamAtCapacity(ctx, tx, ht.To, now)
	if err != nil || why == "" {
		if err != nil {
			return routing.Decision{}, err
		}
		return s.route(ctx, tx, pb, ht, env, account, now, nil)
	}
	r, err := s.users(ctx, tx)
	if err != nil {
		return routing.Decision{}, err
	}
	leader := csLeader(pb, r.Roster, ht.To)
	if leader == nil {
		return s.route(ctx, tx, pb, ht, env, account, now, nil)
	}
	return routing.Decision{OwnerID: leader.ID, BackupID: leader.BackupID, Step: stepCSCapacity, Trace: []baton.Step{
		{Step: stepCSCapacity, Subject: "team " + ht.To, Result: "info", Reason: why},
		{Step: stepCSCapacity, Subject: leader.Email, Result: "picked", Reason: "escalated to customer success leadership instead of a CSM over their cap"},
	}}, nil
}

// teamAtCapacity says why team is at capacity ("every CSM is at a cap: …"),
// or "" when someone available has room (or nobody is available at all,
// which is not a matter of capacity).
func (s *Service) teamAtCapacity(ctx context.Context, tx baton.Tx, team string, now time.Time) (string, error) {
	r, err := s.users(ctx, tx)
	if err != nil {
		return "", err
	}
	var members []*baton.User
	for _, u := range r.Team(team) {
		if u.Active && !u.Paused && !u.Away(now) && u.Role != baton.RoleManager {
			members = append(members, u)
		}
	}
	if len(members) == 0 {
		return "", nil
	}
	ids := make([]string, len(members))
	for i, u := range members {
		ids[i] = u.ID
	}
	loads, err := tx.Loads(ctx, ids, now)
	if err != nil {
		return "", err
	}
	var parts []string
	for _, u := range members {
		l := loads[u.ID]
		switch {
		case u.Capacity > 0 && l.Open >= u.Capacity:
			parts = append(parts, fmt.Sprintf("%s %d of %d open", u.Name, l.Open, u.Capacity))
		case u.DailyCap > 0 && l.Today >= u.DailyCap:
			parts = append(parts, fmt.Sprintf("%s at the daily cap (%d)", u.Name, l.Today))
		case u.MonthlyCap > 0 && l.Month >= u.MonthlyCap:
			parts = append(parts, fmt.Sprintf("%s at the 30-day cap (%d)", u.Name, l.Month))
		default:
			return "", nil
		}
	}
	return "every CSM is at capacity: " + strings.Join(parts, "; "), nil
}

// csLeader returns customer success leadership for team: the playbook's
// leadership, else an active manager on the team, else the manager of the
// team's members; nil when there is none.
func csLeader(pb *playbook.Playbook, r *routing.Roster, team string) *baton.User {
	if e := pb.CSProtocol.Leadership; e != "" {
		if u := r.ByEmail(e); u != nil && u.Active {
			return u
		}
	}
	members := r.Team(team)
	for _, u := range members {
		if u.Active && u.Role == baton.RoleManager {
			return u
		}
	}
	for _, u := range members {
		if m := r.User(u.ManagerID); u.ManagerID != "" && m != nil && m.Active {
			return m
		}
	}
	return nil
}

// csManagerOf is the customer success manager of a handoff's owner: the
// owner's manager, else leadership.
func csManagerOf(pb *playbook.Playbook, r *routing.Roster, h *baton.Handoff) *baton.User {
	if o := r.User(h.OwnerID); o != nil && o.ManagerID != "" {
		if m := r.User(o.ManagerID); m != nil && m.Active {
			return m
		}
	}
	return csLeader(pb, r, h.ToTeam)
}

// csStarted starts the protocol for a new handoff of a type it governs: it
// records the timing and trigger, the gates the signal already settles,
// the deadlines after a signature, and places the knowledge-transfer
// meeting's hold when the deal is likely enough.
func (s *Service) csStarted(ctx context.Context, tx baton.Tx, pb *playbook.Playbook, ht *playbook.HandoffType, h *baton.Handoff, sig *baton.Signal, env *playbook.Env, now time.Time) error {
	cp := &pb.CSProtocol
	if !cp.Governs(ht.Name) {
		return nil
	}
	// A strategic condition that fails at run time reads as not strategic;
	// the env counts the failure (Playbook.Tally).
	strategic, _ := cp.IsStrategic(env)
	c := &baton.CSHandoff{HandoffID: h.ID, Trigger: sig.Type, Timing: baton.TimingPostClose, Strategic: strategic, CreatedAt: now, UpdatedAt: now,
		Payment: fieldString(sig.Fields, "payment"), PaymentNote: fieldString(sig.Fields, "payment_note")}
	if !slices.Contains(baton.PaymentStates, c.Payment) {
		c.Payment = ""
	}
	if sig.Type == baton.SignalVerbalCommit {
		c.Probability = fieldPercent(sig.Fields, "probability", cp.KT.HoldAt)
		if d, err := time.Parse(time.DateOnly, fieldString(sig.Fields, "expected_close")); err == nil {
			c.ExpectedClose = d
		}
		if cp.Timing == baton.TimingPreClose && strategic {
			c.Timing = baton.TimingPreClose
		}
	} else {
		c.Probability = 100
		closed := sig.OccurredAt
		if closed.IsZero() || closed.After(now) {
			closed = now
		}
		switch fieldString(sig.Fields, "contract_status") {
		case "", "fully_executed", "executed":
			c.ContractExecuted, c.ContractAt = true, closed
		}
		if err := s.csClosed(ctx, tx, pb, h, c, closed); err != nil {
			return err
		}
	}
	for _, st := range h.Trace {
		if st.Step == stepCSCapacity && st.Result == "picked" {
			c.CapacityEscalated = true
		}
	}
	if c.CapacityEscalated {
		reason := "every CSM is at capacity: escalated to customer success leadership to shift the timeline or add resources"
		if err := appendEvent(ctx, tx, &baton.Event{HandoffID: h.ID, Kind: baton.EventEscalated, At: now, Actor: baton.ActorSystem, OwnerID: h.OwnerID, Reason: reason}, nil); err != nil {
			return err
		}
		if err := s.raise(ctx, tx, h, note{kind: baton.MsgCSCapacity, recipient: h.OwnerID, reason: reason,
			text: "Every CSM is at capacity: decide whether the timeline can shift or resources can be added, then reassign this handoff."}, now); err != nil {
			return err
		}
	}
	r, err := s.users(ctx, tx)
	if err != nil {
		return err
	}
	c.KT.Participants = ktParticipants(pb, r.Roster, h, c, sig)
	if c.Timing == baton.TimingPreClose {
		if m := csManagerOf(pb, r.Roster, h); m != nil {
			if err := s.notify(ctx, tx, h, baton.MsgCSApproval, m.ID, now,
				"A pre-close handoff of a strategic account waits for your approval before it can be sent."); err != nil {
				return err
			}
		}
	}
	if c.Probability >= cp.KT.HoldAt {
		if err := s.ktHold(ctx, tx, pb, h, c, now); err != nil {
			return err
		}
	}
	return tx.PutCSHandoff(ctx, c)
}

// csClosed records the signature at closed: the timing rule's deadlines,
// the clock that escalates a handoff not sent in time, and the clock that
// escalates a meeting not confirmed in time.
func (s *Service) csClosed(ctx context.Context, tx baton.Tx, pb *playbook.Playbook, h *baton.Handoff, c *baton.CSHandoff, closed time.Time) error {
	cp := &pb.CSProtocol
	c.ClosedAt = closed
	c.NotifyBy = closed.Add(time.Duration(cp.NotifyWithin))
	c.KTBy = closed.Add(time.Duration(cp.KT.HeldWithin))
	c.EngageBy = closed.Add(time.Duration(cp.EngageWithin))
	ts := []*baton.Timer{}
	if c.SentAt.IsZero() {
		ts = append(ts, &baton.Timer{ID: newID(), HandoffID: h.ID, Kind: baton.TimerCSNotify, Generation: h.Generation, DueAt: c.NotifyBy})
	}
	if c.KT.ConfirmedAt.IsZero() {
		ts = append(ts, &baton.Timer{ID: newID(), HandoffID: h.ID, Kind: baton.TimerKTConfirm, Generation: h.Generation, DueAt: closed.Add(time.Duration(cp.KT.ConfirmWithin))})
	}
	if len(ts) == 0 {
		return nil
	}
	return tx.InsertTimers(ctx, ts...)
}

// ktParticipants lists who the meeting needs: the AE (the sender) and the
// CSM (the owner) always, the CS manager for a strategic account, the POC
// team's owner for a converted POC; the SE and the implementation
// specialist the signal names are recommended.
func ktParticipants(pb *playbook.Playbook, r *routing.Roster, h *baton.Handoff, c *baton.CSHandoff, sig *baton.Signal) []baton.KTParticipant {
	var out []baton.KTParticipant
	add := func(u *baton.User, role string, required bool) {
		if u == nil || slices.ContainsFunc(out, func(p baton.KTParticipant) bool { return p.UserID == u.ID }) {
			return
		}
		out = append(out, baton.KTParticipant{UserID: u.ID, Role: role, Required: required, Response: baton.KTInvited})
	}
	byEmail := func(field string) *baton.User {
		if e := strings.ToLower(fieldString(sig.Fields, field)); e != "" {
			return r.ByEmail(e)
		}
		return nil
	}
	add(r.User(h.SenderID), baton.KTRoleAE, true)
	if c.CapacityEscalated {
		add(r.User(h.OwnerID), baton.KTRoleCSManager, true)
	} else {
		add(r.User(h.OwnerID), baton.KTRoleCSM, true)
	}
	if c.Strategic {
		add(csManagerOf(pb, r, h), baton.KTRoleCSManager, true)
	}
	if c.Trigger == baton.SignalPOCConverted {
		add(byEmail("poc_owner"), baton.KTRolePOC, true)
	}
	add(byEmail("se"), baton.KTRoleSE, false)
	add(byEmail("implementation_specialist"), baton.KTRoleImplementation, false)
	return out
}

func fieldString(fields map[string]any, name string) string {
	switch v := fields[name].(type) {
	case string:
		return strings.TrimSpace(v)
	case float64:
		return strconv.FormatFloat(v, 'f', -1, 64)
	case bool:
		return strconv.FormatBool(v)
	}
	return ""
}

// fieldPercent reads a probability in percent (a fraction ≤ 1 is read as a
// share: 0.9 is 90 %); def when absent or out of range.
func fieldPercent(fields map[string]any, name string, def int) int {
	f, err := strconv.ParseFloat(fieldString(fields, name), 64)
	switch {
	case err != nil || f < 0 || f > 100:
		return def
	case f > 0 && f <= 1:
		return int(f*100 + 0.5)
	}
	return int(f + 0.5)
}

// gates checks each gate of c's handoff at now, in a stable order.
func gates(pb *playbook.Playbook, h *baton.Handoff, c *baton.CSHandoff, now time.Time) []Gate {
	cp := &pb.CSProtocol
	var out []Gate
	if cp.GateContract() {
		g := Gate{Name: "gates.contract", Label: "Contract fully executed", Passed: c.ContractExecuted}
		switch {
		case c.ContractExecuted:
			g.Detail = "executed " + c.ContractAt.UTC().Format("Mon 2 Jan 2006, 15:04 UTC")
		case c.Timing != baton.TimingPreClose:
			g.Detail = "the contract is not fully executed: every customer signer and the vendor countersignature are needed"
		default:
			// The waiver is conditional on the approval and the window,
			// which are gates of their own.
			g.Detail = "pending contract: waived for a pre-close handoff approved by the CS manager inside its window"
			approved, inWindow := c.ApprovedBy != "", preCloseWindow(cp, c, now) == ""
			g.Passed = true
			out = append(out, g, Gate{Name: "pre_close.approval", Label: "CS manager approval (pre-close)", Passed: approved,
				Detail: map[bool]string{true: "approved", false: "the CS manager has not approved this pre-close handoff"}[approved]})
			w := Gate{Name: "pre_close.window", Label: fmt.Sprintf("%s to %s before the expected close", cp.PreClose.Earliest, cp.PreClose.Latest), Passed: inWindow,
				Detail: preCloseWindow(cp, c, now)}
			out = append(out, w)
			g = Gate{}
		}
		if g.Name != "" {
			out = append(out, g)
		}
	}
	if cp.GatePayment() {
		g := Gate{Name: "gates.payment", Label: "Payment received or scheduled", Passed: c.Payment != ""}
		switch {
		case c.Payment == "":
			g.Detail = "payment is neither received nor scheduled"
		case baton.PaymentRisk(c.Payment):
			g.Detail = strings.ReplaceAll(c.Payment, "_", " ") + ": passes, flagged as a risk"
		default:
			g.Detail = c.Payment
		}
		out = append(out, g)
	}
	if need := cp.GateDealSummary(); need > 0 {
		sc := dealSummaryScore(pb, h)
		g := Gate{Name: "gates.deal_summary", Label: "Deal summary complete", Passed: sc.Score >= need}
		if g.Passed {
			g.Detail = fmt.Sprintf("%d%% complete", sc.Score)
		} else {
			g.Detail = fmt.Sprintf("the deal summary is %d%% complete (%d%% needed); missing: %s", sc.Score, need, strings.Join(labels(pb, h, sc.Missing), ", "))
		}
		out = append(out, g)
	}
	return out
}

// dealSummaryScore is the completeness of the deal summary: the fields of
// the handoff type's own template and required fields, without the
// "minimum" template every handoff shares.
func dealSummaryScore(pb *playbook.Playbook, h *baton.Handoff) completeness.Result {
	ht := pb.HandoffType(h.Type)
	if ht == nil {
		return completeness.Result{Score: 100}
	}
	shared := map[string]bool{}
	for _, f := range pb.Templates["minimum"] {
		shared[f.Name] = true
	}
	var fields []playbook.Field
	for _, f := range pb.Fields(ht) {
		if !shared[f.Name] {
			fields = append(fields, f)
		}
	}
	return completeness.Score(fields, h.Context, autoOf(h))
}

// preCloseWindow says why now is outside a pre-close handoff's window, or
// "" when inside it.
func preCloseWindow(cp *playbook.CSProtocol, c *baton.CSHandoff, now time.Time) string {
	if c.ExpectedClose.IsZero() {
		return "no expected close date (expected_close)"
	}
	from := c.ExpectedClose.Add(-time.Duration(cp.PreClose.Earliest))
	to := c.ExpectedClose.Add(-time.Duration(cp.PreClose.Latest))
	switch {
	case now.Before(from):
		return fmt.Sprintf("too early: a pre-close handoff is sent from %s (%s before the expected close %s)", from.Format(time.DateOnly), cp.PreClose.Earliest, c.ExpectedClose.Format(time.DateOnly))
	case now.After(to):
		return fmt.Sprintf("too late for pre-close: the window closed %s (%s before the expected close %s); send it after signature", to.Format(time.DateOnly), cp.PreClose.Latest, c.ExpectedClose.Format(time.DateOnly))
	}
	return ""
}

// labels turns context field names into their labels.
func labels(pb *playbook.Playbook, h *baton.Handoff, names []string) []string {
	ht := pb.HandoffType(h.Type)
	out := make([]string, len(names))
	for i, n := range names {
		out[i] = n
		if ht == nil {
			continue
		}
		for _, f := range pb.Fields(ht) {
			if f.Name == n && f.Label != "" {
				out[i] = f.Label
			}
		}
	}
	return out
}

// gateFailure is the EINVALID error naming every gate that fails; nil when
// all pass.
func gateFailure(pb *playbook.Playbook, h *baton.Handoff, gs []Gate) error {
	e := &baton.Error{Code: baton.EINVALID}
	var names []string
	for _, g := range gs {
		if g.Passed {
			continue
		}
		e.Fields = append(e.Fields, baton.FieldError{Field: g.Name, Message: g.Detail})
		names = append(names, strings.ToLower(g.Label))
		if g.Name == "gates.deal_summary" {
			for _, m := range dealSummaryScore(pb, h).Missing {
				e.Fields = append(e.Fields, baton.FieldError{Field: "context." + m, Message: "is missing"})
			}
		}
	}
	if len(e.Fields) == 0 {
		return nil
	}
	e.Message = "the handoff cannot be sent to customer success: " + strings.Join(names, "; ") + " not met"
	return e
}

// csCommand runs fn on handoff id's protocol state in one transaction,
// when p may change the handoff, and writes the state back. It returns
// ENOTFOUND for an unknown handoff or one the protocol does not govern.
func (s *Service) csCommand(ctx context.Context, p baton.Principal, id string, fn func(tx baton.Tx, pb *playbook.Playbook, h *baton.Handoff, c *baton.CSHandoff, now time.Time) error) (*CSView, error) {
	var out *CSView
	err := s.store.Update(ctx, func(tx baton.Tx) error {
		h, c, err := s.csLoad(ctx, tx, p, id, actEdit)
		if err != nil {
			return err
		}
		pb, now := s.Playbook(), s.clock.Now()
		if err := fn(tx, pb, h, c, now); err != nil {
			return err
		}
		c.UpdatedAt = now
		if err := tx.PutCSHandoff(ctx, c); err != nil {
			return err
		}
		out, err = s.csView(ctx, tx, pb, h, c, now)
		return err
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

func (s *Service) csLoad(ctx context.Context, tx baton.Tx, p baton.Principal, id string, act baton.Command) (*baton.Handoff, *baton.CSHandoff, error) {
	h, err := tx.Handoff(ctx, id)
	if err != nil {
		return nil, nil, err
	}
	if err := s.mayAct(ctx, tx, p, h, act); err != nil {
		return nil, nil, err
	}
	c, err := tx.CSHandoff(ctx, id)
	if baton.ErrorCode(err) == baton.ENOTFOUND {
		return nil, nil, baton.Errorf(baton.ENOTFOUND, "handoff %s does not follow the sales → customer success protocol", id)
	}
	return h, c, err
}

func (s *Service) csView(ctx context.Context, tx baton.Tx, pb *playbook.Playbook, h *baton.Handoff, c *baton.CSHandoff, now time.Time) (*CSView, error) {
	v := &CSView{CSHandoff: c, Gates: gates(pb, h, c, now), Risks: c.Risks(), People: map[string]*UserRef{}}
	v.Sendable = c.SentAt.IsZero() && h.State.Open()
	for _, g := range v.Gates {
		v.Sendable = v.Sendable && g.Passed
	}
	r, err := s.users(ctx, tx)
	if err != nil {
		return nil, err
	}
	for _, p := range c.KT.Participants {
		if u := r.User(p.UserID); u != nil {
			v.People[p.UserID] = ref(u)
		}
	}
	for _, a := range c.KT.ActionItems {
		if u := r.User(a.Owner); u != nil {
			v.People[a.Owner] = ref(u)
		}
	}
	v.CSManager = ref(csManagerOf(pb, r.Roster, h))
	return v, nil
}

// CSHandoffFor returns a handoff's protocol view when p may see the
// handoff: ENOTFOUND for an unknown handoff or one the protocol does not
// govern, EFORBIDDEN outside p's reach.
func (s *Service) CSHandoffFor(ctx context.Context, p baton.Principal, id string) (*CSView, error) {
	var out *CSView
	err := s.store.View(ctx, func(tx baton.Tx) error {
		h, c, err := s.csLoad(ctx, tx, p, id, actSee)
		if err != nil {
			return err
		}
		out, err = s.csView(ctx, tx, s.Playbook(), h, c, s.clock.Now())
		return err
	})
	return out, err
}

// GatesInput marks the gates and the deal's progress; nil fields are left
// as they are.
type GatesInput struct {
	// ContractExecuted marks the contract fully executed (all customer
	// signers and the vendor countersignature); on a handoff started
	// before signature it is the close, and starts the timing rule's
	// clocks.
	ContractExecuted *bool `json:"contract_executed,omitempty"`
	// Payment is one of baton.PaymentStates; "" clears it.
	Payment     *string `json:"payment,omitempty"`
	PaymentNote *string `json:"payment_note,omitempty"`
	// Probability is the deal's win probability in percent; reaching the
	// playbook's hold_at places the meeting's calendar hold.
	Probability *int `json:"probability,omitempty"`
	// ExpectedClose is the expected signature date, YYYY-MM-DD.
	ExpectedClose *string `json:"expected_close,omitempty"`
}

func (in GatesInput) validate() (time.Time, error) {
	var v baton.Validation
	var close time.Time
	if in.Payment != nil && *in.Payment != "" && !slices.Contains(baton.PaymentStates, *in.Payment) {
		v.Add("payment", "must be one of %s", strings.Join(baton.PaymentStates, ", "))
	}
	if in.PaymentNote != nil && len(*in.PaymentNote) > baton.MaxShortText {
		v.Add("payment_note", "must be at most %d characters", baton.MaxShortText)
	}
	if in.Probability != nil && (*in.Probability < 0 || *in.Probability > 100) {
		v.Add("probability", "must be a percentage between 0 and 100")
	}
	if in.ExpectedClose != nil {
		d, err := time.Parse(time.DateOnly, *in.ExpectedClose)
		if err != nil {
			v.Add("expected_close", "must be a date, YYYY-MM-DD")
		}
		close = d
	}
	if in.ContractExecuted == nil && in.Payment == nil && in.PaymentNote == nil && in.Probability == nil && in.ExpectedClose == nil {
		v.Add("contract_executed", "nothing to mark: give contract_executed, payment, payment_note, probability or expected_close")
	}
	return close, v.Err()
}

// MarkGates records the contract, the payment and the deal's progress on
// a handoff the protocol governs. Bad input is EINVALID naming the field;
// ECONFLICT once the handoff was sent and for unmarking an executed
// contract.
func (s *Service) MarkGates(ctx context.Context, p baton.Principal, id string, in GatesInput) (*CSView, error) {
	expected, err := in.validate()
	if err != nil {
		return nil, err
	}
	return s.csCommand(ctx, p, id, func(tx baton.Tx, pb *playbook.Playbook, h *baton.Handoff, c *baton.CSHandoff, now time.Time) error {
		if in.ContractExecuted != nil {
			switch {
			case *in.ContractExecuted && !c.ContractExecuted:
				c.ContractExecuted, c.ContractAt = true, now
				if c.ClosedAt.IsZero() {
					if err := s.csClosed(ctx, tx, pb, h, c, now); err != nil {
						return err
					}
				}
			case !*in.ContractExecuted && c.ContractExecuted:
				return baton.Errorf(baton.ECONFLICT, "the contract was marked fully executed at %s; it cannot be unmarked", c.ContractAt.Format(time.RFC3339))
			}
		}
		if in.Payment != nil || in.PaymentNote != nil {
			if !c.SentAt.IsZero() {
				return baton.Errorf(baton.ECONFLICT, "the handoff was sent to customer success at %s; its payment gate is settled", c.SentAt.Format(time.RFC3339))
			}
			if in.Payment != nil {
				c.Payment = *in.Payment
			}
			if in.PaymentNote != nil {
				c.PaymentNote = strings.TrimSpace(*in.PaymentNote)
			}
		}
		if in.ExpectedClose != nil {
			c.ExpectedClose = expected
		}
		if in.Probability != nil {
			c.Probability = *in.Probability
			if c.Probability >= pb.CSProtocol.KT.HoldAt && c.KT.Status == baton.KTNone {
				return s.ktHold(ctx, tx, pb, h, c, now)
			}
		}
		return nil
	})
}

// ApprovePreClose records the CS manager's approval of a pre-close
// handoff. Only the owner's manager, customer success leadership or an
// admin may approve (EFORBIDDEN); a post-close handoff has nothing to
// approve (ECONFLICT).
func (s *Service) ApprovePreClose(ctx context.Context, p baton.Principal, id string) (*CSView, error) {
	return s.csCommand(ctx, p, id, func(tx baton.Tx, pb *playbook.Playbook, h *baton.Handoff, c *baton.CSHandoff, now time.Time) error {
		if c.Timing != baton.TimingPreClose {
			why := "the playbook's timing is post_close"
			if pb.CSProtocol.Timing == baton.TimingPreClose {
				why = "pre-close handoffs are for strategic accounts only"
				if c.Strategic {
					why = "it started at signature"
				}
			}
			return baton.Errorf(baton.ECONFLICT, "this handoff is post-close (%s): there is no pre-close approval to give", why)
		}
		if c.ApprovedBy != "" {
			return baton.Errorf(baton.ECONFLICT, "this pre-close handoff was approved at %s", c.ApprovedAt.Format(time.RFC3339))
		}
		r, err := s.users(ctx, tx)
		if err != nil {
			return err
		}
		m, leader := csManagerOf(pb, r.Roster, h), csLeader(pb, r.Roster, h.ToTeam)
		ok := p.Can(baton.AccessAdmin) || (p.UserID != "" && ((m != nil && p.UserID == m.ID) || (leader != nil && p.UserID == leader.ID)))
		if !ok {
			who := "the CS manager"
			if m != nil {
				who += " (" + m.Name + ")"
			}
			return baton.Errorf(baton.EFORBIDDEN, "a pre-close handoff needs the approval of %s", who)
		}
		c.ApprovedBy, c.ApprovedAt = p.UserID, now
		if c.ApprovedBy == "" {
			c.ApprovedBy = p.Actor()
		}
		return nil
	})
}

// SendToCS sends a handoff to customer success once its gates pass: the
// contract fully executed (or, for an approved pre-close handoff inside its
// window, pending), the payment received or scheduled, the deal summary
// complete. A failing gate is EINVALID naming each gate and missing field,
// and nothing is written; ECONFLICT when already sent or closed.
func (s *Service) SendToCS(ctx context.Context, p baton.Principal, id string) (*CSView, error) {
	return s.csCommand(ctx, p, id, func(tx baton.Tx, pb *playbook.Playbook, h *baton.Handoff, c *baton.CSHandoff, now time.Time) error {
		if !c.SentAt.IsZero() {
			return baton.Errorf(baton.ECONFLICT, "the handoff was sent to customer success at %s", c.SentAt.Format(time.RFC3339))
		}
		if !h.State.Open() {
			return baton.Errorf(baton.ECONFLICT, "cannot send: handoff is %s, which is final", h.State)
		}
		if err := gateFailure(pb, h, gates(pb, h, c, now)); err != nil {
			return err
		}
		c.SentAt, c.SentBy = now, p.UserID
		if c.SentBy == "" {
			c.SentBy = p.Actor()
		}
		if err := tx.CancelTimers(ctx, h.ID, baton.TimerCSNotify); err != nil {
			return err
		}
		text := "The sales team sent this handoff: its gates passed (contract, payment, deal summary)."
		if risks := c.Risks(); len(risks) > 0 {
			text += " Risks flagged: " + strings.Join(risks, "; ") + "."
		}
		if h.OwnerID == "" {
			return nil
		}
		return s.raise(ctx, tx, h, note{kind: baton.MsgCSSent, recipient: h.OwnerID, text: text, risks: c.Risks()}, now)
	})
}

// fireCSNotify escalates a handoff not sent to customer success within the
// notify window to the sender's manager.
func (s *Service) fireCSNotify(ctx context.Context, tx baton.Tx, h *baton.Handoff, c *baton.CSHandoff, now time.Time) (bool, error) {
	if !c.SentAt.IsZero() || !h.State.Open() {
		return false, nil
	}
	reason := fmt.Sprintf("not sent to customer success within %s of signature (by %s)", s.Playbook().CSProtocol.NotifyWithin, c.NotifyBy.Format(time.RFC3339))
	if err := appendEvent(ctx, tx, &baton.Event{HandoffID: h.ID, Kind: baton.EventEscalated, At: now, Actor: baton.ActorClock, OwnerID: h.OwnerID, Reason: reason}, nil); err != nil {
		return false, err
	}
	manager, err := s.managerOf(ctx, tx, h.SenderID)
	if err != nil {
		return false, err
	}
	return true, s.raise(ctx, tx, h, note{kind: baton.MsgCSLate, recipient: manager, text: "The closed-won handoff was " + reason + ".",
		reason:   fmt.Sprintf("not sent to customer success within %s of signature", notify.Span(time.Duration(s.Playbook().CSProtocol.NotifyWithin))),
		deadline: c.NotifyBy, step: "send to customer success"}, now)
}
