"""Gallery Tools, a Stash plugin: the entry Stash runs (see gallery_tools.yml).

Stash writes one JSON object on stdin and reads one from stdout (docs/stash.md, section 2). Stash
starts it as `python -S gallery_tools.py`: without `site`, so that Python reads no site-packages
folder and runs no `.pth` file before the first line here (a hook needs neither). Before anything
the plugin depends on is imported, this file, with the standard library alone:
1. answers with one JSON error on a Python too old to run the plugin (so this file must
   parse on old Python 3 versions too: no f-strings, no annotations, nothing newer);
2. runs a Gallery.Create.Post hook the lean way (run_lean_hook: the standard library only,
   since a scan waits for every hook process);
3. leaves the installed packages out: gallery_ops runs on the standard library (the optional
   `regex` of a user's pattern loads them when a pattern is first compiled, common/patterns.py);
   the Install dependencies task and the missing-dependency answer make them importable first
   (gallery_ops/common/site_packages.py: the plugin's own dependency folder, filled by
   gallery_tools_deps.py, then the Python's site-packages: what `site` would have done);
4. where Python writes no bytecode itself (PYTHONDONTWRITEBYTECODE, as in Stash's Docker image),
   writes the plugin's own once (gallery_tools_deps.compile_plugin), so hooks start from it;
5. runs the Install dependencies task (mode install_dependencies) itself;
6. answers a missing dependency with one JSON error that says how to install it;
then it hands the input to gallery_ops.entry.dispatch.main. Every way ends with exit_now, without
the interpreter's exit-time clean-up.
"""

import json
import os
import sys

MIN_PYTHON = (3, 11)  # the same as requires-python in pyproject.toml


def answer(output, error):
    # type: (object, str | None) -> int
    """Write the one result object Stash reads; the exit status: 0 on success, 1 on error."""
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


def decoded_json(text):
    # type: (str | None) -> object
    """stdin as decoded JSON when it is JSON, else None."""
    if text is None:
        return None
    try:
        return json.loads(text)
    except (ValueError, RecursionError):  # too deep for the parser: the full path answers it
        return None


def run_lean_hook(text):
    # type: (str) -> int | None
    """Run a Gallery.Create.Post hook on the standard library alone (gallery_ops/hook/new_gallery.py):
    a scan waits for every hook process. Returns the exit status, or None when the input is no
    plain hook run (then the full path answers it)."""
    try:
        from gallery_ops.hook.new_gallery import lean_main
    except (ImportError, SyntaxError):
        return None
    return lean_main(text, sys.stdout)


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
    text, raw = read_stdin()
    status = run_lean_hook(text) if text is not None else None
    if status is not None:
        return status
    import gallery_tools_deps
    from gallery_ops.common import site_packages

    if sys.dont_write_bytecode and gallery_tools_deps.bytecode_stale():
        gallery_tools_deps.compile_plugin()  # (Stash's Docker image: the hooks then start from bytecode)

    if gallery_tools_deps.wants_install(decoded_json(text)):
        site_packages.load()
        output, error = gallery_tools_deps.run_install_task()
        return answer(output, error)
    gallery_tools_deps.warn_if_outdated()
    try:
        from gallery_ops.entry.dispatch import main as plugin_main
    except ImportError as exc:
        site_packages.load()  # (to say which installed package is missing or unusable)
        message = gallery_tools_deps.missing_dependency_message(exc)
        gallery_tools_deps.log("e", message)
        return answer(None, message)
    return plugin_main(stdin_again(text, raw))


if __name__ == "__main__":
    exit_now(main())
