"""Outputs are replaced whole or not at all: a build killed half-way leaves the last ones intact."""
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pyoxigraph as ox

import kg


def snapshot(folder: Path) -> tuple[bytes, dict]:
    return (folder / "graph.nq").read_bytes(), json.loads((folder / "report.json").read_text())


def test_killed_builds_leave_previous_outputs_intact(tiny_site: Path, tmp_path: Path) -> None:
    out = tmp_path / "g"
    kg.build_site(tiny_site, out)
    old_nq, old_report = snapshot(out)
    talk = tiny_site / "_events" / "2024-03-05-ada-talk.md"
    talk.write_text(talk.read_text().replace("A talk on privacy", "A changed talk"))
    new_nq = None
    code = "import kg, sys; kg.build_site(sys.argv[1], sys.argv[2])"
    for delay in (0.05, 0.2, 0.4, 0.6, 0.8, 1.0, 1.3, 1.6):
        proc = subprocess.Popen([sys.executable, "-c", code, str(tiny_site), str(out)],
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(delay)
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        nq, report = snapshot(out)  # both files always parse
        assert nq in (old_nq, new_nq) or b"A changed talk" in nq, "graph.nq is neither the old nor a whole new one"
        if b"A changed talk" in nq:
            new_nq = nq
        store = ox.Store()
        store.load(nq, format=ox.RdfFormat.N_QUADS)
        assert len(store) == len(nq.splitlines())
        assert len(kg.open_graph(out)) > 0
    kg.build_site(tiny_site, out)
    assert not [p for p in os.listdir(out) if p.startswith(".")], "a finished build leaves no temporary files"


def test_a_write_that_fails_half_way_leaves_the_old_file(tmp_path: Path) -> None:
    from kg.store import atomic_file

    target = tmp_path / "report.json"
    target.write_text("old")
    try:
        with atomic_file(target) as fh:
            fh.write(b'{"half": ')
            raise RuntimeError("disk full")
    except RuntimeError:
        pass
    assert target.read_text() == "old" and [p.name for p in tmp_path.iterdir()] == ["report.json"]


def test_outputs_are_readable_by_others(tmp_path: Path, tiny_site: Path) -> None:
    kg.build_site(tiny_site, tmp_path / "g")
    assert (tmp_path / "g" / "graph.nq").stat().st_mode & 0o044 == 0o044


def test_output_to_a_pipe_writes_to_it_and_leaves_it_a_pipe(tmp_path: Path, tiny_graph: kg.KnowledgeGraph) -> None:
    """`-o /dev/null` or `-o some-fifo` must not replace the special file by a regular
    one (an atomic rename over /dev/null would break the machine for everyone)."""
    import stat
    import threading

    from click.testing import CliRunner

    from kg.cli import cli
    fifo = tmp_path / "out.fifo"
    os.mkfifo(fifo)
    got: list[bytes] = []
    reader = threading.Thread(target=lambda: got.append(fifo.read_bytes()), daemon=True)
    reader.start()
    result = CliRunner().invoke(cli, ["query", "speakers", "--graph", str(tiny_graph.path), "--format", "csv",
                                      "-o", str(fifo)])
    reader.join(10)
    assert result.exit_code == 0, result.output
    assert stat.S_ISFIFO(fifo.stat().st_mode)
    assert got and got[0].startswith(b"event,")


def test_a_build_that_fails_after_reading_keeps_its_records_for_the_next(tiny_site: Path, tmp_path: Path,
                                                                         monkeypatch) -> None:
    """The record cache is saved as soon as the files are read; a build that then fails
    leaves the graph outputs as they were, and the next build reuses what was read."""
    import pytest

    import kg.build
    out = tmp_path / "g"
    kg.build_site(tiny_site, out)
    before = snapshot(out)
    talk = tiny_site / "_events" / "2024-03-05-ada-talk.md"
    talk.write_text(talk.read_text().replace("A talk on privacy", "A changed talk"))

    def broken(*args, **kwargs):
        raise RuntimeError("the graph stage broke")
    with monkeypatch.context() as m:
        m.setattr(kg.build, "_series", broken)
        with pytest.raises(RuntimeError, match="broke"):
            kg.build_site(tiny_site, out)
    assert snapshot(out) == before  # graph.nq and report.json untouched
    again = kg.build_site(tiny_site, out)
    assert again.report["incremental"]["files_read"] == 0  # the failed build's reading was kept
    clean = kg.build_site(tiny_site, tmp_path / "clean", incremental=False)
    assert (out / "graph.nq").read_bytes() == (tmp_path / "clean" / "graph.nq").read_bytes()
    assert b"A changed talk" in (out / "graph.nq").read_bytes() and len(again) == len(clean)


def test_a_graph_folder_file_put_in_place_aside_leaves_only_the_new_one(tmp_path: Path) -> None:
    from kg.store import atomic_file

    target = tmp_path / "graph.nq"
    target.write_bytes(b"old")
    held = open(target, "rb")  # a reader of the last file keeps reading it whole
    with atomic_file(target, aside=True) as fh:
        fh.write(b"new")
    assert target.read_bytes() == b"new" and held.read() == b"old"
    held.close()
    assert [p.name for p in tmp_path.iterdir()] == ["graph.nq"]
    assert target.stat().st_mode & 0o044 == 0o044


def test_when_the_new_file_cannot_take_its_place_the_last_one_comes_back(tmp_path: Path, monkeypatch) -> None:
    import kg.store as ks

    target = tmp_path / "graph.nq"
    target.write_bytes(b"old")
    renames: list[tuple[str, str]] = []
    real_rename = os.rename

    def rename(src, dst):  # the second rename (new file into place) fails
        renames.append((Path(src).name, Path(dst).name))
        if len(renames) == 2:
            raise OSError("no room")
        real_rename(src, dst)

    monkeypatch.setattr(ks.os, "rename", rename)
    try:
        with ks.atomic_file(target, aside=True) as fh:
            fh.write(b"new")
    except OSError:
        pass
    else:
        raise AssertionError("the failed rename was not reported")
    assert len(renames) == 3 and target.read_bytes() == b"old"
    assert [p.name for p in tmp_path.iterdir()] == ["graph.nq"]
