"""The differences tests/sim/test_sim_real_stash.py allows between the simulator and the real Stash
v0.30.1 recording, each with why. Only the plugin sections may have any: there Gallery Tools itself
speaks, and it has changed since the recording (Gallery Tools at 3384b0f).

- `Wording`: a log line Gallery Tools now words differently. The recorded line is rewritten into
  today's wording before the comparison.
- `Added`: something Gallery Tools has gained since: in the entries named, the strings matching
  (log lines, task and setting names, tag names; a list item that is a string or has that
  `name`, or a mapping key such as a gallery of a state) appear only in our recording and are
  left out before the comparison. `Gone` is the same for what only the recording has.
- `NewEntries`: entries only our recording has (the runs of a task added since).
- `LateLine`: a line of Stash's own log that the real log stream delivered into this entry's
  window up to a second late (internal/log/logger.go sends at most once a second). The
  simulator sends its log the same way, but whether the line lands in this window or just
  before it depends on how long the harness's steps in between take, so the entry may have it
  or not.

A Wording, Added or NewEntries that no entry needs any more fails the test: this list stays the
list of real differences, not a mute.
"""

from __future__ import annotations

import copy
import fnmatch
import re
from dataclasses import dataclass
from typing import Any

# the transcript sections in which Gallery Tools runs (record.py, plugin_runs.py)
PLUGIN_SECTIONS = ("plugins", "plugin", "task", "operation", "hook", "final")


@dataclass(frozen=True)
class Wording:
    """In entries matching `entries` (fnmatch), a recorded log line matching `real` (a regex, the
    whole line) is what Gallery Tools now says as `ours` (re.sub's template)."""

    entries: str
    real: str
    ours: str
    why: str


@dataclass(frozen=True)
class Added:
    """In entries matching `entries` (fnmatch), list items matching `ours` (a regex, whole string;
    a dict item by its `name`) are only in our recording."""

    entries: str
    ours: str
    why: str


@dataclass(frozen=True)
class Gone:
    """In entries matching `entries`, list items and mapping keys matching `real` are only in the
    recording: what the real run said or left that Gallery Tools no longer does."""

    entries: str
    real: str
    why: str


@dataclass(frozen=True)
class NewEntries:
    """Entries matching `entries` are only in our recording."""

    entries: str
    why: str


@dataclass(frozen=True)
class LateLine:
    """In entries matching `entries`, the recorded log line `line` may be missing from ours."""

    entries: str
    line: str
    why: str


Change = Wording | Added | Gone | NewEntries | LateLine

SCRAPE = "Scrape galleries (scrape_galleries), a task added after the recording, with its settings scrape* and scrapers"

CHANGES: list[Change] = [
    LateLine(
        "task.chapters_from_folders.dry_run",
        "Error: runPluginOperation: input: runPluginOperation Internal system error. Error <runtime error: invalid"
        " memory address or nil pointer dereference>",
        "the error Stash logged for plugins.run_operation_unknown_plugin (internal/api/error.go), sent a second"
        " after the panic's own line; the eight harness steps before this task's log window took less than that"
        " on the real server",
    ),
    Added("plugin.*", r"Scrape galleries( \(preview\))?|scrape[A-Z]\w*|scrapers", SCRAPE),
    Added(
        "task.show_capabilities.run",
        r"Info: \[Plugin / Gallery Tools\] (setting (scrape[A-Z]\w*|scrapers) \(Scrape galleries: .*|task"
        r" scrape_galleries: .*)",
        SCRAPE,
    ),
    NewEntries("task.scrape_galleries*", SCRAPE),
    Wording(
        "task.show_capabilities.run",
        r"(Info: \[Plugin / Gallery Tools\] task \w+: .* Args: gallery_ids, path, gallery_filter, dry_run)((, \w+)*)",
        r"\1, fingerprint\2",
        "the tasks over galleries take a `fingerprint` since the gallery page (a list job queued after its preview"
        " runs only if nothing changed since: tasks/gate.py), so Show capabilities lists it among their args",
    ),
    Added("task.*", r"Gallery Tools: scraped", SCRAPE + ": the tag it marks galleries with, made by its first run"),
    Added("final.state", r"Gallery Tools: scraped", SCRAPE + ": its tag is in the final state"),
]


def _without(node: Any, pattern: re.Pattern[str]) -> tuple[Any, bool]:
    """node with every list item and mapping key matching pattern left out, and whether any was."""
    if isinstance(node, dict):
        changed = False
        out: dict[str, Any] = {}
        for key, value in node.items():
            if pattern.fullmatch(key):
                changed = True
                continue
            out[key], hit = _without(value, pattern)
            changed |= hit
        return out, changed
    if isinstance(node, list):
        kept, changed = [], False
        for item in node:
            name = item if isinstance(item, str) else item.get("name") if isinstance(item, dict) else None
            if isinstance(name, str) and pattern.fullmatch(name):
                changed = True
                continue
            value, hit = _without(item, pattern)
            kept.append(value)
            changed |= hit
        return kept, changed
    return node, False


def apply_changes(
    name: str, real_entry: dict[str, Any], our_entry: dict[str, Any]
) -> tuple[dict[str, Any], dict[str, Any], set[int]]:
    """Both entries as they compare once today's known changes are taken out, and the indexes of
    the changes that took something out."""
    real, ours = copy.deepcopy(real_entry), copy.deepcopy(our_entry)
    used: set[int] = set()
    for index, change in enumerate(CHANGES):
        if isinstance(change, NewEntries) or not fnmatch.fnmatchcase(name, change.entries):
            continue
        if isinstance(change, Added | Gone):
            side = ours if isinstance(change, Added) else real
            pattern = re.compile(change.ours if isinstance(change, Added) else change.real)
            side["outcome"], hit = _without(side.get("outcome"), pattern)
            if hit:
                used.add(index)
            continue
        logs = real.get("outcome", {}).get("logs")
        if not isinstance(logs, list):
            continue
        if isinstance(change, LateLine):
            if change.line in logs and change.line not in (ours.get("outcome", {}).get("logs") or []):
                logs.remove(change.line)
            continue
        pattern = re.compile(change.real)
        for position, line in enumerate(logs):
            if isinstance(line, str) and pattern.fullmatch(line):
                logs[position] = pattern.sub(change.ours, line)
                used.add(index)
    return real, ours, used


def new_entry(name: str) -> int | None:
    """The index of the NewEntries change that allows an entry only ours has, or None."""
    return next(
        (i for i, c in enumerate(CHANGES) if isinstance(c, NewEntries) and fnmatch.fnmatchcase(name, c.entries)), None
    )


def unused(used: set[int]) -> list[str]:
    """The changes (other than LateLine) that no entry needed."""
    return [c.why for i, c in enumerate(CHANGES) if not isinstance(c, LateLine) and i not in used]
