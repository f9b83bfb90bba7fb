-- +goose Up
-- PostgreSQL's spelling of sqlite/migrations/00010_prospect.sql: the same tables,
-- columns and indexes (BIGINT for INTEGER, BYTEA for BLOB).
-- Messages to prospects. A contact whose mail bounced permanently is marked
-- so nothing more is sent to it; prospect_sends counts the prospect emails
-- each sending mailbox handed to the relay, and their bounces, per UTC day,
-- for the daily cap and the bounce rate.
ALTER TABLE contacts ADD COLUMN bounced_at BIGINT NOT NULL DEFAULT 0;

CREATE TABLE prospect_sends (
    day     TEXT NOT NULL,
    mailbox TEXT NOT NULL,
    sent    BIGINT NOT NULL DEFAULT 0,
    bounced BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (day, mailbox)
);

