"""Train the text-dump line classifiers and write src/newstrace/extract/textdump_model.json.

Data: the naeb dumps in ../shared/data/extraction-dev/naeb (text-w3m/, text-lynx/, truth.jsonl),
read at run time and never copied into the project. Labels come from the gold article:
a line is body when most of its 4-token shingles occur in the gold text (short lines: when
the line equals a gold paragraph line); the title line is the one equal to the gold title.

    python scripts/train_textdump.py            # 2-fold cross-validation by page id, then train on all
    python scripts/train_textdump.py --cv-only  # report only, write nothing
    python scripts/train_textdump.py --skip-cv  # train on all and write the model, no report

Needs scikit-learn at training time only (pip install scikit-learn); the extractor does not.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
import time
from pathlib import Path

import numpy as np

from newstrace.errors import ExtractionError
from newstrace.extract import textdump
from newstrace.extract.decode import decode_bytes
from newstrace.extract.score import authors_match, date_match, norm_text, score_bodies, shingles, title_match
from newstrace.extract.textdump_features import FEATURES, line_features, with_title
from newstrace.extract.textdump_lines import Line, split_lines, strip_bullet
from newstrace.extract.textdump_model import MODEL_FILE, DumpModels, TreeEnsemble
from newstrace.models import Article

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT.parent / "shared" / "data" / "extraction-dev" / "naeb"
FLAVOURS = ("text-w3m", "text-lynx")
#: A line is body when at least this share of its shingles are in the gold body.
BODY_SHARE = 0.5
TREE_PARAMS = {"max_iter": 200, "max_depth": 5, "max_leaf_nodes": 24, "learning_rate": 0.1,
               "early_stopping": False, "random_state": 0}
#: The title model has one positive line per page: shallower, more regularised trees keep
#: it from memorising page furniture of sites seen in training.
TITLE_PARAMS = {"max_iter": 120, "max_depth": 3, "min_samples_leaf": 40, "l2_regularization": 1.0,
                "learning_rate": 0.1, "early_stopping": False, "random_state": 0}


def load_pages() -> list[dict]:
    truth = {}
    with open(DATA / "truth.jsonl", encoding="utf-8") as fh:
        for row in fh:
            d = json.loads(row)
            truth[d["id"]] = d
    pages = []
    for flavour in FLAVOURS:
        for path in sorted((DATA / flavour).glob("*.txt")):
            d = truth.get(path.stem)
            if d is None:
                continue
            text = decode_bytes(path.read_bytes(), source=str(path))
            pages.append({"id": path.stem, "flavour": flavour, "text": text, "truth": d})
    return pages


def fold_of(page_id: str) -> int:
    """Stable half of the page ids, so both dumps of one page land in the same fold."""
    return int(hashlib.sha1(page_id.encode()).hexdigest(), 16) % 2


def body_labels(lines: list[Line], gold: str) -> np.ndarray:
    gold_sh = shingles(gold)
    gold_lines = {norm_text(s) for s in gold.split("\n") if s.strip()}
    out = np.zeros(len(lines))
    for i, ln in enumerate(lines):
        text = strip_bullet(ln.text) if ln.bullet else ln.text
        sh = shingles(text)
        if sh:
            out[i] = float(len(sh & gold_sh) / len(sh) >= BODY_SHARE)
        else:
            out[i] = float(norm_text(text) in gold_lines)
    return out


def title_labels(lines: list[Line], title: str) -> np.ndarray:
    want = norm_text(title)
    return np.array([float(bool(want) and norm_text(ln.text) == want) for ln in lines])


def page_matrices(page: dict) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    lines = split_lines(page["text"])
    x_title = line_features(lines)
    y_title = title_labels(lines, page["truth"]["title"])
    t_idx = int(np.argmax(y_title)) if y_title.any() else None
    x_body = with_title(x_title, lines, t_idx)
    y_body = body_labels(lines, page["truth"]["text"])
    return x_title, y_title, x_body, y_body


def export(clf) -> TreeEnsemble:
    """Flatten a fitted sklearn HistGradientBoostingClassifier into a TreeEnsemble."""
    feat, thr, left, right, value, roots = [], [], [], [], [], []
    depth = 0
    for (tree,) in clf._predictors:
        nodes = tree.nodes
        base = len(feat)
        roots.append(base)
        for node, row in enumerate(nodes):
            leaf = bool(row["is_leaf"])
            depth = max(depth, int(row["depth"]))
            feat.append(-1 if leaf else int(row["feature_idx"]))
            thr.append(0.0 if leaf else float(row["num_threshold"]))
            left.append(base + node if leaf else base + int(row["left"]))
            right.append(base + node if leaf else base + int(row["right"]))
            value.append(float(row["value"]) if leaf else 0.0)  # leaf values include the learning rate
    model = TreeEnsemble(
        list(FEATURES), 0.0, np.array(feat), np.array(thr), np.array(left), np.array(right),
        np.array(value), np.array(roots), depth,
    )
    # sklearn's starting log-odds (the class prior) is not in the trees: recover it
    probe = np.zeros((1, len(FEATURES)))
    model.bias = float(clf.decision_function(probe)[0] - model.decision(probe)[0])
    return model


def fit(mats: list[tuple], which: int, params: dict) -> TreeEnsemble:
    from sklearn.ensemble import HistGradientBoostingClassifier

    x = np.vstack([m[which] for m in mats])
    y = np.concatenate([m[which + 1] for m in mats])
    clf = HistGradientBoostingClassifier(**params)
    clf.fit(x, y)
    model = export(clf)
    check = x[:: max(len(x) // 2000, 1)]
    assert np.allclose(model.decision(check), clf.decision_function(check), atol=1e-6), "export mismatch"
    return model


def train(pages: list[dict], mats: dict[str, tuple]) -> DumpModels:
    chosen = [mats[p["id"] + p["flavour"]] for p in pages]
    return DumpModels(title=fit(chosen, 0, TITLE_PARAMS), body=fit(chosen, 2, TREE_PARAMS))


def _extract_or_empty(page: dict, models: DumpModels) -> Article:
    try:
        return textdump.extract_with(page["text"], source=page["id"], models=models)
    except ExtractionError:
        return Article(source=page["id"], kind="text")


def evaluate(pages: list[dict], models: DumpModels) -> dict[str, dict]:
    report = {}
    for flavour in FLAVOURS:
        sel = [p for p in pages if p["flavour"] == flavour]
        arts = [_extract_or_empty(p, models) for p in sel]
        body = score_bodies((a.text, p["truth"]["text"]) for a, p in zip(arts, sel))
        n = max(len(sel), 1)
        report[flavour] = {
            "pages": len(sel), "f1": round(body.f1, 4), "precision": round(body.precision, 4),
            "recall": round(body.recall, 4),
            "title": round(sum(title_match(a.title, p["truth"]["title"]) for a, p in zip(arts, sel)) / n, 4),
            "authors": round(sum(authors_match(a.authors, p["truth"]["authors"]) for a, p in zip(arts, sel)) / n, 4),
            "date": round(sum(date_match(a.published, p["truth"]["date"]) for a, p in zip(arts, sel)) / n, 4),
        }
    return report


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--cv-only", action="store_true", help="report cross-validated scores, write nothing")
    ap.add_argument("--skip-cv", action="store_true", help="train on all pages and write the model, no report")
    args = ap.parse_args(argv)
    if not DATA.is_dir():
        print(f"no training data at {DATA}", file=sys.stderr)
        return 2
    pages = load_pages()
    t0 = time.time()
    mats = {p["id"] + p["flavour"]: page_matrices(p) for p in pages}
    print(f"{len(pages)} dumps, {sum(len(m[0]) for m in mats.values())} lines, features in {time.time() - t0:.0f}s")
    if not args.skip_cv:
        cross_validate(pages, mats)
    if args.cv_only:
        return 0
    t0 = time.time()
    models = train(pages, mats)
    out = ROOT / "src" / "newstrace" / "extract" / MODEL_FILE
    out.write_text(json.dumps(models.to_dict(), separators=(",", ":")), encoding="utf-8")
    print(f"wrote {out} ({out.stat().st_size // 1024} KiB, {time.time() - t0:.0f}s)")
    return 0


def cross_validate(pages: list[dict], mats: dict[str, tuple]) -> None:
    """Train on one half of the page ids, score on the other, both ways; print the pooled scores."""
    halves = [[p for p in pages if fold_of(p["id"]) == k] for k in (0, 1)]
    results = []
    for k in (0, 1):
        models = train(halves[1 - k], mats)
        results.append(evaluate(halves[k], models))
        print(f"fold {k} (train on the other half):", json.dumps(results[-1]))
    for flavour in FLAVOURS:
        avg = {m: round(sum(r[flavour][m] * r[flavour]["pages"] for r in results)
                        / sum(r[flavour]["pages"] for r in results), 4)
               for m in ("precision", "recall", "title", "authors", "date")}
        # F1 of the page-averaged precision and recall, as score_bodies defines it
        avg["f1"] = round(2 * avg["precision"] * avg["recall"] / max(avg["precision"] + avg["recall"], 1e-9), 4)
        print(f"cross-validated {flavour}:", json.dumps(avg))


if __name__ == "__main__":
    sys.exit(main())
