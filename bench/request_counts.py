"""Requests per task: every task button's run, preview and apply, on the sample library and on a
generated library of several pages, counted as the simulator saw them.

    .venv/bin/python bench/request_counts.py --json out.json     # measure, and keep the numbers
    .venv/bin/python bench/request_counts.py --before before.json # ... and print them beside these

Each run is in-process (GalleryOps and the registry's run_task, as the entry calls them) on a
simulator of its own, seeded fresh, so runs do not see each other's writes. The generated library
has 1,000 galleries of 3 images each (four pages of 250), every gallery with a tag, a performer
and a studio, so that a task's changes name things on every page. Nothing here is asserted.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT / "tests"), str(ROOT)]

from stash_sim import StashSimulator  # noqa: E402
from stash_sim.library import SAMPLE_LIBRARY, generate_library, load_library  # noqa: E402

from gallery_ops import GalleryOps  # noqa: E402
from gallery_ops.entry.registry import run_task  # noqa: E402

# (mode, args) as the task buttons send them; previews first, then applies
RUNS: list[tuple[str, dict[str, Any]]] = [
    ("chapters_from_folders", {"dry_run": "true"}),
    ("chapters_from_folders", {"dry_run": "false"}),
    ("chapters_from_folders", {"replace": "true"}),
    ("set_covers", {"dry_run": "true"}),
    ("set_covers", {"dry_run": "false"}),
    ("reset_covers", {}),
    ("reset_covers", {"dry_run": "false"}),
    ("title_from_path", {"dry_run": "true"}),
    ("title_from_path", {"dry_run": "false"}),
    ("sync_images_from_gallery", {"dry_run": "true"}),
    ("sync_images_from_gallery", {"dry_run": "false"}),
    ("sync_images_from_gallery", {"mirror": "true"}),
    ("sync_gallery_from_images", {"dry_run": "true"}),
    ("sync_gallery_from_images", {"dry_run": "false"}),
    ("clean_empty_galleries", {}),
    ("clean_empty_galleries", {"dry_run": "false"}),
    ("merge_duplicate_galleries", {}),
    ("merge_duplicate_galleries", {"dry_run": "false"}),
    ("galleries_from_folders", {"dry_run": "true"}),
    ("galleries_from_folders", {"dry_run": "false"}),
    ("link_scenes", {"dry_run": "true", "copy_metadata": "true"}),
    ("link_scenes", {"dry_run": "false", "copy_metadata": "true"}),
    ("import_file_metadata", {"dry_run": "true"}),
    ("import_file_metadata", {"dry_run": "false"}),
    ("finish_new_galleries", {"dry_run": "true"}),
]
GENERATED_GALLERIES = 1000


def generated() -> dict[str, Any]:
    """generate_library with a tag, a performer and a studio on every gallery, and half the
    images tagged: something to name for the syncs."""
    library = generate_library(GENERATED_GALLERIES, 3)
    library.update(tags=["Generated", "Blue", "Green"], performers=["Ada", "Bo"], studios=["North", "South"])
    for n, entry in enumerate(library["galleries"]):
        entry.update(
            tags=[["Blue", "Green"][n % 2]], performers=[["Ada", "Bo"][n % 2]], studio=["North", "South"][n % 2]
        )
    return library


def count(library: dict[str, Any], on_disk: bool, mode: str, args: dict[str, Any]) -> int:
    with StashSimulator(library=library, on_disk=on_disk) as sim:
        ops = GalleryOps.from_server_connection(sim.server_connection())
        before = len(sim.requests)
        run_task(ops, mode, dict(args))
        return len(sim.requests) - before


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--json", help="write the counts here")
    parser.add_argument("--before", help="counts written earlier, printed beside these")
    options = parser.parse_args()
    libraries = {"sample": (load_library(SAMPLE_LIBRARY), True), "generated": (generated(), False)}
    counts: dict[str, dict[str, int]] = {}
    for name, (library, on_disk) in libraries.items():
        for mode, args in RUNS:
            key = f"{mode} {json.dumps(args, sort_keys=True)}"
            counts.setdefault(key, {})[name] = count(library, on_disk, mode, args)
            print(key, counts[key], flush=True)
    if options.json:
        Path(options.json).write_text(json.dumps(counts, indent=1))
    if options.before:
        before = json.loads(Path(options.before).read_text())
        print("| task run | sample: before | after | generated (1,000 galleries): before | after |")
        print("|---|---|---|---|---|")
        for key, now in counts.items():
            was = before.get(key, {})
            print(f"| `{key}` | {was.get('sample')} | {now['sample']} | {was.get('generated')} | {now['generated']} |")


if __name__ == "__main__":
    main()
