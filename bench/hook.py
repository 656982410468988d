"""The new-gallery hook, side by side: our hook process against others doing the same job.

    .venv/bin/python bench/hook.py [--rounds N] [--baseline /path/to/other/checkout] [--no-bytecode]

Plugin processes are started exactly as Stash starts a hook (the simulator's runner: the same
interpreter, PYTHONPATH, working directory, stdin and stdout handling, each manifest's `exec`),
one after another, interleaved round by round (the order rotates each round), on one simulator:

- ours: gallery_tools.py with a Gallery.Create.Post hook context (its manifest: `python -S`);
- stashapi: a typical stashapi hook, StashInterface(server_connection), find_gallery and
  update_gallery (its write completes: the gallery gets a title);
- stdlib: a standard-library process (urllib) sending exactly the requests our hook sent
  for its own gallery (captured from the simulator in the same round), nothing else, started
  as plugins are (`python script.py`);
- stdlib -S: the same script started as ours is (`python -S script.py`): the leanest
  standard-library script, with what Python does before its first line cut as ours is;
- floor, floor -S: a process that reads its input and answers, sending nothing: Python's start,
  with and without `site`; no hook can take less;
- baseline (with --baseline): the hook of another checkout of the plugin (e.g. a git archive
  of an older commit), run as its own manifest says, for the ratio ours/baseline.

With --no-bytecode every process runs with PYTHONDONTWRITEBYTECODE=1 (set by a person or an image) and
ours (and the baseline) from a copy of its files without __pycache__, so each start compiles
what it imports; without it both are compiled to bytecode first.

Each round creates a new, untitled zip gallery per process. Two settings: the title rule on (our
hook reads, then writes the title: the comparable job) and every rule off (our hook reads its
settings and stops). Printed: per process the wall time (min / median / max), the median CPU
time (user + system, of the child process) and the requests; then ours against each other
process as ratios of the medians. Nothing is asserted here: tests count requests, benchmarks
measure.
"""

from __future__ import annotations

import argparse
import compileall
import json
import os
import resource
import shutil
import statistics
import sys
import tempfile
import textwrap
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT / "tests"), str(ROOT)]

import stash_sim.server as sim_server  # noqa: E402
from stash_sim import StashSimulator  # noqa: E402
from stash_sim.library import LibraryWriter  # noqa: E402
from stash_sim.runner import PluginRunner, RunResult, load_manifest  # noqa: E402

HOOK_TYPE = "Gallery.Create.Post"

STASHAPI_HOOK = '''\
"""A typical stashapi hook: connect, read the new gallery, give it a title."""
import json
import os
import sys

from stashapi.stashapp import StashInterface

plugin_input = json.loads(sys.stdin.read())
stash = StashInterface(plugin_input["server_connection"])
gallery_id = plugin_input["args"]["hookContext"]["id"]
gallery = stash.find_gallery(gallery_id)
name = os.path.basename(gallery["files"][0]["path"]) if gallery.get("files") else ""
stash.update_gallery({"id": gallery_id, "title": os.path.splitext(name)[0].replace("_", " ")})
print(json.dumps({"output": "ok"}))
'''

STDLIB_HOOK = '''\
"""Standard library only: send the given GraphQL requests with urllib, as a plugin would."""
import json
import sys
import urllib.request

plugin_input = json.loads(sys.stdin.read())
conn = plugin_input["server_connection"]
host = "127.0.0.1" if conn["Host"] == "0.0.0.0" else conn["Host"]
url = "%s://%s:%d/graphql" % (conn["Scheme"], host, conn["Port"])
headers = {"Content-Type": "application/json", "Accept": "application/json",
           "Cookie": "session=" + conn["SessionCookie"]["Value"]}
for payload in plugin_input["args"]["requests"]:
    request = urllib.request.Request(url, json.dumps(payload).encode(), headers)
    with urllib.request.urlopen(request, timeout=60) as response:
        json.loads(response.read())
print(json.dumps({"output": "ok"}))
'''


@dataclass
class Measured:
    wall: list[float] = field(default_factory=list)
    cpu: list[float] = field(default_factory=list)
    requests: list[int] = field(default_factory=list)


class Capture:
    """Records the request bodies the simulator answers (the stdlib process replays ours)."""

    def __init__(self) -> None:
        self.payloads: list[Any] = []
        self._real = sim_server.run_graphql

    def __enter__(self) -> Capture:
        def recording(payload: Any, *args: Any, **kwargs: Any) -> Any:
            self.payloads.append(payload)
            return self._real(payload, *args, **kwargs)

        sim_server.run_graphql = recording
        return self

    def __exit__(self, *exc: Any) -> None:
        sim_server.run_graphql = self._real


def contender(folder: Path, name: str, source: str, env: dict[str, str], flags: str = "") -> PluginRunner:
    """A plugin of one hook, `source`, started as `python [flags] <its file>`."""
    plugin_dir = folder / name
    plugin_dir.mkdir()
    (plugin_dir / f"{name}.py").write_text(source, encoding="utf-8")
    (plugin_dir / f"{name}.yml").write_text(
        textwrap.dedent(f"""\
        name: {name}
        exec: [python, {flags + ", " if flags else ""}"{{pluginDir}}/{name}.py"]
        interface: raw
        hooks:
          - name: hook
            triggeredBy: [{HOOK_TYPE}]
        """),
        encoding="utf-8",
    )
    return PluginRunner(load_manifest(plugin_dir / f"{name}.yml"), env=env)


def new_gallery(sim: StashSimulator, n: int, who: str) -> int:
    with sim.store.transaction():
        writer = LibraryWriter(sim.store)
        zip_path = f"/library/bench/{who}_set_{n:04d}.zip"
        zip_id = writer.zip_file(zip_path)
        gallery_id = writer.gallery(zip_path=zip_path)
        image_id = writer.image(f"{zip_path}/001.jpg", zip_id, 1200, 800, None, None)
        writer.add_to_gallery(gallery_id, [image_id])
    return gallery_id


def timed(sim: StashSimulator, run: Callable[[], RunResult], into: Measured) -> RunResult:
    sim.requests.clear()
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    result = run()
    into.wall.append(time.perf_counter() - start)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    into.cpu.append((after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime))
    into.requests.append(len(sim.requests))
    if result.error is not None:
        raise RuntimeError(f"a benchmarked hook failed: {result.error}\n{result.stderr}")
    return result


def replay(payloads: list[Any], own_id: int, new_id: int) -> list[Any]:
    """Our hook's requests, for another gallery: its id swapped in."""
    text = json.dumps(payloads).replace(f'"{own_id}"', f'"{new_id}"')
    return json.loads(text)


FLOOR_HOOK = """\
import json
import sys

json.loads(sys.stdin.read())
print(json.dumps({"output": "ok"}))
"""


def context(gallery_id: int) -> dict[str, Any]:
    return {"id": gallery_id, "type": HOOK_TYPE, "input": None}


def compare(
    rounds: int, settings: dict[str, Any], ours_dir: Path, baseline: Path | None, env: dict[str, str]
) -> dict[str, Measured]:
    """Run the hook processes `rounds` times each, interleaved; returns what was measured."""
    with StashSimulator() as sim, tempfile.TemporaryDirectory() as scratch:
        folder = Path(scratch)
        sim.set_plugin_settings("gallery_tools", settings)
        last_ours: list[tuple[int, list[Any]]] = []

        def plugin_hook(checkout: Path, name: str) -> Callable[[int], None]:
            plugin = load_manifest(checkout / "gallery_tools.yml")
            runner, hook = PluginRunner(plugin, env=env), plugin.hooks_for(HOOK_TYPE)[0]

            def run(n: int) -> None:
                gallery_id = new_gallery(sim, n, name)
                with Capture() as capture:
                    timed(
                        sim, lambda: runner.run_hook(hook, context(gallery_id), sim.server_connection()), measured[name]
                    )
                if name == "ours":
                    last_ours[:] = [(gallery_id, capture.payloads)]

            return run

        def other_hook(name: str, source: str, flags: str = "") -> Callable[[int], None]:
            runner = contender(folder, "bench_" + name.replace(" -", "_"), source, env, flags)
            hook = runner.plugin.hooks[0]

            def run(n: int) -> None:
                gallery_id = new_gallery(sim, n, name.replace(" -", "_"))
                args: dict[str, Any] = {"hookContext": context(gallery_id)}
                if source == STDLIB_HOOK:  # the requests ours sent in this round, for this gallery
                    hook.default_args = {}
                    args["requests"] = replay(last_ours[0][1], last_ours[0][0], gallery_id)
                timed(sim, lambda: runner.run(hook, args, sim.server_connection()), measured[name])

            return run

        steps = {
            "ours": plugin_hook(ours_dir, "ours"),
            "stashapi": other_hook("stashapi", STASHAPI_HOOK),
            "stdlib": other_hook("stdlib", STDLIB_HOOK),
            "stdlib -S": other_hook("stdlib -S", STDLIB_HOOK, "-S"),
            "floor": other_hook("floor", FLOOR_HOOK),
            "floor -S": other_hook("floor -S", FLOOR_HOOK, "-S"),
        }
        if baseline is not None:
            steps["baseline"] = plugin_hook(baseline, "baseline")
        measured = {name: Measured() for name in steps}
        for step in steps.values():  # warm-up (and the first requests to replay); not counted
            step(0)
        for kind in measured.values():
            kind.wall.clear(), kind.cpu.clear(), kind.requests.clear()
        order = list(steps)
        for n in range(1, rounds + 1):
            rotated = order[n % len(order) :] + order[: n % len(order)]
            rotated.remove("ours")  # the stdlib processes replay the requests ours sent in this round
            rotated.insert(min(rotated.index("stdlib"), rotated.index("stdlib -S")), "ours")
            for name in rotated:
                steps[name](n)
    return measured


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.0f} ms"


def summary(name: str, measured: dict[str, Measured]) -> list[str]:
    wall = {k: statistics.median(m.wall) for k, m in measured.items()}
    cpu = {k: statistics.median(m.cpu) for k, m in measured.items()}
    rows = [
        f"| {name}: {kind} | {ms(min(m.wall))} / {ms(wall[kind])} / {ms(max(m.wall))} | {ms(cpu[kind])}"
        f" | {statistics.mean(m.requests):.1f} |"
        for kind, m in measured.items()
    ]
    for other in measured:
        if other != "ours":
            ratios = f"{wall['ours'] / wall[other]:.2f} | {cpu['ours'] / cpu[other]:.2f}"
            rows.append(f"| {name}: ratio ours/{other} | {ratios} | - |")
    return rows


SCENARIOS = {
    "title rule on": {"hookTitles": True},
    "every rule off": {},
}


def hook_rows(
    rounds: int, ours_dir: Path = ROOT, baseline: Path | None = None, env: dict[str, str] | None = None
) -> list[str]:
    """The comparison table (markdown rows) for every scenario (ours from `ours_dir`, every process
    with `env`, this process's environment by default)."""
    env = dict(os.environ) if env is None else env
    rows = [
        f"| hook process ({rounds} interleaved rounds) | wall (min / median / max) | CPU (median) | requests |",
        "|---|---|---|---|",
    ]
    for name, settings in SCENARIOS.items():
        rows += summary(name, compare(rounds, settings, ours_dir, baseline, env))
    return rows


def plugin_copy(checkout: Path, into: Path) -> Path:
    """The plugin's own files of `checkout` (no __pycache__), as an install from a source has them:
    the manifest, the modules beside it (the entry; an older checkout's helpers too) and the package."""
    into.mkdir()
    for path in [checkout / "gallery_tools.yml", *sorted(checkout.glob("*.py"))]:
        shutil.copy2(path, into / path.name)
    shutil.copytree(checkout / "gallery_ops", into / "gallery_ops", ignore=shutil.ignore_patterns("__pycache__"))
    return into


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=20)
    parser.add_argument("--baseline", type=Path, help="another checkout of the plugin (e.g. a git archive)")
    parser.add_argument("--no-bytecode", action="store_true", help="PYTHONDONTWRITEBYTECODE=1: each start compiles")
    args = parser.parse_args()
    env = dict(os.environ)
    with tempfile.TemporaryDirectory() as scratch:
        ours, baseline = ROOT, args.baseline
        if args.no_bytecode:
            env["PYTHONDONTWRITEBYTECODE"] = "1"
            ours = plugin_copy(ROOT, Path(scratch) / "ours")
            baseline = plugin_copy(baseline, Path(scratch) / "baseline") if baseline is not None else None
        else:  # compiled to bytecode first: neither pays for compiling at every start
            for folder in (ours, baseline) if baseline is not None else (ours,):
                compileall.compile_dir(folder / "gallery_ops", quiet=1)
                compileall.compile_dir(folder, maxlevels=0, quiet=1)  # the modules beside the entry
        print(f"Python {sys.version.split()[0]}, load average {os.getloadavg()[0]:.1f} at the start")
        print("\n".join(hook_rows(args.rounds, ours, baseline, env)))
        print(f"load average {os.getloadavg()[0]:.1f} at the end")


if __name__ == "__main__":
    main()
