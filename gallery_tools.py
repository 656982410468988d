"""Gallery Tools, a Stash plugin: the entry Stash runs (see gallery_tools.yml).

Stash writes one JSON object on stdin and reads one from stdout (docs/stash.md, section 2). Stash
starts it as `python -S gallery_tools.py`: without `site`, so that Python reads no site-packages
folder and runs no `.pth` file before the first line here. Gallery Tools runs on the standard
library alone (docs/architecture.md, "The runtime"); the one installed package a run can use, the
optional `regex` for a user's pattern, is looked for when a pattern is first compiled
(gallery_ops/common/patterns.py). This file, with the standard library alone:
1. answers with one JSON error on a Python too old to run the plugin (so this file must
   parse on old Python 3 versions too: no f-strings, no annotations, nothing newer);
2. runs a Gallery.Create.Post hook the lean way (run_lean_hook: since a scan waits for every
   hook process, it imports the least it can);
3. where Python writes no bytecode itself (PYTHONDONTWRITEBYTECODE set), writes the plugin's
   own once (gallery_ops/common/bytecode.py), so hooks start from it;
4. answers with one JSON error when the plugin's own files cannot be imported (an incomplete copy);
then it hands the input to gallery_ops.entry.dispatch.main. The cyclic garbage collector is off
while the plugin's modules are imported (imports_done). Every way ends with exit_now, without
the interpreter's exit-time clean-up.
"""

import gc
import os
import sys

MIN_PYTHON = (3, 11)  # the same as requires-python in pyproject.toml


def answer(output, error):
    # type: (object, str | None) -> int
    """Write the one result object Stash reads; the exit status: 0 on success, 1 on error."""
    import json  # (here: only these answers need it; the plugin writes JSON with gallery_ops/common/json_text.py)

    sys.stdout.write(json.dumps({"output": output, "error": error}) + "\n")
    sys.stdout.flush()
    return 0 if error is None else 1


def python_too_old():
    # type: () -> str | None
    """A one-line error when this Python cannot run the plugin, else None."""
    found = tuple(sys.version_info[:3])
    if found[:2] >= MIN_PYTHON:
        return None
    template = (
        "Gallery Tools needs Python %d.%d or newer, but %s is Python %s. Set Settings > System > Python"
        " path to a newer Python (or update the one Stash runs)."
    )
    version = ".".join(str(n) for n in found)
    return template % (MIN_PYTHON[0], MIN_PYTHON[1], sys.executable, version)  # no f-strings: old Pythons read it


def incomplete_install(problem):
    # type: (BaseException) -> str
    """A one-line error when the plugin's own files cannot be imported (a copy that missed files,
    a file cut short): the plugin needs no installed package, so this is the one import that can fail."""
    folder = os.path.dirname(os.path.abspath(__file__))
    found = " ".join(str(problem).split()) or type(problem).__name__
    template = (
        "Gallery Tools is incomplete in %s: %s. Install it again (Settings > Plugins) or copy all of its"
        " files (gallery_tools.yml, gallery_tools.py, gallery_ops/, ui/)."
    )
    return template % (folder, found)


def read_stdin():
    # type: () -> tuple[str | None, bytes]
    """(text, bytes) of stdin; text is None when it does not decode (the full path reports that)."""
    raw = sys.stdin.buffer.read()
    try:
        return raw.decode(sys.stdin.encoding or "utf-8", sys.stdin.errors or "strict"), raw
    except (UnicodeDecodeError, LookupError):
        return None, raw


def stdin_again(text, raw):
    # type: (str | None, bytes) -> object
    """stdin as a stream once more, for gallery_ops.entry.dispatch.main (undecodable bytes fail there, as before)."""
    import io

    if text is not None:
        return io.StringIO(text)
    return io.TextIOWrapper(io.BytesIO(raw), encoding=sys.stdin.encoding or "utf-8", errors=sys.stdin.errors)


def run_lean_hook(text):
    # type: (str) -> int | None
    """Run a Gallery.Create.Post hook on the standard library alone (gallery_ops/hook/new_gallery.py):
    a scan waits for every hook process. Returns the exit status, or None when the input is no
    plain hook run (then the full path answers it). Input that does not name the hook's type is
    none (Stash writes it as is), and is not even looked at here: a page action or a task imports
    nothing of the hook's."""
    try:
        from gallery_ops.common import json_text
        from gallery_ops.common.constants import HOOK_TYPE

        if json_text.dumps(HOOK_TYPE) not in text:
            return None
        from gallery_ops.hook.new_gallery import lean_main
    except (ImportError, SyntaxError):
        return None
    imports_done()
    return lean_main(text, sys.stdout)


def imports_done():
    # type: () -> None
    """The cyclic garbage collector, off while the plugin's modules are imported (main), runs again,
    leaving out what they made. Imports make objects by the thousand (modules, classes, functions)
    and free none: the collector, run every 700 of them, would only scan them again and again (about
    3 ms of a page action's CPU, 1 ms of a hook's); frozen, they are out of every later scan."""
    gc.freeze()
    gc.enable()


def exit_now(status):
    # type: (int) -> None
    """Flush the answer and the log, then exit with `status` at once: the interpreter's exit-time
    clean-up (collecting everything imported, ~100 ms after a task) does nothing anyone needs."""
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):
            pass
    os._exit(status)


def main():
    # type: () -> int
    """One run: the checks above in order, then gallery_ops.entry.dispatch.main; returns the exit status."""
    problem = python_too_old()
    if problem is not None:
        return answer(None, problem)
    gc.disable()  # until the plugin's modules are imported (imports_done)
    text, raw = read_stdin()
    status = run_lean_hook(text) if text is not None else None
    if status is not None:
        return status
    try:
        if sys.dont_write_bytecode:
            from gallery_ops.common import bytecode

            if bytecode.stale():
                bytecode.compile_plugin()  # (where Python writes no bytecode: the hooks then start from it)
        from gallery_ops.entry.dispatch import main as plugin_main
    except (ImportError, SyntaxError) as exc:
        return answer(None, incomplete_install(exc))
    imports_done()
    return plugin_main(stdin_again(text, raw))


if __name__ == "__main__":
    exit_now(main())
