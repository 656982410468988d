"""Chapter anchors, the pure part: encoding, finding an anchor's image, and plan_anchors (no server)."""

from __future__ import annotations

import json

import pytest

from gallery_ops.stash.models import FileRef, Gallery, GalleryChapter, Image
from gallery_ops.tasks.anchors import (
    ANCHOR_PREFIX,
    Anchor,
    AnchorFold,
    anchor_field,
    anchors_of,
    plan_anchors,
)

ZIP = "/lib/Trip.zip"


def img(n: int, name: str, md5: str | None = None) -> Image:
    return Image(id=str(n), visual_files=[FileRef(path=f"{ZIP}/{name}", fingerprint=md5 or f"md5-{name}")])


def names(*items: str) -> list[Image]:
    return [img(n, name) for n, name in enumerate(items, start=1)]


def gallery(chapters: list[tuple[str, str, int]], anchors: dict[str, Anchor | str] | None = None) -> Gallery:
    fields = {anchor_field(cid): (a.encode() if isinstance(a, Anchor) else a) for cid, a in (anchors or {}).items()}
    fields["Series"] = "Coast"  # a field of a person's: never touched
    return Gallery(
        id="9",
        chapters=[GalleryChapter(id=cid, title=title, image_index=index) for cid, title, index in chapters],
        custom_fields=fields,
    )


def at(index: int, name: str, md5: str | None = None) -> Anchor:
    return Anchor(index, f"{ZIP}/{name}", md5 or f"md5-{name}")


def fold_of(g: Gallery, images: list[Image]) -> AnchorFold:
    fold = AnchorFold(g)
    fold.add(images[:2])  # as a big gallery's pages arrive
    fold.add(images[2:])
    return fold


def test_an_anchor_is_json_text_in_one_field_per_chapter() -> None:
    anchor = at(5, "Day 2/001.jpg")
    assert json.loads(anchor.encode()) == {"index": 5, "path": f"{ZIP}/Day 2/001.jpg", "md5": "md5-Day 2/001.jpg"}
    assert Anchor.decode(anchor.encode()) == anchor
    assert anchor_field("17") == ANCHOR_PREFIX + "17" == "gallery_tools.chapter.17"
    assert anchors_of({"gallery_tools.chapter.17": "x", "Series": "Coast"}) == {"17": "x"}


@pytest.mark.parametrize(
    "value",
    [
        1,
        "not json",
        "[]",
        '{"index": 0, "path": "a"}',
        '{"index": true, "md5": "a"}',
        '{"index": 2}',
        '{"index": 2, "path": 5}',
    ],
)
def test_a_value_that_is_not_an_anchor_decodes_to_none(value: object) -> None:
    assert Anchor.decode(value) is None


def test_first_run_records_every_chapter_where_it_is() -> None:
    g = gallery([("1", "Day 1", 1), ("2", "Day 2", 3)])
    repair = plan_anchors(g, fold_of(g, names("a.jpg", "b.jpg", "c.jpg")))
    assert repair.moves == [] and repair.remove == [] and repair.recorded == 2
    assert {k: Anchor.decode(v) for k, v in repair.write.items()} == {
        anchor_field("1"): at(1, "a.jpg"),
        anchor_field("2"): at(3, "c.jpg"),
    }


def test_chapters_on_their_images_need_nothing() -> None:
    g = gallery([("1", "Day 1", 1), ("2", "Day 2", 3)], {"1": at(1, "a.jpg"), "2": at(3, "c.jpg")})
    repair = plan_anchors(g, fold_of(g, names("a.jpg", "b.jpg", "c.jpg")))
    assert (repair.moves, repair.write, repair.remove, repair.lost, repair.kept) == ([], {}, [], [], [])


def test_two_images_added_in_front_move_every_chapter_back_on_its_image() -> None:
    g = gallery([("1", "Day 1", 1), ("2", "Day 2", 3)], {"1": at(1, "a.jpg"), "2": at(3, "c.jpg")})
    images = names("0a.jpg", "0b.jpg", "a.jpg", "b.jpg", "c.jpg")
    repair = plan_anchors(g, fold_of(g, images))
    assert repair.moves == [("1", "Day 1", 3, 1), ("2", "Day 2", 5, 3)]
    assert {k: Anchor.decode(v) for k, v in repair.write.items()} == {
        anchor_field("1"): at(3, "a.jpg"),
        anchor_field("2"): at(5, "c.jpg"),
    }


def test_a_chapter_whose_image_is_gone_is_left_and_reported_and_keeps_its_anchor() -> None:
    g = gallery(
        [("1", "Day 1", 1), ("2", "Day 2", 3), ("3", "Day 3", 4)],
        {"1": at(1, "a.jpg"), "2": at(3, "c.jpg"), "3": at(4, "d.jpg")},
    )
    repair = plan_anchors(g, fold_of(g, names("a.jpg", "b.jpg", "d.jpg")))  # c.jpg removed
    assert repair.moves == [("3", "Day 3", 3, 4)]
    assert len(repair.lost) == 1 and '"Day 2"' in repair.lost[0] and "c.jpg" in repair.lost[0]
    assert anchor_field("2") not in repair.write and anchor_field("2") not in repair.remove


def test_a_chapter_a_person_moved_is_kept_and_its_anchor_recorded_anew() -> None:
    g = gallery([("1", "Day 1", 2)], {"1": at(1, "a.jpg")})  # recorded at 1, a person put it at 2
    repair = plan_anchors(g, fold_of(g, names("a.jpg", "b.jpg")))
    assert repair.moves == []
    assert repair.kept == ["Day 1"]
    assert Anchor.decode(repair.write[anchor_field("1")]) == at(2, "b.jpg")
    g2 = gallery([("1", "Day 1", 3)], {"1": at(1, "a.jpg")})  # and an image came in front meanwhile
    repair = plan_anchors(g2, fold_of(g2, names("0.jpg", "a.jpg", "b.jpg")))
    assert repair.moves == [] and repair.kept == ["Day 1"]
    assert Anchor.decode(repair.write[anchor_field("1")]) == at(3, "b.jpg")


def test_a_move_whose_anchor_was_not_written_yet_is_only_recorded() -> None:
    """A run stopped between moving a chapter and writing its anchor: the chapter is on its image."""
    g = gallery([("1", "Day 1", 3)], {"1": at(1, "a.jpg")})
    repair = plan_anchors(g, fold_of(g, names("0a.jpg", "0b.jpg", "a.jpg")))
    assert repair.moves == [] and repair.kept == []
    assert Anchor.decode(repair.write[anchor_field("1")]) == at(3, "a.jpg")


def test_an_image_found_by_its_checksum_after_a_rename_and_copies_by_the_nearest() -> None:
    g = gallery([("1", "One", 2)], {"1": at(2, "b.jpg", md5="B")})
    images = [img(1, "x.jpg"), img(2, "y.jpg"), img(3, "renamed.jpg", md5="B")]
    repair = plan_anchors(g, fold_of(g, images))
    assert repair.moves == [("1", "One", 3, 2)]
    assert Anchor.decode(repair.write[anchor_field("1")]) == Anchor(3, f"{ZIP}/renamed.jpg", "B")
    blank = gallery([("1", "Blank", 4)], {"1": at(4, "blank2.jpg", md5="W")})
    copies = [
        img(1, "blank1.jpg", md5="W"),
        img(2, "p.jpg"),
        img(3, "q.jpg"),
        img(4, "r.jpg"),
        img(5, "blank2.jpg", md5="W"),
        img(6, "blank3.jpg", md5="W"),
    ]
    assert plan_anchors(blank, fold_of(blank, copies)).moves == [("1", "Blank", 5, 4)]  # same path and md5


def test_anchors_of_deleted_chapters_are_removed_and_other_fields_untouched() -> None:
    g = gallery([("1", "Day 1", 1)], {"1": at(1, "a.jpg"), "7": at(2, "b.jpg")})
    repair = plan_anchors(g, fold_of(g, names("a.jpg", "b.jpg")))
    assert repair.remove == [anchor_field("7")]
    assert all(k.startswith(ANCHOR_PREFIX) for k in [*repair.write, *repair.remove])


def test_a_chapter_past_the_last_image_is_reported_not_recorded() -> None:
    g = gallery([("1", "Late", 9)])
    repair = plan_anchors(g, fold_of(g, names("a.jpg", "b.jpg")))
    assert repair.write == {} and len(repair.lost) == 1 and "past the last image" in repair.lost[0]


def test_a_broken_anchor_value_is_recorded_anew() -> None:
    g = gallery([("1", "Day 1", 2)], {"1": "edited by hand"})
    repair = plan_anchors(g, fold_of(g, names("a.jpg", "b.jpg")))
    assert Anchor.decode(repair.write[anchor_field("1")]) == at(2, "b.jpg")


def test_the_fold_keeps_only_what_the_anchors_and_chapters_need() -> None:
    g = gallery([("1", "Day 1", 2)], {"1": at(2, "b.jpg")})
    fold = fold_of(g, names(*(f"{n}.jpg" for n in range(1, 500)), "b.jpg"))
    assert fold.count == 500
    assert set(fold.at) == {2, 500}
