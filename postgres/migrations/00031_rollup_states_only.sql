-- +goose Up
-- A handoff's rollup row keeps its state only: the day, owner and sender
-- columns repeated what the state holds, and nothing has read them since
-- rollup_people took over their indexes (migration 00018). As in SQLite's
-- migration 00031, whose files baton copy brings here.
ALTER TABLE rollup_handoffs DROP COLUMN day, DROP COLUMN owner_id, DROP COLUMN sender_id;

-- +goose Down
ALTER TABLE rollup_handoffs ADD COLUMN day BIGINT NOT NULL DEFAULT 0, ADD COLUMN owner_id TEXT NOT NULL DEFAULT '',
    ADD COLUMN sender_id TEXT NOT NULL DEFAULT '';
