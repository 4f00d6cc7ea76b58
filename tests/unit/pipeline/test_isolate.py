"""Each input's work in a worker process: errors, time and memory budgets, crashes.

The stages here misbehave on purpose (sleep, allocate, die); each test checks that the
input fails with the right stage and reason and that the next input is still processed.
"""

from __future__ import annotations

import os
import time
from dataclasses import dataclass

import pytest

from newstrace.config import Settings
from newstrace.models import Article, ExtractOptions, Failure, RawInput
from newstrace.pipeline import Budgets, InProcess, Isolated, Pipeline, Work, ingest_items, runner
from newstrace.store import Store

PAGE = (
    b"<html><head><title>Quay closed</title></head><body><article><h1>Quay closed</h1>"
    b"<p>The port authority closed the quay on Tuesday after a coupling failed during a transfer, "
    b"officials said, and crews worked through the night to make it safe.</p>"
    b"<p>Residents of the nearby streets were told to keep their windows shut until further notice, "
    b"according to a statement from the city.</p></article></body></html>"
)


@dataclass
class Misbehave:
    """A stage that does something bad when the text contains its trigger word."""

    name: str = "misbehave"
    version: str = "1"
    requires: tuple[str, ...] = ("text",)
    assigns: tuple[str, ...] = ()

    def __call__(self, article: Article) -> Article:
        title = article.title or ""
        if "SLEEP" in title:
            time.sleep(30)
        if "HOG" in title:
            hog = []
            for _ in range(400):
                hog.append(bytearray(os.urandom(1024)) * 1024)  # 1 MiB each, touched
                time.sleep(0.005)
        if "DIE" in title:
            os._exit(3)
        if "BUG" in title:
            raise AssertionError("a library's assertion")
        if "DEEP" in title:
            def down(n: int) -> int:
                return down(n + 1)
            down(0)
        return article


def _raw(name: str, word: str = "") -> RawInput:
    return RawInput(source=name, data=PAGE.replace(b"Quay closed", f"Quay closed {word}".encode()))


def _work() -> Work:
    return Work(ExtractOptions(), factory=lambda: Pipeline([Misbehave()]))


def _budgets(seconds: float = 1.5, mib: int = 150) -> Budgets:
    return Budgets(extract_seconds=seconds, analyse_seconds=seconds, memory_bytes=mib * 2**20)


def test_a_good_input_comes_back_as_its_article() -> None:
    with Isolated(_work(), _budgets()) as run:
        got = run(_raw("a.html"))
    assert isinstance(got, Article)
    assert got.title.startswith("Quay closed") and "coupling failed" in got.text
    assert got.evidence["stage:misbehave"] == "1"


def test_a_stage_over_its_time_budget_fails_too_slow_and_the_next_input_goes_on() -> None:
    with Isolated(_work(), _budgets(seconds=0.5)) as run:
        slow = run(_raw("slow.html", "SLEEP"))
        after = run(_raw("after.html"))
        assert run.started == 2  # the stuck worker was replaced
    assert isinstance(slow, Failure)
    assert (slow.stage, slow.reason) == ("analyse", "too-slow")
    assert "misbehave took longer than 0.5 s" in slow.message and "analyse_seconds" in slow.message
    assert isinstance(after, Article)


def test_a_stage_over_its_memory_budget_fails_too_large() -> None:
    with Isolated(_work(), _budgets(seconds=20, mib=100)) as run:
        hog = run(_raw("hog.html", "HOG"))
        after = run(_raw("after.html"))
    assert isinstance(hog, Failure)
    assert (hog.stage, hog.reason) == ("analyse", "too-large")
    assert "stage_memory_mb" in hog.message
    assert isinstance(after, Article)


def test_a_worker_that_dies_fails_its_input_as_crashed() -> None:
    with Isolated(_work(), _budgets()) as run:
        dead = run(_raw("dead.html", "DIE"))
        after = run(_raw("after.html"))
    assert isinstance(dead, Failure)
    assert (dead.stage, dead.reason) == ("analyse", "crashed")
    assert "exit code 3" in dead.message
    assert isinstance(after, Article)


@pytest.mark.parametrize("word, what", [("BUG", "AssertionError"), ("DEEP", "RecursionError")])
def test_any_exception_in_a_stage_is_a_failure_with_its_stage(word: str, what: str) -> None:
    for run in (InProcess(_work()), Isolated(_work(), _budgets())):
        with run:
            got = run(_raw("bad.html", word))
        assert isinstance(got, Failure), run
        assert (got.stage, got.reason) == ("analyse", "internal-error")
        assert what in got.message and "\n" not in got.message


def test_an_extraction_that_asserts_is_an_extract_failure() -> None:
    with Isolated(_work(), _budgets()) as run:
        got = run(RawInput(source="b.html", data=b"<svg><p><title>"))
    assert isinstance(got, Failure)
    assert got.stage == "extract"


def test_strict_work_raises_in_this_process() -> None:
    work = _work()
    work.strict = True
    run = runner(work, Settings())
    assert isinstance(run, InProcess)
    with pytest.raises(AssertionError):
        run(_raw("bad.html", "BUG"))


def test_ingest_records_each_failure_with_stage_and_reason_and_stores_the_rest(tmp_path) -> None:
    settings = Settings(db=tmp_path / "s.db", extract_seconds=5, analyse_seconds=0.5, stage_memory_mb=200)
    items = [_raw("1.html"), _raw("2.html", "SLEEP"), _raw("3.html", "BUG"), _raw("4.html", "DIE"),
             RawInput(source="5.html", data=b"<svg><p><title>"), _raw("6.html")]
    items[-1] = RawInput(source="6.html", data=PAGE.replace(b"Tuesday", b"Wednesday"))
    with Store(settings.db) as store:
        report = ingest_items(items, store, settings=settings, pipeline=Pipeline([Misbehave()]), link=False)
        failures = {f["source"]: (f["stage"], f["reason"]) for f in store.failures()}
        assert report.added == 2 and report.failed == 4
        assert failures == {"2.html": ("analyse", "too-slow"), "3.html": ("analyse", "internal-error"),
                            "4.html": ("analyse", "crashed"), "5.html": ("extract", failures["5.html"][1])}
        assert store.count() == 2
