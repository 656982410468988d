"""TCP as Go's net package serves it: TCP_NODELAY on every accepted connection.

Go sets TCP_NODELAY on every TCP connection it makes or accepts (net.newTCPConn). Without
it, a kept-alive connection's second answer waits for the client's delayed ACK (Nagle's
algorithm), ~40 ms per request, which would distort every benchmark. Checked on the
socket itself, never by timing.
"""

from __future__ import annotations

import http.client
import json
import socket
from typing import Any


def test_every_accepted_socket_has_tcp_nodelay_set(make_sim: Any) -> None:
    sim = make_sim()
    client = http.client.HTTPConnection("127.0.0.1", sim.port, timeout=30)
    body = json.dumps({"query": "{ version { version } }"})
    for _ in range(2):  # the same kept-alive connection
        client.request("POST", "/graphql", body, {"Content-Type": "application/json"})
        assert json.loads(client.getresponse().read())["data"]["version"]["version"]
    accepted = list(sim.http.connections)
    assert len(accepted) == 1
    assert accepted[0].getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY) != 0
    client.close()
