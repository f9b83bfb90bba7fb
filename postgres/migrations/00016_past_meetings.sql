-- +goose Up
-- PostgreSQL's spelling of sqlite/migrations/00016_past_meetings.sql: the same tables,
-- columns and indexes (BIGINT for INTEGER, BYTEA for BLOB).
-- Meetings from before Baton, imported from a CSV export so that the close
-- rate before adoption can be compared with the rate after (see
-- baton.PastMeeting). They are history, not handoffs: nothing else reads
-- or writes them. key is the import's dedupe key ("ext:" + external id, or
-- "auto:" + owner email, held time and account); held_at is milliseconds
-- since the Unix epoch, UTC.
CREATE TABLE past_meetings (
    id          TEXT PRIMARY KEY,
    key         TEXT NOT NULL UNIQUE,
    external_id TEXT NOT NULL DEFAULT '',
    owner_id    TEXT NOT NULL,
    held_at     BIGINT NOT NULL,
    status      TEXT NOT NULL,
    outcome     TEXT NOT NULL DEFAULT '',
    source      TEXT NOT NULL DEFAULT '',
    account     TEXT NOT NULL DEFAULT '',
    deal_value  DOUBLE PRECISION NOT NULL DEFAULT 0,
    imported_at BIGINT NOT NULL,
    updated_at  BIGINT NOT NULL
);
CREATE INDEX past_meetings_held ON past_meetings (held_at);

-- The close-rate report reads a window's outcome events only: a partial
-- index holds just those, so every other event's insert pays nothing. The
-- WHERE clause is spelled exactly as the query spells it.
CREATE INDEX handoff_events_outcome_at ON handoff_events (at) WHERE kind = 'outcome';
