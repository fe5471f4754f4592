-- The curated front page (issue 14). Editors pin published articles to the
-- home page: `position` 0 is the lead, the next ones the featured
-- articles, in the editors' order. A pin may end by itself at `expires_at`
-- (UTC Unix seconds); readers' pages only ever show pins of articles that
-- are published, already out and not expired, and unpublishing an article
-- deletes its pin.
CREATE TABLE front_pins (
    article_id     INTEGER PRIMARY KEY REFERENCES articles(id) ON DELETE CASCADE,
    publication_id INTEGER NOT NULL REFERENCES publications(id) ON DELETE CASCADE,
    position       INTEGER NOT NULL,
    expires_at     BIGINT,
    pinned_at      BIGINT NOT NULL
);
CREATE INDEX front_pins_by_publication ON front_pins (publication_id, position);
CREATE INDEX front_pins_by_expiry ON front_pins (expires_at);

-- A publication's logo (shown in the header) and favicon, images of the
-- media library; deleting the image clears the choice.
CREATE TABLE publication_brand (
    publication_id INTEGER PRIMARY KEY REFERENCES publications(id) ON DELETE CASCADE,
    logo_key       TEXT REFERENCES media(key) ON DELETE SET NULL,
    favicon_key    TEXT REFERENCES media(key) ON DELETE SET NULL
);
