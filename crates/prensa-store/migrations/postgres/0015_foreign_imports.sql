-- Imports from other platforms (issue 12), PostgreSQL edition of
-- migrations/sqlite/0015_foreign_imports.sql.
--
-- import_sources: the id an imported article, author or section had on the
-- old platform and its slug here, so that importing a newer export of the
-- same site updates what the first run created instead of adding copies.
CREATE TABLE import_sources (
    publication_id BIGINT NOT NULL REFERENCES publications(id) ON DELETE CASCADE,
    platform       TEXT NOT NULL,
    kind           TEXT NOT NULL,
    source_id      TEXT NOT NULL,
    slug           TEXT NOT NULL,
    PRIMARY KEY (publication_id, platform, kind, source_id)
);

-- legacy_urls: every address the old site answered for an imported page
-- (`/?p=123`, `/2019/09/11/slug/`, `/category/news/`), answered here with a
-- permanent redirect. An article's old address names the article, so it
-- follows a later change of slug and goes with the article; `target` is
-- then the article's path when imported, otherwise the list page's path.
CREATE TABLE legacy_urls (
    publication_id BIGINT NOT NULL REFERENCES publications(id) ON DELETE CASCADE,
    path           TEXT NOT NULL,
    article_id     BIGINT REFERENCES articles(id) ON DELETE CASCADE,
    target         TEXT NOT NULL,
    PRIMARY KEY (publication_id, path)
);
CREATE INDEX legacy_urls_by_article ON legacy_urls (article_id);
