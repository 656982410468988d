"""What every delete of a task needs first: proof from the disk, and the basis it is checked against.

The two tasks that delete galleries (Clean empty galleries, Merge duplicate galleries) plan a
delete only with proof and send it only when nothing it would take with it moved:

- "Gone" needs proof (common/on_disk.py): a zip or folder counts as gone when it is not on this
  disk while its drive evidently is: the folder that held it is a mount point right now, or
  another file or folder that Stash recorded in that folder is on this disk now. `disk_verdicts`
  looks at every file of each gallery (a zip gallery may have byte copies, merged by Stash's
  scan) and asks Stash, in one request, what it recorded in the folders that need proof.
- The basis: a delete carries what it would take with it as the plan read it (`DeleteBasis`: a
  digest of the gallery's every field, files, chapters and chosen cover, and of its images, with
  what a person set on them and their other galleries). Right before it is sent, one request reads
  the same again (GalleryOps.delete_basis); a delete whose basis moved is dropped (changes.py).
  A state the plugin could not read is never a reason to delete.
- What a person set (`person_set`): a gallery that carries any of it (title aside) is kept and
  listed by Clean empty galleries unless the run names it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from ..common import json_text as json
from ..common.constants import MARKER_TAGS
from ..common.plain import dataclass
from ..stash.models import Gallery, Image
from ..stash.operations import GalleryOps

TYPE_CHECKING = False
if TYPE_CHECKING:  # (common/on_disk is imported where the disk is looked at: only deleting tasks do)
    from typing import Any

    from ..common.on_disk import Verdict

# What a person sets on a gallery, title aside (a title is what Stash shows; every other field is
# a choice someone made): Clean empty galleries keeps a gallery carrying any of these.
PERSON_SET = ("organized", "rating100", "details", "tags", "performers", "studio", "scenes", "chapters", "urls")
# What a person sets on an image, and a merge copies to the kept gallery's image with the same checksum.
IMAGE_SCALARS = ("title", "code", "details", "photographer", "date", "rating100")
IMAGE_LISTS = (("tags", "tag_ids"), ("performers", "performer_ids"))


def _set(value: Any) -> bool:
    return value not in (None, "", [], False, 0)


def person_set(gallery: Gallery) -> list[str]:
    """The fields of PERSON_SET this gallery carries (the plugin's own marker tags are not a person's)."""
    found = []
    for name in PERSON_SET:
        value = getattr(gallery, name, None)
        if name == "tags":
            value = [t for t in value or [] if t.name not in MARKER_TAGS]
        if _set(value):
            found.append(name)
    return found


def image_metadata(image: Image) -> list[str]:
    """What a person set on an image (the fields a merge carries over), and `o_counter` when it has one."""
    found = [name for name in (*IMAGE_SCALARS, "urls") if _set(getattr(image, name, None))]
    found += [name for name, _ in IMAGE_LISTS if _set(getattr(image, name, None))]
    if image.studio is not None:
        found.append("studio")
    if image.organized:
        found.append("organized")
    if image.o_counter:
        found.append("o_counter")
    return found


def _canonical(model: Gallery | Image) -> str:
    """A model's fields as read, in one stable text (lists of refs by id)."""
    data = model.model_dump(mode="json", exclude_unset=True)
    for key, value in data.items():
        if isinstance(value, list) and value and all(isinstance(v, dict) and "id" in v for v in value):
            data[key] = sorted(value, key=lambda v: str(v["id"]))
    return json.dumps(data, sort_keys=True, ensure_ascii=False)


def _sha256(text: str) -> str:
    """The text's sha256, hex (common/digest.py: CPython's builtin SHA-256, not OpenSSL's), imported
    here, not at the top: most runs that import this module (every task that writes: changes.py)
    make no digest."""
    from ..common.digest import sha256_hex

    return sha256_hex(text)


def gallery_digest(gallery: Gallery | None) -> str:
    return "gone" if gallery is None else _sha256(_canonical(gallery))


class ImagesDigest:
    """A digest of a gallery's images as read, whatever their order (the sum of each image's
    sha256, and their count): folded a page at a time, so a big gallery is never held whole."""

    def __init__(self) -> None:
        self.count = 0
        self.total = 0

    def add(self, images: Sequence[Image]) -> None:
        from ..common.digest import sha256_hex  # (once a page, not once an image: see _sha256)

        for image in images:
            self.total = (self.total + int(sha256_hex(_canonical(image)), 16)) % (1 << 256)
        self.count += len(images)

    @property
    def value(self) -> str:
        return f"{self.count}:{self.total:064x}"


def images_digest(images: Sequence[Image]) -> str:
    digest = ImagesDigest()
    digest.add(images)
    return digest.value


@dataclass(frozen=True)
class DeleteBasis:
    """What a delete takes with it, as the plan read it: the gallery's digest; its images' digest
    (None: its images were not read, it holds none); the disk's proof that its zip or folder is
    gone (path, what proved its drive there), empty for a gallery deleted for another reason;
    the gallery it was merged into, which must still be there."""

    gallery: str
    images: str | None = None
    proof: tuple[tuple[str, str], ...] = ()
    kept: str | None = None


def verdicts_from(ops: GalleryOps, galleries: Sequence[Gallery]) -> dict[str, Verdict]:
    """Each gallery's verdict on this disk (common/on_disk.judge over all its files) and its proof;
    one request to Stash for the folders whose proof is needed (none when no file is missing).
    Hand-made galleries (no files) are left out."""
    from ..common.on_disk import OnDisk, holder, judge, look

    looks = {path: look(path) for g in galleries for path in g.file_paths}
    needed = [holder(path) for path, state in looks.items() if state is OnDisk.MISSING]
    recorded = ops.recorded_paths_in(needed) if needed else {}
    return {g.id: judge(g.file_paths, recorded, looks) for g in galleries if g.file_paths}


def basis_now(
    ops: GalleryOps, gallery_ids: Sequence[str], with_images: Sequence[str]
) -> tuple[dict[str, str], dict[str, str]]:
    """The digests of galleries and of the images of those `with_images`, as they are now (one request)."""
    galleries, images = ops.delete_basis(gallery_ids, with_images)
    return (
        {gid: gallery_digest(g) for gid, g in galleries.items()},
        {gid: images_digest(found) for gid, found in images.items()},
    )


def moved_deletes(
    bases: Mapping[str, DeleteBasis], galleries: Mapping[str, str], images: Mapping[str, str]
) -> dict[str, str]:
    """The deletes whose basis moved (gallery id -> what moved), from the digests read now."""
    from ..common.on_disk import still_gone

    out: dict[str, str] = {}
    for gid, basis in bases.items():
        if galleries.get(gid) != basis.gallery:
            out[gid] = "the gallery changed" if galleries.get(gid) != "gone" else "the gallery is gone"
        elif basis.images is not None and images.get(gid) != basis.images:
            out[gid] = "its images changed"
        elif basis.kept is not None and galleries.get(basis.kept) in (None, "gone"):
            out[gid] = f"gallery {basis.kept}, which it was merged into, is gone"
        elif basis.proof and not still_gone(basis.proof):
            out[gid] = "its zip or folder is back on disk, or what proved it gone is not"
    return out
