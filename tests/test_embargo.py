"""The embargo in one place (dashboard.results.embargo), used by every surface: results page,
live page, reactions announcements, exports, `results show`; rehearsed on the 2017 data with
the replay server's clock recorded by the watcher."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from dashboard.election import load_election
from dashboard.feed.replay import night_documents, start_replay_server
from dashboard.feed.watch import poll_once, read_status
from dashboard.fr import PARIS
from dashboard.results.embargo import clock_now, embargo_for, hide_document, hide_results
from dashboard.results.views import load_results
from dashboard.store import Store
from dashboard.testing import DATA, run_cli

ROOT = Path(__file__).parent.parent
SCREENS = ROOT / "dashboard" / "app" / "screens"
ELECTION = load_election(DATA / "election.toml")
BEFORE_CLOSE = datetime(2017, 1, 29, 19, 30, tzinfo=PARIS)
AFTER_CLOSE = datetime(2017, 1, 29, 20, 30, tzinfo=PARIS)


def test_hhmm_is_on_the_rounds_election_day_and_iso_is_kept():
    assert embargo_for(ELECTION, 2, "20:00").until == datetime(2017, 1, 29, 20, tzinfo=PARIS)
    assert embargo_for(ELECTION, 1, "20:00").until == datetime(2017, 1, 22, 20, tzinfo=PARIS)
    iso = embargo_for(ELECTION, 2, "2017-01-29T20:00:00+01:00")
    assert iso.until == datetime(2017, 1, 29, 20, tzinfo=PARIS)
    assert embargo_for(ELECTION, 2, "").until is None and not embargo_for(ELECTION, 2, "").active(
        AFTER_CLOSE
    )
    assert embargo_for(ELECTION, 2, "20:00").active(BEFORE_CLOSE)
    assert not embargo_for(ELECTION, 2, "20:00").active(AFTER_CLOSE)


def test_an_unreadable_setting_holds_the_embargo_and_says_why():
    embargo = embargo_for(ELECTION, 2, "vingt heures")
    assert embargo.active(AFTER_CLOSE)
    assert embargo.problem.startswith("DASHBOARD_EMBARGO_UNTIL illisible (« vingt heures »")


def test_hide_results_blanks_votes_and_shares_of_the_embargoed_round_only(store_dir):
    results = load_results(Store(store_dir))
    hidden = hide_results(results, ELECTION, BEFORE_CLOSE, "20:00")
    r2, r1 = hidden["round"] == 2, hidden["round"] == 1
    assert hidden.loc[r2, "votes"].isna().all() and hidden.loc[r2, "share_published"].isna().all()
    assert hidden.loc[r2, "votants"].equals(results.loc[r2, "votants"])  # turnout stays
    assert hidden.loc[r1, "votes"].equals(results.loc[r1, "votes"])  # round 1 was a week before
    assert results.loc[r2, "votes"].notna().any()  # the input is not modified
    assert hide_results(results, ELECTION, AFTER_CLOSE, "20:00") is results


def test_hide_document_nulls_candidates_and_names_the_embargo():
    doc = {
        "schema": 1,
        "election": "primaire-2017",
        "round": 2,
        "votants": 10,
        "candidates": [{"id": "hamon", "votes": 6, "share": 60.0}],
    }
    hidden = hide_document(doc, ELECTION, BEFORE_CLOSE, "20:00")
    assert hidden["candidates"] == [{"id": "hamon", "votes": None, "share": None}]
    assert hidden["embargo"] == {"until": "2017-01-29T20:00:00+01:00"} and hidden["votants"] == 10
    assert hide_document(doc, ELECTION, AFTER_CLOSE, "20:00") is doc


@pytest.fixture
def embargo_2199(monkeypatch):
    monkeypatch.setenv("DASHBOARD_EMBARGO_UNTIL", "2199-01-01T19:00")


def test_results_page_deep_link_hides_shares_under_embargo(app_env, embargo_2199):
    """The reported leak: /?round=2&at=23:50 showed "Benoît Hamon 58,87 %"."""
    at = AppTest.from_file(str(SCREENS / "results.py"), default_timeout=30)
    at.query_params["round"] = "2"
    at.query_params["at"] = "23:50"
    at.run()
    assert not at.exception, at.exception
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Résultats"] == "sous embargo"
    assert metrics["Votants"] == "2\u00a0000\u00a0255"
    assert not any("Hamon" in m.value or "58,87" in m.value for m in at.metric)
    assert any("sous embargo" in i.value for i in at.info)
    for chart in at.get("plotly_chart"):  # the count progress keeps its bureaux, no shares
        spec = json.loads(chart.proto.spec)
        assert "58,87" not in json.dumps(spec) and "Hamon" not in json.dumps(spec)


def test_reactions_announcements_hide_shares_under_embargo(app_env, embargo_2199):
    at = AppTest.from_file(str(SCREENS / "reactions.py"), default_timeout=30).run()
    assert not at.exception, at.exception
    spec = json.dumps(json.loads(at.get("plotly_chart")[0].proto.spec))
    assert "Hamon 58" not in spec and "Résultats définitifs" not in spec


def test_results_show_and_exports_hide_shares_under_embargo(env, tmp_path):
    env = dict(env, DASHBOARD_EMBARGO_UNTIL="2199-01-01T19:00")
    proc = run_cli("results", "show", "--round", "2", "--format", "json", env=env)
    assert proc.returncode == 0, proc.stderr
    doc = json.loads(proc.stdout)
    assert [c["share"] for c in doc["candidates"]] == [None, None]
    assert doc["embargo"] == {"until": "2199-01-01T19:00:00+01:00"} and doc["votants"] == 2045343
    out = str(tmp_path)
    proc = run_cli(
        "export", "vote-split", "--format", "json", "--round", "2", "--out", out, env=env
    )
    assert proc.returncode == 2 and b"58,69" not in proc.stdout + proc.stderr
    assert b"pas encore de r\xc3\xa9partition" in proc.stderr


def test_rehearsal_embargo_on_2017_data_follows_the_replay_clock(tmp_path, monkeypatch):
    """HH:MM resolves to 29/01/2017; the replay server announces its clock (X-Replay-Clock),
    the watcher records it, and DASHBOARD_EMBARGO_CLOCK=feed judges the embargo on it."""
    store = Store(tmp_path / "live")
    docs = night_documents(Store(DATA / "store"), DATA, 2)
    monkeypatch.setenv("DASHBOARD_EMBARGO_UNTIL", "20:00")
    monkeypatch.setenv("DASHBOARD_EMBARGO_CLOCK", "feed")
    assert clock_now(store.root) is None  # nothing recorded yet: the embargo holds
    start = datetime(2017, 1, 29, 19, 55, tzinfo=PARIS)
    with start_replay_server(2, documents=docs, speed=0, data_dir=DATA, start=start) as server:
        poll_once(server.url, store=store, data_dir=DATA, raw_dir=tmp_path / "raw")
    assert read_status(store.root).source_clock == "2017-01-29T19:55:00+01:00"
    assert embargo_for(ELECTION, 2).active(clock_now(store.root))
    start = datetime(2017, 1, 29, 20, 45, tzinfo=PARIS)
    with start_replay_server(2, documents=docs, speed=0, data_dir=DATA, start=start) as server:
        result = poll_once(server.url, store=store, data_dir=DATA, raw_dir=tmp_path / "raw")
    assert result.outcome == "nouveau"
    assert clock_now(store.root) == datetime(2017, 1, 29, 20, 45, tzinfo=PARIS)
    assert not embargo_for(ELECTION, 2).active(clock_now(store.root))
    assert clock_now(store.root, mode="system").year > 2017
