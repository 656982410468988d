"""POST /graphql over one kept-alive HTTP/1.1 connection, with the standard library only.

TCP_NODELAY, as Go's own clients; https through ssl, imported only then. Answers with
Content-Length, chunked, or up to the end of the connection.
"""

from __future__ import annotations

import socket

from ..common.limits import CONNECT_TIMEOUT, READ_TIMEOUT

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any


class KeptAliveHttp:
    """POST /graphql to one Stash over one kept-alive HTTP/1.1 connection: the transport of
    connection.StashConnection, which turns its OSErrors into errors."""

    def __init__(self, scheme: str, host: str, port: int, url: str, headers: list[str]) -> None:
        self.scheme, self.host, self.port, self.url = scheme, host, port, url
        shown = f"[{host}]" if ":" in host else host
        head = [f"Host: {shown}:{port}", "Content-Type: application/json", "Accept: application/json", *headers]
        self.head = "POST /graphql HTTP/1.1\r\n" + "".join(f"{line}\r\n" for line in head)
        self.socket: Any = None
        self.reader: Any = None
        self.read_timeout = READ_TIMEOUT  # how long an answer may take (a scrape client sets its own)

    @property
    def is_open(self) -> bool:
        return self.socket is not None

    def connect(self) -> None:
        """Open the connection (OSError when it cannot be opened: then nothing was sent)."""
        sock = socket.create_connection((self.host, self.port), timeout=CONNECT_TIMEOUT)
        try:
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            sock.settimeout(self.read_timeout)
            if self.scheme == "https":
                import ssl

                sock = ssl.create_default_context().wrap_socket(sock, server_hostname=self.host)
        except OSError:
            sock.close()
            raise
        self.socket, self.reader = sock, sock.makefile("rb")

    def exchange(self, body: bytes) -> tuple[int, dict[str, str], bytes]:
        """Send `body` on the open connection and read one answer: (status, headers, body). The
        connection is closed after an answer that says so. A failure (OSError, ValueError) may come
        after some of the request was sent: it may have reached Stash."""
        self.socket.sendall((self.head + f"Content-Length: {len(body)}\r\n\r\n").encode("latin-1") + body)
        status, headers, content, closes = read_answer(self.reader)
        if closes:
            self.close()
        return status, headers, content

    def close(self) -> None:
        """Close the connection (the next request opens a new one)."""
        if self.socket is not None:
            try:
                self.reader.close()
                self.socket.close()
            except OSError:
                pass
        self.socket = self.reader = None


def read_answer(reader: Any) -> tuple[int, dict[str, str], bytes, bool]:
    """One HTTP/1.1 answer from `reader` (a socket's binary file): the status, the headers (names in
    lower case), the body (Content-Length, chunked, or up to the end), and whether the connection
    closes after it."""
    status_line = reader.readline(65537)
    if not status_line:
        raise ConnectionResetError("the connection was closed before an answer")
    parts = status_line.split(None, 2)
    if len(parts) < 2 or not parts[0].startswith(b"HTTP/"):
        raise ValueError("not an HTTP answer")
    status = int(parts[1])
    headers: dict[str, str] = {}
    while True:
        line = reader.readline(65537)
        if line in (b"\r\n", b"\n", b""):
            break
        key, _, value = line.decode("latin-1").partition(":")
        headers[key.strip().lower()] = value.strip()
    if "chunked" in headers.get("transfer-encoding", "").lower():
        body = _read_chunked(reader)
    elif "content-length" in headers:
        body = _read_exactly(reader, int(headers["content-length"]))
    else:
        body = reader.read()
        return status, headers, body, True
    return status, headers, body, headers.get("connection", "").lower() == "close" or parts[0] == b"HTTP/1.0"


def _read_chunked(reader: Any) -> bytes:
    chunks: list[bytes] = []
    while True:
        size = int(reader.readline(65537).split(b";")[0].strip() or b"0", 16)
        if size == 0:
            while reader.readline(65537) not in (b"\r\n", b"\n", b""):
                pass  # trailers
            return b"".join(chunks)
        chunks.append(_read_exactly(reader, size))
        reader.readline(65537)  # the CRLF after each chunk


def _read_exactly(reader: Any, size: int) -> bytes:
    data: bytes = reader.read(size)
    if len(data) != size:
        raise ConnectionResetError("the answer was cut off")
    return data
