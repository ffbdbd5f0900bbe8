"""A run folder on disk: ``results.json`` (with a format version), the resolved scenario and
the figures.

A run folder is written whole or not at all: everything goes to a hidden temporary folder
next to the destination, which is renamed into place at the end (:mod:`sim.outputs`).  A
run never overwrites an earlier one, and two runs started together both land.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import shutil
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path

from sim.outputs import out_problem, publish_dir, temp_dir
from sim.results.run import SIM_VERSION, RunResult

#: Figure file formats ``sim run --plots`` and :func:`write_run` can write.
PLOT_FORMATS = ("png", "svg")
#: Resolution of PNG figures.
DPI = 150
#: SVG text stays text (not one path per glyph): smaller files, drawn several times faster.
SAVE_RC = {"svg.fonttype": "none"}
#: PNG compression: zlib level 1 writes several times faster than the default (6), in
#: files about a quarter larger.
SAVE_KW = {"png": {"pil_kwargs": {"compress_level": 1}}}


def plot_formats(plots: bool | str | Iterable[str] | None) -> tuple[str, ...]:
    """The figure formats asked for: ``"png,svg"``, ``"png"``, ``"svg"``, ``"none"`` (or
    ``""``/None), a list of formats, or a bool (True: PNG and SVG; False: none).

    Raises
    ------
    ValueError
        On a format other than ``png``, ``svg`` or ``none``.
    """
    if plots is None or plots is False:
        return ()
    if plots is True:
        return PLOT_FORMATS
    items = plots.split(",") if isinstance(plots, str) else list(plots)
    asked = [s.strip().lower() for s in items if s.strip()]
    if asked == ["none"]:
        return ()
    bad = [s for s in asked if s not in PLOT_FORMATS]
    if bad:
        raise ValueError(f"unknown plot format {bad[0]!r}: use png,svg, png, svg or none")
    return tuple(f for f in PLOT_FORMATS if f in asked)


def new_run_dir(out: Path | None, scenario_id: str, created: str, kind: str = "") -> Path:
    """The run folder asked for: ``out``, or ``runs/<id>/<kind><UTC timestamp>``.

    Where it lands is decided when it is written (:func:`sim.outputs.publish_dir`): the
    first of ``<folder>``, ``<folder>-2``, ``<folder>-3``... that is free at that moment.
    """
    if out is None:
        stamp = created.replace("-", "").replace(":", "")
        return Path("runs") / scenario_id / f"{kind}{stamp}"
    return out


def write_new_dir(fill, out: Path | None, scenario_id: str, created: str, kind: str = "") -> Path:
    """Write a new output folder whole: ``fill(tmp)`` writes into a hidden temporary folder
    next to the destination (:func:`new_run_dir`), renamed into place at the end; on any
    error the temporary folder is removed and nothing lands.

    Raises
    ------
    ValueError
        If ``out`` names no new folder (``.``, ``/``, a path through a file).
    """
    dest = new_run_dir(Path(out) if out is not None else None, scenario_id, created, kind)
    problem = out_problem(dest)
    if problem:
        raise ValueError(f"{dest}: {problem}")
    tmp = temp_dir(dest.parent)
    try:
        fill(tmp)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return publish_dir(tmp, dest)


def write_run(
    run: RunResult, out: Path | None = None, *, plots: bool | str | Iterable[str] = "png,svg",
    extra: dict[str, str] | None = None,
) -> Path:
    """Write a run folder whole: results.json, the resolved scenario, the figures.

    Parameters
    ----------
    run : RunResult
    out : Path, optional
        Destination folder (default: ``runs/<id>/<timestamp>``).  An existing folder is
        never overwritten or written into: a suffix ``-2``, ``-3``... is added, also when
        another run takes the name while this one is being written.
    plots : str, bool or list of str
        Figure formats (see :func:`plot_formats`); default PNG and SVG.
    extra : dict, optional
        More files to write into the folder: name -> text (``forecast.json``).

    Returns
    -------
    Path
        The folder written.

    Raises
    ------
    ValueError
        If ``out`` names no new folder (``.``, ``/``, a path through a file).
    """
    formats = plot_formats(plots)

    def fill(tmp: Path) -> None:
        files = ["results.json", "scenario.resolved.yaml", "facts.yaml", *(extra or {})]
        for name, text in (extra or {}).items():
            (tmp / name).write_text(text)
        if formats:
            files += write_figures(run, tmp, formats)
        payload = run.to_dict()
        payload["files"] = sorted(files)
        (tmp / "results.json").write_text(json.dumps(payload, indent=2, allow_nan=False) + "\n")
        shutil.copyfile(_digest_path(run), tmp / "facts.yaml")
        _write_resolved(run, tmp / "scenario.resolved.yaml")

    return write_new_dir(fill, out, run.scenario.id, run.created)


def _digest_path(run: RunResult) -> Path:
    """The fact digest the run's scenario cites (its ``facts:`` or the project's)."""
    from sim.facts import DEFAULT_FACTS_PATH

    facts = run.scenario.facts
    return run.loaded.path.resolve().parent / facts if facts else DEFAULT_FACTS_PATH


def _write_resolved(run: RunResult, path: Path) -> None:
    """The resolved scenario, standing alone in the run folder: no ``extends:`` (already
    merged in) and ``facts:`` pointing at the copy of the digest it used (``facts.yaml``)."""
    data = {k: v for k, v in run.loaded.data.items() if k != "extends"}
    notes = []
    if "extends" in run.loaded.data:
        notes.append(f"extends: {run.loaded.data['extends']} (merged in)")
    if run.scenario.facts:  # its own digest, by a path relative to the scenario's folder
        data["facts"] = "facts.yaml"
        notes.append(f"facts: {run.scenario.facts} (now facts.yaml, the copy it used)")
    header = (
        f"# Scenario {run.scenario.id} as resolved by sim {SIM_VERSION}\n"
        f"# sha256 of its canonical JSON: {run.loaded.sha256}\n"
        + (f"# (that is before this copy dropped {'; '.join(notes)})\n" if notes else "")
        + "# facts.yaml next to this file is the fact digest the run cited.\n"
    )
    path.write_text(header + yaml_text(data))


def yaml_text(data: dict) -> str:
    """Plain data (dicts, lists, scalars, dates) as a YAML document that sim's reader reads
    back to the same data.

    libyaml's emitter (PyYAML's C dumper) writes it about ten times faster than
    ruamel.yaml's pure-Python one; it writes YAML 1.1, so its text is read back with the
    reader every scenario goes through (:func:`sim.fast_yaml.fast_plain_yaml`, YAML 1.2)
    and kept only if it gives the same values of the same kinds; otherwise (a text such as
    ``1e3``, plain in YAML 1.1 but a number in 1.2) ruamel.yaml writes the document.
    """
    from ruamel.yaml import YAML

    from sim.fast_yaml import fast_plain_yaml

    try:
        import yaml as pyyaml

        dumper = pyyaml.CSafeDumper
    except (ImportError, AttributeError):  # no PyYAML, or PyYAML without libyaml
        dumper = None
    if dumper is not None:
        try:
            text = pyyaml.dump(data, Dumper=dumper, sort_keys=False, allow_unicode=True,
                               default_flow_style=False)  # fmt: skip
        except pyyaml.YAMLError:  # a value it cannot write (ruamel's own types, say)
            text = None
        if text is not None and _same(fast_plain_yaml(text, YAML(typ="rt")), data):
            return text
    yaml = YAML(typ="safe", pure=True)
    yaml.default_flow_style = False
    yaml.sort_base_mapping_type_on_output = False  # type: ignore[attr-defined]
    out = io.StringIO()
    yaml.dump(data, out)
    if any(c in out.getvalue() for c in _BREAKS):  # written raw, read back as line breaks
        yaml.allow_unicode = False  # every non-ASCII character escaped: exact
        out = io.StringIO()
        yaml.dump(data, out)
    return out.getvalue()


#: Characters ruamel.yaml's emitter writes as they are in a quoted text and its reader then
#: folds as line breaks (NEL, LINE SEPARATOR, PARAGRAPH SEPARATOR: breaks in YAML 1.1).
_BREAKS = "\x85\u2028\u2029"


def _kind(v) -> type:
    for t in (bool, int, float, str, dt.datetime, dt.date):  # bool before int, datetime
        if isinstance(v, t):  # before date: their subclasses
            return t
    return type(v)


def _same(a, b) -> bool:
    """``a == b`` with the same kinds of value everywhere (1 is not 1.0 nor True)."""
    if isinstance(a, dict):
        return isinstance(b, dict) and list(a) == list(b) and all(_same(a[k], b[k]) for k in a)
    if isinstance(a, list):
        return isinstance(b, list) and len(a) == len(b) and all(map(_same, a, b))
    return _kind(a) is _kind(b) and a == b


def figure_functions(run: RunResult) -> dict[str, str]:
    """File stem -> name of the :mod:`sim.render.plots` function drawing it: the payoff
    space for a two-party run, then each model's ``FIGURES`` (from the registry), each stem
    once."""
    from sim import registry

    out = {"payoff_space": "payoff_space"} if run.payoff_space is not None else {}
    for name in run.models:
        for stem, fn in registry.figures(name).items():
            out.setdefault(stem, fn)
    return out


def write_figures(run: RunResult, folder: Path, formats: Iterable[str] = PLOT_FORMATS) -> list[str]:
    """Draw the run's figures (:func:`figure_functions`) into ``folder``; returns the file
    names written.  A function returning None has nothing to draw for this run.

    Each figure is drawn once and saved in every format; half of the figures are drawn by a
    forked child process when a core is free (:func:`sim.render.forked.in_two_processes`),
    giving the same files; within :func:`figure_worker`, by the worker it started."""
    from sim.render.forked import in_two_processes, take_worker

    formats = tuple(formats)
    jobs = [(run, folder, formats, stem, fn) for stem, fn in figure_functions(run).items()]
    worker = take_worker() if jobs else None
    done = worker.map(_draw, jobs) if worker is not None else None
    if done is None:
        done = in_two_processes(jobs, lambda job: _draw(*job))
    return [name for names in done for name in names]


@contextmanager
def figure_worker(formats: Iterable[str]) -> Iterator[None]:
    """Within the block, figures written by :func:`write_figures` are drawn by a worker
    forked on entry, which imports matplotlib and loads the fonts (:func:`_warm_up`) while
    this process loads and solves (:func:`sim.render.forked.worker`); no worker without
    ``formats``.  The files are the same either way."""
    from sim.render import forked

    formats = tuple(formats)
    if not formats:
        yield
        return
    with forked.worker(lambda: _warm_up(formats)):
        yield


def _warm_up(formats: tuple[str, ...]) -> None:
    """Import the figure modules and save a small figure with text in each format (loads
    the fonts and the backends)."""
    import matplotlib.dates  # noqa: F401  (the timeline's)
    from matplotlib.figure import Figure

    from sim.render import labels, plots  # noqa: F401

    fig = Figure(figsize=(2, 2))
    ax = fig.add_subplot()
    ax.plot([0, 1], [0, 1], label="warm-up")
    ax.set_title("warm-up")
    ax.legend()
    for ext in formats:
        _save(fig, io.BytesIO(), ext)


def _save(fig, target, ext: str) -> None:
    """Save ``fig`` to ``target`` (a path or a file) in format ``ext``, as every run does."""
    from matplotlib import rc_context

    with rc_context(SAVE_RC):
        fig.savefig(target, format=ext, dpi=DPI, **SAVE_KW.get(ext, {}))


def _draw(run: RunResult, folder: Path, formats: tuple[str, ...], stem: str, fn: str) -> list[str]:
    """Draw one figure with :mod:`sim.render.plots` function ``fn`` and save it as
    ``stem.<format>`` for each format; the file names written."""
    from sim.errors import TooLargeError
    from sim.render import plots

    try:
        fig = getattr(plots, fn)(run)
        if fig is None:
            return []
        for ext in formats:
            _save(fig, folder / f"{stem}.{ext}", ext)
    except MemoryError:
        raise TooLargeError(
            f"the figure {stem} ran out of memory; write the run without figures (--plots none)"
        ) from None
    return [f"{stem}.{ext}" for ext in formats]
