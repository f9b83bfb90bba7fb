package playbook_test

import (
	"strings"
	"testing"
	"time"

	"github.com/batonhq/baton/playbook"
)

func TestProspectDefaults(t *testing.T) {
	t.Parallel()
	pb := playbook.Default()
	from, to := pb.ProspectWindow()
	if len(pb.Prospect.Reminders) != 2 || pb.Prospect.DailyCap != 100 || from != 8*time.Hour || to != 20*time.Hour {
		t.Errorf("got reminders %v cap %d window %v-%v, want [24h 1h] 100 8h-20h", pb.Prospect.Reminders, pb.Prospect.DailyCap, from, to)
	}
	for _, name := range playbook.ProspectTemplateNames {
		if pb.ProspectTemplate(name) == nil {
			t.Errorf("no default template %s", name)
		}
	}
}

func TestProspectTemplateErrorsHaveFileAndLine(t *testing.T) {
	t.Parallel()
	src := string(playbook.DefaultYAML()) + `
prospect:
  window: "08:00-20:00"
  templates:
    reminder:
      subject: "Reminder {{.When}}"
      text: |
        Hi {{.FirstName}},
        see you {{.Budget}}
`
	_, err := playbook.Parse("team.yaml", []byte(src))
	if err == nil {
		t.Fatal("got no error for a template reading a field that does not exist")
	}
	line := strings.Count(src[:strings.Index(src, "see you")], "\n") + 1
	want := "team.yaml:" + itoa(line) + ":"
	if !strings.Contains(err.Error(), want) || !strings.Contains(err.Error(), "Budget") {
		t.Errorf("got %q, want it at %s naming Budget", err, want)
	}
}

func TestProspectRejectsBadKeys(t *testing.T) {
	t.Parallel()
	src := string(playbook.DefaultYAML()) + `
prospect:
  window: "22:00-06:00"
  daily_cap: -1
  templates:
    welcome: {subject: hi}
`
	_, err := playbook.Parse("team.yaml", []byte(src))
	for _, want := range []string{"window", "daily_cap", `unknown prospect template "welcome"`} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("got %v, want a problem with %s", err, want)
		}
	}
}

func itoa(n int) string {
	s := ""
	for ; n > 0; n /= 10 {
		s = string(rune('0'+n%10)) + s
	}
	return s
}
