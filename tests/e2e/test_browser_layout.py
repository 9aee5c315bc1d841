"""Every staff page at a phone's width (390×844) and a desktop's (1440×900): no text runs out of
the viewport, no text box overlaps another (plotly's SVG text included; a box inside another is
allowed), the document is French, and axe-core finds no critical violation.

One Streamlit server for the module (read-only), one Chromium."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.browser

PAGES = {"résultats": "", "tour 1": "?round=1", "réactions": "reactions", "en direct": "direct"}
SIZES = [(390, 844), (1440, 900)]

# Text boxes: each text node's line boxes (HTML) and each SVG <text> (plotly).
TEXT_BOXES_JS = """() => {
  const out = [];
  const visible = el => {
    for (let e = el; e; e = e.parentElement) {
      const s = getComputedStyle(e);
      if (s.display === 'none' || s.visibility === 'hidden' || Number(s.opacity) === 0)
        return false;
    }
    return true;
  };
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  while (walker.nextNode()) {
    const n = walker.currentNode, el = n.parentElement;
    if (!n.textContent.trim() || !el || el.closest('svg, style, script, noscript')) continue;
    // Folded away (a closed expander), or shown only on keyboard focus (the skip link).
    if (el.closest('[data-testid="stSkipToContent"]')) continue;
    const drawer = el.closest('[data-testid="stSidebar"]');  // the phone's folded menu
    if (drawer && drawer.getBoundingClientRect().right <= 0) continue;
    if (el.closest('details:not([open])') && !el.closest('summary')) continue;
    if (!visible(el)) continue;
    const range = document.createRange(); range.selectNodeContents(n);
    for (const r of range.getClientRects()) {
      if (r.width < 1 || r.height < 1) continue;
      out.push({text: n.textContent.trim().slice(0, 40), l: r.left, r: r.right, t: r.top,
                b: r.bottom, svg: false});
    }
  }
  for (const t of document.querySelectorAll('svg text')) {
    if (!t.textContent.trim() || !visible(t)) continue;
    const r = t.getBoundingClientRect();
    if (r.width < 1 || r.height < 1) continue;
    out.push({text: t.textContent.trim().slice(0, 40), l: r.left, r: r.right, t: r.top,
              b: r.bottom, svg: true});
  }
  return {width: document.documentElement.clientWidth, boxes: out,
          lang: document.documentElement.lang};
}"""


def overflowing(boxes: list[dict], width: int) -> list[str]:
    return [
        f"«{b['text']}» {b['l']:.0f}..{b['r']:.0f}"
        for b in boxes
        if b["l"] < -0.5 or b["r"] > width + 0.5
    ]


def overlapping(boxes: list[dict]) -> list[str]:
    """Pairs of text boxes that cross by more than 2 px both ways, neither inside the other."""

    def inside(a: dict, b: dict) -> bool:
        return (
            a["l"] >= b["l"] - 1
            and a["r"] <= b["r"] + 1
            and a["t"] >= b["t"] - 1
            and (a["b"] <= b["b"] + 1)
        )

    found = []
    for i, a in enumerate(boxes):
        for b in boxes[i + 1 :]:
            dx = min(a["r"], b["r"]) - max(a["l"], b["l"])
            dy = min(a["b"], b["b"]) - max(a["t"], b["t"])
            if dx > 2 and dy > 2 and not inside(a, b) and not inside(b, a):
                found.append(f"«{a['text']}» × «{b['text']}»")
    return found


def open_page(browser, url: str, size: tuple[int, int]):
    page = browser.new_page(viewport={"width": size[0], "height": size[1]})
    page.goto(url)
    # Attached, not visible: on a phone the reactions timeline is a list, its chart hidden.
    page.wait_for_selector(".js-plotly-plot .main-svg", state="attached", timeout=90_000)
    # Everything drawn: the page's last element (tables, captions) and plotly's text.
    page.wait_for_load_state("networkidle")
    page.wait_for_timeout(1500)
    return page


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}px")
@pytest.mark.parametrize("name", PAGES)
def test_no_text_overflows_or_overlaps(shipped_app, browser, name, size):
    page = open_page(browser, f"{shipped_app.url}/{PAGES[name]}", size)
    found = page.evaluate(TEXT_BOXES_JS)
    page.close()
    assert found["lang"] == "fr"
    assert len(found["boxes"]) > 20  # the page is drawn, charts included
    assert overflowing(found["boxes"], found["width"]) == [], (name, size)
    assert overlapping(found["boxes"]) == [], (name, size)


@pytest.mark.parametrize("name", PAGES)
def test_axe_finds_no_critical_violation(shipped_app, browser, name):
    from axe_playwright_python.sync_playwright import Axe

    page = open_page(browser, f"{shipped_app.url}/{PAGES[name]}", (390, 844))
    violations = Axe().run(page).response["violations"]
    page.close()
    critical = [(v["id"], len(v["nodes"])) for v in violations if v["impact"] == "critical"]
    assert critical == [], name


def test_an_unknown_address_is_answered_in_french(shipped_app, browser):
    page = open_page(browser, f"{shipped_app.url}/nulle-part", (1440, 900))
    body = page.inner_text("body")
    page.close()
    assert "Page introuvable : « /nulle-part » n'existe pas. Voici la page des résultats." in body
    assert "Page not found" not in body and "Running the app's main page" not in body


def test_no_streamlit_menu_and_a_human_deep_link(shipped_app, browser):
    page = open_page(browser, f"{shipped_app.url}/?round=2&at=23:50", (1440, 900))
    assert page.url.endswith("?round=2&at=23:50")  # not rewritten as at=2017-01-29T23%3A50
    assert page.query_selector("[data-testid=stMainMenu]") is None
    body = page.inner_text("body")
    page.close()
    assert "Print" not in body and "Record screen" not in body
