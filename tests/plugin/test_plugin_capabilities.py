"""Show capabilities lists every task the manifest declares, with the args each takes, so that
the listing cannot drift from gallery_tools.yml again."""

from __future__ import annotations

from pathlib import Path

from stash_sim import StashSimulator
from support.manifest import MANIFEST, button

from gallery_ops.entry.registry import TASKS

REPO = Path(__file__).resolve().parents[2]


def manifest_modes() -> list[str]:
    modes = [task.default_args["mode"] for task in MANIFEST.tasks]
    return list(dict.fromkeys(modes))  # several buttons run one mode with other args


def test_capabilities_list_every_task_of_the_manifest_and_only_those(plugin_sim: StashSimulator, answer) -> None:
    result = plugin_sim.run_task(button("capabilities"))
    got = answer(result)
    assert got["error"] is None
    tasks = got["output"]["tasks"]
    assert set(tasks) == set(manifest_modes()) == set(TASKS)
    for mode in TASKS:
        assert tasks[mode]["args"] == [p.name for p in TASKS[mode].all_params], mode
    # Stash logs a task's output at debug level only: each task is a line of the log too
    info = result.messages("info")
    assert [m.split(":")[0] for m in info if m.startswith("task ")] == [f"task {mode}" for mode in tasks]
