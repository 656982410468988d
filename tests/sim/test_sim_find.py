"""Finding: paging, sorting, gallery criteria, images, scenes, tags / performers / studios,
configuration and version (docs/stash.md §2, §5; research notes Q4-Q6, Q9, Q10).

Sample library ids: see test_sim_galleries.py. Galleries with a NULL title: 1, 3, 4;
zip-based: 3, 4; folder-based: 1, 2; user-created: 5, 6. Tag ids: 1 Beach (gallery 1),
2 Portrait (2), 3 Travel (3), 4 Archive (none).
"""

from __future__ import annotations

import random
from collections.abc import Callable
from typing import Any

import pytest
from stash_sim import StashSimulator
from stash_sim.library import generate_library

GALLERY_IDS = """query($f: GalleryFilterType, $filter: FindFilterType) {
  findGalleries(gallery_filter: $f, filter: $filter) { count galleries { id } }
}"""
BY_ID = {"sort": "id", "per_page": -1}


def _ids(data: dict[str, Any], key: str = "findGalleries", items: str = "galleries") -> list[int]:
    return [int(item["id"]) for item in data[key][items]]


# -- paging (pkg/models/find_filter.go) -------------------------------------------------------
# (find filter, ids expected on the page, over a library of 30 galleries)
PAGES = [
    pytest.param(
        {"sort": "id", "per_page": 10, "page": 0},
        list(range(1, 11)),
        id="page_zero_is_page_one[pkg/models/find_filter.go]",
    ),
    pytest.param(
        {"sort": "id", "per_page": 10, "page": -3},
        list(range(1, 11)),
        id="page_negative_is_page_one[pkg/models/find_filter.go]",
    ),
    pytest.param(
        {"sort": "id", "per_page": 10, "page": 2},
        list(range(11, 21)),
        id="page_is_one_based[pkg/models/find_filter.go]",
    ),
    pytest.param({"sort": "id", "per_page": 10, "page": 4}, [], id="page_past_the_end_is_empty[pkg/sqlite/sql.go]"),
    pytest.param({"sort": "id"}, list(range(1, 26)), id="per_page_null_is_25[pkg/models/find_filter.go]"),
    pytest.param(
        {"sort": "id", "per_page": -1}, list(range(1, 31)), id="per_page_minus_one_is_all[pkg/models/find_filter.go]"
    ),
    pytest.param(
        {"sort": "id", "per_page": -7, "page": 3},
        list(range(1, 31)),
        id="per_page_any_negative_is_all[pkg/models/find_filter.go]",
    ),
    pytest.param({"sort": "id", "per_page": 0}, [], id="per_page_zero_is_none[pkg/models/find_filter.go]"),
    pytest.param(
        {"sort": "id", "direction": "DESC", "per_page": 3}, [30, 29, 28], id="direction_desc[pkg/sqlite/sql.go]"
    ),
]


@pytest.fixture
def thirty(make_sim: Callable[..., StashSimulator]) -> StashSimulator:
    return make_sim(generate_library(30, 1))


@pytest.mark.parametrize(("find_filter", "expected"), PAGES)
def test_paging(thirty: StashSimulator, find_filter: dict, expected: list[int]) -> None:
    data = thirty.gql(GALLERY_IDS, {"filter": find_filter})
    assert _ids(data) == expected
    assert data["findGalleries"]["count"] == 30  # the count is the total, whatever the page


def test_no_sort_gives_a_stable_order_pkg_sqlite_gallery_go_setGallerySort(thirty: StashSimulator) -> None:
    """No sort = no ORDER BY in Stash (pkg/sqlite/gallery.go setGallerySort); SQLite then reads the
    same data in the same order every time, so pages of one unsorted find do not overlap. The
    order is the covering index on folder_id (measured on v0.30.1, ../shared/real-stash):
    the zip galleries (no folder; here the odd ids) by id, then the folder galleries by folder."""
    reads = [
        _ids(thirty.gql(GALLERY_IDS, {"filter": {"per_page": -1, "direction": direction}}))
        for direction in ("ASC", "DESC", "ASC")
    ]
    index_order = list(range(1, 31, 2)) + list(range(2, 31, 2))
    assert reads[0] == reads[1] == reads[2] == index_order  # no ORDER BY: direction does nothing
    pages = [_ids(thirty.gql(GALLERY_IDS, {"filter": {"per_page": 7, "page": n}})) for n in range(1, 6)]
    assert [i for page in pages for i in page] == index_order


def test_shuffle_unsorted_is_an_opt_in_fault(thirty: StashSimulator) -> None:
    """With config.shuffle_unsorted every unsorted find comes back in a new order (paging tests opt in).

    Deterministic: the shuffle draws from Python's random module, seeded here.
    """
    thirty.config.shuffle_unsorted = True
    random.seed(20260111)
    reads = [_ids(thirty.gql(GALLERY_IDS, {"filter": {"per_page": -1}})) for _ in range(3)]
    assert all(sorted(read) == list(range(1, 31)) for read in reads)
    assert reads[0] != reads[1] or reads[1] != reads[2]
    assert all(read != sorted(read) for read in reads)
    sorted_read = _ids(thirty.gql(GALLERY_IDS, {"filter": {"per_page": -1, "sort": "id"}}))
    assert sorted_read == list(range(1, 31))  # a find with a sort is not shuffled


def test_random_seed_sort_is_stash_formula(thirty: StashSimulator) -> None:
    """random_<seed>: a fixed order per seed, Stash's formula with the seed capped at 10^8 (pkg/sqlite/sql.go)."""

    def read(seed: int, direction: str = "ASC") -> list[int]:
        find_filter = {"sort": f"random_{seed}", "direction": direction, "per_page": -1}
        return _ids(thirty.gql(GALLERY_IDS, {"filter": find_filter}))

    def stash_order(seed: int) -> list[int]:
        return sorted(range(1, 31), key=lambda n: ((n + seed) ** 2 * 52959209 + (n + seed) * 1047483763) % 2147483647)

    assert read(7) == stash_order(7) != list(range(1, 31))
    assert read(8) == stash_order(8) != stash_order(7)
    assert read(100_000_007) == stash_order(7)
    assert read(7, "DESC") == stash_order(7)[::-1]


def test_id_cursor_pages_through_a_changing_filter(thirty: StashSimulator) -> None:
    """Paging by `id > last` with sort id (docs/stash.md §5) visits every gallery once."""
    seen: list[int] = []
    last = 0
    while True:
        data = thirty.gql(
            GALLERY_IDS,
            {"f": {"id": {"value": last, "modifier": "GREATER_THAN"}}, "filter": {"sort": "id", "per_page": 7}},
        )
        page = _ids(data)
        if not page:
            break
        seen += page
        last = page[-1]
    assert seen == list(range(1, 31))


# -- gallery criteria (pkg/sqlite/gallery_filter.go) and sorts ---------------------------------
# (gallery_filter, find filter, ids expected)
CRITERIA = [
    pytest.param(
        {"id": {"value": 8, "modifier": "GREATER_THAN"}},
        BY_ID,
        [9, 10, 11],
        id="id_greater_than_cursor[pkg/sqlite/criterion_handlers.go]",
    ),
    pytest.param(
        {"id": {"value": 2, "value2": 4, "modifier": "BETWEEN"}},
        BY_ID,
        [2, 3, 4],
        id="id_between[pkg/sqlite/criterion_handlers.go]",
    ),
    pytest.param(
        {"path": {"value": "zips", "modifier": "INCLUDES"}},
        BY_ID,
        [3, 4, 7],
        id="path_includes_zip_path[pkg/sqlite/gallery_filter.go]",
    ),
    pytest.param(
        {"path": {"value": "/library/photos/portraits", "modifier": "EQUALS"}},
        BY_ID,
        [2],
        id="path_equals_folder_path_like_case_insensitive[pkg/sqlite/gallery_filter.go]",
    ),
    pytest.param(
        {"path": {"value": "/library/zips/city_walk-2020.zip", "modifier": "EQUALS"}},
        BY_ID,
        [4],
        id="path_equals_zip_file_path[pkg/sqlite/gallery_filter.go]",
    ),
    pytest.param(
        {"path": {"value": "", "modifier": "IS_NULL"}},
        BY_ID,
        [5, 6],
        id="path_is_null_means_user_created[pkg/sqlite/gallery_filter.go]",
    ),
    pytest.param({"is_zip": True}, BY_ID, [3, 4, 7, 8, 9], id="is_zip_true[pkg/sqlite/gallery_filter.go]"),
    pytest.param(
        {"is_zip": False},
        BY_ID,
        [1, 2, 5, 6, 10, 11],
        id="is_zip_false_is_folder_and_user_created[pkg/sqlite/gallery_filter.go]",
    ),
    pytest.param(
        {"title": {"value": "", "modifier": "IS_NULL"}},
        BY_ID,
        [1, 3, 4, 7, 8, 9, 10, 11],
        id="title_is_null_has_no_basename_fallback[pkg/sqlite/gallery_filter.go]",
    ),
    pytest.param(
        {"title": {"value": "of", "modifier": "INCLUDES"}},
        BY_ID,
        [5],
        id="title_includes[pkg/sqlite/criterion_handlers.go]",
    ),
    pytest.param(
        {"tags": {"value": ["1"], "modifier": "INCLUDES"}}, BY_ID, [1], id="tags_includes[pkg/sqlite/gallery_filter.go]"
    ),
    pytest.param(
        {"tags": {"value": ["1", "3"], "modifier": "INCLUDES"}},
        BY_ID,
        [1, 3],
        id="tags_includes_any[pkg/sqlite/gallery_filter.go]",
    ),
    pytest.param(
        {"tags": {"value": [], "modifier": "IS_NULL"}},
        BY_ID,
        [4, 5, 6, 7, 8, 9, 10, 11],
        id="tags_is_null[pkg/sqlite/gallery_filter.go]",
    ),
    pytest.param(
        {"is_zip": True, "AND": {"tags": {"value": ["3"], "modifier": "INCLUDES"}}},
        BY_ID,
        [3],
        id="and_sub_filter[pkg/sqlite/filter.go]",
    ),
    pytest.param(
        {"title": {"value": "", "modifier": "IS_NULL"}, "OR": {"tags": {"value": ["2"], "modifier": "INCLUDES"}}},
        BY_ID,
        [1, 2, 3, 4, 7, 8, 9, 10, 11],
        id="or_sub_filter[pkg/sqlite/filter.go]",
    ),
    pytest.param(
        {"is_zip": False, "NOT": {"title": {"value": "", "modifier": "IS_NULL"}}},
        BY_ID,
        [2, 5, 6],
        id="not_sub_filter[pkg/sqlite/filter.go]",
    ),
    pytest.param({"has_chapters": "true"}, BY_ID, [5], id="has_chapters_true[pkg/sqlite/gallery_filter.go]"),
    pytest.param(
        {"image_count": {"value": 3, "modifier": "EQUALS"}},
        BY_ID,
        [2, 4, 5, 7, 8],
        id="image_count_equals[pkg/sqlite/gallery_filter.go]",
    ),
    pytest.param(
        {},
        {"sort": "title", "per_page": -1},
        [1, 5, 4, 8, 6, 10, 9, 11, 7, 2, 3],
        id="sort_title_falls_back_to_zip_or_folder_name[pkg/sqlite/gallery.go]",
    ),
    pytest.param(
        {"is_zip": True},
        {"sort": "title", "direction": "DESC", "per_page": -1},
        [3, 7, 9, 8, 4],
        id="sort_title_desc[pkg/sqlite/gallery.go]",
    ),
    # a zip's key is its folder + its name: "/library/comicsCoast 3.cbz" < "/library/downloadsNight..." <
    # "/library/photos/..." < "/library/zipscity_walk..." < "zipsPortraits..." < "zipsSummer..."
    # (the hand-made galleries' key is '', tied: by descending id)
    pytest.param(
        {},
        {"sort": "path", "per_page": -1},
        [6, 5, 8, 9, 1, 10, 11, 2, 4, 7, 3],
        id="sort_path_natural_case_insensitive[pkg/sqlite/gallery.go]",
    ),
    # a path criterion joins `folders` on the gallery's files and the sort's own join drops out: a zip's
    # key is its folder twice and its name, a folder gallery's is '' (ties: descending id, driver.go)
    pytest.param(
        {"path": {"value": "", "modifier": "NOT_NULL"}},
        {"sort": "path", "per_page": -1},
        [11, 10, 2, 1, 8, 9, 4, 7, 3],
        id="sort_path_under_a_path_filter_drops_the_folder_join[pkg/sqlite/gallery.go, filter.go]",
    ),
    pytest.param(
        {"path": {"value": "", "modifier": "NOT_NULL"}},
        {"sort": "path", "direction": "DESC", "per_page": -1},
        [3, 7, 4, 9, 8, 1, 2, 10, 11],
        id="ties_under_desc_come_by_ascending_id[pkg/sqlite/driver.go]",
    ),
]


@pytest.mark.parametrize(("gallery_filter", "find_filter", "expected"), CRITERIA)
def test_gallery_criteria(sim: StashSimulator, gallery_filter: dict, find_filter: dict, expected: list[int]) -> None:
    data = sim.gql(GALLERY_IDS, {"f": gallery_filter, "filter": find_filter})
    assert _ids(data) == expected
    assert data["findGalleries"]["count"] == len(expected)


def test_sort_path_joins_zip_folder_and_name_without_separator(make_sim: Callable[..., StashSimulator]) -> None:
    """A zip gallery's path key is its folder + its base name, no '/' (pkg/sqlite/gallery.go setGallerySort):
    "/lib/z" + "a.zip" sorts after the folder "/lib/z/sub" ('a' > '/'); with a separator it would not."""
    sim = make_sim(
        {"galleries": [{"zip": "/lib/z/a.zip", "images": ["1.jpg"]}, {"folder": "/lib/z/sub", "images": ["1.jpg"]}]}
    )
    assert _ids(sim.gql(GALLERY_IDS, {"filter": {"sort": "path"}})) == [2, 1]


# (find filter or gallery filter that Stash refuses, Stash's message)
FIND_REFUSALS = [
    pytest.param(None, {"sort": "name"}, "invalid sort: name", id="invalid_sort_refused[pkg/sqlite/sql.go]"),
    pytest.param(
        None, {"sort": "random_x1"}, "invalid random seed: x1", id="invalid_random_seed_refused[pkg/sqlite/sql.go]"
    ),
    pytest.param(
        {"AND": {"is_zip": True}, "OR": {"is_zip": False}},
        None,
        "cannot have AND and OR in the same filter",
        id="and_with_or_refused[pkg/sqlite/filter.go]",
    ),
    pytest.param(
        {"AND": {"is_zip": True}, "NOT": {"is_zip": False}},
        None,
        "cannot have AND and NOT in the same filter",
        id="and_with_not_refused[pkg/sqlite/filter.go]",
    ),
    pytest.param(
        {"OR": {"is_zip": True}, "NOT": {"is_zip": False}},
        None,
        "cannot have OR and NOT in the same filter",
        id="or_with_not_refused[pkg/sqlite/filter.go]",
    ),
    pytest.param(
        {"OR": {}, "NOT": {}},
        None,
        "cannot have OR and NOT in the same filter",
        id="empty_sub_filters_still_count[pkg/sqlite/filter.go]",
    ),
    pytest.param(
        {"AND": {"OR": {"is_zip": True}, "NOT": {"is_zip": True}}},
        None,
        "cannot have OR and NOT in the same filter",
        id="nested_combination_refused[pkg/sqlite/gallery_filter.go]",
    ),
    pytest.param(
        {"id": {"value": 1, "modifier": "INCLUDES"}},
        None,
        "Internal system error. Error <unsupported numeric modifier type INCLUDES>",
        id="id_unsupported_modifier_panics[pkg/sqlite/sql.go]",
    ),
    pytest.param(
        {"tags": {"value": ["1"], "modifier": "NOT_EQUALS"}},
        None,
        "not equals modifier is not supported for hierarchical multi criterion input",
        id="tags_not_equals_refused[pkg/sqlite/criterion_handlers.go]",
    ),
    pytest.param(
        {"created_at": {"value": "2020-01-01", "modifier": "GREATER_THAN"}},
        None,
        "the Stash simulator does not model gallery criteria: created_at",
        id="unmodelled_criterion_refused_clearly[simulator]",
    ),
]


@pytest.mark.parametrize(("gallery_filter", "find_filter", "message"), FIND_REFUSALS)
def test_find_refusals(
    sim: StashSimulator, gallery_filter: dict | None, find_filter: dict | None, message: str
) -> None:
    body = sim.gql_raw(GALLERY_IDS, {"f": gallery_filter, "filter": find_filter})
    assert body == {"errors": [{"message": message, "path": ["findGalleries"]}], "data": None}


def test_image_sort_refuses_gallery_only_sorts(sim: StashSimulator) -> None:
    body = sim.gql_raw('{ findImages(filter: {sort: "images_count"}) { count } }')
    assert [e["message"] for e in body["errors"]] == ["invalid sort: images_count"]


# -- images: findImages by gallery, bulkImageUpdate (research notes Q6) -------------------------
IMAGES_OF = """query($id: ID!) {
  findImages(image_filter: {galleries: {value: [$id], modifier: INCLUDES}}, filter: {sort: "path", per_page: -1}) {
    count images { id }
  }
}"""
BULK_IMAGES = "mutation($input: BulkImageUpdateInput!) { bulkImageUpdate(input: $input) { id } }"
IMAGE_FIELDS = "query($id: ID!) { findImage(id: $id) { title tags { name } galleries { id } } }"


def test_find_images_by_gallery_sorted_by_path_is_the_gallery_order(sim: StashSimulator) -> None:
    """Gallery 5 holds /library/photos/Beach 2021/IMG_0001.jpg (1), …/Portraits/p01.jpg (5),
    /library/loose/sunset.jpg (16): "loose" < "photos"."""
    data = sim.gql(IMAGES_OF, {"id": "5"})
    assert _ids(data, "findImages", "images") == [16, 1, 5]
    assert [
        sim.gql("query($i: Int!) { findGallery(id: 5) { image(index: $i) { id } } }", {"i": i})["findGallery"]["image"][
            "id"
        ]
        for i in range(3)
    ] == ["16", "1", "5"]


# (bulkImageUpdate input, image to read back, its expected fields); image 27 is loose/night.jpg, in no gallery
BULK_IMAGE_EFFECTS = [
    pytest.param(
        {"ids": ["16", "27"], "gallery_ids": {"ids": ["6"], "mode": "ADD"}},
        "27",
        {"title": "", "tags": [], "galleries": [{"id": "6"}]},
        id="bulk_image_gallery_ids_add[pkg/sqlite/image.go]",
    ),
    pytest.param(
        {"ids": ["16"], "gallery_ids": {"ids": ["5", "6"], "mode": "ADD"}},
        "16",
        {"title": "", "tags": [], "galleries": [{"id": "5"}, {"id": "6"}]},
        id="bulk_image_gallery_ids_add_skips_present[pkg/sqlite/table.go]",
    ),
    pytest.param(
        {"ids": ["16"], "gallery_ids": {"ids": ["5"], "mode": "REMOVE"}},
        "16",
        {"title": "", "tags": [], "galleries": []},
        id="bulk_image_gallery_ids_remove[pkg/sqlite/table.go]",
    ),
    pytest.param(
        {"ids": ["16"], "gallery_ids": {"ids": ["6"], "mode": "SET"}},
        "16",
        {"title": "", "tags": [], "galleries": [{"id": "6"}]},
        id="bulk_image_gallery_ids_set[pkg/sqlite/table.go]",
    ),
    pytest.param(
        {"ids": ["1", "27"], "title": "  Both  ", "tag_ids": {"ids": ["2", "1"], "mode": "SET"}},
        "27",
        {"title": "Both", "tags": [{"name": "Beach"}, {"name": "Portrait"}], "galleries": []},
        id="bulk_image_title_trimmed_for_all_and_tags_set[resolver_mutation_image.go]",
    ),
]


@pytest.mark.parametrize(("bulk_input", "image_id", "expected"), BULK_IMAGE_EFFECTS)
def test_bulk_image_update(sim: StashSimulator, bulk_input: dict, image_id: str, expected: dict) -> None:
    result = sim.gql(BULK_IMAGES, {"input": bulk_input})
    assert [image["id"] for image in result["bulkImageUpdate"]] == bulk_input["ids"]
    assert sim.gql(IMAGE_FIELDS, {"id": image_id})["findImage"] == expected


@pytest.mark.parametrize(
    ("bulk_input", "message"),
    [
        pytest.param(
            {"ids": ["27", "1"], "gallery_ids": {"ids": ["6"], "mode": "SET"}},
            'changing galleries of image "/library/photos/Beach 2021/IMG_0001.jpg": cannot change contents'
            ' of folder-based gallery "Beach 2021"',
            id="bulk_image_cannot_leave_folder_gallery[pkg/gallery/validation.go]",
        ),
        pytest.param(
            {"ids": ["27"], "gallery_ids": {"ids": ["4"], "mode": "ADD"}},
            'changing galleries of image "/library/loose/night.jpg": cannot change contents'
            ' of zip-based gallery "city_walk-2020.zip"',
            id="bulk_image_cannot_join_zip_gallery[pkg/gallery/validation.go]",
        ),
        pytest.param(
            {"ids": ["27", "999"], "title": "x"},
            "image with id 999 not found",
            id="bulk_image_unknown_id[resolver_mutation_image.go]",
        ),
    ],
)
def test_bulk_image_update_refused_all_or_nothing(
    sim: StashSimulator, db_snapshot: Callable, bulk_input: dict, message: str
) -> None:
    before = db_snapshot(sim)
    body = sim.gql_raw(BULK_IMAGES, {"input": bulk_input})
    assert body == {"errors": [{"message": message, "path": ["bulkImageUpdate"]}], "data": {"bulkImageUpdate": None}}
    assert db_snapshot(sim) == before


def test_bulk_image_update_without_ids_returns_null(sim: StashSimulator) -> None:
    assert sim.gql("mutation { bulkImageUpdate(input: {ids: []}) { id } }") == {"bulkImageUpdate": None}


# -- scenes, tags, performers, studios (research notes Q9) --------------------------------------
# (query, expected data)
LOOKUPS = [
    pytest.param(
        '{ findScenes(scene_filter: {path: {value: "/library/videos/Beach Day.mp4", modifier: EQUALS}})'
        " { count scenes { title } } }",
        {"findScenes": {"count": 1, "scenes": [{"title": "Beach Day"}]}},
        id="find_scenes_by_path_equals[pkg/sqlite/scene_filter.go]",
    ),
    pytest.param(
        '{ findScenes(scene_filter: {path: {value: "videos/beach", modifier: INCLUDES}}) { count } }',
        {"findScenes": {"count": 1}},
        id="find_scenes_by_path_includes[pkg/sqlite/criterion_handlers.go]",
    ),
    pytest.param(
        '{ findScenes(scene_filter: {path: {value: "/library/videos", modifier: EQUALS}}) { count } }',
        {"findScenes": {"count": 0}},
        id="find_scenes_path_equals_is_the_whole_path[pkg/sqlite/scene_filter.go]",
    ),
    pytest.param(
        '{ findTags(tag_filter: {name: {value: "beach", modifier: EQUALS}}) { tags { id name } } }',
        {"findTags": {"tags": [{"id": "1", "name": "Beach"}]}},
        id="find_tags_name_equals_case_insensitive[pkg/sqlite/criterion_handlers.go]",
    ),
    pytest.param(
        '{ findPerformers(performer_filter: {name: {value: "ADA vale", modifier: EQUALS}}) { performers { name } } }',
        {"findPerformers": {"performers": [{"name": "Ada Vale"}]}},
        id="find_performers_name_equals_case_insensitive[pkg/sqlite/criterion_handlers.go]",
    ),
    pytest.param(
        '{ findStudios(studio_filter: {name: {value: "lumen studio", modifier: EQUALS}}) { studios { name } } }',
        {"findStudios": {"studios": [{"name": "Lumen Studio"}]}},
        id="find_studios_name_equals_case_insensitive[pkg/sqlite/criterion_handlers.go]",
    ),
    pytest.param(
        "{ findTags { tags { name } } }",
        {"findTags": {"tags": [{"name": n} for n in ("Archive", "Beach", "Portrait", "Travel")]}},
        id="find_tags_default_sort_is_name[pkg/sqlite/tag.go]",
    ),
    pytest.param(
        'mutation { tagCreate(input: {name: "  Sunset  "}) { id name } }',
        {"tagCreate": {"id": "5", "name": "Sunset"}},
        id="tag_create_trims_name[resolver_mutation_tag.go]",
    ),
    pytest.param(
        'mutation { performerCreate(input: {name: "Ada Vale", disambiguation: "II"}) { name } }',
        {"performerCreate": {"name": "Ada Vale"}},
        id="performer_same_name_other_disambiguation_allowed[pkg/performer/validate.go]",
    ),
]


@pytest.mark.parametrize(("query", "expected"), LOOKUPS)
def test_lookups(sim: StashSimulator, query: str, expected: dict) -> None:
    assert sim.gql(query) == expected


@pytest.mark.parametrize(
    ("query", "message"),
    [
        pytest.param(
            'mutation { tagCreate(input: {name: "beach"}) { id } }',
            "tag with name 'beach' already exists",
            id="tag_duplicate_name_case_insensitive[pkg/tag/update.go]",
        ),
        pytest.param(
            'mutation { tagCreate(input: {name: "Bea%"}) { id } }',
            "tag with name 'Bea%' already exists",
            id="tag_duplicate_check_is_like_with_wildcards[pkg/tag/update.go]",
        ),
        pytest.param(
            'mutation { tagCreate(input: {name: "  "}) { id } }',
            "tag name must not be blank",
            id="tag_blank_name_refused[resolver_mutation_tag.go]",
        ),
        pytest.param(
            'mutation { performerCreate(input: {name: "ada VALE"}) { id } }',
            "performer with name 'ada VALE' already exists",
            id="performer_duplicate_name_case_insensitive[pkg/performer/validate.go]",
        ),
        pytest.param(
            'mutation { studioCreate(input: {name: " LUMEN STUDIO "}) { id } }',
            "studio with name 'LUMEN STUDIO' already exists",
            id="studio_duplicate_name_trimmed_case_insensitive[pkg/studio/validate.go]",
        ),
        pytest.param(
            'mutation { studioCreate(input: {name: ""}) { id } }',
            "studio name must not be blank",
            id="studio_blank_name_refused[pkg/studio/validate.go]",
        ),
    ],
)
def test_create_refusals(sim: StashSimulator, db_snapshot: Callable, query: str, message: str) -> None:
    before = db_snapshot(sim)
    body = sim.gql_raw(query)
    assert [e["message"] for e in body["errors"]] == [message]
    assert db_snapshot(sim) == before


# -- configuration, configurePlugin, version (research notes Q10) -------------------------------
PLUGINS = "query($ids: [ID!]) { configuration { plugins(include: $ids) } }"
CONFIGURE = "mutation($id: ID!, $input: Map!) { configurePlugin(plugin_id: $id, input: $input) }"


def test_plugin_settings_absent_until_saved_and_replaced_whole(sim: StashSimulator) -> None:
    assert sim.gql(PLUGINS, {"ids": ["gallery_tools"]}) == {"configuration": {"plugins": {}}}
    saved = sim.gql(CONFIGURE, {"id": "gallery_tools", "input": {"dry_run": True, "limit": 10, "mode": "x"}})
    assert saved == {"configurePlugin": {"dry_run": True, "limit": 10, "mode": "x"}}
    # only plugins with a saved, non-empty map appear
    assert sim.gql(PLUGINS, {"ids": ["gallery_tools", "other"]}) == {
        "configuration": {"plugins": {"gallery_tools": {"dry_run": True, "limit": 10, "mode": "x"}}}
    }
    # configurePlugin replaces the whole map (SetPluginConfiguration)
    sim.gql(CONFIGURE, {"id": "gallery_tools", "input": {"limit": 5}})
    assert sim.gql(PLUGINS, {"ids": ["gallery_tools"]}) == {
        "configuration": {"plugins": {"gallery_tools": {"limit": 5}}}
    }
    # any plugin id is accepted; without include, every saved map is returned
    sim.gql(CONFIGURE, {"id": "not_installed", "input": {"a": "b"}})
    assert sim.gql(PLUGINS, {"ids": None})["configuration"]["plugins"] == {
        "gallery_tools": {"limit": 5},
        "not_installed": {"a": "b"},
    }
    sim.gql(CONFIGURE, {"id": "gallery_tools", "input": {}})
    assert sim.gql(PLUGINS, {"ids": ["gallery_tools"]}) == {"configuration": {"plugins": {}}}


def test_api_key_is_empty_without_credentials(sim: StashSimulator, make_sim: Callable[..., StashSimulator]) -> None:
    assert sim.gql("{ configuration { general { apiKey } } }") == {"configuration": {"general": {"apiKey": ""}}}
    secured = make_sim(credentials=("admin", "secret"))
    api_key = secured.gql("{ configuration { general { apiKey } } }")["configuration"]["general"]["apiKey"]
    assert api_key and api_key == secured.api_key


def test_version(sim: StashSimulator) -> None:
    """The served release's build identity (details per release: test_sim_releases.py)."""
    version = sim.gql("{ version { version hash build_time } }")["version"]
    release = sim.release
    assert version == {"version": release.version, "hash": release.hash, "build_time": release.build_time}
    if release.is_release:
        assert version["version"].startswith("v") and version["version"].count(".") == 2
        assert version["hash"] and version["build_time"]
