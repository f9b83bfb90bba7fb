-- +goose Up
-- PostgreSQL's spelling of sqlite/migrations/00024_crm.sql: the same tables,
-- columns and indexes (BIGINT for INTEGER).
-- CRM write-back (package crm): each connector's state, and what each
-- outbox message created in the CRM, so a redelivered message writes
-- nothing twice (the CRMs take no idempotency key).
CREATE TABLE crm_connectors (
	name       TEXT PRIMARY KEY,
	broken     BIGINT NOT NULL DEFAULT 0,
	reason     TEXT NOT NULL DEFAULT '',
	broken_at  BIGINT NOT NULL DEFAULT 0,
	fixed_at   BIGINT NOT NULL DEFAULT 0,
	fixed_by   TEXT NOT NULL DEFAULT '',
	updated_at BIGINT NOT NULL
);
CREATE TABLE crm_deliveries (
	message_id   TEXT PRIMARY KEY,
	connector    TEXT NOT NULL,
	action       TEXT NOT NULL,
	record_id    TEXT NOT NULL,
	remote_id    TEXT NOT NULL DEFAULT '',
	handoff_id   TEXT NOT NULL DEFAULT '',
	delivered_at BIGINT NOT NULL
);
CREATE INDEX crm_deliveries_connector ON crm_deliveries (connector, delivered_at DESC);
-- The CRM channels' messages, for the CRM page's counts and for releasing
-- a fixed connector's; partial, so other messages pay nothing for it.
CREATE INDEX messages_crm ON messages (channel, status) WHERE substr(channel, 1, 4) = 'crm:';
