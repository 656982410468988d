"""The one connection to Stash's GraphQL endpoint, standard library only: the hook's lean path and
the full path both send every request through it.

Stash hands a plugin {Scheme, Host, Port, SessionCookie, Dir, PluginDir} (Go field names,
docs/stash.md §2); manual runs may give an ApiKey instead of the cookie. `ServerConnection.parse`
reads it (keys matched case-insensitively, as stashapi does; Host 0.0.0.0, Stash's default bind
address, is reached as 127.0.0.1) and says what is wrong with it.

Nothing is sent when the connection is built: no version check, no schema introspection
(stashapi's StashInterface does both on every construction, ~1.3 MB, paid by every hook
process). Requests go over one kept-alive HTTP/1.1 connection on a plain socket (KeptAliveHttp:
TCP_NODELAY, as Go's own clients; answers with Content-Length, chunked, or up to the end), with the
session cookie or ApiKey: a third of the CPU per request of http.client, itself a third of what
requests and urllib3 take. The socket is `_socket`'s, the C module that the `socket` module wraps:
importing `socket` builds four enum classes from the C module's constants and imports `selectors`
(with `math`), 2-3 ms of a hook process for nothing this connection uses. https goes through
`socket` and `ssl`, imported only then. Failures become the
errors of common/errors.py, here and only here; transient faults are retried (errors.may_retry,
limits.RETRY_DELAYS). The full path adds typed parsing on top (operations.read_as); the hook uses
`execute` as it is.
"""

from __future__ import annotations

import _socket
import io
import select
import time

from ..common import json_text as json
from ..common.errors import (
    LOCKED_MESSAGE,
    TRANSIENT_STATUSES,
    StashAuthError,
    StashServerError,
    StashTransportError,
    may_retry,
    server_error,
    short_repr,
)
from ..common.lean_functools import lru_cache
from ..common.limits import CONNECT_TIMEOUT, READ_TIMEOUT, RETRY_DELAYS
from ..common.log_protocol import write

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable, Sequence
    from typing import Any, TypeVar

    T = TypeVar("T")

GRAPHQL_PATH = "/graphql"
REDIRECT_STATUSES = (301, 302, 303, 307, 308)
JSON_NAMES = {bool: "a boolean", int: "a number", float: "a number", str: "a string", list: "an array"}


class ServerConnection:
    """server_connection as Stash sends it, checked: where to send requests and with which secret.

    The secrets stay out of repr() and str(); `secrets` lists them for redaction."""

    __slots__ = ("api_key", "cookie_name", "cookie_value", "host", "port", "scheme")

    def __init__(
        self, scheme: str, host: str, port: int, cookie_name: str = "session", cookie_value: str = "", api_key: str = ""
    ) -> None:
        self.scheme, self.host, self.port = scheme, host, port
        self.cookie_name, self.cookie_value, self.api_key = cookie_name, cookie_value, api_key

    def __repr__(self) -> str:
        secret = "ApiKey" if self.api_key else "SessionCookie" if self.cookie_value else "no secret"
        return f"ServerConnection({self.url}, {secret})"

    @property
    def url(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"{self.scheme}://{host}:{self.port}{GRAPHQL_PATH}"

    @property
    def secrets(self) -> list[str]:
        """The session cookie's value and the ApiKey, as given (for redaction)."""
        return [s for s in (self.cookie_value, self.api_key) if s]

    @property
    def headers(self) -> list[str]:
        """The request header lines that carry the secret."""
        head = [f"ApiKey: {self.api_key}"] if self.api_key else []
        if self.cookie_value:
            head.append(f"Cookie: {self.cookie_name or 'session'}={self.cookie_value}")
        return head

    @classmethod
    def parse(cls, raw: Any) -> ServerConnection:
        """Check a server_connection object; ValueError says what is wrong (never quoting a secret)."""
        if not isinstance(raw, dict):
            raise ValueError(f"server_connection must be an object, got {_json_name(raw)}")
        given = {str(key).lower(): value for key, value in raw.items()}
        scheme = given.get("scheme", "http")
        if scheme not in ("http", "https"):
            raise _malformed(f"Scheme: should be 'http' or 'https', got {short_repr(scheme)}")
        host = given.get("host", "localhost")
        if not isinstance(host, str):
            raise _malformed(f"Host: should be a string, got {_json_name(host)}")
        if not host.strip():
            raise _malformed("Host must not be empty")
        host = "127.0.0.1" if host.strip() == "0.0.0.0" else host.strip()
        port = _port(given.get("port", 9999))
        api_key = _secret("ApiKey", given.get("apikey"))
        cookie = given.get("sessioncookie")
        name, value = "session", ""
        if cookie is not None:
            if not isinstance(cookie, dict):
                raise _malformed(
                    f"SessionCookie: should be a dictionary (an object with Name and Value), got {_json_name(cookie)}"
                )
            parts = {str(key).lower(): part for key, part in cookie.items()}
            name = parts.get("name", "session")
            if not isinstance(name, str):
                raise _malformed(f"SessionCookie.Name: should be a string, got {_json_name(name)}")
            if "value" not in parts:
                raise _malformed("SessionCookie.Value: missing")
            value = _secret("SessionCookie.Value", parts["value"])
        return cls(scheme, host, port, name, value, api_key)


def _malformed(problem: str) -> ValueError:
    return ValueError(f"server_connection is malformed: {problem}")


def _json_name(value: Any) -> str:
    return "null" if value is None else JSON_NAMES.get(type(value), "an object")


def _port(value: Any) -> int:
    """The port as Stash's JSON may give it: a number, or text holding one (whole, 1 to 65535)."""
    number: Any = value
    if isinstance(value, str) and value.strip().isdigit():
        number = int(value.strip())
    elif isinstance(value, float) and value.is_integer():
        number = int(value)
    if isinstance(number, bool) or not isinstance(number, int):
        raise _malformed(f"Port: should be an integer from 1 to 65535, got {short_repr(value)}")
    if not 1 <= number <= 65535:
        raise _malformed(f"Port: should be an integer from 1 to 65535, got {number}")
    return number


def _secret(name: str, value: Any) -> str:
    """A cookie value or key, refused (never quoted) when it would break the request header or be
    quoted in its error."""
    if value is None:
        return ""
    if not isinstance(value, str):
        raise _malformed(f"{name}: should be a string, got {_json_name(value)}")
    if value != value.strip() or any(ord(c) < 32 or ord(c) == 127 for c in value):
        raise ValueError(
            f"server_connection.{name} has spaces or control characters (a line break?) in it; give it exactly as"
            " Stash shows it"
        )
    return value


@lru_cache(maxsize=16)  # (the documents' own texts: stash/documents.py keeps as many)
def query_json(query: str) -> bytes:
    """json.dumps(query), encoded: the query's part of a request's body, written once per query text
    a run sends (every full page sends the same: a page of 200 galleries' images asks 56 KB of
    text, which json takes 76 us to write)."""
    return json.dumps(query).encode()


class JsonObject:
    """Variables whose values are JSON text already: a batch's (batch.py), each input written once
    when it was checked (models.InputJson), so that a write naming 20,000 images never holds them as
    20,000 strings at once. The request's body is what json.dumps writes for the same values, byte
    for byte (its separators)."""

    __slots__ = ("members",)

    def __init__(self, members: Sequence[tuple[str, bytes]]) -> None:
        self.members = members

    def request(self, query: str) -> bytes:
        """The body of the request sending `query` with these variables."""
        pieces = [b'{"query": ', query_json(query), b', "variables": {']
        for n, (name, text) in enumerate(self.members):
            pieces += (b", " if n else b"", json.dumps(name).encode(), b": ", text)
        pieces.append(b"}}")
        return b"".join(pieces)


class StashConnection:
    """Sends GraphQL requests to one Stash server; counts them; retries transient faults.

    `warn` gets the line logged before each retry (default: Stash's log protocol on stderr, the
    server's secrets redacted); the full path hands it its logger's warning. `read_timeout`: how
    long an answer may take (a scrape client sets its own: Stash sets none on script scrapers)."""

    def __init__(
        self,
        server: ServerConnection,
        *,
        retry_delays: tuple[float, ...] = RETRY_DELAYS,
        sleep: Callable[[float], None] = time.sleep,
        warn: Callable[[str], None] | None = None,
        read_timeout: float = READ_TIMEOUT,
    ) -> None:
        self.server = server
        self.read_timeout = read_timeout
        self.url = server.url
        self.retry_delays = retry_delays
        self.sleep = sleep
        self.warn = warn or (lambda message: write("w", message, server.secrets))
        self.requests_sent = 0
        self.http = KeptAliveHttp(server.scheme, server.host, server.port, self.url, server.headers)
        self.http.read_timeout = read_timeout
        # the digest of the answers to reads (start_read_digest), and the last answer, taken into it
        # once it is known to be a good one (a failed attempt that is retried is not)
        self._reads: Any = None
        self._answer: bytes | None = None

    @classmethod
    def from_server_connection(cls, raw: Any, **kwargs: Any) -> StashConnection:
        return cls(ServerConnection.parse(raw), **kwargs)

    def execute(
        self, query: str, variables: dict[str, Any] | None = None, *, idempotent: bool = True
    ) -> dict[str, Any]:
        """Send one GraphQL request and return its `data`; any GraphQL error raises.

        Transient faults are retried after RETRY_DELAYS. A request that is not
        idempotent (it would create something twice) is retried only when it surely
        did not reach Stash (connection refused) or Stash says its transaction failed
        (database is locked). Raises StashTransportError, StashAuthError or
        StashServerError.
        """

        def once() -> dict[str, Any]:
            body = self.result(*self.post(query, variables or {}))
            if body.get("errors"):
                raise server_error(error_list(body))
            data: dict[str, Any] = body.get("data") or {}
            return data

        return self.retrying(once, idempotent)

    def execute_partial(
        self,
        query: str,
        variables: dict[str, Any] | JsonObject | None = None,
        *,
        idempotent: bool = True,
        keys: Sequence[str] = (),
        retry_locked: bool = False,
        keep_items: bool = True,
    ) -> tuple[dict[str, Any] | None, list[dict[str, Any]]]:
        """For aliased mutations: (data, errors) when some fields failed and others did not.

        `keys` are the response keys (aliases) of the root fields. Errors of single
        fields are returned, since the other fields' transactions committed. When a
        non-null field (a Boolean! mutation) fails, Stash (gqlgen) still runs every
        other field but answers `data: null`: then `data` is None and the errors are
        those of the failed fields. Only a request-level failure raises and is retried.

        `retry_locked` (for reads): a field that failed with "database is locked" sends the whole
        request again, as a request-level failure is (a read never did anything to undo); when
        Stash stays locked, StashServerError with those errors.

        `keep_items=False` (for writes whose answer nobody reads, selected `{ id }`): each `{ id }`
        object of the answer is None in `data` (see `result`).
        """

        def once() -> tuple[dict[str, Any] | None, list[dict[str, Any]]]:
            body = self.result(*self.post(query, variables or {}), keep_items=keep_items)
            errors = error_list(body)
            data = body.get("data")
            if errors and data is None and not all(_path_head(e) in keys for e in errors):
                raise server_error(errors)
            locked = [e for e in errors if LOCKED_MESSAGE in str(e.get("message"))]
            if retry_locked and locked:
                raise server_error(locked)
            return data, errors

        return self.retrying(once, idempotent)

    def start_read_digest(self) -> None:
        """Keep a digest of the answers to every read from now on (a page action's basis)."""
        from ..common.digest import sha256  # here, not at the top: the hook's process never digests

        self._reads = sha256()

    def read_digest(self) -> str:
        """The digest of the answers to the reads since start_read_digest (sha256, hex)."""
        if self._reads is None:
            raise RuntimeError("start_read_digest was not called")
        return str(self._reads.hexdigest())

    def retrying(self, once: Callable[[], T], idempotent: bool) -> T:
        """`once()`, sent again after each pause of `retry_delays` while it fails in a way worth
        retrying (errors.may_retry); the last failure is raised."""
        attempt = 0
        while True:
            try:
                result = once()
                if self._answer is not None:  # a read answered without error
                    self._reads.update(self._answer)
                    self._answer = None
                return result
            except (StashTransportError, StashServerError) as exc:
                if not may_retry(exc, idempotent) or attempt >= len(self.retry_delays):
                    raise
                delay = self.retry_delays[attempt]
                attempt += 1
                self.warn(f"Stash request failed ({exc}); retry {attempt} of {len(self.retry_delays)} in {delay:.2f}s")
                self.sleep(delay)

    def close(self) -> None:
        """Close the kept-alive connection (the next request opens a new one)."""
        self.http.close()

    def post(self, query: str, variables: dict[str, Any] | JsonObject) -> tuple[int, bytes]:
        """One POST, not retried: the status and the body, after the checks every answer gets
        (redirect, 401, 502-504)."""
        self._answer = None
        self.requests_sent += 1
        if isinstance(variables, JsonObject):
            payload = variables.request(query)
        else:
            # (what json.dumps writes of {"query": query, "variables": variables}, byte for byte)
            payload = b'{"query": ' + query_json(query) + b', "variables": ' + json.dumps(variables).encode() + b"}"
        http = self.http
        if http.is_open and _closed_by_peer(http.socket):  # Stash closed the idle kept-alive connection
            http.close()
        if not http.is_open:
            try:
                http.connect()
            except OSError as exc:  # nothing was sent: the request surely did not reach Stash
                refused = isinstance(exc, ConnectionRefusedError)
                what = "connection refused" if refused else f"connection failed ({type(exc).__name__})"
                raise StashTransportError(f"cannot reach Stash at {self.url}: {what}", reached_server=False) from None
        try:
            http.send(payload)
            del payload  # (a big write's request is not held while its answer is read)
            status, headers, content = http.receive()
        except (OSError, ValueError) as exc:  # sent, at least in part: it may have reached Stash
            http.close()
            raise StashTransportError(
                f"cannot reach Stash at {self.url}: connection failed ({type(exc).__name__})", reached_server=True
            ) from exc
        if status in REDIRECT_STATUSES:  # never followed: the ApiKey and the cookie would go along
            from urllib.parse import urljoin  # here: a hook's process imports no urllib

            target = urljoin(self.url, headers.get("location", ""))
            where = "another origin" if _origin(target) != _origin(self.url) else "another address"
            raise StashTransportError(
                f"Stash at {self.url} answered HTTP {status}, a redirect to {where} ({_origin(target)});"
                " Gallery Tools does not follow redirects, so the session cookie and API key are not sent there."
                " Give the address Stash really answers on (scheme, host, port)",
                status=status,
            )
        if status == 401:
            raise StashAuthError(
                f"Stash at {self.url} answered 401 Unauthorized: the session cookie or API key is missing or wrong",
                status=401,
            )
        if status in TRANSIENT_STATUSES:
            raise self.no_result(status)
        if self._reads is not None and not query.startswith("mutation"):
            self._answer = content
        return status, content

    def answer_text(self, query: str, variables: dict[str, Any]) -> tuple[int, str | bytes]:
        """post, with the answer's bytes let go once they are text (as json.loads makes them,
        json.detect_encoding; bytes that are not text are given as they are, for `result` to
        refuse): a page of 1,000 images answers 0.24 MB, which json would otherwise hold twice
        over while it reads the text into objects, a big gallery's peak on every page."""
        status, content = self.post(query, variables)
        try:
            return status, content.decode(json.detect_encoding(content), "surrogatepass")
        except ValueError:
            return status, content

    def result(self, status: int, content: bytes | str, keep_items: bool = True) -> dict[str, Any]:
        """The GraphQL result in an answer's body: an object with data or errors (else no_result).

        `keep_items=False`: every `{ id }` object in it is read as None, never made (the answer of
        a bulkImageUpdate that wrote 20,000 images is 20,000 of them, a 4 MiB peak for nothing),
        and an answer of nothing else (a batch whose writes all went through) is not even decoded
        (id_lists); the envelope, the errors and their places are read as usual."""
        body = None if keep_items or type(content) is not bytes else id_lists(content)
        if body is None:
            try:
                body = json.loads(content) if keep_items else json.loads(content, object_pairs_hook=_item_dropped)
            except ValueError:
                body = None
        if not isinstance(body, dict) or ("data" not in body and "errors" not in body):
            raise self.no_result(status)
        return body

    def no_result(self, status: int) -> StashTransportError:
        """The error for an answer that holds no GraphQL result."""
        return StashTransportError(
            f"Stash at {self.url} answered HTTP {status} without a GraphQL result", status=status
        )


# The two ways JSON is written without a line break: Go's (Stash's), and with a space after each
# `,` and `:` (Python's json.dumps default); per way: the separators after an item and after a name.
_SEPARATORS = ((b",", b":"), (b", ", b": "))
_DIGITS = b"0123456789"


def id_lists(content: bytes) -> dict[str, Any] | None:
    """What `json.loads(content, object_pairs_hook=_item_dropped)` gives, read without decoding
    `content`, when it is an answer of data alone whose every field is a list of `{ id }` objects
    with ids of digits, written on one line with one spacing throughout: {"data": {field: [None,
    ...]}}. None for any other answer (errors, a null field, other ids, other spacing): decode it.

    A batch of writes that all went through answers that way, and a big one (20,000 images
    written) is the largest answer of its run: decoding it makes its text a second time (json
    reads bytes as text first), the run's peak. Checked here in C, a field at a time (a field's
    list is its ids alone once their digits are left out), so nothing but the lists is made."""
    spacing = next((pair for pair in _SEPARATORS if content.startswith(b'{"data"' + pair[1] + b"{")), None)
    if spacing is None or not content.endswith(b"]}}"):
        return None
    comma, colon = spacing
    opening = b'{"data"' + colon + b"{"
    item_open, item_close = b'{"id"' + colon + b'"', b'"}'
    between, named = item_close + comma + item_open, b'"' + colon + b"["
    without_id = b'{"id"' + colon + b'""}'
    data: dict[str, Any] = {}
    at, stop = len(opening), len(content) - 2  # the fields: content[at:stop]
    while True:
        name_end = content.find(named, at, stop)
        name = content[at + 1 : name_end]
        if content[at : at + 1] != b'"' or name_end < 0 or name == b"id" or not name.replace(b"_", b"").isalnum():
            return None  # (a name json reads as it is: letters, digits and _; an object of "id" alone is None)
        start = name_end + len(named)
        end = content.find(b"]", start, stop)
        if end < 0:
            return None
        count = content.count(b"{", start, end)
        if count and not (
            content.startswith(item_open, start)
            and content.endswith(item_close, start, end)
            and content.count(between, start, end) == count - 1
            and content[start:end].translate(None, _DIGITS) == comma.join([without_id] * count)
        ):
            return None
        if not count and end != start:
            return None
        data[name.decode()] = [None] * count
        at = end + 1
        if at == stop:
            return {"data": data}
        if not content.startswith(comma, at, stop):
            return None
        at += len(comma)


def _item_dropped(pairs: list[tuple[str, Any]]) -> dict[str, Any] | None:
    """json.loads' object_pairs_hook for StashConnection.result(keep_items=False): None for an
    object that is an id alone (a mutation's `{ id }` answer), else the object."""
    if len(pairs) == 1 and pairs[0][0] == "id":
        return None
    return dict(pairs)


def error_list(body: dict[str, Any]) -> list[dict[str, Any]]:
    """A result's errors, each an object (a bare message becomes {"message": ...})."""
    return [e if isinstance(e, dict) else {"message": str(e)} for e in body.get("errors") or []]


def _closed_by_peer(sock: Any) -> bool:
    """True when an idle kept-alive socket was closed by Stash (it reads as ready, at its end)."""
    try:
        return bool(select.select([sock], [], [], 0)[0])
    except (OSError, ValueError):
        return True


def _path_head(error: dict[str, Any]) -> str | None:
    path = error.get("path")
    return str(path[0]) if isinstance(path, list) and path else None


def _origin(url: str) -> str:
    """scheme://host:port of a URL (the default port made explicit)."""
    from urllib.parse import urlsplit

    parts = urlsplit(url)
    port = parts.port or {"http": 80, "https": 443}.get(parts.scheme, 0)
    return f"{parts.scheme}://{(parts.hostname or '').lower()}:{port}"


# -- the transport ------------------------------------------------------------------------------------
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
        self.read_timeout = READ_TIMEOUT  # how long an answer may take (StashConnection's read_timeout)

    @property
    def is_open(self) -> bool:
        return self.socket is not None

    def connect(self) -> None:
        """Open the connection (OSError when it cannot be opened: then nothing was sent)."""
        # An ASCII host goes as bytes: a str is encoded with the idna codec first, whose import
        # (encodings.idna, stringprep, unicodedata) would cost a hook more than its connect.
        # (typeshed says str; getaddrinfo takes bytes as well.)
        host: Any = self.host.encode("ascii") if self.host.isascii() else self.host
        if self.scheme == "https":
            self.socket, self.reader = _tls_connection(host, self.host, self.port, self.read_timeout)
            return
        sock = _tcp_connection(host, self.port)
        try:
            sock.setsockopt(_socket.IPPROTO_TCP, _socket.TCP_NODELAY, 1)
            sock.settimeout(self.read_timeout)
        except OSError:
            sock.close()
            raise
        self.socket, self.reader = sock, io.BufferedReader(_Received(sock))

    def send(self, body: bytes) -> None:
        """Send a request of `body` on the open connection (then `receive` its answer). A failure
        (OSError) may come after some of it was sent: it may have reached Stash."""
        self.socket.sendall((self.head + f"Content-Length: {len(body)}\r\n\r\n").encode("latin-1") + body)

    def receive(self) -> tuple[int, dict[str, str], bytes]:
        """The answer to the request sent: (status, headers, body). The connection is closed after
        an answer that says so. A failure (OSError, ValueError) means it may have reached Stash."""
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


def _tcp_connection(host: Any, port: int) -> _socket.socket:
    """A TCP connection to `host` as socket.create_connection makes it: each address getaddrinfo
    gives, in its order, until one takes the connection; when none does, the first failure (a
    ConnectionRefusedError says that nothing was sent)."""
    failures: list[OSError] = []
    for family, kind, proto, _, address in _socket.getaddrinfo(host, port, 0, _socket.SOCK_STREAM):
        sock = _socket.socket(family, kind, proto)
        try:
            sock.settimeout(CONNECT_TIMEOUT)
            sock.connect(address)
            return sock
        except OSError as exc:
            sock.close()
            failures.append(exc)
    if failures:
        raise failures[0]
    raise OSError(f"getaddrinfo found no address for {host!r}")


def _tls_connection(host: Any, server_hostname: str, port: int, read_timeout: float) -> tuple[Any, Any]:
    """https: (socket, reader) through the `socket` and `ssl` modules (ssl wraps only their sockets)."""
    import socket
    import ssl

    sock = socket.create_connection((host, port), timeout=CONNECT_TIMEOUT)
    try:
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        sock.settimeout(read_timeout)
        sock = ssl.create_default_context().wrap_socket(sock, server_hostname=server_hostname)
    except OSError:
        sock.close()
        raise
    return sock, sock.makefile("rb")


class _Received(io.RawIOBase):
    """The bytes a socket receives, as a raw stream for io.BufferedReader (what socket.makefile("rb")
    builds, without the `socket` module). A timeout raises TimeoutError, as there."""

    def __init__(self, sock: _socket.socket) -> None:
        self.sock = sock

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        return self.sock.recv_into(buffer)


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
