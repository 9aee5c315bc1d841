"""The map section of the results page (dashboard/app/screens/map_section.py) and the area
frame it reads from the results long table (charts.map.area_rows)."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from dashboard.charts.map import FRAME_COLUMNS, area_rows

ROOT = Path(__file__).parent.parent
PAGE = str(ROOT / "dashboard" / "app" / "screens" / "results.py")
FIXTURE = ROOT / "tests" / "fixtures" / "map" / "presidentielle-2022-departements-definitifs.csv"
PARIS_TZ = "Europe/Paris"


def test_primary_without_areas_says_so_in_one_line(app_env):
    at = AppTest.from_file(PAGE, default_timeout=30).run()
    assert not at.exception, at.exception
    assert [h.value for h in at.subheader][-1] == "Résultats par département"
    captions = [c.value for c in at.caption if c.value.startswith("Carte indisponible")]
    assert captions == [
        "Carte indisponible : pas de résultats par département pour cette élection."
    ]
    assert len(at.get("plotly_chart")) == 2  # vote split and count progress, no map
    assert [r.label for r in at.radio] == ["Tour"]


def long_table(rounds: tuple[int, ...] = (2,)) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The fixture's definitive rows as the results long table holds them (schema 2: one row
    per snapshot, area and candidate), and the candidates table."""
    df = pd.read_csv(FIXTURE, dtype={"area_code": str})
    df = df[df["round"].isin(rounds)]
    results = pd.DataFrame(
        {
            "election_id": "presidentielle-2022",
            "round": df["round"],
            "snapshot_id": "t" + df["round"].astype(str) + "-definitif-dpt",
            "as_of": pd.Timestamp("2022-04-28 14:21", tz=PARIS_TZ),
            "status": "definitive",
            "kind": "count",
            "exprimes": df["exprimes"],
            "area_level": "departement",
            "area_code": df["area_code"],
            "area_name": df["area_name"],
            "candidate_id": df["candidate_id"],
            "votes": df["votes"],
            "share_published": None,
            "share_base": "exprimes",
            "source_url": "https://www.data.gouv.fr/",
            "note": None,
            "flags": [[] for _ in range(len(df))],
            "bureaux_counted": None,
            "bureaux_total": None,
            "votants": None,
            "blancs": None,
            "nuls": None,
            "recorded_at": pd.Timestamp("2022-04-28 12:30", tz="UTC"),
        }
    )
    candidates = pd.read_csv(
        ROOT / "tests" / "fixtures" / "ministry" / "presidentielle-2022" / "candidates.csv"
    )
    return results.reset_index(drop=True), candidates


def test_area_rows_reads_the_departements_of_the_long_table():
    results, candidates = long_table()
    national = results.head(2).assign(area_level=None, area_code=None, area_name=None)
    rows = area_rows(pd.concat([national, results], ignore_index=True), candidates, 2)
    assert list(rows.columns[: len(FRAME_COLUMNS)]) == list(FRAME_COLUMNS)
    assert len(rows) == 214 and rows["area_code"].nunique() == 107
    corse = rows[rows["area_code"] == "2A"].set_index("candidate_id")
    assert corse.loc["le-pen", "name"] == "Marine Le Pen"
    assert corse.loc["le-pen", "colour"] == "#1D2344"
    assert round(corse.loc["le-pen", "share_pct"], 4) == 58.3216


def test_area_rows_takes_each_areas_latest_valid_snapshot_by_the_moment():
    results, candidates = long_table()
    ain = results[results["area_code"] == "01"]
    # An earlier partial count of Ain, and a later one refused by validation.
    earlier = ain.assign(
        snapshot_id="t2-2100-dpt",
        as_of=pd.Timestamp("2022-04-24 21:00", tz=PARIS_TZ),
        status="partial",
        votes=ain["votes"] // 2,
        exprimes=ain["exprimes"] // 2,
    )
    flagged = ain.assign(
        snapshot_id="t2-2300-dpt",
        as_of=pd.Timestamp("2022-04-28 15:00", tz=PARIS_TZ),
        votes=1,
        flags=[["Σ voix ≠ exprimés"]] * len(ain),
    )
    table = pd.concat([earlier, results, flagged], ignore_index=True)
    now = area_rows(table, candidates, 2).set_index(["area_code", "candidate_id"])
    assert (
        now.loc[("01", "macron"), "votes"] == ain.set_index("candidate_id").loc["macron", "votes"]
    )
    assert now.loc[("01", "macron"), "status"] == "definitive"
    then = area_rows(table, candidates, 2, pd.Timestamp("2022-04-24 22:00", tz=PARIS_TZ))
    assert list(then["area_code"].unique()) == ["01"]
    assert list(then["status"].unique()) == ["partial"]


def test_area_rows_of_an_election_without_areas_is_empty():
    results, candidates = long_table()
    assert area_rows(results.drop(columns=["area_level"]), candidates, 2).empty
    assert area_rows(results, candidates, 1).empty


def bundle_2022(round_: int = 2, *, dark: bool = False):
    from dashboard.charts.bundles import load_geometry, map_bundle, results_view
    from dashboard.charts.map import area_rows
    from dashboard.charts.theme import house_template
    from dashboard.election import load_election

    election = load_election(ROOT / "tests/fixtures/ministry/presidentielle-2022/election.toml")
    results, candidates = long_table((1, 2))
    view = results_view(results, candidates, election, round_)
    rows = area_rows(results, candidates, round_)
    return map_bundle(view, house_template(dark=dark), geojson=load_geometry(), rows=rows)


def test_map_bundle_says_what_it_shows():
    b = bundle_2022()
    assert b.name == "map" and b.slug == "carte"
    assert b.title == "Présidentielle 2022 — 2nd tour : résultats par département"
    assert b.subtitle == (
        "Couleur du candidat en tête ; plus elle est foncée, plus son avance sur le deuxième "
        "est grande (en points) · au 28/04/2022 à 14:21 — définitif"
    )
    assert b.alt_text == (
        "Carte de France des départements, Présidentielle 2022 — 2nd tour : résultats par "
        "département, candidat en tête par département, teinte selon son avance sur le "
        "deuxième, résultats définitifs au 28/04/2022 à 14:21 : Emmanuel Macron en tête dans "
        "73 départements, Marine Le Pen en tête dans 28 départements."
    )
    assert b.source_line.startswith(
        "Source : Ministère de l'Intérieur via data.gouv.fr — données au 28/04/2022 14:21, "
        "107 zones ; fond de carte IGN Admin Express"
    )
    assert len(b.data) == 107 and list(b.data.columns)[:3] == ["code", "département", "en_tête"]


def test_map_in_every_export_preset_light_and_dark():
    from dashboard.export.formats import export_chart
    from dashboard.export.frame import PRESETS

    for dark in (False, True):
        b = bundle_2022(dark=dark)
        for preset in PRESETS:
            svg = export_chart(b.fig, fmt="svg", preset=preset, frame=b, dark=dark).content
            text = svg.decode("utf-8")
            assert text.count('class="choroplethlocation"') == 101, (preset, dark)
            assert "Présidentielle 2022 — 2nd tour : résultats par département" in text
            assert text.count(">Mayotte<") == 1


def test_export_names_the_map_and_refuses_it_for_the_primary_in_one_line(app_env, capsys):
    from dashboard.cli.main import main

    assert main(["export", "--list"]) == 0
    assert "map                 Carte par département" in capsys.readouterr().out.splitlines()
    assert main(["export", "map", "--format", "csv", "--out", str(app_env / "x.csv")]) == 2
    err = capsys.readouterr().err
    assert err == "error: pas de résultats par département pour cette élection\n"


@pytest.fixture
def presidentielle_2022_by_departement(tmp_path, monkeypatch) -> Path:
    """A built store of the 2022 presidential's definitive results, by département and
    national, and the settings pointing the app at it."""
    from dashboard.testing import built_election_with_departements

    env = built_election_with_departements(tmp_path)
    folder = Path(env["DASHBOARD_DATA_DIR"])
    monkeypatch.setenv("DASHBOARD_DATA_DIR", str(folder))
    monkeypatch.setenv("DASHBOARD_STORE_DIR", env["DASHBOARD_STORE_DIR"])
    monkeypatch.delenv("DASHBOARD_ELECTION", raising=False)
    monkeypatch.delenv("DASHBOARD_EMBARGO_UNTIL", raising=False)
    return folder


def test_2022_map_table_and_the_card_of_a_picked_departement(presidentielle_2022_by_departement):
    at = AppTest.from_file(PAGE, default_timeout=60).run()
    assert not at.exception, at.exception
    specs = [json.loads(c.proto.spec) for c in at.get("plotly_chart")]
    (geo,) = [s for s in specs if s["layout"].get("meta", {}).get("chart") == "map"]
    located = [loc for t in geo["data"] if t.get("type") == "choropleth" for loc in t["locations"]]
    assert len(located) == 101
    assert [r.label for r in at.radio] == ["Tour", "Carte"]
    (table,) = at.dataframe
    assert len(table.value) == 107 and list(table.value.columns)[:3] == [
        "Département",
        "Code",
        "En tête",
    ]
    at.selectbox(key="map-area").set_value("2A").run()
    assert not at.exception, at.exception
    metrics = {m.label: (m.value, m.delta) for m in at.metric}
    assert metrics["En tête"] == ("Marine Le Pen", "58,32\u00a0%")
    assert metrics["Avance sur le 2e"] == ("16,64 pts", "Emmanuel Macron")
    assert metrics["Exprimés"] == ("62\u00a0728", "")
    specs = [json.loads(c.proto.spec) for c in at.get("plotly_chart")]
    split = specs[-1]
    assert split["layout"]["meta"]["chart"] == "vote-split"
    assert split["layout"]["title"]["text"] == "Corse-du-Sud (2A)"


def test_2022_share_map_of_a_chosen_candidate(presidentielle_2022_by_departement):
    at = AppTest.from_file(PAGE, default_timeout=60).run()
    at.radio(key="map-mode").set_value("share").run()
    assert not at.exception, at.exception
    at.selectbox(key="map-candidate-2").set_value("le-pen").run()
    specs = [json.loads(c.proto.spec) for c in at.get("plotly_chart")]
    (geo,) = [s for s in specs if s["layout"].get("meta", {}).get("chart") == "map"]
    assert geo["layout"]["meta"]["mode"] == "share"
    assert geo["layout"]["meta"]["candidate_id"] == "le-pen"
