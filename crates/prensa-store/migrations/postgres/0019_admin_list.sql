-- The newsroom's article list: a publication's articles not in the trash,
-- last updated first (issue 15). The page reads this index in order and
-- stops at the page; the pager's count reads the index alone. Without it
-- both read and sorted the publication's whole list (240 ms at 20,000
-- articles). (PostgreSQL keeps its statistics itself, and imports end
-- with VACUUM (ANALYZE).)
CREATE INDEX articles_by_updated ON articles (publication_id, trashed_at, updated_at, id);
