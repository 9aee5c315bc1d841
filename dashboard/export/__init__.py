"""Newsroom exports: `frame` lays out the newsroom frame, `render` draws with the one Chromium,
`formats` writes PNG/SVG/PDF/HTML/CSV/JSON with their metadata, `names` names the files."""
