"""Turn names, titles and links into nodes: one node per real thing.

An :class:`Index` knows every page of the site by title, file name and URL. A
reference that matches nothing exactly gets the closest title as a suggestion (a likely
typo), but is never merged on a guess: it becomes an unresolved node and a diagnostic.
"""
from __future__ import annotations

import hashlib
import re
import unicodedata
from functools import lru_cache
from dataclasses import dataclass, field
from typing import TYPE_CHECKING
from urllib.parse import quote, unquote, urlsplit

from .digests import pickled

if TYPE_CHECKING:
    from .site import Site

#: Hosts that serve many organisations' pages (video, social, documents, events):
#: a link there says nothing about whose homepage it is, so it never keys an organisation.
SHARED_HOSTS = frozenset("""
    youtube.com youtu.be vimeo.com linkedin.com twitter.com x.com facebook.com instagram.com
    bsky.app mastodon.social medium.com substack.com github.com gitlab.com docs.google.com
    drive.google.com forms.gle google.com eventbrite.com eventbrite.co.uk zoom.us us06web.zoom.us
    meetup.com wikipedia.org en.wikipedia.org bit.ly tinyurl.com t.co lu.ma luma.com
    dropbox.com slideshare.net speakerdeck.com tiktok.com threads.net
""".split())

SUGGEST_SCORE = 85.0  # rapidfuzz ratio (of normalised strings) at or above which the closest title is offered


@lru_cache(maxsize=200_000)
def normalise(text: str) -> str:
    """Fold ``text`` for matching: case, accents, ``&``/``and``, punctuation, spaces.

    Letters of every script are kept (``王伟`` and ``李娜`` stay two names); accents are
    dropped (``Zoë`` is ``zoe``), and so is the difference between Latin letters that
    have no accent to drop and the letters they are written as without one (``ø``,
    ``ß``, ``ł``...: ``Søren`` is ``soren``). Other characters that are not letters or
    digits are spaces when ASCII (``O'Brien`` is ``o brien``) and dropped when not
    (``People’s`` is ``peoples``), as kg has always folded them, so that the IRIs
    minted from these keys stay what they were (but for names with such Latin letters,
    which kg used to drop: ``/id/person/sren-kaas`` is now ``soren-kaas``).
    """
    text = str(text)
    if not text.isascii():
        text = _ACCENTS.sub("", unicodedata.normalize("NFKD", text.translate(_LATIN_FOLD)))
        text = "".join(c for c in text.casefold().replace("&", " and ")
                       if c.isascii() or unicodedata.category(c)[0] in "LMN")
        return " ".join(_ASCII_GAP.sub(" ", text).split())
    text = text.lower().replace("&", " and ")
    return " ".join(_NOT_ASCII_WORD.sub(" ", text).split())


def written_key(name: str) -> str:
    """A name as written, for telling apart people whose names differ only by accents:
    case, punctuation and spaces folded as :func:`normalise` folds them, accents kept
    (``Zoë Ng`` is ``zoë ng``)."""
    return " ".join(_WRITTEN_GAP.sub(" ", unicodedata.normalize("NFC", name).casefold()).split())


#: Latin letters that Unicode does not decompose into a letter and an accent.
_LATIN_FOLD = str.maketrans({"ø": "o", "Ø": "O", "æ": "ae", "Æ": "Ae", "œ": "oe", "Œ": "Oe", "ß": "ss",
                             "ł": "l", "Ł": "L", "đ": "d", "Đ": "D", "ð": "d", "Ð": "D", "þ": "th",
                             "Þ": "Th", "ı": "i", "ħ": "h", "Ħ": "H"})
#: accents written as characters of their own (the Combining Diacritical Marks blocks):
#: not the vowel signs, viramas or voicing marks of other scripts, which are letters' parts
_ACCENTS = re.compile("[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]")
_ASCII_GAP = re.compile("[^0-9a-z\x80-\U0010ffff]+")  # (what is left beyond ASCII is letters and marks)
_NOT_ASCII_WORD = re.compile(r"[^a-z0-9]+")
_WRITTEN_GAP = re.compile(r"[\W_]+")


def domain_of(url: str | None) -> str | None:
    """The host of ``url`` without ``www.``, lower case; ``None`` if it has none."""
    if not url or not isinstance(url, str):
        return None
    return _domain(url)


@lru_cache(maxsize=100_000)
def _domain(url: str) -> str | None:
    try:
        host = urlsplit(url if "://" in url else "https://" + url).hostname
    except ValueError:
        return None
    if not host or "." not in host:
        return None
    return host[4:] if host.startswith("www.") else host


#: Hosts where each organisation has a folder of its own (gov.uk/government/organisations/x):
#: there the organisation is keyed by host and the first path segments, not the host alone.
PATH_KEYED_HOSTS = {"gov.uk": 3, "github.com": 1, "gitlab.com": 1, "parliament.uk": 2}


@lru_cache(maxsize=10_000)
def shared_host(domain: str) -> str | None:
    """The shared host (:data:`SHARED_HOSTS`: YouTube, LinkedIn…) ``domain`` is or is under, if any."""
    labels = domain.split(".")
    return next((h for h in (".".join(labels[i:]) for i in range(len(labels))) if h in SHARED_HOSTS), None)


def homepage_domain(url: str | None, site_host: str | None = None) -> str | None:
    """The key of ``url`` when it can stand for an organisation's homepage.

    Usually the domain without ``www.`` (``hopkinsvanmil.co.uk``); on hosts where many
    organisations have a folder, host and folder (``gov.uk/government/organisations/x``);
    ``None`` for links to shared hosts (YouTube, LinkedIn…) and to pages of the site
    itself (``site_host``) other than its home page.
    """
    if not url or not isinstance(url, str):
        return None
    return _homepage_domain(url, site_host)


@lru_cache(maxsize=100_000)
def _homepage_domain(url: str, site_host: str | None) -> str | None:
    domain = domain_of(url)
    if domain is None or shared_host(domain) is not None:
        return None
    try:
        path = urlsplit(url if "://" in url else "https://" + url).path.strip("/")
    except ValueError:
        return None
    if site_host and domain == site_host and path:
        return None
    for host, depth in PATH_KEYED_HOSTS.items():
        if domain == host or domain.endswith("." + host):
            parts = [p for p in path.lower().split("/") if p][:depth]
            return "/".join([domain] + parts) if parts else domain
    return domain


def homepage_path(url: str) -> tuple[str, ...]:
    """The folders of ``url`` below its :func:`homepage_domain` key, in lower case:
    ``("councils", "epsrc")`` for ``https://www.ukri.org/councils/epsrc/``, ``()`` at the
    key itself. Two organisations whose homepages share a key are told apart by them."""
    key = homepage_domain(url)
    if key is None:
        return ()
    path = urlsplit(url if "://" in url else "https://" + url).path  # (it parses: it has a key)
    return tuple(p for p in path.lower().split("/") if p)[key.count("/"):]


#: a scheme, as an absolute address starts (``https:``, ``mailto:``)
_SCHEME = re.compile(r"^[a-z][a-z0-9+.-]*:", re.I)


def is_link(text: str) -> bool:
    """Whether ``text``, as written in front matter, can be a link: an absolute address
    (it starts with a scheme: ``https:``, ``mailto:``) or a path on the site itself
    (``/people/x``, not ``//host/x``). ``linkedin.com/in/x`` cannot."""
    return bool(_SCHEME.match(text)) or (text.startswith("/") and not text.startswith("//"))


#: an ``http(s)`` address: its scheme, its host, its path, its query and fragment
_WEB_ADDRESS = re.compile(r"(?i)(https?)://([^/?#]*)([^?#]*)(.*)")


def page_key(address: str) -> str | None:
    """What every way of writing one page's web address has in common, to compare them
    by: the host in lower case and the path without a trailing slash, ``.html`` or
    ``/index.html``, then the query and fragment, their percent-encoded characters read as
    they are; the scheme (``http`` or ``https``) left out. ``None`` for text that is no
    ``http(s)`` address.

    ``page_key("http://Site.org/events/caf%C3%A9.html") == page_key("https://site.org/events/café/")``
    """
    m = _WEB_ADDRESS.match(address)
    return m[2].lower() + _bare(unquote(m[3])) + unquote(m[4]) if m else None


def _bare(path: str) -> str:
    return path.rstrip("/").removesuffix(".html").removesuffix("/index")


def page_variants(address: str) -> list[str]:
    """The other ways of writing ``address`` that a page's IRI may take, each with its
    :func:`page_key` (``https`` and ``http``; with and without a trailing slash, or as
    ``.html`` or ``/index.html``; characters as they are or percent-encoded), for
    looking them up in an index, where comparing keys would mean reading every IRI.
    Only text with nothing an IRI forbids; none for text that is no ``http(s)`` address."""
    m = _WEB_ADDRESS.match(address)
    if not m:
        return []
    host, path, rest = m[2].lower(), m[3], m[4]
    key = page_key(address)
    bares = {_bare(p) for p in (path, unquote(path), _encoded(unquote(path)), _encoded(path))}
    found = []
    for scheme in ("https", "http"):
        for bare in sorted(bares):
            for written in (bare, bare + "/", bare + ".html", bare + "/index.html"):
                for after in dict.fromkeys((rest, _encoded(rest))):
                    iri = f"{scheme}://{host}{written}{after}"
                    if iri != address and page_key(iri) == key and _is_iri(iri):
                        found.append(iri)
    return list(dict.fromkeys(found))


def _encoded(path: str) -> str:
    """``path`` with the characters an IRI may not hold as they are percent-encoded
    (upper-case hexadecimal, as a site's IRIs are written)."""
    return re.sub(r"%[0-9a-f]{2}", lambda e: e[0].upper(), quote(path, safe="/:@!$&'()*+,;=%~-._?#"))


_IRI_FORBIDS = re.compile(r'[\x00-\x20<>"{}|^`\\]')


def _is_iri(text: str) -> bool:
    """Whether ``text`` is written as an IRI may be (nothing an IRI forbids in it)."""
    return not _IRI_FORBIDS.search(text)


def organisation_iri(site: Site, key: str, folders: tuple[str, ...] = ()) -> str:
    """The IRI of an organisation known by its homepage, from the homepage's
    :func:`homepage_domain` ``key`` and, when it needs them, its :func:`homepage_path`
    ``folders``.

    An organisation is keyed by its homepage's key alone (``/id/organisation/ukri.org``),
    and so is, of several with a page each whose homepages share that key (funders), the
    one whose homepage is at the key's root; each of the others is keyed by its folders
    too (``/id/organisation/ukri.org/councils/epsrc``). Which one keeps the key alone is
    decided once, for records, by :func:`kg.records._separate_conflicts`;
    :mod:`kg.entities` gives a link to the key's site to the page that IRI went to.
    """
    return site.minted("organisation", "/".join((key, *folders)))


#: Words an organisation's acronym leaves out ("Institute for the Future of Work": IFW, IFoW).
ORG_FILLER = frozenset("of for and the in on at to de la le du des".split())


def is_acronym(name: str) -> bool:
    """Whether an organisation's name is written as an acronym: one word of 2 to 8
    characters, starting with a capital, with at least two, and capitals at least two
    thirds of its letters ("DSIT", "PLP", "IFoW", "DfE"; not a brand written in
    CamelCase, "OpenAI" or "TechUK", whose capitals are initials of nothing)."""
    if " " in name or not 2 <= len(name) <= 8 or not name[:1].isupper():
        return False
    capitals = sum(c.isupper() for c in name)
    return capitals >= 2 and 3 * capitals >= 2 * sum(c.isalpha() for c in name)


def acronym(name: str) -> str:
    """Initials of a name's significant words, lower case ("Department for Science,
    Innovation and Technology" -> "dsit"; "" for one word). Across the whole site an
    acronym stands for a name when its capitals are these initials ("IFoW" for
    "Institute for the Future of Work": "ifw"), as exactly as that."""
    words = [w for w in normalise(name).split() if w not in ORG_FILLER]
    return "".join(w[0] for w in words) if len(words) >= 2 else ""


def acronym_capitals(name: str) -> str:
    """The capitals of an acronym, lower case ("IFoW" -> "ifw"): what :func:`acronym` of
    the name it stands for is."""
    return "".join(c for c in name if c.isupper()).lower()


def acronym_of(short: str, long: str) -> bool:
    """Whether ``short`` ("IFoW", "PLP") abbreviates ``long`` ("Institute for the Future
    of Work"), loosely: its letters are some of the initials of ``long``'s words, in order,
    the first and the last among them. For an acronym and a name near each other in one
    text ("Public Law Project (PLP)"); across a whole site, :func:`acronym` is the rule."""
    letters = [c.lower() for c in short if c.isalpha()]
    initials = [w[0].lower() for w in re.findall(r"[^\W\d_][\w'’-]*", long) if w.lower() not in ("the", "a", "an")]
    if len(letters) < 2 or not initials or letters[0] != initials[0] or letters[-1] != initials[-1]:
        return False
    it = iter(initials)
    return all(any(c == i for i in it) for c in letters)


@dataclass
class Resolution:
    """The outcome of resolving one reference."""

    iri: str | None
    suggestion: str | None = None  # closest title, when ``iri`` is None
    score: float | None = None
    exact: bool = True             # False when matched only after folding case/punctuation


@dataclass
class Index:
    """Pages of the site by kind, findable by title, file name or URL."""

    titles: dict[str, dict[str, str]] = field(default_factory=dict)   # kind -> norm title -> iri
    labels: dict[str, dict[str, str]] = field(default_factory=dict)   # kind -> iri -> title
    slugs: dict[str, dict[str, str]] = field(default_factory=dict)    # kind -> file stem -> iri
    stems: dict[str, dict[str, str]] = field(default_factory=dict)    # kind -> file stem as written -> iri
    urls: dict[str, str] = field(default_factory=dict)                # url path -> iri
    base_url: str | None = None                                       # the site's scheme and host
    # page() answers
    _pages: dict[tuple[str, str | None], str | None] = field(default_factory=dict, repr=False, compare=False)
    _digest: str | None = field(default=None, repr=False, compare=False)  # digest(), until a page is added

    def add(self, kind: str, iri: str, title: str | None, stem: str, url_path: str | None) -> None:
        """Register a page."""
        self._pages.clear()
        self._digest = None
        if title:
            self.titles.setdefault(kind, {}).setdefault(normalise(title), iri)
            self.labels.setdefault(kind, {})[iri] = title
        self.slugs.setdefault(kind, {}).setdefault(stem.lower(), iri)
        self.stems.setdefault(kind, {}).setdefault(stem, iri)
        if url_path:
            self.urls[url_path.rstrip("/").lower()] = iri

    def digest(self) -> str:
        """A SHA-1 of every page registered, in order: two indexes with one digest answer
        every question alike (what a rebuild takes as its sign that no cross-file fact
        built on the index need be worked out again)."""
        if self._digest is None:
            self._digest = hashlib.sha1(pickled((self.titles, self.labels, self.slugs, self.stems, self.urls,
                                                 self.base_url))).hexdigest()
        return self._digest

    def resolve(self, kind: str, value: str, suggest: bool = True) -> Resolution:
        """Find the ``kind`` page that ``value`` names, by title, file name or URL.

        With ``suggest``, a value that matches nothing gets the closest title, if close.
        """
        text = str(value).strip()
        iri = self.titles.get(kind, {}).get(normalise(text))
        if iri and self.labels[kind].get(iri, "").strip() == text:
            return Resolution(iri)   # written as the title
        # written as a file's name (`authors: [michelle-chronister]`): that page, though
        # another's title is the same but for case and punctuation
        stem = self.stems.get(kind, {}).get(text)
        if stem:
            return Resolution(stem)
        if iri:
            return Resolution(iri, exact=False)
        iri = self.slugs.get(kind, {}).get(text.lower())
        if iri is None and "/" in text:
            iri = self.page(text, self.base_url)
        if iri:
            return Resolution(iri)
        labels = self.labels.get(kind, {}) if suggest else None
        if labels and text:
            from rapidfuzz import fuzz, process  # (only here: `kg query` starts without it)

            best = process.extractOne(text, labels, scorer=fuzz.ratio, processor=normalise)
            if best and best[1] >= SUGGEST_SCORE:
                return Resolution(None, best[0], round(best[1], 1))
        return Resolution(None)

    def page(self, url: str, base_url: str | None = None) -> str | None:
        """The node of the site page a link points at, or ``None`` for other links."""
        key = (url, base_url)
        if key not in self._pages:
            self._pages[key] = self._page(url, base_url)
        return self._pages[key]

    def _page(self, url: str, base_url: str | None) -> str | None:
        try:
            parts = urlsplit(url)
        except ValueError:
            return None
        if parts.scheme and parts.scheme not in ("http", "https"):
            return None
        if parts.netloc and base_url:
            base_host = domain_of(base_url)
            if domain_of(url) != base_host:
                return None
        elif parts.netloc:
            return None
        path = parts.path.rstrip("/").lower()
        for candidate in (path, re.sub(r"\.html$", "", path), path + ".html"):
            if candidate in self.urls:
                return self.urls[candidate]
        return None
