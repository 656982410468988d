"""On a Python too old to run the plugin, the entry answers one JSON error, not a traceback.

Stash runs whatever Python it finds (docs/stash.md §1, §6), which can be older than the plugin
needs. So gallery_tools.py must parse on old Python 3 versions (checked on its syntax tree:
nothing newer than Python 3.4 reads, ASCII only), and its version check must answer with the
version found and the one needed: exercised with the version faked, and on every older
interpreter this machine has (pyenv's, the system's).
"""

from __future__ import annotations

import ast
import glob
import json
import re
import subprocess
import sys
import tomllib
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
ENTRY = REPO / "gallery_tools.py"
SOURCE = ENTRY.read_text(encoding="utf-8")
NEWER_THAN_OLD_PYTHONS = (
    ast.JoinedStr,
    ast.AnnAssign,
    ast.NamedExpr,
    ast.AsyncFunctionDef,
    ast.Await,
    ast.AsyncFor,
    ast.AsyncWith,
    ast.Match,
)


def test_the_entry_parses_on_old_python_3() -> None:
    tree = ast.parse(SOURCE, feature_version=(3, 4))
    assert SOURCE.isascii()  # Python 2 and early 3 refuse other bytes without a coding line
    newer = [type(node).__name__ for node in ast.walk(tree) if isinstance(node, NEWER_THAN_OLD_PYTHONS)]
    assert newer == []
    for node in ast.walk(tree):
        if isinstance(node, (ast.FunctionDef, ast.Lambda)):
            arguments = node.args
            assert not arguments.posonlyargs and not arguments.kwonlyargs
            assert all(a.annotation is None for a in arguments.args), getattr(node, "name", "lambda")
            assert getattr(node, "returns", None) is None
        if isinstance(node, ast.ImportFrom):
            assert node.module != "__future__" or all(a.name != "annotations" for a in node.names)


def test_the_minimum_is_the_projects() -> None:
    tree = ast.parse(SOURCE)
    value = next(
        node.value
        for node in tree.body
        if isinstance(node, ast.Assign) and getattr(node.targets[0], "id", "") == "MIN_PYTHON"
    )
    minimum = ast.literal_eval(value)
    required = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]["requires-python"]
    assert required == f">={minimum[0]}.{minimum[1]}"


def run_entry(python: str, *prelude: str) -> subprocess.CompletedProcess[str]:
    code = "; ".join(
        [
            *prelude,
            "import runpy, sys",
            f"sys.argv = [{str(ENTRY)!r}]",
            f"runpy.run_path({str(ENTRY)!r}, run_name='__main__')",
        ]
    )
    return subprocess.run(
        [python, "-c", code],
        input='{"server_connection": {}, "args": {"mode": "set_covers"}}',
        capture_output=True,
        text=True,
        timeout=60,
        cwd=str(REPO.parent),
    )


def check_too_old(done: subprocess.CompletedProcess[str], found: str) -> None:
    assert done.returncode == 1, done.stderr
    assert "Traceback" not in done.stdout + done.stderr
    answer = json.loads(done.stdout)
    assert answer["output"] is None and done.stdout.count("\n") == 1
    assert "Gallery Tools needs Python 3.11 or newer" in answer["error"]
    assert f"is Python {found}." in answer["error"] and "Settings > System > Python path" in answer["error"]


def test_a_too_old_version_gets_one_json_error_naming_both_versions() -> None:
    """This interpreter, told it is 3.8.10 before the entry runs: the check, not the syntax, answers."""
    fake = "import sys; sys.version_info = (3, 8, 10, 'final', 0)"
    done = run_entry(sys.executable, fake)
    check_too_old(done, "3.8.10")
    assert json.loads(done.stdout)["error"].count(sys.executable) == 1


def old_interpreters() -> list[tuple[str, str]]:
    """(path, version) of every Python older than 3.11 found in the usual places."""
    found = {}
    candidates = glob.glob(str(Path.home() / ".pyenv/versions/*/bin/python")) + glob.glob("/usr/bin/python3.*")
    for path in candidates:
        if not re.search(r"python(3(\.\d+)?)?$", path):
            continue
        try:
            done = subprocess.run(
                [path, "-c", "import sys; print('.'.join(map(str, sys.version_info[:3])))"],
                capture_output=True,
                text=True,
                timeout=30,
            )
        except OSError:
            continue
        version = done.stdout.strip()
        if done.returncode == 0 and tuple(int(n) for n in version.split(".")[:2]) < (3, 11):
            found[version] = path
    return sorted((path, version) for version, path in found.items())


def test_every_older_python_here_gets_the_same_answer() -> None:
    """Real interpreters (3.6-3.10 and 2.7 where pyenv has them) parse the entry and answer."""
    for path, version in old_interpreters():
        done = subprocess.run([path, str(ENTRY)], input="{}", capture_output=True, text=True, timeout=60)
        check_too_old(done, version)
