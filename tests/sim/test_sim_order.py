"""Stash's gallery image order and default cover (docs/stash.md §4, research notes Q7, Q13).

The order key is the folder path immediately followed by the base name, with NO separator,
compared under NATURAL_CI (pkg/sqlite/image.go defaultGalleryOrder, pkg/sqlite/driver.go,
sortorder casefolded.NaturalLess). The default cover is the first image in that order whose
`folder/basename` matches gallery_cover_regex case-insensitively, else the first image
(pkg/image/query.go FindGalleryCover).
"""

from __future__ import annotations

import functools
import itertools
import random
from collections.abc import Callable

import pytest
from stash_sim import StashSimulator
from stash_sim.natural import natural_key, natural_less

ORDER_LIBRARY = {
    "galleries": [
        # '/' < letters: "…/q.zip" + "a.jpg" sorts after "…/q.zip/b" + "c.jpg" ('a' vs '/')
        {"zip": "/lib/q.zip", "images": ["a.jpg", "b/c.jpg"]},
        # digit runs join across the missing separator: 1/5 -> "15", 2/1 -> "21", 1/30 -> "130"
        {"zip": "/lib/n.zip", "images": ["1/30.jpg", "2/1.jpg", "1/5.jpg"]},
        # case-insensitive, numbers by value, "2" < "02", "_" after letters (ToUpper: 'B' < '_')
        {"folder": "/lib/nat", "images": ["img10.jpg", "img02.jpg", "IMG1.jpg", "img2.jpg", "a_b.jpg", "ab.jpg"]},
        # two names match the cover regex; the first match in natural order wins (not the
        # first image, not the first id): "a.jpg" < "a_cover.jpg" ('.' < '_') < "b_poster.jpg"
        {"folder": "/lib/covers", "images": ["b_poster.jpg", "a.jpg", "a_Cover.PNG"]},
        # a regex match late in the order still beats the first image
        {"folder": "/lib/late", "images": ["a.jpg", "b.jpg", "z_Poster.webp"]},
        # no match: the first image in natural order (not the first id)
        {"folder": "/lib/plain", "images": ["img10.jpg", "img9.jpg"]},
    ],
}

# (gallery id, base names in Stash's gallery image order, the default cover)
ORDERS = [
    pytest.param(
        1, ["b/c.jpg", "a.jpg"], "b/c.jpg", id="gallery_order_has_no_separator_subfolder_first[pkg/sqlite/image.go]"
    ),
    pytest.param(
        2,
        ["1/5.jpg", "2/1.jpg", "1/30.jpg"],
        "1/5.jpg",
        id="gallery_order_digit_runs_span_folder_and_name[pkg/sqlite/image.go]",
    ),
    pytest.param(
        3,
        ["ab.jpg", "a_b.jpg", "IMG1.jpg", "img2.jpg", "img02.jpg", "img10.jpg"],
        "ab.jpg",
        id="gallery_order_is_natural_case_insensitive[pkg/sqlite/driver.go]",
    ),
    pytest.param(
        4,
        ["a.jpg", "a_Cover.PNG", "b_poster.jpg"],
        "a_Cover.PNG",
        id="default_cover_first_regex_match_in_order[pkg/image/query.go]",
    ),
    pytest.param(
        5,
        ["a.jpg", "b.jpg", "z_Poster.webp"],
        "z_Poster.webp",
        id="default_cover_regex_match_beats_first_image[pkg/image/query.go]",
    ),
    pytest.param(
        6,
        ["img9.jpg", "img10.jpg"],
        "img9.jpg",
        id="default_cover_else_first_image_in_natural_order[pkg/image/query.go]",
    ),
]

GALLERY_IMAGES = """query($id: ID!) {
  findGallery(id: $id) { image_count cover { files { path } } }
  findImages(image_filter: {galleries: {value: [$id], modifier: INCLUDES}}, filter: {sort: "path", per_page: -1}) {
    images { id files { path } }
  }
}"""


@pytest.fixture
def order_sim(make_sim: Callable[..., StashSimulator]) -> StashSimulator:
    return make_sim(ORDER_LIBRARY)


def _relative(path: str) -> str:
    """The path inside /lib/<gallery>/ (or inside the zip)."""
    return path.split("/", 3)[3]


@pytest.mark.parametrize(("gallery_id", "names", "cover"), ORDERS)
def test_gallery_image_order_and_default_cover(
    order_sim: StashSimulator, gallery_id: int, names: list[str], cover: str
) -> None:
    data = order_sim.gql(GALLERY_IMAGES, {"id": str(gallery_id)})
    # findImages by gallery with sort "path" uses the same key as the gallery order
    found = [_relative(image["files"][0]["path"]) for image in data["findImages"]["images"]]
    assert found == names
    # Gallery.image(index) is 0-based over the gallery order
    by_index = [
        order_sim.gql(
            "query($id: ID!, $i: Int!) { findGallery(id: $id) { image(index: $i) { id } } }",
            {"id": str(gallery_id), "i": i},
        )["findGallery"]["image"]["id"]
        for i in range(data["findGallery"]["image_count"])
    ]
    assert by_index == [image["id"] for image in data["findImages"]["images"]]
    assert _relative(data["findGallery"]["cover"]["files"][0]["path"]) == cover


def test_gallery_order_descending_reverses(order_sim: StashSimulator) -> None:
    data = order_sim.gql(
        '{ findImages(image_filter: {galleries: {value: ["3"], modifier: INCLUDES}},'
        ' filter: {sort: "path", direction: DESC, per_page: -1}) { images { files { basename } } } }'
    )
    assert [i["files"][0]["basename"] for i in data["findImages"]["images"]] == [
        "img10.jpg",
        "img02.jpg",
        "img2.jpg",
        "IMG1.jpg",
        "a_b.jpg",
        "ab.jpg",
    ]


def test_cover_regex_is_configurable(order_sim: StashSimulator) -> None:
    """gallery_cover_regex is Stash's setting; with another regex the default pick changes."""
    order_sim.config.gallery_cover_regex = r"^.*/b\.jpg$"
    data = order_sim.gql("{ findGallery(id: 5) { cover { files { basename } } } }")
    assert data["findGallery"]["cover"]["files"][0]["basename"] == "b.jpg"


# -- NATURAL_CI itself (sortorder casefolded.NaturalLess) --------------------------------------
NATURAL_PAIRS = [
    pytest.param("img2", "img10", id="natural_digit_runs_compare_as_numbers"),
    pytest.param("2", "02", id="natural_fewer_leading_zeros_first"),
    pytest.param("0", "00", id="natural_zero_before_double_zero"),
    pytest.param("abc", "ABD", id="natural_case_insensitive"),
    pytest.param("ab", "a_b", id="natural_underscore_after_letters"),
    pytest.param("a/b", "ab", id="natural_slash_before_letters"),
    pytest.param("a b", "a-b", id="natural_space_before_dash"),
    pytest.param("a9", "aa", id="natural_digit_before_letter"),
    pytest.param("abc", "abc1", id="natural_prefix_first"),
    pytest.param("e1", "é0", id="natural_non_ascii_by_folded_code_point"),
]


@pytest.mark.parametrize(("smaller", "larger"), NATURAL_PAIRS)
def test_natural_ci_pairs(smaller: str, larger: str) -> None:
    assert natural_less(smaller, larger) and not natural_less(larger, smaller)
    assert natural_key(smaller) < natural_key(larger)


def test_natural_key_orders_like_natural_less() -> None:
    """The byte key the database sorts by agrees with the rule, on random path-like strings."""
    rng = random.Random(2026)
    alphabet = "aAbB0123456789 _-./éÉ"
    words = ["".join(rng.choice(alphabet) for _ in range(rng.randint(0, 8))) for _ in range(600)]
    by_key = sorted(words, key=natural_key)
    by_rule = sorted(
        words, key=functools.cmp_to_key(lambda a, b: -1 if natural_less(a, b) else (1 if natural_less(b, a) else 0))
    )
    assert [natural_key(w) for w in by_key] == [natural_key(w) for w in by_rule]
    assert all(not natural_less(b, a) for a, b in itertools.pairwise(by_key))
