"""GalleryOps: the 15 gallery operations of a typed Stash client, plus streaming and batching.

    ops = GalleryOps.from_server_connection(plugin_input["server_connection"])
    gallery = ops.find_gallery("12")                       # Gallery | None
    ops.update_gallery_images("12", ["3", "4"], mode="SET")  # exactly these images

Every operation sends variables, never text built from data. Errors: ValueError for
input refused before any request; StashTransportError / StashServerError (both
StashError) for everything else. Nothing is turned into "not found".

Where the peers are wrong, and these operations are not:
- update_gallery_images(mode="SET") replaces the list: it adds the missing images
  first, then removes the extras, so a failure never leaves fewer wanted images.
- set_gallery_cover refuses an image that is not in the gallery (Stash would return
  true and silently drop the existing cover).
- chapters: image_index is 1-based, at most the gallery's image count, sent as Int.
- galleryChapterDestroy selects nothing (it returns a Boolean).
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterator, Mapping, Sequence

from ..common import paths
from ..common.chapter_anchors import Anchor, anchor_field
from ..common.constants import (
    GALLERY_CUSTOM_FIELDS_SCHEMA,
    IMAGE_CUSTOM_FIELDS_SCHEMA,
    NEEDS_V031,
    PARENT_FOLDER_SCHEMA,
)
from ..common.errors import (
    LOCKED_MESSAGE,
    NotFound,
    ScrapeTimedOut,
    StashServerError,
    StashTransportError,
    server_error,
    short_repr,
)
from ..common.ids import parse_id, parse_ids
from ..common.lean_typing import Protocol, TypedDict
from ..common.limits import (
    BULK_IDS_CHUNK,
    GALLERIES_UPDATE_CHUNK,
    GALLERY_PAGE_SIZE,
    IMAGE_PAGE_SIZE,
    RECORDED_PER_FOLDER,
)
from ..common.log import log
from ..common.plain import dataclass
from ..common.settings import PLUGIN_ID
from . import documents as doc, selections as fields
from .batch import BatchResult, chunks, run_batch
from .connection import ServerConnection, StashConnection, error_list
from .models import (
    UPDATE_MODES,
    BulkGalleryUpdateInput,
    BulkImageUpdateInput,
    ChapterCreateInput,
    ChapterUpdateInput,
    FindFilter,
    FindGalleriesResult,
    Gallery,
    GalleryChapter,
    GalleryInput,
    Image,
    InputJson,
    ResetCoverInput,
    Scene,
    ScrapedGallery,
    Scraper,
    SetCoverInput,
    StrictInput,
)
from .names import KINDS as NAME_KINDS, NameRequest, Names, called, gallery_name
from .record import Record, RecordError, checker

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any, Required, TypeVar

    M = TypeVar("M", bound=Record)
    S = TypeVar("S", bound=StrictInput)
    T = TypeVar("T")
    P = TypeVar("P", bound="_HasId")


# -- typed reads on top of the connection: the answer's data checked into the models --------------


def read_as(
    connection: StashConnection,
    query: str,
    variables: dict[str, Any],
    parse: Callable[[Any], T],
    in_pieces: Callable[[str], T | None] | None = None,
) -> T:
    """Send a read and return its `data` as `parse` reads it (one of the readers below: the query's
    shape, its galleries and images checked into the models); errors raise and transient faults are
    retried as with StashConnection.execute. `in_pieces` (counted_page_in_pieces) reads the answer's
    text a piece at a time, or gives None for it to be read whole as above."""

    def once() -> T:
        status, content = connection.answer_text(query, variables)
        if in_pieces is not None and type(content) is str:
            found = in_pieces(content)
            if found is not None:
                return found
        body = connection.result(status, content)
        del content
        if body.get("errors"):
            raise server_error(error_list(body))
        data = body.get("data")
        if data is None:
            raise StashTransportError(f"Stash at {connection.url} answered HTTP {status} without data", status=status)
        try:
            return parse(data)
        except (RecordError, KeyError, TypeError):  # not the answer this query has
            raise StashTransportError(
                f"Stash at {connection.url} answered HTTP {status} with data this query does not have", status=status
            ) from None

    return connection.retrying(once, True)


# A page's images (or scenes, galleries) are checked in one call each: one loop over the list, the
# plain fields of each checked inline by the record's generated checker (record.py).
IMAGE_LIST: Callable[[Any], list[Image]] = checker(list[Image])
SCENE_LIST: Callable[[Any], list[Scene]] = checker(list[Scene])
GALLERY_LIST: Callable[[Any], list[Gallery]] = checker(list[Gallery])
GALLERY_OR_NONE: Callable[[Any], Gallery | None] = checker(Gallery | None)
_COUNT: Callable[[Any], int] = checker(int)


class ImagesCounted(TypedDict, total=False):
    """A findImages answer: a gallery's images with their count (`count` is missing from the
    default-cover question's answer, which reads the first image only)."""

    count: int
    images: Required[list[Image]]


def image_list(value: Any) -> list[Image]:
    """A findImages answer's images, checked as IMAGE_LIST checks them, with what is alike checked
    once (image_lists, for one answer)."""
    return image_lists([value])[0]


def image_lists(values: Sequence[Any]) -> list[list[Image]]:
    """Several findImages answers' images (a request's aliases), each list checked as IMAGE_LIST
    checks it, with what is alike checked once, in one call for all the answers (_Alikes: an image
    alike the last one checked but for its id and its galleries, a gallery alike the last one
    checked but for its id, and an image's galleries equal to the image before's).

    A gallery's images are often alike but for their ids (a fresh scan's have nothing set; after
    a sync each has what its galleries gave it), a read that selects their galleries' metadata
    (Sync reads what it copies with every image) gives the same galleries again and again, and a
    page's galleries are often alike but for their ids too (a fresh scan's have nothing set, a
    hook's have its marker tag). Comparing an image (or a gallery) with a copy of the last one
    checked as the answer gave it (a comparison in C, the copy's id set to the other's first) costs
    a fraction of checking it. An image's galleries are let go from the answer once it is made (a
    page's decoded galleries are half its objects: the records take their place). Anything wrong:
    each answer goes to IMAGE_LIST, which says what and where, in the answers' order (the images
    made before, whose galleries it no longer sees, were checked or equal to checked ones; the one
    refused is as given). (Alike as Python compares decoded JSON, where 1, 1.0 and true are equal:
    a value given as 1 where the checked one had true would pass as that one. A field is always
    encoded as its one GraphQL type, so Stash's answers never do that.) Answers whose images come
    without their galleries (paths, covers) are rarely alike: IMAGE_LIST checks them as they are."""
    alikes = _Alikes()
    try:
        return [
            alikes.images(value)
            if type(value) is list and value and type(value[0]) is dict and value[0].get("galleries")
            else IMAGE_LIST(value)
            for value in values
        ]
    except RecordError:
        return [IMAGE_LIST(value) for value in values]  # (which says where in the answer)


class _Alikes:
    """What image_lists compares an answer's images with: the last image checked, as given (a dict
    of its own, only its id and galleries ever set), its checked values (its record's `__dict__`),
    and the records of the last image's galleries; likewise the last gallery checked. An image that
    equals the last one but for its id (a gallery's next image) is made from those values with its
    own id and those galleries; one that equals it but for its id and galleries (the next gallery's
    first image) likewise, with the records of its own galleries, each made from the last gallery
    checked when alike it but for its id (_made). Each record has its own lists (their items shared:
    an image's galleries are the image before's records when equal, each image in its own list; read
    only, as every answer's records are)."""

    __slots__ = ("gallery", "gallery_lists", "gallery_values", "image", "image_lists", "image_values", "records")

    def __init__(self) -> None:
        self.image: dict[str, Any] | None = None  # (None: no image yet)
        self.image_values: dict[str, Any] = {}
        self.image_lists: list[str] | None = None  # which of its values are lists (None: not found yet)
        self.records: list[Gallery] = []
        self.gallery: dict[str, Any] | None = None
        self.gallery_values: dict[str, Any] = {}
        self.gallery_lists: list[str] | None = None

    def images(self, value: list[Any]) -> list[Image]:
        """An answer's images, checked (RecordError at the first problem: IMAGE_LIST says what)."""
        made: list[Image] = []
        for item in value:
            if type(item) is not dict:
                raise RecordError("", [])
            item_id, last = item.get("id"), self.image
            if type(item_id) is not str:
                made.append(IMAGE_LIST([item])[0])  # (refused there: an image's id is text)
                continue
            if last is not None:
                last["id"] = item_id
            if item != last:
                galleries = item.get("galleries")
                if type(galleries) is not list:
                    made.append(IMAGE_LIST([item])[0])  # (checked as it is)
                    continue
                checked = self.not_alike(item, galleries)
                if checked is not None:
                    made.append(checked)
                    del item["galleries"]  # (made: let go)
                    continue
            # (as _made does, written out here: most images of an answer are made so)
            values, lists = self.image_values, self.image_lists
            if lists is None:
                lists = self.image_lists = _lists(values, "galleries")
            own = values.copy()
            own["id"] = item_id
            for name in lists:
                own[name] = own[name][:]
            own["galleries"] = self.records[:]
            image = _new(Image)
            _set_dict(image, "__dict__", own)
            made.append(image)
            del item["galleries"]  # (made: let go)
        return made

    def not_alike(self, item: dict[str, Any], galleries: list[Any]) -> Image | None:
        """An image with a list of galleries, not equal to the last one but for its id: its record
        when its own fields are not the last image's either (checked: the last image from now on),
        else None (made from the last image's values). Its galleries' records are the last image's
        when equal, else made (gallery_of)."""
        last = self.image
        if last is None or galleries != last["galleries"]:
            self.records = [self.gallery_of(given) for given in galleries]
        if last is not None:
            last["galleries"] = galleries
            if item == last:
                return None
        own = item.copy()
        del own["galleries"]
        checked = IMAGE_LIST([own])[0]
        own["galleries"] = galleries  # (the image as given, in a dict of its own)
        self.image, self.image_values, self.image_lists = own, checked.__dict__, None
        checked.__dict__["galleries"] = self.records[:]
        return checked

    def gallery_of(self, given: Any) -> Gallery:
        """A gallery of an image, checked: made from the last one checked when alike it but for its id."""
        gallery_id, last = given.get("id") if type(given) is dict else None, self.gallery
        if type(gallery_id) is not str:
            return GALLERY_LIST([given])[0]  # (refused there: a gallery's id is text)
        if last is not None:
            last["id"] = gallery_id
        if given != last:
            checked: Gallery = GALLERY_LIST([given])[0]
            self.gallery, self.gallery_values, self.gallery_lists = dict(given), checked.__dict__, None
            return checked
        if self.gallery_lists is None:
            self.gallery_lists = _lists(self.gallery_values)
        return _made(Gallery, self.gallery_values, gallery_id, self.gallery_lists)


def _lists(values: dict[str, Any], but: str = "") -> list[str]:
    """The names of the lists among a record's values (but `but`)."""
    return [name for name, held in values.items() if type(held) is list and name != but]


def _made(kind: type[M], values: dict[str, Any], record_id: str, lists: Sequence[str]) -> M:
    """A record of `kind` with the checked `values` but `record_id`, each of `lists` a list of its own."""
    own = values.copy()
    own["id"] = record_id
    for name in lists:
        own[name] = own[name][:]
    record = _new(kind)
    _set_dict(record, "__dict__", own)
    return record


_new, _set_dict = object.__new__, object.__setattr__


def _images_counted(value: Any) -> ImagesCounted:
    """A findImages answer as ImagesCounted (its images checked; its count when it has one)."""
    found = ImagesCounted(images=image_list(value["images"]))
    if "count" in value:
        found["count"] = _COUNT(value["count"])
    return found


def gallery_page(data: Any) -> list[Gallery]:
    """The galleries of a findGalleries page."""
    return GALLERY_LIST(data["findGalleries"]["galleries"])


def galleries_by_alias(data: Any) -> dict[str, Gallery | None]:
    """Aliased findGallery answers: {alias: gallery, or None when the id names none}."""
    return {alias: GALLERY_OR_NONE(value) for alias, value in data.items()}


def images_by_alias(data: Any) -> dict[str, ImagesCounted]:
    """Aliased findImages answers, each with its count: {alias: its images and count}."""
    return _counted_by_alias(data, counted=True)


def _counted_by_alias(data: Any, counted: bool = False) -> dict[str, ImagesCounted]:
    """Aliased findImages answers as ImagesCounted, their images checked together (image_lists);
    `counted`: each has its count (else KeyError)."""
    answers = list(data.items())
    lists = image_lists([value["images"] for _, value in answers])
    found: dict[str, ImagesCounted] = {}
    for (alias, value), images in zip(answers, lists, strict=True):
        if "count" in value:
            found[alias] = {"images": images, "count": _COUNT(value["count"])}
        elif counted:
            raise KeyError("count")
        else:
            found[alias] = {"images": images}
    return found


def images_and_covers(data: Any) -> dict[str, ImagesCounted]:
    """Aliased findImages answers: a gallery's images with their count (g..), or its default-cover
    match, the first image only (c..)."""
    return _counted_by_alias(data)


def counted_page(data: Any) -> ImagesCounted:
    """One page of a big gallery's images, with the gallery's image count."""
    found = _images_counted(data["findImages"])
    if "count" not in found:
        raise KeyError("count")
    return found


def counted_page_in_pieces(text: str) -> ImagesCounted | None:
    """counted_page of a page's answer text, its images decoded and checked a piece at a time
    (stash/pieces.py: a page's peak about halved); None when the text is not a plain page or a
    piece is refused: it is read whole then, and so answered or refused as the whole answer is.
    (pieces is imported here: only a gallery of more than a page needs it.)"""
    from .pieces import images_page

    page = images_page(text)
    if page is None:
        return None
    count, pieces = page
    images: list[Image] = []
    try:
        for items in pieces:
            images += image_list(items)
            del items  # (not held while the next piece is decoded)
    except (ValueError, RecordError, KeyError, TypeError):
        return None
    return ImagesCounted(images=images, count=count)


@dataclass(frozen=True)
class StashFeatures:
    """Which Stash a run talks to, learned once per run: the database schema version it reports
    (systemStatus.appSchema) says which migrations, and so which fields, it has. Its version text
    is kept for messages only: a development build's (`v0.30.1-161-g2e48dbfc`) names no release."""

    app_schema: int
    version: str | None = None

    @property
    def custom_fields(self) -> bool:
        """Gallery custom fields (Stash v0.31)."""
        return self.app_schema >= GALLERY_CUSTOM_FIELDS_SCHEMA

    @property
    def image_custom_fields(self) -> bool:
        return self.app_schema >= IMAGE_CUSTOM_FIELDS_SCHEMA

    @property
    def parent_folder(self) -> bool:
        """GalleryFilterType.parent_folder (Stash v0.31)."""
        return self.app_schema >= PARENT_FOLDER_SCHEMA

    @property
    def name(self) -> str:
        """'Stash v0.30.1 (database schema 75)', for messages."""
        return f"Stash {self.version or 'of unknown version'} (database schema {self.app_schema})"

    def require_custom_fields(self, what: str) -> None:
        """ValueError before anything is sent when this Stash has no gallery custom fields."""
        if not self.custom_fields:
            raise ValueError(f"{what} {NEEDS_V031}; this is {self.name}")


def _features(data: dict[str, Any]) -> StashFeatures:
    status, version = data.get("systemStatus") or {}, data.get("version") or {}
    return StashFeatures(int(status.get("appSchema") or 0), version.get("version"))


@dataclass(frozen=True)
class RunConfiguration:
    """What a run reads of Stash at its start: the plugin's saved settings, the cover regex, and
    which Stash it is."""

    saved_settings: dict[str, Any] | None
    cover_regex: str | None
    features: StashFeatures


def _configuration(data: dict[str, Any]) -> RunConfiguration:
    configuration = data["configuration"]
    return RunConfiguration(
        (configuration.get("plugins") or {}).get(PLUGIN_ID),
        (configuration.get("general") or {}).get("galleryCoverRegex") or None,
        _features(data),
    )


class ImagesChangedWhileRead(Exception):
    """A gallery's image count changed between the pages of GalleryOps.gallery_image_pages."""


def all_of(criteria: dict[str, Any], extra: dict[str, Any] | None) -> dict[str, Any]:
    """A filter (Gallery/ImageFilterType) matching `criteria` and, when given, `extra` too (its AND)."""
    return {**criteria, "AND": extra} if extra else criteria


def in_gallery(gallery_id: str) -> dict[str, Any]:
    """ImageFilterType for the images of one gallery."""
    return {"galleries": {"value": [gallery_id], "modifier": "INCLUDES"}}


# Stash's default-cover query reads one image, the first in gallery order (pkg/image/query.go).
FIRST_BY_PATH = {"per_page": 1, "sort": "path", "direction": "ASC"}


def _cover_regex_criterion(cover_regex: str) -> dict[str, Any]:
    """The path criterion of Stash's default-cover query: its regex, case-insensitive ("(?i)")."""
    return {"value": "(?i)" + cover_regex, "modifier": "MATCHES_REGEX"}


class _HasId(Protocol):
    id: str


def paged(
    read: Callable[[int], list[P]], page_size: int, *, by_id: bool = False, last: Callable[[], bool] = lambda: False
) -> Iterator[list[P]]:
    """The pages `read(cursor)` answers, until one holds fewer than `page_size` items (or `last()`
    says the one just read was the last); empty pages are not yielded.

    The cursor is the page number (1, 2, ...), or, `by_id`, the id of the last item read (0
    first): an id cursor's pages neither shift nor repeat when items are added, changed or
    removed meanwhile (`read` then asks for ids greater than the cursor, sorted by id)."""
    if page_size < 1:
        raise ValueError(f"page_size must be at least 1, got {page_size}")
    cursor = 0 if by_id else 1
    while True:
        page = read(cursor)
        full, next_cursor = len(page) >= page_size, int(page[-1].id) if by_id and page else cursor + 1
        if page:
            yield page
        del page  # not held while the next page is read: one page in memory at a time
        if not full or last():
            return
        cursor = next_cursor


def _by_id(page_size: int) -> dict[str, Any]:
    return {"per_page": page_size, "sort": "id", "direction": "ASC"}


def _in_gallery_order(page_size: int, page: int | None = None) -> dict[str, Any]:
    """Stash's gallery order (sort `path`, the order chapter indexes point into): the first page
    (the one read of each gallery of a request), or one page by number."""
    find = {"per_page": page_size, "sort": "path", "direction": "ASC"}
    return find if page is None else {**find, "page": page}


class GalleryOps:
    """The gallery operations on one Stash connection. Building it sends nothing."""

    def __init__(self, connection: StashConnection, features: StashFeatures | None = None) -> None:
        self.connection = connection
        self._features = features  # None: learnt with the first request that needs it

    @classmethod
    def from_server_connection(
        cls, server_connection: Any, features: StashFeatures | None = None, **kwargs: Any
    ) -> GalleryOps:
        """Reuse the connection Stash hands a plugin (session cookie or ApiKey, scheme, host, port)."""
        return cls.from_server(ServerConnection.parse(server_connection), features, **kwargs)

    @classmethod
    def from_server(cls, server: ServerConnection, features: StashFeatures | None = None, **kwargs: Any) -> GalleryOps:
        """The same, from a server_connection already parsed (the plugin entry parses it once).
        `kwargs` go to StashConnection; a retry is logged through the gallery_ops logger."""
        kwargs.setdefault("warn", log.warning)
        return cls(StashConnection(server, **kwargs), features)

    @property
    def requests_sent(self) -> int:
        """How many requests this client has sent (retries included)."""
        return self.connection.requests_sent

    def features(self) -> StashFeatures:
        """Which Stash this is: learned once (with the run's configuration, or one small request)."""
        if self._features is None:
            self._features = _features(self.connection.execute(doc.FEATURES))
        return self._features

    def gallery_selection(self, selection: str = fields.GALLERY) -> str:
        """A gallery selection with the gallery's custom fields where Stash has them."""
        return f"{selection} {fields.CUSTOM_FIELDS}" if self.features().custom_fields else selection

    def _check_custom_fields(self, inputs: Sequence[dict[str, Any]], what: str) -> None:
        """Inputs that set custom fields are refused before anything is sent on a Stash without them."""
        if any("custom_fields" in i for i in inputs):
            self.features().require_custom_fields(what)

    # -- finding --------------------------------------------------------------------------------
    def find_gallery(self, id: Any) -> Gallery | None:
        """The gallery with this id, or None when no gallery has it (errors raise, never None)."""
        gallery_id = parse_id(id, "gallery id")
        data = self.connection.execute(doc.find_gallery(self.gallery_selection()), {"id": gallery_id})
        found = data.get("findGallery")
        return Gallery.model_validate(found) if found is not None else None

    def find_galleries(
        self,
        filter_: dict[str, Any] | FindFilter | None = None,
        gallery_filter: dict[str, Any] | None = None,
        q: str | None = None,
    ) -> FindGalleriesResult:
        """One page of galleries and the total count of matches.

        filter_ is Stash's FindFilterType (q, page from 1, per_page, sort, direction);
        q, when given, goes into it. Without a sort the galleries are sorted by id,
        since Stash applies no order at all when none is asked for. To walk every
        match, use iter_galleries.
        """
        find = filter_ if isinstance(filter_, FindFilter) else FindFilter.model_validate(filter_ or {})
        if q is not None:
            find = find.model_copy(update={"q": q})
        variables = {
            "filter": {"sort": "id", "direction": "ASC", **find.model_dump(exclude_none=True)},
            "gallery_filter": gallery_filter,
        }
        data = self.connection.execute(doc.find_galleries(self.gallery_selection()), variables)
        return FindGalleriesResult.model_validate(data["findGalleries"])

    def iter_galleries(
        self,
        gallery_filter: dict[str, Any] | None = None,
        page_size: int = GALLERY_PAGE_SIZE,
        selection: str = fields.GALLERY_PAGE,
    ) -> Iterator[Gallery]:
        """Every gallery matching the filter, in id order, one page in memory at a time.

        Pages follow an id cursor (`id > last seen`), not page numbers, so galleries
        changed, added or removed while iterating neither shift nor repeat the pages.
        """
        query = doc.iter_galleries(selection)

        def read(last: int) -> list[Gallery]:
            cursor = all_of({"id": {"value": last, "modifier": "GREATER_THAN"}}, gallery_filter)
            answer = read_as(
                self.connection, query, {"filter": _by_id(page_size), "gallery_filter": cursor}, gallery_page
            )
            return answer

        for page in paged(read, page_size, by_id=True):
            yield from page

    def galleries_by_ids(
        self, gallery_ids: Sequence[Any], selection: str = fields.GALLERY_PAGE
    ) -> dict[str, Gallery | None]:
        """Many galleries by id in one request (aliased findGallery); None for an id that names none."""
        ids = parse_ids(gallery_ids, "gallery ids")
        if not ids:
            return {}
        variables = {f"i{n}": gid for n, gid in enumerate(ids)}
        data = read_as(self.connection, doc.galleries_by_ids(len(ids), selection), variables, galleries_by_alias)
        return {gid: data[f"g{n}"] for n, gid in enumerate(ids)}

    def count_galleries(self, gallery_filter: dict[str, Any] | None = None) -> int:
        """How many galleries match (per_page 0: no rows are loaded)."""
        data = self.connection.execute(doc.COUNT_GALLERIES, {"gallery_filter": gallery_filter})
        return int(data["findGalleries"]["count"])

    def gallery_images(
        self, gallery_id: Any, selection: str = fields.IMAGE, page_size: int = IMAGE_PAGE_SIZE
    ) -> list[Image]:
        """The gallery's images in Stash's gallery order (sort `path`), read in pages.

        The first page also checks the gallery exists (NotFound otherwise).
        """
        gallery_id = parse_id(gallery_id, "gallery id")

        def read(page: int) -> list[Image]:
            variables: dict[str, Any] = {
                "image_filter": in_gallery(gallery_id),
                "filter": _in_gallery_order(page_size, page),
            }
            if page == 1:
                variables["id"] = gallery_id
            data = self.connection.execute(doc.gallery_images(selection, first_page=page == 1), variables)
            if page == 1 and data["findGallery"] is None:
                raise NotFound(f"no gallery with id {gallery_id}")
            return image_list(data["findImages"]["images"])

        return [image for page in paged(read, page_size) for image in page]

    def images_of_galleries(
        self,
        gallery_ids: Sequence[str],
        selection: str = fields.IMAGE,
        limit: int = IMAGE_PAGE_SIZE,
        first: int | None = None,
    ) -> dict[str, list[Image]]:
        """Images of many galleries in one request (one aliased findImages per gallery).

        A gallery with more than `limit` images is completed with gallery_images; with `first`,
        each gallery's first `first` images in gallery order are all that is read (for a caller
        that needs no more: a cover rule of positions), never completed.
        """
        ids = parse_ids(gallery_ids, "gallery ids")
        if not ids:
            return {}
        page = _in_gallery_order(limit if first is None else first)
        variables = {"page": page, **{f"f{n}": [gid] for n, gid in enumerate(ids)}}
        data = read_as(self.connection, doc.images_of_galleries(len(ids), selection), variables, images_by_alias)
        out: dict[str, list[Image]] = {}
        for n, gid in enumerate(ids):
            result = data[f"g{n}"]
            found = result["images"]
            complete = first is None and result["count"] > len(found)
            out[gid] = self.gallery_images(gid, selection) if complete else found
        return out

    def images_and_cover_matches(
        self,
        gallery_ids: Sequence[str],
        selection: str,
        cover_regex: str,
        limit: int = IMAGE_PAGE_SIZE,
        first: int | None = None,
    ) -> tuple[dict[str, list[Image]], dict[str, str | None]]:
        """images_of_galleries (`limit`, `first` as there) and cover_regex_matches of the same
        galleries, in one request.

        The default-cover question of a gallery with no images answers None, as Stash's own
        query does. When Stash refuses a default-cover question (only those failed), the two
        are asked again apart, so the images are still read and the picks Stash refused are
        missing from the answer, as with cover_regex_matches.
        """
        ids = parse_ids(gallery_ids, "gallery ids")
        if not ids:
            return {}, {}
        variables: dict[str, Any] = {
            "page": _in_gallery_order(limit if first is None else first),
            "one": FIRST_BY_PATH,
            "cover": _cover_regex_criterion(cover_regex),
            **{f"f{n}": [gid] for n, gid in enumerate(ids)},
        }
        try:
            data = read_as(
                self.connection, doc.images_and_cover_matches(len(ids), selection), variables, images_and_covers
            )
        except StashServerError as exc:
            if not exc.paths or not all(path and str(path[0]).startswith("c") for path in exc.paths):
                raise
            apart = self.images_of_galleries(ids, selection, limit, first)
            return apart, self.cover_regex_matches(ids, cover_regex)
        images: dict[str, list[Image]] = {}
        matches: dict[str, str | None] = {}
        for n, gid in enumerate(ids):
            found, cover = data.get(f"g{n}"), data.get(f"c{n}")
            if found is None or "count" not in found or cover is None:
                raise StashTransportError(
                    f"Stash at {self.connection.url} answered without the images of gallery"
                    f" {gid} (alias g{n} / c{n} of {len(ids)})"
                )
            read = found["images"]
            complete = first is None and found["count"] > len(read)
            images[gid] = self.gallery_images(gid, selection) if complete else read
            matches[gid] = cover["images"][0].id if cover["images"] else None
        return images, matches

    def iter_images(
        self,
        image_filter: dict[str, Any] | None = None,
        selection: str = fields.IMAGE,
        page_size: int = IMAGE_PAGE_SIZE,
    ) -> Iterator[Image]:
        """Every image matching the filter, in id order, a page per request (an id cursor, like
        iter_galleries: images changed or added meanwhile neither shift nor repeat the pages)."""
        query = doc.iter_images(selection)

        def read(last: int) -> list[Image]:
            cursor = all_of({"id": {"value": last, "modifier": "GREATER_THAN"}}, image_filter)
            data = self.connection.execute(query, {"filter": _by_id(page_size), "image_filter": cursor})
            return IMAGE_LIST(data["findImages"]["images"])

        for page in paged(read, page_size, by_id=True):
            yield from page

    # -- one big gallery's images, a page at a time (memory flat in gallery size) ---------
    def gallery_image_pages(
        self, gallery_id: str, selection: str = fields.IMAGE, page_size: int = IMAGE_PAGE_SIZE
    ) -> Iterator[list[Image]]:
        """One gallery's images in Stash's gallery order (sort `path`, the order chapter indexes
        point into), a page per request, so a caller holds one page at a time.

        Stash has no cursor for that order, so pages go by number; every page also answers the
        gallery's image count, and when it changes between pages (images added or removed while
        reading) ImagesChangedWhileRead is raised rather than handing out shifted pages. A
        gallery that has no images (or no longer exists) yields nothing.
        """
        gallery_id = parse_id(gallery_id, "gallery id")
        query = doc.gallery_image_page(selection)
        count: int | None = None
        read_so_far = 0

        def read(page: int) -> list[Image]:
            nonlocal count, read_so_far
            variables = {"filter": _in_gallery_order(page_size, page), "image_filter": in_gallery(gallery_id)}
            answer = read_as(self.connection, query, variables, counted_page, counted_page_in_pieces)
            if count is not None and answer["count"] != count:
                raise ImagesChangedWhileRead(
                    f"its images changed while they were read ({count} then {answer['count']})"
                )
            count = answer["count"]
            read_so_far += len(answer["images"])
            return answer["images"]

        yield from paged(read, page_size, last=lambda: count is not None and read_so_far >= count)

    def iter_scenes(self, selection: str = fields.SCENE_FILES, page_size: int = IMAGE_PAGE_SIZE) -> Iterator[Scene]:
        """Every scene, in id order, a page per request (page numbers: a scene added while this
        runs may be missed or seen twice, which is harmless for readers that only match paths)."""
        query = doc.scenes_page(selection)

        def read(page: int) -> list[Scene]:
            data = self.connection.execute(
                query, {"filter": {"per_page": page_size, "page": page, "sort": "id", "direction": "ASC"}}
            )
            return SCENE_LIST(data["findScenes"]["scenes"])

        for page in paged(read, page_size):
            yield from page

    def scenes_by_ids(self, scene_ids: Sequence[Any], selection: str = fields.SCENE_META) -> dict[str, Scene]:
        """Many scenes by id in one request (findScenes(ids)), keyed by id.

        Stash answers an error for the whole request when an id names no scene
        (`scene with id N not found`, pkg/sqlite/scene.go FindMany): StashServerError."""
        ids = parse_ids(scene_ids, "scene ids")
        if not ids:
            return {}
        data = self.connection.execute(doc.scenes_by_ids(selection), {"ids": ids})
        return {scene.id: scene for scene in SCENE_LIST(data["findScenes"]["scenes"])}

    def cover_regex_matches(self, gallery_ids: Sequence[str], cover_regex: str) -> dict[str, str | None]:
        """For each gallery, the first image (in gallery order) whose path matches Stash's gallery
        cover regex, as Stash itself finds it (its Go regexp, case-insensitive): an image id, or
        None when no image matches (Stash then shows the first image).

        This is Stash's default-cover question, asked of Stash for many galleries in one request
        (aliased), so Go-only regex syntax and Go's matching rules apply as they do in Stash. A
        gallery whose question Stash refused is missing from the answer (its pick is unknown).
        """
        ids = parse_ids(gallery_ids, "gallery ids")
        if not ids:
            return {}
        regex = _cover_regex_criterion(cover_regex)
        variables: dict[str, Any] = {
            "one": FIRST_BY_PATH,
            **{f"f{n}": {**in_gallery(gid), "path": regex} for n, gid in enumerate(ids)},
        }
        try:
            data, _ = self.connection.execute_partial(
                doc.cover_matches(len(ids)), variables, keys=[f"c{n}" for n in range(len(ids))], retry_locked=True
            )
        except StashServerError as exc:
            if not all(LOCKED_MESSAGE in m for m in exc.messages):
                raise
            data = None  # Stash stayed locked: every pick is unknown (and unknown is never a reason to change)
        out: dict[str, str | None] = {}
        for n, gid in enumerate(ids):
            found = (data or {}).get(f"c{n}")
            if found is not None:
                out[gid] = str(found["images"][0]["id"]) if found["images"] else None
        return out

    def recheck(
        self,
        gallery_ids: Sequence[str],
        image_ids: Sequence[str],
        gallery_basis: Collection[str],
        image_basis: Collection[str],
    ) -> tuple[dict[str, Gallery], dict[str, Image]]:
        """Galleries and images as they are now, in one request: the fields their basis names
        (`gallery_basis`, `image_basis`: "cover", "tags", "chapter:<id>", ...; selections.
        GALLERY_BASIS_FIELDS / IMAGE_BASIS_FIELDS) and what names them, nothing else.

        Stash has no compare-and-set: a task re-reads what a batch of its writes would
        overwrite just before sending it, and drops the writes whose basis moved. An id
        that names nothing any more is missing from the answer.
        """
        galleries, images = parse_ids(gallery_ids, "gallery ids"), parse_ids(image_ids, "image ids")
        if not galleries and not images:
            return {}, {}
        variables: dict[str, Any] = {}
        gallery_selection = image_selection = None
        if galleries:
            variables["g"] = galleries
            custom = [name for name in gallery_basis if name.startswith("custom:")]
            gallery_selection = fields.basis_selection(
                fields.GALLERY_BASIS_FIELDS, fields.GALLERY_BASIS_NAME, [n for n in gallery_basis if n not in custom]
            )
            if custom:  # (where Stash has them)
                gallery_selection = self.gallery_selection(gallery_selection)
        if images:
            variables["i"] = images
            image_selection = fields.basis_selection(fields.IMAGE_BASIS_FIELDS, fields.IMAGE_BASIS_NAME, image_basis)
        data = self.connection.execute(doc.recheck(gallery_selection, image_selection), variables)
        found_galleries = [Gallery.model_validate(g) for g in (data.get("findGalleries") or {}).get("galleries", [])]
        found_images = [Image.model_validate(i) for i in (data.get("findImages") or {}).get("images", [])]
        return {g.id: g for g in found_galleries}, {i.id: i for i in found_images}

    def names(self, wanted: NameRequest) -> Names:
        """Names for every id of `wanted`, in one request (names.py): tags, performers and studios by
        name, scenes, galleries (as they are now, selections.GALLERY_NOW) and images, and the images at
        the asked places of galleries (1-based, in gallery order). Ids that name nothing are missing."""
        found = Names()
        if wanted.empty:
            return found
        ids = {kind: parse_ids(wanted.ids(kind), f"{kind} ids") for kind in NAME_KINDS}
        positions = sorted(wanted.positions)
        variables: dict[str, Any] = {}
        for kind, kind_ids in ids.items():
            prefix = doc.NAME_QUERIES[kind][0]
            variables.update({f"{prefix}{n}": value for n, value in enumerate(kind_ids)})
        for n, (gallery_id, position) in enumerate(positions):
            variables[f"of{n}"] = in_gallery(parse_id(gallery_id, "gallery id"))
            variables[f"op{n}"] = {"per_page": 1, "page": position, "sort": "path", "direction": "ASC"}
        counts = tuple((kind, len(kind_ids)) for kind, kind_ids in ids.items() if kind_ids)
        data = self.connection.execute(doc.names(counts, len(positions)), variables)
        for kind, kind_ids in ids.items():
            prefix = doc.NAME_QUERIES[kind][0]
            answers = [(value, data[f"{prefix}{n}"]) for n, value in enumerate(kind_ids)]
            known = [(value, answer) for value, answer in answers if answer is not None]
            if kind in ("tags", "performers", "studios"):
                getattr(found, kind).update({value: answer["name"] for value, answer in known})
            elif kind == "scenes":
                found.scenes = {value: Scene.model_validate(answer) for value, answer in known}
            elif kind == "galleries":
                found.galleries = {value: Gallery.model_validate(answer) for value, answer in known}
            else:
                found.images = {value: Image.model_validate(answer) for value, answer in known}
        for n, place in enumerate(positions):
            images = data[f"o{n}"]["images"]
            if images:
                found.at_position[place] = Image.model_validate(images[0])
        return found

    def names_of(self, wanted: Mapping[str, Sequence[str]]) -> dict[str, dict[str, str]]:
        """The names of things by kind and id ({"tag": ["3"], "gallery": ["10"]} ->
        {"tag": {"3": "Outdoor"}, "gallery": {"10": "Harbour"}}), every kind in one request
        (`names`; stash/names.py says what each kind's name is). Ids that name nothing, and kinds
        Stash has no query by id for (chapters), are missing from the answer."""
        return self.names(NameRequest.of(wanted)).named()

    def duplicate_candidates(self, gallery_id: str) -> list[str]:
        """The galleries that may hold the same set as this one (two requests): those whose zip has
        its zip's checksum, and those holding an image whose file has the checksum of its first image
        (a set moved from a zip to a folder, or copied). merge_duplicate_galleries decides on them."""
        gid = parse_id(gallery_id, "gallery id")
        data = self.connection.execute(doc.DUPLICATE_KEYS, {"id": gid, "in": in_gallery(gid), "one": FIRST_BY_PATH})
        if data.get("findGallery") is None:
            return []
        found: set[str] = set()
        files = data["findGallery"].get("files") or []
        zip_md5 = files[0].get("fingerprint") if files else None
        first = data["findImages"]["images"][:1]
        image = Image.model_validate(first[0]) if first else None
        image_files = (image.visual_files or []) if image else []
        image_md5 = image_files[0].fingerprint if image_files else None
        if image is not None:  # one image record in several galleries
            found.update(g.id for g in image.galleries or [])
        if zip_md5 or image_md5:
            variables: dict[str, Any] = {}
            if zip_md5:
                variables["zip"] = {"checksum": {"value": zip_md5, "modifier": "EQUALS"}}
            if image_md5:
                variables["image"] = {"checksum": {"value": image_md5, "modifier": "EQUALS"}}
            same = self.connection.execute(doc.same_checksums(bool(zip_md5), bool(image_md5)), variables)
            found.update(str(g["id"]) for g in (same.get("z") or {}).get("galleries", []))
            for other in (same.get("i") or {}).get("images", []):
                found.update(str(g["id"]) for g in other.get("galleries") or [])
        found.discard(gid)
        return sorted(found, key=int)

    def record_reads(self) -> None:
        """From now on, keep a digest of every answer to a read (reads_digest)."""
        self.connection.start_read_digest()

    def reads_digest(self) -> str:
        """The digest (sha256, hex) of the answers to every read since record_reads, in order: two runs
        that read the same things get the same digest only when Stash answered them the same."""
        return self.connection.read_digest()

    def recorded_paths_in(self, folders: Sequence[str], per_folder: int = RECORDED_PER_FOLDER) -> dict[str, list[str]]:
        """For each folder, paths Stash recorded inside it (at any depth): up to `per_folder` files
        that are not inside a zip and as many folders, in one request. What proves that a drive is
        there before a zip or folder on it counts as gone (common/on_disk.py)."""
        unique = list(dict.fromkeys(folders))
        if not unique:
            return {}
        variables: dict[str, Any] = {"few": {"per_page": per_folder}}
        for n, folder in enumerate(unique):
            inside = folder if folder.endswith(("/", "\\")) else folder + paths.split(folder).separator
            below = {"value": paths.prefix_regex(inside), "modifier": "MATCHES_REGEX"}
            variables[f"p{n}"] = {"path": below, "zip_file": {"modifier": "IS_NULL"}}
            variables[f"q{n}"] = {"path": below, "zip_file": {"modifier": "IS_NULL"}}
        data = self.connection.execute(doc.recorded_paths(len(unique)), variables)
        return {
            folder: [str(f["path"]) for f in data[f"f{n}"]["files"]]
            + [str(d["path"]) for d in data[f"d{n}"]["folders"]]
            for n, folder in enumerate(unique)
        }

    def delete_basis(
        self, gallery_ids: Sequence[str], with_images: Sequence[str] = ()
    ) -> tuple[dict[str, Gallery | None], dict[str, list[Image]]]:
        """What deleting these galleries would take with it, as it is now, in one request: each gallery
        (selections.GALLERY_DELETE_BASIS; None when it is gone) and, for those in `with_images`, all
        their images (selections.IMAGE_DELETE_BASIS). Read to plan a delete, and again right before
        it is sent (Stash has no compare-and-set: a delete whose basis moved is dropped)."""
        ids = parse_ids(gallery_ids, "gallery ids")
        if not ids:
            return {}, {}
        imaged = set(parse_ids(with_images, "gallery ids"))
        flags = tuple(gid in imaged for gid in ids)
        variables: dict[str, Any] = {f"i{n}": gid for n, gid in enumerate(ids)}
        variables.update({f"f{n}": in_gallery(gid) for n, gid in enumerate(ids) if flags[n]})
        data = self.connection.execute(doc.delete_recheck(len(ids), flags), variables)
        galleries = {
            gid: Gallery.model_validate(data[f"g{n}"]) if data.get(f"g{n}") is not None else None
            for n, gid in enumerate(ids)
        }
        images = {gid: IMAGE_LIST(data[f"m{n}"]["images"]) for n, gid in enumerate(ids) if flags[n]}
        return galleries, images

    def loose_now(
        self,
        folders: Sequence[str],
        titles: Sequence[str] | None = None,
    ) -> tuple[dict[str, list[Image]], dict[str, list[Gallery]]]:
        """In one request: per folder, the images in no gallery at or below it now (selections.IMAGE_PATH),
        and with `titles` (one per folder), the galleries whose title is that one (Stash's EQUALS,
        which ignores case). Read right before folder galleries are made or filled: a gallery
        another run made meanwhile is claimed, an image filed meanwhile is left out."""
        if not folders:
            return {}, {}
        variables: dict[str, Any] = {}
        for n, folder in enumerate(folders):
            inside = folder if folder.endswith(("/", "\\")) else folder + paths.split(folder).separator
            variables[f"l{n}"] = {
                "galleries": {"value": [], "modifier": "IS_NULL"},
                "path": {"value": paths.prefix_regex(inside), "modifier": "MATCHES_REGEX"},
            }
            if titles is not None:
                variables[f"t{n}"] = {"title": {"value": titles[n], "modifier": "EQUALS"}}
        data = self.connection.execute(doc.loose_recheck(len(folders), titles is not None), variables)
        images = {folder: IMAGE_LIST(data[f"l{n}"]["images"]) for n, folder in enumerate(folders)}
        galleries = (
            {
                folder: [Gallery.model_validate(g) for g in data[f"k{n}"]["galleries"]]
                for n, folder in enumerate(folders)
            }
            if titles is not None
            else {}
        )
        return images, galleries

    # -- the plugin's configuration and tags -----------------------------------------------------
    def run_configuration(self) -> RunConfiguration:
        """The plugin's saved settings, Stash's gallery cover regex and which Stash this is, in one request."""
        configuration = _configuration(self.connection.execute(doc.RUN_CONFIG))
        self._features = configuration.features
        return configuration

    def ids_by_name(self, kind: str, names: Sequence[str], per_request: int = 100) -> dict[str, str | None]:
        """The ids of tags or performers (`kind` "tag" or "performer") with exactly these names (Stash's
        EQUALS, which ignores case), None for a name that names none; `per_request` names per request."""
        if kind not in doc.NAMED_KINDS:
            raise ValueError(f"kind should be one of {', '.join(doc.NAMED_KINDS)}, got {kind!r}")
        result_key = doc.NAMED_KINDS[kind][2]
        out: dict[str, str | None] = {}
        for chunk in chunks(list(dict.fromkeys(names)), per_request):
            data = self.connection.execute(doc.ids_by_name(kind, len(chunk)), {f"v{n}": v for n, v in enumerate(chunk)})
            for n, name in enumerate(chunk):
                found = data[f"n{n}"][result_key]
                out[name] = str(found[0]["id"]) if found else None
        return out

    def marker_tag(self, name: str) -> tuple[str, str] | None:
        """The id and description of the tag with exactly this name, or None."""
        tags = self.connection.execute(doc.MARKER_TAG, {"tag": name})["findTags"]["tags"]
        return (str(tags[0]["id"]), str(tags[0].get("description") or "")) if tags else None

    def set_tag_description(self, tag_id: str, description: str) -> None:
        """Write a tag's description (the plugin's own marker tag's bookkeeping)."""
        self.connection.execute(
            doc.SET_TAG_DESCRIPTION, {"input": {"id": parse_id(tag_id), "description": description}}
        )

    def unmarked_since(
        self, after_id: int, tag_id: str, gallery_filter: dict[str, Any] | None
    ) -> tuple[list[str], int]:
        """In one request: the ids of the galleries after `after_id` (Stash's ids only grow) that lack
        the tag, within `gallery_filter`; and the newest gallery's id (0 when there is none)."""
        unmarked = all_of(
            {
                "id": {"value": after_id, "modifier": "GREATER_THAN"},
                "tags": {"value": [parse_id(tag_id)], "modifier": "EXCLUDES"},
            },
            gallery_filter,
        )
        data = self.connection.execute(doc.UNMARKED_SINCE, {"unmarked": unmarked})
        newest = data["newest"]["galleries"]
        return [str(g["id"]) for g in data["u"]["galleries"]], int(newest[0]["id"]) if newest else 0

    def folder_id(self, path: str) -> str | None:
        """The id of the folder Stash has at exactly this path, or None when it has none."""
        try:
            data = self.connection.execute(doc.FIND_FOLDER, {"path": path})
        except StashServerError as exc:
            if "folder not found" in str(exc):
                return None
            raise
        return str(data["findFolder"]["id"])

    def find_tag_id(self, name: str) -> str | None:
        """The id of the tag with exactly this name, or None."""
        tags = self.connection.execute(doc.FIND_TAG, {"tag": name})["findTags"]["tags"]
        return str(tags[0]["id"]) if tags else None

    # -- scrapers: Stash runs them, the plugin asks (internal/api/resolver_query_scraper.go) ------------
    def gallery_scrapers(self) -> list[Scraper]:
        """The scrapers Stash has that do something for galleries (listScrapers(types: [GALLERY]))."""
        data = self.connection.execute(doc.GALLERY_SCRAPERS)
        return [Scraper.model_validate(s) for s in data["listScrapers"]]

    def scrape_client(self, timeout: float) -> GalleryOps:
        """A client on a connection of its own, for scrapes one at a time: none is sent twice (a
        scrape sent again would run again on the site) and an answer is awaited `timeout` seconds at
        most (Stash sets no limit on script scrapers); then ScrapeTimedOut, and the connection
        closes, which makes Stash cancel the scrape."""
        return GalleryOps.from_server(self.connection.server, retry_delays=(), read_timeout=timeout)

    def scrape_gallery(self, scraper_id: str, gallery_id: str) -> ScrapedGallery | None:
        """Scraper `scraper_id` (its galleryByFragment) on a stored gallery, which Stash hands it
        (title, urls, date, details, code, photographer, files); None when it found nothing."""
        data = self._scrape(
            doc.SCRAPE_GALLERY,
            {"source": {"scraper_id": scraper_id}, "input": {"gallery_id": parse_id(gallery_id, "gallery id")}},
        )
        found = data["scrapeSingleGallery"]
        return ScrapedGallery.model_validate(found[0]) if found else None

    def scrape_gallery_url(self, url: str) -> ScrapedGallery | None:
        """The scraper whose galleryByURL claims `url` (Stash picks it) on that URL; None when it found
        nothing. A URL no scraper claims is an error in Stash: ask only with one it claims."""
        found = self._scrape(doc.SCRAPE_GALLERY_URL, {"url": url})["scrapeGalleryURL"]
        return ScrapedGallery.model_validate(found) if found else None

    def _scrape(self, query: str, variables: dict[str, Any]) -> dict[str, Any]:
        try:
            return self.connection.execute(query, variables, idempotent=False)
        except StashTransportError as exc:
            if isinstance(exc.__cause__, TimeoutError):
                raise ScrapeTimedOut(f"no answer within {self.connection.read_timeout:g} s") from None
            raise

    def create_named_each(self, kind: str, names: Sequence[str]) -> BatchResult:
        """tagCreate, performerCreate or studioCreate (`kind` tag, performer, studio) per name, aliased in
        few requests; each item's data is {"id": ...}. Never sent again after a fault that may have
        reached Stash (it would fail on the name, which is taken then)."""
        if kind not in doc.CREATE_NAMED:
            raise ValueError(f"kind should be one of {', '.join(doc.CREATE_NAMED)}, got {kind!r}")
        return run_batch(self.connection, doc.CREATE_NAMED[kind], [{"name": name} for name in names])

    def close(self) -> None:
        """Close this client's connection."""
        self.connection.close()

    # -- creating, updating, destroying ------------------------------------------------------
    def create_gallery(self, gallery: GalleryInput | dict[str, Any]) -> Gallery:
        """Create a user-created gallery (title required); returns it as Stash stored it.

        Not retried after a fault that may have reached Stash, so it is never created twice.
        """
        payload = GalleryInput.of(gallery).create_input()
        self._check_custom_fields([payload], "a gallery's custom fields")
        data = self.connection.execute(
            doc.GALLERY_CREATE.single(self.gallery_selection()),
            {"input": payload},
            idempotent=doc.GALLERY_CREATE.idempotent,
        )
        return Gallery.model_validate(data["galleryCreate"])

    def update_gallery(self, gallery: GalleryInput | Gallery | dict[str, Any]) -> Gallery:
        """Update one gallery: only the fields set on the input are sent (see models.py)."""
        payload = GalleryInput.of(gallery).update_input()
        self._check_custom_fields([payload], "a gallery's custom fields")
        data = self.connection.execute(doc.GALLERY_UPDATE.single(self.gallery_selection()), {"input": payload})
        return Gallery.model_validate(data["galleryUpdate"])

    def galleries_update(self, galleries: Sequence[GalleryInput | Gallery | dict[str, Any]]) -> list[Gallery]:
        """Update many galleries, each with its own fields, GALLERIES_UPDATE_CHUNK per request.

        Each request is one Stash transaction (all of its galleries or none). Inputs are
        checked before the first request.
        """
        inputs = [GalleryInput.of(g).update_input() for g in galleries]
        self._check_custom_fields(inputs, "a gallery's custom fields")
        out: list[Gallery] = []
        query = doc.GALLERIES_UPDATE.single(self.gallery_selection())
        for chunk in chunks(inputs, GALLERIES_UPDATE_CHUNK):
            data = self.connection.execute(query, {"input": list(chunk)})
            out.extend(Gallery.model_validate(g) for g in data["galleriesUpdate"] if g is not None)
        return out

    def gallery_destroy(
        self, ids: Sequence[Any], delete_file: bool | None = None, delete_generated: bool | None = None
    ) -> bool:
        """Delete galleries (all or none). Zip galleries take their images with them; with
        delete_file, files are deleted from disk. Not retried after a fault that may have
        reached Stash."""
        parsed = parse_ids(ids, "gallery ids")
        if not parsed:
            raise ValueError("gallery_destroy needs at least one gallery id")
        payload: dict[str, Any] = {"ids": parsed}
        if delete_file is not None:
            payload["delete_file"] = bool(delete_file)
        if delete_generated is not None:
            payload["delete_generated"] = bool(delete_generated)
        data = self.connection.execute(
            doc.GALLERY_DESTROY.single(), {"input": payload}, idempotent=doc.GALLERY_DESTROY.idempotent
        )
        return bool(data["galleryDestroy"])

    def bulk_gallery_update(self, input_data: BulkGalleryUpdateInput | dict[str, Any]) -> list[Gallery]:
        """Set the same fields on many galleries (BulkUpdateIds modes SET / ADD / REMOVE for
        tags, performers, scenes). Ids go BULK_IDS_CHUNK per request."""
        model = (
            input_data
            if isinstance(input_data, BulkGalleryUpdateInput)
            else BulkGalleryUpdateInput.model_validate(input_data)
        )
        payload = model.to_input()
        self._check_custom_fields([payload], "a gallery's custom fields")
        out: list[Gallery] = []
        query = doc.BULK_GALLERY_UPDATE.single(self.gallery_selection())
        for chunk in chunks(payload["ids"], BULK_IDS_CHUNK):
            data = self.connection.execute(query, {"input": {**payload, "ids": list(chunk)}})
            out.extend(Gallery.model_validate(g) for g in data["bulkGalleryUpdate"] or [])
        return out

    # -- images of a gallery --------------------------------------------------------------------
    def add_gallery_images(self, gallery_id: Any, image_ids: Sequence[Any]) -> bool:
        """Add images to a user-created gallery (images already in it are ignored).

        Zip- and folder-based galleries follow their files: Stash refuses, and this
        raises GalleryContentsLocked saying so.
        """
        return self._change_images(doc.ADD_IMAGES, gallery_id, image_ids)

    def remove_gallery_images(self, gallery_id: Any, image_ids: Sequence[Any]) -> bool:
        """Remove images from a user-created gallery (GalleryContentsLocked for zip/folder ones)."""
        return self._change_images(doc.REMOVE_IMAGES, gallery_id, image_ids)

    def _change_images(self, mutation: doc.Mutation, gallery_id: Any, image_ids: Sequence[Any]) -> bool:
        payload = {"gallery_id": parse_id(gallery_id, "gallery id"), "image_ids": parse_ids(image_ids, "image ids")}
        if not payload["image_ids"]:
            raise ValueError("image_ids must name at least one image")
        return bool(self.connection.execute(mutation.single(), {"input": payload})[mutation.name])

    def gallery_image_ids(self, gallery_id: Any) -> list[str]:
        """The ids of the gallery's images, in Stash's gallery order."""
        return [image.id for image in self.gallery_images(gallery_id, fields.IMAGE_ID)]

    def update_gallery_images(
        self, gallery_id: Any, image_ids: Sequence[Any], mode: str = "SET", allow_empty: bool = False
    ) -> bool:
        """Change a gallery's images: ADD, REMOVE, or SET (exactly these images).

        SET reads the current images, adds the missing ones, then removes the extras
        (two writes at most, none when nothing differs). A failure between the two
        leaves a superset of the wanted images, never fewer of them. SET with no ids
        would empty the gallery: refused unless allow_empty=True says so.
        """
        if not isinstance(mode, str) or mode not in UPDATE_MODES:
            raise ValueError(f"mode must be one of {', '.join(UPDATE_MODES)}, got {short_repr(mode)}")
        wanted = parse_ids(image_ids, "image ids")
        gallery_id = parse_id(gallery_id, "gallery id")
        if mode == "SET" and not wanted and not allow_empty:
            raise ValueError(
                "mode SET with no image ids would remove every image of the gallery;"
                " nothing was changed (pass allow_empty=true to empty it)"
            )
        if mode == "ADD":
            return self.add_gallery_images(gallery_id, wanted)
        if mode == "REMOVE":
            return self.remove_gallery_images(gallery_id, wanted)
        current = self.gallery_image_ids(gallery_id)
        present, wanted_set = set(current), set(wanted)  # sets: linear in the number of ids
        missing = [i for i in wanted if i not in present]
        extra = [i for i in current if i not in wanted_set]
        if missing:
            self.add_gallery_images(gallery_id, missing)
        if extra:
            try:
                self.remove_gallery_images(gallery_id, extra)
            except (StashServerError, StashTransportError) as exc:
                added = f"the {len(missing)} missing images were added" if missing else "nothing was missing"
                note = f"{exc} (mode SET: {added}, but the {len(extra)} extra images were not removed; run it again)"
                if isinstance(exc, StashTransportError):
                    raise StashTransportError(note, status=exc.status, reached_server=exc.reached_server) from exc
                raise StashServerError([note], paths=exc.paths) from exc
        return True

    # -- covers -------------------------------------------------------------------------------
    def set_gallery_cover(self, gallery_id: Any, cover_image_id: Any) -> bool:
        """Make an image of the gallery its explicit cover.

        Refuses (ValueError, nothing changed) an image that is not in the gallery:
        Stash would accept it, return true and silently drop the existing cover.
        """
        gallery_id = parse_id(gallery_id, "gallery id")
        image_id = parse_id(cover_image_id, "cover image id")
        data = self.connection.execute(
            doc.GALLERY_IMAGE_CHECK,
            {
                "id": gallery_id,
                "image_filter": {**in_gallery(gallery_id), "id": {"value": int(image_id), "modifier": "EQUALS"}},
            },
        )
        if data["findGallery"] is None:
            raise NotFound(f"no gallery with id {gallery_id}")
        if data["findImages"]["count"] == 0:
            found = self.names_of({"gallery": [gallery_id], "image": [image_id]})  # only to say it by name
            image = called(found.get("image", {}).get(image_id), image_id)
            gallery = called(found.get("gallery", {}).get(gallery_id), gallery_id)
            raise ValueError(f"image {image} is not in gallery {gallery}; a cover must be one of its images")
        payload = SetCoverInput(gallery_id=gallery_id, cover_image_id=image_id).to_input()
        return bool(self.connection.execute(doc.SET_COVER.single(), {"input": payload})["setGalleryCover"])

    def reset_gallery_cover(self, gallery_id: Any) -> bool:
        """Drop the explicit cover; Stash shows its default pick again."""
        payload = ResetCoverInput(gallery_id=parse_id(gallery_id, "gallery id")).to_input()
        return bool(self.connection.execute(doc.RESET_COVER.single(), {"input": payload})["resetGalleryCover"])

    # -- chapters -------------------------------------------------------------------------------
    def gallery_chapter_create(self, gallery_id: Any, title: str, image_index: int) -> GalleryChapter:
        """A chapter starting at image_index (1-based, at most the gallery's image count).

        The range is checked before anything is written (one read of the image count).
        Not retried after a fault that may have reached Stash.
        """
        gallery_id = parse_id(gallery_id, "gallery id")
        payload = _valid(ChapterCreateInput, {"gallery_id": gallery_id, "title": title, "image_index": image_index})
        said = self._check_chapter_range(gallery_id, payload.image_index)
        try:
            data = self.connection.execute(
                doc.CHAPTER_CREATE.single(fields.CHAPTER),
                {"input": payload.to_input()},
                idempotent=doc.CHAPTER_CREATE.idempotent,
            )
        except StashTransportError as exc:
            if not exc.reached_server:
                raise
            raise StashTransportError(
                f"{exc}; the request reached Stash, so the chapter {payload.title!r} may exist now: look at the"
                f" chapters of gallery {said} before creating it again",
                status=exc.status,
            ) from exc
        chapter = GalleryChapter.model_validate(data["galleryChapterCreate"])
        self._record_anchor(gallery_id, chapter.id, payload.image_index)
        return chapter

    def gallery_chapter_update(
        self, id: Any, gallery_id: Any = None, title: str | None = None, image_index: int | None = None
    ) -> GalleryChapter:
        """Change a chapter's gallery, title or start image; only given values are sent.

        When gallery_id is given the index is checked against that gallery first;
        otherwise Stash checks it against the chapter's own gallery.
        """
        given = {"gallery_id": gallery_id, "title": title, "image_index": image_index}
        payload = _valid(
            ChapterUpdateInput, {"id": parse_id(id, "chapter id"), **{k: v for k, v in given.items() if v is not None}}
        )
        if payload.gallery_id is None and payload.title is None and payload.image_index is None:
            raise ValueError("gallery_chapter_update needs a gallery_id, title or image_index to change")
        if payload.gallery_id is not None and payload.image_index is not None:
            self._check_chapter_range(payload.gallery_id, payload.image_index)
        data = self.connection.execute(doc.CHAPTER_UPDATE.single(fields.CHAPTER), {"input": payload.to_input()})
        chapter = GalleryChapter.model_validate(data["galleryChapterUpdate"])
        if payload.image_index is not None and chapter.gallery is not None:
            self._record_anchor(chapter.gallery.id, chapter.id, payload.image_index)
        return chapter

    def _record_anchor(self, gallery_id: str, chapter_id: str, image_index: int) -> None:
        """Stash v0.31: the image a chapter made or moved here starts at, kept in the gallery's custom
        fields (its anchor, common/chapter_anchors.py), so that Repair chapters can follow it; two
        requests. The chapter is written already: a failure here is logged, not raised (the caller
        would otherwise make the chapter twice); Repair chapters records it later."""
        if not self.features().custom_fields:
            return
        try:
            answer = read_as(
                self.connection,
                doc.gallery_image_page(fields.IMAGE_ANCHOR),
                {
                    "filter": {"per_page": 1, "page": image_index, "sort": "path", "direction": "ASC"},
                    "image_filter": in_gallery(gallery_id),
                },
                counted_page,
            )
            if not answer["images"]:
                return
            files = answer["images"][0].visual_files or []
            anchor = Anchor(image_index, files[0].path if files else None, files[0].fingerprint if files else None)
            self.connection.execute(
                doc.GALLERY_UPDATE.single("id"),
                {
                    "input": {
                        "id": gallery_id,
                        "custom_fields": {"partial": {anchor_field(chapter_id): anchor.encode()}},
                    }
                },
            )
        except (StashServerError, StashTransportError) as exc:
            log.warning(
                "chapter %s of gallery %s: where it starts was not recorded (%s); Repair chapters will record it",
                chapter_id,
                gallery_id,
                exc,
            )

    def gallery_chapter_destroy(self, id: Any) -> bool:
        """Delete a chapter. Not retried after a fault that may have reached Stash."""
        data = self.connection.execute(
            doc.CHAPTER_DESTROY.single(), {"id": parse_id(id, "chapter id")}, idempotent=doc.CHAPTER_DESTROY.idempotent
        )
        return bool(data["galleryChapterDestroy"])

    def _check_chapter_range(self, gallery_id: str, image_index: int) -> str:
        """Refuse an image_index past the gallery's end; return the gallery as messages say it
        (read here so that a later message, e.g. after a lost connection, needs no request)."""
        data = self.connection.execute(doc.GALLERY_IMAGE_COUNT, {"id": gallery_id})
        gallery = data["findGallery"]
        if gallery is None:
            raise NotFound(f"no gallery with id {gallery_id}")
        said = called(gallery_name(Gallery.model_validate(gallery)), gallery_id)
        if image_index > gallery["image_count"]:
            raise ValueError(
                f"image_index {image_index} is past the end of gallery {said}, which has"
                f" {gallery['image_count']} images (chapter indexes are 1-based)"
            )
        return said

    # -- batches: many mutations in few requests, each item reported on its own ------------------
    # The task workflows write through these (tasks/changes.py). Inputs are checked before
    # the first request (ValueError); after that nothing raises for one item (see batch.py).
    def create_chapters(self, chapters: Sequence[ChapterCreateInput | InputJson | dict[str, Any]]) -> BatchResult:
        """Create many chapters ({gallery_id, title, image_index}) in few requests.

        The caller has checked the ranges (workflows compute them from the images they read).
        """
        inputs = [_json_of(ChapterCreateInput, c) for c in chapters]
        return run_batch(self.connection, doc.CHAPTER_CREATE, inputs)

    def update_chapters(self, chapters: Sequence[ChapterUpdateInput | dict[str, Any]]) -> BatchResult:
        """Change many chapters ({id, and gallery_id, title, image_index to change}) in few requests."""
        inputs = [_valid(ChapterUpdateInput, c).to_input() for c in chapters]
        return run_batch(self.connection, doc.CHAPTER_UPDATE, inputs)

    def destroy_chapters(self, chapter_ids: Sequence[Any]) -> BatchResult:
        """Delete many chapters in few requests (never sent twice: unconfirmed ones are reported)."""
        return run_batch(self.connection, doc.CHAPTER_DESTROY, parse_ids(chapter_ids, "chapter ids"))

    def set_covers(self, covers: Sequence[SetCoverInput | InputJson | tuple[Any, Any]]) -> BatchResult:
        """Set many (gallery_id, image_id) covers in few requests. The caller guarantees
        each image belongs to its gallery (it read them); Stash does not check."""
        inputs = [_json_of(SetCoverInput, c) if not isinstance(c, tuple) else SetCoverInput.json_of(*c) for c in covers]
        return run_batch(self.connection, doc.SET_COVER, inputs)

    def reset_covers(self, gallery_ids: Sequence[Any]) -> BatchResult:
        """Drop the explicit covers of many galleries in few requests."""
        inputs = [ResetCoverInput(gallery_id=g).to_input() for g in parse_ids(gallery_ids, "gallery ids")]
        return run_batch(self.connection, doc.RESET_COVER, inputs)

    def update_galleries_each(self, galleries: Sequence[GalleryInput | Gallery | dict[str, Any]]) -> BatchResult:
        """galleryUpdate per gallery, aliased in few requests: one failure does not undo the others."""
        inputs = [GalleryInput.of(g).update_input() for g in galleries]
        self._check_custom_fields(inputs, "a gallery's custom fields")
        return run_batch(self.connection, doc.GALLERY_UPDATE, inputs)

    def bulk_gallery_update_each(self, updates: Sequence[BulkGalleryUpdateInput | dict[str, Any]]) -> BatchResult:
        """bulkGalleryUpdate per input, aliased in few requests (each input: ids and the same fields)."""
        inputs = [_valid(BulkGalleryUpdateInput, u).to_input() for u in updates]
        self._check_custom_fields(inputs, "a gallery's custom fields")
        return run_batch(self.connection, doc.BULK_GALLERY_UPDATE, inputs)

    def create_galleries_each(self, galleries: Sequence[GalleryInput | dict[str, Any]]) -> BatchResult:
        """galleryCreate per gallery, aliased in few requests; each item's data is {"id": ...}.

        Never sent again after a fault that may have reached Stash (it would make a second
        gallery): a caller that must not duplicate looks for what it made before (see
        tasks/loose_images.py)."""
        inputs = [GalleryInput.of(g).create_input() for g in galleries]
        self._check_custom_fields(inputs, "a gallery's custom fields")
        return run_batch(self.connection, doc.GALLERY_CREATE, inputs)

    def create_galleries_with_images(self, galleries: Sequence[tuple[GalleryInput, Sequence[Any]]]) -> BatchResult:
        """galleryCreate per (gallery, image ids), then addGalleryImages of each made gallery's images: a
        few requests; each item's data is the made gallery's {"id": ...}, its error that of the step that
        failed (a gallery made whose images could not be added is reported so, with its id)."""
        made = self.create_galleries_each([gallery for gallery, _ in galleries])
        result = BatchResult(list(made.data), dict(made.errors))
        added_from = [n for n in range(len(galleries)) if n not in made.errors and galleries[n][1]]
        if added_from:
            added = self.add_gallery_images_each([(made.data[n]["id"], galleries[n][1]) for n in added_from])
            for index, message in added.errors.items():
                n = added_from[index]
                result.errors[n] = f"gallery {made.data[n]['id']} was made, its images were not added: {message}"
        return result

    def add_gallery_images_each(self, additions: Sequence[tuple[Any, Sequence[Any]]]) -> BatchResult:
        """addGalleryImages per (gallery id, image ids), aliased in few requests (adding twice is harmless)."""
        return run_batch(self.connection, doc.ADD_IMAGES, _gallery_images_inputs(additions))

    def remove_gallery_images_each(self, removals: Sequence[tuple[Any, Sequence[Any]]]) -> BatchResult:
        """removeGalleryImages per (gallery id, image ids), aliased in few requests: the images leave the
        gallery; their files and image records stay (removing twice is harmless)."""
        return run_batch(self.connection, doc.REMOVE_IMAGES, _gallery_images_inputs(removals))

    def destroy_galleries_each(self, gallery_ids: Sequence[Any]) -> BatchResult:
        """galleryDestroy per gallery (delete_file false), aliased in few requests, each reported on its own.

        Never sent again after a fault that may have reached Stash (a second destroy of the
        same id fails). Zip galleries take their images with them in Stash; callers that
        must keep images send only galleries without a zip (tasks/empty_galleries.py).
        """
        inputs = [{"ids": [gid], "delete_file": False} for gid in parse_ids(gallery_ids, "gallery ids")]
        return run_batch(self.connection, doc.GALLERY_DESTROY, inputs)

    def bulk_image_update_each(
        self, updates: Sequence[BulkImageUpdateInput | InputJson | dict[str, Any]]
    ) -> BatchResult:
        """bulkImageUpdate per input, aliased in few requests (each input: image ids and the same fields).

        Each input is held as the JSON text its request carries (InputJson: one already checked as a
        BulkImageUpdateInput is taken as it is), so a big gallery's 20,000 ids are never strings all
        at once. Stash answers each with its images (20,000 of them in one answer); nobody reads
        them, so none is kept (`data` holds None), only which inputs failed."""
        inputs = [_json_of(BulkImageUpdateInput, u) for u in updates]
        return run_batch(self.connection, doc.BULK_IMAGE_UPDATE, inputs, keep_data=False)


def _valid(model: type[M], value: M | dict[str, Any]) -> M:
    """`value` as `model`: validated from a dict, or as it is."""
    return value if isinstance(value, model) else model.model_validate(value)


def _json_of(model: type[S], value: S | InputJson | dict[str, Any]) -> InputJson:
    """`value` as the JSON text of a checked `model`: checked from a dict, written from a record, or
    as it is when it was checked as `model` already (another model's text is refused)."""
    if isinstance(value, InputJson):
        if value.model is not model:
            raise ValueError(f"a {value.model.__name__} was given where a {model.__name__} is needed")
        return value
    return _valid(model, value).as_json()


def _gallery_images_inputs(pairs: Sequence[tuple[Any, Sequence[Any]]]) -> list[dict[str, Any]]:
    """(gallery id, image ids) pairs as addGalleryImages / removeGalleryImages inputs, ids checked:
    a pair without an image is refused here (Stash would answer it with nothing done)."""
    inputs = []
    for gallery_id, image_ids in pairs:
        ids = parse_ids(image_ids, "image ids")
        if not ids:
            raise ValueError("image_ids must name at least one image")
        inputs.append({"gallery_id": parse_id(gallery_id, "gallery id"), "image_ids": ids})
    return inputs
