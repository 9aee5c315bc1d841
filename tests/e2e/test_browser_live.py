"""Replay feed + watcher + app: the figures change on screen without a reload; when the
feed dies the stale banner appears and the last figures stay."""

from __future__ import annotations

import pytest

from dashboard.testing import LiveRig, night_document

pytestmark = pytest.mark.browser

BARS_WITH = (
    "(v) => [...document.querySelectorAll('.js-plotly-plot .bartext')]"
    ".some(t => t.textContent.includes(v))"
)


@pytest.fixture
def rig(tmp_path):
    r = LiveRig(tmp_path)
    yield r
    r.stop()


def test_figures_change_without_reload_and_survive_the_feed_dying(rig, browser):
    rig.feed.publish(night_document("20:40"))
    page = browser.new_page(viewport={"width": 1400, "height": 1600})
    page.goto(f"{rig.app.url}/direct")
    page.wait_for_function(BARS_WITH, arg="58,65", timeout=60_000)
    page.evaluate("window.__noReload = true")

    rig.feed.publish(night_document("23:50"))
    page.wait_for_function(BARS_WITH, arg="58,87", timeout=30_000)
    assert page.evaluate("window.__noReload") is True  # same document: no page reload
    body = page.inner_text("body")
    assert "2\u00a0000\u00a0255" in body and "depuis 20:40" in body

    rig.feed.shutdown()  # the feed server dies mid-night
    page.wait_for_function(
        "() => document.body.innerText.includes('Source interrompue')", timeout=30_000
    )
    body = page.inner_text("body")
    assert "dernières données valides de 23:50" in body
    assert page.evaluate(BARS_WITH, "58,87")  # the last figures stay on screen
