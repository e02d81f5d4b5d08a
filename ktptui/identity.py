"""Who is acting: the operator recorded on every action."""

from __future__ import annotations

import getpass
import os


def operator_name(configured: str = "") -> str:
    """The config's operator, else the login user (the real one under sudo)."""
    if configured:
        return configured
    for var in ("SUDO_USER", "USER", "LOGNAME"):
        if os.environ.get(var):
            return os.environ[var]
    try:
        return getpass.getuser()
    except Exception:  # no passwd entry (containers): still record something
        return f"uid{os.getuid()}"


def ssh_client() -> str:
    """The SSH client's address when the operator came in over SSH, else ''."""
    value = os.environ.get("SSH_CLIENT") or os.environ.get("SSH_CONNECTION") or ""
    return value.split()[0] if value else ""


def operator_label(configured: str = "") -> str:
    """``name`` or ``name@address`` as written into history and the audit trail."""
    name, addr = operator_name(configured), ssh_client()
    return f"{name}@{addr}" if addr else name
