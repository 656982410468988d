"""Arguments and settings as Stash delivers them.

A task button's defaultArgs reach the plugin as JSON strings ("true", "10", "3,4"), under
the caller's args; runPluginOperation passes real JSON values as given. Both are read
deliberately, and a value that does not fit gets a clear error. Settings come from
`configuration.plugins` (only what the user saved; defaults otherwise).
"""

from __future__ import annotations

from typing import Any

import pytest
from stash_sim import StashSimulator
from support.manifest import button

COVER = """query($id: ID!) { findGallery(id: $id) { cover { id } } }"""


def cover(sim: StashSimulator, gallery_id: str) -> str | None:
    found = sim.gql(COVER, {"id": gallery_id})["findGallery"]["cover"]
    return found["id"] if found else None


def preview_core(output: dict[str, Any]) -> tuple:
    return output["dry_run"], output["scanned"], output["changes"]


def test_task_args_as_strings_and_as_json_values_mean_the_same(plugin_sim: StashSimulator, answer) -> None:
    """gallery_ids "3,4" and dry_run "true" (a button's strings) = [3, 4] and true (JSON values)."""
    as_text = answer(plugin_sim.run_task(button("set_covers"), {"gallery_ids": "3,4", "dry_run": "true"}))
    as_json = answer(plugin_sim.run_operation({"mode": "set_covers", "gallery_ids": [3, "4"], "dry_run": True}))
    as_json_text = answer(plugin_sim.run_task(button("set_covers"), {"gallery_ids": '["3", 4]', "dry_run": "True"}))
    assert as_text["error"] is None and as_json["error"] is None and as_json_text["error"] is None
    expected = (
        True,
        2,
        [
            {
                "gallery": "4",
                "set_cover": {"image": "14", "path": "/library/zips/city_walk-2020.zip/b.jpg"},
                "names": {"gallery": {"4": "city_walk-2020.zip"}, "image": {"14": "b.jpg"}},
            }
        ],
    )
    assert preview_core(as_text["output"]) == expected
    assert preview_core(as_json["output"]) == expected
    assert preview_core(as_json_text["output"]) == expected
    assert plugin_sim.requests.mutations() == []  # all three were previews


def test_callers_args_win_over_the_buttons_default_args(plugin_sim: StashSimulator, answer) -> None:
    """runPluginTask: the caller's dry_run "false" over the preview button's "true" applies."""
    got = answer(plugin_sim.run_task(button("reset_covers", dry_run="true"), {"dry_run": "false"}))
    assert got["error"] is None and got["output"]["dry_run"] is False
    assert cover(plugin_sim, "2") == "5"  # the chosen cover (p03) is gone: Stash's default pick again


def test_a_gallery_filter_given_as_json_text(plugin_sim: StashSimulator, answer) -> None:
    got = answer(
        plugin_sim.run_task(button("title_from_path"), {"gallery_filter": '{"is_zip": true}', "dry_run": "true"})
    )
    assert got["error"] is None
    zips = {"3", "4", "7", "8", "9"}  # Summer Trip, city_walk, Portraits.zip, Coast 3.cbz, Night Market.zip
    assert got["output"]["scanned"] == 5 and {c["gallery"] for c in got["output"]["changes"]} == zips


@pytest.mark.parametrize(
    "image_ids",
    [["16", "17"], [16, 17], '["16", "17"]', "16, 17"],
    ids=["list_of_text", "list_of_numbers", "json_list_text", "comma_text"],
)
def test_operation_ids_in_every_documented_form(image_ids: Any, plugin_sim: StashSimulator, answer) -> None:
    got = answer(plugin_sim.run_operation({"operation": "add_gallery_images", "gallery_id": 6, "image_ids": image_ids}))
    assert got == {"output": True, "error": None}
    sent = plugin_sim.requests.mutations()[0].variables
    assert sent["input"] == {"gallery_id": "6", "image_ids": ["16", "17"]}  # Stash's ids: strings of digits


def test_numbers_as_text_and_as_numbers(plugin_sim: StashSimulator, answer) -> None:
    got = answer(
        plugin_sim.run_operation(
            {"operation": "gallery_chapter_create", "gallery_id": 3, "title": "Day 2", "image_index": "3"}
        )
    )
    assert got["error"] is None and (got["output"]["title"], got["output"]["image_index"]) == ("Day 2", 3)
    got = answer(
        plugin_sim.run_operation({"operation": "gallery_chapter_update", "id": got["output"]["id"], "image_index": 4.0})
    )
    assert got["error"] is None and got["output"]["image_index"] == 4


@pytest.mark.parametrize(
    ("task", "given", "words"),
    [
        ("Set covers", {"dry_run": "10"}, ["dry_run", "true or false", "'10'"]),
        ("Set covers", {"gallery_ids": '["3", 4'}, ["gallery_ids", "a list of ids", "'[\"3\", 4'"]),
        ("Chapters from folders (replace, preview)", {"replace": "replace"}, ["replace", "true or false"]),
    ],
    ids=["dry_run_number", "broken_json_list", "replace_word"],
)
def test_a_button_value_that_does_not_fit(
    task: str, given: dict[str, str], words: list[str], plugin_sim: StashSimulator, answer
) -> None:
    got = answer(plugin_sim.run_task(task, given))
    assert got["output"] is None
    assert all(word in got["error"] for word in words), got["error"]
    assert plugin_sim.requests.mutations() == []


# -- settings ------------------------------------------------------------------------------------
def test_saved_dry_run_setting_makes_set_covers_a_preview(plugin_sim: StashSimulator, answer) -> None:
    plugin_sim.set_plugin_settings("gallery_tools", {"dryRun": True, "settingOfAnOlderVersion": 3})
    result = plugin_sim.run_task(button("set_covers"))
    got = answer(result)
    assert got["error"] is None and got["output"]["dry_run"] is True and got["output"]["change_count"] == 2
    assert plugin_sim.requests.mutations() == [] and cover(plugin_sim, "4") == "13"
    assert any("preview: nothing will be changed" in m for m in result.messages("info"))
    # the run's own dry_run wins over the setting
    got = answer(plugin_sim.run_task(button("set_covers"), {"dry_run": "false"}))
    assert got["error"] is None and got["output"]["dry_run"] is False and cover(plugin_sim, "4") == "14"


def test_saved_cover_rule_changes_the_pick(plugin_sim: StashSimulator, answer) -> None:
    plugin_sim.set_plugin_settings("gallery_tools", {"coverRule": "pattern:^IMG_0010"})
    got = answer(plugin_sim.run_task(button("set_covers"), {"gallery_ids": "1"}))
    assert got["error"] is None and got["output"]["changed"] == 1
    assert cover(plugin_sim, "1") == "4"  # IMG_0010 instead of cover.jpg


def test_saved_hook_titles_setting_makes_the_hook_write(plugin_sim: StashSimulator, answer, load_fixture) -> None:
    plugin_sim.set_plugin_settings("gallery_tools", {"hookTitles": True})
    context = load_fixture("hook_gallery_created_by_scan")["args"]["hookContext"]
    hook = plugin_sim.plugin().hooks_for("Gallery.Create.Post")[0]
    got = answer(plugin_sim.runner().run_hook(hook, context, plugin_sim.server_connection()))
    assert got["error"] is None and got["output"]["result"] == "updated"
    title = plugin_sim.gql('{ findGallery(id: "4") { title } }')["findGallery"]["title"]
    assert title and got["output"]["update"] == {"title": title}


@pytest.mark.parametrize(
    ("saved", "task_button", "words"),
    [
        (
            {"dryRun": "yes"},
            "Set covers",
            ["setting dryRun (Preview only)", "boolean", "'yes'", "Settings > Plugins > Gallery Tools"],
        ),
        ({"coverRule": 5}, "Set covers", ["setting coverRule (Cover rule)", "string", "5"]),
        # a value of the right type that the task cannot use says it is the setting, and where to fix it
        (
            {"coverRule": "biggest first"},
            "Set covers",
            [
                "setting coverRule (Cover rule): cover rule step 'biggest first'",
                "pattern:<regex>, portrait",
                "Settings > Plugins > Gallery Tools",
            ],
        ),
        (
            {"folderGalleryMinImages": 0},
            "Galleries for loose images",
            ["setting folderGalleryMinImages (", "1 or more, got 0", "Settings > Plugins > Gallery Tools"],
        ),
        (
            {"titlePattern": "(unclosed"},
            "Title from path",
            ["setting titlePattern (", "Settings > Plugins > Gallery Tools"],
        ),
    ],
    ids=["boolean_as_text", "text_as_number", "bad_rule", "min_images_zero", "bad_title_pattern"],
)
def test_a_saved_setting_that_does_not_fit(
    saved: dict[str, Any], task_button: str, words: list[str], plugin_sim: StashSimulator, answer
) -> None:
    plugin_sim.set_plugin_settings("gallery_tools", saved)
    got = answer(plugin_sim.run_task(task_button))
    assert got["output"] is None
    assert all(word in got["error"] for word in words), got["error"]
    assert plugin_sim.requests.mutations() == []
