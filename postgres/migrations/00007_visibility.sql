-- +goose Up
-- PostgreSQL's spelling of sqlite/migrations/00007_visibility.sql: the same tables,
-- columns and indexes (BIGINT for INTEGER, BYTEA for BLOB).
-- Who sees a handoff: its owner, its backup and its sender. Lists filtered
-- to what a person may see look each up by index (owner_id already leads
-- handoffs_owner_state); the outbox by handoff and recipient.
CREATE INDEX handoffs_backup ON handoffs (backup_id, created_at);
CREATE INDEX handoffs_sender ON handoffs (sender_id, created_at);
CREATE INDEX messages_recipient ON messages (recipient_id, created_at);
CREATE INDEX messages_handoff ON messages (handoff_id, created_at);

