-- +goose Up
-- The claimed-but-unfinished timers, for ClaimTimers' check that no timer
-- of a handoff is leased to another node. Without it that check read every
-- pending timer of each candidate handoff: a second per claim with 1,000
-- timers per handoff (BenchmarkTimers1MPostgres). A timer is leased from
-- its claim until it is finished or released (both leave this index), so
-- it holds about one claim's worth of rows per node. PostgreSQL only:
-- SQLite's single writer claims without the check.
CREATE INDEX timers_leased ON timers (handoff_id, lease_until) WHERE status = 'pending' AND lease_until > 0;

-- +goose Down
DROP INDEX timers_leased;
