"""The one HTTP client of the dashboard: `fetch()` a feed URL, archive the payload, return it.

One `requests.Session` with urllib3's `Retry` mounted (backoff, retries on 500/502/503/504,
GET only) — no retry loop of ours. Conditional requests (If-None-Match / If-Modified-Since)
make an unchanged feed cost a 304; the validators are kept in a small JSON file beside the
store so that a restarted watcher (or `results fetch` after `results watch`) still sends them.
Every payload is written to the raw archive, named by its fetch time, before anyone parses it:
when a figure is disputed the next day, the archive shows exactly what the feed served.

Nothing is parsed here; nothing is stored here except the raw archive and the validators.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import re
import socket
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import requests
from requests.adapters import HTTPAdapter
from urllib3.exceptions import (
    MaxRetryError,
    NewConnectionError,
    ProtocolError,
    ReadTimeoutError,
    ResponseError,
)
from urllib3.util.retry import Retry

from dashboard import __version__
from dashboard.errors import FeedError, StoreError
from dashboard.fr import slugify
from dashboard.store import write_bytes_atomic

# Timeouts and retries are settings (feed_connect_timeout 3.05 s: a little over a 3 s SYN
# retry; feed_read_timeout 5 s: × (1 + retries) attempts keeps a hung feed's poll under the
# 30 s watch cadence). These two are make_session()'s own defaults.
RETRIES = 2  # extra attempts after the first, on connect/read errors and 5xx
BACKOFF = 0.5  # urllib3 sleeps BACKOFF × 2^(n-1) between attempts (0 in tests)
MAX_PAYLOAD_BYTES = 20 * 1024 * 1024  # a results document is a few kB; refuse runaway bodies
RETRY_STATUSES = (500, 502, 503, 504)
VALIDATORS_FILE = "feed_validators.json"
USER_AGENT = f"election-dashboard/{__version__} (+results feed watcher)"


@dataclass(frozen=True)
class Validators:
    """What the server said identifies its current payload (sent back on the next poll)."""

    etag: str | None = None
    last_modified: str | None = None

    def headers(self) -> dict[str, str]:
        out = {}
        if self.etag:
            out["If-None-Match"] = self.etag
        if self.last_modified:
            out["If-Modified-Since"] = self.last_modified
        return out


@dataclass(frozen=True)
class FetchResult:
    """One fetch. `payload` is None on 304 (unchanged) and 204 (nothing published yet)."""

    url: str
    status: int
    payload: bytes | None
    etag: str | None
    last_modified: str | None
    content_type: str
    fetched_at: datetime  # UTC
    raw_path: Path | None  # where the payload was archived (None without payload)
    # The feed's own clock when it announces one (the replay server's `X-Replay-Clock`): a
    # rehearsal embargo is judged on it (see dashboard.results.embargo).
    source_clock: str | None = None

    @property
    def not_modified(self) -> bool:
        return self.status == 304

    @property
    def validators(self) -> Validators:
        return Validators(self.etag, self.last_modified)


def make_session(
    *, retries: int = RETRIES, backoff: float = BACKOFF, pool_maxsize: int = 4
) -> requests.Session:
    """A Session whose adapter retries connect/read errors and 5xx answers of GETs.

    `raise_on_status=True` turns "still 5xx after the last attempt" into a RetryError, which
    fetch() reports as one line. Retry-After is not obeyed: a server asking for an hour's
    pause would freeze the watcher, whose own cadence is the politeness that matters here.
    """
    retry = Retry(
        total=retries,
        connect=retries,
        read=retries,
        status=retries,
        other=0,
        redirect=3,
        backoff_factor=backoff,
        status_forcelist=RETRY_STATUSES,
        allowed_methods=frozenset({"GET"}),
        raise_on_status=True,
        respect_retry_after_header=False,
    )
    session = requests.Session()
    adapter = HTTPAdapter(max_retries=retry, pool_connections=1, pool_maxsize=pool_maxsize)
    session.mount("http://", adapter)
    session.mount("https://", adapter)
    session.headers["User-Agent"] = USER_AGENT
    return session


def tuning(name: str) -> float:
    """A feed setting (feed_connect_timeout, feed_read_timeout, feed_retries, feed_backoff):
    a number ≥ 0 from dashboard.settings, which holds the defaults."""
    from dashboard import settings

    value = settings.get_float(name)
    if value < 0:
        raise FeedError(f"DASHBOARD_{name.upper()} must not be negative, got {value:g}")
    return value


def default_timeout() -> tuple[float, float]:
    """(connect, read) seconds, from the settings."""
    return tuning("feed_connect_timeout"), tuning("feed_read_timeout")


_SESSION: requests.Session | None = None


def default_session() -> requests.Session:
    """The process's Session (created on first use, then reused for keep-alive)."""
    global _SESSION
    if _SESSION is None:
        _SESSION = make_session(retries=int(tuning("feed_retries")), backoff=tuning("feed_backoff"))
    return _SESSION


# --- validators (ETag / Last-Modified) kept between polls and processes ---------------------


def load_validators(state_dir: Path, url: str) -> Validators:
    """The validators last committed for `url` (none when unknown or the file is unreadable)."""
    try:
        data = json.loads((Path(state_dir) / VALIDATORS_FILE).read_text(encoding="utf-8"))
        entry = data.get(url) or {}
        return Validators(entry.get("etag"), entry.get("last_modified"))
    except (OSError, ValueError, AttributeError):
        # Losing validators only costs one full download: never a reason to stop polling.
        return Validators()


def save_validators(state_dir: Path, url: str, validators: Validators) -> None:
    """Remember `validators` for `url` (atomic). Call only once the payload was handled."""
    entry = {"etag": validators.etag, "last_modified": validators.last_modified}
    update_state(Path(state_dir) / VALIDATORS_FILE, url, lambda _old: entry, "feed validators")


def read_state(path: Path) -> dict[str, Any]:
    """A small JSON state file kept beside the store ({} when absent or unreadable)."""
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def update_state(path: Path, key: str, change: Any, what: str) -> None:
    """Replace `key` of the JSON state file `path` by `change(old value)` (atomic). The
    results and live-blog watchers share these files: read-modify-write under a lock so
    that neither drops the other's entry."""
    path = Path(path)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with open(path.parent / f".{path.stem}.lock", "w") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            data = read_state(path)
            data[key] = change(data.get(key))
            write_bytes_atomic(path, json.dumps(data, indent=2, sort_keys=True).encode("utf-8"))
    except OSError as exc:
        raise StoreError(f"{path}: cannot save the {what} ({exc})") from exc


# --- the raw archive ----------------------------------------------------------------------


def _slug(url: str) -> str:
    parts = urlsplit(url)
    text = f"{parts.hostname or 'feed'}-{parts.port or ''}{parts.path}"
    slug = slugify(text)[:80].strip("-")
    digest = hashlib.sha256(url.encode("utf-8")).hexdigest()[:8]  # keeps two URLs apart
    return f"{slug}-{digest}"


def _extension(content_type: str, payload: bytes) -> str:
    mime = content_type.split(";", 1)[0].strip().lower()
    if "json" in mime:
        return "json"
    if "csv" in mime:
        return "csv"
    head = payload.lstrip()[:1]
    return "json" if head in (b"{", b"[") else "txt"


def archive_payload(
    raw_dir: Path, url: str, fetched_at: datetime, payload: bytes, content_type: str
) -> Path:
    """Write the payload as `<raw_dir>/<YYYYmmddTHHMMSS.ffffffZ>-<url slug>.<ext>` (atomic)."""
    stamp = fetched_at.astimezone(UTC).strftime("%Y%m%dT%H%M%S.%fZ")
    path = Path(raw_dir) / f"{stamp}-{_slug(url)}.{_extension(content_type, payload)}"
    try:
        write_bytes_atomic(path, payload)
    except OSError as exc:
        # No archive, no parsing: a figure we cannot show the source of is not stored.
        raise StoreError(f"{path}: cannot archive the raw payload ({exc})") from exc
    return path


# --- fetch ---------------------------------------------------------------------------------


def check_url(url: str) -> str:
    """The URL, if it is http(s) with a host; else FeedError."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise FeedError(f"{url}: not an http(s) URL")
    return url


def _reason(exc: BaseException) -> BaseException:
    """The innermost cause urllib3 wrapped (MaxRetryError → its reason)."""
    seen = exc
    for _ in range(6):
        inner: Any = None
        if isinstance(seen, MaxRetryError):
            inner = seen.reason
        elif seen.args and isinstance(seen.args[0], BaseException):
            inner = seen.args[0]
        if inner is None:
            break
        seen = inner
    return seen


def describe_error(
    url: str, exc: requests.RequestException, timeout: tuple[float, float], attempts: int
) -> str:
    """A requests exception → one line a night editor understands."""
    reason = _reason(exc)
    tries = f" after {attempts} attempts" if attempts > 1 else ""
    # Messages read "URL: what happened[ after N attempts][ (hint)]".
    if isinstance(exc, requests.exceptions.RetryError) or isinstance(reason, ResponseError):
        codes = re.findall(r"too many (\d{3}) error", str(reason))
        code = f"HTTP {codes[-1]}" if codes else "a server error"
        return f"{url}: the feed answered {code}{tries}"
    if isinstance(exc, requests.exceptions.ConnectTimeout):
        return f"{url}: no connection within {timeout[0]:g} s{tries}"
    if isinstance(exc, requests.exceptions.ReadTimeout) or isinstance(
        reason, ReadTimeoutError | socket.timeout | TimeoutError
    ):
        return f"{url}: no answer within {timeout[1]:g} s{tries}"
    if isinstance(reason, NewConnectionError | ConnectionRefusedError) or "refused" in str(reason):
        return f"{url}: connection refused{tries} (is the feed server running?)"
    if isinstance(reason, ProtocolError) or isinstance(
        exc, requests.exceptions.ChunkedEncodingError
    ):
        return f"{url}: the connection broke while reading the answer"
    if isinstance(exc, requests.exceptions.InvalidURL | requests.exceptions.MissingSchema):
        return f"{url}: not a valid URL"
    if isinstance(exc, requests.exceptions.TooManyRedirects):
        return f"{url}: too many redirects"
    text = str(reason).splitlines()[0] if str(reason) else type(reason).__name__
    return f"{url}: cannot fetch ({text[:160]})"


CLOCK_HEADER = "X-Replay-Clock"  # ISO time of the feed's own clock (replay server)


_FRENCH = (
    (
        re.compile(
            r"connection refused(?P<tries> after \d+ attempts)?(?: \(is the feed server "
            r"running\?\))?"
        ),
        "connexion refusée{tries} : le serveur du flux est-il lancé ?",
    ),
    (
        re.compile(
            r"the feed answered (?P<what>HTTP \d{3}|a server error)(?P<tries> after \d+ "
            r"attempts)?(?P<reason>.*)"
        ),
        "le flux a répondu {what}{tries}{reason}",
    ),
    (
        re.compile(r"no connection within (?P<s>[\d.]+) s(?P<tries> after \d+ attempts)?"),
        "pas de connexion en {s} s{tries}",
    ),
    (
        re.compile(r"no answer within (?P<s>[\d.]+) s(?P<tries> after \d+ attempts)?"),
        "pas de réponse en {s} s{tries}",
    ),
    (
        re.compile(r"the connection broke while reading the answer"),
        "connexion coupée pendant la lecture de la réponse",
    ),
    (re.compile(r"not a valid URL"), "adresse invalide"),
    (re.compile(r"too many redirects"), "trop de redirections"),
    (re.compile(r"cannot fetch \((?P<why>.*)\)"), "lecture impossible ({why})"),
)


def french_error(line: str) -> str:
    """A `describe_error` line (English, as the CLI prints it) in French for the app's pages:
    "URL: connection refused after 3 attempts (is the feed server running?)" → "URL :
    connexion refusée après 3 tentatives : le serveur du flux est-il lancé ?". Anything else
    (a document's error) is returned as it is."""
    url, sep, what = line.partition(": ")
    if not sep:
        url, what = "", line
    for pattern, french in _FRENCH:
        match = pattern.fullmatch(what.strip())
        if match:
            parts = {k: v or "" for k, v in match.groupdict().items()}
            if parts.get("tries"):
                parts["tries"] = " après " + parts["tries"].split()[1] + " tentatives"
            text = french.format(**parts)
            return f"{url} : {text}" if url else text
    return line


def fetch(
    url: str,
    *,
    raw_dir: Path,
    validators: Validators | None = None,
    session: requests.Session | None = None,
    timeout: tuple[float, float] | None = None,
    max_bytes: int = MAX_PAYLOAD_BYTES,
    accept: str = "application/json, text/csv;q=0.9, */*;q=0.1",
) -> FetchResult:
    """GET `url` once (retries are the adapter's), conditionally on `validators`.

    200 → payload archived under `raw_dir` (before any parsing) and returned; 304 → payload
    None, validators kept; 204 → payload None (nothing published yet). Any other outcome —
    refused, timeout, 5xx after the retries, 4xx, oversize — is a FeedError with one line.
    `session`/`timeout` default to the process's Session and the feed settings.
    """
    check_url(url)
    session = session or default_session()
    timeout = timeout or default_timeout()
    sent = validators or Validators()
    adapter = session.get_adapter(url)
    retries = getattr(getattr(adapter, "max_retries", None), "total", 0) or 0
    attempts = 1 + (retries if isinstance(retries, int) else 0)
    fetched_at = datetime.now(tz=UTC)
    try:
        with session.get(
            url,
            headers={"Accept": accept, **sent.headers()},
            timeout=timeout,
            stream=True,  # so an oversize body is refused without being held in memory
        ) as response:
            status = response.status_code
            clock = response.headers.get(CLOCK_HEADER)
            if status == 304:
                return FetchResult(
                    url,
                    304,
                    None,
                    response.headers.get("ETag") or sent.etag,
                    response.headers.get("Last-Modified") or sent.last_modified,
                    response.headers.get("Content-Type", ""),
                    fetched_at,
                    None,
                    clock,
                )
            if status == 204:
                return FetchResult(url, 204, None, None, None, "", fetched_at, None, clock)
            if status != 200:
                reason = f" {response.reason}" if response.reason else ""
                raise FeedError(f"{url}: the feed answered HTTP {status}{reason}")
            payload = _read_body(url, response, max_bytes)
            content_type = response.headers.get("Content-Type", "")
            etag = response.headers.get("ETag")
            last_modified = response.headers.get("Last-Modified")
    except requests.RequestException as exc:
        raise FeedError(describe_error(url, exc, timeout, attempts)) from exc
    raw_path = archive_payload(raw_dir, url, fetched_at, payload, content_type)
    return FetchResult(
        url, 200, payload, etag, last_modified, content_type, fetched_at, raw_path, clock
    )


def _read_body(url: str, response: requests.Response, max_bytes: int) -> bytes:
    declared = response.headers.get("Content-Length")
    if declared and declared.isdigit() and int(declared) > max_bytes:
        raise FeedError(f"{url}: payload of {declared} bytes exceeds {max_bytes} bytes")
    chunks, size = [], 0
    for chunk in response.iter_content(chunk_size=64 * 1024):
        size += len(chunk)
        if size > max_bytes:
            raise FeedError(f"{url}: payload exceeds {max_bytes} bytes")
        chunks.append(chunk)
    return b"".join(chunks)
