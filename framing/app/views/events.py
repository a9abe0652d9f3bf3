"""Events page (the main page): one event, one column per outlet, evidence highlighted."""

from __future__ import annotations

import hashlib
import html
import math

import pandas as pd
import streamlit as st

from framing.app import charts, state
from framing.app.highlight import Span, colour_map, highlight_html, legend_html, md

PAGE_SIZE = 20
MAX_COLUMNS = 4
MAX_OUTLETS_SHOWN = 8


def _esc(value) -> str:
    return html.escape("" if value is None or (isinstance(value, float) and math.isnan(value)) else str(value))


def _date(value) -> str:
    if value is None or pd.isna(value):
        return "no date"
    return pd.Timestamp(value).strftime("%d %b %Y")


def _filtered_events(analysis) -> pd.DataFrame:
    events = state.event_list(analysis)
    multi = events["n_outlets"] >= 2
    n_multi = int(multi.sum())
    c1, c2 = st.columns([3, 2])
    with c1:
        query = st.text_input("Search events (headline, label or outlet)", key="event_search",
                              placeholder="e.g. Balochistan, ISKP, Arab News")
    with c2:
        singles = st.toggle(
            "Include single-outlet stories", key="event_singles", value=n_multi == 0,
            help="Articles no other outlet covered are events of their own; switch this on to reach them.")
    shown = events if singles else events[multi]
    if query.strip():
        q = query.strip().lower()
        hay = (shown["event_label"].astype(str) + " " + shown["titles"] + " " + shown["outlets"]).str.lower()
        shown = shown[hay.str.contains(q, regex=False)]
    st.caption(f"{len(events):,} events in all · {n_multi:,} covered by two or more outlets · "
               f"{len(shown):,} shown")
    return shown.reset_index(drop=True)


def _event_label(row) -> str:
    label = str(row.get("event_label") or "").strip()
    head = str(row.get("headline") or "").strip()
    text = head if not label else f"{label} — {head}"
    return f"{text[:110]} · {int(row.get('event_size', 0))} art. · {row.get('outlets', '')}"[:200]


def _choose_event(shown: pd.DataFrame):
    n_pages = max(1, math.ceil(len(shown) / PAGE_SIZE))
    if st.session_state.get("event_page", 1) > n_pages:
        st.session_state["event_page"] = 1
    page = st.number_input(f"Page (of {n_pages})", min_value=1, max_value=n_pages, step=1, key="event_page")
    rows = shown.iloc[(page - 1) * PAGE_SIZE: page * PAGE_SIZE]
    table = rows[[c for c in ("event_label", "headline", "outlets", "event_size", "event_start", "event_end")
                  if c in rows.columns]]
    with st.expander(f"Events on this page ({len(rows)})", expanded=False):
        st.dataframe(table, hide_index=True, key="event_table",
                     column_config={"event_start": st.column_config.DateColumn("from"),
                                    "event_end": st.column_config.DateColumn("to"),
                                    "event_size": st.column_config.NumberColumn("articles")})
    ids = rows["event_id"].tolist()
    labels = {eid: _event_label(r) for eid, r in zip(ids, rows.to_dict("records"))}
    current = st.session_state.get("event_id")
    if current not in labels:
        st.session_state.pop("event_id", None)
    return st.selectbox("Event", ids, format_func=labels.__getitem__, key="event_id")


def _article_column(row: dict, analysis, evidence: pd.DataFrame, colours: dict, labels: dict, shown: list) -> None:
    cb = analysis.codebook
    url = str(row.get("url") or "")
    st.markdown(f'<div class="article-headline" style="font-weight:700;font-size:1.05rem;line-height:1.3;">'
                f'{_esc(row.get("title")) or "(no headline)"}</div>'
                f'<div style="color:#666;font-size:0.85rem;">{_esc(_date(row.get("published")))}'
                + (f' · <a href="{_esc(url)}" target="_blank" rel="noopener noreferrer">source</a>'
                   if url.startswith(("http://", "https://")) else "")
                + "</div>", unsafe_allow_html=True)
    if row.get("off_topic"):
        st.caption("Flagged off-topic for this codebook (low relevance).")
    st.vega_lite_chart(charts.frame_bars(row, cb, colours), key=f"bars_{row['article_id']}")
    axis_chart = charts.axis_positions(row, cb)
    if axis_chart is not None:
        st.vega_lite_chart(axis_chart, key=f"axis_{row['article_id']}")
        parts = []
        for axis in cb.axes:
            v = row.get(f"axis:{axis.id}")
            if v is not None and pd.notna(v):
                parts.append(f"{axis.label}: {v:+.2f} [{row.get(f'axis:{axis.id}:lo', v):+.2f}, "
                             f"{row.get(f'axis:{axis.id}:hi', v):+.2f}]")
        st.caption(" · ".join(parts) + "  (positive = pole A, left)")
    article = analysis.corpus[row["article_id"]]
    ev = evidence[(evidence["article_id"] == row["article_id"]) & evidence["target"].isin(shown)]
    spans = [Span(int(s), int(e), t, strong=(k == "term"), value=float(v) if pd.notna(v) else 0.0)
             for s, e, t, k, v in zip(ev["start"], ev["end"], ev["target"], ev["kind"], ev["value"])]
    body = highlight_html(article.text, spans, {k: colours[k] for k in shown}, labels=labels)
    with st.container(height=520, key=f"text_{row['article_id']}"):
        st.markdown(f'<div class="article-text" style="font-size:0.9rem;line-height:1.5;">{body}</div>',
                    unsafe_allow_html=True)


def _outlet_column(outlet: str, rows: pd.DataFrame, key: str, *args) -> None:
    st.markdown(f'<div class="outlet-name" style="font-size:1.25rem;font-weight:800;border-bottom:3px solid #444;'
                f'margin-bottom:0.3rem;">{_esc(outlet)}</div>', unsafe_allow_html=True)
    records = rows.to_dict("records")
    if len(records) > 1:
        idx = st.selectbox(f"{len(records)} articles from this outlet", range(len(records)),
                           format_func=lambda i: f"{_date(records[i].get('published'))} · {records[i]['title'][:80]}",
                           key=f"pick_{key}_{outlet}")
    else:
        idx = 0
    _article_column(records[idx], *args)


def _show_event(analysis, event_id) -> None:
    scores = analysis.scores
    rows = scores[scores["event_id"] == event_id]
    if rows.empty:
        st.info("No articles in this event.")
        return
    info = state.event_list(analysis)
    info = info[info["event_id"] == event_id]
    label = str(info["event_label"].iloc[0]) if len(info) and "event_label" in info else ""
    st.markdown(f"### {md(label) if label.strip() else 'Event'}")
    _side_by_side(analysis, rows)


def _article_label(row: dict) -> str:
    return f"{row['outlet']} · {_date(row.get('published'))} · {str(row.get('title') or '')[:90]}"


def _pick_articles(analysis) -> None:
    scores = analysis.scores
    records = {r["article_id"]: r for r in scores[["article_id", "outlet", "published", "title"]].to_dict("records")}
    default = scores.drop_duplicates("outlet")["article_id"].head(MAX_COLUMNS).tolist()
    st.caption("Compare any articles side by side, whatever event they were grouped into.")
    chosen = st.multiselect("Articles", list(records), default=default, key="picked_articles",
                            format_func=lambda a: _article_label(records[a]), max_selections=12)
    if not chosen:
        st.info("Pick one or more articles.")
        return
    _side_by_side(analysis, scores[scores["article_id"].isin(chosen)])


def _side_by_side(analysis, rows: pd.DataFrame) -> None:
    cb = analysis.codebook
    colours = colour_map(cb.frame_ids)
    labels = {f.id: f.label for f in cb.frames}
    outlets = sorted(rows["outlet"].astype(str).unique())
    st.caption(f"{len(rows)} article(s) from {len(outlets)} outlet(s) · "
               f"{_date(rows['published'].min())} – {_date(rows['published'].max())}")
    key = hashlib.sha1("\x1f".join(sorted(rows["article_id"].astype(str))).encode()).hexdigest()[:12]
    if len(outlets) > MAX_OUTLETS_SHOWN:
        # many outlets: the ones with most articles in this event first; the rest one click away
        by_size = rows["outlet"].astype(str).value_counts().sort_index().sort_values(ascending=False, kind="stable")
        outlets = sorted(st.multiselect(
            f"Outlets shown ({len(outlets)} covered this event)", sorted(outlets),
            default=sorted(by_size.index[:MAX_OUTLETS_SHOWN]), key=f"outlets_{key}"))
        if not outlets:
            st.info("Pick one or more outlets.")
            return
    shown = st.multiselect("Highlight evidence for", cb.frame_ids, default=cb.frame_ids,
                           format_func=labels.__getitem__, key="highlight_frames")
    st.markdown(legend_html({k: colours[k] for k in shown}, labels)
                + '<div style="color:#666;font-size:0.8rem;">Shaded: evidence sentences · '
                  'bold underlined: lexicon terms · hover a highlight to see its frames</div>',
                unsafe_allow_html=True)
    evidence = analysis.evidence
    evidence = evidence[evidence["article_id"].isin(rows["article_id"])]
    evidence = evidence[evidence["pole"].fillna("") == ""] if "pole" in evidence.columns else evidence
    for start in range(0, len(outlets), MAX_COLUMNS):
        chunk = outlets[start:start + MAX_COLUMNS]
        columns = st.columns(len(chunk) if len(outlets) <= MAX_COLUMNS else MAX_COLUMNS, border=True)
        for column, outlet in zip(columns, chunk):
            with column:
                _outlet_column(outlet, rows[rows["outlet"].astype(str) == outlet], key,
                               analysis, evidence, colours, labels, shown)


def render() -> None:
    st.title("Events")
    if state.results_folder() is not None:
        from framing.app.views import results

        db = state.results_db_or_error()
        if db is not None:
            results.render_events(db)
        return
    analysis = state.analysis_or_prompt()
    if analysis is None:
        return
    if analysis.scores.empty:
        st.info("The analysis has no articles.")
        return
    events = state.event_list(analysis)
    n_multi = int((events["n_outlets"] >= 2).sum())
    modes = ["Events", "Pick articles"]
    if n_multi == 0:
        st.info("No event in this corpus was covered by two or more outlets. Browse single-outlet stories, "
                "or pick articles to compare side by side.")
    mode = st.segmented_control("Browse", modes, default=modes[0] if n_multi else modes[1], key="events_mode")
    if mode == "Pick articles":
        _pick_articles(analysis)
        return
    shown = _filtered_events(analysis)
    if shown.empty:
        st.info("No event matches. Clear the search, or include single-outlet stories.")
        return
    event_id = _choose_event(shown)
    if event_id is not None:
        _show_event(analysis, event_id)
