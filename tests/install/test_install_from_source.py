"""Install Gallery Tools from its plugin source exactly as Stash's package manager does, then use it.

The source is built by scripts/build_source.sh from a copy of this repository committed at
a known date, served over HTTP on 127.0.0.1, and installed with the steps of pkg/pkg
(stash_packages.py, docs/stash.md §7): read the index, download the zip, check its sha256,
remove the previous install, extract to <plugins>/<source>/gallery_tools/. Every .yml under
the plugins folder is then loaded with the strict runner, and a task and the hook run from the
installed copy. A build with a newer date is an update, and replaces the files.
"""

from __future__ import annotations

import functools
import os
import re
import shutil
import subprocess
import threading
import zipfile
from collections.abc import Iterator
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
import stash_packages as pm
import yaml
from community_site import build_site
from install_support import answer
from stash_sim import StashSimulator
from stash_sim.runner import load_plugins
from support.manifest import PLUGIN_FILES, button

REPO = Path(__file__).resolve().parents[2]
LOCAL_PATH = "gallery-tools"  # the local path the user gives the source
FIRST, SECOND = "2026-03-01T10:00:00+00:00", "2026-03-02T09:30:00+00:00"


def git(cwd: Path, *args: str, date: str | None = None) -> str:
    env = {
        **os.environ,
        "GIT_AUTHOR_NAME": "t",
        "GIT_AUTHOR_EMAIL": "t@example.invalid",
        "GIT_COMMITTER_NAME": "t",
        "GIT_COMMITTER_EMAIL": "t@example.invalid",
    }
    if date:
        env.update(GIT_AUTHOR_DATE=date, GIT_COMMITTER_DATE=date)
    return subprocess.run(["git", *args], cwd=cwd, env=env, check=True, capture_output=True, text=True).stdout


@pytest.fixture
def clone(tmp_path: Path) -> Path:
    """This repository's files (tracked and new, not ignored) in a fresh git repository, committed at FIRST."""
    files = git(REPO, "ls-files", "--cached", "--others", "--exclude-standard").splitlines()
    target = tmp_path / "repo"
    for name in files:
        if (REPO / name).is_file():
            (target / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(REPO / name, target / name)
    git(target, "init", "-q", "-b", "main")
    git(target, "add", "-A")
    git(target, "commit", "-q", "-m", "first", date=FIRST)
    return target


def build(repo: Path, out: Path) -> str:
    done = subprocess.run(
        ["bash", "scripts/build_source.sh", str(out)], cwd=repo, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


@pytest.fixture
def served(tmp_path: Path) -> Iterator[tuple[Path, str]]:
    """A folder served over HTTP on 127.0.0.1, and the URL of its index.yml."""
    folder = tmp_path / "site"
    folder.mkdir()
    handler = functools.partial(SimpleHTTPRequestHandler, directory=str(folder))
    handler.log_message = lambda *args: None  # type: ignore[attr-defined]
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield folder, f"http://127.0.0.1:{server.server_address[1]}/releases/index.yml"
    finally:
        server.shutdown()
        server.server_close()


def test_the_source_index_and_zip_are_what_stash_reads(clone: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    build(clone, out)
    index = yaml.load((out / "index.yml").read_text(encoding="utf-8"), Loader=yaml.BaseLoader)
    assert isinstance(index, list) and len(index) == 1
    entry = index[0]
    assert set(entry) == {"id", "name", "metadata", "version", "date", "requires", "path", "sha256"}
    revision = git(clone, "rev-parse", "--short=7", "HEAD").strip()
    manifest = yaml.safe_load((clone / "gallery_tools.yml").read_text(encoding="utf-8"))
    assert entry["id"] == "gallery_tools" and entry["name"] == manifest["name"]
    assert entry["version"] == f"{manifest['version']}-{revision}"  # the git revision, as community sources do
    assert entry["date"] == "2026-03-01 10:00:00"  # the last commit, UTC, Stash's layout
    assert pm.parse_time(entry["date"]).isoformat() == FIRST
    assert entry["requires"] == [] and entry["metadata"] == {"description": manifest["description"]}
    assert entry["path"] == "gallery_tools.zip" and re.fullmatch(r"[0-9a-f]{64}", entry["sha256"])

    names = zipfile.ZipFile(out / "gallery_tools.zip").namelist()
    expected = git(clone, "ls-files", *PLUGIN_FILES).split()
    assert sorted(names) == sorted(expected) and "LICENSE" in names
    assert [n for n in names if n.endswith((".yml", ".yaml"))] == ["gallery_tools.yml"]  # no second manifest
    assert not [
        n
        for n in names
        if n.startswith(("tests/", "fixtures/", "bench/", "scripts/")) or "__pycache__" in n or n.endswith(".pyc")
    ]

    again = tmp_path / "again"
    build(clone, again)  # the same commit builds the same bytes
    assert (again / "gallery_tools.zip").read_bytes() == (out / "gallery_tools.zip").read_bytes()


def test_install_from_the_source_then_update(clone: Path, served: tuple[Path, str], tmp_path: Path) -> None:
    site, index_url = served
    # a file that only the first release has, to see the update remove it
    (clone / "gallery_ops" / "retired_notes.txt").write_text("only in the first release\n", encoding="utf-8")
    git(clone, "add", "-A")
    git(clone, "commit", "-q", "-m", "first, with a file the second release drops", date=FIRST)
    build(clone, site / "releases")

    plugins = tmp_path / "plugins"
    (plugins / "other").mkdir(parents=True)  # what else the user has stays
    (remote,) = pm.list_remote(index_url)
    assert remote.id == "gallery_tools" and remote.date.isoformat() == FIRST
    target = pm.install(plugins, LOCAL_PATH, index_url, "gallery_tools")
    assert target == plugins / LOCAL_PATH / "gallery_tools"
    assert (target / "gallery_ops" / "retired_notes.txt").is_file()
    first_version = pm.installed(plugins, LOCAL_PATH, "gallery_tools")["version"]
    assert first_version == remote.version

    loaded, errors = load_plugins(plugins)  # every .yml under the plugins folder, strictly
    assert errors == [] and [(p.id, p.path) for p in loaded] == [("gallery_tools", target / "gallery_tools.yml")]
    assert not pm.upgradable(plugins, LOCAL_PATH, remote)

    with StashSimulator() as sim:
        plugin = sim.install_plugin(target)
        assert plugin.dir == target
        result = sim.run_task(button("set_covers"), {"dry_run": "false"})
        got = answer(result)
        assert got["error"] is None and got["output"]["changed"] == 2  # city_walk and Portraits.zip
        assert result.plugin_input["server_connection"]["PluginDir"] == str(target)
        assert sim.gql('{ findGallery(id: "4") { cover { id } } }')["findGallery"]["cover"]["id"] == "14"

        sim.set_plugin_settings("gallery_tools", {"hookTitles": True})
        gallery_id = sim.scan_folder("/library/new/Fresh_Start.2024", ["001.jpg", "002.jpg"])
        (run,) = [r for r in sim.hooks.runs if r.plugin_id == "gallery_tools"]
        assert answer(run.result)["error"] is None
        assert run.result.plugin_input["server_connection"]["PluginDir"] == str(target)
        title = sim.gql("query($id: ID!) { findGallery(id: $id) { title } }", {"id": str(gallery_id)})
        assert title["findGallery"]["title"] == "Fresh Start 2024"

    # what an older version's Install dependencies task put there is not part of the package: an
    # update keeps it (and the plugin no longer reads it: tests/plugin/test_plugin_manifest.py)
    (target / "dependencies").mkdir()
    (target / "dependencies" / "kept.txt").write_text("installed by the old button\n", encoding="utf-8")

    # the second release: a newer commit date is what makes it an update
    (clone / "gallery_ops" / "retired_notes.txt").unlink()
    text = (clone / "gallery_tools.yml").read_text(encoding="utf-8")
    (clone / "gallery_tools.yml").write_text(text.replace("version: 0.1.0", "version: 0.1.1"), encoding="utf-8")
    git(clone, "commit", "-q", "-am", "second", date=SECOND)
    build(clone, site / "releases")
    (newer,) = pm.list_remote(index_url)
    assert newer.date.isoformat() == SECOND and newer.version.startswith("0.1.1-")
    assert pm.upgradable(plugins, LOCAL_PATH, newer)
    assert pm.install(plugins, LOCAL_PATH, index_url, "gallery_tools") == target

    local = pm.installed(plugins, LOCAL_PATH, "gallery_tools")
    assert local["version"] == newer.version and local["date"] == "2026-03-02 09:30:00"
    assert not (target / "gallery_ops" / "retired_notes.txt").exists()  # the old release's file is gone
    assert (target / "dependencies" / "kept.txt").is_file()
    assert not pm.upgradable(plugins, LOCAL_PATH, newer)
    loaded, errors = load_plugins(plugins)
    assert errors == [] and [p.version for p in loaded] == ["0.1.1"]
    assert (plugins / "other").is_dir()


def test_the_community_folder_is_a_package_as_communityscripts_builds_it(
    clone: Path, served: tuple[Path, str], tmp_path: Path
) -> None:
    """The build's community/plugins/gallery_tools/, copied as it is into a tree shaped like
    stashapp/CommunityScripts (with a plugin already there and a #pkgignore helper), is one package
    of the index that tree's build_site.sh makes (community_site.py), installs as Stash installs it,
    loads alone and runs."""
    site, index_url = served
    out = tmp_path / "out"
    build(clone, out)
    folder = out / "community" / "plugins" / "gallery_tools"
    built = sorted(str(p.relative_to(folder)) for p in folder.rglob("*") if p.is_file())
    assert built == sorted(zipfile.ZipFile(out / "gallery_tools.zip").namelist())
    assert [name for name in built if name.endswith((".yml", ".yaml"))] == ["gallery_tools.yml"]
    assert "LICENSE" in built

    community = tmp_path / "CommunityScripts"
    shutil.copytree(folder, community / "plugins" / "gallery_tools")
    (community / "plugins" / "otherPlugin").mkdir()
    (community / "plugins" / "otherPlugin" / "otherPlugin.yml").write_text(
        "name: Other Plugin\ndescription: Someone else's plugin\nversion: 2.0\nexec: [python, x.py]\ninterface: raw\n"
    )
    (community / "plugins" / "py_common").mkdir()
    (community / "plugins" / "py_common" / "py_common.yml").write_text("#pkgignore\nname: shared code\n")
    git(community, "init", "-q", "-b", "main")
    git(community, "add", "-A")
    git(community, "commit", "-q", "-m", "Add Gallery Tools", date=SECOND)
    assert build_site(community, site / "releases") == ["gallery_tools", "otherPlugin"]

    remote = {package.id: package for package in pm.list_remote(index_url)}["gallery_tools"]
    manifest = yaml.safe_load((folder / "gallery_tools.yml").read_text(encoding="utf-8"))
    revision = git(community, "log", "-n", "1", "--pretty=format:%h").strip()
    assert (remote.name, remote.metadata) == (manifest["name"], {"description": manifest["description"]})
    assert remote.version == f"{manifest['version']}-{revision}" and remote.requires == []
    assert remote.date.isoformat() == SECOND

    plugins = tmp_path / "plugins"
    target = pm.install(plugins, "community", index_url, "gallery_tools")
    assert (target / "LICENSE").read_text(encoding="utf-8").startswith(" " * 20 + "GNU AFFERO GENERAL PUBLIC LICENSE")
    loaded, errors = load_plugins(plugins)
    assert errors == [] and [p.id for p in loaded] == ["gallery_tools"]
    with StashSimulator() as sim:
        sim.install_plugin(target)
        got = answer(sim.run_task("Set covers", {"dry_run": "true"}))
        assert got["error"] is None and got["output"]["scanned"] == 11


def test_uninstalling_leaves_only_what_the_readme_says(
    clone: Path, served: tuple[Path, str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Stash's uninstall deletes the files it installed, then the plugin's folder if it is empty. What
    stays is what the README says: the folders Stash made for the files and the plugin's own
    bytecode (__pycache__ folders: hooks start from it); nothing else."""
    monkeypatch.delenv("PYTHONDONTWRITEBYTECODE", raising=False)  # as Stash runs it: Python writes bytecode
    site, index_url = served
    build(clone, site / "releases")
    plugins = tmp_path / "plugins"
    target = pm.install(plugins, LOCAL_PATH, index_url, "gallery_tools")
    made = {p for p in target.rglob("*") if p.is_dir()}
    with StashSimulator() as sim:
        sim.install_plugin(target)
        assert answer(sim.run_task("Set covers", {"dry_run": "true"}))["error"] is None
        sim.set_plugin_settings("gallery_tools", {"hookTitles": True})
        sim.scan_folder("/library/new/Fresh_Start.2024", ["001.jpg", "002.jpg"])
        assert [answer(run.result)["error"] for run in sim.hooks.runs] == [None]
        assert answer(sim.run_operation({"operation": "find_gallery", "id": "1"}))["error"] is None
    pm.uninstall(plugins, LOCAL_PATH, "gallery_tools")
    left = list(target.rglob("*")) if target.exists() else []
    assert [p for p in left if not p.is_dir() and p.parent.name != "__pycache__"] == []
    assert all(p.suffix == ".pyc" for p in left if not p.is_dir())
    assert {p for p in left if p.is_dir() and p.name != "__pycache__"} <= made
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    assert "delete the `__pycache__` folders (Python's compiled modules) and the then empty folders" in readme


def test_a_zip_that_does_not_match_its_sha256_is_refused_and_the_install_kept(
    clone: Path, served: tuple[Path, str], tmp_path: Path
) -> None:
    site, index_url = served
    build(clone, site / "releases")
    plugins = tmp_path / "plugins"
    target = pm.install(plugins, LOCAL_PATH, index_url, "gallery_tools")
    before = sorted(p.relative_to(target) for p in target.rglob("*"))
    with zipfile.ZipFile(site / "releases" / "gallery_tools.zip", "a") as archive:
        archive.writestr("extra.txt", "tampered")
    with pytest.raises(pm.PackageError, match="does not match expected SHA256"):
        pm.install(plugins, LOCAL_PATH, index_url, "gallery_tools")
    assert sorted(p.relative_to(target) for p in target.rglob("*")) == before


def test_publish_commits_the_source_to_gh_pages_without_touching_the_branch(clone: Path) -> None:
    head = git(clone, "rev-parse", "HEAD")
    done = subprocess.run(["bash", "scripts/publish_source.sh"], cwd=clone, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert "committed 0.1.0-" in done.stdout and "git push origin gh-pages" in done.stdout
    assert git(clone, "rev-parse", "HEAD") == head and git(clone, "status", "--porcelain") == ""
    assert sorted(git(clone, "ls-tree", "--name-only", "gh-pages").split()) == [
        ".nojekyll",
        "gallery_tools.zip",
        "index.yml",
    ]
    index = yaml.load(git(clone, "show", "gh-pages:index.yml"), Loader=yaml.BaseLoader)
    assert index[0]["date"] == "2026-03-01 10:00:00"
    again = subprocess.run(
        ["bash", "scripts/publish_source.sh"], cwd=clone, capture_output=True, text=True, timeout=120
    )
    assert again.returncode == 0 and "nothing to commit" in again.stdout
    assert git(clone, "rev-list", "--count", "gh-pages").strip() == "1"


def test_one_list_of_plugin_files_everywhere() -> None:
    """build_source.sh's list is what publish_source.sh checks, what the manual install copies
    (README, tests/plugin)."""
    build_script = (REPO / "scripts" / "build_source.sh").read_text(encoding="utf-8")
    files = re.search(r"^PLUGIN_FILES=\(([^)]*)\)", build_script, re.MULTILINE).group(1).split()
    publish = (REPO / "scripts" / "publish_source.sh").read_text(encoding="utf-8")
    assert f"git status --porcelain -- {' '.join(files)})" in publish
    assert list(PLUGIN_FILES) == files
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    manual = readme[readme.index("**Without the source.**") : readme.index("### Publishing a release")]
    assert sorted(re.findall(r"`([^`]+?)/?`", manual)[: len(files)]) == sorted(files)


def test_the_runtime_needs_no_installed_package() -> None:
    """Gallery Tools runs on the standard library: pyproject.toml declares no dependency, a release
    holds no requirements file, and every module of gallery_ops imports only the standard library,
    its own package and, in common/patterns.py alone, the optional `regex` (requirements-dev.txt
    pins it, so that the tests run both pattern engines). common/digest.py imports the running
    Python's builtin SHA-256 module, `_sha256` up to 3.11, `_sha2` from 3.12: each is in the standard
    library (sys.stdlib_module_names) of the Pythons that have it."""
    import ast
    import sys
    import tomllib

    assert tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]["dependencies"] == []
    assert not [name for name in PLUGIN_FILES if "requirements" in name]
    assert re.search(r"^regex==[\d.]+$", (REPO / "requirements-dev.txt").read_text(encoding="utf-8"), re.MULTILINE)
    outside: dict[str, set[str]] = {}
    for path in sorted((REPO / "gallery_ops").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else []
            if isinstance(node, ast.ImportFrom) and not node.level and node.module:
                names = [node.module]
            for top in {name.split(".")[0] for name in names} - {"gallery_ops", *sys.stdlib_module_names}:
                outside.setdefault(top, set()).add(path.relative_to(REPO).as_posix())
    other_pythons = {name: {"gallery_ops/common/digest.py"} for name in {"_sha256", "_sha2"} - sys.stdlib_module_names}
    assert outside == {"regex": {"gallery_ops/common/patterns.py"}, **other_pythons}
