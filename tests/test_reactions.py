"""Reactions: the shipped gazetteer, the seed's six reactions, and each documented rule.

Rule tests use a fictional gazetteer (invented names) so that no words are put in the
mouth of real people; the seed test uses the shipped data/people.csv.
"""

from __future__ import annotations

import ast
import datetime as dt
import re
import shutil
from dataclasses import dataclass
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dashboard.errors import SourceError
from dashboard.liveblog.parse import parse_liveblog
from dashboard.liveblog.reactions import (
    OUTLET_TYPES,
    STANCES,
    Gazetteer,
    extract_reaction,
    fold_same_length,
    load_outlets,
    load_people,
    load_stance_rules,
)
from dashboard.testing import DATA

ROOT = Path(__file__).resolve().parents[1]
SEED = ROOT / "tests" / "fixtures" / "liveblog" / "seed_atlantico_2017-01-30.txt"


@dataclass(frozen=True)
class Item:
    id: str
    headline: str | None
    body: str


@pytest.fixture(scope="module")
def shipped() -> Gazetteer:
    return load_people(DATA / "people.csv")


CAMPS = """camp_id,label,colour,display_order
rouge,Camp rouge,#C0392B,1
bleu,Camp bleu,#1F5FA8,2
medias,Médias,#6B7280,3
"""
PEOPLE = """person_id,name,aliases,party,camp,role,is_speaker
fontaine,Claire Fontaine,Fontaine,Parti rouge,rouge,députée,true
girard,Paul Girard,Girard,Parti bleu,bleu,sénateur,true
moreau,Luc Moreau,Moreau,,medias,journaliste,false
lefevre,Émile Lefèvre,Lefèvre,Parti bleu,bleu,maire,true
sanscamp,Inès Sanscamp,,,,militante,true
"""


@pytest.fixture(scope="module")
def fictional(tmp_path_factory) -> Gazetteer:
    folder = tmp_path_factory.mktemp("gazetteer")
    (folder / "camps.csv").write_text(CAMPS, encoding="utf-8")
    (folder / "people.csv").write_text(PEOPLE, encoding="utf-8")
    for name in ("outlets.csv", "stance_rules.csv"):  # the shipped rules
        shutil.copy(DATA / name, folder / name)
    return load_people(folder / "people.csv")


def react(g: Gazetteer, body: str, headline: str | None = None):
    return extract_reaction(Item("x", headline, body), g)


# --- the shipped gazetteer -----------------------------------------------------------------


def test_gazetteer_has_everyone_of_the_facts_file(shipped):
    names = {p.name for p in shipped.people.values()}
    for name in (
        "Jean-Pierre Raffarin",
        "Fabien Namias",
        "Jérôme Chartier",
        "Alain Calmette",
        "Alexis Corbière",
        "Jean-Luc Mélenchon",
        "François Hollande",
        "Benoît Hamon",
        "Manuel Valls",
        "Yannick Jadot",
        "Emmanuel Macron",
        "François Fillon",
        "Martine Aubry",
        "Arnaud Montebourg",
        "Vincent Peillon",
        "Sylvia Pinel",
        "François de Rugy",
        "Jean-Luc Bennahmias",
        "Gérard Collomb",
        "Bernard Cazeneuve",
        "Jean-Christophe Cambadélis",
        "Philippe Poutou",
        "Thomas Clay",
        "Christophe Borgel",
    ):
        assert name in names


def test_gazetteer_aliases_camps_and_journalists(shipped):
    text = "Hamon, Valls, Mélenchon, Melenchon, Fillon, de Rugy"
    found = [pid for _, _, pid in shipped.find(text)]
    assert found == ["hamon", "valls", "melenchon", "melenchon", "fillon", "de-rugy"]
    assert shipped.people["namias"].is_speaker is False
    assert shipped.camp_of("calmette").label == "PS (Valls) → En Marche !"
    assert "Macron" in shipped.people["calmette"].note
    assert shipped.camp_of("raffarin").label == "Droite (LR / Fillon)"
    assert shipped.camp_of("clay") is None  # an organiser: no camp, not guessed
    camps = shipped.camps_frame()
    assert list(camps.columns) == ["camp_id", "label", "colour", "display_order"]
    assert camps["colour"].str.fullmatch(r"#[0-9A-F]{6}").all()
    assert camps["colour"].is_unique
    assert {
        "Droite (LR / Fillon)",
        "Gauche radicale (LFI / Mélenchon)",
        "PS (Valls)",
        "PS (Hamon)",
        "PS (exécutif)",
        "Écologistes (EELV)",
        "Centre (En Marche !)",
        "Médias",
    } <= set(camps["label"])
    # Candidates keep their colour from candidates.csv.
    assert shipped.camps["ps-hamon"].colour == "#C2185B"
    assert shipped.camps["ps-valls"].colour == "#1F5FA8"


def test_word_boundaries_and_accents(shipped):
    assert shipped.find("un vallsiste convaincu, Macrono-vallsiste") == []
    assert [p for *_, p in shipped.find("Benoit Hamon et Francois Hollande")] == [
        "hamon",
        "hollande",
    ]


# --- the seed ------------------------------------------------------------------------------


def test_seed_reactions(shipped):
    entries = parse_liveblog(SEED.read_text(), blog_date=dt.date(2017, 1, 30), source_url="s")
    got = []
    for entry in entries:
        r = extract_reaction(entry, shipped)
        got.append((entry.hhmm, r.speakers, r.outlet, r.outlet_type, r.camp_label, r.stance))
    assert got == [
        ("08:24", ("raffarin",), "Europe 1", "radio", "Droite (LR / Fillon)", "critique"),
        ("08:15", ("chartier",), "France 2 / Télématin", "tv", "Droite (LR / Fillon)", "critique"),
        (
            "08:02",
            ("calmette",),
            "Twitter / communiqué",
            "social",
            "PS (Valls) → En Marche !",
            "ralliement",
        ),
        ("07:51", ("corbiere",), "RMC", "radio", "Gauche radicale (LFI / Mélenchon)", "refus"),
        ("07:40", ("hollande",), "Twitter", "social", "PS (exécutif)", "silence"),
        ("07:30", ("hamon",), None, None, "PS (Hamon)", "appel au rassemblement"),
    ]


def test_seed_details(shipped):
    entries = parse_liveblog(SEED.read_text(), blog_date=dt.date(2017, 1, 30), source_url="s")
    raffarin, chartier, calmette, corbiere, hollande, hamon = (
        extract_reaction(e, shipped) for e in entries
    )
    # The interviewer and the candidate he defends are mentioned, not speaking.
    assert raffarin.mentioned == ("namias", "fillon")
    assert raffarin.speaker_names == ("Jean-Pierre Raffarin",)
    assert raffarin.quotes[0].startswith("Aujourd'hui la situation est extrêmement grave")
    assert raffarin.stance_rule == "critique" and raffarin.stance_evidence == "tacler"
    assert chartier.quotes == ("la preuve d'une gauche irréconscilliable",)  # not "Télématin"
    assert calmette.mentioned == ("macron", "valls")
    assert calmette.stance_rule == "annonce-ralliement"
    assert calmette.quotes[0] == "impossible d'apporter son soutien au vainqueur de la primaire"
    assert calmette.quotes[-1].startswith("Pour moi, qui ai vécu de près")
    assert corbiere.mentioned == ("melenchon", "hamon")
    assert corbiere.stance_rule == "exclut" and corbiere.stance_evidence == "exclue tout ralliement"
    assert corbiere.quotes == (
        "Benoît Hamon candidat du rassemblement, ça va d'abord être celui de la division au "
        "sein du PS !",
    )
    assert hollande.mentioned == ("macron",) and hollande.quotes == ()
    assert hamon.mentioned == ("jadot", "melenchon")
    assert hamon.stance_evidence == "offert le rassemblement"


# --- speaker rules -------------------------------------------------------------------------


def test_unknown_person_stays_unknown(fictional):
    r = react(
        fictional, "Jean Dupont, maire de la ville, a déclaré : « C'est une bonne nouvelle »."
    )
    assert r.speakers == () and r.camp is None and r.camp_label is None
    assert r.quotes == ("C'est une bonne nouvelle",)


def test_journalist_is_never_a_speaker(fictional):
    r = react(fictional, "Luc Moreau reçoit ce matin. Face à Luc Moreau, Claire Fontaine a parlé.")
    assert r.speakers == ("fontaine",)
    assert r.mentioned == ("moreau",)
    r = react(fictional, "Luc Moreau a posé la question.")
    assert r.speakers == () and r.camp is None


@pytest.mark.parametrize(
    "body",
    [
        "Claire Fontaine a défendu la candidature de Paul Girard.",
        "Claire Fontaine annonce son soutien à Paul Girard.",
        "Claire Fontaine exclut tout ralliement à Paul Girard.",
        "Claire Fontaine, porte-parole de Paul Girard, s'exprime.",
        "Claire Fontaine a débattu avec Paul Girard.",
        "Claire Fontaine estime que Paul Girard se trompe.",
        "Claire Fontaine soutient Paul Girard, qui a déclaré sa joie.",
        "Claire Fontaine félicite Paul Girard.",
    ],
)
def test_objects_are_not_speakers(fictional, body):
    r = react(fictional, body)
    assert r.speakers == ("fontaine",)
    assert r.camp == "rouge"
    assert r.mentioned == ("girard",)


def test_first_subject_after_objects_is_the_speaker(fictional):
    r = react(fictional, "Après la victoire de Paul Girard, c'est le cas de Claire Fontaine.")
    assert r.speakers == ("fontaine",)


def test_coordinated_subjects_all_speak_camp_of_the_first(fictional):
    r = react(fictional, "Paul Girard et Claire Fontaine ont appelé au rassemblement.")
    assert r.speakers == ("girard", "fontaine")
    assert r.camp == "bleu"
    r = react(fictional, "Paul Girard a parlé à Claire Fontaine et Émile Lefèvre.")
    assert r.speakers == ("girard",)
    assert r.mentioned == ("fontaine", "lefevre")


def test_sentence_opening_pour_introduces_the_speaker(fictional):
    r = react(fictional, "Pour Claire Fontaine, la soirée est réussie.")
    assert r.speakers == ("fontaine",)
    r = react(fictional, "Le parti appelle à voter pour Claire Fontaine.")
    assert r.speakers == ()


def test_a_person_named_inside_a_quote_is_not_a_speaker(fictional):
    r = react(fictional, "Un élu a lancé : « Claire Fontaine a perdu la bataille ».")
    assert r.speakers == ()
    assert r.mentioned == ("fontaine",)


def test_a_later_subject_with_a_reaction_verb_also_speaks(fictional):
    r = react(
        fictional,
        "Claire Fontaine a pris la parole en premier. Plus tard, Paul Girard a déclaré son "
        "désaccord.",
    )
    assert r.speakers == ("fontaine", "girard")


def test_accent_free_text_matches(fictional):
    assert react(fictional, "Emile Lefevre a réagi.").speakers == ("lefevre",)


def test_headline_counts_first(fictional):
    r = react(fictional, "Elle a répondu à Paul Girard.", headline="Claire Fontaine sur RTL")
    assert r.speakers == ("fontaine",)
    assert r.outlet == "RTL" and r.outlet_type == "radio"


def test_person_without_camp_speaks_but_camp_stays_unknown(fictional):
    r = react(fictional, "Inès Sanscamp a réagi sur Facebook.")
    assert r.speakers == ("sanscamp",) and r.camp is None
    assert r.outlet == "Facebook" and r.outlet_type == "social"


# --- outlets and quotes --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("body", "outlet", "kind"),
    [
        ("invitée de France Inter ce matin", "France Inter", "radio"),
        ("sur BFMTV hier soir", "BFMTV", "tv"),
        ("sur BFM TV hier soir", "BFMTV", "tv"),
        ("sur le plateau de LCI", "LCI", "tv"),
        ("au micro de France Info", "France Info", "radio"),
        ("dans une interview au Monde, Le Monde précise", "Le Monde", "press"),
        ("dans un tweet publié hier", "Twitter", "social"),
        ("dans un communiqué", "communiqué", "statement"),
        ("dans un communiqué diffusé sur Twitter", "Twitter / communiqué", "social"),
        ("sur France 24", None, None),  # not France 2
        ("dans le monde entier", None, None),  # not Le Monde
    ],
)
def test_outlets(fictional, body, outlet, kind):
    r = react(fictional, f"Claire Fontaine s'est exprimée {body}.")
    assert (r.outlet, r.outlet_type) == (outlet, kind)
    assert kind is None or kind in OUTLET_TYPES


def test_outlet_named_inside_a_quote_is_not_the_outlet(fictional):
    r = react(fictional, "Claire Fontaine a dit : « je l'avais annoncé sur RTL hier ».")
    assert r.outlet is None


def test_quotes_guillemets_curly_and_straight(fictional):
    r = react(
        fictional,
        "Claire Fontaine : « une belle victoire ». Puis “un moment important”.\n"
        'Elle ajoute : "nous serons là demain". Un mot "historique" seulement.',
    )
    assert r.quotes == ("une belle victoire", "un moment important", "nous serons là demain")


def test_unbalanced_straight_quote_is_not_invented(fictional):
    r = react(fictional, 'Claire Fontaine a répondu que tout allait bien" puis est partie.')
    assert r.quotes == ()


# --- stance --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("body", "stance", "rule"),
    [
        (
            "Claire Fontaine a annoncé son ralliement à Paul Girard.",
            "ralliement",
            "annonce-ralliement",
        ),
        ("Claire Fontaine se rallie à Paul Girard.", "ralliement", "ralliement-a"),
        ("Claire Fontaine exclut tout ralliement à Paul Girard.", "refus", "exclut"),
        ("Claire Fontaine : pas de rassemblement possible.", "refus", "pas-de"),
        ("Il lui est impossible de soutenir Paul Girard.", "refus", "impossible-de-soutenir"),
        ("Claire Fontaine ne soutiendra pas Paul Girard.", "refus", "ne-soutiendra-pas"),
        (
            "Claire Fontaine appelle au rassemblement.",
            "appel au rassemblement",
            "appel-au-rassemblement",
        ),
        ("Claire Fontaine a taclé Paul Girard.", "critique", "critique"),
        ("Claire Fontaine dénonce une erreur.", "critique", "critique"),
        ("Un lourd silence du côté de Claire Fontaine.", "silence", "silence"),
        ("Claire Fontaine n'a pas réagi.", "silence", "silence"),
        ("Claire Fontaine soutient Paul Girard.", "soutien", "soutien"),
        ("Claire Fontaine a visité un marché.", None, None),
        # voting instructions
        ("Claire Fontaine ne donne aucune consigne de vote.", "refus", "pas-de-consigne"),
        (
            "Claire Fontaine ne donne pas de consigne de vote pour le second tour.",
            "refus",
            "pas-de-consigne",
        ),
        ("Chez Paul Girard, pas de consigne.", "refus", "pas-de-consigne"),
        (
            "Claire Fontaine donne une consigne de vote en faveur de Paul Girard.",
            "soutien",
            "consigne-de-vote",
        ),
        ("Le parti lance un appel à voter pour Paul Girard.", "soutien", "appel-a-voter"),
        ("Claire Fontaine appelle à voter pour Paul Girard.", "soutien", "appel-a-voter"),
        ("Claire Fontaine annonce qu'elle votera pour Paul Girard.", "soutien", "votera-pour"),
        ("Claire Fontaine votera blanc.", None, None),
        ("Claire Fontaine ne votera pas pour Paul Girard.", "refus", "ne-soutiendra-pas"),
    ],
)
def test_stance_rules(fictional, body, stance, rule):
    r = react(fictional, body)
    assert (r.stance, r.stance_rule) == (stance, rule)
    if stance is not None:
        assert r.stance in STANCES
        assert r.stance_evidence and r.stance_evidence.lower() in body.lower()


def test_stance_priority_critique_over_soutien(fictional):
    r = react(fictional, "Claire Fontaine a défendu Paul Girard et critiqué ses adversaires.")
    assert r.stance == "critique"


def test_stance_vocabulary_is_small_and_every_rule_is_in_it(shipped):
    assert len(STANCES) <= 6
    assert {rule.stance for rule in shipped.stance_rules} == set(STANCES)
    assert len({rule.rule for rule in shipped.stance_rules}) == len(shipped.stance_rules)


# --- loading errors ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("people", "message"),
    [
        ("person_id,name,aliases,party,camp,role\n", "missing column(s): is_speaker"),
        (PEOPLE + "x,X Y,,,violet,r,true\n", "row 7, field 'camp': unknown camp 'violet'"),
        (PEOPLE + "y,Y Z,,,,r,oui\n", "row 7, field 'is_speaker': is_speaker must be true or"),
        (PEOPLE + "z,Zoé Fontaine,Fontaine,,,r,true\n", "'Fontaine' is already 'fontaine'"),
        (PEOPLE + "girard,Autre,,,,r,true\n", "duplicate person_id 'girard'"),
        (PEOPLE + "Bad Id,Autre,,,,r,true\n", "person_id must be lower-case"),
    ],
)
def test_gazetteer_errors_name_file_row_and_field(tmp_path, people, message):
    (tmp_path / "camps.csv").write_text(CAMPS, encoding="utf-8")
    (tmp_path / "people.csv").write_text(people, encoding="utf-8")
    with pytest.raises(SourceError) as err:
        load_people(tmp_path / "people.csv")
    assert message in str(err.value)
    assert str(tmp_path / "people.csv") in str(err.value)


def test_camps_errors(tmp_path):
    (tmp_path / "people.csv").write_text(PEOPLE, encoding="utf-8")
    (tmp_path / "camps.csv").write_text(CAMPS.replace("#C0392B", "rouge"), encoding="utf-8")
    with pytest.raises(SourceError, match="row 2, field 'colour': colour must be #RRGGBB"):
        load_people(tmp_path / "people.csv")
    (tmp_path / "camps.csv").unlink()
    with pytest.raises(SourceError, match="camps.csv: file not found"):
        load_people(tmp_path / "people.csv")


STANCE_WORDS = (
    "annonce son ralliement a se rallie derriere rejoint macron en marche exclut tout soutien "
    "refuse le rassemblement rejette une alliance pas de accord aucun jamais d' impossible de "
    "soutenir apporter son ne le soutiendra votera offre propose appelle au tend la main "
    "critique tacle denonce fustige etrille attaque raille s'en prend silence mutisme muette "
    "ne s'est pas exprime n'a pas reagi soutient defend appelle a voter pour blanc donne une "
    "consigne consignes aucune sans lance la meme"
).split()


@settings(max_examples=300)
@given(st.lists(st.sampled_from(STANCE_WORDS), max_size=12).map(" ".join))
def test_stance_needles_never_hide_a_match(text):
    # The pre-check derived from each pattern must be sound: a match always has a needle.
    for rule in load_stance_rules(DATA / "stance_rules.csv"):
        if rule.needles and rule.pattern.search(text):
            assert any(n in text for n in rule.needles), (rule.rule, text)


OUTLET_WORDS = (
    "Europe 1 France Inter France Info franceinfo Franceinfo France Culture RTL RMC Sud Radio "
    "France 2 France2 Télématin Telematin France 3 France 5 TF1 BFMTV BFM TV LCI CNews iTélé "
    "i-Télé LCP Public Sénat M6 Canal+ Canal + Twitter TWITTER tweet tweeté Tweets Facebook "
    "Le Monde Le Figaro Libération Liberation Le Parisien Les Echos Les Échos JDD Journal du "
    "dimanche Ouest-France Mediapart L'Obs communiqué Communiqués COMMUNIQUE"
).split()


@settings(max_examples=300)
@given(st.lists(st.sampled_from(OUTLET_WORDS), max_size=10).map(" ".join))
def test_outlets_found_are_named_in_the_text(text):
    # Each outlet found is one whose spelling (accents and, where asked, case ignored) is
    # in the text.
    g = Gazetteer([], [], load_outlets(DATA / "outlets.csv"), ())
    r = extract_reaction(Item("x", None, text), g)
    folded = fold_same_length(text)
    for name in (r.outlet or "").split(" / ") if r.outlet else []:
        (outlet,) = [o for o in g.outlets if o.name == name]
        haystack = folded.lower() if outlet.ignore_case else folded
        assert any(a in haystack for a in outlet.aliases), (name, text)


def test_every_outlet_is_found_by_its_own_name(fictional):
    for outlet in fictional.outlets:
        r = react(fictional, f"Claire Fontaine s'est exprimée sur {outlet.name} ce matin.")
        assert outlet.name in (r.outlet or ""), outlet.name


# --- rules as data (data/outlets.csv, data/stance_rules.csv) -------------------------------


def test_an_editor_adds_a_stance_rule_and_an_outlet_without_code(tmp_path):
    for name in ("people.csv", "camps.csv"):
        shutil.copy(DATA / name, tmp_path / name)
    rules = (DATA / "stance_rules.csv").read_text(encoding="utf-8")
    header, rest = rules.split("\n", 1)
    added = r"salue-victoire,soutien,\bsalu\w*\s+la\s+victoire\b,,salue la victoire de X"
    (tmp_path / "stance_rules.csv").write_text(f"{header}\n{added}\n{rest}", encoding="utf-8")
    outlets = (DATA / "outlets.csv").read_text(encoding="utf-8")
    (tmp_path / "outlets.csv").write_text(outlets + "Sud Ouest,Sud Ouest|Sud-Ouest,press,,\n")
    g = load_people(tmp_path / "people.csv")
    r = extract_reaction(Item("x", None, "Un élu salue la victoire, dit-il à Sud Ouest."), g)
    assert (r.stance, r.stance_rule, r.stance_evidence) == (
        "soutien",
        "salue-victoire",
        "salue la victoire",
    )
    assert (r.outlet, r.outlet_type) == ("Sud Ouest", "press")


@pytest.mark.parametrize(
    ("file", "line", "message"),
    [
        (
            "stance_rules.csv",
            r"bad,soutien,(unclosed,,x",
            "row 2, field 'pattern': pattern does not compile: missing ), unterminated subpattern",
        ),
        (
            "stance_rules.csv",
            r"bad,soutien,a*,,x",
            "row 2, field 'pattern': pattern matches an empty text",
        ),
        (
            "stance_rules.csv",
            r"bad,bravo,\bbravo\b,,x",
            "row 2, field 'stance': stance must be one of",
        ),
        ("stance_rules.csv", r"bad,soutien,\bbravo\b,oui,x", "row 2, field 'negatable'"),
        ("stance_rules.csv", r"bad,soutien,\bbravo\b,,", "row 2, field 'explanation'"),
        ("stance_rules.csv", r"Bad Id,soutien,\bbravo\b,,x", "row 2, field 'rule'"),
        ("outlets.csv", "Radio X,Radio X,podcast,,", "row 2, field 'type': type must be one of"),
        ("outlets.csv", "Radio X,Radio X,radio,loose,", "row 2, field 'match'"),
        (
            "outlets.csv",
            "Radio X,RTL,radio,,",
            "field 'aliases': spelling 'RTL' is already 'Radio X''s (row 2)",
        ),
        ("outlets.csv", ",X,radio,,", "row 2, field 'name': empty name"),
    ],
)
def test_a_bad_rule_is_a_one_line_error_naming_file_row_and_field(tmp_path, file, line, message):
    for name in ("people.csv", "camps.csv", "outlets.csv", "stance_rules.csv"):
        shutil.copy(DATA / name, tmp_path / name)
    text = (DATA / file).read_text(encoding="utf-8")
    header, rest = text.split("\n", 1)
    (tmp_path / file).write_text(f"{header}\n{line}\n{rest}", encoding="utf-8")
    with pytest.raises(SourceError) as err:
        load_people(tmp_path / "people.csv")
    assert message in str(err.value)
    assert str(tmp_path / file) in str(err.value) and "\n" not in str(err.value)


def test_missing_rule_files_are_named(tmp_path):
    for name in ("people.csv", "camps.csv", "outlets.csv"):
        shutil.copy(DATA / name, tmp_path / name)
    with pytest.raises(SourceError, match="stance_rules.csv: file not found"):
        load_people(tmp_path / "people.csv")
    assert load_stance_rules(DATA / "stance_rules.csv")[0].explanation


def test_no_candidate_or_party_is_named_in_the_reaction_code():
    # Names belong to data/ (people.csv, stance_rules.csv), not to Python: every string of
    # the module but its docstrings is free of the shipped names, aliases and parties.
    source = (ROOT / "dashboard" / "liveblog" / "reactions.py").read_text(encoding="utf-8")
    tree = ast.parse(source)
    docstrings = {
        id(node.body[0].value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Module | ast.FunctionDef | ast.ClassDef)
        and node.body
        and isinstance(node.body[0], ast.Expr)
        and isinstance(node.body[0].value, ast.Constant)
    }
    strings = " ".join(
        fold_same_length(node.value).lower()
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant)
        and isinstance(node.value, str)
        and id(node) not in docstrings
    )
    g = load_people(DATA / "people.csv")
    names = {n for p in g.people.values() for n in (p.name, *p.aliases, p.party) if n}
    names |= {"macron", "en marche", "en\\s+marche"}
    for name in names:
        assert not re.search(
            rf"(?<!\w){re.escape(fold_same_length(name).lower())}(?!\w)", strings
        ), name
