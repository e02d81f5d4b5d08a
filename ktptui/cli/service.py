"""``ktptui install-service``: the boot unit for this install, written and loaded.

Run by the office's IT person (as root, or through sudo). It needs no store,
so it works before the station has ever run.
"""

from __future__ import annotations

import argparse
import contextlib
import grp
import os
import pwd
import shutil
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

from ..config import ConfigError, load
from ..errors import Kind, KtpError
from ..station import unit
from ..text import for_terminal

UNIT_DIR = Path("/etc/systemd/system")


class ServiceError(KtpError):
    """One line for the person installing: what is wrong and the fix."""

    error_kind = Kind.REFUSED


def add_parser(cmd: Callable[[str, str], argparse.ArgumentParser]) -> None:
    s = cmd("install-service", "write and load the systemd unit that runs the station service "
                               "(ktptui serve)")
    s.add_argument("--user", metavar="USER",
                   help="the account that runs the station and owns its store "
                        "(default: the one that ran sudo)")
    s.add_argument("--print", dest="print_only", action="store_true",
                   help="show the unit and write nothing")
    s.add_argument("--unit-dir", type=Path, default=UNIT_DIR, metavar="DIR",
                   help=f"where the unit goes (default {UNIT_DIR})")


def run(args: argparse.Namespace) -> int:
    try:
        plan = _plan(args.user, getattr(args, "config", None))
        text = unit.render(plan)
        if args.print_only:
            sys.stdout.write(text)
            return 0
        path = args.unit_dir / unit.UNIT_NAME
        _write(path, text)
        what = (f"wrote {path}: runs {plan.python} -m ktptui serve as {plan.user} "
                f"(ktptui installed in a {unit.installed_as()})")
        print(f"ktptui: {what}")
        _daemon_reload()
        print("ktptui: systemctl daemon-reload done; start it at boot with: "
              "sudo systemctl enable --now ktptui")
        return 0
    except ServiceError as e:
        sys.stderr.write(for_terminal(f"ktptui: {e}") + "\n")
        return e.exit_code


class _Usage(ServiceError):
    error_kind = Kind.BAD_INPUT


def _plan(user: str | None, config: Path | None) -> unit.UnitPlan:
    name = user or os.environ.get("SUDO_USER") or pwd.getpwuid(os.geteuid()).pw_name
    try:
        account = pwd.getpwnam(name)
    except KeyError:
        raise _Usage.said("cli.service.no_user", name=repr(name)) from None
    if account.pw_uid == 0 and user is None:
        raise _Usage.said("cli.service.root")
    home = Path(account.pw_dir)
    try:
        with _as_home(home):
            cfg = load(config.resolve() if config else None)
    except ConfigError as e:
        raise _Usage.said(e.key, **(e.values or {})) if e.key else _Usage(str(e)) from None
    writable = [cfg.store.data_dir, home / ".local" / "state" / "ktptui"]
    group = cfg.office.operator_group
    try:
        grp.getgrnam(group)
    except KeyError:  # systemd would refuse to start the unit with a missing group
        sys.stderr.write(for_terminal(
            f"ktptui: group {group} ([office] operator_group) does not exist: the unit runs "
            f"with {name}'s own group and only {name} reaches the socket; to let operators "
            f"in: sudo groupadd {group}, add them, and run install-service again") + "\n")
        group = grp.getgrgid(account.pw_gid).gr_name
    if cfg.printer.backend == "spool" and cfg.printer.spool_dir is not None:
        writable.append(cfg.printer.spool_dir)
    return unit.UnitPlan(
        user=account.pw_name, group=group,
        python=Path(sys.executable), writable=tuple(p.resolve() for p in writable),
        config=config.resolve() if config else None, docs=unit.docs_url())


@contextlib.contextmanager
def _as_home(home: Path) -> Iterator[None]:
    """The station user's default paths, as systemd gives them to the service
    (HOME set, no XDG variables), while its config is read."""
    keys = ("HOME", "XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_STATE_HOME", "KTPTUI_CONFIG")
    saved = {k: os.environ.get(k) for k in keys}
    for k in keys:
        os.environ.pop(k, None)
    os.environ["HOME"] = str(home)
    try:
        yield
    finally:
        for k, v in saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v


def _write(path: Path, text: str) -> None:
    tmp = path.with_name(f".{path.name}.tmp")
    try:
        with open(tmp, "w", encoding="utf-8") as f:
            f.write(text)
            f.flush()
            os.fchmod(f.fileno(), 0o644)  # systemd and admins read units
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except PermissionError:
        raise ServiceError.said("cli.service.denied", path=str(path)) from None
    except OSError as e:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise ServiceError.said("cli.service.cannot_write", path=str(path),
                                why=str(e.strerror or e)) from None


def _daemon_reload() -> None:
    systemctl = shutil.which("systemctl")
    if systemctl is None:
        raise ServiceError.said("cli.service.no_systemctl")
    done = subprocess.run([systemctl, "daemon-reload"], capture_output=True, text=True,
                          stdin=subprocess.DEVNULL, check=False)
    if done.returncode != 0:
        why = " ".join((done.stderr or done.stdout).split())[:200] or f"exit {done.returncode}"
        raise ServiceError.said("cli.service.reload_failed", why=why)
