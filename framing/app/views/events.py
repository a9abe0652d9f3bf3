"""Events page (the main page): one event, one column per outlet, evidence highlighted."""

from __future__ import annotations

import hashlib
import html
import math
import re

import pandas as pd
import streamlit as st

from framing import plots
from framing.app import state
from framing.app.highlight import Span, code, colour_map, highlight_html, legend_html, md
from framing.app.views.actors import role_colours, role_labels

PAGE_SIZE = 20
MAX_COLUMNS = 4
MAX_OUTLETS_SHOWN = 8
ARTICLE_SEARCH_LIMIT = 200


def _esc(value) -> str:
    return html.escape("" if value is None or (isinstance(value, float) and math.isnan(value)) else str(value))


def _date(value) -> str:
    if value is None or pd.isna(value):
        return "no date"
    return pd.Timestamp(value).strftime("%d %b %Y")


def _event_label(row) -> str:
    label = str(row.get("event_label") or "").strip()
    head = str(row.get("headline") or "").strip()
    text = head if not label else f"{label} — {head}"
    return f"{text[:110]} · {int(row.get('event_size') or 0)} art. · {row.get('outlets', '')}"[:200]


def _summary_caption(info: dict) -> None:
    where = f" · results folder {code(info['folder'])}" if info.get("folder") else ""
    st.caption(f"{info['articles']:,} articles from {info['outlets']} outlets · {info['events']:,} events, "
               f"{info['multi_outlet_events']:,} covered by two or more outlets{where}")


def _browse_events(results, info: dict) -> None:
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
    total, rows = results.events_page(query, singles=singles, page=page, page_size=PAGE_SIZE)
    n_pages = max(1, math.ceil(total / PAGE_SIZE))
    if page > n_pages:
        st.session_state["event_page"] = page = 1
        total, rows = results.events_page(query, singles=singles, page=1, page_size=PAGE_SIZE)
    st.caption(f"{info['events']:,} events in all · {info['multi_outlet_events']:,} covered by two or more "
               f"outlets · {total:,} shown")
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
    articles = results.event_articles(event_id)
    if articles.empty:
        st.info("No articles in this event.")
        return
    event_label = str(next((r.get("event_label") for r in records if r["event_id"] == event_id), "") or "")
    st.markdown(f"### {md(event_label) if event_label.strip() else 'Event'}")
    _side_by_side(results, articles)


def _article_label(row: dict) -> str:
    return f"{row['outlet']} · {_date(row.get('published'))} · {str(row.get('title') or '')[:90]}"


def _pick_articles(results) -> None:
    st.caption("Compare any articles side by side, whatever event they were grouped into. Search by headline "
               f"or outlet (first {ARTICLE_SEARCH_LIMIT} matches in input order).")
    query = st.text_input("Search articles", key="article_search", placeholder="e.g. Quetta, Dawn")
    found = results.search_articles(query, limit=ARTICLE_SEARCH_LIMIT)
    if "picked_articles" not in st.session_state:  # one article per outlet to start with
        first = found.drop_duplicates("outlet")["article_id"].head(MAX_COLUMNS).tolist()
        st.session_state["picked_articles"] = first
    chosen_before = list(st.session_state.get("picked_articles", []))
    before = results.score_rows(chosen_before)[["article_id", "outlet", "published", "title"]]
    options = pd.concat([before, found], ignore_index=True).drop_duplicates("article_id")
    records = {r["article_id"]: r for r in options.to_dict("records")}
    chosen = st.multiselect("Articles", list(records), key="picked_articles", max_selections=12,
                            format_func=lambda a: _article_label(records[a]))
    if not chosen:
        st.info("Pick one or more articles.")
        return
    _side_by_side(results, results.score_rows(chosen))


def _article_column(row: dict, cb, texts: dict, evidence: pd.DataFrame, colours: dict, labels: dict,
                    shown: list, mentions: pd.DataFrame | None = None) -> None:
    url = str(row.get("url") or "")
    lang = _lang_attr(row.get("language"))
    st.markdown(f'<div class="article-headline" dir="auto"{lang} style="font-weight:700;font-size:1.05rem;'
                f'line-height:1.3;">{_esc(row.get("title")) or "(no headline)"}</div>'
                f'<div style="color:#666;font-size:0.85rem;">{_esc(_date(row.get("published")))}'
                + (f' · <span class="article-language">{_esc(row.get("language"))}</span>' if lang else "")
                + (f' · <a href="{_esc(url)}" target="_blank" rel="noopener noreferrer">source</a>'
                   if url.startswith(("http://", "https://")) else "")
                + "</div>", unsafe_allow_html=True)
    if row.get("off_topic"):
        st.caption("Flagged off-topic for this codebook (low relevance).")
    st.vega_lite_chart(plots.frame_bars(row, cb, colours), key=f"bars_{row['article_id']}")
    axis_chart = plots.axis_positions(row, cb)
    if axis_chart is not None:
        st.vega_lite_chart(axis_chart, key=f"axis_{row['article_id']}")
        parts = []
        for axis in cb.axes:
            v = row.get(f"axis:{axis.id}")
            if v is not None and pd.notna(v):
                pole_a, pole_b = md(cb.frame(axis.pole_a).label), md(cb.frame(axis.pole_b).label)
                text = (f"{md(axis.label)}: {v:+.2f} [{row.get(f'axis:{axis.id}:lo', v):+.2f}, "
                        f"{row.get(f'axis:{axis.id}:hi', v):+.2f}] (− {pole_b} · + {pole_a})")
                leaning, p = row.get(f"axis:{axis.id}:leaning"), row.get(f"axis:{axis.id}:leaning_p")
                if leaning and p is not None and pd.notna(p):
                    name = "neutral" if leaning == "neutral" else md(cb.frame(leaning).label)
                    text += f" — leans {name} (p = {p:.2f}{', low confidence' if p < 0.7 else ''})"
                parts.append(text)
        st.caption(" · ".join(parts))
    text = texts.get(row["article_id"], "")
    ev = evidence[(evidence["article_id"] == row["article_id"]) & evidence["target"].isin(shown)]
    spans = [Span(int(s), int(e), t, strong=(k == "term"), value=float(v) if pd.notna(v) else 0.0)
             for s, e, t, k, v in zip(ev["start"], ev["end"], ev["target"], ev["kind"], ev["value"])]
    marks = {k: colours[k] for k in shown}
    if mentions is not None:  # actor mentions by role: bold, underlined, in the role's colour
        own = mentions[(mentions["article_id"].astype(str) == str(row["article_id"]))
                       & mentions["role"].notna() & (mentions["role"] != "none")]
        spans += [Span(int(s), int(e), f"role-{r}", strong=True, value=float("inf"))
                  for s, e, r in zip(own["start"], own["end"], own["role"])]
        marks = {**{f"role-{k}": v for k, v in role_colours(cb.role_ids).items()}, **marks}
    body = highlight_html(text, spans, marks, labels=labels)
    with st.container(height=520, key=f"text_{row['article_id']}"):
        st.markdown(f'<div class="article-text" dir="auto"{lang} style="font-size:0.9rem;line-height:1.5;">'
                    f'{body}</div>', unsafe_allow_html=True)


def _lang_attr(language) -> str:
    """` lang="ur"` for a plain language code (so the browser picks the script's fonts), else ''."""
    code = str(language or "").strip().lower()
    return f' lang="{code}"' if re.fullmatch(r"[a-z]{2,3}", code) and code != "und" else ""


def _outlet_column(outlet: str, rows: pd.DataFrame, key: str, *args) -> None:
    st.markdown(f'<div class="outlet-name" dir="auto" style="font-size:1.25rem;font-weight:800;border-bottom:3px solid #444;'
                f'margin-bottom:0.3rem;">{_esc(outlet)}</div>', unsafe_allow_html=True)
    records = rows.to_dict("records")
    if len(records) > 1:
        idx = st.selectbox(f"{len(records)} articles from this outlet", range(len(records)),
                           format_func=lambda i: f"{_date(records[i].get('published'))} · {str(records[i].get('title') or '')[:80]}",
                           key=f"pick_{key}_{outlet}")
    else:
        idx = 0
    _article_column(records[idx], *args)


def _side_by_side(results, rows: pd.DataFrame) -> None:
    """One column per outlet: frame bars, axis positions and the text with its evidence."""
    cb = results.codebook
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
    state.restore_widget("highlight_frames", cb.frame_ids, list(cb.frame_ids), slot=cb.id)  # kept per codebook
    shown = st.multiselect("Highlight evidence for", cb.frame_ids, format_func=labels.__getitem__,
                           key="highlight_frames")
    state.keep_widget("highlight_frames", slot=cb.id)
    st.markdown(legend_html({k: colours[k] for k in shown}, labels)
                + '<div style="color:#666;font-size:0.8rem;">Shaded: evidence sentences · '
                  'bold underlined: lexicon terms · hover a highlight to see its frames</div>',
                unsafe_allow_html=True)
    ids = rows["article_id"].astype(str).tolist()
    mentions = _role_marks(results, ids, labels)
    evidence, texts = results.evidence_for(ids), results.texts(ids)
    evidence = evidence[evidence["pole"].fillna("") == ""] if "pole" in evidence.columns else evidence
    for start in range(0, len(outlets), MAX_COLUMNS):
        chunk = outlets[start:start + MAX_COLUMNS]
        columns = st.columns(len(chunk) if len(outlets) <= MAX_COLUMNS else MAX_COLUMNS, border=True)
        for column, outlet in zip(columns, chunk):
            with column:
                _outlet_column(outlet, rows[rows["outlet"].astype(str) == outlet], key,
                               cb, texts, evidence, colours, labels, shown, mentions)


def _role_marks(results, ids: list, labels: dict) -> pd.DataFrame | None:
    """The toggle that marks actor mentions by role (codebooks with roles); the mentions of
    these articles when it is on (``labels`` gains the role labels)."""
    cb = results.codebook
    if not cb.roles:
        return None
    state.restore_widget("mark_roles", [True, False], False, slot=cb.id)
    on = st.toggle("Mark actors by role (hero, villain, victim)", key="mark_roles",
                   help="Each actor mention in bold, coloured by the role its sentence gives it "
                        "(see the Actors page for the shares per outlet).")
    state.keep_widget("mark_roles", slot=cb.id)
    if not on:
        return None
    names = role_labels(cb)
    colours = role_colours(cb.role_ids)
    labels.update({f"role-{k}": f"actor as {v}" for k, v in names.items()})
    with st.spinner("Finding actor mentions and scoring their roles…"):
        try:
            mentions = results.roles_for(ids)
        except ValueError as exc:
            st.error(md(str(exc)))
            return None
    shown = {f"role-{k}": colours[k] for k in cb.role_ids}
    st.markdown('<style>.article-text mark.evidence[class*="ev-role-"]{outline:2px solid #333;'
                'outline-offset:0;border-radius:3px;}</style>'
                '<div class="role-legend">' + legend_html(shown, labels)
                + '<div style="color:#666;font-size:0.8rem;">Boxed: actor mentions, coloured by the role their '
                  'sentence gives them · hover one to see its role</div></div>', unsafe_allow_html=True)
    return mentions


def render() -> None:
    st.title("Events")
    results = state.results_or_prompt()
    if results is None:
        return
    info = results.summary()
    if info["articles"] == 0:
        st.info("The analysis has no articles.")
        return
    _summary_caption(info)
    modes = ["Events", "Pick articles"]
    if info["events"] == 0:
        st.info("Articles are not grouped into events yet (they are grouped with the refined results). "
                "Pick articles to compare side by side meanwhile.")
    elif info["multi_outlet_events"] == 0:
        st.info("No event in this corpus was covered by two or more outlets. Browse single-outlet stories, "
                "or pick articles to compare side by side.")
    mode = st.segmented_control("Browse", modes, default=modes[0] if info["multi_outlet_events"] else modes[1],
                                key="events_mode")
    if mode == "Pick articles":
        _pick_articles(results)
    else:
        _browse_events(results, info)
