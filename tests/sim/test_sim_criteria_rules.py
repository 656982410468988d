"""Criteria and smaller rules clients rely on: what the clients our users run need.

- Image filter `date` (pkg/sqlite/image_filter.go), performer filter `tags`
  (pkg/sqlite/performer_filter.go), scene filter `rating100` (pkg/sqlite/scene_filter.go).
- Tag and studio criteria follow the hierarchy with `depth` (pkg/sqlite/filter.go
  getHierarchicalValues; criterion_handlers.go joinedHierarchicalMultiCriterionHandlerBuilder,
  studioCriterionHandler): -1 all descendants, n levels, null or 0 the values only.
- galleryChapterUpdate trims the title (resolver_mutation_gallery.go: translator.optionalString),
  create keeps it as given.
- An invalid gallery_cover_regex falls back to Stash's default (config.go GetGalleryCoverRegex).
- configuration.plugins with no include or include: [] is every plugin's settings
  (resolver_model_config.go Plugins).
- Tags sort by COALESCE(sort_name, name) in natural, case-insensitive order (pkg/sqlite/tag.go getTagSort).
"""

from __future__ import annotations

from collections.abc import Callable

import pytest
from stash_sim import StashSimulator
from stash_sim.objects import GALLERY_COVER_REGEX

LIBRARY = {
    "studios": [
        "Lumen",
        {"name": "Lumen East", "parent": "Lumen"},
        {"name": "Lumen East 2", "parent": "Lumen East"},
        "Other",
    ],
    "tags": [
        "Outdoor",
        {"name": "Beach", "parents": ["Outdoor"]},
        {"name": "Sand", "parents": ["Beach"]},
        {"name": "tag 10", "sort_name": "tag 10"},
        "tag 9",
        {"name": "Zed", "sort_name": "a first"},
    ],
    "performers": [{"name": "Ada", "tags": ["Sand"]}, {"name": "Bo", "tags": ["Outdoor"]}, "Cy"],
    "galleries": [
        {"title": "G-outdoor", "tags": ["Outdoor"], "studio": "Lumen"},
        {"title": "G-beach", "tags": ["Beach"], "studio": "Lumen East"},
        {"title": "G-sand", "tags": ["Sand"], "studio": "Lumen East 2"},
        {"title": "G-none", "studio": "Other"},
        {"folder": "/p/cover-set", "images": ["a.jpg", "b.jpg", "poster.jpg"]},
    ],
    "images": [{"name": "/loose/1.jpg"}, {"name": "/loose/2.jpg"}, {"name": "/loose/3.jpg"}],
}
GALLERY_TITLES = (
    "query($f: GalleryFilterType) { findGalleries(gallery_filter: $f,"
    ' filter: {per_page: -1, sort: "title"}) { galleries { title } } }'
)


@pytest.fixture(scope="module")
def sim() -> StashSimulator:
    with StashSimulator(library=LIBRARY) as simulator:
        simulator.gql('mutation { imageUpdate(input: {id: "4", date: "2021-06-01", rating100: 20}) { id } }')
        simulator.gql('mutation { imageUpdate(input: {id: "5", date: "2023-01-15"}) { id } }')
        yield simulator


def _titles(sim: StashSimulator, gallery_filter: dict) -> list[str]:
    return [g["title"] for g in sim.gql(GALLERY_TITLES, {"f": gallery_filter})["findGalleries"]["galleries"]]


@pytest.mark.parametrize(
    ("depth", "expected"),
    [
        pytest.param(None, ["G-outdoor"], id="no_depth_the_tag_only"),
        pytest.param(0, ["G-outdoor"], id="depth_0_the_tag_only"),
        pytest.param(1, ["G-beach", "G-outdoor"], id="depth_1_children"),
        pytest.param(-1, ["G-beach", "G-outdoor", "G-sand"], id="depth_minus_1_all_descendants"),
    ],
)
def test_tag_criterion_depth_filter_go_getHierarchicalValues(
    sim: StashSimulator, depth: int | None, expected: list[str]
) -> None:
    crit = {"value": ["1"], "modifier": "INCLUDES", "depth": depth}
    assert _titles(sim, {"tags": crit}) == expected


def test_tag_criterion_depth_with_includes_all_and_excludes(sim: StashSimulator) -> None:
    # INCLUDES_ALL: one tag under each value's tree (count of distinct roots)
    assert _titles(sim, {"tags": {"value": ["1", "2"], "modifier": "INCLUDES_ALL", "depth": -1}}) == [
        "G-beach",
        "G-sand",
    ]
    # the folder gallery has no title ("") and sorts by its folder's name, "cover-set", first
    assert _titles(sim, {"tags": {"value": ["2"], "modifier": "EXCLUDES", "depth": -1}}) == ["", "G-none", "G-outdoor"]
    body = sim.gql_raw(GALLERY_TITLES, {"f": {"tags": {"value": ["1"], "modifier": "EQUALS", "depth": 1}}})
    assert (
        body["errors"][0]["message"] == "depth is not supported for equals modifier in hierarchical multi"
        " criterion input"
    )


@pytest.mark.parametrize(
    ("depth", "expected"),
    [
        pytest.param(None, ["G-outdoor"], id="no_depth_the_studio_only"),
        pytest.param(1, ["G-beach", "G-outdoor"], id="depth_1_child_studios"),
        pytest.param(-1, ["G-beach", "G-outdoor", "G-sand"], id="depth_minus_1_all_child_studios"),
    ],
)
def test_studio_criterion_depth_criterion_handlers_go_studioCriterionHandler(
    sim: StashSimulator, depth: int | None, expected: list[str]
) -> None:
    assert _titles(sim, {"studios": {"value": ["1"], "modifier": "INCLUDES", "depth": depth}}) == expected
    excluded = _titles(sim, {"studios": {"value": ["1"], "modifier": "EXCLUDES", "depth": depth}})
    assert set(excluded) == {"G-beach", "G-outdoor", "G-sand", "G-none", ""} - set(expected)


def test_image_filter_date_image_filter_go(sim: StashSimulator) -> None:
    query = 'query($f: ImageFilterType) { findImages(image_filter: $f, filter: {sort: "id"}) { images { id } } }'
    after = sim.gql(query, {"f": {"date": {"value": "2022-01-01", "modifier": "GREATER_THAN"}}})
    assert [i["id"] for i in after["findImages"]["images"]] == ["5"]
    missing = sim.gql(
        query,
        {"f": {"date": {"value": "", "modifier": "IS_NULL"}, "path": {"value": "/loose/", "modifier": "INCLUDES"}}},
    )
    assert [i["id"] for i in missing["findImages"]["images"]] == ["6"]
    rated = sim.gql(query, {"f": {"rating100": {"value": 10, "modifier": "GREATER_THAN"}}})
    assert [i["id"] for i in rated["findImages"]["images"]] == ["4"]


def test_performer_filter_tags_performer_filter_go(sim: StashSimulator) -> None:
    query = (
        'query($f: PerformerFilterType) { findPerformers(performer_filter: $f, filter: {sort: "name"})'
        " { performers { name } } }"
    )
    direct = sim.gql(query, {"f": {"tags": {"value": ["1"], "modifier": "INCLUDES"}}})
    assert [p["name"] for p in direct["findPerformers"]["performers"]] == ["Bo"]
    deep = sim.gql(query, {"f": {"tags": {"value": ["1"], "modifier": "INCLUDES", "depth": -1}}})
    assert [p["name"] for p in deep["findPerformers"]["performers"]] == ["Ada", "Bo"]
    untagged = sim.gql(query, {"f": {"tags": {"modifier": "IS_NULL"}}})
    assert [p["name"] for p in untagged["findPerformers"]["performers"]] == ["Cy"]


def test_scene_filter_rating100_scene_filter_go(make_sim: Callable[..., StashSimulator]) -> None:
    sim = make_sim(
        {
            "scenes": [
                {"title": "A", "path": "/v/a.mp4"},
                {"title": "B", "path": "/v/b.mp4"},
                {"title": "C", "path": "/v/c.mp4"},
            ]
        }
    )
    sim.gql(
        'mutation { a: sceneUpdate(input: {id: "1", rating100: 80}) { id }'
        ' b: sceneUpdate(input: {id: "2", rating100: 40}) { id } }'
    )
    query = 'query($f: SceneFilterType) { findScenes(scene_filter: $f, filter: {sort: "title"}) { scenes { title } } }'
    high = sim.gql(query, {"f": {"rating100": {"value": 50, "modifier": "GREATER_THAN"}}})
    assert [s["title"] for s in high["findScenes"]["scenes"]] == ["A"]
    unrated = sim.gql(query, {"f": {"rating100": {"value": 0, "modifier": "IS_NULL"}}})
    assert [s["title"] for s in unrated["findScenes"]["scenes"]] == ["C"]


def test_tags_sort_by_sort_name_in_natural_order_tag_go_getTagSort(sim: StashSimulator) -> None:
    names = [t["name"] for t in sim.gql("{ findTags(filter: {per_page: -1}) { tags { name } } }")["findTags"]["tags"]]
    # "a first" (Zed's sort name) first; "tag 9" before "tag 10" (digit runs as numbers)
    assert names == ["Zed", "Beach", "Outdoor", "Sand", "tag 9", "tag 10"]
    desc = sim.gql('{ findTags(filter: {per_page: -1, sort: "name", direction: DESC}) { tags { name } } }')
    assert [t["name"] for t in desc["findTags"]["tags"]] == list(reversed(names))


def test_gallery_chapter_update_trims_the_title_resolver_mutation_gallery_go(
    make_sim: Callable[..., StashSimulator],
) -> None:
    sim = make_sim({"galleries": [{"folder": "/p/set", "images": ["1.jpg", "2.jpg"]}]})
    made = sim.gql(
        'mutation { galleryChapterCreate(input: {gallery_id: "1", title: " Intro ", image_index: 1}) { id title } }'
    )["galleryChapterCreate"]
    assert made["title"] == " Intro "  # create: newChapter.Title = input.Title
    updated = sim.gql('mutation { galleryChapterUpdate(input: {id: "1", title: "  Part 1  "}) { title } }')
    assert updated["galleryChapterUpdate"]["title"] == "Part 1"


def test_invalid_gallery_cover_regex_falls_back_to_the_default_config_go_GetGalleryCoverRegex(
    make_sim: Callable[..., StashSimulator],
) -> None:
    sim = make_sim({"galleries": [{"folder": "/p/set", "images": ["a.jpg", "b.jpg", "poster.jpg"]}]})
    sim.config.gallery_cover_regex = "(unclosed"
    cover = sim.gql('{ findGallery(id: "1") { cover { files { path } } } }')["findGallery"]["cover"]
    assert cover["files"][0]["path"] == "/p/set/poster.jpg"  # the default regex picked it, not the first image
    general = sim.gql("{ configuration { general { galleryCoverRegex } } }")["configuration"]["general"]
    assert general["galleryCoverRegex"] == GALLERY_COVER_REGEX
    assert "Gallery cover regex '(unclosed' invalid, reverting to default." in sim.log_messages("warning")


def test_configuration_plugins_empty_include_is_every_plugin_resolver_model_config_go(
    make_sim: Callable[..., StashSimulator],
) -> None:
    sim = make_sim({})
    sim.set_plugin_settings("alpha", {"a": 1})
    sim.set_plugin_settings("beta", {"b": True})
    sim.set_plugin_settings("empty", {})
    query = "query($include: [ID!]) { configuration { plugins(include: $include) } }"
    every = {"alpha": {"a": 1}, "beta": {"b": True}}
    assert sim.gql(query, {"include": []})["configuration"]["plugins"] == every
    assert sim.gql(query, {"include": None})["configuration"]["plugins"] == every
    assert sim.gql(query, {"include": ["beta", "nope"]})["configuration"]["plugins"] == {"beta": {"b": True}}
