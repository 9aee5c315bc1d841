"""Vote split: horizontal bars, share on the stated base, votes in the hover."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from dashboard.charts.theme import colour_or_muted, muted_of, readable_on, title_layout
from dashboard.fr import fr_int, fr_pct
from dashboard.text import plotly as plotly_text

BASE_LABEL = {"exprimes": "% des suffrages exprimés", "votants": "% des votants"}


NOT_PUBLISHED = "n. c."
NOT_PUBLISHED_HOVER = "part non communiquée"


def drawing_order(df: pd.DataFrame) -> pd.DataFrame:
    """The rows as the chart lists them, top first: published shares highest first, then the
    candidates whose share is not published (« n. c. ») in display order — never dropped."""
    by = ["share", "display_order"] if "display_order" in df else ["share"]
    known = df[df["share"].notna()].sort_values(by, ascending=[False, True][: len(by)])
    unknown = df[df["share"].isna()]
    if "display_order" in df:
        unknown = unknown.sort_values("display_order", kind="stable")
    return pd.concat([known, unknown])


def build_vote_split(
    df: pd.DataFrame,
    *,
    template: go.layout.Template,
    title: str = "",
    subtitle: str = "",
    winners: tuple[str, ...] = (),
    winner_label: str | dict[str, str] = "vainqueur",
) -> go.Figure:
    """Bars of `df` (results.query.shares: name, colour, share, votes, share_base), highest on
    top; a candidate whose share is not published is a row without a bar reading « n. c. ».
    A round of two candidates (whatever is published yet) gets its 0–100 axis and the 50 %
    line; `winners` (candidate ids) are marked on their label with `winner_label` (one word,
    or candidate id → its gendered word)."""
    # Plotly draws the first row at the bottom.
    df = drawing_order(df).iloc[::-1]
    base = str(df["share_base"].iloc[0]) if len(df) else "exprimes"
    # Plotly reads labels, custom data and hover text as HTML: names are escaped.
    labels = [
        f"<b>{plotly_text(name)}</b> ✓" if cid in winners else plotly_text(name)
        for cid, name in zip(df["candidate_id"], df["name"], strict=True)
    ]
    votes_text = [
        f"{fr_int(v)} voix" if not pd.isna(v) else "voix non publiées" for v in df["votes"]
    ]
    shares: list[float | None] = [None if pd.isna(s) else float(s) for s in df["share"]]
    published = [s is not None for s in shares]
    # The round's candidates, not those with a share yet: a run-off where only the leader's
    # share is out is still drawn on 0–100 around the majority line.
    two_way = len(df) == 2
    # Votes beside the share whenever they are known (the definitive result has them all).
    with_votes = [
        (fr_pct(s) if s is not None else NOT_PUBLISHED)
        + ("" if pd.isna(v) else f" · {fr_int(v)} voix")
        for s, v in zip(shares, df["votes"], strict=True)
    ]
    colours = [colour_or_muted(c) for c in df["colour"]]
    muted = muted_of(template)
    ink = template.layout.font.color or muted
    # A run-off's labels sit inside their bars, on two lines: outside, the shorter bar's label
    # would run across the 50 % line. An « n. c. » row has no bar to hold its text.
    inside = [two_way and p for p in published]
    positions = ["inside" if i else "outside" for i in inside]
    fig = go.Figure(
        go.Bar(
            x=[s if s is not None else 0.0 for s in shares],
            y=labels,
            orientation="h",
            marker=dict(color=colours, line=dict(width=0)),
            text=[
                t.replace(" · ", "<br>") if i else t
                for t, i in zip(with_votes, inside, strict=True)
            ],
            # One position for all when they agree (the usual case), else one per bar.
            textposition=positions[0] if len(set(positions)) == 1 else positions,
            insidetextanchor="end",
            cliponaxis=False,
            textfont=dict(
                size=15,
                color=[
                    readable_on(c) if i else (ink if p else muted)
                    for c, i, p in zip(colours, inside, published, strict=True)
                ],
            ),
            customdata=[
                [plotly_text(n), fr_pct(s) if s is not None else NOT_PUBLISHED_HOVER, v]
                for n, s, v in zip(df["name"], shares, votes_text, strict=True)
            ],
            hovertemplate="<b>%{customdata[0]}</b><br>%{customdata[1]}<br>%{customdata[2]}"
            "<extra></extra>",
            name="",
        )
    )
    top = max((s for s in shares if s is not None), default=0.0)
    votes_shown = any(" voix" in t for t in with_votes)
    fig.update_layout(
        template=template,
        title=title_layout(title, subtitle or BASE_LABEL.get(base, base)),
        xaxis=dict(
            range=[0, 100 if two_way else min(100.0, top * (1.7 if votes_shown else 1.22) + 2)],
            # A run-off's axis ends at 100 with no "100 %" label: centred on the plot's edge,
            # it would run into the canvas's padding.
            tickvals=[0, 25, 50, 75] if two_way else None,
            ticktext=[f"{v} %" for v in (0, 25, 50, 75)] if two_way else None,
            ticksuffix=" %",
            title=dict(text=BASE_LABEL.get(base, base), font=dict(size=13, color=muted)),
            fixedrange=True,
        ),
        yaxis=dict(fixedrange=True, tickfont=dict(size=15)),
        showlegend=False,
        bargap=0.35,
        height=max(260, 90 + 52 * len(df)),
        meta={"chart": "vote-split", "share_base": base, "winners": list(winners)},
    )
    if two_way:
        # Under the bars: it shows between them and never runs across a label.
        fig.add_vline(x=50, line=dict(color=muted, width=1.5, dash="dot"), layer="below")
        fig.add_annotation(
            x=50,
            y=1,
            yref="paper",
            yanchor="bottom",
            text="majorité 50 %",
            showarrow=False,
            font=dict(size=12, color=muted),
        )
    for winner in (w for w in winners if w in set(df["candidate_id"])):
        at = list(df["candidate_id"]).index(winner)
        fig.add_annotation(
            x=0,
            y=labels[at],
            text=plotly_text(
                winner_label.get(winner, "") if isinstance(winner_label, dict) else winner_label
            ),
            showarrow=False,
            xanchor="left",
            xshift=8,
            font=dict(size=13, color=readable_on(colours[at])),
        )
    return fig
