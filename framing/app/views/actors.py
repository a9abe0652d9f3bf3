"""Actors page: who each outlet casts as hero (protagonist), villain (antagonist) and victim (innocent).

Pick an actor: its role shares per outlet side by side with 95% bootstrap intervals, the tested
outlet differences, and the sentences that cast it, highlighted by role. Reads only the
:class:`~framing.results.Results` (``results.roles``, ``results.compare(target="roles")``).
"""

from __future__ import annotations

import html

import pandas as pd
import streamlit as st

from framing import plots
from framing.app import state
from framing.app.highlight import Span, code, highlight_html, legend_html, md

#: Role colours (Okabe & Ito): hero green, villain vermillion, victim blue, no clear role grey.
ROLE_COLOURS = {"protagonist": "#009E73", "antagonist": "#D55E00", "innocent": "#0072B2", "none": "#BAB0AC"}
FALLBACK = ("#CC79A7", "#E69F00", "#56B4E9", "#F0E442")
PER_ROLE = 3
#: Outlets shown in columns side by side (more are stacked).
COLUMNS_MAX = 4
ACTOR_KEY = "actors_actor"
LEVEL_KEY = "actors_roll_up"
OUTLETS_KEY = "actors_outlets"
#: Outlets in the chart at first (the user adds more).
OUTLETS_SHOWN = 6


def role_colours(role_ids) -> dict[str, str]:
    """Role id -> colour, main roles in codebook order then ``none``."""
    out, spare = {}, iter(FALLBACK)
    for rid in list(role_ids) + ["none"]:
        out[rid] = ROLE_COLOURS.get(rid) or next(spare, "#999999")
    return out


def role_labels(codebook) -> dict[str, str]:
    labels = {r.id: r.label for r in codebook.roles}
    labels["none"] = "no clear role"
    return labels


def render() -> None:
    st.title("Actors")
    results = state.results_or_prompt()
    if results is None:
        return
    book = results.codebook
    if not book.roles:
        st.info(f"The codebook {code(book.id)} has no roles section: choose one with roles "
                "(`entity-roles`, `south-asia-security`) to see who each outlet casts as hero, villain and victim.")
        return
    roll_up = st.toggle("Count parts of an actor as the actor (agencies and armies as their state)", value=True,
                        key=LEVEL_KEY, help="Uses the codebook's part_of links, e.g. ISI and Islamabad → Pakistan.")
    level = "part_of" if roll_up else "actor"
    with st.spinner("Finding actor mentions and scoring their roles (spaCy parse + sentence embeddings)…"):
        try:
            rows = results.roles
            tables = results.compare(by="outlet", target="roles", level=level)
        except ValueError as exc:
            st.error(md(str(exc)))
            return
    scored = rows[rows["role"].notna()]
    if scored.empty:
        st.info("No actor mentions were found in these articles.")
        return
    counts = scored.groupby(level).size().sort_values(ascending=False, kind="stable")
    actors = list(counts.index)
    if st.session_state.get(ACTOR_KEY) not in actors:
        st.session_state[ACTOR_KEY] = "Pakistan" if "Pakistan" in actors else actors[0]
    actor = st.selectbox("Actor", actors, key=ACTOR_KEY, format_func=lambda a: f"{a} ({counts[a]} mentions)")
    labels = role_labels(book)
    colours = role_colours(book.role_ids)
    shares = _pick_outlets(tables["role_shares"], actor)
    st.caption(f"{len(scored):,} scored mentions of {counts.size:,} actors in {results.n_articles:,} articles, "
               f"codebook {code(book.id)}.")

    st.subheader(f"How each outlet casts {md(actor)}")
    st.altair_chart(plots.role_share_bars(shares, actor, roles=list(colours), labels=labels), key="role_bars")
    st.markdown(_summary_html(shares, actor, labels, colours), unsafe_allow_html=True)
    st.caption("Bar: share of the actor's mentions in the outlet's articles cast in the role (a mention's most "
               "probable role); line: 95% bootstrap interval over mentions. Few mentions give wide intervals.")

    picked = set(shares["group"].astype(str))
    diffs = tables["role_differences"]
    diffs = diffs[(diffs["actor"] == actor) & diffs["group_a"].astype(str).isin(picked)
                  & diffs["group_b"].astype(str).isin(picked)]
    if not diffs.empty:
        with st.expander("Outlet differences (permutation tests)"):
            st.dataframe(diffs.drop(columns=["actor"]), hide_index=True, key="role_differences")
            st.caption("Difference in role share between two outlets; two-sided permutation p-value and "
                       "Benjamini–Hochberg q-value across all actors, roles and outlet pairs.")

    st.subheader(f"The sentences that cast {md(actor)}")
    st.markdown(legend_html(colours, labels), unsafe_allow_html=True)
    mine = scored[(scored[level] == actor) & scored["outlet"].astype(str).isin(picked)]
    _sentences(results, mine, colours, labels)


def _pick_outlets(shares: pd.DataFrame, actor: str) -> pd.DataFrame:
    """The actor's shares of the outlets the user picks (default: the ones that mention it most)."""
    mine = shares[shares["actor"] == actor]
    mentions = mine.groupby("group")["n"].max().sort_values(ascending=False, kind="stable")
    mentions.index = mentions.index.astype(str)
    options = [str(g) for g in mentions.index]
    if len(options) <= OUTLETS_SHOWN:
        return mine
    key = f"{OUTLETS_KEY}:{actor}"
    if key not in st.session_state or not set(st.session_state[key]) <= set(options):
        st.session_state[key] = options[:OUTLETS_SHOWN]
    chosen = st.multiselect(f"Outlets ({len(options)} mention {md(actor)}; those that mention it most first)", options,
                            key=key, format_func=lambda g: f"{g} ({int(mentions[g])})")
    if not chosen:
        st.info("Pick one or more outlets.")
    return mine[mine["group"].astype(str).isin(chosen)]


def _summary_html(shares: pd.DataFrame, actor: str, labels, colours) -> str:
    """One line per outlet: its mentions and the role it most often gives the actor."""
    data = shares[shares["actor"] == actor]
    items = []
    for outlet, sub in data.groupby("group", sort=True):
        top = sub.sort_values("share", ascending=False, kind="stable").iloc[0]
        n = int(sub["n"].max())
        items.append(
            f'<div class="role-summary"><b class="role-outlet">{html.escape(str(outlet))}</b>: {n} mention'
            f'{"s" if n != 1 else ""}, mostly <span style="color:{colours.get(top["role"], "#333")};'
            f'font-weight:600;">{html.escape(labels.get(top["role"], top["role"]))}</span> '
            f'({top["share"]:.0%} [{top["ci_low"]:.0%}, {top["ci_high"]:.0%}])</div>')
    return "".join(items)


def _local_span(text: str, sentence: str, start: int, end: int, mention: str) -> tuple[int, int]:
    """The mention's span inside its sentence (the article's offsets when the sentence is found)."""
    at = text.rfind(sentence, 0, start + 1) if text else -1
    if at >= 0 and at + len(sentence) >= end:
        return start - at, end - at
    at = sentence.find(mention)
    return (at, at + len(mention)) if at >= 0 else (0, 0)


def _sentences(results, rows: pd.DataFrame, colours, labels) -> None:
    rows = rows[rows["role"] != "none"].copy()
    if rows.empty:
        st.info("No mention of this actor has a clear role.")
        return
    rows["probability"] = [r[f"role:{r['role']}"] for _, r in rows.iterrows()]
    rows = rows.sort_values(["outlet", "role", "probability"], ascending=[True, True, False], kind="stable")
    # one entry per sentence and role (its most confident mention); every mention of the actor in it is marked
    spans = rows.groupby(["article_id", "sentence", "role"], sort=False)[["start", "end", "mention"]].agg(list)
    rows = rows.drop_duplicates(["article_id", "sentence", "role"])
    top = rows.groupby(["outlet", "role"], sort=False).head(PER_ROLE)
    ids = top["article_id"].astype(str).unique().tolist()
    texts = results.texts(ids)
    meta = results.score_rows(ids)
    titles = dict(zip(meta["article_id"].astype(str), meta["title"]))
    outlets = sorted(top["outlet"].astype(str).unique())
    columns = st.columns(len(outlets)) if len(outlets) <= COLUMNS_MAX else [st.container() for _ in outlets]
    order = {r: i for i, r in enumerate(colours)}
    for column, outlet in zip(columns, outlets):
        sub = top[top["outlet"].astype(str) == outlet]
        sub = sub.assign(_o=sub["role"].map(order)).sort_values(["_o", "probability"], ascending=[True, False])
        parts = [f'<div class="actor-outlet" style="font-weight:700;font-size:1.1em;">{html.escape(outlet)}</div>']
        for r in sub.itertuples():
            sentence = str(r.sentence)
            marks = [Span(0, len(sentence), r.role, value=float(r.probability))]
            group = spans.loc[(r.article_id, r.sentence, r.role)]
            for start, end, mention in zip(group["start"], group["end"], group["mention"]):
                s, e = _local_span(texts.get(str(r.article_id), ""), sentence, int(start), int(end), str(mention))
                marks.append(Span(s, e, r.role, strong=True, value=1.0))
            marked = highlight_html(sentence, marks, colours, labels=labels)
            fine = f" · {html.escape(str(r.fine_role))}" if isinstance(r.fine_role, str) and r.fine_role else ""
            title = html.escape(str(titles.get(str(r.article_id)) or r.article_id))
            parts.append(
                f'<div class="role-sentence" style="margin:0.5em 0 0.9em 0;">{marked}'
                f'<div style="font-size:0.8em;color:#666;">{html.escape(labels.get(r.role, r.role))}{fine} · '
                f'p = {r.probability:.2f} · {title}</div></div>')
        with column:
            st.markdown("".join(parts), unsafe_allow_html=True)
