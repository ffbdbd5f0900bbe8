"""Sweeps: a design of draws evaluated chunk by chunk into a resumable run folder.

A sweep folder (``runs/<scenario id>/sweep-<UTC>/`` by default) holds

* ``manifest.json``: format version, sim version, scenario hash, seed, method, models,
  chunk size, the factors and the chunks written so far (replaced atomically);
* ``scenario.json``: the resolved scenario (a resumed sweep checks its hash);
* ``design.parquet``: every draw, generated up front from the seed;
* ``chunks/chunk-NNNNNN.parquet``: one row per (draw, model) of the chunk's draws, from
  :func:`sim.analysis.evaluate.evaluate` (inputs then the record).  Each is written to a
  temporary name and renamed: a chunk is whole or absent.

Chunks are independent (model streams depend only on the draw, not on who solves it), so
the table is the same for one process, a Dask ``LocalCluster`` or a remote scheduler, and
a resumed sweep computes only the chunks missing.
"""

from __future__ import annotations

import datetime as dt
import json
import os
from pathlib import Path

from sim.results.folder import new_run_dir
from sim.results.run import SIM_VERSION

__all__ = ["SWEEP_FORMAT_VERSION", "local_cluster", "read_sweep", "read_table", "run_sweep"]

SWEEP_FORMAT_VERSION = 1
#: Draws per chunk (memory is bounded by a chunk, not by the number of draws: the README's
#: sweep of the four axiomatic models peaks at 0.8 GB with 8,000, 0.6 GB with 2,000; a
#: chunk's fixed costs, its Parquet file, its Dask task, weigh less in a larger one).
CHUNK_SIZE = 8000


def _write_atomic(path: Path, write) -> None:
    tmp = path.with_name(f".{path.name}.tmp-{os.getpid()}")
    write(tmp)
    os.replace(tmp, path)


def _write_json(path: Path, payload: dict) -> None:
    _write_atomic(path, lambda p: p.write_text(json.dumps(payload, indent=2) + "\n"))


def evaluate_chunk(loaded, draws, models, start: int) -> bytes:
    """Records of one chunk of draws, numbered from ``start``, as the bytes of its Parquet
    file (a Dask task: the worker encodes, the client only writes)."""
    import io

    from sim.analysis.evaluate import evaluate

    out = evaluate(loaded, draws, models=models)
    out["draw"] = out["draw"] + start
    buf = io.BytesIO()
    out.to_parquet(buf, index=False)
    return buf.getvalue()


def _chunk_name(k: int) -> str:
    return f"chunks/chunk-{k:06d}.parquet"


def _bounds(n: int, size: int) -> list[tuple[int, int]]:
    return [(lo, min(lo + size, n)) for lo in range(0, n, size)]


def local_cluster(workers: int, **kwargs):
    """A Dask ``LocalCluster`` of ``workers`` single-threaded processes.

    Dask's nanny sets ``MALLOC_TRIM_THRESHOLD_=65536`` in its workers, which makes the
    batched solvers' many small allocations about twice as slow (measured); the workers
    start here with glibc's default instead.
    """
    import dask
    from dask.distributed import LocalCluster

    key = "distributed.nanny.pre-spawn-environ"
    env = {k: v for k, v in dask.config.get(key, {}).items() if k != "MALLOC_TRIM_THRESHOLD_"}
    with dask.config.set({key: env}):
        return LocalCluster(n_workers=workers, threads_per_worker=1, processes=True,
                            dashboard_address=None, **kwargs)


def _client(workers: int, scheduler: str | None):
    """A Dask client: an existing scheduler, or a LocalCluster of ``workers`` processes."""
    from dask.distributed import Client

    if scheduler:
        return Client(scheduler), None
    cluster = local_cluster(workers)
    return Client(cluster), cluster


def run_sweep(loaded=None, design=None, *, models=None, out=None, resume=None,
              workers: int = 1, scheduler: str | None = None, chunk_size: int = CHUNK_SIZE,
              progress: bool = False, args: dict | None = None, draws=None) -> Path:
    """Evaluate a design chunk by chunk into a sweep folder; returns the folder.

    Parameters
    ----------
    loaded : LoadedScenario
    design : sim.analysis.design.Design
    models : list of str
    out : path, optional
        Folder to create (must not exist; default ``runs/<id>/sweep-<UTC>``).
    resume : path, optional
        A sweep folder to finish: the chunks already written are kept as they are.
    workers : int
        More than one: a Dask ``LocalCluster`` with this many worker processes.
    scheduler : str, optional
        Address of an existing Dask scheduler.
    chunk_size : int
        Draws per chunk.
    progress : bool
        Show a rich progress bar.
    args : dict, optional
        The design's arguments (method, samples, params, grid), recorded in the manifest so
        that the analysis can rebuild the design (:func:`sim.analysis.sweep_report.load_sweep`).
    draws : pandas.DataFrame, optional
        ``design.draws()``, when the caller has it already.
    """
    from concurrent.futures import Future, ThreadPoolExecutor

    import pandas as pd

    writer = ThreadPoolExecutor(1)  # the design is written while the first chunks compute
    design_written: Future | None = None
    if resume is not None:
        folder = Path(resume)
        manifest = json.loads((folder / "manifest.json").read_text())
        if loaded is not None and loaded.sha256 != manifest["scenario_sha256"]:
            raise ValueError(f"{folder}: the scenario changed since the sweep started")
        from sim.scenario.loader import validate_data

        if loaded is None:
            data = json.loads((folder / "scenario.json").read_text())
            loaded = validate_data(data, manifest["scenario"])
        draws = pd.read_parquet(folder / "design.parquet")
        for stale in (*folder.glob(".*.tmp-*"), *(folder / "chunks").glob(".*.tmp-*")):
            stale.unlink()  # a chunk killed while being written: computed again below
    else:
        created = dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
        if out is None:
            stamp = created.replace("-", "").replace(":", "")
            out = Path("runs") / loaded.scenario.id / f"sweep-{stamp}"
        folder = new_run_dir(Path(out), loaded.scenario.id, created)
        (folder / "chunks").mkdir(parents=True)
        draws = design.draws() if draws is None else draws
        _write_json(folder / "scenario.json", loaded.data)
        manifest = {
            "format_version": SWEEP_FORMAT_VERSION,
            "sim_version": SIM_VERSION,
            "created": created,
            "scenario": str(loaded.path),
            "scenario_sha256": loaded.sha256,
            "method": design.method,
            "seed": design.seed,
            "base_samples": design.base,
            "factors": [{"path": f.path, "lo": f.lo, "hi": f.hi, "tied": list(f.followers)}
                        for f in design.factors],
            "grid": [{"path": p, "values": list(v)} for p, v in design.grid],
            "models": list(models),
            "args": args or {},
            "n_draws": len(draws),
            "chunk_size": int(chunk_size),
            "chunks": [],
        }

        def start(design, first):
            _write_atomic(folder / "design.parquet", lambda p: design.to_parquet(p, index=False))
            _write_json(folder / "manifest.json", first)  # resumable from here on

        design_written = writer.submit(start, draws, manifest)  # no chunk changes it before
    models = manifest["models"]
    bounds = _bounds(manifest["n_draws"], manifest["chunk_size"])
    done = {_chunk_name(k) for k in range(len(bounds)) if (folder / _chunk_name(k)).exists()}
    todo = [k for k in range(len(bounds)) if _chunk_name(k) not in done]

    def land(k: int, data: bytes | None) -> None:
        if data is not None:
            if design_written is not None:
                design_written.result()  # design and manifest on disk before any chunk
            _write_atomic(folder / _chunk_name(k), lambda p: p.write_bytes(data))
            done.add(_chunk_name(k))
        manifest["chunks"] = [{"file": _chunk_name(j), "draws": list(bounds[j])}
                              for j in range(len(bounds)) if _chunk_name(j) in done]
        _write_json(folder / "manifest.json", manifest)

    if resume is not None:
        land(-1, None)  # the manifest lists every chunk on disk (one may have landed unlisted)
    left = sum(bounds[k][1] - bounds[k][0] for k in todo)
    try:
        _evaluate_chunks(loaded, draws, models, bounds, todo, land, workers, scheduler,
                         _progress(progress, manifest["n_draws"], manifest["n_draws"] - left))
        if design_written is not None:
            design_written.result()
    finally:
        writer.shutdown(wait=True)
    return folder


def _evaluate_chunks(loaded, draws, models, bounds, todo, land, workers, scheduler, bar):
    """Evaluate the chunks ``todo`` in this process or on Dask, landing each as it ends."""
    with bar as advance:
        if workers <= 1 and not scheduler:
            for k in todo:
                lo, hi = bounds[k]
                land(k, evaluate_chunk(loaded, draws.iloc[lo:hi].reset_index(drop=True),
                                       models, lo))
                advance(hi - lo)
        else:
            from dask.distributed import as_completed

            client, cluster = _client(workers, scheduler)
            try:
                scattered = client.scatter(loaded, broadcast=True)
                futures = {}
                for k in todo:
                    lo, hi = bounds[k]
                    part = draws.iloc[lo:hi].reset_index(drop=True)
                    fut = client.submit(evaluate_chunk, scattered, part, models, lo, pure=False)
                    futures[fut] = k
                for fut in as_completed(futures):
                    k = futures[fut]
                    land(k, fut.result())
                    advance(bounds[k][1] - bounds[k][0])
            finally:
                client.close()
                if cluster is not None:
                    cluster.close()


class _progress:
    """A rich progress bar over draws (or nothing)."""

    def __init__(self, show: bool, total: int, done: int):
        self.show, self.total, self.done = show, total, done
        self.bar = None

    def __enter__(self):
        if not self.show:
            return lambda n: None
        from rich.progress import (
            BarColumn,
            MofNCompleteColumn,
            Progress,
            TextColumn,
            TimeElapsedColumn,
            TimeRemainingColumn,
        )

        self.bar = Progress(TextColumn("sweep"), BarColumn(), MofNCompleteColumn(),
                            TimeElapsedColumn(), TimeRemainingColumn(), transient=False)
        self.bar.start()
        task = self.bar.add_task("draws", total=self.total, completed=self.done)
        return lambda n: self.bar.advance(task, n)

    def __exit__(self, *exc):
        if self.bar is not None:
            self.bar.stop()
        return False


def read_sweep(folder: str | Path):
    """``(manifest, loaded)`` of a sweep folder: its manifest and its validated scenario."""
    from sim.scenario.loader import validate_data

    folder = Path(folder)
    manifest = json.loads((folder / "manifest.json").read_text())
    data = json.loads((folder / "scenario.json").read_text())
    return manifest, validate_data(data, manifest["scenario"])


def read_table(folder: str | Path, columns=None):
    """The sweep's table, one row per (draw, model), from the chunks written so far;
    ``columns``: only those of them the chunks have (and ``draw``)."""
    import pandas as pd
    import pyarrow.parquet as pq

    folder = Path(folder)
    files = sorted((folder / "chunks").glob("chunk-*.parquet"))  # every chunk on disk
    if not files:
        return pd.DataFrame()
    if columns is not None:
        have = set(pq.read_schema(files[0]).names)
        columns = ["draw", *(c for c in columns if c in have and c != "draw")]
    frames = [pd.read_parquet(f, columns=columns) for f in files]
    return pd.concat(frames, ignore_index=True).sort_values("draw", kind="stable").reset_index(
        drop=True
    )
