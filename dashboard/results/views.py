"""Read-side views shared by the CLI and the app: the current document, text tables.

Pure (no streamlit): takes a Store and the data folder, returns plain values.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any

import pandas as pd

from dashboard.election import Election, load_election
from dashboard.errors import DashboardError
from dashboard.fr import BASE_FR, PARIS, bureaux_text, fr_int, fr_pct, status_fr
from dashboard.model import CANDIDATES, RESULTS, is_national, snapshot_document
from dashboard.results import query
from dashboard.results.embargo import clock_now, hide_document
from dashboard.results.record import apply_marks, current_marks
from dashboard.store import Store


def _read_results(store: Store) -> pd.DataFrame:
    results = store.read_df("results", RESULTS)
    if results.empty:
        raise DashboardError(
            f"no results in {store.root}; run `python -m dashboard data build` first"
        )
    results["as_of"] = pd.to_datetime(results["as_of"]).dt.tz_convert(PARIS)
    return apply_marks(results, current_marks(store))


def load_results(store: Store) -> pd.DataFrame:
    """The national rows of every snapshot (the rows without an area), marks applied."""
    results = _read_results(store)
    return results.loc[is_national(results)].reset_index(drop=True)


def load_area_results(store: Store) -> pd.DataFrame:
    """The rows of areas (départements, régions…) of every snapshot, marks applied; empty
    (same columns) when the election has none. `query.area_snapshot` picks a moment's."""
    results = store.read_df("results", RESULTS)
    if results.empty:
        return results
    results["as_of"] = pd.to_datetime(results["as_of"]).dt.tz_convert(PARIS)
    areas = results.loc[~is_national(results)].reset_index(drop=True)
    return apply_marks(areas, current_marks(store)) if not areas.empty else areas


def load_candidates(store: Store) -> pd.DataFrame:
    return store.read_df("candidates", CANDIDATES)


def resolve(
    election: Election, round_: int | None, at: str | datetime | None
) -> tuple[int, datetime | None]:
    number = round_ if round_ is not None else max(r.number for r in election.rounds)
    election.round(number)  # raises for an unknown round
    if at is None or isinstance(at, datetime):
        return number, at
    return number, election.resolve_at(number, at)


def results_document(
    store: Store, data_dir: Path, *, round_: int | None = None, at: str | None = None
) -> dict[str, Any]:
    """The feed document (schema 1) of the snapshot current at `at` (default: latest)."""
    election = load_election(Path(data_dir) / "election.toml")
    number, when = resolve(election, round_, at)
    results = load_results(store)
    results = results[results["election_id"] == election.id]
    sid = query.current_snapshot_id(results, number, when)
    if sid is None:
        moment = f" at {when:%d/%m/%Y %H:%M}" if when else ""
        raise DashboardError(f"no valid snapshot for round {number}{moment}")
    doc = feed_document(query.snapshot_rows(results, sid), load_candidates(store), election)
    return hide_document(doc, election, clock_now(store.root))


def feed_document(
    rows: pd.DataFrame, candidates: pd.DataFrame, election: Election
) -> dict[str, Any]:
    """The feed document (schema 2) of one snapshot's rows as every surface publishes it:
    `authority` is the snapshot's, else the organiser of election.toml."""
    doc = snapshot_document(rows, candidates)
    doc["authority"] = doc.get("authority") or election.organiser
    return doc


def results_text(doc: dict[str, Any]) -> str:
    """A feed document as a French text table for the terminal."""
    as_of = datetime.fromisoformat(doc["as_of"])
    status = status_fr(doc["status"])
    bureaux = bureaux_text(doc["bureaux_counted"], doc["bureaux_total"])
    lines = [
        f"{doc['election']} — tour {doc['round']} — {status}, au {as_of:%d/%m/%Y à %H:%M}",
        f"Bureaux : {bureaux}",
        f"Votants : {fr_int(doc['votants'])}   Exprimés : {fr_int(doc['exprimes'])}   "
        f"Blancs : {fr_int(doc['blancs'])}   Nuls : {fr_int(doc['nuls'])}",
        "",
        f"{'Candidat':<24}{'Voix':>12}  % {BASE_FR[doc['share_base']]}",
    ]
    if doc.get("embargo"):
        until = doc["embargo"].get("until")
        when = f" jusqu'à {datetime.fromisoformat(until):%H:%M}" if until else ""
        lines.insert(-2, f"Sous embargo{when} : voix et parts des candidats masquées")
    for cand in sorted(doc["candidates"], key=lambda c: -(c["share"] or -1)):
        lines.append(f"{cand['name']:<24}{fr_int(cand['votes']):>12}  {fr_pct(cand['share'])}")
    lines += ["", f"Source : {doc['source_url']}"]
    if doc.get("flags"):
        lines.append("Alertes : " + " ; ".join(doc["flags"]))
    return "\n".join(lines)


def validate_path(
    path: Path,
    data_dir: Path,
    *,
    store: Store,
    as_of: datetime | None = None,
    round_: int | None = None,
) -> tuple[list[str], bool]:
    """What `results validate PATH` prints, and whether all is well (exit 0).

    A results source file of data/ (comma CSV with `snapshot_id`) is checked on its own, as
    `data build` does. Any other payload — a schema-1 JSON document, the ministry-style CSV,
    a ministry wide file or XML document — gets the verdict `results fetch` would give it now:
    the same `results.verdict.decide`, against the store as it is (read, never written).
    Malformed input raises a DashboardError (one line).
    """
    from dashboard.inputs import input_name, read_input, utf8_text
    from dashboard.results import verdict as judged
    from dashboard.results.documents import detect_format
    from dashboard.results.record import validate_source
    from dashboard.results.sources import parse_candidates_csv

    path = Path(path)
    where = input_name(str(path))  # « entrée standard » for "-"
    candidates = parse_candidates_csv(Path(data_dir) / "candidates.csv")
    election = load_election(Path(data_dir) / "election.toml")
    payload = read_input(str(path))
    fmt = detect_format(payload, name=path.name)
    first_line = payload.lstrip(b"\xef\xbb\xbf").split(b"\n", 1)[0]
    if fmt == "csv" and b"snapshot_id" in first_line.split(b";")[0]:
        # The comma-separated source file of data/ (one or many snapshots).
        text = utf8_text(payload, where)
        flagged = validate_source(Path(where), candidates, election=election, text=text)
        lines = [
            f"{where}: snapshot {sid}: {reason}"
            for sid, reasons in flagged.items()
            for reason in reasons
        ]
        return (lines or [f"{where}: ok"]), not flagged
    election_id = election.id
    read = judged.read_payload(
        payload,
        candidates=candidates,
        source=where,
        election_id=election_id,
        name=path.name,
        as_of=as_of,
        round_=round_,
    )
    if read.index is not None:
        return [
            f"{where}: index du flux XML du ministère ({read.index.summary()}) — "
            "`results watch` le suit jusqu'au document national FE.xml à côté"
        ], True
    verdicts = judged.record(
        store,
        read.documents,
        candidates=candidates,
        election_id=election_id,
        where=where,
        write=False,
        election=election,
    )
    lines = [f"{where}: {v.label} — {v.text()}" for v in verdicts]
    areas = [v for v in verdicts if v.outcome == judged.CHECKED]
    if areas:
        lines.append(
            f"{where}: {judged.areas_count(areas)} — ne serait pas enregistré : "
            f"{judged.AREAS_NOT_STORED}"
        )
    return lines, all(v.ok for v in verdicts)
