"""Why a gallery is left alone: every skip reason a task reports, in one place.

A report counts its skipped galleries by these texts (report.py), so each reason is written once
and reads the same in every task and in the hook. Standard library only (the hook's title rule
uses two of them).
"""

from __future__ import annotations

# Any task
SKIP_NO_IMAGES = "no images"
SKIP_NO_SUCH_GALLERY = "no gallery with that id"
MOVED = "changed meanwhile, skipped"  # a write left out: what it would overwrite changed after it was read

# Title from path (and the hook's titles)
SKIP_NO_PATH = "user-created gallery (no zip or folder name)"
SKIP_EMPTY_NAME = "the name gives no title"

# Chapters from folders
SKIP_ONE_FOLDER = "images share one folder"
SKIP_NO_PATHS = "images without file paths"

# Set covers, Reset covers
SKIP_CHOSEN = "has a chosen cover (it differs from Stash's default pick)"
SKIP_RULE_PICKS_NONE = "the cover rule picks no image"
SKIP_UNKNOWN = "cannot tell whether its cover was chosen (left as it is)"

# Clean empty galleries
SKIP_HAS_FILES = "no images, but its zip or folder is still on disk"
SKIP_UNSURE = (
    "no images; its zip or folder is not on this disk, but nothing proves that the drive it was on is"
    " (no file Stash recorded in that folder is there, and the folder is no mount point: a drive or"
    " share not mounted?): left alone"
)
SKIP_LINK = "no images; its zip or folder is a link whose target is missing (a drive unplugged?): left alone"
SKIP_UNREADABLE = "no images; whether its zip or folder is on disk cannot be told: left alone"
SKIP_NEW = "no images yet, marked new (made by hand a moment ago)"
SKIP_PERSON_SET = "no images, but it carries what a person set ({}): kept (name it in gallery_ids to delete it)"

# Finish new galleries
SKIP_WAITS_FOR_IMAGES = "no images yet: keeps the new-gallery mark until it has some ({})"

# Merge duplicate galleries
SKIP_KEPT_APART = "duplicate, kept (delete_duplicates is off)"
SKIP_PRESENT = "duplicate, kept (its zip or folder is on disk)"
SKIP_DUPLICATE_UNSURE = (
    "duplicate, kept (its zip or folder is not on this disk, but nothing proves that the drive it was on"
    " is: left alone)"
)
SKIP_DUPLICATE_LINK = "duplicate, kept (its zip or folder is a link whose target is missing: left alone)"
SKIP_DUPLICATE_UNREADABLE = "duplicate, kept (whether its zip or folder is on disk cannot be told: left alone)"
SKIP_BOTH_GONE = "duplicate, kept (the kept gallery's zip or folder is not on disk either)"
SKIP_SHARED = "duplicate, kept (images it would take with it are in other galleries too)"
SKIP_COVER_UNKNOWN = "duplicate, kept (whether its cover was chosen could not be read: left for a later run)"
SKIP_COVER_DIFFERS = "duplicate, kept (its chosen cover is not the kept gallery's cover)"
SKIP_IMAGE_ORPHAN = (
    "duplicate, kept (an image it would take with it carries what a person set, and no image of the"
    " kept gallery has its checksum)"
)
SKIP_IMAGE_CONFLICT = (
    "duplicate, kept (an image it would take with it has a {} that the kept gallery's image with"
    " the same checksum has otherwise: never overwritten)"
)
SKIP_IMAGE_O_COUNT = "duplicate, kept (an image it would take with it has an O-count, which cannot be moved)"
SKIP_DIFFERS = "duplicate, kept (its {} is not the kept gallery's, which is never overwritten)"
SKIP_CHAPTER = "duplicate, kept (a chapter of it has no place in the kept gallery)"
SKIP_GONE_WHILE_READ = "gone while the run read it"
SKIP_IMAGES_CHANGED = f"{MOVED} (its images changed while read)"

# Link scenes
SKIP_NOT_UNIQUE = "several scenes match (left alone)"
SKIP_NO_MATCH = "no scene named like it or in its folder"
SKIP_HAND_MADE_SCENES = "hand-made (no zip or folder to match)"

# Import file metadata
SKIP_HAND_MADE = "hand-made (no zip or folder)"

# Galleries for loose images
SKIP_FEW = "fewer loose images than the minimum"
SKIP_NO_GALLERY = "its folder is marked .nogallery (Stash's scan makes no gallery for it either)"
SKIP_MARK_UNKNOWN = "whether its folder is marked .nogallery cannot be told: left alone"
SKIP_FILED_MEANWHILE = "its images are in galleries now (filed while the run read them)"
SKIP_FOLDER_GALLERY = "Stash has a folder gallery for this folder"
SKIP_NO_FILE_PATH = "images without a file path"

# Scrape galleries
SKIP_NO_SCRAPER = "no scraper for it (no scraper claims its URLs, and the setting scrapers names none)"
SKIP_GONE_MEANWHILE = "gone meanwhile (deleted since the run started)"

# The gallery page's own actions
SKIP_NOT_IN_GALLERY = "the image is not one of this gallery's images"
SKIP_IS_COVER = "the image is the cover already"
SKIP_CHAPTER_THERE = "a chapter starts at this image already"
SKIP_NO_TITLE = "the chapter needs a title"
SKIP_NONE_IN_GALLERY = "none of the images is in this gallery"
SKIP_ALL_IN_GALLERY = "the images are in this gallery already"
SKIP_NOT_HAND_MADE = {
    "zip": "it is a zip gallery: its images are the zip's files, which only a scan changes",
    "folder": "it is a folder gallery: its images are the folder's files, which only a scan changes",
}
