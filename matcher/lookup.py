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
from collections.abc import Iterator, Sequence
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
        self._order = sorted(range(len(self.ids)), key=lambda i: (self.names[i], self.ids[i]))  # by name, then id
        self._place = [0] * len(self.ids)  # position -> its place in that order
        for place, position in enumerate(self._order):
            self._place[position] = place

    def __len__(self) -> int:
        return len(self.ids)

    def _holding(self, words: Sequence[str]) -> list[int]:
        """Positions whose name holds every word (the longest first: it leaves the fewest to test for the others)."""
        names = self.names
        positions = [i for i, name in enumerate(names) if words[0] in name]
        for word in words[1:]:
            positions = [i for i in positions if word in names[i]]
        return positions

    def _ranks(self, text: str, words: Sequence[str], positions: list[int]) -> Iterator[tuple[int, list[int]]]:
        """The positions of each rank, best rank first; a rank is sorted out only when the page needs it."""
        names = self.names
        yield STARTS, [i for i in positions if names[i].startswith(text)]
        rest = [i for i in positions if not names[i].startswith(text)]
        spaced = [" " + w for w in words]  # fold() leaves single spaces between words
        word_starts = [
            i for i in rest if all(names[i].startswith(w) or s in names[i] for w, s in zip(words, spaced, strict=True))
        ]
        yield WORD_STARTS, word_starts
        chosen = set(word_starts)
        yield CONTAINS, [i for i in rest if i not in chosen]

    def search(
        self,
        text: str = "",
        *,
        limit: int = 20,
        after: Cursor | None = None,
        allowed: Sequence[bool] | None = None,
    ) -> Found:
        """Up to ``limit`` positions whose name holds every word of ``text`` (all of them for no text) and that
        ``allowed`` allows (one flag per position; None: all), best first, after ``after``; ``total`` counts every
        match, on any page."""
        if limit < 1:
            raise ValueError(f"limit {limit} is not allowed; give 1 or more")
        if allowed is not None and len(allowed) != len(self.ids):
            raise ValueError(f"allowed has {len(allowed)} flags for {len(self.ids)} entries; give one per entry")
        text = fold(text)
        words = sorted(set(text.split()), key=len, reverse=True)
        positions = self._holding(words) if words else self._order
        if allowed is not None:
            positions = [i for i in positions if allowed[i]]
        cut = 0  # the first place after the cursor, in name order
        if after is not None:
            cut = bisect.bisect_right(self._order, (after.name, after.id), key=lambda i: (self.names[i], self.ids[i]))
        place = self._place
        page: list[tuple[int, int]] = []  # (rank, position)
        ranks = self._ranks(text, words, positions) if words else iter([(STARTS, positions)])
        for rank, members in ranks:
            if after is not None and rank < after.rank:
                continue
            if after is not None and rank == after.rank:
                members = [i for i in members if place[i] >= cut]
            wanted = limit + 1 - len(page)
            # without text the members are in name order already
            best = heapq.nsmallest(wanted, members, key=place.__getitem__) if words else members[:wanted]
            page += [(rank, i) for i in best]
            if len(page) > limit:
                break
        last = page[limit - 1] if len(page) > limit else None
        next_cursor = None if last is None else Cursor(last[0], self.names[last[1]], self.ids[last[1]])
        return Found([i for _, i in page[:limit]], len(positions), next_cursor)


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
