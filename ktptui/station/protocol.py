"""The station service's wire format (docs/protocol.md): newline-delimited
JSON objects over a Unix socket, each with ``"v": 1`` and a ``"type"``.

Only the format lives here (reading one bounded line, checking it, building
replies); what each request does is the service's table
(``station.service.REQUESTS``). Everything a client sends is hostile: a line
too long, not JSON, not an object, another version or a wrong type is a
``BadMessage`` (an error reply), never an exception that ends a connection
or the service.
"""

from __future__ import annotations

import json
from typing import Any

from ..errors import BadInput, KtpError

#: The protocol's version: a message with another ``v`` is refused.
VERSION = 1
#: The longest request line (bytes, newline included): a request is a few
#: short fields, so more is an attack or a bug.
MAX_REQUEST = 64 * 1024
#: The longest reply or push a client accepts (a job list is long).
MAX_REPLY = 64 * 1024 * 1024
#: Clients at once; one more is told so and closed.
MAX_CLIENTS = 64
#: Unsent messages a client may fall behind by; then it is dropped (a client
#: that connects and never reads cannot hold the service up).
MAX_BACKLOG = 256


class BadMessage(BadInput):
    """A request the service cannot read (the reply says what is wrong)."""


def encode(message: dict[str, Any]) -> bytes:
    """One message as one line (ASCII only: no control byte reaches a terminal)."""
    return json.dumps({"v": VERSION, **message}, ensure_ascii=True,
                      separators=(",", ":")).encode() + b"\n"


def decode(line: bytes) -> dict[str, Any]:
    """One request line into its object; ``BadMessage`` naming the problem."""
    if len(line) > MAX_REQUEST:
        raise BadMessage(f"message longer than {MAX_REQUEST} bytes; send one short "
                         "JSON object per line")
    try:
        data = json.loads(line.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        raise BadMessage("not a JSON object in UTF-8; send one JSON object per line "
                         "(docs/protocol.md)") from None
    if not isinstance(data, dict):
        raise BadMessage("not a JSON object; send {\"v\": 1, \"type\": ...}")
    if data.get("v") != VERSION or isinstance(data.get("v"), bool):
        raise BadMessage(f"protocol version {data.get('v')!r} is not spoken here; "
                         f"send \"v\": {VERSION}")
    if not isinstance(data.get("type"), str):
        raise BadMessage("no \"type\" string; name the request (docs/protocol.md)")
    ref = data.get("id")
    if ref is not None and (isinstance(ref, bool) or not isinstance(ref, int | str)
                            or len(str(ref)) > 64):
        raise BadMessage("\"id\" must be a number or a short string")
    return data


def reply(ref: object, result: dict[str, Any]) -> dict[str, Any]:
    return {"type": "ok", "id": ref, "result": result}


def error_reply(ref: object, error: KtpError) -> dict[str, Any]:
    """An error in both forms: ``error`` the English line (logs, scripts),
    ``message`` in the station's language (the operator's screen)."""
    return {"type": "error", "id": ref, "kind": error.error_kind.value,
            "error": str(error), "message": error.message()}
