package main

import (
	"bytes"
	"context"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// rowsLine is the part of the output after "rows: ".
func rowsLine(out string) string {
	_, after, _ := strings.Cut(out, "rows: ")
	line, _, _ := strings.Cut(after, "\n")
	return line
}

// TestRunSmall runs the benchmark on a few handoffs over a few simulated
// days, with windows short enough that retention removes rows.
func TestRunSmall(t *testing.T) {
	t.Parallel()
	var out, errs bytes.Buffer
	db := filepath.Join(t.TempDir(), "disk.db")
	args := []string{"--handoffs", "60", "--per-day", "25", "--report-every", "20", "--concurrency", "4", "--db", db,
		"--retain-timers", "1h", "--retain-messages", "1h", "--retain-signal-bodies", "1d"}
	if err := run(context.Background(), args, &out, &errs); err != nil {
		t.Fatalf("run: %v (stderr %s)", err, errs.String())
	}
	for _, want := range []string{"retention timers 1h, messages 1h, signal bodies 1d", "all pages", "handoff_events", "handoffs"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("output: got\n%s\nwant it to contain %q", out.String(), want)
		}
	}
	// Three days of signals with one-hour windows: the first days'
	// messages and timers are gone by the end, every handoff's events stay.
	rows := map[string]int{}
	for _, m := range regexp.MustCompile(`(\w+) (\d+)`).FindAllStringSubmatch(rowsLine(out.String()), -1) {
		rows[m[1]], _ = strconv.Atoi(m[2])
	}
	if rows["handoffs"] < 60 || rows["messages"] >= rows["handoffs"] || rows["handoff_events"] < 2*rows["handoffs"] {
		t.Errorf("rows: got %v, want at least 60 handoffs, fewer messages than handoffs, and two events or more a handoff", rows)
	}
}
