"""import_file_metadata: what a gallery's ComicInfo.xml or gallery-dl JSON says, where the gallery has nothing.

Where the files are looked for and how they are read: metadata_files.py (ComicInfo.xml
inside the zip, read without extracting; gallery-dl JSON next to the zip or in the
folder; only regular files, bounded reads, no DTD, http(s) URLs). A gallery without such a
file, or whose file is refused or cannot be read, is skipped with the reason; any other error
while reading one gallery's files fails that gallery only, and the run goes on.

What is filled, never overwriting: title, date, details (ComicInfo Summary), urls
(added); tags (added) by name: a name that names no tag in Stash is left out and
listed; artists (ComicInfo Writer and Penciller, gallery-dl artist) as the
photographer (default; when the gallery has none) or as performers (setting
fileMetadataArtists = performers; names of existing performers only, added).

Reads per page of galleries: the galleries, their files on disk, and one request per
page for the tag and performer names not looked up before in the run.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence

from ..common.args import Param
from ..common.constants import NEEDS_V031
from ..common.errors import ArgError, short_repr
from ..common.lean_functools import partial
from ..common.limits import WORKFLOW_PAGE_SIZE
from ..common.log import current_traceback, log
from ..common.metadata_files import CUSTOM_FIELD_NAMES, FileMetadata, FileMetadataError, read_gallery_metadata
from ..common.on_disk import OnDisk, look
from ..common.skips import SKIP_HAND_MADE
from ..stash import selections
from ..stash.batch import chunks
from ..stash.models import Gallery, custom_field_name
from ..stash.operations import GalleryOps
from .changes import AddGalleryRefs, Expect, SetCustomFields, SetGalleryFields
from .engine import Page, galleries_in_scope, planned, run_pages
from .gate import Gate
from .report import MAX_DETAILS, GalleryPlan, Report, counted
from .workflow import Scope

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

PARAMS: tuple[Param, ...] = ()
ARTISTS_AS = ("photographer", "performers")


def parse_artists_as(text: str) -> str:
    choice = text.strip().lower()
    if choice not in ARTISTS_AS:
        raise ArgError(f"file metadata artists {short_repr(text)}: choose photographer or performers")
    return choice


def _empty(value: Any) -> bool:
    return value is None or value == "" or value == []


def custom_field_names(prefix: str) -> dict[str, str]:
    """{name in the file's terms: the gallery custom field's name}, the prefix in front; ArgError
    when the prefix makes a name Stash refuses."""
    names = {}
    for name in CUSTOM_FIELD_NAMES:
        try:
            names[name] = custom_field_name(prefix + name)
        except ValueError as exc:
            raise ArgError(f"setting customFieldPrefix {prefix!r}: {exc}") from None
    return names


def plan_import(
    gallery: Gallery,
    found: FileMetadata,
    tag_ids: dict[str, str | None],
    performer_ids: dict[str, str | None],
    artists_as: str,
    custom_names: dict[str, str] | None = None,
) -> tuple[GalleryPlan, list[str]]:
    """The gallery's changes from its file, and the names that name nothing in Stash (pure).

    With `custom_names` (a Stash with custom fields: file name -> field name) what the file says
    of series, number, volume and the like goes into the gallery's custom fields it does not have."""
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
    if custom_names is not None:
        present = gallery.custom_fields or {}
        custom = {
            custom_names[name]: value for name, value in found.custom.items() if custom_names[name] not in present
        }
        if custom:
            plan.changes.append(
                SetCustomFields(
                    gallery.id,
                    set=tuple(custom.items()),
                    expects=Expect.of("gallery", gallery, [f"custom:{name}" for name in custom]),
                )
            )
    return plan, unknown


def run_import_file_metadata(
    ops: GalleryOps,
    scope: Scope,
    dry_run: bool,
    artists_as: str,
    page_size: int = WORKFLOW_PAGE_SIZE,
    progress_span: tuple[float, float] = (0.0, 1.0),
    gate: Gate | None = None,
    custom_prefix: str = "",
) -> Report:
    """Read each gallery's metadata file, plan, and (unless dry_run, or `gate` holds it back) apply,
    page by page (run_pages).

    The report's `unfinished` names the galleries whose changes did not all go through (failed,
    or dropped because a person changed the field meanwhile): Finish new galleries keeps their
    mark. On a Stash without custom fields (v0.30) the series, number and the like are left out,
    and the report says which and how often."""
    report = Report("import_file_metadata", dry_run)
    features = ops.features()
    custom_names = custom_field_names(custom_prefix) if features.custom_fields else None
    selection = ops.gallery_selection("id " + selections.GALLERY_FILE_METADATA)
    total, stream = galleries_in_scope(ops, scope, selection, page_size, report)
    pages = _pages(ops, report, chunks(stream, page_size), artists_as, custom_names)
    return run_pages(ops, report, total, pages, progress_span=progress_span, gate=gate)


def _pages(
    ops: GalleryOps,
    report: Report,
    pages: Iterable[list[Gallery]],
    artists_as: str,
    custom_names: dict[str, str] | None,
) -> Iterator[Page]:
    """Per page: each gallery's metadata file read, the names not seen before looked up (one
    request per 100), each gallery planned; at the end, the names that name nothing in the report,
    and (without `custom_names`: a Stash without custom fields) what the files said that was left out."""
    not_kept: dict[str, int] = {}  # v0.30: custom field name -> galleries whose file had it
    known: dict[str, dict[str, str | None]] = {"tag": {}, "performer": {}}
    unknown_names: dict[str, None] = {}
    for page in pages:
        report.names.learn_galleries(page)
        read: dict[str, FileMetadata | str] = {}
        broken: dict[str, str] = {}  # galleries whose files failed in a way no reason foresaw
        for gallery in page:
            if gallery.path is None:
                read[gallery.id] = SKIP_HAND_MADE
                continue
            try:
                # a zip gallery with byte copies (merged by Stash's scan): the first of its zips on disk
                on_disk = next((p for p in gallery.file_paths if look(p) is OnDisk.PRESENT), gallery.path)
                read[gallery.id] = read_gallery_metadata(on_disk, gallery.kind == "zip")
            except FileMetadataError as exc:
                read[gallery.id] = str(exc)
            except Exception as exc:  # whatever a file holds, it fails only its own gallery
                log.debug(
                    "import_file_metadata: reading gallery %s's files failed:\n%s", gallery.id, current_traceback()
                )
                broken[gallery.id] = f"its files could not be read ({type(exc).__name__}: {exc})"
                read[gallery.id] = ""
        files = [f for f in read.values() if isinstance(f, FileMetadata)]
        for kind, names in (
            ("tag", [n for f in files for n in f.tags]),
            ("performer", [n for f in files for n in f.artists] if artists_as == "performers" else []),
        ):
            new = [n for n in dict.fromkeys(names) if n not in known[kind]]
            if new:
                known[kind].update(ops.ids_by_name(kind, new))

        def plan(gallery: Gallery, found: FileMetadata) -> list[GalleryPlan]:
            planned_one, unknown = plan_import(
                gallery, found, known["tag"], known["performer"], artists_as, custom_names
            )
            unknown_names.update(dict.fromkeys(unknown))
            return [planned_one]

        plans: list[GalleryPlan] = []
        for gallery in page:
            found = read[gallery.id]
            if gallery.id in broken:
                plans.append(GalleryPlan(gallery.id, error=broken[gallery.id]))
            elif isinstance(found, FileMetadata):
                for name in found.custom if custom_names is None else ():
                    not_kept[name] = not_kept.get(name, 0) + 1
                plans.extend(planned(report.task, [gallery.id], partial(plan, gallery, found), report.names))
            else:
                plans.append(GalleryPlan(gallery.id, skipped=found))
        yield Page(plans)
    report.extra = {"unknown_names": list(unknown_names)[:MAX_DETAILS]}
    if not_kept:
        counts = ", ".join(f"{name} ({counted(n, 'gallery', 'galleries')})" for name, n in not_kept.items())
        report.left_out.append(
            f"what the files say of {counts}: gallery custom fields {NEEDS_V031} ({ops.features().name})"
        )
    if unknown_names:
        report.notes.append(
            f"names that name no tag or performer in Stash (left out): {', '.join(list(unknown_names)[:20])}"
        )
