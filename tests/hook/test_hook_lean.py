"""The new-gallery hook's lean path: standard library only, same answers, same errors.

The plugin is run as Stash runs it (the simulator's runner), through an interpreter wrapper
that records, when the process ends, which modules it had imported and whether the
interpreter's exit-time clean-up (atexit) ran.
"""

from __future__ import annotations

import json
import secrets
import socket
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, ClassVar

import pytest
from stash_sim import StashSimulator
from support.manifest import button
from support.python import RecordingPython

from gallery_ops.common.errors import CHECK_AUTH, CHECK_REACH, StashTransportError
from gallery_ops.hook.new_gallery import recognise
from gallery_ops.stash.connection import ServerConnection, StashConnection

REPO = Path(__file__).resolve().parents[2]
# what a hook process must not import: the dependencies, and the standard-library modules whose
# import costs the hook most for little (hashlib loads OpenSSL; only a page action digests its reads;
# socket builds enum classes and imports selectors: the connection uses _socket, the C module under it)
HEAVY = (
    "socket",
    "selectors",
    "pydantic",
    "requests",
    "stashapi",
    "urllib3",
    "logging",
    "urllib.request",
    "http.client",
    "dataclasses",
    "hashlib",
)
# nor what costs every process some 10 ms of CPU before its first request, and a hook needs not
# (common/lean_typing.py: annotations for type checkers only; common/json_text.py: JSON through _json;
# common/lean_functools.py: functools' cache and partial; `re` only where a pattern or a date is read)
START_COSTS = {"typing", "re", "json", "json.decoder", "json.encoder", "enum", "functools", "contextlib", "importlib"}


@pytest.fixture
def wrapped(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> RecordingPython:
    """An interpreter for the runner that records each process's modules and exit status."""
    return RecordingPython(tmp_path, monkeypatch)


def hook_sim(python: RecordingPython, settings: dict[str, Any] | None = None, **kwargs: Any) -> StashSimulator:
    sim = StashSimulator(python=str(python.python), **kwargs).start()
    sim.install_plugin(REPO)
    if settings:
        sim.set_plugin_settings("gallery_tools", settings)
    return sim


def run_hook(sim: StashSimulator, gallery_id: int = 4, connection: dict[str, Any] | None = None) -> Any:
    hook = sim.plugin().hooks_for("Gallery.Create.Post")[0]
    return sim.runner().run_hook(
        hook, {"id": gallery_id, "type": "Gallery.Create.Post", "input": None}, connection or sim.server_connection()
    )


def test_a_hook_run_imports_only_the_standard_library_and_skips_the_exit_clean_up(wrapped: RecordingPython) -> None:
    sim = hook_sim(wrapped, {"hookTitles": True, "hookCovers": True, "hookFinishByHand": True})
    try:
        result = run_hook(sim)
    finally:
        sim.stop()
    assert result.error is None and result.output["result"] == "updated" and result.returncode == 0
    assert result.stdout.count("\n") == 1  # one result object, nothing else
    (report,) = wrapped.runs()
    heavy = sorted(m for m in report["modules"] if m.split(".")[0] in HEAVY or m in HEAVY)
    assert heavy == []
    assert set(report["modules"]) & START_COSTS == set()
    assert "gallery_ops.hook.new_gallery" in report["modules"]
    assert report["status"] == 0
    assert not wrapped.exit_clean_up_ran  # os._exit: no exit-time clean-up
    # the cyclic collector, off while the modules were imported, ran again for the hook's work, what
    # the imports made frozen out of its scans (gallery_tools.imports_done)
    collector_on, _ = report["gc"]  # off while the modules were imported, on for the hook's work
    assert collector_on


# What a hook process may import beyond the standard library: the plugin's own modules.
OURS = ("gallery_ops", "__main__", "__future__")
# What the hook needs only for a rule that is on: the title rule's code, the pattern engine (on
# Linux, macOS and Docker: Python's `re` under the SIGALRM timer).
RULE_MODULES = {
    # (common.paths is not the title rule's alone: the hook names its gallery by its file's name)
    "title": {"gallery_ops.common.title_rules"},
    "pattern": {"gallery_ops.common.patterns", "signal"},
}
# (and HEAVY); a pattern's optional `regex` and the Python's site-packages only where the timer
# cannot work (not here); the codecs and binascii the log's redaction once loaded for every line
NEVER = {"gallery_ops.common.bytecode", "urllib.parse", "base64", "encodings.idna", "regex", "site"}
NEVER |= {"binascii", "encodings.unicode_escape"}
NEVER |= {"socket", "selectors"}  # (the connection's socket is _socket's, the C module under socket)


@pytest.mark.parametrize(
    ("settings", "rules"),
    [
        ({}, ()),
        ({"hookTitles": True}, ("title",)),
        ({"hookTitles": True, "titlePattern": r"^(?P<title>[a-z_]+)-"}, ("title", "pattern")),
    ],
    ids=["no rule", "title rule", "title rule with a pattern"],
)
def test_a_hook_imports_what_its_rules_need_and_nothing_else(
    wrapped: RecordingPython, settings: dict[str, Any], rules: tuple[str, ...]
) -> None:
    """Stash starts the hook as `python -S` (gallery_tools.yml): no site-packages, no .pth file; the
    standard library and the plugin's own modules only, each rule's modules only when it is on
    (a pattern runs in `re` under the timer: no `regex`, no site-packages, even when installed)."""
    sim = hook_sim(wrapped, settings)
    try:
        result = run_hook(sim, 4)  # the sample's untitled city_walk-2020.zip
        title = sim.gql('{ findGallery(id: "4") { title } }')["findGallery"]["title"]
    finally:
        sim.stop()
    assert result.error is None and result.returncode == 0
    assert title == {(): "", ("title",): "city walk-2020", ("title", "pattern"): "city walk"}[rules]
    modules = set(wrapped.runs()[-1]["modules"])
    outside = sorted(m for m in modules if m.split(".")[0] not in sys.stdlib_module_names | set(OURS))
    assert outside == []
    assert "gallery_ops.hook.new_gallery" in modules
    assert sorted(modules & NEVER) == []
    for rule, needs in RULE_MODULES.items():
        assert needs <= modules if rule in rules else not needs & modules, rule


NO_REGEX = """\
import json, re, sys
sys.path.insert(0, sys.argv[1])
def refuse(pattern, *args, **kwargs):
    raise AssertionError(f"a regex compiled or run: {pattern!r}")
for name in ("compile", "match", "fullmatch", "search", "sub", "subn", "split", "findall", "finditer"):
    setattr(re, name, refuse)
from gallery_ops.hook import new_gallery
from gallery_ops.common import title_rules
from gallery_ops.common.log_protocol import protocol_lines
print(json.dumps([
    title_rules.title_fields(None, None, None, "/library/Summer_Trip.2022.zip", None, None)[0],
    title_rules.title_fields(None, None, None, None, "/library/day_1", None)[0],
    new_gallery.gallery_label({"files": [{"path": "C:\\\\G\\\\Set.zip"}]}),
    new_gallery.gallery_label({"folder": {"path": "\\\\\\\\nas\\\\share\\\\Day_1"}}),
    protocol_lines("i", "cookie session=abcdefgh12345678", ["abcdefgh12345678"]),
]))
"""


def test_the_hook_s_modules_and_the_title_rule_without_a_pattern_compile_no_regex() -> None:
    """json compiles its own few patterns; the hook's modules (imported, and the title rule run on a
    zip's and a folder's path, a Windows path named, a line logged with a secret) none: each compile
    costs every hook process (a scan starts one per new gallery)."""
    import subprocess

    done = subprocess.run(
        [sys.executable, "-S", "-c", NO_REGEX, str(REPO)], capture_output=True, text=True, timeout=60, check=False
    )
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == [
        [["title", "Summer Trip 2022"]],
        [["title", "day 1"]],
        "Set.zip",
        "Day_1",
        "\x01i\x02cookie session=***\n",
    ]


def test_a_task_also_ends_without_the_exit_clean_up_and_keeps_its_status(wrapped: RecordingPython) -> None:
    sim = hook_sim(wrapped, {"dryRun": "yes"})  # a setting of the wrong type: the task fails
    try:
        failed = sim.run_task(button("set_covers"))
        failed_report = wrapped.runs()[-1]
        sim.set_plugin_settings("gallery_tools", {})
        ok = sim.run_task(button("set_covers"), {"dry_run": "true"})
    finally:
        sim.stop()
    assert failed.returncode == 1 and failed_report["status"] == 1 and "setting dryRun" in failed.error
    assert "gallery_ops.entry.dispatch" in failed_report["modules"]  # a task takes the full path
    assert ok.returncode == 0 and ok.error is None and ok.output["summary"]
    assert wrapped.runs()[-1]["status"] == 0
    assert not wrapped.exit_clean_up_ran


def test_input_that_is_no_plain_hook_run_takes_the_full_path() -> None:
    conn = {"Scheme": "http", "Host": "0.0.0.0", "Port": 9999, "SessionCookie": None}
    plain = {"server_connection": conn, "args": {"hookContext": {"id": 4, "type": "Gallery.Create.Post"}}}
    assert recognise(json.dumps(plain)) is not None
    for odd in (
        {**plain, "server_connection": {**conn, "ApiKey": "key\n"}},
        {**plain, "args": {"hookContext": {"id": "4", "type": "Gallery.Create.Post"}}},
        {**plain, "args": {"hookContext": {"id": 4, "type": "Gallery.Create.Post"}, "operation": "x"}},
        {**plain, "args": {"hookContext": {"id": 4, "type": "Gallery.Update.Post"}}},
    ):
        assert recognise(json.dumps(odd)) is None, odd


def test_a_connection_with_a_text_port_is_answered_as_with_a_number(sim: StashSimulator) -> None:
    sim.install_plugin(REPO)
    sim.set_plugin_settings("gallery_tools", {"hookTitles": True})
    connection = {**sim.server_connection(), "Port": str(sim.port)}  # a text port, read as a number
    result = run_hook(sim, connection=connection)
    assert result.error is None and result.output["result"] == "updated"
    assert sim.gql('{ findGallery(id: "4") { title } }')["findGallery"]["title"] == result.output["update"]["title"]


def test_refused_connections_give_the_same_error_as_the_tasks(sim: StashSimulator) -> None:
    sim.install_plugin(REPO)
    with sim.http.refusing():
        hook = run_hook(sim)
    assert hook.error == f"cannot reach Stash at {sim.url}: connection refused. {CHECK_REACH}"
    assert hook.returncode == 1 and json.loads(hook.stdout) == {"output": None, "error": hook.error}
    warnings = hook.messages("warning")
    assert len(warnings) == 5 and all("retry" in w and "connection refused" in w for w in warnings)
    assert hook.messages("error") == [hook.error] and "Traceback" not in hook.stderr


def test_auth_with_an_api_key_and_a_refused_cookie_never_show_a_secret() -> None:
    with StashSimulator(credentials=("user", "pass")) as secured:
        secured.install_plugin(REPO)
        secured.set_plugin_settings("gallery_tools", {"hookTitles": True})
        with_key = secured.server_connection(api_key=True)
        ok = run_hook(secured, connection=with_key)
        forged = secured.server_connection()
        cookie = forged["SessionCookie"]["Value"]
        forged["SessionCookie"] = {**forged["SessionCookie"], "Value": cookie[:-8] + "00000000"}
        refused = run_hook(secured, connection=forged)
        wrong_key = secrets.token_hex(16)
        refused_key = run_hook(secured, connection={**with_key, "ApiKey": wrong_key})
    assert ok.error is None and ok.output["result"] == "updated"
    for result in (refused, refused_key):
        assert result.error == (
            f"Stash at {secured.url} answered 401 Unauthorized: the session cookie or API key is missing or wrong."
            f" {CHECK_AUTH}"
        )
        assert "Settings > Security > API Key" in result.error
    for result, secret in (
        (ok, with_key["ApiKey"]),
        (refused, forged["SessionCookie"]["Value"]),
        (refused_key, wrong_key),
    ):
        assert secret not in result.stdout and secret not in result.stderr


class _Chunked(BaseHTTPRequestHandler):
    """Answers as Go's net/http does for a long body: chunked, kept alive."""

    protocol_version = "HTTP/1.1"
    bodies: ClassVar[list[bytes]] = []

    def do_POST(self) -> None:
        self.bodies.append(self.rfile.read(int(self.headers["Content-Length"])))
        body = json.dumps({"data": {"echo": "x" * 5000}}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Transfer-Encoding", "chunked")
        self.end_headers()
        for start in range(0, len(body), 1000):
            piece = body[start : start + 1000]
            self.wfile.write(f"{len(piece):x}\r\n".encode() + piece + b"\r\n")
        self.wfile.write(b"0\r\n\r\n")

    def log_message(self, *args: Any) -> None:
        pass


def test_the_wire_reads_chunked_answers_on_one_kept_alive_connection() -> None:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Chunked)
    accepted: list[Any] = []
    original = server.get_request

    def counting() -> Any:
        request = original()
        accepted.append(request)
        return request

    server.get_request = counting  # type: ignore[method-assign]
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        connection = StashConnection(ServerConnection("http", "127.0.0.1", server.server_address[1]))
        first = connection.execute("{ a }", {"n": 1})
        second = connection.execute("{ b }", {"n": 2})
        connection.close()
    finally:
        server.shutdown()
        server.server_close()
    assert first == second == {"echo": "x" * 5000}
    assert [json.loads(b)["variables"] for b in _Chunked.bodies] == [{"n": 1}, {"n": 2}]
    assert len(accepted) == 1 and connection.requests_sent == 2


class _UntilClosed(BaseHTTPRequestHandler):
    """An HTTP/1.0 answer without Content-Length: the body is what comes before the connection closes."""

    def do_POST(self) -> None:
        self.rfile.read(int(self.headers["Content-Length"]))
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.end_headers()
        self.wfile.write(json.dumps({"data": {"echo": "y" * 20000}}).encode())

    def log_message(self, *args: Any) -> None:
        pass


def test_the_wire_tries_each_address_in_turn_and_reads_an_answer_up_to_its_end(monkeypatch: pytest.MonkeyPatch) -> None:
    """As socket.create_connection: a host's addresses in getaddrinfo's order (here the first refuses,
    as ::1 does where Stash listens on 127.0.0.1 only); when every one refuses, nothing was sent."""
    from gallery_ops.stash import connection as wire

    closed = socket.socket()
    closed.bind(("127.0.0.1", 0))
    refusing = closed.getsockname()[1]  # bound, never listening: connecting to it is refused
    server = ThreadingHTTPServer(("127.0.0.1", 0), _UntilClosed)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    asked: list[Any] = []

    def addresses(host: Any, port: int, *args: Any) -> list[Any]:
        asked.append((host, port))
        tcp = (socket.AF_INET, socket.SOCK_STREAM, 6, "")
        return [(*tcp, ("127.0.0.1", refusing)), (*tcp, ("127.0.0.1", server.server_address[1]))]

    monkeypatch.setattr(wire._socket, "getaddrinfo", addresses)
    try:
        connection = StashConnection(ServerConnection("http", "stash.lan", 9999), retry_delays=())
        first = connection.execute("{ a }")
        second = connection.execute("{ b }")  # the first answer closed the connection: a new one
        connection.close()
        monkeypatch.setattr(wire._socket, "getaddrinfo", lambda *a: [addresses(*a)[0]] * 2)
        with pytest.raises(StashTransportError) as refused:
            StashConnection(ServerConnection("http", "stash.lan", 9999), retry_delays=()).execute("{ c }")
    finally:
        server.shutdown()
        server.server_close()
        closed.close()
    assert first == second == {"echo": "y" * 20000}
    assert asked[:2] == [(b"stash.lan", 9999)] * 2  # an ASCII host goes as bytes (no idna codec)
    assert "connection refused" in str(refused.value) and refused.value.reached_server is False
