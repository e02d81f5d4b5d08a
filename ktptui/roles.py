"""Who may do what: operators and supervisors (kepala seksi), by Unix account.

The role follows the Unix account that acts, never the ``[station] operator``
label (a display name anyone can set): for a command, the account that runs
it (``SUDO_USER`` when root runs it through sudo); for the station service,
the socket peer's uid. Root counts as a supervisor. A supervisor is a member
of ``[office] supervisor_group`` (default ``ktptui-supervisors``).
"""

from __future__ import annotations

import enum
import grp
import os
import pwd
from dataclasses import dataclass

from .errors import Kind, KtpError

DEFAULT_SUPERVISOR_GROUP = "ktptui-supervisors"


class Role(enum.StrEnum):
    OPERATOR = "operator"
    SUPERVISOR = "supervisor"


@dataclass(frozen=True)
class Who:
    user: str
    uid: int
    groups: frozenset[str]
    role: Role

    @property
    def supervisor(self) -> bool:
        return self.role is Role.SUPERVISOR


class NotSupervisor(KtpError):
    """A supervisor-only action asked for by someone who is not one."""

    error_kind = Kind.REFUSED

    def __init__(self, who: Who, group: str, what: str) -> None:
        super().__init__(f"only a supervisor (a member of group {group}) may {what}; "
                         f"{who.user} is not: ask one, or have IT run "
                         f"`sudo usermod -aG {group} {who.user}`")
        self.say("roles.not_supervisor", group=group, what=what, user=who.user)


def who_for_uid(uid: int, *, supervisor_group: str = DEFAULT_SUPERVISOR_GROUP) -> Who:
    """The account ``uid`` (a socket peer's, or this process's) and its role."""
    try:
        entry = pwd.getpwuid(uid)
        name, gid = entry.pw_name, entry.pw_gid
        groups = frozenset(_group_name(g) for g in os.getgrouplist(name, gid))
    except KeyError:  # no passwd entry (a container's stray uid): no groups
        name, groups = f"uid{uid}", frozenset()
    supervisor = uid == 0 or supervisor_group in groups
    return Who(name, uid, groups, Role.SUPERVISOR if supervisor else Role.OPERATOR)


def who_runs_this(*, supervisor_group: str = DEFAULT_SUPERVISOR_GROUP) -> Who:
    """The account behind this command: under sudo, the one that ran sudo
    (``SUDO_UID``/``SUDO_USER`` are trusted only when we really are root, as
    sudo leaves us; anyone can set them otherwise)."""
    uid = os.geteuid()
    if uid == 0:
        sudo_uid = os.environ.get("SUDO_UID", "")
        if sudo_uid.isdigit():
            return who_for_uid(int(sudo_uid), supervisor_group=supervisor_group)
        sudo_user = os.environ.get("SUDO_USER", "")
        if sudo_user:
            try:
                return who_for_uid(pwd.getpwnam(sudo_user).pw_uid,
                                   supervisor_group=supervisor_group)
            except KeyError:
                pass
    return who_for_uid(uid, supervisor_group=supervisor_group)


def require_supervisor(who: Who, what: str, *,
                       supervisor_group: str = DEFAULT_SUPERVISOR_GROUP) -> None:
    """Raise ``NotSupervisor`` (one line naming the group) unless ``who`` is one."""
    if not who.supervisor:
        raise NotSupervisor(who, supervisor_group, what)


def _group_name(gid: int) -> str:
    try:
        return grp.getgrgid(gid).gr_name
    except KeyError:
        return str(gid)
