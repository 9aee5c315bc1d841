"""The one helper for outside text: what a reader sees is exactly the text, never markup."""

from __future__ import annotations

import pytest

from dashboard.text import WORD_JOINER, host, html, http_url, markdown, plain

RLO = "\u202e"


def test_bidi_overrides_are_neutralised_for_display():
    assert plain(f"Valls {RLO}%3,25") == "Valls %3,25"
    assert plain("a\u2066b\u2069c\u200fd") == "abcd"


def test_control_characters_go_but_lines_stay():
    assert plain("un\x00deux\x1b[31m\ntrois\tquatre") == "undeux[31m\ntrois\tquatre"
    assert plain(None) == ""
    assert plain(12) == "12"


@pytest.mark.parametrize(
    "hostile",
    [
        "# Titre",
        "![x](https://evil.example/t.png)",
        "[lien](https://evil.example)",
        ":red[rouge]",
        "$x^2$",
        "<b>gras</b>",
        "**gras**",
        "`code`",
        "a_b_c",
    ],
)
def test_markdown_escapes_every_sign(hostile):
    out = markdown(hostile).replace(WORD_JOINER, "")
    # Each special character is preceded by a backslash: removing them gives the text back.
    assert out.replace("\\", "") == hostile.replace("\\", "")
    assert all(out[i - 1] == "\\" for i, c in enumerate(out) if c in "#![]():$<>*`_")


def test_html_escapes_tags_and_quotes():
    assert html('<a href="javascript:alert(1)">x</a> & co') == (
        "&lt;a href=&quot;javascript:alert(1)&quot;&gt;x&lt;/a&gt; &amp; co"
    )


@pytest.mark.parametrize(
    "url, safe",
    [
        ("https://www.atlantico.fr/x#1", "https://www.atlantico.fr/x#1"),
        ("http://127.0.0.1:8765/results.json", "http://127.0.0.1:8765/results.json"),
        ("javascript:alert(1)", None),
        ("JAVASCRIPT:alert(1)", None),
        ("data:text/html,x", None),
        ("blog-local", None),
        ("/relative", None),
        ("https://", None),
        ("", None),
        (None, None),
        ("https://exa mple.com", None),
        (f"https://a.fr/{RLO}x", None),
    ],
)
def test_only_absolute_http_urls_become_links(url, safe):
    assert http_url(url) == safe


def test_host_of_a_non_url_is_empty():
    assert host("https://www.atlantico.fr/a/b") == "www.atlantico.fr"
    assert host("blog-local") == ""
