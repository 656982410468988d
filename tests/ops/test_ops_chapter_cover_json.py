"""A chapter's and a cover's input written without a record (ChapterCreateInput.json_of,
SetCoverInput.json_of): byte for byte what the checked record writes (as_json), and refused, with
the record's own error, where the record refuses. Chapters from folders writes one per chapter and
Set covers one per gallery, so they skip the record; what Stash is sent must not change."""

from __future__ import annotations

import json
from typing import Any

import pytest
from stash_sim import StashSimulator
from stash_sim.library import generate_library

from gallery_ops import GalleryOps
from gallery_ops.stash.models import ChapterCreateInput, InputJson, SetCoverInput
from gallery_ops.stash.record import RecordError
from gallery_ops.tasks.changes import CreateChapter, SetCover

CHAPTERS: list[tuple[Any, Any, Any]] = [
    ("1", "Day 1", 1),
    (7, "  Day 2/Morning ", 12),  # an int id; a title trimmed as Stash trims it
    (" 8 ", 'Zoë "Z" \\ Ång\n\u2028\U0001f600', 3),  # an id with spaces; what JSON escapes
    ("12", "x" * 300, 10_000),
    ("0", "1", 1),
    # refused: not an id, no title, not 1-based, not an integer
    ("x", "Day 1", 1),
    ("-3", "Day 1", 1),
    (-3, "Day 1", 1),
    (True, "Day 1", 1),
    ("1", "   ", 1),
    ("1", None, 1),
    ("1", 5, 1),
    ("1", "Day 1", 0),
    ("1", "Day 1", True),
    ("1", "Day 1", "2"),
    ("1", "Day 1", 2.0),
]

COVERS: list[tuple[Any, Any]] = [("1", "2"), (3, 40), (" 5 ", "6"), ("1", "x"), (None, "2"), ("1", False), ("1", -1)]


def _same(made: Any, checked: Any) -> None:
    """Both gave the same text, or both refused with the same error."""
    try:
        expected = checked()
    except RecordError as refused:
        with pytest.raises(RecordError) as raised:
            made()
        assert str(raised.value) == str(refused)
        return
    text = made()
    assert isinstance(text, InputJson) and text.model is expected.model
    assert text.text == expected.text


@pytest.mark.parametrize(("gallery_id", "title", "image_index"), CHAPTERS)
def test_a_chapter_s_text_is_its_checked_record_s(gallery_id: Any, title: Any, image_index: Any) -> None:
    _same(
        lambda: ChapterCreateInput.json_of(gallery_id, title, image_index),
        lambda: ChapterCreateInput(gallery_id=gallery_id, title=title, image_index=image_index).as_json(),
    )


@pytest.mark.parametrize(("gallery_id", "image_id"), COVERS)
def test_a_cover_s_text_is_its_checked_record_s(gallery_id: Any, image_id: Any) -> None:
    _same(
        lambda: SetCoverInput.json_of(gallery_id, image_id),
        lambda: SetCoverInput(gallery_id=gallery_id, cover_image_id=image_id).as_json(),
    )


def test_the_changes_write_those_texts() -> None:
    chapter = CreateChapter("4", " Day 1", 2).to_input()
    assert json.loads(chapter.text) == {"gallery_id": "4", "title": "Day 1", "image_index": 2}
    assert SetCover("4", "9", None).to_input().text == b'{"gallery_id": "4", "cover_image_id": "9"}'


def test_the_batches_take_texts_records_dicts_and_pairs_alike() -> None:
    """create_chapters and set_covers send the same requests for an input however it is given."""
    sent: list[list[tuple[str | None, str, Any]]] = []
    for given in ("text", "record", "plain"):
        with StashSimulator(library=generate_library(3, 2)) as sim:
            ops = GalleryOps.from_server_connection(sim.server_connection())
            covers = [("1", "2"), ("2", "4")]
            chapters = [("1", "Day 1", 1), ("2", "Day 2", 2)]
            before = len(sim.requests)
            if given == "text":
                ops.create_chapters([ChapterCreateInput.json_of(*c) for c in chapters])
                ops.set_covers([SetCoverInput.json_of(*c) for c in covers])
            elif given == "record":
                ops.create_chapters([ChapterCreateInput(gallery_id=g, title=t, image_index=i) for g, t, i in chapters])
                ops.set_covers([SetCoverInput(gallery_id=g, cover_image_id=i) for g, i in covers])
            else:
                ops.create_chapters([{"gallery_id": g, "title": t, "image_index": i} for g, t, i in chapters])
                ops.set_covers(covers)
            sent.append([(r.operation_name, r.query, r.variables) for r in sim.requests.records[before:]])
    assert sent[0] == sent[1] == sent[2]
    assert len(sent[0]) == 2
