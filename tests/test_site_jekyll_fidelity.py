"""kg.site against Jekyll itself: slugs, permalink placeholders, dates and time zones,
which files are pages, and what kg says wherever it does otherwise.

Every expected URL below is what Jekyll 4.3.1 gives (read from a scratch site with
Jekyll's own reader); :func:`test_page_urls_equal_real_jekylls` checks them again, and
many more, against the Jekyll installed here (skipped when there is none).
"""
from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import subprocess
import unicodedata
from pathlib import Path

import pytest
from click.testing import CliRunner

import kg
from kg.cli import cli
from kg.frontmatter import read_file
from kg.site import URL_PLACEHOLDERS, Site, load_site, slugify

URL = "https://site.example.org"


def write(root: Path, files: dict[str | bytes, str]) -> Path:
    """Write ``{relative path: text}`` under ``root`` (a path given as bytes is written
    as those bytes: a name that is not UTF-8)."""
    for rel, text in files.items():
        path = os.path.join(os.fsencode(root), rel) if isinstance(rel, bytes) else os.path.join(root, rel)
        try:
            os.makedirs(os.path.dirname(path), exist_ok=True)
            with open(path, "w", encoding="utf-8") as f:
                f.write(text)
        except OSError as exc:  # (macOS and Windows refuse names that are not UTF-8)
            pytest.skip(f"this file system refuses the name {rel!r}: {exc}")
    return root


def page(text: str = "title: T") -> str:
    return f"---\n{text}\n---\nBody.\n"


def url_of(site: Site, rel: str) -> tuple[str | None, list[tuple[str, str, int | None]]]:
    """The page URL kg gives the file at ``rel`` and the diagnostics it reports on it."""
    path = site.root / rel
    coll = next(c for label, c in site.collections.items()
                if (label == "posts" and "/_posts/" in f"/{rel}") or path.is_relative_to(c.directory))
    src = read_file(path, site.relpath(path), post=coll.label == "posts")
    url = site.page_url(coll, path, src.data, src) if src.has_front_matter else None
    return url, [(d.code, d.severity, d.line) for d in src.diagnostics]


def codes(site: Site) -> list[tuple[str, str, str | None, int | None]]:
    return [(d.code, d.severity, d.path, d.line) for d in site.diagnostics]


# -- 1. a file name that is not UTF-8 -------------------------------------------------

def test_a_file_name_that_is_not_utf8_is_one_error_and_the_rest_builds(tmp_path: Path) -> None:
    """It used to crash `kg build` and `kg validate` with a UnicodeEncodeError (Site.minted,
    quote). Jekyll stops on such a name; kg reports it, byte escaped, and builds the rest."""
    root = write(tmp_path / "site", {
        "_config.yml": f"url: {URL}\ncollections:\n  events:\n    output: true\n    permalink: /:collection/:name\n",
        "_events/2024-12-23-good.md": page("title: Good\ndate: 2024-12-23"),
        b"_events/2024-12-24-bad\xff.md": page("title: Bad\ndate: 2024-12-24"),
        b"_events/caf\xe9/2024-12-25-inside.md": page("title: Inside\ndate: 2024-12-25"),
    })
    graph = kg.build_site(root, tmp_path / "out")
    bad = [d for d in graph.report["diagnostics"] if d["code"] == "bad-file-name"]
    assert [(d["severity"], d["path"]) for d in bad] == [
        ("error", "_events/2024-12-24-bad\\xff.md"), ("error", "_events/caf\\xe9/2024-12-25-inside.md")]
    assert "byte 0xff" in bad[0]["message"]
    assert graph.report["files_by_kind"] == {"event": 1}
    assert (tmp_path / "out" / "graph.nq").read_text(encoding="utf-8").count(f"<{URL}/events/2024-12-23-good>") > 0
    json.dumps(graph.report)  # (the report is written as UTF-8 JSON: no stray surrogate)

    result = CliRunner().invoke(cli, ["validate", str(root)])
    assert result.exit_code == 1, result.output
    assert "_events/2024-12-24-bad\\xff.md" in result.output and "Traceback" not in result.output
    assert "not valid UTF-8 (byte 0xff)" in result.output


def test_minted_iris_never_crash_on_a_stray_byte(make_site) -> None:
    site = load_site(make_site({}))
    assert site.minted("source", "_events/bad\udcff.md") == URL + "/id/source/_events/bad%FF.md"


# -- 2. slugs --------------------------------------------------------------------------

@pytest.mark.parametrize("text, mode, cased, expected", [
    ("my_post", "default", False, "my-post"),
    ("my_post", "pretty", True, "my_post"),           # pretty keeps ._~!$&'()+,;=@
    ("The _config.yml file", "default", False, "the-config-yml-file"),  # (kg gave the--config-yml-file)
    ("The _config.yml file", "pretty", True, "The-_config.yml-file"),
    ("a__b", "default", False, "a-b"),
    ("trail_", "pretty", False, "trail_"),
    ("-dash-", "default", False, "dash"),
    ("Hello, World!", "pretty", True, "Hello,-World!"),
    ("x~y!z$&'()+,;=@q", "pretty", True, "x~y!z$&'()+,;=@q"),
    ("x~y!z$&'()+,;=@q", "default", False, "x-y-z-q"),
    (unicodedata.normalize("NFD", "Café"), "default", False, "cafe\u0301"),  # marks kept, not normalised
    ("हिन्दी_नाम", "default", False, "हिन्दी-नाम"),  # Devanagari vowel signs are marks (\p{M})
    ("١٢٣_arabic", "default", False, "١٢٣-arabic"),
    ("ǅ title", "default", False, "ǆ-title"),
    ("Café déjà", "ascii", False, "caf-d-j"),
    ("Café déjà", "latin", False, "cafe-deja"),
    ("a  b\tc", "raw", False, "a-b-c"),
    ("Keep It", "none", True, "Keep It"),
])
def test_slugify_is_jekylls(text: str, mode: str, cased: bool, expected: str) -> None:
    assert slugify(text, mode, cased) == expected


NAMES_CONFIG = f"""\
url: {URL}
collections:
  byname: {{output: true, permalink: "/:collection/:name"}}
  bypath: {{output: true}}
  bytitle: {{output: true, permalink: "/:collection/:title_:slug:output_ext"}}
"""

#: file name -> (its URL by `:name`, by the default `:path`, by `:title_:slug:output_ext`)
JEKYLL_URLS = {
    "my_post.md": ("/byname/my-post", "/bypath/my_post.html", "/bytitle/my_post_my-post.html"),
    "the _config.yml file.md": ("/byname/the-config-yml-file", "/bypath/the%20_config.yml%20file.html",
                                "/bytitle/the-_config.yml-file_the-config-yml-file.html"),
    "2024-01-15-my_event.md": ("/byname/2024-01-15-my-event", "/bypath/2024-01-15-my_event.html",
                               "/bytitle/my_event_my-event.html"),  # the date leaves :title in any collection
    "2023-02-21-JRF-discover-workshop.md": ("/byname/2023-02-21-jrf-discover-workshop",
                                            "/bypath/2023-02-21-JRF-discover-workshop.html",
                                            "/bytitle/JRF-discover-workshop_jrf-discover-workshop.html"),
    "24-01-05-two-digit.md": ("/byname/24-01-05-two-digit", "/bypath/24-01-05-two-digit.html",
                              "/bytitle/two-digit_two-digit.html"),
    "UPPER_Case.md": ("/byname/upper-case", "/bypath/UPPER_Case.html", "/bytitle/UPPER_Case_upper-case.html"),
    "Hello, World!.md": ("/byname/hello-world", "/bypath/Hello,%20World!.html",
                         "/bytitle/Hello,-World!_hello-world.html"),
    "x~y!z$&'()+,;=@q.md": ("/byname/x-y-z-q", "/bypath/x~y!z$&'()+,;=@q.html",
                            "/bytitle/x~y!z$&'()+,;=@q_x-y-z-q.html"),
    "a%20b.md": ("/byname/a-20b", "/bypath/a%2520b.html", "/bytitle/a-20b_a-20b.html"),  # % of a name is escaped
    "100%.md": ("/byname/100", "/bypath/100%25.html", "/bytitle/100_100.html"),
    "a#b.md": ("/byname/a-b", "/bypath/a%23b.html", "/bytitle/a-b_a-b.html"),
    "a..b.md": ("/byname/a-b", "/bypath/a/b.html", "/bytitle/a/b_a-b.html"),  # (sanitize_url: ".." is "/")
    "ends..md": ("/byname/ends", "/bypath/ends.html", "/bytitle/ends_ends.html"),
    "-dash-.md": ("/byname/dash", "/bypath/-dash-.html", "/bytitle/dash_dash.html"),
    "b.mdown": ("/byname/b", "/bypath/b.mdown", "/bytitle/b_b.mdown"),  # .mdown is not markdown to Jekyll
    unicodedata.normalize("NFD", "Café.md"): ("/byname/cafe%CC%81", "/bypath/Cafe%CC%81.html",
                                              "/bytitle/Cafe%CC%81_cafe%CC%81.html"),
    "ǅ title.md": ("/byname/%C7%86-title", "/bypath/%C7%85%20title.html", "/bytitle/%C7%85-title_%C7%86-title.html"),
    "हिन्दी_नाम.md": ("/byname/%E0%A4%B9%E0%A4%BF%E0%A4%A8%E0%A5%8D%E0%A4%A6%E0%A5%80-%E0%A4%A8%E0%A4%BE%E0%A4%AE",
                     "/bypath/%E0%A4%B9%E0%A4%BF%E0%A4%A8%E0%A5%8D%E0%A4%A6%E0%A5%80_%E0%A4%A8%E0%A4%BE%E0%A4%AE.html",
                     "/bytitle/%E0%A4%B9%E0%A4%BF%E0%A4%A8%E0%A5%8D%E0%A4%A6%E0%A5%80_%E0%A4%A8%E0%A4%BE%E0%A4%AE_"
                     "%E0%A4%B9%E0%A4%BF%E0%A4%A8%E0%A5%8D%E0%A4%A6%E0%A5%80-%E0%A4%A8%E0%A4%BE%E0%A4%AE.html"),
}


@pytest.fixture
def names_site(tmp_path: Path) -> Site:
    files = {"_config.yml": NAMES_CONFIG}
    for name in JEKYLL_URLS:
        for label in ("byname", "bypath", "bytitle"):
            files[f"_{label}/{name}"] = page()
    return load_site(write(tmp_path / "names", files))


@pytest.mark.parametrize("name", list(JEKYLL_URLS))
def test_page_urls_of_awkward_file_names_are_jekylls(names_site: Site, name: str) -> None:
    got = tuple(url_of(names_site, f"_{label}/{name}")[0] for label in ("byname", "bypath", "bytitle"))
    assert got == JEKYLL_URLS[name]


def test_front_matter_slug_feeds_title_and_slug(make_site) -> None:
    site = load_site(make_site({"_config.yml": NAMES_CONFIG, "_bytitle/x.md": page("slug: My_Own Slug")}))
    assert url_of(site, "_bytitle/x.md")[0] == "/bytitle/My_Own-Slug_my-own-slug.html"


# -- 3. placeholders, styles, dates and time zones ---------------------------------------

ALL_DATES = "/:year/:month/:day/:hour/:minute/:second/:short_day/:long_day/:short_month/:long_month/" \
            ":y_day/:week/:w_year/:w_day/:i_day/:i_month/:short_year/:title"


@pytest.mark.parametrize("timezone, front, expected", [
    # a YAML timestamp is moved into the site's zone (one without an offset is UTC)
    ("America/New_York", "date: 2024-01-01 02:30:00 +01:00",
     "/2023/12/31/20/30/00/Sun/Sunday/Dec/December/365/52/2023/7/31/12/23/x"),
    (None, "date: 2024-01-01 02:30:00 +01:00", "/2024/01/01/01/30/00/Mon/Monday/Jan/January/001/01/2024/1/1/1/24/x"),
    ("America/New_York", "date: 2024-01-01 02:30:00",
     "/2023/12/31/21/30/00/Sun/Sunday/Dec/December/365/52/2023/7/31/12/23/x"),
    (None, "date: 2024-01-01 02:30:00", "/2024/01/01/02/30/00/Mon/Monday/Jan/January/001/01/2024/1/1/1/24/x"),
    # a date alone, or a quoted time without an offset, is the site's own
    ("America/New_York", "date: 2024-01-01", "/2024/01/01/00/00/00/Mon/Monday/Jan/January/001/01/2024/1/1/1/24/x"),
    ("America/New_York", "date: '2024-07-04 10:00'",
     "/2024/07/04/10/00/00/Thu/Thursday/Jul/July/186/27/2024/4/4/7/24/x"),
    ("America/New_York", "date: '2024-07-04T10:00:00+05:00'",
     "/2024/07/04/01/00/00/Thu/Thursday/Jul/July/186/27/2024/4/4/7/24/x"),
    # ISO week-numbering years differ from the calendar's at the turn of the year
    ("America/New_York", "date: 2024-12-30T23:59:59Z",
     "/2024/12/30/18/59/59/Mon/Monday/Dec/December/365/01/2025/1/30/12/24/x"),
    ("America/New_York", "date: 2021-01-03 12:00:00 -05:00",
     "/2021/01/03/12/00/00/Sun/Sunday/Jan/January/003/53/2020/7/3/1/21/x"),
    # a zone Ruby does not know by name is the site's when it is the site's zone's name on
    # 1 January or 1 July, with that day's offset, whatever the season of the date (kg
    # took it as the site's zone on the day: 00:30 GMT, 12 March)
    ("Europe/London", "date: 2020-03-12 00:30 BST",
     "/2020/03/11/23/30/00/Wed/Wednesday/Mar/March/071/11/2020/3/11/3/20/x"),
    ("Europe/London", "date: 12 March 2020 00:30 bst",
     "/2020/03/11/23/30/00/Wed/Wednesday/Mar/March/071/11/2020/3/11/3/20/x"),
    ("Europe/Paris", "date: 2020-07-12 00:30 CET", "/2020/07/12/01/30/00/Sun/Sunday/Jul/July/194/28/2020/7/12/7/20/x"),
    ("Europe/Paris", "date: 2020-01-12 00:30 CEST",
     "/2020/01/11/23/30/00/Sat/Saturday/Jan/January/011/02/2020/6/11/1/20/x"),
    # (another zone's name Ruby does not know is no zone: the site's own)
    ("America/New_York", "date: 2020-03-12 00:30 BST",
     "/2020/03/12/00/30/00/Thu/Thursday/Mar/March/072/11/2020/4/12/3/20/x"),
])
def test_every_date_placeholder_as_jekyll_fills_it(make_site, timezone: str | None, front: str,
                                                   expected: str) -> None:
    """:hour … :y_day were dropped silently (a URL of empty parts), and `timezone:` was ignored."""
    config = f"url: {URL}\n" + (f"timezone: {timezone}\n" if timezone else "") + \
        f"collections:\n  ev:\n    output: true\n    permalink: {ALL_DATES}\n"
    site = load_site(make_site({"_config.yml": config, "_ev/x.md": page(front)}))
    assert url_of(site, "_ev/x.md") == (expected, [])


@pytest.mark.parametrize("name, expected", [
    ("2024-03-05-d.md", "/2024/03/05/00/00/00/Tue/Tuesday/Mar/March/065/10/2024/2/5/3/24/d"),
    ("99-01-05-j.md", "/1999/01/05/00/00/00/Tue/Tuesday/Jan/January/005/01/1999/2/5/1/99/j"),
    ("24-1-5-k.md", "/2024/01/05/00/00/00/Fri/Friday/Jan/January/005/01/2024/5/5/1/24/k"),
    ("2024-02-30-l.md", "/2024/03/01/00/00/00/Fri/Friday/Mar/March/061/09/2024/5/1/3/24/l"),  # Ruby rolls over
])
def test_the_date_of_a_file_name_in_any_collection(make_site, name: str, expected: str) -> None:
    config = f"url: {URL}\ntimezone: America/New_York\ncollections:\n  ev:\n    output: true\n" \
        f"    permalink: {ALL_DATES}\n"
    site = load_site(make_site({"_config.yml": config, f"_ev/{name}": page()}))
    assert url_of(site, f"_ev/{name}") == (expected, [])


@pytest.mark.parametrize("style, post, note", [
    ("date", "/cat/2024/01/02/my_post.html", "/notes/my_note.html"),
    ("pretty", "/cat/2024/01/02/my_post/", "/notes/my_note/"),
    ("ordinal", "/cat/2024/002/my_post.html", "/notes/my_note.html"),
    ("weekdate", "/cat/2024/W01/Tue/my_post.html", "/notes/my_note"),  # (Jekyll adds no suffix for weekdate)
    ("none", "/cat/my_post.html", "/notes/my_note.html"),
    ("/:year/:title/", "/2024/my_post/", "/notes/my_note/"),
    ("/blog/:title:output_ext", "/blog/my_post.html", "/notes/my_note.html"),
])
def test_permalink_styles_for_posts_and_collections(make_site, style: str, post: str, note: str) -> None:
    site = load_site(make_site({
        "_config.yml": f"url: {URL}\npermalink: \"{style}\"\ncollections:\n  notes:\n    output: true\n",
        "_posts/2024-01-02-my_post.md": page("category: Cat"), "_notes/my_note.md": page()}))
    assert url_of(site, "_posts/2024-01-02-my_post.md")[0] == post
    assert url_of(site, "_notes/my_note.md")[0] == note


def test_a_style_name_as_a_collections_permalink_is_the_address_itself(make_site) -> None:
    """Jekyll reads `pretty` as a style only in the site's own `permalink:`."""
    site = load_site(make_site({
        "_config.yml": f"url: {URL}\ncollections:\n  notes:\n    output: true\n    permalink: pretty\n",
        "_notes/a.md": page()}))
    assert url_of(site, "_notes/a.md")[0] == "/pretty"
    assert codes(site) == [("collection-permalink-style", "warning", "_config.yml", 5)]


def test_an_unknown_placeholder_in_config_is_an_error_at_its_line(make_site, tmp_path: Path) -> None:
    """`:titel` was dropped silently (the page at /events/); Jekyll stops the build on it."""
    root = make_site({
        "_config.yml": f"url: {URL}\ncollections:\n  events:\n    output: true\n"
                       "    permalink: /:collection/:titel\n  people:\n    output: true\n",
        "_events/2024-01-01-a.md": page("title: A\ndate: 2024-01-01"),
        "_people/ada.md": page("title: Ada")})
    site = load_site(root)
    assert codes(site) == [("unknown-placeholder", "error", "_config.yml", 5)]
    d = site.diagnostics[0]
    assert d.key == "collections.events.permalink" and "`:titel`" in d.message and "`:title`" in d.hint
    assert url_of(site, "_events/2024-01-01-a.md") == (None, [])  # no address, and said once, in _config.yml
    assert url_of(site, "_people/ada.md")[0] == "/people/ada.html"
    graph = kg.build_site(root, tmp_path / "out")
    assert [(d["code"], d["path"], d["line"]) for d in graph.report["diagnostics"]
            if d["severity"] == "error"] == [("unknown-placeholder", "_config.yml", 5)]


def test_collections_written_as_one_name_is_an_error_at_its_line(make_site) -> None:
    """`collections: events` read no collection and said nothing (a traceback before that)."""
    site = load_site(make_site({"_config.yml": f"url: {URL}\ncollections: events\n",
                                "_events/x.md": page("title: X")}))
    assert codes(site) == [("bad-setting", "error", "_config.yml", 2)]
    assert "`collections:`" in site.diagnostics[0].message and site.diagnostics[0].hint
    assert set(site.collections) == {"posts"}


def test_a_site_permalink_that_is_no_text_is_an_error_and_no_address(make_site) -> None:
    site = load_site(make_site({
        "_config.yml": f"url: {URL}\npermalink: [a]\ncollections:\n  events:\n    output: true\n"
                       "  people:\n    output: true\n    permalink: /:collection/:name\n",
        "_events/x.md": page("title: X"), "_people/ada.md": page("title: Ada"),
        "_posts/2024-01-01-p.md": page("title: P")}))
    assert codes(site) == [("bad-permalink", "error", "_config.yml", 2)]
    assert url_of(site, "_events/x.md")[0] is None and url_of(site, "_posts/2024-01-01-p.md")[0] is None
    assert url_of(site, "_people/ada.md")[0] == "/people/ada"  # its own permalink: unaffected


def test_an_unknown_placeholder_in_front_matter_is_an_error_at_its_line(make_site) -> None:
    site = load_site(make_site({"_events/x.md": page("title: X\npermalink: /talks/:yeer/:title/")}))
    assert url_of(site, "_events/x.md") == (None, [("unknown-placeholder", "error", 3)])


def test_a_placeholder_with_a_trailing_underscore(make_site) -> None:
    site = load_site(make_site({"_events/2024-05-06-x.md": page("permalink: /:year_:month/:title_/")}))
    assert url_of(site, "_events/2024-05-06-x.md")[0] == "/2024_05/x_/"


def test_an_unknown_timezone_is_a_warning_and_utc(make_site) -> None:
    site = load_site(make_site({"_config.yml": f"url: {URL}\ntimezone: Mars/Olympus\n"}))
    assert codes(site) == [("bad-timezone", "warning", "_config.yml", 2)]
    assert site.timezone == dt.timezone.utc


def test_a_date_placeholder_without_a_date_gives_no_address(make_site) -> None:
    """Jekyll would take the time of the build: no address kg could know."""
    site = load_site(make_site({"_events/x.md": page("title: X\npermalink: /:year/:title/")}))
    assert url_of(site, "_events/x.md") == (None, [("no-url-date", "warning", 1)])


def test_a_date_in_a_file_name_jekyll_stops_on(make_site) -> None:
    site = load_site(make_site({"_events/2024-13-05-x.md": page("title: X")}))
    assert url_of(site, "_events/2024-13-05-x.md") == (None, [("bad-name-date", "error", 1)])


def test_categories_of_any_collection(make_site) -> None:
    site = load_site(make_site({
        "_config.yml": f"url: {URL}\ncollections:\n  ev:\n    output: true\n"
                       "    permalink: /:collection/:categories/:slugified_categories/:name\n",
        "_ev/a.md": page("categories: [Foo Bar, baz]"), "_ev/b.md": page("category: x y")}))
    assert url_of(site, "_ev/a.md")[0] == "/ev/foo%20bar/baz/foo-bar/baz/a"
    assert url_of(site, "_ev/b.md")[0] == "/ev/x%20y/x-y/b"


# -- 4. which files are pages ---------------------------------------------------------

PAGES_CONFIG = f"""\
url: {URL}
permalink: /:categories/:year/:month/:day/:slug
exclude: [_ev/skip-me.md, "_ev/old/", "*.tmp.md"]
collections:
  ev:
    output: true
    permalink: /:collection/:categories/:name:output_ext
defaults:
  - scope: {{path: "_ev/special", type: ev}}
    values: {{permalink: "/special/:title/"}}
  - scope: {{path: "", type: ev}}
    values: {{layout: page}}
  - scope: {{path: "_ev/hidden"}}
    values: {{published: false}}
  - scope: {{path: "_ev/g*"}}
    values: {{permalink: "/globbed/:name/"}}
  - scope: {{path: "", type: posts}}
    values: {{category: fromdefault}}
"""
#: file -> (front matter, the URL Jekyll gives it; None: Jekyll reads it but writes no page;
#: "skip": Jekyll does not read it)
PAGES = {
    "_posts/2022-03-11-weeknotes.md": ("category: weeknotes", "/weeknotes/2022/03/11/weeknotes"),
    "_posts/2022-03-12-two.md": ("categories: [Events, News]\ncategory: Extra", "/events/news/extra/2022/03/12/two"),
    "_posts/2022-03-13-three.md": ("categories: a b", "/a/b/fromdefault/2022/03/13/three"),
    "_posts/2022-03-20-none.md": ("title: none", "/fromdefault/2022/03/20/none"),
    "_posts/nodate.md": ("title: n", None),
    "_posts/2022-03-15-unpub.md": ("published: false", None),
    "_posts/2022-03-25-unpub-no.md": ("published: no", None),  # (YAML 1.1 to Jekyll: false)
    "_posts/sub/2022-03-16-sub.md": ("title: s", "/fromdefault/2022/03/16/sub"),
    "news/_posts/2022-03-17-newsy.md": ("title: s", "/news/fromdefault/2022/03/17/newsy"),
    "news/_posts/2022-3-7-short.md": ("categories: [Deep]", "/news/deep/fromdefault/2022/03/07/short"),
    "news/deeper/_posts/2022-03-27-deep.md": ("title: s", "/news/deeper/fromdefault/2022/03/27/deep"),
    "_news2/_posts/2022-03-18-hid.md": ("title: s", "skip"),
    "node_modules/x/_posts/2022-03-18-nm.md": ("title: s", "skip"),
    "_posts/_2022-03-19-underscore.md": ("title: s", "skip"),
    "_ev/a.md": ("categories: [Foo Bar, baz]", "/ev/foo%20bar/baz/a.html"),
    "_ev/skip-me.md": ("title: s", "skip"),
    "_ev/old/x.md": ("title: s", "skip"),
    "_ev/y.tmp.md": ("title: s", "skip"),
    "_ev/_under.md": ("title: s", "skip"),
    "_ev/.dot.md": ("title: s", "skip"),
    "_ev/#hash.md": ("title: s", "skip"),
    "_ev/~tilde.md": ("title: s", "skip"),
    "_ev/_sub/in.md": ("title: s", "skip"),
    "_ev/sub/_in2.md": ("title: s", "skip"),
    "_ev/sub/_x/in3.md": ("title: s", "/ev/in3.html"),  # (only the first folder and the name count)
    "_ev/special/sp_x.md": ("title: s", "/special/sp_x/"),
    "_ev/special/own.md": ("permalink: /own/", "/own/"),
    "_ev/special/nullperm.md": ("permalink:", "/special/nullperm/"),
    "_ev/hidden/h.md": ("title: s", None),
    "_ev/hidden/override.md": ("published: true", "/ev/override.html"),
    "_ev/unpub.md": ("published: false", None),
    "_ev/unpubnull.md": ("published:", None),
    "_ev/globbed-one.md": ("title: s", "/globbed/globbed-one/"),
    "_ev/b.mdown": ("title: mdown", "/ev/b.mdown"),
}


@pytest.fixture
def pages_site(tmp_path: Path) -> Site:
    files = {"_config.yml": PAGES_CONFIG, **{rel: page(front) for rel, (front, _) in PAGES.items()},
             "_ev/page.html": page("title: html"), "_ev/text.txt": page("title: txt"),
             "_ev/static.txt": "no front matter: a static file\n", "_posts/2024-01-02-noext": page("title: n")}
    return load_site(write(tmp_path / "pages", files))


def test_kg_reads_the_files_jekyll_reads(pages_site: Site) -> None:
    read = {pages_site.relpath(p) for _c, p in pages_site.files()}
    assert read == {rel for rel, (_f, url) in PAGES.items() if url != "skip"}


@pytest.mark.parametrize("rel", [rel for rel, (_f, url) in PAGES.items() if url != "skip"])
def test_page_urls_follow_defaults_published_and_posts_folders(pages_site: Site, rel: str) -> None:
    assert url_of(pages_site, rel)[0] == PAGES[rel][1]


def test_what_kg_leaves_out_or_reads_differently_is_said(pages_site: Site) -> None:
    list(pages_site.files())
    said = {(d.path, d.code, d.severity) for d in pages_site.diagnostics}
    assert said == {
        *((rel, "skipped-file", "info") for rel, (_f, url) in PAGES.items()
          if url == "skip" and rel.startswith(("_ev/", "_posts/"))),
        ("_ev/page.html", "not-markdown", "warning"), ("_ev/text.txt", "not-markdown", "warning"),
        ("_posts/2024-01-02-noext", "not-markdown", "warning")}
    exclude = next(d for d in pages_site.diagnostics if d.path == "_ev/old/x.md")
    assert "`exclude:`" in exclude.message
    noext = next(d for d in pages_site.diagnostics if d.path == "_posts/2024-01-02-noext")
    assert "makes no page of this one" in noext.message     # (Jekyll's post reader wants an extension)


@pytest.mark.parametrize("rel, code, severity, line", [
    ("_posts/nodate.md", "not-a-post", "warning", 1),
    ("_posts/2022-03-15-unpub.md", "unpublished", "info", 2),
    ("_posts/2022-03-25-unpub-no.md", "unpublished", "info", 2),
    ("_ev/unpub.md", "unpublished", "info", 2),
    ("_ev/hidden/h.md", "unpublished", "info", 1),
])
def test_a_document_jekyll_writes_no_page_of_is_said_at_its_line(pages_site: Site, rel: str, code: str,
                                                                 severity: str, line: int) -> None:
    assert url_of(pages_site, rel) == (None, [(code, severity, line)])


def test_an_unpublished_page_keeps_its_data_under_an_iri_of_its_own(make_site, tmp_path: Path) -> None:
    root = make_site({"_events/2024-01-01-draft.md": page("title: Draft talk\ndate: 2024-01-01\npublished: false"),
                      "_events/2024-01-02-live.md": page("title: Live talk\ndate: 2024-01-02")})
    graph = kg.build_site(root, tmp_path / "out")
    nq = (tmp_path / "out" / "graph.nq").read_text(encoding="utf-8")
    assert f"<{URL}/events/2024-01-01-draft>" not in nq and f"<{URL}/events/2024-01-02-live>" in nq
    assert f"<{URL}/id/event/events/2024-01-01-draft>" in nq and '"Draft talk"' in nq
    assert [(d["code"], d["line"]) for d in graph.report["diagnostics"]
            if d["path"] == "_events/2024-01-01-draft.md"] == [("unpublished", 4)]


def test_files_of_one_name_in_two_folders_of_a_collection_without_pages_are_two_things(make_site,
                                                                                       tmp_path: Path) -> None:
    """Both were keyed `events/meetup`: the second told apart by its whole file path
    (`/id/event/_events/2024/meetup.md`), the first by neither folder."""
    root = make_site({"_config.yml": f"url: {URL}\ncollections_dir: kept\ncollections:\n  events:\n    output: false\n",
                      "kept/_events/2023/meetup.md": page("title: Meetup\ndate: 2023-05-01"),
                      "kept/_events/2024/Meet Up.md": page("title: Meetup\ndate: 2024-05-01"),
                      "kept/_events/solo.md": page("title: Solo\ndate: 2024-06-01")})
    kg.build_site(root, tmp_path / "out")
    nq = (tmp_path / "out" / "graph.nq").read_text(encoding="utf-8")
    iris = {line.split()[0] for line in nq.splitlines() if line.startswith(f"<{URL}/id/event/")}
    assert iris == {f"<{URL}/id/event/events/2023/meetup>", f"<{URL}/id/event/events/2024/meet-up>",
                    f"<{URL}/id/event/events/solo>"}


def test_an_unreadable_folder_is_a_warning(make_site, monkeypatch: pytest.MonkeyPatch) -> None:
    """(Permissions do not stop root, who runs the tests in CI: the folder is made
    unreadable by making os.scandir fail on it.)"""
    root = make_site({"_events/a.md": page(), "_events/locked/b.md": page()})
    real = os.scandir

    def scandir(path):
        if str(path).endswith("locked"):
            raise PermissionError(13, "Permission denied")
        return real(path)
    monkeypatch.setattr(os, "scandir", scandir)
    site = load_site(root)
    assert [site.relpath(p) for _c, p in site.files()] == ["_events/a.md"]
    assert [(d.code, d.path) for d in site.diagnostics] == [("unreadable-folder", "_events/locked")]
    assert "Permission denied" in site.diagnostics[0].message


# -- the same, against the Jekyll installed here --------------------------------------

#: Prints each document Jekyll reads: collection, path, URL, whether it writes a page.
#: Jekyll 4.3 with Psych 4 refuses `permalink: :collection/:name` unquoted (a Symbol);
#: GitHub Pages reads it as text, and so does this.
JEKYLL_URLS_RB = r'''
require "jekyll"
require "tmpdir"
module Jekyll::Utils
  def self.text(v)
    case v
    when Symbol then ":#{v}"
    when Hash then v.each_with_object({}) { |(k, x), h| h[text(k)] = text(x) }
    when Array then v.map { |x| text(x) }
    else v
    end
  end
  def self.safe_load_yaml(yaml)
    text(Psych.safe_load(yaml, :permitted_classes => [Date, Time, Symbol], aliases: true))
  end
end
Jekyll.logger.log_level = :error
conf = Jekyll.configuration("source" => ARGV[0], "destination" => File.join(Dir.tmpdir, "kg-unwritten"),
                            "quiet" => true, "disable_disk_cache" => true)
conf["plugins"] = []
site = Jekyll::Site.new(conf)
site.reset
site.read
site.collections.each do |label, c|
  c.docs.each { |d| puts [label, d.relative_path, d.url, d.write? ? "write" : "nowrite"].join("\t") }
end
'''


def jekyll_urls(root: Path) -> dict[str, str | None]:
    """Each document Jekyll reads (path from the collections folder) and its URL (None:
    no page written)."""
    if shutil.which("jekyll") is None or shutil.which("ruby") is None:
        pytest.skip("jekyll is not installed (Debian: apt-get install jekyll)")
    proc = subprocess.run(["ruby", "-e", JEKYLL_URLS_RB, str(root)], capture_output=True, text=True,
                          timeout=300, env={**os.environ, "TZ": "UTC"})
    assert proc.returncode == 0, proc.stderr
    out = {}
    for line in proc.stdout.splitlines():
        _label, rest = line.split("\t", 1)
        rel, url, written = rest.rsplit("\t", 2)
        out[rel] = url if written == "write" else None
    return out


def kg_urls(site: Site) -> dict[str, str | None]:
    out = {}
    for coll, path in site.files():
        src = read_file(path, site.relpath(path), post=coll.label == "posts")
        out[path.relative_to(site.collections_root).as_posix()] = \
            site.page_url(coll, path, src.data, src) if src.has_front_matter else None
    return out


def test_page_urls_equal_real_jekylls(tmp_path: Path) -> None:
    """Names, placeholders, dates, defaults, published, posts folders, exclusions: every
    document Jekyll reads has the URL Jekyll gives it (or none where Jekyll writes none),
    and kg reads no other, but for what it reports reading otherwise (non-markdown)."""
    more = NAMES_CONFIG.split("collections:\n", 1)[1] + f"  dates:\n    output: true\n    permalink: {ALL_DATES}\n"
    config = PAGES_CONFIG.replace("defaults:\n", more + "defaults:\n", 1)
    files = {"_config.yml": config, **{rel: page(front) for rel, (front, _) in PAGES.items()},
             "_ev/page.html": page("title: html"), "_posts/2024-01-02-noext": page()}
    for name in JEKYLL_URLS:
        for label in ("byname", "bypath", "bytitle"):
            files[f"_{label}/{name}"] = page()
    for i, front in enumerate(["date: 2024-01-01 02:30:00 +01:00", "date: 2024-01-01 02:30:00",
                               "date: '2024-07-04T10:00:00+05:00'", "date: 2024-12-30T23:59:59Z",
                               # written as sites write them, which Time.parse reads (kg gave no address)
                               "date: September 8, 2014", "date: 2016-03-03 3:00", "date: 2016-03-21 23:00 EDT",
                               "date: 2016-06-17 12:00-400", "date: 2016-07-19 (optional)",
                               "date: 2023-01-29 18:30:22 2023 -0800", "date: 8 Sep 2014", "date: March 2024",
                               "date: Tuesday 5th March 2024, 11pm", "date: 12/05/2024"]):
        files[f"_dates/d{i}.md"] = page(front)
    for name in ("2024-03-05-d.md", "99-01-05-j.md", "24-1-5-k.md", "2024-02-30-l.md"):
        files[f"_dates/{name}"] = page()
    root = write(tmp_path / "site", files)
    jekyll = jekyll_urls(root)
    site = load_site(root)
    ours = kg_urls(site)
    assert set(jekyll) - set(ours) == {"_ev/page.html"}  # (said: see the diagnostics)
    assert {rel: url for rel, url in ours.items() if url is not None and rel not in jekyll} == {}
    assert {rel: ours[rel] for rel in jekyll if rel in ours and ours[rel] != jekyll[rel]} == {}


@pytest.mark.parametrize("timezone", ["Europe/London", "Europe/Paris", "America/New_York"])
def test_zones_named_by_letters_are_read_as_real_jekyll_reads_them(tmp_path: Path, timezone: str) -> None:
    """A zone Ruby knows (EST, GMT), the site's own by its winter or summer name (BST in
    March, CET in July: the name's offset, not the day's), another one (no zone)."""
    dates = ["2020-03-12 00:30 BST", "2020-07-12 00:30 BST", "2020-07-12 00:30 CET", "2020-01-12 00:30 CEST",
             "2020-03-12 00:30 XYZ", "2020-07-12 00:30 EST", "2020-07-12 00:30 GMT", "12 March 2020 00:30 bst"]
    config = f"url: {URL}\ntimezone: {timezone}\ncollections:\n  ev:\n    output: true\n" \
        f"    permalink: {ALL_DATES}\n"
    root = write(tmp_path / "site", {"_config.yml": config,
                                     **{f"_ev/d{i}.md": page(f"date: {d}") for i, d in enumerate(dates)}})
    jekyll = jekyll_urls(root)
    ours = kg_urls(load_site(root))
    assert len(jekyll) == len(dates) and {rel: (ours.get(rel), url) for rel, url in jekyll.items()
                                          if ours.get(rel) != url} == {}


def test_corpus_page_urls_equal_real_jekylls(corpus: Path) -> None:
    """The real site: every page Jekyll writes has the URL Jekyll gives it."""
    jekyll = jekyll_urls(corpus)
    ours = kg_urls(load_site(corpus))
    assert set(ours) == set(jekyll) and len(ours) > 400
    assert {rel: (ours[rel], jekyll[rel]) for rel in jekyll if ours[rel] != jekyll[rel]} == {}


def test_placeholders_are_jekylls_url_drop() -> None:
    """Every placeholder kg fills is a method of Jekyll's URL drop, and the other way round."""
    drop = Path("/usr/share/rubygems-integration/all/gems/jekyll-4.3.1/lib/jekyll/drops/url_drop.rb")
    if not drop.is_file():
        pytest.skip("Jekyll 4.3.1's source is not installed here")
    import re
    text = drop.read_text(encoding="utf-8").split("private", 1)[0]
    methods = set(re.findall(r"^\s+def (\w+)", text, re.M)) | {"output_ext", "path"}
    assert set(URL_PLACEHOLDERS) == methods


# -- 5. settings and values that once stopped kg, and names kg read otherwise ----------

def test_a_date_too_near_year_1_or_9999_for_the_time_zone_is_a_warning_and_no_address(
        make_site, tmp_path: Path) -> None:
    """9999-12-31T23:59:59Z is in the year 10000 in Tokyo (and 0001-01-01T00:00:00+05:00
    before the year 1 in UTC): Python's dates stop there, so kg says it cannot give the
    page its address, and builds the rest."""
    root = make_site({
        "_config.yml": f"url: {URL}\ntimezone: Asia/Tokyo\n"
                       "collections:\n  events:\n    output: true\n    permalink: /:year/:slug/\n",
        "_events/late.md": page("title: Late\ndate: 9999-12-31T23:59:59Z"),
        "_events/early.md": page("title: Early\ndate: 0001-01-01T00:00:00+05:00"),
        "_events/early-text.md": page("title: Early\ndate: '0001-01-01 00:00:00 +05:00'"),
        "_events/fine.md": page("title: Fine\ndate: 2024-12-31T23:59:59Z")})
    site = load_site(root)
    for rel in ("_events/late.md", "_events/early.md", "_events/early-text.md"):
        assert url_of(site, rel) == (None, [("no-url-date", "warning", 3)])
    assert url_of(site, "_events/fine.md") == ("/2025/fine/", [])
    graph = kg.build_site(root, tmp_path / "out")
    said = [d for d in graph.report["diagnostics"] if d["path"] == "_events/late.md"]
    assert [(d["code"], d["line"]) for d in said] == [("no-url-date", 3)]
    assert "too near the year 1 or 9999" in said[0]["message"]


@pytest.mark.parametrize("scope", ["/*", "../*"])
def test_a_defaults_scope_leading_out_of_the_site_takes_in_nothing(make_site, scope: str) -> None:
    """Jekyll globs from the file system's root (or the folder above the site) and finds
    nothing whose path starts a document's; kg does not look there, and does not stop."""
    root = make_site({"_config.yml": f"url: {URL}\ncollections:\n  events:\n    output: true\n"
                                     f"defaults:\n  - scope: {{path: '{scope}'}}\n"
                                     "    values: {permalink: /x/:name/}\n",
                      "_events/a.md": page()})
    site = load_site(root)
    assert url_of(site, "_events/a.md") == ("/events/a.html", [])


def test_a_defaults_glob_scope_lists_no_folder_and_ships_no_file_list(make_site, monkeypatch) -> None:
    """A scope with `*` is matched against each document's path, not by listing the
    site (Jekyll's Dir.glob) once per process and scanning that list for every document:
    that took seconds for 10,000 events, and the list went to every worker process."""
    import pickle
    files = {f"_events/e{i}.md": page() for i in range(600)}
    files["_events/sub/deep.md"] = page()
    root = make_site({"_config.yml": f"url: {URL}\ncollections:\n  events:\n    output: true\n"
                                     "defaults:\n  - scope: {path: '_events/*'}\n    values: {permalink: /x/:name/}\n"
                                     "  - scope: {path: '_events/s*/'}\n    values: {permalink: /s/:name/}\n",
                      **files})
    site = load_site(root)
    listed = list(site.files())

    def no_listing(*args, **kwargs):
        raise AssertionError("the site was listed again")
    monkeypatch.setattr(os, "scandir", no_listing)
    monkeypatch.setattr(os, "listdir", no_listing)
    urls = {site.relpath(path): site.page_url(coll, path, {}) for coll, path in listed}
    assert urls["_events/e7.md"] == "/x/e7/" and urls["_events/sub/deep.md"] == "/s/deep/"
    assert len(pickle.dumps(site)) < 10_000


def test_collections_dir_out_of_the_site_is_read_inside_it_as_jekyll_does(make_site) -> None:
    """Jekyll (Site#in_source_dir) keeps `collections_dir:` inside the site: `/etc` is
    the site's `etc` folder, `../x` its `x` folder; kg never walks the real /etc."""
    for given, folder in (("/etc", "etc"), ("../x", "x"), ("a/../../b", "b"), ("~/h", "~/h")):
        root = make_site({"_config.yml": f"url: {URL}\ncollections_dir: '{given}'\n"
                                         "collections:\n  events:\n    output: true\n",
                          f"{folder}/_events/a.md": page(), f"{folder}/_posts/2024-01-02-p.md": page()})
        site = load_site(root)
        assert site.collections_root == root / folder
        assert sorted(site.relpath(p) for _c, p in site.files()) == [
            f"{folder}/_events/a.md", f"{folder}/_posts/2024-01-02-p.md"]
        assert url_of(site, f"{folder}/_events/a.md") == ("/events/a.html", [])
        assert site.diagnostics == []


@pytest.mark.parametrize("config, line, shown", [
    ("collections:\n  - events\n  - {talks: 1}\n", 3, "{talks: 1}"),
    ("collections:\n  events: {output: true}\n  5: {output: true}\n", 3, "5"),
    ("collections:\n  events: {output: true}\n  ~: {output: true}\n", 3, "null"),
    ("collections_dir: [a]\ncollections:\n  events: {output: true}\n", 1, "[a]"),
])
def test_a_collection_name_or_folder_that_is_no_text_is_an_error_at_its_line(
        make_site, tmp_path: Path, config: str, line: int, shown: str) -> None:
    """Jekyll stops the build on each (undefined method `gsub'/`start_with?'); kg says
    where, and reads the rest."""
    root = make_site({"_config.yml": f"url: {URL}\n{config}", "_events/a.md": page(), "_talks/t.md": page()})
    site = load_site(root)
    assert [(d.code, d.severity, d.path, d.line) for d in site.diagnostics] == [
        ("bad-setting", "error", "_config.yml", line + 1)]
    assert shown in site.diagnostics[0].message
    assert [site.relpath(p) for _c, p in site.files()] == ["_events/a.md"]
    kg.build_site(root, tmp_path / "out")


def test_a_config_that_is_not_utf8_is_a_site_error_at_its_line(make_site) -> None:
    root = make_site({"_config.yml": f"url: {URL}\ntitle: caf\xe9\n".encode("latin-1")})
    with pytest.raises(kg.KgError) as raised:
        load_site(root)
    assert (Path(raised.value.path).name, raised.value.line) == ("_config.yml", 2)
    assert "not valid UTF-8 (byte 0xe9)" in str(raised.value)


@pytest.mark.parametrize("front, url", [
    ("categories: [[a, b], c]", "/%5B%22a%22,%20%22b%22%5D/c/a/b/k/"),
    ("categories: [{a: 1, b: [x, 'y z']}, 5, 1.5, 1.0e+16, true, null, 2024-01-01]",
     "/%7B%22a%22=%3E1,%20%22b%22=%3E%5B%22x%22,%20%22y%20z%22%5D%7D/5/1.5/1.0e+16/true/2024-01-01/k/"),
    ("categories: [a]\ncategory: [[b, [c]], null]", "/a/b/c/k/"),
])
def test_categories_that_are_lists_are_written_as_ruby_writes_them(make_site, front: str, url: str) -> None:
    """A list in a list is a category written as Ruby's `inspect` writes it (never
    Python's repr), and its items are categories too (pluralized_array_from_hash
    flattens): what Jekyll 4.3.1 gives (see the real-Jekyll test below)."""
    root = make_site({"_config.yml": f"url: {URL}\ncollections:\n  events:\n    output: true\n"
                                     "    permalink: /:categories/:name/\n", "_events/k.md": page(front)})
    assert url_of(load_site(root), "_events/k.md") == (url, [])


@pytest.mark.parametrize("front, line", [("categories: {a: 1}", 2), ("categories: 5", 2), ("categories: true", 2)])
def test_categories_neither_text_nor_a_list_are_an_error_and_no_address(make_site, front: str, line: int) -> None:
    """Jekyll cannot read such a file ("no implicit conversion of Hash into Array") and
    writes its page without its front matter, at an address kg cannot know."""
    root = make_site({"_config.yml": f"url: {URL}\ncollections:\n  events:\n    output: true\n"
                                     "    permalink: /:categories/:name/\n", "_events/j.md": page(front)})
    assert url_of(load_site(root), "_events/j.md") == (None, [("bad-categories", "error", line)])


GLOB_SCOPES = {"c1": "_c1/*", "c2": "_c2/**/y.md", "c3": "_c3/*/", "c4": "_c4/[ab]*", "c5": "_c5/{a,c}*",
               "c6": "_c6/?.md", "c7": "/*", "c8": "../*", "c9": "_c9/**/sub", "c10": "_c10/[!a]*",
               "c11": "_c1?/s*"}


def test_defaults_glob_scopes_and_odd_values_equal_real_jekylls(tmp_path: Path) -> None:
    """Scope paths with `*` (matched as Dir.glob: `**/`, `[ab]`, `{a,c}`, `?`, a folder's
    `/`, paths leading out of the site), categories written as lists in lists, dates
    read from file names such as 2024-1-5 and 2023-02-29: as the real Jekyll has them."""
    config = f"url: {URL}\ncollections:\n" + "".join(
        f"  {c}:\n    output: true\n    permalink: /:collection/:path/\n" for c in [*GLOB_SCOPES, "ev"])
    config += "  ev:\n    output: true\n    permalink: /:collection/:categories/:year/:month/:day/:name/\n"
    config = config.replace("  ev:\n    output: true\n    permalink: /:collection/:path/\n", "", 1)
    config += "defaults:\n" + "".join(f"  - scope: {{path: '{scope}'}}\n    values: {{permalink: '/hit/:path/'}}\n"
                                      for scope in GLOB_SCOPES.values())
    files = {"_config.yml": config}
    for c in GLOB_SCOPES:
        for rel in ("a.md", "b.md", "c.md", "ab.md", "x.md", "sub/x.md", "sub/deep/y.md"):
            files[f"_{c}/{rel}"] = page()
    files.update({"_ev/k.md": page("categories: [[a, b], c]\ndate: 2024-01-05"),
                  "_ev/m.md": page("categories: [{a: 1}, 1.5, true, null]\ndate: 2024-01-05"),
                  "_ev/2024-1-5-short.md": page(), "_ev/2023-02-29-leap.md": page(),
                  "_posts/2024-1-5-hello-world.md": page(), "_posts/2023-02-29-leap.md": page()})
    root = write(tmp_path / "site", files)
    jekyll = jekyll_urls(root)
    ours = kg_urls(load_site(root))
    assert set(ours) == set(jekyll)
    assert {rel: (ours[rel], jekyll[rel]) for rel in jekyll if ours[rel] != jekyll[rel]} == {}
    assert sum(1 for url in ours.values() if url and url.startswith("/hit/")) > 20


def test_a_posts_date_and_title_come_from_its_name_as_jekyll_reads_it(make_site) -> None:
    """One reading of dated names for URLs and records alike (kg.site.dated_name):
    `2024-1-5` is 5 January 2024, `2023-02-29` is 1 March 2023, and the title is the
    slug's words capitalised as Ruby capitalises them (Jekyll 4.3.1's titles and dates)."""
    from kg.mapping import load_mapping
    from kg.records import read_records
    root = make_site({
        "_config.yml": f"url: {URL}\n",
        "_posts/2024-1-5-hello-world.md": page(""), "_posts/2023-02-29-leap.md": page(""),
        "_posts/24-1-8-short.md": page(""), "_posts/2024-01-05-hello-WORLD--x.md": page(""),
        "_posts/2024-02-30-titled.md": page("title: Own title\ndate: 2024-02-01")})
    site = load_site(root)
    records = {r.relpath: r for r in read_records(site, load_mapping(), jobs=1)}
    got = {rel: (r.label, [d.isoformat() for d in r.dates], r.url_path) for rel, r in records.items()}
    assert got == {
        "_posts/2024-1-5-hello-world.md": ("Hello World", ["2024-01-05"], "/2024/01/05/hello-world.html"),
        "_posts/2023-02-29-leap.md": ("Leap", ["2023-03-01"], "/2023/03/01/leap.html"),
        "_posts/24-1-8-short.md": ("Short", ["2024-01-08"], "/2024/01/08/short.html"),
        "_posts/2024-01-05-hello-WORLD--x.md": ("Hello World  X", ["2024-01-05"], "/2024/01/05/hello-WORLD-x.html"),
        "_posts/2024-02-30-titled.md": ("Own title", ["2024-02-01"], "/2024/02/01/titled.html")}


@pytest.mark.parametrize("name, written, mismatch", [
    ("2024-1-5-talk.md", "2024-01-05", False),
    ("2024-1-5-talk.md", "2024-01-06", True),
    ("2023-02-29-talk.md", "2023-03-01", False),  # (Jekyll's date of the name)
    ("2024-01-05-talk.md", "2024-01-06", True),
    ("2024-13-05-talk.md", "2024-01-06", False),  # (no date: Jekyll stops on the name, said elsewhere)
])
def test_an_events_date_is_checked_against_its_name_as_jekyll_reads_it(make_site, name: str, written: str,
                                                                         mismatch: bool) -> None:
    from kg.mapping import load_mapping
    from kg.records import read_records
    root = make_site({f"_events/{name}": page(f"title: T\ndate: {written}")})
    [record] = read_records(load_site(root), load_mapping(), jobs=1)
    said = [(d.code, d.line) for d in record.source.diagnostics if d.code == "date-mismatch"]
    assert said == ([("date-mismatch", 3)] if mismatch else [])


# -- 6. what Jekyll makes a page of: posts without front matter, byte order marks, --------
# --    `published:` as text, pages dated in the future (each checked with Jekyll 4.3.1) --

#: A site with each case; `time:` fixes Jekyll's (and kg's) time of the build.
WHAT_IS_A_PAGE_CONFIG = f"""\
url: {URL}
time: 2024-06-01 12:00:00 +00:00
collections:
  events:
    output: true
    permalink: /:collection/:name/
  funders:
    output: false
"""
#: file -> (its text, the URL Jekyll gives it; None: no page, "static": a static file)
WHAT_IS_A_PAGE = {
    "_posts/2024-01-01-no-front-matter.md": ("Just text.\n", "/2024/01/01/no-front-matter.html"),
    "_events/no-front-matter.md": ("Just text.\n", "static"),
    "_funders/no-front-matter.md": ("Just text.\n", "static"),
    "_posts/2024-01-02-bom.md": ("\ufeff" + page("title: Bom post"), "/2024/01/02/bom.html"),
    "_events/bom.md": ("\ufeff" + page("title: Bom event"), "static"),
    "_posts/2024-01-03-quoted-no.md": (page('published: "no"'), "/2024/01/03/quoted-no.html"),
    "_events/quoted-no.md": (page("published: 'no'"), "/events/quoted-no/"),
    "_events/quoted-false.md": (page('published: "false"'), "/events/quoted-false/"),
    "_posts/2024-01-04-plain-no.md": (page("published: no"), None),
    "_events/mixed-case-no.md": (page("published: nO"), None),
    "_events/plain-off.md": (page("published: Off"), None),
    "_events/plain-yes.md": (page("published: yes"), "/events/plain-yes/"),
    "_posts/2024-06-02-future.md": (page("title: Future"), None),
    "_posts/2024-05-31-past.md": (page("title: Past"), "/2024/05/31/past.html"),
    "_events/future.md": (page("date: 2024-06-01 13:00:00 +00:00"), None),
    "_events/2024-06-03-future-name.md": (page("title: Named"), None),
    "_events/past.md": (page("date: 2024-06-01 11:00:00 +00:00"), "/events/past/"),
    "_events/undated.md": (page("title: Undated"), "/events/undated/"),
    "_funders/future.md": (page("date: 2030-01-01"), None),
}


def _what_is_a_page_site(root: Path, config: str = WHAT_IS_A_PAGE_CONFIG) -> Site:
    return load_site(write(root, {"_config.yml": config, **{rel: text for rel, (text, _) in WHAT_IS_A_PAGE.items()}}))


def test_what_jekyll_makes_a_page_of_is_what_kg_gives_an_address(tmp_path: Path) -> None:
    site = _what_is_a_page_site(tmp_path / "site")
    assert kg_urls(site) == {rel: None if url == "static" else url for rel, (_t, url) in WHAT_IS_A_PAGE.items()}


def test_what_jekyll_makes_a_page_of_equals_real_jekylls(tmp_path: Path) -> None:
    """Static files are no documents for Jekyll, nor are unpublished ones; a post dated in
    the future is not read at all, a document dated in the future is read but not written."""
    site = _what_is_a_page_site(tmp_path / "site")
    jekyll = jekyll_urls(site.root)
    not_read = {"_posts/2024-06-02-future.md", "_posts/2024-01-04-plain-no.md", "_events/mixed-case-no.md",
                "_events/plain-off.md"}
    assert set(jekyll) == {rel for rel, (_t, url) in WHAT_IS_A_PAGE.items() if url != "static"} - not_read
    ours = kg_urls(site)
    assert {rel: ours[rel] for rel in jekyll if ours[rel] != jekyll[rel]} == {}


@pytest.mark.parametrize("rel, said", [
    ("_posts/2024-01-01-no-front-matter.md", []),
    ("_events/no-front-matter.md", [("no-front-matter", "warning", 1)]),
    ("_posts/2024-01-02-bom.md", [("bom", "info", 1)]),
    ("_events/bom.md", [("bom", "warning", 1)]),
    ("_posts/2024-01-03-quoted-no.md", [("bad-boolean", "warning", 2)]),
    ("_events/quoted-false.md", [("bad-boolean", "warning", 2)]),
    ("_posts/2024-01-04-plain-no.md", [("unpublished", "info", 2)]),
    ("_events/mixed-case-no.md", [("unpublished", "info", 2)]),
    ("_events/plain-yes.md", []),
    ("_posts/2024-06-02-future.md", [("future-date", "warning", 1)]),
    ("_events/future.md", [("future-date", "warning", 2)]),
    ("_events/2024-06-03-future-name.md", [("future-date", "warning", 1)]),
    ("_funders/future.md", []),  # (no pages at all: nothing to say)
])
def test_why_jekyll_makes_no_page_or_another_than_meant_is_said(tmp_path: Path, rel: str, said: list) -> None:
    site = _what_is_a_page_site(tmp_path / "site")
    assert url_of(site, rel)[1] == said


def test_the_words_for_published_as_text_and_for_a_page_dated_in_the_future(tmp_path: Path) -> None:
    site = _what_is_a_page_site(tmp_path / "site")
    path = site.root / "_events/quoted-false.md"
    src = read_file(path, site.relpath(path))
    site.page_url(site.collections["events"], path, src.data, src)
    [d] = src.diagnostics
    assert d.message == ('`published: "false"` is text, not true or false: Jekyll takes any text for true, '
                         "and publishes the page")
    assert d.hint.startswith("write `published: false` (without quotes)")
    path = site.root / "_events/future.md"
    src = read_file(path, site.relpath(path))
    site.page_url(site.collections["events"], path, src.data, src)
    [d] = src.diagnostics
    assert (d.key, d.value) == ("date", "2024-06-01 13:00:00 +0000")
    assert "after the time of the build" in d.message and "`future: true`" in d.message
    assert "IRI of its own" in d.message and "set `future: true` in _config.yml" in d.hint


def test_a_page_dated_in_the_future_is_a_warning_unless_config_says_future_false(tmp_path: Path) -> None:
    """Jekyll's default is `future: false`, GitHub Pages' `true`: an upcoming event kept
    from its page without a word in the summary (an info) went unseen; said outright, it
    is the site's choice (an info)."""
    def said(config: str) -> tuple[str, str]:
        site = _what_is_a_page_site(tmp_path / str(len(config)), config)
        path = site.root / "_events/future.md"
        src = read_file(path, site.relpath(path))
        site.page_url(site.collections["events"], path, src.data, src)
        [d] = src.diagnostics
        return d.severity, d.message

    severity, message = said(WHAT_IS_A_PAGE_CONFIG)
    assert severity == "warning" and "does not say `future: true` (GitHub Pages does)" in message
    severity, message = said(WHAT_IS_A_PAGE_CONFIG + "future: false\n")
    assert severity == "info" and "says `future: false`" in message


def test_future_true_publishes_what_is_dated_in_the_future(tmp_path: Path) -> None:
    site = _what_is_a_page_site(tmp_path / "site", WHAT_IS_A_PAGE_CONFIG + "future: true\n")
    urls = kg_urls(site)
    assert (urls["_posts/2024-06-02-future.md"], urls["_events/future.md"]) == (
        "/2024/06/02/future.html", "/events/future/")


def test_published_text_in_defaults_is_true_as_in_jekyll(make_site) -> None:
    """`_config.yml` is YAML 1.1 to kg too: `published: no` there is false, `"no"` text."""
    root = make_site({"_config.yml": f"url: {URL}\ncollections:\n  events:\n    output: true\n"
                                     "defaults:\n  - scope: {path: _events/a}\n    values: {published: \"no\"}\n"
                                     "  - scope: {path: _events/b}\n    values: {published: no}\n",
                      "_events/a.md": page(), "_events/b.md": page()})
    site = load_site(root)
    assert url_of(site, "_events/a.md") == ("/events/a.html", [])
    assert url_of(site, "_events/b.md") == (None, [("unpublished", "info", 1)])


def test_posts_without_front_matter_and_pages_dated_in_the_future_in_the_graph(make_site, tmp_path: Path) -> None:
    """A post without front matter is a post, titled and dated by its name; a page Jekyll
    does not write for its date keeps its data under an IRI of its own."""
    root = make_site({"_config.yml": f"url: {URL}\ntime: 2024-06-01\n",
                      "_posts/2024-01-05-hello-world.md": "Hello, world.\n",
                      "_posts/2024-07-01-later.md": page("title: Later")})
    graph = kg.build_site(root, tmp_path / "out")
    nq = (tmp_path / "out" / "graph.nq").read_text(encoding="utf-8")
    post = f"<{URL}/2024/01/05/hello-world.html>"
    assert f'{post} <http://www.w3.org/2000/01/rdf-schema#label> "Hello World"' in nq
    assert f"<{URL}/2024/07/01/later.html>" not in nq and '"Later"' in nq
    assert [(d["path"], d["code"], d["severity"]) for d in graph.report["diagnostics"]
            if d["code"] not in ("absent-collection", "no-events")] == [  # (the mapping's events, people…: not here)
        ("_posts/2024-07-01-later.md", "future-date", "warning")]


def test_a_page_dated_in_the_future_gets_its_address_once_the_date_has_passed(
        make_site, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The cached record of a page dated in the future is not taken again: a rebuild with
    the same files and settings, after the date, gives the page its address."""
    import kg.build
    root = make_site({"_config.yml": f"url: {URL}\n", "_posts/2024-07-01-later.md": page("title: Later"),
                      "_posts/2024-01-01-earlier.md": page("title: Earlier")})
    real = kg.build.load_site
    for now, expected in ((dt.datetime(2024, 6, 1, tzinfo=dt.timezone.utc), False),
                          (dt.datetime(2024, 8, 1, tzinfo=dt.timezone.utc), True)):
        def load(*args, now=now, **kwargs):
            site = real(*args, **kwargs)
            site.time = now
            return site
        monkeypatch.setattr(kg.build, "load_site", load)
        kg.build_site(root, tmp_path / "out")
        nq = (tmp_path / "out" / "graph.nq").read_text(encoding="utf-8")
        assert (f"<{URL}/2024/07/01/later.html>" in nq) is expected
        assert f"<{URL}/2024/01/01/earlier.html>" in nq


# -- 7. a `date:` Jekyll stops the build on ---------------------------------------------

@pytest.mark.parametrize("front, shown, hint", [
    ("date: 2024-13-01", "`date: 2024-13-01` is not a date", "there is no month 13"),
    ("date: '2024-02-32'", "`date: 2024-02-32` is not a date", "February 2024 has 29 days"),
    ("date: 2024-00-10 10:00:00", "`date: 2024-00-10 10:00:00` is not a date", "there is no month 00"),
    ("date:", "`date:` has no value", "write the date, `date: YYYY-MM-DD`, or delete the `date:` line"),
    ("date: true", "`date: true` is not a date", "write the date"),
], ids=["month", "day", "time", "empty", "boolean"])
def test_a_date_jekyll_stops_on_is_an_error_at_its_line_and_no_address(make_site, front: str, shown: str,
                                                                       hint: str) -> None:
    root = make_site({"_events/2024-01-05-talk.md": page(f"title: T\n{front}")})
    site = load_site(root)
    path = root / "_events/2024-01-05-talk.md"
    src = read_file(path, site.relpath(path))
    assert site.page_url(site.collections["events"], path, src.data, src) is None
    [d] = [d for d in src.diagnostics if d.code == "invalid-date"]
    assert (d.severity, d.line, d.key) == ("error", 3, "date")
    assert d.message.startswith(shown + ": Jekyll stops the build on it (\"Invalid date '")
    assert d.message.endswith("so kg gives the page no address") and hint in d.hint


def test_a_date_jekyll_stops_on_is_said_once_in_the_build(make_site, tmp_path: Path) -> None:
    """The build's report has the error, not also a bad-date warning for the same line;
    the value is still kept."""
    root = make_site({"_events/2024-01-05-talk.md": page("title: T\ndate: 2024-13-01")})
    graph = kg.build_site(root, tmp_path / "g")
    said = [(d["code"], d["line"]) for d in graph.report["diagnostics"] if d["path"] == "_events/2024-01-05-talk.md"]
    assert said.count(("invalid-date", 3)) == 1 and not any(code == "bad-date" for code, _ in said), said
    assert "2024-13-01" in (tmp_path / "g" / "graph.nq").read_text()


def test_a_date_jekyll_reads_is_no_error(make_site) -> None:
    """2024-02-30 is 1 March to Jekyll (Ruby's Time.parse); text kg cannot read is said
    only where kg needs the date (no-url-date)."""
    root = make_site({"_events/a.md": page("date: 2024-02-30"), "_events/b.md": page("date: March 5, 2024")})
    site = load_site(root)
    assert url_of(site, "_events/a.md") == ("/events/a", [])
    assert url_of(site, "_events/b.md") == ("/events/b", [])


def test_a_date_in_defaults_jekyll_stops_on_is_an_error(make_site) -> None:
    root = make_site({"_config.yml": f"url: {URL}\ncollections:\n  events:\n    output: true\n"
                                     "defaults:\n  - scope: {path: ''}\n    values: {date: '2024-13-01'}\n",
                      "_events/a.md": page(), "_events/b.md": page("date: 2024-01-01")})
    site = load_site(root)
    assert url_of(site, "_events/a.md") == (None, [("invalid-date", "error", 1)])
    assert url_of(site, "_events/b.md") == ("/events/b.html", [])


STOPS_RB = r'''
require "jekyll"
Jekyll.logger.log_level = :error
conf = Jekyll.configuration("source" => ARGV[0], "destination" => ARGV[1], "quiet" => true)
site = Jekyll::Site.new(conf)
site.reset
site.read
'''


@pytest.mark.parametrize("value, stops", [
    ("2024-13-01", True), ("'2024-02-32'", True), ("", True), ("true", True), ("2024-00-10 10:00:00", True),
    ("2024-02-30", False), ("March 5, 2024", False), ("10:00", True), ("'10:00'", False), ("10:00.5", True),
    ("10:5", False)])
def test_the_dates_kg_says_jekyll_stops_on_are_those_it_stops_on(tmp_path: Path, value: str, stops: bool) -> None:
    if shutil.which("jekyll") is None or shutil.which("ruby") is None:
        pytest.skip("jekyll is not installed (Debian: apt-get install jekyll)")
    root = write(tmp_path / "site", {"_config.yml": f"url: {URL}\ncollections:\n  events:\n    output: true\n",
                                     "_events/a.md": page(f"date: {value}")})
    proc = subprocess.run(["ruby", "-e", STOPS_RB, str(root), str(tmp_path / "out")], capture_output=True,
                          text=True, timeout=300, env={**os.environ, "TZ": "UTC"})
    assert (proc.returncode != 0 and "Invalid date" in proc.stderr) is stops, proc.stderr
    assert any(d[0] == "invalid-date" for d in url_of(load_site(root), "_events/a.md")[1]) is stops


# `date:` as written in the front matter, whether Jekyll 4.3.1 stops the build on it (read
# with Jekyll itself, in a site whose `timezone:` is Europe/London), and what kg's hint says.
# Jekyll reads the value as text (a YAML number too) with Ruby's Time.parse.
DATES = [
    ("TBC", True, "Jekyll finds no day in it"),
    ("tomorrow", True, "Jekyll finds no day in it"),
    ("Monday", True, "Jekyll finds no day in it"),  # (a day of the week is no date to Time.parse)
    ("''", True, "write the date, `date: YYYY-MM-DD`, or delete the `date:` line"),
    ("2024", True, "`date: 2024-MM-DD`"),  # (a YAML number: Ruby reads "2024" as month 20, day 24)
    ("0x7E8", True, "`date: 2024-MM-DD`"),  # (2024 too)
    ("2024-03", True, "`date: 2024-03-DD`"),
    ("Spring 2024", True, "`date: 2024-MM-DD`"),
    ("2024-W05", True, "Jekyll finds no day in it"),
    ("2024-13-01", True, "there is no month 13"),
    ("2024-01-18 25:99", True, "the hour 25 in it"),
    ("2024-01-18 24:30", True, "the hour 24 in it, with minutes"),  # (24:00 is the next midnight)
    ("2024-01-18 10:61", True, "the minute 61 in it"),
    ("2024-01-18T10:00:00+25:00", True, "the time zone offset +25:00 is a day or more"),
    ("2024-01-18 10:00 +2400", True, "the time zone offset +2400 is a day or more"),
    ("'2023-366'", True, "day 366 of a year"),  # (2023 has 365)
    ("'2024-01-05 " + "x" * 120 + "'", True, "at most 128 bytes"),
    ("March 2024", False, None),  # (1 March)
    ("14/02/2024", False, None),
    ("2024-02-30", False, None),  # (1 March)
    ("2024-01-18 10:00:60", False, None),  # (10:01)
    ("2024-01-18 24:00", False, None),
    ("2024-1-5", False, None),
    ("5 Jan 2024", False, None),
    ("March 5, 2024", False, None),
    ("2024/01/05", False, None),
    ("20240105", False, None),  # (a YAML number, "20240105")
    ("1231", False, None),  # (a YAML number: 31 December of the year of the build)
    ("Jan", False, None),  # (1 January of the year of the build)
    ("'2024-366'", False, None),  # (31 December)
    ("2024-02-14 10:00 BST", False, None),
    ("2024-02-14 10:00 CEST", False, None),
    ("'10:00'", False, None),  # (today at 10)
    # an hour past 23 in a zone Ruby knows only as the site's: with `timezone: Europe/London`
    # it is 2024-01-19 00:00 (it stops a site in UTC); kg cannot tell which, and says nothing
    ("2024-01-18 25:00 BST", False, None),
    # Jekyll's YAML (1.1) reads a plain 10:00 as the number 36000 (day 0 of the year 2036),
    # kg's (1.2) as text: kg reads it again as Jekyll does
    ("10:00", True, "write the day with the time, `date: YYYY-MM-DD 10:00`"),
    ("1:30:00", True, "`date: YYYY-MM-DD 1:30:00`"),  # (5400)
    ("10:00.5", True, "`date: YYYY-MM-DD 10:00.5`"),  # (36030.0)
    ("10:5", False, None),  # (36300: 26 October 2036)
]


@pytest.mark.parametrize("value, stops, hint", DATES)
def test_a_date_is_an_error_exactly_when_jekyll_stops_on_it(make_site, value: str, stops: bool,
                                                             hint: str | None) -> None:
    root = make_site({"_events/a.md": page(f"title: T\ndate: {value}")})
    site = load_site(root)
    path = root / "_events/a.md"
    src = read_file(path, site.relpath(path))
    url = site.page_url(site.collections["events"], path, src.data, src)
    said = [d for d in src.diagnostics if d.code == "invalid-date"]
    assert bool(said) is stops, [(d.message, d.hint) for d in said]
    assert (url is None) is stops
    if stops:
        assert (said[0].severity, said[0].line) == ("error", 3)
        assert hint in said[0].hint, said[0].hint


BULK_RB = r'''
require "jekyll"
Jekyll.logger.log_level = :error
ARGV.each do |root|
  conf = Jekyll.configuration("source" => root, "destination" => File.join(root, "_site"), "quiet" => true)
  site = Jekyll::Site.new(conf)
  site.reset
  begin
    site.read
    puts "reads"
  rescue Jekyll::Errors::InvalidDateError
    puts "stops"
  end
end
'''


def test_the_dates_of_the_table_are_those_jekyll_stops_on(tmp_path: Path) -> None:
    """Every row of DATES against the Jekyll installed here, in one Ruby (skipped without)."""
    if shutil.which("jekyll") is None or shutil.which("ruby") is None:
        pytest.skip("jekyll is not installed (Debian: apt-get install jekyll)")
    rows = [row.values if hasattr(row, "values") else row for row in DATES]
    roots = []
    for i, (value, _, _) in enumerate(rows):
        roots.append(str(write(tmp_path / f"s{i}", {
            "_config.yml": f"url: {URL}\ntimezone: Europe/London\ncollections:\n  events:\n    output: true\n",
            "_events/a.md": page(f"title: T\ndate: {value}")})))
    proc = subprocess.run(["ruby", "-e", BULK_RB, *roots], capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    said = proc.stdout.split()
    assert [(value, "stops" if stops else "reads") for value, stops, _ in rows] == list(zip(
        [value for value, _, _ in rows], said))


def _fuzzed_dates(count: int) -> list[str]:
    """Text made of pieces of dates, times, zones and words, as Ruby's parsers read them."""
    import random
    pieces = ["2024", "1999", "69", "7", "09", "12", "13", "24", "25", "31", "32", "00", "60", "61", "99",
              "365", "366", "367", "20240105", "240105", "2401051030", "20240105T1030", "1231", "12345", "1234567",
              "12:30", "23:59:60", "24:00", "10:00:00.123", ",5", "Jan", "March", "Sept.", "Thursday", "Wed",
              "-", "--", "/", ".", ":", " ", " ", ",", "T", "Z", "+", "'", "[", "]", "_", "am", " pm", "p.m.",
              "h", "m", "s", "1st", "3rd", "th", "BC", "b.c.", "ce", "W05", "-w-3", "--0214", "H31.01.05",
              "[+09:00]", "[-5:EST]", "+05:30", "+0530", "-08", "+25:00", "+2400", "+123", "GMT+1", "utc-5",
              "UTC", "EST", "BST", "CEST", "XYZ", "Eastern Standard Time", "EST dst", "K", "TBC", "Spring",
              "tomorrow", "Marketing", "é", "日", "٣", "²"]
    rng = random.Random(2024)
    return ["".join(rng.choice(pieces) for _ in range(rng.randint(1, 9))) for _ in range(count)]


def test_kgs_reading_of_time_parse_is_rubys(tmp_path: Path) -> None:
    """kg.site's Time.parse (over its Date._parse) takes and refuses the same text as
    Ruby's, over thousands of texts made of pieces of dates (skipped without Ruby)."""
    from kg.rubytime import time_problem
    if shutil.which("ruby") is None:
        pytest.skip("ruby is not installed")
    texts = _fuzzed_dates(4000) + ["x" * 128, "2024-01-05" + " " * 119]
    script = ('require "time"; require "json"; STDIN.each_line { |l| '
              'puts((Time.parse(JSON.parse(l)) rescue "stops") == "stops" ? "stops" : "reads") }')
    proc = subprocess.run(["ruby", "-e", script], input="\n".join(json.dumps(t) for t in texts) + "\n",
                          capture_output=True, text=True, timeout=300, env={**os.environ, "TZ": "UTC"})
    assert proc.returncode == 0, proc.stderr
    now = dt.datetime.now(dt.timezone.utc)
    at = (now.year, now.month, now.day, now.hour, now.minute, now.second)
    kg_says = ["stops" if time_problem(t, at) is not None else "reads" for t in texts]
    differ = [(t, r, k) for t, r, k in zip(texts, proc.stdout.split(), kg_says) if r != k]
    assert differ == [] and len(kg_says) == len(proc.stdout.split())


# -- 8. a collections folder that does not exist ----------------------------------------

def test_a_collections_dir_that_does_not_exist_is_said_at_its_line(make_site) -> None:
    """Jekyll reads no collection and no post then, without a word (Jekyll 4.3.1)."""
    root = make_site({"_config.yml": f"url: {URL}\ntitle: T\ncollections_dir: my_collections\n"
                                     "collections:\n  events:\n    output: true\n",
                      "_events/a.md": page(), "_posts/2024-01-01-p.md": page()})
    site = load_site(root)
    assert list(site.files()) == []
    [d] = site.diagnostics
    assert (d.code, d.severity, d.path, d.line, d.key) == ("missing-collections-dir", "warning", "_config.yml", 3,
                                                          "collections_dir")
    assert d.message == ("the collections folder `collections_dir:` names, my_collections/, does not exist: "
                         "Jekyll reads no collection and no post, without a word, and kg reads none either")
    assert d.hint == ("the collection folders (`_events`, `_posts`) are in the site's own folder: delete the "
                      "`collections_dir:` line, or move them into my_collections/")
    (root / "_events").rename(root / "_elsewhere")
    (root / "_posts").rename(root / "_elsewhere2")
    assert load_site(root).diagnostics[0].hint.startswith("create the folder my_collections/")


def test_a_time_kg_cannot_read_is_a_warning_where_it_matters(make_site) -> None:
    """`time:` sets Jekyll's time of the build, which only pages dated in the future need."""
    config = f"url: {URL}\ncollections:\n  events:\n    output: true\ntime: soon\n"
    site = load_site(make_site({"_config.yml": config}))
    assert [(d.code, d.severity, d.line, d.key) for d in site.diagnostics] == [
        ("bad-setting", "warning", 5, "time")]
    assert site.diagnostics[0].message.startswith("kg cannot read `time: soon` as Jekyll's Time.parse would: "
                                                  "kg takes the time it is run")
    assert load_site(make_site({"_config.yml": config + "future: true\n"})).diagnostics == []


# -- 9. which folders Jekyll publishes, and its output folder ------------------------------
# kg refuses to write a graph where Jekyll would copy it into the site, or clear it away
# (kg.build.check_out_folder). Each folder below holds a `graph.nq`; True: Jekyll 4.3.1
# copies it into the site it makes (checked by test_published_folders_equal_real_jekylls).

PUBLISHING_CONFIG = (f"url: {URL}\n"
                     "collections:\n  events:\n    output: true\n  notes:\n    output: false\n"
                     "  talks:\n    output: true\n    permalink: /:collection/:name\n"
                     "exclude: [_events/gx, skipped]\ninclude: [_inc]\n")
PUBLISHED_FOLDERS = {
    "": {"graphs": True, "assets/kg": True, "_graphs": False, ".kg/g": False, "skipped/g": False,
         "_inc/g": True, "old~/g": False,
         # a collection with output: true copies its files, but from a first folder starting `_ . # ~`
         "_events": True, "_events/g": True, "_events/g/_x": True, "_events/g2/.hidden": True,
         "_events/_g": False, "_events/.g": False, "_events/gx": False,
         "_notes/g": False, "_talks/g": True, "_posts/g": False, "_site/kg": False},
    # (a collection's `exclude:` is matched from its own folder's name, collections_dir or not)
    "collections_dir: content\n": {
        "content/g": True, "content/_events/g": True, "content/_events/_g": False, "content/_events/gx": False,
        "content/_notes/g": False, "_events/g": False, "content/_talks/g": True},
}


def _publishing_site(root: Path, extra: str) -> Site:
    folders = PUBLISHED_FOLDERS[extra]
    return load_site(write(root, {"_config.yml": PUBLISHING_CONFIG + extra,
                                  **{f"{folder}/graph.nq": f"{folder}\n" for folder in folders}}))


@pytest.mark.parametrize("extra", list(PUBLISHED_FOLDERS))
def test_the_folders_jekyll_publishes(tmp_path: Path, extra: str) -> None:
    site = _publishing_site(tmp_path / "site", extra)
    assert {folder: site.publishes(site.root / folder) is not None
            for folder in PUBLISHED_FOLDERS[extra]} == PUBLISHED_FOLDERS[extra]
    assert site.publishes(site.root / "_events" / "g") == ("_events/g" if not extra else None)


def jekyll_build(root: Path) -> None:
    """Run `jekyll build` in the site's folder, as a site's own build is run."""
    if shutil.which("jekyll") is None:
        pytest.skip("jekyll is not installed (Debian: apt-get install jekyll)")
    proc = subprocess.run(["jekyll", "build", "--disable-disk-cache"], cwd=root, capture_output=True, text=True,
                          timeout=300)
    assert proc.returncode == 0, proc.stdout + proc.stderr


@pytest.mark.parametrize("extra", list(PUBLISHED_FOLDERS))
def test_published_folders_equal_real_jekylls(tmp_path: Path, extra: str) -> None:
    """Run in the site's folder, as a site's own `jekyll build` is."""
    site = _publishing_site(tmp_path / "site", extra)
    jekyll_build(site.root)
    copied = {p.read_text(encoding="utf-8").strip() for p in (site.root / "_site").rglob("graph.nq")}
    assert copied == {folder for folder in PUBLISHED_FOLDERS[extra] if site.publishes(site.root / folder)}


#: Folders of graphs in or beside Jekyll's output folder, for each `destination:`:
#: whether they are in it, and whether `keep_files: [kept]` keeps them there.
DESTINATIONS = {
    "": {"_site/kg": (True, False), "_site/kept": (True, True), "_site/kept/deeper": (True, True),
         "_site/keptx/g": (True, True), "_site": (True, False), "public/kg": (False, False)},
    "destination: public\n": {"public/kg": (True, False), "public/kept": (True, True), "_site/kg": (False, False)},
}


def _destination_site(root: Path, extra: str) -> Site:
    return load_site(write(root, {"_config.yml": f"url: {URL}\nkeep_files: [kept]\n{extra}",
                                  **{f"{folder}/graph.nq": f"{folder}\n" for folder in DESTINATIONS[extra]}}))


@pytest.mark.parametrize("extra", list(DESTINATIONS))
def test_jekylls_output_folder_and_what_it_keeps(tmp_path: Path, extra: str) -> None:
    site = _destination_site(tmp_path / "site", extra)
    assert {folder: (site.in_destination(site.root / folder), site.keeps(site.root / folder))
            for folder in DESTINATIONS[extra]} == DESTINATIONS[extra]
    assert all(site.publishes(site.root / folder) is None for folder, (inside, _) in DESTINATIONS[extra].items()
               if inside)


@pytest.mark.parametrize("extra", list(DESTINATIONS))
def test_jekylls_output_folder_equals_real_jekylls(tmp_path: Path, extra: str) -> None:
    """Jekyll deletes from its output folder what it did not write there but for what
    `keep_files:` names, and never reads that folder as the site's own files (a `public/`
    destination is not copied into itself)."""
    site = _destination_site(tmp_path / "site", extra)
    jekyll_build(site.root)
    left = {folder for folder in DESTINATIONS[extra] if (site.root / folder / "graph.nq").is_file()}
    assert left == {folder for folder in DESTINATIONS[extra]
                    if not site.in_destination(site.root / folder) or site.keeps(site.root / folder)}
    out = site.destination
    assert out is not None and {p.read_text(encoding="utf-8").strip() for p in out.rglob("graph.nq")} == {
        folder for folder in left if site.in_destination(site.root / folder)} | {
        folder for folder in DESTINATIONS[extra] if site.publishes(site.root / folder)}
