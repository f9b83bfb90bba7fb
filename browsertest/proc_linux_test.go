package browsertest

import (
	"os/exec"
	"slices"
	"strings"
	"testing"
)

// TestLeftoversFindsTheBrowsersProcesses starts stand-ins for a browser's
// processes and checks that close would find them: one by the profile on
// its command line, one by its process group. Once killed, none is left.
func TestLeftoversFindsTheBrowsersProcesses(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	// A child naming the profile, as Chromium's children do; stdin keeps
	// it waiting until the test ends it.
	byFlag := exec.Command("sh", "-c", "read x", "sh", "--user-data-dir="+dir)
	stdin, err := byFlag.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	// A process found only by its group: it leads the group b started.
	byGroup := exec.Command("sh", "-c", "read x; exit 0")
	ownGroup(byGroup)
	groupIn, err := byGroup.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []*exec.Cmd{byFlag, byGroup} {
		if err := c.Start(); err != nil {
			t.Fatal(err)
		}
	}
	t.Cleanup(func() {
		stdin.Close()
		groupIn.Close()
		byFlag.Wait()
		byGroup.Wait()
	})
	b := &Browser{dir: dir, pid: byGroup.Process.Pid}

	got := b.running()
	for _, want := range []int{byFlag.Process.Pid, byGroup.Process.Pid} {
		if !slices.Contains(got, want) {
			t.Errorf("got processes %v, want %d among them", got, want)
		}
	}
	other := &Browser{dir: t.TempDir()}
	if got := other.running(); len(got) != 0 {
		t.Errorf("another browser's check found %v, want nothing", got)
	}

	left := describe(got)
	if len(left) != len(got) || !strings.Contains(strings.Join(left, "\n"), "--user-data-dir="+dir) {
		t.Errorf("got descriptions %q, want each process with its command line", left)
	}
	killAll(left)
	if got := b.leftovers(DefaultTimeout); len(got) != 0 {
		t.Errorf("after the kill got %q left, want none", got)
	}
}
