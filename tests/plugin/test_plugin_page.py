"""The gallery page's actions (args.page, entry/page.py), run as the page runs them: Stash's
runPluginOperation, the real entry as a process, on the sample library.

A preview names what it would change (rows: what, now, after), what it leaves alone and why, and
carries the fingerprint of its basis; Apply with that fingerprint writes exactly the preview, and
writes nothing (answering the new preview) when the gallery changed since. Request counts are
part of the contract: a one-gallery action is a handful of requests.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from stash_sim import SimGraphQLError, StashSimulator

from gallery_ops.entry.page import ACTIONS

UI_SCRIPT = (Path(__file__).resolve().parents[2] / "ui" / "gallery_tools.js").read_text(encoding="utf-8")

RUN = 'mutation Run($args: Map) { runPluginOperation(plugin_id: "gallery_tools", args: $args) }'


def page(sim: StashSimulator, args: dict[str, Any]) -> Any:
    """What the page gets: runPluginOperation's answer (the plugin's output), through GraphQL."""
    return sim.gql(RUN, {"args": args})["runPluginOperation"]


def rows(doc: dict[str, Any]) -> list[tuple[str, str, str]]:
    return [(r["what"], r["before"], r["after"]) for r in doc["changes"]]


def test_preview_names_everything_and_writes_nothing(plugin_sim: StashSimulator, snapshot) -> None:
    before = snapshot(plugin_sim)
    doc = page(plugin_sim, {"page": "preview", "action": "sync_images_from_gallery", "gallery_id": "1"})
    assert snapshot(plugin_sim) == before
    assert doc["label"] == "Sync images from gallery" and doc["subject"] == "Beach 2021"
    assert rows(doc) == [
        (
            "4 images",
            "cover.jpg, IMG_0001.jpg, IMG_0002.jpg, IMG_0010.jpg",
            "date 2021-07-14; + performers Ada Vale; studio Lumen Studio; + tags Beach",
        )
    ]
    assert doc["deletes"] is False and doc["confirm"] is None
    assert len(doc["fingerprint"]) == 64 and doc["left_alone"] == [] and doc["failed"] == []
    assert doc["task"]["name"] == "Sync images from gallery"  # the button a list job would run


def test_a_one_gallery_preview_and_apply_take_a_handful_of_requests(plugin_sim: StashSimulator) -> None:
    plugin_sim.requests.clear()
    doc = page(plugin_sim, {"page": "preview", "action": "title_from_path", "gallery_id": "1"})
    # the settings and which Stash this is; the gallery; the names (sim.gql itself is not in the request log)
    assert plugin_sim.requests.fields() == ["configuration+systemStatus+version", "findGallery", "findGallery"]
    plugin_sim.requests.clear()
    done = page(
        plugin_sim, {"page": "apply", "action": "title_from_path", "gallery_id": "1", "fingerprint": doc["fingerprint"]}
    )
    # the same reads, then the engine's re-read of what the write overwrites, the write, the names
    assert plugin_sim.requests.fields() == [
        "configuration+systemStatus+version",
        "findGallery",
        "findGalleries",
        "galleryUpdate",
        "findGallery",
    ]
    assert done == {
        "applied": True,
        "label": "Title from path",
        "subject": "Beach 2021",
        "done": ["Beach 2021: title Beach 2021"],
        "failed": [],
        "toast": "Title from path: 1 change written for Beach 2021",
        "gallery_ids": ["1"],
    }


def test_the_reports_names_and_the_rows_names_come_in_one_request(plugin_sim: StashSimulator) -> None:
    """Sync's report names the tag, performer and studio it writes (its log lines), and the page's rows
    name them too, with the gallery and its images as they are: one request for both, preview and apply."""
    plugin_sim.requests.clear()
    doc = page(plugin_sim, {"page": "preview", "action": "sync_images_from_gallery", "gallery_id": "1"})
    names = "findTag+findPerformer+findStudio+findGallery+findImage+findImage+findImage+findImage"
    assert plugin_sim.requests.fields() == ["configuration+systemStatus+version", "findGallery", "findImages", names]
    plugin_sim.requests.clear()
    args = {"page": "apply", "action": "sync_images_from_gallery", "gallery_id": "1", "fingerprint": doc["fingerprint"]}
    done = page(plugin_sim, args)
    reads = ["configuration+systemStatus+version", "findGallery", "findImages"]
    assert plugin_sim.requests.fields() == [*reads, "findImages", "bulkImageUpdate", names]
    assert done["done"] == [
        "Beach 2021: 4 images: date 2021-07-14; + performers Ada Vale; studio Lumen Studio; + tags Beach"
    ]


def test_apply_writes_nothing_when_the_gallery_changed_and_answers_the_new_preview(
    plugin_sim: StashSimulator, snapshot
) -> None:
    doc = page(plugin_sim, {"page": "preview", "action": "cover_by_rule", "gallery_id": "4"})
    assert rows(doc) == [("Cover", "a.jpg (Stash's default)", "b.jpg")]
    plugin_sim.gql('mutation { setGalleryCover(input: { gallery_id: "4", cover_image_id: "15" }) }')  # c.jpg
    before = snapshot(plugin_sim)
    stale = page(
        plugin_sim, {"page": "apply", "action": "cover_by_rule", "gallery_id": "4", "fingerprint": doc["fingerprint"]}
    )
    assert snapshot(plugin_sim) == before
    assert stale["applied"] is False and stale["stale"] is True
    assert stale["message"].startswith("The gallery changed since this preview, so nothing was written.")
    new = stale["preview"]
    assert new["fingerprint"] != doc["fingerprint"] and new["changes"] == []
    assert new["left_alone"] == [{"text": "has a chosen cover (it differs from Stash's default pick)"}]


@pytest.mark.parametrize(
    ("change", "what"),
    [
        ('mutation { galleryUpdate(input: { id: "3", rating100: 40 }) { id } }', "a field the plan reads not"),
        ('mutation { configurePlugin(plugin_id: "gallery_tools", input: { syncFields: "tags" }) }', "a setting"),
    ],
)
def test_any_change_to_what_the_preview_read_refuses_the_apply(
    plugin_sim: StashSimulator, snapshot, change: str, what: str
) -> None:
    doc = page(plugin_sim, {"page": "preview", "action": "sync_images_from_gallery", "gallery_id": "1"})
    plugin_sim.gql(change)
    before = snapshot(plugin_sim)
    answer = page(
        plugin_sim,
        {"page": "apply", "action": "sync_images_from_gallery", "gallery_id": "1", "fingerprint": doc["fingerprint"]},
    )
    if what == "a setting":
        assert answer["applied"] is False and snapshot(plugin_sim) == before
    else:  # gallery 3's rating is not what gallery 1's sync read: the apply goes through
        assert answer["applied"] is True


def test_deleting_actions_say_so_and_name_what_goes(plugin_sim: StashSimulator) -> None:
    doc = page(plugin_sim, {"page": "preview", "action": "chapters_from_folders_replace", "gallery_id": "5"})
    deleted = [r for r in doc["changes"] if r.get("deletes")]
    assert [(r["what"], r["before"], r["after"]) for r in deleted] == [
        ("Chapter", "“Beach” at image 1 (sunset.jpg)", "deleted")
    ]
    assert doc["deletes"] is True
    assert doc["confirm"] == "Yes: make the change marked above, which removes or replaces what is there now"
    assert doc["task"]["name"] == "Chapters from folders (replace, apply)"


def test_a_mirror_sync_always_asks_for_the_confirm(plugin_sim: StashSimulator) -> None:
    doc = page(plugin_sim, {"page": "preview", "action": "sync_images_from_gallery_mirror", "gallery_id": "1"})
    assert doc["changes"] and doc["deletes"] is True and doc["confirm"].startswith("Yes: make ")
    assert doc["task"]["name"] == "Sync images from gallery (mirror, apply)"
    plain = page(plugin_sim, {"page": "preview", "action": "sync_images_from_gallery", "gallery_id": "1"})
    assert plain["deletes"] is False  # the same images, adding only


def test_the_selected_image_actions(plugin_sim: StashSimulator) -> None:
    ids = {
        i["visual_files"][0]["path"].rsplit("/", 1)[1]: i["id"]
        for i in plugin_sim.gql(
            '{ findImages(image_filter: { galleries: { value: ["5"], modifier: INCLUDES } }) { images { id'
            " visual_files { ... on ImageFile { path } } } } }"
        )["findImages"]["images"]
    }
    cover = page(plugin_sim, {"page": "preview", "action": "set_cover", "gallery_id": "5", "image_id": ids["p01.jpg"]})
    assert rows(cover) == [("Cover", "sunset.jpg (Stash's default)", "p01.jpg")]
    chapter = page(
        plugin_sim,
        {
            "page": "preview",
            "action": "start_chapter",
            "gallery_id": "5",
            "image_id": ids["IMG_0001.jpg"],
            "title": "  Beaches  ",
        },
    )
    assert rows(chapter) == [("Chapter", "—", "“Beaches” at image 2 (IMG_0001.jpg)")]
    there = page(
        plugin_sim,
        {
            "page": "preview",
            "action": "start_chapter",
            "gallery_id": "5",
            "image_id": ids["sunset.jpg"],
            "title": "Dusk",
        },
    )
    assert there["changes"] == [] and there["summary"] == "Nothing to change. A chapter starts at this image already."
    removal = page(
        plugin_sim,
        {"page": "preview", "action": "remove_images", "gallery_id": "5", "image_ids": [ids["sunset.jpg"], "999"]},
    )
    assert [r["before"] for r in removal["changes"]] == ["sunset.jpg"] and removal["deletes"] is True
    assert removal["left_alone"] == [{"text": "image 999: not in this gallery"}]
    adding = page(
        plugin_sim, {"page": "preview", "action": "add_images", "gallery_id": "6", "image_ids": [ids["sunset.jpg"]]}
    )
    assert rows(adding) == [("Images", "0 images", "+ 1 image: sunset.jpg")]
    zipped = page(
        plugin_sim, {"page": "preview", "action": "add_images", "gallery_id": "4", "image_ids": [ids["sunset.jpg"]]}
    )
    assert zipped["summary"] == (
        "Nothing to change. It is a zip gallery: its images are the zip's files, which only a scan changes."
    )


def test_adding_to_a_new_gallery_makes_it_once(plugin_sim: StashSimulator) -> None:
    loose = plugin_sim.gql(
        '{ findImages(image_filter: { path: { value: "/library/loose/", modifier: INCLUDES } },'
        ' filter: { sort: "path" }) { images { id } } }'
    )["findImages"]["images"]
    args = {
        "page": "preview",
        "action": "add_images",
        "image_ids": [i["id"] for i in loose],
        "new_title": "Loose picks",
    }
    doc = page(plugin_sim, args)
    assert rows(doc) == [("New gallery", "—", "“Loose picks” with 2 images: night.jpg, sunset.jpg")]
    done = page(plugin_sim, {**args, "page": "apply", "fingerprint": doc["fingerprint"]})
    assert done["applied"] is True and done["toast"] == "Add to a gallery: 1 change written for Loose picks"
    made = plugin_sim.gql('{ findGalleries(filter: { q: "Loose picks" }) { galleries { id image_count } } }')
    assert [g["image_count"] for g in made["findGalleries"]["galleries"]] == [2]


def test_duplicates_of_this_gallery_look_only_at_its_candidates(plugin_sim: StashSimulator) -> None:
    plugin_sim.requests.clear()
    doc = page(plugin_sim, {"page": "preview", "action": "duplicates", "gallery_id": "2"})
    assert doc["note"] == "Kept: Portraits.zip; its duplicates (image checksums): Studio Portraits."
    assert {r["gallery"] for r in doc["changes"]} == {"Portraits.zip"} and doc["many"] is True
    # never a read of the whole library: the candidates by checksum, then their checksums
    assert plugin_sim.requests.count("findGalleries") <= 3
    alone = page(plugin_sim, {"page": "preview", "action": "duplicates", "gallery_id": "4"})
    assert alone["changes"] == [] and alone["note"].startswith("No other gallery holds the same set")


def test_a_list_job_applies_its_preview_or_nothing(plugin_sim: StashSimulator, snapshot) -> None:
    doc = page(plugin_sim, {"page": "preview", "action": "title_from_path", "gallery_ids": ["1", "4"]})
    assert doc["subject"] == "2 galleries" and doc["many"] is True
    assert [(r["gallery"], r["after"]) for r in doc["changes"]] == [
        ("Beach 2021", "Beach 2021"),
        ("city_walk-2020.zip", "city walk-2020"),
    ]
    task = doc["task"]
    assert task == {"name": "Title from path", "args": {"gallery_ids": ["1", "4"], "dry_run": False}}
    plugin_sim.gql('mutation { galleryUpdate(input: { id: "4", title: "Walk" }) { id } }')
    before = snapshot(plugin_sim)
    stale = plugin_sim.run_task(task["name"], {**task["args"], "fingerprint": doc["fingerprint"]})
    assert stale.error is not None and "changed since the preview" in stale.error
    assert snapshot(plugin_sim) == before
    doc = page(plugin_sim, {"page": "preview", "action": "title_from_path", "gallery_ids": ["1", "4"]})
    done = plugin_sim.run_task(task["name"], {**task["args"], "fingerprint": doc["fingerprint"]})
    assert done.error is None
    assert plugin_sim.gql('{ findGallery(id: "1") { title } }')["findGallery"]["title"] == "Beach 2021"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ({"page": "preview", "action": "bogus", "gallery_id": "1"}, "unknown page action 'bogus'"),
        ({"page": "look", "action": "title_from_path", "gallery_id": "1"}, 'args.page should be "preview" or "apply"'),
        ({"page": "apply", "action": "title_from_path", "gallery_id": "1"}, "apply needs the fingerprint"),
        ({"page": "preview", "action": "title_from_path"}, "needs gallery_id (or gallery_ids)"),
        ({"page": "preview", "action": "duplicates", "gallery_ids": ["1", "2"]}, "works on one gallery"),
        (
            {"page": "preview", "action": "title_from_path", "gallery_ids": [str(n) for n in range(1, 102)]},
            "at most 100 galleries at a time",
        ),
        ({"page": "preview", "action": "add_images", "image_ids": ["1"], "new_title": " "}, "new_title is empty"),
        ({"page": "preview", "action": "set_cover", "gallery_id": "1"}, "needs image_id"),
    ],
)
def test_bad_page_args_are_a_graphql_error_as_stash_answers_a_plugin_error(
    plugin_sim: StashSimulator, args: dict[str, Any], message: str
) -> None:
    """pkg/plugin/plugins.go RunPlugin: the plugin's error becomes the mutation's error."""
    with pytest.raises(SimGraphQLError) as raised:
        page(plugin_sim, args)
    errors = raised.value.errors
    assert len(errors) == 1 and errors[0]["path"] == ["runPluginOperation"]
    assert message in errors[0]["message"]


def test_the_menu_offers_the_page_actions_by_their_labels() -> None:
    """ui/gallery_tools.js lists the gallery menu's actions with the labels the previews carry, and
    the galleries list offers exactly the actions a job can apply."""
    menu = dict(re.findall(r'\{ action: "(\w+)", label: "([^"]+)" \}', UI_SCRIPT))
    # Scrape with… opens its picker first (the scraper; its preview's label names it)
    assert 'var SCRAPE = { action: "scrape", label: "Scrape with…", pick: true };' in UI_SCRIPT
    assert menu == {name: a.label for name, a in ACTIONS.items() if a.mode is not None and name != "scrape"}
    listed = {name for name in menu if not name.startswith("duplicates")}  # the script's LIST_ACTIONS rule
    assert listed | {"scrape"} == {name for name, a in ACTIONS.items() if a.on_list}
    for name in ("set_cover", "start_chapter", "remove_images", "add_images"):
        assert f'action: "{name}"' in UI_SCRIPT  # the operations on selected images
