"""What each addition of issue 13 moves in the baseline, and which parameters matter most.

Prints the README's prediction table (``sim.run`` on the baseline, checked by
tests/integration/test_readme.py), then two markdown tables (pasted into
docs/payoff-model.md, section 9, and the README):

1. **Additions one by one**: the axiomatic models' deals on ``scenarios/japan_us_2025.yaml``
   with the additions switched off (US producers' weights, the precedent multiplier, the
   investment pledge's and the currency clause's values set to 0: the earlier baseline plus a
   steel issue nobody weighs), then switched on one at a time, cumulatively, up to the
   baseline.  Computed with ``sim.evaluate`` (one draw per row).
2. **One at a time over the declared ranges**: for every number the baseline declares with a
   range, the Nash deal at the low and the high end of the range (everything else at its
   value); rows sorted by the swing of the Nash car tariff, then of Japan's gain.

Usage: ``python scripts/baseline_changes.py [--top 15]``
"""

from __future__ import annotations

import argparse
from pathlib import Path

import pandas as pd

import sim

ROOT = Path(__file__).resolve().parents[1]
SCENARIO = ROOT / "scenarios" / "japan_us_2025.yaml"
MODELS = ["nash_bargaining", "kalai_smorodinsky", "utilitarian", "egalitarian"]
SHORT = {
    "nash_bargaining": "Nash",
    "kalai_smorodinsky": "KS",
    "utilitarian": "util.",
    "egalitarian": "egal.",
}

OFF = {
    "payoffs.weights.US.lobbies.us_autos": 0.0,
    "payoffs.weights.US.lobbies.us_steel": 0.0,
    "payoffs.precedent.multiplier": 0.0,
    "payoffs.concessions.investment.gains.US": 0.0,
    "payoffs.concessions.investment.gains.JP": 0.0,
    "payoffs.concessions.currency.gains.US": 0.0,
    "payoffs.concessions.currency.gains.JP": 0.0,
}
STEPS = [
    ("none of the additions", []),
    ("+ US auto and steel producers (weights 0.5)", ["us_autos", "us_steel"]),
    ("+ precedent (multiplier 1)", ["precedent"]),
    ("+ investment pledge", ["investment"]),
    ("+ currency clause = baseline", ["currency"]),
]


def _concessions(deal: dict, loaded) -> str:
    """Japan's concessions in a deal, in words (the discrete issues it controls)."""
    given = [
        f"{i.id} {deal[i.id]}" if i.kind == "discrete" else i.id
        for i in loaded.scenario.issues
        if i.kind != "continuous" and deal[i.id] not in ("no", "none")
    ]
    return ", ".join(given) or "none"


def prediction_table() -> str:
    """The README's table: the four axiomatic models' deals from ``sim.run`` on the baseline."""
    loaded = sim.load(SCENARIO)
    run = sim.run(loaded, models=MODELS)
    res = [run.models[m] for m in MODELS]
    nd = loaded.scenario.disagreement.outcome
    final = {c_key: c_val for ch in loaded.scenario.disagreement.changes
             for c_key, c_val in ch.outcome.items()}  # fmt: skip
    no_deal = {k: final.get(k, v) for k, v in nd.items()}
    rows = [
        ("car tariff (%)", "car_tariff", 1),
        ("reciprocal tariff (%)", "reciprocal_tariff", 1),
        ("steel tariff (%)", "steel_tariff", 1),
        ("investment pledge ($bn)", "investment", 0),
    ]
    lines = [
        "| | Nash | Kalai–Smorodinsky | utilitarian | egalitarian | no deal |",
        "|---|---|---|---|---|---|",
    ]
    for label, issue, digits in rows:
        cells = [_fmt(r.agreement[issue], digits) for r in res]
        lines.append(f"| {label} | {' | '.join(cells)} | {no_deal[issue]:g} |")
    lines.append(
        "| Japan's concessions | "
        + " | ".join(_concessions(r.agreement, loaded) for r in res)
        + " | none |"
    )
    for label, party in (("US gain over no deal", "US"), ("Japan gain over no deal", "JP")):
        lines.append(f"| {label} | {' | '.join(_fmt(r.gains[party]) for r in res)} | |")
    return "\n".join(lines)


def _ladder() -> pd.DataFrame:
    loaded = sim.load(SCENARIO)
    declared = {p.path: p.value for p in sim.declared_parameters(loaded)}
    rows, on = [], set()
    for _, keys in STEPS:
        on |= set(keys)
        rows.append(
            {path: (declared[path] if any(k in path for k in on) else v) for path, v in OFF.items()}
        )
    return sim.evaluate(loaded, pd.DataFrame(rows), models=MODELS)


def _fmt(x, digits=1) -> str:
    return "–" if x is None or x != x else f"{x:.{digits}f}"


def ladder_table() -> str:
    out = _ladder()
    lines = [
        "| step | model | car % | steel % | reciprocal % | investment $bn | US gain | JP gain |",
        "|---|---|---:|---:|---:|---:|---:|---:|",
    ]
    for k, (label, _) in enumerate(STEPS):
        for m in MODELS:
            r = out[(out["draw"] == k) & (out["model"] == m)].iloc[0]
            lines.append(
                f"| {label if m == MODELS[0] else ''} | {SHORT[m]} "
                f"| {_fmt(r['agreement.car_tariff'])} | {_fmt(r['agreement.steel_tariff'])} "
                f"| {_fmt(r['agreement.reciprocal_tariff'])} "
                f"| {_fmt(r['agreement.investment'], 0)} "
                f"| {_fmt(r['gain.US'], 2)} | {_fmt(r['gain.JP'], 2)} |"
            )
    return "\n".join(lines)


def sensitivity_table(top: int) -> str:
    loaded = sim.load(SCENARIO)
    params = sim.declared_parameters(loaded)
    rows = []
    for p in params:
        for end in p.range:
            rows.append({p.path: end})
    draws = pd.DataFrame(rows)
    base = {p.path: p.value for p in params}
    draws = draws.fillna(value=base)[[p.path for p in params]]
    out = sim.evaluate(loaded, draws, models="nash_bargaining").set_index("draw")
    table = []
    for k, p in enumerate(params):
        lo, hi = out.loc[2 * k], out.loc[2 * k + 1]
        table.append(
            (
                abs(hi["agreement.car_tariff"] - lo["agreement.car_tariff"]),
                abs(hi["gain.JP"] - lo["gain.JP"]),
                f"| `{p.path}` | {p.value:g} ({p.range[0]:g}–{p.range[1]:g}) "
                f"| {_fmt(lo['agreement.car_tariff'])} → {_fmt(hi['agreement.car_tariff'])} "
                f"| {_fmt(lo['agreement.steel_tariff'])} → {_fmt(hi['agreement.steel_tariff'])} "
                f"| {_fmt(lo['gain.US'], 2)} → {_fmt(hi['gain.US'], 2)} "
                f"| {_fmt(lo['gain.JP'], 2)} → {_fmt(hi['gain.JP'], 2)} |",
            )
        )
    table.sort(key=lambda t: (-round(t[0], 6), -t[1]))
    head = [
        "| parameter | value (range) | Nash car % (low → high) | steel % | US gain | JP gain |",
        "|---|---|---:|---:|---:|---:|",
    ]
    return "\n".join(head + [t[2] for t in table[:top]])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--top", type=int, default=15)
    args = parser.parse_args()
    print(prediction_table())
    print()
    print(ladder_table())
    print()
    print(sensitivity_table(args.top))


if __name__ == "__main__":
    main()
