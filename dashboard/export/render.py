"""Newsroom exports of a chart: PNG, SVG, PDF, standalone HTML, and the data as CSV / JSON.

Pure module (no streamlit): the app's export panel and `python -m dashboard export` both call
`export_chart`. Images carry the newsroom frame (title, subtitle, source line, credit, optional
logo) laid out per preset so nothing is cut, in light or dark.

PNG/SVG/PDF are drawn by kaleido 1.x in ONE Chromium kept for the whole process (Debian's
/usr/bin/chromium, found by kaleido; never downloaded). Starting Chromium costs ~2-3 s, a warm
render ~0.1-0.25 s, so the browser is started lazily on the first image and reused. A module
lock serialises every use of it: Streamlit runs each session in its own thread, and the browser
is one shared resource.

Why not `kaleido.start_sync_server()`: when Chromium cannot start (missing, crashed at launch)
its worker thread dies and the next `calc_fig_sync` blocks forever on `Queue.join()` — an
editor's click would hang the session. It also silently reroutes every `fig.to_image()` of the
process through the same unlocked browser. `_Renderer` below is the same idea (one `Kaleido`
on a private event loop thread) with a timeout on each call, a health check and a restart.

CSV format choice (documented in README): written for French Excel, which is what the desk
opens — UTF-8 *with* BOM (else Excel reads the accents as Latin-1), `;` separator, decimal
comma, no thousands separator, timestamps ISO 8601 with offset, CRLF line ends (RFC 4180).
It stays machine-readable: `pd.read_csv(p, sep=";", decimal=",", encoding="utf-8-sig")`.
Programs should rather use the JSON export (decimal point, typed values, same rows).
"""

from __future__ import annotations

import asyncio
import atexit
import base64
import html
import io
import json
import math
import numbers
import re
import struct
import textwrap
import threading
import zlib
from collections.abc import Coroutine
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any, Literal, get_args

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import plotly.io as pio

from dashboard import settings
from dashboard.charts.theme import house_template
from dashboard.errors import DashboardError
from dashboard.fr import NBSP, fr_int, slugify
from dashboard.text import html as escape_html
from dashboard.text import plain
from dashboard.text import plotly as plotly_text

Format = Literal["png", "svg", "pdf", "html", "csv", "json"]
FORMATS: tuple[str, ...] = get_args(Format)
IMAGE_FORMATS = ("png", "svg", "pdf")  # drawn by Chromium
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
RENDER_TIMEOUT_S = 60.0  # a render never takes this long; past it the browser is restarted

# Average advance of a character, in em, for DejaVu Sans (the house font, the widest of the
# stack). Measured ~0.56 em on French text; rounded up so an estimate never overflows.
_EM_REGULAR = 0.58
_EM_BOLD = 0.64
_BASE_FONT = house_template().layout.font.size  # the screen size the builders draw for
_LINE = 1.3  # plotly's line spacing for multi-line text (LINE_SPACING in plotly.js)


# --------------------------------------------------------------------------------------------
# Presets and frame
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Preset:
    """Canvas size (CSS px; PNG is drawn at PNG_SCALE) and the type scale fitted to it."""

    name: str
    label: str  # shown in the export panel
    width: int
    height: int
    title_size: int
    subtitle_size: int
    font_size: int  # axes, legend, data labels
    foot_size: int  # source line and credit
    side: int  # left/right padding
    top: int  # padding above the title
    bottom: int  # padding below the footer


# Narrow canvases are shown smaller (a phone feed), so their type is larger relative to width.
# Story keeps ~11 % top/bottom free: Instagram/TikTok draw their own UI there.
PRESETS: dict[str, Preset] = {
    p.name: p
    for p in (
        Preset("article", "Article 1200×675", 1200, 675, 28, 18, 15, 13, 32, 22, 16),
        Preset("square", "Carré 1080×1080", 1080, 1080, 38, 24, 20, 16, 48, 44, 36),
        Preset("portrait", "Portrait 1080×1350", 1080, 1350, 40, 25, 21, 17, 48, 56, 44),
        Preset("story", "Story 1080×1920", 1080, 1920, 48, 29, 24, 20, 64, 210, 210),
    )
}


def _default_logo() -> Path | None:
    value = settings.get_str("logo")
    return Path(value) if value else None


@dataclass(frozen=True)
class Frame:
    """What the newsroom prints around every exported chart."""

    title: str
    subtitle: str = ""
    # e.g. "Source : Haute Autorité des primaires citoyennes — données au 29/01/2017 23:50,
    # 7 023 / 7 208 bureaux" (see `source_line()`).
    source_line: str = ""
    credit: str = field(default_factory=lambda: settings.get_str("credit"))
    logo: Path | None = field(default_factory=_default_logo)
    alt_text: str = ""  # empty: generated from the figure by `alt_text_for`

    @classmethod
    def of(cls, obj: Any) -> Frame:
        """A Frame from a Frame, or from anything with title/subtitle/source_line/alt_text
        attributes (a `ChartBundle`, or its `.frame`)."""
        if isinstance(obj, Frame):
            return obj
        inner = getattr(obj, "frame", None)
        if inner is not None and inner is not obj:
            return cls.of(inner)
        extra = {}
        for name in ("credit", "logo"):
            if getattr(obj, name, None) is not None:
                extra[name] = getattr(obj, name)
        return cls(
            title=getattr(obj, "title", "") or "",
            subtitle=getattr(obj, "subtitle", "") or "",
            source_line=getattr(obj, "source_line", "") or "",
            alt_text=getattr(obj, "alt_text", "") or "",
            **extra,
        )


def source_line(
    source: str,
    as_of: datetime | None = None,
    counted: int | None = None,
    total: int | None = None,
) -> str:
    """ "Source : <source> — données au 29/01/2017 23:50, 7 023 / 7 208 bureaux".

    French typography: no-break space before ":" and inside numbers, so a line never breaks
    between "7" and "023". `as_of` should already be in Paris time.
    """
    text = f"Source{NBSP}: {source}"
    if as_of is not None:
        text += f" — données au {as_of:%d/%m/%Y %H:%M}"
        if counted is not None and total is not None:
            # No-break spaces: "7 023 / 7 208 bureaux" wraps as one piece.
            text += f", {fr_int(counted)}{NBSP}/{NBSP}{fr_int(total)}{NBSP}bureaux"
    return text


def _chars_per_line(width_px: float, size: float, *, bold: bool = False) -> int:
    return max(8, int(width_px / (size * (_EM_BOLD if bold else _EM_REGULAR))))


def wrap_text(text: str, width_px: float, size: float, *, bold: bool = False) -> list[str]:
    """`text` cut at word boundaries into lines that fit `width_px` at font `size`.

    An estimate from the average glyph width (no browser involved), deliberately on the wide
    side; tests check the result with Chromium's own measurements.
    """
    if not text:
        return []
    width = _chars_per_line(width_px, size, bold=bold)
    lines: list[str] = []
    for paragraph in text.split("\n"):
        lines += textwrap.wrap(
            paragraph, width=width, break_long_words=False, break_on_hyphens=False
        ) or [""]
    return lines


def _plotly_lines(lines: list[str]) -> str:
    # Plotly reads a small HTML subset: escape the frame's texts, join lines with <br>.
    return "<br>".join(plotly_text(line) for line in lines)


def _legend_entries(fig: go.Figure) -> list[str]:
    """Names the legend will show (estimate, mirrors plotly's defaults)."""
    if fig.layout.showlegend is False:
        return []
    names: list[str] = []
    for trace in fig.data:
        if trace.type == "pie":
            if trace.showlegend is not False:
                names += [str(v) for v in _seq(trace.labels)]
        elif trace.showlegend is not False and trace.visible is not False:
            names.append(str(trace.name or ""))
    has_pie = any(t.type == "pie" for t in fig.data)
    if fig.layout.showlegend is None and not has_pie and len(names) < 2:
        return []
    return names


def _legend_rows(names: list[str], width_px: float, size: float) -> int:
    if not names:
        return 0
    rows, used = 1, 0.0
    for name in names:
        # symbol (40 px) + text + gap, as plotly lays out a horizontal legend
        item = 40 + len(name) * size * _EM_REGULAR + 12
        if used and used + item > width_px:
            rows, used = rows + 1, 0.0
        used += item
    return rows


_TAG = re.compile(r"<[^>]+>")


def _seq(value: Any) -> list[Any]:
    # Plotly keeps data arrays as given: a tuple, a list or a numpy array (no truth value).
    return [] if value is None else list(value)


def _plotly_plain(text: Any) -> str:
    """A plotly label (a small HTML subset, outside text escaped by the builders) back to the
    plain text it shows: tags dropped, entities decoded."""
    return plain(html.unescape(_TAG.sub("", str(text or "")))).strip()


def _figure_title(fig: go.Figure) -> str:
    """The figure's own title as plain text (first line; builders append a styled subtitle)."""
    text = fig.layout.title.text or ""
    return html.unescape(_TAG.sub("", re.split(r"<br\s*/?>", text)[0])).strip()


def _y_label_width(fig: go.Figure, size: float) -> float:
    """Room the primary y axis tick labels need (px), so automargin rarely has to grow `l`."""
    if not any(t.type in ("bar", "scatter", "histogram", "box") for t in fig.data):
        return 0.0
    axis = fig.layout.yaxis
    if axis.visible is False or axis.showticklabels is False:
        return 0.0
    size = axis.tickfont.size or size
    labels: list[str] = [str(t) for t in _seq(axis.ticktext)]
    if not labels:
        for trace in fig.data:
            for value in _seq(trace.y):
                if isinstance(value, str):
                    labels.append(value)
                elif isinstance(value, numbers.Real) and math.isfinite(value):
                    labels.append(f"{value:,.0f}{axis.ticksuffix or ''}")
    width = 12 + size * max(
        (min(len(_TAG.sub("", s)), 40) * (_EM_BOLD if "<b>" in s else _EM_REGULAR) for s in labels),
        default=4 * _EM_REGULAR,
    )
    if axis.title.text:
        width += size * 1.8
    return width


def _x_tick_lines(fig: go.Figure) -> int:
    """Lines of the x tick labels: ticktext "<br>" count; dates put the day on a 2nd line."""
    lines = 1
    for key in fig.layout:
        if not key.startswith("xaxis"):
            continue
        axis = fig.layout[key]
        if axis.showticklabels is False:
            continue
        if ticktext := _seq(axis.ticktext):
            lines = max(lines, *(str(t).count("<br>") + 1 for t in ticktext))
        elif axis.type == "date":
            lines = max(lines, 2)
    for trace in fig.data:
        xs = getattr(trace, "x", None)
        if xs is not None and len(xs) and _looks_like_date(xs[0]):
            lines = max(lines, 2)
    return lines


def _looks_like_date(value: Any) -> bool:
    # Plotly autotypes these as dates, and then writes the day under the first time tick.
    if isinstance(value, datetime | date | np.datetime64):
        return True
    return isinstance(value, str) and re.match(r"\d{4}-\d\d-\d\d", value) is not None


def _scale_fonts(node: Any, factor: float) -> None:
    """Multiply every explicit font size (textfont, tickfont, annotation font…) in place.

    Builders size their labels for the screen; a story is viewed at ~1/3 of its width, so its
    labels must grow with the preset's base size or they become unreadable.
    """
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "template":
                continue
            if key.endswith("font") and isinstance(value, dict):
                size = value.get("size")
                if isinstance(size, numbers.Real):
                    value["size"] = round(float(size) * factor, 1)
                elif isinstance(size, list | tuple | np.ndarray):  # one size per point
                    value["size"] = [round(float(v) * factor, 1) for v in size]
            _scale_fonts(value, factor)
    elif isinstance(node, list):
        for item in node:
            _scale_fonts(item, factor)


@dataclass(frozen=True)
class _Plan:
    """Where the frame puts things, in px from the top of the canvas (tests read it too)."""

    title_lines: list[str]
    subtitle_lines: list[str]
    footer_lines: list[str]
    legend_top: float | None  # None: no legend
    margin: dict[str, int]


_LOGO_RATIO = 3.0  # the logo is fitted ("contain") into a 3:1 box over two footer lines


def _plan(fig: go.Figure, frame: Frame, p: Preset) -> _Plan:
    inner = p.width - 2 * p.side
    title = frame.title or _figure_title(fig)
    title_lines = wrap_text(title, inner, p.title_size, bold=True)
    subtitle_lines = wrap_text(frame.subtitle, inner, p.subtitle_size)
    logo_h = 2 * _LINE * p.foot_size if frame.logo else 0.0
    footer_w = inner - (_LOGO_RATIO * logo_h + p.side / 2 if logo_h else 0)
    footer_lines = wrap_text(frame.source_line, footer_w, p.foot_size)
    footer_lines += wrap_text(frame.credit, footer_w, p.foot_size)

    top = p.top + len(title_lines) * _LINE * p.title_size
    if subtitle_lines:
        top += 0.4 * p.subtitle_size + len(subtitle_lines) * _LINE * p.subtitle_size
    legend_top = None
    entries = _legend_entries(fig)
    if entries and fig.layout.legend.title.text:  # the title ("Média :") takes a place too
        entries = [str(fig.layout.legend.title.text), *entries]
    rows = _legend_rows(entries, inner, p.font_size)
    if rows:
        legend_top = top + 0.8 * p.font_size
        top = legend_top + rows * 1.7 * p.font_size
    top += 1.2 * p.font_size  # air between the header and the plot

    foot = max(len(footer_lines) * _LINE * p.foot_size, logo_h)
    # Under the plot: tick labels (two lines for dates), the axis title, then the footer.
    ticks = 0.0
    if any(t.type not in ("pie", "sunburst", "treemap", "funnelarea") for t in fig.data):
        ticks = (_x_tick_lines(fig) * _LINE + 0.8) * p.font_size
        if any(fig.layout[k].title.text for k in fig.layout if k.startswith("xaxis")):
            ticks += 1.8 * p.font_size
    bottom = p.bottom + foot + 0.8 * p.font_size + ticks
    left = p.side + _y_label_width(fig, p.font_size)
    margin = dict(t=round(top), b=round(bottom), l=round(left), r=p.side, pad=4)
    return _Plan(title_lines, subtitle_lines, footer_lines, legend_top, margin)


def _text_annotation(name: str, lines: list[str], x: float, y: float, **kw: Any) -> Any:
    return go.layout.Annotation(
        name=name,
        text=_plotly_lines(lines),
        xref="paper",
        yref="paper",
        x=x,
        y=y,
        xanchor="left",
        align="left",
        showarrow=False,
        borderpad=0,
        **kw,
    )


def _logo_uri(path: Path) -> str:
    kinds = {
        ".png": "image/png",
        ".svg": "image/svg+xml",
        ".jpg": "image/jpeg",
        ".jpeg": "image/jpeg",
        ".webp": "image/webp",
    }
    mime = kinds.get(path.suffix.lower())
    if mime is None:
        raise DashboardError(f"logo {path}: use a PNG, SVG, JPEG or WebP file")
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise DashboardError(f"logo {path}: cannot read it ({exc.strerror})") from exc
    # Inlined, so that no export ever fetches anything.
    return f"data:{mime};base64,{base64.b64encode(data).decode('ascii')}"


def frame_figure(
    fig: go.Figure, frame: Frame, preset: str | Preset, *, dark: bool = False
) -> go.Figure:
    """A copy of `fig` sized for `preset`, with the newsroom frame. `fig` is not modified.

    Title and subtitle at the top left, the legend under them, source line and credit at the
    bottom left, the logo (if any) at the bottom right. Margins are computed from the wrapped
    text so the plot never runs under the frame; axis automargin stays on so tick labels are
    never cut (the estimate of `l` is generous so it rarely needs to).

    The frame is made of paper annotations placed from those margins, not layout.title:
    plotly anchors a multi-line title by its first baseline, so a wrapped title on "top"
    would climb out of the canvas.
    """
    p = PRESETS[preset] if isinstance(preset, str) else preset
    tpl = house_template(dark=dark)
    ink = tpl.layout.font.color
    muted = tpl.layout.xaxis.linecolor  # the template's secondary ink, light or dark
    logo_uri = _logo_uri(Path(frame.logo)) if frame.logo else ""
    spec = fig.to_dict()  # a deep copy: the caller's figure stays as it was
    _scale_fonts(spec, p.font_size / _BASE_FONT)
    out = go.Figure(spec)
    plan = _plan(out, frame, p)
    m = plan.margin
    plot_w = p.width - m["l"] - m["r"]
    plot_h = p.height - m["t"] - m["b"]

    def paper_x(px: float) -> float:
        return (px - m["l"]) / plot_w

    def paper_y(px_from_top: float) -> float:
        return (p.height - m["b"] - px_from_top) / plot_h

    out.update_layout(
        template=tpl,
        width=p.width,
        height=p.height,
        autosize=False,
        margin=m,
        font=dict(size=p.font_size, color=ink),
        title=dict(text="", subtitle=dict(text="")),  # drawn by the frame below
    )
    if plan.legend_top is not None:
        out.update_layout(
            legend=dict(
                orientation="h",
                xref="container",
                yref="container",
                x=p.side / p.width,
                xanchor="left",
                y=1 - plan.legend_top / p.height,
                yanchor="top",
                font=dict(size=p.font_size, color=ink),
                bgcolor="rgba(0,0,0,0)",
            )
        )

    annotations = [a for a in out.layout.annotations if a.name not in _FRAME_NAMES]
    y_px = float(p.top)
    if plan.title_lines:
        annotations.append(
            _text_annotation(
                "frame-title",
                plan.title_lines,
                paper_x(p.side),
                paper_y(y_px),
                yanchor="top",
                font=dict(size=p.title_size, color=ink, weight="bold"),
            )
        )
        y_px += len(plan.title_lines) * _LINE * p.title_size + 0.4 * p.subtitle_size
    if plan.subtitle_lines:
        annotations.append(
            _text_annotation(
                "frame-subtitle",
                plan.subtitle_lines,
                paper_x(p.side),
                paper_y(y_px),
                yanchor="top",
                font=dict(size=p.subtitle_size, color=muted),
            )
        )
    if plan.footer_lines:
        annotations.append(
            _text_annotation(
                "frame-footer",
                plan.footer_lines,
                paper_x(p.side),
                paper_y(p.height - p.bottom),
                yanchor="bottom",
                font=dict(size=p.foot_size, color=muted),
            )
        )
    out.layout.annotations = annotations

    images = [i for i in out.layout.images if i.name not in _FRAME_NAMES]
    if logo_uri:
        logo_h = 2 * _LINE * p.foot_size
        images.append(
            go.layout.Image(
                name="frame-logo",
                source=logo_uri,
                xref="paper",
                yref="paper",
                x=paper_x(p.width - p.side),
                y=paper_y(p.height - p.bottom),
                xanchor="right",
                yanchor="bottom",
                sizex=_LOGO_RATIO * logo_h / plot_w,
                sizey=logo_h / plot_h,
                sizing="contain",
                layer="above",
            )
        )
    out.layout.images = images
    return out


_FRAME_NAMES = ("frame-title", "frame-subtitle", "frame-footer", "frame-logo")


def alt_text_for(fig: go.Figure, frame: Frame) -> str:
    """The alt text: the frame's own, else title + what the figure shows + source.

    Generated text reads the current figures off the traces (bars: label and value), so a
    screen reader hears the numbers the image shows.
    """
    if frame.alt_text:
        return frame.alt_text
    parts = [frame.title or _figure_title(fig) or "Graphique"]
    if frame.subtitle:
        parts.append(frame.subtitle)
    for trace in fig.data:
        if trace.type == "bar" and trace.x is not None and trace.y is not None:
            horizontal = trace.orientation == "h"
            labels, values = (trace.y, trace.x) if horizontal else (trace.x, trace.y)
            texts = [] if isinstance(trace.text, str) else _seq(trace.text)
            items = []
            for i, (label, value) in enumerate(zip(labels, values, strict=False)):
                shown = texts[i] if i < len(texts) and texts[i] else _fr_number(value)
                items.append(f"{_plotly_plain(label)} : {shown}")
            if items:
                name = f"{_plotly_plain(trace.name)} — " if trace.name else ""
                parts.append(name + ", ".join(items[:12]))
        elif trace.type == "pie" and trace.labels is not None and trace.values is not None:
            parts.append(
                ", ".join(
                    f"{_plotly_plain(lab)} : {_fr_number(v)}"
                    for lab, v in zip(trace.labels, trace.values, strict=False)
                )
            )
        elif trace.type == "scatter" and trace.y is not None and len(trace.y):
            name = _plotly_plain(trace.name) or "série"
            parts.append(f"{name} : dernière valeur {_fr_number(trace.y[-1])}")
    if frame.source_line:
        parts.append(frame.source_line)
    return ". ".join(str(p).rstrip(". ") for p in parts if p) + "."


def _fr_number(value: Any) -> str:
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        return str(value)
    if not math.isfinite(value):
        return "n. c."
    if float(value).is_integer():
        return fr_int(value)
    return f"{float(value):.2f}".replace(".", ",")


# --------------------------------------------------------------------------------------------
# The persistent browser
# --------------------------------------------------------------------------------------------


def _fast_kaleido_class() -> type:
    """kaleido.Kaleido that hands the bytes back before the tab's reload, not after.

    Stock kaleido reloads the tab (the plotly.js page, ~0.17 s here) inside every call, after
    the render (~0.05 s). Here the reload runs in the background and the next call waits for
    the tab as usual, so an editor's click costs the render only. `_return_kaleido_tab` is a
    private hook of kaleido 1.x: if a later version renames it, the override is simply never
    called — same images, stock speed.
    """
    import kaleido

    class FastKaleido(kaleido.Kaleido):
        on_broken: Any = None  # called when a background reload failed

        async def _return_kaleido_tab(self, tab: Any) -> None:
            parent = super()._return_kaleido_tab
            task = asyncio.get_running_loop().create_task(parent(tab))
            self._reloads = getattr(self, "_reloads", set())
            self._reloads.add(task)
            task.add_done_callback(self._reloaded)

        def _reloaded(self, task: asyncio.Task[Any]) -> None:
            self._reloads.discard(task)
            if not task.cancelled() and task.exception() is not None and self.on_broken:
                self.on_broken()  # the tab never came back to the queue

        async def close(self) -> None:
            if reloads := list(getattr(self, "_reloads", ())):
                await asyncio.wait(reloads, timeout=5)
            await super().close()

    return FastKaleido


class _Renderer:
    """One kaleido `Kaleido` (one Chromium, one tab) on a private asyncio loop thread.

    Not thread-safe by itself: callers hold `_LOCK`. Starts on first use, restarts when the
    browser died or a call timed out.
    """

    def __init__(self) -> None:
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._kaleido: Any = None
        self._broken = False

    def _run(self, coro: Coroutine[Any, Any, Any], timeout: float = RENDER_TIMEOUT_S) -> Any:
        assert self._loop is not None
        future = asyncio.run_coroutine_threadsafe(coro, self._loop)
        try:
            return future.result(timeout)
        except TimeoutError:
            future.cancel()
            self._broken = True
            raise

    @property
    def running(self) -> bool:
        proc = getattr(self._kaleido, "subprocess", None)
        return (
            self._kaleido is not None
            and not self._broken
            and self._thread is not None
            and self._thread.is_alive()
            and (proc is None or proc.poll() is None)
        )

    def start(self) -> None:
        from kaleido.errors import ChromeNotFoundError

        if self._thread is None or not self._thread.is_alive():
            self._loop = asyncio.new_event_loop()
            self._thread = threading.Thread(
                target=self._loop.run_forever, name="dashboard-kaleido", daemon=True
            )
            self._thread.start()
        cls = _fast_kaleido_class()

        async def open_browser() -> Any:
            # mathjax=False: kaleido's default page would fetch MathJax from a CDN.
            k = cls(n=1, timeout=RENDER_TIMEOUT_S - 5, mathjax=False)
            k.on_broken = self._mark_broken
            await k.open()
            return k

        try:
            self._kaleido = self._run(open_browser())
        except ChromeNotFoundError as exc:
            raise DashboardError(
                "Chromium not found: PNG/SVG/PDF exports need /usr/bin/chromium "
                "(`make chromium` or `apt-get install chromium`); HTML, CSV and JSON still work"
            ) from exc
        except Exception as exc:
            self.stop()
            raise DashboardError(f"Chromium did not start for exports ({exc})") from exc
        self._broken = False

    def _mark_broken(self) -> None:
        self._broken = True

    def stop(self) -> None:
        k, self._kaleido = self._kaleido, None
        if k is not None and self._thread is not None and self._thread.is_alive():
            try:
                self._run(k.close(), timeout=15)
            except Exception:
                proc = getattr(k, "subprocess", None)
                if proc is not None and proc.poll() is None:
                    proc.kill()
        if self._loop is not None and self._thread is not None:
            self._loop.call_soon_threadsafe(self._loop.stop)
            self._thread.join(timeout=5)
            if not self._thread.is_alive():
                self._loop.close()
        self._loop, self._thread, self._broken = None, None, False

    def render(self, fig_dict: dict[str, Any], opts: dict[str, Any]) -> bytes:
        from kaleido.errors import JavascriptError

        for attempt in (1, 2):
            if not self.running:
                self.stop()
                self.start()
            try:
                return self._run(self._kaleido.calc_fig(fig_dict, opts=opts))
            except JavascriptError as exc:
                # plotly.js refused the figure itself: a new browser would not help.
                raise DashboardError(f"the chart could not be drawn ({exc})") from exc
            except Exception as exc:
                # Browser gone (killed, crashed, out of memory) or stuck: a fresh one, once.
                self._broken = True
                if attempt == 2:
                    raise DashboardError(f"Chromium failed while exporting ({exc!r})") from exc
        raise AssertionError("unreachable")


_LOCK = threading.Lock()
_RENDERER = _Renderer()


def warm_up() -> None:
    """Start the export browser now (e.g. when the app starts) instead of on the first click."""
    with _LOCK:
        if not _RENDERER.running:
            _RENDERER.stop()
            _RENDERER.start()


def shutdown() -> None:
    """Close the export browser now; it is started again by the next image export."""
    with _LOCK:
        _RENDERER.stop()


@atexit.register
def _close_at_exit() -> None:
    # A clean close removes Chromium's profile folder; never wait on a stuck export though.
    if _LOCK.acquire(timeout=2):
        try:
            _RENDERER.stop()
        finally:
            _LOCK.release()


def render_image(fig: go.Figure, fmt: str, *, width: int, height: int, scale: float = 1) -> bytes:
    """Raw kaleido output of an already framed figure (no frame, no metadata)."""
    if fmt not in IMAGE_FORMATS:
        raise DashboardError(f"unknown image format {fmt!r}; choose {', '.join(IMAGE_FORMATS)}")
    opts = dict(format=fmt, width=width, height=height, scale=scale)
    fig_dict = fig.to_dict()
    with _LOCK:
        return _RENDERER.render(fig_dict, opts)


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
    if names := _legend_entries(plot):
        # Top left of the div, as on the images (the top right belongs to plotly's mode bar),
        # with room under it for what builders put just above the plot (subplot titles).
        rows = _legend_rows(names, 0.9 * preset.width, preset.font_size)
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
    logo = f'<img class="logo" src="{_logo_uri(Path(frame.logo))}" alt="">' if frame.logo else ""
    footer = " · ".join(esc(s) for s in (frame.source_line, frame.credit) if s)
    title = frame.title or _figure_title(fig)
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
    title = frame.title or _figure_title(fig)
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


# --------------------------------------------------------------------------------------------
# File names
# --------------------------------------------------------------------------------------------


def filename(
    election_slug: str,
    round: int | None,
    chart_slug: str,
    as_of_hhmm: str | datetime | date | None,
    ext: str,
    *,
    preset: str | None = None,
    dark: bool = False,
) -> str:
    """`primaire-2017-t2-repartition-2350.png` (a `date`: `…-repartition-20170202.png`).

    A non-article preset and the dark variant are named before the time
    (`…-repartition-story-sombre-2350.png`) so files of one folder never overwrite each other;
    data files (csv, json) take neither: they do not depend on them.
    """
    if isinstance(as_of_hhmm, datetime):
        as_of_hhmm = f"{as_of_hhmm:%H%M}"
    elif isinstance(as_of_hhmm, date):
        # A snapshot known by its date only is named by it (…-20170202.png), never …-0000.
        as_of_hhmm = f"{as_of_hhmm:%Y%m%d}"
    parts = [slugify(election_slug)]
    if round is not None:
        parts.append(f"t{round}")
    parts.append(slugify(chart_slug))
    visual = ext.lstrip(".") not in DATA_FORMATS
    if visual and preset and preset != "article":
        parts.append(slugify(preset))
    if visual and dark:
        parts.append("sombre")
    if as_of_hhmm:
        parts.append(re.sub(r"\D", "", as_of_hhmm))
    return "-".join(p for p in parts if p) + "." + ext.lstrip(".")
