"""The command palette (ctrl+p): every action of the action table
(``keymap.ACTIONS``) with its key, and the demo's link and power switches
when running ``ktptui --demo``. Textual's own system commands (theme,
screenshot, ...) are left out: they are not the station's, and its "Quit"
would not wait for the card in the printer."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import TYPE_CHECKING

from textual.command import DiscoveryHit, Hit, Hits, Provider

from ..i18n import t
from . import keymap
from .desk import DeskApp

if TYPE_CHECKING:
    from .app import KtpApp

Command = tuple[str, Callable[[], object]]


def station_commands(app: KtpApp) -> list[Command]:
    main = app.main
    commands: list[Command] = [(keymap.palette_title(a), partial(main.run_entry, a))
                               for a in keymap.ACTIONS if a.command]
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
