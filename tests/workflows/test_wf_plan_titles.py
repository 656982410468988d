"""title_from_path, the pure plan: names, cleaning, the pattern, titles a person set."""

from __future__ import annotations

import pytest
from wf_support import TITLE_PATTERN, gallery

from gallery_ops.common.args import ArgError
from gallery_ops.common.skips import SKIP_EMPTY_NAME, SKIP_NO_PATH
from gallery_ops.tasks.changes import SetGalleryFields
from gallery_ops.tasks.titles import clean_name, parse_title_pattern, plan_title


def fields(plan) -> dict | None:
    """The fields the plan sets (None: no change)."""
    if not plan.changes:
        return None
    (change,) = plan.changes
    assert isinstance(change, SetGalleryFields)
    return dict(change.fields)


@pytest.mark.parametrize(
    "name, cleaned",
    [
        ("Summer_Trip.2022", "Summer Trip 2022"),
        ("  a__b..c  ", "a b c"),
        ("city_walk-2020", "city walk-2020"),
        ("- dashes -", "dashes"),
        ("Beach 2021", "Beach 2021"),
    ],
)
def test_clean_name_turns_separators_into_single_spaces(name, cleaned):
    assert clean_name(name) == cleaned


def test_a_zip_title_drops_the_extension():
    assert fields(plan_title(gallery(zip="/lib/zips/Summer_Trip.2022.zip"), None)) == {"title": "Summer Trip 2022"}


def test_a_folder_title_keeps_what_looks_like_an_extension():
    # only zips have an extension to drop: "Album.v2" is the folder's whole name
    assert fields(plan_title(gallery(folder="/lib/photos/Album.v2"), None)) == {"title": "Album v2"}
    assert fields(plan_title(gallery(zip="/lib/zips/Album.v2.zip"), None)) == {"title": "Album v2"}
    assert fields(plan_title(gallery(folder="/lib/photos/Beach 2021/"), None)) == {"title": "Beach 2021"}


@pytest.mark.parametrize("title", ["Mine", " x "])
def test_a_title_a_person_set_is_never_overwritten(title):
    plan = plan_title(gallery(zip="/lib/zips/Other.zip", title=title), parse_title_pattern(TITLE_PATTERN))
    assert plan.changes == []
    assert plan.status == "unchanged"


def test_an_empty_or_blank_title_counts_as_no_title():
    for title in ("", "   ", None):
        assert fields(plan_title(gallery(folder="/p/Set_1", title=title), None)) == {"title": "Set 1"}


def test_user_created_galleries_and_names_without_text_are_skipped():
    assert plan_title(gallery(), None).skipped == SKIP_NO_PATH
    plan = plan_title(gallery(zip="/lib/zips/__.zip"), None)
    assert (plan.skipped, plan.changes) == (SKIP_EMPTY_NAME, [])


def test_pattern_groups_fill_title_and_date():
    g = gallery(zip="/lib/zips/Summer_Trip [2022-08-01].zip")
    assert fields(plan_title(g, parse_title_pattern(TITLE_PATTERN))) == {"title": "Summer Trip", "date": "2022-08-01"}


def test_pattern_fills_date_and_code_only_when_the_gallery_has_none():
    pattern = parse_title_pattern(r"^(?P<code>[A-Z]+-\d+) (?P<title>.+?) (?P<date>\d{4}(-\d{2})?)$")
    name = "/lib/zips/ABC-123 Beach Day 2021-07.zip"
    assert fields(plan_title(gallery(zip=name), pattern)) == {
        "title": "Beach Day",
        "code": "ABC-123",
        "date": "2021-07",
    }
    assert fields(plan_title(gallery(zip=name, date="2020-01-01", code="X-1"), pattern)) == {"title": "Beach Day"}


def test_a_pattern_that_does_not_match_falls_back_to_the_cleaned_name():
    g = gallery(folder="/lib/photos/no_date_here")
    assert fields(plan_title(g, parse_title_pattern(TITLE_PATTERN))) == {"title": "no date here"}


def test_a_date_group_that_is_not_a_stash_date_is_not_sent():
    pattern = parse_title_pattern(r"^(?P<title>.+) (?P<date>\S+)$")
    assert fields(plan_title(gallery(folder="/p/Trip 01.05.2023"), pattern)) == {"title": "Trip"}


@pytest.mark.parametrize("date", ["2023-13-45", "2023-02-29", "2023-00", "2022-1-5", "2022-01-5", "22-01-05"])
def test_a_date_of_the_right_shape_that_is_no_calendar_date_is_not_sent(date):
    """Stash would refuse the whole update (converting date: failed to parse date), title included."""
    assert fields(
        plan_title(gallery(folder=f"/p/Trip [{date}]"), parse_title_pattern(r"^(?P<title>.+?) \[(?P<date>[\d-]+)\]$"))
    ) == {"title": "Trip"}


def test_year_zero_is_a_date_for_stash_and_is_sent():
    """Go's layout 2006 takes any four digits, 0000 too (pkg/models/date.go ParseDate)."""
    assert fields(
        plan_title(gallery(folder="/p/Trip [0000]"), parse_title_pattern(r"^(?P<title>.+?) \[(?P<date>[\d-]+)\]$"))
    ) == {"title": "Trip", "date": "0000"}


def test_a_title_group_that_is_empty_falls_back_to_the_name():
    pattern = parse_title_pattern(r"^(?P<title>x*)(?P<date>\d{4})")
    assert fields(plan_title(gallery(folder="/p/2019_Rome"), pattern)) == {"title": "2019 Rome", "date": "2019"}


@pytest.mark.parametrize("text", ["(", "^(?P<other>.+)$", "^plain$"])
def test_a_bad_pattern_is_refused(text):
    with pytest.raises(ArgError, match="title pattern"):
        parse_title_pattern(text)


def test_an_empty_pattern_means_none():
    assert parse_title_pattern("  ") is None
