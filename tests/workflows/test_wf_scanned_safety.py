"""What a real Stash v0.30.1 showed Gallery Tools doing wrong, replayed on libraries of real files that
the simulator's scanner scanned (stash_sim/scanned.py), as the real server had scanned them.

- A gallery with two zip files (a byte copy the scan merged into it, pkg/gallery/scan.go) is judged by
  all of its files: it is not a "missing" duplicate because its first zip is gone.
- Galleries for loose images makes no gallery for a folder marked `.nogallery`.
- Clean empty galleries keeps a hand-made gallery with no images that carries what a person set.
- Finish new galleries says why a hand-made gallery keeps its "new" mark.
"""

from __future__ import annotations

import os
from typing import Any

from stash_sim import StashSimulator
from wf_support import (
    ALL_HOOK_RULES,
    CLEAN_EMPTY_APPLY,
    FINISH,
    LOOSE,
    MERGE_DELETE_APPLY,
    NEW_GALLERY_TAG,
    fresh_sim,
    run,
)

CREATE = "mutation($i: GalleryCreateInput!) { galleryCreate(input: $i) { id } }"
GALLERIES = """{ findGalleries(filter: {per_page: -1, sort: "id"}) {
  galleries { id title files { path } folder { path } tags { name } } } }"""
IMAGES_OF = """query($f: ImageFilterType) { findImages(image_filter: $f, filter: {per_page: -1, sort: "path"}) {
  images { visual_files { ... on ImageFile { path } } } } }"""


def galleries(sim: StashSimulator) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = sim.gql(GALLERIES)["findGalleries"]["galleries"]
    return found


def image_paths(sim: StashSimulator, gallery_id: str) -> list[str]:
    images = sim.gql(IMAGES_OF, {"f": {"galleries": {"value": [gallery_id], "modifier": "INCLUDES"}}})
    return [image["visual_files"][0]["path"] for image in images["findImages"]["images"]]


# The same two pictures as a folder gallery and as a zip gallery with a byte copy of its zip: the scan
# makes each picture one image with a file in the folder and one in each zip, in both galleries.
DUPLICATES = {
    "galleries": [
        {"folder": "/lib/photos/Dunes", "images": ["1.jpg", "2.jpg"]},
        {
            "zip": "/lib/zips/Dunes.zip",
            "images": [
                {"name": "1.jpg", "same_as": "/lib/photos/Dunes/1.jpg"},
                {"name": "2.jpg", "same_as": "/lib/photos/Dunes/2.jpg"},
            ],
            "copies": ["/lib/zips/Dunes copy.zip"],
        },
        # a zip of its own beside them: its file on disk proves the folder's drive is there, so a zip
        # missing from that folder is gone (not an unmounted drive)
        {"zip": "/lib/zips/Other.zip", "images": ["1.jpg"]},
    ]
}


def test_a_zip_gallery_whose_first_zip_is_gone_but_whose_copy_is_there_is_not_deleted_as_missing():
    with fresh_sim(DUPLICATES, scanned=True) as sim:
        root = str(sim.library_root)
        (zip_gallery,) = [g for g in galleries(sim) if len(g["files"]) == 2]
        first, second = [f["path"] for f in zip_gallery["files"]]
        # the walk's byte order made the copy the primary file: "Dunes copy.zip" < "Dunes.zip"
        assert (first, second) == (f"{root}/lib/zips/Dunes copy.zip", f"{root}/lib/zips/Dunes.zip")
        os.remove(first)  # files[0] says "gone"
        run(sim, MERGE_DELETE_APPLY)
        assert zip_gallery["id"] in [g["id"] for g in galleries(sim)]  # its copy is still on disk

        os.remove(second)  # now every zip file of it is gone: a missing duplicate
        run(sim, MERGE_DELETE_APPLY)
        left = galleries(sim)
    assert zip_gallery["id"] not in [g["id"] for g in left]
    assert [g["folder"]["path"] for g in left if g["folder"]] == [f"{root}/lib/photos/Dunes"]
    assert [g["files"][0]["path"] for g in left if g["files"]] == [f"{root}/lib/zips/Other.zip"]


def test_galleries_for_loose_images_makes_none_for_a_folder_marked_nogallery():
    library = {
        "images": [f"/lib/loose/{folder}/{n}.jpg" for folder in ("Hiking 2019", "Picnic") for n in (1, 2)],
        "disk_files": {"/lib/loose/Hiking 2019/.nogallery": ""},
    }
    with fresh_sim(library, scanned=True) as sim:
        root = str(sim.library_root)
        assert os.path.isfile(f"{root}/lib/loose/Hiking 2019/.nogallery")
        out = run(sim, LOOSE).output
        made = {g["title"]: image_paths(sim, g["id"]) for g in galleries(sim)}
    assert made == {"Picnic": [f"{root}/lib/loose/Picnic/1.jpg", f"{root}/lib/loose/Picnic/2.jpg"]}
    assert any(".nogallery" in reason for reason in out["skipped"])


def test_clean_empty_galleries_keeps_an_empty_gallery_that_carries_what_a_person_set():
    library = {
        "scenes": [{"title": "Dunes walk", "path": "/lib/videos/dunes.mp4"}],
        "galleries": [
            {"title": "H Full", "organized": True, "rating100": 80, "scenes": ["Dunes walk"]},
            {"title": "H Bare"},
        ],
    }
    with fresh_sim(library, scanned=True) as sim:
        out = run(sim, CLEAN_EMPTY_APPLY).output
        titles = [g["title"] for g in galleries(sim)]
    assert titles == ["H Full"]  # the bare one, which carries nothing, is deleted
    assert any("carries what a person set" in reason for reason in out["skipped"])


def test_finish_says_why_a_hand_made_gallery_keeps_its_mark_on_a_scanned_library():
    settings = {**ALL_HOOK_RULES, "hookFinishByHand": True}
    with fresh_sim(
        {"galleries": [{"folder": "/lib/photos/Dunes", "images": ["1.jpg"]}]}, settings, scanned=True
    ) as sim:
        sim.gql(CREATE, {"i": {"title": "Picks for later"}})  # the hook marks it
        out = run(sim, FINISH).output
        (picks,) = [g for g in galleries(sim) if g["title"] == "Picks for later"]
    assert NEW_GALLERY_TAG in [t["name"] for t in picks["tags"]]
    (reason,) = [r for r in out["skipped"] if "no images" in r]
    assert "mark" in reason
