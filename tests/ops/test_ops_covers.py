"""set_gallery_cover and reset_gallery_cover.

Stash's setGalleryCover does not check that the image is in the gallery: it clears the
current cover, flags nothing and returns true. set_gallery_cover must refuse such an
image before anything that changes state is sent.
"""

from __future__ import annotations

import pytest

from gallery_ops import NotFound, StashServerError, StashTransportError


def test_set_gallery_cover_sets_an_image_of_the_gallery(sim, ops, lib, state):
    image = lib.image("Beach 2021/IMG_0002.jpg")
    assert state.cover(lib.beach) == lib.image("Beach 2021/cover.jpg")  # Stash's default pick by name

    assert ops.set_gallery_cover(lib.beach, image) is True

    assert state.cover(lib.beach) == image
    check, write = sim.requests.records  # one documented read, then the write
    assert check.operation_type == "query"
    assert write.operation_name == "SetGalleryCover"
    assert write.variables == {"input": {"gallery_id": lib.beach, "cover_image_id": image}}
    assert len(sim.requests.mutations()) == 1


def test_set_gallery_cover_works_on_zip_and_user_galleries(ops, lib, state):
    day2 = lib.image("Day 2/001.jpg")
    sunset = lib.image("loose/sunset.jpg")
    ops.set_gallery_cover(int(lib.summer), int(day2))
    ops.set_gallery_cover(lib.best, sunset)
    assert state.cover(lib.summer) == day2
    assert state.cover(lib.best) == sunset


@pytest.mark.parametrize("image", ["loose/night.jpg", "Beach 2021/IMG_0001.jpg", "city_walk-2020.zip/a.jpg"])
def test_set_gallery_cover_refuses_an_image_not_in_the_gallery(sim, ops, lib, state, image):
    # Portraits has the explicit cover p03.jpg; Stash would drop it and answer true
    explicit = lib.image("Portraits/p03.jpg")
    assert state.cover(lib.portraits) == explicit

    with pytest.raises(ValueError, match="not in gallery"):
        ops.set_gallery_cover(lib.portraits, lib.image(image))

    assert state.cover(lib.portraits) == explicit
    assert sim.requests.mutations() == []
    assert all(r.operation_type == "query" for r in sim.requests.records)


def test_set_gallery_cover_refuses_an_image_that_does_not_exist(sim, ops, lib, state):
    with pytest.raises(ValueError, match="not in gallery"):
        ops.set_gallery_cover(lib.portraits, "999")
    assert state.cover(lib.portraits) == lib.image("Portraits/p03.jpg")
    assert sim.requests.mutations() == []


def test_set_gallery_cover_on_a_missing_gallery_is_not_found(sim, ops, lib):
    with pytest.raises(NotFound):
        ops.set_gallery_cover("999", lib.image("loose/night.jpg"))
    assert sim.requests.mutations() == []


@pytest.mark.parametrize("gallery_id, image_id", [("abc", "1"), ("2", "x7"), (None, "1"), ("2", None), ("2", 1.5)])
def test_set_gallery_cover_refuses_bad_ids_before_any_request(quiet, gallery_id, image_id):
    sim, ops = quiet
    with pytest.raises(ValueError):
        ops.set_gallery_cover(gallery_id, image_id)
    assert len(sim.requests) == 0


def test_set_gallery_cover_failing_write_keeps_the_old_cover(sim, ops, lib, state):
    sim.faults.add("http_500", operation="setGalleryCover")
    with pytest.raises(StashTransportError):
        ops.set_gallery_cover(lib.portraits, lib.image("Portraits/p01.jpg"))
    assert state.cover(lib.portraits) == lib.image("Portraits/p03.jpg")


def test_reset_gallery_cover_goes_back_to_stash_default_pick(sim, ops, lib, state):
    assert ops.reset_gallery_cover(lib.portraits) is True

    assert state.cover(lib.portraits) == lib.image("Portraits/p01.jpg")  # no name matches: the first image
    [request] = sim.requests.records
    assert request.operation_name == "ResetGalleryCover"
    assert request.variables == {"input": {"gallery_id": lib.portraits}}


def test_reset_gallery_cover_surfaces_stash_refusal(sim, ops):
    with pytest.raises(StashServerError, match="gallery with id 999 not found"):
        ops.reset_gallery_cover("999")
    assert len(sim.requests) == 1


@pytest.mark.parametrize("bad", ["abc", "", None, [2]])
def test_reset_gallery_cover_refuses_a_bad_id_before_any_request(quiet, bad):
    sim, ops = quiet
    with pytest.raises(ValueError):
        ops.reset_gallery_cover(bad)
    assert len(sim.requests) == 0
