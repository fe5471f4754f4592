-- Hardening of the newsroom (issue 9): preview links stored as digests,
-- sessions that end when idle, and scheduled updates that know which
-- version of the article they were written against.

-- Preview links: the column keeps the SHA-256 (hex) of the token, as
-- sessions and invites do, so a leaked database opens no draft. Tokens
-- stored in plain text before this migration (43 characters, where a
-- digest has 64) are hashed in place when the store opens (SQLite has no
-- SHA-256 of its own; see `digest_legacy_preview_tokens` in desk_sql.rs),
-- so existing links keep working. preview_created_at: when the link was
-- made (NULL for links older than this migration).
ALTER TABLE articles RENAME COLUMN preview_token TO preview_digest;
DROP INDEX articles_by_preview_token;
CREATE UNIQUE INDEX articles_by_preview_digest ON articles (preview_digest);
ALTER TABLE articles ADD COLUMN preview_created_at BIGINT;

-- Sessions: when the session was last used (UTC Unix seconds), written at
-- most once a minute; a session idle for longer than the server's
-- `session_idle_minutes` is refused. Existing sessions count as used now,
-- so upgrading signs nobody out.
ALTER TABLE sessions ADD COLUMN last_seen_at BIGINT NOT NULL DEFAULT 0;
UPDATE sessions SET last_seen_at = CAST(strftime('%s', 'now') AS INTEGER);

-- Scheduled changes: the article version the change was scheduled on. An
-- update is applied only if the article is still at that version (else it
-- is marked failed and its text kept here). Pending changes scheduled
-- before this migration are taken to be based on the current version.
ALTER TABLE scheduled_changes ADD COLUMN base_version BIGINT;
UPDATE scheduled_changes SET base_version = (SELECT version FROM articles WHERE articles.id = scheduled_changes.article_id)
WHERE done_at IS NULL;
