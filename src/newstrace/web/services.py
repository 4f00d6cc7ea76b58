"""What the API (and the workbench pages) do with the store, apart from HTTP.

Read functions take an open :class:`~newstrace.store.Store` and return plain JSON-ready data;
:func:`ingest_inputs` runs extraction, analysis, storage and the link step over inputs that
arrived by URL or upload and says, article by article, what was added.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from newstrace.config import Settings
from newstrace.errors import QueryError
from newstrace.extract.decode import looks_binary
from newstrace.ingest import Skipped
from newstrace.models import Article, Failure, RawInput
from newstrace.store import AddResult, Store
from newstrace.store.claims import StoredClaim, _claim_from_row
from newstrace.store.export import FLAT_COLUMNS, _flat

# -- search snippets ---------------------------------------------------------------------------

HIT_START, HIT_END = "\x02", "\x03"


def snippet_parts(snippet: str) -> list[dict[str, Any]]:
    """An FTS5 snippet (hits between \\x02 and \\x03) as [{text, hit}] parts: a structure to
    render safely, never markup. Stray markers are dropped."""
    parts: list[dict[str, Any]] = []
    hit = False
    buf: list[str] = []

    def flush() -> None:
        if buf:
            text = "".join(buf)
            if parts and parts[-1]["hit"] == hit:
                parts[-1]["text"] += text
            else:
                parts.append({"text": text, "hit": hit})
            buf.clear()

    for ch in snippet:
        if ch == HIT_START:
            flush()
            hit = True
        elif ch == HIT_END:
            flush()
            hit = False
        else:
            buf.append(ch)
    flush()
    return parts


# -- claims ------------------------------------------------------------------------------------


def claim_records(store: Store, claims: list[StoredClaim]) -> list[dict[str, Any]]:
    """Claim records with the claim group each belongs to (if any) and its role there."""
    groups = store.claim_group_of([sc.id for sc in claims]) if claims else {}
    out = []
    for sc in claims:
        rec = sc.to_record()
        g = groups.get(sc.id)
        rec["group"] = {"id": g[0], "role": g[1]} if g else None
        out.append(rec)
    return out


def claims_by_ids(store: Store, ids: list[int]) -> dict[int, StoredClaim]:
    out: dict[int, StoredClaim] = {}
    for i in range(0, len(ids), 500):
        part = ids[i : i + 500]
        marks = ",".join("?" * len(part))
        for r in store.db.execute(f"SELECT * FROM current_claims WHERE id IN ({marks})", part):  # noqa: S608
            out[int(r["id"])] = StoredClaim(r["id"], r["article_id"], r["article_title"], r["outlet"],
                                            r["published"], r["url"], _claim_from_row(r))
    return out


# -- sources -----------------------------------------------------------------------------------

_SOURCES_OF_CURRENT = (
    "FROM claim_sources cs JOIN claims c ON c.id = cs.claim_id"
    " JOIN articles a ON a.current_revision_id = c.revision_id"
    " JOIN revisions r ON r.id = c.revision_id"
)


def list_sources(store: Store, *, contains: str | None, limit: int, offset: int) -> list[dict[str, Any]]:
    """Distinct source names (speakers and everyone in a chain), most cited first."""
    from newstrace.store.claims import like_contains

    where, params = "", []  # type: tuple[str, list[Any]]
    if contains:
        where = " WHERE cs.name LIKE ? ESCAPE '\\'"
        params.append(like_contains(contains))
    rows = store.db.execute(
        "SELECT min(cs.name) AS name, count(DISTINCT cs.claim_id) AS claims, count(DISTINCT a.id) AS articles,"
        " count(DISTINCT r.outlet) AS outlets, min(COALESCE(c.date, r.published)) AS first,"
        " max(COALESCE(c.date, r.published)) AS last "
        + _SOURCES_OF_CURRENT + where
        + " GROUP BY cs.name COLLATE NOCASE ORDER BY claims DESC, name COLLATE NOCASE LIMIT ? OFFSET ?",
        (*params, limit, offset),
    ).fetchall()
    return [dict(r) for r in rows]


def source_summary(store: Store, name: str) -> dict[str, Any]:
    """One source (matched case-insensitively): counts, and its claims per day."""
    row = store.db.execute(
        "SELECT min(cs.name) AS name, count(DISTINCT cs.claim_id) AS claims, count(DISTINCT a.id) AS articles,"
        " count(DISTINCT r.outlet) AS outlets " + _SOURCES_OF_CURRENT + " WHERE cs.name = ? COLLATE NOCASE",
        (name,),
    ).fetchone()
    if row is None or not row["claims"]:
        raise QueryError(f"no source named {name!r} is cited by a stored claim", reason="not-found")
    days = store.db.execute(
        "SELECT substr(COALESCE(c.date, r.published), 1, 10) AS date, count(DISTINCT c.id) AS claims,"
        " count(DISTINCT CASE WHEN c.stance = 'denied' THEN c.id END) AS denied "
        + _SOURCES_OF_CURRENT + " WHERE cs.name = ? COLLATE NOCASE GROUP BY 1 ORDER BY 1 IS NULL, 1",
        (name,),
    ).fetchall()
    return {**dict(row), "over_time": [dict(d) for d in days]}


def source_claims(store: Store, name: str, *, limit: int, offset: int) -> list[StoredClaim]:
    rows = store.db.execute(
        "SELECT DISTINCT c.id, COALESCE(c.date, r.published) AS d, a.id AS aid, c.position "
        + _SOURCES_OF_CURRENT + " WHERE cs.name = ? COLLATE NOCASE ORDER BY d IS NULL, d, aid, c.position"
        " LIMIT ? OFFSET ?",
        (name, limit, offset),
    ).fetchall()
    ids = [int(r[0]) for r in rows]
    found = claims_by_ids(store, ids)
    return [found[i] for i in ids if i in found]


# -- articles, stories, claim groups ----------------------------------------------------------


def article_record(store: Store, article_id: int) -> dict[str, Any]:
    """An article with its captions, claims (with their groups), story and copies."""
    found = store.claims(article_id=article_id, limit=100_000)
    sa = store.get(article_id, claims=found)
    rec = sa.to_record()
    rec.pop("path", None)
    rec["source"] = sa.article.source
    rec["claims"] = claim_records(store, found)
    rec["story"] = store.story(sa.story_id).to_record() if sa.story_id is not None else None
    rows = store.copies([article_id])
    rec["copy"] = rows[article_id].to_record() if article_id in rows else None
    rec["copies"] = [r.to_record() for c, r in sorted(rows.items()) if r.original_id == article_id]
    return rec


def story_articles(store: Store, story_id: int) -> list[dict[str, Any]]:
    ids = store.story_articles(story_id)
    copies = store.copies(ids)
    out = []
    for i in range(0, len(ids), 500):
        part = ids[i : i + 500]
        marks = ",".join("?" * len(part))
        rows = {
            int(r["article_id"]): r
            for r in store.db.execute(
                "SELECT article_id, title, outlet, published, url, authors FROM current_articles"  # noqa: S608
                f" WHERE article_id IN ({marks})",
                part,
            )
        }
        for aid in part:
            r = rows.get(aid)
            if r is None:
                continue
            out.append({"id": aid, "title": r["title"], "outlet": r["outlet"], "published": r["published"],
                        "url": r["url"], "authors": json.loads(r["authors"]),
                        "copy_of": copies[aid].original_id if aid in copies else None})
    return out


def claim_group(store: Store, group_id: int) -> dict[str, Any]:
    row = store.db.execute("SELECT story_id FROM claim_groups WHERE id=?", (group_id,)).fetchone()
    if row is None:
        raise QueryError(f"no claim group with id {group_id}", reason="not-found")
    groups = [g for g in store.claim_groups(story_id=int(row[0]), members=True, limit=1_000_000) if g.id == group_id]
    if not groups:
        raise QueryError(f"no claim group with id {group_id}", reason="not-found")
    g = groups[0]
    rec = g.to_record()
    found = claims_by_ids(store, [c for c, _ in g.members])
    rec["members"] = [
        {"claim_id": c, "role": role, "claim": found[c].to_record() if c in found else None} for c, role in g.members
    ]
    return rec


def figure_record(f: Any) -> dict[str, Any]:
    return {"counted": f.counted, "values": [vars(v).copy() for v in f.values]}


# -- exports (written as CSV by newstrace.store.export.csv_text) -------------------------------


def article_export_rows(store: Store, after: int, batch: int) -> tuple[list[dict[str, Any]], int]:
    """A page of article records with id > ``after``; returns them and the last id."""
    ids = [
        int(r[0])
        for r in store.db.execute(
            "SELECT id FROM articles WHERE id>? AND current_revision_id IS NOT NULL ORDER BY id LIMIT ?",
            (after, batch),
        )
    ]
    return [store.get(i).to_record() for i in ids], (ids[-1] if ids else after)


def article_flat(rec: dict[str, Any]) -> dict[str, Any]:
    return _flat(rec)


ARTICLE_COLUMNS = list(FLAT_COLUMNS)
CLAIM_COLUMNS = ["id", "article_id", "outlet", "published", "date", "source", "source_type", "cue", "content",
                 "chain", "kind", "stance", "confidence", "group_id", "article_title", "url"]


def claim_flat(rec: dict[str, Any]) -> dict[str, Any]:
    content = rec["content"]
    parts = content if isinstance(content, list) else [content]
    src = rec.get("source") or {}
    return {
        "id": rec["id"], "article_id": rec["article_id"], "outlet": rec["outlet"], "published": rec["published"],
        "date": rec["date"], "source": src.get("entity") or src.get("text"), "source_type": src.get("type"),
        "cue": rec["cue"]["text"], "content": " … ".join(p["text"] for p in parts),
        "chain": " <- ".join(rec["chain"]), "kind": rec["kind"], "stance": rec["stance"],
        "confidence": rec["confidence"], "group_id": (rec.get("group") or {}).get("id"),
        "article_title": rec["article_title"], "url": rec["url"],
    }


# -- ingest -----------------------------------------------------------------------------------


@dataclass
class WebIngestReport:
    added: int = 0
    revised: int = 0
    unchanged: int = 0
    skipped: int = 0
    articles: list[dict[str, Any]] = field(default_factory=list)
    failures: list[dict[str, str]] = field(default_factory=list)
    linked: dict[str, int] | None = None

    def to_record(self) -> dict[str, Any]:
        return {"added": self.added, "revised": self.revised, "unchanged": self.unchanged, "skipped": self.skipped,
                "failed": len(self.failures), "articles": self.articles, "failures": self.failures,
                "linked": self.linked}


_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def upload_source_name(filename: str | None) -> str:
    """``upload:<file name>``: the base name only, control characters removed, bounded."""
    name = (filename or "").replace("\\", "/").rsplit("/", 1)[-1]
    name = _CONTROL.sub("", name).strip()[:200]
    return "upload:" + (name or "page")


def upload_input(data: bytes, filename: str | None, url: str | None, as_: str) -> RawInput | Failure:
    source = upload_source_name(filename)
    if not data.strip():
        return Failure(source, "ingest", "empty", f"{source}: the upload is empty")
    if looks_binary(data):
        return Failure(source, "ingest", "binary", f"{source}: the upload is binary data, not a page or text")
    kind = as_ if as_ in ("html", "text", "body") else "auto"
    return RawInput(source=source, data=data, kind=kind, url=url)  # type: ignore[arg-type]


def url_inputs(url: str, settings: Settings, *, refresh: bool, store: Store) -> Iterator[RawInput | Failure | Skipped]:
    """The documents behind one URL (fetched with the store's settings: robots.txt, no
    private addresses unless allowed)."""
    from newstrace.pipeline import iter_raw

    return iter_raw([url], settings, "auto", skip_url=None if refresh else store.done)


def ingest_inputs(
    items: Iterable[RawInput | Failure | Skipped],
    store: Store,
    *,
    settings: Settings,
    pipeline: Callable[[], Any],
    as_: str = "auto",
    published: str | None = None,
    command: str = "serve ingest",
    link: bool = True,
) -> WebIngestReport:
    """Extract, analyse, store and link each input with the one ingest loop
    (:func:`newstrace.pipeline.ingest_items`: the same budgets and failure handling as the
    command line) and report each article stored. ``pipeline()`` gives the analysis
    pipeline (built on first need: a failed fetch loads no model)."""
    from newstrace.pipeline import ingest_items

    report = WebIngestReport()

    def stored(added: AddResult, article: Article) -> None:
        report.articles.append({"id": added.article_id, "status": added.status, "source": article.source,
                                "title": article.title, "url": article.url})

    done = ingest_items(items, store, settings=settings, as_=as_, published=published, factory=pipeline,
                        on_stored=stored, command=command, link=link)
    report.added, report.revised, report.unchanged, report.skipped = (done.added, done.revised, done.unchanged,
                                                                      done.skipped)
    report.failures = [_failure(f) for f in done.failures]
    if done.linked is not None:
        lr = done.linked
        report.linked = {"articles": lr.articles, "copies": lr.copies, "merged": lr.merged, "regrouped": lr.regrouped}
    for a in report.articles:
        a["story_id"] = store.story_of(a["id"])
    return report


def _failure(f: Failure) -> dict[str, str]:
    return {"source": f.source, "stage": f.stage, "reason": f.reason, "message": f.message}
