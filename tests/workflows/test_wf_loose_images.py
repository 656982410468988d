"""galleries_from_folders: plan tests (no server), the sample library, a library with every case,
kill-and-rerun, and the request count on many folders."""

from __future__ import annotations

import pytest
from wf_support import (
    HIKING,
    LOOSE,
    LOOSE_PREVIEW,
    fresh_sim,
    gallery,
    image,
    kill_and_rerun_at_every_request,
    run,
    state,
)

from gallery_ops.common.args import ArgError
from gallery_ops.common.limits import IMAGE_PAGE_SIZE, MUTATION_BATCH_SIZE
from gallery_ops.common.skips import SKIP_FEW, SKIP_FOLDER_GALLERY
from gallery_ops.tasks.loose_images import (
    AddFolderImages,
    CreateFolderGallery,
    claim,
    folder_key,
    folder_titles,
    group_by_folder,
    parse_min_images,
    plan_folder,
)


# -- plans ----------------------------------------------------------------------------------------
def test_images_are_grouped_by_their_folder_whichever_separators_windows_paths_use():
    folders, no_path = group_by_folder(
        [
            image(1, "C:\\Pics\\2021\\a.jpg"),
            image(2, "C:/Pics/2021/b.jpg"),
            image(3, "/pics/2021/a.jpg"),
            image(4, "/pics/2021\\x/b.jpg"),
            image(5),
        ]
    )
    assert no_path == 1
    assert sorted((f.path, f.image_ids) for f in folders.values()) == [
        ("/pics/2021", ["3"]),
        ("/pics/2021\\x", ["4"]),  # on Linux a backslash is part of a name: folder `2021\x`
        ("C:\\Pics\\2021", ["1", "2"]),
    ]
    assert (
        folder_key("C:/Pics/2021")
        == folder_key("C:\\Pics\\2021\\")
        == next(f.key for f in folders.values() if f.path.startswith("C:"))
    )


def test_titles_are_the_folder_name_and_the_parent_too_when_names_clash():
    folders, _ = group_by_folder(
        [image(1, "/t/Trips/2021/a.jpg"), image(2, "/t/Home/2021/a.jpg"), image(3, "/t/Beach/a.jpg")]
    )
    assert sorted(folder_titles(list(folders.values())).values()) == ["2021 (Home)", "2021 (Trips)", "Beach"]


def test_a_folder_gets_a_gallery_with_its_images_or_is_skipped():
    folders, _ = group_by_folder([image(1, "/a/1.jpg"), image(2, "/a/2.jpg")])
    (folder,) = folders.values()
    plan = plan_folder(folder, "a", 2, set(), None, set())
    assert plan.changes == [CreateFolderGallery("/a", "a", 2), AddFolderImages("/a", None, ("1", "2"))]
    assert plan_folder(folder, "a", 3, set(), None, set()).skipped == SKIP_FEW
    assert plan_folder(folder, "a", 1, {folder.key}, None, set()).skipped == SKIP_FOLDER_GALLERY


def test_a_gallery_an_earlier_run_made_is_claimed_and_completed():
    folders, _ = group_by_folder([image(1, "/a/1.jpg"), image(2, "/a/2.jpg"), image(3, "/a/3.jpg")])
    (folder,) = folders.values()
    made = gallery("9", title="a")
    other = gallery("8", title="a")  # same title, but holds an image of another folder
    images = {"8": [image(7, "/b/7.jpg")], "9": [image(1, "/a/1.jpg")]}
    taken: set[str] = set()
    assert claim("a", folder, [other, made], images, taken) == made and taken == {"9"}
    plan = plan_folder(folder, "a", 5, set(), made, {"1"})  # the minimum does not matter any more
    assert plan.changes == [AddFolderImages("/a", "9", ("2", "3"))]
    assert claim("a", folder, [made], images, taken) is None  # one folder per gallery


@pytest.mark.parametrize("value", [0, -1, 1.5, True, "2"])
def test_the_minimum_is_a_whole_number_of_one_or_more(value):
    with pytest.raises(ArgError, match="whole number"):
        parse_min_images(value)


# -- end to end -------------------------------------------------------------------------------------
# (the scenario "galleries_from_folders" on the sample: test_wf_tasks checks its preview sends no
# mutation and its second run no write; its kill-and-rerun loop is below)
def test_the_sample_loose_folder_gets_a_gallery(scenario_run):
    runs = scenario_run("galleries_from_folders")
    assert set(runs.after["galleries"]) - set(runs.before["galleries"]) == {"user:Hiking 2019"}
    assert runs.after["images"] == runs.before["images"]
    out = runs.first.output
    # Hiking 2019: three images in no gallery; loose/: one (night.jpg; sunset.jpg is in Best of 2021),
    # under the default minimum of 2
    assert out["summary"].startswith("2 galleries scanned, 1 changed") and out["loose_images"] == 4
    assert out["skipped"] == {SKIP_FEW: 1}
    assert runs.second.output["loose_images"] == 1


def test_the_sample_hiking_folder_gallery_holds_its_three_images(scenario_run):
    with fresh_sim() as sim:
        run(sim, LOOSE)
        assert names_of(sim, "Hiking 2019") == [[f"{HIKING}/h0{n}.jpg" for n in (1, 2, 3)]]


def every_case() -> dict:
    return {
        "galleries": [
            {"folder": "/x/fg", "images": ["1.jpg"]},  # Stash made a folder gallery here
            {"title": "Picks", "images": ["/x/a/1.jpg"]},  # a hand-made gallery holding one image of /x/a
        ],
        "images": ["/x/fg/2.jpg", "/x/a/1.jpg", "/x/a/2.jpg", "/x/a/3.jpg", "/y/a/1.jpg", "/y/a/2.jpg", "/z/only.jpg"],
    }


def names_of(sim, title):
    """The image paths of each gallery with that title."""
    found = sim.gql(
        "query($t: String!) { findGalleries(gallery_filter: {title: {value: $t, modifier: EQUALS}})"
        " { galleries { id } } }",
        {"t": title},
    )["findGalleries"]["galleries"]
    out = []
    for g in found:
        images = sim.gql(
            "query($f: ImageFilterType) { findImages(image_filter: $f, filter: {per_page: -1})"
            " { images { files { path } } } }",
            {"f": {"galleries": {"value": [g["id"]], "modifier": "INCLUDES"}}},
        )["findImages"]["images"]
        out.append(sorted(i["files"][0]["path"] for i in images))
    return out


def test_every_case_and_preview_then_apply_then_nothing():
    with fresh_sim(every_case()) as sim:
        before = state(sim)
        preview = run(sim, LOOSE_PREVIEW).output
        assert sim.requests.mutations() == [] and state(sim) == before
        assert preview["skipped"] == {SKIP_FOLDER_GALLERY: 1, SKIP_FEW: 1}
        applied = run(sim, LOOSE).output
        assert applied["changes"] == preview["changes"]
        assert set(state(sim)["galleries"]) - set(before["galleries"]) == {"user:a (x)", "user:a (y)"}
        assert names_of(sim, "a (x)") == [["/x/a/2.jpg", "/x/a/3.jpg"]]  # 1.jpg is in Picks already
        assert names_of(sim, "a (y)") == [["/y/a/1.jpg", "/y/a/2.jpg"]]
        sim.requests.clear()
        again = run(sim, LOOSE).output
        assert sim.requests.mutations() == [] and again["change_count"] == 0
        run(sim, LOOSE, {"min_images": "1"})
        assert names_of(sim, "z") == [["/z/only.jpg"]]
        after = state(sim)
        assert set(after["galleries"]) - set(before["galleries"]) == {"user:a (x)", "user:a (y)", "user:z"}
        assert after["images"] == before["images"]
        assert {k: v for k, v in after["galleries"].items() if k in before["galleries"]} == before["galleries"]


def test_the_path_arg_limits_the_folders():
    with fresh_sim(every_case()) as sim:
        out = run(sim, LOOSE, {"path": "/y"}).output
        assert [c.get("create_gallery") for c in out["changes"] if "create_gallery" in c] == ["a"]


@pytest.mark.parametrize("library", [every_case, lambda: None], ids=["every_case", "sample"])
def test_killed_at_any_request_a_rerun_makes_each_gallery_once(library):
    """Each galleryCreate runs Gallery Tools' own Gallery.Create.Post hook inside that request, so the
    hook's requests count among the N (the generic loop of test_wf_kill counts the task's only)."""

    def made_twice(sim) -> str | None:
        titles = [
            g["title"]
            for g in sim.gql("{ findGalleries(filter: {per_page: -1}) { galleries { title } } }")["findGalleries"][
                "galleries"
            ]
            if g["title"]
        ]
        return None if len(titles) == len(set(titles)) else f"titles {titles}"

    total, problems = kill_and_rerun_at_every_request(library, LOOSE, made_twice)
    assert total >= 5 and problems == []


def test_many_folders_cost_a_few_requests_not_one_per_folder():
    """The task's own requests; each galleryCreate also fires Stash's Gallery.Create.Post hook, ours
    included (docs/stash.md §3), whose one read per run is counted apart."""
    folders = 300
    library = {"images": [f"/many/f{f:03d}/{i}.jpg" for f in range(folders) for i in range(4)]}
    with fresh_sim(library) as sim:
        sim.requests.clear()
        out = run(sim, LOOSE).output
        records = sim.requests.records
        hook_runs = [r for r in sim.hooks.runs if r.trigger == "Gallery.Create.Post"]
    assert out["changed"] == folders and out["failed_count"] == 0
    assert len(hook_runs) == folders
    own = [r for r in records if r.operation_name != "NewGalleryHook"]
    assert len(records) - len(own) == folders  # the hook: one read each, rules off, no write
    reads = 1 + folders * 4 // IMAGE_PAGE_SIZE + 1 + 1  # settings, loose images, galleries (one page)
    writes = 2 * -(-folders // MUTATION_BATCH_SIZE)  # galleryCreate and addGalleryImages, aliased
    rechecks = writes  # the loose images (and titles) read again right before each batch of writes
    assert len(own) <= reads + writes + rechecks
    assert sum(len(r.variables) for r in own if r.is_mutation) == 2 * folders
