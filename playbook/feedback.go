package playbook

import (
	"time"

	"github.com/batonhq/baton"
)

// Feedback is the playbook's feedback: key: when repeated rejections of a
// sender's handoffs reach their manager, and the survey a prospect gets
// after the first meeting. Every field has a default; the key may be left
// out.
//
//	feedback:
//	  rejections:
//	    threshold: 3   # more than 3 rejections ...
//	    window: 30d    # ... within 30 days escalate to the sender's manager
//	  survey:
//	    enabled: true
//	    delay: 1h      # after the meeting ends
//	    expires: 7d    # after it is sent
//	    title: "How was your call?"
//	    question: "How useful was your first call with us?"
type Feedback struct {
	Rejections FeedbackRejections `yaml:"rejections"`
	Survey     FeedbackSurvey     `yaml:"survey"`
}

// FeedbackRejections is when repeated rejections escalate. The rejection
// that takes a sender's count of rejections by receivers (not the
// completeness gate's) within Window above Threshold alerts the sender's
// manager, naming the handoffs; further rejections alert again only after
// the count has fallen back to Threshold or below as the window slides.
type FeedbackRejections struct {
	// Threshold is how many rejections within Window a sender may have
	// before the next one escalates (default 3, at most 1000).
	Threshold int `yaml:"threshold"`
	// Window is the sliding window rejections are counted in (default
	// 30d, between 1d and 365d).
	Window baton.Duration `yaml:"window"`
}

// FeedbackSurvey is the post-meeting survey: one score from 1 to 5 and an
// optional comment, sent by email to the prospect once the first meeting
// of a handoff is over and answered once through a signed link.
type FeedbackSurvey struct {
	// Enabled sends the survey (default true).
	Enabled *bool `yaml:"enabled"`
	// Delay is how long after the meeting's end the survey goes (default
	// 1h, at most 7d; 0 sends it when the outcome is recorded). It then
	// waits for the prospect's sending window (prospect.window).
	Delay *baton.Duration `yaml:"delay"`
	// Expires is how long the link works after the survey is sent
	// (default 7d, between 1h and 90d).
	Expires baton.Duration `yaml:"expires"`
	// Title heads the survey page and the email (default "How was your
	// call?").
	Title string `yaml:"title"`
	// Question asks for the score (default "How useful was your first
	// call with us?").
	Question string `yaml:"question"`
}

// Defaults of the feedback key.
const (
	DefaultRejectionThreshold = 3
	DefaultRejectionWindow    = baton.Duration(30 * 24 * time.Hour)
	DefaultSurveyDelay        = baton.Duration(time.Hour)
	DefaultSurveyExpires      = baton.Duration(7 * 24 * time.Hour)
	DefaultSurveyTitle        = "How was your call?"
	DefaultSurveyQuestion     = "How useful was your first call with us?"
)

// SurveyOn reports whether prospects get the post-meeting survey.
func (f *FeedbackSurvey) SurveyOn() bool { return f.Enabled == nil || *f.Enabled }

// SurveyDelay returns how long after a meeting's end its survey goes.
func (f *FeedbackSurvey) SurveyDelay() time.Duration {
	if f.Delay == nil {
		return time.Duration(DefaultSurveyDelay)
	}
	return time.Duration(*f.Delay)
}

// validateFeedback fills the feedback key's defaults and checks it.
func (pb *Playbook) validateFeedback(v *validator) {
	r := &pb.Feedback.Rejections
	switch {
	case r.Threshold == 0:
		r.Threshold = DefaultRejectionThreshold
	case r.Threshold < 0 || r.Threshold > 1000:
		v.add("feedback.rejections.threshold", "threshold must be between 1 and 1000, got %d", r.Threshold)
	}
	switch {
	case r.Window == 0:
		r.Window = DefaultRejectionWindow
	case r.Window < baton.Duration(24*time.Hour) || r.Window > baton.Duration(365*24*time.Hour):
		v.add("feedback.rejections.window", "window must be between 1d and 365d, got %s", r.Window)
	}
	s := &pb.Feedback.Survey
	if s.Delay != nil && (*s.Delay < 0 || *s.Delay > baton.Duration(7*24*time.Hour)) {
		v.add("feedback.survey.delay", "delay must be between 0 and 7d, got %s", *s.Delay)
	}
	switch {
	case s.Expires == 0:
		s.Expires = DefaultSurveyExpires
	case s.Expires < baton.Duration(time.Hour) || s.Expires > baton.Duration(90*24*time.Hour):
		v.add("feedback.survey.expires", "expires must be between 1h and 90d, got %s", s.Expires)
	}
	if s.Title == "" {
		s.Title = DefaultSurveyTitle
	} else if len(s.Title) > baton.MaxShortText {
		v.add("feedback.survey.title", "title must be at most %d bytes", baton.MaxShortText)
	}
	if s.Question == "" {
		s.Question = DefaultSurveyQuestion
	} else if len(s.Question) > baton.MaxShortText {
		v.add("feedback.survey.question", "question must be at most %d bytes", baton.MaxShortText)
	}
}
