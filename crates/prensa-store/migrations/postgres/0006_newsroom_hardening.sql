-- Hardening of the newsroom (issue 9), PostgreSQL edition of
-- migrations/sqlite/0006_newsroom_hardening.sql (see there for why):
-- preview links stored as digests, sessions that end when idle, scheduled
-- updates that know which article version they were written against.

-- Tokens stored in plain text before this migration are hashed in place
-- when the store opens, by the same code as on SQLite.
ALTER TABLE articles RENAME COLUMN preview_token TO preview_digest;
ALTER INDEX articles_by_preview_token RENAME TO articles_by_preview_digest;
ALTER TABLE articles ADD COLUMN preview_created_at BIGINT;

ALTER TABLE sessions ADD COLUMN last_seen_at BIGINT NOT NULL DEFAULT 0;
UPDATE sessions SET last_seen_at = CAST(EXTRACT(EPOCH FROM now()) AS BIGINT);

ALTER TABLE scheduled_changes ADD COLUMN base_version BIGINT;
UPDATE scheduled_changes SET base_version = (SELECT version FROM articles WHERE articles.id = scheduled_changes.article_id)
WHERE done_at IS NULL;
