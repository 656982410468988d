"""Gallery and image custom fields: stored and returned where the release has them, refused where not.

Stash facts: pkg/sqlite/custom_fields.go (SetCustomFields: full, else partial, then
remove; name rules; no object or array values), internal/api/resolver_mutation_*.go
(convertMapJSONNumbers keeps numbers' types). v0.30.1's schema has no gallery or image
custom_fields; gqlparser's validation refuses them there.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from stash_sim import SimGraphQLError, StashSimulator

UPDATE = "mutation($id: ID!, $cf: CustomFieldsInput) { galleryUpdate(input: {id: $id, custom_fields: $cf}) { id } }"
READ = "query($id: ID!) { findGallery(id: $id) { custom_fields } }"


@pytest.fixture
def develop() -> Iterator[StashSimulator]:
    with StashSimulator(release="develop") as simulator:
        yield simulator


def first_gallery(sim: StashSimulator) -> str:
    return sim.gql('{ findGalleries(filter: {per_page: 1, sort: "path"}) { galleries { id } } }')[
        "findGalleries"]["galleries"][0]["id"]


def fields(sim: StashSimulator, gallery_id: str) -> dict[str, Any]:
    return sim.gql(READ, {"id": gallery_id})["findGallery"]["custom_fields"]


def test_gallery_custom_fields_full_partial_remove_set_custom_fields(develop: StashSimulator) -> None:
    gallery = first_gallery(develop)
    assert fields(develop, gallery) == {}  # Map!: an empty map, not null
    develop.gql(UPDATE, {"id": gallery, "cf": {"full": {"source": "scan", "pages": 12, "score": 4.5}}})
    assert fields(develop, gallery) == {"source": "scan", "pages": 12, "score": 4.5}  # numbers keep their type
    develop.gql(UPDATE, {"id": gallery, "cf": {"partial": {"pages": 13, "checked": True}, "remove": ["score"]}})
    assert fields(develop, gallery) == {"source": "scan", "pages": 13, "checked": True}
    develop.gql(UPDATE, {"id": gallery, "cf": {"full": {"only": "this"}}})
    assert fields(develop, gallery) == {"only": "this"}
    develop.gql(UPDATE, {"id": gallery, "cf": {"remove": ["only"]}})
    assert fields(develop, gallery) == {}


def test_gallery_create_and_bulk_update_carry_custom_fields(develop: StashSimulator) -> None:
    created = develop.gql('mutation { galleryCreate(input: {title: "Made", custom_fields: {a: "1"}}) '
                          "{ id custom_fields } }")["galleryCreate"]
    assert created["custom_fields"] == {"a": "1"}
    other = first_gallery(develop)
    develop.gql("mutation($ids: [ID!]) { bulkGalleryUpdate(input: {ids: $ids, custom_fields: {partial: {b: 2}}})"
                " { id } }", {"ids": [created["id"], other]})
    assert fields(develop, created["id"]) == {"a": "1", "b": 2}
    assert fields(develop, other) == {"b": 2}


def test_image_custom_fields_through_bulk_image_update(develop: StashSimulator) -> None:
    image = develop.gql('{ findImages(filter: {per_page: 1, sort: "path"}) { images { id } } }')[
        "findImages"]["images"][0]["id"]
    develop.gql("mutation($ids: [ID!]) { bulkImageUpdate(input: {ids: $ids, custom_fields: {full: {k: \"v\"}}})"
                " { id } }", {"ids": [image]})
    found = develop.gql("query($id: ID!) { findImage(id: $id) { custom_fields } }", {"id": image})
    assert found["findImage"]["custom_fields"] == {"k": "v"}


@pytest.mark.parametrize(("cf", "message"), [
    ({"partial": {" padded": 1}}, 'custom field name " padded": custom field name cannot have leading or trailing'),
    ({"partial": {"": 1}}, 'custom field name "": custom field name cannot be empty'),
    ({"partial": {"x" * 65: 1}}, "custom field name must be less than 65 characters"),
    ({"partial": {"a": 1}, "remove": ["a"]}, 'custom field name "a" cannot be in both values and delete keys'),
    ({"full": {"nested": {"no": 1}}}, "unsupported custom field value type"),
])
def test_custom_field_rules_custom_fields_go(develop: StashSimulator, cf: dict[str, Any], message: str) -> None:
    gallery = first_gallery(develop)
    develop.gql(UPDATE, {"id": gallery, "cf": {"full": {"kept": 1}}})
    with pytest.raises(SimGraphQLError, match=message.replace("(", r"\(")[:40]):
        develop.gql(UPDATE, {"id": gallery, "cf": cf})
    assert fields(develop, gallery) == {"kept": 1}  # the failed update changed nothing


def test_custom_fields_are_an_unknown_field_on_v0_30_1_gqlparser_validation() -> None:
    sim = StashSimulator(release="v0.30.1")
    gallery = first_gallery(sim)
    body = sim.gql_raw('mutation($id: ID!) { galleryUpdate(input: {id: $id, custom_fields: {partial: {a: 1}}})'
                       " { id } }", {"id": gallery})
    assert body["data"] is None
    assert body["errors"][0]["extensions"]["code"] == "GRAPHQL_VALIDATION_FAILED"
    assert "custom_fields" in body["errors"][0]["message"]
    assert sim.store.value("SELECT COUNT(*) FROM gallery_custom_fields") == 0


def test_the_update_hook_input_has_the_release_schemas_keys(develop: StashSimulator, make_sim: Any) -> None:
    """hookContext.input marshals models.GalleryUpdateInput: every key of that release's input."""
    from stash_sim.mutations import _full_update_input

    class Info:
        def __init__(self, sim: StashSimulator) -> None:
            self.context = type("C", (), {"sim": sim})()

    assert "custom_fields" in _full_update_input({"id": "1"}, Info(develop))
    assert "custom_fields" not in _full_update_input({"id": "1"}, Info(make_sim(release="v0.30.1")))
