"""Reactions of the 2022 presidential nights, read from two real live blogs with the 2022
gazetteer (data/elections/presidentielle-2022/): who spoke, from which camp, with which
stance — and the stance rules that name this election's people without naming anyone."""

from __future__ import annotations

import csv
import shutil
from datetime import date
from pathlib import Path

import pytest

from dashboard.errors import SourceError
from dashboard.liveblog.parse import parse_liveblog
from dashboard.liveblog.reactions import (
    Reaction,
    extract_reaction,
    fold_same_length,
    load_people,
    load_stance_rules,
)
from dashboard.liveblog.store import current_reactions
from dashboard.store import Store
from dashboard.testing import call_cli

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "data"
ELECTION_2022 = DATA / "elections" / "presidentielle-2022"
BLOGS = ELECTION_2022 / "liveblog"
ROUND1_BLOG = BLOGS / "businessam_2022-04-10.txt"
ROUND1_URL = "https://fr.businessam.be/live-elections-presidentielles-majorite-ecrasante-pour-melenchon-en-outre-mer"
ROUND2_BLOG = BLOGS / "franceinter_2022-04-24.txt"
ROUND2_URL = "https://www.franceinter.fr/politique/en-direct-presidentielle-2022-les-resultats-du-second-tour"


@pytest.fixture(scope="module")
def gazetteer_2022():
    return load_people(ELECTION_2022 / "people.csv")


def _reactions(path: Path, day: date, url: str, gazetteer) -> dict[str, Reaction]:
    entries = parse_liveblog(path.read_text(encoding="utf-8"), blog_date=day, source_url=url)
    return {e.hhmm: extract_reaction(e, gazetteer) for e in entries}


@pytest.fixture(scope="module")
def round1_night(gazetteer_2022) -> dict[str, Reaction]:
    """Business AM's live of 10 April 2022, its entries by time."""
    return _reactions(ROUND1_BLOG, date(2022, 4, 10), ROUND1_URL, gazetteer_2022)


@pytest.fixture(scope="module")
def round2_night(gazetteer_2022) -> dict[str, Reaction]:
    """France Inter's live of 24 April 2022, its entries by time."""
    return _reactions(ROUND2_BLOG, date(2022, 4, 24), ROUND2_URL, gazetteer_2022)


def test_round1_blog_reads_as_six_dash_stamped_entries(round1_night):
    # "- 21h48 : …" items; the untimed "- A son tour, Yannick Jadot …" stays in 20:20 and
    # the "- Emmanuel Macron : 28%" lines stay in the 20:00 entry they list.
    assert list(round1_night) == ["21:48", "21:00", "20:45", "20:35", "20:20", "20:00"]


def test_melenchon_refuses_any_vote_for_le_pen(round1_night):
    r = round1_night["20:45"]
    assert r.speakers == ("melenchon",)
    assert r.camp_label == "Gauche radicale (LFI)"
    assert (r.stance, r.stance_rule) == ("refus", "pas-une-voix")
    assert r.stance_evidence == "pas donner une seule voix à"
    assert r.quotes == ("à ne pas donner une seule voix à Madame Le Pen",)
    assert r.mentioned == ("le-pen",)


def test_pecresse_says_she_votes_macron(round1_night):
    r = round1_night["20:20"]
    # "- A son tour, Yannick Jadot demande …" in the same item: a second speaker.
    assert r.speakers == ("pecresse", "jadot")
    assert r.speaker_names == ("Valérie Pécresse", "Yannick Jadot")
    assert r.camp_label == "Droite (LR)"
    assert (r.stance, r.stance_rule, r.stance_evidence) == (
        "soutien",
        "voter-pour-une-personne",
        "voter Macron",
    )
    assert r.mentioned == ("macron", "le-pen")


def test_le_pen_speaks_from_the_rn_with_no_stance_rule_firing(round1_night):
    r = round1_night["20:35"]
    assert (r.speakers, r.camp, r.stance) == (("le-pen",), "extreme-droite-rn", None)


def test_an_estimates_list_names_candidates_without_making_them_speak(round1_night):
    r = round1_night["20:00"]
    assert r.speakers == ()
    assert r.camp is None
    assert set(r.mentioned) == {
        "macron",
        "le-pen",
        "melenchon",
        "zemmour",
        "pecresse",
        "jadot",
        "lassalle",
        "roussel",
        "hidalgo",
        "dupont-aignan",
        "arthaud",
        "poutou",
    }


def test_round2_hidalgo_on_twitter_and_zemmour_from_reconquete(round2_night):
    assert list(round2_night) == ["20:52", "20:44", "20:40"]
    hidalgo = round2_night["20:52"]
    assert (hidalgo.speakers, hidalgo.camp_label, hidalgo.outlet) == (("hidalgo",), "PS", "Twitter")
    zemmour = round2_night["20:44"]
    assert zemmour.speakers == ("zemmour",)
    assert zemmour.camp_label == "Extrême droite (Reconquête)"
    # "… ceux des Républicains qui ne veulent pas se rallier à Emmanuel Macron": negated.
    assert zemmour.stance is None
    jadot = round2_night["20:40"]
    assert (jadot.speakers, jadot.camp) == (("jadot",), "ecologistes")


@pytest.fixture
def store_with_round1_blog(tmp_path: Path) -> Store:
    """`liveblog ingest` of the round-1 blog into an empty store, the 2022 folder as data."""
    data = shutil.copytree(ELECTION_2022, tmp_path / "data", ignore=shutil.ignore_patterns("store"))
    env = {
        "DASHBOARD_DATA_DIR": str(data),
        "DASHBOARD_STORE_DIR": str(tmp_path / "store"),
        "DASHBOARD_RAW_DIR": str(tmp_path / "raw"),
    }
    args = ["liveblog", "ingest", str(ROUND1_BLOG), "--date", "2022-04-10"]
    result = call_cli([*args, "--source-url", ROUND1_URL], env)
    assert (result.returncode, result.stderr) == (0, b"")
    return Store(tmp_path / "store")


def test_ingest_stores_the_2022_people_camps_and_stances(store_with_round1_blog):
    rows = current_reactions(store_with_round1_blog).set_index("stance_rule", drop=False)
    assert sorted(rows["stance_rule"].dropna()) == [
        "pas-une-voix",
        "soutien",
        "voter-pour-une-personne",
    ]
    assert rows.loc["pas-une-voix", "people_names"] == ["Jean-Luc Mélenchon"]
    assert rows.loc["voter-pour-une-personne", "camp"] == "droite-lr"
    # Macron thanking "les candidats qui lui apportent son soutien" at 21:48.
    assert rows.loc["soutien", "people"] == ["macron"]


# --- rules that name this election's people through placeholders -------------------------


def test_rejoint_names_the_people_of_the_gazetteer_it_is_loaded_with(gazetteer_2022):
    rules = {r.rule: r for r in gazetteer_2022.stance_rules}
    low = fold_same_length(
        "Le maire a rejoint Valérie Pécresse, puis rejoint le Rassemblement national"
    ).lower()
    assert [m.group() for m in rules["rejoint"].pattern.finditer(low)] == [
        "rejoint valerie pecresse",
        "rejoint le rassemblement national",
    ]
    # The same rules file read without a gazetteer names nobody: the rule never fires.
    bare = {r.rule: r for r in load_stance_rules(ELECTION_2022 / "stance_rules.csv")}
    assert bare["rejoint"].pattern.search(low) is None


def test_an_unknown_placeholder_is_refused_naming_row_and_field(tmp_path: Path):
    rules = tmp_path / "stance_rules.csv"
    rules.write_text(
        "rule,stance,pattern,negatable,explanation\n"
        "rejoint,ralliement,\\brejoin\\w*\\s+{candidats},false,rejoint\n",
        encoding="utf-8",
    )
    with pytest.raises(
        SourceError,
        match=r"row 2, field 'pattern': unknown placeholder \{candidats\} "
        r"\(known: \{people\}, \{parties\}\)",
    ):
        load_stance_rules(rules)


def _names_of_every_election() -> set[str]:
    names: set[str] = set()
    for people in DATA.rglob("people.csv"):
        with open(people, encoding="utf-8") as fh:
            for row in csv.DictReader(fh):
                for name in (row["name"], *row["aliases"].split("|"), row["party"]):
                    folded = fold_same_length(name.strip()).lower()
                    if len(folded) > 3:
                        names.add(folded)
    return names


@pytest.mark.parametrize(
    "rules_file",
    sorted(DATA.rglob("stance_rules.csv")),
    ids=lambda p: str(p.relative_to(ROOT)),
)
def test_no_stance_rule_names_a_person_or_party_of_any_election(rules_file: Path):
    names = _names_of_every_election()
    with open(rules_file, encoding="utf-8") as fh:
        patterns = [
            row["pattern"].replace("\\s+", " ").replace("\\", "") for row in csv.DictReader(fh)
        ]
    found = sorted({n for p in patterns for n in names if n in p})
    assert found == []


class _Paragraph:
    """A paragraph of a real page read as an entry (the Entry protocol of reactions.py)."""

    def __init__(self, body: str) -> None:
        self.id, self.headline, self.body = "p", None, body


# The opening of franceinfo's live of 10 April 2022 ("Ce qu'il faut savoir"), verbatim:
# https://www.francetvinfo.fr/elections/presidentielle/direct-resultats-presidentielle-2022-macron-le-pen-melenchon-zemmour-pecresse-qui-sera-en-tete-a-l-issue-du-premier-tour-suivez-notre-soiree-speciale_5070043.html
FRANCEINFO_SUMMARY = (
    "Zemmour et Dupont-Aignan soutiennent Marine Le Pen pour le second tour. Arrivé loin "
    "derrière avec 7,2% des voix, Eric Zemmour a été le premier candidat à appeler à voter "
    'pour la candidate du Rassemblement national. "Je ne me tromperai pas d\'adversaire", a '
    "martelé le candidat d'extrême droite. Il a été suivi quelques minutes plus tard par "
    "Nicolas Dupont-Aignan (2,1%), qui avait déjà soutenu la candidate du RN en 2017."
)


def test_zemmour_and_dupont_aignan_back_le_pen_in_franceinfos_summary(gazetteer_2022):
    r = extract_reaction(_Paragraph(FRANCEINFO_SUMMARY), gazetteer_2022)
    assert r.speakers == ("zemmour", "dupont-aignan")
    assert r.camp_label == "Extrême droite (Reconquête)"
    assert (r.stance, r.stance_rule, r.stance_evidence) == (
        "soutien",
        "appel-a-voter",
        "appeler à voter",
    )
    assert r.quotes == ("Je ne me tromperai pas d'adversaire",)


# --- names on the timeline: in full, or the newsroom's short_name ---------------------------


def _point_texts(fig) -> dict[str, list[str]]:
    return {t.name: list(t.text) for t in fig.data if t.text is not None and t.name}


def test_timeline_points_name_people_in_full_without_a_short_name() -> None:
    from dashboard.charts.bundles import build_chart

    # The 2022 people.csv has no short_name column (a file written before it reads the same).
    assert "short_name" not in (ELECTION_2022 / "people.csv").read_text().splitlines()[0]
    bundle = build_chart(
        "reactions-timeline", store=Store(ELECTION_2022 / "store"), data_dir=ELECTION_2022
    )
    texts = _point_texts(bundle.fig)
    assert texts["Gauche radicale (LFI)"] == ["20:45 · Jean-Luc Mélenchon<br>refus"]
    assert texts["Extrême droite (RN)"] == ["20:35 · Marine Le Pen"]
    assert texts["Droite (LR)"] == ["20:20 · Valérie Pécresse, Yannick Jadot<br>soutien"]


def test_the_timeline_alt_text_spans_both_evenings_and_counts_camps_in_words() -> None:
    from dashboard.charts.bundles import build_chart

    bundle = build_chart(
        "reactions-timeline", store=Store(ELECTION_2022 / "store"), data_dir=ELECTION_2022
    )
    # The blogs of 10/04 and 24/04: it had said « du 10/04/2022, de 20:00 à 20:52 ».
    assert bundle.alt_text.startswith(
        "Frise chronologique de 9 réactions politiques du 10/04/2022 à 20:00 au 24/04/2022 à "
        "20:52, par camp : Camp non identifié : 2 ; "
    )
    assert " 2 Camp " not in bundle.alt_text  # « 2 Camp non identifié » did not agree
    assert bundle.alt_text.endswith(" ; avec 3 annonces de résultats sur le même axe.")


def test_a_short_name_of_people_csv_names_the_point(tmp_path: Path) -> None:
    from dashboard.charts.bundles import timeline_bundle
    from dashboard.charts.theme import house_template
    from dashboard.election import load_election
    from dashboard.liveblog.store import reaction_timeline
    from dashboard.results.views import load_candidates, load_results

    rows = list(csv.DictReader((ELECTION_2022 / "people.csv").open(encoding="utf-8")))
    short = {"le-pen": "Le Pen", "melenchon": "Mélenchon"}
    with (tmp_path / "people.csv").open("w", encoding="utf-8", newline="") as out:
        writer = csv.DictWriter(out, [*rows[0], "short_name"])
        writer.writeheader()
        writer.writerows({**r, "short_name": short.get(r["person_id"], "")} for r in rows)
    for name in ("camps.csv", "outlets.csv", "stance_rules.csv"):
        shutil.copy(ELECTION_2022 / name, tmp_path / name)
    gazetteer = load_people(tmp_path / "people.csv", tmp_path / "camps.csv")
    assert gazetteer.people["le-pen"].shown_name == "Le Pen"
    assert gazetteer.people["macron"].shown_name == "Emmanuel Macron"
    store = Store(ELECTION_2022 / "store")
    reactions = reaction_timeline(store, gazetteer)
    bundle = timeline_bundle(
        reactions,
        load_results(store),
        load_candidates(store),
        load_election(ELECTION_2022 / "election.toml"),
        template=house_template(),
    )
    texts = _point_texts(bundle.fig)
    assert texts["Extrême droite (RN)"] == ["20:35 · Le Pen"]
    assert texts["Gauche radicale (LFI)"] == ["20:45 · Mélenchon<br>refus"]
    assert texts["Centre (LREM)"] == ["21:48 · Emmanuel Macron<br>soutien"]
    # The table and the by-person rows keep the full names.
    assert "Marine Le Pen" in set(bundle.data["personnes"])
