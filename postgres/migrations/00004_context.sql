-- +goose Up
-- PostgreSQL's spelling of sqlite/migrations/00004_context.sql: the same tables,
-- columns and indexes (BIGINT for INTEGER, BYTEA for BLOB).
-- The context a handoff carries (template fields), as JSON.
ALTER TABLE handoffs ADD COLUMN context TEXT NOT NULL DEFAULT '{}';
