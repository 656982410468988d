"""The demo: Gallery Tools working on the sample library, in the Stash simulator.

It starts the simulator with the sample library written to a temporary folder (the
plugin runs on Stash's machine and reads the zips and files there, as Import file
metadata does), shows what is in the library, runs the plugin through the runner
exactly as Stash would (strict manifest, Go-shaped input, a working directory that is
not the plugin's) and shows each run's output, log and the library after. Every task
button of gallery_tools.yml runs; the tasks that leave what the sample holds for the others run
first, each as a preview and then as the run that applies it, and the ones that take things away
(replace, reset, mirror, deleting duplicates) run last.
Run it with `bash scripts/demo.sh` (which sets up .venv first).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT / "tests"), str(ROOT)]

from stash_sim import StashSimulator  # noqa: E402
from stash_sim.runner import RunResult  # noqa: E402

LIBRARY_QUERY = """{ findGalleries(filter: { per_page: -1, sort: "id" }) { galleries {
  id title image_count files { path } folder { path } cover { id visual_files { ... on ImageFile { path } } }
  chapters { title image_index } tags { name } } } }"""


def heading(text: str) -> None:
    print(f"\n{'=' * 100}\n{text}\n{'=' * 100}")


def short(sim: StashSimulator, path: str) -> str:
    """A path without the temporary folder the library is in."""
    root = sim.library_root or ""
    return path[len(root) :] if root and path.startswith(root + "/") else path


def show_library(sim: StashSimulator) -> None:
    galleries = sim.gql(LIBRARY_QUERY)["findGalleries"]["galleries"]
    print(f"{'id':>3}  {'kind':<6} {'title / path':<52} {'imgs':>4}  {'cover':<14} chapters")
    for g in galleries:
        kind = "zip" if g["files"] else "folder" if g["folder"] else "user"
        where = short(sim, g["files"][0]["path"] if g["files"] else g["folder"]["path"] if g["folder"] else "")
        label = f"{g['title']!r} {where}" if g["title"] else where
        cover = g["cover"]["visual_files"][0]["path"].rsplit("/", 1)[-1] if g["cover"] else "-"
        chapters = ", ".join(f"{c['image_index']}:{c['title']}" for c in g["chapters"]) or "-"
        print(f"{g['id']:>3}  {kind:<6} {label[:52]:<52} {g['image_count']:>4}  {cover:<14} {chapters}")


def show_stash_log(result: RunResult) -> None:
    """The lines a Stash user sees: Stash logs at Info by default, and a task's output only at debug."""
    for line in result.logs:
        if line.level in ("info", "warning", "error"):
            print(f"  {line.level.capitalize():<8}{line.message}")
    if result.error is not None:  # Stash's own line for a run that answered an error
        print(f"  {'Error':<8}Plugin returned error: {result.error}")


def show_run(title: str, result: RunResult) -> None:
    heading(title)
    print("Stash's log (Info and above, Stash's default level):")
    show_stash_log(result)
    if result.progress:
        print(f"Progress bar: {' '.join(f'{p:.2f}' for p in result.progress)}")
    output: Any = result.output
    if isinstance(output, dict) and "summary" in output:
        changes = f"{output['change_count']} change{'' if output['change_count'] == 1 else 's'}"
        print(
            f"Output (logged by Stash at debug level only): {changes},"
            f" skipped {json.dumps(output['skipped'])}, error {json.dumps(result.error)}"
        )
    else:
        print(f"Output (debug level only): {json.dumps(output)[:300]}; error {json.dumps(result.error)}")


def image_id(sim: StashSimulator, path: str) -> str:
    """The id of the image at a sample path (tests/stash_sim/libraries/sample.yml)."""
    data = sim.gql(
        "query($p: String!) { findImages(image_filter: {path: {value: $p, modifier: EQUALS}}) { images { id } } }",
        {"p": (sim.library_root or "") + path},
    )
    (found,) = data["findImages"]["images"]
    return str(found["id"])


# The tasks that act on what the sample library holds for them (sample.yml says which gallery is
# there for which task): a preview first, then the run that applies it.
FIRST_RUNS: list[tuple[str, dict[str, Any]]] = [
    ("Sync gallery from images", {"dry_run": "true"}),
    ("Sync gallery from images", {}),
    ("Clean empty galleries (preview)", {}),
    ("Clean empty galleries (apply)", {}),
    ("Merge duplicate galleries (preview)", {}),
    ("Merge duplicate galleries (apply)", {}),
    ("Link scenes", {"dry_run": "true", "copy_metadata": "true"}),
    ("Link scenes", {"copy_metadata": "true"}),
    ("Import file metadata", {"dry_run": "true"}),
    ("Import file metadata", {}),
    ("Galleries for loose images (preview)", {}),
    ("Galleries for loose images", {}),
]


# What replaces, resets, mirrors or deletes, last: previews, then applies.
LAST_RUNS = [
    "Chapters from folders (replace, preview)",
    "Chapters from folders (replace, apply)",
    "Reset covers (preview)",
    "Reset covers (apply)",
    "Sync images from gallery (mirror, preview)",
    "Sync images from gallery (mirror, apply)",
    "Merge duplicate galleries (delete duplicates, apply)",
    "Show capabilities",
]


def run_task(sim: StashSimulator, name: str, args: dict[str, Any]) -> None:
    sim.requests.clear()
    result = sim.run_task(name, args)
    writes = len(sim.requests.mutations())
    shown = f" {json.dumps(args)}" if args else ""
    show_run(f"Task: {name}{shown}  ({len(sim.requests)} requests, {writes} of them writes)", result)


def main() -> None:
    with StashSimulator(on_disk=True) as sim:
        sim.install_plugin(ROOT)
        heading(f"The sample library (Stash simulator at {sim.url}; the files are under {sim.library_root})")
        show_library(sim)

        # these first, on the library as it is (Title from path and Set covers would otherwise give
        # the duplicate and the comic a title and a cover before they show theirs)
        for name, args in FIRST_RUNS:
            run_task(sim, name, args)
        for name in ("Chapters from folders", "Set covers", "Title from path", "Sync images from gallery"):
            run_task(sim, name, {})

        heading("The library after the tasks")
        show_library(sim)
        image = sim.gql(
            '{ findImage(id: "1") { visual_files { ... on ImageFile { path } }'
            " tags { name } performers { name } studio { name } date } }"
        )["findImage"]
        print("image 1 now:", json.dumps(image))

        sim.requests.clear()
        show_run(
            "Task again: Chapters from folders (a second run writes nothing)", sim.run_task("Chapters from folders")
        )
        print("mutations in the second run:", len(sim.requests.mutations()))

        night = image_id(sim, "/library/loose/night.jpg")
        show_run(
            "Operation: update_gallery_images SET on 'Best of 2021'",
            sim.run_operation(
                {"operation": "update_gallery_images", "gallery_id": "5", "image_ids": ["1", "5", night], "mode": "SET"}
            ),
        )
        show_run(
            "Operation: set_gallery_cover with an image from another gallery (refused)",
            sim.run_operation({"operation": "set_gallery_cover", "gallery_id": "5", "cover_image_id": "9"}),
        )

        heading("New galleries: hooks on, then a scan adds a zip gallery image by image")
        sim.set_plugin_settings("gallery_tools", {"hookTitles": True, "hookChapters": True, "hookCovers": True})
        jobs_before, hooks_before = len(sim.jobs.history), len(sim.hooks.runs)
        gallery_id = sim.scan_zip(
            sim.library_root + "/library/zips/Mountain_Hike.2023.zip",
            [
                "Morning/01.jpg",
                "Morning/02.jpg",
                "Summit/01.jpg",
                {"name": "Summit/02.jpg", "width": 600, "height": 900},
            ],
        )
        for run in sim.hooks.runs[hooks_before:]:
            print(f"Hook {run.trigger} for gallery {run.hook_context.get('id')}, Stash's log:")
            show_stash_log(run.result)
        sim.jobs.wait_idle()  # the task the hook queued runs once the scan job is over
        for job in sim.jobs.history[jobs_before:]:
            print(f"job {job.id}: {job.description} {job.status}")
        show_run(
            "Task the hook queued: Finish new galleries (ran after the scan, no button pressed)", sim.task_runs[-1]
        )
        show_library(sim)
        print(
            f"\nThe scanned gallery is {gallery_id}: titled by the hook at once; its chapters and its cover (the"
            " first portrait image, by the cover rule) were set by Finish new galleries, once it was complete."
        )
        show_run(
            "Task: Repair chapters on Stash v0.30.1 (no custom fields: it says so and does nothing)",
            sim.run_task("Repair chapters"),
        )
    demo_v031()


CHAPTERED_ZIP = "/library/zips/Summer Trip [2022-08-01].zip"


def show_chapters(sim: StashSimulator, path: str) -> None:
    """A gallery's chapters, each with the image it starts at, and its custom fields."""
    full = (sim.library_root or "") + path
    gallery = sim.gql(
        "query($p: String!) { findGalleries(gallery_filter: {path: {value: $p, modifier: EQUALS}})"
        " { galleries { id chapters { title image_index } custom_fields } } }",
        {"p": full},
    )["findGalleries"]["galleries"][0]
    images = sim.gql(
        "query($g: [ID!]) { findImages(image_filter: {galleries: {value: $g, modifier: INCLUDES}},"
        ' filter: {per_page: -1, sort: "path"})'
        " { images { visual_files { ... on ImageFile { path } } } } }",
        {"g": [gallery["id"]]},
    )["findImages"]["images"]
    names = [i["visual_files"][0]["path"][len(full) + 1 :] for i in images]
    print(f"gallery {gallery['id']} {path}: images {', '.join(names)}")
    for c in gallery["chapters"]:
        at = names[c["image_index"] - 1] if c["image_index"] <= len(names) else "past the end"
        print(f"  chapter {c['title']!r} at image {c['image_index']}: {at}")
    for name, value in gallery["custom_fields"].items():
        print(f"  custom field {name} = {value}")


def demo_v031() -> None:
    """Stash v0.31.1: chapters that stay on their image, and file metadata in custom fields."""
    with StashSimulator(on_disk=True, release="v0.31.1") as sim:
        sim.install_plugin(ROOT)
        heading(f"Stash v0.31.1 (simulator at {sim.url}): custom fields on galleries")
        run_task(sim, "Chapters from folders", {})
        show_chapters(sim, CHAPTERED_ZIP)
        heading("A rescan finds two new images that sort before the others: every chapter drifts")
        sim.scan_zip(sim.library_root + CHAPTERED_ZIP, ["Day 0/001.jpg", "Day 0/002.jpg"])
        show_chapters(sim, CHAPTERED_ZIP)
        run_task(sim, "Repair chapters (preview)", {})
        run_task(sim, "Repair chapters", {})
        show_chapters(sim, CHAPTERED_ZIP)
        sim.requests.clear()
        show_run("Task again: Repair chapters (a second run writes nothing)", sim.run_task("Repair chapters"))
        print("mutations in the second run:", len(sim.requests.mutations()))
        run_task(sim, "Import file metadata", {})
        show_chapters(sim, "/library/comics/Coast 3.cbz")

        heading("The buttons that take things away: each previews first, or is a preview button of its own")
        sim.set_plugin_settings("gallery_tools", {})
        for name in LAST_RUNS:
            run_task(sim, name, {})
        show_library(sim)

    scrape_demo()


def scrape_demo() -> None:
    """Scrape galleries on a fresh sample library, with the test scrapers (tests/scrapers/) in Stash's
    scrapers folder: a fragment scraper (Sample Site), a URL scraper (Example Org, for example.org/),
    one whose site is down and one that never answers."""
    with StashSimulator() as sim:
        sim.install_plugin(ROOT)
        sim.scrapers.install_folder(ROOT / "tests" / "scrapers")
        sim.set_plugin_settings("gallery_tools", {"scrapers": "sample_site", "scrapePause": 0.2})
        heading(f"Scraping galleries: a fresh sample library; Stash's scrapers folder {sim.scrapers.folder}")
        listed = sim.gql("{ listScrapers(types: [GALLERY]) { id name gallery { urls supported_scrapes } } }")
        for scraper in listed["listScrapers"]:
            print(f"scraper {scraper['id']} ({scraper['name']}): {json.dumps(scraper['gallery'])}")
        run_task(sim, "Scrape galleries (preview)", {})
        run_task(sim, "Scrape galleries", {})
        show_library(sim)
        run_task(sim, "Scrape galleries", {})  # a second run: every gallery is done, no site is asked
        heading("Scraping with sites that are down or never answer (3 s time limit, dropped after 2 in a row)")
        sim.set_plugin_settings(
            "gallery_tools",
            {"scrapers": "broken_site", "scrapePause": 0, "scrapeTimeout": 3, "scrapeFailuresInARow": 2},
        )
        sim.gql('mutation { galleryUpdate(input: {id: "3", title: ""}) { id } }')
        run_task(sim, "Scrape galleries", {"gallery_ids": "1,2,3,4,5"})
        run_task(sim, "Scrape galleries", {"gallery_ids": "1,2,3", "scrapers": "hanging_site"})


if __name__ == "__main__":
    main()
