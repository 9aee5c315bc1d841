"""The record kinds of the dashboard, each defined once as a pyarrow schema.

One long-format table per kind of record. Values from the outside world are normalised at
the boundary through RENAME (one explicit map), and a results snapshot travels as one
*feed document* (schema 2, which still reads schema 1) — the same shape for `results show
--format json`, the live feed and the replay server.

Schema 2 adds, per snapshot, the publishing `authority`, `inscrits`, `abstentions`,
`participation_pct` (% of inscrits) with its `scope` ("France entière", "métropole"), and
progress as `counted_pct` with its `counted_unit` ("bureaux" | "inscrits") beside
bureaux_counted/bureaux_total; per row `area_level` (null = the nation, "region",
"departement"…), `area_code`, `area_name`: results by area live in the same long table, the
national figures are the rows without an area. Candidates get an optional `gender` ("F"/"M")
and `short_name`.
"""

from __future__ import annotations

import math
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import pandas as pd
import pyarrow as pa

from dashboard.errors import SourceError
from dashboard.fr import MAX_COUNT, PARIS

DOCUMENT_SCHEMA_VERSION = 2
READ_SCHEMAS = (1, 2)  # feed documents read; schema 1 lacks the schema-2 fields (all null)

STATUSES = ("partial", "corrected", "definitive")
KINDS = ("count", "turnout")  # turnout = midday participation reports, not a count
SHARE_BASES = ("votants", "exprimes")
COUNTED_UNITS = ("bureaux", "inscrits")  # what counted_pct is a share of
# Levels of an area row (null = national). Only these may be stored; codes are checked
# against the election's areas.csv when it has one.
AREA_LEVELS = ("region", "departement", "circonscription", "commune")
GENDERS = ("F", "M")

_TS = pa.timestamp("us", tz="Europe/Paris")
_UTC = pa.timestamp("us", tz="UTC")

CANDIDATES = pa.schema(
    [
        pa.field("election_id", pa.string(), nullable=False),
        pa.field("candidate_id", pa.string(), nullable=False),
        pa.field("name", pa.string(), nullable=False),
        pa.field("party", pa.string()),
        pa.field("colour", pa.string(), nullable=False),
        pa.field("display_order", pa.int32(), nullable=False),
        pa.field("gender", pa.string()),  # "F" / "M": labels agree ("élue", "qualifiée")
        pa.field("short_name", pa.string()),  # what a newsroom shows instead of the full name
    ]
)

# Placed after every candidate or camp that data/ orders (display_order).
ORDER_LAST = 999
COUNT_FIELDS = (
    "bureaux_counted",
    "bureaux_total",
    "inscrits",
    "abstentions",
    "votants",
    "exprimes",
    "blancs",
    "nuls",
)
# Figures of one (snapshot, area): the turnout block and the progress of the count.
AREA_FIGURES = (*COUNT_FIELDS, "counted_pct", "counted_unit", "participation_pct", "scope")
AREA_FIELDS = ("area_level", "area_code", "area_name")

RESULTS = pa.schema(
    [
        pa.field("election_id", pa.string(), nullable=False),
        pa.field("round", pa.int8(), nullable=False),
        pa.field("snapshot_id", pa.string(), nullable=False),
        pa.field("as_of", _TS, nullable=False),
        pa.field("status", pa.string(), nullable=False),
        pa.field("kind", pa.string(), nullable=False),
        pa.field("authority", pa.string()),  # who published it; null = election.toml organiser
        pa.field("bureaux_counted", pa.int32()),
        pa.field("bureaux_total", pa.int32()),
        pa.field("counted_pct", pa.float64()),  # progress as a share of counted_unit
        pa.field("counted_unit", pa.string()),
        pa.field("inscrits", pa.int64()),
        pa.field("abstentions", pa.int64()),
        pa.field("votants", pa.int64()),
        pa.field("exprimes", pa.int64()),
        pa.field("blancs", pa.int64()),
        pa.field("nuls", pa.int64()),
        pa.field("participation_pct", pa.float64()),  # % of inscrits, as published
        pa.field("scope", pa.string()),  # where participation_pct is measured ("métropole")
        pa.field("area_level", pa.string()),  # null = national
        pa.field("area_code", pa.string()),
        pa.field("area_name", pa.string()),
        pa.field("candidate_id", pa.string(), nullable=False),
        pa.field("votes", pa.int64()),
        pa.field("share_published", pa.float64()),
        pa.field("share_base", pa.string(), nullable=False),
        pa.field("source_url", pa.string(), nullable=False),
        pa.field("note", pa.string()),
        # Reasons a snapshot failed validation; a flagged snapshot is stored, never current.
        pa.field("flags", pa.list_(pa.string())),
        pa.field("recorded_at", _UTC, nullable=False),
    ]
)

# One explicit map from outside names (feeds, ministry CSV, hand-written sources) to ours.
RENAME: dict[str, str] = {
    "inscrits": "inscrits",
    "votants": "votants",
    "exprimés": "exprimes",
    "exprimes": "exprimes",
    "blancs": "blancs",
    "nuls": "nuls",
    "blancs et nuls": "blancs_nuls",
    "voix": "votes",
    "votes": "votes",
    "% exprimés": "share_published",
    "% voix/exp": "share_published",
    "bureaux dépouillés": "bureaux_counted",
    "bureaux depouilles": "bureaux_counted",
    "nombre de bureaux": "bureaux_total",
    "bureaux": "bureaux_total",
    # the ministry's wide layout (results.ministry): the turnout block and its rates…
    "abstentions": "abstentions",
    "% abs/ins": "abstentions_ins",
    "% vot/ins": "votants_ins",
    "% blancs/ins": "blancs_ins",
    "% blancs/vot": "blancs_vot",
    "% nuls/ins": "nuls_ins",
    "% nuls/vot": "nuls_vot",
    "% exp/ins": "exprimes_ins",
    "% exp/vot": "exprimes_vot",
    # …one group per candidate…
    "n°panneau": "panel",
    "sexe": "sex",
    "nom": "last_name",
    "prénom": "first_name",
    "% voix/ins": "share_inscrits",
    # …and the row's area, time and state.
    "code du niveau": "area_code",
    "libellé du niveau": "area_name",
    "code du département": "area_code",
    "libellé du département": "area_name",
    "code de la région": "area_code",
    "libellé de la région": "area_name",
    "code de la circonscription": "area_code",
    "libellé de la circonscription": "area_name",
    "code de la commune": "area_code",
    "libellé de la commune": "area_name",
    "date de l'export": "exported_at",
    "etat saisie": "entry_state",
    "tour": "round",
    "statut": "status",
    # schema 2 (hand-written sources and other feeds)
    "autorité": "authority",
    "autorite": "authority",
    "participation": "participation_pct",
    "taux de participation": "participation_pct",
    "périmètre": "scope",
    "perimetre": "scope",
    "% dépouillé": "counted_pct",
    "% depouille": "counted_pct",
    "niveau": "area_level",
    # the long ministry-style CSV of the feed (results.documents)
    "date": "date",
    "heure": "time",
    "élection": "election",
    "code élection": "election",
}


# Values from the outside world → ours, per field (case-, accent- and space-insensitive keys).
VALUE_RENAME: dict[str, dict[str, str | None]] = {
    "area_level": {
        "": None,
        "national": None,
        "nation": None,
        "fe": None,
        "france entiere": None,
        "region": "region",
        "reg": "region",
        "departement": "departement",
        "dpt": "departement",
        "circonscription": "circonscription",
        "commune": "commune",
    },
    "gender": {
        "": None,
        "f": "F",
        "femme": "F",
        "feminin": "F",
        "m": "M",
        "h": "M",
        "homme": "M",
        "masculin": "M",
    },
    "counted_unit": {
        "": None,
        "bureaux": "bureaux",
        "bureaux de vote": "bureaux",
        "inscrits": "inscrits",
    },
}


def normalise_value(field: str, value: Any) -> str | None:
    """An outside value of `field` (area_level, gender, counted_unit) → ours (None = not
    given, or the nation for area_level); ValueError naming the accepted values."""
    import unicodedata

    text = "" if value is None else str(value)
    key = " ".join(text.strip().lower().split())
    key = "".join(c for c in unicodedata.normalize("NFD", key) if not unicodedata.combining(c))
    table = VALUE_RENAME[field]
    if key not in table:
        accepted = ", ".join(sorted({v for v in table.values() if v}))
        raise ValueError(f"{text[:40]!r} n'est pas une valeur connue (au choix : {accepted})")
    return table[key]


def is_national(results: pd.DataFrame) -> pd.Series:
    """Rows of the nation (no area): what every national view reads."""
    if "area_level" not in results:
        return pd.Series(True, index=results.index)
    return results["area_level"].isna() | results["area_level"].isin(["", "national"])


def normalise_name(name: str) -> str:
    """Outside column name → ours (case- and space-insensitive); unknown names pass through."""
    key = " ".join(str(name).strip().lower().split())
    return RENAME.get(key, key)


def to_table(df: pd.DataFrame, schema: pa.Schema) -> pa.Table:
    """A DataFrame → a table of exactly `schema` (columns in order, types enforced)."""
    missing = [f.name for f in schema if f.name not in df.columns]
    if missing:
        raise SourceError(f"missing column(s): {', '.join(missing)}")
    return pa.Table.from_pandas(df[schema.names], schema=schema, preserve_index=False)


# Bounds of what a figure can be: fr.MAX_COUNT (10⁹, beyond any electorate on Earth and
# within the store's integer types) for a count, the int8 of RESULTS for a round. A larger
# figure is a broken or hostile feed, refused rather than stored or wrapped.
MAX_ROUND = 127
_COUNT_LIMITS = {"round": MAX_ROUND}
# Times outside these years are no election's (and pandas cannot hold most of them).
FIRST_YEAR, LAST_YEAR = 1900, 2199


def check_count(field: str, value: int) -> int:
    """`value` if it is a plausible figure for `field` (a count field, "votes" or "round");
    ValueError saying the bound otherwise."""
    limit = _COUNT_LIMITS.get(field, MAX_COUNT)
    if value > limit:
        shown = (
            str(value)
            if len(str(value)) <= 24
            else f"{str(value)[:20]}… ({len(str(value))} digits)"
        )
        raise ValueError(f"{shown} is beyond any election (at most {limit:,})".replace(",", " "))
    return value


def parse_time(value: Any, *, field: str = "as_of") -> datetime:
    """ISO 8601 text → aware datetime in Paris time (a naive time is taken as Paris time).
    Refuses non-text values and times outside FIRST_YEAR–LAST_YEAR (SourceError)."""
    if isinstance(value, datetime):
        dt = value
    elif not isinstance(value, str):
        raise SourceError(f"an ISO 8601 time must be text, got {json_kind(value)}", field=field)
    else:
        try:
            dt = datetime.fromisoformat(value.strip())
        except ValueError as exc:
            raise SourceError(f"not an ISO 8601 time: {value[:60]!r}", field=field) from exc
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=PARIS)
    try:
        dt = dt.astimezone(PARIS)
    except OverflowError:  # 0001-01-01T00:00:00+14:00 is before datetime.min in Paris
        dt = None  # type: ignore[assignment]
    if dt is None or not FIRST_YEAR <= dt.year <= LAST_YEAR:
        raise SourceError(
            f"time out of range: {str(value)[:60]!r} (years {FIRST_YEAR}–{LAST_YEAR})", field=field
        )
    return dt


def json_kind(value: Any) -> str:
    """What a JSON value is, for messages: "an object", "a list", "a number"…"""
    if isinstance(value, dict):
        return "an object"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, int | float):
        return "a number"
    return "null" if value is None else type(value).__name__


def text_field(doc: dict[str, Any], key: str, where: str, *, required: bool = False) -> str | None:
    """doc[key] if it is text (None when absent); SourceError for an object, a list, a
    number…: a repr like "{'a': 1}" must never be stored as if it were text."""
    value = doc.get(key)
    if value is None or (value == "" and not required):
        if required:
            raise SourceError(f"missing '{key}'", path=where)
        return None
    if not isinstance(value, str):
        raise SourceError(f"'{key}' must be text, got {json_kind(value)}", path=where)
    return value


def _num(value: Any) -> Any:
    if value is None:
        return None
    if isinstance(value, float) and math.isnan(value):
        return None
    if value is pd.NA or value is pd.NaT:
        return None
    if hasattr(value, "item"):
        value = value.item()
    return value


def snapshot_document(rows: pd.DataFrame, candidates: pd.DataFrame) -> dict[str, Any]:
    """Serialise one snapshot (its long-format rows) as a feed document (schema 2): the
    national rows (the rows of an area are left out when the snapshot has national ones).

    `share` is in percent on `share_base`: computed from votes when votes and the base are
    known, else the published share, else null.
    """
    if rows.empty:
        raise ValueError("empty snapshot")
    national = is_national(rows)
    if national.any():
        rows = rows.loc[national]
    first = rows.iloc[0]
    base_total = _num(first[first["share_base"]])
    order = candidates.set_index("candidate_id")
    cands = []
    ordered = rows.assign(
        _order=rows["candidate_id"].map(order["display_order"]).fillna(ORDER_LAST)
    ).sort_values(["_order", "candidate_id"])
    for _, row in ordered.iterrows():
        votes = _num(row["votes"])
        share = _num(row["share_published"])
        if votes is not None and base_total:
            share = round(100.0 * votes / base_total, 2)
        name = order["name"].get(row["candidate_id"], row["candidate_id"])
        cands.append({"id": row["candidate_id"], "name": name, "votes": votes, "share": share})
    flags = first["flags"]
    flags = [] if flags is None else [str(f) for f in flags]
    as_of = pd.Timestamp(first["as_of"]).tz_convert(PARIS)
    return {
        "schema": DOCUMENT_SCHEMA_VERSION,
        "election": first["election_id"],
        "round": int(first["round"]),
        "snapshot_id": first["snapshot_id"],
        "as_of": as_of.isoformat(),
        "status": first["status"],
        "kind": first["kind"],
        "authority": _opt(first, "authority"),
        "bureaux_counted": _num(first["bureaux_counted"]),
        "bureaux_total": _num(first["bureaux_total"]),
        "counted_pct": _opt(first, "counted_pct"),
        "counted_unit": _opt(first, "counted_unit"),
        "inscrits": _opt(first, "inscrits"),
        "abstentions": _opt(first, "abstentions"),
        "votants": _num(first["votants"]),
        "exprimes": _num(first["exprimes"]),
        "blancs": _num(first["blancs"]),
        "nuls": _num(first["nuls"]),
        "participation_pct": _opt(first, "participation_pct"),
        "scope": _opt(first, "scope"),
        "share_base": first["share_base"],
        "candidates": cands,
        "source_url": first["source_url"],
        "note": _num(first["note"]) or None,
        "flags": flags,
    }


def _opt(row: pd.Series, key: str) -> Any:
    """A schema-2 field of a row, None when absent (rows built before schema 2) or null."""
    return _num(row[key]) if key in row.index else None


def _doc_pct(doc: dict[str, Any], key: str, where: str) -> float | None:
    value = doc.get(key)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float) or math.isnan(value):
        raise SourceError(f"'{key}' must be a number or null, got {str(value)[:40]!r}", path=where)
    if not 0 <= value <= 100:
        raise SourceError(f"'{key}' must be within 0–100, got {value!r}", path=where)
    return float(value)


def _doc_choice(doc: dict[str, Any], key: str, where: str, field: str | None = None) -> Any:
    value = doc.get(key)
    if value is not None and not isinstance(value, str):
        raise SourceError(f"'{key}' must be text, got {json_kind(value)}", path=where)
    try:
        return normalise_value(field or key, value)
    except ValueError as exc:
        raise SourceError(f"'{key}': {exc}", path=where) from None


def document_area(doc: dict[str, Any], where: str) -> dict[str, Any]:
    """The area of a document: `area` {level, code, name} (the ministry adapter's) or
    `area_level`/`area_code`/`area_name`; all None for the nation."""
    area = doc.get("area")
    if area is not None and not isinstance(area, dict):
        raise SourceError(f"'area' must be an object, got {json_kind(area)}", path=where)
    src = (
        {
            "area_level": area.get("level"),
            "area_code": area.get("code"),
            "area_name": area.get("name"),
        }
        if area
        else doc
    )
    level = _doc_choice(src, "area_level", where)
    if level is None:
        return dict.fromkeys(AREA_FIELDS)
    code = text_field(src, "area_code", where, required=True)
    return {
        "area_level": level,
        "area_code": code,
        "area_name": text_field(src, "area_name", where),
    }


def _doc_int(doc: dict[str, Any], key: str, where: str) -> int | None:
    value = doc.get(key)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise SourceError(f"'{key}' must be a whole number or null, got {value!r}", path=where)
    if isinstance(value, float) and not value.is_integer():
        raise SourceError(f"'{key}' must be a whole number, got {value!r}", path=where)
    if value < 0:
        raise SourceError(f"'{key}' must not be negative, got {value!r}", path=where)
    try:
        return check_count(key, int(value))
    except ValueError as exc:
        raise SourceError(f"'{key}': {exc}", path=where) from None


def document_rows(
    doc: Any, *, where: str = "document", recorded_at: datetime | None = None
) -> pd.DataFrame:
    """A feed document (schema 2, or 1) → long-format rows of RESULTS (flags empty).

    Raises SourceError naming the field when the document is malformed.
    """
    if not isinstance(doc, dict):
        raise SourceError("a feed document must be a JSON object", path=where)
    if doc.get("schema") not in READ_SCHEMAS or isinstance(doc.get("schema"), bool):
        raise SourceError(
            f"unsupported 'schema' {repr(doc.get('schema'))[:40]} (expected 1 or 2)", path=where
        )
    for key in ("election", "round", "as_of", "status", "share_base", "candidates"):
        if doc.get(key) in (None, ""):
            raise SourceError(f"missing '{key}'", path=where)
    if doc["status"] not in STATUSES:
        raise SourceError(f"'status' must be one of {', '.join(STATUSES)}", path=where)
    if doc["share_base"] not in SHARE_BASES:
        raise SourceError(f"'share_base' must be one of {', '.join(SHARE_BASES)}", path=where)
    kind = doc.get("kind") or "count"
    if kind not in KINDS:
        raise SourceError(f"'kind' must be one of {', '.join(KINDS)}", path=where)
    rnd = doc["round"]
    if isinstance(rnd, bool) or not isinstance(rnd, int) or rnd < 1:
        raise SourceError(
            f"'round' must be a positive whole number, got {str(rnd)[:40]!r}", path=where
        )
    _doc_int(doc, "round", where)  # bounded
    try:
        as_of = parse_time(doc["as_of"])
    except SourceError as exc:
        raise SourceError(f"'as_of': {str(exc).split(': ', 1)[-1]}", path=where) from exc
    counts = {k: _doc_int(doc, k, where) for k in COUNT_FIELDS}
    extra = {
        "authority": text_field(doc, "authority", where),
        "counted_pct": _doc_pct(doc, "counted_pct", where),
        "counted_unit": _doc_choice(doc, "counted_unit", where),
        "participation_pct": _doc_pct(doc, "participation_pct", where),
        "scope": text_field(doc, "scope", where),
        **document_area(doc, where),
    }
    cands = doc["candidates"]
    if not isinstance(cands, list) or not cands:
        raise SourceError("'candidates' must be a non-empty list", path=where)
    election = text_field(doc, "election", where, required=True)
    source_url = text_field(doc, "source_url", where)
    note = text_field(doc, "note", where)
    snapshot_id = text_field(doc, "snapshot_id", where) or f"t{rnd}-{as_of:%Y%m%dT%H%M%S}"
    recorded = recorded_at or datetime.now(tz=ZoneInfo("UTC"))
    rows = []
    for i, cand in enumerate(cands):
        if not isinstance(cand, dict) or not cand.get("id"):
            raise SourceError(f"candidates[{i}] needs an 'id'", path=where)
        text_field(cand, "id", f"{where} candidates[{i}]", required=True)
        text_field(cand, "name", f"{where} candidates[{i}]")
        share = cand.get("share")
        if share is not None and (isinstance(share, bool) or not isinstance(share, int | float)):
            raise SourceError(f"candidates[{i}].share must be a number or null", path=where)
        if share is not None and not 0 <= share <= 100:
            raise SourceError(f"candidates[{i}].share must be within 0–100", path=where)
        rows.append(
            {
                "election_id": election,
                "round": rnd,
                "snapshot_id": str(snapshot_id),
                "as_of": as_of,
                "status": doc["status"],
                "kind": kind,
                **counts,
                **extra,
                "candidate_id": str(cand["id"]),
                "votes": _doc_int(cand, "votes", f"{where} candidates[{i}]"),
                "share_published": None if share is None else float(share),
                "share_base": doc["share_base"],
                "source_url": source_url or where,
                "note": note,
                "flags": [],
                "recorded_at": recorded,
            }
        )
    return pd.DataFrame(rows)


# --- Live blogs (issue 3): entries and the reactions read from them ----------------------
# A blog is keyed by blog_id (derived from its source URL), an entry by (blog_id, entry_id).
# Rows are appended, never edited: an edited entry is a new `version` of the same entry_id,
# and its reaction is keyed by (blog_id, entry_id, version); the latest `recorded_at` row
# of a key wins when a reaction is re-derived (gazetteer extended).

LIVEBLOGS = pa.schema(
    [
        pa.field("blog_id", pa.string(), nullable=False),
        pa.field("version", pa.int32(), nullable=False),
        pa.field("source_url", pa.string(), nullable=False),
        pa.field("lead", pa.string()),  # text before the first entry (not an entry)
        pa.field("content_hash", pa.string(), nullable=False),
        pa.field("recorded_at", _UTC, nullable=False),
    ]
)

ENTRIES = pa.schema(
    [
        pa.field("blog_id", pa.string(), nullable=False),
        pa.field("entry_id", pa.string(), nullable=False),
        pa.field("version", pa.int32(), nullable=False),
        pa.field("source_url", pa.string(), nullable=False),
        pa.field("permalink", pa.string(), nullable=False),
        pa.field("date", pa.date32(), nullable=False),
        pa.field("time", pa.string(), nullable=False),  # "HH:MM", Paris time
        pa.field("published_at", _TS, nullable=False),
        pa.field("headline", pa.string()),
        pa.field("body", pa.string(), nullable=False),  # verbatim
        pa.field("blog_order", pa.int32(), nullable=False),  # position in reading order
        pa.field("content_hash", pa.string(), nullable=False),  # sha1 of headline + body
        pa.field("recorded_at", _UTC, nullable=False),
    ]
)

REACTIONS = pa.schema(
    [
        pa.field("blog_id", pa.string(), nullable=False),
        pa.field("entry_id", pa.string(), nullable=False),
        pa.field("version", pa.int32(), nullable=False),
        pa.field("people", pa.list_(pa.string())),  # person_ids of the speakers
        pa.field("people_names", pa.list_(pa.string())),
        pa.field("mentioned", pa.list_(pa.string())),  # other known people named
        pa.field("camp", pa.string()),  # camp_id; null = unknown
        pa.field("outlet", pa.string()),
        pa.field("outlet_type", pa.string()),
        pa.field("stance", pa.string()),
        pa.field("stance_rule", pa.string()),
        pa.field("stance_evidence", pa.string()),
        pa.field("quotes", pa.list_(pa.string())),
        pa.field("recorded_at", _UTC, nullable=False),
    ]
)

# --- newsroom desk ---------------------------------------------------------------------------

# Every change made on the desk, append-only: who, when, what, before/after (JSON text).
AUDIT = pa.schema(
    [
        pa.field("change_id", pa.string(), nullable=False),
        pa.field("at", _UTC, nullable=False),
        pa.field("who", pa.string(), nullable=False),
        pa.field("action", pa.string(), nullable=False),
        pa.field("target", pa.string(), nullable=False),
        pa.field("before", pa.string()),
        pa.field("after", pa.string()),
        pa.field("reason", pa.string()),
        pa.field("reverts", pa.string()),  # change_id this change undoes, if any
    ]
)

# Marks on results snapshots (corrected / superseded / withdrawn / active); the latest mark of
# a snapshot wins. A marked snapshot stays stored but is never the current result.
MARKS = pa.schema(
    [
        pa.field("snapshot_id", pa.string(), nullable=False),
        pa.field("mark", pa.string(), nullable=False),
        pa.field("reason", pa.string()),
        pa.field("who", pa.string(), nullable=False),
        pa.field("at", _UTC, nullable=False),
        pa.field("change_id", pa.string(), nullable=False),
    ]
)
MARK_LABELS = {"corrected": "corrigé", "superseded": "remplacé", "withdrawn": "retiré"}
