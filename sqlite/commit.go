package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/batonhq/baton"
)

type writeReq struct {
	ctx  context.Context
	fn   func(baton.Tx) error
	done chan error
}

var (
	errClosed   = errors.New("sqlite: store is closed")
	errReadOnly = errors.New("sqlite: store is open read-only")
)

// Update runs fn in a write transaction, possibly shared with other callers'
// functions (each under its own savepoint). It returns fn's error, or the
// commit's. It waits for the outcome even if ctx is cancelled once the work
// is queued, so the caller always learns whether it committed: fn's
// statements run on the writer's context, so cancelling ctx never
// interrupts them. A lock held elsewhere or a full disk is an EUNAVAILABLE
// error.
func (db *DB) Update(ctx context.Context, fn func(baton.Tx) error) error {
	if db.opts.ReadOnly {
		return errReadOnly
	}
	req := &writeReq{ctx: ctx, fn: fn, done: make(chan error, 1)}
	select {
	case <-db.stop:
		return errClosed
	default:
	}
	select {
	case db.reqs <- req:
	case <-db.stop:
		return errClosed
	case <-ctx.Done():
		return ctx.Err()
	}
	select {
	case err := <-req.done:
		return unavailable(err)
	case <-db.done:
		// The writer drained its queue and stopped; a request that raced
		// Close either got its answer or was never read.
		select {
		case err := <-req.done:
			return unavailable(err)
		default:
			return errClosed
		}
	}
}

// Ready reports whether the store can write now: it commits a one-row probe
// through the writer (so it waits its turn behind queued writes) and fails
// with EUNAVAILABLE when the probe fails (a lock held elsewhere, a full
// disk) or has not committed when ctx is done. Concurrent calls share one
// probe in flight.
func (db *DB) Ready(ctx context.Context) error {
	if db.opts.ReadOnly {
		return errReadOnly
	}
	db.probeMu.Lock()
	p := db.probe
	if p == nil {
		p = &probe{done: make(chan struct{})}
		db.probe = p
		go func() {
			p.err = db.Update(context.Background(), func(tx baton.Tx) error {
				return tx.PutSetting(context.Background(), "ready_probe", []byte(time.Now().UTC().Format(time.RFC3339Nano)))
			})
			db.probeMu.Lock()
			db.probe = nil
			db.probeMu.Unlock()
			close(p.done)
		}()
	}
	db.probeMu.Unlock()
	select {
	case <-p.done:
		if p.err != nil && baton.ErrorCode(p.err) != baton.EUNAVAILABLE {
			return fmt.Errorf("%w: %w", &baton.Error{Code: baton.EUNAVAILABLE, Message: "the database cannot be written"}, p.err)
		}
		return p.err
	case <-ctx.Done():
		return fmt.Errorf("%w: %w", &baton.Error{Code: baton.EUNAVAILABLE, Message: "the database did not commit a write in time"}, ctx.Err())
	}
}

// probe is one readiness write in flight; err is set before done closes.
type probe struct {
	done chan struct{}
	err  error
}

// writer is the single goroutine that owns the write connection.
func (db *DB) writer() {
	defer close(db.done)
	batch := make([]*writeReq, 0, db.opts.MaxBatch)
	for {
		batch = batch[:0]
		select {
		case req := <-db.reqs:
			batch = append(batch, req)
		case <-db.stop:
			// Drain what was queued before Close.
			for {
				select {
				case req := <-db.reqs:
					db.commit([]*writeReq{req})
				default:
					return
				}
			}
		}
	fill:
		for len(batch) < db.opts.MaxBatch {
			select {
			case req := <-db.reqs:
				batch = append(batch, req)
			default:
				break fill
			}
		}
		db.commit(batch)
		if db.wst.hasPending() {
			db.wst.flush(context.Background(), db.w)
		}
	}
}

// commit runs a batch in one transaction and answers every caller.
func (db *DB) commit(batch []*writeReq) {
	if db.batch != nil {
		db.batch(len(batch))
	}
	ctx := context.Background()
	errs := make([]error, len(batch))
	sqltx, err := db.w.BeginTx(ctx, nil)
	if err != nil {
		for _, r := range batch {
			r.done <- fmt.Errorf("sqlite: begin: %w", err)
		}
		return
	}
	tx := &Tx{tx: sqltx, cache: &db.wst}
	single := len(batch) == 1
	queued := false             // a command that succeeded queued a message
	var leased []*baton.Message // and those it queued leased to this node
	for i, r := range batch {
		if r.ctx.Err() != nil {
			errs[i] = r.ctx.Err()
			continue
		}
		if single {
			errs[i] = run(r.ctx, tx, r.fn)
			queued = errs[i] == nil && tx.queued
			leased = tx.leased
			tx.keepRollups()
			continue
		}
		if _, err := tx.exec(ctx, "SAVEPOINT w"); err != nil {
			errs[i] = fmt.Errorf("sqlite: savepoint: %w", err)
			continue
		}
		if errs[i] = run(r.ctx, tx, r.fn); errs[i] != nil {
			if _, err := tx.exec(ctx, "ROLLBACK TO w"); err != nil {
				// The savepoint is gone: SQLite rolled back the whole
				// transaction (a full disk, an I/O error). Statements after
				// this would run outside any transaction, so nobody else
				// runs, and nobody is told their work committed.
				sqltx.Rollback()
				aborted := fmt.Errorf("sqlite: shared transaction aborted, nothing written: %w", err)
				for j, r := range batch {
					if j == i {
						r.done <- errors.Join(errs[i], aborted)
					} else {
						r.done <- aborted
					}
				}
				return
			}
		}
		if _, err := tx.exec(ctx, "RELEASE w"); err != nil && errs[i] == nil {
			errs[i] = fmt.Errorf("sqlite: release savepoint: %w", err)
		}
		if errs[i] == nil {
			tx.keepRollups()
		} else {
			tx.dropRollups()
		}
		queued = queued || errs[i] == nil && tx.queued
		if errs[i] == nil {
			leased = append(leased, tx.leased...)
		}
	}
	if single && errs[0] != nil {
		sqltx.Rollback()
		batch[0].done <- errs[0]
		return
	}
	// The rollups of every command that succeeded, once for the
	// transaction (rollup.go).
	tx.own = ctx
	if err := tx.writeStale(ctx); err != nil {
		sqltx.Rollback()
		for _, r := range batch {
			r.done <- err
		}
		return
	}
	if err := tx.writeRollups(ctx); err != nil {
		sqltx.Rollback()
		for _, r := range batch {
			r.done <- err
		}
		return
	}
	if err := sqltx.Commit(); err != nil {
		for _, r := range batch {
			r.done <- fmt.Errorf("sqlite: commit: %w", err)
		}
		return
	}
	if queued {
		db.messagesCommitted()
	}
	if len(leased) > 0 {
		db.messagesLeased(leased)
	}
	for i, r := range batch {
		r.done <- errs[i]
	}
}

// OnMessagesCommitted sets f (nil for none) to be called after each
// transaction that queued an outbound message commits, before its callers
// learn it committed: the outbox (worker.Outbox.Wake) then claims the
// message at once instead of at its next poll. f runs on the writer, so it
// must not block.
func (db *DB) OnMessagesCommitted(f func()) {
	if f == nil {
		db.onMsgs.Store(nil)
		return
	}
	db.onMsgs.Store(&f)
}

// messagesCommitted calls the OnMessagesCommitted hook, if any.
func (db *DB) messagesCommitted() {
	if f := db.onMsgs.Load(); f != nil {
		(*f)()
	}
}

// OnMessagesLeased sets f (nil for none) to be called after each
// transaction that queued messages leased to this node's outbox
// (baton.Message.LeaseUntil) commits, before its callers learn it
// committed, with copies of those messages: the outbox
// (worker.Outbox.Hand) delivers them without claiming them first. f runs
// on the writer, so it must not block. With no f, such messages wait for
// their lease to end and are claimed like any other.
func (db *DB) OnMessagesLeased(f func([]*baton.Message)) {
	if f == nil {
		db.onLeased.Store(nil)
		return
	}
	db.onLeased.Store(&f)
}

// messagesLeased calls the OnMessagesLeased hook, if any.
func (db *DB) messagesLeased(ms []*baton.Message) {
	if f := db.onLeased.Load(); f != nil {
		(*f)(ms)
	}
}

// run calls fn, turning a panic into an error so one bad request cannot take
// the writer (and every other caller's work) down. fn's statements run on
// ctx without its cancellation: an interrupted write statement makes SQLite
// roll back the whole shared transaction, so a caller that goes away must
// not be able to interrupt one.
func run(ctx context.Context, tx *Tx, fn func(baton.Tx) error) (err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("sqlite: panic in transaction: %v", p)
		}
	}()
	tx.own = context.WithoutCancel(ctx)
	tx.dropRollups()
	tx.queued, tx.leased = false, nil
	if err := fn(tx); err != nil {
		tx.dropRollups()
		return err
	}
	if err := tx.foldRollups(tx.own); err != nil {
		tx.dropRollups()
		return err
	}
	return nil
}

// View runs fn in a read-only transaction on the read pool.
func (db *DB) View(ctx context.Context, fn func(baton.Tx) error) error {
	sqltx, err := db.r.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return unavailable(fmt.Errorf("sqlite: begin read: %w", err))
	}
	defer func() {
		sqltx.Rollback()
		if db.rst.hasPending() {
			db.rst.flush(ctx, db.r)
		}
	}()
	return unavailable(fn(&Tx{tx: sqltx, cache: &db.rst}))
}
