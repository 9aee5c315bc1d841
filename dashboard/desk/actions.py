"""The newsroom desk's actions (no streamlit; they write to the store): ingest a live blog,
correct a reaction, add a results snapshot by hand, mark a snapshot corrected/superseded, undo.

Every action validates everything first, then writes its change and one audit-log row (who,
when, what, before/after) in one store transaction: both are stored or neither. Nothing is
ever deleted: an undo is a new change that restores the previous state.
"""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

import pandas as pd
import pyarrow as pa

from dashboard import fr, settings
from dashboard.election import Election, load_election
from dashboard.errors import DashboardError, SourceError, ValidationError
from dashboard.liveblog.parse import ParsedBlog, read_liveblog
from dashboard.liveblog.reactions import STANCES, Gazetteer
from dashboard.liveblog.store import (
    ENTRIES_TABLE,
    REACTIONS_TABLE,
    ingest_liveblog,
)
from dashboard.model import (
    AUDIT,
    MARK_LABELS,
    MARKS,
    REACTIONS,
    RESULTS,
    SHARE_BASES,
    STATUSES,
    document_rows,
)
from dashboard.results.record import MARKS_TABLE, apply_marks, current_marks, record_snapshots
from dashboard.store import Store

AUDIT_TABLE = "audit"
MANUAL_RULE = "desk"  # stance_rule of a reaction corrected by hand: re-ingest keeps it


@dataclass(frozen=True)
class Change:
    change_id: str
    action: str
    target: str
    summary: str


def _json(value: Any) -> str | None:
    return None if value is None else json.dumps(value, ensure_ascii=False, default=str)


def _audit(
    store: Store,
    *,
    who: str,
    action: str,
    target: str,
    before: Any,
    after: Any,
    reason: str = "",
    reverts: str | None = None,
) -> str:
    change_id = uuid.uuid4().hex[:12]
    row = {
        "change_id": change_id,
        "at": datetime.now(tz=UTC),
        "who": who,
        "action": action,
        "target": target,
        "before": _json(before),
        "after": _json(after),
        "reason": reason or None,
        "reverts": reverts,
    }
    store.append(AUDIT_TABLE, pa.Table.from_pylist([row], schema=AUDIT), AUDIT)
    return change_id


def _who(who: str) -> str:
    who = (who or "").strip()
    if not who:
        raise ValidationError("say who you are: the audit log records every change's author")
    return who


def audit_log(store: Store) -> pd.DataFrame:
    """Every desk change, newest first."""
    log = store.read_df(AUDIT_TABLE, AUDIT)
    return log.sort_values("at", ascending=False).reset_index(drop=True)


# --- live blog ---------------------------------------------------------------------------


def check_upload(data: bytes, *, limit_mb: float) -> None:
    if len(data) > limit_mb * 1024 * 1024:
        raise ValidationError(
            f"file too large: {len(data) / 1024 / 1024:.1f} MB (limit {limit_mb:g} MB)"
        )


def preview_liveblog(
    data: bytes,
    *,
    blog_date: date | None,
    source_url: str,
    limit_mb: float,
    election: Election | None = None,
) -> ParsedBlog:
    """Parse pasted or uploaded text/JSON-LD for review; nothing is stored. Entries dated
    outside `election`'s window (default: the election of the data folder) are refused."""
    check_upload(data, limit_mb=limit_mb)
    if not data.strip():
        # The uploader drops a file over its limit and hands over nothing: say why, rather
        # than "empty input".
        raise ValidationError(
            f"rien à lire : collez le texte du direct ou déposez un fichier d'au plus "
            f"{limit_mb:g} Mo (un fichier plus gros est refusé à l'envoi)"
        )
    if election is None:
        election = load_election(settings.data_dir() / "election.toml")
    if not source_url.strip():
        raise ValidationError("give the live blog's source URL")
    if not source_url.startswith(("http://", "https://")):
        raise ValidationError(f"the source URL must start with http:// or https://: {source_url!r}")
    parsed = read_liveblog(
        data, blog_date=blog_date, source_url=source_url, where="le texte", election=election
    )
    if not parsed.entries:
        raise ValidationError("no live-blog entry found (no time stamp such as « 8h24 : »)")
    return parsed


def ingest_preview(
    store: Store, parsed: ParsedBlog, *, source_url: str, gazetteer: Gazetteer, who: str
) -> Change:
    who = _who(who)
    with store.transaction():  # the entries and their audit row land together or not at all
        report = ingest_liveblog(store, parsed, source_url=source_url, gazetteer=gazetteer)
        after = {
            "blog_id": report.blog_id,
            "summary": report.summary(),
            "entries": [e.id for e in parsed.entries],
        }
        cid = _audit(
            store,
            who=who,
            action="ingest_liveblog",
            target=f"blog:{report.blog_id}",
            before=None,
            after=after,
        )
    return Change(cid, "ingest_liveblog", f"blog:{report.blog_id}", report.summary())


# --- reactions ---------------------------------------------------------------------------


def _current_reaction(store: Store, blog_id: str, entry_id: str) -> dict[str, Any]:
    from dashboard.liveblog.store import _current_reaction_rows

    for row in _current_reaction_rows(store, blog_id):
        if row["entry_id"] == entry_id:
            return row
    raise DashboardError(f"no entry {entry_id} in blog {blog_id}")


def edit_reaction(
    store: Store,
    gazetteer: Gazetteer,
    *,
    blog_id: str,
    entry_id: str,
    people: list[str],
    camp: str | None,
    stance: str | None,
    outlet: str | None,
    outlet_type: str | None,
    who: str,
    reason: str,
) -> Change:
    """Correct a reaction's people, camp, stance, outlet: a new reaction row, audited."""
    who = _who(who)
    unknown = [p for p in people if p not in gazetteer.people]
    if unknown:
        raise ValidationError(
            f"unknown person id(s): {', '.join(unknown)} (add them to people.csv)"
        )
    if camp and camp not in gazetteer.camps:
        raise ValidationError(f"unknown camp {camp!r}")
    if stance and stance not in STANCES:
        raise ValidationError(f"stance must be one of {', '.join(STANCES)}")
    with store.transaction():  # read, correction and audit row under one lock, one commit
        before = _current_reaction(store, blog_id, entry_id)
        after = dict(before)
        after.update(
            people=list(people),
            people_names=[gazetteer.people[p].name for p in people],
            camp=camp or None,
            stance=stance or None,
            outlet=(outlet or "").strip() or None,
            outlet_type=outlet_type or None,
            stance_rule=MANUAL_RULE,
            stance_evidence=reason or None,
            recorded_at=datetime.now(tz=UTC),
        )
        return _write_reaction(store, before, after, who=who, reason=reason, action="edit_reaction")


def _write_reaction(
    store: Store,
    before: dict[str, Any],
    after: dict[str, Any],
    *,
    who: str,
    reason: str,
    action: str,
    reverts: str | None = None,
) -> Change:
    table = pa.Table.from_pylist([after], schema=REACTIONS)
    store.append(REACTIONS_TABLE, table, REACTIONS)
    target = f"reaction:{after['blog_id']}/{after['entry_id']}/{after['version']}"
    fields = (
        "people",
        "people_names",
        "camp",
        "stance",
        "outlet",
        "outlet_type",
        "stance_rule",
        "stance_evidence",
    )
    cid = _audit(
        store,
        who=who,
        action=action,
        target=target,
        before={k: before.get(k) for k in fields},
        after={k: after.get(k) for k in fields},
        reason=reason,
        reverts=reverts,
    )
    return Change(cid, action, target, f"{target} corrigée")


# --- results -----------------------------------------------------------------------------


def parse_count(text: str, field: str) -> int | None:
    """A count typed on the desk ("2 000 255", "") → int or None; a clear error otherwise."""
    try:
        return fr.parse_count(text)
    except ValueError as exc:
        raise SourceError(str(exc), field=field) from None


def parse_share(text: str, field: str) -> float | None:
    """A percentage typed on the desk ("58,69", "58,69 %") → float or None."""
    try:
        return fr.parse_share(text)
    except ValueError as exc:
        raise SourceError(str(exc), field=field) from None


def add_snapshot(
    store: Store, candidates: pd.DataFrame, doc: dict[str, Any], *, who: str, reason: str = ""
) -> Change:
    """A figure announced on TV or in a statement, typed in by staff: validated with every
    rule and refused (nothing stored) if inconsistent."""
    who = _who(who)
    if not str(doc.get("source_url") or "").startswith(("http://", "https://")):
        raise ValidationError("a hand-entered snapshot needs its source URL (http…)")
    if doc.get("status") not in STATUSES or doc.get("share_base") not in SHARE_BASES:
        raise ValidationError("status and share base are required")
    rows = document_rows(doc, where="le relevé")
    sid = str(rows["snapshot_id"].iloc[0])
    with store.transaction():  # the snapshot and its audit row land together or not at all
        report = record_snapshots(store, rows, candidates, allow_flagged=False, where="le relevé")
        if not report.added:
            raise ValidationError(f"snapshot {sid} is already stored with these figures")
        cid = _audit(
            store,
            who=who,
            action="add_snapshot",
            target=f"snapshot:{sid}",
            before=None,
            after=doc,
            reason=reason,
        )
    return Change(cid, "add_snapshot", f"snapshot:{sid}", f"relevé {sid} ajouté")


def mark_snapshot(
    store: Store, snapshot_id: str, mark: str, *, who: str, reason: str, reverts: str | None = None
) -> Change:
    who = _who(who)
    if mark not in (*MARK_LABELS, "active"):
        raise ValidationError(f"mark must be one of {', '.join(MARK_LABELS)}")
    if mark != "active" and not reason.strip():
        raise ValidationError("give the reason of the mark (it is shown to readers' editors)")
    with store.transaction():  # the mark and its audit row land together or not at all
        ids = set(store.read("results", RESULTS).column("snapshot_id").to_pylist())
        if snapshot_id not in ids:
            raise ValidationError(f"no snapshot {snapshot_id}")
        before = current_marks(store).get(snapshot_id)
        cid = uuid.uuid4().hex[:12]
        row = {
            "snapshot_id": snapshot_id,
            "mark": mark,
            "reason": reason or None,
            "who": who,
            "at": datetime.now(tz=UTC),
            "change_id": cid,
        }
        store.append(MARKS_TABLE, pa.Table.from_pylist([row], schema=MARKS), MARKS)
        audit_id = _audit(
            store,
            who=who,
            action="mark_snapshot",
            target=f"snapshot:{snapshot_id}",
            before={"mark": before["mark"], "reason": before["reason"]} if before else None,
            after={"mark": mark, "reason": reason},
            reason=reason,
            reverts=reverts,
        )
    return Change(audit_id, "mark_snapshot", f"snapshot:{snapshot_id}", f"{snapshot_id} : {mark}")


# --- undo --------------------------------------------------------------------------------


def undo(store: Store, change_id: str, *, who: str) -> Change:
    """Append the change that reverts `change_id` (nothing is deleted)."""
    who = _who(who)
    with store.transaction():  # nobody undoes the same change twice at once
        return _undo(store, change_id, who=who)


def _undo(store: Store, change_id: str, *, who: str) -> Change:
    log = audit_log(store)
    match = log[log["change_id"] == change_id]
    if match.empty:
        raise ValidationError(f"no change {change_id}")
    change = match.iloc[0]
    if (log["reverts"] == change_id).any():
        raise ValidationError(f"change {change_id} was already undone")
    reason = f"annulation de {change_id}"
    target = str(change["target"])
    if change["action"] == "edit_reaction":
        blog_entry = target.split(":", 1)[1].rsplit("/", 1)[0]
        blog_id, entry_id = blog_entry.split("/", 1)
        current = _current_reaction(store, blog_id, entry_id)
        restored = dict(current)
        restored.update(json.loads(change["before"]))
        restored["recorded_at"] = datetime.now(tz=UTC)
        return _write_reaction(
            store, current, restored, who=who, reason=reason, action="undo", reverts=change_id
        )
    if change["action"] == "mark_snapshot":
        sid = target.split(":", 1)[1]
        before = None if pd.isna(change["before"]) else json.loads(change["before"])
        mark = before["mark"] if before else "active"
        return mark_snapshot(store, sid, mark, who=who, reason=reason, reverts=change_id)
    if change["action"] == "add_snapshot":
        sid = target.split(":", 1)[1]
        return mark_snapshot(store, sid, "withdrawn", who=who, reason=reason, reverts=change_id)
    raise ValidationError(
        "a live-blog ingest cannot be undone here: correct the entries' reactions instead"
    )


__all__ = [
    "AUDIT_TABLE",
    "ENTRIES_TABLE",
    "MARKS_TABLE",
    "Change",
    "add_snapshot",
    "apply_marks",
    "audit_log",
    "check_upload",
    "current_marks",
    "edit_reaction",
    "ingest_preview",
    "mark_snapshot",
    "parse_count",
    "parse_share",
    "preview_liveblog",
    "undo",
]
