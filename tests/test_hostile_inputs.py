"""Issue 8, item 2: every command turns a hostile document into one line `error: …` naming the
file, the row or field and the problem, exits 2, and leaves the store byte for byte as it was.

The documents are under tests/fixtures/hostile/, named for what they carry. The commands run
in this process (`dashboard.cli.main.main`); `results fetch` reads them from a real HTTP
server on 127.0.0.1 (tests/hostile_server.py)."""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

import pytest

from dashboard.desk import actions
from dashboard.errors import ParseError, ValidationError
from dashboard.testing import HOSTILE, HostileFeed

# fixture → what the one-line error must say (results documents: JSON feed and ministry CSV)
RESULTS_CASES = {
    "as_of_year_one_plus_14.json": "'as_of': time out of range: '0001-01-01T00:00:00+14:00'",
    "array_100000_deep.json": "JSON nested deeper than 64 levels",
    "nesting_200_deep_object.json": "JSON nested deeper than 64 levels",
    "votants_above_int64.json": "'votants': 18446744073709551616 is beyond any election",
    "votants_absurd.json": "'votants': 1000000000000000 is beyond any election (at most "
    "1 000 000 000)",
    "candidate_votes_above_int64.json": "candidates[0]: 'votes': 9223372036854775808 is beyond",
    "round_above_int64.json": "'round': 1180591620717411303424 is beyond any election (at most "
    "127)",
    "note_not_a_string.json": "'note' must be text, got an object",
    "source_url_not_a_string.json": "'source_url' must be text, got a list",
    "election_not_a_string.json": "'election' must be text, got an object",
    "snapshot_id_not_a_string.json": "'snapshot_id' must be text, got a number",
    "candidate_id_not_a_string.json": "candidates[0]: 'id' must be text, got an object",
    "ministry_tour_twenty_digits.csv": "row 2: field 'Tour': « 99999999999999999999 » n'est pas un "
    "décompte plausible (plus d'un milliard)",
    "ministry_votants_above_int64.csv": "row 2: field 'Votants': « 99999999999999999999 » n'est",
    "ministry_voix_above_int64.csv": "row 2: field 'Voix': « 99999999999999999999 » n'est pas un",
    "ministry_date_year_one.csv": "row 2: Date out of range: '01/01/0001'",
}
# readable documents that cannot be this election's: `validate` says fetch would refuse them
# (exit 1, the verdict of results.verdict.decide), `fetch` refuses them (exit 2)
IMPLAUSIBLE_CASES = {
    "as_of_far_from_round_date.json": "snapshot t2-hostile: dated 01/06/2031 20:00, outside the "
    "dates of round 2 (22/01/2017–05/02/2017; plausible_days in election.toml)",
    "round_not_in_election.json": "snapshot t2-hostile: round 7 is not a round of primaire-2017 "
    "(rounds: 1, 2)",
    "ministry_tour_not_in_election.csv": "snapshot t3-20170130T003000: round 3 is not a round of "
    "primaire-2017",
    "ministry_date_far_from_round.csv": "snapshot t2-20310130T003000: dated 30/01/2031 00:30, "
    "outside the dates of round 2",
}
# live-blog documents (JSON-LD)
BLOG_CASES = {
    "jsonld_date_published_year_9999.jsonld": "liveBlogUpdate[1]: 'datePublished' out of range: "
    "'9999-12-31T23:59:59-14:00'",
    "jsonld_date_published_far_from_election.jsonld": "liveBlogUpdate[1]: entry dated 29/01/2031"
    " 23:59, outside the dates of primaire-2017 (15/01/2017–05/02/2017",
    "jsonld_array_100000_deep.jsonld": "JSON nested deeper than 64 levels",
    "jsonld_headline_not_a_string.jsonld": "liveBlogUpdate[1]: 'headline' must be text, got an "
    "object",
    "jsonld_body_huge_integer.jsonld": "liveBlogUpdate[1]: 'articleBody' must be text, got a "
    "number",
    "jsonld_date_published_number.jsonld": "liveBlogUpdate[1]: 'datePublished' must be ISO 8601 "
    "text, got a number",
}
BLOG_URL = "https://example.org/direct-primaire"


@pytest.fixture
def run(cli):
    """The CLI in this process on a copy of the shipped store: (exit code, out, err)."""

    def go(*args: str, stdin: bytes | None = None) -> tuple[int, str, str]:
        done = cli(*args, stdin=stdin, DASHBOARD_FEED_RETRIES="0")
        return done.returncode, done.stdout.decode(), done.stderr.decode()

    return go


@pytest.fixture(scope="module")
def feed():
    server = HostileFeed()
    yield server
    server.shutdown()


def store_bytes(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.glob("*.parquet"))}


def assert_one_error(err: str, *parts: str) -> None:
    assert err.startswith("error: ") and err.count("\n") == 1, err
    for part in parts:
        assert part in err, err


@pytest.mark.parametrize("name", sorted(RESULTS_CASES))
def test_results_validate_refuses_the_hostile_document_in_one_line(name, run, store_dir):
    before = store_bytes(store_dir)
    code, out, err = run("results", "validate", str(HOSTILE / name))
    assert (code, out) == (2, "")
    assert_one_error(err, str(HOSTILE / name), RESULTS_CASES[name])
    assert store_bytes(store_dir) == before


@pytest.mark.parametrize("name", sorted(RESULTS_CASES) + sorted(IMPLAUSIBLE_CASES))
def test_results_fetch_refuses_what_validate_refuses(name, run, feed, store_dir):
    before = store_bytes(store_dir)
    code, out, err = run("results", "fetch", feed.url(name))
    assert (code, out) == (2, "")
    problem = RESULTS_CASES.get(name) or IMPLAUSIBLE_CASES[name]
    assert_one_error(err, "document refusé (archive ", problem)
    assert store_bytes(store_dir) == before


@pytest.mark.parametrize("name", sorted(IMPLAUSIBLE_CASES))
def test_results_validate_says_fetch_would_refuse_a_document_of_another_date_or_round(
    name, run, store_dir
):
    before = store_bytes(store_dir)
    code, out, err = run("results", "validate", str(HOSTILE / name))
    assert (code, err) == (1, "")
    (line,) = out.splitlines()
    assert line.startswith(f"{HOSTILE / name}: tour ")
    assert f"serait refusé : {IMPLAUSIBLE_CASES[name]}" in line
    assert store_bytes(store_dir) == before


def _spoil(data_dir: Path, old: str, new: str) -> None:
    path = data_dir / "results.csv"
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new), encoding="utf-8")  # every row of the snapshot


DATA_BUILD_CASES = {
    "round_twenty_digits": (
        "primaire-2017,1,t1-1200,",
        "primaire-2017,99999999999999999999,t1-1200,",
        "row 2, field 'round': « 99999999999999999999 » n'est pas un décompte plausible "
        "(plus d'un milliard)",
    ),
    "as_of_year_one_plus_14": (
        "2017-01-22T12:00:00+01:00",
        "0001-01-01T00:00:00+14:00",
        "row 2, field 'as_of': time out of range: '0001-01-01T00:00:00+14:00'",
    ),
    "as_of_far_from_round": (
        "2017-01-22T12:00:00+01:00",
        "2031-01-22T12:00:00+01:00",
        "field 'as_of': snapshot t1-1200: dated 22/01/2031 12:00, outside the dates of round 1",
    ),
    "round_not_in_election": (
        "primaire-2017,1,t1-1200,",
        "primaire-2017,5,t1-1200,",
        "field 'round': snapshot t1-1200: round 5 is not a round of primaire-2017",
    ),
}


@pytest.mark.parametrize("case", sorted(DATA_BUILD_CASES))
def test_data_build_refuses_a_hostile_source_file(case, run, data_dir, store_dir):
    old, new, expected = DATA_BUILD_CASES[case]
    rows = (data_dir / "results.csv").read_text(encoding="utf-8").splitlines()
    _spoil(data_dir, old, new)
    before = store_bytes(store_dir)
    code, out, err = run("data", "build", "--data-dir", str(data_dir))
    assert (code, out) == (2, "")
    assert_one_error(err, str(data_dir / "results.csv"), expected)
    assert store_bytes(store_dir) == before
    # validate refuses the same file the same way
    code, out, err = run("results", "validate", str(data_dir / "results.csv"))
    assert (code, out) == (2, "")
    assert_one_error(err, expected)
    assert len(rows) > 2


@pytest.mark.parametrize("name", sorted(BLOG_CASES))
def test_liveblog_parse_refuses_the_hostile_blog_in_one_line(name, run):
    code, out, err = run("liveblog", "parse", str(HOSTILE / name), "--format", "json")
    assert (code, out) == (2, "")
    assert_one_error(err, str(HOSTILE / name), BLOG_CASES[name])


@pytest.mark.parametrize("name", sorted(BLOG_CASES))
def test_liveblog_ingest_refuses_the_hostile_blog_and_stores_nothing(name, run, store_dir):
    before = store_bytes(store_dir)
    code, out, err = run("liveblog", "ingest", str(HOSTILE / name), "--source-url", BLOG_URL)
    assert (code, out) == (2, "")
    assert_one_error(err, str(HOSTILE / name), BLOG_CASES[name])
    assert store_bytes(store_dir) == before


@pytest.mark.parametrize("name", sorted(BLOG_CASES))
def test_desk_preview_refuses_the_hostile_blog(name, app_env):
    with pytest.raises(ParseError) as refused:
        actions.preview_liveblog(
            (HOSTILE / name).read_bytes(), blog_date=None, source_url=BLOG_URL, limit_mb=5
        )
    assert str(refused.value).startswith("le texte: ")
    assert BLOG_CASES[name] in str(refused.value)


def test_a_list_of_strings_as_article_body_is_read_as_paragraphs_not_a_python_repr(run):
    code, out, err = run(
        "liveblog",
        "parse",
        str(HOSTILE / "jsonld_body_list_of_strings.jsonld"),
        "--format",
        "json",
    )
    assert (code, err) == (0, "")
    assert '"body": "Fin\\n\\ndu direct."' in out
    assert "['Fin'" not in out


def test_errors_on_standard_input_name_it_in_french(run):
    payload = (HOSTILE / "as_of_year_one_plus_14.json").read_bytes()
    code, _, err = run("results", "validate", "-", stdin=payload)
    assert code == 2
    assert_one_error(err, "error: entrée standard: 'as_of': time out of range")
    blog = (HOSTILE / "jsonld_headline_not_a_string.jsonld").read_bytes()
    code, _, err = run("liveblog", "parse", "-", stdin=blog)
    assert code == 2
    assert_one_error(err, "error: entrée standard: liveBlogUpdate[1]: 'headline' must be text")


def test_a_desk_upload_over_the_limit_says_so_not_empty_input(app_env):
    # Over the limit, the bytes reach the function: too large, with the limit.
    with pytest.raises(ValidationError, match=r"Fichier trop gros : 6 Mo \(limite 5 Mo"):
        actions.preview_liveblog(
            b"8h24 : Titre\n" * (6 * 1024 * 1024 // 13 + 1),
            blog_date=date(2017, 1, 29),
            source_url=BLOG_URL,
            limit_mb=5,
        )
    # The uploader drops a file over its limit and hands over nothing: the message says why.
    with pytest.raises(ValidationError, match=r"Rien à lire .* d'au plus 5 Mo") as empty:
        actions.preview_liveblog(b"", blog_date=None, source_url=BLOG_URL, limit_mb=5)
    assert "empty input" not in str(empty.value)


def test_the_good_documents_next_to_the_hostile_ones_are_accepted(run, tmp_path):
    shutil.copy(HOSTILE / "good_round_2_2350.json", tmp_path / "good.json")
    code, out, err = run("results", "validate", str(tmp_path / "good.json"))
    assert (code, err) == (0, "")
    assert out == (
        f"{tmp_path / 'good.json'}: tour 2 — déjà enregistré, rien ne changerait (relevé t2-2350)\n"
    )
    code, out, err = run("liveblog", "parse", str(HOSTILE / "jsonld_good.jsonld"))
    assert (code, err) == (0, "")
    assert "2 entrées" in out
