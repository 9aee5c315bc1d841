"""The map of results by département (dashboard/charts/map.py) and its geometry (data/geo)."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import plotly.graph_objects as go
import pytest

from dashboard.charts.map import AREA_TABLE_COLUMNS, build_area_table, build_map
from dashboard.charts.theme import house_template
from dashboard.fr import NBSP

ROOT = Path(__file__).resolve().parents[1]
FIXTURE = ROOT / "tests" / "fixtures" / "map" / "presidentielle-2022-departements-definitifs.csv"
GEO = ROOT / "data" / "geo" / "departements.geojson"
OVERSEAS = ["Guadeloupe", "Martinique", "Guyane", "La Réunion", "Mayotte"]
ZOOM = "Paris et petite couronne"
NOT_DRAWN = ["ZN", "ZP", "ZS", "ZW", "ZX", "ZZ"]


@pytest.fixture(scope="module")
def geometry() -> dict:
    return json.loads(GEO.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def presidentielle_2022_definitive_by_departement() -> pd.DataFrame:
    """Both rounds' definitive results by département as the ministry published them (107
    areas: 101 départements, the overseas collectivities and the French abroad)."""
    return pd.read_csv(FIXTURE, dtype={"area_code": str})


def one_round(df: pd.DataFrame, n: int) -> pd.DataFrame:
    return df[df["round"] == n].reset_index(drop=True)


def map_of(df: pd.DataFrame, n: int, **kw) -> go.Figure:
    return build_map(
        one_round(df, n),
        json.loads(GEO.read_text(encoding="utf-8")),
        template=house_template(),
        **kw,
    )


def data_traces(fig: go.Figure) -> list:
    return [t for t in fig.data if (t.meta or {}).get("role") in ("leader", "share")]


def hover_of(fig: go.Figure, code: str) -> str:
    for trace in data_traces(fig):
        for custom in trace.customdata:
            if custom[1] == code:
                return custom[0]
    raise AssertionError(f"{code} not on the map")


def test_geometry_has_every_departement_once_with_ministry_codes(geometry):
    ids = [f["id"] for f in geometry["features"]]
    assert len(ids) == 101 and len(set(ids)) == 101
    ministry = {f["id"]: f["properties"]["ministry_code"] for f in geometry["features"]}
    assert [ministry[c] for c in ("971", "972", "973", "974", "976")] == [
        "ZA",
        "ZB",
        "ZC",
        "ZD",
        "ZM",
    ]
    assert ministry["2A"] == "2A" and ministry["01"] == "01"
    assert [(i["nom"], i["codes"], i["label"]) for i in geometry["insets"]] == [
        ("Guadeloupe", ["971"], "under"),
        ("Martinique", ["972"], "under"),
        ("Guyane", ["973"], "under"),
        ("La Réunion", ["974"], "under"),
        ("Mayotte", ["976"], "under"),
        (ZOOM, ["75", "92", "93", "94"], "above"),
    ]
    assert geometry["projection"] == {
        "type": "conic conformal",
        "parallels": [44.0, 49.0],
        "rotation_lon": 2.5,
    }
    assert GEO.stat().st_size < 200_000


def test_round_2_leader_map_colours_corse_du_sud_for_le_pen(
    geometry, presidentielle_2022_definitive_by_departement
):
    fig = map_of(presidentielle_2022_definitive_by_departement, 2)
    traces = {t.meta["candidate_id"]: t for t in data_traces(fig)}
    assert sorted(traces) == ["le-pen", "macron"]
    le_pen = traces["le-pen"]
    assert "2A" in le_pen.locations and "2A" not in traces["macron"].locations
    assert le_pen.colorscale[-1][1] == "#1D2344"
    # Every département with figures is drawn once; the collectivities and abroad are not.
    assert sum(len(t.locations) for t in data_traces(fig)) == 101
    assert fig.layout.meta["areas"] == 101
    assert fig.layout.meta["not_drawn"] == NOT_DRAWN
    assert [t for t in fig.data if t.meta["role"] == "no-data"] == []
    assert le_pen.colorbar.title.text == "Marine Le Pen<br>en tête : 28 dép."
    assert list(le_pen.colorbar.ticktext) == ["0", "", "", "", "≥\u00a040\u00a0pts"]


def test_hover_of_corse_du_sud_in_french(geometry, presidentielle_2022_definitive_by_departement):
    fig = map_of(presidentielle_2022_definitive_by_departement, 2)
    s = NBSP
    assert hover_of(fig, "2A") == (
        "<b>Corse-du-Sud</b> (2A)"
        f"<br>En tête : Marine Le Pen — 58,32{s}% (36{s}584 voix)"
        f"<br>2e : Emmanuel Macron — 41,68{s}% (26{s}144 voix)"
        f"<br>Écart : 16,64{s}pts"
        f"<br>Exprimés : 62{s}728"
    )


def test_overseas_departements_drawn_in_framed_insets(
    geometry, presidentielle_2022_definitive_by_departement
):
    fig = map_of(presidentielle_2022_definitive_by_departement, 1)
    # The ministry's ZA (Guadeloupe) is drawn as the geometry's 971.
    located = {loc: t.meta["candidate_id"] for t in data_traces(fig) for loc in t.locations}
    assert located["971"] == "melenchon" and "ZA" not in located
    frames = next(t for t in fig.data if t.meta["role"] == "inset-frames")
    assert list(frames.lon).count(None) == 6
    labels = next(t for t in fig.data if t.meta["role"] == "inset-labels")
    assert list(labels.text) == [*OVERSEAS, ZOOM]
    # The zoom's long name sits above its frame, from its left corner: under the territory,
    # like the overseas names, it would overflow the box on a phone.
    assert list(labels.textposition) == ["middle center"] * 5 + ["top right"]
    # A line trace first: plotly.js then fetches no world topojson from its CDN (offline).
    assert isinstance(fig.data[0], go.Scattergeo)
    assert fig.layout.geo.visible is False
    assert fig.layout.geo.projection.type == "conic conformal"
    assert fig.layout.geo.projection.rotation.lon == 2.5
    assert list(fig.layout.geo.lonaxis.range) == [-5.72, 9.81]


def outer_rings_inside(feature: dict, frame: list) -> list[bool]:
    """For each polygon of `feature`: is its outer ring within the frame's lon/lat bounds?"""
    lons, lats = [p[0] for p in frame], [p[1] for p in frame]
    return [
        all(min(lons) <= x <= max(lons) and min(lats) <= y <= max(lats) for x, y in poly[0])
        for poly in feature["geometry"]["coordinates"]
    ]


def lon_span(ring: list) -> float:
    return max(p[0] for p in ring) - min(p[0] for p in ring)


def test_paris_and_petite_couronne_drawn_in_place_and_enlarged_as_one_location(
    geometry, presidentielle_2022_definitive_by_departement
):
    zoom = next(i for i in geometry["insets"] if i["nom"] == ZOOM)
    features = {f["id"]: f for f in geometry["features"]}
    for code in ("75", "92", "93", "94"):
        # One feature, two outlines: where it is, and in the zoom's frame.
        assert outer_rings_inside(features[code], zoom["frame"]) == [False, True]
    paris_here, paris_zoomed = features["75"]["geometry"]["coordinates"]
    assert lon_span(paris_zoomed[0]) > 4 * lon_span(paris_here[0])
    fig = map_of(presidentielle_2022_definitive_by_departement, 1)
    located = [loc for t in data_traces(fig) for loc in t.locations]
    # Seine-Saint-Denis is one location: one colour, one hover, one click in both places.
    assert located.count("93") == 1
    assert hover_of(fig, "93").startswith("<b>Seine-Saint-Denis</b> (93)<br>En tête : Jean-Luc")


def test_round_1_has_three_leaders_with_one_colour_bar_each(
    geometry, presidentielle_2022_definitive_by_departement
):
    fig = map_of(presidentielle_2022_definitive_by_departement, 1)
    counts = {t.meta["candidate_id"]: len(t.locations) for t in data_traces(fig)}
    assert counts == {"macron": 49, "le-pen": 42, "melenchon": 10}
    assert [t.colorbar.title.text.split("<br>")[0] for t in data_traces(fig)] == [
        "Emmanuel Macron",
        "Marine Le Pen",
        "Jean-Luc Mélenchon",
    ]


def test_share_map_of_one_candidate(geometry, presidentielle_2022_definitive_by_departement):
    fig = map_of(
        presidentielle_2022_definitive_by_departement, 1, mode="share", candidate_id="macron"
    )
    (trace,) = data_traces(fig)
    assert len(trace.locations) == 101
    assert trace.colorscale[-1][1] == "#F6B923"
    assert dict(zip(trace.locations, trace.z, strict=True))["01"] == 27.6875
    assert trace.colorbar.title.text == "Emmanuel Macron"
    assert fig.layout.title.subtitle.text == (
        "Part de Emmanuel Macron dans chaque département, en % des suffrages exprimés"
    )
    s = NBSP
    assert hover_of(fig, "01") == (
        f"<b>Ain</b> (01)<br>Emmanuel Macron : 27,69{s}% (92{s}206 voix)"
        f"<br>Rang : 1er sur 12<br>Exprimés : 333{s}024"
    )


def test_share_map_defaults_to_the_leader_of_most_departements(
    geometry, presidentielle_2022_definitive_by_departement
):
    fig = map_of(presidentielle_2022_definitive_by_departement, 2, mode="share")
    assert fig.layout.meta["candidate_id"] == "macron"


def test_partial_night_greys_departements_without_figures(
    geometry, presidentielle_2022_definitive_by_departement
):
    df = one_round(presidentielle_2022_definitive_by_departement, 2)
    fig = build_map(
        df[df["area_code"].isin(["01", "2A", "75"])], geometry, template=house_template()
    )
    assert sum(len(t.locations) for t in data_traces(fig)) == 3
    (grey,) = [t for t in fig.data if t.meta["role"] == "no-data"]
    assert len(grey.locations) == 98
    assert "01" not in grey.locations
    assert grey.customdata[list(grey.locations).index("02")][0] == (
        "<b>Aisne</b> (02)<br>pas de résultat"
    )


def test_no_area_figures_draws_the_empty_map(geometry):
    columns = ["round", "area_code", "area_name", "candidate_id", "name", "colour", "votes"]
    empty = pd.DataFrame(columns=[*columns, "exprimes", "share_pct"])
    fig = build_map(empty, geometry, template=house_template())
    assert data_traces(fig) == []
    (grey,) = [t for t in fig.data if t.meta["role"] == "no-data"]
    assert len(grey.locations) == 101
    assert fig.layout.title.subtitle.text == "Aucun résultat par département"


def test_names_from_data_are_escaped_in_hover_and_colour_bar(
    geometry, presidentielle_2022_definitive_by_departement
):
    df = one_round(presidentielle_2022_definitive_by_departement, 2).copy()
    df.loc[df["candidate_id"] == "le-pen", "name"] = "<img src=x onerror=alert(1)>"
    fig = build_map(df, geometry, template=house_template())
    assert "&lt;img src=x onerror=alert(1)&gt;" in hover_of(fig, "2A")
    assert "<img" not in hover_of(fig, "2A")
    titles = [t.colorbar.title.text for t in data_traces(fig)]
    assert "&lt;img src=x onerror=alert(1)&gt;<br>en tête : 28 dép." in titles


def test_unknown_mode_is_refused(geometry, presidentielle_2022_definitive_by_departement):
    with pytest.raises(ValueError, match="mode must be one of"):
        build_map(
            presidentielle_2022_definitive_by_departement,
            geometry,
            template=house_template(),
            mode="bubbles",
        )


def test_area_table_lists_every_area_in_french(presidentielle_2022_definitive_by_departement):
    table = build_area_table(one_round(presidentielle_2022_definitive_by_departement, 2))
    assert list(table.columns) == list(AREA_TABLE_COLUMNS)
    assert len(table) == 107
    s = NBSP
    corse = table[table["Code"] == "2A"].iloc[0].to_dict()
    assert corse == {
        "Département": "Corse-du-Sud",
        "Code": "2A",
        "En tête": "Marine Le Pen",
        "Part": f"58,32{s}%",
        "Deuxième": "Emmanuel Macron",
        "Part du 2e": f"41,68{s}%",
        "Écart": f"16,64{s}pts",
        "Exprimés": f"62{s}728",
    }
    assert table["Code"].iloc[-1] == "ZZ"
    assert table["Département"].iloc[-1] == "Français établis hors de France"


def test_map_renders_offline_with_every_departement(
    geometry, presidentielle_2022_definitive_by_departement
):
    """Chromium with no network draws every département: no world topojson is fetched."""
    from dashboard.export.render import render_image

    fig = map_of(presidentielle_2022_definitive_by_departement, 2)
    svg = render_image(fig, "svg", width=900, height=700).decode("utf-8")
    assert svg.count('class="choroplethlocation"') == 101
    assert svg.count(">Guadeloupe<") == 1
    assert svg.count(">Paris et petite couronne<") == 1
