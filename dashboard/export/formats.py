"""Newsroom exports of a chart: PNG, SVG, PDF, standalone HTML, and the data as CSV / JSON.

The app's export panel and `python -m dashboard export` both call `export_chart`: the figure is
framed (`frame.py`), drawn (`render.py`) and given its metadata here (PNG iTXt, PDF info, SVG
title/desc, HTML page with its shared plotly.js).

CSV format choice (documented in README): written for French Excel, which is what the desk
opens — UTF-8 *with* BOM (else Excel reads the accents as Latin-1), `;` separator, decimal
comma, no thousands separator, timestamps ISO 8601 with offset, CRLF line ends (RFC 4180).
It stays machine-readable: `pd.read_csv(p, sep=";", decimal=",", encoding="utf-8-sig")`.
Programs should rather use the JSON export (decimal point, typed values, same rows).
"""

from __future__ import annotations

import html
import io
import json
import math
import re
import struct
import zlib
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any, Literal, get_args

import pandas as pd
import plotly.graph_objects as go
import plotly.io as pio

from dashboard.charts.theme import house_template
from dashboard.errors import DashboardError
from dashboard.export.frame import (
    PRESETS,
    Frame,
    Preset,
    alt_text_for,
    figure_title,
    frame_figure,
    legend_entries,
    legend_rows,
    logo_uri,
)
from dashboard.export.render import render_image
from dashboard.text import html as escape_html

Format = Literal["png", "svg", "pdf", "html", "csv", "json"]
FORMATS: tuple[str, ...] = get_args(Format)
DATA_FORMATS = ("csv", "json")  # the data behind the chart; the preset does not apply

MIME: dict[str, str] = {
    "png": "image/png",
    "svg": "image/svg+xml",
    "pdf": "application/pdf",
    "html": "text/html; charset=utf-8",
    "csv": "text/csv; charset=utf-8",
    "json": "application/json",
}

PNG_SCALE = 2  # retina: the article preset gives a 2400×1350 PNG

# --------------------------------------------------------------------------------------------
# Formats
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ExportResult:
    content: bytes
    mime: str
    filename_ext: str  # "png", … (no dot)
    alt_text: str
    # Files the content needs beside it (name → bytes): the shared plotly.js of an HTML page
    # exported with `plotlyjs="shared"`. Written once per folder; same name, same bytes.
    assets: dict[str, bytes] = field(default_factory=dict)


def plotlyjs_asset() -> tuple[str, bytes]:
    """("plotly-3.1.0.min.js", its bytes): the one plotly.js every shared-asset page loads.
    Versioned name, so a page never runs against another plotly.js than it was made for."""
    from plotly.offline import get_plotlyjs, get_plotlyjs_version

    return f"plotly-{get_plotlyjs_version()}.min.js", get_plotlyjs().encode("utf-8")


def _png_with_text(png: bytes, texts: dict[str, str]) -> bytes:
    """PNG with iTXt chunks (UTF-8) after IHDR: CMSs and image viewers show Title/Description."""
    if png[:8] != b"\x89PNG\r\n\x1a\n":
        raise DashboardError("the browser returned something that is not a PNG")
    ihdr_end = 8 + 8 + struct.unpack(">I", png[8:12])[0] + 4
    chunks = b""
    for key, value in texts.items():
        if not value:
            continue
        body = key.encode("latin-1") + b"\x00\x00\x00" + b"\x00" + b"\x00" + value.encode()
        chunks += struct.pack(">I", len(body)) + b"iTXt" + body
        chunks += struct.pack(">I", zlib.crc32(b"iTXt" + body) & 0xFFFFFFFF)
    return png[:ihdr_end] + chunks + png[ihdr_end:]


def _pdf_with_info(pdf: bytes, info: dict[str, str]) -> bytes:
    """Replace Chromium's document info (/Title "Kaleido-fier") by ours (pypdf rewrites the
    file, so any PDF Chromium writes is handled, not only a trailer shape we recognise)."""
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(pdf)))
    writer.add_metadata({f"/{key}": value for key, value in info.items() if value})
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _svg_accessible(svg: bytes, title: str, alt: str) -> bytes:
    """Add role="img", <title> and <desc> as first children of the root <svg>."""
    text = svg.decode("utf-8")
    match = re.match(r"\s*(<\?xml[^>]*>\s*)?<svg\b[^>]*>", text)
    if match is None:
        raise DashboardError("the browser returned something that is not an SVG")
    head = match.group(0)
    opened = head[:-1] + ' role="img" aria-labelledby="chart-title chart-desc">'
    extra = (
        f'<title id="chart-title">{escape_html(title)}</title>'
        f'<desc id="chart-desc">{escape_html(alt)}</desc>'
    )
    return (opened + extra + text[match.end() :]).encode("utf-8")


def _html_page(
    fig: go.Figure,
    frame: Frame,
    preset: Preset,
    alt: str,
    *,
    dark: bool,
    plotlyjs_src: str | None = None,
) -> bytes:
    """A page: plotly.js inlined (standalone, works offline) or loaded from `plotlyjs_src`
    (the shared asset beside it: ~60 kB a page instead of 4.7 MB), the frame as real HTML.

    The frame is HTML rather than drawn in the figure so it reflows when the iframe is
    narrower than the preset, and stays selectable / readable by screen readers.
    """
    tpl = house_template(dark=dark)
    paper, ink, muted = (
        tpl.layout.paper_bgcolor,
        tpl.layout.font.color,
        tpl.layout.xaxis.linecolor,
    )
    plot = go.Figure(fig.to_dict())
    plot.update_layout(
        template=tpl,
        title=dict(text="", subtitle=dict(text="")),  # the page's <h1> carries it
        width=None,
        height=None,
        autosize=True,
        font=dict(size=preset.font_size),
        margin=dict(t=24, l=16, r=24, b=40),
    )
    if names := legend_entries(plot):
        # Top left of the div, as on the images (the top right belongs to plotly's mode bar),
        # with room under it for what builders put just above the plot (subplot titles).
        rows = legend_rows(names, 0.9 * preset.width, preset.font_size)
        plot.update_layout(
            legend=dict(
                orientation="h",
                xref="container",
                yref="container",
                x=0.01,
                xanchor="left",
                y=1,
                yanchor="top",
            ),
            margin_t=round((rows * 1.7 + 1.6) * preset.font_size),
        )
    div = pio.to_html(
        plot,
        full_html=False,
        # Inlined (~4.7 MB, no CDN, works offline and alone in a CMS) or the shared file.
        include_plotlyjs=True if plotlyjs_src is None else False,
        include_mathjax=False,
        div_id="chart",
        default_width="100%",
        default_height="100%",
        config={
            "displaylogo": False,
            "responsive": True,
            "toImageButtonOptions": {"format": "png", "scale": PNG_SCALE},
        },
    )
    esc = escape_html
    logo = f'<img class="logo" src="{logo_uri(Path(frame.logo))}" alt="">' if frame.logo else ""
    footer = " · ".join(esc(s) for s in (frame.source_line, frame.credit) if s)
    title = frame.title or figure_title(fig)
    subtitle = f'<p class="subtitle">{esc(frame.subtitle)}</p>' if frame.subtitle else ""
    shared_js = (
        f'\n<script src="{html.escape(plotlyjs_src, quote=True)}" charset="utf-8"></script>'
        if plotlyjs_src
        else ""
    )
    # role="img" + aria-label: screen readers hear the alt text, not plotly's SVG soup.
    page = f"""<!DOCTYPE html>
<html lang="fr">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{esc(title)}</title>
<meta name="description" content="{esc(alt)}">{shared_js}
<style>
html, body {{ margin: 0; height: 100%; background: {paper}; color: {ink};
  font-family: "DejaVu Sans", "Liberation Sans", Arial, sans-serif; }}
body {{ display: flex; flex-direction: column; box-sizing: border-box;
  padding: 12px {preset.side // 2}px; }}
h1 {{ font-size: clamp(17px, 3.2vw, {preset.title_size}px); margin: 0 0 4px; }}
p {{ margin: 0; }}
.subtitle {{ color: {muted}; font-size: clamp(14px, 2.2vw, {preset.subtitle_size}px); }}
figure {{ flex: 1; min-height: 0; margin: 8px 0; }}
footer {{ display: flex; justify-content: space-between; align-items: flex-end; gap: 12px;
  color: {muted}; font-size: clamp(11px, 1.6vw, {preset.foot_size}px); }}
.logo {{ max-height: 32px; }}
</style>
</head>
<body>
<header><h1>{esc(title)}</h1>{subtitle}</header>
<figure role="img" aria-label="{esc(alt)}">
{div}
</figure>
<footer><p>{footer}</p>{logo}</footer>
</body>
</html>
"""
    return page.encode("utf-8")


def embed_snippet(url: str, preset: str | Preset = "article", *, title: str = "") -> str:
    """An <iframe> for a CMS: full width, the preset's aspect ratio, lazy-loaded."""
    p = PRESETS[preset] if isinstance(preset, str) else preset
    label = escape_html(title or "Graphique interactif")
    return (
        f'<iframe src="{escape_html(url)}" title="{label}" '
        f'width="{p.width}" height="{p.height}" loading="lazy" '
        f'style="width:100%;height:auto;aspect-ratio:{p.width}/{p.height};border:0" '
        f"allowfullscreen></iframe>"
    )


_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _csv_safe(value: Any) -> Any:
    # A live-blog quote starting with "=" would run as a formula in Excel (CSV injection).
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def _iso(value: Any) -> Any:
    if isinstance(value, pd.Timestamp):
        return None if pd.isna(value) else value.isoformat()
    if isinstance(value, datetime | date):
        return value.isoformat()
    return value


def _prepared(data: pd.DataFrame) -> pd.DataFrame:
    df = data.copy()
    for col in df.columns:
        if pd.api.types.is_datetime64_any_dtype(df[col]):
            df[col] = df[col].map(lambda v: None if pd.isna(v) else v.isoformat())
        elif df[col].dtype == object:
            df[col] = df[col].map(_iso)
    return df


def data_csv(data: pd.DataFrame) -> bytes:
    """The data for French Excel; see the module docstring for the choice."""
    df = _prepared(data)
    for col in df.columns:
        if df[col].dtype == object or pd.api.types.is_string_dtype(df[col]):
            df[col] = df[col].map(_csv_safe)
    buf = io.StringIO()
    df.to_csv(buf, sep=";", decimal=",", index=False, lineterminator="\r\n")
    return buf.getvalue().encode("utf-8-sig")


def _jsonable(value: Any) -> Any:
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if hasattr(value, "item") and not isinstance(value, str):  # numpy scalars
        value = value.item()
    if isinstance(value, float) and (math.isnan(value) or math.isinf(value)):
        return None
    return _iso(value)


def data_json(data: pd.DataFrame, frame: Frame | None = None, *, alt_text: str = "") -> bytes:
    """{"title", "subtitle", "source", "credit", "alt_text", "columns", "rows": [{…}, …]}."""
    df = _prepared(data)
    rows = [
        {str(k): _jsonable(v) for k, v in rec.items()}
        for rec in df.astype(object).to_dict(orient="records")
    ]
    doc: dict[str, Any] = {}
    if frame is not None:
        doc.update(
            title=frame.title,
            subtitle=frame.subtitle,
            source=frame.source_line,
            credit=frame.credit,
            alt_text=alt_text or frame.alt_text,
        )
    doc.update(columns=[str(c) for c in data.columns], rows=rows)
    return (json.dumps(doc, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


def export_chart(
    fig: go.Figure,
    *,
    fmt: Format,
    preset: str = "article",
    frame: Frame | Any,
    data: pd.DataFrame | None = None,
    dark: bool = False,
    plotlyjs: Literal["inline", "shared"] = "inline",
) -> ExportResult:
    """One chart in one format. PNG/SVG/PDF go through the shared browser (thread-safe).

    HTML: `plotlyjs="inline"` gives one standalone file (a download); `"shared"` a page that
    loads `plotlyjs_asset()` from beside it, returned in `.assets` (a folder of exports).

    Raises DashboardError for an unknown format or preset, a missing logo, or no Chromium.
    """
    if fmt not in FORMATS:
        raise DashboardError(f"unknown format {fmt!r}; choose one of {', '.join(FORMATS)}")
    if preset not in PRESETS:
        raise DashboardError(f"unknown preset {preset!r}; choose one of {', '.join(PRESETS)}")
    frame = Frame.of(frame)
    p = PRESETS[preset]
    alt = alt_text_for(fig, frame)
    if fmt in DATA_FORMATS:
        if data is None:
            raise DashboardError(f"no data behind this chart to export as {fmt.upper()}")
        content = data_csv(data) if fmt == "csv" else data_json(data, frame, alt_text=alt)
        return ExportResult(content, MIME[fmt], fmt, alt)
    if fmt == "html":
        if plotlyjs == "shared":
            name, js = plotlyjs_asset()
            page = _html_page(fig, frame, p, alt, dark=dark, plotlyjs_src=name)
            return ExportResult(page, MIME[fmt], fmt, alt, {name: js})
        return ExportResult(_html_page(fig, frame, p, alt, dark=dark), MIME[fmt], fmt, alt)

    framed = frame_figure(fig, frame, p, dark=dark)
    scale = PNG_SCALE if fmt == "png" else 1
    content = render_image(framed, fmt, width=p.width, height=p.height, scale=scale)
    title = frame.title or figure_title(fig)
    if fmt == "png":
        content = _png_with_text(
            content,
            {
                "Title": title,
                "Description": alt,
                "Source": frame.source_line,
                "Author": frame.credit,
            },
        )
    elif fmt == "svg":
        content = _svg_accessible(content, title, alt)
    else:
        content = _pdf_with_info(
            content,
            {
                "Title": title,
                "Subject": alt,
                "Author": frame.credit,
                "Keywords": frame.source_line,
                "Creator": "dashboard export",
            },
        )
    return ExportResult(content, MIME[fmt], fmt, alt)
