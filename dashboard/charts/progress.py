"""Count progress: every snapshot of the night on a time axis — shares per candidate above,
bureaux counted below — so a reader sees how the count evolved."""

from __future__ import annotations

from datetime import timedelta

import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from dashboard.charts.theme import MUTED, colour_or_muted, title_layout
from dashboard.charts.vote_split import BASE_LABEL
from dashboard.fr import fr_int, fr_pct, status_fr
from dashboard.text import plotly as plotly_text

GAP = timedelta(hours=6)  # longer silences between snapshots are cut out of the axis
PAD = timedelta(minutes=30)  # what is kept on each side of a cut


def rangebreaks(times: pd.Series) -> list[dict]:
    """Axis breaks for the long gaps (e.g. night of the count → definitive days later)."""
    ts = sorted(pd.to_datetime(times).dropna().unique())
    breaks = []
    for a, b in zip(ts, ts[1:], strict=False):
        a, b = pd.Timestamp(a), pd.Timestamp(b)
        if b - a > GAP:
            start = a + PAD
            dvalue = (b - PAD - start).total_seconds() * 1000
            breaks.append(dict(values=[start.tz_localize(None).isoformat()], dvalue=dvalue))
    return breaks


def build_progress(
    df: pd.DataFrame, *, template: go.layout.Template, title: str = "", subtitle: str = ""
) -> go.Figure:
    """`df` is transform.progress(): one row per snapshot × candidate."""
    df = df[df["kind"] == "count"].copy()  # midday turnout reports carry no count
    # Plotly draws naive wall-clock times: keep Paris time as shown on the night.
    df["t"] = pd.to_datetime(df["as_of"]).dt.tz_localize(None)
    base = str(df["share_base"].dropna().iloc[-1]) if len(df) else "exprimes"
    fig = make_subplots(
        rows=2, cols=1, shared_xaxes=True, row_heights=[0.68, 0.32], vertical_spacing=0.08,
        subplot_titles=(BASE_LABEL.get(base, base), "Bureaux dépouillés"),
    )  # fmt: skip
    with_shares = df[df["share"].notna()]
    for cid, rows in with_shares.groupby("candidate_id", sort=False):
        rows = rows.sort_values("t")
        first = rows.iloc[0]
        fig.add_trace(
            go.Scatter(
                x=rows["t"], y=[float(s) for s in rows["share"]], mode="lines+markers",
                name=plotly_text(first["name"]),
                line=dict(color=colour_or_muted(first["colour"]), width=3),
                marker=dict(size=8),
                # The name goes in as escaped custom data, never into the template itself
                # (a "%{…}" in a name would be read as a placeholder).
                customdata=[[fr_pct(float(s)), st, plotly_text(first["name"])] for s, st in zip(
                            rows["share"], rows["status"].map(status_fr), strict=True)],
                hovertemplate="<b>%{customdata[2]}</b><br>%{x|%d/%m %H:%M}<br>"
                "%{customdata[0]} · %{customdata[1]}<extra></extra>",
                legendgroup=str(cid),
            ),
            row=1, col=1,
        )  # fmt: skip
    snaps = df.drop_duplicates("snapshot_id").sort_values("t")
    counted = snaps[snaps["bureaux_counted"].notna()]
    fig.add_trace(
        go.Bar(
            x=counted["t"], y=[int(v) for v in counted["bureaux_counted"]],
            marker=dict(color="#9aa5b1"), name="Bureaux dépouillés", showlegend=False,
            text=[fr_int(v) for v in counted["bureaux_counted"]], textposition="outside",
            cliponaxis=False,
            customdata=[[_pct(p), fr_int(v)] for p, v in zip(counted["bureaux_pct"],
                        counted["votants"], strict=True)],
            hovertemplate="%{x|%d/%m %H:%M}<br>%{y:,} bureaux %{customdata[0]}<br>"
            "votants : %{customdata[1]}<extra></extra>",
            width=1000 * 60 * 25,
        ),
        row=2, col=1,
    )  # fmt: skip
    fig.update_layout(
        template=template,
        title=title_layout(title, subtitle),
        height=540,
        hovermode="closest",
        # Room under the subtitle for the legend, then the first subplot's title.
        margin=dict(t=150),
        legend=dict(orientation="h", y=1.07, yanchor="bottom", x=0, xanchor="left"),
        meta={"chart": "count-progress", "share_base": base},
    )
    # Each snapshot gets its own tick: a reader reads the moments the figures were published.
    ticks = sorted(df["t"].unique())
    fig.update_xaxes(
        rangebreaks=rangebreaks(df["t"]),
        tickvals=ticks,
        ticktext=[f"{pd.Timestamp(t):%d/%m}<br>{pd.Timestamp(t):%H:%M}" for t in ticks],
        tickangle=0,
        range=[ticks[0] - timedelta(minutes=40), ticks[-1] + timedelta(minutes=40)]
        if ticks
        else None,
    )
    fig.update_yaxes(ticksuffix=" %", row=1, col=1)
    top = max((int(v) for v in counted["bureaux_counted"]), default=1)
    fig.update_yaxes(range=[0, top * 1.3], row=2, col=1, showticklabels=False)
    for ann in fig.layout.annotations:
        ann.update(font=dict(size=13, color=MUTED), x=0, xanchor="left")
    return fig


def _pct(value: object) -> str:
    return "" if value is None or pd.isna(value) else f"({fr_pct(float(value), 1)})"
