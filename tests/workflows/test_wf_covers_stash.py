"""Stash's default-cover question, asked of Stash (docs/stash.md §4, pkg/image/query.go findGalleryCover).

GalleryOps.cover_regex_matches sends the findImages query Stash itself runs for a gallery
without a chosen cover, aliased for a page of galleries, so Stash's Go regexp decides, not
Python's re. The cover tasks use the answer to tell chosen covers from Stash's own pick.
"""

from __future__ import annotations

import pytest
from stash_sim import StashSimulator
from wf_support import RESET_COVERS_APPLY, SET_COVERS, fresh_sim, ids_by_path, run, state

from gallery_ops import GalleryOps
from gallery_ops.common.constants import STASH_DEFAULT_COVER_REGEX

LIBRARY = {
    "galleries": [
        {"folder": "/c/poster", "images": ["a.jpg", "POSTER.PNG", "x_cover.jpg"]},
        {"folder": "/c/Best", "images": ["1.jpg", "2.jpg"]},
        {"folder": "/c/none", "images": ["b.jpg", "a.jpg"]},
        {"folder": "/c/clip", "images": ["a.jpg", "folder.mp4"]},
        {"title": "Empty"},
    ]
}


def answers(regex: str, library=LIBRARY) -> tuple[dict[str, str | None], dict[str, str], dict[str, str], int]:
    with StashSimulator(library=library) as sim:
        ops = GalleryOps.from_server_connection(sim.server_connection())
        ids = ids_by_path(sim)
        found = ops.cover_regex_matches(list(ids.values()), regex)
        paths = {
            i["id"]: i["visual_files"][0]["path"]
            for i in sim.gql(
                "{ findImages(filter: {per_page: -1}) { images { id visual_files { ... on ImageFile { path }"
                " ... on VideoFile { path } } } } }"
            )["findImages"]["images"]
        }
        return found, ids, paths, len(sim.requests)


def test_stash_answers_for_a_page_of_galleries_in_one_request():
    found, ids, paths, requests = answers(STASH_DEFAULT_COVER_REGEX)
    by_path = {key: (paths[found[gid]] if found[gid] else None) for key, gid in ids.items()}
    assert by_path == {
        "/c/poster": "/c/poster/POSTER.PNG",  # first in gallery order, any case
        "/c/Best": None,
        "/c/none": None,  # no match: Stash shows the first image
        "/c/clip": "/c/clip/folder.mp4",  # a clip counts like an image
        "user:Empty": None,
    }
    assert requests == 1


def test_the_regex_runs_on_the_full_path_with_gos_syntax():
    found, ids, paths, _ = answers(r"/best/\d\.jpg\z")  # \z: Go syntax that Python's re refuses
    assert paths[found[ids["/c/Best"]]] == "/c/Best/1.jpg"
    assert found[ids["/c/poster"]] is None


def test_a_question_stash_refuses_gives_no_answer_and_the_covers_are_left_alone():
    found, _, _, _ = answers("(?=lookahead)")
    assert found == {}


def test_windows_paths_are_matched_as_stash_joins_them():
    library = {"host": "windows", "galleries": [{"folder": "C:\\Photos\\Set", "images": ["a.jpg", "Front.jpg"]}]}
    found, ids, paths, _ = answers(r"\\front\.jpg$", library)
    assert paths[found[ids["C:\\Photos\\Set"]]] == "C:\\Photos\\Set\\Front.jpg"


def test_the_cover_tasks_ask_once_per_page_and_follow_stashs_answer():
    with fresh_sim(LIBRARY) as sim:
        sim.config.gallery_cover_regex = r"2\.jpg\z"
        ids = ids_by_path(sim)
        images = {
            i["visual_files"][0]["path"]: i["id"]
            for i in sim.gql(
                "{ findImages(filter: {per_page: -1}) { images { id visual_files { ... on ImageFile { path }"
                " ... on VideoFile { path } } } } }"
            )["findImages"]["images"]
        }
        # a person chose 1.jpg in Best; Stash's own pick there is 2.jpg (the Go regex)
        sim.gql(
            "mutation($g: ID!, $i: ID!) { setGalleryCover(input: {gallery_id: $g, cover_image_id: $i}) }",
            {"g": ids["/c/Best"], "i": images["/c/Best/1.jpg"]},
        )
        sim.requests.clear()
        out = run(sim, SET_COVERS, {"rule": "position:2"}).output
        # asked once per page, in the same request as the page's images (no request of its own)
        asked = [
            r.operation_name
            for r in sim.requests.records
            if r.operation_name in ("ImagesAndCoverMatches", "ImagesOfGalleries", "CoverMatches")
        ]
        after = state(sim)["galleries"]
        assert asked == ["ImagesAndCoverMatches"]
        assert after["/c/Best"]["cover"] == "/c/Best/1.jpg"  # chosen: kept
        assert out["skipped"]["has a chosen cover (it differs from Stash's default pick)"] == 1
        assert after["/c/none"]["cover"] == "/c/none/b.jpg"  # showed Stash's pick (a.jpg): the rule's cover now
        sim.requests.clear()
        out = run(sim, RESET_COVERS_APPLY).output
        after = state(sim)["galleries"]
        assert after["/c/Best"]["cover"] == "/c/Best/2.jpg"  # the chosen one taken away: Stash's pick shows


def test_images_and_the_question_in_one_request_answer_as_the_two_apart():
    with StashSimulator(library=LIBRARY) as sim:
        ops = GalleryOps.from_server_connection(sim.server_connection())
        ids = list(ids_by_path(sim).values())
        images, matches = ops.images_and_cover_matches(ids, "id", STASH_DEFAULT_COVER_REGEX)
        assert len(sim.requests) == 1
        apart = ops.images_of_galleries(ids, "id")
        assert {g: [i.id for i in found] for g, found in images.items()} == {
            g: [i.id for i in found] for g, found in apart.items()
        }
        assert matches == ops.cover_regex_matches(ids, STASH_DEFAULT_COVER_REGEX) | {
            gid: None for gid in ids if not apart[gid]
        }  # a gallery without images: no match


def test_a_question_stash_refuses_in_the_images_request_still_gives_the_images_and_no_answer():
    with StashSimulator(library=LIBRARY) as sim:
        ops = GalleryOps.from_server_connection(sim.server_connection())
        ids = list(ids_by_path(sim).values())
        images, matches = ops.images_and_cover_matches(ids, "id", "(?=lookahead)")  # Go's regexp refuses it
        assert matches == {}  # every pick unknown: the cover tasks leave those covers alone
        assert [len(images[g]) for g in ids] == [3, 2, 2, 2, 0]
        assert [r.operation_name for r in sim.requests.records] == [
            "ImagesAndCoverMatches",
            "ImagesOfGalleries",
            "CoverMatches",
        ]  # asked again apart


@pytest.mark.parametrize("cover_regex", [STASH_DEFAULT_COVER_REGEX, "(?=lookahead)"])
def test_first_reads_each_gallery_s_first_images_only_and_never_completes_them(cover_regex):
    """`first` (a cover rule of positions, tasks/covers.py): per_page `first`, sort path, in the one
    request (and, when Stash refuses the default-cover question, in the images read asked apart), each
    gallery's first images in gallery order, never a further read for a gallery that has more."""
    with StashSimulator(library=LIBRARY) as sim:
        ops = GalleryOps.from_server_connection(sim.server_connection())
        ids = list(ids_by_path(sim).values())
        whole = ops.images_of_galleries(ids, "id")
        sim.requests.clear()
        images, _ = ops.images_and_cover_matches(ids, "id", cover_regex, first=2)
        plain = ops.images_of_galleries(ids, "id", first=2)
        assert {g: [i.id for i in found] for g, found in images.items()} == {
            g: [i.id for i in found[:2]] for g, found in whole.items()
        }
        assert plain == images
        assert any(len(found) > 2 for found in whole.values())  # a gallery with more than it read
        reads = [r for r in sim.requests.records if r.operation_name in ("ImagesAndCoverMatches", "ImagesOfGalleries")]
        assert {r.variables["page"]["per_page"] for r in reads} == {2}
        assert [r.operation_name for r in sim.requests.records].count("GalleryImages") == 0
