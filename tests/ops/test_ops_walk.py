"""docs/architecture.md's walk from stdin to the write of Set covers is the walk the code takes.

The button is pressed in this process, through gallery_tools.main as Stash starts it, on the
simulator. The calls of the plugin on the stack are recorded when a gallery's cover is planned
and when the setGalleryCover request goes out; together, in order, they must be the hops of the
walk's table (module and function, one row each), at most 25 over at most 10 files.
"""

from __future__ import annotations

import io
import json
import re
import sys
from pathlib import Path
from types import FrameType
from typing import Any

import pytest
from stash_sim import StashSimulator

import gallery_tools
from gallery_ops.stash.connection import KeptAliveHttp
from gallery_ops.tasks import covers

REPO = Path(__file__).resolve().parents[2]
ROW = re.compile(r"^\| (\d+) \| `([^`]+)` \| `([^`]+)` \|", re.MULTILINE)


def documented_walk() -> list[tuple[str, str]]:
    """(module, function) of each row of the walk's table in docs/architecture.md."""
    text = (REPO / "docs" / "architecture.md").read_text(encoding="utf-8")
    walk = text[text.index("## The walk") : text.index("## Every task")]
    rows = ROW.findall(walk)
    assert [int(n) for n, _, _ in rows] == list(range(1, len(rows) + 1))
    return [(module, function) for _, module, function in rows]


def plugin_calls(frame: FrameType | None) -> list[tuple[str, str]]:
    """(module, function) of the plugin's frames on the stack, outermost first; a nested function
    by its own name."""
    found: list[tuple[str, str]] = []
    while frame is not None:
        path = Path(frame.f_code.co_filename).resolve()
        ours = path == REPO / "gallery_tools.py" or (REPO / "gallery_ops") in path.parents
        if ours and frame.f_code.co_name != "<genexpr>":  # a generator expression is its function's own line
            name = frame.f_code.co_qualname.split(".<locals>.")[-1]
            found.append((path.relative_to(REPO).as_posix().removeprefix("gallery_ops/"), name))
        frame = frame.f_back
    return found[::-1]


def test_the_walk_to_the_set_covers_write_is_the_documented_one(
    sim: StashSimulator, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    stacks: dict[str, list[tuple[str, str]]] = {}
    plan_set_cover, send = covers.plan_set_cover, KeptAliveHttp.send

    def planning(*args: Any, **kwargs: Any) -> Any:
        stacks.setdefault("plan", [*plugin_calls(sys._getframe(1)), ("tasks/covers.py", "plan_set_cover")])
        return plan_set_cover(*args, **kwargs)

    def sending(self: KeptAliveHttp, body: bytes) -> Any:
        if b"setGalleryCover" in body:
            stacks.setdefault("write", [*plugin_calls(sys._getframe(1)), ("stash/connection.py", "KeptAliveHttp.send")])
        return send(self, body)

    monkeypatch.setattr(covers, "plan_set_cover", planning)
    monkeypatch.setattr(KeptAliveHttp, "send", sending)
    stdin = {"server_connection": sim.server_connection(), "args": {"mode": "set_covers", "dry_run": False}}
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(json.dumps(stdin).encode()), encoding="utf-8"))
    assert gallery_tools.main() == 0
    assert json.loads(capsys.readouterr().out)["output"]["changed"] >= 1
    plan, write = stacks["plan"], stacks["write"]
    shared = next(n for n, (a, b) in enumerate(zip(plan, write, strict=False)) if a != b)
    walked = write[:shared] + plan[shared:] + write[shared:]  # to the plan, back, then on to the write
    documented = [
        (module.removeprefix("gallery_ops/"), function.split(".")[-1]) for module, function in documented_walk()
    ]
    assert [(module, function.split(".")[-1]) for module, function in walked] == documented
    assert len(documented) <= 25 and len({module for module, _ in documented}) <= 10
