-- +goose Up
-- Messages to prospects. A contact whose mail bounced permanently is marked
-- so nothing more is sent to it; prospect_sends counts the prospect emails
-- each sending mailbox handed to the relay, and their bounces, per UTC day,
-- for the daily cap and the bounce rate.
ALTER TABLE contacts ADD COLUMN bounced_at INTEGER NOT NULL DEFAULT 0;

CREATE TABLE prospect_sends (
    day     TEXT NOT NULL,
    mailbox TEXT NOT NULL,
    sent    INTEGER NOT NULL DEFAULT 0,
    bounced INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (day, mailbox)
);

