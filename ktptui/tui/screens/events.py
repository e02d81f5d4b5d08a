"""The event log: the audit trail, newest first."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.screen import Screen
from textual.widgets import Footer, Static

from ...store import Event
from ..fmt import local_time, one_line
from ..i18n import t
from ..keys import translate
from ..widgets.lines_view import LinesView

if TYPE_CHECKING:
    from ..app import KtpApp


def event_line(e: Event) -> str:
    job = f" [{e.job_id[:8]}]" if e.job_id else ""
    return f"{local_time(e.at, with_date=True)} {e.kind:8} {e.operator}{job} {one_line(e.detail)}"


class EventsScreen(Screen[None]):
    CSS_PATH = "events.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q,e", "app.pop_screen", "key.back"),
    ]

    def __init__(self) -> None:
        super().__init__()
        translate(self)

    @property
    def ktp(self) -> KtpApp:
        from ..app import KtpApp

        assert isinstance(self.app, KtpApp)
        return self.app

    def compose(self) -> ComposeResult:
        yield Static(t("events.title"), id="title", markup=False)
        yield LinesView(id="events")
        yield Footer(compact=True, show_command_palette=False)

    def on_mount(self) -> None:
        self.load()
        self.query_one(LinesView).focus()

    def load(self) -> None:
        events = self.ktp.store.events()
        lines = [event_line(e) for e in reversed(events)] or [t("events.empty")]
        self.query_one(LinesView).set_lines(lines)

    def store_changed(self, jobs: set[str], other: set[str], reloaded: bool) -> None:
        if reloaded or "events" in other:
            self.load()
