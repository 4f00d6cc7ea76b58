-- newstrace store, schema version 7: publication times, and every link result stored so
-- that views read what the link step found instead of computing it again.

-- The publication date-time as the page gives it (ISO 8601 with its UTC offset), when it
-- carries a time of day; and the same instant in UTC, for ordering reports.
ALTER TABLE revisions ADD COLUMN published_at TEXT;
ALTER TABLE revisions ADD COLUMN published_utc TEXT;
DROP VIEW IF EXISTS current_articles;
CREATE VIEW current_articles AS
SELECT a.id AS article_id, a.article_key, r.id AS revision_id, r.title, r.authors, r.emails,
       r.published, r.published_at, r.published_utc, r.outlet, r.section, r.language,
       COALESCE(r.url, a.url) AS url, r.kind, r.source, r.paragraphs, r.text, r.evidence, r.content_hash,
       a.first_seen, a.last_seen
FROM articles a JOIN revisions r ON r.id = a.current_revision_id;

-- A claim group's counts that explain its numbers, how sure it is, and its first report.
ALTER TABLE claim_groups ADD COLUMN outlets INTEGER NOT NULL DEFAULT 0;
ALTER TABLE claim_groups ADD COLUMN copies INTEGER NOT NULL DEFAULT 0;
ALTER TABLE claim_groups ADD COLUMN repeats INTEGER NOT NULL DEFAULT 0;
ALTER TABLE claim_groups ADD COLUMN confidence REAL NOT NULL DEFAULT 1.0;
ALTER TABLE claim_groups ADD COLUMN first_article_id INTEGER;
ALTER TABLE claim_groups ADD COLUMN first_outlet TEXT;
ALTER TABLE claim_groups ADD COLUMN first_time TEXT;

-- Each origin of a claim group, whether it counts as independent and why; claims and
-- outlets are JSON lists (the member claim ids that lead to it, their outlets).
CREATE TABLE IF NOT EXISTS claim_group_origins (
    group_id INTEGER NOT NULL REFERENCES claim_groups(id),
    position INTEGER NOT NULL,
    name     TEXT NOT NULL,
    kind     TEXT NOT NULL,
    counts   INTEGER NOT NULL,
    why      TEXT NOT NULL,
    claims   TEXT NOT NULL DEFAULT '[]',
    outlets  TEXT NOT NULL DEFAULT '[]',
    PRIMARY KEY (group_id, position)
);

-- Numbers a story reports repeatedly, and each value as printed (chain: JSON list).
CREATE TABLE IF NOT EXISTS figures (
    id       INTEGER PRIMARY KEY,
    story_id INTEGER NOT NULL REFERENCES stories(id),
    position INTEGER NOT NULL,
    counted  TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS figures_story ON figures(story_id);
CREATE TABLE IF NOT EXISTS figure_values (
    figure_id  INTEGER NOT NULL REFERENCES figures(id),
    position   INTEGER NOT NULL,
    value      REAL NOT NULL,
    value_max  REAL,
    qualifier  TEXT,
    text       TEXT NOT NULL,
    counted    TEXT,
    source     TEXT,
    chain      TEXT NOT NULL DEFAULT '[]',
    date       TEXT,
    article_id INTEGER NOT NULL,
    outlet     TEXT,
    claim_id   INTEGER,
    PRIMARY KEY (figure_id, position)
);

-- A story's provenance graph: outlets, articles and sources, and the typed edges between
-- them (reports, cites, copies); attrs are JSON objects.
CREATE TABLE IF NOT EXISTS provenance_nodes (
    story_id INTEGER NOT NULL REFERENCES stories(id),
    node_id  TEXT NOT NULL,
    kind     TEXT NOT NULL,
    label    TEXT NOT NULL,
    attrs    TEXT NOT NULL DEFAULT '{}',
    PRIMARY KEY (story_id, node_id)
);
CREATE TABLE IF NOT EXISTS provenance_edges (
    story_id INTEGER NOT NULL REFERENCES stories(id),
    position INTEGER NOT NULL,
    source   TEXT NOT NULL,
    target   TEXT NOT NULL,
    kind     TEXT NOT NULL,
    attrs    TEXT NOT NULL DEFAULT '{}',
    PRIMARY KEY (story_id, position)
);

-- Stories linked before this version have no stored figures, graph or origins: the next
-- link step computes them.
UPDATE stories SET needs_regroup = 1 WHERE merged_into IS NULL;
