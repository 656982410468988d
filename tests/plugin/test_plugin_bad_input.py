"""Bad input, an unreachable Stash and missing dependencies: every run still answers with one
JSON object whose error is one line saying what was wrong and what was expected, exits
non-zero, prints no traceback on stdout, and changes nothing.
"""

from __future__ import annotations

import ast
import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from stash_sim import StashSimulator
from support.manifest import button

from gallery_ops.common.errors import CHECK_REACH

REPO = Path(__file__).resolve().parents[2]
CAPABILITIES = {"mode": "capabilities"}

Stdin = Callable[[dict[str, Any]], bytes]  # the simulator's server_connection -> stdin bytes


def raw(data: bytes) -> Stdin:
    return lambda connection: data


def args(plugin_args: Any) -> Stdin:
    """A well-formed PluginInput with these args."""
    return lambda connection: json.dumps({"server_connection": connection, "args": plugin_args}).encode()


def connection(changes: dict[str, Any] | Any) -> Stdin:
    """The simulator's server_connection with these keys changed (or replaced by a non-object)."""

    def build(conn: dict[str, Any]) -> bytes:
        changed = {**conn, **changes} if isinstance(changes, dict) else changes
        return json.dumps({"server_connection": changed, "args": CAPABILITIES}).encode()

    return build


def without_connection(conn: dict[str, Any]) -> bytes:
    return json.dumps({"args": CAPABILITIES}).encode()


def chapter(**given: Any) -> Stdin:
    return args({"operation": "gallery_chapter_create", "gallery_id": "3", "title": "Day 1", **given})


EXPECTED_INPUT = 'one json object: {"server_connection": {...}, "args": {...}}'

# (stdin, words the error must contain, case-insensitively)
BAD_INPUTS = [
    # stdin itself
    pytest.param(raw(b""), ["no input on stdin", EXPECTED_INPUT], id="empty_stdin"),
    pytest.param(raw(b"hello"), ["stdin is not json", EXPECTED_INPUT], id="not_json"),
    pytest.param(raw(b"\xff\xfe{"), ["stdin is not json"], id="not_utf8"),
    pytest.param(raw(b"[]"), ["an array, not a json object", EXPECTED_INPUT], id="json_list"),
    pytest.param(raw(b'"mode"'), ["a string, not a json object"], id="json_string"),
    pytest.param(raw(b"42"), ["a number, not a json object"], id="json_number"),
    pytest.param(raw(b"null"), ["null, not a json object"], id="json_null"),
    # server_connection
    pytest.param(without_connection, ["server_connection is missing", EXPECTED_INPUT], id="no_server_connection"),
    pytest.param(
        connection([9999]), ["server_connection is an array", "scheme, host, port"], id="server_connection_list"
    ),
    pytest.param(connection(None), ["server_connection is null", "an object"], id="server_connection_null"),
    pytest.param(
        connection({"Port": "abc"}), ["server_connection is malformed", "port", "integer"], id="port_not_a_number"
    ),
    pytest.param(
        connection({"Port": 70000}), ["server_connection is malformed", "port", "65535"], id="port_out_of_range"
    ),
    pytest.param(
        connection({"Scheme": "ftp"}),
        ["server_connection is malformed", "scheme", "'http' or 'https'"],
        id="scheme_ftp",
    ),
    pytest.param(
        connection({"Host": " "}), ["server_connection is malformed", "host must not be empty"], id="empty_host"
    ),
    pytest.param(
        connection({"SessionCookie": "session=abc"}), ["sessioncookie", "dictionary"], id="cookie_not_an_object"
    ),
    pytest.param(
        connection({"SessionCookie": None, "ApiKey": "abc\ndef"}),
        ["server_connection.apikey", "control characters", "exactly as stash shows it"],
        id="api_key_with_line_break",
    ),
    # args and dispatch
    pytest.param(args(["mode", "capabilities"]), ["args must be a json object", "an array"], id="args_list"),
    pytest.param(args("capabilities"), ["args must be a json object", "a string"], id="args_string"),
    pytest.param(
        args({}),
        [
            "nothing to do",
            "an operation (one of find_gallery",
            "or a mode (one of",
            "set_covers",
            "finish_new_galleries",
        ],
        id="no_operation_mode_or_hook",
    ),
    pytest.param(
        args({"operation": "drop_everything"}),
        ["unknown operation 'drop_everything'", "one of find_gallery"],
        id="unknown_operation",
    ),
    pytest.param(
        args({"mode": "destroy_all"}),
        ["unknown mode 'destroy_all'", "one of chapters_from_folders", "finish_new_galleries, capabilities"],
        id="unknown_mode",
    ),
    pytest.param(
        args({"operation": "find_gallery", "id": "1", "hookContext": {"type": "Gallery.Create.Post", "id": 1}}),
        ["both hookcontext and operation", "give one"],
        id="hook_and_operation",
    ),
    # operation parameters
    pytest.param(
        args({"operation": "gallery_chapter_create", "gallery_id": "3", "title": "Day 1"}),
        ["gallery_chapter_create needs image_index"],
        id="missing_parameter",
    ),
    pytest.param(
        args({"operation": "find_gallery", "id": "1", "colour": "red"}),
        ["find_gallery does not take colour", "it takes: id"],
        id="unknown_parameter",
    ),
    pytest.param(chapter(image_index="abc"), ["image_index", "whole number", "'abc'"], id="image_index_abc"),
    pytest.param(
        chapter(image_index=99),
        ["image_index 99", 'gallery "Summer Trip [2022-08-01].zip" [3]', "5 images"],
        id="image_index_past_end",
    ),
    pytest.param(
        args({"operation": "find_gallery", "id": "abc"}), ["argument id", "integer", "'abc'"], id="id_not_integer"
    ),
    pytest.param(
        args({"operation": "find_gallery", "id": "1.5"}), ["argument id", "integer", "'1.5'"], id="id_fraction_text"
    ),
    pytest.param(args({"operation": "find_gallery", "id": "-3"}), ["argument id", "integer", "'-3'"], id="id_negative"),
    pytest.param(args({"operation": "find_gallery", "id": True}), ["argument id", "integer", "true"], id="id_boolean"),
    pytest.param(
        args({"operation": "add_gallery_images", "gallery_id": "6", "image_ids": {"16": True}}),
        ["image_ids", "list of ids"],
        id="image_ids_object",
    ),
    pytest.param(
        args({"operation": "add_gallery_images", "gallery_id": "6", "image_ids": ["16", "x"]}),
        ["image_ids", "integer", "'x'"],
        id="image_ids_not_integers",
    ),
    pytest.param(
        args({"operation": "create_gallery", "gallery": "{title: Holiday}"}),
        ["argument gallery", "json object"],
        id="gallery_not_json",
    ),
    pytest.param(
        args({"operation": "create_gallery", "gallery": {"title": "Holiday", "colour": "red"}}),
        ["argument gallery", "colour", "it takes id, title"],
        id="gallery_unknown_key",
    ),
    pytest.param(
        args({"operation": "update_gallery", "gallery": {"id": "5", "tag_ids": ["1"]}}),
        ["argument gallery", "tag_ids", '"tags": [{"id": "1"}]'],
        id="gallery_graphql_style_key",
    ),
    pytest.param(
        args({"operation": "find_galleries", "filter": {"perpage": 10}}),
        ["argument filter", "perpage", "per_page"],
        id="find_filter_unknown_key",
    ),
    pytest.param(
        args({"operation": "update_gallery_images", "gallery_id": "6", "image_ids": ["16"], "mode": "MERGE"}),
        ["mode", "set, add, remove", "'merge'"],
        id="update_mode_unknown",
    ),
    pytest.param(
        args({"operation": "set_gallery_cover", "gallery_id": "5", "cover_image_id": "9"}),
        ['image "002.jpg" [9] is not in gallery "Best of 2021" [5]', "one of its images"],
        id="cover_not_in_gallery",
    ),
    # task arguments
    pytest.param(
        args({"mode": "set_covers", "dry_run": "maybe"}), ["dry_run", "true or false", "'maybe'"], id="dry_run_maybe"
    ),
    pytest.param(
        args({"mode": "set_covers", "gallery_ids": "1,x"}),
        ["gallery_ids", "integer", "'x'"],
        id="gallery_ids_text_not_integers",
    ),
    pytest.param(
        args({"mode": "set_covers", "colour": "red"}),
        ["task set_covers does not take colour", "gallery_ids (optional)", "rule (optional)"],
        id="unknown_task_arg",
    ),
    pytest.param(
        args({"mode": "set_covers", "rule": "biggest"}),
        ["cover rule step 'biggest'", "pattern:<regex>, portrait or position:<n>"],
        id="bad_cover_rule",
    ),
    pytest.param(
        args({"mode": "finish_new_galleries", "gallery_ids": "1"}),
        ["finish_new_galleries", "does not take gallery_ids", "it takes: path"],
        id="finish_with_gallery_ids",
    ),
    # hooks
    pytest.param(
        args({"hookContext": {"id": 1}}), ["hookcontext must be an object with a type"], id="hook_without_type"
    ),
    pytest.param(
        args({"hookContext": {"id": 1, "type": "Gallery.Update.Post"}}),
        ["no hook for gallery.update.post", "it handles gallery.create.post"],
        id="hook_type_not_handled",
    ),
    pytest.param(
        args({"hookContext": {"id": "abc", "type": "Gallery.Create.Post"}}),
        ["hookcontext.id", "gallery's id", "'abc'"],
        id="hook_id_not_int",
    ),
]


@pytest.mark.parametrize(("stdin", "words"), BAD_INPUTS)
def test_bad_input_gets_a_clear_error_and_changes_nothing(
    stdin: Stdin, words: list[str], plugin_sim: StashSimulator, snapshot, answer
) -> None:
    before = snapshot(plugin_sim)
    plugin_sim.requests.clear()

    result = plugin_sim.runner().run_stdin(stdin(plugin_sim.server_connection()))

    got = answer(result)  # one JSON object, one-line error, exit status 1, no traceback on stdout
    error = got["error"]
    assert error is not None and got["output"] is None
    assert not error.startswith("internal error"), error
    for word in words:
        assert word.lower() in error.lower(), f"{word!r} not in {error!r}"
    assert "Traceback" not in result.stderr  # tracebacks are for bugs only
    assert result.messages("error") == [error]  # and it is logged once, as an error
    assert plugin_sim.requests.mutations() == []
    assert snapshot(plugin_sim) == before


def test_there_are_at_least_25_bad_inputs() -> None:
    assert len(BAD_INPUTS) >= 25


def test_stash_refusing_connections_ends_with_a_clear_error(plugin_sim: StashSimulator, answer) -> None:
    """Retried with backoff (gallery_ops/common/limits.py RETRY_DELAYS, ~8 s), then one clear error."""
    with plugin_sim.http.refusing():
        result = plugin_sim.run_task(button("set_covers"))
    got = answer(result)
    assert got["error"] == f"cannot reach Stash at {plugin_sim.url}: connection refused. {CHECK_REACH}"
    assert "check that Stash is running" in got["error"] and "Host, Port" in got["error"]
    warnings = result.messages("warning")
    assert warnings and all("retry" in w and "connection refused" in w for w in warnings)
    assert result.messages("error") == [got["error"]]
    assert "Traceback" not in result.stderr


# -- the entry ------------------------------------------------------------------------------------
def test_the_entry_imports_the_standard_library_and_its_own_package_only() -> None:
    """gallery_tools.py imports nothing but the standard library and gallery_ops, and what it
    imports of gallery_ops before the full path (the bytecode writer, the packages' __init__)
    nothing but the standard library: the runtime has no third-party package."""
    modules = imported_modules(REPO / "gallery_tools.py")
    assert {m.split(".")[0] for m in modules} - {"gallery_ops"} <= set(sys.stdlib_module_names), modules
    assert {m for m in modules if m.startswith("gallery_ops")} == {
        "gallery_ops.common",  # (bytecode)
        "gallery_ops.common.constants",  # (the hook's type, looked for before the hook is imported)
        "gallery_ops.hook.new_gallery",
        "gallery_ops.entry.dispatch",
    }
    for module in (
        "__init__.py",
        "common/__init__.py",
        "common/bytecode.py",
        "common/constants.py",
        "common/site_packages.py",
    ):
        modules = imported_modules(REPO / "gallery_ops" / module)
        assert all(m and m.split(".")[0] in sys.stdlib_module_names for m in modules), (module, modules)


def imported_modules(path: Path) -> set[str]:
    """The modules a file imports at run time, anywhere in it (what `if TYPE_CHECKING:` imports is
    left out); a relative import counts as "" (none is allowed where this is asked)."""
    found: set[str] = set()

    def visit(node: ast.AST) -> None:
        if isinstance(node, ast.If) and isinstance(node.test, ast.Name) and node.test.id == "TYPE_CHECKING":
            return
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            found.add("" if node.level else node.module or "")
        for child in ast.iter_child_nodes(node):
            visit(child)

    visit(ast.parse(path.read_text(encoding="utf-8")))
    return found
