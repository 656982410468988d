"""add_gallery_images, remove_gallery_images, update_gallery_images (ADD, REMOVE, SET).

SET is where the peers are wrong: one only adds, another removes everything first and
loses the images when the add fails. Here SET reads the current images, adds the
missing ones, then removes the extras, and a fault at any request never leaves the
gallery with fewer of the wanted images than it had.
"""

from __future__ import annotations

import pytest

from gallery_ops import GalleryContentsLocked, NotFound, StashError, StashServerError, StashTransportError


def _mutations(sim) -> list[str]:
    return [r.root_fields[0] for r in sim.requests.mutations()]


# -- add / remove -------------------------------------------------------------------------------
def test_add_gallery_images_adds_to_a_user_gallery_in_one_request(sim, ops, lib, state):
    night, sunset = lib.image("loose/night.jpg"), lib.image("loose/sunset.jpg")
    assert ops.add_gallery_images(lib.empty, [night, int(sunset)]) is True

    assert state.image_ids(lib.empty) == {night, sunset}
    [request] = sim.requests.records
    assert request.operation_name == "AddGalleryImages"
    assert request.variables == {"input": {"gallery_id": lib.empty, "image_ids": [night, sunset]}}


def test_add_gallery_images_ignores_images_already_there(ops, lib, state):
    before = state.image_ids(lib.best)
    night = lib.image("loose/night.jpg")
    ops.add_gallery_images(lib.best, [*sorted(before), night])
    assert state.image_ids(lib.best) == before | {night}


def test_remove_gallery_images_removes_from_a_user_gallery_in_one_request(sim, ops, lib, state):
    sunset = lib.image("loose/sunset.jpg")
    assert ops.remove_gallery_images(lib.best, [sunset]) is True

    assert sunset not in state.image_ids(lib.best)
    assert len(state.image_ids(lib.best)) == 2
    assert state.image_exists(sunset)  # removed from the gallery, not deleted
    [request] = sim.requests.records
    assert request.operation_name == "RemoveGalleryImages"
    assert request.variables == {"input": {"gallery_id": lib.best, "image_ids": [sunset]}}


def test_add_gallery_images_surfaces_stash_refusals(sim, ops, lib, state):
    with pytest.raises(StashServerError, match="FOREIGN KEY constraint failed"):
        ops.add_gallery_images(lib.empty, [lib.image("loose/night.jpg"), "999"])
    with pytest.raises(StashServerError, match="gallery with id 999 not found"):
        ops.add_gallery_images("999", [lib.image("loose/night.jpg")])
    with pytest.raises(StashServerError, match="gallery with id 999 not found"):
        ops.remove_gallery_images("999", [lib.image("loose/night.jpg")])
    assert state.image_ids(lib.empty) == set()  # one transaction: nothing added
    assert len(sim.requests) == 3


@pytest.mark.parametrize(
    "which, kind",
    [("summer", "zip-based"), ("city", "zip-based"), ("beach", "folder-based"), ("portraits", "folder-based")],
)
@pytest.mark.parametrize("operation", ["add_gallery_images", "remove_gallery_images"])
def test_changing_images_of_a_zip_or_folder_gallery_says_why(sim, ops, lib, state, which, kind, operation):
    gallery_id = getattr(lib, which)
    before = state.image_ids(gallery_id)
    image = lib.image("loose/night.jpg") if operation == "add_gallery_images" else sorted(before)[0]

    with pytest.raises(GalleryContentsLocked) as caught:
        getattr(ops, operation)(gallery_id, [image])

    error = caught.value
    assert isinstance(error, StashServerError) and isinstance(error, StashError)
    message = str(error)
    assert f"cannot change contents of {kind} gallery" in message  # Stash's words are kept
    assert "only user-created galleries can be changed image by image" in message  # and why
    assert state.image_ids(gallery_id) == before
    assert len(sim.requests) == 1


@pytest.mark.parametrize(
    "gallery_id, image_ids",
    [
        ("abc", ["1"]),
        ("", ["1"]),
        (None, ["1"]),
        ("6", []),
        ("6", ["abc"]),
        ("6", "17"),
        ("6", 17),
        ("6", None),
        ("6", ["1", "-2"]),
    ],
)
@pytest.mark.parametrize("operation", ["add_gallery_images", "remove_gallery_images"])
def test_add_and_remove_refuse_bad_input_before_any_request(quiet, operation, gallery_id, image_ids):
    sim, ops = quiet
    with pytest.raises(ValueError):
        getattr(ops, operation)(gallery_id, image_ids)
    assert len(sim.requests) == 0


# -- update_gallery_images: ADD and REMOVE ------------------------------------------------------
def test_update_gallery_images_add_and_remove_modes_are_one_request_each(sim, ops, lib, state):
    night, sunset = lib.image("loose/night.jpg"), lib.image("loose/sunset.jpg")

    assert ops.update_gallery_images(lib.empty, [night, sunset], mode="ADD") is True
    assert state.image_ids(lib.empty) == {night, sunset}
    assert ops.update_gallery_images(lib.empty, [night], mode="REMOVE") is True
    assert state.image_ids(lib.empty) == {sunset}
    assert [r.operation_name for r in sim.requests.records] == ["AddGalleryImages", "RemoveGalleryImages"]


@pytest.mark.parametrize("mode", ["set", "MERGE", "", None, "APPEND"])
def test_update_gallery_images_refuses_an_unknown_mode_before_any_request(sim, ops, lib, mode):
    with pytest.raises(ValueError, match="mode"):
        ops.update_gallery_images(lib.best, ["1"], mode=mode)
    assert len(sim.requests) == 0


@pytest.mark.parametrize("mode", ["SET", "ADD", "REMOVE"])
def test_update_gallery_images_refuses_bad_ids_before_any_request(sim, ops, lib, mode):
    with pytest.raises(ValueError):
        ops.update_gallery_images(lib.best, ["1", "x"], mode=mode)
    with pytest.raises(ValueError):
        ops.update_gallery_images("g1", ["1"], mode=mode)
    assert len(sim.requests) == 0


# -- update_gallery_images: SET really replaces ---------------------------------------------------
def test_set_replaces_the_images_adding_the_missing_first_then_removing_the_extras(sim, ops, lib, state):
    before = state.image_ids(lib.best)  # IMG_0001 (beach), p01 (portraits), sunset
    wanted = [lib.image("loose/sunset.jpg"), lib.image("loose/night.jpg"), lib.image("Beach 2021/IMG_0002.jpg")]

    assert ops.update_gallery_images(lib.best, wanted) is True  # SET is the default mode

    assert state.image_ids(lib.best) == set(wanted)
    read, add, remove = sim.requests.records  # the read it needs, then exactly two writes
    assert read.operation_type == "query" and "findImages" in read.root_fields
    assert add.operation_name == "AddGalleryImages"
    assert add.variables["input"]["image_ids"] == [lib.image("loose/night.jpg"), lib.image("Beach 2021/IMG_0002.jpg")]
    assert remove.operation_name == "RemoveGalleryImages"
    assert sorted(remove.variables["input"]["image_ids"]) == sorted(before - set(wanted))


def test_set_with_equal_lists_makes_no_write(sim, ops, lib, state):
    before = state.image_ids(lib.best)
    assert ops.update_gallery_images(lib.best, sorted(before, reverse=True), mode="SET") is True

    assert state.image_ids(lib.best) == before
    assert len(sim.requests) == 1
    assert sim.requests.mutations() == []


def test_set_only_adds_when_nothing_is_extra(sim, ops, lib, state):
    before = state.image_ids(lib.best)
    night = lib.image("loose/night.jpg")
    ops.update_gallery_images(lib.best, [*before, night], mode="SET")

    assert state.image_ids(lib.best) == before | {night}
    assert _mutations(sim) == ["addGalleryImages"]
    assert len(sim.requests) == 2


def test_set_only_removes_when_nothing_is_missing(sim, ops, lib, state):
    sunset = lib.image("loose/sunset.jpg")
    ops.update_gallery_images(lib.best, [sunset], mode="SET")

    assert state.image_ids(lib.best) == {sunset}
    assert _mutations(sim) == ["removeGalleryImages"]
    assert len(sim.requests) == 2


def test_set_to_an_empty_list_is_refused_unless_allowed(sim, ops, lib, state):
    """SET with no ids does not empty the gallery and answer success (it once did)."""
    before = state.image_ids(lib.best)
    with pytest.raises(ValueError, match=r"would remove every image.*allow_empty"):
        ops.update_gallery_images(lib.best, [], mode="SET")
    assert len(sim.requests) == 0 and state.image_ids(lib.best) == before
    ops.update_gallery_images(lib.best, [], mode="SET", allow_empty=True)
    assert state.image_ids(lib.best) == set()
    assert _mutations(sim) == ["removeGalleryImages"]


def test_set_on_a_missing_gallery_is_not_found_after_the_read(sim, ops):
    with pytest.raises(NotFound):
        ops.update_gallery_images("999", ["1"], mode="SET")
    assert len(sim.requests) == 1
    assert sim.requests.mutations() == []


def test_set_on_a_zip_gallery_is_refused_and_changes_nothing(sim, ops, lib, state):
    before = state.image_ids(lib.summer)
    with pytest.raises(GalleryContentsLocked, match="zip-based"):
        ops.update_gallery_images(lib.summer, [lib.image("loose/night.jpg")], mode="SET")
    assert state.image_ids(lib.summer) == before
    # the add was refused, so the removal of the zip's images was never attempted
    assert [r.root_fields[0] for r in sim.requests.records if r.is_mutation] == ["addGalleryImages"]


# Where a fault hits (the read, the add or the remove) and what must follow. "kept": the
# error is raised and the gallery still holds every wanted image it held before.
SET_FAULTS = [
    ("http_500", "GalleryImages", "raises", "unchanged"),
    ("drop", "GalleryImages", "succeeds", "wanted"),  # a read is retried
    ("http_500", "addGalleryImages", "raises", "unchanged"),  # nothing was removed first
    ("drop", "addGalleryImages", "succeeds", "wanted"),  # adding is idempotent: retried
    ("drop_after", "addGalleryImages", "succeeds", "wanted"),
    ("http_500", "removeGalleryImages", "raises", "superset"),  # the wanted ones were added first
    ("drop", "removeGalleryImages", "succeeds", "wanted"),
    ("drop_after", "removeGalleryImages", "succeeds", "wanted"),
]


@pytest.mark.parametrize("fault, operation, outcome, images", SET_FAULTS)
def test_set_never_leaves_fewer_wanted_images_when_a_request_fails(
    sim, ops, lib, state, fault, operation, outcome, images
):
    before = state.image_ids(lib.best)
    wanted = [lib.image("loose/sunset.jpg"), lib.image("Portraits/p01.jpg"), lib.image("loose/night.jpg")]
    sim.faults.add(fault, operation=operation)

    if outcome == "raises":
        with pytest.raises(StashTransportError):
            ops.update_gallery_images(lib.best, wanted, mode="SET")
    else:
        assert ops.update_gallery_images(lib.best, wanted, mode="SET") is True

    after = state.image_ids(lib.best)
    assert len(after & set(wanted)) >= len(before & set(wanted))
    expected = {"unchanged": before, "wanted": set(wanted), "superset": before | set(wanted)}[images]
    assert after == expected
    assert any(r.fault == fault for r in sim.requests.records)  # the fault did hit a request


def test_set_keeps_the_wanted_images_when_the_add_is_refused_by_stash(sim, ops, lib, state):
    # a peer that removes everything first would lose IMG_0001, p01 and sunset here
    before = state.image_ids(lib.best)
    wanted = [lib.image("Beach 2021/IMG_0001.jpg"), lib.image("Portraits/p01.jpg"), "999"]  # sunset is extra
    with pytest.raises(StashServerError, match="FOREIGN KEY constraint failed"):
        ops.update_gallery_images(lib.best, wanted, mode="SET")
    assert state.image_ids(lib.best) == before
    assert _mutations(sim) == ["addGalleryImages"]


def test_set_failing_at_its_remove_step_says_the_additions_went_in(sim, ops, lib, state):
    wanted = [lib.image("loose/sunset.jpg"), lib.image("loose/night.jpg")]
    sim.faults.add("http_500", operation="removeGalleryImages")
    with pytest.raises(StashTransportError) as caught:
        ops.update_gallery_images(lib.best, wanted, mode="SET")
    message = str(caught.value)
    assert "the 1 missing images were added" in message and "the 2 extra images were not removed" in message
    assert set(wanted) <= state.image_ids(lib.best)


def test_a_chapter_create_whose_answer_is_lost_says_the_chapter_may_exist(sim, ops, lib, state):
    sim.faults.add("drop_after", operation="galleryChapterCreate")
    with pytest.raises(StashTransportError) as caught:
        ops.gallery_chapter_create(lib.summer, "Day 1", 1)
    assert "may exist now" in str(caught.value) and "Day 1" in str(caught.value)
    # said by name, read before the create (after a lost answer no further request is wise)
    assert f'chapters of gallery "Summer Trip [2022-08-01].zip" [{lib.summer}]' in str(caught.value), caught.value
    titles = [
        c["title"]
        for c in sim.gql(f'{{ findGallery(id: "{lib.summer}") {{ chapters {{ title }} }} }}')["findGallery"]["chapters"]
    ]
    assert titles == ["Day 1"]  # it was created once, never sent again
