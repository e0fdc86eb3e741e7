"""Load the mapping file that says which collection holds what and what each key means.

The default mapping (``ontology/mapping.yml``) fits connectedbydata.org. A site can ship
its own as ``_kg/mapping.yml`` or pass one with ``kg build --mapping FILE``.
"""
from __future__ import annotations

import re
from collections.abc import Callable, Mapping as Mapping_
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any, Iterable

import yaml
from pyoxigraph import NamedNode

from .errors import KgError, MappingError, closest

VALUE_TYPES = ("text", "date", "boolean", "integer", "iri", "ref")
#: The settings a mapping file may hold: at the top, per kind, per key, in `body:`.
TOP_OPTIONS = ("prefixes", "kinds")
KIND_OPTIONS = ("collection", "class", "label", "keys", "body", "date_keys", "identity")
KEY_OPTIONS = ("property", "type", "ref", "split", "speakers", "vocabulary", "series")
#: What a speaker has besides a name: each a key of a speaker's entry in front matter
SPEAKER_FIELDS = ("role", "title", "organisation", "organisation_url", "url")
BODY_OPTIONS = ("speakers", "ordinal", "terms", "links")
SITE_MAPPING = "_kg/mapping.yml"


@dataclass(frozen=True)
class KeyRule:
    """How one front-matter key maps to RDF."""

    key: str
    property: str | None = None
    type: str = "text"
    ref: str | None = None
    split: re.Pattern | None = None
    speakers: bool = False
    vocabulary: bool = False  # values come from a small set: flag rare variants and typos
    #: the field of the speakers another key of the file names that this key gives
    #: (``affiliation: {speakers: organisation}``), one of :data:`SPEAKER_FIELDS`
    speaker_field: str | None = None
    #: speaker field -> the key of each speaker's entry that holds it on this site
    #: (``speakers: {speakers: {organisation: company}}``)
    speaker_keys: tuple[tuple[str, str], ...] = ()
    #: the value names the event's series (``series: Data Drinks``): events of one
    #: value are one series, whatever their titles
    series: bool = False
    line: int | None = field(default=None, repr=False, compare=False)  # of the key in the mapping file


@dataclass
class Kind:
    """A kind of node (event, project, person…) and the collection that holds it."""

    name: str
    collection: str
    classes: list[str]
    label: str = "title"
    keys: dict[str, KeyRule] = field(default_factory=dict)
    body: dict[str, bool] = field(default_factory=dict)
    date_keys: list[str] = field(default_factory=list)
    identity: str | None = None
    line: int | None = None  # of its `collection:` in the mapping file


@dataclass
class Mapping:
    """A whole mapping: prefixes and kinds, with CURIEs expanded to full IRIs."""

    prefixes: dict[str, str]
    kinds: dict[str, Kind]
    source: str

    def kind_of_collection(self, label: str) -> Kind | None:
        """The kind whose nodes live in collection ``label``, if any."""
        return next((k for k in self.kinds.values() if k.collection == label), None)


def default_mapping_path() -> Path:
    """The packaged default mapping file."""
    return Path(str(resources.files("kg.ontology") / "mapping.yml"))


def load_mapping(path: str | Path | None = None, site_root: Path | None = None) -> Mapping:
    """Load a mapping: ``path`` if given, else the site's ``_kg/mapping.yml``, else the default.

    Raises:
        MappingError: the file cannot be read, is not UTF-8 or not valid YAML, writes a key
            twice, or uses an unknown section, option, type or prefix, a value of the wrong
            kind, a regex that does not compile or an IRI that is not absolute (each at its
            line).
    """
    if path is None and site_root is not None and (site_root / SITE_MAPPING).is_file():
        path = site_root / SITE_MAPPING
    p = Path(path) if path is not None else default_mapping_path()
    return parse_mapping(read_yaml(p, "mapping file"), str(p))


# -- YAML with lines -----------------------------------------------------------------------

class Lined(dict):
    """A YAML mapping as read by :func:`read_yaml`: a dict that also knows the line it
    starts on (``line``) and the line of each of its keys (``lines``)."""

    line: int | None = None
    lines: dict[str, int]

    def line_of(self, key: Any = None) -> int | None:
        """The line of ``key`` (of the mapping itself without one, or when not known)."""
        return getattr(self, "lines", {}).get(key, self.line) if key is not None else self.line


class LinedList(list):
    """A YAML list as read by :func:`read_yaml`, with the line of each item (``lines``)."""

    line: int | None = None
    lines: list[int]

    def line_of(self, i: int | None = None) -> int | None:
        """The line of item ``i`` (of the list itself without one)."""
        lines = getattr(self, "lines", [])
        return lines[i] if i is not None and 0 <= i < len(lines) else self.line


def line_of(container: Any, key: Any = None) -> int | None:
    """Where ``container[key]`` (or ``container``) was written, when it was read by
    :func:`read_yaml`; ``None`` for data given any other way."""
    fn = getattr(container, "line_of", None)
    return fn(key) if fn is not None else None


_MAX_DEPTH = 100  # a configuration file nested deeper than this is not one
_NULL = "tag:yaml.org,2002:null"
_MERGE = "tag:yaml.org,2002:merge"


def read_yaml(path: str | Path, what: str, *, text_scalars: bool = False,
              error: type[KgError] = MappingError) -> Any:
    """Read a configuration file of kg's (mapping, curation, weights) as YAML that
    remembers its lines (mappings are :class:`Lined`, lists :class:`LinedList`).

    Keys are the text written (``on:`` is the key ``on``, as in front matter); with
    ``text_scalars`` every value is too (a name ``No`` or ``010`` stays as written),
    save an empty value, which is ``None``. A key written twice in one mapping is an
    error (YAML would keep the last in silence), as are bytes that are not UTF-8 and
    YAML that does not parse: ``error`` (``what`` naming the file), at the line.
    """
    p = Path(path)
    try:
        raw = p.read_bytes()
    except OSError as exc:
        raise error(f"cannot read {what}: {exc.strerror or exc}", path=p) from exc
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        utf16 = raw.startswith((b"\xff\xfe", b"\xfe\xff"))
        raise error(f"{what} is not UTF-8 text (byte 0x{raw[exc.start]:02x}"
                    + (", a UTF-16 byte order mark" if utf16 and exc.start < 2 else "") + ")",
                    path=p, line=raw[:exc.start].count(b"\n") + 1,
                    hint="save it as UTF-8 (in most editors: Save As, encoding UTF-8)") from exc
    loader = yaml.SafeLoader(text.removeprefix("\ufeff"))
    try:
        node = loader.get_single_node()
        if node is None:
            return None
        return _Reader(loader, p, what, text_scalars, error).value(node, (), 0)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
        problem = " ".join(str(getattr(exc, "problem", None) or exc).split())
        context, opened = getattr(exc, "context", None), getattr(exc, "context_mark", None)
        if context and opened is not None and mark is not None and opened.line != mark.line:
            problem += f" ({' '.join(str(context).split())} that starts on line {opened.line + 1})"
        hint = ("remove the `!` tag: kg reads plain YAML" if problem.startswith("could not determine a constructor")
                else "check the quoting and indentation on that line (a value with `: ` or ` #` in it needs quotes)")
        raise error(f"{what} is not valid YAML: {problem}", path=p, line=mark.line + 1 if mark else None,
                    hint=hint) from exc
    except RecursionError as exc:  # brackets inside brackets past Python's stack, while composing
        raise error(f"the {what} is nested more than Python can read", path=p,
                    hint="look for brackets that are opened and never closed") from exc
    finally:
        loader.dispose()


class _Reader:
    """Turns composed YAML nodes into values with lines (see :func:`read_yaml`)."""

    def __init__(self, loader: yaml.SafeLoader, path: Path, what: str, text_scalars: bool,
                 error: type[KgError]) -> None:
        self.loader, self.path, self.what = loader, path, what
        self.text_scalars, self.error = text_scalars, error
        self.done: dict[int, Any] = {}  # node id -> its value: an alias is read once
        self.open: set[int] = set()  # nodes being read: an alias to one of them is a loop

    def fail(self, message: str, node: yaml.Node, hint: str | None = None) -> KgError:
        return self.error(message, path=self.path, line=node.start_mark.line + 1, hint=hint)

    def value(self, node: yaml.Node, where: tuple[str, ...], depth: int) -> Any:
        if id(node) in self.done:
            return self.done[id(node)]
        if id(node) in self.open:
            raise self.fail(f"an alias in the {self.what} refers to a value it is part of", node,
                            "write the value out instead of the alias")
        if depth > _MAX_DEPTH:
            raise self.fail(f"the {self.what} is nested more than {_MAX_DEPTH} levels deep", node,
                            "look for brackets that are opened and never closed")
        if isinstance(node, yaml.ScalarNode):
            if node.tag == _NULL:
                return None
            return node.value if self.text_scalars else self.loader.construct_object(node, deep=True)
        self.open.add(id(node))
        try:
            if isinstance(node, yaml.SequenceNode):
                if node.tag != "tag:yaml.org,2002:seq":
                    return self.loader.construct_object(node, deep=True)  # e.g. !!pairs: a list, not of values
                out: Any = LinedList(self.value(item, where, depth + 1) for item in node.value)
                out.line, out.lines = node.start_mark.line + 1, [item.start_mark.line + 1 for item in node.value]
            else:
                out = self.mapping(node, where, depth)
        finally:
            self.open.discard(id(node))
        self.done[id(node)] = out
        return out

    def mapping(self, node: yaml.Node, where: tuple[str, ...], depth: int) -> Any:
        if node.tag != "tag:yaml.org,2002:map":  # !!set, !!omap: not a mapping of settings
            return self.loader.construct_object(node, deep=True)
        first: dict[str, int] = {}
        for key_node, _ in node.value:
            if key_node.tag == _MERGE:
                continue
            if not isinstance(key_node, yaml.ScalarNode):
                raise self.fail(f"a key in the {self.what} is written as a {key_node.id}", key_node,
                                "write each key as plain text before its `:`")
            key, line = key_node.value, key_node.start_mark.line + 1
            if key in first:
                under = f" under `{'.'.join(where)}`" if where else ""
                raise self.fail(f"`{key}` is written twice{under} (lines {first[key]} and {line}); YAML "
                                f"would keep only the second", key_node,
                                "keep one of them (merge the two if both hold something needed)")
            first[key] = line
        self.loader.flatten_mapping(node)  # `<<: *anchor` merges, the keys written here winning
        out = Lined()
        out.line, out.lines = node.start_mark.line + 1, {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode):
                raise self.fail(f"a key in the {self.what} is written as a {key_node.id}", key_node,
                                "write each key as plain text before its `:`")
            key = key_node.value
            out[key] = self.value(value_node, where + (key,), depth + 1)
            out.lines[key] = key_node.start_mark.line + 1
        return out


def did_you_mean(word: Any, choices: Iterable[str]) -> str:
    """`` (did you mean `x`?)`` for the choice closest to ``word``, else nothing."""
    near = closest(word, choices)
    return f" (did you mean `{near}`?)" if near is not None else ""


def check_options(spec: Mapping_, allowed: Iterable[str], what: str, source: str,
                  error: type[KgError] = MappingError, noun: str = "option") -> None:
    """Every key of ``spec`` is one of ``allowed``; else ``error`` at the first that is not,
    with the closest allowed key."""
    allowed = list(allowed)
    for key in spec:
        if key not in allowed:
            raise error(f"{what}unknown {noun} `{key}`{did_you_mean(key, allowed)}", path=source,
                        line=line_of(spec, key), hint=f"allowed: {', '.join(allowed)}")


def kind_of_value(value: Any) -> str:
    """How a wrong value is named in a message: "the number 5", "a list", "nothing"."""
    if value is None:
        return "nothing"
    if isinstance(value, bool):
        return f"`{'true' if value else 'false'}`"
    if isinstance(value, (int, float)):
        return f"the number {value}"
    if isinstance(value, str):
        return f"the text {value!r}" if value.strip() else "empty text"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    return f"a {type(value).__name__}"


# -- the mapping -------------------------------------------------------------------------------

def parse_mapping(data: Any, source: str = "<mapping>") -> Mapping:
    """Check and expand a mapping given as loaded YAML (see :func:`load_mapping`).

    Raises:
        MappingError: see :func:`load_mapping`; at the line of the problem when ``data``
            was read by :func:`read_yaml`.
    """
    check = _Checker(source)
    _check_sections(data, check)
    check.prefixes = _parse_prefixes(data, check)
    kinds = _parse_kinds(data["kinds"], check)
    return Mapping(prefixes=check.prefixes, kinds=kinds, source=source)


class _Checker:
    """Checks values of one mapping, failing with a :class:`MappingError` at their line."""

    def __init__(self, source: str) -> None:
        self.source = source
        self.prefixes: dict[str, str] = {}  # those declared, once read: what `expand` knows

    def fail(self, message: str, where: Any = None, key: Any = None, hint: str | None = None) -> MappingError:
        """The error ``message`` at the line of ``where[key]`` (or of ``where``), when known."""
        return MappingError(message, path=self.source, line=line_of(where, key) if where is not None else None,
                            hint=hint)

    def text(self, value: Any, what: str, where: Any, key: Any, hint: str | None = None) -> str:
        """``value`` if it is text that is not blank, else an error."""
        if not isinstance(value, str) or not value.strip():
            raise self.fail(f"{what} must be text, not {kind_of_value(value)}", where, key, hint)
        return value

    def flag(self, value: Any, what: str, where: Any, key: Any) -> bool:
        """``value`` if it is `true` or `false`, else an error."""
        if not isinstance(value, bool):
            raise self.fail(f"{what} must be `true` or `false`, not {kind_of_value(value)}", where, key,
                            "write true or false without quotes")
        return value

    def texts(self, value: Any, what: str, where: Any, key: Any, hint: str | None = None) -> list[str]:
        """A list of text; one written alone is a list of one (not a list of its letters)."""
        if isinstance(value, str):
            return [self.text(value, what, where, key, hint)]
        if not isinstance(value, list):
            raise self.fail(f"{what} must be a list of text, not {kind_of_value(value)}", where, key, hint)
        return [self.text(v, what, value if line_of(value, i) else where, i if line_of(value, i) else key, hint)
                for i, v in enumerate(value)]

    def expand(self, curie: Any, what: str, where: Any, key: Any) -> str:
        """The full IRI of ``curie`` (a CURIE with a declared prefix, or an IRI), else an error."""
        curie = self.text(curie, what, where, key, "a CURIE such as `schema:name`, or a full IRI")
        if "://" in curie or curie.startswith("urn:"):
            iri = curie
        else:
            prefix, sep, local = curie.partition(":")
            if not sep or prefix not in self.prefixes:
                hint = (f"declare it under `prefixes:` (known: {', '.join(sorted(self.prefixes))})" if self.prefixes
                        else "declare it in a `prefixes:` section, e.g. `schema: https://schema.org/`")
                raise self.fail(f"{what}: unknown prefix in `{curie}`", where, key, hint)
            iri = self.prefixes[prefix] + local
        problem = _iri_problem(iri)
        if problem:
            raise self.fail(f"{what}: `{curie}` is not a valid IRI ({problem})", where, key,
                            "IRIs have no spaces, quotes or angle brackets")
        return iri


def _check_sections(data: Any, check: _Checker) -> None:
    """Check that ``data`` is a mapping of known sections with a `kinds:` that is a mapping."""
    if isinstance(data, dict):
        check_options(data, TOP_OPTIONS, "", check.source, noun="section")
    if not isinstance(data, dict) or "kinds" not in data:
        raise check.fail("mapping must have a `kinds:` section", data if isinstance(data, dict) else None,
                         hint="see ontology/mapping.yml for the shape")
    if not isinstance(data["kinds"], dict):
        raise check.fail(f"`kinds:` must be a mapping of kind name -> settings, not {kind_of_value(data['kinds'])}",
                         data, "kinds", hint="see ontology/mapping.yml for the shape")


def _parse_prefixes(data: Mapping_, check: _Checker) -> dict[str, str]:
    """Read the `prefixes:` section: each prefix and the absolute IRI it stands for."""
    raw_prefixes = data.get("prefixes")
    if raw_prefixes is None:
        raw_prefixes = {}
    if not isinstance(raw_prefixes, dict):
        raise check.fail(f"`prefixes:` must be a mapping of prefix -> IRI, not {kind_of_value(raw_prefixes)}",
                         data, "prefixes", hint="e.g. `schema: https://schema.org/`")
    prefixes: dict[str, str] = {}
    for prefix, iri in raw_prefixes.items():
        iri = check.text(iri, f"prefix `{prefix}`", raw_prefixes, prefix, "an absolute IRI such as https://schema.org/")
        problem = _iri_problem(iri)
        if problem:
            raise check.fail(f"prefix `{prefix}`: {iri!r} is not an absolute IRI ({problem})", raw_prefixes, prefix,
                             "write the whole IRI, with its scheme: `https://schema.org/`")
        prefixes[str(prefix)] = iri
    return prefixes


def _parse_kinds(kinds_spec: Mapping_, check: _Checker) -> dict[str, Kind]:
    """Read the `kinds:` section: each kind by name, no two reading one collection."""
    kinds: dict[str, Kind] = {}
    collections: dict[str, str] = {}  # collection -> the kind that reads it
    for name, spec in kinds_spec.items():
        name = str(name)
        kinds[name] = _parse_kind(name, spec, kinds_spec, collections, check)
    return kinds


def _parse_kind(name: str, spec: Any, kinds_spec: Mapping_, collections: dict[str, str],
                check: _Checker) -> Kind:
    """Read one kind's settings (``kinds_spec[name]``), noting its collection in ``collections``."""
    if not isinstance(spec, dict):
        raise check.fail(f"kind `{name}` must be a mapping of settings, not {kind_of_value(spec)}",
                         kinds_spec, name, "give it at least a `collection:`")
    if "collection" not in spec:
        raise check.fail(f"kind `{name}` needs a `collection:`", kinds_spec, name,
                         "the label of the Jekyll collection that holds its pages (`events` for `_events/`)")
    check_options(spec, KIND_OPTIONS, f"kind `{name}`: ", check.source)
    collection = _parse_collection(name, spec, collections, check)
    classes = _parse_classes(name, spec, check)
    label = check.text(spec.get("label", "title"), f"kind `{name}`: `label`", spec, "label",
                       "the front-matter key that holds a page's name, such as `title`")
    body = _parse_body(name, spec, check)
    date_keys = spec.get("date_keys")
    date_keys = check.texts([] if date_keys is None else date_keys, f"kind `{name}`: `date_keys`", spec,
                            "date_keys", "the front-matter keys holding a page's dates, such as `[date, dates]`")
    keys = _parse_key_rules(name, spec, kinds_spec, check)
    _check_speakers_on_events(name, spec, classes, body, keys, check)
    named = next((rule for rule in keys.values() if rule.series), None)
    if named is not None and name != "event":
        raise check.fail(f"kind `{name}`, key `{named.key}`: `series: true` names the series of an event, and "
                         "series are found among the pages of kind `event` only", spec.get("keys"), named.key,
                         hint="map the key on kind `event`, or as text")
    identity = _parse_identity(name, spec, keys, check)
    _check_named_keys_have_properties(name, spec, label, date_keys, keys, check)
    return Kind(name=name, collection=collection, classes=classes, label=label, keys=keys, body=body,
                date_keys=list(date_keys), identity=identity, line=line_of(spec, "collection"))


def _parse_collection(name: str, spec: Mapping_, collections: dict[str, str], check: _Checker) -> str:
    """Read a kind's `collection:`: a collection's label (not its folder) that no other kind reads."""
    collection = check.text(spec["collection"], f"kind `{name}`: `collection`", spec, "collection",
                            "the collection's label, as in _config.yml")
    if collection.startswith("_"):
        raise check.fail(f"kind `{name}`: `collection: {collection}` names a folder, not a collection", spec,
                         "collection", f"write the collection's label, without the underscore: "
                         f"`collection: {collection.lstrip('_')}`")
    if collection in collections:
        raise check.fail(f"kinds `{collections[collection]}` and `{name}` both have `collection: {collection}`",
                         spec, "collection", "a collection holds one kind of page: give each kind its own")
    collections[collection] = name
    return collection


_EVENT_CLASS = "https://schema.org/Event"


def _check_speakers_on_events(name: str, spec: Mapping_, classes: list[str], body: dict[str, bool],
                              keys: dict[str, KeyRule], check: _Checker) -> None:
    """Speakers (a key's `speakers: true` or `speakers: <field>`, or `body: {speakers:
    true}`) only on a kind of events: who is on stage is said of an event, and the shapes
    check that it is one; a key giving a field of the speakers only beside one naming them."""
    fields = [r for r in keys.values() if r.speaker_field]
    if fields and not any(r.speakers for r in keys.values()):
        rule = fields[0]
        raise check.fail(f"kind `{name}`, key `{rule.key}`: `speakers: {rule.speaker_field}` gives a field of the "
                         "speakers another key names, and no key of the kind names speakers", spec.get("keys"),
                         rule.key, hint="map the key that names each speaker with `{speakers: true}` "
                                        "(`presenter: {speakers: true}`)")
    if _EVENT_CLASS in classes:
        return
    rule = next((r for r in keys.values() if r.speakers or r.speaker_field), None)
    if rule is None and not body.get("speakers"):
        return
    where = (spec.get("keys"), rule.key) if rule is not None else (spec.get("body"), "speakers")
    what = ("`body: {speakers: true}`" if rule is None else f"key `{rule.key}`: `speakers: {rule.speaker_field}`"
            if rule.speaker_field else f"key `{rule.key}`: `speakers: true`" if not rule.speaker_keys
            else f"key `{rule.key}`: `speakers: {{{', '.join(f'{f}: {k}' for f, k in rule.speaker_keys)}}}`")
    raise check.fail(f"kind `{name}`, {what}: speakers are people on stage at an event, and kind `{name}` "
                     "is not one (its `class:` has no `schema:Event`)", *where,
                     hint=f"add `schema:Event` to the `class:` of kind `{name}` if its pages are events; else map "
                          f"the key as a reference to people (`type: ref`, `ref: person`) or as text")


def _parse_classes(name: str, spec: Mapping_, check: _Checker) -> list[str]:
    """Read a kind's `class:` (one CURIE or a list of them) as full IRIs."""
    written = spec.get("class")
    what = f"kind `{name}`: `class`"
    return [check.expand(c, what, *((written, i) if isinstance(written, list) else (spec, "class")))
            for i, c in enumerate(check.texts([] if written is None else written, what, spec, "class",
                                              "a CURIE such as `schema:Event`, or a list of them"))]


def _parse_body(name: str, spec: Mapping_, check: _Checker) -> dict[str, bool]:
    """Read a kind's `body:`: which things to read in a page's body, each `true` or `false`."""
    body = spec.get("body")
    body = {} if body is None else body
    if not isinstance(body, dict):
        raise check.fail(f"kind `{name}`: `body` must be a mapping such as `{{speakers: true}}`, not "
                         f"{kind_of_value(body)}", spec, "body", f"options: {', '.join(BODY_OPTIONS)}")
    check_options(body, BODY_OPTIONS, f"kind `{name}`, `body`: ", check.source)
    if body.get("links") is False:
        raise check.fail(f"kind `{name}`: `body: links` cannot be switched off", body, "links",
                         "links in the body are always read: remove `links: false`")
    return {str(k): check.flag(v, f"kind `{name}`: `body: {k}`", body, k) for k, v in body.items()}


def _parse_key_rules(name: str, spec: Mapping_, kinds_spec: Mapping_, check: _Checker) -> dict[str, KeyRule]:
    """Read a kind's `keys:`: the rule for each front-matter key."""
    keys = spec.get("keys")
    keys = {} if keys is None else keys
    if not isinstance(keys, dict):
        raise check.fail(f"kind `{name}`: `keys` must be a mapping of front-matter key -> rule, not "
                         f"{kind_of_value(keys)}", spec, "keys", "e.g. `title: {property: schema:name}`")
    rules: dict[str, KeyRule] = {}
    for key, rule in keys.items():
        key = str(key)
        rules[key] = _parse_key_rule(f"kind `{name}`, key `{key}`", key, rule, keys, kinds_spec, check)
    return rules


def _parse_key_rule(where: str, key: str, rule: Any, keys: Mapping_, kinds_spec: Mapping_,
                    check: _Checker) -> KeyRule:
    """Read the rule for front-matter ``key`` (``keys[key]``): a property alone, or a mapping of options."""
    if isinstance(rule, str):
        rule_at, rule = (keys, key), {"property": rule}
    elif isinstance(rule, dict):
        rule_at = (rule, None)
        check_options(rule, KEY_OPTIONS, where + ": ", check.source)
    else:
        raise check.fail(f"{where}: the rule must be a mapping such as `{{property: schema:name}}` or a "
                         f"property, not {kind_of_value(rule)}", keys, key,
                         f"options: {', '.join(KEY_OPTIONS)}; type is one of {', '.join(VALUE_TYPES)}")

    def at(option: str) -> tuple[Any, Any]:
        """Where ``option`` is written: at its own line in a rule that is a mapping, else at the rule."""
        return (rule_at[0], option) if rule_at[1] is None else rule_at

    vtype = rule.get("type", "text")
    if vtype not in VALUE_TYPES:
        raise check.fail(f"{where}: unknown type `{vtype}`{did_you_mean(vtype, VALUE_TYPES)}", *at("type"),
                         hint=f"one of {', '.join(VALUE_TYPES)}")
    speakers, field_, speaker_keys = _parse_speakers(where, rule.get("speakers", False), at("speakers"), check)
    if field_ is not None:
        for option in ("type", "ref", "split", "vocabulary", "series"):
            if option in rule:
                raise check.fail(f"{where}: `{option}` is not read with `speakers: {field_}` (the value is that "
                                 "field of the speakers)", *at(option), hint=f"remove `{option}:`")
    vocabulary = check.flag(rule.get("vocabulary", False), f"{where}: `vocabulary`", *at("vocabulary"))
    series = check.flag(rule.get("series", False), f"{where}: `series`", *at("series"))
    ref = _parse_ref(where, vtype, rule.get("ref"), at, kinds_spec, check)
    pattern = _parse_split(where, rule.get("split"), at("split"), check)
    prop = rule.get("property")
    if prop is None and not speakers and field_ is None and not series:
        raise check.fail(f"{where}: needs a `property:`", *at("property"),
                         hint="a CURIE such as `schema:name`")
    return KeyRule(
        key=key, property=check.expand(prop, f"{where}: `property`", *at("property")) if prop is not None else None,
        type=vtype, ref=ref, split=pattern, speakers=speakers, vocabulary=vocabulary, speaker_field=field_,
        speaker_keys=speaker_keys, series=series, line=line_of(keys, key))


def _parse_speakers(where: str, value: Any, at: tuple[Any, Any], check: _Checker
                    ) -> tuple[bool, str | None, tuple[tuple[str, str], ...]]:
    """Read a key rule's `speakers:`: `true` (the key names the event's speakers), a
    speaker field (the key gives that field of the speakers another key names:
    `affiliation: {speakers: organisation}`), or a mapping of speaker fields to the keys
    of each speaker's entry that hold them (`{organisation: company}`). Returns whether
    the key names speakers, the field it gives, and the entry keys."""
    fields = ", ".join(SPEAKER_FIELDS)
    if isinstance(value, bool):
        return value, None, ()
    if isinstance(value, str) and value in SPEAKER_FIELDS:
        return False, value, ()
    if isinstance(value, dict):
        keys: list[tuple[str, str]] = []
        for speaker_field, entry_key in value.items():
            if speaker_field not in SPEAKER_FIELDS:
                raise check.fail(f"{where}: unknown speaker field `{speaker_field}`"
                                 f"{did_you_mean(str(speaker_field), SPEAKER_FIELDS)}", value, speaker_field,
                                 hint=f"the fields are {fields}, each given the key of a speaker's entry "
                                      "that holds it on this site (`organisation: company`)")
            if not isinstance(entry_key, str) or not entry_key:
                raise check.fail(f"{where}: `speakers: {speaker_field}` must be the key of each speaker's entry "
                                 f"that holds it, not {kind_of_value(entry_key)}", value, speaker_field,
                                 hint=f"e.g. `{speaker_field}: company`")
            other = next((f for f, k in keys if k == entry_key), None)
            if other is not None:
                raise check.fail(f"{where}: `{entry_key}` is given as the key of both `{other}` and "
                                 f"`{speaker_field}`", value, speaker_field,
                                 hint="each field of a speaker's entry is under a key of its own")
            keys.append((speaker_field, entry_key))
        return True, None, tuple(keys)
    raise check.fail(f"{where}: `speakers` must be `true` or `false` (the key names speakers), a speaker's "
                     f"field the key gives ({fields}) or a mapping of those fields to keys of each speaker's "
                     f"entry, not {kind_of_value(value)}", *at,
                     hint="`speakers: true`, `speakers: organisation` or `speakers: {organisation: company}`; "
                          "true and false without quotes")


def _parse_ref(where: str, vtype: Any, ref: Any, at: Callable[[str], tuple[Any, Any]],
               kinds_spec: Mapping_, check: _Checker) -> str | None:
    """Read a rule's `ref:`: the kind its values name, given with `type: ref` and only then."""
    if vtype == "ref" and ref is None:
        raise check.fail(f"{where}: type ref needs `ref: KIND`", *at("type"),
                         hint=f"the kind its values name, one of {', '.join(map(str, kinds_spec))}")
    if ref is None:
        return None
    if vtype != "ref":
        raise check.fail(f"{where}: `ref` is read only with `type: ref`", *at("ref"),
                         hint="add `type: ref`, or remove `ref:`")
    ref = check.text(ref, f"{where}: `ref`", *at("ref"), hint="the name of a kind, such as `person`")
    if ref not in kinds_spec:
        raise check.fail(f"{where}: refers to unknown kind `{ref}`"
                         f"{did_you_mean(ref, map(str, kinds_spec))}", *at("ref"),
                         hint=f"known: {', '.join(map(str, kinds_spec))}")
    return ref


def _parse_split(where: str, split: Any, split_at: tuple[Any, Any], check: _Checker) -> re.Pattern | None:
    """Read a rule's `split:`: a regex that cuts a value into several and matches at least one character."""
    if split is None:
        return None
    split = check.text(split, f"{where}: `split`", *split_at, hint="a regex such as \"\\\\s*,\\\\s*\"")
    try:
        pattern = re.compile(split)
    except re.error as exc:
        raise check.fail(f"{where}: `split` is not a valid regex: {exc.msg} at position {exc.pos}",
                         *split_at, hint="escape ( ) [ ] . * + ? | with a backslash (in "
                         "double quotes, two backslashes) to match them as they are") from exc
    if pattern.fullmatch("") is not None:
        raise check.fail(f"{where}: `split` {split!r} matches an empty string, so it would cut "
                         "values between every letter", *split_at,
                         hint="make it match at least one character, e.g. \"\\\\s*,\\\\s*\"")
    return pattern


def _parse_identity(name: str, spec: Mapping_, keys: dict[str, KeyRule], check: _Checker) -> str | None:
    """Read a kind's `identity:`: the key of type iri that holds a node's homepage, if any."""
    identity = spec.get("identity")
    if identity is None:
        return None
    identity = check.text(identity, f"kind `{name}`: `identity`", spec, "identity",
                          "the key that holds the homepage, such as `link`")
    links = [k for k, r in keys.items() if r.type == "iri"]
    if identity not in links:
        raise check.fail(f"kind `{name}`: `identity: {identity}` names no key of type iri of this kind"
                         f"{did_you_mean(identity, links)}", spec, "identity",
                         "name the key that holds its homepage, listed under `keys:` with `type: iri`"
                         + (f" ({', '.join(links)})" if links else ""))
    return identity


def _check_named_keys_have_properties(name: str, spec: Mapping_, label: str, date_keys: list[str],
                                      keys: dict[str, KeyRule], check: _Checker) -> None:
    """Check that the keys a kind's `label` and `date_keys` name, when they have rules, have a property."""
    for named, what in [(label, "label"), *((k, "date_keys") for k in date_keys)]:
        rule_named = keys.get(named)
        if rule_named is not None and rule_named.property is None:
            raise check.fail(f"kind `{name}`: `{what}` names `{named}`, whose rule has no `property:`", spec,
                             what, f"give `{named}` a property, or name another key")


def _iri_problem(iri: str) -> str | None:
    """Why ``iri`` is not an absolute IRI the graph can hold, or ``None``."""
    try:
        NamedNode(iri)
    except ValueError as exc:
        return str(exc)
    return None
