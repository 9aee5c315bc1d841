"""Payloads a watcher refused, remembered so that a bad document costs one line per poll and
never a crash loop.

Whatever a payload makes go wrong while it is read — a parse error, a value out of range, an
overflow, a RecursionError, a refusal by validation — `guard` turns it into one `FeedError`
line naming the payload's raw-archive name, and remembers the payload (its SHA-256 and its
validators, ETag / Last-Modified) in `feed_quarantine.json` beside the feed status. The next
poll sends that payload's validators, so an unchanged bad document costs a 304; a server
without validators sends it again, and its hash says it is the same. Either way it is not read
again — in this process or in a restarted watcher — and the poll says "déjà refusé".

A broken store (StoreError, OSError: a full disk, a corrupt table) is not the payload's fault:
it is not remembered, and the next poll reads the payload again.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from dashboard.errors import DashboardError, FeedError, StoreError
from dashboard.feed.http import FetchResult, Validators, read_state, update_state

QUARANTINE_FILE = "feed_quarantine.json"
KEEP = 50  # refused payloads remembered per URL (the oldest are forgotten)


@dataclass(frozen=True)
class Refused:
    """One payload a watcher refused."""

    sha256: str
    etag: str | None
    last_modified: str | None
    raw: str | None  # its file name in the raw archive
    error: str  # the one line it caused
    at: str  # when it was first refused (ISO, UTC)

    @property
    def validators(self) -> Validators:
        return Validators(self.etag, self.last_modified)

    def again(self) -> FeedError:
        """The error of a poll that met this payload again."""
        return FeedError(f"document déjà refusé, toujours servi ({self._archive()}) : {self.error}")

    def _archive(self) -> str:
        return f"archive {self.raw}" if self.raw else "pas d'archive"


def _entry(state_dir: Path, url: str) -> dict[str, Any]:
    entry = read_state(Path(state_dir) / QUARANTINE_FILE).get(url)
    return entry if isinstance(entry, dict) else {}


def _refused(entry: dict[str, Any]) -> list[Refused]:
    out = []
    for item in entry.get("refused") or []:
        try:
            out.append(Refused(**{k: item.get(k) for k in Refused.__dataclass_fields__}))
        except (TypeError, AttributeError):
            continue  # a hand-edited or older file: forget that item, never stop polling
    return out


def current(state_dir: Path, url: str) -> Refused | None:
    """The refused payload `url` served at the last poll, if it was one (its validators are
    then sent, so that a 304 means "still that payload")."""
    entry = _entry(state_dir, url)
    sha = entry.get("current")
    return next((r for r in _refused(entry) if r.sha256 == sha), None)


def request_validators(state_dir: Path, url: str, committed: Validators) -> Validators:
    """What to send: the validators of the refused payload still served, if it had any,
    else those of the last payload handled (`committed`)."""
    refused = current(state_dir, url)
    if refused is not None and (refused.etag or refused.last_modified):
        return refused.validators
    return committed


def digest(payload: bytes) -> str:
    return hashlib.sha256(payload).hexdigest()


def check(state_dir: Path, fetched: FetchResult, sent: Validators) -> None:
    """Raise the "déjà refusé" FeedError when `fetched` is a payload refused before: a 304
    to the validators of a refused payload, or a 200 whose body (or strong ETag) is one."""
    entry = _entry(state_dir, fetched.url)
    refused = _refused(entry)
    if fetched.status == 304:
        held = current(state_dir, fetched.url)
        if held is not None and held.validators == sent:
            raise held.again()
        return
    if fetched.status != 200 or fetched.payload is None:
        return
    sha = digest(fetched.payload)
    strong = fetched.etag if fetched.etag and not fetched.etag.startswith("W/") else None
    for item in refused:
        if item.sha256 == sha or (strong is not None and item.etag == strong):
            _set_current(state_dir, fetched.url, item.sha256)
            raise item.again()


def _set_current(state_dir: Path, url: str, sha: str | None) -> None:
    def change(old: Any) -> dict[str, Any]:
        entry = old if isinstance(old, dict) else {}
        return {**entry, "current": sha}

    update_state(Path(state_dir) / QUARANTINE_FILE, url, change, "refused-payload list")


def release(state_dir: Path, url: str) -> None:
    """The feed served a payload that was handled: no refused payload is current any more."""
    if _entry(state_dir, url).get("current") is not None:
        _set_current(state_dir, url, None)


def remember(state_dir: Path, fetched: FetchResult, error: str) -> Refused:
    """Add `fetched`'s payload to the refused ones of its URL, as the current one."""
    refused = Refused(
        sha256=digest(fetched.payload or b""),
        etag=fetched.etag,
        last_modified=fetched.last_modified,
        raw=fetched.raw_path.name if fetched.raw_path is not None else None,
        error=error,
        at=datetime.now(tz=UTC).isoformat(),
    )

    def change(old: Any) -> dict[str, Any]:
        entry = old if isinstance(old, dict) else {}
        kept = [r for r in _refused(entry) if r.sha256 != refused.sha256][-(KEEP - 1) :]
        return {"current": refused.sha256, "refused": [*map(asdict, kept), asdict(refused)]}

    update_state(Path(state_dir) / QUARANTINE_FILE, fetched.url, change, "refused-payload list")
    return refused


def one_line(exc: BaseException) -> str:
    """An exception as one line: our messages as they are, others prefixed by their type."""
    text = " ".join(str(exc).split())[:300]
    return text if isinstance(exc, DashboardError) else f"{type(exc).__name__}: {text}"


@contextmanager
def guard(state_dir: Path, fetched: FetchResult) -> Iterator[None]:
    """Run the reading of `fetched`'s payload: any failure it causes becomes one FeedError
    naming the archived payload, which is remembered (see the module docstring). A broken
    store, and the operator's Ctrl-C, go through untouched."""
    try:
        yield
    except (StoreError, OSError):
        raise
    except Exception as exc:  # anything a document can make go wrong
        error = one_line(exc)
        refused = remember(state_dir, fetched, error)
        raise FeedError(f"document refusé ({refused._archive()}) : {error}") from exc
