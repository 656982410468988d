"""The WebSocket on /graphql as Stash serves it: gqlgen's transport.Websocket on gorilla/websocket.

Sources: internal/api/server.go (the transport, KeepAlivePingInterval 10 s, every origin),
gqlgen v0.17.73 graphql/handler/transport/websocket.go and websocket_graphql_transport_ws.go
/ websocket_graphqlws.go (messages), gorilla/websocket server.go (the upgrade), RFC 6455
(framing), internal/api/resolver_subscription_*.go (the subscriptions). The client here
is the `websockets` package (pinned), plus raw sockets where a client library would
refuse to send what is tested.
"""

from __future__ import annotations

import base64
import json
import os
import socket
import struct
import textwrap
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import requests
from stash_sim import StashSimulator
from stash_sim.ws import accept_key
from websockets.exceptions import ConnectionClosed
from websockets.sync.client import ClientConnection, connect

TRANSPORT_WS = "graphql-transport-ws"


def ws_url(sim: StashSimulator) -> str:
    return f"ws://127.0.0.1:{sim.port}/graphql"


def send(ws: ClientConnection, message: dict[str, Any]) -> None:
    ws.send(json.dumps(message))


def recv(ws: ClientConnection, timeout: float = 5) -> dict[str, Any]:
    raw = ws.recv(timeout=timeout)
    assert isinstance(raw, str) and raw.endswith("\n")  # gorilla's WriteJSON ends with a newline
    return json.loads(raw)


@pytest.fixture
def client(sim: StashSimulator) -> Iterator[ClientConnection]:
    """A graphql-transport-ws connection, initialised."""
    with connect(ws_url(sim), subprotocols=[TRANSPORT_WS]) as ws:  # type: ignore[list-item]
        send(ws, {"type": "connection_init", "payload": {}})
        assert recv(ws) == {"type": "connection_ack"}
        yield ws


def wait_for_subscriber(sim: StashSimulator, topic: str) -> None:
    deadline = time.monotonic() + 5
    while sim.events.subscribers(topic) == 0:
        assert time.monotonic() < deadline, f"no subscriber on {topic}"
        time.sleep(0.01)


# -- the upgrade ---------------------------------------------------------------------------
def raw_upgrade(sim: StashSimulator, headers: dict[str, str], method: str = "GET") -> tuple[bytes, socket.socket]:
    sock = socket.create_connection(("127.0.0.1", sim.port), timeout=5)
    lines = [f"{method} /graphql HTTP/1.1", f"Host: 127.0.0.1:{sim.port}"]
    lines += [f"{k}: {v}" for k, v in headers.items()]
    if method != "GET":
        lines.append("Content-Length: 0")
    sock.sendall(("\r\n".join(lines) + "\r\n\r\n").encode())
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = sock.recv(4096)
        if not chunk:
            break
        data += chunk
    return data, sock


UPGRADE = {
    "Connection": "Upgrade",
    "Upgrade": "websocket",
    "Sec-WebSocket-Version": "13",
    "Sec-WebSocket-Key": "dGhlIHNhbXBsZSBub25jZQ==",
}


def test_upgrade_answers_101_with_the_rfc_6455_accept_key(sim: StashSimulator) -> None:
    assert accept_key("dGhlIHNhbXBsZSBub25jZQ==") == "s3pPLMBiTxaQ9kYGzzhZRbK+xOo="  # RFC 6455 §1.3's example
    head, sock = raw_upgrade(sim, {**UPGRADE, "Sec-WebSocket-Protocol": TRANSPORT_WS})
    sock.close()
    assert head.startswith(b"HTTP/1.1 101 ")
    assert b"Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n" in head
    assert b"Sec-WebSocket-Protocol: graphql-transport-ws\r\n" in head


@pytest.mark.parametrize(
    ("headers", "method", "status"),
    [
        ({**UPGRADE, "Sec-WebSocket-Key": "short"}, "GET", 400),
        ({k: v for k, v in UPGRADE.items() if k != "Sec-WebSocket-Key"}, "GET", 400),
        ({**UPGRADE, "Sec-WebSocket-Version": "8"}, "GET", 400),
        ({**UPGRADE, "Connection": "keep-alive"}, "GET", 400),
        (UPGRADE, "POST", 405),
    ],
)
def test_a_bad_upgrade_is_refused_as_gorilla_upgrader_and_gqlgen_refuse_it(
    sim: StashSimulator, headers: dict[str, str], method: str, status: int
) -> None:
    head, sock = raw_upgrade(sim, headers, method)
    body = sock.recv(4096) if b"unable to upgrade" not in head else b""
    sock.close()
    assert head.startswith(f"HTTP/1.1 {status} ".encode()), head
    assert b"unable to upgrade" in head + body
    if headers.get("Sec-WebSocket-Version") == "8":
        assert b"Sec-Websocket-Version: 13" in head


def test_subprotocol_is_the_servers_first_choice_gorilla_select_subprotocol(sim: StashSimulator) -> None:
    """gqlgen offers graphql-ws then graphql-transport-ws; the server's order wins."""
    with connect(ws_url(sim), subprotocols=[TRANSPORT_WS, "graphql-ws"]) as ws:  # type: ignore[list-item]
        assert ws.subprotocol == "graphql-ws"
    with connect(ws_url(sim), subprotocols=[TRANSPORT_WS]) as ws:  # type: ignore[list-item]
        assert ws.subprotocol == TRANSPORT_WS


def test_no_subprotocol_speaks_graphql_ws_with_keep_alive_gqlgen_default(sim: StashSimulator) -> None:
    with connect(ws_url(sim)) as ws:
        assert ws.subprotocol is None
        send(ws, {"type": "connection_init"})
        assert recv(ws) == {"type": "connection_ack"}
        assert recv(ws) == {"type": "ka"}  # graphql-ws keep-alive right after the ack
        send(ws, {"id": "1", "type": "start", "payload": {"query": "{ version { version } }"}})
        assert recv(ws) == {
            "payload": {"data": {"version": {"version": sim.release.version}}},
            "id": "1",
            "type": "data",
        }
        assert recv(ws) == {"id": "1", "type": "complete"}
        send(ws, {"type": "connection_terminate"})
        with pytest.raises(ConnectionClosed) as closed:
            ws.recv(timeout=5)
        assert closed.value.rcvd is not None and closed.value.rcvd.code == 1000


def test_the_websocket_needs_authentication_like_http_authentication_go(make_sim: Any) -> None:
    sim = make_sim(credentials=("admin", "secret"))
    head, sock = raw_upgrade(sim, UPGRADE)
    sock.close()
    assert head.startswith(b"HTTP/1.1 401 ")
    with connect(
        ws_url(sim),
        subprotocols=[TRANSPORT_WS],  # type: ignore[list-item]
        additional_headers={"ApiKey": sim.api_key},
    ) as ws:
        send(ws, {"type": "connection_init"})
        assert recv(ws) == {"type": "connection_ack"}


# -- graphql-transport-ws messages -----------------------------------------------------------
def test_ping_is_answered_with_pong_and_its_payload(client: ClientConnection) -> None:
    send(client, {"type": "ping", "payload": {"n": 1}})
    assert recv(client) == {"payload": {"n": 1}, "type": "pong"}
    send(client, {"type": "pong"})  # accepted silently
    send(client, {"type": "ping"})
    assert recv(client) == {"type": "pong"}


def test_query_over_the_websocket_answers_next_then_complete(sim: StashSimulator, client: ClientConnection) -> None:
    query = 'query($n: Int!) { findGalleries(filter: {per_page: $n, sort: "path"}) { count galleries { id } } }'
    send(client, {"id": "q1", "type": "subscribe", "payload": {"query": query, "variables": {"n": 2}}})
    message = recv(client)
    assert message["type"] == "next" and message["id"] == "q1"
    assert message["payload"] == {"data": sim.gql(query, {"n": 2})}
    assert recv(client) == {"id": "q1", "type": "complete"}
    record = sim.requests.records[-1]
    assert (record.transport, record.root_fields, record.query) == ("websocket", ["findGalleries"], query)


def test_mutation_over_the_websocket_changes_stash(sim: StashSimulator, client: ClientConnection) -> None:
    gallery = sim.gql('{ findGalleries(filter: {per_page: 1, sort: "path"}) { galleries { id } } }')["findGalleries"][
        "galleries"
    ][0]["id"]
    mutation = 'mutation($id: ID!) { galleryUpdate(input: {id: $id, title: "Over the socket"}) { title } }'
    send(client, {"id": "m", "type": "subscribe", "payload": {"query": mutation, "variables": {"id": gallery}}})
    assert recv(client)["payload"] == {"data": {"galleryUpdate": {"title": "Over the socket"}}}
    assert recv(client)["type"] == "complete"
    found = sim.gql("query($id: ID!) { findGallery(id: $id) { title } }", {"id": gallery})
    assert found["findGallery"]["title"] == "Over the socket"


def test_validation_errors_are_an_error_message_then_complete_gqlgen_websocket_go(client: ClientConnection) -> None:
    """KindProtocol errors: sendError (payload = the error list), then complete."""
    send(client, {"id": "bad", "type": "subscribe", "payload": {"query": "{ findGalleries { nope } }"}})
    message = recv(client)
    assert message["type"] == "error" and message["id"] == "bad"
    assert isinstance(message["payload"], list)
    assert message["payload"][0]["extensions"]["code"] == "GRAPHQL_VALIDATION_FAILED"
    assert recv(client) == {"id": "bad", "type": "complete"}
    send(
        client,
        {
            "id": "vars",
            "type": "subscribe",
            "payload": {
                "query": "subscription($x: Int!) { scanCompleteSubscribe @skip(if: false) @include(if: true) }",
                "variables": {"x": "not a number"},
            },
        },
    )
    message = recv(client)
    assert message["type"] == "error"
    assert recv(client) == {"id": "vars", "type": "complete"}


def test_the_first_message_must_be_connection_init(sim: StashSimulator) -> None:
    with connect(ws_url(sim), subprotocols=[TRANSPORT_WS]) as ws:  # type: ignore[list-item]
        send(ws, {"id": "1", "type": "subscribe", "payload": {"query": "{ version { version } }"}})
        with pytest.raises(ConnectionClosed) as closed:
            ws.recv(timeout=5)
    assert closed.value.rcvd is not None
    assert (closed.value.rcvd.code, closed.value.rcvd.reason) == (1002, "unexpected message")
    with connect(ws_url(sim), subprotocols=[TRANSPORT_WS]) as ws:  # type: ignore[list-item]
        ws.send("not json")
        with pytest.raises(ConnectionClosed) as closed:
            ws.recv(timeout=5)
    assert closed.value.rcvd is not None
    assert (closed.value.rcvd.code, closed.value.rcvd.reason) == (1002, "decoding error")


def test_a_message_type_the_client_may_not_send_ends_the_connection(client: ClientConnection) -> None:
    send(client, {"id": "1", "type": "next", "payload": {}})
    with pytest.raises(ConnectionClosed) as closed:
        client.recv(timeout=5)
    assert closed.value.rcvd is not None and closed.value.rcvd.code == 1000


def test_a_subscription_by_post_is_answered_with_its_first_event_http_post_go(sim: StashSimulator) -> None:
    """gqlgen's POST transport writes the operation's first response: a subscription's first
    event. A real Stash v0.30.1 left `subscription { scanCompleteSubscribe }` unanswered until
    the client gave up (../shared/real-stash/FINDINGS.md)."""
    answers: list[requests.Response] = []
    waiting = threading.Thread(
        target=lambda: answers.append(
            requests.post(
                sim.url,
                json={"query": "subscription { scanCompleteSubscribe }"},
                headers={"Accept": "application/json"},
                timeout=30,
            )
        )
    )
    waiting.start()
    wait_for_subscriber(sim, "scanCompleteSubscribe")
    time.sleep(0.3)
    assert not answers  # no answer before the first event
    sim.scan_folder("/library/by post", ["one.jpg"])
    waiting.join(timeout=30)
    assert answers[0].status_code == 200
    assert answers[0].json() == {"data": {"scanCompleteSubscribe": True}}


def test_a_subscription_by_post_is_left_unanswered_until_the_server_stops(sim: StashSimulator) -> None:
    with pytest.raises(requests.Timeout):
        requests.post(sim.url, json={"query": "subscription { scanCompleteSubscribe }"}, timeout=1)


# -- the subscriptions -------------------------------------------------------------------------
def test_scan_complete_subscribe_fires_when_a_scan_ends_manager_tasks_go(
    sim: StashSimulator, client: ClientConnection
) -> None:
    send(client, {"id": "s", "type": "subscribe", "payload": {"query": "subscription { scanCompleteSubscribe }"}})
    wait_for_subscriber(sim, "scanCompleteSubscribe")
    sim.scan_folder("/library/new scan", ["one.jpg", "two.jpg"])
    assert recv(client) == {"payload": {"data": {"scanCompleteSubscribe": True}}, "id": "s", "type": "next"}
    sim.scan_zip("/library/new.zip", ["a.jpg"])
    assert recv(client)["payload"] == {"data": {"scanCompleteSubscribe": True}}
    send(client, {"id": "s", "type": "complete"})
    assert recv(client) == {"id": "s", "type": "complete"}  # gqlgen answers the client's complete
    deadline = time.monotonic() + 5
    while sim.events.subscribers("scanCompleteSubscribe"):
        assert time.monotonic() < deadline
        time.sleep(0.01)


def test_jobs_subscribe_delivers_job_manager_updates_resolver_subscription_job_go(
    sim: StashSimulator, client: ClientConnection
) -> None:
    query = "subscription { jobsSubscribe { type job { id status description progress } } }"
    send(client, {"id": "j", "type": "subscribe", "payload": {"query": query}})
    wait_for_subscriber(sim, "jobsSubscribe")
    job = {
        "id": "7",
        "status": "RUNNING",
        "description": "Running plugin task: Set covers",
        "progress": 0.5,
        "addTime": "2026-01-01T00:00:00Z",
    }
    sim.events.publish_job("UPDATE", job)
    assert recv(client)["payload"] == {
        "data": {
            "jobsSubscribe": {
                "type": "UPDATE",
                "job": {
                    "id": "7",
                    "status": "RUNNING",
                    "description": "Running plugin task: Set covers",
                    "progress": 0.5,
                },
            }
        }
    }
    with pytest.raises(ValueError):
        sim.events.publish_job("MOVED", job)


def test_jobs_subscribe_follows_the_job_queue_a_scan_is_added_started_and_removed_pkg_job_manager_go(
    sim: StashSimulator, client: ClientConnection
) -> None:
    # pkg/job/manager.go: notifyNewJob when queued, notifyJobUpdate when it starts, notifyJobRemove
    # when it has ended (the removed job carries its final status)
    query = "subscription { jobsSubscribe { type job { id status description } } }"
    send(client, {"id": "j", "type": "subscribe", "payload": {"query": query}})
    wait_for_subscriber(sim, "jobsSubscribe")
    sim.scan_folder("/library/job scan", ["one.jpg"])
    seen = [recv(client)["payload"]["data"]["jobsSubscribe"] for _ in range(3)]
    assert [(e["type"], e["job"]["status"], e["job"]["description"]) for e in seen] == [
        ("ADD", "READY", "Scanning..."),
        ("UPDATE", "RUNNING", "Scanning..."),
        ("REMOVE", "FINISHED", "Scanning..."),
    ]
    assert len({e["job"]["id"] for e in seen}) == 1


LOGGING_PLUGIN = """\
name: Loud Plugin
exec:
  - python
  - "{pluginDir}/loud.py"
interface: raw
tasks:
  - name: Shout
    description: logs at three levels
"""
LOGGING_SCRIPT = """\
import json, sys
sys.stdin.read()
sys.stderr.write("\\x01d\\x02debug line\\n\\x01i\\x02info line\\n\\x01w\\x02careful\\n\\x01p\\x020.5\\n"
                 "\\x01e\\x02bad thing\\n")
print(json.dumps({"output": "ok"}))
"""


def test_logging_subscribe_delivers_plugin_log_lines_as_stash_logs_them_plugin_log_go(
    sim: StashSimulator, client: ClientConnection, tmp_path: Path
) -> None:
    plugin_dir = tmp_path / "loud"
    plugin_dir.mkdir()
    (plugin_dir / "loud.yml").write_text(LOGGING_PLUGIN)
    (plugin_dir / "loud.py").write_text(textwrap.dedent(LOGGING_SCRIPT))
    sim.install_plugin(plugin_dir, "loud")
    send(
        client,
        {
            "id": "l",
            "type": "subscribe",
            "payload": {"query": "subscription { loggingSubscribe { time level message } }"},
        },
    )
    wait_for_subscriber(sim, "loggingSubscribe")
    time.sleep(1.1)  # a quiet second: the run's first line goes at once, the rest a second later
    result = sim.run_task("Shout", plugin_id="loud")
    assert result.output == "ok"
    batches: list[list[dict[str, Any]]] = []
    while sum(map(len, batches)) < 4:
        batches.append(recv(client)["payload"]["data"]["loggingSubscribe"])
    entries = [entry for batch in batches for entry in batch]
    # lines of one run arrive in any order (a goroutine each, logger.go broadcastLogItem): compared as a set
    assert sorted((e["level"], e["message"]) for e in entries) == [
        ("Debug", "[Plugin / Loud Plugin] debug line"),
        ("Error", "[Plugin / Loud Plugin] bad thing"),
        ("Info", "[Plugin / Loud Plugin] info line"),
        ("Warning", "[Plugin / Loud Plugin] careful"),
    ]  # the progress line is not a log entry
    assert [len(batch) for batch in batches] == [1, 3]  # at most one send a second
    assert all(e["time"].endswith("Z") and "T" in e["time"] for e in entries)
    # Query.logs: the cache, newest first, Info and above only (logger.go addToCache), in logging order
    cached = sim.gql("{ logs { level message } }")["logs"]
    assert [e["level"] for e in cached] == ["Error", "Warning", "Info"]


# -- framing (RFC 6455 §5) ----------------------------------------------------------------------
def frame(opcode: int, payload: bytes, fin: bool = True, mask: bool = True) -> bytes:
    head = bytes([(0x80 if fin else 0) | opcode])
    key = os.urandom(4)
    length = len(payload)
    head += (
        bytes([(0x80 if mask else 0) | length])
        if length < 126
        else bytes([(0x80 if mask else 0) | 126]) + struct.pack("!H", length)
    )
    if not mask:
        return head + payload
    return head + key + bytes(b ^ key[i % 4] for i, b in enumerate(payload))


def read_frame(sock: socket.socket) -> tuple[int, bytes]:
    def exact(n: int) -> bytes:
        data = b""
        while len(data) < n:
            chunk = sock.recv(n - len(data))
            assert chunk, "connection closed"
            data += chunk
        return data

    first, second = exact(2)
    length = second & 0x7F
    if length == 126:
        (length,) = struct.unpack("!H", exact(2))
    elif length == 127:
        (length,) = struct.unpack("!Q", exact(8))
    return first & 0x0F, exact(length)


def opened(sim: StashSimulator) -> socket.socket:
    head, sock = raw_upgrade(
        sim,
        {
            **UPGRADE,
            "Sec-WebSocket-Key": base64.b64encode(os.urandom(16)).decode(),
            "Sec-WebSocket-Protocol": TRANSPORT_WS,
        },
    )
    assert head.startswith(b"HTTP/1.1 101 ")
    return sock


def test_fragmented_messages_and_ping_frames_are_handled_rfc_6455(sim: StashSimulator) -> None:
    sock = opened(sim)
    sock.sendall(frame(0x9, b"hello"))  # a ping control frame
    assert read_frame(sock) == (0xA, b"hello")
    text = json.dumps({"type": "connection_init"}).encode()
    sock.sendall(frame(0x1, text[:5], fin=False) + frame(0x9, b"") + frame(0x0, text[5:]))
    assert read_frame(sock) == (0xA, b"")  # a control frame in the middle of a message
    assert read_frame(sock) == (0x1, b'{"type":"connection_ack"}\n')
    sock.sendall(frame(0x8, struct.pack("!H", 1000)))
    assert read_frame(sock) == (0x8, struct.pack("!H", 1000))  # the close is echoed
    sock.close()


def test_unmasked_client_frames_are_a_protocol_error_gorilla_conn_go(sim: StashSimulator) -> None:
    sock = opened(sim)
    sock.sendall(frame(0x1, b'{"type":"connection_init"}', mask=False))
    opcode, payload = read_frame(sock)
    sock.close()
    assert opcode == 0x8
    assert struct.unpack("!H", payload[:2])[0] == 1002
    assert payload[2:] == b"incorrect mask flag"


def test_large_messages_both_ways_use_64_bit_lengths_rfc_6455(sim: StashSimulator, client: ClientConnection) -> None:
    """A 100 KB document in (length 127 form, masked) and the full introspection out."""
    padding = "# " + "x" * 100_000 + "\n"
    send(client, {"id": "big", "type": "subscribe", "payload": {"query": padding + "{ version { version } }"}})
    assert recv(client)["payload"] == {"data": {"version": {"version": sim.release.version}}}
    assert recv(client)["type"] == "complete"
    send(
        client,
        {
            "id": "schema",
            "type": "subscribe",
            "payload": {
                "query": "{ __schema { types { name description fields { name description } inputFields"
                " { name description } } } }"
            },
        },
    )
    raw = client.recv(timeout=10)
    assert isinstance(raw, str) and len(raw) > 65_535
    assert len(json.loads(raw)["payload"]["data"]["__schema"]["types"]) > 100
