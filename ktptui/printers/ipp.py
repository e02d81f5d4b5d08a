"""A minimal IPP client (RFC 8010/8011), standard library only.

Enough to submit a card to CUPS (Print-Job), follow and cancel it
(Get-Job-Attributes, Get-Jobs, Cancel-Job), and ask a CUPS queue or the
printer behind it how it is (Get-Printer-Attributes). ``ipptool`` is in
cups-ipp-utils, not on every station, and its text output is not a contract.

Printer readiness: ``printer-state-reasons`` keywords may carry a
``-report``, ``-warning`` or ``-error`` suffix (RFC 8011 5.4.12); they are
compared without it.
"""

from __future__ import annotations

import http.client
import itertools
import socket
import ssl
import urllib.parse
from dataclasses import dataclass
from typing import Any

from ..errors import Kind, KtpError

IPP_TIMEOUT_S = 10.0
#: Replies larger than this are refused: a status reply is a few KiB.
MAX_REPLY = 1 << 20

# Attribute group and value tags (RFC 8010 3.5).
TAG_OPERATION, TAG_JOB, TAG_END, TAG_PRINTER = 0x01, 0x02, 0x03, 0x04
INTEGER, BOOLEAN, ENUM = 0x21, 0x22, 0x23
TEXT, NAME, KEYWORD, URI, CHARSET, LANGUAGE, MIME = 0x41, 0x42, 0x44, 0x45, 0x47, 0x48, 0x49

OP_PRINT_JOB, OP_CANCEL_JOB = 0x0002, 0x0008
OP_GET_JOB_ATTRIBUTES, OP_GET_JOBS, OP_GET_PRINTER_ATTRIBUTES = 0x0009, 0x000A, 0x000B

# Status codes the backends tell apart.
STATUS_FORBIDDEN, STATUS_NOT_AUTHENTICATED, STATUS_NOT_AUTHORIZED = 0x0401, 0x0402, 0x0403
STATUS_NOT_POSSIBLE, STATUS_NOT_FOUND, STATUS_GONE = 0x0404, 0x0406, 0x0407
STATUS_NOT_ACCEPTING = 0x0506
AUTH_REFUSED = (STATUS_FORBIDDEN, STATUS_NOT_AUTHENTICATED, STATUS_NOT_AUTHORIZED)

# printer-state values (RFC 8011 5.4.11).
PRINTER_IDLE, PRINTER_PROCESSING, PRINTER_STOPPED = 3, 4, 5

#: printer-state-reasons that mean no card may be started (suffix stripped).
BLOCKING_REASONS = ("offline", "paused", "media-empty", "media-needed", "media-jam",
                    "marker-supply-empty", "cover-open", "door-open")
#: Reasons shown as a warning: the card still prints.
WARNING_REASONS = ("marker-supply-low", "media-low")
_SUFFIXES = ("-report", "-warning", "-error")

_request_ids = itertools.count(1)

Attrs = dict[str, list[Any]]


class IppError(KtpError):
    """The IPP request could not be made or its answer could not be read."""

    error_kind = Kind.PRINTER

    def __init__(self, message: str, *, http_status: int = 0, unreachable: bool = False) -> None:
        super().__init__(message)
        self.http_status = http_status
        #: Nothing answered at all (connection refused, timeout, no socket).
        self.unreachable = unreachable


def attr(tag: int, name: str, *values: bytes) -> bytes:
    out = b""
    for i, v in enumerate(values):
        n = name.encode() if i == 0 else b""
        out += bytes([tag]) + len(n).to_bytes(2, "big") + n + len(v).to_bytes(2, "big") + v
    return out


def encode_request(op: int, attrs: list[bytes],
                   groups: list[tuple[int, list[bytes]]] | None = None) -> bytes:
    head = b"\x02\x00" + op.to_bytes(2, "big") + next(_request_ids).to_bytes(4, "big")
    body = bytes([TAG_OPERATION]) + b"".join(attrs)
    for tag, more in groups or []:
        body += bytes([tag]) + b"".join(more)
    return head + body + bytes([TAG_END])


def decode_response(data: bytes) -> tuple[int, list[tuple[int, Attrs]]]:
    """(status-code, [(group tag, {name: [values]})]); strings decoded, ints as int."""
    if len(data) < 9:
        raise IppError("short IPP response")
    status = int.from_bytes(data[2:4], "big")
    groups: list[tuple[int, Attrs]] = []
    pos, name = 8, ""
    while pos < len(data):
        tag = data[pos]
        pos += 1
        if tag == TAG_END:
            break
        if tag < 0x10:
            groups.append((tag, {}))
            continue
        nlen = int.from_bytes(data[pos:pos + 2], "big")
        pos += 2
        if nlen:
            name = data[pos:pos + nlen].decode("utf-8", "replace")
        pos += nlen
        vlen = int.from_bytes(data[pos:pos + 2], "big")
        pos += 2
        raw = data[pos:pos + vlen]
        pos += vlen
        if pos > len(data) or not groups:
            raise IppError("malformed IPP response")
        value: Any
        if tag in (INTEGER, ENUM) and vlen == 4:
            value = int.from_bytes(raw, "big", signed=True)
        elif tag == BOOLEAN:
            value = raw != b"\x00"
        elif 0x40 <= tag <= 0x4F:
            value = raw.decode("utf-8", "replace")
        elif 0x10 <= tag <= 0x1F:  # out-of-band: no-value, unknown, unsupported
            value = None
        else:
            value = raw
        groups[-1][1].setdefault(name, []).append(value)
    return status, groups


def first(attrs: Attrs, name: str) -> Any:
    values = attrs.get(name) or [None]
    return values[0]


def group(groups: list[tuple[int, Attrs]], tag: int) -> Attrs | None:
    for t, attrs in groups:
        if t == tag:
            return attrs
    return None


class _UnixHTTPConnection(http.client.HTTPConnection):
    def __init__(self, path: str, timeout: float) -> None:
        super().__init__("localhost", timeout=timeout)
        self.path = path

    def connect(self) -> None:
        sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        sock.settimeout(self.timeout)
        try:
            sock.connect(self.path)
        except OSError:
            sock.close()
            raise
        self.sock = sock


@dataclass(frozen=True)
class CupsAddress:
    """Where an IPP server listens: a unix socket path, or host and port; the
    resource path requests go to and whether TLS is used (``ipps``)."""

    host: str = "localhost"
    port: int = 631
    socket_path: str = ""
    path: str = "/"
    tls: bool = False

    @classmethod
    def parse(cls, server: str) -> CupsAddress:
        """``host``, ``host:port``, ``[v6]:port`` or ``/path/to/socket``
        (a libcups ``/version=...`` suffix is dropped)."""
        server = server.strip()
        if server.startswith("/"):
            return cls(socket_path=server)
        server = server.split("/", 1)[0]
        if server.startswith("["):
            host, _, rest = server[1:].partition("]")
            port = rest.lstrip(":")
        else:
            host, _, port = server.partition(":")
        return cls(host=host or "localhost", port=int(port) if port.isdigit() else 631)

    @classmethod
    def from_uri(cls, uri: str) -> CupsAddress:
        """An ``ipp://`` or ``ipps://`` printer URI; ValueError when it is not one."""
        parts = urllib.parse.urlsplit(uri.strip())
        if parts.scheme not in ("ipp", "ipps") or not parts.hostname:
            raise ValueError(f"not an ipp:// or ipps:// printer URI: {safe_uri(uri)}")
        try:
            port = parts.port or 631
        except ValueError:
            raise ValueError(f"bad port in printer URI: {safe_uri(uri)}") from None
        return cls(host=parts.hostname, port=port, path=parts.path or "/",
                   tls=parts.scheme == "ipps")

    def uri(self, path: str) -> bytes:
        """An ``ipp://`` URI naming ``path`` on this server, for request attributes."""
        host = "localhost" if self.socket_path else self.host
        host = f"[{host}]" if ":" in host else host
        return f"{'ipps' if self.tls else 'ipp'}://{host}:{self.port}{path}".encode()

    def connection(self, timeout: float) -> http.client.HTTPConnection:
        if self.socket_path:
            return _UnixHTTPConnection(self.socket_path, timeout)
        if self.tls:
            # Printers ship self-signed certificates, and CUPS itself trusts
            # them on first use. Only status is read over this connection and
            # no personal data is sent, so the certificate is not checked.
            ctx = ssl.create_default_context()
            ctx.check_hostname = False
            ctx.verify_mode = ssl.CERT_NONE
            return http.client.HTTPSConnection(self.host, self.port, timeout=timeout,
                                               context=ctx)
        return http.client.HTTPConnection(self.host, self.port, timeout=timeout)


def safe_uri(uri: str) -> str:
    """A URI for messages: no user:password, no control characters."""
    parts = urllib.parse.urlsplit(uri)
    netloc = parts.netloc.rpartition("@")[2]
    text = urllib.parse.urlunsplit((parts.scheme, netloc, parts.path, "", ""))
    return "".join(c for c in text if c.isprintable())[:200]


def ipp_request(address: CupsAddress, op: int, attrs: list[bytes], *,
                timeout: float = IPP_TIMEOUT_S, document: bytes = b"",
                user: str = "", groups: list[tuple[int, list[bytes]]] | None = None,
                ) -> tuple[int, list[tuple[int, Attrs]]]:
    """Send one request; ``user`` on a unix socket adds CUPS's ``PeerCred``
    authorisation (the kernel vouches for the uid), which owner-only
    operations such as Cancel-Job may need."""
    body = encode_request(op, [
        attr(CHARSET, "attributes-charset", b"utf-8"),
        attr(LANGUAGE, "attributes-natural-language", b"en"),
        *attrs,
    ], groups or [])
    headers = {"Content-Type": "application/ipp"}
    if user and address.socket_path:
        headers["Authorization"] = f"PeerCred {user}"
    conn = address.connection(timeout)
    try:
        try:
            conn.request("POST", address.path, body + document, headers)
        except (OSError, http.client.HTTPException) as e:
            raise IppError(f"cannot connect: {e}", unreachable=True) from None
        try:
            resp = conn.getresponse()
            data = resp.read(MAX_REPLY + 1)
        except (OSError, http.client.HTTPException) as e:
            raise IppError(f"no answer: {e}", unreachable=isinstance(e, TimeoutError)) from None
    finally:
        conn.close()
    if resp.status != 200:
        reason = "".join(c for c in str(resp.reason) if c.isprintable())[:100]
        raise IppError(f"HTTP {resp.status} {reason}", http_status=resp.status)
    if len(data) > MAX_REPLY:
        raise IppError("IPP reply larger than 1 MiB")
    return decode_response(data)


# -- printer readiness ----------------------------------------------------------------

def reason_code(keyword: str) -> str:
    """``media-empty-error`` -> ``media-empty``."""
    keyword = keyword.strip().lower()
    for suffix in _SUFFIXES:
        if keyword.endswith(suffix):
            return keyword[: -len(suffix)]
    return keyword


def classify(state: int | None, reasons: list[Any]) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """(blocking reason codes, warning codes) from printer-state and its reasons.

    A printer in state ``stopped`` with no reason we know still blocks, as
    ``stopped``."""
    codes = [reason_code(str(r)) for r in reasons if isinstance(r, str)]
    blocking = tuple(dict.fromkeys(c for c in codes if c in BLOCKING_REASONS))
    warnings = tuple(dict.fromkeys(c for c in codes if c in WARNING_REASONS))
    if state == PRINTER_STOPPED and not blocking:
        blocking = ("stopped",)
    return blocking, warnings


PRINTER_ATTRS = ("printer-state", "printer-state-reasons", "printer-state-message",
                 "printer-is-accepting-jobs")


def printer_attributes(address: CupsAddress, printer_uri: bytes, names: tuple[str, ...],
                       *, user: str = "ktptui", timeout: float = IPP_TIMEOUT_S
                       ) -> Attrs | None:
    """Get-Printer-Attributes; None when there is no such printer."""
    status, groups = ipp_request(address, OP_GET_PRINTER_ATTRIBUTES, [
        attr(URI, "printer-uri", printer_uri),
        attr(NAME, "requesting-user-name", user.encode()),
        attr(KEYWORD, "requested-attributes", *(n.encode() for n in names)),
    ], timeout=timeout)
    if status == STATUS_NOT_FOUND:
        return None
    if status >= 0x0100:
        raise IppError(f"printer refused the status query (IPP status 0x{status:04x})")
    found = group(groups, TAG_PRINTER)
    if found is None:
        raise IppError("no printer attributes in the reply")
    return found
