"""Partial-equilibrium welfare effects of a tariff on one traded sector.

One sector is one market: a large importer with a constant-elasticity import demand
``M(p) = M0 (p / p0) ** -eps`` and a foreign exporter with a constant-elasticity export
supply ``X(p*) = M0 (p* / p*0) ** eta``.  An ad-valorem tariff ``t`` drives a wedge
``p = (1 + t) p*`` between the importer's domestic price ``p`` and the world (exporter's)
price ``p*``.  Everything is measured as a change from the *base* equilibrium at the base
tariff ``t0`` (for example the MFN rate), in the units of the base trade value (``$bn/yr``).

Why constant elasticities (and not linear curves): the elasticities the literature reports
(Armington / trade elasticities, pass-through) are constant-elasticity parameters, so they
enter the model as estimated; the equilibrium is in closed form for every tariff (no root
finding, exact vectorisation); quantities never turn negative for large tariffs; and the
optimal tariff of a large importer is *exactly* ``1 / eta`` (with linear curves it is ``1/eta``
only with ``eta`` evaluated at the optimum, not at the calibration point).

Closed forms (``rho = (1 + t) / (1 + t0)``, ``a = eta / (eps + eta)``, ``b = eps / (eps + eta)``):

* domestic price ``p / p0 = rho ** a``; world price ``p* / p*0 = rho ** -b``;
  quantity ``M / M0 = rho ** (-eps * a)``.  ``a`` is the pass-through of the tariff to the
  importer's price (elasticity of ``p`` with respect to ``1 + t``); it tends to 1 (complete
  pass-through) as ``eta -> inf``.
* importer's buyers' surplus (consumers net of import-competing producers)
  ``dB = -(1 + t0) V0 * g(rho ** a, 1 - eps)`` with ``g(r, k) = (r**k - 1) / k``
  (``log r`` at ``k = 0``), ``V0 = p*0 M0`` the base trade value at world prices;
* tariff revenue ``dR = V0 (t * rho ** (-b - eps * a) - t0)``;
* exporter's producer surplus ``dX = V0 * g(rho ** -b, 1 + eta)`` (zero when ``eta = inf``);
* terms-of-trade gain of the importer ``ToT = (p*0 - p*) M = V0 (1 - rho ** -b) rho ** (-eps a)``
  and its deadweight loss ``DWL = ToT - (dB + dR)`` (a memo decomposition of the same total).

References
----------
Feenstra, R. C. (2016), *Advanced International Trade*, 2nd ed., ch. 7 (tariffs under
perfect competition, optimal tariff ``1 / eta``).  Johnson, H. G. (1953), "Optimum tariffs
and retaliation", *RES* 21(2).  Amiti, Redding & Weinstein (2019), *JEP* 33(4) and
Fajgelbaum et al. (2020), *QJE* 135(1): complete pass-through of the 2018 US tariffs
(the ``eta -> inf`` limit).
"""

from __future__ import annotations

from dataclasses import dataclass, fields

import numpy as np

__all__ = [
    "SectorWelfare",
    "optimal_tariff",
    "pass_through",
    "sector_changes",
    "sector_welfare",
]


def _g(log_r: np.ndarray, k: np.ndarray) -> np.ndarray:
    """``(r**k - 1) / k`` from ``log r``, continuous at ``k = 0`` (where it is ``log r``)."""
    k = np.asarray(k, dtype=float)
    small = np.abs(k) < 1e-12
    safe_k = np.where(small, 1.0, k)
    return np.where(small, log_r, np.expm1(k * log_r) / safe_k)


def pass_through(eps: float | np.ndarray, eta: float | np.ndarray) -> np.ndarray:
    """Pass-through of a tariff to the importer's domestic price, ``eta / (eps + eta)``.

    With constant-elasticity import demand (``eps``) and export supply (``eta``) this is the
    exact elasticity of the domestic price with respect to ``1 + t``; the exporter absorbs
    the rest, ``eps / (eps + eta)``.  Complete pass-through (``eta = inf``) returns 1.

    Examples
    --------
    >>> float(pass_through(3.0, 9.0))
    0.75
    >>> float(pass_through(3.8, np.inf))
    1.0
    """
    eps = np.asarray(eps, dtype=float)
    eta = np.asarray(eta, dtype=float)
    return np.where(np.isinf(eta), 1.0, eta / (eps + np.where(np.isinf(eta), 1.0, eta)))


def optimal_tariff(eta: float | np.ndarray) -> np.ndarray:
    """Optimal (welfare-maximising) ad-valorem tariff of a large importer, ``1 / eta``.

    The inverse of the foreign export-supply elasticity (Johnson 1953; Feenstra 2016,
    ch. 7); exact here because ``eta`` is constant along the supply curve.  Zero for a small
    country (``eta = inf``).

    Examples
    --------
    >>> float(optimal_tariff(4.0))
    0.25
    """
    return 1.0 / np.asarray(eta, dtype=float)


@dataclass(frozen=True)
class SectorWelfare:
    """Welfare changes from the base equilibrium, one entry per tariff (arrays, ``$bn/yr``).

    ``consumer_surplus + domestic_producer_surplus + tariff_revenue == importer_welfare``;
    ``terms_of_trade - deadweight_loss == importer_welfare`` (memo decomposition);
    ``exporter_welfare`` is the exporter's producer surplus change.  Prices and quantity are
    ratios to their base values.
    """

    tariff: np.ndarray
    consumer_surplus: np.ndarray
    domestic_producer_surplus: np.ndarray
    tariff_revenue: np.ndarray
    importer_welfare: np.ndarray
    exporter_welfare: np.ndarray
    terms_of_trade: np.ndarray
    deadweight_loss: np.ndarray
    domestic_price: np.ndarray
    world_price: np.ndarray
    quantity: np.ndarray
    import_value: np.ndarray

    def to_frame(self):
        """One row per tariff, one column per field (a pandas DataFrame)."""
        import pandas as pd

        return pd.DataFrame({f.name: np.ravel(getattr(self, f.name)) for f in fields(self)})


def sector_changes(
    tariff,
    *,
    value,
    eps,
    eta,
    base_tariff=0.0,
    domestic_supply_value=0.0,
    domestic_supply_elasticity=1.0,
) -> dict[str, np.ndarray]:
    """The closed forms of the module docstring, every argument broadcastable (no checks).

    The core of :func:`sector_welfare` (which checks its arguments and adds the memo
    decomposition); :mod:`sim.analysis.batch_trade` calls it with one parameter value per
    draw.  ``eta`` may be ``inf`` (complete pass-through) entry by entry.

    Returns
    -------
    dict of arrays
        ``log_price``, ``log_world_price``, ``log_quantity`` (logs of the ratios to base),
        ``buyers`` (``dB``), ``revenue`` (``dR``), ``domestic_producer_surplus`` (``dS``) and
        ``exporter`` (``dX``), in the units of ``value``.
    """
    t = np.asarray(tariff, dtype=float)
    small = np.isinf(eta)
    eta_f = np.where(small, 1.0, eta)
    a = np.where(small, 1.0, eta_f / (eps + eta_f))
    b = np.where(small, 0.0, eps / (eps + eta_f))
    log_rho = np.log1p(t) - np.log1p(base_tariff)
    log_p = a * log_rho
    log_pw = -b * log_rho
    log_q = -eps * a * log_rho
    return {
        "log_price": log_p,
        "log_world_price": log_pw,
        "log_quantity": log_q,
        "buyers": -(1.0 + base_tariff) * value * _g(log_p, 1.0 - eps),
        "revenue": value * (t * np.exp(log_pw + log_q) - base_tariff),
        "domestic_producer_surplus": domestic_supply_value
        * _g(log_p, 1.0 + domestic_supply_elasticity),
        "exporter": np.where(small, 0.0, value * _g(log_pw, 1.0 + eta_f)),
    }


def sector_welfare(
    tariff: float | np.ndarray,
    *,
    value: float,
    eps: float,
    eta: float,
    base_tariff: float = 0.0,
    domestic_supply_value: float = 0.0,
    domestic_supply_elasticity: float = 1.0,
) -> SectorWelfare:
    """Welfare effects of a total ad-valorem tariff on one constant-elasticity market.

    Parameters
    ----------
    tariff : float or array
        Total ad-valorem tariff as a fraction (0.275 for 27.5 %), ``> -1``.  Vectorised.
    value : float
        Trade value at the base tariff, at world (exporter's) prices, e.g. ``$bn/yr``.
    eps : float
        Import-demand elasticity (positive number), ``-d log M / d log p``.
    eta : float
        Foreign export-supply elasticity (positive, ``np.inf`` for a small importer).
    base_tariff : float
        Tariff of the base equilibrium (fraction); at ``tariff == base_tariff`` every change is 0.
    domestic_supply_value, domestic_supply_elasticity : float
        Import-competing domestic supply at base (value at domestic prices) and its price
        elasticity; only splits the buyers' surplus into consumer surplus and domestic
        producer surplus (``dS = S0 g(p/p0, 1 + e_s)``).  The importer's total is unchanged.

    Returns
    -------
    SectorWelfare
        Components as arrays shaped like ``tariff`` (see the module docstring for formulas).

    Examples
    --------
    Small country, small tariff: deadweight loss ``~ 0.5 t**2 eps V``.

    >>> w = sector_welfare(0.01, value=100.0, eps=2.0, eta=np.inf)
    >>> round(float(w.deadweight_loss) / (0.5 * 0.01**2 * 2.0 * 100.0), 2)
    0.98
    """
    t = np.asarray(tariff, dtype=float)
    if np.any(t <= -1.0) or base_tariff <= -1.0:
        raise ValueError("tariffs must be greater than -1 (a fraction, not a percentage)")
    if not eps > 0:
        raise ValueError(f"import-demand elasticity eps must be positive, got {eps}")
    if not eta > 0:
        raise ValueError(f"export-supply elasticity eta must be positive (or inf), got {eta}")
    if value < 0 or domestic_supply_value < 0:
        raise ValueError("trade value and domestic supply value must be non-negative")
    if not domestic_supply_elasticity >= 0:
        raise ValueError("domestic supply elasticity must be non-negative")

    c = sector_changes(
        t,
        value=value,
        eps=eps,
        eta=eta,
        base_tariff=base_tariff,
        domestic_supply_value=domestic_supply_value,
        domestic_supply_elasticity=domestic_supply_elasticity,
    )
    log_p, log_pw, log_q = c["log_price"], c["log_world_price"], c["log_quantity"]
    buyers, revenue, dom_ps = c["buyers"], c["revenue"], c["domestic_producer_surplus"]
    importer, exporter = buyers + revenue, c["exporter"]
    tot = value * (-np.expm1(log_pw)) * np.exp(log_q)
    return SectorWelfare(
        tariff=t,
        consumer_surplus=buyers - dom_ps,
        domestic_producer_surplus=dom_ps,
        tariff_revenue=revenue,
        importer_welfare=importer,
        exporter_welfare=exporter,
        terms_of_trade=tot,
        deadweight_loss=tot - importer,
        domestic_price=np.exp(log_p),
        world_price=np.exp(log_pw),
        quantity=np.exp(log_q),
        import_value=value * np.exp(log_pw + log_q),
    )
