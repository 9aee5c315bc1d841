"""Baseline for bench_navigation: the smallest Streamlit app that draws one bar chart."""

import plotly.graph_objects as go
import streamlit as st

st.plotly_chart(go.Figure(go.Bar(x=[58.69, 41.31], y=["A", "B"], orientation="h")), theme=None)
