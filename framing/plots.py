"""Altair figures of results, for the app and for notebooks (also exported as PNG/SVG).

Two levels, the second a thin layer over the first:

* table functions take the tables a :class:`~framing.results.Results` gives —
  ``results.scores``, ``results.axis_sample(...)`` and the ``results.comparison(...)``
  tables (``means``, ``differences``, ``distinctive_terms``, ``prevalence``,
  ``coverage``) — and return an :class:`altair.Chart` (the app uses these);
* results functions (:func:`outlet_frames`, :func:`outlet_intervals`,
  :func:`axis_strip`, :func:`prevalence`, :func:`distinctive_terms`,
  :func:`differences`, :func:`coverage`, :func:`article_frames`) take a ``Results``
  and ask it for the table themselves (the notebooks use these).

Every label (outlet, frame, headline, term) goes into a chart as *data* — a field
value drawn as text by Vega — never into markup or an expression.

Axis conventions: every axis is drawn as a number line, pole B (negative values) on the
LEFT and pole A (positive values) on the RIGHT, with both pole names written at the ends,
so for ``siege_vs_proxy`` "state as proxy sponsor" is left and "state under siege" right,
on every page and in every exported figure.

Colours: charts that draw frames as lines or dots colour at most :data:`MAX_LINES` of them at
a time from :data:`DISTINCT_COLOURS` (a codebook of 15 frames gets a frame picker, not 15
hues nobody can tell apart).

In Jupyter, call :func:`use_offline_renderer` once: charts are then drawn locally
(vl-convert) as SVG, and need no internet, neither in Jupyter nor in the exported HTML.

Example
-------
>>> import framing
>>> from framing import plots
>>> plots.use_offline_renderer()                          # doctest: +SKIP
>>> results = framing.analyse(framing.load())             # doctest: +SKIP
>>> plots.outlet_frames(results)                          # doctest: +SKIP
"""

from __future__ import annotations

from typing import Mapping

import altair as alt
import pandas as pd

from framing.codebook import Codebook

__all__ = [
    "DISTINCT_COLOURS", "MAX_LINES", "article_frames", "article_heatmap", "axis_positions", "axis_strip",
    "coverage", "coverage_bars", "difference_chart", "differences", "distinctive_terms", "forest_chart",
    "frame_bars", "interval_chart", "matched_chart", "means_long", "outlet_forest", "outlet_frames",
    "outlet_heatmap", "outlet_intervals", "prevalence", "prevalence_lines", "prevalence_long", "strip_chart",
    "spread_order", "term_bars", "use_offline_renderer",
]

#: Formats :func:`use_offline_renderer` can draw charts in.
OFFLINE_FORMATS = ("svg", "png", "html")
#: Width (pixels) of the charts the results functions return.
WIDTH = 640
#: Most frames drawn as separate lines in one time chart.
MAX_LINES = 8
#: Eight colours that stay apart from each other (and on white), in order of use: the
#: Okabe & Ito (2008) colour-blind-safe set, its yellow darkened, black replaced by grey-blue.
DISTINCT_COLOURS = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#D55E00", "#56B4E9", "#8C6D00", "#555577"]


# ---------------------------------------------------------------------- display
def use_offline_renderer(format: str = "svg", *, scale_factor: float = 2.0) -> str:
    """Draw Altair charts without the internet (in Jupyter and in exported HTML).

    Altair's default renderer loads vega, vega-lite and vega-embed from a CDN, so
    without internet a notebook shows "Error loading script". This enables a renderer
    that needs none of that.

    Parameters
    ----------
    format : {"svg", "png", "html"}, default "svg"
        ``"svg"`` and ``"png"``: static images drawn locally by vl-convert (no
        tooltips; a few kB per chart). ``"html"``: the interactive chart with the
        vega JavaScript inlined into every output (tooltips; about 1 MB per chart).
    scale_factor : float, default 2.0
        Pixel density of ``"png"`` images.

    Returns
    -------
    str
        The name of the renderer now active.

    Raises
    ------
    ValueError
        For a format not in :data:`OFFLINE_FORMATS`.
    """
    if format not in OFFLINE_FORMATS:
        raise ValueError(f"format must be one of {OFFLINE_FORMATS}, got {format!r}")
    if format == "png":
        alt.renderers.enable("png", scale_factor=scale_factor)
    elif format == "html":
        alt.renderers.enable("html", template="inline")
    else:
        alt.renderers.enable("svg")
    return alt.renderers.active


# ---------------------------------------------------------------------- helpers
def _fit(chart):
    """Width fits the page column, height is the plot's own (Streamlit's default ``fit`` squeezes
    axis labels and titles into the given height)."""
    return chart.properties(autosize=alt.AutoSizeParams(type="fit-x", contains="padding"))


def _sized(chart, width: int = WIDTH):
    """A chart with a fixed width (outside a page column there is no width to fit)."""
    return chart if isinstance(chart, alt.FacetChart) else chart.properties(width=width)


def _wrap(label: str, width: int = 18) -> str:
    """A label broken into lines of about ``width`` characters, joined by '|' (split by Vega)."""
    lines, line = [], ""
    for word in str(label).split():
        if line and len(line) + 1 + len(word) > width:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}".strip()
    lines.append(line)
    return "|".join(lines)


def _colours(codebook: Codebook, colours: Mapping[str, str] | None) -> Mapping[str, str]:
    """The given frame colours, or the app's colour of each frame."""
    if colours is not None:
        return colours
    from framing.app.highlight import colour_map

    return colour_map(codebook.frame_ids)


def _frame_scale(codebook: Codebook, colours: Mapping[str, str]) -> alt.Scale:
    labels = [f.label for f in codebook.frames]
    return alt.Scale(domain=labels, range=[colours[f.id] for f in codebook.frames])


def _axis_title(codebook: Codebook, axis_id: str) -> str:
    axis = codebook.axis(axis_id)
    return f"← {codebook.frame(axis.pole_b).label}   ·   {codebook.frame(axis.pole_a).label} →"


def _pole_ends(codebook: Codebook, axis_id: str, scale: alt.Scale) -> alt.Chart:
    """The two pole names written above the ends of an axis: pole B left, pole A right."""
    axis = codebook.axis(axis_id)
    ends = pd.DataFrame({"position": [-1.0, 1.0], "pole": [f"← {codebook.frame(axis.pole_b).label}",
                                                            f"{codebook.frame(axis.pole_a).label} →"],
                         "align": ["left", "right"]})
    left = alt.Chart(ends.iloc[:1]).mark_text(align="left", baseline="bottom", dy=-6, fontSize=12,
                                               fontWeight="bold", color="#333")
    right = alt.Chart(ends.iloc[1:]).mark_text(align="right", baseline="bottom", dy=-6, fontSize=12,
                                                fontWeight="bold", color="#333")
    enc = {"x": alt.X("position:Q", scale=scale), "y": alt.value(0), "text": "pole:N"}
    return alt.layer(left.encode(**enc), right.encode(**enc))


def _overall(table: pd.DataFrame) -> pd.DataFrame:
    """Corpus-wide rows of a comparison table (scope ``event_id == "all"``)."""
    if "event_id" in table.columns:
        table = table[table["event_id"].astype(str) == "all"]
    return table


def _frames_only(table: pd.DataFrame, codebook: Codebook) -> pd.DataFrame:
    table = table[table["measure"].astype(str).str.startswith("frame:")]
    table = table.assign(frame=table["measure"].astype(str).str.slice(len("frame:")))
    return table[table["frame"].isin(codebook.frame_ids)]


def _means_frames(means: pd.DataFrame, codebook: Codebook) -> pd.DataFrame:
    """``outlet, frame, mean, lo, hi, n`` from a comparison ``means`` table (or already that)."""
    cols = ["outlet", "frame", "mean", "lo", "hi", "n"]
    if means is None or means.empty:
        return pd.DataFrame(columns=cols)
    if "measure" not in means.columns:
        return means
    data = _frames_only(_overall(means), codebook).rename(columns={"ci_low": "lo", "ci_high": "hi"})
    return data[cols].reset_index(drop=True)


def _prevalence_frames(prevalence: pd.DataFrame, codebook: Codebook) -> pd.DataFrame:
    """``period, frame, value, outlet`` from a comparison ``prevalence`` table (or already that)."""
    cols = ["period", "frame", "value", "outlet"]
    if prevalence is None or prevalence.empty:
        return pd.DataFrame(columns=cols)
    if "measure" not in prevalence.columns:
        return prevalence
    data = _frames_only(prevalence, codebook).rename(columns={"mean": "value"})
    data = data.assign(period=pd.to_datetime(data["period"].astype(str), errors="coerce")).dropna(subset=["period"])
    return data[cols].reset_index(drop=True)


def _frame_labels(codebook: Codebook, wrap: bool = False) -> dict[str, str]:
    return {f.id: _wrap(f.label) if wrap else f.label for f in codebook.frames}


def _article_labels(scores: pd.DataFrame) -> dict[str, str]:
    """article_id -> ``outlet · headline`` (the id added where two would read the same)."""
    ids = scores["article_id"].astype(str)
    outlet = scores["outlet"].astype(str) if "outlet" in scores.columns else pd.Series("", index=scores.index)
    title = scores["title"].fillna("").astype(str).str.slice(0, 60) if "title" in scores.columns else ids
    labels = (outlet + " · " + title).where(outlet != "", title)
    labels = labels.where(~labels.duplicated(keep=False), labels + " (" + ids + ")")
    return dict(zip(ids, labels))


def _heatmap_width(codebook: Codebook) -> int:
    return max(WIDTH, 110 * len(codebook.frames) + 160)


def _no_data(message: str) -> alt.Chart:
    """An empty chart that says why there is nothing to draw."""
    return alt.Chart(pd.DataFrame({"message": [message]})).mark_text(fontSize=13, color="#666").encode(
        text="message:N").properties(width=WIDTH, height=40)


# ---------------------------------------------------------------------- tables
def means_long(tables: Mapping[str, pd.DataFrame], codebook: Codebook) -> pd.DataFrame:
    """Corpus-wide frame means of a comparison, one row per (outlet, frame).

    Parameters
    ----------
    tables : mapping of str to DataFrame
        ``results.comparison(...)`` (or ``Comparison.tables``); its ``means`` table is used.
    codebook : Codebook

    Returns
    -------
    DataFrame
        Columns ``outlet, frame, mean, lo, hi, n`` (``frame`` is the frame id); empty
        when there are no means.
    """
    return _means_frames(tables.get("means"), codebook)


def prevalence_long(tables: Mapping[str, pd.DataFrame], codebook: Codebook) -> pd.DataFrame:
    """Frame prevalence of a comparison, one row per (outlet, period, frame).

    Parameters
    ----------
    tables : mapping of str to DataFrame
        ``results.comparison(...)``; its ``prevalence`` table is used.
    codebook : Codebook

    Returns
    -------
    DataFrame
        Columns ``period`` (datetime), ``frame`` (id), ``value`` (mean score), ``outlet``.
    """
    return _prevalence_frames(tables.get("prevalence"), codebook)


# ---------------------------------------------------------------------- per-article specs
# Per-article charts are plain Vega-Lite dicts: an event with 18 articles draws 36 of them,
# and building them through altair (schema objects, validation) cost ~0.1 s per article.
_FIT_X = {"type": "fit-x", "contains": "padding"}
_SCHEMA = "https://vega.github.io/schema/vega-lite/v5.json"


def _num(value) -> float | None:
    try:
        value = float(value)
    except (TypeError, ValueError):
        return None
    return None if value != value else round(value, 4)


def frame_bars(row: Mapping, codebook: Codebook, colours: Mapping[str, str] | None = None) -> dict:
    """One article's score on each frame (0..1) as bars, coloured like its evidence.

    Parameters
    ----------
    row : mapping
        A row of ``results.scores`` (``frame:<id>`` keys).
    codebook : Codebook
    colours : mapping of frame id to ``#rrggbb``, optional
        Default: the app's frame colours.

    Returns
    -------
    dict
        A Vega-Lite spec (a plain dict: the app draws dozens per page).
    """
    colours = _colours(codebook, colours)
    labels = [f.label for f in codebook.frames]
    values = [{"frame": f.label, "score": _num(row.get(f"frame:{f.id}"))} for f in codebook.frames]
    return {
        "$schema": _SCHEMA,
        "data": {"values": values},
        "mark": {"type": "bar"},
        "encoding": {
            "x": {"field": "score", "type": "quantitative", "scale": {"domain": [0, 1]}, "title": None},
            "y": {"field": "frame", "type": "nominal", "sort": None, "title": None, "axis": {"labelLimit": 160}},
            "color": {"field": "frame", "type": "nominal", "legend": None,
                      "scale": {"domain": labels, "range": [colours[f.id] for f in codebook.frames]}},
            "tooltip": [{"field": "frame", "type": "nominal"},
                        {"field": "score", "type": "quantitative", "format": ".2f"}],
        },
        "height": 24 * len(values),
        "autosize": _FIT_X,
    }


def axis_positions(row: Mapping, codebook: Codebook) -> dict | None:
    """One article's position on every axis with its interval (pole B left, pole A right).

    Parameters
    ----------
    row : mapping
        A row of ``results.scores`` (``axis:<id>``, ``axis:<id>:lo``, ``axis:<id>:hi`` keys).
    codebook : Codebook

    Returns
    -------
    dict or None
        A Vega-Lite spec (plain dict), or ``None`` when the row has no axis position.
    """
    rows = []
    for axis in codebook.axes:
        value = _num(row.get(f"axis:{axis.id}"))
        if value is None:
            continue
        lo, hi = _num(row.get(f"axis:{axis.id}:lo")), _num(row.get(f"axis:{axis.id}:hi"))
        rows.append({"axis": axis.label, "position": value, "lo": value if lo is None else lo,
                     "hi": value if hi is None else hi, "left": codebook.frame(axis.pole_b).label,
                     "right": codebook.frame(axis.pole_a).label})
    if not rows:
        return None
    title = _axis_title(codebook, codebook.axes[0].id) if len(codebook.axes) == 1 else \
        "← pole B (left name)  ·  pole A (right name) →"
    scale = {"domain": [-1, 1]}
    y = {"field": "axis", "type": "nominal", "title": None, "axis": {"labelLimit": 160}}
    return {
        "$schema": _SCHEMA,
        "data": {"values": rows},
        "layer": [
            {"data": {"values": [{"position": 0}]}, "mark": {"type": "rule", "color": "#999", "strokeDash": [3, 3]},
             "encoding": {"x": {"field": "position", "type": "quantitative", "scale": scale}}},
            {"mark": {"type": "rule", "strokeWidth": 3, "color": "#555"},
             "encoding": {"x": {"field": "lo", "type": "quantitative", "scale": scale, "title": title,
                                "axis": {"titleFontSize": 10, "titleFontWeight": "normal"}},
                          "x2": {"field": "hi"}, "y": y}},
            {"mark": {"type": "point", "filled": True, "size": 90, "color": "#222"},
             "encoding": {"x": {"field": "position", "type": "quantitative", "scale": scale, "title": title,
                                "axis": {"titleFontSize": 10, "titleFontWeight": "normal"}},
                          "y": y,
                          "tooltip": [{"field": f, "type": "quantitative" if f in ("position", "lo", "hi")
                                       else "nominal", **({"format": ".2f"} if f in ("position", "lo", "hi")
                                                          else {})}
                                      for f in ("axis", "position", "lo", "hi", "left", "right")]}},
        ],
        "height": 34 * len(rows),
        "autosize": _FIT_X,
    }


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


def article_heatmap(scores: pd.DataFrame, codebook: Codebook) -> alt.Chart:
    """Every article's score on every frame.

    Parameters
    ----------
    scores : DataFrame
        ``results.scores`` (``article_id, outlet, title, frame:<id>…``).
    codebook : Codebook

    Returns
    -------
    alt.Chart
        Rects, ``x`` the frame label, ``y`` the article (``outlet · headline``), colour the
        score (0..1).
    """
    cols = [f"frame:{f}" for f in codebook.frame_ids if f"frame:{f}" in scores.columns]
    keep = [c for c in ("article_id", "outlet", "title") if c in scores.columns]
    data = scores[keep + cols].melt(id_vars=keep, value_vars=cols, var_name="frame", value_name="score")
    data["frame"] = data["frame"].str.slice(len("frame:"))
    labels = _frame_labels(codebook, wrap=True)
    data["frame_label"] = data["frame"].map(labels)
    data["article"] = data["article_id"].map(_article_labels(scores))
    if "title" in data.columns:
        data["title"] = data["title"].astype(str).str.slice(0, 120)
    return _fit(alt.Chart(data).mark_rect().encode(
        x=alt.X("frame_label:N", sort=[labels[f] for f in codebook.frame_ids], title=None,
                axis=alt.Axis(labelAngle=0, labelOverlap=False, labelExpr="split(datum.label, '|')",
                              labelLimit=400)),
        y=alt.Y("article:N", sort=None, title=None, axis=alt.Axis(labelLimit=320)),
        color=alt.Color("score:Q", scale=alt.Scale(scheme="blues", domain=[0, 1]), title="score"),
        tooltip=[f"{c}:N" for c in keep] + ["frame:N", alt.Tooltip("score:Q", format=".2f")],
    ).properties(height=min(900, 20 * max(1, scores["article_id"].nunique()))))


# ---------------------------------------------------------------------- results charts
def outlet_frames(results, outlets=None) -> alt.LayerChart:
    """:func:`outlet_heatmap` of a run's corpus-wide frame means per outlet.

    Parameters
    ----------
    results : Results
    outlets : list of str, optional
        Outlets compared (default: all).

    Returns
    -------
    alt.LayerChart
    """
    return _sized(outlet_heatmap(results.comparison(outlets)["means"], results.codebook),
                  _heatmap_width(results.codebook))


def outlet_forest(results, outlets=None, frames=None) -> alt.FacetChart:
    """:func:`forest_chart` of ``results.comparison(outlets)`` (means and coverage)."""
    tables = results.comparison(outlets)
    return forest_chart(tables["means"], results.codebook, frames=frames, coverage=tables.get("coverage"))


def outlet_intervals(results, outlets=None) -> alt.LayerChart:
    """:func:`interval_chart` of a run: mean frame scores per outlet with 95% intervals.

    Parameters
    ----------
    results : Results
    outlets : list of str, optional

    Returns
    -------
    alt.LayerChart
    """
    return _sized(interval_chart(results.comparison(outlets)["means"], results.codebook))


def axis_strip(results, axis_id: str | None = None, outlets=None, per_outlet: int = 300) -> alt.LayerChart:
    """:func:`strip_chart` of a run: every article (a seeded sample per outlet) on one axis.

    Parameters
    ----------
    results : Results
    axis_id : str, optional
        Default: the codebook's first axis.
    outlets : list of str, optional
    per_outlet : int, default 300
        Articles drawn per outlet at most (``results.axis_sample``).

    Returns
    -------
    alt.LayerChart

    Raises
    ------
    ValueError
        When the codebook has no axis.
    """
    codebook = results.codebook
    if axis_id is None:
        if not codebook.axis_ids:
            raise ValueError(f"codebook {codebook.id!r} has no axis to draw")
        axis_id = codebook.axis_ids[0]
    return _sized(strip_chart(results.axis_sample(axis_id, outlets, per_outlet=per_outlet), codebook, axis_id))


def prevalence(results, outlets=None, colours: Mapping[str, str] | None = None,
               frames=None) -> alt.Chart | alt.FacetChart:
    """:func:`prevalence_lines` of a run: mean frame scores per period, one panel per outlet.

    Parameters
    ----------
    results : Results
    outlets : list of str, optional
    colours : mapping of frame id to ``#rrggbb``, optional
    frames : list of str, optional
        At most :data:`MAX_LINES` frame ids (default: the codebook's first ones).

    Returns
    -------
    alt.Chart or alt.FacetChart
    """
    return _sized(prevalence_lines(results.comparison(outlets)["prevalence"], results.codebook, colours, frames))


def distinctive_terms(results, outlets=None, top: int = 8) -> alt.FacetChart:
    """:func:`term_bars` of a run: each outlet's most distinctive words.

    Parameters
    ----------
    results : Results
    outlets : list of str, optional
    top : int, default 8

    Returns
    -------
    alt.FacetChart or alt.Chart
        An explanatory text chart when no outlet has distinctive terms (they need two
        outlets with text).
    """
    terms = results.comparison(outlets)["distinctive_terms"]
    if terms.empty:
        return _no_data("No distinctive terms (they need at least two outlets with text).")
    return term_bars(terms, top=top)


def differences(results, outlets=None, alpha: float = 0.05) -> alt.LayerChart:
    """:func:`difference_chart` of a run: frame-score differences of every outlet pair.

    Parameters
    ----------
    results : Results
    outlets : list of str, optional
    alpha : float, default 0.05

    Returns
    -------
    alt.LayerChart
    """
    return _sized(difference_chart(results.comparison(outlets)["differences"], results.codebook, alpha=alpha))


def coverage(results, outlets=None) -> alt.Chart:
    """:func:`coverage_bars` of a run: articles per outlet.

    Parameters
    ----------
    results : Results
    outlets : list of str, optional

    Returns
    -------
    alt.Chart
    """
    return _sized(coverage_bars(results.comparison(outlets)["coverage"]))


def article_frames(results) -> alt.Chart:
    """:func:`article_heatmap` of a run: every article's score on every frame.

    Parameters
    ----------
    results : Results

    Returns
    -------
    alt.Chart
    """
    return _sized(article_heatmap(results.scores, results.codebook), _heatmap_width(results.codebook) + 160)


#: Main roles in display order, with their labels (``none`` last).
ROLE_ORDER = ("protagonist", "antagonist", "innocent", "none")


def role_share_bars(shares: pd.DataFrame, actor: str, roles=None, labels: Mapping[str, str] | None = None
                    ) -> alt.LayerChart:
    """An actor's role shares per outlet (or group), side by side, with their intervals.

    Parameters
    ----------
    shares : DataFrame
        The ``role_shares`` table (:func:`framing.roles.compare.role_shares`:
        ``actor, group, role, n, share, ci_low, ci_high``).
    actor : str
        The actor shown.
    roles : sequence of str, optional
        Roles in display order (default :data:`ROLE_ORDER`, then any others).
    labels : mapping of str to str, optional
        Role id -> label.

    Returns
    -------
    alt.LayerChart
        One bar per (role, outlet) -- share of the actor's mentions in that outlet cast in
        that role -- with a 95% bootstrap interval rule; bars grouped by role, coloured by outlet.
    """
    data = shares[shares["actor"] == actor]
    if data.empty:
        return _no_data(f"No scored mentions of {actor}.")
    present = list(dict.fromkeys(data["role"]))
    order = [r for r in (roles or ROLE_ORDER) if r in present] + [r for r in present if r not in (roles or ROLE_ORDER)]
    labels = dict(labels or {})
    data = data.assign(role_label=data["role"].map(lambda r: labels.get(r, r)), outlet=data["group"].astype(str))
    total = data.groupby("outlet")["n"].max()
    data = data.assign(mentions=data["outlet"].map(total))
    label_order = [labels.get(r, r) for r in order]
    base = alt.Chart(data).encode(
        y=alt.Y("role_label:N", sort=label_order, title=None, axis=alt.Axis(labelLimit=200, labelFontSize=13)),
        yOffset=alt.YOffset("outlet:N"),
        color=alt.Color("outlet:N", title="outlet", scale=alt.Scale(scheme="tableau10"),
                        legend=alt.Legend(orient="top", labelLimit=260)))
    tooltip = ["outlet:N", "role_label:N", alt.Tooltip("share:Q", format=".0%"),
               alt.Tooltip("ci_low:Q", format=".0%", title="95% low"),
               alt.Tooltip("ci_high:Q", format=".0%", title="95% high"), alt.Tooltip("mentions:Q", title="mentions")]
    bars = base.mark_bar(opacity=0.85).encode(
        x=alt.X("share:Q", title=f"share of {actor}'s mentions cast in the role (95% bootstrap interval)",
                scale=alt.Scale(domain=[0, 1]), axis=alt.Axis(format="%")), tooltip=tooltip)
    rules = base.mark_rule(strokeWidth=1.5).encode(x="ci_low:Q", x2="ci_high:Q", color=alt.value("#333333"))
    height = 16 * max(1, len(order)) * max(1, data["outlet"].nunique())
    return _fit(alt.layer(bars, rules).properties(height=min(900, max(160, height))))
