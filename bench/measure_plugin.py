"""Runs a plugin entry like `python <script>` would, then records the process's peak memory.

bench/run.py points the runner's interpreter at this (through a small shell wrapper), so
the plugin runs unchanged and its own high-water mark (VmHWM: this process only, not the
benchmark that started it) is appended to the file named by GT_BENCH_MEMORY; when
GT_BENCH_CPU names a file, its own CPU time (user and system, seconds) is appended there too.

Its CPU is counted with the plugin's, so it imports next to nothing before the plugin runs: the
script is run as `python <script>` runs it (run_script), not through runpy, whose imports
(importlib.util, pkgutil and what they import) cost a few milliseconds that no plugin process of
Stash's pays; `typing` is not imported for the annotations either.
"""

from __future__ import annotations

import atexit
import os
import resource
import sys

TYPE_CHECKING = False
if TYPE_CHECKING:  # the plugin's process imports no more than it would
    from pathlib import Path

# The shell wrapper the runner starts instead of Python: the interpreter's own options of a
# manifest's `exec` (gallery_tools.yml starts `python -S`) go to the interpreter, before this file.
WRAPPER = """#!/bin/sh
flags=""
while [ "${1#-}" != "$1" ]; do flags="$flags $1"; shift; done
exec "%s" $flags "%s" "$@"
"""


def wrapper(folder: Path) -> Path:
    """A `python` for the simulator's runner (sim.python) that runs each plugin through this file."""
    path = folder / "python"
    path.write_text(WRAPPER % (sys.executable, os.path.realpath(__file__)), encoding="utf-8")
    path.chmod(0o755)
    return path


def record_peak() -> None:
    with open("/proc/self/status", encoding="ascii") as status:
        peak = next(line.split()[1] for line in status if line.startswith("VmHWM:"))
    with open(os.environ["GT_BENCH_MEMORY"], "a", encoding="ascii") as out:
        out.write(f"{peak}\n")
    if os.environ.get("GT_BENCH_CPU"):
        own = resource.getrusage(resource.RUSAGE_SELF)
        with open(os.environ["GT_BENCH_CPU"], "a", encoding="ascii") as out:
            out.write(f"{own.ru_utime} {own.ru_stime}\n")


def recording_exit(status: int, _exit=os._exit) -> None:
    """The plugin ends with os._exit (no exit-time clean-up, no atexit): record the peak first."""
    record_peak()
    _exit(status)


def run_script(script: str) -> None:
    """Run `script` as the interpreter runs a script: its code compiled from its source (with none
    of this file's `__future__` flags), in a fresh `__main__` namespace, with its own argv and its
    folder first on sys.path."""
    sys.argv = sys.argv[1:]
    sys.path[0] = os.path.dirname(os.path.abspath(script))
    with open(script, "rb") as source:
        code = compile(source.read(), script, "exec", dont_inherit=True)
    exec(code, {"__name__": "__main__", "__file__": script, "__builtins__": __builtins__})


if __name__ == "__main__":
    atexit.register(record_peak)
    os._exit = recording_exit
    run_script(sys.argv[1])
