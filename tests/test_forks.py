"""Work run ahead in a forked child (kg.forks.Ahead)."""
import os
import time

import pytest

from kg.forks import Ahead, can_fork

pytestmark = pytest.mark.skipif(not can_fork(), reason="this system does not fork")


def _no_child_left() -> bool:
    try:
        os.waitpid(-1, os.WNOHANG)
    except ChildProcessError:
        return True
    return False


def test_the_result_comes_back_whole() -> None:
    big = b"x" * (3 << 20)  # more than a pipe holds: the child waits for it to be read
    ahead = Ahead(lambda data, n: (os.getpid(), data * n), big, 2)
    pid, data = ahead.result()
    assert pid != os.getpid() and data == big * 2
    assert ahead.error is None and _no_child_left()


def test_an_error_in_the_child_is_told_not_raised() -> None:
    ahead = Ahead(lambda: 1 / 0)
    assert ahead.result() is None
    assert ahead.error == "ZeroDivisionError: division by zero"
    assert _no_child_left()


def test_a_child_killed_half_way_gives_no_result() -> None:
    ahead = Ahead(lambda: os.kill(os.getpid(), 9))
    assert ahead.result() is None and "could not be read" in ahead.error
    assert _no_child_left()


def test_cancel_stops_a_running_child_and_is_idempotent() -> None:
    ahead = Ahead(time.sleep, 60)
    started = time.monotonic()
    ahead.cancel()
    ahead.cancel()
    assert time.monotonic() - started < 10 and _no_child_left()
    assert ahead.result() is None  # nothing left to take


def test_the_child_writes_nothing_of_this_process_at_exit(capfd) -> None:
    print("pending", end="")  # in this process's buffer when the child forks
    ahead = Ahead(lambda: 42)
    assert ahead.result() == 42
    out, _ = capfd.readouterr()
    assert out == "pending"  # once: the child's copy of the buffer was not flushed


def test_available_memory_is_what_the_system_says() -> None:
    from pathlib import Path

    from kg.collector import available_memory
    if not Path("/proc/meminfo").exists():
        assert available_memory() is None
        return
    line = next(x for x in Path("/proc/meminfo").read_text().splitlines() if x.startswith("MemAvailable:"))
    free = available_memory()
    assert 0 < free <= int(line.split()[1]) * 1024 * 1.1  # (it moves between the two reads)
