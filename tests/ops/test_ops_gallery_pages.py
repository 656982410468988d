"""GalleryOps.gallery_image_pages: one gallery's images in Stash's gallery order, a page per request
(a task holds one page of a big gallery at a time)."""

from __future__ import annotations

import pytest
from graphql import parse, validate
from stash_sim import StashSimulator
from stash_sim.schema import RELEASES, stash_schema

from gallery_ops import GalleryOps
from gallery_ops.stash import documents, selections as fields
from gallery_ops.stash.operations import ImagesChangedWhileRead

# Natural order, case-insensitive (docs/stash.md §4): img2 before img10, "B" between "a" and "c".
NAMES = [f"img{n}.jpg" for n in range(1, 24)] + ["a.jpg", "B.jpg", "c.jpg"]
LIBRARY = {
    "galleries": [
        {"folder": "/p/set", "images": NAMES},
        {"folder": "/p/empty", "images": []},
        {"title": "Picks", "images": [f"/p/loose/{n}.jpg" for n in range(12)]},
    ],
    "images": ["/p/loose/x.jpg"],
}


def gallery_ids(sim: StashSimulator) -> dict[str, str]:
    found = sim.gql('{ findGalleries(filter: {per_page: -1, sort: "id"}) { galleries { id title folder { path } } } }')
    return {(g["folder"] or {}).get("path") or g["title"]: g["id"] for g in found["findGalleries"]["galleries"]}


def test_pages_follow_stash_gallery_order_one_request_each_and_stop_at_the_count():
    with StashSimulator(library=LIBRARY) as sim:
        ops = GalleryOps.from_server_connection(sim.server_connection())
        set_id = gallery_ids(sim)["/p/set"]
        expected = sim.gql(
            f'{{ findImages(image_filter: {{galleries: {{value: ["{set_id}"], modifier: INCLUDES}}}},'
            ' filter: {per_page: -1, sort: "path", direction: ASC}) { images { id } } }'
        )
        sim.requests.clear()
        pages = list(ops.gallery_image_pages(set_id, fields.IMAGE_PATH, page_size=10))
        assert [len(p) for p in pages] == [10, 10, 6]
        assert [i.id for p in pages for i in p] == [i["id"] for i in expected["findImages"]["images"]]
        assert pages[0][0].path == "/p/set/a.jpg" and pages[0][3].path == "/p/set/img1.jpg"
        assert len(sim.requests.records) == 3
        sim.requests.clear()  # a last full page: the count ends the walk, no empty page is asked for
        assert [len(p) for p in ops.gallery_image_pages(set_id, fields.IMAGE_PATH, page_size=13)] == [13, 13]
        assert len(sim.requests.records) == 2


def test_a_gallery_without_images_yields_nothing_and_a_bad_page_size_is_refused():
    with StashSimulator(library=LIBRARY) as sim:
        ops = GalleryOps.from_server_connection(sim.server_connection())
        assert list(ops.gallery_image_pages(gallery_ids(sim)["/p/empty"], fields.IMAGE_PATH)) == []
        with pytest.raises(ValueError, match="page_size"):
            list(ops.gallery_image_pages("1", fields.IMAGE_PATH, page_size=0))


def test_images_added_between_pages_raise_instead_of_shifted_pages():
    with StashSimulator(library=LIBRARY) as sim:
        ops = GalleryOps.from_server_connection(sim.server_connection())
        picks = gallery_ids(sim)["Picks"]
        extra = sim.gql(
            '{ findImages(image_filter: {path: {value: "/p/loose/x.jpg", modifier: EQUALS}}) { images { id } } }'
        )["findImages"]["images"][0]["id"]
        pages = ops.gallery_image_pages(picks, fields.IMAGE_PATH, page_size=5)
        assert len(next(pages)) == 5
        sim.gql(f'mutation {{ addGalleryImages(input: {{gallery_id: "{picks}", image_ids: ["{extra}"]}}) }}')
        with pytest.raises(ImagesChangedWhileRead, match="12 then 13"):
            next(pages)


@pytest.mark.parametrize("release", sorted(RELEASES))
@pytest.mark.parametrize(
    "selection",
    [fields.IMAGE_PATH, fields.IMAGE_PATH_SIZE, fields.IMAGE_SYNC, fields.IMAGE_REFS, fields.IMAGE_CHECKSUM],
)
def test_the_page_document_validates_on_every_release(release, selection):
    """No fixture has a gallery big enough to send it (tests/sim/test_sim_plugin_documents.py), so here."""
    assert validate(stash_schema(release), parse(documents.gallery_image_page(selection))) == []
