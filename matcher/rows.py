"""Vector arrays that a new snapshot shares with the old one: rows live in an append-only buffer, a snapshot holds
only which buffer row each of its rows is.

A write that changes one partner's text appends one vector and copies an array of row numbers (8 bytes a partner),
instead of copying every vector (3.5 kB a partner at 896 dimensions: 358 MB at 100k partners). Rows already in the
buffer are never written again, so a reader of an older snapshot is never disturbed; when the buffer is full, the
live rows are copied to a new one (an amortised, compacting copy).

:class:`VectorRows` reads like a read-only 2-D float32 array for what the ranking does with catalogue vectors (rows
by number or array, a row and a column slice, ``shape``, iteration, a product with a vector or matrix); anything
else materialises it (``np.asarray``). A buffer may store its rows in half precision (the served partners' and
past projects' vectors, :data:`matcher.snapshot.SERVED_PRECISION`): the rows a read gathers are converted to float32,
so the half precision costs memory only where rows are stored, and every reader computes in float32.
"""

from __future__ import annotations

import operator
from collections.abc import Callable, Iterator
from typing import Any

import numpy as np

#: spare capacity of a new buffer, as a share of its live rows
GROWTH = 0.25


#: what rows read as, whatever a buffer stores
READ = np.dtype(np.float32)

#: every float16 value as float32, indexed by its 16 bits: converting gathered half-precision rows by a table lookup
#: gives numpy's own conversion's values bit for bit, 3-4x faster (numpy converts float16 one value at a time:
#: 1.2-1.5 ms for 600 candidates x 896 dimensions, against 0.36 ms by table; docs/performance.md)
_HALF_TO_FLOAT = np.arange(1 << 16, dtype=np.uint32).astype(np.uint16).view(np.float16).astype(READ)


def as_read(block: np.ndarray) -> np.ndarray:
    """``block`` (rows of a buffer, any stored precision) as float32."""
    if block.dtype == np.float16:
        return _HALF_TO_FLOAT.take(block.view(np.uint16), mode="wrap")  # 16-bit indices: always in the table
    return np.asarray(block, dtype=READ)


class VectorBuffer:
    """Append-only rows (float32, or float16 to halve the memory; reads are float32 either way); only the snapshot
    manager's writer appends (one at a time)."""

    def __init__(self, dim: int, capacity: int, dtype: Any = READ) -> None:
        self.data = np.empty((max(capacity, 16), dim), dtype=dtype)
        self.used = 0

    def append(self, vectors: np.ndarray) -> np.ndarray | None:
        """Store ``vectors``; their buffer rows, or None when they do not fit."""
        k = len(vectors)
        if self.used + k > len(self.data):
            return None
        self.data[self.used : self.used + k] = vectors  # rounded to the buffer's precision
        slots = np.arange(self.used, self.used + k, dtype=np.int64)
        self.used += k
        return slots


class ReadsAsRows:
    """The part of a read-only 2-D float32 array that the catalogue's row views share: ``shape`` (``len`` rows of
    ``width``), ``dtype``, ``ndim``, and ``np.asarray`` reading every row; a subclass reads rows by ``__getitem__``."""

    __array_priority__ = 100.0

    @property
    def width(self) -> int:
        raise NotImplementedError

    def __len__(self) -> int:
        raise NotImplementedError

    def __getitem__(self, key: Any) -> np.ndarray:
        raise NotImplementedError

    @property
    def shape(self) -> tuple[int, int]:
        return (len(self), self.width)

    @property
    def dtype(self) -> np.dtype[Any]:
        return READ

    @property
    def ndim(self) -> int:
        return 2

    def __array__(self, dtype: Any = None, copy: Any = None) -> np.ndarray:
        rows = self[np.arange(len(self))]
        return rows if dtype is None else rows.astype(dtype, copy=False)

    def astype(self, dtype: Any, copy: bool = True) -> np.ndarray:
        return np.asarray(self).astype(dtype)

    # whole-array arithmetic (evaluation, theme fitting): on the materialised array
    def __add__(self, other: Any) -> Any:
        return np.asarray(self) + np.asarray(other)

    __radd__ = __add__

    def __sub__(self, other: Any) -> Any:
        return np.asarray(self) - np.asarray(other)

    def __mul__(self, other: Any) -> Any:
        return np.asarray(self) * other

    def __matmul__(self, other: Any) -> Any:
        return np.asarray(self) @ other

    def __rmatmul__(self, other: Any) -> Any:
        return np.asarray(other) @ np.asarray(self)


class VectorRows(ReadsAsRows):
    """Rows ``buffer.data[slots[i]]``: see the module docstring."""

    def __init__(self, buffer: VectorBuffer, slots: np.ndarray) -> None:
        self.buffer = buffer
        self.slots = slots

    @property
    def width(self) -> int:
        return int(self.buffer.data.shape[1])

    def __len__(self) -> int:
        return len(self.slots)

    def __getitem__(self, key: Any) -> np.ndarray:
        if isinstance(key, tuple):
            return as_read(self.buffer.data[(self.slots[key[0]], *key[1:])])
        return as_read(self.buffer.data[self.slots[key]])

    def __iter__(self) -> Iterator[np.ndarray]:
        data = self.buffer.data
        return (as_read(data[slot]) for slot in self.slots.tolist())

    @property
    def T(self) -> np.ndarray:
        return np.asarray(self).T

    @classmethod
    def of(cls, array: np.ndarray, dtype: Any = READ) -> VectorRows:
        """``array``'s rows in a new buffer of ``dtype`` with room to grow (one copy, at a full build); rows already in
        a buffer of that precision are shared as they are, rows of another precision copied (buffer rows shared by
        several rows stay shared)."""
        if isinstance(array, VectorRows):
            if array.buffer.data.dtype == dtype:
                return array
            # the buffer's written rows in the new precision, the same row numbers (shared rows stay shared)
            return cls(cls.of(array.buffer.data[: array.buffer.used], dtype).buffer, array.slots.copy())
        buffer = VectorBuffer(array.shape[1], int(len(array) * (1 + GROWTH)) + 16, dtype)
        slots = buffer.append(array)
        assert slots is not None
        return cls(buffer, slots)

    def __matmul__(self, other: Any) -> Any:
        """``rows @ other``: each buffer row's product once, then this snapshot's rows of it (no copy of the rows
        themselves: 72 MB of past-project vectors at 100k partners); the same per-row products as the materialised
        array's."""
        live = self._live()
        if live is None:
            return np.asarray(self) @ other
        return (as_read(live) @ other)[self.slots]

    def __rmatmul__(self, other: Any) -> Any:
        """``other @ rows``: ``other``'s columns spread over the buffer rows they stand for (zero elsewhere)."""
        live = self._live()
        other = np.asarray(other)
        if live is None or other.ndim == 0:
            return other @ np.asarray(self)
        spread = np.zeros((*other.shape[:-1], len(live)), dtype=np.result_type(other, READ))
        spread[..., self.slots] = other
        return spread @ as_read(live)

    def _live(self) -> np.ndarray | None:
        """The buffer's written rows, when computing over them costs at most twice the snapshot's rows (else None:
        a buffer left with many rows of older snapshots)."""
        used = self.buffer.used
        return self.buffer.data[:used] if used <= 2 * len(self.slots) else None

    def _compared(self, other: Any, op: Callable[[Any, Any], Any]) -> Any:
        """``op(self, other)`` element by element. Against a number (``rows != 0``), compared on the buffer's rows
        and then gathered, so the float rows are never copied (179 MB of partner vectors at 100k partners)."""
        live = self._live() if np.ndim(other) == 0 else None
        return op(np.asarray(self), other) if live is None else op(live, other)[self.slots]

    def __eq__(self, other: Any) -> Any:  # type: ignore[override]
        return self._compared(other, operator.eq)

    def __ne__(self, other: Any) -> Any:  # type: ignore[override]
        return self._compared(other, operator.ne)

    __hash__ = None  # type: ignore[assignment]


def moved_rows(old: np.ndarray | VectorRows, old_row: np.ndarray, fresh: dict[int, np.ndarray]) -> VectorRows:
    """``old`` in a new row order: row ``i`` is old row ``old_row[i]``, or ``fresh[i]`` (every new row is in
    ``fresh``). Shares ``old``'s buffer when it has room."""
    rows = sorted(fresh)
    vectors = np.stack([fresh[i] for i in rows]).astype(np.float32) if rows else None
    dim = old.shape[1]
    if isinstance(old, VectorRows):
        buffer, slots = old.buffer, old.slots[np.maximum(old_row, 0)] if len(old) else np.zeros(len(old_row), np.int64)
        added = buffer.append(vectors) if vectors is not None else np.zeros(0, dtype=np.int64)
        if added is not None:
            slots[rows] = added
            return VectorRows(buffer, slots)
    # a plain array (the first change after a full build), or a full buffer: copy the live rows to a new buffer
    live = np.asarray(old)[np.maximum(old_row, 0)] if len(old) else np.zeros((len(old_row), dim), np.float32)
    if rows:
        live[rows] = vectors
    return VectorRows.of(live, old.buffer.data.dtype if isinstance(old, VectorRows) else READ)


class RowsOf(ReadsAsRows):
    """Rows ``source[rows[i]]`` of anything that reads like a 2-D array (an array, :class:`VectorRows`, the
    past-projects vectors of :mod:`matcher.history`), read as float32 only when indexed: an index build reads the
    catalogue's vectors a chunk at a time (:meth:`~matcher.index.hnsw.HnswIndex.add`) instead of one float32 copy
    of them all (3.6 GB of partner vectors at 1M partners). ``np.asarray`` reads every row."""

    def __init__(self, source: Any, rows: np.ndarray) -> None:
        self.source = source
        self.rows = np.asarray(rows, dtype=np.int64)

    @property
    def width(self) -> int:
        return int(self.source.shape[1])

    def __len__(self) -> int:
        return len(self.rows)

    def __getitem__(self, key: Any) -> np.ndarray:
        return np.asarray(self.source[self.rows[key]], dtype=READ)
