"""link_scenes: plan tests (no server) and the task on the sample library."""

from __future__ import annotations

import pytest
from wf_support import (
    BEACH,
    BEST,
    CITY,
    LINK_SCENES,
    PORTRAITS,
    diff,
    fresh_sim,
    gallery,
    ids_by_path,
    named_id,
    run,
    state,
)

from gallery_ops.common.skips import SKIP_HAND_MADE_SCENES, SKIP_NO_MATCH, SKIP_NOT_UNIQUE
from gallery_ops.stash.models import FileRef, PerformerRef, Scene, SceneRef, StudioRef, TagRef
from gallery_ops.tasks.changes import AddGalleryRefs, SetGalleryFields
from gallery_ops.tasks.scene_links import build_index, plan_link


def scene(id, *paths_, **meta):
    return Scene(id=str(id), files=[FileRef(path=p) for p in paths_], **meta)


INDEX = build_index(
    [
        scene(1, "/v/Set A.mp4"),
        scene(2, "/v/Set B.mp4"),
        scene(3, "/v/Set B/clip.mp4"),
        scene(4, "/v/Set C.mp4", "/v/Set C.mkv"),  # one scene, two files: still one match
        scene(5, "C:\\V\\Trip.MP4"),
        scene(6, "/v/Other/x.mp4"),
        scene(7, "/v/Other/y.mp4"),
    ]
)


def linked(plan):
    return [dict(c.refs).get("scene_ids") for c in plan.changes if isinstance(c, AddGalleryRefs)]


def test_a_zip_and_a_video_of_the_same_name_next_to_it():
    assert linked(plan_link(gallery(zip="/v/Set A.zip"), INDEX, False)) == [("1",)]
    assert linked(plan_link(gallery(zip="/v/Set C.cbz"), INDEX, False)) == [("4",)]
    assert plan_link(gallery(zip="/w/Set A.zip"), INDEX, False).skipped == SKIP_NO_MATCH  # another folder


def test_a_folder_next_to_its_video_or_holding_it():
    assert linked(plan_link(gallery(folder="/v/Set A"), INDEX, False)) == [("1",)]
    assert plan_link(gallery(folder="/v/Set B"), INDEX, False).skipped == SKIP_NOT_UNIQUE  # 2 next to, 3 inside
    assert plan_link(gallery(folder="/v/Other"), INDEX, False).skipped == SKIP_NOT_UNIQUE


def test_windows_names_compare_without_case_and_either_separator():
    assert linked(plan_link(gallery(zip="C:/v/trip.zip"), INDEX, False)) == [("5",)]
    assert plan_link(gallery(zip="/v/set a.zip"), INDEX, False).skipped == SKIP_NO_MATCH  # Linux: case counts


def test_a_linked_scene_is_not_sent_again_and_hand_made_galleries_are_not_matched():
    g = gallery(zip="/v/Set A.zip").model_copy(update={"scenes": [SceneRef(id="1"), SceneRef(id="9")]})
    assert plan_link(g, INDEX, False).status == "unchanged"
    assert plan_link(gallery(title="Picks"), INDEX, False).skipped == SKIP_HAND_MADE_SCENES


def test_copying_the_scenes_metadata_fills_only_what_the_gallery_lacks():
    full = scene(
        1,
        "/v/Set A.mp4",
        title="Set A",
        date="2020-01-02",
        details="words",
        urls=["https://s"],
        studio=StudioRef(id="4"),
        tags=[TagRef(id="2"), TagRef(id="3")],
        performers=[PerformerRef(id="6")],
    )
    index, metadata = build_index([scene(1, "/v/Set A.mp4")]), {"1": full}  # the index holds paths only
    g = gallery(zip="/v/Set A.zip", date="1999-09-09", tags=(2,))
    plan = plan_link(g, index, True, metadata)
    fields, refs = plan.changes
    assert isinstance(fields, SetGalleryFields)
    assert dict(fields.fields) == {"title": "Set A", "details": "words", "studio": {"id": "4"}}
    assert dict(refs.refs) == {"scene_ids": ("1",), "tag_ids": ("3",), "performer_ids": ("6",), "urls": ("https://s",)}
    assert refs.to_input().to_input()["scene_ids"] == {"ids": ["1"], "mode": "ADD"}
    done = g.model_copy(
        update={
            "title": "Set A",
            "details": "words",
            "studio": StudioRef(id="4"),
            "tags": [TagRef(id="2"), TagRef(id="3")],
            "performers": [PerformerRef(id="6")],
            "urls": ["https://s"],
            "scenes": [SceneRef(id="1")],
        }
    )
    assert plan_link(done, index, True, metadata).changes == []
    with pytest.raises(LookupError):  # asked to copy without the scene's metadata: never a silent no-copy
        plan_link(g, index, True, {})


# -- end to end -----------------------------------------------------------------------------------
# (the scenarios "link_scenes" and "link_scenes_copy" on the sample: test_wf_tasks checks their
# preview sends no mutation and their second run no write, test_wf_kill that a run killed at any
# request and run again ends the same)
def test_the_sample_galleries_get_their_scenes(scenario_run):
    runs = scenario_run("link_scenes")
    assert diff(runs.before, runs.after) == {
        ("galleries", CITY, "scenes"): ([], ["City Walk"]),
        ("galleries", PORTRAITS, "scenes"): ([], ["Behind the Portraits"]),
    }
    out = runs.first.output
    # Beach 2021: two videos named like it; Summer Trip, the Portraits zip, the comic, Night Market,
    # Harbour and Old Trip: no video of their name; Best of 2021, Empty Collection: hand-made
    assert out["skipped"] == {SKIP_NOT_UNIQUE: 1, SKIP_NO_MATCH: 6, SKIP_HAND_MADE_SCENES: 2}
    assert runs.after["galleries"][BEST]["scenes"] == ["Beach Day"]  # a link a person made stays
    assert runs.after["galleries"][BEACH]["scenes"] == []


# City Walk (the scene) has every field Link scenes copies; the zip next to it has none of them
CITY_WALK = {
    "title": "City Walk",
    "date": "2020-05-17",
    "details": "A walk through the old town at dusk.",
    "studio": "Northwind Press",
    "performers": ["Bo Lind"],
    "tags": ["Travel"],
    "urls": ["https://example.org/city-walk"],
}


def test_copy_metadata_by_setting_fills_each_field_the_gallery_lacks(scenario_run):
    runs = scenario_run("link_scenes_copy")
    assert diff(runs.before, runs.after) == {
        ("galleries", CITY, "scenes"): ([], ["City Walk"]),
        **{
            ("galleries", CITY, field): (runs.before["galleries"][CITY][field], value)
            for field, value in CITY_WALK.items()
        },
        # Portraits keeps the title a person set; it gets the date, studio and tag it lacked
        ("galleries", PORTRAITS, "scenes"): ([], ["Behind the Portraits"]),
        ("galleries", PORTRAITS, "date"): (None, "2021-03-02"),
        ("galleries", PORTRAITS, "studio"): (None, "Lumen Studio"),
        ("galleries", PORTRAITS, "tags"): (["Portrait"], ["Archive", "Portrait"]),
    }
    assert runs.after["galleries"][PORTRAITS]["title"] == "Studio Portraits"


def test_copy_metadata_never_overwrites_what_the_gallery_has():
    """City Walk's zip with a value of its own in every field: none is replaced; tags, performers
    and urls are lists, so the scene's are added next to the gallery's own."""
    own = {"title": "Mine", "date": "1999-09-09", "details": "my words", "urls": ["https://example.org/mine"]}
    with fresh_sim() as sim:
        sim.gql(
            "mutation($i: GalleryUpdateInput!) { galleryUpdate(input: $i) { id } }",
            {
                "i": {
                    "id": ids_by_path(sim)[CITY],
                    **own,
                    "studio_id": named_id(sim, "studio", "Lumen Studio"),
                    "performer_ids": [named_id(sim, "performer", "Ada Vale")],
                    "tag_ids": [named_id(sim, "tag", "Beach")],
                }
            },
        )
        before = state(sim)
        sim.requests.clear()
        run(sim, LINK_SCENES, {"copy_metadata": "true"})
        changed = diff(before, state(sim))
        sim.requests.clear()
        again = run(sim, LINK_SCENES, {"copy_metadata": "true"}).output
        assert sim.requests.mutations() == [] and again["change_count"] == 0
    city = {key[2]: values for key, values in changed.items() if key[1] == CITY}
    assert city == {
        "scenes": ([], ["City Walk"]),
        "performers": (["Ada Vale"], ["Ada Vale", "Bo Lind"]),
        "tags": (["Beach"], ["Beach", "Travel"]),
        "urls": (["https://example.org/mine"], ["https://example.org/city-walk", "https://example.org/mine"]),
    }  # title, date, details and studio stay the gallery's own


def test_copy_metadata_by_arg_gives_the_zip_its_scenes_title():
    with fresh_sim() as sim:
        before = state(sim)
        run(sim, LINK_SCENES, {"copy_metadata": "true"})
        changed = diff(before, state(sim))
    assert changed[("galleries", CITY, "title")] == ("", "City Walk")
    assert ("galleries", PORTRAITS, "title") not in changed  # a title a person set is kept


def test_a_title_set_while_the_run_reads_is_kept():
    from test_wf_meanwhile import MOVED, meanwhile
    from wf_support import ids_by_path

    with fresh_sim() as sim:
        city = ids_by_path(sim)[CITY]
        meanwhile(
            sim, lambda: sim.gql(f'mutation {{ galleryUpdate(input: {{id: "{city}", title: "Mine"}}) {{ id }} }}')
        )
        out = run(sim, LINK_SCENES, {"copy_metadata": "true"}).output
        after = state(sim)["galleries"]
    assert after[CITY]["title"] == "Mine" and after[CITY]["scenes"] == []  # nothing of its plan was sent
    assert after[PORTRAITS]["scenes"] == ["Behind the Portraits"]
    assert out["skipped"][MOVED] == 1


def test_a_scene_deleted_before_its_metadata_is_read_fails_the_page_s_matches_and_a_rerun_finishes():
    # Stash answers findScenes(ids) with an error when an id names no scene (pkg/sqlite/scene.go FindMany)
    with fresh_sim() as sim:
        scene_ids = {
            s["title"]: s["id"] for s in sim.gql("{ findScenes { scenes { id title } } }")["findScenes"]["scenes"]
        }
        sim.faults.add(
            "before",
            operation="ScenesByIds",
            action=lambda: sim.store.execute("DELETE FROM scenes WHERE id = ?", (int(scene_ids["City Walk"]),)),
        )
        before = state(sim)
        first = run(sim, LINK_SCENES, {"copy_metadata": "true"}, ok=False)
        assert diff(before, state(sim)) == {}  # the page's matched galleries failed: nothing half-done
        assert f"2 of {len(before['galleries'])} galleries failed" in first.error and "scene with id" in first.error
        second = run(sim, LINK_SCENES, {"copy_metadata": "true"}).output
        after = state(sim)["galleries"]
    assert second["failed_count"] == 0
    assert after[PORTRAITS]["scenes"] == ["Behind the Portraits"] and after[CITY]["scenes"] == []
