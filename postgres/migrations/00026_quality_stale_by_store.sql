-- +goose Up
-- The store marks a handoff's quality stale once per write transaction
-- for every handoff whose log grew in it (postgres/quality.go,
-- writeStale), instead of this trigger's statement per event.
DROP TRIGGER quality_stale_on_event ON handoff_events;
DROP FUNCTION quality_stale_on_event();
