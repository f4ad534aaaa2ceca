"""Reads first (:mod:`matcher.priority`): background work waits for the reads in progress, never longer than its
patience in all."""

from __future__ import annotations

import threading
import time

import pytest

from matcher.priority import ReadersFirst, no_pause


def test_a_pause_without_reads_does_not_wait() -> None:
    readers = ReadersFirst(patience=5.0)
    pause = readers.pauses()
    started = time.monotonic()
    assert pause() == 0.0 and pause() == 0.0
    assert time.monotonic() - started < 0.5
    assert no_pause() == 0.0


def test_a_pause_waits_for_the_read_in_progress_to_end() -> None:
    readers = ReadersFirst(patience=5.0)
    entered, leave = threading.Event(), threading.Event()

    def read() -> None:
        with readers.reading():
            entered.set()
            leave.wait(10)

    reader = threading.Thread(target=read)
    reader.start()
    assert entered.wait(10) and readers.reads == 1
    threading.Timer(0.2, leave.set).start()
    waited = readers.pauses()()
    reader.join(10)
    assert 0.15 <= waited < 4.0  # until the read ended, not the whole patience
    assert readers.reads == 0


def test_the_pauses_of_one_piece_of_work_wait_at_most_the_patience_in_all() -> None:
    readers = ReadersFirst(patience=0.3)
    with readers.reading():  # a read that outlasts the patience: the work goes on anyway
        pause = readers.pauses()
        first, second, third = pause(), pause(), pause()
        assert 0.25 <= first + second + third < 2.0
        assert second + third < 0.1  # the first used the whole patience up
        assert 0.25 <= readers.pauses()() < 2.0  # the next piece of work has its own


def test_reads_are_counted_while_they_run_and_after_an_error() -> None:
    readers = ReadersFirst()
    with readers.reading(), readers.reading():
        assert readers.reads == 2
    with pytest.raises(KeyError), readers.reading():
        raise KeyError("boom")
    assert readers.reads == 0


def test_patience_is_never_negative() -> None:
    with pytest.raises(ValueError, match="patience must be >= 0"):
        ReadersFirst(patience=-1)
