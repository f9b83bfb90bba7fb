package demo_test

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"github.com/batonhq/baton"
	"github.com/batonhq/baton/demo"
	"github.com/batonhq/baton/playbook"
	"github.com/batonhq/baton/service"
	"github.com/batonhq/baton/sqlite"
)

// loadedB builds the demo in a fresh database for a benchmark.
func loadedB(b *testing.B) *service.Service {
	b.Helper()
	ctx := context.Background()
	db, err := sqlite.Open(ctx, filepath.Join(b.TempDir(), "demo.db"), sqlite.Options{Synchronous: "NORMAL"})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { db.Close() })
	clock := demo.NewClock()
	svc := service.New(db, clock, playbook.Default(), nil)
	if _, err := demo.Load(ctx, svc, clock); err != nil {
		b.Fatal(err)
	}
	return svc
}

// TestDemoQuality: the demo's handoffs get quality scores with real
// spread, and its monthly review has trends, missing items and examples.
func TestDemoQuality(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	svc := loaded(t)
	admin := baton.Principal{Name: "demo", Access: baton.AccessAdmin}
	now := svc.Clock().Now()
	rep, err := svc.QualityReport(ctx, admin, now.AddDate(0, 0, -8), now.Add(time.Hour), service.QualityByType)
	if err != nil {
		t.Fatal(err)
	}
	var won service.QualityGroup
	for _, g := range rep.Groups {
		if g.Key == "closed_won" {
			won = g
		}
	}
	if won.Handoffs < 5 {
		t.Fatalf("got %d closed-won scores, want at least 5", won.Handoffs)
	}
	if len(rep.Groups) < 5 {
		t.Errorf("got scores for %d handoff types, want every type the demo sends", len(rep.Groups))
	}
	bands := 0
	for _, n := range rep.Total.Bands {
		if n > 0 {
			bands++
		}
	}
	if bands < 3 {
		t.Errorf("got scores in %d bands (%v), want at least 3: real spread", bands, rep.Total.Bands)
	}
	// Closed-won scores spread with their deal summaries and timeliness.
	lo, hi, wonBands := 100, 0, map[string]bool{}
	cursor := ""
	for {
		page, next, err := svc.Handoffs(ctx, baton.HandoffFilter{Type: "closed_won", Limit: 500, Cursor: cursor})
		if err != nil {
			t.Fatal(err)
		}
		for _, h := range page {
			sc, err := svc.QualityOf(ctx, admin, h.ID)
			if err != nil {
				t.Fatal(err)
			}
			lo, hi, wonBands[sc.Band] = min(lo, sc.Score), max(hi, sc.Score), true
		}
		if cursor = next; cursor == "" {
			break
		}
	}
	if hi-lo < 30 || len(wonBands) < 2 {
		t.Errorf("closed-won scores run %d to %d in %d bands, want a spread of 30 points or more over at least 2 bands", lo, hi, len(wonBands))
	}
	t.Logf("closed_won: %d to %d; %d handoffs, mean %.1f, bands %v; all: %d, mean %.1f, bands %v", lo, hi, won.Handoffs, won.Mean, won.Bands, rep.Total.Handoffs, rep.Total.Mean, rep.Total.Bands)

	// The review of the month holding most of the demo's week.
	month := now
	if m := rep.Total.Months; len(m) == 2 && m[0].Handoffs > m[1].Handoffs {
		month = now.AddDate(0, -1, 0)
	}
	rv, err := svc.QualityReview(ctx, admin, month)
	if err != nil {
		t.Fatal(err)
	}
	if len(rv.Missing) < 3 || len(rv.Best) == 0 || len(rv.Remediation) == 0 || len(rv.ByType) < 3 || len(rv.BySender) < 3 {
		t.Errorf("review of %s: got %d missing items, %d best, %d needing remediation, %d types, %d senders; want each shown",
			rv.Month, len(rv.Missing), len(rv.Best), len(rv.Remediation), len(rv.ByType), len(rv.BySender))
	}
	if len(rv.Best) > 0 && len(rv.Remediation) > 0 && rv.Best[0].Score-rv.Remediation[0].Score < 40 {
		t.Errorf("best %d vs worst %d: want a spread of 40 points or more", rv.Best[0].Score, rv.Remediation[0].Score)
	}
	for _, m := range rv.Missing {
		t.Logf("missing: %s %s in %d (%d%%)", m.Type, m.Label, m.Handoffs, m.Share)
	}
}

// BenchmarkDemoQualityMonth measures the quality report and the monthly
// review over the demo (a week of handoffs): the first call scores every
// handoff; later calls read the stored scores.
func BenchmarkDemoQualityMonth(b *testing.B) {
	ctx := context.Background()
	svc := loadedB(b)
	admin := baton.Principal{Name: "demo", Access: baton.AccessAdmin}
	now := svc.Clock().Now()
	start := time.Now()
	n, err := svc.RefreshQuality(ctx)
	if err != nil {
		b.Fatal(err)
	}
	b.Logf("first refresh: scored %d handoffs in %s", n, time.Since(start))
	b.Run("Report", func(b *testing.B) {
		for b.Loop() {
			if _, err := svc.QualityReport(ctx, admin, now.AddDate(0, 0, -30), now, service.QualityBySender); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("Review", func(b *testing.B) {
		for b.Loop() {
			if _, err := svc.QualityReview(ctx, admin, now); err != nil {
				b.Fatal(err)
			}
		}
	})
}
