-- +goose Up
-- PostgreSQL's spelling of sqlite/migrations/00009_channels.sql: the same tables,
-- columns and indexes (BIGINT for INTEGER, BYTEA for BLOB).
-- Where each person wants notifications (a ';'-separated list of email,
-- slack, webhook; empty accepts what the playbook chooses) and their Slack
-- member id for direct messages.
ALTER TABLE users ADD COLUMN channels TEXT NOT NULL DEFAULT '';
ALTER TABLE users ADD COLUMN slack_id TEXT NOT NULL DEFAULT '';

