"""kg.jekyll: data files and includes written into a site, and a real Jekyll build of them."""
from __future__ import annotations

import json
import shutil
import subprocess
from html.parser import HTMLParser
from pathlib import Path

import pytest

import kg
from kg.jekyll import INCLUDES, export_site, read_data
from kg.related import related_events

SITE = Path(__file__).resolve().parent / "fixtures" / "jekyll-site"
BASE = "https://harbour-data.example.org/forum"
BASEURL = "/forum"
JAN = "/events/2024-01-10-data-circle-january"
FEB = "/events/2024-02-14-data-circle-february"
MAR = "/events/2024-03-13-data-circle-march"
WORKSHOP = "/events/2024-04-02-privacy-workshop"
TRICKY = "/events/2024-05-20-script-title"
PICNIC = "/events/2024-06-11-summer-picnic"
TRICKY_TITLE = 'Tricky </script><script>alert("x")</script> & <b>title</b>'


@pytest.fixture
def site(tmp_path: Path) -> Path:
    """A copy of the fixture site with kg's graph exported into it."""
    dest = tmp_path / "site"
    shutil.copytree(SITE, dest)
    graph = kg.build_site(dest)
    export_site(graph, dest)
    return dest


def data(site: Path, name: str):
    return read_data(site / "_data" / name)


def test_related_data_is_keyed_by_page_url_with_site_paths(site: Path) -> None:
    related = data(site, "related_events.json")
    assert set(related) == {JAN, FEB, MAR, WORKSHOP, TRICKY, PICNIC}
    feb = related[FEB]
    assert [r["url"] for r in feb] == [JAN, MAR, WORKSHOP]
    assert feb[0]["title"] == "Harbour Data Circle: tide gauges" and feb[0]["date"] == "2024-01-10"
    assert "same series: Harbour Data Circle" in feb[0]["reasons"]
    assert related[PICNIC] == []
    assert all(r["url"].startswith("/events/") for v in related.values() for r in v)


def test_backlinks_newest_first_with_roles(site: Path) -> None:
    links = data(site, "backlinks.json")
    ada = links["/people/ada-lovelace"]
    assert [e["url"] for e in ada] == [WORKSHOP, FEB, JAN]
    assert ada[0]["roles"] == ["speaker"] and ada[1]["roles"] == ["chair"]
    assert [e["url"] for e in links["/topics/privacy"]] == [TRICKY, WORKSHOP]
    assert [e["url"] for e in links["/projects/harbour-data-circle"]] == [MAR, FEB, JAN]
    assert links["/topics/privacy"][0]["title"] == TRICKY_TITLE
    assert "/people/alan-turing" not in links  # no page of his own


def test_jsonld_per_event(site: Path) -> None:
    raw = (site / "_data" / "event_jsonld.json").read_text(encoding="utf-8")
    assert "<" not in raw and "\\u003c/script>" in raw
    ld = json.loads(raw)
    jan = ld[JAN]
    assert jan["@context"] == "https://schema.org" and jan["@type"] == "Event"
    assert jan["name"] == "Harbour Data Circle: tide gauges" and jan["startDate"] == "2024-01-10"
    assert jan["url"] == BASE + JAN
    assert jan["organizer"] == {"@type": "Organization", "name": "Harbour Data Forum", "url": BASE + "/"}
    assert [p["name"] for p in jan["performer"]] == ["Ada Lovelace", "Grace Hopper"]
    assert jan["performer"][0]["url"] == BASE + "/people/ada-lovelace"
    assert jan["superEvent"]["name"] == "Harbour Data Circle"
    assert [a["name"] for a in jan["about"]] == ["Open data"]
    assert ld[TRICKY]["name"] == TRICKY_TITLE


def test_includes_are_shipped_and_a_changed_one_is_kept(site: Path) -> None:
    for name in INCLUDES:
        assert (site / "_includes" / name).read_text(encoding="utf-8").startswith("{%- comment -%} kg:generated")
    mine = site / "_includes" / "backlinks.html"
    mine.write_text("my own backlinks\n", encoding="utf-8")
    result = export_site(kg.build_site(site), site)
    assert mine.read_text(encoding="utf-8") == "my own backlinks\n"
    assert result["kept"] == [str(mine)]
    assert not list(site.rglob("*.tmp"))


def test_export_uses_given_suggestions(tmp_path: Path) -> None:
    dest = tmp_path / "site"
    shutil.copytree(SITE, dest)
    graph = kg.build_site(dest)
    related = related_events(graph, top=1)
    export_site(graph, dest, related=related, includes=False)
    assert all(len(v) <= 1 for v in data(dest, "related_events.json").values())
    assert not (dest / "_includes").exists()


# -- real Jekyll ---------------------------------------------------------------------------

class Page(HTMLParser):
    """Links inside kg's sections, and the JSON-LD scripts, of one generated page."""

    def __init__(self) -> None:
        super().__init__()
        self.sections: dict[str, list[tuple[str, str]]] = {}
        self.scripts: list[str] = []
        self.elements: list[str] = []
        self._section: str | None = None
        self._href: str | None = None
        self._text = ""
        self._script: str | None = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        self.elements.append(tag)
        if tag == "section" and a.get("class", "").startswith("kg-"):
            self._section = a["class"]
            self.sections[self._section] = []
        elif tag == "a" and self._section:
            self._href, self._text = a.get("href"), ""
        elif tag == "script":
            self._script = "" if a.get("type") == "application/ld+json" else None

    def handle_endtag(self, tag):
        if tag == "a" and self._href is not None:
            self.sections[self._section].append((self._href, self._text))
            self._href = None
        elif tag == "section":
            self._section = None
        elif tag == "script" and self._script is not None:
            self.scripts.append(self._script)
            self._script = None

    def handle_data(self, data):
        if self._href is not None:
            self._text += data
        if self._script is not None:
            self._script += data


def parse(path: Path) -> Page:
    page = Page()
    page.feed(path.read_text(encoding="utf-8"))
    page.close()
    return page


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    jekyll = shutil.which("jekyll")
    if jekyll is None:
        pytest.skip("jekyll is not installed (Debian: apt-get install jekyll)")
    tmp = tmp_path_factory.mktemp("jekyll")
    src, out = tmp / "src", tmp / "out"
    shutil.copytree(SITE, src)
    export_site(kg.build_site(src), src)
    proc = subprocess.run([jekyll, "build", "-s", str(src), "-d", str(out), "--disable-disk-cache"],
                          cwd=tmp, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, f"jekyll build failed:\n{proc.stdout}\n{proc.stderr}"
    return src, out


def output_file(out: Path, href: str) -> Path:
    assert href.startswith(BASEURL + "/"), f"link {href!r} does not go through relative_url"
    path = href[len(BASEURL):]
    for candidate in (out / (path.lstrip("/") + ".html"), out / path.lstrip("/") / "index.html",
                      out / path.lstrip("/")):
        if candidate.is_file():
            return candidate
    raise AssertionError(f"link {href!r} leads to no generated file")


def test_jekyll_event_page_lists_related_events_in_order(built: tuple[Path, Path]) -> None:
    src, out = built
    page = parse(out / "events" / "2024-02-14-data-circle-february.html")
    links = page.sections["kg-related-events"]
    expected = json.loads((src / "_data" / "related_events.json").read_text(encoding="utf-8"))[FEB]
    assert [href for href, _ in links] == [BASEURL + r["url"] for r in expected]
    assert [href for href, _ in links] == [BASEURL + JAN, BASEURL + MAR, BASEURL + WORKSHOP]
    assert [text for _, text in links] == [r["title"] for r in expected]
    for href, _ in links:
        output_file(out, href)


def test_jekyll_person_page_lists_their_events(built: tuple[Path, Path]) -> None:
    _, out = built
    page = parse(out / "people" / "ada-lovelace.html")
    links = page.sections["kg-backlinks"]
    assert [href for href, _ in links] == [BASEURL + WORKSHOP, BASEURL + FEB, BASEURL + JAN]
    assert links[0][1] == "Cameras on the quay: a privacy workshop"
    for href, _ in links:
        output_file(out, href)
    # the layout uses the person-events include, with its own heading
    assert "<h2>Events they spoke at</h2>" in (out / "people" / "ada-lovelace.html").read_text(encoding="utf-8")
    topic = parse(out / "topics" / "privacy.html").sections["kg-backlinks"]
    assert [text for _, text in topic] == [TRICKY_TITLE, "Cameras on the quay: a privacy workshop"]


def test_jekyll_escapes_titles_and_jsonld(built: tuple[Path, Path]) -> None:
    _, out = built
    tricky = parse(out / "events" / "2024-05-20-script-title.html")
    assert len(tricky.scripts) == 1, "a title broke out of the JSON-LD script"
    ld = json.loads(tricky.scripts[0])
    assert ld["name"] == TRICKY_TITLE and ld["@type"] == "Event" and ld["startDate"] == "2024-05-20"
    assert "b" not in tricky.elements  # the <b> of the title stays text
    workshop = parse(out / "events" / "2024-04-02-privacy-workshop.html")
    assert (BASEURL + TRICKY, TRICKY_TITLE) in workshop.sections["kg-related-events"]
    assert "b" not in workshop.elements and len(workshop.scripts) == 1
    assert json.loads(workshop.scripts[0])["performer"][0]["name"] == "Ada Lovelace"


def test_jekyll_page_without_related_events_has_no_section(built: tuple[Path, Path]) -> None:
    _, out = built
    picnic = parse(out / "events" / "2024-06-11-summer-picnic.html")
    assert "kg-related-events" not in picnic.sections
    assert json.loads(picnic.scripts[0])["name"] == "Summer picnic"
    home = parse(out / "index.html")
    assert home.scripts == [] and home.sections == {}


def test_export_needs_a_base_url(tmp_path: Path) -> None:
    graph = kg.build_site(SITE)
    with pytest.raises(kg.KgError, match="no base_url"):
        export_site(kg.KnowledgeGraph(graph.store, {}), tmp_path)


def test_jsonld_conforms_to_its_shapes(site: Path, tmp_path: Path) -> None:
    from kg.validate import validate_jsonld

    docs = read_data(site / "_data" / "event_jsonld.json")
    result = validate_jsonld(docs)
    assert result.conforms and result.results == [], [str(r) for r in result.results]
    first = next(iter(docs))
    broken = {first: {k: v for k, v in docs[first].items() if k not in ("name", "startDate")}}
    messages = {(r.severity, r.message, r.source) for r in validate_jsonld(broken).results}
    assert ("violation", "An event's JSON-LD needs exactly one name.", first) in messages
    assert ("warning", "An event's JSON-LD should give its start date (YYYY-MM-DD).", first) in messages
