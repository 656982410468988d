"""Stash starts the plugin as `python -S` (gallery_tools.yml): no site-packages at start-up. The
plugin runs on the standard library alone, on a Python with nothing installed (Stash's Docker
image); a run that looks for the optional `regex` calls site_packages.load(), which must leave
sys.path as a start without -S would have (site-packages of the Python or its virtualenv, the
user's, `.pth` files), and nothing more: no folder of the plugin's (older versions installed
packages into <plugin>/dependencies/)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import yaml
from stash_sim import StashSimulator
from stash_sim.runner import PluginRunner
from support.manifest import button, copy_plugin
from support.python import make_system_python

REPO = Path(__file__).resolve().parents[2]

PROBE = """\
import json, sys
if sys.argv[2] == "load":
    sys.path.append(sys.argv[1])
    from gallery_ops.common import site_packages
    site_packages.load()
    sys.path.remove(sys.argv[1])
print(json.dumps(sys.path))
"""


def sys_path(python: str, *options: str, load: bool = False, folder: Path, env: dict[str, str]) -> list[str]:
    """sys.path as a script of `folder` run by `python [options]` sees it, after site_packages.load()
    (imported from this checkout) when `load`."""
    script = folder / "probe.py"
    script.write_text(PROBE, encoding="utf-8")
    command = [python, *options, str(script), str(REPO), "load" if load else "-"]
    return list(json.loads(subprocess.run(command, env=env, capture_output=True, text=True, check=True).stdout))


def test_the_manifest_starts_python_without_site() -> None:
    manifest = yaml.safe_load((REPO / "gallery_tools.yml").read_text(encoding="utf-8"))
    assert manifest["exec"][:2] == ["python", "-S"]


def test_load_gives_this_virtualenvs_path_of_a_start_with_site(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    normal = sys_path(sys.executable, folder=tmp_path, env=env)
    bare = sys_path(sys.executable, "-S", folder=tmp_path, env=env)
    loaded = sys_path(sys.executable, "-S", load=True, folder=tmp_path, env=env)
    assert any(p.endswith("site-packages") for p in normal) and not any(p.endswith("site-packages") for p in bare)
    assert loaded == normal


def test_load_gives_a_system_pythons_path_with_user_site_and_pth_files(tmp_path: Path) -> None:
    """A Python installed system-wide (Stash's Docker image: Alpine's python3, stashapi in its
    site-packages), a .pth file in its site-packages and one in the user's (PYTHONUSERBASE): after
    load(), sys.path is the one a start without -S has, every folder in the same order."""
    (tmp_path / "system").mkdir()
    python = make_system_python(tmp_path / "system")
    version = f"python{sys.version_info.major}.{sys.version_info.minor}"
    system_site = python.parent.parent / "lib" / version / "site-packages"
    user_base = tmp_path / "userbase"
    user_site = user_base / "lib" / version / "site-packages"
    user_site.mkdir(parents=True)
    for site_dir, name in ((system_site, "system"), (user_site, "user")):
        (tmp_path / f"{name}_pth").mkdir()
        (site_dir / f"{name}.pth").write_text(f"{tmp_path / f'{name}_pth'}\n", encoding="utf-8")
    env = {"PATH": os.environ["PATH"], "PYTHONUSERBASE": str(user_base)}

    normal = sys_path(str(python), folder=tmp_path, env=env)
    bare = sys_path(str(python), "-S", folder=tmp_path, env=env)
    loaded = sys_path(str(python), "-S", load=True, folder=tmp_path, env=env)

    wanted = [str(system_site), str(tmp_path / "system_pth"), str(user_site), str(tmp_path / "user_pth")]
    assert set(wanted) <= set(normal)  # the set-up is what `site` reads
    assert not set(wanted) & set(bare)  # -S: none of it at start-up
    assert loaded == normal


def test_a_python_with_nothing_installed_runs_tasks_operations_and_the_hook(tmp_path: Path) -> None:
    """Stash's Docker image runs Alpine's python3 (docs/stash.md §6b), a system-wide Python: the
    plugin needs nothing installed there. A task whose cover rule compiles a pattern (no `regex`
    here: Python's `re` bounded by the timer), an operation, and the hook with a title pattern."""
    (tmp_path / "system").mkdir()
    python = make_system_python(tmp_path / "system")
    env = {"PATH": os.environ["PATH"], "PYTHONNOUSERSITE": "1"}
    assert subprocess.run([str(python), "-c", "import regex"], env=env, capture_output=True).returncode == 1
    target = copy_plugin(tmp_path / "plugins" / "gallery_tools")
    with StashSimulator(python=str(python)) as sim:
        sim.install_plugin(target)
        runner = PluginRunner(sim.plugin(), str(python), env=env)
        covers = runner.run_task(button("set_covers"), {"dry_run": "true"}, sim.server_connection())
        assert covers.error is None and covers.output["changed"] == 2, covers.log_text
        found = runner.run_operation({"operation": "find_gallery", "id": "1"}, sim.server_connection())
        assert found.error is None and found.output["id"] == "1"
        sim.set_plugin_settings("gallery_tools", {"hookTitles": True, "titlePattern": r"^(?P<title>[a-z_]+)-"})
        hook = sim.plugin().hooks_for("Gallery.Create.Post")[0]
        titled = runner.run_hook(hook, {"id": 4, "type": "Gallery.Create.Post", "input": None}, sim.server_connection())
        assert titled.error is None and titled.returncode == 0, titled.log_text
        assert sim.gql('{ findGallery(id: "4") { title } }')["findGallery"]["title"] == "city walk"


def test_an_incomplete_copy_answers_one_error_that_says_what_is_missing(tmp_path: Path) -> None:
    """A copy that missed a file of gallery_ops (a manual install, an interrupted update): every kind
    of run, a task, an operation and the hook, answers one JSON error naming the folder and the
    module, not a traceback (the plugin needs no installed package, so its own files are what can
    be missing)."""
    target = copy_plugin(tmp_path / "plugins" / "gallery_tools")
    (target / "gallery_ops" / "stash" / "connection.py").unlink()
    with StashSimulator() as sim:
        sim.install_plugin(target)
        runner = PluginRunner(sim.plugin(), sys.executable)
        task = runner.run_task(button("set_covers"), {"dry_run": "true"}, sim.server_connection())
        operation = runner.run_operation({"operation": "find_gallery", "id": "1"}, sim.server_connection())
        sim.set_plugin_settings("gallery_tools", {"hookTitles": True})
        hook = sim.plugin().hooks_for("Gallery.Create.Post")[0]
        hooked = runner.run_hook(hook, {"id": 1, "type": "Gallery.Create.Post", "input": None}, sim.server_connection())
    for result in (task, operation, hooked):
        assert result.returncode == 1, result.log_text
        assert result.error is not None and result.error.startswith(f"Gallery Tools is incomplete in {target}:")
        assert "gallery_ops.stash.connection" in result.error
        assert "Traceback" not in result.log_text
