"""fetch(): the one HTTP client, against real HTTP servers on 127.0.0.1 (no mocked transport).

A scripted server answers each request with the next step of its script, so retries,
timeouts and conditional requests are observed from the server's side.
"""

from __future__ import annotations

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from dashboard.errors import FeedError, StoreError
from dashboard.feed.http import (
    Validators,
    fetch,
    load_validators,
    make_session,
    save_validators,
)
from dashboard.testing import free_port

FAST = (0.5, 0.5)  # connect, read timeouts: short so faults show up quickly


class Step:
    """One scripted answer: status, body, headers, and a delay before answering."""

    def __init__(self, status=200, body=b"{}", headers=None, delay=0.0, drop=False):
        self.status, self.body, self.headers = status, body, headers or {}
        self.delay, self.drop = delay, drop


class ScriptedServer:
    def __init__(self, *steps: Step) -> None:
        self.steps = list(steps)
        self.seen: list[dict[str, str]] = []  # request headers, in order
        script = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.0"

            def log_message(self, *args):
                pass

            def do_GET(self):
                try:
                    self._answer()
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client timed out and left: that is the point of some tests

            def _answer(self):
                script.seen.append(dict(self.headers))
                step = script.steps.pop(0) if len(script.steps) > 1 else script.steps[0]
                time.sleep(step.delay)
                if step.drop:  # promise a body, then hang up half-way
                    self.send_response(200)
                    self.send_header("Content-Length", str(len(step.body) * 2))
                    self.end_headers()
                    self.wfile.write(step.body)
                    return
                self.send_response(step.status)
                for k, v in step.headers.items():
                    self.send_header(k, v)
                if step.status not in (204, 304):
                    self.send_header("Content-Length", str(len(step.body)))
                self.end_headers()
                if step.status not in (204, 304):
                    self.wfile.write(step.body)

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}/results.json"
        threading.Thread(
            target=self.httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        ).start()

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture
def serve():
    servers = []

    def start(*steps: Step) -> ScriptedServer:
        server = ScriptedServer(*steps)
        servers.append(server)
        return server

    yield start
    for server in servers:
        server.close()


@pytest.fixture
def session():
    s = make_session(retries=2, backoff=0)
    s.trust_env = False  # never a proxy from the environment: loopback only
    yield s
    s.close()


DOC = json.dumps({"schema": 1, "round": 2}).encode()
JSON = {
    "Content-Type": "application/json",
    "ETag": '"v1"',
    "Last-Modified": "Sun, 29 Jan 2017 22:50:00 GMT",
}


def test_200_returns_payload_validators_and_archives_it_first(serve, session, tmp_path):
    server = serve(Step(200, DOC, JSON))
    result = fetch(server.url, raw_dir=tmp_path / "raw", session=session, timeout=FAST)
    assert result.status == 200 and result.payload == DOC
    assert result.validators == Validators('"v1"', "Sun, 29 Jan 2017 22:50:00 GMT")
    archived = list((tmp_path / "raw").iterdir())
    assert archived == [result.raw_path] and archived[0].read_bytes() == DOC
    # The fetch time is in the name, so two fetches of the same payload never collide.
    assert archived[0].name.startswith(result.fetched_at.strftime("%Y%m%dT%H%M%S"))
    assert archived[0].suffix == ".json"


def test_conditional_request_gets_304_without_payload(serve, session, tmp_path):
    server = serve(Step(200, DOC, JSON), Step(304, b"", {"ETag": '"v1"'}))
    first = fetch(server.url, raw_dir=tmp_path, session=session, timeout=FAST)
    second = fetch(
        server.url, raw_dir=tmp_path, validators=first.validators, session=session, timeout=FAST
    )
    assert second.status == 304 and second.not_modified and second.payload is None
    assert server.seen[0].get("If-None-Match") is None
    assert server.seen[1]["If-None-Match"] == '"v1"'
    assert server.seen[1]["If-Modified-Since"] == "Sun, 29 Jan 2017 22:50:00 GMT"
    assert len(list(tmp_path.iterdir())) == 1  # a 304 has nothing to archive


def test_validators_persist_in_a_file_between_processes(tmp_path):
    url = "http://127.0.0.1:9/results.json"
    assert load_validators(tmp_path, url) == Validators()
    save_validators(tmp_path, url, Validators('"abc"', "Sun, 29 Jan 2017 22:50:00 GMT"))
    save_validators(tmp_path, "http://127.0.0.1:9/other.json", Validators('"x"', None))
    assert load_validators(tmp_path, url) == Validators('"abc"', "Sun, 29 Jan 2017 22:50:00 GMT")
    (tmp_path / "feed_validators.json").write_text("{ broken")
    assert load_validators(tmp_path, url) == Validators()  # costs one download, no crash


def test_server_down_is_connection_refused_in_one_line(session, tmp_path):
    url = f"http://127.0.0.1:{free_port()}/results.json"
    started = time.monotonic()
    with pytest.raises(FeedError) as err:
        fetch(url, raw_dir=tmp_path, session=session, timeout=FAST)
    message = str(err.value)
    assert "connection refused after 3 attempts" in message and "\n" not in message
    assert time.monotonic() - started < 5
    assert not tmp_path.exists() or not any(tmp_path.iterdir())


def test_500s_are_retried_by_the_adapter_then_reported(serve, session, tmp_path):
    server = serve(Step(500, b"oops"))
    with pytest.raises(FeedError, match=r"answered HTTP 500 after 3 attempts"):
        fetch(server.url, raw_dir=tmp_path, session=session, timeout=FAST)
    assert len(server.seen) == 3  # 1 + 2 retries, all by urllib3's Retry


def test_a_503_then_200_recovers_within_one_fetch(serve, session, tmp_path):
    server = serve(Step(503, b""), Step(502, b""), Step(200, DOC, JSON))
    result = fetch(server.url, raw_dir=tmp_path, session=session, timeout=FAST)
    assert result.status == 200 and result.payload == DOC and len(server.seen) == 3


def test_a_404_is_not_retried(serve, session, tmp_path):
    server = serve(Step(404, b"no"))
    with pytest.raises(FeedError, match="HTTP 404"):
        fetch(server.url, raw_dir=tmp_path, session=session, timeout=FAST)
    assert len(server.seen) == 1


def test_read_timeout_is_retried_then_reported(serve, tmp_path):
    session = make_session(retries=1, backoff=0)
    session.trust_env = False
    server = serve(Step(200, DOC, JSON, delay=1.5))
    started = time.monotonic()
    with pytest.raises(FeedError, match=r"no answer within 0.5 s after 2 attempts"):
        fetch(server.url, raw_dir=tmp_path, session=session, timeout=FAST)
    assert len(server.seen) == 2
    assert time.monotonic() - started < 3


def test_a_slow_answer_within_the_timeout_is_fine(serve, session, tmp_path):
    server = serve(Step(200, DOC, JSON, delay=0.3))
    result = fetch(server.url, raw_dir=tmp_path, session=session, timeout=(0.5, 1.0))
    assert result.payload == DOC and len(server.seen) == 1


def test_a_connection_dropped_mid_body_is_an_error_not_a_half_payload(serve, session, tmp_path):
    server = serve(Step(200, DOC, JSON, drop=True))
    with pytest.raises(FeedError, match="the connection broke while reading the answer"):
        fetch(server.url, raw_dir=tmp_path, session=session, timeout=FAST)
    assert not any(tmp_path.iterdir())  # nothing archived: there was no whole payload


def test_oversize_payload_is_refused(serve, session, tmp_path):
    server = serve(Step(200, b"x" * 5000, JSON))
    with pytest.raises(FeedError, match="exceeds 1000 bytes"):
        fetch(server.url, raw_dir=tmp_path, session=session, timeout=FAST, max_bytes=1000)


def test_204_means_nothing_published_yet(serve, session, tmp_path):
    server = serve(Step(204, b""))
    result = fetch(server.url, raw_dir=tmp_path, session=session, timeout=FAST)
    assert result.status == 204 and result.payload is None


@pytest.mark.parametrize("url", ["file:///etc/passwd", "ftp://127.0.0.1/x", "results.json", ""])
def test_only_http_urls(url, tmp_path):
    with pytest.raises(FeedError, match="not an http"):
        fetch(url, raw_dir=tmp_path)


def test_an_unwritable_archive_stops_before_parsing(serve, session, tmp_path):
    server = serve(Step(200, DOC, JSON))
    blocker = tmp_path / "raw"
    blocker.write_text("a file where the archive folder should be")
    with pytest.raises(StoreError) as err:
        fetch(server.url, raw_dir=blocker, session=session, timeout=FAST)
    assert "cannot archive the raw payload" in str(err.value)


def test_module_session_is_reused(tmp_path):
    from dashboard.feed import http as feed

    assert feed.default_session() is feed.default_session()
    adapter = feed.default_session().get_adapter("http://127.0.0.1/")
    retry = adapter.max_retries
    assert set(retry.status_forcelist) == {500, 502, 503, 504}
    assert retry.allowed_methods == frozenset({"GET"})


def test_archive_names_keep_two_feeds_apart(serve, session, tmp_path):
    a = serve(Step(200, DOC, JSON))
    b = serve(Step(200, b"Tour;Date\n", {"Content-Type": "text/csv"}))
    ra = fetch(a.url, raw_dir=tmp_path, session=session, timeout=FAST)
    rb = fetch(b.url, raw_dir=tmp_path, session=session, timeout=FAST)
    assert ra.raw_path != rb.raw_path and rb.raw_path.suffix == ".csv"
    assert Path(rb.raw_path).read_bytes() == b"Tour;Date\n"
