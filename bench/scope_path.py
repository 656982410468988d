"""The `path` scope on Stash v0.31: a regex over every gallery's path, or the parent_folder criterion.

    .venv/bin/python bench/scope_path.py [--quick]

A run's `path` argument is a MATCHES_REGEX criterion on the galleries' paths (every release
has it); on v0.31 a path that ends in a separator is sent as `parent_folder` (the folder's
id, all depths) instead, after one findFolder request (engine.by_folder). Stash answers a
regex criterion by running Go's regexp on the path of every gallery the query reaches, and
parent_folder from the folders' parent index. This measures, on the simulator (SQLite with
Stash's own regexp semantics), a task's reads of the scope: the count and every page of
galleries (engine.galleries_in_scope), for a folder holding a tenth of a library, interleaved,
side by side and as a ratio. The simulator's SQL is not Stash's, so the ratio says which way,
not how far. The section "Scope by path" of bench/RESULTS.md is replaced with the table.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from dataclasses import replace
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

from results_file import replace_section  # noqa: E402
from stash_sim import StashSimulator  # noqa: E402

from gallery_ops import GalleryOps  # noqa: E402
from gallery_ops.tasks.engine import galleries_in_scope, read_scope  # noqa: E402
from gallery_ops.tasks.report import Report  # noqa: E402

MARK = "## Scope by path"
FOLDERS = 10


def library(galleries: int) -> dict[str, Any]:
    """Zip galleries of one image each, spread over FOLDERS folders (two levels deep)."""
    return {
        "galleries": [
            {"zip": f"/lib/f{g % FOLDERS:02d}/sub{g % 3}/set{g:06d}.zip", "images": ["a.jpg"]} for g in range(galleries)
        ]
    }


def read_scope_once(ops: GalleryOps, use_folder: bool) -> tuple[float, int, int]:
    """(seconds, galleries, requests) for the count and every page of the scope /lib/f03/."""
    scope = read_scope({"path": "/lib/f03/"})
    if not use_folder:  # the regex, as on v0.30: galleries_in_scope does not look for the folder
        scope = replace(scope, path=None)
    before = ops.requests_sent
    started = time.perf_counter()
    total, stream = galleries_in_scope(ops, scope, "id", 100, Report("bench", True))
    found = sum(1 for _ in stream)
    assert found == total
    return time.perf_counter() - started, found, ops.requests_sent - before


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true", help="small sizes, one round")
    quick = parser.parse_args().quick
    sizes = [2_000] if quick else [2_000, 10_000, 40_000]
    rounds = 1 if quick else 5
    rows = []
    for size in sizes:
        with StashSimulator(library=library(size), release="v0.31.1") as sim:
            ops = GalleryOps.from_server_connection(sim.server_connection())
            ops.features()
            times: dict[bool, list[float]] = {False: [], True: []}
            counts: dict[bool, tuple[int, int]] = {}
            for _ in range(rounds):  # interleaved: the regex, then the folder, each round
                for use_folder in (False, True):
                    seconds, found, requests = read_scope_once(ops, use_folder)
                    times[use_folder].append(seconds)
                    counts[use_folder] = (found, requests)
            regex, folder = statistics.median(times[False]), statistics.median(times[True])
            assert counts[False][0] == counts[True][0]
            rows.append(
                f"| {size:,} | {counts[True][0]:,} | {regex * 1000:,.0f} ms ({counts[False][1]} requests) |"
                f" {folder * 1000:,.0f} ms ({counts[True][1]} requests) | {folder / regex:.2f} |"
            )
            print(rows[-1], flush=True)
    table = "\n".join(
        [
            MARK,
            "",
            "`bench/scope_path.py`: a task's reads of the scope `path=/lib/f03/` (a tenth of the library) on",
            "the simulator serving v0.31.1, median of interleaved rounds: the regex over every gallery's path",
            "(every release) against `parent_folder` (v0.31, one findFolder request more). The simulator's",
            "SQL is not Stash's: the ratio says which way, not how far.",
            "",
            "| galleries | in scope | path regex | parent_folder | ratio |",
            "|---|---|---|---|---|",
            *rows,
            "",
        ]
    )
    replace_section(MARK, table)


if __name__ == "__main__":
    main()
