"""Settings are checked when they are built: a bad value, from a config file, a variable or an
override, is one UsageError line naming the setting, the value and what is allowed."""

from __future__ import annotations

from pathlib import Path

import pytest

from newstrace.config import ENCODER_NAMES, MAX_FETCH_RETRIES, Settings, demo_db, load_settings
from newstrace.errors import UsageError


@pytest.fixture(autouse=True)
def _clean_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """No NEWSTRACE_* variable and no config file of the machine running the tests."""
    import os

    for var in [v for v in os.environ if v.startswith("NEWSTRACE_")]:
        monkeypatch.delenv(var)
    monkeypatch.setenv("NEWSTRACE_HOME", str(tmp_path / "home"))


def _error(exc: pytest.ExceptionInfo[UsageError]) -> str:
    msg = exc.value.message
    assert "\n" not in msg
    return msg


def test_defaults_are_valid_and_the_store_lives_in_home(tmp_path: Path) -> None:
    s = load_settings()
    assert s.db == tmp_path / "home" / "newstrace.db" and s.encoder == "none"
    assert (s.extract_seconds, s.analyse_seconds, s.stage_memory_mb) == (60.0, 180.0, 2048)
    assert demo_db() == tmp_path / "home" / "demo.db"


@pytest.mark.parametrize(("name", "value", "allowed"), [
    ("max_input_bytes", "0", "above 0"),
    ("max_input_bytes", "-5", "above 0"),
    ("max_input_bytes", "lots", "above 0"),
    ("fetch_timeout", "0", "above 0"),
    ("fetch_timeout", "nan", "above 0"),
    ("fetch_timeout", "inf", "above 0"),
    ("per_host_delay", "-1", "0 or more"),
    ("fetch_retries", "-1", f"from 0 to {MAX_FETCH_RETRIES}"),
    ("fetch_retries", str(MAX_FETCH_RETRIES + 1), f"from 0 to {MAX_FETCH_RETRIES}"),
    ("fetch_retries", "2.5", f"from 0 to {MAX_FETCH_RETRIES}"),
    ("copy_window_days", "0", "1 or more"),
    ("extract_seconds", "0", "above 0"),
    ("analyse_seconds", "-3", "above 0"),
    ("stage_memory_mb", "0", "above 0"),
    ("allow_private", "maybe", "true or false"),
    ("respect_robots", "nope", "true or false"),
    ("respect_robots", "2", "true or false"),
    ("encoder", "bert", "one of none, minilm"),
    ("user_agent", "bot\r\nX-Evil: 1", "without control characters"),
])
def test_a_bad_variable_names_setting_value_origin_and_what_is_allowed(
    monkeypatch: pytest.MonkeyPatch, name: str, value: str, allowed: str
) -> None:
    var = f"NEWSTRACE_{name.upper()}"
    monkeypatch.setenv(var, value)
    with pytest.raises(UsageError) as exc:
        load_settings()
    msg = _error(exc)
    assert f"setting {name}" in msg and repr(value) in msg and var in msg and allowed in msg


@pytest.mark.parametrize(("value", "expected"), [
    ("true", True), ("TRUE", True), ("1", True), ("yes", True), ("On", True),
    ("false", False), ("0", False), ("no", False), ("off", False), (" False ", False),
])
def test_booleans_take_the_usual_spellings(monkeypatch: pytest.MonkeyPatch, value: str, expected: bool) -> None:
    monkeypatch.setenv("NEWSTRACE_ALLOW_PRIVATE", value)
    assert load_settings().allow_private is expected


def test_good_values_pass(monkeypatch: pytest.MonkeyPatch) -> None:
    for name, value in [("FETCH_RETRIES", "0"), ("PER_HOST_DELAY", "0"), ("COPY_WINDOW_DAYS", "1"),
                        ("ENCODER", "minilm"), ("EXTRACT_SECONDS", "0.5"), ("STAGE_MEMORY_MB", "64")]:
        monkeypatch.setenv(f"NEWSTRACE_{name}", value)
    s = load_settings()
    assert (s.fetch_retries, s.per_host_delay, s.copy_window_days, s.encoder) == (0, 0.0, 1, "minilm")
    assert (s.extract_seconds, s.stage_memory_mb) == (0.5, 64)


def test_an_empty_variable_is_not_set(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NEWSTRACE_FETCH_TIMEOUT", "")
    assert load_settings().fetch_timeout == 20.0


def test_the_config_file_is_checked(tmp_path: Path) -> None:
    cfg = tmp_path / "c.toml"
    cfg.write_text('fetch_timeout = 5\nallow_private = true\nencoder = "minilm"\nextract_seconds = 10\n')
    s = load_settings(cfg)
    assert s.fetch_timeout == 5.0 and isinstance(s.fetch_timeout, float) and s.allow_private is True
    assert s.encoder == "minilm" and s.extract_seconds == 10.0
    for text, words in [
        ("fetch_timeout = 0", ["fetch_timeout", "0", str(cfg), "above 0"]),
        ("fetch_timeout = true", ["fetch_timeout", "True"]),
        ("fetch_retries = 1.5", ["fetch_retries", "1.5"]),
        ("allow_private = \"perhaps\"", ["allow_private", "'perhaps'", "true or false"]),
        ("allow_private = 7", ["allow_private", "7"]),
        ("db = 5", ["db", "5", "a file path"]),
        ("encoder = \"e5\"", ["encoder", "'e5'", "none, minilm"]),
        ("fetch_timout = 3", ["unknown setting 'fetch_timout'", str(cfg)]),
        ("[web]\nport = 1", ["unknown setting 'web'"]),
        ("this is not toml", ["not valid TOML", str(cfg)]),
    ]:
        cfg.write_text(text)
        with pytest.raises(UsageError) as exc:
            load_settings(cfg)
        msg = _error(exc)
        assert all(w in msg for w in words), (text, msg)


def test_a_missing_or_unreadable_config_file(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="does not exist"):
        load_settings(tmp_path / "missing.toml")
    with pytest.raises(UsageError, match="is a folder"):
        load_settings(tmp_path)
    (tmp_path / "bin.toml").write_bytes(b"\xff\xfe\x00=")
    with pytest.raises(UsageError, match="not valid TOML"):
        load_settings(tmp_path / "bin.toml")
    # the default file may be absent, but not broken
    assert load_settings().fetch_retries == 3
    home = tmp_path / "home"
    home.mkdir()
    (home / "config.toml").write_text("bogus = 1")
    with pytest.raises(UsageError, match="unknown setting 'bogus'"):
        load_settings()


def test_variables_win_over_the_file_and_overrides_over_both(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    cfg = tmp_path / "c.toml"
    cfg.write_text("fetch_retries = 1\ncopy_window_days = 7\n")
    monkeypatch.setenv("NEWSTRACE_FETCH_RETRIES", "2")
    s = load_settings(cfg, copy_window_days=9)
    assert (s.fetch_retries, s.copy_window_days) == (2, 9)


def test_overrides_and_replacements_are_checked_too() -> None:
    with pytest.raises(UsageError, match="setting fetch_timeout: -1 is not allowed"):
        load_settings(fetch_timeout=-1)
    with pytest.raises(UsageError, match="setting encoder"):
        load_settings(encoder="nope")
    with pytest.raises(UsageError, match="setting stage_memory_mb"):
        Settings().with_(stage_memory_mb=0)
    with pytest.raises(UsageError, match="setting respect_robots"):
        Settings(respect_robots="no")  # type: ignore[arg-type]


def test_encoder_names_match_the_encoders_known() -> None:
    from newstrace.link.encoder import ENCODERS

    assert set(ENCODER_NAMES) == {"none", *ENCODERS}
