package browsertest

import (
	"errors"
	"fmt"
	"html"
	"image/png"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// site is a tiny web site exercising what the package can do.
func site(t *testing.T) *httptest.Server {
	t.Helper()
	page := func(w http.ResponseWriter, lang, body string) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		if lang != "" {
			lang = ` lang="` + lang + `"`
		}
		fmt.Fprintf(w, `<!doctype html><html%s><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1"><title>t</title>
<style>body{margin:0;font:16px sans-serif} input{box-sizing:border-box;max-width:100%%}</style></head>
<body>%s</body></html>`, lang, body)
	}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /form", func(w http.ResponseWriter, r *http.Request) {
		page(w, "en", `<h1>Who are you?</h1>
<form method="post" action="/form"><label for="name">Name</label>
<input id="name" name="name" data-kind="person"><label for="note">Note</label>
<input id="note" name="note"><button type="submit">Send</button></form>`)
	})
	mux.HandleFunc("POST /form", func(w http.ResponseWriter, r *http.Request) {
		http.SetCookie(w, &http.Cookie{Name: "who", Value: r.FormValue("name"), Path: "/"})
		http.Redirect(w, r, "/hello?"+url.Values{"note": {r.FormValue("note")}}.Encode(), http.StatusSeeOther)
	})
	mux.HandleFunc("GET /hello", func(w http.ResponseWriter, r *http.Request) {
		who := "nobody"
		if c, err := r.Cookie("who"); err == nil {
			who = c.Value
		}
		page(w, "en", `<p id="greeting">Hello, `+html.EscapeString(who)+`</p><p id="note">`+html.EscapeString(r.FormValue("note"))+`</p>`)
	})
	mux.HandleFunc("GET /wide", func(w http.ResponseWriter, r *http.Request) {
		page(w, "en", `<p>fits</p><table id="big" style="width:600px"><tr><td>too wide for a phone</td></tr></table>`)
	})
	mux.HandleFunc("GET /narrow", func(w http.ResponseWriter, r *http.Request) {
		page(w, "en", `<p>fits</p><div style="max-width:600px">shrinks to fit a phone</div><input aria-label="Search">`)
	})
	mux.HandleFunc("GET /tall", func(w http.ResponseWriter, r *http.Request) {
		page(w, "en", `<div style="height:2000px;background:#14213d">tall</div>`)
	})
	mux.HandleFunc("GET /unlabelled", func(w http.ResponseWriter, r *http.Request) {
		page(w, "", `<label for="a">A</label><input id="a"><input id="b" name="b">
<textarea aria-label="Comment"></textarea><select name="pick"><option>x</option></select>
<img src="data:image/gif;base64,R0lGODlhAQABAAAAACw=" alt=""><img id="logo" src="data:image/gif;base64,R0lGODlhAQABAAAAACw=">
<button>OK</button><button id="icon"></button><button aria-label="Close"></button><input type="submit">`)
	})
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	return srv
}

// recorder is a testing.TB that keeps the failures reported to it.
type recorder struct {
	testing.TB
	mu   sync.Mutex
	errs []string
}

func (r *recorder) Helper() {}

func (r *recorder) Errorf(format string, args ...any) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.errs = append(r.errs, fmt.Sprintf(format, args...))
}

// Skipf and Fatalf record the message and end the goroutine, as a test's
// do; call them on a goroutine of one's own.
func (r *recorder) Skipf(format string, args ...any) {
	r.Errorf("skip: "+format, args...)
	runtime.Goexit()
}

func (r *recorder) Fatalf(format string, args ...any) {
	r.Errorf("fatal: "+format, args...)
	runtime.Goexit()
}

func TestNewWithoutABrowser(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name, ci, want string
	}{
		{name: "SkipsLocally", ci: "", want: "skip: browsertest: skipped: " + errNoBrowser.Error()},
		{name: "SkipsWhenCIIsFalse", ci: "false", want: "skip: browsertest: skipped: " + errNoBrowser.Error()},
		{name: "FailsInCI", ci: "true", want: "fatal: browsertest: " + errNoBrowser.Error()},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			rec := &recorder{TB: t}
			getenv := func(k string) string {
				if k == "CI" {
					return tc.ci
				}
				return ""
			}
			done := make(chan *Browser)
			go func() {
				var b *Browser
				defer func() { done <- b }()
				b = start(rec, getenv, func(string) bool { return false })
			}()
			if b := <-done; b != nil {
				t.Fatalf("got a browser, want none")
			}
			if diff := cmp.Diff([]string{tc.want}, rec.errs); diff != "" {
				t.Errorf("reports (-want +got):\n%s", diff)
			}
		})
	}
}

func TestBrowser(t *testing.T) {
	b := New(t)
	srv := site(t)

	t.Run("SubmitsAFormAndKeepsTheCookieInItsTab", func(t *testing.T) {
		t.Parallel()
		p := b.NewPage(t, Desktop)
		if got := p.Navigate(srv.URL + "/form"); got != http.StatusOK {
			t.Fatalf("got status %d, want 200", got)
		}
		p.WaitVisible("#name")
		if got, ok := p.Attr("#name", "data-kind"); !ok || got != "person" {
			t.Errorf("got data-kind %q (%v), want person", got, ok)
		}
		p.SendKeys("#name", "Ana")
		p.SetValue("#note", "hi there")
		if got := p.Submit("#name"); got != http.StatusOK {
			t.Errorf("got status %d after submit, want 200", got)
		}
		if got, want := p.Location(), srv.URL+"/hello?note=hi+there"; got != want {
			t.Errorf("got location %q, want %q", got, want)
		}
		if got := p.Text("#greeting"); got != "Hello, Ana" {
			t.Errorf("got greeting %q, want Hello, Ana", got)
		}
		p.Navigate(srv.URL + "/hello")
		if got := p.Text("#greeting"); got != "Hello, Ana" {
			t.Errorf("on a later visit got %q, want Hello, Ana (cookie kept)", got)
		}
		other := b.NewPage(t, Desktop)
		other.Navigate(srv.URL + "/hello")
		if got := other.Text("#greeting"); got != "Hello, nobody" {
			t.Errorf("another tab got %q, want Hello, nobody (cookies not shared)", got)
		}
	})

	t.Run("SetCookieIsSentOnTheFirstVisit", func(t *testing.T) {
		t.Parallel()
		p := b.NewPage(t, Desktop)
		p.SetCookie(srv.URL, "who", "Cy")
		p.Navigate(srv.URL + "/hello")
		if got := p.Text("#greeting"); got != "Hello, Cy" {
			t.Errorf("got %q, want Hello, Cy (the cookie set before any visit was sent)", got)
		}
		other := b.NewPage(t, Desktop)
		other.Navigate(srv.URL + "/hello")
		if got := other.Text("#greeting"); got != "Hello, nobody" {
			t.Errorf("another tab got %q, want Hello, nobody (cookies not shared)", got)
		}
	})

	t.Run("ClickNavigateFollowsTheButton", func(t *testing.T) {
		t.Parallel()
		p := b.NewPage(t, Phone)
		p.Navigate(srv.URL + "/form")
		p.SendKeys("#name", "Bo")
		if got := p.ClickNavigate("button[type=submit]"); got != http.StatusOK {
			t.Errorf("got status %d, want 200", got)
		}
		if got := p.Text("#greeting"); got != "Hello, Bo" {
			t.Errorf("got %q, want Hello, Bo", got)
		}
	})

	t.Run("NoHorizontalScrollReportsAPageWiderThanAPhone", func(t *testing.T) {
		t.Parallel()
		p := b.NewPage(t, Phone)
		p.Navigate(srv.URL + "/wide")
		if sw, _ := p.Widths(); sw < 600 {
			t.Errorf("got scrollWidth %d, want the table's 600", sw)
		}
		rec := &recorder{TB: t}
		p.NoHorizontalScroll(rec)
		if len(rec.errs) != 1 || !strings.Contains(rec.errs[0], "table#big") {
			t.Errorf("got failures %q, want one naming table#big", rec.errs)
		}
	})

	t.Run("NoHorizontalScrollPassesAPageThatFits", func(t *testing.T) {
		t.Parallel()
		for _, v := range []Viewport{Phone, Desktop} {
			p := b.NewPage(t, v)
			p.Navigate(srv.URL + "/narrow")
			rec := &recorder{TB: t}
			p.NoHorizontalScroll(rec)
			if len(rec.errs) != 0 {
				t.Errorf("%s: got failures %q, want none", v.Name, rec.errs)
			}
			if _, iw := p.Widths(); iw != int(v.Width) {
				t.Errorf("%s: got innerWidth %d, want %d", v.Name, iw, v.Width)
			}
		}
	})

	t.Run("ScreenshotIsAFullPagePNG", func(t *testing.T) {
		t.Parallel()
		p := b.NewPage(t, Desktop)
		p.Navigate(srv.URL + "/tall")
		path := filepath.Join(t.TempDir(), "tall.png")
		p.Screenshot(path)
		f, err := os.Open(path)
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		img, err := png.Decode(f)
		if err != nil {
			t.Fatalf("decode screenshot: %v", err)
		}
		if got := img.Bounds().Size(); got.X != 1280 || got.Y < 2000 {
			t.Errorf("got a %v screenshot, want 1280 wide and the page's 2000 px tall", got)
		}
	})

	t.Run("A11yFindsMissingLabelsAltTextButtonTextAndLang", func(t *testing.T) {
		t.Parallel()
		p := b.NewPage(t, Desktop)
		p.Navigate(srv.URL + "/unlabelled")
		want := []string{
			"html has no lang attribute",
			"input#b has no label or aria-label",
			`select[name="pick"] has no label or aria-label`,
			"img#logo has no alt attribute",
			"button#icon has no text",
		}
		if diff := cmp.Diff(want, p.A11yProblems()); diff != "" {
			t.Errorf("a11y problems (-want +got):\n%s", diff)
		}
		rec := &recorder{TB: t}
		p.Accessible(rec)
		if len(rec.errs) != len(want) {
			t.Errorf("got %d failures from Accessible, want %d", len(rec.errs), len(want))
		}
	})

	t.Run("A11yPassesALabelledForm", func(t *testing.T) {
		t.Parallel()
		p := b.NewPage(t, Phone)
		p.Navigate(srv.URL + "/form")
		if got := p.A11yProblems(); len(got) != 0 {
			t.Errorf("got problems %q, want none", got)
		}
	})
}

func TestLocate(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name    string
		env     string
		present []string
		want    string
		wantErr string
	}{
		{name: "PrefersTheOverride", env: "/opt/chrome", present: []string{"/opt/chrome", "/usr/bin/chromium"}, want: "/opt/chrome"},
		{name: "RejectsAMissingOverride", env: "/opt/none", present: []string{"/usr/bin/chromium"}, wantErr: "BATON_CHROME=/opt/none is not an executable file"},
		{name: "PrefersHeadlessShell", present: []string{"/usr/bin/chromium", "/usr/bin/chromium-headless-shell"}, want: "/usr/bin/chromium-headless-shell"},
		{name: "FallsBackToChromium", present: []string{"/usr/bin/chromium-browser", "/usr/bin/chromium"}, want: "/usr/bin/chromium"},
		{name: "FallsBackToChromiumBrowser", present: []string{"/usr/bin/chromium-browser"}, want: "/usr/bin/chromium-browser"},
		{name: "ReportsNone", wantErr: errNoBrowser.Error()},
	} {
		t.Run(tc.name, func(t *testing.T) {
			getenv := func(k string) string {
				if k == EnvChrome {
					return tc.env
				}
				return ""
			}
			isExec := func(p string) bool { return strings.Contains(strings.Join(tc.present, "\n")+"\n", p+"\n") }
			got, err := locate(getenv, isExec)
			if tc.wantErr != "" {
				if err == nil || err.Error() != tc.wantErr {
					t.Fatalf("got %q, %v; want error %q", got, err, tc.wantErr)
				}
				return
			}
			if err != nil || got != tc.want {
				t.Errorf("got %q, %v; want %q", got, err, tc.want)
			}
		})
	}
	if _, err := locate(func(string) string { return "" }, func(string) bool { return false }); !errors.Is(err, errNoBrowser) {
		t.Errorf("got %v, want errNoBrowser so New can skip", err)
	}
}

func TestInCI(t *testing.T) {
	t.Parallel()
	for v, want := range map[string]bool{"": false, "0": false, "false": false, "False": false, "true": true, "1": true, "yes": true} {
		if got := inCI(v); got != want {
			t.Errorf("inCI(%q): got %v, want %v", v, got, want)
		}
	}
}
