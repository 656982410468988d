"""The tasks that write gallery custom fields on Stash v0.31, and what they say on v0.30.1.

Import file metadata writes Series, Number, Site and the like (docs/custom_fields.md) into the
custom fields a gallery does not have; Merge duplicate galleries merges custom fields (the kept
gallery's values win) and gives each chapter it copies an anchor; a `path` scope ending in a
separator is sent as parent_folder (docs/stash.md §8b, engine.by_folder).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from stash_sim import StashSimulator
from wf_support import COMIC, IMPORT_FILE_METADATA, MERGE_APPLY, NIGHT_MARKET, PLUGIN, REPO, SAMPLE, TITLES, run

from gallery_ops.tasks.anchors import ANCHOR_PREFIX, Anchor

FIELDS = "query($f: GalleryFilterType) { findGalleries(gallery_filter: $f) { galleries { id custom_fields } } }"


@contextmanager
def sim_of(release: str, settings: dict[str, Any] | None = None, on_disk: bool = False) -> Iterator[StashSimulator]:
    with StashSimulator(library=SAMPLE, release=release, on_disk=on_disk) as sim:
        sim.install_plugin(REPO)
        if settings:
            sim.set_plugin_settings(PLUGIN, settings)
        yield sim


def fields_at(sim: StashSimulator, path: str) -> tuple[str, dict[str, Any]]:
    root = sim.library_root
    full = f"{root}{path}" if root else path
    found = sim.gql(FIELDS, {"f": {"path": {"value": full, "modifier": "EQUALS"}}})["findGalleries"]["galleries"]
    assert len(found) == 1, path
    return found[0]["id"], found[0]["custom_fields"]


def test_import_file_metadata_writes_what_the_files_say_into_custom_fields() -> None:
    with sim_of("v0.31.1", on_disk=True) as sim:
        comic_id, _ = fields_at(sim, COMIC)
        sim.gql(
            'mutation($id: ID!) { galleryUpdate(input: {id: $id, custom_fields: {partial: {Number: "3 (mine)"}}})'
            " { id } }",
            {"id": comic_id},
        )  # a person's value: never overwritten
        result = run(sim, IMPORT_FILE_METADATA)
        assert fields_at(sim, COMIC)[1] == {"Number": "3 (mine)", "Series": "Coast"}
        assert fields_at(sim, NIGHT_MARKET)[1] == {"Site": "example"}
        assert "left_out" not in result.output
        sim.requests.clear()
        run(sim, IMPORT_FILE_METADATA)  # a second run writes nothing
        assert sim.requests.mutations() == []


def test_the_prefix_setting_goes_in_front_of_each_name() -> None:
    with sim_of("v0.31.1", {"customFieldPrefix": "comic."}, on_disk=True) as sim:
        run(sim, IMPORT_FILE_METADATA)
        assert fields_at(sim, COMIC)[1] == {"comic.Number": "3", "comic.Series": "Coast"}


def test_a_prefix_stash_would_refuse_stops_the_run_with_a_clear_error() -> None:
    with sim_of("v0.31.1", {"customFieldPrefix": " x"}, on_disk=True) as sim:
        result = sim.run_task(IMPORT_FILE_METADATA)
        assert result.error is not None and "customFieldPrefix" in result.error
        assert sim.requests.mutations() == []


def test_on_v0_30_1_import_file_metadata_works_as_before_and_says_what_it_left_out() -> None:
    with sim_of("v0.30.1", on_disk=True) as sim:
        result = run(sim, IMPORT_FILE_METADATA)
        assert result.output["failed_count"] == 0 and result.output["changed"] >= 2
        [left_out] = result.output["left_out"]
        assert "Series (1 gallery)" in left_out and "Number (1 gallery)" in left_out and "Site (1 gallery)" in left_out
        assert "needs Stash v0.31" in left_out and "v0.30.1" in left_out
        assert "left out: what the files say of Series" in result.log_text


def test_merge_merges_custom_fields_the_kept_gallerys_values_win_and_anchors_its_new_chapters() -> None:
    """Portraits (folder, gallery 2) and Portraits.zip (gallery 7) hold the same set; the zip is kept."""
    with sim_of("v0.31.1") as sim:
        update = (
            "mutation($id: ID!, $cf: CustomFieldsInput) { galleryUpdate(input: {id: $id, custom_fields: $cf}) { id } }"
        )
        sim.gql('mutation { galleryChapterCreate(input: {gallery_id: "2", title: "Second", image_index: 2}) { id } }')
        sim.gql(
            update,
            {
                "id": "2",
                "cf": {
                    "partial": {"Series": "Theirs", "Photoset": "P1", f"{ANCHOR_PREFIX}99": '{"index": 1, "md5": "x"}'}
                },
            },
        )
        sim.gql(update, {"id": "7", "cf": {"partial": {"Series": "Kept"}}})
        result = run(sim, MERGE_APPLY)
        assert result.output["groups"][0]["keep"] == "7"
        kept = sim.gql('{ findGallery(id: "7") { chapters { id title image_index } custom_fields } }')["findGallery"]
        fields = kept["custom_fields"]
        assert fields["Series"] == "Kept" and fields["Photoset"] == "P1"  # the kept value wins, the missing one comes
        assert f"{ANCHOR_PREFIX}99" not in fields  # the duplicate's anchors name its own chapters
        [chapter] = [c for c in kept["chapters"] if c["title"] == "Second"]
        anchor = Anchor.decode(fields[f"{ANCHOR_PREFIX}{chapter['id']}"])
        assert anchor is not None and anchor.index == chapter["image_index"] == 2
        assert anchor.path == "/library/zips/Portraits.zip/p02.jpg" and anchor.md5


@pytest.mark.parametrize(("release", "criterion"), [("v0.30.1", "path"), ("v0.31.1", "parent_folder")])
def test_a_path_ending_in_a_separator_is_sent_as_parent_folder_where_stash_has_it(release: str, criterion: str) -> None:
    with sim_of(release) as sim:
        sim.requests.clear()
        result = run(sim, TITLES, {"path": "/library/zips/", "dry_run": "true"})
        assert result.output["scanned"] == 3  # Summer Trip, city_walk, Portraits.zip
        sent = [json.dumps(r.variables) for r in sim.requests.records if "findGalleries" in r.root_fields]
        assert sent and all(f'"{criterion}"' in v for v in sent)
        sim.requests.clear()
        prefix = run(sim, TITLES, {"path": "/library/zips", "dry_run": "true"})  # a prefix of names: the regex
        assert prefix.output["scanned"] == 3
        assert all('"parent_folder"' not in json.dumps(r.variables) for r in sim.requests.records)


def test_a_path_stash_has_no_folder_for_keeps_the_regex() -> None:
    with sim_of("v0.31.1") as sim:
        result = run(sim, TITLES, {"path": "/library/nowhere/", "dry_run": "true"})
        assert result.output["scanned"] == 0
