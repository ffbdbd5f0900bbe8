"""Synthetic two-party trade scenarios of a chosen size, for ``bench_scale.py`` and the tests.

:func:`scale_scenario` writes a US–JP scenario with ``k`` continuous trade sectors (each
its own tariff issue, the baseline's car sector's trade model: value, elasticities, base
tariff) and ``n`` yes/no concessions by Japan (lump gains to each side, the baseline's
shipbuilding and certification figures scaled), with every model configured by default.
The numbers are the baseline's (scenarios/japan_us_2025.yaml), divided among the sectors
and concessions so that the totals stay of the baseline's size: a synthetic scenario for
measuring cost, not a forecast.
"""

from __future__ import annotations

import json
from pathlib import Path

#: The baseline's car sector (scenarios/japan_us_2025.yaml): $bn/yr, elasticities, MFN %.
CARS = {"value": 43.58, "eps": 3.8, "eta": 3.0, "base_tariff_pct": 2.5}
#: The baseline's shipbuilding concession ($bn/yr to the US and to Japan).
SHIPS = {"US": 1.0, "JP": -0.5}


def every_model(k: int, n: int) -> dict:
    """A ``models:`` section that runs all ten models (as the baseline configures them)."""
    first = "concession_1" if n else None
    deal = {"settings": {"tariff_1": 10, **({first: "yes"} if first else {})}}
    return {
        "nash_bargaining": {}, "kalai_smorodinsky": {}, "utilitarian": {}, "egalitarian": {},
        "strategic": {}, "rubinstein": {"first_proposer": "JP"},
        "deadline": {"from_date": "first_round"},
        "private_information": {
            "informed": "US", "proposer": "JP",
            "types": [{"label": "hawkish", "probability": 0.5, "adjustment": 3},
                      {"label": "keen", "probability": 0.5, "adjustment": -2}],
        },
        "two_level": {"tied_hands": "US", "win_sets": {
            "JP": {"bounds": {"tariff_1": {"max": 12.5}}},
            "US": {"bounds": {"tariff_1": {"min": 10}}, "min_gain": 0}}},
        "game_tree": {"root": "offer", "nodes": {
            "offer": {"player": "JP", "moves": {"offer": "reply", "wait": "wait"}},
            "reply": {"player": "US", "moves": {"accept": "deal", "refuse": "fail"}},
            "deal": {"outcome": deal}, "fail": {"outcome": {"no_deal": True}},
            "wait": {"outcome": {"no_deal": True}}}},
    }  # fmt: skip


def scale_data(k: int, n: int, *, models: dict | None = None) -> dict:
    """The scenario as plain data: ``k`` tariff sectors, ``n`` yes/no concessions."""
    if k < 1:
        raise ValueError("a scale scenario needs at least one sector")
    issues, outcome, sectors, concessions = [], {}, {}, {}
    for s in range(k):
        iid = f"tariff_{s + 1}"
        issues.append(
            {"id": iid, "name": f"US tariff on sector {s + 1}", "kind": "continuous",
             "unit": "%", "range": [0, 25], "controlled_by": "US"}
        )
        outcome[iid] = 25
        sectors[f"sector_{s + 1}"] = {
            "issue": iid, "importer": "US", "exporter": "JP",
            "value": round(CARS["value"] / k * (1 + 0.1 * s), 6),
            "eps": CARS["eps"], "eta": CARS["eta"] * (1 + 0.25 * s),
            "base_tariff_pct": CARS["base_tariff_pct"],
        }
    for c in range(n):
        iid = f"concession_{c + 1}"
        issues.append(
            {"id": iid, "name": f"Japanese concession {c + 1}", "kind": "binary",
             "controlled_by": "JP"}
        )
        outcome[iid] = "no"
        f = 1 + 0.5 * c / max(n, 1)
        concessions[iid] = {
            "kind": "lump", "issue": iid,
            "gains": {"US": round(SHIPS["US"] * f, 6), "JP": round(SHIPS["JP"] / f, 6)},
        }
    data = {
        "id": f"scale_k{k}_n{n}",
        "title": f"Scale test: {k} sectors, {n} concessions",
        "as_of": "2025-05-31",
        "parties": [{"code": "US", "name": "United States"}, {"code": "JP", "name": "Japan"}],
        "issues": issues,
        "disagreement": {"outcome": outcome},
        "payoffs": {"model": "trade", "sectors": sectors, "concessions": concessions},
        "calendar": {
            "rounds": [
                {"date": "2025-04-16", "label": "Round 1", "proposer": "JP"},
                {"date": "2025-05-01", "label": "Round 2", "proposer": "US"},
            ],
            "deadlines": [{"date": "2025-07-09", "label": "deadline"}],
            "discount_rate": {"US": 0.3, "JP": 0.3},
        },
    }
    if models is not None:
        data["models"] = models
    return data


def write_scale_scenario(folder: Path, k: int, n: int, *, models: dict | None = None) -> Path:
    """Write :func:`scale_data` to ``folder/scale_k{k}_n{n}.yaml``; returns the path."""
    path = Path(folder) / f"scale_k{k}_n{n}.yaml"
    path.write_text(json.dumps(scale_data(k, n, models=models), indent=1))  # JSON is YAML
    return path
