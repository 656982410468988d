"""create_gallery, update_gallery, galleries_update, gallery_destroy, bulk_gallery_update."""

from __future__ import annotations

import pytest
from stash_sim.library import load_library

from gallery_ops import BulkGalleryUpdateInput, BulkUpdateIds, BulkUpdateStrings, GalleryInput, IdRef, StashServerError

SAMPLE_GALLERIES = len(load_library()["galleries"])  # tests/stash_sim/libraries/sample.yml


def _gallery_count(sim) -> int:
    return sim.gql("{ findGalleries(filter: {per_page: 0}) { count } }")["findGalleries"]["count"]


# -- create_gallery -----------------------------------------------------------------------------
def test_create_gallery_stores_the_fields_it_was_given(sim, ops, state):
    created = ops.create_gallery(
        GalleryInput(
            title="  Harbour Lights ",
            details="Night walk",
            date="2023-02-01",
            rating100=80,
            organized=True,
            urls=["https://example.org/harbour"],
            studio=IdRef(id="2"),
            tags=[IdRef(id="3"), IdRef(id=4)],
            performers=[IdRef(id="1")],
        )
    )

    assert created.id is not None and created.kind == "user"
    stored = state.gallery(created.id)
    assert stored["title"] == "Harbour Lights"  # Stash trims on create
    assert stored["details"] == "Night walk"
    assert stored["date"] == "2023-02-01"
    assert stored["rating100"] == 80
    assert stored["organized"] is True
    assert stored["urls"] == ["https://example.org/harbour"]
    assert stored["studio"] == {"id": "2"}
    assert {t["id"] for t in stored["tags"]} == {"3", "4"}
    assert stored["performers"] == [{"id": "1"}]
    [request] = sim.requests.records
    assert request.operation_name == "GalleryCreate"
    assert request.variables["input"] == {
        "title": "  Harbour Lights ",
        "details": "Night walk",
        "date": "2023-02-01",
        "rating100": 80,
        "organized": True,
        "urls": ["https://example.org/harbour"],
        "studio_id": "2",
        "tag_ids": ["3", "4"],
        "performer_ids": ["1"],
    }


def test_create_gallery_from_a_dict_sends_only_the_title(sim, ops, state):
    created = ops.create_gallery({"title": "Plain"})

    assert state.gallery(created.id)["title"] == "Plain"
    assert sim.requests.records[0].variables == {"input": {"title": "Plain"}}


def test_create_gallery_surfaces_stash_refusal_and_creates_nothing(sim, ops):
    before = _gallery_count(sim)
    with pytest.raises(StashServerError, match="FOREIGN KEY constraint failed"):
        ops.create_gallery(GalleryInput(title="Orphan", studio=IdRef(id="999")))
    assert _gallery_count(sim) == before
    assert len(sim.requests) == 1


@pytest.mark.parametrize(
    "gallery",
    [
        GalleryInput(details="no title"),
        {"title": ""},
        {"title": "   "},
        {"id": "3", "title": "has an id"},
        {"title": "x", "organized": None},
        {"title": "x", "rating100": 101},
        {"title": "x", "tags": [{"id": "abc"}]},
    ],
)
def test_create_gallery_refuses_bad_input_before_any_request(quiet, gallery):
    sim, ops = quiet
    before = _gallery_count(sim)
    with pytest.raises(ValueError):
        ops.create_gallery(gallery)
    assert len(sim.requests) == 0
    assert _gallery_count(sim) == before


# -- update_gallery -----------------------------------------------------------------------------
def test_update_gallery_changes_only_the_fields_given(sim, ops, lib, state):
    before = state.gallery(lib.beach)
    updated = ops.update_gallery(GalleryInput(id=lib.beach, title="Beach, summer 2021", rating100=60))

    assert updated.title == "Beach, summer 2021"
    after = state.gallery(lib.beach)
    assert after["title"] == "Beach, summer 2021"
    assert after["rating100"] == 60
    for unchanged in ("date", "studio", "tags", "performers", "details", "organized"):
        assert after[unchanged] == before[unchanged]
    [request] = sim.requests.records
    assert request.operation_name == "GalleryUpdate"
    assert request.variables == {"input": {"id": lib.beach, "title": "Beach, summer 2021", "rating100": 60}}


def test_update_gallery_explicit_none_clears(sim, ops, lib, state):
    ops.update_gallery(GalleryInput(id=lib.beach, date=None, studio=None, tags=[]))

    after = state.gallery(lib.beach)
    assert after["date"] is None
    assert after["studio"] is None
    assert after["tags"] == []
    assert after["performers"] == [{"id": "1"}]  # not given, not touched
    assert sim.requests.records[0].variables["input"] == {
        "id": lib.beach,
        "date": None,
        "studio_id": None,
        "tag_ids": [],
    }


def test_update_gallery_replaces_lists(ops, lib, state):
    ops.update_gallery(
        {"id": lib.best, "urls": ["https://a.example", "https://b.example"], "performers": [{"id": "2"}]}
    )

    after = state.gallery(lib.best)
    assert after["urls"] == ["https://a.example", "https://b.example"]
    assert after["performers"] == [{"id": "2"}]


def test_update_gallery_surfaces_stash_refusals(sim, ops, lib, state):
    before = state.gallery(lib.best)
    with pytest.raises(StashServerError, match="gallery with id 999 not found"):
        ops.update_gallery(GalleryInput(id="999", details="x"))
    with pytest.raises(StashServerError, match="title must not be empty for user-created galleries"):
        ops.update_gallery(GalleryInput(id=lib.best, title=""))
    assert state.gallery(lib.best) == before
    assert len(sim.requests) == 2


def test_update_gallery_allows_an_empty_title_on_a_folder_gallery(ops, lib, state):
    ops.update_gallery(GalleryInput(id=lib.portraits, title=""))
    assert state.gallery(lib.portraits)["title"] == ""


def test_update_gallery_title_none_clears_it_with_an_empty_title(sim, ops, lib, state):
    """Stash ignores `title: null`; clearing a title is "" (allowed on zip and folder galleries)."""
    ops.update_gallery(GalleryInput(id=lib.portraits, title=None))
    assert state.gallery(lib.portraits)["title"] == ""
    assert sim.requests.records[0].variables["input"] == {"id": lib.portraits, "title": ""}
    with pytest.raises(StashServerError, match="title must not be empty for user-created galleries"):
        ops.update_gallery(GalleryInput(id=lib.best, title=None))


@pytest.mark.parametrize(
    "gallery",
    [
        GalleryInput(title="no id"),
        {"id": "abc", "title": "x"},
        {"id": "1", "organized": None},
        {"id": "1", "rating100": -1},
    ],
)
def test_update_gallery_refuses_bad_input_before_any_request(quiet, gallery):
    sim, ops = quiet
    with pytest.raises(ValueError):
        ops.update_gallery(gallery)
    assert len(sim.requests) == 0


# -- galleries_update ---------------------------------------------------------------------------
def test_galleries_update_updates_each_gallery_with_its_own_fields(sim, ops, lib, state):
    result = ops.galleries_update(
        [
            GalleryInput(id=lib.beach, details="sand"),
            {"id": lib.summer, "organized": True, "title": "Summer Trip"},
        ]
    )

    assert [g.id for g in result] == [lib.beach, lib.summer]
    assert state.gallery(lib.beach)["details"] == "sand"
    assert state.gallery(lib.summer)["organized"] is True
    assert state.gallery(lib.summer)["title"] == "Summer Trip"
    assert state.gallery(lib.summer)["details"] == ""
    [request] = sim.requests.records
    assert request.operation_name == "GalleriesUpdate"
    assert request.variables == {
        "input": [{"id": lib.beach, "details": "sand"}, {"id": lib.summer, "title": "Summer Trip", "organized": True}]
    }


def test_galleries_update_is_all_or_nothing_on_stash_refusal(sim, ops, lib, state):
    with pytest.raises(StashServerError, match="gallery with id 999 not found"):
        ops.galleries_update([GalleryInput(id=lib.beach, details="sand"), GalleryInput(id="999", details="x")])
    assert state.gallery(lib.beach)["details"] == ""
    assert len(sim.requests) == 1


def test_galleries_update_checks_every_input_before_the_first_request(sim, ops, lib):
    with pytest.raises(ValueError):
        ops.galleries_update([GalleryInput(id=lib.beach, details="ok"), GalleryInput(details="no id")])
    with pytest.raises(ValueError):
        ops.galleries_update([{"id": lib.beach}, {"id": "x1"}])
    assert len(sim.requests) == 0


# -- gallery_destroy ----------------------------------------------------------------------------
def test_gallery_destroy_removes_a_user_gallery_and_keeps_its_images(sim, ops, lib, state):
    images = state.image_ids(lib.best)
    assert ops.gallery_destroy([lib.best]) is True

    assert state.gallery(lib.best) is None
    assert all(state.image_exists(i) for i in images)  # user-created: only the gallery row goes
    [request] = sim.requests.records
    assert request.operation_name == "GalleryDestroy"
    assert request.variables == {"input": {"ids": [lib.best]}}  # unset options are not sent


def test_gallery_destroy_zip_gallery_takes_its_images(sim, ops, lib, state):
    images = state.image_ids(lib.city)
    assert ops.gallery_destroy([int(lib.city)], delete_file=False, delete_generated=True) is True

    assert state.gallery(lib.city) is None
    assert not any(state.image_exists(i) for i in images)
    assert sim.requests.records[0].variables == {
        "input": {"ids": [lib.city], "delete_file": False, "delete_generated": True}
    }


def test_gallery_destroy_is_all_or_nothing_on_stash_refusal(sim, ops, lib, state):
    with pytest.raises(StashServerError, match="gallery with id 999 not found"):
        ops.gallery_destroy([lib.empty, "999"])
    assert state.gallery(lib.empty) is not None
    assert len(sim.requests) == 1


@pytest.mark.parametrize("ids", [[], ["abc"], "5", 5, None, ["1", "x"]])
def test_gallery_destroy_refuses_bad_ids_before_any_request(quiet, ids):
    sim, ops = quiet
    with pytest.raises(ValueError):
        ops.gallery_destroy(ids)
    assert len(sim.requests) == 0
    assert _gallery_count(sim) == SAMPLE_GALLERIES


# -- bulk_gallery_update ------------------------------------------------------------------------
def test_bulk_gallery_update_from_a_dict_with_add_mode(sim, ops, lib, state):
    result = ops.bulk_gallery_update(
        {"ids": [lib.beach, lib.summer], "details": "bulk", "tag_ids": {"ids": ["4"], "mode": "ADD"}}
    )

    assert {g.id for g in result} == {lib.beach, lib.summer}
    assert {t["id"] for t in state.gallery(lib.beach)["tags"]} == {"1", "4"}
    assert {t["id"] for t in state.gallery(lib.summer)["tags"]} == {"3", "4"}
    assert state.gallery(lib.beach)["details"] == "bulk"
    [request] = sim.requests.records
    assert request.operation_name == "BulkGalleryUpdate"
    assert request.variables == {
        "input": {"ids": [lib.beach, lib.summer], "details": "bulk", "tag_ids": {"ids": ["4"], "mode": "ADD"}}
    }


def test_bulk_gallery_update_from_a_model_with_set_and_remove(sim, ops, lib, state):
    ops.bulk_gallery_update(
        BulkGalleryUpdateInput(
            ids=[lib.beach, lib.best],
            performer_ids=BulkUpdateIds(ids=["2"], mode="SET"),
            tag_ids=BulkUpdateIds(ids=["1"], mode="REMOVE"),
            organized=True,
            urls=BulkUpdateStrings(values=["https://x.example"], mode="ADD"),
        )
    )

    beach, best = state.gallery(lib.beach), state.gallery(lib.best)
    assert beach["performers"] == [{"id": "2"}] and best["performers"] == [{"id": "2"}]
    assert beach["tags"] == [] and best["tags"] == []
    assert beach["organized"] is True and best["organized"] is True
    assert best["urls"] == ["https://example.org/best-of-2021", "https://x.example"]
    assert beach["date"] == "2021-07-14"  # not given, not touched
    assert set(sim.requests.records[0].variables["input"]) == {"ids", "performer_ids", "tag_ids", "organized", "urls"}


@pytest.mark.parametrize("field", ["tag_ids", "performer_ids", "scene_ids"])
def test_bulk_gallery_update_without_a_mode_is_refused_naming_the_modes(sim, ops, lib, state, field):
    """A missing mode is not taken for SET (that replaced every tag); Stash itself refuses it."""
    before = state.gallery(lib.beach)
    with pytest.raises(ValueError, match=r"SET .*ADD or REMOVE"):
        ops.bulk_gallery_update({"ids": [lib.beach], field: {"ids": ["2", "3"]}})
    with pytest.raises(ValueError, match=r"SET .*ADD or REMOVE"):
        BulkUpdateIds(ids=["1"])
    with pytest.raises(ValueError, match=r"SET .*ADD or REMOVE"):
        ops.bulk_gallery_update({"ids": [lib.beach], "urls": {"values": ["https://x.example"]}})
    assert len(sim.requests) == 0
    assert state.gallery(lib.beach) == before


def test_bulk_gallery_update_sends_the_mode_it_was_given(sim, ops, lib, state):
    ops.bulk_gallery_update({"ids": [lib.beach], "tag_ids": {"ids": ["2", "3"], "mode": "ADD"}})
    assert sim.requests.records[0].variables["input"]["tag_ids"] == {"ids": ["2", "3"], "mode": "ADD"}


def test_bulk_gallery_update_surfaces_stash_refusals_in_one_transaction(sim, ops, lib, state):
    with pytest.raises(StashServerError) as unknown:  # Stash: "sql: no rows in result set"
        ops.bulk_gallery_update({"ids": [lib.beach, "999"], "details": "x"})
    assert unknown.value.messages and all(unknown.value.messages)
    with pytest.raises(StashServerError, match="FOREIGN KEY constraint failed"):
        ops.bulk_gallery_update({"ids": [lib.beach], "studio_id": "999"})
    assert state.gallery(lib.beach)["details"] == ""
    assert state.gallery(lib.beach)["studio"] == {"id": "1"}
    assert len(sim.requests) == 2


@pytest.mark.parametrize(
    "payload",
    [
        {"ids": []},
        {"ids": ["1"], "title": "bulk has no title"},
        {"ids": ["1"], "organized": None},
        {"ids": ["abc"], "details": "x"},
        {"ids": ["1"], "tag_ids": {"ids": ["1"], "mode": "MERGE"}},
        {"ids": ["1"], "tag_ids": {"ids": ["t1"], "mode": "ADD"}},
        {"details": "no ids"},
    ],
)
def test_bulk_gallery_update_refuses_bad_input_before_any_request(quiet, payload):
    sim, ops = quiet
    with pytest.raises(ValueError):
        ops.bulk_gallery_update(payload)
    assert len(sim.requests) == 0
