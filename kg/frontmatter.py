"""Read one site file: its front matter, losslessly and with line numbers, and its body.

Jekyll decides what counts as front matter (``Jekyll::Document::YAML_FRONT_MATTER_REGEXP``):
a first line ``---`` and a closing ``---`` or ``...`` line. kg splits files by that same
rule and then loads the YAML itself, because the usual loaders lose data silently:

* PyYAML keeps only the last of two equal keys; kg keeps every occurrence, with its line;
* PyYAML follows YAML 1.1, turning ``no``/``on`` into booleans, ``12:30`` into 750 and
  ``017`` into 15; kg resolves plain scalars by the YAML 1.2 core schema, so these stay
  the text the editor wrote;
* python-frontmatter (not used for this reason) returns empty metadata without a word for a BOM, a missing closing
  line or front matter that is a list; kg reports each as a diagnostic.

YAML is parsed by libyaml (PyYAML's C parser) when it is installed.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import os
import re
import time
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
import yaml.reader
from yaml.constructor import SafeConstructor
from yaml.resolver import BaseResolver

from .errors import Diagnostic
from .lazy import LazyLists

try:  # libyaml's parser, twenty times faster than the pure-Python one
    from yaml.cyaml import CParser as _Parser  # type: ignore[attr-defined]
except ImportError:  # pragma: no cover - depends on how PyYAML was built
    from yaml.composer import Composer
    from yaml.parser import Parser
    from yaml.reader import Reader
    from yaml.scanner import Scanner

    class _Parser(Reader, Scanner, Parser, Composer):  # type: ignore[no-redef]
        def __init__(self, stream: str) -> None:
            Reader.__init__(self, stream)
            Scanner.__init__(self)
            Parser.__init__(self)
            Composer.__init__(self)

_TOML_FRONT_MATTER = re.compile(r"\A\+\+\+[ \t]*\n(.*?\n?)^\+\+\+[ \t]*$", re.S | re.M)
_FRONT_MATTER = re.compile(r"\A---[ \t]*\n(.*?\n?)^(?:---|\.\.\.)[ \t]*$\n?", re.S | re.M)
MAX_NODES = 100_000  # YAML nodes a file may expand to (aliases included): stops alias bombs


class _Resolver(BaseResolver):
    """Plain-scalar types of the YAML 1.2 core schema, plus dates and timestamps."""


for _tag, _regexp, _first in [
    ("tag:yaml.org,2002:bool", r"^(?:true|True|TRUE|false|False|FALSE)$", "tTfF"),
    # a leading zero keeps the text (017 is an ID or a code, never octal 15 nor 17)
    ("tag:yaml.org,2002:int", r"^(?:[-+]?(?:0|[1-9][0-9]*)|0o[0-7]+|0x[0-9a-fA-F]+)$", "-+0123456789"),
    ("tag:yaml.org,2002:float",
     r"^(?:[-+]?(?:\.[0-9]+|[0-9]+\.[0-9]*)(?:[eE][-+]?[0-9]+)?|[-+]?[0-9]+[eE][-+]?[0-9]+"
     r"|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$",
     "-+0123456789."),
    ("tag:yaml.org,2002:null", r"^(?:~|null|Null|NULL|)$", ["~", "n", "N", ""]),
    ("tag:yaml.org,2002:timestamp",
     r"^(?:[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}(?:(?:[Tt]|[ \t]+)[0-9]{1,2}:[0-9]{2}:[0-9]{2}(?:\.[0-9]*)?"
     r"(?:[ \t]*(?:Z|[-+][0-9]{1,2}(?::[0-9]{2})?))?)?)$", "0123456789"),
]:
    _Resolver.add_implicit_resolver(_tag, re.compile(_regexp), list(_first))


class _Constructor(SafeConstructor):
    def construct_yaml_int(self, node: yaml.ScalarNode) -> int:
        value = node.value
        if value.startswith(("0o", "0x")):
            return int(value, 0)
        return int(value)

    def construct_yaml_timestamp(self, node: yaml.ScalarNode) -> Any:
        try:
            return super().construct_yaml_timestamp(node)
        except ValueError:  # 2025-02-30: not a date, keep the text
            return node.value


_Constructor.add_constructor("tag:yaml.org,2002:int", _Constructor.construct_yaml_int)
_Constructor.add_constructor("tag:yaml.org,2002:timestamp", _Constructor.construct_yaml_timestamp)


class _Loader(_Parser, _Constructor, _Resolver):  # type: ignore[misc,valid-type]
    def __init__(self, stream: str) -> None:
        _Parser.__init__(self, stream)
        _Constructor.__init__(self)
        _Resolver.__init__(self)


@dataclass(frozen=True, slots=True)  # no dict each: a large site has millions
class Field:
    """One ``key: value`` of a file's front matter, as written, at its line.

    A key written twice gives two fields; ``value`` is the loaded YAML value
    (str, int, float, bool, None, date, datetime, list or dict).
    """

    key: str
    value: Any
    line: int
    text: str | None = None  # a scalar's text as written (``true`` for True, ``2025-01-15`` for a date)

    def __reduce__(self) -> tuple[type, tuple[Any, ...]]:
        # pickled as the arguments of its constructor: the setstate dataclasses give
        # frozen slotted classes looks their fields up for every object (records cache)
        return Field, (self.key, self.value, self.line, self.text)


Stamp = tuple[int, int, int, int]  # see file_stamp()


@dataclass
class SourceFile(LazyLists):
    """A site file read from disk: where it is, its front matter and its body (its
    fields made again, when unpickled, only once read: see :class:`kg.lazy.LazyLists`)."""

    LAZY = {"fields": Field}

    path: Path
    relpath: str
    fields: list[Field] = field(default_factory=list)
    body: str = ""
    body_line: int = 1
    has_front_matter: bool = False
    sha1: str = ""  # of the file's bytes, so a rebuild can tell whether it changed
    stamp: Stamp | None = None  # see file_stamp(): taken before the bytes were read
    diagnostics: list[Diagnostic] = field(default_factory=list)

    def values(self, key: str) -> list[Any]:
        """Every value written for ``key``, in file order (lists are flattened)."""
        out: list[Any] = []
        for f in self.fields:
            if f.key == key:
                out.extend(f.value if isinstance(f.value, list) else [f.value])
        return out

    @property
    def data(self) -> dict[str, Any]:
        """The front matter as Jekyll sees it: a dict, the last duplicate key winning."""
        return {f.key: f.value for f in self.fields}


def read_file(path: Path, relpath: str) -> SourceFile:
    """Read the file at ``path``; problems become diagnostics on the result, never exceptions."""
    src = SourceFile(path=path, relpath=relpath)
    try:
        src.stamp = file_stamp(path)
        raw = path.read_bytes()
    except OSError as exc:
        src.diagnostics.append(Diagnostic("read-error", "error", f"cannot read file: {exc.strerror}", relpath))
        return src
    src.sha1 = hashlib.sha1(raw).hexdigest()
    return parse_text(raw, src)


SETTLED_NS = 2_000_000_000  # see file_stamp()


def file_stamp(path: str | Path) -> Stamp | None:
    """What the file system says of a file that tells a changed file from an unchanged
    one without reading it: (size, modification time, change time, inode), in
    nanoseconds; ``None`` when the file changed less than two seconds ago.

    Taken before the file's bytes are read: a stamp never describes bytes newer than
    those read. A write after that changes the change time (which no program can set
    back), unless the clock has not moved on since the file's last change: file times
    are coarse (a few milliseconds, a second or two on some file systems), hence no
    stamp for a file changed in the last two seconds.

    Raises:
        OSError: the file cannot be looked at.
    """
    now = time.time_ns()
    st = os.stat(path)
    if max(st.st_mtime_ns, st.st_ctime_ns) > now - SETTLED_NS:
        return None
    return (st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino)


def sha1_since(path: str | Path, then: tuple[Stamp, str] | None) -> tuple[str, Stamp | None]:
    """The SHA-1 of a file's bytes, and its stamp now (see :func:`file_stamp`): ``then``
    is a stamp the file had and the SHA-1 of its bytes at the time; while the stamp is
    the same, the file is not read.

    Raises:
        OSError: the file cannot be read.
    """
    stamp = file_stamp(path)
    if stamp is not None and then is not None and then[0] == stamp:
        return then[1], stamp
    with open(path, "rb") as fh:
        return hashlib.file_digest(fh, "sha1").hexdigest(), stamp


def parse_text(raw: bytes, src: SourceFile) -> SourceFile:
    """Fill ``src`` from the bytes of a file (see :func:`read_file`)."""
    def report(code: str, severity: str, message: str, line: int | None = None,
               key: str | None = None, hint: str | None = None) -> None:
        src.diagnostics.append(Diagnostic(code, severity, message, src.relpath, line, key, hint=hint))

    if b"\x00" in raw[:8192]:
        report("binary-file", "error", "file is binary, not text; skipped",
               hint="remove it from the collection folder")
        return src
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        report("encoding", "warning", f"file is not valid UTF-8 (byte 0x{raw[exc.start]:02x}); "
               "undecodable bytes replaced", line, hint="save the file as UTF-8")
        text = raw.decode("utf-8", "replace")
    if text.startswith("\ufeff"):
        text = text[1:]
        report("bom", "info", "file starts with a byte order mark; ignored", 1)
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    match = _FRONT_MATTER.match(text)
    if not match:
        _no_front_matter(text, src, report)
        return src
    src.has_front_matter = True
    src.body = text[match.end():]
    src.body_line = text.count("\n", 0, match.end()) + 1
    _load_yaml(match.group(1), src, report)
    return src


def _no_front_matter(text: str, src: SourceFile, report: Any) -> None:
    src.body = text
    first = text.split("\n", 1)[0].strip()
    if first == "---":
        # Jekyll still makes a page of it (its first line is `---`) but reads no keys
        src.has_front_matter = True
        report("unclosed-front-matter", "error",
               "front matter opens with `---` but never closes, so Jekyll reads none of its keys "
               "and shows them as text", 1, hint="add a closing `---` line after the last key")
    elif first == "+++":
        report("toml-front-matter", "error",
               "front matter is TOML (`+++`), which Jekyll does not read", 1,
               hint="write the front matter as YAML between `---` lines")
        try:
            front = _TOML_FRONT_MATTER.match(text)
            if front is None:
                raise ValueError("no closing `+++` line")
            meta = tomllib.loads(front.group(1))
        except (ValueError, tomllib.TOMLDecodeError) as exc:
            report("toml-error", "error", f"TOML front matter cannot be read either: {exc}", 1)
            meta = {}
        src.fields.extend(Field(str(k), v, 1) for k, v in meta.items())
    else:
        report("no-front-matter", "warning",
               "file has no front matter, so Jekyll copies it as a static file", 1,
               hint="start the file with a `---` line, the keys, and a closing `---`")


def _load_yaml(text: str, src: SourceFile, report: Any) -> None:
    offset = 2  # the opening `---` is line 1
    loader = None
    try:
        loader = _Loader(text)  # libyaml checks the characters here already
        node = loader.get_single_node()
    except yaml.reader.ReaderError as exc:
        line = text.count("\n", 0, max(exc.position, 0)) + offset
        report("yaml-error", "error", f"front matter holds a character YAML does not allow "
               f"({exc.character!r}, {exc.reason})", line, hint="delete the invisible character on that line")
        return
    except yaml.YAMLError as exc:
        problem_mark = getattr(exc, "problem_mark", None)
        context_mark = getattr(exc, "context_mark", None)
        problem = getattr(exc, "problem", None) or str(exc)
        context = getattr(exc, "context", None)
        # An error found only at the end of the text (an unclosed bracket or quote)
        # starts where the construct opened: point there.
        unclosed = context and re.search(r"flow (?:sequence|mapping)|quoted scalar", context)
        mark = context_mark if context_mark and (problem_mark is None or unclosed) else problem_mark
        if context and context_mark:
            problem += f" ({context} that starts on line {context_mark.line + offset})"
        report("yaml-error", "error", f"front matter is not valid YAML: {problem}",
               mark.line + offset if mark else None, hint="check quoting and indentation on that line")
        return
    finally:
        if loader is not None:
            loader.dispose()
    if node is None:
        return
    if not isinstance(node, yaml.MappingNode):
        report("front-matter-not-mapping", "error",
               f"front matter is a {node.id}, not a set of `key: value` lines", offset)
        return
    if _count_nodes(node) > MAX_NODES:
        report("yaml-too-large", "error",
               f"front matter expands to more than {MAX_NODES} values (alias bomb?); ignored", offset)
        return
    seen: dict[str, int] = {}
    for key_node, value_node in node.value:
        line = key_node.start_mark.line + offset
        try:
            # a key is the text written (`true:` is the key "true", not "True")
            key = key_node.value if isinstance(key_node, yaml.ScalarNode) else \
                str(loader.construct_object(key_node, deep=True))
            value = loader.construct_object(value_node, deep=True)
        except Exception as exc:  # noqa: BLE001 - a tag such as `!!timestamp x` can raise anything
            report("yaml-error", "error", f"value cannot be read: {exc}", line,
                   hint="remove the `!!` tag, or write a value that fits it")
            continue
        value, broken = _mend_surrogates(value)
        if broken:
            report("encoding", "warning", f"`{key}` holds an escaped character that is not one "
                   "(a lone UTF-16 surrogate); replaced with U+FFFD", line, key,
                   hint="write the character itself instead of its \\u escape")
        text_value = value_node.value if isinstance(value_node, yaml.ScalarNode) else None
        if key == "<<":
            report("yaml-merge-key", "warning", "YAML merge key `<<` kept as a plain key", line, key)
        if key in seen:
            report("duplicate-key", "warning",
                   f"key `{key}` is written twice (lines {seen[key]} and {line}); Jekyll keeps only "
                   "the last value, kg keeps both", line, key,
                   hint=f"merge the two `{key}:` entries into one list")
        seen.setdefault(key, line)
        src.fields.append(Field(key, value, line, text_value))


_SURROGATE = re.compile("[\ud800-\udfff]")


def _mend_surrogates(value: Any) -> tuple[Any, bool]:
    """Join escaped UTF-16 surrogate pairs (``"\\ud83c\\udf89"``), replace lone ones."""
    if isinstance(value, str):
        if not _SURROGATE.search(value):
            return value, False
        joined = value.encode("utf-16", "surrogatepass").decode("utf-16", "surrogatepass")  # pairs -> characters
        lone = bool(_SURROGATE.search(joined))
        return (_SURROGATE.sub("\ufffd", joined) if lone else joined), lone
    if isinstance(value, list):
        items = [_mend_surrogates(v) for v in value]
        return [v for v, _ in items], any(b for _, b in items)
    if isinstance(value, dict):
        items = {k: _mend_surrogates(v) for k, v in value.items()}
        return {k: v for k, (v, _) in items.items()}, any(b for _, b in items.values())
    return value, False


def _count_nodes(node: yaml.Node, limit: int = MAX_NODES) -> int:
    """Nodes reachable from ``node``, counting each alias expansion, up to ``limit + 1``."""
    count, stack = 0, [node]
    while stack and count <= limit:
        current = stack.pop()
        count += 1
        if isinstance(current, yaml.SequenceNode):
            stack.extend(current.value)
        elif isinstance(current, yaml.MappingNode):
            for k, v in current.value:
                stack.extend((k, v))
    return count


def date_value(value: Any) -> dt.date | dt.datetime | None:
    """A front-matter value as a date, or ``None`` when it is not one."""
    if isinstance(value, (dt.date, dt.datetime)):
        return value
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value.strip())
        except ValueError:
            try:
                return dt.datetime.fromisoformat(value.strip())
            except ValueError:
                return None
    return None
