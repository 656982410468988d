"""A failure on one gallery is reported, the run goes on, and the run's error says how many failed."""

from __future__ import annotations

from stash_sim.library import generate_library
from support.manifest import button
from wf_support import (
    CHAPTERS,
    FINISH,
    NEW_GALLERY_TAG,
    PLUGIN,
    SCAN_ZIP,
    TITLE_PATTERN,
    TITLES,
    fresh_sim,
    ids_by_path,
    run,
    scenario_sim,
    state,
)


def test_a_gallery_stash_refuses_is_reported_and_the_others_are_changed(dates_library):
    # Somebody deletes "Bad One" in Stash's UI after the run read it and before it writes:
    # Stash refuses that gallery's update alone ("gallery with id N not found").
    with fresh_sim(dates_library, settings={"titlePattern": TITLE_PATTERN}) as sim:
        # by its exact path: Stash's INCLUDES matches any of the words ("One" is in "Good One" too)
        doomed = ids_by_path(sim)["/d/Bad One [2023-13-45]"]
        sim.faults.add(
            "before",
            operation="galleryUpdate",
            action=lambda: sim.gql("mutation($ids: [ID!]!) { galleryDestroy(input: {ids: $ids}) }", {"ids": [doomed]}),
        )
        result = sim.run_task(TITLES)
        galleries = state(sim)["galleries"]
        assert galleries["/d/Good One [2023-01-02]"]["title"] == "Good One"
        assert galleries["/d/Good One [2023-01-02]"]["date"] == "2023-01-02"
        assert galleries["/d/Plain"]["title"] == "Plain"
        assert "/d/Bad One [2023-13-45]" not in galleries
        out = result.output
        assert (out["scanned"], out["changed"], out["failed_count"]) == (3, 2, 1)
        (failure,) = out["failed"]
        # Stash's message, and the gallery by the name it had when the run read it
        assert failure == {
            "gallery": doomed,
            "name": "Bad One [2023-13-45]",
            "error": f"gallery with id {doomed} not found",
        }
        assert result.error.startswith("1 of 3 galleries failed")
        assert f'gallery "Bad One [2023-13-45]" [{doomed}]' in result.error
        assert result.error.endswith("; the other changes were applied")
        assert any("failed" in m and failure["gallery"] in m for m in result.messages("warning"))
        assert "1 failed" in out["summary"]
        assert any(out["summary"] in m for m in result.messages("info"))


def test_a_pattern_date_that_is_no_date_is_left_out_and_the_title_still_set(dates_library):
    with fresh_sim(dates_library, settings={"titlePattern": TITLE_PATTERN}) as sim:
        result = sim.run_task(TITLES)
        assert result.error is None
        bad = state(sim)["galleries"]["/d/Bad One [2023-13-45]"]
        assert (bad["title"], bad["date"]) == ("Bad One", None)


def test_a_request_stash_fails_fails_its_galleries_and_the_run_goes_on():
    # 30 zips with three inner folders: 90 chapters, sent 50 per request. The first request
    # gets HTTP 500: its galleries fail (17 of them, the last one only partly in that request),
    # the second request still goes out, for the other galleries.
    with fresh_sim(generate_library(60, 3)) as sim:
        sim.faults.add("http_500", operation="galleryChapterCreate")
        result = sim.run_task(CHAPTERS)
        out = result.output
        assert out["failed_count"] == 17
        assert result.error.startswith("17 of 60 galleries failed")
        assert "HTTP 500" in result.error
        chapters = {k: g["chapters"] for k, g in state(sim)["galleries"].items() if k.endswith(".zip")}
        done = {k for k, c in chapters.items() if c}
        assert len(done) == 13
        # a failed gallery got none of its chapters (not even those of the next request)
        assert all(len(c) in (0, 3) for c in chapters.values())
        failed_ids = {f["gallery"] for f in out["failed"]}
        assert len(failed_ids) == 17
        # the rerun finishes the failed galleries, and duplicates nothing
        again = run(sim, CHAPTERS).output
        assert (again["changed"], again["failed_count"]) == (17, 0)
        assert all(len(g["chapters"]) == 3 for k, g in state(sim)["galleries"].items() if k.endswith(".zip"))


def test_finish_keeps_the_mark_on_galleries_whose_changes_failed():
    with scenario_sim("finish") as sim:
        sim.faults.add("http_500", operation="setGalleryCover")  # both new galleries' covers: one request
        result = sim.run_task(FINISH)
        assert result.error is not None and result.error.startswith("2 of 2 galleries failed")
        marked = state(sim)["galleries"]
        assert marked[SCAN_ZIP]["tags"] == [NEW_GALLERY_TAG]  # not done: still marked
        assert len(marked[SCAN_ZIP]["chapters"]) == 3  # what went through stays
        again = run(sim, FINISH).output
        assert (again["scanned"], again["failed_count"]) == (2, 0)
        after = state(sim)["galleries"]
        assert after[SCAN_ZIP]["tags"] == [] and len(after[SCAN_ZIP]["chapters"]) == 3
        assert after[SCAN_ZIP]["cover"].endswith("Night/001.jpg")


def test_a_bad_setting_fails_the_run_with_a_message_that_names_it(dates_library):
    with fresh_sim(dates_library, settings={"coverRule": "sideways"}) as sim:
        result = sim.run_task(button("set_covers"))
        assert result.error is not None and "sideways" in result.error
        assert sim.requests.mutations() == []
        sim.set_plugin_settings(PLUGIN, {"titlePattern": "(unclosed"})
        result = sim.run_task(TITLES)
        assert result.error is not None and "title pattern" in result.error
        assert sim.requests.mutations() == []
