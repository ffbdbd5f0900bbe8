"""The Python API: what the CLI calls and what notebooks import.

>>> import sim
>>> run = sim.run("scenarios/japan_us_2025.yaml")            # doctest: +SKIP
>>> run.models["nash_bargaining"].agreement                    # doctest: +SKIP
>>> run.summary_frame()                                        # doctest: +SKIP
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from contextlib import contextmanager
from pathlib import Path

from sim.errors import UnknownModelError
from sim.scenario.loader import LoadedScenario, load_scenario


def load(path: str | Path) -> LoadedScenario:
    """Load and validate a scenario file (``extends:`` resolved).

    Raises
    ------
    sim.errors.ScenarioError
        Naming the file, line and field of every problem.

    The result's ``warnings`` hold the plausibility warnings (:mod:`sim.plausibility`:
    numbers probably in the wrong unit), with file and line.
    """
    from sim.plausibility import with_warnings

    return with_warnings(load_scenario(path))


def validate(path: str | Path | LoadedScenario) -> LoadedScenario:
    """Check a scenario without running it: everything ``run`` checks before solving (the
    schema, references, every selected model's size (:func:`model_sizes`), the outcome
    space and its payoffs); ``warnings`` as :func:`load`.

    Raises
    ------
    sim.errors.ScenarioError
        For a problem in the file, or a model over a size limit (which model, how large,
        the limit and what to change, at the file and line that set the size).
    """
    loaded = path if isinstance(path, LoadedScenario) else load(path)
    check_sizes(loaded, loaded.scenario.models.selected())
    _space(loaded).disagreement_point()
    return loaded


def _space(loaded: LoadedScenario):
    """The scenario's outcome space; payoffs that cannot be compiled (a value function
    that cannot be interpolated within its tolerance) are a problem in the file."""
    from sim.space import OutcomeSpace

    try:
        return OutcomeSpace.from_scenario(loaded.scenario)
    except (ValueError, ArithmeticError) as exc:
        from sim.scenario.loader import scenario_error

        problem = [(("payoffs",), f"cannot compile the payoffs: {exc}")]
        raise scenario_error(loaded.path, problem) from None


def model_sizes(scenario: LoadedScenario, models: Iterable[str]) -> dict:
    """Model name -> its estimated sizes (:class:`sim.models._size.Size`), from the
    scenario alone (nothing is built)."""
    from sim import registry

    return {name: registry.sizes(name, scenario.scenario) for name in models}


def check_sizes(scenario: LoadedScenario, models: Iterable[str]) -> None:
    """Raise a :class:`~sim.errors.ScenarioError` naming every model over a size limit."""
    from sim.models._size import grouped

    found = [
        (size.loc, size.message(names))
        for names, size in grouped(model_sizes(scenario, models))
        if size.exceeded
    ]
    if found:
        from sim.scenario.loader import scenario_error

        raise scenario_error(scenario.path, found)


def modify(scenario: str | Path | LoadedScenario, changes: dict) -> LoadedScenario:
    """A copy of a scenario with changes at dotted paths, validated (see
    :func:`sim.scenario.modify.modify`)."""
    from sim.scenario.modify import modify as _modify

    loaded = scenario if isinstance(scenario, LoadedScenario) else load_scenario(scenario)
    return _modify(loaded, changes)


def evaluate(scenario: str | Path | LoadedScenario, draws, *, models=None):
    """Records of models over a table of parameter draws, one row per (draw, model) (see
    :func:`sim.analysis.evaluate.evaluate`)."""
    from sim.analysis.evaluate import evaluate as _evaluate

    return _evaluate(scenario, draws, models=models)


def compare(
    scenario: str | Path | LoadedScenario,
    packages=None,
    *,
    all_combinations: bool = False,
    models=None,
    samples: int = 0,
    seed: int | None = None,
):
    """Concession packages compared under each model, one row per (package, model[, draw])
    (see :func:`sim.analysis.compare.compare`)."""
    from sim.analysis.compare import compare as _compare

    return _compare(
        scenario,
        packages,
        all_combinations=all_combinations,
        models=models,
        samples=samples,
        seed=seed,
    )


def sweep(
    scenario: str | Path | LoadedScenario | None = None,
    *,
    samples: int = 1024,
    method: str = "sobol",
    grid=(),
    params=None,
    models=None,
    seed: int | None = None,
    out: str | Path | None = None,
    workers: int = 1,
    scheduler: str | None = None,
    chunk_size: int | None = None,
    resume: str | Path | None = None,
    progress: bool = False,
) -> Path:
    """Evaluate models over a design of draws into a sweep folder (Parquet chunks and a
    manifest); returns the folder (see :mod:`sim.analysis.sweep` and
    :func:`sim.analysis.design.make_design`).  ``resume`` finishes an interrupted sweep.
    A finished sweep of the prior (``mc``, ``lhs``, ``sobol``) also holds ``forecast.json``
    (:mod:`sim.analysis.forecast`).

    ``models`` defaults to the scenario's models that are solved as arrays over draws
    (``nash_bargaining``, ``utilitarian``), or all its models if it selects neither.

    Raises
    ------
    sim.errors.ScenarioError, sim.errors.UnknownModelError, ValueError
    """
    from sim.analysis.sweep import CHUNK_SIZE, run_sweep

    kw = {"workers": workers, "scheduler": scheduler, "progress": progress}
    if resume is not None:
        loaded = load_scenario(scenario) if isinstance(scenario, str | Path) else scenario
        return _with_forecast(run_sweep(loaded, resume=resume, **kw))
    from sim.analysis.design import make_design
    from sim.analysis.evaluate import BATCHED
    from sim.registry import MODELS

    loaded = scenario if isinstance(scenario, LoadedScenario) else load_scenario(scenario)
    if models is None:
        selected = loaded.scenario.models.selected()
        models = [m for m in selected if m in BATCHED] or selected
    models = [models] if isinstance(models, str) else list(models)
    unknown = [m for m in models if m not in MODELS]
    if unknown:
        raise UnknownModelError(f"no model {unknown[0]!r}; models: {', '.join(MODELS)}")
    grid, params = list(grid or ()), list(params) if params else None
    design = make_design(loaded, method=method, samples=samples, seed=seed, params=params,
                         grid=grid)
    from sim.analysis.parameters import check_columns

    draws = design.draws()
    check_columns(loaded, draws)  # grid values within the declared ranges
    args = {"method": method, "samples": samples, "params": params, "grid": grid}
    return _with_forecast(run_sweep(loaded, design, models=models, out=out,
                                    chunk_size=chunk_size or CHUNK_SIZE, args=args, draws=draws,
                                    **kw))


def _with_forecast(folder: Path) -> Path:
    """A finished sweep's folder, with its forecast.json (:func:`sim.analysis.forecast.
    sweep_forecast`: mc, lhs and sobol designs, which sample the prior)."""
    from sim.analysis.forecast import sweep_forecast

    sweep_forecast(folder)
    return folder


def analyse_sweep(folder: str | Path, *, outcome: str | None = None, discover=(),
                  plots: bool = True) -> Path:
    """Sobol'/Morris indices, tornado, grid means, issue distributions, agreement by date
    and PRIM boxes of a finished sweep, written to ``<folder>/analysis`` (see
    :func:`sim.analysis.sweep_report.analyse_sweep`)."""
    from sim.analysis.sweep_report import analyse_sweep as _analyse

    return _analyse(folder, outcome=outcome, discover=discover, plots=plots)


def forecast(
    scenario: str | Path | LoadedScenario,
    *,
    samples: int | None = None,
    seed: int | None = None,
    models=None,
) -> dict:
    """A forecast to store (``forecast.json``): each model's predictive distribution over
    the scenario's uncertainty, with the as-of date, the scenario's hash and the resolution
    rule (see :mod:`sim.analysis.forecast`).  ``samples`` defaults to
    :data:`~sim.analysis.forecast.FORECAST_SAMPLES` draws of the sweep sampler (``lhs``)."""
    from sim.analysis.backtest import predict
    from sim.analysis.forecast import FORECAST_SAMPLES, forecast_payload, predictives

    loaded = scenario if isinstance(scenario, LoadedScenario) else load_scenario(scenario)
    models = list(models or loaded.scenario.models.selected())
    n = samples or FORECAST_SAMPLES
    design, table = predict(loaded, samples=n, seed=seed, models=models)
    args = {"method": design.method, "samples": n, "seed": design.seed}
    return forecast_payload(predictives(table, loaded.scenario), loaded,
                            made_by="sim run --forecast", design=args)


def backtest(
    scenario: str | Path | LoadedScenario | None,
    observed: str | Path,
    *,
    samples: int | None = None,
    seed: int | None = None,
    models=None,
    tolerance: float = 0.05,
    forecast: str | Path | None = None,
):
    """Score each model's forecast against what happened (see :mod:`sim.analysis.backtest`
    and docs/backtest.md).

    Parameters
    ----------
    scenario : path or LoadedScenario or None
        The scenario; with ``forecast``, optional (the forecast's folder holds it; when
        given, its hash must be the forecast's).
    observed : path
        An observed-outcome file (:mod:`sim.scenario.observed`).
    samples, seed : int, optional
        Draws of the sweep sampler (``lhs``; default
        :data:`~sim.analysis.forecast.FORECAST_SAMPLES`) and its seed.
    models : iterable of str, optional
        Default: the scenario's models.
    tolerance : float
        ABC calibration: share of an issue's span within which a draw reproduces it.
    forecast : path, optional
        A run or sweep folder holding ``forecast.json``: scored as stored, nothing re-run.

    Returns
    -------
    sim.results.backtest.BacktestResult

    Raises
    ------
    sim.errors.ScenarioError
        A problem in the observed-outcome file (file, line, field), the scenario, or the
        forecast.
    """
    from sim.analysis import backtest as bt
    from sim.analysis import forecast as fc
    from sim.results.backtest import BacktestResult
    from sim.scenario.observed import load_observed

    notes: list[str] = []
    args = {"samples": samples, "seed": seed, "models": list(models) if models else None,
            "tolerance": tolerance, "forecast": str(forecast) if forecast else None}
    if forecast is not None:
        payload, preds = fc.read_forecast(forecast)
        stored = fc.forecast_scenario(forecast, payload)
        if scenario is not None:
            given = scenario if isinstance(scenario, LoadedScenario) else load(scenario)
            if given.sha256 != payload["scenario"]["sha256"]:
                from sim.errors import ScenarioError

                raise ScenarioError.single(given.path, None, "", "this is not the scenario "
                                           "the forecast was made for (its hash differs)")
        loaded = stored
        obs = load_observed(observed, loaded.scenario)
        if models:
            preds = {m: p for m, p in preds.items() if m in set(models)}
        table = calibration = None
        meta = {"id": payload["scenario"]["id"], "sha256": payload["scenario"]["sha256"],
                "as_of": payload["as_of"], "forecast_created": payload["created"]}
        notes.append(f"stored forecast of {payload['created']} scored as it was; no "
                     "calibration (a stored forecast keeps no parameter draws)")
    else:
        loaded = scenario if isinstance(scenario, LoadedScenario) else load(scenario)
        obs = load_observed(observed, loaded.scenario)  # bad input fails before solving
        models = list(models or loaded.scenario.models.selected())
        n = samples or fc.FORECAST_SAMPLES
        design, table = bt.predict(loaded, samples=n, seed=seed, models=models)
        preds = fc.predictives(table, loaded.scenario)
        meta = {"id": loaded.scenario.id, "sha256": loaded.sha256,
                "as_of": str(loaded.scenario.as_of)}
        args.update(samples=n, seed=design.seed, method=design.method)
        from sim.analysis.calibrate import calibrate

        calibration = calibrate(table, design.factors, obs, loaded.scenario,
                                tolerance=tolerance)
    sc = loaded.scenario
    undated = [m for m, p in preds.items() if p.dates is None and p.n]
    if undated:
        notes.append(f"{', '.join(undated)}: no probability of agreement by a date "
                     f"({bt.NO_TIMING})")
    for m, p in preds.items():
        if p.not_run:
            notes.append(f"{m}: did not run on {p.not_run} draw(s), left out")
    scored = bt.score(preds, obs, sc)
    for row in scored[scored["outside"] != ""].itertuples():
        notes.append(f"{row.model}: {row.observation} = {row.observed} lies {row.outside} "
                     f"(predicted 5-95 %: {row.p05:.4g} to {row.p95:.4g})")
    return BacktestResult(scores=scored, models=bt.model_table(scored, preds),
                          coverage=bt.coverage_curve(preds, obs, sc), calibration=calibration,
                          predictive=preds, table=table, observed=obs, scenario=meta,
                          arguments=args, notes=tuple(notes))


def save_backtest(result, out: str | Path | None = None, *, plots: bool = True) -> Path:
    """Write a backtest folder (tables, backtest.json, figures); returns its path (see
    :mod:`sim.results.backtest`)."""
    from sim.results.backtest import write_backtest

    return write_backtest(result, Path(out) if out is not None else None, plots=plots)


def declared_parameters(scenario: str | Path | LoadedScenario) -> list:
    """Every number the scenario declares with a ``range`` (see
    :func:`sim.analysis.parameters.declared_parameters`)."""
    from sim.analysis.parameters import declared_parameters as _declared

    loaded = scenario if isinstance(scenario, LoadedScenario) else load_scenario(scenario)
    return _declared(loaded)


def model_names() -> list[str]:
    """Names of every registered model."""
    from sim.registry import MODELS

    return list(MODELS)


def run(
    scenario: str | Path | LoadedScenario,
    *,
    models: Iterable[str] | None = None,
    seed: int | None = None,
):
    """Solve a scenario with its models (or the ``models`` named here).

    Parameters
    ----------
    scenario : path or LoadedScenario
    models : iterable of str, optional
        Model names; default: those the scenario's ``models:`` section selects. A model not
        configured in the scenario runs with its default options.
    seed : int, optional
        Seed of every random choice (homotopy starts, sampling): each model draws from its
        own stream of ``numpy.random.SeedSequence(seed)``, the payoff-space sample of the
        figures from another; recorded in the results.  None is seed 0.

    Returns
    -------
    sim.results.RunResult

    Raises
    ------
    sim.errors.ScenarioError
        If a model named here needs two parties and the scenario has more.
    """
    from sim import registry
    from sim.results import RunResult

    loaded = scenario if isinstance(scenario, LoadedScenario) else load_scenario(scenario)
    sc = loaded.scenario
    names = list(models) if models else sc.models.selected()
    unknown = [n for n in names if n not in registry.MODELS]
    if unknown:
        raise UnknownModelError(
            f"no model {unknown[0]!r}; models: {', '.join(registry.MODELS)}"
        )
    from sim.scenario.references import model_party_problems

    too_many = model_party_problems(sc, names)
    if too_many:  # e.g. `sim run --model nash_bargaining` on a three-party scenario
        from sim.scenario.loader import scenario_error

        raise scenario_error(loaded.path, [(("parties",), m) for m in too_many])
    check_sizes(loaded, names)
    space = _space(loaded)
    rngs = registry.rngs(seed)
    results = {}
    for name in names:
        options = getattr(sc.models, name, None)
        if options is None:
            options = registry.options_class(name)()
        with _memory(f"model {name!r}"):
            results[name] = _solve(name, space, options, rngs[name])
    with _memory("the payoff-space summary of the figures"):
        payoff_space = _payoff_space(space, seed)
    return RunResult(
        loaded=loaded,
        models=results,
        seed=seed,
        parties=tuple(space.parties),
        unit=space.values.unit,
        no_deals=_no_deals(space, results),
        no_deal_path=_no_deal_path(space),
        payoff_space=payoff_space,
        space=space,
    )


@contextmanager
def _memory(what: str):
    """Turn a ``MemoryError`` into a :class:`~sim.errors.TooLargeError` naming ``what``."""
    from sim.errors import TooLargeError

    try:
        yield
    except MemoryError:
        raise TooLargeError(
            f"{what} ran out of memory: the scenario is too large for this machine; "
            "`sim validate` shows each model's size (fewer issues, levels or strategies, "
            "or --model to run fewer models)"
        ) from None


def _solve(name: str, space, options, rng):
    """One model's result; a model that cannot solve this scenario (its maths refuses the
    numbers: a discount factor of 0, a degenerate weight) or whose answer is not finite
    reports ``not_run`` with the reason, so the other models' results are still written."""
    import json

    from sim import registry

    module = registry.model(name)
    try:
        result = module.run(space, options, rng=rng)
    except (ValueError, ArithmeticError) as exc:
        return module.Result.not_run(name, f"cannot solve this scenario: {exc}")
    try:
        json.dumps(result.to_dict(), allow_nan=False, default=str)
    except ValueError:
        return module.Result.not_run(
            name, "its answer is not a finite number for these inputs (check extreme values)"
        )
    return result


def _no_deals(space, results) -> dict:
    """What holds with no deal at "final" and at every ``disagreement_at`` a model used."""
    from sim.results.run import NoDeal

    ats = ["final"]
    for res in results.values():
        at = getattr(res, "options", None)
        at = at.get("disagreement_at") if isinstance(at, dict) else None
        if at is not None and str(at) not in ats:
            ats.append(str(at))
    out = {}
    for at in ats:
        when = at if at in ("final", "as_of") else dt.date.fromisoformat(at)
        pay = space.disagreement_point(when)
        out[at] = NoDeal(
            at=at,
            outcome=space.describe(space.disagreement_outcome(when)),
            payoffs={p: float(v) for p, v in zip(space.parties, pay, strict=True)},
        )
    return out


def _no_deal_path(space) -> tuple:
    """What holds with no deal from the start of the talks (the first round or the as-of
    date, whichever is earlier) and from each dated change on: the timeline figure's data."""
    from sim.results.run import NoDeal

    sc = space.scenario
    start = min([sc.as_of, *(r.date for r in sc.calendar.rounds)])
    dates = sorted({start, *(c.date for c in sc.disagreement.changes)})
    out = []
    for when in dates:
        pay = space.disagreement_point(when)
        out.append(
            NoDeal(
                at=when.isoformat(),
                outcome=space.describe(space.disagreement_outcome(when)),
                payoffs={p: float(v) for p, v in zip(space.parties, pay, strict=True)},
            )
        )
    return tuple(out)


def _payoff_space(space, seed: int | None):
    """The run's payoff-space summary (two parties only), its sample drawn from a stream of
    ``SeedSequence(seed)`` apart from every model's.  None when the utility set is over its
    size limit (:func:`sim.models._size.utility_set_size`): the models that do not need it
    still run, without the payoff-space figure."""
    if len(space.parties) != 2:
        return None
    from sim.models._size import utility_set_size

    if any(size.exceeded for size in utility_set_size(space.scenario)):
        return None
    import numpy as np

    from sim.results.payoff_space import summarise

    ss = np.random.SeedSequence(0 if seed is None else seed, spawn_key=(PAYOFF_SPACE_STREAM,))
    return summarise(space, rng=np.random.default_rng(ss))


#: Spawn key of the run's own random stream (models' streams are 0, 1, ... in registry order).
PAYOFF_SPACE_STREAM = 2**31 - 1


def explain(
    scenario: str | Path | LoadedScenario,
    *,
    outcome: dict | list[str] | None = None,
    package: str | None = None,
):
    """How each party's payoff of an outcome is built up, with the inputs' sources.

    Parameters
    ----------
    scenario : path or LoadedScenario
    outcome : dict issue id -> setting, or list of ``"ISSUE=VALUE"`` strings, optional
        Settings applied to the status quo (the disagreement outcome as of the scenario's
        date), after ``package``.  An empty one (``{}``) changes nothing: the status quo.
    package : str, optional
        A package id applied to the status quo.

    Returns
    -------
    sim.explanation.Explanation
        The status quo and the full concession package if neither argument is given, else
        the one outcome asked for; ``to_frame()``, ``totals_frame()``, ``to_dict()``.

    Raises
    ------
    ValueError
        On an unknown issue or package or a value an issue does not allow.
    """
    from sim.explanation import explain_scenario, parse_outcome

    loaded = scenario if isinstance(scenario, LoadedScenario) else load_scenario(scenario)
    sc = loaded.scenario
    if isinstance(outcome, list | tuple):
        outcome = parse_outcome(sc, outcome)
    return explain_scenario(sc, outcome=outcome, package=package)


def save(result, out: str | Path | None = None, *, plots: bool | str = "png,svg",
         forecast: dict | None = None) -> Path:
    """Write a run folder (results.json, resolved scenario, figures); returns its path.

    ``plots`` names the figure formats: ``"png,svg"`` (default), ``"png"``, ``"svg"`` or
    ``"none"`` (a bool is accepted: True for both formats, False for none).  ``forecast``
    (from :func:`forecast`) is written as the folder's ``forecast.json``.
    """
    from sim.results.folder import write_run

    extra = None
    if forecast is not None:
        from sim.analysis.forecast import forecast_text

        extra = {"forecast.json": forecast_text(forecast)}
    return write_run(result, Path(out) if out is not None else None, plots=plots, extra=extra)


#: Titles of the run's figures in a report, by the plot function drawing them.
_FIGURE_TITLES = {
    "payoff_space": "Payoff space: every outcome, the Pareto frontier, no deal and each "
    "model's deal",
    "strategic_heatmap": "The strategic game: payoffs of each pair of strategies",
    "timeline": "Timeline: rounds, deadline and when each dynamic model agrees",
    "win_sets": "Win-sets: what each side can ratify",
}


def report(
    scenario: str | Path | LoadedScenario,
    out: str | Path | None = None,
    *,
    compare: bool = False,
    sweep: int = 0,
    models: Iterable[str] | None = None,
    seed: int | None = None,
) -> Path:
    """Write one self-contained HTML report of a scenario (see :mod:`sim.render.report`).

    It shows the scenario in words, every parameter with its range and the fact it cites
    (in-page links to the facts, with their articles), the deal sheet, each model's
    equilibria, the figures as inline SVG, the assumptions and caveats, the scenario's hash,
    the seed and the ``sim`` version.

    Parameters
    ----------
    scenario : path or LoadedScenario
    out : path, optional
        The HTML file to write; never overwritten (``-2``... is added to a name taken).
        Default ``runs/<scenario id>/report-<UTC timestamp>.html``.
    compare : bool
        Add the comparison of the scenario's concession packages (:func:`compare`).
    sweep : int
        With N > 0, add the sensitivity of the deal to the scenario's uncertain numbers: a
        Sobol' sweep of at most N draws (:func:`sweep`, its default models), its indices,
        the predicted issue values and the probability of agreement by date.
    models : iterable of str, optional
        As :func:`run`.
    seed : int, optional
        As :func:`run` (and the comparison's draws).

    Returns
    -------
    Path
        The file written.
    """
    from sim.analysis.parameters import quantities
    from sim.facts import load_facts
    from sim.render import plots
    from sim.render.report import ReportInputs, render_report, write_report
    from sim.results.folder import figure_functions
    from sim.results.run import SIM_VERSION
    from sim.scenario.references import iter_sources

    loaded = scenario if isinstance(scenario, LoadedScenario) else load_scenario(scenario)
    result = run(loaded, models=models, seed=seed)
    sc = loaded.scenario
    figures = {
        _FIGURE_TITLES.get(fn, fn): getattr(plots, fn)(result)
        for fn in figure_functions(result).values()
    }
    inputs = {}
    if compare:
        from sim.analysis.compare import compare as compare_packages
        from sim.render.compare_plots import cost_relief, rank_heatmap

        table = compare_packages(loaded, models=models, seed=seed)
        inputs["comparison"] = table
        inputs["comparison_figures"] = {
            "Cost to the giver against tariff relief bought, by model": cost_relief(table),
            "Rank of each package under each model": rank_heatmap(table),
        }
    if sweep:
        inputs.update(_sensitivity(loaded, sweep, seed))
    digest = load_facts(loaded.path.parent / sc.facts if sc.facts else None)
    html = render_report(
        ReportInputs(
            run=result,
            quantities=quantities(loaded),
            cited=[fact_id for _, fact_id in iter_sources(sc)],
            digest=digest,
            figures=figures,
            sim_version=SIM_VERSION,
            **inputs,
        )
    )
    return write_report(html, Path(out) if out is not None else None, sc.id, result.created)


def _sensitivity(loaded: LoadedScenario, samples: int, seed: int | None) -> dict:
    """The report's sensitivity section: a Sobol' sweep in a temporary folder, analysed."""
    import tempfile

    import pandas as pd

    from sim.render import sweep_plots

    titles = {
        "sobol": "Sobol' indices: which uncertain numbers drive the outcome",
        "issues": "Predicted value of each issue over the draws",
        "agreement_by_date": "Probability of an agreement by each date",
    }
    with tempfile.TemporaryDirectory(prefix="sim-report-sweep-") as tmp:
        folder = sweep(loaded, samples=samples, method="sobol", seed=seed, out=Path(tmp) / "s")
        analysis = analyse_sweep(folder, plots=False)
        frames = {
            name: pd.read_csv(analysis / f"{name}.csv")
            for name in titles
            if (analysis / f"{name}.csv").is_file()
        }
    figures = {}
    if "sobol" in frames:
        for model, part in frames["sobol"].groupby("model", sort=False):
            figures[f"Sobol' indices ({model})"] = sweep_plots.sobol_chart(part)
    if "agreement_by_date" in frames:
        figures["Probability of an agreement by date"] = sweep_plots.agreement_curve(
            frames["agreement_by_date"]
        )
    return {
        "sensitivity": {titles[name]: frame for name, frame in frames.items()},
        "sensitivity_figures": figures,
    }


def solve_game(
    path: str | Path, *, method: str = "auto", tol: float = 1e-8, time_limit: float | None = None
):
    """Nash equilibria of a game in Gambit's ``.nfg`` or ``.efg`` format.

    Two-player strategic forms are solved with :func:`sim.equilibria.solve`; trees via
    their reduced strategic form (and by backward induction when they have perfect
    information); games with more players with :func:`sim.equilibria.solve_nplayer`.

    Returns
    -------
    sim.equilibria.files.GameSolution

    Raises
    ------
    sim.equilibria.GameFileError
        For a file that is missing or malformed (names the file and line).
    """
    from sim.equilibria.files import solve_game_file

    return solve_game_file(Path(path), method=method, tol=tol, time_limit=time_limit)


def json_schema() -> dict:
    """The JSON Schema of scenario files (for editors' autocompletion)."""
    from sim.scenario.schema import Scenario

    schema = Scenario.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "sim scenario"
    return schema
