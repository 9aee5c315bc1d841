"""A replay feed server: the 2017 night's snapshots, served over HTTP on 127.0.0.1 as they were
published, time-accelerated — for rehearsals, for the tests and for the live-panel benchmark.

    GET /results.json  the current snapshot document (schema 1) of the round at the replay
                       clock; 204 before the first one. ETag + Last-Modified; 304 when the
                       client's If-None-Match (or, without it, If-Modified-Since) still matches.
    GET /results.csv   the same snapshot as a ministry-style CSV (see dashboard.results.documents).
    GET /status        the replay clock, the current snapshot id, the request count (no faults).

Every answer carries the replay clock in an `X-Replay-Clock` header (ISO time, Paris).

The replay clock starts at `start` (default: one minute before the round's first snapshot)
and runs `speed` times faster than real time (speed 0 freezes it). Faults apply to the two
feed paths only: `fail_rate` answers that fraction of requests with HTTP 500 (seeded RNG, so a
rehearsal is repeatable); `slow` waits that many seconds before answering; `corrupt` serves
that fraction of answers truncated in the middle (1.0 = always, as `--corrupt` alone does);
`down_after` closes the server for good once it has answered that many feed requests, so the
next connection is refused — the organisers' site going down on the night.

`publish(doc)` serves a given document at once (the clock's schedule is set aside until
`step()`), so a benchmark can time publish → visible.
"""

from __future__ import annotations

import hashlib
import json
import random
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime, parsedate_to_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from dashboard import settings
from dashboard.errors import DashboardError, FeedError, SourceError
from dashboard.feed.http import CLOCK_HEADER
from dashboard.fr import PARIS
from dashboard.model import parse_time, snapshot_document
from dashboard.results.documents import ministry_csv
from dashboard.store import Store

HOST = "127.0.0.1"  # loopback only: a rehearsal server is never reachable from outside
FEED_PATHS = ("/results.json", "/results.csv")
LEAD_TIME = timedelta(minutes=1)  # default clock start before the round's first snapshot


def night_documents(store: Store, data_dir: Path, round_: int) -> list[dict[str, Any]]:
    """Every snapshot of `round_` of the configured election, as feed documents, oldest first."""
    from dashboard.election import load_election
    from dashboard.results.query import snapshots
    from dashboard.results.views import load_candidates, load_results

    election = load_election(Path(data_dir) / "election.toml")
    election.round(round_)  # a clear error for a round that does not exist
    results = load_results(store)
    results = results[results["election_id"] == election.id]
    candidates = load_candidates(store)
    docs = []
    for sid in snapshots(results, round_)["snapshot_id"]:
        rows = results[results["snapshot_id"] == sid].reset_index(drop=True)
        doc = snapshot_document(rows, candidates)
        doc["flags"] = []  # our own judgement, not something the organiser's feed would carry
        docs.append(doc)
    if not docs:
        raise FeedError(f"no snapshot of round {round_} in {store.root} to replay")
    return docs


@dataclass(frozen=True)
class _Entry:
    """One representation ready to serve."""

    body: bytes
    content_type: str
    etag: str
    last_modified: datetime  # UTC, whole seconds
    snapshot_id: str | None


def _etag(body: bytes) -> str:
    return '"' + hashlib.sha256(body).hexdigest()[:20] + '"'


def _http_date(moment: datetime) -> str:
    return format_datetime(moment.astimezone(UTC).replace(microsecond=0), usegmt=True)


def _etag_matches(header: str, etag: str) -> bool:
    tags = [t.strip() for t in header.split(",")]
    bare = etag.removeprefix("W/")
    return "*" in tags or any(t.removeprefix("W/") == bare for t in tags)


class ReplayServer:
    """The server and its clock. Use `start_replay_server()`; `.url` is the JSON feed URL."""

    def __init__(
        self,
        documents: list[dict[str, Any]],
        *,
        speed: float = 60.0,
        port: int = 0,
        start: datetime | None = None,
        fail_rate: float = 0.0,
        slow: float = 0.0,
        corrupt: float = 0.0,
        down_after: int | None = None,
        seed: int = 0,
        log: Callable[[str], None] | None = None,
    ) -> None:
        for name, rate in (("fail_rate", fail_rate), ("corrupt", corrupt)):
            if not 0.0 <= rate <= 1.0:
                raise DashboardError(f"{name} must be within 0–1, got {rate}")
        if speed < 0 or slow < 0:
            raise DashboardError("speed and slow must not be negative")
        if down_after is not None and down_after < 0:
            raise DashboardError(f"down_after must be ≥ 0, got {down_after}")
        self._docs = sorted(documents, key=lambda d: parse_time(d["as_of"]))
        self._times = [parse_time(d["as_of"]) for d in self._docs]
        first = self._times[0] if self._times else datetime.now(tz=PARIS)
        self.speed = float(speed)
        self.fail_rate, self.slow, self.corrupt = fail_rate, float(slow), corrupt
        self.down_after = down_after
        self._rng = random.Random(seed)
        self._log = log
        self._lock = threading.Lock()
        self._anchor_replay = (start or first - LEAD_TIME).astimezone(PARIS)
        self._anchor_mono = time.monotonic()
        self._anchor_wall = datetime.now(tz=UTC)
        self._pinned: tuple[dict[str, Any] | bytes, str, datetime] | None = None
        self._cache: dict[tuple[Any, ...], _Entry] = {}
        self.feed_requests = 0
        self.down = threading.Event()  # decided: no more answers
        self.closed = threading.Event()  # done: the port refuses connections
        try:
            self._httpd = ThreadingHTTPServer((HOST, port), _handler_for(self))
        except OSError as exc:
            raise FeedError(f"cannot listen on {HOST}:{port} ({exc.strerror or exc})") from exc
        self._httpd.daemon_threads = True
        self.port = self._httpd.server_address[1]
        self.base_url = f"http://{HOST}:{self.port}"
        self.url = f"{self.base_url}/results.json"
        self.csv_url = f"{self.base_url}/results.csv"
        self.status_url = f"{self.base_url}/status"
        self._thread = threading.Thread(
            target=self._httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )
        self._thread.start()

    # --- the clock ----------------------------------------------------------------------

    def clock(self) -> datetime:
        """The replay time now (Paris time)."""
        with self._lock:
            return self._clock()

    def _clock(self) -> datetime:
        elapsed = (time.monotonic() - self._anchor_mono) * self.speed
        return self._anchor_replay + timedelta(seconds=elapsed)

    def _scheduled_index(self, now: datetime) -> int:
        """Index of the latest document published by `now`, -1 before the first."""
        index = -1
        for i, moment in enumerate(self._times):
            if moment <= now:
                index = i
        return index

    def _became_current(self, moment: datetime) -> datetime:
        """Wall-clock time at which the replay clock reached `moment` (for Last-Modified)."""
        if self.speed == 0:
            return self._anchor_wall
        offset = (moment - self._anchor_replay).total_seconds() / self.speed
        return self._anchor_wall + timedelta(seconds=max(offset, 0.0))

    def current_document(self) -> dict[str, Any] | None:
        """The document `/results.json` serves now (None before the first snapshot)."""
        with self._lock:
            if self._pinned is not None:
                doc = self._pinned[0]
                return doc if isinstance(doc, dict) else None
            index = self._scheduled_index(self._clock())
            return self._docs[index] if index >= 0 else None

    def publish(self, doc: dict[str, Any] | bytes, content_type: str = "application/json") -> None:
        """Serve `doc` from now on (a document, or raw bytes to serve as they are).

        The clock's schedule is set aside until `step()`; both feed paths serve it (raw bytes
        are served as given on both).
        """
        with self._lock:
            self._pinned = (doc, content_type, datetime.now(tz=UTC))
            self._cache.clear()

    def step(self) -> dict[str, Any] | None:
        """Jump the clock to the next scheduled snapshot and serve it; None when none is left."""
        with self._lock:
            self._pinned = None
            self._cache.clear()  # Last-Modified moves with the clock's new anchor
            index = self._scheduled_index(self._clock()) + 1
            if index >= len(self._docs):
                return None
            self._anchor_replay = self._times[index]
            self._anchor_mono = time.monotonic()
            self._anchor_wall = datetime.now(tz=UTC)
            return self._docs[index]

    def _entry(self, path: str) -> _Entry | None:
        with self._lock:
            if self._pinned is not None:
                doc, content_type, published_at = self._pinned
                key: tuple[Any, ...] = ("pinned", id(doc), path, published_at)
                moment = published_at
            else:
                index = self._scheduled_index(self._clock())
                if index < 0:
                    return None
                doc, content_type = self._docs[index], "application/json"
                key = ("night", index, path)
                moment = self._became_current(self._times[index])
            cached = self._cache.get(key)
        if cached is not None:
            return cached
        if isinstance(doc, bytes):
            body, sid = doc, None
        elif path == "/results.csv":
            body, sid = ministry_csv(doc), doc.get("snapshot_id")
            content_type = "text/csv; charset=windows-1252"
        else:
            body = json.dumps(doc, ensure_ascii=False, indent=2).encode("utf-8")
            sid = doc.get("snapshot_id")
            content_type = "application/json; charset=utf-8"
        entry = _Entry(body, content_type, _etag(body), moment.replace(microsecond=0), sid)
        with self._lock:
            self._cache[key] = entry
        return entry

    # --- faults and bookkeeping -------------------------------------------------------

    def _admit(self) -> tuple[int, bool, bool]:
        """Count a feed request; returns (its number, fail with 500?, corrupt the body?)."""
        with self._lock:
            self.feed_requests += 1
            fail = self.fail_rate > 0 and self._rng.random() < self.fail_rate
            corrupt = self.corrupt > 0 and self._rng.random() < self.corrupt
            return self.feed_requests, fail, corrupt

    def _after_answer(self, number: int) -> None:
        if self.down_after is not None and number >= self.down_after and not self.down.is_set():
            self.down.set()
            if self._log:
                self._log(f"feed down after {number} request(s), as asked (--down-after)")
            # shutdown() waits for serve_forever to return: never call it on a handler thread.
            threading.Thread(target=self._close, daemon=True).start()

    def _close(self) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()  # the listening socket goes: new connections are refused
        self.closed.set()

    def status(self) -> dict[str, Any]:
        with self._lock:
            now = self._clock()
            index = self._scheduled_index(now)
            upcoming = self._times[index + 1] if index + 1 < len(self._times) else None
            pinned = self._pinned is not None
            count = self.feed_requests
        current = self.current_document()
        return {
            "clock": now.isoformat(timespec="seconds"),
            "speed": self.speed,
            "snapshot_id": current.get("snapshot_id") if current else None,
            "published": pinned,
            "next_at": None if pinned or upcoming is None else upcoming.isoformat(),
            "snapshots": len(self._docs),
            "feed_requests": count,
            "faults": {
                "fail_rate": self.fail_rate,
                "slow": self.slow,
                "corrupt": self.corrupt,
                "down_after": self.down_after,
            },
        }

    def shutdown(self) -> None:
        """Stop serving and free the port (idempotent)."""
        if not self.down.is_set():
            self.down.set()
            self._close()
        self._thread.join(timeout=5)

    def __enter__(self) -> ReplayServer:
        return self

    def __exit__(self, *exc: object) -> None:
        self.shutdown()


def _handler_for(server: ReplayServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        server_version = "dashboard-replay/1"
        # HTTP/1.0: one request per connection, so --down-after's closed socket is felt at once.
        protocol_version = "HTTP/1.0"

        def log_message(self, format: str, *args: Any) -> None:
            if server._log:
                server._log(f"{self.address_string()} {format % args}")

        def do_GET(self) -> None:
            path = self.path.split("?", 1)[0]
            if path == "/status":
                self._send(200, json.dumps(server.status()).encode(), "application/json")
                return
            if path not in FEED_PATHS:
                self._send(404, b'{"error": "not found"}\n', "application/json")
                return
            number, fail, corrupt = server._admit()
            try:
                if server.slow:
                    time.sleep(server.slow)
                if fail:
                    self._send(500, b'{"error": "simulated failure"}\n', "application/json")
                    return
                entry = server._entry(path)
                if entry is None:
                    self._send(204, b"", None)
                    return
                body, etag = entry.body, entry.etag
                if corrupt:
                    body = body[: len(body) // 2]  # cut mid-document: malformed JSON / CSV
                    etag = _etag(body)
                headers = {
                    "ETag": etag,
                    "Last-Modified": _http_date(entry.last_modified),
                    "Cache-Control": "no-cache",
                }
                if self._not_modified(etag, entry.last_modified):
                    self._send(304, b"", None, headers)
                    return
                self._send(200, body, entry.content_type, headers)
            except (BrokenPipeError, ConnectionResetError):
                pass  # the client gave up (its read timeout): nothing to answer
            finally:
                server._after_answer(number)

        def _not_modified(self, etag: str, last_modified: datetime) -> bool:
            inm = self.headers.get("If-None-Match")
            if inm is not None:  # RFC 9110: If-None-Match wins over If-Modified-Since
                return _etag_matches(inm, etag)
            ims = self.headers.get("If-Modified-Since")
            if ims:
                try:
                    return last_modified <= parsedate_to_datetime(ims)
                except (TypeError, ValueError):
                    return False
            return False

        def _send(
            self,
            code: int,
            body: bytes,
            content_type: str | None,
            headers: dict[str, str] | None = None,
        ) -> None:
            self.send_response(code)
            # The replay clock on every answer: a watcher records it, so a rehearsal embargo
            # (DASHBOARD_EMBARGO_CLOCK=feed) is judged on the replayed night's time.
            self.send_header(CLOCK_HEADER, server.clock().isoformat(timespec="seconds"))
            if content_type:
                self.send_header("Content-Type", content_type)
            for name, value in (headers or {}).items():
                self.send_header(name, value)
            if code not in (204, 304):
                self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            if code not in (204, 304):
                self.wfile.write(body)

    return Handler


def start_replay_server(
    round_: int | None = None,
    *,
    speed: float = 60.0,
    port: int = 0,
    start: datetime | str | None = None,
    documents: list[dict[str, Any]] | None = None,
    store: Store | None = None,
    data_dir: Path | None = None,
    fail_rate: float = 0.0,
    slow: float = 0.0,
    corrupt: float = 0.0,
    down_after: int | None = None,
    seed: int = 0,
    log: Callable[[str], None] | None = None,
) -> ReplayServer:
    """Start serving in a background thread on 127.0.0.1 (`port=0`: a free port).

    `documents` defaults to the round's snapshots read from `store` (default: the configured
    store); pass `[]` for a server that serves only what you `publish()`. `start` is a datetime
    or "HH:MM" on the round's election night. `round_` None: the election's last round.
    """
    data_dir = Path(data_dir or settings.election_dir())
    if round_ is None:
        from dashboard.election import load_election

        round_ = load_election(data_dir / "election.toml").last_round.number
    if documents is None:
        documents = night_documents(store or Store(settings.store_dir()), data_dir, round_)
    if isinstance(start, str):
        from dashboard.election import load_election

        election = load_election(data_dir / "election.toml")
        try:
            start = election.resolve_at(round_, start)
        except SourceError as exc:
            if "does not exist" in str(exc):  # the round itself: that message is the right one
                raise
            raise FeedError(f"--start must be HH:MM (e.g. 20:30), got {start!r}") from exc
    return ReplayServer(
        documents,
        speed=speed,
        port=port,
        start=start,
        fail_rate=fail_rate,
        slow=slow,
        corrupt=corrupt,
        down_after=down_after,
        seed=seed,
        log=log,
    )
