"""Only the operations layer speaks GraphQL (docs/architecture.md).

Every module of the plugin outside that layer is parsed (ast) and must neither hold
GraphQL text (a query or mutation document, or a selection such as `files { path }`)
nor talk to the connection (`.connection`, `.execute(...)`, `run_batch`, importing
StashConnection). The checks are tried on samples of what they must catch, so they
cannot pass by catching nothing.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = ROOT / "gallery_ops"

# The stash layer: the only modules that may hold GraphQL documents and use the connection.
STASH_LAYER = PACKAGE / "stash"

# `query Name(`, `mutation {`, ...: a document; `name { field`, `name(arg: ...) { field`: a selection.
DOCUMENT = re.compile(r"\b(query|mutation|subscription)\b\s*\w*\s*[({]")
SELECTION = re.compile(r"\b[_A-Za-z]\w*\s*(\([^()]*\))?\s*\{\s*(\.\.\.\s*on\s+)?[_A-Za-z]\w*")
CONNECTION_NAMES = {"execute", "execute_partial", "run_batch", "connection", "StashConnection", "GQLWrapper"}


def graphql_texts(source: str) -> list[str]:
    """The string literals of a module (docstrings aside) that look like GraphQL documents or
    selections. An f-string is checked as one text, its placeholders standing for values."""
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
    return [f"line {line}: {text[:80]!r}" for line, text in texts if DOCUMENT.search(text) or SELECTION.search(text)]


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


def outside_modules() -> list[Path]:
    modules = [p for p in sorted(PACKAGE.rglob("*.py")) if p.parent != STASH_LAYER]
    return [*modules, ROOT / "gallery_tools.py"]


def test_the_scan_covers_every_module_of_the_plugin_outside_the_layer():
    names = {p.relative_to(ROOT).as_posix() for p in outside_modules()}
    assert {
        "gallery_ops/entry/dispatch.py",
        "gallery_ops/tasks/engine.py",
        "gallery_ops/tasks/new_galleries.py",
        "gallery_ops/tasks/changes.py",
        "gallery_tools.py",
    } <= names
    assert not any(name.startswith("gallery_ops/stash/") for name in names)


@pytest.mark.parametrize("path", outside_modules(), ids=lambda p: p.relative_to(ROOT).as_posix())
def test_no_graphql_outside_the_operations_layer(path: Path):
    assert graphql_texts(path.read_text(encoding="utf-8")) == [], (
        f"{path.name} holds GraphQL text: move it to the operations layer (stash/documents.py / stash/selections.py)"
    )


@pytest.mark.parametrize("path", outside_modules(), ids=lambda p: p.relative_to(ROOT).as_posix())
def test_nothing_outside_the_operations_layer_talks_to_the_connection(path: Path):
    assert connection_uses(path.read_text(encoding="utf-8")) == [], (
        f"{path.name} talks to the connection: add a GalleryOps method instead"
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
    ],
)
def test_the_graphql_check_catches_documents_and_selections(source: str):
    assert graphql_texts(source)


@pytest.mark.parametrize(
    "source",
    [
        '"""A docstring may show { findGallery(id: 1) { id } }."""',
        'E = "give one JSON object: {\\"server_connection\\": {...}, \\"args\\": {...}}"',
        'M = f"argument {name} should be a JSON object, got {value!r}"',
        'H = \'(e.g. "tags": [{"id": "1"}])\'',
    ],
)
def test_the_graphql_check_lets_ordinary_text_through(source: str):
    assert graphql_texts(source) == []


@pytest.mark.parametrize(
    "source",
    [
        "ops.connection.execute(Q)",
        "data = conn.execute_partial(Q)",
        "from ..batch import run_batch",
        "from ..connection import StashConnection",
        "result = run_batch(c, m, [])",
    ],
)
def test_the_connection_check_catches_direct_use(source: str):
    assert connection_uses(source)


def test_the_connection_check_lets_operations_and_parsing_through():
    source = (
        "from ..batch import BatchResult, chunks\nfrom .connection import ServerConnection\n"
        "ops.find_gallery('1')\nops.create_chapters([])\n"
    )
    assert connection_uses(source) == []
