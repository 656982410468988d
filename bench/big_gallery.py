"""Big galleries and long id lists: memory flat in gallery size, id handling linear.

    .venv/bin/python bench/big_gallery.py [--quick] [--baseline DIR]

Memory: the plugin's own peak (VmHWM of its process, bench/measure_plugin.py) for a preview of
every task that reads a gallery's images (and Title, which does not) on galleries of growing
size, interleaved with the floor it compares to (the same task on galleries of 20 images),
reported side by side and as a ratio; with --baseline, the same for another checkout of the
plugin (before/after). Ids: the time to read id lists of growing length (parse_ids, as every
operation does; best of five), and the time per id, which stays flat when the work is linear.
The section "Big galleries" of bench/RESULTS.md is replaced with the tables.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

from measure_plugin import wrapper  # noqa: E402
from results_file import replace_section  # noqa: E402
from stash_sim import StashSimulator  # noqa: E402

from gallery_ops.common.ids import parse_ids  # noqa: E402

MARK = "## Big galleries"


# Every task that reads a gallery's images, and one that does not (Title) as a check.
TASKS = (
    "Chapters from folders",
    "Set covers",
    "Sync images from gallery",
    "Sync gallery from images",
    "Merge duplicate galleries (preview)",
    "Title from path",
)
# The same button on a library where every set was also moved to a folder: the merge pass plans each pair.
MERGE_PAIRS = "Merge duplicate galleries (preview), every set also moved to a folder"


NOTE = (
    "A task holds at most IMAGES_IN_MEMORY (1,000) images at a time: galleries are read in groups of"
    " that many images, a bigger gallery a page of 1,000 per request, and each page is folded into the"
    " task's small summary (types.ImageFold: per folder the first position, per cover step its pick,"
    " tag counts, md5s) and let go. What still grows with gallery size is what the plan itself needs:"
    " Sync images keeps one entry per image that needs a change (here every image does); duplicates"
    " one md5 per image while it reads a gallery's checksums, and, for the gallery a merge keeps, one"
    " entry per md5 (its position, id and path: where the others' chapters and cover go)."
)


def library(galleries: int, images: int, moved: bool = False) -> dict[str, Any]:
    """Zip galleries of `images` images each, in 10 inner folders, with a tag (chapters, covers
    and Sync images have work: every image would get the tag); with `moved`, each set is also
    in a folder gallery (the same md5s, the names the other way round) and its zip has a chapter
    and a chosen cover, which the merge maps onto the folder."""
    sets = []
    for g in range(galleries):
        md5s = [f"{g:08x}{i:024x}" for i in range(images)] if moved else [None] * images
        zipped: dict[str, Any] = {
            "zip": f"/big/set{g:03d}.zip",
            "tags": ["Set"],
            "images": [
                {"name": f"part{i % 10}/img{i:05d}.jpg", **({"md5": md5s[i]} if moved else {})} for i in range(images)
            ],
        }
        sets.append(zipped)
        if moved:
            zipped.update(chapters=[{"title": "Middle", "image_index": images // 2}], cover="part3/img00003.jpg")
            sets.append(
                {
                    "folder": f"/big/moved/set{g:03d}",
                    "images": [{"name": f"img{images - i:05d}.jpg", "md5": md5s[i]} for i in range(images)],
                }
            )
    return {"tags": ["Set"], "galleries": sets}


def plugin_peak(galleries: int, images: int, task: str, plugin: Path = ROOT) -> tuple[float, float, str]:
    """(peak MiB of the plugin process, seconds, summary) for one preview run of `task` by the
    plugin checked out at `plugin`."""
    moved = task == MERGE_PAIRS
    with StashSimulator(library=library(galleries, images, moved)) as sim, tempfile.TemporaryDirectory() as scratch:
        sim.install_plugin(plugin)
        sim.python = str(wrapper(Path(scratch)))
        peaks = Path(scratch) / "peaks"
        os.environ["GT_BENCH_MEMORY"] = str(peaks)
        start = time.perf_counter()
        result = sim.run_task("Merge duplicate galleries (preview)" if moved else task, {"dry_run": "true"})
        seconds = time.perf_counter() - start
        summary = result.output["summary"] if isinstance(result.output, dict) else str(result.error)
        return max(int(line) for line in peaks.read_text().split()) / 1024, seconds, summary


def id_seconds(count: int) -> float:
    """The best of five parse_ids runs on `count` ids (the least disturbed by the machine)."""
    ids = [str(n) for n in range(1, count + 1)]
    best = float("inf")
    for _ in range(5):
        start = time.perf_counter()
        parse_ids(ids, "image ids")
        best = min(best, time.perf_counter() - start)
    return best


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true")
    parser.add_argument(
        "--baseline",
        type=Path,
        help="another checkout of the plugin (e.g. `git archive main`"
        " unpacked), measured the same way right after each run: the before column",
    )
    options = parser.parse_args()
    quick, baseline = options.quick, options.baseline
    sizes = [(1, 5_000), (1, 20_000)] if quick else [(1, 5_000), (1, 20_000), (20, 1_000)]
    compared = " | baseline peak | baseline ratio" if baseline else ""
    rows = [
        "| task (preview) | galleries x images | plugin peak | floor (same galleries x 20 images) |"
        f" ratio{compared} | time |",
        "|---|---|---|---|---|" + ("---|---|" if baseline else "") + "---|",
    ]
    for task in (*TASKS, MERGE_PAIRS):
        for galleries, images in sizes:
            floor, _, _ = plugin_peak(galleries, 20, task)  # interleaved: the floor right before its run
            peak, seconds, summary = plugin_peak(galleries, images, task)
            before = ""
            if baseline:
                base_floor, _, _ = plugin_peak(galleries, 20, task, baseline)
                base_peak, _, _ = plugin_peak(galleries, images, task, baseline)
                before = f" {base_peak:.0f} MiB | {base_peak / base_floor:.2f} |"
            rows.append(
                f"| {task} | {galleries} x {images:,} | {peak:.0f} MiB | {floor:.0f} MiB |"
                f" {peak / floor:.2f} |{before} {seconds:.1f} s ({summary}) |"
            )
    rows += ["", "| ids read (parse_ids) | time | per id | vs 10,000 ids |", "|---|---|---|---|"]
    base = id_seconds(10_000) / 10_000
    for count in (10_000, 20_000, 100_000, 200_000):
        seconds = id_seconds(count)
        rows.append(
            f"| {count:,} | {seconds * 1000:.1f} ms | {seconds / count * 1e6:.2f} µs | {seconds / count / base:.2f} |"
        )
    how = (" --quick" if quick else "") + (" --baseline <main>" if baseline else "")
    section = "\n".join(
        [
            MARK,
            "",
            f"Written by `bench/big_gallery.py{how}`"
            f" ({time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}). Goal: plugin peak under 80 MiB"
            " for a 20,000-image gallery; time per id flat (linear).",
            "",
            NOTE,
            "",
            *rows,
            "",
        ]
    )
    replace_section(MARK, section)


if __name__ == "__main__":
    main()
