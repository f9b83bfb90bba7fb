package browsertest

import (
	"errors"
	"fmt"
	"os"
	"runtime"
	"strings"
	"sync"
	"testing"
)

// Shared is one Browser for every test of a package that asks for it:
// Chromium starts once, for the first test that calls Browser, and each
// test still opens Pages of its own (each in its own browser context, so
// no cookies are shared). Close it from TestMain after m.Run:
//
//	var browser browsertest.Shared
//
//	func TestMain(m *testing.M) {
//		code := m.Run()
//		if err := browser.Close(); err != nil {
//			fmt.Fprintln(os.Stderr, err)
//			code = 1
//		}
//		os.Exit(code)
//	}
//
// The zero value is ready to use, with DefaultTimeout.
type Shared struct {
	once sync.Once
	b    *Browser
	life *lifetime
	skip string // why New would have skipped, if it would
	err  string // why New would have failed, if it would
}

// Browser returns the shared browser, starting it on first use. Without a
// browser it skips t, or fails it in CI, as New does; a browser that failed
// to start fails every test that asks for it.
func (s *Shared) Browser(t testing.TB) *Browser {
	t.Helper()
	s.once.Do(func() {
		s.life = &lifetime{TB: t}
		done := make(chan struct{})
		go func() {
			defer close(done)
			s.b = start(s.life, os.Getenv, executable)
		}()
		<-done
		s.skip, s.err = s.life.skip, strings.Join(s.life.errs, "\n")
	})
	if s.skip != "" {
		t.Skip(s.skip)
	}
	if s.err != "" || s.b == nil {
		t.Fatal(s.err)
	}
	return s.b
}

// Close closes the browser if it was started and returns an error naming
// any process of it left running (which it kills), as New's cleanup fails
// its test.
func (s *Shared) Close() error {
	if s.life == nil {
		return nil
	}
	s.life.mu.Lock()
	s.life.errs = nil
	cleanups := s.life.cleanups
	s.life.cleanups = nil
	s.life.mu.Unlock()
	for i := len(cleanups) - 1; i >= 0; i-- {
		cleanups[i]()
	}
	if len(s.life.errs) > 0 {
		return errors.New(strings.Join(s.life.errs, "\n"))
	}
	return nil
}

// lifetime is the testing.TB a shared browser is started and closed
// with: it keeps the cleanups for Close and the reports for the tests.
// Only start and close call it, and only these methods.
type lifetime struct {
	testing.TB // the first test, for nothing but the interface
	mu         sync.Mutex
	cleanups   []func()
	errs       []string
	skip       string
}

func (l *lifetime) Helper() {}

func (l *lifetime) Cleanup(f func()) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.cleanups = append(l.cleanups, f)
}

func (l *lifetime) Logf(format string, args ...any) {}

func (l *lifetime) Errorf(format string, args ...any) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.errs = append(l.errs, fmt.Sprintf(format, args...))
}

// Skipf and Fatalf record the message and end the goroutine start runs on.
func (l *lifetime) Skipf(format string, args ...any) {
	l.mu.Lock()
	l.skip = fmt.Sprintf(format, args...)
	l.mu.Unlock()
	runtime.Goexit()
}

func (l *lifetime) Fatalf(format string, args ...any) {
	l.Errorf(format, args...)
	runtime.Goexit()
}
