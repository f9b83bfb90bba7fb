-- +goose Up
-- Every new or changed handoff updates each of its indexes, on the single
-- writer. handoffs_open_by_owner (owner_id, open states only) serves no
-- query: routing's and the board's open counts per owner (Loads: owner_id
-- IN (...) AND state IN the open states) read handoffs_owner_state
-- (owner_id, state), which answers them from the index alone, and so does
-- every other lookup by owner. sqlite/plans_internal_test.go checks the
-- store's reads still use an index each.
DROP INDEX handoffs_open_by_owner;
