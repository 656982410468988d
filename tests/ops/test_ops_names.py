"""Names for ids (GalleryOps.names, stash/names.py), the digest of a run's reads, and the
candidates for duplicates of one gallery: what the gallery page's previews read."""

from __future__ import annotations

from stash_sim import StashSimulator

from gallery_ops import GalleryOps
from gallery_ops.stash.names import NameRequest


def test_names_of_every_kind_in_one_request_and_nothing_for_ids_that_name_nothing(
    sim: StashSimulator, ops: GalleryOps
) -> None:
    sim.requests.clear()
    found = ops.names(
        NameRequest(
            tags={"1", "999"},
            performers={"2"},
            studios={"1"},
            scenes={"2"},
            galleries={"3", "998"},
            images={"1"},
            positions={("3", 3), ("3", 99)},
        )
    )
    assert len(sim.requests) == 1  # one request, whatever the kinds
    assert (
        found.tags == {"1": "Beach"} and found.performers == {"2": "Bo Lind"} and found.studios == {"1": "Lumen Studio"}
    )
    assert found.scenes["2"].title == "City Walk"
    assert list(found.galleries) == ["3"] and found.galleries["3"].path.endswith("Summer Trip [2022-08-01].zip")
    assert found.images["1"].path == "/library/photos/Beach 2021/IMG_0001.jpg"
    assert list(found.at_position) == [("3", 3)]  # place 3 of gallery 3: Day 2's first image
    assert found.at_position[("3", 3)].path.endswith("Day 2/001.jpg")


def test_an_empty_request_sends_nothing(sim: StashSimulator, ops: GalleryOps) -> None:
    sim.requests.clear()
    assert ops.names(NameRequest()).galleries == {}
    assert len(sim.requests) == 0


def test_the_digest_of_reads_is_the_same_for_the_same_answers_and_skips_a_failed_attempt(
    sim: StashSimulator, ops: GalleryOps
) -> None:
    def digest() -> str:
        ops.record_reads()
        ops.find_gallery("3")
        ops.gallery_image_ids("3")
        return ops.reads_digest()

    first = digest()
    ops.set_gallery_cover("4", ops.gallery_image_ids("4")[1])  # a write, of nothing these reads see
    assert digest() == first
    sim.faults.add("http_503", count=1)  # the first read fails once and is retried
    assert digest() == first  # a retried read counts once: the same answers, the same digest
    sim.gql('mutation { galleryUpdate(input: { id: "3", title: "Changed" }) { id } }')
    assert digest() != first


def test_duplicate_candidates_by_zip_and_by_image_checksums(sim: StashSimulator, ops: GalleryOps) -> None:
    # the Portraits folder: the zip of the same images, and the hand-made gallery holding its first image
    # (candidates only: merge_duplicate_galleries compares whole sets)
    assert ops.duplicate_candidates("2") == ["5", "7"]
    assert ops.duplicate_candidates("7") == ["2", "5"]
    assert ops.duplicate_candidates("4") == []
    assert ops.duplicate_candidates("999") == []
