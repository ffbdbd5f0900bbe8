"""The HTML report: one self-contained file an analyst can e-mail.

Everything is inline: the figures as SVG, the style sheet as CSS, no script and no URL to
fetch, so the file opens offline in any browser, reads on a phone (responsive CSS) and
prints (print CSS).  The page is the jinja2 template ``templates/report.html.j2`` filled
with the plain data of :mod:`sim.render.report_data`; :func:`sim.api.report` gathers the
inputs (run, comparison, sensitivity) and :func:`write_report` writes the file whole or not
at all.  Renderers read results; nothing here solves.
"""

from __future__ import annotations

import io
import os
import re
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sim.render import report_data as data

__all__ = ["ReportInputs", "figure_svg", "render_report", "scenario_html", "write_report"]

#: SVG text stays text; ids are salted per figure so that several inline figures never share
#: one (and the same figure gives the same bytes).
_SVG_RC = {"svg.fonttype": "none"}


@dataclass(frozen=True)
class ReportInputs:
    """What a report shows, gathered by :func:`sim.api.report`.

    Attributes
    ----------
    run : sim.results.RunResult
    quantities : list of (str, Quantity)
        Every number of the scenario with its dotted path.
    cited : list of str
        Fact ids the scenario cites (``source:`` and ``context:``), in document order.
    digest : sim.facts.FactDigest
    figures : dict
        Title -> matplotlib Figure of the run (payoff space, models' figures).
    comparison : pandas.DataFrame, optional
        From :func:`sim.compare`.
    comparison_figures : dict
        Title -> Figure of the comparison.
    sensitivity : dict, optional
        Title -> pandas.DataFrame of the sweep's sensitivity results.
    sensitivity_figures : dict
        Title -> Figure of the sweep.
    sim_version : str
    """

    run: Any
    quantities: list
    cited: list
    digest: Any
    figures: dict = field(default_factory=dict)
    comparison: Any = None
    comparison_figures: dict = field(default_factory=dict)
    sensitivity: dict | None = None
    sensitivity_figures: dict = field(default_factory=dict)
    sim_version: str = ""
    caveats: tuple[str, ...] = ()


def figure_svg(fig, salt: str) -> str:
    """A matplotlib figure as an inline ``<svg>`` element (no XML prolog, no date), its
    ids salted with ``salt``; the figure is closed."""
    import matplotlib.pyplot as plt
    from matplotlib import rc_context

    buf = io.StringIO()
    with rc_context({**_SVG_RC, "svg.hashsalt": salt}):
        fig.savefig(buf, format="svg", metadata={"Date": None})
    plt.close(fig)
    text = buf.getvalue()
    # the prolog and the RDF metadata (which names URLs, as namespaces) are not needed inline
    return re.sub(r"\s*<metadata>.*?</metadata>", "", text[text.index("<svg") :], flags=re.S)


def _environment():
    from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape

    env = Environment(
        loader=PackageLoader("sim.render", "templates"),
        autoescape=select_autoescape(["html", "j2"]),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["anchor"] = lambda s: re.sub(r"[^A-Za-z0-9_.-]", "_", str(s))
    return env


def _figures(figs: dict, prefix: str) -> list[dict[str, Any]]:
    from markupsafe import Markup

    out = []
    for k, (title, fig) in enumerate(figs.items()):
        if fig is not None:
            out.append({"title": title, "svg": Markup(figure_svg(fig, f"{prefix}{k}"))})
    return out


def render_report(inputs: ReportInputs) -> str:
    """The report's HTML text (see the module docstring)."""
    run = inputs.run
    ctx = {
        "scenario": data.scenario_data(run.loaded),
        "meta": {
            "sha256": run.loaded.sha256,
            "seed": run.seed,
            "sim_version": inputs.sim_version,
            "created": run.created,
            "path": str(run.loaded.path),
            "unit": run.unit,
        },
        "parameters": data.parameter_rows(inputs.quantities),
        "facts": data.fact_rows(inputs.digest, inputs.cited),
        "deal_sheet": data.deal_sheet_data(run),
        "models": data.model_sections(run),
        "figures": _figures(inputs.figures, "run"),
        "comparison": None,
        "sensitivity": None,
        "assumptions": list(run.assumptions()),
        "caveats": list(inputs.caveats),
    }
    if inputs.comparison is not None:
        ctx["comparison"] = {
            **data.comparison_data(inputs.comparison),
            "figures": _figures(inputs.comparison_figures, "cmp"),
        }
    if inputs.sensitivity is not None:
        ctx["sensitivity"] = {
            "tables": [{"title": t, **data.frame_data(f)} for t, f in inputs.sensitivity.items()],
            "figures": _figures(inputs.sensitivity_figures, "sens"),
        }
    return _environment().get_template("report.html.j2").render(**ctx)


def scenario_html(loaded) -> str:
    """The scenario in words as an HTML fragment (Jupyter's view of a loaded scenario)."""
    template = _environment().get_template("scenario.html.j2")
    return template.render(scenario=data.scenario_data(loaded), linked=False)


def write_report(html: str, out: Path | None, scenario_id: str, created: str) -> Path:
    """Write the report whole or not at all; never over an existing file.

    Parameters
    ----------
    html : str
    out : Path, optional
        The file to write; if it exists, ``-2``, ``-3``... is added to its name.  Default:
        ``runs/<scenario id>/report-<UTC timestamp>.html``.
    scenario_id, created : str
        For the default name.

    Returns
    -------
    Path
        The file written.
    """
    if out is None:
        stamp = created.replace("-", "").replace(":", "")
        out = Path("runs") / scenario_id / f"report-{stamp}.html"
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{out.stem}.", suffix=".tmp", dir=out.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(html)
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)  # mkstemp makes it private; a report is to be shared
        candidate, n = out, 1
        while True:
            try:
                os.link(tmp, candidate)  # atomic, and fails if the name is taken
                break
            except FileExistsError:
                n += 1
                candidate = out.with_name(f"{out.stem}-{n}{out.suffix}")
            except OSError:  # a file system without hard links: rename (not atomic vs. others)
                if candidate.exists():
                    n += 1
                    candidate = out.with_name(f"{out.stem}-{n}{out.suffix}")
                    continue
                os.replace(tmp, candidate)
                return candidate
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)
    return candidate
