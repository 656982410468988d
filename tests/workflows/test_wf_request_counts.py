"""The tasks that read most send requests by the page and by the batch, never one per gallery:
merge_duplicate_galleries applied, and Finish new galleries with hookLinkScenes (bench/run.py
measures the same at 10k galleries; here the counts are exact enough to fail on a request per
gallery)."""

from __future__ import annotations

import hashlib

from wf_support import FINISH, fresh_sim, run

from gallery_ops.common.constants import NEW_GALLERY_TAG
from gallery_ops.common.limits import MUTATION_BATCH_SIZE, WORKFLOW_PAGE_SIZE
from gallery_ops.common.skips import SKIP_NOT_UNIQUE

GALLERIES = 250


def pages(count: int, size: int) -> int:
    return -(-count // size)


def test_merging_many_duplicates_costs_requests_per_page_and_batch_not_per_gallery():
    pairs = 25  # the last 2 * pairs galleries: a zip and its set moved to a folder (same image checksums)
    entries: list[dict] = [
        {"folder": f"/lib/single/{g:04d}", "images": ["a.jpg", "b.jpg"]} for g in range(GALLERIES - 2 * pairs)
    ]
    for p in range(pairs):
        md5s = [hashlib.md5(f"{p}/{n}".encode()).hexdigest() for n in "ab"]
        entries.append(
            {
                "zip": f"/lib/zips/set{p:03d}.zip",
                "title": f"Set {p}",
                "tags": ["Kept"],
                "images": [{"name": f"{n}.jpg", "md5": m} for n, m in zip("ab", md5s, strict=True)],
            }
        )
        entries.append(
            {
                "folder": f"/lib/moved/set{p:03d}",
                "images": [{"name": f"{n}.jpg", "md5": m} for n, m in zip("ab", md5s, strict=True)],
            }
        )
    with fresh_sim({"tags": ["Kept"], "galleries": entries}) as sim:
        sim.requests.clear()
        out = run(sim, "Merge duplicate galleries (apply)").output
        records = list(sim.requests.records)
        moved = sim.gql(
            '{ findGalleries(gallery_filter: {path: {value: "/lib/moved/", modifier: INCLUDES}},'
            " filter: {per_page: -1}) { galleries { title tags { name } } } }"
        )
    moved = moved["findGalleries"]["galleries"]
    assert out["failed_count"] == 0 and out["group_count"] == pairs
    assert sorted(g["title"] for g in moved) == sorted(f"Set {p}" for p in range(pairs))  # the kept one got it
    assert all([t["name"] for t in g["tags"]] == ["Kept"] for g in moved)
    page_count = pages(GALLERIES, WORKFLOW_PAGE_SIZE) + 1  # the last page may be full: one more, empty
    group_batches = pages(pairs, WORKFLOW_PAGE_SIZE // 4)
    reads = 2 + 2 * page_count + 3 * group_batches  # settings, count; galleries + images; groups, images, covers
    writes = group_batches * 2 * pages(WORKFLOW_PAGE_SIZE // 4, MUTATION_BATCH_SIZE)  # title, tags: aliased
    assert len(records) <= reads + writes < GALLERIES // 5, (len(records), reads + writes)
    assert sum(1 for r in records if r.is_mutation) <= writes


def test_finish_with_hook_link_scenes_costs_requests_per_page_not_per_gallery():
    entries, scenes = [], []
    for g in range(GALLERIES):
        place = f"/lib/sets/set{g:04d}"
        entries.append(
            {"zip": f"{place}.zip", "images": ["a.jpg"], "tags": [NEW_GALLERY_TAG]}
            if g % 2
            else {"folder": place, "images": ["a.jpg"], "tags": [NEW_GALLERY_TAG]}
        )
        scenes.append({"title": f"Scene {g}", "path": f"{place}.mp4"})  # next to the zip or folder, same name
    library = {"tags": [NEW_GALLERY_TAG], "scenes": scenes, "galleries": entries}
    for copy in (False, True):
        with fresh_sim(library, {"hookLinkScenes": True, "linkScenesCopyMetadata": copy}) as sim:
            sim.requests.clear()
            out = run(sim, FINISH).output
            records = list(sim.requests.records)
            left = sim.gql(
                "{ findGalleries(filter: {per_page: -1}) { galleries { title scenes { id } tags { name } } } }"
            )["findGalleries"]["galleries"]
        assert out["changed"] == GALLERIES and out["failed_count"] == 0
        assert all(len(g["scenes"]) == 1 and g["tags"] == [] for g in left)  # linked, mark removed
        assert all((g["title"] or "").startswith("Scene ") for g in left) == copy  # copied: the scene's title
        page_count = pages(GALLERIES, WORKFLOW_PAGE_SIZE)
        reads = 4 + 1 + page_count + 1  # settings, marker tag, count, scenes (one page); the galleries' pages
        reads += 2  # galleries made since the last Finish without a mark; the tag's note (first run)
        reads += page_count if copy else 0  # with copy: the page's matched scenes' metadata, one request
        # per batch of 50: the links; with copy also the titles, each read again just before (changes.Expect)
        per_page = pages(WORKFLOW_PAGE_SIZE, MUTATION_BATCH_SIZE) * (3 if copy else 1) + 1  # + the unmark
        assert len(records) <= reads + page_count * per_page < GALLERIES // 5, (
            copy,
            len(records),
            reads + page_count * per_page,
        )


def test_finish_copying_scene_metadata_reads_only_the_matched_scenes_one_request_per_page():
    """The scene index holds paths only; the metadata read is one findScenes(ids) per page of
    galleries, for exactly the scenes those galleries match alone (not the other scenes, not a
    match shared by two scenes), so memory follows the page, not the library's scenes."""
    entries, scenes = [], []
    for g in range(GALLERIES):
        place = f"/lib/sets/set{g:04d}"
        entries.append({"zip": f"{place}.zip", "images": ["a.jpg"], "tags": [NEW_GALLERY_TAG]})
        scenes.append({"title": f"Scene {g}", "path": f"{place}.mp4"})
        scenes.append({"title": f"Elsewhere {g}", "path": f"/lib/other/clip{g:04d}.mp4"})  # matches no gallery
    scenes.append({"title": "Twin", "path": "/lib/sets/set0007.mkv"})  # gallery 7: two scenes match, left alone
    library = {"tags": [NEW_GALLERY_TAG], "scenes": scenes, "galleries": entries}
    with fresh_sim(library, {"hookLinkScenes": True, "linkScenesCopyMetadata": True}) as sim:
        sim.requests.clear()
        out = run(sim, FINISH).output
        records = list(sim.requests.records)
        titles = {
            s["id"]: s["title"]
            for s in sim.gql("{ findScenes(filter: {per_page: -1}) { scenes { id title } } }")["findScenes"]["scenes"]
        }
    assert out["changed"] == GALLERIES - 1 and out["skipped"] == {SKIP_NOT_UNIQUE: 1}
    index_reads = [r for r in records if r.operation_name == "ScenesPage"]
    assert index_reads and all("title" not in (r.query or "") for r in index_reads)  # the index: paths only
    metadata_reads = [r for r in records if r.operation_name == "ScenesByIds"]
    assert len(metadata_reads) == pages(GALLERIES, WORKFLOW_PAGE_SIZE)  # one per page of galleries
    read = [i for r in metadata_reads for i in r.variables["ids"]]
    assert all(len(r.variables["ids"]) <= WORKFLOW_PAGE_SIZE for r in metadata_reads)
    assert len(read) == len(set(read)) == GALLERIES - 1  # each matched scene once; the twins never
    assert sorted(titles[i] for i in read) == sorted(f"Scene {g}" for g in range(GALLERIES) if g != 7)
