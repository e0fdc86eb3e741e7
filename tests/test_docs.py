"""The README documents every command and every named query; every command has help with an example."""
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from kg.cli import cli
from kg.query import names

REPO = Path(__file__).resolve().parents[1]
README = (REPO / "README.md").read_text(encoding="utf-8")


@pytest.mark.parametrize("command", sorted(cli.commands))
def test_every_command_has_a_readme_section_and_help_example(command: str) -> None:
    assert f"### kg {command}" in README, f"README has no section for `kg {command}`"
    result = CliRunner().invoke(cli, [command, "--help"])
    assert result.exit_code == 0 and "Example:" in result.output


@pytest.mark.parametrize("name", names())
def test_every_query_is_in_the_catalogue(name: str) -> None:
    assert f"| `{name}` |" in README, f"README's query catalogue lacks `{name}`"


def test_readme_test_command_is_what_ci_runs() -> None:
    ci = (Path(__file__).resolve().parents[1] / ".ci" / "run").read_text(encoding="utf-8")
    command = "pip install -e '.[test]' && python -m pytest"
    assert command in README and command in ci


def test_every_diagnostic_code_is_in_the_readme_table() -> None:
    """An editor who meets a code in a report finds what it means in the README."""
    codes = set()
    for path in (REPO / "kg").glob("*.py"):
        codes |= set(re.findall(r'\(\s*"([a-z]+(?:-[a-z0-9]+)*)",\s*"(?:error|warning|info)"', path.read_text()))
    codes -= {"error", "warning", "violation"}  # (severities listed in order, not codes)
    assert len(codes) > 30
    assert sorted(c for c in codes if f"`{c}`" not in README) == []


def test_every_python_name_the_readme_shows_is_there_after_import_kg() -> None:
    """`kg.serve.Server(...)`, `kg.remote.RemoteStore.at(url)`: after a plain `import kg`
    (they raised AttributeError unless the module had been imported some other way)."""
    import subprocess
    import sys
    dotted = sorted(set(re.findall(r"\bkg(?:\.[A-Za-z_]\w*)+(?=\()", README)))
    assert "kg.serve.Server" in dotted and "kg.remote.RemoteStore.at" in dotted
    check = "import kg, functools\n" + "".join(
        f"functools.reduce(getattr, {name.split('.')[1:]!r}, kg)\n" for name in dotted)
    done = subprocess.run([sys.executable, "-c", check], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr


def test_every_sparql_example_in_the_readme_runs_and_answers(tmp_path) -> None:
    """A query a researcher copies from the README must run, on both engines, and
    answer something on the example site."""
    import kg
    from kg.query import run_query
    example_graph = kg.build_site(REPO / "examples" / "site", tmp_path / "g")
    blocks = re.findall(r"```sparql\n(.*?)```", README, re.S)
    assert blocks
    for i, text in enumerate(blocks):
        rq = tmp_path / f"readme-{i}.rq"
        rq.write_text(text, encoding="utf-8")
        rows = [run_query(str(rq), kg.open_graph(example_graph.path, engine=engine)).rows
                for engine in ("oxigraph", "rdflib")]
        assert rows[0] and len(rows[0]) == len(rows[1]), text
