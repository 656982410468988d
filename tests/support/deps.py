"""The answer gallery_tools.py gives when the full path's import fails (a broken install), as a
plugin copy computes it in a process of its own: with the Python and environment given, which
decide what it finds installed (gallery_tools_deps.missing_dependency_message)."""

from __future__ import annotations

import subprocess
from pathlib import Path

# as gallery_tools.py does it: started without site, the installed packages loaded, then the message
SCRIPT = (
    "import sys; sys.path.insert(0, sys.argv[1]); import gallery_tools_deps;"
    " from gallery_ops.common import site_packages; site_packages.load();"
    " print(gallery_tools_deps.missing_dependency_message(ImportError('the full path failed to import')))"
)


def missing_dependency_answer(python: str | Path, plugin_dir: Path, env: dict[str, str]) -> str:
    done = subprocess.run(
        [str(python), "-S", "-c", SCRIPT, str(plugin_dir)], env=env, capture_output=True, text=True, check=True, cwd="/"
    )
    return done.stdout.strip()
