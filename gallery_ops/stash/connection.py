"""One HTTP connection to Stash's GraphQL endpoint, built from the plugin's server_connection.

Stash hands a plugin {Scheme, Host, Port, SessionCookie, Dir, PluginDir} (Go field
names, docs/stash.md §2); manual runs may give an ApiKey instead of the cookie. Host
0.0.0.0 (Stash's default bind address) is reached as 127.0.0.1.

Nothing is sent when the connection is built: no version check, no schema
introspection (stashapi's StashInterface does both on every construction, ~1.3 MB,
paid by every hook process). Requests go over one kept-alive HTTP/1.1 connection on a
plain socket (TCP_NODELAY; https through ssl), with the headers stashapi sends
(`Content-Type` and `Accept: application/json`), sent and read by the lean hook path's
transport (http.KeptAliveHttp, http.read_answer: Content-Length or chunked). That costs a third of
the CPU per request of http.client, itself a third of what requests and urllib3 take,
which matters over the requests of a big task. Errors are typed here, with retries for
transient faults.
"""

from __future__ import annotations

import json
import logging
import select
import time
from collections.abc import Callable, Sequence
from typing import Any, Generic, Literal, TypeVar
from urllib.parse import urljoin, urlsplit

from pydantic import BaseModel, ConfigDict, Field, SecretStr, TypeAdapter, ValidationError, field_validator

from ..common.errors import (
    TRANSIENT_STATUSES,
    StashAuthError,
    StashServerError,
    StashTransportError,
    may_retry,
    server_error,
)
from ..common.limits import RETRY_DELAYS
from .http import KeptAliveHttp
from .models import validation_problems

log = logging.getLogger("gallery_ops")


T = TypeVar("T")

GRAPHQL_PATH = "/graphql"
REDIRECT_STATUSES = (301, 302, 303, 307, 308)


class GoCookie(BaseModel):
    """The part of Go's http.Cookie that matters: its value (kept secret in reprs and logs)."""

    model_config = ConfigDict(extra="ignore")
    Name: str = "session"
    Value: SecretStr


class ServerConnection(BaseModel):
    """server_connection as Stash sends it (keys matched case-insensitively, as stashapi does)."""

    model_config = ConfigDict(extra="ignore")
    Scheme: Literal["http", "https"] = "http"
    Host: str = "localhost"
    Port: int = Field(default=9999, ge=1, le=65535)
    SessionCookie: GoCookie | None = None
    ApiKey: SecretStr | None = None
    Dir: str | None = None
    PluginDir: str | None = None

    @field_validator("Host")
    @classmethod
    def _host(cls, value: str) -> str:
        value = value.strip()
        if not value:
            raise ValueError("Host must not be empty")
        return "127.0.0.1" if value == "0.0.0.0" else value

    @property
    def url(self) -> str:
        host = f"[{self.Host}]" if ":" in self.Host else self.Host
        return f"{self.Scheme}://{host}:{self.Port}{GRAPHQL_PATH}"

    @classmethod
    def parse(cls, raw: Any) -> ServerConnection:
        """Validate a server_connection object; ValueError says what is wrong."""
        if not isinstance(raw, dict):
            raise ValueError(f"server_connection must be an object, got {type(raw).__name__}")
        names = {name.lower(): name for name in cls.model_fields}
        normalized = {names.get(str(key).lower(), key): value for key, value in raw.items()}
        try:
            server = cls.model_validate(normalized)
        except ValidationError as exc:
            raise ValueError(
                f"server_connection is malformed: {validation_problems(exc, 'server_connection')}"
            ) from None
        # such a header or cookie would break the request, or be quoted in its error: refuse it
        # here, before it can reach an error message or a log
        for name, secret in (
            ("ApiKey", server.ApiKey),
            ("SessionCookie.Value", server.SessionCookie and server.SessionCookie.Value),
        ):
            value = secret.get_secret_value() if secret else ""
            if value != value.strip() or any(ord(c) < 32 or ord(c) == 127 for c in value):
                raise ValueError(
                    f"server_connection.{name} has spaces or control characters (a line break?) in"
                    " it; give it exactly as Stash shows it"
                )
        return server


class Envelope(BaseModel, Generic[T]):
    """A GraphQL answer: `data` of the query's shape, and errors.

    Only the keys of the JSON text are looked up in pydantic-core's string cache: the values of a
    big read (ids, paths) are nearly all different, so caching them costs more than it saves
    (about a quarter of the parsing of a page of images)."""

    model_config = ConfigDict(cache_strings="keys")
    data: T | None = None
    errors: list[dict[str, Any]] | None = None


class StashConnection:
    """Sends GraphQL requests to one Stash server; counts them; retries transient faults."""

    def __init__(
        self,
        server: ServerConnection,
        *,
        retry_delays: tuple[float, ...] = RETRY_DELAYS,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.server = server
        self.url = server.url
        self.retry_delays = retry_delays
        self.sleep = sleep
        self.requests_sent = 0
        head: list[str] = []
        if server.ApiKey is not None and server.ApiKey.get_secret_value():
            head.append(f"ApiKey: {server.ApiKey.get_secret_value()}")
        if server.SessionCookie is not None:
            cookie = server.SessionCookie
            head.append(f"Cookie: {cookie.Name or 'session'}={cookie.Value.get_secret_value()}")
        self.http = KeptAliveHttp(server.Scheme, server.Host, server.Port, self.url, head)

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
            body = self._send(query, variables or {})
            if body.get("errors"):
                raise server_error(_error_list(body))
            data: dict[str, Any] = body.get("data") or {}
            return data

        result: dict[str, Any] = self._with_retries(once, idempotent)
        return result

    def execute_as(self, query: str, variables: dict[str, Any], data: TypeAdapter[Envelope[T]]) -> T:
        """Like execute (for reads), with Stash's answer parsed and validated in one pass.

        `data` is `TypeAdapter(Envelope[<the query's data>])`: the JSON text goes straight into
        the models (pydantic-core), without building dicts first; big reads cost about half
        the CPU that way. Errors raise as with execute.
        """

        def once() -> T:
            status, content = self._post(query, variables)
            try:
                envelope = data.validate_json(content)
            except ValidationError:  # not the answer this query has: say what Stash did answer
                body = self._body(status, content)
                if body.get("errors"):
                    raise server_error(_error_list(body)) from None
                raise StashTransportError(
                    f"Stash at {self.url} answered HTTP {status} with data this query does not have", status=status
                ) from None
            if envelope.errors:
                raise server_error(_error_list({"errors": envelope.errors}))
            if envelope.data is None:
                raise StashTransportError(f"Stash at {self.url} answered HTTP {status} without data", status=status)
            return envelope.data

        result: T = self._with_retries(once, True)
        return result

    def execute_partial(
        self, query: str, variables: dict[str, Any] | None = None, *, idempotent: bool = True, keys: Sequence[str] = ()
    ) -> tuple[dict[str, Any] | None, list[dict[str, Any]]]:
        """For aliased mutations: (data, errors) when some fields failed and others did not.

        `keys` are the response keys (aliases) of the root fields. Errors of single
        fields are returned, since the other fields' transactions committed. When a
        non-null field (a Boolean! mutation) fails, Stash (gqlgen) still runs every
        other field but answers `data: null`: then `data` is None and the errors are
        those of the failed fields. Only a request-level failure raises and is retried.
        """

        def once() -> tuple[dict[str, Any] | None, list[dict[str, Any]]]:
            body = self._send(query, variables or {})
            errors = _error_list(body)
            data = body.get("data")
            if errors and data is None and not all(_path_head(e) in keys for e in errors):
                raise server_error(errors)
            return data, errors

        result: tuple[dict[str, Any] | None, list[dict[str, Any]]] = self._with_retries(once, idempotent)
        return result

    def _with_retries(self, once: Callable[[], Any], idempotent: bool) -> Any:
        attempt = 0
        while True:
            try:
                return once()
            except (StashTransportError, StashServerError) as exc:
                if not may_retry(exc, idempotent) or attempt >= len(self.retry_delays):
                    raise
                delay = self.retry_delays[attempt]
                attempt += 1
                log.warning(
                    "Stash request failed (%s); retry %d of %d in %.2fs", exc, attempt, len(self.retry_delays), delay
                )
                self.sleep(delay)

    def close(self) -> None:
        """Close the kept-alive connection (the next request opens a new one)."""
        self.http.close()

    def _send(self, query: str, variables: dict[str, Any]) -> dict[str, Any]:
        status, content = self._post(query, variables)
        return self._body(status, content)

    def _post(self, query: str, variables: dict[str, Any]) -> tuple[int, bytes]:
        """One POST: the status and the body, after the checks every answer gets (401, 502-504)."""
        self.requests_sent += 1
        payload = json.dumps({"query": query, "variables": variables}).encode()
        http = self.http
        if http.is_open and _closed_by_peer(http.socket):  # Stash closed the idle kept-alive connection
            http.close()
        if not http.is_open:
            http.connect()  # a failure here surely did not reach Stash
        try:
            status, headers, content = http.exchange(payload)
        except (OSError, ValueError) as exc:  # sent, at least in part: it may have reached Stash
            http.close()
            raise StashTransportError(
                f"cannot reach Stash at {self.url}: connection failed ({type(exc).__name__})", reached_server=True
            ) from exc
        if status in REDIRECT_STATUSES:  # never followed: the ApiKey and the cookie would go along
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
            raise StashTransportError(
                f"Stash at {self.url} answered HTTP {status} without a GraphQL result", status=status
            )
        return status, content

    def _body(self, status: int, content: bytes) -> dict[str, Any]:
        body = _json_body(content)
        if body is None or ("data" not in body and "errors" not in body):
            raise StashTransportError(
                f"Stash at {self.url} answered HTTP {status} without a GraphQL result", status=status
            )
        return body


def _closed_by_peer(sock: Any) -> bool:
    """True when an idle kept-alive socket was closed by Stash (it reads as ready, at its end)."""
    try:
        return bool(select.select([sock], [], [], 0)[0])
    except (OSError, ValueError):
        return True


def _path_head(error: dict[str, Any]) -> str | None:
    path = error.get("path")
    return str(path[0]) if isinstance(path, list) and path else None


def _error_list(body: dict[str, Any]) -> list[dict[str, Any]]:
    return [e if isinstance(e, dict) else {"message": str(e)} for e in body.get("errors") or []]


def _origin(url: str) -> str:
    """scheme://host:port of a URL (the default port made explicit)."""
    parts = urlsplit(url)
    port = parts.port or {"http": 80, "https": 443}.get(parts.scheme, 0)
    return f"{parts.scheme}://{(parts.hostname or '').lower()}:{port}"


def _json_body(content: bytes) -> dict[str, Any] | None:
    try:
        body = json.loads(content)
    except ValueError:
        return None
    return body if isinstance(body, dict) else None
