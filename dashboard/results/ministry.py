"""The Interior Ministry's own layouts → feed documents (schema 2), one per area and round.

Pure, like `documents`: payload bytes in, documents out; every problem is a FeedError of one
line naming the source, the row (or XML element) and the field. Consistency is judged by the
one decision of `dashboard.results` (validation rules) plus `turnout_flags` below (the turnout
block and the % columns the ministry publishes beside every count).

**Wide CSV** (the `resultats-par-niveau-*` files of data.gouv.fr): `;`, Windows-1252, decimal
comma, one row per area — or one row for the nation — with the area columns (`Code du niveau;
Libellé du niveau`, `Code du département;Libellé du département`, `Code de la région;…`, …) or
`Date de l'export`, then `Etat saisie`, the turnout block `Inscrits;Abstentions;% Abs/Ins;
Votants;% Vot/Ins;Blancs;% Blancs/Ins;% Blancs/Vot;Nuls;% Nuls/Ins;% Nuls/Vot;Exprimés;
% Exp/Ins;% Exp/Vot`, then one group per candidate (`[N°Panneau;]Sexe;Nom;Prénom;Voix;
% Voix/Ins;% Voix/Exp`). The header may name the first group only: the rows carry the others.

**XML media feed** (`…/resultatsT1/FE.xml`, `…/<reg>/<dpt>/<dpt>.xml`, `index.xml`):
`<Election><Scrutin><Type/><Annee/></Scrutin>` then the nation's `<Tours>` or a
`<Departement>` / `<Region>` with its `<Tours>`; each `<Tour>` has `<NumTour>`, `<Mentions>`
(counts and rates) and `<Resultats><Candidats><Candidat>` (`NumPanneauCand`, `NomPsn`,
`PrenomPsn`, `CivilitePsn`, `NbVoix`, `RapportExprime`, `RapportInscrit`). The documents carry
no time: it comes from the index (`DateDerMaj`/`HeureDerMaj`) or `--as-of`. DTDs and entities
are refused (defusedxml): a hostile feed cannot expand into gigabytes.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from urllib.parse import urljoin, urlsplit
from xml.etree.ElementTree import Element

import defusedxml.ElementTree as SafeET
import pandas as pd
from defusedxml import DefusedXmlException

from dashboard.errors import FeedError, ParseError
from dashboard.fr import PARIS, fold, fr_int, fr_pct, parse_count, parse_share, slugify
from dashboard.inputs import decode_text
from dashboard.model import DOCUMENT_SCHEMA_VERSION, RENAME
from dashboard.results.documents import STATUS_WORDS, _as_of, match_candidate
from dashboard.results.validate import SHARE_TOLERANCE

NATIONAL = "national"
# Area columns of the wide layout: folded "code …" header → (level, folded name header).
_AREA_COLUMNS = {
    "code du niveau": ("niveau", "libelle du niveau"),
    "code du departement": ("département", "libelle du departement"),
    "code de la region": ("région", "libelle de la region"),
    "code de la circonscription": ("circonscription", "libelle de la circonscription"),
    "code de la commune": ("commune", "libelle de la commune"),
}
# The turnout block: our key → (label as published, numerator, denominator) for the rates.
TURNOUT = ("inscrits", "abstentions", "votants", "blancs", "nuls", "exprimes")
RATES = {
    "abstentions_ins": ("% Abs/Ins", "abstentions", "inscrits"),
    "votants_ins": ("% Vot/Ins", "votants", "inscrits"),
    "blancs_ins": ("% Blancs/Ins", "blancs", "inscrits"),
    "blancs_vot": ("% Blancs/Vot", "blancs", "votants"),
    "nuls_ins": ("% Nuls/Ins", "nuls", "inscrits"),
    "nuls_vot": ("% Nuls/Vot", "nuls", "votants"),
    "exprimes_ins": ("% Exp/Ins", "exprimes", "inscrits"),
    "exprimes_vot": ("% Exp/Vot", "exprimes", "votants"),
}
GROUP_KEYS = (
    "panel",
    "sex",
    "last_name",
    "first_name",
    "votes",
    "share_inscrits",
    "share_published",
)
RATE_TOLERANCE = SHARE_TOLERANCE + 0.005  # a rate published to 2 decimals, as shares are
_FOLDED = {fold(k): v for k, v in RENAME.items()}


@dataclass(frozen=True)
class Area:
    """Where a document's figures are from: the nation, or one area of a level."""

    level: str  # "national", "département", "région", "circonscription", "commune", …
    code: str  # "FE", "01", "2A", "ZA", "ZZ", …
    name: str

    @property
    def national(self) -> bool:
        return self.level == NATIONAL

    def label(self) -> str:
        return "France entière" if self.national else f"{self.level} {self.code} {self.name}"


@dataclass
class MinistryDocument:
    """One area and round of a ministry payload: its schema-1 document (with `inscrits`,
    `abstentions` and `area` besides the schema's keys), every turnout figure and rate as
    read, and the flags of `turnout_flags`."""

    area: Area
    document: dict[str, Any]
    turnout: dict[str, Any]
    where: str  # "row 3", "<Tour> 2"
    flags: list[str] = field(default_factory=list)


# --- detection ------------------------------------------------------------------------------


def sniff(payload: bytes, content_type: str = "", name: str = "") -> str | None:
    """ "ministry-xml", "ministry-wide" or None (not a ministry layout we read)."""
    mime = content_type.split(";", 1)[0].strip().lower()
    head = payload.lstrip(b"\xef\xbb\xbf \t\r\n")[:200]
    if mime.endswith("/xml") or mime.endswith("+xml") or name.lower().endswith(".xml"):
        return "ministry-xml"
    if head.startswith(b"<"):
        return "ministry-xml"
    first = payload.lstrip(b"\xef\xbb\xbf").split(b"\n", 1)[0]
    try:
        header = [fold(cell) for cell in decode_text(first, where=name).split(";")]
    except ParseError:
        return None  # not text: the JSON / CSV readers say what is wrong
    if ("etat saisie" in header or "date de l'export" in header) and "voix" in header:
        return "ministry-wide"
    if any(h in _AREA_COLUMNS for h in header) and "voix" in header:
        return "ministry-wide"
    return None


# --- the wide CSV -----------------------------------------------------------------------------


def _key(header: str) -> str:
    folded = fold(header)
    return _FOLDED.get(folded, folded)


_ROUND_IN_NAME = re.compile(r"(?:^|[-_. ])t(?:our)?[-_ ]?([1-9])(?=[-_. ]|$)", re.IGNORECASE)


def round_from_name(name: str) -> int | None:
    """The round a ministry file name gives (`…-t1-…`, `…_Tour_2…`), or None."""
    base = urlsplit(name).path.rsplit("/", 1)[-1] if "/" in name else name
    match = _ROUND_IN_NAME.search(base)
    return int(match.group(1)) if match else None


def parse_wide(
    payload: bytes,
    *,
    candidates: pd.DataFrame,
    source: str,
    election_id: str,
    name: str = "",
    as_of: datetime | None = None,
    round_: int | None = None,
    encoding: str | None = None,
) -> list[MinistryDocument]:
    """A wide ministry CSV → one MinistryDocument per row (area)."""
    text = decode_text(payload, encoding=encoding, where=source)
    if not text.strip():
        raise FeedError(f"{source}: empty payload")
    try:
        rows = list(csv.reader(io.StringIO(text), delimiter=";"))
    except csv.Error as exc:
        raise FeedError(f"{source}: unreadable CSV ({exc})") from exc
    header = rows[0]
    keys = [_key(h) for h in header]
    layout = _WideLayout(source, header, keys)
    out = []
    for row_no, cells in enumerate(rows[1:], start=2):
        if not any(c.strip() for c in cells):
            continue
        out.append(
            layout.document(
                row_no,
                [c.strip() for c in cells],
                candidates=candidates,
                election_id=election_id,
                as_of=as_of,
                round_=round_ or round_from_name(name or source),
            )
        )
    if not out:
        raise FeedError(f"{source}: no data rows")
    if any(d.area.national for d in out) and len(out) > 1:
        raise FeedError(f"{source}: row 3: a national (France entière) file has one row")
    return out


_LEVELS = {
    "code du niveau": "niveau",
    "code du departement": "département",
    "code de la region": "région",
    "code de la circonscription": "circonscription",
    "code de la commune": "commune",
}


class _WideLayout:
    """The columns of one wide file: where the area, turnout and candidate groups are."""

    def __init__(self, source: str, header: list[str], keys: list[str]) -> None:
        self.source, self.header = source, header
        self.index: dict[str, int] = {}
        for i, key in enumerate(keys):
            self.index.setdefault(key, i)
        self.level = next((_LEVELS[fold(h)] for h in header if fold(h) in _LEVELS), None)
        starts = [i for i, key in enumerate(keys) if key in GROUP_KEYS]
        if not starts or "last_name" not in keys[starts[0] :]:
            raise FeedError(f"{source}: row 1: missing column(s): Nom (the candidate groups)")
        self.start = starts[0]
        pattern: list[str] = []
        for key in keys[self.start :]:
            if key in pattern:
                break
            pattern.append(key)
        for j, key in enumerate(keys[self.start :]):
            if key != pattern[j % len(pattern)]:
                raise FeedError(
                    f"{source}: row 1: column {self.start + j + 1} ({header[self.start + j]!r}): "
                    "the candidate groups must repeat "
                    + ";".join(header[self.start : self.start + len(pattern)])
                )
        if "votes" not in pattern and "share_published" not in pattern:
            raise FeedError(f"{source}: row 1: missing column(s): Voix or % Voix/Exp")
        self.pattern = pattern

    def label(self, key: str) -> str:
        return self.header[self.index[key]] if key in self.index else key

    def document(
        self,
        row_no: int,
        cells: list[str],
        *,
        candidates: pd.DataFrame,
        election_id: str,
        as_of: datetime | None,
        round_: int | None,
    ) -> MinistryDocument:
        where = f"{self.source}: row {row_no}"
        if len(cells) < self.start:
            raise FeedError(f"{where}: fewer fields than the header")

        def cell(key: str) -> str:
            i = self.index.get(key)
            return cells[i] if i is not None and i < self.start else ""

        def number(key: str, parse=parse_count) -> Any:
            try:
                return parse(cell(key))
            except ValueError as exc:
                raise FeedError(f"{where}: field '{self.label(key)}': {exc}") from None

        turnout: dict[str, Any] = {k: number(k) for k in TURNOUT}
        turnout.update({k: number(k, parse_share) for k in RATES})
        area = self._area(cell)
        moment = self._as_of(where, cell("exported_at"), as_of)
        tour = number("round") if cell("round") else round_
        if not tour:
            raise FeedError(
                f"{where}: no round: the file has no 'Tour' column and its name does not say "
                "(…-t1-…); give it with --round"
            )
        entries, shares_ins = [], []
        known = _known(candidates, election_id)
        groups = cells[self.start :]
        width = len(self.pattern)
        for g in range(0, len(groups), width):
            raw = dict(zip(self.pattern, groups[g : g + width], strict=False))
            if not any(raw.values()):
                continue  # the empty groups of a row with fewer candidates
            column = self.start + g + 1
            entry, share_ins = _candidate(where, column, raw, known)
            entries.append(entry)
            shares_ins.append((entry["id"], entry["votes"], share_ins))
        if not entries:
            raise FeedError(f"{where}: no candidate in this row")
        turnout["candidates"] = shares_ins
        doc = _document(
            election_id,
            tour,
            moment,
            self._status(where, cell),
            turnout,
            entries,
            area,
            self.source,
        )
        return MinistryDocument(area, doc, turnout, f"row {row_no}", turnout_flags(turnout))

    def _area(self, cell) -> Area:
        if self.level is None:
            return Area(NATIONAL, "FE", "France entière")
        code, name = cell("area_code"), cell("area_name")
        if self.level == "niveau":
            return Area(NATIONAL if code.upper() == "FE" else "ensemble", code, name)
        return Area(self.level, code, name)

    def _as_of(self, where: str, exported: str, given: datetime | None) -> datetime:
        if exported:
            day, _, clock = exported.partition(" ")
            try:
                return _as_of(day, clock or "00:00")
            except ValueError as exc:
                raise FeedError(f"{where}: field '{self.label('exported_at')}': {exc}") from None
        if given is None:
            raise FeedError(
                f"{where}: no time in the file (no 'Date de l'export' column); give it with --as-of"
            )
        return given

    def _status(self, where: str, cell) -> str:
        word = fold(cell("status"))
        if word:
            if word not in STATUS_WORDS:
                raise FeedError(
                    f"{where}: field '{self.label('status')}': {cell('status')!r} is not one of "
                    "partiel, corrigé, définitif"
                )
            return STATUS_WORDS[word]
        state = fold(cell("entry_state"))
        if state and state not in ENTRY_STATES:
            raise FeedError(
                f"{where}: field '{self.label('entry_state')}': {cell('entry_state')!r} is not "
                "one of Complet, Partiel, En cours"
            )
        return ENTRY_STATES.get(state, "partial")


# "Etat saisie": every area entered (Complet) or not yet. Complet is taken as the definitive
# count: the ministry publishes the same word for the night's complete count and for the
# figures proclaimed days later.
ENTRY_STATES = {
    "complet": "definitive",
    "partiel": "partial",
    "en cours": "partial",
    "incomplet": "partial",
}


def _known(candidates: pd.DataFrame, election_id: str) -> pd.DataFrame:
    if "election_id" in candidates:
        return candidates[candidates["election_id"] == election_id]
    return candidates


def _candidate(
    where: str, column: int, raw: dict[str, str], known: pd.DataFrame
) -> tuple[dict[str, Any], float | None]:
    last, first = raw.get("last_name", ""), raw.get("first_name", "")
    if not last:
        raise FeedError(f"{where}: column {column}: a candidate group without 'Nom'")
    name = " ".join(p for p in (first, last) if p)
    values = {}
    for key, label, parse in (
        ("votes", "Voix", parse_count),
        ("share_published", "% Voix/Exp", parse_share),
        ("share_inscrits", "% Voix/Ins", parse_share),
    ):
        try:
            values[key] = parse(raw.get(key, ""))
        except ValueError as exc:
            raise FeedError(f"{where}: field '{label}' of {name}: {exc}") from None
    cid = match_candidate(name, known) or _slug(name)
    entry = {"id": cid, "name": name, "votes": values["votes"], "share": values["share_published"]}
    return entry, values["share_inscrits"]


def _document(
    election_id: str,
    tour: int,
    as_of: datetime,
    status: str,
    turnout: dict[str, Any],
    entries: list[dict[str, Any]],
    area: Area,
    source: str,
) -> dict[str, Any]:
    return {
        "schema": DOCUMENT_SCHEMA_VERSION,
        "election": election_id,
        "round": tour,
        "snapshot_id": None,  # t<round>-<as_of>, as for every feed document
        "as_of": as_of.isoformat(),
        "status": status,
        "kind": "count",
        "bureaux_counted": None,
        "bureaux_total": None,
        **{k: turnout[k] for k in ("votants", "exprimes", "blancs", "nuls")},
        "share_base": "exprimes",
        "candidates": entries,
        "source_url": source,
        "note": None if area.national else f"{area.label()} (résultats par zone)",
        "flags": [],
        # Schema 2: the turnout block and the area (the nation: level "national").
        "inscrits": turnout["inscrits"],
        "abstentions": turnout["abstentions"],
        "participation_pct": turnout.get("votants_ins"),
        "scope": area.label() if area.national else None,
        "area": {"level": area.level, "code": area.code, "name": area.name},
    }


def turnout_flags(turnout: dict[str, Any]) -> list[str]:
    """The ministry's own consistency: abstentions = inscrits − votants, votants ≤ inscrits,
    and every published rate (% Abs/Ins … % Voix/Ins) against its counts, within rounding."""
    flags = []
    ins, vot, abst = turnout["inscrits"], turnout["votants"], turnout["abstentions"]
    if None not in (ins, vot, abst) and ins - vot != abst:
        flags.append(f"abstentions ({fr_int(abst)}) ≠ inscrits − votants ({fr_int(ins - vot)})")
    if ins is not None and vot is not None and vot > ins:
        flags.append(f"votants ({fr_int(vot)}) > inscrits ({fr_int(ins)})")
    for key, (label, num, den) in RATES.items():
        flag = _rate_flag(label, turnout[key], turnout[num], turnout[den], _BASES[den])
        if flag:
            flags.append(flag)
    for cid, votes, share in turnout.get("candidates", []):
        flag = _rate_flag(f"{cid} : % Voix/Ins", share, votes, ins, "inscrits")
        if flag:
            flags.append(flag)
    return flags


_BASES = {"inscrits": "inscrits", "votants": "votants"}


def _rate_flag(label: str, published, count, base, base_label: str) -> str | None:
    if published is None or count is None or not base:
        return None
    computed = 100.0 * count / base
    if abs(computed - published) <= RATE_TOLERANCE:
        return None
    return f"{label} publié {fr_pct(published)} ≠ {fr_pct(computed)} recalculé sur les {base_label}"


# --- the XML media feed -------------------------------------------------------------------


def read_xml(payload: bytes, source: str) -> Element:
    """The root element of a ministry XML payload. DTDs and entities are refused (defusedxml):
    no entity expansion, no external resource is ever loaded."""
    if not payload.strip():
        raise FeedError(f"{source}: empty payload")
    try:
        return SafeET.fromstring(payload, forbid_dtd=True)
    except DefusedXmlException as exc:
        raise FeedError(
            f"{source}: XML with a DTD or entities is refused ({type(exc).__name__})"
        ) from None
    except SafeET.ParseError as exc:
        line, column = getattr(exc, "position", (0, 0))
        raise FeedError(f"{source}: malformed XML at line {line} column {column}") from None


def _text(element: Element | None, path: str) -> str:
    found = element.find(path) if element is not None else None
    return (found.text or "").strip() if found is not None else ""


def xml_election(root: Element, source: str) -> str:
    """The election of a ministry XML document: the slug of `<Scrutin><Type>` and `<Annee>`
    ("Présidentielle" 2017 → "presidentielle-2017")."""
    kind, year = _text(root, "Scrutin/Type"), _text(root, "Scrutin/Annee")
    if root.tag != "Election" or not kind or not year:
        raise FeedError(
            f"{source}: not a ministry results document (expected <Election><Scrutin><Type> "
            "and <Annee>)"
        )
    return _slug(f"{kind} {year}")


def is_index(root: Element) -> bool:
    return root.tag == "Election" and (
        root.find("Departements") is not None or root.find("Regions") is not None
    )


_XML_AREAS = {  # element holding <Tours> → (level, code path, name path)
    "Election": (NATIONAL, None, None),
    "Departement": ("département", "CodDpt", "LibDpt"),
    "Region": ("région", "CodReg", "LibReg"),
    "Commune": ("commune", "CodSubCom", "LibSubCom"),
    "CirElec": ("circonscription", "CodCirElec", "LibCirElec"),
}
_MENTIONS = {
    "inscrits": "Inscrits",
    "abstentions": "Abstentions",
    "votants": "Votants",
    "blancs": "Blancs",
    "nuls": "Nuls",
    "exprimes": "Exprimes",
}
_XML_RATES = {
    "abstentions_ins": "Abstentions/RapportInscrit",
    "votants_ins": "Votants/RapportInscrit",
    "blancs_ins": "Blancs/RapportInscrit",
    "blancs_vot": "Blancs/RapportVotant",
    "nuls_ins": "Nuls/RapportInscrit",
    "nuls_vot": "Nuls/RapportVotant",
    "exprimes_ins": "Exprimes/RapportInscrit",
    "exprimes_vot": "Exprimes/RapportVotant",
}


def parse_xml(
    payload: bytes | Element,
    *,
    candidates: pd.DataFrame,
    source: str,
    as_of: datetime | None = None,
    status: str = "partial",
) -> list[MinistryDocument]:
    """A ministry XML results document (national, région, département, commune) → one
    MinistryDocument per `<Tour>` it holds, under the election its `<Scrutin>` names."""
    root = payload if isinstance(payload, Element) else read_xml(payload, source)
    election = xml_election(root, source)
    if is_index(root):
        raise FeedError(f"{source}: an index, not a results document")
    holder = _tours_holder(root, source)
    level, code_path, name_path = _XML_AREAS[holder.tag]
    if level == NATIONAL:
        area = Area(NATIONAL, "FE", "France entière")
    else:
        code = _text(holder, code_path)
        if holder.tag == "Commune":
            code = f"{_text(root, 'Departement/CodDpt')}{code}"
        area = Area(level, code, _text(holder, name_path))
    if as_of is None:
        raise FeedError(
            f"{source}: no time in the document (the media feed dates its documents in its "
            "index only); give it with --as-of, or follow the index"
        )
    known = _known(candidates, election)
    out = []
    for n, tour in enumerate(holder.findall("Tours/Tour"), start=1):
        where = f"{source}: <Tour> {n}"
        mentions = tour.find("Mentions")
        if mentions is None:
            raise FeedError(f"{where}: no <Mentions> (an index of communes, not results?)")
        turnout = {
            k: _xml_number(where, mentions, f"{tag}/Nombre", parse_count)
            for k, tag in _MENTIONS.items()
        }
        turnout.update(
            {k: _xml_number(where, mentions, p, parse_share) for k, p in _XML_RATES.items()}
        )
        round_ = _xml_number(where, tour, "NumTour", parse_count)
        if not round_:
            raise FeedError(f"{where}: field 'NumTour': a round is a whole number ≥ 1")
        entries, shares_ins = [], []
        for cand in tour.findall("Resultats/Candidats/Candidat"):
            last, first = _text(cand, "NomPsn"), _text(cand, "PrenomPsn")
            if not last:
                raise FeedError(f"{where}: a <Candidat> without <NomPsn>")
            name = " ".join(p for p in (first, last) if p)
            here = f"{where} <Candidat> {name}"
            votes = _xml_number(here, cand, "NbVoix", parse_count)
            share = _xml_number(here, cand, "RapportExprime", parse_share)
            share_ins = _xml_number(here, cand, "RapportInscrit", parse_share)
            cid = match_candidate(name, known) or _slug(name)
            entries.append({"id": cid, "name": name, "votes": votes, "share": share})
            shares_ins.append((cid, votes, share_ins))
        if not entries:
            raise FeedError(f"{where}: no <Candidat>")
        turnout["candidates"] = shares_ins
        doc = _document(election, round_, as_of, status, turnout, entries, area, source)
        out.append(MinistryDocument(area, doc, turnout, f"<Tour> {n}", turnout_flags(turnout)))
    if not out:
        raise FeedError(f"{source}: no <Tours><Tour> in the document")
    return out


def _tours_holder(root: Element, source: str) -> Element:
    if root.find("Tours") is not None:
        return root
    for tag in ("Departement/Commune", "Departement/CirElec", "Departement", "Region"):
        found = root.find(tag)
        if found is not None and found.find("Tours") is not None:
            return found
    raise FeedError(f"{source}: no <Tours> in the document (not a results document)")


def _xml_number(where: str, element: Element, path: str, parse) -> Any:
    try:
        return parse(_text(element, path))
    except ValueError as exc:
        raise FeedError(f"{where}: field '{path}': {exc}") from None


# --- the index of the media feed ----------------------------------------------------------


@dataclass(frozen=True)
class IndexEntry:
    level: str  # "département" | "région"
    code: str  # CodDpt / CodReg
    folder: str  # where its document is, relative to the index: "011/075/075.xml"
    name: str
    updated_at: datetime | None  # DateDerMaj + HeureDerMaj, Paris time
    complete: bool


@dataclass(frozen=True)
class MinistryIndex:
    """`index.xml` of the media feed: every area with its last update and whether complete."""

    election: str
    entries: tuple[IndexEntry, ...]

    def latest(self) -> datetime | None:
        times = [e.updated_at for e in self.entries if e.updated_at is not None]
        return max(times) if times else None

    def complete(self, level: str = "département") -> tuple[int, int]:
        of_level = [e for e in self.entries if e.level == level]
        return sum(e.complete for e in of_level), len(of_level)

    def status(self) -> str:
        done, total = self.complete()
        return "definitive" if total and done == total else "partial"

    @staticmethod
    def national_url(index_url: str) -> str:
        """The national document beside the index (`…/resultatsT1/FE.xml`)."""
        return urljoin(index_url, "FE.xml")

    def summary(self) -> str:
        done, total = self.complete()
        latest = self.latest()
        when = f", dernière mise à jour {latest:%d/%m %H:%M}" if latest else ""
        return f"{done}/{total} départements complets{when}"


def parse_index(payload: bytes | Element, *, source: str) -> MinistryIndex:
    root = payload if isinstance(payload, Element) else read_xml(payload, source)
    election = xml_election(root, source)
    if not is_index(root):
        raise FeedError(f"{source}: not an index (no <Departements> or <Regions>)")
    entries = []
    for dpt in root.findall("Departements/Departement"):
        code3, reg3 = _text(dpt, "CodDpt3Car"), _text(dpt, "CodReg3Car")
        entries.append(
            IndexEntry(
                "département",
                _text(dpt, "CodDpt"),
                f"{reg3}/{code3}/{code3}.xml",
                _text(dpt, "LibDpt"),
                _index_time(source, dpt),
                _text(dpt, "Complet") == "O",
            )
        )
    for reg in root.findall("Regions/Region"):
        code3 = _text(reg, "CodReg3Car")
        entries.append(
            IndexEntry(
                "région",
                _text(reg, "CodReg"),
                f"{code3}/{code3}.xml",
                _text(reg, "LibReg"),
                _index_time(source, reg),
                _text(reg, "Complet") == "O",
            )
        )
    return MinistryIndex(election, tuple(entries))


def _index_time(source: str, element: Element) -> datetime | None:
    day, clock = _text(element, "DateDerMaj"), _text(element, "HeureDerMaj")
    if not day:
        return None
    try:
        return datetime.strptime(f"{day} {clock or '00:00:00'}", "%d-%m-%Y %H:%M:%S").replace(
            tzinfo=PARIS
        )
    except ValueError:
        raise FeedError(
            f"{source}: <{element.tag}> {_text(element, 'CodDpt') or _text(element, 'CodReg')}: "
            f"field 'DateDerMaj': not a date dd-mm-yyyy HH:MM:SS: {day} {clock}"
        ) from None


def _slug(name: str) -> str:
    return slugify(name) or "inconnu"
