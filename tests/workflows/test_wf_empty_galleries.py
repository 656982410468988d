"""clean_empty_galleries: plan tests (no server) and the task end to end."""

from __future__ import annotations

import pytest
from wf_support import CLEAN_EMPTY_APPLY, CLEAN_EMPTY_PREVIEW, EMPTY, OLD_TRIP, fresh_sim, gallery, run, state

from gallery_ops.common.constants import NEW_GALLERY_TAG
from gallery_ops.common.on_disk import CAUTION, OnDisk, judge, look, still_gone
from gallery_ops.common.skips import SKIP_HAS_FILES, SKIP_LINK, SKIP_NEW, SKIP_UNREADABLE, SKIP_UNSURE
from gallery_ops.stash.models import Gallery, TagRef
from gallery_ops.tasks.changes import DestroyGallery
from gallery_ops.tasks.empty_galleries import WHY_GONE, plan_clean_empty


def counted(g: Gallery, count: int) -> Gallery:
    return g.model_copy(update={"image_count": count})


# -- plans ----------------------------------------------------------------------------------------
def test_a_hand_made_gallery_without_images_is_destroyed():
    plan = plan_clean_empty(counted(gallery("7", title="Picks"), 0))
    assert plan.changes == [DestroyGallery("7", "Picks", "hand-made, no images")]


def test_galleries_with_images_are_left_alone():
    for g in (gallery("1", title="Picks"), gallery("2", zip="/z/a.zip"), gallery("3", folder="/f")):
        assert plan_clean_empty(counted(g, 3)).status == "unchanged"


def test_a_zip_or_folder_gallery_without_images_still_on_disk_is_listed_never_destroyed():
    for g in (gallery("2", zip="/z/a.zip"), gallery("3", folder="/f")):
        plan = plan_clean_empty(counted(g, 0), OnDisk.PRESENT)
        assert plan.changes == [] and plan.skipped == SKIP_HAS_FILES


def test_a_zip_or_folder_gallery_without_images_whose_file_is_gone_is_destroyed():
    for g in (gallery("2", zip="/z/a.zip"), gallery("3", folder="/f")):
        proof = ((g.path, "/z/other.jpg"),)
        plan = plan_clean_empty(counted(g, 0), (OnDisk.GONE, proof))
        assert plan.changes == [DestroyGallery(g.id, None, WHY_GONE, path=g.path, paths=(g.path,))]
        # read again right before the write: everything it takes, and the disk's proof
        assert plan.changes[0].basis is not None and plan.changes[0].basis.proof == proof


def test_when_the_disk_cannot_tell_the_gallery_is_left_alone_and_reported():
    for on_disk, why in (
        (OnDisk.UNSURE, SKIP_UNSURE),
        (OnDisk.UNREADABLE, SKIP_UNREADABLE),
        (None, SKIP_UNSURE),
        (OnDisk.LINK, SKIP_LINK),
    ):
        plan = plan_clean_empty(counted(gallery("3", folder="/f"), 0), on_disk)
        assert plan.changes == [] and plan.skipped == why


def test_a_gallery_with_images_is_left_alone_whatever_the_disk_says():
    for on_disk in CAUTION:  # (every state)
        assert plan_clean_empty(counted(gallery("2", zip="/z/a.zip"), 4), on_disk).status == "unchanged"


def test_the_disk_tells_gone_only_with_proof_that_the_drive_is_there(tmp_path, monkeypatch):
    (tmp_path / "set").mkdir()
    (tmp_path / "other.jpg").write_bytes(b"x")
    (tmp_path / "dangling").symlink_to(tmp_path / "unplugged" / "set")
    assert look(str(tmp_path / "set")) is OnDisk.PRESENT
    assert look(str(tmp_path / "gone.zip")) is OnDisk.MISSING  # its folder is there: gone if its drive is
    assert look(str(tmp_path / "share" / "set")) is OnDisk.UNSURE  # its folder is not either
    assert look(str(tmp_path / "dangling")) is OnDisk.LINK  # os.stat says "no such file"; the link is there
    assert look("C:\\Library\\Old Trip") is OnDisk.UNSURE  # a Windows path on this disk
    assert look(str(tmp_path / "nul\x00name")) is OnDisk.UNREADABLE
    gone, other = str(tmp_path / "gone.zip"), str(tmp_path / "other.jpg")
    # what Stash recorded in that folder: proof only when it is on disk
    assert judge([gone], {}) == (OnDisk.UNSURE, ())
    assert judge([gone], {str(tmp_path): [gone, str(tmp_path / "also-gone.jpg")]}) == (OnDisk.UNSURE, ())
    assert judge([gone], {str(tmp_path): [other]}) == (OnDisk.GONE, ((gone, other),))
    # a gallery with several files is gone only when every one is
    assert judge([gone, str(tmp_path / "set")], {str(tmp_path): [other]})[0] is OnDisk.PRESENT
    assert still_gone(((gone, other),))
    (tmp_path / "gone.zip").write_bytes(b"back")
    assert not still_gone(((gone, other),))

    def denied(path, *args, **kwargs):
        raise PermissionError(13, "Permission denied", path)

    monkeypatch.setattr("gallery_ops.common.on_disk.os.lstat", denied)
    assert look(str(tmp_path / "set")) is OnDisk.UNREADABLE


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
    # the sample's folder gallery whose folder is gone (no images left): here the simulator's
    # library is on no disk at all, so not even its parent folder is there: left alone, reported
    assert OLD_TRIP in runs.after["galleries"]
    assert runs.first.output["skipped"] == {SKIP_UNSURE: 1}


def test_on_disk_a_gallery_whose_folder_is_gone_is_deleted_on_apply_and_one_still_there_is_kept():
    # the sample library on this disk: Old Trip's folder is gone, /library/photos is there
    with fresh_sim(on_disk=True) as sim:
        before = state(sim)
        preview = run(sim, CLEAN_EMPTY_PREVIEW).output
        assert sim.requests.mutations() == [] and state(sim) == before
        why = {c["destroy_gallery"]["why"] for c in preview["changes"]}
        assert why == {"hand-made, no images", WHY_GONE}
        applied = run(sim, CLEAN_EMPTY_APPLY).output
        after = state(sim)
        assert set(before["galleries"]) - set(after["galleries"]) == {EMPTY, OLD_TRIP}
        assert after["images"] == before["images"]  # no image goes with them
        assert applied["changes"] == preview["changes"]
        sim.requests.clear()
        assert run(sim, CLEAN_EMPTY_APPLY).output["change_count"] == 0 and sim.requests.mutations() == []
    library = {
        "galleries": [
            {"folder": "/x/emptied"},
            {"folder": "/x/gone", "gone": True},
            {"zip": "/x/full.zip", "images": ["1.jpg"], "gone": True},
        ]
    }
    with fresh_sim(library, on_disk=True) as sim:
        out = run(sim, CLEAN_EMPTY_APPLY).output
        left = set(state(sim)["galleries"])
    assert out["skipped"] == {SKIP_HAS_FILES: 1} and out["changed"] == 1
    assert left == {"/x/emptied", "/x/full.zip"}  # the empty folder on disk stays; the gone zip has images


def test_a_zip_and_a_folder_without_images_stay_and_are_listed():
    library = {
        "galleries": [
            {"folder": "/x/emptied"},
            {"zip": "/x/emptied.zip"},
            {"title": "Nothing yet"},
            {"title": "Has one", "images": ["/x/loose/1.jpg"]},
        ],
        "images": ["/x/loose/1.jpg"],
    }
    with fresh_sim(library) as sim:
        before = state(sim)
        preview = run(sim, CLEAN_EMPTY_PREVIEW)
        assert sim.requests.mutations() == [] and state(sim) == before
        assert preview.output["skipped"] == {SKIP_UNSURE: 2}  # on no disk: not even /x is there
        applied = run(sim, CLEAN_EMPTY_APPLY)
        assert applied.output["changes"] == preview.output["changes"]
        assert set(before["galleries"]) - set(state(sim)["galleries"]) == {"user:Nothing yet"}
        assert state(sim)["images"] == before["images"]
        assert run(sim, CLEAN_EMPTY_APPLY).output["change_count"] == 0


def test_a_gallery_that_gets_images_while_the_run_reads_is_not_deleted():
    """The delete's basis has image_count 0; the DeleteRecheck just before it sees the image added meanwhile."""
    from test_wf_delete_checks import MOVED, before_the_delete
    from wf_support import ids_by_path, image_ids

    with fresh_sim() as sim:
        empty, night = ids_by_path(sim)[EMPTY], image_ids(sim)["/library/loose/night.jpg"]
        before_the_delete(
            sim,
            lambda: sim.gql(
                f'mutation {{ addGalleryImages(input: {{gallery_id: "{empty}", image_ids: ["{night}"]}}) }}'
            ),
        )
        out = run(sim, CLEAN_EMPTY_APPLY).output
        assert EMPTY in state(sim)["galleries"]
        assert sim.requests.mutations() == []
    assert out["skipped"] == {MOVED: 1, SKIP_UNSURE: 1} and out["change_count"] == 0
