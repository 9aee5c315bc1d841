"""Real browser: an editor downloads a PNG from the export panel; the public reaches no desk."""

from __future__ import annotations

import struct

import pytest

pytestmark = pytest.mark.browser


def test_export_panel_downloads_a_framed_png(shipped_app, browser, tmp_path):
    page = browser.new_page(viewport={"width": 1400, "height": 2400}, accept_downloads=True)
    page.goto(f"{shipped_app.url}/?round=2&at=23:50")
    page.wait_for_selector(".js-plotly-plot .bars .point", timeout=60_000)
    page.get_by_text("Exporter ce graphique").first.click()
    button = page.get_by_role("button", name="primaire-2017-t2-repartition-2350.png")
    button.wait_for(timeout=30_000)
    with page.expect_download(timeout=60_000) as info:
        button.click()
    download = info.value
    assert download.suggested_filename == "primaire-2017-t2-repartition-2350.png"
    path = tmp_path / download.suggested_filename
    download.save_as(path)
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", data[16:24])
    assert (width, height) == (2400, 1350)  # article preset at scale 2


def test_opening_the_desk_url_directly_shows_no_desk(shipped_app, browser):
    page = browser.new_page(viewport={"width": 1400, "height": 1400})
    page.goto(f"{shipped_app.url}/desk")
    page.wait_for_selector(".js-plotly-plot .main-svg", timeout=60_000)  # the public page
    body = page.inner_text("body")
    assert "Desk de la rédaction" not in body
    assert page.query_selector("input[type=password]") is None
    assert "Desk" not in [a.inner_text() for a in page.query_selector_all("nav a, header a")]
