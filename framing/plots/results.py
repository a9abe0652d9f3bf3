"""The same charts straight from a :class:`~framing.results.Results` (for notebooks)."""

from __future__ import annotations

from typing import Mapping
import altair as alt

from framing.plots._base import _heatmap_width, _no_data, _sized
from framing.plots.articles import article_heatmap
from framing.plots.outlets import coverage_bars, difference_chart, forest_chart, interval_chart, outlet_heatmap, prevalence_lines, strip_chart, term_bars


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
