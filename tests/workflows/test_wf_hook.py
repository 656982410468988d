"""The Gallery.Create.Post hook and the scan.

A scan creates a folder or zip gallery with its FIRST image and runs the create hook
then; the other images arrive later without a gallery hook. With the hook rules on, the
hook titles the gallery at once, marks it, and queues "Finish new galleries", which Stash's
job queue runs once the scan is over (docs/stash.md §10). With no button pressed, the end
state must equal running the tasks on the finished galleries of an identical library that
had no hooks.
"""

from __future__ import annotations

from typing import Any

from stash_sim import StashSimulator
from wf_support import (
    ALL_HOOK_RULES,
    CHAPTERS,
    FINISH,
    NEW_GALLERY_TAG,
    PLUGIN,
    REPO,
    SCAN_FOLDER,
    SCAN_FOLDER_IMAGES,
    SCAN_ZIP,
    SCAN_ZIP_IMAGES,
    SET_COVERS,
    SYNC,
    TITLE_PATTERN,
    TITLES,
    diff,
    fresh_sim,
    ids_by_path,
    image_ids,
    named_id,
    run,
    scan_new_galleries,
    state,
)

SETTINGS = {**ALL_HOOK_RULES, "titlePattern": TITLE_PATTERN}
HAND_IMAGES = ["/library/loose/sunset.jpg", f"{SCAN_FOLDER}/a03.jpg", f"{SCAN_ZIP}/Night/001.jpg"]
CREATE = "mutation($i: GalleryCreateInput!) { galleryCreate(input: $i) { id } }"
ADD = "mutation($i: GalleryAddInput!) { addGalleryImages(input: $i) }"


def new_galleries(sim: StashSimulator) -> list[str]:
    """Scan the folder and the zip, then make a gallery by hand (a tag, images from three folders)."""
    folder_id, zip_id = scan_new_galleries(sim)
    hand_id = sim.gql(CREATE, {"i": {"title": "Hand Picked", "tag_ids": [named_id(sim, "tag", "Beach")]}})[
        "galleryCreate"
    ]["id"]
    ids = image_ids(sim)
    sim.gql(ADD, {"i": {"gallery_id": hand_id, "image_ids": [ids[p] for p in HAND_IMAGES]}})
    return [folder_id, zip_id, hand_id]


def test_a_scan_with_the_hooks_ends_finished_with_no_button_pressed():
    """One scan of a folder and a zip gallery, hooks on: the hook queues Finish new
    galleries once, Stash runs it after the scan, and the library ends as the tasks leave an
    unhooked copy. No hook run starts another run of our hooks."""
    with fresh_sim(settings=SETTINGS) as hooked:
        before = state(hooked)
        created = list(scan_new_galleries(hooked))  # returns when the scan and the jobs it queued are done
        jobs = [(job.description, job.status) for job in hooked.jobs.history]
        job_order = hooked.jobs.history
        hook_runs = list(hooked.hooks.runs)
        after_hooks = state(hooked)
        (finish,) = hooked.task_runs  # nobody pressed a button: this is the run the hook queued

    with fresh_sim(settings={"titlePattern": TITLE_PATTERN}, install=False) as plain:
        plain_created = list(scan_new_galleries(plain))  # no plugin: no hooks, no queued task
        assert plain.hooks.runs == [] and [job.description for job in plain.jobs.history] == ["Scanning..."]
        plain.install_plugin(REPO)
        for button in (TITLES, CHAPTERS, SET_COVERS, SYNC):
            run(plain, button, {"gallery_ids": ",".join(plain_created)})
        after_tasks = state(plain)

    assert created == plain_created
    # exactly one Finish job for the scan, run after it
    assert jobs == [("Scanning...", "FINISHED"), ("Running plugin task: Finish new galleries", "FINISHED")]
    assert job_order[1].start_time >= job_order[0].end_time
    assert [r.result.output["finish"] for r in hook_runs] == ["queued now", "already queued"]
    # one Info line for the scan (the run that queued the task), each gallery by name at debug level
    info = [m for r in hook_runs for m in r.result.messages("info")]
    assert len(info) == 1 and info[0].startswith('new gallery "Hike [2023-05-01]" [') and "queued now" in info[0]
    assert 'new gallery "Party.Night [2023-06-10].zip" [' in hook_runs[1].result.messages("debug")[-1]
    assert finish.error is None and finish.output["scanned"] == 2 and finish.output["failed_count"] == 0
    # the same end state, marker tag gone from every gallery (and never copied to an image)
    assert after_hooks == after_tasks
    assert not any(NEW_GALLERY_TAG in g["tags"] for g in after_hooks["galleries"].values())
    assert not any(NEW_GALLERY_TAG in i["tags"] for i in after_hooks["images"].values())
    # ... and the end state is the full result, not an empty one
    galleries = after_tasks["galleries"]
    assert galleries[SCAN_FOLDER]["title"] == "Hike" and galleries[SCAN_FOLDER]["date"] == "2023-05-01"
    assert galleries[SCAN_FOLDER]["cover"] == f"{SCAN_FOLDER}/a03.jpg"  # portrait, not the first image
    assert galleries[SCAN_ZIP]["title"] == "Party Night"
    assert galleries[SCAN_ZIP]["chapters"] == [("Evening", 1), ("Night/Late", 3), ("Night", 4)]
    assert galleries[SCAN_ZIP]["cover"] == f"{SCAN_ZIP}/Night/001.jpg"
    images = after_tasks["images"]
    assert images[f"{SCAN_FOLDER}/a03.jpg"] == {
        "tags": [],
        "performers": [],
        "studio": None,
        "date": "2023-05-01",
        "photographer": None,
    }
    assert images[f"{SCAN_ZIP}/Evening/001.jpg"]["date"] == "2023-06-10"
    # the sample's own galleries are untouched
    assert {k: v for k, v in after_hooks["galleries"].items() if k in before["galleries"]} == before["galleries"]
    # no hook run started another run of our hooks: one Gallery.Create.Post run per new gallery, and
    # the queued task's writes (Gallery.Update.Post) started none either
    assert [(r.plugin_id, r.trigger, str(r.hook_context["id"]), r.depth) for r in hook_runs] == [
        (PLUGIN, "Gallery.Create.Post", gallery_id, 0) for gallery_id in created
    ]
    assert all(r.result.error is None for r in hook_runs)


def test_each_scan_gets_its_own_finish_which_also_finishes_a_hand_made_gallery_filled_since():
    with fresh_sim(settings=SETTINGS) as sim:
        new_galleries(sim)  # a scan, then a gallery made by hand: its hook queues Finish again
        sim.jobs.wait_idle()  # (whether that Finish ran before or after its images were added)
        sim.scan_folder("/library/new/Second", ["x1.jpg", "x2.jpg"])
        sim.jobs.wait_idle()
        descriptions = [job.description for job in sim.jobs.history]
        assert descriptions == [
            "Scanning...",
            "Running plugin task: Finish new galleries",
            "Running plugin task: Finish new galleries",
            "Scanning...",
            "Running plugin task: Finish new galleries",
        ]
        assert all(job.status == "FINISHED" for job in sim.jobs.history)
        galleries = state(sim)["galleries"]
        assert galleries["/library/new/Second"]["tags"] == []  # the second scan's gallery is finished
        # and so is the hand-made one, which has its images now
        hand = galleries["user:Hand Picked"]
        assert hand["tags"] == ["Beach"] and len(hand["chapters"]) == 3
        assert not any(NEW_GALLERY_TAG in g["tags"] for g in galleries.values())


def test_the_marker_is_added_by_stash_so_a_tag_added_meanwhile_stays():
    """The write adds the marker (bulkGalleryUpdate, mode ADD) without sending the tag list it read."""
    with fresh_sim(settings=SETTINGS) as sim:
        travel = named_id(sim, "tag", "Travel")

        def someone_tags_it() -> None:  # in Stash's UI, between the hook's read and its write
            gallery_id = ids_by_path(sim)[SCAN_FOLDER]
            sim.gql(
                "mutation($i: BulkGalleryUpdateInput!) { bulkGalleryUpdate(input: $i) { id } }",
                {"i": {"ids": [gallery_id], "tag_ids": {"ids": [travel], "mode": "ADD"}}},
            )

        sim.faults.add("before", operation="NewGalleryWrite", action=someone_tags_it)
        sim.set_plugin_settings(PLUGIN, {**SETTINGS, "hookFinishByHand": True})
        sim.scan_folder(SCAN_FOLDER, SCAN_FOLDER_IMAGES)
        assert state(sim)["galleries"][SCAN_FOLDER]["tags"] == [NEW_GALLERY_TAG, "Travel"]


def test_finish_by_hand_queues_nothing():
    with fresh_sim(settings={**SETTINGS, "hookFinishByHand": True}) as sim:
        sim.requests.clear()
        scan_new_galleries(sim)
        assert [job.description for job in sim.jobs.history] == ["Scanning..."]
        assert sim.requests.count("runPluginTask") == 0
        assert all(r.result.output["finish"].startswith("by hand") for r in sim.hooks.runs)
        assert all(
            NEW_GALLERY_TAG in g["tags"] for p, g in state(sim)["galleries"].items() if p.startswith("/library/new/")
        )
        assert run(sim, FINISH).output["scanned"] == 2  # the button does it


def test_the_hook_on_a_scan_runs_on_the_first_image_and_costs_a_handful_of_requests():
    seen: list[dict[str, Any]] = []
    with fresh_sim(settings=SETTINGS) as sim:

        def after_image(n: int) -> None:
            if n == 1:
                gallery = sim.gql(
                    '{ findGalleries(gallery_filter: {path: {value: "/library/new/",'
                    " modifier: INCLUDES}}) { galleries { title image_count tags { name } } } }"
                )
                seen.extend(gallery["findGalleries"]["galleries"])
                seen.append({"requests": sim.requests.fields()})

        def at_the_end(n: int) -> None:
            after_image(n)
            if n == len(SCAN_FOLDER_IMAGES):
                seen.append({"requests": sim.requests.fields()})

        sim.requests.clear()
        sim.scan_folder(SCAN_FOLDER, SCAN_FOLDER_IMAGES, after_each=at_the_end)
        # when the hook ran, the gallery held only the first image: titled and marked at once
        assert seen[0] == {"title": "Hike", "image_count": 1, "tags": [{"name": NEW_GALLERY_TAG}]}
        # one read (settings, gallery, marker tag, job queue), the marker tag's creation (first time
        # only), the mark and the queued task, then the title: with a title pattern (it may run a
        # while, or fail on a name), the mark is written first (without one, all is one write)
        read, mark, title = (
            "configuration+findGallery+findTags+jobQueue",
            "bulkGalleryUpdate+runPluginTask",
            "galleryUpdate",
        )
        write = [mark, title]
        assert seen[1]["requests"] == [read, "tagCreate", *write]
        assert seen[2]["requests"] == seen[1]["requests"]  # the later images started no hook
        sim.jobs.wait_idle()
        sim.requests.clear()
        sim.scan_zip(SCAN_ZIP, SCAN_ZIP_IMAGES, after_each=lambda n: seen.append({"zip": sim.requests.fields()}))
        assert seen[-1]["zip"] == [read, *write]  # the tag exists now
        for hook_run in sim.hooks.runs:
            out = hook_run.result.output
            assert out["made_by_scan"] is True and out["marked"] is True
            assert out["deferred"] == ["hookChapters", "hookCovers", "hookSyncImages"]
            assert any("queued now: Finish new galleries" in m for m in hook_run.result.messages("info"))
        assert sim.hooks.skipped == []


def test_the_hook_on_a_gallery_made_by_hand():
    with fresh_sim(settings=SETTINGS) as sim:
        sim.requests.clear()
        gallery_id = sim.gql(CREATE, {"i": {"title": "By Hand"}})["galleryCreate"]["id"]
        (hook_run,) = sim.hooks.runs
        assert hook_run.hook_context == {
            "id": int(gallery_id),
            "type": "Gallery.Create.Post",
            "input": {"title": "By Hand"},
        }
        out = hook_run.result.output
        assert out["made_by_scan"] is False and out["update"] == {} and out["marked"] is True
        assert out["finish"] == "queued now"
        sim.jobs.wait_idle()  # the queued Finish ran at once (no scan): the gallery, still empty, stays marked
        # the hook's own requests (the Finish task's follow): read, the marker tag's creation, one write
        assert sim.requests.fields()[:3] == [
            "configuration+findGallery+findTags+jobQueue",
            "tagCreate",
            "bulkGalleryUpdate+runPluginTask",
        ]
        assert state(sim)["galleries"]["user:By Hand"]["tags"] == [NEW_GALLERY_TAG]
        ids = image_ids(sim)
        sim.gql(
            ADD,
            {
                "i": {
                    "gallery_id": gallery_id,
                    "image_ids": [
                        ids["/library/photos/Beach 2021/IMG_0002.jpg"],
                        ids["/library/photos/Portraits/p02.jpg"],
                    ],
                }
            },
        )
        before = state(sim)
        run(sim, FINISH)
        changes = diff(before, state(sim))
        assert changes[("galleries", "user:By Hand", "chapters")] == ([], [("Beach 2021", 1), ("Portraits", 2)])
        # p02 is a portrait: the cover rule picks it over Stash's default pick (the first image)
        assert changes[("galleries", "user:By Hand", "cover")][1] == "/library/photos/Portraits/p02.jpg"
        assert changes[("galleries", "user:By Hand", "tags")] == ([NEW_GALLERY_TAG], [])
        assert before["galleries"]["user:By Hand"]["title"] == "By Hand"  # a person's title: kept


def test_the_hook_with_every_rule_off_writes_nothing():
    with fresh_sim() as sim:
        sim.requests.clear()
        gallery_id = sim.scan_folder(SCAN_FOLDER, SCAN_FOLDER_IMAGES)
        sim.gql(CREATE, {"i": {"title": "By Hand"}})
        assert len(sim.hooks.runs) == 2
        assert sim.requests.mutations() == []
        assert sim.requests.fields() == ["configuration+findGallery+findTags+jobQueue"] * 2  # one request each
        assert "no new-gallery rules" in sim.hooks.runs[0].result.output["result"]
        gallery = state(sim)["galleries"][SCAN_FOLDER]
        assert gallery["title"] == "" and gallery["tags"] == []
        assert gallery_id is not None


def test_the_dry_run_setting_makes_the_hook_report_instead_of_writing():
    with fresh_sim(settings={**SETTINGS, "dryRun": True}) as sim:
        sim.requests.clear()
        sim.scan_folder(SCAN_FOLDER, SCAN_FOLDER_IMAGES)
        assert sim.requests.mutations() == []
        out = sim.hooks.runs[0].result.output
        assert out["dry_run"] is True and out["update"] == {"title": "Hike", "date": "2023-05-01"}
        assert out["deferred"] == ["hookChapters", "hookCovers", "hookSyncImages"]
        assert out["finish"] == "not queued (preview)" and sim.jobs.history[1:] == []
        assert state(sim)["galleries"][SCAN_FOLDER]["title"] == ""


def test_titles_only_need_no_follow_up():
    with fresh_sim(settings={"hookTitles": True}) as sim:
        sim.requests.clear()
        scan_new_galleries(sim)
        assert [r.result.output.get("deferred") for r in sim.hooks.runs] == [None, None]
        assert sim.requests.count("tagCreate") == 0  # nothing to mark
        galleries = state(sim)["galleries"]
        assert (galleries[SCAN_FOLDER]["title"], galleries[SCAN_ZIP]["title"]) == (
            "Hike [2023-05-01]",
            "Party Night [2023-06-10]",
        )
        assert galleries[SCAN_ZIP]["tags"] == []


def test_a_gallery_made_by_hand_stays_marked_until_it_has_images():
    """Finish before the images are added must not drop the mark, or the gallery never gets its rules."""
    with fresh_sim(settings=SETTINGS) as sim:
        hand_id = sim.gql(CREATE, {"i": {"title": "Later"}})["galleryCreate"]["id"]
        first = run(sim, FINISH).output
        assert (first["scanned"], first["failed_count"]) == (1, 0)
        assert state(sim)["galleries"]["user:Later"]["tags"] == [NEW_GALLERY_TAG]  # still waiting
        ids = image_ids(sim)
        two_folders = ["/library/loose/sunset.jpg", "/library/photos/Portraits/p01.jpg"]
        sim.gql(ADD, {"i": {"gallery_id": hand_id, "image_ids": [ids[p] for p in two_folders]}})
        run(sim, FINISH)
        later = state(sim)["galleries"]["user:Later"]
        assert later["tags"] == [] and len(later["chapters"]) == 2  # done: rules applied, mark gone


def test_finish_only_adds_to_images_even_with_sync_mirror_on():
    """Removing what images have is the Sync task's job, which previews it; Finish never removes."""
    with fresh_sim(settings={**SETTINGS, "syncMirror": True, "hookFinishByHand": True}) as sim:
        sim.scan_zip(SCAN_ZIP, SCAN_ZIP_IMAGES)
        own_image = image_ids(sim)[f"{SCAN_ZIP}/Evening/001.jpg"]
        sim.gql(
            "mutation($i: BulkImageUpdateInput!) { bulkImageUpdate(input: $i) { id } }",
            {"i": {"ids": [own_image], "tag_ids": {"ids": [named_id(sim, "tag", "Archive")], "mode": "ADD"}}},
        )
        sim.gql(
            "mutation($i: BulkGalleryUpdateInput!) { bulkGalleryUpdate(input: $i) { id } }",
            {
                "i": {
                    "ids": [ids_by_path(sim)[SCAN_ZIP]],
                    "tag_ids": {"ids": [named_id(sim, "tag", "Travel")], "mode": "ADD"},
                }
            },
        )
        run(sim, FINISH)
        images = {path: image for path, image in state(sim)["images"].items() if path.startswith(SCAN_ZIP)}
        assert all("Travel" in image["tags"] for image in images.values())  # added from the gallery
        assert images[f"{SCAN_ZIP}/Evening/001.jpg"]["tags"] == ["Archive", "Travel"]  # its own tag kept
