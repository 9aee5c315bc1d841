"""The replay feed server: a real HTTP server on 127.0.0.1 serving the 2017 night."""

from __future__ import annotations

import json
import time
import urllib.error
import urllib.request
from datetime import datetime
from pathlib import Path

import pytest

from dashboard.errors import DashboardError
from dashboard.feed.replay import night_documents, start_replay_server
from dashboard.fr import PARIS
from dashboard.results.documents import parse_feed
from dashboard.results.sources import parse_candidates_csv
from dashboard.store import Store
from dashboard.testing import DATA

ROOT = Path(__file__).resolve().parent.parent


def get(url: str, headers: dict[str, str] | None = None, timeout: float = 2.0):
    """(status, headers, body) — urllib, so the server is tested apart from our client."""
    request = urllib.request.Request(url, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, dict(exc.headers), exc.read()


@pytest.fixture
def night():
    return night_documents(Store(DATA / "store"), DATA, 2)


@pytest.fixture
def replay(night):
    servers = []

    def start(**kw):
        kw.setdefault("documents", night)
        kw.setdefault("data_dir", DATA)
        server = start_replay_server(2, **kw)
        servers.append(server)
        return server

    yield start
    for server in servers:
        server.shutdown()


def at(hhmm: str) -> datetime:
    hour, minute = map(int, hhmm.split(":"))
    return datetime(2017, 1, 29, hour, minute, tzinfo=PARIS)


def test_the_night_is_the_round_2_snapshots_in_order(night):
    ids = [d["snapshot_id"] for d in night]
    assert ids[:5] == ["t2-1200", "t2-1700", "t2-2040", "t2-2145", "t2-2350"]
    assert ids[-1] == "t2-definitif" and all(d["round"] == 2 for d in night)


def test_serves_the_snapshot_current_at_the_replay_clock(replay):
    server = replay(speed=0, start=at("22:30"))
    status, headers, body = get(server.url)
    doc = json.loads(body)
    assert status == 200 and doc["snapshot_id"] == "t2-2145" and doc["schema"] == 2
    assert headers["Content-Type"].startswith("application/json")
    assert headers["ETag"] and headers["Last-Modified"].endswith("GMT")
    assert server.url.startswith("http://127.0.0.1:")


def test_before_the_first_snapshot_there_is_nothing_yet(replay):
    server = replay(speed=0)  # default start: one minute before the first snapshot
    assert server.clock() == at("11:59")
    assert get(server.url)[0] == 204


def test_the_clock_runs_speed_times_faster(replay):
    server = replay(speed=3600, start=at("20:30"))  # one replay hour per real second
    assert json.loads(get(server.url)[2])["snapshot_id"] == "t2-1700"
    time.sleep(0.3)  # 20:30 + 18 min; the next snapshot after 20:40 is at 21:45
    assert json.loads(get(server.url)[2])["snapshot_id"] == "t2-2040"


def test_etag_and_last_modified_give_304(replay):
    server = replay(speed=0, start=at("21:00"))
    _, headers, body = get(server.url)
    assert get(server.url, {"If-None-Match": headers["ETag"]})[0] == 304
    assert get(server.url, {"If-None-Match": '"other", ' + headers["ETag"]})[0] == 304
    assert get(server.url, {"If-None-Match": '"stale"'})[0] == 200
    assert get(server.url, {"If-Modified-Since": headers["Last-Modified"]})[0] == 304
    old = "Sun, 29 Jan 2017 10:00:00 GMT"
    assert get(server.url, {"If-Modified-Since": old})[0] == 200
    # If-None-Match wins over If-Modified-Since (RFC 9110).
    both = {"If-None-Match": '"stale"', "If-Modified-Since": headers["Last-Modified"]}
    assert get(server.url, both)[0] == 200


def test_a_new_snapshot_changes_the_etag(replay):
    server = replay(speed=0, start=at("21:00"))
    first = get(server.url)[1]["ETag"]
    assert server.step()["snapshot_id"] == "t2-2145"
    status, headers, body = get(server.url, {"If-None-Match": first})
    assert status == 200 and headers["ETag"] != first
    assert json.loads(body)["snapshot_id"] == "t2-2145"


def test_publish_serves_a_given_document_at_once(replay, night):
    server = replay(speed=0, documents=[])
    assert get(server.url)[0] == 204
    doc = dict(night[4], snapshot_id="bench-1")
    server.publish(doc)
    assert json.loads(get(server.url)[2])["snapshot_id"] == "bench-1"
    server.publish(b"not json", "application/json")
    assert get(server.url)[2] == b"not json"


def test_csv_path_serves_the_same_snapshot_in_the_ministry_layout(replay):
    server = replay(speed=0, start=at("23:55"))
    status, headers, body = get(server.csv_url)
    assert status == 200 and "windows-1252" in headers["Content-Type"]
    assert body.splitlines()[0].startswith(b"Tour;Date;Heure")
    candidates = parse_candidates_csv(DATA / "candidates.csv")
    parsed = parse_feed(
        body,
        candidates=candidates,
        source="x",
        election_id="primaire-2017",
        content_type=headers["Content-Type"],
    )
    assert parsed.document["votants"] == 2_000_255
    assert {c["id"]: c["share"] for c in parsed.document["candidates"]} == {
        "hamon": 58.87,
        "valls": 41.13,
    }


def test_fail_rate_answers_that_fraction_with_500_repeatably(replay):
    codes = []
    for _ in range(2):
        server = replay(speed=0, start=at("21:00"), fail_rate=0.5, seed=7)
        codes.append([get(server.url)[0] for _ in range(40)])
        server.shutdown()
    assert codes[0] == codes[1]  # seeded: a rehearsal can be replayed exactly
    assert 8 <= codes[0].count(500) <= 32 and set(codes[0]) == {200, 500}


def test_fail_rate_1_always_fails_and_status_is_never_faulty(replay):
    server = replay(speed=0, start=at("21:00"), fail_rate=1.0)
    assert {get(server.url)[0] for _ in range(5)} == {500}
    status = json.loads(get(server.status_url)[2])
    assert status["snapshot_id"] == "t2-2040" and status["feed_requests"] == 5


def test_slow_delays_every_answer(replay):
    server = replay(speed=0, start=at("21:00"), slow=0.4)
    started = time.monotonic()
    assert get(server.url)[0] == 200
    assert time.monotonic() - started >= 0.4
    with pytest.raises(OSError):  # a client with a shorter timeout gives up
        get(server.url, timeout=0.1)


def test_corrupt_serves_truncated_json(replay):
    server = replay(speed=0, start=at("21:00"), corrupt=1.0)
    status, _, body = get(server.url)
    assert status == 200
    with pytest.raises(json.JSONDecodeError):
        json.loads(body)


def test_down_after_n_requests_refuses_connections(replay):
    server = replay(speed=0, start=at("21:00"), down_after=2)
    assert get(server.url)[0] == 200
    assert get(server.url)[0] == 200
    assert server.closed.wait(5)
    with pytest.raises(urllib.error.URLError) as err:
        get(server.url, timeout=1)
    assert isinstance(err.value.reason, ConnectionRefusedError)


def test_unknown_path_is_404(replay):
    server = replay(speed=0)
    assert get(server.base_url + "/nope")[0] == 404


def test_bad_options_are_one_line_errors(night):
    with pytest.raises(DashboardError, match="fail_rate must be within 0–1"):
        start_replay_server(2, documents=night, fail_rate=1.5)
    with pytest.raises(DashboardError, match="round 7 does not exist"):
        start_replay_server(7, store=Store(DATA / "store"), data_dir=DATA)


def test_start_accepts_hh_mm_on_election_night(replay):
    server = replay(speed=0, start="23:00")
    assert server.clock() == at("23:00")
    assert json.loads(get(server.url)[2])["snapshot_id"] == "t2-2145"


def test_port_in_use_is_a_clear_error(replay, night):
    server = replay(speed=0)
    with pytest.raises(DashboardError, match=f"cannot listen on 127.0.0.1:{server.port}"):
        start_replay_server(2, documents=night, port=server.port)
