"""Hostile input through the real entry, as Stash runs it: every entry answers with one short JSON
object, and no form of a secret reaches the log or the answer.

- input nested deeper than the parser can walk, on the hook's fast path too;
- an unknown argument's name (or any other value the answer quotes) of megabytes;
- a server that echoes the API key or the session cookie hex-encoded, upper-cased or
  \\u-escaped.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from stash_sim import StashSimulator
from stash_sim.runner import PluginRunner

API_KEY = "eyJhbGciOiJIUzI1NiJ9.c2VjcmV0LWtleS1mb3ItdGVzdHM.Zm9vYmFy+/x="
COOKIE = "MTcwMDAwMDAwMHxEdi1CQkFFQ180SUFBUkFCRUFBQU5QLUNBQUVHYzNSeWFXNW5EQWtBQjNWelpYSkpSQT09fA"
DEEP = 5_000  # levels: far past what Python's json parser walks (about 1,000)
ANSWER_MAX = 20_000  # bytes an error answer may take, whatever it quotes


def deep_filter() -> str:
    """A gallery filter DEEP levels deep, as JSON text (json.dumps itself cannot write it)."""
    return '{"AND": ' * DEEP + '{"title": {"value": "x", "modifier": "EQUALS"}}' + "}" * DEEP


def run_stdin(sim: StashSimulator, plugin_input: dict[str, Any]) -> Any:
    runner = PluginRunner(sim.plugin(), sim.python)
    return runner.run_stdin(json.dumps(plugin_input).encode())


@pytest.mark.parametrize("shape", ["hook", "task", "operation"])
def test_input_nested_past_the_parser_gets_one_short_answer(plugin_sim: StashSimulator, shape: str, answer) -> None:
    args = {
        "hook": '{"hookContext": {"type": "Gallery.Create.Post", "id": 1, "input": ' + deep_filter() + "}}",
        "task": '{"mode": "title_from_path", "gallery_filter": ' + deep_filter() + "}",
        "operation": '{"operation": "find_galleries", "gallery_filter": ' + deep_filter() + "}",
    }[shape]
    stdin = '{"server_connection": ' + json.dumps(plugin_sim.server_connection()) + ', "args": ' + args + "}"
    result = PluginRunner(plugin_sim.plugin(), plugin_sim.python).run_stdin(stdin.encode())
    got = answer(result)  # one JSON object on stdout, exit status 1
    assert "nest" in got["error"] and "internal error" not in got["error"]
    assert "Traceback" not in result.stderr
    assert plugin_sim.requests.mutations() == []


def test_an_unknown_argument_s_huge_name_is_not_echoed_whole(plugin_sim: StashSimulator, answer) -> None:
    name = "x" * 10_000_000
    for args in ({"operation": "find_gallery", "id": "1", name: 1}, {"mode": "set_covers", name: "1"}):
        result = run_stdin(plugin_sim, {"server_connection": plugin_sim.server_connection(), "args": args})
        got = answer(result)
        assert "does not take" in got["error"]
        assert len(result.stdout) < ANSWER_MAX and len(result.stderr) < ANSWER_MAX


class Echo:
    """A server that answers every request with a GraphQL error quoting `message`."""

    def __init__(self, message: str) -> None:
        body = json.dumps({"errors": [{"message": message}], "data": None}).encode()

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                self.rfile.read(int(self.headers.get("Content-Length") or 0))
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def connection(self) -> dict[str, Any]:
        return {
            "Scheme": "http",
            "Host": "127.0.0.1",
            "Port": self.server.server_address[1],
            "ApiKey": API_KEY,
            "SessionCookie": {"Name": "session", "Value": COOKIE},
        }


@pytest.fixture
def echo() -> Iterator[list[Echo]]:
    made: list[Echo] = []
    yield made
    for server in made:
        server.server.shutdown()
        server.server.server_close()


def u_escaped(text: str) -> str:
    return "".join(f"\\u{ord(c):04x}" for c in text)


ECHOED = {
    "hex": lambda s: s.encode().hex(),
    "HEX": lambda s: s.encode().hex().upper(),
    "upper-cased": lambda s: s.upper(),
    "lower-cased": lambda s: s.lower(),
    "u-escaped": u_escaped,
    "U-ESCAPED": lambda s: u_escaped(s).upper().replace("\\U", "\\u"),
    "x-escaped": lambda s: "".join(f"\\x{b:02x}" for b in s.encode()),
}


@pytest.mark.parametrize("form", list(ECHOED))
@pytest.mark.parametrize("secret", [API_KEY, COOKIE], ids=["api_key", "cookie"])
def test_a_secret_echoed_in_any_form_reaches_neither_log_nor_answer(
    plugin_sim: StashSimulator, echo: list[Echo], form: str, secret: str, answer
) -> None:
    shown = ECHOED[form](secret)
    echo.append(Echo(f"unknown key {shown} (check your settings)"))
    for args in ({"operation": "find_gallery", "id": "1"}, {"mode": "title_from_path"}):
        result = run_stdin(plugin_sim, {"server_connection": echo[-1].connection(), "args": args})
        got = answer(result)
        assert got["error"] and "***" in got["error"]
        for text in (result.stdout, result.stderr):
            for part in (shown[i : i + 16] for i in range(0, len(shown) - 16, 8)):
                assert part not in text, (form, part)
