"""Commands over links across articles: ``link``, ``stories``, ``story``, ``export-graph``.

Registered on the main Typer app by :mod:`newstrace.cli`. As there, everything taken from a
page is printed through ``Text`` so that markup in it is shown, never run.
"""

from __future__ import annotations

import json
import sys
from collections import Counter
from pathlib import Path
from typing import Annotated, Any, Optional

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn
from rich.table import Table
from rich.text import Text

from newstrace.cli import ConfigOption, DbOption, _check_date, _check_format, _settings, _store, app, err, out
from newstrace.store.export import check_output, write_output


@app.command("link")
def link_cmd(
    rebuild: Annotated[bool, typer.Option("--rebuild", help="Forget every link and link the whole store again.")] = False,
    db: DbOption = None,
    config: ConfigOption = None,
) -> None:
    """Find copies, stories and claim groups for stored articles not linked yet (ingest does
    this itself unless --no-link)."""
    from newstrace.linker import link

    settings = _settings(db, config)
    with _store(settings) as store:
        total = store.count() if rebuild else store.count_pending_links()
        columns = [SpinnerColumn(), TextColumn("linking"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn()]
        with Progress(*columns, console=err) as progress:
            task = progress.add_task("linking", total=total)
            report = link(store, settings=settings, rebuild=rebuild,
                          on_progress=lambda *_: progress.advance(task))
        s = store.stats()
    out.print(
        f"linked {report.articles} article(s): {report.copies} copy relation(s) found, {report.merged} story "
        f"merge(s); the store holds {s['stories']} stories, {s['copies']} copies, {s['claim_groups']} claim groups"
    )


@app.command()
def stories(
    query: Annotated[str, typer.Argument(help="FTS5 query: stories with an article matching it.")] = "",
    source: Annotated[Optional[str], typer.Option(help="Only stories citing a source whose name contains this.")] = None,
    since: Annotated[Optional[str], typer.Option(help="With news on or after YYYY-MM-DD.")] = None,
    until: Annotated[Optional[str], typer.Option(help="With news on or before YYYY-MM-DD.")] = None,
    min_articles: Annotated[int, typer.Option("--min-articles", min=1, help="Only stories this big.")] = 1,
    limit: Annotated[int, typer.Option(min=1, max=100000)] = 20,
    offset: Annotated[int, typer.Option(min=0)] = 0,
    format: Annotated[str, typer.Option("--format", "-f", help="table or jsonl.")] = "table",
    db: DbOption = None,
    config: ConfigOption = None,
) -> None:
    """List stories, latest news first."""
    _check_format(format, ("table", "jsonl"))
    with _store(_settings(db, config), readonly=True) as store:
        rows = store.stories(query=query, source=source, since=_check_date(since, "--since"),
                             until=_check_date(until, "--until"), min_articles=min_articles,
                             limit=limit, offset=offset)
    if format == "jsonl":
        for r in rows:
            sys.stdout.write(json.dumps(r.to_record(), ensure_ascii=False) + "\n")
        return
    t = Table(title=f"{len(rows)} stor{'y' if len(rows) == 1 else 'ies'}")
    t.add_column("id", justify="right", no_wrap=True)
    t.add_column("news from", no_wrap=True)
    for col in ("articles", "originals", "outlets", "claim groups"):
        t.add_column(col, justify="right", min_width=len(col) if col != "claim groups" else 6)
    t.add_column("title", overflow="fold", ratio=1, min_width=24)
    for r in rows:
        first, last = (r.first_published or "?")[:10], (r.last_published or "?")[:10]
        days = first if first == last else f"{first} to {last[5:] if last[:4] == first[:4] else last}"
        t.add_row(str(r.id), days, str(r.articles), str(r.originals), str(r.outlets), str(r.claim_groups),
                  Text(r.title or ""))
    out.print(t)


@app.command()
def story(
    story_id: Annotated[int, typer.Argument(help="Story id (from `newstrace stories`).")],
    timeline: Annotated[bool, typer.Option("--timeline", help="Every claim by date, with source and chain.")] = False,
    claims: Annotated[bool, typer.Option("--claims", help="Claim groups: independent origins, circular reporting, denials.")] = False,
    graph: Annotated[bool, typer.Option("--graph", help="Provenance: who reported, who cited whom, who copied.")] = False,
    figures: Annotated[bool, typer.Option("--figures", help="Numbers reported repeatedly, as they changed.")] = False,
    format: Annotated[str, typer.Option("--format", "-f", help="text or json.")] = "text",
    db: DbOption = None,
    config: ConfigOption = None,
) -> None:
    """One story: its articles, and on request its timeline, claim groups, provenance graph
    and figures."""
    from newstrace.link import to_json
    from newstrace.views import story_view

    _check_format(format, ("text", "json"))
    settings = _settings(db, config)
    with _store(settings, readonly=True) as store:
        view = story_view(store, story_id, settings=settings)
        claim_text = {sc.id: sc for sc in view.claims()}
    if format == "json":
        rec: dict[str, Any] = view.to_record()
        if timeline:
            rec["timeline"] = view.timeline()
        if graph:
            rec["graph"] = to_json(view.graph())
        if figures:
            rec["figures"] = [_figure_record(f) for f in view.figures()]
        sys.stdout.write(json.dumps(rec, ensure_ascii=False, indent=2) + "\n")
        return
    s = view.story
    if s.id != story_id:
        err.print(Text(f"story {story_id} was merged into story {s.id}", style="dim"))
    out.print(Text(f"Story {s.id}: {s.title or '(untitled)'}", style="bold"))
    out.print(Text(f"{(s.first_published or '?')[:10]} to {(s.last_published or '?')[:10]} · {s.articles} articles "
                   f"({s.originals} original, {s.articles - s.originals} copies) · {s.outlets} outlets · "
                   f"{s.claim_groups} claim groups", style="dim"))
    t = Table(title="articles")
    for col in ("id", "published", "outlet", "title", "copy of"):
        t.add_column(col, overflow="fold")
    for a in view.articles:
        t.add_row(str(a.id), (a.published or "")[:10], Text(a.outlet or ""), Text(a.title or ""),
                  str(a.copy_of) if a.copy_of else "")
    out.print(t)
    if timeline:
        _print_timeline(view.timeline())
    if claims:
        _print_groups(view.groups, claim_text)
    if graph:
        _print_graph(view.graph())
    if figures:
        _print_figures(view.figures())


def _print_timeline(rows: list[dict[str, Any]]) -> None:
    t = Table(title=f"timeline: {len(rows)} claim(s)")
    for col in ("date", "outlet", "source", "chain", "stance", "content", "group"):
        t.add_column(col, overflow="fold")
    for r in rows:
        outlet = (r["outlet"] or "") + (f" (copy of {r['copy_of']})" if r["copy_of"] else "")
        stance = "denies" if r["denies"] else r["stance"]
        t.add_row(r["date"] or "", Text(outlet), Text(r["source"] or ""), Text(" ← ".join(r["chain"])),
                  Text(stance, style="red" if stance in ("denied", "denies") else ""), Text(r["content"]),
                  str(r["group_id"] or ""))
    out.print(t)


def _print_groups(groups: list[Any], claims: dict[int, Any]) -> None:
    shown = groups
    t = Table(title=f"{len(shown)} claim group(s): claims reported more than once, or denied")
    for col in ("group", "reports", "independent origins", "origins", "denied by", "first seen", "claim"):
        t.add_column(col, overflow="fold")
    for g in shown:
        flag = Text(f"{g.independent_origins}") + (Text(" circular", style="bold red") if g.circular else Text(""))
        t.add_row(str(g.id), str(g.reports), flag, Text("; ".join(g.origins)), Text("; ".join(g.denied_by)),
                  g.first_seen or "", Text(g.label))
    out.print(t)
    for g in shown:
        for cid, role in g.members:
            sc = claims.get(cid)
            if role == "denies" and sc is not None:
                who = (sc.claim.source.entity or sc.claim.source.text) if sc.claim.source else "?"
                out.print(Text(f"  group {g.id} denied by {who} ({sc.outlet or 'article ' + str(sc.article_id)}, "
                               f"{sc.claim.date or sc.published or 'undated'}): ", style="red")
                          + Text(" … ".join(p.text for p in sc.claim.content)))


def _print_graph(g: Any) -> None:
    kinds = Counter(a["kind"] for a in g.nodes.values())
    edges = Counter(e.kind for e in g.edges)
    out.print(Text(f"provenance graph: {len(g.nodes)} nodes ({', '.join(f'{n} {k}' for k, n in sorted(kinds.items()))}), "
                   f"{len(g.edges)} edges ({', '.join(f'{n} {k}' for k, n in sorted(edges.items()))})", style="bold"))
    cites = sorted({(g.nodes[e.source]["label"], g.nodes[e.target]["label"]) for e in g.edges if e.kind == "cites"})
    for a, b in cites:
        out.print(Text(f"  {a} cites {b}"))
    copies = sorted({(e.source, e.target) for e in g.edges if e.kind == "copies"})
    for a, b in copies:
        out.print(Text(f"  {g.nodes[a]['label']} copies {g.nodes.get(b, {}).get('label', b)}"))
    out.print(Text("(newstrace export-graph --story ID --format graphml writes it for Gephi)", style="dim"))


def _figure_record(f: Any) -> dict[str, Any]:
    return {"counted": f.counted, "values": [vars(v).copy() for v in f.values]}


def _print_figures(figs: list[Any]) -> None:
    if not figs:
        out.print(Text("no figure is reported more than once in this story", style="dim"))
    for f in figs:
        t = Table(title=Text(f"figure: {f.counted}"))
        for col in ("date", "value", "as printed", "source", "chain", "outlet"):
            t.add_column(col, overflow="fold")
        for v in f.values:
            value = f"{v.value:g}" + (f"–{v.value_max:g}" if v.value_max else "")
            t.add_row(v.date or "", value, Text(v.text), Text(v.source or ""), Text(" ← ".join(v.chain)),
                      Text(v.outlet or ""))
        out.print(t)


@app.command("export-graph")
def export_graph(
    format: Annotated[str, typer.Option("--format", "-f", help="graphml, gexf (both open in Gephi) or json.")] = "graphml",
    story_ids: Annotated[Optional[list[int]], typer.Option("--story", help="Only this story (repeatable); default all.")] = None,
    output: Annotated[Optional[Path], typer.Option("--output", "-o", help="File to write (stdout if omitted).")] = None,
    db: DbOption = None,
    config: ConfigOption = None,
) -> None:
    """Export the provenance graph: outlets, articles and sources, with reports, cites and
    copies edges, and each claim group's origins."""
    from newstrace.link import to_gexf, to_graphml, to_json
    from newstrace.views import graph

    _check_format(format, ("graphml", "gexf", "json"))
    if output:
        check_output(output)  # before the graph is built
    settings = _settings(db, config)
    with _store(settings, readonly=True) as store:
        g = graph(store, story_ids or None, settings=settings)
    text = (
        to_graphml(g) if format == "graphml" else to_gexf(g) if format == "gexf"
        else json.dumps(to_json(g), ensure_ascii=False, indent=2) + "\n"
    )
    if output:
        write_output(output, text)
        err.print(Text(f"wrote {len(g.nodes)} nodes and {len(g.edges)} edges to {output}"))
    else:
        sys.stdout.write(text)
