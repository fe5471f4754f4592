-- The newsroom's article list: a publication's articles not in the trash,
-- last updated first (issue 15). The page reads this index in order and
-- stops at the page; the pager's count reads the index alone. Without it
-- both read and sorted the publication's whole list (240 ms at 20,000
-- articles).
CREATE INDEX articles_by_updated ON articles (publication_id, trashed_at, updated_at, id);
-- Statistics for the planner (an archive upgraded in place has none):
-- which of a filtered list's indexes is the selective one. Imports
-- refresh them (`SqliteStore::analyze`).
ANALYZE;
