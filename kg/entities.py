"""One node per real person and organisation across the whole site.

People and organisations named in event texts have no page of their own, and the same
one is written many ways: "DSIT" and "Department for Science, Innovation and
Technology", a speaker with a LinkedIn link at one event and without at the next,
"Dr Jane Doe" and "Jane Doe". The :class:`EntityResolver` sees every mention first,
then decides, in this order:

1. the site's curation file (``_kg/curation.yml``), which wins over every heuristic;
2. people: the site's people pages (by title), then profile links, then normalised
   names; organisations: homepage domain, then names already seen with a homepage;
3. acronyms of organisation names ("DSIT");
4. fuzzy matching (rapidfuzz) inside blocks of likely candidates (same surname, same
   first word), so it is never quadratic: merged at :data:`MERGE_SCORE` or above,
   listed as a near miss in the report between :data:`NEAR_SCORE` and that.
"""
from __future__ import annotations

import json
import pickle
import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import yaml
import numpy as np
from rapidfuzz import fuzz, process

from .errors import Diagnostic, MappingError
from .resolve import Index, domain_of, homepage_domain, normalise
from .site import Site, slugify

MERGE_SCORE = 92.0
NEAR_SCORE = 80.0
CURATION_FILE = "_kg/curation.yml"
_ORG_FILLER = frozenset("of for and the in on at to de la le du des".split())
_ORG_SUFFIX = re.compile(r"\b(?:ltd|limited|inc|llp|plc|cic|uk)\b\.?$")


@dataclass
class Entity:
    """A person or organisation as resolved: its IRI, names as written, links."""

    iri: str
    kind: str  # "person" | "organisation"
    names: Counter = field(default_factory=Counter)
    urls: set[str] = field(default_factory=set)
    fixed_name: str | None = None  # a page title or a curated name
    has_page: bool = False

    @property
    def name(self) -> str:
        """The name to show: curated or page name, else the most written (then longest)."""
        if self.fixed_name:
            return self.fixed_name
        return sorted(self.names.items(), key=lambda kv: (-kv[1], -len(kv[0]), kv[0]))[0][0]


@dataclass
class Curation:
    """A site's corrections, read from ``_kg/curation.yml``."""

    person_alias: dict[str, str] = field(default_factory=dict)       # norm alias -> name
    person_same_as: dict[str, str] = field(default_factory=dict)     # profile key -> name
    org_alias: dict[str, str] = field(default_factory=dict)          # norm alias -> name
    org_homepage: dict[str, str] = field(default_factory=dict)       # norm name -> url
    not_people: set[str] = field(default_factory=set)                # norm names
    not_organisations: set[str] = field(default_factory=set)
    source: str | None = None

    def fingerprint(self) -> str:
        """All the curation says, as text that is the same in every process (a set's
        order, and so its ``repr``, changes with the process's hash seed)."""
        return json.dumps([self.person_alias, self.person_same_as, self.org_alias, self.org_homepage,
                           sorted(self.not_people), sorted(self.not_organisations), self.source])


def load_curation(site_root: Path, path: str | Path | None = None) -> Curation:
    """Read the curation file (``path``, else ``SITE/_kg/curation.yml``; none is fine).

    Format::

        people:
          - name: Jeni Tennison
            aliases: [Dr Jeni Tennison, J. Tennison]
            same_as: [https://www.linkedin.com/in/jenitennison]
        organisations:
          - name: Department for Science, Innovation and Technology
            homepage: https://www.gov.uk/government/organisations/department-for-science-innovation-and-technology
            aliases: [DSIT]
        not_people: [Suffrage]
        not_organisations: [YouTube]

    Raises:
        MappingError: the file is not valid YAML or not of this shape.
    """
    p = Path(path) if path else site_root / CURATION_FILE
    cur = Curation()
    if not p.is_file():
        if path:
            raise MappingError("curation file not found", path=p)
        return cur
    try:
        data = yaml.safe_load(p.read_text(encoding="utf-8")) or {}
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        raise MappingError(f"curation file is not valid YAML: {getattr(exc, 'problem', exc)}", path=p,
                           line=mark.line + 1 if mark else None) from exc
    if not isinstance(data, dict):
        raise MappingError("curation file must be a mapping with people/organisations/not_people", path=p)
    unknown = set(data) - {"people", "organisations", "not_people", "not_organisations"}
    if unknown:
        raise MappingError(f"unknown section(s) {', '.join(sorted(unknown))} in curation file", path=p,
                           hint="sections: people, organisations, not_people, not_organisations")
    cur.source = str(p)
    for entry in data.get("people") or []:
        name = _entry_name(entry, p, "people")
        for alias in [name] + _names(entry.get("aliases"), p, "aliases"):
            cur.person_alias[normalise(alias)] = name
        for url in _names(entry.get("same_as"), p, "same_as"):
            key = profile_key(str(url))
            if key:
                cur.person_same_as[key] = name
    for entry in data.get("organisations") or []:
        name = _entry_name(entry, p, "organisations")
        for alias in [name] + _names(entry.get("aliases"), p, "aliases"):
            cur.org_alias[normalise(alias)] = name
        if entry.get("homepage"):
            cur.org_homepage[normalise(name)] = str(entry["homepage"])
    cur.not_people = {normalise(n) for n in _names(data.get("not_people"), p, "not_people")}
    cur.not_organisations = {normalise(n) for n in _names(data.get("not_organisations"), p, "not_organisations")}
    return cur


def _names(value: Any, path: Path, key: str) -> list[str]:
    """A curation list of names (or URLs); one written alone, not as a list, is a list
    of one (iterated, its letters would each be a name)."""
    if value is None:
        return []
    if isinstance(value, (str, int, float)):
        return [str(value)]
    if isinstance(value, list) and all(isinstance(v, (str, int, float)) for v in value):
        return [str(v) for v in value]
    raise MappingError(f"`{key}:` in the curation file must be a name or a list of names", path=path)


def _entry_name(entry: Any, path: Path, section: str) -> str:
    if not isinstance(entry, dict) or not str(entry.get("name") or "").strip():
        raise MappingError(f"every entry under `{section}:` needs a `name:`", path=path)
    return str(entry["name"]).strip()


def profile_key(url: str | None) -> str | None:
    """A person's profile link reduced to host and path (``linkedin.com/in/x``)."""
    if not url:
        return None
    try:
        parts = urlsplit(url if "://" in url else "https://" + url)
    except ValueError:
        return None
    host = domain_of(url)
    path = parts.path.rstrip("/").lower()
    return f"{host}{path}" if host and path else None


def acronym(name: str) -> str:
    """Initials of a name's significant words: "Department for Science, Innovation and Technology" -> "dsit"."""
    words = [w for w in normalise(name).split() if w not in _ORG_FILLER]
    return "".join(w[0] for w in words) if len(words) >= 2 else ""


def _org_norm(name: str) -> str:
    n = normalise(name)
    n = re.sub(r"^the\s+", "", n)
    return _ORG_SUFFIX.sub("", n).strip()


class _Union:
    def __init__(self) -> None:
        self.parent: dict[str, str] = {}

    def find(self, x: str) -> str:
        self.parent.setdefault(x, x)
        while self.parent[x] != x:
            self.parent[x] = self.parent[self.parent[x]]
            x = self.parent[x]
        return x

    def union(self, a: str, b: str) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            self.parent[max(ra, rb)] = min(ra, rb)


class EntityResolver:
    """Collects every mention of a person or organisation, then settles one node for each."""

    def __init__(self, site: Site, index: Index, curation: Curation | None = None) -> None:
        self.site = site
        self.site_host = domain_of(site.base_url)
        self.index = index
        self.curation = curation or Curation()
        self._people: list[tuple[str, str | None]] = []
        self._orgs: list[tuple[str | None, str | None, str | None]] = []
        self.person_iri: dict[tuple[str, str | None], str] = {}
        self.org_iri: dict[tuple[str, str | None], str] = {}
        self.entities: dict[str, Entity] = {}
        self.merges: list[dict[str, Any]] = []
        self.near_misses: list[dict[str, Any]] = []

    # -- collecting ------------------------------------------------------------------
    def is_person(self, name: str) -> bool:
        """False when the curation file says ``name`` is not a person."""
        return normalise(name) not in self.curation.not_people

    def add_person(self, name: str, url: str | None) -> None:
        """Record a mention of a person."""
        self._people.append((name, url))

    def add_org(self, name: str | None, url: str | None, page_iri: str | None = None) -> None:
        """Record a mention of an organisation (``page_iri``: it has a page, e.g. a funder)."""
        if name and normalise(name) in self.curation.not_organisations:
            return
        self._orgs.append((name, url, page_iri))

    # -- deciding -------------------------------------------------------------------
    def resolve(self) -> None:
        """Settle every mention collected so far on one entity each."""
        self._resolve_people()
        self._resolve_orgs()

    def outcome(self) -> bytes:
        """What :meth:`resolve` decided, pickled, for :meth:`take_outcome`."""
        return pickle.dumps((self.person_iri, self.org_iri, self.entities, self.merges, self.near_misses),
                            protocol=pickle.HIGHEST_PROTOCOL)

    def take_outcome(self, data: bytes) -> None:
        """Take what :meth:`resolve` decided in a build from the same mentions, pages and
        curation (see :meth:`outcome`), instead of resolving again: all of it, or
        nothing (it raises) when ``data`` is not such an outcome."""
        self.person_iri, self.org_iri, self.entities, self.merges, self.near_misses = pickle.loads(data)

    def person(self, name: str, url: str | None) -> str:
        """The node of a person mention (after :meth:`resolve`)."""
        return self.person_iri[(name, url)]

    def org(self, name: str | None, url: str | None) -> str | None:
        """The node of an organisation mention, or ``None`` (no name and no homepage)."""
        if name is None and homepage_domain(url, self.site_host) is None:
            return None
        if name and normalise(name) in self.curation.not_organisations:
            return None
        return self.org_iri.get((name or "", url))

    def _person_node(self, name: str, url: str | None) -> tuple[str, str]:
        """A mention's node key (by curated or written name) and the name it stands for."""
        canonical = self.curation.person_alias.get(normalise(name), name)
        pkey = profile_key(url)
        if pkey and pkey in self.curation.person_same_as:
            canonical = self.curation.person_same_as[pkey]
        return "n:" + normalise(canonical), canonical

    def _resolve_people(self) -> None:
        uf = _Union()
        page_of: dict[str, str] = {}
        curated: dict[str, str] = {}
        names_of: dict[str, Counter] = defaultdict(Counter)
        for name, url in self._people:
            node, canonical = self._person_node(name, url)
            uf.find(node)
            names_of[node][name] += 1
            if canonical != name:
                curated[node] = canonical
            res = self.index.resolve("person", canonical, suggest=False)
            if res.iri:
                page_of[node] = res.iri
            pkey = profile_key(url)
            if pkey:  # one profile link, one person
                uf.union(node, "u:" + pkey)
        nodes = sorted(names_of)
        self._fuzzy(uf, nodes, "person", lambda n: n[2:], lambda n: n[2:].split()[-1] if n[2:] else "",
                    protected=page_of)
        clusters: dict[str, list[str]] = defaultdict(list)
        for n in nodes:
            clusters[uf.find(n)].append(n)
        iri_of_root: dict[str, str] = {}
        for root, members in clusters.items():
            pages = sorted({page_of[m] for m in members if m in page_of})
            names: Counter = Counter()
            for m in members:
                names.update(names_of[m])
            fixed = sorted({curated[m] for m in members if m in curated})
            if pages:
                iri = pages[0]
            else:
                top = fixed[0] if fixed else sorted(names.items(), key=lambda kv: (-kv[1], -len(kv[0]), kv[0]))[0][0]
                iri = self.site.minted("person", slugify(normalise(top)) or "unnamed")
            iri_of_root[root] = iri
            ent = self.entities.setdefault(iri, Entity(iri, "person", has_page=bool(pages)))
            ent.names.update(names)
            if fixed and not pages:
                ent.fixed_name = fixed[0]
            if len({normalise(n) for n in names}) > 1:
                self.merges.append({"kind": "person", "iri": iri, "names": sorted(names)})
        for name, url in self._people:
            iri = iri_of_root[uf.find(self._person_node(name, url)[0])]
            self.person_iri[(name, url)] = iri
            if url:
                self.entities[iri].urls.add(url)

    def _resolve_orgs(self) -> None:
        uf = _Union()
        names_of: dict[str, Counter] = defaultdict(Counter)
        fixed: dict[str, str] = {}
        keys: list[tuple[str, str | None, str, str | None]] = []
        page_nodes: dict[str, str] = {}
        for name, written_url, page in self._orgs:
            canonical = self.curation.org_alias.get(normalise(name), name) if name else None
            url = written_url
            if canonical and normalise(canonical) in self.curation.org_homepage:
                url = self.curation.org_homepage[normalise(canonical)]  # the curated homepage wins
            domain = homepage_domain(url, self.site_host)
            node = "d:" + domain if domain else ("o:" + _org_norm(canonical) if canonical else None)
            if node is None:
                continue
            uf.find(node)
            if canonical:
                names_of[node][name] += 1
                uf.union(node, "o:" + _org_norm(canonical))
                names_of.setdefault("o:" + _org_norm(canonical), Counter())
                if canonical != name:
                    fixed[node] = canonical
            if page:
                fixed[node] = name or fixed.get(node, "")
            keys.append((name or "", written_url, node, url))
            if page:
                page_nodes[node] = page
        # acronyms: "DSIT" joins the one organisation whose initials it is
        by_acronym: dict[str, set[str]] = defaultdict(set)
        for node in list(names_of):
            for n in names_of[node]:
                a = acronym(n)
                if len(a) >= 3:
                    by_acronym[a].add(uf.find(node))
        for node in list(names_of):
            for n in list(names_of[node]):
                if n.isupper() and 2 <= len(n) <= 8 and " " not in n:
                    targets = by_acronym.get(n.lower(), set()) - {uf.find(node)}
                    if len(targets) == 1:
                        uf.union(node, targets.pop())
                        self.merges.append({"kind": "organisation", "names": [n], "reason": "acronym"})
        nodes = sorted(names_of)
        self._fuzzy(uf, [n for n in nodes if n.startswith("o:")], "organisation",
                    lambda n: n[2:], lambda n: n[2:].split()[0] if n[2:] else "", protected={})
        clusters: dict[str, list[str]] = defaultdict(list)
        for n in sorted(set(nodes) | {k[2] for k in keys}):  # in one order whatever the hash seed
            clusters[uf.find(n)].append(n)
        iri_of_root: dict[str, str] = {}
        for root, members in clusters.items():
            domains = sorted(m[2:] for m in members if m.startswith("d:"))
            names = Counter()
            for m in members:
                names.update(names_of.get(m, {}))
            if not names and not domains:
                continue
            page_iri = next((page_nodes[m] for m in sorted(members) if m in page_nodes), None)
            if domains:
                iri = page_iri or self.site.minted("organisation", domains[0])
            else:
                top = sorted(names.items(), key=lambda kv: (-kv[1], -len(kv[0]), kv[0]))[0][0]
                iri = self.site.minted("organisation", slugify(_org_norm(top)) or "unnamed")
            iri_of_root[root] = iri
            ent = self.entities.setdefault(iri, Entity(iri, "organisation", has_page=bool(page_iri)))
            ent.names.update(names)
            fixed_names = sorted({fixed[m] for m in members if fixed.get(m)})
            if fixed_names:
                ent.fixed_name = fixed_names[0]
            if len({_org_norm(n) for n in names}) > 1:
                self.merges.append({"kind": "organisation", "iri": iri, "names": sorted(names)})
        for name, written_url, node, url in keys:
            iri = iri_of_root[uf.find(node)]
            self.org_iri[(name, written_url)] = iri
            if homepage_domain(url, self.site_host):
                self.entities[iri].urls.add(url)

    def _fuzzy(self, uf: _Union, nodes: list[str], kind: str, text, block, protected: dict[str, str]) -> None:
        """Merge near-identical names within blocks; list the close calls."""
        blocks: dict[str, list[str]] = defaultdict(list)
        for n in nodes:
            if text(n):
                blocks[block(n)].append(n)
        for members in blocks.values():
            if len(members) < 2 or len(members) > 200:
                continue
            members.sort()
            texts = [text(m) for m in members]
            # each pair in turn (a before b, in name order), as the plain loop over all
            # pairs takes them; only the pairs that can merge or be a near miss
            for i, j in close_pairs(texts, kind == "person"):
                a, b = members[i], members[j]
                if uf.find(a) == uf.find(b):
                    continue
                if a in protected and b in protected and protected[a] != protected[b]:
                    continue
                score = fuzz.ratio(texts[i], texts[j])
                if kind == "person" and _compatible_first_names(texts[i], texts[j]):
                    score = max(score, MERGE_SCORE)
                if score >= MERGE_SCORE:
                    uf.union(a, b)
                elif score >= NEAR_SCORE:
                    self.near_misses.append({"kind": kind, "a": texts[i], "b": texts[j],
                                             "score": round(score, 1)})

    def diagnostics(self) -> list[Diagnostic]:
        """Info diagnostics for the merges made and near misses not merged."""
        out = [Diagnostic("near-miss", "info", f"{m['kind']}s {m['a']!r} and {m['b']!r} look alike "
                          f"(score {m['score']}) but were kept apart",
                          hint=f"if they are one, add an alias in {CURATION_FILE}")
               for m in self.near_misses]
        return out


def close_pairs(texts: list[str], people: bool) -> list[tuple[int, int]]:
    """The pairs ``(i, j)``, ``i < j``, in that order, of ``texts`` whose similarity
    (``fuzz.ratio``) may reach :data:`NEAR_SCORE` or, for ``people``, whose first names
    may be compatible (see :func:`_compatible_first_names`): every pair of which
    something may come, and few others. The scores of a block are worked out at once by
    rapidfuzz (in single precision: a hundredth of a point's margin), not pair by pair
    in Python: at 100,000 events a surname can have 200 spellings."""
    scores = process.cdist(texts, texts, scorer=fuzz.ratio, score_cutoff=NEAR_SCORE - 0.01)
    maybe = scores >= NEAR_SCORE - 0.01
    if people:
        firsts = [t.split() for t in texts]
        names = sorted({f[0] for f in firsts if len(f) >= 2})
        number = {name: k for k, name in enumerate(names)}
        of = np.array([number[f[0]] if len(f) >= 2 else -1 for f in firsts], dtype=np.intp)
        fits = np.array([[_first_names_fit(x, y) for y in names] for x in names], dtype=bool).reshape(
            len(names), len(names))
        has = of >= 0
        if has.any():
            at = np.where(has, of, 0)
            maybe |= has[:, None] & has[None, :] & fits[at[:, None], at[None, :]]
    return [(int(i), int(j)) for i, j in np.argwhere(np.triu(maybe, 1))]


def _first_names_fit(fa: str, fb: str) -> bool:
    """One first name is an initial or a prefix of the other (see :func:`_compatible_first_names`)."""
    return (len(fa) == 1 and fb.startswith(fa)) or (len(fb) == 1 and fa.startswith(fb)) or \
        (min(len(fa), len(fb)) >= 3 and (fa.startswith(fb) or fb.startswith(fa)))


def _compatible_first_names(a: str, b: str) -> bool:
    """Same surname and first names where one is an initial or prefix of the other."""
    ta, tb = a.split(), b.split()
    if len(ta) < 2 or len(tb) < 2 or ta[-1] != tb[-1] or ta == tb:
        return False
    return _first_names_fit(ta[0], tb[0])
