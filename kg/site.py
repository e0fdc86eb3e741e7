"""Find a Jekyll site: its ``_config.yml``, collections, permalinks and base URL.

kg names every page node by the URL Jekyll gives the page, so this module follows
Jekyll's own rules (``Jekyll::Document#url``, ``Jekyll::Utils.slugify``,
``Jekyll::Collection#url_template``) for the parts a content site uses.
"""
from __future__ import annotations

import datetime as dt
import os
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any, Iterator
from urllib.parse import quote, urlsplit

import yaml

from .errors import SiteError

#: Jekyll's named permalink styles (``Jekyll::Utils#permalink_style``).
PERMALINK_STYLES = {
    "date": "/:categories/:year/:month/:day/:title:output_ext",
    "pretty": "/:categories/:year/:month/:day/:title/",
    "ordinal": "/:categories/:year/:y_day/:title:output_ext",
    "weekdate": "/:categories/:year/W:week/:short_day/:title:output_ext",
    "none": "/:categories/:title:output_ext",
}
MARKDOWN_EXTENSIONS = (".md", ".markdown", ".mkd", ".mkdn", ".mdown")


def _markdown_files(directory: Path) -> list[Path]:
    """The markdown files in ``directory`` and its folders, in path order (folder by
    folder, as paths sort); as ``Path.rglob``, not into linked folders, and a linked file
    is listed if what it links to is a file. By ``os.scandir``, whose entries know
    without a ``stat`` whether they are files (pathlib's listing and sorting took a
    quarter of a second for 10,000 files)."""
    found: list[str] = []
    folders = [str(directory)]
    while folders:
        try:
            with os.scandir(folders.pop()) as entries:
                for entry in entries:
                    try:
                        if entry.is_dir() and not entry.is_symlink():
                            folders.append(entry.path)
                        elif entry.is_file() and _suffix(entry.name).lower() in MARKDOWN_EXTENSIONS:
                            found.append(entry.path)
                    except OSError:
                        continue
        except OSError:
            continue  # unreadable: as rglob, left out
    found.sort(key=lambda path: path.split(os.sep))
    return [Path(path) for path in found]


def _suffix(name: str) -> str:
    """A file name's ending as ``PurePath.suffix`` gives it (``..md`` has ``.md``)."""
    i = name.rfind(".")
    return name[i:] if 0 < i < len(name) - 1 else ""


_POST_NAME = re.compile(r"^(\d{4})-(\d{2})-(\d{2})-(.*)$")
_SLUG_DEFAULT = re.compile(r"[^\w]+|_+", re.UNICODE)
_SLUG_PRETTY = re.compile(r"[^\w._~!$&'()+,;=@]+|_+", re.UNICODE)


def slugify(text: str, mode: str = "default", cased: bool = False) -> str:
    """Slugify ``text`` as ``Jekyll::Utils.slugify`` does in its default and pretty modes."""
    text = unicodedata.normalize("NFC", str(text))
    pattern = _SLUG_PRETTY if mode == "pretty" else _SLUG_DEFAULT
    slug = pattern.sub("-", text).strip("-")
    return slug if cased else slug.lower()


@dataclass(frozen=True)
class Collection:
    """A Jekyll collection: its label, folder, whether it has pages, and their permalink."""

    label: str
    directory: Path
    output: bool
    permalink: str


@dataclass
class Site:
    """A Jekyll site on disk.

    ``base_url`` is scheme and host (``https://connectedbydata.org``), ``baseurl`` the
    path prefix Jekyll puts before every page URL (often empty).
    """

    root: Path
    base_url: str
    baseurl: str
    collections: dict[str, Collection]
    config: dict[str, Any] = field(default_factory=dict)

    def iri(self, path: str) -> str:
        """The absolute IRI of a site path such as ``/events/x``."""
        return self.base_url + self.baseurl + path

    def minted(self, kind: str, key: str) -> str:
        """A stable IRI for a thing with no page of its own (``/id/KIND/KEY``)."""
        if not _MINT_SAFE.fullmatch(key):  # (what quote leaves as it is, checked at once)
            key = quote(key, safe="-._~/")
        return self.base_url + self.baseurl + f"/id/{kind}/" + key

    def files(self, labels: list[str] | None = None) -> Iterator[tuple[Collection, Path]]:
        """Every markdown file of the given collections (all when ``None``), sorted."""
        for label in sorted(labels if labels is not None else self.collections):
            coll = self.collections.get(label)
            if coll is None or not coll.directory.is_dir():
                continue
            for path in _markdown_files(coll.directory):
                yield coll, path

    def relpath(self, path: Path) -> str:
        """``path`` relative to the site root, with forward slashes."""
        text, root = str(path), str(self.root)
        if text.startswith(root) and text[len(root):len(root) + 1] == os.sep:  # the usual case, as text
            return text[len(root) + 1:].replace(os.sep, "/")
        return PurePosixPath(path.relative_to(self.root).as_posix()).as_posix()

    def page_url(self, coll: Collection, path: Path, data: dict[str, Any]) -> str | None:
        """The URL path Jekyll gives this document, or ``None`` if it has no page."""
        if not coll.output:
            return None
        template = data.get("permalink") if isinstance(data.get("permalink"), str) else coll.permalink
        return _expand(template, self._placeholders(coll, path, data))

    def _placeholders(self, coll: Collection, path: Path, data: dict[str, Any]) -> dict[str, str]:
        stem = path.stem
        rel = path.relative_to(coll.directory).with_suffix("").as_posix()
        m = _POST_NAME.match(stem) if coll.label == "posts" else None
        date = data.get("date")
        if m and not isinstance(date, (dt.date, dt.datetime)):
            try:
                date = dt.date(int(m[1]), int(m[2]), int(m[3]))
            except ValueError:  # 2024-13-45-x.md
                date = None
        slug_source = data.get("slug") if isinstance(data.get("slug"), str) else (m[4] if m else stem)
        cats = data.get("categories", data.get("category")) if coll.label == "posts" else None
        if isinstance(cats, str):
            cats = cats.split()
        elif cats is not None and not isinstance(cats, list):
            cats = [cats]
        categories = "/".join(dict.fromkeys(str(c).lower() for c in (cats or [])))
        values = {
            "collection": coll.label,
            "path": rel,
            "name": slugify(stem),
            "title": slugify(slug_source, "pretty", cased=True),
            "slug": slugify(slug_source),
            "categories": categories,
            "output_ext": ".html",
        }
        if isinstance(date, (dt.date, dt.datetime)):
            values.update(year=f"{date.year:04d}", month=f"{date.month:02d}", day=f"{date.day:02d}",
                          i_month=str(date.month), i_day=str(date.day),
                          short_year=f"{date.year % 100:02d}",
                          y_day=f"{date.timetuple().tm_yday:03d}")
        return values


def _expand(template: str, values: dict[str, str]) -> str:
    """Fill a permalink template and clean it as ``Jekyll::URL#sanitize_url`` does."""
    def sub(m: re.Match) -> str:
        return values.get(m.group(1), "")
    url = re.sub(r":([a-z_]+)", sub, template)
    url = re.sub(r"/{2,}", "/", "/" + url.lstrip("/"))
    url = url.replace("/./", "/")
    # (a "%" that starts no escape is one itself: "100%" is served at /100%25)
    return quote(_STRAY_PERCENT.sub("%25", url), safe="/-._~!$&'()*+,;=:@%")


_STRAY_PERCENT = re.compile(r"%(?![0-9A-Fa-f]{2})")
_MINT_SAFE = re.compile(r"[A-Za-z0-9_.~/-]*")  # what quote(safe="-._~/") leaves unchanged


def load_site(root: str | Path, base_url: str | None = None) -> Site:
    """Read the site at ``root``.

    The base URL is, in order: ``base_url`` (the ``--base-url`` option), the ``url``
    of ``_config.yml``, ``https://`` + the ``CNAME`` file.

    Raises:
        SiteError: the folder does not exist, ``_config.yml`` is not valid YAML, or no
            base URL can be found.
    """
    root = Path(root)
    if not root.is_dir():
        raise SiteError(f"no such site folder: {root}", hint="pass the folder that holds _config.yml")
    config_path = root / "_config.yml"
    config: dict[str, Any] = {}
    if config_path.is_file():
        try:
            config = yaml.safe_load(config_path.read_text(encoding="utf-8-sig")) or {}
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None)
            raise SiteError(f"_config.yml is not valid YAML: {getattr(exc, 'problem', exc)}",
                            path=config_path, line=mark.line + 1 if mark else None) from exc
        if not isinstance(config, dict):
            raise SiteError("_config.yml must be a mapping of settings", path=config_path)
    url = config.get("url")
    if not base_url and url is not None and not isinstance(url, str):
        raise SiteError(f"`url:` must be the site's address as text, got {url!r}", path=config_path,
                        hint="e.g. url: https://example.org")
    base, source = (base_url, "--base-url") if base_url else ((url or "").strip(), "`url:`")
    where: Path | None = None if base_url else config_path
    if not base and (root / "CNAME").is_file():
        cname = (root / "CNAME").read_text(encoding="utf-8").strip().splitlines()
        base, source, where = (f"https://{cname[0].strip()}" if cname else ""), "CNAME", root / "CNAME"
    if not base:
        raise SiteError("the site has no base URL", path=config_path,
                        hint="set `url:` in _config.yml, add a CNAME file, or pass --base-url")
    given = base
    if base.startswith("//"):  # protocol-relative, as some sites write `url:`
        base = "https:" + base
    elif "://" not in base:
        base = "https://" + base
    _check_base(base, f"{source}, {given!r}" if given != base else source, where)
    baseurl = str(config.get("baseurl") or "").strip().rstrip("/")
    if baseurl and not baseurl.startswith("/"):
        baseurl = "/" + baseurl
    if _NOT_IN_IRI.search(baseurl) or "#" in baseurl or "?" in baseurl:
        raise SiteError(f"`baseurl:` {baseurl!r} is not a URL path: every page IRI starts with it",
                        path=config_path, hint="a path such as /blog, without spaces, '#' or '?'")
    return Site(root=root, base_url=base.rstrip("/"), baseurl=baseurl,
                collections=_collections(root, config), config=config)


_NOT_IN_IRI = re.compile(r"[\s<>\"{}|\\^`]")  # characters no IRI holds (RFC 3987)


def _check_base(base: str, source: str, where: Path | None) -> None:
    """Every IRI kg mints starts with the base URL: it must be scheme and host (and
    perhaps a path), nothing an IRI cannot hold."""
    try:
        parts = urlsplit(base)
    except ValueError:  # e.g. an invalid [IPv6] host
        parts = urlsplit("")
    problem = None
    if parts.scheme not in ("http", "https") or not parts.netloc:
        problem = "is not an http(s) address with a host"
    elif parts.query or parts.fragment or "#" in base or "?" in base:
        problem = "has a query or a fragment ('?', '#')"
    elif _NOT_IN_IRI.search(base):
        problem = "holds spaces or characters an IRI cannot hold"
    if problem:
        raise SiteError(f"the base URL {base!r} (from {source}) {problem}", path=where,
                        hint="give scheme and host, e.g. https://example.org")


def _collections(root: Path, config: dict[str, Any]) -> dict[str, Collection]:
    style = str(config.get("permalink") or "date")
    style = PERMALINK_STYLES.get(style, style)
    collections_dir = root / str(config.get("collections_dir") or "")
    declared = config.get("collections") or {}
    if isinstance(declared, list):
        declared = {name: {} for name in declared}
    found: dict[str, Collection] = {}
    for label, meta in {"posts": {"output": True, "permalink": style}, **declared}.items():
        meta = meta if isinstance(meta, dict) else {}
        permalink = meta.get("permalink")
        if label == "posts" and not declared.get("posts"):
            permalink = style
        if not permalink:
            permalink = "/:collection/:path" + (
                "/" if style.endswith("/") else ":output_ext" if style.endswith(":output_ext") else "")
        permalink = PERMALINK_STYLES.get(permalink, permalink)
        found[str(label)] = Collection(str(label), collections_dir / f"_{label}",
                                       bool(meta.get("output", label == "posts")), str(permalink))
    return found
