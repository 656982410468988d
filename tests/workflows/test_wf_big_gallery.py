"""A gallery bigger than the images a task holds at once (limits.IMAGES_IN_MEMORY) is read a page
at a time and folded into small summaries (memory flat in gallery size), with the same
plans as when all its images are read together.

The runs here are in-process (engine.run_workflows against the simulator) with the budget and
the page size made small, so that a gallery of 95 images is "big" and takes ten pages.
"""

from __future__ import annotations

import functools
import gc

import pytest
from stash_sim import StashSimulator
from wf_support import gallery, ids_by_path, image

from gallery_ops import GalleryOps
from gallery_ops.stash.models import Image
from gallery_ops.tasks import duplicates, engine
from gallery_ops.tasks.chapters import ChaptersFromFolders, FolderFold
from gallery_ops.tasks.covers import ResetCovers, SetCovers, parse_cover_rule
from gallery_ops.tasks.duplicates import ChecksumFold, member
from gallery_ops.tasks.engine import read_env, run_workflows
from gallery_ops.tasks.gallery_from_images import RefsFold, plan_gallery_from_images
from gallery_ops.tasks.image_sync import SyncFold, SyncImagesFromGallery, plan_image_sync
from gallery_ops.tasks.workflow import Scope, Workflow

BIG_ZIP = "/big/Set.zip"
# 95 images in Stash's gallery order: a/000..a/029, b/030..b/064, c/065..c/094; the folders'
# first images (1, 31, 66) fall inside pages, not on their edges (pages of 10)
BIG_IMAGES = [f"{'abc'[0 if i < 30 else 1 if i < 65 else 2]}/{i:03d}.jpg" for i in range(95)]
BIG_IMAGES[71] = {"name": BIG_IMAGES[71], "width": 600, "height": 900}  # the first portrait: image 72
SMALL = "/big/small"
LOOSE = "/big/loose"
LIBRARY = {
    "galleries": [
        {"zip": BIG_ZIP, "images": BIG_IMAGES},
        {"folder": SMALL, "images": ["1.jpg", "2.jpg"]},
        {"title": "Picks", "images": [f"{LOOSE}/{n:02d}.jpg" for n in range(60)]},
    ],
    "images": [f"{LOOSE}/extra.jpg"],
}


def run(sim: StashSimulator, workflows: list[Workflow], dry_run: bool = False) -> dict:
    ops = GalleryOps.from_server_connection(sim.server_connection())
    return run_workflows(ops, "test", workflows, read_env(ops), Scope(), dry_run=dry_run).to_output()


def chapters_of(sim: StashSimulator, gallery_id: str) -> list[tuple[str, int]]:
    found = sim.gql(f'{{ findGallery(id: "{gallery_id}") {{ chapters {{ title image_index }} }} }}')
    return sorted((c["title"], c["image_index"]) for c in found["findGallery"]["chapters"])


def cover_of(sim: StashSimulator, gallery_id: str) -> str:
    found = sim.gql(
        f'{{ findGallery(id: "{gallery_id}") {{ cover {{ visual_files {{ ... on ImageFile {{ path }} }} }} }} }}'
    )
    return str(found["findGallery"]["cover"]["visual_files"][0]["path"])


@pytest.fixture
def small_budget(monkeypatch):
    """IMAGES_IN_MEMORY 40 and pages of 10: the 95-image zip (and the 60-image user gallery) are big."""
    monkeypatch.setattr(engine, "IMAGES_IN_MEMORY", 40)
    monkeypatch.setattr(duplicates, "IMAGES_IN_MEMORY", 40)  # its passes group the galleries themselves
    monkeypatch.setattr(engine, "IMAGE_PAGE_SIZE", 10)


def image_pages(sim: StashSimulator) -> list[int]:
    """per_page of every page request of a big gallery."""
    return [r.variables["filter"]["per_page"] for r in sim.requests.records if r.operation_name == "GalleryImagePage"]


@pytest.mark.parametrize("budget", ["small", "default"])
def test_chapters_of_a_big_gallery_read_in_pages_are_the_chapters_of_all_its_images(request, budget):
    if budget == "small":
        request.getfixturevalue("small_budget")
    with StashSimulator(library=LIBRARY) as sim:
        big = ids_by_path(sim)[BIG_ZIP]
        out = run(sim, [ChaptersFromFolders()])
        assert out["failed_count"] == 0
        assert chapters_of(sim, big) == [("a", 1), ("b", 31), ("c", 66)]
        if budget == "small":  # ten pages of ten for the zip, six for the user gallery, a request each
            assert image_pages(sim) == [10] * 16
        assert run(sim, [ChaptersFromFolders()])["change_count"] == 0  # a rerun creates nothing twice


def test_a_big_gallery_is_read_in_pages_of_the_page_size_and_no_page_twice(small_budget):
    with StashSimulator(library=LIBRARY) as sim:
        run(sim, [ChaptersFromFolders()], dry_run=True)
        paged = [r.variables for r in sim.requests.records if r.operation_name == "GalleryImagePage"]
    # the zip (95 images: pages 1..10) and the user gallery (60 images: pages 1..6, the last full
    # page ends the walk as the count says so), each page asked once, in order
    by_gallery: dict[str, list[int]] = {}
    for variables in paged:
        assert variables["filter"]["per_page"] == 10 and variables["filter"]["sort"] == "path"
        gallery_id = variables["image_filter"]["galleries"]["value"][0]
        by_gallery.setdefault(gallery_id, []).append(variables["filter"]["page"])
    assert sorted(by_gallery.values()) == [[1, 2, 3, 4, 5, 6], [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]]


@pytest.mark.parametrize(
    "rule, picked",
    [
        ("position:57", "b/056.jpg"),  # a position in the sixth page
        ("pattern:^09[0-9]; position:1", "c/090.jpg"),  # a name found in the last page wins over step 2
        ("pattern:^nothing; portrait", "c/071.jpg"),  # the first step picks none: the portrait, page 8
    ],
)
def test_set_covers_on_a_big_gallery_read_in_pages_picks_what_the_rule_picks_over_all_images(
    small_budget, rule, picked
):
    with StashSimulator(library=LIBRARY) as sim:
        big = ids_by_path(sim)[BIG_ZIP]
        out = run(sim, [SetCovers(parse_cover_rule(rule))])
        assert out["failed_count"] == 0
        assert cover_of(sim, big) == f"{BIG_ZIP}/{picked}"
        # reset takes that chosen cover away again, naming its path
        reset = run(sim, [ResetCovers()])
        assert any(picked in str(c) for c in reset["changes"])
        assert cover_of(sim, big) == f"{BIG_ZIP}/a/000.jpg"  # Stash's default pick: the first image


def test_a_big_gallery_whose_images_change_while_read_is_skipped_not_planned_from_shifted_pages(small_budget):
    with StashSimulator(library=LIBRARY) as sim:
        ids = ids_by_path(sim)
        picks = ids["user:Picks"]
        extra = sim.gql(
            f'{{ findImages(image_filter: {{path: {{value: "{LOOSE}/extra.jpg", modifier: EQUALS}}}})'
            " { images { id } } }"
        )["findImages"]["images"][0]["id"]
        calls: list[int] = []

        def someone_adds_an_image() -> None:  # after the first page of Picks (the zip's ten pages came first)
            calls.append(1)
            if len(calls) == 12:
                sim.gql(f'mutation {{ addGalleryImages(input: {{gallery_id: "{picks}", image_ids: ["{extra}"]}}) }}')

        sim.faults.add("before", count=100, operation="GalleryImagePage", action=someone_adds_an_image)
        # (a pattern step first: the rule needs every image, so the big galleries are read a page at a
        # time; a rule of positions alone reads only each gallery's first images, test_wf_cover_positions.py)
        out = run(sim, [SetCovers(parse_cover_rule("pattern:^nothing; position:2"))])
        assert len(calls) >= 12
        assert out["skipped"].get("changed meanwhile, skipped (its images changed while read)") == 1
        assert out["failed_count"] == 0
        assert out["changed"] == 2  # the other galleries are planned and written as usual


@pytest.mark.parametrize("workflow", ["chapters", "sync"])
def test_a_big_gallery_s_page_is_let_go_before_the_next_is_read(small_budget, workflow):
    """One page in memory at a time: when the next page of a big gallery is asked for, no whole
    page of images read before is alive any more (the paging, the engine's loops and the folds
    let it go; Sync keeps integer ids, not the images' own id strings)."""
    alive: list[int] = []

    def count_images(record, add=None):
        if record.operation_name == "GalleryImagePage":
            alive.append(sum(1 for o in gc.get_objects() if isinstance(o, Image)))
        return add(record)

    with StashSimulator(library=LIBRARY) as sim:
        sim.requests.add = functools.partial(count_images, add=sim.requests.add)  # in the server's thread
        sync = SyncImagesFromGallery(("tags", "performers"), mirror=False)
        out = run(sim, [ChaptersFromFolders() if workflow == "chapters" else sync])
    assert out["failed_count"] == 0 and out["scanned"] == 3
    assert len(alive) >= 10  # the 95-image zip and the 60-image gallery, in pages of 10
    assert max(alive) < 10, alive  # pages of 10: never a whole earlier page


# -- the other folds, pure: chunks give what the whole list gives -----------------------------------
def in_chunks(fold, images, size):
    for start in range(0, len(images), size):
        fold.add(images[start : start + size])
    return fold


@pytest.mark.parametrize("size", [1, 3])
def test_sync_images_folded_in_chunks_plans_the_same_bulk_updates(size):
    source, other = gallery("1", tags=(1,)), gallery("2", tags=(2,))
    images = [
        image(n, f"/s/{n}.jpg", tags=(1,) if n % 3 == 0 else (), galleries=[source, other] if n == 4 else [source])
        for n in range(1, 9)
    ]
    whole = plan_image_sync(source, images, ("tags",), mirror=False)
    chunked = plan_image_sync(source, in_chunks(SyncFold("1", ("tags",), False), images, size), ("tags",), False)
    described = [(c.image_ids, c.fields, c.other_galleries) for c in chunked.changes]
    assert described == [(c.image_ids, c.fields, c.other_galleries) for c in whole.changes]
    assert ("4",) in [c.image_ids for c in chunked.changes] and ("2",) in [c.other_galleries for c in chunked.changes]


@pytest.mark.parametrize("rule", ["all", "any"])
def test_sync_gallery_from_images_folded_in_chunks_wants_the_same_refs(rule):
    images = [image(n, f"/g/{n}.jpg", tags=(1,) if n < 4 else (1, 2)) for n in range(1, 7)]
    whole = plan_gallery_from_images(gallery("1"), images, rule)
    chunked = plan_gallery_from_images(gallery("1"), in_chunks(RefsFold(), images, 4), rule)
    assert [c.refs for c in chunked.changes] == [c.refs for c in whole.changes] != []


def test_duplicate_keys_folded_in_chunks_are_the_keys_of_the_whole_list():
    pics = [image(n, f"/d/{n}.jpg") for n in range(1, 6)]
    for n, found in enumerate(pics):
        found.visual_files[0].fingerprint = f"md5-{n}"
    g = gallery("1", folder="/d").model_copy(update={"image_count": 5})
    assert member(g, in_chunks(ChecksumFold(), pics, 2)) == member(g, pics)
    assert member(g, pics).images_key is not None
    assert member(g, in_chunks(ChecksumFold(), [*pics, image(9, "/d/9.jpg")], 2)).images_key is None


class ExplodingFold(FolderFold):
    def add(self, images):
        if self.count >= 20:  # in the third page of the big zip
            raise IndexError("list index out of range")
        super().add(images)


class ChaptersExplodingOnTheZip(ChaptersFromFolders):
    def __init__(self, doomed: str) -> None:
        super().__init__()
        self.doomed = doomed

    def fold(self, gallery):
        return ExplodingFold() if gallery.id == self.doomed else FolderFold()


def test_a_fold_that_raises_fails_its_gallery_only_and_the_run_goes_on(small_budget):
    library = {"galleries": [*LIBRARY["galleries"][:1], {"zip": "/big/two.zip", "images": ["a/1.jpg", "b/1.jpg"]}]}
    with StashSimulator(library=library) as sim:
        ids = ids_by_path(sim)
        out = run(sim, [ChaptersExplodingOnTheZip(ids[BIG_ZIP])])
        error = "planning failed (IndexError: list index out of range)"
        assert out["failed"] == [{"gallery": ids[BIG_ZIP], "name": "Set.zip", "error": error}]
        assert (out["scanned"], out["changed"]) == (2, 1)
        assert chapters_of(sim, ids[BIG_ZIP]) == [] and chapters_of(sim, ids["/big/two.zip"]) == [("a", 1), ("b", 2)]


DUP_ZIP, DUP_FOLDER = "/dup/Set.zip", "/dup/Set moved"


def duplicates_library() -> dict:
    """A 95-image zip with a chapter at image 57 and a chosen cover, and the same set moved to a
    folder (same md5s) whose names run the other way: the folder (added last) is kept."""
    md5s = [f"{n:032x}" for n in range(95)]
    zipped = [{"name": f"{'abc'[n // 32]}/{n:03d}.jpg", "md5": md5s[n]} for n in range(95)]
    moved = [{"name": f"{94 - n:03d}.jpg", "md5": md5s[n]} for n in range(95)]
    return {
        "galleries": [
            {"zip": DUP_ZIP, "images": zipped, "chapters": [{"title": "Mid", "image_index": 57}], "cover": "c/071.jpg"},
            {"folder": DUP_FOLDER, "images": moved},
        ]
    }


@pytest.mark.parametrize("budget", ["small", "default"])
def test_merging_big_duplicates_read_in_pages_maps_chapters_and_the_cover_by_checksum(request, budget):
    if budget == "small":
        request.getfixturevalue("small_budget")
    with StashSimulator(library=duplicates_library()) as sim:
        ids = ids_by_path(sim)
        ops = GalleryOps.from_server_connection(sim.server_connection())
        out = duplicates.run_merge_duplicates(ops, read_env(ops), Scope(), dry_run=False, delete=False).to_output()
        assert out["failed_count"] == 0 and out["changed"] == 1
        # zip image 57 (n = 56) is folder image "038.jpg", the 39th; the cover c/071.jpg is "023.jpg"
        assert chapters_of(sim, ids[DUP_FOLDER]) == [("Mid", 39)]
        assert cover_of(sim, ids[DUP_FOLDER]) == f"{DUP_FOLDER}/023.jpg"
        # both passes page through both galleries (ten pages each), or read them whole
        assert image_pages(sim) == ([10] * 40 if budget == "small" else [])
