"""Sync images from gallery, counted as the simulator saw it: one read of galleries and one of their
images per page, one write per batch, read again before a batch only where it overwrites, whether
or not an image is also in a gallery on another page (that gallery's metadata comes with the image,
never in a request of its own); and what it wrote, checked on the library."""

from __future__ import annotations

from collections import Counter

import pytest
from stash_sim.library import generate_library
from wf_support import fresh_sim, run

from gallery_ops.common.limits import MUTATION_BATCH_SIZE, WORKFLOW_PAGE_SIZE

GALLERIES = 600  # generated: folders and zips of 3 images, then one hand-made gallery: 601, three pages
# Two images of galleries on the first page are also in the hand-made gallery "Picks", on the last page.
PICKED = ("/library/gen/folder000001/img0000.jpg", "/library/gen/folder000003/img0001.jpg")


def pages(count: int, size: int) -> int:
    return -(-count // size)


def library() -> dict:
    lib = generate_library(GALLERIES, 3)
    lib.update(tags=["Blue", "Green", "Red"], performers=["Ada"], studios=["North"])
    for n, entry in enumerate(lib["galleries"]):
        entry["tags"] = [["Blue", "Green"][n % 2]]
        if n % 3 == 0:
            entry["performers"] = ["Ada"]
    lib["galleries"].append({"title": "Picks", "tags": ["Red"], "studio": "North", "images": list(PICKED)})
    return lib


def image_state(sim) -> dict[str, tuple]:
    query = "{ findImages(filter: {per_page: -1}) { images { files { path } tags { name } studio { name } } } }"
    images = sim.gql(query)
    return {
        i["files"][0]["path"]: (sorted(t["name"] for t in i["tags"]), (i["studio"] or {}).get("name"))
        for i in images["findImages"]["images"]
    }


# Per page of galleries: the gallery page and its images (their galleries' metadata with them, the
# hand-made gallery's too). Each gallery's images need one change; the two galleries on page 1 that
# share an image with "Picks" need two (that image gets Red and the studio too); Picks' images are
# planned already by then, so it changes nothing: 600 galleries' changes and 2 more, 252 on page 1.
CHANGES_PER_PAGE = (WORKFLOW_PAGE_SIZE + 2, WORKFLOW_PAGE_SIZE, GALLERIES + 2 - 2 * WORKFLOW_PAGE_SIZE - 2)
BATCHES = sum(pages(n, MUTATION_BATCH_SIZE) for n in CHANGES_PER_PAGE)
PAGES = pages(GALLERIES + 1, WORKFLOW_PAGE_SIZE)
READS = {"RunConfig": 1, "CountGalleries": 1, "IterGalleries": PAGES, "ImagesOfGalleries": PAGES, "Names": 1}


@pytest.mark.parametrize(
    ("args", "writes"),
    [
        # add-only: only the batch setting a studio (on the picked images, which have none) overwrites
        ({"dry_run": "false"}, {"Batch": BATCHES, "Recheck": 1}),
        ({"mirror": "true"}, {}),  # a preview writes nothing
        # mirror overwrites tags: every batch is read again right before it is sent
        ({"mirror": "true", "dry_run": "false"}, {"Batch": BATCHES, "Recheck": BATCHES}),
    ],
)
def test_sync_sends_requests_per_page_and_batch_and_none_for_galleries_on_other_pages(args, writes):
    with fresh_sim(library()) as sim:
        before = image_state(sim)
        sim.requests.clear()
        out = run(sim, "Sync images from gallery", args).output
        sent = Counter(r.operation_name for r in sim.requests.records)
        after = image_state(sim)
    assert BATCHES == 13 and PAGES == 3  # (what the numbers below come to)
    assert out["failed_count"] == 0 and out["changed"] == GALLERIES
    assert sent == Counter({**READS, **writes}), sent
    if not writes:
        assert after == before
        return
    first, second = PICKED
    assert after[first] == (["Green", "Red"], "North")  # folder 1 (Green) and Picks (Red, North)
    assert after[second] == (["Green", "Red"], "North")
    assert after["/library/gen/set000000.zip/part0/img0000.jpg"] == (["Blue"], None)
    assert after["/library/gen/folder000001/img0001.jpg"] == (["Green"], None)
