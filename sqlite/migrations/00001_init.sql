-- +goose Up
-- Instants are INTEGER milliseconds since the Unix epoch, UTC; 0 means unset.
CREATE TABLE accounts (
    id                   TEXT PRIMARY KEY,
    name                 TEXT NOT NULL,
    domain               TEXT,
    aliases              TEXT NOT NULL DEFAULT '[]',
    segment              TEXT NOT NULL DEFAULT '',
    employees            INTEGER NOT NULL DEFAULT 0,
    industry             TEXT NOT NULL DEFAULT '',
    country              TEXT NOT NULL DEFAULT '',
    region               TEXT NOT NULL DEFAULT '',
    status               TEXT NOT NULL DEFAULT 'prospect',
    owner_id             TEXT NOT NULL DEFAULT '',
    csm_id               TEXT NOT NULL DEFAULT '',
    opportunity_owner_id TEXT NOT NULL DEFAULT '',
    created_at           INTEGER NOT NULL,
    updated_at           INTEGER NOT NULL
);
CREATE UNIQUE INDEX accounts_domain ON accounts (domain) WHERE domain IS NOT NULL;

CREATE TABLE contacts (
    id         TEXT PRIMARY KEY,
    account_id TEXT NOT NULL DEFAULT '',
    email      TEXT NOT NULL UNIQUE,
    name       TEXT NOT NULL DEFAULT '',
    title      TEXT NOT NULL DEFAULT '',
    phone      TEXT NOT NULL DEFAULT '',
    timezone   TEXT NOT NULL DEFAULT '',
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
);

CREATE TABLE users (
    id         TEXT PRIMARY KEY,
    email      TEXT NOT NULL UNIQUE,
    name       TEXT NOT NULL,
    role       TEXT NOT NULL,
    team       TEXT NOT NULL,
    territory  TEXT NOT NULL DEFAULT '',
    timezone   TEXT NOT NULL,
    manager_id TEXT NOT NULL DEFAULT '',
    backup_id  TEXT NOT NULL DEFAULT '',
    capacity   INTEGER NOT NULL DEFAULT 0,
    weight     INTEGER NOT NULL DEFAULT 1,
    away_from  INTEGER NOT NULL DEFAULT 0,
    away_until INTEGER NOT NULL DEFAULT 0,
    active     INTEGER NOT NULL DEFAULT 1,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
);

CREATE TABLE signals (
    id          TEXT PRIMARY KEY,
    external_id TEXT NOT NULL UNIQUE,
    type        TEXT NOT NULL,
    occurred_at INTEGER NOT NULL,
    received_at INTEGER NOT NULL,
    account_id  TEXT NOT NULL DEFAULT '',
    contact_id  TEXT NOT NULL DEFAULT '',
    handoff_id  TEXT NOT NULL DEFAULT '',
    payload     TEXT NOT NULL
);
CREATE INDEX signals_received ON signals (received_at);

CREATE TABLE handoffs (
    id             TEXT PRIMARY KEY,
    type           TEXT NOT NULL,
    state          TEXT NOT NULL,
    tier           TEXT NOT NULL,
    from_team      TEXT NOT NULL,
    to_team        TEXT NOT NULL,
    account_id     TEXT NOT NULL DEFAULT '',
    contact_id     TEXT NOT NULL DEFAULT '',
    signal_id      TEXT NOT NULL,
    meeting_id     TEXT NOT NULL DEFAULT '',
    owner_id       TEXT NOT NULL DEFAULT '',
    backup_id      TEXT NOT NULL DEFAULT '',
    sender_id      TEXT NOT NULL DEFAULT '',
    generation     INTEGER NOT NULL DEFAULT 1,
    accept_by      INTEGER NOT NULL DEFAULT 0,
    first_touch_by INTEGER NOT NULL DEFAULT 0,
    fix_by         INTEGER NOT NULL DEFAULT 0,
    breached       INTEGER NOT NULL DEFAULT 0,
    signals        INTEGER NOT NULL DEFAULT 1,
    outcome        TEXT NOT NULL DEFAULT '',
    gaps           TEXT NOT NULL DEFAULT '[]',
    trace          TEXT NOT NULL DEFAULT '[]',
    created_at     INTEGER NOT NULL,
    updated_at     INTEGER NOT NULL,
    accepted_at    INTEGER NOT NULL DEFAULT 0,
    first_touch_at INTEGER NOT NULL DEFAULT 0,
    closed_at      INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX handoffs_created ON handoffs (created_at DESC, id DESC);
CREATE INDEX handoffs_owner_state ON handoffs (owner_id, state);
CREATE INDEX handoffs_contact_type ON handoffs (contact_id, type, created_at);
CREATE INDEX handoffs_state ON handoffs (state, created_at DESC);

-- The append-only log: rows are inserted, never updated or deleted.
CREATE TABLE handoff_events (
    seq        INTEGER PRIMARY KEY AUTOINCREMENT,
    handoff_id TEXT NOT NULL,
    kind       TEXT NOT NULL,
    at         INTEGER NOT NULL,
    actor      TEXT NOT NULL,
    from_state TEXT NOT NULL DEFAULT '',
    to_state   TEXT NOT NULL DEFAULT '',
    owner_id   TEXT NOT NULL DEFAULT '',
    reason     TEXT NOT NULL DEFAULT '',
    data       TEXT
);
CREATE INDEX handoff_events_handoff ON handoff_events (handoff_id, seq);
CREATE INDEX handoff_events_at ON handoff_events (at);

CREATE TABLE meetings (
    id         TEXT PRIMARY KEY,
    handoff_id TEXT NOT NULL,
    starts_at  INTEGER NOT NULL,
    duration   INTEGER NOT NULL,
    timezone   TEXT NOT NULL,
    agenda     TEXT NOT NULL DEFAULT '',
    type       TEXT NOT NULL DEFAULT '',
    attendees  TEXT NOT NULL DEFAULT '[]',
    status     TEXT NOT NULL,
    sequence   INTEGER NOT NULL DEFAULT 0,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
);

-- Durable deadlines, written with the state that caused them.
CREATE TABLE timers (
    id          TEXT PRIMARY KEY,
    handoff_id  TEXT NOT NULL,
    kind        TEXT NOT NULL,
    generation  INTEGER NOT NULL,
    due_at      INTEGER NOT NULL,
    status      TEXT NOT NULL DEFAULT 'pending',
    lease_until INTEGER NOT NULL DEFAULT 0,
    fired_at    INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX timers_due ON timers (due_at, id) WHERE status = 'pending';
CREATE INDEX timers_handoff ON timers (handoff_id) WHERE status = 'pending';

-- The outbound queue, written with the state change that caused each message.
CREATE TABLE messages (
    id           TEXT PRIMARY KEY,
    handoff_id   TEXT NOT NULL DEFAULT '',
    kind         TEXT NOT NULL,
    channel      TEXT NOT NULL,
    recipient_id TEXT NOT NULL DEFAULT '',
    payload      TEXT NOT NULL,
    status       TEXT NOT NULL DEFAULT 'pending',
    attempts     INTEGER NOT NULL DEFAULT 0,
    next_at      INTEGER NOT NULL,
    lease_until  INTEGER NOT NULL DEFAULT 0,
    last_error   TEXT NOT NULL DEFAULT '',
    created_at   INTEGER NOT NULL,
    sent_at      INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX messages_due ON messages (next_at, id) WHERE status = 'pending';
CREATE INDEX messages_status ON messages (status, created_at DESC);

CREATE TABLE pools (
    pool TEXT PRIMARY KEY,
    seq  INTEGER NOT NULL
);
CREATE TABLE pool_members (
    pool     TEXT NOT NULL,
    user_id  TEXT NOT NULL,
    last_seq INTEGER NOT NULL,
    assigned INTEGER NOT NULL,
    PRIMARY KEY (pool, user_id)
);

CREATE TABLE api_tokens (
    id         TEXT PRIMARY KEY,
    name       TEXT NOT NULL,
    role       TEXT NOT NULL,
    hash       TEXT NOT NULL UNIQUE,
    created_at INTEGER NOT NULL
);

CREATE TABLE settings (
    key   TEXT PRIMARY KEY,
    value BLOB NOT NULL
);
