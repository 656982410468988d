"""An operation that writes says in Stash's log, at Info, what it did, naming what it touched
(Stash logs a plugin's output at debug level only: docs/stash.md §2)."""

from __future__ import annotations

import pytest
from stash_sim import StashSimulator

CASES = [
    (
        {"operation": "set_gallery_cover", "gallery_id": "5", "cover_image_id": "16"},
        'set the cover of gallery "Best of 2021" [5] to image "sunset.jpg" [16]',
    ),
    (
        {
            "operation": "bulk_gallery_update",
            "input_data": {"ids": ["1", "3"], "tag_ids": {"ids": ["4"], "mode": "ADD"}},
        },
        'updated galleries "Beach 2021" [1], "Summer Trip [2022-08-01].zip" [3]: add tag "Archive" [4]',
    ),
    ({"operation": "gallery_destroy", "ids": ["6"]}, 'deleted gallery "Empty Collection" [6] (files kept)'),
    (
        {"operation": "update_gallery", "gallery": {"id": "4", "title": "City Walk", "studio": {"id": "2"}}},
        'updated gallery "City Walk" [4]: set title "City Walk", studio "Northwind Press" [2]',
    ),
    (
        {"operation": "update_gallery_images", "gallery_id": "6", "image_ids": ["16"], "mode": "ADD"},
        'added 1 image ("sunset.jpg" [16]) to gallery "Empty Collection" [6]',
    ),
    (
        {"operation": "gallery_chapter_create", "gallery_id": "5", "title": "Dusk", "image_index": 3},
        'created chapter "Dusk" [2] at image 3 in gallery "Best of 2021" [5]',
    ),
]


@pytest.mark.parametrize(("args", "line"), CASES, ids=[args["operation"] for args, _ in CASES])
def test_a_writing_operation_says_what_it_did_by_name(plugin_sim: StashSimulator, args, line) -> None:
    result = plugin_sim.run_operation(args)
    assert result.error is None, result.log_text
    assert result.messages("info") == [line]


def test_a_reading_operation_logs_nothing_at_info(plugin_sim: StashSimulator) -> None:
    result = plugin_sim.run_operation({"operation": "find_gallery", "id": "3"})
    assert result.error is None and result.messages("info") == []
