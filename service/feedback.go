package service

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/batonhq/baton"
	"github.com/batonhq/baton/playbook"
)

// Feedback on every handoff.
//
// The receiver rates the handoff they were given: 1 to 5, the context
// fields they found missing or wrong (names of the handoff type's template
// fields) and a comment, with accept (stage "accept") or with complete or
// outcome (stage "complete"), or later with Rate. Each is a rated event
// whose actor is the receiver, written in the command's transaction; a
// receiver rates each stage once. A rating of baton.LowRating or lower
// notifies the sender (baton.MsgRatedLow). Who is a receiver: whoever ran
// the stage's command (accepted; completed or recorded the outcome), and
// the handoff's current owner once the stage is reached. The sender and
// their manager read the ratings on the handoff page and in its log.
//
// A rejection by a receiver counts against the handoff's sender. The one
// that takes the sender's count within the playbook's
// feedback.rejections.window (30 days, inclusive) above its threshold (3)
// notifies the sender's manager (baton.MsgRejectionsEscalated, to the
// fallback team when the sender has no manager), naming the handoffs. The
// count only grows one rejection at a time, so this fires when it crosses
// the threshold; when old rejections slide out of the window and the count
// falls back, the next crossing fires again. The completeness gate's
// returns are not a receiver's judgement and do not count.

// RatingInput is a receiver's rating of a handoff: optional with accept,
// complete and outcome (CommandInput), required with Rate.
type RatingInput struct {
	// Rating is 1 (useless) to 5 (everything I needed); nil gives none.
	Rating *int `json:"rating,omitempty"`
	// Missing names the template fields that were missing or wrong.
	Missing []string `json:"missing,omitempty"`
	// Comment is free text, at most baton.MaxFeedbackComment characters.
	Comment string `json:"comment,omitempty"`
}

// rating returns the rating given with a command.
func (in *CommandInput) rating() *RatingInput {
	return &RatingInput{Rating: in.Rating, Missing: in.Missing, Comment: in.Comment}
}

// given reports whether any part of a rating was given.
func (in *RatingInput) given() bool {
	return in.Rating != nil || len(in.Missing) > 0 || strings.TrimSpace(in.Comment) != ""
}

// check adds what is wrong with the rating on its own to v. The names in
// Missing are checked against the handoff's template in ratingData.
func (in *RatingInput) check(v *baton.Validation) {
	switch {
	case in.Rating == nil:
		v.Add("rating", "is required with missing or comment: a whole number from %d to %d", baton.MinRating, baton.MaxRating)
	case *in.Rating < baton.MinRating || *in.Rating > baton.MaxRating:
		v.Add("rating", "must be a whole number from %d to %d, got %d", baton.MinRating, baton.MaxRating, *in.Rating)
	}
	if len(in.Missing) > 50 {
		v.Add("missing", "at most 50 fields")
	}
	for i, m := range in.Missing {
		if strings.TrimSpace(m) == "" || len(m) > baton.MaxShortText {
			v.Add(fmt.Sprintf("missing[%d]", i), "must name a context field")
		}
	}
	if n := utf8.RuneCountInString(in.Comment); n > baton.MaxFeedbackComment {
		v.Add("comment", "must be at most %d characters, got %d", baton.MaxFeedbackComment, n)
	} else if !utf8.ValidString(in.Comment) {
		v.Add("comment", "must be valid UTF-8 text")
	}
}

// checkRating is CommandInput.validate's part for the rating fields.
func (in *RatingInput) checkRating(cmd baton.Command, v *baton.Validation) {
	if !in.given() {
		return
	}
	if ratingStage(cmd) == "" {
		v.Add("rating", "only accept, complete and outcome take a rating; rate later with POST /api/v1/handoffs/{id}/rating")
		return
	}
	in.check(v)
}

// ratingStage is the stage a command rates, "" for commands that take no
// rating.
func ratingStage(cmd baton.Command) string {
	switch cmd {
	case baton.CmdAccept:
		return baton.RatingStageAccept
	case baton.CmdComplete, baton.CmdOutcome:
		return baton.RatingStageComplete
	}
	return ""
}

// actWithFeedback runs a command with what feedback adds to it: the
// rating given with it (checked before, recorded after the transition),
// the rejection threshold after a rejection and the prospect's survey
// after an outcome. An error leaves nothing written: the caller's
// transaction rolls back.
func (s *Service) actWithFeedback(ctx context.Context, tx baton.Tx, p baton.Principal, h *baton.Handoff, cmd baton.Command, in CommandInput) error {
	pb, actor := s.Playbook(), p.Actor()
	var rated *baton.RatedData
	if rating := in.rating(); rating.given() {
		events, err := tx.Events(ctx, h.ID)
		if err != nil {
			return err
		}
		d, err := ratingData(pb, h, events, actor, ratingStage(cmd), *rating)
		if err != nil {
			return err
		}
		rated = &d
	}
	if err := s.act(ctx, tx, h, actor, cmd, in); err != nil {
		return err
	}
	now := s.clock.Now()
	if rated != nil {
		if err := s.recordRating(ctx, tx, pb, h, actor, *rated, now); err != nil {
			return err
		}
	}
	switch cmd {
	case baton.CmdReject:
		return s.checkRejections(ctx, tx, pb, h, now)
	case baton.CmdOutcome:
		return s.sendSurvey(ctx, tx, pb, h, in.Outcome, now)
	}
	return nil
}

// ratingData checks a rating against the handoff (its template's fields,
// and that actor has not rated stage yet) and returns its payload.
func ratingData(pb *playbook.Playbook, h *baton.Handoff, events []*baton.Event, actor, stage string, in RatingInput) (baton.RatedData, error) {
	d := baton.RatedData{Rating: *in.Rating, Stage: stage, Comment: strings.TrimSpace(in.Comment)}
	var known []string
	if ht := pb.HandoffType(h.Type); ht != nil {
		for _, f := range pb.Fields(ht) {
			known = append(known, f.Name)
		}
	}
	var v baton.Validation
	for i, m := range in.Missing {
		m = strings.TrimSpace(m)
		switch {
		case !slices.Contains(known, m):
			v.Add(fmt.Sprintf("missing[%d]", i), "%q is not a context field of this handoff (one of %s)", m, strings.Join(known, ", "))
		case !slices.Contains(d.Missing, m):
			d.Missing = append(d.Missing, m)
		}
	}
	if err := v.Err(); err != nil {
		return d, err
	}
	slices.Sort(d.Missing)
	if prev := ratedBy(events, actor, stage); prev != nil {
		return d, baton.Errorf(baton.ECONFLICT, "you rated this handoff at %s already (%d/5 on %s); a rating is given once per stage",
			stage, prev.Rating, prev.at.Format("2 Jan 2006"))
	}
	return d, nil
}

// priorRating is a rating found in the log.
type priorRating struct {
	baton.RatedData
	at time.Time
}

// ratedBy returns actor's rating of stage in events, nil when none.
func ratedBy(events []*baton.Event, actor, stage string) *priorRating {
	for _, e := range events {
		if e.Kind != baton.EventRated || e.Actor != actor {
			continue
		}
		if d, err := baton.DecodeEventData[baton.RatedData](e); err == nil && d.Stage == stage {
			return &priorRating{RatedData: d, at: e.At}
		}
	}
	return nil
}

// recordRating logs a rating and tells the sender when it is low.
func (s *Service) recordRating(ctx context.Context, tx baton.Tx, pb *playbook.Playbook, h *baton.Handoff, actor string, d baton.RatedData, now time.Time) error {
	var detail string
	if labels := fieldLabels(pb, h, d.Missing); len(labels) > 0 {
		detail += "; missing or wrong: " + strings.Join(labels, ", ")
	}
	if d.Comment != "" {
		detail += "; “" + d.Comment + "”"
	}
	reason := fmt.Sprintf("rated %d/5 at %s%s", d.Rating, d.Stage, detail)
	if err := appendEvent(ctx, tx, &baton.Event{HandoffID: h.ID, Kind: baton.EventRated, At: now, Actor: actor, OwnerID: h.OwnerID, Reason: reason}, d); err != nil {
		return err
	}
	rater := strings.TrimPrefix(actor, baton.ActorUserPrefix)
	if d.Rating > baton.LowRating || h.SenderID == "" || rater == h.SenderID {
		return nil
	}
	name, err := s.userName(ctx, tx, rater)
	if err != nil {
		return err
	}
	if name == "" {
		name = "The receiver"
	}
	return s.notify(ctx, tx, h, baton.MsgRatedLow, h.SenderID, now,
		fmt.Sprintf("%s rated your %s handoff %d/5 at %s%s.", name, strings.ReplaceAll(h.Type, "_", " "), d.Rating, d.Stage, detail))
}

// fieldLabels names template fields by their labels, in order.
func fieldLabels(pb *playbook.Playbook, h *baton.Handoff, names []string) []string {
	var fields []playbook.Field
	if ht := pb.HandoffType(h.Type); ht != nil {
		fields = pb.Fields(ht)
	}
	out := make([]string, len(names))
	for i, n := range names {
		out[i] = n
		for _, f := range fields {
			if f.Name == n && f.Label != "" {
				out[i] = f.Label
			}
		}
	}
	return out
}

// RateInput is a rating given after the command it belongs to: its
// stage and a RatingInput's fields (spelled out, so a JSON error names
// the field as sent).
type RateInput struct {
	// Stage is "accept" or "complete"; empty rates the latest stage the
	// handoff reached.
	Stage   string   `json:"stage,omitempty"`
	Rating  *int     `json:"rating,omitempty"`
	Missing []string `json:"missing,omitempty"`
	Comment string   `json:"comment,omitempty"`
}

// rating returns the rating given.
func (in *RateInput) rating() RatingInput {
	return RatingInput{Rating: in.Rating, Missing: in.Missing, Comment: in.Comment}
}

// Rate records principal p's rating of a handoff after the fact, once per
// stage. p must be a receiver of the stage (see the package notes above).
// It returns EINVALID for a bad rating or stage, ECONFLICT when the stage
// is not reached or p rated it already, EFORBIDDEN when p may not see the
// handoff or is not its receiver, and ENOTFOUND for an unknown id.
func (s *Service) Rate(ctx context.Context, p baton.Principal, id string, in RateInput) (*baton.Event, error) {
	var v baton.Validation
	if in.Stage != "" && in.Stage != baton.RatingStageAccept && in.Stage != baton.RatingStageComplete {
		v.Add("stage", "must be %s or %s", baton.RatingStageAccept, baton.RatingStageComplete)
	}
	rating := in.rating()
	rating.check(&v)
	if err := v.Err(); err != nil {
		return nil, err
	}
	var out *baton.Event
	err := s.store.Update(ctx, func(tx baton.Tx) error {
		out = nil
		h, err := tx.Handoff(ctx, id)
		if err != nil {
			return err
		}
		if err := s.mayAct(ctx, tx, p, h, actSee); err != nil {
			return err
		}
		events, err := tx.Events(ctx, h.ID)
		if err != nil {
			return err
		}
		st := stagesOf(p, h, events)
		stage := in.Stage
		if stage == "" {
			stage = baton.RatingStageAccept
			if st.reached[baton.RatingStageComplete] {
				stage = baton.RatingStageComplete
			}
		}
		switch {
		case !st.reached[stage]:
			return baton.Errorf(baton.ECONFLICT, "cannot rate at %s: the handoff is %s and has not been %s yet", stage, h.State, pastTense(stage))
		case !st.receiver[stage]:
			return baton.Errorf(baton.EFORBIDDEN, "only a receiver rates a handoff: its owner, or whoever %s it", pastTense(stage))
		}
		pb := s.Playbook()
		d, err := ratingData(pb, h, events, p.Actor(), stage, rating)
		if err != nil {
			return err
		}
		if err := s.recordRating(ctx, tx, pb, h, p.Actor(), d, s.clock.Now()); err != nil {
			return err
		}
		evs, err := tx.Events(ctx, h.ID)
		if err != nil {
			return err
		}
		out = evs[len(evs)-1]
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

func pastTense(stage string) string {
	if stage == baton.RatingStageAccept {
		return "accepted"
	}
	return "completed"
}

// stages says, for each rating stage, whether a handoff reached it and
// whether a principal is one of its receivers.
type stages struct {
	reached, receiver map[string]bool
}

// stagesOf reads the stages from a handoff's log: accept is reached by an
// accepted event, complete by a completed or outcome event; the receivers
// are those events' actors and, once reached, the current owner.
func stagesOf(p baton.Principal, h *baton.Handoff, events []*baton.Event) stages {
	st := stages{reached: map[string]bool{}, receiver: map[string]bool{}}
	actor := p.Actor()
	for _, e := range events {
		stage := ""
		switch e.Kind {
		case baton.EventAccepted:
			stage = baton.RatingStageAccept
		case baton.EventCompleted, baton.EventOutcome:
			stage = baton.RatingStageComplete
		default:
			continue
		}
		st.reached[stage] = true
		if e.Actor == actor {
			st.receiver[stage] = true
		}
	}
	if p.UserID != "" && p.UserID == h.OwnerID {
		for stage, ok := range st.reached {
			st.receiver[stage] = ok
		}
	}
	return st
}

// Rating is one rating of a handoff as its page shows it.
type Rating struct {
	baton.RatedData
	At    time.Time
	Actor string
}

// SurveyStatus is the prospect's survey of a handoff as its page shows it.
type SurveyStatus struct {
	SentAt, ExpiresAt time.Time
	AnsweredAt        time.Time
	Score             int
	Comment           string
}

// Feedback is a handoff's feedback as its page shows it.
type Feedback struct {
	Ratings []Rating
	// Survey is nil when no survey was sent.
	Survey *SurveyStatus
	// CanRate are the stages the reader may still rate, in order.
	CanRate []string
}

// FeedbackOf reads v's feedback from its log (v must hold its events),
// with the stages p may still rate.
func FeedbackOf(p baton.Principal, v *HandoffView) *Feedback {
	f := &Feedback{}
	for _, e := range v.Events {
		switch e.Kind {
		case baton.EventRated:
			if d, err := baton.DecodeEventData[baton.RatedData](e); err == nil {
				f.Ratings = append(f.Ratings, Rating{RatedData: d, At: e.At, Actor: e.Actor})
			}
		case baton.EventSurveySent:
			if d, err := baton.DecodeEventData[baton.SurveySentData](e); err == nil {
				f.Survey = &SurveyStatus{SentAt: e.At, ExpiresAt: d.ExpiresAt}
			}
		case baton.EventSurveyAnswered:
			if d, err := baton.DecodeEventData[baton.SurveyAnsweredData](e); err == nil && f.Survey != nil {
				f.Survey.AnsweredAt, f.Survey.Score, f.Survey.Comment = e.At, d.Score, d.Comment
			}
		}
	}
	st := stagesOf(p, v.Handoff, v.Events)
	for _, stage := range []string{baton.RatingStageAccept, baton.RatingStageComplete} {
		if st.reached[stage] && st.receiver[stage] && ratedBy(v.Events, p.Actor(), stage) == nil {
			f.CanRate = append(f.CanRate, stage)
		}
	}
	return f
}

// maxListedRejections bounds the handoffs an escalation names.
const maxListedRejections = 50

// checkRejections escalates to the sender's manager when the rejection
// just logged takes the sender's count within the window above the
// threshold.
func (s *Service) checkRejections(ctx context.Context, tx baton.Tx, pb *playbook.Playbook, h *baton.Handoff, now time.Time) error {
	if h.SenderID == "" {
		return nil
	}
	rule := pb.Feedback.Rejections
	list, err := tx.Rejections(ctx, h.SenderID, now.Add(-time.Duration(rule.Window)), rule.Threshold+2)
	if err != nil {
		return err
	}
	if len(list) != rule.Threshold+1 {
		return nil // not above the threshold, or above it already
	}
	sender, err := tx.User(ctx, h.SenderID)
	if baton.ErrorCode(err) == baton.ENOTFOUND {
		return nil
	} else if err != nil {
		return err
	}
	lines := []string{fmt.Sprintf("%s's handoffs were rejected %d times in %s, more than the playbook's %d:",
		sender.Name, len(list), rule.Window, rule.Threshold)}
	if n := len(list) - maxListedRejections; n > 0 {
		lines = append(lines, fmt.Sprintf("- %d earlier ones, and the latest %d:", n, maxListedRejections))
		list = list[n:]
	}
	for _, r := range list {
		line, err := s.rejectionLine(ctx, tx, r)
		if err != nil {
			return err
		}
		lines = append(lines, line)
	}
	return s.notify(ctx, tx, h, baton.MsgRejectionsEscalated, sender.ManagerID, now, strings.Join(lines, "\n"))
}

// rejectionLine names one rejected handoff: its account, type, when, the
// gaps and its link.
func (s *Service) rejectionLine(ctx context.Context, tx baton.Tx, r baton.Rejection) (string, error) {
	h, err := tx.Handoff(ctx, r.HandoffID)
	if err != nil {
		return "", err
	}
	name := "no account"
	if h.AccountID != "" {
		a, err := tx.Account(ctx, h.AccountID)
		switch {
		case err == nil:
			name = a.Name
		case baton.ErrorCode(err) != baton.ENOTFOUND:
			return "", err
		}
	}
	line := fmt.Sprintf("- %s · %s, rejected %s UTC", name, strings.ReplaceAll(h.Type, "_", " "), r.At.UTC().Format("Mon 2 Jan 15:04"))
	if len(r.Gaps) > 0 {
		line += " (" + strings.Join(r.Gaps, "; ") + ")"
	}
	return line + ": " + s.PublicURL() + "/handoffs/" + h.ID, nil
}
