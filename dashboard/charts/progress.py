"""Count progress: every snapshot of the night on a time axis — shares per candidate above,
bureaux counted below — so a reader sees how the count evolved."""

from __future__ import annotations

from datetime import timedelta

import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from dashboard.charts.theme import colour_or_muted, muted_of, title_layout
from dashboard.charts.vote_split import BASE_LABEL
from dashboard.fr import fr_int, fr_moment, fr_pct, status_fr, time_known
from dashboard.text import plotly as plotly_text

GAP = timedelta(hours=6)  # longer silences between snapshots are cut out of the axis
PAD = timedelta(minutes=30)  # what is kept on each side of a cut


def rangebreaks(times: pd.Series) -> list[dict]:
    """Axis breaks for the long gaps (e.g. night of the count → definitive days later)."""
    ts = [pd.Timestamp(t) for t in sorted(pd.to_datetime(times).dropna().unique())]
    pairs = list(zip(ts, ts[1:], strict=False))
    # What is kept each side of a cut grows with the night it sits beside: a fixed half hour
    # beside a four-hour night squeezed the cut's two dates into one label.
    night = sum((b - a for a, b in pairs if b - a <= GAP), timedelta(0))
    pad = max(PAD, night / 6)
    breaks = []
    for a, b in pairs:
        if b - a > GAP:
            start = a + pad
            dvalue = (b - pad - start).total_seconds() * 1000
            breaks.append(dict(values=[start.tz_localize(None).isoformat()], dvalue=dvalue))
    return breaks


BREAK_MARK = "//"  # drawn on the axis where a long silence was cut out


def add_break_marks(
    fig: go.Figure,
    breaks: list[dict],
    *,
    template: go.layout.Template,
    xref: str = "x",
    yref: str = "y domain",
    yanchor: str = "top",
) -> None:
    """A visible "//" on the time axis (and a dotted line across the plot) at each cut, so a
    reader never takes 23:50 → 12:00 three days later for the 21:45 → 23:50 of the night."""
    paper = template.layout.paper_bgcolor or "#ffffff"
    muted = muted_of(template)
    shapes, notes = [], []
    for brk in breaks:
        at = pd.Timestamp(brk["values"][0])
        hours = round(brk["dvalue"] / 3_600_000 + 2 * PAD.total_seconds() / 3600)
        days, rest = divmod(hours, 24)
        gap = f"{hours} h" if not days else f"{days} j" + (f" {rest} h" if rest else "")
        shapes.append(
            dict(
                type="line",
                xref=xref,
                yref="paper",
                x0=at,
                x1=at,
                y0=0,
                y1=1,
                layer="below",
                line=dict(color=muted, width=1, dash="dot"),
            )
        )
        notes.append(
            dict(
                # Just under the axis line, between the tick labels (the cut lies midway
                # between two snapshots), where no data label can be.
                x=at,
                xref=xref,
                y=0,
                yref=yref,
                yanchor=yanchor,
                text=f"<b>{BREAK_MARK}</b>",
                showarrow=False,
                font=dict(size=14, color=muted),
                bgcolor=paper,
                borderpad=1,
                hovertext=f"axe coupé : {gap} sans relevé",
                name="break-mark",
            )
        )
    if breaks:
        # One layout update for all marks: add_shape/add_annotation validate and relayout
        # per call.
        fig.update_layout(
            shapes=[*fig.layout.shapes, *shapes], annotations=[*fig.layout.annotations, *notes]
        )


def visible_span(times: pd.Series) -> timedelta:
    """How much time the axis shows once the long gaps are cut."""
    ts = sorted(pd.to_datetime(times).dropna().unique())
    if len(ts) < 2:
        return timedelta(0)
    cut = sum(b["dvalue"] for b in rangebreaks(pd.Series(ts)))
    return pd.Timestamp(ts[-1]) - pd.Timestamp(ts[0]) - timedelta(milliseconds=cut)


def build_progress(
    df: pd.DataFrame, *, template: go.layout.Template, title: str = "", subtitle: str = ""
) -> go.Figure:
    """`df` is transform.progress(): one row per snapshot × candidate."""
    df = df[df["kind"] == "count"].copy()  # midday turnout reports carry no count
    # Plotly draws naive wall-clock times: keep Paris time as shown on the night.
    df["t"] = pd.to_datetime(df["as_of"]).dt.tz_localize(None)
    # A snapshot whose source gives only the date is shown as that date (fr.time_known).
    known = df["note"].map(time_known) if "note" in df else pd.Series(True, index=df.index)
    df["moment"] = [
        fr_moment(t, known=k, year=False, sep=" ") for t, k in zip(df["t"], known, strict=True)
    ]
    df["known"] = known
    base = str(df["share_base"].dropna().iloc[-1]) if len(df) else "exprimes"
    snaps = df.drop_duplicates("snapshot_id").sort_values("t")
    counted = snaps[snaps["bureaux_counted"].notna()]
    # A source that reports progress as a share (of inscrits, of bureaux) instead of bureaux:
    # the lower panel shows that share on the same time axis.
    by_share = snaps[snaps["counted_pct"].notna()] if "counted_pct" in snaps else snaps.iloc[0:0]
    by_share = by_share if counted.empty else by_share.iloc[0:0]
    unit = str(by_share["counted_unit"].dropna().iloc[0]) if len(by_share) else ""
    lower = f"Dépouillement (% des {unit})" if len(by_share) else "Bureaux dépouillés"
    fig = make_subplots(
        rows=2,
        cols=1,
        shared_xaxes=True,
        row_heights=[0.68, 0.32],
        vertical_spacing=0.08,
        subplot_titles=(BASE_LABEL.get(base, base), lower),
    )
    with_shares = df[df["share"].notna()]
    # End labels from the highest down, each at least 10 % of the axis' span from the labels
    # kept: close shares (3,83 %, 2,00 %, 1,02 %) would print over each other; those
    # candidates keep their value in the hover and the table.
    ends = with_shares.sort_values("t").groupby("candidate_id", sort=False)["share"].last()
    # No share at all (under embargo: only bureaux and turnout are drawn) spans nothing.
    span = (
        (float(with_shares["share"].max() - with_shares["share"].min()) or 1.0)
        if len(with_shares)
        else 1.0
    )
    labelled: list[float] = []
    for cid, end in ends.sort_values(ascending=False).items():
        if all(abs(float(end) - kept) >= 0.1 * span for kept in labelled):
            labelled.append(float(end))
        else:
            ends = ends.drop(cid)
    for cid, rows in with_shares.groupby("candidate_id", sort=False):
        rows = rows.sort_values("t")
        first = rows.iloc[0]
        shares = [float(s) for s in rows["share"]]
        fig.add_trace(
            go.Scatter(
                x=rows["t"],
                y=shares,
                mode="lines+markers+text",
                name=plotly_text(first["name"]),
                # The short name for compact labels elsewhere (the public SVG's line ends).
                meta={"short": str(first["short"]) if "short" in first.index else ""},
                line=dict(color=colour_or_muted(first["colour"]), width=3),
                marker=dict(size=8),
                # The line's end carries its value: the figure a reader looks for.
                text=[""] * (len(shares) - 1) + [fr_pct(shares[-1]) if cid in ends else ""],
                textposition="middle right",
                cliponaxis=False,
                textfont=dict(size=14, color=template.layout.font.color),
                # The name goes in as escaped custom data, never into the template itself
                # (a "%{…}" in a name would be read as a placeholder).
                customdata=[
                    [fr_pct(float(s)), st, plotly_text(first["name"]), m]
                    for s, st, m in zip(
                        rows["share"], rows["status"].map(status_fr), rows["moment"], strict=True
                    )
                ],
                hovertemplate="<b>%{customdata[2]}</b><br>%{customdata[3]}<br>"
                "%{customdata[0]} · %{customdata[1]}<extra></extra>",
                legendgroup=str(cid),
            ),
            row=1,
            col=1,
        )
    if len(by_share):
        fig.add_trace(
            go.Bar(
                x=by_share["t"],
                y=[float(v) for v in by_share["counted_pct"]],
                marker=dict(color="#9aa5b1"),
                name=lower,
                showlegend=False,
                text=[
                    fr_pct(float(v), 0 if float(v).is_integer() else 2)
                    for v in by_share["counted_pct"]
                ],
                textposition="outside",
                cliponaxis=False,
                customdata=[[m] for m in by_share["moment"]],
                hovertemplate="%{customdata[0]}<br>%{y} % des "
                + unit
                + " dépouillés<extra></extra>",
                width=1000 * 60 * 25,
            ),
            row=2,
            col=1,
        )
    fig.add_trace(
        go.Bar(
            x=counted["t"],
            y=[int(v) for v in counted["bureaux_counted"]],
            marker=dict(color="#9aa5b1"),
            name="Bureaux dépouillés",
            showlegend=False,
            text=[fr_int(v) for v in counted["bureaux_counted"]],
            textposition="outside",
            cliponaxis=False,
            customdata=[
                [_pct(p), fr_int(v), m]
                for p, v, m in zip(
                    counted["bureaux_pct"], counted["votants"], counted["moment"], strict=True
                )
            ],
            hovertemplate="%{customdata[2]}<br>%{y:,} bureaux %{customdata[0]}<br>"
            "votants : %{customdata[1]}<extra></extra>",
            width=1000 * 60 * 25,
        ),
        row=2,
        col=1,
    )
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
    known_at = dict(zip(df["t"], df["known"], strict=False))
    breaks = rangebreaks(df["t"])
    # Room after the last snapshot for the lines' end labels ("58,69 %").
    after = max(timedelta(minutes=40), 0.16 * visible_span(df["t"]))
    # One snapshot alone (a moment's chart, a first count): a few hours around it, or its
    # 25-minute bar would fill the panel.
    before = timedelta(minutes=40) if len(ticks) > 1 else timedelta(hours=3)
    after = after if len(ticks) > 1 else before
    fig.update_xaxes(
        rangebreaks=breaks,
        tickvals=ticks,
        ticktext=[_tick(t, known_at.get(t, True)) for t in ticks],
        tickangle=0,
        range=[ticks[0] - before, ticks[-1] + after] if ticks else None,
    )
    # Above the axis line, inside the bars' panel: under it, a narrow (phone) chart's tick
    # labels would run into the marks.
    add_break_marks(fig, breaks, template=template, xref="x2", yref="y2 domain", yanchor="bottom")
    fig.update_yaxes(ticksuffix=" %", row=1, col=1)
    top = max((int(v) for v in counted["bureaux_counted"]), default=100 if len(by_share) else 1)
    fig.update_yaxes(range=[0, top * 1.3], row=2, col=1, showticklabels=False)
    for ann in fig.layout.annotations:
        if ann.name != "break-mark":  # the subplot titles
            ann.update(font=dict(size=13, color=muted_of(template)), x=0, xanchor="left")
    return fig


def _tick(t: object, known: bool) -> str:
    """ "29/01<br>23:50"; a date-only snapshot has its date alone ("02/02")."""
    stamp = pd.Timestamp(t)
    return f"{stamp:%d/%m}<br>{stamp:%H:%M}" if known else f"{stamp:%d/%m}"


def _pct(value: object) -> str:
    return "" if value is None or pd.isna(value) else f"({fr_pct(float(value), 1)})"
