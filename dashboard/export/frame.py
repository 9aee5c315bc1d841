"""The newsroom frame of an exported chart: presets, title/subtitle/source/credit/logo laid out
so nothing is cut, type scaled to the canvas, and the chart's generated text alternative.

Pure (no browser, no I/O but reading the optional logo file): `formats.export_chart` frames a
figure here, then `render.render_image` draws it.
"""

from __future__ import annotations

import base64
import html
import math
import numbers
import re
import textwrap
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

import numpy as np
import plotly.graph_objects as go

from dashboard import settings
from dashboard.charts.theme import house_template
from dashboard.errors import DashboardError
from dashboard.fr import NBSP, fr_int, no_break_spaces
from dashboard.text import plain
from dashboard.text import plotly as plotly_text

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
        paragraph = no_break_spaces(paragraph)
        lines += textwrap.wrap(
            paragraph, width=width, break_long_words=False, break_on_hyphens=False
        ) or [""]
    return lines


def _plotly_lines(lines: list[str]) -> str:
    # Plotly reads a small HTML subset: escape the frame's texts, join lines with <br>.
    return "<br>".join(plotly_text(line) for line in lines)


def legend_entries(fig: go.Figure) -> list[str]:
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


def legend_rows(names: list[str], width_px: float, size: float) -> int:
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


def figure_title(fig: go.Figure) -> str:
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
    title = frame.title or figure_title(fig)
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
    entries = legend_entries(fig)
    if entries and fig.layout.legend.title.text:  # the title ("Média :") takes a place too
        entries = [str(fig.layout.legend.title.text), *entries]
    rows = legend_rows(entries, inner, p.font_size)
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


def logo_uri(path: Path) -> str:
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
    logo_src = logo_uri(Path(frame.logo)) if frame.logo else ""
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
    if logo_src:
        logo_h = 2 * _LINE * p.foot_size
        images.append(
            go.layout.Image(
                name="frame-logo",
                source=logo_src,
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
    parts = [frame.title or figure_title(fig) or "Graphique"]
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
