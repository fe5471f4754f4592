-- SEO and social fields per article, custom fields per publication
-- (issue 14). Every SEO field may be empty: the page falls back to the
-- headline, standfirst and hero image. An article without any has no row.
CREATE TABLE article_seo (
    article_id         INTEGER PRIMARY KEY REFERENCES articles(id) ON DELETE CASCADE,
    meta_title         TEXT NOT NULL DEFAULT '',
    meta_description   TEXT NOT NULL DEFAULT '',
    social_title       TEXT NOT NULL DEFAULT '',
    social_description TEXT NOT NULL DEFAULT '',
    -- A media key, or '' for the hero image.
    social_image       TEXT NOT NULL DEFAULT '',
    -- An absolute http(s) URL, or '' for the article's own.
    canonical_url      TEXT NOT NULL DEFAULT ''
);

-- The custom fields an administrator defined for a publication's
-- articles. `kind`: text, url, date or choice; `options`: a choice's
-- options, one per line.
CREATE TABLE custom_fields (
    id             INTEGER PRIMARY KEY,
    publication_id INTEGER NOT NULL REFERENCES publications(id) ON DELETE CASCADE,
    key            TEXT NOT NULL,
    label          TEXT NOT NULL,
    kind           TEXT NOT NULL,
    options        TEXT NOT NULL DEFAULT '',
    help           TEXT NOT NULL DEFAULT '',
    position       BIGINT NOT NULL DEFAULT 0,
    UNIQUE (publication_id, key)
);

-- An article's value of a custom field (no row: not set). Deleting a
-- field deletes its values.
CREATE TABLE article_field_values (
    article_id INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
    field_id   INTEGER NOT NULL REFERENCES custom_fields(id) ON DELETE CASCADE,
    value      TEXT NOT NULL,
    PRIMARY KEY (article_id, field_id)
);
CREATE INDEX article_field_values_by_field ON article_field_values (field_id);
