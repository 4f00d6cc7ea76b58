"""Typed settings, built once and passed down.

Defaults, then a TOML config file (``$NEWSTRACE_HOME/config.toml`` or ``--config``), then
``NEWSTRACE_*`` environment variables, then command-line options.
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, fields, replace
from pathlib import Path
from typing import Any

from newstrace.errors import UsageError

#: Largest input read into memory. Real article pages are under 5 MB; a 200 MB "page" is an
#: error, not an article.
DEFAULT_MAX_INPUT_BYTES = 50 * 1024 * 1024


def default_home() -> Path:
    env = os.environ.get("NEWSTRACE_HOME")
    if env:
        return Path(env).expanduser()
    xdg = os.environ.get("XDG_DATA_HOME")
    base = Path(xdg).expanduser() if xdg else Path.home() / ".local" / "share"
    return base / "newstrace"


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

    def with_(self, **changes: Any) -> Settings:
        return replace(self, **{k: v for k, v in changes.items() if v is not None})


def _coerce(name: str, value: str, current: Any) -> Any:
    if isinstance(current, bool):
        return value.strip().lower() in ("1", "true", "yes", "on")
    if isinstance(current, int):
        return int(value)
    if isinstance(current, float):
        return float(value)
    if isinstance(current, Path):
        return Path(value).expanduser()
    return value


def load_settings(config_file: Path | None = None, **overrides: Any) -> Settings:
    """Build settings: defaults < config file < NEWSTRACE_* variables < overrides."""
    home = default_home()
    s = Settings(db=home / "newstrace.db")
    path = config_file or home / "config.toml"
    values: dict[str, Any] = {}
    if path.is_file():
        try:
            values.update(tomllib.loads(path.read_text("utf-8")))
        except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
            raise UsageError(f"config file {path} is not valid TOML: {exc}") from exc
    for f in fields(Settings):
        env = os.environ.get(f"NEWSTRACE_{f.name.upper()}")
        if env:  # an empty variable means "not set"
            values[f.name] = env
    for f in fields(Settings):
        if f.name in values:
            raw = values[f.name]
            cur = getattr(s, f.name)
            try:
                val = _coerce(f.name, raw, cur) if isinstance(raw, str) else raw
            except ValueError as exc:
                raise UsageError(f"setting {f.name}: {raw!r} is not a valid value") from exc
            s = replace(s, **{f.name: Path(val) if isinstance(cur, Path) else val})
    return s.with_(**overrides)
