"""A cover rule of positions alone reads only the first images it needs of each gallery.

`position:<n>` picks the n-th image in Stash's gallery order (sort `path`); a rule of such steps
picks among the first images up to its largest position, and the plan needs besides only the
first image (Stash's default pick when no path matches its cover regex) and whether there is any.
Stash's findImages takes per_page with sort `path` (docs/stash.md), so Set covers asks each gallery
for that many images in the request that reads them: nothing more to decode and check, no page
read after the first (a gallery bigger than the images a task holds is one aliased read, not a
walk of its pages), never a request more. A rule with a pattern or portrait step reads every image.

Each rule is run twice on the same library: as given, and behind a first step that picks nothing
(`pattern:\\A\\Z`: no file name is empty), which makes the engine read every image. Both runs must
plan, write and report the same; the rule alone must send no more requests.
"""

from __future__ import annotations

from typing import Any

import pytest
from stash_sim import StashSimulator
from wf_support import ids_by_path

from gallery_ops import GalleryOps
from gallery_ops.common.limits import IMAGE_PAGE_SIZE
from gallery_ops.tasks import engine
from gallery_ops.tasks.covers import SetCovers, parse_cover_rule
from gallery_ops.tasks.engine import read_env, run_workflows
from gallery_ops.tasks.workflow import Scope

NOTHING_FIRST = "pattern:\\A\\Z;"  # a step that picks no image: the rule then needs every image
BIG_ZIP = "/pos/big.zip"
LIBRARY = {
    "galleries": [
        {"title": "Nothing in it", "images": []},
        {"folder": "/pos/one", "images": ["a.jpg"]},
        {"zip": "/pos/two.zip", "images": ["b.jpg", "a.jpg"]},
        # chosen by a person (not Stash's default pick): never replaced
        {"folder": "/pos/chosen", "images": ["a.jpg", "b.jpg", "c.jpg"], "cover": "c.jpg"},
        # Stash's default pick is the image its cover regex finds ("cover"), the 3rd
        {"folder": "/pos/regex", "images": ["a.jpg", "b.jpg", "cover.jpg", "d.jpg"]},
        {"folder": "/pos/seven", "images": [f"{n}.jpg" for n in range(7)]},
        # bigger than the images a task holds at once (made small below): read in pages by a full rule
        {"zip": BIG_ZIP, "images": [f"{n:03d}.jpg" for n in range(95)]},
    ]
}


@pytest.fixture
def small_budget(monkeypatch: pytest.MonkeyPatch) -> None:
    """IMAGES_IN_MEMORY 40 and pages of 10: the 95-image zip is big (read a page at a time)."""
    monkeypatch.setattr(engine, "IMAGES_IN_MEMORY", 40)
    monkeypatch.setattr(engine, "IMAGE_PAGE_SIZE", 10)


def covers(sim: StashSimulator) -> dict[str, str | None]:
    found = sim.gql("{ findGalleries(filter: { per_page: -1 }) { galleries { id cover { id } } } }")
    return {g["id"]: (g["cover"] or {}).get("id") for g in found["findGalleries"]["galleries"]}


def set_covers(rule: str, dry_run: bool) -> tuple[dict[str, Any], dict[str, str | None], list[Any]]:
    """(the report, every gallery's cover after the run, the requests sent) of Set covers with `rule`
    on a fresh simulator of LIBRARY."""
    with StashSimulator(library=LIBRARY) as sim:
        ops = GalleryOps.from_server_connection(sim.server_connection())
        env = read_env(ops)
        sim.requests.clear()
        report = run_workflows(ops, "set_covers", [SetCovers(parse_cover_rule(rule))], env, Scope(), dry_run)
        return report.to_output(), covers(sim), list(sim.requests.records)


def image_reads(requests: list[Any]) -> list[dict[str, Any]]:
    return [r.variables for r in requests if r.operation_name == "ImagesAndCoverMatches"]


@pytest.mark.parametrize("dry_run", [True, False])
@pytest.mark.parametrize(("rule", "needed"), [("position:2", 2), ("position:5;position:2", 5), ("position:1", 1)])
def test_a_rule_of_positions_reads_its_first_images_and_does_what_a_full_read_does(
    small_budget: None, rule: str, needed: int, dry_run: bool
) -> None:
    report, after, requests = set_covers(rule, dry_run)
    full_report, full_after, full_requests = set_covers(NOTHING_FIRST + rule, dry_run)
    assert report["changes"] == full_report["changes"] and report["changes"]
    assert {k: report[k] for k in ("changed", "unchanged", "skipped", "failed")} == {
        k: full_report[k] for k in ("changed", "unchanged", "skipped", "failed")
    }
    assert after == full_after
    # what it read: each gallery's first `needed` images in gallery order, in one request for all
    reads = image_reads(requests)
    assert len(reads) == 1
    assert reads[0]["page"] == {"per_page": needed, "sort": "path", "direction": "ASC"}
    assert all(r.operation_name != "GalleryImagePage" for r in requests)
    # the full read: every image (a page of the big zip at a time), so more requests
    assert {v["page"]["per_page"] for v in image_reads(full_requests)} == {IMAGE_PAGE_SIZE}
    assert len(requests) < len(full_requests)


def test_the_picks_of_a_rule_of_positions(small_budget: None) -> None:
    """What the runs above agree on is what the rule says (so they cannot agree on nothing)."""
    with StashSimulator(library=LIBRARY) as sim:
        ids = ids_by_path(sim)
        chosen = covers(sim)[ids["/pos/chosen"]]
    report, after, _ = set_covers("position:5;position:2", False)
    images = {change["gallery"]: change["set_cover"]["path"] for change in report["changes"]}
    assert images == {
        ids["/pos/two.zip"]: "/pos/two.zip/b.jpg",  # 5th missing: the 2nd (gallery order: a.jpg, b.jpg)
        ids["/pos/regex"]: "/pos/regex/b.jpg",  # over Stash's default pick (cover.jpg): nobody chose it
        ids["/pos/seven"]: "/pos/seven/4.jpg",
        ids[BIG_ZIP]: f"{BIG_ZIP}/004.jpg",
    }
    # a gallery of one image (the rule picks none), the empty one, and the person's choice: left alone
    assert sum(report["skipped"].values()) == 3, report["skipped"]
    assert after[ids["/pos/chosen"]] == chosen
