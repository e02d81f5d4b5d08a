"""Talking to the central registry: the contract client, the link monitor and
(in ``sim``) a simulator of the central service for demos and tests."""

from .client import Authorization, CentralClient, check_base_url, read_token
from .errors import (
    CentralError,
    FinalAnswer,
    TokenFileError,
    TokenRefused,
    TransientError,
    Trouble,
)
from .monitor import Backoff, LinkMonitor, LinkState

__all__ = [
    "Authorization",
    "Backoff",
    "CentralClient",
    "CentralError",
    "FinalAnswer",
    "LinkMonitor",
    "LinkState",
    "TokenFileError",
    "TokenRefused",
    "TransientError",
    "Trouble",
    "check_base_url",
    "read_token",
]
