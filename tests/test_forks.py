"""Work run ahead in a forked child (kg.forks.Ahead)."""
import os
import signal
import time

import pytest
from pathlib import Path

from kg.forks import Ahead, can_fork

pytestmark = pytest.mark.skipif(not can_fork(), reason="this system does not fork")


def _reaped(pid: int) -> bool:
    """Whether the child ``pid`` has ended and been waited for."""
    try:
        os.waitpid(pid, os.WNOHANG)
    except ChildProcessError:
        return True
    return False


def test_the_result_comes_back_whole() -> None:
    big = b"x" * (3 << 20)  # more than a pipe holds: the child waits for it to be read
    ahead = Ahead(lambda data, n: (os.getpid(), data * n), big, 2)
    pid, data = ahead.result()
    assert pid != os.getpid() and data == big * 2
    assert ahead.error is None and _reaped(pid)


def test_an_error_in_the_child_is_told_not_raised() -> None:
    ahead = Ahead(lambda: 1 / 0)
    pid = ahead._pid
    assert ahead.result() is None
    assert ahead.error == "ZeroDivisionError: division by zero"
    assert _reaped(pid)


def test_a_child_killed_half_way_gives_no_result() -> None:
    ahead = Ahead(lambda: os.kill(os.getpid(), 9))
    pid = ahead._pid
    assert ahead.result() is None and "could not be read" in ahead.error
    assert _reaped(pid)


def test_cancel_stops_a_running_child_and_is_idempotent() -> None:
    ahead = Ahead(time.sleep, 60)
    pid = ahead._pid
    started = time.monotonic()
    ahead.cancel()
    ahead.cancel()
    assert time.monotonic() - started < 10 and _reaped(pid)
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
    assert 0 <= free <= int(line.split()[1]) * 1024 * 1.1  # (it moves between the two reads)


def test_a_child_reaped_elsewhere_is_no_error() -> None:
    """A program that ignores SIGCHLD (its children are reaped for it) or reaps them
    itself: taking the result, or cancelling, still works."""
    old = signal.signal(signal.SIGCHLD, signal.SIG_IGN)
    try:
        assert Ahead(lambda: 5).result() == 5
        sleeping = Ahead(time.sleep, 60)
        time.sleep(0.05)
        sleeping.cancel()
        ended = Ahead(lambda: 1)  # ended and reaped before it is cancelled
        time.sleep(0.3)
        ended.cancel()
    finally:
        signal.signal(signal.SIGCHLD, old)


def test_a_fork_that_fails_runs_nothing_and_leaks_nothing(monkeypatch) -> None:
    fds = Path("/proc/self/fd")
    before = len(list(fds.iterdir())) if fds.is_dir() else None

    def no_memory() -> int:
        raise OSError(12, "Cannot allocate memory")
    monkeypatch.setattr(os, "fork", no_memory)
    ahead = Ahead(lambda: 1)
    assert ahead.result() is None and "cannot fork" in ahead.error
    ahead.cancel()
    if before is not None:
        assert len(list(fds.iterdir())) == before  # no pipe left open


def test_interrupted_while_waiting_the_child_is_stopped() -> None:
    ahead = Ahead(time.sleep, 60)
    pid = ahead._pid

    def interrupt(*_) -> None:
        raise KeyboardInterrupt
    old = signal.signal(signal.SIGALRM, interrupt)
    started = time.monotonic()
    signal.setitimer(signal.ITIMER_REAL, 0.2)
    try:
        with pytest.raises(KeyboardInterrupt):
            ahead.result()
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, old)
    assert time.monotonic() - started < 10 and _reaped(pid)


def test_the_child_dies_with_its_parent(tmp_path) -> None:
    """A child whose parent is killed (say, for want of memory) does not work on alone."""
    import subprocess
    import sys
    if not Path("/proc/self/status").exists():
        pytest.skip("no /proc here")
    ready = tmp_path / "ready"
    code = ("import os, sys, time\nfrom pathlib import Path\nfrom kg.forks import Ahead\n"
            "a = Ahead(lambda: (Path(sys.argv[1]).write_text('in'), time.sleep(60)))\n"
            "print(a._pid, flush=True)\ntime.sleep(60)\n")
    parent = subprocess.Popen([sys.executable, "-c", code, str(ready)], stdout=subprocess.PIPE, text=True)
    child = int(parent.stdout.readline())
    for _ in range(200):  # until the child is at its work (past setting up its parent-death signal)
        if ready.exists():
            break
        time.sleep(0.05)
    parent.kill()
    parent.wait()
    for _ in range(100):
        if not Path(f"/proc/{child}").exists() or "zombie" in Path(f"/proc/{child}/status").read_text():
            break
        time.sleep(0.05)
    else:
        raise AssertionError("the child outlived its parent")


@pytest.mark.parametrize("version", ["v1", "v2"])
def test_the_memory_available_is_the_least_room_of_the_control_groups(tmp_path, version: str) -> None:
    """A limit on the process's own control group, or one above it, bounds the memory
    available; groups without a limit do not."""
    from kg.collector import _cgroup_room
    files = {"v1": (str(tmp_path / "v1"), "memory.limit_in_bytes", "memory.usage_in_bytes"),
             "v2": (str(tmp_path / "v2"), "memory.max", "memory.current")}
    base, limit, usage = files[version]
    for folder, cap, used in [("a", "1000", "400"), ("a/b", "max" if version == "v2" else str(1 << 62), "300")]:
        (Path(base) / folder).mkdir(parents=True)
        (Path(base) / folder / limit).write_text(cap + "\n")
        (Path(base) / folder / usage).write_text(used + "\n")
    (Path(base) / limit).write_text(str((1 << 63) - 4096) + "\n")  # the root, as v1 says it has no limit
    (Path(base) / usage).write_text("5000\n")
    cgroups = tmp_path / "cgroup"
    cgroups.write_text("0::/a/b\n" if version == "v2" else "12:cpu:/x\n5:memory,hugetlb:/a/b\n")
    assert _cgroup_room(str(cgroups), files) == 600  # the group above, nearer its limit
    stat = "inactive_file" if version == "v2" else "total_inactive_file"
    (Path(base) / "a" / "memory.stat").write_text(f"active_file 50\n{stat} 100\n")
    assert _cgroup_room(str(cgroups), files) == 700  # file cache it can give back is room
    cgroups.write_text("0::/elsewhere\n" if version == "v2" else "5:memory:/elsewhere\n")
    assert _cgroup_room(str(cgroups), files) is None  # no limit found
    assert _cgroup_room(str(tmp_path / "none"), files) is None


def test_a_builds_reading_workers_die_with_it(tmp_path) -> None:
    """A build killed while its workers read the site's files (kill -9, a CI's timeout)
    leaves no worker behind waiting for ever, and holding the build's lock."""
    import subprocess
    import sys
    if not Path("/proc/self/status").exists():
        pytest.skip("no /proc here")
    from kg.records import PARALLEL_FROM
    site, ready = tmp_path / "site", tmp_path / "ready"
    (site / "_events").mkdir(parents=True)
    ready.mkdir()
    (site / "_config.yml").write_text("url: https://example.org\ncollections:\n  events:\n    output: true\n")
    for i in range(PARALLEL_FROM + 10):
        (site / "_events" / f"2024-01-01-e{i}.md").write_text(f"---\ntitle: E{i}\n---\n")
    code = ("import os, sys, time\nfrom pathlib import Path\nimport kg, kg.records\n"
            "parent, read = os.getpid(), kg.records._read_chunk\n"
            "def slow(*args):\n"
            "    if os.getpid() == parent:\n        return read(*args)\n"
            "    Path(sys.argv[2], str(os.getpid())).write_text('')\n    time.sleep(60)\n"
            "kg.records._read_chunk = slow\n"
            "kg.build_site(sys.argv[1], sys.argv[3], jobs=2)\n")
    build = subprocess.Popen([sys.executable, "-c", code, str(site), str(ready), str(tmp_path / "out")])
    try:
        for _ in range(400):  # until both workers are at their work
            if len(list(ready.iterdir())) >= 2 or build.poll() is not None:
                break
            time.sleep(0.05)
        workers = [int(p.name) for p in ready.iterdir()]
        assert len(workers) >= 2, "the build did not share its reading out"
    finally:
        build.kill()
        build.wait()
    for _ in range(100):
        alive = [w for w in workers if Path(f"/proc/{w}").exists()
                 and "zombie" not in Path(f"/proc/{w}/status").read_text()]
        if not alive:
            break
        time.sleep(0.05)
    else:
        for w in alive:
            os.kill(w, 9)
        raise AssertionError(f"workers {alive} outlived the build")
