-- +goose Up
-- PostgreSQL's spelling of sqlite/migrations/00014_feedback.sql: the same tables,
-- columns and indexes (BIGINT for INTEGER, BYTEA for BLOB).
-- Feedback on handoffs. Receivers' ratings are rated events in the log and
-- need no table of their own. The post-meeting survey a prospect answers
-- once through a signed link is a row here (its link carries the id and an
-- HMAC, so no token is stored), at most one per handoff.
CREATE TABLE surveys (
    id          TEXT PRIMARY KEY,
    handoff_id  TEXT NOT NULL UNIQUE,
    meeting_id  TEXT NOT NULL DEFAULT '',
    contact_id  TEXT NOT NULL DEFAULT '',
    created_at  BIGINT NOT NULL,
    send_at     BIGINT NOT NULL,
    expires_at  BIGINT NOT NULL,
    answered_at BIGINT NOT NULL DEFAULT 0,
    score       BIGINT NOT NULL DEFAULT 0,
    comment     TEXT NOT NULL DEFAULT ''
);

-- The rejection threshold counts a sender's rejections in a sliding window:
-- rejections are few, so a partial index by time finds them without
-- walking the log.
CREATE INDEX handoff_events_rejected ON handoff_events (at) WHERE kind = 'rejected';
