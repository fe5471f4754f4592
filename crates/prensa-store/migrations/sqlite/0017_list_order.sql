-- PostgreSQL's migration 17 adds `id` to the list indexes so they give the
-- lists' order (published_at DESC, id DESC). SQLite needs nothing: `id` is
-- the rowid, which every index entry already ends with. Kept so both
-- backends count the same migrations.
SELECT 1;
