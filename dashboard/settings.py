"""Every setting in one table: name, default, help. Read from DASHBOARD_* env vars.

A setting's type is its default's type (str, int or float), as in datasette: `get()` returns
a value of that type, and a value that does not read as one is a one-line error naming the
variable. README lists the same table; tests/test_architecture.py keeps the two in step.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

Value = str | int | float


@dataclass(frozen=True)
class Setting:
    name: str
    default: Value
    help: str

    @property
    def env(self) -> str:
        return "DASHBOARD_" + self.name.upper()


SETTINGS: tuple[Setting, ...] = (
    Setting(
        "data_dir",
        "data",
        "Folder of the source files (election.toml, candidates.csv, "
        "results.csv, people.csv, camps.csv, outlets.csv, stance_rules.csv).",
    ),
    Setting("store_dir", "", "Folder of the Parquet store; empty means `<data_dir>/store`."),
    Setting("raw_dir", "", "Archive of raw feed payloads; empty means `<data_dir>/raw`."),
    Setting("cache_ttl", 30, "Seconds the app keeps data read from the store (per process)."),
    Setting("live_every", 10, "Seconds between refreshes of the live panel."),
    Setting(
        "public_every",
        10,
        "Seconds between two polls of `data/latest.json` by the public site's optional script.",
    ),
    Setting(
        "stale_after", 120, "Seconds after which the live panel says the source is interrupted."
    ),
    Setting(
        "embargo_until",
        "",
        "ISO time, or HH:MM (Paris time, on the round's election day), before which candidates' "
        "shares and votes are hidden on every surface; empty means no embargo.",
    ),
    Setting(
        "embargo_clock",
        "system",
        "`system`: the embargo is judged on this machine's clock; `feed`: on the feed's clock "
        "recorded by the watcher (the replay server's, for a rehearsal on past data).",
    ),
    Setting("feed_connect_timeout", 3.05, "Seconds to open a connection to the feed."),
    Setting("feed_read_timeout", 5.0, "Seconds of silence allowed while the feed answers."),
    Setting(
        "feed_retries",
        2,
        "Extra attempts on connection errors, timeouts and HTTP 500/502/503/504.",
    ),
    Setting("feed_backoff", 0.5, "Backoff factor between attempts (urllib3 Retry; 0 = no wait)."),
    Setting(
        "desk",
        "off",
        "`on` enables the newsroom desk behind the password in secrets "
        "(`desk_password`); ignored when st.login is configured.",
    ),
    Setting(
        "desk_attempts",
        5,
        "Failed desk password attempts allowed per 5 minutes, per client address and per name.",
    ),
    Setting("upload_limit_mb", 5, "Largest file accepted on the desk, in MB."),
    Setting("credit", "Rédaction", "Credit line printed on exported images."),
    Setting("logo", "", "Path of a PNG/SVG logo printed on exported images (optional)."),
)

_BY_NAME = {s.name: s for s in SETTINGS}


def get(name: str) -> Value:
    """The setting's value, of its default's type: the env var when set, else the default."""
    setting = _BY_NAME[name]
    text = os.environ.get(setting.env)
    if text is None:
        return setting.default
    kind = type(setting.default)
    if kind is str:
        return text
    try:
        return kind(text.strip())
    except ValueError:
        from dashboard.errors import DashboardError

        word = "a whole number" if kind is int else "a number"
        raise DashboardError(f"{setting.env} must be {word}, got {text!r}") from None


def get_str(name: str) -> str:
    return str(get(name))


def get_int(name: str) -> int:
    return int(get(name))


def get_float(name: str) -> float:
    return float(get(name))


def data_dir() -> Path:
    return Path(get_str("data_dir"))


def store_dir() -> Path:
    return Path(get_str("store_dir") or data_dir() / "store")


def raw_dir() -> Path:
    return Path(get_str("raw_dir") or data_dir() / "raw")
