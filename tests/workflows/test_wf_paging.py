"""Paging and batching on a larger library, progress lines and the summary in the log.

generate_library(600, 3): 300 zip galleries with inner folders part0..2 (three chapters
each) and 300 folder galleries (two full pages and a partial one). A run reads
WORKFLOW_PAGE_SIZE galleries per request, their images in one request per page, and writes
in aliased batches: a handful of requests per page, never one per gallery.
"""

from __future__ import annotations

import math

import pytest
from stash_sim.library import generate_library
from wf_support import CHAPTERS, SET_COVERS, SYNC, TITLES, fresh_sim, run, state

from gallery_ops.common.limits import MUTATION_BATCH_SIZE, WORKFLOW_PAGE_SIZE
from gallery_ops.tasks.report import MAX_DETAILS

GALLERIES = 600
assert GALLERIES % WORKFLOW_PAGE_SIZE and GALLERIES > 2 * WORKFLOW_PAGE_SIZE  # a partial last page
PAGES = math.ceil(GALLERIES / WORKFLOW_PAGE_SIZE)


@pytest.fixture(scope="module")
def big():
    """One big simulator for the module (the tests do not depend on each other's writes)."""
    library = generate_library(GALLERIES, 3)
    for entry in library["galleries"]:
        entry["tags"] = ["Generated"]
    with fresh_sim(library) as simulator:
        yield simulator


def aliases(record) -> int:
    """How many mutations one request carried (one variable per aliased field)."""
    return len(record.variables)


@pytest.mark.parametrize(
    "button, args, per_gallery",
    [
        (CHAPTERS, {}, None),  # 3 chapters per zip, none for folders
        (TITLES, {}, 1),  # a title for every gallery
        (SET_COVERS, {"rule": "position:2"}, 1),  # a cover for every gallery
        (SYNC, {}, 1),  # one bulk image update per gallery
    ],
)
def test_a_run_costs_a_handful_of_requests_per_page(big, button, args, per_gallery):
    big.requests.clear()
    result = run(big, button, args)
    out = result.output
    records = big.requests.records
    assert out["scanned"] == GALLERIES and out["failed_count"] == 0
    changes = out["change_count"]
    assert changes == (3 * GALLERIES // 2 if per_gallery is None else GALLERIES)
    # settings + count, then per page: galleries, images (covers: with Stash's default-cover answer
    # in the same request), and the writes in batches of 50, each after one read of what it would overwrite
    writes_per_page = math.ceil(changes / PAGES / MUTATION_BATCH_SIZE) + 1
    assert len(records) <= 2 + PAGES * (2 + 2 * writes_per_page)
    rechecks = [r for r in records if r.operation_name == "Recheck"]
    # one read per batch, not per gallery; tags added with ADD overwrite nothing and need none
    assert len(rechecks) == (0 if button == SYNC else len([r for r in records if r.is_mutation]))
    assert len(records) < GALLERIES / 10
    assert not any(r.root_fields == ["findGallery"] for r in records)  # never one gallery at a time
    writes = [r for r in records if r.is_mutation]
    assert sum(aliases(r) for r in writes) == changes  # every change sent exactly once
    assert all(aliases(r) <= MUTATION_BATCH_SIZE for r in writes)
    gallery_reads = [r for r in records if r.root_fields == ["findGalleries"] and "filter" in r.variables]
    assert len(gallery_reads) == PAGES
    assert all(r.variables["filter"]["per_page"] == WORKFLOW_PAGE_SIZE for r in gallery_reads)
    # the report lists the first changes in detail, and counts all of them
    assert len(out["changes"]) == min(changes, MAX_DETAILS)
    assert out["requests"] == len(records)
    if button == CHAPTERS:
        zips = [g for key, g in state(big)["galleries"].items() if key.endswith(".zip")]
        assert len(zips) == GALLERIES // 2
        # part0..2 hold images 0,3,.. / 1,4,.. / 2,5,..: natural order puts part0's first
        assert all(g["chapters"] == [("part0", 1), ("part1", 2), ("part2", 3)] for g in zips)


def test_a_scope_by_ids_is_read_in_pages_too(big):
    ids = [str(n) for n in range(1, 401)]
    big.requests.clear()
    out = run(big, TITLES, {"gallery_ids": ",".join(ids), "dry_run": "true"}).output
    assert out["scanned"] == 400
    records = big.requests.records
    reads = [r for r in records if "findGallery" in r.root_fields]
    assert len(reads) == math.ceil(400 / WORKFLOW_PAGE_SIZE) == 2
    assert len(records) == 1 + len(reads)  # settings, then the pages; no count needed for ids


def test_progress_lines_and_the_summary_in_the_log(big):
    result = run(big, TITLES, {"dry_run": "true"})
    assert result.progress[0] == 0.0 and result.progress[-1] == 1.0
    assert result.progress == sorted(result.progress)
    # one line per page of WORKFLOW_PAGE_SIZE galleries
    steps = [p for p in result.progress if 0.0 < p < 1.0]
    assert steps == [pytest.approx(n * WORKFLOW_PAGE_SIZE / GALLERIES) for n in range(1, PAGES)]
    info = result.messages("info")
    assert any(f"{GALLERIES} galleries in scope" in m and "preview" in m for m in info)
    summary = result.output["summary"]
    assert summary.startswith(f"{GALLERIES} galleries scanned, {result.output['changed']} would change")
    assert any(m.endswith(summary) for m in info)
