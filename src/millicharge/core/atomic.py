"""Atomic file output: the one writer every result, table, figure and cache entry goes through.

A file is written under a temporary name in its own folder and moved into place with
:func:`os.replace`, which is atomic on POSIX and Windows: a reader, or a run that is
killed half-way, sees either the old file or the whole new one, never a torn one. The
finished file gets the mode an ordinary ``open(path, "w")`` would give (0666 less the
umask), not :func:`tempfile.mkstemp`'s private 0600.

Temporary names are ``.<name>.<pid>.<random>.mc-tmp``; one left behind by a process
that was killed (SIGKILL cannot be caught) is removed by the next write to the same
folder once its process is gone (:func:`remove_stale_temporaries`).

    >>> import tempfile, pathlib
    >>> d = pathlib.Path(tempfile.mkdtemp())
    >>> write_text(d / "a.txt", "hello\\n").read_text()
    'hello\\n'
    >>> sorted(p.name for p in d.iterdir())
    ['a.txt']
"""

from __future__ import annotations

import contextlib
import os
import secrets
from collections.abc import Iterator, Sequence
from pathlib import Path

from millicharge.core.errors import InputError

__all__ = [
    "TEMP_SUFFIX",
    "atomic_path",
    "check_output_path",
    "file_mode",
    "remove_stale_temporaries",
    "write_bytes",
    "write_text",
]

TEMP_SUFFIX = ".mc-tmp"


def file_mode() -> int:
    """0666 less the process umask: the mode ``open(path, "w")`` would create."""
    mask = os.umask(0)
    os.umask(mask)
    return 0o666 & ~mask


def _pid_alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OSError):
        return True  # exists, owned by someone else
    return True


def remove_stale_temporaries(folder: str | os.PathLike[str]) -> int:
    """Delete temporaries in ``folder`` whose writing process no longer exists.

    Returns how many were removed. Temporaries of live processes are left alone (they
    are being written now).
    """
    removed = 0
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return 0
    for entry in entries:
        name = entry.name
        if not (name.startswith(".") and name.endswith(TEMP_SUFFIX)):
            continue
        parts = name[: -len(TEMP_SUFFIX)].rsplit(".", 2)
        try:
            pid = int(parts[-2])
        except (IndexError, ValueError):
            continue
        if not _pid_alive(pid):
            with contextlib.suppress(OSError):
                os.unlink(entry.path)
                removed += 1
    return removed


@contextlib.contextmanager
def atomic_path(path: str | os.PathLike[str], *, make_parents: bool = True) -> Iterator[Path]:
    """Yield a temporary path beside ``path``; on success it replaces ``path``.

    For writers that want a file name rather than a file object (matplotlib's
    ``savefig``, pyarrow). On any exception, KeyboardInterrupt included, the temporary
    is removed and ``path`` is untouched.
    """
    path = Path(path)
    if make_parents:
        path.parent.mkdir(parents=True, exist_ok=True)
    remove_stale_temporaries(path.parent)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}{TEMP_SUFFIX}")
    try:
        yield tmp
        if tmp.exists():
            os.chmod(tmp, file_mode())
        os.replace(tmp, path)
    finally:
        with contextlib.suppress(OSError):
            os.unlink(tmp)


def write_bytes(path: str | os.PathLike[str], data: bytes, *,
                make_parents: bool = True) -> Path:
    """Write ``data`` to ``path`` atomically; returns the path."""
    path = Path(path)
    with atomic_path(path, make_parents=make_parents) as tmp:
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
    return path


def write_text(path: str | os.PathLike[str], text: str, *, make_parents: bool = True) -> Path:
    """Write ``text`` (UTF-8) to ``path`` atomically; returns the path."""
    return write_bytes(path, text.encode("utf-8"), make_parents=make_parents)


def _resolved(path: Path) -> Path | None:
    """``path`` made absolute with ``..`` and symbolic links resolved (None if impossible)."""
    try:
        return path.resolve()
    except (OSError, RuntimeError):
        return None


def check_output_path(
    path: str | os.PathLike[str],
    *,
    suffixes: Sequence[str] | None = None,
    inputs: Sequence[str | os.PathLike[str]] = (),
    what: str = "output",
) -> Path:
    """Refuse, before any work is done, an output path that cannot or must not be written.

    Checks: the extension is one of ``suffixes`` (compared case-insensitively; a
    two-part suffix such as ``.lhe.gz`` is allowed); the path is not a directory; no
    folder on the way is an existing file; the folder exists (a typo must not create a
    tree of folders) and is writable; the path is not one of the ``inputs`` the user gave
    (never overwrite an input).
    Raises :class:`~millicharge.core.errors.InputError` with one line.
    """
    p = Path(path)
    name = p.name.lower()
    if suffixes is not None and not any(name.endswith(s.lower()) and len(name) > len(s)
                                        for s in suffixes):
        raise InputError(f"bad {what} {str(p)!r}: the name must end in {', '.join(suffixes)}")
    if p.is_dir():
        raise InputError(f"bad {what} {str(p)!r}: it is a directory; give a file name")
    for inp in inputs:
        q = Path(inp)
        same = False
        try:
            same = p.exists() and q.exists() and os.path.samefile(p, q)
        except OSError:
            same = False
        if same or p.absolute() == q.absolute() or _resolved(p) == _resolved(q):
            raise InputError(f"refusing to overwrite the input file {str(q)!r} with the "
                             f"{what}: choose another name")
    parent = p.absolute().parent
    while not parent.exists():
        parent = parent.parent
    if not parent.is_dir():
        raise InputError(f"bad {what} {str(p)!r}: {str(parent)!r} is a file, not a folder")
    if not os.access(parent, os.W_OK | os.X_OK):
        raise InputError(f"cannot write {what} {str(p)!r}: folder {str(parent)!r} is not "
                         "writable")
    if parent != p.absolute().parent:  # a typo must not create a tree of folders
        raise InputError(f"bad {what} {str(p)!r}: folder {str(p.parent)!r} does not exist: "
                         "create it first")
    if p.exists() and not os.access(p, os.W_OK) and not os.access(p.parent, os.W_OK):
        raise InputError(f"cannot write {what} {str(p)!r}: permission denied")
    return p
