"""Read one site file: its front matter, losslessly and with line numbers, and its body.

Jekyll decides what counts as front matter (``Jekyll::Document::YAML_FRONT_MATTER_REGEXP``):
a first line ``---`` and a closing ``---`` or ``...`` line, lines ending at line feeds
only (a file whose lines end in carriage returns alone has none). kg splits files by that
same rule and then loads the YAML itself, because the usual loaders lose data silently:

* PyYAML keeps only the last of two equal keys; kg keeps every occurrence of a front-matter
  key, with its line (inside a value it keeps the last, as Jekyll does, and reports the
  other with both lines);
* PyYAML follows YAML 1.1, turning ``no``/``on`` into booleans, ``12:30`` into 750 and
  ``017`` into 15; kg resolves plain scalars by the YAML 1.2 core schema, so these stay
  the text the editor wrote;
* python-frontmatter (not used for this reason) returns empty metadata without a word for a BOM, a missing closing
  line or front matter that is a list; kg reports each as a diagnostic.

Values are what Jekyll's YAML reader (Ruby's Psych) makes of them, as text where Python
would differ (``!!binary`` is the text it decodes to; keys inside values are the text
written), and YAML errors say in plain words what to write instead (see ``_advice``).

YAML is parsed by libyaml (PyYAML's C parser) when it is installed.
"""
from __future__ import annotations

import base64
import binascii
import calendar
import codecs
import datetime as dt
import functools
import hashlib
import json
import os
import re
import time
import tomllib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NamedTuple

import yaml
import yaml.reader
from yaml.constructor import ConstructorError, SafeConstructor
from yaml.resolver import BaseResolver

from .errors import Diagnostic
from .lazy import LazyLists
from .rubytime import written_time_and_rest

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
# Jekyll's own (Document::YAML_FRONT_MATTER_REGEXP), for a text with carriage returns in it,
# in Python: Ruby's \s, and `^` and `$` found at line feeds only, as Python's are. The blank
# lines after the opening `---` are matched once (atomic group): none can be a closing line,
# and trying each shorter run again made a file of blank lines and no closing line quadratic
_JEKYLL_FRONT_MATTER = re.compile(
    r"\A---(?>[ \t\r\n\f\v]*\n).*?\n?^(?P<close>(?:---|\.\.\.)[ \t\r\n\f\v]*$\n?)", re.S | re.M)
# Jekyll::Utils.has_yaml_header?: whether Jekyll makes a page of a file at all (its first line, up to a line feed)
_JEKYLL_HEADER = re.compile(r"\A---[ \t\r\f\v]*\n")
MAX_NODES = 100_000  # YAML nodes a file may expand to (aliases included): stops alias bombs
# Lists and mappings one inside another a file may hold: libyaml's composer recurses in C, and
# some 25,000 of them (`[[[…]]]`, 50 KB) overflow its stack and kill the process, not raise;
# Python's own recursion stops construction near 300 anyway
MAX_DEPTH = 1_000
#: What to do about a ``<<`` merge key (Jekyll merges; kg keeps the key as written)
MERGE_KEY_HINT = "write out the keys it would merge in place of `<<: *name`"


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


class _Note(NamedTuple):
    """A problem the constructor met inside a value, made a diagnostic by :func:`_load_yaml`."""

    code: str
    severity: str
    message: str
    line: int  # in the file
    hint: str | None = None
    value: str | None = None


def _shown(text: str, limit: int = 60) -> str:
    """A value as a message quotes it: on one line, cut short when long."""
    text = " ".join(text.split())
    return repr(text if len(text) <= limit else text[: limit - 1] + "…")


def _written(node: yaml.Node, limit: int = 1000) -> str:
    """A node's value as written, for reports: a scalar's text, a list or mapping in
    flow style; cut at about ``limit`` characters (and at a depth of 20: a value nested
    deeper than Python may recurse must not break the report of it)."""
    out: list[str] = []
    size = 0

    def put(text: str) -> bool:
        nonlocal size
        out.append(text)
        size += len(text)
        return size < limit

    def walk(n: yaml.Node, depth: int) -> bool:
        if isinstance(n, yaml.ScalarNode):
            return put(n.value)
        if depth >= 20:
            return put("…")
        if isinstance(n, yaml.SequenceNode):
            pairs: list[tuple[yaml.Node | None, yaml.Node]] = [(None, v) for v in n.value]
            put("[")
        else:
            pairs = list(n.value)
            put("{")
        for i, (k, v) in enumerate(pairs):
            if (i and not put(", ")) or (k is not None and not (walk(k, depth + 1) and put(": "))) \
                    or not walk(v, depth + 1):
                return False
        return put("]" if isinstance(n, yaml.SequenceNode) else "}")

    walk(node, 0)
    text = "".join(out)
    return text if size < limit else text[:limit] + "…"


#: Tags Psych turns into a Ruby object of a class Jekyll does not let it load
#: (``Psych::DisallowedClass``, checked with Psych 4.0): Jekyll reads none of the file's
#: front matter. (``!ruby/array``, ``!ruby/hash`` without a class are a list and a mapping.)
_PSYCH_REFUSES = re.compile(
    r"!(?:ruby/(?:object|struct|exception|sym|range|regexp|class|module|encoding)"
    r"|(?:seq|map|str|ruby/(?:array|hash|string|hash-with-ivars|marshalable)):.)")
_PSYCH_REFUSAL = "Jekyll's YAML reader refuses (\"Tried to load unspecified class\") the Ruby type tag"
#: Local tags Psych reads as a YAML type (``!binary`` as ``!!binary``), on a value of the
#: kind it reads them on: (kind of node, YAML type).
_PSYCH_SHORTHANDS: dict[str, tuple[type, str]] = {
    "!binary": (yaml.ScalarNode, "binary"), "!float": (yaml.ScalarNode, "float"),
    "!str": (yaml.ScalarNode, "str"), "!ruby/string": (yaml.ScalarNode, "str"),
    "!omap": (yaml.SequenceNode, "omap"), "!seq": (yaml.SequenceNode, "seq"),
    "!ruby/array": (yaml.SequenceNode, "seq"), "!set": (yaml.MappingNode, "set"),
    "!map": (yaml.MappingNode, "map"), "!ruby/hash": (yaml.MappingNode, "map")}


def _tag_name(tag: str) -> str:
    """A tag as an editor writes it (``!!int``, ``!foo``)."""
    if tag.startswith("tag:yaml.org,2002:"):
        return "!!" + tag[len("tag:yaml.org,2002:"):]
    return tag if tag.startswith("!") else f"!<{tag}>"  # (a tag written in full: `!<tag:example.org,2024:x>`)


def _duplicate_hint(key: str, lists: bool) -> str:
    """What to do about a key written more than once: merge its values when they are
    lists, else keep one of them (a key that holds one value is not made a list)."""
    if lists:
        return f"merge the `{key}:` lists into one list"
    return f"keep one `{key}:` line: delete the one that is wrong"


class _Constructor(SafeConstructor):
    """SafeConstructor, reading values as Jekyll's YAML reader (Ruby's Psych) does, with
    the problems it meets noted (``notes``) rather than lost:

    * a mapping inside a value keeps the last of two equal keys, as Psych does, and the
      other is noted (``duplicate-key``, with both lines and the value left out);
    * keys are the text written (``2024-01-01:``, ``true:`` and ``1:`` stay three text
      keys, not a date, a boolean and a number of which Python takes ``True == 1``);
      a key that is a list or a mapping is noted and kept as its JSON text;
    * ``!!binary`` is the text it decodes to when that is UTF-8 (what Jekyll shows),
      else the base64 as written; ``!!omap`` is a mapping and ``!!pairs`` a list of
      one-key mappings (as in Psych), ``!!set`` (which Psych refuses) an error; so no
      value is ever ``bytes``, a ``set`` or a ``tuple``, which the graph would only
      hold as their Python repr.

    A value that does not fit its explicit tag (``!!int abc``) raises a
    :class:`ConstructorError` marked at that value.
    """

    top_key: str | None = None  # the front-matter key whose value is being read (for notes)
    notes: list[_Note]
    line_offset: int

    def construct_yaml_int(self, node: yaml.ScalarNode) -> int:
        value = node.value
        try:
            if value.startswith(("0o", "0x")):
                return int(value, 0)
            return int(value)
        except ValueError:
            raise ConstructorError(None, None, f"{_shown(value)} is not a whole number, which its tag "
                                   f"`{_tag_name(node.tag)}` says it is", node.start_mark) from None

    def construct_yaml_float(self, node: yaml.ScalarNode) -> float:
        try:
            return super().construct_yaml_float(node)
        except (ValueError, IndexError):
            raise ConstructorError(None, None, f"{_shown(node.value)} is not a number, which its tag "
                                   "`!!float` says it is", node.start_mark) from None

    def construct_yaml_bool(self, node: yaml.ScalarNode) -> bool:
        try:
            return super().construct_yaml_bool(node)
        except KeyError:
            raise ConstructorError(None, None, f"{_shown(node.value)} is not true or false, which its tag "
                                   "`!!bool` says it is", node.start_mark) from None

    def construct_yaml_timestamp(self, node: yaml.ScalarNode) -> Any:
        try:
            return super().construct_yaml_timestamp(node)
        except ValueError:  # 2025-02-30: not a date, keep the text
            return node.value
        except (AttributeError, TypeError):  # `!!timestamp soon`: not even shaped like one
            raise ConstructorError(None, None, f"{_shown(node.value)} is not a date, which its tag "
                                   "`!!timestamp` says it is", node.start_mark) from None

    def construct_yaml_binary(self, node: yaml.ScalarNode) -> str:
        written = "".join(node.value.split())
        try:
            data = base64.b64decode(written.encode("ascii"), validate=True)
        except (UnicodeEncodeError, binascii.Error):
            raise ConstructorError(None, None, f"{_shown(node.value)} is not base64, which its tag "
                                   "`!!binary` says it is", node.start_mark) from None
        where = f"`{self.top_key}`" if self.top_key is not None else "a key"
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            self.notes.append(_Note(
                "yaml-binary", "warning", f"{where} holds binary data (`!!binary`) that is not text; "
                "kg keeps the base64 as written", self.line_of(node),
                "link to the file instead of writing its bytes into the front matter", written))
            return written
        self.notes.append(_Note(
            "yaml-binary", "info", f"{where} is written in base64 (`!!binary`); kg keeps the text it "
            f"decodes to, {_shown(text)}, which is what Jekyll shows", self.line_of(node),
            "write the text itself, without `!!binary`", written))
        return text

    def construct_yaml_set(self, node: yaml.Node) -> Any:
        raise ConstructorError(None, None, "`!!set` is a YAML type Jekyll refuses to read",
                               node.start_mark)

    def construct_yaml_omap(self, node: yaml.Node) -> Any:
        data: dict[str, Any] = {}
        yield data
        data.update(self.construct_mapping(yaml.MappingNode(
            node.tag, [pair for item in self._single_pairs(node) for pair in item.value], node.start_mark,
            node.end_mark), deep=True))

    def construct_yaml_pairs(self, node: yaml.Node) -> Any:
        data: list[dict[str, Any]] = []
        yield data
        data.extend(self.construct_mapping(item, deep=True) for item in self._single_pairs(node))

    def construct_undefined(self, node: yaml.Node) -> Any:
        """A value under a tag kg has no type for (``!foo bar``), read as Psych reads it:
        a tag naming a Ruby type (``!ruby/object:Foo``) is refused (raised: Jekyll then
        reads none of the file's front matter); ``!binary``, ``!float``, ``!str`` and the
        like are the YAML types of that name; any other tag is ignored, the value read as
        if it had none (``!foo 12`` is 12) and the tag noted (``yaml-tag``), for the text
        after a ``!`` at the start of a value is silently lost in Jekyll."""
        tag = node.tag
        name = _tag_name(tag)
        if _PSYCH_REFUSES.match(tag):
            raise ConstructorError(None, None, f"{_PSYCH_REFUSAL} `{name}`", node.start_mark)
        same = _PSYCH_SHORTHANDS.get(tag)
        if same is not None and isinstance(node, same[0]):
            read_as = "tag:yaml.org,2002:" + same[1]
        else:
            plain = isinstance(node, yaml.ScalarNode) and not node.style
            read_as = self.resolve(type(node), node.value, (plain, False))
            where = f"the value of `{self.top_key}`" if self.top_key is not None else "a key"
            shown = _written(node)
            kept = "nothing" if shown == "" else _shown(shown)
            text = f"{name} {node.value}".strip() if isinstance(node, yaml.ScalarNode) else None
            self.notes.append(_Note(
                "yaml-tag", "warning", f"{where} starts with `{name}`, which YAML reads as a tag (a type for "
                f"the value) that Jekyll does not know: Jekyll ignores it and reads only what follows it, {kept}; "
                "so does kg", self.line_of(node),
                (f"if `{name}` is part of the text, put the whole value in quotes ({_quoted(text)}); else "
                 f"remove `{name}`") if text is not None else f"remove `{name}`", name))
        copy: yaml.Node
        if isinstance(node, yaml.ScalarNode):
            copy = yaml.ScalarNode(read_as, node.value, node.start_mark, node.end_mark, node.style)
        else:
            copy = type(node)(read_as, node.value, node.start_mark, node.end_mark, node.flow_style)
        return self.yaml_constructors[read_as](self, copy)

    def _single_pairs(self, node: yaml.Node) -> list[yaml.MappingNode]:
        """The items of an ``!!omap`` or ``!!pairs``: a list of one-key mappings."""
        if not isinstance(node, yaml.SequenceNode) or not all(
                isinstance(item, yaml.MappingNode) and len(item.value) == 1 for item in node.value):
            raise ConstructorError(None, None, f"`{_tag_name(node.tag)}` must be a list of `key: value` "
                                   "items", node.start_mark)
        return node.value

    def _key_of(self, node: yaml.Node) -> str:
        """A mapping key as text: a scalar's text as written, a list or mapping as JSON."""
        if isinstance(node, yaml.ScalarNode):
            return node.value
        return json.dumps(self.construct_object(node, deep=True), ensure_ascii=False, default=str)

    def key_text(self, node: yaml.Node) -> str:
        """A mapping key as text (see :meth:`_key_of`); a key that is a list or a mapping
        is noted: Jekyll keeps it, but no page can look such a key up."""
        text = self._key_of(node)
        if not isinstance(node, yaml.ScalarNode):
            where = f" inside `{self.top_key}`" if self.top_key is not None else ""
            self.notes.append(_Note(
                "complex-key", "warning", f"a key{where} is written as a {node.id} "
                f"({_shown(_written(node))}); kg keeps it as the text {text}", self.line_of(node),
                "write the key as plain text before its `:`", text))
        return text

    def line_of(self, node: yaml.Node) -> int:
        """The line of the file a node starts on."""
        return node.start_mark.line + self.line_offset

    def construct_mapping(self, node: yaml.Node, deep: bool = False) -> dict[str, Any]:
        if not isinstance(node, yaml.MappingNode):
            raise ConstructorError(None, None, f"expected a mapping, but found a {node.id}", node.start_mark)
        self.flatten_mapping(node)
        mapping: dict[str, Any] = {}
        keys: list[str] = []  # each key's text, in order (what a report of duplicates needs)
        twice = False
        for key_node, value_node in node.value:
            key = key_node.value if type(key_node) is yaml.ScalarNode else self.key_text(key_node)
            if key == "<<" and not getattr(key_node, "style", None):
                self._note_merge_key(key_node)
            if key in mapping:
                twice = True
            keys.append(key)
            mapping[key] = self.construct_object(value_node, deep=deep)
        if twice:
            self._note_duplicates(node, keys)
        return mapping

    def _note_merge_key(self, key_node: yaml.Node) -> None:
        """Note a ``<<`` merge key inside a value: Jekyll's YAML merges the mapping it
        names into this one; kg keeps it as a plain key (as at the top, where the
        front-matter reader says so)."""
        where = f" inside `{self.top_key}`" if self.top_key is not None else ""
        self.notes.append(_Note("yaml-merge-key", "warning", f"YAML merge key `<<`{where} kept as a plain key: "
                                "Jekyll merges the values it names into this mapping, kg does not",
                                self.line_of(key_node), MERGE_KEY_HINT, "<<"))

    def _note_duplicates(self, node: yaml.MappingNode, keys: list[str]) -> None:
        """Note each key written again inside ``node`` (``keys``: the text of each of its
        keys): Psych keeps the last value, and so does kg; the value it replaces is kept
        in the note. The positions of each key are gathered once, so a mapping of many
        repeated keys is reported in time and text in proportion to its size."""
        where = f" inside `{self.top_key}`" if self.top_key is not None else ""
        positions: dict[str, list[int]] = {}
        for i, key in enumerate(keys):
            positions.setdefault(key, []).append(i)
        notes: list[tuple[int, _Note]] = []
        for key, same in positions.items():
            if len(same) < 2:
                continue
            lines = [self.line_of(node.value[j][0]) for j in same]
            said = f"key `{key}` is written {_times(len(same))}{where} (lines {_and(lines)}); Jekyll keeps " \
                   f"only the last value, {_shown(_written(node.value[same[-1]][1]))}, and so does kg"
            hint = _duplicate_hint(key, any(isinstance(node.value[j][1], yaml.SequenceNode) for j in same))
            for n in range(1, len(same)):
                dropped = _written(node.value[same[n - 1]][1])
                notes.append((same[n], _Note(
                    "duplicate-key", "warning", f"{said}: the value on line {lines[n - 1]}, {_shown(dropped)}, "
                    "is kept only in this report", lines[n], hint, dropped)))
        notes.sort(key=lambda pair: pair[0])  # (in the order they are written)
        self.notes.extend(note for _i, note in notes)


def _times(n: int) -> str:
    """``twice``, ``3 times``: how often a key is written, for a message."""
    return "twice" if n == 2 else f"{n} times"


def _and(lines: list[int], most: int = 5) -> str:
    """``2 and 5``, ``2, 5 and 9``: lines for a message; past ``most`` lines, the first
    of them and how many more (``2, 3, 4, 5, 6 and 9,995 more``), so that a key written
    10,000 times does not make each of its 9,999 reports list 10,000 lines."""
    shown = [str(line) for line in lines[:most]]
    if len(lines) > most:
        return ", ".join(shown) + f" and {len(lines) - most:,} more"
    return shown[0] if len(shown) == 1 else ", ".join(shown[:-1]) + " and " + shown[-1]


for _tag, _method in [("int", "construct_yaml_int"), ("float", "construct_yaml_float"),
                      ("bool", "construct_yaml_bool"), ("timestamp", "construct_yaml_timestamp"),
                      ("binary", "construct_yaml_binary"), ("set", "construct_yaml_set"),
                      ("omap", "construct_yaml_omap"), ("pairs", "construct_yaml_pairs")]:
    _Constructor.add_constructor("tag:yaml.org,2002:" + _tag, getattr(_Constructor, _method))
_Constructor.add_constructor(None, _Constructor.construct_undefined)


class _Loader(_Parser, _Constructor, _Resolver):  # type: ignore[misc,valid-type]
    def __init__(self, stream: str, line_offset: int = 1) -> None:
        _Parser.__init__(self, stream)
        _Constructor.__init__(self)
        _Resolver.__init__(self)
        self.notes: list[_Note] = []
        self.line_offset = line_offset  # the file's line of the YAML text's first line


@dataclass(frozen=True, slots=True)  # no dict each: a large site has millions
class Field:
    """One ``key: value`` of a file's front matter, as written, at its line.

    A key written twice gives two fields; ``value`` is the loaded YAML value
    (str, int, float, bool, None, date, datetime, list or dict; the keys of a dict are
    text). The line of each item of a list value is :meth:`SourceFile.item_lines`.
    """

    key: str
    value: Any
    line: int
    #: a plain (unquoted) scalar's text as written (``true`` for True, ``2025-01-15`` for a
    #: date); None for a quoted or block scalar (its value is its text), a list or a mapping
    text: str | None = None

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
    #: the line of each item of a list value whose items are entries (mappings or
    #: lists, as speakers are), by the line of its key (see :meth:`item_lines`)
    list_lines: dict[int, tuple[int, ...]] | None = None

    def item_lines(self, f: Field) -> list[int]:
        """The line of each item of ``f``'s value when it is a list of entries: a speaker
        written as ``- name: …`` five lines below ``speakers:`` is on its own line, not
        on the key's. The key's line for each item of a list of plain values (kept for
        no list, to spare the memory of the many pages with `topics:` lists), and
        ``[f.line]`` for a value that is not a list."""
        if not isinstance(f.value, list):
            return [f.line]
        lines = self.list_lines.get(f.line) if self.list_lines else None
        if lines is None or len(lines) != len(f.value):
            return [f.line] * len(f.value)
        return list(lines)

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


def in_posts(relpath: str) -> bool:
    """Whether the file at ``relpath`` is in a ``_posts`` folder (of the site, or of a
    folder in it), where Jekyll reads every file as a post."""
    return "_posts" in relpath.replace("\\", "/").split("/")[:-1]


def read_file(path: Path, relpath: str, post: bool = False) -> SourceFile:
    """Read the file at ``path``; problems become diagnostics on the result, never
    exceptions. ``post``: the file is in a ``_posts`` folder, which Jekyll reads as a
    post whatever its first line (see :func:`parse_text`)."""
    src = SourceFile(path=path, relpath=relpath)
    try:
        src.stamp = file_stamp(path)
        raw = path.read_bytes()
    except OSError as exc:
        src.diagnostics.append(Diagnostic("read-error", "error", f"cannot read file: {exc.strerror}", relpath))
        return src
    src.sha1 = hashlib.sha1(raw).hexdigest()
    return parse_text(raw, src, post)


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


def _wide_encoding(raw: bytes) -> str | None:
    """``UTF-16`` or ``UTF-32`` when the bytes are text saved so (by its byte order mark,
    or, without one, by the zero byte beside each character of plain text), else ``None``."""
    for mark, name in ((codecs.BOM_UTF32_LE, "UTF-32"), (codecs.BOM_UTF32_BE, "UTF-32"),
                       (codecs.BOM_UTF16_LE, "UTF-16"), (codecs.BOM_UTF16_BE, "UTF-16")):
        if raw.startswith(mark):
            return name
    head = raw[:64]
    if len(head) >= 4 and len(head) % 2 == 0:
        for chars, zeros in ((head[0::2], head[1::2]), (head[1::2], head[0::2])):  # little-, big-endian
            if not zeros.strip(b"\x00") and chars.isascii() and b"\x00" not in chars:
                return "UTF-16"
    return None


def parse_text(raw: bytes, src: SourceFile, post: bool = False) -> SourceFile:
    """Fill ``src`` from the bytes of a file (see :func:`read_file`).

    ``src.has_front_matter`` says whether Jekyll makes a document (a page) of the file.
    A collection's file is one only if its first line is ``---``
    (``Jekyll::Utils.has_yaml_header?``, on the bytes: a byte order mark before it makes
    the file a static file); a ``post`` always is (``Jekyll::PostReader``, which reads
    the text without its byte order mark): without front matter, it is a post of the
    date and title its name gives.
    """
    def report(code: str, severity: str, message: str, line: int | None = None,
               key: str | None = None, hint: str | None = None, value: str | None = None) -> None:
        src.diagnostics.append(Diagnostic(code, severity, message, src.relpath, line, key, value=value, hint=hint))

    if b"\x00" in raw[:8192]:
        wide = _wide_encoding(raw)
        if wide:
            report("encoding", "error", f"file is saved as {wide}, not UTF-8: Jekyll sees no front matter "
                   "in it and makes no page of it; skipped", 1,
                   hint="save it as UTF-8 (in Windows Notepad: Save as, Encoding: UTF-8)")
        else:
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
        if not post and _JEKYLL_HEADER.match(text):
            report("bom", "warning", "the file starts with a byte order mark (an invisible character some "
                   "editors write) before its `---`, so Jekyll sees no front matter: it copies the file as it "
                   "is, as a static file, and makes no page of it; kg keeps its values on the file", 1,
                   hint="save the file as UTF-8 without a byte order mark (BOM)")
            def as_static(code: str, severity: str, message: str, *args: Any, **kwargs: Any) -> None:
                # what is wrong in it breaks no page (Jekyll copies the file): no error, and
                # not that Jekyll shows unclosed front matter as text (it shows nothing)
                if code not in ("unclosed-front-matter", "no-front-matter"):
                    report(code, "warning" if severity == "error" else severity, message, *args, **kwargs)

            _split(text, src, as_static, post=True)  # (its values, read as Jekyll would without the mark)
            src.has_front_matter = False
            src.body, src.body_line = _unix(text), 1
            return src
        report("bom", "info", "file starts with a byte order mark; ignored", 1)
    _split(text, src, report, post)
    return src


def _split(text: str, src: SourceFile, report: Any, post: bool) -> None:
    """Split ``text`` into front matter (read into ``src.fields``) and body."""
    if "\r" in text:
        _split_carriage_returns(text, src, report, post)
        return
    match = _FRONT_MATTER.match(text)
    if not match:
        _no_front_matter(text, src, report, post)
        return
    src.has_front_matter = True
    src.body = text[match.end():]
    src.body_line = text.count("\n", 0, match.end()) + 1
    _load_yaml(match.group(1), src, report)


def _unix(text: str) -> str:
    """``text`` with every line ending (CRLF, or CR alone) a line feed, as YAML counts lines."""
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _split_carriage_returns(text: str, src: SourceFile, report: Any, post: bool = False) -> None:
    """Split a file holding carriage returns as Jekyll does: by its front-matter regex on
    the text as written, where only a line feed ends a line (a Windows CRLF does, a
    carriage return alone, as old Mac files have, does not); then read each part with
    every line ending a line feed (YAML takes a carriage return alone for one too)."""
    jekyll = _JEKYLL_FRONT_MATTER.match(text)
    if jekyll is None:
        unix = _unix(text)
        ours = _FRONT_MATTER.match(unix)
        if ours is None:
            _no_front_matter(unix, src, report, post)
        else:
            _hidden_by_line_endings(text, unix, ours, src, report, post)
        return
    opening = text[: text.index("\n") + 1]  # `---`, spaces and carriage returns, a line feed
    closing = jekyll.start("close")
    end = text.find("\n", closing)
    end = len(text) if end < 0 else end + 1
    src.has_front_matter = True
    src.body = _unix(text[end:])
    src.body_line = _unix(text[:end]).count("\n") + 1
    _load_yaml(_unix(text[len(opening):closing]), src, report, _unix(opening).count("\n") + 1)


_LINE_ENDINGS_HINT = "save the file with Unix (LF) or Windows (CRLF) line endings"


def _hidden_by_line_endings(text: str, unix: str, ours: re.Match[str], src: SourceFile, report: Any,
                            post: bool = False) -> None:
    """Front matter that would be read were every carriage return a line end, but that
    Jekyll does not see: report why, and do what Jekyll does."""
    src.body = unix
    if post and not _JEKYLL_HEADER.match(text):
        # a post all the same (Jekyll::PostReader reads every dated file), without its keys
        src.has_front_matter = True
        report("line-endings", "error",
               "the file's lines end in carriage returns alone (old Mac line endings), which Jekyll does not "
               "take for the ends of lines, so it sees no front matter: it makes a post of the file without "
               "any of its keys, and shows them as text", 1, hint=_LINE_ENDINGS_HINT)
        return
    if _JEKYLL_HEADER.match(text):
        # Jekyll makes a page of it (its first line is `---`), but finds no closing line:
        # it reads none of the keys and shows them as text, as for unclosed front matter
        src.has_front_matter = True
        line = unix.count("\n", 0, ours.end(1)) + 1
        report("line-endings", "error",
               f"the front matter's closing `---` (line {line}) follows a carriage return alone (an old Mac "
               "line ending), which Jekyll does not take for the end of a line, so it does not see the closing "
               "line: it reads none of the keys and shows them as text", line, hint=_LINE_ENDINGS_HINT)
        return
    # Not even the first line ends in a line feed: no front matter for Jekyll, which
    # copies the file as it is (a static file, no page). The values stay on the file.
    report("line-endings", "warning",
           "the file's first line, `---`, ends in a carriage return alone (old Mac line endings), which Jekyll "
           "does not take for the end of a line, so it sees no front matter: it copies the file as it is, as a "
           "static file, and makes no page of it; kg keeps its values on the file", 1, hint=_LINE_ENDINGS_HINT)
    _load_yaml(ours.group(1), src, report)


def _no_front_matter(text: str, src: SourceFile, report: Any, post: bool = False) -> None:
    """A file without (closed, YAML) front matter: a static file for Jekyll, but a post
    (``post``), which Jekyll makes a page of all the same."""
    src.body = text
    first = text.split("\n", 1)[0].strip()
    if post and first != "+++":
        # Jekyll makes a post of it all the same, its date and title from its name (TOML
        # values, which are no post's data, stay on the file as in any other file)
        src.has_front_matter = True
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
    elif not post:
        report("no-front-matter", "warning",
               "file has no front matter, so Jekyll makes no page of it: it is a static file, copied to the "
               "site as it is if its collection has pages (`output: true`)", 1,
               hint="start the file with a `---` line, the keys, and a closing `---`")


def _load_yaml(text: str, src: SourceFile, report: Any, offset: int = 2) -> None:
    """Read the YAML ``text`` of a file's front matter, whose first line is line
    ``offset`` of the file, into ``src.fields``; problems become diagnostics."""
    if _too_deep(text):
        report("yaml-too-large", "error", f"front matter nests lists or mappings more than {MAX_DEPTH} deep; "
               "ignored", offset, hint="write the values with less nesting")
        return
    loader = None
    try:
        loader = _Loader(text, offset)  # libyaml checks the characters here already
        node = loader.get_single_node()
    except yaml.reader.ReaderError as exc:
        line = text.count("\n", 0, max(exc.position, 0)) + offset
        report("yaml-error", "error", f"front matter holds a character YAML does not allow "
               f"({exc.character!r}, {exc.reason})", line, hint="delete the invisible character on that line")
        return
    except yaml.YAMLError as exc:
        line, message, hint = syntax_error(exc, text, offset)
        report("yaml-error", "error", message, line, hint=hint)
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
    if count_nodes(node) > MAX_NODES:
        report("yaml-too-large", "error",
               f"front matter expands to more than {MAX_NODES} values (alias bomb?); ignored", offset)
        return
    fields, notes = src.fields, loader.notes
    first = len(fields)
    seen: set[str] = set()
    twice = False
    scalar, sequence = yaml.ScalarNode, yaml.SequenceNode
    for key_node, value_node in node.value:
        line = key_node.start_mark.line + offset
        key = None
        try:
            # a key is the text written (`true:` is the key "true", not "True")
            if type(key_node) is scalar:
                key = key_node.value
            else:
                loader.top_key = None
                key = loader.key_text(key_node)
            loader.top_key = key
            value = loader.construct_object(value_node, deep=True)
        except Exception as exc:  # noqa: BLE001 - a tag such as `!!timestamp x` can raise anything
            notes.clear()  # about a value not kept
            where, message, hint = _value_error(exc, key, line, offset)
            report("yaml-error", "error", message, where, key, hint, _written(value_node))
            continue
        if notes:
            for note in notes:
                report(note.code, note.severity, note.message, note.line, key, note.hint, note.value)
            notes.clear()
        value, broken = _mend_surrogates(value)
        if broken:
            report("encoding", "warning", f"`{key}` holds an escaped character that is not one "
                   "(a lone UTF-16 surrogate); replaced with U+FFFD", line, key,
                   hint="write the character itself instead of its \\u escape")
        if key == "<<":
            report("yaml-merge-key", "warning", "YAML merge key `<<` kept as a plain key: Jekyll merges the "
                   "values it names into the front matter, kg does not", line, key, MERGE_KEY_HINT)
        if type(value_node) is scalar:
            # the text as written of a plain scalar (what Jekyll's YAML 1.1 reader resolves by its
            # look: `published: no` is false to it, `published: "no"` text)
            text_value = None if value_node.style else value_node.value
        else:
            text_value = None
            if type(value_node) is sequence and not all(type(n) is scalar for n in value_node.value):
                # a list of entries (speakers): each item's line (not for lists of plain values,
                # `topics:` and the like, on most pages, whose lines no one asks for)
                if src.list_lines is None:
                    src.list_lines = {}
                src.list_lines[line] = tuple(n.start_mark.line + offset for n in value_node.value)
        if key in seen:
            twice = True
        else:
            seen.add(key)
        fields.append(Field(key, value, line, text_value))
    if twice:
        _report_duplicates(fields[first:], report)


def _too_deep(text: str) -> bool:
    """Whether YAML ``text`` nests lists and mappings more than :data:`MAX_DEPTH` deep.
    Each level takes a line or a `[`, `{`, `-` or `?` of its own, so for nearly every
    file counting those settles it; else its events are read (which does not recurse)."""
    if len(text) <= MAX_DEPTH or (text.count("\n") + text.count("[") + text.count("{") + text.count("-")
                                  + text.count("?")) < MAX_DEPTH:
        return False
    parser = _Parser(text)
    depth = 0
    try:
        while True:
            event = parser.get_event()
            if event is None or isinstance(event, yaml.StreamEndEvent):
                return False
            if isinstance(event, yaml.CollectionStartEvent):
                depth += 1
                if depth > MAX_DEPTH:
                    return True
            elif isinstance(event, yaml.CollectionEndEvent):
                depth -= 1
    except yaml.YAMLError:  # the parse proper says what is wrong
        return False
    finally:
        parser.dispose()


def _report_duplicates(fields: list[Field], report: Any) -> None:
    """Keys written more than once at the top of the front matter: kg keeps every value
    (each is a field), Jekyll only the last; say which, and what to do."""
    by_key: dict[str, list[Field]] = {}
    for f in fields:
        by_key.setdefault(f.key, []).append(f)
    for key, fields in by_key.items():
        if len(fields) < 2:
            continue
        last = fields[-1]
        kept = last.text if last.text is not None else last.value if isinstance(last.value, str) else \
            json.dumps(last.value, ensure_ascii=False, default=str)
        lines = _and([f.line for f in fields])
        hint = _duplicate_hint(key, any(isinstance(f.value, list) for f in fields))
        for f in fields[1:]:
            report("duplicate-key", "warning",
                   f"key `{key}` is written {_times(len(fields))} (lines {lines}); Jekyll keeps only the last "
                   f"value, {_shown(kept)} (line {last.line}), kg keeps {'both' if len(fields) == 2 else 'them all'}",
                   f.line, key, hint)


def syntax_error(exc: yaml.YAMLError, text: str, offset: int) -> tuple[int | None, str, str]:
    """The line, message and hint for front matter that is not valid YAML: what the YAML
    reader says, after plain words on what is wrong and what to write instead when the
    mistake is a common one (see :func:`_advice`)."""
    problem_mark = getattr(exc, "problem_mark", None)
    context_mark = getattr(exc, "context_mark", None)
    problem = getattr(exc, "problem", None) or str(exc)
    context = getattr(exc, "context", None)
    # An error found only at the end of the text (an unclosed bracket or quote)
    # starts where the construct opened: point there.
    unclosed = context and re.search(r"flow (?:sequence|mapping)|quoted scalar", context)
    mark = context_mark if context_mark and (problem_mark is None or unclosed) else problem_mark
    said = problem
    if context and context_mark:
        said += f" ({context} that starts on line {context_mark.line + offset})"
    line = mark.line + offset if mark else None
    advice = _advice(problem, context, problem_mark, context_mark, text.split("\n"), offset)
    if advice is None:
        return line, f"front matter is not valid YAML: {said}", "check quoting and indentation on that line"
    plain, hint, at = advice
    return (at if at is not None else line,
            f"front matter is not valid YAML: {plain} (the YAML reader says: {said})", hint)


def _quoted(value: str) -> str:
    """``value`` in YAML quotes: double, unless it holds a double quote or a backslash."""
    if '"' not in value and "\\" not in value:
        return f'"{value}"'
    return "'" + value.replace("'", "''") + "'"


_KEY_VALUE = re.compile(r"^(\s*(?:-\s+)*)([^\s:#][^:]*?):[ \t]+")  # `  - name: ` before a value

_Advice = tuple[str, str, int | None]  # what is wrong, what to write instead, the line to point at (None: the reader's)


@dataclass(frozen=True)
class _ParseError:
    """What the YAML reader says is wrong with a text, and where, with the text's lines."""

    problem: str
    context: str  # "" when the reader names none
    problem_mark: Any  # where the reader stopped (None when it does not say)
    context_mark: Any  # where what it was reading began (None when it does not say)
    lines: list[str]
    offset: int  # the line number in the file of the text's first line

    def line_of(self, mark: Any) -> str:
        """The line of the text that ``mark`` points into ("" for none)."""
        return self.lines[mark.line] if mark is not None and 0 <= mark.line < len(self.lines) else ""

    @property
    def here(self) -> str:
        """The line the reader stopped on."""
        return self.line_of(self.problem_mark)

    @property
    def char(self) -> str:
        """The character the reader stopped at ("" for none)."""
        if self.problem_mark is None:
            return ""
        return self.here[self.problem_mark.column:self.problem_mark.column + 1]

    @property
    def at(self) -> int | None:
        """The line number in the file of the line the reader stopped on."""
        return self.problem_mark.line + self.offset if self.problem_mark is not None else None

    @property
    def opened(self) -> int | None:
        """The line number in the file of the line where what the reader was reading began."""
        return self.context_mark.line + self.offset if self.context_mark is not None else None


_Mistake = Callable[[_ParseError], _Advice | None]


def _advice(problem: str, context: str | None, problem_mark: Any, context_mark: Any,
            lines: list[str], offset: int) -> _Advice | None:
    """Plain words for the common YAML mistakes of people editing front matter: what is
    wrong, what to write instead, and the line to point at when it is not the one the
    YAML reader names (``None``: that one). ``None`` when the mistake is not a known one
    (the known ones are in :data:`_KNOWN_ERRORS`)."""
    error = _ParseError(problem, context or "", problem_mark, context_mark, lines, offset)
    for is_it, mistakes in _KNOWN_ERRORS:
        if not is_it(error):
            continue
        for mistake in mistakes:
            advice = mistake(error)
            if advice is not None:
                return advice
        return None  # the error is a known one, from a mistake that is not: no later error is tried
    return None


def _key_and_value(text: str, end: int | None = None) -> tuple[str, str] | None:
    """``key`` and the value written after it, on a line ``key: value`` (the key
    found before column ``end``)."""
    m = _KEY_VALUE.match(text)
    if m is None or (end is not None and m.end(2) >= end):
        return None
    return m.group(2).strip(), text[m.end():].strip()


def _quote_it(text: str, end: int | None = None) -> str:
    """The hint to put the value on the line ``text`` in quotes, written out when the line is ``key: value``."""
    kv = _key_and_value(text, end)
    if kv is None:
        return "put the value in quotes"
    key, value = kv
    return f"put the value in quotes: `{key}: {_quoted(value)}`"


def _tab_indent(e: _ParseError) -> _Advice:
    """A line indented with a tab."""
    return (f"line {e.at} is indented with a tab, and YAML allows only spaces there",
            "indent with spaces, not tabs", None)


def _colon_in_value(e: _ParseError) -> _Advice | None:
    """A value with `: ` in it, which YAML reads as the start of another key."""
    column = e.problem_mark.column if e.problem_mark is not None else len(e.here)
    kv = _key_and_value(e.here, column)
    if kv is None:
        return None
    return (f"the value of `{kv[0]}` contains `: `, which YAML reads as the start of another key",
            _quote_it(e.here, column), None)


def _indented_key(e: _ParseError) -> _Advice | None:
    """A `key:` line indented, which YAML reads as more of the value above it."""
    if e.here[:1] not in (" ", "\t"):
        return None
    return (f"line {e.at} is indented, so YAML reads it as more of the value above it, where a "
            "`key:` cannot be", "start the line at the same column as the keys above it or, if it "
            "belongs under the key above, leave nothing after that key's `:`", None)


def _no_space_after_colon(e: _ParseError) -> _Advice | None:
    """A `key:value` line above, which YAML reads as text running on into this line."""
    mark = e.problem_mark
    previous = e.lines[mark.line - 1] if mark is not None and mark.line > 0 else ""
    if ":" not in previous or re.search(r":[ \t]|:$", previous):
        return None
    at = mark.line + e.offset
    return (f"line {at - 1} has no space after its `:`, so YAML reads it as text that runs on into "
            f"line {at}, not as `key: value`", "put a space after the `:` (`key: value`)", at - 1)


def _not_key_value_line(e: _ParseError) -> _Advice:
    """A line that is neither `key: value` nor indented as more of the value above it."""
    if ":" in e.line_of(e.context_mark):
        hint = "put a space after the `:` (`key: value`)"
    else:
        hint = "if it is more of the value above, indent it; else write it as `key: value`, or delete it"
    return f"line {e.opened} is not a `key: value` line", hint, e.opened


def _text_after_closing_quote(e: _ParseError) -> _Advice | None:
    """A value in quotes with more text after its closing quote."""
    kv = _key_and_value(e.here, e.problem_mark.column)
    if kv is None or kv[1][:1] not in ("'", '"'):
        return None
    key, value = kv
    q = value[0]
    inner = value[1:-1] if len(value) > 1 and value.endswith(q) else value
    other = "'" + inner.replace("'", "''") + "'" if q == '"' else '"' + inner.replace('"', '\\"') + '"'
    return (f"the value of `{key}` starts with a quote ({q}), so YAML takes it to end at the next {q}, "
            "and finds more text after that",
            f"put the whole value in the other quotes: `{key}: {other}`", None)


def _text_after_closing_bracket(e: _ParseError) -> _Advice | None:
    """A value that starts with `[` or `{` (a list or mapping) and goes on after its closing bracket."""
    kv = _key_and_value(e.here, e.problem_mark.column)
    if kv is None or kv[1][:1] not in ("[", "{"):
        return None
    what = "a list" if kv[1][0] == "[" else "a mapping"
    return (f"a value that starts with `{kv[1][0]}` is {what} in YAML, and `{kv[0]}` has more text "
            "after its closing bracket", _quote_it(e.here, e.problem_mark.column), None)


def _list_item_after_value(e: _ParseError) -> _Advice | None:
    """A `- ` list item under a key that already has a value."""
    if not e.here.lstrip().startswith("-"):
        return None
    return (f"line {e.at} is a list item (`- …`), but the key above it already has a value",
            "put the list under its own key (`topics:`, then `  - …` on the lines below), or move "
            "the value of the key above into the list", None)


def _indented_under_value(e: _ParseError) -> _Advice | None:
    """An indented line under a key that has its value on its own line."""
    if e.here[:1] not in (" ", "\t"):
        return None
    return (f"line {e.at} is indented, but the key above it has its value on its own line",
            "start the line at the same column as the keys above it", None)


def _reserved_first_character(e: _ParseError) -> _Advice:
    """A value that starts with a character YAML keeps for itself (`@`, a backquote)."""
    shown = "a backquote (`)" if e.char == "`" else f"`{e.char}`"
    return f"a value cannot start with {shown} in YAML", _quote_it(e.here), None


def _value_read_as_alias(e: _ParseError) -> _Advice:
    """A value that starts with `*` or `&`, which YAML reads as an alias or an anchor."""
    char = "&" if "anchor" in e.context else "*"
    return (f"a value that starts with `{char}` is read as a YAML {'anchor' if char == '&' else 'alias'} "
            "(a name for a value, to repeat it elsewhere)", _quote_it(e.here), None)


def _value_read_as_tag(e: _ParseError) -> _Advice:
    """A value that starts with `!`, which YAML reads as a tag."""
    return ("a value that starts with `!` is read as a YAML tag (a type for the value)",
            _quote_it(e.line_of(e.context_mark or e.problem_mark)), None)


def _unknown_escape(e: _ParseError) -> _Advice | None:
    """A backslash in double quotes that starts no escape YAML knows."""
    if not e.problem.startswith("found unknown escape character"):
        return None
    return ("inside double quotes a backslash starts an escape such as `\\n` (a new line), and "
            "this one is not an escape YAML knows",
            "write `\\\\` for a backslash, or put the value in single quotes", None)


def _unclosed_quote(e: _ParseError) -> _Advice:
    """A quote opened and never closed."""
    q = e.line_of(e.context_mark)[e.context_mark.column:e.context_mark.column + 1] if e.context_mark else '"'
    return (f"the quote ({q}) opened on line {e.opened} is never closed",
            "close the quote at the end of the value; inside \"…\" write a \" as \\\", inside '…' "
            "write a ' as ''", None)


def _unclosed_list(e: _ParseError) -> _Advice:
    """A list opened with `[` and never closed."""
    return (f"the list opened with `[` on line {e.opened} is not closed with `]`",
            "close it with `]`; a text value that starts with `[` must be put in quotes", None)


def _unclosed_mapping(e: _ParseError) -> _Advice:
    """A mapping opened with `{` and never closed."""
    return (f"the mapping opened with `{{` on line {e.opened} is not closed with `}}`",
            "close it with `}`; a text value that starts with `{` must be put in quotes", None)


def _misaligned_list_item(e: _ParseError) -> _Advice:
    """A line not lined up with the `- ` items of the list above it."""
    return (f"line {e.at} is not lined up with the `- ` items of the list that starts on line {e.opened}",
            "start every `- ` item of a list at the same column, and a key after the list at the column "
            "of the list's own key", None)


def _first_line_not_a_key(e: _ParseError) -> _Advice:
    """A first line that is indented, or is not `key: value`."""
    return ("the front matter's first line is indented, or is not a `key: value` line",
            "start each key at the beginning of its line", None)


def _text_beside_block_indicator(e: _ParseError) -> _Advice:
    """Text on the line of a `|` or `>`, where YAML expects it on the lines below."""
    return ("after `|` or `>`, the text of the value starts on the next line, indented",
            "move the text to the next line and indent it, or put the value in quotes", None)


# The errors of the YAML reader that common mistakes cause, each with the mistakes that cause
# it, tried in this order: the first error that fits is the one, and the first of its mistakes
# that fits gives the advice
_KNOWN_ERRORS: tuple[tuple[Callable[[_ParseError], bool], tuple[_Mistake, ...]], ...] = (
    (lambda e: "tab" in e.problem or (e.problem.startswith("found character that cannot start any token")
                                      and e.char == "\t"),
     (_tab_indent,)),
    (lambda e: e.problem.startswith("mapping values are not allowed"),
     (_colon_in_value, _indented_key, _no_space_after_colon)),
    (lambda e: e.problem.startswith("could not find expected ':'") and e.context_mark is not None,
     (_not_key_value_line,)),
    (lambda e: e.problem.startswith("did not find expected key") and e.problem_mark is not None,
     (_text_after_closing_quote, _text_after_closing_bracket, _list_item_after_value, _indented_under_value)),
    (lambda e: e.problem.startswith("found character that cannot start any token") and e.problem_mark is not None,
     (_reserved_first_character,)),
    (lambda e: e.problem == "found undefined alias" or e.context.startswith(("while scanning an alias",
                                                                             "while scanning an anchor")),
     (_value_read_as_alias,)),
    (lambda e: "tag" in e.problem or "tag" in e.context, (_value_read_as_tag,)),
    (lambda e: "quoted scalar" in e.context, (_unknown_escape, _unclosed_quote)),
    (lambda e: "flow sequence" in e.context, (_unclosed_list,)),
    (lambda e: "flow mapping" in e.context, (_unclosed_mapping,)),
    (lambda e: e.problem.startswith("did not find expected '-' indicator"), (_misaligned_list_item,)),
    (lambda e: "<document start>" in e.problem, (_first_line_not_a_key,)),
    (lambda e: "block scalar" in e.context, (_text_beside_block_indicator,)),
)


def _value_error(exc: Exception, key: str | None, line: int, offset: int) -> tuple[int, str, str]:
    """Where a value that cannot be read is, what is wrong and what to do: the line of
    the value itself (a tag inside a list is on its own line, not on its key's)."""
    mark = getattr(exc, "problem_mark", None)
    where = mark.line + offset if mark is not None else line
    problem = getattr(exc, "problem", None) or str(exc)
    what = f"the value of `{key}`" if key is not None else "a key"
    if isinstance(exc, RecursionError):
        return where, f"{what} nests lists or mappings too deeply to be read", "write it with less nesting"
    if problem.startswith(_PSYCH_REFUSAL):
        name = problem[len(_PSYCH_REFUSAL):].strip(" `")
        return (where, f"{what} cannot be read: it starts with `{name}`, a tag naming a Ruby type, which "
                "Jekyll's YAML reader refuses (\"Tried to load unspecified class\"): Jekyll reads none of "
                "this file's front matter; kg leaves out only this value",
                f"remove `{name}`; a value that starts with `!` must be put in quotes")
    return where, f"{what} cannot be read: {problem}", "remove the `!!` tag, or write a value that fits it"


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


def count_nodes(node: yaml.Node, limit: int = MAX_NODES) -> int:
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


_BASE60 = re.compile(r"[-+]?[0-9][0-9_]*(?::[0-5]?[0-9]){1,2}(\.[0-9_]*)?")


def psych_base60(text: str) -> int | float | None:
    """The number Jekyll's YAML reader (Ruby's Psych) makes of a plain scalar written as a
    YAML 1.1 base-60 number (``10:00``, ``1:30:00``, ``10:00.5``), which kg, reading YAML
    1.2, keeps as the text; ``None`` for any other text. Psych weighs the parts from the
    left by 60², 60 and 1, with two parts as with three: ``10:00`` is 36000, not 600."""
    m = _BASE60.fullmatch(text)
    if m is None:
        return None
    parts = text.split(":")
    read = _ruby_float if m[1] is not None else _ruby_int
    return sum(read(part) * 60 ** abs(i - 2) for i, part in enumerate(parts))


def _ruby_int(text: str) -> int:
    """Ruby's ``String#to_i`` of a part of :data:`_BASE60` (a sign, digits, single underscores between)."""
    return int(re.match(r"[-+]?[0-9]+(?:_[0-9]+)*", text)[0].replace("_", ""))


def _ruby_float(text: str) -> float:
    """Ruby's ``String#to_f`` of a part of :data:`_BASE60`."""
    return float(re.match(r"[-+]?[0-9]+(?:_[0-9]+)*(?:\.[0-9]+(?:_[0-9]+)*)?", text)[0].replace("_", ""))


def date_value(value: Any) -> dt.date | dt.datetime | None:
    """A front-matter value as a date (a time, when it gives one), or ``None`` when it is
    not one: ISO 8601, or text that writes the year, month and day in any way Ruby's
    ``Time.parse`` reads them, as Jekyll does ("September 8, 2014", "2016-03-21 12:00 EDT";
    not "March 2024", whose day Jekyll makes up)."""
    if isinstance(value, (dt.date, dt.datetime)):
        return value
    if isinstance(value, str):
        return read_date(value)[0]
    return None


#: Words a date's text may hold beside the date without saying more than it: they join
#: the day to its time ("Tuesday 12th March 2024 at 6pm", "on the 12th March 2024, from
#: 18:00 BST"). Weekdays, ordinal suffixes, times, zones and punctuation are read by the
#: parser itself.
DATE_FILLER = frozenset({"at", "on", "the", "from"})
_WORD = re.compile(r"[^\W_]+")


def read_date(text: str) -> tuple[dt.date | dt.datetime | None, str]:
    """A front-matter text as a date (see :func:`date_value`), and what the text says
    beyond it: ``""`` when nothing, else what Ruby's ``Time.parse`` left unread of it
    (see :func:`kg.rubytime.written_time_and_rest`: a zone Ruby ignores too), spaces run
    together and a comma or full stop at either end left out, when that holds
    a word or number other than a :data:`DATE_FILLER` word: ``"2024-05-03 to 2024-05-05"``
    is 3 May and ``"to 2024-05-05"``, ``"3-5 May 2024"`` 5 May and ``"3-"``,
    ``"Postponed (was 12 March 2020)"`` 12 March and ``"Postponed was"``. ISO 8601
    (``2024-05-03``, ``2024-05-03T10:00:00+01:00``) and text that is no date say nothing
    more."""
    try:
        return dt.date.fromisoformat(text.strip()), ""
    except ValueError:
        try:
            when: dt.date | dt.datetime | None = dt.datetime.fromisoformat(text.strip())
            rest = ""
        except ValueError:
            when, rest = _read_written_date(text)
    if isinstance(when, dt.datetime) and not rest and no_real_offset(when):
        # "18:00-20:00": the end of the event, read (by Ruby too) as a zone 20 hours behind
        offset = _OFFSET_AT_END.search(text)
        rest = offset[0].strip() if offset else text.strip()
    return when, rest


#: A zone's offset at the end of a date's text ("-20:00" of "2024-03-12 18:00-20:00")
_OFFSET_AT_END = re.compile(r"[-+][0-9]{1,2}(?::?[0-9]{2})?\s*$")


def no_real_offset(when: dt.datetime) -> bool:
    """Whether ``when`` has an offset from UTC that no place has (outside -12:00..+14:00)."""
    offset = when.utcoffset()
    return offset is not None and not dt.timedelta(hours=-12) <= offset <= dt.timedelta(hours=14)


@functools.lru_cache(maxsize=4096)
def _read_written_date(text: str) -> tuple[dt.date | dt.datetime | None, str]:
    """:func:`read_date` of text that is not ISO 8601, read once for each text (the
    records and the graph both ask, and Ruby's reading is slower than Python's)."""
    when, rest = written_time_and_rest(text)
    if when is not None and any(w.lower() not in DATE_FILLER for w in _WORD.findall(rest)):
        return when, " ".join(rest.split()).strip(" ,.")
    return when, ""


#: A day written year-month-day as Ruby's ``Time.parse`` reads it, and Jekyll in a file
#: name (``Jekyll::Document::DATE_FILENAME_MATCHER``): year, month and day (see :func:`ruby_date`).
YMD = r"([0-9]{2,4})-([0-9]{1,2})-([0-9]{1,2})"
# a value written like a YAML date: a four-digit year, then the end of the text or a time
_DATE_SHAPE = re.compile(r"\s*(?=[0-9]{4}-)" + YMD + r"(?:$|[Tt \t])")
MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September",
          "October", "November", "December")


def ruby_date(year: str, month: str, day: str) -> dt.date | None:
    """A day written ``Y-M-D`` (the digits of each, as :data:`YMD` finds them) as Ruby's
    ``Time.parse`` reads it, and so Jekyll, in a ``date:`` or a file name: a two-digit
    year is 1969..2068; a day past the month's end runs on into the next month
    (2023-02-29 is March 1st); a month outside 1..12 or a day outside 1..31 is no date
    (``None``: Jekyll stops the build on it), nor is a day before year 1 or after 9999,
    which Python cannot hold."""
    y, m, d = int(year), int(month), int(day)
    if len(year) == 2:
        y += 1900 if y >= 69 else 2000
    if not (1 <= m <= 12 and 1 <= d <= 31 and 1 <= y <= 9999):
        return None
    try:
        return dt.date(y, m, 1) + dt.timedelta(days=d - 1)
    except OverflowError:  # (December 32nd of 9999)
        return None


def date_problem(text: Any) -> str | None:
    """Why a value written like a date (``2024-02-30``) names no day of the calendar and
    what to do, in plain words for a hint; ``None`` when it is not written like a date,
    or is a real day.

    Jekyll's own ``date:`` key is read by Ruby's ``Time.parse``, which moves a day past
    the end of its month on into the next (``2024-02-30`` is shown as 1 March) and stops
    the build for a month or day that cannot be (``2024-13-01``, ``2024-02-32``).
    """
    if not isinstance(text, str):
        return None
    m = _DATE_SHAPE.match(text)
    if m is None:
        return None
    year, month, day = (int(g) for g in m.groups())
    written = f"{m[1]}-{m[2]}-{m[3]}"
    if not 1 <= month <= 12:
        return f"there is no month {m[2]} (months run from 01 to 12): correct the month of {written}"
    days = calendar.monthrange(year, month)[1]
    if 1 <= day <= days:
        return None
    if day < 1:
        return f"there is no day {m[3]} (days start at 01): correct the day of {written}"
    said = f"{MONTHS[month - 1]} {year} has {days} days, so {written} does not exist: correct the day"
    moved = ruby_date(m[1], m[2], m[3])
    if moved is not None:
        said += f" (Jekyll shows `date: {written}` as {moved.isoformat()})"
    return said
