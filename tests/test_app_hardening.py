"""Pages that meet bad stored records, a failed poll, a new snapshot (AppTest), and the
server limits in .streamlit/config.toml."""

from __future__ import annotations

import json
import tomllib
from datetime import UTC, datetime
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
from conftest import record_later_correction
from streamlit.testing.v1 import AppTest

from dashboard import settings
from dashboard.feed.watch import FeedStatus, write_status
from dashboard.testing import run_cli

ROOT = Path(__file__).parent.parent
SCREENS = ROOT / "dashboard" / "app" / "screens"
FUTURE_BLOG = """{"@context": "https://schema.org", "@type": "LiveBlogPosting", "headline": "x",
 "liveBlogUpdate": [
  {"@type": "BlogPosting", "headline": "Futur", "datePublished": "9999-12-31T12:00:00+01:00",
   "articleBody": "Le futur.", "url": "https://example.org/d#p9"},
  {"@type": "BlogPosting", "headline": "Normal", "datePublished": "2017-01-30T09:15:00+01:00",
   "articleBody": "Arnaud Montebourg salue la victoire.", "url": "https://example.org/d#p1"}]}
"""


def read(markdown: str) -> str:
    """What a reader sees of escaped Markdown: the backslashes and word joiners go."""
    return markdown.replace("\\", "").replace("\u2060", "")


def page(name: str) -> AppTest:
    return AppTest.from_file(str(SCREENS / name), default_timeout=30)


def ingest(env, tmp_path, text: str, source_url: str, name: str = "blog.txt") -> None:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    proc = run_cli(
        "liveblog", "ingest", str(path), "--date", "2017-01-30", "--source-url", source_url, env=env
    )
    assert proc.returncode == 0, proc.stderr


def test_config_limits_uploads_to_the_desk_limit_and_hides_error_details():
    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text(encoding="utf-8"))
    default = next(s.default for s in settings.SETTINGS if s.name == "upload_limit_mb")
    assert config["server"]["maxUploadSize"] == int(default) == 5
    assert config["server"]["enableXsrfProtection"] is True
    assert config["server"]["enableCORS"] is True
    assert config["client"]["showErrorDetails"] in ("none", "type")


def test_reactions_page_survives_a_blog_stored_without_an_http_source(app_env, env, tmp_path):
    """The reported crash: `--source-url blog-local` made the page raise on split("/")[2]."""
    ingest(env, tmp_path, "9h20 : Une entrée locale\n\nBenoît Hamon remercie.\n", "blog-local")
    at = page("reactions.py").run()
    assert not at.exception, at.exception
    assert any(
        "source locale" in read(c.value) and "atlantico.fr" in read(c.value) for c in at.caption
    )
    assert at.get("plotly_chart")


def test_timeline_still_draws_its_points_when_an_update_is_dated_9999(app_env, env, tmp_path):
    # Ingest now refuses such a date; a store written before that (or by hand) may hold one.
    ingest(
        env,
        tmp_path,
        FUTURE_BLOG.replace("9999-12-31", "2017-01-30"),
        "https://example.org/d",
        name="future.jsonld",
    )
    _date_stored_entry(app_env, "Futur", datetime(9999, 12, 31, 12, 0, tzinfo=UTC))
    at = page("reactions.py").run()
    assert not at.exception, at.exception
    assert any("1 entrée(s) datée(s) hors de la période" in w.value for w in at.warning)
    fig = json.loads(at.get("plotly_chart")[0].proto.spec)
    points = [
        t for t in fig["data"] if t.get("customdata") and t["name"] != "Annonce des résultats"
    ]
    assert sum(len(t["customdata"]) for t in points) == 7  # the 6 shipped + the 09:15 one
    breaks = fig["layout"]["xaxis"].get("rangebreaks", [])
    assert all(b["dvalue"] < 10 * 24 * 3600 * 1000 for b in breaks)  # no 8 000-year gap


def _date_stored_entry(store_dir: Path, headline: str, when: datetime) -> None:
    path = store_dir / "liveblog_entries.parquet"
    table = pq.read_table(path)
    rows = table.to_pylist()
    for row in rows:
        if row["headline"] == headline:
            row["published_at"] = when
    pq.write_table(pa.Table.from_pylist(rows, schema=table.schema), path)


def test_an_unreadable_store_shows_a_french_message_never_a_traceback(app_env):
    (app_env / "results.parquet").write_bytes(b"PAR1 not really parquet PAR1")
    at = AppTest.from_file(str(ROOT / "dashboard" / "app" / "main.py"), default_timeout=30).run()
    assert not at.exception, [e.value for e in at.exception]
    shown = " ".join(e.value for e in at.error)
    assert "Traceback" not in shown and "pyarrow" not in shown and str(app_env) not in shown
    assert shown, "nothing said"  # a message, whichever layer refused the file
    assert any(w in shown for w in ("n'a pas pu s'afficher", "illisible", "impossible")), shown


def test_live_status_is_interrupted_at_the_first_failed_poll_in_french(app_env, monkeypatch):
    """The reported lag: "Flux actif" stayed green up to 120 s after "connection refused"."""
    monkeypatch.setenv("DASHBOARD_STALE_AFTER", "120")
    now = datetime.now(tz=UTC)
    write_status(
        app_env,
        FeedStatus(
            url="http://127.0.0.1:1/results.json",
            last_poll_at=now,
            last_ok_at=now,
            last_outcome="erreur",
            consecutive_errors=1,
            last_error="http://127.0.0.1:1/results.json: connection refused after 3 attempts "
            "(is the feed server running?)",
        ),
    )
    at = page("live.py").run()
    assert not at.exception, at.exception
    assert not at.success  # no "Flux actif"
    # The shipped store's last figures are round 2's definitive ones, dated 02/02 with no hour.
    assert any(
        "Source interrompue — dernières données valides du 02/02" in e.value for e in at.error
    )
    detail = read(" ".join(c.value for c in at.caption))
    assert "connexion refusée après 3 tentatives : le serveur du flux est-il lancé ?" in detail
    assert "is the feed server running" not in detail


def test_results_page_keeps_a_chosen_moment_and_follows_the_latest(app_env):
    follower = page("results.py").run()
    chooser = page("results.py").run()
    chooser.select_slider(key="at-2").set_value("29/01 20:40").run()
    assert any(c.value.startswith("mis à jour à ") for c in follower.caption)
    record_later_correction(app_env)
    follower.run()
    chooser.run()
    assert {m.label: m.value for m in follower.metric}["Votants"] == "2\u00a0045\u00a0400"
    assert {m.label: m.value for m in chooser.metric}["Bureaux dépouillés"] == (
        "4\u00a0322 / 7\u00a0208"
    )
