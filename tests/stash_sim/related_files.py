"""The files of a gallery, an image or a scene: one primary first, then the others.

Facts (pkg/sqlite/table.go relatedFilesTable, pkg/sqlite/image.go, gallery.go, scene.go):
- galleries_files, images_files and scenes_files hold (owner, file, primary). A new object's
  first file is its primary file (insertJoins with firstPrimary); a file the scan adds later to
  an existing object is not (AddFileID: firstPrimary false).
- The files are read ordered by `primary` DESC; files with the same flag come in the order of
  the join table's primary key (owner, file id).
- RemoveFileID rewrites the joins (replaceJoins): the files left, in that order, the first one
  primary. So when the primary file goes, the next file becomes primary.
- setPrimary (an update's primary_file_id) flags that one file and unflags the others.
- Sorts that join the files (findImages and findGalleries by path or title) select DISTINCT ids,
  and SQLite keeps the first joined row of each id, which is the file with the lowest id (the
  join's index order): that file's folder and base name are the object's sort key. The
  simulator keeps that key in images.path_key and galleries.path_key (refresh_*_key).
"""

from __future__ import annotations

import sqlite3

from .natural import natural_key

JOINS = {
    "galleries": ("galleries_files", "gallery_id"),
    "images": ("images_files", "image_id"),
    "scenes": ("scenes_files", "scene_id"),
}
FILE_ORDER = '"primary" DESC, file_id'  # relatedFilesTable.get


def file_ids(db: sqlite3.Connection, owner: str, owner_id: int) -> list[int]:
    """The owner's files, primary first."""
    table, column = JOINS[owner]
    return [
        row[0]
        for row in db.execute(f"SELECT file_id FROM {table} WHERE {column} = ? ORDER BY {FILE_ORDER}", (owner_id,))
    ]


def add_file(db: sqlite3.Connection, owner: str, owner_id: int, file_id: int, primary: bool = False) -> None:
    """AddFileID (primary False) or the first file of a new object (primary True)."""
    table, column = JOINS[owner]
    db.execute(
        f'INSERT OR IGNORE INTO {table}({column}, file_id, "primary") VALUES (?, ?, ?)',
        (owner_id, file_id, 1 if primary else 0),
    )


def remove_file(db: sqlite3.Connection, owner: str, owner_id: int, file_id: int) -> None:
    """RemoveFileID: the joins written again without the file, the first one left primary."""
    table, column = JOINS[owner]
    left = [i for i in file_ids(db, owner, owner_id) if i != file_id]
    db.execute(f"DELETE FROM {table} WHERE {column} = ?", (owner_id,))
    db.executemany(
        f'INSERT INTO {table}({column}, file_id, "primary") VALUES (?, ?, ?)',
        [(owner_id, i, 1 if n == 0 else 0) for n, i in enumerate(left)],
    )


def set_primary(db: sqlite3.Connection, owner: str, owner_id: int, file_id: int) -> None:
    table, column = JOINS[owner]
    db.execute(f'UPDATE {table} SET "primary" = (file_id = ?) WHERE {column} = ?', (file_id, owner_id))


def _first_file_place(db: sqlite3.Connection, owner: str, owner_id: int) -> tuple[str, str] | None:
    """(folder path, base name) of the owner's file with the lowest id, or None."""
    table, column = JOINS[owner]
    row = db.execute(
        f"SELECT folders.path, files.basename FROM {table} j JOIN files ON files.id = j.file_id"
        f" JOIN folders ON folders.id = files.parent_folder_id WHERE j.{column} = ?"
        f" ORDER BY j.file_id LIMIT 1",
        (owner_id,),
    ).fetchone()
    return (row[0], row[1]) if row else None


def refresh_image_key(db: sqlite3.Connection, image_id: int) -> None:
    """images.path_key: folders.path || files.basename of the file with the lowest id
    (pkg/sqlite/image.go setImageSortAndPagination "path")."""
    place = _first_file_place(db, "images", image_id)
    db.execute(
        "UPDATE images SET path_key = ? WHERE id = ?",
        (natural_key(place[0] + place[1]) if place else natural_key(""), image_id),
    )


def refresh_gallery_key(db: sqlite3.Connection, gallery_id: int) -> None:
    """galleries.path_key: COALESCE(folders.path, '') || COALESCE(file_folder.path, '') ||
    COALESCE(files.basename, '') (pkg/sqlite/gallery.go setGallerySort "path"), the zip taken
    from the gallery's file with the lowest id."""
    folder = db.execute(
        "SELECT folders.path FROM galleries JOIN folders ON folders.id = galleries.folder_id WHERE galleries.id = ?",
        (gallery_id,),
    ).fetchone()
    place = _first_file_place(db, "galleries", gallery_id)
    key = (folder[0] if folder else "") + (place[0] + place[1] if place else "")
    db.execute("UPDATE galleries SET path_key = ? WHERE id = ?", (natural_key(key), gallery_id))
