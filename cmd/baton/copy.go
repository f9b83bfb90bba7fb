package main

import (
	"context"
	"database/sql"
	"flag"
	"fmt"
	"io"
	"strings"

	"github.com/batonhq/baton/postgres"
)

// copyCmd runs `baton copy --from sqlite://PATH --to postgres://URL`: it
// moves a team from the embedded SQLite file to PostgreSQL, every row of
// every table (the event log, the outbox, pending timers, the rollups) in
// one PostgreSQL transaction, so the copy is all there or not at all. The
// SQLite file stays locked for writing while it runs (stop baton serve
// first), and the PostgreSQL database must hold no Baton data yet.
func copyCmd(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("copy", flag.ContinueOnError)
	fs.SetOutput(stderr)
	from := fs.String("from", "", "SQLite database to copy: sqlite://PATH or PATH")
	to := fs.String("to", "", "PostgreSQL database to copy into: postgres://…")
	if err := parseFlags(fs, args, stdout); err != nil {
		return err
	}
	if fs.NArg() > 0 || *from == "" || !postgres.IsURL(*to) || postgres.IsURL(*from) {
		return usageError{"usage: baton copy --from sqlite://PATH --to postgres://URL"}
	}
	n, err := copyDB(ctx, strings.TrimPrefix(*from, "sqlite://"), *to)
	if err != nil {
		return err
	}
	for _, t := range n {
		fmt.Fprintf(stdout, "%-20s %d rows\n", t.table, t.rows)
	}
	fmt.Fprintf(stdout, "copied %s to %s\n", *from, dbName(*to))
	return nil
}

type tableCount struct {
	table string
	rows  int
}

// copyDB copies every Baton table of the SQLite file at path into the
// PostgreSQL database at url.
func copyDB(ctx context.Context, path, url string) ([]tableCount, error) {
	// Opening the store takes the file's write lock for the copy's
	// length, applies pending migrations and rebuilds stale rollups.
	src, err := openStore(ctx, path, "", true)
	if err != nil {
		return nil, err
	}
	defer src.Close()
	raw, err := sql.Open("sqlite", "file:"+path+"?mode=ro&_pragma=busy_timeout(5000)")
	if err != nil {
		return nil, fmt.Errorf("copy: open %s: %w", path, err)
	}
	defer raw.Close()
	raw.SetMaxOpenConns(1)
	rtx, err := raw.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return nil, fmt.Errorf("copy: read %s: %w", path, err)
	}
	defer rtx.Rollback()

	dst, err := postgres.Open(ctx, url, postgres.Options{Writers: 1, ReadConns: 1})
	if err != nil {
		return nil, err
	}
	defer dst.Close()
	var srcVersion int64
	if err := rtx.QueryRowContext(ctx, `SELECT COALESCE(max(version_id), 0) FROM goose_db_version WHERE is_applied`).Scan(&srcVersion); err != nil {
		return nil, fmt.Errorf("copy: %s migrations: %w", path, err)
	}
	ms, err := dst.Migrations(ctx)
	if err != nil {
		return nil, err
	}
	var dstVersion int64
	for _, m := range ms {
		if m.Applied {
			dstVersion = max(dstVersion, m.Version)
		}
	}
	if srcVersion > dstVersion {
		return nil, fmt.Errorf("copy: %s is at migration %d but PostgreSQL's schema stops at %d: upgrade baton", path, srcVersion, dstVersion)
	}

	tables, err := sqliteTables(ctx, rtx)
	if err != nil {
		return nil, fmt.Errorf("copy: %s: %w", path, err)
	}
	ptx, err := dst.SQL().BeginTx(ctx, nil)
	if err != nil {
		return nil, fmt.Errorf("copy: %w", err)
	}
	defer ptx.Rollback()
	for _, t := range []string{"handoffs", "handoff_events", "signals", "users"} {
		var n int
		if err := ptx.QueryRowContext(ctx, `SELECT count(*) FROM `+t).Scan(&n); err != nil {
			return nil, fmt.Errorf("copy: %w", err)
		}
		if n > 0 {
			return nil, fmt.Errorf("copy: %s already has Baton data (%d rows in %s): copy into an empty database", dbName(url), n, t)
		}
	}
	var out []tableCount
	for _, t := range tables {
		n, err := copyTable(ctx, rtx, ptx, t)
		if err != nil {
			return nil, fmt.Errorf("copy: %s: %w", t, err)
		}
		out = append(out, tableCount{t, n})
	}
	if _, err := ptx.ExecContext(ctx, `SELECT setval(pg_get_serial_sequence('handoff_events', 'seq'), COALESCE(max(seq), 1), max(seq) IS NOT NULL) FROM handoff_events`); err != nil {
		return nil, fmt.Errorf("copy: event sequence: %w", err)
	}
	if err := ptx.Commit(); err != nil {
		return nil, fmt.Errorf("copy: commit: %w", err)
	}
	return out, nil
}

// sqliteTables lists the file's Baton tables (not goose's or SQLite's).
func sqliteTables(ctx context.Context, tx *sql.Tx) ([]string, error) {
	rows, err := tx.QueryContext(ctx, `SELECT name FROM sqlite_master WHERE type = 'table'
		AND name NOT LIKE 'sqlite_%' AND name <> 'goose_db_version' ORDER BY name`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var n string
		if err := rows.Scan(&n); err != nil {
			return nil, err
		}
		out = append(out, n)
	}
	return out, rows.Err()
}

// copyTable replaces the PostgreSQL table's rows (a fresh schema has a few
// from its migrations, e.g. settings) with the SQLite table's, in
// multi-row INSERTs of up to 60,000 values.
func copyTable(ctx context.Context, from, to *sql.Tx, table string) (int, error) {
	if _, err := to.ExecContext(ctx, `DELETE FROM `+table); err != nil {
		return 0, err
	}
	rows, err := from.QueryContext(ctx, `SELECT * FROM `+table)
	if err != nil {
		return 0, err
	}
	defer rows.Close()
	cols, err := rows.Columns()
	if err != nil {
		return 0, err
	}
	// SQLite may hold a BLOB column's value as TEXT (|| of two blobs is
	// text): such values go to PostgreSQL as the bytes they are.
	binary := make([]bool, len(cols))
	brows, err := to.QueryContext(ctx, `SELECT column_name FROM information_schema.columns
		WHERE table_schema = current_schema() AND table_name = $1 AND data_type = 'bytea'`, table)
	if err != nil {
		return 0, err
	}
	for brows.Next() {
		var c string
		if err := brows.Scan(&c); err != nil {
			brows.Close()
			return 0, err
		}
		for i, name := range cols {
			binary[i] = binary[i] || strings.EqualFold(name, c)
		}
	}
	brows.Close()
	if err := brows.Err(); err != nil {
		return 0, err
	}
	per := max(1, 60_000/len(cols))
	var args []any
	n, pending := 0, 0
	flush := func() error {
		if pending == 0 {
			return nil
		}
		var b strings.Builder
		b.WriteString("INSERT INTO " + table + " (" + strings.Join(cols, ", ") + ") VALUES ")
		p := 0
		for r := range pending {
			if r > 0 {
				b.WriteString(", ")
			}
			b.WriteString("(")
			for c := range cols {
				if c > 0 {
					b.WriteString(", ")
				}
				p++
				fmt.Fprintf(&b, "$%d", p)
			}
			b.WriteString(")")
		}
		if _, err := to.ExecContext(ctx, b.String(), args...); err != nil {
			return err
		}
		args, pending = args[:0], 0
		return nil
	}
	for rows.Next() {
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			return 0, err
		}
		for i, v := range vals {
			if s, ok := v.(string); ok && binary[i] {
				vals[i] = []byte(s)
			}
		}
		args = append(args, vals...)
		pending++
		n++
		if pending == per {
			if err := flush(); err != nil {
				return 0, err
			}
		}
	}
	if err := rows.Err(); err != nil {
		return 0, err
	}
	return n, flush()
}
