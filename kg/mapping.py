"""Load the mapping file that says which collection holds what and what each key means.

The default mapping (``ontology/mapping.yml``) fits connectedbydata.org. A site can ship
its own as ``_kg/mapping.yml`` or pass one with ``kg build --mapping FILE``.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

from .errors import MappingError

VALUE_TYPES = ("text", "date", "boolean", "integer", "iri", "ref")
KEY_OPTIONS = {"property", "type", "ref", "split", "speakers", "vocabulary"}
KIND_OPTIONS = {"collection", "class", "label", "keys", "body", "date_keys", "identity"}
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
        MappingError: the file is not valid YAML or uses an unknown option, type or prefix.
    """
    if path is None and site_root is not None and (site_root / SITE_MAPPING).is_file():
        path = site_root / SITE_MAPPING
    p = Path(path) if path is not None else default_mapping_path()
    try:
        data = yaml.safe_load(p.read_text(encoding="utf-8"))
    except OSError as exc:
        raise MappingError(f"cannot read mapping file: {exc.strerror}", path=p) from exc
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        raise MappingError(f"mapping is not valid YAML: {getattr(exc, 'problem', exc)}",
                           path=p, line=mark.line + 1 if mark else None) from exc
    return parse_mapping(data, str(p))


def parse_mapping(data: Any, source: str = "<mapping>") -> Mapping:
    """Check and expand a mapping given as loaded YAML (see :func:`load_mapping`)."""
    if not isinstance(data, dict) or not isinstance(data.get("kinds"), dict):
        raise MappingError("mapping must have a `kinds:` section", path=source)
    prefixes = {str(k): str(v) for k, v in (data.get("prefixes") or {}).items()}

    def expand(curie: str, where: str) -> str:
        if "://" in curie or curie.startswith("urn:"):
            return curie
        prefix, sep, local = str(curie).partition(":")
        if not sep or prefix not in prefixes:
            raise MappingError(f"{where}: unknown prefix in `{curie}`", path=source,
                               hint=f"declare it under `prefixes:` (known: {', '.join(sorted(prefixes))})")
        return prefixes[prefix] + local

    kinds: dict[str, Kind] = {}
    for name, spec in data["kinds"].items():
        if not isinstance(spec, dict) or "collection" not in spec:
            raise MappingError(f"kind `{name}` needs a `collection:`", path=source)
        unknown = set(spec) - KIND_OPTIONS
        if unknown:
            raise MappingError(f"kind `{name}`: unknown option(s) {', '.join(sorted(unknown))}",
                               path=source, hint=f"allowed: {', '.join(sorted(KIND_OPTIONS))}")
        classes = spec.get("class") or []
        classes = [classes] if isinstance(classes, str) else classes
        kind = Kind(name=str(name), collection=str(spec["collection"]),
                    classes=[expand(c, f"kind `{name}`") for c in classes],
                    label=str(spec.get("label", "title")), body=dict(spec.get("body") or {}),
                    date_keys=list(spec.get("date_keys") or []), identity=spec.get("identity"))
        for key, rule in (spec.get("keys") or {}).items():
            rule = rule if isinstance(rule, dict) else {"property": rule}
            where = f"kind `{name}`, key `{key}`"
            bad = set(rule) - KEY_OPTIONS
            if bad:
                raise MappingError(f"{where}: unknown option(s) {', '.join(sorted(bad))}", path=source,
                                   hint=f"allowed: {', '.join(sorted(KEY_OPTIONS))}")
            vtype = rule.get("type", "text")
            if vtype not in VALUE_TYPES:
                raise MappingError(f"{where}: unknown type `{vtype}`", path=source,
                                   hint=f"one of {', '.join(VALUE_TYPES)}")
            if vtype == "ref" and not rule.get("ref"):
                raise MappingError(f"{where}: type ref needs `ref: KIND`", path=source)
            if not rule.get("property") and not rule.get("speakers"):
                raise MappingError(f"{where}: needs a `property:`", path=source)
            kind.keys[str(key)] = KeyRule(
                key=str(key),
                property=expand(rule["property"], where) if rule.get("property") else None,
                type=vtype, ref=rule.get("ref"),
                split=re.compile(rule["split"]) if rule.get("split") else None,
                speakers=bool(rule.get("speakers")), vocabulary=bool(rule.get("vocabulary")))
        kinds[kind.name] = kind
    for kind in kinds.values():
        for rule in kind.keys.values():
            if rule.ref and rule.ref not in kinds:
                raise MappingError(f"kind `{kind.name}`, key `{rule.key}`: refers to unknown kind "
                                   f"`{rule.ref}`", path=source, hint=f"known: {', '.join(kinds)}")
    return Mapping(prefixes=prefixes, kinds=kinds, source=source)
