"""import_file_metadata: what a gallery's ComicInfo.xml or gallery-dl JSON says, where the gallery has nothing.

Where the files are looked for and how they are read: metadata_files.py (ComicInfo.xml
inside the zip, read without extracting; gallery-dl JSON next to the zip or in the
folder; size limits). A gallery without such a file, or whose file cannot be read, is
skipped with the reason.

What is filled, never overwriting: title, date, details (ComicInfo Summary), urls
(added); tags (added) by name: a name that names no tag in Stash is left out and
listed; artists (ComicInfo Writer and Penciller, gallery-dl artist) as the
photographer (default; when the gallery has none) or as performers (setting
fileMetadataArtists = performers; names of existing performers only, added).

Reads per page of galleries: the galleries, their files on disk, and one request per
page for the tag and performer names not looked up before in the run.
"""

from __future__ import annotations

import logging
import traceback
from collections.abc import Sequence
from typing import Any

from ..common.args import Param
from ..common.errors import ArgError
from ..common.limits import WORKFLOW_PAGE_SIZE
from ..common.log import progress
from ..common.metadata_files import FileMetadata, FileMetadataError, read_gallery_metadata
from ..stash import selections
from ..stash.batch import chunks
from ..stash.models import Gallery
from ..stash.operations import GalleryOps
from .changes import AddGalleryRefs, Expect, SetGalleryFields
from .engine import apply_page, galleries_in_scope
from .gate import Gate
from .report import MAX_DETAILS, GalleryPlan, Report
from .workflow import Scope

log = logging.getLogger("gallery_ops")

PARAMS: tuple[Param, ...] = ()
ARTISTS_AS = ("photographer", "performers")
SKIP_HAND_MADE = "hand-made (no zip or folder)"


def parse_artists_as(text: str) -> str:
    choice = text.strip().lower()
    if choice not in ARTISTS_AS:
        raise ArgError(f"file metadata artists {text!r}: choose photographer or performers")
    return choice


def _empty(value: Any) -> bool:
    return value is None or value == "" or value == []


def plan_import(
    gallery: Gallery,
    found: FileMetadata,
    tag_ids: dict[str, str | None],
    performer_ids: dict[str, str | None],
    artists_as: str,
) -> tuple[GalleryPlan, list[str]]:
    """The gallery's changes from its file, and the names that name nothing in Stash (pure)."""
    plan = GalleryPlan(gallery.id)
    unknown: list[str] = []
    scalars: dict[str, Any] = {
        f: getattr(found, f) for f in ("title", "date", "details") if _empty(getattr(gallery, f)) and getattr(found, f)
    }
    if artists_as == "photographer" and found.artists and _empty(gallery.photographer):
        scalars["photographer"] = ", ".join(found.artists)
    if scalars:
        plan.changes.append(
            SetGalleryFields(
                gallery.id,
                tuple(scalars.items()),
                expects=Expect.of("gallery", gallery, tuple(f for f in ("title", "date") if f in scalars)),
            )
        )
    refs: list[tuple[str, tuple[str, ...]]] = []
    wanted: list[tuple[str, Sequence[Any] | None, list[str], dict[str, str | None]]] = [
        ("tag_ids", gallery.tags, found.tags, tag_ids)
    ]
    if artists_as == "performers":
        wanted.append(("performer_ids", gallery.performers, found.artists, performer_ids))
    for key, have_refs, names, ids in wanted:
        have = {r.id for r in have_refs or []}
        extra: list[str] = []
        for name in names:
            found_id = ids.get(name)
            if found_id is None:
                unknown.append(name)
                kind = "tag" if key == "tag_ids" else "performer"
                plan.left_alone.append(f"{kind} “{name}”: no {kind} of that name in Stash (none is made)")
            elif found_id not in have and found_id not in extra:
                extra.append(found_id)
        if extra:
            refs.append((key, tuple(sorted(extra, key=int))))
    urls = [u for u in found.urls if u not in (gallery.urls or [])]
    if urls:
        refs.append(("urls", tuple(urls)))
    if refs:
        plan.changes.append(AddGalleryRefs(gallery.id, tuple(refs)))
    return plan, unknown


def run_import_file_metadata(
    ops: GalleryOps,
    scope: Scope,
    dry_run: bool,
    artists_as: str,
    page_size: int = WORKFLOW_PAGE_SIZE,
    held: dict[str, str] | None = None,
    gate: Gate | None = None,
) -> Report:
    """Read each gallery's metadata file, plan, and (unless dry_run, or `gate` holds it back) apply,
    page by page.

    `held`, when given, receives {gallery id: reason} for the galleries whose changes did not
    all go through (failed, or dropped because a person changed the field meanwhile):
    Finish new galleries keeps their mark."""
    report = Report("import_file_metadata", dry_run)
    total, stream = galleries_in_scope(ops, scope, "id " + selections.GALLERY_FILE_METADATA, page_size, report)
    log.info("%s", report.start_line(total))
    progress(0.0)
    known: dict[str, dict[str, str | None]] = {"tag": {}, "performer": {}}
    unknown_names: dict[str, None] = {}
    failed: dict[str, str] = {}
    for page in chunks(stream, page_size):
        read: dict[str, FileMetadata | str] = {}
        for gallery in page:
            if gallery.path is None:
                read[gallery.id] = SKIP_HAND_MADE
                continue
            try:
                read[gallery.id] = read_gallery_metadata(gallery.path, gallery.kind == "zip")
            except FileMetadataError as exc:
                read[gallery.id] = str(exc)
        files = [f for f in read.values() if isinstance(f, FileMetadata)]
        for kind, names in (
            ("tag", [n for f in files for n in f.tags]),
            ("performer", [n for f in files for n in f.artists] if artists_as == "performers" else []),
        ):
            new = [n for n in dict.fromkeys(names) if n not in known[kind]]
            if new:
                known[kind].update(ops.ids_by_name(kind, new))
        plans: list[GalleryPlan] = []
        for gallery in page:
            found = read[gallery.id]
            if not isinstance(found, FileMetadata):
                plans.append(GalleryPlan(gallery.id, skipped=found))
                continue
            try:
                plan, unknown = plan_import(gallery, found, known["tag"], known["performer"], artists_as)
                unknown_names.update(dict.fromkeys(unknown))
                plans.append(plan)
            except Exception as exc:  # planning is pure: whatever went wrong concerns this gallery only
                log.debug("import_file_metadata: planning gallery %s failed:\n%s", gallery.id, traceback.format_exc())
                failed.setdefault(gallery.id, f"planning failed ({type(exc).__name__}: {exc})")
                plans.append(GalleryPlan(gallery.id))
        moved = apply_page(ops, plans, failed, dry_run, gate)
        if held is not None:
            held.update(moved)
        for plan in plans:
            report.add(plan, failed.get(plan.gallery_id))
        if report.scanned < total:  # the last step is the 1.0 below, sent once
            progress(report.scanned / total)
    if held is not None:
        held.update(failed)
    report.requests = ops.requests_sent
    report.extra = {"unknown_names": list(unknown_names)[:MAX_DETAILS]}
    progress(1.0)
    if unknown_names:
        log.info(
            "%s: names that name no tag or performer in Stash (left out): %s",
            report.title,
            ", ".join(list(unknown_names)[:20]),
        )
    for level, line in report.log_lines():
        log.log(level, "%s", line)
    return report
