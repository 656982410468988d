"""The layers of gallery_ops, as folders, and what only the stash layer may do (docs/architecture.md).

1. Imports only run down: entry > tasks, hook (peers, which never import each other) > stash >
   common, checked by folder for every import of every module (also those only a type checker
   reads), absolute or relative.
2. All GraphQL text is in stash/documents.py and stash/selections.py: every other module is
   parsed (ast) and must hold no query, mutation, selection or field call such as
   `plugins(include: ["x"])`.
3. Only the stash layer talks to the connection, and there is one connection: only
   stash/connection.py opens sockets or imports an HTTP or GraphQL client, and it defines one
   class that sends requests.
Each check is tried on samples of what it must catch, so it cannot pass by catching nothing.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = ROOT / "gallery_ops"

# Each layer's rank: a module may import from its own folder and from folders of a lower rank.
LAYERS = {"entry": 4, "tasks": 3, "hook": 3, "stash": 2, "common": 1}
GRAPHQL_HOMES = {"gallery_ops/stash/documents.py", "gallery_ops/stash/selections.py"}
CONNECTION_HOME = "gallery_ops/stash/connection.py"


def layer_modules() -> list[Path]:
    return sorted(p for p in PACKAGE.rglob("*.py") if p.parent != PACKAGE)


def name_of(path: Path) -> str:
    """gallery_ops/tasks/engine.py -> gallery_ops.tasks.engine (a package's __init__: the package)."""
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imported(source: str, module: str, is_package: bool = False) -> list[tuple[int, str]]:
    """(line, module) for every import in `source`, read as module `module` would import it:
    relative imports resolved, `from x import y` counted as x.y (y may be a module)."""
    package = module if is_package else module.rpartition(".")[0]
    found: list[tuple[int, str]] = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parts = package.split(".")
                parts = parts[: len(parts) - (node.level - 1)]
                base = ".".join([*parts, *([node.module] if node.module else [])])
            found += [(node.lineno, f"{base}.{alias.name}") for alias in node.names]
    return found


def layer_of(module: str) -> str | None:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 and parts[0] == "gallery_ops" and parts[1] in LAYERS else None


def upward_imports(source: str, module: str) -> list[str]:
    """The imports of `module` that reach a layer above it or a peer layer."""
    own = layer_of(module)
    assert own is not None, module
    bad = []
    for line, target in imported(source, module):
        other = layer_of(target)
        if other is not None and other != own and LAYERS[other] >= LAYERS[own]:
            bad.append(f"line {line}: {own} imports {target} ({other})")
    return bad


@pytest.mark.parametrize("path", layer_modules(), ids=lambda p: p.relative_to(ROOT).as_posix())
def test_no_module_imports_from_a_higher_or_peer_layer(path: Path) -> None:
    module = name_of(path) if path.name != "__init__.py" else name_of(path) + ".__init__"
    assert upward_imports(path.read_text(encoding="utf-8"), module) == []


def test_every_module_of_the_package_is_in_a_layer_folder() -> None:
    loose = [p.name for p in PACKAGE.glob("*.py") if p.name != "__init__.py"]
    assert loose == [], "a module belongs in one of the layer folders: " + ", ".join(LAYERS)
    assert {p.parent.name for p in layer_modules()} == set(LAYERS)


@pytest.mark.parametrize(
    ("module", "source"),
    [
        ("gallery_ops.tasks.engine", "from ..entry.dispatch import main"),
        ("gallery_ops.tasks.engine", "from ..hook import new_gallery"),  # a peer
        ("gallery_ops.hook.new_gallery", "from ..tasks.report import Report"),  # a peer
        ("gallery_ops.stash.operations", "from ..tasks import engine"),
        ("gallery_ops.stash.operations", "import gallery_ops.entry.registry"),
        ("gallery_ops.common.paths", "from gallery_ops.stash.models import Gallery"),
        ("gallery_ops.common.paths", "from .. import stash"),
        ("gallery_ops.stash.batch", "if TYPE_CHECKING:\n    from ..tasks.changes import Change"),
    ],
)
def test_the_layer_check_catches_imports_that_go_up(module: str, source: str) -> None:
    assert upward_imports(source, module)


@pytest.mark.parametrize(
    ("module", "source"),
    [
        ("gallery_ops.entry.dispatch", "from ..tasks.engine import run_workflows\nfrom ..hook import new_gallery"),
        ("gallery_ops.tasks.engine", "from ..stash.operations import GalleryOps\nfrom . import report"),
        ("gallery_ops.stash.operations", "from ..common import paths\nfrom .connection import StashConnection"),
        ("gallery_ops.common.args", "import json\nfrom .errors import ArgError"),
    ],
)
def test_the_layer_check_lets_downward_imports_through(module: str, source: str) -> None:
    assert upward_imports(source, module) == []


# -- GraphQL text --------------------------------------------------------------------------------------
# `query Name(`, `mutation {`, ...: a document; `name { field`, `name(arg: ...) { field`: a selection;
# `name(arg: value`: a field called with an argument (with or without a selection after it).
DOCUMENT = re.compile(r"\b(query|mutation|subscription)\b\s*\w*\s*[({]")
SELECTION = re.compile(r"\b[_A-Za-z]\w*\s*(\([^()]*\))?\s*\{\s*(\.\.\.\s*on\s+)?[_A-Za-z]\w*")
FIELD_CALL = re.compile(
    r"\b[_A-Za-z]\w*\(\s*[_A-Za-z]\w*\s*:\s*(\[|\"|\$|\{|-?\d|true\b|false\b|null\b|[A-Z][A-Z_]+\b)"
)


def graphql_texts(source: str) -> list[str]:
    """The string literals of a module (docstrings aside) that look like GraphQL documents,
    selections or field calls. An f-string is checked as one text, its placeholders standing
    for values."""
    tree = ast.parse(source)
    skip: set[int] = set()
    texts: list[tuple[int, str]] = []
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef)
            and node.body
            and isinstance(node.body[0], ast.Expr)
            and isinstance(node.body[0].value, ast.Constant)
        ):
            skip.add(id(node.body[0].value))
        elif isinstance(node, ast.JoinedStr):
            skip.update(id(v) for v in node.values)
            texts.append((node.lineno, "".join(v.value if isinstance(v, ast.Constant) else "x" for v in node.values)))
    texts += [
        (node.lineno, node.value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in skip
    ]
    return [
        f"line {line}: {text[:80]!r}"
        for line, text in texts
        if DOCUMENT.search(text) or SELECTION.search(text) or FIELD_CALL.search(text)
    ]


def outside_the_documents() -> list[Path]:
    modules = [p for p in sorted(PACKAGE.rglob("*.py")) if p.relative_to(ROOT).as_posix() not in GRAPHQL_HOMES]
    return [*modules, ROOT / "gallery_tools.py"]


@pytest.mark.parametrize("path", outside_the_documents(), ids=lambda p: p.relative_to(ROOT).as_posix())
def test_no_graphql_outside_the_documents(path: Path) -> None:
    assert graphql_texts(path.read_text(encoding="utf-8")) == [], (
        f"{path.name} holds GraphQL text: move it to stash/documents.py (or stash/selections.py)"
    )


@pytest.mark.parametrize(
    "source",
    [
        'Q = "query Find($id: ID!) { findGallery(id: $id) { id } }"',
        'Q = "mutation { galleryUpdate(input: $i) { id } }"',
        'F = "chapters { id title image_index }"',
        'F = "id visual_files { ... on ImageFile { path } }"',
        'T = f"findTags(tag_filter: {{ name: {{ value: $tag }} }}) {{ tags {{ id }} }}"',
        'def f(n):\n    return f"query Q{n} {{ findGallery(id: $i) {{ id }} }}"',
        "P = 'plugins(include: [\"gallery_tools\"])'",  # a field call without a selection
        "P = f'plugins(include: [\"{PLUGIN_ID}\"])'",
        'R = "runPluginTask(plugin_id: $plugin, task_name: $task)"',
        'S = "findScenes(filter: { per_page: -1 })"',
    ],
)
def test_the_graphql_check_catches_documents_selections_and_field_calls(source: str) -> None:
    assert graphql_texts(source)


@pytest.mark.parametrize(
    "source",
    [
        '"""A docstring may show { findGallery(id: 1) { id } }."""',
        'E = "give one JSON object: {\\"server_connection\\": {...}, \\"args\\": {...}}"',
        'M = f"argument {name} should be a JSON object, got {value!r}"',
        'H = \'(e.g. "tags": [{"id": "1"}])\'',
        'W = "Settings > Tasks > Plugin Tasks (previews unless dry_run: false)"',
        'L = "retry 1 of 5 in 0.25s (database is locked)"',
    ],
)
def test_the_graphql_check_lets_ordinary_text_through(source: str) -> None:
    assert graphql_texts(source) == []


# -- the connection ------------------------------------------------------------------------------------
CONNECTION_NAMES = {"execute", "execute_partial", "run_batch", "read_as", "connection", "StashConnection"}
CLIENTS = {
    "socket",
    "_socket",
    "ssl",
    "select",
    "http.client",
    "requests",
    "urllib.request",
    "stashapi.stashapp",
    "gql",
}


def connection_uses(source: str) -> list[str]:
    """Uses of the connection: attributes and calls named like it, and imports of it or of batch."""
    out = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Attribute) and node.attr in CONNECTION_NAMES:
            out.append(f"line {node.lineno}: .{node.attr}")
        elif isinstance(node, ast.Name) and node.id in CONNECTION_NAMES:
            out.append(f"line {node.lineno}: {node.id}")
        elif isinstance(node, ast.ImportFrom):
            names = {alias.name for alias in node.names}
            if (node.module or "").split(".")[-1] in ("connection", "batch") and names - {
                "BatchResult",
                "chunks",
                "ServerConnection",
            }:
                out.append(f"line {node.lineno}: from {node.module} import {', '.join(sorted(names))}")
            elif names & CONNECTION_NAMES:
                out.append(f"line {node.lineno}: import {', '.join(sorted(names & CONNECTION_NAMES))}")
    return out


def outside_the_stash_layer() -> list[Path]:
    return [p for p in outside_the_documents() if not p.relative_to(ROOT).as_posix().startswith("gallery_ops/stash/")]


@pytest.mark.parametrize("path", outside_the_stash_layer(), ids=lambda p: p.relative_to(ROOT).as_posix())
def test_nothing_outside_the_stash_layer_talks_to_the_connection(path: Path) -> None:
    assert connection_uses(path.read_text(encoding="utf-8")) == [], (
        f"{path.name} talks to the connection: add a GalleryOps (or HookOps) method instead"
    )


def network_clients(source: str, module: str) -> list[str]:
    """Imports of a socket, an HTTP client or another GraphQL client."""
    return [
        f"line {line}: {name}"
        for line, name in imported(source, module)
        if any(name == client or name.startswith(client + ".") for client in CLIENTS)
    ]


def request_senders(source: str) -> list[str]:
    """Classes that send requests: they define `execute` or `post`."""
    return [
        node.name
        for node in ast.walk(ast.parse(source))
        if isinstance(node, ast.ClassDef)
        and any(isinstance(f, ast.FunctionDef) and f.name in ("execute", "post") for f in node.body)
    ]


@pytest.mark.parametrize(
    "path", [*layer_modules(), ROOT / "gallery_tools.py"], ids=lambda p: p.relative_to(ROOT).as_posix()
)
def test_one_connection_only_the_connection_module_opens_sockets(path: Path) -> None:
    source, where = path.read_text(encoding="utf-8"), path.relative_to(ROOT).as_posix()
    if where == CONNECTION_HOME:
        assert request_senders(source) == ["StashConnection"]
        assert network_clients(source, name_of(path))  # it is the one that does
    else:
        assert network_clients(source, name_of(path)) == [], f"{where} opens a connection of its own"
        assert request_senders(source) == [], f"{where} sends requests: use the one connection"


@pytest.mark.parametrize(
    "source",
    [
        "ops.connection.execute(Q)",
        "data = conn.execute_partial(Q)",
        "from ..batch import run_batch",
        "from ..connection import StashConnection",
        "result = run_batch(c, m, [])",
        "rows = read_as(c, Q, {}, A)",
    ],
)
def test_the_connection_check_catches_direct_use(source: str) -> None:
    assert connection_uses(source)


def test_the_connection_check_lets_operations_and_parsing_through() -> None:
    source = (
        "from ..batch import BatchResult, chunks\nfrom .connection import ServerConnection\n"
        "ops.find_gallery('1')\nops.create_chapters([])\n"
    )
    assert connection_uses(source) == []


@pytest.mark.parametrize(
    "source",
    [
        "import socket",
        "from http.client import HTTPConnection",
        "import requests",
        "from stashapi.stashapp import StashInterface",
        "from urllib.request import urlopen",
    ],
)
def test_the_one_connection_check_catches_another_client(source: str) -> None:
    assert network_clients(source, "gallery_ops.hook.new_gallery")


def test_the_one_connection_check_catches_a_second_sender() -> None:
    source = "class Wire:\n    def execute(self, q):\n        return q\n"
    assert request_senders(source) == ["Wire"]
