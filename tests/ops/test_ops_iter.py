"""iter_galleries over 10k galleries: pages with an id cursor, lazy, correct under changes."""

from __future__ import annotations

import inspect
import itertools
import math
from collections import Counter

import pytest
from stash_sim import StashSimulator
from stash_sim.library import generate_library

from gallery_ops import GalleryInput, GalleryOps
from gallery_ops.common.limits import GALLERY_PAGE_SIZE

N = 10_000
# generate_library: gallery g (0-based) is a zip when g is even, so zip galleries have odd ids
ZIP_IDS = set(range(1, N + 1, 2))


@pytest.fixture(scope="module")
def big_sim():
    """10k galleries, read-only for the tests that use it (the log is cleared for each)."""
    with StashSimulator(library=generate_library(N, 1)) as simulator:
        yield simulator


@pytest.fixture
def big(big_sim, make_ops) -> tuple[StashSimulator, GalleryOps]:
    big_sim.requests.clear()
    big_sim.faults.clear()
    return big_sim, make_ops(big_sim)


def _pages(sim) -> list:
    return [r for r in sim.requests.records if r.operation_name == "IterGalleries"]


def test_iter_galleries_streams_10k_galleries_in_pages_with_an_id_cursor(big):
    sim, ops = big
    ids = [int(g.id) for g in ops.iter_galleries()]

    assert ids == list(range(1, N + 1))  # every gallery once, in id order
    pages = _pages(sim)
    assert len(pages) == len(sim.requests)
    assert math.ceil(N / GALLERY_PAGE_SIZE) <= len(pages) <= math.ceil(N / GALLERY_PAGE_SIZE) + 1
    cursors = [p.variables["gallery_filter"]["id"] for p in pages]
    assert all(c["modifier"] == "GREATER_THAN" for c in cursors)
    assert [c["value"] for c in cursors] == [GALLERY_PAGE_SIZE * n for n in range(len(pages))]
    for page in pages:
        assert page.variables["filter"] == {"per_page": GALLERY_PAGE_SIZE, "sort": "id", "direction": "ASC"}
        assert page.response_size < GALLERY_PAGE_SIZE * 200  # narrow: about a hundred bytes a gallery


def test_iter_galleries_is_a_lazy_generator(big):
    sim, ops = big
    stream = ops.iter_galleries()
    assert inspect.isgenerator(stream)
    assert len(sim.requests) == 0  # nothing is sent before the first item is asked for

    first = list(itertools.islice(stream, 10))
    assert [g.id for g in first] == [str(i) for i in range(1, 11)]
    assert len(sim.requests) == 1

    rest_of_page = list(itertools.islice(stream, GALLERY_PAGE_SIZE - 10))
    assert len(rest_of_page) == GALLERY_PAGE_SIZE - 10
    assert len(sim.requests) == 1  # one page in memory at a time
    next(stream)
    assert len(sim.requests) == 2
    stream.close()


def test_iter_galleries_page_size_is_a_parameter(big):
    sim, ops = big
    first_thousand = {"id": {"value": 1001, "modifier": "LESS_THAN"}}
    assert [int(g.id) for g in ops.iter_galleries(first_thousand, page_size=300)] == list(range(1, 1001))
    cursors = [p.variables["gallery_filter"]["id"]["value"] for p in _pages(sim)]
    assert cursors == [0, 300, 600, 900]  # the last page (100) is short: no extra request
    assert {p.variables["filter"]["per_page"] for p in _pages(sim)} == {300}


@pytest.mark.parametrize("page_size", [0, -1])
def test_iter_galleries_refuses_a_bad_page_size_before_any_request(big, page_size):
    sim, ops = big
    with pytest.raises(ValueError, match="page_size"):
        next(ops.iter_galleries(page_size=page_size))
    assert len(sim.requests) == 0


FILTERS = [
    ("OR", {"id": {"value": 101, "modifier": "LESS_THAN"}, "OR": {"is_zip": True}}, ZIP_IDS | set(range(1, 101))),
    ("NOT", {"NOT": {"is_zip": True}}, set(range(1, N + 1)) - ZIP_IDS),
    (
        "AND",
        {"is_zip": False, "AND": {"id": {"value": 7000, "modifier": "GREATER_THAN"}}},
        {i for i in range(7001, N + 1) if i not in ZIP_IDS},
    ),
    (
        "path",
        {"path": {"value": "/folder001", "modifier": "INCLUDES"}},  # folder001000 .. folder001999
        {g + 1 for g in range(1000, 2000) if g % 2 == 1},
    ),
]


@pytest.mark.parametrize("name, gallery_filter, expected", FILTERS, ids=[f[0] for f in FILTERS])
def test_iter_galleries_with_a_gallery_filter(big, name, gallery_filter, expected):
    sim, ops = big
    ids = [int(g.id) for g in ops.iter_galleries(gallery_filter)]

    assert sorted(ids) == sorted(expected)
    assert len(ids) == len(set(ids))
    pages = _pages(sim)
    assert len(pages) <= len(expected) // GALLERY_PAGE_SIZE + 1
    for page in pages:  # the caller's filter travels whole, under the cursor
        assert page.variables["gallery_filter"]["AND"] == gallery_filter


def test_iter_galleries_is_correct_when_the_caller_changes_galleries_while_iterating(make_ops):
    with StashSimulator(library=generate_library(N, 1)) as sim:
        ops = make_ops(sim)
        # 2501..2600 start out organized, so they do not match the filter at first
        ops.bulk_gallery_update({"ids": list(range(2501, 2601)), "organized": True})
        sim.requests.clear()

        seen: list[int] = []
        created: list[int] = []
        for gallery in ops.iter_galleries({"organized": False}):
            seen.append(int(gallery.id))
            if gallery.id == "700":
                # already seen: delete some, make others stop matching or change their title
                ops.gallery_destroy([str(i) for i in range(1, 101)])
                ops.bulk_gallery_update({"ids": list(range(200, 301)), "organized": True})
                ops.galleries_update([GalleryInput(id=str(i), title=f"renamed {i}") for i in range(400, 420)])
                # not yet seen: some stop matching, some are deleted, some start matching, one is new
                ops.bulk_gallery_update({"ids": list(range(1001, 1101)), "organized": True})
                ops.gallery_destroy([str(i) for i in range(1500, 1511)])
                ops.bulk_gallery_update({"ids": list(range(2501, 2601)), "organized": False})
                created.append(int(ops.create_gallery(GalleryInput(title="Made while iterating")).id))

        counts = Counter(seen)
        assert [g for g, n in counts.items() if n > 1] == []  # none twice
        expected = (set(range(1, N + 1)) - set(range(1001, 1101)) - set(range(1500, 1511))) | set(created)
        assert set(seen) == expected  # every matching gallery once, 2501..2600 included
        assert len(_pages(sim)) <= math.ceil(len(expected) / GALLERY_PAGE_SIZE) + 1
