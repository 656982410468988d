"""chapters_from_folders, the pure plan: the folder chapters and plan_chapters (no server)."""

from __future__ import annotations

import pytest
from wf_support import gallery, image

from gallery_ops.common.skips import SKIP_NO_IMAGES, SKIP_NO_PATHS, SKIP_ONE_FOLDER
from gallery_ops.stash.models import Gallery, GalleryChapter
from gallery_ops.stash.operations import StashFeatures
from gallery_ops.tasks.changes import APPLY_ORDER, CreateChapter, DestroyChapter, Expect, UpdateChapter
from gallery_ops.tasks.chapters import (
    ChaptersFromFolders,
    FolderChapter,
    FolderFold,
    chapters_of_folders,
    plan_chapters,
)
from gallery_ops.tasks.workflow import V030

ZIP = "/lib/zips/Summer Trip.zip"
# A zip with inner folders, in Stash's gallery order (natural: Day 2 before Day 10).
ZIP_PATHS = [
    f"{ZIP}/Day 1/001.jpg",
    f"{ZIP}/Day 1/002.jpg",
    f"{ZIP}/Day 2/001.jpg",
    f"{ZIP}/Day 2/002.jpg",
    f"{ZIP}/Day 10/001.jpg",
]
ZIP_CHAPTERS = [("Day 1", 1), ("Day 2", 3), ("Day 10", 5)]


def images_at(paths: list[str]) -> list:
    return [image(n, path) for n, path in enumerate(paths, start=1)]


def pairs(chapters: list[FolderChapter]) -> list[tuple[str, int]]:
    return [(c.title, c.image_index) for c in chapters]


def planned(plan) -> list[tuple]:
    """The plan's changes as (kind, ...) tuples."""
    out = []
    for change in plan.changes:
        if isinstance(change, CreateChapter):
            out.append(("create", change.title, change.image_index))
        elif isinstance(change, UpdateChapter):
            out.append(("update", change.chapter_id, change.title, change.image_index))
        elif isinstance(change, DestroyChapter):
            out.append(("destroy", change.chapter_id))
        else:
            raise AssertionError(f"unexpected change {change!r}")
    return out


def applied(g: Gallery, changes: list, next_id: int = 100) -> Gallery:
    """The gallery as Stash would hold it after the changes (for replanning)."""
    chapters = list(g.chapters or [])
    for change in changes:
        if isinstance(change, CreateChapter):
            chapters.append(GalleryChapter(id=str(next_id), title=change.title, image_index=change.image_index))
            next_id += 1
        elif isinstance(change, UpdateChapter):
            chapters = [
                GalleryChapter(id=c.id, title=change.title, image_index=change.image_index)
                if c.id == change.chapter_id
                else c
                for c in chapters
            ]
        elif isinstance(change, DestroyChapter):
            chapters = [c for c in chapters if c.id != change.chapter_id]
    return g.model_copy(update={"chapters": sorted(chapters, key=lambda c: c.image_index)})


# -- the folder chapters ------------------------------------------------------------------------


def folder_chapters(image_paths: list[str]) -> list[FolderChapter]:
    """The chapters of images with these paths, in this (gallery) order, as the plan finds them."""
    fold = FolderFold()
    fold.add_paths(image_paths)
    return chapters_of_folders(fold.first_index)


def test_one_chapter_per_inner_folder_at_its_first_image_in_the_given_order():
    assert pairs(folder_chapters(ZIP_PATHS)) == ZIP_CHAPTERS


def test_the_order_given_decides_which_image_is_first():
    # chapter indexes point into Stash's gallery order: the plan follows the list, never re-sorts it
    paths = [f"{ZIP}/b/1.jpg", f"{ZIP}/a/1.jpg", f"{ZIP}/b/2.jpg"]
    assert pairs(folder_chapters(paths)) == [("b", 1), ("a", 2)]


def test_chapter_titles_are_the_folder_paths_below_the_common_root():
    paths = [f"{ZIP}/cover.jpg", f"{ZIP}/Day 1/Morning/1.jpg", f"{ZIP}/Day 1/Evening/1.jpg", f"{ZIP}/Day 2/1.jpg"]
    # images at the zip's root get the zip's name without its extension
    assert pairs(folder_chapters(paths)) == [
        ("Summer Trip", 1),
        ("Day 1/Morning", 2),
        ("Day 1/Evening", 3),
        ("Day 2", 4),
    ]


def test_a_hand_made_gallery_collecting_folders_gets_a_chapter_per_folder():
    paths = ["/lib/photos/Beach/1.jpg", "/lib/photos/Beach/2.jpg", "/lib/photos/Portraits/1.jpg"]
    assert pairs(folder_chapters(paths)) == [("Beach", 1), ("Portraits", 3)]


@pytest.mark.parametrize(
    "paths",
    [
        ["/lib/photos/Beach/1.jpg", "/lib/photos/Beach/2.jpg"],
        [f"{ZIP}/1.jpg", f"{ZIP}/2.jpg", f"{ZIP}/3.jpg"],
        [f"{ZIP}/only/1.jpg"],
        [],
    ],
)
def test_no_chapters_when_the_images_share_one_folder(paths):
    assert folder_chapters(paths) == []


# -- plan_chapters: keep mode ---------------------------------------------------------------------
def test_plan_creates_the_folder_chapters():
    plan = plan_chapters(gallery("7", zip=ZIP), images_at(ZIP_PATHS))
    assert planned(plan) == [("create", "Day 1", 1), ("create", "Day 2", 3), ("create", "Day 10", 5)]
    assert all(c.gallery_id == "7" for c in plan.changes)
    assert plan.status == "changed"


@pytest.mark.parametrize("replace", [False, True])
def test_one_folder_gallery_is_skipped_and_its_chapters_are_left_alone(replace):
    g = gallery(zip=ZIP, chapters=[("1", "Mine", 2)])
    plan = plan_chapters(g, images_at([f"{ZIP}/1.jpg", f"{ZIP}/2.jpg"]), replace=replace)
    assert plan.changes == []
    assert plan.skipped == SKIP_ONE_FOLDER


def test_no_images_and_images_without_paths_are_skipped():
    assert plan_chapters(gallery(), []).skipped == SKIP_NO_IMAGES
    plan = plan_chapters(gallery(), [image(1, f"{ZIP}/a/1.jpg"), image(2, None)])
    assert (plan.skipped, plan.changes) == (SKIP_NO_PATHS, [])


def test_existing_chapters_are_kept_and_never_duplicated():
    # "Intro" already starts at the first image, and "Day 2" exists (at another index):
    # only "Day 10" is missing. Nothing is moved or deleted.
    g = gallery(zip=ZIP, chapters=[("1", "Intro", 1), ("2", "Day 2", 2)])
    assert planned(plan_chapters(g, images_at(ZIP_PATHS))) == [("create", "Day 10", 5)]


@pytest.mark.parametrize(
    "paths, chapters",
    [
        (ZIP_PATHS, []),
        (ZIP_PATHS, [("1", "Intro", 1), ("2", "Day 2", 2)]),
        (["/1.jpg", "/d/2.jpg", "/e/3.jpg"], [("3", None, 3)]),  # images at "/": a chapter titled "", and one untitled
    ],
)
def test_a_created_chapter_expects_what_the_recheck_reads(paths, chapters):
    # the plan makes the basis values itself; they must be those Expect.of reads from the gallery
    g = gallery(zip=ZIP, chapters=chapters)
    plan = plan_chapters(g, images_at(paths))
    assert plan.changes
    for change in plan.changes:
        names = [e.name for e in change.expects]
        assert names == [f"titled:{change.title}", f"starting:{change.image_index}"]
        assert change.expects == Expect.of("gallery", g, names)
    assert any(e.value for c in plan.changes for e in c.expects) == (paths[0] == "/1.jpg")


def test_a_second_plan_after_applying_the_first_is_empty():
    images = images_at(ZIP_PATHS)
    g = gallery(zip=ZIP, chapters=[("1", "Intro", 1)])
    first = plan_chapters(g, images)
    assert first.changes
    again = plan_chapters(applied(g, first.changes), images)
    assert again.changes == []
    assert again.status == "unchanged"


def test_a_partly_applied_plan_is_finished_without_duplicates():
    # killed after the first create went through: the rerun creates only the rest
    images = images_at(ZIP_PATHS)
    first = plan_chapters(gallery(zip=ZIP), images)
    rerun = plan_chapters(applied(gallery(zip=ZIP), first.changes[:1]), images)
    assert planned(rerun) == [("create", "Day 2", 3), ("create", "Day 10", 5)]


# -- plan_chapters: replace mode ------------------------------------------------------------------
def test_replace_moves_creates_and_deletes_so_the_chapters_become_the_folder_chapters():
    g = gallery(zip=ZIP, chapters=[("11", "Old", 1), ("12", "Day 1", 1), ("13", "Day 2", 2)])
    plan = plan_chapters(g, images_at(ZIP_PATHS), replace=True)
    assert sorted(planned(plan)) == sorted(
        [
            ("update", "13", "Day 2", 3),  # misplaced: moved
            ("create", "Day 10", 5),  # missing: created
            ("destroy", "11"),  # not a folder chapter: deleted
        ]
    )  # "Day 1" at 1 is right: untouched
    after = applied(g, plan.changes)
    assert [(c.title, c.image_index) for c in after.chapters] == ZIP_CHAPTERS


def test_replace_deletes_duplicates_of_a_folder_chapter():
    g = gallery(zip=ZIP, chapters=[("1", "Day 1", 1), ("2", "Day 1", 1), ("3", "Day 2", 3), ("4", "Day 10", 5)])
    assert planned(plan_chapters(g, images_at(ZIP_PATHS), replace=True)) == [("destroy", "2")]


def test_replace_on_chapters_that_are_already_right_plans_nothing():
    g = gallery(zip=ZIP, chapters=[("1", "Day 1", 1), ("2", "Day 2", 3), ("3", "Day 10", 5)])
    assert plan_chapters(g, images_at(ZIP_PATHS), replace=True).changes == []


def test_replace_creates_before_it_deletes():
    # the apply order sends every kind in APPLY_ORDER: creating and moving before deleting,
    # so a run killed in between never leaves a gallery with fewer chapters than it wanted
    assert APPLY_ORDER.index(CreateChapter) < APPLY_ORDER.index(UpdateChapter) < APPLY_ORDER.index(DestroyChapter)
    g = gallery(zip=ZIP, chapters=[("1", "Old", 1), ("2", "Older", 2)])
    plan = plan_chapters(g, images_at(ZIP_PATHS), replace=True)
    kinds = [type(c) for c in plan.changes]
    assert kinds.count(CreateChapter) == 3 and kinds.count(DestroyChapter) == 2
    # killed after the creates: the rerun only deletes, it does not create again
    rerun = plan_chapters(
        applied(g, [c for c in plan.changes if isinstance(c, CreateChapter)]), images_at(ZIP_PATHS), replace=True
    )
    assert sorted(planned(rerun)) == [("destroy", "1"), ("destroy", "2")]


# -- the fold: a big gallery read in chunks -----------------------------------------------------
@pytest.mark.parametrize("size", [1, 2, 3, 7])
def test_folding_the_images_in_chunks_plans_what_the_whole_list_plans(size):
    paths = [f"{ZIP}/{'a' if n < 5 else 'b/c' if n < 9 else 'a'}/{n:03d}.jpg" for n in range(12)] + [f"{ZIP}/r.jpg"]
    images = images_at(paths)
    fold = FolderFold()
    for start in range(0, len(images), size):
        fold.add(images[start : start + size])
    assert fold.count == 13 and list(fold.first_index.values()) == [0, 5, 12]
    whole, folded = plan_chapters(gallery(zip=ZIP), images), plan_chapters(gallery(zip=ZIP), fold)
    assert (
        planned(folded) == planned(whole) == [("create", "a", 1), ("create", "b/c", 6), ("create", "Summer Trip", 13)]
    )


def test_the_fold_keeps_each_folders_first_image_only_for_the_anchors():
    """Without anchors (Stash v0.30) no image is kept: a gallery whose folders hold one image each
    would otherwise keep every image; with them (v0.31), each folder's first, also from a big
    gallery's pages (the workflow's fold follows the Stash it runs on)."""
    images = images_at(ZIP_PATHS)
    without, anchored = FolderFold((ZIP,)), FolderFold((ZIP,), anchors=True)
    for fold in (without, anchored):
        fold.add(images[:3])
        fold.add(images[3:])
        assert list(fold.first_index.values()) == [0, 2, 4]
    assert without.first_image == {}
    assert {n: kept.path for n, kept in anchored.first_image.items()} == {n: ZIP_PATHS[n] for n in (0, 2, 4)}
    g = gallery(zip=ZIP)
    assert ChaptersFromFolders(features=StashFeatures(85, "v0.31.1")).fold(g).anchors
    assert not ChaptersFromFolders(features=V030).fold(g).anchors
    made = plan_chapters(g, anchored, anchors=True).changes
    assert [(c.image_index, c.anchor.path) for c in made] == [(n + 1, ZIP_PATHS[n]) for n in (0, 2, 4)]
    assert all(c.anchor is None for c in plan_chapters(g, images).changes)


def test_one_image_without_a_path_in_a_later_chunk_skips_the_gallery():
    fold = FolderFold()
    fold.add(images_at(ZIP_PATHS))
    fold.add([image(99, None)])
    assert plan_chapters(gallery(zip=ZIP), fold).skipped == SKIP_NO_PATHS
    assert plan_chapters(gallery(zip=ZIP), FolderFold()).skipped == SKIP_NO_IMAGES
