"""The new-gallery rules hookLinkScenes and hookFileMetadata: through the hook's
deferred path, a scan ends, with no button pressed, as Link scenes / Import file metadata leave
an unhooked copy scanned the same way (the new galleries only: the mark is the scope).

A scan creates a gallery with its first image and runs Gallery.Create.Post then (docs/stash.md
§3); the hook marks the gallery and queues Finish new galleries, which Stash's job queue runs
once the scan is over (docs/stash.md §10).
"""

from __future__ import annotations

import copy
import json
import zipfile
from pathlib import Path
from typing import Any

from wf_support import (
    FINISH,
    LINK_SCENES,
    NEW_GALLERY_TAG,
    REPO,
    SAMPLE,
    SCAN_FOLDER,
    SCAN_ZIP,
    fresh_sim,
    run,
    scan_new_galleries,
    state,
)

IMPORT = "Import file metadata"
FINISH_JOB = "Running plugin task: Finish new galleries"


def scene_library() -> dict[str, Any]:
    """The sample library with a video named like the scanned zip, next to it, and one inside the
    scanned folder (Stash's scenes; link_scenes' rules)."""
    library = copy.deepcopy(SAMPLE)
    library["scenes"] = [
        *library["scenes"],
        {"title": "Party Video", "path": SCAN_ZIP.removesuffix(".zip") + ".mp4"},
        {"title": "Trail Video", "path": f"{SCAN_FOLDER}/trail.mp4"},
    ]
    return library


def scanned_end_state(
    settings: dict[str, Any], library: dict[str, Any], scan: Any
) -> tuple[dict[str, Any], dict[str, Any], Any, list[Any]]:
    """(before, after) of a scan with the plugin and `settings`, the one task run, and the jobs."""
    with fresh_sim(library, settings=settings) as hooked:
        before = state(hooked)
        scan(hooked)
        after = state(hooked)
        jobs = [(job.description, job.status) for job in hooked.jobs.history]
        (finish,) = hooked.task_runs  # nobody pressed a button: the run the hook queued
        hook_outputs = [r.result.output for r in hooked.hooks.runs]
    assert all(out["marked"] and out["finish"] in ("queued now", "already queued") for out in hook_outputs)
    return before, after, finish, jobs


def plain_end_state(settings: dict[str, Any], library: dict[str, Any], scan: Any, button: str) -> dict[str, Any]:
    """The same scan with no plugin (no hook), then `button` on the new galleries."""
    with fresh_sim(library, settings=settings, install=False) as plain:
        created = scan(plain)
        assert plain.hooks.runs == []
        plain.install_plugin(REPO)
        run(plain, button, {"gallery_ids": ",".join(created)})
        return state(plain)


def test_a_scan_with_hook_link_scenes_ends_linked_with_no_button_pressed():
    settings = {"hookLinkScenes": True, "linkScenesCopyMetadata": True}
    library = scene_library()
    before, hooked, finish, jobs = scanned_end_state(settings, library, lambda s: list(scan_new_galleries(s)))
    plain = plain_end_state(settings, library, lambda s: list(scan_new_galleries(s)), LINK_SCENES)

    assert jobs == [("Scanning...", "FINISHED"), (FINISH_JOB, "FINISHED")]
    assert finish.error is None and finish.output["scanned"] == 2 and finish.output["failed_count"] == 0
    assert hooked == plain
    # the full result, not an empty one: linked, and the scene's title where the gallery had none
    galleries = hooked["galleries"]
    assert galleries[SCAN_ZIP]["scenes"] == ["Party Video"] and galleries[SCAN_ZIP]["title"] == "Party Video"
    assert galleries[SCAN_FOLDER]["scenes"] == ["Trail Video"] and galleries[SCAN_FOLDER]["title"] == "Trail Video"
    assert not any(NEW_GALLERY_TAG in g["tags"] for g in galleries.values())
    # only the new galleries: the sample's galleries that Link scenes would link are left alone
    assert {k: v for k, v in galleries.items() if k in before["galleries"]} == before["galleries"]


def make_disk_sets(root: Path) -> tuple[str, str]:
    """A cbz with a ComicInfo.xml and a folder with a gallery-dl info.json, really on disk."""
    cbz = root / "new" / "Coast 3.cbz"
    cbz.parent.mkdir(parents=True)
    with zipfile.ZipFile(cbz, "w") as archive:
        archive.writestr(
            "ComicInfo.xml",
            "<ComicInfo><Title>The Harbour</Title><Summary>Boats.</Summary>"
            "<Writer>Ann Lee</Writer><Year>2019</Year><Tags>Beach</Tags></ComicInfo>",
        )
        archive.writestr("001.jpg", b"j")
    folder = root / "new" / "Dunes"
    folder.mkdir()
    (folder / "info.json").write_text(
        json.dumps({"title": "Dunes", "date": "2018-10-11", "tags": ["Travel"], "url": "https://g.example/9"})
    )
    return str(cbz), str(folder)


def test_a_scan_with_hook_file_metadata_ends_filled_with_no_button_pressed(tmp_path):
    cbz, folder = make_disk_sets(tmp_path)

    def scan(sim: Any) -> list[str]:
        ids = sim.scan([("zip", cbz, ["001.jpg"]), ("folder", folder, ["1.jpg", "2.jpg"])])
        sim.jobs.wait_idle()
        return [str(i) for i in ids]

    settings = {"hookFileMetadata": True}
    library = {"tags": ["Beach", "Travel"], "galleries": [{"title": "Mine", "images": []}]}
    before, hooked, finish, jobs = scanned_end_state(settings, library, scan)
    plain = plain_end_state(settings, library, scan, IMPORT)

    assert jobs == [("Scanning...", "FINISHED"), (FINISH_JOB, "FINISHED")]
    assert finish.error is None and finish.output["failed_count"] == 0
    assert finish.output["import_file_metadata"]["changed"] == 2
    assert hooked == plain
    # the full result, not an empty one: what the files say, where the galleries had nothing
    galleries = hooked["galleries"]
    fields = ("title", "date", "details", "photographer", "tags", "urls")
    assert {f: galleries[cbz][f] for f in fields} == {
        "title": "The Harbour",
        "date": "2019-01-01",
        "details": "Boats.",
        "photographer": "Ann Lee",
        "tags": ["Beach"],
        "urls": [],
    }
    assert {f: galleries[folder][f] for f in fields} == {
        "title": "Dunes",
        "date": "2018-10-11",
        "details": None,
        "photographer": "",
        "tags": ["Travel"],
        "urls": ["https://g.example/9"],
    }
    assert galleries["user:Mine"] == before["galleries"]["user:Mine"]  # not new, not marked: left alone
    assert not any(NEW_GALLERY_TAG in g["tags"] for g in hooked["galleries"].values())


def test_with_both_settings_off_the_hook_marks_nothing_and_queues_nothing():
    with fresh_sim(scene_library(), settings={"linkScenesCopyMetadata": True}) as sim:
        before = state(sim)
        scan_new_galleries(sim)
        assert [job.description for job in sim.jobs.history] == ["Scanning..."] and sim.task_runs == []
        assert all("no new-gallery rules" in r.result.output["result"] for r in sim.hooks.runs)
        assert all(
            g["scenes"] == [] and g["title"] in ("", None)
            for k, g in state(sim)["galleries"].items()
            if k not in before["galleries"]
        )


def test_finish_previews_with_dry_run_and_keeps_the_marks(tmp_path):
    cbz, folder = make_disk_sets(tmp_path)
    settings = {"hookFileMetadata": True, "hookLinkScenes": True, "hookFinishByHand": True}
    with fresh_sim(
        {"tags": ["Beach", "Travel"], "galleries": [{"title": "Mine", "images": []}]}, settings=settings
    ) as sim:
        sim.scan([("zip", cbz, ["001.jpg"]), ("folder", folder, ["1.jpg"])])
        sim.jobs.wait_idle()
        marked = state(sim)
        assert sim.task_runs == [] and all(NEW_GALLERY_TAG in marked["galleries"][p]["tags"] for p in (cbz, folder))
        sim.requests.clear()
        preview = run(sim, FINISH, {"dry_run": "true"}).output
        assert sim.requests.mutations() == [] and state(sim) == marked
        assert preview["import_file_metadata"]["changed"] == 2
        applied = run(sim, FINISH).output
        assert applied["change_count"] == preview["change_count"] > 0
        assert state(sim)["galleries"][cbz]["title"] == "The Harbour"
        assert not any(NEW_GALLERY_TAG in g["tags"] for g in state(sim)["galleries"].values())


def test_a_gallery_whose_file_metadata_failed_keeps_its_mark_and_the_next_finish_completes_it(tmp_path):
    cbz, folder = make_disk_sets(tmp_path)
    settings = {"hookFileMetadata": True, "hookFinishByHand": True}
    with fresh_sim({"tags": ["Beach", "Travel"]}, settings=settings) as sim:
        sim.scan([("zip", cbz, ["001.jpg"]), ("folder", folder, ["1.jpg"])])
        sim.jobs.wait_idle()
        sim.faults.add("http_500", operation="galleryUpdate")  # the title/date/details writes of both
        failed = sim.run_task(FINISH)
        assert failed.output["failed_count"] == 2 and "metadata from files" in failed.error
        galleries = state(sim)["galleries"]
        assert all(
            NEW_GALLERY_TAG in galleries[p]["tags"] and galleries[p]["title"] in ("", None) for p in (cbz, folder)
        )
        again = run(sim, FINISH).output
        assert again["failed_count"] == 0
        galleries = state(sim)["galleries"]
        assert (galleries[cbz]["title"], galleries[folder]["title"]) == ("The Harbour", "Dunes")
        assert not any(NEW_GALLERY_TAG in g["tags"] for g in galleries.values())
