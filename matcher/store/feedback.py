"""Feedback on suggestions: who accepted, declined or dismissed whom, for which project or group, and when.

Declined and dismissed partners are left out of that requester's later suggestions for the same project (or group);
accepted ones are collaboration signals a ranker can learn from (:meth:`FeedbackMixin.accepted_pairs`) and ties of
the collaboration graph: feedback that starts or ends an accepted tie records a change (the store revision moves,
snapshots follow at once); other feedback only feeds the suppressions, read from the store with each request.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Literal, get_args

from sqlalchemy import func, insert, select
from sqlalchemy.orm import Session, sessionmaker

from matcher.store.changes import Delta, record_change
from matcher.store.tables import FeedbackRow

FeedbackAction = Literal["accept", "decline", "dismiss"]
FEEDBACK_ACTIONS: tuple[str, ...] = get_args(FeedbackAction)
SUPPRESSING: frozenset[str] = frozenset({"decline", "dismiss"})


@dataclass(frozen=True, slots=True)
class Feedback:
    """One reaction of ``requester_id`` to the suggestion of ``partner_id`` (UTC ``created_at``)."""

    id: int
    requester_id: str
    partner_id: str
    action: FeedbackAction
    project_id: str | None = None
    group_id: str | None = None
    reason: str | None = None
    created_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class FeedbackPage:
    items: list[Feedback]
    total: int


def _feedback(row: FeedbackRow) -> Feedback:
    created = row.created_at
    if created is not None:
        created = created.replace(tzinfo=UTC) if created.tzinfo is None else created.astimezone(UTC)
    return Feedback(
        id=row.id,
        requester_id=row.requester_id,
        partner_id=row.partner_id,
        action=row.action,  # type: ignore[arg-type]
        project_id=row.project_id,
        group_id=row.group_id,
        reason=row.reason,
        created_at=created,
    )


class FeedbackMixin:
    """Feedback methods of :class:`~matcher.store.Store`."""

    sessions: sessionmaker[Session]

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
        if action not in FEEDBACK_ACTIONS:
            raise ValueError(f"unknown feedback action {action!r}; allowed: {', '.join(FEEDBACK_ACTIONS)}")
        values = {
            "requester_id": requester_id,
            "partner_id": partner_id,
            "action": action,
            "project_id": project_id,
            "group_id": group_id,
            "reason": reason,
        }
        with self.sessions.begin() as s:
            if group_id is None and (action == "accept" or self._latest_action(s, values) == "accept"):
                record_change(s, Delta(ties=True))  # an accepted tie begins or ends (the revision row lock first)
            new_id = s.execute(insert(FeedbackRow).values(**values).returning(FeedbackRow.id)).scalar_one()
            return _feedback(s.get_one(FeedbackRow, new_id))

    @staticmethod
    def _latest_action(s: Session, values: dict[str, Any]) -> str | None:
        """The latest action of the same requester on the same partner and project, outside groups."""
        project = values["project_id"]
        return s.scalar(
            select(FeedbackRow.action)
            .where(
                FeedbackRow.requester_id == values["requester_id"],
                FeedbackRow.partner_id == values["partner_id"],
                FeedbackRow.project_id == project if project is not None else FeedbackRow.project_id.is_(None),
                FeedbackRow.group_id.is_(None),
            )
            .order_by(FeedbackRow.id.desc())
            .limit(1)
        )

    def list_feedback(
        self,
        *,
        requester_id: str | None = None,
        partner_id: str | None = None,
        project_id: str | None = None,
        action: str | None = None,
        since: datetime | None = None,
        offset: int = 0,
        limit: int = 100,
    ) -> FeedbackPage:
        """Feedback oldest first; filters combine with AND."""
        conditions: list[Any] = []
        for column, value in (
            (FeedbackRow.requester_id, requester_id),
            (FeedbackRow.partner_id, partner_id),
            (FeedbackRow.project_id, project_id),
            (FeedbackRow.action, action),
        ):
            if value is not None:
                conditions.append(column == value)
        if since is not None:
            conditions.append(FeedbackRow.created_at >= since)
        with self.sessions() as s:
            total = s.scalar(select(func.count()).select_from(FeedbackRow).where(*conditions)) or 0
            rows = s.scalars(
                select(FeedbackRow).where(*conditions).order_by(FeedbackRow.id).offset(offset).limit(limit)
            )
            return FeedbackPage([_feedback(r) for r in rows], int(total))

    def suppressed_partners(
        self, requester_id: str | None, *, project_id: str | None = None, group_id: str | None = None
    ) -> frozenset[str]:
        """Partners whose latest feedback in this scope is a decline or a dismissal.

        The scope is the requester (any requester when None) and the project, or the group, or neither (free-text
        queries): feedback given for project A never hides a partner from suggestions for project B.
        """
        conditions: list[Any] = [
            FeedbackRow.project_id == project_id if project_id is not None else FeedbackRow.project_id.is_(None),
            FeedbackRow.group_id == group_id if group_id is not None else FeedbackRow.group_id.is_(None),
        ]
        if requester_id is not None:
            conditions.append(FeedbackRow.requester_id == requester_id)
        with self.sessions() as s:
            rows = s.execute(
                select(FeedbackRow.partner_id, FeedbackRow.action).where(*conditions).order_by(FeedbackRow.id)
            )
            latest = {partner: action for partner, action in rows}
        return frozenset(partner for partner, action in latest.items() if action in SUPPRESSING)

    def accepted_pairs(self) -> list[tuple[str, str, str | None]]:
        """(requester, partner, project) triples whose latest feedback is an accept: collaboration signals."""
        with self.sessions() as s:
            rows = s.execute(
                select(FeedbackRow.requester_id, FeedbackRow.partner_id, FeedbackRow.project_id, FeedbackRow.action)
                .where(FeedbackRow.group_id.is_(None))
                .order_by(FeedbackRow.id)
            )
            latest: dict[tuple[str, str, str | None], str] = {}
            for requester, partner, project, action in rows:
                latest[(requester, partner, project)] = action
        return [key for key, action in latest.items() if action == "accept"]
