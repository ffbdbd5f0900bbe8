"""The ``sim`` command: a thin layer over :mod:`sim.api`.

Heavy modules (numpy, matplotlib, pandas) are imported inside the commands, so that
``sim --help`` stays fast.  Bad input exits with status 2 and one line per problem.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

app = typer.Typer(
    name="sim",
    help="Negotiation scenario simulator: bargaining and equilibrium models for trade talks.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


def _version(value: bool) -> None:
    if value:
        from sim import __version__

        typer.echo(f"sim {__version__}")
        raise typer.Exit()


@app.callback()
def _main(
    version: Annotated[
        bool,
        typer.Option("--version", callback=_version, is_eager=True, help="Show the version."),
    ] = False,
) -> None:
    """Negotiation scenario simulator: bargaining and equilibrium models for trade talks."""


ScenarioArg = Annotated[
    Path, typer.Argument(help="Scenario file (YAML).", show_default=False, dir_okay=False)
]


def _fail(message: str, code: int = 2) -> None:
    typer.echo(f"error: {message}" if "\n" not in message else message, err=True)
    raise typer.Exit(code)


def _guard(fn, *args, **kwargs):
    """Run an API call; input problems become a clear message and exit status 2."""
    from sim.errors import ScenarioError, TooLargeError, UnknownModelError

    try:
        return fn(*args, **kwargs)
    except ScenarioError as exc:
        typer.echo(exc.format(), err=True)
        raise typer.Exit(2) from None
    except (UnknownModelError, TooLargeError) as exc:
        _fail(str(exc))
    except MemoryError:
        _fail("out of memory: the scenario is too large for this machine (`sim validate` "
              "shows each model's size)")  # fmt: skip


Strict = Annotated[
    bool,
    typer.Option("--strict", help="Treat plausibility warnings (likely wrong units) as errors."),
]


def _warn(loaded, strict: bool) -> None:
    """Print a scenario's plausibility warnings (file:line); with --strict they are errors."""
    for problem in loaded.warnings:
        typer.echo(f"{'error' if strict else 'warning'}: {problem}", err=True)
    if strict and loaded.warnings:
        typer.echo(f"{len(loaded.warnings)} warning(s) refused by --strict", err=True)
        raise typer.Exit(2)


@app.command()
def run(
    scenario: ScenarioArg,
    out: Annotated[
        Path | None,
        typer.Option("--out", "-o", help="Run folder to write (a name taken gets -2, -3...)."),
    ] = None,
    model: Annotated[
        list[str] | None,
        typer.Option("--model", "-m", help="Run only this model (repeatable)."),
    ] = None,
    plots: Annotated[
        str,
        typer.Option(
            "--plots",
            help="Figure formats to write: png,svg | png | svg | none.",
            metavar="FORMATS",
        ),
    ] = "png,svg",
    no_plots: Annotated[
        bool, typer.Option("--no-plots", hidden=True, help="Same as --plots none.")
    ] = False,
    export_games: Annotated[
        Path | None,
        typer.Option("--export-games", help="Also write the games as Gambit .nfg/.efg files here."),
    ] = None,
    seed: Annotated[
        int | None,
        typer.Option(
            help="Seed of every random choice: each model draws from its own stream of "
            "numpy's SeedSequence(SEED) (homotopy starts, sampling), the payoff-space figure's "
            "sample of outcomes from another; the same scenario and seed give the same "
            "results.json. Recorded there; without it seed 0 is used (recorded as null).",
        ),
    ] = None,
    strict: Strict = False,
    forecast: Annotated[
        bool,
        typer.Option("--forecast", help="Also write forecast.json: each model's predictive "
                     "bands over the scenario's uncertainty (scored later by sim backtest)."),
    ] = False,
    forecast_samples: Annotated[
        int, typer.Option("--forecast-samples", min=1, help="Draws of the forecast.")
    ] = 256,
) -> None:
    """Solve a scenario with its models, print a summary and write a run folder."""
    from sim import api
    from sim.results.folder import figure_worker, plot_formats

    try:
        formats = () if no_plots else plot_formats(plots)
    except ValueError as exc:
        _fail(f"--plots: {exc}")
    _check_out(out)
    problem = _unusable_dir(export_games)
    if problem:
        _fail(f"--export-games {export_games}: {problem}")
    with figure_worker(formats):  # draws the figures, warmed up while this process solves
        loaded = _guard(api.load, scenario)
        _warn(loaded, strict)
        result = _guard(api.run, loaded, models=model, seed=seed)
        from sim.render.tables import print_run

        print_run(result)
        ledger = None
        if forecast:
            typer.echo(f"forecast: {forecast_samples} draws of the scenario's uncertainty under "
                       f"{len(result.models)} model(s)...", err=True)
            try:
                ledger = _guard(api.forecast, loaded, samples=forecast_samples, seed=seed,
                                models=list(result.models))
            except ValueError as exc:
                _fail(f"--forecast: {exc}")
        try:
            folder = _guard(api.save, result, out, plots=formats, forecast=ledger)
        except (OSError, ValueError) as exc:
            _fail(f"cannot write the run folder: {exc}")
    typer.echo(f"\nwrote {folder}/results.json")
    if out is not None and Path(folder) != out:
        typer.echo(f"note: {out} already exists: this run is in {folder} instead")
    if ledger is not None:
        typer.echo(f"wrote {folder}/forecast.json")
    if export_games is not None:
        from sim.export import export_games as _export

        try:
            for path in _export(result, export_games):
                typer.echo(f"wrote {path}")
        except OSError as exc:
            _fail(f"cannot write the games to {export_games}: {exc}")


def _check_out(out: Path | None) -> None:
    """Exit 2 (before anything is solved) if ``--out`` names no new folder."""
    from sim.outputs import out_problem

    problem = out_problem(out)
    if problem:
        _fail(f"--out {str(out)!r}: {problem}")


def _unusable_dir(path: Path | None) -> str:
    """Why ``path`` cannot become (or hold) a folder, or "" if it can."""
    if path is None:
        return ""
    for p in (path, *path.parents):
        if p.exists():
            return "" if p.is_dir() else f"{p} exists and is not a folder"
    return ""


@app.command()
def solve(
    game_file: Annotated[
        Path, typer.Argument(help="A Gambit .nfg or .efg file.", show_default=False)
    ],
    method: Annotated[
        str,
        typer.Option("--method", "-m", help="auto, vertex, support, lemke-howson, pure."),
    ] = "auto",
    json_out: Annotated[bool, typer.Option("--json", help="Print the result as JSON.")] = False,
    tol: Annotated[
        float, typer.Option("--tol", help="Verification tolerance (x payoff range).")
    ] = 1e-8,
    time_limit: Annotated[
        float | None, typer.Option("--time-limit", help="Seconds for Lemke–Howson.")
    ] = None,
) -> None:
    """Find the Nash equilibria of a game in Gambit's .nfg or .efg format."""
    import json

    from sim import api
    from sim.equilibria.errors import GameFileError

    try:
        sol = api.solve_game(game_file, method=method, tol=tol, time_limit=time_limit)
    except GameFileError as exc:
        _fail(str(exc))
    except ValueError as exc:  # e.g. an unknown method
        _fail(f"{game_file}: {exc}")
    if json_out:
        typer.echo(json.dumps(sol.to_dict(), indent=2))
        return
    from sim.render.equilibria import print_game_solution

    print_game_solution(sol)


@app.command()
def explain(
    scenario: ScenarioArg,
    outcome: Annotated[
        list[str] | None,
        typer.Option(
            "--outcome",
            help="ISSUE=VALUE applied to the status quo (repeatable), e.g. car_tariff=10.",
        ),
    ] = None,
    package: Annotated[
        str | None, typer.Option("--package", help="A package applied to the status quo.")
    ] = None,
    notes: Annotated[
        bool,
        typer.Option("--notes", help="Show the notes of the numbers marked 'no fact: see note'."),
    ] = False,
) -> None:
    """Show how each party's payoff of an outcome is built up, with sources.

    Default: the status quo and the full concession package.
    """
    from sim import api

    try:
        result = _guard(api.explain, scenario, outcome=outcome or None, package=package)
    except ValueError as exc:
        _fail(str(exc))
    from sim.render.explain import print_explanation

    print_explanation(result, notes=notes)


@app.command()
def compare(
    scenario: ScenarioArg,
    packages: Annotated[
        str | None,
        typer.Option("--packages", help="Package ids, comma-separated (default: all)."),
    ] = None,
    all_combinations: Annotated[
        bool,
        typer.Option(
            "--all-combinations", help="Every combination of the offering side's concessions."
        ),
    ] = False,
    model: Annotated[
        list[str] | None,
        typer.Option("--model", "-m", help="Compare under this model (repeatable)."),
    ] = None,
    samples: Annotated[
        int, typer.Option("--samples", min=0, help="Draws of the declared parameter ranges.")
    ] = 0,
    seed: Annotated[int | None, typer.Option(help="Seed of the draws.")] = None,
    out: Annotated[
        Path | None,
        typer.Option("--out", "-o", help="Folder to write (default runs/<id>/compare-<UTC>)."),
    ] = None,
    no_plots: Annotated[bool, typer.Option("--no-plots", help="Skip the plots.")] = False,
) -> None:
    """Compare concession packages: cost, relief bought, acceptance, efficiency, rank."""
    from sim import api

    _check_out(out)
    if packages is not None and all_combinations:
        _fail("give --packages or --all-combinations, not both")
    loaded = _guard(api.load, scenario)
    names = [p.strip() for p in packages.split(",") if p.strip()] if packages else None
    try:
        table = _guard(
            api.compare,
            loaded,
            names,
            all_combinations=all_combinations,
            models=model or None,
            samples=samples,
            seed=seed,
        )
    except ValueError as exc:
        _fail(f"{scenario}: {exc}")
    from sim.render.compare_table import print_comparison
    from sim.results.comparison import write_comparison

    print_comparison(table)
    args = {"packages": names, "all_combinations": all_combinations, "models": model,
            "samples": samples, "seed": seed}  # fmt: skip
    try:
        folder = write_comparison(table, loaded, out, args=args, plots=not no_plots)
    except (OSError, ValueError) as exc:
        _fail(f"cannot write the comparison folder: {exc}")
    typer.echo(f"\nwrote {folder}/comparison.csv")


@app.command()
def report(
    scenario: ScenarioArg,
    out: Annotated[
        Path | None,
        typer.Option(
            "--out", "-o", help="HTML file to write (default runs/<id>/report-<UTC>.html); "
            "a name taken gets -2, -3...",
        ),
    ] = None,
    compare: Annotated[
        bool, typer.Option("--compare", help="Add the comparison of the concession packages.")
    ] = False,
    sweep: Annotated[
        int,
        typer.Option(
            "--sweep", min=0, help="Add a sensitivity analysis: a Sobol' sweep of N draws."
        ),
    ] = 0,
    model: Annotated[
        list[str] | None,
        typer.Option("--model", "-m", help="Run only this model (repeatable)."),
    ] = None,
    seed: Annotated[int | None, typer.Option(help="Seed of every random choice.")] = None,
) -> None:
    """Write one self-contained HTML report (inline figures; opens offline, prints)."""
    from sim import api

    if out is not None and out.is_dir():
        _fail(f"--out {out}: is a folder; give a file name such as report.html")
    try:
        path = _guard(
            api.report, scenario, out, compare=compare, sweep=sweep, models=model, seed=seed
        )
    except ValueError as exc:
        _fail(f"{scenario}: {exc}")
    except OSError as exc:
        _fail(f"cannot write the report: {exc}")
    typer.echo(f"wrote {path}")


@app.command()
def sweep(
    scenario: Annotated[
        Path | None,
        typer.Argument(help="Scenario file (YAML); not needed with --resume.", dir_okay=False),
    ] = None,
    samples: Annotated[
        int,
        typer.Option(
            "--samples", "-n", min=1,
            help="Draws (sobol/morris: about this many; at least two base rows or trajectories).",
        ),
    ] = 1024,
    method: Annotated[str, typer.Option(help="Design: mc | lhs | sobol | morris.")] = "sobol",
    grid: Annotated[
        list[str] | None,
        typer.Option("--grid", help="PATH=LO:HI:N, repeatable: a full-factorial grid."),
    ] = None,
    param: Annotated[
        list[str] | None, typer.Option("--param", help="Vary only this path (repeatable).")
    ] = None,
    model: Annotated[
        list[str] | None,
        typer.Option("--model", "-m", help="Model (repeatable; default: the batched ones)."),
    ] = None,
    seed: Annotated[int | None, typer.Option(help="Seed of the design.")] = None,
    out: Annotated[
        Path | None, typer.Option("--out", "-o", help="Sweep folder (must not exist yet).")
    ] = None,
    workers: Annotated[
        int, typer.Option(min=1, help="Dask LocalCluster workers (more than 1).")
    ] = 1,
    scheduler: Annotated[
        str | None, typer.Option(help="Address of an existing Dask scheduler.")
    ] = None,
    chunk_size: Annotated[int | None, typer.Option(min=1, help="Draws per chunk.")] = None,
    resume: Annotated[
        Path | None, typer.Option(help="Finish an interrupted sweep folder.", file_okay=False)
    ] = None,
    outcome: Annotated[
        str | None, typer.Option(help="Outcome the indices explain (default: first tariff).")
    ] = None,
    discover: Annotated[
        list[str] | None,
        typer.Option(help="Scenario discovery (PRIM) of a condition, e.g. "
                     "'agreement.car_tariff >= 10' (repeatable)."),
    ] = None,
    no_plots: Annotated[bool, typer.Option("--no-plots", help="Skip the plots.")] = False,
) -> None:
    """Sweep the scenario's uncertain numbers: Parquet table, sensitivity, discovery, plots."""
    from sim import api

    if resume is None and scenario is None:
        _fail("give a SCENARIO file (or --resume SWEEP_FOLDER)")
    if resume is not None and not (resume / "manifest.json").is_file():
        _fail(f"--resume {resume}: not a sweep folder (no manifest.json)")
    if resume is None:
        _check_out(out)
    loaded = _guard(api.load, scenario) if scenario is not None else None
    try:
        folder = _guard(api.sweep, loaded, samples=samples, method=method, grid=grid or (),
                        params=param or None, models=model or None, seed=seed, out=out,
                        workers=workers, scheduler=scheduler, chunk_size=chunk_size,
                        resume=resume, progress=True)
        typer.echo(f"wrote {folder}/chunks (the table: sim.analysis.sweep.read_table)")
        analysis = _guard(api.analyse_sweep, folder, outcome=outcome, discover=discover or (),
                          plots=not no_plots)
    except ValueError as exc:
        _fail(str(exc))
    except OSError as exc:
        _fail(f"cannot write the sweep folder: {exc}")
    for name in ("sobol", "morris", "tornado", "discovery"):
        if (analysis / f"{name}.csv").exists():
            typer.echo(f"wrote {analysis}/{name}.csv")
    typer.echo(f"wrote {analysis}/")


@app.command()
def backtest(
    scenario: Annotated[
        Path | None,
        typer.Argument(help="Scenario file (YAML); with --forecast, give only OBSERVED.",
                       dir_okay=False, show_default=False),
    ] = None,
    observed: Annotated[
        Path | None,
        typer.Argument(help="Observed-outcome file (YAML, docs/backtest.md).", dir_okay=False,
                       show_default=False),
    ] = None,
    forecast: Annotated[
        Path | None,
        typer.Option("--forecast", help="Score the forecast.json stored in this run or sweep "
                     "folder (nothing is re-run).", file_okay=False),
    ] = None,
    samples: Annotated[
        int, typer.Option("--samples", "-n", min=2, help="Draws of the scenario's uncertainty.")
    ] = 256,
    seed: Annotated[int | None, typer.Option(help="Seed of the draws.")] = None,
    model: Annotated[
        list[str] | None,
        typer.Option("--model", "-m", help="Backtest this model (repeatable)."),
    ] = None,
    tolerance: Annotated[
        float, typer.Option(min=0.0, help="Calibration: share of an issue's span within which "
                            "a draw reproduces the observation.")
    ] = 0.05,
    out: Annotated[
        Path | None,
        typer.Option("--out", "-o", help="Folder to write (default runs/<id>/backtest-<UTC>)."),
    ] = None,
    no_plots: Annotated[bool, typer.Option("--no-plots", help="Skip the plots.")] = False,
) -> None:
    """Score each model's forecast against what happened; calibrate the assumptions."""
    from sim import api

    if forecast is not None and observed is None:
        scenario, observed = None, scenario  # `sim backtest --forecast RUN_DIR OBSERVED`
    if observed is None:
        _fail("give SCENARIO OBSERVED (or --forecast RUN_DIR OBSERVED)")
    _check_out(out)
    loaded = _guard(api.load, scenario) if scenario is not None else None
    if loaded is not None and forecast is None:
        names = model or loaded.scenario.models.selected()
        typer.echo(f"backtest: {samples} draws of the scenario's uncertainty under "
                   f"{len(names)} model(s)...", err=True)
    try:
        result = _guard(api.backtest, loaded, observed, samples=samples, seed=seed,
                        models=model or None, tolerance=tolerance, forecast=forecast)
    except ValueError as exc:
        _fail(str(exc))
    from sim.render.backtest_table import print_backtest

    print_backtest(result)
    try:
        folder = api.save_backtest(result, out, plots=not no_plots)
    except (OSError, ValueError) as exc:
        _fail(f"cannot write the backtest folder: {exc}")
    typer.echo(f"\nwrote {folder}/models.csv, scores.csv and the plots")


@app.command()
def validate(scenario: ScenarioArg, strict: Strict = False) -> None:
    """Check a scenario file without running it (plausibility warnings too)."""
    from sim import api

    loaded = _guard(api.validate, scenario)
    _warn(loaded, strict)
    sc = loaded.scenario
    typer.echo(
        f"ok: {scenario} ({sc.id}: {len(sc.parties)} parties, {len(sc.issues)} issues, "
        f"{len(sc.packages)} packages, models: {', '.join(sc.models.selected()) or 'none'}; "
        f"sha256 {loaded.sha256[:12]})"
    )
    from sim.models._size import grouped

    for names, size in grouped(api.model_sizes(loaded, sc.models.selected())):
        typer.echo(f"  size: {size.describe()} (limit {size.limit:,}): {', '.join(names)}")


@app.command()
def schema(
    out: Annotated[Path | None, typer.Option("--out", "-o", help="Write to a file.")] = None,
) -> None:
    """Print the JSON Schema of scenario files (for editor autocompletion)."""
    import json

    from sim import api

    text = json.dumps(api.json_schema(), indent=2) + "\n"
    if out is None:
        sys.stdout.write(text)
    else:
        from sim.outputs import replace_file

        try:
            replace_file(text, out)
        except OSError as exc:
            _fail(f"--out {out}: cannot write the schema there ({exc.strerror or exc})")
        typer.echo(f"wrote {out}")


@app.command()
def models() -> None:
    """List the models sim can run."""
    from sim import registry

    for name in registry.MODELS:
        typer.echo(f"{name:20s} {registry.summary(name)}")


def _quiet_warnings() -> None:
    """Python warnings become one line, ``warning: <message>``, with no source line (once
    per message); ``SIM_DEBUG=1`` keeps Python's own format."""
    import os
    import warnings

    if os.environ.get("SIM_DEBUG"):
        return

    def show(message, category, filename, lineno, file=None, line=None):
        text = str(message).strip().splitlines()
        sys.stderr.write(f"warning: {text[0] if text else category.__name__}\n")

    warnings.showwarning = show


def main() -> None:
    """Console entry point.

    An unexpected exception is a bug in ``sim``, not bad input: it is reported in one line
    with exit status 1 (``SIM_DEBUG=1`` shows the traceback).
    """
    import os

    from sim.outputs import exit_on_sigterm

    exit_on_sigterm()  # temporaries are removed on SIGTERM too
    _quiet_warnings()
    try:
        app()
    except SystemExit as exc:  # how a command ends (typer/click), with its status
        _exit(exc.code)
        raise
    except Exception as exc:  # last-resort report of a bug
        if os.environ.get("SIM_DEBUG"):
            raise
        typer.echo(
            f"sim: internal error ({type(exc).__name__}: {exc}). This is a bug in sim, not in "
            "your input; re-run with SIM_DEBUG=1 for the traceback and please report it.",
            err=True,
        )
        raise SystemExit(1) from None


def _exit(code) -> None:
    """End the process with status ``code`` (an int or None) at once: flush the output, run
    the ``atexit`` handlers and skip the interpreter's teardown, which frees every object of
    the ~900 modules a run imports one by one (0.2-0.4 s, a tenth of ``sim run``, for
    nothing: the process ends).  Every file is closed by then (run folders are written
    whole before a command returns).  Returns, for the ordinary exit, when ``sim`` is not
    the program (``main()`` called from a Python shell, Jupyter or pytest: their process
    goes on), another thread runs (a Dask cluster's, say: the teardown joins them) or the
    output cannot be flushed."""
    import atexit
    import os
    import threading

    hosted = sys.flags.interactive or hasattr(sys, "ps1") or "IPython" in sys.modules
    if hosted or "pytest" in sys.modules or threading.active_count() != 1:
        return
    if not (code is None or isinstance(code, int)):
        return
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    except (OSError, ValueError):  # a closed pipe, say: Python's own exit reports it
        return
    atexit._run_exitfuncs()
    os._exit(code or 0)


if __name__ == "__main__":  # pragma: no cover
    main()
