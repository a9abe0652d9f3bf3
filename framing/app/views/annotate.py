"""Annotate page: code a sample of articles on the codebook's frames and axes.

Every click is saved at once (``on_change`` callbacks upsert into the store's
``annotations`` table), so closing or reloading the page loses nothing and a coder
resumes at the first article they have not coded yet.
"""

from __future__ import annotations

import logging

import streamlit as st

from framing.app.highlight import highlight_html, md
from framing.validate.labels import AnnotationStore, sample_articles

log = logging.getLogger(__name__)

SCALE = [-2, -1, 0, 1, 2]
K = "annotate"  # session-state key prefix


def render() -> None:
    """The page inside the app: current corpus, codebook and store from ``framing.app.state``."""
    from framing.app import state

    articles = state.current_articles()
    if articles is not None:
        render_page(articles, state.active_codebook(), state.annotations_store())


def _widget_key(coder, codebook_id, article_id, target) -> str:
    return f"{K}:{coder}:{codebook_id}:{article_id}:{target}"


def _save_frames(store, coder, codebook, article_id) -> None:
    """Write every frame of the article (checked = 1, unchecked = 0)."""
    values = {f.id: float(bool(st.session_state.get(_widget_key(coder, codebook.id, article_id, f.id), False)))
              for f in codebook.frames}
    AnnotationStore(store).save_many(coder, article_id, codebook.id, values)


def _save_axis(store, coder, codebook, article_id, axis_id) -> None:
    value = st.session_state.get(_widget_key(coder, codebook.id, article_id, axis_id))
    AnnotationStore(store).save(coder, article_id, codebook.id, axis_id, None if value is None else float(value))


def _no_frame(store, coder, codebook, article_id) -> None:
    for f in codebook.frames:
        st.session_state[_widget_key(coder, codebook.id, article_id, f.id)] = False
    _save_frames(store, coder, codebook, article_id)


def _move(delta: int, n: int) -> None:
    st.session_state[f"{K}:pos"] = min(max(0, st.session_state.get(f"{K}:pos", 0) + delta), n - 1)


def render_page(corpus, codebook, store, analysis=None) -> None:
    """Draw the page for explicit inputs (used by :func:`render` and tests).

    Parameters
    ----------
    corpus : framing.Corpus
    codebook : framing.Codebook
    store : framing.Store (answers are kept in its ``annotations`` table)
    analysis : framing.Analysis, optional (unused; kept for a uniform signature)
    """
    st.header("Annotate")
    st.caption("Code a sample of articles on the codebook's frames and axes. Every answer is saved as soon as you "
               "click; come back any time and you resume where you left off.")
    if len(corpus) == 0:
        st.info("The corpus is empty: add articles on the Corpus page first.")
        return
    frame = corpus.to_frame()
    c1, c2, c3, c4 = st.columns([2, 1, 1, 1])
    coder = c1.text_input("Coder name", key=f"{K}:coder", placeholder="e.g. your initials").strip()
    n = int(c2.number_input("Sample size", min_value=1, max_value=len(corpus), value=min(20, len(corpus)),
                            key=f"{K}:n"))
    by_outlet = c3.toggle("Stratify by outlet", value=True, key=f"{K}:strat")
    seed = int(c4.number_input("Seed", min_value=0, value=0, step=1, key=f"{K}:seed"))
    if not coder:
        st.info("Enter your coder name to start: answers are stored per coder.")
        return
    sample = sample_articles(frame, n, by="outlet" if by_outlet else None, random_state=seed)
    try:
        ann = AnnotationStore(store)
    except ValueError as exc:
        st.error(str(exc))
        return
    answers = ann.answers(codebook.id, coder=coder, article_ids=sample)
    coded = set(answers.loc[answers["target"].isin(codebook.frame_ids), "article_id"])
    done = sum(a in coded for a in sample)
    st.progress(done / len(sample), text=f"{done} of {len(sample)} articles coded by {md(coder)}")

    sig = (coder, codebook.id, tuple(sample))
    if st.session_state.get(f"{K}:sig") != sig:  # new coder / sample: resume at the first uncoded article
        st.session_state[f"{K}:sig"] = sig
        st.session_state[f"{K}:pos"] = next((i for i, a in enumerate(sample) if a not in coded), 0)
    pos = min(st.session_state.get(f"{K}:pos", 0), len(sample) - 1)
    article = corpus[sample[pos]]
    stored = {t: v for t, v in zip(answers.loc[answers["article_id"] == article.article_id, "target"],
                                   answers.loc[answers["article_id"] == article.article_id, "value"])}

    nav1, nav2, nav3 = st.columns([1, 4, 1])
    nav1.button("← Previous", on_click=_move, args=(-1, len(sample)), disabled=pos == 0, key=f"{K}:prev")
    nav2.markdown(f"**Article {pos + 1} of {len(sample)}** {'✅ coded' if article.article_id in coded else ''}")
    nav3.button("Next →", on_click=_move, args=(1, len(sample)), disabled=pos >= len(sample) - 1, key=f"{K}:next")

    left, right = st.columns([3, 2])
    with left:
        meta = " · ".join(md(x) for x in (article.outlet, str(article.published or ""), article.article_id) if x)
        st.subheader(md(article.title) if article.title else "(untitled)")
        st.caption(meta)
        with st.container(height=480):
            # the text escaped as HTML (no Markdown, no live links), as on the Events page
            st.markdown(f'<div class="article-text" dir="auto" style="font-size:0.95rem;line-height:1.55;">'
                        f'{highlight_html(article.text, [], {})}</div>', unsafe_allow_html=True)
    with right:
        st.markdown("**Frames present** (tick all that apply)")
        for f in codebook.frames:
            key = _widget_key(coder, codebook.id, article.article_id, f.id)
            st.checkbox(md(f.label), value=bool(stored.get(f.id, 0.0)), key=key, help=md(f.description) or None,
                        on_change=_save_frames, args=(store, coder, codebook, article.article_id))
        st.button("None of these frames", key=f"{K}:none:{article.article_id}", on_click=_no_frame,
                  args=(store, coder, codebook, article.article_id))
        for axis in codebook.axes:
            key = _widget_key(coder, codebook.id, article.article_id, axis.id)
            a_label = codebook.frame(axis.pole_a).label if axis.pole_a in codebook.frame_ids else axis.pole_a
            b_label = codebook.frame(axis.pole_b).label if axis.pole_b in codebook.frame_ids else axis.pole_b
            a_label, b_label = md(a_label), md(b_label)
            names = {-2: f"−2 {b_label}", -1: "−1", 0: "0 neutral", 1: "+1", 2: f"+2 {a_label}"}
            current = stored.get(axis.id)
            st.radio(md(axis.label), SCALE, index=SCALE.index(int(current)) if current in SCALE else None,
                     format_func=lambda v, names=names: names[v], horizontal=True, key=key,
                     help=f"Positive = {a_label}; negative = {b_label}.",
                     on_change=_save_axis, args=(store, coder, codebook, article.article_id, axis.id))
