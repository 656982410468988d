"""docs/gallery_tasks.md says what the code does: the args and the settings' defaults of the six
gallery tasks."""

from __future__ import annotations

import re
from pathlib import Path

from gallery_ops.common.settings import SETTINGS_BY_KEY
from gallery_ops.entry.registry import TASKS

DOC = (Path(__file__).resolve().parents[2] / "docs" / "gallery_tasks.md").read_text(encoding="utf-8")
ISSUE_13_TASKS = {
    "sync_gallery_from_images",
    "clean_empty_galleries",
    "merge_duplicate_galleries",
    "link_scenes",
    "galleries_from_folders",
    "import_file_metadata",
}


def rows(heading: str) -> list[list[str]]:
    section = DOC[DOC.index(heading) :].split("\n## ")[0]
    lines = [line for line in section.splitlines() if line.startswith("|")]
    return [[cell.strip() for cell in line.strip("|").split("|")] for line in lines[2:]]


def ticked(cell: str) -> list[str]:
    """The `names` of a cell, without what its brackets and a trailing '; ...' explain."""
    return re.findall(r"`([^`]+)`", re.sub(r"\([^()]*\)", "", cell).split(";")[0])


def mode_of(row: list[str]) -> str:
    return re.findall(r"`([^`]+)`", row[0])[0]


def shown(value: object) -> str:
    return str(value).lower() if isinstance(value, bool) else str(value)


def test_the_doc_lists_each_task_with_exactly_its_args() -> None:
    table = rows("## Args and settings")
    assert {mode_of(row) for row in table} == ISSUE_13_TASKS
    for row in table:
        mode = mode_of(row)
        assert ticked(row[1]) == [p.name for p in TASKS[mode].all_params], mode


def test_the_doc_gives_each_setting_its_default() -> None:
    named = [ticked(row[2]) for row in rows("## Args and settings")]
    named.append(ticked(DOC.split("## Args and settings")[1].split("On new galleries, through")[1].split("\n\n")[0]))
    pairs = [tuple(cell[i : i + 2]) for cell in named for i in range(0, len(cell), 2)]
    assert pairs and all(len(pair) == 2 for pair in pairs)
    for key, default in pairs:
        assert key in SETTINGS_BY_KEY, key
        assert default == shown(SETTINGS_BY_KEY[key].default), key
