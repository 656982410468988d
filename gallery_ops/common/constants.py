"""Names and Stash facts that several parts of Gallery Tools share (standard library only).

Kept apart from the orchestrator (tasks/engine.py) so that any module, the lean
hook path included, can import them without importing the rest.
"""

from __future__ import annotations

# Stash's default gallery_cover_regex (configuration.general.galleryCoverRegex when unset).
STASH_DEFAULT_COVER_REGEX = r"(poster|cover|folder|board)\.[^\.]+$"

# The tag the new-gallery hook puts on galleries until Finish new galleries is done with
# them (tasks/new_galleries.py); bookkeeping that workflows never copy anywhere.
NEW_GALLERY_TAG = "Gallery Tools: new"

# The new-gallery tag's description, which also holds how far Finish new galleries has looked: the
# galleries after that id that are not marked are found by it and finished too (their hook did not
# get to mark them: killed, or Stash stopped). The hook writes it when it creates the tag.
NEW_GALLERY_TAG_DESCRIPTION = (
    "Gallery Tools marks new galleries with this tag until Finish new galleries has applied the new-gallery"
    " rules to them. Finish also looks at the galleries after id {} that are not marked."
)

# The tag Scrape galleries puts on a gallery in the same write as what its scraper gave it (or alone,
# when the scraper had nothing new): such a gallery is done, and later runs leave it out unless asked
# for it by id or filter (tasks/scrape.py).
SCRAPED_TAG = "Gallery Tools: scraped"

# The plugin's bookkeeping tags: no workflow copies them anywhere (to images, scenes, kept galleries).
MARKER_TAGS = (NEW_GALLERY_TAG, SCRAPED_TAG)

# The one hook Gallery Tools handles (gallery_tools.yml's hooks; hook/new_gallery.py).
HOOK_TYPE = "Gallery.Create.Post"

# The task (gallery_tools.yml) that finishes the marked galleries; the hook queues it by this name.
FINISH_TASK_NAME = "Finish new galleries"

# What a Stash has, by the database schema version it reports (systemStatus.appSchema): the
# migration that added each feature (pkg/sqlite/migrations). v0.30.1 reports 75, v0.31.x 85.
GALLERY_CUSTOM_FIELDS_SCHEMA = 81  # 81_gallery_custom_fields (#6592)
IMAGE_CUSTOM_FIELDS_SCHEMA = 83  # 83_image_custom_fields (#6598)
PARENT_FOLDER_SCHEMA = 84  # GalleryFilterType.parent_folder (#6636), after 84_folder_basename
NEEDS_V031 = "needs Stash v0.31 or newer (custom fields)"
