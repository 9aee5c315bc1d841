"""Follow a results feed: poll once, or watch (poll every N seconds), as the store's one writer.

A poll is: fetch (conditional; the payload archived raw first) → parse → validate → store a new
snapshot only when the document is one we do not have. Whatever happens, the poll ends by
writing a `FeedStatus` beside the store (`feed_status.json`, atomically), which is all the app —
a separate, read-only process — needs for "mis à jour à HH:MM:SS" and the stale banner.

Faults never cost the last valid figures: a refused connection, a timeout, a 5xx, malformed
JSON or a wrong schema store nothing (the Parquet files are untouched); a document that is
well-formed but wrong — counts going down, shares contradicting its votes, arriving out of
order, from a previous round while a later one is under way — is stored *flagged*, which the
views never show as current.
"""

from __future__ import annotations

import fcntl
import json
import os
import re
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pandas as pd
import requests

from dashboard import settings
from dashboard.election import election_of, load_election
from dashboard.errors import DashboardError, FeedError
from dashboard.feed import quarantine
from dashboard.feed.http import (
    FetchResult,
    Validators,
    check_url,
    fetch,
    load_validators,
    save_validators,
)
from dashboard.fr import PARIS
from dashboard.model import CANDIDATES, to_table
from dashboard.results import verdict as judged
from dashboard.results.embargo import FEED_STATUS_FILE
from dashboard.results.record import load_areas
from dashboard.store import Store, write_bytes_atomic

STATUS_FILE = FEED_STATUS_FILE  # the embargo reads its `source_clock`
BLOG_STATUS_FILE = "liveblog_status.json"
WRITER_LOCK = ".feed-writer.lock"  # not the store's own ".lock": flock is per open file
BLOG_WRITER_LOCK = ".liveblog-writer.lock"
BLOG_ACCEPT = "application/ld+json, application/json;q=0.9, text/html;q=0.8, text/plain;q=0.7"

# Outcomes of a poll, as logged and as written to the status file.
NEW, UNCHANGED, FLAGGED, EMPTY, ERROR = "nouveau", "inchangé", "signalé", "vide", "erreur"


# --- the status file the app reads ---------------------------------------------------------


def _iso(moment: datetime | None) -> str | None:
    return None if moment is None else moment.astimezone(UTC).isoformat()


def _time(text: Any) -> datetime | None:
    if not text:
        return None
    moment = datetime.fromisoformat(str(text))
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


@dataclass
class FeedStatus:
    """The last poll of the feed, as the watcher left it (times are aware, UTC)."""

    url: str
    last_poll_at: datetime | None = None
    last_ok_at: datetime | None = None  # last poll at which the feed answered usably
    last_http_status: int | None = None
    last_outcome: str | None = None  # nouveau | inchangé | signalé | vide | erreur
    last_error: str | None = None  # one line; None once a poll succeeds again
    last_error_raw: str | None = None  # raw-archive name of the payload behind last_error
    last_snapshot_id: str | None = None  # the feed's current snapshot, as last read
    last_flags: list[str] = field(default_factory=list)  # of the last document stored flagged
    consecutive_errors: int = 0
    polls: int = 0
    every_seconds: float | None = None
    writer_pid: int | None = None
    source_clock: str | None = None  # the feed's own clock at the last answer (ISO), if sent

    def age(self, now: datetime | None = None) -> float | None:
        """Seconds since the feed last answered usably (None: never)."""
        if self.last_ok_at is None:
            return None
        now = now or datetime.now(tz=UTC)
        return max((now - self.last_ok_at).total_seconds(), 0.0)

    def is_stale(self, now: datetime | None = None, stale_after: float | None = None) -> bool:
        """True when the feed has not answered usably for `stale_after` seconds (setting
        `stale_after` by default) — whether the feed is down or the watcher has stopped."""
        limit = settings.get_int("stale_after") if stale_after is None else stale_after
        age = self.age(now)
        return age is None or age > limit

    def updated_text(self) -> str:
        """ "mis à jour à 23:51:05" (Paris time), or "jamais mis à jour"."""
        if self.last_ok_at is None:
            return "jamais mis à jour"
        return f"mis à jour à {self.last_ok_at.astimezone(PARIS):%H:%M:%S}"

    def to_json(self) -> bytes:
        data = asdict(self)
        for key in ("last_poll_at", "last_ok_at"):
            data[key] = _iso(data[key])
        return json.dumps(data, ensure_ascii=False, indent=2).encode("utf-8")

    @classmethod
    def from_json(cls, data: bytes | str) -> FeedStatus:
        raw = json.loads(data)
        known = {k: raw.get(k) for k in cls.__dataclass_fields__ if k in raw}
        for key in ("last_poll_at", "last_ok_at"):
            known[key] = _time(known.get(key))
        known["last_flags"] = list(known.get("last_flags") or [])
        known["consecutive_errors"] = int(known.get("consecutive_errors") or 0)
        known["polls"] = int(known.get("polls") or 0)
        return cls(**known)


def status_path(store_dir: Path | None = None, name: str = STATUS_FILE) -> Path:
    return Path(store_dir or settings.store_dir()) / name


def read_status(store_dir: Path | None = None, name: str = STATUS_FILE) -> FeedStatus | None:
    """The feed status (None when no watcher ever ran here, or the file is unreadable).
    `name=BLOG_STATUS_FILE` reads the live-blog watcher's."""
    try:
        return FeedStatus.from_json(status_path(store_dir, name).read_bytes())
    except (OSError, ValueError, TypeError, KeyError):
        return None


def write_status(store_dir: Path, status: FeedStatus, name: str = STATUS_FILE) -> None:
    write_bytes_atomic(status_path(store_dir, name), status.to_json())


# --- one poll ------------------------------------------------------------------------------


@dataclass
class PollResult:
    url: str
    polled_at: datetime
    outcome: str
    http_status: int | None = None
    snapshot_id: str | None = None
    round: int | None = None
    flags: list[str] = field(default_factory=list)
    error: str | None = None
    raw_path: Path | None = None
    entries_added: int = 0  # live-blog polls only
    entries_updated: int = 0
    note: str | None = None  # what the media feed's index said
    areas: str | None = None  # a document of areas: which ("5 zones, tour 1")
    refused_raw: str | None = None  # archive name of a payload refused by this poll

    @property
    def ok(self) -> bool:
        return self.outcome != ERROR

    def line(self) -> str:
        """One log line: "12:03:35 200 nouveau relevé t2-2350"."""
        clock = f"{self.polled_at.astimezone(PARIS):%H:%M:%S}"
        if self.outcome == ERROR:
            return f"{clock} erreur: {self.error}"
        code = "" if self.http_status is None else f"{self.http_status} "
        what = f"relevé {self.snapshot_id}" if self.snapshot_id else ""
        if self.areas:
            what += f" ({self.areas})"
        if self.outcome == NEW and self.snapshot_id is None:  # a live blog
            return (
                f"{clock} {code}{self.entries_added} nouvelle(s) entrée(s), "
                f"{self.entries_updated} modifiée(s)"
            )
        index = f" (index : {self.note})" if self.note else ""
        if self.outcome == NEW:
            return f"{clock} {code}nouveau {what}".rstrip() + index
        if self.outcome == FLAGGED:
            return f"{clock} {code}{what} signalé : {' ; '.join(self.flags)}{index}"
        if self.outcome == EMPTY:
            return f"{clock} {code}aucun relevé publié{index}"
        return f"{clock} {code}inchangé{index}"


def ensure_candidates(store: Store, data_dir: Path) -> pd.DataFrame:
    """The candidates table of the store; a fresh store gets it from `data_dir/candidates.csv`
    (a live store starts empty so the night can unfold in it)."""
    if not store.exists("candidates"):
        from dashboard.results.sources import parse_candidates_csv

        table = to_table(parse_candidates_csv(Path(data_dir) / "candidates.csv"), CANDIDATES)
        with store.lock():
            if not store.exists("candidates"):
                store.replace("candidates", table, CANDIDATES)
    return store.read_df("candidates", CANDIDATES)


def poll_once(
    url: str,
    *,
    store: Store | None = None,
    data_dir: Path | None = None,
    raw_dir: Path | None = None,
    session: requests.Session | None = None,
    timeout: tuple[float, float] | None = None,
    election_id: str | None = None,
    every: float | None = None,
    as_of: datetime | None = None,
    round_: int | None = None,
) -> PollResult:
    """One poll of `url` into the store; never raises for a feed or data fault (the result
    and the status file say what went wrong). The validators (ETag, Last-Modified) are
    committed only once the payload was stored or found unchanged, so a payload that could
    not be handled is downloaded again next time rather than hidden behind a 304.

    What is stored is decided by `results.verdict.decide`, the decision `results validate`
    prints. The media feed's index is followed to the national document beside it, dated by
    the index; `as_of`/`round_` stand in for what a ministry file does not say."""
    store = store or Store(settings.store_dir())
    data_dir = Path(data_dir or settings.election_dir())
    raw_dir = Path(raw_dir or settings.raw_dir())
    # The election shown is the one of data/election.toml: its id, rounds and dates.
    election = load_election(data_dir / "election.toml")
    election_id = election_id or election.id
    previous = read_status(store.root)
    status = previous if previous is not None and previous.url == url else FeedStatus(url)
    result = PollResult(url, datetime.now(tz=UTC), ERROR)
    try:
        sent = quarantine.request_validators(store.root, url, load_validators(store.root, url))
        fetched = fetch(
            url,
            raw_dir=raw_dir,
            validators=sent,
            session=session,
            timeout=timeout,
        )
        result.polled_at, result.http_status = fetched.fetched_at, fetched.status
        if fetched.source_clock:
            status.source_clock = fetched.source_clock
        result.raw_path = fetched.raw_path
        _check_refused(store.root, fetched, sent, result)
        if fetched.status == 304:
            result.outcome, result.snapshot_id = UNCHANGED, status.last_snapshot_id
        elif fetched.status == 204:
            result.outcome = EMPTY
        else:
            candidates = ensure_candidates(store, data_dir)
            with _refusing(store.root, fetched, result):
                payload = judged.read_payload(
                    fetched.payload or b"",
                    candidates=candidates,
                    source=url,
                    election_id=election_id,
                    content_type=fetched.content_type,
                    name=url,
                    as_of=as_of,
                    round_=round_,
                )
            source, read = url, fetched  # the payload whose documents are judged
            if payload.index is not None:  # the media feed's index: on to its FE.xml
                index, source = payload.index, payload.index.national_url(url)
                national = fetch(
                    source,
                    raw_dir=raw_dir,
                    validators=load_validators(store.root, source),
                    session=session,
                    timeout=timeout,
                )
                result.raw_path, result.note = national.raw_path, index.summary()
                if national.status in (204, 304):
                    result.outcome = EMPTY if national.status == 204 else UNCHANGED
                    result.snapshot_id = status.last_snapshot_id
                    payload = None
                else:
                    read = national
                    with _refusing(store.root, national, result):
                        payload = judged.read_payload(
                            national.payload or b"",
                            candidates=candidates,
                            source=source,
                            election_id=election_id,
                            content_type=national.content_type,
                            name=source,
                            as_of=index.latest() or as_of,
                            status=index.status(),
                        )
            if payload is not None:
                with _refusing(store.root, read, result):
                    verdicts = judged.record(
                        store,
                        payload.documents,
                        candidates=candidates,
                        election_id=election_id,
                        where=source,
                        election=election,
                        areas=load_areas(data_dir),
                    )
                    _outcome(result, verdicts, source)
            if payload is not None and source != url and national.status == 200:
                save_validators(store.root, source, national.validators)
        if fetched.status == 200:
            save_validators(store.root, url, fetched.validators)
            quarantine.release(store.root, url)
    except (DashboardError, OSError) as exc:
        # OSError: a full or read-only disk under the store or archive — an outage too.
        result.outcome, result.error = ERROR, _one_line(exc)
    _update_status(store.root, status, result, every)
    return result


def _check_refused(
    state_dir: Path, fetched: FetchResult, sent: Validators, result: PollResult
) -> None:
    """A payload refused before is not read again: the poll fails at once, in one line."""
    try:
        quarantine.check(state_dir, fetched, sent)
    except FeedError:
        held = quarantine.current(state_dir, fetched.url)
        result.refused_raw = held.raw if held is not None else None
        raise


@contextmanager
def _refusing(state_dir: Path, fetched: FetchResult, result: PollResult) -> Iterator[None]:
    """quarantine.guard, noting on `result` the archive name of a payload it refuses."""
    try:
        with quarantine.guard(state_dir, fetched):
            yield
    except FeedError:
        result.refused_raw = fetched.raw_path.name if fetched.raw_path is not None else None
        raise


def _outcome(result: PollResult, verdicts: list[judged.Verdict], source: str) -> None:
    """The poll's outcome from the verdict on its document: a national one, or the payload's
    areas judged as one snapshot (a file of départements, a département's XML)."""
    refused = [v for v in verdicts if v.outcome == judged.REFUSED]
    if refused:
        raise FeedError(f"{source}: {' ; '.join(refused[0].reasons)}")
    (verdict,) = verdicts
    if verdict.areas:
        result.areas = verdict.label
    result.snapshot_id, result.round = verdict.snapshot_id, verdict.round
    result.outcome = {judged.STORED: NEW, judged.FLAGGED: FLAGGED}.get(verdict.outcome, UNCHANGED)
    result.flags = list(verdict.reasons) if verdict.outcome == judged.FLAGGED else []


_one_line = quarantine.one_line


def _update_status(
    store_dir: Path,
    status: FeedStatus,
    result: PollResult,
    every: float | None,
    name: str = STATUS_FILE,
) -> None:
    status.last_poll_at = result.polled_at
    status.last_http_status = result.http_status
    status.last_outcome = result.outcome
    status.polls += 1
    status.every_seconds = every
    status.writer_pid = os.getpid()
    if result.ok:
        status.last_ok_at, status.last_error, status.consecutive_errors = result.polled_at, None, 0
        status.last_error_raw = None
        if result.snapshot_id:
            status.last_snapshot_id = result.snapshot_id
        if result.outcome == FLAGGED:
            status.last_flags = list(result.flags)
        elif result.outcome == NEW:
            status.last_flags = []
    else:
        status.last_error = result.error
        status.last_error_raw = result.refused_raw
        status.consecutive_errors += 1
    try:
        write_status(store_dir, status, name)
    except OSError as exc:
        # The status is a courtesy to the app; the next poll tries again.
        result.error = (result.error or "") + f" (status file not written: {exc})"


# --- the writer lock and the watch loop ----------------------------------------------------


@contextmanager
def writer_lock(
    store_dir: Path, name: str = WRITER_LOCK, what: str = "feed watcher"
) -> Iterator[None]:
    """One writer per store and feed kind: a second `results watch`/`fetch` on the same
    store fails at once (a results watcher and a live-blog watcher may run side by side)."""
    path = Path(store_dir) / name
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "a+") as fh:
        try:
            fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            fh.seek(0)
            holder = fh.read().strip() or "?"
            raise FeedError(
                f"another {what} (pid {holder}) is already writing to {store_dir}; "
                f"run one {what} per store"
            ) from None
        fh.seek(0)
        fh.truncate()
        fh.write(str(os.getpid()))
        fh.flush()
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


_INTERVAL = re.compile(r"^\s*(\d+(?:[.,]\d+)?)\s*(s|sec|m|min|h)?\s*$", re.IGNORECASE)


def parse_interval(text: str) -> float:
    """ "30s", "2m", "30" (seconds), "1h" → seconds; FeedError otherwise."""
    match = _INTERVAL.match(str(text))
    if not match:
        raise FeedError(f"--every must be like 30s, 2m or 30, got {text!r}")
    value = float(match.group(1).replace(",", "."))
    unit = (match.group(2) or "s").lower()
    seconds = value * {"s": 1, "sec": 1, "m": 60, "min": 60, "h": 3600}[unit]
    if seconds <= 0:
        raise FeedError(f"--every must be more than 0 seconds, got {text!r}")
    return seconds


def watch(
    url: str,
    *,
    every: float,
    max_polls: int | None = None,
    on_poll: Callable[[PollResult], None] | None = None,
    sleep: Callable[[float], None] = time.sleep,
    clock: Callable[[], float] = time.monotonic,
    store: Store | None = None,
    **poll_options: Any,
) -> int:
    """Poll `url` every `every` seconds until `max_polls` (None: until Ctrl-C). Faults are
    logged and polling goes on. A poll slower than `every` is followed at once by the next,
    without catching up on the missed ones. Returns the number of polls."""
    check_url(url)
    store = store or Store(settings.store_dir())
    with writer_lock(store.root):
        return _every(
            lambda: poll_once(url, store=store, every=every, **poll_options),
            every,
            max_polls,
            on_poll,
            sleep,
            clock,
        )


def _every(
    poll: Callable[[], PollResult],
    every: float,
    max_polls: int | None,
    on_poll: Callable[[PollResult], None] | None,
    sleep: Callable[[float], None],
    clock: Callable[[], float],
) -> int:
    """Run `poll` every `every` seconds, `max_polls` times (None: until interrupted)."""
    if max_polls is not None and max_polls < 1:
        raise FeedError(f"--max-polls must be at least 1, got {max_polls}")
    polls = 0
    next_at = clock()
    while max_polls is None or polls < max_polls:
        result = poll()
        polls += 1
        if on_poll is not None:
            on_poll(result)
        if max_polls is not None and polls >= max_polls:
            break
        next_at += every  # a fixed cadence: a poll's own duration does not drift it
        delay = next_at - clock()
        if delay < 0:  # a poll slower than `every`: go on at once, without catching up
            next_at, delay = clock(), 0.0
        sleep(delay)
    return polls


def fetch_once(url: str, *, store: Store | None = None, **poll_options: Any) -> PollResult:
    """`results fetch`: one poll under the writer lock (refused while a watcher runs)."""
    check_url(url)
    store = store or Store(settings.store_dir())
    with writer_lock(store.root):
        return poll_once(url, store=store, **poll_options)


# --- the live blog -------------------------------------------------------------------------


def _gazetteer(data_dir: Path) -> Any:
    from dashboard.liveblog.reactions import Gazetteer, load_people

    path = Path(data_dir) / "people.csv"
    # Read at every poll: an editor may add a person during the night, and the store then
    # re-derives the reactions of the entries that mention them.
    return load_people(path) if path.exists() else Gazetteer([], [])


def poll_liveblog_once(
    url: str,
    *,
    store: Store | None = None,
    data_dir: Path | None = None,
    raw_dir: Path | None = None,
    session: requests.Session | None = None,
    timeout: tuple[float, float] | None = None,
    blog_date: date | None = None,
    every: float | None = None,
) -> PollResult:
    """One poll of a live blog (schema.org LiveBlogPosting JSON-LD, an HTML page carrying
    it, or plain text): new entries are added, edited ones become new versions, the rest is
    left alone (idempotent). Never raises for a feed or data fault; the result and
    `liveblog_status.json` say what went wrong."""
    from dashboard.liveblog.parse import read_liveblog
    from dashboard.liveblog.store import ingest_liveblog

    store = store or Store(settings.store_dir())
    data_dir = Path(data_dir or settings.election_dir())
    raw_dir = Path(raw_dir or settings.raw_dir())
    election = election_of(data_dir)
    previous = read_status(store.root, BLOG_STATUS_FILE)
    status = previous if previous is not None and previous.url == url else FeedStatus(url)
    result = PollResult(url, datetime.now(tz=UTC), ERROR)
    try:
        sent = quarantine.request_validators(store.root, url, load_validators(store.root, url))
        fetched = fetch(
            url,
            raw_dir=raw_dir,
            validators=sent,
            session=session,
            timeout=timeout,
            accept=BLOG_ACCEPT,
        )
        result.polled_at, result.http_status = fetched.fetched_at, fetched.status
        result.raw_path = fetched.raw_path
        _check_refused(store.root, fetched, sent, result)
        if fetched.status in (204, 304):
            result.outcome = EMPTY if fetched.status == 204 else UNCHANGED
        else:
            gazetteer = _gazetteer(data_dir)
            with _refusing(store.root, fetched, result):
                parsed = read_liveblog(
                    fetched.payload or b"",
                    blog_date=blog_date,
                    source_url=url,
                    where=url,
                    election=election,
                )
                report = ingest_liveblog(store, parsed, source_url=url, gazetteer=gazetteer)
            result.entries_added, result.entries_updated = report.added, report.updated
            result.outcome = NEW if report.added or report.updated else UNCHANGED
            save_validators(store.root, url, fetched.validators)
            quarantine.release(store.root, url)
    except (DashboardError, OSError) as exc:
        result.outcome, result.error = ERROR, _one_line(exc)
    _update_status(store.root, status, result, every, BLOG_STATUS_FILE)
    return result


def watch_liveblog(
    url: str,
    *,
    every: float,
    max_polls: int | None = None,
    on_poll: Callable[[PollResult], None] | None = None,
    sleep: Callable[[float], None] = time.sleep,
    clock: Callable[[], float] = time.monotonic,
    store: Store | None = None,
    **poll_options: Any,
) -> int:
    """`liveblog watch`: poll a live blog every `every` seconds (see `watch`)."""
    check_url(url)
    store = store or Store(settings.store_dir())
    with writer_lock(store.root, BLOG_WRITER_LOCK, "live-blog watcher"):
        return _every(
            lambda: poll_liveblog_once(url, store=store, every=every, **poll_options),
            every,
            max_polls,
            on_poll,
            sleep,
            clock,
        )
