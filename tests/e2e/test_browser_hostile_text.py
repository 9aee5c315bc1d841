"""Hostile text on every surface, in a real browser: query parameters, a stored snapshot's
note / id / source_url, an unknown candidate id, a live-blog entry (headline, body, source),
the feed status — and the HTML/SVG exports. None of it may become markup: no heading, no image
or link to evil.example, no `javascript:` link, no bold from `<b>`, no colour, no formula, no
reversed text; the literal characters are what a reader sees.

One Streamlit server for the whole module, over one prepared hostile store (read-only)."""

from __future__ import annotations

import shutil
import xml.etree.ElementTree as ET
from datetime import UTC, datetime
from urllib.parse import quote

import pytest

from dashboard.feed.watch import FeedStatus, write_status
from dashboard.liveblog.store import current_entries
from dashboard.store import Store
from dashboard.testing import DATA, StreamlitServer, data_env, run_cli

pytestmark = pytest.mark.browser

RLO = "\u202e"
HEADING = "# Manuel Valls remporte la primaire — 52,3 %"
# Every kind of markup a reader must never see rendered, each on its own line so that the
# Markdown heading is at the start of a line.
HOSTILE = "\n".join(
    [
        HEADING,
        "![x](https://evil.example/t.png)",
        "[lien](https://evil.example/phish)",
        ":red[x] $x^2$ **fort**",
        '<b>gras</b> <span style="color:red">rouge</span>',
        "<img src=x onerror=\"document.title='pwned'\">",
        '<a href="https://evil.example/a">clic</a>',
        f"javascript:alert(1) {RLO}lasrever",
    ]
)
ONE_LINE = HOSTILE.replace("\n", " ")
# A live-blog headline is one short line: the parser takes longer ones for body text.
HEADLINE = (
    '# Manuel Valls remporte <b>gras</b> <span style="color:red">r</span> '
    '<a href="https://evil.example/a">a</a>'
)
JS_URL = "javascript:alert(document.domain)"


def hostile_snapshot_docs() -> list[dict]:
    """A valid snapshot (current after the definitive one) with a hostile note and a
    javascript: source, and a flagged one with a hostile id and an unknown candidate id."""
    base = {
        "schema": 1,
        "election": "primaire-2017",
        "round": 2,
        "share_base": "exprimes",
        "bureaux_counted": 7208,
        "bureaux_total": 7208,
        "votants": 2_045_343,
        "exprimes": 2_013_743,
        "blancs": 13_958,
        "nuls": 17_642,
    }
    valid = base | {
        "snapshot_id": "t2-hostile-note",
        "as_of": "2017-02-03T12:00:00+01:00",
        "status": "corrected",
        "note": HOSTILE,
        "source_url": JS_URL,
        "candidates": [{"id": "hamon", "votes": 1_181_872}, {"id": "valls", "votes": 831_871}],
    }
    flagged = base | {
        "snapshot_id": ONE_LINE,
        "as_of": "2017-02-03T13:00:00+01:00",
        "status": "corrected",
        "source_url": "https://evil.example/feed",
        "candidates": [{"id": "hamon", "votes": 1_181_872}, {"id": ONE_LINE, "votes": 831_871}],
    }
    return [valid, flagged]


@pytest.fixture(scope="module")
def hostile_store(tmp_path_factory) -> dict:
    """A copy of the shipped store holding hostile text on every surface."""
    from dashboard.model import document_rows
    from dashboard.results.record import record_snapshots
    from dashboard.results.views import load_candidates

    tmp = tmp_path_factory.mktemp("hostile")
    store_dir = tmp / "store"
    shutil.copytree(
        DATA / "store", store_dir, ignore=shutil.ignore_patterns(".*", "*.tmp", "*.json")
    )
    store = Store(store_dir)
    for doc in hostile_snapshot_docs():
        record_snapshots(store, document_rows(doc), load_candidates(store), allow_flagged=True)
    env = data_env(store_dir, tmp / "raw")
    env.pop("DASHBOARD_DESK", None)
    env.pop("DASHBOARD_EMBARGO_UNTIL", None)
    # A live-blog entry whose headline and body are the hostile text, from a javascript:-free
    # but hostile source; and a blog stored with a source that is no URL at all.
    blog = tmp / "hostile.txt"
    blog.write_text(f"9h10 : {HEADLINE}\n\n{HOSTILE}\nArnaud Montebourg réagit.\n", "utf-8")
    proc = run_cli(
        "liveblog",
        "ingest",
        str(blog),
        "--date",
        "2017-01-30",
        "--source-url",
        "https://blog.example/hostile",
        env=env,
    )
    assert proc.returncode == 0, proc.stderr
    local = tmp / "local.txt"
    local.write_text("9h20 : Une entrée locale\n\nBenoît Hamon remercie ses électeurs.\n", "utf-8")
    proc = run_cli(
        "liveblog",
        "ingest",
        str(local),
        "--date",
        "2017-01-30",
        "--source-url",
        "blog-local",
        env=env,
    )
    assert proc.returncode == 0, proc.stderr
    now = datetime.now(tz=UTC)
    write_status(
        store_dir,
        FeedStatus(
            url="http://127.0.0.1:1/results.json",
            last_poll_at=now,
            last_ok_at=now,
            last_outcome="signalé",
            last_flags=[ONE_LINE],
            last_error=ONE_LINE,
            consecutive_errors=1,
        ),
    )
    entries = current_entries(store)
    eid = entries[entries["source_url"] == "https://blog.example/hostile"].iloc[0]["entry_id"]
    return {"env": env, "store_dir": store_dir, "entry_id": str(eid)}


@pytest.fixture(scope="module")
def hostile_app(hostile_store):
    server = StreamlitServer(hostile_store["env"])
    yield server
    server.stop()


def shown(page, selector: str = "body") -> str:
    """What a reader reads: the inner text without the invisible word joiners text.markdown
    puts after "https", "www" and "@" (they keep Streamlit from autolinking)."""
    return page.inner_text(selector).replace("\u2060", "")


def assert_no_markup(page, *, literal: bool = True) -> None:
    """Nothing of the hostile text became an element, and (`literal`) its characters are
    shown as text on the page."""
    headings = [h.inner_text() for h in page.query_selector_all("h1, h2, h3, h4, h5, h6")]
    assert not any(h.strip().startswith("Manuel Valls") for h in headings), headings
    assert page.query_selector("img[src*='evil.example'], img[src='x']") is None
    assert page.query_selector("a[href^='javascript:' i]") is None
    links = [a.evaluate("a => a.outerHTML") for a in page.query_selector_all("a[href*='evil']")]
    assert not links, links
    # Our own bold (a stamp, a snapshot id) may hold the text; "<b>gras</b>" must not be bold.
    bold = [b.inner_text().strip() for b in page.query_selector_all("b, strong")]
    assert "gras" not in bold and "fort" not in bold, bold
    assert page.query_selector(".katex, .katex-display") is None  # $x^2$ as a formula
    assert page.title() != "pwned"
    body = shown(page, "body")
    assert RLO not in body
    if literal:
        assert "Manuel Valls remporte la primaire — 52,3 %" in body


def open_page(browser, url: str, ready: str):
    page = browser.new_page(viewport={"width": 1400, "height": 2600})
    page.set_default_timeout(120_000)  # a loaded 2-core machine: nothing here is timed
    page.goto(url)
    try:
        page.wait_for_selector(ready, timeout=180_000)
    except Exception:
        page.screenshot(path=f"/tmp/h8ui-fail-{abs(hash(url)) % 1000}.png", full_page=True)
        raise
    return page


def test_hostile_at_parameter_is_shown_as_text(hostile_app, browser):
    page = open_page(
        browser,
        f"{hostile_app.url}/?round=2&at={quote(HOSTILE)}",
        "[data-testid=stAlertContentWarning]",
    )
    page.wait_for_selector(".js-plotly-plot .bars .point", timeout=120_000)
    warning = shown(page, "[data-testid=stAlertContentWarning]")
    assert "Heure demandée illisible" in warning
    assert "![x](https://evil.example/t.png)" in warning and "<b>gras</b>" in warning
    assert ":red[x] $x^2$ **fort**" in warning
    assert_no_markup(page)


def test_hostile_note_source_and_flagged_snapshot_are_text(hostile_app, browser):
    page = open_page(browser, f"{hostile_app.url}/?round=2", ".js-plotly-plot .bars .point")
    page.get_by_text("relevé(s) écarté(s) par la validation").first.click()
    page.wait_for_function(
        "() => document.body.innerText.includes('inconnu') || "
        "document.body.innerText.includes('unknown')",
        timeout=120_000,
    )
    body = shown(page, "body")
    assert "<img src=x onerror=" in body  # the note, shown as it was written
    # The javascript: source is not a link: the word "source" stays plain text.
    assert page.query_selector("a:text-is('source')") is None or all(
        (a.get_attribute("href") or "").startswith("http")
        for a in page.query_selector_all("a:text-is('source')")
    )
    assert "# Manuel Valls remporte la primaire — 52,3 % ![x](https://evil.example/t.png)" in body
    assert_no_markup(page)


def test_hostile_entry_parameter_and_entry_card_are_text(hostile_app, hostile_store, browser):
    page = open_page(
        browser,
        f"{hostile_app.url}/reactions?entry={quote(HOSTILE)}",
        "[data-testid=stAlertContentWarning]",
    )
    assert "Entrée introuvable" in shown(page, "[data-testid=stAlertContentWarning]")
    assert_no_markup(page)
    eid = hostile_store["entry_id"]
    page = open_page(
        browser, f"{hostile_app.url}/reactions?entry={quote(eid)}", ".st-key-entry-card"
    )
    page.wait_for_function(
        "() => document.querySelector('.st-key-entry-card').innerText.includes('clic</a>')",
        timeout=120_000,
    )
    card = shown(page, ".st-key-entry-card")
    assert '<a href="https://evil.example/a">clic</a>' in card
    # The page caption names the blogs' hosts; the one stored as "blog-local" has none.
    assert "source locale" in shown(page, "body")
    assert_no_markup(page)


def test_hostile_headline_in_the_timeline_hover_is_text(hostile_app, browser):
    page = open_page(
        browser, f"{hostile_app.url}/reactions", ".js-plotly-plot .scatterlayer .point"
    )
    found, seen = None, []
    for point in page.query_selector_all(".js-plotly-plot .scatterlayer .trace .points .point"):
        box = point.bounding_box()
        if not box:
            continue
        x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
        page.mouse.move(x, y)
        page.wait_for_timeout(120)
        hover = page.query_selector(".hoverlayer")
        seen.append(hover.text_content() if hover else None)
        if hover and "Manuel Valls remporte" in (hover.text_content() or ""):
            found = hover
            break
    assert found is not None, [(t or "")[:40] for t in seen]
    text = found.text_content()
    assert HEADLINE in text
    assert found.query_selector("a") is None  # plotly turns <a href> into an SVG link
    bold = found.query_selector_all("tspan[style*='bold']")  # our time — person line is bold
    assert "gras" not in [(t.text_content() or "").strip() for t in bold]
    assert_no_markup(page, literal=False)  # the headline is in the hover, checked above


def test_hostile_feed_status_on_the_live_page_is_text(hostile_app, browser):
    page = open_page(browser, f"{hostile_app.url}/direct", "[data-testid=stAlertContentWarning]")
    warning = shown(page, "[data-testid=stAlertContentWarning]")
    assert "Dernier document reçu écarté" in warning and "<b>gras</b>" in warning
    assert_no_markup(page)


def hostile_frame():
    from dashboard.export.frame import Frame

    return Frame(
        title=ONE_LINE,
        subtitle=ONE_LINE,
        source_line=f"Source : {ONE_LINE}",
        credit="Rédaction",
        alt_text=ONE_LINE,
    )


def hostile_bars():
    import pandas as pd

    from dashboard.charts.theme import house_template
    from dashboard.charts.vote_split import build_vote_split

    df = pd.DataFrame(
        {
            "candidate_id": ["hamon", "x"],
            "name": ["Benoît Hamon", ONE_LINE],
            "colour": ["#c2185b", None],
            "share": [58.69, 41.31],
            "votes": [1_181_872, 831_871],
            "share_base": ["exprimes", "exprimes"],
        }
    )
    return build_vote_split(
        df, template=house_template(), title=ONE_LINE, subtitle=ONE_LINE, winners=("x",)
    )


def test_hostile_text_in_the_svg_export_is_text():
    from dashboard.export.formats import export_chart

    svg = export_chart(hostile_bars(), fmt="svg", preset="article", frame=hostile_frame()).content
    root = ET.fromstring(svg)
    ns = "{http://www.w3.org/2000/svg}"
    assert not root.findall(f".//{ns}a") and not root.findall(f".//{ns}image")
    texts = ["".join(t.itertext()) for t in root.iter(f"{ns}text")]
    assert any("<b>gras</b>" in t for t in texts), texts  # the frame and the bar label
    for tspan in root.iter(f"{ns}tspan"):  # the winner's name is bold; "<b>gras</b>" is not
        if "bold" in (tspan.get("style") or ""):
            assert "".join(tspan.itertext()).strip() != "gras"
    title = root.find(f"{ns}title").text
    assert title.startswith("# Manuel Valls") and RLO not in title and "<b>gras</b>" in title


def test_hostile_text_in_the_html_export_is_text(browser, tmp_path):
    from dashboard.export.formats import export_chart

    page_file = tmp_path / "export.html"
    page_file.write_bytes(
        export_chart(hostile_bars(), fmt="html", preset="article", frame=hostile_frame()).content
    )
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    page.set_default_timeout(120_000)
    page.goto(page_file.as_uri())
    page.wait_for_selector(".js-plotly-plot .bars .point", timeout=120_000)
    assert "<b>gras</b>" in shown(page, "header h1")
    ticks = " ".join(t.text_content() for t in page.query_selector_all(".ytick text"))
    assert "<b>gras</b>" in ticks
    assert page.query_selector("svg a") is None
    assert page.query_selector("h1 b, h1 img, h1 a, footer a, footer img") is None
    assert (page.get_attribute("figure", "aria-label") or "").startswith("# Manuel Valls")
    assert page.title() != "pwned"
