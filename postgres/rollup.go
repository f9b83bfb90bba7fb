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
	"github.com/batonhq/baton/metrics"
)

// staleKey is the setting present while the rollups need a rebuild.
const staleKey = "rollups_stale"

// The rollups are kept at the end of each command: AppendEvent queues the
// event, and flushRollups (called by run when the command's function
// returns, inside its savepoint) folds the queued events of each handoff
// into its state, reads the facts the log lacks (sender, meeting, deal
// value) from the handoff as the command left it, and writes the changes
// with one multi-row statement per table: the handoff states, the
// dashboard's day rows (rollup_daily) and the figure blocks (rollup_blocks,
// read, merged and written back).

// rollupEvent queues a new event for the rollups of its command.
func (tx *Tx) rollupEvent(_ context.Context, e *baton.Event) error {
	tx.pending = append(tx.pending, e)
	return nil
}

// flushRollups folds the queued events into the rollups.
func (tx *Tx) flushRollups(ctx context.Context) error {
	if len(tx.pending) == 0 {
		return nil
	}
	pending := tx.pending
	tx.pending = nil
	var order []string
	byID := map[string][]*baton.Event{}
	for _, e := range pending {
		if byID[e.HandoffID] == nil {
			order = append(order, e.HandoffID)
		}
		byID[e.HandoffID] = append(byID[e.HandoffID], e)
	}
	daily := map[dailyKey]int64{}
	blocks := map[metrics.Block][]metrics.Cell{}
	var states []any
	var people peopleRows
	for _, id := range order {
		var state, sender, meeting, context sql.NullString
		err := tx.queryRow(ctx, `SELECT (SELECT state FROM rollup_handoffs WHERE handoff_id = ?1), h.sender_id, h.meeting_id, h.context
			FROM (SELECT 1) AS one LEFT JOIN handoffs h ON h.id = ?1`, id).Scan(&state, &sender, &meeting, &context)
		if err != nil {
			return fmt.Errorf("postgres: rollup of %s: %w", id, err)
		}
		var h metrics.RollupHandoff
		if state.Valid {
			if err := json.Unmarshal([]byte(state.String), &h); err != nil {
				return fmt.Errorf("postgres: rollup of %s: %w", id, err)
			}
		}
		before := h
		for _, e := range byID[id] {
			deltas, err := h.Apply(e)
			if err != nil {
				return err
			}
			for _, d := range deltas {
				daily[dailyKey{d.Day, d.Metric, d.Key, d.Bucket}] += d.N
			}
		}
		if !h.Created {
			continue // its created event predates the rollups' log
		}
		setFacts(&h, sender.String, meeting.String, context.String)
		for _, d := range metrics.Changes(&before, &h) {
			blocks[d.Block] = metrics.AddCells(blocks[d.Block], d.Cells)
		}
		people.change(id, &before, &h)
		b, err := json.Marshal(&h)
		if err != nil {
			return fmt.Errorf("postgres: rollup of %s: %w", id, err)
		}
		states = append(states, id, string(b), h.Day, h.Owner, h.Sender)
	}
	if len(states) > 0 {
		q := `INSERT INTO rollup_handoffs (handoff_id, state, day, owner_id, sender_id) VALUES ` + values(5, len(states)/5) +
			` ON CONFLICT (handoff_id) DO UPDATE SET state = excluded.state, day = excluded.day, owner_id = excluded.owner_id, sender_id = excluded.sender_id`
		if _, err := tx.exec(ctx, q, states...); err != nil {
			return fmt.Errorf("postgres: rollup states: %w", err)
		}
	}
	if err := writeDaily(ctx, tx.exec, daily); err != nil {
		return err
	}
	if err := people.write(ctx, tx.exec); err != nil {
		return err
	}
	return tx.mergeBlocks(ctx, blocks)
}

// peopleRows are changes to rollup_people: rows to delete (a handoff that
// moved to another owner, sender or day) and rows to write.
type peopleRows struct {
	del, put []any
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
			p.del = append(p.del, person, before.Day, id)
		}
	}
	for _, person := range pa {
		p.put = append(p.put, person, after.Day, id, row)
	}
}

// peopleChunk is how many rows one statement writes.
const peopleChunk = 250

// write applies the changes and empties p. The deleted keys are typed:
// PostgreSQL takes the parameters of a bare VALUES list for text.
func (p *peopleRows) write(ctx context.Context, exec execFunc) error {
	for len(p.del) > 0 {
		n := min(len(p.del)/3, peopleChunk)
		one := "(?::text, ?::bigint, ?::text)"
		q := `DELETE FROM rollup_people WHERE (person_id, day, handoff_id) IN (VALUES ` + one + strings.Repeat(", "+one, n-1) + `)`
		if _, err := exec(ctx, q, p.del[:3*n]...); err != nil {
			return fmt.Errorf("postgres: rollup people: %w", err)
		}
		p.del = p.del[3*n:]
	}
	for len(p.put) > 0 {
		n := min(len(p.put)/4, peopleChunk)
		q := `INSERT INTO rollup_people (person_id, day, handoff_id, row) VALUES ` + values(4, n) +
			` ON CONFLICT (person_id, day, handoff_id) DO UPDATE SET row = excluded.row`
		if _, err := exec(ctx, q, p.put[:4*n]...); err != nil {
			return fmt.Errorf("postgres: rollup people: %w", err)
		}
		p.put = p.put[4*n:]
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
		f.Value, h.ContextSum = metrics.DealValueJSON(context), sum
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

type execFunc func(ctx context.Context, query string, args ...any) (sql.Result, error)

// writeDaily adds sums to rollup_daily, 500 rows a statement.
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
	for k, n := range sums {
		if n == 0 {
			continue
		}
		args = append(args, k.day, k.metric, k.key, k.bucket, n)
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

// blockChunk is how many blocks one statement writes.
const blockChunk = 64

// compactAfter is how many deltas a block collects before they are merged.
const compactAfter = 32

// mergeBlocks adds deltas to their blocks (appendBlocks).
func (tx *Tx) mergeBlocks(ctx context.Context, deltas map[metrics.Block][]metrics.Cell) error {
	return appendBlocks(ctx, tx.query, tx.exec, deltas)
}

type queryFunc func(ctx context.Context, query string, args ...any) (*sql.Rows, error)

// appendBlocks adds deltas to their blocks without reading them: each
// delta's encoded cells are appended to its block's (readers sum cells
// that repeat), in one statement per blockChunk blocks, so a command
// rewrites no block it does not need to read. A block that has collected
// compactAfter deltas is merged back into sorted, distinct cells
// (compactBlock), so blocks stay small.
func appendBlocks(ctx context.Context, query queryFunc, exec execFunc, deltas map[metrics.Block][]metrics.Cell) error {
	keys := make([]metrics.Block, 0, len(deltas))
	for b, cs := range deltas {
		if len(cs) > 0 {
			keys = append(keys, b)
		}
	}
	// A stable order keeps the statements' texts few and their locks in
	// one order.
	slices.SortFunc(keys, func(a, b metrics.Block) int {
		return cmp.Or(cmp.Compare(a.Dim, b.Dim), cmp.Compare(a.Level, b.Level), cmp.Compare(a.Period, b.Period), cmp.Compare(a.Key, b.Key))
	})
	var full []metrics.Block
	for len(keys) > 0 {
		chunk := keys[:min(len(keys), blockChunk)]
		keys = keys[len(chunk):]
		args := make([]any, 0, 5*len(chunk))
		for _, b := range chunk {
			args = append(args, b.Dim, b.Level, b.Period, b.Key, metrics.EncodeCells(deltas[b]))
		}
		rows, err := query(ctx, `INSERT INTO rollup_blocks (dim, lvl, period, key, cells) VALUES `+values(5, len(chunk))+`
			ON CONFLICT (dim, lvl, period, key) DO UPDATE SET cells = rollup_blocks.cells || excluded.cells, appends = rollup_blocks.appends + 1
			RETURNING dim, lvl, period, key, appends`, args...)
		if err != nil {
			return fmt.Errorf("postgres: rollup blocks: %w", err)
		}
		for rows.Next() {
			var b metrics.Block
			var n int
			if err := rows.Scan(&b.Dim, &b.Level, &b.Period, &b.Key, &n); err != nil {
				rows.Close()
				return fmt.Errorf("postgres: rollup blocks: %w", err)
			}
			if n >= compactAfter {
				full = append(full, b)
			}
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return fmt.Errorf("postgres: rollup blocks: %w", err)
		}
	}
	for _, b := range full {
		if err := compactBlock(ctx, query, exec, b); err != nil {
			return err
		}
	}
	return nil
}

// compactBlock merges a block's appended deltas into sorted, distinct,
// non-zero cells.
func compactBlock(ctx context.Context, query queryFunc, exec execFunc, b metrics.Block) error {
	rows, err := query(ctx, `SELECT cells FROM rollup_blocks WHERE dim = ? AND lvl = ? AND period = ? AND key = ?`, b.Dim, b.Level, b.Period, b.Key)
	if err != nil {
		return fmt.Errorf("postgres: compact rollup block: %w", err)
	}
	var cells []metrics.Cell
	for rows.Next() {
		var raw sql.RawBytes
		if err := rows.Scan(&raw); err != nil {
			rows.Close()
			return fmt.Errorf("postgres: compact rollup block: %w", err)
		}
		if cells, err = metrics.DecodeCells(cells, raw); err != nil {
			rows.Close()
			return fmt.Errorf("postgres: compact rollup block %v: %w", b, err)
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return fmt.Errorf("postgres: compact rollup block: %w", err)
	}
	if _, err := exec(ctx, `UPDATE rollup_blocks SET cells = ?, appends = 0 WHERE dim = ? AND lvl = ? AND period = ? AND key = ?`,
		metrics.EncodeCells(metrics.SumCells(cells)), b.Dim, b.Level, b.Period, b.Key); err != nil {
		return fmt.Errorf("postgres: compact rollup block: %w", err)
	}
	return nil
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
	return rebuildStep(ctx, w, peopleStaleKey, fillPeople)
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

// rebuildRollups replays the log one handoff at a time (by the
// handoff_events_handoff index), beside the handoffs in id order for the
// facts the log lacks, so memory holds one handoff's state, the day rows
// and at most rebuildBlocks blocks, not the log.
func rebuildRollups(ctx context.Context, tx *Tx) error {
	for _, q := range []string{`DELETE FROM rollup_daily`, `DELETE FROM rollup_handoffs`, `DELETE FROM rollup_blocks`, `DELETE FROM rollup_people`,
		`DELETE FROM settings WHERE key IN ('` + staleKey + `', '` + peopleStaleKey + `')`} {
		if _, err := tx.exec(ctx, q); err != nil {
			return fmt.Errorf("postgres: rebuild rollups: %w", err)
		}
	}
	rows, err := tx.query(ctx, `SELECT `+eventCols+` FROM handoff_events ORDER BY handoff_id, seq`)
	if err != nil {
		return fmt.Errorf("postgres: rebuild rollups: %w", err)
	}
	defer rows.Close()
	facts, err := tx.query(ctx, `SELECT id, sender_id, meeting_id, context FROM handoffs ORDER BY id`)
	if err != nil {
		return fmt.Errorf("postgres: rebuild rollups: %w", err)
	}
	defer facts.Close()
	var fid, fsender, fmeeting, fcontext string
	factsDone := false
	// factsOf advances the handoffs cursor to id.
	factsOf := func(id string) (sender, meeting, context string, err error) {
		for !factsDone && fid < id {
			if !facts.Next() {
				factsDone = true
				if err := facts.Err(); err != nil {
					return "", "", "", err
				}
				break
			}
			if err := facts.Scan(&fid, &fsender, &fmeeting, &fcontext); err != nil {
				return "", "", "", err
			}
		}
		if fid == id {
			return fsender, fmeeting, fcontext, nil
		}
		return "", "", "", nil
	}
	exec := func(ctx context.Context, q string, args ...any) (sql.Result, error) {
		return tx.exec(ctx, q, args...)
	}
	query := func(ctx context.Context, q string, args ...any) (*sql.Rows, error) {
		return tx.query(ctx, q, args...)
	}
	sums := map[dailyKey]int64{}
	blocks := map[metrics.Block][]metrics.Cell{}
	var states []any
	var people peopleRows
	flushStates := func() error {
		if len(states) == 0 {
			return nil
		}
		q := `INSERT INTO rollup_handoffs (handoff_id, state, day, owner_id, sender_id) VALUES ` + values(5, len(states)/5)
		if _, err := tx.exec(ctx, q, states...); err != nil {
			return fmt.Errorf("postgres: rebuild rollups: %w", err)
		}
		states = states[:0]
		return people.write(ctx, exec)
	}
	var cur string
	var h metrics.RollupHandoff
	done := func() error {
		if cur == "" || !h.Created {
			return nil
		}
		sender, meeting, context, err := factsOf(cur)
		if err != nil {
			return fmt.Errorf("postgres: rebuild rollups: %w", err)
		}
		setFacts(&h, sender, meeting, context)
		cells := h.Cells()
		for _, b := range h.Blocks() {
			blocks[b] = metrics.AddCells(blocks[b], cells)
		}
		if len(blocks) >= rebuildBlocks {
			if err := appendBlocks(ctx, query, exec, blocks); err != nil {
				return err
			}
			clear(blocks)
		}
		people.change(cur, &metrics.RollupHandoff{}, &h)
		b, err := json.Marshal(&h)
		if err != nil {
			return fmt.Errorf("postgres: rebuild rollups: %w", err)
		}
		states = append(states, cur, string(b), h.Day, h.Owner, h.Sender)
		if len(states) >= 1000 {
			return flushStates()
		}
		return nil
	}
	for rows.Next() {
		e, err := scanEvent(rows)
		if err != nil {
			return fmt.Errorf("postgres: rebuild rollups: %w", err)
		}
		if e.HandoffID != cur {
			if err := done(); err != nil {
				return err
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
	if err := rows.Err(); err != nil {
		return fmt.Errorf("postgres: rebuild rollups: %w", err)
	}
	if err := done(); err != nil {
		return err
	}
	if err := flushStates(); err != nil {
		return err
	}
	if err := appendBlocks(ctx, query, exec, blocks); err != nil {
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
		if err := compactBlock(ctx, query, exec, b); err != nil {
			return err
		}
	}
	return nil
}
