"""Talking to the central registry: the contract client, the link monitor and
(in ``sim``) a simulator of the central service for demos and tests.

The names below are imported on first use (PEP 562): ``ktptui.central.sim``
(the ``sim`` command) must not pull in the client, and with it httpx and ssl.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .client import Authorization, CentralClient, check_base_url, read_token
    from .errors import (
        CentralError,
        FinalAnswer,
        Rejection,
        TokenFileError,
        TokenRefused,
        TransientError,
        Trouble,
    )
    from .monitor import Backoff, LinkCause, LinkMonitor, LinkState, LinkStatus

_WHERE = {
    "Authorization": "client", "CentralClient": "client", "check_base_url": "client",
    "read_token": "client",
    "CentralError": "errors", "FinalAnswer": "errors", "Rejection": "errors",
    "TokenFileError": "errors",
    "TokenRefused": "errors", "TransientError": "errors", "Trouble": "errors",
    "Backoff": "monitor", "LinkMonitor": "monitor", "LinkState": "monitor",
    "LinkCause": "monitor", "LinkStatus": "monitor",
}

__all__ = [
    "Authorization",
    "Backoff",
    "CentralClient",
    "CentralError",
    "FinalAnswer",
    "LinkCause",
    "LinkMonitor",
    "LinkState",
    "Rejection",
    "LinkStatus",
    "TokenFileError",
    "TokenRefused",
    "TransientError",
    "Trouble",
    "check_base_url",
    "read_token",
]


def __getattr__(name: str) -> Any:
    where = _WHERE.get(name)
    if where is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f".{where}", __name__), name)
    globals()[name] = value
    return value
