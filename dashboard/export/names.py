"""File names of exports: election, round, chart, preset, variant and time, never colliding."""

from __future__ import annotations

import re
from datetime import date, datetime

from dashboard.export.formats import DATA_FORMATS
from dashboard.fr import slugify


def filename(
    election_slug: str,
    round: int | None,
    chart_slug: str,
    as_of_hhmm: str | datetime | date | None,
    ext: str,
    *,
    preset: str | None = None,
    dark: bool = False,
) -> str:
    """`primaire-2017-t2-repartition-2350.png` (a `date`: `…-repartition-20170202.png`).

    A non-article preset and the dark variant are named before the time
    (`…-repartition-story-sombre-2350.png`) so files of one folder never overwrite each other;
    data files (csv, json) take neither: they do not depend on them.
    """
    if isinstance(as_of_hhmm, datetime):
        as_of_hhmm = f"{as_of_hhmm:%H%M}"
    elif isinstance(as_of_hhmm, date):
        # A snapshot known by its date only is named by it (…-20170202.png), never …-0000.
        as_of_hhmm = f"{as_of_hhmm:%Y%m%d}"
    parts = [slugify(election_slug)]
    if round is not None:
        parts.append(f"t{round}")
    parts.append(slugify(chart_slug))
    visual = ext.lstrip(".") not in DATA_FORMATS
    if visual and preset and preset != "article":
        parts.append(slugify(preset))
    if visual and dark:
        parts.append("sombre")
    if as_of_hhmm:
        parts.append(re.sub(r"\D", "", as_of_hhmm))
    return "-".join(p for p in parts if p) + "." + ext.lstrip(".")
