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
from urllib.parse import urlsplit

import pandas as pd
import pyarrow as pa

from dashboard import fr, settings
from dashboard.charts.timeline import OUTLET_TYPE_FR
from dashboard.election import Election, load_election
from dashboard.errors import DashboardError, ValidationError
from dashboard.liveblog.parse import ParsedBlog, read_liveblog
from dashboard.liveblog.reactions import STANCES, Gazetteer, extract_reaction
from dashboard.liveblog.store import (
    ENTRIES_TABLE,
    REACTIONS_TABLE,
    ingest_liveblog,
)
from dashboard.model import (
    AUDIT,
    CANDIDATES,
    ENTRIES,
    MARK_LABELS,
    MARKS,
    REACTIONS,
    RESULTS,
    SHARE_BASES,
    STATUSES,
    document_rows,
)
from dashboard.results.query import current_snapshot_id, is_valid, shares, snapshot_rows
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
        raise ValidationError(
            "Indiquez votre nom : le journal inscrit l'auteur de chaque modification."
        )
    return who


def audit_log(store: Store) -> pd.DataFrame:
    """Every desk change, newest first."""
    log = store.read_df(AUDIT_TABLE, AUDIT)
    return log.sort_values("at", ascending=False).reset_index(drop=True)


# --- live blog ---------------------------------------------------------------------------


def mb(size: float) -> str:
    """A size in MB the French way: 2 → "2", 1.5 → "1,5"."""
    return f"{size:.1f}".replace(".", ",").removesuffix(",0")


def check_upload(data: bytes, *, limit_mb: float) -> None:
    if len(data) > limit_mb * 1024 * 1024:
        raise ValidationError(
            f"Fichier trop gros : {mb(len(data) / 1024 / 1024)} Mo (limite {mb(limit_mb)} Mo)."
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
            f"Rien à lire : collez le texte du direct ou déposez un fichier d'au plus "
            f"{mb(limit_mb)} Mo (un fichier plus gros est refusé à l'envoi)."
        )
    if election is None:
        election = load_election(settings.election_dir() / "election.toml")
    if not source_url.strip():
        raise ValidationError("Indiquez l'URL source du live blog.")
    if not source_url.startswith(("http://", "https://")):
        raise ValidationError(
            f"L'URL source doit commencer par http:// ou https:// : {fr.shown(source_url)}."
        )
    parsed = read_liveblog(
        data, blog_date=blog_date, source_url=source_url, where="le texte", election=election
    )
    if not parsed.entries:
        raise ValidationError(
            "Aucune entrée trouvée : le texte n'a pas d'heure en tête d'entrée (« 8h24 : »)."
        )
    return parsed


def blog_name(source_url: str) -> str:
    """How the desk names a blog: "Blog exemple.org" (its host, without www.)."""
    host = (urlsplit(source_url.strip()).hostname or "").removeprefix("www.")
    return f"Blog {host}" if host else "Blog"


@dataclass(frozen=True)
class Correction:
    """What an editor changed in the preview before ingest (None: keep what was detected)."""

    people: tuple[str, ...]
    camp: str | None
    stance: str | None


# The preview's columns, in French: what will be stored for each entry.
PREVIEW_COLUMNS = ("Heure", "Titre", "Personnes", "Camp", "Média", "Position", "Citations")
NO_CAMP = "non identifié"
NO_STANCE = "aucune"


def preview_table(parsed: ParsedBlog, gazetteer: Gazetteer) -> pd.DataFrame:
    """One row per entry (index: entry id) with what ingest will store: time, title, the
    people (names), camp (label), outlet, stance and quotes detected."""
    rows = []
    for entry in parsed.entries:
        reaction = extract_reaction(entry, gazetteer)
        camp = gazetteer.camps.get(reaction.camp) if reaction.camp else None
        outlet = reaction.outlet or ""
        if outlet and reaction.outlet_type:
            outlet = f"{outlet} ({OUTLET_TYPE_FR.get(reaction.outlet_type, reaction.outlet_type)})"
        rows.append(
            {
                "Heure": f"{entry.date:%d/%m} {entry.hhmm}",
                "Titre": entry.headline or "",
                "Personnes": list(reaction.speaker_names),
                "Camp": camp.label if camp else NO_CAMP,
                "Média": outlet,
                "Position": reaction.stance or NO_STANCE,
                "Citations": " · ".join(f"« {q} »" for q in reaction.quotes),
            }
        )
    index = pd.Index([e.id for e in parsed.entries], name="entry_id")
    return pd.DataFrame(rows, columns=list(PREVIEW_COLUMNS), index=index)


def preview_choices(gazetteer: Gazetteer) -> dict[str, list[str]]:
    """The valid values of the preview's editable columns (people names, camp labels,
    stances), for the editor's select boxes."""
    camps = sorted(gazetteer.camps.values(), key=lambda c: (c.display_order, c.camp_id))
    return {
        "Personnes": sorted(p.name for p in gazetteer.people.values()),
        "Camp": [NO_CAMP, *(c.label for c in camps)],
        "Position": [NO_STANCE, *STANCES],
    }


def corrections_from(
    detected: pd.DataFrame, edited: pd.DataFrame, gazetteer: Gazetteer
) -> dict[str, Correction]:
    """The entries whose people, camp or stance the editor changed in the preview, as ids."""
    by_name = {p.name: p.person_id for p in gazetteer.people.values()}
    by_label = {c.label: c.camp_id for c in gazetteer.camps.values()}
    out: dict[str, Correction] = {}
    problems = []
    for entry_id, row in edited.iterrows():
        before = detected.loc[entry_id]
        names = [str(n) for n in (row["Personnes"] if _is_list(row["Personnes"]) else [])]
        if (
            names == list(before["Personnes"])
            and row["Camp"] == before["Camp"]
            and row["Position"] == before["Position"]
        ):
            continue
        unknown = [n for n in names if n not in by_name]
        camp = None if row["Camp"] in (None, "", NO_CAMP) else str(row["Camp"])
        stance = None if row["Position"] in (None, "", NO_STANCE) else str(row["Position"])
        where = f"Entrée de {before['Heure']}"
        if unknown:
            problems.append(
                f"{where} : personne inconnue du fichier people.csv : {', '.join(unknown)}"
            )
        if camp is not None and camp not in by_label:
            problems.append(f"{where} : camp inconnu : {fr.shown(camp)}")
        if stance is not None and stance not in STANCES:
            problems.append(f"{where} : position inconnue : {fr.shown(stance)}")
        if not problems:
            out[str(entry_id)] = Correction(
                tuple(by_name[n] for n in names), by_label.get(camp or ""), stance
            )
    if problems:
        raise ValidationError(
            " ; ".join(problems) + " — rien n'a été enregistré", problems=problems
        )
    return out


def _is_list(value: Any) -> bool:
    return isinstance(value, list | tuple) or hasattr(value, "tolist")


def ingest_preview(
    store: Store,
    parsed: ParsedBlog,
    *,
    source_url: str,
    gazetteer: Gazetteer,
    who: str,
    corrections: dict[str, Correction] | None = None,
) -> Change:
    """Store the previewed entries; each entry corrected in the preview gets the editor's
    people, camp and stance (a hand correction, kept by re-ingest) and its own audit row
    (undoable from the journal)."""
    who = _who(who)
    corrections = corrections or {}
    name = blog_name(source_url)
    with store.transaction():  # the entries, corrections and audit rows land together
        report = ingest_liveblog(store, parsed, source_url=source_url, gazetteer=gazetteer)
        after = {
            "blog_id": report.blog_id,
            "summary": report.summary(name),
            "entries": [e.id for e in parsed.entries],
            "corrected": sorted(corrections),
        }
        cid = _audit(
            store,
            who=who,
            action="ingest_liveblog",
            target=f"blog:{report.blog_id}",
            before=None,
            after=after,
        )
        for entry_id, fix in corrections.items():
            edit_reaction(
                store,
                gazetteer,
                blog_id=report.blog_id,
                entry_id=entry_id,
                people=list(fix.people),
                camp=fix.camp,
                stance=fix.stance,
                who=who,
                reason="corrigé avant l'enregistrement",
                keep_outlet=True,
            )
    summary = report.summary(name)
    if corrections:
        summary += f" ; {_plural(len(corrections), 'réaction corrigée', 'réactions corrigées')}"
    return Change(cid, "ingest_liveblog", f"blog:{report.blog_id}", summary)


def _plural(n: int, one: str, many: str) -> str:
    return f"{n} {one if n < 2 else many}"


# --- reactions ---------------------------------------------------------------------------


def _current_reaction(store: Store, blog_id: str, entry_id: str) -> dict[str, Any]:
    from dashboard.liveblog.store import _current_reaction_rows

    for row in _current_reaction_rows(store, blog_id):
        if row["entry_id"] == entry_id:
            return row
    raise DashboardError(f"Aucune entrée {entry_id} dans le blog {blog_id}.")


def _check_reaction(
    gazetteer: Gazetteer, people: list[str], camp: str | None, stance: str | None
) -> None:
    problems = []
    unknown = [p for p in people if p not in gazetteer.people]
    if unknown:
        problems.append(
            f"personne inconnue : {', '.join(unknown)} (ajoutez-la au fichier people.csv)"
        )
    if camp and camp not in gazetteer.camps:
        problems.append(f"camp inconnu : {fr.shown(camp)}")
    if stance and stance not in STANCES:
        problems.append(f"la position doit être l'une de : {', '.join(STANCES)}")
    if problems:
        raise ValidationError(
            " ; ".join(problems) + " — rien n'a été enregistré", problems=problems
        )


def edit_reaction(
    store: Store,
    gazetteer: Gazetteer,
    *,
    blog_id: str,
    entry_id: str,
    people: list[str],
    camp: str | None,
    stance: str | None,
    who: str,
    reason: str,
    outlet: str | None = None,
    outlet_type: str | None = None,
    keep_outlet: bool = False,
) -> Change:
    """Correct a reaction's people, camp, stance and outlet (kept as detected with
    `keep_outlet`): a new reaction row, audited. Inside a caller's transaction, part of it."""
    who = _who(who)
    _check_reaction(gazetteer, people, camp, stance)
    with store.transaction():  # read, correction and audit row under one lock, one commit
        before = _current_reaction(store, blog_id, entry_id)
        after = dict(before)
        after.update(
            people=list(people),
            people_names=[gazetteer.people[p].name for p in people],
            camp=camp or None,
            stance=stance or None,
            stance_rule=MANUAL_RULE,
            stance_evidence=reason or None,
            recorded_at=datetime.now(tz=UTC),
        )
        if not keep_outlet:
            after.update(outlet=(outlet or "").strip() or None, outlet_type=outlet_type or None)
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
    cid = _audit(
        store,
        who=who,
        action=action,
        target=target,
        before={k: before.get(k) for k in REACTION_FIELDS},
        after={k: after.get(k) for k in REACTION_FIELDS},
        reason=reason,
        reverts=reverts,
    )
    names = after.get("people_names") or []
    who_said = f"de {', '.join(names)}" if names else "sans personne"
    return Change(cid, action, target, f"Réaction {who_said} corrigée")


REACTION_FIELDS = (
    "people",
    "people_names",
    "camp",
    "stance",
    "outlet",
    "outlet_type",
    "stance_rule",
    "stance_evidence",
)


# --- results -----------------------------------------------------------------------------


def parse_count(text: str, field: str) -> int | None:
    """A count typed on the desk ("2 000 255", "") → int or None; a French error naming the
    field otherwise ("Votants : « 1,5 million » n'est pas un nombre entier")."""
    try:
        return fr.parse_count(text)
    except ValueError as exc:
        raise ValidationError(f"{field} : {exc}", problems=[f"{field} : {exc}"]) from None


def parse_share(text: str, field: str) -> float | None:
    """A percentage typed on the desk ("58,69", "58,69 %") → float or None."""
    try:
        return fr.parse_share(text)
    except ValueError as exc:
        raise ValidationError(f"{field} : {exc}", problems=[f"{field} : {exc}"]) from None


COUNT_FIELDS = {
    "bureaux_counted": "Bureaux dépouillés",
    "bureaux_total": "Bureaux au total",
    "votants": "Votants",
    "exprimes": "Exprimés",
    "blancs": "Blancs",
    "nuls": "Nuls",
}


def snapshot_document(
    election: Election,
    *,
    round_: int,
    as_of: datetime,
    status: str,
    share_base: str,
    source_url: str,
    note: str,
    counts: dict[str, str],
    candidates: dict[str, tuple[str, str]],
    names: dict[str, str],
) -> dict[str, Any]:
    """The feed document (schema 1) of a snapshot typed on the desk: counts as typed
    (`counts`: field → text), `candidates`: id → (votes, share) as typed. Every field that
    cannot be read is listed at once (ValidationError.problems)."""
    problems: list[str] = []

    def read(parse: Any, text: str, label: str) -> Any:
        try:
            return parse(text)
        except ValueError as exc:
            problems.append(f"{label} : {exc}")
            return None

    doc_counts = {
        key: read(fr.parse_count, counts.get(key, ""), label) for key, label in COUNT_FIELDS.items()
    }
    chosen = []
    for cid, (votes, share) in candidates.items():
        if not (votes.strip() or share.strip()):
            continue
        name = names.get(cid, cid)
        chosen.append(
            {
                "id": cid,
                "votes": read(fr.parse_count, votes, f"Voix de {name}"),
                "share": read(fr.parse_share, share, f"% de {name}"),
            }
        )
    if not chosen:
        problems.append("Saisissez au moins les voix ou le pourcentage d'un candidat.")
    if not source_url.strip().startswith(("http://", "https://")):
        problems.append("URL source : un relevé saisi à la main a besoin de son URL (http…).")
    if problems:
        raise ValidationError(
            " ; ".join(problems) + " — rien n'a été enregistré", problems=problems
        )
    # A readable id ("t2-2130-saisie"); the date too when it is not the round's polling day.
    day = "" if as_of.date() == election.round(round_).date else f"{as_of:%d%m}-"
    return {
        "schema": 1,
        "election": election.id,
        "snapshot_id": f"t{round_}-{day}{as_of:%H%M}-saisie",
        "round": round_,
        "as_of": as_of.isoformat(),
        "status": status,
        "share_base": share_base,
        "source_url": source_url.strip(),
        "note": note.strip() or None,
        **doc_counts,
        "candidates": chosen,
    }


def round_candidates(
    results: pd.DataFrame, candidates: pd.DataFrame, election: Election, round_: int
) -> list[str]:
    """The candidates a snapshot of `round_` can have, in display order: those of the round's
    stored results; for a round not yet counted, the `winners` of the round before (its
    latest valid snapshot); for a first round, every candidate."""
    ordered = candidates.sort_values("display_order")["candidate_id"].astype(str).tolist()
    valid = results.loc[is_valid(results)] if len(results) else results
    own = (
        set(valid.loc[valid["round"] == round_, "candidate_id"].astype(str))
        if len(valid)
        else set()
    )
    if own:
        return [c for c in ordered if c in own]
    numbers = [r.number for r in election.rounds]
    earlier = [n for n in numbers if n < round_]
    if earlier:
        previous = max(earlier)
        sid = current_snapshot_id(results, previous, with_shares=True) if len(results) else None
        if sid is not None:
            top = shares(snapshot_rows(results, sid), candidates)
            return top["candidate_id"].head(election.round(previous).winners).astype(str).tolist()
    return ordered


def add_snapshot(
    store: Store, candidates: pd.DataFrame, doc: dict[str, Any], *, who: str, reason: str = ""
) -> Change:
    """A figure announced on TV or in a statement, typed in by staff: validated with every
    rule and refused (nothing stored) if inconsistent."""
    who = _who(who)
    if not str(doc.get("source_url") or "").startswith(("http://", "https://")):
        raise ValidationError(
            "Un relevé saisi à la main a besoin de son URL source (http:// ou https://)."
        )
    if doc.get("status") not in STATUSES or doc.get("share_base") not in SHARE_BASES:
        raise ValidationError("Le statut et la base des pourcentages sont obligatoires.")
    rows = document_rows(doc, where="le relevé")
    sid = str(rows["snapshot_id"].iloc[0])
    with store.transaction():  # the snapshot and its audit row land together or not at all
        report = record_snapshots(store, rows, candidates, allow_flagged=False)
        if not report.added:
            raise ValidationError(f"Le relevé {sid} est déjà enregistré avec ces chiffres.")
        cid = _audit(
            store,
            who=who,
            action="add_snapshot",
            target=f"snapshot:{sid}",
            before=None,
            after=doc,
            reason=reason,
        )
    return Change(cid, "add_snapshot", f"snapshot:{sid}", f"Relevé {sid} ajouté")


def mark_snapshot(
    store: Store, snapshot_id: str, mark: str, *, who: str, reason: str, reverts: str | None = None
) -> Change:
    who = _who(who)
    if mark not in (*MARK_LABELS, "active"):
        raise ValidationError(f"La marque doit être l'une de : {', '.join(MARK_LABELS.values())}.")
    if mark != "active" and not reason.strip():
        raise ValidationError("Indiquez le motif de la marque (il est montré aux éditeurs).")
    with store.transaction():  # the mark and its audit row land together or not at all
        ids = set(store.read("results", RESULTS).column("snapshot_id").to_pylist())
        if snapshot_id not in ids:
            raise ValidationError(f"Aucun relevé {snapshot_id}.")
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
    label = MARK_LABELS.get(mark, "actif")
    return Change(
        audit_id,
        "mark_snapshot",
        f"snapshot:{snapshot_id}",
        f"Relevé {snapshot_id} marqué « {label} »",
    )


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
        raise ValidationError(f"Aucune modification {change_id} au journal.")
    change = match.iloc[0]
    if (log["reverts"] == change_id).any():
        raise ValidationError("Cette modification a déjà été annulée.")
    reason = f"annulation de la modification du {_paris(change['at'])}"
    target = str(change["target"])
    if change["action"] in ("edit_reaction", "undo") and target.startswith("reaction:"):
        blog_entry = target.split(":", 1)[1].rsplit("/", 1)[0]
        blog_id, entry_id = blog_entry.split("/", 1)
        current = _current_reaction(store, blog_id, entry_id)
        restored = dict(current)
        restored.update(json.loads(change["before"]))
        restored["recorded_at"] = datetime.now(tz=UTC)
        done = _write_reaction(
            store, current, restored, who=who, reason=reason, action="undo", reverts=change_id
        )
        names = restored.get("people_names") or []
        whose = f"de {', '.join(names)}" if names else "sans personne"
        summary = f"Correction annulée : réaction {whose} rétablie"
        return Change(done.change_id, "undo", target, summary)
    if change["action"] == "mark_snapshot" or (
        change["action"] == "undo" and target.startswith("snapshot:")
    ):
        sid = target.split(":", 1)[1]
        before = None if pd.isna(change["before"]) else json.loads(change["before"])
        mark = before["mark"] if before else "active"
        done = mark_snapshot(store, sid, mark, who=who, reason=reason, reverts=change_id)
        state = "de nouveau pris en compte" if mark == "active" else f"« {MARK_LABELS[mark]} »"
        summary = f"Marque annulée : relevé {sid} {state}"
        return Change(done.change_id, "undo", target, summary)
    if change["action"] == "add_snapshot":
        sid = target.split(":", 1)[1]
        done = mark_snapshot(store, sid, "withdrawn", who=who, reason=reason, reverts=change_id)
        return Change(done.change_id, "undo", target, f"Ajout annulé : relevé {sid} retiré")
    raise ValidationError(
        "Un import de live blog ne s'annule pas ici : corrigez plutôt les réactions de ses "
        "entrées (onglet « Réactions »)."
    )


def undoable(log: pd.DataFrame) -> pd.Series:
    """Which journal rows can still be undone (not an ingest, not already undone)."""
    reverted = set(log["reverts"].dropna())
    return (log["action"] != "ingest_liveblog") & ~log["change_id"].isin(reverted)


# --- journal -----------------------------------------------------------------------------

ACTION_LABELS = {
    "ingest_liveblog": "Import de live blog",
    "edit_reaction": "Correction de réaction",
    "add_snapshot": "Relevé ajouté",
    "mark_snapshot": "Marque de relevé",
    "undo": "Annulation",
}
JOURNAL_COLUMNS = ("Quand", "Qui", "Action", "Objet", "Avant", "Après", "Motif")


def _paris(when: Any) -> str:
    return f"{pd.Timestamp(when).tz_convert(fr.PARIS):%d/%m/%Y %H:%M}"


def journal(store: Store, election: Election, gazetteer: Gazetteer | None = None) -> pd.DataFrame:
    """The audit log for people: newest first, French headers, Paris times, readable targets
    and before/after as text. Index: the change ids; column `undoable`."""
    log = audit_log(store)
    results = store.read_df("results", RESULTS)
    rounds = (
        dict(zip(results["snapshot_id"].astype(str), results["round"], strict=True))
        if len(results)
        else {}
    )
    entries = store.read_df(ENTRIES_TABLE, ENTRIES)
    times = (
        {
            (str(b), str(e)): p
            for b, e, p in zip(
                entries["blog_id"], entries["entry_id"], entries["published_at"], strict=True
            )
        }
        if len(entries)
        else {}
    )
    blogs = (
        dict(zip(entries["blog_id"].astype(str), entries["source_url"].astype(str), strict=True))
        if len(entries)
        else {}
    )
    candidates = store.read_df("candidates", CANDIDATES)
    labels = _Labels(
        camps=gazetteer.camps if gazetteer is not None else {},
        names=dict(zip(candidates["candidate_id"], candidates["name"], strict=True)),
    )
    reverted = set(log["reverts"].dropna())
    rows = []
    for change in log.itertuples():
        action = (
            "Annulation"
            if not pd.isna(change.reverts)
            else ACTION_LABELS.get(change.action, change.action)
        )
        if change.change_id in reverted:
            action += " (annulée)"
        before = None if pd.isna(change.before) else json.loads(change.before)
        after = None if pd.isna(change.after) else json.loads(change.after)
        rows.append(
            {
                "Quand": _paris(change.at),
                "Qui": change.who,
                "Action": action,
                "Objet": _target_text(
                    str(change.target), before, after, rounds, times, blogs, election
                ),
                "Avant": _state_text(change.action, str(change.target), before, labels),
                "Après": _state_text(change.action, str(change.target), after, labels),
                "Motif": "" if pd.isna(change.reason) else str(change.reason),
            }
        )
    out = pd.DataFrame(
        rows, columns=list(JOURNAL_COLUMNS), index=pd.Index(log["change_id"], name="change_id")
    )
    out["undoable"] = undoable(log).to_numpy() if len(log) else []
    return out


def _target_text(
    target: str,
    before: Any,
    after: Any,
    rounds: dict[str, Any],
    times: dict[tuple[str, str], Any],
    blogs: dict[str, str],
    election: Election,
) -> str:
    kind, _, rest = target.partition(":")
    if kind == "snapshot":
        number = rounds.get(rest)
        if number is None and isinstance(after, dict) and "round" in after:
            number = after["round"]
        try:
            label = election.round(int(number)).label if number is not None else None
        except DashboardError:
            label = None
        return f"Relevé {rest} ({label})" if label else f"Relevé {rest}"
    if kind == "reaction":
        blog_id, entry_id = rest.rsplit("/", 1)[0].split("/", 1)
        state = after if isinstance(after, dict) else before if isinstance(before, dict) else {}
        names = [n for n in (state.get("people_names") or []) if n]
        if not names and isinstance(before, dict):
            names = [n for n in (before.get("people_names") or []) if n]
        who = f"de {', '.join(names)}" if names else "sans personne identifiée"
        when = times.get((blog_id, entry_id))
        stamp = f", {pd.Timestamp(when).tz_convert(fr.PARIS):%H:%M}" if when is not None else ""
        return f"Réaction {who}{stamp}"
    if kind == "blog":
        return blog_name(blogs.get(rest, "")) if rest in blogs else f"Blog {rest}"
    return target


@dataclass(frozen=True)
class _Labels:
    camps: dict[str, Any]  # camp_id → Camp
    names: dict[str, str]  # candidate_id → name


def _state_text(action: str, target: str, state: Any, labels: _Labels) -> str:
    camps = labels.camps
    if state is None:
        return "—"
    if not isinstance(state, dict):
        return str(state)
    if target.startswith("reaction:"):
        names = ", ".join(state.get("people_names") or []) or "personne"
        camp = state.get("camp")
        camp_text = camps[camp].label if camp in camps else (camp or NO_CAMP)
        parts = [names, f"camp {camp_text}", f"position {state.get('stance') or NO_STANCE}"]
        if state.get("outlet"):
            kind = OUTLET_TYPE_FR.get(state.get("outlet_type") or "", "")
            parts.append(f"média {state['outlet']}" + (f" ({kind})" if kind else ""))
        return " · ".join(parts)
    if action == "ingest_liveblog" or "summary" in state:
        return str(state.get("summary") or "")
    if "mark" in state and "candidates" not in state:
        mark = MARK_LABELS.get(state["mark"], "actif")
        return f"{mark} — {state['reason']}" if state.get("reason") else mark
    if "candidates" in state:  # a snapshot typed on the desk
        parts = [f"{fr.status_fr(state.get('status'))}, au {_paris(state['as_of'])}"]
        for key, label in (("votants", "votants"), ("exprimes", "exprimés")):
            if state.get(key) is not None:
                parts.append(f"{fr.fr_int(state[key])} {label}")
        for cand in state["candidates"]:
            bits = []
            if cand.get("share") is not None:
                bits.append(fr.fr_pct(cand["share"]))
            if cand.get("votes") is not None:
                bits.append(f"{fr.fr_int(cand['votes'])} voix")
            name = labels.names.get(cand["id"], cand["id"])
            parts.append(f"{name} {' / '.join(bits)}".strip())
        return " · ".join(parts)
    return ", ".join(f"{k} : {v}" for k, v in state.items())


__all__ = [
    "ACTION_LABELS",
    "AUDIT_TABLE",
    "ENTRIES_TABLE",
    "MARKS_TABLE",
    "PREVIEW_COLUMNS",
    "Change",
    "Correction",
    "add_snapshot",
    "apply_marks",
    "audit_log",
    "blog_name",
    "check_upload",
    "corrections_from",
    "current_marks",
    "edit_reaction",
    "ingest_preview",
    "journal",
    "mark_snapshot",
    "mb",
    "parse_count",
    "parse_share",
    "preview_choices",
    "preview_liveblog",
    "preview_table",
    "round_candidates",
    "snapshot_document",
    "undo",
    "undoable",
]
