"""Builds a running station (engine and its parts) from the config.

Both front ends (the TUI and ``--resume``) start the engine through here, so
they cannot wire it differently.
"""

from __future__ import annotations

from collections.abc import Callable

from ..central import Backoff, CentralClient, LinkMonitor
from ..config import Config
from ..power import PowerSource, make_power
from ..printers import make_printer
from ..printers.base import Printer
from ..store import Store
from .engine import Engine, EngineStatus
from .exports import exporter_for


def build_engine(
    config: Config,
    store: Store,
    *,
    operator: str,
    on_status: Callable[[EngineStatus], None] | None = None,
    printer: Printer | None = None,
    power: PowerSource | None = None,
) -> Engine:
    """Raises the central client's ``TokenFileError`` / ``ValueError`` when the
    token file or base URL is unusable, so the caller can refuse to start.
    ``printer`` replaces the first configured printer (tests, demo)."""
    central = config.central

    def client_factory() -> CentralClient:
        return CentralClient.from_config(central, config.station)

    client = client_factory()
    link = LinkMonitor(
        health_interval_s=central.health_interval_s,
        backoff=Backoff(central.retry_min_s, central.retry_max_s),
    )
    exporter = exporter_for(config)  # [monitor] textfile, [notice] html
    if exporter is not None:
        on_status = _also(exporter.update, on_status)
    return Engine(
        store,
        config,
        client=client,
        client_factory=client_factory,
        printers=[(name, printer if printer is not None and i == 0 else make_printer(cfg))
                  for i, (name, cfg) in enumerate(config.printer_list())],
        power=power or make_power(config.power),
        link=link,
        operator=operator,
        on_status=on_status,
    )


def _also(first: Callable[[EngineStatus], None],
          then: Callable[[EngineStatus], None] | None) -> Callable[[EngineStatus], None]:
    def both(status: EngineStatus) -> None:
        first(status)
        if then is not None:
            then(status)
    return both
