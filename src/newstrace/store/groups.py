"""What the link step found inside a story, saved and read back: claim groups (with their
origins and members), figures and the provenance graph.

The link step regroups a story whenever its membership changes and hands everything over
in one call (:func:`save_story`, one transaction), so a story's groups, figures and graph
always describe the same membership. Views read them here and compute nothing of the link
stage again.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Sequence

from newstrace.models import ClaimGroup, Edge, Figure, FigureValue, Origin, ProvenanceGraph, Report
from newstrace.store.tx import write


def delete_story(db: sqlite3.Connection, story_id: int) -> None:
    """Forget a story's groups, figures and graph (within the caller's transaction)."""
    groups = "SELECT id FROM claim_groups WHERE story_id=?"
    db.execute(f"DELETE FROM claim_group_members WHERE group_id IN ({groups})", (story_id,))  # noqa: S608
    db.execute(f"DELETE FROM claim_group_origins WHERE group_id IN ({groups})", (story_id,))  # noqa: S608
    db.execute("DELETE FROM claim_groups WHERE story_id=?", (story_id,))
    figures = "SELECT id FROM figures WHERE story_id=?"
    db.execute(f"DELETE FROM figure_values WHERE figure_id IN ({figures})", (story_id,))  # noqa: S608
    db.execute("DELETE FROM figures WHERE story_id=?", (story_id,))
    db.execute("DELETE FROM provenance_nodes WHERE story_id=?", (story_id,))
    db.execute("DELETE FROM provenance_edges WHERE story_id=?", (story_id,))


def save_story(
    db: sqlite3.Connection,
    story_id: int,
    groups: Sequence[ClaimGroup],
    figures: Sequence[Figure],
    graph: ProvenanceGraph,
) -> None:
    """A story's claim groups (ids: the smallest member claim id), figures and graph,
    replacing what it had, in one transaction; the story is no longer marked to regroup."""
    with write(db):
        delete_story(db, story_id)
        for g in groups:
            _insert_group(db, story_id, g)
        for pos, f in enumerate(figures):
            cur = db.execute("INSERT INTO figures(story_id, position, counted) VALUES (?,?,?)",
                             (story_id, pos, f.counted))
            fid = int(cur.lastrowid or 0)
            db.executemany(
                "INSERT INTO figure_values(figure_id, position, value, value_max, qualifier, text, counted, source,"
                " chain, date, article_id, outlet, claim_id) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)",
                [(fid, i, v.value, v.value_max, v.qualifier, v.text, v.counted, v.source, json.dumps(v.chain),
                  v.date, v.article_id, v.outlet, v.claim_id) for i, v in enumerate(f.values)],
            )
        db.executemany(
            "INSERT INTO provenance_nodes(story_id, node_id, kind, label, attrs) VALUES (?,?,?,?,?)",
            [(story_id, nid, a.get("kind", ""), str(a.get("label", nid)),
              json.dumps({k: v for k, v in a.items() if k not in ("kind", "label")}))
             for nid, a in graph.nodes.items()],
        )
        db.executemany(
            "INSERT INTO provenance_edges(story_id, position, source, target, kind, attrs) VALUES (?,?,?,?,?,?)",
            [(story_id, i, e.source, e.target, e.kind, json.dumps(e.attrs)) for i, e in enumerate(graph.edges)],
        )
        n = db.execute("SELECT count(*) FROM claim_groups WHERE story_id=?", (story_id,)).fetchone()[0]
        db.execute("UPDATE stories SET claim_groups=?, needs_regroup=0 WHERE id=?", (n, story_id))


def _insert_group(db: sqlite3.Connection, story_id: int, g: ClaimGroup) -> None:
    if not g.members:
        return
    gid = min(c for c, _ in g.members)
    ids = [(c,) for c, _ in g.members]
    # a claim left over in another story's group (its article moved) is taken over
    db.executemany("DELETE FROM claim_group_members WHERE claim_id=?", ids)
    db.execute("DELETE FROM claim_group_origins WHERE group_id=?", (gid,))
    db.execute("DELETE FROM claim_groups WHERE id=?", (gid,))
    db.execute(
        "INSERT INTO claim_groups(id, story_id, label, reports, denials, independent_origins, origins, relayed_by,"
        " denied_by, first_seen, circular, outlets, copies, repeats, confidence, first_article_id, first_outlet,"
        " first_time) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
        (gid, story_id, g.label, g.reports, g.denials, g.independent_origins, json.dumps(g.origins),
         json.dumps(g.relayed_by), json.dumps(g.denied_by), g.first_seen, int(g.circular), g.outlets, g.copies,
         g.repeats, g.confidence, g.first_article_id, g.first_outlet, g.first_time),
    )
    db.executemany("INSERT INTO claim_group_members(claim_id, group_id, role) VALUES (?,?,?)",
                   [(c, gid, role) for c, role in g.members])
    db.executemany(
        "INSERT INTO claim_group_origins(group_id, position, name, kind, counts, why, claims, outlets)"
        " VALUES (?,?,?,?,?,?,?,?)",
        [(gid, i, o.name, o.kind, int(o.counts), o.why, json.dumps(o.claims), json.dumps(o.outlets))
         for i, o in enumerate(g.origin_details)],
    )


# -- reading ------------------------------------------------------------------------------


def _group(r: sqlite3.Row) -> ClaimGroup:
    keys = r.keys()
    return ClaimGroup(
        id=r["id"], story_id=r["story_id"], label=r["label"], reports=r["reports"], denials=r["denials"],
        independent_origins=r["independent_origins"], origins=json.loads(r["origins"]),
        relayed_by=json.loads(r["relayed_by"]), first_seen=r["first_seen"], circular=bool(r["circular"]),
        denied_by=json.loads(r["denied_by"]),
        outlets=r["outlets"] if "outlets" in keys else 0, copies=r["copies"] if "copies" in keys else 0,
        repeats=r["repeats"] if "repeats" in keys else 0,
        confidence=r["confidence"] if "confidence" in keys else 1.0,
        first_article_id=r["first_article_id"] if "first_article_id" in keys else None,
        first_outlet=r["first_outlet"] if "first_outlet" in keys else None,
        first_time=r["first_time"] if "first_time" in keys else None,
    )


def claim_groups(
    db: sqlite3.Connection,
    story_id: int | None = None,
    *,
    circular: bool | None = None,
    members: bool = False,
    limit: int = 100,
    offset: int = 0,
) -> list[ClaimGroup]:
    """Claim groups (of one story, already resolved to a live one, or of all), most reported
    first; with ``members``, their members, member reports in time order and origins."""
    where, params = [], []  # type: tuple[list[str], list[Any]]
    if story_id is not None:
        where.append("story_id = ?")
        params.append(story_id)
    if circular is not None:
        where.append("circular = ?")
        params.append(int(circular))
    sql = "SELECT * FROM claim_groups" + (" WHERE " + " AND ".join(where) if where else "")  # noqa: S608
    sql += " ORDER BY reports + denials DESC, id LIMIT ? OFFSET ?"
    out = [_group(r) for r in db.execute(sql, (*params, limit, offset)).fetchall()]
    if members and out:
        _fill_members(db, out)
    return out


def _ids_json(ids: Iterable[int]) -> str:
    return json.dumps(sorted(set(ids)))


def _fill_members(db: sqlite3.Connection, groups: list[ClaimGroup]) -> None:
    by_id = {g.id: g for g in groups}
    ids = _ids_json(by_id)
    has_origins = db.execute("SELECT 1 FROM sqlite_master WHERE name='claim_group_origins'").fetchone()
    if has_origins:
        for r in db.execute(
            "SELECT * FROM claim_group_origins WHERE group_id IN (SELECT value FROM json_each(?))"
            " ORDER BY group_id, position", (ids,),
        ):
            by_id[r["group_id"]].origin_details.append(
                Origin(r["name"], r["kind"], bool(r["counts"]), r["why"], json.loads(r["claims"]),
                       json.loads(r["outlets"])))
    when = "c.published_utc, c.published_at" if has_origins else "NULL, NULL"
    rows = db.execute(
        "SELECT m.group_id, m.claim_id, m.role, c.article_id, c.outlet, c.published,"  # noqa: S608
        f" {when}, k.source_entity, k.source_text, k.chain, k.content, k.cue_start, cp.original_id"
        " FROM claim_group_members m JOIN claims k ON k.id = m.claim_id"
        " JOIN current_articles c ON c.revision_id = k.revision_id"
        " LEFT JOIN copies cp ON cp.copy_id = c.article_id"
        " WHERE m.group_id IN (SELECT value FROM json_each(?))", (ids,),
    ).fetchall()
    rows.sort(key=lambda r: (r[6] or r[5] or "9999", r[3], r[12], r[1]))
    seen: set[tuple[int, int]] = set()
    for r in rows:
        g = by_id[r[0]]
        g.members.append((int(r[1]), str(r[2])))
        repeat = (g.id, int(r[3])) in seen and r[2] == "asserts"
        if r[2] == "asserts":
            seen.add((g.id, int(r[3])))
        g.member_reports.append(Report(
            claim_id=int(r[1]), article_id=int(r[3]), role=r[2], outlet=r[4], published=r[5], published_at=r[7],
            source=r[8] or r[9], chain=json.loads(r[10] or "[]"), content=r[11] or "", copy_of=r[13],
            repeat=repeat,
        ))
    for g in groups:
        g.members.sort()


def group_of_claims(db: sqlite3.Connection, claim_ids: Sequence[int]) -> dict[int, tuple[int, str]]:
    """claim id -> (group id, role) for the claims that are in a group."""
    return {
        int(r[0]): (int(r[1]), str(r[2]))
        for r in db.execute(
            "SELECT claim_id, group_id, role FROM claim_group_members WHERE claim_id IN"
            " (SELECT value FROM json_each(?))", (_ids_json(claim_ids),),
        )
    }


def figures(db: sqlite3.Connection, story_id: int) -> list[Figure]:
    """The story's figures, each value in date order as the link step saved them."""
    out: dict[int, Figure] = {}
    for r in db.execute("SELECT id, counted FROM figures WHERE story_id=? ORDER BY position", (story_id,)):
        out[int(r[0])] = Figure(r[1])
    if not out:
        return []
    for r in db.execute(
        "SELECT * FROM figure_values WHERE figure_id IN (SELECT value FROM json_each(?))"
        " ORDER BY figure_id, position", (_ids_json(out),),
    ):
        out[r["figure_id"]].values.append(FigureValue(
            value=r["value"], value_max=r["value_max"], qualifier=r["qualifier"], text=r["text"],
            counted=r["counted"], source=r["source"], chain=json.loads(r["chain"]), date=r["date"],
            article_id=r["article_id"], outlet=r["outlet"], claim_id=r["claim_id"]))
    return list(out.values())


def graph(db: sqlite3.Connection, story_id: int) -> ProvenanceGraph:
    """The story's provenance graph as the link step saved it."""
    g = ProvenanceGraph()
    for r in db.execute("SELECT node_id, kind, label, attrs FROM provenance_nodes WHERE story_id=?"
                        " ORDER BY rowid", (story_id,)):
        g.nodes[r[0]] = {"kind": r[1], "label": r[2], **json.loads(r[3])}
    for r in db.execute("SELECT source, target, kind, attrs FROM provenance_edges WHERE story_id=?"
                        " ORDER BY position", (story_id,)):
        g.edges.append(Edge(r[0], r[1], r[2], json.loads(r[3])))
    return g
