"""Who casts whom as what: actor x outlet role shares, tested outlet differences, evidence.

All three read the table of :func:`framing.roles.score_roles` (one row per mention, with
``role`` and ``role:<id>`` probabilities). A share is the mean of a role's indicator over an
actor's mentions in a group (``share``), with a percentile bootstrap interval over mentions
(:func:`framing.stats.bootstrap_mean_ci`); the mean probability is reported beside it.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from framing.stats import benjamini_hochberg, bootstrap_mean_ci, permutation_test

SHARE_COLUMNS = ["actor", "group", "role", "n", "share", "ci_low", "ci_high", "mean_probability"]
DIFF_COLUMNS = ["actor", "role", "group_a", "group_b", "n_a", "n_b", "share_a", "share_b", "difference", "p_value",
                "q_value"]


def _roles_of(rows: pd.DataFrame) -> list[str]:
    return [c.split(":", 1)[1] for c in rows.columns if c.startswith("role:")]


#: ``by`` names that are not columns of the roles table.
BY_ALIASES = {"event": "event_id"}


def with_group(rows: pd.DataFrame, by: str, freq: str = "M") -> tuple[pd.DataFrame, str]:
    """``rows`` and the column to group by: ``event`` -> ``event_id``; ``period`` -> a new
    ``period`` column (the ``published`` date's period of ``freq``, e.g. ``M`` month, ``W``
    week, ``Q`` quarter; undated mentions get ``undated``); any other column as it is."""
    by = BY_ALIASES.get(by, by)
    if by == "period" and "period" not in rows.columns:
        dates = pd.to_datetime(rows["published"], errors="coerce")
        period = dates.dt.to_period(freq).astype(str).where(dates.notna(), "undated")
        rows = rows.assign(period=period)
    return rows, by


def _scored(rows: pd.DataFrame, level: str) -> pd.DataFrame:
    if level not in rows.columns:
        raise ValueError(f"level {level!r}: expected a column of the roles table (actor or part_of)")
    return rows[rows["role"].notna()].copy()


def role_shares(rows: pd.DataFrame, *, by: str = "outlet", level: str = "actor", actors=None, n_boot: int = 1000,
                confidence: float = 0.95, random_state=0, freq: str = "M") -> pd.DataFrame:
    """Share of each role among an actor's mentions, per group, with bootstrap intervals.

    Parameters
    ----------
    rows : DataFrame
        Output of :func:`framing.roles.score_roles`.
    by : str, default "outlet"
        Grouping column: ``outlet``, ``event`` (``event_id``), ``period`` (see :func:`with_group`),
        ``article_id`` or any other column.
    level : {"actor", "part_of"}, default "actor"
        ``part_of`` rolls agencies and armies up into their state (ISI -> Pakistan).
    actors : list of str, optional
        Only these actors.
    n_boot, confidence, random_state
        Passed to :func:`framing.stats.bootstrap_mean_ci`.

    Returns
    -------
    DataFrame with :data:`SHARE_COLUMNS` (``actor`` holds the ``level`` value), one row per
    actor, group and role (``none`` included).
    """
    rows, by = with_group(rows, by, freq)
    scored = _scored(rows, level)
    if by not in scored.columns:
        raise ValueError(f"by {by!r}: not a column of the roles table (nor event or period)")
    if actors is not None:
        scored = scored[scored[level].isin(list(actors))]
    roles = _roles_of(scored)
    out = []
    for actor, sub in scored.groupby(level, sort=True):
        groups = sub[by].astype(str).to_numpy()
        onehot = np.column_stack([(sub["role"] == r).to_numpy(float) for r in roles])
        ci = bootstrap_mean_ci(onehot, groups, n_boot=n_boot, confidence=confidence, random_state=random_state)
        probs = sub[[f"role:{r}" for r in roles]].to_numpy(float)
        for gi, g in enumerate(ci["groups"]):
            mean_p = np.nanmean(probs[groups == g], axis=0)
            for ri, r in enumerate(roles):
                out.append((actor, g, r, int(ci["n"][gi, ri]), ci["mean"][gi, ri], ci["lo"][gi, ri], ci["hi"][gi, ri],
                            mean_p[ri]))
    return pd.DataFrame(out, columns=SHARE_COLUMNS)


def role_differences(rows: pd.DataFrame, *, by: str = "outlet", level: str = "actor", actors=None,
                     min_mentions: int = 2, n_perm: int = 2000, random_state=0, freq: str = "M") -> pd.DataFrame:
    """Differences in role shares between every pair of groups, per actor and role.

    Two-sided permutation tests (:func:`framing.stats.permutation_test`) on the role
    indicator; q-values by Benjamini–Hochberg over all tests of the table.

    Parameters
    ----------
    by, freq
        As in :func:`role_shares`.
    min_mentions : int, default 2
        Groups with fewer mentions of the actor are left out.

    Returns
    -------
    DataFrame with :data:`DIFF_COLUMNS`, sorted by p-value.

    References
    ----------
    Benjamini, Y. & Hochberg, Y. (1995). *JRSS B* 57(1), 289–300.
    """
    rows, by = with_group(rows, by, freq)
    scored = _scored(rows, level)
    if by not in scored.columns:
        raise ValueError(f"by {by!r}: not a column of the roles table (nor event or period)")
    if actors is not None:
        scored = scored[scored[level].isin(list(actors))]
    roles = _roles_of(scored)
    out = []
    for actor, sub in scored.groupby(level, sort=True):
        groups = sub[by].astype(str)
        counts = groups.value_counts()
        keep = sorted(counts[counts >= min_mentions].index)
        onehot = np.column_stack([(sub["role"] == r).to_numpy(float) for r in roles])
        for i, a in enumerate(keep):
            for b in keep[i + 1:]:
                xa, xb = onehot[(groups == a).to_numpy()], onehot[(groups == b).to_numpy()]
                diff, p = permutation_test(xa, xb, n_perm=n_perm, random_state=random_state)
                for ri, r in enumerate(roles):
                    out.append((actor, r, a, b, len(xa), len(xb), xa[:, ri].mean(), xb[:, ri].mean(), diff[ri], p[ri]))
    frame = pd.DataFrame(out, columns=DIFF_COLUMNS[:-1])
    frame["q_value"] = benjamini_hochberg(frame["p_value"].to_numpy()) if len(frame) else []
    return frame.sort_values(["p_value", "actor", "role"], kind="stable").reset_index(drop=True)


def role_evidence(rows: pd.DataFrame, *, actor: str | None = None, level: str = "actor", per_role: int = 5,
                  by: str = "article_id") -> pd.DataFrame:
    """The sentences that cast an actor in each role: the most confident mentions per group and role.

    Parameters
    ----------
    actor : str, optional
        Only this actor (at ``level``); default all.
    per_role : int, default 5
        Sentences kept per actor, group and role.
    by : str, default "article_id"
        Group column (``outlet`` for evidence per outlet).

    Returns
    -------
    DataFrame: ``actor, <by>, role, probability, mention, start, end, sentence`` (+ ``article_id``,
    ``outlet``), sorted by actor, group, role and falling probability; ``none`` left out.
    """
    scored = _scored(rows, level)
    scored = scored[scored["role"] != "none"]
    if actor is not None:
        scored = scored[scored[level] == actor]
    prob = np.array([row[f"role:{r}"] for r, (_, row) in zip(scored["role"], scored.iterrows())], dtype=float) \
        if len(scored) else np.zeros(0)
    scored = scored.assign(probability=prob, actor=scored[level])
    scored = scored.sort_values(["actor", by, "role", "probability"], ascending=[True, True, True, False],
                                kind="stable")
    top = scored.groupby(["actor", by, "role"], sort=False).head(per_role)
    cols = ["actor", by, "role", "probability", "mention", "start", "end", "sentence"]
    cols += [c for c in ("article_id", "outlet") if c not in cols]
    return top[cols].reset_index(drop=True)
