"""`kg viz`, `kg stats` and `kg build`'s summary given odd input: several ego centres, a
broken or missing report.json, an empty site. Nothing asked for is dropped without a
word; a broken graph folder is one `Error: …` line naming the file, exit status 2."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

import kg
from kg import viz
from kg.cli import cli
from kg.errors import StoreError


def invoke(*args: str):
    return CliRunner().invoke(cli, list(args))


@pytest.fixture
def graph_copy(tiny_graph, tmp_path: Path) -> Path:
    """A copy of the tiny graph's folder that a test may break."""
    dest = tmp_path / "graph"
    shutil.copytree(tiny_graph.path, dest, ignore=shutil.ignore_patterns("cache"))
    return dest


def drawn(result) -> list[str]:
    return [Path(line).name for line in result.stdout.splitlines()]


@pytest.mark.parametrize("args", [["ego", "Ada Example", "Alice Tester"],
                                  ["ego", "Ada Example", "--center", "Alice Tester"],
                                  ["ego", "--center", "Alice Tester", "Ada Example"]])
def test_every_ego_centre_named_is_drawn(args: list[str], tiny_graph, tmp_path: Path) -> None:
    """Was: `ego A B` drew A only, `ego A --center B` B only, both exit 0."""
    result = invoke("viz", *args, "--graph", str(tiny_graph.path), "--out", str(tmp_path))
    assert result.exit_code == 0, result.output
    assert sorted(drawn(result)) == ["ego-ada-example.html", "ego-alice-tester.html"]
    assert {p.name for p in tmp_path.iterdir()} == {"ego-ada-example.html", "ego-alice-tester.html"}


def test_views_before_ego_and_centres_after_it(tiny_graph, tmp_path: Path) -> None:
    result = invoke("viz", "series", "ego", "Ada Example", "--graph", str(tiny_graph.path), "--out", str(tmp_path))
    assert result.exit_code == 0 and drawn(result) == ["series.html", "ego-ada-example.html"]


def test_one_unknown_centre_among_several_writes_nothing(tiny_graph, tmp_path: Path) -> None:
    out = tmp_path / "views"
    result = invoke("viz", "ego", "Ada Example", "Nobody Here", "--graph", str(tiny_graph.path), "--out", str(out))
    assert result.exit_code == 2 and result.stderr.startswith(
        "Error: no event, person, organisation, project, topic or series is called 'Nobody Here'")
    assert not out.exists()


def test_two_centres_of_the_same_name_get_a_page_each(tiny_graph, tmp_path: Path) -> None:
    """Two events called "Tiny Meetup", named by site path: the second page must not
    overwrite the first; the same node named twice is drawn once."""
    first, second = "/events/2024-01-10-tiny-meetup", "/events/2024-02-14-tiny-meetup"
    result = invoke("viz", "ego", first, second, "--center", "https://tiny.example.org" + first,
                    "--graph", str(tiny_graph.path), "--out", str(tmp_path), "--depth", "0")
    assert result.exit_code == 0, result.output
    assert drawn(result) == ["ego-tiny-meetup.html", "ego-tiny-meetup-2.html"]
    pages = [(tmp_path / name).read_text(encoding="utf-8") for name in drawn(result)]
    assert "2024-01-10-tiny-meetup" in pages[0] and "2024-02-14-tiny-meetup" not in pages[0]
    assert "2024-02-14-tiny-meetup" in pages[1]


def test_write_views_takes_several_centres(tiny_graph, tmp_path: Path) -> None:
    written = viz.write_views(tiny_graph, tmp_path, views=["ego"], center=["Ada Example", "Bob Sample"], depth=1)
    assert [p.name for p in written] == ["ego-ada-example.html", "ego-bob-sample.html"]


def test_an_empty_centre_is_an_error_not_ignored(tiny_graph, tmp_path: Path) -> None:
    result = invoke("viz", "series", "--center", "", "--graph", str(tiny_graph.path), "--out", str(tmp_path))
    assert result.exit_code == 2 and "no centre given" in result.stderr


# -- report.json --------------------------------------------------------------------------
@pytest.mark.parametrize("text, says", [
    ('{"broken', ":1: the build report is not valid JSON: unterminated string starting at column 2"),
    ("", ":1: the build report is not valid JSON: expecting value at column 1"),
    ("[]", ": the build report is an array, not a JSON object"),
    ("null", ": the build report is null, not a JSON object"),
    (b"\xff\xfe{", ": the build report is not"),
])
@pytest.mark.parametrize("verb", ["stats", "viz", "serve"])
def test_a_broken_report_is_one_error_line(verb: str, text, says: str, graph_copy: Path, tmp_path: Path) -> None:
    """Was: `Built None: None files …` exit 0 (stats), an AttributeError traceback (viz, serve: `[]`)."""
    report = graph_copy / "report.json"
    report.write_bytes(text if isinstance(text, bytes) else text.encode())
    extra = {"viz": ["--out", str(tmp_path / "views")], "serve": ["--get", "/queries/speakers"]}.get(verb, [])
    result = invoke(verb, "--graph", str(graph_copy), *extra)
    assert result.exit_code == 2, result.output
    assert result.stderr.startswith(f"Error: {report}{says}"), result.stderr
    assert result.stderr.count("\n") == 1 and "Hint: run `kg build SITE --out DIR` again" in result.stderr
    assert result.stdout == ""


def test_a_report_that_is_no_build_report_is_an_error(graph_copy: Path) -> None:
    (graph_copy / "report.json").write_text("{}")
    result = invoke("stats", "--graph", str(graph_copy))
    assert result.exit_code == 2
    assert result.stderr.startswith(f"Error: {graph_copy / 'report.json'}: not a kg build report: it has no `files`")


def test_stats_without_a_report_says_so_with_the_quads_it_can_count(tiny_graph, graph_copy: Path) -> None:
    (graph_copy / "report.json").unlink()
    quads = len(tiny_graph)
    text = invoke("stats", "--graph", str(graph_copy))
    assert text.exit_code == 0
    assert text.stdout == (f"Graph in {graph_copy}: {quads} quads; no build report ({graph_copy / 'report.json'} "
                           f"is missing): files, nodes, series and problems are unknown; kg build writes it\n")
    as_json = invoke("stats", "--graph", str(graph_copy), "--format", "json")
    assert as_json.exit_code == 0 and as_json.stdout == f'{{\n  "quads": {quads},\n  "report": null\n}}\n'
    assert as_json.stderr.startswith("Note: no build report")


def test_the_report_of_a_graph_is_checked_when_read(graph_copy: Path) -> None:
    (graph_copy / "report.json").write_text('"just a string"')
    with pytest.raises(StoreError, match="is a string, not a JSON object"):
        kg.open_graph(graph_copy).report  # noqa: B018


# -- kg build's summary -------------------------------------------------------------------
def test_an_empty_site_summary_says_none(tmp_path: Path) -> None:
    """Was: `  files: ` and `  nodes: ` with nothing after them."""
    site = tmp_path / "site"
    site.mkdir()
    (site / "_config.yml").write_text("url: https://empty.example.org\n")
    result = invoke("build", str(site), "--out", str(tmp_path / "g"))
    assert result.exit_code == 0, result.output
    assert "\n  files: none\n  nodes: none\n" in result.stdout


def test_stats_lists_the_first_20_problems_and_all_with_v(graph_copy: Path) -> None:
    """It printed every warning (429 lines on one real site), where kg build stops at 20."""
    import json
    report = json.loads((graph_copy / "report.json").read_text())
    report["diagnostics"] = [{"code": "unresolved-reference", "severity": "warning", "message": f"`author` names "
                              f"no person: 'user{i}'", "path": f"_posts/p{i}.md", "line": 3, "key": "author",
                              "value": f"user{i}", "hint": None} for i in range(25)]
    report["warnings"] = 25
    (graph_copy / "report.json").write_text(json.dumps(report))
    short = invoke("stats", "--graph", str(graph_copy)).stdout.splitlines()
    assert sum("names no person" in line for line in short) == 20
    assert short[-1] == "  … 5 more (kg stats -v, or see report.json)"
    full = invoke("stats", "--graph", str(graph_copy), "-v").stdout.splitlines()
    assert sum("names no person" in line for line in full) == 25 and "more" not in full[-1]
