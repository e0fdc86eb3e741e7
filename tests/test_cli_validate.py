"""`kg validate SITE`: a linter report by file, exit codes and JSON for CI."""
import json
from pathlib import Path

from click.testing import CliRunner

from kg.cli import cli


def test_fixture_site_lists_its_problems_by_file(tiny_site: Path) -> None:
    result = CliRunner().invoke(cli, ["validate", str(tiny_site)])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0] == "_events/2024-04-20-duplicate-project.md"
    assert any("12: warning: `project` names no project: 'Nonexistent Project'" in l for l in lines)
    assert lines[-1] == "11 files checked: 0 errors, 2 warnings in 1 file"


def test_strict_fails_on_warnings_and_json_form(tiny_site: Path) -> None:
    result = CliRunner().invoke(cli, ["validate", str(tiny_site), "--strict", "--format", "json"])
    assert result.exit_code == 1
    data = json.loads(result.output)
    assert data["warnings"] == 2 and set(data["files"]) == {"_events/2024-04-20-duplicate-project.md"}


def test_errors_fail_and_name_file_and_line(make_site) -> None:
    root = make_site({
        "_events/2024-01-01-ok.md": "---\ntitle: Fine\ndate: 2024-01-01\n---\n",
        "_events/2024-01-02-bad.md": "---\ntitle: Fine\ndate: [2024\n---\n",
        "_events/2024-01-03-typo.md": "---\ntitle: Other\ndate: 2024-01-03\ncategory: Speaking\n---\n",
        "_events/2024-01-04-a.md": "---\ntitle: A\ndate: 2024-01-04\ncategory: speaking\n---\n",
        "_events/2024-01-05-b.md": "---\ntitle: B\ndate: 2024-01-06\ncategory: speaking\n---\n",
    })
    result = CliRunner().invoke(cli, ["validate", str(root)])
    assert result.exit_code == 1
    out = result.output
    assert "_events/2024-01-02-bad.md\n  3: error: front matter is not valid YAML" in out
    assert "_events/2024-01-03-typo.md\n  4: warning: `category: Speaking` is written `speaking`" in out
    assert "_events/2024-01-05-b.md\n  3: warning: `date` says 2024-01-06 but the file name says 2024-01-05" in out


def test_shape_violations_are_errors(make_site) -> None:
    root = make_site({"_events/2024-01-01-x.md": """
        ---
        title: X
        date: 2024-01-01
        speakers:
          - name: Pat Doe
            role: juggler
        ---
        """})
    result = CliRunner().invoke(cli, ["validate", str(root)])
    assert result.exit_code == 1 and "error:" in result.output and "juggler" in result.output


# a backslash in a reference: pyshacl's message templates read it as a regex escape (re.error)
BACKSLASH_EVENT = ('---\ntitle: Backslash\ndate: 2024-02-05\n'
                   'topics: [AI\\ML]\nauthor: A\\1\nproject: Nobody\\u\n---\nbody\n')


def test_backslash_in_a_reference_is_a_warning_on_its_line(make_site) -> None:
    root = make_site({"_events/2024-02-05-bs.md": BACKSLASH_EVENT})
    result = CliRunner().invoke(cli, ["validate", str(root)])
    assert result.exit_code == 0, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert "_events/2024-02-05-bs.md\n  4: warning: `topics` names no topic: 'AI\\\\ML'" in result.output
    assert "  5: warning: `author` names no person: 'A\\\\1'" in result.output
    assert "  6: warning: `project` names no project: 'Nobody\\\\u'" in result.output


def test_build_validate_with_a_backslash_gives_its_summary_and_shacl_report(make_site, tmp_path: Path) -> None:
    root = make_site({"_events/2024-02-05-bs.md": BACKSLASH_EVENT})
    out = tmp_path / "graph"
    result = CliRunner().invoke(cli, ["build", str(root), "--out", str(out), "--validate", "--strict"])
    assert result.exit_code == 0, result.output
    assert "SHACL: conforms, 3 warnings (all said above)" in result.output   # (each an unresolved reference)
    shacl = json.loads((out / "report.json").read_text(encoding="utf-8"))["shacl"]
    assert {r["value"] for r in shacl["results"]} == {"AI\\ML", "A\\1", "Nobody\\u"}


def test_a_failure_inside_pyshacl_keeps_the_build_and_its_summary(make_site, tmp_path: Path,
                                                                   monkeypatch) -> None:
    import pyshacl

    def broken(*_args, **_kwargs):
        raise RuntimeError("something inside pyshacl")
    monkeypatch.setattr(pyshacl, "validate", broken)
    root = make_site({"_events/2024-01-01-ok.md": "---\ntitle: Fine\ndate: 2024-01-02\n---\n"})
    out = tmp_path / "graph"
    result = CliRunner().invoke(cli, ["build", str(root), "--out", str(out), "--validate"])
    assert result.exit_code == 2 and not isinstance(result.exception, RuntimeError), result.output
    assert result.stderr == "Error: the SHACL check stopped: RuntimeError: something inside pyshacl\n"
    assert result.output.startswith("Built https://site.example.org: ")
    assert "  SHACL: 1 violation, 0 warnings" in result.output
    report = json.loads((out / "report.json").read_text(encoding="utf-8"))
    assert report["shacl"]["error"] == "the SHACL check stopped: RuntimeError: something inside pyshacl"
    assert (out / "graph.nq").is_file()
    lint = CliRunner().invoke(cli, ["validate", str(root)])
    assert lint.exit_code == 2 and not isinstance(lint.exception, RuntimeError), lint.output
    assert lint.stderr == "Error: the SHACL check stopped: RuntimeError: something inside pyshacl\n"
    assert "  3: warning: `date` says 2024-01-02 but the file name says 2024-01-01" in lint.output  # kept
    assert "(across files)\n  error: the SHACL check stopped before its end (RuntimeError: something " \
           "inside pyshacl)" in lint.output
