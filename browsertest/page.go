package browsertest

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/device"
)

// Viewport is the screen a Page emulates.
type Viewport struct {
	// Name says which screen it is, in failure messages.
	Name string
	// Width and Height are the layout viewport in CSS pixels.
	Width, Height int64
	// Scale is the device pixel ratio (default 1).
	Scale float64
	// Mobile emulates a phone: the viewport meta tag applies, touch is on
	// and the user agent is a phone's.
	Mobile bool
}

var (
	// Desktop is a laptop's screen, 1280×800.
	Desktop = Viewport{Name: "desktop", Width: 1280, Height: 800, Scale: 1}
	// Phone is a current iPhone's screen, 390×844 at 3× with mobile
	// emulation.
	Phone = Viewport{Name: "phone", Width: 390, Height: 844, Scale: 3, Mobile: true}
)

// phoneUA is the user agent of the phone viewports.
var phoneUA = device.IPhone13.Device().UserAgent

// Page is one tab of a Browser in a browser context of its own: cookies
// set in it stay for its later navigations and are seen by no other Page,
// so a test signs in once per Page. A Page belongs to the test that opened
// it, which it fails with t.Fatalf when the browser does not do what it
// was asked within the deadline. A Page is not for concurrent use; Pages
// of one Browser may be used from parallel tests.
type Page struct {
	t        testing.TB
	ctx      context.Context
	timeout  time.Duration
	Viewport Viewport
}

// NewPage opens a tab emulating v for t and closes it when t ends.
func (b *Browser) NewPage(t testing.TB, v Viewport) *Page {
	t.Helper()
	ctx, cancel := chromedp.NewContext(b.ctx, chromedp.WithNewBrowserContext())
	t.Cleanup(cancel)
	p := &Page{t: t, ctx: ctx, timeout: b.timeout, Viewport: v}
	scale := v.Scale
	if scale == 0 {
		scale = 1
	}
	info := device.Info{Name: v.Name, Width: v.Width, Height: v.Height, Scale: scale, Mobile: v.Mobile, Touch: v.Mobile}
	if v.Mobile {
		info.UserAgent = phoneUA
	}
	if err := first(ctx, cancel, b.timeout, chromedp.Emulate(info)); err != nil {
		t.Fatalf("browsertest: open a %s tab: %v", v.Name, err)
	}
	return p
}

// do runs the actions within the page's deadline, failing the test with
// what was being done when they fail.
func (p *Page) do(what string, actions ...chromedp.Action[chromedp.Void]) {
	p.t.Helper()
	ctx, cancel := context.WithTimeout(p.ctx, p.timeout)
	defer cancel()
	if err := chromedp.Do(ctx, actions...); err != nil {
		p.t.Fatalf("browsertest: %s (%s): %v", what, p.Viewport.Name, err)
	}
}

// run runs one action returning a value within the page's deadline.
func run[T any](p *Page, what string, a chromedp.Action[T]) T {
	p.t.Helper()
	ctx, cancel := context.WithTimeout(p.ctx, p.timeout)
	defer cancel()
	v, err := chromedp.Run(ctx, a)
	if err != nil {
		p.t.Fatalf("browsertest: %s (%s): %v", what, p.Viewport.Name, err)
	}
	return v
}

// Navigate loads url, waits for its load event and returns the HTTP status
// of the document.
func (p *Page) Navigate(url string) int {
	p.t.Helper()
	resp := run(p, "navigate to "+url, chromedp.NavigateResponse(url))
	if resp == nil {
		return 0
	}
	return int(resp.Status)
}

// WaitVisible waits until the first element matching the CSS selector is
// shown.
func (p *Page) WaitVisible(sel string) {
	p.t.Helper()
	p.do("wait for "+sel+" to show", chromedp.WaitVisible(chromedp.CSS(sel)))
}

// Click clicks the first element matching the CSS selector once it shows.
// It does not wait for a navigation the click starts; see ClickNavigate.
func (p *Page) Click(sel string) {
	p.t.Helper()
	p.do("click "+sel, chromedp.Click(chromedp.CSS(sel)))
}

// ClickNavigate clicks the element like Click, waits for the page the
// click leads to, and returns its HTTP status.
func (p *Page) ClickNavigate(sel string) int {
	p.t.Helper()
	return p.navigating("click "+sel, chromedp.Click(chromedp.CSS(sel)))
}

// SetValue sets the value of the form field matching the CSS selector, as
// a script would (no key events).
func (p *Page) SetValue(sel, value string) {
	p.t.Helper()
	p.do("set the value of "+sel, chromedp.SetValue(chromedp.CSS(sel), value))
}

// SendKeys types text into the element matching the CSS selector, one key
// event per character, as a person would.
func (p *Page) SendKeys(sel, text string) {
	p.t.Helper()
	p.do("type into "+sel, chromedp.SendKeys(chromedp.CSS(sel), text))
}

// Submit submits the form of the element matching the CSS selector, waits
// for the page the form leads to, and returns its HTTP status.
func (p *Page) Submit(sel string) int {
	p.t.Helper()
	return p.navigating("submit the form of "+sel, chromedp.Submit(chromedp.CSS(sel)))
}

// navigating runs a, which starts a navigation, and waits for it to load.
func (p *Page) navigating(what string, a chromedp.Action[chromedp.Void]) int {
	p.t.Helper()
	ctx, cancel := context.WithTimeout(p.ctx, p.timeout)
	defer cancel()
	resp, err := chromedp.RunResponse(ctx, a)
	if err != nil {
		p.t.Fatalf("browsertest: %s (%s): %v", what, p.Viewport.Name, err)
	}
	if resp == nil {
		return 0
	}
	return int(resp.Status)
}

// Text returns the rendered text of the first element matching the CSS
// selector, waiting for it to exist.
func (p *Page) Text(sel string) string {
	p.t.Helper()
	return strings.TrimSpace(run(p, "read the text of "+sel, chromedp.Text(chromedp.CSS(sel), chromedp.NodeReady)))
}

// Attr returns the attribute name of the first element matching the CSS
// selector and whether it has it, waiting for the element to exist.
func (p *Page) Attr(sel, name string) (string, bool) {
	p.t.Helper()
	r := run(p, "read "+name+" of "+sel, chromedp.AttributeValue(chromedp.CSS(sel), name, chromedp.NodeReady))
	return r.Value, r.Exists
}

// Location returns the URL the page shows.
func (p *Page) Location() string {
	p.t.Helper()
	return run(p, "read the location", chromedp.Location())
}

// Eval evaluates a JavaScript expression in p and decodes its JSON value
// into a T.
func Eval[T any](p *Page, expr string) T {
	p.t.Helper()
	return run(p, "evaluate "+expr, chromedp.Evaluate[T](expr))
}

// Widths returns the document's scroll width and the window's inner width
// in CSS pixels: a page scrolls sideways when the first exceeds the second.
func (p *Page) Widths() (scrollWidth, innerWidth int) {
	p.t.Helper()
	w := Eval[[2]int](p, `[document.documentElement.scrollWidth, window.innerWidth]`)
	return w[0], w[1]
}

// overflowJS lists the elements that reach past the right edge at the
// given width, widest first, so a failure names what to fix.
const overflowJS = `(w => {
  const out = [];
  for (const el of document.body.querySelectorAll('*')) {
    const r = el.getBoundingClientRect();
    if (r.right > w + 0.5) {
      let name = el.tagName.toLowerCase();
      if (el.id) name += '#' + el.id;
      else if (el.classList.length) name += '.' + [...el.classList].join('.');
      out.push({name, right: Math.round(r.right)});
    }
  }
  out.sort((a, b) => b.right - a.right);
  return out.slice(0, 8).map(o => o.name + ' ends at ' + o.right + 'px');
})(%d)`

// NoHorizontalScroll fails t when the page is wider than the window
// (document.documentElement.scrollWidth > window.innerWidth), naming the
// elements that stick out. On a Mobile viewport it compares with the
// screen's width as well: there Chromium, as phones do, widens the window
// to fit a page that is too wide and zooms out, so innerWidth alone would
// hide the overflow.
func (p *Page) NoHorizontalScroll(t testing.TB) {
	t.Helper()
	sw, iw := p.Widths()
	limit := iw
	if p.Viewport.Mobile && p.Viewport.Width > 0 {
		limit = min(limit, int(p.Viewport.Width))
	}
	if sw <= limit {
		return
	}
	wide := Eval[[]string](p, fmt.Sprintf(overflowJS, limit))
	t.Errorf("%s (%s, %d px): got scrollWidth %d, want at most %d (innerWidth %d): the page scrolls sideways; widest: %s",
		p.Location(), p.Viewport.Name, p.Viewport.Width, sw, limit, iw, strings.Join(wide, ", "))
}

// Screenshot writes a PNG of the whole page, beyond the viewport, to path.
func (p *Page) Screenshot(path string) {
	p.t.Helper()
	png := run(p, "take a screenshot", chromedp.FullScreenshot(100))
	if err := os.WriteFile(path, png, 0o644); err != nil {
		p.t.Fatalf("browsertest: write screenshot: %v", err)
	}
}

// EnvScreenshots names the environment variable that, when set to a
// directory, makes Keep write screenshots there for people to look at.
const EnvScreenshots = "BATON_SCREENSHOTS"

// Keep writes a full-page screenshot to $BATON_SCREENSHOTS/NAME-VIEWPORT.png
// when that variable is set, and does nothing otherwise.
func (p *Page) Keep(name string) {
	p.t.Helper()
	dir := os.Getenv(EnvScreenshots)
	if dir == "" {
		return
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		p.t.Fatalf("browsertest: %s: %v", EnvScreenshots, err)
	}
	p.Screenshot(filepath.Join(dir, name+"-"+p.Viewport.Name+".png"))
}

// a11yJS is the accessibility smoke check: a few rules any page must pass,
// not an audit.
const a11yJS = `(() => {
  const problems = [];
  const name = el => {
    let s = el.tagName.toLowerCase();
    if (el.id) s += '#' + el.id;
    else if (el.getAttribute('name')) s += '[name="' + el.getAttribute('name') + '"]';
    return s;
  };
  const labelled = el => {
    if ((el.getAttribute('aria-label') || '').trim()) return true;
    const by = (el.getAttribute('aria-labelledby') || '').split(/\s+/).filter(Boolean);
    if (by.some(id => (document.getElementById(id)?.textContent || '').trim())) return true;
    return [...(el.labels || [])].some(l => l.textContent.trim());
  };
  const lang = document.documentElement.getAttribute('lang');
  if (!lang || !lang.trim()) problems.push('html has no lang attribute');
  const buttonTypes = ['submit', 'button', 'reset', 'image'];
  for (const el of document.querySelectorAll('input, select, textarea')) {
    if (el.type === 'hidden' || buttonTypes.includes(el.type)) continue;
    if (!labelled(el)) problems.push(name(el) + ' has no label or aria-label');
  }
  for (const img of document.querySelectorAll('img, input[type=image]')) {
    if (!img.hasAttribute('alt')) problems.push(name(img) + ' has no alt attribute');
  }
  for (const b of document.querySelectorAll('button, input[type=submit], input[type=button], input[type=reset]')) {
    const text = b.tagName === 'INPUT' ? (b.value || (b.type === 'submit' ? 'Submit' : '')) : b.textContent;
    const alts = [...b.querySelectorAll('img[alt]')].map(i => i.alt).join('');
    if (!(text + alts).trim() && !labelled(b)) problems.push(name(b) + ' has no text');
  }
  return problems;
})()`

// A11yProblems runs the accessibility smoke check in the page and returns
// what it found: the html element without lang, inputs, selects and
// textareas without a label or aria-label, images without alt, buttons
// without text. An empty list passes.
func (p *Page) A11yProblems() []string {
	p.t.Helper()
	return Eval[[]string](p, a11yJS)
}

// Accessible fails t with every problem A11yProblems finds.
func (p *Page) Accessible(t testing.TB) {
	t.Helper()
	for _, problem := range p.A11yProblems() {
		t.Errorf("%s (%s): %s", p.Location(), p.Viewport.Name, problem)
	}
}

// SetCookie stores a cookie for the site of url (an http:// or https://
// address) in the page's browser context, as if the site had set it, so
// the next navigation there sends it. It goes through the DevTools
// protocol, not document.cookie, so it needs no page of that site loaded
// first and can set HttpOnly cookies.
func (p *Page) SetCookie(url, name, value string) {
	p.t.Helper()
	httpOnly := true
	p.do("set cookie "+name+" for "+url, chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
		_, err := cdp.Call(ctx, t, network.SetCookie, network.SetCookieParams{Name: name, Value: value, URL: url, Path: "/", HTTPOnly: &httpOnly})
		return err
	}))
}
