"""What a run reports names things as Stash shows them, read in the requests the run makes anyway
and at most one more for the whole run (Report.read_names); a failure to read names never changes
the run's outcome."""

from __future__ import annotations

from stash_sim import StashSimulator
from test_wf_isolation import Exploding
from wf_support import fresh_sim, ids_by_path, named_id

from gallery_ops import GalleryOps
from gallery_ops.tasks.engine import read_env, run_workflows
from gallery_ops.tasks.gallery_from_images import SyncGalleryFromImages
from gallery_ops.tasks.workflow import Scope

LIBRARY = {
    "tags": ["Blue", "Green"],
    "performers": ["Ada"],
    "galleries": [
        {"folder": "/n/alpha", "images": ["1.jpg"]},
        {"folder": "/n/beta", "title": "Beta set", "images": ["1.jpg", "2.jpg"]},
        {"folder": "/n/gamma", "images": ["1.jpg"]},
    ],
}


def _tag_images(sim: StashSimulator, folder: str, tag: str, performer: str | None = None) -> None:
    """Every image of the gallery at `folder` gets the tag (and the performer)."""
    images = sim.gql(
        "{ findImages(filter: {per_page: -1}) { images { id visual_files { ... on ImageFile { path } } } } }"
    )["findImages"]["images"]
    ids = [i["id"] for i in images if i["visual_files"][0]["path"].startswith(folder + "/")]
    extra = f', performer_ids: {{ids: ["{named_id(sim, "performer", performer)}"], mode: ADD}}' if performer else ""
    sim.gql(
        f'mutation {{ bulkImageUpdate(input: {{ids: {ids!r}, tag_ids: {{ids: ["{named_id(sim, "tag", tag)}"],'
        f" mode: ADD}}{extra}}}) {{ id }} }}".replace("'", '"')
    )


def test_changes_name_their_gallery_and_what_they_add_with_one_request_more_at_most():
    with fresh_sim(LIBRARY) as sim:
        _tag_images(sim, "/n/alpha", "Blue", "Ada")
        _tag_images(sim, "/n/beta", "Green")
        ids = ids_by_path(sim)
        ops = GalleryOps.from_server_connection(sim.server_connection())
        env = read_env(ops)
        before = len(sim.requests)
        report = run_workflows(ops, "sync_gallery_from_images", [SyncGalleryFromImages("all")], env, Scope(), True)
        sent = [r.operation_name for r in sim.requests.records[before:]]
    out = report.to_output()
    blue, green, ada = (named_id(sim, k, n) for k, n in (("tag", "Blue"), ("tag", "Green"), ("performer", "Ada")))
    assert [c["names"] for c in out["changes"]] == [
        {"gallery": {ids["/n/alpha"]: "alpha"}, "tag": {blue: "Blue"}, "performer": {ada: "Ada"}},
        {"gallery": {ids["/n/beta"]: "Beta set"}, "tag": {green: "Green"}},
    ]
    lines = [line for _, line in report.log_lines()]
    assert (
        f'Sync gallery from images (preview): gallery "alpha" [{ids["/n/alpha"]}]: would add tag "Blue" [{blue}];'
        f' performer "Ada" [{ada}]'
    ) in lines
    # the galleries' names come with their page; the images' tag and performer names in one request more
    assert sent.count("Names") == 1 and len(sent) == 4, sent


def test_a_failed_gallery_is_named_and_a_preview_says_nothing_was_changed():
    with fresh_sim(LIBRARY) as sim:
        ops = GalleryOps.from_server_connection(sim.server_connection())
        doomed = ids_by_path(sim)["/n/beta"]
        env = read_env(ops)
        preview = run_workflows(ops, "title_from_path", [Exploding(doomed)], env, Scope(), dry_run=True)
        applied = run_workflows(ops, "title_from_path", [Exploding(doomed)], env, Scope(), dry_run=False)
    assert preview.failed == [
        {"gallery": doomed, "name": "Beta set", "error": "planning failed (IndexError: list index out of range)"}
    ]
    assert preview.error is not None and applied.error is not None
    # a preview changed nothing, whatever failed; an apply did change the other galleries
    assert f'(first: gallery "Beta set" [{doomed}]: planning failed' in preview.error
    assert preview.error.endswith("; nothing was changed (a preview)") and "applied" not in preview.error
    assert applied.error.endswith("; the other changes were applied")
    assert (
        f'Title from path (preview): gallery "Beta set" [{doomed}] failed: planning failed'
        " (IndexError: list index out of range)"
    ) in [line for _, line in preview.log_lines()]


def test_names_stash_cannot_give_leave_the_ids_and_the_run_as_it_was():
    with fresh_sim(LIBRARY) as sim:
        _tag_images(sim, "/n/alpha", "Blue")
        ops = GalleryOps.from_server_connection(sim.server_connection())
        env = read_env(ops)
        sim.faults.add("http_500", count=5, operation="Names")
        report = run_workflows(ops, "sync_gallery_from_images", [SyncGalleryFromImages("all")], env, Scope(), True)
    assert report.error is None and report.change_count == 1
    (change,) = report.changes
    blue = named_id(sim, "tag", "Blue")
    assert change["add"] == {"tag_ids": [blue]} and "tag" not in change["names"]
    assert any(f"would add tag [{blue}]" in line for _, line in report.log_lines())
