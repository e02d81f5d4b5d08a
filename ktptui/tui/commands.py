"""The command palette (ctrl+p): every action, each with its key, and the
demo's link and power switches when running ``ktptui --demo``. Textual's own
system commands (theme, screenshot, ...) are left out: they are not the
station's, and its "Quit" would not wait for the card in the printer."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import TYPE_CHECKING

from textual.command import DiscoveryHit, Hit, Hits, Provider

from ..i18n import t
from .desk import DeskApp

if TYPE_CHECKING:
    from .app import KtpApp

Command = tuple[str, Callable[[], object]]


def station_commands(app: KtpApp) -> list[Command]:
    main = app.main

    def cmd(key: str, label: str, run: Callable[[], object]) -> Command:
        return (f"{t(label)} ({key})" if key else t(label), run)

    def job_log() -> None:
        from .screens.events import EventsScreen

        if main.selected is None:
            app.notify(t("action.no_job"), severity="warning")
            return
        app.push_screen(EventsScreen(main.selected))

    commands: list[Command] = [
        cmd("a", "cmd.add", main.action_add),
        cmd("Enter", "cmd.details", main.action_details),
        cmd("h", "cmd.hold", main.action_hold),
        cmd("r", "cmd.release", main.action_release),
        cmd("c", "cmd.cancel", main.action_cancel),
        cmd("u", "cmd.urgent", main.action_urgent),
        cmd("x", "cmd.resolve", main.action_resolve),
        cmd("p", "cmd.resume" if app.paused else "cmd.pause", app.toggle_pause),
        cmd("b", "cmd.blanks", main.action_blanks),
        cmd("b r", "cmd.receive", partial(main.action_blanks, "receive")),
        cmd("b s", "cmd.spoil", partial(main.action_blanks, "spoil")),
        cmd("b k", "cmd.adjust", partial(main.action_blanks, "adjust")),
        cmd("e", "cmd.events", main.action_events),
        cmd("s", "cmd.finished", main.action_finished),
        cmd("l", "cmd.report", main.action_report),
        cmd("l b", "cmd.requisition", partial(main.action_report, "blanks")),
        cmd("o", "cmd.session", main.action_session),
        cmd("k", "cmd.suket", main.action_suket),
        cmd("e j", "cmd.job_log", job_log),
        cmd("f", "cmd.filter", main.action_filter),
        cmd("/", "cmd.search", main.action_search),
        cmd("Esc", "cmd.filter_clear", main.action_clear_filter),
        cmd("?", "cmd.help", main.action_help),
        cmd("q", "cmd.quit", main.action_quit),
    ]
    if app.demo is not None:
        commands += [
            cmd("", "cmd.demo_link_down", partial(app.demo_link, False)),
            cmd("", "cmd.demo_link_up", partial(app.demo_link, True)),
            cmd("", "cmd.demo_power_off", partial(app.demo_power, False)),
            cmd("", "cmd.demo_power_on", partial(app.demo_power, True)),
        ]
    return commands


class StationCommands(Provider):
    def _commands(self) -> list[Command]:
        app = self.app
        return app.station_commands() if isinstance(app, DeskApp) else []

    async def discover(self) -> Hits:
        for title, command in self._commands():
            yield DiscoveryHit(title, command, text=title)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for title, command in self._commands():
            score = matcher.match(title)
            if score > 0:
                yield Hit(score, matcher.highlight(title), command, text=title)
