"""Seeding speed: 10k galleries with 100k images: seconds, not minutes.

The time is printed, not asserted: `pytest -s` or `-rP` shows it.
"""

from __future__ import annotations

import time

from stash_sim import StashSimulator
from stash_sim.library import generate_library

GALLERIES, IMAGES_PER_GALLERY = 10_000, 10
PAGE = """query($last: Int!) {
  findGalleries(gallery_filter: {id: {value: $last, modifier: GREATER_THAN}}, filter: {sort: "id", per_page: 1000}) {
    galleries { id }
  }
}"""


def test_seed_10k_galleries_100k_images() -> None:
    started = time.perf_counter()
    sim = StashSimulator(library=generate_library(GALLERIES, IMAGES_PER_GALLERY))
    seeded = time.perf_counter() - started

    counts = sim.gql(
        "{ findGalleries(filter: {per_page: 0}) { count } findImages(filter: {per_page: 0}) { count }"
        " zips: findGalleries(gallery_filter: {is_zip: true}, filter: {per_page: 0}) { count } }"
    )
    assert counts == {
        "findGalleries": {"count": GALLERIES},
        "findImages": {"count": GALLERIES * IMAGES_PER_GALLERY},
        "zips": {"count": GALLERIES // 2},
    }

    started = time.perf_counter()
    seen: list[int] = []
    last = 0
    while page := [int(g["id"]) for g in sim.gql(PAGE, {"last": last})["findGalleries"]["galleries"]]:
        seen += page
        last = page[-1]
    paged = time.perf_counter() - started
    assert seen == list(range(1, GALLERIES + 1))

    middle = sim.gql('{ findGallery(id: "5000") { image_count image(index: 9) { files { basename } } } }')
    assert middle == {"findGallery": {"image_count": 10, "image": {"files": [{"basename": "img0009.jpg"}]}}}
    print(
        f"\nseeded {GALLERIES} galleries / {GALLERIES * IMAGES_PER_GALLERY} images in {seeded:.1f} s;"
        f" paged through them by id cursor in {paged:.2f} s"
    )
