"""Feed payloads → results rows: the JSON feed document (schema 1) and the ministry-style CSV.

Pure: takes the payload bytes (never a URL or a path) and the candidates table, returns the
feed document and its long-format rows. Every problem is a FeedError with one line naming
the source and what is wrong; consistency (totals, shares) is not judged here but by
`dashboard.results.validate`, so a well-formed but inconsistent document parses fine and is flagged
when recorded.

Ministry CSV layout (one row per candidate, `;` separated, Windows-1252/Latin-1, decimal
comma; header names are matched case-, space- and accent-insensitively, through model.RENAME):

    Tour;Date;Heure;Statut;Bureaux dépouillés;Nombre de bureaux;Inscrits;Votants;Blancs;Nuls;
    Exprimés;Nom;Prénom;Voix;% Voix/Exp

Required: Tour, Date (dd/mm/yyyy), Heure (HH:MM[:SS], Paris time), Nom. Optional: Élection
(default: the caller's election), Statut (partiel | corrigé | définitif, default partiel),
Prénom, the counts, Voix, % Voix/Exp (shares on exprimés). Snapshot-level columns repeat on
every row and must agree. Other columns (Inscrits, % Vot/Ins, …) are read and ignored.
"""

from __future__ import annotations

import csv
import io
import json
import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import pandas as pd

from dashboard.errors import FeedError, ParseError, SourceError
from dashboard.fr import PARIS, fold, parse_count, parse_share, slugify, status_fr
from dashboard.inputs import decode_text, load_json
from dashboard.model import (
    COUNT_FIELDS,
    DOCUMENT_SCHEMA_VERSION,
    FIRST_YEAR,
    LAST_YEAR,
    READ_SCHEMAS,
    RENAME,
    document_rows,
)
from dashboard.model import normalise_name as _rename

JSON_TYPES = ("application/json", "text/json")
CSV_TYPES = (
    "text/csv",
    "application/csv",
    "text/comma-separated-values",
    "application/vnd.ms-excel",
)

STATUS_WORDS = {
    "partiel": "partial",
    "partial": "partial",
    "provisoire": "partial",
    "corrige": "corrected",
    "corrected": "corrected",
    "definitif": "definitive",
    "definitive": "definitive",
    "final": "definitive",
}

_SNAPSHOT_COLUMNS = ("election", "round", "date", "time", "status", *COUNT_FIELDS)
_REQUIRED = {"round": "Tour", "date": "Date", "time": "Heure", "last_name": "Nom"}
_CSV_HEADER = {
    "round": "Tour",
    "date": "Date",
    "time": "Heure",
    "status": "Statut",
    "bureaux_counted": "Bureaux dépouillés",
    "bureaux_total": "Nombre de bureaux",
    "votants": "Votants",
    "blancs": "Blancs",
    "nuls": "Nuls",
    "exprimes": "Exprimés",
    "last_name": "Nom",
    "votes": "Voix",
    "share_published": "% Voix/Exp",
}


@dataclass(frozen=True)
class FeedDocument:
    """A parsed payload: its format, the schema-1 document and its RESULTS rows."""

    format: str  # "json" | "csv"
    document: dict[str, Any]
    rows: pd.DataFrame

    @property
    def snapshot_id(self) -> str:
        return str(self.rows["snapshot_id"].iloc[0])


def detect_format(payload: bytes, content_type: str = "", name: str = "") -> str:
    """ "json" or "csv": from the Content-Type, else the file name, else the first byte."""
    mime = content_type.split(";", 1)[0].strip().lower()
    if mime in JSON_TYPES or mime.endswith("+json"):
        return "json"
    if mime in CSV_TYPES:
        return "csv"
    lowered = name.lower()
    if lowered.endswith(".json"):
        return "json"
    if lowered.endswith(".csv"):
        return "csv"
    head = payload.lstrip(b"\xef\xbb\xbf \t\r\n")[:1]
    return "json" if head in (b"{", b"[") else "csv"


def parse_feed(
    payload: bytes,
    *,
    candidates: pd.DataFrame,
    source: str,
    election_id: str,
    content_type: str = "",
    name: str = "",
) -> FeedDocument:
    """A feed payload (JSON document or ministry CSV) → FeedDocument. Raises FeedError."""
    fmt = detect_format(payload, content_type, name)
    if fmt == "json":
        doc = parse_json_document(payload, source=source)
    else:
        charset = _charset(content_type)
        doc = ministry_document(
            payload,
            candidates=candidates,
            source=source,
            election_id=election_id,
            encoding=charset,
        )
    return FeedDocument(fmt, doc, _rows(doc, source))


def _rows(doc: dict[str, Any], source: str) -> pd.DataFrame:
    try:
        return document_rows(doc, where=source)
    except SourceError as exc:
        raise FeedError(str(exc)) from exc


def _charset(content_type: str) -> str | None:
    match = re.search(r"charset=\"?([\w.:-]+)", content_type, flags=re.IGNORECASE)
    return match.group(1) if match else None


def parse_json_document(payload: bytes, *, source: str) -> dict[str, Any]:
    """JSON bytes (UTF-8, as RFC 8259 requires) → the document object. Raises FeedError."""
    if not payload.strip():
        raise FeedError(f"{source}: empty payload")
    try:
        text = payload.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise FeedError(f"{source}: a JSON feed must be UTF-8 (byte {exc.start})") from exc
    try:
        doc = load_json(text, where=source)
    except json.JSONDecodeError as exc:
        raise FeedError(
            f"{source}: malformed JSON at line {exc.lineno} column {exc.colno} ({exc.msg})"
        ) from exc
    except ParseError as exc:  # too deep, a 5000-digit number, NaN
        raise FeedError(str(exc)) from None
    if not isinstance(doc, dict):
        raise FeedError(f"{source}: a feed document must be a JSON object")
    if doc.get("schema") not in READ_SCHEMAS or isinstance(doc.get("schema"), bool):
        raise FeedError(
            f"{source}: unsupported 'schema' {repr(doc.get('schema'))[:40]} "
            f"(expected {' or '.join(str(n) for n in READ_SCHEMAS)})"
        )
    return doc


# --- ministry CSV -------------------------------------------------------------------------


_FOLDED_RENAME = {fold(k): v for k, v in RENAME.items()}
_READ = {
    "round",
    "date",
    "time",
    "status",
    "election",
    "last_name",
    "first_name",
    *COUNT_FIELDS,
    "votes",
    "share_published",
}


def _column_key(header: str) -> str:
    """A header cell → our key, through model.RENAME (case-, space- and accent-insensitive)."""
    folded = fold(header)
    return RENAME.get(_rename(header)) or _FOLDED_RENAME.get(folded, folded)


def _as_of(date_text: str, time_text: str) -> datetime:
    for fmt in ("%d/%m/%Y", "%Y-%m-%d"):
        try:
            day = datetime.strptime(date_text.strip(), fmt).date()
            break
        except ValueError:
            continue
    else:
        raise ValueError(f"Date must be dd/mm/yyyy, got {date_text[:40]!r}")
    if not FIRST_YEAR <= day.year <= LAST_YEAR:
        raise ValueError(f"Date out of range: {date_text!r} (years {FIRST_YEAR}–{LAST_YEAR})")
    for fmt in ("%H:%M:%S", "%H:%M", "%Hh%M"):
        try:
            moment = datetime.strptime(time_text.strip(), fmt).time()
            break
        except ValueError:
            continue
    else:
        raise ValueError(f"Heure must be HH:MM or HH:MM:SS, got {time_text!r}")
    return datetime.combine(day, moment, tzinfo=PARIS)


def match_candidate(name: str, candidates: pd.DataFrame) -> str | None:
    """The candidate id for a name as a feed spells it, or None when none or several match.

    Accent- and case-insensitive: the full name ("Benoît Hamon", "HAMON Benoît"), the id
    ("de-rugy"), or a surname alone when only one candidate has it ("HAMON").
    """
    wanted = fold(name)
    if not wanted:
        return None
    ids = list(candidates["candidate_id"].astype(str))
    names = [fold(n) for n in candidates["name"]]
    for cid, full in zip(ids, names, strict=True):
        if wanted in (full, fold(cid)):
            return cid
    words = wanted.split()
    for cid, full in zip(ids, names, strict=True):
        if sorted(words) == sorted(full.split()):
            return cid  # "HAMON Benoît": the ministry puts the surname first
    by_surname = [cid for cid, full in zip(ids, names, strict=True) if full.endswith(" " + wanted)]
    return by_surname[0] if len(by_surname) == 1 else None


def ministry_document(
    payload: bytes,
    *,
    candidates: pd.DataFrame,
    source: str,
    election_id: str,
    encoding: str | None = None,
) -> dict[str, Any]:
    """A ministry-style CSV (layout in the module docstring) → a schema-1 feed document.

    A name matching no candidate keeps a slug of itself as id, so validation flags it
    ("candidat inconnu") instead of the figures being silently dropped.
    """
    text = decode_text(payload, encoding=encoding, where=source)
    if not text.strip():
        raise FeedError(f"{source}: empty payload")
    reader = csv.reader(io.StringIO(text), delimiter=";")
    try:
        header = next(reader)
    except csv.Error as exc:
        raise FeedError(f"{source}: unreadable CSV ({exc})") from exc
    if len(header) < 2:
        raise FeedError(f"{source}: not a ministry CSV (expected ';'-separated columns)")
    keys = [_column_key(h) for h in header]
    missing = [label for key, label in _REQUIRED.items() if key not in keys]
    if "votes" not in keys and "share_published" not in keys:
        missing.append("Voix or % Voix/Exp")
    if missing:
        raise FeedError(f"{source}: row 1: missing column(s): {', '.join(missing)}")
    repeated = sorted(
        {h for h, k in zip(header, keys, strict=True) if k in _READ and keys.count(k) > 1}
    )
    if repeated:
        # The ministry's wide layout repeats Nom/Voix per candidate on one row; we read the
        # long one (one row per candidate), and a silent "last column wins" would lose votes.
        raise FeedError(
            f"{source}: row 1: column(s) {', '.join(repeated)} appear more than once; "
            "the feed CSV has one row per candidate"
        )
    try:
        records = [
            (n, cells) for n, cells in enumerate(reader, start=2) if any(map(str.strip, cells))
        ]
    except csv.Error as exc:
        raise FeedError(f"{source}: unreadable CSV ({exc})") from exc
    level: dict[str, str] | None = None
    level_row = 0
    people: list[tuple[int, dict[str, str]]] = []
    for row_no, cells in records:
        if len(cells) > len(keys):
            raise FeedError(f"{source}: row {row_no}: more fields than the header")
        raw = dict.fromkeys(keys, "")
        for key, cell in zip(keys, cells, strict=False):
            raw[key] = cell.strip()
        this_level = {k: raw.get(k, "") for k in _SNAPSHOT_COLUMNS}
        if level is None:
            level, level_row = this_level, row_no
        for key, value in this_level.items():
            if value != level[key]:
                raise FeedError(
                    f"{source}: row {row_no}: '{_label(header, keys, key)}' is {value!r} here "
                    f"but {level[key]!r} at row {level_row} (one snapshot per file)"
                )
        people.append((row_no, raw))
    if level is None:
        raise FeedError(f"{source}: no data rows")
    election = level["election"] or election_id
    known = (
        candidates[candidates["election_id"] == election]
        if "election_id" in candidates
        else candidates
    )
    entries = [_candidate_entry(source, row_no, raw, known) for row_no, raw in people]
    counts: dict[str, int | None] = {}
    labels = {"round": "Tour", **{k: _label(header, keys, k) for k in COUNT_FIELDS}}
    for key, label in labels.items():
        try:
            counts[key] = parse_count(level[key])
        except ValueError as exc:
            raise FeedError(f"{source}: row {level_row}: field '{label}': {exc}") from None
    round_ = counts.pop("round")
    try:
        as_of = _as_of(level["date"], level["time"])
    except ValueError as exc:
        raise FeedError(f"{source}: row {level_row}: {exc}") from None
    if not round_:
        raise FeedError(f"{source}: row {level_row}: field 'Tour': a round is a number ≥ 1")
    status_word = fold(level["status"]) or "partiel"
    if status_word not in STATUS_WORDS:
        raise FeedError(
            f"{source}: row {level_row}: field 'Statut': {level['status']!r} is not one of "
            "partiel, corrigé, définitif"
        )
    return {
        "schema": DOCUMENT_SCHEMA_VERSION,
        "election": election,
        "round": round_,
        "snapshot_id": None,  # document_rows derives t<round>-<as_of>, stable across polls
        "as_of": as_of.isoformat(),
        "status": STATUS_WORDS[status_word],
        "kind": "count",
        **counts,
        "share_base": "exprimes",
        "candidates": entries,
        "source_url": source,
        "note": None,
        "flags": [],
    }


def _candidate_entry(
    source: str, row_no: int, raw: dict[str, str], candidates: pd.DataFrame
) -> dict[str, Any]:
    name = " ".join(p for p in (raw.get("first_name", ""), raw["last_name"]) if p)
    if not name:
        raise FeedError(f"{source}: row {row_no}: field 'Nom': required")
    try:
        votes = parse_count(raw.get("votes", ""))
    except ValueError as exc:
        raise FeedError(f"{source}: row {row_no}: field 'Voix': {exc}") from None
    try:
        share = parse_share(raw.get("share_published", ""))
    except ValueError as exc:
        raise FeedError(f"{source}: row {row_no}: field '% Voix/Exp': {exc}") from None
    cid = match_candidate(name, candidates) or (slugify(name) or "inconnu")
    return {"id": cid, "name": name, "votes": votes, "share": share}


def _label(header: list[str], keys: list[str], key: str) -> str:
    return header[keys.index(key)] if key in keys else key


def _fr_number(value: Any, digits: int | None = None) -> str:
    if value is None:
        return ""
    if digits is None:
        return str(int(value))
    return f"{float(value):.{digits}f}".replace(".", ",")


def ministry_csv(doc: dict[str, Any], *, encoding: str = "cp1252") -> bytes:
    """A schema-1 document → the ministry-style CSV above (for the replay server and tests).

    Shares are on exprimés only; a document on the votants base gets an empty share column,
    as the ministry layout has no such column.
    """
    as_of = datetime.fromisoformat(doc["as_of"]).astimezone(PARIS)
    level = {
        "round": str(doc["round"]),
        "date": f"{as_of:%d/%m/%Y}",
        "time": f"{as_of:%H:%M:%S}",
        "status": status_fr(doc["status"]),
        **{k: _fr_number(doc.get(k)) for k in COUNT_FIELDS},
    }
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow(list(_CSV_HEADER.values()))
    on_exprimes = doc.get("share_base") == "exprimes"
    for cand in doc["candidates"]:
        share = cand.get("share") if on_exprimes else None
        row = {
            **level,
            "last_name": cand.get("name") or cand["id"],
            "votes": _fr_number(cand.get("votes")),
            "share_published": _fr_number(share, 2),
        }
        writer.writerow([row[k] for k in _CSV_HEADER])
    return out.getvalue().encode(encoding, errors="replace")
