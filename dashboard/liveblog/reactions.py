"""Who reacted, on which outlet, from which camp, with which words and which stance.

Rule-based and pure (only the `load_*` functions read files). Every rule is listed here or,
for outlets and stances, in data files an editor can change; tests pin them on the seed and
on fixtures.

**People** come from the gazetteer (`data/people.csv` + `data/camps.csv`, edited by the
desk). A name matches its full form or any alias, accents ignored but case kept, on word
boundaries ("Valls" does not match "vallsiste", "Macron" not "Macrono-vallsiste"). Nobody
outside the gazetteer is named or guessed: an entry whose speaker is unknown has no speakers
and no camp (camp None) until an editor adds the person.

**Speakers.** Each mention of a known person (headline first, then body) is classified:

1. *quoted*: inside quotation marks → the person is talked about, not talking;
2. *not a speaker by role*: `is_speaker` false in the gazetteer (journalists: the
   interviewer in "face à Fabien Namias");
3. *listed*: the name opens an item of a list of figures ("Emmanuel Macron : 28%", the
   estimates a blog copies out) → named, not speaking;
4. *object*: the name follows an object marker in its sentence: "à", "au(x)", "avec",
   "contre", "derrière", "vers", "envers", "sans", "chez", "face à", "que"/"qu'est", "pour"
   (but not a sentence-opening "Pour X, …"), or "de"/"d'"/"du"/"des" ("candidature de",
   "porte-parole de", "soutien de"), or a transitive verb of reaction ("soutient X",
   "félicite X", "critique X", "rejoint X") — except after "le cas de", "de la part de", "du côté
   de", "réaction(s) de", "tweet de", "communiqué de", "déclaration de", "message de",
   "propos de", "interview de", "entretien de", "intervention de", which introduce the
   speaker; a name joined to the previous one by "et", "ou", "ainsi que" (or by "," inside
   a list "X, Y et Z") takes its class ("à Yannick Jadot (EELV) et Jean-Luc Mélenchon");
5. *subject* otherwise.

The speakers are the first subject, the subjects joined to it ("Martine Aubry et Arnaud
Montebourg ont …"), and any later subject followed in its sentence by a reaction verb ("a
déclaré", "estime", "dénonce"…). The **camp** is the first speaker's camp.

**Outlet.** Named media (radio, tv, social, press; from `data/outlets.csv`: a name, the
spellings that name it, a type) in order of first appearance outside quotations, then a
"statement" type ("communiqué") last: "Twitter / communiqué". A programme counts as itself
("France 2 / Télématin"). `outlet_type` is the type of the first named medium, else
"statement". No outlet named → None.

**Quotes.** Text in « », “ ” or paired straight quotes "…" (an opening quote follows a
space or the start of a paragraph, a closing one is followed by a space, punctuation or the
end), within a paragraph, of at least two words and not an outlet's name ("Télématin").

**Stance** (one per entry, the first rule that fires, in the order of
`data/stance_rules.csv`; each row: an id, a stance, a pattern, negatable, an explanation):
`ralliement` (announces rallying / "ralliement à X", unless negated: "exclut tout
ralliement"), `refus` ("pas de consigne", "ne donne aucune consigne de vote", "exclut tout
ralliement", "pas de rassemblement", "impossible d'apporter son soutien"…), `appel au
rassemblement` ("offre/propose/appelle au rassemblement"), `critique` ("critiquer",
"tacler", "dénoncer"…), `silence` ("silence", "mutisme", "n'a pas réagi"), `soutien`
("consigne de vote pour X", "appel à voter pour X", "annonce qu'il votera pour X",
"soutient", "défend"). The rule's id and the words that fired it are kept with the stance.
None when no rule fires. No candidate or party is named in this module nor in the rules:
a rule that needs one writes `{people}` or `{parties}` ("rejoint {people}"), filled from the
election's people.csv when the gazetteer is loaded.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from dashboard.errors import SourceError

if TYPE_CHECKING:  # pandas is imported only by the frame helpers (fast CLI start)
    import pandas as pd

PEOPLE_COLUMNS = ("person_id", "name", "aliases", "party", "camp", "role", "is_speaker")
CAMPS_COLUMNS = ("camp_id", "label", "colour", "display_order")
UNKNOWN_CAMP_LABEL = "Camp non identifié"
UNKNOWN_CAMP_COLOUR = "#9AA0A6"
STANCES = ("ralliement", "refus", "appel au rassemblement", "critique", "silence", "soutien")
OUTLET_TYPES = ("radio", "tv", "social", "press", "statement")

# Accents and typographic apostrophes folded one character for one, so offsets in the
# folded text are offsets in the original.
_FOLD_FROM = "àâäáãåçéèêëíìîïñóòôöõúùûüýÿœæÀÂÄÁÃÅÇÉÈÊËÍÌÎÏÑÓÒÔÖÕÚÙÛÜÝŸŒÆ’‘\u00a0\u202f"
_FOLD_TO = "aaaaaaceeeeiiiinooooouuuuyyoaAAAAAACEEEEIIIINOOOOOUUUUYYOA''  "
_FOLD = dict(zip(_FOLD_FROM, _FOLD_TO, strict=True))
_NON_ASCII_RE = re.compile(r"[^\x00-\x7f]")


def _fold_char(m: re.Match[str]) -> str:
    ch = m.group()
    return _FOLD.get(ch, ch)


def fold_same_length(text: str) -> str:
    """Accents off, ’ → ', no-break spaces → spaces; same length as `text`."""
    # Only non-ASCII characters are looked up: much faster than str.translate on French.
    return text if text.isascii() else _NON_ASCII_RE.sub(_fold_char, text)


def _lower(folded: str) -> str:
    low = folded.lower()
    # A few characters (e.g. "İ") lower to two: keep offsets aligned by falling back.
    return low if len(low) == len(folded) else "".join(c.lower()[:1] for c in folded)


# --- gazetteer -----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Person:
    person_id: str
    name: str
    aliases: tuple[str, ...]
    party: str
    camp: str | None
    role: str
    is_speaker: bool
    note: str = ""
    short_name: str = ""  # what the newsroom shows in tight places ("Raffarin"); "" = the name

    @property
    def shown_name(self) -> str:
        """The name on a timeline's point: the short_name of people.csv when given, else the
        full name ("Marine Le Pen", never a cut "Pen")."""
        return self.short_name or self.name


@dataclass(frozen=True, slots=True)
class Camp:
    camp_id: str
    label: str  # French, shown to readers
    colour: str  # #RRGGBB
    display_order: int


class Gazetteer:
    """People and camps, with one compiled matcher for every name and alias."""

    def __init__(
        self,
        people: Iterable[Person],
        camps: Iterable[Camp],
        outlets: Iterable[Outlet] = (),
        stance_rules: Iterable[StanceRule] = (),
    ) -> None:
        self.outlets: tuple[Outlet, ...] = tuple(outlets)
        self.stance_rules: tuple[StanceRule, ...] = tuple(stance_rules)
        self.outlet_names = frozenset(fold_same_length(o.name).lower() for o in self.outlets)
        self.camps: dict[str, Camp] = {c.camp_id: c for c in camps}
        self.people: dict[str, Person] = {p.person_id: p for p in people}
        self._by_alias: dict[str, str] = {}
        for person in self.people.values():
            for alias in (person.name, *person.aliases):
                key = fold_same_length(alias.strip())
                if key:
                    self._by_alias.setdefault(key, person.person_id)
        # Longest first so "Jean-Luc Mélenchon" wins over "Mélenchon".
        names = sorted(self._by_alias, key=len, reverse=True)
        # No leading (?<!\w): starting with the names lets the engine skip to their first
        # letters; the boundary before a name is checked by _word_start.
        self._matcher = (
            re.compile("(?:" + "|".join(map(re.escape, names)) + r")(?!\w)") if names else None
        )

    def find(self, text: str) -> list[tuple[int, int, str]]:
        """(start, end, person_id) of every known name in `text` (accents ignored)."""
        return self._find_folded(fold_same_length(text))

    def _find_folded(self, folded: str) -> list[tuple[int, int, str]]:
        if self._matcher is None:
            return []
        return [
            (m.start(), m.end(), self._by_alias[m.group()])
            for m in self._matcher.finditer(folded)
            if _word_start(folded, m.start())
        ]

    def camp_of(self, person_id: str) -> Camp | None:
        person = self.people.get(person_id)
        return self.camps.get(person.camp) if person and person.camp else None

    def camps_frame(self) -> pd.DataFrame:
        """camp_id, label, colour, display_order — sorted for legends."""
        import pandas as pd

        rows = sorted(self.camps.values(), key=lambda c: (c.display_order, c.camp_id))
        return pd.DataFrame(
            [(c.camp_id, c.label, c.colour, c.display_order) for c in rows],
            columns=list(CAMPS_COLUMNS),
        )

    def people_frame(self) -> pd.DataFrame:
        """person_id, name, aliases (list), party, camp, role, is_speaker."""
        import pandas as pd

        return pd.DataFrame(
            [
                (p.person_id, p.name, list(p.aliases), p.party, p.camp, p.role, p.is_speaker)
                for p in self.people.values()
            ],
            columns=list(PEOPLE_COLUMNS),
        )


def _word_start(text: str, pos: int) -> bool:
    """Nothing word-like right before `pos` ("Valls" in "Valls", not in "deValls")."""
    if pos == 0:
        return True
    before = text[pos - 1]
    return not (before.isalnum() or before == "_")


_COLOUR_RE = re.compile(r"#[0-9A-Fa-f]{6}")
_ID_RE = re.compile(r"[a-z0-9][a-z0-9-]*")


def _read_csv(path: Path, required: tuple[str, ...]) -> list[tuple[int, dict[str, str]]]:
    """Rows of an editor-maintained CSV, with the same checks and messages as data/*.csv."""
    from dashboard.inputs import read_csv_rows

    return read_csv_rows(path, list(required))


def load_camps(path: Path | str) -> list[Camp]:
    """Camps from camps.csv (camp_id,label,colour,display_order[,note])."""
    path = Path(path)
    camps: list[Camp] = []
    seen: set[str] = set()
    for row_no, row in _read_csv(path, CAMPS_COLUMNS):
        where = {"path": str(path), "row": row_no}
        camp_id = row["camp_id"]
        if not _ID_RE.fullmatch(camp_id):
            raise SourceError("camp_id must be lower-case letters, digits, -", **where)
        if camp_id in seen:
            raise SourceError(f"duplicate camp_id {camp_id!r}", **where, field="camp_id")
        seen.add(camp_id)
        if not row["label"]:
            raise SourceError("empty label", **where, field="label")
        if not _COLOUR_RE.fullmatch(row["colour"]):
            raise SourceError(
                f"colour must be #RRGGBB, got {row['colour']!r}", **where, field="colour"
            )
        try:
            order = int(row["display_order"])
        except ValueError as exc:
            raise SourceError(
                "display_order must be a whole number", **where, field="display_order"
            ) from exc
        camps.append(Camp(camp_id, row["label"], row["colour"].upper(), order))
    return camps


def load_people(
    path: Path | str,
    camps_path: Path | str | None = None,
    outlets_path: Path | str | None = None,
    stance_rules_path: Path | str | None = None,
) -> Gazetteer:
    """The gazetteer from people.csv, camps.csv, outlets.csv and stance_rules.csv (by
    default the last three beside people.csv).

    people.csv: person_id,name,aliases ("|"-separated),party,camp (a camp_id or empty for
    unknown),role,is_speaker (true/false; false for journalists)[,note][,short_name: shown
    instead of the full name on the timeline's points]. See load_outlets
    and load_stance_rules for the other two.
    Raises SourceError naming the file, row and field of the first problem.
    """
    path = Path(path)
    camps = load_camps(Path(camps_path) if camps_path else path.with_name("camps.csv"))
    camp_ids = {c.camp_id for c in camps}
    people: list[Person] = []
    owner: dict[str, tuple[str, int]] = {}
    for row_no, row in _read_csv(path, PEOPLE_COLUMNS):
        where = {"path": str(path), "row": row_no}
        pid = row["person_id"]
        if not _ID_RE.fullmatch(pid):
            raise SourceError("person_id must be lower-case letters, digits, -", **where)
        if any(p.person_id == pid for p in people):
            raise SourceError(f"duplicate person_id {pid!r}", **where, field="person_id")
        if not row["name"]:
            raise SourceError("empty name", **where, field="name")
        camp = row["camp"] or None
        if camp is not None and camp not in camp_ids:
            raise SourceError(f"unknown camp {camp!r} (not in camps.csv)", **where, field="camp")
        flag = row["is_speaker"].lower()
        if flag not in ("true", "false"):
            raise SourceError(
                f"is_speaker must be true or false, got {row['is_speaker']!r}",
                **where,
                field="is_speaker",
            )
        aliases = tuple(a.strip() for a in row["aliases"].split("|") if a.strip())
        for alias in (row["name"], *aliases):
            key = fold_same_length(alias)
            if key in owner and owner[key][0] != pid:
                other, other_row = owner[key]
                raise SourceError(
                    f"name or alias {alias!r} is already {other!r}'s (row {other_row})",
                    **where,
                    field="aliases",
                )
            owner[key] = (pid, row_no)
        people.append(
            Person(
                person_id=pid,
                name=row["name"],
                aliases=aliases,
                party=row["party"],
                camp=camp,
                role=row["role"],
                is_speaker=flag == "true",
                note=row.get("note", ""),
                short_name=row.get("short_name", ""),
            )
        )
    outlets = load_outlets(Path(outlets_path) if outlets_path else path.with_name("outlets.csv"))
    rules = load_stance_rules(
        Path(stance_rules_path) if stance_rules_path else path.with_name("stance_rules.csv"),
        people,
    )
    return Gazetteer(people, camps, outlets, rules)


# --- outlets -------------------------------------------------------------------------------


OUTLETS_COLUMNS = ("name", "aliases", "type", "match")


def _check_one_of(row: dict[str, str], field: str, allowed: tuple[str, ...], where: dict) -> None:
    if row[field] not in allowed:
        raise SourceError(
            f"{field} must be one of {', '.join(allowed)}, got {row[field]!r}",
            **where,
            field=field,
        )


_MATCH_MODES = ("", "case", "ignore-case")


@dataclass(frozen=True, slots=True)
class Outlet:
    """A medium from data/outlets.csv: its name, the spellings that name it, its type."""

    name: str
    type: str  # one of OUTLET_TYPES
    aliases: tuple[str, ...]  # folded (and lower-cased when ignore_case): also the needles
    ignore_case: bool
    pattern: re.Pattern[str]  # any alias, not followed by a letter or digit


def load_outlets(path: Path | str) -> tuple[Outlet, ...]:
    """Outlets from outlets.csv: name,aliases ("|"-separated spellings; empty = the name
    alone),type (radio, tv, social, press, statement),match (empty or "case": case kept;
    "ignore-case")[,note]. Spellings are matched accents ignored, on word boundaries.
    Raises SourceError naming the file, row and field of the first problem."""
    path = Path(path)
    outlets: list[Outlet] = []
    owner: dict[str, tuple[str, int]] = {}
    for row_no, row in _read_csv(path, OUTLETS_COLUMNS):
        where = {"path": str(path), "row": row_no}
        name = row["name"]
        if not name:
            raise SourceError("empty name", **where, field="name")
        if any(o.name == name for o in outlets):
            raise SourceError(f"duplicate outlet {name!r}", **where, field="name")
        _check_one_of(row, "type", OUTLET_TYPES, where)
        mode = row["match"].lower()
        if mode not in _MATCH_MODES:
            raise SourceError(
                f"match must be empty, case or ignore-case, got {row['match']!r}",
                **where,
                field="match",
            )
        ignore_case = mode == "ignore-case"
        spellings = [a.strip() for a in row["aliases"].split("|") if a.strip()] or [name]
        aliases = []
        for spelling in spellings:
            folded = fold_same_length(spelling)
            key = _lower(folded) if ignore_case else folded
            if folded.lower() in owner and owner[folded.lower()][0] != name:
                other, other_row = owner[folded.lower()]
                raise SourceError(
                    f"spelling {spelling!r} is already {other!r}'s (row {other_row})",
                    **where,
                    field="aliases",
                )
            owner[fold_same_length(spelling).lower()] = (name, row_no)
            aliases.append(key)
        pattern = re.compile("(?:" + "|".join(map(re.escape, aliases)) + r")(?!\w)")
        outlets.append(Outlet(name, row["type"], tuple(aliases), ignore_case, pattern))
    return tuple(outlets)


# --- quotes --------------------------------------------------------------------------------

_GUILLEMETS_RE = re.compile(r"«([^«»\n]*)»|“([^“”\n]*)”")
_QUOTE_CLOSE_AFTER = frozenset(" \t\n.,;:!?)]…»\u00a0\u202f")
_QUOTE_OPEN_BEFORE = frozenset(" \t\n([{—–-:'’\u00a0\u202f")


def _quote_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) of the inside of every quotation, in text order."""
    spans = [(m.start() + 1, m.end() - 1) for m in _GUILLEMETS_RE.finditer(text)]
    start = 0
    for paragraph in text.split("\n"):
        open_at: int | None = None
        i = paragraph.find('"')
        while i != -1:
            before = paragraph[i - 1] if i else " "
            after = paragraph[i + 1] if i + 1 < len(paragraph) else " "
            opens = before in _QUOTE_OPEN_BEFORE and not after.isspace()
            closes = not before.isspace() and (after in _QUOTE_CLOSE_AFTER)
            if open_at is not None and closes:
                spans.append((start + open_at + 1, start + i))
                open_at = None
            elif opens:
                open_at = i  # a second opening quote means the first was stray
            i = paragraph.find('"', i + 1)
        start += len(paragraph) + 1
    spans.sort()
    return spans


def _inside(pos: int, spans: list[tuple[int, int]]) -> bool:
    return any(a <= pos < b for a, b in spans)


def _real_quotes(
    text: str, spans: list[tuple[int, int]], outlet_names: frozenset[str]
) -> list[tuple[int, int]]:
    """Quotations proper: at least two words and not a programme's title ("Télématin")."""
    out = []
    for a, b in spans:
        quote = text[a:b].strip(" \t\u00a0\u202f")
        if len(quote.split()) >= 2 and fold_same_length(quote).lower() not in outlet_names:
            out.append((a, b))
    return out


def _quotes(text: str, spans: list[tuple[int, int]]) -> tuple[str, ...]:
    out: list[str] = []
    for a, b in spans:
        quote = text[a:b].strip(" \t\u00a0\u202f")
        if quote not in out:
            out.append(quote)
    return tuple(out)


# --- speakers ------------------------------------------------------------------------------

_OBJECT_BEFORE_RE = re.compile(
    r"(?:\b(?:a|au|aux|avec|contre|derriere|envers|vers|sans|chez|que|qu'est|pour)"
    r"|\bqu'|\b(?:de|du|des)|\bd'"
    # Transitive verbs of reaction: "soutient X", "félicite X", "critique X" — X is the object.
    r"|\b(?:soutient|soutenir|soutenu\w*|critiqu\w*|tacl\w*|attaqu\w*|rejoin\w*|felicit\w*"
    r"|remerci\w*|interrog\w*|recoit|recu\w*|defend\w*|accus\w*|denonc\w*|salu\w*"
    r"|affront\w*|bat|battu\w*|vis\w*))[^\w']*$"
)
_SPEAKER_DE_RE = re.compile(
    r"(?:\ble cas|\bla part|\bcote|\breactions?|\btweet|\bcommunique|\bdeclaration|\bmessage"
    r"|\bpropos|\binterview|\bentretien|\bintervention)\s+(?:de|du|des|d')[^\w']*$"
)
_JOINED_RE = re.compile(r"[\s\u00a0]*(?:\(?[A-Z][\w!]*\)?[\s\u00a0]*)?(?P<by>,|et|ou|ainsi que)\s*")
_LIST_GOES_ON_RE = re.compile(r"[\s\u00a0]*(?:\([^()\n]{0,30}\)[\s\u00a0]*)?(?:,|et\b|ou\b)")


def _joined(text: str, prev_end: int, start: int, end: int) -> bool:
    """The name at start…end is joined to the previous one: "X et Y", or "X, Y" when the
    list goes on after Y ("X, Y et Z") — "Face à X, Y a dit" is no list."""
    m = _JOINED_RE.fullmatch(text, prev_end, start)
    if m is None:
        return False
    return m["by"] != "," or _LIST_GOES_ON_RE.match(text, end) is not None


_REACTION_VERB_RE = re.compile(
    r"[^.!?\n]{0,60}?\b(?:(?:a|ont)\s+(?:\w+\s+)?(?:declare|reagi|reagit|tweete|estime"
    r"|denonce|appele|affirme|annonce|repondu|salue|critique|explique|assure|regrette|juge"
    r"|ironise|lance|confie|indique|ajoute|precise|souligne|exclu|refuse|reconnu|defendu|demande)"
    r"|(?:declare|estime|denonce|appelle|affirme|annonce|repond|salue|critique|explique"
    r"|assure|regrette|juge|ironise|lance|confie|indique|ajoute|precise|souligne|exclut"
    r"|refuse|tacle|reconnait|demande)\b)"
)
_SENTENCE_BREAK = ".!?\n"
# "Emmanuel Macron : 28%", "Jean-Luc Mélenchon (LFI) : 20,1 %": a name in a list of figures
# (the 20:00 estimates a blog copies out) is listed, not speaking.
_LISTED_AFTER_RE = re.compile(
    r"[ \t\u00a0\u202f]*(?:\([^()\n]{0,30}\)[ \t\u00a0\u202f]*)?:[ \t\u00a0\u202f]*\d"
)


@dataclass(frozen=True, slots=True)
class _Mention:
    start: int
    end: int
    person_id: str
    kind: str  # "quoted", "non-speaker", "listed", "object", "subject"


def _sentence_start(text: str, pos: int) -> int:
    return max(text.rfind(ch, 0, pos) for ch in _SENTENCE_BREAK) + 1


def _classify(
    text: str,
    low: str,
    found: list[tuple[int, int, str]],
    spans: list[tuple[int, int]],
    g: Gazetteer,
) -> list[_Mention]:
    mentions: list[_Mention] = []
    prev: _Mention | None = None
    for start, end, pid in found:
        sent = _sentence_start(text, start)
        if _inside(start, spans):
            kind = "quoted"
        elif not g.people[pid].is_speaker:
            kind = "non-speaker"
        elif _LISTED_AFTER_RE.match(text, end):
            kind = "listed"
        elif (
            prev is not None
            and prev.kind in ("object", "subject")
            and prev.end >= sent
            and _joined(text, prev.end, start, end)
        ):
            kind = prev.kind
        else:
            window = low[max(sent, start - 40) : start]
            kind = "subject"
            if _OBJECT_BEFORE_RE.search(window) and not _SPEAKER_DE_RE.search(window):
                kind = "object"
                # "Pour Jean-Pierre Raffarin, la gauche…": a sentence-opening "Pour" is the
                # speaker's point of view, not an object.
                if text[sent:start].strip() == "Pour":
                    kind = "subject"
        mention = _Mention(start, end, pid, kind)
        mentions.append(mention)
        prev = mention
    return mentions


def _speakers(text: str, low: str, mentions: list[_Mention]) -> list[str]:
    speakers: list[str] = []
    first: int | None = None
    for i, m in enumerate(mentions):
        if m.kind != "subject":
            continue
        joined = (
            first is not None
            and i > 0
            and mentions[i - 1].kind == "subject"
            and mentions[i - 1].person_id in speakers
            and _joined(text, mentions[i - 1].end, m.start, m.end)
        )
        if first is None or joined or _REACTION_VERB_RE.match(low, m.end):
            first = i if first is None else first
            if m.person_id not in speakers:
                speakers.append(m.person_id)
    return speakers


# --- stance --------------------------------------------------------------------------------


STANCE_RULES_COLUMNS = ("rule", "stance", "pattern", "negatable", "explanation")


@dataclass(frozen=True, slots=True)
class StanceRule:
    """A rule of data/stance_rules.csv: a pattern and the stance it gives."""

    stance: str  # one of STANCES
    rule: str  # its id, kept with the stance it gave
    pattern: re.Pattern[str]  # matched against the folded, lower-case headline + body
    negatable: bool = False  # skipped when a negation precedes it in its sentence
    explanation: str = ""
    # Cheap pre-check, derived from the pattern (_needles): every match starts with one of
    # these; empty = none known, the pattern is always tried.
    needles: tuple[str, ...] = ()


def _prefixes(items: list) -> set[str] | None:  # type: ignore[type-arg]
    """The literal texts every match of a parsed pattern starts with (None: unknown)."""
    from re import _constants as c  # type: ignore[attr-defined]

    text = ""
    for op, arg in items:
        if op is c.AT and not text:
            continue  # \b, ^: zero-width
        if op is c.LITERAL:
            text += chr(arg)
            continue
        if not text and op is c.SUBPATTERN and not arg[1] and not arg[2]:
            return _prefixes(list(arg[3]))  # (?:…) in front: its own prefixes
        if not text and op is c.BRANCH:
            out: set[str] = set()
            for branch in arg[1]:
                got = _prefixes(list(branch))
                if got is None:
                    return None
                out |= got
            return out
        break
    return {text} if text else None


def _needles(pattern: re.Pattern[str]) -> tuple[str, ...]:
    """Literal starts of every match of `pattern` (sound: a match contains one), or ()."""
    try:
        from re import _parser  # type: ignore[attr-defined]

        found = _prefixes(list(_parser.parse(pattern.pattern, pattern.flags)))
    except Exception:  # an internal API: without it, no pre-check (still correct)
        return ()
    return tuple(sorted(found)) if found else ()


# Placeholders a pattern may hold, filled from the election's people.csv: rules name "this
# election's people" without naming anyone ("rejoint {people}"), so one rules file serves
# every election and no name lives in a shared rule.
PLACEHOLDERS = ("people", "parties")
_PLACEHOLDER_RE = re.compile(r"\{([a-z_]+)\}")
_NEVER = "(?!)"  # what a placeholder stands for when the election names nobody


def _as_pattern(name: str) -> str | None:
    """A name as the folded, lower-case text shows it, escaped; words joined by any space."""
    words = re.findall(r"[a-z0-9]+(?:['-][a-z0-9]+)*", _lower(fold_same_length(name)))
    return r"\s+".join(re.escape(w) for w in words) or None


def placeholder_values(people: Iterable[Person]) -> dict[str, str]:
    """{people}: every speaker's name and aliases; {parties}: their parties — each an
    alternation, longest first (so "emmanuel macron" wins over "macron")."""
    speakers = [p for p in people if p.is_speaker]
    found = {
        "people": {_as_pattern(n) for p in speakers for n in (p.name, *p.aliases)},
        "parties": {_as_pattern(p.party) for p in speakers if p.party},
    }
    return {
        key: "(?:" + "|".join(sorted(filter(None, alts), key=lambda a: (-len(a), a))) + ")"
        if any(alts)
        else _NEVER
        for key, alts in found.items()
    }


def _expand(pattern: str, values: dict[str, str], where: dict) -> str:
    def fill(m: re.Match[str]) -> str:
        if m.group(1) not in values:
            known = ", ".join("{" + k + "}" for k in PLACEHOLDERS)
            raise SourceError(
                f"unknown placeholder {m.group()} (known: {known})", **where, field="pattern"
            )
        return values[m.group(1)]

    return _PLACEHOLDER_RE.sub(fill, pattern)


def load_stance_rules(path: Path | str, people: Iterable[Person] = ()) -> tuple[StanceRule, ...]:
    """Stance rules from stance_rules.csv, in priority order (the first that fires wins):
    rule (an id),stance (one of STANCES),pattern (a Python regular expression, matched
    against the headline and body with accents removed and in lower case; `{people}` and
    `{parties}` stand for the names, aliases and parties of `people`, the election's
    gazetteer — nothing when it is empty),negatable (true: skipped after "pas", "aucun",
    "sans", "exclut"… in its sentence; empty = false), explanation (what it reads, in
    words). Raises SourceError naming the file, row and field of the first problem (a
    pattern that does not compile, an unknown stance or placeholder…)."""
    path = Path(path)
    values = placeholder_values(people)
    rules: list[StanceRule] = []
    for row_no, row in _read_csv(path, STANCE_RULES_COLUMNS):
        where = {"path": str(path), "row": row_no}
        rule_id = row["rule"]
        if not _ID_RE.fullmatch(rule_id):
            raise SourceError("rule must be lower-case letters, digits, -", **where, field="rule")
        if any(r.rule == rule_id for r in rules):
            raise SourceError(f"duplicate rule {rule_id!r}", **where, field="rule")
        _check_one_of(row, "stance", STANCES, where)
        try:
            pattern = re.compile(_expand(row["pattern"], values, where))
        except re.error as exc:
            raise SourceError(
                f"pattern does not compile: {exc}", **where, field="pattern"
            ) from None
        if pattern.search("") is not None:
            raise SourceError(
                "pattern matches an empty text (it would fire on every entry)",
                **where,
                field="pattern",
            )
        flag = row["negatable"].lower()
        if flag not in ("", "true", "false"):
            raise SourceError(
                f"negatable must be true or false, got {row['negatable']!r}",
                **where,
                field="negatable",
            )
        if not row["explanation"]:
            raise SourceError("empty explanation", **where, field="explanation")
        rules.append(
            StanceRule(
                row["stance"],
                rule_id,
                pattern,
                flag == "true",
                row["explanation"],
                _needles(pattern),
            )
        )
    return tuple(rules)


_NEGATION_RE = re.compile(r"\b(?:exclu\w*|refus\w*|rejet\w*|pas|aucun\w*|jamais|sans|impossible)\b")


def _stance(
    text: str, low: str, rules: tuple[StanceRule, ...]
) -> tuple[str | None, str | None, str | None]:
    for rule in rules:
        if rule.needles and not any(n in low for n in rule.needles):
            continue
        for m in rule.pattern.finditer(low):
            if rule.negatable:
                window = low[max(_sentence_start(low, m.start()), m.start() - 30) : m.start()]
                if _NEGATION_RE.search(window):
                    continue  # "exclut tout ralliement à…" is a refusal, read further down
            return rule.stance, rule.rule, text[m.start() : m.end()]
    return None, None, None


# --- the reaction --------------------------------------------------------------------------


class EntryLike(Protocol):
    @property
    def id(self) -> str: ...
    @property
    def headline(self) -> str | None: ...
    @property
    def body(self) -> str: ...


@dataclass(frozen=True, slots=True)
class Reaction:
    """What an entry says about the reaction it reports."""

    entry_id: str
    speakers: tuple[str, ...]  # person_ids, first = main speaker
    speaker_names: tuple[str, ...]
    mentioned: tuple[str, ...]  # other known people named (objects, quoted, journalists)
    camp: str | None  # camp_id of the main speaker; None when unknown
    camp_label: str | None
    outlet: str | None  # "France 2 / Télématin", "Twitter / communiqué"
    outlet_type: str | None  # radio, tv, social, press, statement
    quotes: tuple[str, ...]
    stance: str | None  # one of STANCES
    stance_rule: str | None  # id of the rule that fired (data/stance_rules.csv)
    stance_evidence: str | None  # the words that fired it


def _outlets(
    folded: str, low: str, spans: list[tuple[int, int]], outlets: tuple[Outlet, ...]
) -> tuple[str | None, str | None]:
    hits: list[tuple[int, Outlet]] = []
    for outlet in outlets:
        haystack = low if outlet.ignore_case else folded
        if not any(a in haystack for a in outlet.aliases):
            continue
        for m in outlet.pattern.finditer(haystack):
            if _word_start(haystack, m.start()) and not _inside(m.start(), spans):
                hits.append((m.start(), outlet))
                break
    if not hits:
        return None, None
    hits.sort(key=lambda h: (h[1].type == "statement", h[0]))
    return " / ".join(o.name for _, o in hits), hits[0][1].type


def extract_reaction(entry: EntryLike, gazetteer: Gazetteer) -> Reaction:
    """The reaction an entry reports (rules in the module docstring)."""
    text = f"{entry.headline}\n{entry.body}" if entry.headline else entry.body
    folded = fold_same_length(text)
    low = _lower(folded)
    spans = _real_quotes(text, _quote_spans(text), gazetteer.outlet_names)
    mentions = _classify(text, low, gazetteer._find_folded(folded), spans, gazetteer)
    speakers = _speakers(text, low, mentions)
    mentioned: list[str] = []
    for m in mentions:
        if m.person_id not in speakers and m.person_id not in mentioned:
            mentioned.append(m.person_id)
    camp = gazetteer.camp_of(speakers[0]) if speakers else None
    outlet, outlet_type = _outlets(folded, low, spans, gazetteer.outlets)
    stance, rule, evidence = _stance(text, low, gazetteer.stance_rules)
    return Reaction(
        entry_id=entry.id,
        speakers=tuple(speakers),
        speaker_names=tuple(gazetteer.people[p].name for p in speakers),
        mentioned=tuple(mentioned),
        camp=camp.camp_id if camp else None,
        camp_label=camp.label if camp else None,
        outlet=outlet,
        outlet_type=outlet_type,
        quotes=_quotes(text, spans),
        stance=stance,
        stance_rule=rule,
        stance_evidence=evidence,
    )
