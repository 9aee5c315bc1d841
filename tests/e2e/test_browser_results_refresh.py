"""Real browser: the results page refreshes itself when a new snapshot lands (no reload),
follows "dernier relevé", keeps a reader's chosen moment, and says when it was updated."""

from __future__ import annotations

import pytest
from conftest import record_later_correction
from playwright.sync_api import expect

from dashboard.testing import StreamlitServer, data_env

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def refreshing_app(module_store_dir):
    server = StreamlitServer(data_env(module_store_dir, DASHBOARD_LIVE_EVERY="1"), timeout=180)
    yield server
    server.stop()


def open_results(browser, url: str):
    page = browser.new_page(viewport={"width": 1440, "height": 2000})
    page.set_default_timeout(120_000)  # a loaded 2-core machine: nothing here is timed
    page.goto(url)
    page.wait_for_selector(".js-plotly-plot .bars .point")
    return page


def test_a_new_snapshot_shows_without_reload_and_a_chosen_moment_stays(
    refreshing_app, browser, module_store_dir
):
    latest = open_results(browser, f"{refreshing_app.url}/?round=2")
    past = open_results(browser, f"{refreshing_app.url}/?round=2&at=20:40")
    expect(latest.locator("body")).to_contain_text("2\u00a0045\u00a0343")
    expect(latest.locator("body")).to_contain_text("mis à jour à ")
    expect(past.locator("body")).to_contain_text("4\u00a0322 / 7\u00a0208")
    record_later_correction(module_store_dir)
    # No reload: the page's own check (every DASHBOARD_LIVE_EVERY s) redraws it.
    expect(latest.locator("[data-testid=stMetric]", has_text="Votants")).to_contain_text(
        "2\u00a0045\u00a0400", timeout=120_000
    )
    expect(latest.locator("body")).to_contain_text("au 03/02/2017 à 10:00 — corrigé")
    past.wait_for_timeout(3000)  # several checks later, the reader's moment is still shown
    expect(past.locator("body")).to_contain_text("4\u00a0322 / 7\u00a0208")
    assert "2\u00a0045\u00a0400" not in past.inner_text("body")
