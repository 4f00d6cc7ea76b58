"""Claim-level linking benchmark: claim groups, provenance, denials and figures.

Run from the project root::

    python bench/linking_claims.py [--synthetic N] [--seed S] [--json PATH] [--verbose]

(a) The sample corpus (src/newstrace/sample/pages, extracted with newstrace.extract, the
claims stage run on each page, pages added in date order): claims grouped with
:class:`~newstrace.link.ClaimGrouper`, provenance built with a
:class:`~newstrace.link.CopyIndex` for copies, figures computed over every claim. Scored
against gold ``claim_groups`` and ``figures``:

* claim groups, B-cubed P/R/F1 over the gold members that some extracted claim covers
  (a member is matched to the claim whose content contains it, or is contained in it);
  a denial is scored as the cluster "denials of group G", as gold keeps denials apart;
* per gold group: whether the predicted group (the one most of its matched members are in)
  has gold's ``independent_origins`` and ``circular``; for a gold group of denials, the
  count of distinct denying origins (``GroupProvenance.denied_by``) is compared;
* denials attached: matched gold denial members whose group is the predicted group of the
  claim gold says they deny;
* figures: gold values (distinct numbers) found in the predicted figure that best
  overlaps each gold figure, and (page, value) reports found.

(b) Optionally (``--synthetic N``, default 200; 0 skips) N articles of
:mod:`newstrace.link.synthetic`: claims extracted and grouped; each claim whose content
holds exactly one of its article's origin figures is labelled with that origin's claim
group, and grouping is scored B-cubed over those claims.
"""

from __future__ import annotations

import argparse
import json
import re
import time
from collections import Counter
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.table import Table

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "src" / "newstrace" / "sample"

#: Gold groups of denials -> the gold group whose claim they deny (the sample gold keeps
#: the two apart and does not name the link; this is bench knowledge, not a library rule).
DENIES = {"ministry-denies-postponement": "inspection-postponed", "accord-charge-denied": "accord-charge"}

_extractor = None


def _claims_extractor():
    global _extractor
    if _extractor is None:
        from newstrace.analyse.claims import ClaimExtractor

        _extractor = ClaimExtractor()
    return _extractor


def _prf(pred: dict, gold: dict) -> dict[str, float]:
    from newstrace.link import score_clusters

    p, r, f = score_clusters(pred, gold)
    return {"precision": p, "recall": r, "f1": f}


def load_sample() -> tuple[list[str], dict[int, Any], dict[int, list]]:
    """Page names (doc id = index), doc id -> Article with claims, doc id -> claims."""
    import newstrace

    gold = json.loads((SAMPLE / "gold.json").read_text(encoding="utf-8"))
    names = sorted(p.name for p in (SAMPLE / "pages").iterdir())
    ex = _claims_extractor()
    arts, claims = {}, {}
    for i, n in enumerate(names):
        a = newstrace.extract(SAMPLE / "pages" / n)
        if not a.published:
            a.published = gold["pages"].get(n, {}).get("published")
        a.claims = ex(a.text, a.published, a.outlet)
        arts[i], claims[i] = a, a.claims
    return names, arts, claims


def gold_members(gold: dict, names: list[str], claims: dict[int, list]) -> dict[tuple[int, int], str]:
    """(doc id, claim index) -> gold group id, for the gold members some claim covers."""
    from newstrace.link.claimgroups import content_text

    out: dict[tuple[int, int], str] = {}
    for grp in gold["claim_groups"]:
        for page, sub in grp["members"]:
            aid = names.index(page)
            for i, c in enumerate(claims[aid]):
                text = content_text(c).lower()
                if (aid, i) in out:
                    continue
                if sub.lower() in text or (len(text) > 15 and text in sub.lower()):
                    out[(aid, i)] = grp["id"]
                    break
    return out


def _grouper(encoder: str | None):  # noqa: ANN202
    from newstrace.link import ClaimGrouper

    if not encoder:
        return ClaimGrouper()
    from newstrace.link.encoder import load_encoder

    return ClaimGrouper(encoder=load_encoder(encoder).encode)


def run_claim_groups(synthetic: int = 200, seed: int = 0, verbose: bool = False, encoder: str | None = None) -> dict:
    from newstrace.link import CopyIndex, build_provenance, figures

    gold = json.loads((SAMPLE / "gold.json").read_text(encoding="utf-8"))
    t0 = time.perf_counter()
    names, arts, claims = load_sample()
    t_extract = time.perf_counter() - t0
    order = sorted(arts, key=lambda d: (arts[d].published or "", names[d]))
    grouper, copies = _grouper(encoder), CopyIndex()
    t0 = time.perf_counter()
    for d in order:
        copies.add_all(d, arts[d])
        for i, c in enumerate(claims[d]):
            grouper.add(d, i, c, arts[d])
    graph = build_provenance(grouper, arts, claims, copies)
    figs = figures((d, i, c, arts[d]) for d in order for i, c in enumerate(claims[d]))
    t_link = time.perf_counter() - t0

    members = gold_members(gold, names, claims)
    n_gold = sum(len(g["members"]) for g in gold["claim_groups"])

    def label(k: tuple[int, int]) -> Any:
        return ("denied", grouper.group_of(*k)) if grouper.is_denial(*k) else grouper.group_of(*k)

    bcubed = _prf({k: label(k) for k in members}, members)

    # per gold group
    pred_of: dict[str, int | None] = {}
    rows = []
    for grp in gold["claim_groups"]:
        keys = [k for k, v in members.items() if v == grp["id"]]
        denial_group = grp["id"] in DENIES
        use = [k for k in keys if grouper.is_denial(*k) == denial_group] or keys
        gid = Counter(grouper.group_of(*k) for k in use).most_common(1)[0][0] if use else None
        pred_of[grp["id"]] = gid
        p = graph.groups.get(gid) if gid is not None else None
        if p is None:
            indep, circ = None, None
        elif denial_group:
            indep, circ = len(getattr(p, "denied_by", []) or []), False
        else:
            indep, circ = p.independent_origins, p.circular
        rows.append({
            "group": grp["id"], "gold_members": len(grp["members"]), "matched": len(keys),
            "gold_independent": grp["independent_origins"], "independent": indep,
            "gold_circular": grp["circular"], "circular": circ,
            "origins": (list(getattr(p, "denied_by", [])) if denial_group else list(p.origins)) if p else [],
        })
    # denials attached to the group of the claim they deny
    den_total = den_ok = 0
    for dgrp, target in DENIES.items():
        tgid = pred_of.get(target)
        for k, v in members.items():
            if v == dgrp and grouper.is_denial(*k):
                den_total += 1
                den_ok += tgid is not None and grouper.group_of(*k) == tgid
    gold_denials = sum(len(g["members"]) for g in gold["claim_groups"] if g["id"] in DENIES)

    # figures
    fig_rows = []
    for gf in gold["figures"]:
        gvals = []
        for v in gf["values"]:
            val = v["value"][0] if isinstance(v["value"], list) else v["value"]
            gvals.append((names.index(v["page"]) if v["page"] in names else -1, float(val)))
        distinct = set(x for _, x in gvals)
        best, best_n = None, 0
        for f in figs:
            n = len(distinct & {fv.value for fv in f.values})
            if n > best_n:
                best, best_n = f, n
        found_reports = sum(1 for pv in gvals if best and any((fv.article_id, fv.value) == pv for fv in best.values))
        fig_rows.append({
            "quantity": gf["quantity"], "gold_values": sorted(distinct), "found_values": best_n,
            "gold_reports": len(gvals), "found_reports": found_reports,
            "predicted": [fv.value for fv in best.values] if best else [],
            "extra": sorted({fv.value for fv in best.values} - distinct) if best else [],
        })

    result: dict[str, Any] = {
        "sample": {
            "articles": len(names), "claims": sum(len(c) for c in claims.values()),
            "groups": len(grouper.groups), "gold_members": n_gold, "matched_members": len(members),
            "bcubed": bcubed, "per_group": rows,
            "independent_ok": sum(r["independent"] == r["gold_independent"] for r in rows),
            "circular_ok": sum(r["circular"] == r["gold_circular"] for r in rows),
            "gold_groups": len(rows),
            "denials_attached": den_ok, "denials_matched": den_total, "gold_denials": gold_denials,
            "figures": fig_rows, "extract_s": t_extract, "link_s": t_link,
        }
    }
    if verbose:
        from newstrace.link.claimgroups import content_text

        dump = []
        for gid, grp in grouper.groups.items():
            keys = grp.members + grp.denials
            if len(keys) < 2 and not any(k in members for k in keys):
                continue
            dump.append({"group": gid, "items": [
                [names[a][:22], c, "D" if grouper.is_denial(a, c) else "A", members.get((a, c), "-"),
                 content_text(claims[a][c])[:90]] for a, c in keys]})
        result["sample"]["dump"] = dump
    if synthetic:
        result["synthetic"] = run_synthetic(synthetic, seed, encoder)
    return result


def run_synthetic(n: int, seed: int = 0, encoder: str | None = None) -> dict:
    from newstrace.link.claimgroups import content_text
    from newstrace.link.synthetic import generate

    ex = _claims_extractor()
    grouper = _grouper(encoder)
    gold: dict[tuple[int, int], int] = {}
    t0 = time.perf_counter()
    n_claims = 0
    for doc_id, art, truth in generate(n, seed):
        cl = ex(art.text, art.published, art.outlet)
        n_claims += len(cl)
        for i, c in enumerate(cl):
            grouper.add(doc_id, i, c, art)
            text = content_text(c)
            hits = [g for g, (_, fig, _) in zip(truth.claim_groups, truth.origins, strict=True)
                    if re.search(r"(?<![\d,])" + re.escape(fig) + r"(?![\d,])", text)]
            if len(hits) == 1 and not grouper.is_denial(doc_id, i):
                gold[(doc_id, i)] = hits[0]
    elapsed = time.perf_counter() - t0
    pred = {k: grouper.group_of(*k) for k in gold}
    return {"articles": n, "claims": n_claims, "labelled": len(gold), "gold_groups": len(set(gold.values())),
            "pred_groups": len(set(pred.values())), "bcubed": _prf(pred, gold), "seconds": elapsed}


def print_claim_groups(result: dict, console: Console) -> None:
    s = result["sample"]
    b = s["bcubed"]
    t = Table(title=f"Claim linking on the sample ({s['articles']} pages, {s['claims']} claims, {s['groups']} groups)")
    t.add_column("measure")
    t.add_column("value", justify="right")
    t.add_row("gold members matched to a claim", f"{s['matched_members']} / {s['gold_members']}")
    t.add_row("claim groups B-cubed P / R / F1", f"{b['precision']:.3f} / {b['recall']:.3f} / {b['f1']:.3f}")
    t.add_row("independent origins = gold", f"{s['independent_ok']} / {s['gold_groups']}")
    t.add_row("circular flag = gold", f"{s['circular_ok']} / {s['gold_groups']}")
    t.add_row("denials attached to the denied group",
              f"{s['denials_attached']} / {s['denials_matched']} matched ({s['gold_denials']} gold)")
    for f in s["figures"]:
        t.add_row(f"figure: {f['quantity'][:40]}",
                  f"values {f['found_values']}/{len(f['gold_values'])}, reports {f['found_reports']}/{f['gold_reports']}"
                  + (f", extra {f['extra']}" if f["extra"] else ""))
    if "synthetic" in result:
        y = result["synthetic"]
        yb = y["bcubed"]
        t.add_row(f"synthetic ({y['articles']} articles, {y['labelled']} labelled claims) B-cubed P / R / F1",
                  f"{yb['precision']:.3f} / {yb['recall']:.3f} / {yb['f1']:.3f}")
    console.print(t)
    g = Table(title="Per gold claim group")
    for col in ("group", "matched", "indep (gold)", "circular (gold)", "origins"):
        g.add_column(col)
    for r in s["per_group"]:
        g.add_row(r["group"], f"{r['matched']}/{r['gold_members']}", f"{r['independent']} ({r['gold_independent']})",
                  f"{r['circular']} ({r['gold_circular']})", "; ".join(r["origins"])[:80])
    console.print(g)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description="Claim groups, provenance, denials and figures benchmark")
    ap.add_argument("--synthetic", type=int, default=200, help="synthetic articles (0 skips)")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--json", type=Path, help="write the numbers here")
    ap.add_argument("--verbose", action="store_true", help="print the predicted groups")
    ap.add_argument("--encoder", help="group with sentence embeddings too (minilm; needs the embed extra)")
    args = ap.parse_args(argv)
    console = Console(width=200)
    result = run_claim_groups(args.synthetic, args.seed, args.verbose, args.encoder)
    print_claim_groups(result, console)
    if args.verbose:
        for grp in result["sample"]["dump"]:
            console.print(f"-- group {grp['group']}", markup=False)
            for it in grp["items"]:
                console.print("   " + " | ".join(map(str, it)), markup=False)
    if args.json:
        args.json.write_text(json.dumps(result, indent=2, default=str) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
