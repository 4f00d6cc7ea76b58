-- newstrace store, schema version 1.
-- Plain tables with clear names so the file opens in Datasette or sqlite3;
-- FTS5 for search. Lists are stored as JSON arrays (authors, emails, section).

CREATE TABLE IF NOT EXISTS meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

-- One row per ingest run: what was asked and what came of it.
CREATE TABLE IF NOT EXISTS runs (
    id          INTEGER PRIMARY KEY,
    started_at  TEXT NOT NULL,
    finished_at TEXT,
    command     TEXT NOT NULL,
    added       INTEGER NOT NULL DEFAULT 0,
    revised     INTEGER NOT NULL DEFAULT 0,
    unchanged   INTEGER NOT NULL DEFAULT 0,
    skipped     INTEGER NOT NULL DEFAULT 0,
    failed      INTEGER NOT NULL DEFAULT 0
);

-- A news article as a reader knows it: one page, identified by its canonical URL
-- (or, for a file with no URL, by the file's path). Its text lives in revisions.
CREATE TABLE IF NOT EXISTS articles (
    id                  INTEGER PRIMARY KEY,
    article_key         TEXT NOT NULL UNIQUE,
    url                 TEXT,
    current_revision_id INTEGER,
    first_seen          TEXT NOT NULL,
    last_seen           TEXT NOT NULL
);

-- Every distinct version of an article's content. The same content twice is one row.
CREATE TABLE IF NOT EXISTS revisions (
    id           INTEGER PRIMARY KEY,
    article_id   INTEGER NOT NULL REFERENCES articles(id),
    content_hash TEXT NOT NULL,
    kind         TEXT NOT NULL,
    source       TEXT NOT NULL,
    title        TEXT,
    authors      TEXT NOT NULL DEFAULT '[]',
    emails       TEXT NOT NULL DEFAULT '[]',
    published    TEXT,
    outlet       TEXT,
    section      TEXT NOT NULL DEFAULT '[]',
    language     TEXT,
    url          TEXT,
    text         TEXT NOT NULL,
    paragraphs   INTEGER NOT NULL,
    evidence     TEXT NOT NULL DEFAULT '{}',
    ingested_at  TEXT NOT NULL,
    UNIQUE (article_id, content_hash)
);
CREATE INDEX IF NOT EXISTS revisions_hash ON revisions(content_hash);
CREATE INDEX IF NOT EXISTS revisions_published ON revisions(published);
CREATE INDEX IF NOT EXISTS revisions_outlet ON revisions(outlet);

-- Authors of a revision, one row each, for filtering and for Datasette facets.
CREATE TABLE IF NOT EXISTS revision_authors (
    revision_id INTEGER NOT NULL REFERENCES revisions(id),
    position    INTEGER NOT NULL,
    name        TEXT NOT NULL,
    email       TEXT,
    PRIMARY KEY (revision_id, position)
);
CREATE INDEX IF NOT EXISTS revision_authors_name ON revision_authors(name COLLATE NOCASE);

-- Image captions of a revision with their credits.
CREATE TABLE IF NOT EXISTS captions (
    revision_id INTEGER NOT NULL REFERENCES revisions(id),
    position    INTEGER NOT NULL,
    text        TEXT NOT NULL,
    credit      TEXT,
    PRIMARY KEY (revision_id, position)
);

-- Every input ever processed, by where it came from and what its bytes were,
-- so that a re-run (or a killed run started again) skips what is done.
CREATE TABLE IF NOT EXISTS inputs (
    id          INTEGER PRIMARY KEY,
    source      TEXT NOT NULL,
    sha256      TEXT NOT NULL,
    status      TEXT NOT NULL CHECK (status IN ('ok', 'failed')),
    revision_id INTEGER REFERENCES revisions(id),
    run_id      INTEGER REFERENCES runs(id),
    processed_at TEXT NOT NULL,
    UNIQUE (source, sha256)
);

-- Inputs that failed, with a stable reason slug and a one-line message.
-- One row per source; a later success marks it resolved.
CREATE TABLE IF NOT EXISTS failures (
    id          INTEGER PRIMARY KEY,
    source      TEXT NOT NULL UNIQUE,
    stage       TEXT NOT NULL,
    reason      TEXT NOT NULL,
    message     TEXT NOT NULL,
    attempts    INTEGER NOT NULL DEFAULT 1,
    first_seen  TEXT NOT NULL,
    last_seen   TEXT NOT NULL,
    resolved_at TEXT,
    run_id      INTEGER REFERENCES runs(id)
);

-- Full-text index over the current revision of each article (rowid = articles.id).
CREATE VIRTUAL TABLE IF NOT EXISTS article_search USING fts5(
    title, body, authors, outlet,
    tokenize = 'unicode61 remove_diacritics 2'
);

-- The current revision of every article, flattened: the view most users want.
CREATE VIEW IF NOT EXISTS current_articles AS
SELECT a.id AS article_id, a.article_key, r.id AS revision_id, r.title, r.authors, r.emails,
       r.published, r.outlet, r.section, r.language, COALESCE(r.url, a.url) AS url, r.kind,
       r.source, r.paragraphs, r.text, a.first_seen, a.last_seen
FROM articles a JOIN revisions r ON r.id = a.current_revision_id;
