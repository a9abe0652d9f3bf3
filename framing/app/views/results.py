"""The pages on a results folder (``framing app --results DIR``): large corpora, read with DuckDB.

Each page asks :class:`framing.results.ResultsDB` for what it shows — one page of the
event list, the articles of one event with their evidence and texts, articles per
outlet, the outlet comparison — through the cached queries of
:func:`framing.app.state.results_query`; nothing loads the whole corpus into pandas.
The side-by-side event view is the same code as on a corpus scored in the app.
"""

from __future__ import annotations

import math
from pathlib import Path
from types import SimpleNamespace

import pandas as pd
import streamlit as st

from framing.app import state
from framing.app.highlight import code, md
from framing.app.views import events as event_views

PAGE_SIZE = event_views.PAGE_SIZE
ARTICLE_SEARCH_LIMIT = 200


class _Slice:
    """What the side-by-side view reads (``codebook``, ``evidence``, ``corpus[id].text``),
    for a handful of articles only."""

    def __init__(self, db, rows: pd.DataFrame):
        ids = tuple(rows["article_id"].astype(str))
        self.codebook = db.codebook
        self.evidence = state.results_query("evidence", ids)
        texts = state.results_query("texts", ids)
        self.corpus = {a: SimpleNamespace(text=texts.get(a, "")) for a in ids}


def _summary_caption(info: dict) -> None:
    st.caption(f"{info['articles']:,} articles from {info['outlets']} outlets · {info['events']:,} events, "
               f"{info['multi_outlet_events']:,} covered by two or more outlets · results folder "
               f"{code(info['folder'])}")


# ----------------------------------------------------------------- Events
def _event_label(row: dict) -> str:
    label = str(row.get("event_label") or "").strip()
    head = str(row.get("headline") or "").strip()
    text = head if not label else f"{label} — {head}"
    return f"{text[:110]} · {int(row.get('event_size') or 0)} art. · {row.get('outlets', '')}"[:200]


def render_events(db) -> None:
    info = state.results_query("summary")
    _summary_caption(info)
    modes = ["Events", "Pick articles"]
    mode = st.segmented_control("Browse", modes, default=modes[0] if info["multi_outlet_events"] else modes[1],
                                key="events_mode")
    if mode == "Pick articles":
        _pick_articles(db)
        return
    c1, c2 = st.columns([3, 2])
    with c1:
        query = st.text_input("Search events (headline, label or outlet)", key="event_search",
                              placeholder="e.g. Balochistan, ISKP, Arab News")
    with c2:
        singles = st.toggle("Include single-outlet stories", key="event_singles",
                            value=info["multi_outlet_events"] == 0,
                            help="Articles no other outlet covered are events of their own; switch this on to "
                                 "reach them.")
    page = int(st.session_state.get("event_page", 1) or 1)
    total, rows = state.results_query("events_page", query, singles=singles, page=page, page_size=PAGE_SIZE)
    n_pages = max(1, math.ceil(total / PAGE_SIZE))
    if page > n_pages:
        st.session_state["event_page"] = page = 1
        total, rows = state.results_query("events_page", query, singles=singles, page=1, page_size=PAGE_SIZE)
    st.caption(f"{info['events']:,} events in all · {info['multi_outlet_events']:,} covered by two or more "
               f"outlets · {total:,} match")
    if total == 0:
        st.info("No event matches. Clear the search, or include single-outlet stories.")
        return
    st.number_input(f"Page (of {n_pages:,})", min_value=1, max_value=n_pages, step=1, key="event_page")
    with st.expander(f"Events on this page ({len(rows)})", expanded=False):
        st.dataframe(rows[[c for c in ("event_label", "headline", "outlets", "event_size", "event_start",
                                       "event_end") if c in rows.columns]], hide_index=True, key="event_table",
                     column_config={"event_start": st.column_config.DateColumn("from"),
                                    "event_end": st.column_config.DateColumn("to"),
                                    "event_size": st.column_config.NumberColumn("articles")})
    records = rows.to_dict("records")
    labels = {r["event_id"]: _event_label(r) for r in records}
    if st.session_state.get("event_id") not in labels:
        st.session_state.pop("event_id", None)
    event_id = st.selectbox("Event", list(labels), format_func=labels.__getitem__, key="event_id")
    if event_id is None:
        return
    articles = state.results_query("event_articles", event_id)
    if articles.empty:
        st.info("No articles in this event.")
        return
    event_label = next((r.get("event_label") for r in records if r["event_id"] == event_id), "") or ""
    st.markdown(f"### {md(event_label) if str(event_label).strip() else 'Event'}")
    event_views._side_by_side(_Slice(db, articles), articles)


def _pick_articles(db) -> None:
    st.caption("Compare any articles side by side, whatever event they were grouped into. Search by headline "
               f"or outlet (first {ARTICLE_SEARCH_LIMIT} matches in input order).")
    query = st.text_input("Search articles", key="article_search", placeholder="e.g. Quetta, Dawn")
    found = state.results_query("search_articles", query, limit=ARTICLE_SEARCH_LIMIT)
    chosen_before = [a for a in st.session_state.get("picked_articles", [])]
    extra = state.results_query("search_articles", "", limit=0) if not chosen_before else \
        state.results_query("articles", tuple(chosen_before))[["article_id", "outlet", "published", "title"]]
    options = pd.concat([extra, found], ignore_index=True).drop_duplicates("article_id")
    records = {r["article_id"]: r for r in options.to_dict("records")}
    chosen = st.multiselect("Articles", list(records), key="picked_articles", max_selections=12,
                            format_func=lambda a: event_views._article_label(records[a]))
    if not chosen:
        st.info("Pick one or more articles.")
        return
    rows = state.results_query("articles", tuple(chosen))
    event_views._side_by_side(_Slice(db, rows), rows)


# ----------------------------------------------------------------- Corpus
def render_corpus(db) -> None:
    info = state.results_query("summary")
    st.markdown(f"**Open now:** results folder {code(info['folder'])}")
    st.caption("Scored outside the app (`framing analyse PATH... --results DIR`). To score another corpus in the "
               "app, start it with `framing app PATH...`.")
    cols = st.columns(5)
    for col, (label, value) in zip(cols, [("articles", info["articles"]), ("outlets", info["outlets"]),
                                          ("sentences", info["sentences"]), ("events", info["events"]),
                                          ("off-topic", info["off_topic"])]):
        col.metric(label, f"{value:,}")
    first, last = info["first"], info["last"]
    st.caption(f"Published {event_views._date(first)} – {event_views._date(last)} · encoder {code(info['encoder'])}"
               f" · codebook `{info['codebook']}` · {info['engine'].get('name', '?')} engine · scored "
               f"{info['created']}")
    counts = state.results_query("outlet_counts")
    st.subheader("Articles per outlet")
    top = counts.head(40).rename_axis("outlet").reset_index(name="articles")
    st.bar_chart(top, x="outlet", y="articles", horizontal=True, sort="-articles", height=max(240, 24 * len(top)))
    if len(counts) > 40:
        st.caption(f"The 40 outlets with most articles of {len(counts)}.")
    per_month = state.results_query("articles_per_period", "month")
    if not per_month.empty:
        st.subheader("Articles per month")
        import altair as alt

        monthly = per_month.groupby("period", as_index=False)["n"].sum()
        st.altair_chart(alt.Chart(monthly).mark_bar().encode(
            x=alt.X("yearmonth(period):T", title=None), y=alt.Y("n:Q", title="articles"),
            tooltip=[alt.Tooltip("yearmonth(period):T", title="month"), alt.Tooltip("n:Q", title="articles")],
        ).properties(height=240), key="per_month")


# ----------------------------------------------------------------- Export
def _size(path: Path) -> str:
    n = path.stat().st_size
    for unit in ("B", "KB", "MB", "GB"):
        if n < 1024 or unit == "GB":
            return f"{n:.0f} {unit}" if unit == "B" else f"{n:.1f} {unit}"
        n /= 1024
    return f"{n} B"


def render_export(db) -> None:
    info = state.results_query("summary")
    folder = Path(info["folder"])
    st.subheader("Tables in the results folder")
    files = sorted(p for p in folder.iterdir() if p.is_file())
    st.dataframe(pd.DataFrame({"file": [p.name for p in files], "size": [_size(p) for p in files]}),
                 hide_index=True, key="results_files")
    st.caption("Scores, evidence, events, components and articles as Parquet, the ingested corpus "
               "(`corpus.duckdb`, when written by `framing analyse --results`), the codebook and `result.json` "
               "(versions, encoder, codebook sha256, settings, calibration, engine and inputs). Convert them "
               "with `framing.engines.EngineResult.open(DIR).export(PATH, format=...)` or read them with "
               "DuckDB/pandas directly.")
    counts = state.results_query("outlet_counts")
    outlets = state.compared_outlets(counts=counts)
    st.subheader("Outlet comparison")
    st.caption(f"Means with intervals, differences, distinctive terms and prevalence for the {len(outlets)} "
               "outlets chosen on the Outlets page.")
    tables = state.results_comparison(outlets)
    fmt = st.radio("Format", ["xlsx", "csv"], horizontal=True, key="results_export_format")
    if fmt == "xlsx":
        data = _xlsx(state._results_key() + "|" + "\x1f".join(outlets), tables)
        st.download_button("Download comparison.xlsx", data, file_name="comparison.xlsx", key="dl_comparison",
                           mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    else:
        for name, table in tables.items():
            st.download_button(f"{name}.csv", table.to_csv(index=False).encode(), file_name=f"{name}.csv",
                               mime="text/csv", key=f"dl_{name}")


@st.cache_data(show_spinner=False, max_entries=4)
def _xlsx(key: str, _tables: dict) -> bytes:
    import tempfile

    from framing.export import export_tables

    with tempfile.TemporaryDirectory() as tmp:
        target = Path(tmp) / "comparison.xlsx"
        export_tables(_tables, target, format="xlsx")
        return target.read_bytes()
