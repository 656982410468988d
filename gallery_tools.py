"""Gallery Tools, a Stash plugin: the entry Stash runs (see gallery_tools.yml).

Stash writes one JSON object on stdin and reads one from stdout. This file only makes
sure the dependencies can be imported, using the standard library alone, so that a
missing package still gets a proper answer saying what to install; then it hands
over to gallery_ops.plugin.main.
"""

import json
import os
import sys

REQUIREMENTS = os.path.join(os.path.dirname(os.path.abspath(__file__)), "requirements.txt")
NEEDED = (("pydantic", "pydantic>=2.5"), ("stashapi", "stashapp-tools"))


def missing_dependency() -> str | None:
    """A one-line error naming what to install, with which interpreter, or None when all is there."""
    for module, package in NEEDED:
        try:
            imported = __import__(module)
        except ImportError:
            return (f"Gallery Tools needs the Python package {package!r}, which {sys.executable} cannot import."
                    f" Install it with: {sys.executable} -m pip install -r {REQUIREMENTS}")
        if module == "pydantic" and not str(getattr(imported, "VERSION", "0")).startswith("2"):
            return (f"Gallery Tools needs pydantic 2; {sys.executable} has pydantic {imported.VERSION}."
                    f" Upgrade with: {sys.executable} -m pip install -r {REQUIREMENTS}")
    return None


def run_lean_hook(text):
    """Run a Gallery.Create.Post hook on the standard library alone (gallery_ops/new_gallery_hook.py):
    a scan waits for every hook process. Returns the exit status, or None when the input is no
    plain hook run (then the full path answers it)."""
    try:
        from gallery_ops.new_gallery_hook import lean_main
    except (ImportError, SyntaxError):
        return None
    return lean_main(text, sys.stdout)


def exit_now(status):
    """Flush the answer and the log, then exit with `status` at once: the interpreter's exit-time
    clean-up (collecting everything imported, ~100 ms after a task) does nothing anyone needs."""
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):
            pass
    os._exit(status)


if __name__ == "__main__":
    stdin_text = sys.stdin.read()
    status = run_lean_hook(stdin_text)
    if status is None:
        problem = missing_dependency()
        if problem is not None:
            sys.stdout.write(json.dumps({"output": None, "error": problem}) + "\n")
            exit_now(1)
        import io

        from gallery_ops.plugin import main

        status = main(io.StringIO(stdin_text))
    exit_now(status)
