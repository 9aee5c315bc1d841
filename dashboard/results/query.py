"""Views of the results store: current snapshot, as-of lookups, shares on a base, diffs.

Pure functions over DataFrames of the RESULTS schema; nothing here reads files.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import pandas as pd

from dashboard.fr import fr_int, fr_signed
from dashboard.model import ORDER_LAST


def is_valid(results: pd.DataFrame) -> pd.Series:
    return results["flags"].map(lambda f: f is None or len(f) == 0).astype(bool)


def snapshots(results: pd.DataFrame, round_: int | None = None) -> pd.DataFrame:
    """One row per snapshot (snapshot-level fields), oldest first, with `valid` and
    `has_shares` columns."""
    df = results if round_ is None else results[results["round"] == round_]
    if df.empty:
        return df.assign(valid=pd.Series(dtype=bool), has_shares=pd.Series(dtype=bool))
    has_shares = df.groupby("snapshot_id")[["votes", "share_published"]].apply(
        lambda g: bool(g["votes"].notna().any() or g["share_published"].notna().any())
    )
    first = df.drop_duplicates("snapshot_id").copy()
    first["valid"] = is_valid(first)
    first["has_shares"] = first["snapshot_id"].map(has_shares).astype(bool)
    cols = [c for c in first.columns if c not in ("candidate_id", "votes", "share_published")]
    return first[cols].sort_values(["as_of", "recorded_at"]).reset_index(drop=True)


def current_snapshot_id(
    results: pd.DataFrame, round_: int, at: datetime | None = None, *, with_shares: bool = False
) -> str | None:
    """The latest valid snapshot of the round as of `at` (default: now = latest)."""
    snaps = snapshots(results, round_)
    if snaps.empty:
        return None
    snaps = snaps.loc[snaps["valid"].astype(bool)]
    if at is not None:
        snaps = snaps[snaps["as_of"] <= pd.Timestamp(at)]
    if with_shares:
        snaps = snaps[snaps["has_shares"]]
    if snaps.empty:
        return None
    return str(snaps.iloc[-1]["snapshot_id"])


def snapshot_rows(results: pd.DataFrame, snapshot_id: str) -> pd.DataFrame:
    return results[results["snapshot_id"] == snapshot_id].reset_index(drop=True)


def shares(rows: pd.DataFrame, candidates: pd.DataFrame) -> pd.DataFrame:
    """Per candidate of one snapshot: votes, share on the snapshot's base (computed from
    votes when possible, else the published share), the published share, name, colour.
    Sorted by share, highest first."""
    base = rows["share_base"].iloc[0]
    base_total = rows[base].iloc[0]
    cand = candidates.set_index("candidate_id")
    out = pd.DataFrame(
        {
            "candidate_id": rows["candidate_id"].astype(str),
            "votes": rows["votes"],
            "share_published": rows["share_published"].astype("Float64"),
        }
    )
    computed = (
        (100.0 * out["votes"].astype("Float64") / float(base_total)).round(2)
        if not pd.isna(base_total) and base_total
        else pd.Series(pd.NA, index=out.index, dtype="Float64")
    )
    out["share_computed"] = computed
    out["share"] = computed.fillna(out["share_published"])
    out["name"] = out["candidate_id"].map(cand["name"]).fillna(out["candidate_id"])
    # `short`: the newsroom's short_name when candidates.csv gives one, else the full name
    # (never a cut of it: "Le Pen" is not "Pen").
    if "short_name" in cand:
        short = out["candidate_id"].map(cand["short_name"])
        out["short"] = short.where(short.notna() & (short.astype(str) != ""), out["name"])
    else:
        out["short"] = out["name"]
    out["gender"] = (
        out["candidate_id"].map(cand["gender"])
        if "gender" in cand
        else pd.Series(None, index=out.index)
    )
    out["colour"] = out["candidate_id"].map(cand["colour"])  # NA: the chart picks a grey
    out["display_order"] = out["candidate_id"].map(cand["display_order"]).fillna(ORDER_LAST)
    out["share_base"] = base
    return out.sort_values(["share", "display_order"], ascending=[False, True]).reset_index(
        drop=True
    )


def progress(results: pd.DataFrame, round_: int, candidates: pd.DataFrame) -> pd.DataFrame:
    """Every valid snapshot of the round, long format: as_of × candidate share, plus
    bureaux counted (and %) and votants, for the count-progress chart."""
    df = results[(results["round"] == round_)]
    df = df.loc[is_valid(df)]
    if df.empty:
        return pd.DataFrame(
            columns=[
                "as_of",
                "snapshot_id",
                "status",
                "kind",
                "candidate_id",
                "name",
                "colour",
                "share",
                "share_base",
                "bureaux_counted",
                "bureaux_total",
                "bureaux_pct",
                "counted_pct",
                "counted_unit",
                "progress_pct",
                "votants",
                "note",
            ]
        )
    parts = []
    for sid, rows in df.groupby("snapshot_id", sort=False):
        s = shares(rows.reset_index(drop=True), candidates)
        first = rows.iloc[0]
        for col in (
            "as_of",
            "status",
            "kind",
            "bureaux_counted",
            "bureaux_total",
            "counted_pct",
            "counted_unit",
            "votants",
            "note",
            "source_url",
        ):
            s[col] = first[col] if col in first.index else None
        s["snapshot_id"] = sid
        parts.append(s)
    out = pd.concat(parts, ignore_index=True)
    out["bureaux_pct"] = (
        100.0 * out["bureaux_counted"].astype("Float64") / out["bureaux_total"].astype("Float64")
    ).round(2)
    # How far the count is, whatever the source reports: bureaux counted when it gives them,
    # else its counted share (of bureaux or of inscrits, `counted_unit`).
    out["progress_pct"] = out["bureaux_pct"].fillna(out["counted_pct"].astype("Float64"))
    return out.sort_values(["as_of", "display_order"]).reset_index(drop=True)


@dataclass(frozen=True)
class SnapshotChange:
    since: datetime
    until: datetime
    bureaux: int | None
    votants: int | None
    shares: dict[str, float]

    def describe(self, names: dict[str, str]) -> str:
        """ "depuis 20:40 : +1 678 bureaux, Hamon +0,22 pt": `names` as shown (candidate id →
        short name, see views.display_names), never cut."""
        parts = []
        if self.bureaux:
            parts.append(f"{'+' if self.bureaux > 0 else '−'}{fr_int(abs(self.bureaux))} bureaux")
        if self.votants:
            parts.append(f"{'+' if self.votants > 0 else '−'}{fr_int(abs(self.votants))} votants")
        for cid, delta in self.shares.items():
            if round(delta, 2) != 0:
                parts.append(f"{names.get(cid, cid)} {fr_signed(delta)}")
        detail = ", ".join(parts) if parts else "pas de changement"
        since = pd.Timestamp(self.since)
        same_day = since.date() == pd.Timestamp(self.until).date()
        when = f"{since:%H:%M}" if same_day else f"le {since:%d/%m à %H:%M}"
        return f"depuis {when} : {detail}"


def diff(previous: pd.DataFrame, current: pd.DataFrame, candidates: pd.DataFrame) -> SnapshotChange:
    """What changed between two snapshots (rows of each)."""

    def level(rows: pd.DataFrame, col: str) -> int | None:
        v = rows[col].iloc[0]
        return None if pd.isna(v) else int(v)

    def delta(col: str) -> int | None:
        a, b = level(previous, col), level(current, col)
        return None if a is None or b is None else b - a

    before = shares(previous, candidates).set_index("candidate_id")["share"]
    after = shares(current, candidates).set_index("candidate_id")["share"]
    moves = {}
    for cid in after.index:
        if cid in before.index and not pd.isna(before[cid]) and not pd.isna(after[cid]):
            moves[cid] = float(after[cid]) - float(before[cid])
    return SnapshotChange(
        since=pd.Timestamp(previous["as_of"].iloc[0]).to_pydatetime(),
        until=pd.Timestamp(current["as_of"].iloc[0]).to_pydatetime(),
        bureaux=delta("bureaux_counted"),
        votants=delta("votants"),
        shares=moves,
    )
