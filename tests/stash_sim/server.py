"""The simulator's HTTP side: POST /graphql, authentication, the request log, faults.

Stash facts behind the rules here:
- authentication (internal/api/authentication.go): with credentials configured, a
  /graphql request without a valid session cookie or `ApiKey` header gets HTTP 401
  with an empty body and `WWW-Authenticate: FormBased`; a wrong non-empty ApiKey is
  also 401, even when no credentials are configured (pkg/session/session.go).
- sessions (pkg/session): the cookie is named `session`; it carries the user and the
  list of visited (plugin, hook type) pairs that guards hook recursion. Stash signs
  it with securecookie; the simulator signs it with an HMAC, which is as opaque to
  the plugin.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import queue
import select
import socket
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from http.cookies import CookieError, SimpleCookie
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qs, urlsplit

from .engine import Outcome, every_field_failed, run_graphql
from .gqlgen import json_loads

if TYPE_CHECKING:
    from .simulator import StashSimulator

SESSION_COOKIE = "session"
API_KEY_HEADER = "ApiKey"

FAULT_KINDS = ("drop", "drop_after", "http_500", "http_502", "http_503", "http_504", "locked", "delay", "before")


@dataclass(frozen=True)
class Session:
    """What a request's session cookie (or ApiKey) carries."""

    user: str | None = None
    visited: tuple[tuple[str, str], ...] = ()


@dataclass
class RequestRecord:
    """One HTTP request as the request log keeps it."""

    operation_name: str | None
    operation_type: str | None
    root_fields: list[str]
    variables: dict[str, Any]
    status: int
    response_size: int
    fault: str | None = None
    query: str | None = None  # the GraphQL document as sent (for checks across releases)
    transport: str = "http"  # "http" or "websocket"

    @property
    def is_introspection(self) -> bool:
        return any(name.startswith("__") for name in self.root_fields)

    @property
    def is_mutation(self) -> bool:
        return self.operation_type == "mutation"


class RequestLog:
    """Every request the simulator answered (or refused to answer), in order."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._records: list[RequestRecord] = []

    def add(self, record: RequestRecord) -> None:
        with self._lock:
            self._records.append(record)

    def clear(self) -> None:
        with self._lock:
            self._records.clear()

    @property
    def records(self) -> list[RequestRecord]:
        with self._lock:
            return list(self._records)

    def __len__(self) -> int:
        return len(self.records)

    def fields(self) -> list[str]:
        """The root field of every request (e.g. 'findGalleries'), joined with '+' when several."""
        return ["+".join(r.root_fields) for r in self.records]

    def mutations(self) -> list[RequestRecord]:
        """Mutation requests that Stash processed (faults that stopped them excluded)."""
        return [r for r in self.records if r.is_mutation and r.fault in (None, "delay", "before", "drop_after")]

    def introspections(self) -> list[RequestRecord]:
        return [r for r in self.records if r.is_introspection]

    def count(self, root_field: str) -> int:
        return sum(root_field in r.root_fields for r in self.records)


@dataclass
class Fault:
    kind: str
    remaining: int
    operation: str | None = None  # a root field or operation name; None matches any request
    seconds: float = 0.0
    action: Callable[[], Any] | None = None

    def matches(self, operation_name: str | None, root_fields: list[str]) -> bool:
        return self.operation is None or self.operation == operation_name or self.operation in root_fields


class Faults:
    """Faults injected for the next N matching requests, plus a refusing (down) state."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._queue: list[Fault] = []

    def add(
        self,
        kind: str,
        count: int = 1,
        operation: str | None = None,
        seconds: float = 0.0,
        action: Callable[[], Any] | None = None,
    ) -> None:
        """Make the next `count` requests (matching `operation`, if given) fail this way.

        drop: close the connection before the request runs; drop_after: run it, then
        close without answering; http_5xx: answer that status unprocessed; locked: a
        GraphQL error "database is locked", unprocessed; delay: wait `seconds`, then run;
        before: call `action` (a change somebody else makes, e.g. in Stash's UI), then run.
        """
        if kind not in FAULT_KINDS:
            raise ValueError(f"unknown fault {kind!r}; one of {', '.join(FAULT_KINDS)}")
        if (kind == "before") != (action is not None):
            raise ValueError("an action goes with the fault kind 'before', and only with it")
        with self._lock:
            self._queue.append(Fault(kind, count, operation, seconds, action))

    def clear(self) -> None:
        with self._lock:
            self._queue.clear()

    def take(self, operation_name: str | None, root_fields: list[str]) -> Fault | None:
        with self._lock:
            for fault in self._queue:
                if fault.matches(operation_name, root_fields):
                    fault.remaining -= 1
                    if fault.remaining <= 0:
                        self._queue.remove(fault)
                    return fault
        return None


class SessionCodec:
    """Signs and reads session cookie values."""

    def __init__(self, secret: bytes) -> None:
        self.secret = secret

    def encode(self, session: Session) -> str:
        payload = base64.urlsafe_b64encode(
            json.dumps({"user": session.user, "visited": [list(v) for v in session.visited]}).encode()
        ).decode()
        return f"{payload}.{self._sign(payload)}"

    def decode(self, value: str) -> Session | None:
        payload, _, signature = value.partition(".")
        if not hmac.compare_digest(signature, self._sign(payload)):
            return None
        try:
            data = json.loads(base64.urlsafe_b64decode(payload.encode()))
        except ValueError:
            return None
        return Session(data.get("user"), tuple(tuple(v) for v in data.get("visited") or []))

    def _sign(self, payload: str) -> str:
        return hmac.new(self.secret, payload.encode(), hashlib.sha256).hexdigest()

    def go_cookie(self, session: Session) -> dict[str, Any]:
        """The cookie as Stash serialises a Go http.Cookie into server_connection.

        MakePluginCookie builds it with a new session's zero Options, so Path is "",
        MaxAge 0, Expires the zero time and SameSite 0 (pkg/session/plugin.go).
        """
        return {
            "Name": SESSION_COOKIE,
            "Value": self.encode(session),
            "Quoted": False,
            "Path": "",
            "Domain": "",
            "Expires": "0001-01-01T00:00:00Z",
            "RawExpires": "",
            "MaxAge": 0,
            "Secure": False,
            "HttpOnly": False,
            "SameSite": 0,
            "Partitioned": False,
            "Raw": "",
            "Unparsed": None,
        }


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    # TCP_NODELAY on every accepted socket, as Go's net package sets it on every TCP connection:
    # without it, Nagle's algorithm holds each answer after the first on a kept-alive connection
    # until the client's delayed ACK (~40 ms).
    disable_nagle_algorithm = True
    server: _Server

    def setup(self) -> None:
        super().setup()
        self.server.sim_http.connections.add(self.connection)

    def finish(self) -> None:
        self.server.sim_http.connections.discard(self.connection)
        try:
            super().finish()
        except OSError:
            pass

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def do_GET(self) -> None:
        self.server.sim_http.handle(self)

    def do_POST(self) -> None:
        self.server.sim_http.handle(self)

    def _send(
        self, status: int, body: bytes, content_type: str = "application/json", headers: dict[str, str] | None = None
    ) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        for key, value in (headers or {}).items():
            self.send_header(key, value)
        self.end_headers()
        self.wfile.write(body)

    def _drop(self) -> None:
        """Close the connection abruptly (a reset), without an answer."""
        try:
            self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\x00\x00\x00\x00\x00\x00\x00")
            self.connection.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass
        self.close_connection = True


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    sim_http: HttpFront

    def handle_error(self, request: Any, client_address: Any) -> None:
        """A client that went away (a killed plugin, a dropped fault) is not an error here."""
        if isinstance(sys.exc_info()[1], ConnectionError):
            return
        super().handle_error(request, client_address)


def _bound_only(port: int) -> socket.socket | None:
    """A socket bound to 127.0.0.1:port and not listening, or None when the system refuses it."""
    held = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    try:
        held.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        held.bind(("127.0.0.1", port))
    except OSError:
        held.close()
        return None
    return held


class HttpFront:
    """Listens on 127.0.0.1, routes POST /graphql to the engine, applies auth and faults."""

    def __init__(self, sim: StashSimulator) -> None:
        self.sim = sim
        self.port = 0
        self.connections: set[socket.socket] = set()
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None
        self._held: socket.socket | None = None  # the port while not listening (stop)

    # -- lifecycle -----------------------------------------------------------------------
    def start(self) -> None:
        held, self._held = self._held, None
        server = _Server(("127.0.0.1", self.port), _Handler, bind_and_activate=held is None)
        if held is not None:  # listen on the port stop() kept (see there)
            server.socket.close()
            server.socket = held
            server.server_address = held.getsockname()
            server.server_name, server.server_port = socket.getfqdn("127.0.0.1"), self.port
            server.server_activate()
        server.sim_http = self
        self.port = server.server_address[1]
        self._server = server
        # stop() waits for the serving loop's next poll: a short poll makes a stop (once per test) cheap
        self._thread = threading.Thread(
            target=server.serve_forever, kwargs={"poll_interval": 0.005}, daemon=True, name="stash-sim-http"
        )
        self._thread.start()

    def stop(self, hold: bool = True) -> None:
        """Stop listening and cut every open connection: new connects are refused.

        With `hold` (a stop that start() ends: refusing, refuse_for, a test's own) the port stays
        this front's until start() listens on it again, or release(): a socket bound to it and not
        listening (a connect to it is refused, as to a closed port). A port let go is free for any
        socket of the machine (another worker's server binding port 0 is handed free ports): one
        was taken once while a test refused, and the restart could not listen on it ("Address
        already in use"). When the system refuses the hold itself (seen at a simulator's end in
        the kill tests, cause unknown), the port is let go as before."""
        if self._server is None:
            return
        self._server.shutdown()
        self._server.server_close()
        for conn in list(self.connections):
            try:
                conn.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
        self._server = None
        if hold:
            self._held = _bound_only(self.port)

    def release(self) -> None:
        """Let the port go (the simulator's end)."""
        if self._held is not None:
            self._held.close()
            self._held = None

    @property
    def running(self) -> bool:
        return self._server is not None

    @contextmanager
    def refusing(self) -> Iterator[None]:
        """Inside this block the port is closed: every connection attempt is refused."""
        self.stop()
        try:
            yield
        finally:
            self.start()

    def refuse_for(self, seconds: float) -> None:
        """Refuse connections now, and listen again after `seconds` (in the background)."""
        self.stop()
        timer = threading.Timer(seconds, self.start)
        timer.daemon = True
        timer.start()

    # -- one request ---------------------------------------------------------------------
    def handle(self, request: _Handler) -> None:
        sim = self.sim
        if request.path.split("?")[0] != "/graphql":
            self._serve_other(request)
            return
        length = int(request.headers.get("Content-Length") or 0)
        raw = request.rfile.read(length) if length else b""

        session = self._authenticate(request)
        if session is None:
            sim.requests.add(RequestRecord(None, None, [], {}, 401, 0))
            request._send(401, b"", "text/plain", {"WWW-Authenticate": "FormBased"})
            return

        if request.headers.get("Upgrade"):
            # gqlgen's WebSocket transport takes every request with an Upgrade header
            from .ws import serve

            serve(self, request, session)
            return

        payload = self._payload(request, raw)
        if payload is None:
            return
        variables = payload.get("variables") if isinstance(payload, dict) else None
        variables = variables if isinstance(variables, dict) else {}
        name, roots = _peek(payload, sim.release.name)

        if _peek_type(payload, sim.release.name) == "subscription":
            self._subscription(request, payload, session, variables)
            return
        fault = sim.faults.take(name, roots)
        if fault is not None and fault.kind not in ("delay", "before"):
            self._inject(request, fault, payload, session, name, roots, variables)
            return
        if fault is not None and fault.action is not None:
            fault.action()
        elif fault is not None:
            time.sleep(fault.seconds)
        outcome = run_graphql(payload, sim.request_context(session, request.connection), request.headers.get("Accept"))
        self._answer(request, outcome, variables, fault.kind if fault else None, _query(payload))

    def _serve_other(self, request: _Handler) -> None:
        """Every other route: plugins' UI files and the UI itself (plugin_ui.py), behind the same
        authentication as /graphql."""
        from .plugin_ui import serve

        length = int(request.headers.get("Content-Length") or 0)
        if length:
            request.rfile.read(length)  # a body no route reads: the kept-alive connection stays in step
        if self._authenticate(request) is None:
            request._send(401, b"", "text/plain", {"WWW-Authenticate": "FormBased"})
            return
        serve(self.sim, request)

    def _payload(self, request: _Handler, raw: bytes) -> Any:
        """The request body (POST) or URL parameters (GET) as {query, variables, operationName}.

        gqlgen: POST needs Content-Type application/json (else 400 "transport not
        supported"), a body that is not JSON is 400; GET carries the request in the
        query string and refuses mutations with 406. None when already answered.
        """
        if request.command == "GET":
            params = {k: v[0] for k, v in parse_qs(urlsplit(request.path).query).items()}
            payload: dict[str, Any] = {"query": params.get("query", ""), "operationName": params.get("operationName")}
            try:
                payload["variables"] = json_loads(params["variables"]) if params.get("variables") else {}
            except ValueError as exc:
                self._answer(
                    request,
                    Outcome(400, {"errors": [{"message": f"variables could not be decoded: {exc}"}], "data": None}),
                    {},
                )
                return None
            if _peek_type(payload, self.sim.release.name) == "mutation":
                self._answer(
                    request,
                    Outcome(406, {"errors": [{"message": "GET requests only allow query operations"}], "data": None}),
                    {},
                )
                return None
            return payload
        content_type = (request.headers.get("Content-Type") or "").split(";")[0].strip().lower()
        if content_type != "application/json":
            self._answer(request, Outcome(400, {"errors": [{"message": "transport not supported"}], "data": None}), {})
            return None
        try:
            return json_loads(raw)
        except ValueError as exc:
            body = {
                "errors": [{"message": f"json request body could not be decoded: {exc} body:{raw[:200]!r}"}],
                "data": None,
            }
            self._answer(request, Outcome(400, body), {})
            return None

    def _subscription(
        self, request: _Handler, payload: dict[str, Any], session: Session, variables: dict[str, Any]
    ) -> None:
        """A subscription sent by POST: gqlgen's POST transport runs it like any operation and
        writes its first response, which for a subscription is its first event
        (graphql/handler/transport/http_post.go, executor DispatchOperation). Until that event
        the request is not answered; a scan that ends answers scanCompleteSubscribe, a log line
        loggingSubscribe. A server that stops closes the connection without an answer."""
        from .engine import operation_of, run_subscription_event, variables_problem

        context = self.sim.request_context(session)
        operation = operation_of(payload, context)
        problem = variables_problem(payload, context) if operation is not None else None
        if operation is None or problem is not None:
            self._answer(
                request,
                problem or run_graphql(payload, context, request.headers.get("Accept")),
                variables,
                query=_query(payload),
            )
            return
        subscription = self.sim.events.subscribe(operation[1])
        try:
            while True:
                try:
                    event = subscription.next(timeout=0.2)
                    break
                except queue.Empty:
                    if not self.running or _client_gone(request.connection):
                        request.close_connection = True
                        return
        finally:
            subscription.close()
        outcome = run_subscription_event(payload, context, {operation[1]: event})
        self._answer(request, outcome, variables, query=_query(payload))

    def _inject(
        self,
        request: _Handler,
        fault: Fault,
        payload: Any,
        session: Session,
        name: str | None,
        roots: list[str],
        variables: dict[str, Any],
    ) -> None:
        record = RequestRecord(
            name, _peek_type(payload, self.sim.release.name), roots, variables, 0, 0, fault.kind, _query(payload)
        )
        if fault.kind == "drop":
            self.sim.requests.add(record)
            request._drop()
        elif fault.kind == "drop_after":
            run_graphql(payload, self.sim.request_context(session))
            self.sim.requests.add(record)
            request._drop()
        elif fault.kind.startswith("http_"):
            record.status = int(fault.kind[5:])
            self.sim.requests.add(record)
            request._send(record.status, b"<html>simulated fault</html>", "text/html")
        else:  # locked: every field's transaction fails
            body = every_field_failed(payload, "database is locked", self.sim.release.name)
            data = json.dumps(body).encode()
            record.status, record.response_size = 200, len(data)
            self.sim.requests.add(record)
            request._send(200, data)

    def _answer(
        self,
        request: _Handler,
        outcome: Outcome,
        variables: dict[str, Any],
        fault: str | None = None,
        query: str | None = None,
    ) -> None:
        data = json.dumps(outcome.body).encode()
        self.sim.requests.add(
            RequestRecord(
                outcome.operation_name,
                outcome.operation_type,
                outcome.root_fields,
                variables,
                outcome.status,
                len(data),
                fault,
                query,
            )
        )
        request._send(outcome.status, data)

    def _authenticate(self, request: _Handler) -> Session | None:
        """The request's session, or None when Stash would answer 401."""
        sim = self.sim
        session = Session()
        cookie_header = request.headers.get("Cookie")
        if cookie_header:
            try:
                morsel = SimpleCookie(cookie_header).get(SESSION_COOKIE)
            except CookieError:
                morsel = None
            if morsel is not None:
                session = sim.sessions.decode(morsel.value) or Session()
        # pkg/session/session.go Authenticate: the ApiKey header, else the apikey query
        # parameter; a non-empty key that is not the configured one is 401 even when no
        # credentials are set (the configured key is "" then); an empty one is ignored.
        api_key = request.headers.get(API_KEY_HEADER) or _query_api_key(request.path)
        if api_key:
            if api_key != sim.api_key:
                return None
            # an ApiKey request carries no hook history unless it also sends the cookie
            return Session(sim.credentials[0] if sim.credentials else "", session.visited)
        if not sim.credentials:
            return session
        return session if session.user else None


def _client_gone(connection: socket.socket) -> bool:
    """The client closed its side (a read would return end of file)."""
    try:
        readable, _, _ = select.select([connection], [], [], 0)
        return bool(readable) and connection.recv(1, socket.MSG_PEEK) == b""
    except OSError:
        return True


def _query(payload: Any) -> str | None:
    query = payload.get("query") if isinstance(payload, dict) else None
    return query if isinstance(query, str) else None


def _query_api_key(path: str) -> str:
    """The `apikey` query parameter (session.ApiKeyParameter)."""
    values = parse_qs(urlsplit(path).query).get("apikey")
    return values[0] if values else ""


def _peek(payload: Any, release_name: str) -> tuple[str | None, list[str]]:
    """Operation name and root fields of a request, without executing it (for faults)."""
    from .engine import _parse_and_validate, _pick_operation

    if not isinstance(payload, dict) or not isinstance(payload.get("query"), str):
        return None, []
    document, _, _ = _parse_and_validate(release_name, payload["query"])
    if document is None:
        return payload.get("operationName"), []
    operation = _pick_operation(document, payload.get("operationName"))
    if operation is None:
        return payload.get("operationName"), []
    name = operation.name.value if operation.name else None
    return name, [sel.name.value for sel in operation.selection_set.selections if hasattr(sel, "name")]


def _peek_type(payload: Any, release_name: str) -> str | None:
    from .engine import _parse_and_validate, _pick_operation

    if not isinstance(payload, dict) or not isinstance(payload.get("query"), str):
        return None
    document, _, _ = _parse_and_validate(release_name, payload["query"])
    operation = _pick_operation(document, payload.get("operationName")) if document else None
    return operation.operation.value if operation else None
