-- +goose Up
-- PostgreSQL's spelling of sqlite/migrations/00019_cs_handoffs.sql: the same
-- table and columns (BIGINT for INTEGER).
-- The sales → customer success protocol's state of a handoff (baton.CSHandoff):
-- timing, gates, approval, and the knowledge-transfer meeting, as JSON.
CREATE TABLE cs_handoffs (
    handoff_id TEXT PRIMARY KEY,
    data       TEXT NOT NULL,
    updated_at BIGINT NOT NULL
);
