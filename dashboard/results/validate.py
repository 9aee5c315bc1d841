"""Consistency rules for results snapshots. Each rule returns flags (French, for staff).

A flagged snapshot is stored with its reasons and never shown as the current result.
Rules take one snapshot's long-format rows (and the previous valid snapshot of the same round
and kind, for monotonicity); they never raise on inconsistent figures, only on misuse.
"""

from __future__ import annotations

from collections.abc import Iterable

import pandas as pd

from dashboard.fr import fr_int, fr_pct

SHARE_TOLERANCE = 0.01  # published shares are rounded to 2 decimals
# A published rate (participation_pct) may be off its counts by rounding to 2 decimals.
RATE_TOLERANCE = SHARE_TOLERANCE + 0.005
LEVEL_FR = {
    "region": "région",
    "departement": "département",
    "circonscription": "circonscription",
    "commune": "commune",
}
SUM_TOLERANCE = 0.1  # Σ of n rounded shares may drift by up to n × 0.005


def _val(rows: pd.DataFrame, field: str) -> int | None:
    value = rows[field].iloc[0]
    return None if pd.isna(value) else int(value)


def check_counts(rows: pd.DataFrame) -> list[str]:
    flags = []
    from dashboard.model import COUNT_FIELDS

    for field in COUNT_FIELDS:
        if field not in rows:
            continue
        value = rows[field].iloc[0]
        if not pd.isna(value) and (value < 0 or float(value) != int(value)):
            flags.append(f"{field} doit être un entier positif ({value})")
    for cand, votes in zip(rows["candidate_id"], rows["votes"], strict=True):
        if not pd.isna(votes) and (votes < 0 or float(votes) != int(votes)):
            flags.append(f"voix de {cand} : doit être un entier positif ({votes})")
    return flags


def check_totals(rows: pd.DataFrame) -> list[str]:
    flags = []
    votants, exprimes = _val(rows, "votants"), _val(rows, "exprimes")
    blancs, nuls = _val(rows, "blancs"), _val(rows, "nuls")
    if None not in (votants, exprimes, blancs, nuls) and exprimes + blancs + nuls != votants:
        flags.append(
            f"exprimés + blancs + nuls ({fr_int(exprimes + blancs + nuls)}) "
            f"≠ votants ({fr_int(votants)})"
        )
    if votants is not None and exprimes is not None and exprimes > votants:
        flags.append(f"exprimés ({fr_int(exprimes)}) > votants ({fr_int(votants)})")
    votes = rows["votes"]
    if exprimes is not None and votes.notna().all():
        total = int(votes.sum())
        if total != exprimes:
            flags.append(
                f"somme des voix des candidats ({fr_int(total)}) ≠ exprimés ({fr_int(exprimes)})"
            )
    if votants is not None and votes.notna().any() and int(votes.sum()) > votants:
        flags.append(f"somme des voix ({fr_int(int(votes.sum()))}) > votants ({fr_int(votants)})")
    counted, total_b = _val(rows, "bureaux_counted"), _val(rows, "bureaux_total")
    if counted is not None and total_b is not None and counted > total_b:
        flags.append(f"bureaux dépouillés ({fr_int(counted)}) > total ({fr_int(total_b)})")
    return flags


def _opt(rows: pd.DataFrame, field: str) -> float | None:
    if field not in rows:
        return None
    value = rows[field].iloc[0]
    return None if pd.isna(value) else float(value)


def check_turnout(rows: pd.DataFrame) -> list[str]:
    """Schema 2's turnout block: abstentions = inscrits − votants, votants ≤ inscrits,
    participation_pct = votants / inscrits (to rounding), counted_pct within 0–100 with its
    unit. Each flag names its field."""
    flags = []
    inscrits, abstentions = _opt(rows, "inscrits"), _opt(rows, "abstentions")
    votants = _val(rows, "votants")
    if inscrits is not None and votants is not None:
        if votants > inscrits:
            flags.append(f"votants : {fr_int(votants)} > inscrits ({fr_int(int(inscrits))})")
        if abstentions is not None and int(abstentions) != int(inscrits) - votants:
            flags.append(
                f"abstentions : {fr_int(int(abstentions))} ≠ inscrits − votants "
                f"({fr_int(int(inscrits) - votants)})"
            )
    rate = _opt(rows, "participation_pct")
    if rate is not None:
        if not 0 <= rate <= 100:
            flags.append(f"participation_pct : {fr_pct(rate)} hors de 0–100 %")
        elif inscrits and votants is not None:
            computed = 100.0 * votants / inscrits
            if abs(computed - rate) > RATE_TOLERANCE:
                flags.append(
                    f"participation_pct : {fr_pct(rate)} publiée ≠ {fr_pct(computed)} "
                    "recalculée (votants / inscrits)"
                )
    counted = _opt(rows, "counted_pct")
    if counted is not None:
        if not 0 <= counted <= 100:
            flags.append(f"counted_pct : {fr_pct(counted)} hors de 0–100 %")
        unit = rows["counted_unit"].iloc[0] if "counted_unit" in rows else None
        if not isinstance(unit, str) or not unit:
            flags.append("counted_unit : manquant (bureaux ou inscrits) pour counted_pct")
    return flags


def check_area(level: str, code: str, areas: dict[str, dict[str, str]] | None) -> list[str]:
    """An area's level must be one the model knows, and its code one of the election's
    areas.csv for that level (when the election lists its areas)."""
    from dashboard.model import AREA_LEVELS

    if level not in AREA_LEVELS:
        return [f"area_level : niveau inconnu {level!r} (au choix : {', '.join(AREA_LEVELS)})"]
    if areas is not None and level in areas and code not in areas[level]:
        return [f"area_code : code {code!r} inconnu pour le niveau {LEVEL_FR[level]} (areas.csv)"]
    return []


def check_shares(rows: pd.DataFrame) -> list[str]:
    flags = []
    base = rows["share_base"].iloc[0]
    base_total = _val(rows, base)
    label = "exprimés" if base == "exprimes" else "votants"
    if base_total:
        for cand, votes, pub in zip(
            rows["candidate_id"], rows["votes"], rows["share_published"], strict=True
        ):
            if pd.isna(votes) or pd.isna(pub):
                continue
            computed = 100.0 * int(votes) / base_total
            if abs(computed - float(pub)) > SHARE_TOLERANCE + 0.005:
                flags.append(
                    f"{cand} : part publiée {fr_pct(float(pub))} ≠ {fr_pct(computed)} "
                    f"recalculée sur les {label}"
                )
    shares = rows["share_published"]
    if shares.notna().all() and len(shares):
        total = float(shares.sum())
        extra, complete = 0.0, base == "exprimes"
        if base == "votants":
            blancs, nuls = _val(rows, "blancs"), _val(rows, "nuls")
            if base_total and blancs is not None and nuls is not None:
                extra, complete = 100.0 * (blancs + nuls) / base_total, True
        if complete and abs(total + extra - 100.0) > SUM_TOLERANCE:
            flags.append(f"la somme des parts fait {fr_pct(total + extra)} sur les {label}")
        elif not complete and total > 100.0 + SUM_TOLERANCE:
            flags.append(f"la somme des parts dépasse 100 % ({fr_pct(total)})")
    return flags


def check_candidates(
    rows: pd.DataFrame, *, known: Iterable[str], expected: Iterable[str]
) -> list[str]:
    flags = []
    ids = list(rows["candidate_id"])
    seen = set()
    for cand in ids:
        if cand in seen:
            flags.append(f"candidat en double : {cand}")
        seen.add(cand)
    known = set(known)
    for cand in ids:
        if cand not in known:
            flags.append(f"candidat inconnu : {cand}")
    for cand in sorted(set(expected) - seen):
        flags.append(f"candidat manquant : {cand}")
    return flags


def check_progress(rows: pd.DataFrame, previous: pd.DataFrame | None) -> list[str]:
    """A newer snapshot of the same round and kind must not count fewer bureaux or votants."""
    if previous is None or previous.empty:
        return []
    flags = []
    for field, label in (("bureaux_counted", "bureaux dépouillés"), ("votants", "votants")):
        now, before = _val(rows, field), _val(previous, field)
        if now is not None and before is not None and now < before:
            when = pd.Timestamp(previous["as_of"].iloc[0]).strftime("%d/%m %H:%M")
            flags.append(f"{label} en baisse : {fr_int(now)} contre {fr_int(before)} au {when}")
    return flags


def validate_snapshot(
    rows: pd.DataFrame,
    *,
    known: Iterable[str],
    expected: Iterable[str] = (),
    previous: pd.DataFrame | None = None,
) -> list[str]:
    """Every rule on one snapshot; an empty list means valid."""
    return (
        check_counts(rows)
        + check_totals(rows)
        + check_shares(rows)
        + check_turnout(rows)
        + check_candidates(rows, known=known, expected=expected)
        + check_progress(rows, previous)
    )
