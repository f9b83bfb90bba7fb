-- +goose Up
-- The handoffs' indexes on their creation time ascend, as in SQLite's
-- migration 00032 (whose files baton copy brings here): rows come in time
-- order, and a B-tree keeps its rightmost pages full when entries are
-- appended, where entries put in front of the last split pages in halves.
-- Queries read them in either direction.
DROP INDEX handoffs_created;
CREATE INDEX handoffs_created ON handoffs (created_at, id);
DROP INDEX handoffs_state;
CREATE INDEX handoffs_state ON handoffs (state, created_at);
DROP INDEX handoffs_open_breached;
CREATE INDEX handoffs_open_breached ON handoffs (breached, created_at) WHERE state NOT IN ('completed', 'cancelled');

-- +goose Down
DROP INDEX handoffs_created;
CREATE INDEX handoffs_created ON handoffs (created_at DESC, id DESC);
DROP INDEX handoffs_state;
CREATE INDEX handoffs_state ON handoffs (state, created_at DESC);
DROP INDEX handoffs_open_breached;
CREATE INDEX handoffs_open_breached ON handoffs (breached, created_at DESC) WHERE state NOT IN ('completed', 'cancelled');
