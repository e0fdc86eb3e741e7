"""`kg validate` in an editor's words: the line to look at, a value of the wrong type said
as such, a README in a collection folder explained, and counts that agree with their nouns."""
from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest
from click.testing import CliRunner

from kg.build import build_site
from kg.cli import cli, summary
from kg.store import memory_graph
from kg.validate import (LintReport, Problem, counted, datatype_wording, format_lint, lint,
                         validate_graph, with_hint)

KG = "https://w3id.org/kg/ns#"
SCHEMA = "https://schema.org/"
XSD = "http://www.w3.org/2001/XMLSchema#"
RDF_TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")


def validate(root: Path) -> tuple[int, str]:
    """`kg validate ROOT`: exit code and output."""
    result = CliRunner().invoke(cli, ["validate", str(root)])
    return result.exit_code, result.output


# -- 1. the line of the key a result comes from --------------------------------------------------

def test_speaker_role_is_reported_on_its_line(make_site) -> None:
    root = make_site({"_events/2024-01-01-panel.md": """
        ---
        title: A panel
        date: 2024-01-01
        speakers:
          - name: Pat Doe
            role: juggler
        ---
        """})
    graph = build_site(root)
    [role] = [r for r in validate_graph(graph).results if r.path == SCHEMA + "roleName"]
    # the line the build recorded for the speaker (kg:line), not read from the file again
    [recorded] = [int(q.object.value) for q in graph.store.quads_for_pattern(
        ox.NamedNode(role.focus), ox.NamedNode(KG + "line"), None, None)]
    assert recorded in (4, 5)  # `speakers:`, or the entry's own `- name:` line
    assert (role.source, role.line) == ("_events/2024-01-01-panel.md", recorded)
    assert str(role).startswith(f"_events/2024-01-01-panel.md:{recorded}: violation: A speaker's `role:`")
    code, out = validate(root)
    assert code == 1
    assert f"_events/2024-01-01-panel.md\n  {recorded}: error: A speaker's `role:` must be one of" in out


def test_custom_shape_on_an_unmapped_key_gets_its_line(make_site, tmp_path: Path) -> None:
    """A site's own shape over a key kg keeps as a kg:FrontMatterEntry: the entry's line."""
    root = make_site({"_events/2024-01-01-x.md": "---\ntitle: X\ndate: 2024-01-01\nvenue: Moon\n---\n"})
    shapes = tmp_path / "venues.ttl"
    shapes.write_text("""
        @prefix sh: <http://www.w3.org/ns/shacl#> .
        @prefix kg: <https://w3id.org/kg/ns#> .
        @prefix rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#> .
        <#Venue> a sh:NodeShape ; sh:targetObjectsOf kg:frontMatter ;
            sh:property [ sh:path rdf:value ; sh:in ( "Town Hall" "Library" ) ;
                          sh:message "`venue:` is not a venue we know" ] .
        """, encoding="utf-8")
    [result] = validate_graph(build_site(root), shapes).results
    assert (result.source, result.line, result.value) == ("_events/2024-01-01-x.md", 4, "Moon")


def mapped_key_graph() -> ox.Store:
    """An event whose `title: 2024` is kept as a front-matter entry with its line (as the
    build would have to write it for a mapped key's line to be known)."""
    base = "https://hand.example.org/"
    g, e = ox.NamedNode(base + "id/source/_events/x.md"), ox.NamedNode(base + "events/x")
    entry = ox.NamedNode(base + "events/x#fm-title-3")
    quads = [
        (g, RDF_TYPE, ox.NamedNode(KG + "SourceFile")), (g, ox.NamedNode(KG + "path"), ox.Literal("_events/x.md")),
        (e, RDF_TYPE, ox.NamedNode(SCHEMA + "Event")), (e, ox.NamedNode(KG + "sourceFile"), g),
        (e, ox.NamedNode(KG + "kind"), ox.Literal("event")),
        (e, ox.NamedNode(SCHEMA + "startDate"), ox.Literal("2024-01-01", datatype=ox.NamedNode(XSD + "date"))),
        (e, ox.NamedNode(SCHEMA + "name"), ox.Literal("2024", datatype=ox.NamedNode(XSD + "integer"))),
        (e, ox.NamedNode(KG + "frontMatter"), entry), (entry, ox.NamedNode(KG + "key"), ox.Literal("title")),
        (entry, ox.NamedNode(KG + "line"), ox.Literal("3", datatype=ox.NamedNode(XSD + "integer"))),
    ]
    return memory_graph(ox.Quad(s, p, o, g) for s, p, o in quads).store


def test_mapped_key_with_a_recorded_line_is_reported_there() -> None:
    [result] = validate_graph(mapped_key_graph()).results
    assert (result.source, result.key, result.line) == ("_events/x.md", "title", 3)
    assert str(result).startswith("_events/x.md:3: violation: `title:` is a number (2024), not text")


# -- 2. a value of the wrong type is said to be there ---------------------------------------------

@pytest.mark.parametrize("written, what", [
    ("2024", "a number (2024)"),
    ("1.5", "a number (1.5)"),
    ("2024-05-01", "a date (2024-05-01)"),
    ("true", "a yes/no value (true)"),
])
def test_title_of_the_wrong_type_is_not_missing(make_site, written: str, what: str) -> None:
    root = make_site({"_events/2024-01-01-x.md": f"---\ntitle: {written}\ndate: 2024-01-01\n---\n"})
    [result] = validate_graph(build_site(root)).results
    assert (result.key, result.message) == ("title", f"`title:` is {what}, not text")
    assert result.hint == f'put it in quotes: `title: "{written}"`'
    assert result.line == 2  # the build keeps a value not of its key's type aside, with its line
    code, out = validate(root)
    assert code == 1
    assert f'  2: error: `title:` is {what}, not text. Hint: put it in quotes: `title: "{written}"`' in out
    assert "needs" not in out and "missing" not in out


def test_project_order_written_as_text(make_site) -> None:
    root = make_site({"_projects/p.md": "---\ntitle: P\norder: first\n---\n"})
    code, out = validate(root)
    assert code == 0  # a warning
    assert "  3: warning: `order:` is text (first), not a whole number. Hint: write a whole number, e.g. `order: 3`" in out
    assert "(value: first)" not in out  # said once


def test_date_and_time_where_a_date_is_asked() -> None:
    message, hint = datatype_wording("date", "2024-05-05T10:00:00", XSD + "dateTime", XSD + "date")
    assert message == "`date:` is a date and time (2024-05-05T10:00:00), not a plain date (YYYY-MM-DD)"
    assert hint == "write the day alone: `date: 2024-05-05`"
    message, hint = datatype_wording("completed", "maybe", XSD + "string", XSD + "boolean")
    assert (message, hint) == ("`completed:` is text (maybe), not true or false",
                               "write `completed: true` or `completed: false`")
    assert datatype_wording("order", "x", XSD + "integer", XSD + "integer")[0] == "`order:` 'x' is not a whole number"


def test_a_list_or_mapping_as_title(make_site) -> None:
    root = make_site({"_events/2024-01-01-x.md": "---\ntitle: {a: 1}\ndate: 2024-01-01\n---\n"})
    [result] = validate_graph(build_site(root)).results
    assert result.message.startswith("`title:` is a list or a set of keys (")
    assert result.hint == "write `title:` as one line of text"


# -- 3. a README (or an empty file) in a collection folder ---------------------------------------
# Checked with Jekyll 4.3: a collection file without front matter is a static file
# (copied to _site/events/README.md, not in site.events); with front matter, even empty,
# it is a document: an event page titled "README", dated the build's time.

@pytest.mark.parametrize("name, text", [("README.md", "How to add an event: copy a file.\n"),
                                        ("empty.md", "")])
def test_collection_file_without_front_matter_is_one_clear_warning(make_site, name: str, text: str) -> None:
    root = make_site({"_events/2024-01-01-ok.md": "---\ntitle: Fine\ndate: 2024-01-01\n---\n",
                      f"_events/{name}": text})
    graph = build_site(root)
    assert validate_graph(graph).conforms  # a static file describes no node: nothing wrong
    report = lint(graph)
    assert list(report.files) == [f"_events/{name}"]
    [problem] = report.files[f"_events/{name}"]
    assert (problem.severity, problem.line) == ("warning", 1)
    assert problem.message.startswith("no front matter, so for Jekyll this file is not an event but a static file")
    assert "move it out of `_events/`" in problem.hint and "`title:` and `date:`" in problem.hint
    code, out = validate(root)
    assert code == 0
    assert f"_events/{name}\n  1: warning: no front matter" in out and "source file" not in out


def test_binary_file_in_a_collection_is_no_shape_violation(make_site) -> None:
    """The build reports it (an error); its graph, a file that describes nothing, is fine."""
    root = make_site({"_events/2024-01-01-ok.md": "---\ntitle: Fine\ndate: 2024-01-01\n---\n",
                      "_events/photo.md": b"\x89PNG\r\n\x1a\n\x00\x00\x00binary"})
    graph = build_site(root)
    assert validate_graph(graph).conforms
    [problem] = lint(graph).files["_events/photo.md"]
    assert problem.code == "binary-file"


def test_readme_with_front_matter_is_one_problem(make_site) -> None:
    root = make_site({"_events/2024-01-01-ok.md": "---\ntitle: Fine\ndate: 2024-01-01\n---\n",
                      "_events/README.md": "---\nlayout: default\n---\nNotes for editors.\n"})
    report = lint(build_site(root))
    [problem] = report.files["_events/README.md"]
    assert (problem.severity, problem.line, problem.code) == ("error", 1, "untitled-and-undated")
    assert problem.message == ("Jekyll makes an event of this file (it starts with front matter), "
                               "but it has no `title:` and no `date:`")
    assert problem.hint.startswith("if it is not an event (a README, notes for the site's editors), "
                                   "move it out of `_events/` or list it under `exclude:` in _config.yml")
    code, out = validate(root)
    assert code == 1 and out.count("_events/README.md") == 1 and "needs a title" not in out


def test_event_with_a_date_but_no_title_keeps_its_own_message(make_site) -> None:
    root = make_site({"_events/2024-01-01-x.md": "---\ndate: 2024-01-01\n---\n"})
    [problem] = lint(build_site(root)).files["_events/2024-01-01-x.md"]
    assert problem.message == "An event needs a title: add `title:` to its front matter."


def test_page_without_title_in_editor_words(make_site) -> None:
    root = make_site({"_projects/p.md": "---\nlayout: x\n---\n"})
    [problem] = lint(build_site(root)).files["_projects/p.md"]
    assert problem.message == "A project's page needs a title: add `title:` to its front matter."


# -- 4. counts agree with their nouns -------------------------------------------------------------

def test_lint_counts_agree() -> None:
    one = LintReport({"a.md": [Problem("error", "e", 2), Problem("warning", "w", 3)]}, 1)
    assert format_lint(one).splitlines()[-1] == "1 file checked: 1 error, 1 warning in 1 file"
    two = LintReport({"a.md": [Problem("error", "e", 2)] * 2, "b.md": [Problem("warning", "w")] * 2}, 2)
    assert format_lint(two).splitlines()[-1] == "2 files checked: 2 errors, 2 warnings in 2 files"
    none = LintReport({}, 0)
    assert format_lint(none) == "0 files checked: 0 errors, 0 warnings in 0 files\n"


def test_build_summary_counts_agree() -> None:
    text = summary({"base_url": "https://x.example", "files": 1, "quads": 1, "seconds": 0.1,
                    "errors": 1, "warnings": 1, "diagnostics": []})
    assert text.startswith("Built https://x.example: 1 file, 1 quad in 0.1 s\n")
    assert "\n  1 error, 1 warning\n" in text
    text = summary({"base_url": "https://x.example", "files": 2, "quads": 5, "seconds": 0.1,
                    "errors": 0, "warnings": 2, "diagnostics": []})
    assert "2 files, 5 quads" in text and "\n  0 errors, 2 warnings\n" in text


def test_counted_and_with_hint() -> None:
    assert [counted(n, "error") for n in (0, 1, 2)] == ["0 errors", "1 error", "2 errors"]
    assert counted(1, "entry", "entries") == "1 entry" and counted(3, "entry", "entries") == "3 entries"
    assert with_hint("no title", "add one") == "no title. Hint: add one"
    assert with_hint("No title.", "add one") == "No title. Hint: add one"
    assert with_hint("no title", None) == "no title"


def test_problems_read_what_then_hint(make_site) -> None:
    root = make_site({"_events/2024-01-01-x.md": "---\ntitle: X\ndate: 2024-01-02\n---\n"})
    code, out = validate(root)
    assert "  3: warning: `date` says 2024-01-02 but the file name says 2024-01-01" in out
    line = next(l for l in out.splitlines() if "`date` says" in l)
    assert ". Hint: " in line and not line.endswith(")")


def test_post_without_front_matter_is_not_called_a_static_file(make_site) -> None:
    """Jekyll 4.3 makes a post of a dated `_posts` file without front matter (titled from
    its name) and ignores an undated one: the collection wording does not apply there."""
    root = make_site({"_config.yml": "url: https://site.example.org\n",
                      "_posts/2024-01-01-plain.md": "No front matter.\n"})
    problems = lint(build_site(root)).files.get("_posts/2024-01-01-plain.md", [])
    assert not any("move it out of" in (p.hint or "") for p in problems)


# -- 5. `title:` written twice, as a list, or with no value: at the line of `title:` -------------

def test_title_written_twice_is_the_duplicate_key_warning_alone(make_site) -> None:
    """README: `duplicate-key` is a warning; the page's name is the title Jekyll shows (the
    last), the other kept as written, so no shape sees two names, and `kg validate` exits 0."""
    root = make_site({"_events/2024-02-05-t.md": "---\ndate: 2024-02-05\ntitle: A\ntitle: B\n---\nbody\n"})
    graph = build_site(root)
    assert validate_graph(graph).results == [] and validate_graph(graph).conforms
    [problem] = lint(graph).files["_events/2024-02-05-t.md"]
    assert (problem.severity, problem.code, problem.line) == ("warning", "duplicate-key", 4)
    code, out = validate(root)
    assert code == 0 and "more than one title" not in out
    assert "  4: warning: key `title` is written twice (lines 3 and 4)" in out


def test_title_written_as_a_list_is_an_error_on_its_line(make_site) -> None:
    root = make_site({"_events/2024-02-05-t.md": "---\ndate: 2024-02-05\ntitle: [a, b]\n---\nbody\n"})
    [result] = validate_graph(build_site(root)).results
    assert (result.severity, result.key, result.line) == ("violation", "title", 3)
    code, out = validate(root)
    assert code == 1
    assert "_events/2024-02-05-t.md\n  3: error: An event has more than one title: write one `title:` " \
           "(or two files share this page's address). Hint: `title:` is a list: write one value, not a list" in out


@pytest.mark.parametrize("written", ["title:", "title: null", 'title: ""', "title: []", "title: ~"])
def test_title_without_a_value_is_reported_on_its_line(make_site, written: str) -> None:
    root = make_site({"_events/2024-02-05-t.md": f"---\ndate: 2024-02-05\n{written}\n---\nbody\n"})
    [result] = validate_graph(build_site(root)).results
    assert (result.severity, result.constraint, result.key, result.line) == (
        "violation", "sh:MinCountConstraintComponent", "title", 3)
    code, out = validate(root)
    assert code == 1
    assert "_events/2024-02-05-t.md\n  3: error: An event needs a title: add `title:` to its front matter. " \
           "Hint: `title:` is there but has no value: write the value after `title:`" in out


def test_title_not_written_has_no_line_and_no_file_is_needed(make_site) -> None:
    root = make_site({"_events/2024-02-05-t.md": "---\ndate: 2024-02-05\n---\nbody\n"})
    graph = build_site(root)
    (root / "_events/2024-02-05-t.md").unlink()  # the file is read again only for a key it has
    [result] = validate_graph(graph).results
    assert (result.key, result.line, result.hint) == ("title", None, None)


def test_a_file_gone_since_the_build_gives_no_line(make_site) -> None:
    root = make_site({"_events/2024-02-05-t.md": "---\ndate: 2024-02-05\ntitle:\n---\nbody\n"})
    graph = build_site(root)
    (root / "_events/2024-02-05-t.md").unlink()
    [result] = validate_graph(graph).results
    assert (result.key, result.line) == ("title", None)
