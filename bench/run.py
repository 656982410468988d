"""Benchmarks: speed and memory on big libraries, measured against the simulator.

    .venv/bin/python bench/run.py            # writes bench/RESULTS.md
    .venv/bin/python bench/run.py --quick    # smaller libraries, for a smoke run
    .venv/bin/python bench/run.py --gallery-tasks        # only its section: duplicates, loose images
    .venv/bin/python bench/run.py --finish-link-scenes   # only its section: Finish with hookLinkScenes

Timings include the simulator (Python, SQLite, graphql-core) on the same machine, which is
most of the wall time; the plugin's own CPU time, its peak memory (bench/measure_plugin.py)
and the request counts are the numbers that describe the plugin. Nothing here is asserted:
tests count requests, benchmarks measure.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import platform
import resource
import shutil
import subprocess
import sys
import tempfile
import time
import tracemalloc
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT / "tests"), str(ROOT), str(Path(__file__).resolve().parent)]

from hook import hook_rows  # noqa: E402
from stash_sim import StashSimulator  # noqa: E402
from stash_sim.library import generate_library  # noqa: E402

from gallery_ops import GalleryOps  # noqa: E402
from gallery_ops.common.constants import NEW_GALLERY_TAG  # noqa: E402
from gallery_ops.common.limits import GALLERY_PAGE_SIZE, WORKFLOW_PAGE_SIZE  # noqa: E402

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
        entries[g] = {
            "folder": f"/library/moved/set{g:06d}",
            "images": [
                {"name": f"img{i:04d}.jpg", "md5": hashlib.md5(f"{source['zip']}/{name}".encode()).hexdigest()}
                for i, name in enumerate(source["images"])
            ],
        }
    return library


def library_with_loose_images(folders: int, images: int, galleries: int, gallery_images: int | None = None) -> dict:
    """`galleries` folder galleries with `gallery_images` images each (default `images`), and
    `folders` folders of `images` images that are in no gallery (galleries_from_folders)."""
    # one zip, the rest folders
    library = generate_library(galleries, gallery_images or images, zip_every=galleries + 1)
    library["images"] = [f"/library/loose/f{f:05d}/img{i:03d}.jpg" for f in range(folders) for i in range(images)]
    return library


def bench_seed(rows: list[str], galleries: int, images: int) -> None:
    sim, seconds = seed(galleries, images)
    rows.append(
        f"| seed the simulator | {galleries:,} galleries, {galleries * images:,} images | {seconds:.1f} s | - |"
    )
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
        rows.append(
            f"| iter_galleries (page {GALLERY_PAGE_SIZE}) | {count:,} galleries | {seconds:.1f} s"
            f" (client CPU {cpu:.1f} s) | {len(sim.requests)} requests, client peak {peak / 2**20:.1f} MiB |"
        )


def measuring_python(folder: Path) -> str:
    """An interpreter wrapper for the runner: the plugin runs as usual, and its peak memory is
    recorded by bench/measure_plugin.py (the benchmark's own memory is not counted)."""
    wrapper = folder / "python"
    wrapper.write_text(f'#!/bin/sh\nexec "{sys.executable}" "{Path(__file__).parent / "measure_plugin.py"}" "$@"\n')
    wrapper.chmod(0o755)
    return str(wrapper)


def load_average() -> float:
    """The machine's 1-minute load average (2 cores, shared): printed next to every figure."""
    return os.getloadavg()[0]


def plugin_copy(folder: Path, hooks: bool) -> Path:
    """The plugin as installed in Stash; without `hooks`, its manifest lists no hooks (to measure
    a task's own process apart from the Gallery.Create.Post processes Stash starts for it)."""
    if hooks:
        return ROOT
    target = folder / "plugin"
    target.mkdir()
    shutil.copy2(ROOT / "gallery_tools.py", target / "gallery_tools.py")
    shutil.copytree(ROOT / "gallery_ops", target / "gallery_ops", ignore=shutil.ignore_patterns("__pycache__"))
    manifest = (ROOT / "gallery_tools.yml").read_text(encoding="utf-8")
    start, end = manifest.index("\nhooks:\n"), manifest.index("\nsettings:\n")
    (target / "gallery_tools.yml").write_text(manifest[:start] + manifest[end:], encoding="utf-8")
    return target


def bench_task(
    rows: list[str],
    galleries: int,
    images: int,
    task: str,
    args: dict,
    library: dict | None = None,
    size: str | None = None,
    settings: dict | None = None,
    hooks: bool = True,
) -> tuple[float, float, int, int]:
    """One task run as Stash runs it; returns (wall seconds, plugin CPU seconds, requests, task peak KiB).

    CPU and peak memory are those of the plugin processes the run started: the task's, and
    the Gallery.Create.Post hook processes Stash starts for each gallery the task creates
    (counted apart in the row). `hooks=False` installs a copy whose manifest has no hook."""
    sim, _ = seed(galleries, images, library)
    with sim, tempfile.TemporaryDirectory() as scratch:
        sim.install_plugin(plugin_copy(Path(scratch), hooks))
        if settings:
            sim.set_plugin_settings("gallery_tools", settings)
        sim.python = measuring_python(Path(scratch))
        memory = Path(scratch) / "peaks"
        os.environ["GT_BENCH_MEMORY"] = str(memory)
        sim.requests.clear()
        load_before = load_average()
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        start = time.perf_counter()
        result = sim.run_task(task, args)
        seconds = time.perf_counter() - start
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu = (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)
        peaks = [int(line) for line in memory.read_text().split()]
        output = result.output if isinstance(result.output, dict) else {}
        summary = output.get("summary", result.error)
        hook_runs = sum(1 for r in sim.hooks.runs if r.trigger == "Gallery.Create.Post")
        size = size or f"{galleries:,} galleries, {galleries * images:,} images"
        requests = f"{len(sim.requests)} requests ({len(sim.requests.mutations())} writes)"
        if hook_runs:
            requests = (
                f"{len(sim.requests)} requests: {output.get('requests')} by the task process"
                f" ({len(sim.requests.mutations())} writes), the rest by {hook_runs:,} Gallery.Create.Post"
                f" hook processes (peak {max(peaks[:-1]) / 1024:.0f} MiB); plugin CPU: all of them"
            )
        shown = {**args, **({"settings": settings} if settings else {}), **({} if hooks else {"hooks": "none"})}
        rows.append(
            f"| task {task}{f' {shown}' if shown else ''} (page {WORKFLOW_PAGE_SIZE}) | {size} |"
            f" {seconds:.1f} s (plugin CPU {cpu:.1f} s; load {load_before:.1f}..{load_average():.1f}) |"
            f" {requests}, plugin peak memory {peaks[-1] / 1024:.0f} MiB; {summary} |"
        )
        print(rows[-1], flush=True)
        return seconds, cpu, len(sim.requests), peaks[-1]


def bench_floor(
    rows: list[str], what: str, size: str, library: dict, read: str, task: tuple[float, float, int, int]
) -> None:
    """The floor of a task: only the reads any plan needs (the same pages), no planning, no writes,
    in a process started as the plugin is (bench/floors.py); and the task's ratios to it."""
    sim, _ = seed(0, 0, library)
    with sim, tempfile.TemporaryDirectory() as scratch:
        memory = Path(scratch) / "peaks"
        os.environ["GT_BENCH_MEMORY"] = str(memory)
        load_before = load_average()
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        start = time.perf_counter()
        subprocess.run(
            [
                measuring_python(Path(scratch)),
                str(Path(__file__).parent / "floors.py"),
                read,
                json.dumps(sim.server_connection()),
            ],
            check=True,
            capture_output=True,
        )
        seconds = time.perf_counter() - start
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu = (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)
        peak = int(memory.read_text().split()[-1])
        requests = len(sim.requests)
    rows.append(
        f"| floor: {what} | {size} | {seconds:.1f} s (process CPU {cpu:.1f} s; load {load_before:.1f}.."
        f"{load_average():.1f}) | {requests} requests, peak memory {peak / 1024:.0f} MiB;"
        f" the task is {task[0] / seconds:.2f}x the floor's wall time, {task[1] / cpu:.2f}x its CPU,"
        f" {task[2] / requests:.2f}x its requests, {task[3] / peak:.2f}x its peak memory |"
    )
    print(rows[-1], flush=True)


def bench_hook(rows: list[str], runs: int) -> None:
    with StashSimulator() as sim:
        sim.install_plugin(ROOT)
        # the hook alone: Finish new galleries (which it would queue) is left to the button here
        sim.set_plugin_settings(
            "gallery_tools", {"hookTitles": True, "hookChapters": True, "hookCovers": True, "hookFinishByHand": True}
        )
        sim.requests.clear()
        start = time.perf_counter()
        for n in range(runs):
            sim.scan_zip(f"/library/bench/set{n:03d}.zip", ["a/1.jpg", "a/2.jpg", "b/1.jpg"])
        seconds = time.perf_counter() - start
        hook_runs = [r for r in sim.hooks.runs if r.trigger == "Gallery.Create.Post"]
        rows.append(
            f"| Gallery.Create.Post hook (scan of a 3-image zip) | {len(hook_runs)} runs |"
            f" {seconds / runs * 1000:.0f} ms per scanned gallery | {len(sim.requests) / runs:.1f} requests"
            " per run |"
        )


GALLERY_TASKS_HEADING = "## The tasks that read most: duplicates and loose images"
GALLERY_TASKS_NOTE = (
    "Duplicates: every 100th gallery is the set of a zip moved to a folder (the same image checksums), whose title"
    " and tag the merge copies. Loose images: half the images are in no gallery, in folders of 10. Its apply makes"
    " a gallery per folder, and Stash starts the Gallery.Create.Post hook for each gallery made (docs/stash.md §3):"
    " the full-size apply is measured with the plugin's hook left out of its manifest (`hooks: none`, the task's own"
    " process), and a small apply with the hook as shipped (default settings) shows what Stash adds per gallery"
    " made. Each task runs as Stash runs it; a floor is the same reads without planning or writes, in a process"
    " started as the plugin is (bench/floors.py), run right after the preview it is compared with;"
    ' "load" is the 1-minute load average before..after the run (2 cores shared with other sessions).'
    " Requests grow by the page of 250 galleries, the groups of at most 1,000 images (limits.IMAGES_IN_MEMORY)"
    " or 500 galleries of a read page and the 50"
    " writes of an aliased batch: no task sends one per gallery. What does come per gallery made is Stash's hook"
    " process (last row): one request (the settings, with no new-gallery rule on) and a Python start, so the"
    " full-size apply would add about 5,000 of each."
)


def bench_gallery_tasks(quick: bool) -> list[str]:
    """merge_duplicate_galleries and galleries_from_folders on 10k galleries / 100k images."""
    galleries = 2_000 if quick else 10_000
    rows = ["| benchmark | size | time | requests / memory |", "|---|---|---|---|"]
    duplicates = library_with_duplicates(galleries, 10)
    size = f"{galleries:,} galleries, {galleries * 10:,} images"
    preview = bench_task(rows, galleries, 10, "Merge duplicate galleries (preview)", {}, duplicates)
    bench_floor(
        rows,
        "read every gallery's zip checksum and its images' checksums, page by page",
        size,
        duplicates,
        "duplicate_keys",
        preview,
    )
    bench_task(rows, galleries, 10, "Merge duplicate galleries (apply)", {}, duplicates)
    # the same 10k galleries / 100k images: 10k galleries of 5 images, 5k folders of 10 loose images
    loose = library_with_loose_images(galleries // 2, 10, galleries, gallery_images=5)
    size = (
        f"{galleries:,} galleries, {galleries * 10:,} images ({galleries * 5:,} in no gallery,"
        f" {galleries // 2:,} folders)"
    )
    preview = bench_task(rows, galleries, 5, "Galleries for loose images (preview)", {}, loose, size)
    bench_floor(rows, "read the images in no gallery and every gallery's folder", size, loose, "loose_images", preview)
    bench_task(rows, galleries, 5, "Galleries for loose images", {}, loose, size, hooks=False)
    # what Stash adds: the plugin's Gallery.Create.Post hook for each gallery made, default settings
    small = 50 if quick else 200
    library, size = (
        library_with_loose_images(small, 10, small),
        f"{small} galleries, {small * 20:,} images ({small * 10:,} in no gallery, {small} folders)",
    )
    alone = bench_task(rows, small, 10, "Galleries for loose images", {}, library, size, hooks=False)
    hooked = bench_task(rows, small, 10, "Galleries for loose images", {}, library, size)
    wall, cpu, requests = ((h - a) / small for h, a in zip(hooked[:3], alone[:3], strict=True))
    rows.append(
        f"| Stash's Gallery.Create.Post hook per gallery made (the two rows above) | {small} galleries made |"
        f" {wall * 1000:.0f} ms (plugin CPU {cpu * 1000:.0f} ms) | {requests:.1f} requests |"
    )
    return rows


FINISH_HEADING = "## Finish new galleries with hookLinkScenes: every scene read"
FINISH_NOTE = (
    "Every gallery is marked new (the hook's tag) and has a scene whose video is named like its zip or folder, next"
    " to it; only hookLinkScenes is on (with linkScenesCopyMetadata in the last row). Finish reads every scene's"
    " files first (1,000 per request; the index keeps paths and ids only), then the marked galleries a page at a"
    ' time; it links each gallery and removes the mark. "load" as above. Per page of 250 galleries: one read, five'
    " aliased write requests for the links (each gallery gets its own scene, so 50 per request), one"
    " bulkGalleryUpdate removing the mark from all 250; with linkScenesCopyMetadata eleven more: one"
    " findScenes(ids) reading the metadata of only the scenes the page's galleries match (so memory holds a page"
    " of scenes' metadata, not the library's), and for the copied fields five aliased galleryUpdate batches, each"
    " after a read of what they assume (changes.Expect). No request per gallery."
)


def library_marked_new(galleries: int, images: int) -> dict:
    """generate_library, every gallery marked new and given a scene: a video named like its zip or
    folder, next to it (link_scenes' first two rules)."""
    library = generate_library(galleries, images)
    library["tags"] = [*library["tags"], NEW_GALLERY_TAG]
    library["scenes"] = []
    for g, entry in enumerate(library["galleries"]):
        entry["tags"] = [NEW_GALLERY_TAG]
        place = entry["zip"].removesuffix(".zip") if "zip" in entry else entry["folder"]
        library["scenes"].append({"title": f"Scene {g}", "path": f"{place}.mp4"})
    return library


def bench_finish_link_scenes(quick: bool) -> list[str]:
    """Finish new galleries with hookLinkScenes on 10k marked galleries and 10k scenes."""
    galleries = 2_000 if quick else 10_000
    rows = ["| benchmark | size | time | requests / memory |", "|---|---|---|---|"]
    library = library_marked_new(galleries, 3)
    size = f"{galleries:,} galleries marked new, {galleries * 3:,} images, {galleries:,} scenes"
    link = {"hookLinkScenes": True}
    preview = bench_task(rows, galleries, 3, "Finish new galleries", {"dry_run": "true"}, library, size, link)
    bench_floor(
        rows,
        "read every scene's files and the marked galleries, page by page",
        size,
        library,
        "scenes_and_marked",
        preview,
    )
    bench_task(rows, galleries, 3, "Finish new galleries", {}, library, size, link)
    bench_task(rows, galleries, 3, "Finish new galleries", {}, library, size, {**link, "linkScenesCopyMetadata": True})
    return rows


def write_section(heading: str, note: str, rows: list[str], command: str) -> None:
    """Replace (or add) one section of RESULTS.md, keeping the others."""
    text = RESULTS.read_text(encoding="utf-8") if RESULTS.exists() else "# Benchmark results\n"
    start = text.find(heading)
    if start >= 0:
        end = text.find("\n## ", start + len(heading))
        text = text[:start].rstrip("\n") + ("\n" + text[end:] if end >= 0 else "")
    stamp = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    section = [heading, "", f"Written by `{command}` on {stamp}. {note}", "", *rows, ""]
    RESULTS.write_text(text.rstrip("\n") + "\n\n" + "\n".join(section), encoding="utf-8")
    print("\n".join(section))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--gallery-tasks", action="store_true", help="only the duplicates / loose images section")
    parser.add_argument(
        "--finish-link-scenes", action="store_true", help="only the section of Finish new galleries with hookLinkScenes"
    )
    options = parser.parse_args()
    quick = options.quick
    if options.gallery_tasks or options.finish_link_scenes:
        suffix = " --quick" if quick else ""
        if options.gallery_tasks:
            write_section(
                GALLERY_TASKS_HEADING,
                GALLERY_TASKS_NOTE,
                bench_gallery_tasks(quick),
                f"bench/run.py --gallery-tasks{suffix}",
            )
        if options.finish_link_scenes:
            write_section(
                FINISH_HEADING,
                FINISH_NOTE,
                bench_finish_link_scenes(quick),
                f"bench/run.py --finish-link-scenes{suffix}",
            )
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
    text = "\n".join(
        [
            "# Benchmark results",
            "",
            f"Written by `bench/run.py{' --quick' if quick else ''}` on {stamp}, {python},"
            f" {platform.machine()}, {platform.processor() or 'cpu'}; simulator and plugin on the same machine.",
            "",
            *rows,
            "",
            "## The new-gallery hook, side by side (bench/hook.py)",
            "",
            "Our hook process, a typical stashapi hook process (StashInterface, find_gallery, update_gallery),"
            " a standard-library urllib process sending exactly our hook's requests (started with and without"
            " -S) and Python's start alone (floor), each started as Stash starts a hook, interleaved round by"
            " round on one simulator (bench/hook.py's docstring). Goals: ours/stashapi <= 0.2,"
            " ours/stdlib <= 0.5.",
            "",
            *hook_table,
            "",
        ]
    )
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
