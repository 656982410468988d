"""stats, findFolder(s), findFile(s) and saved filters, as Stash answers them
(internal/api/resolver.go Stats, resolver_query_find_folder.go, resolver_query_find_file.go,
resolver_mutation_saved_filter.go, resolver_query_find_saved_filter.go; pkg/sqlite/{folder,file,
saved_filter}.go)."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from stash_sim import StashSimulator

LIBRARY = {
    "studios": ["Lumen"],
    "tags": ["Beach"],
    "performers": ["Ada Vale"],
    "scenes": [{"title": "Beach Day", "path": "/library/videos/beach.mp4"}],
    "galleries": [
        {
            "folder": "/library/photos/Beach",
            "images": [
                {"name": "1.jpg", "width": 1000, "height": 1000},
                {"name": "2.jpg", "width": 2000, "height": 1000},
            ],
        },
        {"zip": "/library/zips/set.zip", "images": [{"name": "in/a.jpg", "width": 500, "height": 400}]},
        {"title": "Mine"},
    ],
}


@pytest.fixture
def sim(make_sim: Callable[..., StashSimulator]) -> StashSimulator:
    return make_sim(LIBRARY)


def test_stats_counts_resolver_go_Stats(sim: StashSimulator) -> None:
    data = sim.gql(
        "{ stats { scene_count image_count gallery_count performer_count studio_count tag_count"
        " images_size scenes_size group_count total_o_count } }"
    )["stats"]
    sizes = sim.store.all("SELECT kind, SUM(size) FROM files GROUP BY kind")
    by_kind = dict((row[0], row[1]) for row in sizes)
    assert data == {
        "scene_count": 1,
        "image_count": 3,
        "gallery_count": 3,
        "performer_count": 1,
        "studio_count": 1,
        "tag_count": 1,
        "images_size": float(by_kind["image"]),
        "scenes_size": float(by_kind["video"]),
        "group_count": 0,
        "total_o_count": 0,
    }
    sim.gql('mutation { tagCreate(input: {name: "New"}) { id } }')
    assert sim.gql("{ stats { tag_count } }")["stats"]["tag_count"] == 2
    body = sim.gql_raw("{ stats { scenes_duration } }")  # video durations are not modelled
    assert body["errors"][0]["message"] == "the Stash simulator does not model StatsResultType.scenes_duration"


def test_find_folder_by_id_and_path_resolver_query_find_folder_go(sim: StashSimulator) -> None:
    folder = sim.gql('{ findFolder(path: "/library/photos/Beach") { id path parent_folder { path } } }')
    assert folder["findFolder"]["path"] == "/library/photos/Beach"
    assert folder["findFolder"]["parent_folder"] == {"path": "/library/photos"}
    by_id = sim.gql("query($id: ID) { findFolder(id: $id) { path } }", {"id": folder["findFolder"]["id"]})
    assert by_id == {"findFolder": {"path": "/library/photos/Beach"}}
    # Find answers nil for an unknown id, on a non-null field: gqlgen's "must not be null"
    assert sim.gql_raw('{ findFolder(id: "999") { path } }')["errors"][0]["message"] == "must not be null"
    assert sim.gql_raw('{ findFolder(path: "/nowhere") { path } }')["errors"][0]["message"] == "folder not found"
    assert sim.gql_raw("{ findFolder { path } }")["errors"][0]["message"] == "either id or path must be provided"


def test_find_folders_filter_sort_and_ids_pkg_sqlite_folder_go(sim: StashSimulator) -> None:
    every = sim.gql("{ findFolders(filter: {per_page: -1}) { count folders { id path } } }")["findFolders"]
    paths = [f["path"] for f in every["folders"]]
    assert every["count"] == len(paths) and "/library/zips/set.zip" in paths  # a zip is a folder too
    assert [int(f["id"]) for f in every["folders"]] == sorted(int(f["id"]) for f in every["folders"])  # no sort
    library = next(f["id"] for f in every["folders"] if f["path"] == "/library")
    under = sim.gql(
        "query($id: ID!) { findFolders(folder_filter: {parent_folder: {value: [$id], modifier: INCLUDES,"
        ' depth: -1}}, filter: {per_page: -1, sort: "path"}) { folders { path } } }',
        {"id": library},
    )
    assert [f["path"] for f in under["findFolders"]["folders"]] == [
        "/library/photos",
        "/library/photos/Beach",
        "/library/videos",
        "/library/zips",
        "/library/zips/set.zip",
        "/library/zips/set.zip/in",
    ]
    assert sim.gql_raw('{ findFolders(ids: ["999"]) { count } }')["errors"][0]["message"] == (
        "folder with id 999 not found"
    )
    assert sim.gql_raw('{ findFolders(filter: {sort: "name"}) { count } }')["errors"][0]["message"] == (
        "invalid sort: name"
    )
    refused = sim.gql_raw(
        '{ findFolders(folder_filter: {mod_time: {value: "2024", modifier: GREATER_THAN}}) { count } }'
    )
    assert refused["errors"][0]["message"] == "the Stash simulator does not model folder criteria: mod_time"


def test_find_files_for_the_files_the_library_has_resolver_query_find_file_go(sim: StashSimulator) -> None:
    data = sim.gql(
        "{ findFiles(file_filter: {image_count: {value: 0, modifier: GREATER_THAN}},"
        ' filter: {per_page: -1, sort: "path"}) { count megapixels size files { path basename'
        " ... on ImageFile { width height } } } }"
    )["findFiles"]
    assert [f["path"] for f in data["files"]] == [
        "/library/photos/Beach/1.jpg",
        "/library/photos/Beach/2.jpg",
        "/library/zips/set.zip/in/a.jpg",
    ]
    assert data["count"] == 3 and data["megapixels"] == (1_000_000 + 2_000_000 + 200_000) / 1_000_000
    assert data["size"] == sum(sim.store.column("SELECT size FROM files WHERE kind = 'image'"))
    zips = sim.gql(
        "{ findFiles(file_filter: {gallery_count: {value: 1, modifier: EQUALS}}) { files { __typename path } } }"
    )["findFiles"]["files"]
    assert zips == [{"__typename": "GalleryFile", "path": "/library/zips/set.zip"}]
    one = sim.gql('{ findFile(path: "/library/videos/beach.mp4") { __typename basename } }')
    assert one == {"findFile": {"__typename": "VideoFile", "basename": "beach.mp4"}}
    assert sim.gql_raw('{ findFile(path: "/x") { id } }')["errors"][0]["message"] == "file not found"
    assert sim.gql_raw("{ findFiles { duration } }")["errors"][0]["message"] == (
        "the Stash simulator does not model FindFilesResultType.duration"
    )


def test_saved_filters_round_trip_resolver_mutation_saved_filter_go(sim: StashSimulator) -> None:
    save = (
        "mutation($input: SaveFilterInput!) { saveFilter(input: $input) { id mode name filter"
        " find_filter { q sort direction per_page page } object_filter ui_options } }"
    )
    made = sim.gql(
        save,
        {
            "input": {
                "mode": "GALLERIES",
                "name": " Zips ",
                "find_filter": {"sort": "path"},
                "object_filter": {"is_zip": True},
                "ui_options": {"display_mode": 1},
            }
        },
    )
    assert made["saveFilter"] == {
        "id": "1",
        "mode": "GALLERIES",
        "name": "Zips",
        "filter": "",
        "find_filter": {"q": None, "sort": "path", "direction": None, "per_page": None, "page": None},
        "object_filter": {"is_zip": True},
        "ui_options": {"display_mode": 1},
    }
    sim.gql(save, {"input": {"mode": "GALLERIES", "name": "All"}})
    sim.gql(save, {"input": {"mode": "IMAGES", "name": "Pics"}})
    listed = sim.gql("{ findSavedFilters(mode: GALLERIES) { name } }")["findSavedFilters"]
    assert [f["name"] for f in listed] == ["All", "Zips"]  # FindByMode: ORDER BY name
    assert len(sim.gql("{ findSavedFilters { id } }")["findSavedFilters"]) == 3
    renamed = sim.gql(save, {"input": {"id": "1", "mode": "GALLERIES", "name": "Zip sets"}})["saveFilter"]
    assert (renamed["name"], renamed["object_filter"]) == ("Zip sets", None)  # an update replaces the whole filter
    assert sim.gql_raw(save, {"input": {"mode": "IMAGES", "name": "  "}})["errors"][0]["message"] == (
        "name must be non-empty"
    )
    assert sim.gql('mutation { destroySavedFilter(input: {id: "1"}) }') == {"destroySavedFilter": True}
    assert sim.gql('{ findSavedFilter(id: "1") { id } }') == {"findSavedFilter": None}
    assert sim.gql_raw('mutation { destroySavedFilter(input: {id: "1"}) }')["errors"][0]["message"] == (
        "id 1 does not exist in saved_filters"
    )
