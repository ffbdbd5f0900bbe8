"""Hostile and huge input (issue 16): every case ends with exit status 2 and a file:line
message (or succeeds), within 10 s and 500 MB, reads nothing outside the test folder into
an error and writes nothing outside it; concurrent runs both land; killed runs leave no
partial folder once the next run starts.

Each ``sim`` call runs as a subprocess with ``RLIMIT_DATA`` at 500 MB (a heap that grows
past it fails with MemoryError, i.e. exit 1, and the test fails) and a 10 s timeout (a
hang guard, not a benchmark; the machine's start-up time is included).  Cases about the
scenario's content run in-process through the CLI (``CliRunner``), which is faster.
"""

from __future__ import annotations

import json
import os
import random
import re
import resource
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

from sim.cli import app

ROOT = Path(__file__).resolve().parents[2]
LINEAR = ROOT / "scenarios" / "japan_us_2025_linear.yaml"
LIMIT_BYTES = 500 * 2**20
TIMEOUT = 10
runner = CliRunner()


def _limits() -> None:  # runs in the child before exec
    resource.setrlimit(resource.RLIMIT_DATA, (LIMIT_BYTES, LIMIT_BYTES))


def sim_cli(*args: str, cwd: Path, timeout: float = TIMEOUT, env: dict | None = None):
    """``python -m sim ARGS`` in ``cwd`` under the memory limit and a timeout."""
    full_env = {**os.environ, "PYTHONPATH": str(ROOT), **(env or {})}
    full_env.pop("SIM_DEBUG", None)
    return subprocess.run(
        [sys.executable, "-m", "sim", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=timeout,
        preexec_fn=_limits,
        env=full_env,
    )


def assert_clear_error(result, path: Path, *, line: bool = True) -> str:
    """Exit status 2, a message naming ``path`` (and a line), no traceback, no internal
    error."""
    text = result.stderr + result.stdout
    assert result.returncode == 2, text
    assert "Traceback" not in text and "internal error" not in text, text
    pattern = re.escape(str(path)) + (r"(:\d+|, line \d+)" if line else "")
    assert re.search(pattern, text), text
    return text


def _passwd_lines() -> list[str]:
    try:
        return [ln for ln in Path("/etc/passwd").read_text().splitlines() if ln.strip()]
    except OSError:
        return []


def assert_no_foreign_text(text: str) -> None:
    for ln in _passwd_lines():
        assert ln not in text and ln.split(":")[0] + ":x:" not in text


# ------------------------------------------------------------------ the input gate (YAML)
BOMB = "".join(
    f"{c}: &{c} [{', '.join(['*' + p] * 9)}]\n" if p else f"{c}: &{c} [lol, lol, lol, lol]\n"
    for p, c in zip(["", "a", "b", "c", "d", "e", "f", "g"], "abcdefgh", strict=True)
)


@pytest.mark.parametrize(
    ("name", "text"),
    [
        ("bomb.yaml", BOMB),  # 9^7 * 4 values when expanded, 300 bytes
        ("deep.yaml", "x: " + "[" * 500 + "]" * 500 + "\n"),
        ("deep_map.yaml", "".join("  " * i + f"k{i}:\n" for i in range(300)) + "  " * 300 + "1\n"),
        ("many_keys.yaml", "".join(f"k{i}: {i}\n" for i in range(60_000))),
        ("big.yaml", "# " + "x" * 1_200_000 + "\nid: x\n"),
        ("long_line.yaml", "# " + "x" * 900_000 + "\nid: x\n"),
        ("bad_bool.yaml", "id: x\nflag: !!bool maybe\n"),
        ("bad_int.yaml", "id: x\nn: !!int 1.5\n"),
        ("binary.yaml", "id: x\n\xff\xfe\n"),
    ],
)
def test_small_or_huge_yaml_is_refused_quickly(tmp_path, name, text):
    path = tmp_path / name
    path.write_bytes(text.encode("utf-8", "surrogateescape") if name != "binary.yaml"
                     else b"id: x\n\xff\xfe\n")  # fmt: skip
    assert len(BOMB) < 400
    res = sim_cli("validate", str(path), cwd=tmp_path)
    assert_clear_error(res, path, line=name != "big.yaml")


@pytest.mark.parametrize("special", ["/dev/zero", "fifo"])
def test_special_files_are_refused(tmp_path, special):
    if special == "fifo":
        path = tmp_path / "scenario.yaml"
        os.mkfifo(path)
    else:
        path = Path(special)
    res = sim_cli("validate", str(path), cwd=tmp_path)
    assert_clear_error(res, path, line=False)
    assert "regular file" in res.stderr


@pytest.mark.parametrize(
    ("ref", "key"),
    [
        ("/etc/passwd", "extends"),
        ("../../../../../../../../etc/passwd", "extends"),
        ("/dev/zero", "extends"),
        ("/etc/passwd", "facts"),
        ("../../../../../../../../etc/passwd", "facts"),
    ],
)
def test_references_outside_reach_are_refused_without_echo(tmp_path, ref, key):
    path = tmp_path / "s.yaml"
    body = LINEAR.read_text() if key == "facts" else "id: x\n"  # facts: checked once valid
    path.write_text(f"{key}: {ref}\n{body}")
    res = sim_cli("validate", str(path), cwd=tmp_path)
    text = assert_clear_error(res, path)
    assert "outside the scenario's folder" in text and "SIM_ALLOW_PATH" in text
    assert_no_foreign_text(text)


def test_allowed_foreign_file_is_not_echoed(tmp_path):
    """With /etc allowed, /etc/passwd is read but no line of it is printed back."""
    path = tmp_path / "s.yaml"
    path.write_text("id: x\nextends: /etc/passwd\n")
    res = sim_cli("validate", str(path), cwd=tmp_path, env={"SIM_ALLOW_PATH": "/etc"})
    assert res.returncode == 2 and "Traceback" not in res.stderr
    assert_no_foreign_text(res.stderr + res.stdout)


def test_extends_inside_the_project_and_a_folder_allowed_by_the_environment(tmp_path):
    base_dir = tmp_path / "shared"
    base_dir.mkdir()
    (base_dir / "base.yaml").write_text(LINEAR.read_text())
    child_dir = tmp_path / "mine"
    child_dir.mkdir()
    child = child_dir / "child.yaml"
    child.write_text("extends: ../shared/base.yaml\nid: child\n")
    refused = sim_cli("validate", str(child), cwd=tmp_path)
    assert_clear_error(refused, child)
    allowed = sim_cli("validate", str(child), cwd=tmp_path,
                      env={"SIM_ALLOW_PATH": str(base_dir)})  # fmt: skip
    assert allowed.returncode == 0, allowed.stderr


def test_extends_of_a_file_that_is_no_scenario(tmp_path):
    (tmp_path / "notes.yaml").write_text("shopping: [milk, eggs]\n")
    path = tmp_path / "s.yaml"
    path.write_text("extends: notes.yaml\nid: x\n")
    res = runner.invoke(app, ["validate", str(path)])
    assert res.exit_code == 2 and "not a scenario file" in res.output
    assert "milk" not in res.output


# ------------------------------------------------------- scenario content validate == run
def _edit(text: str, old: str, new: str) -> str:
    assert old in text, old
    return text.replace(old, new, 1)


_LIN = LINEAR.read_text()
CONTENT_CASES = {
    "linear_1.7e308": _edit(_LIN, "          value: 0.26\n          range: [0, 0.52]",
                            "          value: 1.7e308\n          range: [0, 1.7e308]"),
    "value_1e300": _edit(_LIN, "+1 Mt: {value: 0.42, range: [0.21, 0.63]",
                         "+1 Mt: {value: 1e300, range: [0.21, 1e300]"),
    "nash_weights_1e300": _edit(_LIN, "  nash_bargaining: {}",
                                "  nash_bargaining: {weights: {US: 1e300, JP: 1}}"),
    "empty_grid": _edit(_LIN, "          car_tariff: [0, 10, 15, 25]\n",
                        "          car_tariff: []\n"),
    "no_strategy": _edit(_LIN, "        hold: false\n        grid:\n          car_tariff: "
                         "[0, 10, 15, 25]\n          reciprocal_tariff: [10, 24]\n",
                         "        hold: false\n"),
    "title_surrogate": _edit(_LIN, "title: US–Japan tariff talks 2025 (linear valuations)",
                             'title: "\\ud800"'),
    "bool_maybe": _edit(_LIN, "        hold: true", "        hold: !!bool maybe"),
}  # fmt: skip
SUCCEED_CASES = {
    "breakdown_risk_1": _edit(_LIN, "breakdown_risk: {value: 0.05, range: [0, 0.2]",
                              "breakdown_risk: {value: 1.0, range: [0, 1.0]"),
    "period_days_1e9": _edit(_LIN, "  nash_bargaining: {}", "  nash_bargaining: {}\n"
                             "  rubinstein: {period_days: 1e9}\n"
                             "  private_information: {period_days: 1e9}"),
    "nash_weights_1e9": _edit(_LIN, "  nash_bargaining: {}",
                              "  nash_bargaining: {weights: {US: 1e9, JP: 1e-9}}"),
    "linear_1e9": _edit(_LIN, "          value: 0.26\n          range: [0, 0.52]",
                        "          value: 1e9\n          range: [0, 1e9]"),
}  # fmt: skip


@pytest.mark.parametrize("name", sorted(CONTENT_CASES))
def test_validate_refuses_what_run_cannot_take(tmp_path, name):
    path = tmp_path / f"{name}.yaml"
    path.write_text(CONTENT_CASES[name], encoding="utf-8", errors="surrogatepass")
    res = runner.invoke(app, ["validate", str(path)])
    assert res.exit_code == 2, res.output
    assert re.search(rf"{re.escape(str(path))}:\d+: ", res.output), res.output


@pytest.mark.parametrize("name", sorted(SUCCEED_CASES))
def test_what_validates_runs_and_writes_finite_results(tmp_path, name, monkeypatch):
    monkeypatch.chdir(tmp_path)
    path = tmp_path / f"{name}.yaml"
    path.write_text(SUCCEED_CASES[name])
    assert runner.invoke(app, ["validate", str(path)]).exit_code == 0
    out = tmp_path / "run"
    res = runner.invoke(app, ["run", str(path), "--plots", "none", "--out", str(out)])
    assert res.exit_code == 0, res.output
    data = json.loads((out / "results.json").read_text())  # strict JSON: no NaN or inf
    for name_, model in data["models"].items():
        assert model["status"] in ("ok", "no_agreement", "not_run"), name_
        assert model["status"] != "not_run" or model["reason"]


def test_list_valued_id_in_an_extends_merge(tmp_path):
    (tmp_path / "base.yaml").write_text(_LIN)
    path = tmp_path / "child.yaml"
    path.write_text("extends: base.yaml\nid: child\nissues:\n  - {id: [x], kind: binary}\n")
    res = runner.invoke(app, ["validate", str(path)])
    assert res.exit_code == 2 and re.search(r"\.yaml:\d+: issues", res.output), res.output


def test_trade_tolerance_too_fine(tmp_path):
    text = (ROOT / "scenarios" / "japan_us_2025.yaml").read_text()
    assert "\n  tolerance:" not in text
    path = tmp_path / "tol.yaml"
    path.write_text(_edit(text, "\n  weights:", "\n  tolerance: 1e-12\n  weights:"))
    res = runner.invoke(app, ["validate", str(path)])
    assert res.exit_code == 2 and "tolerance" in res.output, res.output


# ----------------------------------------------------------------------------- game files
NFG2 = 'NFG 1 R "g" { "a" "b" } { 2 2 }\n'
GAME_CASES = {
    "huge_header.nfg": 'NFG 1 R "g" { "a" "b" } { 100000000 2 }\n',
    "many_players.nfg": 'NFG 1 R "g" { ' + '"p" ' * 30 + "} { " + "1 " * 30 + "}\n1\n",
    "exp_50M.nfg": NFG2 + "1e50000000 0 0 0 0 0 0 0\n",
    "tiny_exp_ok.nfg": NFG2 + "1e-50000000 0 0 0 0 0 0 0\n",
    "e400.nfg": NFG2 + "1e400 0 0 0 0 0 0 0\n",
    "huge_payoff.nfg": NFG2 + "1e300 0 0 0 0 0 0 0\n",
    "long_int.nfg": NFG2 + "1" * 5000 + " 0 0 0 0 0 0 0\n",
    "outcome_names.nfg": 'NFG 1 R "g" { "a" "b" "c" "d" } { '
    + " ".join("{ " + " ".join(f'"s{i}"' for i in range(300)) + " }" for _ in range(4))
    + " }\n{ }\n0\n",
}


def _deep_efg(depth: int) -> str:
    lines = ['EFG 2 R "deep" { "a" "b" } ""']
    for i in range(depth):
        lines.append(f'p "" 1 {i + 1} "i{i}" {{ "L" "R" }} 0')
    lines.append('t "" 1 "end" { 1, 2 }')
    lines += ['t "" 1'] * depth
    return "\n".join(lines) + "\n"


def _plans_efg(n: int) -> str:
    probs = " ".join(f'"c{i}" 1/{n}' for i in range(n))
    lines = ['EFG 2 R "plans" { "a" "b" } ""', f'c "" 1 "chance" {{ {probs} }} 0']
    for i in range(n):
        lines += [f'p "" 1 {i + 1} "i{i}" {{ "L" "R" }} 0', 't "" 1 "x" { 1, 2 }',
                  't "" 2 "y" { 2, 1 }']  # fmt: skip
    return "\n".join(lines) + "\n"


GAME_CASES["deep.efg"] = _deep_efg(500)
GAME_CASES["plans.efg"] = _plans_efg(20)
GAME_OK = {"tiny_exp_ok.nfg"}


@pytest.mark.parametrize("name", sorted(GAME_CASES))
def test_game_files_are_checked_before_allocating(tmp_path, name):
    path = tmp_path / name
    path.write_text(GAME_CASES[name])
    assert path.stat().st_size < 20_000
    res = sim_cli("solve", str(path), cwd=tmp_path)
    if name in GAME_OK:
        assert res.returncode == 0, res.stderr
        return
    text = assert_clear_error(res, path, line=name != "plans.efg")
    assert re.search(r"limit|too large|a number", text), text


@pytest.mark.parametrize("special", ["/dev/zero", "dir.nfg"])
def test_game_file_must_be_a_regular_file(tmp_path, special):
    path = Path(special) if special.startswith("/") else tmp_path / special
    if not special.startswith("/"):
        path.mkdir()
    res = runner.invoke(app, ["solve", str(path)])
    assert res.exit_code == 2 and str(path) in res.output and "Traceback" not in res.output


# --------------------------------------------------------------------------------- writes
@pytest.mark.parametrize("out", [".", "", "/", ".."])
def test_out_naming_no_new_folder_is_refused_before_solving(tmp_path, out):
    res = sim_cli("run", str(LINEAR), "--out", out, "--plots", "none", cwd=tmp_path)
    assert res.returncode == 2 and "new folder" in res.stderr, res.stderr
    assert list(tmp_path.iterdir()) == []


def test_schema_out_a_folder_and_a_planted_link(tmp_path):
    res = runner.invoke(app, ["schema", "--out", str(tmp_path)])
    assert res.exit_code == 2 and "folder" in res.output
    target = tmp_path / "elsewhere.txt"
    target.write_text("keep me")
    link = tmp_path / "schema.json"
    link.symlink_to(target)
    res = runner.invoke(app, ["schema", "--out", str(link)])
    assert res.exit_code == 0, res.output
    assert target.read_text() == "keep me" and not link.is_symlink()
    assert json.loads(link.read_text())["title"] == "sim scenario"


def test_export_through_a_planted_link_never_writes_its_target(tmp_path):
    from sim.outputs import write_new_file

    target = tmp_path / "victim.txt"
    target.write_text("keep me")
    for name in ("g.nfg", ".g.nfg.tmp"):
        (tmp_path / name).symlink_to(target)
    written = write_new_file("NFG", tmp_path / "g.nfg")
    assert written == tmp_path / "g-2.nfg" and written.read_text() == "NFG"
    assert target.read_text() == "keep me" and (tmp_path / "g.nfg").is_symlink()


def _leftovers(folder: Path) -> list[Path]:
    return [p for p in folder.rglob(".simtmp-*")]


def test_two_runs_started_together_both_land(tmp_path, write_scenario, minimal_text):
    path = write_scenario(minimal_text)
    out = tmp_path / "runs" / "same"
    args = [sys.executable, "-m", "sim", "run", str(path), "--out", str(out), "--plots", "png",
            "-m", "nash_bargaining"]  # fmt: skip
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    procs = [subprocess.Popen(args, cwd=tmp_path, env=env, stdout=subprocess.DEVNULL,
                              stderr=subprocess.PIPE, text=True) for _ in range(2)]  # fmt: skip
    errs = [p.communicate(timeout=60)[1] for p in procs]
    assert [p.returncode for p in procs] == [0, 0], errs
    landed = sorted(p.name for p in out.parent.iterdir())
    assert landed == ["same", "same-2"]
    for name in landed:
        assert json.loads((out.parent / name / "results.json").read_text())["models"]
    assert _leftovers(tmp_path) == []


def test_runs_in_one_second_without_out_both_land(
    tmp_path, write_scenario, minimal_text, monkeypatch
):
    """The default folder is runs/<id>/<UTC second>: the second run of that second takes
    <second>-2 even if the first lands while it is writing."""
    import sim
    from sim.results.folder import write_run

    run = sim.run(write_scenario(minimal_text), models=["nash_bargaining"])
    monkeypatch.chdir(tmp_path)
    first, second = write_run(run, plots="none"), write_run(run, plots="none")
    assert second.name == first.name + "-2" and (second / "results.json").is_file()


def test_killed_runs_leave_nothing_partial(tmp_path, write_scenario, minimal_text):
    """SIGKILL at random moments (seeded) leaves a hidden temporary at most, which the next
    run in that folder removes; SIGTERM leaves nothing at all."""
    path = write_scenario(minimal_text)
    runs = tmp_path / "runs" / "mini"
    args = [sys.executable, "-m", "sim", "run", str(path), "--plots", "png,svg"]
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    rng = random.Random(16)
    for sig in (signal.SIGTERM, signal.SIGKILL, signal.SIGKILL):
        proc = subprocess.Popen(args, cwd=tmp_path, env=env, stdout=subprocess.DEVNULL,
                                stderr=subprocess.DEVNULL)  # fmt: skip
        mine = f".simtmp-{proc.pid}-"
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and proc.poll() is None:  # until it writes
            if any(p.name.startswith(mine) for p in _leftovers(tmp_path)):
                break
            time.sleep(0.01)
        time.sleep(rng.uniform(0, 0.3))
        proc.send_signal(sig)
        proc.wait(timeout=30)
        if sig == signal.SIGTERM:
            assert not any(p.name.startswith(mine) for p in _leftovers(tmp_path))
    assert _leftovers(tmp_path), "the SIGKILLs (while writing) left no temporary to clean"
    done = subprocess.run(args, cwd=tmp_path, env=env, capture_output=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert _leftovers(tmp_path) == []
    for folder in runs.iterdir():  # every visible folder is a whole run
        data = json.loads((folder / "results.json").read_text())
        assert all((folder / f).is_file() for f in data["files"])


def test_python_warnings_are_one_line_without_source(tmp_path):
    code = (
        "import sys, warnings; sys.argv = ['sim', 'models']\n"
        "import sim.cli as c\n"
        "c.app = lambda: (warnings.warn('overflow encountered\\nmore', RuntimeWarning),"
        " warnings.warn('x', UserWarning))\n"
        "c.main()\n"
    )
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    res = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, capture_output=True,
                         text=True, timeout=TIMEOUT, env=env)  # fmt: skip
    assert res.returncode == 0, res.stderr
    assert res.stderr.splitlines() == ["warning: overflow encountered", "warning: x"]
