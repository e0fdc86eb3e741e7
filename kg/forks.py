"""Worker processes forked from kg's own process, for work shared out on a large site.

Forked workers inherit what the parent has made (the site's records, the scoring
tables) without copying it through pipes; only the work's spans go out and results
come back. The parent may hold an open Oxigraph store, whose RocksDB runs threads of
its own: the workers never touch the store, so Python 3.12's warning about forking a
multi-threaded process does not apply to them and is silenced here (only there).
"""
from __future__ import annotations

import multiprocessing
import multiprocessing.context
import os
import pickle
import signal
import warnings
from contextlib import contextmanager
from typing import Any, Callable, Iterator

_THREADS_WARNING = r".*is multi-threaded, use of fork\(\) may lead to deadlocks"


def can_fork() -> bool:
    """Whether this system starts processes by forking (not on Windows)."""
    return "fork" in multiprocessing.get_all_start_methods()


def fork_context() -> multiprocessing.context.BaseContext:
    """The ``fork`` start method's context (:func:`can_fork` must be true)."""
    return multiprocessing.get_context("fork")


@contextmanager
def forking() -> Iterator[None]:
    """A ``with`` block in which workers are forked (by a pool's start or as it grows)
    without the multi-threaded-fork warning."""
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message=_THREADS_WARNING, category=DeprecationWarning)
        yield


class Ahead:
    """A function run in a child forked now, while this process goes on with other work;
    :meth:`result` takes what it returned (pickled through a pipe), :meth:`cancel` drops
    it. The child inherits everything the function reads (nothing is copied to it),
    dies with the thread that forked it (Linux's parent-death signal: fork from the main
    thread), and ends with ``os._exit``: it
    runs no exit handlers and flushes none of this process's buffers. Fork only where
    no other thread may hold a lock the function needs.

    Where the system does not fork, or the fork fails (no memory for the child), nothing
    runs ahead and :meth:`result` is ``None``.
    """

    def __init__(self, function: Callable[..., Any], *args: Any) -> None:
        self._pid = self._fd = -1
        self._pidfd: int | None = None  # the child, safe to signal after it has ended
        self.error: str | None = None  # why :meth:`result` is None, when the child failed
        if not can_fork():
            self.error = "this system does not fork"
            return
        read, write = os.pipe()
        parent = os.getpid()
        # Ctrl-C held back while forking: the child must not run this process's handler
        # (nor go up its stack) before it is in its own `try`
        held = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT}) if _MASKS else None
        try:
            with forking():
                pid = os.fork()
        except OSError as exc:
            os.close(read)
            os.close(write)
            self.error = f"cannot fork: {exc}"
            return
        finally:
            if held is not None and os.getpid() == parent:
                signal.pthread_sigmask(signal.SIG_SETMASK, held)
        if pid == 0:  # the child: whatever happens, it ends here
            code = 1
            try:
                if held is not None:
                    signal.pthread_sigmask(signal.SIG_SETMASK, held)
                os.close(read)
                die_with(parent)
                try:
                    data = pickle.dumps((True, function(*args)), protocol=pickle.HIGHEST_PROTOCOL)
                except BaseException as exc:  # noqa: BLE001 - told to the parent, which goes on without
                    data = pickle.dumps((False, f"{type(exc).__name__}: {exc}"))
                with os.fdopen(write, "wb") as out:
                    out.write(data)
                code = 0
            finally:
                os._exit(code)
        os.close(write)
        self._pid, self._fd = pid, read
        try:
            self._pidfd = os.pidfd_open(pid)
        except ProcessLookupError:  # ended and reaped already (SIGCHLD ignored): nothing to signal
            self._pid = -1
        except (AttributeError, OSError):  # not Linux 5.3+: signalled by its pid while not reaped
            self._pidfd = None

    def result(self) -> Any:
        """What the function returned, once it has; ``None`` when it raised (the error
        is in :attr:`error`), the child died, or nothing ran ahead. Interrupted while
        waiting (Ctrl-C), it stops the child."""
        if self._fd < 0:
            return None
        fd, self._fd = self._fd, -1
        try:
            with os.fdopen(fd, "rb") as fh:
                data = fh.read()
        except BaseException:
            self.cancel()
            raise
        self._reap()
        try:
            ok, value = pickle.loads(data)
        except Exception as exc:  # noqa: BLE001 - a child killed half-way wrote part of it
            self.error = f"the child's result could not be read: {exc}"
            return None
        if not ok:
            self.error = value
            return None
        return value

    def cancel(self) -> None:
        """Stop the child if it still runs, and drop its result."""
        if self._pid > 0:
            try:
                if self._pidfd is not None:
                    signal.pidfd_send_signal(self._pidfd, signal.SIGKILL)
                else:
                    os.kill(self._pid, signal.SIGKILL)
            except (ProcessLookupError, PermissionError):
                pass  # ended already
        if self._fd >= 0:
            os.close(self._fd)
            self._fd = -1
        self._reap()

    def _reap(self) -> None:
        if self._pid > 0:
            pid, self._pid = self._pid, -1
            try:
                os.waitpid(pid, 0)
            except ChildProcessError:  # reaped already (SIGCHLD ignored, or handled elsewhere)
                pass
        if self._pidfd is not None:
            os.close(self._pidfd)
            self._pidfd = None


_MASKS = hasattr(signal, "pthread_sigmask")


def die_with(parent: int) -> None:
    """In a child process: be killed when ``parent`` ends (Linux), and end now if it has
    (a pool's workers' ``initializer``: else a build killed while they work leaves them
    waiting for ever, holding its lock)."""
    try:
        import ctypes
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, signal.SIGKILL, 0, 0, 0)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError, TypeError):
        pass  # not Linux: the child ends when its work does
    if os.getppid() != parent:  # it ended before the above took hold
        os._exit(1)
