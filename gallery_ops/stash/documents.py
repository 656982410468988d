"""Every GraphQL document gallery_ops sends, in one place: the full path's and the hook's.

Queries are fixed text, or built by the functions below from counts and the fixed
selections of selections.py, never from user data: every value travels in variables.
Mutations are declared once each (`Mutation`); the single request of an operation
(`single`) and the aliased batch (`aliased`, batch.py) are both built from that one
declaration.

Standard library only, and cheap to import (no dataclasses): the new-gallery hook's lean path
sends its documents from here too.
"""

from __future__ import annotations

from ..common.lean_functools import lru_cache
from ..common.settings import PLUGIN_ID
from . import selections as fields


class Mutation:
    """A mutation field that takes one argument, e.g. galleryChapterCreate(input: ...).

    `returns_object`: the field returns an object (a selection is required), not a scalar
    such as Boolean. `idempotent`: sending it twice does no harm (it may be retried after
    a fault that may have reached Stash).
    """

    __slots__ = ("arg", "arg_type", "idempotent", "name", "returns_object")

    def __init__(self, name: str, arg: str, arg_type: str, returns_object: bool, idempotent: bool = True) -> None:
        self.name, self.arg, self.arg_type = name, arg, arg_type
        self.returns_object, self.idempotent = returns_object, idempotent

    def single(self, selection: str = "id") -> str:
        """The document for one call, named like the field (galleryCreate -> GalleryCreate)."""
        chosen = f" {{ {selection} }}" if self.returns_object else ""
        return (
            f"mutation {self.name[0].upper()}{self.name[1:]}(${self.arg}: {self.arg_type}) {{"
            f" {self.name}({self.arg}: ${self.arg}){chosen} }}"
        )

    def aliased(self, count: int, selection: str = "id") -> str:
        """The document for `count` calls in one request: m0..m<count-1> with variables i0..i<count-1>."""
        return _aliased(self, count, selection)


@lru_cache(maxsize=16)  # the same text for every full batch of a run
def _aliased(mutation: Mutation, count: int, selection: str) -> str:
    chosen = f" {{ {selection} }}" if mutation.returns_object else ""
    params = ", ".join(f"$i{n}: {mutation.arg_type}" for n in range(count))
    calls = " ".join(f"m{n}: {mutation.name}({mutation.arg}: $i{n}){chosen}" for n in range(count))
    return f"mutation Batch({params}) {{ {calls} }}"


# -- mutations ----------------------------------------------------------------------------------
GALLERY_CREATE = Mutation("galleryCreate", "input", "GalleryCreateInput!", True, idempotent=False)
GALLERY_UPDATE = Mutation("galleryUpdate", "input", "GalleryUpdateInput!", True)
GALLERIES_UPDATE = Mutation("galleriesUpdate", "input", "[GalleryUpdateInput!]!", True)
GALLERY_DESTROY = Mutation("galleryDestroy", "input", "GalleryDestroyInput!", False, idempotent=False)
BULK_GALLERY_UPDATE = Mutation("bulkGalleryUpdate", "input", "BulkGalleryUpdateInput!", True)
BULK_IMAGE_UPDATE = Mutation("bulkImageUpdate", "input", "BulkImageUpdateInput!", True)
ADD_IMAGES = Mutation("addGalleryImages", "input", "GalleryAddInput!", False)
REMOVE_IMAGES = Mutation("removeGalleryImages", "input", "GalleryRemoveInput!", False)
SET_COVER = Mutation("setGalleryCover", "input", "GallerySetCoverInput!", False)
RESET_COVER = Mutation("resetGalleryCover", "input", "GalleryResetCoverInput!", False)
CHAPTER_CREATE = Mutation("galleryChapterCreate", "input", "GalleryChapterCreateInput!", True, idempotent=False)
CHAPTER_UPDATE = Mutation("galleryChapterUpdate", "input", "GalleryChapterUpdateInput!", True)
CHAPTER_DESTROY = Mutation("galleryChapterDestroy", "id", "ID!", False, idempotent=False)


# -- galleries ----------------------------------------------------------------------------------
def find_gallery(selection: str) -> str:
    return f"query FindGallery($id: ID!) {{ findGallery(id: $id) {{ {selection} }} }}"


def find_galleries(selection: str) -> str:
    return (
        "query FindGalleries($filter: FindFilterType, $gallery_filter: GalleryFilterType) {"
        " findGalleries(filter: $filter, gallery_filter: $gallery_filter)"
        f" {{ count galleries {{ {selection} }} }} }}"
    )


COUNT_GALLERIES = (
    "query CountGalleries($gallery_filter: GalleryFilterType) {"
    " findGalleries(gallery_filter: $gallery_filter, filter: { per_page: 0 }) { count } }"
)
# One read that both proves the gallery exists and counts it / checks an image in it.
GALLERY_IMAGE_CHECK = (
    "query GalleryImageCheck($id: ID!, $image_filter: ImageFilterType) {"
    " findGallery(id: $id) { id image_count }"
    " findImages(image_filter: $image_filter, filter: { per_page: 0 }) { count } }"
)
GALLERY_IMAGE_COUNT = (
    f"query GalleryImageCount($id: ID!) {{ findGallery(id: $id) {{ image_count id {fields.GALLERY_NAME} }} }}"
)


def iter_galleries(selection: str) -> str:
    """One page of galleries (no count): the id-cursor walk of GalleryOps.iter_galleries."""
    return (
        "query IterGalleries($filter: FindFilterType, $gallery_filter: GalleryFilterType) {"
        f" findGalleries(filter: $filter, gallery_filter: $gallery_filter) {{ galleries {{ {selection} }} }} }}"
    )


@lru_cache(maxsize=16)  # the same text for every full page of a run
def galleries_by_ids(count: int, selection: str) -> str:
    """`count` galleries by id in one request: g0..g<count-1> with variables i0..i<count-1>."""
    params = ", ".join(f"$i{n}: ID!" for n in range(count))
    body = " ".join(f"g{n}: findGallery(id: $i{n}) {{ {selection} }}" for n in range(count))
    return f"query GalleriesByIds({params}) {{ {body} }}"


# -- images of galleries ------------------------------------------------------------------------
def gallery_images(selection: str, first_page: bool) -> str:
    """A page of one gallery's images; the first page also reads the gallery (does it exist?)."""
    if first_page:
        return (
            "query GalleryImages($id: ID!, $filter: FindFilterType, $image_filter: ImageFilterType) {"
            " findGallery(id: $id) { id }"
            f" findImages(filter: $filter, image_filter: $image_filter) {{ images {{ {selection} }} }} }}"
        )
    return (
        "query GalleryImages($filter: FindFilterType, $image_filter: ImageFilterType) {"
        f" findImages(filter: $filter, image_filter: $image_filter) {{ images {{ {selection} }} }} }}"
    )


# A gallery's images, as the image filter of one alias: the gallery's id is its only variable.
_IN_GALLERY = "{{ galleries: {{ value: $f{n}, modifier: INCLUDES }} }}"
_IN_GALLERY_MATCHING = "{{ galleries: {{ value: $f{n}, modifier: INCLUDES }}, path: $cover }}"


@lru_cache(maxsize=16)  # the same text for every full page of a run
def images_of_galleries(count: int, selection: str) -> str:
    """The images of `count` galleries in one request: g0.. for the galleries $f0.. (each a list of
    one id), with one $page."""
    params = ", ".join(f"$f{n}: [ID!]" for n in range(count))
    body = " ".join(
        f"g{n}: findImages(image_filter: {_IN_GALLERY.format(n=n)}, filter: $page) {{ count images {{ {selection} }} }}"
        for n in range(count)
    )
    return f"query ImagesOfGalleries($page: FindFilterType, {params}) {{ {body} }}"


@lru_cache(maxsize=16)
def images_and_cover_matches(count: int, selection: str) -> str:
    """images_of_galleries and cover_matches for the same `count` galleries, in one request: g0.. (the
    images, $page) and c0.. (Stash's default-cover question: path $cover, $one) for the galleries $f0..."""
    params = ", ".join(f"$f{n}: [ID!]" for n in range(count))
    body = " ".join(
        f"g{n}: findImages(image_filter: {_IN_GALLERY.format(n=n)}, filter: $page)"
        f" {{ count images {{ {selection} }} }}"
        f" c{n}: findImages(image_filter: {_IN_GALLERY_MATCHING.format(n=n)}, filter: $one)"
        " { images { id } }"
        for n in range(count)
    )
    return (
        f"query ImagesAndCoverMatches($page: FindFilterType, $one: FindFilterType, $cover: StringCriterionInput,"
        f" {params}) {{ {body} }}"
    )


def iter_images(selection: str) -> str:
    """One page of images (no count): the id-cursor walk of GalleryOps.iter_images."""
    return (
        "query IterImages($filter: FindFilterType, $image_filter: ImageFilterType) {"
        f" findImages(filter: $filter, image_filter: $image_filter) {{ images {{ {selection} }} }} }}"
    )


def gallery_image_page(selection: str) -> str:
    """One page of one gallery's images and its image count: GalleryOps.gallery_image_pages."""
    return (
        "query GalleryImagePage($filter: FindFilterType, $image_filter: ImageFilterType) {"
        f" findImages(filter: $filter, image_filter: $image_filter) {{ count images {{ {selection} }} }} }}"
    )


def scenes_page(selection: str) -> str:
    """One page of scenes (sorted by id, page numbers): GalleryOps.iter_scenes."""
    return f"query ScenesPage($filter: FindFilterType) {{ findScenes(filter: $filter) {{ scenes {{ {selection} }} }} }}"


def scenes_by_ids(selection: str) -> str:
    """Scenes by id in one request ($ids; Stash ignores paging with ids): GalleryOps.scenes_by_ids."""
    return (
        "query ScenesByIds($ids: [ID!]) {"
        f" findScenes(ids: $ids, filter: {{ per_page: -1 }}) {{ scenes {{ {selection} }} }} }}"
    )


# -- scrapers: Stash runs them (internal/api/resolver_query_scraper.go) ---------------------------
GALLERY_SCRAPERS = f"query GalleryScrapers {{ listScrapers(types: [GALLERY]) {{ {fields.SCRAPER} }} }}"
SCRAPE_GALLERY = (
    "query ScrapeGallery($source: ScraperSourceInput!, $input: ScrapeSingleGalleryInput!) {"
    f" scrapeSingleGallery(source: $source, input: $input) {{ {fields.SCRAPED_GALLERY} }} }}"
)
SCRAPE_GALLERY_URL = (
    f"query ScrapeGalleryURL($url: String!) {{ scrapeGalleryURL(url: $url) {{ {fields.SCRAPED_GALLERY} }} }}"
)
# Creating the tags, performers and studios a scraper named that Stash does not have (by name only).
CREATE_NAMED = {
    "tag": Mutation("tagCreate", "input", "TagCreateInput!", True, idempotent=False),
    "performer": Mutation("performerCreate", "input", "PerformerCreateInput!", True, idempotent=False),
    "studio": Mutation("studioCreate", "input", "StudioCreateInput!", True, idempotent=False),
}

NAMED_KINDS = {
    "tag": ("findTags", "tag_filter", "tags"),
    "performer": ("findPerformers", "performer_filter", "performers"),
}


def ids_by_name(kind: str, count: int) -> str:
    """`count` tags or performers by exact name (Stash's EQUALS) in one request: n0.. with variables v0.."""
    field, filter_arg, result = NAMED_KINDS[kind]
    params = ", ".join(f"$v{n}: String!" for n in range(count))
    body = " ".join(
        f"n{n}: {field}({filter_arg}: {{ name: {{ value: $v{n}, modifier: EQUALS }} }},"
        f" filter: {{ per_page: 1 }}) {{ {result} {{ id }} }}"
        for n in range(count)
    )
    return f"query IdsByName({params}) {{ {body} }}"


@lru_cache(maxsize=16)  # the same text for every full page of a run
def cover_matches(count: int) -> str:
    """Stash's own default-cover question for `count` galleries in one request (docs/stash.md §4,
    pkg/image/query.go findGalleryCover): c0.. are findImages with image filters f0.. (the
    gallery and path MATCHES_REGEX "(?i)" + the cover regex) and $one (per_page 1, sort path)."""
    params = ", ".join(f"$f{n}: ImageFilterType" for n in range(count))
    body = " ".join(f"c{n}: findImages(image_filter: $f{n}, filter: $one) {{ images {{ id }} }}" for n in range(count))
    return f"query CoverMatches($one: FindFilterType, {params}) {{ {body} }}"


def recheck(gallery_selection: str | None, image_selection: str | None) -> str:
    """Galleries ($g) and/or images ($i) by id, in one request: what a batch of writes would overwrite,
    each with its selection (selections.basis_selection).

    A list that is not needed (None) is left out of the document: findGalleries(ids: []) would
    mean every gallery."""
    params = ", ".join(p for p, wanted in (("$g: [ID!]", gallery_selection), ("$i: [ID!]", image_selection)) if wanted)
    body = []
    if gallery_selection:
        body.append(f"findGalleries(ids: $g, filter: {{ per_page: -1 }}) {{ galleries {{ {gallery_selection} }} }}")
    if image_selection:
        body.append(f"findImages(ids: $i, filter: {{ per_page: -1 }}) {{ images {{ {image_selection} }} }}")
    return f"query Recheck({params}) {{ {' '.join(body)} }}"


# -- names for ids (names.py) ----------------------------------------------------------------------
# kind -> (alias prefix, the query for one id, the selection). One id each: findX(id) answers null for
# an id that names nothing, where findXs(ids: [...]) fails as a whole (pkg/sqlite FindMany).
NAME_QUERIES = {
    "tags": ("t", "findTag", fields.NAMED),
    "performers": ("p", "findPerformer", fields.NAMED),
    "studios": ("s", "findStudio", fields.NAMED),
    "scenes": ("c", "findScene", fields.SCENE_NAME),
    "galleries": ("g", "findGallery", fields.GALLERY_NOW),
    "images": ("i", "findImage", fields.IMAGE_NAME),
}


@lru_cache(maxsize=64)
def names(counts: tuple[tuple[str, int], ...], positions: int) -> str:
    """Names for `counts` ids of each kind ((kind, count), ...: aliases <prefix><n> with the variable of
    the same name) and the images at `positions` places of galleries: o0.. with the gallery's images
    as $of<n> and the place as $op<n> (a page of one image), in one request."""
    params, body = [], []
    for kind, count in counts:
        prefix, query, selection = NAME_QUERIES[kind]
        for n in range(count):
            params.append(f"${prefix}{n}: ID!")
            body.append(f"{prefix}{n}: {query}(id: ${prefix}{n}) {{ {selection} }}")
    for n in range(positions):
        params += [f"$of{n}: ImageFilterType", f"$op{n}: FindFilterType"]
        body.append(f"o{n}: findImages(image_filter: $of{n}, filter: $op{n}) {{ images {{ {fields.IMAGE_NAME} }} }}")
    return f"query Names({', '.join(params)}) {{ {' '.join(body)} }}"


# -- duplicates of one gallery (GalleryOps.duplicate_candidates) ---------------------------------------
DUPLICATE_KEYS = (
    "query DuplicateKeys($id: ID!, $in: ImageFilterType, $one: FindFilterType) {"
    f" findGallery(id: $id) {{ id files {{ {fields._MD5} }} }}"
    f" findImages(image_filter: $in, filter: $one) {{ images {{ {fields.IMAGE_CHECKSUM} galleries {{ id }} }} }} }}"
)


def same_checksums(zip_md5: bool, image_md5: bool) -> str:
    """The galleries whose zip has the checksum $zip, and those of the images whose file has $image."""
    params, body = [], []
    if zip_md5:
        params.append("$zip: GalleryFilterType")
        body.append("z: findGalleries(gallery_filter: $zip, filter: { per_page: -1 }) { galleries { id } }")
    if image_md5:
        params.append("$image: ImageFilterType")
        body.append("i: findImages(image_filter: $image, filter: { per_page: -1 }) { images { galleries { id } } }")
    return f"query SameChecksums({', '.join(params)}) {{ {' '.join(body)} }}"


@lru_cache(maxsize=16)
def recorded_paths(count: int) -> str:
    """What Stash recorded inside `count` folders, in one request (proof that a drive is there,
    common/on_disk.py): f<n> its files not inside a zip (file filter $p<n>), d<n> its folders
    ($q<n>), $few of each."""
    params = ", ".join(f"$p{n}: FileFilterType, $q{n}: FolderFilterType" for n in range(count))
    path = fields.RECORDED_PATH
    body = " ".join(
        f"f{n}: findFiles(file_filter: $p{n}, filter: $few) {{ files {{ {path} }} }}"
        f" d{n}: findFolders(folder_filter: $q{n}, filter: $few) {{ folders {{ {path} }} }}"
        for n in range(count)
    )
    return f"query RecordedPaths($few: FindFilterType, {params}) {{ {body} }}"


def delete_recheck(galleries: int, with_images: tuple[bool, ...]) -> str:
    """What deletes would take with them, read again right before they are sent: g<n> the gallery
    $i<n> (selections.GALLERY_DELETE_BASIS) and, where `with_images[n]`, m<n> its images ($f<n>,
    an image filter; selections.IMAGE_DELETE_BASIS), every one of them."""
    params = ", ".join(
        [f"$i{n}: ID!" for n in range(galleries)]
        + [f"$f{n}: ImageFilterType" for n in range(galleries) if with_images[n]]
    )
    body = []
    for n in range(galleries):
        body.append(f"g{n}: findGallery(id: $i{n}) {{ id {fields.GALLERY_DELETE_BASIS} }}")
        if with_images[n]:
            body.append(
                f'm{n}: findImages(image_filter: $f{n}, filter: {{ per_page: -1, sort: "id" }})'
                f" {{ images {{ {fields.IMAGE_DELETE_BASIS} }} }}"
            )
    return f"query DeleteRecheck({params}) {{ {' '.join(body)} }}"


def loose_recheck(count: int, titles: bool) -> str:
    """Right before Galleries for loose images creates or fills folder galleries: per folder l<n>
    its images in no gallery now (image filter $l<n>, every one), and with `titles`, t<n> the
    galleries titled like the one it would make ($t<n>), to claim one made meanwhile."""
    params = ", ".join(
        [f"$l{n}: ImageFilterType" for n in range(count)]
        + ([f"$t{n}: GalleryFilterType" for n in range(count)] if titles else [])
    )
    body = [
        f'l{n}: findImages(image_filter: $l{n}, filter: {{ per_page: -1, sort: "id" }})'
        f" {{ images {{ {fields.IMAGE_PATH} }} }}"
        for n in range(count)
    ]
    if titles:
        body += [
            f'k{n}: findGalleries(gallery_filter: $t{n}, filter: {{ per_page: -1, sort: "id" }})'
            f" {{ galleries {{ id {fields.GALLERY_FOLDER_CHECK} }} }}"
            for n in range(count)
        ]
    return f"query LooseRecheck({params}) {{ {' '.join(body)} }}"


# -- folders ------------------------------------------------------------------------------------
# A folder by its exact path (Stash answers "folder not found" when there is none).
FIND_FOLDER = "query FindFolder($path: String) { findFolder(path: $path) { id } }"


# -- the plugin's configuration and its marker tag ---------------------------------------------
# The plugin's saved settings, as a field of Stash's configuration.
PLUGIN_SETTINGS = f'plugins(include: ["{PLUGIN_ID}"])'
# What a run needs from Stash's configuration: the plugin's saved settings and the cover regex.
# Which Stash this is: its database schema version says which fields it has (every release answers it).
FEATURES_FIELDS = "systemStatus { appSchema } version { version }"
RUN_CONFIG = (
    f"query RunConfig {{ configuration {{ {PLUGIN_SETTINGS} general {{ galleryCoverRegex }} }} {FEATURES_FIELDS} }}"
)
FEATURES = f"query Features {{ {FEATURES_FIELDS} }}"
FIND_TAG = (
    "query FindMarkerTag($tag: String!) {"
    " findTags(tag_filter: { name: { value: $tag, modifier: EQUALS } }, filter: { per_page: 1 }) { tags { id } } }"
)
CREATE_TAG = "mutation CreateMarkerTag($input: TagCreateInput!) { tagCreate(input: $input) { id } }"
MARKER_TAG = (
    "query MarkerTag($tag: String!) {"
    " findTags(tag_filter: { name: { value: $tag, modifier: EQUALS } }, filter: { per_page: 1 })"
    " { tags { id name description } } }"
)
SET_TAG_DESCRIPTION = "mutation MarkerTagDescription($input: TagUpdateInput!) { tagUpdate(input: $input) { id } }"
# Galleries made after an id that lack a tag (their hook did not mark them), and the newest gallery's id.
UNMARKED_SINCE = (
    "query UnmarkedSince($unmarked: GalleryFilterType) {"
    ' u: findGalleries(gallery_filter: $unmarked, filter: { per_page: -1, sort: "id", direction: ASC })'
    " { galleries { id } }"
    ' newest: findGalleries(filter: { per_page: 1, sort: "id", direction: DESC }) { galleries { id } } }'
)

# -- the new-gallery hook ------------------------------------------------------------------------
# One read: the plugin's settings, the new gallery, the marker tag and Stash's job queue.
NEW_GALLERY_READ = (
    f"query NewGalleryHook($id: ID!, $tag: String!) {{ configuration {{ {PLUGIN_SETTINGS} }}"
    " findGallery(id: $id) { id title date code files { path } folder { path } }"
    " findTags(tag_filter: { name: { value: $tag, modifier: EQUALS } }, filter: { per_page: 1 }) { tags { id } }"
    " jobQueue { status description } }"
)

# The hook's one write, of the parts it needs: (variable declarations, root field). Title fields,
# the marker (added to the gallery's tags by Stash itself: nothing is read back, nobody's tag is
# lost), the Finish task.
NEW_GALLERY_WRITE_PARTS = {
    "title": ("$title: GalleryUpdateInput!", "galleryUpdate(input: $title) { id }"),
    "mark": ("$mark: BulkGalleryUpdateInput!", "bulkGalleryUpdate(input: $mark) { id }"),
    "finish": ("$plugin: ID!, $task: String!", "runPluginTask(plugin_id: $plugin, task_name: $task)"),
}


def new_gallery_write(parts: list[str]) -> str:
    """The hook's write mutation for the chosen parts (keys of NEW_GALLERY_WRITE_PARTS, in that order)."""
    chosen = [NEW_GALLERY_WRITE_PARTS[key] for key in NEW_GALLERY_WRITE_PARTS if key in parts]
    return f"mutation NewGalleryWrite({', '.join(c[0] for c in chosen)}) {{ {' '.join(c[1] for c in chosen)} }}"
