"""The feed commands as a newcomer runs them: real HTTP on 127.0.0.1, the command in-process
where one process is enough, real processes where there must be two (a 304 across processes,
the writer lock, the replay server killed)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
import urllib.request
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from dashboard.feed.replay import night_documents, start_replay_server
from dashboard.feed.watch import read_status, writer_lock
from dashboard.fr import PARIS
from dashboard.store import Store
from dashboard.testing import DATA, ROOT, CliResult, call_cli, free_port, run_cli

FIXTURES = ROOT / "tests" / "fixtures" / "feed"


@pytest.fixture
def live_env(env, tmp_path) -> dict[str, str]:
    """An empty live store (the night unfolds in it) and a raw archive in tmp."""
    return dict(env, DASHBOARD_STORE_DIR=str(tmp_path / "live"))


@pytest.fixture
def night_server():
    server = start_replay_server(
        2,
        documents=night_documents(Store(DATA / "store"), DATA, 2),
        speed=0,
        data_dir=DATA,
        start=datetime(2017, 1, 29, 23, 55, tzinfo=PARIS),
    )
    yield server
    server.shutdown()


@pytest.fixture
def cli(live_env):
    """`python -m dashboard …` in this process on the live store, for commands that need no
    second process: cheaper than a subprocess."""
    return lambda *args: call_cli(args, live_env)


def current(env: dict[str, str]) -> dict:
    from dashboard.results.views import results_document

    store = Store(Path(env["DASHBOARD_STORE_DIR"]))
    return results_document(store, DATA, round_=2)


def lines(proc: CliResult | subprocess.CompletedProcess) -> list[str]:
    return proc.stdout.decode().splitlines()


def one_line_error(proc: CliResult | subprocess.CompletedProcess) -> str:
    err = proc.stderr.decode()
    assert proc.returncode == 2 and err.startswith("error: ") and err.count("\n") == 1, err
    return err


def test_fetch_twice_in_two_processes_costs_a_304_the_second_time(live_env, night_server):
    first = run_cli("results", "fetch", night_server.url, env=live_env)
    assert first.returncode == 0, first.stderr.decode()
    assert lines(first)[0].endswith(" 200 nouveau relevé t2-2350")
    second = run_cli("results", "fetch", night_server.url, env=live_env)
    assert second.returncode == 0 and lines(second)[0].endswith(" 304 inchangé")
    assert current(live_env)["snapshot_id"] == "t2-2350"
    raw = list(Path(live_env["DASHBOARD_RAW_DIR"]).iterdir())
    assert len(raw) == 1 and json.loads(raw[0].read_bytes())["snapshot_id"] == "t2-2350"


def test_fetch_from_a_dead_feed_is_one_line_and_exit_2(cli, live_env):
    proc = cli("results", "fetch", f"http://127.0.0.1:{free_port()}/results.json")
    assert "connection refused" in one_line_error(proc)
    status = read_status(Path(live_env["DASHBOARD_STORE_DIR"]))
    assert status.last_error and status.last_ok_at is None


def test_watch_logs_one_line_per_poll(cli, night_server):
    proc = cli("results", "watch", night_server.url, "--every", "0.2s", "--max-polls", "3")
    out = lines(proc)
    assert proc.returncode == 0, proc.stderr.decode()
    assert out[0].startswith(f"suivi de {night_server.url} toutes les 0.2 s")
    polls = [line.split(" ", 1)[1] for line in out[1:4]]
    assert polls == ["200 nouveau relevé t2-2350", "304 inchangé", "304 inchangé"]
    assert out[4] == "3 relevé(s) du flux"


def test_a_second_writer_is_refused(live_env, night_server):
    with writer_lock(Path(live_env["DASHBOARD_STORE_DIR"])):
        proc = run_cli("results", "fetch", night_server.url, env=live_env)
    assert f"another feed watcher (pid {os.getpid()})" in one_line_error(proc)


@pytest.mark.parametrize(
    "args, message",
    [
        (["results", "fetch", "ftp://127.0.0.1/x"], "not an http(s) URL"),
        (["results", "watch", "http://127.0.0.1:1/x", "--every", "0"], "--every must be more"),
        (["results", "watch", "http://127.0.0.1:1/x", "--every", "soon"], "--every must be like"),
        (["feed", "replay", "--round", "7", "--port", "0"], "round 7 does not exist"),
    ],
)
def test_user_errors_are_one_line(args, message, cli):
    assert message in one_line_error(cli(*args))


def test_bad_fault_option_is_refused_by_the_parser(cli):
    proc = cli("feed", "replay", "--fail-rate", "2")
    assert proc.returncode == 2 and "must be within 0–1" in proc.stderr.decode()


def test_validate_takes_feed_documents(cli):
    # It says what `results fetch` would do with the document (the store here is empty).
    ok = cli("results", "validate", str(FIXTURES / "ministry_latin1_decimal_comma.csv"))
    assert ok.returncode == 0
    assert lines(ok)[0].endswith(": tour 2 — serait enregistré (relevé t2-20170130T003000)")
    bad = cli("results", "validate", str(FIXTURES / "totals_contradict.json"))
    assert bad.returncode == 1
    (line,) = lines(bad)
    assert line.split(" — ", 1)[1].split(" : ", 1)[1].split(" ; ") == [
        "exprimés + blancs + nuls (2\u00a0010\u00a0000) ≠ votants (2\u00a0005\u00a0000)",
        "somme des voix des candidats (1\u00a0976\u00a0000) ≠ exprimés (1\u00a0975\u00a0000)",
    ]
    assert "serait enregistré signalé (relevé " in line
    csv = cli("results", "validate", str(FIXTURES / "ministry_shares_contradict_votes.csv"))
    assert csv.returncode == 1 and len(lines(csv)) == 1 and "part publiée 60,12" in lines(csv)[0]
    broken = cli("results", "validate", str(FIXTURES / "malformed_truncated.json"))
    assert "malformed JSON at line 8" in one_line_error(broken)
    assert "unsupported 'schema' 3" in one_line_error(
        cli("results", "validate", str(FIXTURES / "wrong_schema.json"))
    )
    # The source file of data/ is still read as before.
    assert cli("results", "validate", str(DATA / "results.csv")).returncode == 0


def _start_replay(env, *args: str) -> tuple[subprocess.Popen, str]:
    port = free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "dashboard", "feed", "replay", "--port", str(port), *args],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    first = proc.stdout.readline().decode()  # printed once the socket listens
    assert f"http://127.0.0.1:{port}/results.json" in first, proc.stderr.read()
    return proc, f"http://127.0.0.1:{port}/results.json"


def test_newcomer_flow_replay_watch_then_feed_killed(env, live_env, cli):
    # `feed replay` reads the shipped night from the copy of the store in `env`; the watcher
    # writes into an empty live store, as README's steps do.
    replay, url = _start_replay(env, "--round", "2", "--speed", "2000", "--start", "20:30")
    try:
        # The 20:40 count is out 0.3 s after the replay starts, before the watcher is up.
        watch = cli("results", "watch", url, "--every", "0.3s", "--max-polls", "2")
        assert watch.returncode == 0, watch.stderr.decode()
        assert " 200 nouveau relevé t2-" in lines(watch)[1]
    finally:
        replay.terminate()
        replay.wait(timeout=10)
    store_dir = Path(live_env["DASHBOARD_STORE_DIR"])
    before = read_status(store_dir)
    figures = current(live_env)
    after_kill = cli("results", "watch", url, "--every", "0.1s", "--max-polls", "1")
    assert after_kill.returncode == 1 and "erreur: " in lines(after_kill)[1]
    status = read_status(store_dir)
    assert status.last_ok_at == before.last_ok_at and "connection refused" in status.last_error
    assert status.is_stale(status.last_ok_at + timedelta(seconds=121), stale_after=120)
    assert current(live_env) == figures  # the last figures are kept


def test_replay_goes_down_after_n_requests_and_exits(env):
    replay, url = _start_replay(env, "--speed", "0", "--start", "21:00", "--down-after", "1")
    with urllib.request.urlopen(url, timeout=2) as response:
        assert json.loads(response.read())["snapshot_id"] == "t2-2040"
    out, _ = replay.communicate(timeout=10)
    assert replay.returncode == 0
    assert out.decode().splitlines()[-1] == "flux arrêté après 1 requête(s)"
    time.sleep(0.05)
    with pytest.raises(OSError):
        urllib.request.urlopen(url, timeout=1)


def test_liveblog_watch_follows_a_json_ld_blog(cli, live_env):
    blog = {
        "@context": "https://schema.org",
        "@type": "LiveBlogPosting",
        "liveBlogUpdate": [
            {
                "@type": "BlogPosting",
                "datePublished": "2017-01-29T20:41:00+01:00",
                "headline": "Premiers résultats",
                "articleBody": "Benoît Hamon en tête.",
                "url": "https://example.org/direct#p1",
            },
        ],
    }
    server = start_replay_server(2, documents=[], speed=0, data_dir=DATA)
    try:
        server.publish(json.dumps(blog).encode(), "application/ld+json")
        proc = cli("liveblog", "watch", server.url, "--every", "0.1s", "--max-polls", "2")
    finally:
        server.shutdown()
    out = lines(proc)
    assert proc.returncode == 0, proc.stderr.decode()
    assert [line.split(" ", 1)[1] for line in out[1:3]] == [
        "200 1 nouvelle(s) entrée(s), 0 modifiée(s)",
        "304 inchangé",
    ]
    from dashboard.liveblog.store import current_entries

    entries = current_entries(Store(Path(live_env["DASHBOARD_STORE_DIR"])))
    assert list(entries["permalink"]) == ["https://example.org/direct#p1"]
