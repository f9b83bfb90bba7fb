-- +goose Up
-- The context a handoff carries (template fields), as JSON.
ALTER TABLE handoffs ADD COLUMN context TEXT NOT NULL DEFAULT '{}';
