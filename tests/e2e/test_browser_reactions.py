"""Real browser on the reactions page: click a timeline point → the entry card with the
verbatim text; open ?entry=<id> → that card. Entry text never runs as HTML."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from dashboard.liveblog.store import current_entries
from dashboard.store import Store
from dashboard.testing import StreamlitServer, call_cli, data_env

pytestmark = pytest.mark.browser

RAFFARIN = "Aujourd'hui la situation est extrêmement grave"
XSS_URL = "http://127.0.0.1/xss"


@pytest.fixture(scope="module")
def app_with_html_entry(module_store_dir, tmp_path_factory):
    """The shipped data plus one live-blog entry full of HTML and script, ingested before the
    server starts; the module's tests only read it, so they share the one server."""
    blog = tmp_path_factory.mktemp("blog") / "xss.txt"
    blog.write_text(
        "9h00 : Test <b>gras</b>\n\nCorps <img src=x onerror=\"document.title='pwned'\">"
        " et <script>document.title='pwned'</script> fin.\n",
        encoding="utf-8",
    )
    env = data_env(module_store_dir)
    proc = call_cli(
        ["liveblog", "ingest", str(blog), "--date", "2017-01-30", "--source-url", XSS_URL], env
    )
    assert proc.returncode == 0, proc.stderr
    server = StreamlitServer(env)
    yield server
    server.stop()


def open_reactions(browser, url: str):
    page = browser.new_page(viewport={"width": 1400, "height": 2400})
    page.goto(url)
    page.wait_for_selector(".js-plotly-plot .scatterlayer .point", timeout=60_000)
    return page


def test_clicking_a_point_opens_its_entry_card(app_with_html_entry, browser):
    page = open_reactions(browser, f"{app_with_html_entry.url}/reactions")
    assert page.query_selector(".st-key-entry-card") is None
    # The Droite (LR / Fillon) row holds Chartier (08:15) and Raffarin (08:24); click the
    # point whose hover names Raffarin.
    points = page.query_selector_all(".js-plotly-plot .scatterlayer .trace .points .point")
    clicked = False
    for point in points:
        # Plotly's drag layer sits above the points: move the real mouse to the point.
        box = point.bounding_box()
        x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
        page.mouse.move(x, y)
        page.wait_for_timeout(150)
        hover = page.query_selector(".hoverlayer")
        if hover and "Jean-Pierre Raffarin" in (hover.text_content() or ""):
            page.mouse.click(x, y)
            clicked = True
            break
    assert clicked, "no timeline point shows Raffarin on hover"
    card = page.wait_for_selector(".st-key-entry-card", timeout=30_000)
    # The card is drawn in steps: wait for its last part (the verbatim entry) before reading.
    expect(page.locator(".st-key-entry-card")).to_contain_text(RAFFARIN, timeout=30_000)
    text = card.inner_text()
    assert RAFFARIN in text and "Europe 1" in text and "Droite (LR / Fillon)" in text
    assert "dépouillement au 29/01 23:50" in text
    assert "entry=" in page.url


def test_deep_link_opens_the_entry_card(app_with_html_entry, browser, module_store_dir):
    entries = current_entries(Store(module_store_dir))
    calmette = entries[entries["headline"] == "Un ralliement qui commence plutôt mal"].iloc[0]
    url = f"{app_with_html_entry.url}/reactions?entry={calmette['entry_id']}"
    page = open_reactions(browser, url)
    card = page.wait_for_selector(".st-key-entry-card", timeout=30_000)
    expect(page.locator(".st-key-entry-card")).to_contain_text("Alain Calmette", timeout=30_000)
    text = card.inner_text()
    assert "impossible d'apporter son soutien au vainqueur de la primaire" in text
    assert "Alain Calmette" in text
    link = card.query_selector(f"a[href='{calmette['permalink']}']")
    assert link is not None and "Entrée source" in link.inner_text()


def test_html_in_an_entry_is_shown_as_text_never_run(
    app_with_html_entry, browser, module_store_dir
):
    entries = current_entries(Store(module_store_dir))
    eid = entries[entries["source_url"] == XSS_URL].iloc[0]["entry_id"]
    page = open_reactions(browser, f"{app_with_html_entry.url}/reactions?entry={eid}")
    card = page.wait_for_selector(".st-key-entry-card", timeout=30_000)
    # The card is drawn in steps: wait for the verbatim entry before reading it.
    expect(page.locator(".st-key-entry-card")).to_contain_text("<img src=x", timeout=30_000)
    text = card.inner_text()
    assert "<script>document.title='pwned'</script>" in text
    assert "<img src=x" in text
    assert card.query_selector("img") is None and card.query_selector("b") is None
    assert page.title() != "pwned"
