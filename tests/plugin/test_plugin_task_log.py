"""What a user sees in Stash after pressing a task button: the log at Info and above.

Stash logs a task's output at debug level only and logs at Info by default (docs/stash.md §2),
so each button's info lines must say, in the button's words, what the run did: the summary,
the skip reasons counted by reason, the changes themselves (the first 20, then "and N more";
"would" in a preview), failures at warning. Counts say what they count, values are JSON,
the progress bar reaches 1.0 once.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from stash_sim import StashSimulator
from stash_sim.library import generate_library
from stash_sim.runner import RunResult
from support.manifest import MANIFEST, button

from gallery_ops.tasks.report import MAX_LOGGED

REPO = Path(__file__).resolve().parents[2]
BUTTONS = [task for task in MANIFEST.tasks if task.default_args["mode"] != "capabilities"]


def seen(result: RunResult) -> list[str]:
    """The lines Stash shows at its default level: info, warning, error."""
    return [f"{line.level}: {line.message}" for line in result.logs if line.level in ("info", "warning", "error")]


@pytest.mark.parametrize("button", BUTTONS, ids=[task.name for task in BUTTONS])
def test_every_button_logs_what_it_did_in_its_own_words(button, plugin_sim: StashSimulator, answer) -> None:
    if button.default_args["mode"] == "finish_new_galleries":
        plugin_sim.set_plugin_settings("gallery_tools", {"hookChapters": True, "hookFinishByHand": True})
        plugin_sim.scan_zip("/library/zips/Mountain_Hike.2023.zip", ["Morning/01.jpg", "Summit/01.jpg"])
    result = plugin_sim.run_task(button.name)
    output = answer(result)["output"]
    info = result.messages("info")
    assert output["title"] == button.name
    assert info[0].startswith(f"{button.name}: ") and " in scope" in info[0]
    assert info[-1] == f"{button.name}: {output['summary']}"  # the summary, last, in the button's words
    assert all(line.startswith(f"{button.name}: ") for line in info)
    for reason, number in output["skipped"].items():
        assert f"{button.name}: {number} {'gallery' if number == 1 else 'galleries'} skipped: {reason}" in info
    # what this Stash cannot take (e.g. chapter anchors on v0.30) comes last but one, as "left out: ..."
    left_out = [line for line in info[1:-1] if line.startswith(f"{button.name}: left out: ")]
    assert len(left_out) == len(output.get("left_out", []))
    groups = [line for line in info if ": keeps gallery " in line]  # Merge duplicate galleries: one per group
    assert len(groups) == min(len(output.get("groups", [])), MAX_LOGGED)
    changes = [line for line in info[1:-1] if "skipped: " not in line and line not in left_out and line not in groups]
    if output.get("every_change_logged"):  # a slow task (scrape_galleries) logs each gallery's change as it goes
        assert len(changes) == output["change_count"] >= len(output["changes"])
    else:
        assert len(changes) == min(output["change_count"], MAX_LOGGED) == len(output["changes"][:MAX_LOGGED])
    if output["dry_run"]:
        assert all(": would " in line for line in changes)
    else:
        assert not any("would" in line for line in changes)
    for line in seen(result):
        # "1 galleries" as a count of its own, not the end of "11 galleries"
        assert "None" not in line and not re.search(r"\b1 (galleries|changes)\b", line), line
    assert result.progress.count(1.0) == 1 and result.progress[-1] == 1.0


def test_the_summary_says_what_each_count_counts(plugin_sim: StashSimulator) -> None:
    result = plugin_sim.run_task(button("chapters_from_folders"))
    assert result.messages("info")[-1] == (
        "Chapters from folders: 11 galleries scanned, 2 changed, 0 unchanged, 9 skipped, 0 failed; 5 changes"
    )
    assert "Chapters from folders: 7 galleries skipped: images share one folder" in result.messages("info")
    assert (
        'Chapters from folders: gallery "Summer Trip [2022-08-01].zip" [3]: create chapter "Day 1" at image 1'
        in result.messages("info")
    )
    one = plugin_sim.run_task(button("chapters_from_folders"), {"gallery_ids": ["3"]})
    assert one.messages("info")[0] == "Chapters from folders: 1 gallery in scope"
    assert one.messages("info")[-1].startswith("Chapters from folders: 1 gallery scanned, 0 changed")


def test_reset_and_set_lines_name_the_gallery_and_the_image_by_its_file(plugin_sim: StashSimulator) -> None:
    preview = plugin_sim.run_task(button("reset_covers", dry_run="true"))
    assert (
        'Reset covers (preview): gallery "Studio Portraits" [2]: would take away the chosen cover, image "p03.jpg" [7]'
    ) in preview.messages("info")
    applied = plugin_sim.run_task(button("set_covers"))
    assert 'Set covers: gallery "city_walk-2020.zip" [4]: set the cover to image "b.jpg" [14]' in applied.messages(
        "info"
    )


def test_finish_says_it_removes_the_mark_by_the_tags_name(plugin_sim: StashSimulator) -> None:
    plugin_sim.set_plugin_settings("gallery_tools", {"hookChapters": True, "hookFinishByHand": True})
    gallery_id = plugin_sim.scan_zip("/library/zips/Mountain_Hike.2023.zip", ["Morning/01.jpg", "Summit/01.jpg"])
    preview = plugin_sim.run_task(button("finish_new_galleries"), {"dry_run": "true"})
    marker = plugin_sim.gql(
        '{ findTags(tag_filter: {name: {value: "Gallery Tools: new", modifier: EQUALS}}) { tags { id } } }'
    )
    tag_id = marker["findTags"]["tags"][0]["id"]
    mark = (
        f'1 gallery ("Mountain_Hike.2023.zip" [{gallery_id}]): would remove the tag "Gallery Tools: new" [{tag_id}]'
        " (done with them)"
    )
    assert f"Finish new galleries (preview): {mark}" in preview.messages("info")
    done = plugin_sim.run_task(button("finish_new_galleries"))
    assert f"Finish new galleries: {mark.replace('would remove', 'remove')}" in done.messages("info")
    assert done.output["change_count"] == 3  # two chapters and the mark
    tags = plugin_sim.gql("query($id: ID!) { findGallery(id: $id) { tags { name } } }", {"id": str(gallery_id)})
    assert tags["findGallery"]["tags"] == []


@pytest.fixture
def many_sim() -> Iterator[StashSimulator]:
    with StashSimulator(library=generate_library(45, 2)) as simulator:
        simulator.install_plugin(REPO)
        yield simulator


def test_the_changes_are_bounded_with_a_count_of_the_rest(many_sim: StashSimulator) -> None:
    result = many_sim.run_task(button("title_from_path"), {"dry_run": "true"})
    output = result.output
    assert output["change_count"] > MAX_LOGGED
    info = result.messages("info")
    listed = [line for line in info if ": would set title " in line]
    assert len(listed) == MAX_LOGGED
    rest = output["change_count"] - MAX_LOGGED
    assert f"Title from path (preview): and {rest} more change{'s' if rest != 1 else ''}" in info
    assert (
        info.index(f"Title from path (preview): and {rest} more change{'s' if rest != 1 else ''}")
        == info.index(listed[-1]) + 1
    )
