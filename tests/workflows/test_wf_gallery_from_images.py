"""sync_gallery_from_images: plan tests (no server) and the task on the sample library."""

from __future__ import annotations

import pytest
from wf_support import (
    BEACH,
    BEST,
    CITY,
    GALLERY_FROM_IMAGES,
    HARBOUR,
    PLUGIN,
    diff,
    fresh_sim,
    gallery,
    give_images_tags_their_gallery_lacks as prepare,
    image,
    run,
    state,
)

from gallery_ops.common.args import ArgError
from gallery_ops.common.constants import NEW_GALLERY_TAG
from gallery_ops.stash.models import TagRef
from gallery_ops.tasks.changes import AddGalleryRefs
from gallery_ops.tasks.gallery_from_images import parse_fields, parse_rule, plan_gallery_from_images


def adds(plan):
    assert len(plan.changes) <= 1
    return {key: list(ids) for key, ids in plan.changes[0].refs} if plan.changes else {}


# -- plans ----------------------------------------------------------------------------------------
def test_rule_all_adds_what_every_image_has():
    images = [image(1, tags=(3, 4), performers=(7,)), image(2, tags=(3,), performers=(7, 8))]
    assert adds(plan_gallery_from_images(gallery(), images, "all")) == {"tag_ids": ["3"], "performer_ids": ["7"]}


def test_rule_any_adds_what_one_image_has():
    images = [image(1, tags=(3, 4)), image(2, tags=(10,), performers=(8,))]
    assert adds(plan_gallery_from_images(gallery(), images, "any")) == {
        "tag_ids": ["3", "4", "10"],
        "performer_ids": ["8"],
    }


def test_what_the_gallery_has_is_not_sent_again_and_nothing_is_removed():
    images = [image(1, tags=(3, 4)), image(2, tags=(3, 4))]
    plan = plan_gallery_from_images(gallery(tags=(3, 9), performers=(5,)), images, "all")
    assert adds(plan) == {"tag_ids": ["4"]}
    (change,) = plan.changes
    assert change.to_input().to_input()["tag_ids"] == {"ids": ["4"], "mode": "ADD"}


def test_a_gallery_in_step_plans_nothing_and_one_without_images_is_skipped():
    assert plan_gallery_from_images(gallery(tags=(3,)), [image(1, tags=(3,))], "all").status == "unchanged"
    assert plan_gallery_from_images(gallery(), [], "any").skipped == "no images"


def test_the_new_gallery_marker_is_never_copied():
    marker = TagRef(id="50", name=NEW_GALLERY_TAG)
    plan = plan_gallery_from_images(gallery(), [image(1, tags=(marker, 3))], "all")
    assert adds(plan) == {"tag_ids": ["3"]}


def test_only_the_chosen_fields():
    images = [image(1, tags=(3,), performers=(7,))]
    assert adds(plan_gallery_from_images(gallery(), images, "all", ("performers",))) == {"performer_ids": ["7"]}
    assert isinstance(plan_gallery_from_images(gallery(), images, "all").changes[0], AddGalleryRefs)


@pytest.mark.parametrize("text", ["most", "", "all,any"])
def test_unknown_rules_are_refused(text):
    with pytest.raises(ArgError, match="choose all"):
        parse_rule(text)


def test_parse_fields():
    assert parse_rule(" ANY ") == "any"
    assert parse_fields("performers, tags") == ("performers", "tags")
    with pytest.raises(ArgError):
        parse_fields("studio")


# -- end to end on the sample library --------------------------------------------------------------
# (the scenario "gallery_from_images": test_wf_tasks checks its preview sends no mutation and its
# second run no write, test_wf_kill that a run killed at any request and run again ends the same)
def test_the_task_on_the_sample_adds_what_all_images_have(scenario_run):
    runs = scenario_run("gallery_from_images")
    # Harbour: both images have Travel and Bo Lind; only one has Archive (rule all: not added)
    assert diff(runs.before, runs.after) == {
        ("galleries", HARBOUR, "tags"): ([], ["Travel"]),
        ("galleries", HARBOUR, "performers"): ([], ["Bo Lind"]),
    }
    out = runs.first.output
    assert (out["scanned"], out["changed"], out["failed_count"]) == (11, 1, 0)
    assert out["skipped"] == {"no images": 2}
    # one read of settings, one count, one page of galleries, one of images, one write
    assert [r.is_mutation for r in runs.first_requests] == [False] * 4 + [True]


def test_rule_any_by_setting_and_by_arg():
    with fresh_sim() as sim:
        prepare(sim)
        sim.set_plugin_settings(PLUGIN, {"fromImagesRule": "any"})
        before = state(sim)
        run(sim, GALLERY_FROM_IMAGES)
        changed = diff(before, state(sim))
        assert changed[("galleries", CITY, "tags")] == ([], ["Portrait", "Travel"])
        assert changed[("galleries", BEACH, "tags")] == (["Beach"], ["Archive", "Beach"])
        assert changed[("galleries", HARBOUR, "tags")] == ([], ["Archive", "Travel"])
        assert ("galleries", BEST, "tags") not in changed  # its Beach image is not IMG_0002
    with fresh_sim() as sim:
        prepare(sim)
        before = state(sim)
        run(sim, GALLERY_FROM_IMAGES, {"rule": "any", "fields": "performers"})
        assert diff(before, state(sim)) == {
            ("galleries", CITY, "performers"): ([], ["Ada Vale"]),
            ("galleries", HARBOUR, "performers"): ([], ["Bo Lind"]),
        }


def test_a_bad_rule_setting_fails_the_run_with_a_message():
    with fresh_sim() as sim:
        sim.set_plugin_settings(PLUGIN, {"fromImagesRule": "most"})
        result = run(sim, GALLERY_FROM_IMAGES, ok=False)
        assert result.error and "choose all" in result.error
        assert sim.requests.mutations() == []
