-- +goose Up
-- PostgreSQL's spelling of sqlite/migrations/00002_routing.sql: the same tables,
-- columns and indexes (BIGINT for INTEGER, BYTEA for BLOB).
-- Routing v2: working hours, pausing and per-day caps for users; weighted
-- fairness state (stride scheduling) for pools; domain aliases for accounts.
ALTER TABLE users ADD COLUMN working_hours TEXT NOT NULL DEFAULT '';
ALTER TABLE users ADD COLUMN paused BIGINT NOT NULL DEFAULT 0;
ALTER TABLE users ADD COLUMN daily_cap BIGINT NOT NULL DEFAULT 0;
ALTER TABLE users ADD COLUMN monthly_cap BIGINT NOT NULL DEFAULT 0;

-- A pool's virtual time and each member's pass (see package routing).
ALTER TABLE pools RENAME COLUMN seq TO vtime;
ALTER TABLE pool_members RENAME COLUMN last_seq TO pass;

-- Assignments per user and UTC day, for per-day and per-30-day caps.
CREATE TABLE assign_days (
    user_id TEXT NOT NULL,
    day     BIGINT NOT NULL,
    n       BIGINT NOT NULL,
    PRIMARY KEY (user_id, day)
);

-- Every domain an account owns (its primary domain and its aliases).
CREATE TABLE account_domains (
    domain     TEXT PRIMARY KEY,
    account_id TEXT NOT NULL
);
INSERT INTO account_domains (domain, account_id) SELECT domain, id FROM accounts WHERE domain IS NOT NULL;
CREATE INDEX account_domains_account ON account_domains (account_id);
CREATE INDEX handoffs_account_type ON handoffs (account_id, type, created_at);
