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
