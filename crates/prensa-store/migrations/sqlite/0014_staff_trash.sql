-- Staff from invite to departure (issue 14): deactivated accounts, the
-- article trash, replies to review notes, and the claim row of jobs that
-- run once across every node sharing the database. Times are UTC Unix
-- seconds.

-- A deactivated account keeps its row (its e-mail stays taken, its
-- articles and revisions keep their author) but cannot sign in; its
-- sessions are deleted when it is deactivated.
ALTER TABLE users ADD COLUMN deactivated_at BIGINT;

-- An article in the trash: unpublished, out of the admin's lists, purged
-- 30 days after trashed_at by the trash_purge job. trashed_by is a plain
-- integer, like updated_by.
ALTER TABLE articles ADD COLUMN trashed_at BIGINT;
ALTER TABLE articles ADD COLUMN trashed_by BIGINT;
CREATE INDEX articles_trashed ON articles (trashed_at) WHERE trashed_at IS NOT NULL;

-- A reply belongs to the thread its root note starts; resolving the root
-- resolves the thread.
ALTER TABLE review_notes ADD COLUMN reply_to INTEGER REFERENCES review_notes(id) ON DELETE CASCADE;
CREATE INDEX review_notes_by_thread ON review_notes (reply_to) WHERE reply_to IS NOT NULL;

-- One row per periodic job: a node runs the job only if its conditional
-- UPDATE moves next_run_at forward (WHERE next_run_at <= now), so of
-- several nodes ticking at once exactly one runs it per period.
CREATE TABLE job_claims (
    name        TEXT PRIMARY KEY,
    next_run_at BIGINT NOT NULL
);
INSERT INTO job_claims (name, next_run_at) VALUES ('trash_purge', 0);
