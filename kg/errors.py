"""Errors kg raises, and the diagnostics it reports without stopping.

Every error a user can cause is a :class:`KgError`: its ``str()`` names the file and
line when there is one, says what was wrong and how to fix it. The CLI prints it as
``Error: …`` and exits with status 2 ("could not run").

Problems found in a site's content (duplicate keys, unresolved references, a file
that cannot be parsed) are not exceptions: they are :class:`Diagnostic` records in the
build report, so one bad file never stops the rest of the site from being built.
"""
from __future__ import annotations

import difflib
import warnings
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Mapping

import yaml


class KgError(Exception):
    """Base of every error kg reports to a user."""

    def __init__(self, message: str, *, path: str | Path | None = None,
                 line: int | None = None, key: str | None = None,
                 hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.path = str(path) if path is not None else None
        self.line = line
        self.key = key
        self.hint = hint

    def __str__(self) -> str:
        return with_hint(_where(self.path, self.line) + self.message, self.hint)


class SiteError(KgError):
    """The site cannot be read: no such folder, a broken ``_config.yml``, no base URL."""


class FrontMatterError(KgError):
    """One file's front matter cannot be read (the build reports it and goes on)."""


class MappingError(KgError):
    """The mapping file is invalid: unknown prefix, key or option."""


class QueryError(KgError):
    """A named query does not exist, is malformed, or was given bad parameters."""


class StoreError(KgError):
    """The built graph cannot be found or opened."""


SEVERITIES = ("error", "warning", "info")


def _where(path: str | None, line: int | None) -> str:
    """``path:line: `` before a message (``path: `` without a line; nothing without a path)."""
    return path + (f":{line}" if line else "") + ": " if path else ""


def with_hint(message: str, hint: str | None) -> str:
    """``message`` followed by ``Hint: hint`` as one more sentence (kg's wording of a problem)."""
    if not hint:
        return message
    return f"{message}{'' if message.endswith(('.', '?', '!')) else '.'} Hint: {hint}"


def python_warning(message: str) -> None:
    """The default ``warn`` of kg's API functions that say what their result cannot show
    (:func:`kg.related.related_events`, :func:`kg.viz.write_views`…): Python's
    ``warnings.warn``, a ``UserWarning`` at the line that called the API function."""
    warnings.warn(message, stacklevel=3)


def counted(n: object, noun: str, plural: str | None = None) -> str:
    """``n`` with ``noun`` agreeing: ``counted(1, "error")`` is "1 error", else "2 errors"."""
    return f"{n} {noun if n == 1 else (plural or noun + 's')}"


def as_written(value: Any, limit: int = 80) -> str:
    """``value`` (read from YAML) as YAML writes it, for a message: ``true``, ``null``,
    ``.nan``, ``[a, b]``, ``{weight: 2}``; text quoted (``'yes'``); cut at ``limit``
    characters. A user wrote YAML: Python's spellings (``True``, ``None``) are not theirs."""
    if isinstance(value, str):
        shown = repr(value)
    else:
        try:
            shown = yaml.safe_dump(_plain(value), default_flow_style=True, width=1 << 30,
                                   allow_unicode=True).strip()
        except yaml.YAMLError:  # (a value no YAML writes: said as Python says it)
            shown = repr(value)
        shown = shown.removesuffix("\n...").strip()
    return shown if len(shown) <= limit else shown[:limit - 1] + "…"


def _plain(value: Any) -> Any:
    """``value`` with the lists, mappings and texts of kg's YAML readers (which carry
    their lines) as plain ones, which ``yaml.safe_dump`` writes."""
    if isinstance(value, Mapping):
        return {_plain(k): _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, str):
        return str(value)
    return value


def closest(word: object, choices: Iterable[str]) -> str | None:
    """The one of ``choices`` closest to ``word`` in any case (itself when only its case
    differs), or None when none is close: kg's "did you mean" for a typo."""
    folded = {c.casefold(): c for c in choices}
    w = str(word).casefold()
    if w in folded:
        return folded[w]
    near = difflib.get_close_matches(w, list(folded), n=1, cutoff=0.6)
    return folded[near[0]] if near else None


@dataclass(frozen=True)
class Diagnostic:
    """A problem found in a site's content, with where it is and what to do.

    ``code`` is a stable identifier (``duplicate-key``, ``unresolved-reference``,
    ``parse-error``…) that tools can filter on; ``severity`` is ``error``,
    ``warning`` or ``info``.
    """

    code: str
    severity: str
    message: str
    path: str | None = None
    line: int | None = None
    key: str | None = None
    value: str | None = None
    hint: str | None = None

    def __str__(self) -> str:
        return f"{_where(self.path, self.line)}{self.severity}: {with_hint(self.message, self.hint)}"

    def located(self) -> str:
        """``path:line: message. Hint: …``: the diagnostic as a line that says its
        severity in its own way (``Warning: `` before it, a Python warning) shows it."""
        return _where(self.path, self.line) + with_hint(self.message, self.hint)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Diagnostic:
        """The diagnostic :meth:`to_dict` gave (as a build report holds it); keys it has
        no field for are left out."""
        return cls(**{k: data.get(k) for k in cls.__dataclass_fields__})

    def to_dict(self) -> dict:
        """The diagnostic as a JSON-ready dict, without empty fields."""
        return {k: v for k, v in vars(self).items() if v is not None}  # (its fields, in order: all plain values)
