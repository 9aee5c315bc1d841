"""A small SVG renderer for the public site: the app's own figures drawn as light inline SVG.

Each function reads a figure built by `dashboard.charts` (the traces the app draws: values,
colours, labels) and writes plain SVG at a given width, so the public pages show the same
numbers, colours and labels as the app and the exports without plotly.js (4,7 MB). Text from
outside (names, labels) goes through `dashboard.text.html`. No script, no style attribute:
presentation attributes only, so the site's CSP needs neither inline script nor inline style.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

import pandas as pd
import plotly.graph_objects as go

from dashboard.charts.theme import GRID, INK, MUTED
from dashboard.charts.vote_split import NOT_PUBLISHED
from dashboard.fr import fr_int
from dashboard.text import html

FONT = 13  # user units; the page shows the SVG at (about) its own width
GAP = timedelta(hours=6)  # longer silences are cut from time axes (as the app's rangebreaks)
CUT = timedelta(hours=2)  # what a cut gap is drawn as
_TAG = re.compile(r"<[^>]+>")


def _num(value: float) -> str:
    return f"{value:.1f}".rstrip("0").rstrip(".")


def _text_width(text: str, size: float = FONT, bold: bool = False) -> float:
    return len(text) * size * (0.7 if bold else 0.62)  # DejaVu Sans is wide: err on room


def _label(value: object) -> str:
    """A plotly label ("<b>Benoît Hamon</b> ✓") as its text ("Benoît Hamon ✓")."""
    return _TAG.sub("", str(value)).replace("&amp;", "&").replace("&lt;", "<").replace("&gt;", ">")


def _svg(
    width: float, height: float, label: str, body: list[str], extra: str = "", role: str = "img"
) -> str:
    # role="img" makes the children presentational; a chart with links is a "group".
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {_num(width)} {_num(height)}" '
        f'width="{_num(width)}" height="{_num(height)}" role="{role}" '
        f'aria-label="{html(label)}"{extra} '
        f'font-family="system-ui, -apple-system, Segoe UI, Roboto, sans-serif" '
        f'font-size="{FONT}" fill="{INK}">' + "".join(body) + "</svg>"
    )


def _text(x: float, y: float, text: str, **attrs: object) -> str:
    extra = "".join(f' {k.replace("_", "-")}="{html(v)}"' for k, v in attrs.items())
    return f'<text x="{_num(x)}" y="{_num(y)}"{extra}>{html(text)}</text>'


# --- the vote split ------------------------------------------------------------------------


@dataclass(frozen=True)
class Bar:
    candidate_id: str
    label: str  # as on the app's axis, tags removed ("Benoît Hamon ✓")
    share: float | None  # None: not published, drawn as « n. c. » without a bar
    text: str  # "58,69 %", or "n. c."
    votes: str  # "1 181 872 voix"
    colour: str
    winner: bool


def vote_split_bars(fig: go.Figure, ids_by_name: dict[str, str]) -> list[Bar]:
    """The bars of a vote-split figure, highest first; `ids_by_name` maps the names of the
    figure's hover data to candidate ids (from the same `results.query.shares` frame). A
    candidate whose share is not published keeps its row: share None, text « n. c. »."""
    trace = fig.data[0]
    winners = set((fig.layout.meta or {}).get("winners") or [])
    rows = zip(trace.y, trace.x, trace.text, trace.marker.color, trace.customdata, strict=True)
    bars = []
    for y, x, t, c, cd in rows:
        # The share alone: the figure's label also carries the votes, drawn apart here.
        text = re.split(r"<br>| · ", str(t))[0]
        bars.append(
            Bar(
                ids_by_name.get(str(cd[0]), ""),
                _label(y),
                None if text == NOT_PUBLISHED else float(x),
                text,
                str(cd[-1]),
                str(c),
                ids_by_name.get(str(cd[0])) in winners,
            )
        )
    return list(reversed(bars))  # the figure draws the lowest first


def _word(label: str | dict[str, str], candidate_id: str) -> str:
    return label.get(candidate_id, "") if isinstance(label, dict) else label


def vote_split_svg(
    fig: go.Figure,
    bars: list[Bar],
    *,
    width: int,
    label: str,
    winner_label: str | dict[str, str],
) -> str:
    """Horizontal bars, name above each bar, share after it, a 50 % line in a run-off;
    `winner_label` one word, or candidate id → its gendered word ("élue")."""
    lo, hi = fig.layout.xaxis.range or (0, 100)
    two_way = len(bars) == 2
    left, right, top, row = 4.0, 62.0, 26.0 if two_way else 8.0, 50.0
    span = width - left - right
    height = top + row * len(bars) + 6
    body: list[str] = []

    def x_of(v: float) -> float:
        return left + span * (v - lo) / (hi - lo)

    for i, bar in enumerate(bars):
        y = top + i * row
        name = bar.label.removesuffix(" ✓")
        weight = "700" if bar.winner else "400"
        body.append(
            _text(
                left,
                y + 14,
                name + (f" ✓ {_word(winner_label, bar.candidate_id)}" if bar.winner else ""),
                font_weight=weight,
            )
        )
        end = x_of(bar.share or 0.0)
        at = end + 6
        if two_way and at < x_of(50) + 4 and at + _text_width(bar.text, bold=True) > x_of(50) - 4:
            at = x_of(50) + 6  # never under the 50 % line
        # An unpublished share: an empty bar (the live poller widens it when the share comes)
        # and « n. c. » in grey where the share would be.
        body.append(
            f'<rect data-bar="{html(bar.candidate_id)}" x="{_num(left)}" y="{_num(y + 20)}" '
            f'width="{_num(end - left)}" height="22" rx="2" fill="{html(bar.colour)}"/>'
        )
        grey = {} if bar.share is not None else {"fill": MUTED}
        body.append(
            _text(at, y + 36, bar.text, font_weight="700", data_share=bar.candidate_id, **grey)
        )
    if two_way:
        mid = x_of(50)
        # Dashed across the bars only, so that it never runs through a name above a bar.
        body += [
            f'<line x1="{_num(mid)}" x2="{_num(mid)}" y1="{_num(top + i * row + 17)}" '
            f'y2="{_num(top + i * row + 45)}" stroke="{MUTED}" stroke-width="1.5" '
            f'stroke-dasharray="3 3"/>'
            for i in range(len(bars))
        ] + [
            f'<line x1="{_num(mid)}" x2="{_num(mid)}" y1="18" y2="{_num(top - 2)}" '
            f'stroke="{MUTED}" stroke-width="1.5"/>'
        ]
        body.append(
            _text(mid, 14, "majorité 50 %", text_anchor="middle", fill=MUTED, font_size="12")
        )
    return _svg(width, height, label, body, f' data-scale="{span / (hi - lo):.4f}"')


# --- time axes -----------------------------------------------------------------------------


class TimeAxis:
    """Times → x, with gaps longer than GAP drawn as CUT and marked with a break."""

    def __init__(self, times: Sequence[datetime], x0: float, x1: float) -> None:
        ts = sorted({pd.Timestamp(t) for t in times})
        self.times = ts
        self.cuts: list[tuple[pd.Timestamp, pd.Timestamp]] = [
            (a, b) for a, b in zip(ts, ts[1:], strict=False) if b - a > GAP
        ]
        pad = timedelta(minutes=20)
        self.start = ts[0] - pad if ts else pd.Timestamp(0)
        self.end = ts[-1] + pad if ts else pd.Timestamp(0)
        total = self._compressed(self.end) or 1.0
        self.x0, self.scale = x0, (x1 - x0) / total

    def _compressed(self, t: pd.Timestamp) -> float:
        seconds = (t - self.start).total_seconds()
        for a, b in self.cuts:
            if t >= b:
                seconds -= (b - a - CUT).total_seconds()
            elif t > a:
                seconds -= (t - a).total_seconds() - min((t - a), CUT).total_seconds()
        return seconds

    def x(self, t: object) -> float:
        return self.x0 + self.scale * self._compressed(pd.Timestamp(t))

    def breaks(self) -> list[float]:
        """x of each cut gap's middle (where a break mark goes)."""
        return [(self.x(a) + self.x(b)) / 2 for a, b in self.cuts]


def _break_mark(x: float, y: float) -> str:
    return (
        f'<path d="M{_num(x - 5)} {_num(y + 5)}l6 -10M{_num(x)} {_num(y + 5)}l6 -10" '
        f'stroke="{MUTED}" stroke-width="1.5"/><title>interruption de l\'axe du temps</title>'
    )


def _ticks(
    axis: TimeAxis,
    y: float,
    ticks: Sequence[datetime],
    min_gap: float,
    labels: dict[pd.Timestamp, str] | None = None,
) -> list[str]:
    """Two-line tick labels ("29/01" over "20:40"), skipping those that would overlap.
    `labels`: the figure's own tick texts ("29/01<br>20:40", or "02/02" alone for a snapshot
    whose source gives the date only), used when given."""
    out, last = [], -1e9
    xs = [axis.x(t) for t in ticks]
    for i, (t, x) in enumerate(zip(ticks, xs, strict=True)):
        if x - last < min_gap or (i < len(xs) - 1 and xs[-1] - x < min_gap):
            continue  # too close to the previous one, or to the last (always shown)
        last = x
        ts = pd.Timestamp(t)
        text = (labels or {}).get(ts, f"{ts:%d/%m}<br>{ts:%H:%M}")
        for n, line in enumerate(text.split("<br>")[:2]):
            out.append(_text(x, y + 13 * n, line, text_anchor="middle", fill=MUTED, font_size="11"))
    return out


# --- the count progress --------------------------------------------------------------------


@dataclass(frozen=True)
class Line:
    name: str
    colour: str
    x: list[pd.Timestamp]
    y: list[float]
    labels: list[str]  # "58,87 %" (the app's hover text)
    short: str = ""  # the candidate's short name (the figure's trace meta), else empty


@dataclass(frozen=True)
class Progress:
    lines: list[Line]
    bars_x: list[pd.Timestamp]
    bars_y: list[float]
    ticks: list[pd.Timestamp]
    tick_labels: dict[pd.Timestamp, str] = field(default_factory=dict)
    # The lower panel as the figure names and labels it: "Bureaux dépouillés" with counts,
    # or "Dépouillement (% des inscrits)" with "90 %".
    bars_name: str = "Bureaux dépouillés"
    bars_text: list[str] = field(default_factory=list)


def progress_data(fig: go.Figure) -> Progress:
    """The traces of a count-progress figure as plain values (plotly attribute access is
    slow; a site draws each figure several times)."""
    lines = [
        Line(
            str(t.name),
            str(t.line.color or MUTED),
            [pd.Timestamp(x) for x in t.x],
            [float(y) for y in t.y],
            [str(c[0]) for c in t.customdata] if t.customdata is not None else [""] * len(t.x),
            str((t.meta or {}).get("short", "")) if isinstance(t.meta, dict) else "",
        )
        for t in fig.data
        if t.type == "scatter"
    ]
    bars = next((t for t in fig.data if t.type == "bar" and t.x is not None and len(t.x)), None)
    bx = [pd.Timestamp(x) for x in bars.x] if bars is not None else []
    by = [float(y) for y in bars.y] if bars is not None else []
    ticks = [pd.Timestamp(t) for t in (fig.layout.xaxis.tickvals or ())]
    texts = fig.layout.xaxis.ticktext or ()
    labels = dict(zip(ticks, (str(t) for t in texts), strict=False)) if texts else {}
    if bars is None:
        return Progress(lines, bx, by, ticks, labels)
    bar_texts = [str(t) for t in bars.text] if bars.text is not None else []
    return Progress(lines, bx, by, ticks, labels, str(bars.name), bar_texts)


def progress_svg(data: Progress, *, width: int, label: str, until: datetime | None = None) -> str:
    """Shares per candidate (lines, last point labelled) over bureaux counted (bars), on the
    figure's time axis; `until` keeps only the points published by then (a moment's page)."""
    limit = None if until is None else pd.Timestamp(until).tz_localize(None)

    def keep(xs: Sequence[pd.Timestamp]) -> list[int]:
        return [i for i, x in enumerate(xs) if limit is None or x <= limit]

    ticks = [t for t in data.ticks if limit is None or t <= limit]
    end_labels = [f"{ln.short or ln.name} {ln.labels[-1]}" for ln in data.lines if ln.labels]
    right = max((_text_width(t, 12, bold=True) for t in end_labels), default=40.0) + 10
    left, top = 34.0, 10.0
    share_h, gap, bar_h = 190.0, 36.0, 70.0
    axis = TimeAxis(ticks, left + 8, width - right)
    values = [y for t in data.lines for i, y in enumerate(t.y) if i in keep(t.x)]
    lo = max(0.0, (min(values) if values else 0) - 3)
    hi = min(100.0, (max(values) if values else 100) + 3)
    lo, hi = float(int(lo // 5 * 5)), float(-(-hi // 5) * 5)

    def y_of(v: float) -> float:
        return top + share_h * (1 - (v - lo) / ((hi - lo) or 1))

    body: list[str] = []
    step = 5.0 if hi - lo <= 25 else 10.0
    v = lo
    while v <= hi + 1e-9:
        y = y_of(v)
        body.append(
            f'<line x1="{_num(left)}" x2="{_num(width - right)}" y1="{_num(y)}" '
            f'y2="{_num(y)}" stroke="{GRID}"/>'
        )
        body.append(
            _text(left - 4, y + 4, f"{int(v)} %", text_anchor="end", fill=MUTED, font_size="11")
        )
        v += step
    ends: list[tuple[float, str, str, float]] = []  # y, label, colour, x of the last point
    for trace in data.lines:
        idx = keep(trace.x)
        if not idx:
            continue
        pts = [(axis.x(trace.x[i]), y_of(trace.y[i])) for i in idx]
        colour = html(trace.colour)
        path = " ".join(
            f"{'M' if k == 0 else 'L'}{_num(x)} {_num(y)}" for k, (x, y) in enumerate(pts)
        )
        body.append(f'<path d="{path}" fill="none" stroke="{colour}" stroke-width="2.5"/>')
        body += [f'<circle cx="{_num(x)}" cy="{_num(y)}" r="3.5" fill="{colour}"/>' for x, y in pts]
        last = trace.labels[idx[-1]]
        ends.append((pts[-1][1], f"{trace.short or trace.name} {last}", colour, pts[-1][0]))
    # Labels of the last points, pushed apart so that none overlaps another, and kept beside
    # the shares' panel: a first round's small shares (nine candidates under 8 %) would
    # otherwise push the lowest labels down across the lower panel's title and bars.
    ends.sort()
    floor = top + share_h + 4
    step = min(14.0, (floor - top - 4) / max(len(ends) - 1, 1))
    placed: list[float] = []
    for y, *_ in ends:
        placed.append(max(y + 4, (placed[-1] + step) if placed else -1e9))
    for i in range(len(placed) - 1, -1, -1):
        placed[i] = min(placed[i], floor if i == len(placed) - 1 else placed[i + 1] - step)
    for y, (y_end, text, colour, x_end) in zip(placed, ends, strict=True):
        # Moved away from its line: a thin lead back to the point, where there is room for
        # one (on a phone the label starts right after the point: leads would be a fence).
        if abs(y - 4 - y_end) > 3 and width - right - x_end > 12:
            body.append(
                f'<line x1="{_num(x_end + 5)}" y1="{_num(y_end)}" x2="{_num(width - right + 2)}" '
                f'y2="{_num(y - 4)}" stroke="{colour}" stroke-width="1"/>'
            )
        body.append(
            _text(width - right + 4, y, text, fill=colour, font_size="12", font_weight="700")
        )
    base_y = top + share_h + gap + bar_h
    if data.bars_x:
        idx = keep(data.bars_x)
        peak = max((data.bars_y[i] for i in idx), default=1.0) or 1.0
        for i in idx:
            x, h = axis.x(data.bars_x[i]), bar_h * data.bars_y[i] / peak * 0.78
            body.append(
                f'<rect x="{_num(x - 7)}" y="{_num(base_y - h)}" width="14" '
                f'height="{_num(h)}" fill="#9aa5b1"/>'
            )
            body.append(
                _text(
                    x,
                    base_y - h - 4,
                    data.bars_text[i] if i < len(data.bars_text) else fr_int(data.bars_y[i]),
                    text_anchor="middle",
                    font_size="10",
                    fill=MUTED,
                )
            )
        body.append(
            _text(left - 30, top + share_h + gap - 8, data.bars_name, fill=MUTED, font_size="11")
        )
    body.append(
        f'<line x1="{_num(left)}" x2="{_num(width - right)}" y1="{_num(base_y)}" '
        f'y2="{_num(base_y)}" stroke="{MUTED}"/>'
    )
    body += [_break_mark(x, base_y) for x in axis.breaks()]
    body += _ticks(axis, base_y + 16, ticks, 40, data.tick_labels)
    return _svg(width, base_y + 34, label, body)


# --- the reactions timeline ----------------------------------------------------------------


@dataclass(frozen=True)
class Dot:
    entry_id: str
    when: datetime
    camp: str
    colour: str


def timeline_dots(fig: go.Figure) -> tuple[list[Dot], list[tuple[datetime, str]], list[str]]:
    """Reactions (one dot per entry, by camp), results announcements, and the camps in the
    app's order, read from a reactions-timeline figure."""
    dots: list[Dot] = []
    announced: list[tuple[datetime, str]] = []
    for trace in fig.data:
        if trace.customdata is None or trace.x is None:
            continue  # the symbol legend's empty traces
        for x, data in zip(trace.x, trace.customdata, strict=True):
            if str(data[0]).startswith("annonce:"):
                announced.append((pd.Timestamp(x).to_pydatetime(), str(data[2])))
            else:
                dots.append(
                    Dot(
                        str(data[0]),
                        pd.Timestamp(x).to_pydatetime(),
                        str(trace.name),
                        str(trace.marker.color),
                    )
                )
    order = [
        str(c) for c in (fig.layout.yaxis.categoryarray or ()) if str(c) in {d.camp for d in dots}
    ]
    order += sorted({d.camp for d in dots} - set(order))
    return dots, announced, list(reversed(order))


def timeline_svg(fig: go.Figure, *, width: int, label: str) -> str:
    """One row per camp (its name above the row), a dot per reaction linked to its entry,
    results announcements as dotted lines, long gaps cut."""
    dots, announced, camps = timeline_dots(fig)
    left, right, row, top = 10.0, 14.0, 40.0, 8.0
    # The axis spans the reactions; announcements outside it are in each entry's text.
    if dots:
        lo, hi = min(d.when for d in dots), max(d.when for d in dots)
        announced = [(t, a) for t, a in announced if lo - CUT <= t <= hi + CUT]
    times = [d.when for d in dots] + [t for t, _ in announced]
    axis = TimeAxis(times, left + 6, width - right - 6)
    height = top + row * len(camps)
    body: list[str] = []
    for when, text in announced:
        x = axis.x(when)
        body.append(
            f'<line x1="{_num(x)}" x2="{_num(x)}" y1="{_num(top)}" y2="{_num(height)}" '
            f'stroke="#b0b6bd" stroke-dasharray="2 3"><title>{html(text)}</title></line>'
        )
    for i, camp in enumerate(camps):
        y = top + i * row
        body.append(_text(left, y + 13, camp, fill=MUTED, font_size="12"))
        body.append(
            f'<line x1="{_num(left)}" x2="{_num(width - right)}" y1="{_num(y + 28)}" '
            f'y2="{_num(y + 28)}" stroke="{GRID}"/>'
        )
        for d in (d for d in dots if d.camp == camp):
            body.append(
                f'<a href="#entry-{html(d.entry_id)}" '
                f'aria-label="{html(f"Réaction de {d.when:%d/%m à %H:%M}, {camp}")}">'
                f'<circle cx="{_num(axis.x(d.when))}" '
                f'cy="{_num(y + 28)}" r="6" fill="{html(d.colour)}" stroke="#fff">'
                f"<title>{html(f'{d.when:%d/%m %H:%M} — {camp}')}</title></circle></a>"
            )
    body += [_break_mark(x, height) for x in axis.breaks()]
    body += _ticks(axis, height + 16, sorted({*axis.times}), 44)
    return _svg(width, height + 32, label, body, role="group")


# --- the map of départements ------------------------------------------------------------------


def map_svg(fig: go.Figure, geojson: dict, *, width: int, label: str) -> str:
    """The map figure (charts.map.build_map) as one light SVG: each département filled as the
    figure fills it (its trace's colour scale at its value), the insets framed and named, one
    gradient bar per colour bar; coordinates in whole pixels, repeated points dropped."""
    from dashboard.charts.map import colour_at, lambert

    project = lambert(geojson)
    fills: dict[str, str] = {}
    for trace in fig.data:
        if trace.type != "choropleth":
            continue
        for loc, z in zip(trace.locations, trace.z, strict=True):
            fills[str(loc)] = colour_at(
                trace.colorscale, float(z), trace.zmin or 0, trace.zmax or 1
            )
    shapes = []
    for feature in geojson["features"]:
        g = feature["geometry"]
        polys = g["coordinates"] if g["type"] == "MultiPolygon" else [g["coordinates"]]
        shapes.append((feature, [[[project(*p) for p in ring] for ring in poly] for poly in polys]))
    xs = [x for _, polys in shapes for poly in polys for ring in poly for x, _ in ring]
    ys = [y for _, polys in shapes for poly in polys for ring in poly for _, y in ring]
    bars = [t for t in fig.data if (t.meta or {}).get("role") in ("leader", "share")]
    pad, legend_row = 6.0, 44.0
    insets = geojson.get("insets") or []
    # A name above its frame (the zoom's, whose frame tops the map) needs a line above it.
    top = pad + (12 if any(i.get("label") == "above" for i in insets) else 0)
    # The bounds once: pt() runs for every one of the ~50 000 points.
    x_min, x_max, y_min, y_max = min(xs), max(xs), min(ys), max(ys)
    scale = (width - 2 * pad) / (x_max - x_min)
    map_h = (y_max - y_min) * scale + pad + top
    per_row = 1 if width < 500 else 3  # a phone's legend: one bar a row, names in full
    rows = -(-len(bars) // per_row)
    height = map_h + rows * legend_row + 4

    def pt(x: float, y: float) -> tuple[int, int]:
        return round(pad + (x - x_min) * scale), round(top + (y_max - y) * scale)

    body: list[str] = []
    for feature, polys in shapes:
        d = []
        for poly in polys:
            for ring in poly:
                points: list[tuple[int, int]] = []
                for x, y in ring:
                    p = pt(x, y)
                    if not points or points[-1] != p:
                        points.append(p)
                if len(points) >= 3:
                    d.append("M" + "L".join(f"{a} {b}" for a, b in points) + "Z")
        code = str(feature["id"])
        name = feature["properties"].get("nom", code)
        fill = fills.get(code, "#eceff1")
        body.append(
            f'<path d="{"".join(d)}" fill="{fill}" stroke="#ffffff" stroke-width="0.6">'
            f"<title>{html(name)} ({html(code)})</title></path>"
        )
    for inset in insets:
        corners = [pt(*project(lon, lat)) for lon, lat in inset["frame"]]
        body.append(
            f'<path d="M{"L".join(f"{a} {b}" for a, b in corners)}Z" fill="none" '
            f'stroke="{MUTED}" stroke-width="0.8"/>'
        )
        (x0, y0), (x1, _), _, (x3, y3) = corners[:4]
        if inset.get("label") == "above":
            body.append(_text(x3, y3 - 3, inset["nom"], font_size="9", fill=MUTED))
        else:
            body.append(
                _text(
                    (x0 + x1) / 2,
                    y0 - 2,
                    inset["nom"],
                    font_size="9",
                    fill=MUTED,
                    text_anchor="middle",
                )
            )
    col_w = (width - 2 * pad) / per_row
    defs = []
    for i, trace in enumerate(bars):
        row, col = divmod(i, per_row)
        x, y = pad + col * col_w, map_h + row * legend_row
        (_, low), (_, high) = trace.colorscale[0], trace.colorscale[-1]
        gid = f"g{i}"
        defs.append(
            f'<linearGradient id="{gid}"><stop offset="0" stop-color="{low}"/>'
            f'<stop offset="1" stop-color="{high}"/></linearGradient>'
        )
        title = _label(str(trace.colorbar.title.text).replace("<br>", " — "))
        ticks = [t for t in trace.colorbar.ticktext if t]
        bar_w = min(col_w - 16, 220.0)
        body.append(_text(x, y + 12, title, font_size="11"))
        body.append(
            f'<rect x="{_num(x)}" y="{_num(y + 16)}" width="{_num(bar_w)}" height="8" '
            f'fill="url(#{gid})"/>'
        )
        body.append(_text(x, y + 36, ticks[0], font_size="10", fill=MUTED))
        body.append(
            _text(x + bar_w, y + 36, ticks[-1], font_size="10", fill=MUTED, text_anchor="end")
        )
    return _svg(width, height, label, [f"<defs>{''.join(defs)}</defs>", *body])
