-- newstrace store, schema version 2: attributed claims.

-- One row per attributed claim found in a revision's text; offsets point into revisions.text.
CREATE TABLE IF NOT EXISTS claims (
    id                 INTEGER PRIMARY KEY,
    revision_id        INTEGER NOT NULL REFERENCES revisions(id),
    position           INTEGER NOT NULL,
    source_text        TEXT,
    source_start       INTEGER,
    source_end         INTEGER,
    source_entity      TEXT,
    source_type        TEXT,
    source_description TEXT,
    cue_text           TEXT NOT NULL,
    cue_start          INTEGER NOT NULL,
    cue_end            INTEGER NOT NULL,
    -- the content parts joined by " … ", and the parts as a JSON list of [start, end, text]
    content            TEXT NOT NULL,
    content_spans      TEXT NOT NULL,
    kind               TEXT NOT NULL,
    -- canonical source names, immediate source first, as a JSON list
    chain              TEXT NOT NULL DEFAULT '[]',
    origin             TEXT,
    stance             TEXT NOT NULL,
    date               TEXT,
    quantities         TEXT NOT NULL DEFAULT '[]',
    places             TEXT NOT NULL DEFAULT '[]',
    confidence         REAL NOT NULL DEFAULT 1.0,
    UNIQUE (revision_id, position)
);
CREATE INDEX IF NOT EXISTS claims_entity ON claims(source_entity COLLATE NOCASE);
CREATE INDEX IF NOT EXISTS claims_origin ON claims(origin COLLATE NOCASE);
CREATE INDEX IF NOT EXISTS claims_date ON claims(date);

-- Every source named in a claim's chain, one row each: "who is cited for what".
CREATE TABLE IF NOT EXISTS claim_sources (
    claim_id INTEGER NOT NULL REFERENCES claims(id),
    position INTEGER NOT NULL,
    name     TEXT NOT NULL,
    PRIMARY KEY (claim_id, position)
);
CREATE INDEX IF NOT EXISTS claim_sources_name ON claim_sources(name COLLATE NOCASE);

-- Full-text index over claim contents (rowid = claims.id).
CREATE VIRTUAL TABLE IF NOT EXISTS claim_search USING fts5(
    content, source, tokenize = 'unicode61 remove_diacritics 2'
);

-- Claims of each article's current revision, with the article's metadata.
CREATE VIEW IF NOT EXISTS current_claims AS
SELECT c.*, a.id AS article_id, r.title AS article_title, r.outlet, r.published, COALESCE(r.url, a.url) AS url
FROM claims c
JOIN revisions r ON r.id = c.revision_id
JOIN articles a ON a.current_revision_id = r.id;
