"""Galleries for loose images: never a gallery for a folder marked .nogallery, never two galleries
for one folder when two runs overlap, and never an image a person filed meanwhile.

The other run's gallery and the person's filing are injected the moment before the task's
re-read (LooseRecheck), or, for code without it, the moment before its write, as the meanwhile
tests do.
"""

from __future__ import annotations

from collections.abc import Callable

from stash_sim import StashSimulator
from wf_support import LOOSE, fresh_sim, image_ids, run

RECHECK = "LooseRecheck"
CREATE = "mutation($i: GalleryCreateInput!) { galleryCreate(input: $i) { id } }"
ADD = "mutation($i: GalleryAddInput!) { addGalleryImages(input: $i) }"


def before(sim: StashSimulator, write: str, edit: Callable[[], object], nth_recheck: int = 1) -> None:
    """Run `edit` once: just before the run's nth LooseRecheck or, failing that, before `write`."""
    seen: list[int] = []
    done: list[bool] = []

    def at_recheck() -> None:
        seen.append(1)
        if len(seen) == nth_recheck and not done:
            done.append(True)
            edit()

    def at_write() -> None:
        if not done:
            done.append(True)
            edit()

    sim.faults.add("before", count=10, operation=RECHECK, action=at_recheck)
    sim.faults.add("before", operation=write, action=at_write)


def galleries_titled(sim: StashSimulator, title: str) -> list[list[str]]:
    """The image paths of each gallery with exactly that title."""
    found = sim.gql('{ findGalleries(filter: {per_page: -1, sort: "id"}) { galleries { id title } } }')
    out = []
    for g in found["findGalleries"]["galleries"]:
        if g["title"] != title:
            continue
        images = sim.gql(
            "query($f: ImageFilterType) { findImages(image_filter: $f, filter: {per_page: -1})"
            " { images { visual_files { ... on ImageFile { path } } } } }",
            {"f": {"galleries": {"value": [g["id"]], "modifier": "INCLUDES"}}},
        )["findImages"]["images"]
        out.append(sorted(i["visual_files"][0]["path"] for i in images))
    return out


LIBRARY = {"images": ["/h/Trip/1.jpg", "/h/Trip/2.jpg", "/h/Trip/3.jpg"], "galleries": [{"title": "My picks"}]}


def test_two_runs_at_once_make_one_gallery_per_folder():
    with fresh_sim(LIBRARY) as sim:
        ids = image_ids(sim)

        def the_other_run() -> None:  # it made the folder's gallery and filled it meanwhile
            made = sim.gql(CREATE, {"i": {"title": "Trip"}})["galleryCreate"]["id"]
            sim.gql(ADD, {"i": {"gallery_id": made, "image_ids": [ids[f"/h/Trip/{n}.jpg"] for n in (1, 2, 3)]}})

        before(sim, "galleryCreate", the_other_run)
        out = run(sim, LOOSE).output
        assert galleries_titled(sim, "Trip") == [["/h/Trip/1.jpg", "/h/Trip/2.jpg", "/h/Trip/3.jpg"]]
    assert out["failed_count"] == 0


def test_an_image_filed_meanwhile_does_not_land_in_the_new_folder_gallery():
    with fresh_sim(LIBRARY) as sim:
        ids = image_ids(sim)
        picks = sim.gql("{ findGalleries(filter: {per_page: -1}) { galleries { id title } } }")
        (picks_id,) = [g["id"] for g in picks["findGalleries"]["galleries"] if g["title"] == "My picks"]

        def file_one() -> None:  # a person files 1.jpg into their own gallery
            sim.gql(ADD, {"i": {"gallery_id": picks_id, "image_ids": [ids["/h/Trip/1.jpg"]]}})

        before(sim, "addGalleryImages", file_one, nth_recheck=2)  # the re-read before the adds
        run(sim, LOOSE)
        assert galleries_titled(sim, "Trip") == [["/h/Trip/2.jpg", "/h/Trip/3.jpg"]]
        assert galleries_titled(sim, "My picks") == [["/h/Trip/1.jpg"]]


def test_a_folder_marked_nogallery_gets_no_gallery(tmp_path):
    r = str(tmp_path)
    for folder in ("marked", "plain"):
        (tmp_path / folder).mkdir()
        for n in (1, 2):
            (tmp_path / folder / f"{n}.jpg").write_bytes(b"x")
    (tmp_path / "marked" / ".nogallery").write_bytes(b"")
    library = {"images": [f"{r}/{folder}/{n}.jpg" for folder in ("marked", "plain") for n in (1, 2)]}
    with fresh_sim(library) as sim:
        out = run(sim, LOOSE).output
        assert galleries_titled(sim, "marked") == []
        assert galleries_titled(sim, "plain") == [[f"{r}/plain/1.jpg", f"{r}/plain/2.jpg"]]
    assert any(".nogallery" in reason for reason in out["skipped"])
