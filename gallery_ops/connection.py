"""One HTTP connection to Stash's GraphQL endpoint, built from the plugin's server_connection.

Stash hands a plugin {Scheme, Host, Port, SessionCookie, Dir, PluginDir} (Go field
names, docs/stash.md §2); manual runs may give an ApiKey instead of the cookie. Host
0.0.0.0 (Stash's default bind address) is reached as 127.0.0.1.

Nothing is sent when the connection is built: no version check, no schema
introspection (stashapi's StashInterface does both on every construction, ~1.3 MB,
paid by every hook process). The HTTP session comes from stashapi's GQLWrapper (its
headers include `Accept: application/json`); requests and errors are handled here,
typed, with retries for transient faults.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Sequence
from typing import Any, Literal

import requests
from pydantic import BaseModel, ConfigDict, Field, SecretStr, ValidationError, field_validator
from stashapi.classes import GQLWrapper

from .errors import (
    TRANSIENT_STATUSES,
    StashAuthError,
    StashServerError,
    StashTransportError,
    may_retry,
    server_error,
)
from .limits import CONNECT_TIMEOUT, READ_TIMEOUT, RETRY_DELAYS
from .models import validation_problems

log = logging.getLogger("gallery_ops")


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
        return f"{self.Scheme}://{host}:{self.Port}/graphql"

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
            raise ValueError(f"server_connection is malformed: {validation_problems(exc, 'server_connection')}") \
                from None
        # requests refuses such a header or cookie with an error that quotes it: refuse it here,
        # before it can reach an error message or a log
        for name, secret in (("ApiKey", server.ApiKey),
                             ("SessionCookie.Value", server.SessionCookie and server.SessionCookie.Value)):
            value = secret.get_secret_value() if secret else ""
            if value != value.strip() or any(ord(c) < 32 or ord(c) == 127 for c in value):
                raise ValueError(f"server_connection.{name} has spaces or control characters (a line break?) in"
                                 " it; give it exactly as Stash shows it")
        return server


class StashConnection(GQLWrapper):
    """Sends GraphQL requests to one Stash server; counts them; retries transient faults."""

    def __init__(self, server: ServerConnection, *, retry_delays: tuple[float, ...] = RETRY_DELAYS,
                 sleep: Callable[[float], None] = time.sleep) -> None:
        super().__init__()
        self.url = server.url
        self.retry_delays = retry_delays
        self.sleep = sleep
        self.requests_sent = 0
        if server.ApiKey is not None and server.ApiKey.get_secret_value():
            self.s.headers.update({"ApiKey": server.ApiKey.get_secret_value()})
        if server.SessionCookie is not None:
            self.s.cookies.set(server.SessionCookie.Name or "session", server.SessionCookie.Value.get_secret_value())

    @classmethod
    def from_server_connection(cls, raw: Any, **kwargs: Any) -> StashConnection:
        return cls(ServerConnection.parse(raw), **kwargs)

    def execute(self, query: str, variables: dict[str, Any] | None = None, *, idempotent: bool = True) -> dict:
        """Send one GraphQL request and return its `data`; any GraphQL error raises.

        Transient faults are retried after RETRY_DELAYS. A request that is not
        idempotent (it would create something twice) is retried only when it surely
        did not reach Stash (connection refused) or Stash says its transaction failed
        (database is locked). Raises StashTransportError, StashAuthError or
        StashServerError.
        """

        def once() -> dict:
            body = self._send(query, variables or {})
            if body.get("errors"):
                raise server_error(_error_list(body))
            return body.get("data") or {}

        return self._with_retries(once, idempotent)

    def execute_partial(self, query: str, variables: dict[str, Any] | None = None, *,
                        idempotent: bool = True, keys: Sequence[str] = ()) -> tuple[dict | None, list[dict]]:
        """For aliased mutations: (data, errors) when some fields failed and others did not.

        `keys` are the response keys (aliases) of the root fields. Errors of single
        fields are returned, since the other fields' transactions committed. When a
        non-null field (a Boolean! mutation) fails, Stash (gqlgen) still runs every
        other field but answers `data: null`: then `data` is None and the errors are
        those of the failed fields. Only a request-level failure raises and is retried.
        """

        def once() -> tuple[dict | None, list[dict]]:
            body = self._send(query, variables or {})
            errors = _error_list(body)
            data = body.get("data")
            if errors and data is None and not all(_path_head(e) in keys for e in errors):
                raise server_error(errors)
            return data, errors

        return self._with_retries(once, idempotent)

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
                log.warning("Stash request failed (%s); retry %d of %d in %.2fs", exc, attempt,
                            len(self.retry_delays), delay)
                self.sleep(delay)

    def _send(self, query: str, variables: dict[str, Any]) -> dict:
        self.requests_sent += 1
        try:
            response = self.s.post(self.url, json={"query": query, "variables": variables},
                                   timeout=(CONNECT_TIMEOUT, READ_TIMEOUT))
        except (requests.ConnectionError, requests.Timeout) as exc:
            reached = not _never_reached(exc)
            what = "connection refused" if not reached else f"connection failed ({type(exc).__name__})"
            raise StashTransportError(f"cannot reach Stash at {self.url}: {what}", reached_server=reached) from exc
        if response.status_code == 401:
            raise StashAuthError(
                f"Stash at {self.url} answered 401 Unauthorized: the session cookie or API key is missing or wrong",
                status=401)
        body = _json_body(response)
        if body is None or ("data" not in body and "errors" not in body):
            raise StashTransportError(
                f"Stash at {self.url} answered HTTP {response.status_code} without a GraphQL result",
                status=response.status_code)
        return body


def _path_head(error: dict) -> str | None:
    path = error.get("path")
    return str(path[0]) if isinstance(path, list) and path else None


def _error_list(body: dict) -> list[dict]:
    return [e if isinstance(e, dict) else {"message": str(e)} for e in body.get("errors") or []]


def _json_body(response: requests.Response) -> dict | None:
    if response.status_code in TRANSIENT_STATUSES:
        return None
    try:
        body = response.json()
    except ValueError:
        return None
    return body if isinstance(body, dict) else None


def _never_reached(exc: BaseException) -> bool:
    """True when the connection itself failed (refused, unresolvable host, connect timeout)."""
    if isinstance(exc, requests.ConnectTimeout):
        return True
    pending: list[Any] = [exc]
    seen: set[int] = set()
    while pending:
        item = pending.pop()
        if not isinstance(item, BaseException) or id(item) in seen:
            continue
        seen.add(id(item))
        if isinstance(item, ConnectionRefusedError) or type(item).__name__ in (
                "NewConnectionError", "NameResolutionError"):
            return True
        # urllib3 keeps the cause in .reason (MaxRetryError) and in args
        pending.extend([item.__cause__, item.__context__, getattr(item, "reason", None), *item.args])
    return False
