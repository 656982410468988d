"""Where Python writes no bytecode (PYTHONDONTWRITEBYTECODE set by a person or a
derived image; Stash's own Dockerfile does not set it, docs/stash.md §6), the first
run that is not a hook writes the plugin's own, once, so that hooks start from it instead of
compiling every module they import; nothing of it reaches stdout."""

from __future__ import annotations

import compileall
import json
import os
import subprocess
import sys
from importlib.util import cache_from_source
from pathlib import Path

from stash_sim import StashSimulator
from stash_sim.runner import PluginRunner, load_manifest
from support.manifest import copy_plugin

HOOK = "Gallery.Create.Post"


def sources(plugin: Path) -> list[Path]:
    return sorted((plugin / "gallery_ops").rglob("*.py"))


def fresh_bytecode(source: Path) -> bool:
    cached = Path(cache_from_source(str(source)))
    return cached.is_file() and cached.stat().st_mtime >= source.stat().st_mtime


def test_the_first_full_run_writes_the_plugins_bytecode_and_hooks_use_it(tmp_path: Path) -> None:
    plugin = copy_plugin(tmp_path / "gallery_tools")  # as a release installs it: no __pycache__
    assert not list(plugin.rglob("__pycache__"))
    manifest = load_manifest(plugin / "gallery_tools.yml")
    runner = PluginRunner(manifest, env={**os.environ, "PYTHONDONTWRITEBYTECODE": "1"})
    hook = manifest.hooks_for(HOOK)[0]
    with StashSimulator() as sim:
        first_hook = runner.run_hook(hook, {"id": 4, "type": HOOK, "input": None}, sim.server_connection())
        after_hook = list(plugin.rglob("__pycache__"))
        found = runner.run_operation({"operation": "find_gallery", "id": "4"}, sim.server_connection())
        after_operation = {source: fresh_bytecode(source) for source in sources(plugin)}
        again = runner.run_operation({"operation": "find_gallery", "id": "4"}, sim.server_connection())
        second_hook = runner.run_hook(hook, {"id": 4, "type": HOOK, "input": None}, sim.server_connection())
    assert first_hook.error is None and second_hook.error is None
    assert after_hook == []  # a hook compiles nothing (nor does Python write anything)
    assert found.error is None and found.output["id"] == "4"  # the answer is the one object on stdout
    assert again.output == found.output
    assert [s.relative_to(plugin) for s, fresh in after_operation.items() if not fresh] == []


STALE = """
import json, sys
sys.path.insert(0, sys.argv[1])
from gallery_ops.common import bytecode
print(json.dumps([bytecode.stale(), "importlib.util" in sys.modules]))
"""


def test_stale_reads_where_the_bytecode_is_from_the_import_without_importlib_util(tmp_path: Path) -> None:
    """The check every full run makes where Python writes no bytecode (-B here): missing or older
    bytecode is stale, fresh bytecode is not, and importlib.util (1.3 ms with contextlib) stays unloaded."""
    plugin = copy_plugin(tmp_path / "gallery_tools")

    def stale() -> list[bool]:
        done = subprocess.run(
            [sys.executable, "-S", "-B", "-c", STALE, str(plugin)], capture_output=True, text=True, timeout=60
        )
        assert done.returncode == 0, done.stderr
        found: list[bool] = json.loads(done.stdout)
        return found

    assert stale() == [True, False]  # as installed: no __pycache__
    compileall.compile_dir(plugin / "gallery_ops", quiet=2)
    assert stale() == [False, False]
    source = plugin / "gallery_ops" / "common" / "bytecode.py"
    later = Path(cache_from_source(str(source))).stat().st_mtime + 10
    os.utime(source, (later, later))  # an update wrote the files anew
    assert stale() == [True, False]
