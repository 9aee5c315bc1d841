"""Results by département on a map: the leader's colour shaded by their margin, or one
candidate's share; and the table of areas beside it.

Pure, like every builder: a frame of one round's area rows in, a figure out, no I/O. The frame
has one row per (area, candidate): `area_code, area_name, candidate_id, name, colour, votes,
exprimes, share_pct` (shares on exprimés, as the ministry publishes them by area). The geometry
is `data/geo/departements.geojson` (see data/geo/SOURCES.md): features keyed by `id` (INSEE
code) with the ministry's code beside it (`ministry_code`: "ZA" for Guadeloupe), the overseas
départements already moved into insets and Paris with its petite couronne drawn a second
time, enlarged, in one (each département one feature, so one location: the same colour, hover
and click in both places); the collection's `insets` lists the boxes (`nom`, `codes`, `frame`).
Areas the geometry lacks (the French abroad, the overseas collectivities) are in the table,
not on the map.
"""

from __future__ import annotations

import math
from typing import Any

import pandas as pd
import plotly.graph_objects as go

from dashboard.charts.theme import colour_or_muted, contrast, muted_of, title_layout
from dashboard.fr import NBSP, fr_int, fr_pct
from dashboard.results.query import is_valid
from dashboard.text import plotly as plotly_text

MODES = ("leader", "share")
# Lambert conformal conic, as France's own maps (Lambert-93), unless the geometry names its
# own (`projection` member, written by data/geo/build.py): the insets were laid out in that
# very projection, so their boxes stand upright.
PROJECTION = {"type": "conic conformal", "parallels": [44, 49], "rotation_lon": 2.5}
PAD_DEG = 0.25
BAR_BAND = 0.13  # share of the plot's height a row of colour bars takes under the map
BARS_PER_ROW = 3
NO_DATA = "#eceff1"
DARK_BORDER = "#80868b"
SHADE_FLOOR = 0.35  # a narrow lead is still the leader's colour, lightened to 35 %


AREA_LEVELS = ("departement", "département")  # the results table's area_level of a département
FRAME_COLUMNS = (
    "round",
    "area_code",
    "area_name",
    "candidate_id",
    "name",
    "colour",
    "votes",
    "exprimes",
    "share_pct",
)


def area_rows(
    results: pd.DataFrame, candidates: pd.DataFrame, round_: int, at: object = None
) -> pd.DataFrame:
    """The map's frame from the results long table: for each département of `round_`, the
    rows of its latest valid snapshot published by `at` (default: the latest), with the
    candidates' names and colours and the share of exprimés. Empty when the table has no
    département rows (an election without results by area, like the 2017 primary)."""
    if "area_level" not in results.columns or results.empty:
        return pd.DataFrame(columns=list(FRAME_COLUMNS))
    df = results[results["area_level"].isin(AREA_LEVELS) & (results["round"] == round_)]
    df = df[is_valid(df)] if len(df) else df
    if at is not None and len(df):
        df = df[pd.to_datetime(df["as_of"]) <= pd.Timestamp(at)]
    if df.empty:
        return pd.DataFrame(columns=list(FRAME_COLUMNS))
    latest = df.groupby("area_code")["as_of"].transform("max")
    df = df[df["as_of"] == latest]
    df = df.drop_duplicates(["area_code", "candidate_id"], keep="last")
    names = candidates.set_index("candidate_id")
    out = pd.DataFrame(
        {
            "round": df["round"].astype(int),
            "area_code": df["area_code"].astype(str),
            "area_name": df["area_name"].astype(str),
            "candidate_id": df["candidate_id"].astype(str),
            "name": df["candidate_id"].map(names["name"]).fillna(df["candidate_id"]),
            "colour": df["candidate_id"].map(names["colour"]),
            "votes": df["votes"],
            "exprimes": df["exprimes"],
            "as_of": df["as_of"],
            "status": df["status"],
            "source_url": df["source_url"],
            "note": df["note"],
        }
    )
    share = 100 * df["votes"] / df["exprimes"].where(df["exprimes"] > 0)
    if "share_published" in df.columns:
        on_exprimes = df.get("share_base", "exprimes") == "exprimes"
        share = share.fillna(df["share_published"].where(on_exprimes))
    out["share_pct"] = share.astype(float)
    extra = ["as_of", "status", "source_url", "note"]
    return out[[*FRAME_COLUMNS, *extra]].reset_index(drop=True)


def fr_points(value: float) -> str:
    """12.345 → "12,35 pts" (percentage points, no-break space)."""
    unit = "pt" if abs(value) < 2 else "pts"
    return f"{value:.2f}".replace(".", ",") + NBSP + unit


def lambert(geojson: dict[str, Any]) -> Any:
    """(lon, lat) → (x, y) on the unit sphere's Lambert conformal conic of the geometry's
    `projection` (as plotly and data/geo/build.py draw it; y grows northwards)."""
    proj = {**PROJECTION, **geojson.get("projection", {})}
    p1, p2 = (math.radians(p) for p in proj["parallels"])
    n = math.log(math.cos(p1) / math.cos(p2)) / math.log(
        math.tan(math.pi / 4 + p2 / 2) / math.tan(math.pi / 4 + p1 / 2)
    )
    f = math.cos(p1) * math.tan(math.pi / 4 + p1 / 2) ** n / n
    centre = float(proj["rotation_lon"])

    def project(lon: float, lat: float) -> tuple[float, float]:
        rho = f / math.tan(math.pi / 4 + math.radians(lat) / 2) ** n
        lam = math.radians(lon - centre)
        return rho * math.sin(n * lam), f - rho * math.cos(n * lam)

    return project


def colour_at(colorscale: Any, z: float, zmin: float, zmax: float) -> str:
    """The colour a two-stop plotly colorscale gives `z` (clipped to zmin…zmax)."""
    (_, low), (_, high) = colorscale[0], colorscale[-1]
    t = 0.0 if zmax <= zmin else min(1.0, max(0.0, (z - zmin) / (zmax - zmin)))
    return _mix(high, low, t)


def geo_index(geojson: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """Area code (INSEE or the ministry's) → feature."""
    index: dict[str, dict[str, Any]] = {}
    for feature in geojson["features"]:
        props = feature.get("properties", {})
        for code in (feature.get("id"), props.get("code"), props.get("ministry_code")):
            if code:
                index[str(code)] = feature
    return index


def _mix(colour: str, paper: str, weight: float) -> str:
    """`weight` of `colour` over `paper` ("#rrggbb")."""
    a = [int(colour.lstrip("#")[i : i + 2], 16) for i in (0, 2, 4)]
    b = [int(paper.lstrip("#")[i : i + 2], 16) for i in (0, 2, 4)]
    return "#" + "".join(
        f"{round(x * weight + y * (1 - weight)):02x}" for x, y in zip(a, b, strict=True)
    )


def _hex(colour: object) -> str:
    c = colour_or_muted(colour)
    return c if len(c) == 7 and c.startswith("#") else "#5f6368"


def _paper(template: go.layout.Template) -> str:
    paper = template.layout.paper_bgcolor
    return paper if isinstance(paper, str) and paper.startswith("#") else "#ffffff"


def scale_ticks(top: float) -> list[float]:
    """Round ticks from 0 to just above `top` (5 by 5 up to 25 points, then 10, then 20)."""
    step = 5 if top <= 25 else 10 if top <= 50 else 20
    end = max(step, math.ceil(top / step) * step)
    return [float(v) for v in range(0, int(end) + 1, step)]


def capped_ticks(values: pd.Series) -> tuple[list[float], bool]:
    """The scale's ticks, ending near the 90th percentile: a few landslides (Paris, overseas)
    would otherwise leave every other département pale. Beyond it, the full colour ("≥ 40
    pts"); the second value says whether any area is beyond."""
    top = float(values.max())
    ticks = scale_ticks(min(top, float(values.quantile(0.9))))
    return ticks, top > ticks[-1]


def rank_areas(df: pd.DataFrame) -> pd.DataFrame:
    """One row per area: leader and second (id, name, colour, share, votes), margin in points,
    exprimés and the number of candidates — the table's and the map's figures."""
    shown = df[df["share_pct"].notna()].sort_values(
        ["area_code", "share_pct"], ascending=[True, False], kind="stable"
    )
    # Whole columns at once: a loop over 107 départements' groups cost ~0,4 s per map.
    rank = shown.groupby("area_code", sort=True).cumcount()
    first = shown[rank == 0].set_index("area_code")
    if first.empty:
        return pd.DataFrame()
    second = shown[rank == 1].set_index("area_code").reindex(first.index)
    has_second = second["candidate_id"].notna()

    def or_none(values: pd.Series, cast: type | None = None) -> list:
        return [
            None if not ok else (cast(v) if cast else v)
            for v, ok in zip(values, has_second, strict=True)
        ]

    leader_share = first["share_pct"].astype(float)
    second_share = second["share_pct"].astype(float)
    counts = shown.groupby("area_code", sort=True).size().reindex(first.index)
    return pd.DataFrame(
        {
            "area_code": [str(c) for c in first.index],
            "area_name": first["area_name"].astype(str).tolist(),
            "leader_id": first["candidate_id"].astype(str).tolist(),
            "leader_name": first["name"].astype(str).tolist(),
            "leader_colour": [_hex(c) for c in first["colour"]],
            "leader_share": leader_share.tolist(),
            "leader_votes": first["votes"].tolist(),
            "second_id": or_none(second["candidate_id"], str),
            "second_name": or_none(second["name"], str),
            "second_share": or_none(second_share, float),
            "second_votes": or_none(second["votes"]),
            "margin": (leader_share - second_share.where(has_second, 0.0)).tolist(),
            "exprimes": first["exprimes"].tolist(),
            "candidates": counts.tolist(),
        }
    )


def _area_title(name: str, code: str) -> str:
    return f"<b>{plotly_text(name)}</b> ({plotly_text(code)})"


def _with_votes(share: float, votes: object) -> str:
    return fr_pct(share) + ("" if votes is None or pd.isna(votes) else f" ({fr_int(votes)} voix)")


def leader_hover(row: pd.Series) -> str:
    """The hover of one area in leader mode (plotly text: outside text escaped)."""
    lines = [
        _area_title(row["area_name"], row["area_code"]),
        f"En tête : {plotly_text(row['leader_name'])} — "
        + _with_votes(row["leader_share"], row["leader_votes"]),
    ]
    if row["second_name"] is not None and not pd.isna(row["second_share"]):
        lines.append(
            f"2e : {plotly_text(row['second_name'])} — "
            + _with_votes(row["second_share"], row["second_votes"])
        )
        lines.append(f"Écart : {fr_points(row['margin'])}")
    lines.append(f"Exprimés : {fr_int(row['exprimes'])}")
    return "<br>".join(lines)


def share_hover(area: pd.DataFrame, candidate_id: str) -> str:
    """The hover of one area in share mode: the candidate's share, votes and rank."""
    area = area.sort_values("share_pct", ascending=False, kind="stable").reset_index(drop=True)
    at = area.index[area["candidate_id"] == candidate_id][0]
    row = area.loc[at]
    rank = "1er" if at == 0 else f"{at + 1}e"
    return "<br>".join(
        [
            _area_title(row["area_name"], row["area_code"]),
            f"{plotly_text(row['name'])} : {_with_votes(row['share_pct'], row['votes'])}",
            f"Rang : {rank} sur {len(area)}",
            f"Exprimés : {fr_int(row['exprimes'])}",
        ]
    )


def tick_labels(ticks: list[float], *, suffix: str, capped: bool) -> list[str]:
    """0 and the end ("≥ 40 pts" when areas go beyond): a bar a third of a phone wide stays
    legible, never with tilted labels."""
    shown = {0, len(ticks) - 1}
    labels = [f"{v:g}" if i in shown else "" for i, v in enumerate(ticks)]
    labels[-1] = (f"≥{NBSP}" if capped else "") + f"{ticks[-1]:g}{suffix}"
    return labels


def bar_rows(count: int) -> int:
    """Rows of colour bars under the map: up to three bars side by side in a row."""
    return math.ceil(count / BARS_PER_ROW)


def _colour_bar(
    title: str,
    at: int,
    count: int,
    ticks: list[float],
    *,
    suffix: str,
    muted: str,
    capped: bool = False,
) -> dict:
    """Horizontal colour bars under the map, three to a row, each titled above."""
    rows = bar_rows(count)
    row, col = divmod(at, BARS_PER_ROW)
    return dict(
        orientation="h",
        title=dict(text=title, side="top", font=dict(size=12)),
        x=0.03 + col * (1 / BARS_PER_ROW),
        xanchor="left",
        # In the bottom band of the plot area that the map leaves free (BAR_BAND a row):
        # inside the plot, so an export's frame, whatever its margins, never runs over them.
        y=(rows - row) * BAR_BAND - 0.01,
        yanchor="top",
        len=1 / BARS_PER_ROW - 0.07,
        lenmode="fraction",
        thickness=10,
        outlinewidth=0,
        tickvals=ticks,
        ticktext=tick_labels(ticks, suffix=suffix, capped=capped),
        tickfont=dict(size=11, color=muted),
        tickangle=0,
    )


def build_map(
    df: pd.DataFrame,
    geojson: dict[str, Any],
    *,
    template: go.layout.Template,
    mode: str = "leader",
    candidate_id: str | None = None,
    title: str = "",
    subtitle: str = "",
) -> go.Figure:
    """A choropleth of one round's départements (rows of `df`, see the module's doc).

    `mode="leader"`: each département in its leader's colour, darker as the leader's margin
    over the second grows (one colour bar per leader, in points). `mode="share"`: the share
    of `candidate_id` (default: the leader of most areas), a sequential scale of their colour.
    Départements of the geometry without figures are grey; the geometry's insets (overseas
    départements, Paris and its petite couronne enlarged) are framed and named."""
    if mode not in MODES:
        raise ValueError(f"mode must be one of {MODES}, not {mode!r}")
    index = geo_index(geojson)
    paper, muted = _paper(template), muted_of(template)
    ranked = rank_areas(df) if len(df) else pd.DataFrame(columns=["area_code"])
    drawn = ranked[ranked["area_code"].isin(index)] if len(ranked) else ranked
    fid = {code: str(index[code]["id"]) for code in drawn["area_code"]}
    fig = go.Figure()
    # First, a trace of lines: plotly.js fetches its world topojson from cdn.plot.ly when the
    # first trace of a geo subplot has a `locationmode` (a choropleth does) or a base layer is
    # shown; with lines first and no base layer it fetches nothing, and the map draws offline.
    _add_insets(fig, geojson, muted)
    # Shades always run from a light tint to the full colour: on a dark paper, mixing toward
    # the paper would sink a dark candidate's colour (navy, black) into it. There, borders are
    # grey so every département keeps its outline.
    light = contrast(paper, "#000000") > contrast(paper, "#ffffff")
    tint = paper if light else "#ffffff"
    border = dict(color=paper if light else DARK_BORDER, width=0.6)

    missing = [f for f in geojson["features"] if str(f["id"]) not in set(fid.values())]
    if missing:
        fig.add_trace(
            go.Choropleth(
                geojson=geojson,
                locations=[str(f["id"]) for f in missing],
                z=[0] * len(missing),
                colorscale=[[0, NO_DATA], [1, NO_DATA]],
                showscale=False,
                marker=dict(line=border),
                customdata=[
                    [f"{_area_title(f['properties']['nom'], f['id'])}<br>pas de résultat"]
                    for f in missing
                ],
                hovertemplate="%{customdata[0]}<extra></extra>",
                name="sans résultat",
                meta={"role": "no-data"},
            )
        )

    if mode == "leader" and len(drawn):
        ticks, capped = capped_ticks(drawn["margin"])
        wins = drawn.groupby("leader_id").size().sort_values(ascending=False, kind="stable")
        for at, leader in enumerate(wins.index):
            rows = drawn[drawn["leader_id"] == leader]
            colour = rows["leader_colour"].iloc[0]
            name = rows["leader_name"].iloc[0]
            count = len(rows)
            fig.add_trace(
                go.Choropleth(
                    geojson=geojson,
                    locations=[fid[c] for c in rows["area_code"]],
                    z=[round(m, 4) for m in rows["margin"]],
                    zmin=0,
                    zmax=ticks[-1],
                    colorscale=[[0, _mix(colour, tint, SHADE_FLOOR)], [1, colour]],
                    marker=dict(line=border),
                    colorbar=_colour_bar(
                        f"{plotly_text(name)}<br>en tête : {count} dép.",
                        at,
                        len(wins),
                        ticks,
                        suffix=f"{NBSP}pts",
                        muted=muted,
                        capped=capped,
                    ),
                    customdata=[[leader_hover(r), r["area_code"]] for _, r in rows.iterrows()],
                    hovertemplate="%{customdata[0]}<extra></extra>",
                    name=plotly_text(name),
                    meta={"role": "leader", "candidate_id": leader},
                )
            )
        default_sub = (
            "Couleur du candidat en tête ; plus elle est foncée, plus son avance sur le "
            "deuxième est grande (en points)"
        )
    elif mode == "share" and len(drawn):
        if candidate_id is None:
            candidate_id = str(drawn.groupby("leader_id").size().idxmax())
        mine = df[(df["candidate_id"] == candidate_id) & df["area_code"].isin(fid)]
        if mine.empty:
            raise ValueError(f"no area figures for candidate {candidate_id!r}")
        colour, name = _hex(mine["colour"].iloc[0]), str(mine["name"].iloc[0])
        ticks, capped = capped_ticks(mine["share_pct"])
        by_area = {code: area for code, area in df[df["area_code"].isin(fid)].groupby("area_code")}
        fig.add_trace(
            go.Choropleth(
                geojson=geojson,
                locations=[fid[c] for c in mine["area_code"]],
                z=[round(float(s), 4) for s in mine["share_pct"]],
                zmin=0,
                zmax=ticks[-1],
                colorscale=[[0, _mix(colour, tint, 0.08)], [1, colour]],
                marker=dict(line=border),
                colorbar=_colour_bar(
                    f"{plotly_text(name)}",
                    0,
                    1,
                    ticks,
                    suffix=f"{NBSP}%",
                    muted=muted,
                    capped=capped,
                ),
                customdata=[[share_hover(by_area[c], candidate_id), c] for c in mine["area_code"]],
                hovertemplate="%{customdata[0]}<extra></extra>",
                name=plotly_text(name),
                meta={"role": "share", "candidate_id": candidate_id},
            )
        )
        default_sub = f"Part de {name} dans chaque département, en % des suffrages exprimés"
    else:
        default_sub = "Aucun résultat par département"

    bars = bar_rows(sum(1 for t in fig.data if (t.meta or {}).get("role") in ("leader", "share")))
    fig.update_layout(
        template=template,
        title=title_layout(title, subtitle or default_sub),
        geo={**_geo_layout(geojson, paper), "domain": {"x": [0, 1], "y": [bars * BAR_BAND, 1]}},
        dragmode=False,
        showlegend=False,
        height=600 + 40 * bars,
        margin=dict(l=8, r=8, t=72, b=16),
        meta={
            "chart": "map",
            "mode": mode,
            "candidate_id": candidate_id,
            "areas": len(drawn),
            "not_drawn": sorted(set(ranked["area_code"]) - set(fid)) if len(ranked) else [],
        },
    )
    return fig


def _geo_layout(geojson: dict[str, Any], paper: str) -> dict[str, Any]:
    """The view: the projection, and the whole geometry (insets included) in range, whatever
    areas have figures yet. Ranges rather than `fitbounds`, which re-centres the projection
    and would tilt the insets."""
    proj = {**PROJECTION, **geojson.get("projection", {})}
    lons, lats = [], []
    for feature in geojson["features"]:
        geometry = feature["geometry"]
        polys = (
            geometry["coordinates"]
            if geometry["type"] == "MultiPolygon"
            else [geometry["coordinates"]]
        )
        for poly in polys:
            lons += [p[0] for p in poly[0]]
            lats += [p[1] for p in poly[0]]
    for inset in geojson.get("insets") or ():
        lons += [p[0] for p in inset["frame"]]
        lats += [p[1] for p in inset["frame"]]
    return dict(
        projection=dict(
            type=proj["type"], parallels=proj["parallels"], rotation=dict(lon=proj["rotation_lon"])
        ),
        lonaxis=dict(range=[round(min(lons) - PAD_DEG, 2), round(max(lons) + PAD_DEG, 2)]),
        lataxis=dict(range=[round(min(lats) - PAD_DEG, 2), round(max(lats) + PAD_DEG, 2)]),
        visible=False,  # no basemap: coasts, land and countries are not drawn (offline)
        bgcolor=paper,
    )


def _add_insets(fig: go.Figure, geojson: dict[str, Any], muted: str) -> None:
    """The insets' frames and names (one line trace, one text trace): a name under its
    territory, inside the frame, or above the frame from its left corner (`label`: "above")."""
    lons: list[float | None] = []
    lats: list[float | None] = []
    label_lon, label_lat, labels, positions = [], [], [], []
    for inset in geojson.get("insets") or ():
        frame = inset["frame"]
        lons += [p[0] for p in frame] + [None]
        lats += [p[1] for p in frame] + [None]
        (x0, y0), (x1, y1), _, (x3, y3) = frame[0], frame[1], frame[2], frame[3]
        if inset.get("label") == "above":
            label_lon.append(x3)
            label_lat.append(y3)
            positions.append("top right")
        else:
            label_lon.append((x0 + x1) / 2)
            label_lat.append((y0 + y1) / 2 + (y3 - y0) * 0.08)
            positions.append("middle center")
        labels.append(plotly_text(inset["nom"]))
    fig.add_trace(
        go.Scattergeo(
            lon=lons,
            lat=lats,
            mode="lines",
            line=dict(color=muted, width=0.8),
            hoverinfo="skip",
            name="cadres",
            meta={"role": "inset-frames"},
        )
    )
    fig.add_trace(
        go.Scattergeo(
            lon=label_lon,
            lat=label_lat,
            mode="text",
            text=labels,
            textposition=positions,
            textfont=dict(size=9, color=muted),
            hoverinfo="skip",
            name="encadrés",
            meta={"role": "inset-labels"},
        )
    )


AREA_TABLE_COLUMNS = (
    "Département",
    "Code",
    "En tête",
    "Part",
    "Deuxième",
    "Part du 2e",
    "Écart",
    "Exprimés",
)


def build_area_table(df: pd.DataFrame) -> pd.DataFrame:
    """The table of areas as readers see it, French headings and French numbers: every area
    of `df` (those the map does not draw included), in code order."""
    ranked = rank_areas(df) if len(df) else pd.DataFrame()
    rows = []
    for _, r in ranked.iterrows():
        has_second = r["second_name"] is not None and not pd.isna(r["second_share"])
        rows.append(
            {
                "Département": r["area_name"],
                "Code": r["area_code"],
                "En tête": r["leader_name"],
                "Part": fr_pct(r["leader_share"]),
                "Deuxième": r["second_name"] if has_second else "—",
                "Part du 2e": fr_pct(r["second_share"]) if has_second else "—",
                "Écart": fr_points(r["margin"]) if has_second else "—",
                "Exprimés": fr_int(r["exprimes"]),
            }
        )
    return pd.DataFrame(rows, columns=list(AREA_TABLE_COLUMNS))
