"""Find partners and projects by name, a page at a time: what a search-as-you-type picker needs.

A :class:`NameIndex` folds every name once (accents off, any case: "universite" finds "Université") for one catalog
snapshot. :meth:`NameIndex.search` ranks the names that contain every word typed: the name starts with the text
first, then names where each word starts a word of the name, then the rest; by name within a rank. Pages are cut by a
keyset :class:`Cursor` (the last entry's rank, folded name and id), so a page never repeats or skips an entry while the
listing grows or shrinks between two requests.
"""

from __future__ import annotations

import bisect
import heapq
import re
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from matcher.domain import Partner, Project

#: How the name matches the text typed: it starts with it, each word typed starts a word of it, it contains them.
STARTS, WORD_STARTS, CONTAINS = 0, 1, 2

Key = tuple[int, str, str]  # (rank, folded name, id): the order of a listing
CURSOR_PATTERN = r"^([0-2])\.([0-9]{1,4})\."  # then the id and the name


class CursorError(ValueError):
    """A cursor that this listing did not give out."""


def fold(text: str) -> str:
    """``text`` without accents, case or repeated spaces: the form names are compared in."""
    if text.isascii():
        return " ".join(text.casefold().split())
    decomposed = unicodedata.normalize("NFKD", text)
    return " ".join("".join(c for c in decomposed if not unicodedata.combining(c)).casefold().split())


@dataclass(frozen=True, slots=True)
class Cursor:
    """Where the next page starts: after the entry with this key. Written ``<rank>.<length of id>.<id><name>``
    (:data:`CURSOR_PATTERN`); every string of that form is a place in the order, so any of them is a valid cursor."""

    rank: int
    name: str
    id: str

    @property
    def key(self) -> Key:
        return (self.rank, self.name, self.id)

    def encode(self) -> str:
        return f"{self.rank}.{len(self.id)}.{self.id}{self.name}"

    @classmethod
    def decode(cls, text: str) -> Cursor:
        match = re.match(CURSOR_PATTERN, text)
        if match is None:
            raise CursorError(
                f"cursor {text[:40]!r} is not one this listing gave out; send the next_cursor of the previous page, "
                "or no cursor for the first page"
            )
        rest = text[match.end() :]
        length = min(int(match[2]), len(rest))
        return cls(int(match[1]), rest[length:], rest[:length])


@dataclass(frozen=True, slots=True)
class Found:
    """One page of a search: positions into the listing, how many entries match in all, where the next page starts."""

    positions: list[int]
    total: int
    next_cursor: Cursor | None


class NameIndex:
    """The folded names of one listing (partners or projects of a catalog snapshot), in the listing's order."""

    def __init__(self, ids: Sequence[str], names: Sequence[str]) -> None:
        if len(ids) != len(names):
            raise ValueError(f"{len(ids)} ids but {len(names)} names; give one name per id")
        self.ids = list(ids)
        self.names = [fold(n) for n in names]
        self._words = [tuple(n.split()) for n in self.names]
        self._order = sorted(range(len(self.ids)), key=lambda i: (self.names[i], self.ids[i]))  # no text: by name

    def __len__(self) -> int:
        return len(self.ids)

    def _matches(self, text: str, keep: Callable[[int], bool] | None) -> list[tuple[int, str, str, int]]:
        """(rank, folded name, id, position) of every entry that matches ``text`` and that ``keep`` keeps."""
        words = sorted(set(text.split()), key=len, reverse=True)  # the longest word first: it matches the fewest
        names = self.names
        positions = [i for i, name in enumerate(names) if words[0] in name]
        for word in words[1:]:
            positions = [i for i in positions if word in names[i]]
        return [(self._rank(i, text, words), names[i], self.ids[i], i) for i in self._kept(positions, keep)]

    def _key(self, position: int) -> Key:
        return (STARTS, self.names[position], self.ids[position])

    @staticmethod
    def _kept(positions: Sequence[int], keep: Callable[[int], bool] | None) -> Sequence[int]:
        return positions if keep is None else [i for i in positions if keep(i)]

    def _rank(self, position: int, text: str, words: Sequence[str]) -> int:
        name = self.names[position]
        if name.startswith(text):
            return STARTS
        own = self._words[position]
        if all(any(o.startswith(w) for o in own) for w in words):
            return WORD_STARTS
        return CONTAINS

    def search(
        self,
        text: str = "",
        *,
        limit: int = 20,
        after: Cursor | None = None,
        keep: Callable[[int], bool] | None = None,
    ) -> Found:
        """Up to ``limit`` positions whose name holds every word of ``text`` (all of them for no text) and that
        ``keep`` keeps, best first, after ``after``; ``total`` counts every match, on any page."""
        if limit < 1:
            raise ValueError(f"limit {limit} is not allowed; give 1 or more")
        text = fold(text)
        start = after.key if after is not None else None
        if not text:  # every entry ranks first, by name: walk the name order from the cursor
            kept = self._kept(self._order, keep)
            begin = 0 if start is None else bisect.bisect_right(kept, start, key=self._key)
            page = [(*self._key(i), i) for i in kept[begin : begin + limit + 1]]
            total = len(kept)
        else:
            matches = self._matches(text, keep)
            page = heapq.nsmallest(limit + 1, matches if start is None else [m for m in matches if m[:3] > start])
            total = len(matches)
        next_cursor = Cursor(*page[limit - 1][:3]) if len(page) > limit else None
        return Found([entry[3] for entry in page[:limit]], total, next_cursor)


@dataclass(frozen=True, slots=True)
class PartnerWhere:
    """Filters of a partner listing; those left None do not filter (``country`` ISO 3166-1, ``language`` ISO 639-1)."""

    type: str | None = None
    country: str | None = None
    language: str | None = None
    sdg: int | None = None

    def __call__(self, partner: Partner) -> bool:
        return (
            (self.type is None or partner.type == self.type)
            and (self.country is None or (partner.country or "").upper() == self.country.upper())
            and (self.language is None or self.language.lower() in partner.languages)
            and (self.sdg is None or self.sdg in partner.sdgs)
        )


@dataclass(frozen=True, slots=True)
class ProjectWhere:
    """Filters of a project listing; those left None do not filter."""

    status: str | None = None
    sdg: int | None = None

    def __call__(self, project: Project) -> bool:
        return (self.status is None or project.status == self.status) and (self.sdg is None or self.sdg in project.sdgs)
