"""The two tasks that delete, killed, faulted and edited at every request: nothing a person set is lost.

On a library on disk (a gone zip and a gone folder with proof, a copy still there, a drive that
is not mounted), for every N up to the requests of an uninterrupted run:
- killed after Stash handled its N-th request, then run again: the end state of one run;
- its N-th request failed by Stash (HTTP 500, or run and never answered), then run again: the
  same end state;
- a person's edit made just before its N-th request (details and a tag on each gallery a delete
  is planned for, and an image of the duplicate zip filed into their own gallery), then run again:
  every value of that edit is still there (on the gallery, or on the gallery it was merged into),
  and the image is still in their gallery.
Stash has no compare-and-set: the one request that is the delete itself comes after its re-read,
so an edit made just before it lands in the documented one-request window (README, "Edits made
while a task runs"); for that N the loop checks that nothing else was lost.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from stash_sim import StashSimulator
from wf_support import (
    CLEAN_EMPTY_APPLY,
    MERGE_DELETE_APPLY,
    diff,
    fresh_sim,
    ids_by_path,
    image_ids,
    kill_and_rerun_at_every_request,
    named_id,
    run,
    state,
)

WORKERS = 2
FAULTS = ("http_500", "drop_after")
EDITED = "edited by a person"


def md5(text: str) -> str:
    return hashlib.md5(text.encode()).hexdigest()


def touch(path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"x")


def merge_library(root: Path) -> dict[str, Any]:
    """Set A's zip gone from old/ (old/keep.jpg is there: proof), its images tagged by a person;
    set B's folder gone (other folders Stash recorded beside it are there); set C in two places."""
    for path in ("old/keep.jpg", "new/A/1.jpg", "new/A/2.jpg", "new/B/1.jpg", "c1/1.jpg", "c2/1.jpg"):
        touch(root / path)
    r = str(root)

    def imgs(prefix: str, names: list[str], **extra: Any) -> list[dict[str, Any]]:
        return [{"name": n, "md5": md5(prefix + n), **extra} for n in names]

    return {
        "tags": ["Theirs", "Mine"],
        "images": [f"{r}/old/keep.jpg"],
        "galleries": [
            {"zip": f"{r}/old/a.zip", "title": "Set A", "images": imgs("A", ["1.jpg", "2.jpg"], tags=["Theirs"])},
            {"folder": f"{r}/new/A", "images": imgs("A", ["1.jpg", "2.jpg"])},
            {"folder": f"{r}/old_b", "details": "their words", "images": imgs("B", ["1.jpg"])},
            {"folder": f"{r}/new/B", "images": imgs("B", ["1.jpg"])},
            {"folder": f"{r}/c1", "rating100": 60, "images": imgs("C", ["1.jpg"])},
            {"folder": f"{r}/c2", "images": imgs("C", ["1.jpg"])},
            {"title": "My picks", "images": [f"{r}/old/keep.jpg"]},
        ],
    }


def clean_library(root: Path) -> dict[str, Any]:
    """Empty galleries: hand-made ones (one rated), a gone folder with proof, one under a share
    that is not mounted (an empty mount point)."""
    touch(root / "lib" / "keep.jpg")
    (root / "mnt" / "share").mkdir(parents=True)
    r = str(root)
    return {
        "tags": ["Mine"],
        "images": [f"{r}/lib/keep.jpg"],
        "galleries": [
            {"title": "Plain"},
            {"title": "Rated", "rating100": 60},
            {"folder": f"{r}/lib/Gone"},
            {"folder": f"{r}/mnt/share/Old"},
            {"title": "My picks", "images": [f"{r}/lib/keep.jpg"]},
        ],
    }


def uninterrupted(library: dict[str, Any], task: str) -> tuple[dict[str, Any], int, list[str]]:
    """The end state of one run, its request count, and the operation of each request."""
    with fresh_sim(library) as sim:
        sim.requests.clear()
        run(sim, task)
        return state(sim), len(sim.requests.records), sim.requests.fields()


def at_request(sim: StashSimulator, n: int, action: Callable[[], object]) -> None:
    """Run `action` just before Stash handles the run's n-th request (counted from now)."""
    seen: list[int] = []

    def count() -> None:
        seen.append(1)
        if len(seen) == n:
            action()

    sim.faults.add("before", count=10_000, action=count)


def fault_at(sim: StashSimulator, n: int, kind: str) -> None:
    """Stash fails the run's n-th request this way (the fault is queued just before it)."""
    if n == 1:
        sim.faults.add(kind)
    else:
        at_request(sim, n - 1, lambda: sim.faults.add(kind))


def faulted_then_rerun(library: dict[str, Any], task: str, n: int, kind: str, expected: dict[str, Any]) -> str | None:
    with fresh_sim(library) as sim:
        sim.requests.clear()
        fault_at(sim, n, kind)
        sim.run_task(task)
        sim.faults.clear()
        rerun = run(sim, task)
        if state(sim) != expected:
            return f"{kind} at N={n}: {diff(expected, state(sim))}; rerun: {rerun.output['changes']}"
    return None


def faults_at_every_request(library: dict[str, Any], task: str) -> list[str]:
    expected, total, _ = uninterrupted(library, task)
    rounds = [(n, kind) for n in range(1, total + 1) for kind in FAULTS]
    with ThreadPoolExecutor(WORKERS) as pool:
        found = pool.map(lambda r: faulted_then_rerun(library, task, r[0], r[1], expected), rounds)
    return [p for p in found if p]


def edit_candidates(sim: StashSimulator, paths: list[str], image: str | None) -> Callable[[], object]:
    """A person's edit: details and the tag Mine on each gallery at `paths`; `image` filed into
    their gallery My picks."""
    ids, mine = ids_by_path(sim), named_id(sim, "tag", "Mine")
    picks, image_id = ids["user:My picks"], image_ids(sim)[image] if image else None

    def edit() -> None:
        for path in paths:
            sim.gql(
                "mutation($i: GalleryUpdateInput!) { galleryUpdate(input: $i) { id } }",
                {"i": {"id": ids[path], "details": EDITED}},
            )
            sim.gql(
                "mutation($i: BulkGalleryUpdateInput!) { bulkGalleryUpdate(input: $i) { id } }",
                {"i": {"ids": [ids[path]], "tag_ids": {"ids": [mine], "mode": "ADD"}}},
            )
        if image_id is not None:
            sim.gql(f'mutation {{ addGalleryImages(input: {{gallery_id: "{picks}", image_ids: ["{image_id}"]}}) }}')

    return edit


def kept_edit(after: dict[str, Any], path: str, merged_into: str | None) -> bool:
    """The edit of the gallery at `path` is still there: on it, or on the gallery it was merged into."""
    for where in (path, merged_into):
        gallery = after["galleries"].get(where) if where else None
        if gallery is not None and gallery["details"] == EDITED and "Mine" in gallery["tags"]:
            return True
    return False


def in_picks(sim: StashSimulator, image: str) -> bool:
    picks = ids_by_path(sim)["user:My picks"]
    data = sim.gql(
        "query($g: [ID!]) { findImages(image_filter: {galleries: {value: $g, modifier: INCLUDES}},"
        " filter: {per_page: -1}) { images { visual_files { ... on ImageFile { path } } } } }",
        {"g": [picks]},
    )
    return image in [i["visual_files"][0]["path"] for i in data["findImages"]["images"]]


def edited_then_rerun(
    library: dict[str, Any], task: str, n: int, edited: dict[str, str | None], image: str | None, window: bool
) -> str | None:
    """One round of the edit loop; `window`: request n is the delete itself (the one-request window)."""
    with fresh_sim(library) as sim:
        sim.requests.clear()
        at_request(sim, n, edit_candidates(sim, list(edited), image))
        first = run(sim, task, ok=False)
        sim.faults.clear()
        run(sim, task)
        after = state(sim)
        problems = [p for p, into in edited.items() if not kept_edit(after, p, into)]
        if image is not None and not in_picks(sim, image):
            problems.append(f"{image} (left My picks)")
    if window and problems:
        # the edit landed between the delete's re-read and the delete: what went is only what the
        # deleted galleries took (the documented window: their own edit, an image of theirs filed
        # meanwhile), nothing else
        gone = tuple(p for p in edited if p not in after["galleries"])
        problems = [p for p in problems if not (p.startswith(gone) if gone else False)]
    if problems:
        return f"edit before request {n}: lost {problems}; first run: {first.output and first.output.get('changes')}"
    return None


def edits_at_every_request(
    library: dict[str, Any], task: str, edited: dict[str, str | None], image: str | None
) -> list[str]:
    _, total, operations = uninterrupted(library, task)
    with ThreadPoolExecutor(WORKERS) as pool:
        found = pool.map(
            # from the delete on (its request, and any read after it, such as the end's names): what went is only
            # what the deleted galleries took
            lambda n: edited_then_rerun(
                library, task, n, edited, image, any("galleryDestroy" in o for o in operations[:n])
            ),
            range(1, total + 1),
        )
    return [p for p in found if p]


# -- merge_duplicate_galleries, delete duplicates ----------------------------------------------------
def test_merge_delete_killed_at_every_request_ends_as_one_run(tmp_path):
    library = merge_library(tmp_path)
    expected, _, _ = uninterrupted(library, MERGE_DELETE_APPLY)
    r = str(tmp_path)
    assert set(expected["galleries"]) == {f"{r}/new/A", f"{r}/new/B", f"{r}/c1", f"{r}/c2", "user:My picks"}
    assert expected["images"][f"{r}/new/A/1.jpg"]["tags"] == ["Theirs"]  # carried before the zip went
    assert expected["galleries"][f"{r}/new/B"]["details"] == "their words"
    total, problems = kill_and_rerun_at_every_request(lambda: library, MERGE_DELETE_APPLY)
    assert total >= 8 and problems == []


def test_merge_delete_faulted_at_every_request_ends_as_one_run(tmp_path):
    assert faults_at_every_request(merge_library(tmp_path), MERGE_DELETE_APPLY) == []


def test_merge_delete_with_a_person_s_edit_at_every_request_keeps_it(tmp_path):
    r = str(tmp_path)
    edited = {f"{r}/old/a.zip": f"{r}/new/A", f"{r}/old_b": f"{r}/new/B"}
    library = merge_library(tmp_path)
    assert edits_at_every_request(library, MERGE_DELETE_APPLY, edited, f"{r}/old/a.zip/1.jpg") == []


# -- clean_empty_galleries ------------------------------------------------------------------------
def test_clean_empty_killed_at_every_request_ends_as_one_run(tmp_path):
    library = clean_library(tmp_path)
    expected, _, _ = uninterrupted(library, CLEAN_EMPTY_APPLY)
    r = str(tmp_path)
    assert set(expected["galleries"]) == {"user:Rated", f"{r}/mnt/share/Old", "user:My picks"}
    total, problems = kill_and_rerun_at_every_request(lambda: library, CLEAN_EMPTY_APPLY)
    assert total >= 4 and problems == []


def test_clean_empty_faulted_at_every_request_ends_as_one_run(tmp_path):
    assert faults_at_every_request(clean_library(tmp_path), CLEAN_EMPTY_APPLY) == []


def test_clean_empty_with_a_person_s_edit_at_every_request_keeps_it(tmp_path):
    r = str(tmp_path)
    edited = {"user:Plain": None, f"{r}/lib/Gone": None}
    assert edits_at_every_request(clean_library(tmp_path), CLEAN_EMPTY_APPLY, edited, None) == []
