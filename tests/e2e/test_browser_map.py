"""Real browser: the map of the results page (2022 by département) — drawn offline, a click on a
département opens its card. Debian's Chromium through Playwright against `streamlit run`."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import expect

from dashboard.testing import StreamlitServer, built_election_with_departements

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def app_2022(tmp_path_factory: pytest.TempPathFactory) -> Iterator[StreamlitServer]:
    """The app on a built store of the 2022 presidential by département (read-only)."""
    server = StreamlitServer(built_election_with_departements(tmp_path_factory.mktemp("map")))
    try:
        yield server
    finally:
        server.stop()


def open_map(browser, url: str, width: int):
    page = browser.new_page(viewport={"width": width, "height": 4200})
    page.goto(url)
    page.wait_for_selector(".js-plotly-plot .choroplethlocation", timeout=90_000)
    return page


def test_map_draws_every_departement_offline_and_a_click_opens_its_card(app_2022, browser):
    page = open_map(browser, f"{app_2022.url}/?round=2", 1440)
    # 101 départements drawn with no request to a CDN (plotly's world topojson included).
    expect(page.locator(".js-plotly-plot .choroplethlocation")).to_have_count(101, timeout=30_000)
    failed: list[str] = []
    page.on("requestfailed", lambda r: failed.append(r.url))
    # Click Corse-du-Sud on the map: its outline is the only one plotly tags with its id.
    shape = page.locator(".js-plotly-plot .choroplethlocation").nth(
        page.evaluate(
            "() => [...document.querySelectorAll('.js-plotly-plot .choroplethlocation')]"
            ".findIndex(p => p.__data__ && p.__data__.loc === '2A')"
        )
    )
    shape.scroll_into_view_if_needed()
    box = shape.bounding_box()
    assert box is not None
    page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    card = page.locator(".st-key-map-area-card")
    expect(card).to_contain_text("Corse-du-Sud (2A)", timeout=60_000)
    expect(card).to_contain_text("Marine Le Pen")
    expect(card).to_contain_text("58,32\u00a0%")
    expect(card.locator(".js-plotly-plot .bars .point")).to_have_count(2, timeout=30_000)
    assert not [u for u in failed if "cdn.plot.ly" in u]


def test_map_on_a_phone_puts_the_table_under_the_map(app_2022, browser):
    page = open_map(browser, f"{app_2022.url}/?round=1", 390)
    chart = page.locator(".js-plotly-plot", has=page.locator(".choroplethlocation")).first
    table = page.locator(".st-key-map-table")
    expect(table).to_be_visible(timeout=30_000)
    chart_box, table_box = chart.bounding_box(), table.bounding_box()
    assert chart_box is not None and table_box is not None
    assert table_box["y"] >= chart_box["y"] + chart_box["height"] - 1
    assert chart_box["width"] <= 390


# The centre of the largest outline of a département's path (its enlarged one, for Paris), in
# the page's coordinates: each outline is one `M…Z` of the location's single path.
LARGEST_OUTLINE_CENTRE = """(code) => {
  const path = [...document.querySelectorAll('.js-plotly-plot .choroplethlocation')]
    .find(p => p.__data__ && p.__data__.loc === code);
  let best = null;
  for (const d of path.getAttribute('d').split(/(?=M)/)) {
    const part = document.createElementNS('http://www.w3.org/2000/svg', 'path');
    part.setAttribute('d', d);
    path.parentNode.appendChild(part);
    const b = part.getBBox(), m = part.getScreenCTM();
    part.remove();
    const cx = b.x + b.width / 2, cy = b.y + b.height / 2;
    if (!best || b.width * b.height > best.area) {
      best = {area: b.width * b.height, x: m.a * cx + m.c * cy + m.e, y: m.b * cx + m.d * cy + m.f};
    }
  }
  return best;
}"""


def test_on_a_phone_a_tap_on_paris_in_its_enlarged_inset_opens_its_card(app_2022, browser):
    page = open_map(browser, f"{app_2022.url}/?round=1", 390)
    chart = page.locator(".js-plotly-plot", has=page.locator(".choroplethlocation")).first
    expect(chart.locator(".choroplethlocation")).to_have_count(101, timeout=30_000)
    # Paris is one location, drawn twice: in place (a speck) and enlarged in its frame.
    expect(chart.locator("text", has_text="Paris et petite couronne")).to_have_count(1)
    chart.scroll_into_view_if_needed()
    centre = page.evaluate(LARGEST_OUTLINE_CENTRE, "75")
    page.mouse.move(centre["x"], centre["y"])
    expect(chart.locator(".hoverlayer")).to_contain_text("Paris (75)", timeout=30_000)
    page.mouse.click(centre["x"], centre["y"])
    card = page.locator(".st-key-map-area-card")
    expect(card).to_contain_text("Paris (75)", timeout=60_000)
    expect(card).to_contain_text("Emmanuel Macron")
