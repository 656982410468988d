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
- `Phrase`: like Wording, for a part of a line: every match in a recorded Gallery Tools line is
  rewritten (a line may say several things the new way).
- `Named`: Gallery Tools names things where it gave ids (`gallery "Harbour" [10]`, `[10]` for a name
  it could not read). On both sides a thing named (ours) or an id the harness normalized (the
  recording: `<zip:...>`, `<tag:...>`, `<img:...>`, ...) becomes `<named>` for the changes listed
  after it (the changes are taken out in their order).
- `LateLine`: a line of Stash's own log that the real log stream delivered into this entry's
  window up to a second late (internal/log/logger.go sends at most once a second). The
  simulator sends its log the same way, but whether the line lands in this window or just
  before it depends on how long the harness's steps in between take, so the entry may have it
  or not.
- `UnseenJob`: a job the recording lists as queued by this entry's step that our recording may
  lack. The harness sees a job only while it is in Stash's queue (it polls every half second,
  client.py wait_queue_empty), and Stash's job manager takes a finished job out of the queue at
  once (pkg/job/manager.go, removeJob into the graveyard), so a job that starts and ends between
  two polls is never listed. The job's own log lines stay in the entry and are compared as usual:
  that it ran is checked there.

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
class Phrase:
    """In entries matching `entries`, every match of `real` (a regex) in a recorded Gallery Tools log
    line is what Gallery Tools now says as `ours` (re.sub's template)."""

    entries: str
    real: str
    ours: str
    why: str


@dataclass(frozen=True)
class Named:
    """In entries matching `entries`, both sides' things named or normalized become NAMED."""

    entries: str
    why: str


@dataclass(frozen=True)
class LateLine:
    """In entries matching `entries`, the recorded log line `line` may be missing from ours."""

    entries: str
    line: str
    why: str


@dataclass(frozen=True)
class UnseenJob:
    """In entries matching `entries`, the recording's queued job with this `description` may be
    missing from ours (a job that ran between two of the harness's polls)."""

    entries: str
    description: str
    why: str


Change = Wording | Phrase | Added | Gone | NewEntries | Named | LateLine | UnseenJob

NAMED = "<named>"
PLUGIN_LINE = "[Plugin / Gallery Tools]"
# ours: a name and its id in brackets (a JSON string), or the id alone in brackets
OURS_NAMED = re.compile(r'"(?:[^"\\]|\\.)*" \[\d+\]|\[\d+\]')
# the recording: an id the harness normalized into the thing's key
RECORDED_NAMED = re.compile(r"<(?:zip|folder|title|tag|performer|studio|scene|img|chapter|gallery):[^<>]*>")

NAMES = (
    "Gallery Tools names what it speaks of as Stash shows it, the id in brackets (stash/names.py:"
    ' `gallery "Harbour" [10]`), where the recording has ids'
)
SCRAPE = "Scrape galleries (scrape_galleries), a task added after the recording, with its settings scrape* and scrapers"
GT = r"(Info: \[Plugin / Gallery Tools\] )"  # a log line of the plugin's (group 1)

# Clean empty galleries no longer deletes an empty hand-made gallery that carries what a person set
KEPT = (
    "Clean empty galleries keeps (and lists) an empty gallery that carries what a person set (organized, a"
    " rating, details, tags, performers, a studio, scenes, chapters, urls) unless the run names it: the"
    " recording deleted H Full, H Trimmed, H Rating 150 and H Deprecated Url, so they stay for the later tasks"
)
SKIP_KEPT = (
    r"1 gallery skipped: no images, but it carries what a person set \(.*\): kept \(name it in gallery_ids to"
    r" delete it\)"
)
KEPT_LINES = [
    (
        rf"{GT}Clean empty galleries( \(\w+\)): gallery <title:{title}>: (would )?delete the gallery .*",
        rf"\1Clean empty galleries\2: 1 gallery skipped: no images, but it carries what a person set ({carried}):"
        " kept (name it in gallery_ids to delete it)",
    )
    for title, carried in (
        ("H Full", "organized, rating100, tags, performers, scenes"),
        ("H Trimmed", "details"),
        ("H Rating 150", "rating100"),
        ("H Deprecated Url", "urls"),
    )
]
KEPT_GALLERIES = r"title:H (Full|Trimmed|Rating 150|Deprecated Url)"
# the entries whose library state comes after Clean empty galleries applied (state.galleries keys)
STATES_FROM_CLEAN = (
    "task.clean_empty_galleries_*.apply",
    "task.merge_duplicate_galleries_*.apply",
    "task.galleries_for_loose_images*.apply",
    "task.link_scenes.apply",
    "task.import_file_metadata.apply",
    "task.finish_new_galleries.apply",
    "task.show_capabilities.run",
    "final.state",
)
# Galleries for loose images makes no gallery for a folder marked .nogallery
NO_GALLERY = (
    "Galleries for loose images leaves a folder marked .nogallery alone, as Stash's scan does: the recording"
    " made the gallery Hiking 2019 for such a folder"
)
SKIP_MARKED = r"its folder is marked \.nogallery \(Stash's scan makes no gallery for it either\)"
STATES_FROM_LOOSE = STATES_FROM_CLEAN[2:]
BOTH = KEPT + "; and " + NO_GALLERY + " (4 more galleries and 1 fewer: 3 more in scope, all hand-made)"
# Finish new galleries says why a gallery keeps its mark
WAITS = (
    "Finish new galleries says why a hand-made gallery with no images keeps its mark (a skip: no images yet);"
    " the recording counted it as unchanged and said nothing"
)

V031 = (
    "Stash v0.31 support, added after the recording: Repair chapters (repair_chapters), the settings"
    " customFieldPrefix and hookRepairChapters, and on v0.30 the `left out:` line (and output `left_out`) of a"
    " run that could not keep what needs custom fields (chapter anchors, series and number from file metadata)"
)
LEFT_OUT = r"left_out|Info: \[Plugin / Gallery Tools\] [^:]+: left out: .* needs Stash v0\.31 or newer .*"

RETIRED = (
    "the task Install dependencies is gone: Gallery Tools needs no installed package (the optional regex"
    ' aside), so there is nothing for it to install (docs/architecture.md, "The runtime")'
)

CHANGES: list[Change] = [
    Gone("plugin.*", r"Install dependencies", RETIRED),
    Gone(
        "task.show_capabilities.run",
        r"install_dependencies|Info: \[Plugin / Gallery Tools\] task install_dependencies: .*",
        RETIRED,
    ),
    LateLine(
        "task.chapters_from_folders.dry_run",
        "Error: runPluginOperation: input: runPluginOperation Internal system error. Error <runtime error: invalid"
        " memory address or nil pointer dereference>",
        "the error Stash logged for plugins.run_operation_unknown_plugin (internal/api/error.go), sent a second"
        " after the panic's own line; the eight harness steps before this task's log window took less than that"
        " on the real server",
    ),
    UnseenJob(
        "hook.scan.scan_and_finish",
        "Running plugin task: Finish new galleries",
        "the Finish new galleries the scan's hook queued runs after the scan; since the hook and the plugin start"
        " faster (python -S, no imports a run does not need), on two cores it may start and end between two of"
        " the harness's half-second polls of the job queue, and Stash drops a finished job from the queue at once;"
        " its log lines in the entry show it ran",
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
    *(Wording("task.clean_empty_galleries_preview.*", real, ours, KEPT) for real, ours in KEPT_LINES),
    Wording(
        "task.clean_empty_galleries_preview.*",
        rf"{GT}Clean empty galleries( \(\w+\)): 20 galleries scanned, 6 (would change|changed), 14 unchanged, 0"
        r" skipped, 0 failed; 6 changes",
        r"\1Clean empty galleries\2: 20 galleries scanned, 2 \3, 14 unchanged, 4 skipped, 0 failed; 2 changes",
        KEPT,
    ),
    Added("task.clean_empty_galleries_apply.*", rf"{GT}Clean empty galleries .*: {SKIP_KEPT}", KEPT),
    Wording(
        "task.clean_empty_galleries_apply.*",
        rf"{GT}Clean empty galleries( \(\w+\)): 14 galleries in scope(.*)",
        r"\1Clean empty galleries\2: 18 galleries in scope\3",
        KEPT,
    ),
    Wording(
        "task.clean_empty_galleries_apply.*",
        rf"{GT}Clean empty galleries( \(\w+\)): 14 galleries scanned, 0 (would change|changed), 14 unchanged, 0"
        r" skipped(.*)",
        r"\1Clean empty galleries\2: 18 galleries scanned, 0 \3, 14 unchanged, 4 skipped\4",
        KEPT,
    ),
    Wording(
        "task.merge_duplicate_galleries_*",
        rf"{GT}(Merge duplicate galleries \(.*\)): 1 gallery skipped: duplicate, kept \(its zip or folder is on disk,"
        r" or cannot be told gone\)",
        r"\1\2: 1 gallery skipped: duplicate, kept (its zip or folder is on disk)",
        "a duplicate whose zip or folder is on disk is kept for that reason; one that cannot be proved gone has a"
        ' reason of its own now (README: "Gone" needs proof)',
    ),
    Wording(
        "task.merge_duplicate_galleries_*",
        rf"{GT}(Merge duplicate galleries \(.*\)): 14 galleries in scope(.*)",
        r"\1\2: 18 galleries in scope\3",
        KEPT,
    ),
    Wording(
        "task.merge_duplicate_galleries_*",
        rf"{GT}(Merge duplicate galleries \(.*\)): 14 galleries scanned, 0 (would change|changed), 13 unchanged(.*)",
        r"\1\2: 18 galleries scanned, 0 \3, 17 unchanged\4",
        KEPT,
    ),
    *(Added(entries, KEPT_GALLERIES, KEPT) for entries in STATES_FROM_CLEAN),
    Added(
        "task.galleries_for_loose_images*",
        rf"{GT}Galleries for loose images.*: 2 galleries skipped: {SKIP_MARKED}",
        NO_GALLERY,
    ),
    Gone(
        "task.galleries_for_loose_images_preview.*",
        rf"{GT}Galleries for loose images.*: folder <LIB>/loose/Hiking 2019: .*",
        NO_GALLERY,
    ),
    Gone("task.galleries_for_loose_images_preview.apply", rf"{GT}new gallery <title:Hiking 2019>: .*", NO_GALLERY),
    Wording(
        "task.galleries_for_loose_images*",
        rf"{GT}(Galleries for loose images.*): 2 galleries skipped: fewer loose images than the minimum",
        r"\1\2: 1 gallery skipped: fewer loose images than the minimum",
        NO_GALLERY,
    ),
    Wording(
        "task.galleries_for_loose_images_preview.*",
        rf"{GT}(Galleries for loose images.*): 3 galleries scanned, 1 (would change|changed), 0 unchanged, 2 skipped,"
        r" 0 failed; 2 changes",
        r"\1\2: 3 galleries scanned, 0 \3, 0 unchanged, 3 skipped, 0 failed; 0 changes",
        NO_GALLERY,
    ),
    Wording(
        "task.galleries_for_loose_images.*",
        rf"{GT}(Galleries for loose images.*): 2 galleries in scope(.*)\(2 images in no gallery, in 2 folders\)",
        r"\1\2: 3 galleries in scope\3(5 images in no gallery, in 3 folders)",
        NO_GALLERY,
    ),
    Wording(
        "task.galleries_for_loose_images.*",
        rf"{GT}(Galleries for loose images.*): 2 galleries scanned, 0 (would change|changed), 0 unchanged,"
        r" 2 skipped(.*)",
        r"\1\2: 3 galleries scanned, 0 \3, 0 unchanged, 3 skipped\4",
        NO_GALLERY,
    ),
    *(Gone(entries, r"title:Hiking 2019", NO_GALLERY) for entries in STATES_FROM_LOOSE),
    Wording(
        "task.[li][im]*",  # link_scenes, import_file_metadata
        rf"{GT}((Link scenes|Import file metadata)( \(\w+\))?): 15 galleries (in scope|scanned)(.*)",
        r"\1\2: 18 galleries \5\6",
        BOTH,
    ),
    Wording(
        "task.link_scenes.*",
        rf"{GT}(Link scenes( \(\w+\))?): 18 galleries scanned, 0 (would change|changed), 0 unchanged, 15 skipped(.*)",
        r"\1\2: 18 galleries scanned, 0 \4, 0 unchanged, 18 skipped\5",
        BOTH,
    ),
    Wording(
        "task.import_file_metadata.*",
        rf"{GT}(Import file metadata( \(\w+\))?): 18 galleries scanned, 2 (would change|changed), 0 unchanged, 13"
        r" skipped(.*)",
        r"\1\2: 18 galleries scanned, 2 \4, 0 unchanged, 16 skipped\5",
        BOTH,
    ),
    Wording(
        "task.[li][im]*",
        rf"{GT}((Link scenes|Import file metadata)( \(\w+\))?): 2 galleries skipped: hand-made (.*)",
        r"\1\2: 5 galleries skipped: hand-made \5",
        BOTH,
    ),
    Added("hook.by_hand.create", rf"{GT}Finish new galleries: 1 gallery skipped: no images yet: .*", WAITS),
    Wording(
        "hook.by_hand.create",
        rf"{GT}Finish new galleries: 1 gallery scanned, 0 changed, 1 unchanged, 0 skipped(.*)",
        r"\1Finish new galleries: 1 gallery scanned, 0 changed, 0 unchanged, 1 skipped\2",
        WAITS,
    ),
    Wording(
        "hook.by_hand.finish",
        rf"{GT}Finish new galleries: 1 gallery \(27\): (.*)",
        r"\1Finish new galleries: 1 gallery (26): \2",
        NO_GALLERY + ": the galleries made after it have ids one lower",
    ),
    Wording(
        "hook.scan.scan_and_finish",
        rf"{GT}Finish new galleries: 2 galleries \(28, 29\): (.*)",
        r"\1Finish new galleries: 2 galleries (27, 28): \2",
        NO_GALLERY + ": the galleries made after it have ids one lower",
    ),
    Added("plugin.*", r"Repair chapters( \(preview\))?|customFieldPrefix|hookRepairChapters", V031),
    Added(
        "task.show_capabilities.run",
        r"Info: \[Plugin / Gallery Tools\] (setting (customFieldPrefix|hookRepairChapters) \(.*|task"
        r" repair_chapters: .*)",
        V031,
    ),
    NewEntries("task.repair_chapters*", V031),
    Added("task.*", LEFT_OUT, V031 + ": on tasks"),
    Added("hook.*", LEFT_OUT, V031 + ": on Finish new galleries after the hook"),
    *(Named(f"{section}.*", NAMES) for section in ("task", "hook", "operation")),
    *(
        Phrase(entries, real, ours, NAMES)
        for entries, real, ours in (
            # image updates: the things by name, "tags" for several
            ("task.*", r"(add|remove) (tag|performer|studio|scene) ids (<named>)(?!, <named>)", r"\1 \2 \3"),
            ("task.*", r"(add|remove) (tag|performer|studio|scene) ids (<named>(?:, <named>)+)", r"\1 \2s \3"),
            ("task.*", r"set (tag|performer|scene) ids to (<named>(?:, <named>)+)", r"set the \1s to \1s \2"),
            # a cover by its file's name, its path no more
            ("task.*", r"(image <named>) \(<LIB>/.*\)$", r"\1"),
            ("hook.*", r"(image <named>) \(<LIB>/.*\)$", r"\1"),
            # a chapter, a gallery deleted: by name once, in the name
            ("task.*", r"(delete chapter <named>) \".*\"$", r"\1"),
            ("task.*", r"(delete the gallery) \"[^\"]*\" \(", r"\1 ("),
            # the marker tag taken off the galleries Finish is done with: they and the tag by name
            ("hook.*", r"\(\d+\): ((?:would )?remove the tag) \"Gallery Tools: new\"", r"(<named>): \1 <named>"),
            (
                "hook.*",
                r"\(\d+, \d+\): ((?:would )?remove the tag) \"Gallery Tools: new\"",
                r"(<named>, <named>): \1 <named>",
            ),
        )
    ),
    Phrase(
        "task.import_file_metadata.*",
        r"add tag <named>, \d+;",
        "add tags <named>, <named>;",
        NAMES + ": the recording's second tag was left as a number (its normalizer took only the first)",
    ),
    Added(
        "task.merge_duplicate_galleries*",
        r"Info: \[Plugin / Gallery Tools\] Merge duplicate galleries \(.*\): keeps gallery <named>;"
        r" its duplicates?: .*",
        "the merge's log says, per group, which gallery is kept and which are its duplicates",
    ),
    *(
        Gone(
            entries,
            r"Info: \[Plugin / Gallery Tools\] new gallery <named>: no new-gallery rules are switched on .*",
            "the new-gallery hook with nothing to do logs at debug level (a scan of 1,000 galleries adds no"
            " 1,000 lines to Stash's log)",
        )
        for entries in ("operation.create_gallery",)
    ),
    Gone(
        "hook.scan.scan_and_finish",
        r"Info: \[Plugin / Gallery Tools\] new gallery <named>: .*; already queued: Finish new galleries .*",
        "one Info line per scan: the scan's galleries after the one that queues Finish new galleries are"
        " logged at debug level",
    ),
    Phrase(
        "hook.scan.scan_and_finish",
        r"(queued now: Finish new galleries \([^)]*\))$",
        r"\1 (when the scan is over; the scan's other new galleries are in the log at debug level)",
        "one Info line per scan: the line that queues Finish new galleries says where the scan's other galleries are",
    ),
    Phrase(
        "task.show_capabilities.run",
        r"Delete hand-made galleries without images \(previews unless dry_run=false\); list zip and folder"
        r" galleries without images\.",
        "Delete galleries without images that are hand-made, or whose zip or folder is gone from disk (the"
        " folder that held it still there; files kept); list the others (previews unless dry_run=false).",
        "Clean empty galleries' description says what apply deletes: also zip and folder galleries whose zip"
        " or folder is gone",
    ),
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
            # a list emptied so is left out, as a state leaves out an empty one (not a log: the
            # recording keeps a run's empty log as [])
            if hit and out[key] == [] and key != "logs":
                del out[key]
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
    for index, change in enumerate(CHANGES):  # in order: the changes after a Named are worded with NAMED
        if isinstance(change, NewEntries) or not fnmatch.fnmatchcase(name, change.entries):
            continue
        if isinstance(change, Named):
            if _named(real) | _named(ours):
                used.add(index)
            continue
        if isinstance(change, UnseenJob):
            _forgive_unseen_job(real, ours, change.description)
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
            if not isinstance(line, str):
                continue
            if isinstance(change, Phrase) and PLUGIN_LINE in line and pattern.search(line):
                logs[position] = pattern.sub(change.ours, line)
                used.add(index)
            elif isinstance(change, Wording) and pattern.fullmatch(line):
                logs[position] = pattern.sub(change.ours, line)
                used.add(index)
    return real, ours, used


def _forgive_unseen_job(real: dict[str, Any], ours: dict[str, Any], description: str) -> None:
    """The recording's queued jobs without the one described, where ours did not see it."""
    outcome = real.get("outcome", {})
    queued = outcome.get("queued_by_it")
    seen = ours.get("outcome", {}).get("queued_by_it") or []
    if not isinstance(queued, list) or any(isinstance(j, dict) and j.get("description") == description for j in seen):
        return
    kept = [j for j in queued if not (isinstance(j, dict) and j.get("description") == description)]
    if kept:
        outcome["queued_by_it"] = kept
    else:
        outcome.pop("queued_by_it", None)


def _named(entry: dict[str, Any]) -> bool:
    """The entry's log lines with every thing named (ours) or normalized (the recording) as NAMED;
    whether any was."""
    logs = entry.get("outcome", {}).get("logs")
    if not isinstance(logs, list):
        return False
    changed = False
    for position, line in enumerate(logs):
        if isinstance(line, str) and PLUGIN_LINE in line:  # Gallery Tools' own lines only
            named = RECORDED_NAMED.sub(NAMED, OURS_NAMED.sub(NAMED, line))
            changed |= named != line
            logs[position] = named
    return changed


def new_entry(name: str) -> int | None:
    """The index of the NewEntries change that allows an entry only ours has, or None."""
    return next(
        (i for i, c in enumerate(CHANGES) if isinstance(c, NewEntries) and fnmatch.fnmatchcase(name, c.entries)), None
    )


def unused(used: set[int]) -> list[str]:
    """The changes (other than LateLine and UnseenJob: races, not differences) that no entry needed."""
    return [c.why for i, c in enumerate(CHANGES) if not isinstance(c, LateLine | UnseenJob) and i not in used]
