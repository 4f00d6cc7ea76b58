"""Local inputs through iter_inputs: paths, folders, globs, stdin, gzip, caps, junk."""

from __future__ import annotations

import gzip
import io
import sys
import types
from collections.abc import Callable
from pathlib import Path

import pytest

from newstrace.config import Settings
from newstrace.ingest import files, iter_inputs
from newstrace.models import Failure, RawInput

Page = Callable[..., bytes]


def _run(sources: list[str], settings: Settings, **kw: object) -> list[RawInput | Failure]:
    return list(iter_inputs(sources, settings, **kw))  # type: ignore[arg-type]


def _tree(root: Path, page: Page) -> None:
    (root / "pages" / "b" / "deep").mkdir(parents=True)
    (root / "pages" / "a.html").write_bytes(page("A"))
    (root / "pages" / "c.txt").write_text("A text dump.\n\nSecond paragraph.\n")
    (root / "pages" / "b" / "x.html").write_bytes(page("X"))
    (root / "pages" / "b" / "deep" / "y.html").write_bytes(page("Y"))
    (root / "pages" / ".hidden.html").write_bytes(page("H"))
    (root / "pages" / ".git").mkdir()
    (root / "pages" / ".git" / "config.html").write_bytes(page("G"))


def test_single_file_keeps_the_path_as_given(tmp_path: Path, settings: Settings, page: Page) -> None:
    p = tmp_path / "page.html"
    p.write_bytes(page("T"))
    (item,) = _run([str(p)], settings)
    assert isinstance(item, RawInput)
    assert item.source == str(p)
    assert item.data == page("T")
    assert item.kind == "auto"


def test_folder_is_recursive_sorted_and_skips_hidden(
    tmp_path: Path, settings: Settings, page: Page, monkeypatch: pytest.MonkeyPatch
) -> None:
    _tree(tmp_path, page)
    monkeypatch.chdir(tmp_path)
    items = _run(["pages"], settings)
    assert [i.source for i in items] == ["pages/a.html", "pages/b/deep/y.html", "pages/b/x.html", "pages/c.txt"]
    assert all(isinstance(i, RawInput) for i in items)


def test_glob_patterns(tmp_path: Path, settings: Settings, page: Page, monkeypatch: pytest.MonkeyPatch) -> None:
    _tree(tmp_path, page)
    monkeypatch.chdir(tmp_path)
    assert [i.source for i in _run(["pages/*.html"], settings)] == ["pages/a.html"]
    deep = [i.source for i in _run(["pages/**/*.html"], settings)]
    assert deep == ["pages/a.html", "pages/b/deep/y.html", "pages/b/x.html"]


def test_inputs_come_out_in_input_order(
    tmp_path: Path, settings: Settings, page: Page, monkeypatch: pytest.MonkeyPatch
) -> None:
    _tree(tmp_path, page)
    monkeypatch.chdir(tmp_path)
    items = _run(["pages/c.txt", "missing.html", "pages/a.html"], settings)
    assert [i.source for i in items] == ["pages/c.txt", "missing.html", "pages/a.html"]
    assert isinstance(items[1], Failure) and items[1].reason == "not-found"


def test_missing_path_and_unmatched_glob(tmp_path: Path, settings: Settings) -> None:
    items = _run([str(tmp_path / "nope.html"), str(tmp_path / "*.nothing")], settings)
    assert [(i.reason, i.stage) for i in items if isinstance(i, Failure)] == [("not-found", "ingest")] * 2


def test_empty_folder_and_folder_of_hidden_files(tmp_path: Path, settings: Settings, page: Page) -> None:
    (tmp_path / "empty").mkdir()
    (tmp_path / "hidden").mkdir()
    (tmp_path / "hidden" / ".x.html").write_bytes(page("x"))
    items = _run([str(tmp_path / "empty"), str(tmp_path / "hidden")], settings)
    assert [i.reason for i in items if isinstance(i, Failure)] == ["empty-folder", "empty-folder"]


def test_stdin(settings: Settings, page: Page, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "stdin", types.SimpleNamespace(buffer=io.BytesIO(page("from stdin"))))
    (item,) = _run(["-"], settings)
    assert isinstance(item, RawInput)
    assert item.source == "<stdin>"
    assert item.data == page("from stdin")


def test_stdin_over_the_cap(settings: Settings, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "stdin", types.SimpleNamespace(buffer=io.BytesIO(b"x" * 2000)))
    (item,) = _run(["-"], settings.with_(max_input_bytes=1000))
    assert isinstance(item, Failure) and item.reason == "too-large"


def test_gzip_is_transparent(tmp_path: Path, settings: Settings, page: Page) -> None:
    p = tmp_path / "page.html.gz"
    p.write_bytes(gzip.compress(page("zipped")))
    (item,) = _run([str(p)], settings)
    assert isinstance(item, RawInput)
    assert item.source == str(p)
    assert item.data == page("zipped")


def test_truncated_gzip(tmp_path: Path, settings: Settings, page: Page) -> None:
    blob = gzip.compress(page("zipped", "words " * 2000))
    p = tmp_path / "page.html.gz"
    p.write_bytes(blob[: len(blob) // 2])
    (item,) = _run([str(p)], settings)
    assert isinstance(item, Failure)
    assert item.reason == "truncated"
    assert item.source == str(p)


def test_gzip_that_inflates_past_the_cap(tmp_path: Path, settings: Settings) -> None:
    p = tmp_path / "bomb.txt.gz"
    p.write_bytes(gzip.compress(b"a" * 100_000))
    (item,) = _run([str(p)], settings.with_(max_input_bytes=10_000))
    assert isinstance(item, Failure) and item.reason == "too-large"


def test_200_mb_page_is_refused_without_reading_it(
    tmp_path: Path, settings: Settings, page: Page, monkeypatch: pytest.MonkeyPatch
) -> None:
    p = tmp_path / "huge.html"
    with p.open("wb") as f:
        f.write(b"<html>")
        f.truncate(200 * 1024 * 1024)  # sparse: cheap to make
    reads: list[int] = []
    real_open = open

    def spy_open(*args: object, **kwargs: object):  # type: ignore[no-untyped-def]
        handle = real_open(*args, **kwargs)  # type: ignore[call-overload]
        real_read = handle.read

        class Spy:
            def __getattr__(self, name: str) -> object:
                return getattr(handle, name)

            def __enter__(self) -> Spy:
                return self

            def __exit__(self, *exc: object) -> None:
                handle.close()

            def read(self, n: int = -1) -> bytes:
                data = real_read(n)
                reads.append(len(data))
                return data

        return Spy()

    monkeypatch.setattr(files, "open", spy_open, raising=False)  # files opens with the builtin open
    (item,) = _run([str(p)], settings)
    assert isinstance(item, Failure)
    assert item.reason == "too-large"
    assert reads and sum(reads) <= 64 * 1024  # only the head was read, for detection


def test_empty_and_whitespace_files(tmp_path: Path, settings: Settings) -> None:
    (tmp_path / "a.html").write_bytes(b"")
    (tmp_path / "b.html").write_bytes(b"  \n\n\t ")
    items = _run([str(tmp_path / "a.html"), str(tmp_path / "b.html")], settings)
    assert [i.reason for i in items if isinstance(i, Failure)] == ["empty", "empty"]


def test_binary_junk(tmp_path: Path, settings: Settings) -> None:
    p = tmp_path / "photo.html"
    p.write_bytes(bytes(range(256)) * 40)
    (item,) = _run([str(p)], settings)
    assert isinstance(item, Failure) and item.reason == "binary"


def test_utf16_text_is_not_binary(tmp_path: Path, settings: Settings) -> None:
    p = tmp_path / "page.txt"
    p.write_bytes("\ufeffA text in UTF-16.\n\nSecond paragraph.".encode("utf-16-le"))
    (item,) = _run([str(p)], settings)
    assert isinstance(item, RawInput)


@pytest.mark.parametrize("kind", ["html", "text", "body"])
def test_forced_document_kind_is_passed_through(tmp_path: Path, settings: Settings, kind: str) -> None:
    p = tmp_path / "urls.txt"
    # Looks like a URL list, but a forced kind means "this file is one document".
    p.write_text("https://example.invalid/a\n")
    (item,) = _run([str(p)], settings, kind=kind)
    assert isinstance(item, RawInput)
    assert item.kind == kind


def test_forced_kind_still_refuses_binary(tmp_path: Path, settings: Settings) -> None:
    p = tmp_path / "junk.bin"
    p.write_bytes(bytes(range(256)) * 40)
    (item,) = _run([str(p)], settings, kind="text")
    assert isinstance(item, Failure) and item.reason == "binary"


def test_a_bad_input_does_not_stop_the_batch(tmp_path: Path, settings: Settings, page: Page) -> None:
    (tmp_path / "1.html").write_bytes(b"")
    (tmp_path / "2.html").write_bytes(bytes(range(256)) * 40)
    (tmp_path / "3.html").write_bytes(page("ok"))
    items = _run([str(tmp_path)], settings)
    assert [type(i).__name__ for i in items] == ["Failure", "Failure", "RawInput"]


def test_other_url_schemes_are_refused(settings: Settings) -> None:
    (item,) = _run(["ftp://example.invalid/file.html"], settings)
    assert isinstance(item, Failure) and item.reason == "bad-url"
