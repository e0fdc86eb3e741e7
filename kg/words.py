"""The words of a page as the "similar text" signal of related events counts them.

Kept apart from :mod:`kg.related` so that reading a site's files can count each event
page's words once, in the reading worker processes, and the record cache keeps the
counts for the next build (see ``body: {terms: true}`` in ``ontology/mapping.yml``),
and the graph folder keeps them for ``kg related`` (:func:`kg.related.save_terms`).
"""
from __future__ import annotations

import hashlib
import re
import unicodedata
from array import array
from collections import Counter
from importlib import resources
from typing import Any, Iterator, Mapping

import yaml

TEXT_LIMIT = 20_000  # characters of each page compared: the opening says what it is about

_NOISE = re.compile(
    r"\{%.*?%\}|\{\{.*?\}\}|<!--.*?-->|<[^>]{0,500}>|\]\([^)\s]*(?:\s+\"[^\"]*\")?\)|https?://\S+|`[^`]*`",
    re.S)
_WORD = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)*")
_ASCII_WORD = re.compile(r"[a-z]+(?:'[a-z]+)*")  # the same words in lower-case ASCII text, found faster


def _stopwords() -> tuple[frozenset[str], str]:
    """The words never counted (``ontology/stopwords.yml``: groups of words, each a
    string of words separated by spaces), and the SHA-1 of that file's bytes.

    Raises:
        ValueError: the packaged file is not such groups (a broken install).
    """
    raw = (resources.files("kg.ontology") / "stopwords.yml").read_bytes()
    groups = yaml.load(raw, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    if not isinstance(groups, dict) or not all(isinstance(v, str) for v in groups.values()):
        raise ValueError("kg's ontology/stopwords.yml must map each group's name to its words, as one string")
    words = frozenset(w for v in groups.values() for w in fold(v).split())
    return words, hashlib.sha1(raw).hexdigest()


def fold(text: str) -> str:
    """Text as words are compared: lower case, ``’`` as ``'``, an accent written as one
    character whichever way it was ("café" as ``e`` and a combining accent, as some
    editors save it, is "café")."""
    text = text.lower().replace("’", "'")
    return text if text.isascii() else unicodedata.normalize("NFC", text)


#: Words that are never terms (see ``ontology/stopwords.yml``), and the digest of that
#: file: what counted words depend on, besides the text and this module.
STOPWORDS, STOPWORDS_DIGEST = _stopwords()

_TERM_OF: dict[str, str | None] = {}  # word -> its term (None: not a term), across texts
_TERM_OF_LIMIT = 1_000_000


def add_terms(text: str, times: int, counts: dict[str, int]) -> None:
    """Add ``times`` × how often each term of ``text`` occurs to ``counts``.

    A term is a word of ``text`` (without Liquid, HTML and link targets) in lower case,
    ``'s`` cut off, not a stopword and at least three letters long. Terms are added in
    the order they first occur. Each distinct word is checked once: the words are
    counted first (in C), and a cache keeps word → term across texts.
    """
    term_of = _TERM_OF
    if len(term_of) > _TERM_OF_LIMIT:
        term_of.clear()
    text = fold(_NOISE.sub(" ", text))
    for w, k in Counter((_ASCII_WORD if text.isascii() else _WORD).findall(text)).items():
        try:
            t = term_of[w]
        except KeyError:
            t = w[:-2] if w.endswith("'s") else w
            t = term_of[w] = t if len(t) > 2 and t not in STOPWORDS else None
        if t is not None:
            counts[t] = counts.get(t, 0) + k * times


def body_terms(body: str) -> dict[str, int]:
    """Term → count over the first :data:`TEXT_LIMIT` characters of a page's body, in
    the order the terms first occur."""
    counts: dict[str, int] = {}
    if body:
        add_terms(body[:TEXT_LIMIT], 1, counts)
    return counts


class Terms(Mapping[str, int]):
    """A page's term counts, held compactly: the terms in one string (terms hold no
    spaces), their counts in an array, in the order the terms first occur.

    Each event page's terms are kept from reading to related events and in the record
    cache; as a dict of separate strings they were most of a record's memory (about
    10 KB a page, against 1.5 KB so).
    """

    __slots__ = ("_words", "_counts")

    def __init__(self, counts: Mapping[str, int]) -> None:
        """Raises ValueError for a term with a space (terms of :func:`add_terms` have none)."""
        self._words = " ".join(counts)
        if counts and self._words.count(" ") != len(counts) - 1:
            raise ValueError("a term with a space cannot be held compactly")
        self._counts = array("I", counts.values())

    def as_dict(self) -> dict[str, int]:
        """The counts as a new dict, in order: the fast way to read them all."""
        return dict(zip(self._words.split(" "), self._counts)) if self._counts else {}

    def update_hash(self, h: Any) -> None:
        """Feed the terms and their counts to a hashlib object (``h.update``)."""
        h.update(self._words.encode("utf-8", "surrogatepass"))
        h.update(b"\x00" + self._counts.tobytes())

    def parts(self) -> tuple[list[str], array]:
        """The terms, in order, and their counts (the array held: not to be changed)."""
        return (self._words.split(" ") if self._counts else []), self._counts

    def __iter__(self) -> Iterator[str]:
        return iter(self._words.split(" ") if self._counts else ())

    def __len__(self) -> int:
        return len(self._counts)

    def __getitem__(self, term: str) -> int:
        try:
            return self._counts[list(self).index(term)]
        except ValueError:
            raise KeyError(term) from None

    def __contains__(self, term: object) -> bool:
        return term in list(self)

    def keys(self):  # type: ignore[override]
        return self.as_dict().keys()

    def items(self):  # type: ignore[override]
        return self.as_dict().items()

    def values(self):  # type: ignore[override]
        return self.as_dict().values()

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Terms):
            return self._words == other._words and self._counts == other._counts
        return self.as_dict() == other if isinstance(other, Mapping) else NotImplemented

    def __repr__(self) -> str:
        return f"Terms({self.as_dict()!r})"

    def __getstate__(self) -> tuple[str, array]:
        return self._words, self._counts

    def __setstate__(self, state: tuple[str, array]) -> None:
        self._words, self._counts = state


def pack_terms(many: list[Terms]) -> tuple[str, array, array]:
    """Many pages' :class:`Terms` as three objects (all terms, one page's to a line; all
    counts; how many terms each page has), which pickle and load in a moment where as
    many objects would take seconds."""
    if any("\n" in t._words for t in many):
        raise ValueError("a term with a line break cannot be packed")
    sizes = array("I", [len(t) for t in many])
    counts = array("I")
    for t in many:
        counts.extend(t._counts)
    return "\n".join(t._words for t in many), counts, sizes


def unpack_terms(words: str, counts: array, sizes: array) -> list[Terms]:
    """The :class:`Terms` that :func:`pack_terms` packed, in order."""
    out = []
    at = 0
    for line, size in zip(words.split("\n"), sizes):
        t = Terms.__new__(Terms)
        t._words, t._counts = line, counts[at:at + size]
        at += size
        out.append(t)
    return out
