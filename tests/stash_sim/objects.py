"""GraphQL objects of the simulator: rows turned into dicts, plus resolvers for computed fields.

Facts (internal/api/resolver_model_*.go; research notes of issue 2):
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

from .engine import StashError, resolves
from .goregex import GoRegexError, compile_go, go_search
from .store import Store

GALLERY_COVER_REGEX = r"(poster|cover|folder|board)\.[^\.]+$"  # Stash's default gallery_cover_regex

# The gallery image order (pkg/sqlite/image.go defaultGalleryOrder), through images.path_key.
GALLERY_IMAGE_ORDER = "images.path_key, images.id"


def _text(value: Any) -> str:
    return value if value is not None else ""


def _ctx(info: Any):
    return info.context


def _store(info: Any) -> Store:
    return info.context.sim.store


# -- builders -------------------------------------------------------------------------------
def gallery_object(row: Any) -> dict[str, Any]:
    return {
        "__typename": "Gallery", "_id": row["id"], "id": str(row["id"]), "title": _text(row["title"]),
        "code": _text(row["code"]), "details": _text(row["details"]),
        "photographer": _text(row["photographer"]), "date": row["date"], "rating100": row["rating"],
        "organized": bool(row["organized"]), "created_at": row["created_at"], "updated_at": row["updated_at"],
        "_folder_id": row["folder_id"], "_studio_id": row["studio_id"],
    }


def image_object(row: Any) -> dict[str, Any]:
    return {
        "__typename": "Image", "_id": row["id"], "id": str(row["id"]), "title": _text(row["title"]),
        "code": _text(row["code"]), "details": _text(row["details"]),
        "photographer": _text(row["photographer"]), "date": row["date"], "rating100": row["rating"],
        "organized": bool(row["organized"]), "created_at": row["created_at"], "updated_at": row["updated_at"],
        "o_counter": 0, "_studio_id": row["studio_id"],
    }


def load_galleries(store: Store, ids: list[int]) -> list[dict[str, Any]]:
    """Gallery objects for ids, in the order of ids (missing ids are skipped)."""
    if not ids:
        return []
    rows = {r["id"]: r for r in store.all(
        f"SELECT * FROM galleries WHERE id IN ({','.join('?' * len(ids))})", ids)}
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
    obj = {"__typename": typename, "_id": row["id"], "id": str(row["id"]), "name": row["name"],
           "created_at": row["created_at"], "updated_at": row["updated_at"]}
    if table == "performers":
        obj["disambiguation"] = row["disambiguation"]
    if table == "studios":
        obj["_parent_id"] = row["parent_id"]
    return obj


def file_object(store: Store, file_id: int | None) -> dict[str, Any] | None:
    if file_id is None:
        return None
    row = store.one(
        "SELECT files.*, folders.path AS folder_path FROM files JOIN folders ON folders.id = files.parent_folder_id"
        " WHERE files.id = ?", (file_id,))
    if row is None:
        return None
    typename = {"image": "ImageFile", "zip": "GalleryFile", "video": "VideoFile"}[row["kind"]]
    video = {  # VideoFile's own fields (graphql/schema/types/file.graphql)
        "duration": row["duration"] or 0.0, "video_codec": "h264", "audio_codec": "", "frame_rate": 30.0,
        "bit_rate": 1_000_000,
    } if row["kind"] == "video" else {}
    return {**video,
        "__typename": typename, "_id": row["id"], "id": str(row["id"]),
        "path": store.host.join(row["folder_path"], row["basename"]), "basename": row["basename"],
        "parent_folder_id": str(row["parent_folder_id"]),
        "zip_file_id": str(row["zip_file_id"]) if row["zip_file_id"] else None,
        "_parent_folder_id": row["parent_folder_id"], "_zip_file_id": row["zip_file_id"],
        "mod_time": row["mod_time"], "size": row["size"], "width": row["width"], "height": row["height"],
        "format": row["basename"].rsplit(".", 1)[-1].lower() if "." in row["basename"] else "",
        "fingerprints": [{"type": "md5", "value": row["md5"]}] if row["md5"] else [],
        "created_at": row["mod_time"], "updated_at": row["mod_time"],
    }


def folder_object(store: Store, folder_id: int | None) -> dict[str, Any] | None:
    if folder_id is None:
        return None
    row = store.one("SELECT * FROM folders WHERE id = ?", (folder_id,))
    if row is None:
        return None
    return {
        "__typename": "Folder", "_id": row["id"], "id": str(row["id"]), "path": row["path"],
        "basename": store.host.base(row["path"]),
        "parent_folder_id": str(row["parent_folder_id"]) if row["parent_folder_id"] else None,
        "zip_file_id": str(row["zip_file_id"]) if row["zip_file_id"] else None,
        "_parent_folder_id": row["parent_folder_id"], "_zip_file_id": row["zip_file_id"],
        "mod_time": row["mod_time"], "created_at": row["mod_time"], "updated_at": row["mod_time"],
    }


def chapter_object(row: Any) -> dict[str, Any]:
    return {
        "__typename": "GalleryChapter", "_id": row["id"], "id": str(row["id"]), "title": row["title"],
        "image_index": row["image_index"], "created_at": row["created_at"], "updated_at": row["updated_at"],
        "_gallery_id": row["gallery_id"],
    }


def scene_object(row: Any) -> dict[str, Any]:
    return {"__typename": "Scene", "_id": row["id"], "id": str(row["id"]), "title": _text(row["title"]),
            "created_at": row["created_at"], "updated_at": row["updated_at"]}


# -- gallery facts shared with the mutations -----------------------------------------------
def gallery_image_ids(store: Store, gallery_id: int) -> list[int]:
    """The gallery's images in Stash's gallery image order."""
    return store.column(
        f"SELECT images.id FROM galleries_images gi JOIN images ON images.id = gi.image_id"
        f" WHERE gi.gallery_id = ? ORDER BY {GALLERY_IMAGE_ORDER}", (gallery_id,))


def image_path(store: Store, image_id: int) -> str:
    row = store.one(
        'SELECT file_path(folders.path, files.basename) FROM images_files i_f JOIN files ON files.id = i_f.file_id'
        ' JOIN folders ON folders.id = files.parent_folder_id WHERE i_f.image_id = ? AND i_f."primary" = 1',
        (image_id,))
    return row[0] if row else ""


def cover_regex_in_use(configured: str) -> str:
    """GetGalleryCoverRegex (internal/manager/config/config.go): a regex Go refuses reverts to the default."""
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
    explicit = store.value("SELECT image_id FROM galleries_images WHERE gallery_id = ? AND cover = 1 LIMIT 1",
                           (gallery_id,))
    if explicit is not None:
        return explicit
    pattern = "(?i)" + cover_regex_in_use(cover_regex)
    rows = store.all(
        "SELECT images.id, filter_path(folders.path, files.basename) FROM galleries_images gi"
        " JOIN images ON images.id = gi.image_id"
        ' JOIN images_files i_f ON i_f.image_id = images.id AND i_f."primary" = 1'
        " JOIN files ON files.id = i_f.file_id JOIN folders ON folders.id = files.parent_folder_id"
        f" WHERE gi.gallery_id = ? ORDER BY {GALLERY_IMAGE_ORDER}", (gallery_id,))
    for image_id, path in rows:
        if go_search(pattern, path):
            return image_id
    return rows[0][0] if rows else None


def gallery_kind(store: Store, gallery_id: int) -> tuple[str, str]:
    """('zip-based' | 'folder-based' | 'user-created', GetTitle()) for messages."""
    row = store.one("SELECT title, folder_id FROM galleries WHERE id = ?", (gallery_id,))
    zip_path = store.value(
        "SELECT file_path(folders.path, files.basename) FROM galleries_files gf JOIN files ON files.id = gf.file_id"
        " JOIN folders ON folders.id = files.parent_folder_id WHERE gf.gallery_id = ? LIMIT 1", (gallery_id,))
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
def _gallery_urls(parent: dict, info: Any) -> Any:
    urls = _store(info).column("SELECT url FROM gallery_urls WHERE gallery_id = ? ORDER BY position",
                               (parent["_id"],))
    if info.field_name == "url":
        return urls[0] if urls else None
    return urls


@resolves("Gallery.files")
def _gallery_files(parent: dict, info: Any) -> list:
    store = _store(info)
    ids = store.column('SELECT file_id FROM galleries_files WHERE gallery_id = ? ORDER BY "primary" DESC',
                       (parent["_id"],))
    return [file_object(store, i) for i in ids]


@resolves("Gallery.folder")
def _gallery_folder(parent: dict, info: Any) -> Any:
    return folder_object(_store(info), parent["_folder_id"])


@resolves("Gallery.chapters")
def _gallery_chapters(parent: dict, info: Any) -> list:
    rows = _store(info).all("SELECT * FROM galleries_chapters WHERE gallery_id = ? ORDER BY image_index, id",
                            (parent["_id"],))
    return [chapter_object(r) for r in rows]


@resolves("Gallery.scenes")
def _gallery_scenes(parent: dict, info: Any) -> list:
    rows = _store(info).all(
        "SELECT scenes.* FROM scenes_galleries sg JOIN scenes ON scenes.id = sg.scene_id WHERE sg.gallery_id = ?",
        (parent["_id"],))
    return [scene_object(r) for r in rows]


@resolves("Gallery.studio", "Image.studio")
def _studio(parent: dict, info: Any) -> Any:
    return named_object(_store(info), "studios", parent["_studio_id"])


def _related(info: Any, table: str, join: str, owner_col: str, other_col: str, owner_id: int) -> list:
    store = _store(info)
    ids = store.column(f"SELECT {other_col} FROM {join} WHERE {owner_col} = ?", (owner_id,))
    objs = [named_object(store, table, i) for i in ids]
    return sorted((o for o in objs if o), key=lambda o: (o["name"].lower(), o["_id"]))


@resolves("Gallery.tags")
def _gallery_tags(parent: dict, info: Any) -> list:
    return _related(info, "tags", "galleries_tags", "gallery_id", "tag_id", parent["_id"])


@resolves("Gallery.performers")
def _gallery_performers(parent: dict, info: Any) -> list:
    return _related(info, "performers", "performers_galleries", "gallery_id", "performer_id", parent["_id"])


@resolves("Gallery.image_count")
def _gallery_image_count(parent: dict, info: Any) -> int:
    return _store(info).value("SELECT COUNT(*) FROM galleries_images WHERE gallery_id = ?", (parent["_id"],))


@resolves("Gallery.cover")
def _gallery_cover(parent: dict, info: Any) -> Any:
    store = _store(info)
    cover = gallery_cover_id(store, parent["_id"], _ctx(info).sim.config.gallery_cover_regex)
    return load_images(store, [cover])[0] if cover is not None else None


@resolves("Gallery.image")
def _gallery_image(parent: dict, info: Any, index: int) -> Any:
    if index < 0:
        raise StashError("index must >= 0")
    ids = gallery_image_ids(_store(info), parent["_id"])
    return load_images(_store(info), [ids[index]])[0] if index < len(ids) else None


@resolves("Gallery.paths")
def _gallery_paths(parent: dict, info: Any) -> dict:
    base = _ctx(info).base_url
    return {"cover": f"{base}/gallery/{parent['id']}/cover?t={unix_time(parent['updated_at'])}",
            "preview": f"{base}/gallery/{parent['id']}/preview"}


# -- GalleryChapter ---------------------------------------------------------------------------
@resolves("GalleryChapter.gallery")
def _chapter_gallery(parent: dict, info: Any) -> Any:
    return gallery_by_id(_store(info), parent["_gallery_id"])


# -- Image -------------------------------------------------------------------------------------
@resolves("Image.urls", "Image.url")
def _image_urls(parent: dict, info: Any) -> Any:
    urls = _store(info).column("SELECT url FROM image_urls WHERE image_id = ? ORDER BY position", (parent["_id"],))
    if info.field_name == "url":
        return urls[0] if urls else None
    return urls


@resolves("Image.files", "Image.visual_files")
def _image_files(parent: dict, info: Any) -> list:
    """visual_files: every file, VideoFile (a clip) or ImageFile; files: the ImageFiles only
    (internal/api/resolver_model_image.go Files skips what is not an image file)."""
    store = _store(info)
    ids = store.column('SELECT file_id FROM images_files WHERE image_id = ? ORDER BY "primary" DESC',
                       (parent["_id"],))
    found = [file_object(store, i) for i in ids]
    if info.field_name == "files":
        return [f for f in found if f is not None and f["__typename"] == "ImageFile"]
    return found


@resolves("Image.paths")
def _image_paths(parent: dict, info: Any) -> dict:
    base, stamp = _ctx(info).base_url, unix_time(parent["updated_at"])
    return {"image": f"{base}/image/{parent['id']}/image?t={stamp}",
            "thumbnail": f"{base}/image/{parent['id']}/thumbnail?t={stamp}", "preview": ""}


@resolves("Image.galleries")
def _image_galleries(parent: dict, info: Any) -> list:
    store = _store(info)
    ids = store.column("SELECT gallery_id FROM galleries_images WHERE image_id = ? ORDER BY rowid", (parent["_id"],))
    return load_galleries(store, ids)


@resolves("Image.tags")
def _image_tags(parent: dict, info: Any) -> list:
    return _related(info, "tags", "images_tags", "image_id", "tag_id", parent["_id"])


@resolves("Image.performers")
def _image_performers(parent: dict, info: Any) -> list:
    return _related(info, "performers", "performers_images", "image_id", "performer_id", parent["_id"])


# -- files and folders ------------------------------------------------------------------------
@resolves("GalleryFile.parent_folder", "ImageFile.parent_folder", "VideoFile.parent_folder",
          "BasicFile.parent_folder", "Folder.parent_folder")
def _parent_folder(parent: dict, info: Any) -> Any:
    return folder_object(_store(info), parent["_parent_folder_id"])


@resolves("GalleryFile.zip_file", "ImageFile.zip_file", "VideoFile.zip_file", "BasicFile.zip_file",
          "Folder.zip_file")
def _zip_file(parent: dict, info: Any) -> Any:
    found = file_object(_store(info), parent["_zip_file_id"])
    if found is not None:
        found["__typename"] = "BasicFile"
    return found


@resolves("GalleryFile.fingerprint", "ImageFile.fingerprint", "VideoFile.fingerprint", "BasicFile.fingerprint")
def _fingerprint(parent: dict, info: Any, type: str) -> Any:
    return next((f["value"] for f in parent["fingerprints"] if f["type"] == type), None)


@resolves("ImageFile.images")
def _file_images(parent: dict, info: Any) -> list:
    store = _store(info)
    return load_images(store, store.column("SELECT image_id FROM images_files WHERE file_id = ?", (parent["_id"],)))


@resolves("Folder.parent_folders")
def _parent_folders(parent: dict, info: Any) -> list:
    out, current = [], folder_object(_store(info), parent["_parent_folder_id"])
    while current is not None:
        out.append(current)
        current = folder_object(_store(info), current["_parent_folder_id"])
    return out


@resolves("Folder.sub_folders")
def _sub_folders(parent: dict, info: Any) -> list:
    store = _store(info)
    return [folder_object(store, i) for i in store.column(
        "SELECT id FROM folders WHERE parent_folder_id = ? ORDER BY path", (parent["_id"],))]


# -- studios ----------------------------------------------------------------------------------
@resolves("Studio.parent_studio")
def _parent_studio(parent: dict, info: Any) -> Any:
    return named_object(_store(info), "studios", parent.get("_parent_id"))
