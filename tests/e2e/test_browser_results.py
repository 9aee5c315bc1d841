"""Real browser: Debian's Chromium driven by Playwright against `streamlit run`."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


def open_page(browser, url: str):
    page = browser.new_page(viewport={"width": 1400, "height": 2400})
    page.goto(url)
    page.wait_for_selector(".js-plotly-plot .main-svg", timeout=60_000)
    page.wait_for_selector(".js-plotly-plot .bars .point", timeout=30_000)
    return page


def bar_labels(page) -> list[str]:
    return [t.text_content() for t in page.query_selector_all(".js-plotly-plot .bartext")]


def test_round_2_shows_the_bars_and_58_69(shipped_app, browser):
    page = open_page(browser, f"{shipped_app.url}/?round=2")
    assert len(page.query_selector_all(".js-plotly-plot .bars .point")) >= 2
    labels = bar_labels(page)
    assert any("58,69" in t for t in labels), labels
    assert "Benoît Hamon" in page.inner_text("body")


def test_round_2_at_2350_shows_58_87(shipped_app, browser):
    page = open_page(browser, f"{shipped_app.url}/?round=2&at=23:50")
    page.wait_for_function(
        "() => [...document.querySelectorAll('.js-plotly-plot .bartext')]"
        ".some(t => t.textContent.includes('58,87'))",
        timeout=30_000,
    )
    # The cards are drawn after the chart: wait for them rather than read the body at once.
    expect(page.locator(".st-key-cards")).to_contain_text("7\u00a0023 / 7\u00a0208")
    expect(page.locator("body")).to_contain_text("au 29/01/2017 à 23:50 — partiel")
