"""Models: inputs send only the fields that were set, explicit None clears, organized is never
null, ids are validated, BulkGalleryUpdateInput takes a dict or a model with SET/ADD/REMOVE."""

from __future__ import annotations

import pytest

from gallery_ops import (
    BulkGalleryUpdateInput,
    BulkUpdateIds,
    BulkUpdateStrings,
    FindFilter,
    Gallery,
    GalleryChapter,
    GalleryInput,
    IdRef,
)


# -- only set fields are sent ---------------------------------------------------------------
def test_update_input_holds_only_the_fields_that_were_set():
    assert GalleryInput(id="3", title="Beach").update_input() == {"id": "3", "title": "Beach"}
    assert GalleryInput(id=3, organized=False).update_input() == {"id": "3", "organized": False}
    assert GalleryInput(id="3").update_input() == {"id": "3"}


def test_references_become_id_lists_and_none_clears():
    gallery = GalleryInput(
        id="3", studio=None, tags=[IdRef(id="1"), IdRef(id=2)], scenes=None, performers=[], date=None
    )
    assert gallery.update_input() == {
        "id": "3",
        "studio_id": None,
        "tag_ids": ["1", "2"],
        "scene_ids": [],
        "performer_ids": [],
        "date": None,
    }
    assert GalleryInput(id="3", studio=IdRef(id="7")).update_input() == {"id": "3", "studio_id": "7"}


def test_read_only_fields_are_never_sent():
    gallery = Gallery.model_validate(
        {
            "id": "3",
            "title": "t",
            "image_count": 4,
            "files": [],
            "folder": None,
            "chapters": [],
            "created_at": "2024-01-01T00:00:00Z",
        }
    )
    assert GalleryInput.of(gallery).update_input() == {"id": "3", "title": "t"}


def test_assignment_marks_a_field_as_set():
    gallery = GalleryInput(id="3")
    gallery.details = "added later"
    assert gallery.update_input() == {"id": "3", "details": "added later"}


def test_update_gallery_sends_only_set_fields_over_the_wire(sim, ops, lib, state):
    before = state.gallery(lib.portraits)
    ops.update_gallery(GalleryInput(id=lib.portraits, code="P-1"))

    assert sim.requests.records[0].variables == {"input": {"id": lib.portraits, "code": "P-1"}}
    after = state.gallery(lib.portraits)
    assert after["code"] == "P-1"
    assert {k: v for k, v in after.items() if k != "code"} == {k: v for k, v in before.items() if k != "code"}


def test_explicit_none_clears_over_the_wire(sim, ops, lib, state):
    ops.update_gallery(GalleryInput(id=lib.portraits, photographer=None, tags=None))

    assert sim.requests.records[0].variables == {"input": {"id": lib.portraits, "photographer": None, "tag_ids": []}}
    after = state.gallery(lib.portraits)
    assert after["photographer"] == ""  # Stash returns cleared text as ""
    assert after["tags"] == []
    assert after["title"] == "Studio Portraits"


# -- organized is never null ----------------------------------------------------------------
def test_organized_none_is_a_value_error():
    with pytest.raises(ValueError, match="organized"):
        GalleryInput(id="3", organized=None).update_input()
    with pytest.raises(ValueError, match="organized"):
        GalleryInput(title="x", organized=None).create_input()
    with pytest.raises(ValueError, match="organized"):
        BulkGalleryUpdateInput(ids=["1"], organized=None)


def test_organized_none_sends_nothing(sim, ops, lib, state):
    for call in (
        lambda: ops.update_gallery(GalleryInput(id=lib.beach, organized=None)),
        lambda: ops.update_gallery({"id": lib.beach, "organized": None}),
        lambda: ops.galleries_update([{"id": lib.beach, "organized": None}]),
        lambda: ops.bulk_gallery_update({"ids": [lib.beach], "organized": None}),
        lambda: ops.create_gallery({"title": "x", "organized": None}),
    ):
        with pytest.raises(ValueError, match="organized"):
            call()
    assert len(sim.requests) == 0
    assert state.gallery(lib.beach)["organized"] is False


def test_organized_false_is_sent(sim, ops, lib, state):
    ops.update_gallery(GalleryInput(id=lib.beach, organized=True))
    ops.update_gallery(GalleryInput(id=lib.beach, organized=False))
    assert sim.requests.records[1].variables == {"input": {"id": lib.beach, "organized": False}}
    assert state.gallery(lib.beach)["organized"] is False


# -- ids ------------------------------------------------------------------------------------
@pytest.mark.parametrize("bad", ["abc", "", " ", "1a", "-1", "1.0", -1, True, 1.5, None, [1]])
def test_bad_ids_are_refused(bad):
    with pytest.raises(ValueError):
        GalleryInput(id=bad, title="x").update_input()
    with pytest.raises(ValueError):
        IdRef(id=bad)
    with pytest.raises(ValueError):
        BulkUpdateIds(ids=[bad])


def test_ids_are_strings_of_digits():
    assert GalleryInput(id=12).id == "12"
    assert GalleryInput(id=" 12 ").id == "12"
    assert IdRef(id=0).id == "0"
    assert BulkGalleryUpdateInput(ids=[1, "2"]).ids == ["1", "2"]


def test_an_id_abc_is_refused_before_any_request(sim, ops):
    for call in (
        lambda: ops.find_gallery("abc"),
        lambda: ops.update_gallery({"id": "abc", "title": "x"}),
        lambda: ops.gallery_destroy(["abc"]),
        lambda: ops.add_gallery_images("abc", ["1"]),
        lambda: ops.remove_gallery_images("1", ["abc"]),
        lambda: ops.update_gallery_images("abc", ["1"]),
        lambda: ops.set_gallery_cover("abc", "1"),
        lambda: ops.reset_gallery_cover("abc"),
        lambda: ops.gallery_chapter_create("abc", "t", 1),
        lambda: ops.gallery_chapter_update("abc", title="t"),
        lambda: ops.gallery_chapter_destroy("abc"),
        lambda: ops.bulk_gallery_update({"ids": ["abc"], "details": "x"}),
        lambda: ops.galleries_update([{"id": "abc"}]),
        lambda: ops.create_gallery({"title": "t", "studio": {"id": "abc"}}),
    ):
        with pytest.raises(ValueError):
            call()
    assert len(sim.requests) == 0


# -- BulkGalleryUpdateInput and BulkUpdateIds -----------------------------------------------
def test_bulk_input_from_a_dict_and_from_a_model_is_the_same():
    as_dict = BulkGalleryUpdateInput.model_validate(
        {"ids": ["1", 2], "tag_ids": {"ids": ["3"], "mode": "ADD"}, "rating100": 40}
    )
    as_model = BulkGalleryUpdateInput(ids=["1", "2"], tag_ids=BulkUpdateIds(ids=["3"], mode="ADD"), rating100=40)
    assert (
        as_dict.to_input()
        == as_model.to_input()
        == {"ids": ["1", "2"], "tag_ids": {"ids": ["3"], "mode": "ADD"}, "rating100": 40}
    )


def test_bulk_update_ids_need_their_mode():
    # BulkUpdateIds.mode is required by Stash (BulkUpdateIdMode!); no default: SET would replace the list
    assert BulkUpdateIds(ids=["1"], mode="ADD").to_input() == {"ids": ["1"], "mode": "ADD"}
    assert BulkUpdateStrings(values=["u"], mode="REMOVE").to_input() == {"values": ["u"], "mode": "REMOVE"}
    for build in (
        lambda: BulkUpdateIds(ids=["1"]),
        lambda: BulkUpdateIds(),
        lambda: BulkUpdateStrings(values=["u"]),
        lambda: BulkGalleryUpdateInput.model_validate({"ids": ["1"], "performer_ids": {"ids": ["2"]}}),
        lambda: BulkUpdateIds(ids=["1"], mode=None),
    ):
        with pytest.raises(ValueError, match=r"needs a mode: SET \(replace the whole list\), ADD or REMOVE"):
            build()


@pytest.mark.parametrize("mode, expected", [("SET", {"2"}), ("ADD", {"1", "2"}), ("REMOVE", set())])
def test_bulk_update_ids_modes_over_the_wire(sim, ops, lib, state, mode, expected):
    # Beach 2021 has the tag Beach (1); the tag ids given are [2] for SET/ADD and [1] for REMOVE
    given = ["1"] if mode == "REMOVE" else ["2"]
    ops.bulk_gallery_update(BulkGalleryUpdateInput(ids=[lib.beach], tag_ids=BulkUpdateIds(ids=given, mode=mode)))
    assert {t["id"] for t in state.gallery(lib.beach)["tags"]} == expected
    assert sim.requests.records[0].variables["input"]["tag_ids"] == {"ids": given, "mode": mode}


def test_bulk_set_with_no_ids_clears(sim, ops, lib, state):
    ops.bulk_gallery_update({"ids": [lib.beach], "performer_ids": {"mode": "SET"}})
    assert state.gallery(lib.beach)["performers"] == []


@pytest.mark.parametrize(
    "payload",
    [
        {"ids": ["1"], "title": "x"},
        {"ids": ["1"], "tag_ids": {"ids": ["1"], "mode": "set"}},
        {"ids": ["1"], "urls": {"values": ["u"], "mode": "APPEND"}},
        {"ids": []},
        {"ids": ["1"], "rating100": 101},
    ],
)
def test_bulk_input_refuses_what_stash_would_refuse(payload):
    with pytest.raises(ValueError):
        BulkGalleryUpdateInput.model_validate(payload)


# -- output models --------------------------------------------------------------------------
def test_output_models_keep_selected_fields_and_ignore_unknown_ones():
    gallery = Gallery.model_validate(
        {"id": "1", "title": "t", "something_new": 1, "files": [{"path": "/a.zip"}], "folder": None}
    )
    assert gallery.model_fields_set == {"id", "title", "files", "folder"}
    assert gallery.kind == "zip" and gallery.path == "/a.zip"
    assert gallery.to_graphql() == {"id": "1", "title": "t", "files": [{"path": "/a.zip"}], "folder": None}
    with pytest.raises(ValueError, match="select them"):
        _ = Gallery(id="1").kind  # files and folder were not selected: the kind is unknown


def test_chapter_and_find_filter_models():
    chapter = GalleryChapter.model_validate({"id": "4", "title": "t", "image_index": 2, "gallery": {"id": "9"}})
    assert chapter.gallery.id == "9"
    assert FindFilter(page=2, per_page=-1).to_input() == {"page": 2, "per_page": -1}
    with pytest.raises(ValueError):
        FindFilter(page=0)
    with pytest.raises(ValueError):
        FindFilter(direction="asc")
