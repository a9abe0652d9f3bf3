"""Charts of the outlet comparison tables: heatmap, forest plot, intervals, matched differences, strips, prevalence, terms, coverage."""

from __future__ import annotations

from typing import Mapping
import altair as alt
import pandas as pd
from framing.codebook import Codebook

from framing.plots._base import DISTINCT_COLOURS, MAX_LINES, WIDTH, _axis_title, _fit, _frame_labels, _frames_only, _means_frames, _no_data, _overall, _pole_ends, _prevalence_frames


# ---------------------------------------------------------------------- table charts
def outlet_heatmap(means: pd.DataFrame, codebook: Codebook) -> alt.LayerChart:
    """Outlet × frame heatmap of mean frame scores, each cell labelled ``mean [lo, hi]``.

    Parameters
    ----------
    means : DataFrame
        The comparison's ``means`` table (``event_id, outlet, measure, mean, ci_low,
        ci_high, n``; the corpus-wide frame rows are drawn), or :func:`means_long`'s
        ``outlet, frame, mean, lo, hi`` rows.
    codebook : Codebook

    Returns
    -------
    alt.LayerChart
        Rect and text layers, ``x`` the frame label, ``y`` the outlet, colour the mean.
    """
    labels = _frame_labels(codebook, wrap=True)
    data = _means_frames(means, codebook).copy()
    data["frame_label"] = data["frame"].map(labels).fillna(data["frame"])
    data["cell"] = [
        f"{m:.2f} [{lo:.2f}, {hi:.2f}]" if pd.notna(lo) else f"{m:.2f}"
        for m, lo, hi in zip(data["mean"], data.get("lo", data["mean"]), data.get("hi", data["mean"]))
    ]
    order = [labels.get(f, f) for f in codebook.frame_ids]
    base = alt.Chart(data).encode(
        x=alt.X("frame_label:N", sort=order, title=None,
                axis=alt.Axis(labelAngle=0, labelOverlap=False, labelExpr="split(datum.label, '|')",
                              orient="bottom", labelLimit=400)),
        y=alt.Y("outlet:N", title=None, axis=alt.Axis(labelLimit=220)),
    )
    rect = base.mark_rect().encode(
        color=alt.Color("mean:Q", scale=alt.Scale(scheme="blues", domain=[0, 1]), title="mean score",
                        legend=alt.Legend(gradientLength=max(60, 36 * data["outlet"].nunique() - 30))),
        tooltip=["outlet:N", "frame:N", alt.Tooltip("mean:Q", format=".3f"), alt.Tooltip("lo:Q", format=".3f"),
                 alt.Tooltip("hi:Q", format=".3f")],
    )
    text = base.mark_text(fontSize=11).encode(
        text="cell:N",
        color=alt.condition(alt.datum.mean > 0.55, alt.value("white"), alt.value("black")),
    )
    return _fit(alt.layer(rect, text).properties(height=36 * max(1, data["outlet"].nunique())))


def interval_chart(means: pd.DataFrame, codebook: Codebook) -> alt.LayerChart:
    """Mean frame score of every outlet with its 95% bootstrap interval.

    Parameters
    ----------
    means : DataFrame
        The comparison's ``means`` table, or :func:`means_long`'s rows.
    codebook : Codebook

    Returns
    -------
    alt.LayerChart
        A rule (``lo``..``hi``) and a point (``mean``) per (frame, outlet); ``y`` the
        frame label, offset and coloured by outlet.
    """
    data = _means_frames(means, codebook)
    data = data.assign(frame_label=data["frame"].map(_frame_labels(codebook)).fillna(data["frame"]))
    order = [f.label for f in codebook.frames]
    base = alt.Chart(data).encode(
        y=alt.Y("frame_label:N", sort=order, title=None, axis=alt.Axis(labelLimit=220)),
        yOffset="outlet:N", color=alt.Color("outlet:N", title="outlet", scale=alt.Scale(scheme="tableau10")))
    rules = base.mark_rule(strokeWidth=2).encode(
        x=alt.X("lo:Q", title="mean frame score (95% bootstrap interval)", scale=alt.Scale(domain=[0, 1])),
        x2="hi:Q")
    points = base.mark_point(filled=True, size=60).encode(
        x="mean:Q", tooltip=["outlet:N", "frame_label:N", alt.Tooltip("mean:Q", format=".3f"),
                             alt.Tooltip("lo:Q", format=".3f"), alt.Tooltip("hi:Q", format=".3f"), "n:Q"])
    height = 18 * max(1, len(order)) * max(1, data["outlet"].nunique())
    return _fit(alt.layer(rules, points).properties(height=min(900, max(160, height))))


def _on_topic_labels(coverage: pd.DataFrame | None, group: str = "outlet") -> dict[str, str]:
    """outlet -> ``"Fox News · 59 of 67 on-topic"`` from a comparison's ``coverage`` table."""
    if coverage is None or coverage.empty or "off_topic_excluded" not in coverage.columns:
        return {}
    out = {}
    for row in coverage.itertuples(index=False):
        name = str(getattr(row, group))
        kept, dropped = int(row.articles), int(row.off_topic_excluded)
        out[name] = f"{name} · {kept} of {kept + dropped} on-topic" if dropped else f"{name} · {kept} articles"
    return out


def forest_chart(means: pd.DataFrame, codebook: Codebook, frames=None, coverage: pd.DataFrame | None = None,
                 columns: int = 3) -> alt.FacetChart | alt.Chart:
    """Forest plot: each outlet's mean frame score with its 95% interval, one small panel per frame.

    An interval from a single article is no interval: such a mean is drawn hollow and marked
    ``n = 1``. With ``coverage``, each outlet's label says how many of its articles are in the
    means (``"Fox News · 59 of 67 on-topic"``; off-topic articles are left out of them).

    Parameters
    ----------
    means : DataFrame
        The comparison's ``means`` table, or :func:`means_long`'s rows.
    codebook : Codebook
    frames : list of str, optional
        Frame ids, one panel each, in this order (default: all, by :func:`spread_order`).
    coverage : DataFrame, optional
        The comparison's ``coverage`` table.
    columns : int, default 3
        Panels per row.

    Returns
    -------
    alt.FacetChart
        Per panel: a rule ``lo``..``hi`` and a point at ``mean`` per outlet (``y``), ``x`` in
        [0, 1]; text ``n = 1`` beside single-article means.
    """
    data = _means_frames(means, codebook)
    if data.empty:
        return _no_data("No frame means to show.")
    frames = spread_order(data, codebook) if frames is None else [f for f in frames if f in codebook.frame_ids]
    labels = _frame_labels(codebook)
    data = data[data["frame"].isin(frames)].copy()
    names = _on_topic_labels(coverage)
    data["outlet_label"] = data["outlet"].astype(str).map(names).fillna(data["outlet"].astype(str))
    data["frame_label"] = data["frame"].map(labels)
    data["single"] = data["n"].fillna(0).astype(int) <= 1
    data["note"] = ["n = 1" if one else "" for one in data["single"]]
    data["interval"] = [f"{m:.2f} [{lo:.2f}, {hi:.2f}]" + (" (n = 1: no interval)" if one else "")
                        for m, lo, hi, one in zip(data["mean"], data["lo"], data["hi"], data["single"])]
    outlets = sorted(data["outlet_label"].unique())
    colour = alt.Color("outlet_label:N", legend=None, sort=outlets,
                       scale=alt.Scale(domain=outlets, range=(DISTINCT_COLOURS * 4)[:len(outlets)]))
    y = alt.Y("outlet_label:N", title=None, sort=outlets, axis=alt.Axis(labelLimit=260))
    x = alt.X("mean:Q", title="mean frame score (95% interval)", scale=alt.Scale(domain=[0, 1]),
              axis=alt.Axis(values=[0, 0.25, 0.5, 0.75, 1], format=".2"))
    tooltip = [alt.Tooltip("outlet:N"), alt.Tooltip("frame_label:N", title="frame"),
               alt.Tooltip("interval:N", title="mean [95% interval]"), alt.Tooltip("n:Q", title="articles")]
    base = alt.Chart(data)
    rules = base.mark_rule(strokeWidth=2.5).encode(
        x=alt.X("lo:Q", scale=alt.Scale(domain=[0, 1]), title="mean frame score (95% interval)"), x2="hi:Q",
        y=y, color=colour, tooltip=tooltip)
    points = base.mark_point(size=80, strokeWidth=2).encode(
        x=x, y=y, color=colour, tooltip=tooltip,
        fill=alt.condition(alt.datum.single, alt.value("white"), colour))
    notes = base.mark_text(align="left", dx=8, fontSize=11, color="#b00020").encode(x=x, y=y, text="note:N")
    panel = alt.layer(rules, points, notes).properties(width=max(120, 480 // columns),
                                                       height=24 * max(1, len(outlets)))
    order = [labels[f] for f in frames]
    return panel.facet(facet=alt.Facet("frame_label:N", sort=order, title=None,
                                       header=alt.Header(labelFontSize=13, labelFontWeight="bold",
                                                         labelLimit=300)),
                       columns=columns, spacing=14)


def matched_chart(matched: pd.DataFrame, codebook: Codebook, measure: str) -> alt.Chart:
    """Unmatched and event-matched differences of every pair on one measure.

    Parameters
    ----------
    matched : DataFrame
        The comparison's ``matched_differences`` table (``outlet_a, outlet_b, measure,
        n_events, difference, ci_low, ci_high, unmatched_difference, …``; or ``group_a`` /
        ``group_b``).
    codebook : Codebook
    measure : str
        ``frame:<id>`` or ``axis:<id>``.

    Returns
    -------
    alt.LayerChart
        Per pair (``y``): a grey diamond at the unmatched difference (all articles), a dot
        with its bootstrap interval at the matched difference (shared events only), a dashed
        rule at 0.
    """
    a, b = ("outlet_a", "outlet_b") if "outlet_a" in matched.columns else ("group_a", "group_b")
    data = matched[matched["measure"] == measure].copy()
    if data.empty:
        return _no_data("No pair of outlets shares an event.")
    data["pair"] = data[a].astype(str) + " − " + data[b].astype(str) + "  (" + data["n_events"].astype(str) + \
        " shared events)"
    long = pd.concat([
        data.assign(kind="matched: same events", value=data["difference"]),
        data.assign(kind="unmatched: all articles", value=data["unmatched_difference"], ci_low=None, ci_high=None),
    ], ignore_index=True)[["pair", "kind", "value", "ci_low", "ci_high", "n_events", "p_value", "q_value"]]
    kinds = ["matched: same events", "unmatched: all articles"]
    colour = alt.Color("kind:N", title=None, scale=alt.Scale(domain=kinds, range=["#0072B2", "#999999"]),
                       legend=alt.Legend(orient="top"))
    y = alt.Y("pair:N", title=None, axis=alt.Axis(labelLimit=360))
    title = f"difference in {_measure_label(codebook, measure)} (first − second)"
    rules = alt.Chart(long[long["kind"] == kinds[0]]).mark_rule(strokeWidth=2.5, color="#0072B2").encode(
        x=alt.X("ci_low:Q", title=title), x2="ci_high:Q", y=y)
    points = alt.Chart(long).mark_point(size=90, filled=True).encode(
        x=alt.X("value:Q", title=title), y=y, color=colour,
        shape=alt.Shape("kind:N", scale=alt.Scale(domain=kinds, range=["circle", "diamond"]), legend=None),
        tooltip=["pair:N", "kind:N", alt.Tooltip("value:Q", format="+.3f"), alt.Tooltip("ci_low:Q", format="+.3f"),
                 alt.Tooltip("ci_high:Q", format="+.3f"), alt.Tooltip("q_value:Q", format=".3f")])
    zero = alt.Chart(pd.DataFrame({"value": [0.0]})).mark_rule(color="#999", strokeDash=[3, 3]).encode(x="value:Q")
    return _fit(alt.layer(zero, rules, points).properties(height=44 * max(1, data["pair"].nunique())))


def _measure_label(codebook: Codebook, measure: str) -> str:
    kind, _, ident = str(measure).partition(":")
    if kind == "frame" and ident in codebook.frame_ids:
        return codebook.frame(ident).label
    if kind == "axis" and ident in codebook.axis_ids:
        return codebook.axis(ident).label
    return str(measure)


def strip_chart(scores: pd.DataFrame, codebook: Codebook, axis_id: str) -> alt.LayerChart:
    """Each article a dot at its axis position, one row per outlet, pole B left, pole A right,
    both pole names written above the ends.

    Parameters
    ----------
    scores : DataFrame
        ``results.scores`` or ``results.axis_sample(axis_id, ...)``: columns
        ``article_id, outlet, title, axis:<axis_id>``.
    codebook : Codebook
    axis_id : str

    Returns
    -------
    alt.LayerChart
        A dashed rule at 0, a tick at each outlet's mean, a circle per article and the
        pole names at the two ends.
    """
    col = f"axis:{axis_id}"
    data = scores[["article_id", "outlet", "title", col]].rename(columns={col: "position"}).dropna(subset=["position"])
    data = data.assign(title=data["title"].astype(str).str.slice(0, 120))
    scale = alt.Scale(domain=[-1, 1])
    dots = alt.Chart(data).mark_circle(size=60, opacity=0.7, stroke="white", strokeWidth=0.5).encode(
        x=alt.X("position:Q", scale=scale, title=_axis_title(codebook, axis_id)),
        y=alt.Y("outlet:N", title=None, axis=alt.Axis(labelLimit=220)),
        yOffset=alt.YOffset("jitter:Q", scale=alt.Scale(domain=[0, 1])),
        color=alt.Color("outlet:N", legend=None, scale=alt.Scale(scheme="tableau10")),
        tooltip=["outlet:N", "title:N", alt.Tooltip("position:Q", format=".2f")],
    ).transform_calculate(jitter="0.2 + 0.6 * random()")
    means = alt.Chart(data).mark_tick(color="#333", thickness=2, size=30, opacity=0.8).encode(
        x=alt.X("mean(position):Q", scale=scale), y="outlet:N")
    zero = alt.Chart(pd.DataFrame({"position": [0.0]})).mark_rule(color="#999", strokeDash=[3, 3]).encode(
        x=alt.X("position:Q", scale=scale))
    return _fit(alt.layer(zero, means, dots, _pole_ends(codebook, axis_id, scale)).properties(
        height=40 * max(1, data["outlet"].nunique())))


def spread_order(means: pd.DataFrame, codebook: Codebook) -> list[str]:
    """Frame ids, the frames whose outlet means differ most (max - min) first.

    Parameters
    ----------
    means : DataFrame
        A comparison's ``means`` table or :func:`means_long`'s rows.
    codebook : Codebook

    Returns
    -------
    list of str
    """
    data = _means_frames(means, codebook)
    if data.empty:
        return list(codebook.frame_ids)
    spread = data.groupby("frame")["mean"].agg(lambda s: s.max() - s.min())
    order = {f: i for i, f in enumerate(codebook.frame_ids)}
    return sorted(codebook.frame_ids, key=lambda f: (-float(spread.get(f, -1.0)), order[f]))


def prevalence_lines(prevalence: pd.DataFrame, codebook: Codebook,
                     colours: Mapping[str, str] | None = None, frames=None) -> alt.Chart | alt.FacetChart:
    """Frame prevalence over time: one line per frame (at most :data:`MAX_LINES`), one panel
    per outlet when there are outlets; the date axis shows months and years.

    Parameters
    ----------
    prevalence : DataFrame
        The comparison's ``prevalence`` table (``outlet, period, measure, mean, …``), or
        :func:`prevalence_long`'s ``period, frame, value[, outlet]`` rows.
    codebook : Codebook
    colours : mapping of frame id to ``#rrggbb``, optional
        Default: :data:`DISTINCT_COLOURS` in the order of the frames drawn.
    frames : list of str, optional
        Frame ids to draw (at most :data:`MAX_LINES`). Default: the codebook's first
        :data:`MAX_LINES` frames.

    Returns
    -------
    alt.Chart or alt.FacetChart
        Lines (``x`` the period, ``y`` the mean frame score, colour the frame), faceted
        by outlet (rows) when there are several.

    Raises
    ------
    ValueError
        For more than :data:`MAX_LINES` frames or an unknown frame id.
    """
    frames = list(codebook.frame_ids[:MAX_LINES] if frames is None else frames)
    unknown = [f for f in frames if f not in codebook.frame_ids]
    if unknown:
        raise ValueError(f"unknown frame id(s) {unknown}; the codebook has {codebook.frame_ids}")
    if len(frames) > MAX_LINES:
        raise ValueError(f"at most {MAX_LINES} frames per time chart (lines stay apart), got {len(frames)}")
    if colours is None:
        colours = {f: DISTINCT_COLOURS[i] for i, f in enumerate(frames)}
    data = _prevalence_frames(prevalence, codebook)
    data = data[data["frame"].isin(frames)]
    labels = _frame_labels(codebook)
    data = data.assign(frame_label=data["frame"].map(labels).fillna(data["frame"]))
    scale = alt.Scale(domain=[labels[f] for f in frames], range=[colours[f] for f in frames])
    span = (data["period"].max() - data["period"].min()).days if len(data) else 0
    date_axis = alt.Axis(format="%b %Y" if span > 62 else "%d %b %Y", labelAngle=0, labelOverlap=True,
                         tickCount={"interval": "month", "step": max(1, span // 300)} if span > 62 else alt.Undefined)
    chart = alt.Chart(data).mark_line(point=bool(data["period"].nunique() <= 40), strokeWidth=2).encode(
        x=alt.X("period:T", title=None, axis=date_axis),
        y=alt.Y("value:Q", title="mean frame score"),
        color=alt.Color("frame_label:N", scale=scale, title="frame",
                        legend=alt.Legend(orient="right", labelLimit=260, symbolStrokeWidth=3)),
        tooltip=["frame_label:N", alt.Tooltip("period:T", format="%d %b %Y"), alt.Tooltip("value:Q", format=".3f")]
        + (["outlet:N"] if "outlet" in data.columns else []),
    ).properties(height=180 if len(frames) > 4 else 160)
    if "outlet" in data.columns and data["outlet"].nunique() > 1:
        return chart.facet(row=alt.Row("outlet:N", title=None))
    return _fit(chart)


def term_bars(terms: pd.DataFrame, top: int = 8) -> alt.FacetChart:
    """The words each outlet uses more than the others, one panel per outlet.

    Parameters
    ----------
    terms : DataFrame
        The comparison's ``distinctive_terms`` table (``event_id, outlet, term, count,
        count_other, log_odds, z, rank``); the corpus-wide rows are drawn.
    top : int, default 8
        Terms per outlet.

    Returns
    -------
    alt.FacetChart
        Bars (``x`` the log-odds z-score, ``y`` the term), one row per outlet.
    """
    data = _overall(terms)
    data = data[data["rank"] <= top] if "rank" in data.columns else data.groupby("outlet").head(top)
    data = data[["outlet", "term", "z", "log_odds", "count"]].reset_index(drop=True)
    return alt.Chart(data).mark_bar().encode(
        x=alt.X("z:Q", title="log-odds z-score vs. the other outlets"),
        y=alt.Y("term:N", sort="-x", title=None),
        color=alt.Color("outlet:N", legend=None, scale=alt.Scale(scheme="tableau10")),
        tooltip=["outlet:N", "term:N", alt.Tooltip("z:Q", format=".2f"), alt.Tooltip("log_odds:Q", format=".2f"),
                 "count:Q"],
    ).properties(width=WIDTH - 160, height=18 * top).facet(
        row=alt.Row("outlet:N", title=None, header=alt.Header(labelAngle=0, labelAlign="left"))
    ).resolve_scale(y="independent")


def difference_chart(differences: pd.DataFrame, codebook: Codebook, alpha: float = 0.05) -> alt.Chart:
    """Difference in mean frame score of every outlet pair, filled where q < ``alpha``.

    Parameters
    ----------
    differences : DataFrame
        The comparison's ``differences`` table (``event_id, outlet_a, outlet_b, measure,
        mean_a, mean_b, difference, n_a, n_b, p_value, q_value``); the corpus-wide frame
        rows are drawn.
    codebook : Codebook
    alpha : float, default 0.05
        Benjamini–Hochberg q-value below which a difference is drawn filled.

    Returns
    -------
    alt.LayerChart
        A dashed rule at 0 and a point per (frame, pair): ``x`` the difference
        (``mean_a - mean_b``), ``y`` the frame label, offset and coloured by pair.
    """
    data = _frames_only(_overall(differences), codebook)
    data = data.assign(frame_label=data["frame"].map(_frame_labels(codebook)).fillna(data["frame"]),
                       pair=data["outlet_a"].astype(str) + " − " + data["outlet_b"].astype(str),
                       significant=data["q_value"] < alpha)
    data = data[["frame_label", "pair", "outlet_a", "outlet_b", "difference", "p_value", "q_value", "significant"]]
    order = [f.label for f in codebook.frames]
    points = alt.Chart(data).mark_point(size=70).encode(
        x=alt.X("difference:Q", title="difference in mean frame score (outlet a − outlet b)"),
        y=alt.Y("frame_label:N", sort=order, title=None, axis=alt.Axis(labelLimit=220)),
        yOffset="pair:N",
        color=alt.Color("pair:N", title="outlets", scale=alt.Scale(scheme="tableau10")),
        fill=alt.condition(alt.datum.significant, alt.Color("pair:N"), alt.value("white")),
        tooltip=["outlet_a:N", "outlet_b:N", "frame_label:N", alt.Tooltip("difference:Q", format=".3f"),
                 alt.Tooltip("p_value:Q", format=".3f"), alt.Tooltip("q_value:Q", format=".3f")],
    )
    zero = alt.Chart(pd.DataFrame({"difference": [0.0]})).mark_rule(color="#999", strokeDash=[3, 3]).encode(
        x="difference:Q")
    return _fit(alt.layer(zero, points).properties(height=max(160, 28 * len(order))))


def coverage_bars(coverage: pd.DataFrame) -> alt.Chart:
    """Articles per outlet, with the undated and off-topic articles in the tooltip.

    Parameters
    ----------
    coverage : DataFrame
        The comparison's ``coverage`` table (``outlet, articles, events, undated, first,
        last, off_topic_excluded``).

    Returns
    -------
    alt.Chart
        Bars, ``x`` the number of articles, ``y`` the outlet.
    """
    data = coverage.copy()
    for col in ("first", "last"):
        if col in data.columns:
            data[col] = pd.to_datetime(data[col], errors="coerce").dt.strftime("%Y-%m-%d")
    tooltip = ["outlet:N", "articles:Q"] + [f"{c}:{'N' if c in ('first', 'last') else 'Q'}"
                                            for c in ("events", "undated", "off_topic_excluded", "first", "last")
                                            if c in data.columns]
    return _fit(alt.Chart(data).mark_bar().encode(
        x=alt.X("articles:Q", title="articles"),
        y=alt.Y("outlet:N", sort="-x", title=None, axis=alt.Axis(labelLimit=220)),
        color=alt.Color("outlet:N", legend=None, scale=alt.Scale(scheme="tableau10")),
        tooltip=tooltip,
    ).properties(height=24 * max(1, len(data))))
