package prospect

import (
	"bytes"
	"embed"
	"fmt"
	htmltemplate "html/template"
	"strconv"
	"strings"
	texttemplate "text/template"
	"time"
)

// The post-meeting survey's email: a question and the scores 1 to 5, each
// a link to the survey page with that score chosen (opening a link records
// nothing: mail scanners follow links, so only the page's button answers).

//go:embed survey/*.tmpl
var surveyFS embed.FS

// The survey's templates, parsed once when the package loads; a broken
// one fails every test of the package.
var (
	surveySubject = texttemplate.Must(texttemplate.New("survey.subject.tmpl").Option("missingkey=error").ParseFS(surveyFS, "survey/survey.subject.tmpl"))
	surveyText    = texttemplate.Must(texttemplate.New("survey.txt.tmpl").Option("missingkey=error").ParseFS(surveyFS, "survey/survey.txt.tmpl"))
	surveyHTML    = htmltemplate.Must(htmltemplate.New("survey.html.tmpl").Option("missingkey=error").ParseFS(surveyFS, "survey/survey.html.tmpl"))
)

// SurveyData is what the survey email shows. Like every prospect message
// it holds nothing internal.
type SurveyData struct {
	// FirstName greets the prospect ("there" when unknown).
	FirstName string
	// Title is the subject; Question asks for the score.
	Title, Question string
	// When is the meeting's start in the prospect's zone, OwnerName who
	// they met; either may be empty.
	When, OwnerName string
	// URL is the survey's signed link; Expires says until when it works,
	// in the prospect's zone.
	URL, Expires string
}

// SurveyScore is one score's link in the email.
type SurveyScore struct {
	Score int
	URL   string
}

// Scores are the links of the scores 1 to 5: URL with ?score=N.
func (d SurveyData) Scores() []SurveyScore {
	sep := "?"
	if strings.Contains(d.URL, "?") {
		sep = "&"
	}
	out := make([]SurveyScore, 5)
	for i := range out {
		out[i] = SurveyScore{Score: i + 1, URL: d.URL + sep + "score=" + strconv.Itoa(i+1)}
	}
	return out
}

// RenderSurvey returns the survey email's subject, text and HTML.
func RenderSurvey(d SurveyData) (subject, text, html string, err error) {
	if d.FirstName == "" {
		d.FirstName = "there"
	}
	var s, t, h bytes.Buffer
	if err := surveySubject.Execute(&s, d); err != nil {
		return "", "", "", fmt.Errorf("prospect: survey subject: %w", err)
	}
	if err := surveyText.Execute(&t, d); err != nil {
		return "", "", "", fmt.Errorf("prospect: survey text: %w", err)
	}
	if err := surveyHTML.Execute(&h, d); err != nil {
		return "", "", "", fmt.Errorf("prospect: survey html: %w", err)
	}
	return strings.Join(strings.Fields(s.String()), " "), t.String(), strings.TrimSpace(h.String()), nil
}

// SurveyAt returns when a survey due at due goes out: due itself when it
// falls inside the sending window of the prospect's local day, else the
// window's next start (the same morning, or the next one after the
// evening's end).
func SurveyAt(due time.Time, loc *time.Location, w Window) time.Time {
	if loc == nil {
		loc = time.UTC
	}
	l := due.In(loc)
	midnight := time.Date(l.Year(), l.Month(), l.Day(), 0, 0, 0, 0, loc)
	tod := l.Sub(midnight)
	switch {
	case tod >= w.From && tod <= w.To:
		return due.UTC()
	case tod < w.From:
		return at(midnight, w.From, loc).UTC()
	}
	return at(midnight.AddDate(0, 0, 1), w.From, loc).UTC()
}

// at is the wall-clock time off after a local midnight.
func at(day time.Time, off time.Duration, loc *time.Location) time.Time {
	return time.Date(day.Year(), day.Month(), day.Day(), int(off/time.Hour), int(off%time.Hour/time.Minute), 0, 0, loc)
}
