"""`kg query` through click's runner."""
import json

from click.testing import CliRunner

from kg.cli import cli


def test_query_json(tiny_graph) -> None:
    result = CliRunner().invoke(cli, ["query", "speakers", "--graph", str(tiny_graph.path), "--format", "json"])
    assert result.exit_code == 0
    rows = json.loads(result.output)["results"]["bindings"]
    assert [r["name"]["value"] for r in rows] == ["Ada Example"]


def test_query_param_and_table(tiny_graph) -> None:
    result = CliRunner().invoke(cli, ["query", "person-timeline", "--graph", str(tiny_graph.path),
                                      "--param", "person_name=ada example"])
    assert result.exit_code == 0 and "A talk on privacy" in result.output and "(1 row)" in result.output


def test_query_list_shows_params() -> None:
    result = CliRunner().invoke(cli, ["query", "--list"])
    assert "person-timeline:" in result.output and "--param person_name" in result.output


def test_bad_param_syntax_is_usage_error(tiny_graph) -> None:
    result = CliRunner().invoke(cli, ["query", "speakers", "--graph", str(tiny_graph.path), "--param", "event"])
    assert result.exit_code == 2 and "NAME=VALUE" in result.output


def test_unknown_query_exits_2(tiny_graph) -> None:
    result = CliRunner().invoke(cli, ["query", "nope", "--graph", str(tiny_graph.path)])
    assert result.exit_code == 2 and "Error: no query named 'nope'" in result.output


def test_output_file(tiny_graph, tmp_path) -> None:
    out = tmp_path / "s.csv"
    result = CliRunner().invoke(cli, ["query", "speakers", "--graph", str(tiny_graph.path), "--format", "csv",
                                      "-o", str(out)])
    assert result.exit_code == 0 and out.read_text().startswith("event,source,date,name")


def test_output_file_takes_its_format_from_its_name_unless_told(tiny_graph, tmp_path) -> None:
    """`-o speakers.csv` wrote a table cut to fit a terminal (values over 60 characters lost)."""
    graph = ["--graph", str(tiny_graph.path)]
    run = lambda *args: CliRunner().invoke(cli, ["query", "speakers", *graph, *args])
    assert run("-o", str(tmp_path / "s.csv")).exit_code == 0
    assert (tmp_path / "s.csv").read_text().startswith("event,source,date,name")
    assert run("-o", str(tmp_path / "s.TSV")).exit_code == 0
    assert (tmp_path / "s.TSV").read_text().startswith("event\tsource\tdate\tname")
    assert run("-o", str(tmp_path / "s.json")).exit_code == 0
    assert json.loads((tmp_path / "s.json").read_text())["head"]["vars"][:2] == ["event", "source"]
    assert run("-o", str(tmp_path / "told.csv"), "--format", "table").exit_code == 0   # --format wins
    assert (tmp_path / "told.csv").read_text().startswith("event  ")
    assert run("-o", str(tmp_path / "s.txt")).exit_code == 0                         # no format of its own
    assert (tmp_path / "s.txt").read_text().startswith("event  ")
    related = CliRunner().invoke(cli, ["related", *graph, "-o", str(tmp_path / "r.csv")])
    assert related.exit_code == 0 and (tmp_path / "r.csv").read_text().startswith("event,rank,related")


def test_an_output_file_of_a_format_kg_does_not_write_gets_a_note(tiny_graph, tmp_path) -> None:
    """`-o speakers.xlsx` wrote a text table without a word; a spreadsheet will not open it."""
    graph = ["--graph", str(tiny_graph.path)]
    done = CliRunner().invoke(cli, ["query", "speakers", *graph, "-o", str(tmp_path / "s.xlsx")])
    assert done.exit_code == 0 and (tmp_path / "s.xlsx").read_text().startswith("event  ")
    assert done.stderr == (f"Note: kg writes no .xlsx files: {tmp_path / 's.xlsx'} gets a text table, as on a "
                           "terminal (a file whose name ends .csv, .tsv, .json, .ttl or .nt gets that format; "
                           "or give --format)\n")
    related = CliRunner().invoke(cli, ["related", *graph, "-o", str(tmp_path / "r.xlsx")])
    assert related.exit_code == 0 and "gets json (a file whose name ends .csv, .tsv or .json" in related.stderr
    query = tmp_path / "c.rq"                  # a CONSTRUCT writes Turtle, and the note says so
    query.write_text("CONSTRUCT { ?s a ?t } WHERE { ?s a ?t } LIMIT 1\n", encoding="utf-8")
    done = CliRunner().invoke(cli, ["query", str(query), *graph, "-o", str(tmp_path / "c.xyz")])
    assert done.exit_code == 0 and f"{tmp_path / 'c.xyz'} gets Turtle (a file" in done.stderr
    quiet = CliRunner().invoke(cli, ["query", "speakers", *graph, "-o", str(tmp_path / "t.xlsx"), "--format", "csv"])
    assert quiet.exit_code == 0 and quiet.stderr == ""                                 # told: no note


def test_query_process_imports_no_build_machinery(tiny_graph, tmp_path) -> None:
    """`kg query` is a short process: it must not pay for importing the builder, numpy or rdflib."""
    import subprocess
    import sys

    code = ("import sys; from kg.cli import cli\n"
            "try:\n    cli(sys.argv[1:])\nexcept SystemExit:\n    pass\n"
            "print(' '.join(sorted(m for m in sys.modules if m.split('.')[0] in ('kg', 'numpy', 'rdflib', 'yaml'))),"
            " file=sys.stderr)")
    run = subprocess.run([sys.executable, "-c", code, "query", "person-timeline", "--graph", str(tiny_graph.path),
                          "--param", "person_name=ada example", "-o", str(tmp_path / "out.txt")],
                         capture_output=True, text=True, check=True)
    loaded = set(run.stderr.split())
    assert "A talk on privacy" in (tmp_path / "out.txt").read_text()
    assert {"kg.cli", "kg.query", "kg.store"} <= loaded
    # (kg.remote neither: the CLI takes DEFAULT_TIMEOUT, its --timeout default, from kg.query)
    assert not loaded & {"kg.build", "kg.graph", "kg.records", "kg.speakers", "kg.related", "kg.remote", "numpy",
                         "rdflib"}


def test_opened_graph_reads_its_report_when_asked(tiny_graph) -> None:
    import kg

    graph = kg.open_graph(tiny_graph.path)
    assert graph.report["base_url"] == tiny_graph.report["base_url"]
    assert graph.report["files"] == tiny_graph.report["files"]


def test_table_lines_up_wide_and_accented_names() -> None:
    """A terminal shows a Chinese character in two columns and an accent written as a
    character of its own in none: the table's columns line up all the same."""
    import pyoxigraph as ox

    from kg.query import Result, format_result

    names = ["王伟", "Zoe\u0308 Ng", "Ada Example", "李" * 45]
    rows = [[ox.Literal(n), ox.Literal("Lab")] for n in names]
    lines = format_result(Result(["name", "org"], rows), "table").splitlines()
    gap = {name: len(line.split("Lab")[0]) - len(line.split("Lab")[0].rstrip())
           for name, line in zip(names, lines[2:])}
    # columns on a terminal, counted by hand: 王伟 4, Zoë Ng 6, Ada Example 11
    assert gap["王伟"] - gap["Ada Example"] == 7 and gap["Zoe\u0308 Ng"] - gap["Ada Example"] == 5, lines
    assert lines[-2].startswith("李" * 29 + "…") and lines[-2].endswith("Lab")
    assert gap["Ada Example"] - gap["李" * 45] == 59 - 11 and len(lines[1].split()[0]) == 59  # 29 × 2 + "…"
