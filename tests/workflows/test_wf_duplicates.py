"""merge_duplicate_galleries: plan tests (no server), the sample library, and deleting on a real disk."""

from __future__ import annotations

import hashlib
from pathlib import Path

from wf_support import (
    MERGE_APPLY,
    MERGE_DELETE_APPLY,
    MERGE_PREVIEW,
    PORTRAITS,
    PORTRAITS_ZIP,
    diff,
    fresh_sim,
    gallery,
    ids_by_path,
    image,
    kill_and_rerun_at_every_request,
    run,
    state,
)

from gallery_ops.common.on_disk import OnDisk
from gallery_ops.common.skips import (
    SKIP_BOTH_GONE,
    SKIP_CHAPTER,
    SKIP_COVER_UNKNOWN,
    SKIP_DIFFERS,
    SKIP_DUPLICATE_UNSURE,
    SKIP_KEPT_APART,
    SKIP_PRESENT,
    SKIP_SHARED,
)
from gallery_ops.stash.models import GalleryChapter, SceneRef
from gallery_ops.tasks.changes import AddGalleryRefs, CreateChapter, DestroyGallery, SetCover, SetGalleryFields
from gallery_ops.tasks.duplicates import (
    Member,
    MergeFold,
    group_duplicates,
    keep_order,
    member,
    plan_donor,
    plan_merge,
)

PREVIEW = MERGE_PREVIEW
APPLY = MERGE_APPLY
APPLY_DELETE = MERGE_DELETE_APPLY
MOVED = PORTRAITS_ZIP


def md5(text: str) -> str:
    return hashlib.md5(text.encode()).hexdigest()


def pic(id, path, checksum, galleries=()):
    found = image(id, path)
    found.visual_files[0].fingerprint = checksum
    return found.model_copy(update={"galleries": [gallery(g) for g in galleries]})


def m(id, kind="folder", count=2, zip_md5=None, images_key="k", path=None):
    paths = () if kind == "user" else (path or f"/p/{id}",)
    return Member(str(id), kind, paths, count, (zip_md5,) if zip_md5 else (), images_key)


# -- grouping and the keep rule ------------------------------------------------------------------
def test_the_same_image_set_or_the_same_zip_makes_a_group():
    a = member(
        gallery("1", folder="/a").model_copy(update={"image_count": 2}),
        [pic(1, "/a/1.jpg", "x"), pic(2, "/a/2.jpg", "y")],
    )
    b = member(
        gallery("2", zip="/b.zip").model_copy(update={"image_count": 2}),
        [pic(3, "/b.zip/2.jpg", "y"), pic(4, "/b.zip/1.jpg", "x")],
    )
    c = member(gallery("3", zip="/c.zip").model_copy(update={"image_count": 1}), [pic(5, "/c.zip/1.jpg", "x")])
    assert a.images_key == b.images_key != c.images_key  # order does not matter, the set does
    assert [[x.id for x in g] for g in group_duplicates([a, b, c])] == [["1", "2"]]


def test_groups_join_through_either_key_and_unknown_checksums_match_nothing():
    members = [
        m(1, images_key="s"),
        m(2, "zip", zip_md5="z", images_key="s"),
        m(3, "zip", zip_md5="z", images_key="t"),
        m(4, images_key=None),
        m(5, images_key=None),
    ]
    assert [[x.id for x in g] for g in group_duplicates(members)] == [["1", "2", "3"]]
    no_md5 = member(gallery("9", folder="/n").model_copy(update={"image_count": 1}), [image(1, "/n/1.jpg")])
    assert no_md5.images_key is None


def test_keep_rule_present_then_more_images_then_files_then_newest():
    gone = {"1"}
    present = lambda x: x.id not in gone  # noqa: E731
    assert keep_order([m(1, count=5), m(2, count=2)], present)[0].id == "2"  # 1. present on disk
    assert keep_order([m(3, count=5), m(2, count=2)], present)[0].id == "3"  # 2. more images
    assert keep_order([m(4, "user", path=None), m(3)], present)[0].id == "3"  # 3. files over hand-made
    assert keep_order([m(3), m(4)], present)[0].id == "4"  # 4. newest


# Stash's default-cover answer for galleries 1 and 2: no image matches its cover regex, so its
# default pick is the first image (a cover that is not the first image was chosen)
NO_REGEX_MATCH = {"1": None, "2": None}


def test_a_cover_whose_default_pick_is_unknown_is_neither_replaced_nor_copied():
    old = [pic(1, "/o/a.jpg", "A"), pic(2, "/o/b.jpg", "B")]
    new = [pic(11, "/n/a.jpg", "A"), pic(12, "/n/b.jpg", "B")]
    donor, kept = gallery("1", folder="/o", cover="2"), gallery("2", folder="/n", cover="11")
    assert plan_merge(kept, new, [(donor, old)], {"1": None}).changes == []  # kept unknown
    assert plan_merge(kept, new, [(donor, old)], {"2": None}).changes == []  # donor unknown


# -- the merge plan ------------------------------------------------------------------------------
def test_the_kept_gallery_gets_what_it_lacks_and_keeps_what_it_has():
    kept = gallery("2", zip="/new.zip", date="2020-01-01", tags=(1,))
    donor = gallery(
        "1",
        folder="/old",
        title="Old title",
        date="1999-01-01",
        tags=(1, 2),
        performers=(5,),
        studio="3",
        photographer="Pat",
    ).model_copy(update={"urls": ["https://a"], "scenes": [SceneRef(id="8")], "organized": True, "rating100": 60})
    plan = plan_merge(kept, [], [(donor, [])], {})
    fields, refs = plan.changes
    assert isinstance(fields, SetGalleryFields) and dict(fields.fields) == {
        "title": "Old title",
        "photographer": "Pat",
        "rating100": 60,
        "studio": {"id": "3"},
        "organized": True,
    }
    assert isinstance(refs, AddGalleryRefs) and dict(refs.refs) == {
        "tag_ids": ("2",),
        "performer_ids": ("5",),
        "scene_ids": ("8",),
        "urls": ("https://a",),
    }


def test_chapters_and_a_chosen_cover_follow_their_image():
    old_images = [pic(1, "/old/a.jpg", "A"), pic(2, "/old/b.jpg", "B"), pic(3, "/old/c.jpg", "C")]
    new_images = [pic(11, "/new/x/c.jpg", "C"), pic(12, "/new/y/a.jpg", "A"), pic(13, "/new/y/b.jpg", "B")]
    donor = gallery("1", folder="/old", chapters=[(91, "Start", 1), (92, "Last", 3)], cover="2")
    kept = gallery("2", folder="/new", cover="11")  # shows Stash's default pick: no chosen cover
    plan = plan_merge(kept, new_images, [(donor, old_images)], NO_REGEX_MATCH)
    assert plan.changes == [
        CreateChapter("2", "Start", 2),
        CreateChapter("2", "Last", 1),
        SetCover("2", "13", "/new/y/b.jpg"),
    ]


def test_no_chapter_twice_and_a_chosen_cover_is_never_replaced():
    images = [pic(1, "/o/a.jpg", "A"), pic(2, "/o/b.jpg", "B")]
    new = [pic(11, "/n/a.jpg", "A"), pic(12, "/n/b.jpg", "B")]
    donor = gallery("1", folder="/o", chapters=[(91, "One", 1), (92, "Two", 2)], cover="2")
    kept = gallery("2", folder="/n", chapters=[(99, "One", 1)], cover="12")
    kept = kept.model_copy(update={"chapters": [GalleryChapter(id="99", title="Mine", image_index=2)]})
    assert plan_merge(kept, new, [(donor, images)], NO_REGEX_MATCH).changes == [CreateChapter("2", "One", 1)]


def test_a_merged_gallery_plans_nothing_again():
    kept = gallery("2", zip="/n.zip", title="T", tags=(1,))
    donor = gallery("1", folder="/o", title="Other", tags=(1,))
    assert plan_merge(kept, [], [(donor, [])], {}).changes == []


# -- deleting duplicates -------------------------------------------------------------------------
def counted(g, count):
    return g.model_copy(update={"image_count": count})


def donor_plan(donor, images, kept, verdicts, delete=True, matches=None):
    """plan_donor of `donor` (with `images`) merged into `kept` (no images of its own)."""
    fold, kept_fold = MergeFold.of(donor, images), MergeFold.of(kept, [])
    matches = {donor.id: None, kept.id: None} if matches is None else matches
    return plan_donor(donor, fold, kept, kept_fold, verdicts, delete, None, matches, {})


def test_a_duplicate_is_deleted_only_when_asked_and_empty_or_gone():
    kept = counted(gallery("2", folder="/n"), 1)
    gone = counted(gallery("1", zip="/o.zip"), 1)
    own = [pic(1, "/o.zip/a.jpg", "A", galleries=("1",))]
    proof = (("/o.zip", "/o.jpg"),)
    here, lost = {"2": (OnDisk.PRESENT, ())}, {"1": (OnDisk.GONE, proof)}
    (destroy,) = donor_plan(gone, own, kept, {**here, **lost}).changes
    assert destroy == DestroyGallery(
        "1",
        None,
        "duplicate whose zip or folder is gone",
        merged_into="2",
        path="/o.zip",
        paths=("/o.zip",),
        image_records=1,
    )
    assert destroy.basis is not None and destroy.basis.proof == proof and destroy.basis.kept == "2"
    assert donor_plan(gone, own, kept, {**here, **lost}, delete=False).skipped == SKIP_KEPT_APART
    assert donor_plan(gone, own, kept, {**here, "1": (OnDisk.PRESENT, ())}).skipped == SKIP_PRESENT
    assert donor_plan(gone, own, kept, {**here, "1": (OnDisk.UNSURE, ())}).skipped == SKIP_DUPLICATE_UNSURE
    assert donor_plan(gone, own, kept, {"2": (OnDisk.UNSURE, ()), **lost}).skipped == SKIP_BOTH_GONE
    shared = [pic(1, "/o.zip/a.jpg", "A", galleries=("1", "7"))]
    assert donor_plan(gone, shared, kept, {**here, **lost}).skipped == SKIP_SHARED
    assert donor_plan(gone, own, kept, {**here, **lost}, matches={"2": None}).skipped == SKIP_COVER_UNKNOWN
    empty = counted(gallery("3", zip="/e.zip"), 0)
    assert donor_plan(empty, [], kept, {**here, "3": (OnDisk.PRESENT, ())}).changes[0].why == "duplicate without images"


def test_a_duplicate_whose_own_value_the_merge_cannot_keep_is_not_deleted():
    """What the kept gallery has otherwise is never overwritten: the duplicate that carries a
    different value (or a chapter with no place in the kept gallery) stays, with the reason."""
    kept = counted(gallery("2", folder="/n", title="Mine"), 1)
    lost = {"1": (OnDisk.GONE, (("/o.zip", "/o.jpg"),)), "2": (OnDisk.PRESENT, ())}
    own = [pic(1, "/o.zip/a.jpg", "A", galleries=("1",))]
    titled = counted(gallery("1", zip="/o.zip", title="Theirs"), 1)
    assert donor_plan(titled, own, kept, lost).skipped == SKIP_DIFFERS.format("title")
    same = counted(gallery("1", zip="/o.zip", title="Mine"), 1)
    assert isinstance(donor_plan(same, own, kept, lost).changes[-1], DestroyGallery)
    chaptered = counted(gallery("1", zip="/o.zip", chapters=[(91, "Start", 1)]), 1)
    assert donor_plan(chaptered, own, kept, lost).skipped == SKIP_CHAPTER


def test_a_destroy_names_the_kept_gallery_so_it_is_not_sent_when_the_copy_failed():
    assert DestroyGallery("1", None, "x", merged_into="2").galleries == ("1", "2")


# -- end to end on the sample library: the Portraits set moved into a zip ------------------------
# (the scenario "merge_duplicates": test_wf_tasks checks its preview sends no mutation and its second
# run no write, test_wf_kill that a run killed at any request and run again ends the same)
def test_the_sample_set_that_moved_into_a_zip_gets_its_metadata(scenario_run):
    runs = scenario_run("merge_duplicates")
    assert diff(runs.before, runs.after) == {
        ("galleries", MOVED, "title"): ("", "Studio Portraits"),
        ("galleries", MOVED, "photographer"): ("", "Jo Marsh"),
        ("galleries", MOVED, "tags"): ([], ["Portrait"]),
        ("galleries", MOVED, "cover"): (f"{MOVED}/p01.jpg", f"{MOVED}/p03.jpg"),  # the chosen cover, mapped
    }
    out = runs.first.output
    ids = {PORTRAITS: "2", MOVED: "7"}  # the sample's ids (checked below)
    assert out["group_count"] == 1 and out["groups"] == [
        {
            "keep": ids[MOVED],
            "duplicates": [ids[PORTRAITS]],
            "by": "image checksums",
            "names": {"gallery": {ids[MOVED]: "Portraits.zip", ids[PORTRAITS]: "Studio Portraits"}},
        }
    ]
    assert (
        f'Merge duplicate galleries (apply): keeps gallery "Portraits.zip" [{ids[MOVED]}]; its duplicate:'
        f' gallery "Studio Portraits" [{ids[PORTRAITS]}] (the same image checksums)'
    ) in runs.first.messages("info")
    # the sample is not on this disk, nor are its folders: nothing proves either copy gone, so
    # neither would be deleted
    assert out["skipped"] == {SKIP_DUPLICATE_UNSURE: 1} and out["changed"] == 1 and out["scanned"] == 11


def test_the_sample_ids_are_the_ones_the_groups_name():
    with fresh_sim() as sim:
        found = ids_by_path(sim)
    assert (found[PORTRAITS], found[MOVED]) == ("2", "7")


def test_the_merge_previews_by_default():
    with fresh_sim() as sim:
        before = state(sim)
        sim.requests.clear()
        result = sim.run_operation({"mode": "merge_duplicate_galleries", "delete_duplicates": True})
        assert result.output["dry_run"] is True and result.output["change_count"] == 3
        assert sim.requests.mutations() == [] and state(sim) == before


def test_on_disk_both_copies_are_present_and_the_delete_keeps_both():
    """The sample written to disk: the folder and the zip both exist, so even the delete button only
    merges (a duplicate is deleted only when it is empty or its zip or folder is gone)."""
    with fresh_sim(on_disk=True) as sim:
        before = state(sim)
        out = run(sim, APPLY_DELETE).output
        after = state(sim)
    assert set(after["galleries"]) == set(before["galleries"])
    assert out["skipped"] == {SKIP_PRESENT: 1} and out["changed"] == 1
    assert after["galleries"][MOVED]["title"] == "Studio Portraits"


# -- deleting, on a real disk --------------------------------------------------------------------
def disk_library(root: Path) -> dict:
    """Group A: a zip that is gone (its set now in a folder on disk). Group B: a folder that is gone
    (now in another folder). Group C: one zip in two places, both on disk. D: a gone zip whose
    image is also in a hand-made collection (which is a duplicate of D too)."""
    for folder in ("old", "new_a", "new_b", "copies", "new_d"):  # old/ is there, its zips are gone
        (root / folder).mkdir()
    (root / "old" / "keep.jpg").write_bytes(b"jpg")  # recorded by Stash and still there: old/'s drive is
    (root / "copies" / "c1.zip").write_bytes(b"zip")
    (root / "copies" / "c2.zip").write_bytes(b"zip")
    r = str(root)

    def imgs(prefix, names):
        return [{"name": n, "md5": md5(prefix + n)} for n in names]

    return {
        "tags": ["Old"],
        "images": [f"{r}/old/keep.jpg"],
        "galleries": [
            {
                "zip": f"{r}/old/a.zip",
                "images": imgs("A", ["1.jpg", "2.jpg"]),
                "title": "Set A",
                "tags": ["Old"],
                "chapters": [{"title": "Second", "image_index": 2}],
            },
            # renamed in the move: x.jpg is the old 2.jpg, so the chapter at image 2 moves to image 1
            {
                "folder": f"{r}/new_a",
                "images": [{"name": "x.jpg", "md5": md5("A2.jpg")}, {"name": "y.jpg", "md5": md5("A1.jpg")}],
            },
            {"folder": f"{r}/old_b", "images": imgs("B", ["1.jpg"]), "details": "kept words"},
            {"folder": f"{r}/new_b", "images": imgs("B", ["1.jpg"])},
            {"zip": f"{r}/copies/c1.zip", "zip_md5": "same", "images": imgs("C1", ["1.jpg"]), "rating100": 80},
            {"zip": f"{r}/copies/c2.zip", "zip_md5": "same", "images": imgs("C2", ["1.jpg"])},
            {"zip": f"{r}/old/d.zip", "images": imgs("D", ["1.jpg"]), "title": "Set D"},
            {"folder": f"{r}/new_d", "images": imgs("D", ["1.jpg"])},
            {"title": "Collection", "images": [f"{r}/old/d.zip/1.jpg"]},
        ],
    }


def test_apply_with_delete_deletes_only_gone_duplicates_after_copying(tmp_path):
    r = str(tmp_path)
    with fresh_sim(disk_library(tmp_path)) as sim:
        before = state(sim)
        merged = run(sim, APPLY).output
        assert merged["change_count"] > 0 and set(state(sim)["galleries"]) == set(before["galleries"])
        result = run(sim, APPLY_DELETE)
        after = state(sim)
        gone = set(before["galleries"]) - set(after["galleries"])
        assert gone == {f"{r}/old/a.zip", f"{r}/old_b"}
        # the copy c1 is on disk, and so is the hand-made Collection (it holds the same set as D)
        assert result.output["skipped"] == {SKIP_PRESENT: 2, SKIP_SHARED: 1}
        new_a, new_b = after["galleries"][f"{r}/new_a"], after["galleries"][f"{r}/new_b"]
        assert (new_a["title"], new_a["tags"], new_a["chapters"]) == ("Set A", ["Old"], [("Second", 1)])
        assert new_b["details"] == "kept words"
        assert after["galleries"][f"{r}/copies/c2.zip"]["rating100"] == 80  # the newest copy kept, both stay
        assert after["galleries"][f"{r}/new_d"]["title"] == "Set D" and f"{r}/old/d.zip" in after["galleries"]
        # a gone zip's image records go with it (as with Stash's Clean); a folder's stay
        assert set(before["images"]) - set(after["images"]) == {f"{r}/old/a.zip/1.jpg", f"{r}/old/a.zip/2.jpg"}
        sim.requests.clear()
        again = run(sim, APPLY_DELETE)
        assert again.output["change_count"] == 0 and sim.requests.mutations() == []


def test_killed_at_any_request_a_rerun_of_the_delete_ends_as_one_run(tmp_path):
    library = disk_library(tmp_path)
    total, problems = kill_and_rerun_at_every_request(lambda: library, APPLY_DELETE)
    assert total >= 6 and problems == []


def test_a_duplicate_whose_folder_is_missing_too_is_not_deleted(tmp_path):
    """A zip gone together with the folder that held it looks like a drive or share that is not
    mounted (on_disk.disk_state: unsure): it is merged but not deleted."""
    (tmp_path / "new").mkdir()
    r = str(tmp_path)
    library = {
        "galleries": [
            {"zip": f"{r}/unmounted/share/a.zip", "images": [{"name": "1.jpg", "md5": md5("A1")}], "title": "Set A"},
            {"folder": f"{r}/new", "images": [{"name": "1.jpg", "md5": md5("A1")}]},
        ]
    }
    with fresh_sim(library) as sim:
        before = state(sim)
        result = run(sim, APPLY_DELETE)
        after = state(sim)
    assert set(after["galleries"]) == set(before["galleries"])
    assert after["galleries"][f"{r}/new"]["title"] == "Set A"  # merged all the same
    assert result.output["skipped"] == {SKIP_DUPLICATE_UNSURE: 1}
