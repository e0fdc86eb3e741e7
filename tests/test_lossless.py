"""Nothing an editor wrote is dropped: every front-matter value of the real corpus lands
in the graph or in the build report.

For every markdown file of every collection folder of the corpus, the front matter is
read with ``kg.frontmatter.read_file`` (duplicate keys kept, each with its line) and each
value is looked for where kg's mapping says it goes (see kg/graph.py):

* a key the mapping does not list: ``<node> kg:frontMatter ?f . ?f kg:key "key"; kg:line N;
  rdf:value ?v`` (one ``rdf:value`` per list item; ``null`` items leave the node without one);
* ``type: text`` / ``integer`` (and ``boolean`` when the value is a boolean): a literal of the
  key's property on the file's node, typed like the YAML value (str, int, float, bool, date,
  datetime; lists/dicts nested in a list item as ``rdf:JSON``), one per list item; a value
  not of the key's type (a number under a text key) is also kept under ``kg:frontMatter``
  with its line, for the linter to point at;
* ``type: date``: an ``xsd:date``/``xsd:dateTime`` of the property (a ``split`` string read
  part by part); a part that is no date: a ``bad-date`` diagnostic and a ``kg:frontMatter`` node;
  a date read out of text that says more (``2024-05-03 to 2024-05-05``): the date, a
  ``loose-date`` diagnostic and the text under ``kg:frontMatter``;
* ``type: iri``: an IRI object equal to the value up to percent-encoding (a site path is
  made absolute under the site's URL); else a ``bad-url`` diagnostic and a literal;
* ``type: boolean`` with a non-boolean: a ``bad-boolean`` diagnostic and a literal;
* ``type: ref``: an object of the property that is the page the value names (its label
  folding case/punctuation, its file name or its URL) or a ``kg:Unresolved`` node labelled
  exactly with the value; a ``split`` string that names several: each part so, plus a
  ``several-in-one`` diagnostic;
* ``speakers``: one ``kg:Participation`` per entry, with ``kg:nameAsWritten``,
  ``schema:roleName``, ``schema:jobTitle``, ``kg:organisationAsWritten``, ``kg:profile`` and
  the affiliation's ``schema:url``; an entry or key kg cannot read: a diagnostic naming it.

Each value is checked in *that file's* named graph (labels of the node a reference
resolves to may sit in another file's graph). Values that are ``null`` or empty carry no
information; for mapped keys they leave no trace, for unmapped keys the ``kg:frontMatter``
node records that the key was written. They are counted, not failed.
"""
from __future__ import annotations

import datetime as dt
import json
import math
import os
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any
from urllib.parse import unquote, urlsplit

import pyoxigraph as ox
import pytest

import kg
from kg.frontmatter import SourceFile, date_value, read_file
from kg.mapping import KeyRule, load_mapping
from kg.resolve import normalise

CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus" / "connectedbydata.org"

KG = "https://w3id.org/kg/ns#"
SCHEMA = "https://schema.org/"
RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
XSD = "http://www.w3.org/2001/XMLSchema#"
MARKDOWN = (".md", ".markdown", ".mkd", ".mkdn", ".mdown")
#: Folders of a Jekyll site that are not collections.
NOT_COLLECTIONS = {"_layouts", "_includes", "_data", "_sass", "_site", "_plugins", "_drafts", "_kg"}


# -- the graph, held as plain Python sets for fast look-ups --------------------------------

@dataclass
class Graph:
    """All quads, by named graph, plus indexes across graphs."""

    by_graph: dict[str, set[tuple[Any, Any, Any]]] = field(default_factory=lambda: defaultdict(set))
    labels: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))   # node -> rdfs:label/schema:name
    urls: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))     # node -> schema:url IRIs
    source: dict[str, str] = field(default_factory=dict)                           # node -> its file's path
    graph_of_path: dict[str, str] = field(default_factory=dict)                    # kg:path -> named graph

    @classmethod
    def of(cls, store: ox.Store) -> "Graph":
        g = cls()
        paths: dict[str, str] = {}
        for q in store.quads_for_pattern(None, None, None, None):
            s, p, o, gr = q.subject.value, q.predicate.value, q.object, q.graph_name.value
            g.by_graph[gr].add((s, p, _term(o)))
            if p in (RDFS + "label", SCHEMA + "name") and isinstance(o, ox.Literal):
                g.labels[s].add(o.value)
            elif p == SCHEMA + "url" and isinstance(o, ox.NamedNode):
                g.urls[s].add(o.value)
            elif p == KG + "path":
                paths[s] = o.value
                g.graph_of_path[o.value] = s
        for quads in g.by_graph.values():
            for s, p, o in quads:
                if p == KG + "sourceFile":
                    g.source[s] = paths.get(o[1], "")
        return g

    def objects(self, graph: str, s: str, p: str) -> list[tuple]:
        return [o for (s2, p2, o) in self.by_graph[graph] if s2 == s and p2 == p]

    def subjects(self, graph: str, p: str, o: tuple) -> list[str]:
        return [s for (s, p2, o2) in self.by_graph[graph] if p2 == p and o2 == o]


def _term(o: Any) -> tuple:
    """An object as a hashable tuple: ("iri", value) or ("lit", value, datatype, language)."""
    if isinstance(o, ox.NamedNode):
        return ("iri", o.value)
    if isinstance(o, ox.Literal):
        return ("lit", o.value, o.datatype.value if o.datatype else None, o.language)
    return ("bnode", str(o))


def iri(value: str) -> tuple:
    return ("iri", value)


# -- how one YAML value looks as a literal ---------------------------------------------------

def literal_matches(term: tuple, value: Any) -> bool:
    """Whether the literal ``term`` holds the YAML ``value`` with its type."""
    if term[0] != "lit":
        return False
    _, lex, datatype, _lang = term
    try:
        if isinstance(value, bool):
            return datatype == XSD + "boolean" and (lex in ("true", "1")) == value
        if isinstance(value, int):
            return datatype == XSD + "integer" and int(lex) == value
        if isinstance(value, float):
            if datatype not in (XSD + "double", XSD + "decimal", XSD + "float"):
                return False
            got = float(lex.replace("INF", "inf"))
            return (math.isnan(got) and math.isnan(value)) or got == value
        if isinstance(value, dt.datetime):
            return datatype == XSD + "dateTime" and dt.datetime.fromisoformat(lex.replace("Z", "+00:00")) == value
        if isinstance(value, dt.date):
            return datatype == XSD + "date" and lex == value.isoformat()
        if isinstance(value, (list, dict)):
            return datatype == RDF + "JSON" and json.loads(lex) == json.loads(json.dumps(value, default=str))
    except ValueError:
        return False
    return datatype in (None, XSD + "string") and lex == str(value)


def same_iri(got: str, written: str) -> bool:
    """Equal up to percent-encoding (kg encodes characters IRIs forbid)."""
    return unquote(got) == unquote(written)


# -- one file ----------------------------------------------------------------------------------

@dataclass
class Check:
    """What became of the values of one file."""

    relpath: str
    lost: list[str] = field(default_factory=list)
    empty: list[str] = field(default_factory=list)
    found: int = 0


class Finder:
    """Looks for each front-matter value of each file where kg puts it."""

    def __init__(self, graph: Graph, report: dict, site: kg.Site, mapping) -> None:
        self.g = graph
        self.site = site
        self.mapping = mapping
        self.diags: dict[str, list[dict]] = defaultdict(list)
        for d in report["diagnostics"]:
            self.diags[d.get("path", "")].append(d)

    # a diagnostic of this file that names the value
    def in_report(self, relpath: str, line: int, key: str, value: Any, codes: tuple[str, ...]) -> bool:
        text = str(value).strip()
        return any(d["code"] in codes and d.get("line") == line and d.get("key") == key
                   and (d.get("value") == text or repr(text) in d["message"] or text in d["message"])
                   for d in self.diags[relpath])

    def file(self, collection: str, path: Path) -> Check:
        relpath = PurePosixPath(path.relative_to(self.site.root).as_posix()).as_posix()
        check = Check(relpath)
        src = read_file(path, relpath)
        graph = self.g.graph_of_path.get(relpath)
        if graph is None:
            check.lost.append("the file has no named graph at all")
            return check
        nodes = [s for s in self.g.subjects(graph, KG + "sourceFile", iri(graph))]
        if len(nodes) != 1:
            check.lost.append(f"the file's graph has {len(nodes)} nodes with kg:sourceFile, not 1")
            return check
        node = nodes[0]
        kind = self.mapping.kind_of_collection(collection)
        last = {f.key: f for f in src.fields}
        for f in src.fields:
            rule = kind.keys.get(f.key) if kind else None
            if rule is None or (f.key == kind.label and last[f.key] is not f):
                # (a title written twice: the page's name is the last, as Jekyll shows it; the other is kept as written)
                self.extra(check, src, graph, node, f.key, f.value, f.line)
            elif rule.speakers and not rule.property:
                self.speakers(check, src, graph, node, f.value, src.item_lines(f))
            else:
                for v in f.value if isinstance(f.value, list) else [f.value]:
                    if v is None or v == "":
                        check.empty.append(f"{relpath}:{f.line}: `{f.key}` empty")
                        continue
                    if self.mapped(src, graph, node, rule, v, f.line):
                        check.found += 1
                    else:
                        check.lost.append(f"{relpath}:{f.line}: `{f.key}`: {v!r} ({rule.type})")
        return check

    def extra(self, check: Check, src: SourceFile, graph: str, node: str, key: str, value: Any,
              line: int) -> None:
        fm = [n for (_, n) in self.g.objects(graph, node, KG + "frontMatter")
              if ("lit", key, XSD + "string", None) in {o for o in self.g.objects(graph, n, KG + "key")}
              and ("lit", str(line), XSD + "integer", None) in set(self.g.objects(graph, n, KG + "line"))]
        if len(fm) != 1:
            check.lost.append(f"{src.relpath}:{line}: `{key}` has {len(fm)} kg:frontMatter nodes, not 1")
            return
        values = self.g.objects(graph, fm[0], RDF + "value")
        for v in value if isinstance(value, list) else [value]:
            if v is None:
                check.empty.append(f"{src.relpath}:{line}: `{key}` null (kg:frontMatter node kept)")
            elif any(literal_matches(t, v) for t in values):
                check.found += 1
            else:
                check.lost.append(f"{src.relpath}:{line}: `{key}` (unmapped): {v!r}")

    def mapped(self, src: SourceFile, graph: str, node: str, rule: KeyRule, v: Any, line: int) -> bool:
        objs = self.g.objects(graph, node, rule.property)
        rel = src.relpath
        if rule.type == "ref":
            return self.ref(src, graph, node, rule, v, line)
        if rule.type == "date":
            parts = rule.split.split(v) if rule.split and isinstance(v, str) else [v]
            return all(self.date_part(src, graph, node, rule, part, line, objs) for part in parts)
        if rule.type == "iri":
            if isinstance(v, str):
                written = v.strip()
                if written.startswith("/") and not written.startswith("//"):
                    written = self.site.iri(written)
                if any(o[0] == "iri" and same_iri(o[1], written) for o in objs):
                    return True
            return self.in_report(rel, line, rule.key, v, ("bad-url",)) and any(literal_matches(o, v) for o in objs)
        if rule.type == "boolean" and not isinstance(v, bool):
            return self.in_report(rel, line, rule.key, v, ("bad-boolean",)) and any(literal_matches(o, v) for o in objs)
        return any(literal_matches(o, v) for o in objs)

    def date_part(self, src: SourceFile, graph: str, node: str, rule: KeyRule, part: Any, line: int,
                  objs: list) -> bool:
        value = part
        if isinstance(part, str):
            for parse in (dt.date.fromisoformat, dt.datetime.fromisoformat):
                try:
                    value = parse(part.strip())
                    break
                except ValueError:
                    continue
        if isinstance(value, str) and (read := date_value(part)) is not None:
            # a date written in words, as Jekyll reads it; the text kept too when it says more
            if self.in_report(src.relpath, line, rule.key, part, ("loose-date",)):
                probe = Check(src.relpath)
                self.extra(probe, src, graph, node, rule.key, part, line)
                if probe.lost:
                    return False
            value = read
        if isinstance(value, dt.datetime):
            # the datetime as an xsd:dateTime of the property, or the day as an xsd:date of the
            # property and the full datetime kept under kg:frontMatter
            if any(literal_matches(o, value) for o in objs):
                return True
            probe = Check(src.relpath)
            self.extra(probe, src, graph, node, rule.key, value, line)
            return not probe.lost and any(literal_matches(o, value.date()) for o in objs)
        if isinstance(value, dt.date):
            return any(literal_matches(o, value) for o in objs)
        # not a date: reported, and kept under kg:frontMatter with the key and line
        if not self.in_report(src.relpath, line, rule.key, part, ("bad-date",)):
            return False
        probe = Check(src.relpath)
        self.extra(probe, src, graph, node, rule.key, part, line)
        return not probe.lost

    def ref(self, src: SourceFile, graph: str, node: str, rule: KeyRule, v: Any, line: int) -> bool:
        text = (json.dumps(v, ensure_ascii=False, default=str) if isinstance(v, dict) else str(v)).strip()
        if self.names(graph, node, rule, text):
            return True
        if rule.split is not None and isinstance(v, str):
            parts = [p for p in rule.split.split(text) if p.strip()]
            if len(parts) > 1 and self.in_report(src.relpath, line, rule.key, text, ("several-in-one",)):
                return all(self.names(graph, node, rule, p.strip()) for p in parts)
        return False

    def names(self, graph: str, node: str, rule: KeyRule, text: str) -> bool:
        """Whether an object of ``rule.property`` is the node ``text`` names."""
        for o in self.g.objects(graph, node, rule.property):
            if o[0] != "iri":
                continue
            target = o[1]
            if (target, RDF + "type", iri(KG + "Unresolved")) in self.g.by_graph[graph]:
                if (target, RDFS + "label", ("lit", text, XSD + "string", None)) in self.g.by_graph[graph]:
                    return True
                continue
            if normalise(text) in {normalise(label) for label in self.g.labels.get(target, ())}:
                return True
            if PurePosixPath(self.g.source.get(target, "")).stem.lower() == text.lower():
                return True
            if "/" in text:
                path = urlsplit(text).path.rstrip("/").lower()
                if any(urlsplit(u).path.rstrip("/").lower() in (path, path.removesuffix(".html"))
                       for u in self.g.urls.get(target, ())):
                    return True
        return False

    def speakers(self, check: Check, src: SourceFile, graph: str, node: str, value: Any,
                 lines: list[int]) -> None:
        rel = src.relpath
        parts = {p for (_, p) in self.g.objects(graph, node, KG + "participation")}
        for item, line in zip(value if isinstance(value, list) else [value], lines):  # each at its own line
            if isinstance(item, str):
                item = {"name": item}
            if not isinstance(item, dict) or isinstance(item.get("name"), (list, dict)) \
                    or not str(item.get("name") or "").strip():
                if any(d["code"] == "bad-speaker" and d.get("line") == line for d in self.diags[rel]):
                    check.found += 1
                else:
                    check.lost.append(f"{rel}:{line}: speaker entry {item!r}")
                continue
            name = str(item["name"]).strip()
            mine = [p for p in parts
                    if (p, KG + "nameAsWritten", ("lit", name, XSD + "string", None)) in self.g.by_graph[graph]
                    and (p, KG + "line", ("lit", str(line), XSD + "integer", None)) in self.g.by_graph[graph]]
            if not mine:
                check.lost.append(f"{rel}:{line}: speaker {name!r}")
                continue
            check.found += 1
            props = {"role": SCHEMA + "roleName", "title": SCHEMA + "jobTitle",
                     "organisation": KG + "organisationAsWritten", "organization": KG + "organisationAsWritten"}
            for key, v in item.items():
                if key == "name" or v in (None, ""):
                    continue
                text = str(v).strip()
                ok = False
                said = [d for d in self.diags[rel] if d.get("line") == line and d["code"] in ("bad-speaker", "bad-url")
                        and f"`{key}:" in d["message"]]
                if said:  # reported as what it is not: text, or a web address
                    ok = True
                elif key in props:
                    ok = any((p, props[key], ("lit", text, XSD + "string", None)) in self.g.by_graph[graph]
                             for p in mine)
                elif key == "url":
                    ok = any(o[0] == "iri" and (same_iri(o[1], text) or text.startswith("/") and o[1].endswith(text))
                             for p in mine for o in self.g.objects(graph, p, KG + "profile"))
                elif key == "organisation_url":  # on the participation as written, whatever its host
                    ok = any(o[0] == "iri" and (same_iri(o[1], text) or text.startswith("/") and o[1].endswith(text))
                             for p in mine for o in self.g.objects(graph, p, KG + "organisationUrl"))
                else:
                    ok = any(d["code"] == "unknown-speaker-key" and text in d["message"] for d in self.diags[rel])
                if ok:
                    check.found += 1
                else:
                    check.lost.append(f"{rel}:{line}: speaker {name!r} `{key}`: {v!r}")


# -- the corpus ---------------------------------------------------------------------------------

def collection_files(root: Path) -> list[tuple[str, Path]]:
    """Every markdown file under a collection folder (``_name/``), found without kg."""
    out = []
    for folder in sorted(root.iterdir()):
        if not folder.is_dir() or not folder.name.startswith("_") or folder.name in NOT_COLLECTIONS:
            continue
        for dirpath, _dirs, files in os.walk(folder):
            for name in sorted(files):
                if name.lower().endswith(MARKDOWN):
                    out.append((folder.name[1:], Path(dirpath) / name))
    return out


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory):
    if not (CORPUS / "_config.yml").is_file():
        pytest.skip(f"corpus not found at {CORPUS} (the connectedbydata.org snapshot in ../shared/corpus "
                    "beside the repository); the lossless test needs it")
    graph = kg.build_site(CORPUS, tmp_path_factory.mktemp("lossless"))
    site = kg.load_site(CORPUS)
    return graph, site, load_mapping(None, site.root)


def test_every_collection_file_has_a_named_graph(built) -> None:
    graph, site, _ = built
    g = Graph.of(graph.store)
    on_disk = {PurePosixPath(p.relative_to(CORPUS).as_posix()).as_posix() for _, p in collection_files(CORPUS)}
    assert on_disk, "no collection files found in the corpus"
    assert set(g.graph_of_path) == on_disk
    assert graph.report["files"] == len(on_disk)


def test_every_front_matter_value_is_in_the_graph_or_the_report(built) -> None:
    graph, site, mapping = built
    finder = Finder(Graph.of(graph.store), graph.report, site, mapping)
    checks = [finder.file(coll, path) for coll, path in collection_files(CORPUS)]
    lost = [x for c in checks for x in c.lost]
    found = sum(c.found for c in checks)
    empty = [x for c in checks for x in c.empty]
    assert found > 3000, f"only {found} values checked: is the corpus complete?"
    assert not lost, f"{len(lost)} front-matter values lost ({found} found, {len(empty)} empty):\n" + "\n".join(lost)


def test_duplicate_keys_keep_every_value(built) -> None:
    """Both values of a key written twice are in the graph, and the duplicate is reported."""
    graph, site, mapping = built
    finder = Finder(Graph.of(graph.store), graph.report, site, mapping)
    dups = [d for d in graph.report["diagnostics"] if d["code"] == "duplicate-key"]
    assert dups, "the corpus has duplicate keys; none reported"
    for d in dups:
        path = CORPUS / d["path"]
        src = read_file(path, d["path"])
        lines = [f.line for f in src.fields if f.key == d["key"]]
        assert len(lines) >= 2 and d["line"] == lines[-1] and d["severity"] == "warning"
        coll = d["path"].split("/", 1)[0][1:]
        check = finder.file(coll, path)
        assert not [x for x in check.lost if f"`{d['key']}`" in x], check.lost


# -- the same check on a small site that uses every way a value can land ---------------------------

SITE_CONFIG = ("url: https://site.example.org\ncollections:\n"
               + "".join(f"  {c}:\n    output: true\n    permalink: /:collection/:name\n"
                         for c in ("events", "projects", "people", "topics"))
               + "  funders:\n    output: false\n")

EVERY_KIND = {
    "_events/2024-01-01-a.md": """---
title: Event A
date: 2024-01-01 10:00:00 +01:00
dates: 2024-01-01, 2024-01-02, soon
author: Ann Able, Ben Baker
project: [Proj, Nonexistent, /projects/proj, proj]
topics: Topic One
link: /events/2024-01-01-a
category: 5
image: [a.png, {x: 1}, [1, 2]]
extra: [1, 1.5, true, 2024-01-01, 2024-01-01 10:00:00, null, ~, {a: [b]}, .nan, 017, no]
speakers:
  - Plain Name
  - name: Full Person
    role: chair
    title: Boss
    organization: Org Inc
    url: https://example.org/full person
    organisation_url: https://org-inc.example/
  - {role: speaker}
  - 42
title: Event A again
---
Body.
""",
    "_projects/proj.md": "---\ntitle: Proj\ncompleted: maybe\norder: x\ntopics: [Topic One]\n---\n",
    "_people/a.md": "---\ntitle: Ann Able\nroles: [staff, null]\n---\n",
    "_people/b.md": "---\ntitle: Ben Baker\nemail: ben@example.org\n---\n",
    "_topics/t1.md": "---\ntitle: Topic One\n---\n",
    "_funders/f.md": "---\ntitle: Fund\nlink: https://fund.example/x y\ncurrent: yes\n---\n",
    "_misc/page.md": "---\ntitle: Unmapped collection\nanything: [1, two]\n---\n",
}


def check_site(root: Path, files: dict[str, str]) -> list[Check]:
    root.mkdir(parents=True, exist_ok=True)
    (root / "_config.yml").write_text(SITE_CONFIG.replace("  funders:", "  misc:\n    output: true\n  funders:"),
                                      encoding="utf-8")
    for rel, text in files.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text, encoding="utf-8")
    graph = kg.build_site(root)
    site = kg.load_site(root)
    finder = Finder(Graph.of(graph.store), graph.report, site, load_mapping(None, root))
    return [finder.file(coll, path) for coll, path in collection_files(root)]


def test_every_kind_of_value_lands_where_the_mapping_says(tmp_path: Path) -> None:
    checks = check_site(tmp_path / "site", EVERY_KIND)
    assert [x for c in checks for x in c.lost] == []
    assert sum(c.found for c in checks) == 48
    assert sorted(x for c in checks for x in c.empty) == [
        "_events/2024-01-01-a.md:11: `extra` null (kg:frontMatter node kept)",
        "_events/2024-01-01-a.md:11: `extra` null (kg:frontMatter node kept)",
        "_people/a.md:3: `roles` empty"]


def test_speaker_organisation_url_on_a_shared_host_is_kept(tmp_path: Path) -> None:
    checks = check_site(tmp_path / "site", {"_events/2024-01-01-a.md": (
        "---\ntitle: A\ndate: 2024-01-01\nspeakers:\n  - name: Full Person\n    organisation: Org Inc\n"
        "    organisation_url: https://www.linkedin.com/company/org-inc\n---\n")})
    assert [x for c in checks for x in c.lost] == []


def test_unknown_speaker_key_value_is_kept(tmp_path: Path) -> None:
    checks = check_site(tmp_path / "site", {"_events/2024-01-01-a.md": (
        "---\ntitle: A\ndate: 2024-01-01\nspeakers:\n  - name: Full Person\n    shoe_size: 44\n---\n")})
    assert [x for c in checks for x in c.lost] == []


def test_reference_to_the_page_itself_is_kept_or_reported(tmp_path: Path) -> None:
    checks = check_site(tmp_path / "site", {"_projects/proj.md": "---\ntitle: Proj\nproject: Proj\n---\n"})
    assert [x for c in checks for x in c.lost] == []


def test_a_key_of_characters_no_iri_holds_is_kept(tmp_path: Path) -> None:
    """A key that is U+E0100 (a variation selector: a mark, kept by slugify, which no IRI
    may hold as it is) stopped the build with "Invalid IRI code point"."""
    files = {"_events/2024-01-01-a.md": "---\ntitle: A\ndate: 2024-01-01\n\U000e0100: one\ncafé: two\n---\n"}
    assert [x for c in check_site(tmp_path / "site", files) for x in c.lost] == []
    entries = {row["e"].value.rsplit("#", 1)[1] for row in kg.build_site(tmp_path / "site").query(
        "SELECT ?e WHERE { ?e a <https://w3id.org/kg/ns#FrontMatterEntry> }")}
    assert entries == {"fm-%F3%A0%84%80-4", "fm-café-5"}
