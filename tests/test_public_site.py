"""The public edition written by `publish`: figures, files, atomic swap, escaping (no server;
tests/e2e/test_public_nginx.py serves the same site through real nginx)."""

from __future__ import annotations

import csv
import gzip
import hashlib
import io
import json
import os
import re
import shutil
from html import unescape
from pathlib import Path

import brotli
import pytest

from dashboard.public.site import publish
from dashboard.results.record import build_store
from dashboard.results.views import results_document
from dashboard.store import Store
from dashboard.testing import DATA, run_cli

NBSP = "\u00a0"


@pytest.fixture(scope="module")
def shipped_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The site of the shipped store, published once for the module (read-only)."""
    out = tmp_path_factory.mktemp("public")
    store = tmp_path_factory.mktemp("store") / "store"
    shutil.copytree(DATA / "store", store, ignore=shutil.ignore_patterns(".*", "*.json"))
    publish(Store(store), DATA, out)
    return out / "current"


def text(site: Path, rel: str) -> str:
    return (site / rel).read_text(encoding="utf-8")


def visible(page: str) -> str:
    """The page's text without tags (entities kept as written)."""
    return re.sub(r"<[^>]+>", " ", page)


def test_front_page_holds_the_definitive_round_2_figures(shipped_site: Path) -> None:
    page = text(shipped_site, "index.html")
    assert '<html lang="fr">' in page
    assert f'<p class="big" data-f="lead-share">58,69{NBSP}%</p>' in page
    assert f'<dd data-f="votants">2{NBSP}045{NBSP}343</dd>' in page
    assert "Vainqueur" in page and "Benoît Hamon" in page
    assert f'<dd data-f="bureaux">7{NBSP}208 / 7{NBSP}208 (100,0{NBSP}%)</dd>' in page
    assert "au 02/02/2017 — définitif" in page
    assert "% des suffrages exprimés" in page
    assert 'href="http://wikimonde.com/article/Primaire_citoyenne_de_2017"' in page


def test_a_snapshot_note_keeps_numbers_and_quotes_whole_on_a_phone(shipped_site: Path) -> None:
    # The note is the source's words with ordinary spaces: a phone cut "7" from "208 bureaux"
    # and left « alone at a line's end.
    (note,) = re.findall(r'<p class="note">([^<]*)</p>', text(shipped_site, "tour-1/index.html"))
    assert f"nuls. 7{NBSP}208 bureaux dépouillés (7{NBSP}530 annoncés" in note
    (final,) = re.findall(r'<p class="note">([^<]*)</p>', text(shipped_site, "index.html"))
    assert f"confirmés «{NBSP}définitifs{NBSP}» par Mediapart" in unescape(final)
    assert f"(31{NBSP}600 ensemble, calculé{NBSP}: votants − exprimés)" in final


def test_the_2350_page_holds_the_figures_published_then(shipped_site: Path) -> None:
    page = text(shipped_site, "tour-2/2350.html")
    assert f'<p class="big" data-f="lead-share">58,87{NBSP}%</p>' in page
    assert f"7{NBSP}023 / 7{NBSP}208" in page
    assert "En tête" in page and "Vainqueur" not in page
    assert "au 29/01/2017 à 23:50 — partiel" in page
    assert "<script" not in page  # a moment's page is fixed: no poller


def test_every_round_and_count_moment_has_its_page(shipped_site: Path) -> None:
    pages = sorted(p.relative_to(shipped_site).as_posix() for p in shipped_site.rglob("*.html"))
    assert pages == [
        "404.html",
        "embed/count-progress.html",
        "embed/reactions-timeline.html",
        "embed/vote-split.html",
        "index.html",
        "reactions/index.html",
        "tour-1/1900.html",
        "tour-1/20170125.html",
        "tour-1/2030.html",
        "tour-1/2200.html",
        "tour-1/2300.html",
        "tour-1/index.html",
        "tour-2/20170202.html",
        "tour-2/2040.html",
        "tour-2/2145.html",
        "tour-2/2350.html",
        "tour-2/index.html",
    ]


def test_a_snapshot_known_by_its_date_only_is_shown_as_a_date(shipped_site: Path) -> None:
    """Round 2's definitive figures came on 2 February, hour not given: never "02/02 00:00"."""
    page = text(shipped_site, "tour-2/20170202.html")
    assert "les chiffres au 02/02/2017</h1>" in page
    assert "<title>Primaire de la gauche 2017 — 2nd tour : résultats au 02/02</title>" in page
    listing = text(shipped_site, "tour-2/index.html")
    assert '<a href="../tour-2/20170202.html">02/02</a>' in listing
    assert "00:00" not in visible(page) + visible(listing)


def test_latest_json_is_the_feed_document_of_results_show(shipped_site: Path) -> None:
    doc = json.loads(text(shipped_site, "data/latest.json"))
    assert doc == results_document(Store(DATA / "store"), DATA)
    assert doc["schema"] == 2 and doc["snapshot_id"] == "t2-definitif"


def test_each_snapshot_has_its_json_and_french_csv(shipped_site: Path) -> None:
    doc = json.loads(text(shipped_site, "data/t2-2350.json"))
    assert doc["votants"] == 2000255 and doc["bureaux_counted"] == 7023
    raw = (shipped_site / "data/t2-2350.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig")), delimiter=";"))
    assert [(r["candidat"], r["part (%)"]) for r in rows] == [
        ("Benoît Hamon", "58,87"),
        ("Manuel Valls", "41,13"),
    ]


def test_reactions_page_lists_each_entry_with_anchor_count_and_source(shipped_site: Path) -> None:
    page = text(shipped_site, "reactions/index.html")
    entries = json.loads(text(shipped_site, "data/reactions.json"))
    assert len(entries) == 6
    for entry in entries:
        assert f'id="entry-{entry["id"]}"' in page
        assert f'href="#entry-{entry["id"]}"' in page  # the timeline's dot and the self link
        assert entry["permalink"].startswith("http")
    assert f"dépouillement au 29/01 23:50 : Hamon 58,87{NBSP}%, 7{NBSP}023 bureaux" in page
    assert "Lire l'entrée dans le direct (atlantico.fr)" in page


def test_embeds_carry_chart_and_source_and_the_front_page_the_snippet(shipped_site: Path) -> None:
    embed = text(shipped_site, "embed/vote-split.html")
    assert 'class="embed"' in embed and "<svg" in embed and "Source : Haute Autorité" in embed
    front = text(shipped_site, "index.html")
    assert "&lt;iframe src=&quot;/embed/vote-split.html&quot;" in front


def test_charts_are_inline_svg_with_the_apps_colours_and_labels(shipped_site: Path) -> None:
    page = text(shipped_site, "index.html")
    assert page.count("<svg") == 4  # vote split and count progress, phone and wide renditions
    assert 'fill="#C2185B"' in page and 'fill="#1F5FA8"' in page  # candidates.csv colours
    assert f">41,31{NBSP}%<" in page and "Benoît Hamon ✓ vainqueur" in page  # share, then votes


def test_no_inline_script_no_inline_style_no_other_host(shipped_site: Path) -> None:
    for path in shipped_site.rglob("*.html"):
        page = path.read_text(encoding="utf-8")
        assert not re.search(r"<script(?![^>]*\ssrc=)", page), path
        tags = re.findall(r"<[a-z][^>]*>", page)
        assert not [t for t in tags if re.search(r"\s(style|on[a-z]+)=", t)], path
        for ref in re.findall(r'(?:src|<link[^>]*href)="([^"]+)"', page):
            assert not re.match(r"(https?:)?//", ref), (path, ref)


def test_assets_are_named_by_their_content_hash(shipped_site: Path) -> None:
    assets = sorted((shipped_site / "assets").glob("*.*s"))
    assert [a.name.split(".")[0] for a in assets] == ["live", "site"]
    for asset in assets:
        stem, digest, ext = asset.name.split(".")
        assert hashlib.sha256(asset.read_bytes()).hexdigest()[:10] == digest


def test_text_files_have_gzip_and_brotli_siblings(shipped_site: Path) -> None:
    for rel in ("index.html", "data/latest.json", "data/t2-2350.csv"):
        original = (shipped_site / rel).read_bytes()
        assert gzip.decompress((shipped_site / (rel + ".gz")).read_bytes()) == original
        assert brotli.decompress((shipped_site / (rel + ".br")).read_bytes()) == original


def test_first_view_of_every_page_weighs_under_100_kb_compressed(shipped_site: Path) -> None:
    for path in shipped_site.rglob("*.html"):
        page = path.read_text(encoding="utf-8")
        total = len((path.parent / (path.name + ".gz")).read_bytes())
        for ref in re.findall(r'(?:src|<link[^>]*href)="([^"]+)"', page):
            total += len((path.parent / (ref + ".gz")).read_bytes())
        assert total <= 100 * 1024, (path, total)


def test_publish_swaps_current_atomically_keeps_three_and_links_unchanged_files(
    tmp_path: Path, store_dir: Path
) -> None:
    out = tmp_path / "public"
    store = Store(store_dir)
    sites = []
    for i in range(4):
        # A store written again with the same figures (new mtime): a new site, same bytes.
        os.utime(store_dir / "results.parquet", ns=(10**18 + i, 10**18 + i))
        report = publish(store, DATA, out)
        assert not report.unchanged
        sites.append(report.site)
        assert (out / "current").is_symlink()
        assert os.readlink(out / "current") == report.site.name
    assert sorted(p.name for p in out.glob("site-*")) == [s.name for s in sites[1:]]
    # Nothing changed between the last two: same inode, same mtime, same ETag for nginx.
    a, b = sites[-2] / "data/latest.json", sites[-1] / "data/latest.json"
    assert os.stat(a).st_ino == os.stat(b).st_ino
    assert os.stat(f"{a}.gz").st_ino == os.stat(f"{b}.gz").st_ino
    assert not list(out.glob(".building-*")) and not list(out.glob(".current-*"))


def test_cli_publish_prints_one_summary_line(tmp_path: Path, env: dict[str, str]) -> None:
    done = run_cli("publish", "--out", str(tmp_path / "site"), env=env)
    assert done.returncode == 0, done.stderr
    line = done.stdout.decode().strip()
    site = tmp_path / "site" / os.readlink(tmp_path / "site/current")
    assert line.startswith("site publié : ") and line.endswith(f"→ {site}")
    assert (tmp_path / "site/current/index.html").exists()


# --- outside text stays text --------------------------------------------------------------

HOSTILE_NOTE = '<script>alert("note")</script> **gras** [lien](javascript:alert(1)) \u202eslllaV'
HOSTILE_URL = "javascript:alert(document.cookie)"
HOSTILE_BLOG = (
    "30/01/17 - 08:00\n"
    '<img src=x onerror=alert(1)> Manuel Valls : "**bravo** [ici](javascript:alert(2))" '
    "\u202e%35,25 slllaV\n"
)


@pytest.fixture
def hostile_site(tmp_path: Path, data_dir: Path) -> Path:
    """A store whose definitive snapshot has a hostile note and source_url, and whose live
    blog has an entry full of markup, a javascript: link and a bidi override."""
    from dashboard.liveblog.parse import read_liveblog
    from dashboard.liveblog.reactions import load_people
    from dashboard.liveblog.store import ingest_liveblog

    results = (data_dir / "results.csv").read_text(encoding="utf-8").splitlines()
    out_rows = []
    for row in csv.reader(results):
        if row[2] == "t2-definitif":
            row[16], row[17] = HOSTILE_URL, HOSTILE_NOTE
        out_rows.append(row)
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\n").writerows(out_rows)
    (data_dir / "results.csv").write_text(buf.getvalue(), encoding="utf-8")
    store = Store(tmp_path / "store")
    build_store(data_dir, store)
    parsed = read_liveblog(
        HOSTILE_BLOG.encode(), blog_date=None, source_url="https://blog.example.org/direct"
    )
    people = load_people(data_dir / "people.csv", data_dir / "camps.csv")
    ingest_liveblog(store, parsed, source_url="https://blog.example.org/direct", gazetteer=people)
    publish(store, data_dir, tmp_path / "public")
    return tmp_path / "public" / "current"


def test_hostile_snapshot_note_and_source_are_text_on_every_page(hostile_site: Path) -> None:
    for rel in ("index.html", "tour-2/index.html", "tour-2/0000.html"):
        page = text(hostile_site, rel)
        assert "<script>alert" not in page
        assert 'href="javascript:' not in page
        assert "&lt;script&gt;alert(&quot;note&quot;)&lt;/script&gt; **gras** " in page
        assert "\u202e" not in page
        assert "Source : javascript:alert(document.cookie)" in visible(page)


def test_hostile_live_blog_entry_is_text_on_the_reactions_page(hostile_site: Path) -> None:
    page = text(hostile_site, "reactions/index.html")
    assert "<img src=x" not in page and "\u202e" not in page
    assert 'href="javascript:' not in page
    assert "&lt;img src=x onerror=alert(1)&gt;" in page
    assert "[ici](javascript:alert(2))" in page  # shown as written, never a link


def test_a_moments_page_cites_its_own_snapshot_under_both_charts(shipped_site: Path) -> None:
    page = text(shipped_site, "tour-2/2350.html")
    bureaux = f"7{NBSP}023{NBSP}/{NBSP}7{NBSP}208{NBSP}bureaux"  # no-break: never wrapped
    line = f"via europe1.fr — données au 29/01/2017 23:50, {bureaux}"
    assert page.count(line) == 2  # vote split and count progress
    assert "02/02/2017" not in page.split("<h2")[2]  # nothing later than 23:50 in the charts


def test_publish_with_nothing_new_keeps_the_current_site(tmp_path: Path, store_dir: Path) -> None:
    out = tmp_path / "public"
    first = publish(Store(store_dir), DATA, out)
    again = publish(Store(store_dir), DATA, out)
    assert again.unchanged and again.site == first.site
    assert again.summary().startswith("site inchangé (mêmes données)")
    assert [p.name for p in out.glob("site-*")] == [first.site.name]


def test_under_embargo_no_share_is_published_anywhere(
    tmp_path: Path, store_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DASHBOARD_EMBARGO_UNTIL", "2199-01-29T20:00:00+01:00")
    monkeypatch.setenv("DASHBOARD_EMBARGO_CLOCK", "system")
    publish(Store(store_dir), DATA, tmp_path / "public")
    site = tmp_path / "public" / "current"
    front = text(site, "index.html")
    assert "Résultats sous embargo jusqu'à 20:00" in unescape(front)
    assert f"2{NBSP}045{NBSP}343" in front  # turnout stays
    doc = json.loads(text(site, "data/latest.json"))
    assert [(c["votes"], c["share"]) for c in doc["candidates"]] == [(None, None), (None, None)]
    assert doc["embargo"] == {"until": "2199-01-29T20:00:00+01:00"}
    assert doc["headline"] is None  # it would name the leader
    assert not list(site.glob("tour-*/[0-9]*.html"))  # no page per moment
    for path in site.rglob("*.html"):
        page = path.read_text(encoding="utf-8")
        assert f"58,69{NBSP}%" not in page and f"58,87{NBSP}%" not in page, path
