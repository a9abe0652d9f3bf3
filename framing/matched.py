"""Event-matched comparison: how two groups tell the *same* events, apart from which they cover.

Outlet means mix agenda (which events an outlet covers) and framing (how it tells each).
An outlet that covers more attacks looks more "siege"-framed even if it tells every attack
like the others. Matching on events separates the two:

* :func:`matched_differences` -- for each pair of groups, over the events both cover, the
  mean of the within-event differences (per event: group A's mean minus group B's; every
  event weighted once), a bootstrap interval over events, a sign-flip permutation p-value
  and Benjamini–Hochberg q-values over the table;
* :func:`agenda` -- for each ordered pair, the share of a group's articles (and events) in
  events the other group does not cover.

Both are pure functions of a score table; :func:`framing.compare.compare` calls them with
``matched=True``.
"""

from __future__ import annotations

from itertools import combinations

import numpy as np
import pandas as pd

from framing.stats import benjamini_hochberg, bootstrap_mean_ci, sign_flip_test

__all__ = ["MATCHED_COLUMNS", "AGENDA_COLUMNS", "agenda", "event_means", "matched_differences"]

MATCHED_COLUMNS = ["group_a", "group_b", "measure", "n_events", "n_a", "n_b", "mean_a", "mean_b", "difference",
                   "ci_low", "ci_high", "p_value", "q_value"]
AGENDA_COLUMNS = ["group", "other", "articles", "events", "articles_not_covered", "events_not_covered",
                  "share_not_covered"]


def _events(frame: pd.DataFrame, event_column: str) -> pd.Series:
    if event_column not in frame.columns:
        raise ValueError(f"matched comparison needs an event column {event_column!r}; columns are "
                         f"{list(frame.columns)}")
    events = frame[event_column]
    return events.where(events.notna(), None).map(lambda v: None if v is None or str(v) == "" else str(v))


def event_means(frame: pd.DataFrame, measures: list[str], *, group: str = "outlet",
                event_column: str = "event_id") -> pd.DataFrame:
    """Mean of every measure per (event, group) cell, NaN-aware, with the articles per cell.

    Returns
    -------
    DataFrame
        One row per (event, group) cell with an article: columns ``event``, ``group``,
        ``n`` and the measures. Articles without an event are left out.
    """
    events = _events(frame, event_column)
    keep = events.notna().to_numpy()
    sub = frame.loc[keep, measures].astype(float)
    keys = pd.DataFrame({"event": events[keep].to_numpy(), "group": frame.loc[keep, group].astype(str).to_numpy()})
    grouped = pd.concat([keys, sub.reset_index(drop=True)], axis=1).groupby(["event", "group"], sort=True)
    means = grouped[measures].mean()
    means.insert(0, "n", grouped.size())
    return means.reset_index()


def matched_differences(frame: pd.DataFrame, measures: list[str], *, group: str = "outlet",
                        event_column: str = "event_id", n_boot: int = 1000, n_perm: int = 2000,
                        confidence: float = 0.95, random_state=0) -> pd.DataFrame:
    """Event-matched differences between every pair of groups, on every measure.

    For groups A and B and the events ``e = 1..E`` that both cover, ``d_e = mean_A(e) -
    mean_B(e)`` (the mean of each group's articles in the event); the matched difference is
    ``mean_e d_e``, each event weighted once whatever its number of articles. The interval is
    a percentile bootstrap over events (:func:`framing.stats.bootstrap_mean_ci` of the
    ``d_e``), the p-value a sign-flip permutation test (:func:`framing.stats.sign_flip_test`,
    exact for up to 20 events when ``n_perm`` allows), and ``q_value`` the Benjamini–Hochberg
    adjustment over every row of the table.

    Parameters
    ----------
    frame : DataFrame
        One row per article with the ``group`` column, the ``event_column`` and the measures.
    measures : list of str
        Score columns (``frame:<id>``, ``axis:<id>``).
    group : str, default "outlet"
        The column whose values are compared.
    event_column : str, default "event_id"
        Which articles report the same event (the tool's events, or gold clusters).
    n_boot : int, default 1000
    n_perm : int, default 2000
    confidence : float, default 0.95
    random_state : int or numpy.random.Generator, default 0

    Returns
    -------
    DataFrame
        One row per (pair, measure): ``group_a, group_b, measure, n_events`` (shared events
        with a value on both sides), ``n_a, n_b`` (articles of each group in them), ``mean_a,
        mean_b`` (means over the shared events of the per-event means), ``difference =
        mean_a - mean_b``, ``ci_low, ci_high, p_value, q_value``. A pair without a shared
        event gets ``n_events = 0`` and NaN statistics.

    References
    ----------
    Fisher (1935), the paired randomisation test; Efron & Tibshirani (1993), ch. 13.3
    (percentile bootstrap); Benjamini & Hochberg (1995). Matching on events follows the
    logic of a paired (matched-pairs) design: comparisons within strata remove differences
    in composition between the groups (Rosenbaum 2002, *Observational Studies*, ch. 2).

    Examples
    --------
    >>> frame = pd.DataFrame({"outlet": ["X", "Y", "X", "Y", "X"], "event_id": ["e1", "e1", "e2", "e2", "e3"],
    ...                       "frame:f": [0.9, 0.5, 0.4, 0.2, 1.0]})
    >>> row = matched_differences(frame, ["frame:f"], n_boot=50).iloc[0]
    >>> int(row["n_events"]), round(float(row["difference"]), 3), float(row["p_value"])
    (2, 0.3, 0.5)
    """
    rng = np.random.default_rng(random_state) if not isinstance(random_state, np.random.Generator) else random_state
    cells = event_means(frame, measures, group=group, event_column=event_column)
    groups = sorted(cells["group"].unique())
    by_group = {g: cells[cells["group"] == g].set_index("event") for g in groups}
    rows = []
    for a, b in combinations(groups, 2):
        ca, cb = by_group[a], by_group[b]
        shared = ca.index.intersection(cb.index)
        xa = ca.loc[shared, measures].to_numpy(dtype=float)
        xb = cb.loc[shared, measures].to_numpy(dtype=float)
        d = xa - xb
        ok = ~np.isnan(d)
        if len(shared):
            boot = bootstrap_mean_ci(d, n_boot=n_boot, confidence=confidence, random_state=rng)
            mean, lo, hi = boot["mean"][0], boot["lo"][0], boot["hi"][0]
            _, p = sign_flip_test(d, n_perm=n_perm, random_state=rng)
        else:
            mean = lo = hi = p = np.full(len(measures), np.nan)
        na = ca.loc[shared, "n"].to_numpy()
        nb = cb.loc[shared, "n"].to_numpy()
        for mi, measure in enumerate(measures):
            use = ok[:, mi] if len(shared) else np.zeros(0, dtype=bool)
            rows.append((a, b, measure, int(use.sum()), int(na[use].sum()), int(nb[use].sum()),
                         float(xa[use, mi].mean()) if use.any() else np.nan,
                         float(xb[use, mi].mean()) if use.any() else np.nan,
                         float(mean[mi]), float(lo[mi]), float(hi[mi]), float(p[mi])))
    table = pd.DataFrame(rows, columns=MATCHED_COLUMNS[:-1])
    table["q_value"] = benjamini_hochberg(table["p_value"].to_numpy(dtype=float)) if len(table) else []
    return table


def agenda(frame: pd.DataFrame, *, group: str = "outlet", event_column: str = "event_id") -> pd.DataFrame:
    """What each group covers that another does not.

    Returns
    -------
    DataFrame
        One row per ordered pair (``group``, ``other``): ``articles`` and ``events`` of
        ``group`` (articles with an event), ``articles_not_covered`` / ``events_not_covered``
        (those in events ``other`` has no article in) and ``share_not_covered`` =
        ``articles_not_covered / articles``.

    Examples
    --------
    >>> frame = pd.DataFrame({"outlet": ["X", "X", "X", "Y"], "event_id": ["e1", "e2", "e2", "e1"]})
    >>> agenda(frame)[["group", "other", "articles_not_covered", "share_not_covered"]].values.tolist()
    [['X', 'Y', 2, 0.6666666666666666], ['Y', 'X', 0, 0.0]]
    """
    events = _events(frame, event_column)
    keep = events.notna().to_numpy()
    pairs = pd.DataFrame({"event": events[keep].to_numpy(), "group": frame.loc[keep, group].astype(str).to_numpy()})
    counts = pairs.groupby(["group", "event"]).size()
    covered = {g: set(c.index.get_level_values("event")) for g, c in counts.groupby(level="group")}
    rows = []
    for g in sorted(covered):
        own = counts.loc[g]
        for other in sorted(covered):
            if other == g:
                continue
            missing = ~own.index.isin(list(covered[other]))
            n_art = int(own.sum())
            n_miss = int(own[missing].sum())
            rows.append((g, other, n_art, len(own), n_miss, int(missing.sum()), n_miss / n_art if n_art else np.nan))
    return pd.DataFrame(rows, columns=AGENDA_COLUMNS)
