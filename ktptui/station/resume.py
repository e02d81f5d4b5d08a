"""``ktptui --resume``: recover after a crash or power cut and drain the queue.

Run by the boot service with nobody at the station. One log record per event:
to journald with fields when run by systemd, else a line on stderr with a
``<N>`` syslog priority prefix (ktptui/logs.py); the summary at the end is in
the operator's language (``[ui] language``). Exit codes: 0 nothing left that could print and every
outcome reported; 3 cards wait for an operator: an interrupted card (its
printer starts no new card until it is resolved) or no print session open
while ``[office] require_session`` is set; 75 (EX_TEMPFAIL) ``--max-wait``
passed, SIGTERM/SIGINT, or another process already drives the printer, with
work left; 2 config error; 1 store error; 70 an unexpected error
(``cli.main``: one ``<2>`` line, the traceback in the state log, see
ktptui/crash.py). Never imports Textual.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from .runner import ExitSummary, Notes, RunnerEvent, StartFailed, StationRunner
from .status import Gate, StationStatus, gate_words

if TYPE_CHECKING:
    from ..store import Store
    from .engine import Engine

EXIT_DRAINED, EXIT_STORE, EXIT_CONFIG, EXIT_OPERATOR, EXIT_TEMPFAIL = 0, 1, 2, 3, 75


def setup_logging() -> None:
    from ..logs import setup_service_logging  # journald with fields, else <N> lines

    setup_service_logging()


def run_resume(config_path: Path | None, max_wait: float | None) -> int:
    setup_logging()
    log = logging.getLogger("ktptui.resume")
    from ..central import CentralError
    from ..config import ConfigError, load
    from ..identity import operator_label
    from ..locks import EngineBusy, EngineLock
    from ..store import StoreError, open_store
    from .build import build_engine

    try:
        config = load(config_path)
    except ConfigError as e:
        log.error("%s", e)
        return EXIT_CONFIG
    from ..i18n import set_language

    set_language(config.ui.language)
    if (pid := _service_pid(config.service.socket)) is not None:
        from ..i18n import t

        log.info("%s", t("service.resume_skipped", pid=pid))  # it recovered at its start
        return EXIT_DRAINED
    try:
        store = open_store(config.store.data_dir)
    except StoreError as e:
        log.error("%s", e)
        return EXIT_STORE
    operator = operator_label(config.station.operator)

    def factory(on_status: Callable[[StationStatus], None]) -> Engine:
        return build_engine(config, store, operator=operator, on_status=on_status)

    def on_event(event: RunnerEvent) -> None:
        if isinstance(event, Notes):
            for note in event.notes:
                log.warning("%s", note.text())

    runner = StationRunner(EngineLock(config.store.data_dir), factory, role="ktptui --resume",
                           on_event=on_event, takeover_s=None, until_idle=True,
                           max_wait_s=max_wait)
    runner.stop_on_signals(logger=log)
    try:
        end = runner.run()
    except EngineBusy as e:
        log.warning("%s", e)
        return EXIT_TEMPFAIL
    except StartFailed as e:
        if not isinstance(e.error, CentralError | ValueError):
            raise e.error from None
        log.error("%s", e)
        return EXIT_CONFIG
    return _summary(log, store, end)


def _service_pid(socket_path: Path) -> int | str | None:
    """The station service's pid when one answers on ``socket_path``."""
    from ..errors import KtpError
    from .client import Remote

    try:
        remote = Remote.attach(socket_path, timeout=5.0)
    except KtpError:  # there, but not ours to reach: it runs all the same
        return "?"
    if remote is None:
        return None
    with remote:
        try:
            pid = remote.call("hello").get("pid")
        except KtpError:
            return "?"
    return pid if isinstance(pid, int) else "?"


def count_words(counts: dict[str, int]) -> str:
    """"2 selesai, 1 TERPUTUS": job counts in the operator's language."""
    from ..i18n import t, t_opt  # no Textual: the catalogue is plain data

    return ", ".join(f"{n} {t_opt(f'state.{state}', state)}" for state, n in counts.items()
                     if n) or t("resume.no_jobs")


def _summary(log: logging.Logger, store: Store, end: ExitSummary) -> int:
    """The last words and the exit code. No holder names: this is the journal."""
    from ..fmt import stamp
    from ..i18n import t
    from ..model import State, started_printing
    store.refresh()
    counts = count_words(store.counts())
    stuck = sorted(store.jobs([State.INTERRUPTED]), key=lambda j: started_printing(j) or "")
    drained = end.drained
    no_session = not drained and end.gate is Gate.SESSION
    if stuck or no_session:
        log.warning("%s", t("resume.operator", counts=counts))
        for job in stuck:
            log.warning("%s", t("resume.card", job=job.short_id,
                                at=stamp(started_printing(job))))
        if no_session:
            log.warning("%s", t("resume.session"))
        return EXIT_OPERATOR
    if drained:
        log.info("%s", t("resume.drained", counts=counts))
        return EXIT_DRAINED
    why = gate_words(end.status_at_end) if end.status_at_end is not None else ""
    log.warning("%s", t("resume.work_left", counts=counts, why=why))
    return EXIT_TEMPFAIL
