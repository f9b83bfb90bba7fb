package postgres

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"math/rand/v2"
	"time"

	"github.com/batonhq/baton"
)

type writeReq struct {
	ctx  context.Context
	fn   func(baton.Tx) error
	done chan error
}

// Update runs fn in a write transaction, possibly shared with other callers'
// functions (each under its own savepoint). It returns fn's error, or the
// commit's. It waits for the outcome even if ctx is cancelled once the work
// is queued, so the caller always learns whether it committed: fn's
// statements run on the writer's context, so cancelling ctx never
// interrupts them (which would abort the shared transaction). fn may run
// more than once when PostgreSQL aborts the transaction for a deadlock or
// a serialization failure; only the last run commits. A database that
// cannot be reached is an EUNAVAILABLE error.
func (db *DB) Update(ctx context.Context, fn func(baton.Tx) error) error {
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
		select {
		case err := <-req.done:
			return unavailable(err)
		default:
			return errClosed
		}
	}
}

// Ready reports whether the store can write now: it commits a one-row probe
// through a writer and fails with EUNAVAILABLE when the probe fails (the
// server is down or read-only) or has not committed when ctx is done.
// Concurrent calls share one probe in flight.
func (db *DB) Ready(ctx context.Context) error {
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

// writer is one of the goroutines that write transactions.
func (db *DB) writer() {
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
	}
}

// writeLock is the advisory lock space of the schema's write batches.
const writeLock = 0x62746e32 // "btn2"

// maxAttempts bounds how often a batch runs when PostgreSQL keeps aborting
// it for deadlocks or serialization failures.
const maxAttempts = 8

// commit runs a batch in one transaction and answers every caller, running
// it again when PostgreSQL aborted it for a lock conflict.
func (db *DB) commit(batch []*writeReq) {
	if db.batch != nil {
		db.batch(len(batch))
	}
	for attempt := 1; ; attempt++ {
		errs, err := db.try(batch)
		if err != nil && retryable(err) && attempt < maxAttempts {
			db.retries.Add(1)
			time.Sleep(time.Duration(rand.IntN(1<<attempt)) * time.Millisecond)
			continue
		}
		for i, r := range batch {
			if err != nil {
				r.done <- err
			} else {
				r.done <- errs[i]
			}
		}
		return
	}
}

// Retries returns how many times this DB has run a batch again since it
// opened because PostgreSQL aborted its transaction for a deadlock or a
// serialization failure: a count that keeps growing under load means
// transactions take their locks in conflicting orders.
func (db *DB) Retries() int64 { return db.retries.Load() }

// try runs the batch once: the callers' errors, or the error that kept the
// whole transaction from committing. Each caller runs under its own
// savepoint. A caller that failed after running into a row another
// transaction had just committed (a unique key: an account's domain, a
// signal's external id) runs once more: in READ COMMITTED its statements
// now see that row, as they would have behind SQLite's single writer.
func (db *DB) try(batch []*writeReq) ([]error, error) {
	ctx := context.Background()
	errs := make([]error, len(batch))
	sqltx, err := db.db.BeginTx(ctx, nil)
	if err != nil {
		return nil, fmt.Errorf("postgres: begin: %w", err)
	}
	// One batch writes at a time per schema, across nodes: a batch runs
	// many callers' commands, each taking row locks in its own order (a
	// new account's unique domain, a handoff, a pool's fairness row), so
	// two batches running at once could each wait for the other until
	// PostgreSQL broke the deadlock after deadlock_timeout (a second by
	// default) and both ran again. Nearly every ingest takes its pool's
	// row lock until commit anyway, so batches were already serialised in
	// practice; the lock makes it a queue instead of a deadlock.
	if _, err := sqltx.ExecContext(ctx, "SELECT pg_advisory_xact_lock($1, hashtext(current_schema()))", writeLock); err != nil {
		sqltx.Rollback()
		return nil, fmt.Errorf("postgres: write lock: %w", err)
	}
	tx := &Tx{tx: sqltx, write: true}
	ok := 0
	queued := false             // a command that succeeded queued a message
	var leased []*baton.Message // and those it queued leased to this node
	for i, r := range batch {
		if r.ctx.Err() != nil {
			errs[i] = r.ctx.Err()
			continue
		}
		if _, err := sqltx.ExecContext(ctx, "SAVEPOINT w"); err != nil {
			sqltx.Rollback()
			return nil, fmt.Errorf("postgres: savepoint: %w", err)
		}
		for attempt := 0; attempt < 2; attempt++ {
			tx.conflicted = false
			if errs[i] = run(r.ctx, tx, r.fn); errs[i] == nil {
				break
			}
			if retryable(errs[i]) {
				// A deadlock victim's locks from earlier callers are
				// still held: run the batch again from the start.
				sqltx.Rollback()
				return nil, errs[i]
			}
			if _, err := sqltx.ExecContext(ctx, "ROLLBACK TO SAVEPOINT w"); err != nil {
				sqltx.Rollback()
				return nil, errors.Join(errs[i], fmt.Errorf("postgres: shared transaction aborted, nothing written: %w", err))
			}
			if !tx.conflicted {
				break
			}
		}
		if _, err := sqltx.ExecContext(ctx, "RELEASE SAVEPOINT w"); err != nil {
			sqltx.Rollback()
			return nil, fmt.Errorf("postgres: shared transaction aborted, nothing written: %w", err)
		}
		if errs[i] == nil {
			ok++
			queued = queued || tx.queued
			leased = append(leased, tx.leased...)
			tx.keepRollups()
		} else {
			tx.dropRollups()
		}
	}
	if ok == 0 {
		sqltx.Rollback()
		return errs, nil
	}
	// The rollups of every command that succeeded, in one order whatever
	// the commands' (rollup.go).
	tx.own = ctx
	if err := tx.writeStale(ctx); err != nil {
		sqltx.Rollback()
		return nil, err
	}
	if err := tx.writeRollups(ctx); err != nil {
		sqltx.Rollback()
		return nil, err
	}
	if err := sqltx.Commit(); err != nil {
		return nil, fmt.Errorf("postgres: commit: %w", err)
	}
	if queued {
		db.messagesCommitted()
	}
	if len(leased) > 0 {
		db.messagesLeased(leased)
	}
	return errs, nil
}

// OnMessagesCommitted sets f (nil for none) to be called after each
// transaction of this node that queued an outbound message commits, before
// its callers learn it committed: this node's outbox (worker.Outbox.Wake)
// then claims the message at once instead of at its next poll. Other
// nodes' outboxes find it at their poll. f runs on a writer, so it must
// not block.
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
// transaction of this node that queued messages leased to its outbox
// (baton.Message.LeaseUntil) commits, before its callers learn it
// committed, with copies of those messages: this node's outbox
// (worker.Outbox.Hand) delivers them without claiming them first. f runs
// on a writer, so it must not block. With no f, such messages wait for
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
// a writer (and every other caller's work) down. fn's statements run on
// ctx without its cancellation: see Update.
func run(ctx context.Context, tx *Tx, fn func(baton.Tx) error) (err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("postgres: panic in transaction: %v", p)
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

// View runs fn in a read-only snapshot (REPEATABLE READ) on the pool.
func (db *DB) View(ctx context.Context, fn func(baton.Tx) error) error {
	sqltx, err := db.db.BeginTx(ctx, &sql.TxOptions{ReadOnly: true, Isolation: sql.LevelRepeatableRead})
	if err != nil {
		return unavailable(fmt.Errorf("postgres: begin read: %w", err))
	}
	defer sqltx.Rollback()
	return unavailable(fn(&Tx{tx: sqltx}))
}
