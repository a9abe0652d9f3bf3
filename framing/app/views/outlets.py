"""Outlets page: a forest plot of frame means, the axis strip, matched differences and the
agenda, distinctive terms, and frames over time (a few at a time)."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from framing import plots
from framing.app import state
from framing.app.highlight import code, md

TERMS_SHOWN = 25
#: Articles per outlet in the strip plot (a seeded sample beyond this).
STRIP_SAMPLE = 300
#: Frames shown as small multiples before the user picks others.
FOREST_DEFAULT = 6


def render() -> None:
    st.title("Outlets")
    results = state.results_or_prompt()
    if results is None:
        return
    counts = results.outlet_counts()
    st.caption(f"{int(counts.sum()):,} articles from {len(counts)} outlet(s), codebook {code(results.codebook.id)}.")
    _choose_outlets(counts)
    outlets = state.compared_outlets(counts)
    with st.spinner("Comparing outlets (bootstrap intervals, permutation tests, event matching, distinctive terms)…"):
        tables = results.comparison(outlets, matched=results.has("events"))
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


def coverage_notes(coverage: pd.DataFrame | None) -> list[str]:
    """One plain sentence per outlet: how many of its articles are in the means (Markdown-safe)."""
    if coverage is None or coverage.empty:
        return []
    notes = []
    for row in coverage.itertuples(index=False):
        kept, dropped = int(row.articles), int(getattr(row, "off_topic_excluded", 0) or 0)
        total = kept + dropped
        tail = f"{kept} of {total} articles on-topic" if dropped else f"all {total} articles on-topic"
        notes.append(f"**{md(row.outlet)}**: {tail}")
    return notes


def _frame_picker(cb, order: list[str], key: str, label: str, default: int, max_selections: int | None = None):
    labels = {f.id: f.label for f in cb.frames}
    chosen = st.multiselect(label, order, default=order[:default], format_func=lambda f: labels.get(f, f),
                            key=key, max_selections=max_selections)
    return chosen or order[:1]


def _render(cb, tables, strip_rows, freq: str, sampled: bool = False) -> None:
    """The page body: ``strip_rows(axis_id)`` gives the articles (with ``axis:<id>``) for the strip plot."""
    coverage = tables.get("coverage")

    st.subheader("Frames by outlet")
    means = plots.means_long(tables, cb)
    if means.empty:
        st.info("No frame means to show.")
    else:
        notes = coverage_notes(coverage)
        if notes:
            st.markdown("Articles in the means — off-topic articles (the codebook does not apply) are left out: "
                        + "; ".join(notes) + ".", help=None)
        order = plots.spread_order(means, cb)
        frames = _frame_picker(cb, order, "forest_frames", "Frames (those where outlets differ most first)",
                               min(FOREST_DEFAULT, len(order)))
        st.altair_chart(plots.forest_chart(means, cb, frames=frames, coverage=coverage), key="forest")
        singles = int((means["n"].fillna(0) <= 1).sum())
        st.caption("Dot: mean frame score of the outlet's on-topic articles; bar: 95% bootstrap interval. "
                   + ("A hollow dot marked **n = 1** comes from a single article: it has no interval. "
                      if singles else ""))

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
                   + f"Further left: more {md(cb.frame(axis.pole_b).label)}; further right: more "
                   f"{md(cb.frame(axis.pole_a).label)}.")

    _matched(cb, tables)

    differences = tables.get("differences")
    if differences is not None and not differences.empty:
        st.subheader("Outlet differences (all articles)")
        overall = differences[differences["event_id"].astype(str) == "all"] if "event_id" in differences else differences
        overall = overall.sort_values("q_value") if "q_value" in overall.columns else overall
        only = st.toggle("Only differences with q < 0.05", key="diff_significant", value=False)
        if only and "q_value" in overall.columns:
            overall = overall[overall["q_value"] < 0.05]
        st.dataframe(overall.drop(columns=[c for c in ("event_id", "event_label") if c in overall.columns]),
                     hide_index=True, key="differences_table")
        st.caption("Difference in mean score between two outlets over all their articles; two-sided permutation "
                   "p-value and Benjamini–Hochberg q-value across all comparisons.")

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
        st.caption("Words this outlet uses more than the others: log-odds ratio with an informative Dirichlet "
                   "prior (Monroe, Colaresi & Quinn 2008). The outlets' own names and page furniture "
                   "(\"said\", \"photo\", \"Reuters\") are left out.")

    prevalence = plots.prevalence_long(tables, cb)
    st.subheader("Frame prevalence over time")
    if prevalence.empty or prevalence["period"].nunique() < 2:
        st.info("Not enough dated articles to draw frames over time (needs two or more periods).")
    else:
        outlets = sorted(prevalence["outlet"].astype(str).unique())
        left, right = st.columns([1, 2])
        with left:
            chosen = st.selectbox("Outlet", outlets, key="prevalence_outlet")
        mine = prevalence[prevalence["outlet"].astype(str) == chosen]
        order = mine.groupby("frame")["value"].mean().sort_values(ascending=False).index.tolist()
        order = [f for f in order if f in cb.frame_ids] + [f for f in cb.frame_ids if f not in order]
        with right:
            frames = _frame_picker(cb, order, "prevalence_frames", f"Frames (at most {plots.MAX_LINES})",
                                   min(5, len(order)), max_selections=plots.MAX_LINES)
        st.altair_chart(plots.prevalence_lines(mine, cb, frames=frames[:plots.MAX_LINES]), key="prevalence")
        unit = "week" if freq == "W" else "month"
        st.caption(f"Mean frame score of the outlet's articles per {unit}.")


def _measure_label(cb, measure: str) -> str:
    kind, _, ident = str(measure).partition(":")
    if kind == "frame" and ident in cb.frame_ids:
        return cb.frame(ident).label
    return cb.axis(ident).label if kind == "axis" and ident in cb.axis_ids else str(measure)


def _matched(cb, tables) -> None:
    matched = tables.get("matched_differences")
    agenda = tables.get("agenda")
    st.subheader("Same events, told differently?")
    if matched is None or matched.empty:
        st.info("Event-matched differences need events covered by at least two of the compared outlets.")
        return
    st.markdown(
        "Outlets differ in **which** events they cover (their agenda) and in **how** they tell the same event "
        "(their framing). The outlet means above mix the two: an outlet that covers more attacks looks more "
        "security-framed even if it tells each attack like everyone else. Here every pair of outlets is compared "
        "**only on the events both cover**: for each shared event, the first outlet's mean minus the second's; "
        "then the average over those events, each event counted once. A matched difference near zero beside a "
        "large unmatched one means the outlets differ in agenda, not in how they tell a story.")
    measures = [m for m in dict.fromkeys(matched["measure"]) if str(m).split(":", 1)[-1] in
                set(cb.frame_ids) | set(cb.axis_ids)]
    shown = matched.sort_values("p_value")
    default = measures.index(shown["measure"].iloc[0]) if len(shown) and shown["measure"].iloc[0] in measures else 0
    measure = st.selectbox("Frame or axis", measures, index=default, key="matched_measure",
                           format_func=lambda m: _measure_label(cb, m))
    st.altair_chart(plots.matched_chart(matched, cb, measure), key="matched")
    st.caption("Blue dot: matched difference over the shared events, with its 95% bootstrap interval over events; "
               "grey diamond: the plain difference over all articles. Sign-flip permutation p-values with "
               "Benjamini–Hochberg q-values are in the table.")
    view = matched[matched["measure"] == measure].copy()
    cols = {"outlet_a": "outlet A", "outlet_b": "outlet B", "n_events": "shared events",
            "difference": "matched A − B", "ci_low": "CI low", "ci_high": "CI high", "q_value": "q (matched)",
            "unmatched_difference": "all articles A − B", "unmatched_q_value": "q (all articles)"}
    st.dataframe(view[list(cols)].rename(columns=cols).round(3), hide_index=True, key="matched_table")
    if agenda is not None and not agenda.empty:
        st.markdown("**Agenda** — the share of an outlet's articles that are about events the other outlet "
                    "does not cover at all. High shares mean the two outlets mostly report different stories, "
                    "so their plain means compare different news.")
        table = agenda.rename(columns={"outlet": "outlet", "other_outlet": "other outlet",
                                       "articles": "articles (with an event)",
                                       "articles_not_covered": "in events the other skips",
                                       "share_not_covered": "share"})
        table["share"] = (table["share"] * 100).round(0).astype("Int64").astype(str) + " %"
        st.dataframe(table.drop(columns=["events", "events_not_covered"], errors="ignore"), hide_index=True,
                     key="agenda_table")
