"""``ktptui install-service``: the unit for this install, verified and locked
down by the real systemd-analyze, written and loaded."""

from __future__ import annotations

import grp
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlsplit
from urllib.request import url2pathname

import pytest

from ktptui.station import unit

REPO = Path(__file__).resolve().parent.parent
EXAMPLE = REPO / "contrib" / "systemd" / "ktptui.service"
#: The plan contrib's example is written from (a venv in /opt, user ktp).
EXAMPLE_PLAN = unit.UnitPlan(
    user="ktp", group="ktptui-operators", python=Path("/opt/ktptui/venv/bin/python3"),
    writable=(Path("/home/ktp/.local/share/ktptui"), Path("/home/ktp/.local/state/ktptui")),
    config=None, docs="file:///opt/ktptui/venv/lib/python3.11/site-packages/ktptui/docs/service.md")
ANALYZE = shutil.which("systemd-analyze")


def ktptui(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "ktptui", *args], capture_output=True,
                          text=True, timeout=60, stdin=subprocess.DEVNULL,
                          env={**os.environ, **(env or {})})


def settings(text: str) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for line in text.splitlines():
        if "=" in line and not line.startswith("#"):
            key, value = line.split("=", 1)
            out.setdefault(key, []).append(value)
    return out


@pytest.fixture
def printed(tmp_path: Path) -> Path:
    out = ktptui("install-service", "--print", "--user", "root")
    assert out.returncode == 0, out.stderr
    path = tmp_path / "ktptui.service"
    path.write_text(out.stdout, encoding="utf-8")
    return path


def test_the_printed_unit_runs_this_install_and_passes_systemd_analyze_verify(
        printed: Path) -> None:
    assert ANALYZE, "systemd-analyze missing: .ci/run installs the systemd package"
    unit_text = printed.read_text(encoding="utf-8")
    conf = settings(unit_text)
    assert conf["ExecStart"] == [f"{sys.executable} -m ktptui serve"]
    assert conf["User"] == ["root"]
    docs = urlsplit(conf["Documentation"][0])
    assert docs.scheme == "file" and Path(url2pathname(docs.path)).is_file(), conf["Documentation"]
    done = subprocess.run([ANALYZE, "verify", str(printed)], capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 0, done.stderr
    assert "ktptui.service" not in done.stderr, done.stderr  # no warning about our unit


def test_the_unit_is_locked_down_to_an_exposure_of_at_most_3_5(printed: Path) -> None:
    assert ANALYZE
    done = subprocess.run([ANALYZE, "security", "--offline=true", str(printed)],
                          capture_output=True, text=True, timeout=120)
    found = re.search(r"Overall exposure level for ktptui\.service: (\d+\.\d)", done.stdout)
    assert found, done.stdout + done.stderr
    assert float(found.group(1)) <= 3.5, done.stdout


def test_the_boot_unit_never_restarts_what_a_restart_cannot_fix(printed: Path) -> None:
    conf = settings(printed.read_text(encoding="utf-8"))
    assert conf["Restart"] == ["on-failure"]
    assert conf["SuccessExitStatus"] == ["0"]
    assert conf["RestartPreventExitStatus"] == ["2"]  # config error


def test_the_unit_makes_the_socket_folder_for_the_operator_group(tmp_path: Path) -> None:
    conf = settings(unit.render(EXAMPLE_PLAN))
    assert conf["RuntimeDirectory"] == ["ktptui"] and conf["RuntimeDirectoryMode"] == ["0750"]
    assert conf["Group"] == ["ktptui-operators"]
    # The group named in the config, when it exists; else the user's own, said in one line.
    mine = grp.getgrgid(os.getgid()).gr_name
    cfg = tmp_path / "c.toml"
    cfg.write_text(f'[office]\noperator_group = "{mine}"\n', encoding="utf-8")
    out = ktptui("install-service", "--print", "--user", "root", "--config", str(cfg))
    assert out.returncode == 0 and settings(out.stdout)["Group"] == [mine], out.stderr
    cfg.write_text('[office]\noperator_group = "no-such-group-here"\n', encoding="utf-8")
    out = ktptui("install-service", "--print", "--user", "root", "--config", str(cfg))
    assert out.returncode == 0 and settings(out.stdout)["Group"] == ["root"]
    assert out.stderr.count("\n") == 1 and "sudo groupadd no-such-group-here" in out.stderr


def test_contrib_example_is_what_install_service_writes() -> None:
    assert EXAMPLE.read_text(encoding="utf-8") == unit.render(EXAMPLE_PLAN)


def test_install_service_writes_the_unit_and_reloads_systemd(tmp_path: Path) -> None:
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    calls = tmp_path / "calls"
    fake = bin_dir / "systemctl"  # no systemd as PID 1 here: record the call
    fake.write_text(f'#!/bin/sh\necho "$@" >> {calls}\n', encoding="utf-8")
    fake.chmod(0o755)
    units = tmp_path / "units"
    units.mkdir()
    out = ktptui("install-service", "--user", "root", "--unit-dir", str(units),
                 env={"PATH": f"{bin_dir}:{os.environ['PATH']}"})
    assert out.returncode == 0, out.stderr
    written = units / "ktptui.service"
    assert (written.stat().st_mode & 0o777) == 0o644
    assert settings(written.read_text(encoding="utf-8"))["User"] == ["root"]
    assert calls.read_text(encoding="utf-8").split() == ["daemon-reload"]
    assert f"wrote {written}" in out.stdout and "daemon-reload done" in out.stdout


def test_install_service_says_what_failed_in_one_line(tmp_path: Path) -> None:
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    fake = bin_dir / "systemctl"
    fake.write_text("#!/bin/sh\necho 'System has not been booted with systemd' >&2\nexit 1\n",
                    encoding="utf-8")
    fake.chmod(0o755)
    path_env = {"PATH": f"{bin_dir}:{os.environ['PATH']}"}
    cfg = tmp_path / "c.toml"  # an operator group that exists: no note about it
    cfg.write_text(f'[office]\noperator_group = "{grp.getgrgid(os.getgid()).gr_name}"\n',
                   encoding="utf-8")
    out = ktptui("install-service", "--user", "root", "--unit-dir", str(tmp_path),
                 "--config", str(cfg), env=path_env)
    assert out.returncode == 1
    assert out.stderr.count("\n") == 1 and "daemon-reload failed" in out.stderr, out.stderr
    out = ktptui("install-service", "--user", "no-such-user-here", "--print")
    assert out.returncode == 2 and out.stderr.count("\n") == 1
    assert "no user 'no-such-user-here'" in out.stderr
    out = ktptui("install-service", "--user", "root", "--unit-dir", str(tmp_path / "missing"),
                 "--config", str(cfg))
    assert out.returncode == 1 and out.stderr.count("\n") == 1, out.stderr
    assert "cannot write" in out.stderr and "Traceback" not in out.stderr
