"""The public site behind real nginx (Debian's nginx-light, the shipped deploy/ config) and
Debian's Chromium: headers, pre-compressed files, 304s, layout at 390 and 1440 px, no
JavaScript needed, live updates without reload, axe-core."""

from __future__ import annotations

import csv
import io
import shutil
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import DATA, require_chromium

from dashboard.public.nginx import Nginx, nginx_binary
from dashboard.public.site import publish
from dashboard.results.record import build_store
from dashboard.store import Store
from dashboard.testing import free_port, launch_chromium

pytestmark = pytest.mark.browser
NBSP = "\u00a0"
PAGES = [
    "index.html",
    "tour-1/index.html",
    "tour-2/index.html",
    "tour-2/2350.html",
    "reactions/index.html",
    "embed/vote-split.html",
    "embed/count-progress.html",
    "embed/reactions-timeline.html",
]


def require_nginx() -> None:
    """Never a skip: without nginx these tests fail (make test installs nginx-light)."""
    if nginx_binary() is None:
        pytest.fail("nginx is missing: apt-get install -y nginx-light (make test does it)")


@pytest.fixture(scope="module")
def shipped_public_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Nginx]:
    """nginx on a free port serving the site of the shipped store (read-only: shared)."""
    require_nginx()
    base = tmp_path_factory.mktemp("nginx-public")
    store = base / "store"
    shutil.copytree(DATA / "store", store, ignore=shutil.ignore_patterns(".*", "*.json"))
    publish(Store(store), DATA, base / "out")
    with Nginx(base / "out" / "current", base / "prefix", free_port()) as server:
        yield server


@pytest.fixture(scope="module")
def chromium():
    from playwright.sync_api import sync_playwright

    require_chromium()
    with sync_playwright() as p:
        b = launch_chromium(p)
        yield b
        b.close()


def get(url: str, headers: dict[str, str] | None = None):
    req = urllib.request.Request(url, headers=headers or {})
    try:
        with urllib.request.urlopen(req, timeout=10) as r:
            return r.status, dict(r.headers), r.read()
    except urllib.error.HTTPError as e:
        return e.code, dict(e.headers), e.read()


# --- HTTP --------------------------------------------------------------------------------


def test_html_is_served_pre_compressed_with_cache_and_security_headers(shipped_public_site):
    status, headers, body = get(f"{shipped_public_site.url}/", {"Accept-Encoding": "gzip"})
    assert status == 200
    assert headers["Content-Encoding"] == "gzip"
    assert body[:2] == b"\x1f\x8b"
    assert headers["Content-Type"] == "text/html; charset=utf-8"
    assert headers["Cache-Control"] == "public, max-age=5, stale-while-revalidate=30"
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["X-Frame-Options"] == "DENY"
    csp = headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert "frame-ancestors 'none'" in csp
    assert headers["Vary"] == "Accept-Encoding" and headers["ETag"]


def test_without_accept_encoding_the_plain_file_is_sent(shipped_public_site):
    status, headers, body = get(f"{shipped_public_site.url}/index.html")
    assert status == 200 and "Content-Encoding" not in headers
    assert f"58,69{NBSP}%".encode() in body


def test_a_repeated_request_with_its_etag_gets_304(shipped_public_site):
    url = f"{shipped_public_site.url}/data/latest.json"
    status, headers, _ = get(url)
    assert status == 200 and headers["Content-Type"].startswith("application/json")
    again, _, body = get(url, {"If-None-Match": headers["ETag"]})
    assert (again, body) == (304, b"")


def test_hashed_assets_are_immutable(shipped_public_site):
    _, _, page = get(f"{shipped_public_site.url}/index.html")
    css = page.decode().split('<link rel="stylesheet" href="')[1].split('"')[0]
    status, headers, _ = get(f"{shipped_public_site.url}/{css}")
    assert status == 200 and headers["Content-Type"] == "text/css; charset=utf-8"
    assert headers["Cache-Control"] == "public, max-age=31536000, immutable"


def test_only_embeds_may_be_framed(shipped_public_site):
    _, headers, _ = get(f"{shipped_public_site.url}/embed/vote-split.html")
    assert "frame-ancestors *" in headers["Content-Security-Policy"]
    assert "X-Frame-Options" not in headers


def test_no_directory_listing_and_no_hidden_file(shipped_public_site):
    status, _, body = get(f"{shipped_public_site.url}/data/")
    assert status == 403 and b"latest.json" not in body
    status, _, body = get(f"{shipped_public_site.url}/tour-9/nulle-part.html")
    assert status == 404 and b"Page introuvable" in body


# --- in the browser ----------------------------------------------------------------------

OVERFLOW_JS = """() => {
  const w = document.documentElement.clientWidth, bad = [];
  if (document.documentElement.scrollWidth > w) bad.push('scrollWidth ' +
      document.documentElement.scrollWidth);
  for (const el of document.body.querySelectorAll('*')) {
    if (el.closest('.skip, details:not([open]) > :not(summary), svg')) continue;
    const r = el.getBoundingClientRect();
    if (!r.width && !r.height) continue;
    if (r.left < -0.5 || r.right > w + 0.5) bad.push(el.tagName + '.' + el.className + ' ' +
        Math.round(r.left) + '..' + Math.round(r.right));
  }
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  while (walker.nextNode()) {
    const n = walker.currentNode;
    if (!n.textContent.trim() || n.parentElement.closest('.skip, svg, details:not([open])'))
      continue;
    const range = document.createRange(); range.selectNodeContents(n);
    for (const r of range.getClientRects()) {
      if (r.left < -0.5 || r.right > w + 0.5) bad.push('text «' +
          n.textContent.trim().slice(0, 30) + '» ' + Math.round(r.left) + '..' +
          Math.round(r.right));
    }
  }
  for (const svg of document.querySelectorAll('svg')) {
    const box = svg.getBoundingClientRect();
    if (!box.width) continue;
    for (const t of svg.querySelectorAll('text')) {
      const r = t.getBoundingClientRect();
      if (r.left < box.left - 0.5 || r.right > box.right + 0.5 || r.top < box.top - 0.5 ||
          r.bottom > box.bottom + 0.5) bad.push('svg text «' + t.textContent + '» outside');
    }
  }
  return bad;
}"""


@pytest.mark.parametrize("size", [(390, 844), (1440, 900)])
def test_no_element_or_text_overflows_the_viewport(shipped_public_site, chromium, size):
    page = chromium.new_page(viewport={"width": size[0], "height": size[1]})
    for path in PAGES:
        page.goto(f"{shipped_public_site.url}/{path}")
        assert page.evaluate(OVERFLOW_JS) == [], (path, size)
    page.close()


def test_with_javascript_off_the_figures_are_there(shipped_public_site, chromium):
    context = chromium.new_context(
        java_script_enabled=False, viewport={"width": 390, "height": 844}
    )
    page = context.new_page()
    page.goto(f"{shipped_public_site.url}/")
    body = page.inner_text("body")
    assert f"58,69{NBSP}%" in body and f"2{NBSP}045{NBSP}343" in body
    page.goto(f"{shipped_public_site.url}/tour-2/2350.html")
    body = page.inner_text("body")
    assert f"58,87{NBSP}%" in body and f"7{NBSP}023 / 7{NBSP}208" in body
    context.close()


def test_the_page_makes_no_request_to_another_host(shipped_public_site, chromium):
    page = chromium.new_page(viewport={"width": 390, "height": 844})
    hosts = []
    page.on("request", lambda r: hosts.append(r.url.split("/")[2]))
    for path in PAGES:
        page.goto(f"{shipped_public_site.url}/{path}")
    assert set(hosts) == {f"127.0.0.1:{shipped_public_site.port}"}
    page.close()


def test_axe_finds_no_serious_or_critical_violation(shipped_public_site, chromium):
    from axe_playwright_python.sync_playwright import Axe

    axe = Axe()
    page = chromium.new_page(viewport={"width": 390, "height": 844})
    for path in PAGES:
        page.goto(f"{shipped_public_site.url}/{path}")
        found = axe.run(page).response["violations"]
        serious = [
            (v["id"], v["impact"], len(v["nodes"]))
            for v in found
            if v["impact"] in ("serious", "critical")
        ]
        assert serious == [], path
    page.close()


# --- live: a snapshot published while the page is open -----------------------------------


@pytest.fixture
def night_before_definitive(tmp_path: Path, data_dir: Path) -> Iterator[tuple[Nginx, Path, Path]]:
    """A store of the night without the definitive result, its site published (polling every
    second) and served by nginx; the test adds the definitive snapshot."""
    require_nginx()
    full = (data_dir / "results.csv").read_text(encoding="utf-8")
    rows = list(csv.reader(io.StringIO(full)))
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\n").writerows(r for r in rows if r[2] != "t2-definitif")
    (data_dir / "results.csv").write_text(buf.getvalue(), encoding="utf-8")
    store = Store(tmp_path / "store")
    build_store(data_dir, store)
    publish(store, data_dir, tmp_path / "out", every=1)
    (data_dir / "results.csv").write_text(full, encoding="utf-8")
    with Nginx(tmp_path / "out" / "current", tmp_path / "prefix", free_port()) as server:
        yield server, data_dir, tmp_path


def test_a_new_snapshot_appears_on_the_open_page_without_reload(night_before_definitive, chromium):
    server, data_dir, root = night_before_definitive
    page = chromium.new_page(viewport={"width": 390, "height": 844})
    page.goto(f"{server.url}/")
    assert page.inner_text('[data-f="lead-share"]') == f"58,87{NBSP}%"
    page.evaluate("() => { window.sameDocument = true; }")
    store = Store(root / "store")
    build_store(data_dir, store)  # the definitive snapshot arrives
    publish(store, data_dir, root / "out", every=1)
    page.wait_for_function(
        f"() => document.querySelector('[data-f=\"lead-share\"]').textContent === '58,69{NBSP}%'",
        timeout=15_000,
    )
    assert page.inner_text('[data-f="votants"]') == f"2{NBSP}045{NBSP}343"
    # The words of latest.json's headline, written as they are.
    assert page.inner_text('[data-f="lead-label"]') == "Vainqueur"
    assert page.inner_text('[data-f="lead-name"]') == "Benoît Hamon"
    # The count's progress in latest.json's words too.
    assert page.inner_text('[data-f="bureaux-label"]') == "Bureaux dépouillés"
    assert page.inner_text('[data-f="bureaux"]') == f"7{NBSP}208 / 7{NBSP}208 (100,0{NBSP}%)"
    assert page.inner_text('[data-f="updated"]').startswith("mis à jour à ")
    assert page.evaluate("() => window.sameDocument") is True  # no reload
    page.close()
