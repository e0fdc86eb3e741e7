"""Find a Jekyll site: its ``_config.yml``, collections, permalinks and base URL.

kg names every page node by the URL Jekyll gives the page, so this module follows
Jekyll's own rules (Jekyll 4.3: ``Jekyll::Document#url``, ``Jekyll::Drops::UrlDrop``,
``Jekyll::URL``, ``Jekyll::Utils.slugify``, ``Jekyll::Collection#url_template``,
``Jekyll::EntryFilter``, ``Jekyll::FrontmatterDefaults``) for the parts a content site
uses, and says so, in a diagnostic naming the file and line, where kg does otherwise:

- files Jekyll does not read (names starting with ``_ . # ~``, ``exclude:``) are left
  out, each with an ``info``; a file name that is not UTF-8 (Jekyll stops on it) is
  left out with an ``error``; files kg cannot read as it reads markdown, a folder it
  cannot open, with a ``warning``;
- a document Jekyll reads but writes no page of (``published: false``, a file in
  ``_posts`` without a date in its name, a date after the time of the build without
  ``future: true``) keeps its data in the graph under an IRI of its own, never the page
  URL it will not have;
- a permalink placeholder Jekyll does not know (``:titel``: Jekyll stops the build), a
  ``date:`` it cannot read (``2024-13-01``) are an ``error`` where they are written, and
  the pages they touch get no page URL.

Which files are documents is Jekyll's rule too (see :func:`kg.frontmatter.parse_text`):
a post always, a collection's file only if its first line is ``---``.

Dates in URLs are taken in the site's ``timezone:`` (UTC when it has none; Jekyll uses
the machine's, which is UTC on GitHub Pages).
"""
from __future__ import annotations

import datetime as dt
import decimal
import fnmatch
import os
import posixpath
import re
import unicodedata
import zoneinfo
from dataclasses import dataclass, field
from itertools import groupby
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING, Any, Callable, Iterator, NamedTuple
from urllib.parse import quote, urlsplit

import yaml
from pyoxigraph import NamedNode

from .errors import Diagnostic, SiteError, as_written, closest
from .frontmatter import MAX_NODES, count_nodes, syntax_error  # (front matter's guards and its YAML messages)
from .frontmatter import MONTHS, YMD, date_problem, psych_base60, ruby_date
from .rubytime import local_offsets, ruby_time, time_problem

if TYPE_CHECKING:  # (frontmatter does not import this module: no cycle)
    from .frontmatter import SourceFile

#: Jekyll's named permalink styles (``Jekyll::Configuration::STYLE_TO_PERMALINK``): the
#: site's ``permalink:`` may be one of these names; a collection's may not.
PERMALINK_STYLES = {
    "date": "/:categories/:year/:month/:day/:title:output_ext",
    "pretty": "/:categories/:year/:month/:day/:title/",
    "ordinal": "/:categories/:year/:y_day/:title:output_ext",
    "weekdate": "/:categories/:year/W:week/:short_day/:title:output_ext",
    "none": "/:categories/:title:output_ext",
}

#: Every placeholder a permalink may hold (the methods of ``Jekyll::Drops::UrlDrop``),
#: with what it stands for. Jekyll stops the build on any other (``:titel``).
URL_PLACEHOLDERS: dict[str, str] = {
    "collection": "the collection's label",
    "path": "the file's path in the collection folder, without its extension",
    "name": "the file name without its extension, slugified",
    "title": "front matter `slug:`, else the file name without its date, slugified keeping case "
             "and the characters `._~!$&'()+,;=@`",
    "slug": "front matter `slug:`, else the file name without its date, slugified",
    "categories": "the categories, lower case, joined with `/`",
    "slugified_categories": "the categories, each slugified, joined with `/`",
    "output_ext": "the extension of the page Jekyll writes (`.html` for markdown)",
    "year": "year, 4 digits", "month": "month, 01..12", "day": "day of the month, 01..31",
    "hour": "hour, 00..23", "minute": "minute, 00..59", "second": "second, 00..59",
    "i_day": "day of the month, 1..31", "i_month": "month, 1..12",
    "short_month": "month, Jan..Dec", "long_month": "month, January..December",
    "short_year": "year, 2 digits", "w_year": "ISO week-numbering year", "week": "ISO week, 01..53",
    "w_day": "ISO day of the week, 1 (Monday)..7", "short_day": "day of the week, Mon..Sun",
    "long_day": "day of the week, Monday..Sunday", "y_day": "day of the year, 001..366",
}
_DAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
#: The date placeholders, each as ``strftime`` gives it in the C locale (as Ruby's does).
DATE_PLACEHOLDERS: dict[str, Callable[[dt.datetime], str]] = {
    "year": lambda d: f"{d.year:04d}", "month": lambda d: f"{d.month:02d}", "day": lambda d: f"{d.day:02d}",
    "hour": lambda d: f"{d.hour:02d}", "minute": lambda d: f"{d.minute:02d}",
    "second": lambda d: f"{d.second:02d}", "i_day": lambda d: str(d.day), "i_month": lambda d: str(d.month),
    "short_month": lambda d: MONTHS[d.month - 1][:3], "long_month": lambda d: MONTHS[d.month - 1],
    "short_year": lambda d: f"{d.year % 100:02d}", "w_year": lambda d: str(d.isocalendar()[0]),
    "week": lambda d: f"{d.isocalendar()[1]:02d}", "w_day": lambda d: str(d.isoweekday()),
    "short_day": lambda d: _DAYS[d.weekday()][:3], "long_day": lambda d: _DAYS[d.weekday()],
    "y_day": lambda d: f"{d.timetuple().tm_yday:03d}",
}

#: The files kg reads as markdown (Jekyll's own list is `markdown_ext:` in _config.yml).
MARKDOWN_EXTENSIONS = (".md", ".markdown", ".mkd", ".mkdn", ".mdown", ".mkdown")
JEKYLL_MARKDOWN_EXT = "markdown,mkdown,mkdn,mkd,md"  # Jekyll's default `markdown_ext:`
#: What Jekyll always adds to `exclude:` (``Jekyll::Configuration::DEFAULT_EXCLUDES``).
DEFAULT_EXCLUDES = (".sass-cache", ".jekyll-cache", "gemfiles", "Gemfile", "Gemfile.lock", "node_modules",
                    "vendor/bundle/", "vendor/cache/", "vendor/gems/", "vendor/ruby/")
SPECIAL_FIRST_CHARACTERS = "._#~"  # Jekyll::EntryFilter: names starting so are not read
_PSYCH_FALSE = frozenset({"no", "off", "false"})  # false to Jekyll's YAML reader, in any case, unquoted
_PSYCH_TRUE = frozenset({"yes", "on", "true"})
_ABSENT = object()  # a key a document does not have


def _file_paths(directory: str, unreadable: list[tuple[str, OSError]] | None = None) -> list[str]:
    """Every file in ``directory`` and its folders, in path order (folder by folder, as
    paths sort); as ``Path.rglob``, not into linked folders, and a linked file is listed
    if what it links to is a file. By ``os.scandir``, whose entries know without a
    ``stat`` whether they are files (pathlib's listing and sorting took a quarter of a
    second for 10,000 files). Folders that cannot be opened go into ``unreadable``."""
    found: list[str] = []
    folders = [directory]
    while folders:
        folder = folders.pop()
        try:
            with os.scandir(folder) as entries:
                for entry in entries:
                    try:
                        if entry.is_dir() and not entry.is_symlink():
                            folders.append(entry.path)
                        elif entry.is_file():
                            found.append(entry.path)
                    except OSError:
                        continue
        except OSError as exc:  # unreadable: as rglob, left out (and said, when asked)
            if unreadable is not None:
                unreadable.append((folder, exc))
    found.sort(key=lambda path: path.split(os.sep))
    return found


def _suffix(name: str) -> str:
    """A file name's ending as ``PurePath.suffix`` gives it (``..md`` has ``.md``)."""
    i = name.rfind(".")
    return name[i:] if 0 < i < len(name) - 1 else ""


# -- slugs: Jekyll::Utils.slugify -------------------------------------------------------

SLUG_MODES = ("raw", "default", "pretty", "ascii", "latin")
_PRETTY_KEEP = "._~!$&'()+,;=@"  # pretty mode keeps these, which URLs and file systems take
_ASCII_RUNS = {
    "raw": re.compile(r"[ \t\r\n\f\v]+"),
    "default": re.compile(r"[^A-Za-z0-9]+"),
    "pretty": re.compile(r"[^A-Za-z0-9" + re.escape(_PRETTY_KEEP) + r"]+"),
    "ascii": re.compile(r"[^A-Za-z0-9]+"),
}
_EDGE_HYPHEN = re.compile(r"^-|-$")


def slugify(text: str, mode: str = "default", cased: bool = False) -> str:
    """Slugify ``text`` exactly as ``Jekyll::Utils.slugify`` does.

    ``default``: every run of characters that are not letters, marks or decimal digits
    (Unicode ``\\p{L}``, ``\\p{M}``, ``\\p{Nd}``) becomes one ``-``, so ``my_post`` is
    ``my-post`` and ``The _config.yml file`` is ``the-config-yml-file``. ``pretty`` also
    keeps ``._~!$&'()+,;=@`` (``my_post`` stays ``my_post``); ``ascii`` keeps only
    ``A-Za-z0-9``; ``raw`` replaces only whitespace; ``latin`` is ``default`` after
    dropping accents. One ``-`` is trimmed from each end; the result is lower case
    unless ``cased``. Text is not normalised (as in Jekyll: a file name written in
    decomposed form keeps its combining accents). Another mode leaves the text as it is.
    """
    text = str(text)
    if mode not in SLUG_MODES:
        return text if cased else text.lower()
    if mode == "latin":  # (I18n.transliterate: accents dropped, other letters '?')
        text = "".join(c if c.isascii() else "?" for c in unicodedata.normalize("NFKD", text)
                       if not unicodedata.combining(c))
        mode = "default"
    if mode in ("default", "pretty") and not text.isascii():
        keep = _PRETTY_KEEP if mode == "pretty" else ""
        slug = "".join(
            "".join(run) if kept else "-"
            for kept, run in groupby(text, key=lambda c: (c.isalnum() or c in keep) if c.isascii()
                                     else _word_category(c)))
    else:
        slug = _ASCII_RUNS[mode].sub("-", text)
    slug = _EDGE_HYPHEN.sub("", slug)
    return slug if cased else slug.lower()


def _word_category(c: str) -> bool:
    category = unicodedata.category(c)
    return category[0] in "LM" or category == "Nd"


# -- the site -------------------------------------------------------------------------

@dataclass(frozen=True)
class Collection:
    """A Jekyll collection: its label, folder, whether it has pages, and their permalink."""

    label: str
    directory: Path
    output: bool
    permalink: str


@dataclass(frozen=True)
class DefaultSet:
    """One entry of ``defaults:`` in ``_config.yml``: front-matter values for a scope."""

    path: str | None
    type: str | None
    values: dict[str, Any]


#: The file name of a dated document (``Jekyll::Document::DATE_FILENAME_MATCHER``, on
#: the name alone: the date cannot be in a folder's name): date, slug, extension.
_DATED_NAME = re.compile("^" + YMD + r"-(.*)(\.[^.]+)\Z", re.DOTALL)
_DATELESS_NAME = re.compile(r"^(.*)(\.[^.]+)$", re.DOTALL)
_PLACEHOLDER = re.compile(r":([a-z_]+)")


class DatedName(NamedTuple):
    """What a file name starting with a date (``2024-1-5-hello-world.md``) tells Jekyll."""

    written: str  # the date as written: ``2024-1-5``
    date: dt.date | None  # as Jekyll reads it (``2023-02-29`` is 2023-03-01); None: Jekyll stops on it
    slug: str  # the rest of the name, without its extension: ``hello-world``


def dated_name(name: str) -> DatedName | None:
    """The date and slug Jekyll reads from a document's file name (``name``, without its
    folders), or ``None`` when the name does not start with a date. The date is read as
    Ruby's ``Time.parse`` reads it (see :func:`kg.frontmatter.ruby_date`): ``2024-1-5``
    is 5 January 2024, ``24-1-5`` too, and ``2023-02-29`` is 1 March 2023.

    kg's one reading of dated names: a page's URL, a post's date and title, and the
    check of an event's ``date:`` against its name all go by it, as Jekyll's do."""
    m = _DATED_NAME.match(name)
    if m is None:
        return None
    return DatedName(f"{m[1]}-{m[2]}-{m[3]}", ruby_date(m[1], m[2], m[3]), m[4])


@dataclass
class Site:
    """A Jekyll site on disk.

    ``base_url`` is scheme and host (``https://connectedbydata.org``), ``baseurl`` the
    path prefix Jekyll puts before every page URL (often empty). ``diagnostics`` are
    what kg found in ``_config.yml`` and in the file names (filled as :meth:`files`
    lists them); what it finds in one file goes into that file's diagnostics.
    """

    root: Path
    base_url: str
    baseurl: str
    collections: dict[str, Collection]
    config: dict[str, Any] = field(default_factory=dict)
    timezone: dt.tzinfo = dt.timezone.utc
    defaults: list[DefaultSet] = field(default_factory=list)
    #: ``future:`` of _config.yml: whether Jekyll writes pages dated after ``time``
    future: bool = False
    #: the time of the build, as Jekyll's ``site.time`` (``time:`` of _config.yml, else now)
    time: dt.datetime = field(default_factory=lambda: dt.datetime.now(dt.timezone.utc))
    diagnostics: list[Diagnostic] = field(default_factory=list)
    config_lines: dict[tuple, int] = field(default_factory=dict, repr=False)
    _noted: set = field(default_factory=set, repr=False, compare=False)
    _broken: set = field(default_factory=set, repr=False, compare=False)  # templates reported at load
    _cache: dict = field(default_factory=dict, repr=False, compare=False)

    def iri(self, path: str) -> str:
        """The absolute IRI of a site path such as ``/events/x``."""
        return self.base_url + self.baseurl + path

    def minted(self, kind: str, key: str) -> str:
        """A stable IRI for a thing with no page of its own (``/id/KIND/KEY``)."""
        if not _MINT_SAFE.fullmatch(key):  # (what quote leaves as it is, checked at once)
            key = quote(key, safe="-._~/", errors="surrogateescape")  # (a stray byte as %XX)
        return self.base_url + self.baseurl + f"/id/{kind}/" + key

    @property
    def collections_root(self) -> Path:
        """The folder that holds the collection folders (``collections_dir:``, inside the
        site's folder as Jekyll takes it: see :func:`_collections_folder`)."""
        if "collections_root" not in self._cache:
            self._cache["collections_root"] = _collections_folder(self.root, self.config)
        return self._cache["collections_root"]

    def config_line(self, *keys: Any) -> int | None:
        """The line of ``_config.yml`` where the setting at ``keys`` is written."""
        return self.config_lines.get(tuple(keys))

    def note(self, diagnostic: Diagnostic) -> None:
        """Add a site-wide diagnostic (once, however often it is found)."""
        if diagnostic not in self._noted:
            self._noted.add(diagnostic)
            self.diagnostics.append(diagnostic)

    # -- which files -----------------------------------------------------------------

    def files(self, labels: list[str] | None = None) -> Iterator[tuple[Collection, Path]]:
        """The markdown files of the given collections (all when ``None``) that Jekyll
        reads, sorted; posts from every ``_posts`` folder Jekyll reads (``news/_posts``
        too). Files left out are reported in :attr:`diagnostics`: names Jekyll skips
        (``_ . # ~``), ``exclude:``, a name that is not UTF-8, a non-markdown file Jekyll
        makes a page of, a folder that cannot be read."""
        for label in sorted(labels if labels is not None else self.collections):
            coll = self.collections.get(label)
            if coll is None:
                continue
            folders = self._post_folders() if label == "posts" else [coll.directory]
            unreadable: list[tuple[str, OSError]] = []
            listed = [(str(folder), path) for folder in folders if folder.is_dir()
                      for path in _file_paths(str(folder), unreadable)]
            if len(folders) > 1:
                listed.sort(key=lambda fp: fp[1].split(os.sep))
            for folder, exc in unreadable:
                self.note(Diagnostic(
                    "unreadable-folder", "warning", f"cannot open this folder ({exc.strerror or exc}): "
                    "none of its files are in the graph", self._shown(folder), None,
                    hint="make the folder readable to whoever runs kg"))
            for folder, path in listed:
                if self._admitted(folder, path):
                    yield coll, Path(path)

    def _post_folders(self) -> list[Path]:
        """Every ``_posts`` folder Jekyll reads (``Jekyll::Reader#read_directories``): in
        the collections folder and in each folder below it Jekyll enters (not ones
        starting with ``_ . # ~``, not excluded, not linked)."""
        found, stack = [], [self.collections_root]
        if not self.collections_root.is_dir():
            return []  # (no such folder: said where _config.yml names it)
        while stack:
            folder = stack.pop()
            if (folder / "_posts").is_dir():
                found.append(folder / "_posts")
            try:
                with os.scandir(folder) as entries:
                    names = sorted(e.name for e in entries if e.is_dir() and not e.is_symlink())
            except OSError as exc:
                self.note(Diagnostic(
                    "unreadable-folder", "warning", f"cannot open this folder ({exc.strerror or exc}): "
                    "kg cannot tell whether it holds posts (`_posts`)", self._shown(folder), None,
                    hint="make the folder readable to whoever runs kg"))
                continue
            include, exclude = self._filters()
            for name in reversed(names):
                rel = self._relpath_text(Path(folder, name))
                if include.matches(name, folder=True) or not (
                        name[:1] in SPECIAL_FIRST_CHARACTERS or name.endswith(("~", "."))
                        or exclude.matches(rel, folder=True)):
                    stack.append(Path(folder, name))
        return sorted(found)

    def _admitted(self, folder: str, text: str) -> bool:
        """Whether kg reads the file at ``text`` (in the collection or ``_posts`` folder
        ``folder``); says why not when Jekyll reads it but kg does not, or kg follows
        Jekyll in leaving it out."""
        try:
            text.isascii() or text.encode("utf-8")
        except UnicodeEncodeError as exc:
            bad = os.fsencode(text)[len(text[:exc.start].encode("utf-8", "surrogateescape"))]
            self.note(Diagnostic(
                "bad-file-name", "error", f"the file name is not valid UTF-8 (byte 0x{bad:02x}): Jekyll stops "
                "the build on it, and kg leaves the file out", self._shown(text), None,
                hint="give the file a UTF-8 name"))
            return False
        name = text.rpartition(os.sep)[2]
        if name.endswith("."):  # (never markdown)
            return False
        entry = text[len(folder) + 1:].replace(os.sep, "/")  # as Jekyll's entry filter sees it
        rel = self.relpath(Path(text)) if not text.startswith(str(self.root)) else \
            text[len(str(self.root)) + 1:].replace(os.sep, "/")
        markdown = _suffix(name).lower() in MARKDOWN_EXTENSIONS
        include, exclude = self._filters()
        folder_name = folder.rpartition(os.sep)[2]
        if include.matches(entry) or (entry != name and include.matches(name)):
            pass
        elif exclude.matches(f"{folder_name}/{entry}" if folder_name != "_posts" else rel):
            # (a collection's file is matched from its folder's name, collections_dir or not)
            if markdown:
                self.note(Diagnostic(
                    "skipped-file", "info", "`exclude:` in _config.yml leaves this file out of the site; "
                    "kg leaves it out too", rel, None, hint="take it out of `exclude:` to have it read"))
            return False
        elif entry[:1] in SPECIAL_FIRST_CHARACTERS or name[:1] in SPECIAL_FIRST_CHARACTERS or name.endswith("~"):
            if markdown:
                self.note(Diagnostic(
                    "skipped-file", "info", "Jekyll does not read files or folders whose names start with "
                    "`_`, `.`, `#` or `~`; kg leaves this file out too", rel, None,
                    hint="rename it to have it read"))
            return False
        if markdown:
            return True
        if "_posts" in rel.split("/")[:-1] and not _suffix(name) and _has_front_matter(text):
            # (Jekyll's post reader takes only names that match date-title.ext)
            self.note(Diagnostic(
                "not-markdown", "warning", "Jekyll reads a file in `_posts` only if its name has an extension, "
                "and makes no page of this one; kg does not read it either", rel, 1,
                hint=f"name it {name}.md"))
            return False
        if _has_front_matter(text):
            self.note(Diagnostic(
                "not-markdown", "warning", f"Jekyll makes a page of this file (it starts with front matter) "
                f"but kg reads only markdown files ({', '.join(MARKDOWN_EXTENSIONS)}): nothing of it is in "
                "the graph", rel, 1, hint="write the page in markdown to have it in the graph"))
        return False

    def publishes(self, folder: str | Path) -> str | None:
        """The path from the site folder of ``folder`` when Jekyll would copy files written
        there (a graph's ``graph.nq``, ``store/``) into the site it makes; else ``None``.

        Jekyll copies them in two ways, and this follows both (Jekyll 4.3, checked in
        ``tests/test_site_jekyll_fidelity.py``):

        - as the site's own files: neither ``folder`` nor a folder it is in starts with
          ``_ . # ~``, ends with ``~`` or is in ``exclude:`` (unless ``include:`` names
          it), and it is not in Jekyll's output folder (:attr:`destination`);
        - as the files of a collection with ``output: true`` (not posts: Jekyll takes
          only dated names from ``_posts``): in ``_events/g`` unless the first folder
          below the collection's starts with ``_ . # ~`` (``_events/_g``; Jekyll looks
          at a file's path from the collection's folder and at its name, so
          ``_events/g/_x`` is copied) or ``exclude:`` names it as ``_events/g`` (from
          the collection folder's name, whatever ``collections_dir:`` says).
        """
        target = _resolved(folder)
        parts = _parts_below(target, _resolved(self.root))
        if parts is None:
            return None
        destination = self.destination
        if destination is not None and _parts_below(target, destination) is not None:
            return None  # (Jekyll never reads its output folder: see check_out_folder for what it does there)
        include, exclude = self._filters()
        coll = self.collection_holding(target)
        if coll is not None and coll.output:
            inner = _parts_below(target, _resolved(coll.directory)) or ()
            entry = "/".join((*inner, "graph.nq"))  # a file kg writes there, as the collection's filter sees it
            included = include.matches(entry) or include.matches("graph.nq")
            if not (exclude.matches(f"{coll.directory.name}/{entry}") and not included) and (
                    included or entry[:1] not in SPECIAL_FIRST_CHARACTERS):
                return "/".join(parts)
        for i, name in enumerate(parts):
            rel = "/".join(parts[:i + 1])
            if include.matches(name, folder=True):
                continue
            if name[:1] in SPECIAL_FIRST_CHARACTERS or name.endswith("~") or exclude.matches(rel, folder=True):
                return None
        return "/".join(parts) or None

    def collection_holding(self, folder: str | Path) -> Collection | None:
        """The collection whose folder is or holds ``folder`` (not ``posts`` nor ``data``,
        which Jekyll does not read as collections' folders)."""
        target = _resolved(folder)
        for coll in self.collections.values():
            if coll.label not in ("posts", "data") and _parts_below(target, _resolved(coll.directory)) is not None:
                return coll
        return None

    @property
    def destination(self) -> Path | None:
        """The folder Jekyll writes the site into: ``destination:`` of _config.yml, else
        ``_site``, from the site's folder. (Jekyll takes it from the folder it runs in,
        which is the site's when ``jekyll build`` is run there; ``jekyll build -d DIR``
        is beyond kg's sight.) ``None`` when that is the site's folder or holds it:
        Jekyll stops on such a setting."""
        if "destination" not in self._cache:
            given = self.config.get("destination")
            given = given if isinstance(given, str) and given else "_site"
            folder = _resolved(Path(self.root, os.path.expanduser(given)))
            self._cache["destination"] = None if _parts_below(_resolved(self.root), folder) is not None else folder
        return self._cache["destination"]

    def in_destination(self, folder: str | Path) -> bool:
        """Whether ``folder`` is Jekyll's output folder (:attr:`destination`) or in it."""
        destination = self.destination
        return destination is not None and _parts_below(_resolved(folder), destination) is not None

    def keeps(self, folder: str | Path) -> bool:
        """Whether ``keep_files:`` keeps every file written in ``folder``, a folder in
        Jekyll's output folder, from being deleted by the next Jekyll build (as
        ``Jekyll::Cleaner`` matches it: a name in ``keep_files`` starts the file's path
        from the output folder, ``kg`` keeping ``kg/graph.nq`` and ``kgx/a``)."""
        destination = self.destination
        parts = None if destination is None else _parts_below(_resolved(folder), destination)
        if parts is None:
            return False
        below = "/".join(parts) + "/" if parts else ""
        return any(below.startswith(kept) for kept in self._setting_list("keep_files", [".git", ".svn"]))

    def _filters(self) -> tuple[_Globs, _Globs]:
        """``include:`` and ``exclude:`` (less what ``include:`` names, plus Jekyll's own
        list), as ``Jekyll::EntryFilter`` matches them."""
        if "filters" not in self._cache:
            include = self._setting_list("include", [".htaccess"])
            exclude = [p for p in [*self._setting_list("exclude", []), *DEFAULT_EXCLUDES] if p not in include]
            self._cache["filters"] = (_Globs(str(self.root), include), _Globs(str(self.root), exclude))
        return self._cache["filters"]

    def _setting_list(self, key: str, default: list[str]) -> list[str]:
        value = self.config.get(key, default)
        return [str(v) for v in value] if isinstance(value, list) else default

    def _relpath_text(self, path: Path) -> str:
        return path.relative_to(self.root).as_posix()

    def _shown(self, path: str | Path) -> str:
        """A path relative to the site, a byte that is not UTF-8 written ``\\xff``."""
        try:
            text = Path(path).relative_to(self.root).as_posix()
        except ValueError:
            text = str(path)
        return os.fsencode(text).decode("utf-8", "backslashreplace")

    def relpath(self, path: Path) -> str:
        """``path`` relative to the site root, with forward slashes."""
        text, root = str(path), str(self.root)
        if text.startswith(root) and text[len(root):len(root) + 1] == os.sep:  # the usual case, as text
            return text[len(root) + 1:].replace(os.sep, "/")
        return PurePosixPath(path.relative_to(self.root).as_posix()).as_posix()

    # -- page URLs -------------------------------------------------------------------

    def front_matter_defaults(self, relpath: str, label: str) -> dict[str, Any]:
        """The values ``defaults:`` gives a document (``relpath`` from the collections
        folder, ``_events/x.md``) of the collection ``label``, as
        ``Jekyll::FrontmatterDefaults#all`` merges them: a longer scope path wins, then
        a scope with a type."""
        merged: dict[str, Any] = {}
        old: DefaultSet | None = None
        for s in self.defaults:
            if not (s.type is None or s.type == label) or not self._default_applies(s.path, relpath):
                continue
            if old is None or _precedes(old, s):
                merged.update(s.values)
                old = s
            else:
                merged = {**s.values, **merged}
        return merged

    def _default_applies(self, scope: str | None, relpath: str) -> bool:
        """Whether a ``defaults:`` scope path (``scope``; ``None`` or empty: everywhere)
        takes in the document at ``relpath`` (from the collections folder), as
        ``FrontmatterDefaults#applies_path?`` has it: the scope path (less
        ``collections_dir/``) starts the document's path; with a ``*``, something the
        scope globs does (see :class:`_ScopeGlob`)."""
        if not scope:
            return True
        cdir = self.config.get("collections_dir")
        cdir = cdir if isinstance(cdir, str) else ""
        if "*" in scope:
            key = ("scope", scope)
            if key not in self._cache:  # (compiled once: a site's documents are matched one by one)
                self._cache[key] = _ScopeGlob(os.path.abspath(self.root), scope, cdir)
            return self._cache[key].takes_in(relpath)
        return relpath.startswith(_strip_dir(scope, cdir))

    def page_url(self, coll: Collection, path: Path, data: dict[str, Any],
                 source: SourceFile | None = None) -> str | None:
        """The URL path Jekyll gives this document, or ``None`` if Jekyll writes no page
        of it: its collection has no output, ``published: false`` (here or in
        ``defaults:``), a post whose name has no date, a date after the time of the
        build (without ``future: true``), a date or a permalink Jekyll stops on.

        ``data`` is the front matter; ``defaults:`` of ``_config.yml`` fill in what it
        does not say. With ``source`` (the file as read), each reason Jekyll writes no
        page, or writes one kg cannot know, goes into ``source.diagnostics`` at the line
        of the key.
        """
        rel = path.relative_to(self.collections_root).as_posix()
        defaults = self.front_matter_defaults(rel, coll.label) if self.defaults else {}

        def report(code: str, severity: str, message: str, key: str | None = None,
                   value: Any = None, hint: str | None = None) -> None:
            if source is not None:
                line = next((f.line for f in reversed(source.fields) if f.key == key), None) if key else None
                source.diagnostics.append(Diagnostic(code, severity, message, source.relpath, line or 1, key,
                                                     None if value is None else str(value), hint=hint))

        name = path.name
        dated = dated_name(name)
        data = _as_psych_reads(data, source)
        if not self._writes_page(coll, name, dated, data, defaults, source, report):
            return None
        template: Any = _setting(data, defaults, "permalink", None)
        from_file = data.get("permalink") is not None and data.get("permalink") is not False
        if template is None or template is False:
            template, from_file = coll.permalink, False
        if not isinstance(template, str):
            if from_file:
                report("bad-permalink", "error", f"`permalink:` must be text, not {_yaml_text(template)!r}: "
                       "Jekyll stops the build on it", "permalink", _yaml_text(template),
                       hint="e.g. permalink: /events/:name/")
            return None
        if not from_file and template in self._broken:
            return None  # (reported where _config.yml says it)
        names = _PLACEHOLDER.findall(template)
        unknown = [n for n in names if _known(n) is None]
        if unknown:
            if from_file:
                report("unknown-placeholder", "error", _unknown_message(unknown), "permalink", template,
                       hint=_placeholder_hint(unknown))
            return None
        wanted = {_known(n) for n in names}
        values = self._url_values(wanted, coll, rel, name, dated, data, defaults, report)
        if values is None:
            return None
        return _expand(template, values)

    def _writes_page(self, coll: Collection, name: str, dated: DatedName | None, data: dict[str, Any],
                     defaults: dict[str, Any], source: SourceFile | None, report: Callable[..., None]) -> bool:
        """Whether Jekyll writes a page of this document at all (see :meth:`page_url`); each
        reason it does not is reported."""
        if coll.label == "posts" and not dated:
            report("not-a-post", "warning", "Jekyll reads a file in `_posts` only if its name starts with its "
                   "date, and makes no page of this one; kg keeps its data under an IRI of its own",
                   hint="name it YYYY-MM-DD-title" + (_suffix(name) or ".md"))
            return False
        if not _has_readable_date(data, defaults, dated, report):
            return False
        if not _has_readable_categories(data, defaults, report):
            return False
        if not _is_published(data, defaults, source, report):
            return False
        if not coll.output:
            return False
        if not self.future and self._is_dated_after_build(data, defaults, dated, report):
            return False
        return True

    def _is_dated_after_build(self, data: dict[str, Any], defaults: dict[str, Any], dated: DatedName | None,
                              report: Callable[..., None]) -> bool:
        """Whether the document is dated after the time of the build (reported: Jekyll writes no page of it)."""
        when, _ = self._date(data, defaults, dated)
        if when is not None and when > self.time:
            in_file = data.get("date") is not None
            day = when.strftime("%Y-%m-%d" if when.time() == dt.time() else "%Y-%m-%d %H:%M:%S %z")
            # a warning unless _config.yml says `future: false` itself: Jekyll's default is
            # false, GitHub Pages' true, and an upcoming event without its page loses much
            said = "future" in self.config
            report("future-date", "info" if said else "warning", f"Jekyll makes no page of this file: its "
                   f"date, {day}, is after the time of the build, and _config.yml "
                   f"{'says `future: false`' if said else 'does not say `future: true` (GitHub Pages does)'}; "
                   "kg keeps its data under an IRI of its own", "date" if in_file else None, day,
                   hint="set `future: true` in _config.yml to have Jekyll write pages dated in the future "
                   "(else Jekyll writes this one once its date has passed)")
            return True
        return False

    def _url_values(self, wanted: set[str], coll: Collection, rel: str, name: str, dated: DatedName | None,
                    data: dict[str, Any], defaults: dict[str, Any],
                    report: Callable[..., None]) -> dict[str, str] | None:
        """The values of the ``wanted`` placeholders of a permalink, or ``None`` (reported)
        when a date placeholder has no date to fill it."""
        values: dict[str, str] = {}
        if "collection" in wanted:
            values["collection"] = coll.label
        if "output_ext" in wanted:
            values["output_ext"] = self._output_ext(name)
        if "path" in wanted:
            values["path"] = re.sub(r"\.*\Z", "", rel[:len(rel) - len(_extname(name))]
                                    .replace("_" + coll.label, "", 1))
        if "name" in wanted:
            values["name"] = slugify(_basename_without_ext(name))
        if wanted & {"title", "slug"}:
            slug = _setting(data, defaults, "slug", None)
            if slug is None or slug is False:
                slug = (dated.slug if dated else m[1] if (m := _DATELESS_NAME.match(name)) else
                        _basename_without_ext(name)).rstrip(".")
            values["title"] = slugify(_ruby_text(slug), "pretty", cased=True)
            values["slug"] = slugify(_ruby_text(slug))
        if wanted & {"categories", "slugified_categories"}:
            cats = self._categories(coll, rel, data, defaults)
            values["categories"] = "/".join(dict.fromkeys(c.lower() for c in cats))
            values["slugified_categories"] = "/".join(dict.fromkeys(slugify(c) for c in cats))
        date_names = wanted & DATE_PLACEHOLDERS.keys()
        if date_names:
            date, problem = self._date(data, defaults, dated)
            if date is None:
                report("no-url-date", "warning", f"the page's permalink holds "
                       f"{', '.join(f'`:{n}`' for n in sorted(date_names))} but {problem}, so kg gives the page "
                       "no address", "date", hint="write `date: YYYY-MM-DD` in the front matter")
                return None
            values.update((n, DATE_PLACEHOLDERS[n](date)) for n in date_names)
        return values

    def _output_ext(self, name: str) -> str:
        """``:output_ext``: ``.html`` for markdown (``markdown_ext:``), else the file's own."""
        ext = _extname(name)
        markdown = str(self.config.get("markdown_ext") or JEKYLL_MARKDOWN_EXT).split(",")
        return ".html" if ext[1:].lower() in {m.strip().lower() for m in markdown} else ext

    def _categories(self, coll: Collection, rel: str, data: dict[str, Any],
                    defaults: dict[str, Any]) -> list[str]:
        """A document's categories as Jekyll gathers them: a post's folders above
        ``_posts`` (``news/_posts/x.md``: ``news``), then ``categories:`` of
        ``defaults:`` and the front matter (text split at spaces), then ``category:``."""
        cats: list[Any] = []
        if coll.label == "posts" and not rel.startswith("_posts"):
            above = re.sub(r"_posts.*", "", rel, count=1, flags=re.DOTALL)
            cats = [c for c in above.split("/") if c and c != "_posts" and c != rel.rpartition("/")[2]]
        for given in (defaults, data):
            more = given.get("categories")
            if more is not None:
                more = more.split() if isinstance(more, str) else more if isinstance(more, list) else [more]
                cats += [c for c in more if c not in cats]
        # then, as Utils.pluralized_array_from_hash, `category:` (else the categories)
        # flattened, without nil: [[a, b], c] is categories "[\"a\", \"b\"]", c, a and b
        single = data.get("category") if data.get("category") is not None else defaults.get("category")
        extra = single if single is not None and single is not False else list(cats)
        cats += _flattened(extra if isinstance(extra, list) else [extra])
        return list(dict.fromkeys(_ruby_text(c) for c in cats))

    def _date(self, data: dict[str, Any], defaults: dict[str, Any],
              dated: DatedName | None) -> tuple[dt.datetime | None, str]:
        """The document's date in the site's time zone, as Jekyll has it for its URL:
        ``date:`` of the front matter or ``defaults:`` (a YAML timestamp moved into the
        site's time zone, one without an offset being UTC), else the file name's; with
        why there is none."""
        value = _setting(data, defaults, "date", None)
        if value is None or value is False:
            if dated is None or dated.date is None:
                return None, "the file has no `date:` and its name no date (Jekyll takes the time of the build)"
            return dt.datetime(dated.date.year, dated.date.month, dated.date.day, tzinfo=self.timezone), ""
        return _as_time(value, self.timezone)


class _Base60(int):
    """``date:`` written as a YAML 1.1 base-60 number (``10:00``): the number Jekyll's
    YAML reader makes of it, which remembers the text ``written``."""
    written: str


class _Base60Float(float):
    """As :class:`_Base60`, with a fraction (``10:00.5``)."""
    written: str


def _as_psych_reads(data: dict[str, Any], source: SourceFile | None) -> dict[str, Any]:
    """``data``, with a ``date:`` written without quotes as a YAML 1.1 base-60 number
    (``date: 10:00``) as Jekyll's YAML reader has it: a number (see
    :func:`kg.frontmatter.psych_base60`). kg's own reading (YAML 1.2) keeps the text,
    which Jekyll never sees; without the file (``source``) kg cannot tell how it was written."""
    value = data.get("date")
    if not isinstance(value, str) or source is None:
        return data
    f = next((f for f in reversed(source.fields) if f.key == "date"), None)
    number = psych_base60(f.text) if f is not None and f.text is not None else None
    if number is None:
        return data
    read = (_Base60Float if isinstance(number, float) else _Base60)(number)
    read.written = f.text
    return {**data, "date": read}


def _has_readable_date(data: dict[str, Any], defaults: dict[str, Any], dated: DatedName | None,
                       report: Callable[..., None]) -> bool:
    """Whether Jekyll can read the document's date, ``date:`` or the file name's (reported if not)."""
    date = _setting(data, defaults, "date", _ABSENT)
    if date is not _ABSENT and (hint := _unreadable_date(date)) is not None:
        in_defaults = data.get("date") is None and "date" in defaults
        shown = _yaml_text(date)
        written = "`date:` has no value" if date is None or (isinstance(date, str) and not date.strip()) \
            else f"`date: {shown}` is not a date"
        written += " (from `defaults:` in _config.yml):" if in_defaults else ":"
        if isinstance(date, (_Base60, _Base60Float)):  # (kg's reading is the text; Jekyll's, a number)
            shown = date.written
            written = f"`date: {shown}` is not a date: Jekyll's YAML reads it as the number {_ruby_text(date)} and"
            hint = (f"write the day with the time, `date: YYYY-MM-DD {shown}` (a time alone, written without "
                    "quotes, is a YAML 1.1 number in base 60)")
        report("invalid-date", "error", f"{written} Jekyll stops the build on it (\"Invalid date "
               f"'{_ruby_text(date)}'\"), so kg gives the page no address", None if in_defaults else "date", shown,
               hint=hint)
        return False
    if dated and dated.date is None and date is _ABSENT:
        report("bad-name-date", "error", f"the date in the file name, {dated.written}, is not a "
               "date: Jekyll stops the build on it (\"does not have a valid date in the filename\"), so kg gives "
               "the page no address", hint="correct the date in the file name, or add `date:`")
        return False
    return True


def _has_readable_categories(data: dict[str, Any], defaults: dict[str, Any], report: Callable[..., None]) -> bool:
    """Whether Jekyll can read ``categories:`` of ``defaults:`` and the front matter (reported if not)."""
    for given, where in ((defaults, " (from `defaults:` in _config.yml)"), (data, "")):
        cats = given.get("categories")
        if cats is not None and not isinstance(cats, (str, list)):
            # Document#merge_categories! adds them to a list: Ruby's `|` refuses anything else
            kind = {bool: "true" if cats is True else "false", int: "Integer", float: "Float",
                    dict: "Hash"}.get(type(cats), "Time" if isinstance(cats, dt.datetime) else "Date")
            report("bad-categories", "error", f"`categories: {_flow(cats)}`{where} is neither text nor a list: "
                   f"Jekyll cannot read the file (\"no implicit conversion of {kind} into Array\") and writes "
                   "its page without its front matter, so kg gives the page no address",
                   None if where else "categories", _flow(cats),
                   hint="write the categories as a list, `categories: [news, events]`, or as words, "
                   "`categories: news events`")
            return False
    return True


def _is_published(data: dict[str, Any], defaults: dict[str, Any], source: SourceFile | None,
                  report: Callable[..., None]) -> bool:
    """Whether ``published:`` lets Jekyll write the page, read as Jekyll reads it (each problem reported)."""
    published = _setting(data, defaults, "published", True)
    in_defaults = data.get("published") is None and "published" in defaults
    shown = _yaml_text(published)
    if isinstance(published, str) and not in_defaults:
        # Jekyll's YAML reader (YAML 1.1) reads `no`, `off` and `false` written without
        # quotes, in any case, as false; kg keeps the text (YAML 1.2)
        plain = _plain_text(source, "published", published)
        if plain is not None and plain.lower() in _PSYCH_FALSE:
            published, shown = False, plain
        elif published.strip().lower() not in _PSYCH_TRUE:
            written = plain if plain is not None else f'"{published}"'
            report("bad-boolean", "warning", f"`published: {written}` is text, not true or false: Jekyll "
                   "takes any text for true, and publishes the page",
                   "published", published, hint="write `published: false` (without quotes) to leave the page "
                   "unpublished, or delete the `published:` line")
    if published is None or published is False:
        report("unpublished", "info", f"Jekyll makes no page of this file (`published: {shown}`"
               f"{' in defaults: of _config.yml' if in_defaults else ''}) unless "
               "built with --unpublished; kg keeps its data under an IRI of its own",
               None if in_defaults else "published", shown)
        return False
    return True


def _as_time(value: Any, tz: dt.tzinfo, key: str = "date") -> tuple[dt.datetime | None, str]:
    """A ``date:`` (or ``time:``, ``key``) value as a time in the site's time zone
    ``tz``, as Jekyll reads it: a YAML timestamp moved into the zone (one without an
    offset being UTC), a day at its midnight there, text as Ruby's ``Time.parse`` reads
    the dates kg knows (in the zone unless it names one); with why there is none."""
    try:
        if isinstance(value, dt.datetime):
            return (value if value.tzinfo else value.replace(tzinfo=dt.timezone.utc)).astimezone(tz), ""
        if isinstance(value, dt.date):
            return dt.datetime(value.year, value.month, value.day, tzinfo=tz), ""
        if isinstance(value, str):  # (Jekyll: Time.parse, in the site's zone unless the text has one)
            try:
                parsed = dt.datetime.fromisoformat(value.strip())
            except ValueError:
                m = _DAY.fullmatch(value.strip())
                day = ruby_date(m[1], m[2], m[3]) if m else None
                if day is not None:
                    parsed = dt.datetime(day.year, day.month, day.day)
                elif (ruby := ruby_time(value, dt.datetime.now(tz).timetuple()[:6], tz)) is not None:
                    parsed = ruby   # ("September 8, 2014", "2016-03-21 12:00 EDT", "March 2024")
                else:
                    return None, f"kg cannot read `{key}: {value}` as Jekyll's Time.parse would"
            return (parsed.astimezone(tz) if parsed.tzinfo else parsed.replace(tzinfo=tz)), ""
    except (OverflowError, ValueError):  # (9999-12-31T23:59:59Z is in the year 10000 in Tokyo)
        return None, (f"`{key}: {_yaml_text(value)}` is too near the year 1 or 9999 for kg to take it in the "
                      "site's time zone (Jekyll can)")
    if time_problem(_ruby_text(value), dt.datetime.now().timetuple()[:6]) is None:  # (20240105: Jekyll reads it)
        return None, f"kg cannot read `{key}: {_yaml_text(value)}` as Jekyll's Time.parse would"
    return None, f"`{key}: {_yaml_text(value)}` is not a date (Jekyll stops the build on it)"


_DAY = re.compile(YMD)


def _flattened(values: list[Any]) -> list[Any]:
    """Ruby's ``flatten`` then ``compact``: the items of ``values`` and of the lists in
    it, at any depth, in order, without ``None``."""
    out: list[Any] = []
    stack = [iter(values)]
    while stack:
        for v in stack[-1]:
            if isinstance(v, list):
                stack.append(iter(v))
                break
            if v is not None:
                out.append(v)
        else:
            stack.pop()
    return out


def _setting(data: dict[str, Any], defaults: dict[str, Any], key: str, absent: Any) -> Any:
    """A front-matter setting as Jekyll has it: the file's value, else (when the file
    gives none, or ``null``) that of ``defaults:``; a key written with no value counts."""
    value = data.get(key)
    if value is not None:
        return value
    if key in defaults:
        return defaults[key]
    return None if key in data else absent


def _plain_text(source: SourceFile | None, key: str, value: str) -> str | None:
    """The text of ``key``'s value (text, ``value``) as written when written without
    quotes, which Jekyll's YAML reader reads by its look (YAML 1.1: ``no`` is false);
    ``None`` when quoted. Without the file (``source``), the value is taken as unquoted."""
    if source is None:
        return value
    f = next((f for f in reversed(source.fields) if f.key == key), None)
    return f.text if f is not None else value


def _unreadable_date(value: Any) -> str | None:
    """What to do about a ``date:`` Jekyll stops the build on ("Invalid date"), or
    ``None`` when Jekyll reads it (or kg cannot tell, see below).

    Jekyll 4.3.1 reads ``date:`` as text, whatever its YAML type (``Document#merge_date!``:
    ``Utils.parse_date(value.to_s)``; ``2024`` is "2024", no value is ""), with Ruby's
    ``Time.parse``, and stops on the ``ArgumentError`` it raises: when ``Date._parse``
    finds nothing of a date or a time in the text (``TBC``, ``tomorrow``, ``true``, ``""``),
    or finds a field ``Time`` refuses (``2024`` is month 20, day 24; ``2024-13-01``;
    ``25:99``; an offset of a day or more, ``+25:00``; day 366 of a year with 365), or the
    text is longer than 128 bytes. It reads the rest, as loosely as it reads them
    (``March 2024`` is 1 March, ``Jan`` 1 January of the year of the build, ``2024-02-30``
    1 March): :func:`time_problem` is that reading, checked against Ruby 3.1's.

    kg cannot tell when a time out of range (``24:30 BST``) is given in a zone named by
    letters Ruby does not know itself: Ruby reads it in the zone's offset if the zone is
    the site's (``timezone:``), which may bring the time back in range."""
    if isinstance(value, (dt.date, dt.datetime)):  # (a YAML date or timestamp is always a day)
        return None
    text = _ruby_text(value)
    now = dt.datetime.now()
    at = (now.year, now.month, now.day, now.hour, now.minute, now.second)
    problem = time_problem(text, at)
    if problem is None:
        return None
    what, detail = problem
    if what in ("mon", "mday", "hour", "min", "sec") and any(
            time_problem(text, at, local) is None for local in local_offsets(text, now.year)):
        return None
    if what == "nothing":
        if value is None or isinstance(value, bool) or not text.strip():
            return "write the date, `date: YYYY-MM-DD`, or delete the `date:` line"
        return ("Jekyll finds no day in it: write the day, `date: YYYY-MM-DD` (with a time, "
                "`YYYY-MM-DD HH:MM`), or delete the `date:` line until the day is known")
    part = re.fullmatch(r"\s*(?:[^\W\d_]+\s+)?([0-9]{4})(?:-([0-9]{1,2}))?\s*", text)
    if part is not None and (part[2] is None or 1 <= int(part[2]) <= 12):
        month = f"{int(part[2]):02}" if part[2] else "MM"
        return f"a date needs its day as well: write `date: {part[1]}-{month}-DD`, DD being the day of the month"
    if (said := date_problem(text)) is not None:
        return said
    if what == "offset":
        return (f"the time zone offset {detail} is a day or more: write one from -23:59 to +23:59, "
                "`date: YYYY-MM-DD HH:MM:SS +01:00`")
    if what in ("min", "sec") and 0 <= detail <= (59 if what == "min" else 60):  # (so the hour is 24)
        return ("Jekyll reads the hour 24 in it, with minutes or seconds past it, which cannot be (hours run from "
                "00 to 23; 24:00 is the next midnight): correct the time, `date: YYYY-MM-DD HH:MM`")
    if what in ("hour", "min", "sec"):
        name = {"hour": "hour", "min": "minute", "sec": "second"}[what]
        return (f"Jekyll reads the {name}{'' if detail is None else f' {detail}'} in it, which cannot be ({name}s "
                f"run from 00 to {23 if what == 'hour' else 59}): correct the time, `date: YYYY-MM-DD HH:MM`")
    if what in ("mon", "mday"):
        return (f"Jekyll reads {'month' if what == 'mon' else 'day'} {detail} in it, which cannot be: write the "
                "date as `date: YYYY-MM-DD`")
    if what == "yday":
        return f"Jekyll reads day {detail} of a year in it, which cannot be: write the date as `date: YYYY-MM-DD`"
    return (f"Jekyll reads at most 128 bytes of a date, and this one has {detail}: write just the date, "
            "`date: YYYY-MM-DD`")


def _known(name: str) -> str | None:
    """The placeholder Jekyll fills for ``:name`` (``:title_`` is ``:title`` then ``_``)."""
    if name in URL_PLACEHOLDERS:
        return name
    if name.endswith("_") and name[:-1] in URL_PLACEHOLDERS:
        return name[:-1]
    return None


def _unknown_message(unknown: list[str]) -> str:
    names = list(dict.fromkeys(unknown))
    what = "is not a permalink placeholder" if len(names) == 1 else "are not permalink placeholders"
    return (f"{', '.join(f'`:{n}`' for n in names)} {what}"
            f": Jekyll stops the build (\"The URL template doesn't have {unknown[0]} keys\"), so kg gives "
            "these pages no address")


def _placeholder_hint(unknown: list[str]) -> str:
    near = [m for n in dict.fromkeys(unknown) if (m := closest(n, URL_PLACEHOLDERS)) is not None]
    if near:
        return f"did you mean {', '.join(f'`:{m}`' for m in near)}?"
    return "the placeholders are " + " ".join(f":{n}" for n in URL_PLACEHOLDERS)


def _precedes(old: DefaultSet, new: DefaultSet) -> bool:
    """``FrontmatterDefaults#has_precedence?``: a longer scope path, else one with a type."""
    new_path, old_path = _sanitize_scope(new.path), _sanitize_scope(old.path)
    if len(new_path) != len(old_path):
        return len(new_path) >= len(old_path)
    return True if new.type is not None else old.type is None


def _sanitize_scope(path: str | None) -> str:
    """A ``defaults:`` scope path as ``FrontmatterDefaults#sanitize_path`` gives it, whose
    length says which of two scopes wins: without its leading ``/`` (Jekyll's regex,
    ``\\A/|(?<=[^/])\\z``, also names the end of a path, where it takes nothing away)."""
    if not path:
        return ""
    return re.sub(r"\A/|(?<=[^/])\Z", "", path) if path.startswith("/") else path


class _ScopeGlob:
    """A ``defaults:`` scope path holding ``*``, as ``FrontmatterDefaults#glob_scope``
    matches it: Jekyll lists what ``Dir.glob`` finds from the site's folder and takes in
    a document when the path of one of those things (from the site's folder, less
    ``collections_dir/``) starts the document's path. What it finds that starts a
    document's path is the document itself or a folder above it; so kg, rather than list
    the site, matches those paths against the pattern, translated once into a regular
    expression, as ``Dir.glob`` reads it: ``*`` and ``?`` within one name (not a name's
    leading dot), ``**/`` any number of folders, ``[abc]``, ``{a,b}``, ``\\`` before a
    character taken as it is. A pattern leading out of the site's folder (``/*``,
    ``../*``) takes in nothing, as in Jekyll (whose paths for what it finds there start
    with ``../``); kg does not look there.

    (Jekyll's test is on text, so a file ``_ev/a`` found would also take in
    ``_ev/ab.md``: kg does not follow it there.)"""

    def __init__(self, root: str, scope: str, collections_dir: str) -> None:
        whole = posixpath.normpath(posixpath.join(root.replace(os.sep, "/"), scope))
        root = root.replace(os.sep, "/").rstrip("/") + "/"
        self.regex: re.Pattern[str] | None = None
        if whole.startswith(root):
            try:
                self.regex = re.compile(_glob_regex(whole[len(root):] + ("/" if scope.endswith("/") else "")),
                                        re.DOTALL)
            except re.error:  # (`[z-a]`: a range of nothing, which Dir.glob finds nothing for)
                self.regex = None
        # what Jekyll finds is named from the site's folder, and made a path from the
        # collections folder by taking off `collections_dir/` as written: which it can
        # only be when it is written as a plain path down from the site's folder
        plain = posixpath.normpath(collections_dir) == collections_dir and collections_dir != "." \
            and not collections_dir.startswith("/") and collections_dir.split("/")[0] != ".."
        self.prefix = "" if not collections_dir else collections_dir + "/" if plain else None

    def takes_in(self, relpath: str) -> bool:
        """Whether the scope takes in the document at ``relpath`` (from the collections folder)."""
        if self.regex is None or self.prefix is None:
            return False
        path = self.prefix + relpath
        start = len(self.prefix)
        while True:
            end = path.find("/", start)
            if end < 0:
                return self.regex.fullmatch(path) is not None
            if self.regex.fullmatch(path, 0, end) or self.regex.fullmatch(path, 0, end + 1):
                return True
            start = end + 1


def _glob_regex(pattern: str) -> str:
    """A ``Dir.glob`` pattern (path from the site's folder) as a regular expression."""
    out: list[str] = []
    i, n, braces = 0, len(pattern), 0
    while i < n:
        c = pattern[i]
        name_start = i == 0 or pattern[i - 1] == "/"
        if c == "*" and pattern.startswith("**/", i) and name_start:
            out.append(r"(?:(?!\.)[^/]*/)*")
            i += 3
            continue
        if c == "*":
            while i + 1 < n and pattern[i + 1] == "*":
                i += 1
            out.append(r"(?!\.)[^/]*" if name_start else r"[^/]*")
        elif c == "?":
            out.append(r"(?!\.)[^/]" if name_start else r"[^/]")
        elif c == "[" and (end := _bracket_end(pattern, i)) > 0:
            inner = pattern[i + 1:end]
            negated = inner[:1] in ("!", "^")
            body, k = [], 1 if negated else 0
            while k < len(inner):
                ch = inner[k]
                if ch == "\\" and k + 1 < len(inner):
                    k += 1
                    body.append(re.escape(inner[k]))
                else:
                    body.append("\\" + ch if ch in "\\[]^" else ch)
                k += 1
            out.append(("[^/" if negated else "(?!/)[") + "".join(body) + "]")
            i = end
        elif c == "{" and "}" in pattern[i:]:
            braces += 1
            out.append("(?:")
        elif c == "," and braces:
            out.append("|")
        elif c == "}" and braces:
            braces -= 1
            out.append(")")
        elif c == "\\" and i + 1 < n:
            i += 1
            out.append(re.escape(pattern[i]))
        else:
            out.append(re.escape(c))
        i += 1
    return "".join(out) + ")" * braces


def _bracket_end(pattern: str, i: int) -> int:
    """Where the ``[...]`` opened at ``i`` closes (``-1``: it does not, and is a plain ``[``)."""
    j = i + 1
    if j < len(pattern) and pattern[j] in "!^":
        j += 1
    if j < len(pattern) and pattern[j] == "]":
        j += 1
    end = pattern.find("]", j)
    return -1 if end < 0 or "/" in pattern[i:end] else end


def _strip_dir(path: str, collections_dir: str) -> str:
    prefix = collections_dir + "/"
    return path[len(prefix):] if collections_dir and path.startswith(prefix) else path


class _Globs:
    """Patterns of ``include:`` or ``exclude:`` as ``Jekyll::EntryFilter#glob_include?``
    matches them against a path from the site folder: a pattern matches it as
    ``File.fnmatch?`` does (``*`` across ``/`` too), is the start of it, or names it as a
    folder (``old/``). Compiled once: a site's files are matched one by one."""

    def __init__(self, root: str, patterns: list[str]) -> None:
        joined = [os.path.join(root, p.lstrip("/")) for p in patterns]
        self.root = root.rstrip(os.sep) + os.sep
        self.prefixes = tuple(joined)
        self.regex = re.compile("|".join(f"(?:{fnmatch.translate(p)})" for p in joined)) if joined else None

    def matches(self, rel: str, folder: bool = False) -> bool:
        """Whether a pattern matches ``rel`` (a folder's path when ``folder``)."""
        if self.regex is None:
            return False
        full = self.root + rel.lstrip("/")
        return (full.startswith(self.prefixes) or self.regex.match(full) is not None
                or (folder and full + "/" in self.prefixes))


def _resolved(path: str | Path) -> Path:
    """``path`` made absolute with links followed, as far as it exists (as it is when that fails)."""
    try:
        return Path(path).resolve()
    except (OSError, RuntimeError):
        return Path(os.path.abspath(path))


def _parts_below(path: Path, folder: Path) -> tuple[str, ...] | None:
    """The names that lead from ``folder`` to ``path`` (``()``: the same folder), or
    ``None`` when ``path`` is not in ``folder``."""
    try:
        return path.relative_to(folder).parts
    except ValueError:
        return None


def _has_front_matter(path: str) -> bool:
    """``Jekyll::Utils.has_yaml_header?``: the first line is ``---``."""
    try:
        with open(path, "rb") as f:
            return re.match(rb"---\s*\r?\n", f.readline(4096)) is not None
    except OSError:
        return False


def _extname(name: str) -> str:
    """Ruby's ``File.extname``: the last ``.xxx`` of a name not starting with a dot."""
    i = name.rfind(".")
    return name[i:] if i > 0 and name[:i].strip(".") and i < len(name) - 1 else ""


def _basename_without_ext(name: str) -> str:
    ext = _extname(name)
    return name[:len(name) - len(ext)] if ext else name


def _ruby_text(value: Any) -> str:
    """``to_s`` of a YAML value as Ruby writes it: ``nil`` is empty, booleans are lower
    case, a float is Ruby's (``1.0e+16``), a list or a mapping is written as Ruby's
    ``inspect`` writes it (``["a", "b"]``, ``{"a"=>1}``), never as Python's repr."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, (list, dict)):
        return _ruby_inspect(value)
    return _ruby_scalar(value)


def _ruby_scalar(value: Any) -> str:
    """``to_s`` of a YAML value that is neither text, a list nor a mapping."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return _ruby_float(value)
    if isinstance(value, dt.datetime):  # Time#to_s
        zone = value.strftime("%z") or "+0000"
        return value.strftime("%Y-%m-%d %H:%M:%S ") + ("UTC" if value.tzinfo is dt.timezone.utc else zone)
    return str(value)


def _ruby_float(x: float) -> str:
    """``Float#to_s``: the shortest digits that read back as ``x``, written out in full
    for a decimal exponent of -4 to 15 (``0.0001``, ``100.0``), else as ``1.0e+16``."""
    if x != x:
        return "NaN"
    if x in (float("inf"), float("-inf")):
        return "Infinity" if x > 0 else "-Infinity"
    sign, digits, exponent = decimal.Decimal(repr(x)).as_tuple()
    text = "".join(map(str, digits)).rstrip("0") or "0"
    point = len(digits) + exponent  # where the decimal point falls in ``text``
    minus = "-" if sign else ""
    if text == "0":
        return minus + "0.0"
    if -4 < point <= 15:
        if point <= 0:
            return f"{minus}0.{'0' * -point}{text}"
        whole, frac = text[:point].ljust(point, "0"), text[point:]
        return f"{minus}{whole}.{frac or '0'}"
    return f"{minus}{text[0]}.{text[1:] or '0'}e{point - 1:+03d}"


_RUBY_UNPRINTABLE = frozenset({"Cn", "Cs", "Zl", "Zp"})  # what Ruby escapes past ASCII (Onigmo's [[:print:]])
_RUBY_ESCAPES = {"\n": "\\n", "\t": "\\t", "\r": "\\r", "\f": "\\f", "\v": "\\v", "\a": "\\a",
                 "\b": "\\b", "\x1b": "\\e", '"': '\\"', "\\": "\\\\"}


def _ruby_inspect(value: Any) -> str:
    """``inspect`` of a YAML value as Ruby 3.1 (Jekyll's) writes it: text in double
    quotes with Ruby's escapes, ``nil``, ``[1, "a"]``, ``{"a"=>1}``, a date as
    ``Date#inspect``, a time as ``Time#inspect``."""
    if isinstance(value, str):
        out = []
        for i, c in enumerate(value):
            if c in _RUBY_ESCAPES:
                out.append(_RUBY_ESCAPES[c])
            elif c == "#" and value[i + 1:i + 2] in ("{", "$", "@"):
                out.append("\\#")
            elif c >= " " and c != "\x7f" and (c.isascii() or unicodedata.category(c) not in _RUBY_UNPRINTABLE):
                out.append(c)
            else:
                out.append(f"\\u{ord(c):04X}" if ord(c) <= 0xFFFF else f"\\u{{{ord(c):X}}}")
        return '"' + "".join(out) + '"'
    if value is None:
        return "nil"
    if isinstance(value, list):
        return "[" + ", ".join(_ruby_inspect(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{_ruby_inspect(k)}=>{_ruby_inspect(v)}" for k, v in value.items()) + "}"
    if isinstance(value, dt.datetime):  # (Time#inspect: Time#to_s with the fraction of a second)
        text = _ruby_scalar(value)
        return text[:19] + f".{value.microsecond:06d}".rstrip("0") + text[19:] if value.microsecond else text
    if isinstance(value, dt.date):
        return f"#<Date: {value.isoformat()} (({value.toordinal() + 1721425}j,0s,0n),+0s,2299161j)>"
    return _ruby_scalar(value)


def _yaml_text(value: Any) -> str:
    """A value as a message quotes it, as written in YAML: ``null`` for nothing (where
    Ruby's ``to_s`` gives an empty text), else as :func:`_ruby_text`."""
    return "null" if value is None else _ruby_text(value)


def _escape_value(value: str) -> str:
    """``Jekyll::URL.escape_path`` of one placeholder's value: what a URL path cannot
    hold is percent-encoded, ``%`` itself too (a file named ``100%`` is at ``100%25``).
    (Jekyll keeps ``?``; kg writes ``%3F``, where the page really is served.)"""
    return quote(value, safe="/-._~!$&'()*+,;=:@", errors="surrogateescape")


def _expand(template: str, values: dict[str, str]) -> str:
    """Fill a permalink template (every placeholder known: see :func:`_known`) and clean
    it as ``Jekyll::URL#sanitize_url`` does; text written in the template keeps the
    escapes written there, and what an IRI cannot hold is escaped."""
    def sub(m: re.Match) -> str:
        name = m.group(1)
        winner = name if name in values else name[:-1]
        return _escape_value(values.get(winner, "")) + name[len(winner):]
    url = _PLACEHOLDER.sub(sub, template)
    url = ("/" + url).replace("..", "/").replace("./", "")
    url = re.sub(r"/{2,}", "/", url)
    # (a "%" that starts no escape is one itself: "100%" is served at /100%25)
    return quote(_STRAY_PERCENT.sub("%25", url), safe="/-._~!$&'()*+,;=:@%", errors="surrogateescape")


_STRAY_PERCENT = re.compile(r"%(?![0-9A-Fa-f]{2})")
_MINT_SAFE = re.compile(r"[A-Za-z0-9_.~/-]*")  # what quote(safe="-._~/") leaves unchanged


def load_site(root: str | Path, base_url: str | None = None) -> Site:
    """Read the site at ``root``.

    The base URL is, in order: ``base_url`` (the ``--base-url`` option), the ``url``
    of ``_config.yml``, ``https://`` + the ``CNAME`` file. Settings Jekyll would stop
    on or that kg reads otherwise are reported in ``Site.diagnostics`` with their line.

    Raises:
        SiteError: the folder does not exist, ``_config.yml`` is not valid YAML (or nests
            or expands past what a settings file holds), no base URL can be found, or the
            base URL and ``baseurl:`` cannot start an IRI.
    """
    root = Path(root)
    if not root.is_dir():
        raise SiteError(f"no such site folder: {root}", hint="pass the folder that holds _config.yml")
    config_path = root / "_config.yml"
    config: dict[str, Any] = {}
    lines: dict[tuple, int] = {}
    if config_path.is_file():
        config, lines = read_config(config_path)
    url = config.get("url")
    if not base_url and url is not None and not isinstance(url, str):
        raise SiteError(f"`url:` must be the site's address as text, got {_short(url)!r}", path=config_path,
                        line=lines.get(("url",)), hint="e.g. url: https://example.org")
    base, source = (base_url, "--base-url") if base_url else ((url or "").strip(), "`url:`")
    where: Path | None = None if base_url else config_path
    line = None if base_url else lines.get(("url",))
    cname: str | None = None
    if not base and (root / "CNAME").is_file():
        cname = _read_cname(root / "CNAME")
        base, source, where, line = (f"https://{cname}" if cname else ""), "CNAME", root / "CNAME", 1
    if not base and cname == "":
        raise SiteError("the CNAME file is empty, and " + ("`url:` in _config.yml is not set" if config_path.is_file()
                        else "there is no _config.yml") + ", so the site has no base URL", path=root / "CNAME",
                        hint="write the site's host name in CNAME (e.g. www.example.org), set `url:` in "
                             "_config.yml, or pass --base-url")
    if not base and not config_path.is_file():
        raise SiteError("no _config.yml here, nor a CNAME file, to give the site's base URL", path=root,
                        hint="pass the folder that holds the site's _config.yml, or give --base-url")
    if not base:
        raise SiteError("the site has no base URL", path=config_path,
                        hint="set `url:` in _config.yml, add a CNAME file, or pass --base-url")
    given = base
    if base.startswith("//"):  # protocol-relative, as some sites write `url:`
        base = "https:" + base
    elif "://" not in base and not _OTHER_SCHEME.match(base):  # (`mailto:x` is no host to put https:// before)
        base = "https://" + base
    _check_base(base, f"{source}, {given!r}" if given != base else source, where, line)
    base = base.rstrip("/")
    baseurl, notes = _read_baseurl(config, base, config_path, lines.get(("baseurl",)))
    site = Site(root=root, base_url=base, baseurl=baseurl,
                collections=_collections(root, config), config=config, config_lines=lines)
    note = _config_note(site)
    for args in notes:
        note(*args)
    _read_settings(site)
    return site


#: A base URL of another scheme than http(s), without `//` (`mailto:x`, `urn:x`): not
#: a host and a port (`localhost:4000`), as a name without dots before a `:` and no digits after it
_OTHER_SCHEME = re.compile(r"[A-Za-z][A-Za-z0-9+-]*:(?!\d*(?:/|$))")


def _short(value: Any, limit: int = 60) -> str:
    """A value of ``_config.yml`` as a message quotes it (as written in YAML), cut short when long."""
    text = _yaml_text(value)
    return text if len(text) <= limit else text[:limit - 1] + "…"


def _read_cname(path: Path) -> str:
    """The host written on the first line of a ``CNAME`` file (empty when it has none)."""
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except OSError as exc:
        raise SiteError(f"cannot read CNAME: {exc.strerror or exc}", path=path,
                        hint="make it readable to whoever runs kg, or set `url:` in _config.yml") from exc
    except UnicodeDecodeError as exc:
        raise SiteError(f"CNAME is not UTF-8 text (byte 0x{exc.object[exc.start]:02x})", path=path,
                        line=exc.object[:exc.start].count(b"\n") + 1,
                        hint="write the site's host name alone in it, e.g. www.example.org") from exc
    lines = text.strip().splitlines()
    return lines[0].strip() if lines else ""


_NOT_IN_IRI = re.compile(r"[\s<>\"{}|\\^`]")  # characters no IRI holds (RFC 3987)
_PROBE = "/x"  # a page path: the base URL and baseurl must start an IRI with it after them
_WHOLE_ADDRESS = re.compile(r"/*(?:[A-Za-z][A-Za-z0-9+.-]*:)?//")  # `https://…` or `//…` (a slash put before)


def _check_base(base: str, source: str, where: Path | None, line: int | None = None) -> None:
    """Every IRI kg mints starts with the base URL: it must be scheme and host (and
    perhaps a path), nothing an IRI cannot hold (the error is at ``line`` of ``where``)."""
    try:
        parts = urlsplit(base)
    except ValueError:  # e.g. an invalid [IPv6] host
        parts = urlsplit("")
    problem, hint = None, "give scheme and host, e.g. https://example.org"
    if parts.scheme not in ("http", "https") or not parts.netloc:
        problem = "is not an http(s) address with a host"
    elif parts.query or parts.fragment or "#" in base or "?" in base:
        problem = "has a query or a fragment ('?', '#')"
    elif _NOT_IN_IRI.search(base):
        problem = "holds spaces or characters an IRI cannot hold"
    else:
        try:
            parts.port  # noqa: B018 (reading it checks it)
        except ValueError:
            problem = f"has a port that is not a number from 0 to 65535 ({parts.netloc.rpartition(':')[2]!r})"
            hint = "give scheme and host, e.g. https://example.org, and after a `:` only a port, e.g. :8080"
        else:
            trouble = _iri_trouble(base.rstrip("/") + _PROBE)
            if trouble:
                problem, hint = trouble
    if problem:
        raise SiteError(f"the base URL {base!r} (from {source}) {problem}", path=where, line=line, hint=hint)


def _iri_trouble(iri: str) -> tuple[str, str] | None:
    """Why ``iri`` cannot name a node in the graph (pyoxigraph refuses it) and what to do,
    or ``None``: a ``[`` or ``]`` past the host, a ``%`` that starts no escape."""
    try:
        NamedNode(iri)
        return None
    except ValueError as exc:
        reason = str(exc)
    after_host = iri.partition("://")[2].partition("/")[2]
    if "[" in after_host or "]" in after_host:
        return ("holds `[` or `]`, which an IRI holds only around an IPv6 host",
                "write them as %5B and %5D, or leave them out")
    if _STRAY_PERCENT.search(iri):
        return ("holds a `%` that starts no escape (an escape is `%` and two hex digits, as in %20)",
                "write a `%` itself as %25")
    return f"cannot start an IRI ({reason})", "give scheme and host, e.g. https://example.org, and a path"


def _read_baseurl(config: dict[str, Any], base: str, config_path: Path,
                  line: int | None) -> tuple[str, list[tuple]]:
    """``baseurl:`` as kg puts it before every page path (``/blog``, empty for none), as
    Jekyll's ``relative_url`` reads it (Ruby's ``to_s``, with a ``/`` before it), and the
    notes (arguments of :func:`_config_note`'s function) on what Jekyll reads but was
    hardly meant: a ``baseurl:`` that is not text, or is a whole address.

    Raises:
        SiteError: ``baseurl:`` is a list or a mapping, or no IRI can start with it.
    """
    value = config.get("baseurl")
    notes: list[tuple] = []
    if value is not None and not isinstance(value, (str, bool, int, float, dt.date)):
        kind = {list: "a list", dict: "a mapping"}.get(type(value), f"not text ({type(value).__name__})")
        raise SiteError(f"`baseurl:` must be a path as text, not {kind} (`{_short(value)}`): every page IRI "
                        "starts with it", path=config_path, line=line,
                        hint='e.g. baseurl: /blog, or baseurl: "" for a site at the root of its host')
    text = _ruby_text(value).strip()
    if value is not None and not isinstance(value, str):
        notes.append(("bad-setting", "warning", f"`baseurl: {text}` is not text: Jekyll reads it as the path "
                      f"/{text}, and so does kg", ("baseurl",),
                      f'if /{text} is the path meant, put it in quotes (`baseurl: "/{text}"`); for a site at '
                      'the root of its host write `baseurl: ""`', text))
    if _WHOLE_ADDRESS.match(text):
        notes.append(("bad-setting", "warning", f"`baseurl:` is a whole address ({text!r}), but Jekyll puts "
                      f"`baseurl:` after `url:`, making page addresses such as "
                      f"{base}/{text.lstrip('/')}/about; kg's IRIs follow Jekyll's", ("baseurl",),
                      "put the address in `url:` and only the path after its host in `baseurl:` "
                      '(`baseurl: ""` for none)', text))
    baseurl = text.rstrip("/")
    if baseurl and not baseurl.startswith("/"):
        baseurl = "/" + baseurl
    if _NOT_IN_IRI.search(baseurl) or "#" in baseurl or "?" in baseurl:
        raise SiteError(f"`baseurl:` {baseurl!r} is not a URL path: every page IRI starts with it",
                        path=config_path, line=line, hint="a path such as /blog, without spaces, '#' or '?'")
    trouble = _iri_trouble(base + baseurl + _PROBE)
    if trouble:
        raise SiteError(f"`baseurl:` {baseurl!r} {trouble[0]}: every page IRI starts with it",
                        path=config_path, line=line, hint=trouble[1])
    return baseurl, notes


#: How deep lists and mappings may nest in ``_config.yml`` (Jekyll's own settings nest
#: three or four levels): far below what Python can construct, compare and dump.
_CONFIG_DEPTH = 100
#: PyYAML's safe loader, with libyaml's parser when it is installed (what front matter uses)
_SafeLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _ConfigLoader(_SafeLoader):  # type: ignore[misc,valid-type]
    """PyYAML's safe loader (YAML 1.1, as ``_config.yml`` has always been read), save that
    a date that is no date (``2024-02-30``) stays the text written, as Jekyll's YAML reader
    keeps it, and a value that does not fit its tag (``!!int abc``) is a YAML error at its
    line, not a Python exception."""

    def construct_yaml_timestamp(self, node: yaml.ScalarNode) -> Any:
        try:
            return super().construct_yaml_timestamp(node)
        except ValueError:  # (a month 13, a 30 February)
            return node.value

    def construct_object(self, node: yaml.Node, deep: bool = False) -> Any:
        try:
            return super().construct_object(node, deep=deep)
        except (ValueError, TypeError, KeyError, AttributeError, OverflowError) as exc:
            tag = node.tag.replace("tag:yaml.org,2002:", "!!")
            raise yaml.constructor.ConstructorError(
                None, None, f"{_short(node.value) if isinstance(node, yaml.ScalarNode) else 'a ' + node.id!r} "
                f"is not what its tag `{tag}` says it is",
                node.start_mark) from exc


_ConfigLoader.add_constructor("tag:yaml.org,2002:timestamp", _ConfigLoader.construct_yaml_timestamp)


def read_config(path: Path) -> tuple[dict[str, Any], dict[tuple, int]]:
    """The settings of ``_config.yml`` and the line of each (see :func:`_config_lines`),
    read with the guards front matter has: nesting past :data:`_CONFIG_DEPTH` (found
    before the parser recurses into it), more than :data:`MAX_NODES` values counting what
    each alias repeats (an alias bomb), or an alias inside the value it names is an error
    at its line, as is YAML that is not valid, in the plain words front matter's has."""
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise SiteError(f"cannot read _config.yml: {exc.strerror or exc}", path=path,
                        hint="make it readable to whoever runs kg") from exc
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:  # (Jekyll stops on it too)
        raise SiteError(f"_config.yml is not valid UTF-8 (byte 0x{raw[exc.start]:02x})", path=path,
                        line=raw[:exc.start].count(b"\n") + 1, hint="save _config.yml as UTF-8") from exc
    loader = None
    try:
        deep = _nested_too_deep(text)
        if deep is not None:
            raise SiteError(f"_config.yml nests lists or mappings more than {_CONFIG_DEPTH} deep", path=path,
                            line=deep, hint="write the setting with less nesting")
        loader = _ConfigLoader(text)
        node = loader.get_single_node()
        if node is None:
            return {}, {}
        _check_expansion(node, path)
        lines = _config_lines(node)  # (before construction, which flattens `<<:` merges in place)
        config = loader.construct_document(node) or {}
    except yaml.reader.ReaderError as exc:
        code = exc.character if isinstance(exc.character, int) else ord(exc.character)  # (libyaml's: a number)
        raise SiteError(f"_config.yml holds a character YAML does not allow (U+{code:04X}, {exc.reason})",
                        path=path, line=text.count("\n", 0, max(exc.position, 0)) + 1,
                        hint="delete the invisible character on that line") from exc
    except yaml.YAMLError as exc:
        line, message, hint = _yaml_error(exc, text)
        raise SiteError(message, path=path, line=line, hint=hint) from exc
    finally:
        if loader is not None:
            loader.dispose()
    if not isinstance(config, dict):
        raise SiteError("_config.yml must be a mapping of settings", path=path, line=node.start_mark.line + 1,
                        hint="write each setting as `key: value` on a line of its own")
    return config, lines


def _yaml_error(exc: yaml.YAMLError, text: str) -> tuple[int | None, str, str]:
    """The line, message and hint for a ``_config.yml`` that is not valid YAML: front
    matter's (:func:`kg.frontmatter.syntax_error`), said of ``_config.yml``, save for two
    mistakes it does not name: a quote left open that runs on to the next quote, lines
    below, where YAML then finds more text; an escape that names no character (``"\\ud800"``)."""
    mark = getattr(exc, "problem_mark", None)
    problem = str(getattr(exc, "problem", None) or exc)
    quote = _runaway_quote(text, mark) if mark is not None else None
    if quote is not None:
        q, opened, closed = quote
        return (opened, f"_config.yml is not valid YAML: the quote ({q}) opened on line {opened} runs on to line "
                f"{closed}, where it is closed by the next {q} and YAML finds more text after it "
                f"(the YAML reader says: {problem})", f"close the quote on line {opened} at the end of its value; "
                "inside \"…\" write a \" as \\\", inside '…' write a ' as ''")
    if problem.startswith("found invalid Unicode character escape code"):
        return (mark.line + 1 if mark is not None else None,
                f"_config.yml is not valid YAML: an escape inside double quotes (`\\u…`) names no character "
                f"(the YAML reader says: {problem})",
                "write the character itself, or put the value in single quotes to keep the backslash")
    line, message, hint = syntax_error(exc, text, 1)
    return line, _in_config(message), _in_config(hint)


def _runaway_quote(text: str, mark: Any) -> tuple[str, int, int] | None:
    """A quoted value that starts on one line and ends on a later one, where the YAML
    reader found the error (at ``mark``) right after it: its quote, first and last line."""
    scanner = _ConfigLoader(text)
    try:
        while scanner.check_token():
            token = scanner.get_token()
            end = token.end_mark
            if end.index > mark.index:
                return None
            if isinstance(token, yaml.ScalarToken) and token.style in ("'", '"') \
                    and token.start_mark.line < end.line == mark.line and not text[end.index:mark.index].strip():
                return token.style, token.start_mark.line + 1, end.line + 1
    except yaml.YAMLError:
        return None
    finally:
        scanner.dispose()
    return None


def _in_config(text: str) -> str:
    """A message on front matter's YAML (:func:`kg.frontmatter.syntax_error`) said of ``_config.yml``."""
    return text.replace("the front matter's", "_config.yml's").replace("front matter", "_config.yml")


def _nested_too_deep(text: str) -> int | None:
    """The line where lists and mappings in the YAML ``text`` first nest more than
    :data:`_CONFIG_DEPTH` deep, or ``None``: read as events, which does not recurse
    (libyaml's composer does, in C, and a file of some 25,000 `[` kills the process)."""
    parser = _ConfigLoader(text)
    depth = 0
    try:
        while parser.check_event():
            event = parser.get_event()
            if isinstance(event, yaml.CollectionStartEvent):
                depth += 1
                if depth > _CONFIG_DEPTH:
                    return event.start_mark.line + 1
            elif isinstance(event, yaml.CollectionEndEvent):
                depth -= 1
        return None
    finally:
        parser.dispose()


def _check_expansion(node: yaml.Node, path: Path) -> None:
    """Refuse a ``_config.yml`` whose aliases make it nest past :data:`_CONFIG_DEPTH`,
    refer to a value they are part of, or expand to more than :data:`MAX_NODES` values
    (an alias bomb: nine aliases of nine aliases of … make a billion values of a few lines)."""
    depth: dict[int, int] = {}  # node id -> how deep it nests, each node worked out once
    open_: set[int] = set()  # the nodes being worked out (an alias to one of them is a loop)
    stack: list[tuple[yaml.Node, bool]] = [(node, False)]
    while stack:
        n, done = stack.pop()
        kids = [c for pair in n.value for c in pair] if isinstance(n, yaml.MappingNode) \
            else n.value if isinstance(n, yaml.SequenceNode) else []
        if done:
            open_.discard(id(n))
            d = 0 if isinstance(n, yaml.ScalarNode) else 1 + max((depth[id(k)] for k in kids), default=0)
            depth[id(n)] = d
            if d > _CONFIG_DEPTH:
                raise SiteError(f"_config.yml nests lists or mappings more than {_CONFIG_DEPTH} deep, counting "
                                "the values its aliases (`*name`) repeat", path=path,
                                line=n.start_mark.line + 1, hint="write the setting with fewer aliases")
        elif id(n) not in depth:
            if id(n) in open_:
                raise SiteError("an alias in _config.yml refers to a value it is part of", path=path,
                                line=n.start_mark.line + 1, hint="write the value out instead of the alias")
            open_.add(id(n))
            stack.append((n, True))
            stack.extend((k, False) for k in kids)
    pairs = node.value if isinstance(node, yaml.MappingNode) else [(node, node)]
    total = 0
    for key, value in pairs:
        total += count_nodes(value, MAX_NODES - total)
        if total > MAX_NODES:
            raise SiteError(f"_config.yml expands to more than {MAX_NODES} values (alias bomb?), counting "
                            "each alias (`*name`) as the value it repeats", path=path,
                            line=key.start_mark.line + 1, hint="write the settings with fewer aliases")


def _config_lines(node: yaml.Node) -> dict[tuple, int]:
    """The line of every setting in ``_config.yml`` (composed as ``node``), by its keys (and list indexes)."""
    lines: dict[tuple, int] = {}
    stack: list[tuple[tuple, Any]] = [((), node)]
    seen: set[int] = set()  # (an alias is walked once: no blow-up from nested aliases)
    while stack:
        keys, n = stack.pop()
        if id(n) in seen:
            continue
        seen.add(id(n))
        if isinstance(n, yaml.MappingNode):
            for k, v in n.value:
                if isinstance(k, yaml.ScalarNode):
                    lines.setdefault(keys + (k.value,), k.start_mark.line + 1)
                    stack.append((keys + (k.value,), v))
        elif isinstance(n, yaml.SequenceNode):
            for i, v in enumerate(n.value):
                lines.setdefault(keys + (i,), v.start_mark.line + 1)
                stack.append((keys + (i,), v))
    return lines


def _read_settings(site: Site) -> None:
    """Read ``timezone:``, ``future:``/``time:`` and ``defaults:`` of ``_config.yml``, and check
    ``exclude:``/``include:``, ``collections_dir:``, ``collections:`` and every permalink,
    reporting what Jekyll would stop on or kg reads otherwise."""
    note = _config_note(site)
    _read_timezone(site, note)
    _read_build_time(site, note)
    _check_file_lists(site, note)
    _read_defaults(site, note)
    _check_collections_dir(site, note)
    _check_collection_names(site, note)
    _check_site_permalink(site, note)
    for label, coll in site.collections.items():
        _check_collection_permalink(site, label, coll, note)


def _config_note(site: Site) -> Callable[..., None]:
    """A function that reports a problem with the setting of ``_config.yml`` at ``keys``, at its line."""
    def note(code: str, severity: str, message: str, keys: tuple, hint: str | None = None,
             value: Any = None) -> None:
        site.note(Diagnostic(code, severity, message, "_config.yml", site.config_line(*keys) or 1,
                             ".".join(str(k) for k in keys), None if value is None else str(value), hint=hint))
    return note


def _read_timezone(site: Site, note: Callable[..., None]) -> None:
    """Read ``timezone:`` into ``site.timezone``, reporting a zone kg does not know."""
    tz = site.config.get("timezone")
    if tz is not None:
        try:
            site.timezone = zoneinfo.ZoneInfo(str(tz))
        except (zoneinfo.ZoneInfoNotFoundError, ValueError, OSError):  # (OSError: a folder's name)
            note("bad-timezone", "warning", f"`timezone: {tz}` is not a time zone kg knows: dates in page URLs "
                 "are taken in UTC", ("timezone",), hint="an IANA name such as Europe/London", value=tz)


def _read_build_time(site: Site, note: Callable[..., None]) -> None:
    """Read ``future:`` and, when it is needed, ``time:`` into the site, reporting a time kg cannot read."""
    config = site.config
    site.future = config.get("future") not in (None, False)  # (Ruby's truth: any value but nil and false)
    when = config.get("time")
    if when is not None and not site.future:  # (only what is dated in the future needs it)
        at, problem = _as_time(when, site.timezone, "time")
        if at is None:
            note("bad-setting", "warning", f"{problem}: kg takes the time it is run to tell which pages are "
                 "dated in the future", ("time",),
                 hint="write the time as `time: 2024-05-01 12:00:00 +00:00`", value=_yaml_text(when))
        else:
            site.time = at


def _check_file_lists(site: Site, note: Callable[..., None]) -> None:
    """Report an ``exclude:`` or ``include:`` that is not a list."""
    config = site.config
    for key in ("exclude", "include"):
        if key in config and not isinstance(config[key], list):
            note("bad-setting", "error", f"`{key}:` must be a list: Jekyll stops the build on it "
                 "(kg reads it as Jekyll's default)", (key,), hint=f"{key}: [a-file.md, a-folder/]",
                 value=config[key])


def _read_defaults(site: Site, note: Callable[..., None]) -> None:
    """Read ``defaults:`` into ``site.defaults``, reporting the entries Jekyll ignores or stops on."""
    sets = site.config.get("defaults")
    if sets is not None and not isinstance(sets, list):
        note("bad-default", "warning", "`defaults:` must be a list of `scope:` and `values:`: Jekyll and kg "
             "ignore it", ("defaults",))
    for i, s in enumerate(sets if isinstance(sets, list) else []):
        if not (isinstance(s, dict) and isinstance(s.get("values"), dict)):
            note("bad-default", "warning", "this entry of `defaults:` has no `values:` mapping: Jekyll and kg "
                 "ignore it", ("defaults", i), hint="scope: {path: '', type: events} and values: {layout: page}")
            continue
        site.defaults.append(_default_set(s))
        _check_default_permalink(site, s["values"].get("permalink"), ("defaults", i, "values", "permalink"), note)


def _default_set(entry: dict[str, Any]) -> DefaultSet:
    """An entry of ``defaults:`` (with a ``values:`` mapping) as kg keeps it, its ``type:`` a collection's label."""
    scope = entry.get("scope") if isinstance(entry.get("scope"), dict) else {}
    kind = scope.get("type")
    kind = {"post": "posts", "page": "pages", "draft": "drafts"}.get(str(kind), str(kind)) \
        if kind is not None else None
    path = scope.get("path") if isinstance(scope.get("path"), str) else None
    return DefaultSet(path, kind, dict(entry["values"]))


def _check_default_permalink(site: Site, permalink: Any, keys: tuple, note: Callable[..., None]) -> None:
    """Report a ``permalink:`` of ``defaults:`` (written at ``keys``) Jekyll stops on."""
    if isinstance(permalink, str):
        _check_template(site, permalink, keys, note)
    elif permalink is not None and permalink is not False:
        note("bad-permalink", "error", f"`permalink:` must be text, not {as_written(permalink)}: Jekyll stops the build "
             "on it, so kg gives the pages in this scope no address", keys, value=permalink)


def _check_collections_dir(site: Site, note: Callable[..., None]) -> None:
    """Report a ``collections_dir:`` that is not text, or names a folder that does not exist."""
    given_dir = site.config.get("collections_dir")
    if given_dir is not None and not isinstance(given_dir, str):
        note("bad-setting", "error", f"`collections_dir:` must be the name of a folder, not "
             f"{_flow(given_dir)}: Jekyll stops the build on it (kg reads the collections from the site's "
             "folder)", ("collections_dir",), hint="collections_dir: my_collections", value=_flow(given_dir))
    elif given_dir and not site.collections_root.is_dir():
        # Jekyll says nothing, and reads no document of any collection, nor any post
        folder = site._shown(site.collections_root)
        note("missing-collections-dir", "warning", f"the collections folder `collections_dir:` names, {folder}/, "
             "does not exist: Jekyll reads no collection and no post, without a word, and kg reads none either",
             ("collections_dir",), hint=_missing_collections_dir_hint(site, folder), value=given_dir)


def _missing_collections_dir_hint(site: Site, folder: str) -> str:
    """What to do about a missing ``collections_dir:`` folder, naming the collection folders in the site's own."""
    here = [f"`{p.name}`" for p in sorted(site.root.glob("_*")) if p.is_dir()
            and p.name[1:] in site.collections]
    return f"the collection folders ({', '.join(here)}) are in the site's own folder: delete the " \
        f"`collections_dir:` line, or move them into {folder}/" if here else \
        f"create the folder {folder}/ and move the collection folders (`_posts` and the like) into it, " \
        "or correct `collections_dir:`"


def _check_collection_names(site: Site, note: Callable[..., None]) -> None:
    """Report each collection name that is not text, and a ``collections:`` neither a mapping nor a list."""
    declared = site.config.get("collections")
    for i, label in enumerate(declared if isinstance(declared, (dict, list)) else []):
        if not isinstance(label, str):
            note("bad-setting", "error", f"a collection's name must be text, not {_flow(label)}: Jekyll "
                 "stops the build on it, and kg reads no collection of that name",
                 _collection_name_keys(site, declared, i, label),
                 hint="name each collection, `collections: [events]` or `collections: {events: {output: true}}`",
                 value=_flow(label))
    if declared is not None and not isinstance(declared, (dict, list)):
        note("bad-setting", "error", f"`collections:` must map each collection to its settings (or list their "
             f"names), not {as_written(declared)}: Jekyll stops the build on it, and kg reads no collection but posts",
             ("collections",), hint="collections: {events: {output: true}}", value=declared)


def _collection_name_keys(site: Site, declared: dict | list, i: int, label: Any) -> tuple:
    """Where the ``i``-th collection name, ``label``, is written in ``collections:`` (its index, or its key)."""
    if isinstance(declared, list):
        return ("collections", i)
    return next((k for k in site.config_lines if len(k) == 2 and k[0] == "collections"
                 and _same_value(k[1], label)), ("collections",))


def _check_site_permalink(site: Site, note: Callable[..., None]) -> None:
    """Report a site ``permalink:`` Jekyll stops on, marking broken the collection permalinks taken from it."""
    style = site.config.get("permalink")
    if style is not None and not isinstance(style, (str, bool)):
        note("bad-permalink", "error", f"`permalink:` must be text, not {as_written(style)}: Jekyll stops the build on it, "
             "so kg gives posts, and collections without a permalink of their own, no address", ("permalink",),
             hint="a style (date, pretty, ordinal, weekdate, none) or a template such as /:year/:title/",
             value=style)
        declared = site.config.get("collections")
        for label, coll in site.collections.items():
            if not (isinstance(declared, dict) and isinstance(declared.get(label), dict)
                    and declared[label].get("permalink") is not None):
                site._broken.add(coll.permalink)


def _check_collection_permalink(site: Site, label: str, coll: Collection, note: Callable[..., None]) -> None:
    """Report what Jekyll stops on, or reads otherwise than expected, in one collection's permalink."""
    declared = site.config.get("collections")
    meta = declared.get(label) if isinstance(declared, dict) else None
    written = meta.get("permalink") if isinstance(meta, dict) else None
    keys: tuple = ("collections", label, "permalink") if written is not None else ("permalink",)
    if written is not None and not isinstance(written, str):
        note("bad-permalink", "error", f"`permalink:` must be text, not {as_written(written)}: Jekyll stops the build "
             "on it, so kg gives this collection's pages no address", keys, value=written)
        site._broken.add(coll.permalink)
        return
    if written in PERMALINK_STYLES:
        note("collection-permalink-style", "warning", f"`permalink: {written}` names a style only in the "
             f"site's own `permalink:`: for a collection Jekyll takes it as the address itself, so every "
             f"page of `{label}` is written to /{written}", keys,
             hint=f"write the template, e.g. {PERMALINK_STYLES[written].replace(':categories/', ':collection/')}")
    if label == "posts" or written is not None:
        _check_template(site, coll.permalink, keys, note)


def _flow(value: Any) -> str:
    """A value of ``_config.yml`` as YAML writes it on one line (``{events: 1}``, ``null``)."""
    try:
        return yaml.safe_dump(value, default_flow_style=True, width=1 << 30).strip().removesuffix("\n...").strip()
    except yaml.YAMLError:
        return str(value)


def _same_value(written: Any, value: Any) -> bool:
    """Whether a key written in ``_config.yml`` (its text) is read as ``value``."""
    try:
        read = yaml.safe_load(written) if isinstance(written, str) else written
    except yaml.YAMLError:
        return False
    return type(read) is type(value) and read == value


def _check_template(site: Site, template: str, keys: tuple, note: Callable[..., None]) -> None:
    """Report a permalink ``template`` of ``_config.yml`` (written at ``keys``) that holds
    a placeholder Jekyll does not know (``:titel``: Jekyll stops the build), with a
    did-you-mean, and mark it broken: the pages it would address get none, and are not
    reported again one by one."""
    unknown = [n for n in _PLACEHOLDER.findall(template) if _known(n) is None]
    if unknown:
        note("unknown-placeholder", "error", _unknown_message(unknown), keys,
             hint=_placeholder_hint(unknown), value=template)
        site._broken.add(template)


def _collections(root: Path, config: dict[str, Any]) -> dict[str, Collection]:
    """The collections as ``Jekyll::Configuration#add_default_collections`` and
    ``Jekyll::Collection#url_template`` make them: ``posts`` always (its permalink, unless
    it has its own, the site's ``permalink:``, a style name read as its template);
    another collection's permalink as written, else ``/:collection/:path`` with the end
    of the site's style."""
    style = config.get("permalink") or "date"
    style = str(style) if not isinstance(style, bool) else "date"
    declared = config.get("collections") or {}
    if isinstance(declared, list):
        declared = {name: {} for name in declared if isinstance(name, str)}
    if not isinstance(declared, dict):
        declared = {}
    collections_dir = _collections_folder(root, config)
    found: dict[str, Collection] = {}
    for label, meta in {"posts": {}, **declared}.items():
        if not isinstance(label, str):  # (an error: see _read_settings)
            continue
        meta = meta if isinstance(meta, dict) else {}
        permalink = meta.get("permalink")
        if label == "posts" and permalink is None:
            permalink = PERMALINK_STYLES.get(style, style)
        if permalink is None:
            # Jekyll::Utils.add_permalink_suffix, on the style's name as written
            permalink = "/:collection/:path" + (
                "/" if style == "pretty" else ":output_ext" if style in ("date", "ordinal", "none") else
                "/" if style.endswith("/") else ":output_ext" if style.endswith(":output_ext") else "")
        output = True if label == "posts" else bool(meta.get("output", False))
        found[label] = Collection(label, collections_dir / f"_{label}", output,
                                       permalink if isinstance(permalink, str) else str(permalink))
    return found


def _collections_folder(root: Path, config: dict[str, Any]) -> Path:
    """The folder that holds the collection folders, ``collections_dir:`` taken inside
    the site as Jekyll takes it (``Site#in_source_dir``): a path that leads out of the
    site's folder is read from the site's folder (``/etc`` is ``SITE/etc``, ``../x`` is
    ``SITE/x``), unless it leads back into it. Not text (an error: see
    :func:`_read_settings`), the site's folder."""
    given = config.get("collections_dir")
    if not isinstance(given, str) or not given:
        return root
    # File.expand_path(path, "/"), a leading `~` (Ruby's home folder) written as a name
    clean = posixpath.normpath(posixpath.join("/", "/" + given if given.startswith("~") else given))
    clean = re.sub("/{2,}", "/", clean)
    site = os.path.abspath(root).replace(os.sep, "/").rstrip("/")
    if clean == site or clean.startswith(site + "/"):
        clean = clean[len(site):]
    clean = clean.strip("/")
    return root / clean if clean else root
