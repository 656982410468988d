"""A simulated library scan that adds galleries the way Stash's scanner does.

Facts (docs/stash.md §3; pkg/image/scan.go, pkg/gallery/scan.go, pkg/file/scan.go):
- Every file is handled in its own transaction; hooks run after that commit.
- A folder gallery is created (title empty, only the folder set) in the transaction of
  the FIRST image of the folder that is scanned, and that image is added to it. Then
  Gallery.Create.Post fires with `input: null` and no inputFields, followed by that
  image's Image.Create.Post. Each later image of the folder: its own transaction
  (added to the gallery, the gallery's updated_at bumped) and only Image.Create.Post.
- A zip makes no gallery by itself; the first image scanned inside it creates the
  zip-based gallery in that image's transaction, with the same hooks.
So when the create hook runs, the gallery holds only the images scanned so far.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from .library import LibraryWriter
from .store import now_text

if TYPE_CHECKING:
    from .simulator import StashSimulator

ImageSpec = str | dict[str, Any]


def _spec(image: ImageSpec) -> dict[str, Any]:
    return {"name": image} if isinstance(image, str) else dict(image)


def scan(
    sim: StashSimulator,
    images: list[ImageSpec],
    *,
    folder: str | None = None,
    zip_path: str | None = None,
    after_each: Callable[[int], None] | None = None,
) -> int | None:
    """Scan new images of one folder (or one zip); returns the gallery id (None if none made).

    Image names are relative to the folder or zip. `after_each(n)` is called after the
    n-th image's transaction and hooks, for tests that look between steps.
    """
    if (folder is None) == (zip_path is None):
        raise ValueError("scan one folder or one zip")
    ctx = sim.request_context(sim.user_session())
    store = sim.store
    gallery_id = _existing_gallery(sim, folder, zip_path)
    zip_id = None
    if zip_path is not None:
        with store.transaction():
            zip_id = LibraryWriter(store).zip_file(zip_path)
    for n, raw in enumerate(images, start=1):
        spec = _spec(raw)
        base = folder if folder is not None else zip_path
        assert base is not None
        path = LibraryWriter(store).member_path(base, spec["name"], zip_path is not None)
        created = False
        with store.transaction() as db:
            writer = LibraryWriter(store)
            image_id = writer.image(
                path, zip_id, spec.get("width"), spec.get("height"), spec.get("md5"), spec.get("title")
            )
            if gallery_id is None and (zip_path is not None or sim.config.create_galleries_from_folders):
                gallery_id = writer.gallery(folder=folder, zip_path=zip_path)
                created = True
            if gallery_id is not None:
                writer.add_to_gallery(gallery_id, [image_id])
                db.execute("UPDATE galleries SET updated_at = ? WHERE id = ?", (now_text(), gallery_id))
        if created and gallery_id is not None:
            ctx.fire_hook("Gallery.Create.Post", gallery_id, None, None)
        ctx.fire_hook("Image.Create.Post", image_id, None, None)
        if after_each is not None:
            after_each(n)
    return gallery_id


def _existing_gallery(sim: StashSimulator, folder: str | None, zip_path: str | None) -> int | None:
    found: int | None
    if folder is not None:
        found = sim.store.value(
            "SELECT galleries.id FROM galleries JOIN folders ON folders.id = galleries.folder_id"
            " WHERE folders.path = ?",
            (folder,),
        )
        return found
    found = sim.store.value(
        "SELECT gf.gallery_id FROM galleries_files gf JOIN files ON files.id = gf.file_id"
        " JOIN folders ON folders.id = files.parent_folder_id WHERE file_path(folders.path, files.basename) = ?",
        (zip_path,),
    )
    return found
