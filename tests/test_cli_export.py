"""`python -m dashboard export …`: the files an editor gets from the command line.

Most cases run `dashboard.cli.main.main` in-process, so they share the one export browser of
`dashboard.export.render`; the issue's "done when" command runs as a real subprocess.
"""

from __future__ import annotations

import json
import struct
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from conftest import require_chromium

from dashboard.cli.main import main
from dashboard.fr import NBSP
from dashboard.testing import DATA, run_cli

CHROMIUM = Path("/usr/bin/chromium")


@pytest.fixture
def chromium() -> None:
    require_chromium()


@pytest.fixture
def shipped(monkeypatch: pytest.MonkeyPatch, store_dir: Path) -> None:
    """Settings pointing at the shipped sources and a tmp copy of the store."""
    monkeypatch.setenv("DASHBOARD_DATA_DIR", str(DATA))
    monkeypatch.setenv("DASHBOARD_STORE_DIR", str(store_dir))
    monkeypatch.delenv("DASHBOARD_LOGO", raising=False)


def itxt(png: bytes) -> dict[str, str]:
    out, pos = {}, 8
    while pos < len(png):
        (length,) = struct.unpack(">I", png[pos : pos + 4])
        if png[pos + 4 : pos + 8] == b"iTXt":
            key, rest = png[pos + 8 : pos + 8 + length].split(b"\x00", 1)
            out[key.decode()] = rest[2:].split(b"\x00", 2)[2].decode()
        pos += 12 + length
    return out


def plain(text: str) -> str:
    return " ".join(text.replace(NBSP, " ").split())


def test_done_when_vote_split_png_for_an_article(chromium, env, tmp_path: Path) -> None:
    out = tmp_path / "x.png"
    proc = run_cli(
        "export",
        "vote-split",
        "--format",
        "png",
        "--preset",
        "article",
        "--round",
        "2",
        "--out",
        str(out),
        env=env,
    )
    assert proc.returncode == 0, proc.stderr.decode()
    png = out.read_bytes()
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    assert struct.unpack(">II", png[16:24]) == (2400, 1350)
    texts = itxt(png)
    assert texts["Title"] == "Primaire de la gauche 2017 — 2nd tour"
    assert plain(texts["Source"]).startswith("Source : Haute Autorité des primaires citoyennes")
    assert "7 208 / 7 208 bureaux" in plain(texts["Source"])
    stdout = proc.stdout.decode()
    assert f"écrit {out} (2400×1350 PNG" in stdout
    assert "texte alternatif : Diagramme en barres" in stdout


def test_list_names_the_charts(shipped, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["export", "--list"]) == 0
    names = [line.split()[0] for line in capsys.readouterr().out.splitlines()]
    assert {"vote-split", "count-progress"} <= set(names)


def test_svg_at_2350_into_a_folder_is_named_for_the_newsroom(
    chromium, shipped, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(
        ["export", "vote-split", "--format", "svg", "--at", "23:50", "--out", f"{tmp_path}/"]
    )
    assert code == 0, capsys.readouterr().err
    path = tmp_path / "primaire-2017-t2-repartition-2350.svg"
    root = ET.fromstring(path.read_bytes())
    texts = " ".join(plain("".join(t.itertext())) for t in root.iter())
    assert "Primaire de la gauche 2017 — 2nd tour" in texts
    assert "données au 29/01/2017 23:50, 7 023 / 7 208 bureaux" in texts
    assert "58,87 %" in texts  # the figures of 23:50, not the final ones


def test_csv_and_json_of_the_data(shipped, tmp_path: Path) -> None:
    assert main(["export", "vote-split", "--format", "csv", "--out", str(tmp_path / "v.csv")]) == 0
    text = (tmp_path / "v.csv").read_bytes().decode("utf-8-sig")
    header, *rows = text.strip().split("\r\n")
    assert header.split(";")[:3] == ["candidat", "voix", "part_pct"]
    assert rows[0].startswith("Benoît Hamon;1181872;58,69")
    assert (
        main(["export", "vote-split", "--format", "json", "--out", str(tmp_path / "v.json")]) == 0
    )
    doc = json.loads((tmp_path / "v.json").read_text(encoding="utf-8"))
    assert doc["rows"][0]["voix"] == 1181872 and doc["rows"][0]["part_pct"] == 58.69


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["export", "--out", "x.png"], "name one CHART, or use --all"),
        (["export", "vote-split"], "--out is required"),
        (["export", "nope", "--out", "x.png"], "unknown chart 'nope'"),
        (["export", "vote-split", "--format", "png", "--out", "x.svg"], "does not end in .png"),
    ],
)
def test_user_errors_are_one_line(
    shipped, argv: list[str], message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: ") and message in err and err.count("\n") == 1


def test_all_writes_every_chart_with_one_browser(
    chromium, shipped, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from dashboard.export import render

    out = tmp_path / "out"
    code = main(["export", "--all", "--format", "png", "--out", str(out)])
    err = capsys.readouterr().err
    names = sorted(p.name for p in out.iterdir())
    # The shipped store holds every chart's data: nothing is skipped, every file is written.
    assert code == 0
    lines = err.splitlines()
    assert len(lines) == 13 and not [line for line in lines if "ignoré" in line], err
    assert lines[0].startswith("[ 1/12] primaire-2017-t2-") and lines[-1].startswith("12 fichiers")
    stamps = {"repartition": "20170202", "progression": "20170202", "reactions": "0824"}
    assert names == sorted(
        f"primaire-2017-t2-{slug}{suffix}-{stamp}.png"
        for slug, stamp in stamps.items()
        for suffix in ("", "-square", "-portrait", "-story")
    )  # and no temp file left behind
    assert render._RENDERER.running  # the same browser served every file


def test_all_skips_a_chart_it_cannot_build_says_so_and_exits_1(
    shipped, store_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    for table in store_dir.glob("liveblog*.parquet"):
        table.unlink()  # results but no live blog: the timeline cannot be built
    code = main(["export", "--all", "--format", "csv", "--out", str(tmp_path / "out")])
    err = capsys.readouterr().err
    assert code == 1
    lines = err.splitlines()
    assert [line.split(" (", 1)[0] for line in lines[:3]] == [
        "[1/3] primaire-2017-t2-repartition-20170202.csv",
        "[2/3] primaire-2017-t2-progression-20170202.csv",
        "ignoré reactions-timeline : aucune réaction enregistrée",
    ]
    assert lines[3].startswith("2 fichiers, ") and len(lines) == 4, err
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == [
        "primaire-2017-t2-progression-20170202.csv",
        "primaire-2017-t2-repartition-20170202.csv",
    ]


def test_all_on_an_empty_store_is_an_error_not_an_empty_folder(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("DASHBOARD_DATA_DIR", str(DATA))
    monkeypatch.setenv("DASHBOARD_STORE_DIR", str(tmp_path / "empty-store"))
    assert main(["export", "--all", "--out", str(tmp_path / "out")]) == 2
    err = capsys.readouterr().err.splitlines()
    assert err[-1].startswith("error: no chart could be exported")
