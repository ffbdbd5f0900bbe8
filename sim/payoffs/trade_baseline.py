"""A baseline-like US–Japan trade-payoff section, calibrated from ../shared/FACTS.md.

``BASELINE_PAYOFFS`` is plain data in the shape of the scenario's ``payoffs:`` YAML section
(the lead moves it into ``scenarios/``); :func:`baseline_trade_spec` validates it.  Every
figure cites its FACTS.md fact (table id and source) or is marked ``n/f`` with a range.
Derived figures say how they were derived.  Units: $bn/yr, tariffs in %, volumes in Mt/yr.
"""

from __future__ import annotations

from sim.payoffs.trade_spec import TradePayoffs

__all__ = [
    "BASELINE_ISSUES",
    "BASELINE_PAYOFFS",
    "FULL_PACKAGE",
    "STATUS_QUO",
    "YEN_PER_USD",
    "baseline_trade_spec",
]

_A1_MOF = "FACTS.md A1: TASS/Kyodo via usfijitimes 2025-04-18 (MOF)"
_A1_AP = "FACTS.md A1: AP via usafricaonline.com 2025-07-23 (2024 data)"
YEN_PER_USD = 21.3e12 / 149.6e9
"""¥/$ implied by Japan's 2024 exports to the US, ¥21.3tn = $149.6bn (FACTS.md A1, MOF via
TASS/Kyodo): about 142.4."""

_US_AUTO = 52.3  # $bn, vehicles & parts, FACTS.md A1 (AP)
_CAR_SHARE = 6.0 / 7.2  # MOF: vehicles >¥6tn of ¥7.2tn autos + parts (FACTS.md A1)
_STEEL = 302.7e9 / YEN_PER_USD / 1e9  # ¥302.7bn (FACTS.md A1, Reuters) -> $bn
_ALU = 0.06  # 20 kt (FACTS.md A1, NHK, U) x 3,000 $/t (n/f)
_CARS = round(_US_AUTO * _CAR_SHARE, 2)
_PARTS = round(_US_AUTO - _CARS, 2)
_OTHER = round(148.2 - _US_AUTO - _STEEL - _ALU, 1)

_ARMINGTON = {
    "value": 3.8,
    "range": [2.5, 5.1],
    "source": "FACTS.md C: Bajzik et al., VoxEU 2020-09-23 (Armington median)",
    "note": "sector-specific US import-demand elasticity n/f; the Armington median as guide",
}
_PASS_THROUGH = (
    "n/f; complete pass-through of the 2018 US tariffs (FACTS.md C: Amiti, Redding & "
    "Weinstein 2019; Fajgelbaum et al. 2020) points to a large eta"
)

_CAR_ETA = (
    _PASS_THROUGH + "; low end: carmakers expecting to absorb part of the tariff (FACTS.md A1: "
    "UBS via WardsAuto >¥3.5tn; Toyota ¥180bn for Apr-May, Japan Times 2025-05-08)"
)


def _sector(issue, value, eta, base=0.0, **extra):
    return {
        "issue": issue,
        "importer": "us",
        "exporter": "japan",
        "value": value,
        "eps": _ARMINGTON,
        "eta": eta,
        "base_tariff_pct": base,
        **extra,
    }


BASELINE_PAYOFFS: dict = {
    "model": "trade",
    "sectors": {
        "cars": _sector(
            "car_tariff",
            {
                "value": _CARS,
                "range": [42.1, 46.2],
                "source": f"{_A1_AP}; MOF split A1",
                "note": "52.3 x 6.0/7.2 (vehicles >¥6tn of ¥7.2tn, nippon.com/Yomiuri); range: "
                "¥6.0tn at 142.4 ¥/$ to 52.3 minus the low end of parts",
            },
            {"value": 10.0, "range": [1.5, 100.0], "source": "n/f", "note": _CAR_ETA},
            base={"value": 2.5, "source": "FACTS.md A3: MFN 2.5% (National Herald 2025-09-16)"},
            exporter_lobby="carmakers",
        ),
        "auto_parts": _sector(
            "parts_tariff",
            {
                "value": _PARTS,
                "range": [6.1, 11.3],
                "source": f"{_A1_AP}; derived",
                "note": "52.3 minus cars; ¥1.2tn (U, 7.2 - 6.0) in A1; range +-30 %",
            },
            {"value": 10.0, "range": [1.5, 100.0], "source": "n/f", "note": _CAR_ETA},
            base={"value": 0.0, "range": [0.0, 2.5], "source": "n/f (MFN on parts)"},
            exporter_lobby="carmakers",
        ),
        "steel": _sector(
            "steel_tariff",
            {
                "value": round(_STEEL, 2),
                "range": [2.0, 2.13],
                "source": "FACTS.md A1: Reuters via inkl (¥302.7bn at 142.4 ¥/$)",
                "note": "low end scaled by 1.11/1.18 Mt (NHK vs AISI tonnage)",
            },
            {
                "value": 3.0,
                "range": [1.0, 10.0],
                "source": "n/f",
                "note": "steel exporters cut prices (FACTS.md C: Amiti, Redding & Weinstein 2020)",
            },
            base={"value": 0.0, "range": [0.0, 1.0], "source": "n/f (MFN on steel)"},
            domestic_supply_value={
                "value": round(_STEEL, 2),
                "range": [0.0, 21.0],
                "source": "n/f",
                "note": "US output competing with Japanese steel; central "
                "= the imports it competes with",
            },
            domestic_supply_elasticity={"value": 1.0, "range": [0.2, 3.0], "source": "n/f"},
            importer_lobby="steel",
        ),
        "aluminium": _sector(
            "aluminium_tariff",
            {
                "value": _ALU,
                "range": [0.03, 0.12],
                "source": "FACTS.md A1: NHK via goo blog",
                "note": "~20 kt (U) x price n/f 2,000-4,000 $/t; wider for the tonnage",
            },
            {"value": 10.0, "range": [3.0, 100.0], "source": "n/f", "note": _PASS_THROUGH},
            base={"value": 0.0, "range": [0.0, 3.0], "source": "n/f (MFN on aluminium)"},
        ),
        "other_goods": _sector(
            "reciprocal_tariff",
            {
                "value": _OTHER,
                "range": [70.0, _OTHER],
                "source": f"{_A1_AP}; derived",
                "note": "148.2 - vehicles & parts - steel - aluminium; share of goods exempt "
                "from the reciprocal tariff n/f (low end: a quarter exempt)",
            },
            {"value": 20.0, "range": [5.0, 100.0], "source": "n/f", "note": _PASS_THROUGH},
            base={"value": 0.0, "range": [0.0, 3.5], "source": "n/f (average US MFN)"},
        ),
    },
    "concessions": {
        "corn": {
            "kind": "purchase",
            "issue": "corn_purchases",
            "buyer": "japan",
            "seller": "us",
            "diverted_from": "Brazil",
            "seller_lobby": "farm",
            "price_usd_per_t": {
                "value": 230.0,
                "range": [180.0, 425.0],
                "source": "n/f",
                "note": "upper end: $5.95bn / 14 Mt corn-equivalent (FACTS.md "
                "A2, US Grains Council; U, includes co-products)",
            },
            "seller_margin": {
                "value": 0.1,
                "range": [0.0, 0.3],
                "source": "n/f",
                "note": "extra sales to Japan mostly displace US sales elsewhere",
            },
            "buyer_premium": {
                "value": 0.03,
                "range": [0.0, 0.1],
                "source": "n/f",
                "note": "US over Brazilian corn delivered to Japan",
            },
            "base_volume_mt": {
                "value": 6.7,
                "source": "FACTS.md A2: nippon.com 2025-05-13 (MOF, 2023)",
            },
            "max_extra_mt": {"value": 6.6, "source": "FACTS.md A2: Brazil's 6.6 Mt (2023)"},
        },
        "soybeans": {
            "kind": "purchase",
            "issue": "soy_purchases",
            "buyer": "japan",
            "seller": "us",
            "diverted_from": "Brazil and Canada",
            "seller_lobby": "farm",
            "price_usd_per_t": {
                "value": 595.0,
                "range": [400.0, 650.0],
                "source": "derived",
                "note": "$1.31bn soy products MY2023/24 (FACTS.md A2, ASA) / "
                "2.2 Mt soybeans 2023 (A2, nippon.com); U",
            },
            "seller_margin": {"value": 0.1, "range": [0.0, 0.3], "source": "n/f"},
            "buyer_premium": {"value": 0.03, "range": [0.0, 0.1], "source": "n/f"},
            "base_volume_mt": {"value": 2.2, "source": "FACTS.md A2: nippon.com 2025-05-13"},
            "max_extra_mt": {"value": 1.0, "source": "FACTS.md A2: Brazil 0.7 + Canada 0.3 Mt"},
        },
        "rice": {
            "kind": "purchase",
            "issue": "rice_purchases",
            "buyer": "japan",
            "seller": "us",
            "diverted_from": "Thailand (within the MA quota)",
            "seller_lobby": "farm",
            "price_usd_per_t": {"value": 900.0, "range": [500.0, 1500.0], "source": "n/f"},
            "seller_margin": {"value": 0.15, "range": [0.0, 0.3], "source": "n/f"},
            "buyer_premium": {
                "value": 0.2,
                "range": [0.0, 0.5],
                "source": "n/f",
                "note": "US medium-grain over Thai rice",
            },
            "base_volume_mt": {"value": 0.346, "source": "FACTS.md A2: nippon.com (FY2024 MA)"},
            "max_extra_mt": {"value": 0.424, "source": "FACTS.md A2: 770 kt MA quota - 346 kt"},
        },
        "lng": {
            "kind": "purchase",
            "issue": "lng_purchases",
            "buyer": "japan",
            "seller": "us",
            "diverted_from": "other LNG suppliers",
            "price_usd_per_t": {"value": 550.0, "range": [350.0, 800.0], "source": "n/f"},
            "seller_margin": {"value": 0.15, "range": [0.05, 0.3], "source": "n/f"},
            "buyer_premium": {
                "value": 0.0,
                "range": [-0.1, 0.1],
                "source": "n/f",
                "note": "US LNG may be cheaper or dearer than current contracts",
            },
        },
        "shipbuilding": {
            "kind": "lump",
            "issue": "shipbuilding",
            "unit": "yes/no",
            "gains": {
                "us": {"value": 1.0, "range": [0.0, 5.0], "source": "n/f"},
                "japan": {
                    "value": -0.5,
                    "range": [-2.0, 1.0],
                    "source": "n/f",
                    "note": "investment and know-how transfer; orders may offset",
                },
            },
        },
        "certification": {
            "kind": "lump",
            "issue": "vehicle_certification",
            "unit": "yes/no",
            "gains": {
                "us": {"value": 0.2, "range": [0.0, 1.0], "source": "n/f"},
                "japan": {"value": -0.05, "range": [-0.3, 0.0], "source": "n/f"},
            },
        },
        "alaska_lng": {
            "kind": "lump",
            "issue": "alaska_lng",
            "unit": "yes/no",
            "gains": {
                "us": {"value": 2.0, "range": [0.0, 10.0], "source": "n/f"},
                "japan": {"value": -1.0, "range": [-5.0, 0.5], "source": "n/f"},
            },
        },
        "investment": {
            "kind": "lump",
            "issue": "investment_pledge",
            "unit": "$bn pledged",
            "gains": {
                "us": {
                    "value": 0.05,
                    "range": [0.0, 0.1],
                    "source": "n/f",
                    "note": "annual benefit per $bn pledged",
                },
                "japan": {
                    "value": -0.02,
                    "range": [-0.05, 0.02],
                    "source": "n/f",
                    "note": "annual return shortfall per $bn pledged",
                },
            },
        },
    },
    "weights": {
        "us": {
            "lobbies": {
                "steel": {"value": 0.5, "range": [0.0, 2.0], "source": "n/f (Grossman-Helpman)"},
                "farm": {"value": 0.5, "range": [0.0, 2.0], "source": "n/f (Grossman-Helpman)"},
            }
        },
        "japan": {
            "lobbies": {
                "carmakers": {
                    "value": 0.5,
                    "range": [0.0, 2.0],
                    "source": "n/f (Grossman-Helpman)",
                    "note": "the auto industry is a cornerstone (seeds)",
                }
            },
            "election_premium": [
                {
                    "issue": "car_tariff",
                    "zero_at": 25.0,
                    "full_at": 0.0,
                    "value": {
                        "value": 1.0,
                        "range": [0.0, 5.0],
                        "source": "n/f",
                        "note": "upper-house election in summer 2025 (seeds)",
                    },
                }
            ],
        },
    },
}

BASELINE_ISSUES: dict = {
    "car_tariff": "continuous",
    "parts_tariff": "continuous",
    "steel_tariff": "continuous",
    "aluminium_tariff": "continuous",
    "reciprocal_tariff": "continuous",
    "corn_purchases": {"kind": "discrete", "levels": {"none": 0.0, "+1 Mt": 1.0, "+3 Mt": 3.0}},
    "soy_purchases": {"kind": "discrete", "levels": {"none": 0.0, "+0.5 Mt": 0.5, "+1 Mt": 1.0}},
    "rice_purchases": {
        "kind": "discrete",
        "levels": {"none": 0.0, "+0.1 Mt": 0.1, "all MA": 0.424},
    },
    "lng_purchases": "continuous",
    "shipbuilding": "binary",
    "vehicle_certification": "binary",
    "alaska_lng": "binary",
    "investment_pledge": "continuous",
}
"""Issue descriptions for the baseline (the scenario defines them; these are for tests/docs)."""

STATUS_QUO: dict = {
    "car_tariff": 25.0,
    "parts_tariff": 25.0,
    "steel_tariff": 25.0,
    "aluminium_tariff": 25.0,
    "reciprocal_tariff": 10.0,
    "corn_purchases": 0.0,
    "soy_purchases": 0.0,
    "rice_purchases": 0.0,
    "lng_purchases": 0.0,
    "shipbuilding": 0.0,
    "vehicle_certification": 0.0,
    "alaska_lng": 0.0,
    "investment_pledge": 0.0,
}
"""May 2025: 25 % on cars, parts, steel, aluminium (FACTS.md A3), 10 % reciprocal baseline."""

FULL_PACKAGE: dict = {
    "car_tariff": 0.0,
    "parts_tariff": 0.0,
    "steel_tariff": 25.0,
    "aluminium_tariff": 25.0,
    "reciprocal_tariff": 0.0,
    "corn_purchases": 3.0,
    "soy_purchases": 1.0,
    "rice_purchases": 0.424,
    "lng_purchases": 5.0,
    "shipbuilding": 1.0,
    "vehicle_certification": 1.0,
    "alaska_lng": 1.0,
    "investment_pledge": 100.0,
}
"""Japan's demands met (car, parts and reciprocal tariffs removed) for every concession."""


def baseline_trade_spec() -> TradePayoffs:
    """The validated baseline ``payoffs`` section (see ``docs/payoff-model.md``)."""
    return TradePayoffs.model_validate(BASELINE_PAYOFFS)
