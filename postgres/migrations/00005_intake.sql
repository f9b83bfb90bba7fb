-- +goose Up
-- PostgreSQL's spelling of sqlite/migrations/00005_intake.sql: the same tables,
-- columns and indexes (BIGINT for INTEGER, BYTEA for BLOB).
-- Prospect intake forms, one per booked meeting. Only the SHA-256 of the
-- link's token is stored; answers holds the prospect's own answers as typed.
CREATE TABLE intakes (
    id          TEXT PRIMARY KEY,
    handoff_id  TEXT NOT NULL,
    meeting_id  TEXT NOT NULL DEFAULT '',
    token_hash  TEXT NOT NULL UNIQUE,
    created_at  BIGINT NOT NULL,
    expires_at  BIGINT NOT NULL,
    answered_at BIGINT NOT NULL DEFAULT 0,
    posts       BIGINT NOT NULL DEFAULT 0,
    answers     TEXT NOT NULL DEFAULT '{}'
);
CREATE INDEX intakes_handoff ON intakes (handoff_id, created_at);
