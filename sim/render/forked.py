"""Share independent jobs (drawing figures) between this process and one forked child.

Drawing a run's figures is CPU-bound matplotlib work of about a third of a second each;
on a machine with a free core, a child forked after the run is solved draws half of them
while this process draws the rest, and the run folder is complete in about half the time.
The child inherits everything already computed and imported (no pickling, no new
interpreter), writes its files itself and reports what each job returned through a pipe.
Each job's output is the same whichever process does it; when the child cannot be forked
(no ``os.fork``, other threads running), fails or dies, this process does its jobs itself,
so the result, and any error raised, is that of doing every job here.
"""

from __future__ import annotations

import json
import os
import sys
import threading
from collections.abc import Callable, Sequence
from typing import Any

__all__ = ["FORK_ENV", "in_two_processes"]

#: Set to ``0`` to do every job in this process (no child).
FORK_ENV = "SIM_FORK_FIGURES"


def _can_fork() -> bool:
    return (
        hasattr(os, "fork")
        and os.environ.get(FORK_ENV, "1") != "0"
        and threading.active_count() == 1  # forking with threads running can deadlock
        and (os.cpu_count() or 1) > 1
    )


def in_two_processes(jobs: Sequence[Any], work: Callable[[Any], Any]) -> list[Any]:
    """``[work(job) for job in jobs]``, the jobs at even places done by a forked child.

    Parameters
    ----------
    jobs : sequence
    work : callable
        Does one job (its effects, such as files written, must not depend on the process);
        returns JSON-able data.

    Returns
    -------
    list
        What ``work`` returned for each job, in order.
    """
    if len(jobs) < 2 or not _can_fork():
        return [work(job) for job in jobs]
    theirs = list(range(0, len(jobs), 2))
    read_end, write_end = os.pipe()
    sys.stdout.flush()
    sys.stderr.flush()
    pid = os.fork()
    if pid == 0:  # the child: its jobs, their returns down the pipe, and out (no cleanup)
        status = 1
        try:
            os.close(read_end)
            done = [work(jobs[i]) for i in theirs]
            with os.fdopen(write_end, "w") as pipe:
                json.dump(done, pipe)
            status = 0
        finally:
            os._exit(status)
    os.close(write_end)
    out: dict[int, Any] = {}
    try:
        for i in range(1, len(jobs), 2):
            out[i] = work(jobs[i])
    finally:
        reply = _reply(read_end, pid)
    if reply is None or len(reply) != len(theirs):  # the child failed: its jobs here
        reply = [work(jobs[i]) for i in theirs]
    out.update(zip(theirs, reply, strict=True))
    return [out[i] for i in range(len(jobs))]


def _reply(read_end: int, pid: int) -> list | None:
    """The child's list of returns, or None if it failed (always reaps it)."""
    try:
        with os.fdopen(read_end) as pipe:
            text = pipe.read()
    finally:
        _pid, status = os.waitpid(pid, 0)
    if not os.WIFEXITED(status) or os.WEXITSTATUS(status) != 0:
        return None
    try:
        reply = json.loads(text)
    except ValueError:
        return None
    return reply if isinstance(reply, list) else None
