package postgres

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/batonhq/baton"
	"github.com/batonhq/baton/postgres/pgtest"
)

// TestClaimReadsOnlyLeasedTimers checks that ClaimTimers' check for a
// timer of the handoff still leased to another node reads the
// timers_leased index (claimed, unfinished timers), not every pending
// timer of the handoff: with a thousand timers per handoff that read took
// about a second per claim (BenchmarkTimers1MPostgres).
func TestClaimReadsOnlyLeasedTimers(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db, err := Open(ctx, pgtest.Schema(t), Options{Writers: 1, ReadConns: 1})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	now := time.Date(2026, 12, 2, 9, 0, 0, 0, time.UTC)
	err = db.Update(ctx, func(tx baton.Tx) error {
		var ts []*baton.Timer
		for i := range 5_000 {
			ts = append(ts, &baton.Timer{ID: fmt.Sprint("later-", i), HandoffID: "h1", Kind: baton.TimerLadder, Generation: 1, DueAt: now.Add(time.Duration(i+1) * time.Hour)})
			if len(ts) == 500 {
				if err := tx.InsertTimers(ctx, ts...); err != nil {
					return err
				}
				ts = ts[:0]
			}
		}
		return tx.InsertTimers(ctx, &baton.Timer{ID: "due", HandoffID: "h1", Kind: baton.TimerLadder, Generation: 1, DueAt: now.Add(-time.Minute)})
	})
	if err != nil {
		t.Fatal(err)
	}
	conn, err := db.db.Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	if _, err := conn.ExecContext(ctx, "ANALYZE timers"); err != nil {
		t.Fatal(err)
	}
	rows, err := conn.QueryContext(ctx, "EXPLAIN "+rebind(claimTimersSQL), pgArgs([]any{ms(now.Add(time.Minute)), ms(now), 500, claimLock})...)
	if err != nil {
		t.Fatal(err)
	}
	var plan []string
	for rows.Next() {
		var line string
		if err := rows.Scan(&line); err != nil {
			t.Fatal(err)
		}
		plan = append(plan, line)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	if text := strings.Join(plan, "\n"); !strings.Contains(text, "timers_leased") {
		t.Errorf("the claim's plan does not read timers_leased for the leased check:\n%s", text)
	}
}
