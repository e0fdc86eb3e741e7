"""Union-find whose sets may each hold one label that no union mixes.

People and organisations (:mod:`kg.entities`) are sets of names where a set may hold a
page: two people with a page each stay two, whatever names lie between them. Event
series (:mod:`kg.series`) are sets of events where a set may hold the series its pages
name: events that name two series stay apart, whatever links lie between them.
"""
from __future__ import annotations


class Union:
    """Union-find over keys, where a set may hold a label (see :meth:`claim`: a page, a
    series' name) and :meth:`union` never joins two sets holding different labels."""

    def __init__(self) -> None:
        self.parent: dict[str, str] = {}
        self.page: dict[str, str] = {}  # root -> the label its set holds

    def find(self, x: str) -> str:
        """The root of ``x``'s set (``x`` is a set of its own until joined)."""
        self.parent.setdefault(x, x)
        while self.parent[x] != x:
            self.parent[x] = self.parent[self.parent[x]]
            x = self.parent[x]
        return x

    def claim(self, x: str, page: str) -> bool:
        """Give ``x``'s set the label ``page``; False (and nothing changes) when it holds another."""
        return self.page.setdefault(self.find(x), page) == page

    def page_of(self, x: str) -> str | None:
        """The label ``x``'s set holds, if any."""
        return self.page.get(self.find(x))

    def union(self, a: str, b: str) -> bool:
        """Join the sets of ``a`` and ``b``; False (and nothing changes) when they hold
        different labels."""
        ra, rb = self.find(a), self.find(b)
        if ra == rb:
            return True
        pa, pb = self.page.get(ra), self.page.get(rb)
        if pa is not None and pb is not None and pa != pb:
            return False
        keep, gone = min(ra, rb), max(ra, rb)
        self.parent[gone] = keep
        self.page.pop(gone, None)
        if pa or pb:
            self.page[keep] = pa or pb  # type: ignore[assignment]
        return True
