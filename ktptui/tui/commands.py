"""The command palette (ctrl+p): the rarer actions, and the demo's link and
power switches when running ``ktptui --demo``."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import TYPE_CHECKING

from textual.command import DiscoveryHit, Hit, Hits, Provider

from .i18n import t

if TYPE_CHECKING:
    from .app import KtpApp

Command = tuple[str, Callable[[], object]]


def station_commands(app: KtpApp) -> list[Command]:
    main = app.main
    commands: list[Command] = [
        (t("cmd.finished"), main.action_finished),
        (t("cmd.events"), main.action_events),
        (t("cmd.blanks"), main.action_blanks),
        (t("cmd.receive"), partial(main.action_blanks, "receive")),
        (t("cmd.spoil"), partial(main.action_blanks, "spoil")),
        (t("cmd.adjust"), partial(main.action_blanks, "adjust")),
        (t("cmd.resume") if app.paused else t("cmd.pause"), app.toggle_pause),
        (t("cmd.filter_clear"), main.action_clear_filter),
        (t("cmd.help"), main.action_help),
    ]
    if app.demo is not None:
        commands += [
            (t("cmd.demo_link_down"), partial(app.demo_link, False)),
            (t("cmd.demo_link_up"), partial(app.demo_link, True)),
            (t("cmd.demo_power_off"), partial(app.demo_power, False)),
            (t("cmd.demo_power_on"), partial(app.demo_power, True)),
        ]
    return commands


class StationCommands(Provider):
    def _commands(self) -> list[Command]:
        from .app import KtpApp

        app = self.app
        return station_commands(app) if isinstance(app, KtpApp) else []

    async def discover(self) -> Hits:
        for title, command in self._commands():
            yield DiscoveryHit(title, command, text=title)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for title, command in self._commands():
            score = matcher.match(title)
            if score > 0:
                yield Hit(score, matcher.highlight(title), command, text=title)
