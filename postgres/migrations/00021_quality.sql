-- +goose Up
-- PostgreSQL's spelling of sqlite/migrations/00021_quality.sql: the same
-- tables, columns and index (BIGINT for INTEGER), and the trigger as a
-- PL/pgSQL trigger function.
-- Handoff quality scores (package quality), one row per handoff, rewritten
-- when the handoff's log grows: every new event marks the handoff stale
-- (quality_stale, by trigger, in the event's own transaction) and the
-- service rescores stale handoffs before its quality reports read. lost is
-- the comma-separated names of the items that lost points for good;
-- rubric the fingerprint of the rubric scored against.
CREATE TABLE quality_scores (
    handoff_id  TEXT PRIMARY KEY,
    type        TEXT NOT NULL,
    created_at  BIGINT NOT NULL,
    owner_id    TEXT NOT NULL DEFAULT '',
    backup_id   TEXT NOT NULL DEFAULT '',
    sender_id   TEXT NOT NULL DEFAULT '',
    from_team   TEXT NOT NULL DEFAULT '',
    score       BIGINT NOT NULL,
    band        TEXT NOT NULL,
    remediation BIGINT NOT NULL DEFAULT 0,
    lost        TEXT NOT NULL DEFAULT '',
    pending     BIGINT NOT NULL DEFAULT 0,
    rubric      TEXT NOT NULL DEFAULT '',
    scored_at   BIGINT NOT NULL
);
CREATE INDEX quality_scores_created ON quality_scores (created_at);
CREATE TABLE quality_stale (handoff_id TEXT PRIMARY KEY);
-- +goose StatementBegin
CREATE FUNCTION quality_stale_on_event() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO quality_stale (handoff_id) VALUES (NEW.handoff_id) ON CONFLICT DO NOTHING;
    RETURN NULL;
END;
$$;
-- +goose StatementEnd
CREATE TRIGGER quality_stale_on_event AFTER INSERT ON handoff_events
    FOR EACH ROW EXECUTE FUNCTION quality_stale_on_event();
-- Every handoff from before is scored on the first refresh.
INSERT INTO quality_stale (handoff_id) SELECT id FROM handoffs ON CONFLICT DO NOTHING;
