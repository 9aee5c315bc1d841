"""Schema 2: inscrits, abstentions, participation with its scope, progress as a counted
share, the publishing authority, results by area in the same long table, candidates' gender
and short name — read at the boundary, validated with one-line French messages."""

from __future__ import annotations

import shutil
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from dashboard.errors import SourceError, ValidationError
from dashboard.model import RESULTS, document_rows, normalise_value, snapshot_document
from dashboard.results.record import build_store
from dashboard.results.sources import parse_candidates_csv, parse_results_csv
from dashboard.results.views import load_area_results, load_candidates, load_results
from dashboard.store import Store
from dashboard.testing import DATA

HEADER = (
    "election_id,round,snapshot_id,as_of,status,kind,bureaux_counted,bureaux_total,votants,"
    "exprimes,blancs,nuls,candidate_id,votes,share_published,share_base,source_url,note,"
    "authority,inscrits,abstentions,participation_pct,scope,counted_pct,counted_unit,"
    "area_level,area_code,area_name"
)
ELECTION = DATA.name


def _row(sid: str, cand: str, votes: str, *, turnout: str, area: str = ",,", **kw: str) -> str:
    """A results.csv row of round 2 at 19:30 (`turnout` = votants,exprimes,blancs,nuls and
    `kw` the schema-2 columns)."""
    extra = ",".join(
        kw.get(k, "")
        for k in ("authority", "inscrits", "abstentions", "participation_pct", "scope")
    )
    counted = ",".join(kw.get(k, "") for k in ("counted_pct", "counted_unit"))
    return (
        f"{ELECTION},2,{sid},2017-01-29T19:30:00+01:00,partial,count,,,{turnout},{cand},{votes},,"
        f"exprimes,https://example.org/r,,{extra},{counted},{area}"
    )


@pytest.fixture
def data_with_areas(data_dir: Path) -> Path:
    """The shipped sources plus one round-2 snapshot with the nation and two areas, every
    schema-2 field filled: what a state election's results.csv holds."""
    lines = [
        _row(
            "t2-zones",
            "hamon",
            "600",
            turnout="1000,1000,0,0",
            inscrits="2000",
            abstentions="1000",
            participation_pct="50.00",
            scope="France entière",
            counted_pct="40",
            counted_unit="inscrits",
            authority="Ministère test",
        ),
        _row(
            "t2-zones",
            "valls",
            "400",
            turnout="1000,1000,0,0",
            inscrits="2000",
            abstentions="1000",
            participation_pct="50.00",
            scope="France entière",
            counted_pct="40",
            counted_unit="inscrits",
            authority="Ministère test",
        ),
    ]
    for code, name, a, b in (("01", "Ain", "350", "250"), ("02", "Aisne", "250", "150")):
        for cand, votes in (("hamon", a), ("valls", b)):
            total = int(a) + int(b)
            lines.append(
                _row(
                    "t2-zones",
                    cand,
                    votes,
                    turnout=f"{total},{total},0,0",
                    inscrits=str(2 * total),
                    abstentions=str(total),
                    participation_pct="50",
                    authority="Ministère test",
                    area=f"département,{code},{name}",
                )
            )
    text = (data_dir / "results.csv").read_text(encoding="utf-8").rstrip("\n").split("\n")
    old_header, rows = text[0], text[1:]
    width = len(HEADER.split(",")) - len(old_header.split(","))
    body = [r + "," * width for r in rows] + lines
    (data_dir / "results.csv").write_text("\n".join([HEADER, *body]) + "\n", encoding="utf-8")
    (data_dir / "areas.csv").write_text(
        "area_level,area_code,area_name\ndepartement,01,Ain\ndepartement,02,Aisne\n",
        encoding="utf-8",
    )
    return data_dir


def _spoil(data: Path, old: str, new: str) -> None:
    path = data / "results.csv"
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new), encoding="utf-8")


def test_areas_live_in_the_long_table_and_national_views_see_the_nation(
    data_with_areas: Path, tmp_path: Path
) -> None:
    store = Store(tmp_path / "store")
    report = build_store(data_with_areas, store)
    assert report.flagged == {} and "t2-zones" in report.added
    national = load_results(store)
    zones = national[national["snapshot_id"] == "t2-zones"]
    assert list(zones["candidate_id"]) == ["hamon", "valls"]
    assert int(zones["inscrits"].iloc[0]) == 2000 and zones["scope"].iloc[0] == "France entière"
    areas = load_area_results(store)
    assert sorted(set(areas["area_code"])) == ["01", "02"]
    assert set(areas["area_level"]) == {"departement"}  # "département" normalised
    doc = snapshot_document(zones, load_candidates(store))
    assert doc["schema"] == 2
    assert (doc["inscrits"], doc["abstentions"], doc["participation_pct"]) == (2000, 1000, 50.0)
    assert (doc["counted_pct"], doc["counted_unit"], doc["authority"]) == (
        40.0,
        "inscrits",
        "Ministère test",
    )
    assert [c["votes"] for c in doc["candidates"]] == [600, 400]  # the nation's, not an area's


@pytest.mark.parametrize(
    "old, new, message",
    [
        (
            "2000,1000,50.00,France entière,40",
            "2000,1000,48.00,France entière,40",
            "participation_pct : 48,00\xa0% publiée ≠ 50,00\xa0% recalculée (votants / inscrits)",
        ),
        (
            "2000,1000,50.00",
            "2000,900,50.00",
            "abstentions : 900 ≠ inscrits − votants (1\xa0000)",
        ),
        (
            "département,02,Aisne",
            "département,99,Nulle part",
            "département 99 (Nulle part) : area_code : code '99' inconnu pour le niveau "
            "département (areas.csv)",
        ),
        (
            "1000,1000,0,0,valls,400",
            "1000,1000,0,0,valls,500",
            "somme des voix des candidats (1\xa0100) ≠ exprimés (1\xa0000)",
        ),
    ],
    ids=["participation", "abstentions", "unknown-area-code", "national-sum"],
)
def test_a_turnout_or_area_inconsistency_is_one_line_naming_file_row_and_field(
    data_with_areas: Path, tmp_path: Path, old: str, new: str, message: str
) -> None:
    _spoil(data_with_areas, old, new)
    store = Store(tmp_path / "store")
    with pytest.raises(ValidationError) as err:
        build_store(data_with_areas, store)
    text = str(err.value)
    assert "\n" not in text
    assert text.startswith(f"{data_with_areas / 'results.csv'}, row ")
    assert f"Relevé t2-zones : {message}" in text
    assert not store.path("results").exists()


def test_an_area_sum_is_checked_per_area(data_with_areas: Path, tmp_path: Path) -> None:
    _spoil(data_with_areas, ",hamon,350,", ",hamon,351,")
    with pytest.raises(
        ValidationError,
        match=r"Relevé t2-zones : département 01 \(Ain\) : "
        r"somme des voix des candidats \(601\) ≠ exprimés \(600\)",
    ):
        build_store(data_with_areas, Store(tmp_path / "store"))


@pytest.mark.parametrize(
    "old, new, field, message",
    [
        (",40,inscrits,", ",140,inscrits,", "counted_pct", "entre 0 et 100"),
        (",40,inscrits,", ",40,urnes,", "counted_unit", "'urnes' n'est pas une valeur connue"),
        ("département,01", "canton,01", "area_level", "'canton' n'est pas une valeur connue"),
        ("département,01,Ain", "département,,Ain", "area_code", "une ligne de zone a besoin"),
    ],
    ids=["counted-over-100", "unknown-unit", "unknown-level", "area-without-code"],
)
def test_a_malformed_schema2_field_is_refused_at_the_boundary(
    data_with_areas: Path, old: str, new: str, field: str, message: str
) -> None:
    _spoil(data_with_areas, old, new)
    with pytest.raises(SourceError, match=rf"results.csv, row \d+, field '{field}': .*{message}"):
        parse_results_csv(data_with_areas / "results.csv")


def test_a_schema1_document_still_reads_and_schema2_fields_are_read() -> None:
    base = {
        "election": ELECTION,
        "round": 2,
        "as_of": "2017-01-29T22:00:00+01:00",
        "status": "partial",
        "share_base": "exprimes",
        "candidates": [{"id": "hamon", "share": 58.0}, {"id": "valls", "share": 42.0}],
    }
    old = document_rows({"schema": 1, **base})
    assert old["inscrits"].isna().all() and old["area_level"].isna().all()
    new = document_rows(
        {
            "schema": 2,
            **base,
            "inscrits": 48_747_876,
            "participation_pct": 25.48,
            "scope": "métropole",
            "counted_pct": 97,
            "counted_unit": "Inscrits",
            "authority": "Ministère de test",
        }
    )
    first = new.iloc[0]
    assert (first["inscrits"], first["participation_pct"], first["scope"]) == (
        48_747_876,
        25.48,
        "métropole",
    )
    assert (first["counted_pct"], first["counted_unit"]) == (97.0, "inscrits")
    with pytest.raises(SourceError, match=r"'counted_pct' must be within 0–100, got 101"):
        document_rows({"schema": 2, **base, "counted_pct": 101})
    with pytest.raises(SourceError, match=r"unsupported 'schema' 3 \(expected 1 or 2\)"):
        document_rows({"schema": 3, **base})


def test_values_are_normalised_through_one_map() -> None:
    assert [normalise_value("area_level", v) for v in ("", "National", "Département", "REG")] == [
        None,
        None,
        "departement",
        "region",
    ]
    assert [normalise_value("gender", v) for v in ("F", "homme", "")] == ["F", "M", None]
    with pytest.raises(ValueError, match=r"^'X' n'est pas une valeur connue \(au choix : F, M\)$"):
        normalise_value("gender", "X")


def test_candidates_read_gender_and_short_name(tmp_path: Path) -> None:
    path = tmp_path / "candidates.csv"
    path.write_text(
        "election_id,candidate_id,name,party,colour,display_order,gender,short_name\n"
        "e,a,Anne Exemple,P,#112233,1,F,Exemple\n"
        "e,b,Bruno Essai,P,#445566,2,,\n",
        encoding="utf-8",
    )
    rows = parse_candidates_csv(path)
    assert rows["gender"].iloc[0] == "F" and rows["short_name"].iloc[0] == "Exemple"
    assert rows["gender"].isna().iloc[1] and rows["short_name"].isna().iloc[1]
    path.write_text(path.read_text().replace(",F,Exemple", ",Z,Exemple"), encoding="utf-8")
    with pytest.raises(SourceError, match=r"candidates.csv, row 2, field 'gender': 'Z'"):
        parse_candidates_csv(path)


def test_a_store_written_before_schema2_reads_with_null_columns(tmp_path: Path) -> None:
    store_dir = shutil.copytree(DATA / "store", tmp_path / "store")
    table = pq.read_table(store_dir / "results.parquet")
    old_names = [n for n in table.column_names if n not in ("inscrits", "area_level", "scope")]
    pq.write_table(table.select(old_names), store_dir / "results.parquet")
    read = Store(store_dir).read("results", RESULTS)
    assert read.schema == RESULTS
    assert read.column("inscrits").null_count == read.num_rows
    assert pa.compute.all(pa.compute.is_null(read.column("area_level"))).as_py()
