package postgres

import (
	"bytes"
	"cmp"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"hash/fnv"
	"slices"
	"strings"
	"time"

	"github.com/batonhq/baton"
	"github.com/batonhq/baton/internal/blocksql"
	"github.com/batonhq/baton/internal/ctxcodec"
	"github.com/batonhq/baton/metrics"
)

// staleKey is the setting present while the rollups need a rebuild.
const staleKey = "rollups_stale"

// The rollups are kept once per transaction. AppendEvent queues the event;
// when a command's function returns (run, inside its savepoint),
// foldRollups folds the queued events of each handoff into its state,
// starting from the state the transaction's earlier commands left pending
// or else the table's, and reads the facts the log lacks (sender, meeting,
// deal value) from the handoff as the command left it, writing nothing:
// the result is the command's own rollupSet. When the command's savepoint
// is released, keepRollups merges it into the transaction's; a command
// that failed contributes nothing. Just before the transaction commits,
// writeRollups writes the transaction's changes with multi-row statements,
// each table's rows in the order of its primary key, so transactions
// writing at once take their rollup rows' locks in one order: the handoff
// states, the dashboard's day rows (rollup_daily), the people rows
// (rollup_people) and the figure blocks (rollup_blocks, appended to).

// rollupEvent queues a new event for the rollups of its command.
func (tx *Tx) rollupEvent(_ context.Context, e *baton.Event) error {
	tx.pending = append(tx.pending, e)
	return nil
}

// rollupSet is rollup changes not yet written: each handoff's state before
// (as the table holds it, zero when it holds none) and after, and the sums
// to add to the day rows.
type rollupSet struct {
	handoffs map[string]*rollupChange
	daily    map[dailyKey]int64
	// reset reports that a rebuild rewrote the tables from the log in
	// this command: the changes pending before it are in them.
	reset bool
}

// rollupChange is one handoff's state before and after a set of changes.
type rollupChange struct {
	before, after metrics.RollupHandoff
}

func newRollupSet() *rollupSet {
	return &rollupSet{handoffs: map[string]*rollupChange{}, daily: map[dailyKey]int64{}}
}

// pendingState returns handoff id's change not yet written: the running
// command's, or else the transaction's.
func (tx *Tx) pendingState(id string) *rollupChange {
	if tx.cmd != nil {
		if c := tx.cmd.handoffs[id]; c != nil || tx.cmd.reset {
			return c
		}
	}
	if tx.batch != nil {
		return tx.batch.handoffs[id]
	}
	return nil
}

// foldRollups folds the running command's queued events into its
// rollupSet (tx.cmd), writing nothing.
func (tx *Tx) foldRollups(ctx context.Context) error {
	if len(tx.pending) == 0 {
		return nil
	}
	pending := tx.pending
	tx.pending = nil
	if tx.cmd == nil {
		tx.cmd = newRollupSet()
	}
	var order []string
	byID := map[string][]*baton.Event{}
	for _, e := range pending {
		if byID[e.HandoffID] == nil {
			order = append(order, e.HandoffID)
		}
		byID[e.HandoffID] = append(byID[e.HandoffID], e)
	}
	for _, id := range order {
		var state, sender, meeting, context sql.NullString
		prev := tx.pendingState(id)
		var err error
		if prev != nil {
			err = tx.queryRow(ctx, `SELECT NULL::text, h.sender_id, h.meeting_id, h.context
				FROM (SELECT 1) AS one LEFT JOIN handoffs h ON h.id = ?1`, id).Scan(&state, &sender, &meeting, &context)
		} else {
			err = tx.queryRow(ctx, `SELECT (SELECT state FROM rollup_handoffs WHERE handoff_id = ?1), h.sender_id, h.meeting_id, h.context
				FROM (SELECT 1) AS one LEFT JOIN handoffs h ON h.id = ?1`, id).Scan(&state, &sender, &meeting, &context)
		}
		if err != nil {
			return fmt.Errorf("postgres: rollup of %s: %w", id, err)
		}
		var before, h metrics.RollupHandoff
		if prev != nil {
			before, h = prev.before, prev.after
		} else if state.Valid {
			if err := json.Unmarshal([]byte(state.String), &h); err != nil {
				return fmt.Errorf("postgres: rollup of %s: %w", id, err)
			}
			before = h
		}
		for _, e := range byID[id] {
			deltas, err := h.Apply(e)
			if err != nil {
				return err
			}
			for _, d := range deltas {
				tx.cmd.daily[dailyKey{d.Day, d.Metric, d.Key, d.Bucket}] += d.N
			}
		}
		if !h.Created {
			continue // its created event predates the rollups' log
		}
		setFacts(&h, sender.String, meeting.String, context.String)
		tx.cmd.handoffs[id] = &rollupChange{before: before, after: h}
	}
	return nil
}

// keepRollups merges the running command's rollupSet into the
// transaction's, once its savepoint is released.
func (tx *Tx) keepRollups() {
	tx.keepStale()
	c := tx.cmd
	tx.cmd = nil
	if c == nil {
		return
	}
	if c.reset || tx.batch == nil {
		tx.batch = newRollupSet()
	}
	for id, ch := range c.handoffs {
		tx.batch.handoffs[id] = ch
	}
	for k, n := range c.daily {
		tx.batch.daily[k] += n
	}
}

// dropRollups forgets the running command's rollupSet and the handoffs
// it would mark stale (its savepoint rolled back).
func (tx *Tx) dropRollups() {
	tx.pending, tx.cmd, tx.stale = nil, nil, nil
}

// writeRollups writes the transaction's rollup changes and forgets them.
func (tx *Tx) writeRollups(ctx context.Context) error {
	s := tx.batch
	tx.batch = nil
	if s == nil {
		return nil
	}
	ids := make([]string, 0, len(s.handoffs))
	for id := range s.handoffs {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	exec := func(ctx context.Context, q string, args ...any) (sql.Result, error) {
		return tx.exec(ctx, q, args...)
	}
	query := func(ctx context.Context, q string, args ...any) (*sql.Rows, error) {
		return tx.query(ctx, q, args...)
	}
	blocks := map[metrics.Block][]metrics.Cell{}
	var people peopleRows
	states := make([]any, 0, 2*len(ids))
	for _, id := range ids {
		c := s.handoffs[id]
		for _, d := range metrics.Changes(&c.before, &c.after) {
			blocks[d.Block] = metrics.AddCells(blocks[d.Block], d.Cells)
		}
		people.change(id, &c.before, &c.after)
		b, err := json.Marshal(&c.after)
		if err != nil {
			return fmt.Errorf("postgres: rollup of %s: %w", id, err)
		}
		states = append(states, id, string(b))
	}
	for len(states) > 0 {
		n := min(len(states)/2, statesChunk)
		q := `INSERT INTO rollup_handoffs (handoff_id, state) VALUES ` + values(2, n) +
			` ON CONFLICT (handoff_id) DO UPDATE SET state = excluded.state`
		if _, err := tx.exec(ctx, q, states[:2*n]...); err != nil {
			return fmt.Errorf("postgres: rollup states: %w", err)
		}
		states = states[2*n:]
	}
	if err := writeDaily(ctx, exec, s.daily); err != nil {
		return err
	}
	if err := people.write(ctx, exec); err != nil {
		return err
	}
	if err := blocksql.WithTeams(ctx, query, blocks); err != nil {
		return err
	}
	return blocksql.Append(ctx, query, exec, blocks)
}

// statesChunk is how many handoff states one statement writes.
const statesChunk = 1000

// peopleRows are changes to rollup_people: rows to delete (a handoff that
// moved to another owner, sender or day) and rows to write.
type peopleRows struct {
	del, put []personRow
}

// personRow is one rollup_people row (row is nil for one to delete).
type personRow struct {
	person string
	day    int64
	id     string
	row    []byte
}

func comparePersonRows(a, b personRow) int {
	return cmp.Or(cmp.Compare(a.person, b.person), cmp.Compare(a.day, b.day), cmp.Compare(a.id, b.id))
}

// change records what moving handoff id from before to after changes in
// its people's rows: nothing when its people, day and row stay the same.
func (p *peopleRows) change(id string, before, after *metrics.RollupHandoff) {
	pa, row := after.People(), after.ReachRow()
	pb := before.People()
	if before.Day == after.Day && slices.Equal(pa, pb) && bytes.Equal(before.ReachRow(), row) {
		return
	}
	for _, person := range pb {
		if before.Day != after.Day || !slices.Contains(pa, person) {
			p.del = append(p.del, personRow{person, before.Day, id, nil})
		}
	}
	for _, person := range pa {
		p.put = append(p.put, personRow{person, after.Day, id, row})
	}
}

// peopleChunk is how many rows one statement writes.
const peopleChunk = 250

// write applies the changes, each statement's rows in key order, and
// empties p. The deleted keys are typed: PostgreSQL takes the parameters
// of a bare VALUES list for text.
func (p *peopleRows) write(ctx context.Context, exec execFunc) error {
	slices.SortFunc(p.del, comparePersonRows)
	slices.SortFunc(p.put, comparePersonRows)
	args := make([]any, 0, 4*min(max(len(p.del), len(p.put)), peopleChunk))
	for del := p.del; len(del) > 0; {
		n := min(len(del), peopleChunk)
		args = args[:0]
		for _, r := range del[:n] {
			args = append(args, r.person, r.day, r.id)
		}
		one := "(?::text, ?::bigint, ?::text)"
		q := `DELETE FROM rollup_people WHERE (person_id, day, handoff_id) IN (VALUES ` + one + strings.Repeat(", "+one, n-1) + `)`
		if _, err := exec(ctx, q, args...); err != nil {
			return fmt.Errorf("postgres: rollup people: %w", err)
		}
		del = del[n:]
	}
	for put := p.put; len(put) > 0; {
		n := min(len(put), peopleChunk)
		args = args[:0]
		for _, r := range put[:n] {
			args = append(args, r.person, r.day, r.id, r.row)
		}
		q := `INSERT INTO rollup_people (person_id, day, handoff_id, row) VALUES ` + values(4, n) +
			` ON CONFLICT (person_id, day, handoff_id) DO UPDATE SET row = excluded.row`
		if _, err := exec(ctx, q, args...); err != nil {
			return fmt.Errorf("postgres: rollup people: %w", err)
		}
		put = put[n:]
	}
	p.del, p.put = nil, nil
	return nil
}

// setFacts records what the log lacks from the handoff's row: its sender,
// whether it has a meeting, and its deal value (read again only when the
// context changed).
func setFacts(h *metrics.RollupHandoff, sender, meeting, context string) {
	f := metrics.RollupFacts{Sender: sender, Meeting: meeting != "", Value: h.Value}
	if sum := checksum(context); sum != h.ContextSum {
		f.Value, h.ContextSum = metrics.DealValueJSON(ctxcodec.JSON(context)), sum
	}
	h.SetFacts(f)
}

func checksum(s string) uint64 {
	f := fnv.New64a()
	f.Write([]byte(s))
	return f.Sum64()
}

type dailyKey struct {
	day         int64
	metric, key string
	bucket      int64
}

type execFunc = blocksql.Exec

// writeDaily adds sums to rollup_daily, 500 rows a statement, in key
// order.
func writeDaily(ctx context.Context, exec execFunc, sums map[dailyKey]int64) error {
	var args []any
	write := func() error {
		if len(args) == 0 {
			return nil
		}
		q := `INSERT INTO rollup_daily (day, metric, key, bucket, n) VALUES ` + values(5, len(args)/5) +
			` ON CONFLICT (day, metric, key, bucket) DO UPDATE SET n = rollup_daily.n + excluded.n`
		if _, err := exec(ctx, q, args...); err != nil {
			return fmt.Errorf("postgres: rollups: %w", err)
		}
		args = args[:0]
		return nil
	}
	keys := make([]dailyKey, 0, len(sums))
	for k, n := range sums {
		if n != 0 {
			keys = append(keys, k)
		}
	}
	// Key order, so transactions adding to the same rows lock them in
	// one order.
	slices.SortFunc(keys, func(a, b dailyKey) int {
		return cmp.Or(cmp.Compare(a.day, b.day), cmp.Compare(a.metric, b.metric), cmp.Compare(a.key, b.key), cmp.Compare(a.bucket, b.bucket))
	})
	for _, k := range keys {
		args = append(args, k.day, k.metric, k.key, k.bucket, sums[k])
		if len(args) >= 2500 {
			if err := write(); err != nil {
				return err
			}
		}
	}
	return write()
}

// values is the VALUES list of rows rows of cols placeholders each.
func values(cols, rows int) string {
	one := "(?" + strings.Repeat(", ?", cols-1) + ")"
	return one + strings.Repeat(", "+one, rows-1)
}

// Rollups returns the non-zero rollup rows of the UTC days [fromDay,
// toDay). Open rebuilds stale rollups before it returns, so they always
// match the log.
func (tx *Tx) Rollups(ctx context.Context, fromDay, toDay int64) ([]metrics.RollupRow, error) {
	rows, err := tx.query(ctx, `SELECT day, metric, key, bucket, n FROM rollup_daily WHERE day >= ? AND day < ? AND n <> 0`, fromDay, toDay)
	list, err := collect(rows, err, func(row scanner) (*metrics.RollupRow, error) {
		var r metrics.RollupRow
		err := row.Scan(&r.Day, &r.Metric, &r.Key, &r.Bucket, &r.N)
		return &r, err
	})
	if err != nil {
		return nil, fmt.Errorf("postgres: rollups: %w", err)
	}
	out := make([]metrics.RollupRow, len(list))
	for i, r := range list {
		out[i] = *r
	}
	return out, nil
}

// RollupReach streams the rollup_people rows (metrics.ReachRow) of
// people for the handoffs created on the UTC days [fromDay, toDay), in
// person and day order: fn gets the row's person and its encoded row,
// valid only during the call. A handoff owned and sent by people of the
// list has a row for each (metrics.ReachReport counts it once).
func (tx *Tx) RollupReach(ctx context.Context, people []string, fromDay, toDay int64, fn func(person string, row []byte) error) error {
	people = slices.DeleteFunc(slices.Clone(people), func(id string) bool { return id == "" })
	if len(people) == 0 {
		return nil
	}
	args := make([]any, 0, len(people)+2)
	for _, p := range people {
		args = append(args, p)
	}
	args = append(args, fromDay, toDay)
	rows, err := tx.query(ctx, `SELECT person_id, row FROM rollup_people WHERE person_id IN (?`+strings.Repeat(", ?", len(people)-1)+`)
		AND day >= ? AND day < ? ORDER BY person_id, day, handoff_id`, args...)
	if err != nil {
		return fmt.Errorf("postgres: rollup reach: %w", err)
	}
	defer rows.Close()
	var person string
	for rows.Next() {
		var p, row sql.RawBytes
		if err := rows.Scan(&p, &row); err != nil {
			return fmt.Errorf("postgres: rollup reach: %w", err)
		}
		if string(p) != person {
			person = string(p)
		}
		if err := fn(person, row); err != nil {
			return fmt.Errorf("postgres: rollup reach: %s: %w", person, err)
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("postgres: rollup reach: %w", err)
	}
	return nil
}

// LastEventAt returns the time of the newest event (zero when none).
func (tx *Tx) LastEventAt(ctx context.Context) (time.Time, error) {
	var at sql.NullInt64
	if err := tx.queryRow(ctx, `SELECT max(at) FROM handoff_events`).Scan(&at); err != nil {
		return time.Time{}, fmt.Errorf("postgres: last event: %w", err)
	}
	if !at.Valid {
		return time.Time{}, nil
	}
	return fromMS(at.Int64), nil
}

// OwnedEventsBetween streams, in log order, the events with at in [from,
// to) of the handoffs one of whose events in [from, to) names one of
// owners: what a person's dashboard folds.
func (tx *Tx) OwnedEventsBetween(ctx context.Context, from, to time.Time, owners []string, fn func(*baton.Event) error) error {
	if len(owners) == 0 {
		return nil
	}
	in := "?" + strings.Repeat(", ?", len(owners)-1)
	args := []any{}
	for _, o := range owners {
		args = append(args, o)
	}
	args = append(args, ms(from), ms(to), ms(from), ms(to))
	rows, err := tx.query(ctx, `SELECT `+eventCols+` FROM handoff_events WHERE handoff_id IN (
		SELECT handoff_id FROM handoff_events WHERE owner_id IN (`+in+`) AND at >= ? AND at < ?)
		AND at >= ? AND at < ? ORDER BY seq`, args...)
	if err != nil {
		return fmt.Errorf("postgres: owned events: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		e, err := scanEvent(rows)
		if err != nil {
			return fmt.Errorf("postgres: owned events: %w", err)
		}
		if err := fn(e); err != nil {
			return err
		}
	}
	return rows.Err()
}

// RebuildRollups recomputes the rollups from the event log in one write
// transaction, whether or not they are stale.
func (db *DB) RebuildRollups(ctx context.Context) error {
	return db.Update(ctx, func(t baton.Tx) error {
		return rebuildRollups(ctx, t.(*Tx))
	})
}

// rebuildIfStale rebuilds the rollups when a migration marked them stale,
// or fills rollup_people from the stored states when only it is stale.
func rebuildIfStale(ctx context.Context, w *sql.DB) error {
	if err := rebuildStep(ctx, w, staleKey, rebuildRollups); err != nil {
		return err
	}
	if err := rebuildStep(ctx, w, peopleStaleKey, fillPeople); err != nil {
		return err
	}
	return rebuildStep(ctx, w, teamsStaleKey, fillTeams)
}

// rebuildStep runs rebuild in a transaction of its own while the setting
// key is present (rebuild deletes it).
func rebuildStep(ctx context.Context, w *sql.DB, key string, rebuild func(context.Context, *Tx) error) error {
	var one int
	err := w.QueryRowContext(ctx, `SELECT 1 FROM settings WHERE key = $1`, key).Scan(&one)
	if errors.Is(err, sql.ErrNoRows) {
		return nil
	} else if err != nil {
		return fmt.Errorf("postgres: rollups: %w", err)
	}
	sqltx, err := w.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("postgres: rollups: %w", err)
	}
	defer sqltx.Rollback()
	// Nodes starting together rebuild once: the first takes the lock, the
	// others wait for it and find the rollups fresh.
	if _, err := sqltx.ExecContext(ctx, `SELECT pg_advisory_xact_lock($1)`, rebuildLock); err != nil {
		return fmt.Errorf("postgres: rollups: %w", err)
	}
	err = sqltx.QueryRowContext(ctx, `SELECT 1 FROM settings WHERE key = $1`, key).Scan(&one)
	if errors.Is(err, sql.ErrNoRows) {
		return nil
	} else if err != nil {
		return fmt.Errorf("postgres: rollups: %w", err)
	}
	if err := rebuild(ctx, &Tx{tx: sqltx, write: true}); err != nil {
		return err
	}
	return sqltx.Commit()
}

// peopleStaleKey is the setting present while rollup_people needs filling
// from the stored states (migration 00018).
const peopleStaleKey = "rollup_people_stale"

// fillPeople writes rollup_people afresh from the handoffs' stored states
// (which the log determines), a thousand handoffs at a time, each page read
// whole before its rows are written.
func fillPeople(ctx context.Context, tx *Tx) error {
	for _, q := range []string{`DELETE FROM rollup_people`, `DELETE FROM settings WHERE key = '` + peopleStaleKey + `'`} {
		if _, err := tx.exec(ctx, q); err != nil {
			return fmt.Errorf("postgres: fill rollup people: %w", err)
		}
	}
	exec := func(ctx context.Context, q string, args ...any) (sql.Result, error) {
		return tx.exec(ctx, q, args...)
	}
	type stored struct {
		id    string
		state []byte
	}
	var people peopleRows
	after := ""
	for {
		rows, err := tx.query(ctx, `SELECT handoff_id, state FROM rollup_handoffs WHERE handoff_id > ? ORDER BY handoff_id LIMIT 1000`, after)
		if err != nil {
			return fmt.Errorf("postgres: fill rollup people: %w", err)
		}
		var page []stored
		for rows.Next() {
			var r stored
			if err := rows.Scan(&r.id, &r.state); err != nil {
				rows.Close()
				return fmt.Errorf("postgres: fill rollup people: %w", err)
			}
			page = append(page, r)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return fmt.Errorf("postgres: fill rollup people: %w", err)
		}
		if len(page) == 0 {
			return nil
		}
		for _, r := range page {
			var h metrics.RollupHandoff
			if err := json.Unmarshal(r.state, &h); err != nil {
				return fmt.Errorf("postgres: fill rollup people: %s: %w", r.id, err)
			}
			people.change(r.id, &metrics.RollupHandoff{}, &h)
		}
		if err := people.write(ctx, exec); err != nil {
			return err
		}
		after = page[len(page)-1].id
	}
}

// rebuildLock is the advisory lock key of a rollup rebuild.
const rebuildLock = 0x62617430_726f6c6c // "bat0roll"

// rebuildBlocks is how many blocks a rebuild sums in memory before it
// merges them into the table.
const rebuildBlocks = 5_000

// rebuildPage is how many handoffs a rebuild reads at a time.
const rebuildPage = 500

// rebuildRollups replays the log a page of handoffs at a time (by the
// handoff_events_handoff index), with the page's handoffs for the facts
// the log lacks, so memory holds one page's events, the day rows and at
// most rebuildBlocks blocks, not the log. Each page is read whole before
// anything is written: a connection runs one statement at a time.
func rebuildRollups(ctx context.Context, tx *Tx) error {
	// The log holds this transaction's events so far: the changes its
	// commands left pending are rebuilt with the rest.
	tx.pending, tx.cmd = nil, newRollupSet()
	tx.cmd.reset = true
	for _, q := range []string{`DELETE FROM rollup_daily`, `DELETE FROM rollup_handoffs`, `DELETE FROM rollup_blocks`, `DELETE FROM rollup_people`,
		`DELETE FROM settings WHERE key IN ('` + staleKey + `', '` + peopleStaleKey + `')`} {
		if _, err := tx.exec(ctx, q); err != nil {
			return fmt.Errorf("postgres: rebuild rollups: %w", err)
		}
	}
	exec := func(ctx context.Context, q string, args ...any) (sql.Result, error) {
		return tx.exec(ctx, q, args...)
	}
	query := func(ctx context.Context, q string, args ...any) (*sql.Rows, error) {
		return tx.query(ctx, q, args...)
	}
	type facts struct{ sender, meeting, context string }
	sums := map[dailyKey]int64{}
	blocks := map[metrics.Block][]metrics.Cell{}
	var states []any
	var people peopleRows
	flushStates := func() error {
		if len(states) == 0 {
			return nil
		}
		q := `INSERT INTO rollup_handoffs (handoff_id, state) VALUES ` + values(2, len(states)/2)
		if _, err := tx.exec(ctx, q, states...); err != nil {
			return fmt.Errorf("postgres: rebuild rollups: %w", err)
		}
		states = states[:0]
		return people.write(ctx, exec)
	}
	// done stores handoff id's state h.
	done := func(id string, h *metrics.RollupHandoff, f facts) error {
		if !h.Created {
			return nil
		}
		setFacts(h, f.sender, f.meeting, f.context)
		for _, b := range h.BlockCells() {
			blocks[b.Block] = metrics.AddCells(blocks[b.Block], b.Cells)
		}
		if len(blocks) >= rebuildBlocks {
			if err := blocksql.Append(ctx, query, exec, blocks); err != nil {
				return err
			}
			clear(blocks)
		}
		people.change(id, &metrics.RollupHandoff{}, h)
		b, err := json.Marshal(h)
		if err != nil {
			return fmt.Errorf("postgres: rebuild rollups: %w", err)
		}
		states = append(states, id, string(b))
		if len(states) >= 1000 {
			return flushStates()
		}
		return nil
	}
	after := ""
	for {
		// The page: the next rebuildPage handoffs of the log.
		rows, err := tx.query(ctx, `SELECT handoff_id FROM handoff_events WHERE handoff_id > ? GROUP BY handoff_id ORDER BY handoff_id LIMIT ?`, after, rebuildPage)
		ids, err := collect(rows, err, func(row scanner) (*string, error) {
			var id string
			return &id, row.Scan(&id)
		})
		if err != nil {
			return fmt.Errorf("postgres: rebuild rollups: %w", err)
		}
		if len(ids) == 0 {
			break
		}
		first, last := *ids[0], *ids[len(ids)-1]
		rows, err = tx.query(ctx, `SELECT `+eventCols+` FROM handoff_events WHERE handoff_id >= ? AND handoff_id <= ? ORDER BY handoff_id, seq`, first, last)
		events, err := collect(rows, err, scanEvent)
		if err != nil {
			return fmt.Errorf("postgres: rebuild rollups: %w", err)
		}
		byID := map[string]facts{}
		rows, err = tx.query(ctx, `SELECT id, sender_id, meeting_id, context FROM handoffs WHERE id >= ? AND id <= ?`, first, last)
		if err != nil {
			return fmt.Errorf("postgres: rebuild rollups: %w", err)
		}
		for rows.Next() {
			var id string
			var f facts
			if err := rows.Scan(&id, &f.sender, &f.meeting, &f.context); err != nil {
				rows.Close()
				return fmt.Errorf("postgres: rebuild rollups: %w", err)
			}
			byID[id] = f
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return fmt.Errorf("postgres: rebuild rollups: %w", err)
		}
		var cur string
		var h metrics.RollupHandoff
		for _, e := range events {
			if e.HandoffID != cur {
				if cur != "" {
					if err := done(cur, &h, byID[cur]); err != nil {
						return err
					}
				}
				cur, h = e.HandoffID, metrics.RollupHandoff{}
			}
			deltas, err := h.Apply(e)
			if err != nil {
				return err
			}
			for _, d := range deltas {
				sums[dailyKey{d.Day, d.Metric, d.Key, d.Bucket}] += d.N
			}
		}
		if cur != "" {
			if err := done(cur, &h, byID[cur]); err != nil {
				return err
			}
		}
		after = last
	}
	if err := flushStates(); err != nil {
		return err
	}
	if err := blocksql.Append(ctx, query, exec, blocks); err != nil {
		return err
	}
	if err := fillTeams(ctx, tx); err != nil {
		return err
	}
	if err := compactAll(ctx, tx); err != nil {
		return err
	}
	return writeDaily(ctx, exec, sums)
}

// compactAll compacts every block that has appended deltas.
func compactAll(ctx context.Context, tx *Tx) error {
	rows, err := tx.query(ctx, `SELECT dim, lvl, period, key FROM rollup_blocks WHERE appends > 0`)
	if err != nil {
		return fmt.Errorf("postgres: compact rollup blocks: %w", err)
	}
	var list []metrics.Block
	for rows.Next() {
		var b metrics.Block
		if err := rows.Scan(&b.Dim, &b.Level, &b.Period, &b.Key); err != nil {
			rows.Close()
			return fmt.Errorf("postgres: compact rollup blocks: %w", err)
		}
		list = append(list, b)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return fmt.Errorf("postgres: compact rollup blocks: %w", err)
	}
	exec := func(ctx context.Context, q string, args ...any) (sql.Result, error) {
		return tx.exec(ctx, q, args...)
	}
	query := func(ctx context.Context, q string, args ...any) (*sql.Rows, error) {
		return tx.query(ctx, q, args...)
	}
	for _, b := range list {
		if err := blocksql.Compact(ctx, query, exec, b); err != nil {
			return err
		}
	}
	return nil
}
