"""Gallery and image custom fields: stored, merged, validated and filtered as Stash v0.31 does,
refused where the release has none.

Stash facts: pkg/sqlite/custom_fields.go (SetCustomFields: full, else partial, then remove;
name rules; no object or array values; handleCriterion for the custom_fields criterion),
migrations 81_gallery_custom_fields and 83_image_custom_fields (`value BLOB NOT NULL`: each
value keeps its SQLite type; the Go driver stores a bool as 1 or 0), internal/api/json.go
(convertMapJSONNumbers: a number with a "." is a float64, any other an int64), and
gallery_filter.go parentFolderCriterionHandler (with #6737). v0.30.1's schema has no
gallery or image custom_fields and no parent_folder; gqlparser's validation refuses them.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from stash_sim import SimGraphQLError, StashSimulator
from stash_sim.custom_fields import go_v
from stash_sim.gqlgen import json_loads

UPDATE = "mutation($id: ID!, $cf: CustomFieldsInput) { galleryUpdate(input: {id: $id, custom_fields: $cf}) { id } }"
READ = "query($id: ID!) { findGallery(id: $id) { custom_fields } }"
FIND = (
    'query($f: GalleryFilterType) { findGalleries(gallery_filter: $f, filter: {per_page: -1, sort: "id"})'
    " { galleries { id } } }"
)


@pytest.fixture
def v031() -> Iterator[StashSimulator]:
    with StashSimulator(release="v0.31.1") as simulator:
        yield simulator


def gallery_ids(sim: StashSimulator) -> list[str]:
    return [
        g["id"]
        for g in sim.gql('{ findGalleries(filter: {per_page: -1, sort: "id"}) { galleries { id } } }')["findGalleries"][
            "galleries"
        ]
    ]


def first_gallery(sim: StashSimulator) -> str:
    return gallery_ids(sim)[0]


def fields(sim: StashSimulator, gallery_id: str) -> dict[str, Any]:
    return sim.gql(READ, {"id": gallery_id})["findGallery"]["custom_fields"]


def exact(value: Any) -> str:
    """A value as JSON text, so that 1 and True (equal in Python) tell apart."""
    return json.dumps(value, sort_keys=True)


@pytest.mark.parametrize("release", ["v0.31.1", "develop"])
def test_gallery_custom_fields_full_partial_remove_set_custom_fields(release: str) -> None:
    with StashSimulator(release=release) as sim:
        gallery = first_gallery(sim)
        assert fields(sim, gallery) == {}  # Map!: an empty map, not null
        sim.gql(UPDATE, {"id": gallery, "cf": {"full": {"source": "scan", "pages": 12, "score": 4.5}}})
        assert exact(fields(sim, gallery)) == exact({"pages": 12, "score": 4.5, "source": "scan"})
        sim.gql(UPDATE, {"id": gallery, "cf": {"partial": {"pages": 13, "note": "x"}, "remove": ["score"]}})
        assert exact(fields(sim, gallery)) == exact({"note": "x", "pages": 13, "source": "scan"})
        sim.gql(UPDATE, {"id": gallery, "cf": {"full": {"only": "this"}}})
        assert fields(sim, gallery) == {"only": "this"}
        sim.gql(UPDATE, {"id": gallery, "cf": {"remove": ["only", "never-there"]}})
        assert fields(sim, gallery) == {}


def test_full_with_an_empty_map_clears_every_field(v031: StashSimulator) -> None:
    gallery = first_gallery(v031)
    v031.gql(UPDATE, {"id": gallery, "cf": {"full": {"a": "1", "b": "2"}}})
    v031.gql(UPDATE, {"id": gallery, "cf": {"partial": {}}})  # nothing to set
    assert fields(v031, gallery) == {"a": "1", "b": "2"}
    v031.gql(UPDATE, {"id": gallery, "cf": {"full": {}}})  # Full != nil: delete, then set none
    assert fields(v031, gallery) == {}


def test_values_keep_their_sqlite_type_and_a_bool_comes_back_as_an_integer_blob_column(v031: StashSimulator) -> None:
    """`value BLOB`: the Go driver binds true as 1 and reads an INTEGER back as int64."""
    gallery = first_gallery(v031)
    v031.gql(UPDATE, {"id": gallery, "cf": {"full": {"yes": True, "no": False, "text": "12", "whole": 3.0}}})
    found = fields(v031, gallery)
    assert exact(found) == exact({"no": 0, "text": "12", "whole": 3, "yes": 1})
    assert isinstance(found["yes"], int) and not isinstance(found["yes"], bool)
    rows = dict(
        v031.store.all("SELECT field, typeof(value) FROM gallery_custom_fields WHERE gallery_id = ?", (int(gallery),))
    )
    assert rows == {"yes": "integer", "no": "integer", "text": "text", "whole": "real"}


def test_numbers_follow_json_number_to_number_json_go(v031: StashSimulator) -> None:
    """A number with a "." is a float64; any other goes through json.Number.Int64: "1e3" gives 0
    (a syntax error), a number beyond int64 gives the limit."""
    gallery = first_gallery(v031)
    # the request body decoded as the server decodes it (gqlgen.json_loads keeps each float's text)
    variables = json_loads(
        '{"id": "' + gallery + '", "cf": {"full":'
        ' {"exp": 1e3, "dot": 1.50, "big": 123456789012345678901234, "neg": -7}}}'
    )
    v031.gql(UPDATE, variables)
    assert exact(fields(v031, gallery)) == exact({"big": 9223372036854775807, "dot": 1.5, "exp": 0, "neg": -7})


def test_gallery_create_and_bulk_update_carry_custom_fields(v031: StashSimulator) -> None:
    created = v031.gql(
        'mutation { galleryCreate(input: {title: "Made", custom_fields: {a: "1"}}) { id custom_fields } }'
    )["galleryCreate"]
    assert created["custom_fields"] == {"a": "1"}
    other = first_gallery(v031)
    v031.gql(UPDATE, {"id": other, "cf": {"full": {"c": "kept", "gone": "x"}}})
    v031.gql(
        "mutation($ids: [ID!]) { bulkGalleryUpdate(input: {ids: $ids, custom_fields: {partial: {b: 2},"
        ' remove: ["gone"]}}) { id } }',
        {"ids": [created["id"], other]},
    )
    assert exact(fields(v031, created["id"])) == exact({"a": "1", "b": 2})
    assert exact(fields(v031, other)) == exact({"b": 2, "c": "kept"})


def test_galleries_update_is_one_transaction_with_custom_fields(v031: StashSimulator) -> None:
    first, second = gallery_ids(v031)[:2]
    with pytest.raises(SimGraphQLError, match="cannot have leading or trailing whitespace"):
        v031.gql(
            "mutation($i: [GalleryUpdateInput!]!) { galleriesUpdate(input: $i) { id } }",
            {
                "i": [
                    {"id": first, "custom_fields": {"partial": {"ok": 1}}},
                    {"id": second, "custom_fields": {"partial": {" bad": 1}}},
                ]
            },
        )
    assert fields(v031, first) == {}  # all or nothing


def test_image_custom_fields_through_update_and_bulk_image_update(v031: StashSimulator) -> None:
    images = v031.gql('{ findImages(filter: {per_page: 2, sort: "path"}) { images { id } } }')["findImages"]["images"]
    first, second = images[0]["id"], images[1]["id"]
    v031.gql(
        'mutation($id: ID!) { imageUpdate(input: {id: $id, custom_fields: {full: {k: "v"}}}) { id } }', {"id": first}
    )
    v031.gql(
        "mutation($ids: [ID!]) { bulkImageUpdate(input: {ids: $ids, custom_fields: {partial: {n: 1}}}) { id } }",
        {"ids": [first, second]},
    )
    found = v031.gql(
        "query($ids: [ID!]) { findImages(ids: $ids) { images { id custom_fields } } }", {"ids": [first, second]}
    )["findImages"]["images"]
    assert {i["id"]: i["custom_fields"] for i in found} == {first: {"k": "v", "n": 1}, second: {"n": 1}}


@pytest.mark.parametrize(
    ("cf", "message"),
    [
        ({"partial": {" padded": 1}}, 'custom field name " padded": custom field name cannot have leading or trailing'),
        ({"partial": {"": 1}}, 'custom field name "": custom field name cannot be empty'),
        ({"partial": {"x" * 65: 1}}, "custom field name must be less than 65 characters"),
        ({"partial": {"é" * 33: 1}}, "custom field name must be less than 65 characters"),  # 66 bytes
        ({"partial": {"a": 1}, "remove": ["a"]}, 'custom field name "a" cannot be in both values and delete keys'),
        (
            {"full": {"nested": {"no": 1}}},
            'getting SQL value for field "nested": unsupported custom field value type: map[string]interface {}',
        ),
        ({"partial": {"list": [1]}}, "unsupported custom field value type: []interface {}"),
        ({"partial": {"empty": None}}, "NOT NULL constraint failed: gallery_custom_fields.value"),
    ],
)
def test_custom_field_rules_custom_fields_go(v031: StashSimulator, cf: dict[str, Any], message: str) -> None:
    gallery = first_gallery(v031)
    v031.gql(UPDATE, {"id": gallery, "cf": {"full": {"kept": 1}}})
    with pytest.raises(SimGraphQLError) as raised:
        v031.gql(UPDATE, {"id": gallery, "cf": cf})
    assert message in str(raised.value)
    assert fields(v031, gallery) == {"kept": 1}  # the failed update changed nothing


def test_a_name_of_64_bytes_is_accepted(v031: StashSimulator) -> None:
    gallery = first_gallery(v031)
    v031.gql(UPDATE, {"id": gallery, "cf": {"partial": {"n" * 64: "ok"}}})
    assert fields(v031, gallery) == {"n" * 64: "ok"}


@pytest.mark.parametrize("release", ["v0.30.1"])
def test_custom_fields_and_parent_folder_are_unknown_on_v0_30_1_gqlparser_validation(release: str) -> None:
    sim = StashSimulator(release=release)
    gallery = first_gallery(sim)
    for document, variables in [
        (
            "mutation($id: ID!) { galleryUpdate(input: {id: $id, custom_fields: {partial: {a: 1}}}) { id } }",
            {"id": gallery},
        ),
        ("{ findGalleries { galleries { id custom_fields } } }", None),
        (FIND, {"f": {"custom_fields": [{"field": "a", "modifier": "NOT_NULL"}]}}),
        (FIND, {"f": {"parent_folder": {"value": ["1"], "modifier": "INCLUDES"}}}),
    ]:
        body = sim.gql_raw(document, variables)
        assert body["data"] is None, document
        assert body["errors"][0]["extensions"]["code"] == "GRAPHQL_VALIDATION_FAILED", body
    assert sim.store.value("SELECT COUNT(*) FROM gallery_custom_fields") == 0


def test_the_update_hook_input_has_the_release_schemas_keys(v031: StashSimulator, make_sim: Any) -> None:
    """hookContext.input marshals models.GalleryUpdateInput: every key of that release's input."""
    from stash_sim.mutations import _full_update_input

    class Info:
        def __init__(self, sim: StashSimulator) -> None:
            self.context = type("C", (), {"sim": sim})()

    assert "custom_fields" in _full_update_input({"id": "1"}, Info(v031))
    assert "custom_fields" not in _full_update_input({"id": "1"}, Info(make_sim(release="v0.30.1")))


# -- the custom_fields criterion (customFieldsFilterHandler.handleCriterion) ------------------------
@pytest.fixture
def valued(v031: StashSimulator) -> dict[str, str]:
    """Five galleries with `n` set to 5, "5", 12, "abc" and none: {name: id}."""
    ids = gallery_ids(v031)[:5]
    for gallery, value in zip(ids, [5, "5", 12, "abc"], strict=False):
        v031.gql(UPDATE, {"id": gallery, "cf": {"full": {"n": value, "other": "x"}}})
    return dict(zip(["int5", "str5", "int12", "abc", "none"], ids, strict=True))


def matching(sim: StashSimulator, *criteria: dict[str, Any]) -> set[str]:
    found = sim.gql(FIND, {"f": {"custom_fields": list(criteria)}})["findGalleries"]["galleries"]
    return {g["id"] for g in found}


def test_equals_compares_with_the_stored_type_a_blob_column_converts_nothing(
    v031: StashSimulator, valued: dict[str, str]
) -> None:
    assert matching(v031, {"field": "n", "value": [5], "modifier": "EQUALS"}) == {valued["int5"]}
    assert matching(v031, {"field": "n", "value": ["5"], "modifier": "EQUALS"}) == {valued["str5"]}
    assert matching(v031, {"field": "n", "value": [5, 12], "modifier": "EQUALS"}) == {valued["int5"], valued["int12"]}


def test_not_equals_lets_a_gallery_without_the_field_through_left_join(
    v031: StashSimulator, valued: dict[str, str]
) -> None:
    found = matching(v031, {"field": "n", "value": [5], "modifier": "NOT_EQUALS"})
    assert valued["int5"] not in found
    assert {valued["str5"], valued["int12"], valued["abc"], valued["none"]} <= found


def test_includes_and_excludes_are_like_on_the_text_of_the_value(v031: StashSimulator, valued: dict[str, str]) -> None:
    assert matching(v031, {"field": "n", "value": ["5"], "modifier": "INCLUDES"}) == {valued["int5"], valued["str5"]}
    assert matching(v031, {"field": "n", "value": [1, 2], "modifier": "INCLUDES"}) == {valued["int12"]}  # each one
    excluded = matching(v031, {"field": "n", "value": ["b"], "modifier": "EXCLUDES"})
    assert valued["abc"] not in excluded and valued["none"] in excluded


def test_null_modifiers_count_a_missing_field_as_null(v031: StashSimulator, valued: dict[str, str]) -> None:
    assert matching(v031, {"field": "n", "modifier": "NOT_NULL"}) == {
        valued["int5"],
        valued["str5"],
        valued["int12"],
        valued["abc"],
    }
    assert valued["none"] in matching(v031, {"field": "n", "modifier": "IS_NULL"})
    assert valued["abc"] not in matching(v031, {"field": "n", "modifier": "IS_NULL"})


def test_ranges_compare_across_types_as_sqlite_does(v031: StashSimulator, valued: dict[str, str]) -> None:
    assert matching(v031, {"field": "n", "value": [4, 13], "modifier": "BETWEEN"}) == {valued["int5"], valued["int12"]}
    assert matching(v031, {"field": "n", "value": [6], "modifier": "GREATER_THAN"}) == {
        valued["int12"],
        valued["str5"],
        valued["abc"],
    }  # every TEXT is greater than every INTEGER
    assert matching(v031, {"field": "n", "value": [6], "modifier": "LESS_THAN"}) == {valued["int5"]}
    outside = matching(v031, {"field": "n", "value": [4, 6], "modifier": "NOT_BETWEEN"})
    assert valued["int5"] not in outside and valued["none"] in outside


def test_regex_modifiers_use_go_regexp(v031: StashSimulator) -> None:
    first, second, third = gallery_ids(v031)[:3]
    v031.gql(UPDATE, {"id": first, "cf": {"full": {"t": "abc"}}})
    v031.gql(UPDATE, {"id": second, "cf": {"full": {"t": "ABC"}}})
    assert matching(v031, {"field": "t", "value": ["^a.c$"], "modifier": "MATCHES_REGEX"}) == {first}
    assert matching(v031, {"field": "t", "value": ["(?i)^a.c$"], "modifier": "MATCHES_REGEX"}) == {first, second}
    not_matching = matching(v031, {"field": "t", "value": ["b"], "modifier": "NOT_MATCHES_REGEX"})
    assert first not in not_matching and second in not_matching and third in not_matching  # a missing field too


def test_a_regex_over_a_value_that_is_not_text_fails_the_query(v031: StashSimulator, valued: dict[str, str]) -> None:
    """regexFn takes strings: the Go driver refuses an INTEGER argument, so the query fails."""
    with pytest.raises(SimGraphQLError):
        matching(v031, {"field": "n", "value": ["5"], "modifier": "MATCHES_REGEX"})


def test_criteria_are_anded(v031: StashSimulator, valued: dict[str, str]) -> None:
    assert matching(
        v031,
        {"field": "n", "modifier": "NOT_NULL"},
        {"field": "n", "value": ["5"], "modifier": "INCLUDES"},
        {"field": "other", "value": ["x"], "modifier": "EQUALS"},
    ) == {valued["int5"], valued["str5"]}


@pytest.mark.parametrize(
    ("criterion", "message"),
    [
        (
            {"field": "n", "value": [1], "modifier": "BETWEEN"},
            "expected 2 values for custom field criterion modifier BETWEEN, got 1",
        ),
        (
            {"field": "n", "value": [1, 2], "modifier": "GREATER_THAN"},
            "expected 1 value for custom field criterion modifier LESS_THAN, got 2",
        ),
        ({"field": "n", "value": [1], "modifier": "NOT_BETWEEN"}, "index out of range [1] with length 1"),
        (
            {"field": "n", "value": [5], "modifier": "MATCHES_REGEX"},
            "unsupported custom field criterion value type: int64",
        ),
        ({"field": "n", "value": ["("], "modifier": "MATCHES_REGEX"}, "error parsing regexp"),
        (
            {"field": "n", "value": [{"a": 1}], "modifier": "EQUALS"},
            "unsupported custom field value type: map[string]interface {}",
        ),
        (
            {"field": "n", "value": [1], "modifier": "INCLUDES_ALL"},
            "unsupported custom field criterion modifier: INCLUDES_ALL",
        ),
    ],
)
def test_criterion_errors_custom_fields_go(v031: StashSimulator, criterion: dict[str, Any], message: str) -> None:
    with pytest.raises(SimGraphQLError) as raised:
        matching(v031, criterion)
    assert message in str(raised.value)


def test_image_filter_has_the_criterion_too(v031: StashSimulator) -> None:
    image = v031.gql('{ findImages(filter: {per_page: 1, sort: "path"}) { images { id } } }')["findImages"]["images"][
        0
    ]["id"]
    v031.gql(
        'mutation($id: ID!) { imageUpdate(input: {id: $id, custom_fields: {full: {k: "v"}}}) { id } }', {"id": image}
    )
    found = v031.gql(
        '{ findImages(image_filter: {custom_fields: [{field: "k", value: ["v"], modifier: EQUALS}]})'
        " { images { id } } }"
    )["findImages"]["images"]
    assert [i["id"] for i in found] == [image]


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (5, "5"),
        (True, "true"),
        ("a b", "a b"),
        (4.5, "4.5"),
        (3.0, "3"),
        (1234567.0, "1.234567e+06"),
        (123456.5, "123456.5"),
        (0.0001, "0.0001"),
        (0.00001, "1e-05"),
        (-2.5e-7, "-2.5e-07"),
    ],
)
def test_like_patterns_use_go_percent_v(value: Any, text: str) -> None:
    """fmt's %v: floats as strconv 'g' with the shortest digits, an exponent from 6 up or below -4."""
    assert go_v(value) == text


# -- the gallery parent_folder criterion ---------------------------------------------------------
def folder_id(sim: StashSimulator, path: str) -> str:
    return sim.gql("query($p: String) { findFolder(path: $p) { id } }", {"p": path})["findFolder"]["id"]


def titled(sim: StashSimulator, gallery_filter: dict[str, Any]) -> set[str]:
    found = sim.gql(
        "query($f: GalleryFilterType) { findGalleries(gallery_filter: $f, filter: {per_page: -1})"
        " { galleries { files { path } folder { path } } } }",
        {"f": gallery_filter},
    )
    return {(g["files"][0]["path"] if g["files"] else g["folder"]["path"]) for g in found["findGalleries"]["galleries"]}


def test_parent_folder_is_the_folder_of_a_zip_or_the_parent_of_a_gallery_folder(v031: StashSimulator) -> None:
    """#6737: a zip gallery counts under the folder that holds the zip, not that folder's parent."""
    zips, photos, library = (folder_id(v031, p) for p in ("/library/zips", "/library/photos", "/library"))
    in_zips = titled(v031, {"parent_folder": {"value": [zips], "modifier": "INCLUDES"}})
    assert "/library/zips/city_walk-2020.zip" in in_zips
    assert all(path.startswith("/library/zips/") for path in in_zips)
    in_photos = titled(v031, {"parent_folder": {"value": [photos], "modifier": "EQUALS"}})
    assert {"/library/photos/Beach 2021", "/library/photos/Portraits"} <= in_photos
    assert all(path.rsplit("/", 1)[0] == "/library/photos" for path in in_photos)  # the folder's own children
    assert titled(v031, {"parent_folder": {"value": [library], "modifier": "INCLUDES"}}) == set()  # depth 0
    everything = titled(v031, {"parent_folder": {"value": [library], "modifier": "INCLUDES", "depth": -1}})
    assert in_zips | in_photos <= everything


def test_parent_folder_refuses_other_modifiers_and_does_not_model_excludes(v031: StashSimulator) -> None:
    photos = folder_id(v031, "/library/photos")
    with pytest.raises(SimGraphQLError, match="invalid modifier for parent folder criterion: INCLUDES_ALL"):
        titled(v031, {"parent_folder": {"value": [photos], "modifier": "INCLUDES_ALL"}})
    with pytest.raises(SimGraphQLError, match="does not model"):
        titled(v031, {"parent_folder": {"value": [photos], "modifier": "EXCLUDES"}})
