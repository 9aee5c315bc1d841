"""Issue 8, item 1: a watcher never dies on a document.

Real watcher processes (`results watch`, `liveblog watch`) poll a real HTTP server on
127.0.0.1 that serves each hostile document of tests/fixtures/hostile/ in turn, then a good
one: one line per bad poll, the good document stored, the watcher still running. A refused
payload is remembered beside the feed status, so neither the next poll nor a restarted watcher
reads it again."""

from __future__ import annotations

import json
import os
import queue
import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from dashboard.cli.main import main
from dashboard.feed.watch import poll_once, read_status
from dashboard.liveblog.store import ENTRIES_TABLE
from dashboard.model import CANDIDATES, ENTRIES, RESULTS
from dashboard.store import Store
from dashboard.testing import DATA, HOSTILE, ROOT, HostileFeed, data_env

QUARANTINE_FILE = "feed_quarantine.json"  # beside the feed status

# the documents and their family, in the order served → what the line says
RESULTS_SEQUENCE = [
    ("as_of_year_one_plus_14.json", "'as_of': time out of range"),
    ("array_100000_deep.json", "JSON nested deeper than 64 levels"),
    ("votants_above_int64.json", "'votants': 18446744073709551616 is beyond any election"),
    (
        "ministry_tour_twenty_digits.csv",
        "field 'Tour': « 99999999999999999999 » n'est pas un décompte",
    ),
    ("as_of_far_from_round_date.json", "outside the dates of round 2"),
    ("round_not_in_election.json", "round 7 is not a round of primaire-2017"),
    ("note_not_a_string.json", "'note' must be text, got an object"),
]
BLOG_SEQUENCE = [
    ("jsonld_date_published_year_9999.jsonld", "'datePublished' out of range"),
    ("jsonld_array_100000_deep.jsonld", "JSON nested deeper than 64 levels"),
    ("jsonld_headline_not_a_string.jsonld", "'headline' must be text, got an object"),
    ("jsonld_date_published_far_from_election.jsonld", "outside the dates of primaire-2017"),
]


class Watcher:
    """A watcher process whose output lines are collected as they come."""

    def __init__(self, args: list[str], env: dict[str, str]) -> None:
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "dashboard", *args],
            cwd=ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        self.lines: queue.Queue[str] = queue.Queue()
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        assert self.proc.stdout is not None
        for line in self.proc.stdout:
            self.lines.put(line.rstrip("\n"))

    def lines_until(self, marker: str, timeout: float = 90) -> list[str]:
        seen: list[str] = []
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                line = self.lines.get(timeout=0.5)
            except queue.Empty:
                assert self.proc.poll() is None, (seen, self.proc.stderr.read())
                continue
            seen.append(line)
            if marker in line:
                return seen
        raise AssertionError(f"no {marker!r} within {timeout} s: {seen}")

    def interrupt(self) -> int:
        """Ctrl-C, as the operator stops it."""
        self.proc.send_signal(signal.SIGINT)
        try:
            return self.proc.wait(timeout=20)
        finally:
            if self.proc.poll() is None:
                self.proc.kill()


@pytest.fixture
def live_env(tmp_path) -> dict[str, str]:
    return data_env(
        tmp_path / "live-store",
        tmp_path / "raw",
        DASHBOARD_FEED_RETRIES="0",
        DASHBOARD_FEED_READ_TIMEOUT="3",
    )


def watch_sequence(
    command: str,
    sequence: list[tuple[str, str]],
    good: str,
    stored: str,
    env: dict[str, str],
    *,
    folder: Path = HOSTILE,
    options: tuple[str, ...] = (),
) -> HostileFeed:
    """Run `<command> watch` on a feed serving `sequence`'s documents then `good` (files of
    `folder`): one error line per bad poll saying its problem, then the `stored` line, then
    it goes on polling (304s: "inchangé") until Ctrl-C. Returns the feed, to see what it
    served."""
    names = [name for name, _ in sequence]
    feed = HostileFeed([*names, good], folder)
    watcher = Watcher([command, "watch", feed.sequence_url, "--every", "0.3s", *options], env)
    try:
        lines = watcher.lines_until(stored)
        errors = [line for line in lines if " erreur: " in line]
        assert len(errors) == len(sequence), lines  # one line per bad poll
        for line, (_name, problem) in zip(errors, sequence, strict=True):
            assert "erreur: document refusé (archive " in line and problem in line, line
        assert "inchangé" in watcher.lines_until("inchangé")[-1]
        assert watcher.proc.poll() is None  # still running
    finally:
        code = watcher.interrupt()
        feed.shutdown()
    assert code == 130  # only the operator stopped it
    assert feed.served[: len(names) + 1] == [*names, good]
    return feed


def test_results_watch_survives_every_hostile_document_then_stores_the_good_one(live_env, tmp_path):
    feed = watch_sequence(
        "results", RESULTS_SEQUENCE, "good_round_2_2350.json", "nouveau relevé t2-2350", live_env
    )
    store = Store(tmp_path / "live-store")
    stored = store.read_df("results", RESULTS)
    assert set(stored["snapshot_id"]) == {"t2-2350"}
    assert list(stored["flags"].map(list)) == [[], []]
    status = read_status(store.root)
    assert status.last_error is None and status.last_snapshot_id == "t2-2350"
    refused = json.loads((store.root / QUARANTINE_FILE).read_text())[feed.sequence_url]
    assert refused["current"] is None
    assert len(refused["refused"]) == len(RESULTS_SEQUENCE)


MINISTRY = ROOT / "tests" / "fixtures" / "ministry"
PARIS_XML = MINISTRY / "xml-essai-2017-dpt-075-paris.xml"  # the ministry's rehearsal file


def test_results_watch_refuses_bad_departement_documents_then_stores_the_good_one_for_the_map(
    tmp_path,
):
    """A département's XML of the media feed, served twice spoilt (another election's; a vote
    count that is not one), then as published: one line each for the spoilt ones, nothing of
    them stored, then Paris stored as a snapshot of area rows that the map shows — and the
    watcher still running."""
    from dashboard.charts.map import area_rows
    from dashboard.results.views import load_area_results, load_results

    www = tmp_path / "www"
    www.mkdir()
    paris = PARIS_XML.read_bytes()
    (www / "paris_of_2012.xml").write_bytes(paris.replace(b"<Annee>2017<", b"<Annee>2012<"))
    (www / "paris_votes_not_a_count.xml").write_bytes(
        paris.replace(b"<NbVoix>631193<", b"<NbVoix>631 19x<")
    )
    (www / "paris.xml").write_bytes(paris)
    data = tmp_path / "presidentielle-2017-essai"
    shutil.copytree(MINISTRY / "presidentielle-2017-essai", data)
    store = Store(tmp_path / "live-store")
    env = dict(
        os.environ,
        DASHBOARD_DATA_DIR=str(data),
        DASHBOARD_STORE_DIR=str(store.root),
        DASHBOARD_RAW_DIR=str(tmp_path / "raw"),
        DASHBOARD_FEED_RETRIES="0",
        PYTHONPATH=str(ROOT),
    )
    env.pop("DASHBOARD_ELECTION", None)
    sequence = [
        (
            "paris_of_2012.xml",
            "document de l'élection 'presidentielle-2012' ; ce tableau de bord montre "
            "'presidentielle-2017'",
        ),
        ("paris_votes_not_a_count.xml", "« 631 19x »"),
    ]
    stored_line = "nouveau relevé t2-20170317T152500-departement-75 (département 75 Paris, tour 2)"
    watch_sequence(
        "results",
        sequence,
        "paris.xml",
        stored_line,
        env,
        folder=www,
        options=("--as-of", "2017-03-17T15:25"),
    )
    stored = store.read_df("results", RESULTS)
    assert set(stored["snapshot_id"]) == {"t2-20170317T152500-departement-75"}
    assert load_results(store).empty  # rows of an area, not the nation's
    rows = area_rows(load_area_results(store), store.read_df("candidates", CANDIDATES), 2)
    assert rows[["area_code", "area_name"]].drop_duplicates().values.tolist() == [["75", "Paris"]]
    assert sorted(rows["votes"]) == [137125, 631193]


def test_liveblog_watch_survives_every_hostile_blog_then_stores_the_good_one(live_env, tmp_path):
    watch_sequence(
        "liveblog", BLOG_SEQUENCE, "jsonld_good.jsonld", "2 nouvelle(s) entrée(s)", live_env
    )
    entries = Store(tmp_path / "live-store").read_df(ENTRIES_TABLE, ENTRIES)
    assert sorted(entries["headline"]) == ["Fin", "Résultats"]


def test_a_refused_payload_is_not_read_again_by_the_next_poll_nor_a_restarted_watcher(
    live_env, tmp_path, monkeypatch, capsys
):
    for key in ("DASHBOARD_DATA_DIR", "DASHBOARD_STORE_DIR", "DASHBOARD_RAW_DIR"):
        monkeypatch.setenv(key, live_env[key])
    monkeypatch.setenv("DASHBOARD_FEED_RETRIES", "0")
    feed = HostileFeed()
    url = feed.url("ministry_tour_twenty_digits.csv")
    try:
        first = main(["results", "watch", url, "--every", "0.05s", "--max-polls", "2"])
        lines = capsys.readouterr().out.splitlines()
        again = main(["results", "watch", url, "--every", "0.05s", "--max-polls", "1"])
        restarted = capsys.readouterr().out.splitlines()
    finally:
        feed.shutdown()
    assert (first, again) == (1, 1)  # the last poll was an error, and nothing crashed
    (archive,) = [p.name for p in (tmp_path / "raw").iterdir()]  # downloaded once: then 304s
    assert f"erreur: document refusé (archive {archive}) : " in lines[1]
    assert "field 'Tour': « 99999999999999999999 » n'est pas un décompte plausible" in lines[1]
    for line in (lines[2], restarted[1]):
        assert f"erreur: document déjà refusé, toujours servi (archive {archive}) : " in line
    status = read_status(tmp_path / "live-store")
    assert status.last_error_raw == archive and status.consecutive_errors == 3
    assert status.last_ok_at is None  # a feed serving only a refused document is not "ok"


def test_a_broken_store_is_not_blamed_on_the_payload(live_env, tmp_path):
    feed = HostileFeed()
    store = Store(tmp_path / "live-store")
    store.root.mkdir(parents=True)
    store.path("results").write_bytes(b"not parquet")  # a corrupt table
    url = feed.url("good_round_2_2350.json")
    try:
        first = poll_once(url, store=store, data_dir=DATA, raw_dir=tmp_path / "raw")
        store.path("results").unlink()  # the operator repairs the store
        second = poll_once(url, store=store, data_dir=DATA, raw_dir=tmp_path / "raw")
    finally:
        feed.shutdown()
    assert first.outcome == "erreur" and "cannot read the stored table" in first.error
    assert "refusé" not in first.error
    # Not remembered as refused: the same payload is read again, and stored.
    assert (second.http_status, second.outcome, second.snapshot_id) == (200, "nouveau", "t2-2350")
    assert read_status(store.root).last_error_raw is None
    assert not (store.root / QUARANTINE_FILE).exists()
