"""The result of one run: each model's result and a little run-level data, all plain data.

Everything a table or a figure shows is here, computed once by :func:`sim.api.run`: the
models' results, what holds with no deal (:class:`NoDeal`) and, for two parties, the payoff
space (:class:`sim.results.payoff_space.PayoffSpace`).  Nothing here calls back into the
outcome space.  :mod:`sim.results.folder` writes a run to disk.
"""

from __future__ import annotations

import datetime as dt
import json
import sys
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from sim.results.payoff_space import PayoffSpace
    from sim.scenario.loader import LoadedScenario

RESULTS_FORMAT_VERSION = 1
#: The version of ``sim``, read from the package already loaded (a package is imported
#: before its modules), so that results do not import the package back (no import cycle).
SIM_VERSION: str = sys.modules["sim"].__version__

#: Statuses of a model that reports an agreement (or reports that there is none).
DEAL_STATUSES = ("ok", "no_agreement")


def _now() -> str:
    return dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


@dataclass(frozen=True)
class NoDeal:
    """What holds if talks fail at one date.

    Attributes
    ----------
    at : str
        ``"final"`` (every dated change applied), ``"as_of"`` or an ISO date.
    outcome : dict
        Issue id -> value or level label.
    payoffs : dict
        Party code -> payoff (outside options included).
    """

    at: str
    outcome: Mapping[str, float | str]
    payoffs: Mapping[str, float]


@dataclass(frozen=True)
class RunResult:
    """Everything one run of a scenario produced.

    Attributes
    ----------
    loaded : LoadedScenario
        The scenario, its file, hash and resolved data.
    models : dict
        Model name -> result (each has ``to_dict()``).
    seed : int or None
        Seed of every random choice of the run (see :func:`sim.api.run`).
    created : str
        UTC time of the run, ISO 8601.
    parties : tuple of str
        Party codes, in the scenario's order.
    unit : str
        Unit of the payoffs.
    no_deals : dict
        ``at`` -> :class:`NoDeal`, for ``"final"`` and every ``disagreement_at`` a model
        bargained against.
    no_deal_path : tuple of NoDeal
        What holds with no deal from the start of the talks (the earlier of the first
        round and the as-of date) and from each dated change (``disagreement.changes``)
        on, by date (``at`` is an ISO date): the no-deal payoffs over time.
    payoff_space : PayoffSpace or None
        The two parties' payoff plane (None with more parties).
    space : OutcomeSpace or None
        The outcome space, kept for further analysis in notebooks only: nothing in
        ``sim`` reads it after the run, and a pickled run leaves it out.
    """

    loaded: LoadedScenario
    models: dict[str, Any]
    seed: int | None = None
    created: str = field(default_factory=_now)
    parties: tuple[str, ...] = ()
    unit: str = ""
    no_deals: Mapping[str, NoDeal] = field(default_factory=dict)
    no_deal_path: tuple[NoDeal, ...] = ()
    payoff_space: PayoffSpace | None = None
    space: Any = field(default=None, repr=False, compare=False)

    def __getstate__(self) -> dict[str, Any]:
        return {**self.__dict__, "space": None}  # results are plain data; the space is not

    @property
    def scenario(self):
        return self.loaded.scenario

    def assumptions(self) -> list[str]:
        """What the numbers rest on, stated next to them."""
        sc = self.scenario
        out = [
            f"payoffs are additive over issues, in {self.unit} ({sc.payoffs.model} payoff model)",
            "an agreement is one outcome the issues allow (no lotteries between outcomes)",
            "bargaining solutions bargain against the disagreement point named in their options "
            "('final' = every dated change applied, i.e. talks failed for good)",
        ]
        out.extend(sc.assumptions)
        return out

    def to_dict(self) -> dict[str, Any]:
        sc = self.scenario
        return {
            "format_version": RESULTS_FORMAT_VERSION,
            "sim_version": SIM_VERSION,
            "created": self.created,
            "seed": self.seed,
            "scenario": {
                "id": sc.id,
                "title": sc.title,
                "as_of": sc.as_of.isoformat(),
                "sha256": self.loaded.sha256,
                "path": str(self.loaded.path),
            },
            "parties": {p.code: p.name for p in sc.parties},
            "unit": self.unit,
            "assumptions": self.assumptions(),
            "models": {name: res.to_dict() for name, res in self.models.items()},
            "no_deal_path": [
                {"date": nd.at, "outcome": dict(nd.outcome), "payoffs": dict(nd.payoffs)}
                for nd in self.no_deal_path
            ],
        }

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), indent=2, sort_keys=False, allow_nan=False)

    # ------------------------------------------------------------------ deals
    def deals(self) -> dict[str, dict[str, Any]]:
        """``to_dict()`` of every model that reports an agreement, by name: status ``ok``
        with an agreement, or ``no_agreement``."""
        out = {}
        for name, res in self.models.items():
            d = res.to_dict()
            status = d.get("status")
            if status in DEAL_STATUSES and (d.get("agreement") or status == "no_agreement"):
                out[name] = d
        return out

    def no_deal(self) -> NoDeal:
        """What holds with no deal, for the deal sheet: at the ``disagreement_at`` common to
        the models of :meth:`deals` that have one (``"final"`` when they differ or none has)."""
        ats = {
            str(d["options"]["disagreement_at"])
            for d in self.deals().values()
            if isinstance(d.get("options"), dict) and "disagreement_at" in d["options"]
        }
        at = ats.pop() if len(ats) == 1 else "final"
        return self.no_deals.get(at) or self.no_deals["final"]

    def summary_frame(self):
        """One row per model of :meth:`deals` and party: status, payoff, no-deal payoff and
        gain, then the deal itself, one ``agreement.<issue>`` column per issue (pandas
        DataFrame; None where a model reports no deal)."""
        import pandas as pd

        deals = self.deals()
        issues = list(dict.fromkeys(k for d in deals.values() for k in d["agreement"] or {}))
        rows = []
        for name, d in deals.items():
            deal = d["agreement"] or {}
            for party in self.parties:
                rows.append(
                    {
                        "model": name,
                        "status": d["status"],
                        "party": party,
                        "payoff": (d.get("payoffs") or {}).get(party),
                        "disagreement": (d.get("disagreement") or {}).get(party),
                        "gain": (d.get("gains") or {}).get(party),
                        **{f"agreement.{i}": deal.get(i) for i in issues},
                    }
                )
        return pd.DataFrame(rows)

    def deal_sheet(self):
        """The predicted deals as a table: one column per model of :meth:`deals` (and "no
        deal"), one row per issue, then each party's payoff and gain (pandas DataFrame)."""
        import pandas as pd

        cols = {}
        for name, d in self.deals().items():
            col = dict(d["agreement"] or {})
            for party in self.parties:
                col[f"{party} payoff"] = (d.get("payoffs") or {}).get(party)
                col[f"{party} gain"] = (d.get("gains") or {}).get(party)
            cols[name] = col
        nd = self.no_deal()
        dis = dict(nd.outcome)
        for party in self.parties:
            dis[f"{party} payoff"] = nd.payoffs[party]
        cols["no deal"] = dis
        return pd.DataFrame(cols)

    def _repr_html_(self) -> str:
        sc = self.scenario
        head = f"<h4>{sc.title} <small>({sc.id}, sha256 {self.loaded.sha256[:12]})</small></h4>"
        return head + self.deal_sheet().to_html(na_rep="")

    # plots (rendering reads results, it never computes them)
    def plot_payoff_space(self, ax=None):
        from sim.render.plots import payoff_space

        return payoff_space(self, ax=ax)

    def plot_strategic(self):
        from sim.render.plots import strategic_heatmap

        return strategic_heatmap(self)
