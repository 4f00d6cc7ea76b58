"""``newstrace serve`` under load, over a large linked synthetic store.

Run from the project root::

    nice -n 19 python bench/serve.py [--articles 100000] [--db PATH] [--concurrency 8]
                                     [--requests 2000] [--build-only] [--json PATH]

1. Builds (or reuses: ``--db`` holding at least ``--articles`` articles) a store of articles
   from :mod:`newstrace.link.synthetic`, linked (copies, stories) a chunk of 1,000 at a time
   as ingest would. The claims stage is not run (too slow at this size); instead a share of
   the articles (``--claims-share``, default 5%) gets hand-made claims read off the text with
   a pattern ("X said that ...", "X stated ..."), with source, cue and content spans pointing
   into the text and the figures in the content as quantities, so that the claim-heavy
   endpoints (timeline, graph, claim groups) have something to chew on.
2. Starts the server in a subprocess on a free loopback port (``newstrace serve`` when the
   CLI has the command, else uvicorn on :func:`newstrace.web.app.create_app`) and waits
   until it answers.
3. Drives a bounded concurrent load (``--concurrency`` requests in flight, ``--requests`` in
   all, after a warm-up) over a mix of endpoints, with parameters drawn from the store: full
   text search with words from titles (common words included: the costly case), article
   records, stories, story graphs and timelines, sources, and the HTML search, article,
   story and source pages when the server has them. Then, with
   ``--solo N`` (default 50), each endpoint alone, one request at a time: the service time
   without queueing behind the others.

``--url URL [--pid PID]`` drives a server started by hand instead (the same store as
``--db``): to try a change without editing the tree.

Printed: per endpoint p50/p90/p99/max latency (ms, as the client saw it), requests/s and
errors, server CPU per request (solo runs); the server's resident memory (VmRSS, VmHWM
from /proc) and CPU before and after. The client runs on the same machine and takes part
of the CPU: on a 2-core machine, numbers at concurrency 8 include queueing behind the
slowest requests (full-text search for common words, the search page).
Needs no shared data and touches only 127.0.0.1.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import re
import resource
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.table import Table

CHUNK = 1000
SEED = 0

# -- building the store ------------------------------------------------------------------------

#: "the Casdrahol Port Authority stated around 48 homes damaged", "Felix Mamis said that ..."
_SAID = re.compile(
    r"(?P<source>(?:[A-Z][\w'’-]+)(?: (?:of the |of |for the )?[A-Z][\w'’-]+){0,5})"
    r"(?:, (?:a|an|the) [^,]{3,60},)?"
    r" (?P<cue>said that|told reporters that|stated that|confirmed that|announced that|said|stated|confirmed|"
    r"announced|told reporters)"
    r" (?P<content>[^.;“”\"]{10,200})"
)
_NUMBER = re.compile(r"\d[\d,]*(?:\.\d+)?")
_MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
           "November", "December")
_QUALIFIERS = ("about", "around", "roughly", "some", "nearly", "at least", "more than", "up to")


def make_claims(article: Any, limit: int = 6) -> list[Any]:
    """Claims read off an article's text with a pattern: every span points into the text."""
    from newstrace.models import Claim, Quantity, SourceRef, Span

    text = article.text
    out = []
    for m in _SAID.finditer(text):
        name = m["source"]
        if name.split()[0] in ("The", "It", "In", "A", "An", "Many", "Local", "Schools"):
            continue
        s, e = m.span("source")
        cs, ce = m.span("cue")
        ts, te = m.span("content")
        content = text[ts:te].rstrip(" ,")
        te = ts + len(content)
        quantities = []
        if content.startswith(("on ", "in ", "at ")):  # "... said on January 2": no content
            continue
        for n in _NUMBER.finditer(content):
            before = content[: n.start()].rstrip()
            if before.endswith(_MONTHS):
                continue
            qual = next((q for q in _QUALIFIERS if before.endswith(q)), None)
            counted = " ".join(content[n.end():].split()[:2]) or None
            quantities.append(Quantity(ts + n.start(), ts + n.end(), n.group(), float(n.group().replace(",", "")),
                                       qualifier=qual, counted=counted))
        kind = "indirect"
        out.append(Claim(
            source=SourceRef(s, e, name, entity=name, type="organisation" if " of " in name or len(name.split()) > 2
                             else "person"),
            cue=Span(cs, ce, text[cs:ce]),
            content=[Span(ts, te, content)],
            kind=kind,
            chain=[name],
            date=article.published,
            quantities=quantities,
            confidence=0.5,
        ))
        if len(out) >= limit:
            break
    return out


def _rss_mb(pid: int | str = "self") -> tuple[float, float]:
    """(VmRSS, VmHWM) of a process, in MiB."""
    cur = peak = 0.0
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                cur = int(line.split()[1]) / 1024
            elif line.startswith("VmHWM:"):
                peak = int(line.split()[1]) / 1024
    except OSError:
        pass
    return cur, peak


def build(db: Path, articles: int, claims_share: float, console: Console) -> dict[str, Any]:
    """Add synthetic articles (seed 0) to the store at ``db`` until it holds ``articles``, linking
    a chunk of 1,000 at a time. Already-stored ones (same source name) are skipped."""
    from newstrace.config import load_settings
    from newstrace.link.synthetic import generate
    from newstrace.linker import link
    from newstrace.store import Store

    settings = load_settings(db=db)
    rng = random.Random(SEED)
    t0 = time.perf_counter()
    added = with_claims = 0
    with Store(db) as store:
        have = store.count()
        if have >= articles:
            return {"built": False, "seconds": 0.0, "added": 0}
        console.print(f"building: {have:,} articles stored, adding up to {articles:,} (seed {SEED}) ...")
        pending = 0
        for doc_id, article, _truth in generate(articles, SEED):
            give = rng.random() < claims_share  # drawn for every article: the same ones on a resume
            if doc_id < have and store.done(article.source):
                continue
            if give:
                article.claims = make_claims(article)
                with_claims += bool(article.claims)
            store.add(article, sha256=f"synthetic-{doc_id}")
            added += 1
            pending += 1
            if pending >= CHUNK:
                link(store, settings=settings)
                pending = 0
                n = doc_id + 1
                if n % 10_000 == 0:
                    el = time.perf_counter() - t0
                    console.print(f"  {n:,} articles, {el:.0f} s ({1000 * el / max(added, 1):.1f} ms/article)")
        if pending:
            link(store, settings=settings)
    return {"built": True, "seconds": time.perf_counter() - t0, "added": added, "added_with_claims": with_claims}


def store_facts(db: Path) -> dict[str, Any]:
    from newstrace.store import Store

    with Store(db, readonly=True) as store:
        stats = store.stats()
        claim_articles = store.db.execute(
            "SELECT count(DISTINCT article_id) FROM current_claims").fetchone()[0]
        biggest = store.db.execute(
            "SELECT max(articles), avg(articles) FROM stories WHERE merged_into IS NULL").fetchone()
    return {**stats, "articles_with_claims": int(claim_articles), "largest_story": int(biggest[0] or 0),
            "mean_story": float(biggest[1] or 0), "db_mib": db.stat().st_size / 2**20}


# -- parameters --------------------------------------------------------------------------------


@dataclass
class Params:
    article_ids: list[int]
    story_ids: list[int]
    claim_story_ids: list[int]
    titles: list[str]
    sources: list[str] = field(default_factory=list)
    words: list[str] = field(default_factory=list)


_WORD = re.compile(r"[A-Za-z][a-z]{2,}")


def draw_params(db: Path, rng: random.Random, n: int = 5000) -> Params:
    """Ids and title words sampled from the store (uniformly over articles and stories)."""
    from newstrace.store import Store

    with Store(db, readonly=True) as store:
        top = store.db.execute("SELECT max(id) FROM articles").fetchone()[0] or 0
        ids = [rng.randint(1, top) for _ in range(n)]
        marks = ",".join("?" * len(set(ids)))
        rows = store.db.execute(
            f"SELECT article_id, title FROM current_articles WHERE article_id IN ({marks})",  # noqa: S608
            sorted(set(ids)),
        ).fetchall()
        stories = [int(r[0]) for r in store.db.execute("SELECT id FROM stories WHERE merged_into IS NULL")]
        claim_stories = [int(r[0]) for r in store.db.execute(
            "SELECT DISTINCT sa.story_id FROM current_claims c JOIN story_articles sa ON sa.article_id = c.article_id"
            " JOIN stories s ON s.id = sa.story_id WHERE s.merged_into IS NULL")]
        sources = [str(r[0]) for r in store.db.execute(
            "SELECT min(name) FROM claim_sources GROUP BY name COLLATE NOCASE")]
    titles = [r["title"] or "" for r in rows]
    p = Params([int(r["article_id"]) for r in rows], stories, claim_stories, titles, sources)
    p.words = [w for t in titles for w in _WORD.findall(t)]
    return p


def search_query(p: Params, rng: random.Random) -> str:
    """One or two words from one title (implicit AND), now and then a two-word phrase."""
    words = _WORD.findall(rng.choice(p.titles)) or ["news"]
    r = rng.random()
    if r < 0.6 or len(words) < 2:
        return rng.choice(words)
    a, b = rng.sample(range(len(words)), 2)
    if r < 0.9:
        return f"{words[a]} {words[b]}"
    i = rng.randrange(len(words) - 1)
    return f'"{words[i]} {words[i + 1]}"'


def pick_story(p: Params, rng: random.Random) -> int:
    """Half the time a story with claims (when there are any), else any live story."""
    if p.claim_story_ids and rng.random() < 0.5:
        return rng.choice(p.claim_story_ids)
    return rng.choice(p.story_ids)


#: endpoint name -> (weight in the mix, needs an HTML route, URL maker)
def endpoint_makers(p: Params) -> dict[str, tuple[float, bool, Any]]:
    from urllib.parse import quote

    return {
        "search (API)": (25, False, lambda r: f"/api/v1/search?q={quote(search_query(p, r))}"),
        "search (page)": (10, True, lambda r: f"/search?q={quote(search_query(p, r))}"),
        "article (API)": (20, False, lambda r: f"/api/v1/articles/{r.choice(p.article_ids)}"),
        "article (page)": (15, True, lambda r: f"/articles/{r.choice(p.article_ids)}"),
        "story (API)": (10, False, lambda r: f"/api/v1/stories/{pick_story(p, r)}"),
        "story (page)": (5, True, lambda r: f"/stories/{pick_story(p, r)}"),
        "story graph": (7, False, lambda r: f"/api/v1/stories/{pick_story(p, r)}/graph?format=json"),
        "story timeline": (8, False, lambda r: f"/api/v1/stories/{pick_story(p, r)}/timeline"),
        "source (API)": (3, False, lambda r: f"/api/v1/sources/{quote(r.choice(p.sources), safe='')}"),
        "source (page)": (2, True, lambda r: f"/sources/{quote(r.choice(p.sources), safe='')}"),
    }


# -- the server --------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _cli_has_serve() -> bool:
    r = subprocess.run([sys.executable, "-m", "newstrace", "serve", "--help"], capture_output=True, timeout=60)
    return r.returncode == 0


_UVICORN = """
import sys, uvicorn
from newstrace.web.app import create_app
from newstrace.web.security import LOOPBACK_HOSTS
app = create_app(sys.argv[1], allowed_hosts=sorted(LOOPBACK_HOSTS))  # as `newstrace serve` on 127.0.0.1
uvicorn.run(app, host="127.0.0.1", port=int(sys.argv[2]), log_level="warning", server_header=False,
            proxy_headers=False)
"""


class Server:
    """The server in a subprocess on a free loopback port; its log goes to a file."""

    def __init__(self, db: Path, how: str, log: Path) -> None:
        self.port = free_port()
        self.how = how
        self.log_path = log
        env = {**os.environ, "NEWSTRACE_TOKEN": ""}
        if how == "cli":
            cmd = [sys.executable, "-m", "newstrace", "serve", "--db", str(db), "--port", str(self.port)]
        else:
            cmd = [sys.executable, "-c", _UVICORN, str(db), str(self.port)]
        self._log = log.open("wb")
        self.proc = subprocess.Popen(cmd, stdout=self._log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                     env=env)
        self.base = f"http://127.0.0.1:{self.port}"

    def wait_ready(self, timeout: float = 120.0) -> float:
        import httpx

        t0 = time.perf_counter()
        while time.perf_counter() - t0 < timeout:
            if self.proc.poll() is not None:
                raise RuntimeError(f"the server exited ({self.proc.returncode}): {self.log_path.read_text()[-2000:]}")
            try:
                if httpx.get(self.base + "/openapi.json", timeout=2).status_code == 200:
                    return time.perf_counter() - t0
            except httpx.HTTPError:
                pass
            time.sleep(0.2)
        raise RuntimeError(f"the server did not answer within {timeout:.0f} s")

    def rss(self) -> tuple[float, float]:
        return _rss_mb(self.proc.pid)

    def cpu_s(self) -> float:
        """CPU seconds (user + system) the server has used so far."""
        try:
            fields = Path(f"/proc/{self.proc.pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            return 0.0
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self._log.close()


class External:
    """A server someone else started (``--url``, ``--pid``)."""

    def __init__(self, url: str, pid: int | None) -> None:
        self.base = url.rstrip("/")
        self.pid = pid

    def wait_ready(self, timeout: float = 120.0) -> float:
        import httpx

        t0 = time.perf_counter()
        httpx.get(self.base + "/openapi.json", timeout=timeout).raise_for_status()
        return time.perf_counter() - t0

    def rss(self) -> tuple[float, float]:
        return _rss_mb(self.pid) if self.pid else (0.0, 0.0)

    def cpu_s(self) -> float:
        if not self.pid:
            return 0.0
        fields = Path(f"/proc/{self.pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def stop(self) -> None:
        pass


# -- load --------------------------------------------------------------------------------------


@dataclass
class Sample:
    endpoint: str
    url: str
    ms: float
    status: int
    ok: bool


async def drive(base: str, plan: list[tuple[str, str]], concurrency: int) -> tuple[list[Sample], float]:
    """Send the planned requests, ``concurrency`` in flight at a time; (samples, wall seconds)."""
    import httpx

    samples: list[Sample] = []
    queue: Iterator[tuple[str, str]] = iter(plan)
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)

    async with httpx.AsyncClient(base_url=base, timeout=120, limits=limits) as client:

        async def worker() -> None:
            for name, url in queue:
                t0 = time.perf_counter()
                try:
                    r = await client.get(url, headers={"Accept": "text/html" if "page" in name else "application/json"})
                    await r.aread()
                    status = r.status_code
                except httpx.HTTPError:
                    status = 0
                ms = 1000 * (time.perf_counter() - t0)
                samples.append(Sample(name, url, ms, status, 200 <= status < 300))

        t0 = time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(concurrency)))
        wall = time.perf_counter() - t0
    return samples, wall


def probe_pages(base: str, p: Params) -> set[str]:
    """The HTML routes this server has (those answering 200 with text/html)."""
    import httpx

    found = set()
    from urllib.parse import quote

    paths = ["/search?q=news", f"/articles/{p.article_ids[0]}", f"/stories/{p.story_ids[0]}"]
    if p.sources:
        paths.append(f"/sources/{quote(p.sources[0], safe='')}")
    for path in paths:
        try:
            r = httpx.get(base + path, headers={"Accept": "text/html"}, timeout=30)
        except httpx.HTTPError:
            continue
        if r.status_code == 200 and r.headers.get("content-type", "").startswith("text/html"):
            found.add(path.split("?")[0].split("/")[1])
    return found


def plan_requests(makers: dict[str, tuple[float, bool, Any]], n: int, rng: random.Random) -> list[tuple[str, str]]:
    names = list(makers)
    weights = [makers[k][0] for k in names]
    return [(name, makers[name][2](rng)) for name in rng.choices(names, weights, k=n)]


def _pct(xs: list[float], q: float) -> float:
    if not xs:
        return float("nan")
    xs = sorted(xs)
    k = min(len(xs) - 1, max(0, round(q / 100 * len(xs) + 0.5) - 1))  # nearest rank
    return xs[k]


def summarise(samples: list[Sample], wall: float) -> dict[str, dict[str, Any]]:
    out: dict[str, dict[str, Any]] = {}
    names = list(dict.fromkeys(s.endpoint for s in samples))
    for name in [*names, "all"]:
        ss = [s for s in samples if name == "all" or s.endpoint == name]
        ms = [s.ms for s in ss]
        out[name] = {
            "requests": len(ss), "errors": sum(not s.ok for s in ss),
            "p50_ms": _pct(ms, 50), "p90_ms": _pct(ms, 90), "p99_ms": _pct(ms, 99), "max_ms": max(ms, default=0.0),
            "mean_ms": sum(ms) / len(ms) if ms else 0.0, "rps": len(ss) / wall if wall else 0.0,
            "slowest": max(ss, key=lambda s: s.ms).url if ss else None,
        }
    return out


def _table(title: str, res: dict[str, dict[str, Any]]) -> Table:
    t = Table(title=title)
    for col in ("endpoint", "requests", "errors", "p50 ms", "p90 ms", "p99 ms", "max ms", "req/s",
                "server CPU ms/req", "slowest URL"):
        t.add_column(col, justify="left" if col in ("endpoint", "slowest URL") else "right")
    for name, r in res.items():
        t.add_row(name, f"{r['requests']:,}", str(r["errors"]), f"{r['p50_ms']:.1f}", f"{r['p90_ms']:.1f}",
                  f"{r['p99_ms']:.1f}", f"{r['max_ms']:.1f}", f"{r['rps']:.1f}",
                  f"{r['cpu_ms']:.1f}" if "cpu_ms" in r else "", (r["slowest"] or "")[:70], style="bold" if name == "all" else None)
    return t


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description="newstrace serve under load, over a large synthetic store")
    ap.add_argument("--articles", type=int, default=100_000, help="articles the store must hold (built if fewer)")
    ap.add_argument("--db", type=Path, help="store file to build or reuse (default: a temporary one)")
    ap.add_argument("--concurrency", type=int, default=8, help="requests in flight")
    ap.add_argument("--requests", type=int, default=2000, help="requests in the mixed run (after a warm-up)")
    ap.add_argument("--warmup", type=int, default=100, help="requests sent before measuring")
    ap.add_argument("--solo", type=int, default=50,
                    help="then this many requests per endpoint, one at a time (0: skip)")
    ap.add_argument("--claims-share", type=float, default=0.05,
                    help="share of articles given hand-made claims when building")
    ap.add_argument("--server", choices=("auto", "cli", "uvicorn"), default="auto",
                    help="'newstrace serve' (cli) or uvicorn on create_app; auto: the CLI when it has serve")
    ap.add_argument("--url", help="drive this already running server (on this machine) instead of starting one")
    ap.add_argument("--pid", type=int, help="with --url: the server's process id, for its memory and CPU")
    ap.add_argument("--build-only", action="store_true", help="build the store and stop")
    ap.add_argument("--json", type=Path, help="write the numbers here")
    ap.add_argument("--seed", type=int, default=1, help="seed for the request mix")
    args = ap.parse_args(argv)
    console = Console(width=200)

    with tempfile.TemporaryDirectory() as tmp:
        db = args.db or Path(tmp) / "serve.db"
        built = build(db, args.articles, args.claims_share, console)
        if built["built"]:
            console.print(f"built in {built['seconds']:.0f} s: {built['added']:,} articles added, "
                          f"{built['added_with_claims']:,} with hand-made claims")
        facts = store_facts(db)
        console.print(
            f"store {db}: {facts['articles']:,} articles, {facts['stories']:,} stories (largest "
            f"{facts['largest_story']:,} articles, mean {facts['mean_story']:.1f}), {facts['copies']:,} copies, "
            f"{facts['claims']:,} hand-made claims in {facts['articles_with_claims']:,} articles, "
            f"{facts['claim_groups']:,} claim groups; {facts['db_mib']:.0f} MiB"
        )
        if args.build_only:
            return 0

        rng = random.Random(args.seed)
        params = draw_params(db, rng)
        how = args.server
        if args.url:
            how = "external"
            server: Server | External = External(args.url, args.pid)
        else:
            if how == "auto":
                how = "cli" if _cli_has_serve() else "uvicorn"
            server = Server(db, how, Path(tmp) / "server.log")
        try:
            ready = server.wait_ready()
            pages = probe_pages(server.base, params)
            route = {"search": "search", "article": "articles", "story": "stories", "source": "sources"}
            makers = {k: v for k, v in endpoint_makers(params).items()
                      if (not v[1] or route[k.split()[0]] in pages) and (params.sources or not k.startswith("source"))}
            skipped = sorted(set(endpoint_makers(params)) - set(makers))
            console.print(f"server: {how} on {server.base}, ready in {ready:.1f} s; HTML pages: "
                          f"{', '.join(sorted(pages)) or 'none'}" + (f" (left out: {', '.join(skipped)})"
                                                                     if skipped else ""))
            rss_start = server.rss()
            asyncio.run(drive(server.base, plan_requests(makers, args.warmup, rng), args.concurrency))
            rss_before = server.rss()
            cpu0 = server.cpu_s()
            samples, wall = asyncio.run(
                drive(server.base, plan_requests(makers, args.requests, rng), args.concurrency))
            cpu = server.cpu_s() - cpu0
            rss_after = server.rss()
            mixed = summarise(samples, wall)
            mixed["all"]["cpu_ms"] = 1000 * cpu / max(len(samples), 1)
            solo: dict[str, dict[str, Any]] = {}
            if args.solo:
                for name, (_, _, make) in makers.items():
                    cpu0 = server.cpu_s()
                    ss, w = asyncio.run(drive(server.base, [(name, make(rng)) for _ in range(args.solo)], 1))
                    solo[name] = summarise(ss, w)[name]
                    solo[name]["cpu_ms"] = 1000 * (server.cpu_s() - cpu0) / max(len(ss), 1)
            rss_end = server.rss()
        finally:
            server.stop()

    console.print(_table(f"Mixed load: {args.requests:,} requests, concurrency {args.concurrency}, "
                         f"{facts['articles']:,} articles ({wall:.1f} s)", mixed))
    if solo:
        console.print(_table(f"Each endpoint alone: {args.solo} requests, one at a time", solo))
    console.print(
        f"server CPU during the mixed run: {cpu:.1f} s over {wall:.1f} s ({100 * cpu / wall:.0f}% of one core); "
        f"server RSS MiB: {rss_start[0]:.0f} at start, {rss_before[0]:.0f} after warm-up, {rss_after[0]:.0f} after "
        f"the mixed run, {rss_end[0]:.0f} at the end (peak {rss_end[1]:.0f}); client peak "
        f"{resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f}"
    )
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps({
            "articles": facts["articles"], "store": facts, "build": built, "server": how, "pages": sorted(pages),
            "concurrency": args.concurrency, "requests": args.requests, "wall_s": wall, "server_cpu_s": cpu,
            "mixed": mixed,
            "solo": solo, "rss_mib": {"start": rss_start[0], "after_warmup": rss_before[0],
                                      "after_mixed": rss_after[0], "end": rss_end[0], "peak": rss_end[1]},
        }, indent=2))
    sys.stdout.flush()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
