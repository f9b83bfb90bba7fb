-- +goose Up
-- PostgreSQL's spelling of sqlite/migrations/00012_open_indexes.sql: the same tables,
-- columns and indexes (BIGINT for INTEGER, BYTEA for BLOB).
-- Open handoffs are a small share of a large table: the lists of open
-- handoffs (newest first) and the per-owner open counts of the board and of
-- routing's caps read these partial indexes instead of walking every
-- closed handoff. The WHERE clauses are spelled exactly as the queries
-- spell them, so the planner can use the indexes.
CREATE INDEX handoffs_open_by_created ON handoffs (created_at, id) WHERE state NOT IN ('completed', 'cancelled');
CREATE INDEX handoffs_open_by_owner ON handoffs (owner_id) WHERE state IN ('assigned', 'accepted', 'actioned');

