-- +goose Up
-- Handoff quality scores (package quality), one row per handoff, rewritten
-- when the handoff's log grows: every new event marks the handoff stale
-- (quality_stale, by trigger, in the event's own transaction) and the
-- service rescores stale handoffs before its quality reports read. lost is
-- the comma-separated names of the items that lost points for good;
-- rubric the fingerprint of the rubric scored against.
CREATE TABLE quality_scores (
    handoff_id  TEXT PRIMARY KEY,
    type        TEXT NOT NULL,
    created_at  INTEGER NOT NULL,
    owner_id    TEXT NOT NULL DEFAULT '',
    backup_id   TEXT NOT NULL DEFAULT '',
    sender_id   TEXT NOT NULL DEFAULT '',
    from_team   TEXT NOT NULL DEFAULT '',
    score       INTEGER NOT NULL,
    band        TEXT NOT NULL,
    remediation INTEGER NOT NULL DEFAULT 0,
    lost        TEXT NOT NULL DEFAULT '',
    pending     INTEGER NOT NULL DEFAULT 0,
    rubric      TEXT NOT NULL DEFAULT '',
    scored_at   INTEGER NOT NULL
) WITHOUT ROWID;
CREATE INDEX quality_scores_created ON quality_scores (created_at);
CREATE TABLE quality_stale (handoff_id TEXT PRIMARY KEY) WITHOUT ROWID;
-- +goose StatementBegin
CREATE TRIGGER quality_stale_on_event AFTER INSERT ON handoff_events
BEGIN
    INSERT OR IGNORE INTO quality_stale (handoff_id) VALUES (NEW.handoff_id);
END;
-- +goose StatementEnd
-- Every handoff from before is scored on the first refresh.
INSERT OR IGNORE INTO quality_stale (handoff_id) SELECT id FROM handoffs;
