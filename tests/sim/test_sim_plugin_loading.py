"""Plugins as Stash loads and starts them.

- pkg/plugin/plugins.go ReloadPlugins: ids compared case-insensitively, a second one skipped
  with "Error loading plugin <path>: plugin ID <id> already exists".
- pkg/plugin/raw.go Start: a process that cannot start is "error running plugin: fork/exec
  <path>: <errno text>"; pkg/plugin/plugins.go executePostHooks returns it (the remaining
  hooks of that trigger do not run) and ExecutePostHooks logs "error executing post hooks: ...";
  the mutation still succeeds. internal/manager/task_plugin.go fails the task's job with
  "Error running plugin task: ..." and pkg/job/manager.go logs "task failed due to error: ...".
- interface: js plugins run inside Stash (goja): the simulator refuses them at load.
"""

from __future__ import annotations

import os
import textwrap
from collections.abc import Callable
from pathlib import Path

import pytest
from stash_sim import StashSimulator
from stash_sim.runner import JS_NOT_MODELLED, ManifestError, load_plugins

RECORD = """
import json, os, sys
plugin_input = json.loads(sys.stdin.read())
with open(os.path.join(os.path.dirname(__file__), "ran.txt"), "a") as handle:
    handle.write(plugin_input["args"]["hookContext"]["type"] + "\\n")
print(json.dumps({"output": "ok"}))
"""


def plugin(
    root: Path,
    plugin_id: str,
    exec_lines: str = '  - python\n  - "{pluginDir}/main.py"\n',
    interface: str = "raw",
    script: str = RECORD,
    folder_name: str | None = None,
) -> Path:
    folder = root / "plugins" / (folder_name or plugin_id)
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"{plugin_id}.yml").write_text(
        textwrap.dedent(f"""\
        name: {plugin_id.title()}
        interface: {interface}
        exec:
        """)
        + exec_lines
        + textwrap.dedent("""\
        tasks:
          - name: Go
        hooks:
          - name: On create
            triggeredBy: [Gallery.Create.Post, Tag.Create.Post]
        """),
        encoding="utf-8",
    )
    (folder / "main.py").write_text(textwrap.dedent(script), encoding="utf-8")
    return folder


def ran(folder: Path) -> list[str]:
    record = folder / "ran.txt"
    return record.read_text(encoding="utf-8").split() if record.exists() else []


# -- process cannot start --------------------------------------------------------------------------
def _missing(folder: Path) -> str:
    return "  - ./not-there\n"


def _not_executable(folder: Path) -> str:
    (folder / "tool.sh").write_text("#!/bin/sh\necho '{}'\n", encoding="utf-8")
    os.chmod(folder / "tool.sh", 0o644)
    return "  - ./tool.sh\n"


def _not_a_program(folder: Path) -> str:
    (folder / "tool.bin").write_bytes(b"\x00\x01 not an executable format\n")
    os.chmod(folder / "tool.bin", 0o755)
    return "  - ./tool.bin\n"


CANNOT_START = [
    pytest.param(_missing, "./not-there", "no such file or directory", id="exec_missing[pkg/plugin/raw.go]"),
    pytest.param(_not_executable, "./tool.sh", "permission denied", id="exec_not_executable[pkg/plugin/raw.go]"),
    pytest.param(_not_a_program, "./tool.bin", "exec format error", id="exec_not_a_program[pkg/plugin/raw.go]"),
]


def _broken(tmp_path: Path, setup: Callable[[Path], str]) -> Path:
    folder = plugin(tmp_path, "broken")
    exec_lines = setup(folder)
    return plugin(tmp_path, "broken", exec_lines=exec_lines)


@pytest.mark.parametrize(("setup", "exec_name", "reason"), CANNOT_START)
def test_hook_that_cannot_start_is_logged_and_the_mutation_succeeds_plugins_go_executePostHooks(
    tmp_path: Path, make_sim: Callable[..., StashSimulator], setup: Callable[[Path], str], exec_name: str, reason: str
) -> None:
    sim = make_sim({})
    folder = _broken(tmp_path, setup)
    sim.install_plugin(folder, "broken")
    data = sim.gql('mutation { galleryCreate(input: {title: "New"}) { id title } }')
    assert data["galleryCreate"] == {"id": "1", "title": "New"}  # committed and answered
    # exec[0] not on PATH is taken relative to the plugin folder (config.go getExecCommand)
    expected = f"error executing post hooks: error running plugin: fork/exec {folder / exec_name}: {reason}"
    assert sim.log_messages("error") == [expected]
    assert sim.hooks.runs == []


def test_a_hook_that_cannot_start_stops_the_later_hooks_of_that_trigger(
    tmp_path: Path, make_sim: Callable[..., StashSimulator]
) -> None:
    """executePostHooks returns on the first Start error: later plugins' hooks for it do not run."""
    sim = make_sim({})
    broken = _broken(tmp_path, _missing)
    good = plugin(tmp_path, "good")
    sim.install_plugin(broken, "broken")
    sim.install_plugin(good, "good")
    sim.gql('mutation { galleryCreate(input: {title: "New"}) { id } }')
    assert ran(good) == []
    assert len(sim.log_messages("error")) == 1
    sim.uninstall_plugins()
    sim.install_plugin(good, "good")
    sim.gql('mutation { tagCreate(input: {name: "T"}) { id } }')
    assert ran(good) == ["Tag.Create.Post"]  # the same plugin runs when nothing before it fails


def test_a_scan_goes_on_when_a_hook_cannot_start(tmp_path: Path, make_sim: Callable[..., StashSimulator]) -> None:
    """Scan steps fire hooks after their commit; a hook that cannot start is only logged."""
    sim = make_sim({})
    sim.install_plugin(_broken(tmp_path, _missing), "broken")
    gallery_id = sim.scan_folder("/library/new", ["1.jpg", "2.jpg", "3.jpg"])
    count = sim.gql("query($id: ID!) { findGallery(id: $id) { image_count } }", {"id": str(gallery_id)})
    assert count["findGallery"]["image_count"] == 3
    assert len(sim.log_messages("error")) == 1  # Gallery.Create.Post; this plugin has no Image hooks


@pytest.mark.parametrize(("setup", "exec_name", "reason"), CANNOT_START)
def test_task_that_cannot_start_fails_its_job_task_plugin_go(
    tmp_path: Path, make_sim: Callable[..., StashSimulator], setup: Callable[[Path], str], exec_name: str, reason: str
) -> None:
    sim = make_sim({})
    folder = _broken(tmp_path, setup)
    sim.install_plugin(folder, "broken")
    result = sim.run_task("Go", plugin_id="broken")
    start_error = f"error running plugin: fork/exec {folder / exec_name}: {reason}"
    assert (result.error, result.returncode) == (start_error, None)
    assert sim.log_messages("error") == [f"task failed due to error: Error running plugin task: {start_error}"]


def test_run_plugin_operation_that_cannot_start_is_the_mutation_error_plugins_go_RunPlugin(
    tmp_path: Path, make_sim: Callable[..., StashSimulator]
) -> None:
    sim = make_sim({})
    folder = _broken(tmp_path, _missing)
    sim.install_plugin(folder, "broken")
    body = sim.gql_raw('mutation { runPluginOperation(plugin_id: "broken") }')
    assert body["errors"] == [
        {
            "message": f"error running plugin: fork/exec {folder / 'not-there'}: no such file or directory",
            "path": ["runPluginOperation"],
        }
    ]


def test_hook_error_output_is_logged_plugins_go_executePostHooks(
    tmp_path: Path, make_sim: Callable[..., StashSimulator]
) -> None:
    sim = make_sim({})
    folder = plugin(tmp_path, "failing", script='import sys\nsys.stdin.read()\nprint(\'{"error": "no luck"}\')\n')
    sim.install_plugin(folder, "failing")
    sim.gql('mutation { galleryCreate(input: {title: "New"}) { id } }')
    assert sim.log_messages("error") == ["Gallery.Create.Post [Failing]: returned error: no luck"]


# -- loading ----------------------------------------------------------------------------------
def test_js_plugins_are_refused_at_load(tmp_path: Path, make_sim: Callable[..., StashSimulator]) -> None:
    """interface: js is valid in Stash (pkg/plugin/config.go), run by goja in-process: not modelled."""
    folder = plugin(tmp_path, "scripted", interface="js")
    plugins, errors = load_plugins(tmp_path / "plugins")
    assert plugins == []
    assert errors == [f"Error loading plugin {folder / 'scripted.yml'}: {JS_NOT_MODELLED}"]
    assert "does not model js plugins" in errors[0]
    sim = make_sim({})
    with pytest.raises(ManifestError, match="does not model js plugins"):
        sim.install_plugin(folder, "scripted")
    assert sim.plugins == []
    assert sim.log_messages("error") == errors


def test_duplicate_plugin_ids_ignoring_case_are_refused_plugins_go_ReloadPlugins(
    tmp_path: Path, make_sim: Callable[..., StashSimulator]
) -> None:
    first = plugin(tmp_path, "Tools", folder_name="a")
    second = plugin(tmp_path, "tools", folder_name="b")
    plugins, errors = load_plugins(tmp_path / "plugins")
    assert [(p.id, p.path) for p in plugins] == [("Tools", first / "Tools.yml")]
    assert errors == [f"Error loading plugin {second / 'tools.yml'}: plugin ID tools already exists"]
    sim = make_sim({})
    sim.install_plugin(first, "Tools")
    sim.install_plugin(first, "Tools")  # the same manifest again: a reload, not a duplicate
    with pytest.raises(ManifestError, match="plugin ID tools already exists"):
        sim.install_plugin(second, "tools")
    assert [p.path for p in sim.plugins] == [first / "Tools.yml"]
    assert sim.log_messages("error") == errors


def test_plugins_load_in_walk_order(tmp_path: Path) -> None:
    """fsutil.SymWalk (filepath.Walk) visits a folder's entries by name, depth first: the folder
    `same` before the file `same.yml` (a plain path sort would put `same.yml` first); of two equal
    ids the first loaded wins."""
    nested = plugin(tmp_path, "same")
    (tmp_path / "plugins" / "same.yml").write_text("name: Flat\nexec: [python]\n", encoding="utf-8")
    plugins, errors = load_plugins(tmp_path / "plugins")
    assert [p.path for p in plugins] == [nested / "same.yml"]
    assert errors == [f"Error loading plugin {tmp_path / 'plugins' / 'same.yml'}: plugin ID same already exists"]
