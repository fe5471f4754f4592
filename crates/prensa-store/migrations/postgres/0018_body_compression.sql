-- Article bodies and revisions are the bulk of a store (1.4 GB of text at
-- 100,000 articles). PostgreSQL compresses long values when it stores them
-- out of line (TOAST) with pglz unless told otherwise; lz4 does the same
-- job several times faster, and an import of that archive went from 98 s
-- to 58 s (issue 15, BENCHMARKS.md). lz4 needs a server built with it
-- (every packaged PostgreSQL 14 or later is): where it is missing, the
-- columns keep the default and nothing fails. Values already stored keep
-- their compression until they are written again.
DO $$
BEGIN
    IF EXISTS (
        SELECT 1 FROM pg_settings
        WHERE name = 'default_toast_compression' AND 'lz4' = ANY (enumvals)
    ) THEN
        ALTER TABLE articles ALTER COLUMN body SET COMPRESSION lz4;
        ALTER TABLE article_revisions ALTER COLUMN draft SET COMPRESSION lz4;
    END IF;
END
$$;
