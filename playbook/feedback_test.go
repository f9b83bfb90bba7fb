package playbook_test

import (
	"strings"
	"testing"
	"time"

	"github.com/batonhq/baton/playbook"
)

func TestFeedbackDefaults(t *testing.T) {
	t.Parallel()
	f := playbook.Default().Feedback
	if f.Rejections.Threshold != 3 || time.Duration(f.Rejections.Window) != 30*24*time.Hour {
		t.Errorf("got rejections %+v, want more than 3 in 30d", f.Rejections)
	}
	s := f.Survey
	if !s.SurveyOn() || s.SurveyDelay() != time.Hour || time.Duration(s.Expires) != 7*24*time.Hour || s.Title == "" || s.Question == "" {
		t.Errorf("got survey %+v, want on, 1h after the meeting, expiring after 7d, with a title and a question", s)
	}
}

func TestFeedbackSettings(t *testing.T) {
	t.Parallel()
	pb, err := playbook.Parse("team.yaml", append(playbook.DefaultYAML(), []byte(`
feedback:
  rejections: {threshold: 5, window: 14d}
  survey: {enabled: false, delay: 0s, expires: 2d, title: "Quick question", question: "Was it worth your time?"}
notifications:
  handoff.rated_low: [slack]
  handoff.rejections_escalated: [email]
`)...))
	if err != nil {
		t.Fatal(err)
	}
	f := pb.Feedback
	if f.Rejections.Threshold != 5 || time.Duration(f.Rejections.Window) != 14*24*time.Hour {
		t.Errorf("got rejections %+v, want 5 in 14d", f.Rejections)
	}
	if f.Survey.SurveyOn() || f.Survey.SurveyDelay() != 0 || time.Duration(f.Survey.Expires) != 48*time.Hour || f.Survey.Title != "Quick question" {
		t.Errorf("got survey %+v, want off, at once, 2d, with its own words", f.Survey)
	}
}

func TestFeedbackRejectsBadSettings(t *testing.T) {
	t.Parallel()
	src := string(playbook.DefaultYAML()) + `
feedback:
  rejections:
    threshold: -2
    window: 2h
  survey:
    delay: 8d
    expires: 10m
    surprise: yes
`
	_, err := playbook.Parse("team.yaml", []byte(src))
	if err == nil {
		t.Fatal("got no error")
	}
	for _, want := range []string{"threshold must be between 1 and 1000", "window must be between 1d and 365d", "delay must be between 0 and 7d",
		"expires must be between 1h and 90d", "surprise"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("got %v, want a problem saying %q", err, want)
		}
	}
	line := strings.Count(src[:strings.Index(src, "threshold: -2")], "\n") + 1
	if !strings.Contains(err.Error(), "team.yaml:"+itoa(line)+":") {
		t.Errorf("got %v, want the threshold's problem at line %d", err, line)
	}
}
