"""What a bulk task's process imports: no digest machinery when the run makes no digest, nothing of
the gallery page's, nor of the operations' or of a preview's gate.

A task's CPU on a big library is a few tenths of a second, a good part of it Python's start and the
imports (bench/bulk_tasks.py). `hashlib` loads OpenSSL (3-4 ms): only a run that digests imports it
(a delete's basis, tasks/deletes.py; a page action's gate, tasks/gate.py), and the disk's proofs
(common/on_disk.py) only a run that looks at the disk; the gallery page's own modules (entry/page.py,
tasks/words.py) only a page action; the operations' (entry/plugin_operations.py) only an operation's
run; a gate (tasks/gate.py) only a page action or a job queued from a preview. Nor `typing`, `re`, the
`json` package, `enum`, `functools`, `contextlib` or `importlib` (with what they import, some 10 ms of
each process's CPU): annotations are read by type checkers only (common/lean_typing.py), JSON goes
through `_json` (common/json_text.py), functools' few names the plugin uses are
common/lean_functools.py's, and `re` is imported where a user's pattern is compiled. The plugin is run as
Stash runs a task (the simulator's runner), through an interpreter wrapper that records the modules
each process had imported.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from stash_sim import StashSimulator
from support.python import RecordingPython

REPO = Path(__file__).resolve().parents[2]
DIGESTS = {"hashlib", "_hashlib", "gallery_ops.common.on_disk"}
PAGE_ONLY = {"gallery_ops.entry.page", "gallery_ops.tasks.words"}
NOT_A_TASK_S = {"gallery_ops.entry.plugin_operations", "gallery_ops.tasks.gate"}
START_COSTS = {"typing", "re", "json", "json.decoder", "json.encoder", "enum", "functools", "contextlib", "importlib"}


@pytest.mark.parametrize(
    ("task", "args", "module"),
    [
        ("Set covers", {"rule": "position:2", "dry_run": "false"}, "covers"),
        ("Set covers", {"rule": "pattern:\\d;portrait", "dry_run": "false"}, "covers"),
        ("Chapters from folders", {"dry_run": "false"}, "chapters"),
        ("Sync images from gallery", {"dry_run": "false"}, "image_sync"),
    ],
)
def test_a_task_that_makes_no_digest_imports_no_hashlib(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, task: str, args: dict[str, Any], module: str
) -> None:
    """The task writes (its changes go through the re-read before writes, changes.py), yet its
    process never imports hashlib nor on_disk, nor a delete's basis (tasks/deletes.py), nor
    the page's modules, the operations' or a gate's; nor typing, re, json or enum, but for `re` (with
    enum) where the rule holds a pattern."""
    wrapped = RecordingPython(tmp_path, monkeypatch)
    with StashSimulator(python=str(wrapped.python)) as sim:
        sim.install_plugin(REPO)
        result = sim.run_task(task, args)
    assert result.error is None, result.stderr[-2000:]
    assert result.output["changed"] > 0, result.output
    (run,) = wrapped.runs()
    imported = set(run["modules"])
    assert run["status"] == 0
    assert {f"gallery_ops.tasks.{module}", "gallery_ops.tasks.changes"} <= imported
    # a delete's basis (deletes.py) only where a run deletes galleries; chapter anchors where it makes chapters
    assert "gallery_ops.tasks.deletes" not in imported
    assert ("gallery_ops.tasks.anchors" in imported) == (module == "chapters")
    assert imported & DIGESTS == set()
    assert imported & PAGE_ONLY == set()
    assert imported & NOT_A_TASK_S == set()
    pattern = args.get("rule", "").startswith("pattern:")
    assert imported & START_COSTS == ({"re", "enum", "functools"} if pattern else set())  # (what re imports)


@pytest.mark.parametrize(("sidecar", "reads_re"), [("ComicInfo.xml", False), ("info.json", True)])
def test_file_metadata_imports_re_only_for_a_json_sidecar(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, sidecar: str, reads_re: bool
) -> None:
    """Import file metadata (the gallery page's "metadata from files" too): a zip's ComicInfo.xml is
    read with expat alone, the disk looked at without `enum` (common/on_disk.py); `re` (with enum:
    some ms of a process's start) is imported only where a gallery-dl JSON is read (its nesting and
    date are matched with patterns: common/metadata_files.py)."""
    text = {
        "ComicInfo.xml": "<ComicInfo><Title>Night Market</Title></ComicInfo>",
        "info.json": '{"title": "Night Market", "date": "2021-05-01 10:00:00"}',
    }[sidecar]
    where = {"zip": "/library/zips/set.zip"} if sidecar.endswith(".xml") else {"folder": "/library/sets/set"}
    gallery = {**where, "images": ["001.jpg", "002.jpg"], "disk_files": {sidecar: text}}
    wrapped = RecordingPython(tmp_path, monkeypatch)
    with StashSimulator(python=str(wrapped.python), library={"galleries": [gallery]}, on_disk=True) as sim:
        sim.install_plugin(REPO)
        result = sim.run_task("Import file metadata", {"dry_run": "false"})
        title = sim.gql('{ findGallery(id: "1") { title } }')["findGallery"]["title"]
    assert result.error is None, result.stderr[-2000:]
    assert title == "Night Market"  # (the sidecar was read)
    (run,) = wrapped.runs()
    imported = set(run["modules"])
    assert "gallery_ops.common.metadata_files" in imported
    assert "gallery_ops.common.on_disk" in imported
    assert imported & START_COSTS == ({"re", "enum", "functools"} if reads_re else set())


def test_a_gallery_read_in_pieces_imports_no_re_nor_json(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Sync on a gallery bigger than a page: its pages are decoded a piece at a time (stash/pieces.py),
    cut by hand, so the run imports what a run on small galleries does (and peaks as it does)."""
    gallery = {
        "zip": "/library/zips/big.zip",
        "tags": ["Set"],
        "images": [f"p{i % 3}/{i:05d}.jpg" for i in range(1_500)],
    }
    wrapped = RecordingPython(tmp_path, monkeypatch)
    with StashSimulator(python=str(wrapped.python), library={"tags": ["Set"], "galleries": [gallery]}) as sim:
        sim.install_plugin(REPO)
        result = sim.run_task("Sync images from gallery", {"dry_run": "false"})
    assert result.error is None, result.stderr[-2000:]
    assert result.output["changed"] == 1, result.output
    (run,) = wrapped.runs()
    imported = set(run["modules"])
    assert "gallery_ops.stash.pieces" in imported
    assert imported & START_COSTS == set()
