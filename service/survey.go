package service

import (
	"context"
	"crypto/hmac"
	"encoding/json"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/batonhq/baton"
	mailer "github.com/batonhq/baton/email"
	"github.com/batonhq/baton/playbook"
	"github.com/batonhq/baton/prospect"
)

// The prospect's post-meeting survey.
//
// When an outcome other than a no-show is recorded for a handoff whose
// meeting was held, the prospect gets one short survey by email (the
// playbook's feedback.survey, on by default): a score from 1 to 5 and an
// optional comment about the first meeting. One survey per handoff; none
// when the contact has no address or bounced. It is written in the
// outcome's transaction — the survey row, the survey_sent event and the
// email, queued to leave feedback.survey.delay (1h) after the meeting's
// end, or at once when that has passed, moved into the prospect's sending
// window (prospect.window). The event is logged when the survey is
// queued; its data carries the link's expiry.
//
// The link is PublicURL()+"/survey/"+token, where the token is the
// survey's id, a dot and an HMAC-SHA256 of the id under a key kept in the
// settings table (made with the first survey): it cannot be guessed, and
// a changed character makes it invalid. It works until
// feedback.survey.expires (7d) after the email leaves. The prospect
// answers once: the row's answer is written only while it is unanswered,
// and a second answer is refused; the survey_answered event carries it.

const surveyKeySetting = "survey_key"

// Survey errors beyond ENOTFOUND (an unknown, malformed or tampered link).
// Both are ECONFLICT; compare with errors.Is to tell them apart.
var (
	// ErrSurveyExpired: the link is past its expiry and was not answered.
	ErrSurveyExpired = &baton.Error{Code: baton.ECONFLICT, Message: "this survey has closed"}
	// ErrSurveyAnswered: the survey was answered already.
	ErrSurveyAnswered = &baton.Error{Code: baton.ECONFLICT, Message: "this survey has been answered already"}
)

func errSurveyNotFound() error { return baton.Errorf(baton.ENOTFOUND, "this link is not valid") }

// surveyKey loads the survey links' signing key; create makes it when
// there is none (otherwise that is ENOTFOUND).
func surveyKey(ctx context.Context, tx baton.Tx, create bool) ([]byte, error) {
	b, err := tx.Setting(ctx, surveyKeySetting)
	switch {
	case err == nil:
		return b, nil
	case baton.ErrorCode(err) != baton.ENOTFOUND || !create:
		return nil, err
	}
	key := []byte(baton.RandomSecret())
	if err := tx.PutSetting(ctx, surveyKeySetting, key); err != nil {
		return nil, err
	}
	return key, nil
}

// surveyToken is the link token of survey id.
func surveyToken(key []byte, id string) string { return id + "." + sign(key, "survey:"+id) }

// sendSurvey queues the prospect's survey after an outcome, when it is due
// (see above).
func (s *Service) sendSurvey(ctx context.Context, tx baton.Tx, pb *playbook.Playbook, h *baton.Handoff, outcome string, now time.Time) error {
	conf := pb.Feedback.Survey
	if !conf.SurveyOn() || outcome == baton.OutcomeNoShow || h.MeetingID == "" {
		return nil
	}
	m, err := tx.Meeting(ctx, h.MeetingID)
	if baton.ErrorCode(err) == baton.ENOTFOUND {
		return nil
	} else if err != nil {
		return err
	}
	if m.Status != baton.MeetingHeld {
		return nil
	}
	c, err := s.prospectContact(ctx, tx, h)
	if err != nil || c == nil || c.Email == "" || !c.BouncedAt.IsZero() {
		return err
	}
	switch _, err := tx.SurveyForHandoff(ctx, h.ID); {
	case err == nil:
		return nil // one survey per handoff
	case baton.ErrorCode(err) != baton.ENOTFOUND:
		return err
	}
	loc := zoneOf(m.TimeZone)
	if m.TimeZone == "" {
		loc = zoneOf(c.TimeZone)
	}
	due := m.StartsAt.Add(time.Duration(m.Duration))
	if due.Before(now) {
		due = now
	}
	from, to := pb.ProspectWindow()
	sendAt := prospect.SurveyAt(due.Add(conf.SurveyDelay()), loc, prospect.Window{From: from, To: to})
	sv := &baton.Survey{ID: newID(), HandoffID: h.ID, MeetingID: m.ID, ContactID: c.ID, CreatedAt: now, SendAt: sendAt,
		ExpiresAt: sendAt.Add(time.Duration(conf.Expires))}
	key, err := surveyKey(ctx, tx, true)
	if err != nil {
		return err
	}
	data := prospect.SurveyData{Title: conf.Title, Question: conf.Question, When: m.StartsAt.In(loc).Format("Monday 2 January"),
		URL: s.PublicURL() + "/survey/" + surveyToken(key, sv.ID), Expires: sv.ExpiresAt.In(loc).Format("Monday 2 January 2006, 15:04 MST")}
	if f := strings.Fields(c.Name); len(f) > 0 {
		data.FirstName = f[0]
	}
	if data.OwnerName, err = s.userName(ctx, tx, h.OwnerID); err != nil {
		return err
	}
	subject, text, html, err := prospect.RenderSurvey(data)
	if err != nil {
		return fmt.Errorf("service: survey for handoff %s: %w", h.ID, err)
	}
	p := prospect.Payload{Kind: baton.MsgProspectSurvey, Audience: prospect.AudienceProspect, From: pb.Prospect.From, HandoffID: h.ID, MeetingID: m.ID,
		To: prospect.Recipient{ContactID: c.ID, Email: c.Email, Name: c.Name}, Subject: subject, Text: text, HTML: html}
	if u := pb.Prospect.Unsubscribe; u.URL != "" {
		p.Unsubscribe = &mailer.Unsubscribe{URL: u.URL + "?contact=" + c.ID, Mailto: u.Mailto}
	}
	b, err := json.Marshal(p)
	if err != nil {
		return fmt.Errorf("service: encode survey: %w", err)
	}
	if err := tx.InsertSurvey(ctx, sv); err != nil {
		return err
	}
	if err := tx.EnqueueMessage(ctx, &baton.Message{ID: newID(), HandoffID: h.ID, Kind: baton.MsgProspectSurvey, Channel: baton.ChannelEmail,
		RecipientID: c.ID, Payload: b, CreatedAt: now, NextAt: sendAt}); err != nil {
		return err
	}
	return appendEvent(ctx, tx, &baton.Event{HandoffID: h.ID, Kind: baton.EventSurveySent, At: now, Actor: baton.ActorSystem, OwnerID: h.OwnerID,
		Reason: fmt.Sprintf("post-meeting survey to %s, leaving %s; the link expires %s", c.Email,
			sendAt.Format(time.RFC3339), sv.ExpiresAt.Format(time.RFC3339))},
		baton.SurveySentData{SurveyID: sv.ID, MeetingID: m.ID, ExpiresAt: sv.ExpiresAt})
}

// SurveyPage is what the prospect's survey page shows. It carries nothing
// about the account, the owner or the team beyond the meeting's time.
type SurveyPage struct {
	Title, Question string
	// MeetingAt is the meeting's start in its own time zone.
	MeetingAt time.Time
	ExpiresAt time.Time
	// Answered reports the survey answered (now or before); Score and
	// Comment are the answer, or what was just submitted when it was
	// refused.
	Answered bool
	Score    int
	Comment  string
	// ScoreError and CommentError say what is wrong with a refused
	// submission.
	ScoreError, CommentError string
}

// openSurvey finds the survey of a link token: ENOTFOUND for an unknown,
// malformed or tampered token (the same error for each), and the survey
// otherwise, expired or not.
func (s *Service) openSurvey(ctx context.Context, tx baton.Tx, token string) (*baton.Survey, error) {
	id, mac, ok := strings.Cut(token, ".")
	if !ok || len(token) > 200 || id == "" {
		return nil, errSurveyNotFound()
	}
	key, err := surveyKey(ctx, tx, false)
	if baton.ErrorCode(err) == baton.ENOTFOUND {
		return nil, errSurveyNotFound()
	} else if err != nil {
		return nil, err
	}
	if !hmac.Equal([]byte(sign(key, "survey:"+id)), []byte(mac)) {
		return nil, errSurveyNotFound()
	}
	sv, err := tx.Survey(ctx, id)
	if baton.ErrorCode(err) == baton.ENOTFOUND {
		return nil, errSurveyNotFound()
	}
	return sv, err
}

// surveyPage builds the page of a survey.
func (s *Service) surveyPage(ctx context.Context, tx baton.Tx, sv *baton.Survey) (*SurveyPage, error) {
	conf := s.Playbook().Feedback.Survey
	out := &SurveyPage{Title: conf.Title, Question: conf.Question, ExpiresAt: sv.ExpiresAt, Answered: sv.Answered(), Score: sv.Score, Comment: sv.Comment}
	m, err := tx.Meeting(ctx, sv.MeetingID)
	switch {
	case err == nil:
		out.MeetingAt = m.StartsAt.In(zoneOf(m.TimeZone))
	case baton.ErrorCode(err) != baton.ENOTFOUND:
		return nil, err
	}
	if !out.MeetingAt.IsZero() {
		out.ExpiresAt = out.ExpiresAt.In(out.MeetingAt.Location())
	}
	return out, nil
}

// Survey returns the survey page of a link token. An answered survey shows
// its answer (however late); an unanswered one past its expiry is
// ErrSurveyExpired. It returns ENOTFOUND for an unknown, malformed or
// tampered token.
func (s *Service) Survey(ctx context.Context, token string) (*SurveyPage, error) {
	now := s.clock.Now()
	var out *SurveyPage
	err := s.store.View(ctx, func(tx baton.Tx) error {
		sv, err := s.openSurvey(ctx, tx, token)
		if err != nil {
			return err
		}
		if !sv.Answered() && sv.Expired(now) {
			return ErrSurveyExpired
		}
		out, err = s.surveyPage(ctx, tx, sv)
		return err
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// AnswerSurvey records the prospect's only answer to the survey of a link
// token: score 1 to 5 (0 when none was chosen) and an optional comment of
// at most baton.MaxFeedbackComment characters. A bad answer is EINVALID naming
// score or comment, returned with the page holding what was typed, and
// writes nothing. A good one is kept on the survey and logged on the
// handoff (survey_answered) in one transaction.
//
// It returns ENOTFOUND for an unknown, malformed or tampered token,
// ErrSurveyAnswered when the survey was answered already and
// ErrSurveyExpired when the link has expired.
func (s *Service) AnswerSurvey(ctx context.Context, token string, score int, comment string) (*SurveyPage, error) {
	now := s.clock.Now()
	comment = strings.TrimSpace(comment)
	var out *SurveyPage
	var invalid error
	err := s.store.Update(ctx, func(tx baton.Tx) error {
		out, invalid = nil, nil
		sv, err := s.openSurvey(ctx, tx, token)
		switch {
		case err != nil:
			return err
		case sv.Answered():
			return ErrSurveyAnswered
		case sv.Expired(now):
			return ErrSurveyExpired
		}
		if out, err = s.surveyPage(ctx, tx, sv); err != nil {
			return err
		}
		out.Score, out.Comment = score, comment
		var v baton.Validation
		if score < baton.MinRating || score > baton.MaxRating {
			out.ScoreError = fmt.Sprintf("choose a score from %d to %d", baton.MinRating, baton.MaxRating)
			v.Add("score", "%s", out.ScoreError)
		}
		switch {
		case utf8.RuneCountInString(comment) > baton.MaxFeedbackComment:
			out.CommentError = fmt.Sprintf("is too long: at most %d characters, you wrote %d", baton.MaxFeedbackComment, utf8.RuneCountInString(comment))
			v.Add("comment", "%s", out.CommentError)
		case !utf8.ValidString(comment):
			out.CommentError = "could not be read: please type it again"
			v.Add("comment", "%s", out.CommentError)
		}
		if invalid = v.Err(); invalid != nil {
			return nil
		}
		if err := tx.AnswerSurvey(ctx, sv.ID, score, comment, now); err != nil {
			if baton.ErrorCode(err) == baton.ECONFLICT {
				return ErrSurveyAnswered
			}
			return err
		}
		h, err := tx.Handoff(ctx, sv.HandoffID)
		if err != nil {
			return err
		}
		out.Answered = true
		reason := fmt.Sprintf("the prospect scored the meeting %d/5", score)
		if comment != "" {
			reason += ": “" + comment + "”"
		}
		return appendEvent(ctx, tx, &baton.Event{HandoffID: h.ID, Kind: baton.EventSurveyAnswered, At: now, Actor: "prospect", OwnerID: h.OwnerID, Reason: reason},
			baton.SurveyAnsweredData{SurveyID: sv.ID, Score: score, Comment: comment})
	})
	if err != nil {
		return nil, err
	}
	return out, invalid
}
