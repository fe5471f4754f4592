-- The sign-in throttle, shared by every node on this database: one row per
-- failed (or still running) sign-in attempt and key — `account:<SHA-256 of
-- the normalized e-mail>` (no plain addresses) or `addr:<client IP>`.
-- Rows are transient: deleted once out of the window, never exported by
-- `prensa migrate-store`. Times are UTC Unix seconds.
CREATE TABLE login_failures (
    id        INTEGER PRIMARY KEY,
    scope     TEXT NOT NULL,
    failed_at INTEGER NOT NULL
);
CREATE INDEX login_failures_by_scope ON login_failures (scope, failed_at);
CREATE INDEX login_failures_by_time ON login_failures (failed_at);

-- One row whose no-op update every recording transaction starts with, so
-- counting and recording are serialized across nodes (see newsroom_sql.rs).
CREATE TABLE login_throttle_lock (
    id INTEGER PRIMARY KEY CHECK (id = 1)
);
INSERT INTO login_throttle_lock (id) VALUES (1);
