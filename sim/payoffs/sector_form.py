"""The closed forms of :mod:`sim.payoffs.trade` with their tariff-free parts computed once.

:func:`sim.payoffs.trade.sector_changes` and :func:`sim.payoffs.trade.sector_slopes` are a
:class:`SectorForm`'s :meth:`~SectorForm.changes` and :meth:`~SectorForm.slopes`; the batched
evaluators of :mod:`sim.analysis.batch_trade` build one form per sector with an entry per draw
and evaluate the draws of a batch on it, so that the per-draw and the batched payoffs are the
same floating-point operations (the formulas and references are in :mod:`sim.payoffs.trade`).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

__all__ = ["SectorForm"]


def _g(log_r: np.ndarray, k, check: bool = True) -> np.ndarray:
    """``(r**k - 1) / k`` from ``log r``, continuous at ``k = 0`` (where it is ``log r``).

    ``check=False`` when no entry of ``k`` is within ``1e-12`` of 0 (the same numbers, fewer
    array passes)."""
    if not check:
        return np.expm1(k * log_r) / k
    k = np.asarray(k, dtype=float)
    small = np.abs(k) < 1e-12
    safe_k = np.where(small, 1.0, k)
    return np.where(small, log_r, np.expm1(k * log_r) / safe_k)


def _near_zero(k) -> bool:
    return bool(np.any(np.abs(k) < 1e-12))


@dataclass(frozen=True)
class SectorForm:
    """The closed forms of one sector with their tariff-free parts computed once.

    :meth:`of` takes the keyword arguments of :func:`~sim.payoffs.trade.sector_changes`;
    :meth:`changes` and :meth:`slopes` then give :func:`~sim.payoffs.trade.sector_changes`
    and :func:`~sim.payoffs.trade.sector_slopes` at any tariffs, with the same floating-point
    operations (bit for bit).  Every field is a float or an array broadcastable against the
    tariffs: :mod:`sim.analysis.batch_trade` builds one form per sector with an entry per
    draw and evaluates the draws of a batch on it.  The names follow :mod:`sim.payoffs.trade`'s
    docstring: ``a``, ``b`` the shares, ``log_base = log(1 + t0)``; ``c_*`` and ``k_*`` are
    the scale and exponent of each ``c g(r, k)`` term, ``s_*`` and ``m_*`` those of its
    derivative ``s exp(m L) L'``; ``check`` says which exponents may be 0 and whether some
    ``eta`` is infinite.
    """

    value: np.ndarray | float
    base_tariff: np.ndarray | float
    log_base: np.ndarray | float
    eta: np.ndarray | float
    a: np.ndarray | float
    neg_b: np.ndarray | float
    neg_eps_a: np.ndarray | float
    kappa: np.ndarray | float
    c_buyers: np.ndarray | float
    k_buyers: np.ndarray | float
    c_domestic: np.ndarray | float
    k_domestic: np.ndarray | float
    k_exporter: np.ndarray | float
    s_buyers: np.ndarray | float
    m_buyers: np.ndarray | float
    k_revenue: np.ndarray | float
    s_domestic: np.ndarray | float
    m_domestic: np.ndarray | float
    s_exporter: np.ndarray | float
    m_exporter: np.ndarray | float
    quota_share: np.ndarray | float | None
    in_quota_tariff: np.ndarray | float | None
    log_rho_quota: np.ndarray | float | None
    check: tuple[bool, bool, bool, bool]

    @classmethod
    def of(
        cls,
        *,
        value,
        eps,
        eta,
        base_tariff=0.0,
        domestic_supply_value=0.0,
        domestic_supply_elasticity=1.0,
        price_transmission=1.0,
        quota_share=None,
        in_quota_tariff=None,
    ) -> SectorForm:
        """The form of :func:`~sim.payoffs.trade.sector_changes`'s keyword arguments."""
        inf = np.isinf(eta)
        eta_f = np.where(inf, 1.0, eta)
        a = np.where(inf, 1.0, eta_f / (eps + eta_f))
        b = np.where(inf, 0.0, eps / (eps + eta_f))
        c_buyers = -(1.0 + base_tariff) * value
        k_buyers, k_domestic, k_exporter = 1.0 - eps, 1.0 + domestic_supply_elasticity, 1.0 + eta_f
        kappa, dsv = price_transmission, domestic_supply_value
        return cls(
            value=value,
            base_tariff=base_tariff,
            log_base=np.log1p(base_tariff),
            eta=eta,
            a=a,
            neg_b=-b,
            neg_eps_a=-eps * a,
            kappa=kappa,
            c_buyers=c_buyers,
            k_buyers=k_buyers,
            c_domestic=dsv,
            k_domestic=k_domestic,
            k_exporter=k_exporter,
            s_buyers=c_buyers * a,
            m_buyers=k_buyers * a,
            k_revenue=b + eps * a,
            s_domestic=dsv * kappa * a,
            m_domestic=k_domestic * kappa * a,
            s_exporter=-value * b,
            m_exporter=-k_exporter * b,
            quota_share=quota_share,
            in_quota_tariff=in_quota_tariff,
            log_rho_quota=None if quota_share is None else -np.log(quota_share) / (eps * a),
            check=(
                _near_zero(k_buyers),
                _near_zero(k_domestic),
                _near_zero(k_exporter),
                bool(np.any(inf)),
            ),
        )

    def _exporter(self, term):
        """The exporter's term, 0 where ``eta`` is infinite (a small country)."""
        return np.where(np.isinf(self.eta), 0.0, term) if self.check[3] else term

    def with_fields(self, values: dict) -> SectorForm:
        """This form with the fields ``values`` replaced as they are (no recomputation; for
        the draws of a batch gathered from a form with one entry per draw)."""
        out = object.__new__(SectorForm)
        out.__dict__.update(self.__dict__)
        out.__dict__.update(values)
        return out

    def changes(self, tariff, *, memo: bool = True, domestic: bool = True) -> dict[str, np.ndarray]:
        """:func:`~sim.payoffs.trade.sector_changes` at ``tariff``; ``memo=False`` leaves out
        ``effective_tariff`` and, without a quota, ``quota_rent`` (0); ``domestic=False``
        leaves out ``domestic_producer_surplus``."""
        t = np.asarray(tariff, dtype=float)
        log_rho = np.log1p(t) - self.log_base
        quota = self.quota_share is not None
        if quota:
            # tariff-rate quota: the tariff at the margin is t_in while imports fit in the
            # quota, t once they exceed it, and in between the rate at which M equals the quota
            t_in = t if self.in_quota_tariff is None else np.minimum(self.in_quota_tariff, t)
            log_rho_in = np.log1p(t_in) - self.log_base
            log_rho = np.clip(self.log_rho_quota, log_rho_in, np.maximum(log_rho, log_rho_in))
            t = (1.0 + self.base_tariff) * np.exp(log_rho) - 1.0
        log_p = self.a * log_rho
        log_pw = self.neg_b * log_rho
        log_q = self.neg_eps_a * log_rho
        revenue = self.value * (t * np.exp(log_pw + log_q) - self.base_tariff)
        out = {"log_price": log_p, "log_world_price": log_pw, "log_quantity": log_q}
        if memo:
            out["effective_tariff"] = t + 0.0 * log_rho
        if quota:
            rent = self.value * (t - t_in) * np.exp(log_pw) * self.quota_share
            revenue = revenue - rent
            out["quota_rent"] = rent
        elif memo:
            out["quota_rent"] = 0.0 * t
        check = self.check
        out["buyers"] = self.c_buyers * _g(log_p, self.k_buyers, check[0])
        out["revenue"] = revenue
        if domestic:
            out["domestic_producer_surplus"] = self.c_domestic * _g(
                self.kappa * log_p, self.k_domestic, check[1]
            )
        out["exporter"] = self._exporter(self.value * _g(log_pw, self.k_exporter, check[2]))
        return out

    def slopes(self, tariff, *, domestic: bool = True) -> dict[str, np.ndarray]:
        """:func:`~sim.payoffs.trade.sector_slopes` at ``tariff`` (``domestic=False``: without
        ``domestic_producer_surplus``)."""
        t = np.asarray(tariff, dtype=float)
        log_rho = np.log1p(t) - self.log_base
        dl = 1.0 / (1.0 + t)
        k = self.k_revenue
        out = {
            "buyers": self.s_buyers * np.exp(self.m_buyers * log_rho) * dl,
            "revenue": self.value * np.exp(-k * log_rho) * (1.0 - k * t * dl),
            "exporter": self._exporter(self.s_exporter * np.exp(self.m_exporter * log_rho) * dl),
        }
        if domestic:
            out["domestic_producer_surplus"] = (
                self.s_domestic * np.exp(self.m_domestic * log_rho) * dl
            )
        return out
