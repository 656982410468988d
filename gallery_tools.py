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
NEEDED = (("pydantic", "pydantic>=2.5"), ("stashapi", "stashapp-tools"), ("regex", "regex"))


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


if __name__ == "__main__":
    problem = missing_dependency()
    if problem is not None:
        sys.stdout.write(json.dumps({"output": None, "error": problem}) + "\n")
        sys.exit(1)
    from gallery_ops.plugin import main

    sys.exit(main())
