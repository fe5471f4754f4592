-- Feeds (issue 11): what a publication's RSS, Atom and JSON feeds carry of
-- each article, the whole body ('full', the default) or the standfirst
-- alone ('summary'). The setting `feed_content` of `publication.toml`.
ALTER TABLE publications ADD COLUMN feed_content TEXT NOT NULL DEFAULT 'full'
    CHECK (feed_content IN ('full', 'summary'));
