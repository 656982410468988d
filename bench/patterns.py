"""User patterns: what each way of bounding a search costs, side by side with plain `re`.

    .venv/bin/python bench/patterns.py [--rounds N] [--names N] [--gallery N]

In one process, interleaved round by round (the order rotates each round), the same work is done
by each engine of gallery_ops/common/patterns.py and by an unbounded `re.search` (the floor):
- titles: one search per name, as the Title from path task and the hook search a gallery's name;
- covers: first_found over a gallery's image names, no name found (the cover rule's worst case).
The worker is the fallback of Windows without `regex` (or outside the main thread); here it is
forced with engine="worker". Printed: wall time per 100,000 titles and per 100,000 galleries of
--gallery images, with the worker process's own CPU time shown apart (from /proc, Linux), the
ratio to the floor, and the worker's start-up (the first search of a run, and after a kill).
Nothing is asserted here: tests check behaviour, benchmarks measure.
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from gallery_ops.common import patterns  # noqa: E402

TITLE = r"^(?P<title>.+?)(?: \[(?P<date>\d{4}-\d{2}-\d{2})\])?$"
COVER = r"^(cover|poster|folder|front)\b"


def worker_cpu() -> float:
    """CPU seconds (user + system) of the running worker, from /proc (0 when none runs)."""
    if not patterns._WORKER:
        return 0.0
    with open(f"/proc/{patterns._WORKER[0].process.pid}/stat", encoding="ascii") as stat:
        fields = stat.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def timed(work: Callable[[], object]) -> tuple[float, float]:
    cpu, started = worker_cpu(), time.perf_counter()
    work()
    return time.perf_counter() - started, worker_cpu() - cpu


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--names", type=int, default=20000, help="title searches per round")
    parser.add_argument("--gallery", type=int, default=100, help="image names per gallery for the cover rule")
    options = parser.parse_args()
    names = [f"Trip number {i} [2022-08-{1 + i % 28:02}]" for i in range(options.names)]
    galleries = max(1, options.names // options.gallery)
    images = [[f"img_{g}_{i:04}.jpg" for i in range(options.gallery)] for g in range(galleries)]
    engines = ["re (floor)", "alarm", "worker"] + (["regex"] if patterns.regex_package() is not None else [])
    compiled = {
        engine: (
            patterns.compile_pattern(TITLE, "title pattern", engine=_engine(engine)),
            patterns.compile_pattern(COVER, "cover rule pattern", ignore_case=True, engine=_engine(engine)),
        )
        for engine in engines
    }
    floor_title, floor_cover = re.compile(TITLE), re.compile(COVER, re.IGNORECASE)
    starts: list[float] = []
    for _ in range(3):
        patterns.stop_worker()
        started = time.perf_counter()
        compiled["worker"][0].search("x")
        starts.append(time.perf_counter() - started)
    results: dict[str, dict[str, list[tuple[float, float]]]] = {e: {"titles": [], "covers": []} for e in engines}
    for round_ in range(options.rounds):
        order = engines[round_ % len(engines) :] + engines[: round_ % len(engines)]
        for engine in order:
            title, cover = compiled[engine]
            if engine == "re (floor)":

                def titles() -> object:
                    return [floor_title.search(name) for name in names]

                def covers() -> object:
                    return [next((i for i, n in enumerate(g) if floor_cover.search(n)), None) for g in images]
            else:

                def titles(title: patterns.UserPattern = title) -> object:
                    return [title.search(name) for name in names]

                def covers(cover: patterns.UserPattern = cover) -> object:
                    return [cover.first_found(g) for g in images]

            results[engine]["titles"].append(timed(titles))
            results[engine]["covers"].append(timed(covers))
    per_title = 100_000 / len(names)
    per_gallery = 100_000 / galleries
    print(
        f"{options.rounds} rounds, {len(names)} title searches and {galleries} galleries x {options.gallery} "
        f"image names per round; medians; Python {sys.version.split()[0]}"
    )
    print(
        "| engine | 100k titles: wall (worker CPU) | / floor | 100k galleries' cover rule: wall (worker CPU)"
        " | / floor |"
    )
    print("|---|---|---|---|---|")
    floor = {kind: statistics.median(w for w, _ in results["re (floor)"][kind]) for kind in ("titles", "covers")}
    for engine in engines:
        cells = []
        for kind, scale in (("titles", per_title), ("covers", per_gallery)):
            wall = statistics.median(w for w, _ in results[engine][kind])
            cpu = statistics.median(c for _, c in results[engine][kind])
            extra = f" ({cpu * scale:.2f} s)" if engine == "worker" else ""
            cells += [f"{wall * scale:.2f} s{extra}", f"{wall / floor[kind]:.1f}"]
        print(f"| {engine} | " + " | ".join(cells) + " |")
    print(f"worker start-up (first search of a run, or after a kill): median {statistics.median(starts) * 1000:.0f} ms")
    patterns.stop_worker()
    return 0


def _engine(name: str) -> str:
    return {"re (floor)": "re", "alarm": "re"}.get(name, name)


if __name__ == "__main__":
    sys.exit(main())
