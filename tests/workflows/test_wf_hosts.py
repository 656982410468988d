"""Every task on the Stash installs people really run: a Windows host, and galleries with video clips.

- Windows (docs/stash.md §9): tests/stash_sim/libraries/windows.yml is the sample library on a
  Stash running on Windows (drive-letter folders, zips on a UNC share, zip members written
  with either separator). Each scenario of the task tests runs on it and must change exactly
  what it changes on the sample, path for path, and settle on a second run.
- Clips (docs/stash.md §9: Image.visual_files is VideoFile | ImageFile): tests/stash_sim/
  libraries/clips.yml holds galleries with clips, whose paths and sizes count like an image's.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from stash_sim import StashSimulator
from stash_sim.library import LIBRARIES, load_library
from wf_support import (
    BEACH,
    CHAPTERS,
    HARBOUR,
    OLD_TRIP,
    PORTRAITS_ZIP,
    RESET_COVERS_APPLY,
    SCAN_FOLDER,
    SCAN_FOLDER_IMAGES,
    SCAN_ZIP,
    SCAN_ZIP_IMAGES,
    SCENARIOS,
    SET_COVERS,
    SUMMER,
    SYNC,
    TITLES,
    diff,
    fresh_sim,
    named_id,
    run,
    state,
    update_images,
)

WINDOWS = load_library(LIBRARIES / "windows.yml")
CLIPS = load_library(LIBRARIES / "clips.yml")


def win(path: Any) -> Any:
    """A sample path as windows.yml has it: zips on \\\\nas\\share, the rest on C:\\Library."""
    if not isinstance(path, str):
        return path
    if path.startswith("/library/zips/"):
        return "\\\\nas\\share\\zips\\" + path[len("/library/zips/") :].replace("/", "\\")
    if path.startswith("/library/"):
        return "C:\\Library\\" + path[len("/library/") :].replace("/", "\\")
    return path


def on_windows(changes: dict) -> dict:
    """A diff() of the sample with every path in Windows form (chapter titles keep their '/')."""
    return {
        (kind, win(key), field): tuple(win(v) for v in values) if field == "cover" else values
        for (kind, key, field), values in changes.items()
    }


# -- the scenarios' set-ups, with Windows paths ----------------------------------------------------
def _metadata_of_their_own(sim: StashSimulator) -> None:
    """wf_support.give_images_metadata_of_their_own on windows.yml."""
    update_images(
        sim,
        [win("/library/photos/Beach 2021/IMG_0002.jpg")],
        tag_ids={"ids": [named_id(sim, "tag", "Archive")], "mode": "ADD"},
    )
    update_images(
        sim,
        [win("/library/photos/Portraits/p02.jpg")],
        performer_ids={"ids": [named_id(sim, "performer", "Bo Lind")], "mode": "ADD"},
    )
    update_images(
        sim, [win("/library/zips/city_walk-2020.zip/a.jpg")], studio_id=named_id(sim, "studio", "Northwind Press")
    )
    update_images(sim, [win(f"{SUMMER}/Day 1/001.jpg")], date="1999-12-31", photographer="Someone")


def _scan(sim: StashSimulator) -> None:
    """wf_support.scan_new_galleries on windows.yml (the hook runs on the Windows paths)."""
    assert sim.scan_folder(win(SCAN_FOLDER), SCAN_FOLDER_IMAGES) is not None
    assert sim.scan_zip(win(SCAN_ZIP), SCAN_ZIP_IMAGES) is not None


WINDOWS_PREPARE: dict[str, Callable[[StashSimulator], None] | None] = {
    "sync": _metadata_of_their_own,
    "sync_mirror": _metadata_of_their_own,
    "finish": _scan,
}
# The scenarios that read files on disk: a Windows host's library cannot be put on this disk
# (the simulator refuses it), so on windows.yml they would only find nothing to read.
ON_WINDOWS = [name for name in SCENARIOS if not SCENARIOS[name].on_disk]


@contextmanager
def windows_sim(name: str) -> Iterator[StashSimulator]:
    with fresh_sim(WINDOWS, settings=SCENARIOS[name].settings) as sim:
        prepare = WINDOWS_PREPARE.get(name)
        if prepare is not None:
            prepare(sim)
        sim.requests.clear()
        yield sim


# Where Stash itself orders a gallery differently on Windows. The order key is folder path and
# base name with no separator between them, compared in NATURAL_CI (pkg/sqlite/image.go
# defaultGalleryOrder): `...\\Night` + `001.jpg` against `...\\Night\\Late` + `001.jpg` compares a digit
# with `\\`, and digits sort first, while on Linux `/` sorts before digits. So the images of
# Night/Late come after those of Night on Windows, and the chapters point there.
WINDOWS_ORDER = {
    "finish": {("galleries", win(SCAN_ZIP), "chapters"): ([], [("Evening", 1), ("Night", 3), ("Night/Late", 5)])},
}


@pytest.mark.parametrize("name", ON_WINDOWS)
def test_every_task_on_a_windows_host_does_what_it_does_on_linux(name, scenario_run):
    sample = scenario_run(name)
    with windows_sim(name) as sim:
        before = state(sim)
        first = run(sim, SCENARIOS[name].button)
        after = state(sim)
        sim.requests.clear()
        second = run(sim, SCENARIOS[name].button)
        writes = sim.requests.mutations()
        after_second = state(sim)
    assert diff(before, after) == {**on_windows(diff(sample.before, sample.after)), **WINDOWS_ORDER.get(name, {})}
    for key in ("scanned", "changed", "unchanged", "skipped", "failed_count", "change_count"):
        assert first.output[key] == sample.first.output[key], key
    assert writes == [] and second.output["change_count"] == 0
    assert after_second == after


def test_the_windows_library_is_the_sample_on_windows(sim):
    """windows.yml stays in step with sample.yml: the same galleries and images, paths mapped."""
    with StashSimulator(WINDOWS) as windows:
        sample_state, windows_state = state(sim), state(windows)
    assert sorted(windows_state["images"]) == sorted(win(p) for p in sample_state["images"])
    assert {win(k): {**v, "cover": win(v["cover"])} for k, v in sample_state["galleries"].items()} == windows_state[
        "galleries"
    ]


@pytest.mark.parametrize(
    "path, expected",
    [
        ("C:\\Library\\photos", {win(p) for p in (BEACH, HARBOUR, OLD_TRIP)}),
        ("c:/library/photos/", {win(p) for p in (BEACH, HARBOUR, OLD_TRIP)}),  # either separator, any case
        ("\\\\nas\\share\\zips", {win(SUMMER), win("/library/zips/city_walk-2020.zip"), win(PORTRAITS_ZIP)}),
        ("\\\\nas\\share\\zips\\Summer Trip [2022", {win(SUMMER)}),  # regex characters taken literally
        ("D:\\Library", set()),
    ],
)
def test_the_path_scope_on_a_windows_host(path, expected):
    with fresh_sim(WINDOWS) as sim:
        before = state(sim)
        out = run(sim, TITLES, {"path": path}).output
        changed = {key for (kind, key, field) in diff(before, state(sim)) if kind == "galleries"}
    assert changed == expected
    assert out["failed_count"] == 0


def test_a_windows_zip_gets_its_title_from_its_name_only():
    """`C:\\Galleries\\Summer_Trip.2022.zip` is not titled `C:\\Galleries\\Summer Trip 2022`."""
    library = {
        "host": "windows",
        "galleries": [
            {"zip": "C:\\Galleries\\Summer_Trip.2022.zip", "images": ["a.jpg"]},
            {"folder": "\\\\nas\\photos\\Beach_Day", "images": ["a.jpg"]},
        ],
    }
    with fresh_sim(library) as sim:
        run(sim, TITLES)
        titles = {k: v["title"] for k, v in state(sim)["galleries"].items()}
    assert titles == {
        "C:\\Galleries\\Summer_Trip.2022.zip": "Summer Trip 2022",
        "\\\\nas\\photos\\Beach_Day": "Beach Day",
    }


# -- clips -----------------------------------------------------------------------------------------
PARTY = "/library/clips/Party"
TRIP = "/library/clips/Trip.zip"
POSTER = "/library/clips/Poster"
ONLY_CLIPS = "/library/clips/Only clips_2020.zip"


def test_chapters_count_clips_like_images():
    with fresh_sim(CLIPS) as sim:
        before = state(sim)
        out = run(sim, CHAPTERS).output
        changes = diff(before, state(sim))
    assert changes == {("galleries", TRIP, "chapters"): ([], [("Day 1", 1), ("Day 2", 3)])}
    assert "images without file paths" not in out["skipped"]
    assert out["skipped"] == {"images share one folder": 3}


def test_covers_see_clips_and_their_sizes():
    with fresh_sim(CLIPS) as sim:
        before = state(sim)
        out = run(sim, SET_COVERS).output
        changes = diff(before, state(sim))
    # Party: the portrait clip is the rule's pick; Poster: Stash's own pick is the clip poster.mp4,
    # which the rule picks too (no change, and it is not taken for a chosen cover)
    assert changes == {("galleries", PARTY, "cover"): (f"{PARTY}/a_intro.mp4", f"{PARTY}/b_dance.webm")}
    assert out["skipped"] == {"the cover rule picks no image": 2}
    assert out["unchanged"] == 1


def test_a_clip_that_is_stashs_default_cover_is_not_taken_for_a_chosen_one():
    with fresh_sim(CLIPS) as sim:
        out = run(sim, RESET_COVERS_APPLY).output
        assert sim.requests.mutations() == []
    assert out["change_count"] == 0


def test_titles_and_sync_on_clips():
    with fresh_sim(CLIPS) as sim:
        run(sim, TITLES)
        run(sim, SYNC)
        after = state(sim)
    assert after["galleries"][ONLY_CLIPS]["title"] == "Only clips 2020"
    assert {p: i["tags"] for p, i in after["images"].items() if p.startswith(PARTY + "/")} == {
        f"{PARTY}/{name}": ["Clips"] for name in ("a_intro.mp4", "b_dance.webm", "c.jpg", "d.jpg")
    }


def test_clips_are_visual_files_but_not_image_files(sim):
    """The simulator: a clip's visual file is a VideoFile; Image.files lists ImageFiles only
    (internal/api/resolver_model_image.go)."""
    with StashSimulator(CLIPS) as clips:
        data = clips.gql(
            '{ findImages(image_filter: {path: {value: "b_dance", modifier: INCLUDES}}) { images {'
            " files { path } visual_files { __typename ... on VideoFile { path width height duration }"
            " } } } }"
        )
    (found,) = data["findImages"]["images"]
    assert found["files"] == []
    assert found["visual_files"] == [
        {"__typename": "VideoFile", "path": f"{PARTY}/b_dance.webm", "width": 720, "height": 1280, "duration": 12.5}
    ]
