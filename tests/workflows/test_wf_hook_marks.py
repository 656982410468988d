"""The hook cannot lose its work, and Finish says what it keeps marked and why.

A hook run can die before its write lands (killed, Stash stopped): the gallery is then neither
titled nor marked, and Finish new galleries finds it by another route (the galleries made
since its last look). A title pattern that runs too long on one name fails the title only:
the gallery is still marked, and Finish applies the other new-gallery rules. A hand-made
gallery keeps its mark while it has no images, and Finish says so; the mark ends when
nothing is left to do.
"""

from __future__ import annotations

from wf_support import (
    ALL_HOOK_RULES,
    FINISH,
    NEW_GALLERY_TAG,
    SCAN_FOLDER,
    SCAN_FOLDER_IMAGES,
    SCAN_ZIP,
    SCAN_ZIP_IMAGES,
    TITLE_PATTERN,
    fresh_sim,
    ids_by_path,
    run,
    state,
)

BY_HAND = {**ALL_HOOK_RULES, "titlePattern": TITLE_PATTERN, "hookFinishByHand": True}
CATASTROPHIC = r"^(?P<title>(a+)+)$"  # takes hours on STUCK with Python's re (test_wf_pattern_worker)
STUCK = "a" * 35 + "!"
PATTERN_ENGINE_ENV = "GALLERY_TOOLS_PATTERN_ENGINE"  # patterns.ENGINE_ENV, inherited by the plugin processes
CREATE = "mutation($i: GalleryCreateInput!) { galleryCreate(input: $i) { id } }"


def test_a_hook_killed_before_its_write_leaves_a_gallery_finish_still_finishes():
    with fresh_sim(settings=BY_HAND) as sim:
        sim.scan_folder(SCAN_FOLDER, SCAN_FOLDER_IMAGES)  # a hook that runs to its end: the folder is marked
        sim.requests.clear()
        sim.kill_plugin_after(1, hooks=True)  # the zip's hook dies right after its read
        sim.scan_zip(SCAN_ZIP, SCAN_ZIP_IMAGES)
        (killed,) = [r for r in sim.hooks.runs if r.result.error == "signal: killed"]
        untouched = state(sim)["galleries"][SCAN_ZIP]
        assert untouched["title"] in ("", None) and untouched["tags"] == []  # neither titled nor marked
        out = run(sim, FINISH).output
        galleries = state(sim)["galleries"]
        assert killed.hook_context["id"] == int(ids_by_path(sim)[SCAN_ZIP])
    zipped = galleries[SCAN_ZIP]
    assert zipped["title"] == "Party Night" and zipped["date"] == "2023-06-10"
    assert zipped["chapters"] == [("Evening", 1), ("Night/Late", 3), ("Night", 4)]
    assert zipped["tags"] == [] and galleries[SCAN_FOLDER]["tags"] == []
    assert out["failed_count"] == 0


def test_a_title_pattern_stuck_on_one_name_fails_the_title_only(monkeypatch):
    monkeypatch.setenv(PATTERN_ENGINE_ENV, "worker")  # Python's re in a worker, killed when stuck
    settings = {"hookTitles": True, "hookChapters": True, "titlePattern": CATASTROPHIC, "hookFinishByHand": True}
    stuck_zip = f"/library/new/{STUCK}.zip"
    with fresh_sim(settings=settings) as sim:
        sim.scan_zip(stuck_zip, SCAN_ZIP_IMAGES)
        (hook,) = [r.result for r in sim.hooks.runs]
        marked = state(sim)["galleries"][stuck_zip]
        finish = run(sim, FINISH, ok=False)
        galleries = state(sim)["galleries"]
    assert NEW_GALLERY_TAG in marked["tags"]  # marked although the title failed
    assert "title pattern" in (hook.error or "")
    done = galleries[stuck_zip]
    assert done["chapters"] == [("Evening", 1), ("Night/Late", 3), ("Night", 4)]  # the other rule was applied
    assert done["title"] in ("", None)
    assert NEW_GALLERY_TAG in done["tags"]  # its title is not done: it keeps the mark
    assert finish.output["failed_count"] == 1 and "title pattern" in finish.output["failed"][0]["error"]


def test_finish_says_why_a_hand_made_gallery_keeps_its_mark():
    with fresh_sim(settings=BY_HAND) as sim:
        sim.gql(CREATE, {"i": {"title": "Picks for later"}})
        out = run(sim, FINISH).output
        galleries = state(sim)["galleries"]
    assert NEW_GALLERY_TAG in galleries["user:Picks for later"]["tags"]
    (reason,) = [r for r in out["skipped"] if "no images" in r]
    assert "mark" in reason


def test_finish_ends_the_mark_of_a_hand_made_gallery_when_nothing_is_left_to_do():
    """Link scenes and metadata from files need a zip or folder: a hand-made gallery gets nothing
    from them, now or later."""
    settings = {"hookLinkScenes": True, "hookFileMetadata": True, "hookFinishByHand": True}
    with fresh_sim(settings=settings) as sim:
        sim.gql(CREATE, {"i": {"title": "Picks for later"}})
        assert NEW_GALLERY_TAG in state(sim)["galleries"]["user:Picks for later"]["tags"]
        out = run(sim, FINISH).output
        galleries = state(sim)["galleries"]
        gallery_id = ids_by_path(sim)["user:Picks for later"]
    assert galleries["user:Picks for later"]["tags"] == []
    assert any(gallery_id in c.get("galleries", []) for c in out["changes"])
