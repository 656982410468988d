"""Edits a person makes while a task runs are not overwritten (issue 9).

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
        meanwhile(sim, lambda: sim.gql(
            f'mutation {{ galleryUpdate(input: {{id: "{beach}", title: "Mine"}}) {{ id }} }}'))
        out = run(sim, TITLES).output
        galleries = state(sim)["galleries"]
    assert galleries[BEACH]["title"] == "Mine"
    assert galleries[CITY]["title"] == "city walk-2020"  # the others are titled as usual
    assert out["skipped"].get(MOVED) == 1


def test_a_cover_chosen_meanwhile_is_kept():
    with fresh_sim() as sim:
        city = ids_by_path(sim)[CITY]
        chosen = image_ids(sim)[f"{CITY}/c.jpg"]
        meanwhile(sim, lambda: sim.gql(
            f'mutation {{ setGalleryCover(input: {{gallery_id: "{city}", cover_image_id: "{chosen}"}}) }}'))
        out = run(sim, SET_COVERS).output
        cover = state(sim)["galleries"][CITY]["cover"]
    assert cover == f"{CITY}/c.jpg"
    assert out["skipped"].get(MOVED) == 1


def test_a_studio_set_meanwhile_under_add_only_sync_is_kept():
    with fresh_sim() as sim:
        image = image_ids(sim)[f"{BEACH}/IMG_0001.jpg"]
        other = named_id(sim, "studio", "Northwind Press")
        meanwhile(sim, lambda: sim.gql(
            f'mutation {{ bulkImageUpdate(input: {{ids: ["{image}"], studio_id: "{other}"}}) {{ id }} }}'))
        out = run(sim, SYNC).output
        images = state(sim)["images"]
    assert images[f"{BEACH}/IMG_0001.jpg"]["studio"] == "Northwind Press"  # add-only never overwrites
    # the write that would have set it is dropped as a whole: it concerned Beach 2021 and Best of
    # 2021 (which holds the same image); the next run syncs the rest
    assert out["skipped"].get(MOVED) == 2


def test_a_chapter_made_meanwhile_is_not_made_twice():
    with fresh_sim() as sim:
        summer = ids_by_path(sim)[SUMMER]
        meanwhile(sim, lambda: sim.gql(
            f'mutation {{ galleryChapterCreate(input: {{gallery_id: "{summer}", title: "Day 1", image_index: 1}})'
            " { id } }"))
        out = run(sim, CHAPTERS).output
        chapters = state(sim)["galleries"][SUMMER]["chapters"]
        assert chapters.count(("Day 1", 1)) == 1
        assert out["skipped"].get(MOVED) == 1
        again = run(sim, CHAPTERS).output  # the next run finishes the job, still without duplicates
        chapters = state(sim)["galleries"][SUMMER]["chapters"]
    assert chapters == [("Day 1", 1), ("Day 2", 3), ("Day 10", 5)]
    assert again["failed_count"] == 0


def test_galleries_nobody_touched_are_changed_as_usual():
    with fresh_sim() as sim:
        portraits = ids_by_path(sim)[PORTRAITS]
        meanwhile(sim, lambda: sim.gql(
            f'mutation {{ galleryUpdate(input: {{id: "{portraits}", details: "edited"}}) {{ id }} }}'))
        out = run(sim, TITLES).output
    assert out["changed"] == 8 and MOVED not in out["skipped"]  # details is not something titles overwrite
