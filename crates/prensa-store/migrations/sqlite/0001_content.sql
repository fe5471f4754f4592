-- Content model. Timestamps are UTC Unix seconds plus the author's UTC
-- offset in seconds, so lists sort on one integer and pages still show the
-- time zone the article was dated in. JSON columns hold small value lists.

CREATE TABLE publications (
    id                INTEGER PRIMARY KEY,
    slug              TEXT NOT NULL UNIQUE,
    name              TEXT NOT NULL,
    tagline           TEXT NOT NULL,
    language          TEXT NOT NULL,
    base_url          TEXT NOT NULL,
    timezone          TEXT NOT NULL,
    social            TEXT NOT NULL,
    more_from_section INTEGER NOT NULL,
    most_recent       INTEGER NOT NULL,
    page_size         INTEGER NOT NULL
);

CREATE TABLE media (
    key          TEXT PRIMARY KEY,
    content_type TEXT NOT NULL,
    width        INTEGER NOT NULL,
    height       INTEGER NOT NULL,
    bytes        INTEGER NOT NULL
);

CREATE TABLE authors (
    id     INTEGER PRIMARY KEY,
    slug   TEXT NOT NULL UNIQUE,
    name   TEXT NOT NULL,
    bio    TEXT NOT NULL,
    avatar TEXT REFERENCES media(key),
    social TEXT NOT NULL
);

-- Which authors write for which publication (an author may write for several).
CREATE TABLE publication_authors (
    publication_id INTEGER NOT NULL REFERENCES publications(id) ON DELETE CASCADE,
    author_id      INTEGER NOT NULL REFERENCES authors(id) ON DELETE CASCADE,
    PRIMARY KEY (publication_id, author_id)
);

CREATE TABLE sections (
    id             INTEGER PRIMARY KEY,
    publication_id INTEGER NOT NULL REFERENCES publications(id) ON DELETE CASCADE,
    slug           TEXT NOT NULL,
    name           TEXT NOT NULL,
    description    TEXT NOT NULL,
    position       INTEGER NOT NULL,
    UNIQUE (publication_id, slug)
);

CREATE TABLE tags (
    id             INTEGER PRIMARY KEY,
    publication_id INTEGER NOT NULL REFERENCES publications(id) ON DELETE CASCADE,
    slug           TEXT NOT NULL,
    name           TEXT NOT NULL,
    UNIQUE (publication_id, slug)
);

CREATE TABLE articles (
    id                INTEGER PRIMARY KEY,
    publication_id    INTEGER NOT NULL REFERENCES publications(id) ON DELETE CASCADE,
    slug              TEXT NOT NULL,
    headline          TEXT NOT NULL,
    standfirst        TEXT NOT NULL,
    body              TEXT NOT NULL,
    toc               BOOLEAN NOT NULL,
    section_id        INTEGER NOT NULL REFERENCES sections(id),
    image_key         TEXT REFERENCES media(key),
    image_alt         TEXT,
    image_caption     TEXT,
    status            TEXT NOT NULL CHECK (status IN ('draft', 'published')),
    published_at      BIGINT NOT NULL,
    published_offset  INTEGER NOT NULL,
    updated_at        BIGINT NOT NULL,
    updated_offset    INTEGER NOT NULL,
    translation_group TEXT,
    UNIQUE (publication_id, slug)
);
CREATE INDEX articles_by_date ON articles (publication_id, status, published_at);
CREATE INDEX articles_by_section ON articles (section_id, status, published_at);
CREATE INDEX articles_by_translation ON articles (translation_group);

CREATE TABLE article_authors (
    article_id INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
    author_id  INTEGER NOT NULL REFERENCES authors(id),
    position   INTEGER NOT NULL,
    PRIMARY KEY (article_id, author_id)
);
CREATE INDEX article_authors_by_author ON article_authors (author_id);

CREATE TABLE article_tags (
    article_id INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
    tag_id     INTEGER NOT NULL REFERENCES tags(id) ON DELETE CASCADE,
    position   INTEGER NOT NULL,
    PRIMARY KEY (article_id, tag_id)
);
CREATE INDEX article_tags_by_tag ON article_tags (tag_id);

-- Bumped by every write, so other processes serving the same database know
-- their page caches are stale.
CREATE TABLE content_version (
    id      INTEGER PRIMARY KEY CHECK (id = 1),
    version BIGINT NOT NULL
);
INSERT INTO content_version (id, version) VALUES (1, 0);
