-- +goose Up
-- PostgreSQL's spelling of sqlite/migrations/00018_rollup_people.sql: the
-- same table and columns (BIGINT for INTEGER, BYTEA for BLOB).
-- A person's figures (a rep's, a manager's reach) sum, for the people in
-- reach, one row per handoff and person involved (its owner and its
-- sender, once when they are the same): the handoff's keys and figures as
-- metrics.RollupHandoff.ReachRow encodes them, read by (person, day) in
-- key order. Like the other rollups a cache of handoff_events, kept in
-- the same transaction as the events; Open fills it from the handoffs'
-- stored states while rollup_people_stale is present (postgres/rollup.go).
-- It replaces the indexes by owner and sender on rollup_handoffs, which
-- nothing reads any more.
CREATE TABLE rollup_people (
    person_id  TEXT NOT NULL,
    day        BIGINT NOT NULL,
    handoff_id TEXT NOT NULL,
    row        BYTEA NOT NULL,
    PRIMARY KEY (person_id, day, handoff_id)
);
DROP INDEX rollup_handoffs_owner;
DROP INDEX rollup_handoffs_sender;
INSERT INTO settings (key, value) VALUES ('rollup_people_stale', '\x31'::bytea) ON CONFLICT (key) DO UPDATE SET value = excluded.value;
