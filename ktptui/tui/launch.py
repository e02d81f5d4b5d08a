"""``ktptui`` with no command: load the config, open the store, run the App.

Exit codes: 0 normal quit; 1 store error; 2 config error; 70 an unexpected
error (one line on stderr, the traceback in ``data_dir/tui.log``; attached
to the station service, in the operator's own state folder: see ``run_tui``).
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ..config import Config
    from ..demo import DemoStation
    from ..station.client import Remote, ServiceRunner
    from ..station.engine import Engine, EngineStatus
    from ..station.runner import Runner
    from ..store import Store, StoreView
    from .app import KtpApp

EXIT_OK, EXIT_STORE, EXIT_CONFIG = 0, 1, 2


def _err(text: str) -> None:
    sys.stderr.write(f"ktptui: {text}\n")


def setup_logging(data_dir: Path) -> None:
    """Engine logs go to a file (0600, rotated): a line on stderr would tear the screen."""
    from ..logs import setup_file_logging

    data_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
    setup_file_logging(data_dir / "tui.log")


def make_app(config: Config, ui_store: StoreView, engine_store: Store | None, *,
             station: DemoStation | None = None, operator: str | None = None,
             runner: Runner | None = None, service: Remote | None = None) -> KtpApp:
    """The App wired to a station; ``engine_store`` None means queue-only, or
    attached to the station service (``runner``: what it pushes; ``service``:
    the connection ``ui_store`` reads through and the App's changes go by,
    and the App's own files go to the operator's state folder)."""
    from ..i18n import set_language
    from ..identity import operator_label
    from .app import KtpApp
    from .office import OfficeSettings

    set_language(config.ui.language)
    who = operator or operator_label(config.station.operator)
    factory: Callable[[Callable[[EngineStatus], None]], Engine] | None = None
    if engine_store is not None:
        store_for_engine = engine_store

        def factory(on_status: Callable[[EngineStatus], None]) -> Engine:
            from ..station.build import build_engine

            return build_engine(config, store_for_engine, operator=who, on_status=on_status,
                                power=station.power if station is not None else None)

    from ..paths import state_dir
    from ..printers import still_queued_check

    return KtpApp(ui_store, operator=who, low_threshold=config.blanks.low_threshold,
                  still_queued=still_queued_check(config),
                  data_dir=state_dir() if service is not None else config.store.data_dir,
                  engine_factory=factory, demo=station,
                  office=OfficeSettings.from_config(config), runner=runner, service=service)


def run_tui(config_path: Path | None, demo: bool = False) -> int:
    from ..config import ConfigError, load
    from ..store import StoreError, open_store

    if demo:
        from ..demo import demo_station

        with demo_station() as station:
            setup_logging(station.config.store.data_dir)
            ui_store = open_store(station.config.store.data_dir)
            app = make_app(station.config, ui_store, station.store, station=station)
            return _run(app, None, "ktptui --demo")  # its folder goes: crash.state_log()
    try:
        config = load(config_path)
    except ConfigError as e:
        _err(str(e))
        return EXIT_CONFIG
    from ..errors import KtpError
    from ..station.client import ServiceRunner

    # The station service runs the printer: attach to it (its pushes drive
    # the screen) and run no engine here, so closing this TUI, or losing its
    # SSH session, never touches the card being printed.
    service = ServiceRunner(config.service.socket, group=config.office.operator_group)
    try:
        attached = service.attach()
    except KtpError as e:
        _err(e.message())
        return EXIT_STORE
    if attached:
        return _run_attached(config, service)
    try:
        # Two instances on one folder: the engine's commits reach the UI
        # through refresh() like any other process's (see app.py).
        engine_store = open_store(config.store.data_dir)
        ui_store = open_store(config.store.data_dir)
    except StoreError as e:
        _err(str(e))
        return EXIT_STORE
    setup_logging(config.store.data_dir)
    app = make_app(config, ui_store, engine_store)
    return _run(app, config.store.data_dir / "tui.log", "ktptui")


def _run_attached(config: Config, runner: ServiceRunner) -> int:
    """Attached to the station service; the log in the operator's own state
    folder (the data folder is the station's, 0700)."""
    from ..errors import KtpError
    from ..paths import state_dir

    try:
        app = attached_app(config, runner)
    except KtpError as e:
        runner.stop()
        _err(e.message())
        return EXIT_STORE
    setup_logging(state_dir())
    try:
        code = _run(app, state_dir() / "tui.log", "ktptui")
    finally:
        if app.service is not None:
            app.service.close()
    if app.exit_note:
        _err(app.exit_note)
    return code


def attached_app(config: Config, runner: ServiceRunner) -> KtpApp:
    """The App attached to the service (``runner``: its pushes): it reads and
    acts through it on a connection of its own, and never opens the data
    folder, which an operator logged in as themselves cannot read."""
    from ..station.client import Remote, ServiceGone
    from ..station.remote_store import RemoteStore

    remote = Remote.attach(config.service.socket, group=config.office.operator_group)
    if remote is None:  # it went between the two connections
        raise ServiceGone(config.service.socket, "not running")
    ui_store = RemoteStore(remote)
    runner.store = ui_store  # the pushes of what changed reach the screen through it
    return make_app(config, ui_store, None, runner=runner, service=remote)


def _run(app: KtpApp, log_path: Path | None, what: str) -> int:
    """Run the App; a crash is never 0: one line on stderr, the traceback in
    ``log_path`` (already there: the App logged it), else in the state log.

    Textual ends ``run()`` with None on an unhandled exception (and sets
    ``return_code`` 1) or a panic; the App's own ways out always exit with
    an int (``KtpApp._finish``)."""
    from ..crash import EXIT_CRASH, record, say, state_log

    result = app.run()
    if result is None or app.return_code:
        failed = ""
        if log_path is None or not log_path.is_file():  # no log of its own
            log_path = state_log()
            failed = record(app.crash_details, what, log_path)
        say(app.crash or "the screen stopped", log_path, failed=failed)
        return EXIT_CRASH
    return result
