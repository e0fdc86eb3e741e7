"""kg.site on a bad ``_config.yml``, ``CNAME`` or ``--base-url``: one clear error naming the
file and line and what to fix (a SiteError, exit 2), or a diagnostic where Jekyll builds
on; never a Python traceback, nor a file that takes minutes or gigabytes to read."""
from __future__ import annotations

import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pyoxigraph as ox
import pytest

from kg.errors import SiteError
from kg.site import load_site

from conftest import EXAMPLE_SITE

KG = [sys.executable, "-m", "kg"]


def _refused(root: Path, base_url: str | None = None) -> SiteError:
    with pytest.raises(SiteError) as info:
        load_site(root, base_url=base_url)
    error = info.value
    assert "\n" not in str(error) and error.hint, str(error)
    return error


# -- base URL and baseurl: that no IRI can start with --------------------------------------

@pytest.mark.parametrize("config, says", [
    ('url: https://x.org\ntitle: t\nbaseurl: "/a[b]"\n', "holds `[` or `]`"),
    ("url: https://x.org\ntitle: t\nbaseurl: /a]b\n", "holds `[` or `]`"),
    ("url: https://x.org\ntitle: t\nbaseurl: /100%\n", "a `%` that starts no escape"),
    ("url: https://x.org\ntitle: t\nbaseurl: [x]\n", "not a list"),
    ("url: https://x.org\ntitle: t\nbaseurl: {a: 1}\n", "not a mapping"),
])
def test_a_baseurl_no_iri_can_start_with_is_refused_at_its_line(make_site, config: str, says: str) -> None:
    """These used to crash every command with pyoxigraph's ``ValueError: Invalid IRI code
    point '['`` when the first page IRI was made (a list was made text with str())."""
    error = _refused(make_site({"_config.yml": config}))
    assert says in error.message and "baseurl" in error.message
    assert Path(error.path).name == "_config.yml" and error.line == 3


@pytest.mark.parametrize("url, says", [
    ("https://x.example/%zz", "a `%` that starts no escape"),
    ("https://x.example/a%2", "a `%` that starts no escape"),
    ("https://x.example/[a]", "holds `[` or `]`"),
    ("https://x.example:abc", "port that is not a number"),
    ("https://x.example:99999", "port that is not a number"),
])
def test_a_url_no_iri_can_start_with_is_refused_at_its_line(make_site, url: str, says: str) -> None:
    error = _refused(make_site({"_config.yml": f'title: t\nurl: "{url}"\n'}))
    assert says in error.message and "from `url:`" in error.message
    assert Path(error.path).name == "_config.yml" and error.line == 2


@pytest.mark.parametrize("cname, says", [
    ("x.example/[a]", "holds `[` or `]`"),
    ("x.example:abc", "port that is not a number"),
    ("x.example/%zz", "a `%` that starts no escape"),
])
def test_a_cname_no_iri_can_start_with_names_the_cname_file(make_site, cname: str, says: str) -> None:
    error = _refused(make_site({"_config.yml": "title: t\n", "CNAME": cname + "\n"}))
    assert says in error.message and "from CNAME" in error.message
    assert Path(error.path).name == "CNAME" and error.line == 1


def test_a_cname_that_is_not_utf8_is_a_clear_error(make_site) -> None:
    error = _refused(make_site({"_config.yml": "title: t\n", "CNAME": b"x.\xffexample\n"}))
    assert Path(error.path).name == "CNAME" and "UTF-8" in error.message


@pytest.mark.parametrize("files, says", [
    ({"_config.yml": "title: t\n", "CNAME": "\n"}, "`url:` in _config.yml is not set"),
    ({"CNAME": "  \n"}, "there is no _config.yml"),
])
def test_an_empty_cname_is_named_as_the_missing_base_url(make_site, files: dict, says: str) -> None:
    """Not "no _config.yml here, nor a CNAME file" beside a CNAME file that is there."""
    root = make_site(files)
    if "_config.yml" not in files:
        (root / "_config.yml").unlink()
    error = _refused(root)
    assert error.message.startswith("the CNAME file is empty") and says in error.message, error.message
    assert Path(error.path).name == "CNAME" and "--base-url" in error.hint


@pytest.mark.parametrize("option, says", [
    ("mailto:x", "not an http(s) address"),
    ("urn:isbn:123", "not an http(s) address"),
    ("x.example:abc", "port that is not a number"),
    ("https://x.example/a[1]", "holds `[` or `]`"),
])
def test_a_base_url_option_no_iri_can_start_with_names_the_option(make_site, option: str, says: str) -> None:
    error = _refused(make_site({"_config.yml": "title: t\n"}), base_url=option)
    assert says in error.message and "--base-url" in error.message and error.path is None


def test_a_host_and_port_without_scheme_still_gets_https(make_site) -> None:
    assert load_site(make_site({"_config.yml": "title: t\n"}), "localhost:4000").base_url == "https://localhost:4000"


@pytest.mark.parametrize("baseurl", ['"/blog"', "/blog/", '""', "/a%20b", "/caf\u00e9", "/~me/x_y.z", "/a:b@c"])
def test_every_baseurl_kg_takes_makes_iris(make_site, baseurl: str) -> None:
    site = load_site(make_site({"_config.yml": f"url: https://x.org\nbaseurl: {baseurl}\n"}))
    ox.NamedNode(site.iri("/events/x"))
    ox.NamedNode(site.minted("person", "Ada Lovelace"))
    assert not site.diagnostics


# -- baseurl: that Jekyll reads, but hardly as meant: a warning, and Jekyll's reading ------

@pytest.mark.parametrize("written, path", [("true", "/true"), ("false", "/false"), ("12", "/12"), ("0", "/0")])
def test_a_baseurl_that_is_not_text_is_read_as_jekyll_reads_it_and_reported(make_site, written: str,
                                                                               path: str) -> None:
    """Jekyll's relative_url takes ``baseurl.to_s``: ``true`` is the path /true (kg made it
    /True, and made nothing of false and 0), checked against jekyll 4.3.1."""
    site = load_site(make_site({"_config.yml": f"url: https://x.org\ntitle: t\nbaseurl: {written}\n"}))
    assert site.baseurl == path and site.iri("/a") == f"https://x.org{path}/a"
    [d] = site.diagnostics
    assert (d.code, d.severity, d.path, d.line, d.key) == ("bad-setting", "warning", "_config.yml", 3, "baseurl")
    assert "is not text" in d.message and f'baseurl: "{path}"' in d.hint


@pytest.mark.parametrize("written", ['"https://x.example"', "https://x.example/blog/", "//x.example"])
def test_a_baseurl_that_is_a_whole_address_is_reported(make_site, written: str) -> None:
    """Jekyll puts baseurl after url, so pages are at https://x.org/https://x.example/…:
    kg mints the IRIs Jekyll's absolute_url gives, and says what was meant instead."""
    site = load_site(make_site({"_config.yml": f"url: https://x.org\nbaseurl: {written}\n"}))
    assert site.iri("/a").startswith("https://x.org/") and "x.example" in site.iri("/a")
    ox.NamedNode(site.iri("/a"))
    [d] = site.diagnostics
    assert (d.code, d.severity, d.line) == ("bad-setting", "warning", 2)
    assert "whole address" in d.message and "`url:`" in d.hint


# -- _config.yml nested or aliased past what a settings file holds -------------------------

def test_a_deeply_nested_config_is_one_error_at_its_line(make_site) -> None:
    """600 brackets deep was a RecursionError traceback."""
    root = make_site({"_config.yml": "url: https://x.org\ntitle: t\ndeep: " + "[" * 600 + "]" * 600 + "\n"})
    error = _refused(root)
    assert "nests lists or mappings more than" in error.message and error.line == 3


def test_a_config_nested_past_what_the_parser_can_recurse_is_an_error_not_a_crash(make_site) -> None:
    root = make_site({"_config.yml": "url: https://x.org\ndeep: " + "[" * 30_000 + "]" * 30_000 + "\n"})
    assert "nests lists or mappings" in _refused(root).message


def _alias_bomb(levels: int) -> str:
    lines = ["a0: &a0 [" + ", ".join(["lol"] * 9) + "]"]
    lines += [f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 9) + "]" for i in range(1, levels + 1)]
    return "url: https://x.org\n" + "\n".join(lines) + "\n"


def test_an_alias_bomb_in_the_config_is_refused_at_once(make_site) -> None:
    """Nine levels of nine aliases took 16 s and 1.1 GB (settings_fingerprint's repr
    expanded them all), ten more than 120 s: now one error, at the key that passes the limit."""
    root = make_site({"_config.yml": _alias_bomb(10)})
    started = time.perf_counter()
    error = _refused(root)
    assert time.perf_counter() - started < 5
    assert "expands to more than" in error.message and "alias" in error.message
    assert error.line is not None and 2 < error.line <= 12


def test_a_config_with_a_few_aliases_is_read(make_site) -> None:
    root = make_site({"_config.yml": _alias_bomb(3)})
    site = load_site(root)
    assert len(site.config["a3"]) == 9 and site.config["a3"][0][0][0][0] == "lol"


def test_aliases_that_nest_past_the_limit_are_refused(make_site) -> None:
    chain = "".join(f"a{i}: &a{i} [*a{i - 1}]\n" for i in range(1, 150))
    error = _refused(make_site({"_config.yml": "url: https://x.org\na0: &a0 [x]\n" + chain}))
    assert "nests lists or mappings more than" in error.message and "aliases" in error.message


def test_an_alias_inside_the_value_it_names_is_refused(make_site) -> None:
    error = _refused(make_site({"_config.yml": "url: https://x.org\ntitle: t\nloop: &a [1, *a]\n"}))
    assert "refers to a value it is part of" in error.message and error.line == 3


# -- _config.yml that is not valid YAML: front matter's plain words ----------------------------

def test_a_tab_in_the_config_says_so_with_a_hint(make_site) -> None:
    error = _refused(make_site({"_config.yml": b"url: https://x.org\ncollections:\n\tevents:\n    output: true\n"}))
    assert error.line == 3 and "tab" in error.message and "spaces" in error.hint
    assert error.message.startswith("_config.yml is not valid YAML")


def test_an_unclosed_quote_points_at_the_line_it_opened_on(make_site) -> None:
    error = _refused(make_site({"_config.yml": 'title: "oops\nurl: https://x.org\nfoo: bar\nbaz: 1\n'}))
    assert error.line == 1 and "opened on line 1 is never closed" in error.message


def test_a_quote_left_open_that_runs_on_to_the_next_quote_points_at_where_it_opened(make_site) -> None:
    """The value runs on to the next `"`, lines below, where YAML finds more text: the
    mistake is where the quote opened, not where the YAML reader stops."""
    error = _refused(make_site({"_config.yml": 'title: "oops\nurl: https://x.org\n\ndescription: "A site: ours"\n'}))
    assert error.line == 1 and "opened on line 1 runs on to line 4" in error.message
    assert "close the quote on line 1" in error.hint


@pytest.mark.parametrize("text, line, says", [
    ("url: https://x.org\nlist: [a, b\nfoo: bar\n", 2, "not closed with `]`"),
    ("url: https://x.org\ntitle: a: b\n", 2, "contains `: `"),
    ("url: https://x.org\nn: !!int abc\n", 2, "!!int"),
    ('url: https://x.org\nt: "\\ud800"\n', 2, "names no character"),
    ("url: https://x.org\nt: \x01\n", 2, "U+0001"),
    ("- url: https://x.org\n", 1, "mapping of settings"),
])
def test_config_yaml_errors_name_line_and_fix(make_site, text: str, line: int, says: str) -> None:
    error = _refused(make_site({"_config.yml": text.encode()}))
    assert error.line == line and says in error.message, str(error)
    assert "front matter" not in str(error)


def test_a_date_that_is_no_date_stays_text_as_jekyll_keeps_it(make_site) -> None:
    """`2024-02-30` was a ValueError traceback; Jekyll's YAML reader keeps it as the text."""
    site = load_site(make_site({"_config.yml": "url: https://x.org\nstarted: 2024-02-30\ntime: 2024-13-01\n"}))
    assert site.config["started"] == "2024-02-30"
    assert [d.line for d in site.diagnostics] == [3]


def test_config_lines_are_kept_with_merge_keys(make_site) -> None:
    site = load_site(make_site({"_config.yml": "url: https://x.org\nbase: &b {output: true}\ncollections:\n"
                                               "  events:\n    <<: *b\n    permalink: /:name\n"}))
    assert site.collections["events"].output is True
    assert site.config_line("collections", "events", "permalink") == 6


# -- the CLI: exit 2, one `Error:` line ----------------------------------------------------------

@pytest.mark.parametrize("edit", [
    lambda text: re.sub(r"(?m)^baseurl: .*$", 'baseurl: "/a[b]"', text),
    lambda text: re.sub(r"(?m)^baseurl: .*$", "baseurl: [x]", text),
    lambda text: re.sub(r"(?m)^url: .*$", 'url: "https://x.example/%zz"', text),
    lambda text: text + "\ndeep: " + "[" * 600 + "]" * 600 + "\n",
    lambda text: text + _alias_bomb(9).removeprefix("url: https://x.org\n"),
], ids=["baseurl-bracket", "baseurl-list", "url-percent", "deep", "alias-bomb"])
def test_the_cli_stops_with_one_error_line(tmp_path: Path, edit) -> None:
    site = tmp_path / "site"
    shutil.copytree(EXAMPLE_SITE, site)
    config = site / "_config.yml"
    config.write_text(edit(config.read_text(encoding="utf-8")), encoding="utf-8")
    result = subprocess.run(KG + ["build", str(site), "--out", str(tmp_path / "out")], capture_output=True,
                            text=True, timeout=120)
    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr
    [line] = [x for x in result.stderr.splitlines() if x.strip()]
    assert line.startswith(f"Error: {config}:") and "Hint:" in line
