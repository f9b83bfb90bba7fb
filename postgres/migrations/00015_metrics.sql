-- +goose Up
-- PostgreSQL's spelling of sqlite/migrations/00015_metrics.sql: the same tables,
-- columns and indexes (BIGINT for INTEGER, BYTEA for BLOB).
-- The figures of every handoff (package metrics, cells.go) summed per
-- dimension (source, type, tier, owner, sender, segment), value and block
-- of UTC days of creation (1, 8 and 64 days), as metrics.EncodeCells
-- writes them; updated in the same transaction as the events that change
-- them: each change's cells are appended to cells, and merged again once
-- appends reaches 32 (postgres/rollup.go). Like rollup_daily they are a
-- cache of handoff_events.
CREATE TABLE rollup_blocks (
    dim     TEXT NOT NULL,
    lvl     BIGINT NOT NULL,
    period  BIGINT NOT NULL,
    key     TEXT NOT NULL,
    cells   BYTEA NOT NULL,
    appends BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (dim, lvl, period, key)
);
-- A person's figures fold the states of the handoffs they (or their team)
-- own or sent, found by these columns.
ALTER TABLE rollup_handoffs ADD COLUMN day BIGINT NOT NULL DEFAULT 0;
ALTER TABLE rollup_handoffs ADD COLUMN owner_id TEXT NOT NULL DEFAULT '';
ALTER TABLE rollup_handoffs ADD COLUMN sender_id TEXT NOT NULL DEFAULT '';
CREATE INDEX rollup_handoffs_owner ON rollup_handoffs (owner_id, day);
CREATE INDEX rollup_handoffs_sender ON rollup_handoffs (sender_id, day);
INSERT INTO settings (key, value) VALUES ('rollups_stale', '\x31'::bytea) ON CONFLICT (key) DO UPDATE SET value = excluded.value;
