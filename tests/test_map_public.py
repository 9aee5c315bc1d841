"""The map in the public edition: two light SVG files per round (phone, wide) drawn once per
build, a section on each round's page and a page with the table of areas; on each moment's
page, the map of that moment, or one line when there was none yet."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from dashboard.public.site import build_site
from dashboard.store import Store
from dashboard.testing import DATA, built_election_with_departements


@pytest.fixture(scope="module")
def site_2022(tmp_path_factory: pytest.TempPathFactory) -> dict[str, bytes]:
    """The files of the public site of the 2022 presidential: the night's timed counts, then
    the definitive results by département (round 1's published on 14/04 at 15:23)."""
    env = built_election_with_departements(tmp_path_factory.mktemp("public-map"), night=True)
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


def map_images(page: str) -> list[str]:
    return re.findall(r'(?:srcset|src)="\.\./(carte/[^"]+)"', page)


def test_a_night_moment_before_any_departement_says_so_in_one_line(site_2022):
    page = site_2022["tour-1/0044.html"].decode("utf-8")
    assert (
        '<p class="muted" id="carte">Pas encore de résultats par département au 11/04/2022 à '
        '00:44 — voir la <a href="../tour-1/index.html#carte">carte du 1er tour</a> (chiffres '
        "au 14/04/2022 à 15:23).</p>"
    ) in page
    assert map_images(page) == []
    assert "Résultats par département</h2>" not in page


def test_the_moment_of_the_departements_shows_its_map_drawn_once(site_2022):
    round_page = site_2022["tour-1/index.html"].decode("utf-8")
    page = site_2022["tour-1/1523.html"].decode("utf-8")
    assert "les chiffres au 14/04/2022 à 15:23" in page
    assert '<h2 id="carte">Résultats par département</h2>' in page
    # The same map as the round's (the same départements' figures): the same two files, not
    # drawn again — the build holds one pair of map files per round.
    assert map_images(page) == map_images(round_page) != []
    assert '<a href="../tour-1/departements.html">Tableau des 107 zones</a>' in page
