"""kg.frontmatter: lossless front matter with line numbers, and the traps it avoids."""
import datetime as dt
from pathlib import Path

import pytest

from kg.frontmatter import SourceFile, parse_text


def read(text: str | bytes) -> SourceFile:
    raw = text.encode("utf-8") if isinstance(text, str) else text
    return parse_text(raw, SourceFile(path=Path("x.md"), relpath="_events/x.md"))


def codes(src: SourceFile) -> list[str]:
    return [d.code for d in src.diagnostics]


def test_duplicate_key_keeps_both_values_with_lines() -> None:
    src = read("---\ntitle: T\ntopics:\n  - A\nauthor: X\ntopics:\n  - B\n---\nbody\n")
    assert src.values("topics") == ["A", "B"]
    assert [(f.key, f.line) for f in src.fields if f.key == "topics"] == [("topics", 3), ("topics", 6)]
    dup = [d for d in src.diagnostics if d.code == "duplicate-key"]
    assert len(dup) == 1 and dup[0].line == 6 and dup[0].key == "topics" and "lines 3 and 6" in dup[0].message


def test_body_and_its_first_line() -> None:
    src = read("---\ntitle: T\n---\n\nHello\n")
    assert src.body == "\nHello\n" and src.body_line == 4


def test_yaml_12_scalars_stay_as_written() -> None:
    src = read("---\na: no\nb: on\nc: 12:30\nd: 017\ne: true\nf: 3\ng: 2025-01-15\n---\n")
    data = src.data
    assert data["a"] == "no" and data["b"] == "on" and data["c"] == "12:30"
    assert data["d"] == 17 or data["d"] == "017"  # YAML 1.2: decimal, never octal 15
    assert data["d"] != 15
    assert data["e"] is True and data["f"] == 3 and data["g"] == dt.date(2025, 1, 15)


def test_bom_and_crlf_are_read_in_a_post() -> None:
    """Jekyll reads a post without its byte order mark (Jekyll::PostReader, `bom|utf-8`)."""
    text = "\ufeff---\r\ntitle: T\r\n---\r\nbody\r\n".encode("utf-8")
    src = parse_text(text, SourceFile(path=Path("x.md"), relpath="_posts/2024-01-01-x.md"), post=True)
    assert src.data == {"title": "T"} and src.has_front_matter and "bom" in codes(src)
    assert src.body == "body\n"


def test_a_bom_before_the_front_matter_of_a_collection_file_makes_it_static() -> None:
    """Jekyll::Utils.has_yaml_header? reads the bytes: a byte order mark before `---`
    makes the file a static file (checked with Jekyll 4.3.1); kg keeps the values on it."""
    src = read("\ufeff---\r\ntitle: T\r\n---\r\nbody\r\n".encode("utf-8"))
    assert src.data == {"title": "T"} and not src.has_front_matter
    assert [(d.code, d.severity, d.line) for d in src.diagnostics] == [("bom", "warning", 1)]
    assert "static file" in src.diagnostics[0].message and "without a byte order mark" in src.diagnostics[0].hint


def test_a_static_file_with_a_bom_has_no_errors_and_no_talk_of_text_shown() -> None:
    """Jekyll never reads such a file's front matter: bad YAML in it breaks no page (a
    warning, not an error `build --strict` stops on), and unclosed front matter is not
    "shown as text" (the file is copied as it is)."""
    src = read("\ufeff---\ntitle: T\nbad: [unclosed\n---\nbody\n".encode("utf-8"))
    assert not [d for d in src.diagnostics if d.severity == "error"], src.diagnostics
    assert {"bom", "yaml-error"} <= set(codes(src))
    src = read("\ufeff---\ntitle: T\nbody never closed\n".encode("utf-8"))
    assert [(d.code, d.severity) for d in src.diagnostics] == [("bom", "warning")]


def test_invalid_yaml_is_an_error_with_line() -> None:
    src = read("---\ntitle: T\nbad: [unclosed\nx: 1\n---\n")
    err = [d for d in src.diagnostics if d.code == "yaml-error"]
    assert err and err[0].severity == "error" and err[0].line is not None and err[0].line >= 3


def test_unclosed_front_matter_is_reported() -> None:
    src = read("---\ntitle: T\nbody without closing\n")
    assert "unclosed-front-matter" in codes(src) and src.fields == []


def test_list_front_matter_is_reported_not_silently_empty() -> None:
    src = read("---\n- a\n- b\n---\n")
    assert "front-matter-not-mapping" in codes(src)


def test_dots_close_front_matter_as_in_jekyll() -> None:
    src = read("---\ntitle: T\n...\nbody\n")
    assert src.data == {"title": "T"} and src.body == "body\n"


def test_no_front_matter_is_a_warning() -> None:
    src = read("just text\n")
    assert codes(src) == ["no-front-matter"]


def test_alias_bomb_is_refused() -> None:
    bomb = "---\na: &a [x, x, x, x, x, x, x, x, x, x]\n"
    for i in range(1, 8):
        bomb += f"{chr(97 + i)}: &{chr(97 + i)} [*{chr(96 + i)}, *{chr(96 + i)}, *{chr(96 + i)}, *{chr(96 + i)}, *{chr(96 + i)}, *{chr(96 + i)}, *{chr(96 + i)}, *{chr(96 + i)}, *{chr(96 + i)}, *{chr(96 + i)}]\n"
    src = read(bomb + "---\n")
    assert "yaml-too-large" in codes(src) and src.fields == []


def test_binary_file_is_skipped() -> None:
    src = read(b"\x89PNG\r\n\x1a\n\x00\x00\x00")
    assert codes(src) == ["binary-file"]


def test_non_utf8_bytes_are_replaced_and_reported() -> None:
    src = read(b"---\ntitle: caf\xe9\n---\n")
    assert "encoding" in codes(src) and src.data["title"].startswith("caf")


def test_explicit_tags_that_do_not_fit_are_errors_not_crashes() -> None:
    for text in ("---\ntitle: !!timestamp x\n---\n", "---\nn: !!int abc\n---\n", "---\nf: !!float x\n---\n",
                 "---\nb: !!binary ***\n---\n", "---\ns: !!set [1]\n---\n"):
        src = read(text)
        assert [d.code for d in src.diagnostics] == ["yaml-error"], text


@pytest.mark.parametrize("text, day", [
    ("June 2, 2020", dt.date(2020, 6, 2)), ("8 Sep 2014", dt.date(2014, 9, 8)),
    ("2016-03-21 12:00 EDT", dt.datetime(2016, 3, 21, 12, 0, tzinfo=dt.timezone(dt.timedelta(hours=-4)))),
    ("2016-07-19 (optional)", dt.date(2016, 7, 19)), ("March 2024", None), ("TBC", None),
])
def test_a_date_written_as_jekyll_reads_it_is_the_pages_date(text: str, day) -> None:
    """`date: June 2, 2020` gave the graph the file name's date (Jekyll's page is dated
    2 June); a date without its day is not made one."""
    from kg.frontmatter import date_value
    assert date_value(text) == day


@pytest.mark.parametrize("text, rest", [
    # what Ruby's Time.parse leaves of the text holds a word or number: said
    ("2024-05-03 to 2024-05-05", "to 2024-05-05"), ("Postponed (was 12 March 2020)", "Postponed was"),
    ("3-5 May 2024", "3-"), ("1st–3rd May 2024", "1st"), ("12 March 2020 TBC", "TBC"),
    ("12 March 2024 at 18.00", "at 18.00"),  # (Ruby reads no time in 18.00)
    ("12 March 2024 6pm-8pm", "pm -8"),  # (Ruby reads 6pm, then -8 as a zone, which it ignores)
    # a word Ruby takes for the zone of a time and ignores, no zone's name
    ("12 March 2020, 6pm TBC", "TBC"), ("12 March 2020 6pm GMT+1", "GMT+1"), ("12 March 2024, 6pm UK time", "time UK"),
    # the end of the event read as a zone no place has (Ruby and Python both read it so)
    ("2024-03-12 18:00-20:00", "-20:00"), ("12 March 2024, 18:00-19:30", "-19:30"),
    ("2024-03-12 18:00 +05:30", ""), ("2024-03-12 18:00-12:00", ""),
    # a weekday, an ordinal suffix, a time, a zone, punctuation, at, on, the, from: nothing more
    ("September 8, 2014", ""), ("8 Sep 2014", ""), ("2016-03-21 12:00 EDT", ""), ("Tuesday 12 March 2020", ""),
    ("12 March 2020, 6pm", ""), ("Tuesday 12th March 2024 at 6pm", ""), ("12 March 2020 18:00 CEST", ""),
    ("on the 12th March 2024, from 18:00 BST", ""), ("12 March 2020.", ""), ("2024-05-03T10:00:00+01:00", ""),
    # no date: nothing to say beyond it (that is a bad-date)
    ("March 2024", ""), ("TBC", ""),
])
def test_what_a_date_written_in_words_says_beyond_the_date(text: str, rest: str) -> None:
    from kg.frontmatter import date_value, read_date
    assert read_date(text) == (date_value(text), rest)
