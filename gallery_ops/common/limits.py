"""Every size, count and delay gallery_ops uses, in one place."""

from __future__ import annotations

# Galleries per page when streaming (iter_galleries). Small enough that a page with
# its narrow fields stays well under a megabyte, large enough that 100k galleries
# take a few hundred requests.
GALLERY_PAGE_SIZE = 500

# Galleries per page in task workflows: their images are read in one request per page (in groups
# of at most IMAGES_IN_MEMORY images). Each request costs the plugin about 0.3 ms of CPU of its
# own, so a page of 250 takes 10k galleries in 80 requests instead of 200 (bench/RESULTS.md).
WORKFLOW_PAGE_SIZE = 250

# Galleries one page action may cover (the galleries list's selection): a run with a gate checks one
# page of plans before it writes (tasks/gate.py), and the engine's pages are bigger than this.
PAGE_ACTION_GALLERIES = 100

# Images per page when reading a gallery's images (update_gallery_images, workflows).
IMAGE_PAGE_SIZE = 1000

# Images a task holds at a time: a page's galleries are read in groups of at most this many
# images together (tasks/engine.py image_groups); a bigger gallery is read a page of
# IMAGE_PAGE_SIZE at a time, folded into small summaries (types.ImageFold), so memory stays
# flat in gallery size (bench/big_gallery.py).
IMAGES_IN_MEMORY = 1000

# Mutations sent in one request through aliases (batch.py), and galleries per
# galleriesUpdate request. One request is one Stash transaction per mutation field,
# and hooks run for each, so this also bounds how long one request can take.
MUTATION_BATCH_SIZE = 50
GALLERIES_UPDATE_CHUNK = 50

# Ids per bulkImageUpdate / bulkGalleryUpdate request.
BULK_IDS_CHUNK = 500

# Distinct fields of image updates whose checked text a run keeps (models.image_update_json): Sync
# writes the same gallery metadata onto many groups of images; a library of all-different galleries
# holds no more than this many texts.
IMAGE_UPDATE_FIELDS_KEPT = 256

# Transient faults (refused connection, 502/503/504, "database is locked") are
# retried after these pauses (seconds); the last failure is raised.
RETRY_DELAYS = (0.25, 0.5, 1.0, 2.0, 4.0)

# HTTP timeouts (seconds): connecting, and waiting for an answer (big pages and
# bulk mutations with hooks can take a while on a large library).
CONNECT_TIMEOUT = 10.0
READ_TIMEOUT = 300.0

# The largest metadata file import_file_metadata reads (a ComicInfo.xml inside a zip, a JSON
# sidecar); bigger ones are skipped, never read. Zips are read through their directory only.
METADATA_FILE_MAX_BYTES = 1024 * 1024

# Scrape galleries: galleries read per request, and how often what was scraped is written: after
# SCRAPE_WRITE_EVERY galleries or SCRAPE_WRITE_SECONDS, whichever comes first (a killed run loses at
# most that much scraping; each write request holds many galleries).
SCRAPE_PAGE_SIZE = 50
SCRAPE_WRITE_EVERY = 50
SCRAPE_WRITE_SECONDS = 10.0

# Proof that a drive is there before a gallery counts as gone (common/on_disk.py): how many of the
# files, and of the folders, that Stash recorded inside a folder are looked at on this disk.
RECORDED_PER_FOLDER = 20

# What import_file_metadata reads of one zip's directory (walked one entry at a time, memory flat:
# common/zip_member.py), and how deep a metadata file may nest (XML elements, JSON arrays and objects).
ZIP_MEMBERS_MAX = 1_000_000
METADATA_NESTING_MAX = 64

# Galleries and images whose names a run keeps (stash/names.py): a report names the changes of
# the page it just planned, so a few pages' worth is plenty, and memory stays flat on big runs.
LEARNED_KEPT = 4 * WORKFLOW_PAGE_SIZE
