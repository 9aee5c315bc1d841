"""The command line speaks French, fails in one line, and shows progress on long work."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from dashboard.cli.main import main
from dashboard.cli.progress import Progress, fr_bytes
from dashboard.testing import DATA

LIVEBLOG = Path(__file__).parent / "fixtures" / "liveblog"


class _Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


@pytest.mark.parametrize(
    ("argv", "line"),
    [
        (
            ["liveblog", "parse"],
            "error: liveblog parse : argument(s) obligatoire(s) manquant(s) : FILE (voir --help)",
        ),
        (
            ["export", "--format", "gif"],
            "error: export : argument --format : choix inconnu 'gif' (au choix : 'png', 'svg', "
            "'pdf', 'html', 'csv', 'json') (voir --help)",
        ),
        (
            ["results", "show", "--round", "deux"],
            "error: results show : argument --round : valeur invalide 'deux' (voir --help)",
        ),
        (["--nope"], "error: argument(s) obligatoire(s) manquant(s) : COMMAND (voir --help)"),
    ],
)
def test_argument_errors_are_one_french_line_and_exit_2(
    argv: list[str], line: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(argv) == 2
    captured = capsys.readouterr()
    assert captured.err == line + "\n"  # no usage block
    assert captured.out == ""


def test_liveblog_parse_speaks_french_and_keeps_accents_in_json(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DASHBOARD_DATA_DIR", str(DATA))
    blog = str(LIVEBLOG / "a_prefix.txt")
    assert main(["liveblog", "parse", blog, "--date", "2017-01-30"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0].split() == ["date", "heure", "titre", "personnes", "média", "camp", "position"]
    assert out[-1] == "3 entrées (les plus anciennes d'abord, lues comme texte)"
    assert main(["liveblog", "parse", blog, "--date", "2017-01-30", "--format", "json"]) == 0
    raw = capsys.readouterr().out
    assert "\\u00" not in raw and "À 21 heures" in raw
    assert json.loads(raw)[1]["body"].endswith(
        "À 21 heures, les premières tendances seront connues."
    )


def test_progress_off_a_terminal_is_one_line_per_file_then_a_summary() -> None:
    stream, clock = io.StringIO(), _Clock()
    with Progress(total=3, stream=stream, clock=clock) as progress:
        progress.done(Path("/x/a.png"), 96_400)
        progress.skipped(1)
        clock.now += 12.61
        progress.done("b.csv", 1_234_567)
    assert stream.getvalue().splitlines() == [
        "[1/3] a.png (96,4\u00a0ko)",
        "[2/2] b.csv (1,2\u00a0Mo)",
        "2 fichiers, 1,3\u00a0Mo, en 12,6\u00a0s",
    ]


def test_progress_on_a_terminal_redraws_one_bar() -> None:
    stream = _Terminal()
    with Progress(total=4, stream=stream, clock=_Clock()) as progress:
        progress.done("a.png", 10)
        progress.done("b.png", 10)
    text = stream.getvalue()
    frames = text.split("\r\x1b[2K")
    assert frames[1] == "[░░░░░░░░░░░░░░░░░░░░] 0/4 fichiers"
    assert frames[3] == "[██████████░░░░░░░░░░] 2/4 fichiers · b.png"
    assert frames[-1] == "2 fichiers, 20\u00a0o, en 0,0\u00a0s\n"
    assert text.count("\n") == 1  # the bar never scrolled the terminal


def test_sizes_read_the_french_way() -> None:
    assert [fr_bytes(n) for n in (0, 999, 1_500, 8_200_000, 3 * 10**9)] == [
        "0\u00a0o",
        "999\u00a0o",
        "1,5\u00a0ko",
        "8,2\u00a0Mo",
        "3,0\u00a0Go",
    ]
