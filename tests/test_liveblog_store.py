"""Live-blog store: real Parquet in tmp_path — idempotent ingest, versions and history,
re-derived reactions, no partial write, readers for the page, `liveblog ingest`."""

from __future__ import annotations

import dataclasses
import datetime as dt
import os
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from dashboard.errors import ValidationError
from dashboard.liveblog.parse import parse_liveblog, read_liveblog
from dashboard.liveblog.reactions import UNKNOWN_CAMP_LABEL, Gazetteer, load_people
from dashboard.liveblog.store import (
    ENTRIES_TABLE,
    LIVEBLOGS_TABLE,
    REACTIONS_TABLE,
    blog_id_for,
    current_entries,
    current_lead,
    current_reactions,
    entry_history,
    ingest_entries,
    ingest_liveblog,
    reaction_timeline,
)
from dashboard.model import ENTRIES, REACTIONS
from dashboard.store import Store
from dashboard.testing import DATA, call_cli

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "tests" / "fixtures" / "liveblog"
SEED = FIXTURES / "seed_atlantico_2017-01-30.txt"
SEED_URL = (
    "http://www.atlantico.fr/decryptage/en-direct-reactions-politique-election-benoit-hamon"
    "-2949755.html"
)
D30 = dt.date(2017, 1, 30)
T1 = dt.datetime(2017, 1, 30, 9, 0, tzinfo=dt.UTC)
T2 = dt.datetime(2017, 1, 30, 10, 0, tzinfo=dt.UTC)


@pytest.fixture(scope="module")
def gazetteer() -> Gazetteer:
    return load_people(DATA / "people.csv")


@pytest.fixture
def store(tmp_path) -> Store:
    return Store(tmp_path / "store")


def seed_blog():
    return read_liveblog(SEED.read_bytes(), blog_date=D30, source_url=SEED_URL)


def rows(store: Store, name: str) -> int:
    path = store.path(name)
    return pq.read_metadata(path).num_rows if path.exists() else 0


def test_blog_id_is_stable_readable_and_ignores_the_fragment():
    assert blog_id_for(SEED_URL) == blog_id_for(SEED_URL + "#8h24")
    assert blog_id_for(SEED_URL).startswith("atlantico-fr-")
    assert blog_id_for(SEED_URL) != blog_id_for("https://example.org/direct")


def test_ingest_the_seed_then_again_is_idempotent(store, gazetteer):
    first = ingest_liveblog(store, seed_blog(), source_url=SEED_URL, gazetteer=gazetteer)
    assert (first.added, first.updated, first.unchanged) == (6, 0, 0)
    mtimes = {n: store.path(n).stat().st_mtime_ns for n in (ENTRIES_TABLE, REACTIONS_TABLE)}
    again = ingest_liveblog(store, seed_blog(), source_url=SEED_URL, gazetteer=gazetteer)
    assert (again.added, again.updated, again.unchanged) == (0, 0, 6)
    assert again.reactions_refreshed == 0
    assert rows(store, ENTRIES_TABLE) == 6 and rows(store, REACTIONS_TABLE) == 6
    # Nothing to add: the files were not even rewritten.
    assert {n: store.path(n).stat().st_mtime_ns for n in mtimes} == mtimes
    assert (
        again.summary() == f"{blog_id_for(SEED_URL)} : 0 entrée ajoutée, 0 modifiée, 6 inchangées"
    )


def test_current_entries_and_reactions_for_the_page(store, gazetteer):
    ingest_liveblog(store, seed_blog(), source_url=SEED_URL, gazetteer=gazetteer)
    entries = current_entries(store)
    assert list(entries["time"]) == ["07:30", "07:40", "07:51", "08:02", "08:15", "08:24"]
    assert set(ENTRIES.names) <= set(entries.columns) and "deep_link" in entries.columns
    assert (entries["version"] == 1).all()
    assert str(entries["published_at"].dt.tz) == "Europe/Paris"
    reactions = current_reactions(store)
    assert list(reactions.columns) == REACTIONS.names
    assert list(reactions["people_names"]) == [
        ["Benoît Hamon"],
        ["François Hollande"],
        ["Alexis Corbière"],
        ["Alain Calmette"],
        ["Jérôme Chartier"],
        ["Jean-Pierre Raffarin"],
    ]
    assert reactions["outlet"].iloc[0] is None  # None, not NaN (NaN is truthy)
    assert current_lead(store, blog_id_for(SEED_URL)).startswith("Benoît Hamon a été")


def test_reaction_timeline_carries_camp_labels_and_colours(store, gazetteer):
    ingest_liveblog(store, seed_blog(), source_url=SEED_URL, gazetteer=gazetteer)
    tl = reaction_timeline(store, gazetteer)
    assert len(tl) == 6
    raffarin = tl[tl["time"] == "08:24"].iloc[0]
    assert raffarin["camp_label"] == "Droite (LR / Fillon)"
    assert raffarin["camp_colour"] == gazetteer.camps["droite-lr"].colour
    assert raffarin["permalink"] == f"{SEED_URL}#{raffarin['entry_id']}"
    assert raffarin["deep_link"] == f"?entry={raffarin['entry_id']}"
    assert raffarin["quotes"][0].startswith("Aujourd'hui")
    assert raffarin["body"].startswith("Jean-Pierre Raffarin est intervenu")
    assert tl["headline"].tolist()[0] == "Rassemblement"


def test_edited_entry_becomes_a_new_version_and_history_is_kept(store, gazetteer):
    entries = list(seed_blog().entries)
    ingest_entries(store, entries, source_url=SEED_URL, gazetteer=gazetteer, recorded_at=T1)
    edited = list(entries)
    edited[4] = dataclasses.replace(
        entries[4], headline="Un silence pesant", body=entries[4].body + " Mise à jour à 9h."
    )
    report = ingest_entries(store, edited, source_url=SEED_URL, gazetteer=gazetteer, recorded_at=T2)
    assert (report.added, report.updated, report.unchanged) == (0, 1, 5)
    assert rows(store, ENTRIES_TABLE) == 7 and rows(store, REACTIONS_TABLE) == 7
    current = current_entries(store)
    assert len(current) == 6
    silence = current[current["entry_id"] == entries[4].id].iloc[0]
    assert (silence["version"], silence["headline"]) == (2, "Un silence pesant")
    history = entry_history(store, blog_id_for(SEED_URL), entries[4].id)
    assert list(history["version"]) == [1, 2]
    assert list(history["headline"]) == ["Un lourd silence", "Un silence pesant"]
    assert list(history["recorded_at"]) == [T1, T2]
    reaction = current_reactions(store).set_index("entry_id").loc[entries[4].id]
    assert reaction["version"] == 2
    # Ingesting the edited text again changes nothing.
    again = ingest_entries(store, edited, source_url=SEED_URL, gazetteer=gazetteer)
    assert (again.added, again.updated, again.unchanged) == (0, 0, 6)
    assert rows(store, ENTRIES_TABLE) == 7


def test_an_edited_blog_text_reingested_updates_in_place(store, gazetteer):
    text = SEED.read_text()
    ingest_liveblog(store, seed_blog(), source_url=SEED_URL, gazetteer=gazetteer)
    edited = text.replace("Reste à savoir combien", "Reste à savoir combien de députés")
    blog = read_liveblog(edited, blog_date=D30, source_url=SEED_URL)
    report = ingest_liveblog(store, blog, source_url=SEED_URL, gazetteer=gazetteer)
    assert (report.added, report.updated, report.unchanged) == (0, 1, 5)
    assert "combien de députés" in current_entries(store)["body"].iloc[3]


def test_a_new_entry_is_added_and_a_removed_one_is_kept(store, gazetteer):
    entries = list(seed_blog().entries)
    ingest_entries(store, entries[1:], source_url=SEED_URL, gazetteer=gazetteer)
    report = ingest_entries(store, entries[:-1], source_url=SEED_URL, gazetteer=gazetteer)
    assert (report.added, report.unchanged, report.absent) == (1, 4, 1)
    assert len(current_entries(store)) == 6


def test_extended_gazetteer_re_derives_reactions_without_new_entries(store, gazetteer):
    people = [p for p in gazetteer.people.values() if p.person_id != "raffarin"]
    partial = Gazetteer(people, gazetteer.camps.values(), gazetteer.outlets, gazetteer.stance_rules)
    ingest_liveblog(store, seed_blog(), source_url=SEED_URL, gazetteer=partial, recorded_at=T1)
    before = reaction_timeline(store, partial)
    raffarin = before[before["time"] == "08:24"].iloc[0]
    assert raffarin["people"] == [] and raffarin["camp"] is None  # unknown, not guessed
    assert raffarin["camp_label"] == UNKNOWN_CAMP_LABEL
    report = ingest_liveblog(
        store, seed_blog(), source_url=SEED_URL, gazetteer=gazetteer, recorded_at=T2
    )
    assert (report.unchanged, report.reactions_refreshed) == (6, 1)
    assert rows(store, ENTRIES_TABLE) == 6 and rows(store, REACTIONS_TABLE) == 7
    after = reaction_timeline(store, gazetteer)
    assert after[after["time"] == "08:24"].iloc[0]["people"] == ["raffarin"]


def test_two_blogs_share_the_store(store, gazetteer):
    ingest_liveblog(store, seed_blog(), source_url=SEED_URL, gazetteer=gazetteer)
    other = read_liveblog(SEED.read_bytes(), blog_date=D30, source_url="https://example.org/b")
    report = ingest_liveblog(store, other, source_url="https://example.org/b", gazetteer=gazetteer)
    assert report.added == 6
    assert len(current_entries(store)) == 12
    assert len(current_entries(store, blog_id_for("https://example.org/b"))) == 6
    assert len(current_reactions(store, blog_id_for(SEED_URL))) == 6


def test_bad_input_writes_nothing(store, gazetteer):
    entries = parse_liveblog(SEED.read_text(), blog_date=D30, source_url=SEED_URL)
    with pytest.raises(ValidationError, match="appears twice"):
        ingest_entries(store, [*entries, entries[0]], source_url=SEED_URL, gazetteer=gazetteer)
    with pytest.raises(ValidationError, match="source URL"):
        ingest_entries(store, entries, source_url=" ", gazetteer=gazetteer)
    broken = dataclasses.replace(entries[0], body=None)  # type: ignore[arg-type]
    with pytest.raises(ValidationError, match="entries: rows do not fit the schema"):
        ingest_entries(store, [entries[1], broken], source_url=SEED_URL, gazetteer=gazetteer)
    for name in (ENTRIES_TABLE, REACTIONS_TABLE, LIVEBLOGS_TABLE):
        assert not store.path(name).exists()


def test_readers_on_an_empty_store(store, gazetteer):
    assert current_entries(store).empty
    assert current_reactions(store).empty
    assert reaction_timeline(store, gazetteer).empty
    assert current_lead(store, "nothing") is None


# --- the command ---------------------------------------------------------------------------


def run_liveblog(*args: str, store_dir: Path, stdin: bytes | None = None):
    """`python -m dashboard liveblog ARGS` in this process, on `store_dir`."""
    env = {**os.environ, "DASHBOARD_STORE_DIR": str(store_dir)}
    env.pop("DASHBOARD_DATA_DIR", None)
    return call_cli(["liveblog", *args], env, stdin=stdin)


def test_cli_ingest_twice_then_bad_input_leaves_the_store_unchanged(tmp_path, gazetteer):
    store_dir = tmp_path / "store"
    args = ("ingest", str(SEED), "--date", "2017-01-30", "--source-url", SEED_URL)
    proc = run_liveblog(*args, store_dir=store_dir)
    assert proc.returncode == 0, proc.stderr.decode()
    assert "6 entrées ajoutées, 0 modifiée, 0 inchangée" in proc.stdout.decode()
    proc = run_liveblog(*args, store_dir=store_dir)
    assert proc.returncode == 0
    assert "0 entrée ajoutée, 0 modifiée, 6 inchangées" in proc.stdout.decode()
    store = Store(store_dir)
    snapshot = {p.name: p.read_bytes() for p in store_dir.glob("*.parquet")}
    assert set(snapshot) == {f"{n}.parquet" for n in (ENTRIES_TABLE, REACTIONS_TABLE, "liveblogs")}
    for bad_args, stdin in (
        (("ingest", "-", "--date", "2017-01-30", "--source-url", SEED_URL), b"\x00\x01binary"),
        (("ingest", str(FIXTURES / "empty.txt"), "--source-url", SEED_URL), None),
        (("ingest", str(SEED), "--source-url", SEED_URL), None),  # no --date, none in text
    ):
        proc = run_liveblog(*bad_args, store_dir=store_dir, stdin=stdin)
        err = proc.stderr.decode()
        assert proc.returncode == 2 and err.startswith("error: ") and err.count("\n") == 1
    assert {p.name: p.read_bytes() for p in store_dir.glob("*.parquet")} == snapshot
    assert len(reaction_timeline(store, gazetteer)) == 6


def test_cli_ingest_requires_a_source_url(tmp_path):
    proc = run_liveblog("ingest", str(SEED), "--date", "2017-01-30", store_dir=tmp_path / "s")
    assert proc.returncode == 2
    assert "--source-url" in proc.stderr.decode()
    assert not (tmp_path / "s").exists()
