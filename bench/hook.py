"""The new-gallery hook, side by side: our hook process against two others doing the same job.

    .venv/bin/python bench/hook.py [--rounds N] [--baseline /path/to/other/checkout]

Three plugin processes are started exactly as Stash starts a hook (the simulator's runner:
the same interpreter, PYTHONPATH, working directory, stdin and stdout handling), one after
another, interleaved round by round (the order rotates each round), on one simulator:

- ours: gallery_tools.py with a Gallery.Create.Post hook context;
- stashapi: a typical stashapi hook, StashInterface(server_connection), find_gallery and
  update_gallery (its write completes: the gallery gets a title);
- stdlib: a standard-library process (urllib) sending exactly the requests our hook sent
  for its own gallery (captured from the simulator in the same round), nothing else;
- baseline (with --baseline): the hook of another checkout of the plugin (e.g. a git archive
  of an older commit), run as ours is, for the ratio ours/baseline.

Each round creates three new, untitled zip galleries, one per process. Two settings: the title
rule on (our hook reads, then writes the title: the comparable job) and every rule off (our
hook reads its settings and stops). Printed: the median wall time and mean CPU time (user +
system, of the child process) per process, and the ratios ours/stashapi and ours/stdlib.
Nothing is asserted here: tests count requests, benchmarks measure.
"""

from __future__ import annotations

import argparse
import compileall
import json
import resource
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


def contender(folder: Path, name: str, source: str) -> PluginRunner:
    plugin_dir = folder / name
    plugin_dir.mkdir()
    (plugin_dir / f"{name}.py").write_text(source, encoding="utf-8")
    (plugin_dir / f"{name}.yml").write_text(
        textwrap.dedent(f"""\
        name: {name}
        exec: [python, "{{pluginDir}}/{name}.py"]
        interface: raw
        hooks:
          - name: hook
            triggeredBy: [{HOOK_TYPE}]
        """),
        encoding="utf-8",
    )
    return PluginRunner(load_manifest(plugin_dir / f"{name}.yml"))


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


def compare(rounds: int, settings: dict[str, Any], baseline: Path | None = None) -> dict[str, Measured]:
    """Run the hook processes `rounds` times each, interleaved; returns what was measured."""
    measured = {"ours": Measured(), "stashapi": Measured(), "stdlib": Measured()}
    if baseline is not None:
        measured["baseline"] = Measured()
    with StashSimulator() as sim, tempfile.TemporaryDirectory() as scratch:
        ours_plugin = load_manifest(ROOT / "gallery_tools.yml")
        ours = PluginRunner(ours_plugin)
        ours_hook = ours_plugin.hooks_for(HOOK_TYPE)[0]
        other_plugin = load_manifest(baseline / "gallery_tools.yml") if baseline is not None else None
        other = PluginRunner(other_plugin) if other_plugin is not None else None
        stashapi = contender(Path(scratch), "bench_stashapi", STASHAPI_HOOK)
        stdlib = contender(Path(scratch), "bench_stdlib", STDLIB_HOOK)
        sim.set_plugin_settings("gallery_tools", settings)
        last_ours: tuple[int, list[Any]] | None = None

        def context(gallery_id: int) -> dict[str, Any]:
            return {"id": gallery_id, "type": HOOK_TYPE, "input": None}

        def run_ours(n: int) -> None:
            nonlocal last_ours
            gallery_id = new_gallery(sim, n, "ours")
            with Capture() as capture:
                timed(
                    sim,
                    lambda: ours.run_hook(ours_hook, context(gallery_id), sim.server_connection()),
                    measured["ours"],
                )
            last_ours = (gallery_id, capture.payloads)

        def run_stashapi(n: int) -> None:
            gallery_id = new_gallery(sim, n, "stashapi")
            timed(
                sim,
                lambda: stashapi.run_hook(stashapi.plugin.hooks[0], context(gallery_id), sim.server_connection()),
                measured["stashapi"],
            )

        def run_stdlib(n: int) -> None:
            gallery_id = new_gallery(sim, n, "stdlib")
            assert last_ours is not None
            hook = stdlib.plugin.hooks[0]
            hook.default_args = {}
            args = {"requests": replay(last_ours[1], last_ours[0], gallery_id)}
            timed(
                sim,
                lambda: stdlib.run(hook, {**args, "hookContext": context(gallery_id)}, sim.server_connection()),
                measured["stdlib"],
            )

        def run_baseline(n: int) -> None:
            assert other is not None and other_plugin is not None
            gallery_id = new_gallery(sim, n, "baseline")
            hook = other_plugin.hooks_for(HOOK_TYPE)[0]
            timed(sim, lambda: other.run_hook(hook, context(gallery_id), sim.server_connection()), measured["baseline"])

        order = [run_ours, run_stashapi, run_stdlib] + ([run_baseline] if other is not None else [])
        for step in order:  # warm-up (and the first requests to replay); not counted
            step(0)
        for kind in measured.values():
            kind.wall.clear(), kind.cpu.clear(), kind.requests.clear()
        for n in range(1, rounds + 1):
            rotated = order[n % len(order) :] + order[: n % len(order)]
            if run_ours not in rotated[: rotated.index(run_stdlib)]:
                # stdlib replays the requests ours sent in this round: ours goes before it
                rotated.remove(run_ours)
                rotated.insert(rotated.index(run_stdlib), run_ours)
            for step in rotated:
                step(n)
    return measured


def summary(name: str, measured: dict[str, Measured]) -> list[str]:
    wall = {k: statistics.median(m.wall) for k, m in measured.items()}
    cpu = {k: statistics.mean(m.cpu) for k, m in measured.items()}
    requests = {k: statistics.mean(m.requests) for k, m in measured.items()}
    rows = [
        f"| {name}: {kind} | {wall[kind] * 1000:.0f} ms | {cpu[kind] * 1000:.0f} ms | {requests[kind]:.1f} |"
        for kind in measured
    ]
    rows.append(
        f"| {name}: ratio ours/stashapi | {wall['ours'] / wall['stashapi']:.2f} |"
        f" {cpu['ours'] / cpu['stashapi']:.2f} | - |"
    )
    rows.append(
        f"| {name}: ratio ours/stdlib | {wall['ours'] / wall['stdlib']:.2f} | {cpu['ours'] / cpu['stdlib']:.2f} | - |"
    )
    if "baseline" in measured:
        rows.append(
            f"| {name}: ratio ours/baseline | {wall['ours'] / wall['baseline']:.2f} |"
            f" {cpu['ours'] / cpu['baseline']:.2f} | - |"
        )
    return rows


SCENARIOS = {
    "title rule on": {"hookTitles": True},
    "every rule off": {},
}


def hook_rows(rounds: int, baseline: Path | None = None) -> list[str]:
    """The comparison table (markdown rows) for every scenario."""
    rows = [
        f"| hook process ({rounds} interleaved rounds) | wall (median) | CPU (mean) | requests |",
        "|---|---|---|---|",
    ]
    for name, settings in SCENARIOS.items():
        rows += summary(name, compare(rounds, settings, baseline))
    return rows


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=20)
    parser.add_argument("--baseline", type=Path, help="another checkout of the plugin (e.g. a git archive)")
    args = parser.parse_args()
    if args.baseline is not None:  # both compiled to bytecode first: neither pays for compiling at every start
        for folder in (ROOT, args.baseline):
            compileall.compile_dir(folder / "gallery_ops", quiet=1)
            compileall.compile_file(folder / "gallery_tools.py", quiet=1)
            compileall.compile_file(folder / "gallery_tools_deps.py", quiet=1)
    print("\n".join(hook_rows(args.rounds, args.baseline)))


if __name__ == "__main__":
    main()
