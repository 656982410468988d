"""clean_empty_galleries: plan tests (no server) and the task end to end."""

from __future__ import annotations

import pytest
from wf_support import CLEAN_EMPTY_APPLY, CLEAN_EMPTY_PREVIEW, EMPTY, OLD_TRIP, fresh_sim, gallery, run, state

from gallery_ops.constants import NEW_GALLERY_TAG
from gallery_ops.models import Gallery, TagRef
from gallery_ops.workflows.changes import DestroyGallery
from gallery_ops.workflows.empty_galleries import SKIP_HAS_FILES, SKIP_NEW, plan_clean_empty


def counted(g: Gallery, count: int) -> Gallery:
    return g.model_copy(update={"image_count": count})


# -- plans ----------------------------------------------------------------------------------------
def test_a_hand_made_gallery_without_images_is_destroyed():
    plan = plan_clean_empty(counted(gallery("7", title="Picks"), 0))
    assert plan.changes == [DestroyGallery("7", "Picks", "hand-made, no images")]


def test_galleries_with_images_are_left_alone():
    for g in (gallery("1", title="Picks"), gallery("2", zip="/z/a.zip"), gallery("3", folder="/f")):
        assert plan_clean_empty(counted(g, 3)).status == "unchanged"


def test_a_zip_or_folder_gallery_without_images_is_listed_never_destroyed():
    for g in (gallery("2", zip="/z/a.zip"), gallery("3", folder="/f")):
        plan = plan_clean_empty(counted(g, 0))
        assert plan.changes == [] and plan.skipped == SKIP_HAS_FILES


def test_a_hand_made_gallery_still_marked_new_is_kept():
    g = counted(gallery("7", title="Just made", tags=(TagRef(id="9", name=NEW_GALLERY_TAG),)), 0)
    assert plan_clean_empty(g).skipped == SKIP_NEW


def test_no_image_count_is_a_planning_error_not_a_delete():
    with pytest.raises(ValueError, match="image_count"):
        plan_clean_empty(gallery("7", title="Picks"))


# -- end to end -----------------------------------------------------------------------------------
# (the scenario "clean_empty" on the sample: test_wf_tasks checks its preview sends no mutation and
# its second run no write, test_wf_kill that a run killed at any request and run again ends the same)
def test_apply_deletes_only_the_empty_hand_made_gallery_and_no_image(scenario_run):
    runs = scenario_run("clean_empty")
    assert set(runs.before["galleries"]) - set(runs.after["galleries"]) == {EMPTY}
    assert set(runs.after["galleries"]) <= set(runs.before["galleries"])
    assert runs.after["images"] == runs.before["images"]
    assert [r.root_fields for r in runs.first_requests if r.is_mutation] == [["galleryDestroy"]]
    assert runs.first.output["changed"] == 1 and runs.second.output["changed"] == 0
    # the sample's folder gallery whose folder is gone (no images left) is listed, and stays
    assert OLD_TRIP in runs.after["galleries"]
    assert runs.first.output["skipped"] == {SKIP_HAS_FILES: 1}


def test_a_zip_and_a_folder_without_images_stay_and_are_listed():
    library = {"galleries": [
        {"folder": "/x/emptied"}, {"zip": "/x/emptied.zip"}, {"title": "Nothing yet"},
        {"title": "Has one", "images": ["/x/loose/1.jpg"]}],
        "images": ["/x/loose/1.jpg"]}
    with fresh_sim(library) as sim:
        before = state(sim)
        preview = run(sim, CLEAN_EMPTY_PREVIEW)
        assert sim.requests.mutations() == [] and state(sim) == before
        assert preview.output["skipped"] == {SKIP_HAS_FILES: 2}
        applied = run(sim, CLEAN_EMPTY_APPLY)
        assert applied.output["changes"] == preview.output["changes"]
        assert set(before["galleries"]) - set(state(sim)["galleries"]) == {"user:Nothing yet"}
        assert state(sim)["images"] == before["images"]
        assert run(sim, CLEAN_EMPTY_APPLY).output["change_count"] == 0


def test_a_gallery_that_gets_images_while_the_run_reads_is_not_deleted():
    """The delete carries image_count 0; the Recheck just before it sees the image added meanwhile."""
    from test_wf_meanwhile import MOVED, meanwhile
    from wf_support import ids_by_path, image_ids

    with fresh_sim() as sim:
        empty, night = ids_by_path(sim)[EMPTY], image_ids(sim)["/library/loose/night.jpg"]
        meanwhile(sim, lambda: sim.gql(
            f'mutation {{ addGalleryImages(input: {{gallery_id: "{empty}", image_ids: ["{night}"]}}) }}'))
        out = run(sim, CLEAN_EMPTY_APPLY).output
        assert EMPTY in state(sim)["galleries"]
        assert sim.requests.mutations() == []
    assert out["skipped"] == {MOVED: 1, SKIP_HAS_FILES: 1} and out["change_count"] == 0
