"""Gallery Tools, a Stash plugin: the entry Stash runs (see gallery_tools.yml).

Stash writes one JSON object on stdin and reads one from stdout. A Gallery.Create.Post
hook run goes the lean way first (run_lean_hook: the standard library only, since a scan
waits for every hook process). Everything else: this file makes sure the dependencies can
be imported, using the standard library alone, so that a missing package still gets a
proper answer saying what to install; then it hands over to gallery_ops.plugin.main.
Either way the process ends with exit_now, without the interpreter's exit-time clean-up.
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


def read_stdin():
    """(text, bytes) of stdin; text is None when it does not decode (the full path reports that)."""
    raw = sys.stdin.buffer.read()
    try:
        return raw.decode(sys.stdin.encoding or "utf-8", sys.stdin.errors or "strict"), raw
    except (UnicodeDecodeError, LookupError):
        return None, raw


def stdin_again(text, raw):
    """stdin as a stream once more, for gallery_ops.plugin.main (undecodable bytes fail there, as before)."""
    import io

    if text is not None:
        return io.StringIO(text)
    return io.TextIOWrapper(io.BytesIO(raw), encoding=sys.stdin.encoding or "utf-8", errors=sys.stdin.errors)


if __name__ == "__main__":
    stdin_text, stdin_bytes = read_stdin()
    status = run_lean_hook(stdin_text) if stdin_text is not None else None
    if status is None:
        problem = missing_dependency()
        if problem is not None:
            sys.stdout.write(json.dumps({"output": None, "error": problem}) + "\n")
            exit_now(1)
        from gallery_ops.plugin import main

        status = main(stdin_again(stdin_text, stdin_bytes))
    exit_now(status)
