-- The curated front page (issue 14), PostgreSQL edition of
-- migrations/sqlite/0013_front_page.sql (see there for why). Times are UTC
-- Unix seconds.
CREATE TABLE front_pins (
    article_id     BIGINT PRIMARY KEY REFERENCES articles(id) ON DELETE CASCADE,
    publication_id BIGINT NOT NULL REFERENCES publications(id) ON DELETE CASCADE,
    position       BIGINT NOT NULL,
    expires_at     BIGINT,
    pinned_at      BIGINT NOT NULL
);
CREATE INDEX front_pins_by_publication ON front_pins (publication_id, position);
CREATE INDEX front_pins_by_expiry ON front_pins (expires_at);

-- A publication's logo (shown in the header) and favicon, images of the
-- media library; deleting the image clears the choice.
CREATE TABLE publication_brand (
    publication_id BIGINT PRIMARY KEY REFERENCES publications(id) ON DELETE CASCADE,
    logo_key       TEXT REFERENCES media(key) ON DELETE SET NULL,
    favicon_key    TEXT REFERENCES media(key) ON DELETE SET NULL
);
