"""The plugin's own CPU per task on a big library: this checkout side by side with another one.

    .venv/bin/python bench/plugin_cpu.py --baseline /path/to/other/checkout [--galleries 10000] [--rounds 3]

Both plugins are installed in the same simulators and run the same preview tasks,
interleaved (A B, B A, ...), so a busy machine slows both alike: on a library of
--galleries galleries, and on one of a single gallery (start-up, the settings and the
first page: what a run costs whatever the library). The figure is the plugin process's
CPU time (user + system, from the children's rusage), not the wall time, which is
mostly the simulator's. Previews change nothing, so every run sees the same library; the
two versions must report the same counts (the numbers of the summary up to its
"; N changes", which the older code does not say). Both versions are compiled
to bytecode first, so neither pays for compiling at every start (PYTHONDONTWRITEBYTECODE
may be set). Printed as Markdown tables: the medians on the big library, on the single
gallery, and their difference, the CPU per --galleries galleries read, each with the
ratio (this / baseline).
"""

from __future__ import annotations

import argparse
import compileall
import re
import resource
import statistics
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT / "tests"), str(ROOT)]

from stash_sim import StashSimulator  # noqa: E402
from stash_sim.library import generate_library  # noqa: E402
from stash_sim.runner import PluginRunner, load_manifest  # noqa: E402

TASKS: tuple[tuple[str, dict[str, Any]], ...] = (
    ("Chapters from folders", {"dry_run": "true"}),
    ("Sync images from gallery", {"dry_run": "true"}),
    ("Set covers", {"dry_run": "true"}),
)


def run_once(sim: StashSimulator, runner: PluginRunner, task: str, args: dict[str, Any]) -> tuple[float, float, str]:
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    result = runner.run_task(task, args, sim.server_connection())
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)
    if result.error is not None:
        raise SystemExit(f"{task} failed in {runner.plugin.dir}: {result.error}")
    counts = result.output["summary"].split("; ")[0]  # older code said "1 galleries"
    return cpu, wall, re.sub(r"^1 galleries ", "1 gallery ", counts)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--baseline", required=True, help="another checkout of the plugin (e.g. a git archive)")
    parser.add_argument("--galleries", type=int, default=10_000)
    parser.add_argument("--images", type=int, default=3, help="images per gallery")
    parser.add_argument("--rounds", type=int, default=3)
    options = parser.parse_args()
    versions = {"baseline": Path(options.baseline).resolve(), "this": ROOT}
    for folder in versions.values():
        compileall.compile_dir(folder, maxlevels=0, quiet=1)  # the modules beside the entry
        compileall.compile_dir(folder / "gallery_ops", quiet=1)
    sizes = {"big": options.galleries, "one": 1}
    sims = {size: StashSimulator(library=generate_library(count, options.images)) for size, count in sizes.items()}
    cpu: dict[tuple[str, str, str], list[float]] = {}
    summaries: dict[tuple[str, str], set[str]] = {}
    with sims["big"], sims["one"]:
        runners = {
            (size, name): PluginRunner(load_manifest(folder / "gallery_tools.yml"), sims[size].python)
            for size in sizes
            for name, folder in versions.items()
        }
        for round_ in range(options.rounds):
            for task, args in TASKS:
                order = list(versions) if round_ % 2 == 0 else list(reversed(versions))
                for name in order:
                    for size in sizes:
                        seconds, wall, summary = run_once(sims[size], runners[(size, name)], task, args)
                        cpu.setdefault((size, task, name), []).append(seconds)
                        summaries.setdefault((size, task), set()).add(summary)
                        print(
                            f"round {round_ + 1} {task} {name} ({sizes[size]:,}): CPU {seconds:.2f} s,"
                            f" wall {wall:.1f} s; {summary}",
                            file=sys.stderr,
                        )
    for (size, task), seen in summaries.items():
        if len(seen) != 1:
            raise SystemExit(f"{task} ({sizes[size]} galleries): the two versions report different results: {seen}")
    median = {key: statistics.median(values) for key, values in cpu.items()}
    for size, count in sizes.items():
        print(
            f"| task (preview) | {count:,} {'gallery' if count == 1 else 'galleries'},"
            f" {count * options.images:,} images | baseline plugin CPU | this plugin CPU | this / baseline |"
        )
        print("|---|---|---|---|---|")
        for task, _ in TASKS:
            base, this = median[(size, task, "baseline")], median[(size, task, "this")]
            print(
                f"| {task} | {next(iter(summaries[(size, task)]))} | {base:.2f} s | {this:.2f} s | {this / base:.2f} |"
            )
        print()
    print(f"Per {options.galleries:,} galleries read (the first table less the second):")
    print()
    print("| task (preview) | baseline | this | this / baseline |")
    print("|---|---|---|---|")
    for task, _ in TASKS:
        base = median[("big", task, "baseline")] - median[("one", task, "baseline")]
        this = median[("big", task, "this")] - median[("one", task, "this")]
        print(f"| {task} | {base:.2f} s | {this:.2f} s | {this / base:.2f} |")


if __name__ == "__main__":
    main()
