"""gallery_chapter_create, gallery_chapter_update, gallery_chapter_destroy.

Chapter indexes are 1-based and at most the gallery's image count; 0 and past-the-end
are refused before anything is written. The index travels as an Int. galleryChapterDestroy
returns a Boolean, so it selects no fields (a peer's query does, and Stash refuses it).
"""

from __future__ import annotations

import pytest

from gallery_ops import GalleryChapter, NotFound, StashServerError

CHAPTER_RANGE = "Image # must greater than zero and in range of the gallery images"


# -- create -------------------------------------------------------------------------------------
@pytest.mark.parametrize("index", [1, 4])  # the first and the last of Beach 2021's four images
def test_gallery_chapter_create_accepts_1_to_the_image_count(sim, ops, lib, state, index):
    chapter = ops.gallery_chapter_create(lib.beach, " Dunes ", index)

    assert isinstance(chapter, GalleryChapter)
    assert chapter.id is not None
    assert (chapter.title, chapter.image_index, chapter.gallery.id) == ("Dunes", index, lib.beach)
    assert state.chapters(lib.beach) == [("Dunes", index)]
    read, write = sim.requests.records  # one documented read (the image count), then the write
    assert read.operation_type == "query"
    assert write.operation_name == "GalleryChapterCreate"
    assert write.variables == {"input": {"gallery_id": lib.beach, "title": "Dunes", "image_index": index}}
    assert type(write.variables["input"]["image_index"]) is int


@pytest.mark.parametrize("index", [0, -1])
def test_gallery_chapter_create_refuses_index_below_1_before_any_request(sim, ops, lib, state, index):
    with pytest.raises(ValueError, match="1-based"):
        ops.gallery_chapter_create(lib.beach, "Zero", index)
    assert len(sim.requests) == 0
    assert state.chapters(lib.beach) == []


@pytest.mark.parametrize("which, index", [("beach", 5), ("best", 4), ("empty", 1)])
def test_gallery_chapter_create_refuses_past_the_end_before_writing(sim, ops, lib, state, which, index):
    gallery_id = getattr(lib, which)
    before = state.chapters(gallery_id)
    with pytest.raises(ValueError, match="past the end"):
        ops.gallery_chapter_create(gallery_id, "Too far", index)
    assert sim.requests.mutations() == []
    assert len(sim.requests) == 1  # only the read
    assert state.chapters(gallery_id) == before


@pytest.mark.parametrize(
    "gallery_id, title, index",
    [
        ("1", "ok", "1"),
        ("1", "ok", 1.0),
        ("1", "ok", True),
        ("1", "ok", None),
        ("1", "", 1),
        ("1", "   ", 1),
        ("1", None, 1),
        ("x", "ok", 1),
    ],
)
def test_gallery_chapter_create_refuses_bad_input_before_any_request(quiet, gallery_id, title, index):
    sim, ops = quiet
    with pytest.raises(ValueError):
        ops.gallery_chapter_create(gallery_id, title, index)
    assert len(sim.requests) == 0


def test_gallery_chapter_create_on_a_missing_gallery_is_not_found(sim, ops):
    with pytest.raises(NotFound):
        ops.gallery_chapter_create("999", "Nowhere", 1)
    assert sim.requests.mutations() == []


# -- update -------------------------------------------------------------------------------------
def _best_chapter(state, lib) -> str:
    [chapter] = state.gallery(lib.best)["chapters"]
    return chapter["id"]


def test_gallery_chapter_update_sends_the_index_as_an_int_in_one_request(sim, ops, lib, state):
    chapter_id = _best_chapter(state, lib)
    updated = ops.gallery_chapter_update(chapter_id, title="Sunset", image_index=3)

    assert (updated.id, updated.title, updated.image_index) == (chapter_id, "Sunset", 3)
    assert state.chapters(lib.best) == [("Sunset", 3)]
    [request] = sim.requests.records
    assert request.operation_name == "GalleryChapterUpdate"
    assert request.variables == {"input": {"id": chapter_id, "title": "Sunset", "image_index": 3}}
    assert type(request.variables["input"]["image_index"]) is int


def test_gallery_chapter_update_sends_only_what_is_given(sim, ops, lib, state):
    chapter_id = _best_chapter(state, lib)
    ops.gallery_chapter_update(chapter_id, title="Renamed")
    assert state.chapters(lib.best) == [("Renamed", 1)]
    assert sim.requests.records[0].variables == {"input": {"id": chapter_id, "title": "Renamed"}}


def test_gallery_chapter_update_moves_a_chapter_to_another_gallery(sim, ops, lib, state):
    chapter_id = _best_chapter(state, lib)
    moved = ops.gallery_chapter_update(chapter_id, gallery_id=lib.beach, image_index=4)

    assert moved.gallery.id == lib.beach
    assert state.chapters(lib.beach) == [("Beach", 4)]
    assert state.chapters(lib.best) == []
    read, write = sim.requests.records  # the index is checked against the new gallery first
    assert read.operation_type == "query" and write.operation_name == "GalleryChapterUpdate"


def test_gallery_chapter_update_refuses_past_the_end_of_a_new_gallery_before_writing(sim, ops, lib, state):
    chapter_id = _best_chapter(state, lib)
    with pytest.raises(ValueError, match="past the end"):
        ops.gallery_chapter_update(chapter_id, gallery_id=lib.beach, image_index=5)
    assert sim.requests.mutations() == []
    assert state.chapters(lib.best) == [("Beach", 1)]


def test_gallery_chapter_update_past_the_end_of_its_own_gallery_is_refused_by_stash(sim, ops, lib, state):
    # without a gallery_id the chapter's gallery is unknown to the client: Stash checks the merged values
    chapter_id = _best_chapter(state, lib)
    with pytest.raises(StashServerError, match=CHAPTER_RANGE.replace("#", r"\#")):
        ops.gallery_chapter_update(chapter_id, image_index=4)
    assert state.chapters(lib.best) == [("Beach", 1)]
    assert len(sim.requests) == 1


def test_gallery_chapter_update_unknown_chapter_is_refused_by_stash(sim, ops):
    with pytest.raises(StashServerError, match="gallery chapter with id 999 not found"):
        ops.gallery_chapter_update("999", title="Ghost")
    assert len(sim.requests) == 1


@pytest.mark.parametrize(
    "kwargs",
    [
        {},
        {"image_index": 0},
        {"image_index": "2"},
        {"image_index": 2.0},
        {"title": ""},
        {"gallery_id": "g"},
        {"image_index": -4, "title": "x"},
    ],
)
def test_gallery_chapter_update_refuses_bad_input_before_any_request(sim, ops, lib, state, kwargs):
    with pytest.raises(ValueError):
        ops.gallery_chapter_update(_best_chapter(state, lib), **kwargs)
    with pytest.raises(ValueError):
        ops.gallery_chapter_update("c1", title="x")
    assert len(sim.requests) == 0


# -- destroy ------------------------------------------------------------------------------------
def test_gallery_chapter_destroy_selects_no_fields_and_works(sim, ops, lib, state):
    chapter_id = _best_chapter(state, lib)
    assert ops.gallery_chapter_destroy(chapter_id) is True

    assert state.chapters(lib.best) == []
    [request] = sim.requests.records
    assert request.operation_name == "GalleryChapterDestroy"
    assert request.root_fields == ["galleryChapterDestroy"]
    assert request.variables == {"id": chapter_id}
    assert request.status == 200


def test_the_simulator_refuses_a_selection_on_gallery_chapter_destroy(sim, lib, state):
    # what a peer sends: Stash answers a validation error, and nothing is deleted
    chapter_id = _best_chapter(state, lib)
    body = sim.gql_raw("mutation($id: ID!) { galleryChapterDestroy(id: $id) { id } }", {"id": chapter_id})
    assert body["data"] is None
    assert "must not have a selection" in body["errors"][0]["message"]
    assert state.chapters(lib.best) == [("Beach", 1)]


def test_gallery_chapter_destroy_unknown_chapter_is_refused_by_stash(sim, ops):
    with pytest.raises(StashServerError, match="gallery chapter with id 999 not found"):
        ops.gallery_chapter_destroy("999")
    assert len(sim.requests) == 1


@pytest.mark.parametrize("bad", ["abc", "", None, 1.5])
def test_gallery_chapter_destroy_refuses_a_bad_id_before_any_request(quiet, bad):
    sim, ops = quiet
    with pytest.raises(ValueError):
        ops.gallery_chapter_destroy(bad)
    assert len(sim.requests) == 0
