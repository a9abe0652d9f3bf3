"""Charts of actor roles: how each outlet casts an actor."""

from __future__ import annotations

from typing import Mapping
import altair as alt
import pandas as pd

from framing.plots._base import _fit, _no_data


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
