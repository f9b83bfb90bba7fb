-- +goose Up
-- PostgreSQL's spelling of sqlite/migrations/00003_clocks.sql: the same tables,
-- columns and indexes (BIGINT for INTEGER, BYTEA for BLOB).
-- Escalation ladders, pause/resume and follow-up activities.
ALTER TABLE timers ADD COLUMN step BIGINT NOT NULL DEFAULT 0;
ALTER TABLE timers ADD COLUMN ref TEXT NOT NULL DEFAULT '';
CREATE INDEX timers_paused ON timers (handoff_id) WHERE status = 'paused';
CREATE INDEX timers_ref ON timers (ref) WHERE ref <> '' AND status = 'pending';

ALTER TABLE handoffs ADD COLUMN assigned_at BIGINT NOT NULL DEFAULT 0;
ALTER TABLE handoffs ADD COLUMN paused_at BIGINT NOT NULL DEFAULT 0;
ALTER TABLE handoffs ADD COLUMN priority BIGINT NOT NULL DEFAULT 0;
UPDATE handoffs SET assigned_at = created_at;

CREATE TABLE activities (
    id         TEXT PRIMARY KEY,
    handoff_id TEXT NOT NULL,
    name       TEXT NOT NULL,
    label      TEXT NOT NULL,
    owner_id   TEXT NOT NULL DEFAULT '',
    due_at     BIGINT NOT NULL,
    done_at    BIGINT NOT NULL DEFAULT 0,
    status     TEXT NOT NULL DEFAULT 'open',
    created_at BIGINT NOT NULL,
    UNIQUE (handoff_id, name)
);
