package web

import (
	"context"
	"maps"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/batonhq/baton"
	"github.com/batonhq/baton/service"
)

// The sales → customer success protocol on the API:
//
//	GET  /api/v1/handoffs/{id}/cs           the protocol: timing, gates, meeting
//	POST /api/v1/handoffs/{id}/cs/gates     {"contract_executed", "payment", "payment_note", "probability", "expected_close"}
//	POST /api/v1/handoffs/{id}/cs/approve   the CS manager approves a pre-close handoff
//	POST /api/v1/handoffs/{id}/cs/send      send to customer success (422 naming each failing gate)
//	POST /api/v1/handoffs/{id}/kt/schedule  {"starts_at", "minutes"}
//	POST /api/v1/handoffs/{id}/kt/accept    (or decline) the caller's invitation
//	POST /api/v1/handoffs/{id}/kt/record    {"attended", "covered", "cs_questions_answered", "introduction_agreed", "notes_url", "action_items"}
//
// Each answers {"cs": …} with the protocol as it stands.

// getCS returns a handoff's protocol.
func (s *Server) getCS(w http.ResponseWriter, r *http.Request, p baton.Principal) error {
	v, err := s.svc.CSHandoffFor(r.Context(), p, r.PathValue("id"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]any{"cs": v})
	return nil
}

// postCS runs one protocol action: POST /api/v1/handoffs/{id}/cs/{action}
// and /api/v1/handoffs/{id}/kt/{action}.
func (s *Server) postCS(w http.ResponseWriter, r *http.Request, p baton.Principal) error {
	ctx, id := r.Context(), r.PathValue("id")
	var v *service.CSView
	var err error
	switch action := ktGroup(r, id) + "/" + r.PathValue("action"); action {
	case "cs/gates":
		var in service.GatesInput
		if err := decode(w, r, s.MaxBody, &in); err != nil {
			return err
		}
		v, err = s.svc.MarkGates(ctx, p, id, in)
	case "cs/approve":
		v, err = s.svc.ApprovePreClose(ctx, p, id)
	case "cs/send":
		v, err = s.svc.SendToCS(ctx, p, id)
	case "kt/schedule":
		var in service.KTScheduleInput
		if err := decode(w, r, s.MaxBody, &in); err != nil {
			return err
		}
		v, err = s.svc.ScheduleKT(ctx, p, id, in)
	case "kt/accept", "kt/decline":
		v, err = s.svc.RespondKT(ctx, p, id, action == "kt/accept")
	case "kt/record":
		var in service.KTRecordInput
		if err := decode(w, r, s.MaxBody, &in); err != nil {
			return err
		}
		v, err = s.svc.RecordKT(ctx, p, id, in)
	default:
		return baton.Errorf(baton.ENOTFOUND, "no such endpoint: %s %s", r.Method, r.URL.Path)
	}
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]any{"cs": v})
	return nil
}

// ktFlashes are the protocol forms' flash messages, added to flashes once
// at start-up.
var ktFlashes = map[string]string{
	"cs_send":     "Sent to customer success: every gate passed.",
	"cs_approve":  "Pre-close handoff approved.",
	"cs_contract": "Contract marked fully executed.",
	"cs_payment":  "Payment recorded.",
	"kt_schedule": "Knowledge-transfer meeting confirmed; everyone is invited.",
	"kt_accept":   "You accepted the knowledge-transfer meeting.",
	"kt_decline":  "You declined the knowledge-transfer meeting.",
	"kt_record":   "Knowledge-transfer meeting recorded.",
}

func init() { maps.Copy(flashes, ktFlashes) }

// ktSection is the handoff page's sales → customer success section.
type ktSection struct {
	CS *service.CSView
	// People are the meeting's participants as shown.
	People  []ktPerson
	Actions []ktAction
	// Mine is the viewer's invitation response; "" when not invited.
	Mine string
	// Covered marks the agenda items covered, once recorded.
	Covered map[string]bool
	// Choices are the people an action item may be assigned to.
	Choices []option
	// Payments are the payment states; Minutes the meeting's length;
	// StartsLocal its start for a datetime-local input in the viewer's
	// zone.
	Payments    []string
	Minutes     int
	StartsLocal string
}

type ktPerson struct {
	ID, Name, Role, Response string
	Required, Attended       bool
	Escalated                time.Time
}

type ktAction struct {
	What, Owner string
	Due         time.Time
}

// ktSectionFor builds the section for v, nil when the protocol does not
// govern the handoff.
func (s *Server) ktSectionFor(ctx context.Context, p baton.Principal, v *service.HandoffView, loc *time.Location) (*ktSection, error) {
	cs, err := s.svc.CSHandoffFor(ctx, p, v.ID)
	if baton.ErrorCode(err) == baton.ENOTFOUND {
		return nil, nil
	} else if err != nil {
		return nil, err
	}
	k := &ktSection{CS: cs, Covered: map[string]bool{}, Payments: baton.PaymentStates, Minutes: int(cs.KT.Duration.Minutes())}
	if !cs.KT.StartsAt.IsZero() {
		k.StartsLocal = cs.KT.StartsAt.In(loc).Format("2006-01-02T15:04")
	}
	name := func(id string) string {
		if u := cs.People[id]; u != nil {
			return u.Name
		}
		return id
	}
	for _, pp := range cs.KT.Participants {
		k.People = append(k.People, ktPerson{ID: pp.UserID, Name: name(pp.UserID), Role: ktRoleLabel(pp.Role), Response: pp.Response,
			Required: pp.Required, Attended: slices.Contains(cs.KT.Attended, pp.UserID), Escalated: pp.EscalatedAt})
		k.Choices = append(k.Choices, option{Value: pp.UserID, Label: name(pp.UserID)})
		if pp.UserID == p.UserID {
			k.Mine = pp.Response
		}
	}
	for _, a := range cs.KT.ActionItems {
		k.Actions = append(k.Actions, ktAction{What: a.What, Owner: name(a.Owner), Due: a.Due})
	}
	for _, c := range cs.KT.Covered {
		k.Covered[c] = true
	}
	return k, nil
}

// postKTForm runs a protocol action from the handoff page:
// POST /handoffs/{id}/cs/{action} (send, approve, contract, payment) and
// POST /handoffs/{id}/kt/{action} (schedule, accept, decline, record).
func (s *Server) postKTForm(w http.ResponseWriter, r *http.Request, p baton.Principal) {
	ctx, id, action := r.Context(), r.PathValue("id"), r.PathValue("action")
	group := ktGroup(r, id)
	if err := s.readForm(w, r); err != nil {
		s.actionFailed(w, r, p, id, "kt", err)
		return
	}
	f := r.PostForm
	var err error
	switch group + "/" + action {
	case "cs/send":
		_, err = s.svc.SendToCS(ctx, p, id)
	case "cs/approve":
		_, err = s.svc.ApprovePreClose(ctx, p, id)
	case "cs/contract":
		yes := true
		_, err = s.svc.MarkGates(ctx, p, id, service.GatesInput{ContractExecuted: &yes})
	case "cs/payment":
		pay, note := f.Get("payment"), strings.TrimSpace(f.Get("payment_note"))
		_, err = s.svc.MarkGates(ctx, p, id, service.GatesInput{Payment: &pay, PaymentNote: &note})
	case "kt/accept", "kt/decline":
		_, err = s.svc.RespondKT(ctx, p, id, action == "accept")
	case "kt/schedule":
		var in service.KTScheduleInput
		in, err = scheduleForm(f.Get("starts_at"), f.Get("duration_minutes"), newPage(p, time.Time{}, "", "").Loc)
		if err == nil {
			_, err = s.svc.ScheduleKT(ctx, p, id, in)
		}
	case "kt/record":
		in := service.KTRecordInput{Attended: f["attended"], Covered: f["covered"], CSQuestionsAnswered: f.Get("cs_questions_answered") == "yes",
			IntroductionAgreed: f.Get("introduction_agreed") == "yes", NotesURL: strings.TrimSpace(f.Get("notes_url"))}
		if what := strings.TrimSpace(f.Get("action_what")); what != "" || f.Get("action_due") != "" {
			in.ActionItems = []service.KTActionInput{{What: what, Owner: f.Get("action_owner"), Due: f.Get("action_due")}}
		}
		_, err = s.svc.RecordKT(ctx, p, id, in)
	default:
		s.pageError(w, r, p, baton.Errorf(baton.ENOTFOUND, "no such action: %s", action))
		return
	}
	if err != nil {
		s.actionFailed(w, r, p, id, "kt", err)
		return
	}
	s.redirectWithFlash(w, r, "/handoffs/"+id+"#kt", group+"_"+action)
}

// ktGroup says whether r is a cs/ or a kt/ action of handoff id.
func ktGroup(r *http.Request, id string) string {
	if strings.Contains(r.URL.Path, "/"+id+"/kt/") {
		return "kt"
	}
	return "cs"
}

// scheduleForm reads the schedule form: a local date and time in the
// viewer's zone, and minutes (blank for the playbook's).
func scheduleForm(startsAt, minutes string, loc *time.Location) (service.KTScheduleInput, error) {
	var in service.KTScheduleInput
	var v baton.Validation
	t, err := time.ParseInLocation("2006-01-02T15:04", strings.TrimSpace(startsAt), loc)
	if err != nil {
		v.Add("starts_at", "must be a date and time")
	}
	in.StartsAt = t.UTC()
	if m := strings.TrimSpace(minutes); m != "" {
		n, err := strconv.Atoi(m)
		if err != nil {
			v.Add("duration_minutes", "must be a whole number of minutes")
		}
		in.Minutes = n
	}
	return in, v.Err()
}

// ktRoleLabel names a knowledge-transfer participant's role as the team
// says it.
func ktRoleLabel(role string) string {
	switch role {
	case baton.KTRoleAE:
		return "AE"
	case baton.KTRoleCSM:
		return "CSM"
	case baton.KTRoleCSManager:
		return "CS manager"
	case baton.KTRoleSE:
		return "Sales engineer"
	case baton.KTRoleImplementation:
		return "Implementation specialist"
	case baton.KTRolePOC:
		return "POC team"
	}
	return humanize(role)
}
