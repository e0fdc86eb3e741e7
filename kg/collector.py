"""Python's cycle collector, paused while kg makes millions of small objects.

Reading, graph emission and related-event scoring make millions of small objects
(records, quads, scores), none of them in a reference cycle. Each batch of new objects
would otherwise set off a collection that walks every object already alive, so that
on a large site the collector's time grows faster than the site.
"""
from __future__ import annotations

import gc
from pathlib import Path
from contextlib import contextmanager
from typing import Iterator


@contextmanager
def gc_paused() -> Iterator[None]:
    """Pause the cycle collector for the ``with`` block (nested blocks are fine)."""
    if not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


def give_back_memory() -> bool:
    """Hand the C allocator's free memory back to the system, once a build has let go of
    a large part of what it held (the records, the graph builder).

    Python frees its small objects into pools and arenas, and glibc's ``malloc`` keeps
    the larger ones' freed pages in its heap for later; what is let go in the middle of
    the heap stays the process's until ``malloc_trim`` returns it (a 10,000-event build
    drops from 267 to 202 MB when the records are let go). That lowers the peak of
    what comes next. A no-op (false) where the C library has no
    ``malloc_trim`` (not glibc)."""
    trim = _malloc_trim()
    return bool(trim(0)) if trim is not None else False


def _malloc_trim():  # type: ignore[no-untyped-def]
    global _TRIM
    if _TRIM is False:
        import ctypes
        try:  # the process's own symbols: the C library's, on Linux
            _TRIM = getattr(ctypes.CDLL(None), "malloc_trim", None)
        except (OSError, TypeError):
            _TRIM = None
        if _TRIM is not None:
            _TRIM.argtypes, _TRIM.restype = [ctypes.c_size_t], ctypes.c_int
    return _TRIM


_TRIM: object = False  # not looked up yet


def available_memory() -> int | None:
    """Bytes of memory the system can give to new work without swapping: Linux's
    ``MemAvailable``, or less where the process's control group (or one above it) is
    nearer its limit; ``None`` where that is not known."""
    try:
        with open("/proc/meminfo", encoding="ascii") as fh:
            free = next(int(line.split()[1]) * 1024 for line in fh if line.startswith("MemAvailable:"))
    except (OSError, StopIteration, ValueError, IndexError):
        return None
    room = _cgroup_room()
    return free if room is None else min(free, room)


_CGROUP_FILES = {"v2": ("/sys/fs/cgroup", "memory.max", "memory.current"),
                 "v1": ("/sys/fs/cgroup/memory", "memory.limit_in_bytes", "memory.usage_in_bytes")}
_RECLAIMABLE = {"v2": "inactive_file", "v1": "total_inactive_file"}  # in memory.stat: file cache it gives back
_NO_LIMIT = 1 << 60  # a v1 group without a limit says 2**63 less a page


def _cgroup_room(cgroups: str = "/proc/self/cgroup",
                 files: dict[str, tuple[str, str, str]] = _CGROUP_FILES) -> int | None:
    """The least room (limit less use, not counting the file cache the group can give
    back) of the memory control groups the process is in and those above them, as
    ``cgroups`` names them (``files``: where each version of control groups keeps them,
    and its files of limit and use); ``None`` when none has a limit."""
    try:
        with open(cgroups, encoding="utf-8") as fh:
            lines = fh.read().splitlines()
    except OSError:
        return None
    room: int | None = None
    for line in lines:
        parts = line.split(":", 2)
        if len(parts) != 3:
            continue
        _id, controllers, path = parts
        version = "v2" if controllers == "" else "v1" if "memory" in controllers.split(",") else None
        if version is None:
            continue
        base, limit_file, usage_file = files[version]
        names = [name for name in path.split("/") if name]
        for depth in range(len(names), -1, -1):
            folder = Path(base, *names[:depth])
            try:
                limit = (folder / limit_file).read_text(encoding="ascii").strip()
                used = int((folder / usage_file).read_text(encoding="ascii").strip())
            except (OSError, ValueError):
                continue  # not there (the root has no limit file), or not readable
            if limit == "max" or not limit.isdigit() or int(limit) >= _NO_LIMIT:
                continue
            left = max(int(limit) - used + _stat(folder / "memory.stat", _RECLAIMABLE[version]), 0)
            room = left if room is None else min(room, left)
    return room


def _stat(path: Path, key: str) -> int:
    """A figure of a control group's ``memory.stat`` (0 when not there)."""
    try:
        for line in path.read_text(encoding="ascii").splitlines():
            name, _, value = line.partition(" ")
            if name == key and value.strip().isdigit():
                return int(value)
    except OSError:
        pass
    return 0
