"""Interpreters for the simulator's runner: one that records, when each plugin process ends, which
modules it had imported and its exit status (a JSON line each), and whether the interpreter's
exit-time clean-up (atexit) ran; and a system-wide Python with nothing installed, as in Stash's
Docker image."""

from __future__ import annotations

import json
import os
import shutil
import sys
import sysconfig
from pathlib import Path
from typing import Any

import pytest

WRAPPER = """\
import atexit, gc, os, sys
report = os.environ["RECORDED_PYTHON_REPORT"]
def at_exit():
    open(report + ".atexit", "w").close()
def recording_exit(status, _exit=os._exit):
    modules = sorted(sys.modules)  # (before json is imported to write them: the plugin's own, and runpy's)
    collector = [gc.isenabled(), collections() - collections_before]
    import json
    with open(report, "a") as out:
        out.write(json.dumps({"modules": modules, "status": status, "gc": collector}) + "\\n")
    _exit(status)
def collections():
    return sum(generation["collections"] for generation in gc.get_stats())
atexit.register(at_exit)
os._exit = recording_exit
script = sys.argv[1]
sys.argv = sys.argv[1:]
sys.path[0] = os.path.dirname(os.path.abspath(script))
collections_before = collections()
# the script run as Python runs one, in a __main__ module of its own (runpy.run_path would import
# pkgutil, and with it typing and re, which the plugin's processes are checked not to import)
main = type(sys)("__main__")
main.__file__ = script
main.__builtins__ = __builtins__
sys.modules["__main__"] = main
with open(script, "rb") as source:
    code = compile(source.read(), script, "exec")
exec(code, main.__dict__)
"""


class RecordingPython:
    """`python`: the interpreter to hand the runner; `runs()`: what each process recorded."""

    def __init__(self, folder: Path, monkeypatch: pytest.MonkeyPatch) -> None:
        (folder / "wrapper.py").write_text(WRAPPER, encoding="utf-8")
        self.python = folder / "python"
        self.python.write_text(
            "#!/bin/sh\n"  # the interpreter's options (gallery_tools.yml: -S) stay before the wrapper
            'opts=; while [ "${1#-}" != "$1" ]; do opts="$opts $1"; shift; done\n'
            f'exec "{sys.executable}" $opts "{folder / "wrapper.py"}" "$@"\n',
            encoding="utf-8",
        )
        self.python.chmod(0o755)
        self.report = folder / "runs.jsonl"
        monkeypatch.setenv("RECORDED_PYTHON_REPORT", str(self.report))

    def runs(self) -> list[dict[str, Any]]:
        """Per process that ended, in order: {"modules": [...], "status": n, "gc": [the cyclic collector
        on at the end, the collections it made while the script ran]}."""
        if not self.report.exists():
            return []
        return [json.loads(line) for line in self.report.read_text(encoding="utf-8").splitlines()]

    @property
    def exit_clean_up_ran(self) -> bool:
        return Path(str(self.report) + ".atexit").exists()


def make_system_python(prefix: Path) -> Path:
    """A Python installation in `prefix` made from the interpreter running the tests, as Stash's
    Docker image has one (Alpine's python3, docs/stash.md §6b): not a virtualenv, its standard
    library (linked) and an empty site-packages: nothing installed. Returns its binary."""
    version = f"python{sys.version_info.major}.{sys.version_info.minor}"
    stdlib = Path(sysconfig.get_path("stdlib"))
    (prefix / "bin").mkdir()
    binary = prefix / "bin" / version
    shutil.copy2(os.path.realpath(sys.executable), binary)
    lib = prefix / "lib" / version
    (lib / "site-packages").mkdir(parents=True)
    for entry in stdlib.iterdir():
        if entry.name not in ("site-packages", "dist-packages", "EXTERNALLY-MANAGED"):
            (lib / entry.name).symlink_to(entry)
    return binary
