"""Bulk tasks, side by side: our task run against a per-gallery stashapi script doing the same work.

    .venv/bin/python bench/bulk_tasks.py [--rounds 3] [--galleries 2000] [--images 5] [--quick] [--no-sweep]
                                         [--task "Set covers"] [--baseline <checkout>]

Both are plugins of the simulator, started as Stash starts a task (the runner: the same Python,
each manifest's `exec`, the Tasks button's defaultArgs), on a fresh simulator each run seeded
with the same library (bench/big_gallery.py's `library`: zip galleries in 10 inner folders, each
with the tag "Set"), so each run does all the work:

- ours: gallery_tools.py's task, applied (Set covers with the rule `position:2`, Sync images from
  gallery, Chapters from folders);
- stashapi: a typical per-gallery script (STASHAPI_SCRIPT): StashInterface from the plugin's
  server connection, find_galleries page by page, per gallery its images (find_images, sorted as
  Stash's gallery order), then per gallery the writes (setGalleryCover, bulkImageUpdate,
  galleryChapterCreate), with stashapi's default fragments (every field), as most peers call it;
- stashapi lean: the same script asking only for the fields it needs (a careful peer);
- floor: a process that reads its input and answers, sending nothing (Python's start: no task
  can take less).

Each round runs the four in a rotating order (interleaved), per task (--task: that one only; the
section of RESULTS.md is then left alone and the tables printed). Measured per process: its
own CPU (user + system) and peak memory (VmHWM), both by bench/measure_plugin.py inside the
process; the wall time; the requests Stash saw. After each run of ours and of the script the
library's end state (each gallery's cover and chapters, each image's tags, performers, studio,
date, photographer) is read in-process and must be the same for both, and differ from the
library before the run: else the ratio means nothing.

With --baseline (another checkout of the plugin, e.g. a git archive of main), that checkout's task
runs in every round too, interleaved with the others, and its ratios are shown beside ours.

Then (unless --no-sweep) our peak memory as the library grows, for each task, in the number of
galleries (500 / 2,000 / 8,000 x the same images each) and in one gallery's size (1 x 1,000 /
5,000 / 20,000), each next to the peak at the smallest size and the floor. The section
"Bulk tasks against per-gallery stashapi scripts" of bench/RESULTS.md is replaced with the tables.
Nothing is asserted on time: the checks are on what the runs did.
"""

from __future__ import annotations

import argparse
import compileall
import os
import platform
import shlex
import statistics
import sys
import tempfile
import textwrap
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "tests"), str(ROOT / "bench")]

from big_gallery import library  # noqa: E402
from measure_plugin import wrapper  # noqa: E402
from results_file import replace_section  # noqa: E402
from stash_sim import StashSimulator  # noqa: E402

MARK = "## Bulk tasks against per-gallery stashapi scripts"
PEER_ID = "bench_stashapi"
WHO = ("ours", "stashapi", "stashapi lean", "floor")
FLOOR_ID = "bench_floor"

# (task button, its args besides the defaultArgs, the script's job)
TASKS: tuple[tuple[str, dict[str, str], str], ...] = (
    ("Set covers", {"rule": "position:2", "dry_run": "false"}, "covers"),
    ("Sync images from gallery", {"dry_run": "false"}, "sync"),
    ("Chapters from folders", {"dry_run": "false"}, "chapters"),
)

# What the tables mean (measured with cProfile and per-function CPU accounting of runs of the task
# process, and with the sweep's small runs).
NOTE = (
    "Where our CPU goes: the start (Python, the package's imports, the settings request, the first page:"
    " the column 'on 1 gallery', the same run on a library of one gallery) is paid whatever the library,"
    " about a third of Set covers' run here; the last column takes each process's start out. The rest is"
    " spread thin: decoding the answers (json) and checking them into the models (a page's images, for"
    " Sync with their galleries' metadata on every image), the plans, building the writes and sending them"
    " (Chapters: 200 write requests, each after a re-read of the chapters it relies on). The re-read right"
    " before each batch of writes selects only the fields its changes rely on (Set covers: the covers)."
    " The scripts' CPU is stashapi's and requests' cost per request: they send a request per gallery and"
    " per write where ours reads a page of galleries and its images in a few requests and aliases its"
    " writes. Peak memory in the number of galleries: a step from 500 to 2,000 galleries (the run's names"
    " book keeps the names of the last four pages' galleries, for the log lines), then flat. In a"
    " gallery's size: a gallery bigger than IMAGES_IN_MEMORY is read a page at a time, each page folded"
    " and let go (with CPython's free lists, which would keep its memory) before the next is read; what"
    " Sync still holds in proportion to a gallery's size is its write: the image ids as 8-byte integers"
    " (fold and plan), each bulkImageUpdate input as the JSON text of its request (its ids strings only"
    " while it is checked, 500 at a time), the request, sent aliased per 50 inputs (25,000 images) as"
    " before, and Stash's answer (every image written), read without keeping it."
)

STASHAPI_SCRIPT = '''\
"""A typical per-gallery stashapi task: the galleries page by page, per gallery its images, then
its writes. job: covers (the 2nd image as cover), sync (the gallery's tags, performers, studio,
date and photographer onto its images, add-only), chapters (a chapter at each inner folder's first
image, unless one has that title or starts there)."""
import json
import os
import sys

from stashapi.stashapp import StashInterface

PAGE = 250
plugin_input = json.loads(sys.stdin.read())
job = plugin_input["args"]["job"]
lean = plugin_input["args"].get("fragments") == "lean"
stash = StashInterface(plugin_input["server_connection"])
META = "tags { id } performers { id } studio { id } date photographer"


def fields(fragment):
    """The fields asked for: only those needed (lean), else stashapi's default fragment (all)."""
    return fragment if lean else None


def galleries(fragment):
    page = 1
    while True:
        found = stash.find_galleries(
            filter={"per_page": PAGE, "page": page, "sort": "id", "direction": "ASC"}, fragment=fields(fragment)
        )
        yield from found
        if len(found) < PAGE:
            return
        page += 1


def images_of(gallery_id, fragment):
    return stash.find_images(
        f={"galleries": {"value": [gallery_id], "modifier": "INCLUDES"}},
        filter={"per_page": -1, "sort": "path", "direction": "ASC"},
        fragment=fields(fragment),
    )


def covers():
    for gallery in galleries("id cover { id }"):
        images = images_of(gallery["id"], "id")
        if len(images) >= 2 and (gallery.get("cover") or {}).get("id") != images[1]["id"]:
            stash.call_GQL(
                "mutation SetCover($input: GallerySetCoverInput!) { setGalleryCover(input: $input) }",
                {"input": {"gallery_id": gallery["id"], "cover_image_id": images[1]["id"]}},
            )


def sync():
    for gallery in galleries("id " + META):
        changes = {}
        for image in images_of(gallery["id"], "id " + META):
            change = {}
            for field, key in (("tags", "tag_ids"), ("performers", "performer_ids")):
                missing = {r["id"] for r in gallery[field]} - {r["id"] for r in image[field]}
                if missing:
                    change[key] = {"ids": sorted(missing, key=int), "mode": "ADD"}
            if gallery["studio"] and not image["studio"]:
                change["studio_id"] = gallery["studio"]["id"]
            for field in ("date", "photographer"):
                if gallery[field] and not image[field]:
                    change[field] = gallery[field]
            if change:
                changes.setdefault(json.dumps(change, sort_keys=True), []).append(image["id"])
        for change, ids in changes.items():
            stash.update_images({"ids": ids, **json.loads(change)})


def chapters():
    for gallery in galleries("id files { path } folder { path } chapters { title image_index }"):
        roots = [f["path"] for f in gallery["files"]] or [gallery["folder"]["path"]]
        fragment = "id visual_files { ... on ImageFile { path } }"
        first = {}
        for index, image in enumerate(images_of(gallery["id"], fragment), 1):
            path = image["visual_files"][0]["path"]
            root = next(r for r in roots if path.startswith(r + "/"))
            first.setdefault(os.path.dirname(path[len(root) + 1:]), index)
        if len(first) < 2:
            continue
        titles = {c["title"] for c in gallery["chapters"]}
        starts = {c["image_index"] for c in gallery["chapters"]}
        for folder, index in first.items():
            if folder not in titles and index not in starts:
                stash.create_gallery_chapter({"gallery_id": gallery["id"], "title": folder, "image_index": index})


{"covers": covers, "sync": sync, "chapters": chapters}[job]()
print(json.dumps({"output": "ok"}))
'''

FLOOR_SCRIPT = """\
import json
import sys

json.loads(sys.stdin.read())
print(json.dumps({"output": "ok"}))
"""

END_STATE = (
    '{ findGalleries(filter: { per_page: -1, sort: "id" }) { galleries { id cover { id }'
    " chapters { title image_index } } }"
    ' findImages(filter: { per_page: -1, sort: "id" }) { images { id tags { id } performers { id }'
    " studio { id } date photographer } } }"
)


def end_state(sim: StashSimulator) -> dict[str, Any]:
    """What the tasks may change, comparable between runs (chapters by title and position)."""
    data = sim.gql(END_STATE)
    galleries = {
        g["id"]: ((g["cover"] or {}).get("id"), sorted((c["title"], c["image_index"]) for c in g["chapters"]))
        for g in data["findGalleries"]["galleries"]
    }
    images = {
        i["id"]: (
            sorted(t["id"] for t in i["tags"]),
            sorted(p["id"] for p in i["performers"]),
            (i["studio"] or {}).get("id"),
            i["date"],
            i["photographer"],
        )
        for i in data["findImages"]["images"]
    }
    return {"galleries": galleries, "images": images}


def changed(before: dict[str, Any], after: dict[str, Any]) -> str:
    """How many galleries and images a run changed."""
    galleries = sum(1 for k, v in after["galleries"].items() if before["galleries"].get(k) != v)
    images = sum(1 for k, v in after["images"].items() if before["images"].get(k) != v)
    return f"{galleries:,} galleries and {images:,} images changed"


def script_plugin(folder: Path, plugin_id: str, source: str) -> Path:
    """A raw-interface plugin with one task per job, running `source`."""
    plugin_dir = folder / plugin_id
    plugin_dir.mkdir()
    (plugin_dir / f"{plugin_id}.py").write_text(source, encoding="utf-8")
    tasks = "".join(f"  - name: {task}\n    defaultArgs:\n      job: {job}\n" for task, _, job in TASKS)
    (plugin_dir / f"{plugin_id}.yml").write_text(
        f'name: {plugin_id}\nexec: [python, "{{pluginDir}}/{plugin_id}.py"]\ninterface: raw\ntasks:\n{tasks}',
        encoding="utf-8",
    )
    return plugin_dir


@dataclass
class Run:
    """One process's run: its own CPU and peak, the wall time, the requests Stash saw."""

    cpu: float
    peak_mib: float
    wall: float
    requests: int
    state: dict[str, Any] = field(default_factory=dict, repr=False)
    summary: str = ""  # the task's own (ours)
    did: str = ""  # what changed in the library (when the state was read)


@contextmanager
def measured_processes() -> Iterator[tuple[Path, Path, Path]]:
    """(the wrapper python, the peak file, the CPU file): each plugin process measures itself."""
    with tempfile.TemporaryDirectory() as scratch:
        folder = Path(scratch)
        peaks, cpus = folder / "peaks", folder / "cpus"
        os.environ["GT_BENCH_MEMORY"], os.environ["GT_BENCH_CPU"] = str(peaks), str(cpus)
        yield wrapper(folder), peaks, cpus


def run_one(
    lib: dict[str, Any],
    plugins: Path,
    python: Path,
    peaks: Path,
    cpus: Path,
    who: str,
    task: int,
    state: bool,
    plugin: Path = ROOT,
) -> Run:
    """One run of `who` (one of WHO, or "baseline"; ours is the checkout at `plugin`) of TASKS[task] on a fresh
    simulator of `lib`."""
    name, args, _ = TASKS[task]
    with StashSimulator(library=lib) as sim:
        sim.install_plugin(plugin)
        sim.install_plugin(plugins / PEER_ID, PEER_ID)
        sim.install_plugin(plugins / FLOOR_ID, FLOOR_ID)
        sim.python = str(python)
        before = end_state(sim) if state else {}
        peaks.write_text(""), cpus.write_text("")
        sim.requests.clear()
        plugin_id = {"stashapi": PEER_ID, "stashapi lean": PEER_ID, "floor": FLOOR_ID}.get(who, "gallery_tools")
        given = args if who in ("ours", "baseline") else {"fragments": "lean"} if who == "stashapi lean" else {}
        start = time.perf_counter()
        result = sim.run_task(name, given, plugin_id)
        wall = time.perf_counter() - start
        if result.error is not None:
            raise SystemExit(f"{who} {name} failed: {result.error}\n{result.stderr[-2000:]}")
        requests = len(sim.requests)
        user, system = (float(x) for x in cpus.read_text().split())
        peak = int(peaks.read_text().split()[0]) / 1024
        after = end_state(sim) if state else {}
        if state and after == before:  # a run that did nothing compares nothing
            raise SystemExit(f"{who} {name} changed nothing in the library")
        summary = result.output["summary"] if who == "ours" and isinstance(result.output, dict) else ""
        return Run(user + system, peak, wall, requests, after, summary, changed(before, after) if state else "")


def spread(values: list[float], unit: str, digits: int = 2) -> str:
    return f"{min(values):.{digits}f} / {statistics.median(values):.{digits}f} / {max(values):.{digits}f} {unit}"


def compare(options: argparse.Namespace, plugins: Path, python: Path, peaks: Path, cpus: Path) -> list[str]:
    """The side-by-side table, interleaved rounds; the end states checked equal."""
    lib, one = library(options.galleries, options.images), library(1, options.images)
    rows = [
        f"| task (apply), {options.galleries:,} galleries x {options.images} images | process |"
        " CPU (min / median / max) | peak memory (min / median / max) | wall (min / median / max) | requests |"
        " CPU on 1 gallery (median) | what it did |",
        "|---|---|---|---|---|---|---|---|",
    ]
    ratios = [
        "| task | against | ours / script CPU (median) | ours / script peak | ours / script wall | ours / script"
        " requests | (ours - floor) / (script - floor) CPU | the galleries' work: (ours - ours on 1) / (script -"
        " script on 1) CPU |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for task, (name, _, _) in enumerate(TASKS):
        if options.task and name != options.task:
            continue
        everyone = (*WHO, "baseline") if options.baseline else WHO
        runs: dict[str, list[Run]] = {who: [] for who in everyone}
        started: dict[str, list[float]] = {who: [] for who in everyone}  # the CPU of a run on one gallery
        order = list(runs)
        for round_ in range(options.rounds):
            for who in order[round_ % len(order) :] + order[: round_ % len(order)]:
                plugin = options.baseline if who == "baseline" else ROOT
                run = run_one(lib, plugins, python, peaks, cpus, who, task, who != "floor", plugin)
                runs[who].append(run)
                started[who].append(run_one(one, plugins, python, peaks, cpus, who, task, False, plugin).cpu)
                print(
                    f"{name} round {round_ + 1} {who}: CPU {run.cpu:.2f} s, peak {run.peak_mib:.1f} MiB,"
                    f" wall {run.wall:.1f} s, {run.requests} requests; {run.did}"
                    f" (load {os.getloadavg()[0]:.1f})",
                    file=sys.stderr,
                    flush=True,
                )
        states = [r.state for who in everyone if who != "floor" for r in runs[who]]
        if any(s != states[0] for s in states):
            raise SystemExit(f"{name}: ours and the stashapi scripts left the library in different states")
        for who, done in runs.items():
            rows.append(
                f"| {name} | {who} | {spread([r.cpu for r in done], 's')} |"
                f" {spread([r.peak_mib for r in done], 'MiB', 0)} | {spread([r.wall for r in done], 's', 1)} |"
                f" {statistics.median(r.requests for r in done):,.0f} | {statistics.median(started[who]):.2f} s |"
                f" {done[0].did or '-'} |"
            )
        med = {
            who: {k: statistics.median(getattr(r, k) for r in done) for k in ("cpu", "peak_mib", "wall", "requests")}
            for who, done in runs.items()
        }
        floor = med["floor"]
        start = {who: statistics.median(cpu) for who, cpu in started.items()}
        for mine in ("ours", "baseline") if options.baseline else ("ours",):
            ours = med[mine]
            for who in ("stashapi", "stashapi lean"):
                peer = med[who]
                work = (ours["cpu"] - start[mine]) / (peer["cpu"] - start[who])
                ratios.append(
                    f"| {name}{' (baseline)' if mine == 'baseline' else ''} | {who} | {ours['cpu'] / peer['cpu']:.3f} |"
                    f" {ours['peak_mib'] / peer['peak_mib']:.2f} | {ours['wall'] / peer['wall']:.2f} |"
                    f" {ours['requests'] / peer['requests']:.3f} |"
                    f" {(ours['cpu'] - floor['cpu']) / (peer['cpu'] - floor['cpu']):.3f} | {work:.3f} |"
                )
    return [*rows, "", *ratios]


def sweep(options: argparse.Namespace, plugins: Path, python: Path, peaks: Path, cpus: Path) -> list[str]:
    """Our peak as the number of galleries grows and as one gallery grows."""
    images = options.images
    shapes = (
        [(500, images), (2_000, images)] + ([] if options.quick else [(8_000, images)]),
        [(1, 1_000), (1, 5_000)] + ([] if options.quick else [(1, 20_000)]),
    )
    base = options.baseline
    rows = [
        "| task (apply) | galleries x images | our peak | vs the smallest | floor (Python's start) | our CPU |"
        + (" baseline peak | vs its smallest | baseline CPU |" if base else "")
        + " requests | what it did |",
        "|---|---|---|---|---|---|" + ("---|---|---|" if base else "") + "---|---|",
    ]
    for task, (name, _, _) in enumerate(TASKS):
        if options.task and name != options.task:
            continue
        for shape in shapes:
            smallest = base_smallest = 0.0
            for galleries, count in shape:
                lib = library(galleries, count)
                floor = run_one(lib, plugins, python, peaks, cpus, "floor", task, False)
                run = run_one(lib, plugins, python, peaks, cpus, "ours", task, bool(base))
                smallest = smallest or run.peak_mib
                print(f"sweep {name} {galleries} x {count}: {run}", file=sys.stderr, flush=True)
                before = ""
                if base:
                    was = run_one(lib, plugins, python, peaks, cpus, "ours", task, True, base)
                    if (was.state, was.requests) != (run.state, run.requests):
                        raise SystemExit(f"{name} {galleries} x {count}: the baseline did otherwise ({was.summary})")
                    base_smallest = base_smallest or was.peak_mib
                    before = f" {was.peak_mib:.1f} MiB | {was.peak_mib / base_smallest:.2f} | {was.cpu:.2f} s |"
                rows.append(
                    f"| {name} | {galleries:,} x {count:,} | {run.peak_mib:.1f} MiB | {run.peak_mib / smallest:.2f} |"
                    f" {floor.peak_mib:.1f} MiB | {run.cpu:.2f} s |{before} {run.requests:,} | {run.summary} |"
                )
    return rows


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--galleries", type=int, default=2_000)
    parser.add_argument("--images", type=int, default=5)
    parser.add_argument("--quick", action="store_true", help="a smaller sweep (no 8,000 galleries, no 20,000 images)")
    parser.add_argument("--no-sweep", action="store_true")
    parser.add_argument(
        "--baseline",
        type=Path,
        help="another checkout of the plugin (e.g. a git archive), beside ours in the rounds and the sweep",
    )
    parser.add_argument("--task", choices=[name for name, _, _ in TASKS], help="run this task only (prints the tables)")
    options = parser.parse_args()
    # Each checkout compiled to bytecode first (as bench/hook.py does): where PYTHONDONTWRITEBYTECODE is
    # set, a source newer than its bytecode (a checkout just changed) is compiled again by every process
    for checkout in [ROOT, *([options.baseline] if options.baseline else [])]:
        compileall.compile_dir(checkout / "gallery_ops", quiet=1)
    load_start = os.getloadavg()[0]
    started = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
    with measured_processes() as (python, peaks, cpus), tempfile.TemporaryDirectory() as scratch:
        plugins = Path(scratch)
        script_plugin(plugins, PEER_ID, STASHAPI_SCRIPT)
        script_plugin(plugins, FLOOR_ID, FLOOR_SCRIPT)
        table = compare(options, plugins, python, peaks, cpus)
        load_mid = os.getloadavg()[0]
        swept = [] if options.no_sweep else sweep(options, plugins, python, peaks, cpus)
    load_end = os.getloadavg()[0]
    how = shlex.join(sys.argv[1:])
    machine = f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}"
    section = [
        MARK,
        "",
        f"Written by `bench/bulk_tasks.py{' ' + how if how else ''}` ({started}; {machine}; load average"
        f" {load_start:.1f} at the start, {load_mid:.1f} after the comparison, {load_end:.1f} at the end).",
        "Goal: plugin CPU at most 0.05x the per-gallery stashapi script's, peak memory flat in the number of"
        " galleries and in a gallery's size, no more requests than before.",
        "",
        textwrap.fill(
            f"Each run on a fresh simulator seeded with {options.galleries:,} zip galleries of {options.images}"
            " images in inner folders, each gallery tagged (bench/big_gallery.py's library); ours is the task"
            " as the Tasks button runs it (applied), the stashapi script a per-gallery script doing the same"
            " work (find_galleries page by page, find_images per gallery, the writes per gallery) with"
            " stashapi's default fragments (every field, as most peers call it), stashapi lean the same"
            " asking only for the fields it needs, the floor Python's start alone"
            + (", the baseline the task of the checkout given (--baseline)" if options.baseline else "")
            + ". CPU and peak are each"
            f" process's own (user + system; VmHWM); {options.rounds} interleaved rounds. All of them (the floor"
            " aside) left the library in the same state (checked after every run).",
            100,
        ),
        "",
        *table,
        "",
        textwrap.fill(NOTE, 100),
    ]
    if swept:
        section += [
            "",
            "Our peak memory as the library grows (apply; each size on a fresh simulator, the floor run right"
            " before it):",
            "",
            *swept,
        ]
    if options.task:  # one task: the section keeps the run of every task
        print("\n".join(section))
        return
    replace_section(MARK, "\n".join([*section, ""]))


if __name__ == "__main__":
    main()
