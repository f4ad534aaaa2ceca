"""Writes through a :class:`~matcher.engine.Matcher`: one record at a time, each a single store transaction.

A write runs on one of the snapshot manager's write threads, at a lower CPU priority than the readers, and the caller
waits for it (:meth:`matcher.snapshot.SnapshotManager.write`). It (1) embeds only the changed text, into the
embeddings cache, *before* the transaction, so other processes never embed it again; (2) commits, which moves the
store revision and logs the write's delta; (3) applies the delta to this process's snapshot at once (read-your-writes,
:meth:`matcher.snapshot.SnapshotManager.catch_up`), touching only the changed rows and vectors. Other processes apply
the same delta when told (PostgreSQL NOTIFY) or when they see the new revision (:meth:`Matcher.refresh_if_stale`).
A crash between (2) and (3) is repaired at the next start-up.
"""

from __future__ import annotations

import dataclasses
import functools
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from typing import Any, Concatenate, ParamSpec, TypeVar

from sqlalchemy.exc import IntegrityError

from matcher.domain import GroupMember, MemberRole, ProjectMember
from matcher.engine import Matcher
from matcher.store import Store
from matcher.store.errors import RecordNotFoundError, StaleVersionError
from matcher.store.feedback import Feedback, FeedbackAction
from matcher.store.records import KINDS, Kind, Stored, T

P = ParamSpec("P")
R = TypeVar("R")


def _on_a_write_thread(method: Callable[Concatenate[Editor, P], R]) -> Callable[Concatenate[Editor, P], R]:
    """The write ``method`` run on the snapshot manager's write threads (:meth:`SnapshotManager.write`)."""

    @functools.wraps(method)
    def run(self: Editor, *args: P.args, **kwargs: P.kwargs) -> R:
        return self.matcher.snapshots.write(lambda: method(self, *args, **kwargs))

    return run


class InvalidReferenceError(ValueError):
    """A field of the request names a record that does not exist (the importer's "no such id in ...")."""

    def __init__(self, field: str, value: str, message: str) -> None:
        self.field = field
        self.value = value
        super().__init__(message)


class ConcurrentUpdateError(RuntimeError):
    """A PATCH kept losing the race against other writers of the same record."""


class Editor:
    """Create, update and delete records, memberships and feedback, keeping the matcher's snapshot current."""

    def __init__(self, matcher: Matcher, *, retries: int = 25) -> None:
        self.matcher = matcher
        self.retries = retries

    @property
    def store(self) -> Store:
        return self.matcher.store

    # -- entities -------------------------------------------------------------------------------------------------
    @_on_a_write_thread
    def create(self, kind: Kind, item: T) -> Stored[T]:
        self._embed(item.text)
        stored = self.store.create_record(kind, item)
        self._settle()
        return stored

    @_on_a_write_thread
    def replace(self, kind: Kind, item: T, *, if_version: int | None = None) -> Stored[T]:
        """Overwrite every field (PUT). With ``if_version``, only if nobody changed the record since."""
        self._embed(item.text)
        stored = self.store.update_record(kind, item, expected_version=if_version)
        self._settle()
        return stored

    @_on_a_write_thread
    def patch(
        self, kind: Kind, item_id: str, changes: Mapping[str, Any], *, if_version: int | None = None
    ) -> Stored[Any]:
        """Change some fields (PATCH) of the latest version; concurrent patches of other fields are all kept."""
        for _ in range(self.retries):
            current = self.store.get_record(kind, item_id)
            if current is None:
                raise RecordNotFoundError(KINDS[kind].label, item_id)
            if if_version is not None and current.version != if_version:
                raise StaleVersionError(KINDS[kind].label, item_id, expected=if_version, current=current.version)
            new = dataclasses.replace(current.item, **changes)
            if new == current.item:
                return current
            self._embed(new.text)
            try:
                stored = self.store.update_record(kind, new, expected_version=current.version)
            except StaleVersionError:
                if if_version is not None:
                    raise
                continue  # someone else wrote first: apply our changes to their version
            self._settle()
            return stored
        raise ConcurrentUpdateError(
            f"The {KINDS[kind].label} {item_id!r} changed {self.retries} times while this update was applied; retry."
        )

    @_on_a_write_thread
    def delete(self, kind: Kind, item_id: str, *, if_version: int | None = None) -> None:
        self.store.delete_record(kind, item_id, expected_version=if_version)
        self._settle()

    # -- memberships ----------------------------------------------------------------------------------------------
    @_on_a_write_thread
    def add_project_member(self, project_id: str, partner_id: str, role: MemberRole = "member") -> ProjectMember:
        with _partner_reference("partner_id", partner_id):
            member = self.store.add_project_member(ProjectMember(project_id, partner_id, role))
        self._settle()
        return member

    @_on_a_write_thread
    def set_project_role(self, project_id: str, partner_id: str, role: MemberRole) -> ProjectMember:
        member = self.store.set_project_role(project_id, partner_id, role)
        self._settle()
        return member

    @_on_a_write_thread
    def remove_project_member(self, project_id: str, partner_id: str) -> None:
        self.store.remove_project_member(project_id, partner_id)
        self._settle()

    @_on_a_write_thread
    def add_group_member(self, group_id: str, partner_id: str) -> GroupMember:
        with _partner_reference("partner_id", partner_id):
            member = self.store.add_group_member(GroupMember(group_id, partner_id))
        self._settle()
        return member

    @_on_a_write_thread
    def remove_group_member(self, group_id: str, partner_id: str) -> None:
        self.store.remove_group_member(group_id, partner_id)
        self._settle()

    # -- feedback -------------------------------------------------------------------------------------------------
    @_on_a_write_thread
    def add_feedback(
        self,
        requester_id: str,
        partner_id: str,
        action: FeedbackAction,
        *,
        project_id: str | None = None,
        group_id: str | None = None,
        reason: str | None = None,
    ) -> Feedback:
        """Record a reaction to a suggestion; every id must exist, and nobody reacts to themselves."""
        references: list[tuple[str, str | None, Kind, str]] = [
            ("requester_id", requester_id, "partners", "partners"),
            ("partner_id", partner_id, "partners", "partners"),
            ("project_id", project_id, "projects", "projects"),
            ("group_id", group_id, "action_groups", "action_groups"),
        ]
        for field, value, kind, where in references:
            if value is not None and self.store.get_record(kind, value) is None:
                raise InvalidReferenceError(field, value, f"no such id in {where}")
        if requester_id == partner_id:
            raise InvalidReferenceError("partner_id", partner_id, "partner_id must differ from requester_id")
        feedback = self.store.add_feedback(
            requester_id, partner_id, action, project_id=project_id, group_id=group_id, reason=reason
        )
        self._settle()  # an accepted tie is in the collaboration graph at once
        return feedback

    # -- internals ------------------------------------------------------------------------------------------------
    def _embed(self, text: str) -> None:
        """Put ``text``'s vector in the embeddings cache (on a write thread: never merged with the requests' texts)."""
        try:
            self.matcher.vectors_for([text])
        except IntegrityError:  # another writer cached the same text a moment ago
            self.matcher.vectors_for([text])
        self.matcher.snapshots.between_steps()  # the reads that came meanwhile first, then the transaction

    def _settle(self) -> None:
        self.matcher.refresh(at_least=self.store.revision())


@contextmanager
def _partner_reference(field: str, value: str) -> Iterator[None]:
    """Turn "no such partner" from the store into an error of the body field (a path id stays a 404)."""
    try:
        yield
    except RecordNotFoundError as exc:
        if exc.label == "partner" and exc.item_id == value:
            raise InvalidReferenceError(field, value, "no such id in partners") from None
        raise
