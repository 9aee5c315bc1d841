"""Feedback on long CLI work (`export --all`, `publish`): files done / total, then a summary.

On a terminal (stderr is a TTY) one bar redrawn in place:
    [██████████░░░░░░░░░░]  27/54 fichiers · primaire-2017-t2-progression-story.png
elsewhere (a log, CI, a pipe) one line per file, so the log says what was written:
    [27/54] primaire-2017-t2-progression-story.png (412 ko)
and always one closing line:
    54 fichiers, 8,2 Mo, en 12,6 s

Usage (the one helper for every command that writes many files):
    with Progress(total=54) as progress:
        for …:
            progress.done(path, len(content))
        progress.skipped(6)       # files that will not come (a chart that could not be built)
"""

from __future__ import annotations

import shutil
import sys
import time
from pathlib import Path
from typing import TextIO

from dashboard.fr import NBSP, fr_int

BAR_WIDTH = 20


def fr_bytes(size: int) -> str:
    """1500 → "1,5 ko"; 8_200_000 → "8,2 Mo" (SI units as French writes them, decimal comma)."""
    value, unit = float(size), "o"
    for unit in ("o", "ko", "Mo", "Go"):
        if value < 1000 or unit == "Go":
            break
        value /= 1000
    if unit == "o":
        return f"{fr_int(size)}{NBSP}o"
    return f"{value:.1f}".replace(".", ",") + f"{NBSP}{unit}"


class Progress:
    """Counts files written; draws a bar on a TTY, a line per file otherwise."""

    def __init__(
        self,
        total: int,
        *,
        stream: TextIO | None = None,
        noun: str = "fichiers",
        tty: bool | None = None,
        clock=time.perf_counter,
    ) -> None:
        self.total = total
        self.count = 0
        self.bytes = 0
        self.noun = noun
        self._stream = stream if stream is not None else sys.stderr
        self._tty = self._stream.isatty() if tty is None else tty
        self._clock = clock
        self._started = clock()
        self._drawn = False

    def __enter__(self) -> Progress:
        if self._tty:
            self._draw("")
        return self

    def __exit__(self, exc_type: object, *exc: object) -> None:
        if exc_type is None:
            self.finish()
        elif self._tty and self._drawn:
            self._stream.write("\r\x1b[2K")  # the error line replaces the bar

    def done(self, path: str | Path, size: int) -> None:
        """One file written (`size` bytes)."""
        self.count += 1
        self.bytes += size
        name = Path(path).name
        if self._tty:
            self._draw(name)
        else:
            width = len(str(self.total))
            print(
                f"[{self.count:>{width}}/{self.total}] {name} ({fr_bytes(size)})",
                file=self._stream,
                flush=True,
            )

    def skipped(self, files: int) -> None:
        """`files` announced in `total` will not be written."""
        self.total = max(self.count, self.total - files)
        if self._tty:
            self._draw("")

    def note(self, message: str) -> None:
        """A line of its own (a warning) without breaking the bar."""
        if self._tty and self._drawn:
            self._stream.write("\r\x1b[2K")
        print(message, file=self._stream, flush=True)
        if self._tty:
            self._draw("")

    def summary(self) -> str:
        """ "54 fichiers, 8,2 Mo, en 12,6 s"."""
        seconds = f"{self._clock() - self._started:.1f}".replace(".", ",")
        noun = self.noun if self.count != 1 else self.noun.removesuffix("s")
        return f"{fr_int(self.count)} {noun}, {fr_bytes(self.bytes)}, en {seconds}{NBSP}s"

    def finish(self) -> None:
        if self._tty and self._drawn:
            self._stream.write("\r\x1b[2K")
        print(self.summary(), file=self._stream, flush=True)
        self._drawn = False

    def _draw(self, name: str) -> None:
        filled = BAR_WIDTH * self.count // self.total if self.total else BAR_WIDTH
        bar = "█" * filled + "░" * (BAR_WIDTH - filled)
        width = len(str(self.total))
        line = f"[{bar}] {self.count:>{width}}/{self.total} {self.noun}"
        if name:
            line += f" · {name}"
        columns = shutil.get_terminal_size((80, 24)).columns
        # Cut to the terminal: a wrapped line could not be redrawn in place.
        self._stream.write("\r\x1b[2K" + line[: max(10, columns - 1)])
        self._stream.flush()
        self._drawn = True
