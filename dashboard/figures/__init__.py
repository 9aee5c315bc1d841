"""Pure figure builders: `build_<chart>(df, *, template, ...) -> go.Figure`.

No I/O, no streamlit."""
