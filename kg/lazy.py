"""Lists of small objects that the record cache holds as plain tuples, made again only
when read.

A rebuild unpickles every cached record, and most of what a record holds (its front
matter's fields, its links, its speakers) is read again only when its file changed:
made again as objects, 10,000 records' 170,000 fields, links and speakers took 0.2 s
of every rebuild; as tuples, a tenth of that. Only the cache's pickles hold them so
(see :meth:`LazyLists.lazy_reduce`): records handed from process to process whole
keep their objects (a build that read the tuples and then made every object from
them held both kinds in memory that Python could not give back: 0.2 GB more at the
peak of a 100,000-event build).
"""
from __future__ import annotations

from typing import Any, ClassVar


class LazyLists:
    """A mixin for a class whose attributes named in :attr:`LAZY` hold lists of objects
    of the class given there (each pickling itself by ``__reduce__`` as ``(class,
    arguments)``): pickled by :meth:`lazy_reduce`, each list is the objects' arguments;
    unpickled so, it stays so until the attribute is first read, when the objects are
    made."""

    LAZY: ClassVar[dict[str, type]] = {}

    def lazy_reduce(self) -> tuple[Any, ...]:
        """What a pickler's ``reducer_override`` returns to pickle this object with its
        lists as their objects' arguments."""
        state = self.__dict__.copy()
        for name in self.LAZY:
            if name in state:
                state["_raw_" + name] = [item.__reduce__()[1] for item in state.pop(name)]
        return _restored, (type(self), state)

    def __getattr__(self, name: str) -> Any:
        made = type(self).LAZY.get(name)
        raw = self.__dict__.get("_raw_" + name) if made is not None else None
        if raw is None:
            raise AttributeError(f"{type(self).__name__!r} object has no attribute {name!r}")
        value = [made(*args) for args in raw]
        self.__dict__[name] = value
        del self.__dict__["_raw_" + name]
        return value

    def __getstate__(self) -> dict[str, Any]:
        """Pickled in the ordinary way: each list with its objects (made now if unread)."""
        for name in self.LAZY:
            getattr(self, name, None)
        return self.__dict__

    def raw(self, name: str) -> list[tuple[Any, ...]]:
        """The arguments each object of list ``name`` is made from, without making the
        objects where they are not made yet."""
        raw = self.__dict__.get("_raw_" + name)
        if raw is not None:
            return raw
        return [item.__reduce__()[1] for item in getattr(self, name)]


def _restored(cls: type, state: dict[str, Any]) -> Any:
    """An object of ``cls`` with ``state`` (see :meth:`LazyLists.lazy_reduce`)."""
    obj = cls.__new__(cls)
    obj.__dict__.update(state)
    return obj
