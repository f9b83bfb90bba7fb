-- +goose Up
-- PostgreSQL's spelling of sqlite/migrations/00013_outcomes.sql: the same tables,
-- columns and indexes (BIGINT for INTEGER, BYTEA for BLOB).
-- The outcome protocol: each meeting counts the times it was moved while
-- booked (a meeting rescheduled twice is flagged in the brief), and each
-- activity names the outcome whose follow-up sequence created it (empty
-- for a handoff type's activities), so a later outcome, completion or
-- cancellation ends that sequence.
ALTER TABLE meetings ADD COLUMN reschedules BIGINT NOT NULL DEFAULT 0;
ALTER TABLE activities ADD COLUMN outcome TEXT NOT NULL DEFAULT '';
