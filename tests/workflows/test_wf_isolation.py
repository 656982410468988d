"""One gallery's trouble stays that gallery's: in planning, in invalid changes, and in writes
shared with other galleries (an image in two galleries)."""

from __future__ import annotations

import pytest
from stash_sim import StashSimulator
from support.manifest import button
from wf_support import FINISH, fresh_sim, ids_by_path, run, state

from gallery_ops import GalleryOps
from gallery_ops.common.args import ArgError
from gallery_ops.common.constants import NEW_GALLERY_TAG
from gallery_ops.stash import selections as fields
from gallery_ops.stash.models import Gallery, Image
from gallery_ops.tasks.covers import parse_cover_rule
from gallery_ops.tasks.engine import read_env, run_workflows
from gallery_ops.tasks.image_sync import plan_image_sync
from gallery_ops.tasks.report import GalleryPlan
from gallery_ops.tasks.titles import TitleFromPath
from gallery_ops.tasks.workflow import Env, Scope

FOLDERS = [f"/iso/f{n:02d}" for n in range(55)]


class Exploding(TitleFromPath):
    """Title from path, except that planning one gallery raises (stands for any planning bug)."""

    def __init__(self, doomed: str) -> None:
        super().__init__(None)
        self.doomed = doomed

    def plan(self, gallery: Gallery, images: list[Image] | None, env: Env) -> GalleryPlan:
        if gallery.id == self.doomed:
            raise IndexError("list index out of range")
        return super().plan(gallery, images, env)


def test_an_exception_planning_one_gallery_fails_that_gallery_and_the_run_goes_on():
    library = {
        "galleries": [
            {"folder": "/t/alpha", "images": ["1.jpg"]},
            {"folder": "/t/beta", "images": ["1.jpg"]},
            {"folder": "/t/gamma", "images": ["1.jpg"]},
        ]
    }
    with StashSimulator(library=library) as sim:
        ops = GalleryOps.from_server_connection(sim.server_connection())
        doomed = ids_by_path(sim)["/t/beta"]
        report = run_workflows(ops, "title_from_path", [Exploding(doomed)], read_env(ops), Scope(), dry_run=False)

        out = report.to_output()
        assert (out["scanned"], out["changed"], out["failed_count"]) == (3, 2, 1)
        assert out["failed"] == [
            {"gallery": doomed, "name": "beta", "error": "planning failed (IndexError: list index out of range)"}
        ]
        titles = {path: g["title"] for path, g in state(sim)["galleries"].items()}
        assert titles == {"/t/alpha": "alpha", "/t/beta": "", "/t/gamma": "gamma"}


def test_a_planning_failure_is_reported_in_a_preview_too():
    with StashSimulator(library={"galleries": [{"folder": "/t/alpha", "images": ["1.jpg"]}]}) as sim:
        ops = GalleryOps.from_server_connection(sim.server_connection())
        doomed = ids_by_path(sim)["/t/alpha"]
        report = run_workflows(ops, "title_from_path", [Exploding(doomed)], read_env(ops), Scope(), dry_run=True)
        assert report.to_output()["failed_count"] == 1
        assert sim.requests.mutations() == []


def test_a_change_planned_from_odd_data_that_stash_would_refuse_fails_only_its_gallery():
    # an image at the root of the file system: its folder has no name, so the chapter plan
    # proposes an empty title, which Stash refuses; it is that gallery's failure
    library = {
        "galleries": [
            {"zip": "/z/a.zip", "images": ["x/1.jpg", "y/1.jpg"]},
            {"title": "Mixed", "images": ["/p/one/1.jpg", "/root.jpg"]},
            {"zip": "/z/b.zip", "images": ["x/1.jpg", "y/1.jpg"]},
        ]
    }
    with fresh_sim(library) as sim:
        result = run(sim, button("chapters_from_folders"), ok=False)
        out = result.output
        galleries = state(sim)["galleries"]
        assert galleries["/z/a.zip"]["chapters"] == [("x", 1), ("y", 2)]
        assert galleries["/z/b.zip"]["chapters"] == [("x", 1), ("y", 2)]
        (failure,) = out["failed"]
        assert failure["gallery"] == ids_by_path(sim)["user:Mixed"]
        assert "chapter title is non-empty text" in failure["error"]
        assert galleries["user:Mixed"]["chapters"] == []
        assert result.error.startswith("1 of 3 galleries failed")
        assert not any(
            r.variables.get(f"i{n}", {}).get("title") == "" for r in sim.requests.mutations() for n in range(50)
        )  # never sent


@pytest.mark.parametrize("rule", ["position:²", "position:٣", "position:0", "position:"])
def test_a_cover_position_that_is_no_ascii_number_is_an_arg_error(rule):
    with pytest.raises(ArgError, match="position"):
        parse_cover_rule(rule)


def _shared_image_library() -> dict:
    """55 folder galleries tagged Keep, each with one untagged image; the user-created gallery
    Picks (tagged Extra) collects the first folder's image and a loose one."""
    return {
        "tags": ["Keep", "Extra"],
        "galleries": [
            *({"folder": f, "tags": ["Keep"], "images": ["1.jpg"]} for f in FOLDERS),
            {"title": "Picks", "tags": ["Extra"], "images": [f"{FOLDERS[0]}/1.jpg", "/iso/loose.jpg"]},
        ],
        "images": ["/iso/loose.jpg"],
    }


def test_a_shared_image_whose_write_fails_fails_every_gallery_it_is_in():
    # The first folder's gallery plans its image (shared with Picks) once for both; its write is in
    # the first request (50 changes), which fails. Picks fails with it (so its own image, due in the
    # second request, is not written), and Finish keeps it marked; the galleries of the second request
    # are done.
    with fresh_sim(_shared_image_library(), settings={"hookSyncImages": True}) as sim:
        tag = sim.gql("mutation($n: String!) { tagCreate(input: {name: $n}) { id } }", {"n": NEW_GALLERY_TAG})[
            "tagCreate"
        ]["id"]
        ids = ids_by_path(sim)
        sim.gql(
            "mutation($i: BulkGalleryUpdateInput!) { bulkGalleryUpdate(input: $i) { id } }",
            {"i": {"ids": list(ids.values()), "tag_ids": {"ids": [tag], "mode": "ADD"}}},
        )
        sim.faults.add("http_500", operation="bulkImageUpdate")
        result = run(sim, FINISH, ok=False)

        out = result.output
        assert out["failed_count"] == 51  # the first request's 50 galleries, and Picks
        assert {f["gallery"] for f in out["failed"]} == {ids[f] for f in FOLDERS[:50]}  # the first 50 listed
        galleries = state(sim)["galleries"]
        assert NEW_GALLERY_TAG in galleries["user:Picks"]["tags"]  # not done: still marked
        assert all(NEW_GALLERY_TAG not in galleries[f]["tags"] for f in FOLDERS[50:])  # done: unmarked
        # Picks failed with the first request, so its own change in the second one was not sent
        assert state(sim)["images"]["/iso/loose.jpg"]["tags"] == []

        again = run(sim, FINISH).output
        assert again["failed_count"] == 0
        assert NEW_GALLERY_TAG not in state(sim)["galleries"]["user:Picks"]["tags"]
        assert state(sim)["images"][f"{FOLDERS[0]}/1.jpg"]["tags"] == ["Extra", "Keep"]


def test_a_gallery_whose_only_image_another_gallery_wrote_fails_with_that_write():
    # Picks comes first and plans the shared image for both; the other gallery has nothing else to
    # write. The write fails: both galleries fail, and Finish keeps both marked.
    library = {
        "tags": ["Keep", "Extra"],
        "galleries": [
            {"title": "Picks", "tags": ["Extra"], "images": ["/iso/one/1.jpg"]},
            {"folder": "/iso/one", "tags": ["Keep"], "images": ["1.jpg"]},
        ],
    }
    with fresh_sim(library, settings={"hookSyncImages": True}) as sim:
        tag = sim.gql("mutation($n: String!) { tagCreate(input: {name: $n}) { id } }", {"n": NEW_GALLERY_TAG})[
            "tagCreate"
        ]["id"]
        ids = ids_by_path(sim)
        sim.gql(
            "mutation($i: BulkGalleryUpdateInput!) { bulkGalleryUpdate(input: $i) { id } }",
            {"i": {"ids": list(ids.values()), "tag_ids": {"ids": [tag], "mode": "ADD"}}},
        )
        sim.faults.add("http_500", operation="bulkImageUpdate")
        result = run(sim, FINISH, ok=False)

        assert {f["gallery"] for f in result.output["failed"]} == {ids["user:Picks"], ids["/iso/one"]}
        galleries = state(sim)["galleries"]
        assert NEW_GALLERY_TAG in galleries["/iso/one"]["tags"] and NEW_GALLERY_TAG in galleries["user:Picks"]["tags"]
        again = run(sim, FINISH).output
        assert (again["scanned"], again["failed_count"]) == (2, 0)
        assert state(sim)["images"]["/iso/one/1.jpg"]["tags"] == ["Extra", "Keep"]
        assert all(NEW_GALLERY_TAG not in g["tags"] for g in state(sim)["galleries"].values())


def test_a_shared_images_change_names_all_its_galleries():
    with fresh_sim(_shared_image_library()) as sim:
        ids = ids_by_path(sim)
        ops = GalleryOps.from_server_connection(sim.server_connection())
        images = ops.images_of_galleries([ids[FOLDERS[0]]], fields.IMAGE_SYNC)[ids[FOLDERS[0]]]
        gallery = ops.galleries_by_ids([ids[FOLDERS[0]]], "id tags { id name }")[ids[FOLDERS[0]]]
        assert gallery is not None
        (change,) = plan_image_sync(gallery, images, ("tags",), mirror=False).changes
        assert change.galleries == (ids[FOLDERS[0]], ids["user:Picks"])
