"""Exports as an editor receives them: every format checked by its content.

Images are drawn by the real kaleido + Debian's Chromium, through the one persistent browser
of `dashboard.export.render` (started once for the whole file). Without /usr/bin/chromium these
tests FAIL (make test installs it): an export that silently stopped working is exactly what must not
reach election night.
"""

from __future__ import annotations

import html
import io
import json
import re
import struct
import subprocess
import threading
import xml.etree.ElementTree as ET
import zlib
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime
from html.parser import HTMLParser
from pathlib import Path

import pandas as pd
import plotly.graph_objects as go
import pytest
from conftest import require_chromium

from dashboard.charts.theme import house_template
from dashboard.errors import DashboardError
from dashboard.export import formats, names, render
from dashboard.export import frame as layout
from dashboard.fr import NBSP, PARIS

CHROMIUM = Path("/usr/bin/chromium")
FIXTURES = Path(__file__).parent / "fixtures" / "export"
SVG_NS = "{http://www.w3.org/2000/svg}"
SOURCE = layout.source_line(
    "Haute Autorité des primaires citoyennes",
    datetime(2017, 1, 29, 23, 50, tzinfo=PARIS),
    7023,
    7208,
)
LONG_TITLE = (
    "Second tour de la primaire citoyenne : Benoît Hamon l'emporte largement face à "
    "Manuel Valls dans tous les départements"
)


@pytest.fixture(scope="module")
def export_browser() -> None:
    """The shared export browser, started once; absent Chromium is a failure, never a skip."""
    require_chromium()
    render.warm_up()


def bars(title: str = "Répartition des voix", *, dark: bool = False) -> go.Figure:
    fig = go.Figure(
        go.Bar(
            y=["Benoît Hamon", "Manuel Valls"],
            x=[58.69, 41.31],
            orientation="h",
            marker_color=["#C2185B", "#1F5FA8"],
            text=["58,69 %", "41,31 %"],
            textfont=dict(size=15),
        )
    )
    fig.update_layout(template=house_template(dark=dark), title=title, showlegend=False)
    return fig


def lines() -> go.Figure:
    times = pd.date_range("2017-01-29 20:00", periods=6, freq="45min")
    fig = go.Figure(
        [
            go.Scatter(x=times, y=[55, 57, 58.5, 58.9, 58.8, 58.7], name="Benoît Hamon"),
            go.Scatter(x=times, y=[45, 43, 41.5, 41.1, 41.2, 41.3], name="Manuel Valls"),
        ]
    )
    fig.update_layout(template=house_template(), xaxis_title="Heure (Paris)")
    return fig


def frame(title: str = "Hamon en tête", **kw) -> layout.Frame:
    kw.setdefault("subtitle", "Part des suffrages exprimés, résultats partiels")
    kw.setdefault("source_line", SOURCE)
    kw.setdefault("credit", "Graphique : Rédaction")
    kw.setdefault("logo", None)
    return layout.Frame(title=title, **kw)


def plain(text: str) -> str:
    return " ".join(text.replace(NBSP, " ").split())


def png_info(png: bytes) -> tuple[int, int, dict[str, str], tuple[int, ...]]:
    """(width, height, iTXt texts, top-left pixel) read with struct + zlib, no Pillow."""
    assert png[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG signature"
    pos, texts, idat = 8, {}, b""
    width = height = colour = 0
    while pos < len(png):
        (length,) = struct.unpack(">I", png[pos : pos + 4])
        kind, body = png[pos + 4 : pos + 8], png[pos + 8 : pos + 8 + length]
        if kind == b"IHDR":
            width, height, _depth, colour = struct.unpack(">IIBB", body[:10])
        elif kind == b"iTXt":
            key, rest = body.split(b"\x00", 1)
            texts[key.decode()] = rest[2:].split(b"\x00", 2)[2].decode()
        elif kind == b"IDAT":
            idat += body
        pos += 12 + length
    channels = {2: 3, 6: 4}[colour]
    # Row 0, pixel 0 is stored raw whatever the row filter (no left or upper neighbour).
    first = zlib.decompressobj().decompress(idat, 1 + channels)
    return width, height, texts, tuple(first[1 : 1 + channels])


def svg_texts(svg: bytes) -> list[str]:
    root = ET.fromstring(svg)
    return [plain("".join(t.itertext())) for t in root.iter(f"{SVG_NS}text")]


# --- PNG ----------------------------------------------------------------------------------


@pytest.mark.parametrize("preset", list(layout.PRESETS))
def test_png_is_drawn_at_twice_the_preset_size(export_browser, preset: str) -> None:
    result = formats.export_chart(bars(), fmt="png", preset=preset, frame=frame(), data=None)
    width, height, texts, _ = png_info(result.content)
    p = layout.PRESETS[preset]
    assert (width, height) == (2 * p.width, 2 * p.height)
    assert result.mime == "image/png" and result.filename_ext == "png"
    # The title, source and alt text travel inside the file, for the CMS.
    assert texts["Title"] == "Hamon en tête"
    assert texts["Source"] == SOURCE
    assert texts["Description"] == result.alt_text


def test_dark_variant_is_dark_and_light_is_white(export_browser) -> None:
    light = formats.export_chart(bars(), fmt="png", preset="square", frame=frame())
    dark = formats.export_chart(
        bars(dark=True), fmt="png", preset="square", frame=frame(), dark=True
    )
    assert png_info(light.content)[3][:3] == (255, 255, 255)
    assert sum(png_info(dark.content)[3][:3]) < 3 * 40


# --- SVG ----------------------------------------------------------------------------------


def test_svg_parses_and_carries_title_desc_and_source_line(export_browser) -> None:
    result = formats.export_chart(lines(), fmt="svg", preset="article", frame=frame())
    root = ET.fromstring(result.content)
    assert root.tag == f"{SVG_NS}svg" and root.get("role") == "img"
    assert root.find(f"{SVG_NS}title").text == "Hamon en tête"
    assert root.find(f"{SVG_NS}desc").text == result.alt_text
    texts = svg_texts(result.content)
    assert "Hamon en tête" in texts
    assert "Part des suffrages exprimés, résultats partiels" in texts
    assert plain(SOURCE) in " ".join(texts)  # the footer, possibly on two lines
    assert "7 023 / 7 208 bureaux" in " ".join(texts)
    assert {"Benoît Hamon", "Manuel Valls"} <= set(texts)  # the legend
    assert root.get("width") == "1200" and root.get("height") == "675"


# --- PDF ----------------------------------------------------------------------------------


def test_pdf_is_one_page_of_the_preset_with_its_text(export_browser) -> None:
    from pypdf import PdfReader

    result = formats.export_chart(bars(), fmt="pdf", preset="portrait", frame=frame())
    reader = PdfReader(io.BytesIO(result.content))
    assert len(reader.pages) == 1
    box = reader.pages[0].mediabox
    # CSS px → PDF points (× 0.75): 1080×1350 px is 810×1012.5 pt
    assert abs(float(box.width) - 810) < 1 and abs(float(box.height) - 1012.5) < 1
    text = plain(reader.pages[0].extract_text())
    assert "Hamon en tête" in text and "7 208 bureaux" in text
    # What a PDF viewer shows as the document title (Chromium would say "Kaleido-fier").
    assert reader.metadata.title == "Hamon en tête"
    assert reader.metadata.author == "Graphique : Rédaction"
    assert result.mime == "application/pdf"


# --- HTML ---------------------------------------------------------------------------------


class _Scripts(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.sources: list[str | None] = []
        self.figure: dict[str, str | None] = {}

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "script":
            self.sources.append(dict(attrs).get("src"))
        if tag == "figure":
            self.figure = dict(attrs)


def test_html_is_standalone_with_alt_text_and_no_network_script() -> None:
    result = formats.export_chart(lines(), fmt="html", preset="article", frame=frame())
    page = result.content.decode("utf-8")
    parser = _Scripts()
    parser.feed(page)
    assert parser.sources and all(src is None for src in parser.sources)  # all inline
    assert '<script src="http' not in page
    assert len(result.content) > 3_000_000  # plotly.js itself is inside
    assert 'class="plotly-graph-div"' in page and "Plotly.newPlot" in page
    assert parser.figure["role"] == "img"
    assert parser.figure["aria-label"] == result.alt_text
    assert "<title>Hamon en tête</title>" in page
    assert "7 023 / 7 208 bureaux" in plain(page)
    assert result.mime.startswith("text/html")


def test_html_draws_the_chart_offline(export_browser, tmp_path: Path) -> None:
    """Chromium with every request sent to a dead proxy still draws the chart."""
    path = tmp_path / "chart.html"
    path.write_bytes(formats.export_chart(lines(), fmt="html", frame=frame()).content)
    dom = subprocess.run(
        [
            str(CHROMIUM),
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--proxy-server=127.0.0.1:9",
            "--virtual-time-budget=5000",
            "--dump-dom",
            path.as_uri(),
        ],
        capture_output=True,
        text=True,
        timeout=60,
    ).stdout
    assert 'class="main-svg"' in dom  # plotly.js ran and drew the SVG
    assert "Benoît Hamon" in dom


def test_embed_snippet_is_an_iframe_with_the_preset_ratio() -> None:
    snippet = formats.embed_snippet("https://example.org/c.html?a=1&b=2", "square", title='"A" & B')
    assert snippet.startswith("<iframe ") and snippet.endswith("</iframe>")
    assert 'src="https://example.org/c.html?a=1&amp;b=2"' in snippet
    assert "aspect-ratio:1080/1080" in snippet and 'title="&quot;A&quot; &amp; B"' in snippet
    assert 'loading="lazy"' in snippet


# --- CSV / JSON ---------------------------------------------------------------------------


def data() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "candidat": ["Benoît Hamon", '=HYPERLINK("http://x")'],
            "voix": pd.array([1181872, None], dtype="Int64"),
            "part_pct": [58.69, 41.31],
            "heure": pd.to_datetime(["2017-01-29 23:50", "2017-01-29 23:50"]).tz_localize(PARIS),
        }
    )


def test_csv_opens_in_french_excel_and_reads_back() -> None:
    result = formats.export_chart(bars(), fmt="csv", frame=frame(), data=data())
    raw = result.content
    assert raw.startswith(b"\xef\xbb\xbf")  # BOM: Excel reads UTF-8 accents
    text = raw.decode("utf-8-sig")
    header, first, second = text.split("\r\n")[:3]
    assert header == "candidat;voix;part_pct;heure"
    assert first == "Benoît Hamon;1181872;58,69;2017-01-29T23:50:00+01:00"
    assert second.endswith(";;41,31;2017-01-29T23:50:00+01:00")  # missing votes: empty cell
    back = pd.read_csv(io.BytesIO(raw), sep=";", decimal=",", encoding="utf-8-sig")
    assert back["part_pct"].tolist() == [58.69, 41.31]
    assert back["candidat"][1] == '\'=HYPERLINK("http://x")'  # shown as text, never run
    assert result.mime.startswith("text/csv") and result.filename_ext == "csv"


def test_json_is_typed_and_describes_the_chart() -> None:
    result = formats.export_chart(bars(), fmt="json", frame=frame(), data=data())
    doc = json.loads(result.content)
    assert doc["title"] == "Hamon en tête" and doc["source"] == SOURCE
    assert doc["alt_text"] == result.alt_text
    assert doc["columns"] == ["candidat", "voix", "part_pct", "heure"]
    assert doc["rows"][0] == {
        "candidat": "Benoît Hamon",
        "voix": 1181872,
        "part_pct": 58.69,
        "heure": "2017-01-29T23:50:00+01:00",
    }
    assert doc["rows"][1]["voix"] is None


def test_data_formats_need_the_data() -> None:
    with pytest.raises(DashboardError, match="no data"):
        formats.export_chart(bars(), fmt="csv", frame=frame(), data=None)


# --- Frame --------------------------------------------------------------------------------


def test_framing_and_exporting_leave_the_input_figure_alone(export_browser) -> None:
    fig = lines()
    before = fig.to_json()
    layout.frame_figure(fig, frame(logo=FIXTURES / "logo.svg"), "story", dark=True)
    formats.export_chart(fig, fmt="svg", preset="story", frame=frame(), dark=True)
    formats.export_chart(fig, fmt="html", preset="story", frame=frame(), dark=True)
    assert fig.to_json() == before


@pytest.mark.parametrize(("preset", "min_lines"), [("article", 2), ("story", 3)])
def test_long_title_wraps_at_word_boundaries(preset: str, min_lines: int) -> None:
    framed = layout.frame_figure(bars(), frame(LONG_TITLE), preset)
    title = next(a for a in framed.layout.annotations if a.name == "frame-title")
    wrapped = title.text.split("<br>")
    assert len(wrapped) >= min_lines
    # No word cut, nothing lost; a French ":" is held to the word before it (no-break space).
    assert " ".join(wrapped).replace("\u00a0", " ") == LONG_TITLE
    assert not any(line.startswith((":", ";", "?", "!")) for line in wrapped)
    p = layout.PRESETS[preset]
    limit = layout._chars_per_line(p.width - 2 * p.side, p.title_size, bold=True)
    assert all(len(line) <= limit for line in wrapped)


def test_preset_type_scale_grows_on_narrow_canvases() -> None:
    article = layout.frame_figure(bars(), frame(), "article")
    story = layout.frame_figure(bars(), frame(), "story")
    assert story.layout.font.size > article.layout.font.size
    # Builders' own label sizes are scaled with the preset too (15 px on screen).
    assert story.data[0].textfont.size > article.data[0].textfont.size > 14
    assert story.layout.margin.t > article.layout.margin.t  # the story's top safe zone


_BBOX_JS = """
const out = [...document.querySelectorAll('svg.main-svg')].filter(s => s.parentElement.tagName
  !== 'svg').map(svg => { const r = svg.getBoundingClientRect();
  return [...svg.querySelectorAll('text')].filter(t => t.textContent.trim()).map(t => {
    const b = t.getBoundingClientRect();
    return [t.textContent, b.left - r.left, b.top - r.top, b.right - r.left, b.bottom - r.top];
  }); });
document.getElementById('out').textContent = JSON.stringify(out);
"""


def test_nothing_is_cut_or_overlapping_on_any_preset(export_browser, tmp_path: Path) -> None:
    """Chromium measures every text of the exported SVGs: inside the canvas, no overlap."""
    cases = [(preset, fig) for preset in layout.PRESETS for fig in (bars(), lines())]
    f = frame(LONG_TITLE, logo=FIXTURES / "logo.svg")
    svgs = [
        formats.export_chart(fig, fmt="svg", preset=preset, frame=f).content.decode()
        for preset, fig in cases
    ]
    page = tmp_path / "measure.html"
    page.write_text(
        "<!DOCTYPE html><html><body style='margin:0'>"
        + "".join(f"<div>{s}</div>" for s in svgs)
        + f"<pre id='out'></pre><script>{_BBOX_JS}</script></body></html>",
        encoding="utf-8",
    )
    dom = subprocess.run(
        [
            str(CHROMIUM),
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--virtual-time-budget=3000",
            "--dump-dom",
            page.as_uri(),
        ],
        capture_output=True,
        text=True,
        timeout=60,
    ).stdout
    match = re.search(r"<pre id=\"out\">(.*?)</pre>", dom, re.S)
    assert match, "Chromium did not measure the page"
    measured = json.loads(html.unescape(match.group(1)))
    assert len(measured) == len(cases)
    for (preset, _), texts in zip(cases, measured, strict=True):
        p = layout.PRESETS[preset]
        frame_lines = [t for t in texts if _is_frame_text(t[0])]
        assert len(frame_lines) >= 3, (preset, texts)  # title, subtitle, footer at least
        for text, left, top, right, bottom in texts:
            assert left >= -0.5 and top >= -0.5, (preset, text, left, top)
            assert right <= p.width + 0.5 and bottom <= p.height + 0.5, (preset, text, right)
        for text, left, _top, right, _bottom in frame_lines:
            assert left >= p.side - 1 and right <= p.width - p.side + 1, (preset, text)
        for a in frame_lines:
            for b in texts:
                if b is a or _is_frame_text(b[0]):
                    continue
                overlap = (
                    min(a[3], b[3]) - max(a[1], b[1]) > 1 and min(a[4], b[4]) - max(a[2], b[2]) > 1
                )
                assert not overlap, (preset, a[0], b[0])


def _is_frame_text(text: str) -> bool:
    words = plain(text)
    return (
        words.startswith(("Second tour", "Part des suffrages", "Source", "Graphique"))
        or words in plain(LONG_TITLE)
        or words in plain(SOURCE)
    )


def test_logo_is_inlined_and_a_missing_one_is_a_clear_error() -> None:
    framed = layout.frame_figure(bars(), frame(logo=FIXTURES / "logo.svg"), "article")
    (image,) = [i for i in framed.layout.images if i.name == "frame-logo"]
    assert image.source.startswith("data:image/svg+xml;base64,")
    with pytest.raises(DashboardError, match="logo .*nope.png"):
        layout.frame_figure(bars(), frame(logo=Path("/nope/nope.png")), "article")


def test_frame_reads_a_chart_bundle_and_settings(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DASHBOARD_CREDIT", "Service infographie")
    bundle = type("Bundle", (), dict(title="T", subtitle="S", source_line=SOURCE, alt_text=""))
    f = layout.Frame.of(bundle())
    assert (f.title, f.subtitle, f.source_line) == ("T", "S", SOURCE)
    assert f.credit == "Service infographie"
    assert layout.Frame.of(f) is f


def test_alt_text_reads_the_figures_off_the_chart() -> None:
    alt = layout.alt_text_for(bars(), frame())
    assert alt.startswith("Hamon en tête. Part des suffrages exprimés")
    assert "Benoît Hamon : 58,69 %" in alt and "Manuel Valls : 41,31 %" in alt
    assert plain(SOURCE) in plain(alt)
    assert layout.alt_text_for(bars(), frame(alt_text="Texte de la rédaction")) == (
        "Texte de la rédaction"
    )


def test_source_line_reads_like_the_newsroom_writes_it() -> None:
    assert plain(SOURCE) == (
        "Source : Haute Autorité des primaires citoyennes — données au 29/01/2017 23:50, "
        "7 023 / 7 208 bureaux"
    )
    assert "7" + NBSP + "023" in SOURCE  # never broken inside a number


# --- the shared browser -------------------------------------------------------------------


def test_four_threads_at_once_each_get_their_own_chart(export_browser) -> None:
    titles = [f"Graphique {name}" for name in ("Alpha", "Bravo", "Charlie", "Delta")]
    start = threading.Barrier(len(titles))
    render.shutdown()  # the worst case: four first clicks racing to start the browser

    def job(title: str) -> bytes:
        fig = bars(title)
        start.wait()  # all four reach the browser together
        return formats.export_chart(fig, fmt="svg", preset="article", frame=frame(title)).content

    with ThreadPoolExecutor(len(titles)) as pool:
        results = list(pool.map(job, titles * 2))
    for title, svg in zip(titles * 2, results, strict=True):
        texts = svg_texts(svg)
        assert title in texts
        assert not [t for t in titles if t != title and t in texts]


def test_browser_is_kept_between_exports_and_restarted_when_it_died(export_browser) -> None:
    formats.export_chart(bars(), fmt="png", frame=frame())
    first = render._RENDERER._kaleido
    formats.export_chart(bars(), fmt="png", frame=frame())
    assert render._RENDERER._kaleido is first  # one browser, not one per export

    first.subprocess.kill()  # Chromium crashed (or was OOM-killed) between two clicks
    first.subprocess.wait()
    result = formats.export_chart(bars(), fmt="png", frame=frame())
    assert png_info(result.content)[:2] == (2400, 1350)
    assert render._RENDERER._kaleido is not first


def test_missing_chromium_is_a_one_line_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BROWSER_PATH", "/nonexistent/chromium")
    renderer = render._Renderer()
    try:
        with pytest.raises(DashboardError) as info:
            renderer.render(bars().to_dict(), dict(format="png", width=100, height=100))
    finally:
        renderer.stop()
    message = str(info.value)
    assert "Chromium not found" in message and "\n" not in message


# --- names and errors ---------------------------------------------------------------------


def test_file_names() -> None:
    assert names.filename("primaire-2017", 2, "repartition", "23:50", "png") == (
        "primaire-2017-t2-repartition-2350.png"
    )
    when = datetime(2017, 1, 29, 23, 50, tzinfo=PARIS)
    assert names.filename("primaire-2017", 2, "Répartition", when, "svg", preset="story") == (
        "primaire-2017-t2-repartition-story-2350.svg"
    )
    assert names.filename("primaire-2017", 2, "repartition", "2350", "png", dark=True) == (
        "primaire-2017-t2-repartition-sombre-2350.png"
    )
    # The data does not depend on the canvas or the theme: one name per chart.
    assert names.filename("primaire-2017", 1, "progression", None, "csv", preset="story") == (
        "primaire-2017-t1-progression.csv"
    )


def test_unknown_format_or_preset_is_refused() -> None:
    with pytest.raises(DashboardError, match="unknown format 'gif'"):
        formats.export_chart(bars(), fmt="gif", frame=frame())  # type: ignore[arg-type]
    with pytest.raises(DashboardError, match="unknown preset 'banner'"):
        formats.export_chart(bars(), fmt="png", preset="banner", frame=frame())
