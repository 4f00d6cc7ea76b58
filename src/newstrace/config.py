"""Typed settings, built once and passed down.

Defaults, then a TOML config file (``$NEWSTRACE_HOME/config.toml`` or ``--config``), then
``NEWSTRACE_*`` environment variables, then command-line options. Every value is checked
when the settings are built (:meth:`Settings.__post_init__`): a number out of range, a
boolean that is not one, an unknown encoder or an unknown key in the config file is a
:class:`~newstrace.errors.UsageError` naming the setting, the value and what is allowed,
before any work starts.
"""

from __future__ import annotations

import math
import os
import tomllib
from collections.abc import Callable
from dataclasses import dataclass, fields, replace
from pathlib import Path
from typing import Any

from newstrace.errors import UsageError

#: Largest input read into memory. Real article pages are under 5 MB; a 200 MB "page" is an
#: error, not an article.
DEFAULT_MAX_INPUT_BYTES = 50 * 1024 * 1024
#: Sentence encoders a store can be linked with: "none", and the names
#: :data:`newstrace.link.encoder.ENCODERS` knows (kept equal by a test; listed here so that
#: building settings imports nothing heavy).
ENCODER_NAMES = ("none", "minilm")
#: Most retries of one HTTP request: more only hammers a host that is down.
MAX_FETCH_RETRIES = 10
#: Spellings of a boolean in a config file or a NEWSTRACE_* variable (any case).
TRUE_WORDS = ("true", "1", "yes", "on")
FALSE_WORDS = ("false", "0", "no", "off")


def default_home() -> Path:
    env = os.environ.get("NEWSTRACE_HOME")
    if env:
        return Path(env).expanduser()
    xdg = os.environ.get("XDG_DATA_HOME")
    base = Path(xdg).expanduser() if xdg else Path.home() / ".local" / "share"
    return base / "newstrace"


def demo_db() -> Path:
    """The store ``newstrace demo`` fills when no ``--db`` is given: apart from the user's own."""
    return default_home() / "demo.db"


@dataclass(frozen=True)
class Settings:
    #: the SQLite file of the store
    db: Path = Path()
    max_input_bytes: int = DEFAULT_MAX_INPUT_BYTES
    user_agent: str = "newstrace/0.1 (+https://example.invalid/newstrace; research crawler)"
    #: seconds for connect/read of one HTTP request
    fetch_timeout: float = 20.0
    #: seconds between two requests to the same host
    per_host_delay: float = 1.0
    fetch_retries: int = 3
    #: refuse private, loopback and link-local addresses unless set
    allow_private: bool = False
    respect_robots: bool = True
    #: days of recent articles the copy finder keeps in memory: a copy published more than
    #: this long after its original is not found (syndication happens within days)
    copy_window_days: int = 30
    #: sentence encoder used when grouping claims: "none", or "minilm" (needs the embed extra)
    encoder: str = "none"
    #: seconds one input may spend in extraction, and in analysis (claims); past it the input
    #: is recorded as failed ("too-slow") and the run goes on. A real page extracts in well
    #: under a second and analyses in a few; these leave room for very long articles.
    extract_seconds: float = 60.0
    analyse_seconds: float = 180.0
    #: memory (MiB) one input may add to its worker process in any stage; past it the input
    #: is recorded as failed ("too-large") and the worker is replaced
    stage_memory_mb: int = 2048
    #: worker processes that extract and analyse inputs side by side (storing and linking
    #: stay in input and publication order, so results are the same with any number);
    #: 0: one per core of the machine
    workers: int = 0

    def __post_init__(self) -> None:
        for f in fields(self):
            _check(f.name, getattr(self, f.name))

    @property
    def worker_count(self) -> int:
        """Worker processes to start: ``workers``, or one per core when it is 0."""
        return self.workers or max(1, os.cpu_count() or 1)

    def with_(self, **changes: Any) -> Settings:
        return replace(self, **{k: v for k, v in changes.items() if v is not None})


# -- what each setting allows -------------------------------------------------------------


#: The most worker processes one ingest starts (each holds the models: hundreds of MiB).
MAX_WORKERS = 64


def _positive(v: float) -> bool:
    return v > 0


def _not_negative(v: float) -> bool:
    return v >= 0


#: setting -> (test of its value, what is allowed as said to the user)
_RANGES: dict[str, tuple[Callable[[float], bool], str]] = {
    "max_input_bytes": (_positive, "a whole number of bytes above 0"),
    "fetch_timeout": (_positive, "a number of seconds above 0"),
    "per_host_delay": (_not_negative, "a number of seconds, 0 or more"),
    "fetch_retries": (lambda v: 0 <= v <= MAX_FETCH_RETRIES, f"a whole number from 0 to {MAX_FETCH_RETRIES}"),
    "copy_window_days": (lambda v: v >= 1, "a whole number of days, 1 or more"),
    "extract_seconds": (_positive, "a number of seconds above 0"),
    "analyse_seconds": (_positive, "a number of seconds above 0"),
    "stage_memory_mb": (_positive, "a whole number of MiB above 0"),
    "workers": (lambda v: 0 <= v <= MAX_WORKERS, f"a whole number from 0 (one per core) to {MAX_WORKERS}"),
}
_KINDS: dict[str, type] = {f.name: Path if isinstance(f.default, Path) else type(f.default) for f in fields(Settings)}


def _allowed(name: str) -> str:
    kind = _KINDS[name]
    if kind is bool:
        return "true or false (also 1/0, yes/no, on/off)"
    if name in _RANGES:
        return _RANGES[name][1]
    if name == "encoder":
        return "one of " + ", ".join(ENCODER_NAMES)
    if name == "user_agent":
        return "a non-empty line of text without control characters"
    return "a file path"


def _valid(name: str, value: Any) -> bool:
    """Whether ``value`` is a valid (already typed) value of setting ``name``."""
    kind = _KINDS[name]
    if kind is bool:
        return isinstance(value, bool)
    if kind is int or kind is float:
        ok_type = isinstance(value, int) if kind is int else isinstance(value, (int, float))
        return (ok_type and not isinstance(value, bool) and math.isfinite(value)
                and _RANGES[name][0](value))
    if name == "encoder":
        return value in ENCODER_NAMES
    if name == "user_agent":
        return isinstance(value, str) and bool(value.strip()) and not any(ord(c) < 32 or ord(c) == 127 for c in value)
    return isinstance(value, Path) and bool(str(value).strip())


def _bad(name: str, value: Any, origin: str | None = None) -> UsageError:
    where = f" ({origin})" if origin else ""
    return UsageError(f"setting {name}{where}: {value!r} is not allowed: it must be {_allowed(name)}")


def _check(name: str, value: Any) -> None:
    if not _valid(name, value):
        raise _bad(name, value)


def _coerce(name: str, value: Any) -> Any:
    """A value from the config file (any TOML type) or a variable (a string) as the setting's
    type; its range is checked when the settings are built."""
    kind = _KINDS[name]
    if kind is bool:
        if isinstance(value, bool):
            return value
        if isinstance(value, int) and value in (0, 1):
            return bool(value)
        if isinstance(value, str) and value.strip().lower() in TRUE_WORDS + FALSE_WORDS:
            return value.strip().lower() in TRUE_WORDS
        raise _bad(name, value)
    if kind is int or kind is float:
        if isinstance(value, str):
            try:
                number: Any = int(value.strip()) if kind is int else float(value.strip())
            except ValueError:
                raise _bad(name, value) from None
            return number
        if isinstance(value, bool) or not isinstance(value, (int, float)) or (kind is int and isinstance(value, float)):
            raise _bad(name, value)
        return float(value) if kind is float else value
    if not isinstance(value, str):
        raise _bad(name, value)
    if kind is Path:
        if not value.strip():
            raise _bad(name, value)
        return Path(value).expanduser()
    return value.strip() if name == "encoder" else value


def _read_config(path: Path, explicit: bool) -> dict[str, Any]:
    """The settings in a TOML file; a missing default file is no settings, a missing
    ``--config`` file an error."""
    if not path.exists():
        if explicit:
            raise UsageError(f"config file {path} does not exist: check the path given to --config")
        return {}
    if path.is_dir():
        raise UsageError(f"config file {path} is a folder: give the path of a TOML file")
    try:
        values = tomllib.loads(path.read_text("utf-8"))
    except OSError as exc:
        raise UsageError(f"config file {path} cannot be read: {exc.strerror or exc}") from exc
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise UsageError(f"config file {path} is not valid TOML: {exc}") from exc
    unknown = [k for k in values if k not in _KINDS]
    if unknown:
        raise UsageError(f"config file {path}: unknown setting {unknown[0]!r}; the settings are "
                         + ", ".join(_KINDS))
    return values


def load_settings(config_file: Path | None = None, **overrides: Any) -> Settings:
    """Build settings: defaults < config file < NEWSTRACE_* variables < overrides, each
    value checked (a UsageError naming the setting, the value and what is allowed)."""
    home = default_home()
    path = config_file or home / "config.toml"
    values: dict[str, tuple[Any, str]] = {
        k: (v, f"config file {path}") for k, v in _read_config(path, config_file is not None).items()
    }
    for name in _KINDS:
        var = f"NEWSTRACE_{name.upper()}"
        env = os.environ.get(var)
        if env:  # an empty variable means "not set"
            values[name] = (env, var)
    typed: dict[str, Any] = {"db": home / "newstrace.db"}
    for name, (raw, origin) in values.items():
        try:
            typed[name] = _coerce(name, raw)
        except UsageError:
            raise _bad(name, raw, origin) from None
        if not _valid(name, typed[name]):
            raise _bad(name, raw, origin)
    typed.update({k: Path(v) if k == "db" and isinstance(v, str) else v
                  for k, v in overrides.items() if v is not None})
    return Settings(**typed)
