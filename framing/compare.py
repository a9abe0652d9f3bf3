"""Compare outlets: frame and axis means with intervals, tested differences, words, time.

``compare(analysis.scores, by="event", texts=...)`` returns a :class:`Comparison`
whose ``tables`` are tidy DataFrames ready for a paper:

* ``means`` -- per outlet (overall, and within each event when ``by="event"``) the
  mean of every ``frame:*`` and ``axis:*`` score, a percentile-bootstrap interval and n;
* ``differences`` -- every outlet pair and measure: the difference in means, a
  two-sided permutation p-value and the Benjamini–Hochberg q-value over the table;
* ``distinctive_terms`` -- words typical of each outlet against the other outlets
  (log-odds ratio with an informative Dirichlet prior, z-scores);
* ``prevalence`` -- frame and axis means per outlet and period (day / week / month),
  and for frames the share of articles where the frame is the strongest;
* ``coverage`` -- articles, events and dates per outlet (and what was left out);
* with ``matched=True``: ``matched_differences`` (event-matched pair differences, see
  :mod:`framing.matched`) and ``agenda`` (what one group covers that another does not).

Scope column ``event_id`` is ``"all"`` for corpus-wide rows. Grouped by another column than
the outlet (``by="mbfc_bias"``, ``by="month"``) the group columns are named ``group``,
``group_a``, ``group_b`` instead of ``outlet``, ``outlet_a``, ``outlet_b``.
"""

from __future__ import annotations

import logging
import warnings
from dataclasses import dataclass, field
from itertools import combinations
from pathlib import Path
from typing import Mapping

import numpy as np
import pandas as pd

from framing.stats import benjamini_hochberg, bootstrap_mean_ci, log_odds_dirichlet, permutation_test

log = logging.getLogger(__name__)

__all__ = ["BOILERPLATE_TERMS", "Comparison", "compare", "measure_columns", "tokenise"]

ALL = "all"
_FREQ = {"d": "D", "day": "D", "daily": "D", "w": "W", "week": "W", "weekly": "W",
         "m": "M", "month": "M", "monthly": "M"}
_HELPER_SUFFIXES = ("lo", "hi", "intensity", "relevance", "leaning", "leaning_p")
#: Groups derived from the score table rather than read from a column.
DERIVED_GROUPS = ("month", "storyline")
#: Most distinct values a grouping column other than the outlet may have.
MAX_GROUPS = 100
#: Words of news-page furniture and reporting verbs left out of the distinctive terms.
BOILERPLATE_TERMS = frozenset({
    "said", "says", "told", "according", "reported", "reporter", "reporters", "correspondent", "copyright",
    "click", "subscribe", "newsletter", "advertisement", "sponsored", "tweet", "email", "facebook", "twitter",
    "instagram", "whatsapp", "video", "photo", "photos", "image", "images", "caption", "getty", "ap", "reuters",
    "afp", "updated", "mr", "ms", "mrs",
})


def measure_columns(scores: pd.DataFrame) -> list[str]:
    """The ``frame:<id>`` and ``axis:<id>`` columns (not ``:lo/:hi/:intensity/:relevance``)."""
    out = []
    for col in scores.columns:
        parts = str(col).split(":")
        if parts[0] in ("frame", "axis") and len(parts) == 2 and parts[1]:
            out.append(col)
    return out


def tokenise(text: str) -> list[str]:
    """Lower-cased word tokens (letters, inner hyphens/apostrophes), English stop words removed.

    >>> tokenise("The Army's raid in North Waziristan, re-armed.")
    ["army's", 'raid', 'north', 'waziristan', 're-armed']
    """
    import re

    from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

    words = re.findall(r"[a-z]+(?:['’\-][a-z]+)*", str(text).lower().replace("’", "'"))
    return [w for w in words if w not in ENGLISH_STOP_WORDS and len(w) > 1]


@dataclass
class Comparison:
    """Outlet comparison tables (see :func:`compare`).

    Attributes
    ----------
    tables : dict of str to DataFrame
        ``means``, ``differences``, ``distinctive_terms``, ``prevalence``, ``coverage``.
    by : str
        ``"outlet"`` or ``"event"``.
    params : dict
        The parameters that made the tables (for the manifest).
    provenance : dict
        Where the scores came from (``Analysis.manifest()``), written into every export's manifest.
    """

    tables: dict[str, pd.DataFrame]
    by: str
    params: dict = field(default_factory=dict)
    provenance: dict = field(default_factory=dict)

    @property
    def group_column(self) -> str:
        """``"outlet"`` (by outlet or event) or ``"group"`` (by any other column)."""
        return "outlet" if self.by in ("outlet", "event") else "group"

    def __getitem__(self, name: str) -> pd.DataFrame:
        return self.tables[name]

    @property
    def means(self) -> pd.DataFrame:
        return self.tables["means"]

    @property
    def differences(self) -> pd.DataFrame:
        return self.tables["differences"]

    @property
    def distinctive_terms(self) -> pd.DataFrame:
        return self.tables["distinctive_terms"]

    @property
    def prevalence(self) -> pd.DataFrame:
        return self.tables["prevalence"]

    @property
    def matched_differences(self) -> pd.DataFrame:
        """Event-matched differences (``compare(..., matched=True)``)."""
        if "matched_differences" not in self.tables:
            raise ValueError("no matched differences: compare with matched=True")
        return self.tables["matched_differences"]

    @property
    def agenda(self) -> pd.DataFrame:
        """Articles each group has in events another does not cover (``matched=True``)."""
        if "agenda" not in self.tables:
            raise ValueError("no agenda table: compare with matched=True")
        return self.tables["agenda"]

    def export(self, path: str | Path, format: str | None = None, manifest: dict | None = None,
               neutralise_formulas: bool = True) -> list[Path]:
        """Write every table with ``framing.export.export_tables`` (manifest included; formula-like
        cells neutralised in CSV/XLSX unless ``neutralise_formulas=False``)."""
        from framing.export import export_tables

        record = {"comparison": {"by": self.by, **self.params}}
        record.update(self.provenance)
        record.update(manifest or {})
        return export_tables(self.tables, path, format=format, manifest=record,
                             neutralise_formulas=neutralise_formulas)


# ---------------------------------------------------------------------- tables
def _means(frame: pd.DataFrame, measures: list[str], scope: pd.Series, n_boot, rng) -> pd.DataFrame:
    keys = scope.astype(str) + "\x1f" + frame["outlet"].astype(str)
    out = bootstrap_mean_ci(frame[measures].to_numpy(dtype=float), keys.to_numpy(), n_boot=n_boot, random_state=rng)
    rows = []
    for gi, key in enumerate(out["groups"]):
        event, outlet = str(key).split("\x1f", 1)
        for mi, measure in enumerate(measures):
            rows.append((event, outlet, measure, out["mean"][gi, mi], out["lo"][gi, mi], out["hi"][gi, mi],
                         int(out["n"][gi, mi])))
    return pd.DataFrame(rows, columns=["event_id", "outlet", "measure", "mean", "ci_low", "ci_high", "n"])


def _differences(frame, measures, scope, n_perm, rng) -> pd.DataFrame:
    rows = []
    values = frame[measures].to_numpy(dtype=float)
    outlets = frame["outlet"].astype(str).to_numpy()
    for event, idx in pd.Series(np.arange(len(frame))).groupby(scope.to_numpy(), sort=True):
        idx = idx.to_numpy()
        present = sorted(set(outlets[idx]))
        for a, b in combinations(present, 2):
            xa, xb = values[idx[outlets[idx] == a]], values[idx[outlets[idx] == b]]
            diff, p = permutation_test(xa, xb, n_perm=n_perm, random_state=rng)
            with warnings.catch_warnings():  # an all-missing column has a NaN mean
                warnings.simplefilter("ignore", RuntimeWarning)
                ma, mb = np.nanmean(xa, axis=0), np.nanmean(xb, axis=0)
            na, nb = (~np.isnan(xa)).sum(axis=0), (~np.isnan(xb)).sum(axis=0)
            for mi, measure in enumerate(measures):
                rows.append((event, a, b, measure, ma[mi], mb[mi], diff[mi], int(na[mi]), int(nb[mi]), p[mi]))
    cols = ["event_id", "outlet_a", "outlet_b", "measure", "mean_a", "mean_b", "difference", "n_a", "n_b", "p_value"]
    table = pd.DataFrame(rows, columns=cols)
    table["q_value"] = benjamini_hochberg(table["p_value"].to_numpy(dtype=float)) if len(table) else []
    return table


def _distinctive(frame, texts, scope, top_n, prior_scale, min_count, exclude=frozenset()) -> pd.DataFrame:
    cols = ["event_id", "outlet", "term", "count", "count_other", "log_odds", "z", "rank"]
    if texts is None:
        return pd.DataFrame(columns=cols)
    from scipy import sparse
    from sklearn.feature_extraction.text import CountVectorizer

    docs = [texts.get(a, "") if isinstance(texts, Mapping) else "" for a in frame["article_id"]]

    def tokens(text):
        return [t for t in tokenise(text) if t not in exclude and t.split("'")[0] not in exclude]

    vectorizer = CountVectorizer(tokenizer=tokens if exclude else tokenise, lowercase=False, token_pattern=None)
    try:
        counts = vectorizer.fit_transform(docs).tocsr()
    except ValueError:  # no words at all
        return pd.DataFrame(columns=cols)
    vocab = vectorizer.get_feature_names_out()
    corpus = np.asarray(counts.sum(axis=0)).ravel().astype(float)
    prior = prior_scale * corpus + 0.01
    outlets = frame["outlet"].astype(str).to_numpy()
    rows = []
    for event, idx in pd.Series(np.arange(len(frame))).groupby(scope.to_numpy(), sort=True):
        idx = idx.to_numpy()
        present = sorted(set(outlets[idx]))
        if len(present) < 2:
            continue
        codes = np.searchsorted(present, outlets[idx])
        member = sparse.csr_matrix((np.ones(len(idx)), (codes, np.arange(len(idx)))), shape=(len(present), len(idx)))
        group = np.asarray((member @ counts[idx]).todense(), dtype=float)  # (g, V)
        rest = group.sum(axis=0, keepdims=True) - group
        delta, z = log_odds_dirichlet(group, rest, prior)
        usable = group.sum(axis=0) >= min_count
        for gi, outlet in enumerate(present):
            zi = np.where(usable & (group[gi] > 0), z[gi], -np.inf)
            top = np.argsort(-zi, kind="stable")[:top_n]
            for rank, t in enumerate(top, 1):
                if not np.isfinite(zi[t]) or zi[t] <= 0:
                    break
                rows.append((event, outlet, vocab[t], int(group[gi, t]), int(rest[0 if rest.shape[0] == 1 else gi, t]),
                             float(delta[gi, t]), float(z[gi, t]), rank))
    return pd.DataFrame(rows, columns=cols)


def _prevalence(frame, measures, freq) -> pd.DataFrame:
    cols = ["outlet", "period", "measure", "mean", "share_top", "n"]
    dates = pd.to_datetime(frame["published"], errors="coerce") if "published" in frame else pd.Series(pd.NaT, index=frame.index)
    if getattr(dates.dt, "tz", None) is not None:
        dates = dates.dt.tz_convert("UTC").dt.tz_localize(None)
    dated = frame[dates.notna().to_numpy()]
    if dated.empty or not measures:
        return pd.DataFrame(columns=cols)
    period = dates[dates.notna()].dt.to_period(freq).dt.start_time.to_numpy()
    frames = [m for m in measures if m.startswith("frame:")]
    top = pd.DataFrame(index=dated.index)
    if frames:
        values = dated[frames].to_numpy(dtype=float)
        best = np.where(np.isnan(values).all(axis=1), -1, np.argmax(np.nan_to_num(values, nan=-np.inf), axis=1))
        for fi, f in enumerate(frames):
            top[f] = (best == fi).astype(float)
    grouped = dated.assign(_period=period).groupby(["outlet", "_period"], sort=True)
    means = grouped[measures].mean()
    sizes = grouped.size()
    shares = top.assign(outlet=dated["outlet"], _period=period).groupby(["outlet", "_period"], sort=True).mean() if frames else None
    rows = []
    for (outlet, when), row in means.iterrows():
        for m in measures:
            share = float(shares.loc[(outlet, when), m]) if shares is not None and m in frames else np.nan
            rows.append((outlet, pd.Timestamp(when), m, float(row[m]), share, int(sizes.loc[(outlet, when)])))
    return pd.DataFrame(rows, columns=cols)


def _coverage(frame, dropped: pd.Series) -> pd.DataFrame:
    dates = pd.to_datetime(frame["published"], errors="coerce") if "published" in frame else pd.Series(pd.NaT, index=frame.index)
    table = frame.assign(_date=dates).groupby("outlet", sort=True).agg(
        articles=("article_id", "size"),
        events=("event_id", lambda s: s.replace("", np.nan).nunique()) if "event_id" in frame else ("article_id", lambda s: 0),
        undated=("_date", lambda s: int(s.isna().sum())),
        first=("_date", "min"),
        last=("_date", "max"),
    ).reset_index()
    missing = [o for o in dropped.index if o not in set(table["outlet"])]
    if missing:  # every article of these off-topic: still listed, with 0 articles
        table = pd.concat([table, pd.DataFrame({"outlet": missing, "articles": 0, "events": 0, "undated": 0})],
                          ignore_index=True).sort_values("outlet", ignore_index=True)
    table["off_topic_excluded"] = table["outlet"].map(dropped).fillna(0).astype(int)
    return table


def outlet_name_terms(outlets) -> frozenset[str]:
    """The word tokens of outlet names (``"Fox News"`` -> fox, news; ``"dawn.com"`` -> dawn, com),
    left out of the distinctive terms so an outlet is not told apart by its own name."""
    return frozenset(t for o in outlets for t in tokenise(str(o)))


def _group_values(frame: pd.DataFrame, by: str) -> pd.Series:
    """The group of every row for ``compare(by=...)`` (None where a row has none)."""
    if by in ("outlet", "event"):
        return frame["outlet"].fillna("").astype(str)
    if by == "month" and "month" not in frame.columns:
        dates = pd.to_datetime(frame.get("published"), errors="coerce")
        if getattr(dates.dt, "tz", None) is not None:
            dates = dates.dt.tz_convert("UTC").dt.tz_localize(None)
        return pd.Series([None if pd.isna(d) else f"{d.year:04d}-{d.month:02d}" for d in dates], index=frame.index,
                         dtype=object)
    if by == "storyline" and "storyline" not in frame.columns:
        by = "storyline_id"
    if by not in frame.columns:
        extra = [c for c in frame.columns if not str(c).startswith(("frame:", "axis:"))]
        raise ValueError(f"by={by!r}: no such column; group by outlet, event, month, storyline or one of the "
                         f"score table's columns: {', '.join(map(str, extra))}")
    values = frame[by]

    def text(v):
        if v is None or (not isinstance(v, str) and pd.isna(v)):
            return None
        if isinstance(v, float) and v.is_integer():
            v = int(v)
        if isinstance(v, pd.Timestamp):
            return v.date().isoformat() if v == v.normalize() else v.isoformat()
        out = str(v).strip()
        return out or None

    out = pd.Series([text(v) for v in values], index=frame.index, dtype=object)
    n = out.nunique()
    if n > MAX_GROUPS:
        raise ValueError(f"by={by!r}: {n} distinct values, more than the {MAX_GROUPS} groups a comparison can show; "
                         "bin the column first (e.g. a year or a category)")
    return out


def _rename_groups(table: pd.DataFrame, to_group: bool) -> pd.DataFrame:
    if to_group:
        return table.rename(columns={"outlet": "group", "outlet_a": "group_a", "outlet_b": "group_b"})
    return table.rename(columns={"group": "outlet", "group_a": "outlet_a", "group_b": "outlet_b",
                                 "other": "other_outlet"})


def _matched_tables(frame, measures, event_column, n_boot, n_perm, rng, unmatched) -> dict[str, pd.DataFrame]:
    from framing.matched import agenda, matched_differences

    table = matched_differences(frame, measures, group="outlet", event_column=event_column, n_boot=n_boot,
                                n_perm=n_perm, random_state=rng)
    base = unmatched[unmatched["event_id"] == ALL].set_index(["outlet_a", "outlet_b", "measure"])
    keys = list(zip(table["group_a"], table["group_b"], table["measure"]))
    for src, dst in (("difference", "unmatched_difference"), ("p_value", "unmatched_p_value"),
                     ("q_value", "unmatched_q_value")):
        table[dst] = [base[src].get(k, np.nan) for k in keys] if len(base) else np.nan
    return {"matched_differences": table, "agenda": agenda(frame, group="outlet", event_column=event_column)}


def compare(
    scores: pd.DataFrame,
    *,
    by: str = "outlet",
    texts: Mapping[str, str] | None = None,
    time_freq: str = "W",
    n_boot: int = 1000,
    n_perm: int = 2000,
    random_state=0,
    drop_off_topic: bool = True,
    top_terms: int = 20,
    prior_scale: float = 1.0,
    min_term_count: int = 3,
    matched: bool = False,
    event_column: str = "event_id",
    exclude_terms=None,
) -> Comparison:
    """Compare outlets (or any other groups) on every frame and axis score.

    Parameters
    ----------
    scores : DataFrame
        ``Analysis.scores``: ``article_id, outlet, published, event_id, frame:<id>...,
        axis:<id>...`` (and ``off_topic``, and the user's own columns).
    by : str, default "outlet"
        ``"outlet"``; ``"event"`` adds outlet rows within each event (scope ``event_id``) to
        the corpus-wide ones (scope ``"all"``); ``"month"`` (of ``published``),
        ``"storyline"`` (``storyline_id``) or any column of ``scores`` (a user column kept at
        ingest such as ``mbfc_bias``, ``country_of_outlet``, ``language``) compares those
        groups instead, in columns named ``group`` / ``group_a`` / ``group_b``. Rows without
        a group value are left out (counted in ``params["ungrouped"]``).
    texts : mapping article_id -> text, optional
        Needed for ``distinctive_terms`` (empty without it).
    time_freq : {"D", "W", "M"} or "day" / "week" / "month", default "W"
    n_boot : int, default 1000
        Bootstrap resamples for the 95% intervals.
    n_perm : int, default 2000
        Permutations per test (exact enumeration when fewer splits exist).
    random_state : int or numpy.random.Generator, default 0
    drop_off_topic : bool, default True
        Leave out articles flagged ``off_topic`` (counted in ``coverage``).
    top_terms : int, default 20
        Distinctive terms kept per outlet (and scope).
    prior_scale : float, default 1.0
        Dirichlet prior = ``prior_scale`` x corpus word counts (+0.01).
    min_term_count : int, default 3
        Words seen fewer times in the scope are not ranked.
    matched : bool, default False
        Also compute ``matched_differences`` (pairs of groups over the events both cover,
        :func:`framing.matched.matched_differences`, beside the unmatched difference) and
        ``agenda`` (:func:`framing.matched.agenda`).
    event_column : str, default "event_id"
        Which column says that articles report the same event, for ``matched`` (e.g. a
        gold ``cluster_id`` kept at ingest).
    exclude_terms : iterable of str, optional
        Words left out of the distinctive terms. Default: the tokens of the outlet names
        (:func:`outlet_name_terms`) and :data:`BOILERPLATE_TERMS`; pass ``()`` to keep all.

    Returns
    -------
    Comparison
        ``tables["means"]``: one row per (event_id, outlet, measure) with ``mean,
        ci_low, ci_high, n``; ``tables["differences"]``: one row per (event_id, outlet
        pair, measure) with ``mean_a, mean_b, difference, n_a, n_b, p_value, q_value``;
        ``tables["distinctive_terms"]``: ``event_id, outlet, term, count, count_other,
        log_odds, z, rank``; ``tables["prevalence"]``: ``outlet, period, measure, mean,
        share_top, n``; ``tables["coverage"]``; with ``matched=True`` also
        ``tables["matched_differences"]`` (``outlet_a, outlet_b, measure, n_events, n_a, n_b,
        mean_a, mean_b, difference, ci_low, ci_high, p_value, q_value, unmatched_difference,
        unmatched_p_value, unmatched_q_value``) and ``tables["agenda"]`` (``outlet,
        other_outlet, articles, events, articles_not_covered, events_not_covered,
        share_not_covered``). (``group...`` instead of ``outlet...`` for other groupings.)

    References
    ----------
    Efron & Tibshirani (1993), percentile bootstrap; Phipson & Smyth (2010), permutation
    p-values; Benjamini & Hochberg (1995), FDR; Monroe, Colaresi & Quinn (2008),
    log-odds with an informative Dirichlet prior; Fisher (1935), the sign-flip (paired)
    test of the matched differences. See :mod:`framing.stats` and :mod:`framing.matched`.

    Examples
    --------
    >>> import pandas as pd
    >>> scores = pd.DataFrame({"article_id": list("abcd"), "outlet": ["X", "X", "Y", "Y"],
    ...     "published": pd.to_datetime(["2024-01-01"] * 4), "frame:f": [0.2, 0.4, 0.6, 0.8]})
    >>> cmp = compare(scores, n_boot=100)
    >>> cmp.means[["outlet", "mean", "n"]].round(2).values.tolist()
    [['X', 0.3, 2], ['Y', 0.7, 2]]
    >>> float(cmp.differences["p_value"][0])  # doctest: +ELLIPSIS
    0.333...
    """
    if not isinstance(by, str) or not by:
        raise ValueError(f"by must be a column name, 'outlet', 'event' or 'month', got {by!r}")
    freq = _FREQ.get(str(time_freq).lower())
    if freq is None:
        raise ValueError(f"time_freq must be day/week/month (D/W/M), got {time_freq!r}")
    missing = [c for c in ("article_id", "outlet") if c not in scores.columns]
    if missing:
        raise ValueError(f"scores lacks column(s) {missing}; columns are {list(scores.columns)}")
    if by == "event" and "event_id" not in scores.columns:
        raise ValueError("by='event' needs an 'event_id' column in scores (run event clustering first)")
    if matched and event_column not in scores.columns:
        raise ValueError(f"matched=True needs the event column {event_column!r} in scores (run event clustering "
                         f"first, or name a column of your own); columns are {list(scores.columns)}")
    measures = measure_columns(scores)
    if not measures:
        raise ValueError(f"scores has no 'frame:<id>' or 'axis:<id>' columns; columns are {list(scores.columns)}")
    rng = np.random.default_rng(random_state) if not isinstance(random_state, np.random.Generator) else random_state
    frame = scores.reset_index(drop=True).copy()
    frame["outlet"] = frame["outlet"].fillna("").astype(str)
    if exclude_terms is None:
        exclude = outlet_name_terms(frame["outlet"].unique()) | BOILERPLATE_TERMS
    else:
        exclude = frozenset(str(t).lower() for t in exclude_terms)
    grouped = by not in ("outlet", "event")
    ungrouped = 0
    if grouped:
        group = _group_values(frame, by)
        ungrouped = int(group.isna().sum())
        frame = frame[group.notna().to_numpy()].reset_index(drop=True)
        frame["outlet"] = group[group.notna()].to_numpy()
    dropped = pd.Series(dtype=int)
    if drop_off_topic and "off_topic" in frame.columns:
        flag = frame["off_topic"].fillna(False).astype(bool)
        dropped = frame.loc[flag, "outlet"].value_counts()
        frame = frame[~flag].reset_index(drop=True)
    overall = pd.Series([ALL] * len(frame))
    parts_means = [_means(frame, measures, overall, n_boot, rng)]
    parts_diff = [_differences(frame, measures, overall, n_perm, rng)]
    parts_terms = [_distinctive(frame, texts, overall, top_terms, prior_scale, min_term_count, exclude)]
    if by == "event":
        events = frame["event_id"].fillna("").astype(str)
        has = events != ""
        sub = frame[has.to_numpy()].reset_index(drop=True)
        scope = events[has].reset_index(drop=True)
        parts_means.append(_means(sub, measures, scope, n_boot, rng))
        multi = scope.map(sub.groupby(scope.to_numpy())["outlet"].nunique()) >= 2
        sub2, scope2 = sub[multi.to_numpy()].reset_index(drop=True), scope[multi].reset_index(drop=True)
        parts_diff.append(_differences(sub2, measures, scope2, n_perm, rng))
        parts_terms.append(_distinctive(sub2, texts, scope2, min(top_terms, 10), prior_scale, 1, exclude))
    diffs = pd.concat([p for p in parts_diff if len(p)], ignore_index=True) if any(len(p) for p in parts_diff) else parts_diff[0]
    if len(diffs):
        diffs["q_value"] = benjamini_hochberg(diffs["p_value"].to_numpy(dtype=float))
    tables = {
        "means": pd.concat(parts_means, ignore_index=True),
        "differences": diffs,
        "distinctive_terms": pd.concat([p for p in parts_terms if len(p)] or parts_terms[:1], ignore_index=True),
        "prevalence": _prevalence(frame, measures, freq),
        "coverage": _coverage(frame, dropped),
    }
    if matched:
        tables.update(_matched_tables(frame, measures, event_column, n_boot, n_perm, rng, diffs))
    if by == "event" and "event_label" in frame.columns:
        labels = frame.drop_duplicates("event_id").set_index("event_id")["event_label"]
        for name in ("means", "differences", "distinctive_terms"):
            tables[name].insert(1, "event_label", tables[name]["event_id"].map(labels).fillna(""))
    tables = {name: _rename_groups(t, grouped) for name, t in tables.items()}
    params = {"time_freq": freq, "n_boot": n_boot, "n_perm": n_perm,
              "random_state": random_state if isinstance(random_state, (int, type(None))) else "generator",
              "drop_off_topic": drop_off_topic, "top_terms": top_terms, "prior_scale": prior_scale,
              "min_term_count": min_term_count, "measures": measures, "q_value_family": "all rows of differences",
              "matched": matched, "event_column": event_column if matched else None, "ungrouped": ungrouped,
              "excluded_terms": len(exclude)}
    if matched:
        params["matched_q_value_family"] = "all rows of matched_differences"
    return Comparison(tables=tables, by=by, params=params)
