"""Gallery custom fields through the operations (Stash v0.31), and learning which Stash it is.

Stash facts: docs/stash.md §8b-8c (appSchema says which migrations a Stash has; custom fields:
full / partial / remove, names of 1 to 64 bytes, text and numbers kept as they are, a bool
stored as 1). The client learns the release once (GalleryOps.features), with the run's
configuration or, for a single operation, one small request.
"""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest
from stash_sim import StashSimulator

from gallery_ops import GalleryOps
from gallery_ops.stash.models import BulkGalleryUpdateInput, CustomFieldsInput, GalleryInput
from gallery_ops.stash.operations import StashFeatures

READ = "query($id: ID!) { findGallery(id: $id) { custom_fields } }"


@pytest.fixture
def v031() -> Iterator[StashSimulator]:
    with StashSimulator(release="v0.31.1") as sim:
        yield sim


def fields_of(sim: StashSimulator, gallery_id: str) -> dict:
    return sim.gql(READ, {"id": gallery_id})["findGallery"]["custom_fields"]


def test_a_client_learns_the_release_once_with_one_small_request(v031: StashSimulator) -> None:
    ops = GalleryOps.from_server_connection(v031.server_connection())
    v031.requests.clear()
    first = ops.features()
    assert first == StashFeatures(85, "v0.31.1") and first.custom_fields and first.parent_folder
    assert ops.features() is first and ops.find_gallery("1") is not None
    assert [r.root_fields for r in v031.requests.records] == [["systemStatus", "version"], ["findGallery"]]


def test_the_run_configuration_tells_the_release_in_the_same_request(v031: StashSimulator) -> None:
    ops = GalleryOps.from_server_connection(v031.server_connection())
    v031.requests.clear()
    ops.run_configuration()
    assert ops.features().app_schema == 85
    assert [r.root_fields for r in v031.requests.records] == [["configuration", "systemStatus", "version"]]


@pytest.mark.parametrize(("release", "has"), [("v0.30.1", False), ("v0.31.1", True), ("develop", True)])
def test_features_follow_the_schema_version(release: str, has: bool) -> None:
    with StashSimulator(library={}, release=release) as sim:
        features = GalleryOps.from_server_connection(sim.server_connection()).features()
        assert features.custom_fields is has and features.parent_folder is has
        assert features.version == sim.release.version


def test_a_development_build_counts_by_its_schema_version_not_its_version_text() -> None:
    assert StashFeatures(81, "v0.30.1-95-gd8448ba3").custom_fields is True
    assert StashFeatures(81, "v0.30.1-95-gd8448ba3").parent_folder is False
    assert StashFeatures(80, "v0.31.0").custom_fields is False  # the text is never trusted


def test_find_gallery_answers_custom_fields_on_v0_31(v031: StashSimulator, make_ops) -> None:
    v031.gql('mutation { galleryUpdate(input: {id: "3", custom_fields: {full: {Series: "Trips", Count: 3}}}) { id } }')
    ops = make_ops(v031)
    gallery = ops.find_gallery("3")
    assert gallery is not None and gallery.custom_fields == {"Count": 3, "Series": "Trips"}
    assert ops.find_galleries({"per_page": 1}, {"id": {"value": 3, "modifier": "EQUALS"}}).galleries[0].custom_fields


def test_update_gallery_sets_partial_and_removes(v031: StashSimulator, make_ops) -> None:
    ops = make_ops(v031)
    ops.update_gallery({"id": "3", "custom_fields": {"partial": {"Series": "Trips", "Volume": 2}}})
    ops.update_gallery(
        GalleryInput(id="3", custom_fields=CustomFieldsInput(partial={"Number": "2a"}, remove=["Volume"]))
    )
    assert fields_of(v031, "3") == {"Number": "2a", "Series": "Trips"}
    updated = ops.update_gallery({"id": "3", "custom_fields": {"full": {"only": "this"}}})
    assert updated.custom_fields == {"only": "this"}


def test_create_gallery_takes_custom_fields_as_its_fields(v031: StashSimulator, make_ops) -> None:
    created = make_ops(v031).create_gallery({"title": "New", "custom_fields": {"partial": {"Series": "S"}}})
    assert created.custom_fields == {"Series": "S"} and fields_of(v031, created.id) == {"Series": "S"}
    with pytest.raises(ValueError, match="no custom fields to remove"):
        make_ops(v031).create_gallery({"title": "New", "custom_fields": {"remove": ["x"]}})


def test_bulk_gallery_update_with_partial_and_remove(v031: StashSimulator, make_ops) -> None:
    ops = make_ops(v031)
    for gallery_id in ("3", "4"):
        v031.gql(
            'mutation($id: ID!) { galleryUpdate(input: {id: $id, custom_fields: {full: {old: "x", keep: 1}}}) { id } }',
            {"id": gallery_id},
        )
    out = ops.bulk_gallery_update(
        BulkGalleryUpdateInput(
            ids=["3", "4"], custom_fields=CustomFieldsInput(partial={"Series": "Trips"}, remove=["old"])
        )
    )
    assert [g.custom_fields for g in out] == [{"Series": "Trips", "keep": 1}] * 2
    assert fields_of(v031, "4") == {"Series": "Trips", "keep": 1}


def test_galleries_update_each_with_its_own_fields(v031: StashSimulator, make_ops) -> None:
    make_ops(v031).galleries_update(
        [{"id": "3", "custom_fields": {"partial": {"a": "1"}}}, {"id": "4", "custom_fields": {"partial": {"b": 2.5}}}]
    )
    assert fields_of(v031, "3") == {"a": "1"} and fields_of(v031, "4") == {"b": 2.5}


@pytest.mark.parametrize(
    ("given", "message"),
    [
        ({"partial": {"ok": True}}, "Stash would store it as the number 1"),
        ({"partial": {"ok": None}}, "list the name in `remove`"),
        ({"partial": {" padded": "x"}}, "leading or trailing whitespace"),
        ({"partial": {"x" * 65: "x"}}, "longer than 64 bytes"),
        ({"partial": {"": "x"}}, "non-empty text"),
        ({"partial": {"a": [1]}}, "text or a number"),
        ({"partial": {"a": "1"}, "remove": ["a"]}, "both set and removed"),
        ({"full": {"a": "1"}, "partial": {"b": "2"}}, "not both"),
        ({"parital": {"a": "1"}}, "Extra inputs are not permitted"),
    ],
)
def test_what_stash_would_take_otherwise_is_refused_before_any_request(quiet, given: dict, message: str) -> None:
    sim, ops = quiet
    with pytest.raises(ValueError, match=message.replace("(", r"\(").replace("`", ".")):
        ops.update_gallery({"id": "3", "custom_fields": given})
    assert len(sim.requests) == 0


def test_on_v0_30_1_custom_fields_are_refused_before_anything_is_sent(make_ops) -> None:
    with StashSimulator(release="v0.30.1") as sim:
        ops = make_ops(sim)
        with pytest.raises(ValueError, match=r"needs Stash v0\.31 .*v0\.30\.1 \(database schema 75\)"):
            ops.update_gallery({"id": "3", "custom_fields": {"partial": {"Series": "S"}}})
        with pytest.raises(ValueError, match=r"needs Stash v0\.31"):
            ops.bulk_gallery_update({"ids": ["3"], "custom_fields": {"remove": ["x"]}})
        assert len(sim.requests) == 0
        gallery = ops.find_gallery("3")  # reads work as before, without the field
        assert gallery is not None and gallery.custom_fields is None


def test_a_gallery_read_and_sent_back_resends_its_custom_fields_as_partial(v031: StashSimulator, make_ops) -> None:
    v031.gql('mutation { galleryUpdate(input: {id: "3", custom_fields: {full: {a: "1"}}}) { id } }')
    ops = make_ops(v031)
    gallery = ops.find_gallery("3")
    assert GalleryInput.of(gallery).update_input()["custom_fields"] == {"partial": {"a": "1"}}
    v031.gql('mutation { galleryUpdate(input: {id: "3", custom_fields: {partial: {b: "2"}}}) { id } }')
    ops.update_gallery(gallery)  # a field added meanwhile is not dropped
    assert fields_of(v031, "3") == {"a": "1", "b": "2"}


def test_a_chapter_made_or_moved_through_the_operations_gets_its_anchor(v031: StashSimulator, make_ops) -> None:
    """Chapters Gallery Tools makes keep the image they start at (docs/custom_fields.md)."""
    ops = make_ops(v031)
    chapter = ops.gallery_chapter_create("3", "Second day", 3)
    anchor = json.loads(fields_of(v031, "3")[f"gallery_tools.chapter.{chapter.id}"])
    assert anchor["index"] == 3 and anchor["path"].endswith("Summer Trip [2022-08-01].zip/Day 2/001.jpg")
    ops.gallery_chapter_update(chapter.id, image_index=4)
    anchor = json.loads(fields_of(v031, "3")[f"gallery_tools.chapter.{chapter.id}"])
    assert anchor["index"] == 4 and anchor["path"].endswith("Day 2/002.jpg") and anchor["md5"]
    ops.gallery_chapter_update(chapter.id, title="Renamed")  # not moved: its anchor stays
    assert json.loads(fields_of(v031, "3")[f"gallery_tools.chapter.{chapter.id}"])["index"] == 4


def test_on_v0_30_1_a_chapter_is_made_in_one_request_as_before(make_ops) -> None:
    with StashSimulator(release="v0.30.1") as sim:
        ops = make_ops(sim)
        sim.requests.clear()
        ops.gallery_chapter_create("3", "Second day", 3)
        assert [r.root_fields for r in sim.requests.records] == [["findGallery"], ["galleryChapterCreate"]]
