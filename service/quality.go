package service

import (
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"hash/fnv"
	"math"
	"slices"
	"strings"
	"time"

	"github.com/batonhq/baton"
	"github.com/batonhq/baton/playbook"
	"github.com/batonhq/baton/quality"
)

// Handoff quality scores (package quality) against the playbook's rubric
// of each handoff type.
//
// One handoff's score (QualityOf, the handoff page) is computed from its
// log on every read: it is always current. The reports (QualityReport,
// QualityReview) read stored scores: every event appended to a handoff's
// log marks it stale in the same transaction (the store does it), and
// RefreshQuality rescores the stale handoffs, at most MaxQualityRefresh of
// them per call, before a report reads. A score whose rubric fingerprint
// differs from the playbook's (the rubric was edited) is rescored too. So
// a report costs the handoffs changed since the last one, plus one pass
// over the stored rows of its window.

// qualityTx is a store transaction that keeps quality scores (package
// sqlite does).
type qualityTx interface {
	// StaleQuality lists up to limit handoffs whose log grew since they
	// were scored.
	StaleQuality(ctx context.Context, limit int) ([]string, error)
	MarkQualityStale(ctx context.Context, ids ...string) error
	ClearQualityStale(ctx context.Context, id string) error
	// PutQualityScore stores a score and clears its stale mark.
	PutQualityScore(ctx context.Context, r quality.Row) error
	// QualityScores streams the scores of the handoffs created in [from,
	// to), oldest first.
	QualityScores(ctx context.Context, from, to time.Time, fn func(quality.Row) error) error
}

// Bounds of the quality reports.
const (
	// MaxQualityRefresh is the most handoffs one RefreshQuality rescores.
	MaxQualityRefresh = 20000
	// qualityBatch is how many handoffs one refresh transaction rescores.
	qualityBatch = 250
	// MaxQualityWindow bounds a quality report's window.
	MaxQualityWindow = 366 * 24 * time.Hour
	// QualityTrendMonths is how many months a review's trend shows.
	QualityTrendMonths = 6
)

// Quality report dimensions.
const (
	QualityByOwner  = "owner"
	QualityBySender = "sender"
	QualityByTeam   = "team"
	QualityByType   = "type"
)

// QualityDims lists the dimensions of QualityReport.
var QualityDims = []string{QualityByOwner, QualityBySender, QualityByTeam, QualityByType}

func qualityStore(tx baton.Tx) (qualityTx, error) {
	q, ok := tx.(qualityTx)
	if !ok {
		return nil, baton.Errorf(baton.EINTERNAL, "the store keeps no quality scores")
	}
	return q, nil
}

// rubricPrint is the fingerprint of handoff type typ's rubric and the
// bands: a stored score with another was scored against other rules.
func rubricPrint(pb *playbook.Playbook, typ string) string {
	b, _ := json.Marshal(struct {
		R []playbook.Category
		B []playbook.QualityBand
	}{pb.Rubric(typ), pb.Quality.Bands})
	h := fnv.New64a()
	h.Write(b)
	return fmt.Sprintf("%016x", h.Sum64())
}

// scoreHandoff scores h from its log, rows and meeting in tx. It returns
// ENOTFOUND when the playbook no longer has h's type.
func (s *Service) scoreHandoff(ctx context.Context, tx baton.Tx, pb *playbook.Playbook, h *baton.Handoff, now time.Time) (quality.Score, error) {
	ht := pb.HandoffType(h.Type)
	if ht == nil {
		return quality.Score{}, baton.Errorf(baton.ENOTFOUND, "handoff type %s is no longer in the playbook, so it has no quality rubric", h.Type)
	}
	in := quality.Input{Handoff: h, Fields: pb.Fields(ht), Now: now}
	var err error
	if in.Events, err = tx.Events(ctx, h.ID); err != nil {
		return quality.Score{}, err
	}
	if in.Activities, err = tx.Activities(ctx, h.ID); err != nil {
		return quality.Score{}, err
	}
	if h.MeetingID != "" {
		m, err := tx.Meeting(ctx, h.MeetingID)
		switch {
		case err == nil:
			in.Meeting = m
		case baton.ErrorCode(err) != baton.ENOTFOUND:
			return quality.Score{}, err
		}
	}
	r, err := s.users(ctx, tx)
	if err != nil {
		return quality.Score{}, err
	}
	in.Names = func(id string) string {
		if u := r.User(id); u != nil {
			return u.Name
		}
		return ""
	}
	return quality.Compute(pb.Rubric(h.Type), pb.Quality.Bands, in), nil
}

// QualityOf returns handoff id's quality score as of now, item by item,
// when p may see it. It returns EFORBIDDEN when p may not, and ENOTFOUND
// for an unknown id or a type no longer in the playbook.
func (s *Service) QualityOf(ctx context.Context, p baton.Principal, id string) (*quality.Score, error) {
	var out *quality.Score
	err := s.store.View(ctx, func(tx baton.Tx) error {
		h, err := tx.Handoff(ctx, id)
		if err != nil {
			return err
		}
		if err := s.mayAct(ctx, tx, p, h, actSee); err != nil {
			return err
		}
		sc, err := s.scoreHandoff(ctx, tx, s.Playbook(), h, s.clock.Now())
		if err != nil {
			return err
		}
		out = &sc
		return nil
	})
	return out, err
}

// RefreshQuality rescores the handoffs whose log grew since they were
// scored, at most MaxQualityRefresh of them, qualityBatch per
// transaction, and returns how many it rescored.
func (s *Service) RefreshQuality(ctx context.Context) (int, error) {
	done := 0
	for done < MaxQualityRefresh {
		n := 0
		err := s.store.Update(ctx, func(tx baton.Tx) error {
			n = 0
			q, err := qualityStore(tx)
			if err != nil {
				return err
			}
			ids, err := q.StaleQuality(ctx, min(qualityBatch, MaxQualityRefresh-done))
			if err != nil {
				return err
			}
			pb, now := s.Playbook(), s.clock.Now()
			for _, id := range ids {
				if err := s.rescore(ctx, tx, q, pb, id, now); err != nil {
					return err
				}
			}
			n = len(ids)
			return nil
		})
		if err != nil {
			return done, fmt.Errorf("service: refresh quality scores: %w", err)
		}
		done += n
		if n < qualityBatch {
			break
		}
	}
	return done, nil
}

// rescore stores handoff id's score, or forgets its stale mark when it
// is gone or its type has no rubric.
func (s *Service) rescore(ctx context.Context, tx baton.Tx, q qualityTx, pb *playbook.Playbook, id string, now time.Time) error {
	h, err := tx.Handoff(ctx, id)
	if baton.ErrorCode(err) == baton.ENOTFOUND {
		return q.ClearQualityStale(ctx, id)
	} else if err != nil {
		return err
	}
	sc, err := s.scoreHandoff(ctx, tx, pb, h, now)
	if baton.ErrorCode(err) == baton.ENOTFOUND {
		return q.ClearQualityStale(ctx, id)
	} else if err != nil {
		return err
	}
	return q.PutQualityScore(ctx, quality.RowOf(sc, h.CreatedAt, h.OwnerID, h.BackupID, h.SenderID, h.FromTeam, rubricPrint(pb, h.Type)))
}

// QualityMonth is one month of a group's scores.
type QualityMonth struct {
	// Month is the UTC month, 2006-01.
	Month    string  `json:"month"`
	Handoffs int     `json:"handoffs"`
	Mean     float64 `json:"mean"`
	// Change is the mean's change from the month before (0 for the first).
	Change float64 `json:"change"`
}

// QualityGroup is the scores of one key of a dimension.
type QualityGroup struct {
	Key string `json:"key"`
	// Name is the person's name when the dimension is owner or sender
	// (Key is their email) and the roster knows one; empty otherwise.
	Name     string `json:"name,omitempty"`
	Handoffs int    `json:"handoffs"`
	// Mean is the average score, to one decimal.
	Mean float64 `json:"mean"`
	// Bands counts the handoffs of each band, by label.
	Bands map[string]int `json:"bands"`
	// Remediation counts the handoffs in the band needing remediation.
	Remediation int `json:"remediation"`
	// Provisional counts scores with items still pending.
	Provisional int `json:"provisional"`
	// Months is the trend: each month of the window with scores, oldest
	// first.
	Months []QualityMonth `json:"months"`

	sum    int
	months map[string]*monthAcc
}

type monthAcc struct{ n, sum int }

func (g *QualityGroup) add(r quality.Row) {
	g.Handoffs++
	g.sum += r.Score
	if g.Bands == nil {
		g.Bands = map[string]int{}
	}
	g.Bands[r.Band]++
	if r.Remediation {
		g.Remediation++
	}
	if r.Pending > 0 {
		g.Provisional++
	}
	if g.months == nil {
		g.months = map[string]*monthAcc{}
	}
	m := r.CreatedAt.UTC().Format("2006-01")
	if g.months[m] == nil {
		g.months[m] = &monthAcc{}
	}
	g.months[m].n++
	g.months[m].sum += r.Score
}

func (g *QualityGroup) finish() {
	if g.Handoffs > 0 {
		g.Mean = mean1(g.sum, g.Handoffs)
	}
	if g.Bands == nil {
		g.Bands = map[string]int{}
	}
	g.Months = []QualityMonth{}
	keys := make([]string, 0, len(g.months))
	for k := range g.months {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for i, k := range keys {
		m := QualityMonth{Month: k, Handoffs: g.months[k].n, Mean: mean1(g.months[k].sum, g.months[k].n)}
		if i > 0 {
			m.Change = math.Round((m.Mean-g.Months[i-1].Mean)*10) / 10
		}
		g.Months = append(g.Months, m)
	}
}

func mean1(sum, n int) float64 { return math.Round(float64(sum)*10/float64(n)) / 10 }

// QualityReport is the quality scores of the handoffs created in a window,
// in total and by one dimension.
type QualityReport struct {
	From time.Time `json:"from"`
	To   time.Time `json:"to"`
	By   string    `json:"by"`
	// Bands are the playbook's band labels, highest first.
	Bands  []string       `json:"bands"`
	Groups []QualityGroup `json:"groups"`
	Total  QualityGroup   `json:"total"`
}

// qualityRows refreshes the stale scores and streams the stored scores of
// the window that p sees to fn. Rows scored against another rubric than
// the playbook's are rescored first.
func (s *Service) qualityRows(ctx context.Context, p baton.Principal, from, to time.Time, fn func(quality.Row, *roster)) error {
	if _, err := s.RefreshQuality(ctx); err != nil {
		return err
	}
	pb := s.Playbook()
	prints := map[string]string{}
	print := func(typ string) string {
		if v, ok := prints[typ]; ok {
			return v
		}
		prints[typ] = rubricPrint(pb, typ)
		return prints[typ]
	}
	for attempt := 0; ; attempt++ {
		var outdated []string
		var rows []quality.Row
		var r *roster
		err := s.store.View(ctx, func(tx baton.Tx) error {
			outdated, rows = nil, nil
			q, err := qualityStore(tx)
			if err != nil {
				return err
			}
			sc, err := s.visible(ctx, tx, p)
			if err != nil {
				return err
			}
			if r, err = s.users(ctx, tx); err != nil {
				return err
			}
			return q.QualityScores(ctx, from, to, func(row quality.Row) error {
				if !sc.has(row.OwnerID) && !sc.has(row.BackupID) && !sc.has(row.SenderID) {
					return nil
				}
				if row.Rubric != print(row.Type) && pb.HandoffType(row.Type) != nil {
					outdated = append(outdated, row.HandoffID)
				}
				rows = append(rows, row)
				return nil
			})
		})
		if err != nil {
			return err
		}
		if len(outdated) == 0 || attempt > 0 {
			for _, row := range rows {
				fn(row, r)
			}
			return nil
		}
		for start := 0; start < len(outdated); start += qualityBatch {
			batch := outdated[start:min(start+qualityBatch, len(outdated))]
			if err := s.store.Update(ctx, func(tx baton.Tx) error {
				q, err := qualityStore(tx)
				if err != nil {
					return err
				}
				return q.MarkQualityStale(ctx, batch...)
			}); err != nil {
				return err
			}
		}
		if _, err := s.RefreshQuality(ctx); err != nil {
			return err
		}
	}
}

// qualityKey is row's key in dimension by: owners and senders by email,
// teams by the sender's team on the roster (the handoff type's sending
// team without a sender), types by name.
func qualityKey(by string, row quality.Row, r *roster) string {
	email := func(id, none string) string {
		if id == "" {
			return none
		}
		if u := r.User(id); u != nil {
			return u.Email
		}
		return id
	}
	switch by {
	case QualityByOwner:
		return email(row.OwnerID, "(unowned)")
	case QualityBySender:
		return email(row.SenderID, "(no sender)")
	case QualityByTeam:
		if u := r.User(row.SenderID); u != nil && u.Team != "" {
			return u.Team
		}
		return row.FromTeam
	}
	return row.Type
}

// qualityName is the name of the person behind row's key in dimension by
// (owner or sender), or "" for other dimensions and people the roster does
// not name.
func qualityName(by string, row quality.Row, r *roster) string {
	id := ""
	switch by {
	case QualityByOwner:
		id = row.OwnerID
	case QualityBySender:
		id = row.SenderID
	}
	if id == "" {
		return ""
	}
	if u := r.User(id); u != nil {
		return u.Name
	}
	return ""
}

// QualityReport returns the quality scores of the handoffs p sees created
// in [from, to) widened to whole UTC days (the report's From and To say
// which), in total and by one of QualityDims, each with its trend
// per month. It returns EINVALID naming "by" for an unknown dimension,
// "to" when the window is empty and "from" when it is longer than
// MaxQualityWindow.
func (s *Service) QualityReport(ctx context.Context, p baton.Principal, from, to time.Time, by string) (*QualityReport, error) {
	if !slices.Contains(QualityDims, by) {
		return nil, &baton.Error{Code: baton.EINVALID, Message: "invalid dimension",
			Fields: []baton.FieldError{{Field: "by", Message: "must be one of " + strings.Join(QualityDims, ", ")}}}
	}
	if err := qualityWindow(from, to); err != nil {
		return nil, err
	}
	from, to = wholeDays(from, to)
	rep := &QualityReport{From: from, To: to, By: by, Groups: []QualityGroup{}, Total: QualityGroup{Key: "total"}}
	for _, b := range s.Playbook().Quality.Bands {
		rep.Bands = append(rep.Bands, b.Label)
	}
	groups := map[string]*QualityGroup{}
	err := s.qualityRows(ctx, p, from, to, func(row quality.Row, r *roster) {
		k := qualityKey(by, row, r)
		if groups[k] == nil {
			groups[k] = &QualityGroup{Key: k, Name: qualityName(by, row, r)}
		}
		groups[k].add(row)
		rep.Total.add(row)
	})
	if err != nil {
		return nil, err
	}
	for _, g := range groups {
		g.finish()
		rep.Groups = append(rep.Groups, *g)
	}
	slices.SortFunc(rep.Groups, func(a, b QualityGroup) int { return cmp.Compare(a.Key, b.Key) })
	rep.Total.finish()
	return rep, nil
}

// wholeDays widens a window to whole UTC days, as the metrics do: from the
// start of from's day to the end of the day before to ends (a to at
// midnight ends the day before).
func wholeDays(from, to time.Time) (time.Time, time.Time) {
	day := func(t time.Time) time.Time {
		t = t.UTC()
		return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC)
	}
	return day(from), day(to.Add(-time.Millisecond)).AddDate(0, 0, 1)
}

func qualityWindow(from, to time.Time) error {
	if !to.After(from) {
		return &baton.Error{Code: baton.EINVALID, Message: "invalid window", Fields: []baton.FieldError{{Field: "to", Message: "must be after from"}}}
	}
	if to.Sub(from) > MaxQualityWindow {
		return &baton.Error{Code: baton.EINVALID, Message: "window too long",
			Fields: []baton.FieldError{{Field: "from", Message: fmt.Sprintf("window must be at most %d days", int(MaxQualityWindow.Hours()/24))}}}
	}
	return nil
}

// MissingItem is a rubric item that lost points in a month's handoffs.
type MissingItem struct {
	Type     string `json:"type"`
	Item     string `json:"item"`
	Label    string `json:"label"`
	Handoffs int    `json:"handoffs"`
	// Share is the percentage of that type's handoffs it lost points in.
	Share int `json:"share"`
}

// ReviewHandoff is one handoff a review names.
type ReviewHandoff struct {
	ID      string `json:"id"`
	Type    string `json:"type"`
	Account string `json:"account,omitempty"`
	Sender  string `json:"sender,omitempty"`
	Score   int    `json:"score"`
	Band    string `json:"band"`
	// Lost labels the items that lost points.
	Lost []string `json:"lost,omitempty"`
}

// QualityReview is the monthly handoff quality review: the month's scores,
// their trend over the months before, the commonest missing items, the
// best-scoring handoffs as examples and those needing remediation.
type QualityReview struct {
	// Month is the UTC month reviewed, 2006-01; From and To bound it.
	Month string    `json:"month"`
	From  time.Time `json:"from"`
	To    time.Time `json:"to"`
	// Total is the month's scores.
	Total QualityGroup `json:"total"`
	// Bands are the playbook's band labels, highest first.
	Bands []string `json:"bands"`
	// Trend is the mean score of each of the QualityTrendMonths months
	// ending with this one that had handoffs, oldest first; Direction
	// says "improving", "declining" or "steady" from the month before
	// (by a point or more), or "" without one.
	Trend     []QualityMonth `json:"trend"`
	Direction string         `json:"direction"`
	ByType    []QualityGroup `json:"by_type"`
	BySender  []QualityGroup `json:"by_sender"`
	// Missing are the commonest items that lost points, most handoffs
	// first (at most 10).
	Missing []MissingItem `json:"missing"`
	// Best are the month's best-scoring final scores (at most 5).
	Best []ReviewHandoff `json:"best"`
	// Remediation are the month's final scores in the band needing
	// remediation, lowest first (at most 20).
	Remediation []ReviewHandoff `json:"remediation"`
}

// QualityReview reviews the handoffs p sees created in the UTC month of
// month.
func (s *Service) QualityReview(ctx context.Context, p baton.Principal, month time.Time) (*QualityReview, error) {
	month = month.UTC()
	start := time.Date(month.Year(), month.Month(), 1, 0, 0, 0, 0, time.UTC)
	end := start.AddDate(0, 1, 0)
	pb := s.Playbook()
	rv := &QualityReview{Month: start.Format("2006-01"), From: start, To: end, Total: QualityGroup{Key: "total"},
		Trend: []QualityMonth{}, ByType: []QualityGroup{}, BySender: []QualityGroup{}, Missing: []MissingItem{},
		Best: []ReviewHandoff{}, Remediation: []ReviewHandoff{}}
	for _, b := range pb.Quality.Bands {
		rv.Bands = append(rv.Bands, b.Label)
	}
	trend := QualityGroup{}
	byType, bySender := map[string]*QualityGroup{}, map[string]*QualityGroup{}
	lost := map[[2]string]int{}
	var month1 []quality.Row
	err := s.qualityRows(ctx, p, start.AddDate(0, -(QualityTrendMonths-1), 0), end, func(row quality.Row, r *roster) {
		trend.add(row)
		if row.CreatedAt.Before(start) {
			return
		}
		month1 = append(month1, row)
		rv.Total.add(row)
		for _, g := range []struct {
			m       map[string]*QualityGroup
			k, name string
		}{{byType, qualityKey(QualityByType, row, r), ""}, {bySender, qualityKey(QualityBySender, row, r), qualityName(QualityBySender, row, r)}} {
			if g.m[g.k] == nil {
				g.m[g.k] = &QualityGroup{Key: g.k, Name: g.name}
			}
			g.m[g.k].add(row)
		}
		for _, it := range row.Lost {
			lost[[2]string{row.Type, it}]++
		}
	})
	if err != nil {
		return nil, err
	}
	rv.Total.finish()
	trend.finish()
	rv.Trend = trend.Months
	if n := len(rv.Trend); n >= 2 && rv.Trend[n-1].Month == rv.Month {
		switch d := rv.Trend[n-1].Change; {
		case d >= 1:
			rv.Direction = "improving"
		case d <= -1:
			rv.Direction = "declining"
		default:
			rv.Direction = "steady"
		}
	}
	for _, set := range []struct {
		m   map[string]*QualityGroup
		dst *[]QualityGroup
	}{{byType, &rv.ByType}, {bySender, &rv.BySender}} {
		for _, g := range set.m {
			g.finish()
			*set.dst = append(*set.dst, *g)
		}
		slices.SortFunc(*set.dst, func(a, b QualityGroup) int { return cmp.Or(cmp.Compare(b.Mean, a.Mean), cmp.Compare(a.Key, b.Key)) })
	}
	for k, n := range lost {
		share := 0
		if g := byType[k[0]]; g != nil {
			share = quality.Percent(n, g.Handoffs)
		}
		rv.Missing = append(rv.Missing, MissingItem{Type: k[0], Item: k[1], Label: itemLabel(pb, k[0], k[1]), Handoffs: n, Share: share})
	}
	slices.SortFunc(rv.Missing, func(a, b MissingItem) int {
		return cmp.Or(cmp.Compare(b.Handoffs, a.Handoffs), cmp.Compare(b.Share, a.Share), cmp.Compare(a.Type, b.Type), cmp.Compare(a.Item, b.Item))
	})
	rv.Missing = rv.Missing[:min(len(rv.Missing), 10)]
	var final []quality.Row
	for _, row := range month1 {
		if row.Pending == 0 {
			final = append(final, row)
		}
	}
	slices.SortFunc(final, func(a, b quality.Row) int {
		return cmp.Or(cmp.Compare(b.Score, a.Score), a.CreatedAt.Compare(b.CreatedAt))
	})
	// The best are examples to share: a handoff needing remediation is
	// none, however few the good ones.
	var best []quality.Row
	for _, row := range final {
		if len(best) < 5 && !row.Remediation {
			best = append(best, row)
		}
	}
	var worst []quality.Row
	for i := len(final) - 1; i >= 0 && len(worst) < 20; i-- {
		if final[i].Remediation {
			worst = append(worst, final[i])
		}
	}
	err = s.store.View(ctx, func(tx baton.Tx) error {
		rv.Best, rv.Remediation = []ReviewHandoff{}, []ReviewHandoff{}
		for _, set := range []struct {
			rows []quality.Row
			dst  *[]ReviewHandoff
		}{{best, &rv.Best}, {worst, &rv.Remediation}} {
			for _, row := range set.rows {
				rh, err := s.reviewHandoff(ctx, tx, pb, row)
				if err != nil {
					return err
				}
				*set.dst = append(*set.dst, rh)
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return rv, nil
}

// reviewHandoff names a scored handoff for the review: its account and
// sender.
func (s *Service) reviewHandoff(ctx context.Context, tx baton.Tx, pb *playbook.Playbook, row quality.Row) (ReviewHandoff, error) {
	rh := ReviewHandoff{ID: row.HandoffID, Type: row.Type, Score: row.Score, Band: row.Band}
	for _, it := range row.Lost {
		rh.Lost = append(rh.Lost, itemLabel(pb, row.Type, it))
	}
	if name, err := s.userName(ctx, tx, row.SenderID); err != nil {
		return rh, err
	} else {
		rh.Sender = name
	}
	h, err := tx.Handoff(ctx, row.HandoffID)
	if baton.ErrorCode(err) == baton.ENOTFOUND {
		return rh, nil
	} else if err != nil {
		return rh, err
	}
	if h.AccountID != "" {
		a, err := tx.Account(ctx, h.AccountID)
		switch {
		case err == nil:
			rh.Account = a.Name
		case baton.ErrorCode(err) != baton.ENOTFOUND:
			return rh, err
		}
	}
	return rh, nil
}

// itemLabel is the label of a rubric item of typ, its name when the
// rubric no longer has it.
func itemLabel(pb *playbook.Playbook, typ, item string) string {
	for _, c := range pb.Rubric(typ) {
		for _, it := range c.Items {
			if it.Name == item {
				return it.Label
			}
		}
	}
	return item
}
