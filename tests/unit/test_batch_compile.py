"""The batched payoff compile (sim.analysis.batch_values, sim.analysis.batch_trade) against the
per-draw compiler: the same breakpoints bit for bit, each point evaluated once, and the
per-draw numbers of a batch gathered into the same closed forms."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

import sim
from sim.analysis.batch_trade import Params
from sim.analysis.batch_values import adaptive_breakpoints_batch, compile_batch
from sim.payoffs.sector_form import SectorForm
from sim.payoffs.trade import sector_changes, sector_slopes
from sim.payoffs.trade_values import adaptive_breakpoints, compile_trade

ROOT = Path(__file__).resolve().parents[2]


class _Counted:
    """Two parties' values ``c exp(k x)`` and ``-c x**2`` per draw, recording every
    (draw, x) evaluated."""

    def __init__(self, c, k):
        self.c, self.k, self.seen, self.widths = c, k, [], []

    def __call__(self, x, rows):
        x = np.asarray(x, dtype=float)
        self.widths.append(x.shape[1])
        self.seen += list(zip(np.repeat(rows, x.shape[1]), x.ravel(), strict=True))
        c, k = self.c[rows][:, None], self.k[rows][:, None]
        return np.stack([c * np.exp(k * x), -c * x**2])

    def row(self, n):
        c, k = self.c[n], self.k[n]
        return [lambda x: c * np.exp(k * x), lambda x: -c * x**2]


@pytest.mark.parametrize(
    "lo, hi",
    [
        (0.0, 25.0),  # dyadic: every child's half-way probe is a parent's probe
        (0.1, 2.0 / 3.0),  # not: some halves and midpoints differ in the last bit
        (-1.0 / 3.0, np.pi),
    ],
)
def test_breakpoints_and_values_equal_the_per_draw_bisection(lo, hi):
    rng = np.random.default_rng(5)
    n = 40
    f = _Counted(rng.uniform(0.1, 3.0, n), rng.uniform(-1.5, 1.5, n) * 4.0 / (hi - lo))
    tol = rng.uniform(1e-4, 1e-2, n)
    xs, vs, count = adaptive_breakpoints_batch(f, lo, hi, n, tolerance=tol)
    for k in range(n):
        want = adaptive_breakpoints(f.row(k), lo, hi, tolerance=float(tol[k]))
        assert count[k] == len(want)
        np.testing.assert_array_equal(xs[k, : count[k]], want)
        assert (xs[k, count[k] :] == hi).all()
        for i, g in enumerate(f.row(k)):  # the kept values are the function's own
            np.testing.assert_array_equal(vs[i, k], g(xs[k]))
    # each (draw, x) evaluated once, but the first midpoint (an end of both first pieces)
    pairs = [(int(r), float(x)) for r, x in f.seen]
    assert len(pairs) - len(set(pairs)) == n
    assert max(count) > 9  # refined a few levels deep: the kept values mattered


def test_ranges_that_are_not_dyadic_evaluate_the_points_they_miss():
    """On [0.1, 2/3] the bisection meets children whose half-way probe or midpoint is not
    a parent's point bit for bit: they are evaluated (and the breakpoints still equal the
    per-draw ones, above)."""
    lo, hi = 0.1, 2.0 / 3.0
    a, b = lo, hi
    missed = 0
    for _ in range(30):
        mid = 0.5 * (a + b)
        missed += mid != a + (b - a) * 0.5
        missed += a + (mid - a) * 0.5 != a + (b - a) * 0.25
        b = mid
    assert missed > 0
    n = 3
    f = _Counted(np.ones(n), np.full(n, 3.0))
    xs, _, count = adaptive_breakpoints_batch(f, lo, hi, n, tolerance=1e-4)
    assert 1 in f.widths  # the call for the missed points (the probes are evaluated in pairs)
    single = [x for r, x in f.seen if r == 0]
    assert len(single) == len(set(single)) + 1
    want = adaptive_breakpoints(f.row(0), lo, hi, tolerance=1e-4)
    np.testing.assert_array_equal(xs[0, : count[0]], want)


def test_compiled_draws_have_the_per_draw_compilers_breakpoints():
    """compile_batch with every payoff number of the baseline drawn places, for each draw,
    exactly the breakpoints sim.modify + the per-draw compiler place."""
    import pandas as pd

    from sim.analysis.parameters import check_columns

    base = sim.load(ROOT / "scenarios" / "japan_us_2025.yaml")
    params = [p for p in sim.declared_parameters(base) if p.path.startswith("payoffs.")]
    rng = np.random.default_rng(3)
    draws = pd.DataFrame({p.path: rng.uniform(*p.range, 5) for p in params})
    arrays = check_columns(base, draws)
    values = compile_batch(base.scenario, Params(arrays, len(draws)))
    for k in range(len(draws)):
        sc = sim.modify(base, draws.iloc[k].to_dict()).scenario
        want = compile_trade(sc.payoffs, sc.issues, sc.party_codes)
        for j, issue in enumerate(sc.issues):
            if issue.kind != "continuous":
                continue
            c = values.count[j][k]
            for i in range(len(sc.party_codes)):
                np.testing.assert_array_equal(values.xs[j][k, :c], want.functions[i][j].xs)
                np.testing.assert_allclose(
                    values.vs[j][i, k, :c], want.functions[i][j].vs, rtol=1e-12, atol=1e-12
                )


KW = {
    "value": np.array([43.6, 8.7, 2.2]),
    "eps": np.array([3.8, 1.0, 2.5]),  # eps = 1: the buyers' term at its k = 0 limit
    "eta": np.array([3.0, np.inf, 5.0]),
    "base_tariff": np.array([0.025, 0.0, 0.01]),
    "domestic_supply_value": np.array([400.0, 0.0, 80.0]),
    "domestic_supply_elasticity": np.array([1.5, 0.5, 5.0]),
    "price_transmission": np.array([0.3, 1.0, 0.2]),
}


def test_a_gathered_form_gives_each_draw_its_scalar_closed_forms_bit_for_bit():
    """SectorForm built with one entry per draw and gathered for a batch's rows (as
    sim.analysis.batch_trade does) equals sector_changes / sector_slopes called with that
    draw's scalars."""
    form = SectorForm.of(**KW)
    rows = np.array([2, 0, 1, 1])
    gathered = form.with_fields(
        {k: v[rows][:, None] for k, v in vars(form).items() if np.ndim(v) == 1 and k != "check"}
    )
    t = np.array([0.0, 0.05, 0.3, 0.6])[None, :] + np.zeros((4, 1))
    got_c, got_s = gathered.changes(t), gathered.slopes(t)
    lean = gathered.changes(t, memo=False, domestic=False)
    for m, r in enumerate(rows):
        one = {k: float(v[r]) for k, v in KW.items()}
        want_c, want_s = sector_changes(t[m], **one), sector_slopes(t[m], **one)
        for key, v in want_c.items():
            np.testing.assert_array_equal(got_c[key][m], v, err_msg=key)
            if key in lean:
                np.testing.assert_array_equal(lean[key][m], v, err_msg=key)
        for key, v in want_s.items():
            np.testing.assert_array_equal(got_s[key][m], v, err_msg=key)
    assert set(lean) == {
        "log_price", "log_world_price", "log_quantity", "buyers", "revenue", "exporter"
    }  # fmt: skip
