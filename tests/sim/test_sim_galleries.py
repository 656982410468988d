"""Gallery mutations and lookups: one case per Stash rule (docs/stash.md §4, research notes Q3).

Each case is named after the Stash fact it checks, with the Stash source file in the id.
Refusals check Stash's exact message and that nothing changed (every table row, updated_at
included); effects run mutations and compare a read-back with what Stash would return.

The sample library (tests/stash_sim/libraries/sample.yml), by id:
  galleries 1 "Beach 2021" folder, no title (images 1-4, tags [Beach], studio 1, performer 1)
            2 "Portraits" folder titled "Studio Portraits" (images 5-7, explicit cover 7)
            3 "Summer Trip [2022-08-01].zip" (images 8-12)   4 "city_walk-2020.zip" (images 13-15)
            5 "Best of 2021" user-created (images 1, 5, 16; chapter 1 at index 1)
            6 "Empty Collection" user-created, no images
  image 17 is in no gallery; tags 1 Beach, 2 Portrait, 3 Travel, 4 Archive
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest
import requests
from graphql import FieldNode, OperationDefinitionNode, parse
from stash_sim import StashSimulator

Step = tuple[str, dict[str, Any]]

CHAPTER_RANGE = "Image # must greater than zero and in range of the gallery images"
ORGANIZED_NULL = "Internal system error. Error <null value not allowed in optional bool>"
FK_FAILED = "FOREIGN KEY constraint failed"

GALLERY_CREATE = "mutation($input: GalleryCreateInput!) { galleryCreate(input: $input) { id title } }"
GALLERY_UPDATE = "mutation($input: GalleryUpdateInput!) { galleryUpdate(input: $input) { id } }"
GALLERIES_UPDATE = "mutation($input: [GalleryUpdateInput!]!) { galleriesUpdate(input: $input) { id } }"
BULK_UPDATE = "mutation($input: BulkGalleryUpdateInput!) { bulkGalleryUpdate(input: $input) { id } }"
DESTROY = "mutation($input: GalleryDestroyInput!) { galleryDestroy(input: $input) }"
ADD_IMAGES = "mutation($input: GalleryAddInput!) { addGalleryImages(input: $input) }"
REMOVE_IMAGES = "mutation($input: GalleryRemoveInput!) { removeGalleryImages(input: $input) }"
SET_COVER = "mutation($input: GallerySetCoverInput!) { setGalleryCover(input: $input) }"
RESET_COVER = "mutation($input: GalleryResetCoverInput!) { resetGalleryCover(input: $input) }"
CHAPTER_CREATE = "mutation($input: GalleryChapterCreateInput!) { galleryChapterCreate(input: $input) { id } }"
CHAPTER_UPDATE = "mutation($input: GalleryChapterUpdateInput!) { galleryChapterUpdate(input: $input) { id } }"
CHAPTER_DESTROY = "mutation($id: ID!) { galleryChapterDestroy(id: $id) }"
FIND_GALLERY = "query($id: ID!) { findGallery(id: $id) { id } }"
FIND_GALLERIES_BY_IDS = "query($ids: [ID!]) { findGalleries(ids: $ids) { count } }"


def _input(**fields: Any) -> dict[str, Any]:
    return {"input": fields}


def _root_field(query: str) -> str:
    operation = parse(query).definitions[0]
    assert isinstance(operation, OperationDefinitionNode)
    field = operation.selection_set.selections[0]
    assert isinstance(field, FieldNode)
    return field.name.value


# -- refusals -----------------------------------------------------------------------------------
# (setup steps, query, variables, Stash's message: a str, or a pattern where Stash's text holds SQL)
REFUSALS = [
    # resolver_mutation_gallery.go GalleryChapterCreate: 1 <= image_index <= CountByGalleryID
    pytest.param(
        [],
        CHAPTER_CREATE,
        _input(gallery_id="5", title="c", image_index=0),
        CHAPTER_RANGE,
        id="chapter_index_zero_refused[resolver_mutation_gallery.go]",
    ),
    pytest.param(
        [],
        CHAPTER_CREATE,
        _input(gallery_id="5", title="c", image_index=-1),
        CHAPTER_RANGE,
        id="chapter_index_negative_refused[resolver_mutation_gallery.go]",
    ),
    pytest.param(
        [],
        CHAPTER_CREATE,
        _input(gallery_id="5", title="c", image_index=4),
        CHAPTER_RANGE,
        id="chapter_index_above_image_count_refused[resolver_mutation_gallery.go]",
    ),
    pytest.param(
        [],
        CHAPTER_CREATE,
        _input(gallery_id="999", title="c", image_index=1),
        CHAPTER_RANGE,
        id="chapter_on_unknown_gallery_refused_as_out_of_range[resolver_mutation_gallery.go]",
    ),
    pytest.param(
        [],
        CHAPTER_CREATE,
        _input(gallery_id="6", title="c", image_index=1),
        CHAPTER_RANGE,
        id="chapter_on_empty_gallery_refused[resolver_mutation_gallery.go]",
    ),
    # GalleryChapterUpdate checks the merged gallery_id / image_index
    pytest.param(
        [],
        CHAPTER_UPDATE,
        _input(id="1", image_index=0),
        CHAPTER_RANGE,
        id="chapter_update_index_zero_refused[resolver_mutation_gallery.go]",
    ),
    pytest.param(
        [],
        CHAPTER_UPDATE,
        _input(id="1", image_index=4),
        CHAPTER_RANGE,
        id="chapter_update_index_above_image_count_refused[resolver_mutation_gallery.go]",
    ),
    pytest.param(
        [],
        CHAPTER_UPDATE,
        _input(id="1", image_index=None),
        CHAPTER_RANGE,
        id="chapter_update_index_null_is_zero_refused[resolver_mutation_gallery.go]",
    ),
    pytest.param(
        [],
        CHAPTER_UPDATE,
        _input(id="1", gallery_id="6"),
        CHAPTER_RANGE,
        id="chapter_update_checks_kept_index_against_new_gallery[resolver_mutation_gallery.go]",
    ),
    pytest.param(
        [],
        CHAPTER_UPDATE,
        _input(id="999", title="x"),
        "gallery chapter with id 999 not found",
        id="chapter_update_unknown_id[resolver_mutation_gallery.go]",
    ),
    pytest.param(
        [],
        CHAPTER_DESTROY,
        {"id": "999"},
        "gallery chapter with id 999 not found",
        id="chapter_destroy_unknown_id[resolver_mutation_gallery.go]",
    ),
    # GalleryCreate / galleryUpdate titles
    pytest.param(
        [],
        GALLERY_CREATE,
        _input(title=""),
        "title must not be empty",
        id="gallery_create_empty_title_refused[resolver_mutation_gallery.go]",
    ),
    pytest.param(
        [],
        GALLERY_UPDATE,
        _input(id="5", title=""),
        "title must not be empty for user-created galleries",
        id="gallery_update_empty_title_refused_for_user_created[resolver_mutation_gallery.go]",
    ),
    # organized: null panics in pkg/sqlite/record.go; recoverFunc (internal/api/server.go) words it
    pytest.param(
        [],
        GALLERY_UPDATE,
        _input(id="2", title="changed", details="changed", organized=None),
        ORGANIZED_NULL,
        id="gallery_update_organized_null_is_an_error[pkg/sqlite/record.go]",
    ),
    pytest.param(
        [],
        GALLERY_UPDATE,
        _input(id="999999", title="x"),
        "gallery with id 999999 not found",
        id="gallery_update_unknown_id[resolver_mutation_gallery.go]",
    ),
    pytest.param(
        [],
        GALLERY_UPDATE,
        _input(id="abc", title="x"),
        'converting id: strconv.Atoi: parsing "abc": invalid syntax',
        id="gallery_update_non_integer_id[resolver_mutation_gallery.go]",
    ),
    # foreign keys (SQLite _fk=true, pkg/sqlite/database.go): the whole transaction rolls back
    pytest.param(
        [],
        GALLERY_UPDATE,
        _input(id="1", title="changed", tag_ids=["2", "999"]),
        "error executing `INSERT INTO galleries_tags (gallery_id, tag_id) VALUES (?, ?) ON CONFLICT"
        " (gallery_id, tag_id) DO NOTHING` [[1 999]]: FOREIGN KEY constraint failed",
        id="gallery_update_unknown_tag_fk_rolls_back[pkg/sqlite/repository.go]",
    ),
    pytest.param(
        [],
        GALLERY_UPDATE,
        _input(id="1", title="changed", studio_id="999"),
        re.compile(r"updating galleries: executing `UPDATE \"galleries\" SET .*`.*: " + FK_FAILED),
        id="gallery_update_unknown_studio_fk_rolls_back[pkg/sqlite/table.go]",
    ),
    pytest.param(
        [],
        GALLERY_CREATE,
        _input(title="New", studio_id="999"),
        re.compile(r"inserting into galleries: executing .*: " + FK_FAILED),
        id="gallery_create_unknown_studio_fk_rolls_back[pkg/sqlite/table.go]",
    ),
    # galleriesUpdate and bulkGalleryUpdate: one transaction, all or nothing
    pytest.param(
        [],
        GALLERIES_UPDATE,
        {"input": [{"id": "1", "details": "x"}, {"id": "999", "details": "x"}]},
        "gallery with id 999 not found",
        id="galleries_update_all_or_nothing[resolver_mutation_gallery.go]",
    ),
    pytest.param(
        [],
        BULK_UPDATE,
        _input(ids=["1", "2"], details="x", tag_ids={"ids": ["999"], "mode": "ADD"}),
        "error executing `INSERT INTO galleries_tags (gallery_id, tag_id) VALUES (?, ?) ON CONFLICT"
        " (gallery_id, tag_id) DO NOTHING` [[1 999]]: FOREIGN KEY constraint failed",
        id="bulk_update_unknown_tag_fk_rolls_back[resolver_mutation_gallery.go]",
    ),
    # BulkGalleryUpdate looks nothing up: UpdatePartial reads the row back (pkg/sqlite/gallery.go)
    pytest.param(
        [],
        BULK_UPDATE,
        _input(ids=["1", "999"], details="x"),
        "sql: no rows in result set",
        id="bulk_update_unknown_id_is_no_rows_and_rolls_back[pkg/sqlite/gallery.go]",
    ),
    pytest.param(
        [],
        DESTROY,
        _input(ids=["6", "999"]),
        "gallery with id 999 not found",
        id="gallery_destroy_unknown_id_all_or_nothing[resolver_mutation_gallery.go]",
    ),
    # add / remove images: pkg/gallery/validation.go ContentsChangedError, %q of GetTitle()
    pytest.param(
        [],
        ADD_IMAGES,
        _input(gallery_id="4", image_ids=["17"]),
        'cannot change contents of zip-based gallery "city_walk-2020.zip"',
        id="add_images_to_zip_gallery_refused_by_base_name[pkg/gallery/validation.go]",
    ),
    pytest.param(
        [],
        REMOVE_IMAGES,
        _input(gallery_id="3", image_ids=["8"]),
        'cannot change contents of zip-based gallery "Summer Trip [2022-08-01].zip"',
        id="remove_images_from_zip_gallery_refused[pkg/gallery/validation.go]",
    ),
    pytest.param(
        [],
        ADD_IMAGES,
        _input(gallery_id="1", image_ids=["17"]),
        'cannot change contents of folder-based gallery "Beach 2021"',
        id="add_images_to_folder_gallery_refused_by_base_name[pkg/gallery/validation.go]",
    ),
    pytest.param(
        [],
        REMOVE_IMAGES,
        _input(gallery_id="2", image_ids=["5"]),
        'cannot change contents of folder-based gallery "Studio Portraits"',
        id="remove_images_from_folder_gallery_refused_by_title[pkg/gallery/validation.go]",
    ),
    pytest.param(
        [(GALLERY_UPDATE, _input(id="4", title='Walk "B" \\ 2020'))],
        ADD_IMAGES,
        _input(gallery_id="4", image_ids=["17"]),
        'cannot change contents of zip-based gallery "Walk \\"B\\" \\\\ 2020"',
        id="content_refusal_quotes_title_as_go_q[pkg/gallery/validation.go]",
    ),
    pytest.param(
        [],
        ADD_IMAGES,
        _input(gallery_id="999", image_ids=["17"]),
        "gallery with id 999 not found",
        id="add_images_unknown_gallery[resolver_mutation_gallery.go]",
    ),
    pytest.param(
        [],
        ADD_IMAGES,
        _input(gallery_id="6", image_ids=["17", "999"]),
        "failed to add images to gallery: error executing `INSERT INTO galleries_images (gallery_id,"
        " image_id) VALUES (?, ?) ON CONFLICT (gallery_id, image_id) DO NOTHING` [[6 999]]: " + FK_FAILED,
        id="add_unknown_image_fk_rolls_back[pkg/sqlite/repository.go]",
    ),
    pytest.param(
        [],
        SET_COVER,
        _input(gallery_id="999", cover_image_id="1"),
        "gallery with id 999 not found",
        id="set_cover_unknown_gallery[resolver_mutation_gallery.go]",
    ),
    pytest.param(
        [],
        RESET_COVER,
        _input(gallery_id="abc"),
        'converting gallery id: strconv.Atoi: parsing "abc": invalid syntax',
        id="reset_cover_non_integer_gallery_id[resolver_mutation_gallery.go]",
    ),
    # lookups
    pytest.param(
        [],
        FIND_GALLERY,
        {"id": "abc"},
        'strconv.Atoi: parsing "abc": invalid syntax',
        id="find_gallery_non_integer_id[resolver_query_find_gallery.go]",
    ),
    pytest.param(
        [],
        FIND_GALLERY,
        {"id": "99999999999999999999"},
        'strconv.Atoi: parsing "99999999999999999999": value out of range',
        id="find_gallery_id_beyond_int64[strconv.Atoi]",
    ),
    pytest.param(
        [],
        FIND_GALLERIES_BY_IDS,
        {"ids": ["1", "999"]},
        "gallery with id 999 not found",
        id="find_galleries_unknown_id[pkg/sqlite/gallery.go]",
    ),
    pytest.param(
        [],
        FIND_GALLERIES_BY_IDS,
        {"ids": ["1", "1"]},
        "validating ids: duplicate id found: 1",
        id="find_galleries_duplicate_id[internal/api/input.go]",
    ),
]


@pytest.mark.parametrize(("setup", "query", "variables", "expected"), REFUSALS)
def test_stash_refuses_and_changes_nothing(
    sim: StashSimulator,
    db_snapshot: Callable,
    setup: list[Step],
    query: str,
    variables: dict,
    expected: str | re.Pattern,
) -> None:
    for step_query, step_variables in setup:
        sim.gql(step_query, step_variables)
    before = db_snapshot(sim)
    body = sim.gql_raw(query, variables)
    assert len(body["errors"]) == 1, body
    message = body["errors"][0]["message"]
    if isinstance(expected, re.Pattern):
        assert expected.fullmatch(message), message
    else:
        assert message == expected
    assert body["errors"][0]["path"] == [_root_field(query)]
    assert db_snapshot(sim) == before


# -- effects ------------------------------------------------------------------------------------
GALLERY_FIELDS = "query($id: ID!) { findGallery(id: $id) { title details date studio { name } tags { name } }}"
COVER = "query($id: ID!) { findGallery(id: $id) { cover { id } } }"
COUNTS = "query($id: ID!) { findGallery(id: $id) { image_count } }"
TAGS_OF_1_AND_2 = "{ g1: findGallery(id: 1) { tags { name } } g2: findGallery(id: 2) { tags { name } } }"
CHAPTERS = "query($id: ID!) { findGallery(id: $id) { chapters { title image_index } } }"
IMAGE_TOTAL = "{ findImages(filter: {per_page: 0}) { count } }"
PATH_COUNT = "query($p: String!) { findImages(image_filter: {path: {value: $p, modifier: INCLUDES}}) { count } }"


def _tags(*names: str) -> dict[str, list[dict[str, str]]]:
    return {"tags": [{"name": name} for name in names]}


# (steps, what the last step returns or None to skip, check query, its variables, expected data)
EFFECTS = [
    pytest.param(
        [(GALLERY_UPDATE, _input(id="1", details="new"))],
        None,
        GALLERY_FIELDS,
        {"id": "1"},
        {
            "findGallery": {
                "title": "",
                "details": "new",
                "date": "2021-07-14",
                "studio": {"name": "Lumen Studio"},
                **_tags("Beach"),
            }
        },
        id="partial_update_leaves_absent_fields_alone[resolver_mutation_gallery.go]",
    ),
    pytest.param(
        [
            (GALLERY_UPDATE, _input(id="1", details="d")),
            (GALLERY_UPDATE, _input(id="1", details=None, date=None, studio_id=None, tag_ids=None)),
        ],
        None,
        GALLERY_FIELDS,
        {"id": "1"},
        {"findGallery": {"title": "", "details": "", "date": None, "studio": None, "tags": []}},
        id="partial_update_null_clears[changeset_translator.go]",
    ),
    pytest.param(
        [(GALLERY_UPDATE, _input(id="2", title=None, details="d"))],
        None,
        "{ findGallery(id: 2) { title } }",
        {},
        {"findGallery": {"title": "Studio Portraits"}},
        id="gallery_update_title_null_is_ignored[resolver_mutation_gallery.go]",
    ),
    pytest.param(
        [(GALLERY_UPDATE, _input(id="2", title="  Spaced  "))],
        None,
        "{ findGallery(id: 2) { title } }",
        {},
        {"findGallery": {"title": "  Spaced  "}},
        id="gallery_update_title_stored_untrimmed[resolver_mutation_gallery.go]",
    ),
    pytest.param(
        [
            (GALLERY_UPDATE, _input(id="2", title="")),
            (GALLERY_UPDATE, _input(id="3", title="Zip")),
            (GALLERY_UPDATE, _input(id="3", title="")),
        ],
        None,
        "{ g2: findGallery(id: 2) { title } g3: findGallery(id: 3) { title } }",
        {},
        {"g2": {"title": ""}, "g3": {"title": ""}},
        id="gallery_update_empty_title_allowed_for_folder_and_zip[resolver_mutation_gallery.go]",
    ),
    pytest.param(
        [(GALLERY_CREATE, _input(title="  "))],
        {"galleryCreate": {"id": "12", "title": ""}},
        "{ findGalleries(filter: {per_page: 0}) { count } }",
        {},
        {"findGalleries": {"count": 12}},
        id="gallery_create_blank_title_accepted_and_stored_empty[resolver_mutation_gallery.go]",
    ),
    pytest.param(
        [(GALLERY_CREATE, _input(title="  New  ", tag_ids=["3"]))],
        {"galleryCreate": {"id": "12", "title": "New"}},
        "{ findGallery(id: 12) { title tags { name } } }",
        {},
        {"findGallery": {"title": "New", **_tags("Travel")}},
        id="gallery_create_trims_title[resolver_mutation_gallery.go]",
    ),
    pytest.param(
        [(GALLERY_UPDATE, _input(id="1", tag_ids=["3", "2"]))],
        None,
        "{ findGallery(id: 1) { tags { name } } }",
        {},
        {"findGallery": _tags("Portrait", "Travel")},
        id="gallery_update_tag_ids_replace_the_list[resolver_mutation_gallery.go]",
    ),
    pytest.param(
        [(GALLERIES_UPDATE, {"input": [{"id": "1", "details": "one"}, {"id": "2", "details": "two"}]})],
        None,
        "{ g1: findGallery(id: 1) { details } g2: findGallery(id: 2) { details } }",
        {},
        {"g1": {"details": "one"}, "g2": {"details": "two"}},
        id="galleries_update_applies_each_input[resolver_mutation_gallery.go]",
    ),
    pytest.param(
        [(BULK_UPDATE, _input(ids=["1", "2"], tag_ids={"ids": ["4"], "mode": "SET"}))],
        None,
        TAGS_OF_1_AND_2,
        {},
        {"g1": _tags("Archive"), "g2": _tags("Archive")},
        id="bulk_update_ids_set_replaces[pkg/sqlite/table.go]",
    ),
    pytest.param(
        [(BULK_UPDATE, _input(ids=["1", "2"], tag_ids={"ids": ["1"], "mode": "ADD"}))],
        None,
        TAGS_OF_1_AND_2,
        {},
        {"g1": _tags("Beach"), "g2": _tags("Beach", "Portrait")},
        id="bulk_update_ids_add_skips_present_ids[pkg/sqlite/table.go]",
    ),
    pytest.param(
        [(BULK_UPDATE, _input(ids=["1", "2"], tag_ids={"ids": ["1", "3"], "mode": "REMOVE"}))],
        None,
        TAGS_OF_1_AND_2,
        {},
        {"g1": _tags(), "g2": _tags("Portrait")},
        id="bulk_update_ids_remove_deletes[pkg/sqlite/table.go]",
    ),
    pytest.param(
        [(BULK_UPDATE, _input(ids=["1", "2"], details="both"))],
        None,
        "{ g1: findGallery(id: 1) { details } g2: findGallery(id: 2) { details photographer } }",
        {},
        {"g1": {"details": "both"}, "g2": {"details": "both", "photographer": "Jo Marsh"}},
        id="bulk_update_sets_given_fields_on_every_gallery[resolver_mutation_gallery.go]",
    ),
    # pkg/gallery/update.go AddImages: insertOrIgnore; RemoveImages: no membership check
    pytest.param(
        [(ADD_IMAGES, _input(gallery_id="5", image_ids=["1", "17", "17"]))],
        {"addGalleryImages": True},
        COUNTS,
        {"id": "5"},
        {"findGallery": {"image_count": 4}},
        id="add_images_ignores_images_already_present[pkg/sqlite/repository.go]",
    ),
    pytest.param(
        [(REMOVE_IMAGES, _input(gallery_id="5", image_ids=["17", "1", "999"]))],
        {"removeGalleryImages": True},
        COUNTS,
        {"id": "5"},
        {"findGallery": {"image_count": 2}},
        id="remove_images_does_not_check_membership[pkg/gallery/update.go]",
    ),
    # setGalleryCover: resetCover, then flag the image in this gallery; may flag nothing
    pytest.param(
        [(SET_COVER, _input(gallery_id="2", cover_image_id="1"))],
        {"setGalleryCover": True},
        COVER,
        {"id": "2"},
        {"findGallery": {"cover": {"id": "5"}}},
        id="set_cover_foreign_image_returns_true_and_loses_cover[pkg/sqlite/gallery.go]",
    ),
    pytest.param(
        [(SET_COVER, _input(gallery_id="1", cover_image_id="2"))],
        {"setGalleryCover": True},
        COVER,
        {"id": "1"},
        {"findGallery": {"cover": {"id": "2"}}},
        id="set_cover_member_image_is_the_cover[pkg/sqlite/gallery.go]",
    ),
    pytest.param(
        [(RESET_COVER, _input(gallery_id="2"))],
        {"resetGalleryCover": True},
        COVER,
        {"id": "2"},
        {"findGallery": {"cover": {"id": "5"}}},
        id="reset_cover_falls_back_to_default_pick[pkg/image/query.go]",
    ),
    pytest.param(
        [],
        None,
        COVER,
        {"id": "2"},
        {"findGallery": {"cover": {"id": "7"}}},
        id="cover_is_the_explicit_cover_when_set[pkg/image/query.go]",
    ),
    # chapters
    pytest.param(
        [(CHAPTER_CREATE, _input(gallery_id="5", title="", image_index=3))],
        None,
        CHAPTERS,
        {"id": "5"},
        {"findGallery": {"chapters": [{"title": "Beach", "image_index": 1}, {"title": "", "image_index": 3}]}},
        id="chapter_create_at_last_index_with_empty_title[resolver_mutation_gallery.go]",
    ),
    pytest.param(
        [(CHAPTER_UPDATE, _input(id="1", image_index=3))],
        None,
        CHAPTERS,
        {"id": "5"},
        {"findGallery": {"chapters": [{"title": "Beach", "image_index": 3}]}},
        id="chapter_update_merges_index_and_keeps_title[resolver_mutation_gallery.go]",
    ),
    pytest.param(
        [(CHAPTER_UPDATE, _input(id="1", title=None))],
        None,
        CHAPTERS,
        {"id": "5"},
        {"findGallery": {"chapters": [{"title": "", "image_index": 1}]}},
        id="chapter_update_title_null_stored_empty[pkg/sqlite/gallery_chapter.go]",
    ),
    pytest.param(
        [(CHAPTER_DESTROY, {"id": "1"})],
        {"galleryChapterDestroy": True},
        CHAPTERS,
        {"id": "5"},
        {"findGallery": {"chapters": []}},
        id="chapter_destroy_returns_boolean[resolver_mutation_gallery.go]",
    ),
    # galleryDestroy by kind (pkg/gallery/delete.go, pkg/image/delete.go)
    pytest.param(
        [(DESTROY, _input(ids=["4"]))],
        {"galleryDestroy": True},
        PATH_COUNT,
        {"p": "city_walk"},
        {"findImages": {"count": 0}},
        id="destroy_zip_gallery_destroys_its_images[pkg/gallery/delete.go]",
    ),
    pytest.param(
        [(DESTROY, _input(ids=["1"]))],
        {"galleryDestroy": True},
        PATH_COUNT,
        {"p": "Beach 2021"},
        {"findImages": {"count": 4}},
        id="destroy_folder_gallery_keeps_images_without_delete_file[pkg/gallery/delete.go]",
    ),
    pytest.param(
        [(DESTROY, _input(ids=["1"], delete_file=True))],
        {"galleryDestroy": True},
        PATH_COUNT,
        {"p": "Beach 2021"},
        {"findImages": {"count": 1}},
        id="destroy_folder_gallery_delete_file_keeps_images_in_other_galleries[pkg/image/delete.go]",
    ),
    pytest.param(
        [(DESTROY, _input(ids=["5"], delete_file=True))],
        {"galleryDestroy": True},
        "{ findImages(filter: {per_page: 0}) { count }"
        ' findGalleries(gallery_filter: {has_chapters: "true"}) { count } }',
        {},
        {"findImages": {"count": 30}, "findGalleries": {"count": 0}},  # the sample's 30 images stay
        id="destroy_user_gallery_keeps_images_and_drops_chapters[pkg/gallery/delete.go]",
    ),
    # lookups
    pytest.param(
        [],
        None,
        '{ findGallery(id: "999999") { id } }',
        {},
        {"findGallery": None},
        id="find_gallery_unknown_id_is_null_without_error[resolver_query_find_gallery.go]",
    ),
    pytest.param(
        [],
        None,
        "{ findGallery(id: 1) { first: image(index: 0) { id } last: image(index: 3) { id } } }",
        {},
        {"findGallery": {"first": {"id": "3"}, "last": {"id": "4"}}},
        id="gallery_image_index_is_zero_based[resolver_model_gallery.go]",
    ),
]


@pytest.mark.parametrize(("steps", "returned", "check", "check_variables", "expected"), EFFECTS)
def test_stash_effect(
    sim: StashSimulator, steps: list[Step], returned: dict | None, check: str, check_variables: dict, expected: dict
) -> None:
    result = None
    for query, variables in steps:
        result = sim.gql(query, variables)  # raises on any error
    if returned is not None:
        assert result == returned
    assert sim.gql(check, check_variables) == expected


# -- single rules that need more than a read-back -----------------------------------------------
def test_gallery_update_organized_null_changes_nothing_through_http(sim: StashSimulator) -> None:
    """organized: null is a resolver error (HTTP 200, path) and the other fields stay (pkg/sqlite/record.go)."""
    response = requests.post(
        sim.url, json={"query": GALLERY_UPDATE, "variables": _input(id="2", details="x", organized=None)}, timeout=10
    )
    assert response.status_code == 200
    assert response.json() == {
        "errors": [{"message": ORGANIZED_NULL, "path": ["galleryUpdate"]}],
        "data": {"galleryUpdate": None},
    }
    assert sim.gql("{ findGallery(id: 2) { details organized } }") == {
        "findGallery": {"details": "", "organized": False}
    }


def test_gallery_image_index_past_the_end_nulls_the_gallery(sim: StashSimulator) -> None:
    """image(index) out of range is nil on Image!: `must not be null`, propagating to findGallery."""
    body = sim.gql_raw("{ findGallery(id: 1) { id image(index: 4) { id } } }")
    assert body == {
        "errors": [{"message": "must not be null", "path": ["findGallery", "image"]}],
        "data": {"findGallery": None},
    }
    negative = sim.gql_raw("{ findGallery(id: 1) { image(index: -1) { id } } }")
    assert negative["errors"][0]["message"] == "index must >= 0"


def test_chapter_destroy_with_a_selection_is_a_validation_error(sim: StashSimulator) -> None:
    """galleryChapterDestroy returns Boolean!: selecting fields on it fails validation, nothing runs."""
    body = sim.gql_raw('mutation { galleryChapterDestroy(id: "1") { id } }')
    assert body["data"] is None
    assert body["errors"][0]["extensions"] == {"code": "GRAPHQL_VALIDATION_FAILED"}
    assert "must not have a selection" in body["errors"][0]["message"]
    assert sim.gql(CHAPTERS, {"id": "5"})["findGallery"]["chapters"] == [{"title": "Beach", "image_index": 1}]


def test_chapter_update_rechecks_kept_index_after_images_go(sim: StashSimulator) -> None:
    """Indexes are not adjusted when images go, and an update checks the merged index against the current count."""
    sim.gql(CHAPTER_CREATE, _input(gallery_id="5", title="last", image_index=3))
    sim.gql(REMOVE_IMAGES, _input(gallery_id="5", image_ids=["16"]))
    body = sim.gql_raw(CHAPTER_UPDATE, _input(id="2", title="still 3"))
    assert [e["message"] for e in body["errors"]] == [CHAPTER_RANGE]
