"""FastAPI dependencies: typed aliases the routes declare and tests override."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Annotated

from fastapi import Depends, Request
from fastapi.concurrency import run_in_threadpool

from matcher.editor import Editor
from matcher.engine import Matcher
from matcher.recommender import Recommender


async def get_matcher(request: Request) -> Matcher:
    return request.app.state.matcher  # type: ignore[no-any-return]


async def get_recommender(request: Request) -> AsyncIterator[Recommender]:
    """The current recommender; first picks up writes of other processes (store revision, checked at most every
    MATCHER_REVISION_CHECK_INTERVAL seconds). Async on purpose: the common case is a clock check on the event loop
    (a sync dependency costs every request a hop through the thread pool); the store check, and a rebuild when
    another process wrote, run in the thread pool. The request then counts as a read until it is answered: this
    process's writes wait for it between their steps (:class:`matcher.priority.ReadersFirst`)."""
    matcher: Matcher = request.app.state.matcher
    interval = matcher.settings.revision_check_interval
    if matcher.check_due(max_age=interval):
        await run_in_threadpool(matcher.refresh_if_stale, max_age=interval)
    with matcher.snapshots.readers.reading():
        yield matcher.recommender


MatcherDep = Annotated[Matcher, Depends(get_matcher)]
RecommenderDep = Annotated[Recommender, Depends(get_recommender)]


def get_editor(matcher: MatcherDep) -> Editor:
    return Editor(matcher)


EditorDep = Annotated[Editor, Depends(get_editor)]
