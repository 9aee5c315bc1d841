"""Read-side views shared by the CLI and the app: the current document, text tables.

Pure (no streamlit): takes a Store and the data folder, returns plain values.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any

import pandas as pd

from dashboard.election import Election, Round, load_election
from dashboard.errors import DashboardError
from dashboard.fr import BASE_FR, PARIS, fr_int, fr_pct, status_fr, time_known
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
    `authority` is the snapshot's, else the organiser of election.toml; `headline`, what a
    results page leads with, in words already agreed (`lead_headline`); `progress`, the count's
    progress card (`progress_card`)."""
    doc = snapshot_document(rows, candidates)
    doc["authority"] = doc.get("authority") or election.organiser
    doc["headline"] = lead_headline(
        query.shares(rows, candidates), election.round(int(doc["round"])), str(doc["status"])
    )
    doc["progress"] = progress_card(doc)  # the count's progress in the words every page uses
    return doc


def results_text(doc: dict[str, Any]) -> str:
    """A feed document as a French text table for the terminal."""
    as_of = datetime.fromisoformat(doc["as_of"])
    status = status_fr(doc["status"])
    known = time_known(doc.get("note"))
    moment = f"{as_of:%d/%m/%Y à %H:%M}" if known else f"{as_of:%d/%m/%Y}"
    turnout = turnout_figures(doc)
    lines = [
        f"{doc['election']} — tour {doc['round']} — {status}, au {moment}",
        f"Dépouillement : {progress_text(doc)}",
    ]
    if doc.get("inscrits") is not None:
        lines.append(
            f"Inscrits : {fr_int(doc['inscrits'])}   Abstentions : {fr_int(doc.get('abstentions'))}"
        )
    if turnout["text"]:
        lines.append(turnout["text"])
    if not turnout["rate_only"]:
        lines.append(
            f"Votants : {fr_int(doc['votants'])}   Exprimés : {fr_int(doc['exprimes'])}   "
            f"Blancs : {fr_int(doc['blancs'])}   Nuls : {fr_int(doc['nuls'])}"
        )
    lines += ["", f"{'Candidat':<24}{'Voix':>12}  % {BASE_FR[doc['share_base']]}"]
    if doc.get("embargo"):
        until = doc["embargo"].get("until")
        when = f" jusqu'à {datetime.fromisoformat(until):%H:%M}" if until else ""
        lines.insert(-2, f"Sous embargo{when} : voix et parts des candidats masquées")
    for cand in sorted(doc["candidates"], key=lambda c: -(c["share"] or -1)):
        lines.append(f"{cand['name']:<24}{fr_int(cand['votes']):>12}  {fr_pct(cand['share'])}")
    authority = f"{doc['authority']} — " if doc.get("authority") else ""
    lines += ["", f"Source : {authority}{doc['source_url']}"]
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
    from dashboard.results.record import load_areas, validate_source
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
        areas=load_areas(data_dir),
    )
    lines = [f"{where}: {v.label} — {v.text()}" for v in verdicts]
    return lines, all(v.ok for v in verdicts)


# --- display data for every surface (app, exports, public site) -------------------------------
# Pure: figures in, French text out. Names are never cut: a candidate is shown by the
# short_name of candidates.csv when the newsroom gives one, else by the full name.


def display_names(candidates: pd.DataFrame) -> dict[str, str]:
    """candidate id → the name shown in compact places (diffs, labels): short_name, else the
    full name ("Marine Le Pen", never "Pen")."""
    names = dict(zip(candidates["candidate_id"], candidates["name"], strict=True))
    if "short_name" in candidates:
        for cid, short in zip(candidates["candidate_id"], candidates["short_name"], strict=True):
            if isinstance(short, str) and short:
                names[cid] = short
    return names


def _and(names: list[str]) -> str:
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " et " + names[-1]


def winners_headline(shares: pd.DataFrame, rnd: Round, winners: tuple[str, ...]) -> dict[str, str]:
    """The headline card of a round: {"title", "value", "detail"}.

    One winner: "Élue" / "Marine Le Pen" / "58,55 %"; several: "Qualifiés" / "Emmanuel
    Macron et Marine Le Pen" (short names when given) / "27,85 % · 23,15 %"; none yet (a
    partial count): "En tête" and the leader. Labels agree with the candidates' gender."""
    if shares.empty:
        return {"title": "En tête", "value": "n. c.", "detail": ""}
    won = shares[shares["candidate_id"].isin(winners)]
    gender = won["gender"] if "gender" in won else pd.Series([None] * len(won))
    genders = [g if isinstance(g, str) else None for g in gender]
    if len(won) > 1:
        names = [str(n) for n in won["short" if "short" in won else "name"]]
        return {
            "title": rnd.winners_word(genders).capitalize(),
            "value": _and(names),
            "detail": " · ".join(fr_pct(x) for x in won["share"]),
        }
    lead = won.iloc[0] if len(won) else shares.iloc[0]
    title = rnd.winner_word(genders[0] if genders else None).capitalize() if len(won) else "En tête"
    return {"title": title, "value": str(lead["name"]), "detail": fr_pct(lead["share"])}


def round_winners(shares: pd.DataFrame, rnd: Round, status: str) -> tuple[str, ...]:
    """The candidate ids a snapshot's `shares` (highest first) declare won: the round's
    `winners` first, on definitive results only — before that a leader is « en tête »."""
    if shares.empty or status != "definitive":
        return ()
    return tuple(shares["candidate_id"].head(rnd.winners))


def lead_headline(shares: pd.DataFrame, rnd: Round, status: str) -> dict[str, str] | None:
    """`winners_headline` of a snapshot (its winners from `round_winners`), or None when it
    publishes no share: {"title": "Élue", "value": "Marine Le Pen", "detail": "58,55 %"}. The
    public page's live script writes these words as they are (it holds no grammar)."""
    if shares.empty or shares["share"].isna().all():
        return None
    return winners_headline(shares, rnd, round_winners(shares, rnd, status))


def winner_words(shares: pd.DataFrame, rnd: Round) -> dict[str, str]:
    """candidate id → the round's winner word in their gender ("élue", "qualifié")."""
    genders = shares["gender"] if "gender" in shares else [None] * len(shares)
    return {
        str(cid): rnd.winner_word(g if isinstance(g, str) else None)
        for cid, g in zip(shares["candidate_id"], genders, strict=True)
    }


def winners_sentence(shares: pd.DataFrame, rnd: Round, winners: tuple[str, ...]) -> str:
    """The closing sentence of an alt text, naming every winner: "Emmanuel Macron et Marine
    Le Pen qualifiés", "Marine Le Pen élue", or "X arrive en tête" before any winner."""
    if shares.empty:
        return ""
    won = shares[shares["candidate_id"].isin(winners)]
    if won.empty:
        return f"{shares['name'].iloc[0]} arrive en tête"
    genders = [g if isinstance(g, str) else None for g in won.get("gender", [None] * len(won))]
    return f"{_and([str(n) for n in won['name']])} {rnd.winners_word(genders)}"


TURNOUT_FIELDS = ("inscrits", "votants", "abstentions", "participation_pct", "scope")


def turnout_fields(row: Any) -> dict[str, Any]:
    """The turnout fields of a snapshot row (a pandas Series), None where not published:
    what `turnout_figures` reads."""
    return {k: (None if k not in row or pd.isna(row[k]) else row[k]) for k in TURNOUT_FIELDS}


def turnout_figures(doc: dict[str, Any]) -> dict[str, Any]:
    """What a results page leads with, from a feed document (schema 2):

    - `participation_pct`: published, else votants / inscrits when both are known;
    - `abstention_pct`: 100 − participation, when inscrits are known;
    - `rate_only`: a report given only as a rate (midday, 17 h: no votants) — shown as a
      rate with its scope, never as a number of votants;
    - `scope`, and `text`: "Participation : 73,69 % · abstention : 26,31 % (France entière)",
      "Participation : 25,48 % des inscrits (métropole)", or "" when nothing is known."""
    inscrits, votants = doc.get("inscrits"), doc.get("votants")
    rate = doc.get("participation_pct")
    if rate is None and inscrits and votants is not None:
        rate = round(100.0 * votants / inscrits, 2)
    abstention = None
    if doc.get("abstentions") is not None and inscrits:
        abstention = round(100.0 * doc["abstentions"] / inscrits, 2)
    elif rate is not None and inscrits:
        abstention = round(100.0 - rate, 2)
    scope = doc.get("scope")
    where = f" ({scope})" if scope else ""
    rate_only = rate is not None and votants is None
    if rate is None:
        text = ""
    elif rate_only or abstention is None:
        text = f"Participation : {fr_pct(rate)} des inscrits{where}"
    else:
        text = f"Participation : {fr_pct(rate)} · abstention : {fr_pct(abstention)}{where}"
    return {
        "participation_pct": rate,
        "abstention_pct": abstention,
        "inscrits": inscrits,
        "rate_only": rate_only,
        "scope": scope,
        "text": text,
    }


COUNTED_UNIT_FR = {"bureaux": "des bureaux", "inscrits": "des inscrits"}


def progress_text(doc: dict[str, Any]) -> str:
    """How far the count is, in one phrase (`progress_card`'s words): "7 023 / 7 208 (97,4 %)"
    from bureaux, "97 % des inscrits dépouillés" from a counted share, "terminé" for a
    definitive result without either, else "n. c."."""
    card = progress_card(doc)
    if card["label"] == PROGRESS_SHARE and card["detail"]:
        return f"{card['value']} {card['detail']} dépouillés"
    return f"{card['value']} ({card['detail']})" if card["detail"] else str(card["value"])


PROGRESS_SHARE = "Dépouillement"  # the card of a counted share, or of a finished count


def progress_card(doc: Any) -> dict[str, str | None]:
    """The count-progress card of a snapshot (row or dict) as the source gives it: bureaux
    "7 023 / 7 208" with "97,4 %", else the counted share "97 %" with "des inscrits"
    ({"label", "value", "detail"}), for every screen that shows one."""
    counted, total = doc.get("bureaux_counted"), doc.get("bureaux_total")
    counted = None if counted is None or pd.isna(counted) else int(counted)
    total = None if total is None or pd.isna(total) else int(total)
    pct = doc.get("counted_pct")
    if counted is None and pct is not None and not pd.isna(pct):
        # The ministry reports progress as a share (of inscrits or bureaux), not a count.
        value = float(pct)
        return {
            "label": PROGRESS_SHARE,
            "value": fr_pct(value, 0 if value.is_integer() else 2),
            "detail": COUNTED_UNIT_FR.get(str(doc.get("counted_unit")), "") or None,
        }
    if counted is None and doc.get("status") == "definitive":
        # A definitive result is the whole count, even when its source gives no progress.
        return {"label": PROGRESS_SHARE, "value": "terminé", "detail": None}
    return {
        "label": "Bureaux dépouillés",
        "value": fr_int(counted) + ("" if total is None else f" / {fr_int(total)}"),
        "detail": None if counted is None or not total else fr_pct(100 * counted / total, 1),
    }


def comparable(a: dict[str, Any], b: dict[str, Any]) -> str | None:
    """Whether two snapshots' figures may be set side by side (turnout of one round against
    the other, a moment against another): only the same kind (a midday rate is not a count);
    the same stage, or else the label saying it ("partiel vs définitif"); None = do not
    compare."""
    if (a.get("kind") or "count") != (b.get("kind") or "count"):
        return None
    stage_a, stage_b = (
        "définitif" if d.get("status") == "definitive" else "partiel" for d in (a, b)
    )
    return "" if stage_a == stage_b else f"{stage_a} vs {stage_b}"


def votants_change(now: Any, then: Any, label: str) -> str | None:
    """ "+389 424 vs 1er tour": the votants of snapshot `now` against `then` (a snapshot row or
    a dict with kind, status, votants) named `label`, with the stages when they differ
    ("… (partiel vs définitif)"); None when either count is unknown or the two are not alike
    (a midday report is never set against a count)."""
    stages = comparable(dict(now), dict(then))
    votants, other = now.get("votants"), then.get("votants")
    if stages is None or votants is None or other is None or pd.isna(votants) or pd.isna(other):
        return None
    diff = int(votants) - int(other)
    text = f"{'+' if diff >= 0 else '−'}{fr_int(abs(diff))} vs {label}"
    return f"{text} ({stages})" if stages else text


def share_rows(shares: pd.DataFrame) -> list[dict[str, Any]]:
    """One row per candidate of a snapshot (`query.shares`, in its order), those without a
    published share included, shown "n. c." (never dropped): {"candidate_id", "name",
    "short", "share", "votes", "share_text", "votes_text", "published_text"} — what the alt
    text and the tables of the vote split list."""

    def known(value: Any) -> Any:
        return None if value is None or pd.isna(value) else value

    return [
        {
            "candidate_id": str(r["candidate_id"]),
            "name": str(r["name"]),
            "short": str(r["short"]) if "short" in r else str(r["name"]),
            "share": None if known(r["share"]) is None else float(r["share"]),
            "votes": None if known(r["votes"]) is None else int(r["votes"]),
            "share_text": fr_pct(known(r["share"])),
            "votes_text": fr_int(known(r["votes"])),
            "published_text": fr_pct(known(r.get("share_published"))),
        }
        for _, r in shares.iterrows()
    ]
