"""Data safety at the operation boundary, as plugin operations (runPluginOperation, manual runs)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from stash_sim import StashSimulator
from stash_sim.library import load_library

from tests.conftest import REPO

SAMPLE_GALLERIES = len(load_library()["galleries"])  # tests/stash_sim/libraries/sample.yml


@pytest.fixture(scope="module")
def stash() -> Iterator[StashSimulator]:
    with StashSimulator() as sim:
        sim.install_plugin(REPO)
        yield sim


def _gallery(sim: StashSimulator, title: str) -> str:
    return next(
        g["id"]
        for g in sim.gql("{ findGalleries(filter: {per_page: -1}) { galleries { id title } } }")["findGalleries"][
            "galleries"
        ]
        if g["title"] == title
    )


@pytest.mark.parametrize("image_ids", ["", ",", " , ", "[]", []])
def test_update_gallery_images_set_refuses_every_spelling_of_nothing(stash, image_ids):
    """SET with "", ",", "[]" or [] emptied the gallery and answered success."""
    best = _gallery(stash, "Best of 2021")
    stash.requests.clear()
    refused = stash.run_operation(
        {"operation": "update_gallery_images", "gallery_id": best, "image_ids": image_ids, "mode": "SET"}
    )
    assert refused.error is not None and "allow_empty" in refused.error and "nothing was changed" in refused.error
    assert stash.requests.mutations() == []
    count = stash.gql(f'{{ findGallery(id: "{best}") {{ image_count }} }}')["findGallery"]["image_count"]
    assert count == 3


def test_update_gallery_images_set_empties_when_told_to(stash):
    empty = _gallery(stash, "Empty Collection")
    stash.gql(f'mutation {{ addGalleryImages(input: {{gallery_id: "{empty}", image_ids: ["1"]}}) }}')
    done = stash.run_operation(
        {
            "operation": "update_gallery_images",
            "gallery_id": empty,
            "image_ids": "",
            "mode": "SET",
            "allow_empty": "true",
        }
    )
    assert done.error is None
    assert stash.gql(f'{{ findGallery(id: "{empty}") {{ image_count }} }}')["findGallery"]["image_count"] == 0


@pytest.mark.parametrize(
    "input_data",
    [
        {"ids": ["1"], "tag_ids": {"ids": ["2"]}},
        {"ids": ["1"], "performer_ids": {"ids": ["2"], "mode": None}},
        {"ids": ["1"], "urls": {"values": ["https://x.example"]}},
    ],
)
def test_bulk_gallery_update_without_a_mode_names_the_modes(stash, input_data):
    stash.requests.clear()
    result = stash.run_operation({"operation": "bulk_gallery_update", "input_data": input_data})
    assert result.error is not None and "SET" in result.error and "ADD or REMOVE" in result.error
    assert "\n" not in result.error
    assert stash.requests.mutations() == []


@pytest.mark.parametrize("key", ["filter", "filter_"])
def test_find_galleries_takes_filter_under_both_names(stash, key):
    """The seed names the parameter filter_, Stash's FindFilterType is `filter`: both are accepted."""
    result = stash.run_operation({"operation": "find_galleries", key: {"per_page": 2, "sort": "title"}})
    assert result.error is None, result.error
    assert result.output["count"] == SAMPLE_GALLERIES and len(result.output["galleries"]) == 2


def test_find_galleries_refuses_both_names_at_once(stash):
    result = stash.run_operation({"operation": "find_galleries", "filter": {}, "filter_": {}})
    assert result.error is not None and "not both" in result.error
