-- newstrace store, schema version 6: named entities.
-- One row per mention of a named entity (PERSON, ORG, GPE, LOC, NORP, FAC, EVENT, PRODUCT,
-- LAW, WORK_OF_ART) in a revision's text, in text order; offsets point into revisions.text,
-- `text` is the mention with its whitespace squeezed. Written with the revision (by the
-- claims stage's parse); revisions stored before version 6 have none until re-ingested.
CREATE TABLE IF NOT EXISTS entities (
    revision_id INTEGER NOT NULL REFERENCES revisions(id),
    position    INTEGER NOT NULL,
    text        TEXT NOT NULL,
    label       TEXT NOT NULL,
    start       INTEGER NOT NULL,
    "end"       INTEGER NOT NULL,
    PRIMARY KEY (revision_id, position)
);
-- The search filter (entity=, case-insensitive exact text) looks mentions up by name.
CREATE INDEX IF NOT EXISTS entities_text ON entities(text COLLATE NOCASE);
-- The search facet reads the mentions of a page of revisions: with text and label in the
-- index it never touches the table.
CREATE INDEX IF NOT EXISTS entities_revision ON entities(revision_id, text COLLATE NOCASE, label);
