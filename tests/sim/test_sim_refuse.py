"""Refuse, don't invent: what the simulator does not model is refused, never answered with
plausible empty data.

Every root Query field of the served schema is walked: it is either modelled (a resolver is
registered for it) or it answers the simulator's "does not model" error. The same walk runs
over the fields of the objects the simulator builds. Lists that Stash loads from a join table
(internal/api/resolver_model_performer.go URLs, resolver_model_tag.go Aliases/Parents/Children)
are modelled from the library format, so an empty list is a real answer.
"""

from __future__ import annotations

from typing import Any

import pytest
from graphql import (
    GraphQLEnumType,
    GraphQLInputObjectType,
    GraphQLInterfaceType,
    GraphQLList,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLUnionType,
    Undefined,
    get_named_type,
)
from stash_sim import StashSimulator
from stash_sim.engine import RESOLVERS
from stash_sim.schema import stash_schema

# Root fields the simulator models (each has its own tests); everything else must refuse.
MODELLED_QUERIES = {
    "findGallery",
    "findGalleries",
    "findImage",
    "findImages",
    "findScenes",
    "findTag",
    "findTags",
    "findPerformer",
    "findPerformers",
    "findStudio",
    "findStudios",
    "configuration",
    "version",
    "stats",
    "findFolder",
    "findFolders",
    "findFile",
    "findFiles",
    "findSavedFilter",
    "findSavedFilters",
}


def _literal(type_: Any) -> str:
    """A GraphQL literal that validates for type_ (required input fields only)."""
    if isinstance(type_, GraphQLNonNull):
        return _literal(type_.of_type)
    if isinstance(type_, GraphQLList):
        return f"[{_literal(type_.of_type)}]"
    if isinstance(type_, GraphQLEnumType):
        return next(iter(type_.values))
    if isinstance(type_, GraphQLInputObjectType):
        required = [
            f"{name}: {_literal(f.type)}"
            for name, f in type_.fields.items()
            if isinstance(f.type, GraphQLNonNull) and f.default_value is Undefined
        ]
        return "{" + ", ".join(required) + "}"
    return {"Int": "1", "Float": "1.5", "Boolean": "false", "ID": '"1"'}.get(type_.name, '"x"')


def _call(name: str, field: Any) -> str:
    args = [f"{arg}: {_literal(a.type)}" for arg, a in field.args.items() if isinstance(a.type, GraphQLNonNull)]
    named = get_named_type(field.type)
    selection = (
        " { __typename }" if isinstance(named, GraphQLObjectType | GraphQLInterfaceType | GraphQLUnionType) else ""
    )
    return f"{name}{'(' + ', '.join(args) + ')' if args else ''}{selection}"


def _unmodelled_roots() -> list[str]:
    query = stash_schema().query_type
    assert query is not None
    return sorted(name for name in query.fields if f"Query.{name}" not in RESOLVERS)


def test_modelled_queries_have_resolvers() -> None:
    assert {name for name in MODELLED_QUERIES if f"Query.{name}" not in RESOLVERS} == set()


@pytest.mark.parametrize("name", _unmodelled_roots())
def test_every_root_query_field_is_modelled_or_refuses(empty_sim: StashSimulator, name: str) -> None:
    """internal/api/resolver_query_*.go: a root field the simulator has no resolver for is refused."""
    field = stash_schema().query_type.fields[name]  # type: ignore[union-attr]
    body = empty_sim.gql_raw("{ " + _call(name, field) + " }")
    assert [e["message"] for e in body.get("errors", [])] == [f"the Stash simulator does not model the query {name}"]
    assert body["errors"][0]["path"] == [name]


def test_the_walk_covers_the_schema() -> None:
    """Every root field is either listed as modelled here or walked above (and refused)."""
    query = stash_schema().query_type
    assert query is not None
    assert len(_unmodelled_roots()) + len({n for n in query.fields if f"Query.{n}" in RESOLVERS}) == len(query.fields)
    assert len(_unmodelled_roots()) > 30  # scrapers, packages, scene markers, groups, DLNA, ...
    assert "findGroup" in _unmodelled_roots() and "stats" not in _unmodelled_roots()


@pytest.mark.parametrize(
    "query",
    [
        pytest.param('{ findGroup(id: "1") { id } }', id="findGroup"),
        pytest.param("{ configuration { defaults { scan { scanGenerateCovers } } } }", id="configuration.defaults"),
    ],
)
def test_gaps_seen_from_outside_refuse(empty_sim: StashSimulator, query: str) -> None:
    """Not null, not {}: a client must see that these are not modelled."""
    body = empty_sim.gql_raw(query)
    messages = [e["message"] for e in body.get("errors", [])]
    assert len(messages) == 1 and messages[0].startswith("the Stash simulator does not model"), messages


# -- object fields ---------------------------------------------------------------------------------
LIBRARY = {
    "studios": ["Lumen Studio", {"name": "Lumen East", "parent": "Lumen Studio"}],
    "tags": ["Beach", {"name": "Sand", "parents": ["Beach"], "aliases": ["dune", "grit"], "sort_name": "a-sand"}],
    "performers": [
        {"name": "Ada Vale", "tags": ["Sand"], "urls": ["https://example.org/ada"], "aliases": ["A. Vale"]},
        "Bo Lind",
    ],
    "scenes": [{"title": "Beach Day", "path": "/library/videos/Beach Day.mp4"}],
    "galleries": [
        {
            "folder": "/library/photos/Beach",
            "images": ["1.jpg", "2.jpg"],
            "tags": ["Sand"],
            "studio": "Lumen East",
            "performers": ["Ada Vale"],
            "chapters": [{"title": "One", "image_index": 1}],
            "scenes": ["Beach Day"],
        },
        {"zip": "/library/zips/set.zip", "images": ["a/1.jpg"]},
    ],
}
# one object of each type the simulator builds, and how to reach it
PROBES = {
    "Gallery": 'findGallery(id: "1") { %s }',
    "Image": 'findImage(id: "1") { %s }',
    "Tag": 'findTag(id: "2") { %s }',
    "Performer": 'findPerformer(id: "1") { %s }',
    "Studio": 'findStudio(id: "2") { %s }',
    "Scene": "findScenes { scenes { %s } }",
    "GalleryChapter": 'findGallery(id: "1") { chapters { %s } }',
    "GalleryFile": 'findGallery(id: "2") { files { %s } }',
    "ImageFile": 'findImage(id: "1") { visual_files { ... on ImageFile { %s } } }',
    "Folder": 'findGallery(id: "1") { folder { %s } }',
    "ConfigResult": "configuration { %s }",
    "ConfigGeneralResult": "configuration { general { %s } }",
    "FindGalleriesResultType": "findGalleries { %s }",
    "FindImagesResultType": "findImages { %s }",
    "GalleryPathsType": 'findGallery(id: "1") { paths { %s } }',
    "ImagePathsType": 'findImage(id: "1") { paths { %s } }',
    "Version": "version { %s }",
    "VideoFile": "findScenes { scenes { files { %s } } }",
    "BasicFile": 'findImage(id: "3") { visual_files { ... on ImageFile { zip_file { %s } } } }',
    "Fingerprint": 'findImage(id: "1") { visual_files { ... on ImageFile { fingerprints { %s } } } }',
    "StatsResultType": "stats { %s }",
    "FindFilesResultType": "findFiles { %s }",
    "FindFoldersResultType": "findFolders { %s }",
    "FindScenesResultType": "findScenes { %s }",
    "FindTagsResultType": "findTags { %s }",
    "FindPerformersResultType": "findPerformers { %s }",
    "FindStudiosResultType": "findStudios { %s }",
    "SavedFilter": "findSavedFilters { %s }",
}
REQUIRED_ARGS = {"image": "(index: 0)", "fingerprint": '(type: "md5")'}


def _object_fields() -> list[tuple[str, str]]:
    schema = stash_schema()
    return [(type_name, field) for type_name in PROBES for field in schema.type_map[type_name].fields]  # type: ignore[union-attr]


@pytest.fixture(scope="module")
def probe_sim() -> Any:
    with StashSimulator(library=LIBRARY) as simulator:
        simulator.gql('mutation { saveFilter(input: {mode: GALLERIES, name: "All", find_filter: {q: "x"}}) { id } }')
        yield simulator


@pytest.mark.parametrize(("type_name", "field_name"), _object_fields())
def test_every_object_field_is_modelled_or_refuses(probe_sim: StashSimulator, type_name: str, field_name: str) -> None:
    """A field the object's builder does not fill is refused on that field, never null or empty."""
    field = stash_schema().type_map[type_name].fields[field_name]  # type: ignore[union-attr]
    named = get_named_type(field.type)
    selection = (
        " { __typename }" if isinstance(named, GraphQLObjectType | GraphQLInterfaceType | GraphQLUnionType) else ""
    )
    required = any(isinstance(a.type, GraphQLNonNull) for a in field.args.values())
    args = REQUIRED_ARGS[field_name] if required else ""
    query = "{ " + PROBES[type_name] % (field_name + args + selection) + " }"
    body = probe_sim.gql_raw(query)
    messages = [e["message"] for e in body.get("errors", [])]
    assert messages in ([], [f"the Stash simulator does not model {type_name}.{field_name}"]), messages


def test_performer_urls_are_a_list_never_null_resolver_model_performer_go(probe_sim: StashSimulator) -> None:
    """Performer.urls (internal/api/resolver_model_performer.go URLs): the loaded list, [] when none."""
    data = probe_sim.gql(
        '{ findPerformers(filter: {sort: "name"}) { performers { name url urls alias_list tags { name } } } }'
    )
    by_name = {p["name"]: p for p in data["findPerformers"]["performers"]}
    assert by_name["Ada Vale"] == {
        "name": "Ada Vale",
        "url": "https://example.org/ada",
        "urls": ["https://example.org/ada"],
        "alias_list": ["A. Vale"],
        "tags": [{"name": "Sand"}],
    }
    assert by_name["Bo Lind"] == {"name": "Bo Lind", "url": None, "urls": [], "alias_list": [], "tags": []}


def test_tag_hierarchy_and_aliases_are_modelled_resolver_model_tag_go(probe_sim: StashSimulator) -> None:
    """Tag.parents/children/aliases (internal/api/resolver_model_tag.go; pkg/sqlite/tag.go
    FindByParentTagID/FindByChildTagID) come from the library's tag hierarchy."""
    data = probe_sim.gql(
        '{ beach: findTag(id: "1") { parents { name } children { name } child_count'
        " gallery_count deep: gallery_count(depth: -1) aliases }"
        ' sand: findTag(id: "2") { parents { name } children { name } parent_count'
        " aliases sort_name gallery_count performer_count } }"
    )
    assert data["beach"] == {
        "parents": [],
        "children": [{"name": "Sand"}],
        "child_count": 1,
        "gallery_count": 0,
        "deep": 1,
        "aliases": [],
    }
    assert data["sand"] == {
        "parents": [{"name": "Beach"}],
        "children": [],
        "parent_count": 1,
        "aliases": ["dune", "grit"],
        "sort_name": "a-sand",
        "gallery_count": 1,
        "performer_count": 1,
    }


def test_studio_children_are_modelled(probe_sim: StashSimulator) -> None:
    data = probe_sim.gql(
        '{ findStudio(id: "1") { child_studios { name } gallery_count deep: gallery_count(depth: -1) } }'
    )
    assert data["findStudio"] == {"child_studios": [{"name": "Lumen East"}], "gallery_count": 0, "deep": 1}


def test_find_images_totals_are_computed_resolver_query_find_image_go(probe_sim: StashSimulator) -> None:
    """megapixels / filesize are the matches' sums (pkg/sqlite/image.go queryImagesResult: the
    megapixels in SQLite's integer division), not zeros; by id list in float over primary files."""
    sizes = probe_sim.store.all("SELECT width, height, size FROM files WHERE kind = 'image'")
    data = probe_sim.gql("{ findImages { megapixels filesize } }")["findImages"]
    assert data == {
        "megapixels": float(sum(r[0] * r[1] for r in sizes) // 1_000_000),
        "filesize": float(sum(r[2] for r in sizes)),
    }
    by_ids = probe_sim.gql('{ findImages(ids: ["1"]) { megapixels } }')["findImages"]
    assert by_ids["megapixels"] == sizes[0][0] * sizes[0][1] / 1_000_000 > 0


def test_stashapi_default_fragments_are_all_modelled(probe_sim: StashSimulator) -> None:
    """stashapi asks for every field of Gallery, Image, Tag, Performer and Studio (its fragments
    come from introspection): each answers, none is refused or left null by an error."""
    from stashapi.stashapp import StashInterface

    stash = StashInterface(probe_sim.server_connection())
    assert stash.find_gallery(1)["tags"][0]["parents"] == [{"id": "1"}]
    assert stash.find_image(1)["id"] == "1"
    assert [t["name"] for t in stash.find_tags()] == ["Sand", "Beach"]  # by sort name: "a-sand" first
    assert {p["name"]: p["urls"] for p in stash.find_performers()} == {
        "Ada Vale": ["https://example.org/ada"],
        "Bo Lind": [],
    }
    assert {s["name"] for s in stash.find_studios()} == {"Lumen Studio", "Lumen East"}
