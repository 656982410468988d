"""What a run asks Stash for is what it uses: fewer fields to send, decode and check per gallery.

The read right before a batch of writes (the Recheck request). Stash has no compare-and-set: before
each batch a task reads again what its changes assumed (each change's `expects`: "cover", "tags",
"chapter:<id>", ...) and drops a change whose basis moved (test_wf_meanwhile.py). That read selects
the fields those expectations name, and what names the thing in a log line (a gallery's title, an
image's file), nothing more: a batch of 50 covers reads 50 covers, not 50 whole galleries. The safety
is the same (every field compared is read); the requests are the same (one per batch).

The cover tasks' image reads: paths, and the images' sizes only for a rule with a portrait step.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from stash_sim import StashSimulator
from wf_support import CHAPTERS, RESET_COVERS_PREVIEW, SET_COVERS, SYNC, fresh_sim, run

from gallery_ops import GalleryOps
from gallery_ops.stash import selections
from gallery_ops.tasks.changes import Expect, SetCover, apply_changes

IMAGE_NAME = {"id", "visual_files"}  # what names an image in a log line: its file
GALLERY_NAME = {"id", "title"}


def selected(query: str, root: str, listed: str) -> set[str] | None:
    """The top-level fields selected for `listed` ("galleries", "images") under the root field `root`
    of a GraphQL document (None when the document has no such root field)."""
    start = query.find(f"{root}(")
    if start < 0:
        return None
    start = query.index("{", query.index(f"{listed} {{", start) + len(listed))
    depth, fields, word = 0, set(), ""
    for char in query[start + 1 :]:
        if char.isalnum() or char == "_":
            word += char
            continue
        if word and depth == 0:
            fields.add(word)
        word = ""
        if char == "{":
            depth += 1
        elif char == "}":
            if depth == 0:
                return fields
            depth -= 1
    raise AssertionError(f"unbalanced selection in {query!r}")


def rechecks(sim: StashSimulator) -> list[str]:
    found = [r.query or "" for r in sim.requests.records if r.operation_name == "Recheck"]
    assert found, "the run wrote without reading its basis again"
    return found


def applied_rechecks(task: str, args: dict[str, str]) -> list[str]:
    """The Recheck documents of one applied run of `task` on the sample library, a run that must
    change something and fail nothing."""
    with fresh_sim() as sim:
        sim.requests.clear()
        out = run(sim, task, {**args, "dry_run": "false"}).output
        assert out["change_count"] > 0 and out["failed_count"] == 0
        return rechecks(sim)


def test_the_selection_parser_reads_top_level_fields() -> None:
    query = "query Recheck($g: [ID!]) { findGalleries(ids: $g) { galleries { id cover { id } chapters { id } } } }"
    assert selected(query, "findGalleries", "galleries") == {"id", "cover", "chapters"}
    assert selected(query, "findImages", "images") is None


def test_set_covers_reads_again_only_the_covers_it_would_replace() -> None:
    for query in applied_rechecks(SET_COVERS, {"rule": "position:2"}):
        assert selected(query, "findGalleries", "galleries") == GALLERY_NAME | {"cover"}
        assert selected(query, "findImages", "images") is None


def test_chapters_from_folders_reads_again_only_the_chapters() -> None:
    for query in applied_rechecks(CHAPTERS, {}):
        assert selected(query, "findGalleries", "galleries") == GALLERY_NAME | {"chapters"}


def test_a_mirror_sync_reads_again_only_the_image_fields_it_overwrites() -> None:
    for query in applied_rechecks(SYNC, {"mirror": "true"}):
        images = selected(query, "findImages", "images")
        assert images is not None and images > IMAGE_NAME
        # only what a sync writes (tags, performers, studio, date, photographer), never the rest
        assert images <= IMAGE_NAME | {"tags", "performers", "studio", "date", "photographer"}
        assert selected(query, "findGalleries", "galleries") is None


@pytest.fixture
def v031() -> Iterator[StashSimulator]:
    with StashSimulator(release="v0.31.1") as sim:
        yield sim


def test_custom_fields_are_read_again_only_when_named_and_stash_has_them(v031: StashSimulator) -> None:
    ops = GalleryOps.from_server_connection(v031.server_connection())
    ops.features()
    v031.requests.clear()
    galleries, images = ops.recheck(["1"], [], gallery_basis={"custom:anchor", "cover"}, image_basis=())
    assert "1" in galleries and images == {}
    assert galleries["1"].model_fields_set == {"id", "title", "cover", "custom_fields"}
    ops.recheck(["1"], [], gallery_basis={"title"}, image_basis=())
    queries = [r.query or "" for r in v031.requests.records]
    assert selected(queries[0], "findGalleries", "galleries") == {"id", "title", "cover", "custom_fields"}
    assert selected(queries[1], "findGalleries", "galleries") == {"id", "title"}


def test_custom_fields_are_not_asked_of_a_stash_without_them() -> None:
    with StashSimulator(release="v0.30.1") as sim:
        ops = GalleryOps.from_server_connection(sim.server_connection())
        galleries, _ = ops.recheck(["1"], [], gallery_basis={"custom:anchor"}, image_basis=())
        assert galleries["1"].model_fields_set == {"id", "title"}


def test_a_basis_no_field_reads_is_refused_before_anything_is_sent() -> None:
    with pytest.raises(ValueError, match="'rating100'"):
        selections.basis_selection(selections.GALLERY_BASIS_FIELDS, selections.GALLERY_BASIS_NAME, ["rating100"])
    chapters = selections.basis_selection(
        selections.GALLERY_BASIS_FIELDS, selections.GALLERY_BASIS_NAME, ["titled:Day 1", "starting:3", "chapter:9"]
    )
    assert chapters == f"id title {selections.GALLERY_CHAPTERS}"  # one selection for every chapter basis
    assert "Day 1" not in chapters  # a name's own text never reaches the document


def image_reads(sim: StashSimulator) -> list[str]:
    found = [r.query or "" for r in sim.requests.records if r.operation_name == "ImagesAndCoverMatches"]
    assert found, "the run read no images"
    return found


@pytest.mark.parametrize("rule, sizes", [("position:2", False), ("pattern:^b;position:3", False), ("portrait", True)])
def test_set_covers_reads_the_images_sizes_only_for_a_portrait_rule(rule: str, sizes: bool) -> None:
    with fresh_sim() as sim:
        sim.requests.clear()
        out = run(sim, SET_COVERS, {"rule": rule, "dry_run": "true"}).output
        assert out["failed_count"] == 0
        for query in image_reads(sim):
            assert ("width" in query and "height" in query) == sizes
            assert "path" in query


def test_reset_covers_reads_no_image_sizes() -> None:
    with fresh_sim() as sim:
        sim.requests.clear()
        run(sim, RESET_COVERS_PREVIEW)
        assert not any("width" in query for query in image_reads(sim))


def test_sync_reads_the_names_of_its_galleries_tags_not_of_the_images_own() -> None:
    """Sync leaves the new-gallery marker out of what it copies: it reads the names of the galleries'
    tags for that; an image's own tags are compared by id."""
    with fresh_sim() as sim:
        sim.requests.clear()
        out = run(sim, SYNC, {"dry_run": "true"}).output
        assert out["failed_count"] == 0 and out["change_count"] > 0
        reads = [r.query or "" for r in sim.requests.records if r.operation_name == "ImagesOfGalleries"]
        assert reads
        for query in reads:
            own, _, galleries = query.partition(" galleries {")
            assert "tags { id }" in own and "name" not in own.partition(" images {")[2]
            assert "tags { id name }" in galleries


@pytest.mark.parametrize(
    "fields",
    ["tags", "date,studio", "photographer,performers", "tags, performers, studio, date, photographer", None],
)
def test_sync_reads_of_each_image_and_its_galleries_the_fields_it_syncs_and_no_other(fields: str | None) -> None:
    """Every image comes with its galleries: a field the run does not sync, read with each, would be
    decoded and checked for nothing (`fields: tags` reads no dates, studios or performers)."""
    synced = {"tags", "performers", "studio", "date", "photographer"}
    if fields is not None:
        synced = {name.strip() for name in fields.split(",")}
    with fresh_sim() as sim:
        sim.requests.clear()
        out = run(sim, SYNC, {"dry_run": "true", **({"fields": fields} if fields else {})}).output
        assert out["failed_count"] == 0 and out["change_count"] > 0
        reads = [r.query or "" for r in sim.requests.records if r.operation_name == "ImagesOfGalleries"]
        assert reads
        for query in reads:
            assert selected(query, "findImages", "images") == {"id", "galleries", *synced}
            assert selected(query, "findImages", "galleries") == {"id", *synced}


def test_a_basis_the_re_read_did_not_select_stops_the_batch_instead_of_reading_as_its_default(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Were the map of basis names to fields wrong (here: "cover" selecting the title), the re-read's
    gallery would have no cover field, which reads as None: a change planned on "no cover" would pass
    over a cover set meanwhile. The batch is refused before anything is sent instead."""
    with fresh_sim() as sim:
        ops = GalleryOps.from_server_connection(sim.server_connection())
        ops.features()  # (which Stash: learned before the requests counted below)
        image = sim.gql("{ findImages(filter: { per_page: 1 }) { images { id galleries { id } } } }")["findImages"][
            "images"
        ][0]
        gallery_id = image["galleries"][0]["id"]
        change = SetCover(gallery_id, image["id"], None, expects=(Expect("gallery", gallery_id, "cover", None),))
        monkeypatch.setitem(selections.GALLERY_BASIS_FIELDS, "cover", "title")
        sim.requests.clear()
        with pytest.raises(ValueError, match="did not select cover"):
            apply_changes(ops, [change])
        assert [r.operation_name for r in sim.requests.records] == ["Recheck"]  # nothing written
