"""The plugins folder, `plugins`, `pluginTasks` and `reloadPlugins` as a real Stash v0.30.1 answered
them (../shared/real-stash: a fresh server listed `plugins: null` until Gallery Tools was copied
into its plugins folder and reloaded). Facts: pkg/plugin/plugins.go ReloadPlugins, ListPlugins,
ListPluginTasks; pkg/plugin/config.go toPlugin, getPluginSettings."""

from __future__ import annotations

import os
import shutil
import textwrap
from pathlib import Path

from stash_sim import StashSimulator

PLUGINS = (
    "{ plugins { id name description url version enabled tasks { name description } hooks { name description"
    " hooks } settings { name display_name description type } requires paths { javascript css } } }"
)
TASKS = "{ pluginTasks { name description plugin { id name } } }"
REPO = Path(__file__).resolve().parents[2]


def _write(folder: Path, plugin_id: str, text: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    manifest = folder / f"{plugin_id}.yml"
    manifest.write_text(textwrap.dedent(text), encoding="utf-8")
    return manifest


def test_a_fresh_stash_lists_no_plugins_and_reports_its_plugins_folder(empty_sim: StashSimulator) -> None:
    folder = empty_sim.gql("{ configuration { general { pluginsPath } } }")["configuration"]["general"]["pluginsPath"]
    assert os.path.isdir(folder) and os.listdir(folder) == []
    assert empty_sim.gql(PLUGINS) == {"plugins": None}  # a nil slice
    assert empty_sim.gql(TASKS) == {"pluginTasks": None}


def test_a_manifest_copied_in_loads_on_reload_plugins_with_stashs_fields(empty_sim: StashSimulator) -> None:
    folder = Path(empty_sim.plugins_path) / "demo"
    _write(
        folder,
        "demo",
        """\
        name: Demo Plugin
        version: "1.2"
        exec: [python, "{pluginDir}/main.py"]
        tasks:
          - name: Run
            description: Runs it
          - name: Quiet
        hooks:
          - name: On create
            triggeredBy: [Gallery.Create.Post]
        settings:
          zeta: {displayName: Zeta, type: NUMBER}
          alpha: {description: First}
        ui:
          javascript: [demo.js, "https://example.org/x.js"]
        """,
    )
    assert empty_sim.gql(PLUGINS) == {"plugins": None}  # read only at start and on reloadPlugins
    assert empty_sim.gql("mutation { reloadPlugins }") == {"reloadPlugins": True}
    base = f"http://127.0.0.1:{empty_sim.port}"
    assert empty_sim.gql(PLUGINS)["plugins"] == [
        {
            "id": "demo",
            "name": "Demo Plugin",
            "description": None,
            "url": None,
            "version": "1.2",
            "enabled": True,
            "tasks": [{"name": "Run", "description": "Runs it"}, {"name": "Quiet", "description": ""}],
            "hooks": [{"name": "On create", "description": "", "hooks": ["Gallery.Create.Post"]}],
            "settings": [
                {"name": "alpha", "display_name": "", "description": "First", "type": "STRING"},
                {"name": "zeta", "display_name": "Zeta", "description": "", "type": "NUMBER"},
            ],
            "requires": None,
            "paths": {"javascript": ["https://example.org/x.js", f"{base}/plugin/demo/javascript"], "css": None},
        }
    ]
    assert empty_sim.gql(TASKS)["pluginTasks"] == [
        {"name": "Run", "description": "Runs it", "plugin": {"id": "demo", "name": "Demo Plugin"}},
        {"name": "Quiet", "description": "", "plugin": {"id": "demo", "name": "Demo Plugin"}},
    ]
    shutil.rmtree(folder)
    empty_sim.gql("mutation { reloadPlugins }")
    assert empty_sim.gql(PLUGINS) == {"plugins": None}  # reloadPlugins replaces the whole list


def test_a_bad_manifest_is_skipped_and_logged_the_others_load(empty_sim: StashSimulator) -> None:
    root = Path(empty_sim.plugins_path)
    _write(root / "good", "good", "name: Good\nexec: [python, main.py]\n")
    bad = _write(root / "bad", "bad", "name: Bad\nrequires: [x]\n")  # no such key: strict yaml.v2
    empty_sim.gql("mutation { reloadPlugins }")
    assert [p["id"] for p in empty_sim.gql("{ plugins { id } }")["plugins"]] == ["good"]
    assert any(line.startswith(f"Error loading plugin {bad}: ") for line in empty_sim.log_messages("error"))


def test_gallery_tools_installed_as_a_user_installs_it_runs_its_tasks(empty_sim: StashSimulator) -> None:
    """The paths of an install copied into the plugins folder, then reloadPlugins: the
    manifest Stash lists is the repository's, and its tasks run from the copy."""
    target = Path(empty_sim.plugins_path) / "gallery_tools"
    target.mkdir()
    for name in ("gallery_tools.yml", "gallery_tools.py"):
        shutil.copy2(REPO / name, target / name)
    shutil.copytree(REPO / "gallery_ops", target / "gallery_ops", ignore=shutil.ignore_patterns("__pycache__"))
    empty_sim.gql("mutation { reloadPlugins }")
    (listed,) = empty_sim.gql("{ plugins { id name tasks { name } } }")["plugins"]
    assert listed["id"] == "gallery_tools" and listed["name"] == "Gallery Tools"
    assert "Finish new galleries" in [task["name"] for task in listed["tasks"]]
    assert empty_sim.plugin().dir == target.resolve()
    result = empty_sim.run_task("Show capabilities")
    assert result.error is None, result.log_text
