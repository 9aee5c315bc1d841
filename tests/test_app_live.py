"""AppTest of the live page: freshness, the stale banner with the last figures kept, the
embargo, and a store that has no snapshot yet."""

from __future__ import annotations

import shutil
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from conftest import record_later_correction
from streamlit.testing.v1 import AppTest

from dashboard.feed.watch import FeedStatus, write_status

ROOT = Path(__file__).parent.parent
PAGE = str(ROOT / "dashboard" / "app" / "screens" / "live.py")


@pytest.fixture(autouse=True)
def stale_after(monkeypatch):
    monkeypatch.setenv("DASHBOARD_STALE_AFTER", "60")


def run() -> AppTest:
    at = AppTest.from_file(PAGE, default_timeout=30).run()
    assert not at.exception, at.exception
    return at


def metric(at: AppTest, label: str) -> str:
    return next(m.value for m in at.metric if m.label == label)


def test_fresh_feed_says_when_it_was_updated(app_env):
    now = datetime.now(tz=UTC)
    write_status(
        app_env,
        FeedStatus(
            url="http://127.0.0.1:1/results.json",
            last_poll_at=now,
            last_ok_at=now,
            last_outcome="inchangé",
        ),
    )
    at = run()
    assert any("Flux actif — mis à jour à" in s.value for s in at.success)
    assert not at.error
    assert metric(at, "Votants") == "2\u00a0045\u00a0343"


def test_feed_down_shows_the_stale_banner_and_keeps_the_last_figures(app_env):
    # The store's last valid snapshot is 23:50 (later ones removed for this scenario).
    from dashboard.model import RESULTS
    from dashboard.store import Store

    store = Store(app_env)
    table = store.read("results", RESULTS).to_pandas()
    keep = table[~table["snapshot_id"].isin(["t2-0130", "t2-definitif"])]
    import pyarrow as pa

    store.replace(
        "results", pa.Table.from_pandas(keep, schema=RESULTS, preserve_index=False), RESULTS
    )
    old = datetime.now(tz=UTC) - timedelta(minutes=10)
    write_status(
        app_env,
        FeedStatus(
            url="http://127.0.0.1:1/results.json",
            last_poll_at=datetime.now(tz=UTC),
            last_ok_at=old,
            last_outcome="erreur",
            consecutive_errors=12,
            last_error="connection refused after 3 attempts (is the feed server running?)",
        ),
    )
    at = run()
    banner = " ".join(e.value for e in at.error)
    assert "Source interrompue — dernières données valides de 23:50" in banner
    assert any("connexion refusée" in c.value for c in at.caption)  # in French (issue 8)
    assert metric(at, "En tête") == "Benoît Hamon"
    assert metric(at, "Votants") == "2\u00a0000\u00a0255"
    assert at.get("plotly_chart")  # the last figures stay on screen


def test_embargo_hides_shares_but_not_turnout(app_env, monkeypatch):
    monkeypatch.setenv("DASHBOARD_EMBARGO_UNTIL", "2199-01-01T19:00")
    at = run()
    assert metric(at, "Résultats") == "sous embargo"
    assert metric(at, "Votants") == "2\u00a0045\u00a0343"
    assert not at.get("plotly_chart")
    assert not any("Hamon" in m.value for m in at.metric)


def test_an_empty_live_store_waits_for_the_first_snapshot(app_env, monkeypatch, tmp_path):
    empty = tmp_path / "empty-store"
    empty.mkdir()
    shutil.copy(app_env / "candidates.parquet", empty)
    monkeypatch.setenv("DASHBOARD_STORE_DIR", str(empty))
    at = run()
    assert any("En attente du premier relevé" in i.value for i in at.info)


def test_a_new_snapshot_in_the_store_shows_on_the_next_rerun(app_env):
    """The loaders' cache is keyed on the store file: a watcher's write is seen at once."""
    at = run()
    assert metric(at, "Votants") == "2\u00a0045\u00a0343"
    record_later_correction(app_env)
    at.run()
    assert metric(at, "Votants") == "2\u00a0045\u00a0400"


def test_a_snapshot_known_by_its_date_only_is_shown_as_a_date(app_env):
    # The shipped round 2's latest snapshot: the definitive figures of 2 February, hour not
    # given by the source — never "02/02 00:00".
    at = run()
    assert metric(at, "Relevé") == "02/02"


def test_a_definitive_result_without_progress_figures_reads_as_counted(monkeypatch) -> None:
    """2022's definitive results give no bureaux: the card says the count is over, not
    "n. c." (the shipped 2022 store, read only)."""
    monkeypatch.setenv("DASHBOARD_DATA_DIR", str(ROOT / "data"))
    monkeypatch.setenv("DASHBOARD_ELECTION", "presidentielle-2022")
    for name in ("DASHBOARD_STORE_DIR", "DASHBOARD_DESK", "DASHBOARD_EMBARGO_UNTIL"):
        monkeypatch.delenv(name, raising=False)
    at = run()
    assert metric(at, "Dépouillement") == "terminé"
    assert metric(at, "Votants") == "35\u00a0096\u00a0478"
    assert "Bureaux dépouillés" not in [m.label for m in at.metric]
