"""GraphQL objects of the simulator: rows turned into dicts, plus resolvers for computed fields.

Facts (internal/api/resolver_model_*.go):
- Text fields that Stash keeps as Go strings (title, code, details, photographer)
  resolve to "" when empty, never null, and there is no file-name fallback.
- Gallery.files lists the zip file of a zip-based gallery ([] otherwise);
  Gallery.folder is the folder of a folder-based gallery (null otherwise).
- Gallery.cover: the explicit cover, else the first image in path order whose path
  matches gallery_cover_regex (case-insensitive), else the first image, else null.
- Gallery.image(index) is 0-based over the gallery image order; a negative index is
  `index must >= 0`, an index past the end is null on a non-null field.
- Gallery.chapters are ordered by image_index. Image.galleries in join-row order.
- Interface and union members carry __typename so graphql-core can resolve them.
"""

from __future__ import annotations

import calendar
import time
from typing import Any

from . import related_files
from .engine import StashError, resolves
from .goregex import GoRegexError, compile_go
from .store import Store

GALLERY_COVER_REGEX = r"(poster|cover|folder|board)\.[^\.]+$"  # Stash's default gallery_cover_regex

# The gallery image order (pkg/sqlite/image.go defaultGalleryOrder), through images.path_key.
GALLERY_IMAGE_TIE = "images.id"
GALLERY_IMAGE_ORDER = f"images.path_key, {GALLERY_IMAGE_TIE}"


def _text(value: Any) -> str:
    return value if value is not None else ""


def _ctx(info: Any) -> Any:
    return info.context


def _store(info: Any) -> Store:
    store: Store = info.context.sim.store
    return store


# -- builders -------------------------------------------------------------------------------
def gallery_object(row: Any) -> dict[str, Any]:
    return {
        "__typename": "Gallery",
        "_id": row["id"],
        "id": str(row["id"]),
        "title": _text(row["title"]),
        "code": _text(row["code"]),
        "details": _text(row["details"]),
        "photographer": _text(row["photographer"]),
        "date": row["date"],
        "rating100": row["rating"],
        "organized": bool(row["organized"]),
        "created_at": row["created_at"],
        "updated_at": row["updated_at"],
        "_folder_id": row["folder_id"],
        "_studio_id": row["studio_id"],
    }


def image_object(row: Any) -> dict[str, Any]:
    return {
        "__typename": "Image",
        "_id": row["id"],
        "id": str(row["id"]),
        "title": _text(row["title"]),
        "code": _text(row["code"]),
        "details": _text(row["details"]),
        "photographer": _text(row["photographer"]),
        "date": row["date"],
        "rating100": row["rating"],
        "organized": bool(row["organized"]),
        "created_at": row["created_at"],
        "updated_at": row["updated_at"],
        "o_counter": 0,
        "_studio_id": row["studio_id"],
    }


def load_galleries(store: Store, ids: list[int]) -> list[dict[str, Any]]:
    """Gallery objects for ids, in the order of ids (missing ids are skipped)."""
    if not ids:
        return []
    rows = {r["id"]: r for r in store.all(f"SELECT * FROM galleries WHERE id IN ({','.join('?' * len(ids))})", ids)}
    return [gallery_object(rows[i]) for i in ids if i in rows]


def load_images(store: Store, ids: list[int]) -> list[dict[str, Any]]:
    if not ids:
        return []
    rows = {r["id"]: r for r in store.all(f"SELECT * FROM images WHERE id IN ({','.join('?' * len(ids))})", ids)}
    return [image_object(rows[i]) for i in ids if i in rows]


def gallery_by_id(store: Store, gallery_id: int) -> dict[str, Any] | None:
    found = load_galleries(store, [gallery_id])
    return found[0] if found else None


def named_object(store: Store, table: str, row_id: int | None) -> dict[str, Any] | None:
    if row_id is None:
        return None
    row = store.one(f"SELECT * FROM {table} WHERE id = ?", (row_id,))
    if row is None:
        return None
    typename = {"tags": "Tag", "performers": "Performer", "studios": "Studio"}[table]
    obj = {
        "__typename": typename,
        "_id": row["id"],
        "id": str(row["id"]),
        "name": row["name"],
        "created_at": row["created_at"],
        "updated_at": row["updated_at"],
    }
    # Text that models.Tag / Performer / Studio keep as Go strings resolves to "" when empty,
    # never null; pointers (dates, numbers, enums) resolve to null (pkg/models/{tag,performer,studio}.go).
    if table == "tags":
        obj.update(
            sort_name=_text(row["sort_name"]),
            description=_text(row["description"]),
            favorite=bool(row["favorite"]),
            ignore_auto_tag=bool(row["ignore_auto_tag"]),
        )
    if table == "performers":
        obj.update({key: _text(row[key]) if key in PERFORMER_TEXT else row[key] for key in PERFORMER_SCALARS})
        obj.update(
            disambiguation=row["disambiguation"],
            rating100=row["rating"],
            favorite=bool(row["favorite"]),
            ignore_auto_tag=bool(row["ignore_auto_tag"]),
        )
    if table == "studios":
        obj.update(
            _parent_id=row["parent_id"],
            details=_text(row["details"]),
            rating100=row["rating"],
            favorite=bool(row["favorite"]),
            ignore_auto_tag=bool(row["ignore_auto_tag"]),
            organized=bool(row["organized"]),
        )
    return obj


# Performer columns that are their GraphQL field as they are (PerformerCreateInput)
PERFORMER_SCALARS = (
    "gender",
    "birthdate",
    "ethnicity",
    "country",
    "eye_color",
    "height_cm",
    "measurements",
    "fake_tits",
    "penis_length",
    "circumcised",
    "career_length",
    "career_start",
    "career_end",
    "tattoos",
    "piercings",
    "details",
    "death_date",
    "hair_color",
    "weight",
)
PERFORMER_TEXT = {  # Go strings in models.Performer (the rest are pointers)
    "ethnicity",
    "country",
    "eye_color",
    "measurements",
    "fake_tits",
    "career_length",
    "career_start",
    "career_end",
    "tattoos",
    "piercings",
    "details",
    "hair_color",
}


def file_object(store: Store, file_id: int | None) -> dict[str, Any] | None:
    if file_id is None:
        return None
    row = store.one(
        "SELECT files.*, folders.path AS folder_path FROM files JOIN folders ON folders.id = files.parent_folder_id"
        " WHERE files.id = ?",
        (file_id,),
    )
    if row is None:
        return None
    typename = {"image": "ImageFile", "zip": "GalleryFile", "video": "VideoFile"}[row["kind"]]
    video = (
        {  # VideoFile's own fields (graphql/schema/types/file.graphql); a scanned file's as ffprobe read them
            "duration": row["duration"] or 0.0,
            "video_codec": "h264" if row["video_codec"] is None else row["video_codec"],
            "audio_codec": row["audio_codec"] or "",
            "frame_rate": 30.0 if row["frame_rate"] is None else row["frame_rate"],
            "bit_rate": 1_000_000 if row["bit_rate"] is None else row["bit_rate"],
        }
        if row["kind"] == "video"
        else {}
    )
    # files_fingerprints rows come back in their key's order: md5 before oshash
    fingerprints = [{"type": kind, "value": row[kind]} for kind in ("md5", "oshash") if row[kind]]
    extension = row["basename"].rsplit(".", 1)[-1].lower() if "." in row["basename"] else ""
    return {
        **video,
        "__typename": typename,
        "_id": row["id"],
        "id": str(row["id"]),
        "path": store.host.join(row["folder_path"], row["basename"]),
        "basename": row["basename"],
        "parent_folder_id": str(row["parent_folder_id"]),
        "zip_file_id": str(row["zip_file_id"]) if row["zip_file_id"] else None,
        "_parent_folder_id": row["parent_folder_id"],
        "_zip_file_id": row["zip_file_id"],
        "mod_time": row["mod_time"],
        "size": row["size"],
        "width": row["width"],
        "height": row["height"],
        "format": extension if row["format"] is None else row["format"],
        "fingerprints": fingerprints,
        "created_at": row["mod_time"],
        "updated_at": row["mod_time"],
    }


def folder_object(store: Store, folder_id: int | None) -> dict[str, Any] | None:
    if folder_id is None:
        return None
    row = store.one("SELECT * FROM folders WHERE id = ?", (folder_id,))
    if row is None:
        return None
    return {
        "__typename": "Folder",
        "_id": row["id"],
        "id": str(row["id"]),
        "path": row["path"],
        "basename": store.host.base(row["path"]),
        "parent_folder_id": str(row["parent_folder_id"]) if row["parent_folder_id"] else None,
        "zip_file_id": str(row["zip_file_id"]) if row["zip_file_id"] else None,
        "_parent_folder_id": row["parent_folder_id"],
        "_zip_file_id": row["zip_file_id"],
        "mod_time": row["mod_time"],
        "created_at": row["mod_time"],
        "updated_at": row["mod_time"],
    }


def chapter_object(row: Any) -> dict[str, Any]:
    return {
        "__typename": "GalleryChapter",
        "_id": row["id"],
        "id": str(row["id"]),
        "title": row["title"],
        "image_index": row["image_index"],
        "created_at": row["created_at"],
        "updated_at": row["updated_at"],
        "_gallery_id": row["gallery_id"],
    }


def scene_object(row: Any) -> dict[str, Any]:
    return {
        "__typename": "Scene",
        "_id": row["id"],
        "id": str(row["id"]),
        "title": _text(row["title"]),
        "code": _text(row["code"]),
        "details": _text(row["details"]),
        "director": _text(row["director"]),
        "date": row["date"],
        "rating100": row["rating"],
        "organized": bool(row["organized"]),
        "created_at": row["created_at"],
        "updated_at": row["updated_at"],
        "_studio_id": row["studio_id"],
    }


def _owner_file_ids(store: Store, owner: str, owner_id: int) -> list[int]:
    """A gallery's, image's or scene's files, primary first (related_files.py)."""
    with store.lock:
        return related_files.file_ids(store.db, owner, owner_id)


# -- gallery facts shared with the mutations -----------------------------------------------
def gallery_image_ids(store: Store, gallery_id: int) -> list[int]:
    """The gallery's images in Stash's gallery image order."""
    return store.column(
        f"SELECT images.id FROM galleries_images gi JOIN images ON images.id = gi.image_id"
        f" WHERE gi.gallery_id = ? ORDER BY {GALLERY_IMAGE_ORDER}",
        (gallery_id,),
    )


def image_path(store: Store, image_id: int) -> str:
    row = store.one(
        "SELECT file_path(folders.path, files.basename) FROM images_files i_f JOIN files ON files.id = i_f.file_id"
        ' JOIN folders ON folders.id = files.parent_folder_id WHERE i_f.image_id = ? AND i_f."primary" = 1',
        (image_id,),
    )
    return row[0] if row else ""


def effective_cover_regex(sim: Any) -> str:
    """config.GetGalleryCoverRegex (internal/manager/config/config.go): a regex Go's regexp refuses
    is logged ("Gallery cover regex '<r>' invalid, reverting to default.") and the default is used,
    for the cover and in configuration.general alike (goregex.py: Go's syntax, not Python's)."""
    regex: str = sim.config.gallery_cover_regex
    try:
        compile_go(regex)
    except GoRegexError:
        sim.log("warning", f"Gallery cover regex '{regex}' invalid, reverting to default.")
        return GALLERY_COVER_REGEX
    return regex


def cover_regex_in_use(configured: str) -> str:
    """The regex Stash uses for a configured one (see effective_cover_regex), without logging."""
    try:
        compile_go(configured)
    except GoRegexError:
        return GALLERY_COVER_REGEX
    return configured


def gallery_cover_id(store: Store, gallery_id: int, cover_regex: str = GALLERY_COVER_REGEX) -> int | None:
    """FindGalleryCover (pkg/image/query.go): explicit, else regex match, else first.

    The match is Stash's findImages query: galleries INCLUDES the gallery, path MATCHES_REGEX
    "(?i)" + the regex in use (Go's regexp on folder path || separator || base name), sorted
    by path, first one; with no match the first image in that order.
    """
    explicit: int | None = store.value(
        "SELECT image_id FROM galleries_images WHERE gallery_id = ? AND cover = 1 LIMIT 1", (gallery_id,)
    )
    if explicit is not None:
        return explicit
    pattern = "(?i)" + cover_regex_in_use(cover_regex)
    # an image matches through any of its files, and the matching file (the first, by id) is
    # its sort key: the filter and the path sort join the same files rows (related_files.py)
    matching_key = (
        "(SELECT natural_key(fo.path || f.basename) FROM images_files i_f"
        " JOIN files f ON f.id = i_f.file_id JOIN folders fo ON fo.id = f.parent_folder_id"
        " WHERE i_f.image_id = images.id"
        " AND filter_path(fo.path, f.basename) REGEXP ? ORDER BY i_f.file_id LIMIT 1)"
    )
    found: int | None = store.value(
        f"SELECT images.id FROM galleries_images gi JOIN images ON images.id = gi.image_id"
        f" WHERE gi.gallery_id = ? AND {matching_key} IS NOT NULL"
        f" ORDER BY {matching_key}, {GALLERY_IMAGE_TIE} LIMIT 1",
        (gallery_id, pattern, pattern),
    )
    if found is not None:
        return found
    first = gallery_image_ids(store, gallery_id)
    return first[0] if first else None


def gallery_kind(store: Store, gallery_id: int) -> tuple[str, str]:
    """('zip-based' | 'folder-based' | 'user-created', GetTitle()) for messages."""
    row = store.one("SELECT title, folder_id FROM galleries WHERE id = ?", (gallery_id,))
    assert row is not None, f"gallery {gallery_id} is gone"
    zip_path = store.value(  # Gallery.Path: the primary file's
        "SELECT file_path(folders.path, files.basename) FROM galleries_files gf JOIN files ON files.id = gf.file_id"
        " JOIN folders ON folders.id = files.parent_folder_id WHERE gf.gallery_id = ?"
        f" ORDER BY gf.{related_files.FILE_ORDER} LIMIT 1",
        (gallery_id,),
    )
    if row["folder_id"] is not None:
        path = store.value("SELECT path FROM folders WHERE id = ?", (row["folder_id"],))
        return "folder-based", row["title"] or store.host.base(path)
    if zip_path:
        return "zip-based", row["title"] or store.host.base(zip_path)
    return "user-created", row["title"] or ""


def unix_time(stamp: str) -> int:
    return calendar.timegm(time.strptime(stamp, "%Y-%m-%dT%H:%M:%SZ"))


# -- Gallery ----------------------------------------------------------------------------------
@resolves("Gallery.urls", "Gallery.url")
def _gallery_urls(parent: dict[str, Any], info: Any) -> Any:
    urls = _store(info).column("SELECT url FROM gallery_urls WHERE gallery_id = ? ORDER BY position", (parent["_id"],))
    if info.field_name == "url":
        return urls[0] if urls else None
    return urls


@resolves("Gallery.files")
def _gallery_files(parent: dict[str, Any], info: Any) -> list[Any]:
    store = _store(info)
    return [file_object(store, i) for i in _owner_file_ids(store, "galleries", parent["_id"])]


@resolves("Gallery.folder")
def _gallery_folder(parent: dict[str, Any], info: Any) -> Any:
    return folder_object(_store(info), parent["_folder_id"])


@resolves("Gallery.chapters")
def _gallery_chapters(parent: dict[str, Any], info: Any) -> list[Any]:
    rows = _store(info).all(
        "SELECT * FROM galleries_chapters WHERE gallery_id = ? ORDER BY image_index, id", (parent["_id"],)
    )
    return [chapter_object(r) for r in rows]


@resolves("Gallery.scenes")
def _gallery_scenes(parent: dict[str, Any], info: Any) -> list[Any]:
    rows = _store(info).all(
        "SELECT scenes.* FROM scenes_galleries sg JOIN scenes ON scenes.id = sg.scene_id WHERE sg.gallery_id = ?",
        (parent["_id"],),
    )
    return [scene_object(r) for r in rows]


@resolves("Gallery.studio", "Image.studio", "Scene.studio")
def _studio(parent: dict[str, Any], info: Any) -> Any:
    return named_object(_store(info), "studios", parent["_studio_id"])


def _related(info: Any, table: str, join: str, owner_col: str, other_col: str, owner_id: int) -> list[Any]:
    store = _store(info)
    ids = store.column(f"SELECT {other_col} FROM {join} WHERE {owner_col} = ?", (owner_id,))
    objs = [named_object(store, table, i) for i in ids]
    return sorted((o for o in objs if o), key=lambda o: (o["name"].lower(), o["_id"]))


@resolves("Gallery.tags")
def _gallery_tags(parent: dict[str, Any], info: Any) -> list[Any]:
    return _related(info, "tags", "galleries_tags", "gallery_id", "tag_id", parent["_id"])


@resolves("Gallery.performers")
def _gallery_performers(parent: dict[str, Any], info: Any) -> list[Any]:
    return _related(info, "performers", "performers_galleries", "gallery_id", "performer_id", parent["_id"])


@resolves("Gallery.image_count")
def _gallery_image_count(parent: dict[str, Any], info: Any) -> int:
    return _store(info).count("SELECT COUNT(*) FROM galleries_images WHERE gallery_id = ?", (parent["_id"],))


@resolves("Gallery.cover")
def _gallery_cover(parent: dict[str, Any], info: Any) -> Any:
    store = _store(info)
    cover = gallery_cover_id(store, parent["_id"], effective_cover_regex(_ctx(info).sim))
    return load_images(store, [cover])[0] if cover is not None else None


@resolves("Gallery.image")
def _gallery_image(parent: dict[str, Any], info: Any, index: int) -> Any:
    if index < 0:
        raise StashError("index must >= 0")
    ids = gallery_image_ids(_store(info), parent["_id"])
    return load_images(_store(info), [ids[index]])[0] if index < len(ids) else None


@resolves("Gallery.paths")
def _gallery_paths(parent: dict[str, Any], info: Any) -> dict[str, Any]:
    base = _ctx(info).base_url
    return {
        "cover": f"{base}/gallery/{parent['id']}/cover?t={unix_time(parent['updated_at'])}",
        "preview": f"{base}/gallery/{parent['id']}/preview",
    }


# -- GalleryChapter ---------------------------------------------------------------------------
@resolves("GalleryChapter.gallery")
def _chapter_gallery(parent: dict[str, Any], info: Any) -> Any:
    return gallery_by_id(_store(info), parent["_gallery_id"])


# -- Image -------------------------------------------------------------------------------------
@resolves("Image.urls", "Image.url")
def _image_urls(parent: dict[str, Any], info: Any) -> Any:
    urls = _store(info).column("SELECT url FROM image_urls WHERE image_id = ? ORDER BY position", (parent["_id"],))
    if info.field_name == "url":
        return urls[0] if urls else None
    return urls


@resolves("Image.files", "Image.visual_files")
def _image_files(parent: dict[str, Any], info: Any) -> list[Any]:
    """visual_files: every file, VideoFile (a clip) or ImageFile; files: the ImageFiles only
    (internal/api/resolver_model_image.go Files skips what is not an image file)."""
    store = _store(info)
    found = [file_object(store, i) for i in _owner_file_ids(store, "images", parent["_id"])]
    if info.field_name == "files":
        return [f for f in found if f is not None and f["__typename"] == "ImageFile"]
    return found


@resolves("Image.paths")
def _image_paths(parent: dict[str, Any], info: Any) -> dict[str, Any]:
    base, stamp = _ctx(info).base_url, unix_time(parent["updated_at"])
    return {
        "image": f"{base}/image/{parent['id']}/image?t={stamp}",
        "thumbnail": f"{base}/image/{parent['id']}/thumbnail?t={stamp}",
        "preview": "",
    }


@resolves("Image.galleries")
def _image_galleries(parent: dict[str, Any], info: Any) -> list[Any]:
    store = _store(info)
    ids = store.column("SELECT gallery_id FROM galleries_images WHERE image_id = ? ORDER BY rowid", (parent["_id"],))
    return load_galleries(store, ids)


@resolves("Image.tags")
def _image_tags(parent: dict[str, Any], info: Any) -> list[Any]:
    return _related(info, "tags", "images_tags", "image_id", "tag_id", parent["_id"])


@resolves("Image.performers")
def _image_performers(parent: dict[str, Any], info: Any) -> list[Any]:
    return _related(info, "performers", "performers_images", "image_id", "performer_id", parent["_id"])


# -- files and folders ------------------------------------------------------------------------
@resolves(
    "GalleryFile.parent_folder",
    "ImageFile.parent_folder",
    "VideoFile.parent_folder",
    "BasicFile.parent_folder",
    "Folder.parent_folder",
)
def _parent_folder(parent: dict[str, Any], info: Any) -> Any:
    return folder_object(_store(info), parent["_parent_folder_id"])


@resolves("GalleryFile.zip_file", "ImageFile.zip_file", "VideoFile.zip_file", "BasicFile.zip_file", "Folder.zip_file")
def _zip_file(parent: dict[str, Any], info: Any) -> Any:
    found = file_object(_store(info), parent["_zip_file_id"])
    if found is not None:
        found["__typename"] = "BasicFile"
    return found


@resolves("GalleryFile.fingerprint", "ImageFile.fingerprint", "VideoFile.fingerprint", "BasicFile.fingerprint")
def _fingerprint(parent: dict[str, Any], info: Any, type: str) -> Any:
    return next((f["value"] for f in parent["fingerprints"] if f["type"] == type), None)


@resolves("ImageFile.images")
def _file_images(parent: dict[str, Any], info: Any) -> list[Any]:
    store = _store(info)
    return load_images(store, store.column("SELECT image_id FROM images_files WHERE file_id = ?", (parent["_id"],)))


@resolves("VideoFile.scenes")
def _file_scenes(parent: dict[str, Any], info: Any) -> list[Any]:
    rows = _store(info).all(
        "SELECT scenes.* FROM scenes_files sf JOIN scenes ON scenes.id = sf.scene_id"
        " WHERE sf.file_id = ? ORDER BY scenes.id",
        (parent["_id"],),
    )
    return [scene_object(r) for r in rows]


@resolves("Folder.parent_folders")
def _parent_folders(parent: dict[str, Any], info: Any) -> list[Any]:
    out, current = [], folder_object(_store(info), parent["_parent_folder_id"])
    while current is not None:
        out.append(current)
        current = folder_object(_store(info), current["_parent_folder_id"])
    return out


@resolves("Folder.sub_folders")
def _sub_folders(parent: dict[str, Any], info: Any) -> list[Any]:
    store = _store(info)
    return [
        folder_object(store, i)
        for i in store.column("SELECT id FROM folders WHERE parent_folder_id = ? ORDER BY path", (parent["_id"],))
    ]


@resolves("GalleryFile.galleries")
def _file_galleries(parent: dict[str, Any], info: Any) -> list[Any]:
    store = _store(info)
    return load_galleries(
        store, store.column("SELECT gallery_id FROM galleries_files WHERE file_id = ?", (parent["_id"],))
    )


# -- studios ----------------------------------------------------------------------------------
@resolves("Studio.parent_studio")
def _parent_studio(parent: dict[str, Any], info: Any) -> Any:
    return named_object(_store(info), "studios", parent.get("_parent_id"))


@resolves("Studio.child_studios")
def _child_studios(parent: dict[str, Any], info: Any) -> list[Any]:
    store = _store(info)
    ids = store.column("SELECT id FROM studios WHERE parent_id = ? ORDER BY natural_key(name), id", (parent["_id"],))
    return [named_object(store, "studios", i) for i in ids]


# -- tags -------------------------------------------------------------------------------------
# Tags sort by COALESCE(sort_name, name) in natural case-insensitive order, then id
# (pkg/sqlite/tag.go getTagSort and getDefaultTagSort).
TAG_ORDER = "natural_key(COALESCE(tags.sort_name, tags.name)), tags.id"


def tags_by_sql(store: Store, sql: str, params: tuple[Any, ...]) -> list[dict[str, Any]]:
    ids = store.column(f"SELECT tags.id FROM tags WHERE tags.id IN ({sql}) ORDER BY {TAG_ORDER}", params)
    return [o for o in (named_object(store, "tags", i) for i in ids) if o]


def tag_descendants(store: Store, tag_ids: list[int], depth: int | None) -> list[int]:
    """tag_ids and their children down `depth` levels (-1: all; None or 0: none), as Stash's
    hierarchical criteria and counts follow tags_relations (pkg/sqlite/filter.go getHierarchicalValues)."""
    found, frontier, level = list(dict.fromkeys(tag_ids)), list(dict.fromkeys(tag_ids)), 0
    while frontier and depth is not None and (depth < 0 or level < depth):
        marks = ",".join("?" * len(frontier))
        frontier = [
            i
            for i in store.column(f"SELECT child_id FROM tags_relations WHERE parent_id IN ({marks})", frontier)
            if i not in found
        ]
        frontier = list(dict.fromkeys(frontier))
        found.extend(frontier)
        level += 1
    return found


@resolves("Tag.aliases")
def _tag_aliases(parent: dict[str, Any], info: Any) -> list[Any]:
    return _store(info).column("SELECT alias FROM tag_aliases WHERE tag_id = ? ORDER BY alias", (parent["_id"],))


@resolves("Tag.parents")
def _tag_parents(parent: dict[str, Any], info: Any) -> list[Any]:
    return tags_by_sql(_store(info), "SELECT parent_id FROM tags_relations WHERE child_id = ?", (parent["_id"],))


@resolves("Tag.children")
def _tag_children(parent: dict[str, Any], info: Any) -> list[Any]:
    return tags_by_sql(_store(info), "SELECT child_id FROM tags_relations WHERE parent_id = ?", (parent["_id"],))


@resolves("Tag.parent_count")
def _tag_parent_count(parent: dict[str, Any], info: Any) -> int:
    return _store(info).count("SELECT COUNT(*) FROM tags_relations WHERE child_id = ?", (parent["_id"],))


@resolves("Tag.child_count")
def _tag_child_count(parent: dict[str, Any], info: Any) -> int:
    return _store(info).count("SELECT COUNT(*) FROM tags_relations WHERE parent_id = ?", (parent["_id"],))


TAG_COUNT_JOINS = {
    "image_count": ("images_tags", "image_id"),
    "gallery_count": ("galleries_tags", "gallery_id"),
    "performer_count": ("performers_tags", "performer_id"),
    "scene_count": ("scenes_tags", "scene_id"),
    "studio_count": ("studios_tags", "studio_id"),
}


@resolves(*(f"Tag.{name}" for name in TAG_COUNT_JOINS))
def _tag_count(parent: dict[str, Any], info: Any, depth: int | None = None) -> int:
    """Distinct objects tagged with the tag or, with depth, one of its descendants
    (internal/api/resolver_model_tag.go, pkg/sqlite/tag.go countByTagIDs)."""
    store = _store(info)
    table, column = TAG_COUNT_JOINS[info.field_name]
    ids = tag_descendants(store, [parent["_id"]], depth)
    return store.count(
        f"SELECT COUNT(DISTINCT {column}) FROM {table} WHERE tag_id IN ({','.join('?' * len(ids))})", ids
    )


@resolves("Tag.image_path")
def _tag_image_path(parent: dict[str, Any], info: Any) -> str:
    """urlbuilders.GetTagImageURL: tags have no image here (the `image` input is refused)."""
    return f"{_ctx(info).base_url}/tag/{parent['id']}/image?t={unix_time(parent['updated_at'])}&default=true"


@resolves("Scene.tags")
def _scene_tags(parent: dict[str, Any], info: Any) -> list[Any]:
    return tags_by_sql(_store(info), "SELECT tag_id FROM scenes_tags WHERE scene_id = ?", (parent["_id"],))


@resolves("Studio.tags")
def _studio_tags(parent: dict[str, Any], info: Any) -> list[Any]:
    return tags_by_sql(_store(info), "SELECT tag_id FROM studios_tags WHERE studio_id = ?", (parent["_id"],))


# -- what cannot exist in the simulator's world ------------------------------------------------
# Scene markers, groups (movies), stash-box ids and tag/performer/studio custom fields: the
# library format cannot hold them and every mutation that would make them is refused, so an
# empty answer is the truth about this Stash, not a guess. Each is listed with its zero.
# (Gallery and image custom_fields are stored and answered by custom_fields.py.)
WORLD_EMPTY: dict[str, Any] = {
    "Tag.scene_marker_count": 0,
    "Tag.group_count": 0,
    "Tag.movie_count": 0,
    "Tag.stash_ids": [],
    "Tag.custom_fields": {},
    "Performer.group_count": 0,
    "Performer.movie_count": 0,
    "Performer.groups": [],
    "Performer.movies": [],
    "Performer.stash_ids": [],
    "Performer.custom_fields": {},
    "Studio.group_count": 0,
    "Studio.movie_count": 0,
    "Studio.groups": [],
    "Studio.movies": [],
    "Studio.stash_ids": [],
    "Studio.custom_fields": {},
    # o-counts come from sceneAddO / imageIncrementO, both refused
    "Performer.o_counter": 0,
    "Studio.o_counter": 0,
    "Scene.o_counter": 0,
    "Scene.scene_markers": [],
    "Scene.groups": [],
    "Scene.movies": [],
    "Scene.stash_ids": [],
    "Scene.custom_fields": {},
}


def _world_empty(parent: dict[str, Any], info: Any, **_: Any) -> Any:
    value = WORLD_EMPTY[f"{info.parent_type.name}.{info.field_name}"]
    return type(value)()


resolves(*WORLD_EMPTY)(_world_empty)


# -- performers -------------------------------------------------------------------------------
@resolves("Performer.urls", "Performer.url")
def _performer_urls(parent: dict[str, Any], info: Any) -> Any:
    urls = _store(info).column(
        "SELECT url FROM performer_urls WHERE performer_id = ? ORDER BY position", (parent["_id"],)
    )
    if info.field_name == "url":
        return urls[0] if urls else None
    return urls  # never null: Stash loads the list, empty when there is none


@resolves("Performer.alias_list")
def _performer_aliases(parent: dict[str, Any], info: Any) -> list[Any]:
    return _store(info).column(
        "SELECT alias FROM performer_aliases WHERE performer_id = ? ORDER BY alias", (parent["_id"],)
    )


@resolves("Performer.tags")
def _performer_tags(parent: dict[str, Any], info: Any) -> list[Any]:
    return tags_by_sql(_store(info), "SELECT tag_id FROM performers_tags WHERE performer_id = ?", (parent["_id"],))


PERFORMER_COUNT_JOINS = {
    "image_count": ("performers_images", "image_id"),
    "gallery_count": ("performers_galleries", "gallery_id"),
}


@resolves(*(f"Performer.{name}" for name in PERFORMER_COUNT_JOINS))
def _performer_count(parent: dict[str, Any], info: Any) -> int:
    table, column = PERFORMER_COUNT_JOINS[info.field_name]
    return _store(info).count(f"SELECT COUNT(DISTINCT {column}) FROM {table} WHERE performer_id = ?", (parent["_id"],))


def studio_descendants(store: Store, studio_ids: list[int], depth: int | None) -> list[int]:
    """studio_ids and their child studios down `depth` levels (-1: all; None or 0: none)."""
    ids, frontier, level = list(dict.fromkeys(studio_ids)), list(dict.fromkeys(studio_ids)), 0
    while frontier and depth is not None and (depth < 0 or level < depth):
        frontier = [
            i
            for i in store.column(
                f"SELECT id FROM studios WHERE parent_id IN ({','.join('?' * len(frontier))})", frontier
            )
            if i not in ids
        ]
        ids.extend(frontier)
        level += 1
    return ids


@resolves("Studio.image_count", "Studio.gallery_count", "Studio.scene_count")
def _studio_count(parent: dict[str, Any], info: Any, depth: int | None = None) -> int:
    """Objects of the studio or, with depth, of its child studios too (resolver_model_studio.go)."""
    store = _store(info)
    ids = studio_descendants(store, [parent["_id"]], depth)
    table = {"image_count": "images", "gallery_count": "galleries", "scene_count": "scenes"}[info.field_name]
    return store.count(f"SELECT COUNT(*) FROM {table} WHERE studio_id IN ({','.join('?' * len(ids))})", ids)


@resolves("Studio.performer_count")
def _studio_performer_count(parent: dict[str, Any], info: Any, depth: int | None = None) -> int:
    """performer.CountByStudioID: performers in a scene, image or gallery of the studio (or, with
    depth, of its child studios), as the performer filter `studios` counts them."""
    store = _store(info)
    ids = studio_descendants(store, [parent["_id"]], depth)
    marks = ",".join("?" * len(ids))
    shared = " UNION ".join(
        f"SELECT j.performer_id FROM {join} j JOIN {table} t ON t.id = j.{col} WHERE t.studio_id IN ({marks})"
        for join, table, col in (
            ("performers_scenes", "scenes", "scene_id"),
            ("performers_images", "images", "image_id"),
            ("performers_galleries", "galleries", "gallery_id"),
        )
    )
    return store.count(f"SELECT COUNT(*) FROM ({shared})", ids * 3)


@resolves("Studio.urls", "Studio.url")
def _studio_urls(parent: dict[str, Any], info: Any) -> Any:
    urls = _store(info).column("SELECT url FROM studio_urls WHERE studio_id = ? ORDER BY position", (parent["_id"],))
    if info.field_name == "url":
        return urls[0] if urls else None
    return urls


@resolves("Studio.aliases")
def _studio_aliases(parent: dict[str, Any], info: Any) -> list[Any]:
    return _store(info).column("SELECT alias FROM studio_aliases WHERE studio_id = ? ORDER BY alias", (parent["_id"],))


@resolves("Studio.image_path")
def _studio_image_path(parent: dict[str, Any], info: Any) -> str:
    """urlbuilders.GetStudioImageURL: no studio has an image here (the `image` input is refused)."""
    return f"{_ctx(info).base_url}/studio/{parent['id']}/image?t={unix_time(parent['updated_at'])}&default=true"


@resolves("Performer.image_path")
def _performer_image_path(parent: dict[str, Any], info: Any) -> str:
    """urlbuilders.GetPerformerImageURL: no performer has an image here (the `image` input is refused)."""
    return f"{_ctx(info).base_url}/performer/{parent['id']}/image?t={unix_time(parent['updated_at'])}&default=true"


@resolves("Performer.scene_count")
def _performer_scene_count(parent: dict[str, Any], info: Any) -> int:
    return _store(info).count("SELECT COUNT(*) FROM performers_scenes WHERE performer_id = ?", (parent["_id"],))


@resolves("Performer.scenes")
def _performer_scenes(parent: dict[str, Any], info: Any) -> list[Any]:
    rows = _store(info).all(
        "SELECT scenes.* FROM performers_scenes ps JOIN scenes ON scenes.id = ps.scene_id"
        " WHERE ps.performer_id = ? ORDER BY scenes.id",
        (parent["_id"],),
    )
    return [scene_object(r) for r in rows]


@resolves("Performer.performer_count")
def _performer_appears_with(parent: dict[str, Any], info: Any) -> int:
    """performer.CountByAppearsWith: other performers sharing a scene, image or gallery."""
    shared = " UNION ".join(
        f"SELECT o.performer_id FROM {join} o JOIN {join} me ON me.{col} = o.{col}"
        f" WHERE me.performer_id = ? AND o.performer_id != ?"
        for join, col in (
            ("performers_scenes", "scene_id"),
            ("performers_images", "image_id"),
            ("performers_galleries", "gallery_id"),
        )
    )
    return _store(info).count(f"SELECT COUNT(*) FROM ({shared})", (parent["_id"],) * 6)


@resolves("Scene.performers")
def _scene_performers(parent: dict[str, Any], info: Any) -> list[Any]:
    return _related(info, "performers", "performers_scenes", "scene_id", "performer_id", parent["_id"])


@resolves("Scene.files")
def _scene_files(parent: dict[str, Any], info: Any) -> list[Any]:
    store = _store(info)
    return [file_object(store, i) for i in _owner_file_ids(store, "scenes", parent["_id"])]


@resolves("Scene.urls", "Scene.url")
def _scene_urls(parent: dict[str, Any], info: Any) -> Any:
    urls = _store(info).column("SELECT url FROM scene_urls WHERE scene_id = ? ORDER BY position", (parent["_id"],))
    if info.field_name == "url":
        return urls[0] if urls else None
    return urls


@resolves("Scene.galleries")
def _scene_galleries(parent: dict[str, Any], info: Any) -> list[Any]:
    store = _store(info)
    return load_galleries(
        store,
        store.column(
            "SELECT gallery_id FROM scenes_galleries WHERE scene_id = ? ORDER BY gallery_id", (parent["_id"],)
        ),
    )
