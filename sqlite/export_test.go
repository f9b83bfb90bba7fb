package sqlite

// SetBatchHook installs fn as the writer's batch hook, called with each
// batch's size before it runs. Call it before the first Update.
func (db *DB) SetBatchHook(fn func(n int)) { db.batch = fn }

// Queued reports how many Update calls wait in the writer's queue.
func (db *DB) Queued() int { return len(db.reqs) }

// Stopping returns a channel that is closed once Close has been called.
func (db *DB) Stopping() <-chan struct{} { return db.stop }
