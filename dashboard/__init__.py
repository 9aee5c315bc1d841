"""Election-night dashboard: results, turnout, live-blog reactions and exports."""

__version__ = "0.1.0"
