"""Benchmarks: speed and memory on big libraries, measured against the simulator.

    .venv/bin/python bench/run.py            # writes bench/RESULTS.md
    .venv/bin/python bench/run.py --quick    # smaller libraries, for a smoke run

Timings include the simulator (Python, SQLite, graphql-core) on the same machine, which is
most of the wall time; the plugin's own CPU time, its peak memory (bench/measure_plugin.py)
and the request counts are the numbers that describe the plugin. Nothing here is asserted:
tests count requests, benchmarks measure.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import platform
import resource
import subprocess
import sys
import tempfile
import time
import tracemalloc
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT / "tests"), str(ROOT), str(Path(__file__).resolve().parent)]

from hook import hook_rows  # noqa: E402
from stash_sim import StashSimulator  # noqa: E402
from stash_sim.library import generate_library  # noqa: E402

from gallery_ops import GalleryOps, fields  # noqa: E402
from gallery_ops.batch import chunks  # noqa: E402
from gallery_ops.limits import GALLERY_PAGE_SIZE, WORKFLOW_PAGE_SIZE  # noqa: E402

RESULTS = Path(__file__).parent / "RESULTS.md"


def seed(galleries: int, images: int, library: dict | None = None) -> tuple[StashSimulator, float]:
    start = time.perf_counter()
    sim = StashSimulator(library=library or generate_library(galleries, images))
    return sim, time.perf_counter() - start


def library_with_duplicates(galleries: int, images: int, every: int = 100) -> dict:
    """generate_library, where every `every`-th gallery is the previous zip's set moved to a folder
    (the same image checksums): galleries / every groups of two for merge_duplicate_galleries."""
    library = generate_library(galleries, images)
    entries = library["galleries"]
    for g in range(every - 1, galleries, every):
        source = entries[g - 1] if "zip" in entries[g - 1] else entries[g - 2]
        source.update({"title": f"Set {g}", "tags": ["Generated"]})  # what the merge copies to the moved set
        entries[g] = {"folder": f"/library/moved/set{g:06d}", "images": [
            {"name": f"img{i:04d}.jpg", "md5": hashlib.md5(f"{source['zip']}/{name}".encode()).hexdigest()}
            for i, name in enumerate(source["images"])]}
    return library


def library_with_loose_images(folders: int, images: int, galleries: int) -> dict:
    """`galleries` folder galleries with `images` images each, and `folders` folders of `images`
    images that are in no gallery (galleries_from_folders)."""
    library = generate_library(galleries, images, zip_every=galleries + 1)  # one zip, the rest folders
    library["images"] = [f"/library/loose/f{f:05d}/img{i:03d}.jpg" for f in range(folders) for i in range(images)]
    return library


def bench_seed(rows: list[str], galleries: int, images: int) -> None:
    sim, seconds = seed(galleries, images)
    rows.append(f"| seed the simulator | {galleries:,} galleries, {galleries * images:,} images |"
                f" {seconds:.1f} s | - |")
    sim.stop()


def bench_iter(rows: list[str], galleries: int) -> None:
    sim, _ = seed(galleries, 1)
    with sim:
        ops = GalleryOps.from_server_connection(sim.server_connection())
        tracemalloc.start()
        start, cpu = time.perf_counter(), time.thread_time()  # the server answers in other threads
        count = sum(1 for _ in ops.iter_galleries())
        seconds, cpu = time.perf_counter() - start, time.thread_time() - cpu
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        rows.append(f"| iter_galleries (page {GALLERY_PAGE_SIZE}) | {count:,} galleries | {seconds:.1f} s"
                    f" (client CPU {cpu:.1f} s) | {len(sim.requests)} requests, client peak {peak / 2**20:.1f} MiB |")


def measuring_python(folder: Path) -> str:
    """An interpreter wrapper for the runner: the plugin runs as usual, and its peak memory is
    recorded by bench/measure_plugin.py (the benchmark's own memory is not counted)."""
    wrapper = folder / "python"
    wrapper.write_text(f'#!/bin/sh\nexec "{sys.executable}" "{Path(__file__).parent / "measure_plugin.py"}" "$@"\n')
    wrapper.chmod(0o755)
    return str(wrapper)


def bench_task(rows: list[str], galleries: int, images: int, task: str, args: dict,
               library: dict | None = None, size: str | None = None) -> tuple[float, float, int]:
    """One task run as Stash runs it; returns (wall seconds, plugin CPU seconds, requests)."""
    sim, _ = seed(galleries, images, library)
    with sim, tempfile.TemporaryDirectory() as scratch:
        sim.install_plugin(ROOT)
        sim.python = measuring_python(Path(scratch))
        memory = Path(scratch) / "peaks"
        os.environ["GT_BENCH_MEMORY"] = str(memory)
        sim.requests.clear()
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        start = time.perf_counter()
        result = sim.run_task(task, args)
        seconds = time.perf_counter() - start
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu = (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)
        peak_kib = max(int(line) for line in memory.read_text().split())
        summary = result.output["summary"] if isinstance(result.output, dict) else result.error
        size = size or f"{galleries:,} galleries, {galleries * images:,} images"
        rows.append(f"| task {task} {args or ''} (page {WORKFLOW_PAGE_SIZE}) | {size} | {seconds:.1f} s"
                    f" (plugin CPU {cpu:.1f} s) |"
                    f" {len(sim.requests)} requests ({len(sim.requests.mutations())} writes),"
                    f" plugin peak memory {peak_kib / 1024:.0f} MiB; {summary} |")
        return seconds, cpu, len(sim.requests)


def bench_floor(rows: list[str], what: str, size: str, library: dict, read: Any,
                task: tuple[float, float, int]) -> None:
    """The floor of a task: only the reads any plan needs (the same pages), in-process, no planning,
    no writes, no process start; and the task's ratios to it (wall, CPU, requests)."""
    sim, _ = seed(0, 0, library)
    with sim:
        ops = GalleryOps.from_server_connection(sim.server_connection())
        start, cpu = time.perf_counter(), time.thread_time()
        read(ops)
        seconds, cpu = time.perf_counter() - start, time.thread_time() - cpu
        requests = len(sim.requests)
    rows.append(f"| floor: {what} | {size} | {seconds:.1f} s (client CPU {cpu:.1f} s) | {requests} requests;"
                f" the task is {task[0] / seconds:.2f}x the floor's wall time, {task[1] / cpu:.2f}x its CPU"
                f" (plugin process, start included), {task[2] / requests:.2f}x its requests |")


def read_duplicate_keys(ops: GalleryOps) -> None:
    for page in chunks(ops.iter_galleries(None, WORKFLOW_PAGE_SIZE, "id " + fields.GALLERY_DUPLICATE_KEY),
                       WORKFLOW_PAGE_SIZE):
        ops.images_of_galleries([g.id for g in page if g.id], fields.IMAGE_CHECKSUM)


def read_loose_images(ops: GalleryOps) -> None:
    sum(1 for _ in ops.iter_images({"galleries": {"value": [], "modifier": "IS_NULL"}}, fields.IMAGE_PATH))
    sum(1 for _ in ops.iter_galleries(None, selection="id " + fields.GALLERY_FOLDER_CHECK))


def bench_hook(rows: list[str], runs: int) -> None:
    with StashSimulator() as sim:
        sim.install_plugin(ROOT)
        # the hook alone: Finish new galleries (which it would queue) is left to the button here
        sim.set_plugin_settings("gallery_tools", {"hookTitles": True, "hookChapters": True, "hookCovers": True,
                                                  "hookFinishByHand": True})
        sim.requests.clear()
        start = time.perf_counter()
        for n in range(runs):
            sim.scan_zip(f"/library/bench/set{n:03d}.zip", ["a/1.jpg", "a/2.jpg", "b/1.jpg"])
        seconds = time.perf_counter() - start
        hook_runs = [r for r in sim.hooks.runs if r.trigger == "Gallery.Create.Post"]
        rows.append(f"| Gallery.Create.Post hook (scan of a 3-image zip) | {len(hook_runs)} runs |"
                    f" {seconds / runs * 1000:.0f} ms per scanned gallery | {len(sim.requests) / runs:.1f} requests"
                    " per run |")


GALLERY_TASKS_HEADING = "## The tasks that read most: duplicates and loose images"


def bench_gallery_tasks(quick: bool) -> list[str]:
    """merge_duplicate_galleries and galleries_from_folders on 10k galleries / 100k images."""
    galleries = 2_000 if quick else 10_000
    rows = ["| benchmark | size | time | requests / memory |", "|---|---|---|---|"]
    duplicates = library_with_duplicates(galleries, 10)
    size = f"{galleries:,} galleries, {galleries * 10:,} images"
    preview = bench_task(rows, galleries, 10, "Merge duplicate galleries (preview)", {}, duplicates)
    bench_floor(rows, "read every gallery's zip checksum and its images' checksums, page by page", size,
                duplicates, read_duplicate_keys, preview)
    bench_task(rows, galleries, 10, "Merge duplicate galleries (apply)", {}, duplicates)
    # loose images: half the images in no gallery, in folders of 10 (the apply is not benchmarked:
    # each gallery it makes fires Stash's Gallery.Create.Post hook, a process per gallery)
    loose = library_with_loose_images(galleries // 2, 10, galleries // 2)
    size = (f"{galleries // 2:,} galleries, {galleries * 10:,} images ({galleries * 5:,} in no gallery,"
            f" {galleries // 2:,} folders)")
    preview = bench_task(rows, galleries // 2, 10, "Galleries for loose images (preview)", {}, loose, size)
    bench_floor(rows, "read the images in no gallery and every gallery's folder", size, loose, read_loose_images,
                preview)
    return rows


def write_section(heading: str, rows: list[str], quick: bool) -> None:
    """Replace (or add) one section of RESULTS.md, keeping the others."""
    text = RESULTS.read_text(encoding="utf-8") if RESULTS.exists() else "# Benchmark results\n"
    start = text.find(heading)
    if start >= 0:
        end = text.find("\n## ", start + len(heading))
        text = text[:start].rstrip("\n") + ("\n" + text[end:] if end >= 0 else "")
    stamp = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    section = [heading, "", f"Written by `bench/run.py --gallery-tasks{' --quick' if quick else ''}` on {stamp}"
               f"; duplicates: every 100th gallery is the set of a zip moved to a folder (the same image checksums),"
               " whose title and tag the merge copies.", "", *rows, ""]
    RESULTS.write_text(text.rstrip("\n") + "\n\n" + "\n".join(section), encoding="utf-8")
    print("\n".join(section))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--gallery-tasks", action="store_true", help="only the duplicates / loose images section")
    options = parser.parse_args()
    quick = options.quick
    if options.gallery_tasks:
        write_section(GALLERY_TASKS_HEADING, bench_gallery_tasks(quick), quick)
        return
    big = 10_000 if quick else 100_000
    mid = 2_000 if quick else 10_000
    rows = ["| benchmark | size | time | requests / memory |", "|---|---|---|---|"]
    bench_seed(rows, mid, 10)
    bench_iter(rows, big)
    bench_task(rows, mid, 3, "Chapters from folders", {"dry_run": "true"})
    bench_task(rows, mid, 3, "Chapters from folders", {})
    bench_task(rows, mid, 3, "Sync images from gallery", {"dry_run": "true"})
    bench_hook(rows, 5 if quick else 20)
    hook_table = hook_rows(8 if quick else 30)
    python = subprocess.run([sys.executable, "--version"], capture_output=True, text=True).stdout.strip()
    stamp = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    text = "\n".join([
        "# Benchmark results", "",
        f"Written by `bench/run.py{' --quick' if quick else ''}` on {stamp}, {python},"
        f" {platform.machine()}, {platform.processor() or 'cpu'}; simulator and plugin on the same machine.", "",
        *rows, "",
        "## The new-gallery hook, side by side (bench/hook.py)", "",
        "Our hook process, a typical stashapi hook process (StashInterface, find_gallery, update_gallery)"
        " and a standard-library urllib process sending exactly our hook's requests, each started as Stash"
        " starts a hook, interleaved round by round on one simulator. Goals (issue 11): ours/stashapi <= 0.3,"
        " ours/stdlib <= 1.0 (wall time).", "",
        *hook_table, "",
    ])
    RESULTS.write_text(text + kept_sections(text), encoding="utf-8")
    print(text)


def kept_sections(written: str) -> str:
    """The sections of the old RESULTS.md that this script does not write (other benchmarks'
    results, e.g. bench/plugin_cpu.py's and the test suite's), kept as they were."""
    if not RESULTS.exists():
        return ""
    ours = {line for line in written.splitlines() if line.startswith("## ")}
    old = RESULTS.read_text(encoding="utf-8").split("\n## ")[1:]
    return "".join(f"\n## {section.rstrip()}\n" for section in old if f"## {section.splitlines()[0]}" not in ours)


if __name__ == "__main__":
    main()
