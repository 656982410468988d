"""link_scenes: a gallery and the scene that belongs with it get linked (scene_ids, added only).

The rules, on the paths Stash reports (paths.py: either separator on Windows hosts, where
names also compare without case, as NTFS compares them: paths.ntfs_upper, not full case folding):
- a zip gallery and a video next to it with the same name: `Set A.zip` and `Set A.mp4`;
- a folder gallery and a video next to the folder with the folder's name: `Set A/` and
  `Set A.mp4`;
- a folder gallery and the video inside its folder: `Set A/clip.mp4`.
A gallery whose rules find one scene is linked to it (a link is never removed; a scene
may have several galleries). When they find several scenes, the gallery is left alone
and reported ("several scenes match"). Hand-made galleries have no path: not matched.

Optionally (setting linkScenesCopyMetadata or the run's copy_metadata) the gallery then
gets what it lacks of its scene's title, date, details, studio, urls, tags and
performers, never overwriting what it has.

Reads: every scene's files (1000 per request: the index holds paths and ids only), then
the galleries a page at a time; with the copy, per page, the metadata of only the scenes
that page's galleries matched (one request, LinkScenes.read_page), so memory follows the
number of scenes' paths, not their metadata. Writes are aliased batches.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

from ..common import paths
from ..common.args import Param
from ..common.constants import MARKER_TAGS
from ..common.errors import StashServerError
from ..common.plain import dataclass, field
from ..common.skips import SKIP_HAND_MADE_SCENES, SKIP_NO_MATCH, SKIP_NOT_UNIQUE
from ..stash import selections
from ..stash.models import Gallery, Image, Scene
from ..stash.operations import GalleryOps
from .changes import AddGalleryRefs, Expect, SetGalleryFields
from .loose_images import FolderKey, folder_key
from .report import GalleryPlan
from .workflow import Env, Workflow

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any, TypeVar

    K = TypeVar("K")

PARAMS = (Param("copy_metadata", "bool", False),)


def _name(path: str) -> str:
    """A file's name without extension, as names compare on its host (no case on Windows)."""
    name = paths.stem(path)
    return paths.ntfs_upper(name) if paths.is_windows_path(path) else name


def _fold(path: str, key: FolderKey) -> FolderKey:
    """A folder key as folders compare on the path's host (no case on Windows)."""
    return tuple(paths.ntfs_upper(n) for n in key) if paths.is_windows_path(path) else key


def _holder(path: str) -> FolderKey:
    """The folder holding a file or folder."""
    return _fold(path, paths.folder_names(path))


def _folder_name(path: str) -> str:
    name = paths.base_name(path)
    return paths.ntfs_upper(name) if paths.is_windows_path(path) else name


@dataclass
class SceneIndex:
    """Where the scenes' videos are: by (folder, name without extension), and by folder.

    Only paths and ids: a scene's metadata is read when a gallery matched it (read_page)."""

    # a scene id, or a set when several scenes share the key: almost every name has one
    # scene, and a one-item set costs more than the rest of its entry
    by_name: dict[tuple[FolderKey, str], str | set[str]] = field(default_factory=dict)
    by_folder: dict[FolderKey, str | set[str]] = field(default_factory=dict)


def _add(ids: dict[K, str | set[str]], key: K, scene_id: str) -> None:
    have = ids.get(key)
    if have is None:
        ids[key] = scene_id
    elif isinstance(have, str):
        if have != scene_id:
            ids[key] = {have, scene_id}
    else:
        have.add(scene_id)


def _ids(found: str | set[str] | None) -> set[str]:
    return set() if found is None else {found} if isinstance(found, str) else set(found)


def build_index(scenes: Iterable[Scene]) -> SceneIndex:
    """Index every file of every scene (pure)."""
    index = SceneIndex()
    folders: dict[FolderKey, FolderKey] = {}  # one folder key object per folder, shared by its names
    for scene in scenes:
        for file in scene.files or []:
            if not file.path:
                continue
            holder = _holder(file.path)
            folder = folders.setdefault(holder, holder)
            _add(index.by_name, (folder, _name(file.path)), scene.id)
            _add(index.by_folder, folder, scene.id)
    return index


def matching_scenes(gallery: Gallery, index: SceneIndex) -> set[str] | None:
    """The scene ids the rules find for a gallery; None for a hand-made gallery (pure)."""
    zips = [f.path for f in gallery.files or [] if f.path]
    if zips:  # every zip of the gallery (byte copies Stash's scan merged into it), not only the first
        return set().union(*(_ids(index.by_name.get((_holder(z), _name(z)))) for z in zips))
    if gallery.folder is not None and gallery.folder.path:
        folder = gallery.folder.path
        next_to = _ids(index.by_name.get((_holder(folder), _folder_name(folder))))
        return next_to | _ids(index.by_folder.get(_fold(folder, folder_key(folder))))
    return None


def unique_matches(galleries: Iterable[Gallery], index: SceneIndex) -> list[str]:
    """The scenes that are the one match of some gallery, in first-seen order: the scenes whose
    metadata a copy may need (pure)."""
    found: dict[str, None] = {}
    for gallery in galleries:
        ids = matching_scenes(gallery, index)
        if ids is not None and len(ids) == 1:
            found.setdefault(next(iter(ids)), None)
    return list(found)


def _empty(value: Any) -> bool:
    return value is None or value == "" or value == []


def copy_from_scene(gallery: Gallery, scene: Scene) -> list[Any]:
    """What the gallery lacks of the scene's metadata, as changes (pure, never overwriting)."""
    changes: list[Any] = []
    scalars = {
        f: getattr(scene, f)
        for f in ("title", "date", "details")
        if _empty(getattr(gallery, f)) and not _empty(getattr(scene, f))
    }
    if gallery.studio is None and scene.studio is not None:
        scalars["studio"] = {"id": scene.studio.id}
    if scalars:
        changes.append(
            SetGalleryFields(
                gallery.id,
                tuple(scalars.items()),
                expects=Expect.of("gallery", gallery, tuple(f for f in ("title", "date") if f in scalars)),
            )
        )
    refs: list[tuple[str, tuple[str, ...]]] = []
    for name, key in (("tags", "tag_ids"), ("performers", "performer_ids")):
        have = {r.id for r in getattr(gallery, name) or []}
        extra = sorted(
            {r.id for r in getattr(scene, name) or [] if getattr(r, "name", None) not in MARKER_TAGS} - have, key=int
        )
        if extra:
            refs.append((key, tuple(extra)))
    urls = [u for u in scene.urls or [] if u not in (gallery.urls or [])]
    if urls:
        refs.append(("urls", tuple(urls)))
    if refs:
        changes.append(AddGalleryRefs(gallery.id, tuple(refs)))
    return changes


def plan_link(
    gallery: Gallery, index: SceneIndex, copy_metadata: bool, scenes: Mapping[str, Scene] | None = None
) -> GalleryPlan:
    """Link the gallery to its one matching scene (and copy what it lacks, by choice) (pure).

    With copy_metadata, `scenes` must hold that scene's metadata (LookupError otherwise: a
    gallery is never finished without the copy it was asked for)."""
    plan = GalleryPlan(gallery.id)
    found = matching_scenes(gallery, index)
    if found is None:
        plan.skipped = SKIP_HAND_MADE_SCENES
        return plan
    if not found:
        plan.skipped = SKIP_NO_MATCH
        return plan
    if len(found) > 1:
        plan.skipped = SKIP_NOT_UNIQUE
        return plan
    (scene_id,) = found
    if scene_id not in {s.id for s in gallery.scenes or []}:
        plan.changes.append(AddGalleryRefs(gallery.id, (("scene_ids", (scene_id,)),)))
    if copy_metadata:
        if scenes is None or scene_id not in scenes:
            raise LookupError("the metadata of the scene it matches was not read")
        copied = copy_from_scene(gallery, scenes[scene_id])
        if plan.changes and copied and isinstance(copied[-1], AddGalleryRefs):
            # one bulkGalleryUpdate: the scene link and the copied refs together
            link = plan.changes.pop()
            copied[-1] = AddGalleryRefs(gallery.id, (*link.refs, *copied[-1].refs))
        plan.changes.extend(copied)
    return plan


class LinkScenes(Workflow):
    """The workflow; with copy_metadata it reads, per page, the scenes its galleries matched."""

    gallery_fields = selections.GALLERY_SCENE_LINK
    image_fields = None

    def __init__(self, index: SceneIndex, copy_metadata: bool) -> None:
        self.index = index
        self.copy_metadata = copy_metadata
        self.page_scenes: dict[str, Scene] = {}  # the current page's matched scenes, with metadata
        self.page_error: StashServerError | None = None

    def read_page(self, ops: GalleryOps, galleries: Sequence[Gallery]) -> None:
        """Before a page is planned (engine.run_workflows): with the copy, the metadata of the
        scenes the page's galleries match, in one request. If Stash refuses it (a scene deleted
        since the index was read), the page's galleries that match one fail with that reason
        and are planned again by the next run."""
        self.page_scenes, self.page_error = {}, None
        if not self.copy_metadata:
            return
        try:
            self.page_scenes = ops.scenes_by_ids(unique_matches(galleries, self.index), selections.SCENE_META)
        except StashServerError as exc:
            self.page_error = exc

    def plan(self, gallery: Gallery, images: list[Image] | None, env: Env) -> GalleryPlan:
        if self.page_error is not None and len(matching_scenes(gallery, self.index) or ()) == 1:
            raise LookupError(f"reading the scenes' metadata failed: {self.page_error}")
        return plan_link(gallery, self.index, self.copy_metadata, self.page_scenes)
