-- newstrace store, schema version 4: the workbench's watchlists.

-- A saved search: an FTS5 query over articles, a source name (a claim's speaker or anyone
-- in its chain), or both (articles matching both). last_seen_at is when its page was last
-- visited: articles first seen after it are new.
CREATE TABLE IF NOT EXISTS watchlists (
    id           INTEGER PRIMARY KEY,
    name         TEXT NOT NULL,
    query        TEXT,
    source       TEXT,
    created_at   TEXT NOT NULL,
    last_seen_at TEXT,
    CHECK (query IS NOT NULL OR source IS NOT NULL)
);
