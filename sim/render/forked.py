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

A command that knows early that it will draw (``sim run``) can start a :class:`Worker`
before it solves anything (:func:`worker`): a child forked at once, which warms up
(imports matplotlib, loads the fonts) on the other core while this process loads and
solves, then takes the jobs, sent to it pickled, and shares them with a child of its own
(:func:`in_two_processes`).  Drawing then starts warm on both cores as soon as the
results exist.  The same fallback holds: if the worker fails, this process does the jobs.
"""

from __future__ import annotations

import json
import os
import pickle
import signal
import sys
import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any, NoReturn

__all__ = ["FORK_ENV", "Worker", "in_two_processes", "take_worker", "worker"]

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


def in_two_processes(
    jobs: Sequence[Any], work: Callable[[Any], Any], *, warm: bool = False
) -> list[Any]:
    """``[work(job) for job in jobs]``, the jobs at odd places done by a forked child.

    Parameters
    ----------
    jobs : sequence
    work : callable
        Does one job (its effects, such as files written, must not depend on the process);
        returns JSON-able data.
    warm : bool
        True if this process has warmed up already: fork at once (with two jobs or more);
        else do the first job before forking, so that the child inherits what it warmed
        up (fonts, text layouts).

    Returns
    -------
    list
        What ``work`` returned for each job, in order.
    """
    if len(jobs) < (2 if warm else 3) or not _can_fork():
        return [work(job) for job in jobs]
    out: dict[int, Any] = {} if warm else {0: work(jobs[0])}
    theirs = list(range(1, len(jobs), 2))
    read_end, write_end = os.pipe()
    pid = _fork()
    if pid == 0:  # the child: its jobs, their returns down the pipe, and out (no cleanup)

        def child():
            os.close(read_end)
            done = [work(jobs[i]) for i in theirs]
            with os.fdopen(write_end, "w") as pipe:
                json.dump(done, pipe)

        _exit_after(child)
    os.close(write_end)
    try:
        for i in range(0 if warm else 2, len(jobs), 2):  # the even places here
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


class Worker:
    """A forked child that warmed up while this process worked, waiting for one batch of
    jobs (see :func:`worker`).

    Attributes
    ----------
    pid : int
        The child's process id.
    """

    def __init__(self, pid: int, to_child: int, from_child: int) -> None:
        self.pid = pid
        self._to, self._from = to_child, from_child

    def map(self, fn: Callable[..., Any], jobs: Sequence[tuple]) -> list[Any] | None:
        """``[fn(*job) for job in jobs]`` done by the worker (and a child of its own), or
        None if it failed (then nothing it wrote can be relied on: do the jobs here).

        ``fn`` and the jobs are pickled (``fn`` by reference: a module-level function);
        ``fn`` returns JSON-able data.  Waits for the worker to finish, also when this
        process is interrupted, so that nothing is left writing after it returns.
        """
        if self._to is None:
            return None
        try:
            data = pickle.dumps((fn, list(jobs)), protocol=pickle.HIGHEST_PROTOCOL)
        except (pickle.PicklingError, TypeError, AttributeError):
            data = b""  # jobs that do not pickle: nothing sent, the worker exits, None below
        try:
            with os.fdopen(self._to, "wb") as pipe:
                pipe.write(data)
        except OSError:
            pass  # a worker that died (broken pipe): None below
        finally:
            self._to = None
            reply = _reply(self._from, self.pid)
        return reply if reply is not None and len(reply) == len(jobs) else None

    def close(self) -> None:
        """Stop an unused worker (it has written nothing) and reap it."""
        if self._to is not None:
            os.close(self._to)
            self._to = None
            os.kill(self.pid, signal.SIGKILL)  # not left to finish warming up
            _reply(self._from, self.pid)


def _fork() -> int:
    """``os.fork`` with the standard streams flushed first (else the child writes their
    buffered output again)."""
    sys.stdout.flush()
    sys.stderr.flush()
    return os.fork()


def _exit_after(body: Callable[[], None]) -> NoReturn:
    """A child's end: run ``body``, then leave at once (no cleanup of the parent's state),
    with status 0 if it returned and 1 if it raised."""
    status = 1
    try:
        body()
        status = 0
    finally:
        os._exit(status)


def _serve(read_end: int, write_end: int, warm: Callable[[], None]) -> NoReturn:
    """The worker: warm up, wait for ``(fn, jobs)``, do them in two processes, reply, exit."""

    def body():
        devnull = os.open(os.devnull, os.O_RDWR)  # the parent's terminal and pipes are its own
        for fd in (0, 1) if os.environ.get("SIM_DEBUG") else (0, 1, 2):
            os.dup2(devnull, fd)
        warm()
        with os.fdopen(read_end, "rb") as pipe:
            data = pipe.read()
        if data:  # nothing: the parent had no jobs for it
            fn, jobs = pickle.loads(data)
            done = in_two_processes(jobs, lambda job: fn(*job), warm=True)
            with os.fdopen(write_end, "w") as pipe:
                json.dump(done, pipe)

    _exit_after(body)


_ACTIVE: Worker | None = None


@contextmanager
def worker(warm: Callable[[], None]) -> Iterator[Worker | None]:
    """Within the block, a :class:`Worker` forked at once (when :func:`_can_fork`) that
    runs ``warm()`` and then waits for one batch of jobs, which :func:`take_worker` hands
    to whoever has them; at the end of the block an unused worker exits.

    Yields
    ------
    Worker or None
        None when no child is forked.
    """
    global _ACTIVE
    w = _start(warm) if _can_fork() else None
    _ACTIVE = w
    try:
        yield w
    finally:
        _ACTIVE = None
        if w is not None:
            w.close()


def take_worker() -> Worker | None:
    """The waiting worker of the current :func:`worker` block (each serves one batch), or
    None."""
    global _ACTIVE
    w, _ACTIVE = _ACTIVE, None
    return w


def _start(warm: Callable[[], None]) -> Worker:
    to_read, to_write = os.pipe()
    from_read, from_write = os.pipe()
    pid = _fork()
    if pid == 0:
        os.close(to_write)
        os.close(from_read)
        _serve(to_read, from_write, warm)
    os.close(to_read)
    os.close(from_write)
    return Worker(pid, to_write, from_read)
