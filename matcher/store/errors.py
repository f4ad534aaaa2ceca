"""What a store write can refuse: an unknown id, a duplicate, a stale version. Each message says what to do."""

from __future__ import annotations


class StoreError(Exception):
    """Base of the store's refusals; nothing was written."""


class RecordNotFoundError(StoreError, LookupError):
    """No record with that id (``label`` is "partner", "project", "action group", "project member", ...)."""

    def __init__(self, label: str, item_id: str, message: str | None = None) -> None:
        self.label = label
        self.item_id = item_id
        super().__init__(message or f"No {label} with id {item_id!r}.")

    def __str__(self) -> str:
        return str(self.args[0])


class DuplicateRecordError(StoreError):
    """A create for an id (or membership) that already exists."""

    def __init__(self, label: str, item_id: str, hint: str = "") -> None:
        self.label = label
        self.item_id = item_id
        super().__init__(f"A {label} with id {item_id!r} already exists{'; ' + hint if hint else '.'}")


class StaleVersionError(StoreError):
    """The caller expected ``expected`` but the record is at ``current``: someone else changed it meanwhile."""

    def __init__(self, label: str, item_id: str, *, expected: int, current: int) -> None:
        self.label = label
        self.item_id = item_id
        self.expected = expected
        self.current = current
        super().__init__(
            f"The {label} {item_id!r} is at version {current}, not {expected}: it changed since you read it. "
            "Read it again and retry with its current version."
        )
