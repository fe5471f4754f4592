-- Secrets every node must share, by name: today `form-signing`, the HMAC
-- key of the sign-in, invite and reset forms' tokens. Each row is written
-- once, with a random value, by the first server to start (INSERT … ON
-- CONFLICT DO NOTHING, then read back), so a new database gets its own
-- secret and every node on it signs alike. Never exported by `prensa
-- migrate-store`: the target database makes a fresh one (forms open at
-- that moment are refused once, with a "reload the page" message).
CREATE TABLE server_secrets (
    name  TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
