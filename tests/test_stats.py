"""Statistics checked against scipy and hand-computed values on small cases."""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest
import scipy.stats

from framing.stats import benjamini_hochberg, bootstrap_mean_ci, log_odds_dirichlet, permutation_test


# ---------------------------------------------------------------- bootstrap
def test_bootstrap_means_counts_and_degenerate_cells():
    values = np.array([[1.0, np.nan], [3.0, 2.0], [5.0, np.nan], [7.0, 7.0]])
    out = bootstrap_mean_ci(values, ["a", "a", "a", "b"], n_boot=300, random_state=1)
    assert out["groups"].tolist() == ["a", "b"]
    np.testing.assert_allclose(out["mean"], [[3.0, 2.0], [7.0, 7.0]])
    assert out["n"].tolist() == [[3, 1], [1, 1]]
    # one value -> the interval is that value
    assert out["lo"][0, 1] == out["hi"][0, 1] == 2.0
    assert out["lo"][1, 0] == out["hi"][1, 0] == 7.0
    # the interval of a spread cell brackets the mean and stays within the data range
    assert 1.0 <= out["lo"][0, 0] <= 3.0 <= out["hi"][0, 0] <= 5.0
    assert out["lo"][0, 0] < out["hi"][0, 0]


def test_bootstrap_constant_column_has_zero_width():
    out = bootstrap_mean_ci(np.full(20, 0.25), n_boot=200)
    assert out["lo"][0] == out["hi"][0] == pytest.approx(0.25)


def test_bootstrap_matches_scipy_percentile_interval():
    rng = np.random.default_rng(7)
    x = rng.exponential(size=60)
    ours = bootstrap_mean_ci(x, n_boot=20000, random_state=3)
    ref = scipy.stats.bootstrap((x,), np.mean, n_resamples=20000, method="percentile", random_state=11)
    se = x.std(ddof=1) / math.sqrt(len(x))
    # two Monte Carlo estimates of the same quantiles: agree to a small fraction of the SE
    assert ours["lo"][0] == pytest.approx(ref.confidence_interval.low, abs=0.05 * se)
    assert ours["hi"][0] == pytest.approx(ref.confidence_interval.high, abs=0.05 * se)


def test_bootstrap_is_seeded_and_columns_share_resamples():
    rng = np.random.default_rng(0)
    x = rng.normal(size=(40, 3))
    a = bootstrap_mean_ci(x, n_boot=100, random_state=5)
    b = bootstrap_mean_ci(x, n_boot=100, random_state=5)
    np.testing.assert_array_equal(a["lo"], b["lo"])
    # a column that is an affine copy of another gets the affine copy of its interval
    y = np.column_stack([x[:, 0], 2 * x[:, 0] + 1])
    c = bootstrap_mean_ci(y, n_boot=100, random_state=5)
    assert c["lo"][0, 1] == pytest.approx(2 * c["lo"][0, 0] + 1)
    assert c["hi"][0, 1] == pytest.approx(2 * c["hi"][0, 0] + 1)


def test_bootstrap_rejects_bad_arguments():
    with pytest.raises(ValueError, match="confidence"):
        bootstrap_mean_ci([1.0, 2.0], confidence=95)
    with pytest.raises(ValueError, match="groups"):
        bootstrap_mean_ci([1.0, 2.0], ["a"])


# ---------------------------------------------------------------- permutation test
def _exact_by_hand(x, y):
    pooled = np.concatenate([x, y])
    obs = abs(x.mean() - y.mean())
    hits = total = 0
    for combo in itertools.combinations(range(len(pooled)), len(x)):
        mask = np.zeros(len(pooled), bool)
        mask[list(combo)] = True
        hits += abs(pooled[mask].mean() - pooled[~mask].mean()) >= obs - 1e-12
        total += 1
    return hits / total


def test_permutation_exact_against_hand_enumeration_and_scipy():
    x = np.array([0.1, 0.5, 0.9, 1.3])
    y = np.array([0.2, 0.3, 0.4])
    diff, p = permutation_test(x, y, n_perm=5000)
    assert diff == pytest.approx(x.mean() - y.mean())
    assert p == pytest.approx(_exact_by_hand(x, y))
    ref = scipy.stats.permutation_test(
        (x, y), lambda a, b: abs(np.mean(a) - np.mean(b)), permutation_type="independent",
        alternative="greater", n_resamples=np.inf,
    )  # two-sided as P(|d*| >= |d|), scipy's "greater" on the absolute difference
    assert p == pytest.approx(ref.pvalue)
    assert permutation_test([1.0, 2.0, 3.0], [4.0, 5.0, 6.0]) == (-3.0, pytest.approx(0.1))


def test_permutation_monte_carlo_close_to_exact_and_never_zero():
    rng = np.random.default_rng(2)
    x, y = rng.normal(0.0, 1, 9), rng.normal(0.8, 1, 8)  # C(17, 9) = 24310 splits
    exact = _exact_by_hand(x, y)
    _, p = permutation_test(x, y, n_perm=4000, random_state=0)
    assert p == pytest.approx(exact, abs=3 * math.sqrt(exact * (1 - exact) / 4000) + 1e-3)
    _, p_far = permutation_test(np.arange(30.0), np.arange(30.0) + 100, n_perm=500)
    assert p_far == pytest.approx(1 / 501)


def test_permutation_vectorised_over_columns_equals_column_by_column():
    rng = np.random.default_rng(4)
    x, y = rng.normal(size=(12, 3)), rng.normal(0.5, size=(10, 3))
    x[0, 1] = np.nan
    diff, p = permutation_test(x, y, n_perm=999, random_state=9)
    assert diff.shape == p.shape == (3,)
    for j in range(3):
        xj = x[:, j][~np.isnan(x[:, j])]
        assert diff[j] == pytest.approx(xj.mean() - y[:, j].mean())
    assert np.all((p > 0) & (p <= 1))
    # an empty side gives NaN, not a number
    _, p_nan = permutation_test(np.full((3, 1), np.nan), np.ones((3, 1)), n_perm=99)
    assert np.isnan(p_nan[0])


# ---------------------------------------------------------------- BH
def test_bh_matches_scipy_and_ignores_nan():
    rng = np.random.default_rng(3)
    p = rng.uniform(size=50) ** 2
    np.testing.assert_allclose(benjamini_hochberg(p), scipy.stats.false_discovery_control(p, method="bh"))
    with_nan = np.array([0.01, np.nan, 0.04, 0.03])
    q = benjamini_hochberg(with_nan)
    assert np.isnan(q[1])
    np.testing.assert_allclose(q[[0, 2, 3]], [0.03, 0.04, 0.04])  # hand: m = 3
    with pytest.raises(ValueError, match="p-values"):
        benjamini_hochberg([0.5, 1.5])


# ---------------------------------------------------------------- log-odds
def test_log_odds_dirichlet_hand_values():
    ya, yb, alpha = np.array([3.0, 1.0]), np.array([1.0, 5.0]), np.array([0.5, 1.5])
    # n_a = 4, n_b = 6, alpha_0 = 2
    d0 = math.log((3 + 0.5) / (4 + 2 - 3 - 0.5)) - math.log((1 + 0.5) / (6 + 2 - 1 - 0.5))
    v0 = 1 / 3.5 + 1 / 1.5
    delta, z = log_odds_dirichlet(ya, yb, alpha)
    assert delta[0] == pytest.approx(d0)
    assert z[0] == pytest.approx(d0 / math.sqrt(v0))
    assert z[0] > 0 > z[1]


def test_log_odds_symmetry_broadcast_and_validation():
    counts = np.array([[5.0, 0.0, 2.0], [1.0, 4.0, 2.0]])
    prior = counts.sum(axis=0) + 0.01
    delta, z = log_odds_dirichlet(counts, counts[::-1], prior)
    np.testing.assert_allclose(delta[0], -delta[1])
    np.testing.assert_allclose(z[0], -z[1])
    same, _ = log_odds_dirichlet(counts[0], counts[0], prior)
    np.testing.assert_allclose(same, 0.0)
    with pytest.raises(ValueError, match="prior"):
        log_odds_dirichlet(counts[0], counts[1], [1.0, 0.0, 1.0])
