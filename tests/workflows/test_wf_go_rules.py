"""End to end: dates as Stash parses them, Stash's Go cover regex, and user patterns in bounded time."""

from __future__ import annotations

from wf_support import SET_COVERS, TITLES, fresh_sim, run, state

DATE_PATTERN = r"^(?P<title>.+?) \[(?P<date>[\d-]+)\]$"
EVIL_PATTERN = r"^(?P<title>(a|aa)+)$"  # exponential backtracking: `re` needs ~15 s on 38 letters and a '!'
EVIL_NAME = "a" * 38 + "!"


def test_the_hook_leaves_out_a_date_stash_refuses_and_still_sets_the_title():
    """`2022-1-5` passed the old check; Stash refuses it and, with it, the whole update (title too)."""
    with fresh_sim({}, settings={"hookTitles": True, "titlePattern": DATE_PATTERN}) as sim:
        gallery_id = sim.scan_folder("/library/new/Hike [2022-1-5]", ["a.jpg"])
        (hook_run,) = [r for r in sim.hooks.runs if r.trigger == "Gallery.Create.Post"]
        assert hook_run.result.error is None, hook_run.result.error
        found = sim.gql("query($id: ID!) { findGallery(id: $id) { title date } }", {"id": str(gallery_id)})
    assert found["findGallery"] == {"title": "Hike", "date": None}


def test_the_task_sends_only_dates_stash_accepts():
    library = {
        "galleries": [
            {"folder": f"/d/Trip [{date}]", "images": ["1.jpg"]}
            for date in ("2022-1-5", "2022-01-05", "2022-01", "0000")
        ]
    }
    with fresh_sim(library, settings={"titlePattern": DATE_PATTERN}) as sim:
        out = run(sim, TITLES).output
        galleries = state(sim)["galleries"]
    assert out["failed_count"] == 0
    assert {key: (g["title"], g["date"]) for key, g in galleries.items()} == {
        "/d/Trip [2022-1-5]": ("Trip", None),
        "/d/Trip [2022-01-05]": ("Trip", "2022-01-05"),
        "/d/Trip [2022-01]": ("Trip", "2022-01"),
        "/d/Trip [0000]": ("Trip", "0000"),
    }


def test_a_title_pattern_that_never_finishes_fails_the_hook_quickly_and_the_scan_goes_on():
    with fresh_sim({}, settings={"hookTitles": True, "titlePattern": EVIL_PATTERN}) as sim:
        evil = sim.scan_folder(f"/library/new/{EVIL_NAME}", ["a.jpg", "b.jpg"])
        fine = sim.scan_folder("/library/new/aaaa", ["a.jpg"])
        runs = {r.hook_context["id"]: r.result for r in sim.hooks.runs if r.trigger == "Gallery.Create.Post"}
        titles = {k: g["title"] for k, g in state(sim)["galleries"].items()}
    assert runs[evil].error is not None and "title pattern" in runs[evil].error
    assert "took more than" in runs[evil].error
    assert runs[fine].error is None
    assert titles == {f"/library/new/{EVIL_NAME}": "", "/library/new/aaaa": "aaaa"}


def test_a_pattern_arg_that_never_finishes_fails_that_gallery_only():
    library = {
        "galleries": [{"folder": f"/p/{EVIL_NAME}", "images": ["1.jpg"]}, {"folder": "/p/aaaa", "images": ["1.jpg"]}]
    }
    with fresh_sim(library) as sim:
        result = sim.run_task(TITLES, {"pattern": EVIL_PATTERN})
        titles = {k: g["title"] for k, g in state(sim)["galleries"].items()}
    out = result.output
    assert (out["scanned"], out["changed"], out["failed_count"]) == (2, 1, 1)
    assert "title pattern" in out["failed"][0]["error"] and "took more than" in out["failed"][0]["error"]
    assert result.error is not None and result.error.startswith("1 of 2 galleries failed")
    assert titles == {f"/p/{EVIL_NAME}": "", "/p/aaaa": "aaaa"}


def test_a_go_only_cover_regex_never_gets_a_chosen_cover_replaced():
    """Stash's cover regex `front\\.[^.]+\\z` is Go syntax: Python refuses `\\z`. The old fallback to the
    default regex took the person's chosen cover.jpg for Stash's own pick and replaced it."""
    library = {
        "galleries": [
            {
                "folder": "/c/Set",
                "cover": "cover.jpg",
                "images": ["a.jpg", {"name": "b.jpg", "width": 600, "height": 900}, "cover.jpg", "front.jpg"],
            }
        ]
    }
    with fresh_sim(library) as sim:
        sim.config.gallery_cover_regex = r"front\.[^.]+\z"
        out = run(sim, SET_COVERS, {"rule": "portrait"}).output
        assert sim.requests.mutations() == []
        cover = state(sim)["galleries"]["/c/Set"]["cover"]
    assert cover == "/c/Set/cover.jpg"
    assert out["changed"] == 0 and out["skipped"] and sum(out["skipped"].values()) == 1
