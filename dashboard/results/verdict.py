"""What happens to a results payload: the one decision shared by `results fetch/watch` (which
then stores) and `results validate` (which only says it), with the same checks in the same
order, so that validate never calls `ok` a document fetch would refuse.

For each document of the payload (one, or one per area and round of a ministry file):
1. its election must be the dashboard's (data/election.toml) — else **refused**;
2. the documents of areas (a département, a région…) of a payload are judged together as one
   snapshot of area rows (the same long table as the nation's), each area on its own rules;
3. the same snapshot again is **unchanged**; the same id with other figures is **refused**;
4. every validation rule (`dashboard.validate`), the ministry's turnout checks, for areas
   their level and code against the election's areas.csv, and for the nation the sequence
   checks (out of order, a round-1 document while round 2 is under way): any flag → **stored
   flagged** (never current), none → **stored**.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

import pandas as pd

from dashboard.election import Election
from dashboard.errors import SourceError, ValidationError
from dashboard.fr import PARIS
from dashboard.inputs import read_input
from dashboard.model import RESULTS, document_rows, is_national
from dashboard.results import validate
from dashboard.results.documents import _charset, detect_format, parse_feed
from dashboard.results.ministry import (
    Area,
    MinistryDocument,
    MinistryIndex,
    is_index,
    parse_index,
    parse_wide,
    parse_xml,
    read_xml,
    sniff,
)
from dashboard.results.query import is_valid
from dashboard.results.record import check_snapshots, load_areas, record_snapshots
from dashboard.store import Store

STORED, FLAGGED, REFUSED, UNCHANGED = ("stored", "flagged", "refused", "unchanged")


@dataclass
class Verdict:
    """The decision on one document of a payload."""

    label: str  # "France entière, tour 2" / "département 75 Paris, tour 2" / "5 zones, tour 1"
    outcome: str  # STORED | FLAGGED | REFUSED | UNCHANGED
    snapshot_id: str | None = None
    round: int | None = None
    reasons: list[str] = field(default_factory=list)
    rows: pd.DataFrame | None = None  # to append (flags set) when STORED or FLAGGED
    extra: list[str] = field(default_factory=list)  # the flags beyond the validation rules
    areas: bool = False  # the documents of areas of a payload, as one snapshot

    @property
    def ok(self) -> bool:
        """Nothing wrong with the figures (what `validate` exits 0 on)."""
        return self.outcome in (STORED, UNCHANGED)

    def text(self) -> str:
        """French, as the watcher speaks: what fetch does (or would do) with the document."""
        why = " ; ".join(self.reasons)
        sid = f" (relevé {self.snapshot_id})" if self.snapshot_id else ""
        return {
            STORED: f"serait enregistré{sid}",
            FLAGGED: f"serait enregistré signalé{sid} : {why}",
            REFUSED: f"serait refusé : {why}",
            UNCHANGED: f"déjà enregistré, rien ne changerait{sid}",
        }[self.outcome]


@dataclass
class Document:
    """One document of a payload, whatever its layout: the schema-1 document, where it is
    from, and the flags of checks that only its layout allows (the ministry's turnout)."""

    document: dict[str, Any]
    label: str = "France entière"
    national: bool = True
    extra_flags: list[str] = field(default_factory=list)


@dataclass
class Payload:
    """What a payload holds: documents to decide on, or the media feed's index."""

    format: str  # "json" | "csv" | "ministry-wide" | "ministry-xml"
    documents: list[Document] = field(default_factory=list)
    index: MinistryIndex | None = None


def read_payload(
    payload: bytes,
    *,
    candidates: pd.DataFrame,
    source: str,
    election_id: str,
    content_type: str = "",
    name: str = "",
    as_of: datetime | None = None,
    round_: int | None = None,
    status: str | None = None,
) -> Payload:
    """Any results payload → its documents (or index). Raises FeedError (one line) when it
    cannot be read; judges nothing (that is `decide`). `as_of`/`round_` stand in for what a
    ministry file does not say (a `Date de l'export`, a round in its name); `status` is the
    index's word on an XML document."""
    kind = sniff(payload, content_type, name)
    if kind == "ministry-xml":
        root = read_xml(payload, source)
        if is_index(root):
            return Payload(kind, index=parse_index(root, source=source))
        docs = parse_xml(
            root, candidates=candidates, source=source, as_of=as_of, status=status or "partial"
        )
        # A document of round 2 repeats round 1: the round it is published for is its last.
        last = max(d.document["round"] for d in docs)
        return Payload(kind, [_from_ministry(d) for d in docs if d.document["round"] == last])
    if kind == "ministry-wide":
        docs = parse_wide(
            payload,
            candidates=candidates,
            source=source,
            election_id=election_id,
            name=name or source,
            as_of=as_of,
            round_=round_,
            encoding=_charset(content_type),
        )
        return Payload(kind, [_from_ministry(d) for d in docs])
    parsed = parse_feed(
        payload,
        candidates=candidates,
        source=source,
        election_id=election_id,
        content_type=content_type,
        name=name,
    )
    return Payload(detect_format(payload, content_type, name), [Document(parsed.document, "")])


def _from_ministry(doc: MinistryDocument) -> Document:
    return Document(doc.document, doc.area.label(), doc.area.national, list(doc.flags))


def record(
    store: Store,
    documents: list[Document],
    *,
    candidates: pd.DataFrame,
    election_id: str,
    where: str,
    write: bool = True,
    election: Election | None = None,
    areas: dict[str, dict[str, str]] | None = None,
) -> list[Verdict]:
    """`decide` against the store: under its lock, appending what it keeps in one atomic
    write (fetch, watch); or, `write=False`, against the store as it is, writing nothing —
    what fetch would do now (validate). Given `election`, a document that cannot be its
    (a round it lacks, a date outside its window) is refused; given `areas` (the election's
    areas.csv, `record.load_areas`), an area it does not list is flagged."""
    if not write:
        existing = store.read_df("results", RESULTS)
        return decide(
            documents,
            existing=existing,
            candidates=candidates,
            election_id=election_id,
            where=where,
            election=election,
            areas=areas,
        )
    with store.lock():
        existing = store.read_df("results", RESULTS)
        verdicts = decide(
            documents,
            existing=existing,
            candidates=candidates,
            election_id=election_id,
            where=where,
            election=election,
            areas=areas,
        )
        _write(store, verdicts, candidates, where, areas)
    return verdicts


def _write(
    store: Store,
    verdicts: list[Verdict],
    candidates: pd.DataFrame,
    where: str,
    areas: dict[str, dict[str, str]] | None = None,
) -> None:
    """Append the documents `decide` keeps through the one results write path
    (`record_snapshots`, the same rules again, areas checked against the same `areas`), its
    hook adding the flags decided beyond the rules (the ministry's turnout, the sequence):
    stored flags are the decided ones."""
    kept = [v for v in verdicts if v.rows is not None]
    if not kept:
        return
    extras = {str(v.snapshot_id): v.extra for v in kept}

    def beyond_rules(rows: pd.DataFrame, _stored: pd.DataFrame) -> list[str]:
        return list(extras.get(str(rows["snapshot_id"].iloc[0]), []))

    record_snapshots(
        store,
        pd.concat([v.rows for v in kept], ignore_index=True),
        candidates,
        allow_flagged=True,
        where=where,
        sequence_rules=beyond_rules,
        areas=areas,
    )


def decide(
    documents: list[Document],
    *,
    existing: pd.DataFrame,
    candidates: pd.DataFrame,
    election_id: str,
    where: str,
    sequence: bool = True,
    election: Election | None = None,
    areas: dict[str, dict[str, str]] | None = None,
) -> list[Verdict]:
    """The verdict on each national document, then one on the payload's documents of areas
    taken together (`area_verdict`), judged against the stored results `existing` (read under
    the store's lock by fetch, read-only by validate). Raises nothing for bad figures.
    `sequence=False` (data build, which loads a past night in any order) leaves out the
    flags of documents arriving out of order."""
    plausible = election  # the name `election` is each document's id below
    known = set(candidates["candidate_id"])
    verdicts = []
    history = existing
    of_areas: list[tuple[Document, pd.DataFrame]] = []
    for doc in documents:
        body = doc.document
        round_ = body.get("round")
        label = f"{doc.label}, tour {round_}" if doc.label else f"tour {round_}"
        election = body.get("election")
        if election != election_id:
            reason = (
                f"document de l'élection {election!r} ; ce tableau de bord montre "
                f"{election_id!r} (election.toml)"
            )
            verdicts.append(Verdict(label, REFUSED, round=round_, reasons=[reason]))
            continue
        try:
            rows = document_rows(body, where=where)
        except SourceError as exc:
            verdicts.append(Verdict(label, REFUSED, round=round_, reasons=[str(exc)]))
            continue
        sid = str(rows["snapshot_id"].iloc[0])
        if not is_national(rows).all():  # a ministry file's area, or a feed document's
            of_areas.append((doc, rows))
            continue
        try:
            report, to_add = check_snapshots(rows, history, known, where=where, election=plausible)
        except SourceError as exc:
            verdicts.append(Verdict(label, REFUSED, sid, round_, [str(exc).split(": ", 1)[-1]]))
            continue
        if to_add.empty:
            verdicts.append(Verdict(label, UNCHANGED, sid, round_))
            continue
        extra = [*doc.extra_flags, *(sequence_flags(to_add, history) if sequence else [])]
        flags = [*report.flagged.get(sid, []), *extra]
        to_add = to_add.assign(flags=[list(flags)] * len(to_add))
        outcome = FLAGGED if flags else STORED
        verdicts.append(Verdict(label, outcome, sid, round_, flags, to_add, extra))
        history = pd.concat([history, to_add], ignore_index=True) if len(history) else to_add
    # The areas of a payload are one snapshot: one of them refused (another election's, an
    # unreadable area) refuses it all, and nothing of it is stored.
    if of_areas and not any(v.outcome == REFUSED for v in verdicts):
        verdicts.append(
            area_verdict(
                of_areas,
                history=history,
                candidates=candidates,
                where=where,
                election=plausible,
                areas=areas,
            )
        )
    return verdicts


def area_verdict(
    documents: list[tuple[Document, pd.DataFrame]],
    *,
    history: pd.DataFrame,
    candidates: pd.DataFrame,
    where: str,
    snapshot_id: str | None = None,
    election: Election | None = None,
    areas: dict[str, dict[str, str]] | None = None,
) -> Verdict:
    """The documents of areas of one payload (each with its rows) as one snapshot of area
    rows: `snapshot_id` (ministry.toml's), else a feed document's own id when it is the only
    one, else t<round>-<as_of>-<level>-<code> for one area and t<round>-<as_of>-zones for
    several — never the id of the nation's snapshot of the same time. Every area checked on
    its own (the rules of one snapshot, the ministry's turnout, its level and code against
    `areas`), flags naming their area. No sequence flags: each area's latest valid snapshot is
    its current one (charts.map.area_rows), in whatever order the areas come."""
    rows = pd.concat([r for _, r in documents], ignore_index=True)
    first = rows.iloc[0]
    round_ = int(first["round"])
    (doc, _), count = documents[0], len(documents)
    own = doc.document.get("snapshot_id") if count == 1 else None
    if snapshot_id is None:
        base = str(first["snapshot_id"])
        one = f"{base}-{first['area_level']}-{first['area_code']}"
        snapshot_id = str(own) if own else one if count == 1 else f"{base}-zones"
    rows = rows.assign(snapshot_id=snapshot_id)
    if count > 1:
        what = f"{count} zones"
    else:  # the ministry's label ("département 75 Paris"), or the same from a feed's area
        level = validate.LEVEL_FR.get(str(first["area_level"]), str(first["area_level"]))
        name = first["area_name"] if isinstance(first["area_name"], str) else ""
        what = doc.label or Area(level, str(first["area_code"]), name).label().strip()
    label = f"{what}, tour {round_}"
    known = set(candidates["candidate_id"])
    try:
        report, to_add = check_snapshots(
            rows, history, known, where=where, election=election, areas=areas
        )
    except SourceError as exc:
        reasons = [str(exc).split(": ", 1)[-1]]
        return Verdict(label, REFUSED, snapshot_id, round_, reasons, areas=True)
    if to_add.empty:
        return Verdict(label, UNCHANGED, snapshot_id, round_, areas=True)
    extra = [f"{d.label} : {flag}" for d, _ in documents for flag in d.extra_flags]
    flags = [*report.flagged.get(snapshot_id, []), *extra]
    to_add = to_add.assign(flags=[list(flags)] * len(to_add))
    outcome = FLAGGED if flags else STORED
    return Verdict(label, outcome, snapshot_id, round_, flags, to_add, extra, areas=True)


def sequence_flags(rows: pd.DataFrame, existing: pd.DataFrame) -> list[str]:
    """Flags for a document that arrives out of sequence, judged against the stored valid
    national snapshots of its election: older than (or as old as) the latest of its round, or
    from a round earlier than one already under way. Its figures may be fine; its timing is
    not."""
    first = rows.iloc[0]
    as_of = pd.Timestamp(first["as_of"]).tz_convert(PARIS)
    if existing.empty:
        return []
    stored = existing[
        (existing["election_id"] == first["election_id"])
        & (existing["snapshot_id"] != first["snapshot_id"])
    ]
    # The nation's own sequence: documents of areas have theirs (each area's latest counts).
    stored = stored.loc[is_valid(stored) & is_national(stored)]
    flags = []
    same = stored[stored["round"] == first["round"]]
    if not same.empty:
        latest = pd.Timestamp(same["as_of"].max()).tz_convert(PARIS)
        if as_of < latest:
            flags.append(
                f"relevé du {as_of:%d/%m %H:%M} arrivé après celui du {latest:%d/%m %H:%M} "
                "(ordre inversé)"
            )
        elif as_of == latest:
            other = same.loc[same["as_of"] == same["as_of"].max(), "snapshot_id"].iloc[0]
            flags.append(f"même heure ({latest:%d/%m %H:%M}) que le relevé {other} déjà reçu")
    later = stored[stored["round"] > first["round"]]
    if not later.empty:
        newest = later.loc[later["as_of"] == later["as_of"].max()].iloc[0]
        moment = pd.Timestamp(newest["as_of"]).tz_convert(PARIS)
        if as_of < moment:
            flags.append(
                f"relevé du tour {int(first['round'])} reçu alors que le tour "
                f"{int(newest['round'])} est en cours (relevé du {moment:%d/%m %H:%M})"
            )
    return flags


# --- data build: the ministry files of data/ ------------------------------------------------

MINISTRY_SOURCES = "ministry.toml"  # lists the files of data/ministry/ that data build reads


def build_ministry(
    store: Store,
    data_dir: Path,
    candidates: pd.DataFrame,
    election_id: str,
    *,
    allow_flagged: bool,
) -> tuple[list[str], list[str], dict[str, list[str]]]:
    """`data build`'s part for the ministry files listed in `data/ministry.toml`
    (`[[files]]` with `file` under data/ministry/, `source_url`, and `as_of` / `round` when
    the file does not say): the same decision as the feed (election, figures, turnout), in any
    order (no sequence flags). National documents are stored; a file of areas is stored as
    one snapshot of area rows (`snapshot_id` of its entry, else t<round>-<as_of>-zones), each
    area checked; `authority` of an entry says who published it. The files are in the folder
    `folder` names at the top of ministry.toml (default `ministry`).
    Returns (ids added, ids unchanged, flags of those stored flagged). A file with a failing
    document is refused — nothing of these files stored — unless `allow_flagged`."""
    listing = Path(data_dir) / MINISTRY_SOURCES
    if not listing.exists():
        return [], [], {}
    entries = _ministry_entries(listing)
    folder = _ministry_folder(listing)
    known_areas = load_areas(data_dir)
    documents: list[tuple[Path, Document]] = []
    area_files: list[tuple[Path, dict[str, Any], list[Document]]] = []
    for row, entry in entries:
        path = Path(data_dir) / folder / entry["file"]
        read = read_payload(
            read_input(str(path)),
            candidates=candidates,
            source=str(path),
            election_id=election_id,
            name=path.name,
            as_of=entry["as_of"],
            round_=entry["round"],
        )
        if read.index is not None:
            raise SourceError("an index, not results", path=str(listing), row=row, field="file")
        for doc in read.documents:
            doc.document["source_url"] = entry["source_url"] or str(path)
            if entry["authority"]:
                doc.document["authority"] = entry["authority"]
        for doc in read.documents:
            if doc.document.get("election") != election_id:
                raise SourceError(
                    f"document de l'élection {doc.document.get('election')!r} ; ce tableau de "
                    f"bord montre {election_id!r} (election.toml)",
                    path=str(path),
                )
        if all(not d.national for d in read.documents):
            # A file of areas: one snapshot of area rows (the same long table as the nation's).
            area_files.append((path, entry, read.documents))
        else:
            documents.extend((path, doc) for doc in read.documents)
    added, unchanged, flagged, stored = [], [], {}, []
    with store.lock():
        existing = store.read_df("results", RESULTS)
        history = existing
        work = [(p, e, d) for p, e, d in area_files] + [(p, None, [d]) for p, d in documents]
        for path, entry, docs in work:
            if entry is not None:  # a file of areas: one snapshot
                verdict = area_verdict(
                    [(d, document_rows(d.document, where=str(path))) for d in docs],
                    history=history,
                    candidates=candidates,
                    where=str(path),
                    snapshot_id=entry["snapshot_id"],
                    areas=known_areas,
                )
            else:
                (verdict,) = decide(
                    docs,
                    existing=history,
                    candidates=candidates,
                    election_id=election_id,
                    where=str(path),
                    sequence=False,
                )
            if verdict.outcome == REFUSED:
                raise SourceError(" ; ".join(verdict.reasons), path=str(path))
            if verdict.reasons and not (allow_flagged and verdict.outcome == FLAGGED):
                raise ValidationError(
                    f"{path} : {verdict.label} : {' ; '.join(verdict.reasons)}"
                    " — rien n'a été enregistré",
                    problems=verdict.reasons,
                )
            if verdict.outcome == UNCHANGED:
                unchanged.append(str(verdict.snapshot_id))
            elif verdict.rows is not None:
                added.append(str(verdict.snapshot_id))
                if verdict.reasons:
                    flagged[str(verdict.snapshot_id)] = list(verdict.reasons)
                stored.append(verdict)
                history = pd.concat([history, verdict.rows], ignore_index=True)
        _write(store, stored, candidates, str(Path(data_dir) / MINISTRY_SOURCES), known_areas)
    return added, unchanged, flagged


def _ministry_folder(listing: Path) -> str:
    folder = tomllib.loads(listing.read_text(encoding="utf-8")).get("folder", "ministry")
    if not isinstance(folder, str) or not folder or "/" in folder or folder.startswith("."):
        raise SourceError("a folder beside ministry.toml", path=str(listing), field="folder")
    return folder


def _ministry_entries(listing: Path) -> list[tuple[int, dict[str, Any]]]:
    from dashboard.model import parse_time

    try:
        doc = tomllib.loads(listing.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise SourceError(f"not valid UTF-8 TOML ({exc})", path=str(listing)) from exc
    files = doc.get("files")
    if not isinstance(files, list) or not files:
        raise SourceError("needs [[files]] entries", path=str(listing))
    out = []
    for row, entry in enumerate(files, start=1):
        if not isinstance(entry, dict) or not isinstance(entry.get("file"), str):
            raise SourceError("a file name is required", path=str(listing), row=row, field="file")
        if "/" in entry["file"] or entry["file"].startswith("."):
            raise SourceError("a file of data/ministry/", path=str(listing), row=row, field="file")
        as_of = entry.get("as_of")
        try:
            moment = parse_time(as_of, field="as_of") if as_of else None
        except SourceError as exc:
            raise SourceError(str(exc), path=str(listing), row=row, field="as_of") from None
        round_ = entry.get("round")
        if round_ is not None and (isinstance(round_, bool) or not isinstance(round_, int)):
            raise SourceError("a whole number", path=str(listing), row=row, field="round")
        url = entry.get("source_url")
        out.append(
            (
                row,
                {
                    "file": entry["file"],
                    "as_of": moment,
                    "round": round_,
                    "source_url": str(url) if url else None,
                    # schema 2: who published the file (default: election.toml's organiser)
                    # and the id of the snapshot its areas make.
                    "authority": str(entry["authority"]) if entry.get("authority") else None,
                    "snapshot_id": str(entry["snapshot_id"]) if entry.get("snapshot_id") else None,
                },
            )
        )
    return out
