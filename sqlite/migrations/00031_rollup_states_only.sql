-- +goose Up
-- A handoff's rollup row keeps its state only: the day, owner and sender
-- columns repeated what the state holds, and nothing has read them since
-- rollup_people took over their indexes (migration 00018). About 25 bytes
-- a handoff. Dropping them rewrites the table (a few seconds per million
-- handoffs, see the README).
ALTER TABLE rollup_handoffs DROP COLUMN day;
ALTER TABLE rollup_handoffs DROP COLUMN owner_id;
ALTER TABLE rollup_handoffs DROP COLUMN sender_id;

-- +goose Down
ALTER TABLE rollup_handoffs ADD COLUMN day INTEGER NOT NULL DEFAULT 0;
ALTER TABLE rollup_handoffs ADD COLUMN owner_id TEXT NOT NULL DEFAULT '';
ALTER TABLE rollup_handoffs ADD COLUMN sender_id TEXT NOT NULL DEFAULT '';
