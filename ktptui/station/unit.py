"""The systemd unit that runs the station service (``ktptui serve``), written
for this install.

The unit runs ktptui with the interpreter it was installed with (a venv,
pipx's venv or the system's), so no path is guessed. It is locked down
(``systemd-analyze security`` exposure about 2, see docs/service.md): the
station needs only its own folders writable, the network to central, CUPS
and NUT, and no privileges.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

UNIT_NAME = "ktptui.service"
#: ``ktptui serve`` exits 0 when stopped; 2 (config) cannot be fixed by a
#: restart. It never exits because a TUI holds the printer: it waits on standby.
SUCCESS_EXIT = "0"
NO_RESTART_EXIT = "2"


@dataclass(frozen=True)
class UnitPlan:
    user: str
    group: str  # the unit's Group=: [office] operator_group, which reaches the socket
    python: Path
    writable: tuple[Path, ...]  # the store, the state folder, a spool folder
    config: Path | None  # None: the user's XDG default
    docs: str  # a file:// URL of a file the install has, or http(s)


def installed_as() -> str:
    """"pipx", "venv" or "system": how this ktptui was installed (said to the
    person running install-service, so they know what the unit runs)."""
    prefix = Path(sys.prefix)
    if "pipx" in prefix.parts and "venvs" in prefix.parts:
        return "pipx"
    if sys.prefix != sys.base_prefix:
        return "venv"
    return "system"


def docs_url() -> str:
    """The service guide shipped inside the package (package data), as a
    file:// URL systemd accepts in ``Documentation=``."""
    guide = resources.files("ktptui").joinpath("docs", "service.md")
    return Path(str(guide)).resolve().as_uri()


def render(plan: UnitPlan) -> str:
    config = f" --config {_quote(str(plan.config))}" if plan.config else ""
    writable = " ".join(_quote(f"-{p}") for p in plan.writable)
    return f"""\
# Written by `ktptui install-service`; edit with `systemctl edit ktptui`.
[Unit]
Description=ktptui: the e-KTP print station service (recover, print, serve operators)
Documentation={plan.docs}
Wants=network-online.target
After=network-online.target cups.service nut-monitor.service nut-server.service

[Service]
Type=exec
User={plan.user}
Group={plan.group}
ExecStart={_quote(str(plan.python))} -m ktptui serve{config}
Environment=PYTHONUNBUFFERED=1
# The socket's folder, /run/ktptui: the group's members reach the socket.
RuntimeDirectory=ktptui
RuntimeDirectoryMode=0750
# 2 = config error: a restart cannot fix it. A crashed engine restarts
# inside the service, and a TUI holding the printer is waited for on standby.
Restart=on-failure
RestartSec=60
SuccessExitStatus={SUCCESS_EXIT}
RestartPreventExitStatus={NO_RESTART_EXIT}
# SIGTERM lets the card in progress finish; give it time.
KillSignal=SIGTERM
TimeoutStopSec=180

# Lock-down: own folders writable, nothing else; no privileges.
UMask=0077
NoNewPrivileges=yes
ProtectSystem=strict
ProtectHome=read-only
PrivateMounts=yes
ReadWritePaths={writable}
PrivateTmp=yes
PrivateDevices=yes
DevicePolicy=closed
ProtectKernelTunables=yes
ProtectKernelModules=yes
ProtectKernelLogs=yes
ProtectControlGroups=yes
ProtectClock=yes
ProtectHostname=yes
ProtectProc=invisible
ProcSubset=pid
RestrictAddressFamilies=AF_UNIX AF_INET AF_INET6
RestrictNamespaces=yes
RestrictRealtime=yes
RestrictSUIDSGID=yes
LockPersonality=yes
MemoryDenyWriteExecute=yes
RemoveIPC=yes
KeyringMode=private
CapabilityBoundingSet=
AmbientCapabilities=
SystemCallArchitectures=native
SystemCallFilter=@system-service
SystemCallFilter=~@privileged @resources
SystemCallErrorNumber=EPERM

[Install]
WantedBy=multi-user.target
"""


def _quote(text: str) -> str:
    """systemd's quoting for a path with spaces (rare, but a home may have one)."""
    if any(c.isspace() or c in "\"'\\" for c in text):
        escaped = text.replace("\\", "\\\\").replace('"', '\\"')
        return f'"{escaped}"'
    return text
