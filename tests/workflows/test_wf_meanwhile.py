"""Edits a person makes while a task runs are not overwritten.

Stash has no compare-and-set. Each batch of writes is preceded by one read of what it
would overwrite (the Recheck request); a change whose basis moved is dropped and reported
as "changed meanwhile, skipped". The edit is injected the moment before that read, and,
for the code before this rule (which has no such read), the moment before the write.
"""

from __future__ import annotations

from collections.abc import Callable

from stash_sim import StashSimulator
from wf_support import (
    BEACH,
    CHAPTERS,
    CITY,
    FINISH,
    NEW_GALLERY_TAG,
    PORTRAITS,
    SET_COVERS,
    SUMMER,
    SYNC,
    TITLES,
    fresh_sim,
    ids_by_path,
    image_ids,
    named_id,
    run,
    state,
)

MOVED = "changed meanwhile, skipped"


def meanwhile(sim: StashSimulator, edit: Callable[[], object]) -> None:
    """Run `edit` once, just before the run's first Recheck or, failing that, its first write."""
    done: list[bool] = []

    def once() -> None:
        if not done:
            done.append(True)
            edit()

    sim.faults.add("before", operation="Recheck", action=once)
    sim.faults.add("before", operation="Batch", action=once)


def test_a_title_set_meanwhile_is_kept():
    with fresh_sim() as sim:
        beach = ids_by_path(sim)[BEACH]
        meanwhile(
            sim, lambda: sim.gql(f'mutation {{ galleryUpdate(input: {{id: "{beach}", title: "Mine"}}) {{ id }} }}')
        )
        out = run(sim, TITLES).output
        galleries = state(sim)["galleries"]
    assert galleries[BEACH]["title"] == "Mine"
    assert galleries[CITY]["title"] == "city walk-2020"  # the others are titled as usual
    assert out["skipped"].get(MOVED) == 1


def test_a_cover_chosen_meanwhile_is_kept():
    with fresh_sim() as sim:
        city = ids_by_path(sim)[CITY]
        chosen = image_ids(sim)[f"{CITY}/c.jpg"]
        meanwhile(
            sim,
            lambda: sim.gql(
                f'mutation {{ setGalleryCover(input: {{gallery_id: "{city}", cover_image_id: "{chosen}"}}) }}'
            ),
        )
        out = run(sim, SET_COVERS).output
        cover = state(sim)["galleries"][CITY]["cover"]
    assert cover == f"{CITY}/c.jpg"
    assert out["skipped"].get(MOVED) == 1


def test_a_studio_set_meanwhile_under_add_only_sync_is_kept():
    with fresh_sim() as sim:
        image = image_ids(sim)[f"{BEACH}/IMG_0001.jpg"]
        other = named_id(sim, "studio", "Northwind Press")
        meanwhile(
            sim,
            lambda: sim.gql(
                f'mutation {{ bulkImageUpdate(input: {{ids: ["{image}"], studio_id: "{other}"}}) {{ id }} }}'
            ),
        )
        result = run(sim, SYNC)
        out, images = result.output, state(sim)["images"]
    assert images[f"{BEACH}/IMG_0001.jpg"]["studio"] == "Northwind Press"  # add-only never overwrites
    assert f'(image "IMG_0001.jpg" [{image}]: {MOVED})' in result.log_text
    assert images[f"{BEACH}/IMG_0001.jpg"]["tags"] == []  # the image's whole change waits for the next run
    # only that image's change is dropped: the other images of its write are synced
    for name in ("IMG_0002.jpg", "cover.jpg", "IMG_0010.jpg"):
        assert images[f"{BEACH}/{name}"]["studio"] == "Lumen Studio" and images[f"{BEACH}/{name}"]["tags"] == ["Beach"]
    (beach,) = [c for c in out["changes"] if MOVED in c]
    assert beach[MOVED] == {"images": [image]} and beach["update_images"]["images"] == 3
    assert MOVED not in out["skipped"] and out["failed_count"] == 0


def test_a_moved_image_shared_with_another_gallery_leaves_that_gallery_s_own_images_synced():
    """The image in two galleries used to take both galleries' image writes with it, and to report
    the second gallery as skipped even where its own write had been sent."""
    library = {
        "studios": ["North", "South"],
        "tags": ["T"],
        "galleries": [
            {"folder": "/s/A", "images": ["a1.jpg", "a2.jpg"], "studio": "North", "tags": ["T"]},
            {"title": "Picks", "images": ["/s/A/a1.jpg", "/s/B/b1.jpg"], "studio": "North", "tags": ["T"]},
        ],
    }
    with fresh_sim(library) as sim:
        ids = image_ids(sim)
        south = named_id(sim, "studio", "South")
        meanwhile(
            sim,
            lambda: sim.gql(
                f'mutation {{ bulkImageUpdate(input: {{ids: ["{ids["/s/A/a1.jpg"]}"], studio_id: "{south}"}})'
                " { id } }"
            ),
        )
        out = run(sim, SYNC).output
        images = state(sim)["images"]
        again = run(sim, SYNC).output  # the next run plans a1 from what is there now
        after = state(sim)["images"]
    assert images["/s/A/a1.jpg"]["studio"] == "South" and images["/s/A/a1.jpg"]["tags"] == []
    assert images["/s/A/a2.jpg"]["studio"] == "North" and images["/s/A/a2.jpg"]["tags"] == ["T"]
    assert images["/s/B/b1.jpg"]["studio"] == "North" and images["/s/B/b1.jpg"]["tags"] == ["T"]
    assert (out["changed"], out["skipped"], out["failed_count"]) == (2, {}, 0)
    assert [c.get(MOVED) for c in out["changes"]] == [{"images": [ids["/s/A/a1.jpg"]]}, None]
    assert after["/s/A/a1.jpg"]["studio"] == "South" and after["/s/A/a1.jpg"]["tags"] == ["T"]  # add-only: kept
    assert again["failed_count"] == 0


def test_every_image_of_a_gallery_moved_skips_the_gallery():
    library = {
        "studios": ["North", "South"],
        "galleries": [
            {"folder": "/s/A", "images": ["a1.jpg", "a2.jpg"], "studio": "North"},
            {"folder": "/s/B", "images": ["b1.jpg"], "studio": "North"},
        ],
    }
    with fresh_sim(library) as sim:
        ids = image_ids(sim)
        south = named_id(sim, "studio", "South")
        both = f'["{ids["/s/A/a1.jpg"]}", "{ids["/s/A/a2.jpg"]}"]'
        meanwhile(
            sim,
            lambda: sim.gql(f'mutation {{ bulkImageUpdate(input: {{ids: {both}, studio_id: "{south}"}}) {{ id }} }}'),
        )
        out = run(sim, SYNC).output
        images = state(sim)["images"]
    assert [images[p]["studio"] for p in ("/s/A/a1.jpg", "/s/A/a2.jpg", "/s/B/b1.jpg")] == ["South", "South", "North"]
    assert (out["changed"], out["skipped"]) == (1, {MOVED: 1})


def test_a_chapter_made_meanwhile_is_not_made_twice():
    with fresh_sim() as sim:
        summer = ids_by_path(sim)[SUMMER]
        meanwhile(
            sim,
            lambda: sim.gql(
                f'mutation {{ galleryChapterCreate(input: {{gallery_id: "{summer}", title: "Day 1", image_index: 1}})'
                " { id } }"
            ),
        )
        out = run(sim, CHAPTERS).output
        chapters = state(sim)["galleries"][SUMMER]["chapters"]
        assert chapters.count(("Day 1", 1)) == 1
        # the other two chapters went in, and the gallery is reported with them (Day 1's change
        # was dropped: it is logged as changed meanwhile)
        made = [c["create_chapter"]["title"] for c in out["changes"] if c.get("gallery") == summer]
        assert made == ["Day 2", "Day 10"] and MOVED not in out["skipped"]
        again = run(sim, CHAPTERS).output  # the next run finishes the job, still without duplicates
        chapters = state(sim)["galleries"][SUMMER]["chapters"]
    assert chapters == [("Day 1", 1), ("Day 2", 3), ("Day 10", 5)]
    assert again["failed_count"] == 0


def test_galleries_nobody_touched_are_changed_as_usual():
    with fresh_sim() as sim:
        portraits = ids_by_path(sim)[PORTRAITS]
        meanwhile(
            sim,
            lambda: sim.gql(f'mutation {{ galleryUpdate(input: {{id: "{portraits}", details: "edited"}}) {{ id }} }}'),
        )
        out = run(sim, TITLES).output
    assert out["changed"] == 8 and MOVED not in out["skipped"]  # details is not something titles overwrite


def test_finish_new_galleries_keeps_the_mark_of_a_gallery_whose_image_moved_and_syncs_the_rest():
    """A gallery with an image left out is not done: it keeps the new-gallery mark, and the next
    Finish new galleries syncs what is left and takes the mark away."""
    library = {
        "studios": ["North", "South"],
        "tags": ["T", NEW_GALLERY_TAG],
        "galleries": [
            {"folder": "/n/A", "images": ["a1.jpg", "a2.jpg"], "studio": "North", "tags": ["T", NEW_GALLERY_TAG]}
        ],
    }
    with fresh_sim(library, settings={"hookSyncImages": True}) as sim:
        ids = image_ids(sim)
        south = named_id(sim, "studio", "South")
        meanwhile(
            sim,
            lambda: sim.gql(
                f'mutation {{ bulkImageUpdate(input: {{ids: ["{ids["/n/A/a1.jpg"]}"], studio_id: "{south}"}})'
                " { id } }"
            ),
        )
        run(sim, FINISH)
        first = state(sim)
        run(sim, FINISH)
        second = state(sim)
    assert first["images"]["/n/A/a2.jpg"]["studio"] == "North" and first["images"]["/n/A/a2.jpg"]["tags"] == ["T"]
    assert first["images"]["/n/A/a1.jpg"]["studio"] == "South" and first["images"]["/n/A/a1.jpg"]["tags"] == []
    assert NEW_GALLERY_TAG in first["galleries"]["/n/A"]["tags"]
    assert second["images"]["/n/A/a1.jpg"]["tags"] == ["T"] and second["images"]["/n/A/a1.jpg"]["studio"] == "South"
    assert second["galleries"]["/n/A"]["tags"] == ["T"]


def test_a_gallery_whose_later_change_moved_reports_the_changes_that_were_written():
    """Finish writes a new gallery's chapters, then its cover. A cover a person chose meanwhile
    drops the cover change only: the chapters went in, so the gallery is reported changed with
    them (not skipped), keeps its new-gallery mark, and its chosen cover stays."""
    library = {
        "tags": [NEW_GALLERY_TAG],
        "galleries": [
            {
                "zip": "/n/B.zip",
                "tags": [NEW_GALLERY_TAG],
                "images": ["d1/a.jpg", {"name": "d2/b.jpg", "width": 600, "height": 900}, "d2/c.jpg"],
            }
        ],
    }
    with fresh_sim(library, settings={"hookChapters": True, "hookCovers": True}) as sim:
        ids = image_ids(sim)
        gallery_id = ids_by_path(sim)["/n/B.zip"]
        chosen = ids["/n/B.zip/d2/c.jpg"]
        edits: list[bool] = []

        def choose_cover() -> None:  # just before the cover's Recheck (the second one: chapters come first)
            edits.append(True)
            if len(edits) == 2:
                sim.gql(
                    f'mutation {{ setGalleryCover(input: {{gallery_id: "{gallery_id}", cover_image_id: "{chosen}"}}) }}'
                )

        sim.faults.add("before", count=2, operation="Recheck", action=choose_cover)
        out = run(sim, FINISH).output
        after = state(sim)["galleries"]["/n/B.zip"]
    assert len(edits) == 2  # the cover had its own Recheck
    assert [title for title, _ in after["chapters"]] == ["d1", "d2"]
    assert after["cover"] == "/n/B.zip/d2/c.jpg"  # the person's choice, not the rule's portrait b.jpg
    assert NEW_GALLERY_TAG in after["tags"]  # not done: the next Finish looks at it again
    assert out["changed"] == 1 and out["skipped"] == {}
    assert {k for c in out["changes"] for k in c if k not in ("gallery", "names")} == {"create_chapter"}
