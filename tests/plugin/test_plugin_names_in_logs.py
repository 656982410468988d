"""The demo's log names things as Stash shows them, never a tag, performer, studio, scene or
gallery by its id alone: every line it prints of Stash's log, and (tests/conftest.py) every log line,
at every level, of every plugin run it makes: each task button, operations, the hook during a
scan, the task the hook queued. The e2e tests get the same check from tests/conftest.py."""

from __future__ import annotations

import importlib.util
import re
from pathlib import Path

import pytest
from bare_ids import bare_ids
from stash_sim.runner import load_manifest

REPO = Path(__file__).resolve().parents[2]
LOG_LINE = re.compile(r"^  (Info|Warning|Error|Debug) {2,}")


def test_the_demo_names_everything(capsys: pytest.CaptureFixture[str]) -> None:
    spec = importlib.util.spec_from_file_location("demo", REPO / "scripts" / "demo.py")
    assert spec is not None and spec.loader is not None
    demo = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(demo)
    demo.main()
    printed = capsys.readouterr().out
    shown = [line for line in printed.splitlines() if LOG_LINE.match(line)]
    assert len(shown) > 100  # every task's lines, not an empty run
    assert bare_ids(shown) == []
    # what the issue saw as ids, now by name
    for named in (
        'gallery "Harbour" [10]: would add tag "Travel" [3]; performer "Bo Lind" [2]',
        'keeps gallery "Portraits.zip" [7]; its duplicate: gallery "Studio Portraits" [2]',
        'studio "Northwind Press" [2]',
        'add performer "Ada Vale" [1]; set studio "Lumen Studio" [1]; add tag "Beach" [1]',
    ):
        assert any(named in line for line in shown), named
    # the demo shows every task button, as the README says
    ran = set(re.findall(r"^Task: (.+?)(?: \{.*\})?  \(\d+ requests", printed, re.MULTILINE))
    ran |= set(re.findall(r"^Task the hook queued: (.+?) \(ran", printed, re.MULTILINE))
    buttons = {task.name for task in load_manifest(REPO / "gallery_tools.yml").tasks}
    assert ran == buttons


@pytest.mark.parametrize(
    ("line", "bare"),
    [
        ("gallery 3: chapter 2 lost its image", True),
        ("add tag ids 1", True),
        ('set studio {"id": "1"}', True),
        ("gallery [10]: add tag [3]", True),
        ('gallery "Harbour" [10]: add tag "Travel" [3]', False),
        ('link scene "scene 3" [3]', False),  # a scene a person titled "scene 3" is named, not an id
        ('gallery "a \\"gallery 3\\" b" [2]: x', False),
    ],
)
def test_the_bare_id_check_reads_quoted_names_as_names(line: str, bare: bool) -> None:
    assert bare_ids([line]) == ([line] if bare else [])
