"""Stash's rules where they are easy to get wrong, as a real Stash v0.30.1 showed them
(../shared/real-stash/FINDINGS.md): ids, nil lists, the is_missing default branch, allTags."""

from __future__ import annotations

import pytest
from stash_sim import SimGraphQLError, StashSimulator

CREATE = "mutation($t: String!) { galleryCreate(input: {title: $t}) { id } }"
DESTROY = "mutation($ids: [ID!]!) { galleryDestroy(input: {ids: $ids}) }"


def _create(sim: StashSimulator, title: str) -> int:
    return int(sim.gql(CREATE, {"t": title})["galleryCreate"]["id"])


def test_a_deleted_id_is_never_given_again_autoincrement(sim: StashSimulator) -> None:
    """Stash's tables are `id integer not null primary key autoincrement` (pkg/sqlite/migrations)."""
    first = _create(sim, "First")
    sim.gql(DESTROY, {"ids": [str(first)]})
    second = _create(sim, "Second")
    assert second == first + 1
    chapter = sim.gql(
        'mutation($g: ID!) { galleryChapterCreate(input: {gallery_id: $g, title: "c", image_index: 1}) { id } }',
        {"g": "1"},
    )["galleryChapterCreate"]["id"]
    sim.gql("mutation($id: ID!) { galleryChapterDestroy(id: $id) }", {"id": chapter})
    again = sim.gql(
        'mutation($g: ID!) { galleryChapterCreate(input: {gallery_id: $g, title: "d", image_index: 1}) { id } }',
        {"g": "1"},
    )["galleryChapterCreate"]["id"]
    assert int(again) == int(chapter) + 1


def test_the_id_of_a_rolled_back_insert_is_given_again(sim: StashSimulator) -> None:
    """AUTOINCREMENT's counter is part of the transaction: an insert that failed (an unknown tag's
    foreign key) leaves it where it was."""
    before = _create(sim, "Before")
    with pytest.raises(SimGraphQLError, match="FOREIGN KEY constraint failed"):
        sim.gql('mutation { galleryCreate(input: {title: "Rolled back", tag_ids: ["999999"]}) { id } }')
    assert _create(sim, "After") == before + 1


@pytest.mark.parametrize(
    "mutation",
    [
        pytest.param('bulkGalleryUpdate(input: {ids: [], details: "x"}) { id }', id="bulk_gallery_update"),
        pytest.param("galleriesUpdate(input: []) { id }", id="galleries_update"),
        pytest.param('bulkImageUpdate(input: {ids: [], details: "x"}) { id }', id="bulk_image_update"),
    ],
)
def test_bulk_updates_of_nothing_answer_null_resolver_mutation_gallery_go(sim: StashSimulator, mutation: str) -> None:
    """The resolvers append to a nil slice: no ids, no error, null."""
    name = mutation.split("(", 1)[0]
    assert sim.gql(f"mutation {{ {mutation} }}") == {name: None}


def test_is_missing_with_a_value_that_is_no_column_is_stashs_sql_error_gallery_filter_go(sim: StashSimulator) -> None:
    """missingCriterionHandler's default branch puts the value into the SQL as a column: the count
    query (with the sort's joins) fails and the error quotes it whole (repository.go, tx.go)."""
    body = sim.gql_raw(
        'query($f: GalleryFilterType) { findGalleries(gallery_filter: $f, filter: {sort: "id"}) { count } }',
        {"f": {"is_missing": "cover"}},
    )
    count = (
        "SELECT COUNT(*) as count FROM (SELECT DISTINCT galleries.id FROM galleries"
        " WHERE ((galleries.cover IS NULL OR TRIM(galleries.cover) = ''))) as temp"
    )
    assert body["errors"] == [
        {
            "message": f"error executing count query with SQL: {count}, args: [], error:"
            f" error executing `{count}` [[]]: no such column: galleries.cover",
            "path": ["findGalleries"],
        }
    ]
    # a real column takes the default clause: nothing is missing an id
    found = sim.gql('{ findGalleries(gallery_filter: {is_missing: "id"}) { count } }')
    assert found == {"findGalleries": {"count": 0}}


def test_the_deprecated_all_tags_answers_by_name_tag_go_all(empty_sim: StashSimulator) -> None:
    for name in ("beta", "Alpha", "item 10", "item 9"):
        empty_sim.gql("mutation($n: String!) { tagCreate(input: {name: $n}) { id } }", {"n": name})
    assert [t["name"] for t in empty_sim.gql("{ allTags { name } }")["allTags"]] == [
        "Alpha",
        "beta",
        "item 9",
        "item 10",
    ]
