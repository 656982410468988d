"""Stash starts the plugin as `python -S` (gallery_tools.yml): no site-packages at start-up. A run
that needs installed packages calls site_packages.load(), which must leave sys.path as a start
without -S would have (site-packages of the Python or its virtualenv, the user's, `.pth` files),
with the plugin's dependency folder right after the plugin's own folder."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import yaml

from gallery_ops.common import site_packages

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "install"))
from test_install_dependencies import make_system_python  # a system-wide Python stand-in

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
    assert loaded == normal  # (this checkout has no dependencies/ folder: nothing more)
    assert not Path(site_packages.DEPENDENCY_FOLDER).exists()


def test_load_gives_a_system_pythons_path_with_user_site_and_pth_files(tmp_path: Path) -> None:
    """A Python installed system-wide (Stash's Docker image: Alpine's python3, stashapi in its
    site-packages), a .pth file in its site-packages and one in the user's (PYTHONUSERBASE): after
    load(), sys.path is the one a start without -S has, every folder in the same order."""
    (tmp_path / "system").mkdir()
    python = make_system_python(tmp_path / "system", with_pip=False)
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


def test_the_dependency_folder_comes_right_after_the_plugins_folder(tmp_path: Path) -> None:
    """A copy of the plugin with a dependencies/ folder: it goes first among the installed packages,
    as the Install dependencies task's packages must win over older system-wide ones."""
    plugin = tmp_path / "gallery_tools"
    (plugin / "gallery_ops" / "common").mkdir(parents=True)
    for name in ("__init__.py", "common/__init__.py", "common/site_packages.py"):
        (plugin / "gallery_ops" / name).write_bytes((REPO / "gallery_ops" / name).read_bytes())
    (plugin / "dependencies").mkdir()
    (plugin / "entry.py").write_text(
        "import json, sys\nfrom gallery_ops.common import site_packages\n"
        "site_packages.load()\nprint(json.dumps(sys.path))\n",
        encoding="utf-8",
    )
    out = subprocess.run([sys.executable, "-S", str(plugin / "entry.py")], capture_output=True, text=True, check=True)
    path = json.loads(out.stdout)
    assert path[:2] == [str(plugin), str(plugin / "dependencies")]
    assert any(p.endswith("site-packages") for p in path[2:])  # and the Python's own after them
