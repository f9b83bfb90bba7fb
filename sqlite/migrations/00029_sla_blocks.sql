-- +goose Up
-- The SLA review gets blocks of its own in rollup_blocks (dimensions
-- sla.type, sla.tier, sla.source, sla.owner, sla.team, sla.segment: a
-- handoff, its breach and the breach's margin, metrics.SLACells), and the
-- stored handoff states learn their first breach's owner, step, deadline
-- and end. Both come from the log: Open rebuilds the rollups while
-- rollups_stale is present, which this migration sets (about a minute per
-- 100,000 handoffs).
INSERT INTO settings (key, value) VALUES ('rollups_stale', X'31') ON CONFLICT (key) DO UPDATE SET value = excluded.value;

-- +goose Down
DELETE FROM rollup_blocks WHERE dim LIKE 'sla.%';
