"""Core calls from the office screens: run in a thread worker, the answer
posted back as a ``CoreDone`` message (a report over a long history, a Suket
sent to a CUPS queue, must not freeze the keyboard).
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from textual.css.query import NoMatches
from textual.message import Message
from textual.screen import Screen

from ...errors import KtpError

if TYPE_CHECKING:
    from ...model import Job
    from ..desk import Desk

log = logging.getLogger("ktptui.tui")

class CoreDone(Message):
    """A core call finished: ``value`` its result, or ``error`` why not."""

    def __init__(self, tag: str, value: object = None, error: str = "") -> None:
        super().__init__()
        self.tag = tag
        self.value = value
        self.error = error


def call_core(screen: Screen[Any], tag: str, fn: Callable[[], object]) -> None:
    """Run ``fn`` in a thread; ``screen`` gets ``CoreDone(tag, ...)``."""

    def run() -> None:
        try:
            value = fn()
        except KtpError as e:  # an operator's mistake or a refused action: said, not logged
            screen.post_message(CoreDone(tag, error=e.message() or type(e).__name__))
            return
        except Exception as e:  # a bug or an OS error: keep the screen alive, say it
            log.exception("office call %s failed", tag)
            screen.post_message(CoreDone(tag, error=f"{type(e).__name__}: {e}"))
            return
        screen.post_message(CoreDone(tag, value))

    screen.run_worker(run, name=tag, group=f"office-{tag}", thread=True, exit_on_error=False)


def resync(app: Desk) -> None:
    """After a core call: what it picked up of other processes' commits (the
    App's poll), and what it committed itself (session, Suket events, ledger)."""
    with contextlib.suppress(LookupError, NoMatches):
        app.poll_store()
        app.apply_changes((), {"ledger", "meta", "events"})


def selected_job(app: Desk, below: Screen[Any] | None = None) -> Job | None:
    """The job selected on the nearest screen with a job table (the queue, or
    the finished jobs), looking down the stack from ``below`` (exclusive)."""
    from ..widgets.job_table import JobTable

    stack = list(app.screen_stack)
    if below is not None and below in stack:
        stack = stack[: stack.index(below)]
    for screen in reversed(stack):
        try:
            table: JobTable = screen.query_one(JobTable)
        except NoMatches:
            continue
        job: Job | None = table.selected
        return job
    return None
