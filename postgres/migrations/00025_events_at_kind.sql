-- +goose Up
-- The admin's SLA report reads a window's events of a few kinds by time:
-- with their kind, handoff, owner and sequence in the index, only the
-- created and breached events, whose payloads it reads, are looked up in
-- the table. It replaces the index on time alone, which is its prefix, so
-- an event still updates one index for its time.
CREATE INDEX handoff_events_at_kind ON handoff_events (at, kind) INCLUDE (handoff_id, owner_id, seq);
DROP INDEX handoff_events_at;
