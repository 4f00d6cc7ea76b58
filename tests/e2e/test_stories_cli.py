"""``newstrace stories``, ``story``, ``export-graph`` and ``link`` over the sample corpus."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from typer.testing import CliRunner

from newstrace.cli import app

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> str:
    path = str(tmp_path_factory.mktemp("stories") / "news.db")
    result = CliRunner().invoke(app, ["ingest", "--sample", "--db", path])
    assert result.exit_code == 0, result.output
    assert "linked 16 article(s)" in result.stdout
    return path


def _stories(db: str) -> list[dict]:
    result = CliRunner().invoke(app, ["stories", "--format", "jsonl", "--db", db])
    assert result.exit_code == 0, result.output
    return [json.loads(line) for line in result.stdout.splitlines()]


def test_the_sample_holds_two_stories_and_one_copy(db: str) -> None:
    stories = _stories(db)
    assert sorted(s["articles"] for s in stories) == [2, 14]
    leak = next(s for s in stories if s["articles"] == 14)
    assert leak["originals"] == 13 and leak["outlets"] == 10
    result = CliRunner().invoke(app, ["stories", "tram", "--db", db])
    assert result.exit_code == 0 and "Line 2" in result.stdout and "ammonia" not in result.stdout.lower()


def test_story_json_has_timeline_groups_graph_and_figures(db: str) -> None:
    leak = next(s for s in _stories(db) if s["articles"] == 14)
    result = CliRunner().invoke(app, ["story", str(leak["id"]), "--timeline", "--claims", "--graph", "--figures",
                                      "--format", "json", "--db", db])
    assert result.exit_code == 0, result.output
    rec = json.loads(result.stdout)
    copies = [a for a in rec["articles_list"] if a["copy_of"]]
    assert len(copies) == 1
    dates = [r["date"] for r in rec["timeline"] if r["date"]]
    assert dates == sorted(dates) and len(rec["timeline"]) > 100
    assert any(r["denies"] for r in rec["timeline"])
    assert rec["claim_groups_list"] and all(g["reports"] + g["denials"] >= 2 for g in rec["claim_groups_list"])
    kinds = {e["kind"] for e in rec["graph"]["edges"]}
    assert {"reports", "cites", "copies"} <= kinds
    evac = [f for f in rec["figures"] if any(v["value"] == 217 for v in f["values"])]
    assert evac and {40, 120, 217} <= {v["value"] for v in evac[0]["values"]}


def test_story_text_sections(db: str) -> None:
    leak = next(s for s in _stories(db) if s["articles"] == 14)
    result = CliRunner().invoke(app, ["story", str(leak["id"]), "--claims", "--figures", "--graph", "--timeline",
                                      "--db", db], env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.output
    for heading in ("articles", "claim group(s)", "timeline", "provenance graph", "figure:"):
        assert heading in result.stdout


def test_export_graph_formats_parse(db: str, tmp_path: Path) -> None:
    runner = CliRunner()
    for fmt in ("graphml", "gexf"):
        out = tmp_path / f"g.{fmt}"
        result = runner.invoke(app, ["export-graph", "--format", fmt, "-o", str(out), "--db", db])
        assert result.exit_code == 0, result.output
        root = ET.parse(out).getroot()
        assert root.tag.endswith("graphml" if fmt == "graphml" else "gexf")
    result = runner.invoke(app, ["export-graph", "--format", "json", "--story", "1", "--db", db])
    graph = json.loads(result.stdout)
    assert graph["nodes"] and graph["edges"] and graph["groups"]


def test_bad_requests(db: str) -> None:
    runner = CliRunner()
    missing = runner.invoke(app, ["story", "999", "--db", db])
    assert missing.exit_code == 2 and "no story with id 999" in missing.output  # as `show` for an unknown id
    assert runner.invoke(app, ["story", "1", "--format", "xml", "--db", db]).exit_code == 2
    assert runner.invoke(app, ["export-graph", "--format", "dot", "--db", db]).exit_code == 2
    assert runner.invoke(app, ["stories", "--since", "last week", "--db", db]).exit_code == 2
    bad_query = runner.invoke(app, ["stories", '"unbalanced', "--db", db])
    assert bad_query.exit_code == 2 and "FTS5" in bad_query.output


def test_hostile_content_is_escaped_in_graphs_and_output(tmp_path: Path) -> None:
    page = tmp_path / "p.html"
    title = 'Quay <script>alert("x")</script> & [bold red]markup[/] closed'
    outlet = 'Evil "Outlet" <img src=x onerror=alert(1)>'
    page.write_text(
        f"<html><head><title>{title.replace('&', '&amp;').replace('<', '&lt;')}</title>"
        f'<meta property="og:site_name" content="{outlet.replace("&", "&amp;").replace(chr(34), "&quot;").replace("<", "&lt;")}">'
        '<meta property="article:published_time" content="2025-05-06"></head><body><article>'
        + "".join(f"<p>The port of Velm said on Monday that berth {i} would stay shut while divers checked the"
                  f" hull of the ferry &lt;b&gt;Orla&lt;/b&gt; for damage after the collision.</p>" for i in range(6))
        + "</article></body></html>",
        encoding="utf-8",
    )
    db = str(tmp_path / "h.db")
    runner = CliRunner()
    assert runner.invoke(app, ["ingest", str(page), "--db", db]).exit_code == 0
    shown = runner.invoke(app, ["stories", "--db", db], env={"COLUMNS": "250"})
    assert "[bold red]markup[/]" in shown.stdout
    out = tmp_path / "g.graphml"
    assert runner.invoke(app, ["export-graph", "-o", str(out), "--db", db]).exit_code == 0
    labels = [d.text for d in ET.parse(out).getroot().iter() if d.tag.endswith("data")]
    assert any("<script>" in (t or "") for t in labels)  # kept as text, parsed back intact
    assert "<script>" not in out.read_text(encoding="utf-8")


def test_link_command_is_idempotent(db: str) -> None:
    result = CliRunner().invoke(app, ["link", "--db", db])
    assert result.exit_code == 0, result.output
    assert "linked 0 article(s)" in result.stdout
