-- +goose Up
-- PostgreSQL's spelling of sqlite/migrations/00011_rollups.sql: the same tables,
-- columns and indexes (BIGINT for INTEGER, BYTEA for BLOB).
-- Rollups: the dashboard's figures per UTC day of creation (see package
-- metrics, rollup.go), updated in the same transaction as each event, and
-- what they remember of each handoff between its events. They are a cache
-- of handoff_events: Open rebuilds them from the log while the
-- rollups_stale setting is present, which this migration sets.
CREATE TABLE rollup_daily (
    day    BIGINT NOT NULL,
    metric TEXT NOT NULL,
    key    TEXT NOT NULL,
    bucket BIGINT NOT NULL,
    n      BIGINT NOT NULL,
    PRIMARY KEY (day, metric, key, bucket)
);
CREATE TABLE rollup_handoffs (
    handoff_id TEXT PRIMARY KEY,
    state      TEXT NOT NULL
);
INSERT INTO settings (key, value) VALUES ('rollups_stale', '\x31'::bytea) ON CONFLICT (key) DO UPDATE SET value = excluded.value;

-- A person's dashboard finds the handoffs whose events name an owner they
-- see by this index instead of reading every event of the window.
CREATE INDEX handoff_events_owner ON handoff_events (owner_id, at);

-- The board's stalled and breached views over open handoffs, newest first.
CREATE INDEX handoffs_open_breached ON handoffs (breached, created_at DESC) WHERE state NOT IN ('completed', 'cancelled');
