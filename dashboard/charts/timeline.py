"""Reactions timeline: x = time, y = camp (or person), colour = camp, symbol = outlet type,
with the results announcements on the same time axis."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from dashboard.charts.progress import add_break_marks, rangebreaks, visible_span
from dashboard.charts.theme import INK, muted_of, title_layout
from dashboard.fr import fr_moment
from dashboard.text import plotly as plotly_text

SYMBOLS = {
    "radio": "circle",
    "tv": "square",
    "social": "diamond",
    "press": "triangle-up",
    "statement": "star",
}
OUTLET_TYPE_FR = {
    "radio": "radio",
    "tv": "télévision",
    "social": "réseau social",
    "press": "presse",
    "statement": "communiqué",
}
RESULTS_ROW = "Résultats annoncés"


def _naive(series: pd.Series) -> pd.Series:
    return pd.to_datetime(series).dt.tz_localize(None)


def build_timeline(
    df: pd.DataFrame,
    *,
    template: go.layout.Template,
    announcements: pd.DataFrame | None = None,
    by: str = "camp",
    title: str = "",
    subtitle: str = "",
) -> go.Figure:
    """`df`: one row per reaction (published_at, entry_id, time, headline, people_names,
    people_short (optional: the names points show),
    camp_label, camp_colour, camp_order, outlet, outlet_type, stance, count_then).
    `announcements`: as_of, label (one row per results snapshot). `by`: "camp" or "person".
    Each point's customdata starts with its entry_id, so a selection names its entry.

    Plotly reads names, axis labels, custom data inserted into hover templates and text as
    HTML: every text of the live blog and of the gazetteer is escaped (text.html) here."""
    df = df.copy()
    df["t"] = _naive(df["published_at"])
    df["person"] = df["people_names"].map(
        lambda p: plotly_text(", ".join(p)) if len(p) else "inconnu"
    )
    # A point names its people as the newsroom shortens them (people_short: short_name of
    # people.csv), else in full — never cut to a last word ("Le Pen", not "Pen").
    df["shown"] = df["people_short"] if "people_short" in df else df["people_names"]
    df["camp_text"] = df["camp_label"].map(plotly_text)
    df["row"] = df["camp_text"] if by == "camp" else df["person"]
    muted = muted_of(template)
    fig = go.Figure()
    order = df.sort_values(["camp_order", "camp_label"])["camp_text"].drop_duplicates().tolist()
    for camp in order:
        rows = df[df["camp_text"] == camp]
        fig.add_trace(
            go.Scatter(
                x=rows["t"],
                y=rows["row"],
                mode="markers+text",
                name=str(camp),
                # By camp the y axis names the camps; by person the legend gives the colours.
                showlegend=by != "camp",
                # Who and what, not only when: "08:24 Raffarin · critique" (by person the row
                # already names them).
                text=[
                    _point_label(t, names, stance, by=by)
                    for t, names, stance in zip(
                        rows["t"], rows["shown"], rows["stance"], strict=True
                    )
                ],
                # Neighbours in one row alternate above/below so their times don't collide.
                textposition=[
                    "top center" if i % 2 == 0 else "bottom center" for i in range(len(rows))
                ],
                textfont=dict(size=11, color=muted),
                cliponaxis=False,
                marker=dict(
                    size=16,
                    color=str(rows["camp_colour"].iloc[0]),
                    symbol=[SYMBOLS.get(str(o), "circle-open") for o in rows["outlet_type"]],
                    line=dict(width=1.5, color="#ffffff"),
                ),
                customdata=[
                    [
                        eid,
                        f"{t:%H:%M}",
                        person,
                        plotly_text(head or ""),
                        plotly_text(outlet or "—"),
                        plotly_text(stance or "—"),
                        plotly_text(then),
                    ]
                    for eid, t, person, head, outlet, stance, then in zip(
                        rows["entry_id"],
                        rows["t"],
                        rows["person"],
                        rows["headline"],
                        rows["outlet"],
                        rows["stance"],
                        rows["count_then"],
                        strict=True,
                    )
                ],
                hovertemplate="<b>%{customdata[1]} — %{customdata[2]}</b><br>%{customdata[3]}"
                "<br>%{customdata[4]} · %{customdata[5]}<br><i>%{customdata[6]}</i>"
                "<extra></extra>",
            )
        )
    times = list(df["t"])
    if announcements is not None and len(announcements):
        ann = announcements.copy()
        ann["t"] = _naive(ann["as_of"])
        if "time_known" not in ann:
            ann["time_known"] = True
        times += list(ann["t"])
        fig.add_trace(
            go.Scatter(
                x=ann["t"],
                y=[RESULTS_ROW] * len(ann),
                mode="markers+text",
                name="Annonce des résultats",
                text=[plotly_text(s) for s in ann["short"]],
                showlegend=False,
                # Neighbouring announcements alternate above/below; labels may overhang
                # the plot's edges rather than be cut.
                textposition=[
                    "top center" if i % 2 == 0 else "bottom center" for i in range(len(ann))
                ],
                cliponaxis=False,
                textfont=dict(size=11, color=muted),
                marker=dict(symbol="line-ns-open", size=22, color=muted, line=dict(width=2)),
                customdata=[
                    [f"annonce:{s}", fr_moment(t, known=k, year=False, sep=" "), plotly_text(lab)]
                    for s, t, k, lab in zip(
                        ann["snapshot_id"], ann["t"], ann["time_known"], ann["label"], strict=True
                    )
                ],
                hovertemplate="<b>%{customdata[1]}</b><br>%{customdata[2]}<extra></extra>",
            )
        )
        # One layout update for all the lines: add_vline validates and relayouts per call
        # (~25 ms each here).
        line = dict(color="#d0d4d9", width=1, dash="dot")
        vlines = [
            dict(type="line", xref="x", yref="paper", x0=t, x1=t, y0=0, y1=1, line=line)
            for t in ann["t"]
        ]
        fig.update_layout(shapes=[*fig.layout.shapes, *vlines])
    rows_order = [RESULTS_ROW] if announcements is not None and len(announcements) else []
    rows_order += (
        order
        if by == "camp"
        else df.sort_values(["camp_order", "person"])["person"].unique().tolist()
    )
    pd_times = pd.Series(times)
    # Ticks at the announcements and the first/last reaction; points carry their own time.
    candidates_ticks = sorted(
        set(ann["t"]) if announcements is not None and len(announcements) else set()
    )
    if len(df):
        candidates_ticks = sorted(set(candidates_ticks) | {df["t"].min(), df["t"].max()})
    ticks: list = []
    for t in candidates_ticks:
        if not ticks or pd.Timestamp(t) - pd.Timestamp(ticks[-1]) >= pd.Timedelta(minutes=30):
            ticks.append(t)
    height = max(320, 150 + 56 * len(rows_order))
    # The legend under the time ticks (two lines, ~40 px): placed in pixels, not as a share of
    # a plot whose height varies, so that a short chart's legend never covers the times.
    plot_px = height - 72 - 130
    fig.update_layout(
        template=template,
        title=title_layout(title, subtitle),
        height=height,
        legend=dict(
            orientation="h",
            y=-56 / plot_px,
            yanchor="top",
            x=0,
            # By person the legend names the camps (colours) too.
            title_text="Média :" if by == "camp" else "Camp et média :",
        ),
        margin=dict(b=130),
        hovermode="closest",
        clickmode="event+select",
        meta={"chart": "reactions-timeline", "by": by},
    )
    # The outlet-type key as legend entries (symbols only, no points): a legend is placed by
    # plotly and by the export frame, where a free annotation would collide with the footer.
    for kind, symbol in (*SYMBOLS.items(), ("", "circle-open")):
        fig.add_trace(
            go.Scatter(
                x=[None],
                y=[None],
                mode="markers",
                name=OUTLET_TYPE_FR.get(kind, "média non précisé"),
                marker=dict(symbol=symbol, size=11, color=muted),
                hoverinfo="skip",
                showlegend=True,
            )
        )
    fig.update_yaxes(
        categoryorder="array",
        categoryarray=list(reversed(rows_order)),
        type="category",
        fixedrange=True,
        # Room under the lowest row for its labels below the points, above the time ticks.
        range=[-0.9, len(rows_order) - 0.5],
    )
    unknown = (
        set(ann.loc[~ann["time_known"].astype(bool), "t"])
        if announcements is not None and len(announcements)
        else set()
    )
    breaks = rangebreaks(pd_times)
    # Room at both ends for the labels centred on the first and last points.
    room = max(pd.Timedelta(minutes=30), 0.2 * visible_span(pd_times))
    fig.update_xaxes(
        rangebreaks=breaks,
        range=[pd_times.min() - room, pd_times.max() + room] if len(pd_times) else None,
        tickvals=ticks,
        ticktext=[fr_moment(t, known=t not in unknown, year=False, sep="<br>") for t in ticks],
        tickangle=0,
        tickfont=dict(size=11),
    )
    # Under the axis line, between the sparse time ticks: above it, the lowest row's labels
    # (drawn below their points) would run into the marks.

    add_break_marks(fig, breaks, template=template, yanchor="top")
    return fig


def _point_label(t: pd.Timestamp, names: object, stance: object, *, by: str) -> str:
    """ "08:24 · Marine Le Pen<br>critique" (or the short_name, "08:24 · Raffarin"): who on
    the first line, the stance under it (two short lines fit narrow canvases where one long
    one would run off the edge)."""
    label = f"{t:%H:%M}"
    people = list(names) if names is not None and len(names) else []
    if by == "camp" and people:
        more = "…" if len(people) > 2 else ""
        # Names and stance come from the blog and the desk: escaped, never markup.
        label += " · " + plotly_text(", ".join(str(n) for n in people[:2]) + more)
    if isinstance(stance, str) and stance:
        label += f"<br>{plotly_text(stance)}"
    return label


def ring_entry(fig: go.Figure, entry_id: str) -> go.Figure:
    """A copy of the timeline `fig` with the point of `entry_id` ringed (the entry a reader
    opened); `fig` itself unchanged, as given when no point is that entry's."""
    for trace in fig.data:
        if trace.customdata is None or trace.x is None or trace.y is None:
            continue
        for x, y, data in zip(trace.x, trace.y, trace.customdata, strict=False):
            if len(data) and str(data[0]) == entry_id:
                out = go.Figure(fig)
                out.add_trace(
                    go.Scatter(
                        x=[x],
                        y=[y],
                        mode="markers",
                        name="entrée ouverte",
                        marker=dict(
                            symbol="circle-open",
                            size=30,
                            color=fig.layout.template.layout.font.color or INK,
                            line=dict(width=3),
                        ),
                        hoverinfo="skip",
                        showlegend=False,
                    )
                )
                return out
    return fig
