"""AppTest of what issue 13 asked of the staff screens: the moment selector (one stop per count,
turnout apart, human deep links, a new round at its latest), French tables and CSV, the chart
descriptions, the reactions page's legend, highlight and links, and no developer hint on a
page readers see."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pandas as pd
from conftest import DATA
from streamlit.testing.v1 import AppTest

from dashboard.charts.bundles import french_csv, french_table, results_view, vote_split_bundle
from dashboard.charts.theme import house_template
from dashboard.election import load_election
from dashboard.export import formats
from dashboard.results.views import load_candidates, load_results
from dashboard.store import Store
from dashboard.text import markdown

ROOT = Path(__file__).parent.parent
SCREENS = ROOT / "dashboard" / "app" / "screens"
NBSP = "\u00a0"


def page(name: str, **params: str) -> AppTest:
    at = AppTest.from_file(str(SCREENS / name), default_timeout=30)
    for key, value in params.items():
        at.query_params[key] = value
    return at.run()


def texts(at: AppTest) -> str:
    parts = [e.value for kind in ("markdown", "caption", "info", "warning") for e in at.get(kind)]
    return "\n".join(str(p) for p in parts)


def query(at: AppTest, key: str) -> str | None:
    value = at.query_params.get(key)
    return value[0] if isinstance(value, list) else value


def round_2_view(store_dir: Path):
    store = Store(store_dir)
    election = load_election(DATA / "election.toml")
    return results_view(load_results(store), load_candidates(store), election, 2)


# --- the moment selector ------------------------------------------------------------------


def test_round_2_stops_are_the_counts_only_and_the_last_is_the_latest(app_env):
    at = page("results.py")
    assert not at.exception, at.exception
    slider = at.select_slider(key="at-2")
    # 12:00 and 17:00 are turnout reports: not stops. 02/02 (the definitive, date only) is
    # the last stop, "dernier relevé", and appears once.
    assert slider.options == [
        "29/01 20:40",
        "29/01 21:45",
        "29/01 23:50",
        "30/01",
        "02/02 · dernier relevé",
    ]
    assert slider.value == "dernier relevé"
    assert (
        "Participation publiée dans la journée : à 29/01 12:00, 567\u00a0000 votants ; à "
        "29/01 17:00, 1\u00a0200\u00a0000 votants." in [c.value for c in at.caption]
    )


def test_a_deep_link_at_2350_stays_2350_in_the_address(app_env):
    at = page("results.py", round="2", at="23:50")
    assert at.select_slider(key="at-2").value == "29/01 23:50"
    assert query(at, "at") == "23:50"


def test_a_chosen_moment_is_written_as_a_person_would(app_env):
    at = page("results.py")
    at.select_slider(key="at-2").set_value("29/01 21:45").run()
    assert query(at, "at") == "21h45"
    at.select_slider(key="at-2").set_value("30/01").run()
    assert query(at, "at") == "2017-01-30"  # the source gives the date only
    assert "au 30/01/2017 — partiel" in texts(at)
    at.select_slider(key="at-2").set_value("dernier relevé").run()
    assert query(at, "at") is None


def test_a_date_only_deep_link_opens_that_day(app_env):
    at = page("results.py", round="2", at="2017-01-30")
    assert not at.exception, at.exception
    assert at.select_slider(key="at-2").value == "30/01"
    assert query(at, "at") == "2017-01-30"


def test_switching_round_opens_that_rounds_latest(app_env):
    at = page("results.py", round="2", at="20:40")
    assert "au 29/01/2017 à 20:40 — partiel" in texts(at)
    at.radio(key="round").set_value(1).run()
    assert query(at, "at") is None
    assert at.select_slider(key="at-1").value == "dernier relevé"
    assert "au 25/01/2017 — définitif" in texts(at)
    at.radio(key="round").set_value(2).run()
    assert "au 02/02/2017 — définitif" in texts(at)


# --- data: French on screen, in the CSV -----------------------------------------------------


def test_voir_les_donnees_shows_french_headers_and_numbers(app_env):
    at = page("results.py")
    at.toggle(key="vote-split-data").set_value(True).run()
    table = at.table[0].value
    assert table.index.name == "Candidat"
    assert list(table.columns) == ["Voix", "Part (%)", "Part publiée (%)", "Base"]
    assert table.loc["Benoît Hamon"].tolist() == [
        f"1{NBSP}181{NBSP}872",
        "58,69",
        "58,69",
        "suffrages exprimés",
    ]


def test_the_csv_has_french_headers_semicolons_and_decimal_commas(store_dir):
    bundle = vote_split_bundle(round_2_view(store_dir), house_template())
    text = formats.data_csv(french_csv(bundle.data)).decode("utf-8-sig")
    lines = text.splitlines()
    assert lines[0] == "Candidat;Voix;Part (%);Part publiée (%);Base"
    assert lines[1] == "Benoît Hamon;1181872;58,69;58,69;suffrages exprimés"
    back = pd.read_csv(io.StringIO(text), sep=";", decimal=",")
    assert back["Voix"].tolist() == [1181872, 831871]


def test_the_progress_table_reads_as_french(store_dir):
    from dashboard.charts.bundles import progress_bundle

    table = french_table(progress_bundle(round_2_view(store_dir), house_template()).data)
    assert list(table.columns)[:4] == ["Heure", "Statut", "Candidat", "Part (%)"]
    first = table.iloc[0]
    assert (first["Heure"], first["Statut"], first["Bureaux dépouillés"]) == (
        "29/01/2017 20:40",
        "partiel",
        f"4{NBSP}322",
    )


# --- charts described on screen --------------------------------------------------------------


def test_each_chart_is_followed_by_its_description(app_env, store_dir):
    at = page("results.py")
    labels = [e.label for e in at.expander]
    assert labels.count("Description du graphique") == 2
    bundle = vote_split_bundle(round_2_view(store_dir), house_template())
    described = [m.value for e in at.expander for m in e.markdown]
    assert described[0] == markdown(bundle.alt_text)
    assert described[0].startswith("Diagramme en barres, Primaire de la gauche 2017 — 2nd tour")


# --- reactions --------------------------------------------------------------------------------


def timeline(at: AppTest) -> dict:
    return json.loads(at.get("plotly_chart")[0].proto.spec)


def test_the_legend_title_follows_the_vertical_axis(app_env):
    at = page("reactions.py")
    assert timeline(at)["layout"]["legend"]["title"]["text"] == "Média :"
    at.get("button_group")[0].set_value("personne").run()
    assert timeline(at)["layout"]["legend"]["title"]["text"] == "Camp et média :"


def test_an_entry_opened_by_its_link_is_ringed_and_linked_absolutely(app_env):
    from dashboard.liveblog.store import current_entries

    entries = current_entries(Store(app_env))
    eid = entries[entries["headline"] == "Un lourd silence"].iloc[0]["entry_id"]
    at = page("reactions.py", entry=eid)
    ring = [t for t in timeline(at)["data"] if t.get("name") == "entrée ouverte"]
    assert len(ring) == 1 and ring[0]["y"] == ["PS (exécutif)"]
    links = [m.value for m in at.markdown if m.value.startswith("Lien vers cette entrée")]
    # Outside a browser (AppTest) the app's address is unknown: the path from its root.
    assert links == [
        f"Lien vers cette entrée : [{markdown(f'/reactions?entry={eid}')}](/reactions?entry={eid})"
    ]
    table = at.dataframe[-1].value
    assert set(table["lien"]) == {f"/reactions?entry={e}" for e in entries["entry_id"]}


def test_readers_see_no_command_line(app_env, monkeypatch, tmp_path):
    empty = tmp_path / "no-blog"
    empty.mkdir()
    for name in ("candidates.parquet", "results.parquet"):
        (empty / name).write_bytes((app_env / name).read_bytes())
    monkeypatch.setenv("DASHBOARD_STORE_DIR", str(empty))
    at = page("reactions.py")
    assert [i.value for i in at.info] == [
        "Aucune réaction enregistrée pour le moment : elles apparaîtront ici dès que la "
        "rédaction aura relevé les premières."
    ]
    live = page("live.py")
    shown = texts(live) + texts(at)
    assert "python -m" not in shown and "Lancez" not in shown
    assert "Aucun flux suivi en ce moment : dernières figures enregistrées." in texts(live)
