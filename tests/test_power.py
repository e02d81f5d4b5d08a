"""Power sources and the new-card gate; NUT against a real upsd with dummy-ups."""

from __future__ import annotations

from pathlib import Path

import pytest
from testbeds import free_port, nut_dummy

from ktptui.config import PowerConfig
from ktptui.power import (
    AutoPower,
    NoPower,
    NutPower,
    PowerStatus,
    SysfsPower,
    make_power,
    may_start_card,
    parse_upsc,
    status_from_nut,
)

MIN_RUNTIME = 300


@pytest.mark.nut
def test_nut_dummy_ups_through_a_power_cut(tmp_path: Path) -> None:
    with nut_dummy(tmp_path) as nut:
        power = NutPower(nut.ups)

        st = power.read()
        assert (st.source, st.charge, st.runtime_s, st.low_battery) == ("mains", 100, 1800, False)
        assert st.detail == "mains"
        assert may_start_card(st, MIN_RUNTIME) == (True, "")

        # Mains fails; the UPS has less runtime left than a card needs.
        nut.set_var("battery.charge", "62")
        nut.set_var("battery.runtime", "240")
        nut.set_status("OB DISCHRG")
        nut.wait_status("OB DISCHRG")
        nut.wait_for("battery.runtime", "240")
        st = power.read()
        assert st.source == "battery" and st.runtime_s == 240 and st.charge == 62
        assert st.detail == "on battery 62%, ~4 min left"
        ok, why = may_start_card(st, MIN_RUNTIME)
        assert not ok
        assert why == "on battery, ~4 min left (minimum 5 min): printing held"

        nut.set_status("OB LB")
        nut.wait_status("OB LB")
        st = power.read()
        assert st.source == "battery" and st.low_battery
        ok, why = may_start_card(st, MIN_RUNTIME)
        assert not ok and "low battery" in why

        nut.set_status("OL CHRG")
        nut.wait_status("OL CHRG")
        st = power.read()
        assert st.source == "mains"
        assert may_start_card(st, MIN_RUNTIME) == (True, "")

        # Auto finds the same UPS and keeps using it.
        auto = AutoPower(nut.ups, sysfs_root=tmp_path / "no-sysfs")
        assert auto.read().source == "mains"
        assert auto.chosen is auto.nut


def test_nut_unreachable_is_unknown_and_allowed() -> None:
    st = NutPower(f"dummy@127.0.0.1:{free_port()}", timeout_s=5).read()
    assert st.source == "unknown"
    assert st.detail.startswith("power state unknown: upsc failed:")
    assert "Init SSL" not in st.detail
    assert may_start_card(st, MIN_RUNTIME) == (True, "")


def test_nut_parsing() -> None:
    values = parse_upsc("battery.charge: 55\nbattery.runtime: 1234.00\nups.status: OB\n")
    st = status_from_nut(values)
    assert (st.source, st.charge, st.runtime_s, st.low_battery) == ("battery", 55, 1234, False)
    assert status_from_nut({"ups.status": "OL CHRG"}).source == "mains"
    assert status_from_nut({"ups.status": "WAIT"}).source == "unknown"
    assert status_from_nut({}).detail == "power state unknown: UPS status (none)"


def test_may_start_card_rules() -> None:
    def bat(runtime: int | None, low: bool = False) -> PowerStatus:
        return PowerStatus("battery", 50, runtime, low, "on battery")

    assert may_start_card(bat(600), MIN_RUNTIME) == (True, "")
    assert may_start_card(bat(None), MIN_RUNTIME) == (True, "")  # runtime not reported
    assert may_start_card(bat(299), MIN_RUNTIME)[0] is False
    assert may_start_card(bat(None, low=True), MIN_RUNTIME) == (
        False, "low battery: printing held until mains returns")
    assert may_start_card(PowerStatus("unknown", None, None, False, "x"), MIN_RUNTIME) == (
        True, "")


def _supply(root: Path, name: str, **files: str) -> None:
    d = root / name
    d.mkdir(parents=True)
    for key, value in files.items():
        (d / key).write_text(value + "\n")


def test_sysfs_fake_tree(tmp_path: Path) -> None:
    root = tmp_path / "power_supply"
    _supply(root, "AC", type="Mains", online="1")
    _supply(root, "BAT0", type="Battery", present="1", capacity="80", status="Charging",
            energy_now="40000000", power_now="20000000")
    power = SysfsPower(root)
    st = power.read()
    assert st.source == "mains" and st.charge == 80

    (root / "AC" / "online").write_text("0\n")
    (root / "BAT0" / "status").write_text("Discharging\n")
    st = power.read()
    assert st.source == "battery" and st.charge == 80 and st.runtime_s == 7200
    assert not st.low_battery
    assert st.detail == "on battery 80%, ~120 min left"

    (root / "BAT0" / "capacity").write_text("7\n")
    st = power.read()
    assert st.low_battery
    assert may_start_card(st, MIN_RUNTIME)[0] is False


def test_sysfs_battery_only_and_empty(tmp_path: Path) -> None:
    root = tmp_path / "ps"
    assert SysfsPower(root).read().source == "unknown"  # no such dir
    root.mkdir()
    st = SysfsPower(root).read()
    assert st.source == "unknown" and "no power supplies" in st.detail
    _supply(root, "BAT1", type="Battery", capacity="50", status="Full")
    assert SysfsPower(root).read().source == "mains"
    (root / "BAT1" / "status").write_text("Discharging\n")
    assert SysfsPower(root).read().source == "battery"


def test_auto_falls_back_to_sysfs_when_nut_unreachable(tmp_path: Path) -> None:
    root = tmp_path / "ps"
    _supply(root, "ADP1", type="Mains", online="0")
    _supply(root, "BAT0", type="Battery", capacity="90", status="Discharging")
    auto = AutoPower(f"ups@127.0.0.1:{free_port()}", sysfs_root=root, timeout_s=5)
    st = auto.read()
    assert st.source == "battery" and st.charge == 90
    assert auto.chosen is auto.sysfs
    (root / "ADP1" / "online").write_text("1\n")
    assert auto.read().source == "mains"


def test_auto_nothing_found_is_unknown(tmp_path: Path) -> None:
    auto = AutoPower(f"ups@127.0.0.1:{free_port()}", sysfs_root=tmp_path / "none")
    st = auto.read()
    assert st.source == "unknown" and auto.chosen is None
    assert "upsc failed" in st.detail and "no power supplies" in st.detail


def test_no_power_and_factory() -> None:
    assert NoPower().read().source == "mains"
    assert may_start_card(NoPower().read(), MIN_RUNTIME) == (True, "")
    assert isinstance(make_power(PowerConfig(source="none")), NoPower)
    assert isinstance(make_power(PowerConfig(source="nut")), NutPower)
    assert isinstance(make_power(PowerConfig(source="sysfs")), SysfsPower)
    auto = make_power(PowerConfig(source="auto", ups="x@localhost"))
    assert isinstance(auto, AutoPower) and auto.nut.ups == "x@localhost"


def test_sysfs_device_scope_battery_is_not_a_ups(tmp_path: Path) -> None:
    """A wireless mouse's battery (scope Device, discharging as mice do) says
    nothing about the station's power: mains stays mains, and a desktop with
    no system battery reads mains, not "on battery 15%"."""
    root = tmp_path / "ps"
    _supply(root, "AC", type="Mains", online="1")
    _supply(root, "hidpp_battery_0", type="Battery", scope="Device", present="1",
            capacity="15", status="Discharging")
    st = SysfsPower(root).read()
    assert (st.source, st.charge, st.low_battery) == ("mains", None, False)

    # A desktop without an AC supply entry: only the mouse's battery is listed.
    desk = tmp_path / "desk"
    _supply(desk, "hidpp_battery_0", type="Battery", scope="Device", present="1",
            capacity="5", status="Discharging")
    st = SysfsPower(desk).read()
    assert st.source == "unknown" and "no power supplies" in st.detail
    assert may_start_card(st, MIN_RUNTIME) == (True, "")

    # A UPS the kernel knows (type UPS, scope System) does count, and so does a
    # laptop battery that reports no scope at all.
    ups = tmp_path / "ups"
    _supply(ups, "hidpp_battery_0", type="Battery", scope="Device", capacity="99",
            status="Full")
    _supply(ups, "ups0", type="UPS", scope="System", capacity="40", status="Discharging")
    st = SysfsPower(ups).read()
    assert (st.source, st.charge) == ("battery", 40)
    (ups / "ups0" / "status").write_text("Charging\n")
    assert SysfsPower(ups).read().source == "mains"


def test_sysfs_device_scope_charger_is_not_mains(tmp_path: Path) -> None:
    """A device's own USB charger being online is not the station's mains."""
    root = tmp_path / "ps"
    _supply(root, "AC", type="Mains", online="0")
    _supply(root, "pad_charger", type="USB", scope="Device", online="1")
    _supply(root, "BAT0", type="Battery", capacity="60", status="Discharging")
    st = SysfsPower(root).read()
    assert (st.source, st.charge) == ("battery", 60)


def test_auto_ignores_a_mouse_battery(tmp_path: Path) -> None:
    root = tmp_path / "ps"
    _supply(root, "hidpp_battery_0", type="Battery", scope="Device", capacity="3",
            status="Discharging")
    auto = AutoPower(f"ups@127.0.0.1:{free_port()}", sysfs_root=root, timeout_s=5)
    st = auto.read()
    assert st.source == "unknown" and auto.chosen is None
    assert may_start_card(st, MIN_RUNTIME) == (True, "")
