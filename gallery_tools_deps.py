"""Gallery Tools' own Python dependencies: a folder inside the plugin folder, and the task that fills it.

Standard library only: this runs before anything the plugin depends on can be imported.

Stash has no way to install a plugin's Python packages, and in its official Docker image
`pip install` is refused (PEP 668, "externally-managed-environment") while packages put
system-wide are lost when the container is recreated (docs/stash.md §6, §6b). So the task
"Install dependencies" (mode install_dependencies) runs
`python -m pip install --target <plugin folder>/dependencies --only-binary=:all: <pins>`
with the Python Stash runs, and the entry puts that folder on sys.path. The plugin folder
lives under Stash's config folder (a volume in Docker), and an update from a plugin source
replaces only the files the package lists, so the folder survives both.

The pins come from one place, requirements.txt next to the entry (`name==version` lines).
The folder is filled in a staging folder and swapped in only when pip succeeded, so a run
killed half-way leaves the previous folder as it was. A stamp in the folder records the
pins and the Python they were installed for; a press that finds them all present does
nothing.
"""

from __future__ import annotations

import json
import os
import re
import sys

# Stash's log protocol, written by the one standard-library writer the hook uses too.
from gallery_ops.common.log_protocol import progress, write as log
from gallery_ops.common.site_packages import DEPENDENCY_FOLDER, PLUGIN_DIR

# Only these are imported on every run (the hook's path stays short); what the install and the
# missing-dependency answer need is imported where they need it.

REQUIREMENTS = os.path.join(PLUGIN_DIR, "requirements.txt")
STAMP_FILE = ".gallery-tools-installed.json"
INSTALL_MODE = "install_dependencies"
BUTTON = "Settings > Tasks > Plugin Tasks > Gallery Tools > Install dependencies"
PIN = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==([A-Za-z0-9.+!_-]+)$")
# What pip prints when it cannot reach the package index (or not trust it: a proxy's certificate).
NO_NETWORK = re.compile(
    r"NewConnectionError|Failed to establish a new connection|Temporary failure in name"
    r" resolution|Name or service not known|nodename nor servname|Network is unreachable"
    r"|Connection refused|ConnectTimeoutError|Read timed out|ProxyError|getaddrinfo failed"
    r"|CERTIFICATE_VERIFY_FAILED|SSLError|Could not fetch URL"
)
NO_DISTRIBUTION = re.compile(r"No matching distribution found for (\S+)")


class DependencyError(Exception):
    """One line saying what failed and what to do."""


class Pin:
    """One `name==version` line of requirements.txt."""

    __slots__ = ("name", "version")

    def __init__(self, name: str, version: str) -> None:
        self.name = name
        self.version = version

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Pin) and (self.name, self.version) == (other.name, other.version)

    def __hash__(self) -> int:
        return hash((self.name, self.version))

    def __str__(self) -> str:
        return f"{self.name}=={self.version}"

    @property
    def key(self) -> str:
        """The name as pip compares names (PEP 503)."""
        return re.sub(r"[-_.]+", "-", self.name).lower()


# -- what is wanted, what is there -------------------------------------------------------------------
def read_pins(path: str = REQUIREMENTS) -> list[Pin]:
    """The runtime packages, pinned exactly (`name==version`), from requirements.txt."""
    pins = []
    with open(path, encoding="utf-8") as handle:
        for number, raw in enumerate(handle, 1):
            line = raw.split("#", 1)[0].strip()
            if not line:
                continue
            found = PIN.match(line)
            if found is None:
                raise DependencyError(f"{path} line {number}: {line!r} is not pinned as name==version")
            pins.append(Pin(found.group(1), found.group(2)))
    if not pins:
        raise DependencyError(f"{path} names no packages")
    return pins


def libc() -> str:
    """musl (Alpine, Stash's Docker image), glibc, or empty (Windows, macOS)."""
    import glob
    import platform

    if glob.glob("/lib/ld-musl-*"):
        return "musl"
    return platform.libc_ver()[0]


def python_label() -> str:
    """This interpreter and platform, in words a user can compare with a wheel's tags."""
    import sysconfig

    version = ".".join(str(n) for n in sys.version_info[:3])
    parts = [sysconfig.get_platform(), libc(), f"{sys.implementation.name} {version}"]
    return ", ".join(p for p in parts if p)


def environment_key() -> dict[str, str]:
    """What an installed folder was made for: compiled packages only load on the same Python."""
    import sysconfig

    return {"python": sys.implementation.cache_tag or "", "platform": sysconfig.get_platform(), "libc": libc()}


def read_stamp(folder: str = DEPENDENCY_FOLDER) -> dict[str, object] | None:
    try:
        with open(os.path.join(folder, STAMP_FILE), encoding="utf-8") as handle:
            stamp = json.load(handle)
    except (OSError, ValueError):
        return None
    return stamp if isinstance(stamp, dict) else None


def installed_versions(folder: str) -> dict[str, str]:
    """{normalized name: version} of the distributions in `folder`."""
    import importlib.metadata

    found = {}
    for dist in importlib.metadata.distributions(path=[folder]):
        name = dist.metadata["Name"] or ""
        found[re.sub(r"[-_.]+", "-", name).lower()] = dist.version
    return found


def missing_pins(pins: list[Pin], folder: str = DEPENDENCY_FOLDER) -> list[Pin]:
    """The pins the folder does not hold, for this Python (all of them when it was made for another)."""
    stamp = read_stamp(folder)
    if stamp is None or stamp.get("environment") != environment_key():
        return list(pins)
    have = installed_versions(folder)
    return [pin for pin in pins if have.get(pin.key) != pin.version]


# -- the entry's side: sys.path and the missing-dependency answer -------------------------------------
def warn_if_outdated() -> None:
    """A warning when the folder holds other pins than requirements.txt (the plugin was updated)."""
    stamp = read_stamp()
    if stamp is None:
        return
    try:
        wanted = [str(pin) for pin in read_pins()]
    except (OSError, DependencyError):
        return
    held = stamp.get("packages")
    if isinstance(held, list) and held != wanted:
        log(
            "w",
            f"Gallery Tools now needs {', '.join(wanted)}, but {DEPENDENCY_FOLDER} holds"
            f" {', '.join(map(str, held))}: press {BUTTON} to bring them up to date",
        )


# -- the plugin's own bytecode -----------------------------------------------------------------------
OWN_SOURCES = ("gallery_tools.py", "gallery_tools_deps.py")
BYTECODE_PROBE = os.path.join(PLUGIN_DIR, "gallery_ops", "hook", "new_gallery.py")  # what every hook imports


def bytecode_stale() -> bool:
    """Whether the plugin's files lack current bytecode (checked on the hook's module: an install or
    update from a source writes every file anew, so one stands for all)."""
    from importlib.util import cache_from_source

    try:
        return os.stat(cache_from_source(BYTECODE_PROBE)).st_mtime < os.stat(BYTECODE_PROBE).st_mtime
    except OSError:
        return True


def compile_plugin() -> None:
    """Write the bytecode of the plugin's own files (each `__pycache__` folder of the plugin).

    Python writes it itself at the first import, except where PYTHONDONTWRITEBYTECODE is set, as in
    Stash's Docker image: there every run would compile every module it imports from source, about a
    third of a hook's CPU. It is read there all the same, so it is written once here: by the Install
    dependencies task, and by a run that finds it missing or older than the files (gallery_tools.py).
    Nothing is printed (stdout is the result's); a folder that cannot be written is left as it is."""
    import compileall

    compileall.compile_dir(os.path.join(PLUGIN_DIR, "gallery_ops"), quiet=2)
    for name in OWN_SOURCES:
        compileall.compile_file(os.path.join(PLUGIN_DIR, name), quiet=2)


def manual_command() -> str:
    """The install as one command to run by hand. `--upgrade`: pip --target leaves a package that
    is already in the folder as it is ("Target directory ... already exists"), and after the Python
    path changes the folder holds packages built for the other Python, which must be replaced."""
    return (
        f"{sys.executable} -m pip install --upgrade --target {DEPENDENCY_FOLDER} --only-binary=:all: -r {REQUIREMENTS}"
    )


def _top_level_modules() -> dict[str, list[str]]:
    """{normalized distribution name: its top-level modules}, for what is installed."""
    import importlib.metadata

    found: dict[str, list[str]] = {}
    for module, names in importlib.metadata.packages_distributions().items():
        for name in names:
            found.setdefault(re.sub(r"[-_.]+", "-", name).lower(), []).append(module)
    return found


def unusable(pin: Pin, modules: dict[str, list[str]]) -> str | None:
    """Why `pin` cannot be used by this Python (not importable, another major version), or None."""
    import importlib

    if not modules.get(pin.key):
        return f"{pin} (not installed)"
    for module in sorted(modules[pin.key]):
        if module.startswith("_"):
            continue
        try:
            imported = importlib.import_module(module)
        except Exception as exc:  # an ImportError, or a broken install raising anything
            return f"{pin} (cannot import {module}: {' '.join(str(exc).split()) or type(exc).__name__})"
        version = getattr(imported, "__version__", None) or getattr(imported, "VERSION", None)
        if isinstance(version, str) and version.split(".")[0] != pin.version.split(".")[0]:
            return f"{pin} (found {module} {version})"
    return None


def missing_dependency_message(problem: BaseException) -> str:
    """One line for an import that failed: what is missing, the button, and the manual command."""
    try:
        pins = read_pins()
    except (OSError, DependencyError):
        pins = []
    modules = _top_level_modules()
    reasons = [reason for reason in (unusable(pin, modules) for pin in pins) if reason]
    if not reasons:
        reasons = [f"its dependencies ({' '.join(str(problem).split()) or type(problem).__name__})"]
    return (
        f"Gallery Tools cannot use {'; '.join(reasons)} with {sys.executable}. Press {BUTTON}"
        f" (it installs them into {DEPENDENCY_FOLDER}), or run: {manual_command()}"
    )


def wants_install(plugin_input: object) -> bool:
    """Is this run the Install dependencies task?"""
    if not isinstance(plugin_input, dict):
        return False
    args = plugin_input.get("args")
    return (
        isinstance(args, dict)
        and args.get("mode") == INSTALL_MODE
        and "operation" not in args
        and "hookContext" not in args
    )


# -- the task -----------------------------------------------------------------------------------------
def pip_failure(lines: list[str], code: int, pins: list[Pin], unreachable: str | None = None) -> str:
    """One line for a failed pip run: no network, no wheel for this platform, or pip's own error.

    `unreachable`: the network error a second, verbose look found behind "No matching distribution"
    (index_unreachable): with its retries off pip says nothing else about the index."""
    text = "\n".join(lines)
    errors = [line.strip() for line in lines if line.strip().startswith("ERROR:")]
    last = errors[-1] if errors else (lines[-1].strip() if lines else f"exit status {code}")
    network = NO_NETWORK.search(text)
    if network or unreachable:
        cause = network.group(0) if network else unreachable
        return (
            f"cannot reach the Python package index ({cause}): installing the dependencies needs network"
            f" access to PyPI (or the index pip is configured with) from where Stash runs; nothing was"
            f" changed. pip said: {last}"
        )
    missing = NO_DISTRIBUTION.search(text)
    if missing:
        package = missing.group(1)
        return (
            f"no wheel of {package} for this platform ({python_label()}): Gallery Tools installs wheels only"
            f" (it never compiles packages); nothing was changed. pip said: {last}"
        )
    return f"pip could not install {', '.join(map(str, pins))} (exit status {code}); nothing was changed: {last}"


def index_unreachable(requirement: str, env: dict[str, str]) -> str | None:
    """Why pip found no distribution of `requirement`, asked again verbosely: the network error it
    met reaching the package index, or None (the index answered: then no wheel fits this Python).

    With retries off (PIP_RETRIES=0 or a config file) pip says only "No matching distribution
    found" when the index cannot be reached: the same words as for a platform without a wheel.
    Its debug output (-vv) names the connection error ("Could not fetch URL ..."). Only the
    requirement itself is asked for, into a folder thrown away: nothing is installed."""
    import subprocess
    import tempfile

    with tempfile.TemporaryDirectory(prefix="gallery-tools-pip-") as scratch:
        try:
            done = subprocess.run(
                [
                    *(sys.executable, "-m", "pip", "download", "-vv", "--no-deps", "--only-binary=:all:"),
                    *("--no-input", "--disable-pip-version-check", "--no-color", "--progress-bar", "off"),
                    *("--dest", scratch, requirement),
                ],
                capture_output=True,
                text=True,
                timeout=300,
                stdin=subprocess.DEVNULL,
                env=env,
            )
        except (OSError, subprocess.SubprocessError):
            return None
    found = NO_NETWORK.search(done.stdout + done.stderr)
    return found.group(0) if found else None


def pip_available() -> str | None:
    """pip's version line, or None when this Python has no pip."""
    import subprocess

    try:
        done = subprocess.run(
            [sys.executable, "-m", "pip", "--version"],
            capture_output=True,
            text=True,
            timeout=120,
            stdin=subprocess.DEVNULL,
        )
    except (OSError, subprocess.SubprocessError):
        return None
    return done.stdout.strip() if done.returncode == 0 else None


def run_pip(pins: list[Pin], target: str) -> None:
    """pip install --target `target`, wheels only, each line of pip's output logged as progress."""
    import subprocess

    command = [
        sys.executable,
        "-m",
        "pip",
        "install",
        "--target",
        target,
        "--only-binary=:all:",
        "--no-input",
        "--disable-pip-version-check",
        "--no-color",
        "--progress-bar",
        "off",
        *map(str, pins),
    ]
    log("i", f"Install dependencies: running {' '.join(command)}")
    env = {
        k: v for k, v in os.environ.items() if not k.startswith(("PIP_TARGET", "PIP_PREFIX", "PIP_USER", "PIP_ROOT"))
    }
    process = subprocess.Popen(
        command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, text=True, env=env
    )
    lines: list[str] = []
    assert process.stdout is not None
    for line in process.stdout:
        line = line.rstrip()
        if not line.strip():
            continue
        lines.append(line)
        log("w" if line.lstrip().startswith(("ERROR", "WARNING")) else "i", f"pip: {line.strip()}")
        if line.startswith("Installing collected packages"):
            progress(0.8)
    code = process.wait()
    if code != 0:
        text = "\n".join(lines)
        missing = NO_DISTRIBUTION.search(text)
        unreachable = index_unreachable(missing.group(1), env) if missing and not NO_NETWORK.search(text) else None
        raise DependencyError(pip_failure(lines, code, pins, unreachable))


def install(pins: list[Pin], folder: str = DEPENDENCY_FOLDER) -> dict[str, object]:
    """Make `folder` hold the pins for this Python; returns the task's output."""
    import shutil

    progress(0.0)
    missing = missing_pins(pins, folder)
    if not missing:
        log(
            "i",
            f"Install dependencies: nothing to do, {len(pins)} packages already installed for this Python"
            f" in {folder}: {', '.join(map(str, pins))}",
        )
        progress(1.0)
        return {"installed": [], "already_present": [str(p) for p in pins], "folder": folder}
    pip_version = pip_available()
    if pip_version is None:
        raise DependencyError(
            f"{sys.executable} has no pip (python -m pip fails), so nothing can be installed;"
            f" install pip for it (Alpine: apk add py3-pip; Debian/Ubuntu: apt install"
            f" python3-pip), or set Settings > System > Python path to a Python that has pip"
        )
    log(
        "i",
        f"Install dependencies: {len(pins)} packages into {folder} for {python_label()}, with {pip_version}:"
        f" {', '.join(map(str, pins))}",
    )
    staging, previous = folder + ".partial", folder + ".previous"
    try:
        for leftover in (staging, previous):  # from a run that was killed
            shutil.rmtree(leftover, ignore_errors=True)
        os.makedirs(staging)
    except OSError as exc:
        raise DependencyError(f"cannot write into the plugin folder {os.path.dirname(folder)}: {exc}") from None
    try:
        run_pip(pins, staging)
        have = installed_versions(staging)
        absent = [str(pin) for pin in pins if have.get(pin.key) != pin.version]
        if absent:
            raise DependencyError(f"pip finished but {', '.join(absent)} is not in {staging}")
        with open(os.path.join(staging, STAMP_FILE), "w", encoding="utf-8") as handle:
            json.dump({"environment": environment_key(), "packages": [str(p) for p in pins]}, handle)
        if os.path.isdir(folder):
            os.replace(folder, previous)
        os.replace(staging, folder)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
        shutil.rmtree(previous, ignore_errors=True)
    log(
        "i",
        f"Install dependencies: done; installed {', '.join(map(str, pins))} into {folder}."
        " Gallery Tools' tasks and hook use them from now on.",
    )
    progress(1.0)
    return {"installed": [str(p) for p in pins], "folder": folder, "python": python_label()}


def run_install_task() -> tuple[object, str | None]:
    """The Install dependencies button: (output, error); the error is one line. It compiles the
    plugin's own files too (compile_plugin)."""
    compile_plugin()
    try:
        return install(read_pins()), None
    except DependencyError as exc:
        message = str(exc)
    except Exception as exc:  # still one line, never a traceback
        message = f"the install failed ({type(exc).__name__}): {' '.join(str(exc).split())}"
    log("e", f"Install dependencies: {message}")
    return None, message
