"""The citizen's contact details taken at intake: the mobile number and the
name. One checker each, used by every front (CLI, TUI), so a number or a name
is judged the same everywhere.

Indonesian mobile numbers are written ``08...`` nationally and ``+628...``
internationally, 10-13 digits in national form; they are stored as
``+628...``. Both are personal data: an error message never repeats them.
"""

from __future__ import annotations

import unicodedata

from .errors import Kind, KtpError, english

#: Separators people type inside a number; removed before it is judged.
_SEPARATORS = str.maketrans("", "", " -.()/")
#: National-form length (with the leading 0), from the field notes.
NATIONAL_DIGITS = (10, 13)
#: The longest name accepted (the issue's limit).
NAME_MAX = 100


class InvalidContact(KtpError, ValueError):
    """A phone number or name that cannot be stored (catalogue key ``key``)."""

    error_kind = Kind.BAD_INPUT

    def __init__(self, key: str, **values: object) -> None:
        super().__init__(english(key, **values))
        self.say(key, **values)


def normalize(text: str) -> str:
    """``text`` as a stored mobile number, ``+628...``; ``InvalidContact`` if
    it is not an Indonesian mobile number."""
    raw = text.strip().translate(_SEPARATORS)
    if raw.startswith("+62"):
        national = "0" + raw[3:]
    elif raw.startswith("62"):
        national = "0" + raw[2:]
    elif raw.startswith("+"):
        raise InvalidContact("phone.bad.prefix")  # another country's number
    else:
        national = raw
    if not national.isascii() or not national.isdigit():
        raise InvalidContact("phone.bad.digits")
    if not national.startswith("08"):
        raise InvalidContact("phone.bad.prefix")
    lo, hi = NATIONAL_DIGITS
    if not lo <= len(national) <= hi:
        raise InvalidContact("phone.bad.length", lo=lo, hi=hi, n=len(national))
    return "+62" + national[1:]


def national(phone: str) -> str:
    """A stored ``+628...`` number as people dial it: ``08...``."""
    return "0" + phone[3:] if phone.startswith("+62") else phone


def check_name(text: str) -> str:
    """The citizen's name, trimmed (inner runs of spaces made one); refused
    when empty, longer than ``NAME_MAX`` or holding control characters."""
    if any(unicodedata.category(c) in ("Cc", "Cf", "Zl", "Zp") for c in text):
        raise InvalidContact("name.bad.control")
    name = " ".join(text.split())
    if not name:
        raise InvalidContact("name.bad.empty")
    if len(name) > NAME_MAX:
        raise InvalidContact("name.bad.length", limit=NAME_MAX, n=len(name))
    return name
