"""Every task on the sample library scanned from real files, against the same task on its description.

The description (tests/stash_sim/libraries/sample.yml) is the fast path every other workflow test
uses; here each scenario also runs once on the sample written as real JPEG, PNG, zip and video files
and scanned by the simulator's scanner (stash_sim/scanned.py), with what a person set put on the
scanned objects. It must change what it changes on the description, path for path, and settle on a
second run. Where the scanned library differs from the description, the difference is listed below
with its reason.
"""

from __future__ import annotations

from typing import Any

import pytest
from stash_sim.scanned import add_real_files
from wf_support import (
    ALL_HOOK_RULES,
    OLD_TRIP,
    PORTRAITS,
    PORTRAITS_ZIP,
    SCAN_BATCH,
    SCAN_FOLDER,
    SCAN_ZIP,
    SCENARIOS,
    TITLE_PATTERN,
    diff,
    fresh_sim,
    ids_by_path,
    run_twice,
    scan_new_galleries,
    state,
)

from gallery_ops.common.constants import NEW_GALLERY_TAG
from gallery_ops.common.skips import SKIP_PRESENT

COUNTS = ("scanned", "changed", "unchanged", "skipped", "failed_count", "change_count")


def as_scanned(changes: dict[tuple[str, str, str], tuple[Any, Any]]) -> dict[tuple[str, str, str], tuple[Any, Any]]:
    """A change on the description as it reads on the scanned sample: the pictures of Portraits.zip are
    the same bytes as the Portraits folder's, so the scan made them the folder's images with a second
    file (pkg/image/scan.go), and an image is named by its first file (wf_support.state)."""

    def named(value: Any) -> Any:
        if isinstance(value, str) and value.startswith(PORTRAITS_ZIP + "/"):
            return PORTRAITS + value[len(PORTRAITS_ZIP) :]
        return value

    return {
        (kind, named(key), field): tuple(named(v) for v in values) if field == "cover" else values
        for (kind, key, field), values in changes.items()
    }


def deleted(gallery: str, fields: dict[str, Any]) -> dict[tuple[str, str, str], tuple[Any, None]]:
    """A gallery gone from the state: each field it had (state() reads a missing one as None)."""
    return {("galleries", gallery, field): (value, None) for field, value in fields.items() if value is not None}


# The scanned sample is on disk, the description's is not (its scenario has on_disk False): Clean empty
# galleries can see there that the Old Trip folder is gone while its parent folder is there, and deletes
# that empty folder gallery on apply (README: Clean empty galleries); on the description it leaves it.
OLD_TRIP_FIELDS = {
    "chapters": [],
    "code": "",
    "cover": None,
    "date": None,
    "details": None,
    "organized": False,
    "performers": [],
    "photographer": "",
    "rating100": None,
    "scenes": [],
    "studio": None,
    "tags": [],
    "title": "",
    "urls": [],
}
SCANNED_ONLY: dict[str, dict[tuple[str, str, str], tuple[Any, Any]]] = {
    "clean_empty": deleted(OLD_TRIP, OLD_TRIP_FIELDS),
}
# Merge duplicate galleries keeps the duplicate on both, for a different reason: on the scanned sample
# its zip is on disk; on the description it is on no disk, and nothing proves that its drive is there
# (README: "Gone" needs proof), so it is left alone too.
SCANNED_COUNTS: dict[str, dict[str, Any]] = {
    "clean_empty": {"changed": 2, "change_count": 2, "skipped": {}},
    "merge_duplicates": {"skipped": {SKIP_PRESENT: 1}},
}


@pytest.mark.parametrize("name", sorted(SCENARIOS))
def test_every_task_on_a_scanned_library_does_what_it_does_on_the_description(name, scenario_run):
    described = scenario_run(name)
    scanned = run_twice(name, scanned=True)
    expected = {**as_scanned(diff(described.before, described.after)), **SCANNED_ONLY.get(name, {})}
    assert diff(scanned.before, scanned.after) == expected
    for key in COUNTS:
        want = SCANNED_COUNTS.get(name, {}).get(key, described.first.output[key])
        assert scanned.first.output[key] == want, key
    assert scanned.second.output["change_count"] == 0
    assert scanned.after_second == scanned.after


# -- the hook from a real scan --------------------------------------------------------------------
HOOK_SETTINGS = {**ALL_HOOK_RULES, "titlePattern": TITLE_PATTERN}
NEW = (SCAN_FOLDER, SCAN_ZIP)


def test_a_scan_of_new_files_fires_the_hook_and_finish_runs_after_the_scan_job():
    """Real files copied into the library, then metadataScan as a user starts it: the scanner fires
    Gallery.Create.Post for each new gallery when it holds its first image (input null, no
    inputFields; pkg/image/scan.go), the hook queues Finish new galleries during the scan, and that
    job starts when the scan job has ended (pkg/job/manager.go). The galleries end as the same scan
    of the description leaves them (wf_support.scan_new_galleries on the fast path)."""
    with fresh_sim(settings=HOOK_SETTINGS) as described:
        scan_new_galleries(described)
        want = {path: state(described)["galleries"][path] for path in NEW}
    with fresh_sim(settings=HOOK_SETTINGS, scanned=True) as sim:
        add_real_files(sim, SCAN_BATCH)
        new_folder = f"{sim.library_root}/library/new"
        job_id = sim.gql("mutation($i: ScanMetadataInput!) { metadataScan(input: $i) }", {"i": {"paths": [new_folder]}})
        sim.jobs.wait_idle()
        ids = ids_by_path(sim)
        creates = [run for run in sim.hooks.runs if run.trigger == "Gallery.Create.Post"]
        assert [run.hook_context for run in creates] == [
            {"id": int(ids[path]), "type": "Gallery.Create.Post", "input": None} for path in NEW
        ]
        assert all(run.result.error is None for run in creates)
        scan_job = next(job for job in sim.jobs.history if str(job.id) == job_id["metadataScan"])
        later = [job for job in sim.jobs.history if job.id > scan_job.id]
        assert [(job.description, job.status) for job in later] == [
            ("Running plugin task: Finish new galleries", "FINISHED")
        ]
        assert later[0].add_time < scan_job.end_time <= later[0].start_time  # queued during the scan, run after it
        got = {path: state(sim)["galleries"][path] for path in NEW}
    assert got == want
    assert {path: (g["title"], g["date"]) for path, g in got.items()} == {
        SCAN_FOLDER: ("Hike", "2023-05-01"),
        SCAN_ZIP: ("Party Night", "2023-06-10"),
    }
    assert got[SCAN_ZIP]["chapters"] and all(NEW_GALLERY_TAG not in g["tags"] for g in got.values())  # finished
