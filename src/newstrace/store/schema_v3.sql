-- newstrace store, schema version 3: links across articles (copies, stories, claim groups).

-- The current articles view gains the revision's extraction evidence (the copy finder
-- reads a cross-site canonical link from it).
DROP VIEW IF EXISTS current_articles;
CREATE VIEW current_articles AS
SELECT a.id AS article_id, a.article_key, r.id AS revision_id, r.title, r.authors, r.emails,
       r.published, r.outlet, r.section, r.language, COALESCE(r.url, a.url) AS url, r.kind,
       r.source, r.paragraphs, r.text, r.evidence, a.first_seen, a.last_seen
FROM articles a JOIN revisions r ON r.id = a.current_revision_id;

-- Which revision of each article the link step has taken in; an article whose current
-- revision differs (or that has no row) is pending. Written in the same transaction as
-- what linking found, so a killed link step resumes.
CREATE TABLE IF NOT EXISTS linked (
    article_id  INTEGER PRIMARY KEY REFERENCES articles(id),
    revision_id INTEGER NOT NULL,
    linked_at   TEXT NOT NULL
);

-- Serialised link indexes (copy index, story clusterer): code-free formats, never pickle.
CREATE TABLE IF NOT EXISTS link_state (
    name       TEXT PRIMARY KEY,
    data       BLOB NOT NULL,
    updated_at TEXT NOT NULL
);

-- A syndicated or near-identical copy and the article it copies (the credited or earliest
-- one); evidence is a JSON list saying how they matched and why that one is the original.
CREATE TABLE IF NOT EXISTS copies (
    copy_id     INTEGER PRIMARY KEY REFERENCES articles(id),
    original_id INTEGER NOT NULL REFERENCES articles(id),
    similarity  REAL NOT NULL,
    evidence    TEXT NOT NULL DEFAULT '[]',
    found_at    TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS copies_original ON copies(original_id);

-- Stories: articles about one developing event. A story merged into another keeps its
-- row with merged_into set, so its id still leads somewhere.
CREATE TABLE IF NOT EXISTS stories (
    id              INTEGER PRIMARY KEY,
    title           TEXT,
    first_published TEXT,
    last_published  TEXT,
    articles        INTEGER NOT NULL DEFAULT 0,
    originals       INTEGER NOT NULL DEFAULT 0,
    outlets         INTEGER NOT NULL DEFAULT 0,
    claim_groups    INTEGER NOT NULL DEFAULT 0,
    merged_into     INTEGER REFERENCES stories(id),
    -- set when membership changed and the claim groups are not recomputed yet
    needs_regroup   INTEGER NOT NULL DEFAULT 0,
    updated_at      TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS stories_last ON stories(last_published);

CREATE TABLE IF NOT EXISTS story_articles (
    article_id INTEGER PRIMARY KEY REFERENCES articles(id),
    story_id   INTEGER NOT NULL REFERENCES stories(id)
);
CREATE INDEX IF NOT EXISTS story_articles_story ON story_articles(story_id);

-- Claim groups of a story: the same claim reported by several articles. The id is the
-- smallest claim id among the members, so it survives regrouping while that claim stays.
CREATE TABLE IF NOT EXISTS claim_groups (
    id                  INTEGER PRIMARY KEY,
    story_id            INTEGER NOT NULL REFERENCES stories(id),
    label               TEXT NOT NULL,
    reports             INTEGER NOT NULL,
    denials             INTEGER NOT NULL,
    independent_origins INTEGER NOT NULL,
    origins             TEXT NOT NULL DEFAULT '[]',
    relayed_by          TEXT NOT NULL DEFAULT '[]',
    denied_by           TEXT NOT NULL DEFAULT '[]',
    first_seen          TEXT,
    circular            INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX IF NOT EXISTS claim_groups_story ON claim_groups(story_id);

-- role: 'asserts' or 'denies'
CREATE TABLE IF NOT EXISTS claim_group_members (
    claim_id INTEGER PRIMARY KEY REFERENCES claims(id),
    group_id INTEGER NOT NULL REFERENCES claim_groups(id),
    role     TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS claim_group_members_group ON claim_group_members(group_id);
