"""`kg build` and `kg stats` through click's runner: output, files and exit codes."""
import json
from pathlib import Path

from click.testing import CliRunner

from kg.cli import cli


def test_build_prints_summary_and_writes_outputs(tiny_site: Path, tmp_path: Path) -> None:
    out = tmp_path / "g"
    result = CliRunner().invoke(cli, ["build", str(tiny_site), "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert "11 files" in result.output and "2 warnings" in result.output
    assert "duplicate-project.md:12" in result.output
    assert {p.name for p in out.iterdir()} >= {"graph.nq", "store", "report.json"}


def test_strict_exits_1_on_errors(tiny_site: Path, tmp_path: Path) -> None:
    (tiny_site / "_events" / "2024-05-01-broken.md").write_text("---\ntitle: [oops\n---\n")
    runner = CliRunner()
    ok = runner.invoke(cli, ["build", str(tiny_site), "--out", str(tmp_path / "a")])
    assert ok.exit_code == 0 and "  1 error, " in ok.output
    strict = runner.invoke(cli, ["build", str(tiny_site), "--out", str(tmp_path / "b"), "--strict"])
    assert strict.exit_code == 1
    assert "_events/2024-05-01-broken.md:2: error:" in strict.output


def test_missing_site_exits_2_with_message(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["build", str(tmp_path / "nope")])
    assert result.exit_code == 2
    assert result.output.startswith("Error: no such site folder")


def test_build_json_report(tiny_site: Path, tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["build", str(tiny_site), "--out", str(tmp_path / "g"), "--format", "json"])
    report = json.loads(result.output)
    assert report["files_by_kind"] == {"event": 4, "funder": 1, "person": 2, "project": 2, "topic": 2}


def test_stats_reads_built_graph(tiny_graph) -> None:
    result = CliRunner().invoke(cli, ["stats", "--graph", str(tiny_graph.path)])
    assert result.exit_code == 0 and "4 schema:Event" in result.output


def test_stats_without_graph_exits_2(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["stats", "--graph", str(tmp_path / "none")])
    assert result.exit_code == 2 and "no built graph" in result.output


def test_validate_flag_runs_the_shapes_and_strict_fails_on_violations(tiny_site: Path, tmp_path: Path) -> None:
    runner = CliRunner()
    ok = runner.invoke(cli, ["build", str(tiny_site), "--out", str(tmp_path / "a"), "--validate", "--strict"])
    assert ok.exit_code == 0 and "SHACL: conforms" in ok.output
    assert json.loads((tmp_path / "a" / "report.json").read_text())["shacl"]["conforms"] is True
    (tiny_site / "_events" / "2024-05-01-juggler.md").write_text(
        "---\ntitle: Juggling\ndate: 2024-05-01\nspeakers:\n  - name: Pat Doe\n    role: juggler\n---\n")
    bad = runner.invoke(cli, ["build", str(tiny_site), "--out", str(tmp_path / "b"), "--validate", "--strict"])
    assert bad.exit_code == 1 and "SHACL: 1 violation, 1 warning (1 not said above: `kg validate SITE`" in bad.output


def test_progress_is_reported_by_stage(tiny_site: Path, tmp_path: Path) -> None:
    import kg

    seen = []
    kg.build_site(tiny_site, tmp_path / "g", progress=lambda *a: seen.append(a))
    assert [s for s, _, _ in seen] == ["read", "graph", "store", "related", "report", "save"]
    assert seen[-1][1] == seen[-1][2]


def test_no_progress_display_when_piped(tiny_site: Path, tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["build", str(tiny_site), "--out", str(tmp_path / "g")])
    assert "\r" not in result.output and "[#" not in result.output


def test_an_empty_out_is_a_usage_error_not_the_current_folder(tiny_site: Path, tmp_path: Path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(cli, ["build", str(tiny_site), "--out", ""])
    assert result.exit_code == 2 and "Invalid value for '--out': an empty folder name" in result.stderr
    assert not (tmp_path / "graph.nq").exists() and not (tmp_path / "cache").exists()


def test_a_build_that_cannot_start_leaves_no_folder_it_made(tiny_site: Path, tmp_path: Path) -> None:
    """A broken _config.yml left OUT/cache/build.lock behind, in folders made for nothing."""
    (tiny_site / "_config.yml").write_text("url: [x\n", encoding="utf-8")
    result = CliRunner().invoke(cli, ["build", str(tiny_site), "--out", str(tmp_path / "new" / "graph")])
    assert result.exit_code == 2 and "_config.yml" in result.stderr
    assert not (tmp_path / "new").exists()
    kept = tmp_path / "kept"
    (kept / "mine").mkdir(parents=True)  # a folder that was there keeps what it had, and only that
    assert CliRunner().invoke(cli, ["build", str(tiny_site), "--out", str(kept)]).exit_code == 2
    assert sorted(p.name for p in kept.rglob("*")) == ["mine"]


def test_the_shacl_check_runs_while_the_build_still_holds_its_folder(tiny_site: Path, tmp_path: Path,
                                                                     monkeypatch) -> None:
    """Else a second build could put a new store in place (and clear the old one away)
    under the check, which then fails on a vanished file, or writes its report over the
    newer build's."""
    import pytest

    import kg.validate
    from kg.errors import StoreError
    from kg.store import folder_lock

    out, real, held = tmp_path / "g", kg.validate.validate_graph, []

    def check(graph, *args, **kwargs):
        with pytest.raises(StoreError, match="another kg build"):
            with folder_lock(out):
                pass
        held.append(True)
        return real(graph, *args, **kwargs)
    monkeypatch.setattr(kg.validate, "validate_graph", check)
    result = CliRunner().invoke(cli, ["build", str(tiny_site), "--out", str(out), "--validate"])
    assert result.exit_code == 0 and held == [True], result.output
    assert json.loads((out / "report.json").read_text())["shacl"]["conforms"] is True


def test_shacl_line_says_above_only_when_every_warning_is_listed_above() -> None:
    """With more than twenty warnings the summary lists twenty: "(all said above)" was not so."""
    from kg.cli import _shacl_summary
    checked = {"violations": 0, "warnings": 27, "unsaid": 0}
    assert _shacl_summary(checked) == "conforms, 27 warnings (all said above)"
    assert _shacl_summary(checked, listed=False) == "conforms, 27 warnings (all said among the build's warnings)"
    assert _shacl_summary({"violations": 1, "warnings": 0, "unsaid": 1}, listed=False).startswith(
        "1 violation, 0 warnings (1 not said among the build's warnings: `kg validate SITE` lists it")
