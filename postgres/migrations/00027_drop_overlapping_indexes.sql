-- +goose Up
-- Every new or changed handoff updates each of its indexes.
-- handoffs_open_by_owner (owner_id, open states only) duplicates
-- handoffs_owner_state (owner_id, state) for the one query it was for,
-- the open counts per owner (Loads: owner_id IN (...) AND state IN the open
-- states), which that index answers as well, as it does on SQLite.
DROP INDEX handoffs_open_by_owner;
