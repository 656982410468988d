"""set_covers / reset_covers, the pure plan: the cover rule, Stash's default pick, chosen covers."""

from __future__ import annotations

import re

import pytest
from wf_support import gallery, image

from gallery_ops.common.args import ArgError
from gallery_ops.common.constants import STASH_DEFAULT_COVER_REGEX
from gallery_ops.common.settings import DEFAULT_COVER_RULE, Settings
from gallery_ops.common.skips import SKIP_CHOSEN, SKIP_NO_IMAGES, SKIP_RULE_PICKS_NONE, SKIP_UNKNOWN
from gallery_ops.tasks.changes import Expect, ResetCover, SetCover
from gallery_ops.tasks.covers import (
    UNKNOWN,
    CoverFold,
    default_pick_of,
    parse_cover_rule,
    plan_reset_cover,
    plan_set_cover,
)
from gallery_ops.tasks.workflow import Env

REGEX = STASH_DEFAULT_COVER_REGEX
DIR = "/lib/photos/Trip"


def stash_answer(images, regex: str):
    """Stash's default pick for these test images: Stash answers the question with Go's regexp
    (GalleryOps.cover_regex_matches, tested against the simulator in test_wf_covers_stash.py);
    for the plain regexes of these tests Python's re gives the same answer."""
    match = next((i.id for i in images if re.search(regex, i.path or "", re.IGNORECASE)), None)
    return match if match is not None else images[0].id if images else None


def pick(images, rule_text: str, cover: str | None = None, regex: str = REGEX):
    """The image id plan_set_cover sets (None: no change), and the plan."""
    g = gallery("4", folder=DIR, cover=cover if cover is not None else (images[0].id if images else None))
    plan = plan_set_cover(g, images, parse_cover_rule(rule_text), stash_answer(images, regex))
    assert len(plan.changes) <= 1
    return (plan.changes[0].image_id if plan.changes else None), plan


@pytest.mark.parametrize("cover", ["1", None])
def test_a_new_cover_relies_on_the_cover_as_read_in_the_form_the_re_read_compares(cover):
    """The SetCover's basis (checked right before the batch is sent, changes._unmoved) is what
    Expect.of finds on the gallery read: its cover's id, or None for a gallery without one."""
    images = [image("1", f"{DIR}/a.jpg"), image("2", f"{DIR}/b.jpg")]
    g = gallery("4", folder=DIR, cover=cover)
    plan = plan_set_cover(g, images, parse_cover_rule("position:2"), cover)
    (change,) = plan.changes
    assert change.image_id == "2"
    assert change.expects == Expect.of("gallery", g, ["cover"]) == (Expect("gallery", "4", "cover", cover),)


# -- the rule -------------------------------------------------------------------------------------
def test_the_default_rule_parses_into_a_pattern_then_portrait():
    steps = parse_cover_rule(DEFAULT_COVER_RULE)
    assert [s.kind for s in steps] == ["pattern", "portrait"]


@pytest.mark.parametrize(
    "text, kinds",
    [
        ("position:2", ["position"]),
        ("PORTRAIT ; position:1", ["portrait", "position"]),
        ("pattern:^front;;", ["pattern"]),
    ],
)
def test_rules_that_parse(text, kinds):
    assert [s.kind for s in parse_cover_rule(text)] == kinds


@pytest.mark.parametrize(
    "text", ["", " ; ", "landscape", "position:0", "position:x", "position", "pattern:", "pattern:([", "portrait:1"]
)
def test_rules_that_are_refused_with_a_message(text):
    with pytest.raises(ArgError, match="cover rule"):
        parse_cover_rule(text)


# -- Stash's default pick -------------------------------------------------------------------------
def test_stashs_pick_is_its_regex_match_else_the_first_image_and_unknown_when_not_asked():
    def env(matches):
        return Env(Settings.from_saved(None), REGEX, matches)

    assert default_pick_of(gallery(), "5", env({"1": "6"})) == "6"
    assert default_pick_of(gallery(), "5", env({"1": None})) == "5"
    assert default_pick_of(gallery(), None, env({"1": None})) is None
    assert default_pick_of(gallery(), "5", env({})) is UNKNOWN


def test_a_cover_whose_default_pick_is_unknown_is_left_alone():
    """Stash's answer is missing (its question failed): the cover may be someone's choice."""
    images = [image(1, f"{DIR}/a.jpg"), image(2, f"{DIR}/cover.jpg", 600, 900)]
    plan = plan_set_cover(gallery("4", folder=DIR, cover="1"), images, parse_cover_rule("portrait"), UNKNOWN)
    assert (plan.changes, plan.skipped) == ([], SKIP_UNKNOWN)
    reset = plan_reset_cover(gallery("4", folder=DIR, cover="2"), images, UNKNOWN)
    assert (reset.changes, reset.skipped) == ([], SKIP_UNKNOWN)


# -- set covers -----------------------------------------------------------------------------------
def test_a_chosen_cover_is_never_replaced():
    # the cover (3) is not what Stash would pick by itself (1): somebody chose it
    images = [image(1, f"{DIR}/a.jpg"), image(2, f"{DIR}/b.jpg", 600, 900), image(3, f"{DIR}/c.jpg")]
    chosen, plan = pick(images, "portrait", cover="3")
    assert chosen is None
    assert plan.skipped == SKIP_CHOSEN


def test_a_gallery_showing_the_default_pick_gets_the_rule_cover():
    images = [image(1, f"{DIR}/a.jpg"), image(2, f"{DIR}/b.jpg", 600, 900)]
    chosen, plan = pick(images, "portrait", cover="1")
    assert chosen == "2"
    assert plan.changes == [SetCover("4", "2", f"{DIR}/b.jpg")]


def test_the_rule_cover_equal_to_the_current_cover_plans_nothing():
    images = [image(1, f"{DIR}/a.jpg", 600, 900), image(2, f"{DIR}/b.jpg")]
    chosen, plan = pick(images, "portrait", cover="1")
    assert (chosen, plan.status) == (None, "unchanged")


def test_rule_steps_are_tried_in_order():
    images = [image(1, f"{DIR}/a.jpg"), image(2, f"{DIR}/tall.jpg", 600, 900), image(3, f"{DIR}/Front.jpg")]
    assert pick(images, r"pattern:^front\b; portrait")[0] == "3"
    assert pick(images, r"portrait; pattern:^front\b")[0] == "2"
    assert pick(images, r"pattern:^back\b; portrait")[0] == "2"  # the first step picks nothing
    assert pick(images, "position:9; position:3")[0] == "3"


def test_pattern_matches_the_file_name_only_and_ignores_case():
    images = [image(1, "/lib/cover shots/a.jpg"), image(2, "/lib/cover shots/b.jpg")]
    assert pick(images, "pattern:^cover")[0] is None  # the folder's name does not count
    images = [image(1, f"{DIR}/a.jpg"), image(2, f"{DIR}/COVER.JPG")]
    # COVER.JPG is also Stash's default pick, so the cover must not be it for a change to show
    assert pick(images, "pattern:^cover", regex="nothing-matches")[0] == "2"


def test_portrait_means_taller_than_wide():
    images = [image(1, f"{DIR}/a.jpg", 800, 800), image(2, f"{DIR}/b.jpg", 800, 801)]
    assert pick(images, "portrait")[0] == "2"


def test_position_is_one_based():
    images = [image(n, f"{DIR}/{n}.jpg") for n in (1, 2, 3)]
    assert pick(images, "position:2")[0] == "2"
    assert pick(images, "position:1", cover="1")[1].status == "unchanged"


def test_a_rule_that_picks_nothing_skips_the_gallery():
    images = [image(1, f"{DIR}/a.jpg"), image(2, f"{DIR}/b.jpg")]
    chosen, plan = pick(images, "portrait; position:3")
    assert chosen is None
    assert plan.skipped == SKIP_RULE_PICKS_NONE


def test_covers_are_only_images_of_the_gallery_and_no_images_means_skip():
    images = [image(7, f"{DIR}/a.jpg"), image(8, f"{DIR}/b.jpg", 500, 900)]
    chosen, _ = pick(images, "portrait; position:1")
    assert chosen in {"7", "8"}
    _, plan = pick([], "position:1")
    assert (plan.skipped, plan.changes) == (SKIP_NO_IMAGES, [])


def test_the_cover_regex_decides_what_counts_as_chosen():
    # folder.jpg is Stash's default pick with the default regex: a gallery showing it has no
    # chosen cover; with a regex that matches nothing, the default pick is the first image and
    # the same cover counts as chosen
    images = [image(1, f"{DIR}/a.jpg"), image(2, f"{DIR}/folder.jpg"), image(3, f"{DIR}/c.jpg", 600, 900)]
    assert pick(images, "portrait", cover="2")[0] == "3"
    assert pick(images, "portrait", cover="2", regex="^nothing$")[1].skipped == SKIP_CHOSEN


# -- reset covers ---------------------------------------------------------------------------------
def test_reset_takes_a_chosen_cover_away():
    images = [image(1, f"{DIR}/a.jpg"), image(2, f"{DIR}/b.jpg")]
    plan = plan_reset_cover(gallery("4", cover="2"), images, stash_answer(images, REGEX))
    assert plan.changes == [ResetCover("4", "2", f"{DIR}/b.jpg")]  # the path, for the log line


def test_reset_leaves_a_gallery_showing_the_default_pick_alone():
    images = [image(1, f"{DIR}/a.jpg"), image(2, f"{DIR}/cover.jpg")]
    assert plan_reset_cover(gallery("4", cover="2"), images, stash_answer(images, REGEX)).changes == []
    assert plan_reset_cover(gallery("4", cover="1"), images, stash_answer(images, "^nothing$")).changes == []
    assert plan_reset_cover(gallery("4"), [], None).skipped == SKIP_NO_IMAGES


# -- the fold: a big gallery read in chunks -----------------------------------------------------
EVIL = "a" * 60 + "!"  # ^(a|aa)+$ on it runs past the pattern time bound


def folded(images, rule, cover: str | None, size: int) -> CoverFold:
    fold = CoverFold(rule, cover)
    for start in range(0, len(images), size):
        fold.add(images[start : start + size])
    return fold


@pytest.mark.parametrize("size", [1, 2, 3, 100])
@pytest.mark.parametrize(
    "rule_text",
    ["position:5", "pattern:^x; position:2", "pattern:^none; portrait", "portrait; pattern:^x", "position:9"],
)
def test_folding_the_images_in_chunks_picks_what_the_rule_picks_on_the_whole_list(size, rule_text):
    images = [
        image(1, f"{DIR}/a.jpg"),
        image(2, f"{DIR}/b.jpg"),
        image(3, f"{DIR}/c.jpg"),
        image(4, f"{DIR}/tall.jpg", width=600, height=900),
        image(5, f"{DIR}/x1.jpg"),
        image(6, f"{DIR}/x2.jpg"),
    ]
    rule = parse_cover_rule(rule_text)
    g = gallery("4", folder=DIR, cover="1")
    whole = plan_set_cover(g, images, rule, "1")
    chunked = plan_set_cover(g, folded(images, rule, "1", size), rule, "1")
    assert [c.image_id for c in chunked.changes] == [c.image_id for c in whole.changes]
    assert chunked.skipped == whole.skipped


@pytest.mark.parametrize("size", [1, 2])
def test_a_step_that_runs_too_long_fails_only_when_no_step_before_it_picks(size):
    images = [image(1, f"{DIR}/a.jpg"), image(2, f"/p/{EVIL}.jpg"), image(3, f"{DIR}/front.jpg")]
    g = gallery("4", folder=DIR, cover="1")
    # the first step picks image 3 in a later chunk: the second step's timeout on image 2 does not count
    rule = parse_cover_rule("pattern:^front; pattern:^(a|aa)+$")
    plan = plan_set_cover(g, folded(images, rule, "1", size), rule, "1")
    assert plan.error is None and [c.image_id for c in plan.changes] == ["3"]
    # nothing before it picks: the gallery fails, as on the whole list
    rule = parse_cover_rule("pattern:^none; pattern:^(a|aa)+$; position:1")
    plan = plan_set_cover(g, folded(images, rule, "1", size), rule, "1")
    assert plan.changes == [] and "cover rule pattern" in (plan.error or "")


def test_reset_from_a_fold_names_the_chosen_cover_found_in_a_later_chunk():
    images = [image(1, f"{DIR}/a.jpg"), image(2, f"{DIR}/b.jpg"), image(3, f"{DIR}/c.jpg")]
    plan = plan_reset_cover(gallery("4", folder=DIR, cover="3"), folded(images, (), "3", 1), "1")
    assert [(c.image_id, c.path) for c in plan.changes] == [("3", f"{DIR}/c.jpg")]
