"""The Install dependencies task where Stash's Docker image runs it: a Python marked externally managed.

The environment is a real Python installation (not a virtualenv: pip ignores the marker in
those) built in a temporary folder from the interpreter running the tests: its binary, its
standard library (linked), pip, an empty site-packages, and the EXTERNALLY-MANAGED file PEP 668
defines in its stdlib folder. Like Alpine's python3 in the official image (docs/stash.md §6b),
`pip install` is refused there and pydantic is missing. The plugin, run by the strict runner
with that Python, runs a task without them (gallery_ops imports none of them), and the answer a
failed import would get names what is missing; the task installs the pinned packages from PyPI
into the plugin folder (wheels only); the same task then works; nothing under the environment's
prefix changed. Failures (no network, no wheel for the platform) are one line.
"""

from __future__ import annotations

import importlib.util
import os
import shutil
import subprocess
import sys
import sysconfig
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from install_support import answer
from stash_sim import StashSimulator
from stash_sim.runner import PluginRunner, load_manifest, load_plugins, server_connection
from support.deps import missing_dependency_answer
from support.manifest import button, copy_plugin

import gallery_tools_deps

REPO = Path(__file__).resolve().parents[2]
PINS = [str(pin) for pin in gallery_tools_deps.read_pins(str(REPO / "requirements.txt"))]
MARKER = "[externally-managed]\nError=This Python is managed by its distribution (a test stand-in for Alpine's).\n"


def install_plugin_copy(plugins: Path) -> Path:
    return copy_plugin(plugins / "gallery_tools")


def tree(folder: Path) -> list[tuple[str, int]]:
    """Every path under folder (links not followed) with its size: what a change to it would show."""
    found = []
    for root, dirs, files in os.walk(folder):
        for name in dirs + files:
            path = Path(root) / name
            found.append((str(path.relative_to(folder)), path.lstat().st_size))
    return sorted(found)


@pytest.fixture(scope="module")
def system_python(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A Python installation marked externally managed, with pip and without pydantic or stashapi."""
    return make_system_python(tmp_path_factory.mktemp("system-python"), with_pip=True)


def make_system_python(prefix: Path, with_pip: bool) -> Path:
    version = f"python{sys.version_info.major}.{sys.version_info.minor}"
    stdlib = Path(sysconfig.get_path("stdlib"))
    (prefix / "bin").mkdir()
    binary = prefix / "bin" / version
    shutil.copy2(os.path.realpath(sys.executable), binary)
    lib = prefix / "lib" / version
    site = lib / "site-packages"
    site.mkdir(parents=True)
    for entry in stdlib.iterdir():
        if entry.name not in ("site-packages", "dist-packages", "EXTERNALLY-MANAGED"):
            (lib / entry.name).symlink_to(entry)
    pip = Path(importlib.util.find_spec("pip").origin).parent  # type: ignore[arg-type, union-attr]
    for entry in pip.parent.iterdir() if with_pip else ():
        if entry.name == "pip" or (entry.name.startswith("pip-") and entry.name.endswith(".dist-info")):
            (site / entry.name).symlink_to(entry)
    (lib / "EXTERNALLY-MANAGED").write_text(MARKER, encoding="utf-8")
    return binary


def clean_env(machine_pip: bool = True, **extra: str) -> dict[str, str]:
    """Stash's environment, roughly: no virtualenv, no PYTHONPATH, no user site-packages; this
    machine's way to reach PyPI (proxies, and its PIP_* settings unless machine_pip is False)."""
    keep = {
        k: v
        for k, v in os.environ.items()
        if k in ("PATH", "HOME", "LANG", "TMPDIR", "SSL_CERT_FILE")
        or k.lower().endswith("_proxy")
        or (machine_pip and k.startswith("PIP_"))
    }
    return {**keep, "PYTHONNOUSERSITE": "1", **extra}


def test_the_stand_in_is_an_externally_managed_python_without_pydantic(system_python: Path) -> None:
    env = clean_env()
    probe = subprocess.run(
        [
            str(system_python),
            "-c",
            "import sys, sysconfig; print(sys.prefix == sys.base_prefix, sysconfig.get_path('stdlib'))",
        ],
        capture_output=True,
        text=True,
        env=env,
        check=True,
    )
    not_a_venv, stdlib = probe.stdout.split()
    assert not_a_venv == "True" and (Path(stdlib) / "EXTERNALLY-MANAGED").is_file()
    assert subprocess.run([str(system_python), "-c", "import pydantic"], env=env, capture_output=True).returncode == 1
    refused = subprocess.run(
        [str(system_python), "-m", "pip", "install", PINS[-1]], env=env, capture_output=True, text=True, timeout=120
    )
    assert refused.returncode != 0 and "externally-managed-environment" in refused.stderr


def test_install_dependencies_where_pip_install_is_refused(system_python: Path, tmp_path: Path) -> None:
    plugins = tmp_path / "plugins"
    target = install_plugin_copy(plugins)
    prefix = system_python.parent.parent
    before = tree(prefix)
    folder = target / "dependencies"
    env = clean_env()
    with StashSimulator(python=str(system_python)) as sim:
        sim.install_plugin(target)
        runner = PluginRunner(sim.plugin(), str(system_python), env=env)
        conn = sim.server_connection()

        # 1. a task runs without the packages (gallery_ops imports none of them): a preview; the
        # answer a failed import of the full path gets names what is missing, the button and the command
        preview = answer(runner.run_task(button("set_covers"), {"dry_run": "true"}, conn))
        assert preview["error"] is None and preview["output"]["changed"] == 2 and preview["output"]["dry_run"]
        assert sim.gql('{ findGallery(id: "4") { cover { id } } }')["findGallery"]["cover"]["id"] != "14"
        sim.requests.clear()
        error = missing_dependency_answer(system_python, target, env)
        assert error.startswith(
            "Gallery Tools cannot use stashapp-tools==0.2.59 (not installed); pydantic==2.14.4 (not installed)"
        )
        assert f"with {system_python}. Press Settings > Tasks > Plugin Tasks > Gallery Tools > Install" in error
        assert (
            f"-m pip install --upgrade --target {folder} --only-binary=:all: -r {target / 'requirements.txt'}" in error
        )
        assert len(sim.requests) == 0

        # 2. the button: pip install --target <plugin folder>/dependencies, from PyPI, wheels only
        run = runner.run_task(button("install_dependencies"), None, conn, timeout=600)
        installed = answer(run)
        assert installed["error"] is None, run.stderr
        assert installed["output"]["installed"] == PINS and installed["output"]["folder"] == str(folder)
        info = run.messages("info")
        command = next(m for m in info if m.startswith("Install dependencies: running "))
        assert f"-m pip install --target {folder}.partial --only-binary=:all:" in command
        assert any(m.startswith("pip: Successfully installed") for m in info)
        assert info[-1].startswith(f"Install dependencies: done; installed {', '.join(PINS)} into {folder}")
        assert run.progress[0] == 0.0 and run.progress[-1] == 1.0
        versions = gallery_tools_deps.installed_versions(str(folder))
        assert all(versions[pin.split("==")[0]] == pin.split("==")[1] for pin in PINS), versions
        assert not list(folder.rglob("*.yml")) and not (target / "dependencies.partial").exists()
        loaded, errors = load_plugins(plugins)  # Stash still finds exactly one plugin there
        assert errors == [] and [p.id for p in loaded] == ["gallery_tools"]

        # 3. the same task now works, with the packages from the plugin folder
        sim.requests.clear()
        works = answer(runner.run_task(button("set_covers"), {"dry_run": "false"}, conn))
        assert works["error"] is None and works["output"]["changed"] == 2  # city_walk and Portraits.zip
        assert sim.gql('{ findGallery(id: "4") { cover { id } } }')["findGallery"]["cover"]["id"] == "14"

        # 4. a second press finds everything and does nothing (pip is not run)
        stamp = (folder / gallery_tools_deps.STAMP_FILE).stat()
        again = runner.run_task(button("install_dependencies"), None, conn)
        assert answer(again)["output"] == {"installed": [], "already_present": PINS, "folder": str(folder)}
        assert not [m for m in again.messages() if m.startswith(("pip", "Install dependencies: running"))]
        assert (folder / gallery_tools_deps.STAMP_FILE).stat().st_mtime_ns == stamp.st_mtime_ns

    # pip never wrote to the environment's own site-packages (or anywhere under its prefix)
    assert tree(prefix) == before


class _WrongPlatformIndex(BaseHTTPRequestHandler):
    """A package index (PEP 503) offering every project only as a wheel for Windows on ARM."""

    def do_GET(self) -> None:
        project = self.path.strip("/").split("/")[-1].replace("-", "_")
        body = (
            f'<html><body><a href="/files/{project}-99.0-cp311-cp311-win_arm64.whl">'
            f"{project}-99.0-cp311-cp311-win_arm64.whl</a></body></html>"
        ).encode()
        self.send_response(200)
        self.send_header("Content-Type", "text/html")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def wrong_platform_index() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _WrongPlatformIndex)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/simple/"
    finally:
        server.shutdown()
        server.server_close()


def closed_port() -> int:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]  # nothing listens there once the probe is closed


def run_install(tmp_path: Path, **env: str) -> tuple[Path, dict]:
    target = install_plugin_copy(tmp_path / "plugins")
    # only the index the test gives: no pip configuration file of this machine (extra indexes, links)
    runner = PluginRunner(
        load_manifest(target / "gallery_tools.yml"),
        sys.executable,
        env=clean_env(False, PIP_CONFIG_FILE=os.devnull, **env),
    )
    result = runner.run_task(
        "Install dependencies", None, server_connection(closed_port(), None, str(tmp_path)), timeout=300
    )
    return target, answer(result)


def test_no_network_is_one_clear_error_and_changes_nothing(tmp_path: Path) -> None:
    target, got = run_install(
        tmp_path, PIP_INDEX_URL=f"http://127.0.0.1:{closed_port()}/simple/", PIP_RETRIES="1", PIP_TIMEOUT="2"
    )
    assert got["output"] is None
    assert got["error"].startswith("cannot reach the Python package index (")
    assert "needs network access to PyPI" in got["error"] and "nothing was changed" in got["error"]
    assert not (target / "dependencies").exists() and not (target / "dependencies.partial").exists()


def test_no_network_with_pips_retries_off_is_not_read_as_a_missing_wheel(tmp_path: Path) -> None:
    """With its retries off pip says only "No matching distribution found" when the index cannot be
    reached, the words it uses for a platform without a wheel: the task looks again (pip -vv)."""
    target, got = run_install(
        tmp_path, PIP_INDEX_URL=f"http://127.0.0.1:{closed_port()}/simple/", PIP_RETRIES="0", PIP_TIMEOUT="2"
    )
    assert got["error"].startswith("cannot reach the Python package index (")
    assert "no wheel" not in got["error"] and "for this platform" not in got["error"]
    assert "needs network access to PyPI" in got["error"] and "nothing was changed" in got["error"]
    assert not (target / "dependencies").exists()


def test_no_wheel_for_this_platform_names_the_package_and_the_platform(
    tmp_path: Path, wrong_platform_index: str
) -> None:
    target, got = run_install(tmp_path, PIP_INDEX_URL=wrong_platform_index, PIP_RETRIES="0")
    first = PINS[0].split("==")[0]
    assert got["error"].startswith(f"no wheel of {first}==")
    assert f"for this platform ({sysconfig.get_platform()}" in got["error"]
    assert "Gallery Tools installs wheels only" in got["error"]
    assert not (target / "dependencies").exists()


def test_the_printed_command_replaces_packages_built_for_another_python(system_python: Path, tmp_path: Path) -> None:
    """After the Python path changes, dependencies/ holds packages the new Python cannot use. The
    command the error prints must replace them: pip --target leaves a package that is in the folder
    already as it is, unless told --upgrade."""
    target = install_plugin_copy(tmp_path / "plugins")
    folder = target / "dependencies"
    for pin in PINS:  # what another Python's install left: importable names that fail to import
        name, version = pin.split("==")
        module = "stashapi" if name == "stashapp-tools" else name
        (folder / module).mkdir(parents=True)
        (folder / module / "__init__.py").write_text('raise ImportError("built for another Python")\n')
        info = folder / f"{name.replace('-', '_')}-{version}.dist-info"
        info.mkdir()
        (info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {name}\nVersion: {version}\n")
        (info / "top_level.txt").write_text(f"{module}\n")
        (info / "RECORD").write_text("")
    env = clean_env()
    with StashSimulator(python=str(system_python)) as sim:
        sim.install_plugin(target)
        runner = PluginRunner(sim.plugin(), str(system_python), env=env)
        conn = sim.server_connection()
        # the tasks import none of the pins: the run works; the answer a failed import would get
        # (gallery_tools_deps.missing_dependency_message) names them and prints the command
        first = answer(runner.run_task("Set covers", {"dry_run": "true"}, conn))
        assert first["error"] is None and first["output"]["scanned"] == 11
        error = missing_dependency_answer(system_python, target, env)
        assert "cannot import" in error and ", or run: " in error
        command = error.rsplit(", or run: ", 1)[1]
        assert " --upgrade " in command
        done = subprocess.run(command.split(" "), env=env, capture_output=True, text=True, timeout=600)
        assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
        works = answer(runner.run_task("Set covers", {"dry_run": "true"}, conn))
        assert works["error"] is None and works["output"]["scanned"] == 11


def test_a_python_without_pip_is_told_what_to_install(tmp_path: Path) -> None:
    (tmp_path / "no-pip").mkdir()
    python = make_system_python(tmp_path / "no-pip", with_pip=False)
    target = install_plugin_copy(tmp_path / "plugins")
    runner = PluginRunner(load_manifest(target / "gallery_tools.yml"), str(python), env=clean_env())
    got = answer(runner.run_task(button("install_dependencies"), None, server_connection(closed_port(), None, "/c")))
    assert got["error"].startswith(f"{python} has no pip (python -m pip fails), so nothing can be installed")
    assert "apk add py3-pip" in got["error"] and "Settings > System > Python path" in got["error"]
    assert not (target / "dependencies").exists()


# Stash's official image: alpine:latest (CPython 3.12, musl) for amd64, arm64 and arm/v7 (docs/stash.md §6).
DOCKER_PLATFORMS = ["x86_64", "aarch64", "armv7l"]


def download_for_alpine(machine: str, folder: Path) -> subprocess.CompletedProcess[str]:
    """pip download of requirements.txt as pip on an Alpine device (CPython 3.12) would resolve it."""
    platforms = [arg for tag in (f"musllinux_1_2_{machine}", f"musllinux_1_1_{machine}") for arg in ("--platform", tag)]
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "download",
            "--only-binary=:all:",
            *platforms,
            "--python-version",
            "3.12",
            "--implementation",
            "cp",
            "--disable-pip-version-check",
            "-d",
            str(folder),
            "-r",
            str(REPO / "requirements.txt"),
        ],
        capture_output=True,
        text=True,
        timeout=300,
        env=clean_env(),
    )


@pytest.mark.parametrize("machine", DOCKER_PLATFORMS)
def test_every_pin_has_a_wheel_for_stashs_docker_image(machine: str, tmp_path: Path) -> None:
    """What the button installs there exists as wheels (with their dependencies), asked of this
    machine's package index the way pip on an Alpine device would ask it."""
    done = download_for_alpine(machine, tmp_path)
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    wheels = sorted(path.name for path in tmp_path.glob("*.whl"))
    for pin in PINS:
        name, version = pin.split("==")
        assert any(w.startswith(f"{name.replace('-', '_')}-{version}-") for w in wheels), (pin, wheels)
    assert any("musllinux" in w and machine in w for w in wheels), wheels  # pydantic-core, compiled


def test_on_armv6_the_missing_wheel_is_named(tmp_path: Path) -> None:
    """The image is also built for arm/v6, where pydantic-core has no wheel: pip's answer there,
    read by the task, names the package and says it installs wheels only."""
    done = download_for_alpine("armv6l", tmp_path)
    assert done.returncode != 0
    message = gallery_tools_deps.pip_failure(
        (done.stdout + done.stderr).splitlines(),
        done.returncode,
        gallery_tools_deps.read_pins(str(REPO / "requirements.txt")),
    )
    assert message.startswith("no wheel of pydantic-core==") and "installs wheels only" in message
