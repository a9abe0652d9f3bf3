"""Outlets page: outlet × frame heatmap, axis strip plot, distinctive terms, prevalence over time."""

from __future__ import annotations

import streamlit as st

from framing import plots
from framing.app import state
from framing.app.highlight import code, colour_map, md

TERMS_SHOWN = 25
#: Articles per outlet in the strip plot (a seeded sample beyond this).
STRIP_SAMPLE = 300


def render() -> None:
    st.title("Outlets")
    results = state.results_or_prompt()
    if results is None:
        return
    counts = results.outlet_counts()
    st.caption(f"{int(counts.sum()):,} articles from {len(counts)} outlet(s), codebook {code(results.codebook.id)}.")
    _choose_outlets(counts)
    outlets = state.compared_outlets(counts)
    with st.spinner("Comparing outlets (bootstrap intervals, permutation tests, distinctive terms)…"):
        tables = results.comparison(outlets)
    _render(results.codebook, tables,
            lambda axis_id: results.axis_sample(axis_id, outlets, per_outlet=STRIP_SAMPLE),
            results.time_freq(), sampled=bool((counts.loc[outlets] > STRIP_SAMPLE).any()))


def _choose_outlets(counts) -> None:
    if len(counts) > state.TOP_OUTLETS:
        st.number_input(f"Compare the outlets with the most articles (of {len(counts)})", min_value=2,
                        max_value=len(counts), value=state.TOP_OUTLETS, step=1, key=state.TOP_OUTLETS_KEY)
        outlets = state.compared_outlets(counts=counts)
        left_out = int(counts.iloc[len(outlets):].sum())
        st.caption(f"{len(outlets)} outlets with {int(counts.iloc[:len(outlets)].sum()):,} articles compared; "
                   f"{len(counts) - len(outlets)} smaller outlets ({left_out:,} articles) left out. "
                   "More outlets take longer: every pair is tested.")


def _render(cb, tables, strip_rows, freq: str, sampled: bool = False) -> None:
    """The page body: ``strip_rows(axis_id)`` gives the articles (with ``axis:<id>``) for the strip plot."""
    colours = colour_map(cb.frame_ids)

    st.subheader("Frames by outlet")
    means = plots.means_long(tables, cb)
    if means.empty:
        st.info("No frame means to show.")
    else:
        st.altair_chart(plots.outlet_heatmap(means, cb), key="heatmap")
        st.caption("Cell: mean frame score of the outlet's articles [95% bootstrap interval].")

    if cb.axes:
        st.subheader("Axis positions")
        axis_ids = cb.axis_ids
        axis_id = axis_ids[0] if len(axis_ids) == 1 else st.selectbox(
            "Axis", axis_ids, format_func=lambda a: cb.axis(a).label, key="strip_axis")
        st.altair_chart(plots.strip_chart(strip_rows(axis_id), cb, axis_id), key="strip")
        axis = cb.axis(axis_id)
        st.caption(("Each dot is an article (a seeded sample of up to "
                    f"{STRIP_SAMPLE} per outlet)" if sampled else "Each dot is an article")
                   + ("; the black tick is the mean of the dots shown. " if sampled else
                      "; the black tick is the outlet mean. ")
                   + f"Left: {md(cb.frame(axis.pole_a).label)} (+1); right: {md(cb.frame(axis.pole_b).label)} (−1).")

    differences = tables.get("differences")
    if differences is not None and not differences.empty:
        st.subheader("Outlet differences")
        overall = differences[differences["event_id"].astype(str) == "all"] if "event_id" in differences else differences
        overall = overall.sort_values("q_value") if "q_value" in overall.columns else overall
        only = st.toggle("Only differences with q < 0.05", key="diff_significant", value=False)
        if only and "q_value" in overall.columns:
            overall = overall[overall["q_value"] < 0.05]
        st.dataframe(overall.drop(columns=[c for c in ("event_id", "event_label") if c in overall.columns]),
                     hide_index=True, key="differences_table")
        st.caption("Difference in mean score between two outlets; two-sided permutation p-value and "
                   "Benjamini–Hochberg q-value across all comparisons.")

    terms = tables.get("distinctive_terms")
    st.subheader("Distinctive terms per outlet")
    if terms is not None and "event_id" in terms.columns:
        terms = terms[terms["event_id"].astype(str) == "all"]
    if terms is None or terms.empty:
        st.info("No distinctive terms (they need at least two outlets with enough text).")
    else:
        outlets = sorted(terms["outlet"].astype(str).unique())
        chosen = st.selectbox("Outlet", outlets, key="terms_outlet")
        top = terms[terms["outlet"].astype(str) == chosen]
        top = top.sort_values("rank") if "rank" in top.columns else top
        st.dataframe(top.drop(columns=[c for c in ("event_id", "event_label") if c in top.columns]).head(TERMS_SHOWN),
                     hide_index=True, key="terms_table")
        st.caption("Log-odds ratio with an informative Dirichlet prior (Monroe, Colaresi & Quinn 2008): "
                   "words this outlet uses more than the others.")

    prevalence = plots.prevalence_long(tables, cb)
    st.subheader("Frame prevalence over time")
    if prevalence.empty or prevalence["period"].nunique() < 2:
        st.info("Not enough dated articles to draw frames over time (needs two or more periods).")
    else:
        outlets = sorted(prevalence["outlet"].astype(str).unique())
        chosen = st.selectbox("Outlet", outlets, key="prevalence_outlet")
        st.altair_chart(plots.prevalence_lines(prevalence[prevalence["outlet"].astype(str) == chosen], cb,
                                               colours), key="prevalence")
        unit = "week" if freq == "W" else "month"
        st.caption(f"Mean frame score of the outlet's articles per {unit}.")
