"""Repair chapters end to end on the sample library: Stash v0.31.1 keeps each chapter's anchor in the
gallery's custom fields; v0.30.1 has none, and the task says so.

The zip "Summer Trip [2022-08-01].zip" holds Day 1/001-002, Day 2/001-002 and Day 10/001:
Chapters from folders gives it chapters Day 1 (image 1), Day 2 (3) and Day 10 (5) and records
where each starts. A rescan that finds two new images in front of them ("Day 0/...") shifts
every chapter onto another image (chapters are image indexes, docs/stash.md §4); Repair
chapters puts them back.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from stash_sim import StashSimulator
from wf_support import CHAPTERS, PLUGIN, REPO, SAMPLE, run

from gallery_ops.tasks.anchors import ANCHOR_PREFIX, Anchor

REPAIR = "Repair chapters"
REPAIR_PREVIEW = "Repair chapters (preview)"
ZIP = "/library/zips/Summer Trip [2022-08-01].zip"
NEW_IN_FRONT = ["Day 0/001.jpg", "Day 0/002.jpg"]
FOLDER_CHAPTERS = {"Day 1": "Day 1/001.jpg", "Day 2": "Day 2/001.jpg", "Day 10": "Day 10/001.jpg"}

GALLERY = """query($f: GalleryFilterType) { findGalleries(gallery_filter: $f) { galleries {
  id chapters { id title image_index } custom_fields } } }"""
IMAGES = """query($g: [ID!]) { findImages(image_filter: {galleries: {value: $g, modifier: INCLUDES}},
  filter: {per_page: -1, sort: "path"}) { images { id visual_files { ... on ImageFile { path } } } } }"""


@contextmanager
def v031_sim(settings: dict[str, Any] | None = None) -> Iterator[StashSimulator]:
    with StashSimulator(library=SAMPLE, release="v0.31.1") as sim:
        sim.install_plugin(REPO)
        if settings:
            sim.set_plugin_settings(PLUGIN, settings)
        yield sim


def the_zip(sim: StashSimulator) -> dict[str, Any]:
    found = sim.gql(GALLERY, {"f": {"path": {"value": ZIP, "modifier": "EQUALS"}}})["findGalleries"]["galleries"]
    assert len(found) == 1
    return found[0]


def image_paths(sim: StashSimulator, gallery_id: str) -> list[str]:
    """The gallery's images in gallery order, as paths inside the zip."""
    images = sim.gql(IMAGES, {"g": [gallery_id]})["findImages"]["images"]
    return [i["visual_files"][0]["path"][len(ZIP) + 1 :] for i in images]


def chapter_images(sim: StashSimulator) -> dict[str, str | None]:
    """Each chapter of the zip gallery: the image it starts at now."""
    gallery = the_zip(sim)
    paths = image_paths(sim, gallery["id"])
    return {
        c["title"]: paths[c["image_index"] - 1] if c["image_index"] <= len(paths) else None for c in gallery["chapters"]
    }


def anchors(sim: StashSimulator) -> dict[str, Anchor | None]:
    """The zip gallery's anchors by chapter title."""
    gallery = the_zip(sim)
    titles = {c["id"]: c["title"] for c in gallery["chapters"]}
    return {
        titles.get(name[len(ANCHOR_PREFIX) :], name): Anchor.decode(value)
        for name, value in gallery["custom_fields"].items()
        if name.startswith(ANCHOR_PREFIX)
    }


def move_chapter_by_hand(sim: StashSimulator, title: str, image_index: int) -> None:
    chapter = next(c for c in the_zip(sim)["chapters"] if c["title"] == title)
    sim.gql(
        "mutation($i: GalleryChapterUpdateInput!) { galleryChapterUpdate(input: $i) { id } }",
        {"i": {"id": chapter["id"], "image_index": image_index}},
    )


def remove_image_like_clean(sim: StashSimulator, inner_path: str) -> None:
    """What Stash's clean task does once a file is gone from the zip (pkg/file/clean.go: the image
    and its file records are deleted). The simulator does not model clean, so the test deletes the
    records itself, as clean would."""
    image_id = sim.store.value(
        "SELECT i_f.image_id FROM images_files i_f JOIN files ON files.id = i_f.file_id"
        " JOIN folders ON folders.id = files.parent_folder_id WHERE file_path(folders.path, files.basename) = ?",
        (f"{ZIP}/{inner_path}",),
    )
    assert image_id is not None, inner_path
    with sim.store.transaction() as db:
        db.execute("DELETE FROM images WHERE id = ?", (image_id,))


def writes(sim: StashSimulator) -> list[str]:
    return ["+".join(r.root_fields) for r in sim.requests.mutations()]


def test_chapters_from_folders_records_where_each_chapter_starts() -> None:
    with v031_sim() as sim:
        run(sim, CHAPTERS)
        assert chapter_images(sim) == FOLDER_CHAPTERS
        zip_gallery = the_zip(sim)
        recorded = anchors(sim)
        assert set(recorded) == set(FOLDER_CHAPTERS)
        for title, image in FOLDER_CHAPTERS.items():
            anchor = recorded[title]
            assert anchor is not None and anchor.path == f"{ZIP}/{image}" and anchor.md5
            index = next(c["image_index"] for c in zip_gallery["chapters"] if c["title"] == title)
            assert anchor.index == index


def test_two_images_added_in_front_then_repair_puts_every_chapter_back_on_its_image() -> None:
    with v031_sim() as sim:
        run(sim, CHAPTERS)
        sim.scan_zip(ZIP, NEW_IN_FRONT)  # a rescan finds two new images that sort first
        assert image_paths(sim, the_zip(sim)["id"])[:2] == NEW_IN_FRONT
        assert chapter_images(sim) != FOLDER_CHAPTERS  # every chapter drifted
        sim.requests.clear()
        result = run(sim, REPAIR)
        assert chapter_images(sim) == FOLDER_CHAPTERS
        # changed: the zip, and "Best of 2021", whose chapter a person made gets its anchor recorded
        assert result.output["changed"] == 2 and result.output["failed_count"] == 0
        assert {a.index for a in anchors(sim).values() if a} == {3, 5, 7}  # anchors follow
        assert "galleryChapterUpdate" in " ".join(writes(sim))
        # a second run writes nothing
        sim.requests.clear()
        again = run(sim, REPAIR)
        assert writes(sim) == []
        assert again.output["changed"] == 0 and chapter_images(sim) == FOLDER_CHAPTERS


def test_a_removed_anchor_image_is_reported_and_the_others_repaired() -> None:
    with v031_sim() as sim:
        run(sim, CHAPTERS)
        sim.scan_zip(ZIP, NEW_IN_FRONT)
        remove_image_like_clean(sim, "Day 2/001.jpg")
        result = run(sim, REPAIR)
        now = chapter_images(sim)
        assert now["Day 1"] == "Day 1/001.jpg" and now["Day 10"] == "Day 10/001.jpg"
        assert now["Day 2"] != "Day 2/001.jpg"  # left as it was: its image is gone
        notes = [n["note"] for n in result.output["notes"]]
        assert len(notes) == 1 and '"Day 2"' in notes[0] and "no longer in the gallery" in notes[0]
        assert "Day 2" in result.log_text and "no longer in the gallery" in result.log_text
        assert anchors(sim)["Day 2"] == Anchor(3, f"{ZIP}/Day 2/001.jpg", anchors(sim)["Day 2"].md5)  # kept


def test_a_chapter_moved_by_hand_meanwhile_is_kept_and_its_anchor_recorded_anew() -> None:
    with v031_sim() as sim:
        run(sim, CHAPTERS)
        move_chapter_by_hand(sim, "Day 2", 4)  # a person: Day 2 starts at its second image
        sim.scan_zip(ZIP, NEW_IN_FRONT)
        run(sim, REPAIR)
        now = chapter_images(sim)
        assert now["Day 1"] == "Day 1/001.jpg" and now["Day 10"] == "Day 10/001.jpg"  # repaired
        gallery = the_zip(sim)
        assert next(c["image_index"] for c in gallery["chapters"] if c["title"] == "Day 2") == 4  # kept
        day2 = anchors(sim)["Day 2"]
        assert day2 is not None and day2.index == 4 and day2.path == f"{ZIP}/{image_paths(sim, gallery['id'])[3]}"


def test_first_run_records_chapters_a_person_made_then_follows_them() -> None:
    with v031_sim() as sim:
        zip_id = the_zip(sim)["id"]
        sim.gql(
            'mutation($g: ID!) { galleryChapterCreate(input: {gallery_id: $g, title: "Mine", image_index: 2}) { id } }',
            {"g": zip_id},
        )
        result = run(sim, REPAIR)
        assert result.output["changed"] == 2  # this zip, and Best of 2021's chapter
        assert anchors(sim)["Mine"] == Anchor(2, f"{ZIP}/Day 1/002.jpg", anchors(sim)["Mine"].md5)
        sim.scan_zip(ZIP, NEW_IN_FRONT)
        run(sim, REPAIR)
        assert chapter_images(sim)["Mine"] == "Day 1/002.jpg"


def test_preview_says_what_it_would_move_and_writes_nothing() -> None:
    with v031_sim() as sim:
        run(sim, CHAPTERS)
        sim.scan_zip(ZIP, NEW_IN_FRONT)
        drifted = chapter_images(sim)
        sim.requests.clear()
        result = run(sim, REPAIR_PREVIEW)
        assert writes(sim) == [] and chapter_images(sim) == drifted
        # 3 moves and the zip's anchors, and Best of 2021's chapter recorded
        assert result.output["dry_run"] is True and result.output["change_count"] == 5
        assert "would change chapter" in result.log_text


def test_only_galleries_with_chapters_are_read() -> None:
    with v031_sim() as sim:
        sim.requests.clear()
        result = run(sim, REPAIR)
        with_chapters = sim.gql('{ findGalleries(gallery_filter: {has_chapters: "true"}) { count } }')
        assert result.output["scanned"] == with_chapters["findGalleries"]["count"] == 1  # Best of 2021
        variables = [json.dumps(r.variables) for r in sim.requests.records]
        assert any('"has_chapters": "true"' in v for v in variables)


def test_on_v0_30_1_the_task_says_it_needs_v0_31_and_reads_nothing_else() -> None:
    with StashSimulator(library=SAMPLE, release="v0.30.1") as sim:
        sim.install_plugin(REPO)
        sim.requests.clear()
        result = sim.run_task(REPAIR)
        assert result.error is not None and "needs Stash v0.31" in result.error
        assert "v0.30.1" in result.error and "database schema 75" in result.error
        assert "needs Stash v0.31" in result.log_text
        assert [r.root_fields for r in sim.requests.records] == [["configuration", "systemStatus", "version"]]


def test_chapters_from_folders_on_v0_30_1_works_as_before_and_says_what_it_left_out() -> None:
    with StashSimulator(library=SAMPLE, release="v0.30.1") as sim:
        sim.install_plugin(REPO)
        result = run(sim, CHAPTERS)
        assert result.output["failed_count"] == 0
        found = sim.gql(GALLERY.replace(" custom_fields", ""), {"f": {"path": {"value": ZIP, "modifier": "EQUALS"}}})
        assert {c["title"]: c["image_index"] for c in found["findGalleries"]["galleries"][0]["chapters"]} == {
            "Day 1": 1,
            "Day 2": 3,
            "Day 10": 5,
        }
        assert any("anchor" in line for line in result.output["left_out"])
        assert "left out" in result.log_text


@pytest.mark.parametrize("kill_at", [1, 2, 3, 4, 5, 6, 7, 8])
def test_a_repair_stopped_at_any_request_and_run_again_ends_as_one_run(kill_at: int) -> None:
    with v031_sim() as sim:
        run(sim, CHAPTERS)
        sim.scan_zip(ZIP, NEW_IN_FRONT)
        sim.requests.clear()
        sim.kill_plugin_after(kill_at)
        killed = sim.run_task(REPAIR)
        if killed.error != "signal: killed":  # the run needed fewer requests than kill_at
            assert killed.error is None
        run(sim, REPAIR)
        assert chapter_images(sim) == FOLDER_CHAPTERS
        assert {a.index for a in anchors(sim).values() if a} == {3, 5, 7}
        sim.requests.clear()
        run(sim, REPAIR)
        assert writes(sim) == []


def test_the_new_gallery_rule_records_anchors_before_images_can_shift() -> None:
    """hookRepairChapters: Finish new galleries records the anchors of a new gallery's chapters (here
    those hookChapters makes, and one a person made before Finish ran)."""
    zip_path = "/library/new/Party [2023].zip"
    with v031_sim({"hookChapters": True, "hookRepairChapters": True, "hookFinishByHand": True}) as sim:
        gallery_id = str(sim.scan_zip(zip_path, ["Evening/001.jpg", "Evening/002.jpg", "Night/001.jpg"]))
        sim.gql(
            'mutation($g: ID!) { galleryChapterCreate(input: {gallery_id: $g, title: "Mine", image_index: 2}) { id } }',
            {"g": gallery_id},
        )
        run(sim, "Finish new galleries")
        found = sim.gql(
            "query($id: ID!) { findGallery(id: $id) { chapters { id title image_index } custom_fields } }",
            {"id": gallery_id},
        )["findGallery"]
        titles = {c["id"]: (c["title"], c["image_index"]) for c in found["chapters"]}
        recorded = {
            titles[name[len(ANCHOR_PREFIX) :]]: Anchor.decode(value) for name, value in found["custom_fields"].items()
        }
        assert set(recorded) == {("Evening", 1), ("Night", 3), ("Mine", 2)}
        assert all(a is not None and a.index == index for (_, index), a in recorded.items())
        assert recorded[("Night", 3)].path == f"{zip_path}/Night/001.jpg"


def test_the_new_gallery_rule_on_v0_30_1_is_left_out_and_said() -> None:
    with StashSimulator(library=SAMPLE, release="v0.30.1") as sim:
        sim.install_plugin(REPO)
        sim.set_plugin_settings(PLUGIN, {"hookChapters": True, "hookRepairChapters": True, "hookFinishByHand": True})
        sim.scan_zip("/library/new/Party [2023].zip", ["Evening/001.jpg", "Night/001.jpg"])
        result = run(sim, "Finish new galleries")
        assert result.output["changed"] == 1  # the chapters are made as before
        assert len(result.output["left_out"]) == 2 and all("needs Stash v0.31" in x for x in result.output["left_out"])


def test_a_chapter_started_on_the_gallery_page_gets_its_anchor_and_is_repaired_later() -> None:
    """The page's "Start a chapter here" (args.page) makes a chapter as the tasks do: with its anchor."""
    run_op = 'mutation($a: Map) { runPluginOperation(plugin_id: "gallery_tools", args: $a) }'
    with v031_sim() as sim:
        zip_id = the_zip(sim)["id"]
        images = sim.gql(IMAGES, {"g": [zip_id]})["findImages"]["images"]
        day2 = next(i["id"] for i in images if i["visual_files"][0]["path"].endswith("Day 2/002.jpg"))
        call = {"action": "start_chapter", "gallery_id": zip_id, "image_id": day2, "title": "Sunset"}
        preview = sim.gql(run_op, {"a": {"page": "preview", **call}})["runPluginOperation"]
        done = sim.gql(run_op, {"a": {"page": "apply", "fingerprint": preview["fingerprint"], **call}})
        assert done["runPluginOperation"]["applied"] is True
        sunset = anchors(sim)["Sunset"]
        assert sunset is not None and sunset.index == 4 and sunset.path == f"{ZIP}/Day 2/002.jpg" and sunset.md5
        sim.scan_zip(ZIP, NEW_IN_FRONT)
        run(sim, REPAIR)
        assert chapter_images(sim)["Sunset"] == "Day 2/002.jpg"
