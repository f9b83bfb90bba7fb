-- +goose Up
-- PostgreSQL's spelling of sqlite/migrations/00008_playbook_versions.sql: the same tables,
-- columns and indexes (BIGINT for INTEGER, BYTEA for BLOB).
-- Every playbook published from the admin pages (or given with --playbook at
-- start-up) is kept, with who published it and when. version counts
-- publications from 1; the newest is the one in force. A rollback publishes
-- an old version's YAML again as a new version.
CREATE TABLE playbook_versions (
    id         TEXT PRIMARY KEY,
    version    BIGINT NOT NULL UNIQUE,
    yaml       TEXT NOT NULL,
    author_id  TEXT NOT NULL DEFAULT '',
    created_at BIGINT NOT NULL,
    note       TEXT NOT NULL DEFAULT ''
);

