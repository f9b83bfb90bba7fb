-- +goose Up
-- Teams get figure blocks of their own, at the three levels owners have:
-- an owner's blocks summed by their team on the roster, kept with every
-- change to the owner's and moved when a person changes team
-- (internal/blocksql). A report by team then reads a few blocks per
-- team instead of every owner's. Open derives them from the owner blocks
-- while rollup_teams_stale is present.
INSERT INTO settings (key, value) VALUES ('rollup_teams_stale', X'31') ON CONFLICT (key) DO UPDATE SET value = excluded.value;

-- +goose Down
DELETE FROM rollup_blocks WHERE dim = 'team';
DELETE FROM settings WHERE key = 'rollup_teams_stale';
