"""Live-blog parser: every time-stamp convention, the traps, dates, ids, decoding, HTML,
JSON-LD, big and bad input, properties, and the `liveblog parse` command."""

from __future__ import annotations

import datetime as dt
import json
import os
from pathlib import Path

import pytest
from hypothesis import HealthCheck, assume, example, given, settings
from hypothesis import strategies as st

from dashboard.errors import ParseError
from dashboard.fr import PARIS
from dashboard.inputs import decode_text
from dashboard.liveblog.parse import (
    entry_id,
    html_to_text,
    infer_blog_date,
    looks_like_html,
    parse_liveblog,
    parse_liveblog_jsonld,
    parse_liveblog_result,
    read_liveblog,
)
from dashboard.testing import call_cli, long_blog

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "tests" / "fixtures" / "liveblog"
SEED = FIXTURES / "seed_atlantico_2017-01-30.txt"
SEED_URL = (
    "http://www.atlantico.fr/decryptage/en-direct-reactions-politique-election-benoit-hamon"
    "-2949755.html"
)
URL = "https://example.org/direct-primaire"
D29 = dt.date(2017, 1, 29)
D30 = dt.date(2017, 1, 30)


def read(name: str, blog_date: dt.date = D29, url: str = URL):
    return read_liveblog((FIXTURES / name).read_bytes(), blog_date=blog_date, source_url=url)


def summary(entries) -> list[tuple[str, str, str | None, str]]:
    return [(e.date.isoformat(), e.hhmm, e.headline, e.body) for e in entries]


# --- the seed ------------------------------------------------------------------------------


def test_seed_has_exactly_the_six_entries_newest_first():
    blog = read("seed_atlantico_2017-01-30.txt", D30, SEED_URL)
    assert [(e.date, e.hhmm, e.headline) for e in blog.entries] == [
        (D30, "08:24", "Jean-Pierre Raffarin"),
        (D30, "08:15", "Jérôme Chartier sur France 2"),
        (D30, "08:02", "Un ralliement qui commence plutôt mal"),
        (D30, "07:51", "Pas de rassemblement du côté du Front de Gauche"),
        (D30, "07:40", "Un lourd silence"),
        (D30, "07:30", "Rassemblement"),
    ]
    assert blog.newest_first is True
    assert [e.order for e in blog.entries] == list(range(6))


def test_seed_bodies_are_verbatim_with_paragraphs_and_lead_is_not_an_entry():
    blog = read("seed_atlantico_2017-01-30.txt", D30, SEED_URL)
    calmette = blog.entries[2]
    assert calmette.body.startswith("Plusieurs députés socialistes ont annoncé le ralliement")
    assert calmette.body.endswith("Reste à savoir combien vont prendre exemple.")
    assert calmette.body.count("\n\n") == 2  # three paragraphs kept
    seed_text = SEED.read_text(encoding="utf-8")
    for entry in blog.entries:
        assert entry.body in seed_text
    # The archive tag " date 2017-01 " is not content; the lead keeps its three paragraphs.
    assert blog.lead.startswith("Benoît Hamon a été largement élu avec 58.87% des voix")
    assert "date 2017-01" not in blog.lead
    assert blog.lead.endswith("rue de Solférino.")
    assert all("Plus de deux millions" not in e.body for e in blog.entries)


def test_seed_published_at_permalink_and_deep_link():
    blog = read("seed_atlantico_2017-01-30.txt", D30, SEED_URL)
    first = blog.entries[0]
    assert first.published_at == dt.datetime(2017, 1, 30, 8, 24, tzinfo=PARIS)
    assert first.published_at.utcoffset() == dt.timedelta(hours=1)
    assert first.permalink == f"{SEED_URL}#{first.id}"
    assert first.deep_link == f"?entry={first.id}"
    assert len({e.id for e in blog.entries}) == 6


# --- every convention ----------------------------------------------------------------------


def test_headline_on_its_own_line_body_in_next_paragraphs():
    blog = read("headline_own_line.txt")
    assert blog.lead == "Suivez avec nous la soirée du second tour de la primaire."
    assert summary(blog.entries) == [
        (
            "2017-01-29",
            "21:10",
            "Premiers chiffres",
            "Les premiers résultats partiels tombent.\n\nIls portent sur une partie des bureaux.",
        ),
        (
            "2017-01-29",
            "20:45",
            "Ouverture du direct",
            "Bonsoir à tous et bienvenue dans ce direct.",
        ),
    ]


def test_runin_headline_dot_and_stamps_alone_on_their_line():
    blog = read("runin_headline_dot.txt")
    assert summary(blog.entries) == [
        (
            "2017-01-29",
            "23:50",
            "Résultats quasi définitifs",
            "Sur 97,43 % des bureaux, Benoît Hamon obtient 58,87 % des voix.",
        ),
        ("2017-01-29", "22:00", None, "Le dépouillement se poursuit dans les fédérations."),
        ("2017-01-29", "21:25", None, "La Haute Autorité annonce un nouveau point dans la soirée."),
        ("2017-01-29", "21:00", None, "Les premières tendances circulent."),
    ]


def test_dash_and_colon_runin_text_is_the_body():
    blog = read("dash_and_colon_runin.txt")
    assert blog.newest_first is False
    assert [(e.hhmm, e.headline) for e in blog.entries] == [
        ("09:35", None),
        ("17:42", None),
        ("22:49", None),
        ("23:00", None),
        ("23:30", None),
        ("23:58", None),
    ]
    assert blog.entries[0].body == "Les bureaux de vote sont ouverts depuis 9 heures."
    assert blog.entries[3].body == "Les chiffres continuent d'arriver."
    assert blog.entries[5].body == "Fin de ce direct, merci de l'avoir suivi."


def test_a_prefix_needs_a_separator():
    blog = read("a_prefix.txt")
    assert [e.hhmm for e in blog.entries] == ["12:00", "19:00", "20:40"]
    assert blog.entries[1].body == (
        "Fermeture des bureaux de vote.\n\nÀ 21 heures, les premières tendances seront connues."
    )


def test_date_and_time_on_their_own_line():
    blog = read("date_and_time_lines.txt")
    assert blog.newest_first is True
    assert [(e.date, e.hhmm, e.body) for e in blog.entries] == [
        (D30, "13:01", "Le lendemain, les réactions se poursuivent."),
        (D29, "23:40", "Le dépouillement touche à sa fin."),
        (D29, "21:16", "Les premiers chiffres sont publiés."),
    ]
    assert blog.lead == "Les réactions au second tour, publié le 29/01/2017 à 18:15."


def test_weekday_stamps_date_the_entries():
    blog = read("weekday_stamp.txt", D30)
    assert [(e.date, e.hhmm, e.headline) for e in blog.entries] == [
        (D30, "08:02", "Au lendemain du vote"),
        (D29, "23:50", "Résultats"),
        (D29, "21:00", "Tendances"),
        (D29, "20:11", "Fermeture"),
    ]
    assert blog.entries[0].body == "Les réactions se multiplient."


@pytest.mark.parametrize(
    "name", ["newest_first_crosses_midnight.txt", "oldest_first_crosses_midnight.txt"]
)
def test_blogs_crossing_midnight_get_the_right_dates(name):
    blog = read(name)
    dated = sorted((e.date, e.hhmm) for e in blog.entries)
    assert dated == [
        (D29, "21:25"),
        (D29, "23:30"),
        (D29, "23:50"),
        (D30, "00:05"),
        (D30, "00:40"),
    ]
    assert blog.newest_first is name.startswith("newest")


def test_same_entry_gets_the_same_id_whatever_the_reading_order():
    newest = {(e.date, e.hhmm): e.id for e in read("newest_first_crosses_midnight.txt").entries}
    oldest = {(e.date, e.hhmm): e.id for e in read("oldest_first_crosses_midnight.txt").entries}
    assert newest == oldest


def test_traps_times_in_prose_are_not_entries_and_stay_in_the_body():
    blog = read("traps_times_in_prose.txt")
    assert [(e.hhmm, e.headline) for e in blog.entries] == [
        ("22:10", "La participation"),
        ("21:40", "Attente"),
    ]
    body = blog.entries[0].body
    for line in (
        "De 9h à 19h, les électeurs ont pu voter.",
        "12h : au moins 567 000 votants",
        "17h : plus de 1 200 000 votants",
        "- 12h : 75 % des bureaux",
        "• 17h : 75 % des bureaux",
        "12h00 : 567 000",
        "À 21 heures, les organisateurs feront un point.",
        "19h, les bureaux ferment.",
        "8 heures du matin, un dimanche : les bénévoles installent les urnes.",
    ):
        assert line in body.split("\n")
    assert blog.entries[1].body.endswith("Publié le 29/01/2017 à 18:15")
    assert blog.lead == "Le direct de la soirée électorale, publié le 29/01/2017 à 18:15."


def test_crlf_line_endings():
    blog = read("crlf_line_endings.txt")
    assert summary(blog.entries) == [
        ("2017-01-29", "08:24", "Titre", "Premier paragraphe.\n\nSecond paragraphe."),
        ("2017-01-29", "08:10", "Autre", "Texte."),
    ]


@pytest.mark.parametrize(
    ("line", "hhmm", "headline", "body"),
    [
        ("8h24 Jean-Pierre Raffarin\nTexte.", "08:24", "Jean-Pierre Raffarin", "Texte."),
        ("8 h 24 : Titre\nTexte.", "08:24", "Titre", "Texte."),
        ("08H24 - Titre\nTexte.", "08:24", "Titre", "Texte."),
        ("21 heures 30 : Titre\nTexte.", "21:30", "Titre", "Texte."),
        ("8h24\u00a0: Titre\nTexte.", "08:24", "Titre", "Texte."),
        ("13:01\nTexte.", "13:01", None, "Texte."),
        ("23h50. M. Dupont arrive.\nTexte.", "23:50", None, "M. Dupont arrive.\nTexte."),
        ("23h50. Alerte ! Le texte suit.", "23:50", "Alerte !", "Le texte suit."),
        ("À 12H : Titre\nTexte.", "12:00", "Titre", "Texte."),
        ("22h49 - Elle a déclaré :\n« Texte »", "22:49", None, "Elle a déclaré :\n« Texte »"),
    ],
)
def test_more_stamp_spellings(line, hhmm, headline, body):
    (entry,) = parse_liveblog(line, blog_date=D29, source_url=URL)
    assert (entry.hhmm, entry.headline, entry.body) == (hhmm, headline, body)


@pytest.mark.parametrize(
    "line",
    [
        "jusqu'à 19h les bureaux restent ouverts",
        "vers 20h30 les résultats",
        "19h, les bureaux ferment.",
        "8 heures du matin, un dimanche",
        "20h30 les premiers résultats",
        "- 12h : 400 000 votants",
        "12h : 400 000 votants",
        "31/02 12:00",
        "18:15 Quelque chose",
        "2017 : une année électorale",
        "24/04/2022 18:00 CEST | Actualisé 25/04/2022 00:19 CEST",
        "- A 17h00 le taux de participation était de 39,42%.",
        "Il est 19h les premiers bureaux ferment.",
        "Selon les résultats disponibles à 22h, François Fillon mène.",
        "minuit, à 0h30 puis à 0h45",
        "Les résultats sont attendus à 20h05, pour être diffusés.",
    ],
)
def test_not_a_stamp(line):
    text = f"8h00 : Titre\nTexte.\n{line}"
    entries = parse_liveblog(text, blog_date=D29, source_url=URL)
    assert len(entries) == 1
    assert entries[0].body.endswith(line)


# --- conventions of real blogs (tests/fixtures/liveblogs/ scores them all) -----------------


def _entries(text: str, day: dt.date = D29) -> list[tuple[str, str | None, str]]:
    return [
        (e.hhmm, e.headline, e.body) for e in parse_liveblog(text, blog_date=day, source_url=URL)
    ]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # the store's archive tag before the first stamp, on the same line
        (
            " date 2017-04 20 heures 45 : Fillon votera Fillon",
            [("20:45", None, "Fillon votera Fillon")],
        ),
        # a bullet or a symbol before a stamp with minutes
        ("• 23h11: Titre\nTexte.", [("23:11", "Titre", "Texte.")]),
        (
            "► 23H35 [RÉCAP] Ce qu'il faut retenir\nTexte.",
            [("23:35", "[RÉCAP] Ce qu'il faut retenir", "Texte.")],
        ),
        ("- 22h15 : tous les résultats.", [("22:15", None, "tous les résultats.")]),
        # a round-hour count update whose text starts with a figure
        (
            "22 heures. 9 500 bureaux dépouillés. Fillon est à 66,8 %.",
            [("22:00", "9 500 bureaux dépouillés", "Fillon est à 66,8 %.")],
        ),
        (
            "19h05 : 2000 journalistes accrédités au Louvre\nTexte.",
            [("19:05", "2000 journalistes accrédités au Louvre", "Texte.")],
        ),
        # spaced colon, the word "Minuit", an abbreviated month
        (
            "22 : 19 Emmanuel Macron parle\nTexte.\n22:08 Les estimations\n21:55 Fin",
            [
                ("22:19", "Emmanuel Macron parle", "Texte."),
                ("22:08", None, "Les estimations"),
                ("21:55", None, "Fin"),
            ],
        ),
        ("Minuit - C'est la fin de ce direct.", [("00:00", None, "C'est la fin de ce direct.")]),
        (
            "8 juil., 2024 2h05\n\nLes résultats sont tombés.",
            [("02:05", None, "Les résultats sont tombés.")],
        ),
        # a stamp alone on its line, then a title line, then the body
        (
            "05h30\n\nLe jour d'après\n\nLe suivi continue.",
            [("05:30", "Le jour d'après", "Le suivi continue.")],
        ),
        (
            "17h00\n63,23% de participation\nLe taux s'élève…",
            [("17:00", "63,23% de participation", "Le taux s'élève…")],
        ),
        # titles ending with an ellipsis, or with a full stop before a paragraph break
        (
            "18:45 - Plus que quelques minutes..\nTexte.",
            [("18:45", "Plus que quelques minutes..", "Texte.")],
        ),
        (
            "23h50. Il va partir «calculer».\n\nDans un dernier message.",
            [("23:50", "Il va partir «calculer»", "Dans un dernier message.")],
        ),
        # a titled entry directly under a line ending with ":"
        (
            "Un nouveau direct :\n3h30 : Mélenchon en retard\nTexte.",
            [("03:30", "Mélenchon en retard", "Texte.")],
        ),
        # a stamp after other text on the same line
        (
            "20:12 - Besançon vote. Elle gagne. 20:09 - Le Havre aussi. Il gagne.",
            [
                ("20:12", None, "Besançon vote. Elle gagne."),
                ("20:09", None, "Le Havre aussi. Il gagne."),
            ],
        ),
    ],
)
def test_conventions_of_real_blogs(text, expected):
    assert _entries(text) == expected


def test_a_blog_that_runs_title_and_text_together_after_a_colon():
    # Europe 1: every "HHhMM : Phrase. Suite" starts with a short sentence, its headline.
    text = (
        "23h05 : Près de 10.000 bureaux dépouillés. Sur 9.882 bureaux, Fillon mène.\n\n"
        "22h33 : Fillon devancerait Le Pen. La totalité des bureaux n'est pas dépouillée."
    )
    assert [h for _, h, _ in _entries(text)] == [
        "Près de 10.000 bureaux dépouillés",
        "Fillon devancerait Le Pen",
    ]
    # A blog whose run-ins are prose (a lower-case or long first sentence) keeps no headline.
    prose = (
        "00h24 : Brice Hortefeux est élu. Ce qu'il n'avait pas prévu.\n\n"
        "00h20 : le Labour serait troisième, d'après la BBC. Les résultats tardent."
    )
    assert [h for _, h, _ in _entries(prose)] == [None, None]


def test_a_flattened_page_title_and_body_run_together():
    body = " ".join(["Le texte de l'entrée continue longuement."] * 4)
    text = (
        f"19:21 - Les premiers politiques arrivent aux QG Avant l'annonce, {body}\n\n"
        f"19:10 - Une réunion prévue à l'Élysée Alors que l'annonce approche, {body}\n\n"
        f"19:05 - Bardella parlera tôt ce soir. Le patron du RN, {body}"
    )
    assert [h for _, h, _ in _entries(text)] == [
        "Les premiers politiques arrivent aux QG",
        "Une réunion prévue à l'Élysée",
        "Bardella parlera tôt ce soir",
    ]


# --- ids -----------------------------------------------------------------------------------


def test_ids_are_stable_across_runs_and_depend_on_the_blog():
    a = parse_liveblog(SEED.read_text(), blog_date=D30, source_url=SEED_URL)
    b = parse_liveblog(SEED.read_text(), blog_date=D30, source_url=SEED_URL)
    c = parse_liveblog(SEED.read_text(), blog_date=D30, source_url=URL)
    assert [e.id for e in a] == [e.id for e in b]
    assert not {e.id for e in a} & {e.id for e in c}
    assert a[0].id == entry_id(SEED_URL, D30, "08:24")


def test_an_edited_headline_or_body_keeps_the_id():
    text = SEED.read_text()
    edited = text.replace("Un lourd silence", "Un silence pesant").replace(
        "Reste à savoir", "Il reste à savoir"
    )
    before = parse_liveblog(text, blog_date=D30, source_url=SEED_URL)
    after = parse_liveblog(edited, blog_date=D30, source_url=SEED_URL)
    assert [e.id for e in before] == [e.id for e in after]
    assert after[4].headline == "Un silence pesant"


def test_same_minute_entries_get_distinct_ids_and_a_new_one_does_not_shift_them():
    text = (FIXTURES / "same_minute_entries.txt").read_text()
    before = parse_liveblog(text, blog_date=D29, source_url=URL)
    assert len({e.id for e in before}) == 3
    # The earlier of the two 21h10 entries (lower on the page) is n=1.
    assert before[1].id == entry_id(URL, D29, "21:10", 1)
    assert before[0].id == entry_id(URL, D29, "21:10", 2)
    after = parse_liveblog("21h10 : Troisième\nNouveau.\n\n" + text, blog_date=D29, source_url=URL)
    assert [e.id for e in after[1:]] == [e.id for e in before]
    assert after[0].id == entry_id(URL, D29, "21:10", 3)


# --- decoding and bad input ----------------------------------------------------------------


def test_latin1_is_decoded():
    blog = read("latin1_headline_own_line.txt")
    assert blog.lead == "Les réactions à la primaire."
    assert blog.entries[0].headline == "Déclaration"
    assert blog.entries[0].body == "Le député a réagi à l'élection."


def test_cp1252_quotes_ellipsis_and_oe_are_decoded():
    blog = read("cp1252_quotes_and_ellipsis.txt")
    assert blog.entries[0].headline == "L’œuvre du vainqueur…"
    assert blog.entries[0].body == "Il l’a dit : « c’est un succès » — fin."


@pytest.mark.parametrize(
    ("data", "text"),
    [
        ("Élu à 58,87 %".encode(), "Élu à 58,87 %"),
        (b"\xef\xbb\xbf8h24 : Titre", "8h24 : Titre"),
        ("Élu".encode("utf-16"), "Élu"),
        ("Réaction d’élu".encode("cp1252"), "Réaction d’élu"),
        ("Élu ".encode() + "député".encode("latin-1"), "Élu député"),  # mixed
    ],
)
def test_decode_text(data, text):
    assert decode_text(data) == text


@pytest.mark.parametrize(
    "data",
    [
        b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR",
        b"%PDF-1.4\n\x00\x01\x02",
        bytes(range(1, 32)) * 4,  # control bytes but no NUL
    ],
)
def test_binary_bytes_give_one_clear_line(data):
    with pytest.raises(ParseError) as err:
        read_liveblog(data, blog_date=D29, source_url=URL, where="photo.png")
    message = str(err.value)
    assert message.startswith("photo.png: données binaires, pas du texte")
    assert "\n" not in message


@pytest.mark.parametrize("data", [b"", b"   \n\n\t "])
def test_empty_input(data):
    with pytest.raises(ParseError, match="empty input"):
        read_liveblog(data, blog_date=D29, source_url=URL)


def test_no_timestamps():
    text = (FIXTURES / "no_timestamps.txt").read_text()
    result = parse_liveblog_result(text, blog_date=D29, source_url=URL)
    assert result.entries == ()
    assert result.lead.startswith("Ce texte parle de la primaire")
    with pytest.raises(ParseError, match="aucune entrée datée trouvée"):
        read_liveblog(text, blog_date=D29, source_url=URL)


def test_text_starting_with_a_bracket_is_text_not_json():
    blog = read_liveblog(
        "[EN DIRECT] La soirée\n\n21h : Titre\nTexte.", blog_date=D29, source_url=URL
    )
    assert blog.format == "text"
    assert blog.lead == "[EN DIRECT] La soirée"
    assert blog.entries[0].headline == "Titre"


def test_a_long_blog_of_long_entries_parses_every_entry():
    # Entries of ~2.5 kB (long paragraphs, times in prose); bench/bench_liveblog_large.py
    # times the same text at 50 MB against a baseline.
    blog_text = long_blog(1024 * 1024)
    blog = read_liveblog(blog_text, blog_date=D29, source_url=URL)
    repeat = blog_text.count(b"23h50 : ")
    assert repeat > 1 and len(blog.entries) == 72 * repeat
    assert [e.hhmm for e in blog.entries[:4]] == ["23:50", "23:30", "23:10", "22:50"]
    assert blog.entries[-1].hhmm == "00:10"
    assert blog.entries[-1].body.endswith("et la commente.")


def test_a_fifty_megabyte_single_line_without_stamps_gives_the_clear_message():
    data = b"x" * (50 * 1024 * 1024)
    with pytest.raises(ParseError, match="aucune entrée datée trouvée"):
        read_liveblog(data, blog_date=D29, source_url=URL)


# --- HTML ----------------------------------------------------------------------------------


def test_html_page_is_read_as_text():
    blog = read("page.html")
    assert blog.format == "html"
    assert blog.lead == "Accueil | Politique\n\nSuivez la soirée électorale."
    assert summary(blog.entries) == [
        (
            "2017-01-29",
            "21:10",
            "Premiers chiffres",
            "Les résultats «\u00a0partiels\u00a0» tombent.\n"
            "Ils portent sur une partie des bureaux.",
        ),
        ("2017-01-29", "20:45", None, "Ouverture du direct."),
    ]
    assert "pas une entrée" not in "".join(e.body for e in blog.entries)  # <script> dropped


def test_html_page_with_liveblogposting_is_read_from_its_jsonld():
    blog = read("page_with_jsonld.html")
    assert blog.format == "jsonld"
    assert [e.hhmm for e in blog.entries] == ["00:40", "23:50", "23:15"]


def test_plain_text_with_angle_brackets_stays_text():
    text = "8h24 : Titre\nSi a < b et <b> n'est pas une balise fermée, le texte reste tel quel."
    assert not looks_like_html(text)
    (entry,) = parse_liveblog(text, blog_date=D29, source_url=URL)
    assert "<b>" in entry.body


def test_html_to_text_keeps_paragraphs_and_entities():
    assert html_to_text("<p>Un&nbsp;: &laquo;deux&raquo;</p><p>trois<br>quatre</p>") == (
        "Un\u00a0: «deux»\n\ntrois\nquatre"
    )


def test_markup_that_html_parser_rejects_is_still_read():
    # Python's html.parser raises on "<![" declarations; the fallback reads the page anyway.
    page = (
        '<html><head><script type="application/ld+json">{"@type": "Thing"}</script></head>'
        "<body><![ cassé <p>21h10 : Titre</p><p>Les &eacute;lus<br>réagissent.</p></body></html>"
    )
    blog = read_liveblog(page, blog_date=D29, source_url=URL)
    assert blog.format == "html"
    assert summary(blog.entries) == [("2017-01-29", "21:10", "Titre", "Les élus\nréagissent.")]


HTML_PIECES = st.sampled_from(
    [
        "<p>",
        "</p>",
        "<div>",
        "</div>",
        "<br>",
        "<!--",
        "-->",
        "<![CDATA[",
        "]]>",
        "<!",
        "<?",
        "&",
        "&#x110000;",
        "<script>",
        "</script>",
        '<script type="application/ld+json">',
        "{",
        "<",
        ">",
        "</",
        "8h24 : ",
        "21h10. Titre. ",
        "\n",
    ]
)


def assert_well_formed(blog) -> None:
    """What any blog read without error is: entries (none is an error), each with its own id,
    its deep link and permalink, an aware Paris time of its own date and time, in order."""
    assert blog.format in {"text", "html", "jsonld"}
    assert blog.entries
    assert len({e.id for e in blog.entries}) == len(blog.entries)
    for n, e in enumerate(blog.entries):
        assert e.deep_link == f"?entry={e.id}" and e.order == n
        assert e.permalink.startswith(URL + "#") or blog.format == "jsonld"
        assert (e.published_at.date(), e.published_at.timetz().replace(tzinfo=None)) == (
            e.date,
            e.time,
        )
        assert e.published_at.utcoffset() is not None


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.one_of(HTML_PIECES, st.text(max_size=8)), max_size=40).map("".join))
def test_any_markup_parses_or_gives_a_parse_error(markup):
    try:
        blog = read_liveblog("<html>" + markup, blog_date=D29, source_url=URL)
    except ParseError as exc:
        assert "\n" not in str(exc)
    else:
        assert_well_formed(blog)


@pytest.mark.parametrize(
    "data", [b"[" * 100_000, b'{"a": ' + b"1" * 5000 + b"}", b'{"@graph": ' * 50_000]
)
def test_pathological_json_is_a_parse_error_or_text(data):
    with pytest.raises(ParseError):
        read_liveblog(data, blog_date=D29, source_url=URL)


# --- JSON-LD -------------------------------------------------------------------------------


def test_jsonld_liveblogposting():
    payload = (FIXTURES / "liveblogposting.jsonld").read_text()
    entries = parse_liveblog_jsonld(payload, source_url=URL)
    assert [(e.date, e.hhmm, e.headline) for e in entries] == [
        (D30, "00:40", "Fin du direct"),
        (D29, "23:50", "Résultats"),
        (D29, "23:15", None),  # 22:15Z is 23:15 in Paris
    ]
    assert entries[1].body == "Benoît Hamon obtient 58,87 % des voix\n\nsur 97,43 % des bureaux."
    assert entries[0].permalink == "https://example.org/direct-primaire#post-3"
    assert entries[1].permalink == f"{URL}#{entries[1].id}"
    assert entries[2].published_at == dt.datetime(2017, 1, 29, 23, 15, tzinfo=PARIS)
    # Same blog, same minute → same id as when read from the text.
    text_ids = {(e.date, e.hhmm): e.id for e in read("newest_first_crosses_midnight.txt").entries}
    assert entries[0].id == text_ids[(D30, "00:40")]
    assert parse_liveblog_jsonld(json.loads(payload), source_url=URL) == entries


@pytest.mark.parametrize(
    ("payload", "message"),
    [
        ("{not json", "JSON invalide"),
        ('{"@type": "NewsArticle"}', "aucun LiveBlogPosting"),
        (
            '{"@type": "LiveBlogPosting", "liveBlogUpdate": [{"headline": "x"}]}',
            r"liveBlogUpdate\[0\]: missing 'datePublished'",
        ),
        (
            '{"@graph": [{"@type": ["LiveBlogPosting"], "liveBlogUpdate": '
            '[{"datePublished": "2017-01-29T21:00"}, {"datePublished": "hier soir"}]}]}',
            r"liveBlogUpdate\[1\]: 'datePublished' is not ISO 8601",
        ),
    ],
)
def test_jsonld_errors_name_what_is_wrong(payload, message):
    with pytest.raises(ParseError, match=message):
        parse_liveblog_jsonld(payload, source_url=URL)


def test_read_liveblog_reads_jsonld_files():
    blog = read("liveblogposting.jsonld", blog_date=None)
    assert blog.format == "jsonld"
    assert len(blog.entries) == 3


# --- date inference ------------------------------------------------------------------------


def test_infer_blog_date():
    assert infer_blog_date((FIXTURES / "date_and_time_lines.txt").read_text()) == D29
    assert infer_blog_date("Le direct du lundi 30 janvier 2017\n\n8h : Titre") == D30
    assert infer_blog_date(SEED.read_text()) is None
    with pytest.raises(ParseError, match="--date YYYY-MM-DD"):
        read_liveblog(SEED.read_bytes(), blog_date=None, source_url=SEED_URL)


# --- properties ----------------------------------------------------------------------------

STAMPISH = [
    "8h24 : Titre",
    "23h50. Titre court. Corps du texte.",
    "21h25.",
    "21 heures.",
    "22 h :",
    "22h49 - texte",
    "23h: texte",
    "A 19h : texte",
    "30/01/17 - 13:01",
    "29/01 21:16",
    "29/02 21:16",
    "Dimanche, 20h11. Titre",
    "0h05 : minuit passé",
    "12h : 400 000 votants",
    "- 12h : liste",
    "Participation :",
    "À 21 heures, de la prose",
    "jusqu'à 19h",
    "<p>8h : balise</p>",
    "« Une citation » a-t-il dit.",
]
line_strategy = st.one_of(
    st.sampled_from(STAMPISH),
    st.text(max_size=30),
    st.just(""),
)
blog_strategy = st.lists(line_strategy, max_size=40).map("\n".join)


def assert_no_text_lost(text: str) -> None:
    """Every non-blank line after the lead is in its entry's body, or is its stamp line."""
    result = parse_liveblog_result(text, blog_date=D29, source_url=URL)
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    by_line = {e.line: e for e in result.entries}
    assert len(by_line) == len(result.entries)
    if not result.entries:
        return
    owner = None
    title_lines = set()
    for number, line in enumerate(lines, start=1):
        if number in by_line:
            owner = by_line[number]
            if owner.headline:
                # A stamp alone on its line: the headline is the next non-blank line (even
                # when it also happens to occur in the stamp, as "0" in "30/01/17 - 13:01");
                # else it was read from the stamp's own line.
                title = next((n for n in range(number, len(lines)) if lines[n].strip()), None)
                if title is not None and lines[title].strip() == owner.headline:
                    title_lines.add(title + 1)
                else:
                    assert owner.headline.rstrip('!?…»”"') in line, (number, owner.headline)
            continue
        if owner is None or not line.strip() or number in title_lines:
            continue
        assert line.strip() in owner.body, (number, line)


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow])
@given(st.text())
def test_parser_never_raises_on_arbitrary_text(text):
    result = parse_liveblog_result(text, blog_date=D29, source_url=URL)
    assert all(e.id and e.deep_link == f"?entry={e.id}" for e in result.entries)


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow])
@given(blog_strategy)
# Found by this test: a one-character headline that also occurs in the stamp line.
@example("30/01/17 - 13:01\n0\n- 12h : liste")
def test_parser_never_loses_body_text(text):
    assume(not looks_like_html(text))
    assert_no_text_lost(text)


@settings(max_examples=200)
@given(st.binary(max_size=200))
def test_reading_arbitrary_bytes_parses_or_raises_parse_error(data):
    try:
        blog = read_liveblog(data, blog_date=D29, source_url=URL)
    except ParseError as exc:
        assert "\n" not in str(exc)
    else:
        assert_well_formed(blog)


def test_no_text_lost_on_every_fixture():
    for path in FIXTURES.glob("*.txt"):
        text = decode_text(path.read_bytes())
        if text.strip():
            assert_no_text_lost(text)


# --- the command ---------------------------------------------------------------------------


def run_liveblog(*args: str, tmp_path: Path, stdin: bytes | None = None):
    """`python -m dashboard liveblog ARGS` in this process, on a tmp store."""
    env = {**os.environ, "DASHBOARD_STORE_DIR": str(tmp_path / "store")}
    env.pop("DASHBOARD_DATA_DIR", None)
    return call_cli(["liveblog", *args], env, stdin=stdin)


def test_cli_parse_json_on_the_seed(tmp_path):
    proc = run_liveblog(
        "parse",
        str(SEED),
        "--date",
        "2017-01-30",
        "--source-url",
        SEED_URL,
        "--format",
        "json",
        tmp_path=tmp_path,
    )
    assert proc.returncode == 0, proc.stderr.decode()
    rows = json.loads(proc.stdout)
    assert [list(r) for r in rows] == [
        [
            "id",
            "date",
            "time",
            "headline",
            "body",
            "permalink",
            "people",
            "outlet",
            "camp",
            "stance",
            "quotes",
        ]
    ] * 6
    assert [(r["time"], r["headline"], r["people"], r["outlet"], r["camp"]) for r in rows] == [
        (
            "08:24",
            "Jean-Pierre Raffarin",
            ["Jean-Pierre Raffarin"],
            "Europe 1",
            "Droite (LR / Fillon)",
        ),
        (
            "08:15",
            "Jérôme Chartier sur France 2",
            ["Jérôme Chartier"],
            "France 2 / Télématin",
            "Droite (LR / Fillon)",
        ),
        (
            "08:02",
            "Un ralliement qui commence plutôt mal",
            ["Alain Calmette"],
            "Twitter / communiqué",
            "PS (Valls) → En Marche !",
        ),
        (
            "07:51",
            "Pas de rassemblement du côté du Front de Gauche",
            ["Alexis Corbière"],
            "RMC",
            "Gauche radicale (LFI / Mélenchon)",
        ),
        ("07:40", "Un lourd silence", ["François Hollande"], "Twitter", "PS (exécutif)"),
        ("07:30", "Rassemblement", ["Benoît Hamon"], None, "PS (Hamon)"),
    ]
    assert {r["date"] for r in rows} == {"2017-01-30"}
    assert rows[0]["permalink"] == f"{SEED_URL}#{rows[0]['id']}"
    assert rows[0]["stance"] == "critique"


def test_cli_parse_table_from_stdin(tmp_path):
    proc = run_liveblog(
        "parse", "-", "--date", "2017-01-30", tmp_path=tmp_path, stdin=SEED.read_bytes()
    )
    assert proc.returncode == 0, proc.stderr.decode()
    out = proc.stdout.decode()
    assert "08:24" in out and "Jean-Pierre Raffarin" in out and "Europe 1" in out
    assert out.rstrip().endswith("6 entrées (les plus récentes d'abord, lues comme texte)")


def test_cli_parse_infers_the_date_and_reads_jsonld(tmp_path):
    proc = run_liveblog(
        "parse", str(FIXTURES / "date_and_time_lines.txt"), "--format", "json", tmp_path=tmp_path
    )
    assert proc.returncode == 0, proc.stderr.decode()
    assert [r["date"] for r in json.loads(proc.stdout)] == [
        "2017-01-30",
        "2017-01-29",
        "2017-01-29",
    ]
    proc = run_liveblog(
        "parse", str(FIXTURES / "liveblogposting.jsonld"), "--format", "json", tmp_path=tmp_path
    )
    assert proc.returncode == 0, proc.stderr.decode()
    assert [r["time"] for r in json.loads(proc.stdout)] == ["00:40", "23:50", "23:15"]


@pytest.mark.parametrize(
    ("args", "stdin", "message"),
    [
        (["parse", "missing.txt", "--date", "2017-01-30"], None, "missing.txt: no such file"),
        (["parse", str(FIXTURES / "empty.txt"), "--date", "2017-01-30"], None, "empty input"),
        (["parse", "-", "--date", "2017-01-30"], b"GIF89a\x00\x01\x00", "données binaires"),
        (
            ["parse", str(FIXTURES / "no_timestamps.txt"), "--date", "2017-01-30"],
            None,
            "aucune entrée datée trouvée",
        ),
        (["parse", str(SEED)], None, "--date YYYY-MM-DD"),
        (["parse", str(FIXTURES)], None, "is a folder"),
    ],
)
def test_cli_user_errors_are_one_line_exit_2(tmp_path, args, stdin, message):
    proc = run_liveblog(*args, tmp_path=tmp_path, stdin=stdin)
    err = proc.stderr.decode()
    assert proc.returncode == 2
    assert err.startswith("error: ") and message in err
    assert err.count("\n") == 1 and "Traceback" not in err
    assert proc.stdout == b""
