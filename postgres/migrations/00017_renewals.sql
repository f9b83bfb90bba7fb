-- +goose Up
-- PostgreSQL's spelling of sqlite/migrations/00017_renewals.sql: the same tables,
-- columns and indexes (BIGINT for INTEGER, BYTEA for BLOB).
-- An account's renewal date, YYYY-MM-DD ('' when unknown): the renewal
-- timer (timers.kind 'renewal_due', ref the account id) raises the
-- renewal_due signal the playbook's renewal.notice before it.
ALTER TABLE accounts ADD COLUMN renewal_date TEXT NOT NULL DEFAULT '';
CREATE INDEX accounts_renewal ON accounts (renewal_date) WHERE renewal_date <> '';
