"""One node per real person and organisation across the whole site.

People and organisations named in event texts have no page of their own, and the same
one is written many ways: "DSIT" and "Department for Science, Innovation and
Technology", a speaker with a LinkedIn link at one event and without at the next,
"Dr Jane Doe" and "Jane Doe". The :class:`EntityResolver` sees every mention first,
then decides, in this order:

1. the site's curation file (``_kg/curation.yml``), which wins over every heuristic;
2. people: the site's people pages (by title), then profile links, then normalised
   names; organisations: homepage domain, then names already seen with a homepage;
3. acronyms of organisation names ("DSIT"), and a name written without the word of its
   kind ("Aapti" for "Aapti Institute");
4. fuzzy matching (rapidfuzz) inside blocks of likely candidates (same surname, same
   first word), so it is never quadratic: merged at :data:`MERGE_SCORE` or above,
   listed as a near miss in the report between :data:`NEAR_SCORE` and that.

Two people or organisations with a page each are never made one, whatever lies between
them: a name (or profile link) that could be either of two is joined to neither and
warned about (``ambiguous-name``); several funders with homepages on one site are one
organisation each, a link there going to the one whose homepage holds it.
"""
from __future__ import annotations

import json
import pickle
import re
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import numpy as np
from rapidfuzz import fuzz, process

from .errors import Diagnostic, MappingError
from .mapping import check_options, kind_of_value, line_of, read_yaml
from .resolve import (Index, acronym, acronym_capitals, domain_of, homepage_domain, homepage_path,
                      is_acronym, normalise, organisation_iri, written_key)
from .site import Site, slugify
from .union import Union

MERGE_SCORE = 92.0
NEAR_SCORE = 80.0
CURATION_FILE = "_kg/curation.yml"
#: What a curation file may hold: its sections, and the keys of an entry of each list of entries.
CURATION_SECTIONS = ("people", "organisations", "not_people", "not_organisations")
_ENTRY_KEYS = {"people": ("name", "aliases", "same_as"), "organisations": ("name", "aliases", "homepage")}
_ORG_SUFFIX = re.compile(r"\b(?:ltd|limited|inc|llp|plc|cic|uk)\b\.?$")
#: Last words that say what kind of organisation a name is: "Aapti Institute" is "Aapti"
#: written in full (see :meth:`EntityResolver._join_short_org_names`)
ORG_KIND_WORDS = frozenset("""institute foundation lab labs laboratory trust project network initiative centre
center society alliance group collective coalition agency council association union partnership programme""".split())


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
        """The name to show: curated or page name, else the most written (then longest),
        else (an organisation given only by its homepage) the end of its IRI, its site."""
        if self.fixed_name:
            return self.fixed_name
        return _top_name(self.names, self.kind == "person") if self.names else self.iri.rstrip("/").rsplit("/", 1)[-1]


def _top_name(names: Counter, person: bool = False) -> str:
    """The name written most often, then the longest, then the first in order; a handle
    (`@tbassetto`) only when no name is written out ("Thomas Bassetto", however seldom);
    of a ``person``, a first name alone ("Mary") only when no full name is ("Mary Towers")."""
    return min(names.items(), key=lambda kv: (kv[0].startswith("@"), person and " " not in kv[0].strip(), -kv[1],
                                              -len(kv[0]), kv[0]))[0]


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
    not_people_lines: dict[str, tuple[str, int | None]] = field(default_factory=dict)  # norm -> as written, line
    #: people told apart by their accents: two entries whose names (or aliases) are one
    #: normalised name written differently ("Zoë Ng", "Zoe Ng"); each is matched by its
    #: name as written (see :func:`written_key`), never by the normalised one
    person_written: dict[str, str] = field(default_factory=dict)     # written key -> name
    person_apart: set[str] = field(default_factory=set)              # norm names so told apart

    def fingerprint(self) -> str:
        """All the curation says, as text that is the same in every process (a set's
        order, and so its ``repr``, changes with the process's hash seed)."""
        return json.dumps([self.person_alias, self.person_same_as, self.org_alias, self.org_homepage,
                           sorted(self.not_people), sorted(self.not_organisations), self.source,
                           self.person_written, sorted(self.person_apart)])

    def person_name(self, name: str) -> str:
        """The name a person mention stands for: its curated entry's, else as written."""
        if normalise(name) in self.person_apart:
            return self.person_written.get(written_key(name), name)
        return self.person_alias.get(normalise(name), name)



def load_curation(site_root: Path, path: str | Path | None = None) -> Curation:
    """Read the curation file (``path``, else ``SITE/_kg/curation.yml``; none is fine).

    Format::

        people:
          - name: Jeni Tennison
            aliases: [Dr Jeni Tennison, J. Tennison]
            same_as: [https://www.linkedin.com/in/jenitennison]
          - name: Zoë Ng       # two people, whose names differ only by an accent:
          - name: Zoe Ng       # each is matched by its name as written
        organisations:
          - name: Department for Science, Innovation and Technology
            homepage: https://www.gov.uk/government/organisations/department-for-science-innovation-and-technology
            aliases: [DSIT]
        not_people: [Suffrage]
        not_organisations: [YouTube]

    Every value is read as the text written (a name ``No`` or ``010`` stays as it is).

    Raises:
        MappingError: at the line of the problem: the file is not UTF-8 or not valid YAML;
            a section, or a key of an entry, is unknown or written twice; a name is not
            text; a homepage is not an http(s) address an organisation can be known by;
            one alias, profile link or homepage is given to two entries (two people's
            names may differ by accents alone); a name is both in ``people:`` and in
            ``not_people:``.
    """
    p = Path(path) if path else site_root / CURATION_FILE
    cur = Curation()
    if not p.is_file():
        if path:
            raise MappingError("curation file not found", path=p)
        return cur
    data = read_yaml(p, "curation file", text_scalars=True)
    data = {} if data is None else data
    if not isinstance(data, dict):
        raise MappingError("curation file must be a mapping with people/organisations/not_people", path=p,
                           line=line_of(data), hint=f"sections: {', '.join(CURATION_SECTIONS)}")
    check_options(data, CURATION_SECTIONS, "curation file: ", str(p), noun="section")
    cur.source = str(p)
    person_alias: dict[str, tuple[str, int | None]] = {}  # written alias -> name, line of its entry
    names_of_norm: dict[str, dict[str, str]] = defaultdict(dict)  # norm alias -> written alias -> name
    profile_of: dict[str, tuple[str, int | None]] = {}
    for entry, line in _entries(data, "people", p):
        name = _entry_name(entry, line, p, "people")
        for alias, at in [(name, line)] + _names(entry.get("aliases"), p, "aliases", entry, "aliases"):
            _claim(person_alias, written_key(alias), name, at, line, p, f"alias {alias!r}", "person")
            names_of_norm[normalise(alias)][written_key(alias)] = name
        for url, at in _names(entry.get("same_as"), p, "same_as", entry, "same_as"):
            key = profile_key(url)
            if not key:
                raise MappingError(f"`same_as:` {url!r} of {name!r} is not a link to a profile", path=p,
                                   line=at, hint="a profile's full address, such as "
                                   "https://www.linkedin.com/in/jane-doe")
            _claim(profile_of, key, name, at, line, p, f"profile {url!r}", "person")
            cur.person_same_as[key] = name
    for norm, written in names_of_norm.items():
        if len(set(written.values())) == 1:
            cur.person_alias[norm] = next(iter(written.values()))
        else:  # two people whose names differ by accents alone
            cur.person_apart.add(norm)
            cur.person_written.update(written)
    org_alias: dict[str, tuple[str, int | None]] = {}
    org_site: dict[str, tuple[str, int | None]] = {}
    for entry, line in _entries(data, "organisations", p):
        name = _entry_name(entry, line, p, "organisations")
        for alias, at in [(name, line)] + _names(entry.get("aliases"), p, "aliases", entry, "aliases"):
            _claim(org_alias, normalise(alias), name, at, line, p, f"alias {alias!r}", "organisation")
            cur.org_alias[normalise(alias)] = name
        if entry.get("homepage") is not None:
            url, at = _homepage(entry, name, p)
            _claim(org_site, homepage_domain(url) or url, name, at, line, p, f"homepage {url!r}", "organisation",
                   "if they are one organisation, make them one entry, the other name among its `aliases:`")
            cur.org_homepage[normalise(name)] = url
    not_people = _names(data.get("not_people"), p, "not_people", data, "not_people")
    for name, at in not_people:
        if normalise(name) in cur.person_alias or normalise(name) in cur.person_apart:
            owner, entry_line = next(person_alias[w] for w in names_of_norm[normalise(name)])
            raise MappingError(f"{name!r} is under `not_people:` and is {owner!r} under `people:` (line "
                               f"{entry_line})", path=p, line=at, hint="remove it from one of the two")
    cur.not_people = {normalise(n) for n, _ in not_people}
    cur.not_people_lines = {normalise(n): (n, at) for n, at in not_people}
    cur.not_organisations = {normalise(n) for n, _ in _names(data.get("not_organisations"), p,
                                                              "not_organisations", data, "not_organisations")}
    return cur


def _entries(data: dict, section: str, path: Path) -> list[tuple[dict, int | None]]:
    """The entries of a section (each a mapping of known keys), with their lines."""
    entries = data.get(section)
    if entries is None:
        return []
    if not isinstance(entries, list):
        raise MappingError(f"`{section}:` must be a list of entries, each starting `- name:`", path=path,
                           line=line_of(data, section),
                           hint=f"put each on its own line below `{section}:`, as `  - name: …`")
    out = []
    for i, entry in enumerate(entries):
        line = line_of(entries, i)
        if not isinstance(entry, dict):
            raise MappingError(f"every entry under `{section}:` needs a `name:`", path=path, line=line,
                               hint=f"write it as `- name: …` with {', '.join(_ENTRY_KEYS[section][1:])} below")
        check_options(entry, _ENTRY_KEYS[section], f"an entry under `{section}:`: ", str(path), noun="key")
        out.append((entry, line))
    return out


def _claim(owners: dict[str, tuple[str, int | None]], key: str, name: str, at: int | None,
           entry_line: int | None, path: Path, what: str, kind: str, hint: str | None = None) -> None:
    """Note that ``key`` (an alias, a profile, a homepage) is ``name``'s; it is an error
    when it is another entry's already (the last would win in silence)."""
    if key in owners and owners[key][0] != name:
        other, line = owners[key]
        raise MappingError(f"{what} is given to two {'people' if kind == 'person' else kind + 's'}: {other!r} "
                           f"(line {line}) and {name!r} (line "
                           f"{entry_line})", path=path, line=at,
                           hint=hint or f"keep it under the one {kind} it names")
    owners.setdefault(key, (name, entry_line))


def _homepage(entry: dict, name: str, path: Path) -> tuple[str, int | None]:
    """An organisation's curated homepage: an http(s) address on a host that can stand
    for an organisation (not YouTube, LinkedIn and other shared hosts)."""
    url, at = entry["homepage"], line_of(entry, "homepage")
    if not isinstance(url, str):
        raise MappingError(f"`homepage:` of {name!r} must be one address, not {kind_of_value(url)}",
                           path=path, line=at, hint="give the organisation's own site, such as https://example.org/")
    url = url.strip()
    try:
        parts = urlsplit(url)
        good = parts.scheme in ("http", "https") and bool(parts.hostname) and " " not in url
    except ValueError:
        good = False
    if not good:
        raise MappingError(f"`homepage:` of {name!r} is not a web address: {url!r}", path=path, line=at,
                           hint="write it in full, with https://, such as https://example.org/")
    if homepage_domain(url) is None:
        raise MappingError(f"`homepage:` of {name!r} is on a site many organisations share "
                           f"({domain_of(url)}), so it cannot say which organisation it is", path=path, line=at,
                           hint="give the organisation's own site, or remove `homepage:`")
    return url, at


def _names(value: Any, path: Path, key: str, where: Any = None, where_key: Any = None) -> list[tuple[str, int | None]]:
    """A curation list of names (or URLs), each with its line; one written alone, not as
    a list, is a list of one (iterated, its letters would each be a name)."""
    if value is None:
        return []
    if isinstance(value, (str, int, float)) and not isinstance(value, bool):
        return [(str(value), line_of(where, where_key))] if str(value).strip() else []
    if isinstance(value, list) and all(isinstance(v, (str, int, float)) and not isinstance(v, bool)
                                       and str(v).strip() for v in value):
        return [(str(v), line_of(value, i) or line_of(where, where_key)) for i, v in enumerate(value)]
    raise MappingError(f"`{key}:` in the curation file must be a name or a list of names", path=path,
                       line=line_of(where, where_key), hint="write names as text, one per `- ` line or "
                       "in [brackets]")


def _entry_name(entry: Any, line: int | None, path: Path, section: str) -> str:
    if not isinstance(entry, dict) or entry.get("name") is None:
        raise MappingError(f"every entry under `{section}:` needs a `name:`", path=path, line=line)
    name = entry["name"]
    if not isinstance(name, (str, int, float)) or isinstance(name, bool):
        raise MappingError(f"`name:` under `{section}:` must be one name, not {kind_of_value(name)}",
                           path=path, line=line_of(entry, "name"),
                           hint="give other spellings under `aliases:`")
    if not str(name).strip():
        raise MappingError(f"every entry under `{section}:` needs a `name:`", path=path, line=line_of(entry, "name"))
    return str(name).strip()


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


def _org_norm(name: str) -> str:
    n = normalise(name)
    n = re.sub(r"^the\s+", "", n)
    return _ORG_SUFFIX.sub("", n).strip()


def _page_on(pages: list[tuple[tuple[str, ...], str]] | None, folders: tuple[str, ...]) -> str | None:
    """The node of the page a link is to, when pages have their homepages on its site
    (``pages``: each one's folders and IRI): the one whose homepage holds the link's
    folders most closely (EPSRC at ``ukri.org/councils/epsrc`` for a link to
    ``ukri.org/councils/epsrc/news``), not one at the site's root (that one is the site's
    own node's, see ``EntityResolver._give_sites_to_pages``); ``None`` when none holds them."""
    held = [(-len(below), page) for below, page in pages or () if below and folders[:len(below)] == below]
    return "p:" + min(held)[1] if held else None


#: An organisation mention as :meth:`EntityResolver._resolve_orgs` reads it: the name and
#: link written, its page (if it has one), the name and homepage it stands for (the
#: curation applied) and that homepage's key (see :func:`kg.resolve.homepage_domain`).
_OrgMention = tuple[str | None, str | None, str | None, str | None, str | None, str | None]


@dataclass
class _OrgWork:
    """What :meth:`EntityResolver._resolve_orgs` works out on the way, step by step."""

    mentions: list[_OrgMention]
    uf: Union = field(default_factory=Union)
    #: homepage key -> (the folders of its homepage below the key, page) of each page there
    on_domain: dict[str, list[tuple[tuple[str, ...], str]]] = field(default_factory=lambda: defaultdict(list))
    #: page -> the first name written of it
    page_names: dict[str, str] = field(default_factory=dict)
    #: node -> the names written there
    names_of: dict[str, Counter] = field(default_factory=lambda: defaultdict(Counter))
    #: node -> the name it shows (a curated name, its page's)
    fixed: dict[str, str] = field(default_factory=dict)
    #: "o:" node -> the names written for it (for warnings)
    spelled: dict[str, Counter] = field(default_factory=lambda: defaultdict(Counter))
    #: each mention placed: its name and link as written, its node, its homepage
    keys: list[tuple[str, str | None, str, str | None]] = field(default_factory=list)
    #: acronym -> a node of the organisation it joined
    joined: dict[str, str] = field(default_factory=dict)


def _org_node(on_domain: dict[str, list[tuple[tuple[str, ...], str]]], page: str | None, canonical: str | None,
              url: str | None, domain: str | None) -> str | None:
    """A mention's node: its page, else the page or site its homepage is on, else its name (``None``: none of them)."""
    if page:
        return "p:" + page
    if domain:
        return _page_on(on_domain.get(domain), homepage_path(url)) or "d:" + domain  # type: ignore[arg-type]
    if canonical:
        return "o:" + _org_norm(canonical)
    return None


def _nodes_by_acronym(names_of: dict[str, Counter]) -> dict[str, set[str]]:
    """Each acronym (three letters or more) of the names written, with the nodes they are written at."""
    by_acronym: dict[str, set[str]] = defaultdict(set)
    for node in sorted(names_of):
        for n in names_of[node]:
            a = acronym(n)
            if len(a) >= 3:
                by_acronym[a].add(node)
    return by_acronym


#: What a comparison of two names says (see :meth:`EntityResolver._fuzzy`): called with
#: their nodes and texts, whether they are one (and their score), or ``None`` (neither
#: one nor close)
_Verdict = Callable[[str, str, str, str], "tuple[bool, float] | None"]


class EntityResolver:
    """Collects every mention of a person or organisation, then settles one node for each."""

    def __init__(self, site: Site, index: Index, curation: Curation | None = None) -> None:
        self.site = site
        self.site_host = domain_of(site.base_url)
        self.index = index
        self.curation = curation or Curation()
        self._people: list[tuple[str, str | None]] = []
        self._people_orgs: list[str | None] = []   # the organisation beside each of _people, normalised
        self._orgs: list[tuple[str | None, str | None, str | None]] = []
        self.person_iri: dict[tuple[str, str | None], str] = {}
        self.org_iri: dict[tuple[str, str | None], str] = {}
        self.entities: dict[str, Entity] = {}
        self.merges: list[dict[str, Any]] = []
        self.near_misses: list[dict[str, Any]] = []
        #: names (or profile links) that could be either of two things with a page each,
        #: joined to neither (see :meth:`_join`)
        self.ambiguous: list[dict[str, Any]] = []
        #: people's names joined to a person page by a close spelling alone (see
        #: :meth:`_note_spelling_joins`): the name, the page and its title
        self.spelled_as_page: list[dict[str, Any]] = []

    # -- collecting ------------------------------------------------------------------
    def is_person(self, name: str) -> bool:
        """False when the curation file says ``name`` is not a person."""
        return normalise(name) not in self.curation.not_people

    def add_person(self, name: str, url: str | None, organisation: str | None = None) -> None:
        """Record a mention of a person (``organisation``: the one written beside it)."""
        self._people.append((name, url))
        self._people_orgs.append(_org_norm(organisation) if organisation else None)

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
        return pickle.dumps((self.person_iri, self.org_iri, self.entities, self.merges, self.near_misses,
                             self.ambiguous, self.spelled_as_page), protocol=pickle.HIGHEST_PROTOCOL)

    def take_outcome(self, data: bytes) -> None:
        """Take what :meth:`resolve` decided in a build from the same mentions, pages and
        curation (see :meth:`outcome`), instead of resolving again: all of it, or
        nothing (it raises) when ``data`` is not such an outcome."""
        (self.person_iri, self.org_iri, self.entities, self.merges, self.near_misses,
         self.ambiguous, self.spelled_as_page) = pickle.loads(data)

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
        """A mention's node key (by curated or written name) and the name it stands for:
        by its normalised name, or by its name as written where the curation tells apart
        people whose names differ by accents alone (``w:``)."""
        canonical = self.curation.person_name(name)
        pkey = profile_key(url)
        if pkey and pkey in self.curation.person_same_as:
            canonical = self.curation.person_same_as[pkey]
        norm = normalise(canonical)
        if norm in self.curation.person_apart:
            return "w:" + written_key(canonical), canonical
        return "n:" + norm, canonical

    def _told_apart_iri(self, node: str) -> str | None:
        """The IRI of a person the curation tells apart from another by accents alone
        (``node`` is its entry's), which holds its set as a page does (see :class:`Union`)."""
        if node.startswith("w:") and self.curation.person_written.get(node[2:]):
            return self._minted_person(node[2:])
        return None

    def _minted_person(self, key: str) -> str:
        """The IRI of a person without a page whose name's key (normalised, or as written
        for names the curation tells apart by accents) is ``key``."""
        return self.site.minted("person", slugify(key) or "unnamed")

    def _resolve_people(self) -> None:
        uf = Union()
        labels = self.index.labels.get("person", {})
        own_page: dict[str, str] = {}  # node -> the page its name is the title (or file name) of
        curated: dict[str, str] = {}
        names_of: dict[str, Counter] = defaultdict(Counter)
        links: list[tuple[str, str]] = []
        apart: dict[str, str] = {}  # IRI -> name, of people the curation gives an entry without a page
        entries = {normalise(name) for name in self.curation.person_alias.values()}
        written_pages: dict[str, str] | None = None  # person pages by their titles as written
        for name, url in self._people:
            node, canonical = self._person_node(name, url)
            uf.find(node)
            names_of[node][name] += 1
            if canonical != name:
                curated[node] = canonical
            if node not in own_page:
                if node.startswith("w:"):  # the page of this name as written, not the other's
                    if written_pages is None:
                        written_pages = {written_key(label): iri for iri, label in sorted(labels.items())}
                    page = written_pages.get(node[2:])
                else:
                    page = self.index.resolve("person", canonical, suggest=False).iri
                # a curation entry holds its set as a page does: no close spelling joins it to another
                iri = page or self._told_apart_iri(node) or (
                    self._minted_person(node[2:]) if node.startswith("n:") and node[2:] in entries else None)
                if iri and uf.claim(node, iri):
                    own_page[node] = iri
                    uf.union(node, "p:" + iri)  # every name of one page is that person
                    if not page:
                        apart[iri] = canonical
            pkey = profile_key(url)
            if pkey:  # one profile link, one person
                links.append((node, "u:" + pkey))
        # every person page is a name too, for names close to it to join ("Jon Quayle" and
        # the page of Jonathan Quayle), though no text names the page as it is titled
        page_nodes = []
        for iri, label in sorted(labels.items()):
            norm = normalise(label)
            node = "w:" + written_key(label) if norm in self.curation.person_apart else "n:" + norm
            if node not in own_page and node not in names_of and norm and uf.claim(node, iri):
                uf.union(node, "p:" + iri)
                own_page[node] = iri
                page_nodes.append(node)
        labels = {**labels, **apart}
        self._join(uf, list(dict.fromkeys(links)), "person", names_of, labels)
        self._join(uf, self._first_names_of_one_organisation(uf), "person", names_of, labels)
        nodes = sorted(names_of)
        paged = {n for n in nodes if uf.page_of(n)}
        # close spellings of one surname, then close surnames of one first name
        self._fuzzy(uf, sorted(nodes + page_nodes), "person", lambda t: t.split()[-1],
                    _close_spelling(own_page, True), names_of, labels, first_names=True)
        self._fuzzy(uf, sorted(n for n in nodes + page_nodes if " " in n[2:]), "person", lambda t: t.split()[0],
                    _close_surname(own_page), names_of, labels)
        self._note_spelling_joins(uf, [n for n in nodes if n not in paged and uf.page_of(n)], names_of, labels)
        clusters: dict[str, list[str]] = defaultdict(list)
        for n in nodes:
            clusters[uf.find(n)].append(n)
        iri_of_root: dict[str, str] = {}
        for root, members in clusters.items():
            page = uf.page_of(root)  # one at most: see Union
            names: Counter = Counter()
            for m in members:
                names.update(names_of[m])
            fixed = sorted({curated[m] for m in members if m in curated})
            if page:
                iri = page
            else:
                top = fixed[0] if fixed else _top_name(names, person=True)
                key = normalise(top)
                if key in self.curation.person_apart:  # one of those the curation tells apart, or neither
                    key = written_key(top)
                iri = self._minted_person(key)
            iri_of_root[root] = iri
            ent = self.entities.setdefault(iri, Entity(iri, "person", has_page=bool(page) and page not in apart))
            ent.names.update(names)
            if page in apart:
                ent.fixed_name = apart[page]
            elif fixed and not page:
                ent.fixed_name = fixed[0]
            listed = set(names)
            if page in labels and any(m not in own_page for m in members):
                listed.add(labels[page])  # a name joined to the page by a close spelling or a link, not by its title
            if len({normalise(n) for n in listed}) > 1:
                self.merges.append({"kind": "person", "iri": iri, "names": sorted(listed)})
        for name, url in self._people:
            iri = iri_of_root[uf.find(self._person_node(name, url)[0])]
            self.person_iri[(name, url)] = iri
            if url:
                self.entities[iri].urls.add(url)

    def _first_names_of_one_organisation(self, uf: Union) -> list[tuple[str, str]]:
        """Pairs to join: a person named by a first name alone beside an organisation
        ("Mary, TUC") and the one person of that first name written in full beside the
        same organisation elsewhere ("Mary Towers, TUC"); none when two such people are
        ("Mary Towers" and "Mary Smith" of the TUC: either), or when the first name is
        written beside another organisation, or none, too (every "Mary" is one node)."""
        full: dict[tuple[str, str], set[str]] = defaultdict(set)   # (first name, organisation) -> full names' nodes
        orgs_of: dict[str, set[str | None]] = defaultdict(set)     # a first name's node -> its mentions' organisations
        for (name, url), org in zip(self._people, self._people_orgs):
            node = self._person_node(name, url)[0]
            words = node[2:].split()
            if len(words) == 1 and words[0].isalpha():
                orgs_of[node].add(org)
            elif len(words) > 1 and org is not None:
                full[(words[0], org)].add(node)
        pairs = []
        for node, orgs in sorted(orgs_of.items()):
            if len(orgs) != 1 or None in orgs:
                continue   # every "Mary" of the site is one node: all of one organisation, or none joined
            nodes = full.get((node[2:], next(iter(orgs))), set())
            if len({uf.find(n) for n in nodes}) == 1:
                pairs.append((node, min(nodes)))
        return pairs

    def _note_spelling_joins(self, uf: Union, nodes: list[str], names_of: dict[str, Counter],
                             labels: dict[str, str]) -> None:
        """Note each name of ``nodes`` (joined to a person page, or to a curation entry,
        by a close spelling, not by the page's title, an alias or a profile link) for a
        warning: "Dan Lee" shown as Daniela Lee is kg's guess, which the editor can confirm
        or undo."""
        for node in nodes:
            page = uf.page_of(node)
            for name in sorted(names_of[node]):
                self.spelled_as_page.append({"name": name, "page": page, "title": labels.get(page, page)})

    def _resolve_orgs(self) -> None:
        """Settle every organisation mention on one entity (in the order the module's docstring gives)."""
        work = _OrgWork(mentions=self._org_mentions())
        self._claim_org_pages(work)
        self._give_sites_to_pages(work)
        said = self._place_org_mentions(work)
        self._join(work.uf, said, "organisation", work.spelled, work.page_names)
        self._join_org_acronyms(work)
        self._join_short_org_names(work)
        self._join_close_org_names(work)
        iri_of_root = self._make_org_entities(work)
        self._note_acronym_merges(work, iri_of_root)
        self._record_org_iris(work, iri_of_root)

    def _org_mentions(self) -> list[_OrgMention]:
        """Each organisation mention, with the name and homepage it stands for (curated first) and its key."""
        mentions = []
        for name, written_url, page in self._orgs:
            canonical = self.curation.org_alias.get(normalise(name), name) if name else None
            url = written_url
            if canonical and normalise(canonical) in self.curation.org_homepage:
                url = self.curation.org_homepage[normalise(canonical)]  # the curated homepage wins
            mentions.append((name, written_url, page, canonical, url, homepage_domain(url, self.site_host)))
        return mentions

    def _claim_org_pages(self, work: _OrgWork) -> None:
        """Give each organisation with a page (a funder) a set of its own, holding the name its title is."""
        uf = work.uf
        for name, _written_url, page, canonical, url, domain in work.mentions:
            if not page:
                continue
            # an organisation with a page is that page, homepage or not
            uf.claim("p:" + page, page)
            if canonical:  # and its title names it (another page's name or link cannot)
                uf.union("p:" + page, "o:" + _org_norm(canonical))
            if name:
                work.page_names.setdefault(page, name)
            if domain:
                work.on_domain[domain].append((homepage_path(url), page))

    def _give_sites_to_pages(self, work: _OrgWork) -> None:
        """Join each homepage key that pages have their homepages at to the page a link to its site is to."""
        for domain, pages in work.on_domain.items():
            # the only page there, or of several the one keyed by the site alone (its
            # homepage at the site's root: see kg.records._separate_conflicts, which
            # decides it, and organisation_iri), else (see _page_on) none
            alone = organisation_iri(self.site, domain)
            keyed = [page for _, page in pages if page == alone]
            owner = pages[0][1] if len(pages) == 1 else keyed[0] if keyed else None
            if owner:
                work.uf.union("d:" + domain, "p:" + owner)

    def _place_org_mentions(self, work: _OrgWork) -> list[tuple[str, str]]:
        """Put each mention on its node, noting its names; return the node pairs its name and link say are one."""
        said: list[tuple[str, str]] = []
        uf, names_of, spelled, fixed = work.uf, work.names_of, work.spelled, work.fixed
        for name, written_url, page, canonical, url, domain in work.mentions:
            node = _org_node(work.on_domain, page, canonical, url, domain)
            if node is None:
                continue
            uf.find(node)
            if canonical:
                names_of[node][name] += 1
                said.append((node, "o:" + _org_norm(canonical)))
                spelled["o:" + _org_norm(canonical)][name] += 1
                names_of.setdefault("o:" + _org_norm(canonical), Counter())
                if canonical != name:
                    fixed[node] = canonical
            if page:
                fixed[node] = name or fixed.get(node, "")
            work.keys.append((name or "", written_url, node, url))
        return list(dict.fromkeys(said))

    def _join_org_acronyms(self, work: _OrgWork) -> None:
        """Join each name written as an acronym ("DSIT") to the one organisation whose initials it is."""
        uf, names_of = work.uf, work.names_of
        by_acronym = _nodes_by_acronym(names_of)
        for node in sorted(names_of):
            for n in sorted(names_of[node]):
                if is_acronym(n):
                    # the sets as they are now, after the joins before (not as they were)
                    targets = {uf.find(t) for t in by_acronym.get(acronym_capitals(n), ())} - {uf.find(node)}
                    if len(targets) == 1 and uf.union(node, targets.pop()):
                        work.joined.setdefault(n, node)

    def _join_short_org_names(self, work: _OrgWork) -> None:
        """Join an organisation's name to the one that is it with a word of its kind after
        it ("Aapti" and "Aapti Institute", "Open Future" and "Open Future Foundation"; see
        :data:`ORG_KIND_WORDS`) when only one name so adds to it: "Fair Society" beside
        "Fair Society Group" and "Fair Society Initiative" could be either, and joins neither."""
        nodes = {n for n in work.names_of if n.startswith("o:")}
        longer: dict[str, list[str]] = defaultdict(list)
        for n in sorted(nodes):
            words = n[2:].split()
            if len(words) >= 2 and words[-1] in ORG_KIND_WORDS and "o:" + " ".join(words[:-1]) in nodes:
                longer["o:" + " ".join(words[:-1])].append(n)
        self._join(work.uf, [(short, found[0]) for short, found in sorted(longer.items()) if len(found) == 1],
                   "organisation", work.spelled, work.page_names)

    def _join_close_org_names(self, work: _OrgWork) -> None:
        """Join organisations' names that are close spellings of one name (see :meth:`_fuzzy`)."""
        self._fuzzy(work.uf, [n for n in sorted(work.names_of) if n.startswith("o:")], "organisation",
                    lambda t: t.split()[0], _close_spelling({}, False), work.spelled, work.page_names)

    def _make_org_entities(self, work: _OrgWork) -> dict[str, str]:
        """Make an entity of each set of nodes that has a name, homepage or page; the IRI of each set, by its root."""
        clusters: dict[str, list[str]] = defaultdict(list)
        for n in sorted(set(work.names_of) | {k[2] for k in work.keys}):  # in one order whatever the hash seed
            clusters[work.uf.find(n)].append(n)
        iri_of_root: dict[str, str] = {}
        for root, members in clusters.items():
            iri = self._make_org_entity(work, root, members)
            if iri is not None:
                iri_of_root[root] = iri
        return iri_of_root

    def _make_org_entity(self, work: _OrgWork, root: str, members: list[str]) -> str | None:
        """Make (or add to) one set's entity, noting a merge of names; its IRI (None: no name, homepage or page)."""
        domains = sorted(m[2:] for m in members if m.startswith("d:"))
        names: Counter = Counter()
        for m in members:
            names.update(work.names_of.get(m, {}))
        page_iri = work.uf.page_of(root)
        if not names and not domains and not page_iri:
            return None
        iri = self._org_entity_iri(page_iri, domains, names)
        ent = self.entities.setdefault(iri, Entity(iri, "organisation", has_page=bool(page_iri)))
        ent.names.update(names)
        fixed_names = sorted({work.fixed[m] for m in members if work.fixed.get(m)})
        if fixed_names:
            ent.fixed_name = fixed_names[0]
        if len({_org_norm(n) for n in names}) > 1:
            self.merges.append({"kind": "organisation", "iri": iri, "names": sorted(names)})
        return iri

    def _org_entity_iri(self, page_iri: str | None, domains: list[str], names: Counter) -> str:
        """An organisation's IRI: its page's, else its first homepage key's, else its name's."""
        if page_iri:
            return page_iri
        if domains:
            return organisation_iri(self.site, domains[0])
        return self.site.minted("organisation", slugify(_org_norm(_top_name(names))) or "unnamed")

    def _note_acronym_merges(self, work: _OrgWork, iri_of_root: dict[str, str]) -> None:
        """Note each acronym that joined an organisation among the merges, once whatever its number of mentions."""
        for n, node in sorted(work.joined.items()):
            self.merges.append({"kind": "organisation", "iri": iri_of_root[work.uf.find(node)], "names": [n],
                                "reason": "acronym"})

    def _record_org_iris(self, work: _OrgWork, iri_of_root: dict[str, str]) -> None:
        """Note the IRI of each mention, and each homepage written or curated as its entity's link."""
        for name, written_url, node, url in work.keys:
            iri = iri_of_root[work.uf.find(node)]
            self.org_iri[(name, written_url)] = iri
            if homepage_domain(url, self.site_host):
                self.entities[iri].urls.add(url)

    def _fuzzy(self, uf: Union, nodes: list[str], kind: str, block: Callable[[str], str],
               verdict: _Verdict, names_of: dict[str, Counter],
               page_names: dict[str, str], first_names: bool = False) -> None:
        """Compare the names of ``nodes`` (each node's text after its ``x:`` prefix) within
        their ``block``, only the pairs that may be close (see :func:`close_pairs`, with
        ``first_names``); join those ``verdict(a, b, text_a, text_b)`` says are one
        (``(True, score)``: see :meth:`_join`) and list as near misses those it says are
        close but apart (``(False, score)``); ``None``: neither."""
        blocks: dict[str, list[str]] = defaultdict(list)
        for n in nodes:
            if n[2:]:
                blocks[block(n[2:])].append(n)
        merge: list[tuple[str, str]] = []
        near: list[tuple[str, str, dict[str, Any]]] = []
        for members in blocks.values():
            if len(members) < 2 or len(members) > 200:
                continue
            members.sort()
            texts = [m[2:] for m in members]
            # each pair in turn (a before b, in name order), as the plain loop over all
            # pairs takes them; only the pairs that can merge or be a near miss
            for i, j in close_pairs(texts, first_names):
                a, b = members[i], members[j]
                said = None if uf.find(a) == uf.find(b) else verdict(a, b, texts[i], texts[j])
                if said is not None and said[0]:
                    merge.append((a, b))
                elif said is not None:
                    near.append((a, b, {"kind": kind, "a": texts[i], "b": texts[j], "score": round(said[1], 1)}))
        self._join(uf, merge, kind, names_of, page_names)
        self.near_misses.extend(m for a, b, m in near if uf.find(a) != uf.find(b))

    def _join(self, uf: Union, pairs: list[tuple[str, str]], kind: str, names_of: dict[str, Counter],
              page_names: dict[str, str]) -> None:
        """Join the two sets of each pair (names found to be one thing's: a shared
        profile link, a name and link written together, a close spelling), never making
        two things with a page each one, in an order that does not depend on the order of
        the pairs: first the sets without a page among themselves, then each such set to
        the page its pairs reach, if only one. A set whose pairs reach two pages ("Jan
        Smith" as close to the page of Jane Smith as to that of Jana Smith) joins neither
        and is noted in :attr:`ambiguous` for a warning (with the names ``names_of`` gives
        its nodes and the pages' ``page_names``): the editor can tell which it is, kg cannot."""
        later = []
        for a, b in pairs:
            if uf.page_of(a) is None and uf.page_of(b) is None:
                uf.union(a, b)
            else:
                later.append((a, b))
        reach: dict[str, dict[str, None]] = defaultdict(dict)  # set without a page -> the pages it reaches
        for a, b in later:
            pa, pb = uf.page_of(a), uf.page_of(b)
            if pa is None or pb is None:
                reach[uf.find(a if pa is None else b)][pa or pb] = None  # type: ignore[index]
        members: dict[str, list[str]] | None = None
        for root, pages in reach.items():
            if len(pages) == 1:
                uf.union(root, "p:" + next(iter(pages)))
                continue
            if members is None:
                members = defaultdict(list)
                for x in sorted(uf.parent):
                    members[uf.find(x)].append(x)
            names = sorted({n for m in members[root] for n in names_of.get(m, ())})
            self.ambiguous.append({
                "kind": kind, "names": names, "profiles": sorted(m[2:] for m in members[root] if m.startswith("u:")),
                "pages": {page: page_names.get(page, page) for page in sorted(pages)}})

    def diagnostics(self, written_at: Callable[[str, str], tuple[str | None, int | None]] | None = None
                    ) -> list[Diagnostic]:
        """Info diagnostics for the near misses not merged; a warning for each name (or
        profile link) that could be either of two people or organisations with a page
        each, and so was joined to neither; a warning for each person's name joined to a
        page by a close spelling alone, at the file and line ``written_at`` gives for the
        name (as written); a warning for each name under
        the curation file's ``not_people:`` that is the title of a person page (the
        curation wins: that name in event texts is no speaker, but the page says it is
        a person)."""
        out = [Diagnostic("near-miss", "info", f"{m['kind']}s {m['a']!r} and {m['b']!r} look alike "
                          f"(score {m['score']}) but were kept apart",
                          hint=f"if they are one, add an alias in {CURATION_FILE}")
               for m in self.near_misses]
        out.extend(_ambiguous_diagnostic(a, written_at) for a in self.ambiguous)
        for j in self.spelled_as_page:
            path, line = written_at(j["name"], "person") if written_at else (None, None)
            out.append(Diagnostic(
                "name-joined-to-page", "warning", f"{j['name']!r} is taken as {j['title']!r} ({j['page']}), whose "
                "name is spelled close to it", path, line, value=j["name"],
                hint=f"if they are one person, add {j['name']!r} to the `aliases:` of {j['title']!r} under "
                     f"`people:` in {CURATION_FILE}; if they are two, add `- name: {j['name']}` under `people:`"))
        pages = self.index.titles.get("person", {})
        for norm, (name, line) in sorted(self.curation.not_people_lines.items()):
            if norm in pages:
                out.append(Diagnostic(
                    "not-person-has-page", "warning", f"`not_people:` lists {name!r}, who has a person page "
                    f"({pages[norm]}): that name in event texts is not read as a speaker", self._curation_path(),
                    line, "not_people", name, hint=f"remove {name!r} from `not_people:`"))
        return out

    def _curation_path(self) -> str | None:
        """The curation file as reports name site files: from the site folder when in it."""
        source = self.curation.source
        if source is None:
            return None
        try:
            return Path(source).resolve().relative_to(Path(self.site.root).resolve()).as_posix()
        except (ValueError, OSError):
            return source


def _ambiguous_diagnostic(found: dict[str, Any],
                          written_at: Callable[[str, str], tuple[str | None, int | None]] | None) -> Diagnostic:
    """The warning for a name (or profile link) that could be either of two people or
    organisations with a page each (see :meth:`EntityResolver._join`): at the file and
    line ``written_at`` gives for its first name, where the editor settles it."""
    kind, names, profiles = found["kind"], found["names"], found["profiles"]
    pages = [f"{label!r} ({iri})" for iri, label in found["pages"].items()]
    who = "who" if kind == "person" else "which"
    if names:
        what = " and ".join(repr(n) for n in names[:3]) + (f" and {len(names) - 3} more" if len(names) > 3 else "")
        message = f"{what} could be {', '.join(pages[:-1])} or {pages[-1]}, {who} each have a page: joined to neither"
        section = "people" if kind == "person" else "organisations"
        hint = f"if it is one of them, add it to that one's `aliases:` under `{section}:` in {CURATION_FILE}"
    else:
        what = "the profile link " + " and ".join(profiles)
        message = f"{what} is given to {', '.join(pages[:-1])} and {pages[-1]}, {who} each have a page"
        hint = "correct the link where it is wrong"
    path, line = written_at(names[0], kind) if names and written_at else (None, None)
    return Diagnostic("ambiguous-name", "warning", message, path, line,
                      value=(names or profiles or [None])[0], hint=hint)


def _close_spelling(own_page: dict[str, str], people: bool) -> _Verdict:
    """The verdict (see :meth:`EntityResolver._fuzzy`) on two names of one block: one at
    :data:`MERGE_SCORE` or more (people whose first names are an initial or a start of
    the other, of one surname, too), close from :data:`NEAR_SCORE`; never two names that
    are each a page's (``own_page``), nor two curation entries."""
    def verdict(a: str, b: str, ta: str, tb: str) -> tuple[bool, float] | None:
        if a in own_page and b in own_page and own_page[a] != own_page[b]:
            return None
        score = fuzz.ratio(ta, tb)
        if people and _compatible_first_names(ta, tb):
            score = max(score, MERGE_SCORE)
        return (True, score) if score >= MERGE_SCORE else (False, score) if score >= NEAR_SCORE else None
    return verdict


def _close_surname(own_page: dict[str, str]) -> _Verdict:
    """The verdict (see :meth:`EntityResolver._fuzzy`) on two people's names of one first
    name (already close): one when their surnames differ only by a doubled letter
    ("Natalie Bennet", "Natalie Bennett"), else close but apart when the surnames alone
    score :data:`SURNAME_NEAR_SCORE` ("Maël Nilson", "Maël Nison": two surnames may be two
    people); neither when the surname is one (compared by surname already) or both are a
    page's or a curation entry's."""
    def verdict(a: str, b: str, ta: str, tb: str) -> tuple[bool, float] | None:
        *first_a, last_a = ta.split()
        *first_b, last_b = tb.split()
        if last_a == last_b or (a in own_page and b in own_page):
            return None
        if first_a == first_b and _DOUBLED.sub(r"\1", last_a) == _DOUBLED.sub(r"\1", last_b):
            return True, fuzz.ratio(ta, tb)
        # (a shared first name makes the whole close: "Richard Milne", "Richard Wilson")
        return (False, fuzz.ratio(ta, tb)) if fuzz.ratio(last_a, last_b) >= SURNAME_NEAR_SCORE else None
    return verdict


#: How close two surnames must be (``fuzz.ratio``) for two people of one first name to be a near miss
SURNAME_NEAR_SCORE = 85.0
#: A letter written twice in a row
_DOUBLED = re.compile(r"(.)\1")


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
