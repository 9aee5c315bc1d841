"""Vote split: horizontal bars, share on the stated base, votes in the hover."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from dashboard.charts.theme import MUTED, colour_or_muted, title_layout
from dashboard.fr import fr_int, fr_pct
from dashboard.text import plotly as plotly_text

BASE_LABEL = {"exprimes": "% des suffrages exprimés", "votants": "% des votants"}


def build_vote_split(
    df: pd.DataFrame,
    *,
    template: go.layout.Template,
    title: str = "",
    subtitle: str = "",
    winners: tuple[str, ...] = (),
    winner_label: str = "vainqueur",
) -> go.Figure:
    """Bars of `df` (results.query.shares: name, colour, share, votes, share_base), highest on
    top. Two candidates get a 50 % line; `winners` (candidate ids) are marked on their label."""
    df = df[df["share"].notna()].sort_values("share", ascending=True)
    base = str(df["share_base"].iloc[0]) if len(df) else "exprimes"
    # Plotly reads labels, custom data and hover text as HTML: names are escaped.
    labels = [
        f"<b>{plotly_text(name)}</b> ✓" if cid in winners else plotly_text(name)
        for cid, name in zip(df["candidate_id"], df["name"], strict=True)
    ]
    votes_text = [
        f"{fr_int(v)} voix" if not pd.isna(v) else "voix non publiées" for v in df["votes"]
    ]
    shares = [float(s) for s in df["share"]]
    fig = go.Figure(
        go.Bar(
            x=shares,
            y=labels,
            orientation="h",
            marker=dict(color=[colour_or_muted(c) for c in df["colour"]], line=dict(width=0)),
            text=[fr_pct(s) for s in shares],
            textposition="outside",
            cliponaxis=False,
            textfont=dict(size=15),
            customdata=[[plotly_text(n), v] for n, v in zip(df["name"], votes_text, strict=True)],
            hovertemplate="<b>%{customdata[0]}</b><br>%{x:.2f} %<br>%{customdata[1]}"
            "<extra></extra>",
            name="",
        )
    )
    top = max(shares, default=0.0)
    two_way = len(df) == 2
    fig.update_layout(
        template=template,
        title=title_layout(title, subtitle or BASE_LABEL.get(base, base)),
        xaxis=dict(
            range=[0, 100 if two_way else min(100.0, top * 1.22 + 2)],
            ticksuffix=" %",
            title=dict(text=BASE_LABEL.get(base, base), font=dict(size=13, color=MUTED)),
            fixedrange=True,
        ),
        yaxis=dict(fixedrange=True, tickfont=dict(size=15)),
        showlegend=False,
        bargap=0.35,
        height=max(260, 90 + 52 * len(df)),
        meta={"chart": "vote-split", "share_base": base, "winners": list(winners)},
    )
    if two_way:
        fig.add_vline(x=50, line=dict(color=MUTED, width=1.5, dash="dot"))
        fig.add_annotation(
            x=50, y=1, yref="paper", yanchor="bottom", text="majorité 50 %",
            showarrow=False, font=dict(size=12, color=MUTED),
        )  # fmt: skip
    for winner in (w for w in winners if w in set(df["candidate_id"])):
        fig.add_annotation(
            x=0, y=labels[list(df["candidate_id"]).index(winner)],
            text=plotly_text(winner_label), showarrow=False, xanchor="left", xshift=8,
            font=dict(size=13, color="#ffffff"),
        )  # fmt: skip
    return fig
