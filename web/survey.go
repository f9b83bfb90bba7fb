package web

import (
	"errors"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/batonhq/baton"
	"github.com/batonhq/baton/service"
)

// The prospect's post-meeting survey, GET and POST /survey/{token}: like
// the intake form, pages served on the strength of the link alone, with the
// intake pages' headers (no-store, no-referrer, noindex) and per-client
// rate limit (Server.Intake, shared with /intake/). The page asks for a
// score from 1 to 5 and an optional comment; GET never records anything
// (?score=N from the email's one-click links only preselects N). An
// unknown, malformed or tampered link is a 404, an expired one a 410, a
// second answer a 409; an answered survey's link shows the answer.

// surveyMaxBody caps a survey answer: a score and a comment of at most
// baton.MaxFeedbackComment characters (4 bytes each), URL-encoded.
const surveyMaxBody = 16 << 10

// surveyNotices are the pages shown instead of the survey, by status.
var surveyNotices = map[int]struct{ Title, Text string }{
	http.StatusNotFound:              {"Link not valid", "This link is not valid. Please check that you copied the whole link from the email."},
	http.StatusGone:                  {"This survey has closed", "The link has expired, so the survey no longer takes answers. Thank you all the same."},
	http.StatusConflict:              {"Already answered", "This survey has been answered already: it takes one answer. Thank you!"},
	http.StatusTooManyRequests:       {"Please wait", "Too many attempts. Please wait a minute and try again."},
	http.StatusBadRequest:            {"Form not readable", "We could not read the form. Please go back and send it again."},
	http.StatusRequestEntityTooLarge: {"Comment too long", "Your comment is too long to send. Please shorten it and try again."},
	http.StatusInternalServerError:   {"Something went wrong", "Something went wrong on our side. Please try again later."},
	http.StatusServiceUnavailable:    {"Please try again", "We are busy for a moment. Please try again in a minute."},
}

func (s *Server) surveyNotice(w http.ResponseWriter, r *http.Request, status int) {
	s.render(w, r, status, "intake_gone.html", surveyNotices[status])
}

// surveyError shows the notice for a service error; only unexpected
// errors are logged, without the token.
func (s *Server) surveyError(w http.ResponseWriter, r *http.Request, err error) {
	switch {
	case baton.ErrorCode(err) == baton.ENOTFOUND:
		s.surveyNotice(w, r, http.StatusNotFound)
	case errors.Is(err, service.ErrSurveyExpired):
		s.surveyNotice(w, r, http.StatusGone)
	case errors.Is(err, service.ErrSurveyAnswered):
		s.surveyNotice(w, r, http.StatusConflict)
	case s.clientGone(w, r, err):
	case baton.ErrorCode(err) == baton.EUNAVAILABLE:
		s.log.Warn("survey unavailable", "request_id", requestIDOf(r), "method", r.Method, "err", err)
		w.Header().Set("Retry-After", retryAfter)
		s.surveyNotice(w, r, http.StatusServiceUnavailable)
	default:
		s.log.Error("survey", "request_id", requestIDOf(r), "method", r.Method, "err", err)
		s.surveyNotice(w, r, http.StatusInternalServerError)
	}
}

func (s *Server) surveyPage(w http.ResponseWriter, r *http.Request) {
	page, err := s.svc.Survey(r.Context(), r.PathValue("token"))
	if err != nil {
		s.surveyError(w, r, err)
		return
	}
	if page.Answered {
		s.render(w, r, http.StatusOK, "survey_done.html", newSurveyView(page))
		return
	}
	if n, err := strconv.Atoi(r.URL.Query().Get("score")); err == nil && n >= baton.MinRating && n <= baton.MaxRating {
		page.Score = n
	}
	s.render(w, r, http.StatusOK, "survey.html", newSurveyView(page))
}

func (s *Server) postSurvey(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, surveyMaxBody)
	if err := r.ParseForm(); err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			s.surveyNotice(w, r, http.StatusRequestEntityTooLarge)
		} else {
			s.surveyNotice(w, r, http.StatusBadRequest)
		}
		return
	}
	score, _ := strconv.Atoi(strings.TrimSpace(r.PostForm.Get("score"))) // not a number: 0, refused by the service
	page, err := s.svc.AnswerSurvey(r.Context(), r.PathValue("token"), score, nl(r.PostForm.Get("comment")))
	switch {
	case baton.ErrorCode(err) == baton.EINVALID && page != nil:
		s.render(w, r, http.StatusUnprocessableEntity, "survey.html", newSurveyView(page))
	case err != nil:
		s.surveyError(w, r, err)
	default:
		s.render(w, r, http.StatusOK, "survey_done.html", newSurveyView(page))
	}
}

// surveyView is the survey page's data.
type surveyView struct {
	Title, Question string
	MeetingAt       string // "Monday 30 November 2026 at 10:00 EST"; "" when unknown
	MeetingISO      string
	ExpiresAt       string
	Scale           []ratingChoice
	Score           int
	Comment         string
	Max             int
	// Errors are the problems of a refused answer, for the summary.
	Errors                   []surveyProblem
	ScoreError, CommentError string
}

type surveyProblem struct{ ID, Text string }

var surveyLabels = [...]string{1: "Not useful", 2: "Slightly useful", 3: "Useful", 4: "Very useful", 5: "Extremely useful"}

func newSurveyView(p *service.SurveyPage) surveyView {
	v := surveyView{Title: p.Title, Question: p.Question, Score: p.Score, Comment: p.Comment, Max: baton.MaxFeedbackComment,
		ExpiresAt: p.ExpiresAt.Format(meetingLayout)}
	if !p.MeetingAt.IsZero() {
		v.MeetingAt, v.MeetingISO = p.MeetingAt.Format(meetingLayout), p.MeetingAt.Format(time.RFC3339)
	}
	for n := baton.MinRating; n <= baton.MaxRating; n++ {
		v.Scale = append(v.Scale, ratingChoice{Value: strconv.Itoa(n), Label: surveyLabels[n], Checked: p.Score == n})
	}
	if p.ScoreError != "" {
		v.ScoreError = sentence(p.ScoreError)
		v.Errors = append(v.Errors, surveyProblem{ID: "score-1", Text: v.ScoreError})
	}
	if p.CommentError != "" {
		v.CommentError = "Your comment " + p.CommentError + "."
		v.Errors = append(v.Errors, surveyProblem{ID: "comment", Text: v.CommentError})
	}
	return v
}
