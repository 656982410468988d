"""Every file in fixtures/ runs as Stash would run it, against the sample library, and does
what it is for: the output, the log and the simulator's state after the run are checked
against a table of expectations, one entry per fixture.

Operation fixtures go through runPluginOperation (args as-is), task fixtures through the
manifest's task button with the same defaultArgs, hook fixtures through the manifest's hook
with the fixture's hookContext. Two fixtures are also run the manual way the README shows:
`python gallery_tools.py < fixture`, pointed at the simulator's port.
"""

from __future__ import annotations

import ast
import json
import os
import socket
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from stash_sim import StashSimulator
from stash_sim.runner import RunResult, parse_stderr, parse_stdout
from support.manifest import MANIFEST
from support.state import State

from gallery_ops.common.settings import SETTINGS
from gallery_ops.entry.plugin_operations import OPERATION_NAMES
from gallery_ops.entry.registry import TASKS

REPO = Path(__file__).resolve().parents[2]
FIXTURES = REPO / "fixtures"
FIXTURE_NAMES = sorted(path.stem for path in FIXTURES.glob("*.json"))
SIM_PORT = next(
    ast.literal_eval(node.value)
    for node in ast.parse((REPO / "scripts" / "sim_server.py").read_text(encoding="utf-8")).body
    if isinstance(node, ast.Assign) and getattr(node.targets[0], "id", "") == "DEFAULT_PORT"
)

# -- reading the simulator's state (in-process, not in the request log): support.state.State --------


def tag_ids(found: dict[str, Any]) -> set[str]:
    return {tag["id"] for tag in found["tags"]}


def mutated(sim: StashSimulator) -> list[str]:
    """The root fields of every mutation the plugin sent."""
    return [field for record in sim.requests.mutations() for field in record.root_fields]


# -- the expectations ----------------------------------------------------------------------------
# Sample library (tests/stash_sim/libraries/sample.yml): galleries 1 Beach 2021 (folder, images
# 1-4, cover.jpg = image 3), 2 Studio Portraits (folder, images 5-7, explicit cover p03 = 7),
# 3 Summer Trip zip (images 8-12 in Day 1 / Day 2 / Day 10), 4 city_walk zip (images 13-15,
# b.jpg = 14 is portrait), 5 Best of 2021 (user-created: images 16 sunset, 1, 5; chapter 1
# "Beach" at 1), 6 Empty Collection (user-created, empty), 7 Portraits.zip (images 17-19, the
# same checksums as 5-7; p02 = 18 is portrait), 8 Coast 3.cbz (20-22, a ComicInfo.xml inside),
# 9 Night Market.zip (23-24, a gallery-dl JSON next to it), 10 Harbour (folder, 25-26, tagged
# Travel with Bo Lind), 11 Old Trip (folder gone, no images). Images in no gallery: 27 night.jpg
# (loose/), 28-30 (unsorted/Hiking 2019). Tags: 1 Beach, 2 Portrait, 3 Travel, 4 Archive.
# Performers: 1 Ada Vale, 2 Bo Lind. Not on this disk (file metadata reads nothing).


@dataclass(frozen=True)
class Expect:
    check: Callable[[StashSimulator, Any, RunResult], None]  # (sim, output, result)
    mutations: tuple[str, ...] = ()  # root fields of the mutations, in order (() = none)
    setup: Callable[[StashSimulator], None] | None = None
    release: str | None = None  # the Stash it needs (custom fields: v0.31.1), else the run's release


def _archive_on_image_2(sim: StashSimulator) -> None:
    """Image 2 (Beach 2021) gets the tag Archive, which its gallery does not have."""
    sim.gql('mutation { bulkImageUpdate(input: {ids: ["2"], tag_ids: {ids: ["4"], mode: ADD}}) { id } }')
    assert tag_ids(State(sim).image("2")) == {"4"}


def _sample_scrapers(sim: StashSimulator) -> None:
    """Stash's scrapers folder holds the test scrapers, and the setting names Sample Site (as
    scripts/sim_server.py does for manual runs)."""
    sim.scrapers.install_folder(REPO / "tests" / "scrapers")
    sim.set_plugin_settings("gallery_tools", {"scrapers": "sample_site", "scrapePause": 0})


def _travel_on_city_walk_images(sim: StashSimulator) -> None:
    """Images 13-15 (city_walk, a gallery without tags) get the tag Travel."""
    sim.gql('mutation { bulkImageUpdate(input: {ids: ["13", "14", "15"], tag_ids: {ids: ["3"], mode: ADD}}) { id } }')


def check_gallery_from_images(sim, output, result):
    assert output["changes"] == [
        {
            "gallery": "4",
            "add": {"tag_ids": ["3"]},
            "names": {"gallery": {"4": "city_walk-2020.zip"}, "tag": {"3": "Travel"}},
        },
        {
            "gallery": "10",
            "add": {"tag_ids": ["3"], "performer_ids": ["2"]},
            "names": {"gallery": {"10": "Harbour"}, "tag": {"3": "Travel"}, "performer": {"2": "Bo Lind"}},
        },
    ]
    assert tag_ids(State(sim).gallery("4")) == {"3"} and tag_ids(State(sim).gallery("1")) == {"1"}
    assert tag_ids(State(sim).gallery("10")) == {"3"}  # Archive is on one of its two images only


def check_clean_empty(sim, output, result):
    assert output["changes"] == [
        {
            "gallery": "6",
            "destroy_gallery": {"title": "Empty Collection", "why": "hand-made, no images"},
            "names": {"gallery": {"6": "Empty Collection"}},
        }
    ]
    assert State(sim).gallery("6") is None and State(sim).gallery_count() == 10
    assert State(sim).gallery("11") is not None  # its folder is gone, but Stash still has it: listed, kept
    assert State(sim).image_ids("5") == {"1", "5", "16"}


def check_clean_empty_preview(sim, output, result):
    preview_check("clean_empty_galleries", "6")(sim, output, result)
    assert State(sim).gallery("6") is not None


MERGE_WRITES = ("galleryUpdate", "bulkGalleryUpdate", "setGalleryCover")


def check_merge(sim, output, result):
    assert output["groups"] == [
        {
            "keep": "7",
            "duplicates": ["2"],
            "by": "image checksums",
            "names": {"gallery": {"7": "Portraits.zip", "2": "Studio Portraits"}},
        }
    ]
    merged = State(sim).gallery("7")
    assert merged["title"] == "Studio Portraits" and tag_ids(merged) == {"2"} and State(sim).cover("7") == "19"
    assert State(sim).gallery("2") is not None  # both sets' paths are not on this disk: nothing is deleted


def check_merge_preview(sim, output, result):
    preview_check("merge_duplicate_galleries", "7")(sim, output, result)
    assert State(sim).gallery("7")["title"] in (None, "")


HIKING = "/library/unsorted/Hiking 2019"


def check_galleries_from_folders(sim, output, result):
    # loose/ holds one image in no gallery (night.jpg), under the default minimum of 2
    assert output["changes"] == [
        {"folder": HIKING, "create_gallery": "Hiking 2019", "images": 3, "names": {}},
        {"folder": HIKING, "gallery": None, "add_images": 3, "names": {}},
    ]
    assert State(sim).gallery_count() == 12 and State(sim).image_ids("12") == {"28", "29", "30"}
    assert State(sim).gallery("12")["title"] == "Hiking 2019"


def check_galleries_from_folders_preview(sim, output, result):
    assert output["dry_run"] is True and output["summary"].startswith("2 galleries scanned, 1 would change")
    assert output["changes"][0] == {"folder": HIKING, "create_gallery": "Hiking 2019", "images": 3, "names": {}}
    assert any("preview: nothing will be changed" in m for m in result.messages("info"))
    assert State(sim).gallery_count() == 11


def check_link_scenes(sim, output, result):
    # scenes: 2 City Walk (next to city_walk-2020.zip), 3 Behind the Portraits (in the Portraits folder);
    # Beach 2021 has two videos named like it: left alone
    assert output["changes"] == [
        {
            "gallery": "2",
            "add": {"scene_ids": ["3"]},
            "names": {"gallery": {"2": "Studio Portraits"}, "scene": {"3": "Behind the Portraits"}},
        },
        {
            "gallery": "4",
            "add": {"scene_ids": ["2"]},
            "names": {"gallery": {"4": "city_walk-2020.zip"}, "scene": {"2": "City Walk"}},
        },
    ]
    assert output["skipped"]["several scenes match (left alone)"] == 1
    scenes = sim.gql('{ findGalleries(filter: {per_page: -1, sort: "id"}) { galleries { scenes { id } } } }')
    assert [[s["id"] for s in g["scenes"]] for g in scenes["findGalleries"]["galleries"]] == [
        [],
        ["3"],
        [],
        ["2"],
        ["1"],
        [],
    ] + [[]] * 5


def check_import_file_metadata(sim, output, result):
    # the sample's zips and folders are not on this disk: every gallery is skipped with its reason
    assert output["change_count"] == 0 and output["skipped"] == {
        "its zip or folder is not on this disk": 9,
        "hand-made (no zip or folder)": 2,
    }


def check_scrape(sim, output, result):
    # Sample Site finds 5 galleries, Example Org Best of 2021 by its URL; 5 galleries are not found
    assert (output["changed"], output["skipped"]) == (6, {"nothing found by Sample Site": 5})
    assert output["unmatched_names"] == {"tags": ["Sunset"], "performers": ["Cy Moss"]}
    done = sim.gql(
        '{ findTags(tag_filter: {name: {value: "Gallery Tools: scraped", modifier: EQUALS}})'
        " { tags { gallery_count } } }"
    )["findTags"]["tags"]
    if output["dry_run"]:
        assert done == [] and State(sim).gallery("1")["title"] in (None, "")
    else:
        assert done == [{"gallery_count": 11}] and State(sim).gallery("1")["title"] == "Beach Days 2021"


def check_add_images(sim, output, result):
    assert output is True
    assert State(sim).image_ids("6") == {"16", "27"}


def check_bulk_update(sim, output, result):
    assert sorted(g["id"] for g in output) == ["1", "3"]
    assert all("4" in tag_ids(g) for g in output)
    assert tag_ids(State(sim).gallery("1")) == {"1", "4"}  # ADD keeps Beach
    assert tag_ids(State(sim).gallery("3")) == {"3", "4"}  # ADD keeps Travel
    assert tag_ids(State(sim).gallery("2")) == {"2"}


def check_create(sim, output, result):
    assert output["title"] == "Holiday picks" and [t["id"] for t in output["tags"]] == ["1"]
    created = State(sim).gallery(output["id"])
    assert created["title"] == "Holiday picks" and tag_ids(created) == {"1"} and created["image_count"] == 0
    assert State(sim).gallery_count() == 12


def check_find_galleries(sim, output, result):
    assert output["count"] == 5
    assert sorted((g["id"] for g in output["galleries"]), key=int) == ["3", "4", "7", "8", "9"]  # the zips
    assert all(g["files"] and g["files"][0]["path"].endswith((".zip", ".cbz")) for g in output["galleries"])


def check_find_gallery(sim, output, result):
    assert output["id"] == "3" and output["image_count"] == 5
    assert output["files"][0]["path"] == "/library/zips/Summer Trip [2022-08-01].zip"
    assert [t["name"] for t in output["tags"]] == ["Travel"]


def check_galleries_update(sim, output, result):
    assert [g["id"] for g in output] == ["1", "2"]
    assert State(sim).gallery("1")["rating100"] == 60 and State(sim).gallery("1")["organized"] is False
    assert State(sim).gallery("2")["organized"] is True and State(sim).gallery("2")["rating100"] is None


def check_chapter_create(sim, output, result):
    assert (output["title"], output["image_index"], output["gallery"]["id"]) == ("Day 1", 1, "3")
    assert State(sim).chapters("3") == [("Day 1", 1)]


def check_chapter_destroy(sim, output, result):
    assert output is True
    assert State(sim).chapters("5") == []


def check_chapter_update(sim, output, result):
    assert (output["id"], output["title"], output["image_index"]) == ("1", "Beach days", 2)
    assert State(sim).chapters("5") == [("Beach days", 2)]


def check_destroy(sim, output, result):
    assert output is True
    assert State(sim).gallery("6") is None and State(sim).gallery_count() == 10
    assert State(sim).image("16") is not None  # a user-created gallery's images stay


def hook_check(gallery_id: str, by_scan: bool):
    def check(sim, output, result):
        assert output["gallery"] == gallery_id and output["made_by_scan"] is by_scan
        assert "no new-gallery rules are switched on" in output["result"]
        # nothing to do: said at debug level only (a scan of 1,000 galleries adds nothing at Info)
        assert result.messages("info") == []
        assert any(m.startswith('new gallery "') and f" [{gallery_id}]: " in m for m in result.messages("debug"))
        assert result.progress == []  # hooks drive no progress bar

    return check


def check_remove_images(sim, output, result):
    assert output is True
    assert State(sim).image_ids("5") == {"1", "5"}


def check_reset_cover(sim, output, result):
    assert output is True
    assert State(sim).cover("2") == "5"  # Stash's default pick again: the first image, p01


def check_set_cover(sim, output, result):
    assert output is True
    assert State(sim).cover("5") == "5"


def check_capabilities(sim, output, result):
    assert list(output["operations"]) == list(OPERATION_NAMES)
    assert output["operations"]["find_galleries"] == ["filter?", "gallery_filter?", "q?"]  # names as documented
    assert list(output["tasks"]) == list(TASKS)
    assert output["hooks"] == ["Gallery.Create.Post"]
    assert {k: v["value"] for k, v in output["settings"].items()} == {s.key: s.default for s in SETTINGS}
    # Stash logs a task's output at debug level only: the listing must be in the log
    info = result.messages("info")
    assert "operation find_galleries(filter?, gallery_filter?, q?)" in info
    assert all(any(m.startswith(f"task {mode}: ") for m in info) for mode in TASKS)
    assert "hooks: Gallery.Create.Post" in info
    assert all(any(m.startswith(f"setting {s.key} ") for m in info) for s in SETTINGS)


def check_chapters(sim, output, result):
    assert output["dry_run"] is False and output["changed"] == 2
    assert State(sim).chapters("3") == [("Day 1", 1), ("Day 2", 3), ("Day 10", 5)]  # natural image order
    kept = State(sim).chapters("5")
    assert ("Beach", 1) in kept and len(kept) == 3  # existing chapter kept, two folder chapters added
    assert State(sim).chapters("1") == [] and State(sim).chapters("4") == []  # one-folder galleries


def check_chapters_replace(sim, output, result):
    assert output["dry_run"] is False
    assert State(sim).chapters("3") == [("Day 1", 1), ("Day 2", 3), ("Day 10", 5)]
    replaced = State(sim).chapters("5")
    assert [index for _, index in replaced] == [1, 2, 3] and ("Beach", 1) not in replaced
    assert [any(word in title for title, _ in replaced) for word in ("loose", "Beach 2021", "Portraits")] == [True] * 3


def preview_check(task: str, gallery_in_changes: str):
    def check(sim, output, result):
        assert output["task"] == task and output["dry_run"] is True
        assert "would change" in output["summary"] and output["change_count"] >= 1
        assert any(change["gallery"] == gallery_in_changes for change in output["changes"])
        assert any("preview: nothing will be changed" in m for m in result.messages("info"))

    return check


def check_finish(sim, output, result):
    assert output["task"] == "finish_new_galleries" and output["scanned"] == 0 and output["failed_count"] == 0


def check_reset_covers(sim, output, result):
    assert output["changes"] == [
        {
            "gallery": "2",
            "reset_cover": {"was": "7", "path": "/library/photos/Portraits/p03.jpg"},
            "names": {"gallery": {"2": "Studio Portraits"}, "image": {"7": "p03.jpg"}},
        }
    ]
    assert State(sim).cover("2") == "5"
    assert [State(sim).cover(g) for g in ("1", "3", "4", "5")] == ["3", "8", "13", "16"]


def check_set_covers(sim, output, result):
    assert output["dry_run"] is False and output["changed"] == 2
    assert State(sim).cover("4") == "14"  # city_walk: no cover-like name, the first portrait image (b.jpg)
    assert State(sim).cover("7") == "18"  # the Portraits zip: p02, the same way
    assert State(sim).cover("2") == "7"  # a chosen cover is never touched
    assert State(sim).cover("1") == "3"  # cover.jpg: the rule agrees with Stash's pick


def check_sync(mirror: bool):
    def check(sim, output, result):
        # mirror: Harbour (no tags, no performers) takes its images' own away too
        assert output["dry_run"] is False and output["changed"] == (4 if mirror else 3)
        img2 = State(sim).image("2")  # Beach 2021: Beach, Ada Vale, Lumen Studio, 2021-07-14
        assert tag_ids(img2) == ({"1"} if mirror else {"1", "4"})  # mirror removes Archive, add-only keeps it
        assert {p["id"] for p in img2["performers"]} == {"1"}
        assert (img2["studio"] or {}).get("id") == "1" and img2["date"] == "2021-07-14"
        img6 = State(sim).image("6")  # Portraits: Portrait tag, photographer Jo Marsh
        assert tag_ids(img6) == {"2"} and img6["photographer"] == "Jo Marsh"
        img8 = State(sim).image("8")  # Summer Trip: Travel, Bo Lind
        assert tag_ids(img8) == {"3"} and {p["id"] for p in img8["performers"]} == {"2"}
        assert tag_ids(State(sim).image("25")) == (set() if mirror else {"3"})

    return check


def check_sync_preview(sim, output, result):
    preview_check("sync_images_from_gallery", "1")(sim, output, result)
    assert tag_ids(State(sim).image("2")) == {"4"}


def check_repair_chapters(sim, output, result):
    # on the sample library only Best of 2021 has a chapter (a person's): its anchor is recorded
    assert output["task"] == "repair_chapters" and output["changed"] == 1 and output["change_count"] == 1
    assert output["changes"][0]["gallery"] == "5" and "custom_fields" in output["changes"][0]
    fields = sim.gql('{ findGallery(id: "5") { chapters { id } custom_fields } }')["findGallery"]
    chapter_id = fields["chapters"][0]["id"]
    anchor = json.loads(fields["custom_fields"][f"gallery_tools.chapter.{chapter_id}"])
    # the image at index 1 in Stash's gallery order (by path): loose/sunset.jpg
    assert anchor["index"] == 1 and anchor["path"] == "/library/loose/sunset.jpg" and anchor["md5"]


def check_titles(sim, output, result):
    assert output["changed"] == 8  # every zip and folder gallery without a title
    assert State(sim).gallery("7")["title"] == "Portraits" and State(sim).gallery("8")["title"] == "Coast 3"
    assert State(sim).gallery("1")["title"] == "Beach 2021"
    assert State(sim).gallery("2")["title"] == "Studio Portraits"  # a title a person set is kept
    for zipped in ("3", "4", "9"):
        title = State(sim).gallery(zipped)["title"]
        assert title and ".zip" not in title
    assert State(sim).gallery("5")["title"] == "Best of 2021" and State(sim).gallery("6")["title"] == "Empty Collection"


def check_update(sim, output, result):
    assert (output["id"], output["details"], output["rating100"]) == ("5", "My favourite photos of 2021", 80)
    after = State(sim).gallery("5")
    assert after["details"] == "My favourite photos of 2021" and after["rating100"] == 80
    assert after["title"] == "Best of 2021" and after["urls"] == ["https://example.org/best-of-2021"]  # untouched


def check_update_images(sim, output, result):
    assert output is True
    assert State(sim).image_ids("5") == {"1", "5", "27"}


EXPECTATIONS: dict[str, Expect] = {
    "add_gallery_images": Expect(check_add_images, ("addGalleryImages",)),
    "bulk_gallery_update": Expect(check_bulk_update, ("bulkGalleryUpdate",)),
    "create_gallery": Expect(check_create, ("galleryCreate",)),
    "find_galleries": Expect(check_find_galleries),
    "find_gallery": Expect(check_find_gallery),
    "galleries_update": Expect(check_galleries_update, ("galleriesUpdate",)),
    "gallery_chapter_create": Expect(check_chapter_create, ("galleryChapterCreate",)),
    "destructive_gallery_chapter_destroy": Expect(check_chapter_destroy, ("galleryChapterDestroy",)),
    "gallery_chapter_update": Expect(check_chapter_update, ("galleryChapterUpdate",)),
    "destructive_gallery_destroy": Expect(check_destroy, ("galleryDestroy",)),
    "hook_gallery_created_by_hand": Expect(hook_check("6", by_scan=False)),
    "hook_gallery_created_by_scan": Expect(hook_check("4", by_scan=True)),
    "destructive_remove_gallery_images": Expect(check_remove_images, ("removeGalleryImages",)),
    "destructive_reset_gallery_cover": Expect(check_reset_cover, ("resetGalleryCover",)),
    "set_gallery_cover": Expect(check_set_cover, ("setGalleryCover",)),
    "task_capabilities": Expect(check_capabilities),
    "task_chapters_from_folders": Expect(check_chapters, ("galleryChapterCreate",) * 5),
    "destructive_task_chapters_replace_apply": Expect(
        check_chapters_replace, ("galleryChapterCreate",) * 6 + ("galleryChapterDestroy",)
    ),
    "task_chapters_replace_preview": Expect(preview_check("chapters_from_folders", "5")),
    "task_repair_chapters": Expect(check_repair_chapters, ("galleryUpdate",), release="v0.31.1"),
    "task_repair_chapters_preview": Expect(preview_check("repair_chapters", "5"), release="v0.31.1"),
    "task_finish_new_galleries": Expect(check_finish),
    "destructive_task_reset_covers_apply": Expect(check_reset_covers, ("resetGalleryCover",)),
    "task_reset_covers_preview": Expect(preview_check("reset_covers", "2")),
    "task_set_covers": Expect(check_set_covers, ("setGalleryCover",) * 2),
    "destructive_task_clean_empty_galleries_apply": Expect(check_clean_empty, ("galleryDestroy",)),
    "task_clean_empty_galleries_preview": Expect(check_clean_empty_preview),
    "destructive_task_merge_duplicate_galleries_delete_apply": Expect(check_merge, MERGE_WRITES),
    "task_merge_duplicate_galleries_apply": Expect(check_merge, MERGE_WRITES),
    "task_merge_duplicate_galleries_preview": Expect(check_merge_preview),
    "task_galleries_from_folders": Expect(check_galleries_from_folders, ("galleryCreate", "addGalleryImages")),
    "task_galleries_from_folders_preview": Expect(check_galleries_from_folders_preview),
    "task_link_scenes": Expect(check_link_scenes, ("bulkGalleryUpdate", "bulkGalleryUpdate")),
    "task_import_file_metadata": Expect(check_import_file_metadata),
    "task_scrape_galleries": Expect(
        check_scrape, ("tagCreate", *("galleryUpdate",) * 6, "bulkGalleryUpdate"), setup=_sample_scrapers
    ),
    "task_scrape_galleries_preview": Expect(check_scrape, setup=_sample_scrapers),
    "task_sync_gallery_from_images": Expect(
        check_gallery_from_images, ("bulkGalleryUpdate",) * 2, setup=_travel_on_city_walk_images
    ),
    "task_sync_images_from_gallery": Expect(
        check_sync(mirror=False), ("bulkImageUpdate",) * 3, setup=_archive_on_image_2
    ),
    "destructive_task_sync_mirror_apply": Expect(
        check_sync(mirror=True), ("bulkImageUpdate",) * 4, setup=_archive_on_image_2
    ),
    "task_sync_mirror_preview": Expect(check_sync_preview, setup=_archive_on_image_2),
    "task_title_from_path": Expect(check_titles, ("galleryUpdate",) * 8),
    "update_gallery": Expect(check_update, ("galleryUpdate",)),
    "destructive_update_gallery_images": Expect(check_update_images, ("addGalleryImages", "removeGalleryImages")),
}


def test_every_fixture_has_an_expectation() -> None:
    assert sorted(EXPECTATIONS) == FIXTURE_NAMES


def run_fixture(sim: StashSimulator, data: dict[str, Any]) -> RunResult:
    """Run a fixture's args the way Stash would for its kind, with the simulator's connection."""
    args = data["args"]
    if kind(args) == "hookContext":
        hooks = MANIFEST.hooks_for(args["hookContext"]["type"])
        assert len(hooks) == 1, f"the manifest has {len(hooks)} hooks for {args['hookContext']['type']}"
        return sim.runner().run_hook(hooks[0], args["hookContext"], sim.server_connection())
    if kind(args) == "operation":
        return sim.run_operation(args)
    buttons = [task for task in MANIFEST.tasks if task.default_args == args]
    assert len(buttons) == 1, f"no task button (or several) in gallery_tools.yml has defaultArgs {args}"
    return sim.run_task(buttons[0].name)


@pytest.mark.parametrize("name", FIXTURE_NAMES)
def test_fixture_runs_as_stash_runs_it(name: str, plugin_sim: StashSimulator, snapshot, answer, load_fixture) -> None:
    expect = EXPECTATIONS[name]
    if expect.release is not None and expect.release != plugin_sim.release.name:
        with StashSimulator(release=expect.release) as sim:
            sim.install_plugin(REPO)
            _fixture_runs(name, expect, sim, snapshot, answer, load_fixture)
        return
    _fixture_runs(name, expect, plugin_sim, snapshot, answer, load_fixture)


def _fixture_runs(name: str, expect: Expect, plugin_sim: StashSimulator, snapshot, answer, load_fixture) -> None:
    if expect.setup is not None:
        expect.setup(plugin_sim)
    before = snapshot(plugin_sim)
    plugin_sim.requests.clear()

    result = run_fixture(plugin_sim, load_fixture(name))

    got = answer(result)
    assert got["error"] is None, result.log_text
    assert not result.messages("error") and not result.messages("warning"), result.log_text
    assert mutated(plugin_sim) == list(expect.mutations)
    assert plugin_sim.requests.introspections() == []  # no schema introspection, ever
    expect.check(plugin_sim, got["output"], result)
    if not expect.mutations:
        assert snapshot(plugin_sim) == before  # reads and previews change nothing
    output = got["output"]
    if isinstance(output, dict) and "summary" in output:  # a task report: logged, with progress to the end
        assert any(output["summary"] in m for m in result.messages("info")), result.log_text
        if output["scanned"]:
            assert result.progress and result.progress[-1] == 1.0
        assert result.progress == sorted(result.progress)


def kind(args: dict[str, Any]) -> str:
    """How the plugin dispatches these args (hookContext first, then operation, then mode)."""
    return next(key for key in ("hookContext", "operation", "mode") if key in args)


def test_task_fixtures_match_manifest_buttons_both_ways(load_fixture) -> None:
    """A fixture per task button, and a task button for every task fixture."""
    task_args = [a for a in (load_fixture(n)["args"] for n in FIXTURE_NAMES) if kind(a) == "mode"]
    assert sorted(json.dumps(a, sort_keys=True) for a in task_args) == sorted(
        json.dumps(t.default_args, sort_keys=True) for t in MANIFEST.tasks
    )


def test_one_operation_fixture_per_operation_and_hook_fixtures_for_the_manifest_hook(load_fixture) -> None:
    args = [load_fixture(n)["args"] for n in FIXTURE_NAMES]
    assert sorted(a["operation"] for a in args if kind(a) == "operation") == sorted(OPERATION_NAMES)
    assert {a["mode"] for a in args if kind(a) == "mode"} == set(TASKS)
    hook_types = {a["hookContext"]["type"] for a in args if kind(a) == "hookContext"}
    assert hook_types == {trigger for hook in MANIFEST.hooks for trigger in hook.triggered_by}


def test_fixtures_point_at_the_simulator_never_at_a_default_stash(load_fixture) -> None:
    """Go-shaped (Host 0.0.0.0 as Stash sends it), for `scripts/sim_server.py` on its default port,
    which is not Stash's 9999: a fixture run by hand cannot reach a real Stash by accident."""
    assert SIM_PORT != 9999
    for name in FIXTURE_NAMES:
        data = load_fixture(name)
        assert set(data) == {"server_connection", "args"}, name
        connection = data["server_connection"]
        assert (connection["Scheme"], connection["Host"], connection["Port"]) == ("http", "0.0.0.0", SIM_PORT), name
        assert connection["SessionCookie"] is None, name


def destructive(args: dict[str, Any]) -> bool:
    """Does the run remove or overwrite what a person set (destroy, SET, replace, reset, mirror)?"""
    if args.get("operation") in (
        "gallery_destroy",
        "gallery_chapter_destroy",
        "remove_gallery_images",
        "reset_gallery_cover",
    ):
        return True
    if args.get("operation") == "update_gallery_images":
        return args.get("mode", "SET") == "SET"
    applies = args.get("dry_run") == "false"
    deletes = args.get("mode") == "clean_empty_galleries" or args.get("delete_duplicates") == "true"
    return applies and (
        args.get("mode") == "reset_covers" or deletes or "true" in (args.get("replace"), args.get("mirror"))
    )


def test_destructive_fixtures_say_so_in_their_name(load_fixture) -> None:
    flagged = {name for name in FIXTURE_NAMES if name.startswith("destructive_")}
    assert flagged == {name for name in FIXTURE_NAMES if destructive(load_fixture(name)["args"])}
    assert len(flagged) == 10


def test_the_simulator_script_on_a_taken_port_says_so_in_one_line() -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        done = subprocess.run(
            [sys.executable, str(REPO / "scripts" / "sim_server.py"), "--port", str(port)],
            capture_output=True,
            text=True,
            timeout=120,
        )
    assert done.returncode == 2 and done.stdout == ""
    assert "Traceback" not in done.stderr and done.stderr.count("\n") == 1, done.stderr
    assert done.stderr.startswith(f"sim_server: port {port} on 127.0.0.1 is taken")
    assert "--port" in done.stderr


def test_hook_fixtures_look_like_what_stash_sends(plugin_sim: StashSimulator, load_fixture, answer) -> None:
    """The hook contexts the simulator fires for a gallery made by hand and by a scan have the
    fixtures' shape, and the installed plugin's hook handles them."""
    plugin_sim.gql('mutation { galleryCreate(input: {title: "By hand"}) { id } }')
    plugin_sim.scan_folder("/library/new/Scanned", ["001.jpg", "002.jpg"])
    runs = [run for run in plugin_sim.hooks.runs if run.plugin_id == "gallery_tools"]
    assert [run.trigger for run in runs] == ["Gallery.Create.Post", "Gallery.Create.Post"]
    for run, name in zip(runs, ("hook_gallery_created_by_hand", "hook_gallery_created_by_scan"), strict=True):
        fixture_context = load_fixture(name)["args"]["hookContext"]
        assert set(run.hook_context) == set(fixture_context), name
        assert (run.hook_context["input"] is None) == (fixture_context["input"] is None), name
        assert answer(run.result)["error"] is None
        assert run.result.output["made_by_scan"] is (fixture_context["input"] is None)


@pytest.mark.parametrize("name", ["find_gallery", "task_set_covers"])
def test_manual_run_from_the_readme(name: str, plugin_sim: StashSimulator, load_fixture, answer, tmp_path) -> None:
    """`python gallery_tools.py < fixtures/<name>.json`, the port rewritten to the simulator's:
    no runner, no PYTHONPATH, SessionCookie null, Host 0.0.0.0."""
    data = load_fixture(name, plugin_sim)
    assert data["server_connection"]["Host"] == "0.0.0.0" and data["server_connection"]["SessionCookie"] is None
    stdin = tmp_path / f"{name}.json"
    stdin.write_text(json.dumps(data), encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    with stdin.open("rb") as handle:
        completed = subprocess.run(
            [sys.executable, "gallery_tools.py"], stdin=handle, capture_output=True, cwd=REPO, env=env, timeout=120
        )
    stdout, stderr = completed.stdout.decode(), completed.stderr.decode()
    logs, progress = parse_stderr(stderr, "error")
    result = RunResult(*parse_stdout(stdout), completed.returncode, stdout, stderr, logs, progress, data)
    got = answer(result)
    assert got["error"] is None, stderr
    if name == "find_gallery":
        assert got["output"]["id"] == "3" and got["output"]["image_count"] == 5
    else:
        assert got["output"]["changes"] == [
            {
                "gallery": "4",
                "set_cover": {"image": "14", "path": "/library/zips/city_walk-2020.zip/b.jpg"},
                "names": {"gallery": {"4": "city_walk-2020.zip"}, "image": {"14": "b.jpg"}},
            },
            {
                "gallery": "7",
                "set_cover": {"image": "18", "path": "/library/zips/Portraits.zip/p02.jpg"},
                "names": {"gallery": {"7": "Portraits.zip"}, "image": {"18": "p02.jpg"}},
            },
        ]
        assert State(plugin_sim).cover("4") == "14"
        assert "\x01i\x02Set covers: 11 galleries scanned, 2 changed" in stderr
