"""What a gallery page action's process imports: the standard library and the one task it runs.

The page waits for every action's process (runPluginOperation holds the browser's request open
while the plugin runs, docs/ui.md), so a run imports what it needs and nothing else: no installed
package (the stash layer's models are records of the standard library, stash/record.py; pydantic's
import alone cost more than a whole hook), and of the tasks only the one it runs (the registry
imports a task's module when that task runs). The plugin is run as Stash runs it (the simulator's
runner), through an interpreter wrapper that records the modules each process had imported.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import pytest
from stash_sim import StashSimulator
from support.python import RecordingPython

from gallery_ops.entry.registry import TASKS

REPO = Path(__file__).resolve().parents[2]
RUN = 'mutation Run($args: Map) { runPluginOperation(plugin_id: "gallery_tools", args: $args) }'

# What a page action must never import: the packages the plugin once needed on this path, and the
# standard library's modules that cost most for little (logging and dataclasses, with inspect: the
# plugin's own common/log.py and common/plain.py do what it needs of them).
NEVER = {"pydantic", "pydantic_core", "annotated_types", "typing_extensions", "stashapi", "requests", "urllib3"}
NEVER |= {"logging", "dataclasses", "inspect", "http"}
# nor OpenSSL: its digests (the fingerprint, the read digest) are CPython's builtin SHA-256
# (common/digest.py); nor the hook's modules (gallery_tools.py runs them for a hook run only)
NEVER |= {"hashlib", "_hashlib"}
NEVER |= {"socket", "selectors"}  # (the one connection's socket is _socket's: stash/connection.py)
HOOK_MODULES = {"gallery_ops.hook", "gallery_ops.hook.new_gallery", "gallery_ops.stash.hook_operations"}
OURS = {"gallery_ops", "__main__", "__future__"}
# The modules of gallery_ops/tasks that belong to one task (or to the page's own actions) alone.
TASK_MODULES = {f"gallery_ops.tasks.{task.module}" for task in TASKS.values() if task.module} | {
    "gallery_ops.tasks.page_actions"
}


@pytest.fixture
def wrapped(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> RecordingPython:
    """An interpreter for the runner that records each process's modules and exit status."""
    return RecordingPython(tmp_path, monkeypatch)


def page(sim: StashSimulator, args: dict[str, Any]) -> Any:
    return sim.gql(RUN, {"args": args})["runPluginOperation"]


@pytest.mark.parametrize(
    ("action", "gallery_id", "modules", "pattern"),
    [
        ("title_from_path", "1", {"titles"}, False),
        ("chapters_from_folders", "3", {"chapters"}, False),
        # the default cover rule's pattern is searched by the pattern engine: on Linux, macOS and
        # Docker Python's `re` under the SIGALRM timer, never the optional `regex` (installed here)
        # nor the Python's site-packages (common/patterns.py)
        ("cover_by_rule", "4", {"covers"}, True),
        ("sync_images_from_gallery", "1", {"image_sync"}, False),
        ("metadata_from_files", "8", {"file_metadata"}, False),
    ],
)
def test_a_page_action_imports_the_standard_library_and_its_own_task_only(
    wrapped: RecordingPython, action: str, gallery_id: str, modules: set[str], pattern: bool
) -> None:
    """A preview and its apply (which writes): each process imports no installed package (a pattern's
    optional `regex` neither: the timer bounds `re` here), and its task's module, no other task's."""
    with StashSimulator(python=str(wrapped.python), on_disk=True) as sim:
        sim.install_plugin(REPO)
        preview = page(sim, {"page": "preview", "action": action, "gallery_id": gallery_id})
        done = page(
            sim, {"page": "apply", "action": action, "gallery_id": gallery_id, "fingerprint": preview["fingerprint"]}
        )
    assert preview["changes"] and done["applied"] is True, (preview, done)
    runs = wrapped.runs()
    assert len(runs) == 2 and all(run["status"] == 0 for run in runs)
    for run in runs:
        imported = set(run["modules"])
        assert imported & TASK_MODULES == {f"gallery_ops.tasks.{m}" for m in modules}
        assert not {m.split(".")[0] for m in imported} & NEVER
        assert not imported & HOOK_MODULES
        # the cyclic collector is off while the plugin's modules are imported (gallery_tools.py), on
        # again after (13 collections in this process before; 4 now, Python's own start's)
        collector_on, collections = run["gc"]
        assert collector_on and collections < 8
        outside = sorted(m for m in imported if m.split(".")[0] not in sys.stdlib_module_names | OURS)
        assert outside == [] and "site" not in imported
        assert "gallery_ops.common.patterns" in imported or not pattern
