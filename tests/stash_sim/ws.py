"""The WebSocket on /graphql, as Stash serves it: gqlgen's transport.Websocket on gorilla/websocket.

Stash facts (internal/api/server.go; gqlgen v0.17.73 graphql/handler/transport/websocket*.go;
gorilla/websocket v1.5.0 server.go, conn.go):
- A request to /graphql with any `Upgrade` header goes to the WebSocket transport
  (Websocket.Supports), after authentication (the session cookie, `ApiKey` header or
  `apikey` parameter, as for HTTP; 401 otherwise).
- The upgrade (RFC 6455 §4.2) needs `Connection: upgrade`, `Upgrade: websocket`, GET,
  `Sec-WebSocket-Version: 13` and a base64 16-byte `Sec-WebSocket-Key`, else gorilla
  answers 400 (405 for another method) with "Bad Request", and gqlgen adds its JSON
  error "unable to upgrade". Every origin is allowed (CheckOrigin returns true).
- Subprotocols: gqlgen offers "graphql-ws" then "graphql-transport-ws", and gorilla picks
  the first of the server's list that the client asked for; a client that asks for
  none gets "graphql-ws" (gqlgen's backward-compatible default), with no
  Sec-WebSocket-Protocol header in the answer.
- The first message must be connection_init: gqlgen answers connection_ack, then "ka"
  (graphql-ws only; every 10 s after, KeepAlivePingInterval). Any other first message
  is "unexpected message" (close 1002); a message that is not JSON "decoding error".
- subscribe (graphql-transport-ws) / start (graphql-ws) {id, payload: {query, variables,
  operationName}}: a query or mutation answers one next/data, then complete; a
  subscription answers next/data for every event until the client's complete/stop,
  which gqlgen answers with complete. A parse or validation error (of the document or
  of the variables) is an `error` message whose payload is the list of errors, followed
  by complete (gqlgen sends both). Ids are not checked for duplicates (gqlgen does not).
- ping -> pong with the same payload; pong is accepted. connection_terminate
  (graphql-ws) closes with 1000 "terminated". A message of a type the client may not
  send ends the connection (close 1000 "terminated").
- Frames: client frames must be masked (gorilla: "incorrect mask flag", close 1002);
  RSV bits must be 0; control frames are at most 125 bytes and not fragmented; text
  and binary messages may be fragmented. Ping frames are answered with pong, a close
  frame is echoed with its code. gorilla's WriteJSON ends each message with a newline.
Not modelled (refused rather than imitated): permessage-deflate (never negotiated, as
gorilla does by default), the request faults of server.Faults (they apply to HTTP).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
import queue
import socket
import struct
import threading
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from .engine import Outcome, operation_of, run_graphql, run_subscription_event, variables_problem
from .gqlgen import json_loads

if TYPE_CHECKING:
    from .server import HttpFront, Session, _Handler

WS_GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"  # RFC 6455 §1.3
SERVER_SUBPROTOCOLS = ("graphql-ws", "graphql-transport-ws")  # gqlgen injectGraphQLWSSubprotocols order
KEEP_ALIVE_SECONDS = 10.0  # internal/api/server.go KeepAlivePingInterval

OP_CONTINUATION, OP_TEXT, OP_BINARY, OP_CLOSE, OP_PING, OP_PONG = 0x0, 0x1, 0x2, 0x8, 0x9, 0xA
CLOSE_NORMAL, CLOSE_PROTOCOL_ERROR, CLOSE_NO_STATUS = 1000, 1002, 1005


class Closed(Exception):
    """The connection is over (closed by either side, or cut)."""


@dataclass(frozen=True)
class Protocol:
    """One subprotocol's message names (gqlgen's message exchangers)."""

    name: str
    init: str = "connection_init"
    ack: str = "connection_ack"
    start: str = "subscribe"
    stop: str = "complete"
    data: str = "next"
    error: str = "error"
    complete: str = "complete"
    terminate: str | None = None
    keep_alive: str | None = None
    ping: str | None = "ping"
    pong: str | None = "pong"

    @property
    def client_types(self) -> set[str]:
        return {t for t in (self.init, self.start, self.stop, self.terminate, self.ping, self.pong) if t}

    @property
    def all_types(self) -> set[str]:
        extra = {"connection_error"} if self.name == "graphql-ws" else set()
        return (
            self.client_types
            | {t for t in (self.ack, self.data, self.error, self.complete, self.keep_alive) if t}
            | extra
        )

    def decodes(self, kind: str) -> bool:
        """Whether gqlgen's exchanger turns this type into a message: graphql-ws knows all its
        types; graphql-transport-ws only those a client may send (toMessage)."""
        return kind in (self.all_types if self.name == "graphql-ws" else self.client_types)


GRAPHQL_TRANSPORT_WS = Protocol("graphql-transport-ws")
GRAPHQL_WS = Protocol(
    "graphql-ws",
    start="start",
    stop="stop",
    data="data",
    terminate="connection_terminate",
    keep_alive="ka",
    ping=None,
    pong=None,
)
PROTOCOLS = {p.name: p for p in (GRAPHQL_WS, GRAPHQL_TRANSPORT_WS)}


# -- the upgrade ------------------------------------------------------------------------------
def _tokens(value: str | None) -> list[str]:
    return [t.strip().lower() for t in (value or "").split(",") if t.strip()]


def handshake_problem(request: _Handler) -> tuple[int, str] | None:
    """Why gorilla's Upgrader would refuse this request (status, reason), or None."""
    headers = request.headers
    if "upgrade" not in _tokens(headers.get("Connection")):
        return 400, "'upgrade' token not found in 'Connection' header"
    if "websocket" not in _tokens(headers.get("Upgrade")):
        return 400, "'websocket' token not found in 'Upgrade' header"
    if request.command != "GET":
        return 405, "request method is not GET"
    if "13" not in _tokens(headers.get("Sec-WebSocket-Version")):
        return 400, "unsupported version: 13 not found in 'Sec-Websocket-Version' header"
    try:
        key_ok = len(base64.b64decode(headers.get("Sec-WebSocket-Key") or "", validate=True)) == 16
    except (binascii.Error, ValueError):
        key_ok = False
    if not key_ok:
        return 400, "'Sec-WebSocket-Key' header must be Base64 encoded value of 16-byte in length"
    return None


def choose_subprotocol(requested: str | None) -> str | None:
    """gorilla selectSubprotocol: the first server subprotocol that the client listed."""
    asked = [p.strip() for p in (requested or "").split(",") if p.strip()]
    return next((p for p in SERVER_SUBPROTOCOLS if p in asked), None)


def accept_key(key: str) -> str:
    return base64.b64encode(hashlib.sha1((key + WS_GUID).encode()).digest()).decode()


def serve(front: HttpFront, request: _Handler, session: Session) -> None:
    """Answer an upgrade request on /graphql and run the connection until it ends."""
    problem = handshake_problem(request)
    if problem is not None:
        status, _reason = problem
        text = {400: "Bad Request", 405: "Method Not Allowed"}[status]
        body = (
            f"{text}\n".encode()
            + json.dumps({"errors": [{"message": "unable to upgrade"}], "data": None}, separators=(",", ":")).encode()
        )
        headers = {"Sec-Websocket-Version": "13"} if "version" in _reason else {}
        request._send(status, body, "text/plain; charset=utf-8", {"X-Content-Type-Options": "nosniff", **headers})
        return
    subprotocol = choose_subprotocol(request.headers.get("Sec-WebSocket-Protocol"))
    request.send_response(101, "Switching Protocols")
    request.send_header("Upgrade", "websocket")
    request.send_header("Connection", "Upgrade")
    request.send_header("Sec-WebSocket-Accept", accept_key(request.headers["Sec-WebSocket-Key"]))
    if subprotocol:
        request.send_header("Sec-WebSocket-Protocol", subprotocol)
    request.end_headers()
    request.wfile.flush()
    request.close_connection = True
    socket_ = WebSocket(request.rfile, request.connection)
    # no subprotocol: gqlgen's default is graphql-ws
    Connection(front, socket_, PROTOCOLS[subprotocol or "graphql-ws"], session).serve()


# -- RFC 6455 framing -------------------------------------------------------------------------
def _unmask(payload: bytes, mask: bytes) -> bytes:
    """XOR with the 4-byte mask, repeated (RFC 6455 §5.3), as one big-integer operation."""
    if not payload:
        return payload
    key = (mask * (len(payload) // 4 + 1))[: len(payload)]
    return (int.from_bytes(payload, "big") ^ int.from_bytes(key, "big")).to_bytes(len(payload), "big")


class WebSocket:
    """Server side of RFC 6455 over an upgraded connection (no extensions)."""

    def __init__(self, rfile: Any, sock: socket.socket) -> None:
        self.rfile = rfile
        self.sock = sock
        self._write_lock = threading.Lock()
        self.close_sent = False

    def _read(self, n: int) -> bytes:
        data = self.rfile.read(n) if n else b""
        if len(data) < n:
            raise Closed("connection cut")
        return data

    def _frame(self) -> tuple[bool, int, bytes]:
        first, second = self._read(2)
        fin, rsv, opcode = bool(first & 0x80), first & 0x70, first & 0x0F
        masked, length = bool(second & 0x80), second & 0x7F
        if rsv:
            self.protocol_error(f"unexpected reserved bits 0x{rsv:x}")
        if opcode >= 0x8 and (length > 125 or not fin):
            self.protocol_error("control frame length > 125" if length > 125 else "control frame not final")
        if opcode not in (OP_CONTINUATION, OP_TEXT, OP_BINARY, OP_CLOSE, OP_PING, OP_PONG):
            self.protocol_error(f"unknown opcode {opcode}")
        if length == 126:
            (length,) = struct.unpack("!H", self._read(2))
        elif length == 127:
            (length,) = struct.unpack("!Q", self._read(8))
        if not masked:
            self.protocol_error("incorrect mask flag")
        mask = self._read(4)
        return fin, opcode, _unmask(self._read(length), mask)

    def protocol_error(self, reason: str) -> None:
        self.send_close(CLOSE_PROTOCOL_ERROR, reason)
        raise Closed(reason)

    def read_message(self) -> bytes:
        """The next text or binary message; control frames are handled on the way."""
        parts: list[bytes] = []
        started = False
        while True:
            fin, opcode, payload = self._frame()
            if opcode == OP_PING:
                self._send(OP_PONG, payload)
                continue
            if opcode == OP_PONG:
                continue
            if opcode == OP_CLOSE:
                code = struct.unpack("!H", payload[:2])[0] if len(payload) >= 2 else CLOSE_NO_STATUS
                # gorilla's default close handler echoes the code (no status -> an empty close)
                self.send_close(None if code == CLOSE_NO_STATUS else code, "")
                raise Closed(f"closed by the client ({code})")
            if opcode == OP_CONTINUATION and not started:
                self.protocol_error("continuation after final message frame")
            if opcode in (OP_TEXT, OP_BINARY) and started:
                self.protocol_error("message start before final message frame")
            started = True
            parts.append(payload)
            if fin:
                return b"".join(parts)

    def _send(self, opcode: int, payload: bytes) -> None:
        header = bytearray([0x80 | opcode])
        if len(payload) < 126:
            header.append(len(payload))
        elif len(payload) < 1 << 16:
            header.append(126)
            header += struct.pack("!H", len(payload))
        else:
            header.append(127)
            header += struct.pack("!Q", len(payload))
        with self._write_lock:
            if self.close_sent:
                raise Closed("close already sent")
            try:
                self.sock.sendall(bytes(header) + payload)
            except OSError as exc:
                raise Closed(str(exc)) from exc
            if opcode == OP_CLOSE:
                self.close_sent = True

    def send_text(self, text: str) -> None:
        self._send(OP_TEXT, text.encode())

    def send_close(self, code: int | None, reason: str) -> None:
        payload = b"" if code is None else struct.pack("!H", code) + reason.encode()
        try:
            self._send(OP_CLOSE, payload)
        except Closed:
            pass


# -- graphql-transport-ws / graphql-ws -------------------------------------------------------
class Connection:
    """gqlgen's wsConnection: init, then subscribe/complete/ping until the connection ends."""

    def __init__(self, front: HttpFront, ws: WebSocket, protocol: Protocol, session: Session) -> None:
        self.front = front
        self.sim = front.sim
        self.ws = ws
        self.protocol = protocol
        self.session = session
        self.active: dict[str, threading.Event] = {}
        self._lock = threading.Lock()
        self.ended = threading.Event()

    def write(self, type_: str, id_: str | None = None, payload: Any = None, has_payload: bool = False) -> None:
        # field order and omitempty as gqlgen's message struct: payload, id, type
        message: dict[str, Any] = {}
        if payload is not None or has_payload:
            message["payload"] = payload
        if id_:
            message["id"] = id_
        message["type"] = type_
        self.ws.send_text(json.dumps(message, separators=(",", ":")) + "\n")

    def close(self, code: int, reason: str) -> None:
        self.ws.send_close(code, reason)
        raise Closed(reason)

    def _next(self) -> dict[str, Any] | None:
        """The next message as JSON, or None when it is not a valid message of this protocol."""
        raw = self.ws.read_message()
        try:
            message = json_loads(raw)
        except ValueError:
            return None
        if not isinstance(message, dict) or not isinstance(message.get("type"), str):
            return None
        return message

    def serve(self) -> None:
        try:
            self._init()
            keep_alive = None
            if self.protocol.keep_alive:
                keep_alive = threading.Thread(target=self._keep_alive, daemon=True, name="stash-sim-ws-ka")
                keep_alive.start()
            self._run()
        except Closed:
            pass
        finally:
            self.ended.set()
            with self._lock:
                for cancel in self.active.values():
                    cancel.set()
            try:
                self.ws.sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass

    def _init(self) -> None:
        message = self._next()
        kind = message["type"] if message is not None else None
        if kind == self.protocol.init:
            self.write(self.protocol.ack)
            if self.protocol.keep_alive:
                self.write(self.protocol.keep_alive)
            return
        if kind is not None and kind == self.protocol.terminate:
            self.close(CLOSE_NORMAL, "terminated")
        if kind is None or not self.protocol.decodes(kind):
            self.close(CLOSE_PROTOCOL_ERROR, "decoding error")
        self._unexpected(str(kind))

    def _unexpected(self, kind: str) -> None:
        if self.protocol.name == "graphql-ws":  # graphql-transport-ws has no connection_error
            self.write("connection_error", payload={"message": f"unexpected message {kind}"})
        self.close(CLOSE_PROTOCOL_ERROR, "unexpected message")

    def _keep_alive(self) -> None:
        while not self.ended.wait(KEEP_ALIVE_SECONDS):
            try:
                self.write(self.protocol.keep_alive or "ka")
            except Closed:
                return

    def _run(self) -> None:
        while True:
            message = self._next()
            if message is None or not self.protocol.decodes(message["type"]):
                # an undecodable message ends the read loop; the context's cancel closes normally
                self.close(CLOSE_NORMAL, "terminated")
            assert message is not None
            kind, id_ = message["type"], str(message.get("id") or "")
            if kind == self.protocol.start:
                self._subscribe(id_, message.get("payload"))
            elif kind == self.protocol.stop:
                with self._lock:
                    cancel = self.active.get(id_)
                if cancel is not None:
                    cancel.set()
            elif kind == self.protocol.terminate:
                self.close(CLOSE_NORMAL, "terminated")
            elif kind == self.protocol.ping:
                self.write(self.protocol.pong or "pong", payload=message.get("payload"))
            elif kind != self.protocol.pong:
                self._unexpected(kind)  # connection_init again, or a server's message type

    # -- one operation ------------------------------------------------------------------------
    def _subscribe(self, id_: str, payload: Any) -> None:
        if not isinstance(payload, dict):
            self.write(self.protocol.error, id_, [{"message": "invalid json"}])
            self.write(self.protocol.complete, id_)
            return
        context = self.sim.request_context(self.session)
        operation = operation_of(payload, context)
        if operation is not None and operation[0] == "subscription":
            problem = variables_problem(payload, context)
            if problem is not None:
                self._log(payload, problem)
                self.write(self.protocol.error, id_, problem.body["errors"])
                self.write(self.protocol.complete, id_)
                return
            cancel = threading.Event()
            with self._lock:
                self.active[id_] = cancel
            subscription = self.sim.events.subscribe(operation[1])
            self._log(payload, Outcome(200, {}, operation[2], "subscription", [operation[1]]))
            threading.Thread(
                target=self._stream,
                args=(id_, payload, operation[1], subscription, cancel),
                daemon=True,
                name=f"stash-sim-ws-sub-{id_}",
            ).start()
            return
        threading.Thread(target=self._execute, args=(id_, payload), daemon=True, name=f"stash-sim-ws-op-{id_}").start()

    def _execute(self, id_: str, payload: dict[str, Any]) -> None:
        outcome = run_graphql(payload, self.sim.request_context(self.session))
        self._log(payload, outcome)
        try:
            if outcome.status != 200:
                self.write(self.protocol.error, id_, outcome.body.get("errors") or [])
            else:
                self.write(self.protocol.data, id_, outcome.body)
            self.write(self.protocol.complete, id_)
        except Closed:
            pass

    def _stream(
        self, id_: str, payload: dict[str, Any], field: str, subscription: Any, cancel: threading.Event
    ) -> None:
        try:
            while not cancel.is_set():
                try:
                    event = subscription.next(timeout=0.05)
                except queue.Empty:
                    continue
                outcome = run_subscription_event(payload, self.sim.request_context(self.session), {field: event})
                self.write(self.protocol.data, id_, outcome.body)
            if not self.ended.is_set():
                self.write(self.protocol.complete, id_)
        except Closed:
            pass
        finally:
            subscription.close()
            with self._lock:
                if self.active.get(id_) is cancel:
                    del self.active[id_]

    def _log(self, payload: dict[str, Any], outcome: Outcome) -> None:
        from .server import RequestRecord

        variables = payload.get("variables") if isinstance(payload.get("variables"), dict) else {}
        query = payload.get("query") if isinstance(payload.get("query"), str) else None
        self.sim.requests.add(
            RequestRecord(
                outcome.operation_name,
                outcome.operation_type,
                outcome.root_fields,
                variables or {},
                outcome.status,
                len(json.dumps(outcome.body)),
                None,
                query,
                "websocket",
            )
        )
