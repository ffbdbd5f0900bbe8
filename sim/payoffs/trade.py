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

from sim.payoffs.sector_form import SectorForm

__all__ = [
    "SectorWelfare",
    "armington_transmission",
    "optimal_tariff",
    "pass_through",
    "sector_changes",
    "sector_slopes",
    "sector_welfare",
]


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


def armington_transmission(
    substitution, demand_elasticity, supply_elasticity, import_share
) -> np.ndarray:
    """Elasticity of the domestic substitute's price with respect to the import price.

    Armington (1969) demand for a domestic variety imperfectly substitutable for imports
    (elasticity of substitution ``sigma``) within a CES composite with aggregate demand
    elasticity ``e_d``, and domestic supply with price elasticity ``e_s``; log-linearised
    market clearing for the domestic good (Francois & Hall 1997, "Partial equilibrium
    modeling", in *Applied Methods for Trade Policy Analysis*, CUP, eqs. 5-8) gives

        kappa = s_m (sigma - e_d) / (e_s + sigma s_m + e_d (1 - s_m))

    with ``s_m`` the imports' share of the composite at base prices.  ``kappa`` tends to 1 as
    ``sigma -> inf`` (perfect substitutes: one price), is 0 at ``sigma = e_d`` and as
    ``e_s -> inf``.  The trade model holds it constant along the path (the constant-elasticity
    form of this first-order result).

    Examples
    --------
    >>> float(armington_transmission(np.inf, 1.0, 2.0, 0.3))
    1.0
    >>> round(float(armington_transmission(3.8, 1.0, 2.0, 0.3)), 4)
    0.2188
    """
    sigma = np.asarray(substitution, dtype=float)
    inf = np.isinf(sigma)
    sig = np.where(inf, 1.0, sigma)
    s_m = np.asarray(import_share, dtype=float)
    e_d = np.asarray(demand_elasticity, dtype=float)
    e_s = np.asarray(supply_elasticity, dtype=float)
    kappa = s_m * (sig - e_d) / (e_s + sig * s_m + e_d * (1.0 - s_m))
    return np.where(inf, 1.0, kappa)


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
    ``terms_of_trade - deadweight_loss == importer_welfare + quota_rent`` (memo
    decomposition; the rent of a tariff-rate quota is reported apart, since it may go to the
    exporter); ``exporter_welfare`` is the exporter's producer surplus change.  Prices and
    quantity are ratios to their base values; ``effective_tariff`` is the tariff at the margin
    (the tariff itself without a quota).
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
    quota_rent: np.ndarray
    effective_tariff: np.ndarray

    def to_frame(self):
        """One row per tariff, one column per field (a pandas DataFrame)."""
        import pandas as pd

        return pd.DataFrame({f.name: np.ravel(getattr(self, f.name)) for f in fields(self)})


def sector_changes(tariff, **kwargs) -> dict[str, np.ndarray]:
    """The closed forms of the module docstring, every argument broadcastable (no checks).

    The core of :func:`sector_welfare` (which checks its arguments and adds the memo
    decomposition), as :class:`~sim.payoffs.sector_form.SectorForm`, which
    :mod:`sim.analysis.batch_trade` evaluates with one parameter value per draw.  ``eta`` may
    be ``inf`` (complete pass-through) entry by entry.

    Parameters
    ----------
    tariff : float or array
    **kwargs
        ``value``, ``eps``, ``eta`` and optionally ``base_tariff``, ``domestic_supply_value``,
        ``domestic_supply_elasticity``, ``price_transmission``, ``quota_share``,
        ``in_quota_tariff``, as :func:`sector_welfare`.

    Returns
    -------
    dict of arrays
        ``log_price``, ``log_world_price``, ``log_quantity`` (logs of the ratios to base),
        ``effective_tariff``, ``buyers`` (``dB``), ``revenue`` (``dR``), ``quota_rent``,
        ``domestic_producer_surplus`` (``dS``) and ``exporter`` (``dX``), in the units of
        ``value``.
    """
    return SectorForm.of(**kwargs).changes(tariff)


def sector_welfare(
    tariff: float | np.ndarray,
    *,
    value: float,
    eps: float,
    eta: float,
    base_tariff: float = 0.0,
    domestic_supply_value: float = 0.0,
    domestic_supply_elasticity: float = 1.0,
    price_transmission: float = 1.0,
    quota_share: float | None = None,
    in_quota_tariff: float | None = None,
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
        producer surplus (``dS = S0 g((p/p0)**kappa, 1 + e_s)``).  The importer's total is
        unchanged: ``eps`` is the elasticity of the import demand that already lets domestic
        output adjust, and ``-integral M dp`` is consumers' plus domestic producers' surplus
        (Just, Hueth & Schmitz 2004, *The Welfare Economics of Public Policy*, ch. 9).
    price_transmission : float
        ``kappa``, the elasticity of the domestic substitute's price with respect to the
        import price: 1 for perfect substitutes, below 1 for Armington varieties
        (:func:`armington_transmission`).
    quota_share, in_quota_tariff : float, optional
        A tariff-rate quota: imports up to ``quota_share`` times the base quantity pay
        ``in_quota_tariff`` (total, a fraction), the rest pay ``tariff``.  The difference on
        the in-quota volume is the quota rent (``quota_rent``), ``(t_m - t_in) p* Q``, with
        ``t_m`` the tariff at the margin: ``tariff`` when imports exceed the quota, the rate
        at which they just fill it when it binds, ``t_in`` when they fall short (Skully
        2001, *Economics of Tariff-Rate Quota Administration*, USDA ERS TB-1893).

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
    if quota_share is not None and not quota_share > 0:
        raise ValueError(f"quota_share must be positive, got {quota_share}")

    c = sector_changes(
        t,
        value=value,
        eps=eps,
        eta=eta,
        base_tariff=base_tariff,
        domestic_supply_value=domestic_supply_value,
        domestic_supply_elasticity=domestic_supply_elasticity,
        price_transmission=price_transmission,
        quota_share=quota_share,
        in_quota_tariff=in_quota_tariff,
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
        deadweight_loss=tot - importer - c["quota_rent"],
        domestic_price=np.exp(log_p),
        world_price=np.exp(log_pw),
        quantity=np.exp(log_q),
        import_value=value * np.exp(log_pw + log_q),
        quota_rent=c["quota_rent"],
        effective_tariff=c["effective_tariff"],
    )


def sector_slopes(
    tariff, *, value, eps, eta, base_tariff=0.0, domestic_supply_value=0.0,
    domestic_supply_elasticity=1.0, price_transmission=1.0,
) -> dict[str, np.ndarray]:  # fmt: skip
    """Closed-form derivatives with respect to the tariff ``t`` of :func:`sector_changes`.

    With ``L = log((1 + t) / (1 + t0))`` and ``L' = 1 / (1 + t)``, every surplus term is
    ``c (exp(m L) - 1) / m`` (``c L`` at ``m = 0``), whose derivative is
    ``c exp(m L) L'``: buyers ``c = -(1 + t0) V a``, ``m = (1 - eps) a``; domestic producers
    ``c = S0 kappa a``, ``m = (1 + e_s) kappa a`` (``kappa``: price transmission);
    exporters ``c = -V b``, ``m = -(1 + eta) b``.
    Tariff revenue ``V (t exp(-k L) - t0)`` with ``k = b + eps a`` has derivative
    ``V exp(-k L) (1 - k t L')``.  At ``t = 1 / eta`` the importer's total
    ``buyers + revenue`` has zero slope (the optimal tariff, Johnson 1953).

    Without a tariff-rate quota only (the quota makes the terms kinked).

    Returns
    -------
    dict of arrays
        ``buyers``, ``revenue``, ``domestic_producer_surplus`` and ``exporter``: each
        term's derivative ``d/dt`` (units of ``value`` per unit of tariff fraction).

    Examples
    --------
    >>> s = sector_slopes(0.25, value=10.0, eps=3.0, eta=4.0)
    >>> abs(float(s["buyers"] + s["revenue"])) < 1e-12
    True
    """
    kw = {"value": value, "eps": eps, "eta": eta, "base_tariff": base_tariff}
    return SectorForm.of(
        **kw,
        domestic_supply_value=domestic_supply_value,
        domestic_supply_elasticity=domestic_supply_elasticity,
        price_transmission=price_transmission,
    ).slopes(tariff)
