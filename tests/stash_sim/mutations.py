"""Mutation resolvers, with Stash's rules, messages and hooks.

Facts (docs/stash.md §3-§4; internal/api/resolver_mutation_{gallery,image,tag,performer,
studio,configure}.go, internal/api/changeset_translator.go, pkg/gallery/*; research notes):
- Partial updates: an absent key leaves a field alone, null clears it; text is trimmed
  (galleryUpdate keeps a title untrimmed); "" clears text and dates.
- galleryCreate: `title must not be empty` for ""; galleryUpdate: `title must not be
  empty for user-created galleries`; `organized: null` is an internal error.
- tag_ids / performer_ids / scene_ids / urls replace the whole list on update; in bulk
  updates they are BulkUpdateIds / BulkUpdateStrings with SET, ADD (skips present), REMOVE.
- Unknown studio, tag, performer, scene or image ids fail on SQLite's foreign keys
  ("... FOREIGN KEY constraint failed", the statement's arguments as pkg/sqlite/tx.go
  prints them: [[23 999999]]) and roll the transaction back.
- galleriesUpdate, bulkGalleryUpdate and bulkImageUpdate with no galleries or images answer
  null: the resolvers append to a nil slice (resolver_mutation_gallery.go, _image.go).
- add/removeGalleryImages refuse zip- and folder-based galleries; add ignores images
  already there; remove does not check membership; setGalleryCover does not check the
  image at all (the old cover is cleared and nothing may be flagged); none of these four
  fires a hook; they bump the gallery's updated_at.
- Chapters: 1 <= image_index <= image count, else `Image # must greater than zero and
  in range of the gallery images` (an unknown gallery has 0 images).
- Hooks run after the commit: Gallery.Create.Post (input without nulls, no inputFields),
  Gallery.Update.Post (input with every key, inputFields = keys sent; bulk and
  galleriesUpdate fire one per gallery), Gallery.Destroy.Post, GalleryChapter.*,
  Image.Update.Post (one per image of bulkImageUpdate), Tag/Performer/Studio.Create.Post.
"""

from __future__ import annotations

import json
import sqlite3
from typing import Any

from . import custom_fields, related_files
from .engine import StashError, resolves
from .godate import parse_stash_date
from .objects import (
    chapter_object,
    gallery_by_id,
    gallery_kind,
    image_path,
    load_galleries,
    load_images,
    scene_object,
)
from .queries import parse_id
from .runner import PluginRunner, PluginStartError
from .store import Store, executing_error, inserted_id, now_text

ORGANIZED_NULL = "Internal system error. Error <null value not allowed in optional bool>"
FK_FAILED = "FOREIGN KEY constraint failed"
GALLERY_UPDATE_KEYS = (  # models.GalleryUpdateInput, marshalled with every key (hookContext.input)
    "clientMutationId",
    "id",
    "title",
    "code",
    "urls",
    "date",
    "details",
    "photographer",
    "rating100",
    "organized",
    "scene_ids",
    "studio_id",
    "tag_ids",
    "performer_ids",
    "primary_file_id",
    "url",
)
GALLERY_JOINS = {  # input key -> (join table, owner column, other column, converting-error noun)
    "tag_ids": ("galleries_tags", "gallery_id", "tag_id", "tag ids"),
    "performer_ids": ("performers_galleries", "gallery_id", "performer_id", "performer ids"),
    "scene_ids": ("scenes_galleries", "gallery_id", "scene_id", "scene ids"),
}
IMAGE_JOINS = {
    "tag_ids": ("images_tags", "image_id", "tag_id", "tag ids"),
    "performer_ids": ("performers_images", "image_id", "performer_id", "performer ids"),
    "gallery_ids": ("galleries_images", "image_id", "gallery_id", "gallery ids"),
}


def _store(info: Any) -> Store:
    store: Store = info.context.sim.store
    return store


def _quote(text: str) -> str:
    """Go's %q for ordinary text."""
    return json.dumps(text, ensure_ascii=False)


def _ids(values: list[Any] | None, wrap: str) -> list[int]:
    return [parse_id(v, wrap) for v in values or []]


def parse_date(value: str) -> str:
    """models.ParseDate with Go's layouts, untrimmed; keeps the precision (godate.py)."""
    try:
        return parse_stash_date(value)
    except ValueError as exc:
        raise StashError(f"converting date: {exc}") from None


def _text_or_null(value: str | None) -> str | None:
    if value is None:
        return None
    value = value.strip()
    return value or None


def _touch(db: sqlite3.Connection, table: str, row_id: int) -> None:
    db.execute(f"UPDATE {table} SET updated_at = ? WHERE id = ?", (now_text(), row_id))


def _sqlite_message(exc: sqlite3.IntegrityError) -> str:
    """go-sqlite3's text of a constraint failure ("FOREIGN KEY constraint failed")."""
    return FK_FAILED if FK_FAILED in str(exc) else str(exc)


def _fk(where: str, exc: sqlite3.IntegrityError) -> StashError:
    return StashError(f"{where}: {FK_FAILED}" if FK_FAILED in str(exc) else f"{where}: {exc}")


def _omit_nulls(value: dict[str, Any]) -> dict[str, Any]:
    """gqlgen's generated inputs marshal with omitempty.

    Nullable scalars are Go pointers, which omitempty drops only when nil: an explicit
    "" stays. Lists are slices, dropped when empty (encoding/json).
    """
    return {k: v for k, v in value.items() if v is not None and v != []}


# -- shared field writes ------------------------------------------------------------------------
def _apply_scalars(
    db: sqlite3.Connection,
    table: str,
    row_id: int,
    given: dict[str, Any],
    text_keys: tuple[str, ...] = ("code", "details", "photographer"),
) -> None:
    """code, details, photographer, date, rating100, organized, studio_id from a partial input."""
    sets: dict[str, Any] = {}
    for key in text_keys:
        if key in given:
            sets[key] = _text_or_null(given[key])
    if "date" in given:
        sets["date"] = parse_date(given["date"]) if given["date"] else None
    if "rating100" in given:
        sets["rating"] = given["rating100"]
    if "organized" in given:
        if given["organized"] is None:
            raise StashError(ORGANIZED_NULL)
        sets["organized"] = 1 if given["organized"] else 0
    if "studio_id" in given:
        studio = given["studio_id"]
        try:
            sets["studio_id"] = int(studio) if studio is not None else None
        except ValueError:
            raise StashError(
                f'converting studio id: converting {studio} to int: strconv.Atoi: parsing "{studio}": invalid syntax'
            ) from None
    if not sets:
        return
    assignments = ", ".join(f"{column} = ?" for column in sets)
    try:
        db.execute(f"UPDATE {table} SET {assignments} WHERE id = ?", (*sets.values(), row_id))
    except sqlite3.IntegrityError as exc:
        raise _fk(f'updating {table}: executing `UPDATE "{table}" SET ...`', exc) from exc


def _set_join(
    db: sqlite3.Connection, join: tuple[str, str, str, str], owner_id: int, ids: list[int], mode: str = "SET"
) -> None:
    table, owner_col, other_col, _ = join
    if mode == "SET":
        db.execute(f"DELETE FROM {table} WHERE {owner_col} = ?", (owner_id,))
    if mode == "REMOVE":
        db.executemany(f"DELETE FROM {table} WHERE {owner_col} = ? AND {other_col} = ?", [(owner_id, i) for i in ids])
        return
    for other_id in ids:
        try:
            db.execute(f"INSERT OR IGNORE INTO {table}({owner_col}, {other_col}) VALUES (?, ?)", (owner_id, other_id))
        except sqlite3.IntegrityError as exc:
            raise StashError(
                executing_error(
                    f"INSERT INTO {table} ({owner_col}, {other_col}) VALUES (?, ?) ON CONFLICT"
                    f" ({owner_col}, {other_col}) DO NOTHING",
                    (owner_id, other_id),
                    _sqlite_message(exc),
                )
            ) from exc


def _set_urls(
    db: sqlite3.Connection, table: str, owner_col: str, owner_id: int, urls: list[str], mode: str = "SET"
) -> None:
    current = [
        r[0] for r in db.execute(f"SELECT url FROM {table} WHERE {owner_col} = ? ORDER BY position", (owner_id,))
    ]
    cleaned = [u.strip() for u in urls]
    if mode == "ADD":
        result = current + [u for u in cleaned if u not in current]
    elif mode == "REMOVE":
        result = [u for u in current if u not in cleaned]
    else:
        result = cleaned
    db.execute(f"DELETE FROM {table} WHERE {owner_col} = ?", (owner_id,))
    db.executemany(
        f"INSERT INTO {table}({owner_col}, position, url) VALUES (?, ?, ?)",
        [(owner_id, i, u) for i, u in enumerate(result)],
    )


def _require_gallery(db: sqlite3.Connection, gallery_id: int) -> None:
    if db.execute("SELECT 1 FROM galleries WHERE id = ?", (gallery_id,)).fetchone() is None:
        raise StashError(f"gallery with id {gallery_id} not found")


# -- galleries ---------------------------------------------------------------------------------
@resolves("Mutation.galleryCreate")
def gallery_create(_: Any, info: Any, input: dict[str, Any]) -> Any:
    if input["title"] == "":
        raise StashError("title must not be empty")
    store = _store(info)
    given = {k: v for k, v in input.items() if k not in ("title", "urls", "url", "custom_fields") and v is not None}
    joins = {key: _ids(input.get(key), f"converting {GALLERY_JOINS[key][3]}") for key in GALLERY_JOINS}
    with store.transaction() as db:
        stamp = now_text()
        gallery_id = inserted_id(
            db.execute(
                "INSERT INTO galleries(title, created_at, updated_at) VALUES (?, ?, ?)",
                (_text_or_null(input["title"]), stamp, stamp),
            )
        )
        try:
            _apply_scalars(db, "galleries", gallery_id, given)
        except StashError as exc:
            raise StashError(str(exc).replace("updating galleries", "inserting into galleries")) from exc
        for key, ids in joins.items():
            _set_join(db, GALLERY_JOINS[key], gallery_id, ids)
        urls: list[str] = (
            input["urls"] if input.get("urls") is not None else ([input["url"]] if input.get("url") else [])
        )
        _set_urls(db, "gallery_urls", "gallery_id", gallery_id, urls)
        custom_fields.set_on_create(db, "galleries", gallery_id, input.get("custom_fields"))
    info.context.fire_hook("Gallery.Create.Post", gallery_id, _omit_nulls(input), None)
    return gallery_by_id(store, gallery_id)


def _gallery_update(db: sqlite3.Connection, store: Store, input: dict[str, Any]) -> int:
    gallery_id = parse_id(input["id"], "converting id")
    row = db.execute("SELECT folder_id FROM galleries WHERE id = ?", (gallery_id,)).fetchone()
    if row is None:
        raise StashError(f"gallery with id {gallery_id} not found")
    if input.get("title") is not None:
        if input["title"] == "" and gallery_kind(store, gallery_id)[0] == "user-created":
            raise StashError("title must not be empty for user-created galleries")
        db.execute("UPDATE galleries SET title = ? WHERE id = ?", (input["title"] or None, gallery_id))
    _apply_scalars(db, "galleries", gallery_id, input)
    if input.get("primary_file_id"):
        file_id = parse_id(input["primary_file_id"], "converting primary file id")
        files = [r[0] for r in db.execute("SELECT file_id FROM galleries_files WHERE gallery_id = ?", (gallery_id,))]
        if file_id not in files:
            raise StashError(f"file with id {file_id} not associated with gallery")
        related_files.set_primary(db, "galleries", gallery_id, file_id)  # UpdatePartial: setPrimary
    for key, join in GALLERY_JOINS.items():
        if key in input:
            _set_join(db, join, gallery_id, _ids(input[key], f"converting {join[3]}"))
    if "urls" in input:
        _set_urls(db, "gallery_urls", "gallery_id", gallery_id, input["urls"] or [])
    elif input.get("url") is not None:
        _set_urls(db, "gallery_urls", "gallery_id", gallery_id, [input["url"]])
    custom_fields.apply_input(db, "galleries", gallery_id, input.get("custom_fields"))
    _touch(db, "galleries", gallery_id)
    return gallery_id


def _full_update_input(input: dict[str, Any], info: Any) -> dict[str, Any]:
    # models.GalleryUpdateInput has the release schema's keys (custom_fields from v0.31)
    keys = info.context.sim.release_schema_fields("GalleryUpdateInput")
    return {key: input.get(key) for key in (*GALLERY_UPDATE_KEYS, *(k for k in keys if k not in GALLERY_UPDATE_KEYS))}


@resolves("Mutation.galleryUpdate")
def gallery_update(_: Any, info: Any, input: dict[str, Any]) -> Any:
    store = _store(info)
    with store.transaction() as db:
        gallery_id = _gallery_update(db, store, input)
    info.context.fire_hook("Gallery.Update.Post", gallery_id, _full_update_input(input, info), list(input))
    return gallery_by_id(store, gallery_id)


@resolves("Mutation.galleriesUpdate")
def galleries_update(_: Any, info: Any, input: list[dict[str, Any]]) -> list[dict[str, Any]] | None:
    store = _store(info)
    with store.transaction() as db:
        ids = [_gallery_update(db, store, item) for item in input]
    whole = [_full_update_input(item, info) for item in input]
    for gallery_id, item in zip(ids, input, strict=True):
        info.context.fire_hook("Gallery.Update.Post", gallery_id, whole, list(item))
    return load_galleries(store, ids) or None  # no galleries: the nil slice, null


@resolves("Mutation.bulkGalleryUpdate")
def bulk_gallery_update(_: Any, info: Any, input: dict[str, Any]) -> list[dict[str, Any]] | None:
    store = _store(info)
    ids = _ids(input.get("ids"), "converting ids")
    joins = {}
    for key in GALLERY_JOINS:
        if input.get(key) is not None:
            bulk = input[key]
            joins[key] = (_ids(bulk.get("ids"), f"converting ids [{bulk.get('ids')}]"), bulk["mode"])
    with store.transaction() as db:
        for gallery_id in ids:
            _apply_scalars(db, "galleries", gallery_id, input)
            for key, (join_ids, mode) in joins.items():
                _set_join(db, GALLERY_JOINS[key], gallery_id, join_ids, mode)
            # No lookup first: UpdatePartial writes, then reads the gallery back, so an unknown
            # id is sql.ErrNoRows unless a join insert failed its foreign key before
            # (BulkGalleryUpdate; pkg/sqlite/gallery.go UpdatePartial, find, get).
            if db.execute("SELECT 1 FROM galleries WHERE id = ?", (gallery_id,)).fetchone() is None:
                raise StashError("sql: no rows in result set")
            if input.get("urls") is not None:
                _set_urls(
                    db,
                    "gallery_urls",
                    "gallery_id",
                    gallery_id,
                    input["urls"].get("values") or [],
                    input["urls"]["mode"],
                )
            custom_fields.apply_input(db, "galleries", gallery_id, input.get("custom_fields"))
            _touch(db, "galleries", gallery_id)
    for gallery_id in ids:
        info.context.fire_hook("Gallery.Update.Post", gallery_id, _omit_nulls(input), list(input))
    return load_galleries(store, ids) or None  # no ids: the nil slice, null


@resolves("Mutation.galleryDestroy")
def gallery_destroy(_: Any, info: Any, input: dict[str, Any]) -> bool:
    store = _store(info)
    ids = _ids(input.get("ids"), "converting ids")
    delete_file = bool(input.get("delete_file"))
    destroyed: list[tuple[int, dict[str, Any]]] = []
    images_destroyed: list[dict[str, Any]] = []
    with store.transaction() as db:
        for gallery_id in ids:
            _require_gallery(db, gallery_id)
            kind, _ = gallery_kind(store, gallery_id)
            zip_row = db.execute(  # the primary file: Gallery.Path and the checksum in the hook's input
                "SELECT files.id, files.md5, file_path(folders.path, files.basename) FROM galleries_files gf"
                " JOIN files ON files.id = gf.file_id JOIN folders ON folders.id = files.parent_folder_id"
                f" WHERE gf.gallery_id = ? ORDER BY gf.{related_files.FILE_ORDER} LIMIT 1",
                (gallery_id,),
            ).fetchone()
            folder_path = db.execute(
                "SELECT folders.path FROM galleries JOIN folders ON folders.id ="
                " galleries.folder_id WHERE galleries.id = ?",
                (gallery_id,),
            ).fetchone()
            doomed: list[int] = []
            if kind == "zip-based":
                doomed = _destroy_zip_images(db, gallery_id)
            if kind == "folder-based" and delete_file:
                doomed = _destroy_folder_images(db, gallery_id)
            images_destroyed = [
                {
                    "id": "",
                    "delete_file": input.get("delete_file"),
                    "delete_generated": input.get("delete_generated"),
                    "checksum": store.value(
                        "SELECT files.md5 FROM images_files i_f JOIN files ON files.id = i_f.file_id"
                        ' WHERE i_f.image_id = ? AND i_f."primary" = 1',
                        (i,),
                    )
                    or "",
                    "path": image_path(store, i),
                    "_id": i,
                }
                for i in doomed
            ]
            db.executemany("DELETE FROM images WHERE id = ?", [(i,) for i in doomed])
            db.execute("DELETE FROM galleries WHERE id = ?", (gallery_id,))
            destroyed.append(
                (
                    gallery_id,
                    {
                        "ids": input.get("ids"),
                        "delete_file": input.get("delete_file"),
                        "delete_generated": input.get("delete_generated"),
                        "checksum": zip_row[1] if zip_row else "",
                        "path": zip_row[2] if zip_row else (folder_path[0] if folder_path else ""),
                    },
                )
            )
    for gallery_id, hook_input in destroyed:
        info.context.fire_hook("Gallery.Destroy.Post", gallery_id, hook_input, None)
    for image in images_destroyed:  # Stash: only the last gallery's images get hooks
        image_id = image.pop("_id")
        info.context.fire_hook("Image.Destroy.Post", image_id, image, None)
    return True


def _destroy_zip_images(db: sqlite3.Connection, gallery_id: int) -> list[int]:
    """pkg/gallery/delete.go destroyZipFileImages: for each zip file of the gallery that no other
    gallery has, pkg/image/delete.go DestroyZipImages: an image with a file inside that zip loses
    that file when it has others (RemoveFileID), else it is destroyed. The ids destroyed, in order."""
    doomed: list[int] = []
    for zip_id in related_files.file_ids(db, "galleries", gallery_id):
        if db.execute("SELECT COUNT(*) FROM galleries_files WHERE file_id = ?", (zip_id,)).fetchone()[0] > 1:
            continue  # other gallery associated, don't remove
        for image_id in _images_with_files(db, "files.zip_file_id = ?", zip_id):
            if image_id in doomed:
                continue
            files = related_files.file_ids(db, "images", image_id)
            if len(files) > 1:
                for file_id in db.execute(
                    f"SELECT id FROM files WHERE zip_file_id = ? AND id IN ({','.join('?' * len(files))})",
                    (zip_id, *files),
                ).fetchall():
                    related_files.remove_file(db, "images", image_id, file_id[0])
                related_files.refresh_image_key(db, image_id)
                continue
            doomed.append(image_id)
    return doomed


def _destroy_folder_images(db: sqlite3.Connection, gallery_id: int) -> list[int]:
    """pkg/image/delete.go DestroyFolderImages (galleryDestroy with delete_file of a folder gallery):
    an image with a file in the folder loses that file when it has others, else it is destroyed
    unless it is in another gallery. Returns the images to destroy (the caller deletes them; the
    files on disk are not deleted: the simulator does not model deleting files)."""
    folder_id = db.execute("SELECT folder_id FROM galleries WHERE id = ?", (gallery_id,)).fetchone()[0]
    doomed: list[int] = []
    for image_id in _images_with_files(db, "files.parent_folder_id = ?", folder_id):
        files = related_files.file_ids(db, "images", image_id)
        if len(files) > 1:
            for file_id in db.execute(
                f"SELECT id FROM files WHERE parent_folder_id = ? AND id IN ({','.join('?' * len(files))})",
                (folder_id, *files),
            ).fetchall():
                related_files.remove_file(db, "images", image_id, file_id[0])
            related_files.refresh_image_key(db, image_id)
            continue
        if db.execute("SELECT COUNT(*) FROM galleries_images WHERE image_id = ?", (image_id,)).fetchone()[0] > 1:
            continue
        doomed.append(image_id)
    return doomed


def _images_with_files(db: sqlite3.Connection, where: str, value: int) -> list[int]:
    """FindByZipFileID / FindByFolderID: images with a file matching `where` (findBySubquery: by id)."""
    return [
        r[0]
        for r in db.execute(
            f"SELECT DISTINCT i_f.image_id FROM images_files i_f JOIN files ON files.id = i_f.file_id WHERE {where}"
            " ORDER BY i_f.image_id",
            (value,),
        )
    ]


def _content_change(store: Store, db: sqlite3.Connection, input: dict[str, Any]) -> tuple[int, list[int]]:
    gallery_id = parse_id(input["gallery_id"], "converting gallery id")
    image_ids = _ids(input["image_ids"], "converting image ids")
    _require_gallery(db, gallery_id)
    kind, title = gallery_kind(store, gallery_id)
    if kind != "user-created":
        raise StashError(f"cannot change contents of {kind} gallery {_quote(title)}")
    return gallery_id, image_ids


@resolves("Mutation.addGalleryImages")
def add_gallery_images(_: Any, info: Any, input: dict[str, Any]) -> bool:
    store = _store(info)
    with store.transaction() as db:
        gallery_id, image_ids = _content_change(store, db, input)
        for image_id in image_ids:
            try:
                db.execute(
                    "INSERT OR IGNORE INTO galleries_images(gallery_id, image_id) VALUES (?, ?)", (gallery_id, image_id)
                )
            except sqlite3.IntegrityError as exc:
                raise StashError(
                    "failed to add images to gallery: "
                    + executing_error(
                        "INSERT INTO galleries_images (gallery_id, image_id) VALUES (?, ?) ON CONFLICT (gallery_id,"
                        " image_id) DO NOTHING",
                        (gallery_id, image_id),
                        _sqlite_message(exc),
                    )
                ) from exc
        _touch(db, "galleries", gallery_id)
    return True


@resolves("Mutation.removeGalleryImages")
def remove_gallery_images(_: Any, info: Any, input: dict[str, Any]) -> bool:
    store = _store(info)
    with store.transaction() as db:
        gallery_id, image_ids = _content_change(store, db, input)
        db.executemany(
            "DELETE FROM galleries_images WHERE gallery_id = ? AND image_id = ?", [(gallery_id, i) for i in image_ids]
        )
        _touch(db, "galleries", gallery_id)
    return True


@resolves("Mutation.setGalleryCover")
def set_gallery_cover(_: Any, info: Any, input: dict[str, Any]) -> bool:
    gallery_id = parse_id(input["gallery_id"], "converting gallery id")
    image_id = parse_id(input["cover_image_id"], "converting cover image id")
    with _store(info).transaction() as db:
        _require_gallery(db, gallery_id)
        db.execute("UPDATE galleries_images SET cover = 0 WHERE gallery_id = ?", (gallery_id,))
        # no check that the image is in the gallery: this may flag nothing (docs/stash.md §4)
        db.execute(
            "UPDATE galleries_images SET cover = 1 WHERE image_id = ? AND gallery_id = ?", (image_id, gallery_id)
        )
        _touch(db, "galleries", gallery_id)
    return True


@resolves("Mutation.resetGalleryCover")
def reset_gallery_cover(_: Any, info: Any, input: dict[str, Any]) -> bool:
    gallery_id = parse_id(input["gallery_id"], "converting gallery id")
    with _store(info).transaction() as db:
        _require_gallery(db, gallery_id)
        db.execute("UPDATE galleries_images SET cover = 0 WHERE gallery_id = ?", (gallery_id,))
        _touch(db, "galleries", gallery_id)
    return True


# -- chapters ----------------------------------------------------------------------------------
CHAPTER_RANGE = "Image # must greater than zero and in range of the gallery images"


def _check_index(db: sqlite3.Connection, gallery_id: int, image_index: int) -> None:
    count = db.execute("SELECT COUNT(*) FROM galleries_images WHERE gallery_id = ?", (gallery_id,)).fetchone()[0]
    if image_index > count or image_index < 1:
        raise StashError(CHAPTER_RANGE)


def _chapter(store: Store, chapter_id: int) -> dict[str, Any]:
    return chapter_object(store.one("SELECT * FROM galleries_chapters WHERE id = ?", (chapter_id,)))


@resolves("Mutation.galleryChapterCreate")
def gallery_chapter_create(_: Any, info: Any, input: dict[str, Any]) -> Any:
    store = _store(info)
    gallery_id = parse_id(input["gallery_id"], "converting gallery id")
    with store.transaction() as db:
        _check_index(db, gallery_id, input["image_index"])
        stamp = now_text()
        chapter_id = inserted_id(
            db.execute(
                "INSERT INTO galleries_chapters(gallery_id, title, image_index, created_at, updated_at)"
                " VALUES (?, ?, ?, ?, ?)",
                (gallery_id, input["title"], input["image_index"], stamp, stamp),
            )
        )
    info.context.fire_hook("GalleryChapter.Create.Post", chapter_id, _omit_nulls(input), None)
    return _chapter(store, chapter_id)


@resolves("Mutation.galleryChapterUpdate")
def gallery_chapter_update(_: Any, info: Any, input: dict[str, Any]) -> Any:
    store = _store(info)
    chapter_id = parse_id(input["id"], "converting id")
    with store.transaction() as db:
        row = db.execute("SELECT * FROM galleries_chapters WHERE id = ?", (chapter_id,)).fetchone()
        if row is None:
            raise StashError(f"gallery chapter with id {chapter_id} not found")
        gallery_id, image_index, title = row["gallery_id"], row["image_index"], row["title"]
        if "gallery_id" in input:
            value = input["gallery_id"]
            try:
                gallery_id = int(value) if value is not None else 0
            except ValueError:
                raise StashError(
                    f'converting gallery id: converting {value} to int: strconv.Atoi: parsing "{value}": invalid syntax'
                ) from None
        if "image_index" in input:
            image_index = input["image_index"] or 0
        if "title" in input:  # translator.optionalString trims (create keeps the title as given)
            title = (input["title"] or "").strip()
        _check_index(db, gallery_id, image_index)
        db.execute(
            "UPDATE galleries_chapters SET gallery_id = ?, image_index = ?, title = ?, updated_at = ? WHERE id = ?",
            (gallery_id, image_index, title, now_text(), chapter_id),
        )
    info.context.fire_hook("GalleryChapter.Update.Post", chapter_id, _omit_nulls(input), list(input))
    return _chapter(store, chapter_id)


@resolves("Mutation.galleryChapterDestroy")
def gallery_chapter_destroy(_: Any, info: Any, id: str) -> bool:
    chapter_id = parse_id(id, "converting id")
    with _store(info).transaction() as db:
        if db.execute("SELECT 1 FROM galleries_chapters WHERE id = ?", (chapter_id,)).fetchone() is None:
            raise StashError(f"gallery chapter with id {chapter_id} not found")
        db.execute("DELETE FROM galleries_chapters WHERE id = ?", (chapter_id,))
    info.context.fire_hook("GalleryChapter.Destroy.Post", chapter_id, id, None)
    return True


# -- images ------------------------------------------------------------------------------------
@resolves("Mutation.bulkImageUpdate")
def bulk_image_update(_: Any, info: Any, input: dict[str, Any]) -> Any:
    store = _store(info)
    ids = _ids(input.get("ids"), "converting ids")
    joins = {}
    for key in IMAGE_JOINS:
        if input.get(key) is not None:
            bulk = input[key]
            joins[key] = (_ids(bulk.get("ids"), f"converting ids [{bulk.get('ids')}]"), bulk["mode"])
    with store.transaction() as db:
        for image_id in ids:
            if db.execute("SELECT 1 FROM images WHERE id = ?", (image_id,)).fetchone() is None:
                raise StashError(f"image with id {image_id} not found")
            if "title" in input:
                db.execute("UPDATE images SET title = ? WHERE id = ?", (_text_or_null(input["title"]), image_id))
            _apply_scalars(db, "images", image_id, input)
            if "gallery_ids" in joins:
                _check_image_galleries(store, db, image_id, *joins["gallery_ids"])
            for key, (join_ids, mode) in joins.items():
                _set_join(db, IMAGE_JOINS[key], image_id, join_ids, mode)
            if input.get("urls") is not None:
                _set_urls(
                    db, "image_urls", "image_id", image_id, input["urls"].get("values") or [], input["urls"]["mode"]
                )
            custom_fields.apply_input(db, "images", image_id, input.get("custom_fields"))
            _touch(db, "images", image_id)
    for image_id in ids:
        info.context.fire_hook("Image.Update.Post", image_id, _omit_nulls(input), list(input))
    return load_images(store, ids) if ids else None


def _check_image_galleries(store: Store, db: sqlite3.Connection, image_id: int, ids: list[int], mode: str) -> None:
    """Only galleries whose contents would change are checked (pkg/gallery/validation.go)."""
    current = {r[0] for r in db.execute("SELECT gallery_id FROM galleries_images WHERE image_id = ?", (image_id,))}
    if mode == "SET":
        changed = current.symmetric_difference(ids)
    elif mode == "ADD":
        changed = set(ids) - current
    else:
        changed = set(ids) & current
    for gallery_id in sorted(changed):
        if db.execute("SELECT 1 FROM galleries WHERE id = ?", (gallery_id,)).fetchone() is None:
            continue  # the foreign key refuses it on insert
        kind, title = gallery_kind(store, gallery_id)
        if kind != "user-created":
            raise StashError(
                f"changing galleries of image {_quote(image_path(store, image_id))}: cannot change"
                f" contents of {kind} gallery {_quote(title)}"
            )


IMAGE_UPDATE_KEYS = (  # models.ImageUpdateInput, marshalled with every key (hookContext.input)
    "clientMutationId",
    "id",
    "title",
    "code",
    "urls",
    "date",
    "details",
    "photographer",
    "rating100",
    "organized",
    "scene_ids",
    "studio_id",
    "tag_ids",
    "performer_ids",
    "gallery_ids",
    "primary_file_id",
    "url",
)
SCENE_UPDATE_KEYS = (  # models.SceneUpdateInput
    "clientMutationId",
    "id",
    "title",
    "code",
    "details",
    "director",
    "url",
    "urls",
    "date",
    "rating100",
    "o_counter",
    "organized",
    "studio_id",
    "gallery_ids",
    "performer_ids",
    "movies",
    "groups",
    "tag_ids",
    "cover_image",
    "stash_ids",
    "resume_time",
    "play_duration",
    "play_count",
    "primary_file_id",
)
SCENE_JOINS = {
    "tag_ids": ("scenes_tags", "scene_id", "tag_id", "tag ids"),
    "performer_ids": ("performers_scenes", "scene_id", "performer_id", "performer ids"),
    "gallery_ids": ("scenes_galleries", "scene_id", "gallery_id", "gallery ids"),
}
SCENE_NOT_MODELLED = (
    "movies",
    "groups",
    "cover_image",
    "stash_ids",
    "o_counter",
    "resume_time",
    "play_duration",
    "play_count",
    "file_ids",
    "custom_fields",
)


def _urls_input(input: dict[str, Any]) -> list[str] | None:
    """translator.optionalURLs: urls when given, else the deprecated url as a one-item list."""
    if "urls" in input:
        return input["urls"] or []
    if "url" in input:
        return [input["url"]] if input["url"] else []
    return None


@resolves("Mutation.imageUpdate")
def image_update(_: Any, info: Any, input: dict[str, Any]) -> Any:
    """internal/api/resolver_mutation_image.go ImageUpdate / imageUpdate."""
    store = _store(info)
    image_id = parse_id(input["id"], "converting id")
    joins = {key: _ids(input[key], f"converting {join[3]}") for key, join in IMAGE_JOINS.items() if key in input}
    with store.transaction() as db:
        if db.execute("SELECT 1 FROM images WHERE id = ?", (image_id,)).fetchone() is None:
            raise StashError(f"image with id {image_id} not found")
        if "title" in input:
            db.execute("UPDATE images SET title = ? WHERE id = ?", (_text_or_null(input["title"]), image_id))
        _apply_scalars(db, "images", image_id, input)
        urls = _urls_input(input)
        if urls is not None:
            _set_urls(db, "image_urls", "image_id", image_id, urls)
        if input.get("primary_file_id"):
            file_id = parse_id(input["primary_file_id"], "converting primary file id")
            files = [r[0] for r in db.execute("SELECT file_id FROM images_files WHERE image_id = ?", (image_id,))]
            if file_id not in files:
                raise StashError(f"file with id {file_id} not associated with image")
            related_files.set_primary(db, "images", image_id, file_id)
        if "gallery_ids" in joins:
            _check_image_galleries(store, db, image_id, joins["gallery_ids"], "SET")
        for key, ids in joins.items():
            _set_join(db, IMAGE_JOINS[key], image_id, ids)
        custom_fields.apply_input(db, "images", image_id, input.get("custom_fields"))
        _touch(db, "images", image_id)
    keys = info.context.sim.release_schema_fields("ImageUpdateInput")  # custom_fields from v0.31
    info.context.fire_hook(
        "Image.Update.Post",
        image_id,
        {key: input.get(key) for key in (*IMAGE_UPDATE_KEYS, *(k for k in keys if k not in IMAGE_UPDATE_KEYS))},
        list(input),
    )
    return load_images(store, [image_id])[0]


def _refuse_scene_inputs(input: dict[str, Any]) -> None:
    given = [key for key in SCENE_NOT_MODELLED if input.get(key) not in (None, [], {})]
    if given:
        raise StashError(f"the Stash simulator does not model scene {', '.join(given)}")


@resolves("Mutation.sceneCreate")
def scene_create(_: Any, info: Any, input: dict[str, Any]) -> Any:
    """internal/api/resolver_mutation_scene.go SceneCreate, pkg/scene/create.go Create: a scene
    without files needs a title; Scene.Create.Post fires with no input (RegisterPostHooks nil)."""
    _refuse_scene_inputs(input)
    store = _store(info)
    title = (input.get("title") or "").strip()
    if not title:
        raise StashError("title must be set if scene has no files")
    joins = {key: _ids(input.get(key), f"converting {join[3]}") for key, join in SCENE_JOINS.items()}
    with store.transaction() as db:
        stamp = now_text()
        scene_id = inserted_id(
            db.execute("INSERT INTO scenes(title, created_at, updated_at) VALUES (?, ?, ?)", (title, stamp, stamp))
        )
        given = {k: v for k, v in input.items() if v is not None}
        try:
            _apply_scalars(db, "scenes", scene_id, given, ("code", "details", "director"))
        except StashError as exc:
            raise StashError(str(exc).replace("updating scenes", "creating new scene")) from exc
        for key, ids in joins.items():
            _set_join(db, SCENE_JOINS[key], scene_id, ids)
        _set_urls(db, "scene_urls", "scene_id", scene_id, _urls_input(input) or [])
    info.context.fire_hook("Scene.Create.Post", scene_id, None, None)
    rows = store.all("SELECT * FROM scenes WHERE id = ?", (scene_id,))
    return scene_object(rows[0])


def _scene_update(store: Store, db: sqlite3.Connection, input: dict[str, Any]) -> int:
    _refuse_scene_inputs(input)
    scene_id = parse_id(input["id"], "converting id")
    if db.execute("SELECT 1 FROM scenes WHERE id = ?", (scene_id,)).fetchone() is None:
        raise StashError(f"scene with id {scene_id} not found")
    files = [r[0] for r in db.execute("SELECT file_id FROM scenes_files WHERE scene_id = ?", (scene_id,))]
    if "title" in input:
        title = (input["title"] or "").strip()
        if not title and not files:
            raise StashError("title must be set if scene has no files")
        db.execute("UPDATE scenes SET title = ? WHERE id = ?", (title or None, scene_id))
    _apply_scalars(db, "scenes", scene_id, input, ("code", "details", "director"))
    if input.get("primary_file_id"):
        file_id = parse_id(input["primary_file_id"], "converting primary file id")
        if file_id not in files:
            raise StashError(f"file with id {file_id} not associated with scene")
        related_files.set_primary(db, "scenes", scene_id, file_id)
    for key, join in SCENE_JOINS.items():
        if key in input:
            _set_join(db, join, scene_id, _ids(input[key], f"converting {join[3]}"))
    urls = _urls_input(input)
    if urls is not None:
        _set_urls(db, "scene_urls", "scene_id", scene_id, urls)
    _touch(db, "scenes", scene_id)
    return scene_id


@resolves("Mutation.sceneUpdate")
def scene_update(_: Any, info: Any, input: dict[str, Any]) -> Any:
    """internal/api/resolver_mutation_scene.go SceneUpdate / sceneUpdate."""
    store = _store(info)
    with store.transaction() as db:
        scene_id = _scene_update(store, db, input)
    info.context.fire_hook(
        "Scene.Update.Post", scene_id, {key: input.get(key) for key in SCENE_UPDATE_KEYS}, list(input)
    )
    return scene_object(store.all("SELECT * FROM scenes WHERE id = ?", (scene_id,))[0])


# -- tags, performers, studios: named_mutations.py ------------------------------------------------


# -- saved filters ---------------------------------------------------------------------------------
@resolves("Mutation.saveFilter")
def save_filter(_: Any, info: Any, input: dict[str, Any]) -> Any:
    """internal/api/resolver_mutation_saved_filter.go SaveFilter: an id updates (an unknown id
    updates nothing and still answers the filter as given: pkg/sqlite/saved_filter.go Update)."""
    from .queries import saved_filter_object

    name = input["name"].strip()
    if not name:
        raise StashError("name must be non-empty")
    filter_id = parse_id(input["id"], "converting id") if input.get("id") is not None else None

    def encoded(key: str) -> str | None:
        return json.dumps(input[key]) if input.get(key) is not None else None

    values = (input["mode"], name, encoded("find_filter"), encoded("object_filter"), encoded("ui_options"))
    with _store(info).transaction() as db:
        if filter_id is None:
            filter_id = inserted_id(
                db.execute(
                    "INSERT INTO saved_filters(mode, name, find_filter, object_filter, ui_options)"
                    " VALUES (?, ?, ?, ?, ?)",
                    values,
                )
            )
        else:
            db.execute(
                "UPDATE saved_filters SET mode = ?, name = ?, find_filter = ?, object_filter = ?,"
                " ui_options = ? WHERE id = ?",
                (*values, filter_id),
            )
    return saved_filter_object(
        {
            "id": filter_id,
            "mode": values[0],
            "name": name,
            "find_filter": values[2],
            "object_filter": values[3],
            "ui_options": values[4],
        }
    )


@resolves("Mutation.destroySavedFilter")
def destroy_saved_filter(_: Any, info: Any, input: dict[str, Any]) -> bool:
    filter_id = parse_id(input["id"], "converting id")
    with _store(info).transaction() as db:
        if db.execute("SELECT 1 FROM saved_filters WHERE id = ?", (filter_id,)).fetchone() is None:
            raise StashError(f"id {filter_id} does not exist in saved_filters")  # table.destroyExisting
        db.execute("DELETE FROM saved_filters WHERE id = ?", (filter_id,))
    return True


# -- plugin settings ---------------------------------------------------------------------------
@resolves("Mutation.configurePlugin")
def configure_plugin(_: Any, info: Any, plugin_id: str, input: dict[str, Any]) -> dict[str, Any]:
    """Replaces the plugin's whole settings map; any id is accepted (configure.go)."""
    info.context.sim.set_plugin_settings(plugin_id, input)
    settings: dict[str, Any] = info.context.sim.plugin_settings(plugin_id)
    return settings


# -- plugins -------------------------------------------------------------------------------
@resolves("Mutation.runPluginOperation")
def run_plugin_operation(_: Any, info: Any, plugin_id: str, args: dict[str, Any] | None = None) -> Any:
    """Runs the plugin with args as given (no defaultArgs) and returns its output, or its error
    as the mutation's error (pkg/plugin/plugins.go RunPlugin)."""
    sim = info.context.sim
    plugin = next((p for p in sim.plugins if p.id == plugin_id), None)  # getPlugin: exact id
    if plugin is None:
        # RunPlugin never checks the lookup: buildPluginInput dereferences the nil plugin, and
        # the panic reaches gqlgen's recover func (internal/api/server.go recoverFunc)
        raise StashError(
            "Internal system error. Error <runtime error: invalid memory address or nil pointer dereference>"
        )
    try:
        result = PluginRunner(plugin, sim.python).run_operation(args or {}, sim.server_connection(info.context.session))
    except PluginStartError as exc:
        raise StashError(str(exc)) from exc  # task.Start's error is the mutation's error
    if result.error is not None:
        raise StashError(result.error)
    return result.output
