"""Image sync end to end on images that are in several galleries and have metadata of their own."""

from __future__ import annotations

import pytest
from wf_support import SYNC, SYNC_MIRROR_APPLY, fresh_sim, image_ids, run, state

ONE_1, ONE_2, ONE_3, TWO_1, TWO_2 = "/m/one/1.jpg", "/m/one/2.jpg", "/m/one/3.jpg", "/m/two/1.jpg", "/m/two/2.jpg"


def image_updates(sim) -> list[str]:
    """Every image id sent in a bulkImageUpdate, in order."""
    return [
        i
        for r in sim.requests.mutations()
        if "bulkImageUpdate" in r.root_fields
        for value in r.variables.values()
        for i in value["ids"]
    ]


def test_add_only_gives_each_image_what_all_its_galleries_agree_on(mixed_library):
    with fresh_sim(mixed_library) as sim:
        run(sim, SYNC)
        images = state(sim)["images"]
        ids = image_ids(sim)
        # in "one" and "Collection": both tag sets, its own Extra kept; North on both: set
        assert images[ONE_1] == {
            "tags": ["Extra", "Keep", "Shared"],
            "performers": ["Ann"],
            "studio": "North",
            "date": "2020-01-02",
            "photographer": "Pat",
        }
        # in "two" (South) and "Collection" (North): the galleries disagree on the studio, so it is left alone
        assert images[TWO_1] == {
            "tags": ["Shared"],
            "performers": [],
            "studio": None,
            "date": "2021-03-04",
            "photographer": "Pat",
        }
        assert images[ONE_2]["performers"] == ["Ann", "Ben"]  # add-only keeps its own performer
        assert images[TWO_2] == {
            "tags": ["Shared"],
            "performers": [],
            "studio": "South",
            "date": "2021-03-04",
            "photographer": None,
        }
        # an image in two galleries is written once, and every image in one bulk update per change
        sent = image_updates(sim)
        assert sorted(sent) == sorted(ids[p] for p in (ONE_1, ONE_2, ONE_3, TWO_1, TWO_2))
        assert sim.requests.count("bulkImageUpdate") == 1  # one request for the whole page
        sim.requests.clear()
        run(sim, SYNC)
        assert sim.requests.mutations() == []


@pytest.mark.parametrize("first_add_only", [False, True])
def test_mirror_removes_what_no_gallery_of_the_image_has(mixed_library, first_add_only):
    with fresh_sim(mixed_library) as sim:
        if first_add_only:
            run(sim, SYNC)
        run(sim, SYNC_MIRROR_APPLY)
        images = state(sim)["images"]
        assert images[ONE_1]["tags"] == ["Keep", "Shared"]  # Extra is in none of its galleries
        assert images[ONE_2]["performers"] == ["Ann"]  # Ben neither
        assert images[TWO_1]["studio"] is None  # still disagreeing: left alone
        assert images[TWO_1]["tags"] == ["Shared"]
        sim.requests.clear()
        run(sim, SYNC_MIRROR_APPLY)
        assert sim.requests.mutations() == []
