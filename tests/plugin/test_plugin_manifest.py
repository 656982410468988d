"""The manifest, the code and the README say the same thing, and the plugin works where
Stash puts it: a copy in <plugins>/gallery_tools/, run from Stash's own working directory."""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

import pytest
from stash_sim import StashSimulator
from stash_sim.runner import load_manifest, load_plugins
from support.manifest import button

from gallery_ops.common.patterns import ENGINE_ENV
from gallery_ops.common.settings import DATE_FORMS, SETTINGS
from gallery_ops.entry.plugin_operations import OPERATION_PARAMS
from gallery_ops.entry.registry import HOOK_TYPES, TASKS

REPO = Path(__file__).resolve().parents[2]
README = (REPO / "README.md").read_text(encoding="utf-8")
INSTALL_FILES = (
    "gallery_tools.yml",
    "gallery_tools.py",
    "gallery_ops",
    "ui",
    "LICENSE",
)


def manifest():
    return load_manifest(REPO / "gallery_tools.yml")  # Stash's strict rules: raises on any unknown key


def test_manifest_loads_strictly_with_the_entry_stash_runs() -> None:
    plugin = manifest()
    assert plugin.id == "gallery_tools" and plugin.name == "Gallery Tools"
    assert plugin.version and plugin.description
    assert plugin.exec == ["python", "-S", "{pluginDir}/gallery_tools.py"]  # no site-packages at start
    assert plugin.interface == "raw" and "interface" in plugin.raw  # said, not defaulted
    # the UI part: plain JavaScript and CSS files of the plugin's own folder, no URL (nothing is
    # loaded from outside the Stash server; pkg/plugin/config.go: http(s) entries are external)
    ui = plugin.raw["ui"]
    assert set(ui) == {"javascript", "css"}
    for name in ui["javascript"] + ui["css"]:
        assert not name.startswith(("http://", "https://")) and (REPO / name).is_file(), name
        assert name.startswith("ui/")


def test_manifest_settings_are_the_code_settings() -> None:
    assert manifest().settings == {
        s.key: {"displayName": s.display_name, "description": s.description, "type": s.type} for s in SETTINGS
    }


def test_every_button_runs_a_task_and_every_task_has_a_button() -> None:
    plugin = manifest()
    names = [task.name for task in plugin.tasks]
    assert len(names) == len(set(names))  # Stash finds a task by its name
    modes = [task.default_args.get("mode") for task in plugin.tasks]
    assert set(modes) == set(TASKS), modes
    for task in plugin.tasks:
        takes = {"mode"} | {p.name for p in TASKS[task.default_args["mode"]].all_params}
        assert set(task.default_args) <= takes, task.name
        assert task.description and not task.exec_args


def test_the_hook_is_exactly_gallery_create_post() -> None:
    plugin = manifest()
    assert [trigger for hook in plugin.hooks for trigger in hook.triggered_by] == ["Gallery.Create.Post"]
    assert list(HOOK_TYPES) == ["Gallery.Create.Post"]
    assert all(hook.default_args == {} and not hook.exec_args for hook in plugin.hooks)


# -- the README matches the code -----------------------------------------------------------------
def table(heading: str) -> list[list[str]]:
    """The rows (cells, unescaped) of the first table after a README heading."""
    start = README.index(heading)
    rows, seen_table = [], False
    for line in README[start:].splitlines()[1:]:
        if line.startswith("|"):
            seen_table = True
            cells = [c.strip().replace("\\|", "|") for c in re.split(r"(?<!\\)\|", line.strip())[1:-1]]
            if not set("".join(cells)) <= set("-: "):
                rows.append(cells)
        elif seen_table:
            break
    return rows[1:]  # without the header row


def ticked(cell: str) -> list[str]:
    return re.findall(r"`([^`]+)`", cell)


def readme_default(value: object) -> str:
    if isinstance(value, bool):
        return f"`{str(value).lower()}`"
    return f"`{value}`" if value != "" else "empty"


def test_readme_lists_every_setting_with_its_type_and_default() -> None:
    rows = {ticked(row[0])[0]: row for row in table("## Settings")}
    assert list(rows) == [s.key for s in SETTINGS]
    for s in SETTINGS:
        assert rows[s.key][1] == s.type, s.key
        assert rows[s.key][2] == readme_default(s.default), s.key


def test_readme_lists_every_task_mode_and_task_argument() -> None:
    modes = {ticked(row[1])[0] for row in table("## Tasks")}
    assert modes == set(TASKS)
    documented_args = {name for row in table("### Arguments") for name in ticked(row[0])}
    assert documented_args == {p.name for task in TASKS.values() for p in task.all_params}


def test_readme_tasks_are_the_manifests_buttons_in_the_manifests_words() -> None:
    """One row per button, in the manifest's order; its text starts with the manifest's description
    (what Stash shows under the button), and its mode and args are the button's defaultArgs."""
    rows = table("## Tasks")
    buttons = manifest().tasks
    assert [row[0] for row in rows] == [task.name for task in buttons]
    for row, task in zip(rows, buttons, strict=True):
        assert row[2].startswith(task.description), task.name
        given = [f"{key}={value}" if key != "mode" else value for key, value in task.default_args.items()]
        assert ticked(row[1]) == given, task.name


def test_the_title_patterns_date_forms_are_the_same_everywhere() -> None:
    """The date forms a title pattern's date group may hold: the setting's description (the manifest,
    from settings.py) and the README's settings table say the same."""
    in_manifest = manifest().settings["titlePattern"]["description"]
    (row,) = [row for row in table("## Settings") if ticked(row[0]) == ["titlePattern"]]
    assert f"date ({DATE_FORMS})" in in_manifest
    assert f"`date` ({DATE_FORMS})" in row[3]


def test_every_setting_says_its_default() -> None:
    """Stash's settings page shows a setting's description, not its default: the description says it."""
    for setting in manifest().settings.values():
        assert re.search(r"Default: (off|on|empty|-?\d+|\".*\")\.$", setting["description"]), setting


def test_readme_layout_names_every_module_and_folder() -> None:
    """The README's layout names every module of the layers (a task's own module aside: "one module
    per task"), every folder of tests/, every script, and the files of the plugin's folder."""
    layout = README[README.index("## Layout") :]
    layout = layout[: layout.index("```", layout.index("```") + 3)]
    words = set(re.findall(r"[\w.]+/?", layout))
    for layer in ("entry", "hook", "stash", "common"):
        assert {p.name for p in (REPO / "gallery_ops" / layer).glob("*.py")} - {"__init__.py"} <= words, layer
    assert {"engine.py", "workflow.py", "changes.py", "report.py"} <= words
    folders = {f"{p.name}/" for p in (REPO / "tests").iterdir() if p.is_dir() and not p.name.startswith((".", "_"))}
    assert folders <= words, folders - words
    assert {p.name for p in (REPO / "scripts").iterdir() if p.is_file()} <= words
    assert {p.name for p in (REPO / "docs").glob("*.md")} <= words
    assert {"gallery_tools.yml", "gallery_tools.py", "LICENSE"} <= words


def test_readme_lists_every_operation_with_its_parameters() -> None:
    documented: dict[str, set[str]] = {}
    for row in table("## Operations"):
        params = set(ticked(re.sub(r"\([^()]*\)", "", row[1])))  # without the explanations in brackets
        for name in ticked(row[0]):
            documented[name] = params
    assert list(documented) == list(OPERATION_PARAMS)
    for name, params in OPERATION_PARAMS.items():
        assert documented[name] == {p.name for p in params}, name


def test_readme_install_step_names_the_files_to_copy() -> None:
    install = README[README.index("## Installing it in Stash") : README.index("## Tasks")]
    assert all(f"`{name}{'/' if (REPO / name).is_dir() else ''}`" in install for name in INSTALL_FILES)
    assert "Add this source URL in *Settings > Plugins > Available Plugins*" in install and "/index.yml" in install


# -- where Stash puts it ---------------------------------------------------------------------------
def install_copy(tmp_path: Path) -> Path:
    """The README's install step: the four entries into <plugins>/gallery_tools/."""
    target = tmp_path / "plugins" / "gallery_tools"
    target.mkdir(parents=True)
    for name in INSTALL_FILES:
        source = REPO / name
        if source.is_dir():
            shutil.copytree(source, target / name, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy2(source, target / name)
    return target


def test_an_installed_copy_loads_alone_and_runs(tmp_path: Path, answer) -> None:
    target = install_copy(tmp_path)
    plugins, errors = load_plugins(tmp_path / "plugins")  # every *.yml under the plugins folder
    assert errors == [] and [p.id for p in plugins] == ["gallery_tools"]
    assert str(REPO) not in os.environ.get("PYTHONPATH", "")  # the repository is not importable by itself
    with StashSimulator() as sim:
        sim.install_plugin(target)
        runner = sim.runner()
        assert not Path(runner.cwd).is_relative_to(target) and not Path(runner.cwd).is_relative_to(REPO)
        result = sim.run_task(button("set_covers"), {"dry_run": "false"})
        got = answer(result)
        assert got["error"] is None and got["output"]["changed"] == 2  # city_walk and Portraits.zip
        assert result.plugin_input["server_connection"]["PluginDir"] == str(target)
        assert sim.gql('{ findGallery(id: "4") { cover { id } } }')["findGallery"]["cover"]["id"] == "14"


def test_a_module_named_like_ours_in_the_working_directory_is_not_used(plugin_sim: StashSimulator, answer) -> None:
    """Stash runs the plugin from its own working directory; nothing there is imported."""
    runner = plugin_sim.runner()
    decoy = Path(runner.cwd) / "gallery_ops"
    decoy.mkdir()
    (decoy / "__init__.py").write_text("raise ImportError('the decoy in the working directory')\n", encoding="utf-8")
    got = answer(runner.run_operation({"operation": "find_gallery", "id": "2"}, plugin_sim.server_connection()))
    assert got["error"] is None and got["output"]["title"] == "Studio Portraits"


def test_no_other_manifest_in_what_gets_installed() -> None:
    """Stash loads every *.yml under its plugins folder: the installed files hold one."""
    found = [
        p
        for name in INSTALL_FILES
        for p in ([REPO / name] if (REPO / name).is_file() else (REPO / name).rglob("*"))
        if p.suffix in (".yml", ".yaml")
    ]
    assert found == [REPO / "gallery_tools.yml"]


def test_a_dependency_folder_left_by_an_older_version_is_never_read(
    tmp_path: Path, answer, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Older versions installed pinned packages into <plugin>/dependencies/, and an update from a
    plugin source keeps files it did not install. The plugin no longer reads that folder: a task
    that compiles a pattern (the default cover rule), an operation and the hook with a title
    pattern all run with what the Python has, and none of the folder's modules (each fails on
    import) is imported. The pattern engine is told to take `regex` (installed here), so that it
    loads the installed packages and looks for it, as it does where no timer bounds `re`."""
    monkeypatch.setenv(ENGINE_ENV, "regex")  # the simulator's runner hands its environment on
    target = install_copy(tmp_path)
    folder = target / "dependencies"
    for module in ("regex", "pydantic", "stashapi"):
        (folder / module).mkdir(parents=True)
        (folder / module / "__init__.py").write_text(
            f"raise RuntimeError('{module} from the old dependencies folder')\n", encoding="utf-8"
        )
    (folder / ".gallery-tools-installed.json").write_text(
        '{"environment": {}, "packages": ["stashapp-tools==0.2.59", "pydantic==2.14.4"]}', encoding="utf-8"
    )
    with StashSimulator() as sim:
        sim.install_plugin(target)
        result = sim.run_task(button("set_covers"), {"dry_run": "true"})
        got = answer(result)
        assert got["error"] is None and got["output"]["changed"] == 2, result.log_text
        assert result.messages("warning") == [] and result.messages("error") == []
        found = answer(sim.run_operation({"operation": "find_gallery", "id": "1"}))
        assert found["error"] is None and found["output"]["id"] == "1"
        sim.set_plugin_settings("gallery_tools", {"hookTitles": True, "titlePattern": r"^(?P<title>[A-Za-z_]+)\."})
        gallery_id = sim.scan_folder("/library/new/Fresh_Start.2024", ["001.jpg", "002.jpg"])
        (run,) = [r for r in sim.hooks.runs if r.plugin_id == "gallery_tools"]
        assert answer(run.result)["error"] is None
        title = sim.gql("query($id: ID!) { findGallery(id: $id) { title } }", {"id": str(gallery_id)})
        assert title["findGallery"]["title"] == "Fresh Start"
