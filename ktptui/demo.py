"""``ktptui --demo``: a whole station on a temporary store, nothing to set up.

The built-in central simulator runs on 127.0.0.1, the ``sim`` printer prints a
card every couple of seconds, and power can be "cut" from the command palette.
Demo NIKs use the simulator's fixed serials: 0001-0999 are ready to print,
9001 is not recorded (the citizen gets a Suket), 9002 not yet verified.
"""

from __future__ import annotations

import contextlib
import secrets
import shutil
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from . import actions
from .central.sim import CentralSimulator
from .config import (
    CentralConfig,
    Config,
    PowerConfig,
    PrinterConfig,
    StationConfig,
    StoreConfig,
    UiConfig,
)
from .i18n import say
from .model import Reason
from .power import PowerSource, PowerStatus
from .store import Store, forget_store

DEMO_OPERATOR = "demo"


class DemoPower(PowerSource):
    """Mains until the demo "cuts" it; then a UPS running down fast enough to
    watch (the engine reads it every 5 s: low battery, and no new card, after
    about 100 s). Mains back recharges it at once."""

    def __init__(self, drain_per_read: int = 4) -> None:
        self.on_battery = False
        self.charge = 100
        self.drain_per_read = drain_per_read

    def read(self) -> PowerStatus:
        if not self.on_battery:
            self.charge = 100
            return PowerStatus("mains", 100, None, False, "mains")
        self.charge = max(5, self.charge - self.drain_per_read)
        runtime = self.charge * 30
        low = self.charge <= 20
        return PowerStatus("battery", self.charge, runtime, low,
                           f"on battery {self.charge}%, ~{runtime // 60} min left")


def demo_nik(i: int, serial: int) -> str:
    """A valid NIK from Sidoarjo (35.15), born on a day derived from ``i``."""
    day = 1 + i % 28 + (40 if i % 2 else 0)  # odd i: women (day + 40)
    month = 1 + i % 12
    return f"351505{day:02d}{month:02d}{80 + i % 20:02d}{serial:04d}"


@dataclass
class DemoStation:
    config: Config
    store: Store
    central: CentralSimulator
    power: DemoPower
    root: Path

    def set_link(self, up: bool) -> None:
        self.central.faults.down = not up

    def set_power(self, mains: bool) -> None:
        self.power.on_battery = not mains

    def close(self) -> None:
        """Stop the simulator and remove the temporary station (idempotent)."""
        self.central.stop()
        shutil.rmtree(self.root, ignore_errors=True)


def seed(store: Store, jobs: int = 12) -> None:
    """A blank shipment and a morning's worth of requests."""
    actions.receive_blanks(store, 40, operator=DEMO_OPERATOR, note=say("demo.shipment"))
    for i in range(jobs):
        serial = {5: 9001, 9: 9002}.get(i, 10 + i)
        reason = (Reason.NEW, Reason.DAMAGED, Reason.LOST, Reason.DATA_CHANGE)[i % 4]
        actions.add(store, demo_nik(i, serial), operator=DEMO_OPERATOR, reason=reason,
                    urgent=i in (3, 7), note="demo")


@contextlib.contextmanager
def demo_station(*, language: str = "id", seconds_per_card: float = 2.0,
                 jam_rate: float = 0.05, jobs: int = 12) -> Iterator[DemoStation]:
    root = Path(tempfile.mkdtemp(prefix="ktptui-demo-"))
    token = secrets.token_urlsafe(24)
    token_file = root / "token"
    token_file.write_text(token)
    token_file.chmod(0o600)
    central = CentralSimulator(port=0, token=token, seed=7)
    central.start()
    try:
        config = Config(
            station=StationConfig(id="demo-station", office_code="35.15", operator=DEMO_OPERATOR),
            store=StoreConfig(data_dir=root / "data"),
            central=CentralConfig(base_url=central.base_url, token_file=token_file,
                                  timeout_s=5.0, retry_min_s=1.0, retry_max_s=10.0,
                                  health_interval_s=5.0),
            printer=PrinterConfig(backend="sim", sim_seconds_per_card=seconds_per_card,
                                  sim_jam_rate=jam_rate),
            power=PowerConfig(source="none"),
            ui=UiConfig(language=language),
        )
        store = Store(config.store.data_dir)
        seed(store, jobs)
        yield DemoStation(config, store, central, DemoPower(), root)
    finally:
        central.stop()
        shutil.rmtree(root, ignore_errors=True)
        # A throw-away store gone is not an unmounted disk (see store._remember).
        forget_store(root / "data")
