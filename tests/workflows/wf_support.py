"""Helpers for the workflow tests (imported by the test modules; fixtures are in conftest.py).

Two layers:
- plan tests build Gallery/Image models by hand (`gallery`, `image`) and call the pure
  plan functions; no server;
- end-to-end tests install the plugin from the repository root in a Stash simulator and
  press the task buttons of gallery_tools.yml, with args as Stash sends them (strings).
  The state is read in-process with sim.gql (never logged), so `sim.requests` holds
  exactly what the plugin sent.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from stash_sim import StashSimulator
from stash_sim.library import SAMPLE_LIBRARY, load_library
from stash_sim.scanned import add_real_files
from support.library import (
    BEACH as BEACH,
    BEST as BEST,
    CITY as CITY,
    COMIC as COMIC,
    EMPTY as EMPTY,
    HARBOUR as HARBOUR,
    HIKING as HIKING,
    NIGHT_MARKET as NIGHT_MARKET,
    OLD_TRIP as OLD_TRIP,
    PORTRAITS as PORTRAITS,
    PORTRAITS_ZIP as PORTRAITS_ZIP,
    SUMMER as SUMMER,
)
from support.manifest import button
from support.state import (
    ids_by_path as ids_by_path,
    image_ids_by_path as image_ids,
    library_state as state,
    named_id as named_id,
    portable as portable,
    unrooted as unrooted,
)

from gallery_ops.common.constants import NEW_GALLERY_TAG
from gallery_ops.stash.models import FileRef, FolderRef, Gallery, GalleryChapter, Image, PerformerRef, StudioRef, TagRef

REPO = Path(__file__).resolve().parents[2]
PLUGIN = "gallery_tools"
SAMPLE = load_library(SAMPLE_LIBRARY)

# Task buttons of gallery_tools.yml, by their defaultArgs (mode, replace, mirror, dry_run, ...).
CHAPTERS = button("chapters_from_folders")
CHAPTERS_REPLACE_PREVIEW = button("chapters_from_folders", replace="true", dry_run="true")
CHAPTERS_REPLACE_APPLY = button("chapters_from_folders", replace="true", dry_run="false")
SET_COVERS = button("set_covers")
RESET_COVERS_PREVIEW = button("reset_covers", dry_run="true")
RESET_COVERS_APPLY = button("reset_covers", dry_run="false")
TITLES = button("title_from_path")
SYNC = button("sync_images_from_gallery")
SYNC_MIRROR_PREVIEW = button("sync_images_from_gallery", mirror="true", dry_run="true")
SYNC_MIRROR_APPLY = button("sync_images_from_gallery", mirror="true", dry_run="false")
FINISH = button("finish_new_galleries")
GALLERY_FROM_IMAGES = button("sync_gallery_from_images")
CLEAN_EMPTY_PREVIEW = button("clean_empty_galleries", dry_run="true")
CLEAN_EMPTY_APPLY = button("clean_empty_galleries", dry_run="false")
LOOSE_PREVIEW = button("galleries_from_folders", dry_run="true")
LOOSE = button("galleries_from_folders")
LINK_SCENES = button("link_scenes")
MERGE_PREVIEW = button("merge_duplicate_galleries", dry_run="true")
MERGE_APPLY = button("merge_duplicate_galleries", dry_run="false")
MERGE_DELETE_APPLY = button("merge_duplicate_galleries", delete_duplicates="true", dry_run="false")
IMPORT_FILE_METADATA = button("import_file_metadata")

ALL_HOOK_RULES = {"hookTitles": True, "hookChapters": True, "hookCovers": True, "hookSyncImages": True}
TITLE_PATTERN = r"^(?P<title>.+?) \[(?P<date>\d{4}-\d{2}-\d{2})\]$"  # the README's example


# What the scans in the hook tests add to a library: a folder gallery, and a zip gallery with
# inner folders whose portrait image (the cover rule's pick) is NOT its first image. Their names
# carry a date for TITLE_PATTERN.
SCAN_FOLDER = "/library/new/Hike [2023-05-01]"
SCAN_FOLDER_IMAGES: list[Any] = ["a01.jpg", "a02.jpg", {"name": "a03.jpg", "width": 600, "height": 900}, "a04.jpg"]
SCAN_ZIP = "/library/new/Party.Night [2023-06-10].zip"
SCAN_ZIP_IMAGES: list[Any] = [
    "Evening/001.jpg",
    "Evening/002.jpg",
    {"name": "Night/001.jpg", "width": 700, "height": 1000},
    "Night/002.jpg",
    "Night/Late/001.jpg",
]


SCAN_BATCH: dict[str, Any] = {  # the same, as a library description (real files on a scanned library)
    "galleries": [{"folder": SCAN_FOLDER, "images": SCAN_FOLDER_IMAGES}, {"zip": SCAN_ZIP, "images": SCAN_ZIP_IMAGES}]
}


# -- models for plan tests ------------------------------------------------------------------------
def image(
    id: Any,
    path: str | None = None,
    width: int = 1200,
    height: int = 800,
    *,
    tags: tuple = (),
    performers: tuple = (),
    studio: str | None = None,
    date: str | None = None,
    photographer: str | None = None,
    galleries: list[Gallery] | None = None,
) -> Image:
    """An Image as the workflows read it (visual_files with path and size; metadata; galleries)."""
    return Image(
        id=str(id),
        visual_files=[FileRef(path=path, width=width, height=height)] if path is not None else [],
        tags=[TagRef(id=str(t)) if not isinstance(t, TagRef) else t for t in tags],
        performers=[PerformerRef(id=str(p)) for p in performers],
        studio=StudioRef(id=str(studio)) if studio is not None else None,
        date=date,
        photographer=photographer,
        galleries=galleries,
    )


def gallery(
    id: Any = "1",
    *,
    title: str | None = None,
    zip: str | None = None,
    folder: str | None = None,
    chapters: list[tuple[Any, str, int]] = (),
    cover: str | None = None,
    tags: tuple = (),
    performers: tuple = (),
    studio: str | None = None,
    date: str | None = None,
    code: str | None = None,
    photographer: str | None = None,
) -> Gallery:
    """A Gallery as the workflows read it. chapters: (id, title, image_index)."""
    return Gallery(
        id=str(id),
        title=title,
        code=code,
        date=date,
        photographer=photographer,
        files=[FileRef(path=zip)] if zip else [],
        folder=FolderRef(path=folder) if folder else None,
        chapters=[GalleryChapter(id=str(c[0]), title=c[1], image_index=c[2]) for c in chapters],
        cover=Image(id=str(cover)) if cover is not None else None,
        tags=[TagRef(id=str(t)) if not isinstance(t, TagRef) else t for t in tags],
        performers=[PerformerRef(id=str(p)) for p in performers],
        studio=StudioRef(id=str(studio)) if studio is not None else None,
    )


# -- simulators ---------------------------------------------------------------------------------
@contextmanager
def fresh_sim(
    library: dict[str, Any] | None = None,
    settings: dict[str, Any] | None = None,
    install: bool = True,
    on_disk: bool = False,
    scanned: bool = False,
) -> Iterator[StashSimulator]:
    """A new simulator (the sample library unless given), the plugin installed, settings saved.
    on_disk: the library is on this disk, under sim.library_root (its paths start with it).
    scanned: the library is real files there, scanned by the simulator's scanner (stash_sim/scanned.py)."""
    library = SAMPLE if library is None else library
    with StashSimulator(library=library, on_disk=on_disk, scanned=scanned) as simulator:
        if install:
            simulator.install_plugin(REPO)
        if settings:
            simulator.set_plugin_settings(PLUGIN, settings)
        yield simulator


def run(sim: StashSimulator, task: str, args: dict[str, Any] | None = None, *, ok: bool = True):
    """Press a task button; by default the run must succeed and answer with a report."""
    result = sim.run_task(task, args)
    if ok:
        assert result.error is None, f"{task}: {result.error}\n{result.log_text}"
        assert isinstance(result.output, dict), result.stdout
    return result


SETTLE_SECONDS = 300.0  # at most, for a killed run's last request to end (its hooks run inside it)


def settle(sim: StashSimulator) -> None:
    """Wait until the simulator holds no connection: a killed run's last request is still being
    answered after the kill (a galleryCreate runs Gallery.Create.Post's hooks inside it), as on a
    real Stash, and the rerun is the person's next click, not a race with that request."""
    deadline = time.monotonic() + SETTLE_SECONDS
    while sim.http.connections:
        if time.monotonic() > deadline:
            raise AssertionError(f"the simulator still answers a request {SETTLE_SECONDS:.0f} s after the kill")
        time.sleep(0.01)


def kill_and_rerun_at_every_request(
    library: Callable[[], dict[str, Any] | None],
    task: str,
    check: Callable[[StashSimulator], str | None] = lambda sim: None,
    setup: Callable[[StashSimulator], None] = lambda sim: None,
) -> tuple[int, list[str]]:
    """Kill-and-rerun on a library of its own (test_wf_kill does the sample's scenarios): `task`
    once on a fresh simulator of `library()`, then, for every N up to that run's requests (all of
    them, the hooks' too), a fresh one whose run is killed after N requests and run again.
    Returns (the uninterrupted run's requests, what went wrong: end states that differ from the
    uninterrupted run's, failed reruns, and what `check` says of the rerun's simulator).
    `setup` prepares each simulator (settings, scrapers) before its first run."""
    with fresh_sim(library()) as sim:
        setup(sim)
        run(sim, task)
        expected, total = state(sim), len(sim.requests.records)
    problems = []
    for kill_at in range(1, total + 1):
        with fresh_sim(library()) as sim:
            setup(sim)
            sim.requests.clear()
            sim.kill_plugin_after(kill_at)
            killed = sim.run_task(task)
            if killed.error != "signal: killed":
                problems.append(f"N={kill_at}: not killed ({killed.error})")
                continue
            settle(sim)
            rerun = run(sim, task)
            extra = check(sim)
            if rerun.output["failed_count"] or state(sim) != expected or extra:
                problems.append(f"N={kill_at}: {diff(expected, state(sim))} {extra or ''} {rerun.output['failed']}")
    return total, problems


def scan_new_galleries(sim: StashSimulator) -> tuple[str, str]:
    """One scan (one job) of SCAN_FOLDER, then SCAN_ZIP, as Stash's scanner does; returns their gallery
    ids once the scan and the jobs queued during it (Finish new galleries) have ended. On a scanned
    library they are real files, copied into the library and found by metadataScan."""
    if sim.config.stashes:
        add_real_files(sim, SCAN_BATCH)
        root = str(sim.library_root)
        sim.metadata_scan([root + "/library/new"])
        sim.jobs.wait_idle()
        ids = ids_by_path(sim)
        return ids[SCAN_FOLDER], ids[SCAN_ZIP]
    folder_id, zip_id = sim.scan([("folder", SCAN_FOLDER, SCAN_FOLDER_IMAGES), ("zip", SCAN_ZIP, SCAN_ZIP_IMAGES)])
    sim.jobs.wait_idle()
    assert folder_id is not None and zip_id is not None
    return str(folder_id), str(zip_id)


# -- reading the state --------------------------------------------------------------------------
# An image's path, for clips too (Image.files lists ImageFiles only; docs/stash.md §9)
def update_images(sim: StashSimulator, paths: list[str], **fields: Any) -> None:
    """bulkImageUpdate in-process (set-up only; not in the request log)."""
    ids = image_ids(sim)
    sim.gql(
        "mutation($i: BulkImageUpdateInput!) { bulkImageUpdate(input: $i) { id } }",
        {"i": {"ids": [ids[p] for p in paths], **fields}},
    )


# -- the task runs the end-to-end tests repeat -----------------------------------------------------
def give_images_metadata_of_their_own(sim: StashSimulator) -> None:
    """Sample images with metadata their galleries do not have (mirror removes or overwrites it)."""
    update_images(
        sim,
        ["/library/photos/Beach 2021/IMG_0002.jpg"],
        tag_ids={"ids": [named_id(sim, "tag", "Archive")], "mode": "ADD"},
    )
    update_images(
        sim,
        ["/library/photos/Portraits/p02.jpg"],
        performer_ids={"ids": [named_id(sim, "performer", "Bo Lind")], "mode": "ADD"},
    )
    update_images(sim, ["/library/zips/city_walk-2020.zip/a.jpg"], studio_id=named_id(sim, "studio", "Northwind Press"))
    update_images(sim, [f"{SUMMER}/Day 1/001.jpg"], date="1999-12-31", photographer="Someone")


def same(path: str) -> str:
    return path


def give_images_tags_their_gallery_lacks(sim: StashSimulator, path: Callable[[str], str] = same) -> None:
    """Every image of city_walk tagged Travel and with Ada Vale, one also Portrait; one Beach image Archive.
    `path` maps the sample's paths (test_wf_hosts: to a Windows host's)."""
    city = [path(f"{CITY}/{n}") for n in ("a.jpg", "b.jpg", "c.jpg")]
    update_images(
        sim,
        city,
        tag_ids={"ids": [named_id(sim, "tag", "Travel")], "mode": "ADD"},
        performer_ids={"ids": [named_id(sim, "performer", "Ada Vale")], "mode": "ADD"},
    )
    update_images(sim, [path(f"{CITY}/b.jpg")], tag_ids={"ids": [named_id(sim, "tag", "Portrait")], "mode": "ADD"})
    update_images(
        sim, [path(f"{BEACH}/IMG_0002.jpg")], tag_ids={"ids": [named_id(sim, "tag", "Archive")], "mode": "ADD"}
    )


MOVED_PORTRAITS = PORTRAITS_ZIP


def scan_with_hooks(sim: StashSimulator) -> None:
    """The scan of SCAN_FOLDER and SCAN_ZIP with every new-gallery rule on (the hook runs)."""
    scan_new_galleries(sim)


# What the hook does to the scanned galleries with SETTINGS of the "finish" scenario (a test
# checks that marked_like_the_hook gives exactly the state the real hook leaves).
HOOKED = {
    SCAN_FOLDER: {"title": "Hike", "date": "2023-05-01"},
    SCAN_ZIP: {"title": "Party Night", "date": "2023-06-10"},
}


def marked_like_the_hook(sim: StashSimulator) -> None:
    """The same scan with the plugin not installed, then the hook's writes made in-process:
    the state the hook leaves, for a fraction of the processes (the kill loop repeats it)."""
    sim.uninstall_plugins()
    folder_id, zip_id = scan_new_galleries(sim)
    sim.install_plugin(REPO)
    tag_id = sim.gql("mutation($n: String!) { tagCreate(input: {name: $n}) { id } }", {"n": NEW_GALLERY_TAG})[
        "tagCreate"
    ]["id"]
    for gallery_id, path in ((folder_id, SCAN_FOLDER), (zip_id, SCAN_ZIP)):
        sim.gql(
            "mutation($i: GalleryUpdateInput!) { galleryUpdate(input: $i) { id } }",
            {"i": {"id": gallery_id, **HOOKED[path], "tag_ids": [tag_id]}},
        )


@dataclass(frozen=True)
class Scenario:
    """A task run on the sample library: its button, its set-up, and how it previews."""

    button: str
    preview: tuple[str, dict[str, Any]]  # the button and args that preview the same run
    settings: dict[str, Any] | None = None
    prepare: Callable[[StashSimulator], None] | None = None
    on_disk: bool = False  # the sample written to disk (sim.library_root): for tasks that look at files

    def setup(self, sim: StashSimulator) -> None:
        if self.settings:
            sim.set_plugin_settings(PLUGIN, self.settings)
        if self.prepare is not None:
            self.prepare(sim)


PREVIEW = {"dry_run": "true"}
SCENARIOS: dict[str, Scenario] = {
    "chapters": Scenario(CHAPTERS, (CHAPTERS, PREVIEW)),
    "chapters_replace": Scenario(CHAPTERS_REPLACE_APPLY, (CHAPTERS_REPLACE_PREVIEW, {})),
    "set_covers": Scenario(SET_COVERS, (SET_COVERS, PREVIEW)),
    "reset_covers": Scenario(RESET_COVERS_APPLY, (RESET_COVERS_PREVIEW, {})),
    "titles": Scenario(TITLES, (TITLES, PREVIEW), settings={"titlePattern": TITLE_PATTERN}),
    "sync": Scenario(SYNC, (SYNC, PREVIEW), prepare=give_images_metadata_of_their_own),
    "sync_mirror": Scenario(SYNC_MIRROR_APPLY, (SYNC_MIRROR_PREVIEW, {}), prepare=give_images_metadata_of_their_own),
    # six gallery tasks, each on what the sample library holds for it
    "gallery_from_images": Scenario(GALLERY_FROM_IMAGES, (GALLERY_FROM_IMAGES, PREVIEW)),
    "clean_empty": Scenario(CLEAN_EMPTY_APPLY, (CLEAN_EMPTY_PREVIEW, {})),
    "merge_duplicates": Scenario(MERGE_APPLY, (MERGE_PREVIEW, {})),
    "galleries_from_folders": Scenario(LOOSE, (LOOSE_PREVIEW, {})),
    "link_scenes": Scenario(LINK_SCENES, (LINK_SCENES, PREVIEW)),
    # with the copy: the matched scenes' metadata is read per page (one more request to be killed at)
    "link_scenes_copy": Scenario(LINK_SCENES, (LINK_SCENES, PREVIEW), settings={"linkScenesCopyMetadata": True}),
    "import_file_metadata": Scenario(IMPORT_FILE_METADATA, (IMPORT_FILE_METADATA, PREVIEW), on_disk=True),
    # the button after a scan: the hook leaves the galleries marked and queues nothing (finish by hand)
    "finish": Scenario(
        FINISH,
        (FINISH, PREVIEW),
        settings={**ALL_HOOK_RULES, "titlePattern": TITLE_PATTERN, "hookFinishByHand": True},
        prepare=scan_with_hooks,
    ),
}


# "finish" with the hook's work done in-process: for the kill-and-rerun loop only.
SCENARIOS_CHEAP_SETUP: dict[str, Scenario] = {
    "finish_marked": Scenario(
        FINISH, (FINISH, PREVIEW), settings=SCENARIOS["finish"].settings, prepare=marked_like_the_hook
    ),
}


def scenario(name: str) -> Scenario:
    return SCENARIOS[name] if name in SCENARIOS else SCENARIOS_CHEAP_SETUP[name]


@contextmanager
def scenario_sim(name: str, scanned: bool = False) -> Iterator[StashSimulator]:
    """A fresh sample simulator with the plugin installed and the scenario's set-up done (scanned:
    the sample as real files, scanned)."""
    with fresh_sim(on_disk=scenario(name).on_disk, scanned=scanned) as simulator:
        scenario(name).setup(simulator)
        simulator.requests.clear()
        simulator.hooks.clear()
        yield simulator


def diff(before: dict[str, Any], after: dict[str, Any]) -> dict[tuple[str, str, str], tuple[Any, Any]]:
    """What changed between two state() snapshots: {(kind, key, field): (before, after)}."""
    out = {}
    for kind in ("galleries", "images"):
        for key in sorted(set(before[kind]) | set(after[kind])):
            old, new = before[kind].get(key, {}), after[kind].get(key, {})
            for field in sorted(set(old) | set(new)):
                if old.get(field) != new.get(field):
                    out[(kind, key, field)] = (old.get(field), new.get(field))
    return out


@dataclass
class ScenarioRun:
    """A scenario's button pressed twice on a fresh simulator, with the state and requests around it."""

    first: Any  # RunResult of the first run
    second: Any  # RunResult of the run right after it
    before: dict[str, Any]
    after: dict[str, Any]
    after_second: dict[str, Any]
    first_requests: list[Any]
    second_requests: list[Any]


def run_twice(name: str, scanned: bool = False) -> ScenarioRun:
    with scenario_sim(name, scanned) as sim:
        before = state(sim)
        first = run(sim, scenario(name).button)
        after, first_requests = state(sim), sim.requests.records
        sim.requests.clear()
        second = run(sim, scenario(name).button)
        # outputs without the library's root: comparable with another simulator's
        first, second = (replace(r, output=portable(sim, r.output)) for r in (first, second))
        return ScenarioRun(first, second, before, after, state(sim), first_requests, sim.requests.records)
