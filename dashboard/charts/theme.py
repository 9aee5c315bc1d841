"""The house template and French number formatting shared by every figure.

Colours of candidates and camps come from data (candidates.csv, camps.csv) and are passed to
builders explicitly; the template only fixes fonts, margins, grid and the French separators.
"""

from __future__ import annotations

import plotly.graph_objects as go

from dashboard.text import plotly as plotly_text

FONT_FAMILY = "DejaVu Sans, Liberation Sans, Arial, sans-serif"
INK = "#1a1a1a"
MUTED = "#5f6368"
GRID = "#e5e7eb"


def house_template(*, dark: bool = False) -> go.layout.Template:
    """The one house template (light by default; dark for dark exports)."""
    ink, muted, grid, paper = (
        ("#f1f3f4", "#bdc1c6", "#3c4043", "#15181c") if dark else (INK, MUTED, GRID, "#ffffff")
    )
    return go.layout.Template(
        layout=go.Layout(
            font=dict(family=FONT_FAMILY, size=14, color=ink),
            # Anchored to the top of the container, with automargin, so that title and
            # subtitle are never clipped whatever the figure's height.
            title=dict(
                font=dict(size=20, color=ink),
                x=0,
                xanchor="left",
                xref="paper",
                y=0.98,
                yanchor="top",
                yref="container",
                automargin=True,
                subtitle=dict(font=dict(size=14, color=muted)),
            ),
            paper_bgcolor=paper,
            plot_bgcolor=paper,
            margin=dict(l=16, r=24, t=72, b=48),
            separators=", ",  # decimal comma, space for thousands: "58,69", "2 000 255"
            xaxis=dict(gridcolor=grid, zerolinecolor=grid, linecolor=muted, automargin=True),
            yaxis=dict(gridcolor=grid, zerolinecolor=grid, linecolor=muted, automargin=True),
            legend=dict(orientation="h", yanchor="bottom", y=1.0, x=0, font=dict(size=13)),
            hoverlabel=dict(font=dict(family=FONT_FAMILY, size=13)),
            colorway=["#1f3a5f", "#8a6b60", "#607d8b", "#9e9d24"],
        )
    )


def title_layout(title: str, subtitle: str = "") -> dict:
    """Title and subtitle as plotly draws them (layout.title.subtitle, never clipped).
    Plotly reads titles as HTML: both are given as plain text and escaped here."""
    return dict(text=plotly_text(title), subtitle=dict(text=plotly_text(subtitle)))


def muted_of(template: go.layout.Template) -> str:
    """The template's secondary ink (grey on white, light grey on the dark paper): labels
    drawn in it keep a WCAG contrast ≥ 4.5:1 against the template's own paper."""
    return template.layout.xaxis.linecolor or MUTED


def colour_or_muted(colour: object) -> str:
    """A candidate's colour from data, or the house grey for one the data does not colour."""
    return colour if isinstance(colour, str) and colour else MUTED


def _luminance(colour: str) -> float:
    """WCAG relative luminance of "#rrggbb"."""
    channels = [int(colour.lstrip("#")[i : i + 2], 16) / 255 for i in (0, 2, 4)]
    r, g, b = (c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(a: str, b: str) -> float:
    """WCAG contrast ratio of two "#rrggbb" colours (1 to 21)."""
    hi, lo = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)


def readable_on(colour: str) -> str:
    """White or near-black, whichever reads better on a bar of `colour`."""
    if not (isinstance(colour, str) and len(colour) == 7 and colour.startswith("#")):
        return "#ffffff"
    return "#ffffff" if contrast("#ffffff", colour) >= contrast("#1a1a1a", colour) else "#1a1a1a"
