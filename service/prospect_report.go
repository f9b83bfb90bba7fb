package service

import (
	"context"
	"fmt"
	"sort"
	"time"

	"github.com/batonhq/baton"
)

// MaxShowRateWindow bounds the show-rate report's window.
const MaxShowRateWindow = 366 * 24 * time.Hour

// ShowRateGroup counts settled meetings of one group: held versus no-show.
type ShowRateGroup struct {
	// Source is the source of the signal that opened the handoff ("" for
	// none); "all" in the totals.
	Source string `json:"source"`
	// Reminded is "yes" when at least one reminder reached the relay,
	// "no" otherwise, "all" in the per-source totals.
	Reminded string `json:"reminded"`
	Held     int    `json:"held"`
	NoShow   int    `json:"no_show"`
	// ShowRate is Held / (Held + NoShow).
	ShowRate float64 `json:"show_rate"`
}

// ShowRateReport is meetings held versus no-show, with and without
// reminders delivered, by source.
type ShowRateReport struct {
	From time.Time `json:"from"`
	To   time.Time `json:"to"`
	// Groups has one row per source and reminded (yes, no), then one per
	// source over both, sorted by source; Reminded and NotReminded and
	// Total are over every source.
	Groups      []ShowRateGroup `json:"groups"`
	Reminded    ShowRateGroup   `json:"reminded"`
	NotReminded ShowRateGroup   `json:"not_reminded"`
	Total       ShowRateGroup   `json:"total"`
}

// ShowRate reports the meetings starting in [from, to) that were settled
// as held or no-show. Cancelled meetings and meetings without an outcome
// are left out. A reminder counts as delivered when its message was sent
// (accepted by the relay). It returns EINVALID for a window that is empty
// or longer than MaxShowRateWindow.
func (s *Service) ShowRate(ctx context.Context, p baton.Principal, from, to time.Time) (*ShowRateReport, error) {
	if !from.Before(to) || to.Sub(from) > MaxShowRateWindow {
		return nil, &baton.Error{Code: baton.EINVALID, Message: "invalid window",
			Fields: []baton.FieldError{{Field: "from", Message: "must be before to, at most 366 days earlier"}}}
	}
	type key struct{ source, reminded string }
	counts := map[key]*ShowRateGroup{}
	add := func(k key, held bool) {
		g := counts[k]
		if g == nil {
			g = &ShowRateGroup{Source: k.source, Reminded: k.reminded}
			counts[k] = g
		}
		if held {
			g.Held++
		} else {
			g.NoShow++
		}
	}
	err := s.store.View(ctx, func(tx baton.Tx) error {
		sc, err := s.visible(ctx, tx, p)
		if err != nil {
			return err
		}
		return tx.MeetingOutcomes(ctx, from, to, func(o baton.MeetingOutcome) error {
			if sc != nil {
				// Only meetings of handoffs p may see (access.go).
				h, err := tx.Handoff(ctx, o.HandoffID)
				if err != nil {
					return fmt.Errorf("service: show rate: %w", err)
				}
				if !sc.sees(h) {
					return nil
				}
			}
			r := "no"
			if o.Reminded {
				r = "yes"
			}
			held := o.Status == baton.MeetingHeld
			add(key{o.Source, r}, held)
			add(key{o.Source, "all"}, held)
			add(key{"all", r}, held)
			add(key{"all", "all"}, held)
			return nil
		})
	})
	if err != nil {
		return nil, err
	}
	rep := &ShowRateReport{From: from.UTC(), To: to.UTC(), Groups: []ShowRateGroup{},
		Reminded: ShowRateGroup{Source: "all", Reminded: "yes"}, NotReminded: ShowRateGroup{Source: "all", Reminded: "no"},
		Total: ShowRateGroup{Source: "all", Reminded: "all"}}
	for k, g := range counts {
		g.ShowRate = float64(g.Held) / float64(g.Held+g.NoShow)
		switch {
		case k == key{"all", "yes"}:
			rep.Reminded = *g
		case k == key{"all", "no"}:
			rep.NotReminded = *g
		case k == key{"all", "all"}:
			rep.Total = *g
		default:
			rep.Groups = append(rep.Groups, *g)
		}
	}
	order := map[string]int{"yes": 0, "no": 1, "all": 2}
	sort.Slice(rep.Groups, func(i, j int) bool {
		a, b := rep.Groups[i], rep.Groups[j]
		if a.Source != b.Source {
			return a.Source < b.Source
		}
		return order[a.Reminded] < order[b.Reminded]
	})
	return rep, nil
}
