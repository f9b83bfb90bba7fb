-- +goose Up
-- Indexes with fewer, fuller pages. The handoffs' indexes on their
-- creation time ascend instead of descending. New rows come in time
-- order: in an ascending index each is appended, and SQLite leaves full
-- pages behind; in a descending one each went in front of the last and
-- split its page in two, leaving them half empty (48% unused space, the
-- disk benchmark). Queries read these indexes in either
-- direction, with the same plans (plans_internal_test.go). Recreating
-- them reads the table once: a few seconds per million handoffs.
-- (messages_status stays: messages are deleted after 30 days, and the
-- planner picked it over messages_handoff for a meeting query once
-- ascending.)
DROP INDEX handoffs_created;
CREATE INDEX handoffs_created ON handoffs (created_at, id);
DROP INDEX handoffs_state;
CREATE INDEX handoffs_state ON handoffs (state, created_at);
DROP INDEX handoffs_open_breached;
CREATE INDEX handoffs_open_breached ON handoffs (breached, created_at) WHERE state NOT IN ('completed', 'cancelled');

-- The events by owner leave out the events that name none (every created
-- event, a third of a typical handoff's): OwnedEventsBetween asks for
-- owners' ids, never the empty one, and says so (owner_id <> '') for
-- SQLite to use the partial index.
DROP INDEX handoff_events_owner;
CREATE INDEX handoff_events_owner ON handoff_events (owner_id, at) WHERE owner_id <> '';

-- +goose Down
DROP INDEX handoff_events_owner;
CREATE INDEX handoff_events_owner ON handoff_events (owner_id, at);
DROP INDEX handoffs_created;
CREATE INDEX handoffs_created ON handoffs (created_at DESC, id DESC);
DROP INDEX handoffs_state;
CREATE INDEX handoffs_state ON handoffs (state, created_at DESC);
DROP INDEX handoffs_open_breached;
CREATE INDEX handoffs_open_breached ON handoffs (breached, created_at DESC) WHERE state NOT IN ('completed', 'cancelled');
