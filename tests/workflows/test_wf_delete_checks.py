"""A delete is re-read right before it is sent, and what a person set is never deleted by a guess.

Stash has no compare-and-set: the two deleting tasks read again, in the request just before
the delete, everything the delete would take with it (the gallery's fields, its images and
their other galleries, its cover); a delete whose basis moved is dropped and reported as
changed meanwhile. The person's edit is injected the moment before that re-read (and, for
code without it, the moment before the delete itself), as the meanwhile tests do.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from pathlib import Path

from stash_sim import StashSimulator
from wf_support import (
    CLEAN_EMPTY_APPLY,
    MERGE_DELETE_APPLY,
    fresh_sim,
    ids_by_path,
    image_ids,
    named_id,
    run,
    state,
)

MOVED = "changed meanwhile, skipped"
DELETE_RECHECK = "DeleteRecheck"  # the one request that reads a delete's basis again, right before it


def md5(text: str) -> str:
    return hashlib.md5(text.encode()).hexdigest()


def touch(path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"x")


def before_the_delete(sim: StashSimulator, edit: Callable[[], object]) -> None:
    """Run `edit` once: just before the delete's re-read or, failing that, before the delete."""
    done: list[bool] = []

    def once() -> None:
        if not done:
            done.append(True)
            edit()

    sim.faults.add("before", operation=DELETE_RECHECK, action=once)
    sim.faults.add("before", operation="galleryDestroy", action=once)


def gone_duplicate(root: Path, **dup: object) -> dict:
    """Set A's zip gone from old/ (whose other recorded file is there: proof), its copy in a folder
    on disk; a hand-made gallery of the person's own. The zip's chosen cover is its second image."""
    touch(root / "old" / "keep.jpg")
    for name in ("1.jpg", "2.jpg"):
        touch(root / "new" / "Set A" / name)
    r = str(root)
    return {
        "tags": ["Mine"],
        "images": [f"{r}/old/keep.jpg"],
        "galleries": [
            {
                "zip": f"{r}/old/a.zip",
                "cover": "2.jpg",
                "images": [{"name": n, "md5": md5("A" + n)} for n in ("1.jpg", "2.jpg")],
                **dup,
            },
            {"folder": f"{r}/new/Set A", "images": [{"name": n, "md5": md5("A" + n)} for n in ("1.jpg", "2.jpg")]},
            {"title": "My picks", "images": [f"{r}/old/keep.jpg"]},
        ],
    }


def gallery_images(sim: StashSimulator, gallery_id: str) -> list[str]:
    data = sim.gql(
        "query($g: [ID!]) { findImages(image_filter: {galleries: {value: $g, modifier: INCLUDES}},"
        ' filter: {per_page: -1, sort: "path"}) { images { visual_files { ... on ImageFile { path } } } } }',
        {"g": [gallery_id]},
    )
    return [i["visual_files"][0]["path"] for i in data["findImages"]["images"]]


# -- merge_duplicate_galleries -----------------------------------------------------------------------
def test_details_and_a_tag_added_to_the_duplicate_meanwhile_are_not_deleted_with_it(tmp_path):
    r = str(tmp_path)
    with fresh_sim(gone_duplicate(tmp_path, title="Set A")) as sim:
        dup, mine = ids_by_path(sim)[f"{r}/old/a.zip"], named_id(sim, "tag", "Mine")
        before_the_delete(
            sim,
            lambda: sim.gql(
                "mutation($i: GalleryUpdateInput!) { galleryUpdate(input: $i) { id } }",
                {"i": {"id": dup, "details": "added meanwhile", "tag_ids": [mine]}},
            ),
        )
        out = run(sim, MERGE_DELETE_APPLY).output
        after = state(sim)
    assert after["galleries"][f"{r}/old/a.zip"]["details"] == "added meanwhile"
    assert after["galleries"][f"{r}/old/a.zip"]["tags"] == ["Mine"]
    assert after["galleries"][f"{r}/new/Set A"]["title"] == "Set A"  # the copy went in before
    assert out["skipped"].get(MOVED) == 1


def test_an_image_of_the_duplicate_filed_into_a_gallery_meanwhile_is_not_destroyed(tmp_path):
    r = str(tmp_path)
    with fresh_sim(gone_duplicate(tmp_path)) as sim:
        picks, image = ids_by_path(sim)["user:My picks"], image_ids(sim)[f"{r}/old/a.zip/1.jpg"]
        before_the_delete(
            sim,
            lambda: sim.gql(
                f'mutation {{ addGalleryImages(input: {{gallery_id: "{picks}", image_ids: ["{image}"]}}) }}'
            ),
        )
        out = run(sim, MERGE_DELETE_APPLY).output
        assert f"{r}/old/a.zip/1.jpg" in gallery_images(sim, picks)
        assert f"{r}/old/a.zip" in state(sim)["galleries"]
    assert out["skipped"].get(MOVED) == 1


def test_a_locked_cover_read_is_retried_and_the_chosen_cover_goes_to_the_kept_gallery(tmp_path):
    r = str(tmp_path)
    with fresh_sim(gone_duplicate(tmp_path)) as sim:
        sim.faults.add("locked", operation="CoverMatches")
        out = run(sim, MERGE_DELETE_APPLY).output
        after = state(sim)
    assert after["galleries"][f"{r}/new/Set A"]["cover"] == f"{r}/new/Set A/2.jpg"
    assert f"{r}/old/a.zip" not in after["galleries"] and out["failed_count"] == 0


def test_a_cover_that_cannot_be_read_is_no_reason_to_delete(tmp_path):
    r = str(tmp_path)
    with fresh_sim(gone_duplicate(tmp_path)) as sim:
        sim.faults.add("locked", count=1000, operation="CoverMatches")
        out = run(sim, MERGE_DELETE_APPLY).output
        sim.faults.clear()
        after = state(sim)
        assert f"{r}/old/a.zip" in after["galleries"]
        assert any("cover" in reason for reason in out["skipped"]) or out["failed_count"]
        again = run(sim, MERGE_DELETE_APPLY).output  # once Stash answers, the next run finishes the job
        final = state(sim)
    assert f"{r}/old/a.zip" not in final["galleries"] and again["failed_count"] == 0
    assert final["galleries"][f"{r}/new/Set A"]["cover"] == f"{r}/new/Set A/2.jpg"


# -- clean_empty_galleries ---------------------------------------------------------------------------
def test_an_empty_hand_made_gallery_renamed_meanwhile_is_not_deleted():
    library = {"galleries": [{"title": "Nothing yet"}, {"title": "Other empty"}]}
    with fresh_sim(library) as sim:
        nothing = ids_by_path(sim)["user:Nothing yet"]
        before_the_delete(
            sim,
            lambda: sim.gql(
                f'mutation {{ galleryUpdate(input: {{id: "{nothing}", title: "Renamed by me"}}) {{ id }} }}'
            ),
        )
        out = run(sim, CLEAN_EMPTY_APPLY).output
        after = state(sim)
    assert set(after["galleries"]) == {"user:Renamed by me"}
    assert out["skipped"].get(MOVED) == 1


PERSON_SET = [
    {"title": "Organized", "organized": True},
    {"title": "Rated", "rating100": 60},
    {"title": "Described", "details": "my words"},
    {"title": "Tagged", "tags": ["Mine"]},
    {"title": "With performer", "performers": ["Ada"]},
    {"title": "With studio", "studio": "North"},
    {"title": "With scene", "scenes": ["Clip"]},
    {"title": "With chapter", "chapters": [{"title": "Start", "image_index": 1}]},
    {"title": "With url", "urls": ["https://example.org/set"]},
]


def test_clean_empty_keeps_and_lists_a_gallery_carrying_what_a_person_set(tmp_path):
    touch(tmp_path / "lib" / "keep.jpg")
    r = str(tmp_path)
    library = {
        "tags": ["Mine"],
        "performers": ["Ada"],
        "studios": ["North"],
        "scenes": [{"title": "Clip", "path": f"{r}/lib/clip.mp4"}],
        "images": [f"{r}/lib/keep.jpg"],
        "galleries": [
            *PERSON_SET,
            {"title": "Plain"},
            {"folder": f"{r}/lib/Gone rated", "rating100": 80},  # gone, with proof
            {"folder": f"{r}/lib/Gone plain", "title": "Only a title"},
        ],
    }
    with fresh_sim(library) as sim:
        out = run(sim, CLEAN_EMPTY_APPLY).output
        left = set(state(sim)["galleries"])
        assert left == {f"user:{g['title']}" for g in PERSON_SET} | {f"{r}/lib/Gone rated"}
        kept = [reason for reason in out["skipped"] if "set" in reason]
        assert sum(out["skipped"][reason] for reason in kept) == len(PERSON_SET) + 1
        # named in the run's gallery_ids: asked for by name, so deleted
        ids = ids_by_path(sim)
        named = [ids["user:Rated"], ids["user:Tagged"], ids[f"{r}/lib/Gone rated"]]
        again = run(sim, CLEAN_EMPTY_APPLY, {"gallery_ids": ",".join(named)}).output
        left_after = set(state(sim)["galleries"])
    assert left - left_after == {"user:Rated", "user:Tagged", f"{r}/lib/Gone rated"}
    assert again["changed"] == 3
