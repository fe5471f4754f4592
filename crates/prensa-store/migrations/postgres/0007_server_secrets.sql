-- Secrets every node must share, PostgreSQL edition of
-- migrations/sqlite/0007_server_secrets.sql: one row per name, written
-- once with a random value by the first server to start.
CREATE TABLE server_secrets (
    name  TEXT COLLATE "C" PRIMARY KEY,
    value TEXT NOT NULL
);
