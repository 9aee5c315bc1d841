"""Live-blog entries and their reactions in the Parquet store: idempotent and versioned.

Tables (schemas in dashboard.model): `liveblog_entries` (ENTRIES), `liveblog_reactions`
(REACTIONS) and `liveblogs` (LIVEBLOGS: the lead of each blog). Rows are only ever appended.

- Same text again → nothing is written (every entry "unchanged").
- An entry whose headline or body changed (same id: same time stamp) → a new row with
  `version` + 1; the previous version stays in the table as history.
- A reaction is derived when its entry version is stored; when the gazetteer has changed
  since (an editor added a person), re-ingesting the same text appends a re-derived
  reaction for the same (blog_id, entry_id, version): the latest `recorded_at` wins.
- Entries that disappeared from the blog are kept (nothing is deleted) and counted.

No partial write: every row is built and checked against its schema before anything is
written, all under the store's lock (so two ingests cannot both make "version 2"); the
entries table is written last, so a crash in between leaves at most reactions for entry
versions that are not stored, which readers ignore and the next ingest re-derives.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import pandas as pd
import pyarrow as pa

from dashboard.errors import ValidationError
from dashboard.fr import slugify
from dashboard.liveblog.parse import Entry, ParsedBlog
from dashboard.liveblog.reactions import (
    UNKNOWN_CAMP_COLOUR,
    UNKNOWN_CAMP_LABEL,
    Gazetteer,
    Reaction,
    extract_reaction,
)
from dashboard.model import ENTRIES, LIVEBLOGS, ORDER_LAST, REACTIONS
from dashboard.store import Store

ENTRIES_TABLE = "liveblog_entries"
REACTIONS_TABLE = "liveblog_reactions"
LIVEBLOGS_TABLE = "liveblogs"
UTC = dt.UTC

_REACTION_FIELDS = (
    "people",
    "people_names",
    "mentioned",
    "camp",
    "outlet",
    "outlet_type",
    "stance",
    "stance_rule",
    "stance_evidence",
    "quotes",
)


def blog_id_for(source_url: str) -> str:
    """A stable, readable id for a blog: its host plus a short hash of its URL.

    "http://www.atlantico.fr/decryptage/…-2949755.html" → "atlantico-fr-<8 hex>". The
    fragment is ignored (it points inside the page).
    """
    url = source_url.strip().split("#", 1)[0]
    host = (urlsplit(url).hostname or "").removeprefix("www.")
    slug = slugify(host)[:40] or "blog"
    return f"{slug}-{hashlib.sha1(url.encode(), usedforsecurity=False).hexdigest()[:8]}"


def content_hash(headline: str | None, body: str) -> str:
    """What makes two versions of an entry different: its headline and body."""
    key = f"{headline or ''}\x1f{body}".encode()
    return hashlib.sha1(key, usedforsecurity=False).hexdigest()


@dataclass(frozen=True, slots=True)
class IngestReport:
    blog_id: str
    added: int
    updated: int
    unchanged: int
    absent: int = 0  # stored entries no longer in the blog (kept, not deleted)
    reactions_refreshed: int = 0  # unchanged entries whose reaction was re-derived

    def summary(self, name: str | None = None) -> str:
        """ "Blog exemple.org : 3 entrées ajoutées, 0 modifiée, 0 inchangée" (`name`: how the
        blog is called; its id by default)."""
        parts = [
            _counted(self.added, "entrée ajoutée", "entrées ajoutées"),
            _counted(self.updated, "modifiée", "modifiées"),
            _counted(self.unchanged, "inchangée", "inchangées"),
        ]
        if self.reactions_refreshed:
            parts.append(_counted(self.reactions_refreshed, "réaction relue", "réactions relues"))
        if self.absent:
            parts.append(
                _counted(self.absent, "absente du blog (gardée)", "absentes du blog (gardées)")
            )
        return f"{name or self.blog_id} : " + ", ".join(parts)


def _counted(n: int, one: str, many: str) -> str:
    # French: 0 and 1 take the singular.
    return f"{n} {one if n < 2 else many}"


def _reaction_row(
    reaction: Reaction, *, blog_id: str, version: int, recorded_at: dt.datetime
) -> dict[str, Any]:
    return {
        "blog_id": blog_id,
        "entry_id": reaction.entry_id,
        "version": version,
        "people": list(reaction.speakers),
        "people_names": list(reaction.speaker_names),
        "mentioned": list(reaction.mentioned),
        "camp": reaction.camp,
        "outlet": reaction.outlet,
        "outlet_type": reaction.outlet_type,
        "stance": reaction.stance,
        "stance_rule": reaction.stance_rule,
        "stance_evidence": reaction.stance_evidence,
        "quotes": list(reaction.quotes),
        "recorded_at": recorded_at,
    }


def _fingerprint(row: dict[str, Any]) -> tuple[Any, ...]:
    return tuple(
        tuple(v) if isinstance(v, list | tuple) else v
        for v in (row.get(k) for k in _REACTION_FIELDS)
    )


def _latest_rows(table: pa.Table, keys: tuple[str, ...]) -> list[dict[str, Any]]:
    """The last row of each key, as plain Python values (rows are in append order; for
    entries the highest version wins whatever the order)."""
    latest: dict[tuple[Any, ...], dict[str, Any]] = {}
    for row in table.to_pylist():
        key = tuple(row[k] for k in keys)
        old = latest.get(key)
        if old is None or "version" in keys or row.get("version", 0) >= old.get("version", 0):
            latest[key] = row
    return list(latest.values())


_NULLABLE_TEXT = (
    "headline",
    "camp",
    "outlet",
    "outlet_type",
    "stance",
    "stance_rule",
    "stance_evidence",
    "lead",
)
_LISTS = ("people", "people_names", "people_short", "mentioned", "quotes")


def _frame(rows: list[dict[str, Any]], schema: pa.Schema) -> pd.DataFrame:
    """Rows → DataFrame with the schema's columns; missing text is None (not NaN, which is
    truthy) and list columns hold Python lists."""
    df = pd.DataFrame.from_records(rows, columns=schema.names)
    for col in schema.names:
        if col in _NULLABLE_TEXT or col in _LISTS:
            df[col] = pd.Series([r[col] for r in rows], dtype=object, index=df.index)
    for col in ("version", "blog_order"):
        if col in df.columns:
            df[col] = df[col].astype("int64")
    if "published_at" in df.columns:
        df["published_at"] = pd.to_datetime(df["published_at"], utc=True).dt.tz_convert(
            "Europe/Paris"
        )
    if "recorded_at" in df.columns:
        df["recorded_at"] = pd.to_datetime(df["recorded_at"], utc=True)
    return df


def _to_table(rows: list[dict[str, Any]], schema: pa.Schema, what: str) -> pa.Table:
    """Rows → a table of `schema`, refusing wrong types and nulls in non-nullable fields
    (pyarrow only checks those when writing, which would be too late for an all-or-nothing
    ingest)."""
    try:
        table = pa.Table.from_pylist(rows, schema=schema)
    except (pa.ArrowInvalid, pa.ArrowTypeError, TypeError, ValueError) as exc:
        raise ValidationError(f"{what}: rows do not fit the schema ({exc})") from exc
    for field in schema:
        if not field.nullable and table.column(field.name).null_count:
            raise ValidationError(f"{what}: rows do not fit the schema ('{field.name}' is empty)")
    return table


def ingest_entries(
    store: Store,
    entries: Iterable[Entry],
    *,
    source_url: str,
    gazetteer: Gazetteer,
    blog_id: str | None = None,
    lead: str | None = None,
    recorded_at: dt.datetime | None = None,
) -> IngestReport:
    """Store a blog's entries (and their reactions): idempotent, edits become versions."""
    entries = list(entries)
    if not source_url.strip():
        raise ValidationError("a live blog needs its source URL (--source-url)")
    blog_id = blog_id or blog_id_for(source_url)
    seen: set[str] = set()
    for entry in entries:
        if entry.id in seen:
            raise ValidationError(f"entry id {entry.id} appears twice in the blog")
        seen.add(entry.id)
    recorded = (recorded_at or dt.datetime.now(UTC)).astimezone(UTC)

    with store.lock():
        current = {
            row["entry_id"]: (row["version"], row["content_hash"])
            for row in _latest_rows(store.read(ENTRIES_TABLE, ENTRIES), ("blog_id", "entry_id"))
            if row["blog_id"] == blog_id
        }
        latest_reactions = [
            row
            for row in _latest_rows(
                store.read(REACTIONS_TABLE, REACTIONS), ("blog_id", "entry_id", "version")
            )
            if row["blog_id"] == blog_id
        ]
        reaction_prints = {(r["entry_id"], r["version"]): _fingerprint(r) for r in latest_reactions}
        # A reaction corrected by hand on the desk is kept until the entry itself changes.
        manual = {
            (r["entry_id"], r["version"]) for r in latest_reactions if r["stance_rule"] == "desk"
        }

        entry_rows: list[dict[str, Any]] = []
        reaction_rows: list[dict[str, Any]] = []
        added = updated = unchanged = refreshed = 0
        for entry in entries:
            digest = content_hash(entry.headline, entry.body)
            version, old_digest = current.get(entry.id, (0, None))
            reaction = _reaction_row(
                extract_reaction(entry, gazetteer),
                blog_id=blog_id,
                version=version if old_digest == digest else version + 1,
                recorded_at=recorded,
            )
            if old_digest == digest:
                unchanged += 1
                if (entry.id, version) not in manual and reaction_prints.get(
                    (entry.id, version)
                ) != _fingerprint(reaction):
                    reaction_rows.append(reaction)
                    refreshed += 1
                continue
            added, updated = (added + 1, updated) if version == 0 else (added, updated + 1)
            entry_rows.append(
                {
                    "blog_id": blog_id,
                    "entry_id": entry.id,
                    "version": version + 1,
                    "source_url": source_url,
                    "permalink": entry.permalink,
                    "date": entry.date,
                    "time": entry.hhmm,
                    "published_at": entry.published_at,
                    "headline": entry.headline,
                    "body": entry.body,
                    "blog_order": entry.order,
                    "content_hash": digest,
                    "recorded_at": recorded,
                }
            )
            reaction_rows.append(reaction)

        lead_rows: list[dict[str, Any]] = []
        if lead is not None:
            old = next(
                (
                    row
                    for row in _latest_rows(store.read(LIVEBLOGS_TABLE, LIVEBLOGS), ("blog_id",))
                    if row["blog_id"] == blog_id
                ),
                None,
            )
            lead_hash = content_hash(None, lead)
            if old is None or old["content_hash"] != lead_hash:
                lead_rows.append(
                    {
                        "blog_id": blog_id,
                        "version": 1 if old is None else old["version"] + 1,
                        "source_url": source_url,
                        "lead": lead,
                        "content_hash": lead_hash,
                        "recorded_at": recorded,
                    }
                )

        # Everything is built and checked before the first write.
        tables = [
            (REACTIONS_TABLE, REACTIONS, _to_table(reaction_rows, REACTIONS, "reactions")),
            (LIVEBLOGS_TABLE, LIVEBLOGS, _to_table(lead_rows, LIVEBLOGS, "blog lead")),
            (ENTRIES_TABLE, ENTRIES, _to_table(entry_rows, ENTRIES, "entries")),
        ]
        for name, schema, new in tables:  # entries last: the commit point
            if new.num_rows:
                store.replace(name, pa.concat_tables([store.read(name, schema), new]), schema)

    absent = len(set(current) - seen)
    return IngestReport(blog_id, added, updated, unchanged, absent, refreshed)


def ingest_liveblog(
    store: Store,
    parsed: ParsedBlog,
    *,
    source_url: str,
    gazetteer: Gazetteer,
    recorded_at: dt.datetime | None = None,
) -> IngestReport:
    """ingest_entries for a whole parsed blog, its lead included."""
    return ingest_entries(
        store,
        parsed.entries,
        source_url=source_url,
        gazetteer=gazetteer,
        lead=parsed.lead or None,
        recorded_at=recorded_at,
    )


# --- readers (the page's loaders) ----------------------------------------------------------


def _current_entry_rows(store: Store, blog_id: str | None) -> list[dict[str, Any]]:
    rows = _latest_rows(store.read(ENTRIES_TABLE, ENTRIES), ("blog_id", "entry_id"))
    if blog_id is not None:
        rows = [r for r in rows if r["blog_id"] == blog_id]
    rows.sort(key=lambda r: (r["published_at"], r["blog_id"], r["blog_order"]))
    return rows


def current_entries(store: Store, blog_id: str | None = None) -> pd.DataFrame:
    """The current (latest) version of every entry: ENTRIES columns + `deep_link`,
    sorted by published_at (oldest first). Missing headlines are None."""
    rows = _current_entry_rows(store, blog_id)
    df = _frame(rows, ENTRIES)
    df["deep_link"] = pd.Series(["?entry=" + r["entry_id"] for r in rows], dtype=object)
    return df


def entry_history(store: Store, blog_id: str, entry_id: str) -> pd.DataFrame:
    """Every stored version of one entry, oldest first (ENTRIES columns)."""
    rows = [
        r
        for r in store.read(ENTRIES_TABLE, ENTRIES).to_pylist()
        if r["blog_id"] == blog_id and r["entry_id"] == entry_id
    ]
    rows.sort(key=lambda r: r["version"])
    return _frame(rows, ENTRIES)


def _current_reaction_rows(store: Store, blog_id: str | None) -> list[dict[str, Any]]:
    keys = [
        (r["blog_id"], r["entry_id"], r["version"]) for r in _current_entry_rows(store, blog_id)
    ]
    latest = {
        (r["blog_id"], r["entry_id"], r["version"]): r
        for r in _latest_rows(
            store.read(REACTIONS_TABLE, REACTIONS), ("blog_id", "entry_id", "version")
        )
    }
    return [latest[k] for k in keys if k in latest]


def current_reactions(store: Store, blog_id: str | None = None) -> pd.DataFrame:
    """The reaction of the current version of every entry (REACTIONS columns; list
    columns as Python lists, missing text None), sorted like current_entries."""
    return _frame(_current_reaction_rows(store, blog_id), REACTIONS)


def current_lead(store: Store, blog_id: str) -> str | None:
    """The latest lead (text before the first entry) stored for a blog."""
    for row in _latest_rows(store.read(LIVEBLOGS_TABLE, LIVEBLOGS), ("blog_id",)):
        if row["blog_id"] == blog_id:
            return row["lead"]
    return None


def reaction_timeline(
    store: Store, gazetteer: Gazetteer, blog_id: str | None = None
) -> pd.DataFrame:
    """One row per current entry with its reaction and its camp's label and colour.

    Columns: blog_id, entry_id, version, published_at, date, time, headline, body,
    permalink, deep_link, source_url, blog_order, people, people_names, people_short (as
    the timeline's points name them: short_name of people.csv, else the name), mentioned, camp,
    camp_label, camp_colour, camp_order, outlet, outlet_type, stance, stance_rule,
    stance_evidence, quotes. An entry without a known speaker has camp None and
    camp_label UNKNOWN_CAMP_LABEL. Sorted by published_at, oldest first.
    """
    entries = _current_entry_rows(store, blog_id)
    reactions = {
        (r["blog_id"], r["entry_id"], r["version"]): r
        for r in _current_reaction_rows(store, blog_id)
    }
    camps = gazetteer.camps
    rows = []
    for entry in entries:
        reaction = reactions.get((entry["blog_id"], entry["entry_id"], entry["version"]), {})
        row = {**entry, **{k: reaction.get(k) for k in _REACTION_FIELDS}}
        for col in _LISTS:
            row[col] = list(row.get(col) or [])
        camp = camps.get(row["camp"] or "")
        row["camp"] = camp.camp_id if camp else None
        row["camp_label"] = camp.label if camp else UNKNOWN_CAMP_LABEL
        row["camp_colour"] = camp.colour if camp else UNKNOWN_CAMP_COLOUR
        row["camp_order"] = camp.display_order if camp else ORDER_LAST
        row["deep_link"] = "?entry=" + entry["entry_id"]
        # The names the timeline's points show: the gazetteer's short_name, else the name
        # stored with the reaction (a person since removed from people.csv keeps theirs).
        known, ids, names = gazetteer.people, row["people"], row["people_names"]
        row["people_short"] = (
            [known[p].shown_name if p in known else n for p, n in zip(ids, names, strict=True)]
            if len(ids) == len(names)
            else names
        )
        rows.append(row)
    columns = [
        "blog_id",
        "entry_id",
        "version",
        "published_at",
        "date",
        "time",
        "headline",
        "body",
        "permalink",
        "deep_link",
        "source_url",
        "blog_order",
        "people",
        "people_names",
        "people_short",
        "mentioned",
        "camp",
        "camp_label",
        "camp_colour",
        "camp_order",
        "outlet",
        "outlet_type",
        "stance",
        "stance_rule",
        "stance_evidence",
        "quotes",
    ]
    schema = pa.schema([pa.field(c, pa.string()) for c in columns])  # names only, for _frame
    return _frame(rows, schema)
