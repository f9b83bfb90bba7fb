package sqlite

import (
	"path/filepath"
	"testing"
	"unsafe"

	"modernc.org/libc"
	sqlite3 "modernc.org/sqlite/lib"
)

// reprepares runs query on the file at path once per set of arguments,
// binding each set (integers only) to the same prepared statement, and
// returns how many times SQLite compiled the statement again
// (SQLITE_STMTSTATUS_REPREPARE): a statement the store keeps prepared is
// worth keeping only if that stays zero.
func reprepares(t *testing.T, path, query string, argSets ...[]int64) int {
	t.Helper()
	tls := libc.NewTLS()
	defer tls.Close()
	cpath, err := libc.CString(path)
	if err != nil {
		t.Fatal(err)
	}
	defer libc.Xfree(tls, cpath)
	pdb := tls.Alloc(8)
	defer tls.Free(8)
	if rc := sqlite3.Xsqlite3_open_v2(tls, cpath, pdb, sqlite3.SQLITE_OPEN_READWRITE, 0); rc != sqlite3.SQLITE_OK {
		t.Fatalf("open %s: rc %d", path, rc)
	}
	db := peek(pdb)
	defer sqlite3.Xsqlite3_close_v2(tls, db)
	cq, err := libc.CString(query)
	if err != nil {
		t.Fatal(err)
	}
	defer libc.Xfree(tls, cq)
	pstmt := tls.Alloc(8)
	defer tls.Free(8)
	if rc := sqlite3.Xsqlite3_prepare_v2(tls, db, cq, -1, pstmt, 0); rc != sqlite3.SQLITE_OK {
		t.Fatalf("prepare %q: %s", query, libc.GoString(sqlite3.Xsqlite3_errmsg(tls, db)))
	}
	stmt := peek(pstmt)
	defer sqlite3.Xsqlite3_finalize(tls, stmt)
	for _, args := range argSets {
		for i, a := range args {
			sqlite3.Xsqlite3_bind_int64(tls, stmt, int32(i+1), a)
		}
		for {
			rc := sqlite3.Xsqlite3_step(tls, stmt)
			if rc == sqlite3.SQLITE_DONE {
				break
			}
			if rc != sqlite3.SQLITE_ROW {
				t.Fatalf("step %q: rc %d: %s", query, rc, libc.GoString(sqlite3.Xsqlite3_errmsg(tls, db)))
			}
		}
		sqlite3.Xsqlite3_reset(tls, stmt)
		sqlite3.Xsqlite3_clear_bindings(tls, stmt)
	}
	return int(sqlite3.Xsqlite3_stmt_status(tls, stmt, sqlite3.SQLITE_STMTSTATUS_REPREPARE, 0))
}

// peek reads the pointer SQLite wrote at p, in memory that libc
// allocated outside the Go heap.
func peek(p uintptr) uintptr { return *(*uintptr)(unsafe.Add(nil, p)) }

// TestClaimsStayPrepared checks that the timer and outbox claims, which
// the writer runs many times a second, keep their prepared statement
// across bindings instead of being compiled again on every claim (as they
// were while their LIMIT was a bare parameter).
func TestClaimsStayPrepared(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "baton.db")
	CopyMigrated(t, path)
	for _, c := range []struct{ name, query string }{
		{"ClaimTimers", claimTimersSQL},
		{"ClaimMessages", claimMessagesSQL},
	} {
		t.Run(c.name, func(t *testing.T) {
			got := reprepares(t, path, c.query, []int64{2000, 1000, 10}, []int64{3000, 2000, 10}, []int64{4000, 3000, 20})
			if got != 0 {
				t.Errorf("recompilations over 3 runs: got %d, want 0", got)
			}
		})
	}
}
