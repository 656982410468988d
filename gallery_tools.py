"""Gallery Tools, a Stash plugin: the entry Stash runs (see gallery_tools.yml).

Stash writes one JSON object on stdin and reads one from stdout (docs/stash.md, section 2). Before
anything the plugin depends on is imported, this file, with the standard library alone:
1. answers with one JSON error on a Python too old to run the plugin (so this file must
   parse on old Python 3 versions too: no f-strings, no annotations, nothing newer);
2. puts the plugin's own dependency folder on sys.path (gallery_tools_deps.py);
3. runs the Install dependencies task (mode install_dependencies) itself;
4. answers a missing dependency with one JSON error that says how to install it;
then it hands the input to gallery_ops.plugin.main.
"""

import io
import json
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
    template = ("Gallery Tools needs Python %d.%d or newer, but %s is Python %s. Set Settings > System > Python"
                " path to a newer Python (or update the one Stash runs).")
    version = ".".join(str(n) for n in found)
    return template % (MIN_PYTHON[0], MIN_PYTHON[1], sys.executable, version)  # no f-strings: old Pythons read it


def read_stdin():
    # type: () -> tuple[str, object]
    """stdin as text, and as decoded JSON when it is JSON (else None)."""
    text = sys.stdin.read()
    try:
        return text, json.loads(text)
    except ValueError:
        return text, None


def main():
    # type: () -> int
    problem = python_too_old()
    if problem is not None:
        return answer(None, problem)
    import gallery_tools_deps

    gallery_tools_deps.use_dependency_folder()
    text, decoded = read_stdin()
    if gallery_tools_deps.wants_install(decoded):
        output, error = gallery_tools_deps.run_install_task()
        return answer(output, error)
    gallery_tools_deps.warn_if_outdated()
    try:
        from gallery_ops.plugin import main as plugin_main
    except ImportError as exc:
        message = gallery_tools_deps.missing_dependency_message(exc)
        gallery_tools_deps.log("e", message)
        return answer(None, message)
    return plugin_main(io.StringIO(text))


if __name__ == "__main__":
    sys.exit(main())
