"""The map in the public edition: two light SVG files per round (phone, wide) drawn once per
build, a section on each round's page and a page with the table of areas."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from dashboard.public.site import build_site
from dashboard.store import Store
from dashboard.testing import DATA, built_election_with_departements


@pytest.fixture(scope="module")
def site_2022(tmp_path_factory: pytest.TempPathFactory) -> dict[str, bytes]:
    """The files of the public site of the 2022 presidential with results by département."""
    env = built_election_with_departements(tmp_path_factory.mktemp("public-map"))
    store = Store(Path(env["DASHBOARD_STORE_DIR"]))
    files, _ = build_site(store, Path(env["DASHBOARD_DATA_DIR"]), every=30)
    return files


def test_each_round_page_shows_its_map_as_one_light_image(site_2022: dict[str, bytes]):
    maps = sorted(p for p in site_2022 if p.startswith("carte/"))
    assert [re.sub(r"\.[0-9a-f]{10}\.", ".#.", p) for p in maps] == [
        "carte/tour-1-360.#.svg",
        "carte/tour-1-720.#.svg",
        "carte/tour-2-360.#.svg",
        "carte/tour-2-720.#.svg",
    ]
    page = site_2022["tour-2/index.html"].decode("utf-8")
    narrow, wide = maps[2], maps[3]
    assert (
        f'<picture><source media="(min-width:640px)" srcset="../{wide}"><img src="../{narrow}" '
    ) in page
    assert '<h2 id="carte">Résultats par département</h2>' in page
    assert '<a href="../tour-2/departements.html">Tableau des 107 zones</a>' in page
    for name in (narrow, wide):
        svg = site_2022[name].decode("utf-8")
        assert len(site_2022[name]) < 100_000
        assert svg.count("<path d=") == 101 + 6  # départements, and the insets' frames
        assert svg.count(">Paris et petite couronne<") == 1
        assert "<script" not in svg and "style=" not in svg
        assert "<title>Corse-du-Sud (2A)</title>" in svg
        # Corse-du-Sud in Le Pen's colour (a shade of #1D2344), Mayotte drawn in its inset.
        assert re.search(
            r'fill="#[0-9a-f]{6}" stroke="#ffffff" stroke-width="0.6">'
            r"<title>Mayotte \(976\)",
            svg,
        )
    assert ">Marine Le Pen — en tête : 28 dép.<" in site_2022[wide].decode("utf-8")


def test_the_table_of_areas_page_lists_the_107_zones(site_2022: dict[str, bytes]):
    page = site_2022["tour-1/departements.html"].decode("utf-8")
    assert page.count("<tr>") == 1 + 107
    assert "<td>Corse-du-Sud</td><td>2A</td><td>Marine Le Pen</td>" in page
    assert "<td>Français établis hors de France</td><td>ZZ</td>" in page


def test_the_primary_without_areas_has_no_map_section(store_dir: Path):
    files, _ = build_site(Store(store_dir), DATA, every=30)
    assert not [p for p in files if p.startswith("carte/") or p.endswith("departements.html")]
    assert 'id="carte"' not in files["index.html"].decode("utf-8")
