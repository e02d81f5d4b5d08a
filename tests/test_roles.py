"""Roles follow the Unix account (real passwd and group entries), never a label."""

from __future__ import annotations

import os
import pwd

import pytest

from ktptui import roles
from ktptui.errors import KtpError

NOBODY = pwd.getpwnam("nobody")


def test_root_is_a_supervisor_whatever_its_groups() -> None:
    who = roles.who_for_uid(0, supervisor_group="no-such-group-here")
    assert who.user == "root" and who.supervisor


def test_a_member_of_the_supervisor_group_is_one_and_others_are_operators() -> None:
    group = roles._group_name(NOBODY.pw_gid)  # nobody's own group (nogroup)
    assert roles.who_for_uid(NOBODY.pw_uid, supervisor_group=group).supervisor
    who = roles.who_for_uid(NOBODY.pw_uid)  # default group: nobody is not in it
    assert who.role is roles.Role.OPERATOR and group in who.groups


def test_sudo_user_counts_only_when_sudo_made_us_root(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SUDO_UID", str(NOBODY.pw_uid))
    monkeypatch.setenv("SUDO_USER", "nobody")
    monkeypatch.setattr(os, "geteuid", lambda: 0)
    assert roles.who_runs_this().user == "nobody"  # root through sudo: the person behind it
    monkeypatch.setattr(os, "geteuid", lambda: NOBODY.pw_uid)
    monkeypatch.setenv("SUDO_UID", "0")  # forged by a normal user: ignored
    who = roles.who_runs_this()
    assert who.uid == NOBODY.pw_uid and not who.supervisor


def test_a_refusal_names_the_group_and_the_fix_in_one_line() -> None:
    who = roles.who_for_uid(NOBODY.pw_uid)
    with pytest.raises(roles.NotSupervisor) as caught:
        roles.require_supervisor(who, "adjust the blank stock")
    err = caught.value
    assert isinstance(err, KtpError) and err.exit_code == 1
    text = str(err)
    assert "\n" not in text and "ktptui-supervisors" in text and "usermod" in text
    roles.require_supervisor(roles.who_for_uid(0), "adjust the blank stock")  # no error


def test_an_unknown_uid_is_an_operator_with_no_groups() -> None:
    uid = 4_000_000
    with pytest.raises(KeyError):
        pwd.getpwuid(uid)
    who = roles.who_for_uid(uid)
    assert who.user == f"uid{uid}" and not who.supervisor and not who.groups
