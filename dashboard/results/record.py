"""The one path by which results snapshots enter the store: validate, then append.

Used by `data build` (source files), the feed watcher and the newsroom desk. Snapshots are
immutable: the same snapshot again is a no-op, the same id with other figures is refused
(a correction is a new snapshot with status `corrected`), and a snapshot that fails a rule
is either refused (strict) or stored flagged with its reasons — never silently dropped.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow as pa

from dashboard.election import Election, load_election
from dashboard.errors import SourceError, ValidationError
from dashboard.model import (
    AREA_FIELDS,
    CANDIDATES,
    MARK_LABELS,
    MARKS,
    RESULTS,
    is_national,
    to_table,
)
from dashboard.results import validate
from dashboard.results.query import is_valid
from dashboard.results.sources import RESULT_COLUMNS, parse_candidates_csv, parse_results_csv
from dashboard.store import Store

MARKS_TABLE = "snapshot_marks"  # desk marks: corrected / superseded / withdrawn / active
FIGURE_COLUMNS = [c for c in RESULT_COLUMNS if c not in ("note", "source_url")]


@dataclass
class RecordReport:
    added: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    flagged: dict[str, list[str]] = field(default_factory=dict)
    # Where each snapshot was read (file, first row), for messages naming them.
    origins: dict[str, tuple[str, int | None]] = field(default_factory=dict)

    def summary(self) -> str:
        parts = [f"{len(self.added)} snapshot(s) added", f"{len(self.unchanged)} unchanged"]
        if self.flagged:
            parts.append(f"{len(self.flagged)} flagged")
        return ", ".join(parts)


def _figures(rows: pd.DataFrame) -> list[tuple]:
    cols = rows[FIGURE_COLUMNS].sort_values("candidate_id")
    out = []
    for rec in cols.itertuples(index=False):
        out.append(tuple(None if pd.isna(v) else v for v in rec))
    return out


def _same_figures(a: pd.DataFrame, b: pd.DataFrame) -> bool:
    a = a.assign(as_of=pd.to_datetime(a["as_of"]).dt.tz_convert("UTC"))
    b = b.assign(as_of=pd.to_datetime(b["as_of"]).dt.tz_convert("UTC"))
    return _figures(a) == _figures(b)


def check_plausible(new: pd.DataFrame, election: Election, *, where: str = "") -> None:
    """Refuse (SourceError) a snapshot that cannot be `election`'s: a round it does not have,
    or a date outside its round's window (`Election.window`). Judged before any rule, by
    every path that stores or validates, so `results validate` refuses what fetch would."""
    for sid, rows in new.groupby("snapshot_id", sort=False):
        first = rows.iloc[0]
        number = int(first["round"])
        moment = pd.Timestamp(first["as_of"]).to_pydatetime()
        reason = election.implausible(moment, number)
        if reason is not None:
            known = number in {r.number for r in election.rounds}
            row = int(first["_row"]) if "_row" in rows and not pd.isna(first["_row"]) else None
            raise SourceError(
                f"snapshot {sid}: {reason}",
                path=where or None,
                row=row,
                field="as_of" if known else "round",
            )


def check_snapshots(
    new: pd.DataFrame,
    existing: pd.DataFrame,
    known_candidates: set[str],
    *,
    where: str = "",
    election: Election | None = None,
    areas: dict[str, dict[str, str]] | None = None,
) -> tuple[RecordReport, pd.DataFrame]:
    """Validate `new` against what is stored. Returns the report and the rows to append
    (with their flags set). Raises SourceError for an id stored with other figures, and
    (given `election`) for a snapshot that cannot be that election's (`check_plausible`).
    The national rows of a snapshot get every rule; each of its areas (`area_code`) gets the
    rules of one snapshot (totals, shares, turnout) and its level and code checked against
    `areas` (level → code → name, the election's areas.csv) when given."""
    report = RecordReport()
    new = new.copy()
    new["as_of"] = pd.to_datetime(new["as_of"])
    if election is not None:
        check_plausible(new, election, where=where)
    existing = existing.copy()
    order = new.groupby("snapshot_id", sort=False)["as_of"].first().sort_values()
    accepted: list[pd.DataFrame] = []
    history = existing
    for sid in order.index:
        rows = new[new["snapshot_id"] == sid]
        if "_file" in rows and "_row" in rows:
            report.origins[str(sid)] = (str(rows["_file"].iloc[0]), int(rows["_row"].iloc[0]))
        rows = rows.drop(columns=["_row", "_file"], errors="ignore")
        stored = existing[existing["snapshot_id"] == sid]
        if not stored.empty:
            if _same_figures(stored, rows):
                report.unchanged.append(sid)
                continue
            row = new.loc[new["snapshot_id"] == sid, "_row"].iloc[0] if "_row" in new else None
            raise SourceError(
                f"snapshot {sid} is already stored with other figures; "
                "record a correction as a new snapshot with status 'corrected'",
                path=report.origins.get(str(sid), (where,))[0] or None,
                row=None if row is None else int(row),
                field="snapshot_id",
            )
        national = rows.loc[is_national(rows)]
        area_flags = _area_flags(rows.loc[~is_national(rows)], known_candidates, areas)
        flags = area_flags if national.empty else None  # areas only: each on its own rules
        if flags is None:
            flags = _national_flags(national, new, history, known_candidates) + area_flags
        rows = rows.assign(flags=[list(flags)] * len(rows))
        if flags:
            report.flagged[sid] = flags
        report.added.append(sid)
        accepted.append(rows)
        history = pd.concat([history, rows], ignore_index=True) if len(history) else rows
    to_add = pd.concat(accepted, ignore_index=True) if accepted else new.iloc[0:0]
    return report, to_add


def _national_flags(
    national: pd.DataFrame, new: pd.DataFrame, history: pd.DataFrame, known_candidates: set[str]
) -> list[str]:
    """Every rule on a snapshot's national rows, against the stored (and new) history of its
    round: the candidates expected, the previous snapshot of the same kind."""
    first = national.iloc[0]
    same_round = history[
        (history["election_id"] == first["election_id"]) & (history["round"] == first["round"])
    ]
    valid = same_round.loc[is_valid(same_round)]
    expected = set(valid["candidate_id"]) | set(
        new.loc[
            (new["election_id"] == first["election_id"]) & (new["round"] == first["round"]),
            "candidate_id",
        ]
    )
    valid = valid.loc[is_national(valid)]
    earlier = valid[(valid["kind"] == first["kind"]) & (valid["as_of"] < first["as_of"])]
    previous = None
    if not earlier.empty:
        last = earlier["as_of"].max()
        previous = earlier[earlier["as_of"] == last]
    return validate.validate_snapshot(
        national.reset_index(drop=True),
        known=known_candidates,
        expected=expected,
        previous=previous,
    )


def _area_flags(
    rows: pd.DataFrame, known: set[str], areas: dict[str, dict[str, str]] | None
) -> list[str]:
    """The rules of one snapshot on each area's rows, each flag naming its area."""
    flags = []
    for (level, code), group in rows.groupby(["area_level", "area_code"], sort=False):
        name = group["area_name"].iloc[0]
        label = f"{validate.LEVEL_FR.get(str(level), level)} {code}" + (
            f" ({name})" if isinstance(name, str) and name else ""
        )
        found = validate.check_area(str(level), str(code), areas)
        found += validate.validate_snapshot(group.reset_index(drop=True), known=known)
        flags += [f"{label} : {flag}" for flag in found]
    return flags


SequenceRule = Callable[[pd.DataFrame, pd.DataFrame], list[str]]


def record_snapshots(
    store: Store,
    new: pd.DataFrame,
    candidates: pd.DataFrame,
    *,
    allow_flagged: bool,
    where: str = "",
    sequence_rules: SequenceRule | None = None,
    election: Election | None = None,
    areas: dict[str, dict[str, str]] | None = None,
) -> RecordReport:
    """Validate and append snapshots in one atomic write; nothing is written on refusal.

    The one write path of results: `data build`, the feed watcher and the desk all call it.
    `sequence_rules(rows, stored)` adds flags that need the stored history (the feed's
    "older than the latest of its round"), read under the same lock."""
    with store.lock():
        existing = store.read_df("results", RESULTS)
        known = set(candidates["candidate_id"])
        report, to_add = check_snapshots(
            new, existing, known, where=where, election=election, areas=areas
        )
        if sequence_rules is not None and not to_add.empty:
            to_add = _add_sequence_flags(report, to_add, existing, sequence_rules)
        if report.flagged and not allow_flagged:
            problems = [
                f"Relevé {sid} : {flag}" for sid, flags in report.flagged.items() for flag in flags
            ]
            prefix = f"{where} : " if where else ""
            first = next(iter(report.flagged))
            if first in report.origins:  # read from a file: name it and the snapshot's row
                prefix = "{}, row {} : ".format(*report.origins[first])
            raise ValidationError(
                f"{prefix}{' ; '.join(problems)} — rien n'a été enregistré", problems=problems
            )
        if not to_add.empty:
            table = to_table(to_add.drop(columns=["_row", "_file"], errors="ignore"), RESULTS)
            combined = pa.concat_tables([store.read("results", RESULTS), table])
            store.replace("results", combined, RESULTS)
    return report


def _add_sequence_flags(
    report: RecordReport, to_add: pd.DataFrame, existing: pd.DataFrame, rules: SequenceRule
) -> pd.DataFrame:
    parts = []
    for sid, rows in to_add.groupby("snapshot_id", sort=False):
        extra = rules(rows, existing)
        if extra:
            flags = [*report.flagged.get(str(sid), []), *extra]
            report.flagged[str(sid)] = flags
            rows = rows.assign(flags=[list(flags)] * len(rows))
        parts.append(rows)
    return pd.concat(parts, ignore_index=True)


# The results files of an election's folder, read in this order: results.csv (hand-written
# or generated), then night.csv (the election night's turnout and partial counts) if present.
RESULT_FILES = ("results.csv", "night.csv")


def load_sources(data_dir: Path) -> tuple[pd.DataFrame, pd.DataFrame]:
    """candidates.csv and the results files of `data_dir` (RESULT_FILES), parsed (raises
    SourceError naming file, row and field) — every file read before anything is stored."""
    candidates = parse_candidates_csv(Path(data_dir) / "candidates.csv")
    parts = []
    for name in RESULT_FILES:
        path = Path(data_dir) / name
        if name == RESULT_FILES[0] or path.exists():
            parts.append(parse_results_csv(path).assign(_file=str(path)))
    results = pd.concat(parts, ignore_index=True) if len(parts) > 1 else parts[0]
    _check_moments(results)
    return candidates, results


def _check_moments(rows: pd.DataFrame) -> None:
    """A snapshot id in two files, or two ids for the same moment across files, is one
    figure entered twice (each file alone is checked by parse_results_csv)."""
    firsts = rows.drop_duplicates("snapshot_id")
    files = rows.groupby("snapshot_id")["_file"].nunique()
    for sid, count in files.items():
        if count > 1:
            where = rows[rows["snapshot_id"] == sid].drop_duplicates("_file").iloc[-1]
            raise SourceError(
                f"snapshot {sid} is also in another file",
                path=str(where["_file"]),
                row=int(where["_row"]),
                field="snapshot_id",
            )
    moment = firsts.duplicated(["election_id", "round", "kind", "as_of"], keep="first")
    if moment.any():
        dup = firsts[moment].iloc[0]
        raise SourceError(
            f"duplicate snapshot: {dup['snapshot_id']} is round {dup['round']} at "
            f"{dup['as_of']:%d/%m/%Y %H:%M} as another snapshot",
            path=str(dup["_file"]),
            row=int(dup["_row"]),
            field="as_of",
        )


def load_areas(data_dir: Path) -> dict[str, dict[str, str]] | None:
    """The election's areas.csv (`area_level, area_code, area_name`) as level → code → name;
    None when the election lists no areas (then codes are not checked)."""
    path = Path(data_dir) / "areas.csv"
    if not path.exists():
        return None
    from dashboard.inputs import read_text, rows_of_csv

    out: dict[str, dict[str, str]] = {}
    for _row, raw in rows_of_csv(path, read_text(path), list(AREA_FIELDS)):
        out.setdefault(raw["area_level"], {})[raw["area_code"]] = raw["area_name"]
    return out


def _check_election_ids(rows: pd.DataFrame, election_id: str, where: Path) -> None:
    """A row of results.csv for another election than the folder's is a copy-paste slip."""
    other = rows[rows["election_id"] != election_id]
    if not other.empty:
        first = other.iloc[0]
        raise SourceError(
            f"{first['election_id']!r} n'est pas l'élection de election.toml ({election_id!r})",
            path=str(first.get("_file", where)),
            row=int(first["_row"]),
            field="election_id",
        )


def build_store(data_dir: Path, store: Store, *, allow_flagged: bool = False) -> RecordReport:
    """`data build`: the source files of data/ → the Parquet store (idempotent), in one
    transaction: a file refused (results.csv, night.csv, a ministry file) stores nothing."""
    with store.transaction():
        return _build(data_dir, store, allow_flagged=allow_flagged)


def _build(data_dir: Path, store: Store, *, allow_flagged: bool) -> RecordReport:
    from dashboard.results.verdict import MINISTRY_SOURCES, build_ministry

    where = Path(data_dir) / "results.csv"
    election = load_election(Path(data_dir) / "election.toml")
    if where.exists() or not (Path(data_dir) / MINISTRY_SOURCES).exists():
        candidates, results = load_sources(data_dir)
        _check_election_ids(results, election.id, where)
        report = record_snapshots(
            store,
            results,
            candidates,
            allow_flagged=allow_flagged,
            where=str(where),
            election=election,
            areas=load_areas(data_dir),
        )
    else:  # an election shipped from the ministry's files alone
        candidates, report = parse_candidates_csv(Path(data_dir) / "candidates.csv"), RecordReport()
    # Then the ministry's own files listed in data/ministry.toml, if any (same decision as
    # the feed's, in any order).
    election_id = election.id
    added, unchanged, flagged = build_ministry(
        store, data_dir, candidates, election_id, allow_flagged=allow_flagged
    )
    report.added += added
    report.unchanged += unchanged
    report.flagged.update(flagged)
    store.replace("candidates", to_table(candidates, CANDIDATES), CANDIDATES)
    return report


def validate_source(
    path: Path,
    candidates: pd.DataFrame,
    *,
    election: Election | None = None,
    text: str | None = None,
) -> dict[str, list[str]]:
    """Flags of every snapshot of a results source file, checked on its own (nothing stored).
    Raises SourceError for what `data build` would refuse (see `check_snapshots`)."""
    rows = parse_results_csv(Path(path), text)
    empty = rows.iloc[0:0].drop(columns=["_row", "_file"], errors="ignore")
    known = set(candidates["candidate_id"])
    report, _ = check_snapshots(rows, empty, known, where=str(path), election=election)
    return report.flagged


def current_marks(store: Store) -> dict[str, dict[str, Any]]:
    """The latest mark of each snapshot."""
    latest: dict[str, dict[str, Any]] = {}
    for row in store.read(MARKS_TABLE, MARKS).to_pylist():
        latest[row["snapshot_id"]] = row
    return latest


def apply_marks(results: pd.DataFrame, marks: dict[str, dict[str, Any]]) -> pd.DataFrame:
    """Snapshots marked corrected/superseded/withdrawn get a flag, so they are never current."""
    if not marks:
        return results
    extra = {
        sid: f"marqué « {MARK_LABELS[m['mark']]} » : {m['reason'] or 'sans motif'}"
        for sid, m in marks.items()
        if m["mark"] in MARK_LABELS
    }
    if not extra:
        return results
    out = results.copy()
    out["flags"] = [
        list(f if f is not None else []) + ([extra[s]] if s in extra else [])
        for f, s in zip(out["flags"], out["snapshot_id"], strict=True)
    ]
    return out
