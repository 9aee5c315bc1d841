"""The look every staff page shares: the document's language and the few styles Streamlit
does not offer (the headline figure, compact cards, the reactions
timeline as a list on a phone).

Drawn once per run by main.py, before the page: invisible elements, so nothing moves.
"""

from __future__ import annotations

import streamlit as st

# Streamlit serves <html lang="en">: screen readers would read French figures with English
# rules. The document is the app's own (st.html runs the script in it, not in an iframe).
LANG_SCRIPT = """<script>
document.documentElement.lang = 'fr';
const skip = document.querySelector('[data-testid="stSkipToContent"]');
if (skip) skip.textContent = 'Aller au contenu principal';
</script>"""

CSS = """<style>
/* The leader's share: the largest figure on the results page. (Scoped under the markdown
   container, whose own paragraph rules would win otherwise.) */
[data-testid="stMarkdownContainer"] .headline { margin: 0 0 0.25rem 0; }
[data-testid="stMarkdownContainer"] .headline p { margin: 0; padding: 0; }
[data-testid="stMarkdownContainer"] .headline-label { font-size: 0.95rem; color: #4b5563; }
[data-testid="stMarkdownContainer"] .headline-people { display: flex; flex-wrap: wrap;
  gap: 0.25rem 2.5rem; }
[data-testid="stMarkdownContainer"] .headline-name { font-size: 1.45rem; font-weight: 600;
  line-height: 1.4; }
[data-testid="stMarkdownContainer"] .headline-share { font-size: 3.4rem; font-weight: 700;
  line-height: 1.3; font-variant-numeric: tabular-nums; }
[data-testid="stMarkdownContainer"] .headline-base { font-size: 0.9rem; color: #4b5563; }
/* Compact cards: figures smaller than the headline, never cut with an ellipsis. */
[data-testid="stMetricValue"] { font-size: 1.6rem; }
[data-testid="stMetricValue"] > div { overflow: visible; text-overflow: clip; white-space: nowrap; }
@media (max-width: 640px) {
  [data-testid="stMarkdownContainer"] .headline-share { font-size: 2.8rem; }
  [data-testid="stMetricValue"] { font-size: 1.3rem; }
  h1 { font-size: 1.9rem !important; line-height: 1.3 !important; }
  /* The reactions timeline as a list on a phone (the chart needs a wide screen). */
  .st-key-timeline-wide [data-testid="stPlotlyChart"] { display: none; }
}
@media (min-width: 641px) {
  .st-key-timeline-list { display: none; }
}
</style>"""


def apply() -> None:
    """The language and the styles, as invisible elements at the top of the page."""
    st.html(LANG_SCRIPT + CSS, unsafe_allow_javascript=True)


def card(figures: dict[str, str | None]) -> None:
    """One compact card ({"label", "value", "detail"}, e.g. views.progress_card) as wide as
    its figure, its detail in grey without an arrow: a count, not a gain or a loss."""
    st.metric(
        figures["label"] or "",
        figures["value"],
        figures["detail"],
        delta_color="off",
        delta_arrow="off",
        width="content",
    )
