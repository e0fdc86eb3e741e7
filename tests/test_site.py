"""kg.site: _config.yml, collections, permalinks and base URL, as Jekyll has them."""
import re
from pathlib import Path

import pytest

from kg.errors import SiteError
from kg.site import load_site, slugify


def test_fixture_site_collections_and_base(tiny_site: Path) -> None:
    site = load_site(tiny_site)
    assert site.base_url == "https://tiny.example.org"
    assert site.collections["events"].output is True
    assert site.collections["funders"].output is False
    assert site.collections["events"].permalink == ":collection/:name"


def test_page_url_follows_collection_permalink(tiny_site: Path) -> None:
    site = load_site(tiny_site)
    coll = site.collections["events"]
    path = coll.directory / "2024-03-05-ada-talk.md"
    assert site.iri(site.page_url(coll, path, {})) == "https://tiny.example.org/events/2024-03-05-ada-talk"


def test_collection_without_output_has_no_page(tiny_site: Path) -> None:
    site = load_site(tiny_site)
    coll = site.collections["funders"]
    assert site.page_url(coll, coll.directory / "example-fund.md", {}) is None


def test_base_url_from_cname_when_config_url_is_empty(make_site) -> None:
    root = make_site({"_config.yml": "url: ''\n", "CNAME": "www.example.net\n"})
    assert load_site(root).base_url == "https://www.example.net"


def test_base_url_option_wins(make_site) -> None:
    root = make_site({})
    assert load_site(root, base_url="http://localhost:4000").base_url == "http://localhost:4000"


def test_no_base_url_is_a_clear_error(make_site) -> None:
    root = make_site({"_config.yml": "title: x\n"})
    with pytest.raises(SiteError, match="no base URL") as info:
        load_site(root)
    assert "--base-url" in str(info.value)


@pytest.mark.parametrize("config, option, where, says", [
    ("url: https://x.org/#top\n", None, "_config.yml", "query or a fragment"),
    ("url: [https://x.org]\n", None, "_config.yml", "as text"),
    ("url: https://x.org\nbaseurl: /my blog\n", None, "_config.yml", "not a URL path"),
    ("title: x\n", "https://x.org/a?b=1", None, "from --base-url"),
    ("title: x\n", "ftp://x.org", None, "http(s) address"),
    ("title: x\n", "https://[nope]/", None, "http(s) address"),
])
def test_a_base_url_no_iri_can_start_with_is_refused_up_front(make_site, config, option, where, says) -> None:
    """Every IRI starts with the base URL: a bad one must stop the build before anything is
    written, naming where it came from (it used to fail late, writing the store)."""
    root = make_site({"_config.yml": config})
    with pytest.raises(SiteError, match=re.escape(says)) as info:
        load_site(root, base_url=option)
    assert (Path(info.value.path).name == where) if where else info.value.path is None


def test_a_cname_with_a_fragment_names_the_cname_file(make_site) -> None:
    root = make_site({"_config.yml": "title: x\n", "CNAME": "x.org#a\n"})
    with pytest.raises(SiteError, match="from CNAME") as info:
        load_site(root)
    assert Path(info.value.path).name == "CNAME"


def test_broken_config_names_file_and_line(make_site) -> None:
    root = make_site({"_config.yml": "url: https://x.org\ncollections: [a\n"})
    with pytest.raises(SiteError) as info:
        load_site(root)
    assert "_config.yml:" in str(info.value) and info.value.line is not None


def test_posts_use_the_global_permalink_style(make_site) -> None:
    root = make_site({"_config.yml": "url: https://x.org\npermalink: /:categories/:year/:month/:day/:slug\n"})
    site = load_site(root)
    coll = site.collections["posts"]
    url = site.page_url(coll, coll.directory / "2022-03-11-weeknotes.md", {"category": "weeknotes"})
    assert url == "/weeknotes/2022/03/11/weeknotes"


def test_default_collection_permalink_uses_path_and_extension(make_site) -> None:
    root = make_site({"_config.yml": "url: https://x.org\ncollections:\n  notes:\n    output: true\n"})
    site = load_site(root)
    coll = site.collections["notes"]
    assert site.page_url(coll, coll.directory / "a" / "b.md", {}) == "/notes/a/b.html"


def test_front_matter_permalink_overrides(tiny_site: Path) -> None:
    site = load_site(tiny_site)
    coll = site.collections["events"]
    assert site.page_url(coll, coll.directory / "x.md", {"permalink": "/special/"}) == "/special/"


def test_a_percent_sign_that_starts_no_escape_is_escaped_in_a_page_url(tiny_site: Path) -> None:
    """``permalink: 100%`` is served at ``/100%25`` (a page IRI must be a valid IRI);
    an escape already written stays as it is."""
    import pyoxigraph as ox
    site = load_site(tiny_site)
    coll = site.collections["events"]
    assert site.page_url(coll, coll.directory / "x.md", {"permalink": "/100%"}) == "/100%25"
    assert site.page_url(coll, coll.directory / "x.md", {"permalink": "/a%20b%zz"}) == "/a%20b%25zz"
    ox.NamedNode(site.iri(site.page_url(coll, coll.directory / "x.md", {"permalink": "/100%"})))


@pytest.mark.parametrize("text,expected", [
    ("2023-02-21-JRF-discover-workshop", "2023-02-21-jrf-discover-workshop"),
    ("Hello, World!", "hello-world"),
    ("  spaced  out ", "spaced-out"),
    ("Café déjà", "café-déjà"),
])
def test_slugify_like_jekyll(text: str, expected: str) -> None:
    assert slugify(text) == expected


def test_a_protocol_relative_url_gets_https(make_site) -> None:
    assert load_site(make_site({"_config.yml": "url: //www.example.net\n"})).base_url == "https://www.example.net"


def test_a_collections_files_are_listed_as_sorted_rglob_lists_them(tmp_path: Path) -> None:
    """Site.files lists a collection's files with os.scandir (no stat per file): the
    markdown files Jekyll reads, in the order sorting pathlib's rglob would give: nested
    folders, a folder name that sorts before '/' as text but after as a path part,
    upper-case and other markdown endings, a linked file, not a broken link, nor a linked
    folder (not entered), nor the names Jekyll does not read (starting with a dot)."""
    import os

    from kg.site import MARKDOWN_EXTENSIONS
    root = tmp_path / "site"
    d = root / "_events"
    for rel in ("a.md", "b.MD", "c.txt", ".hidden.md", ".md", "..md", "...markdown", "x.md.", "x.markdown", "a/z.md",
                "a-b/y.md", "a/deep/er/w.mkd", "a.b/v.md", "Z.md"):
        (d / rel).parent.mkdir(parents=True, exist_ok=True)
        (d / rel).write_text("---\ntitle: t\n---\n")
    (root / "_config.yml").write_text("url: https://x.example.org\ncollections:\n  events: {output: true}\n")
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    (outside / "o.md").write_text("x")
    os.symlink(outside / "o.md", d / "linked.md")
    os.symlink(tmp_path / "gone.md", d / "broken.md")
    os.symlink(outside, d / "linked-folder")
    expected = [p for p in sorted(d.rglob("*")) if p.is_file() and p.suffix.lower() in MARKDOWN_EXTENSIONS
                and not p.name.startswith(".")]
    site = load_site(root)
    assert [p for _c, p in site.files(["events"])] == expected
    assert d / "linked.md" in expected and d / "a.b" / "v.md" in expected
    assert not any("linked-folder" in str(p) for p in expected)


# -- what _config.yml says, in the order kg checks it ----------------------------------

_EVERY_SETTING_WRONG = """url: https://x.org
timezone: Mars/Olympus
time: not a time
exclude: foo.md
include: 3
defaults:
  - scope: {path: '', type: post}
    values: {permalink: /:titel/}
  - values: 3
  - scope: {type: page}
    values: {permalink: [a]}
collections_dir: 3
collections:
  events:
    permalink: pretty
  people:
    permalink: 5
  3: {}
permalink: {a: 1}
"""


@pytest.mark.parametrize("config, folders, expected", [
    (_EVERY_SETTING_WRONG, [], [
        ("bad-timezone", "warning", 2, "timezone", "Mars/Olympus"),
        ("bad-setting", "warning", 3, "time", "not a time"),
        ("bad-setting", "error", 4, "exclude", "foo.md"),
        ("bad-setting", "error", 5, "include", "3"),
        ("unknown-placeholder", "error", 8, "defaults.0.values.permalink", "/:titel/"),
        ("bad-default", "warning", 9, "defaults.1", None),
        ("bad-permalink", "error", 11, "defaults.2.values.permalink", "['a']"),
        ("bad-setting", "error", 12, "collections_dir", "3"),
        ("bad-setting", "error", 18, "collections.3", "3"),
        ("bad-permalink", "error", 19, "permalink", "{'a': 1}"),
        ("collection-permalink-style", "warning", 15, "collections.events.permalink", None),
        ("bad-permalink", "error", 17, "collections.people.permalink", "5"),
    ]),
    ("url: https://x.org\ntimezone: Europe/London\nfuture: false\ntime: 2024-05-01 12:00:00 +00:00\n"
     "defaults: 3\ncollections_dir: nowhere\ncollections: [events, 4]\npermalink: /:year/:titel/\n", ["_events"], [
        ("bad-default", "warning", 5, "defaults", None),
        ("missing-collections-dir", "warning", 6, "collections_dir", "nowhere"),
        ("bad-setting", "error", 7, "collections.1", "4"),
        ("unknown-placeholder", "error", 8, "permalink", "/:year/:titel/"),
    ]),
    ("url: https://x.org\nfuture: true\ntime: garbage\ndefaults:\n  - scope: {type: draft, path: drafts}\n"
     "    values: {layout: x, permalink: false}\ncollections_dir: nowhere\ncollections: 5\npermalink: 7\n", [], [
        ("missing-collections-dir", "warning", 7, "collections_dir", "nowhere"),
        ("bad-setting", "error", 8, "collections", "5"),
        ("bad-permalink", "error", 9, "permalink", "7"),
    ]),
])
def test_config_settings_are_checked_in_order(make_site, config, folders, expected) -> None:
    """Each setting of _config.yml kg reads is reported where it is written, in the order
    kg reads the settings (pinned before _read_settings was split into helpers)."""
    root = make_site({"_config.yml": config})
    for folder in folders:
        (root / folder).mkdir()
    site = load_site(root)
    assert [(d.code, d.severity, d.line, d.key, d.value) for d in site.diagnostics] == expected
    assert all(d.path == "_config.yml" for d in site.diagnostics)


def test_config_settings_read_into_the_site(make_site) -> None:
    """What _read_settings keeps: time zone, time, future, defaults and broken templates."""
    site = load_site(make_site({"_config.yml": _EVERY_SETTING_WRONG}))
    assert (str(site.timezone), site.future) == ("UTC", False)
    assert [(d.path, d.type, d.values) for d in site.defaults] == [
        ("", "posts", {"permalink": "/:titel/"}), (None, "pages", {"permalink": ["a"]})]
    assert site._broken == {"/:titel/", "5", "{'a': 1}"}
    site = load_site(make_site({"_config.yml": "url: https://x.org\ntimezone: Europe/London\n"
                                "time: 2024-05-01 12:00:00 +00:00\ndefaults:\n  - scope: {type: draft}\n"
                                "    values: {layout: x}\n"}))
    assert site.time.isoformat() == "2024-05-01T13:00:00+01:00" and str(site.time.tzinfo) == "Europe/London"
    assert [(d.path, d.type) for d in site.defaults] == [(None, "drafts")]


@pytest.mark.parametrize("rel, front, expected", [
    ("_posts/no-date.md", "date: 2024-13-01\ncategories: 3\npublished: false\n", [("not-a-post", "warning", 1)]),
    ("_events/x.md", "date: 2024-13-01\ncategories: 3\npublished: false\n", [("invalid-date", "error", 2)]),
    ("_events/2024-13-05-x.md", "categories: 3\npublished: false\n", [("bad-name-date", "error", 1)]),
    ("_events/x.md", "categories: 3\npublished: false\n", [("bad-categories", "error", 2)]),
    ("_events/x.md", "published: 'maybe'\ndate: 2999-01-01\n",
     [("bad-boolean", "warning", 2), ("future-date", "warning", 3)]),
    ("_events/x.md", "published: false\ndate: 2999-01-01\n", [("unpublished", "info", 2)]),
    ("_funders/x.md", "date: 2999-01-01\n", []),
    ("_projects/x.md", "categories: 3\n", [("bad-categories", "error", 1)]),
])
def test_the_first_reason_jekyll_writes_no_page_is_the_one_reported(make_site, rel, front, expected) -> None:
    """A document Jekyll writes no page of for several reasons gets the first kg checks
    (pinned before _writes_page was split into helpers); ``_projects`` has a category
    of ``defaults:`` Jekyll cannot read, reported before its own."""
    from kg.frontmatter import read_file
    config = ("url: https://x.org\ncollections:\n  events: {output: true}\n  projects: {output: true}\n"
              "  funders: {output: false}\ndefaults:\n  - scope: {type: projects}\n    values: {categories: 4}\n")
    root = make_site({"_config.yml": config, rel: f"---\n{front}---\n"})
    site = load_site(root)
    path = root / rel
    coll = site.collections[rel.split("/")[0][1:]]
    src = read_file(path, site.relpath(path), post=coll.label == "posts")
    assert site.page_url(coll, path, src.data, src) is None
    assert [(d.code, d.severity, d.line) for d in src.diagnostics] == expected


def test_a_time_jekyll_reads_but_kg_does_not_is_not_said_to_stop_jekyll(tmp_path: Path) -> None:
    """`time: 20240105` is a number Jekyll's Time.parse reads (5 January 2024): kg's warning
    said Jekyll stops the build on it."""
    root = tmp_path / "site"
    root.mkdir()
    (root / "_config.yml").write_text("url: https://x.example.org\ntime: 20240105\n", encoding="utf-8")
    (said,) = [d for d in load_site(root).diagnostics if d.code == "bad-setting"]
    assert said.message.startswith("kg cannot read `time: 20240105` as Jekyll's Time.parse would")
    (root / "_config.yml").write_text("url: https://x.example.org\ntime: true\n", encoding="utf-8")
    (said,) = [d for d in load_site(root).diagnostics if d.code == "bad-setting"]
    assert said.message.startswith("`time: true` is not a date (Jekyll stops the build on it)")
