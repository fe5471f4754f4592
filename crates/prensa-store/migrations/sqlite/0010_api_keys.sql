-- Content API keys (issue 11). A key is shown once, when it is made; the
-- database keeps its SHA-256 (hex) only, so a copy of the database lets
-- nobody read the API. `prefix` is the key's first characters, shown in
-- lists so staff can tell keys apart. A revoked key keeps its row (and
-- `revoked_at`), so the API can answer "revoked" rather than "unknown".
-- Times are UTC Unix seconds.
CREATE TABLE api_keys (
    id             INTEGER PRIMARY KEY,
    publication_id INTEGER NOT NULL REFERENCES publications(id) ON DELETE CASCADE,
    name           TEXT NOT NULL,
    digest         TEXT NOT NULL UNIQUE,
    prefix         TEXT NOT NULL,
    created_at     BIGINT NOT NULL,
    created_by     INTEGER REFERENCES users(id) ON DELETE SET NULL,
    revoked_at     BIGINT
);
CREATE INDEX api_keys_by_publication ON api_keys (publication_id);

-- The origins allowed to call the Content API from a browser (CORS):
-- space-separated exact origins (`https://app.example.org`) or `*`;
-- empty: none.
ALTER TABLE publications ADD COLUMN api_cors_origins TEXT NOT NULL DEFAULT '';
