"""The browser tests of the UI part (tests/ui/browser/*.test.mjs), one pytest test per file.

Each file is Node's test runner on playwright-core driving Debian's Chromium (/usr/bin/chromium)
over the test host page (tests/ui/host: a window.PluginApi as Stash v0.30.1's UI gives it), served
by a Stash simulator of its own with Gallery Tools installed; the plugin runs as a real process for
every runPluginOperation. scripts/bootstrap_ui.sh installs Chromium and the pinned npm packages
(scripts/test.sh runs it first); when either is missing these tests fail and say what to run.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

UI_TESTS = Path(__file__).resolve().parent
BROWSER_TESTS = sorted((UI_TESTS / "browser").glob("*.test.mjs"))
CHROMIUM = "/usr/bin/chromium"


def test_there_are_browser_tests() -> None:
    assert len(BROWSER_TESTS) >= 5, [p.name for p in BROWSER_TESTS]


@pytest.mark.parametrize("test_file", BROWSER_TESTS, ids=lambda path: path.name)
def test_browser(test_file: Path) -> None:
    node = shutil.which("node")
    assert node is not None, "the browser tests need Node.js: bash scripts/bootstrap_ui.sh says how"
    assert (UI_TESTS / "node_modules" / "playwright-core").is_dir(), "run bash scripts/bootstrap_ui.sh (npm ci)"
    assert os.access(CHROMIUM, os.X_OK), "run bash scripts/bootstrap_ui.sh (it installs Debian's chromium)"
    env = {**os.environ, "GALLERY_TOOLS_PYTHON": sys.executable}
    result = subprocess.run(
        [node, "--test", "--test-reporter=spec", "--test-concurrency=1", str(test_file)],
        cwd=UI_TESTS,
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert result.returncode == 0, f"{result.stdout}\n{result.stderr}"
