"""Secrets a server echoes, redirects to another origin, and bounded, one-line errors."""

from __future__ import annotations

import base64
import io
import json
import threading
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import quote

import pytest

from gallery_ops import GalleryOps
from gallery_ops.common.errors import StashServerError, StashTransportError
from gallery_ops.entry.dispatch import main

API_KEY = "eyJhbGciOiJIUzI1NiJ9.c2VjcmV0LWtleS1mb3ItdGVzdHM.Zm9vYmFy+/x="
COOKIE = "MTcwMDAwMDAwMHxEdi1CQkFFQ180SUFBUkFCRUFBQU5QLUNBQUVHYzNSeWFXNW5EQWtBQjNWelpYSkpSQT09fA"


class Fake:
    """A tiny HTTP server; `answer(handler)` returns (status, headers, body) per request."""

    def __init__(self, answer: Callable[[BaseHTTPRequestHandler], tuple[int, dict[str, str], bytes]]) -> None:
        seen: list[dict[str, str]] = []
        self.seen = seen

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                self.rfile.read(int(self.headers.get("Content-Length") or 0))
                seen.append(dict(self.headers))
                status, headers, body = answer(self)
                self.send_response(status)
                for key, value in {"Content-Type": "application/json", **headers}.items():
                    self.send_header(key, value)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.server.server_address[1]
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def fake() -> Iterator[Callable[..., Fake]]:
    made: list[Fake] = []

    def make(answer: Callable[[BaseHTTPRequestHandler], tuple[int, dict[str, str], bytes]]) -> Fake:
        made.append(Fake(answer))
        return made[-1]

    yield make
    for server in made:
        server.close()


def error_body(message: str) -> bytes:
    return json.dumps({"errors": [{"message": message}], "data": None}).encode()


def run_plugin(port: int, args: dict[str, Any], capsys: pytest.CaptureFixture[str]) -> tuple[str, str]:
    stdin = io.StringIO(
        json.dumps(
            {
                "server_connection": {
                    "Scheme": "http",
                    "Host": "127.0.0.1",
                    "Port": port,
                    "ApiKey": API_KEY,
                    "SessionCookie": {"Name": "session", "Value": COOKIE},
                },
                "args": args,
            }
        )
    )
    stdout = io.StringIO()
    main(stdin, stdout)
    return stdout.getvalue(), capsys.readouterr().err


ECHOES = {
    "prefix": lambda: f"invalid api key {API_KEY[:14]}",
    "url-encoded": lambda: f"bad key {quote(API_KEY, safe='')}",
    "base64": lambda: "auth " + base64.b64encode(f"admin:{API_KEY}".encode()).decode(),
    "cookie prefix": lambda: f"session {COOKIE[:20]} expired",
    "cookie base64": lambda: base64.b64encode(f"session={COOKIE}".encode()).decode(),
}


@pytest.mark.parametrize("form", list(ECHOES))
def test_a_server_echoing_part_of_a_secret_shows_it_nowhere(fake, capsys, form):
    echoed = ECHOES[form]()
    server = fake(lambda handler: (200, {}, error_body(echoed)))
    out, err = run_plugin(server.port, {"operation": "find_gallery", "id": "1"}, capsys)
    assert json.loads(out)["error"]  # the run failed with Stash's (redacted) message
    for text in (out, err):
        assert API_KEY[:10] not in text and COOKIE[:10] not in text
        assert quote(API_KEY, safe="")[:10] not in text
        for secret in (API_KEY, COOKIE):
            encoded = base64.b64encode(secret.encode()).decode()
            assert encoded[8:20] not in text
    assert "***" in out


def test_a_redirect_to_another_origin_is_not_followed_with_credentials(fake):
    elsewhere = fake(lambda handler: (200, {}, json.dumps({"data": {"findGallery": None}}).encode()))
    stash = fake(lambda handler: (307, {"Location": f"http://127.0.0.1:{elsewhere.port}/graphql"}, b""))
    ops = GalleryOps.from_server_connection(
        {
            "Scheme": "http",
            "Host": "127.0.0.1",
            "Port": stash.port,
            "ApiKey": API_KEY,
            "SessionCookie": {"Value": COOKIE},
        }
    )
    with pytest.raises(StashTransportError, match="redirect to another origin") as caught:
        ops.find_gallery("1")
    assert "not sent there" in str(caught.value)
    assert elsewhere.seen == []  # nothing, credentials least of all, reached the other origin
    assert len(stash.seen) == 1


def test_a_redirect_on_the_same_server_is_refused_with_a_clear_error(fake):
    stash = fake(lambda handler: (308, {"Location": "/api/graphql"}, b""))
    ops = GalleryOps.from_server_connection(
        {"Scheme": "http", "Host": "127.0.0.1", "Port": stash.port, "ApiKey": API_KEY}
    )
    with pytest.raises(StashTransportError, match="does not follow redirects"):
        ops.find_gallery("1")
    assert len(stash.seen) == 1


# -- bounded errors ----------------------------------------------------------------------------------
def test_a_huge_bad_id_gives_a_short_error(fake):
    server = fake(lambda handler: (200, {}, b"{}"))
    ops = GalleryOps.from_server_connection({"Scheme": "http", "Host": "127.0.0.1", "Port": server.port})
    with pytest.raises(ValueError) as caught:
        ops.find_gallery("x" * 10_000_000)
    assert len(str(caught.value)) < 300 and "10000002 characters" in str(caught.value)
    assert server.seen == []


def test_repeated_causes_are_said_once():
    error = StashServerError(["database is locked"] * 6 + ["other"])
    assert str(error) == "database is locked (x6); other"


@pytest.mark.parametrize(
    "args, says",
    [
        ({"mode": ["set_covers"]}, "unknown mode ['set_covers']"),
        ({"mode": {"name": "x"}}, "unknown mode {'name': 'x'}"),
        ({"operation": ["find_gallery"]}, "unknown operation ['find_gallery']"),
        ({"mode": "title_from_path", "gallery_filter": "[" * 5000 + "]" * 5000}, "gallery_filter"),
    ],
)
def test_odd_args_get_one_line_errors(fake, capsys, args, says):
    server = fake(lambda handler: (200, {}, b"{}"))
    out, _ = run_plugin(server.port, args, capsys)
    error = json.loads(out)["error"]
    assert says in error and "\n" not in error and "internal error" not in error


@pytest.mark.parametrize(
    "stdin_args",
    [
        '{"mode": "title_from_path", "gallery_filter": {"rating100": NaN}}',
        '{"mode": "title_from_path", "gallery_filter": {"x": Infinity}}',
    ],
)
def test_nan_in_a_filter_is_a_one_line_error(capsys, stdin_args):
    stdin = io.StringIO('{"server_connection": {"Port": 9}, "args": ' + stdin_args + "}")
    stdout = io.StringIO()
    assert main(stdin, stdout) == 1
    error = json.loads(stdout.getvalue())["error"]
    assert "not a JSON value" in error and "\n" not in error and "internal error" not in error


def test_deeply_nested_stdin_is_a_one_line_error(capsys):
    stdout = io.StringIO()
    main(io.StringIO('{"server_connection": {}, "args": {"x": ' + "[" * 100_000 + "]" * 100_000 + "}}"), stdout)
    error = json.loads(stdout.getvalue())["error"]
    assert "nests too deeply" in error and "internal error" not in error
