"""Every task of the manifest moves Stash's progress bar, from 0 to the end.

Stash shows a task's job at 0% until the plugin writes a progress line (`p` in the log
protocol, docs/stash.md §2), so a task that wrote none stayed at 0 to the end. Each button of
gallery_tools.yml is pressed as Stash presses it (the simulator's runner); its progress lines
must start at 0, never go back, and end with one 1.0.
"""

from __future__ import annotations

import pytest
from stash_sim import StashSimulator
from support.manifest import BUTTONS, button, copy_plugin

# Tasks that need Stash v0.31 (custom fields): pressed on v0.31.1; on v0.30.1 they say so and stop
# (tests/workflows/test_wf_repair_chapters.py)
NEEDS_V031 = {"repair_chapters"}


def _progress_sim(tmp_path_factory: pytest.TempPathFactory, release: str):
    plugin = copy_plugin(tmp_path_factory.mktemp("plugin"))
    with StashSimulator(release=release) as simulator:
        simulator.install_plugin(plugin)
        yield simulator


@pytest.fixture(scope="module")
def progress_sim(tmp_path_factory: pytest.TempPathFactory):
    yield from _progress_sim(tmp_path_factory, "v0.30.1")


@pytest.fixture(scope="module")
def progress_sim_v031(tmp_path_factory: pytest.TempPathFactory):
    yield from _progress_sim(tmp_path_factory, "v0.31.1")


def test_every_task_of_the_manifest_is_pressed_here() -> None:
    modes = {button.default_args["mode"] for button in BUTTONS}
    assert "capabilities" in modes and "finish_new_galleries" in modes
    assert len(modes) >= 14 and len(BUTTONS) >= len(modes)


@pytest.mark.parametrize("button", BUTTONS, ids=[task.name for task in BUTTONS])
def test_every_task_moves_the_progress_bar_from_0_to_the_end(button, request: pytest.FixtureRequest) -> None:
    sim = request.getfixturevalue("progress_sim_v031" if button.default_args["mode"] in NEEDS_V031 else "progress_sim")
    result = sim.run_task(button.name)
    assert result.returncode == 0, result.stderr
    assert result.progress, f"{button.name} reported no progress: its job would show 0% to the end"
    assert result.progress[0] == 0.0 and result.progress[-1] == 1.0 and result.progress.count(1.0) == 1
    assert result.progress == sorted(result.progress), "the bar never goes back"


def test_finish_with_both_passes_moves_the_bar_once(progress_sim: StashSimulator) -> None:
    """Finish new galleries runs the file-metadata pass, then the page pass: each moves its own
    part of the bar, so the bar still only moves forward."""
    progress_sim.set_plugin_settings(
        "gallery_tools", {"hookChapters": True, "hookFileMetadata": True, "hookFinishByHand": True}
    )
    progress_sim.scan_zip("/library/zips/Progress.2024.zip", ["A/01.jpg", "B/01.jpg"])
    result = progress_sim.run_task(button("finish_new_galleries"))
    assert result.returncode == 0, result.stderr
    assert result.progress[0] == 0.0 and result.progress[-1] == 1.0 and result.progress.count(1.0) == 1
    assert result.progress == sorted(result.progress)
