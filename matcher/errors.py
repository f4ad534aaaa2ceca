"""What the library refuses when asked for suggestions, as typed errors; each message says what was wrong and what is
allowed, in the library's words (ids, texts, filters), never HTTP's. The service answers each with its status
(``service/errors.py``); the CLI prints the message.

The refusals of a write are the store's (:mod:`matcher.store.errors`: unknown record, duplicate, stale version) and
the editor's (:mod:`matcher.editor`: a field naming no record, a lost race); a team request's are
:class:`matcher.team.constraints.TeamRequestError` and its subclasses.
"""

from __future__ import annotations


class UnknownIdError(KeyError):
    """An id that is not in the catalog; ``kind`` says which collection was searched ("partner", "project", ...)."""

    def __init__(self, kind: str, item_id: str) -> None:
        super().__init__(item_id)
        self.kind = kind
        self.item_id = item_id

    def __str__(self) -> str:
        return f"No {self.kind} with id {self.item_id!r}."


class QueryError(ValueError):
    """A query the library cannot answer as asked; the message says what to give instead."""


class MissingQueryError(QueryError):
    """A collaborator query with neither a text nor a project."""


class FilterError(QueryError):
    """A filter that cannot be applied (e.g. ``themes`` without fitted themes); the message says what to do."""


class UnknownThemeError(QueryError):
    """Theme references that match no theme id or label: ``unknown`` (as given, quoted), ``choices`` (every theme as
    ``id (label)``)."""

    def __init__(self, unknown: list[str], choices: list[str]) -> None:
        self.unknown = unknown
        self.choices = choices
        super().__init__(f"unknown theme(s) {', '.join(unknown)}; give theme ids or labels: {'; '.join(choices)}")
