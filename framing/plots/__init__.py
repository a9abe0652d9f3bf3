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
>>> plots.outlet_frames(results)                          # doctest: +SKIP"""

from __future__ import annotations

from framing.plots._base import OFFLINE_FORMATS, WIDTH, MAX_LINES, DISTINCT_COLOURS, use_offline_renderer, means_long, prevalence_long
from framing.plots.articles import frame_bars, axis_positions, article_heatmap
from framing.plots.outlets import outlet_heatmap, interval_chart, forest_chart, matched_chart, strip_chart, spread_order, prevalence_lines, term_bars, difference_chart, coverage_bars
from framing.plots.roles import ROLE_ORDER, role_share_bars
from framing.plots.results import outlet_frames, outlet_forest, outlet_intervals, axis_strip, prevalence, distinctive_terms, differences, coverage, article_frames

__all__ = [
    "DISTINCT_COLOURS",
    "MAX_LINES",
    "OFFLINE_FORMATS",
    "ROLE_ORDER",
    "article_frames",
    "article_heatmap",
    "axis_positions",
    "axis_strip",
    "coverage",
    "coverage_bars",
    "difference_chart",
    "differences",
    "distinctive_terms",
    "forest_chart",
    "frame_bars",
    "interval_chart",
    "matched_chart",
    "means_long",
    "outlet_forest",
    "outlet_frames",
    "outlet_heatmap",
    "outlet_intervals",
    "prevalence",
    "prevalence_lines",
    "prevalence_long",
    "role_share_bars",
    "spread_order",
    "strip_chart",
    "term_bars",
    "use_offline_renderer",
    "WIDTH",
]
