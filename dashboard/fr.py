"""French for readers: numbers, percentages and Paris time, the same on every surface."""

from __future__ import annotations

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
