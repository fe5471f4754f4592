-- Editorial workflow: review notes on articles and scheduled changes to
-- published ones (an update going live, or unpublishing, at a set time).
-- Times are UTC Unix seconds.

-- Staff-only notes; user_id and resolved_by are plain integers so that
-- deleting an account keeps the notes.
CREATE TABLE review_notes (
    id          INTEGER PRIMARY KEY,
    article_id  INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
    user_id     BIGINT,
    body        TEXT NOT NULL,
    created_at  BIGINT NOT NULL,
    resolved_at BIGINT,
    resolved_by BIGINT
);
CREATE INDEX review_notes_by_article ON review_notes (article_id, id);

-- draft: the prensa_core::ArticleDraft (JSON) an update saves; NULL for
-- unpublishing. done_at / outcome are set in the transaction that applies
-- (or fails to apply) the change, so it runs once.
CREATE TABLE scheduled_changes (
    id         INTEGER PRIMARY KEY,
    article_id INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
    kind       TEXT NOT NULL CHECK (kind IN ('update', 'unpublish')),
    draft      TEXT,
    run_at     BIGINT NOT NULL,
    created_by BIGINT,
    created_at BIGINT NOT NULL,
    done_at    BIGINT,
    outcome    TEXT
);
CREATE INDEX scheduled_changes_by_article ON scheduled_changes (article_id, id);
CREATE INDEX scheduled_changes_due ON scheduled_changes (run_at) WHERE done_at IS NULL;
