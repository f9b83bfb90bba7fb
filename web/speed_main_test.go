package web_test

import (
	"fmt"
	"os"
	"testing"

	"github.com/batonhq/baton/browsertest"
)

// browser is the headless Chromium every browser test of the package
// shares (browser.Browser(t)): starting one per test cost more than most
// of the tests' pages.
var browser browsertest.Shared

// TestMain closes the shared browser after the tests, failing the run if
// it leaves a process behind.
func TestMain(m *testing.M) {
	code := m.Run()
	if err := browser.Close(); err != nil {
		fmt.Fprintln(os.Stderr, err)
		code = 1
	}
	os.Exit(code)
}
