-- +goose Up
-- The sales → customer success protocol's state of a handoff (baton.CSHandoff):
-- timing, gates, approval, and the knowledge-transfer meeting, as JSON.
CREATE TABLE cs_handoffs (
    handoff_id TEXT PRIMARY KEY,
    data       TEXT NOT NULL,
    updated_at INTEGER NOT NULL
);
