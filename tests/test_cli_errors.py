"""What the CLI does when it cannot do its work: one ``Error:`` line and exit 2 (never a
traceback), the graph folder's last outputs left whole, and two builds kept apart."""
from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import tempfile
import textwrap
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

import kg
from kg.cli import cli
from kg.store import LOCK_FILE, STORE_DIR

from conftest import EXAMPLE_SITE

KG = [sys.executable, "-m", "kg"]


def _outputs(folder: Path) -> dict[str, bytes]:
    return {name: (folder / name).read_bytes() for name in ("graph.nq", "report.json")}


def _speakers(folder: Path) -> int:
    return len(list(kg.run_query("speakers", folder).rows))


@pytest.fixture
def example_copy(tmp_path: Path) -> Path:
    site = tmp_path / "site"
    shutil.copytree(EXAMPLE_SITE, site)
    return site


def test_a_second_build_into_a_folder_being_built_stops_and_changes_nothing(example_copy: Path,
                                                                            tmp_path: Path) -> None:
    out = tmp_path / "g"
    assert kg.build_site(example_copy, out) is not None
    before = _outputs(out)
    holder = subprocess.Popen([sys.executable, "-c", textwrap.dedent(f"""
        import sys, time
        from kg.store import folder_lock
        with folder_lock({str(out)!r}):
            print("held", flush=True)
            sys.stdin.read()
        """)], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline() == "held\n"
        first = next((example_copy / "_events").glob("*.md"))
        first.write_text(first.read_text(encoding="utf-8") + "\nOne more line.\n", encoding="utf-8")
        done = subprocess.run([*KG, "build", str(example_copy), "--out", str(out)], capture_output=True, text=True)
        assert done.returncode == 2, done.stderr
        assert done.stderr == (f"Error: another kg build (process {holder.pid}) is writing to {out}. Hint: wait "
                               "for it to end and run this one again, or build into another folder with --out\n")
        assert _outputs(out) == before
        assert not [p for p in out.iterdir() if p.name.startswith(".")]  # nothing of its own left either
    finally:
        holder.stdin.close()
        holder.wait(10)
    # let go of (even by a process that ended without a word): the next build goes ahead
    done = subprocess.run([*KG, "build", str(example_copy), "--out", str(out)], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert _outputs(out) != before and (out / LOCK_FILE).is_file()


def test_the_lock_goes_with_a_killed_build(example_copy: Path, tmp_path: Path) -> None:
    out = tmp_path / "g"
    holder = subprocess.Popen([sys.executable, "-c", textwrap.dedent(f"""
        import time
        from kg.store import folder_lock
        with folder_lock({str(out)!r}):
            print("held", flush=True)
            time.sleep(60)
        """)], stdout=subprocess.PIPE, text=True)
    assert holder.stdout.readline() == "held\n"
    holder.kill()
    holder.wait(10)
    result = CliRunner().invoke(cli, ["build", str(example_copy), "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert _speakers(out) > 0


def test_out_under_a_file_is_one_error_line(example_copy: Path, tmp_path: Path) -> None:
    (tmp_path / "afile").write_text("not a folder\n")
    done = subprocess.run([*KG, "build", str(example_copy), "--out", str(tmp_path / "afile" / "sub")],
                          capture_output=True, text=True)
    assert done.returncode == 2
    assert done.stderr == (f"Error: cannot write {tmp_path / 'afile' / 'sub'} ({tmp_path / 'afile' / 'sub' / 'cache'}): "
                           "not a directory. Hint: a file stands where a folder is needed: choose another path\n")


def test_a_folder_kg_did_not_build_is_not_built_over(example_copy: Path, tmp_path: Path) -> None:
    """A folder no build has held, holding what a build replaces or clears away (a
    `store/`, a temporary file's name), is left as it is; one with other files only (a
    README) is built into, and so is it again."""
    out = tmp_path / "mine"
    (out / "store").mkdir(parents=True)
    (out / "store" / "important.txt").write_text("important\n")
    (out / ".notes.tmp").write_text("notes\n")
    before = sorted(str(p.relative_to(out)) for p in out.rglob("*"))
    done = subprocess.run([*KG, "build", str(example_copy), "--out", str(out)], capture_output=True, text=True)
    assert done.returncode == 2
    assert done.stderr == (f"Error: {out}: not a folder kg built, but it holds .notes.tmp, store, which a build "
                           "would replace. Hint: build into a new or empty folder with --out (kg's own is graphs/), "
                           "or move those away\n")
    assert sorted(str(p.relative_to(out)) for p in out.rglob("*")) == before
    (tmp_path / "other").mkdir()
    (tmp_path / "other" / "README.md").write_text("about\n")
    for _ in range(2):
        kg.build_site(example_copy, tmp_path / "other")
    assert (tmp_path / "other" / "README.md").read_text() == "about\n"
    for kept in ("graph.nq", "cache"):  # a graph kept in git without the rest; a first build stopped part way
        folder = tmp_path / f"only-{kept}"
        folder.mkdir()
        if kept == "graph.nq":
            shutil.copy(tmp_path / "other" / "graph.nq", folder / "graph.nq")
        else:
            shutil.copytree(tmp_path / "other" / "cache", folder / "cache")
            (folder / "cache" / "build.lock").unlink()
        kg.build_site(example_copy, folder)


def test_the_sites_own_folder_is_no_graph_folder(example_copy: Path) -> None:
    done = subprocess.run([*KG, "build", str(example_copy), "--out", str(example_copy / ".")],
                          capture_output=True, text=True)
    assert done.returncode == 2 and "the graph folder is the site's own folder" in done.stderr
    assert not (example_copy / "graph.nq").exists() and not (example_copy / "cache").exists()


def test_a_graph_folder_jekyll_would_publish_is_refused(example_copy: Path) -> None:
    """`kg build .` run in the site wrote graphs/ (graph.nq, store/) where Jekyll copies it
    into the published site. A folder Jekyll leaves out (`_graphs`, `.kg`, one in
    `exclude:`) is built into."""
    done = subprocess.run([*KG, "build", "."], capture_output=True, text=True, cwd=example_copy)
    assert done.returncode == 2
    assert done.stderr == ("Error: graphs: the graph folder is inside the site, and Jekyll would publish it (its "
                           "graph.nq and store/ copied into the site it makes, as graphs/…). Hint: build into a "
                           "folder outside the site, or one whose name starts with `_` (--out _graphs), or add "
                           "`graphs` to `exclude:` in _config.yml\n")
    assert not (example_copy / "graphs").exists()
    nested = subprocess.run([*KG, "build", str(example_copy), "--out", str(example_copy / "assets" / "kg")],
                            capture_output=True, text=True)
    assert nested.returncode == 2 and "as assets/kg/…" in nested.stderr and "add `assets` to" in nested.stderr
    for out in ("_graphs", ".kg/g"):
        assert subprocess.run([*KG, "build", ".", "--out", out], capture_output=True, cwd=example_copy).returncode == 0
    config = example_copy / "_config.yml"
    config.write_text(config.read_text(encoding="utf-8").replace("exclude:\n", "exclude:\n  - graphs\n"),
                      encoding="utf-8")
    assert subprocess.run([*KG, "build", "."], capture_output=True, cwd=example_copy).returncode == 0
    assert (example_copy / "graphs" / "graph.nq").is_file()


def test_a_collections_folder_and_jekylls_output_folder_are_refused(example_copy: Path,
                                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    """`--out _events/g` put the graph where Jekyll copies it into the site (events have
    `output: true`), `--out _site/kg` where the next Jekyll build deletes it."""
    monkeypatch.chdir(example_copy)
    done = CliRunner().invoke(cli, ["build", ".", "--out", "_events/g"])
    assert done.exit_code == 2
    assert done.output == ("Error: _events/g: the graph folder is in the folder of the collection `events`, which has "
                           "`output: true`: Jekyll copies the files in it into the site it makes (the graph's "
                           "graph.nq and store/ too). Hint: build into a folder outside the site, or one whose name "
                           "starts with `_` (--out _graphs), or add `_events/g` to `exclude:` in _config.yml\n")
    done = CliRunner().invoke(cli, ["build", ".", "--out", "_site/kg"])
    assert done.exit_code == 2
    assert done.output == ("Error: _site/kg: the graph folder is in Jekyll's output folder (_site): the next Jekyll "
                           "build deletes what Jekyll did not write there. Hint: build into a folder outside the "
                           "site, or one whose name starts with `_` (--out _graphs); to serve graph.nq with the "
                           "site, copy it into the site's folder\n")
    assert not (example_copy / "_events" / "g").exists() and not (example_copy / "_site").exists()


def test_output_file_under_a_file_is_one_error_line(tiny_graph, tmp_path: Path) -> None:
    (tmp_path / "afile").write_text("not a folder\n")
    target = tmp_path / "afile" / "speakers.csv"
    done = subprocess.run([*KG, "query", "speakers", "--graph", str(tiny_graph.path), "-o", str(target)],
                          capture_output=True, text=True)
    assert done.returncode == 2
    assert done.stderr.startswith(f"Error: cannot write {target}: the folder {target.parent} is a file, not a folder.")
    assert "Traceback" not in done.stderr and done.stderr.count("\n") == 1


def test_a_damaged_store_is_read_from_graph_nq_and_mended_by_the_next_build(example_copy: Path,
                                                                           tmp_path: Path) -> None:
    out = tmp_path / "g"
    kg.build_site(example_copy, out)
    speakers = _speakers(out)
    (out / STORE_DIR / "CURRENT").write_text("garbage\n")
    with pytest.raises(Exception, match="Corruption"):
        import pyoxigraph
        pyoxigraph.Store.read_only(str(out / STORE_DIR))
    assert _speakers(out) == speakers  # read from graph.nq
    result = CliRunner().invoke(cli, ["build", str(example_copy), "--out", str(out)])
    assert result.exit_code == 0, result.output
    import pyoxigraph
    assert len(pyoxigraph.Store.read_only(str(out / STORE_DIR))) > 0  # a new store
    assert _speakers(out) == speakers


@pytest.mark.parametrize("engine", ["oxigraph", "rdflib"])
def test_a_damaged_graph_nq_read_for_want_of_a_store_is_one_error_line(example_copy: Path, tmp_path: Path,
                                                                       engine: str) -> None:
    """A graph folder kept in git without its store, after a merge left its conflict marks."""
    out = tmp_path / "g"
    kg.build_site(example_copy, out)
    shutil.rmtree(out / STORE_DIR)
    lines = (out / "graph.nq").read_text().splitlines(keepends=True)
    (out / "graph.nq").write_text("".join(lines[:99] + ["<<<<<<< HEAD\n"] + lines[99:]))
    done = subprocess.run([*KG, "query", "speakers", "--graph", str(out), "--engine", engine],
                          capture_output=True, text=True)
    assert done.returncode == 2 and done.stdout == "", done.stderr
    where = f"{out / 'graph.nq'}:100" if engine == "oxigraph" else f"{out / 'graph.nq'}"
    assert done.stderr.startswith(f"Error: {where}: not N-Quads, so the graph cannot be read: "), done.stderr
    assert "<<<<<<< HEAD" in done.stderr or engine == "oxigraph"
    assert done.stderr.count("\n") == 1 and done.stderr.endswith(
        "Hint: build the graph again (kg build SITE --out DIR), which writes both it and store/\n")


def test_ctrl_c_is_interrupted_and_130(monkeypatch: pytest.MonkeyPatch, example_copy: Path, tmp_path: Path) -> None:
    import kg.build

    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(kg.build, "build_site", interrupted)
    result = CliRunner().invoke(cli, ["build", str(example_copy), "--out", str(tmp_path / "g")])
    assert result.exit_code == 130
    assert result.output == "Interrupted.\n"


def test_ctrl_c_during_a_real_build_keeps_the_last_outputs(tmp_path: Path) -> None:
    site = tmp_path / "site"
    subprocess.run([sys.executable, str(Path(__file__).parents[1] / "benchmarks" / "generate_site.py"), str(site),
                    "--events", "1500"], check=True, capture_output=True)
    out = tmp_path / "g"
    kg.build_site(site, out)
    before = _outputs(out)
    for path in sorted((site / "_events").glob("*.md"))[:200]:
        path.write_text(path.read_text(encoding="utf-8") + "\nA new paragraph.\n", encoding="utf-8")
    shutil.rmtree(out / "cache")  # a whole build, long enough to be stopped
    build = subprocess.Popen([*KG, "build", str(site), "--out", str(out)],
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    time.sleep(1.5)  # (started python, read the site, into the graph)
    build.send_signal(signal.SIGINT)
    _, err = build.communicate(timeout=60)
    if build.returncode == 0:
        pytest.skip("the build ended before it could be interrupted")
    assert build.returncode == 130 and err == "Interrupted.\n", err
    assert _outputs(out) == before
    assert _speakers(out) > 0


@pytest.mark.skipif(os.geteuid() != 0 or not shutil.which("mount"), reason="mounting a small disk needs root")
def test_a_full_disk_is_one_error_line_and_the_last_outputs_stay(example_copy: Path) -> None:
    disk = Path(tempfile.mkdtemp())
    if subprocess.run(["mount", "-t", "tmpfs", "-o", "size=6m", "tmpfs", str(disk)], capture_output=True).returncode:
        pytest.skip("this machine does not let a test mount a small disk")
    try:
        out = disk / "g"
        kg.build_site(example_copy, out)
        before = _outputs(out)
        with open(disk / "filler", "wb") as fh:  # the disk, full
            try:
                while True:
                    fh.write(b"\0" * 65536)
                    fh.flush()
            except OSError:
                pass
        for path in (example_copy / "_events").glob("*.md"):
            path.write_text(path.read_text(encoding="utf-8") + "\n" + "Much more text. " * 2000 + "\n",
                            encoding="utf-8")
        done = subprocess.run([*KG, "build", str(example_copy), "--out", str(out)], capture_output=True, text=True)
        assert done.returncode == 2
        assert done.stderr == (f"Error: cannot write to {out}: no space left on device. "
                               "Hint: the disk is full: make room and run again\n")
        assert _outputs(out) == before
    finally:
        subprocess.run(["umount", str(disk)], check=False)
        shutil.rmtree(disk, ignore_errors=True)


def test_a_folder_that_is_no_site_says_so(tmp_path: Path) -> None:
    """Not "_config.yml: no base URL" of a file that is not there; and with --base-url,
    a warning that nothing was found rather than a quiet build of nothing."""
    (tmp_path / "notes").mkdir()
    done = subprocess.run([*KG, "build", str(tmp_path / "notes"), "--out", str(tmp_path / "g")],
                          capture_output=True, text=True)
    assert done.returncode == 2
    assert done.stderr == (f"Error: {tmp_path / 'notes'}: no _config.yml here, nor a CNAME file, to give the site's "
                           "base URL. Hint: pass the folder that holds the site's _config.yml, or give --base-url\n")
    graph = kg.build_site(tmp_path / "notes", tmp_path / "g", base_url="https://example.org")
    assert [d["code"] for d in graph.report["diagnostics"] if d["severity"] == "warning"] == ["no-files"]


def test_a_query_file_saved_with_a_byte_order_mark_runs(tiny_graph, tmp_path: Path) -> None:
    (tmp_path / "q.rq").write_bytes("\ufeffSELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }\n".encode())
    result = CliRunner().invoke(cli, ["query", str(tmp_path / "q.rq"), "--graph", str(tiny_graph.path),
                                      "--format", "csv"])
    assert result.exit_code == 0 and result.output.startswith("n\n"), result.output
