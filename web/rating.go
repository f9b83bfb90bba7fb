package web

import (
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/batonhq/baton"
	"github.com/batonhq/baton/service"
)

// Ratings of a handoff on its page and through the API.
//
// The accept, complete and outcome forms carry an optional rating (radio
// buttons 1 to 5 with "no rating" first, the template's fields as
// checkboxes, a comment) folded in a details element, so the page works
// without JavaScript and stays short on a phone. The feedback section lists
// the ratings and the prospect's survey for everyone who may see the
// handoff (the sender and their manager among them) and offers a receiver
// the stages they may still rate: POST /handoffs/{id}/rating. The API takes
// the same fields as JSON: rating, missing and comment on the accept,
// complete and outcome commands, and POST /api/v1/handoffs/{id}/rating
// with an optional stage.

// postRating records a rating after the fact: POST
// /api/v1/handoffs/{id}/rating with {"stage", "rating", "missing",
// "comment"}. It answers 201 with the rating.
func (s *Server) postRating(w http.ResponseWriter, r *http.Request, p baton.Principal) error {
	var in service.RateInput
	if err := decode(w, r, s.MaxBody, &in); err != nil {
		return err
	}
	ev, err := s.svc.Rate(r.Context(), p, r.PathValue("id"), in)
	if err != nil {
		return err
	}
	d, err := baton.DecodeEventData[baton.RatedData](ev)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, map[string]any{"rating": service.Rating{RatedData: d, At: ev.At, Actor: ev.Actor}})
	return nil
}

// postRatingForm records a rating from the handoff page: POST
// /handoffs/{id}/rating.
func (s *Server) postRatingForm(w http.ResponseWriter, r *http.Request, p baton.Principal) {
	id := r.PathValue("id")
	if err := s.readForm(w, r); err != nil {
		s.actionFailed(w, r, p, id, "rating", err)
		return
	}
	in, err := ratingFromForm(r.PostForm)
	if err == nil {
		_, err = s.svc.Rate(r.Context(), p, id, service.RateInput{Stage: r.PostForm.Get("stage"), Rating: in.Rating, Missing: in.Missing, Comment: in.Comment})
	}
	if err != nil {
		s.actionFailed(w, r, p, id, "rating", err)
		return
	}
	s.redirectWithFlash(w, r, "/handoffs/"+id+"#feedback", "rating")
}

// ratingFromForm reads the rating fields of a form: rating ("" for none),
// missing (checked field names) and comment.
func ratingFromForm(f url.Values) (service.RatingInput, error) {
	var in service.RatingInput
	if v := strings.TrimSpace(f.Get("rating")); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil {
			return in, &baton.Error{Code: baton.EINVALID, Message: "invalid rating",
				Fields: []baton.FieldError{{Field: "rating", Message: fmt.Sprintf("must be a whole number from %d to %d", baton.MinRating, baton.MaxRating)}}}
		}
		in.Rating = &n
	}
	for _, m := range f["missing"] {
		if m = strings.TrimSpace(m); m != "" {
			in.Missing = append(in.Missing, m)
		}
	}
	in.Comment = strings.TrimSpace(nl(f.Get("comment")))
	return in, nil
}

// ratingLabels say what each rating means.
var ratingLabels = [...]string{1: "Useless", 2: "Poor", 3: "Usable", 4: "Good", 5: "Everything I needed"}

// ratingForm is the rating part of one form as its template draws it.
type ratingForm struct {
	// Prefix makes the form's ids unique on the page.
	Prefix string
	// Optional adds "No rating" as the first choice.
	Optional bool
	// Open unfolds an optional rating (its form failed).
	Open                              bool
	Scale                             []ratingChoice
	Fields                            []ratingField
	Comment                           string
	RatingErr, MissingErr, CommentErr string
	Max                               int
}

type ratingChoice struct {
	Value, Label string
	Checked      bool
}

type ratingField struct {
	Name, Label string
	Checked     bool
}

// RatingForm returns the rating part of form (accept, complete, outcome,
// or rating for a rating on its own), holding what was posted when that
// form failed.
func (d *handoffData) RatingForm(form string) ratingForm {
	f := ratingForm{Prefix: form + "-rating", Optional: form != "rating", Max: baton.MaxFeedbackComment}
	failed := d.Form == form
	posted := d.Val(form, "rating")
	if failed {
		f.Comment = d.Val(form, "comment")
		f.RatingErr, f.MissingErr, f.CommentErr = d.Err(form, "rating"), d.Err(form, "missing"), d.Err(form, "comment")
		f.Open = f.Optional && (posted != "" || f.Comment != "" || len(d.Posted["missing"]) > 0)
	}
	if f.Optional {
		f.Scale = append(f.Scale, ratingChoice{Value: "", Label: "No rating", Checked: posted == ""})
	}
	for n := baton.MinRating; n <= baton.MaxRating; n++ {
		v := strconv.Itoa(n)
		f.Scale = append(f.Scale, ratingChoice{Value: v, Label: v + " · " + ratingLabels[n], Checked: posted == v})
	}
	for _, c := range d.Fields {
		f.Fields = append(f.Fields, ratingField{Name: c.Name, Label: c.Label, Checked: d.Checked(form, "missing", c.Name)})
	}
	return f
}

// feedbackView is the handoff page's feedback section.
type feedbackView struct {
	Ratings []ratingRow
	// Average is the mean rating, "" without ratings.
	Average string
	Survey  *surveyRow
	// CanRate are the stages the reader may still rate.
	CanRate []option
	Form    ratingForm
}

// Show reports whether the section has anything to show.
func (f feedbackView) Show() bool { return len(f.Ratings) > 0 || f.Survey != nil || len(f.CanRate) > 0 }

type ratingRow struct {
	Rating  int
	Stage   string   // in words
	Missing []string // labels
	Comment string
	Who     string
	At      time.Time
	Low     bool
}

type surveyRow struct {
	service.SurveyStatus
	Answered, Expired bool
}

// Feedback gathers the feedback section from the handoff's log: the
// ratings with the raters' names (from the timeline, which resolved them),
// the survey and what the reader may still rate.
func (d *handoffData) Feedback() feedbackView {
	var out feedbackView
	labels := map[string]string{}
	for _, c := range d.Fields {
		labels[c.Name] = c.Label
	}
	sum := 0
	for i, e := range d.H.Events {
		if e.Kind != baton.EventRated {
			continue
		}
		r, err := baton.DecodeEventData[baton.RatedData](e)
		if err != nil {
			continue
		}
		row := ratingRow{Rating: r.Rating, Stage: stageText(r.Stage), Comment: r.Comment, Who: e.Actor, At: e.At, Low: r.Rating <= baton.LowRating}
		if i < len(d.Timeline) {
			row.Who = d.Timeline[i].Who
		}
		for _, m := range r.Missing {
			row.Missing = append(row.Missing, cmpOr(labels[m], humanize(m)))
		}
		sum += r.Rating
		out.Ratings = append(out.Ratings, row)
	}
	if n := len(out.Ratings); n > 0 {
		out.Average = fmt.Sprintf("%.1f of 5 from %d rating", float64(sum)/float64(n), n)
		if n > 1 {
			out.Average += "s"
		}
	}
	f := service.FeedbackOf(d.Me, d.H)
	if sv := f.Survey; sv != nil {
		out.Survey = &surveyRow{SurveyStatus: *sv, Answered: !sv.AnsweredAt.IsZero(), Expired: !d.Now.Before(sv.ExpiresAt)}
	}
	for _, stage := range f.CanRate {
		out.CanRate = append(out.CanRate, option{Value: stage, Label: stageText(stage)})
	}
	out.Form = d.RatingForm("rating")
	return out
}

func cmpOr(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

// stageText names a rating stage for people.
func stageText(stage string) string {
	switch stage {
	case baton.RatingStageAccept:
		return "At acceptance"
	case baton.RatingStageComplete:
		return "At completion"
	}
	return humanize(stage)
}
