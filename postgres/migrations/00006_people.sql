-- +goose Up
-- PostgreSQL's spelling of sqlite/migrations/00006_people.sql: the same tables,
-- columns and indexes (BIGINT for INTEGER, BYTEA for BLOB).
-- People sign in as themselves. Each user has an access role; API tokens
-- belong to a user; passwords, browser sessions, one-time links and failed
-- sign-ins have their own tables. Secrets are stored as hashes only:
-- passwords as argon2id (PHC strings), session ids, link codes and tokens as
-- SHA-256.
ALTER TABLE users ADD COLUMN access TEXT NOT NULL DEFAULT '';
UPDATE users SET access = CASE
    WHEN role IN ('admin', 'ops') THEN 'admin'
    WHEN role = 'manager' THEN 'manager'
    ELSE 'rep' END;

-- Tokens from before have no user_id and are refused.
ALTER TABLE api_tokens ADD COLUMN user_id TEXT NOT NULL DEFAULT '';
ALTER TABLE api_tokens ADD COLUMN expires_at BIGINT NOT NULL DEFAULT 0;
ALTER TABLE api_tokens ADD COLUMN last_used_at BIGINT NOT NULL DEFAULT 0;
ALTER TABLE api_tokens ADD COLUMN revoked_at BIGINT NOT NULL DEFAULT 0;
CREATE INDEX api_tokens_user ON api_tokens (user_id, created_at);

CREATE TABLE credentials (
    user_id       TEXT PRIMARY KEY,
    password_hash TEXT NOT NULL,
    updated_at    BIGINT NOT NULL
);

CREATE TABLE sessions (
    hash       TEXT PRIMARY KEY,
    user_id    TEXT NOT NULL,
    method     TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    seen_at    BIGINT NOT NULL,
    expires_at BIGINT NOT NULL
);
CREATE INDEX sessions_user ON sessions (user_id);

CREATE TABLE login_links (
    hash       TEXT PRIMARY KEY,
    user_id    TEXT NOT NULL,
    purpose    TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL,
    used_at    BIGINT NOT NULL DEFAULT 0
);
CREATE INDEX login_links_user ON login_links (user_id);

-- One row per failed sign-in; key is "account:<email>" or "addr:<ip>".
CREATE TABLE signin_failures (
    key TEXT NOT NULL,
    at  BIGINT NOT NULL
);
CREATE INDEX signin_failures_key ON signin_failures (key, at);
