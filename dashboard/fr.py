"""French for readers: numbers, percentages, status words and Paris time, the same on every
surface; and the reading of numbers as French sources and staff write them."""

from __future__ import annotations

import re
import unicodedata
from zoneinfo import ZoneInfo

import pandas as pd

PARIS = ZoneInfo("Europe/Paris")
NBSP = "\u00a0"


def fr_int(value: float | int | None) -> str:
    """2000255 → "2 000 255" (no-break spaces); None → "n. c." (non communiqué)."""
    if value is None or pd.isna(value):
        return "n. c."
    return f"{int(value):,}".replace(",", NBSP)


def fr_pct(value: float | None, digits: int = 2) -> str:
    """58.87 → "58,87 %" (no-break space before %)."""
    if value is None or pd.isna(value):
        return "n. c."
    return f"{float(value):.{digits}f}".replace(".", ",") + NBSP + "%"


def fr_signed(value: float, digits: int = 2, unit: str = " pt") -> str:
    """+0.22 → "+0,22 pt"."""
    sign = "+" if value > 0 else ("−" if value < 0 else "±")
    return f"{sign}{abs(value):.{digits}f}".replace(".", ",") + unit.replace(" ", NBSP)


# --- words -----------------------------------------------------------------------------------

STATUS_FR = {"partial": "partiel", "corrected": "corrigé", "definitive": "définitif"}
BASE_FR = {"exprimes": "suffrages exprimés", "votants": "votants"}


def status_fr(status: object) -> str:
    """ "partial" → "partiel"; an unknown status is shown as given."""
    return STATUS_FR.get(str(status), str(status))


# --- moments whose time the source does not give -------------------------------------------------

# The convention (README, "Data"): a snapshot whose note says "heure non précisée" or "heure non
# communiquée" — and does not say where it was placed ("placée à 21:45") — has a date but no
# time. Its `as_of` time (00:00, 12:00) only orders it among the others; readers see the date.
_TIME_UNKNOWN = re.compile(r"heure non (précisée|communiquée)|date exacte[^.;]*non précisée", re.I)
_TIME_PLACED = re.compile(r"placée? à \d", re.I)


def time_known(note: object) -> bool:
    """False when the snapshot's note says the source gives no time (see the convention)."""
    if note is None or not isinstance(note, str) or not note:
        return True
    return not (_TIME_UNKNOWN.search(note) and not _TIME_PLACED.search(note))


def fr_moment(when: object, *, known: bool = True, year: bool = True, sep: str = " à ") -> str:
    """ "29/01/2017 à 23:50", or "02/02/2017" when the time is not known (`year=False`: "29/01")."""
    stamp = pd.Timestamp(when)
    day = f"{stamp:%d/%m/%Y}" if year else f"{stamp:%d/%m}"
    return day if not known else f"{day}{sep}{stamp:%H:%M}"


# --- matching and names ------------------------------------------------------------------------


_BEFORE_PUNCTUATION = re.compile(r" ([:;?!»%])")
_DIGIT_GROUP = re.compile(r"(?<=\d) (?=\d{3}(?!\d))")


def no_break_spaces(text: str) -> str:
    """French typography for running text that a browser or a wrapper cuts into lines: ":",
    ";", "?", "!", "»" and "%" never start a line, "«" never ends one, and a number's digit
    groups stay together ("7 208 bureaux", not "7" over "208 bureaux")."""
    text = _BEFORE_PUNCTUATION.sub(NBSP + "\\1", text).replace("« ", "«" + NBSP)
    return _DIGIT_GROUP.sub(NBSP, text)


def fold(text: object) -> str:
    """A matching key: lower case, no accents, hyphens as spaces, single spaces:
    "  Benoît  HAMON" → "benoit hamon"."""
    decomposed = unicodedata.normalize("NFKD", str(text))
    bare = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(bare.casefold().replace("-", " ").split())


def slugify(text: object) -> str:
    """ "Répartition des voix" → "repartition-des-voix" (ASCII, safe in any file system)."""
    return re.sub(r"[^a-z0-9]+", "-", fold(text)).strip("-")


# --- numbers as people type them -----------------------------------------------------------------

_SPACES = re.compile(r"[\s\u00a0\u202f]")
# Above this no French count is real (there are ~49 million registered voters); it also keeps
# every count inside int64, the store's type.
MAX_COUNT = 10**9


def shown(raw: object, limit: int = 40) -> str:
    """A value someone typed, quoted for a one-line message: « 1,5 million » (whitespace and
    line breaks collapsed, cut after `limit` characters)."""
    text = " ".join(str(raw).split())
    return f"« {text if len(text) <= limit else text[: limit - 1] + '…'} »"


def parse_count(text: object) -> int | None:
    """A count as sources and staff write it ("2 000 255", "2000255", "") → int or None.
    ValueError (one line) for anything else: a sign, a decimal, words, more than 10⁹."""
    raw = "" if text is None else str(text)
    cleaned = _SPACES.sub("", raw)
    if cleaned == "":
        return None
    if re.fullmatch(r"[0-9]+", cleaned):
        if len(cleaned) > 10 or int(cleaned) > MAX_COUNT:
            raise ValueError(f"{shown(raw)} n'est pas un décompte plausible (plus d'un milliard)")
        return int(cleaned)
    if re.fullmatch(r"-[0-9]+([.,][0-9]+)?", cleaned):
        raise ValueError(f"{shown(raw)} est un nombre négatif")
    if re.fullmatch(r"[0-9]+[.,][0-9]+", cleaned):
        raise ValueError(f"{shown(raw)} n'est pas un nombre entier")
    raise ValueError(f"{shown(raw)} n'est pas un nombre")


def parse_share(text: object) -> float | None:
    """A percentage ("58,69", "58.69 %", "") → float within 0–100, or None.
    ValueError (one line) otherwise."""
    raw = "" if text is None else str(text)
    cleaned = _SPACES.sub("", raw).removesuffix("%").replace(",", ".")
    if cleaned == "":
        return None
    if not re.fullmatch(r"-?[0-9]{1,12}(\.[0-9]+)?", cleaned):
        raise ValueError(f"{shown(raw)} n'est pas un nombre")
    value = float(cleaned)
    if not 0 <= value <= 100:
        raise ValueError(f"{shown(raw)} n'est pas un pourcentage entre 0 et 100")
    return value
