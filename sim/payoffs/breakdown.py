"""The one explanation type: a payoff broken down by party, item and component.

:func:`sim.payoffs.trade_explain.explain` breaks one outcome of the trade model down into
an :class:`ExplainedOutcome`; :func:`sim.explanation.explain_scenario` gathers the outcomes of
a scenario (trade or linear payoffs) into an :class:`Explanation`, which ``sim explain``
prints (:mod:`sim.render.explain`).  Plain data only: nothing here computes a payoff.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass, field, fields

__all__ = ["ExplainRow", "ExplainedOutcome", "Explanation"]


@dataclass(frozen=True)
class ExplainRow:
    """One component of one party's payoff at one outcome (``value`` in the payoff unit).

    ``kind`` is ``welfare``, ``political`` or ``memo``; memo rows decompose the same welfare
    another way and are not counted in the party's objective.
    """

    party: str
    item: str
    issue: str
    issue_value: float
    level: str | None
    component: str
    kind: str
    value: float
    inputs: str

    @property
    def counted(self) -> bool:
        """Whether the row is part of the party's objective (memo rows are not)."""
        return self.kind != "memo"

    def cells(self) -> list:
        """The fields in order, then ``counted``: one row of :data:`COLUMNS`."""
        return [*asdict(self).values(), self.counted]


#: Columns of the tidy tables (:meth:`ExplainedOutcome.to_frame`).
COLUMNS = (*(f.name for f in fields(ExplainRow)), "counted")


def _totals(rows: Iterable[ExplainRow]) -> dict[str, dict[str, float]]:
    out: dict[str, dict[str, float]] = {}
    for r in rows:
        t = out.setdefault(r.party, {"welfare": 0.0, "political": 0.0, "objective": 0.0})
        if r.counted:
            t["political" if r.kind == "political" else "welfare"] += r.value
            t["objective"] += r.value
    return out


@dataclass(frozen=True)
class ExplainedOutcome:
    """One outcome, the rows of each party's payoff there, and their totals."""

    label: str
    outcome: Mapping[str, float | str]
    rows: tuple[ExplainRow, ...]

    def totals(self) -> dict[str, dict[str, float]]:
        """Per party: ``welfare``, ``political`` and ``objective`` (their sum: the payoff the
        solvers use, up to the interpolation tolerance of continuous issues).

        Sums the counted rows: ``political`` rows as political, the rest as welfare.
        """
        return _totals(self.rows)

    def to_dict(self) -> dict:
        """JSON-safe builtins: the label, the outcome, the rows and the totals."""
        return {
            "label": self.label,
            "outcome": dict(self.outcome),
            "rows": [asdict(r) | {"counted": r.counted} for r in self.rows],
            "totals": self.totals(),
        }

    def to_frame(self):
        """A tidy pandas DataFrame, one row per component (plus ``counted``)."""
        import pandas as pd

        return pd.DataFrame([r.cells() for r in self.rows], columns=list(COLUMNS))


@dataclass(frozen=True)
class Explanation:
    """The explained outcomes of one scenario."""

    scenario_id: str
    payoff_model: str
    unit: str
    parties: tuple[str, ...]
    outcomes: tuple[ExplainedOutcome, ...]
    #: Dotted path -> note of every number with no fact ("no fact: see note").
    notes: Mapping[str, str] = field(default_factory=dict)
    #: Per party, the payoff of the one outcome asked for minus the status quo's (None when
    #: the status quo is among the outcomes).
    difference: Mapping[str, float] | None = None

    def to_dict(self) -> dict:
        """JSON-safe builtins."""
        return {
            "scenario_id": self.scenario_id,
            "payoff_model": self.payoff_model,
            "unit": self.unit,
            "outcomes": [o.to_dict() for o in self.outcomes],
            "notes": dict(self.notes),
            "difference_from_status_quo": None
            if self.difference is None
            else dict(self.difference),
        }

    def row_notes(self, item: str) -> str:
        """The notes of the numbers of one sector or concession (``field: note; ...``)."""
        out = []
        for path, note in self.notes.items():
            parts = path.split(".")
            if len(parts) > 3 and parts[0] == "payoffs" and parts[2] == item:
                out.append(f"{'.'.join(parts[3:])}: {note}")
        return "; ".join(out)

    def to_frame(self):
        """A tidy pandas DataFrame: one row per outcome (its label) and component; when some
        numbers cite no fact, a ``notes`` column with the notes of each row's numbers."""
        import pandas as pd

        extra = ["notes"] if self.notes else []
        data = [
            [o.label, *r.cells(), *([self.row_notes(r.item)] if extra else [])]
            for o in self.outcomes
            for r in o.rows
        ]
        return pd.DataFrame(data, columns=["outcome", *COLUMNS, *extra])

    def totals_frame(self):
        """Per outcome and party: welfare, political and objective (in ``unit``)."""
        import pandas as pd

        data = [
            {"outcome": o.label, "party": p, **t}
            for o in self.outcomes
            for p, t in o.totals().items()
        ]
        return pd.DataFrame(data, columns=["outcome", "party", "welfare", "political", "objective"])
