package worker

import (
	"context"
	"log/slog"
	"time"

	"github.com/batonhq/baton/service"
)

// Quality keeps the stored handoff quality scores current in the
// background: every Poll it rescores the handoffs whose log grew since
// they were scored (service.RefreshQuality), so the quality reports find
// little left to do when someone opens them. A handoff that changes many
// times between two rounds is rescored once.
type Quality struct {
	Service *service.Service
	// Poll is how often a round runs (default 30s).
	Poll time.Duration
	Log  *slog.Logger
}

func (w *Quality) defaults() {
	if w.Poll <= 0 {
		w.Poll = 30 * time.Second
	}
	if w.Log == nil {
		w.Log = slog.New(slog.DiscardHandler)
	}
}

// Run refreshes the scores every Poll until ctx is done.
func (w *Quality) Run(ctx context.Context) error {
	w.defaults()
	loop(ctx, w.Poll, nil, service.MaxQualityRefresh, w.Log, "quality", w.RunOnce)
	return nil
}

// RunOnce rescores up to service.MaxQualityRefresh stale handoffs and
// returns how many it rescored; a full round makes Run go again at once.
func (w *Quality) RunOnce(ctx context.Context) (int, error) {
	return w.Service.RefreshQuality(ctx)
}
