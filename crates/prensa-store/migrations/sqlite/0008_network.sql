-- The network (issue 10): sister publications whose articles are
-- translations of one another, authors with a bio per language, staff
-- roles given per publication, and the "From our sister sites" block.

-- Translation groups. A group is an original article plus its
-- translations, at most one per language; each translation has a row
-- naming the group's original (never another translation: links to a
-- translation are resolved to its original before they are stored).
-- `language` is the translation's publication's language, copied here so
-- that the database itself refuses two translations into one language.
-- `original_version` is the version of the original the translation
-- follows: when the original's `version` moves past it, the translation's
-- editor says "the original changed since this translation" and shows the
-- diff from that version's revision.
CREATE TABLE translations (
    article_id       INTEGER PRIMARY KEY REFERENCES articles(id) ON DELETE CASCADE,
    original_id      INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
    language         TEXT NOT NULL,
    original_version BIGINT NOT NULL,
    UNIQUE (original_id, language),
    CHECK (article_id <> original_id)
);
CREATE INDEX translations_by_original ON translations (original_id);

-- An author's bio in one language (authors are shared across the
-- network). `authors.bio` stays the bio shown where no row matches the
-- publication's language.
CREATE TABLE author_bios (
    author_id INTEGER NOT NULL REFERENCES authors(id) ON DELETE CASCADE,
    language  TEXT NOT NULL,
    bio       TEXT NOT NULL,
    PRIMARY KEY (author_id, language)
);

-- Staff roles per publication. An account with `network_wide` keeps the
-- role of `users.role` on every publication (every account made before
-- this migration: they ran one publication); any other account has only
-- the roles listed in `publication_roles`.
ALTER TABLE users ADD COLUMN network_wide BOOLEAN NOT NULL DEFAULT 1;
CREATE TABLE publication_roles (
    user_id        INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    publication_id INTEGER NOT NULL REFERENCES publications(id) ON DELETE CASCADE,
    role           TEXT NOT NULL CHECK (role IN ('contributor', 'author', 'editor', 'administrator')),
    PRIMARY KEY (user_id, publication_id)
);
CREATE INDEX publication_roles_by_publication ON publication_roles (publication_id);

-- How many of the sister publications' latest articles the home and
-- article pages show under "From our sister sites" (0: no block).
ALTER TABLE publications ADD COLUMN from_sister_sites INTEGER NOT NULL DEFAULT 0;
