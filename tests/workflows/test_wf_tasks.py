"""Every task end to end on the sample library: the buttons of gallery_tools.yml, run as Stash runs them.

For each task: the result is right (the exact change of the library's state), a dry run
changes nothing and reports the planned changes, deleting or replacing tasks preview by
default, the dryRun setting previews and the run's dry_run wins, and a second run right
after the first makes no writes at all (the request log proves it).
"""

from __future__ import annotations

import pytest
from wf_support import (
    BEACH,
    BEST,
    CHAPTERS,
    CITY,
    COMIC,
    EMPTY,
    HARBOUR,
    NEW_GALLERY_TAG,
    NIGHT_MARKET,
    OLD_TRIP,
    PLUGIN,
    PORTRAITS,
    PORTRAITS_ZIP,
    SCAN_FOLDER,
    SCAN_ZIP,
    SCENARIOS,
    SET_COVERS,
    SUMMER,
    SYNC,
    TITLES,
    diff,
    portable,
    run,
    scenario_sim,
    state,
)

SAMPLE_KEYS = [BEACH, PORTRAITS, SUMMER, CITY, BEST, EMPTY]


def image_diff(paths, field, old, new):
    return {("images", p, field): (old, new) for p in paths}


BEACH_IMAGES = [f"{BEACH}/IMG_0001.jpg", f"{BEACH}/IMG_0002.jpg", f"{BEACH}/cover.jpg", f"{BEACH}/IMG_0010.jpg"]
PORTRAIT_IMAGES = [f"{PORTRAITS}/p01.jpg", f"{PORTRAITS}/p02.jpg", f"{PORTRAITS}/p03.jpg"]
SUMMER_IMAGES = [
    f"{SUMMER}/Day 1/001.jpg",
    f"{SUMMER}/Day 1/002.jpg",
    f"{SUMMER}/Day 2/001.jpg",
    f"{SUMMER}/Day 2/002.jpg",
    f"{SUMMER}/Day 10/001.jpg",
]


# -- (1) the result on the sample library ---------------------------------------------------------
def test_chapters_from_folders_on_the_sample(scenario_run):
    runs = scenario_run("chapters")
    result, before, after = runs.first, runs.before, runs.after
    assert diff(before, after) == {
        ("galleries", SUMMER, "chapters"): ([], [("Day 1", 1), ("Day 2", 3), ("Day 10", 5)]),
        # Best of 2021 keeps its own chapter "Beach" at image 1, where the "loose" folder starts:
        # no second chapter there
        ("galleries", BEST, "chapters"): (
            [("Beach", 1)],
            [("Beach", 1), ("photos/Beach 2021", 2), ("photos/Portraits", 3)],
        ),
    }
    out = result.output
    assert (out["scanned"], out["changed"], out["failed_count"]) == (11, 2, 0)
    # one folder each: Beach 2021, Portraits, city_walk, the Portraits zip, the comic, Night Market,
    # Harbour; no images: Empty Collection, Old Trip
    assert out["skipped"] == {"images share one folder": 7, "no images": 2}


def test_chapters_replace_apply_on_the_sample(scenario_run):
    runs = scenario_run("chapters_replace")
    before, after = runs.before, runs.after
    assert diff(before, after) == {
        ("galleries", SUMMER, "chapters"): ([], [("Day 1", 1), ("Day 2", 3), ("Day 10", 5)]),
        ("galleries", BEST, "chapters"): (
            [("Beach", 1)],
            [("loose", 1), ("photos/Beach 2021", 2), ("photos/Portraits", 3)],
        ),
    }


def test_set_covers_on_the_sample(scenario_run):
    runs = scenario_run("set_covers")
    result, before, after = runs.first, runs.before, runs.after
    # city_walk and the Portraits zip change: b.jpg and p02.jpg are their first portrait images.
    # Beach 2021 shows cover.jpg (the rule's pick), Portraits has a chosen cover, the others have
    # no image the rule picks
    assert diff(before, after) == {
        ("galleries", CITY, "cover"): (f"{CITY}/a.jpg", f"{CITY}/b.jpg"),
        ("galleries", PORTRAITS_ZIP, "cover"): (f"{PORTRAITS_ZIP}/p01.jpg", f"{PORTRAITS_ZIP}/p02.jpg"),
    }
    assert result.output["skipped"] == {
        "has a chosen cover (it differs from Stash's default pick)": 1,
        "no images": 2,
        "the cover rule picks no image": 5,
    }


def test_reset_covers_apply_on_the_sample(scenario_run):
    runs = scenario_run("reset_covers")
    before, after = runs.before, runs.after
    assert diff(before, after) == {("galleries", PORTRAITS, "cover"): (f"{PORTRAITS}/p03.jpg", f"{PORTRAITS}/p01.jpg")}


def test_title_from_path_on_the_sample(scenario_run):
    runs = scenario_run("titles")
    before, after = runs.before, runs.after
    assert diff(before, after) == {
        ("galleries", BEACH, "title"): ("", "Beach 2021"),
        ("galleries", SUMMER, "title"): ("", "Summer Trip"),  # the pattern's title group
        ("galleries", SUMMER, "date"): (None, "2022-08-01"),  # and its date group
        ("galleries", CITY, "title"): ("", "city walk-2020"),
        ("galleries", PORTRAITS_ZIP, "title"): ("", "Portraits"),
        ("galleries", COMIC, "title"): ("", "Coast 3"),
        ("galleries", NIGHT_MARKET, "title"): ("", "Night Market"),
        ("galleries", HARBOUR, "title"): ("", "Harbour"),
        ("galleries", OLD_TRIP, "title"): ("", "Old Trip"),
    }  # "Studio Portraits" and the user-created galleries keep their titles


def test_sync_images_from_gallery_on_the_sample(scenario_run):
    runs = scenario_run("sync")
    before, after = runs.before, runs.after
    expected = {
        **image_diff(BEACH_IMAGES, "tags", [], ["Beach"]),
        **image_diff(BEACH_IMAGES, "performers", [], ["Ada Vale"]),
        **image_diff(BEACH_IMAGES, "studio", None, "Lumen Studio"),
        **image_diff(BEACH_IMAGES, "date", None, "2021-07-14"),
        **image_diff(PORTRAIT_IMAGES, "tags", [], ["Portrait"]),
        **image_diff(PORTRAIT_IMAGES, "photographer", None, "Jo Marsh"),
        **image_diff(SUMMER_IMAGES, "tags", [], ["Travel"]),
        **image_diff(SUMMER_IMAGES, "performers", [], ["Bo Lind"]),
    }
    # add-only: what images have of their own stays (p02's own performer, Day 1/001's own date
    # and photographer, a.jpg's own studio: none of them changes)
    expected[("images", f"{BEACH}/IMG_0002.jpg", "tags")] = (["Archive"], ["Archive", "Beach"])
    assert diff(before, after) == expected
    assert after["images"][f"{PORTRAITS}/p02.jpg"]["performers"] == ["Bo Lind"]
    assert after["images"][f"{SUMMER}/Day 1/001.jpg"]["date"] == "1999-12-31"
    assert after["images"][f"{CITY}/a.jpg"]["studio"] == "Northwind Press"


def test_sync_mirror_apply_on_the_sample(scenario_run):
    runs = scenario_run("sync_mirror")
    before, after = runs.before, runs.after
    expected = {
        **image_diff(BEACH_IMAGES, "tags", [], ["Beach"]),
        **image_diff(BEACH_IMAGES, "performers", [], ["Ada Vale"]),
        **image_diff(BEACH_IMAGES, "studio", None, "Lumen Studio"),
        **image_diff(BEACH_IMAGES, "date", None, "2021-07-14"),
        **image_diff(PORTRAIT_IMAGES, "tags", [], ["Portrait"]),
        **image_diff(PORTRAIT_IMAGES, "photographer", None, "Jo Marsh"),
        **image_diff(SUMMER_IMAGES, "tags", [], ["Travel"]),
        **image_diff(SUMMER_IMAGES, "performers", [], ["Bo Lind"]),
        # mirror: what the galleries do not have goes
        ("images", f"{BEACH}/IMG_0002.jpg", "tags"): (["Archive"], ["Beach"]),
        ("images", f"{PORTRAITS}/p02.jpg", "performers"): (["Bo Lind"], []),
        ("images", f"{CITY}/a.jpg", "studio"): ("Northwind Press", None),
        ("images", f"{SUMMER}/Day 1/001.jpg", "date"): ("1999-12-31", None),
        ("images", f"{SUMMER}/Day 1/001.jpg", "photographer"): ("Someone", None),
        # Harbour has no tags or performers, its images' own go
        ("images", f"{HARBOUR}/h01.jpg", "tags"): (["Travel"], []),
        ("images", f"{HARBOUR}/h02.jpg", "tags"): (["Archive", "Travel"], []),
        ("images", f"{HARBOUR}/h01.jpg", "performers"): (["Bo Lind"], []),
        ("images", f"{HARBOUR}/h02.jpg", "performers"): (["Bo Lind"], []),
    }
    assert diff(before, after) == expected


def test_finish_new_galleries_on_the_sample(scenario_run):
    runs = scenario_run("finish")
    result, before, after = runs.first, runs.before, runs.after
    changes = diff(before, after)
    # the hook already gave the new galleries their titles (and dates) and the marker tag
    assert before["galleries"][SCAN_FOLDER]["title"] == "Hike"
    assert before["galleries"][SCAN_ZIP]["tags"] == [NEW_GALLERY_TAG]
    folder_images = [p for p in after["images"] if p.startswith(SCAN_FOLDER + "/")]
    zip_images = [p for p in after["images"] if p.startswith(SCAN_ZIP + "/")]
    assert changes == {
        ("galleries", SCAN_FOLDER, "cover"): (f"{SCAN_FOLDER}/a01.jpg", f"{SCAN_FOLDER}/a03.jpg"),
        ("galleries", SCAN_FOLDER, "tags"): ([NEW_GALLERY_TAG], []),
        ("galleries", SCAN_ZIP, "chapters"): ([], [("Evening", 1), ("Night/Late", 3), ("Night", 4)]),
        ("galleries", SCAN_ZIP, "cover"): (f"{SCAN_ZIP}/Evening/001.jpg", f"{SCAN_ZIP}/Night/001.jpg"),
        ("galleries", SCAN_ZIP, "tags"): ([NEW_GALLERY_TAG], []),
        **image_diff(folder_images, "date", None, "2023-05-01"),
        **image_diff(zip_images, "date", None, "2023-06-10"),
    }
    assert len(folder_images) == 4 and len(zip_images) == 5
    assert (result.output["scanned"], result.output["changed"]) == (2, 2)
    # the sample's own galleries are not new: untouched
    assert all(after["galleries"][k] == before["galleries"][k] for k in SAMPLE_KEYS)


# -- (2) a dry run changes nothing and reports the planned changes -------------------------------
@pytest.mark.parametrize("name", list(SCENARIOS))
def test_a_dry_run_changes_nothing_and_reports_what_the_run_would_do(name, scenario_run):
    applied = scenario_run(name).first
    button, args = SCENARIOS[name].preview
    with scenario_sim(name) as sim:
        before = state(sim)
        preview = run(sim, button, args)
        assert sim.requests.mutations() == []
        assert state(sim) == before
        preview.output = portable(sim, preview.output)  # as scenario_run's outputs (a library on disk)
    assert preview.output["dry_run"] is True and applied.output["dry_run"] is False
    assert preview.output["changes"] == applied.output["changes"]
    assert preview.output["changes"], "the scenario should have something to change"
    assert preview.output["change_count"] == applied.output["change_count"]
    assert "would change" in preview.output["summary"]
    assert (preview.output["scanned"], preview.output["changed"]) == (
        applied.output["scanned"],
        applied.output["changed"],
    )


# -- (3) deleting or replacing previews unless the run says apply --------------------------------
@pytest.mark.parametrize(
    "name, args",
    [
        ("chapters_replace", {"mode": "chapters_from_folders", "replace": "true"}),
        ("reset_covers", {"mode": "reset_covers"}),
        ("sync_mirror", {"mode": "sync_images_from_gallery", "mirror": True}),
        ("clean_empty", {"mode": "clean_empty_galleries"}),
    ],
)
def test_destructive_runs_preview_unless_told_to_apply(name, args):
    with scenario_sim(name) as sim:
        before = state(sim)
        preview = sim.run_operation(args)  # no dry_run given (runPluginOperation adds no defaults)
        assert preview.error is None, preview.error
        assert preview.output["dry_run"] is True and preview.output["change_count"] > 0
        assert sim.requests.mutations() == []
        assert state(sim) == before
        sim.requests.clear()
        applied = sim.run_operation({**args, "dry_run": "false"})
        assert applied.error is None and applied.output["dry_run"] is False
        assert sim.requests.mutations()
        assert state(sim) != before


def test_the_mirror_setting_makes_the_plain_sync_button_preview():
    with scenario_sim("sync_mirror") as sim:
        sim.set_plugin_settings(PLUGIN, {"syncMirror": True})
        before = state(sim)
        result = run(sim, SYNC)
        assert result.output["dry_run"] is True and result.output["change_count"] > 0
        assert sim.requests.mutations() == [] and state(sim) == before


@pytest.mark.parametrize("name", ["chapters", "set_covers", "titles", "sync", "finish"])
def test_the_dry_run_setting_previews_and_the_runs_dry_run_false_wins(name):
    with scenario_sim(name) as sim:
        sim.set_plugin_settings(PLUGIN, {**sim.plugin_settings(PLUGIN), "dryRun": True})
        before = state(sim)
        preview = run(sim, SCENARIOS[name].button)
        assert preview.output["dry_run"] is True and preview.output["change_count"] > 0
        assert sim.requests.mutations() == [] and state(sim) == before
        applied = run(sim, SCENARIOS[name].button, {"dry_run": "false"})
        assert applied.output["dry_run"] is False
        assert applied.output["changes"] == preview.output["changes"]
        assert state(sim) != before


def test_dry_run_accepts_booleans_too():
    with scenario_sim("chapters") as sim:
        assert run(sim, CHAPTERS, {"dry_run": True}).output["dry_run"] is True
        assert sim.requests.mutations() == []
        assert run(sim, CHAPTERS, {"dry_run": False}).output["dry_run"] is False
        assert sim.requests.mutations()


def test_a_bad_dry_run_value_is_refused_before_anything_is_sent():
    with scenario_sim("chapters") as sim:
        result = sim.run_task(CHAPTERS, {"dry_run": "maybe"})
        assert result.error is not None and "dry_run" in result.error
        assert len(sim.requests) == 0


# -- (4) a second run right after the first writes nothing ----------------------------------------
@pytest.mark.parametrize("name", list(SCENARIOS))
def test_a_second_run_makes_zero_writes(name, scenario_run):
    runs = scenario_run(name)
    assert runs.first.output["change_count"] > 0
    assert any(r.is_mutation for r in runs.first_requests)
    writes = [r.root_fields for r in runs.second_requests if r.is_mutation]
    assert writes == []
    assert runs.second_requests  # it did read
    assert runs.second.output["change_count"] == 0 and runs.second.output["changed"] == 0
    assert runs.after_second == runs.after


def test_tasks_one_after_another_settle():
    # every task once, then every task again: the second round writes nothing
    with scenario_sim("sync") as sim:
        buttons = [TITLES, CHAPTERS, SET_COVERS, SYNC]
        for button in buttons:
            run(sim, button)
        sim.requests.clear()
        for button in buttons:
            run(sim, button)
        assert sim.requests.mutations() == []
