package sqlite

import (
	"context"
	"database/sql"
	"strings"
	"sync"
)

// maxRows caps the rows of one multi-row INSERT, well under SQLite's limit
// of 32,766 bound parameters.
const maxRows = 256

// valueRows is the VALUES list of a multi-row INSERT: row n times, comma
// separated.
func valueRows(row string, n int) string {
	if n == 1 {
		return row
	}
	var b strings.Builder
	b.Grow(n * (len(row) + 2))
	for i := range n {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(row)
	}
	return b.String()
}

// stmtCache keeps one prepared statement per query text and pool. A
// statement cannot be prepared on the pool while a transaction holds its
// only connection (the writer), so a miss runs the query unprepared and
// queues the text; flush prepares queued texts when no transaction is open.
type stmtCache struct {
	mu      sync.Mutex
	m       map[string]*sql.Stmt
	pending map[string]bool
	// count, when set (by tests), is called with every statement's text
	// before it runs.
	count func(query string)
}

func (c *stmtCache) get(query string) *sql.Stmt {
	if c.count != nil {
		c.count(query)
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	s, ok := c.m[query]
	if !ok {
		if c.pending == nil {
			c.pending = map[string]bool{}
		}
		c.pending[query] = true
	}
	return s
}

// flush prepares the queued query texts on db.
func (c *stmtCache) flush(ctx context.Context, db *sql.DB) {
	c.mu.Lock()
	var queries []string
	for q := range c.pending {
		queries = append(queries, q)
	}
	c.pending = nil
	c.mu.Unlock()
	for _, q := range queries {
		s, err := db.PrepareContext(ctx, q)
		if err != nil {
			continue // the query keeps running unprepared
		}
		c.mu.Lock()
		if c.m == nil {
			c.m = map[string]*sql.Stmt{}
		}
		if _, dup := c.m[q]; dup {
			s.Close()
		} else {
			c.m[q] = s
		}
		c.mu.Unlock()
	}
}

func (c *stmtCache) hasPending() bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.pending) > 0
}
