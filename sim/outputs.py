"""Atomic, collision-safe writes: every file and folder ``sim`` writes goes through here.

* A folder (a run, a comparison) is built in a hidden temporary folder next to its
  destination, ``.simtmp-<pid>-<random>``, created exclusively by
  :func:`tempfile.mkdtemp` (unpredictable name, mode 0700), then renamed into place
  (:func:`publish_dir`).  If the destination appears meanwhile (another run started in the
  same second), the next free name ``<name>-2``, ``<name>-3``... is taken: both runs land.
* A file is written to a temporary file created with ``O_EXCL`` (which never follows a
  planted link), then hard-linked to its name (:func:`write_new_file`, never overwrites)
  or renamed over it (:func:`replace_file`, which replaces a link rather than writing
  through it).
* Temporary folders are removed on every exit path: on an exception, on SIGTERM (the CLI
  turns it into ``SystemExit``, see :func:`exit_on_sigterm`), and, after a SIGKILL, by the
  next write in the same folder (:func:`clean_stale`: the process named in the folder's
  name is gone, or the folder is older than :data:`STALE_AFTER` seconds).

The module imports nothing from ``sim``.
"""

from __future__ import annotations

import errno
import os
import shutil
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

__all__ = [
    "TMP_PREFIX",
    "clean_stale",
    "exit_on_sigterm",
    "out_problem",
    "publish_dir",
    "replace_file",
    "temp_dir",
    "write_new_file",
]

#: Prefix of every temporary folder or file (hidden), followed by the writer's pid.
TMP_PREFIX = ".simtmp-"
#: Age (seconds) after which a temporary left by any process is stale: one day.
STALE_AFTER = 86_400
_TAKEN = {errno.EEXIST, errno.ENOTEMPTY, errno.ENOTDIR, errno.EISDIR}


def candidates(path: Path) -> Iterator[Path]:
    """``path``, then ``stem-2.ext``, ``stem-3.ext``... (folders: ``name-2``...)."""
    yield path
    n = 1
    while True:
        n += 1
        yield path.with_name(f"{path.stem}-{n}{path.suffix}")


def out_problem(out: Path | None) -> str:
    """Why ``out`` cannot be the name of a new folder to write, or ``""``.

    ``.``, ``..``, ``""`` and ``/`` name no new folder; a path through an existing file
    cannot hold one.  (An existing folder is fine: a run never overwrites it, and lands
    in ``<out>-2``, ``<out>-3``... instead.)
    """
    if out is None:
        return ""
    out = Path(out)
    if str(out) in ("", ".") or out.name in ("", ".", "..") or out.resolve() == Path("/"):
        return "give the name of a new folder (e.g. runs/my-run); this names no new folder"
    for p in (out, *out.parents):
        if p.exists() or p.is_symlink():
            return "" if p.is_dir() else f"{p} exists and is not a folder"
    return ""


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's process
        return True
    return True


def clean_stale(folder: Path, *, max_age: float = STALE_AFTER) -> list[Path]:
    """Remove temporaries in ``folder`` left by a process that is gone (or too old).

    Returns the paths removed.  Links are unlinked, never followed.
    """
    removed: list[Path] = []
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return removed
    now = time.time()
    for entry in entries:
        if not entry.name.startswith(TMP_PREFIX):
            continue
        pid_text = entry.name[len(TMP_PREFIX) :].split("-", 1)[0]
        try:
            pid = int(pid_text)
            age = now - entry.stat(follow_symlinks=False).st_mtime
        except (ValueError, OSError):
            continue
        if pid != os.getpid() and _alive(pid) and age < max_age:
            continue
        path = Path(entry.path)
        if entry.is_dir(follow_symlinks=False):
            shutil.rmtree(path, ignore_errors=True)
        else:
            path.unlink(missing_ok=True)
        removed.append(path)
    return removed


def temp_dir(parent: Path) -> Path:
    """A new hidden temporary folder in ``parent`` (created, with its parents), after
    removing the stale ones there."""
    parent.mkdir(parents=True, exist_ok=True)
    clean_stale(parent)
    return Path(tempfile.mkdtemp(prefix=f"{TMP_PREFIX}{os.getpid()}-", dir=parent))


def publish_dir(tmp: Path, dest: Path) -> Path:
    """Rename the finished folder ``tmp`` to ``dest`` or the first free ``dest-N``.

    A name taken meanwhile (by another run: the rename fails on a non-empty folder, a file
    or a link) is skipped.  On any failure ``tmp`` is removed and the error raised.
    """
    try:
        os.chmod(tmp, 0o777 & ~_umask())  # mkdtemp's 0700 -> what mkdir would have made
        for target in candidates(dest):
            if target.exists() or target.is_symlink():
                continue
            try:
                os.rename(tmp, target)  # atomic on one filesystem
            except OSError as exc:
                if exc.errno in _TAKEN:
                    continue
                raise
            return target
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    raise AssertionError("unreachable")  # pragma: no cover


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def _temp_file(text: str, folder: Path) -> str:
    fd, tmp = tempfile.mkstemp(prefix=f"{TMP_PREFIX}{os.getpid()}-", suffix=".tmp", dir=folder)
    try:
        os.fchmod(fd, 0o666 & ~_umask())  # mkstemp's 0600 -> what open() would have made
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
    except BaseException:
        os.unlink(tmp)
        raise
    return tmp


def write_new_file(text: str, path: Path) -> Path:
    """Write ``text`` to a new file at ``path`` or the first free ``stem-N.ext``.

    The text goes to a temporary file first, then hard-linked to its name: the link fails
    if the name exists (a file, a folder or a planted link), so nothing is overwritten or
    written through, and no reader ever sees a partial file.
    """
    tmp = _temp_file(text, path.parent)
    try:
        for target in candidates(path):
            try:
                os.link(tmp, target)
            except FileExistsError:
                continue
            return target
    finally:
        os.unlink(tmp)
    raise AssertionError("unreachable")  # pragma: no cover


def replace_file(text: str, path: Path) -> Path:
    """Write ``text`` to ``path`` whole, replacing a file (or a link: the link itself, never
    its target) that is there.

    Raises
    ------
    IsADirectoryError
        If ``path`` is a folder.
    """
    if path.is_dir() and not path.is_symlink():
        raise IsADirectoryError(errno.EISDIR, "is a folder", str(path))
    tmp = _temp_file(text, path.parent)
    try:
        os.replace(tmp, path)
    except BaseException:
        os.unlink(tmp)
        raise
    return path


def exit_on_sigterm() -> None:
    """Make SIGTERM raise ``SystemExit(143)``, so that ``finally`` blocks and exception
    handlers remove temporaries (call it from the main thread of a command-line program)."""
    import signal

    def _handler(signum, frame):
        raise SystemExit(128 + signum)

    signal.signal(signal.SIGTERM, _handler)
