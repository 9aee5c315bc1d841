"""Every setting in one table: name, default, help. Read from DASHBOARD_* env vars.

A setting's type is its default's type (str, int or float), as in datasette: `get()` returns
a value of that type, and a value that does not read as one is a one-line error naming the
variable. README lists the same table; tests/test_architecture.py keeps the two in step.
"""

from __future__ import annotations

import functools
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
        "Root folder of the elections: `elections.toml` (the list, in display order, and the "
        "default) and one folder `elections/<id>/` per election (election.toml, candidates.csv, "
        "results.csv, people.csv, camps.csv, outlets.csv, stance_rules.csv).",
    ),
    Setting(
        "election",
        "",
        "Id of the election shown and written (a folder of `<data_dir>/elections/`); empty "
        "means the `default` of `<data_dir>/elections.toml`.",
    ),
    Setting(
        "store_dir",
        "",
        "Folder of the Parquet store; empty means `<data_dir>/elections/<election>/store`.",
    ),
    Setting(
        "raw_dir",
        "",
        "Archive of raw feed payloads; empty means `<data_dir>/elections/<election>/raw`.",
    ),
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
    """The root folder of the elections (`DASHBOARD_DATA_DIR`)."""
    return Path(get_str("data_dir"))


# data/elections.toml: the elections of this checkout in display order, and the default.
ELECTIONS_FILE = "elections.toml"


def _catalogue(root: Path) -> dict:
    from dashboard.errors import SourceError

    path = root / ELECTIONS_FILE
    try:
        stat = path.stat()
    except FileNotFoundError:
        raise SourceError("fichier introuvable", path=str(path)) from None
    # Every page run asks for the election's folder dozens of times: the file is read again
    # only when it changed.
    return _read_catalogue(str(path), stat.st_mtime_ns, stat.st_size)


@functools.lru_cache(maxsize=8)
def _read_catalogue(name: str, mtime_ns: int, size: int) -> dict:
    import tomllib

    from dashboard.errors import SourceError

    path = Path(name)
    try:
        doc = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise SourceError("fichier introuvable", path=str(path)) from None
    except (UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise SourceError(f"TOML UTF-8 illisible ({exc})", path=str(path)) from None
    ids = [str(e.get("id", "")) for e in doc.get("elections", []) if isinstance(e, dict)]
    if not ids or "" in ids:
        raise SourceError("chaque [[elections]] doit avoir un 'id'", path=str(path))
    if str(doc.get("default", "")) not in ids:
        raise SourceError(
            f"'default' doit être l'une des élections ({', '.join(ids)})", path=str(path)
        )
    return {"ids": ids, "default": str(doc["default"])}


def single_election(root: Path) -> bool:
    """A folder without elections.toml is one election's folder (its election.toml, csv
    files): a copy of one election's files (tests, `data build --data-dir`) still works."""
    return not (root / ELECTIONS_FILE).exists()


def election_ids(root: Path | None = None) -> list[str]:
    """The elections of `root` (default: data_dir) in display order."""
    root = data_dir() if root is None else Path(root)
    if single_election(root):
        return []
    return list(_catalogue(root)["ids"])


def default_election(root: Path | None = None) -> str:
    """The election shown when none is asked for: `default` of elections.toml."""
    root = data_dir() if root is None else Path(root)
    return str(_catalogue(root)["default"])


def check_election(election: str, root: Path | None = None) -> str:
    """`election` if `root` lists it; else the one-line error listing the known ids."""
    from dashboard.errors import DashboardError

    ids = election_ids(root)
    if election not in ids:
        known = ", ".join(ids) or "aucune"
        raise DashboardError(f"élection inconnue {election!r} (élections connues : {known})")
    return election


def election_id(root: Path | None = None) -> str:
    """The id of the election asked for (`DASHBOARD_ELECTION`, else the default)."""
    root = data_dir() if root is None else Path(root)
    return check_election(get_str("election") or default_election(root), root)


def election_dir(root: Path | None = None, election: str | None = None) -> Path:
    """The folder of one election's source files: `<root>/elections/<id>/` (`root` defaults
    to data_dir, `election` to the setting, then the default). A folder that is itself one
    election's (see single_election) is returned as it is."""
    root = data_dir() if root is None else Path(root)
    try:
        stat = os.stat(root / ELECTIONS_FILE)
        stamp: tuple[int, int] | None = (stat.st_mtime_ns, stat.st_size)
    except FileNotFoundError:
        stamp = None
    # Asked dozens of times per page run: worked out again only when an input changed.
    return _election_dir(str(root), election or "", get_str("election"), stamp)


@functools.lru_cache(maxsize=64)
def _election_dir(
    root_name: str, election: str, setting: str, stamp: tuple[int, int] | None
) -> Path:
    root = Path(root_name)
    if stamp is None:  # no elections.toml: one election's folder (see single_election)
        return root
    chosen = check_election(election, root) if election else election_id(root)
    return root / "elections" / chosen


def store_dir() -> Path:
    return Path(get_str("store_dir") or election_dir() / "store")


def raw_dir() -> Path:
    return Path(get_str("raw_dir") or election_dir() / "raw")
