package service

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/batonhq/baton"
	"github.com/batonhq/baton/completeness"
	"github.com/batonhq/baton/playbook"
)

// The prospect intake form.
//
// When a meeting is booked with a contact, Baton creates a short form (the
// playbook's intake questions that are fields of the handoff's template, at
// most playbook.MaxIntakeQuestions) and queues an "intake.created" message
// carrying its link, PublicURL()+"/intake/"+token, for the confirmation to
// include. The token is 32 random bytes, base64url (43 characters); only its
// SHA-256 is stored. The link works until the playbook's intake.expires
// after creation or the meeting's start, whichever is first, and stops when
// the meeting is cancelled or the handoff closed. Moving a meeting later
// does not extend a link.
//
// Limits: a link takes at most IntakeMaxPosts submissions, valid or not;
// per-client rate limits are the web adapter's.

const (
	// MsgIntakeCreated is the message that carries an intake link to the
	// prospect's confirmation; its payload names the contact (recipient)
	// and the link (intake.url). The link is a credential: whoever can read
	// the outbox can open the form.
	MsgIntakeCreated = "intake.created"
	// IntakeMaxPosts caps the submissions one link accepts, valid or not,
	// so a leaked link cannot be used to write into a handoff without end.
	IntakeMaxPosts = 20
	// DefaultPublicURL is the base of links sent outside until
	// SetPublicURL is called.
	DefaultPublicURL = "http://127.0.0.1:8080"
)

// Intake errors beyond ENOTFOUND (an unknown or malformed link). Both are
// ECONFLICT; compare with errors.Is to tell them apart.
var (
	// ErrIntakeExpired: the link is past its expiry, the meeting started or
	// was cancelled, or the handoff is closed.
	ErrIntakeExpired = &baton.Error{Code: baton.ECONFLICT, Message: "this link has expired"}
	// ErrIntakeLimit: the link has taken IntakeMaxPosts submissions.
	ErrIntakeLimit = &baton.Error{Code: baton.ECONFLICT, Message: "this form has been submitted too many times"}
)

// errIntakeNotFound is the one answer for every unknown or malformed link,
// so a wrong token learns nothing.
func errIntakeNotFound() error { return baton.Errorf(baton.ENOTFOUND, "this link is not valid") }

// SetPublicURL sets the base URL of links sent outside, such as the intake
// form's ("https://baton.example.com"); a trailing slash is dropped. The
// default is DefaultPublicURL.
func (s *Service) SetPublicURL(u string) {
	u = strings.TrimRight(strings.TrimSpace(u), "/")
	s.publicURL.Store(&u)
}

// PublicURL returns the base URL of links sent outside.
func (s *Service) PublicURL() string {
	if u := s.publicURL.Load(); u != nil && *u != "" {
		return *u
	}
	return DefaultPublicURL
}

// IntakeForm is what the prospect's intake page shows: the playbook's
// framing, the meeting's time in the prospect's zone and the questions. It
// carries nothing about the account, the owner or the team.
type IntakeForm struct {
	Title string
	Intro string
	// MeetingAt is the meeting's start in its own time zone, TimeZone.
	MeetingAt time.Time
	TimeZone  string
	Questions []IntakeQuestion
	// Answered reports an accepted submission, now or earlier.
	Answered bool
	// ExpiresAt is when the link stops working.
	ExpiresAt time.Time
}

// IntakeQuestion is one question of the form and the prospect's answer.
type IntakeQuestion struct {
	// Field is the context field the answer fills, and the form field's name.
	Field    string
	Question string
	Help     string
	// Type is the field's playbook type, which picks the input.
	Type    string
	Options []string
	// Value is the answer as typed: the last accepted one, or the one just
	// submitted.
	Value string
	// Error says what is wrong with Value after a submission; empty when
	// it is fine.
	Error string
}

// intakeQuestions returns the playbook's intake questions that are fields of
// ht's template, at most playbook.MaxIntakeQuestions.
func intakeQuestions(pb *playbook.Playbook, ht *playbook.HandoffType) []IntakeQuestion {
	if ht == nil {
		return nil
	}
	fields := pb.Fields(ht)
	var out []IntakeQuestion
	for _, q := range pb.Intake.Questions {
		f, ok := completeness.Field(fields, q.Field)
		if !ok || f.Type == playbook.FieldTable { // a table is not one answer
			continue
		}
		out = append(out, IntakeQuestion{Field: f.Name, Question: q.Question, Help: q.Help, Type: f.Type, Options: f.Options})
		if len(out) == playbook.MaxIntakeQuestions {
			break
		}
	}
	return out
}

// newIntakeToken returns a fresh link token: 32 random bytes, base64url
// without padding.
func newIntakeToken() string {
	b := make([]byte, 32)
	rand.Read(b) // never fails (crypto/rand documents it)
	return base64.RawURLEncoding.EncodeToString(b)
}

// intakeHash returns the stored form of a link token, and false when the
// token cannot be one Baton made (so no lookup is spent on it).
func intakeHash(token string) (string, bool) {
	if len(token) != 43 {
		return "", false
	}
	if b, err := base64.RawURLEncoding.Strict().DecodeString(token); err != nil || len(b) != 32 {
		return "", false
	}
	return baton.HashToken(token), true
}

// createIntake creates the intake form of a meeting just booked with a
// contact, queues the message carrying its link and logs it on the handoff.
// It does nothing when there is no meeting or contact, when no intake
// question fits the handoff's template, or when the meeting has started.
// It returns the form's link ("" when none was created).
func (s *Service) createIntake(ctx context.Context, tx baton.Tx, pb *playbook.Playbook, h *baton.Handoff, m *baton.Meeting, c *baton.Contact, now time.Time) (string, error) {
	if m == nil || c == nil || len(pb.Intake.Questions) == 0 {
		return "", nil
	}
	qs := intakeQuestions(pb, pb.HandoffType(h.Type))
	if len(qs) == 0 {
		return "", nil
	}
	expires := now.Add(time.Duration(pb.Intake.Expires))
	if m.StartsAt.Before(expires) {
		expires = m.StartsAt
	}
	if !expires.After(now) {
		return "", nil
	}
	token := newIntakeToken()
	link := s.PublicURL() + "/intake/" + token
	in := &baton.Intake{ID: newID(), HandoffID: h.ID, MeetingID: m.ID, TokenHash: baton.HashToken(token), CreatedAt: now, ExpiresAt: expires}
	if err := tx.InsertIntake(ctx, in); err != nil {
		return "", err
	}
	fields := make([]string, len(qs))
	for i, q := range qs {
		fields[i] = q.Field
	}
	b, err := json.Marshal(map[string]any{
		"kind": MsgIntakeCreated, "at": now, "text": pb.Intake.Title,
		"handoff":   map[string]any{"id": h.ID, "type": h.Type},
		"meeting":   map[string]any{"id": m.ID, "starts_at": m.StartsAt, "timezone": m.TimeZone},
		"recipient": map[string]string{"contact_id": c.ID, "email": c.Email, "name": c.Name},
		"intake":    map[string]any{"id": in.ID, "url": link, "expires_at": expires, "questions": len(qs)},
	})
	if err != nil {
		return "", fmt.Errorf("service: encode intake message: %w", err)
	}
	if err := tx.EnqueueMessage(ctx, &baton.Message{ID: newID(), HandoffID: h.ID, Kind: MsgIntakeCreated, Channel: baton.ChannelWebhook,
		RecipientID: c.ID, Payload: b, CreatedAt: now}); err != nil {
		return "", err
	}
	return link, appendEvent(ctx, tx, &baton.Event{HandoffID: h.ID, Kind: baton.EventIntakeSent, At: now, Actor: baton.ActorSystem, OwnerID: h.OwnerID,
		Reason: fmt.Sprintf("intake form (%s) sent to %s; the link expires %s", plural(len(qs), "question"), c.Email, expires.Format(time.RFC3339))},
		baton.IntakeSentData{IntakeID: in.ID, MeetingID: m.ID, ExpiresAt: expires, Fields: fields})
}

// intakeState is an intake form with what answering it needs.
type intakeState struct {
	in *baton.Intake
	h  *baton.Handoff
	ht *playbook.HandoffType
	m  *baton.Meeting
}

// openIntake finds the form of a link token: ENOTFOUND for an unknown or
// malformed token, ErrIntakeExpired when it no longer works.
func (s *Service) openIntake(ctx context.Context, tx baton.Tx, pb *playbook.Playbook, token string, now time.Time) (*intakeState, error) {
	hash, ok := intakeHash(token)
	if !ok {
		return nil, errIntakeNotFound()
	}
	in, err := tx.IntakeByHash(ctx, hash)
	if baton.ErrorCode(err) == baton.ENOTFOUND {
		return nil, errIntakeNotFound()
	} else if err != nil {
		return nil, err
	}
	if in.Expired(now) {
		return nil, ErrIntakeExpired
	}
	h, err := tx.Handoff(ctx, in.HandoffID)
	if err != nil {
		return nil, err
	}
	m, err := tx.Meeting(ctx, in.MeetingID)
	if err != nil {
		return nil, err
	}
	ht := pb.HandoffType(h.Type)
	if !h.State.Open() || m.Status != baton.MeetingBooked || !now.Before(m.StartsAt) || ht == nil {
		return nil, ErrIntakeExpired
	}
	return &intakeState{in: in, h: h, ht: ht, m: m}, nil
}

// form builds the page of an open form, showing the prospect's own earlier
// answers (never the rest of the handoff's context).
func (o *intakeState) form(pb *playbook.Playbook) (*IntakeForm, error) {
	qs := intakeQuestions(pb, o.ht)
	if len(qs) == 0 {
		return nil, ErrIntakeExpired
	}
	for i := range qs {
		qs[i].Value = o.in.Answers[qs[i].Field]
	}
	loc, err := time.LoadLocation(o.m.TimeZone)
	if err != nil {
		loc = time.UTC
	}
	return &IntakeForm{Title: pb.Intake.Title, Intro: pb.Intake.Intro, MeetingAt: o.m.StartsAt.In(loc), TimeZone: loc.String(),
		Questions: qs, Answered: !o.in.AnsweredAt.IsZero(), ExpiresAt: o.in.ExpiresAt}, nil
}

// IntakeForm returns the intake page of a link token. It returns ENOTFOUND
// for an unknown or malformed token (the same error for every one) and
// ErrIntakeExpired when the link no longer works.
func (s *Service) IntakeForm(ctx context.Context, token string) (*IntakeForm, error) {
	pb, now := s.Playbook(), s.clock.Now()
	var out *IntakeForm
	err := s.store.View(ctx, func(tx baton.Tx) error {
		o, err := s.openIntake(ctx, tx, pb, token, now)
		if err != nil {
			return err
		}
		out, err = o.form(pb)
		return err
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// AnswerIntake records a submission of the intake form of a link token:
// answers maps fields to the text typed; blank answers and fields that are
// not questions of the form are ignored. Every answer is validated by its
// field's type; when one is wrong nothing is written but the submission
// count, and the error is EINVALID naming each field, returned together
// with the form holding the typed values and each field's error. Otherwise
// the answers go into the handoff's context, the form is marked answered
// and the handoff's log says which fields the prospect filled, all in one
// transaction; answering again updates them.
//
// It returns ENOTFOUND for an unknown or malformed token, ErrIntakeExpired
// when the link no longer works and ErrIntakeLimit after IntakeMaxPosts
// submissions.
func (s *Service) AnswerIntake(ctx context.Context, token string, answers map[string]string) (*IntakeForm, error) {
	pb, now := s.Playbook(), s.clock.Now()
	var out *IntakeForm
	var invalid error
	err := s.store.Update(ctx, func(tx baton.Tx) error {
		out, invalid = nil, nil
		o, err := s.openIntake(ctx, tx, pb, token, now)
		if err != nil {
			return err
		}
		if o.in.Posts >= IntakeMaxPosts {
			return ErrIntakeLimit
		}
		o.in.Posts++
		form, err := o.form(pb)
		if err != nil {
			return err
		}
		var v baton.Validation
		tmpl := pb.Fields(o.ht)
		fields := map[string]any{}
		for i := range form.Questions {
			q := &form.Questions[i]
			q.Value = answers[q.Field]
			typed := strings.TrimSpace(q.Value)
			if typed == "" {
				q.Value = o.in.Answers[q.Field] // blank leaves an earlier answer
				continue
			}
			f, _ := completeness.Field(tmpl, q.Field)
			if _, err := completeness.Normalize(f, typed); err != nil {
				q.Error = intakeError(f, err)
				v.Add(q.Field, "%s", q.Error)
				continue
			}
			fields[q.Field] = typed
		}
		out = form
		if invalid = v.Err(); invalid != nil {
			return tx.UpdateIntake(ctx, o.in) // the submission still counts
		}
		if len(fields) > 0 {
			if err := s.answerIntake(ctx, tx, pb, o, fields, now); err != nil {
				return err
			}
			form.Answered = true
		}
		return tx.UpdateIntake(ctx, o.in)
	})
	if err != nil {
		return nil, err
	}
	return out, invalid
}

// answerIntake writes validated answers into the handoff's context and
// logs them.
func (s *Service) answerIntake(ctx context.Context, tx baton.Tx, pb *playbook.Playbook, o *intakeState, fields map[string]any, now time.Time) error {
	h := o.h
	if err := setContext(pb, o.ht, h, fields); err != nil {
		return err
	}
	h.UpdatedAt = now
	if err := tx.UpdateHandoff(ctx, h); err != nil {
		return err
	}
	if o.in.Answers == nil {
		o.in.Answers = map[string]string{}
	}
	names := make([]string, 0, len(fields))
	for k, v := range fields {
		names = append(names, k)
		o.in.Answers[k] = v.(string)
	}
	sort.Strings(names)
	o.in.AnsweredAt = now
	sc := scoreOf(pb, h)
	return appendEvent(ctx, tx, &baton.Event{HandoffID: h.ID, Kind: baton.EventIntakeAnswered, At: now, Actor: "prospect", OwnerID: h.OwnerID,
		Reason: fmt.Sprintf("the prospect answered %s (now %d%% complete)", strings.Join(names, ", "), sc.Score)},
		baton.IntakeAnsweredData{IntakeID: o.in.ID, Fields: names, Completeness: sc.Score})
}

// intakeError says what is wrong with an answer in words for a prospect:
// Normalize's messages also describe the API's JSON forms.
func intakeError(f playbook.Field, err error) string {
	switch f.Type {
	case playbook.FieldMoneyRange:
		return `must be a range such as "$20k-$50k", or N/A`
	case playbook.FieldPerson:
		return `must be a name, optionally followed by a comma and a title`
	}
	return err.Error()
}
