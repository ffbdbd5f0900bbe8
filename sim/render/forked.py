"""Share independent jobs (drawing figures) between this process and one forked child.

Drawing a run's figures is CPU-bound matplotlib work of about a third of a second each.
On a machine with a free core, this process does the first job (warming up fonts and text
layouts), then forks a child that inherits everything computed and imported so far (no
pickling, no new interpreter) and does every other job of the rest while this process does
the others: four figures take the time of about three.  The child writes its files itself
and reports what each job returned through a pipe.  Each job's output is the same
whichever process does it; when no child is forked (no ``os.fork``, other threads running,
no free core: see :func:`_can_fork`) or it fails or dies, this process does its jobs
itself, so the result, and any error raised, is that of doing every job here.
"""

from __future__ import annotations

import json
import os
import sys
import threading
from collections.abc import Callable, Sequence
from typing import Any

__all__ = ["FORK_ENV", "in_two_processes"]

#: ``0``: every job in this process; ``1``: a child whenever it is safe; unset: a child
#: when it is safe and a core is free.
FORK_ENV = "SIM_FORK_FIGURES"


def _can_fork() -> bool:
    """Fork when it is safe and can help: ``os.fork`` exists, no other thread runs (forking
    then can deadlock), and :data:`FORK_ENV` says ``1``, or is unset and a core is free
    (the load average of the last minute at most the number of cores less one: on a busy
    machine a child only adds its own start-up to the same CPU time)."""
    asked = os.environ.get(FORK_ENV, "")
    if asked == "0" or not hasattr(os, "fork") or threading.active_count() != 1:
        return False
    cores = os.cpu_count() or 1
    return asked == "1" or (cores > 1 and os.getloadavg()[0] <= cores - 1)


def in_two_processes(jobs: Sequence[Any], work: Callable[[Any], Any]) -> list[Any]:
    """``[work(job) for job in jobs]``, the jobs at odd places done by a forked child.

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
    if len(jobs) < 3 or not _can_fork():
        return [work(job) for job in jobs]
    # the first job here before forking: the child inherits what it warmed up (fonts,
    # text layouts), then takes every other one of the rest
    out: dict[int, Any] = {0: work(jobs[0])}
    theirs = list(range(1, len(jobs), 2))
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
    try:
        for i in range(2, len(jobs), 2):
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
