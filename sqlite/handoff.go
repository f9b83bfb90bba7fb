package sqlite

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/batonhq/baton"
	"github.com/batonhq/baton/internal/ctxcodec"
	"github.com/batonhq/baton/internal/tracecodec"
)

const handoffCols = `id, type, state, tier, from_team, to_team, account_id, contact_id, signal_id, meeting_id, owner_id, backup_id,
	sender_id, generation, accept_by, first_touch_by, fix_by, breached, signals, outcome, gaps, trace, created_at, updated_at,
	accepted_at, first_touch_at, closed_at, assigned_at, paused_at, priority, context`

func scanHandoff(row scanner) (*baton.Handoff, error) {
	var h baton.Handoff
	var acceptBy, touchBy, fixBy, created, updated, accepted, touched, closed, assigned, paused int64
	var gaps, trace, context string
	if err := row.Scan(&h.ID, &h.Type, &h.State, &h.Tier, &h.FromTeam, &h.ToTeam, &h.AccountID, &h.ContactID, &h.SignalID,
		&h.MeetingID, &h.OwnerID, &h.BackupID, &h.SenderID, &h.Generation, &acceptBy, &touchBy, &fixBy, &h.Breached,
		&h.Signals, &h.Outcome, &gaps, &trace, &created, &updated, &accepted, &touched, &closed, &assigned, &paused, &h.Priority, &context); err != nil {
		return nil, err
	}
	if err := json.Unmarshal([]byte(gaps), &h.Gaps); err != nil {
		return nil, fmt.Errorf("decode gaps: %w", err)
	}
	var err error
	if h.Trace, err = tracecodec.Decode(trace); err != nil {
		return nil, err
	}
	if h.Context, err = ctxcodec.Decode(context); err != nil {
		return nil, err
	}
	h.AcceptBy, h.FirstTouchBy, h.FixBy = fromMS(acceptBy), fromMS(touchBy), fromMS(fixBy)
	h.CreatedAt, h.UpdatedAt = fromMS(created), fromMS(updated)
	h.AcceptedAt, h.FirstTouchAt, h.ClosedAt = fromMS(accepted), fromMS(touched), fromMS(closed)
	h.AssignedAt, h.PausedAt = fromMS(assigned), fromMS(paused)
	return &h, nil
}

func handoffArgs(h *baton.Handoff) []any {
	gaps := h.Gaps
	if gaps == nil {
		gaps = []string{}
	}
	return []any{h.ID, h.Type, h.State, h.Tier, h.FromTeam, h.ToTeam, h.AccountID, h.ContactID, h.SignalID, h.MeetingID,
		h.OwnerID, h.BackupID, h.SenderID, h.Generation, ms(h.AcceptBy), ms(h.FirstTouchBy), ms(h.FixBy), h.Breached,
		h.Signals, h.Outcome, jsonText(gaps), tracecodec.Encode(h.Trace), ms(h.CreatedAt), ms(h.UpdatedAt), ms(h.AcceptedAt),
		ms(h.FirstTouchAt), ms(h.ClosedAt), ms(h.AssignedAt), ms(h.PausedAt), h.Priority, ctxcodec.Encode(h.Context)}
}

// Handoff finds a handoff by id.
func (tx *Tx) Handoff(ctx context.Context, id string) (*baton.Handoff, error) {
	h, err := scanHandoff(tx.queryRow(ctx, `SELECT `+handoffCols+` FROM handoffs WHERE id = ?`, id))
	if err != nil {
		return nil, notFound(err, "handoff", id)
	}
	return h, nil
}

// OpenHandoffFor finds the newest open handoff of a type for a contact.
func (tx *Tx) OpenHandoffFor(ctx context.Context, contactID, typ string, since time.Time) (*baton.Handoff, error) {
	return tx.openHandoff(ctx, "contact_id", contactID, typ, since)
}

// OpenHandoffForAccount finds the newest open handoff of a type for an account.
func (tx *Tx) OpenHandoffForAccount(ctx context.Context, accountID, typ string, since time.Time) (*baton.Handoff, error) {
	return tx.openHandoff(ctx, "account_id", accountID, typ, since)
}

// openHandoff finds the newest open handoff of a type by a key column
// (contact_id or account_id, never user input).
func (tx *Tx) openHandoff(ctx context.Context, column, id, typ string, since time.Time) (*baton.Handoff, error) {
	h, err := scanHandoff(tx.queryRow(ctx, `SELECT `+handoffCols+` FROM handoffs
		WHERE `+column+` = ? AND type = ? AND created_at >= ? AND state NOT IN ('completed', 'cancelled')
		ORDER BY created_at DESC LIMIT 1`, id, typ, ms(since)))
	if err != nil {
		return nil, notFound(err, "open handoff for "+strings.TrimSuffix(column, "_id"), id)
	}
	return h, nil
}

// InsertHandoff stores a new handoff.
func (tx *Tx) InsertHandoff(ctx context.Context, h *baton.Handoff) error {
	_, err := tx.exec(ctx, `INSERT INTO handoffs (`+handoffCols+`) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, handoffArgs(h)...)
	if err != nil {
		return fmt.Errorf("sqlite: insert handoff %s: %w", h.ID, err)
	}
	return nil
}

// UpdateHandoff writes a handoff's current projection.
func (tx *Tx) UpdateHandoff(ctx context.Context, h *baton.Handoff) error {
	args := handoffArgs(h)
	res, err := tx.exec(ctx, `UPDATE handoffs SET type = ?2, state = ?3, tier = ?4, from_team = ?5, to_team = ?6, account_id = ?7,
		contact_id = ?8, signal_id = ?9, meeting_id = ?10, owner_id = ?11, backup_id = ?12, sender_id = ?13, generation = ?14,
		accept_by = ?15, first_touch_by = ?16, fix_by = ?17, breached = ?18, signals = ?19, outcome = ?20, gaps = ?21,
		trace = ?22, created_at = ?23, updated_at = ?24, accepted_at = ?25, first_touch_at = ?26, closed_at = ?27,
		assigned_at = ?28, paused_at = ?29, priority = ?30, context = ?31 WHERE id = ?1`, args...)
	if err != nil {
		return fmt.Errorf("sqlite: update handoff %s: %w", h.ID, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return baton.Errorf(baton.ENOTFOUND, "handoff %s not found", h.ID)
	}
	return nil
}

// Handoffs lists handoffs newest first, one page at a time.
func (tx *Tx) Handoffs(ctx context.Context, f baton.HandoffFilter) ([]*baton.Handoff, string, error) {
	q, args, limit, err := handoffsQuery(f)
	if err != nil {
		return nil, "", err
	}
	rows, err := tx.query(ctx, q, args...)
	list, err := collect(rows, err, scanHandoff)
	if err != nil {
		return nil, "", fmt.Errorf("sqlite: list handoffs: %w", err)
	}
	var next string
	if len(list) > limit {
		list = list[:limit]
		last := list[limit-1]
		next = base64.RawURLEncoding.EncodeToString([]byte(strconv.FormatInt(ms(last.CreatedAt), 10) + ":" + last.ID))
	}
	return list, next, nil
}

// handoffsQuery is the query of a handoff list and the page size. It asks
// for one row more than the page, to know whether another page follows.
func handoffsQuery(f baton.HandoffFilter) (q string, args []any, limit int, err error) {
	var where []string
	if f.VisibleTo != nil {
		// Each term of the OR has its own index (owner_id, backup_id,
		// sender_id), so SQLite unions index lookups rather than scanning.
		c, a := visibleTo(f.VisibleTo)
		where, args = append(where, c), append(args, a...)
	}
	if f.OwnerID != "" {
		where, args = append(where, "owner_id = ?"), append(args, f.OwnerID)
	}
	if f.AccountID != "" {
		where, args = append(where, "account_id = ?"), append(args, f.AccountID)
	}
	if f.State != "" {
		where, args = append(where, "state = ?"), append(args, f.State)
	}
	if f.Open {
		where = append(where, "state NOT IN ('completed', 'cancelled')")
	}
	if f.Type != "" {
		where, args = append(where, "type = ?"), append(args, f.Type)
	}
	if f.Breached != nil {
		where, args = append(where, "breached = ?"), append(args, *f.Breached)
	}
	where, args, err = filterWhere(f, where, args)
	if err != nil {
		return "", nil, 0, err
	}
	if f.Cursor != "" {
		created, id, err := decodeCursor(f.Cursor)
		if err != nil {
			return "", nil, 0, err
		}
		where, args = append(where, "(created_at < ? OR (created_at = ? AND id < ?))"), append(args, created, created, id)
	}
	limit = f.Limit
	if limit <= 0 || limit > 500 {
		limit = 50
	}
	q = `SELECT ` + handoffCols + ` FROM handoffs`
	if len(where) > 0 {
		q += " WHERE " + strings.Join(where, " AND ")
	}
	q += " ORDER BY created_at DESC, id DESC LIMIT ?"
	return q, append(args, limit+1), limit, nil
}

// visibleTo is the condition "owned, backed up or sent by one of ids" on
// the handoffs table, with its arguments. No ids match nothing, and a blank
// id matches nothing: it would match every handoff with no backup.
func visibleTo(ids []string) (string, []any) {
	ids = slices.DeleteFunc(slices.Clone(ids), func(id string) bool { return id == "" })
	if len(ids) == 0 {
		return "0", nil
	}
	in := "(?" + strings.Repeat(", ?", len(ids)-1) + ")"
	args := make([]any, 0, 3*len(ids))
	for range 3 {
		for _, id := range ids {
			args = append(args, id)
		}
	}
	return "(owner_id IN " + in + " OR backup_id IN " + in + " OR sender_id IN " + in + ")", args
}

func decodeCursor(c string) (int64, string, error) {
	b, err := base64.RawURLEncoding.DecodeString(c)
	if err == nil {
		created, id, ok := strings.Cut(string(b), ":")
		if n, err := strconv.ParseInt(created, 10, 64); ok && err == nil {
			return n, id, nil
		}
	}
	return 0, "", &baton.Error{Code: baton.EINVALID, Message: "invalid cursor", Fields: []baton.FieldError{{Field: "cursor", Message: "is not a cursor from a previous page"}}}
}

// AppendEvent adds an event to a handoff's log and sets its Seq.
func (tx *Tx) AppendEvent(ctx context.Context, e *baton.Event) error {
	return tx.AppendEvents(ctx, e)
}

// AppendEvents adds events to their handoffs' logs, in order, in one
// statement per maxRows events, and sets each one's Seq.
func (tx *Tx) AppendEvents(ctx context.Context, es ...*baton.Event) error {
	for len(es) > 0 {
		n := min(len(es), maxRows)
		if err := tx.appendEvents(ctx, es[:n]); err != nil {
			return err
		}
		es = es[n:]
	}
	return nil
}

func (tx *Tx) appendEvents(ctx context.Context, es []*baton.Event) error {
	args := make([]any, 0, 9*len(es))
	for _, e := range es {
		var data any
		if len(e.Data) > 0 {
			data = string(e.Data)
		}
		args = append(args, e.HandoffID, e.Kind, ms(e.At), e.Actor, e.FromState, e.ToState, e.OwnerID, e.Reason, data)
	}
	res, err := tx.exec(ctx, `INSERT INTO handoff_events (handoff_id, kind, at, actor, from_state, to_state, owner_id, reason, data) VALUES `+
		valueRows("(?, ?, ?, ?, ?, ?, ?, ?, ?)", len(es)), args...)
	if err != nil {
		if len(es) == 1 {
			return fmt.Errorf("sqlite: append event %s to %s: %w", es[0].Kind, es[0].HandoffID, err)
		}
		return fmt.Errorf("sqlite: append %d events to %s: %w", len(es), es[0].HandoffID, err)
	}
	// seq is an AUTOINCREMENT key: each row takes one more than the largest
	// ever used, so one statement's rows have consecutive seqs in order,
	// the last one's the last insert id.
	last, err := res.LastInsertId()
	if err != nil {
		return fmt.Errorf("sqlite: append events to %s: %w", es[0].HandoffID, err)
	}
	for i, e := range es {
		e.Seq = last - int64(len(es)-1-i)
		tx.stale = append(tx.stale, e.HandoffID)
		if err := tx.rollupEvent(ctx, e); err != nil {
			return err
		}
	}
	return nil
}

func scanEvent(row scanner) (*baton.Event, error) {
	var e baton.Event
	var at int64
	var data *string
	if err := row.Scan(&e.Seq, &e.HandoffID, &e.Kind, &at, &e.Actor, &e.FromState, &e.ToState, &e.OwnerID, &e.Reason, &data); err != nil {
		return nil, err
	}
	e.At = fromMS(at)
	if data != nil {
		e.Data = json.RawMessage(*data)
	}
	return &e, nil
}

const eventCols = `seq, handoff_id, kind, at, actor, from_state, to_state, owner_id, reason, data`

// Events returns a handoff's log in order.
func (tx *Tx) Events(ctx context.Context, handoffID string) ([]*baton.Event, error) {
	rows, err := tx.query(ctx, `SELECT `+eventCols+` FROM handoff_events WHERE handoff_id = ? ORDER BY seq`, handoffID)
	out, err := collect(rows, err, scanEvent)
	if err != nil {
		return nil, fmt.Errorf("sqlite: events of %s: %w", handoffID, err)
	}
	return out, nil
}

// EventsBetween streams events with at in [from, to), in log order.
func (tx *Tx) EventsBetween(ctx context.Context, from, to time.Time, fn func(*baton.Event) error) error {
	rows, err := tx.query(ctx, `SELECT `+eventCols+` FROM handoff_events WHERE at >= ? AND at < ? ORDER BY seq`, ms(from), ms(to))
	if err != nil {
		return fmt.Errorf("sqlite: events between: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		e, err := scanEvent(rows)
		if err != nil {
			return fmt.Errorf("sqlite: events between: %w", err)
		}
		if err := fn(e); err != nil {
			return err
		}
	}
	return rows.Err()
}

// Meeting finds a meeting by id.
func (tx *Tx) Meeting(ctx context.Context, id string) (*baton.Meeting, error) {
	var m baton.Meeting
	var starts, dur, created, updated int64
	var attendees string
	err := tx.queryRow(ctx, `SELECT id, handoff_id, starts_at, duration, timezone, agenda, type, attendees, status, sequence, reschedules,
		created_at, updated_at FROM meetings WHERE id = ?`, id).Scan(&m.ID, &m.HandoffID, &starts, &dur, &m.TimeZone, &m.Agenda, &m.Type, &attendees,
		&m.Status, &m.Sequence, &m.Reschedules, &created, &updated)
	if err != nil {
		return nil, notFound(err, "meeting", id)
	}
	if err := json.Unmarshal([]byte(attendees), &m.Attendees); err != nil {
		return nil, fmt.Errorf("sqlite: decode meeting %s attendees: %w", id, err)
	}
	m.StartsAt, m.Duration = fromMS(starts), baton.Duration(time.Duration(dur)*time.Millisecond)
	m.CreatedAt, m.UpdatedAt = fromMS(created), fromMS(updated)
	return &m, nil
}

// InsertMeeting stores a meeting.
func (tx *Tx) InsertMeeting(ctx context.Context, m *baton.Meeting) error {
	att := m.Attendees
	if att == nil {
		att = []baton.Attendee{}
	}
	_, err := tx.exec(ctx, `INSERT INTO meetings (id, handoff_id, starts_at, duration, timezone, agenda, type, attendees, status, sequence, reschedules,
		created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, m.ID, m.HandoffID, ms(m.StartsAt), time.Duration(m.Duration).Milliseconds(),
		m.TimeZone, m.Agenda, m.Type, jsonText(att), m.Status, m.Sequence, m.Reschedules, ms(m.CreatedAt), ms(m.UpdatedAt))
	if err != nil {
		return fmt.Errorf("sqlite: insert meeting %s: %w", m.ID, err)
	}
	return nil
}

const activityCols = `id, handoff_id, name, label, owner_id, due_at, done_at, status, created_at, outcome`

func scanActivity(row scanner) (*baton.Activity, error) {
	var a baton.Activity
	var due, done, created int64
	if err := row.Scan(&a.ID, &a.HandoffID, &a.Name, &a.Label, &a.OwnerID, &due, &done, &a.Status, &created, &a.Outcome); err != nil {
		return nil, err
	}
	a.DueAt, a.DoneAt, a.CreatedAt = fromMS(due), fromMS(done), fromMS(created)
	return &a, nil
}

// InsertActivities stores new activities.
func (tx *Tx) InsertActivities(ctx context.Context, as ...*baton.Activity) error {
	for _, a := range as {
		_, err := tx.exec(ctx, `INSERT INTO activities (`+activityCols+`) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			a.ID, a.HandoffID, a.Name, a.Label, a.OwnerID, ms(a.DueAt), ms(a.DoneAt), a.Status, ms(a.CreatedAt), a.Outcome)
		if isUnique(err) {
			return baton.Errorf(baton.ECONFLICT, "activity %s already exists on handoff %s", a.Name, a.HandoffID)
		} else if err != nil {
			return fmt.Errorf("sqlite: insert activity %s: %w", a.Name, err)
		}
	}
	return nil
}

// Activities lists a handoff's activities by due time.
func (tx *Tx) Activities(ctx context.Context, handoffID string) ([]*baton.Activity, error) {
	rows, err := tx.query(ctx, `SELECT `+activityCols+` FROM activities WHERE handoff_id = ? ORDER BY due_at, name`, handoffID)
	out, err := collect(rows, err, scanActivity)
	if err != nil {
		return nil, fmt.Errorf("sqlite: activities of %s: %w", handoffID, err)
	}
	return out, nil
}

// Activity finds an activity by id.
func (tx *Tx) Activity(ctx context.Context, id string) (*baton.Activity, error) {
	a, err := scanActivity(tx.queryRow(ctx, `SELECT `+activityCols+` FROM activities WHERE id = ?`, id))
	if err != nil {
		return nil, notFound(err, "activity", id)
	}
	return a, nil
}

// UpdateActivity writes an activity's due time, status and completion.
func (tx *Tx) UpdateActivity(ctx context.Context, a *baton.Activity) error {
	res, err := tx.exec(ctx, `UPDATE activities SET owner_id = ?, due_at = ?, done_at = ?, status = ? WHERE id = ?`,
		a.OwnerID, ms(a.DueAt), ms(a.DoneAt), a.Status, a.ID)
	if err != nil {
		return fmt.Errorf("sqlite: update activity %s: %w", a.ID, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return baton.Errorf(baton.ENOTFOUND, "activity %s not found", a.ID)
	}
	return nil
}

// UpdateMeeting writes a meeting's time, status, sequence and reschedule
// count.
func (tx *Tx) UpdateMeeting(ctx context.Context, m *baton.Meeting) error {
	res, err := tx.exec(ctx, `UPDATE meetings SET starts_at = ?, duration = ?, timezone = ?, agenda = ?, status = ?, sequence = ?, reschedules = ?,
		updated_at = ? WHERE id = ?`,
		ms(m.StartsAt), time.Duration(m.Duration).Milliseconds(), m.TimeZone, m.Agenda, m.Status, m.Sequence, m.Reschedules, ms(m.UpdatedAt), m.ID)
	if err != nil {
		return fmt.Errorf("sqlite: update meeting %s: %w", m.ID, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return baton.Errorf(baton.ENOTFOUND, "meeting %s not found", m.ID)
	}
	return nil
}

// NoShows counts a contact's no-show outcomes on other handoffs.
func (tx *Tx) NoShows(ctx context.Context, contactID, except string) (int, error) {
	var n int
	err := tx.queryRow(ctx, `SELECT count(*) FROM handoffs WHERE contact_id = ? AND id <> ? AND outcome = 'no_show'`, contactID, except).Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("sqlite: no-shows of %s: %w", contactID, err)
	}
	return n, nil
}
