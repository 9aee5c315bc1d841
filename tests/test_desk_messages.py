"""The desk's French messages, pinned at the source: typed values quoted on one line, every
unreadable count named, blog names, the ingest summary's French plurals."""

from __future__ import annotations

import re

import pytest

from dashboard import fr
from dashboard.desk import actions
from dashboard.errors import ValidationError
from dashboard.liveblog.store import IngestReport


def test_a_typed_value_is_quoted_on_one_line_and_cut_when_long():
    assert fr.shown("1,5  million") == "« 1,5 million »"
    assert fr.shown("deux\nmillions\r\n") == "« deux millions »"  # a message stays one line
    assert fr.shown("x" * 50) == "« " + "x" * 39 + "… »"


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("1,5", "« 1,5 » n'est pas un nombre entier"),
        ("-3", "« -3 » est un nombre négatif"),
        ("beaucoup", "« beaucoup » n'est pas un nombre"),
        ("99999999999", "« 99999999999 » n'est pas un décompte plausible (plus d'un milliard)"),
    ],
)
def test_counts_are_refused_in_french(typed, message):
    with pytest.raises(ValueError, match=f"^{re.escape(message)}$"):
        fr.parse_count(typed)


def test_a_desk_field_names_itself_and_lists_as_one_problem():
    with pytest.raises(
        ValidationError, match="^Votants : « 1,5 » n'est pas un nombre entier$"
    ) as e:
        actions.parse_count("1,5", "Votants")
    assert e.value.problems == ("Votants : « 1,5 » n'est pas un nombre entier",)
    with pytest.raises(ValidationError, match=r"^% de Hamon : « 101 » n'est pas un pourcentage"):
        actions.parse_share("101", "% de Hamon")


@pytest.mark.parametrize(
    ("url", "name"),
    [
        ("https://www.example.org/live#post-3", "Blog example.org"),
        ("http://lemonde.fr/politique/live/2017/01/29", "Blog lemonde.fr"),
        ("not a url", "Blog"),
    ],
)
def test_a_blog_is_named_by_its_host(url, name):
    assert actions.blog_name(url) == name


def test_the_ingest_summary_is_french_with_its_plurals():
    report = IngestReport("example-org-1", 3, 0, 1, absent=2, reactions_refreshed=1)
    assert report.summary("Blog example.org") == (
        "Blog example.org : 3 entrées ajoutées, 0 modifiée, 1 inchangée, 1 réaction relue, "
        "2 absentes du blog (gardées)"
    )
    assert IngestReport("example-org-1", 1, 2, 0).summary() == (
        "example-org-1 : 1 entrée ajoutée, 2 modifiées, 0 inchangée"
    )


def test_sizes_are_written_the_french_way():
    assert (actions.mb(5), actions.mb(1.5), actions.mb(2.04)) == ("5", "1,5", "2")
