"""Time and peak memory of ``sim run`` (every model, PNG and SVG figures) as a scenario grows.

Run: ``python benchmarks/bench_scale.py [--k 1,2,...] [--n 0,4,...] [--timeout S]``.  For
each ``k`` continuous trade sectors (each its own tariff issue, trade payoffs like the
baseline's car sector) and ``n`` yes/no concessions (:mod:`scale_scenarios`), it runs
``python -m sim run`` in a fresh subprocess and prints two tables: wall time in seconds and
peak resident memory in MB (the child's ``ru_maxrss`` from ``os.wait4``, the same figure as
``resource.getrusage(RUSAGE_CHILDREN)`` for one child).  A cell is ``refused`` when ``sim``
stopped with exit status 2 before allocating (a model over its size limit: the first line
of its message follows the table), ``timeout`` past ``--timeout`` and ``killed`` past the
address-space cap ``--max-gb``.  The issue's goal (#9): k = 8, n = 20 under 10 s and 2 GB
on a 2-core machine, with polynomial growth.  Timings are reported, never asserted.
"""

from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(Path(__file__).resolve().parent))

from scale_scenarios import every_model, write_scale_scenario  # noqa: E402


def _env() -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
    env.setdefault("COLUMNS", "100")
    return env


def measure(path: Path, out: Path, timeout: float, max_gb: float) -> tuple[str, float, float]:
    """``(status, seconds, peak MB)`` of ``sim run path`` in a fresh subprocess."""

    def cap() -> None:  # keep a runaway run from taking the shared machine down
        limit = int(max_gb * 2**30)
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))

    cmd = [sys.executable, "-m", "sim", "run", str(path), "--out", str(out)]
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                            env=_env(), cwd=ROOT, preexec_fn=cap)  # fmt: skip
    status = None
    while status is None:
        pid, code, usage = os.wait4(proc.pid, os.WNOHANG)
        if pid:
            status = code
        elif time.perf_counter() - t0 > timeout:
            proc.kill()
            _, code, usage = os.wait4(proc.pid, 0)
            return "timeout", time.perf_counter() - t0, usage.ru_maxrss / 1024
        else:
            time.sleep(0.02)
    seconds = time.perf_counter() - t0
    err = proc.stderr.read().decode(errors="replace") if proc.stderr else ""
    proc.returncode = os.waitstatus_to_exitcode(status)
    what = {0: "ok", 2: "refused"}.get(proc.returncode, f"exit {proc.returncode}")
    if proc.returncode == 2:
        what += ": " + err.strip().splitlines()[0][:300] if err.strip() else ""
    elif proc.returncode != 0 and "MemoryError" in err:
        what = "killed (memory cap)"
    return what, seconds, usage.ru_maxrss / 1024


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--k", default="1,2,3,4,5,6,7,8", help="numbers of sectors")
    ap.add_argument("--n", default="0,4,8,12,16,20", help="numbers of concessions")
    ap.add_argument("--timeout", type=float, default=120.0, help="seconds per run")
    ap.add_argument("--max-gb", type=float, default=6.0, help="address-space cap per run")
    args = ap.parse_args()
    ks = [int(x) for x in args.k.split(",")]
    ns = [int(x) for x in args.n.split(",")]
    cells: dict[tuple[int, int], tuple[str, float, float]] = {}
    with tempfile.TemporaryDirectory() as tmp:
        for k in ks:
            for n in ns:
                path = write_scale_scenario(Path(tmp), k, n, models=every_model(k, n))
                cells[k, n] = measure(path, Path(tmp) / f"run_{k}_{n}", args.timeout, args.max_gb)
                status, s, mb = cells[k, n]
                print(f"k={k} n={n}: {status.split(':')[0]}, {s:.1f} s, {mb:.0f} MB",
                      file=sys.stderr, flush=True)  # fmt: skip

    def table(title: str, fmt) -> None:
        print(f"\n{title}")
        print("k \\ n " + "".join(f"{n:>10d}" for n in ns))
        for k in ks:
            print(f"{k:5d} " + "".join(f"{fmt(cells[k, n]):>10s}" for n in ns))

    def mark(c) -> str:
        return {"ok": "", "timeout": " T"}.get(c[0], " R" if c[0].startswith("refused") else " X")

    table("wall time of `sim run` (s); R refused (exit 2), T timeout, X failed",
          lambda c: f"{c[1]:.1f}{mark(c)}")  # fmt: skip
    table("peak memory (MB)", lambda c: f"{c[2]:.0f}{mark(c)}")
    reasons = sorted({c[0] for c in cells.values() if c[0] not in ("ok",)})
    if reasons:
        print("\nnot ok:")
        for r in reasons:
            where = [f"({k},{n})" for (k, n), c in cells.items() if c[0] == r]
            print(f"  {' '.join(where)}: {r}")


if __name__ == "__main__":
    main()
