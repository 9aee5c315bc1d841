"""Read the hand-written source files of data/ (candidates.csv, results.csv) into model rows.

Every problem is a SourceError naming the file, the row (header = row 1) and the field, so an
editor can fix the file at once. Nothing is written here: `results.record_snapshots` stores.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pandas as pd

from dashboard.errors import SourceError
from dashboard.fr import parse_count, parse_share
from dashboard.inputs import read_text, rows_of_csv
from dashboard.model import (
    AREA_FIELDS,
    CANDIDATES,
    KINDS,
    RESULTS,
    SHARE_BASES,
    STATUSES,
    normalise_value,
    parse_time,
)

RESULT_COLUMNS = [f.name for f in RESULTS if f.name not in ("flags", "recorded_at")]
# Schema 2's columns may be absent from a results.csv written before it (empty = not given).
OPTIONAL_RESULT_COLUMNS = (
    "authority",
    "counted_pct",
    "counted_unit",
    "inscrits",
    "abstentions",
    "participation_pct",
    "scope",
    *AREA_FIELDS,
)
REQUIRED_RESULT_COLUMNS = [c for c in RESULT_COLUMNS if c not in OPTIONAL_RESULT_COLUMNS]
CANDIDATE_COLUMNS = CANDIDATES.names
OPTIONAL_CANDIDATE_COLUMNS = ("gender", "short_name")


def _choice(options: tuple[str, ...]) -> Callable[[str], str]:
    def parse(value: str) -> str:
        if value not in options:
            raise ValueError(f"{value!r} is not one of {', '.join(options)}")
        return value

    return parse


def _required(value: str) -> str:
    if not value:
        raise ValueError("required")
    return value


def _round(value: str) -> int:
    number = parse_count(value)
    if not number:
        raise ValueError(f"a round is a whole number ≥ 1: {value!r}")
    return number


def _pct(value: str) -> float | None:
    share = parse_share(value)
    if share is not None and not 0 <= share <= 100:
        raise ValueError(f"un pourcentage est entre 0 et 100, pas {value!r}")
    return share


def _value_of(field: str) -> Callable[[str], str | None]:
    return lambda v: normalise_value(field, v)


PARSERS: dict[str, Callable[[str], Any]] = {
    "election_id": _required,
    "round": _round,
    "snapshot_id": _required,
    "as_of": lambda v: parse_time(_required(v)),
    "status": _choice(STATUSES),
    "kind": _choice(KINDS),
    "bureaux_counted": parse_count,
    "bureaux_total": parse_count,
    "votants": parse_count,
    "exprimes": parse_count,
    "blancs": parse_count,
    "nuls": parse_count,
    "candidate_id": _required,
    "votes": parse_count,
    "share_published": parse_share,
    "share_base": _choice(SHARE_BASES),
    "source_url": _required,
    "note": lambda v: v or None,
    "authority": lambda v: v or None,
    "counted_pct": _pct,
    "counted_unit": _value_of("counted_unit"),
    "inscrits": parse_count,
    "abstentions": parse_count,
    "participation_pct": _pct,
    "scope": lambda v: v or None,
    "area_level": _value_of("area_level"),
    "area_code": lambda v: v or None,
    "area_name": lambda v: v or None,
}
# The same in every row of one (snapshot, area): all but the candidate's own fields.
SNAPSHOT_LEVEL = [
    c for c in RESULT_COLUMNS if c not in ("candidate_id", "votes", "share_published")
]


# Fields the whole snapshot shares, whatever the area.
SNAPSHOT_WIDE = (
    "election_id",
    "round",
    "as_of",
    "status",
    "kind",
    "authority",
    "share_base",
    "source_url",
)


def parse_results_csv(path: Path, text: str | None = None) -> pd.DataFrame:
    """results.csv → long-format rows (flags empty) plus a `_row` column (first CSV row)."""
    text = read_text(path) if text is None else text
    recorded = datetime.now(tz=UTC)
    records = []
    first_row: dict[tuple[str, str], int] = {}
    snapshot_fields: dict[tuple[str, str], dict[str, Any]] = {}
    first_row_of: dict[str, int] = {}
    snapshot_level: dict[str, dict[str, Any]] = {}
    seen: dict[tuple[str, str, str], int] = {}
    for row_no, raw in rows_of_csv(path, text, REQUIRED_RESULT_COLUMNS):
        rec: dict[str, Any] = {}
        for col in RESULT_COLUMNS:
            try:
                rec[col] = PARSERS[col](raw.get(col, ""))
            except (ValueError, SourceError) as exc:
                msg = str(exc).split(": ", 1)[-1] if isinstance(exc, SourceError) else str(exc)
                raise SourceError(msg, path=str(path), row=row_no, field=col) from None
        sid = rec["snapshot_id"]
        if rec["area_level"] is not None and not rec["area_code"]:
            raise SourceError(
                "une ligne de zone a besoin d'un code",
                path=str(path),
                row=row_no,
                field="area_code",
            )
        if rec["area_level"] is None and (rec["area_code"] or rec["area_name"]):
            raise SourceError(
                "un code de zone sans niveau (area_level)",
                path=str(path),
                row=row_no,
                field="area_level",
            )
        area = rec["area_code"] or ""
        key = (sid, area, rec["candidate_id"])
        if key in seen:
            where = f" ({rec['area_level']} {area})" if area else ""
            raise SourceError(
                f"duplicate snapshot row: {sid}{where} / {rec['candidate_id']} already at row "
                f"{seen[key]}",
                path=str(path),
                row=row_no,
            )
        seen[key] = row_no
        level = {c: rec[c] for c in SNAPSHOT_LEVEL}
        group = (sid, area)
        if group in snapshot_fields:
            for col, value in level.items():
                if snapshot_fields[group][col] != value:
                    raise SourceError(
                        f"snapshot {sid} has another value here than at row {first_row[group]}",
                        path=str(path),
                        row=row_no,
                        field=col,
                    )
        else:
            snapshot_fields[group], first_row[group] = level, row_no
            if sid not in first_row_of:
                first_row_of[sid], snapshot_level[sid] = row_no, level
            else:  # every area of a snapshot shares its time, status, source…
                for col in SNAPSHOT_WIDE:
                    if snapshot_level[sid][col] != level[col]:
                        raise SourceError(
                            f"snapshot {sid} has another value here than at row "
                            f"{first_row_of[sid]}",
                            path=str(path),
                            row=row_no,
                            field=col,
                        )
        rec["flags"], rec["recorded_at"], rec["_row"] = [], recorded, first_row_of[sid]
        records.append(rec)
    # Two snapshot ids for the same moment of the same round are one figure entered twice.
    by_moment: dict[tuple[Any, ...], str] = {}
    for sid, level in snapshot_level.items():
        moment = (level["election_id"], level["round"], level["kind"], level["as_of"])
        if moment in by_moment:
            raise SourceError(
                f"duplicate snapshot: {sid} and {by_moment[moment]} are both round "
                f"{level['round']} at {level['as_of']:%d/%m/%Y %H:%M}",
                path=str(path),
                row=first_row_of[sid],
                field="as_of",
            )
        by_moment[moment] = sid
    return pd.DataFrame.from_records(records)


def parse_candidates_csv(path: Path) -> pd.DataFrame:
    text = read_text(path)
    records = []
    seen: dict[tuple[str, str], int] = {}
    required = [c for c in CANDIDATE_COLUMNS if c not in OPTIONAL_CANDIDATE_COLUMNS]
    for row_no, raw in rows_of_csv(path, text, required):
        for col in ("election_id", "candidate_id", "name", "colour"):
            if not raw[col]:
                raise SourceError("required", path=str(path), row=row_no, field=col)
        colour = raw["colour"]
        if not (colour.startswith("#") and len(colour) in (4, 7)):
            raise SourceError(
                f"a colour is #rrggbb, got {colour!r}", path=str(path), row=row_no, field="colour"
            )
        try:
            order = parse_count(raw["display_order"])
        except ValueError as exc:
            raise SourceError(str(exc), path=str(path), row=row_no, field="display_order") from None
        key = (raw["election_id"], raw["candidate_id"])
        if key in seen:
            raise SourceError(
                f"duplicate candidate {raw['candidate_id']} (row {seen[key]})",
                path=str(path),
                row=row_no,
            )
        seen[key] = row_no
        try:
            gender = normalise_value("gender", raw.get("gender", ""))
        except ValueError as exc:
            raise SourceError(str(exc), path=str(path), row=row_no, field="gender") from None
        records.append(
            {
                **{c: raw.get(c, "") for c in CANDIDATE_COLUMNS},
                "display_order": order or 0,
                "gender": gender,
                "short_name": raw.get("short_name") or None,
            }
        )
    return pd.DataFrame.from_records(records)
