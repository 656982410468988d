"""The pure plans on Windows paths and with user patterns that run too long."""

from __future__ import annotations

import pytest
from test_wf_plan_chapters import folder_chapters
from wf_support import gallery, image

from gallery_ops.common.skips import SKIP_ONE_FOLDER
from gallery_ops.tasks.chapters import plan_chapters
from gallery_ops.tasks.covers import parse_cover_rule, plan_set_cover
from gallery_ops.tasks.titles import parse_title_pattern, plan_title

EVIL = "a" * 60 + "!"


def fields(plan):
    (change,) = plan.changes
    return dict(change.fields)


@pytest.mark.parametrize(
    "zip_path",
    [
        "C:\\Galleries\\Summer_Trip.2022.zip",
        "\\\\nas\\share\\Galleries\\Summer_Trip.2022.zip",
        "/library/Summer_Trip.2022.zip",
    ],
)
def test_a_zip_title_on_every_host(zip_path):
    assert fields(plan_title(gallery(zip=zip_path), None)) == {"title": "Summer Trip 2022"}


@pytest.mark.parametrize("folder", ["C:\\Galleries\\Beach_2021", "C:\\Galleries\\Beach_2021\\", "D:/Beach_2021"])
def test_a_folder_title_on_windows(folder):
    assert fields(plan_title(gallery(folder=folder), None)) == {"title": "Beach 2021"}


def test_a_title_pattern_on_a_windows_name():
    pattern = parse_title_pattern(r"^(?P<title>.+?) \[(?P<date>[\d-]+)\]$")
    assert fields(plan_title(gallery(zip="C:\\Z\\Trip [2022-08-01].zip"), pattern)) == {
        "title": "Trip",
        "date": "2022-08-01",
    }


def test_a_title_pattern_that_runs_too_long_fails_that_gallery_only():
    pattern = parse_title_pattern(r"^(?P<title>(a|aa)+)$")
    plan = plan_title(gallery(folder=f"/p/{EVIL}"), pattern)
    assert plan.changes == [] and plan.error is not None and "title pattern" in plan.error
    assert fields(plan_title(gallery(folder="/p/aaaa"), pattern)) == {"title": "aaaa"}


def test_chapters_from_windows_folders_inside_a_zip():
    zip_path = "C:\\Sets\\Trip.zip"
    paths = [
        f"{zip_path}\\Day 1\\001.jpg",
        f"{zip_path}\\Day 1\\002.jpg",
        f"{zip_path}/Day 2/001.jpg",
        f"{zip_path}\\Day 2\\Late\\001.jpg",
        f"{zip_path}\\cover.jpg",
    ]
    assert [(c.title, c.image_index) for c in folder_chapters(paths)] == [
        ("Day 1", 1),
        ("Day 2", 3),
        ("Day 2/Late", 4),
        ("Trip", 5),
    ]


def test_a_windows_zip_with_one_folder_has_no_chapters():
    images = [image(1, "C:\\Sets\\Trip.zip\\001.jpg"), image(2, "C:\\Sets\\Trip.zip/002.jpg")]
    assert plan_chapters(gallery(zip="C:\\Sets\\Trip.zip"), images).skipped == SKIP_ONE_FOLDER


def test_chapters_of_a_collection_across_a_drive_and_a_share():
    paths = ["C:\\Photos\\Beach\\1.jpg", "\\\\nas\\share\\Photos\\Beach\\1.jpg"]
    assert [c.title for c in folder_chapters(paths)] == ["C:\\Photos/Beach", "\\\\nas\\share\\Photos/Beach"]


def test_cover_rule_patterns_match_windows_base_names():
    folder = "C:\\Photos\\Trip"
    images = [image(1, f"{folder}\\a.jpg"), image(2, f"{folder}\\b_main.jpg")]
    plan = plan_set_cover(gallery(folder=folder, cover="1"), images, parse_cover_rule("pattern:^b_"), "1")
    assert [c.image_id for c in plan.changes] == ["2"]


def test_a_cover_pattern_that_runs_too_long_fails_that_gallery():
    images = [image(1, f"/p/{EVIL}.jpg"), image(2, "/p/b.jpg")]
    plan = plan_set_cover(gallery(folder="/p", cover="1"), images, parse_cover_rule("pattern:^(a|aa)+$"), "1")
    assert plan.changes == [] and "cover rule pattern" in (plan.error or "")
