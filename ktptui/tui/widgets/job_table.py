"""A virtual job table: every row in a sorted Python list, only the window painted.

``DataTable.add_row`` x 10,000 takes ~1.6 s on the station's machines. Here
the rows live in a list kept sorted by the queue order (``bisect`` for each
change), and ``render_line`` formats only the lines on screen, cached by the
job's ``updated_at``. A store change touches only its rows: an in-place change
repaints its own line; an insert or removal repaints the visible window
(at most a screenful of lines), never the whole list.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Callable, Iterable
from datetime import datetime
from typing import Any, ClassVar

from rich.segment import Segment
from rich.style import Style
from textual.binding import Binding, BindingType
from textual.events import Click
from textual.geometry import Region, Size
from textual.message import Message
from textual.scroll_view import ScrollView
from textual.strip import Strip
from textual.widget import Widget

from ...fmt import MARKERS, Clock, age, fit, reason_label, short_stamp, state_label, utc_now
from ...i18n import t, t_opt
from ...model import FINAL_STATES, Job, Priority, State, queue_key
from ...text import clean
from ..status import link_cause

SortKey = tuple[Any, ...]

# Column widths (cells); name and last error share what is left. The queue
# shows the position and the age ("45m"); the finished view has no position
# and shows when the job finished ("23-11 14:05" in Indonesian).
W_POS, W_MARK, W_NIK, W_REASON, W_STATE, W_TRY, W_AGE, W_WHEN = 5, 1, 16, 9, 11, 2, 4, 11


class Columns:
    """Where each column sits in a table ``total`` cells wide.

    The age comes right after the state marker, near the left edge: when ages
    change, the terminal is sent each changed line from the table's left edge
    to the end of the age (Textual crops repaints on the right only), so the
    further left the age, the fewer bytes a quiet station writes."""

    def __init__(self, total: int, *, finished: bool) -> None:
        self.pos = 0 if finished else W_POS
        self.when = W_WHEN if finished else W_AGE
        fixed = self.pos + W_MARK + W_NIK + W_REASON + W_STATE + W_TRY + self.when
        fixed += 8 if self.pos else 7  # separators
        rest = max(0, total - fixed)
        self.name = max(4, rest * 3 // 5)
        self.error = max(0, rest - self.name)
        #: Where the age column starts (``tick_ages`` repaints only that cell).
        self.when_x = (self.pos + 1 if self.pos else 0) + W_MARK + 1

    def join(self, pos: str, mark: str, nik: str, name: str, reason: str, state: str,
             attempt: str, when: str, error: str) -> str:
        cols = [mark, fit(when, self.when), fit(nik, W_NIK), fit(name, self.name),
                fit(reason, W_REASON), fit(state, W_STATE), attempt[-W_TRY:].rjust(W_TRY),
                fit(error, self.error)]
        if self.pos:
            cols.insert(0, pos[-self.pos:].rjust(self.pos))
        return " ".join(cols)


def header_text(total: int, *, finished: bool) -> str:
    c = Columns(total, finished=finished)
    text = c.join(t("col.pos"), " ", t("col.nik"), t("col.name"), t("col.reason"),
                  t("col.state"), t("col.attempt"),
                  t("col.updated") if finished else t("col.age"), t("col.error"))
    return fit(text, total)


def error_text(job: Job) -> str:
    """The last error, or what central's final code means for the operator."""
    if job.error_code:
        return t_opt(f"code.{job.error_code}", clean(job.error_code))
    return clean(link_cause(job.shown_error()))


#: The queue as the operator reads it: what needs them, what is on the
#: printer, what is ready, then the queue order (urgent first, oldest first).
_GROUP = {State.INTERRUPTED: 0, State.PRINTING: 1, State.PRINTED: 2, State.AUTHORIZED: 3}


def active_key(job: Job) -> SortKey:
    return (_GROUP.get(job.state, 4), *queue_key(job))


def finished_key(job: Job) -> SortKey:
    """Newest first: invert the timestamp by sorting on a negated tuple."""
    return (_Reverse(job.updated_at), job.id)


class _Reverse:
    __slots__ = ("value",)

    def __init__(self, value: str) -> None:
        self.value = value

    def __lt__(self, other: _Reverse) -> bool:
        return self.value > other.value

    def __eq__(self, other: object) -> bool:
        return isinstance(other, _Reverse) and self.value == other.value

    def __hash__(self) -> int:
        return hash(self.value)


class JobHeader(Widget):
    """The column titles above a ``JobTable``, laid out for the table's width."""

    def __init__(self, table: JobTable, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.table = table

    def render(self) -> str:
        width = self.table.size.width or self.size.width
        return header_text(width, finished=self.table.finished)


class JobTable(ScrollView, can_focus=True):
    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "job-table--cursor",
        *(f"job-table--{s.value}" for s in State),
    }
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("up", "move(-1)", show=False),
        Binding("down", "move(1)", show=False),
        Binding("pageup", "page(-1)", show=False),
        Binding("pagedown", "page(1)", show=False),
        Binding("home", "edge(0)", show=False),
        Binding("end", "edge(1)", show=False),
    ]

    class Highlighted(Message):
        """The selected job changed (None: the table is empty)."""

        def __init__(self, table: JobTable, job: Job | None) -> None:
            super().__init__()
            self.table = table
            self.job = job

    class Counted(Message):
        """The number of rows shown / held changed."""

        def __init__(self, table: JobTable, shown: int, total: int) -> None:
            super().__init__()
            self.table = table
            self.shown = shown
            self.total = total

    class Resized(Message):
        """The table's width changed: its header lays out again."""

        def __init__(self, table: JobTable) -> None:
            super().__init__()
            self.table = table

    def __init__(self, *, finished: bool = False, clock: Clock = utc_now,
                 id: str | None = None) -> None:
        super().__init__(id=id)
        self.finished = finished
        self._sort: Callable[[Job], SortKey] = finished_key if finished else active_key
        self._clock = clock
        self._now: datetime = clock()
        self._keys: list[SortKey] = []
        self._jobs: list[Job] = []
        self._by_id: dict[str, SortKey] = {}
        self._view_keys: list[SortKey] = self._keys
        self._view: list[Job] = self._jobs
        self.filter_states: frozenset[State] | None = None
        self.search_text = ""
        self._cursor_id: str | None = None
        self._cache: dict[tuple[Any, ...], Strip] = {}
        self._rendered_age: dict[int, str] = {}
        self._counted: tuple[int, int] = (-1, -1)
        self._layout: tuple[int, Columns] | None = None
        self.cursor = 0

    # -- data --------------------------------------------------------------------
    @property
    def total(self) -> int:
        return len(self._jobs)

    @property
    def shown(self) -> int:
        return len(self._view)

    def all_jobs(self) -> list[Job]:
        """Every row held, filtered out or not."""
        return self._jobs

    def rows(self) -> list[Job]:
        """The rows shown, in order (for tests and the bench)."""
        return list(self._view)

    def interrupted(self) -> int:
        """How many rows are interrupted cards (they sort first: a bisect, not a scan)."""
        if self.finished:
            return 0
        return bisect_left(self._keys, (_GROUP[State.INTERRUPTED] + 1,))

    def get(self, job_id: str) -> Job | None:
        """The row held for ``job_id`` (filtered out or not)."""
        key = self._by_id.get(job_id)
        return None if key is None else self._jobs[self._index(self._keys, key)]

    def job_at(self, index: int) -> Job | None:
        return self._view[index] if 0 <= index < len(self._view) else None

    @property
    def selected(self) -> Job | None:
        return self.job_at(self.cursor)

    def load(self, jobs: Iterable[Job]) -> None:
        """Replace every row (start-up, or after another process compacted)."""
        pairs = sorted(((self._sort(j), j) for j in jobs), key=lambda p: p[0])
        self._keys = [k for k, _ in pairs]
        self._jobs = [j for _, j in pairs]
        self._by_id = {j.id: k for k, j in pairs}
        self._cache.clear()
        self._rebuild_view()
        self.refresh()

    def apply(self, upserts: Iterable[Job], removed: Iterable[str] = ()) -> None:
        """Change rows by key. Call inside ``app.batch_update()``."""
        before = [j.id for j in self._visible_jobs()]
        positions_moved = False
        changed: set[str] = set()
        for job_id in removed:
            if self._remove(job_id):
                positions_moved = True
        for job in upserts:
            old_key = self._by_id.get(job.id)
            new_key = self._sort(job)
            changed.add(job.id)
            if old_key is not None and old_key == new_key:
                i = self._index(self._keys, old_key)
                self._jobs[i] = job
                continue
            if old_key is not None:
                self._remove(job.id)
            i = bisect_left(self._keys, new_key)
            self._keys.insert(i, new_key)
            self._jobs.insert(i, job)
            self._by_id[job.id] = new_key
            positions_moved = True
        if not changed and not positions_moved:
            return
        self._rebuild_view()
        after = [j.id for j in self._visible_jobs()]
        if positions_moved or before != after:
            self.refresh()  # a screenful of lines at most
        else:
            top = self.scroll_offset.y
            for n, job_id in enumerate(after):
                if job_id in changed:
                    self.refresh_line(top + n)

    def _remove(self, job_id: str) -> bool:
        key = self._by_id.pop(job_id, None)
        if key is None:
            return False
        i = self._index(self._keys, key)
        del self._keys[i]
        del self._jobs[i]
        return True

    @staticmethod
    def _index(keys: list[SortKey], key: SortKey) -> int:
        i = bisect_left(keys, key)
        assert i < len(keys) and keys[i] == key
        return i

    def _matches(self, job: Job) -> bool:
        if self.filter_states is not None and job.state not in self.filter_states:
            return False
        if self.search_text:
            needle = self.search_text
            return (needle in job.nik or needle in (job.holder_name or "").casefold()
                    or needle in (job.name or "").casefold())  # the intake name (issue 13)
        return True

    def _rebuild_view(self) -> None:
        if self.filter_states is None and not self.search_text:
            self._view_keys, self._view = self._keys, self._jobs
        else:
            pairs = [(k, j) for k, j in zip(self._keys, self._jobs, strict=True)
                     if self._matches(j)]
            self._view_keys = [k for k, _ in pairs]
            self._view = [j for _, j in pairs]
        self.virtual_size = Size(self.size.width, len(self._view))
        # Keep the selection on the same job when rows move.
        index = self._find(self._cursor_id) if self._cursor_id else None
        if index is None:
            index = min(self.cursor, max(0, len(self._view) - 1))
        self._set_cursor(index)
        counted = (len(self._view), len(self._jobs))
        if counted != self._counted:
            self._counted = counted
            self.post_message(self.Counted(self, *counted))

    def _find(self, job_id: str) -> int | None:
        key = self._by_id.get(job_id)
        if key is None:
            return None
        i = bisect_left(self._view_keys, key)
        if i < len(self._view_keys) and self._view_keys[i] == key:
            return i
        return None

    def set_filter(self, states: frozenset[State] | None, search: str | None = None) -> None:
        self.filter_states = states
        if search is not None:
            self.search_text = search.strip().casefold()
        self._rebuild_view()
        self.refresh()

    # -- cursor --------------------------------------------------------------------
    def _set_cursor(self, index: int) -> None:
        index = max(0, min(index, len(self._view) - 1))
        old = self.cursor
        job = self.job_at(index)
        old_id = self._cursor_id
        self._cursor_id = job.id if job else None
        self.cursor = index
        if old != index:
            self.refresh_line(old)
        self.refresh_line(index)
        self._scroll_to_cursor()
        if self._cursor_id != old_id or job is None:
            self.post_message(self.Highlighted(self, job))

    def _scroll_to_cursor(self) -> None:
        height = self.scrollable_content_region.height
        top = self.scroll_offset.y
        if height <= 0:
            return
        if self.cursor < top:
            self.scroll_to(y=self.cursor, animate=False, immediate=True)
        elif self.cursor >= top + height:
            self.scroll_to(y=self.cursor - height + 1, animate=False, immediate=True)

    def select_job(self, job_id: str) -> bool:
        index = self._find(job_id)
        if index is None:
            return False
        self._set_cursor(index)
        return True

    def action_move(self, delta: int) -> None:
        self._set_cursor(self.cursor + delta)

    def action_page(self, direction: int) -> None:
        page = max(1, self.scrollable_content_region.height - 1)
        self._set_cursor(self.cursor + direction * page)

    def action_edge(self, end: int) -> None:
        self._set_cursor(len(self._view) - 1 if end else 0)

    def on_click(self, event: Click) -> None:
        self._set_cursor(self.scroll_offset.y + event.y)

    # -- ages ----------------------------------------------------------------------
    def _columns(self, width: int) -> Columns:
        if self._layout is None or self._layout[0] != width:
            self._layout = (width, Columns(width, finished=self.finished))
        return self._layout[1]

    def tick_ages(self) -> None:
        """Repaint only the age cells whose text changed (once a minute): a few
        bytes per changed row, not the row."""
        self._now = self._clock()
        if self.finished:
            return
        top = self.scroll_offset.y
        c = self._columns(self.size.width)
        for line, text in list(self._rendered_age.items()):
            job = self.job_at(line)
            if job is None or not top <= line < top + self.size.height:
                del self._rendered_age[line]
            elif age(job.created_at, self._now) != text:
                self.refresh(Region(c.when_x, line - top, c.when, 1))

    # -- painting ------------------------------------------------------------------
    def _visible_jobs(self) -> list[Job]:
        top = self.scroll_offset.y
        return self._view[top: top + max(1, self.size.height)]

    def on_resize(self) -> None:
        self.virtual_size = Size(self.size.width, len(self._view))
        self._cache.clear()
        self.post_message(self.Resized(self))

    def render_line(self, y: int) -> Strip:
        width = self.size.width
        index = y + self.scroll_offset.y
        job = self.job_at(index)
        if job is None:
            return Strip.blank(width, self.rich_style)
        if self.finished:
            when = short_stamp(job.updated_at)
            position = 0
        else:
            when = age(job.created_at, self._now)
            self._rendered_age[index] = when
            position = bisect_left(self._keys, self._by_id[job.id]) + 1
        selected = index == self.cursor
        cache_key = (job.id, job.updated_at, job.priority, job.holder_name, position, when,
                     selected, width)
        strip = self._cache.get(cache_key)
        if strip is None:
            if len(self._cache) > 2000:
                self._cache.clear()
            strip = self._cache[cache_key] = self._format(job, position, when, selected, width)
        return strip

    def _format(self, job: Job, position: int, when: str, selected: bool, width: int) -> Strip:
        urgent = job.priority is Priority.URGENT
        pos = "" if job.state in FINAL_STATES else (("^" if urgent else "") + str(position))
        text = fit(self._columns(width).join(
            # Stored texts from central may predate cleaning: never raw to the terminal.
            # The name column: central's holder name, else the one taken at intake.
            pos, MARKERS[job.state], job.nik, clean(job.holder_name or job.name or ""),
            reason_label(job),
            state_label(job.state), str(job.attempt), when, error_text(job)), width)
        style: Style = self.get_component_rich_style(f"job-table--{job.state.value}")
        if selected:
            style = style + self.get_component_rich_style("job-table--cursor")
        return Strip([Segment(text, style)], width)


def is_finished(job: Job) -> bool:
    return job.state in FINAL_STATES
