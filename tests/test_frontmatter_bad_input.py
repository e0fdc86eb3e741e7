"""kg.frontmatter on bad input: what an editor's mistakes become, and that nothing is lost.

Jekyll reads front matter with Ruby's Psych (libyaml), so each outcome is the one Psych
gives, checked with Ruby itself where it is installed: a key written twice inside a value
keeps the last value, ``!!binary`` is the text it decodes to, a file whose lines end in
carriage returns alone has no front matter. kg reports each with its line, and in words
an editor who is not a programmer can act on.
"""
from __future__ import annotations

import datetime as dt
import json
import shutil
import subprocess
import sys
import textwrap
import time
from pathlib import Path
from typing import Any

import pyoxigraph as ox
import pytest

import kg
from kg.errors import Diagnostic
from kg.frontmatter import SourceFile, date_problem, parse_text
from kg.query import run_query

SITE = "https://site.example.org"
EV = SITE + "/events/"
KG = "https://w3id.org/kg/ns#"
RDF_VALUE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#value"
PATH = "_events/x.md"


def read(text: str | bytes) -> SourceFile:
    raw = text.encode("utf-8") if isinstance(text, str) else text
    return parse_text(raw, SourceFile(path=Path("x.md"), relpath=PATH))


def only(src: SourceFile, code: str) -> Diagnostic:
    found = [d for d in src.diagnostics if d.code == code]
    assert len(found) == 1, src.diagnostics
    return found[0]


def codes(src: SourceFile) -> list[tuple[str, str, int | None]]:
    return [(d.code, d.severity, d.line) for d in src.diagnostics]


def objects(graph: kg.KnowledgeGraph, s: str, p: str) -> set[str]:
    return {q.object.value for q in graph.store.quads_for_pattern(ox.NamedNode(s), ox.NamedNode(p), None, None)}


def psych(front: str) -> Any:
    """What Jekyll's YAML reader makes of ``front`` (as JSON), or a skip without Ruby."""
    ruby = shutil.which("ruby")
    if ruby is None:
        pytest.skip("ruby is not installed: cannot ask Psych")
    script = ('require "psych"; require "json"; require "date"; '
              'd = Psych.safe_load(STDIN.read, permitted_classes: [Date, Time], aliases: true); '
              'print JSON.generate(d)')
    run = subprocess.run([ruby, "-e", script], input=front, capture_output=True, text=True, timeout=60)
    assert run.returncode == 0, run.stderr
    return json.loads(run.stdout)


# -- 1. keys written twice inside a value ------------------------------------------------------

SPEAKERS_ROLE_TWICE = ("---\ntitle: Panel\ndate: 2024-01-02\nspeakers:\n"
                       "  - name: Ann Able\n    role: chair\n    role: panellist\n"
                       "  - name: Ben Baker\n---\n")


def test_duplicate_key_inside_a_list_item_is_reported_and_the_last_kept() -> None:
    src = read(SPEAKERS_ROLE_TWICE)
    assert src.data["speakers"] == [{"name": "Ann Able", "role": "panellist"}, {"name": "Ben Baker"}]
    d = only(src, "duplicate-key")
    assert (d.severity, d.path, d.line, d.key, d.value) == ("warning", PATH, 7, "speakers", "chair")
    assert "`role`" in d.message and "lines 6 and 7" in d.message
    assert "'panellist'" in d.message and "'chair'" in d.message  # the one kept, the one only reported
    assert "list" not in d.hint  # one role each: keep one line, not a list


def test_duplicate_key_in_a_flow_mapping() -> None:
    src = read("---\nlinks: {video: https://v.example/a, video: https://v.example/b}\n---\n")
    assert src.data == {"links": {"video": "https://v.example/b"}}
    d = only(src, "duplicate-key")
    assert (d.line, d.key, d.value) == (2, "links", "https://v.example/a")


def test_duplicate_key_three_times_inside_a_mapping_reports_each_value_left_out() -> None:
    src = read("---\nlinks:\n  video: a\n  video: b\n  video: c\n---\n")
    assert src.data == {"links": {"video": "c"}}
    dups = [d for d in src.diagnostics if d.code == "duplicate-key"]
    assert [(d.line, d.value) for d in dups] == [(4, "a"), (5, "b")]
    assert all("lines 3, 4 and 5" in d.message for d in dups)


@pytest.mark.parametrize("front", [
    "speakers:\n  - name: Ann Able\n    role: chair\n    role: panellist\n",
    "links: {video: a, video: b}\n",
    "a:\n  b:\n    c: 1\n    c: 2\n",
    "o: !!omap [x: 1, y: 2, x: 3]\n",
    "b: !!binary aGVsbG8=\n",
], ids=["list-item", "flow", "deep", "omap", "binary"])
def test_values_are_what_psych_makes_of_them(front: str) -> None:
    assert read("---\n" + front + "---\n").data == psych(front)


def test_nested_duplicate_reaches_the_build_report_and_the_kept_role_the_graph(make_site) -> None:
    root = make_site({"_events/2024-01-02-panel.md": SPEAKERS_ROLE_TWICE})
    graph = kg.build_site(root)
    dups = [d for d in graph.report["diagnostics"] if d["code"] == "duplicate-key"]
    assert [(d["path"], d["line"], d["severity"], d["value"]) for d in dups] == [
        ("_events/2024-01-02-panel.md", 7, "warning", "chair")]
    rows = run_query("speakers", graph).records()
    assert {(r["name"], r["role"]) for r in rows} == {("Ann Able", "panellist"), ("Ben Baker", "speaker")}


# -- 2. values that would be a Python repr in the graph ------------------------------------------

def test_binary_that_is_text_is_the_text_with_a_note() -> None:
    src = read("---\nb: !!binary aGVsbG8=\n---\n")
    assert src.data == {"b": "hello"} and src.fields[0].text == "aGVsbG8="
    d = only(src, "yaml-binary")
    assert (d.severity, d.line, d.key, d.value) == ("info", 2, "b", "aGVsbG8=")


def test_binary_that_is_not_text_is_its_base64_with_a_warning() -> None:
    src = read("---\nb:\n  - !!binary |\n    /w\n    ==\n---\n")
    assert src.data == {"b": ["/w=="]}
    d = only(src, "yaml-binary")
    assert (d.severity, d.line, d.key) == ("warning", 3, "b")


def test_complex_keys_are_reported_and_kept_as_json_text() -> None:
    src = read("---\n? [a, b]\n: x\ny: {[c, d]: 1}\n---\n")
    assert [(f.key, f.value, f.line) for f in src.fields] == [('["a", "b"]', "x", 2), ("y", {'["c", "d"]': 1}, 4)]
    assert codes(src) == [("complex-key", "warning", 2), ("complex-key", "warning", 4)]
    assert "[a, b]" in src.diagnostics[0].message and "line" not in src.diagnostics[0].message.split(";")[0]


def test_merge_keys_at_the_top_and_inside_values_are_reported() -> None:
    """Jekyll's YAML merges what `<<: *b` names (checked with Ruby's Psych); kg keeps the
    key as written, and said so only at the top: inside a value it went unreported."""
    src = read("---\nbase: &b {a: 1}\n<<: *b\nmerged:\n  <<: *b\n  c: 2\nlist:\n  - <<: *b\n    d: 3\n"
               "quoted: {'<<': 1}\n---\n")
    assert src.data["merged"] == {"<<": {"a": 1}, "c": 2}
    said = [(d.code, d.line, d.key) for d in src.diagnostics]
    assert said == [("yaml-merge-key", 3, "<<"), ("yaml-merge-key", 5, "merged"), ("yaml-merge-key", 8, "list")]
    assert "inside `merged`" in src.diagnostics[1].message and "Jekyll merges" in src.diagnostics[1].message
    assert all("<<: *name" in d.hint for d in src.diagnostics)


def test_keys_inside_values_are_the_text_written() -> None:
    # a date, a boolean and a number as keys: Python took True and 1 for one key (losing a
    # value) and the graph's JSON could not hold a date key at all (the build crashed)
    src = read("---\nschedule:\n  2024-01-01: opening\n  true: yes\n  1: first\n---\n")
    assert src.data == {"schedule": {"2024-01-01": "opening", "true": "yes", "1": "first"}}
    assert src.diagnostics == []


def test_omap_pairs_and_set_never_become_tuples_or_sets() -> None:
    src = read("---\no: !!omap [x: 1, y: 2]\np: !!pairs [x: 1, x: 2]\ns: !!set {a, b}\n---\n")
    assert src.data == {"o": {"x": 1, "y": 2}, "p": [{"x": 1}, {"x": 2}]}
    assert codes(src) == [("yaml-error", "error", 4)]  # Psych refuses !!set: Jekyll cannot read it


def test_no_python_repr_reaches_the_graph(make_site, tmp_path: Path) -> None:
    root = make_site({"_projects/p.md": (
        "---\ntitle: P\nb: !!binary aGVsbG8=\nraw: !!binary /w==\n? [a, b]\n: x\n"
        "schedule:\n  2024-01-01: opening\n  true: yes\no: !!omap [k: v]\n---\n")})
    graph = kg.build_site(root, tmp_path / "out")
    nq = (tmp_path / "out" / "graph.nq").read_text(encoding="utf-8")
    assert "b'" not in nq and "['a'" not in nq and "('k'" not in nq
    values = {v for e in objects(graph, SITE + "/projects/p", KG + "frontMatter") for v in objects(graph, e, RDF_VALUE)}
    assert {"hello", "/w==", "x", '{"k": "v"}', '{"2024-01-01": "opening", "true": "yes"}'} <= values


# -- 3. each item of a list at its own line --------------------------------------------------------

SPEAKERS = ("---\ntitle: Panel\ndate: 2024-01-02\nspeakers:\n"
            "  - name: Ann Able\n    organisation: Able Org\n"
            "  - name: Ben Baker\n    role: chair\n"
            "  -\n"
            "  - Cat Cole\n---\n")


def test_items_of_a_list_have_their_own_lines() -> None:
    src = read(SPEAKERS)
    (speakers,) = [f for f in src.fields if f.key == "speakers"]
    assert speakers.line == 4 and src.item_lines(speakers) == [5, 7, 9, 10]
    (title,) = [f for f in src.fields if f.key == "title"]
    assert src.item_lines(title) == [2]
    flow = read("---\ntopics: [A, B]\n---\n")
    assert flow.item_lines(flow.fields[0]) == [2, 2]


def test_front_matter_speakers_are_at_their_own_lines(make_site) -> None:
    root = make_site({"_events/2024-01-02-panel.md": SPEAKERS})
    graph = kg.build_site(root)
    event = EV + "2024-01-02-panel"
    lines = {name: int(line) for p in objects(graph, event, KG + "participation")
             for name in objects(graph, p, KG + "nameAsWritten") for line in objects(graph, p, KG + "line")}
    assert lines == {"Ann Able": 5, "Ben Baker": 7, "Cat Cole": 10}
    bad = [d for d in graph.report["diagnostics"] if d["code"] == "bad-speaker"]
    assert [(d["line"], d["key"]) for d in bad] == [(9, "speakers")]  # the empty `-`, not `speakers:`


# -- 4. line endings Jekyll does not take for line ends ------------------------------------------------

OLD_MAC = b"---\rtitle: Old Mac\rdate: 2024-01-04\r---\rBody.\r"


def test_carriage_returns_alone_hide_the_front_matter_as_from_jekyll() -> None:
    # Jekyll (Document::YAML_FRONT_MATTER_REGEXP, Utils.has_yaml_header?) ends lines only at
    # line feeds: this file has no front matter for it, and is copied as a static file
    src = read(OLD_MAC)
    assert not src.has_front_matter
    d = only(src, "line-endings")
    assert (d.severity, d.line) == ("warning", 1)
    assert "carriage return" in d.message and "static file" in d.message and "LF" in d.hint
    # nothing lost: the values are kept (for the file's node), with their lines
    assert [(f.key, f.line) for f in src.fields] == [("title", 2), ("date", 3)]


def test_file_of_carriage_returns_alone_is_no_event(make_site) -> None:
    root = make_site({"_events/2024-01-04-cr.md": OLD_MAC,
                      "_events/2024-01-05-lf.md": OLD_MAC.replace(b"\r", b"\n").replace(b"Old Mac", b"Unix")})
    graph = kg.build_site(root)
    assert [r["source"] for r in run_query("events", graph).records()] == ["_events/2024-01-05-lf.md"]
    diags = [(d["code"], d["severity"], d["line"]) for d in graph.report["diagnostics"]
             if d["path"] == "_events/2024-01-04-cr.md"]
    assert diags == [("line-endings", "warning", 1)]


def test_closing_line_after_a_lone_carriage_return_is_not_seen_by_jekyll() -> None:
    # Jekyll makes a page of it (its first line ends in CRLF) but finds no closing line,
    # so, as for unclosed front matter, none of the keys is read
    src = read(b"---\r\ntitle: Mixed\r---\r\nBody.\r\n")
    assert src.has_front_matter and src.fields == []
    assert codes(src) == [("line-endings", "error", 3)]


def test_windows_line_endings_are_still_read() -> None:
    src = read(b"---\r\ntitle: T\r\nspeakers:\r\n  - name: A\r\n---\r\n\r\nBody\r\n")
    assert src.data == {"title": "T", "speakers": [{"name": "A"}]} and src.diagnostics == []
    assert src.body == "\nBody\n" and src.body_line == 6
    assert src.item_lines(src.fields[1]) == [4]


def test_a_lone_carriage_return_inside_the_front_matter_ends_a_line_for_yaml() -> None:
    # libyaml (so Psych) takes a lone CR for a line end inside the YAML: lines count so
    src = read(b"---\ntitle: T\rdate: 2024-01-02\n---\nBody\n")
    assert src.data == {"title": "T", "date": __import__("datetime").date(2024, 1, 2)}
    assert [f.line for f in src.fields] == [2, 3] and src.body_line == 5


# -- 5. what the editor reads -------------------------------------------------------------------

@pytest.mark.parametrize("front, line, said, hint", [
    ("title: Bad: colon\n", 2, "contains `: `", 'title: "Bad: colon"'),
    ("speakers:\n  - name: Ann: Able\n", 3, "contains `: `", 'name: "Ann: Able"'),
    ("title: ok\n  indented: wrongly\n", 3, "line 3 is indented", "same column"),
    ("title: a\nfoo\nbar: x\n", 3, "line 3 is not a `key: value` line", "indent it"),
    ("key:value\nb: c\n", 2, "no space after its `:`", "space after the `:`"),
    ('title: "Quoted" rest\n', 2, "starts with a quote", "title: '\"Quoted\" rest'"),
    ("title: [Draft] Plan\n", 2, "starts with `[` is a list", 'title: "[Draft] Plan"'),
    ("title: @handle\n", 2, "cannot start with `@`", 'title: "@handle"'),
    ("title: *bold* text\n", 2, "starts with `*`", 'title: "*bold* text"'),
    ("title: x\nspeakers:\n\t- name: T\n", 4, "indented with a tab", "spaces"),
    ("tags: [a, b\n", 2, "not closed with `]`", "close it"),
], ids=["colon", "colon-in-list-item", "indent", "no-colon", "no-space", "quote", "bracket", "at", "star", "tab",
        "unclosed-list"])
def test_yaml_errors_say_in_plain_words_what_to_write(front: str, line: int, said: str, hint: str) -> None:
    src = read("---\n" + front + "---\n")
    d = only(src, "yaml-error")
    assert d.line == line and said in d.message and hint in d.hint, (d.line, d.message, d.hint)
    assert "the YAML reader says:" in d.message  # the parser's own words stay, for whoever knows them


@pytest.mark.parametrize("front, line", [
    ("title: x\nt: !ruby/object:Foo bar\n", 3),
    ("title: x\nt:\n  a: !ruby/object:Foo bar\n", 4),
    ("speakers:\n  - name: A\n  - !ruby/object:Foo {name: B}\n", 4),
    ("n:\n  - 1\n  - !!int abc\n", 4),
], ids=["top", "nested", "list-item", "int"])
def test_tag_errors_are_at_the_line_of_the_tag(front: str, line: int) -> None:
    src = read("---\n" + front + "---\n")
    d = only(src, "yaml-error")
    assert d.line == line and "<unicode string>" not in d.message and "\n" not in d.message


def test_a_ruby_type_tag_is_an_error_saying_jekyll_refuses_it() -> None:
    """Psych refuses it (Psych::DisallowedClass), and Jekyll reads none of the file's
    front matter ("could not read file …: Tried to load unspecified class: Foo")."""
    d = only(read("---\nt: !ruby/object:Foo {a: 1}\n---\n"), "yaml-error")
    assert "`!ruby/object:Foo`" in d.message and "Tried to load unspecified class" in d.message
    assert "remove `!ruby/object:Foo`" in d.hint and d.value == "{a: 1}"


# Checked with Psych 4.0.3 (Ruby 3.1), as Jekyll 4.3.1 calls it: a tag Psych has no type for
# is ignored, the value read as if it had none; `!str`, `!float`, `!binary` are YAML's types
@pytest.mark.parametrize("front", [
    "t: !foo bar\n", "t: !foo [a, b]\n", "t: !foo {a: 1}\n", "t: !foo\n", "t: !foo 'quoted'\n",
    "t: !!foo bar\n", "t: !<tag:example.org,2024:x> bar\n", "t: !!python/tuple [1]\n",
    "t: !str 12\n", "t: !float 3\n", "t: !binary aGVsbG8=\n", "t: !ruby/array [a]\n",
    "t:\n  - !foo 12\n  - b\n",
], ids=["text", "list", "mapping", "empty", "quoted", "secondary", "verbatim", "python", "str", "float",
        "binary", "ruby-array", "in-a-list"])
def test_unknown_tags_are_read_as_psych_reads_them(front: str) -> None:
    src = read("---\n" + front + "---\n")
    assert src.data == psych(front)
    assert all(d.code in ("yaml-tag", "yaml-binary") and d.severity != "error" for d in src.diagnostics)


def test_an_unknown_tag_is_a_warning_that_the_text_after_it_is_all_jekyll_shows() -> None:
    """`title: !Important news` is the title "news" in Jekyll (checked with Jekyll 4.3.1):
    kg reads it so, and says what happened to `!Important`, at its line."""
    src = read("---\ndate: 2024-01-02\ntitle: !Important news\n---\n")
    assert src.data == {"date": dt.date(2024, 1, 2), "title": "news"}
    d = only(src, "yaml-tag")
    assert (d.severity, d.line, d.key, d.value) == ("warning", 3, "title", "!Important")
    assert "`!Important`" in d.message and "'news'" in d.message
    assert d.hint == 'if `!Important` is part of the text, put the whole value in quotes ("!Important news"); ' \
                     "else remove `!Important`"


@pytest.mark.parametrize("written, words", [
    ("2024-02-30", ["February 2024 has 29 days", "2024-03-01"]),
    ("2023-02-29", ["February 2023 has 28 days", "2023-03-01"]),
    ("2024-04-31", ["April 2024 has 30 days", "2024-05-01"]),
    ("2024-13-01", ["no month 13"]),
    ("2024-02-30 10:00:00", ["February 2024 has 29 days"]),
])
def test_impossible_dates_are_explained(written: str, words: list[str]) -> None:
    said = date_problem(written)
    assert said is not None and all(w in said for w in words), said


@pytest.mark.parametrize("value", ["2024-02-29", "2024-12-31", "soon", "", 20240230, None])
def test_real_days_and_other_values_have_no_date_problem(value: Any) -> None:
    assert date_problem(value) is None


def test_duplicate_single_value_key_says_which_value_is_kept_and_suggests_no_list() -> None:
    src = read("---\ntitle: First Title\ndate: 2024-01-02\ntitle: Second Title\n---\n")
    d = only(src, "duplicate-key")
    assert d.line == 4 and "lines 2 and 4" in d.message and "'Second Title' (line 4)" in d.message
    assert "list" not in d.hint and "`title:`" in d.hint


def test_duplicate_list_key_suggests_merging_the_lists() -> None:
    d = only(read("---\ntopics:\n  - A\ntopics: [B]\n---\n"), "duplicate-key")
    assert "merge" in d.hint and "list" in d.hint


# -- hostile input -------------------------------------------------------------------------------

def test_deeply_nested_front_matter_is_refused_not_a_crash() -> None:
    # libyaml's composer recurses in C: 50,000 nested brackets killed the process (SIGSEGV)
    code = textwrap.dedent("""
        from pathlib import Path
        from kg.frontmatter import SourceFile, parse_text
        n = 50_000
        src = parse_text(("---\\na: " + "[" * n + "]" * n + "\\n---\\n").encode(), SourceFile(Path("x.md"), "x.md"))
        print([(d.code, d.line) for d in src.diagnostics])
    """)
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, f"exit {run.returncode}: {run.stderr[-500:]}"
    assert run.stdout.strip() == "[('yaml-too-large', 2)]"


def test_windows_file_of_blank_lines_without_a_closing_line_is_read_fast() -> None:
    # Jekyll's regex tried every shorter run of the blank lines after `---` again: quadratic
    started = time.perf_counter()
    src = read(b"---" + b"\r\n" * 100_000 + b"title: x\r\n")
    assert time.perf_counter() - started < 1.0
    assert codes(src) == [("unclosed-front-matter", "error", 1)]


@pytest.mark.parametrize("nested", [False, True], ids=["top-level", "nested"])
def test_ten_thousand_duplicate_keys_give_a_report_in_proportion(nested: bool) -> None:
    """Each of the 9,999 repeats is reported at its line, but no report lists all 10,000
    lines (the reports came to 590 MB), and a repeated key inside a value is found in
    one pass (rescanning the mapping for each repeat took 22 s)."""
    n = 10_000
    front = "x:\n" + "  a: 1\n" * n if nested else "a: 1\n" * n
    started = time.perf_counter()
    src = read(f"---\n{front}---\n")
    took = time.perf_counter() - started
    said = [d for d in src.diagnostics if d.code == "duplicate-key"]
    assert len(said) == n - 1 and len(src.diagnostics) == n - 1
    first = 3 if nested else 2
    assert [d.line for d in said] == list(range(first + 1, first + n))
    assert "written 10000 times" in said[0].message
    assert f"lines {first}, {first + 1}, {first + 2}, {first + 3}, {first + 4} and 9,995 more" in said[0].message
    assert max(len(d.message) for d in said) < 400
    assert sum(len(d.message) + len(d.hint or "") + len(d.value or "") for d in said) < 5_000_000
    assert took < 5.0, f"{took:.1f} s"


def test_nested_duplicates_are_reported_in_the_order_written() -> None:
    src = read("---\nx:\n  a: 1\n  b: 2\n  b: 3\n  a: 4\n---\n")
    assert [(d.line, d.key, d.value) for d in src.diagnostics] == [(5, "x", "2"), (6, "x", "1")]
    assert "lines 3 and 6" in src.diagnostics[1].message


@pytest.mark.parametrize("written, words", [
    ("0000-02-30", ["February 0 has 29 days"]),  # (no day Python can hold: no "Jekyll shows")
    ("9999-11-31", ["November 9999 has 30 days", "9999-12-01"]),
])
def test_impossible_dates_at_the_ends_of_the_calendar_are_explained_not_a_crash(written: str,
                                                                                words: list[str]) -> None:
    said = date_problem(written)
    assert said is not None and all(w in said for w in words), said


@pytest.mark.parametrize("encoding, name", [("utf-16", "UTF-16"), ("utf-16-le", "UTF-16"), ("utf-16-be", "UTF-16"),
                                            ("utf-32", "UTF-32")])
def test_a_file_saved_as_utf16_says_so_not_binary(encoding: str, name: str) -> None:
    """Windows Notepad's "Unicode" is UTF-16: the file was called binary, with the advice to remove it."""
    src = read("---\ntitle: Notes\ndate: 2024-02-05\n---\nText.\n".encode(encoding))
    d = only(src, "encoding")
    assert (d.severity, d.line) == ("error", 1) and not src.fields
    assert d.message.startswith(f"file is saved as {name}, not UTF-8") and "save it as UTF-8" in d.hint
    assert codes(read(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"))[0][0] == "binary-file"   # binary stays binary


def test_front_matter_speaker_values_that_cannot_be_kept_are_reported(make_site) -> None:
    """A list for a name became a person called "['Ann A', 'Bob B']"; a list title its Python
    text; a link without https:// vanished; a link to a page of the site was dropped."""
    graph = kg.build_site(make_site({"_events/2024-01-02-panel.md": (
        "---\ntitle: Panel\ndate: 2024-01-02\nspeakers:\n"
        "  - name: [Ann Able, Ben Baker]\n"
        "  - name: Cat Cole\n    title: [Chair, Director]\n    url: linkedin.com/in/cat\n"
        "    organisation: Org\n    organisation_url: not a url\n"
        "  - name: Dan Dale\n    url: /people/dan-dale\n"
        "  - name: 42\n    organisation: Org\n"
        "  - name: TBA\n  - To be confirmed\n---\n")}))
    event = EV + "2024-01-02-panel"
    people = {name: p for p in objects(graph, event, KG + "participation") for name in objects(graph, p, KG + "nameAsWritten")}
    assert set(people) == {"Cat Cole", "Dan Dale"}
    said = [(d["code"], d["line"], d["message"]) for d in graph.report["diagnostics"]
            if d["code"] in ("bad-speaker", "bad-url")]
    assert said == [
        ("bad-speaker", 5, "speaker `name:` must be one name, not a list: [Ann Able, Ben Baker]; not kept"),
        ("bad-speaker", 6, "speaker 'Cat Cole': `title:` must be text, not a list: [Chair, Director]; not kept"),
        ("bad-url", 6, "speaker 'Cat Cole': `organisation_url: not a url` is not a web address; not kept as a link"),
        ("bad-url", 6, "speaker 'Cat Cole': `url: linkedin.com/in/cat` is not a web address; not kept as a link"),
        ("bad-speaker", 13, "speaker `name:` 42 is no one's name; not kept as a person"),
        ("bad-speaker", 15, "speaker `name:` 'TBA' holds a place for a name; not kept as a person"),
        ("bad-speaker", 16, "speaker `name:` 'To be confirmed' holds a place for a name; not kept as a person")]
    assert not objects(graph, people["Cat Cole"], "https://schema.org/jobTitle")
    assert objects(graph, people["Dan Dale"], KG + "profile") == {"https://site.example.org/people/dan-dale"}


def test_a_speaker_named_true_is_no_person(make_site) -> None:
    """`- name: true` (YAML's boolean) became the person "True" at /id/person/true, unsaid."""
    graph = kg.build_site(make_site({"_events/2024-01-02-panel.md": (
        "---\ntitle: Panel\ndate: 2024-01-02\nspeakers:\n  - name: true\n  - name: Cat Cole\n---\n")}))
    event = EV + "2024-01-02-panel"
    people = {name for p in objects(graph, event, KG + "participation") for name in objects(graph, p, KG + "nameAsWritten")}
    assert people == {"Cat Cole"}
    said = [(d["code"], d["line"], d["message"]) for d in graph.report["diagnostics"] if d["code"] == "bad-speaker"]
    assert said == [("bad-speaker", 5, "speaker `name:` true is no one's name; not kept as a person")]
