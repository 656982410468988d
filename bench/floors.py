"""The floors of bench/run.py's gallery-task benchmarks: only the reads a task's plans need (the
same pages, the same selections), no planning and no writes, in a process of its own started
as the plugin is (Python, then gallery_ops), so that its CPU and peak memory compare with the
plugin process's.

    python bench/floors.py <read> '<server_connection as JSON>'

prints the number of requests it sent.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from gallery_ops import GalleryOps
from gallery_ops.common.constants import NEW_GALLERY_TAG
from gallery_ops.common.limits import WORKFLOW_PAGE_SIZE
from gallery_ops.stash import selections as fields
from gallery_ops.stash.batch import chunks


def duplicate_keys(ops: GalleryOps) -> None:
    """merge_duplicate_galleries' first pass: every gallery's zip checksum, its images' checksums."""
    for page in chunks(
        ops.iter_galleries(None, WORKFLOW_PAGE_SIZE, "id " + fields.GALLERY_DUPLICATE_KEY), WORKFLOW_PAGE_SIZE
    ):
        ops.images_of_galleries([g.id for g in page if g.id], fields.IMAGE_CHECKSUM)


def loose_images(ops: GalleryOps) -> None:
    """galleries_from_folders: the images in no gallery, and every gallery's folder and title."""
    sum(1 for _ in ops.iter_images({"galleries": {"value": [], "modifier": "IS_NULL"}}, fields.IMAGE_PATH))
    sum(1 for _ in ops.iter_galleries(None, selection="id " + fields.GALLERY_FOLDER_CHECK))


def scenes_and_marked(ops: GalleryOps) -> None:
    """Finish new galleries with hookLinkScenes: every scene's files, then the marked galleries."""
    sum(1 for _ in ops.iter_scenes(fields.SCENE_FILES))
    tag_id = ops.find_tag_id(NEW_GALLERY_TAG)
    marked = {"tags": {"value": [tag_id], "modifier": "INCLUDES"}}
    sum(1 for _ in ops.iter_galleries(marked, WORKFLOW_PAGE_SIZE, "id " + fields.GALLERY_SCENE_LINK))


READS: dict[str, Callable[[GalleryOps], None]] = {
    "duplicate_keys": duplicate_keys,
    "loose_images": loose_images,
    "scenes_and_marked": scenes_and_marked,
}

if __name__ == "__main__":
    ops = GalleryOps.from_server_connection(json.loads(sys.argv[2]))
    READS[sys.argv[1]](ops)
    print(ops.requests_sent)
