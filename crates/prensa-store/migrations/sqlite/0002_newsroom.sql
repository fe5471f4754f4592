-- The newsroom: staff accounts, sessions, single-use links, article
-- versions and revisions, former slugs, upload dates and the change feed.
-- Times are UTC Unix seconds.

CREATE TABLE users (
    id            INTEGER PRIMARY KEY,
    email         TEXT NOT NULL UNIQUE,
    name          TEXT NOT NULL,
    role          TEXT NOT NULL CHECK (role IN ('contributor', 'author', 'editor', 'administrator')),
    author_id     INTEGER REFERENCES authors(id) ON DELETE SET NULL,
    password_hash TEXT,
    created_at    BIGINT NOT NULL
);

-- Tokens are stored as digests only: a leaked database opens no session.
CREATE TABLE sessions (
    token_digest TEXT PRIMARY KEY,
    user_id      INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    created_at   BIGINT NOT NULL,
    expires_at   BIGINT NOT NULL
);
CREATE INDEX sessions_by_user ON sessions (user_id);

CREATE TABLE user_tokens (
    token_digest TEXT PRIMARY KEY,
    kind         TEXT NOT NULL CHECK (kind IN ('invite', 'reset')),
    user_id      INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    expires_at   BIGINT NOT NULL,
    used_at      BIGINT
);
CREATE INDEX user_tokens_by_user ON user_tokens (user_id);

-- updated_by is a plain integer: deleting an account keeps its articles.
ALTER TABLE articles ADD COLUMN version BIGINT NOT NULL DEFAULT 1;
ALTER TABLE articles ADD COLUMN in_review BOOLEAN NOT NULL DEFAULT 0;
ALTER TABLE articles ADD COLUMN ever_published BOOLEAN NOT NULL DEFAULT 0;
ALTER TABLE articles ADD COLUMN updated_by BIGINT;
UPDATE articles SET ever_published = 1 WHERE status = 'published';

-- The draft as JSON (prensa_core::ArticleDraft).
CREATE TABLE article_revisions (
    id         INTEGER PRIMARY KEY,
    article_id INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
    version    BIGINT NOT NULL,
    user_id    BIGINT,
    saved_at   BIGINT NOT NULL,
    draft      TEXT NOT NULL
);
CREATE INDEX article_revisions_by_article ON article_revisions (article_id, id);

CREATE TABLE slug_redirects (
    publication_id INTEGER NOT NULL REFERENCES publications(id) ON DELETE CASCADE,
    old_slug       TEXT NOT NULL,
    article_id     INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
    PRIMARY KEY (publication_id, old_slug)
);
CREATE INDEX slug_redirects_by_article ON slug_redirects (article_id);

ALTER TABLE media ADD COLUMN created_at BIGINT NOT NULL DEFAULT 0;

-- One row per content write (the newest 10,000): its content version and
-- the space-separated cache keys it touched.
CREATE TABLE content_changes (
    version BIGINT PRIMARY KEY,
    keys    TEXT NOT NULL
);
