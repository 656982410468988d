"""The simulator's state: an SQLite database shaped like Stash's (pkg/sqlite/tables.go).

Only what Gallery Tools touches is modelled: folders, files (zip, image, video),
images, galleries and their joins, chapters, tags (with aliases and the parent/child
hierarchy), performers (with tags, urls and aliases), studios (with parents), scenes
and plugin settings. Paths follow Stash: a folder row holds its full path, a file row
its base name and parent folder; files and folders inside a zip point at the zip
file. The explicit gallery cover is the `cover` flag on galleries_images, as in
Stash (migration 67), so an image outside the gallery cannot hold it. Every id column is
`INTEGER PRIMARY KEY AUTOINCREMENT`, as in Stash's schema (pkg/sqlite/migrations): a deleted
object's id is never given again; the id of an insert that was rolled back is.

All access goes through one connection guarded by one re-entrant lock: the HTTP
server is threaded, and hooks run plugin processes that call back in while a
mutation waits for them (the mutation holds no lock while it waits).
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any

from .goregex import GoRegexError, go_search
from .hostpaths import LINUX, HostPaths
from .natural import natural_key

SCHEMA = """
CREATE TABLE folders (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  path TEXT NOT NULL UNIQUE,
  parent_folder_id INTEGER REFERENCES folders(id),
  zip_file_id INTEGER REFERENCES files(id),
  mod_time TEXT NOT NULL
);
CREATE INDEX folders_parent ON folders(parent_folder_id);
CREATE INDEX folders_zip ON folders(zip_file_id);

CREATE TABLE files (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  basename TEXT NOT NULL,
  parent_folder_id INTEGER NOT NULL REFERENCES folders(id),
  zip_file_id INTEGER REFERENCES files(id),
  kind TEXT NOT NULL,              -- 'image', 'zip' or 'video'
  size INTEGER NOT NULL,
  mod_time TEXT NOT NULL,
  md5 TEXT,
  oshash TEXT,                     -- video files (pkg/hash/oshash)
  format TEXT,                     -- as the scan decorated it; NULL: the extension (described files)
  width INTEGER NOT NULL DEFAULT 0,
  height INTEGER NOT NULL DEFAULT 0,
  duration REAL,                   -- seconds, for video files (scenes and image clips)
  video_codec TEXT,                -- video files the scan probed (NULL: described files)
  audio_codec TEXT,
  frame_rate REAL,
  bit_rate INTEGER,
  UNIQUE(parent_folder_id, basename)
);
CREATE INDEX files_zip ON files(zip_file_id);
CREATE INDEX files_md5 ON files(md5);
CREATE INDEX files_oshash ON files(oshash);

CREATE TABLE studios (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  name TEXT NOT NULL UNIQUE COLLATE NOCASE,
  parent_id INTEGER REFERENCES studios(id) ON DELETE SET NULL,
  details TEXT,
  rating INTEGER,
  favorite INTEGER NOT NULL DEFAULT 0,
  ignore_auto_tag INTEGER NOT NULL DEFAULT 0,
  organized INTEGER NOT NULL DEFAULT 0,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
);

CREATE TABLE studio_urls (
  studio_id INTEGER NOT NULL REFERENCES studios(id) ON DELETE CASCADE,
  position INTEGER NOT NULL,
  url TEXT NOT NULL,
  PRIMARY KEY(studio_id, position)
);
CREATE TABLE studio_aliases (
  studio_id INTEGER NOT NULL REFERENCES studios(id) ON DELETE CASCADE,
  alias TEXT NOT NULL,
  PRIMARY KEY(studio_id, alias)
);

CREATE TABLE tags (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  name TEXT NOT NULL UNIQUE COLLATE NOCASE,
  sort_name TEXT,
  description TEXT,
  favorite INTEGER NOT NULL DEFAULT 0,
  ignore_auto_tag INTEGER NOT NULL DEFAULT 0,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
);
CREATE TABLE tag_aliases (
  tag_id INTEGER NOT NULL REFERENCES tags(id) ON DELETE CASCADE,
  alias TEXT NOT NULL,
  PRIMARY KEY(tag_id, alias)
);
CREATE TABLE tags_relations (      -- the tag hierarchy (pkg/sqlite/tables.go tagRelationsJoinTable)
  parent_id INTEGER NOT NULL REFERENCES tags(id) ON DELETE CASCADE,
  child_id INTEGER NOT NULL REFERENCES tags(id) ON DELETE CASCADE,
  PRIMARY KEY(parent_id, child_id)
);
CREATE INDEX tags_relations_child ON tags_relations(child_id);

CREATE TABLE performers (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  name TEXT NOT NULL,
  disambiguation TEXT NOT NULL DEFAULT '',
  gender TEXT, birthdate TEXT, ethnicity TEXT, country TEXT, eye_color TEXT, height_cm INTEGER,
  measurements TEXT, fake_tits TEXT, penis_length REAL, circumcised TEXT, career_length TEXT,
  career_start TEXT, career_end TEXT, tattoos TEXT, piercings TEXT,  -- twitter, instagram: in urls
  rating INTEGER, details TEXT, death_date TEXT, hair_color TEXT, weight INTEGER,
  favorite INTEGER NOT NULL DEFAULT 0,
  ignore_auto_tag INTEGER NOT NULL DEFAULT 0,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  UNIQUE(name, disambiguation)
);
CREATE TABLE performers_tags (
  performer_id INTEGER NOT NULL REFERENCES performers(id) ON DELETE CASCADE,
  tag_id INTEGER NOT NULL REFERENCES tags(id) ON DELETE CASCADE,
  PRIMARY KEY(performer_id, tag_id)
);
CREATE INDEX performers_tags_tag ON performers_tags(tag_id);
CREATE TABLE performer_urls (
  performer_id INTEGER NOT NULL REFERENCES performers(id) ON DELETE CASCADE,
  position INTEGER NOT NULL,
  url TEXT NOT NULL,
  PRIMARY KEY(performer_id, position)
);
CREATE TABLE performer_aliases (
  performer_id INTEGER NOT NULL REFERENCES performers(id) ON DELETE CASCADE,
  alias TEXT NOT NULL,
  PRIMARY KEY(performer_id, alias)
);

CREATE TABLE scenes (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  title TEXT,
  code TEXT,
  details TEXT,
  director TEXT,
  date TEXT,
  rating INTEGER,
  organized INTEGER NOT NULL DEFAULT 0,
  studio_id INTEGER REFERENCES studios(id) ON DELETE SET NULL,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
);
CREATE TABLE scenes_files (
  scene_id INTEGER NOT NULL REFERENCES scenes(id) ON DELETE CASCADE,
  file_id INTEGER NOT NULL REFERENCES files(id),
  "primary" INTEGER NOT NULL,
  PRIMARY KEY(scene_id, file_id)
);
CREATE INDEX scenes_files_file ON scenes_files(file_id);
CREATE TABLE performers_scenes (
  scene_id INTEGER NOT NULL REFERENCES scenes(id) ON DELETE CASCADE,
  performer_id INTEGER NOT NULL REFERENCES performers(id) ON DELETE CASCADE,
  PRIMARY KEY(scene_id, performer_id)
);
CREATE INDEX performers_scenes_performer ON performers_scenes(performer_id);
CREATE TABLE scene_urls (
  scene_id INTEGER NOT NULL REFERENCES scenes(id) ON DELETE CASCADE,
  position INTEGER NOT NULL,
  url TEXT NOT NULL,
  PRIMARY KEY(scene_id, position)
);
CREATE TABLE scenes_tags (
  scene_id INTEGER NOT NULL REFERENCES scenes(id) ON DELETE CASCADE,
  tag_id INTEGER NOT NULL REFERENCES tags(id) ON DELETE CASCADE,
  PRIMARY KEY(scene_id, tag_id)
);
CREATE INDEX scenes_tags_tag ON scenes_tags(tag_id);
CREATE TABLE studios_tags (
  studio_id INTEGER NOT NULL REFERENCES studios(id) ON DELETE CASCADE,
  tag_id INTEGER NOT NULL REFERENCES tags(id) ON DELETE CASCADE,
  PRIMARY KEY(studio_id, tag_id)
);
CREATE INDEX studios_tags_tag ON studios_tags(tag_id);

CREATE TABLE images (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  title TEXT,
  code TEXT,
  details TEXT,
  photographer TEXT,
  date TEXT,
  rating INTEGER,
  organized INTEGER NOT NULL DEFAULT 0,
  studio_id INTEGER REFERENCES studios(id) ON DELETE SET NULL,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  -- natural_key(folder path || base name) of the primary file: Stash's image order
  path_key BLOB NOT NULL DEFAULT x''
);
CREATE INDEX images_path_key ON images(path_key, id);
CREATE INDEX images_studio ON images(studio_id);

CREATE TABLE images_files (
  image_id INTEGER NOT NULL REFERENCES images(id) ON DELETE CASCADE,
  file_id INTEGER NOT NULL REFERENCES files(id),
  "primary" INTEGER NOT NULL,
  PRIMARY KEY(image_id, file_id)
);
CREATE INDEX images_files_file ON images_files(file_id);

CREATE TABLE image_urls (
  image_id INTEGER NOT NULL REFERENCES images(id) ON DELETE CASCADE,
  position INTEGER NOT NULL,
  url TEXT NOT NULL,
  PRIMARY KEY(image_id, position)
);
CREATE TABLE images_tags (
  image_id INTEGER NOT NULL REFERENCES images(id) ON DELETE CASCADE,
  tag_id INTEGER NOT NULL REFERENCES tags(id) ON DELETE CASCADE,
  PRIMARY KEY(image_id, tag_id)
);
CREATE INDEX images_tags_tag ON images_tags(tag_id);
CREATE TABLE performers_images (
  image_id INTEGER NOT NULL REFERENCES images(id) ON DELETE CASCADE,
  performer_id INTEGER NOT NULL REFERENCES performers(id) ON DELETE CASCADE,
  PRIMARY KEY(image_id, performer_id)
);
CREATE INDEX performers_images_performer ON performers_images(performer_id);

CREATE TABLE galleries (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  title TEXT,
  code TEXT,
  details TEXT,
  photographer TEXT,
  date TEXT,
  rating INTEGER,
  organized INTEGER NOT NULL DEFAULT 0,
  studio_id INTEGER REFERENCES studios(id) ON DELETE SET NULL,
  folder_id INTEGER REFERENCES folders(id),
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  -- natural_key of the zip path or folder path ('' for user-created galleries)
  path_key BLOB NOT NULL DEFAULT x''
);
CREATE INDEX galleries_folder ON galleries(folder_id);
CREATE INDEX galleries_path_key ON galleries(path_key, id);
CREATE INDEX galleries_studio ON galleries(studio_id);

CREATE TABLE galleries_files (
  gallery_id INTEGER NOT NULL REFERENCES galleries(id) ON DELETE CASCADE,
  file_id INTEGER NOT NULL REFERENCES files(id),
  "primary" INTEGER NOT NULL,
  PRIMARY KEY(gallery_id, file_id)
);
CREATE INDEX galleries_files_file ON galleries_files(file_id);

CREATE TABLE galleries_images (
  gallery_id INTEGER NOT NULL REFERENCES galleries(id) ON DELETE CASCADE,
  image_id INTEGER NOT NULL REFERENCES images(id) ON DELETE CASCADE,
  cover INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY(gallery_id, image_id)
);
CREATE INDEX galleries_images_image ON galleries_images(image_id);

CREATE TABLE galleries_chapters (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  gallery_id INTEGER NOT NULL REFERENCES galleries(id) ON DELETE CASCADE,
  title TEXT NOT NULL,
  image_index INTEGER NOT NULL,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
);
CREATE INDEX galleries_chapters_gallery ON galleries_chapters(gallery_id);

CREATE TABLE gallery_urls (
  gallery_id INTEGER NOT NULL REFERENCES galleries(id) ON DELETE CASCADE,
  position INTEGER NOT NULL,
  url TEXT NOT NULL,
  PRIMARY KEY(gallery_id, position)
);
CREATE TABLE galleries_tags (
  gallery_id INTEGER NOT NULL REFERENCES galleries(id) ON DELETE CASCADE,
  tag_id INTEGER NOT NULL REFERENCES tags(id) ON DELETE CASCADE,
  PRIMARY KEY(gallery_id, tag_id)
);
CREATE INDEX galleries_tags_tag ON galleries_tags(tag_id);
CREATE TABLE performers_galleries (
  gallery_id INTEGER NOT NULL REFERENCES galleries(id) ON DELETE CASCADE,
  performer_id INTEGER NOT NULL REFERENCES performers(id) ON DELETE CASCADE,
  PRIMARY KEY(gallery_id, performer_id)
);
CREATE INDEX performers_galleries_performer ON performers_galleries(performer_id);
CREATE TABLE scenes_galleries (
  gallery_id INTEGER NOT NULL REFERENCES galleries(id) ON DELETE CASCADE,
  scene_id INTEGER NOT NULL REFERENCES scenes(id) ON DELETE CASCADE,
  PRIMARY KEY(gallery_id, scene_id)
);
CREATE INDEX scenes_galleries_scene ON scenes_galleries(scene_id);

CREATE TABLE saved_filters (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  mode TEXT NOT NULL,
  name TEXT NOT NULL,
  find_filter TEXT,                -- JSON
  object_filter TEXT,              -- JSON
  ui_options TEXT                  -- JSON
);

CREATE TABLE plugin_settings (
  plugin_id TEXT PRIMARY KEY,
  settings TEXT NOT NULL           -- JSON object
);
"""


def _regexp(pattern: str, value: str | None) -> bool:
    """SQLite's `value REGEXP pattern` with Go's regexp, as Stash registers it (pkg/sqlite/regex.go)."""
    try:
        return go_search(pattern, value)
    except GoRegexError:
        return False  # the filter compiled the pattern first and refused it with Go's message


def go_value(value: Any) -> str:
    """fmt's %v of a value in Stash's query arguments (a []interface{}: [a b], nil <nil>)."""
    if value is None:
        return "<nil>"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list | tuple):
        return "[" + " ".join(go_value(v) for v in value) + "]"
    return str(value)


def executing_error(sql: str, args: Sequence[Any], error: str) -> str:
    """The error text of a failed statement (pkg/sqlite/tx.go): "error executing `%s` [%v]: %w",
    where args is the statement's []interface{}, so a list prints inside the brackets:
    ``error executing `INSERT ...` [[23 999999]]: FOREIGN KEY constraint failed``."""
    return f"error executing `{sql}` [{go_value(list(args))}]: {error}"


def inserted_id(cursor: sqlite3.Cursor) -> int:
    """The id SQLite gave the row the cursor's INSERT made (never None after an INSERT)."""
    if cursor.lastrowid is None:
        raise RuntimeError("no row was inserted")
    return cursor.lastrowid


def now_text() -> str:
    """The current time as Stash's Time scalar prints it (RFC 3339, seconds)."""
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


class Store:
    """One SQLite database, thread-safe through a single re-entrant lock."""

    def __init__(self, path: str = ":memory:", host: HostPaths = LINUX) -> None:
        self.host = host  # the OS Stash runs on: how paths are joined and split (hostpaths.py)
        self.lock = threading.RLock()
        self.db = sqlite3.connect(path, check_same_thread=False, isolation_level=None)
        self.db.row_factory = sqlite3.Row
        self.db.execute("PRAGMA foreign_keys = ON")
        self.db.execute("PRAGMA journal_mode = MEMORY")
        self.db.execute("PRAGMA synchronous = OFF")
        self.db.executescript(SCHEMA)
        self.db.create_function("natural_key", 1, natural_key, deterministic=True)
        self.db.create_function("regexp", 2, _regexp, deterministic=True)
        # paths as the host forms them: filepath.Join for a file's path, folder || separator ||
        # base name in path filters, filepath.Base (hostpaths.py)
        self.db.create_function("file_path", 2, self._file_path, deterministic=True)
        self.db.create_function("filter_path", 2, self._filter_path, deterministic=True)
        self.db.create_function(
            "base_name", 1, lambda path: None if path is None else self.host.base(path), deterministic=True
        )
        self._depth = 0

    def _file_path(self, folder: str | None, base: str | None) -> str | None:
        return None if folder is None or base is None else self.host.join(folder, base)

    def _filter_path(self, folder: str | None, base: str | None) -> str | None:
        return None if folder is None or base is None else f"{folder}{self.host.sep}{base}"

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """All or nothing: a transaction that nests (inner blocks join the outer one)."""
        with self.lock:
            outer = self._depth == 0
            if outer:
                self.db.execute("BEGIN")
            self._depth += 1
            try:
                yield self.db
            except BaseException:
                self._depth -= 1
                if outer:
                    self.db.execute("ROLLBACK")
                raise
            self._depth -= 1
            if outer:
                self.db.execute("COMMIT")

    def all(self, sql: str, params: Sequence[Any] = ()) -> list[sqlite3.Row]:
        with self.lock:
            return self.db.execute(sql, params).fetchall()

    def one(self, sql: str, params: Sequence[Any] = ()) -> sqlite3.Row | None:
        with self.lock:
            row: sqlite3.Row | None = self.db.execute(sql, params).fetchone()
            return row

    def value(self, sql: str, params: Sequence[Any] = ()) -> Any:
        row = self.one(sql, params)
        return None if row is None else row[0]

    def count(self, sql: str, params: Sequence[Any] = ()) -> int:
        """The number a `SELECT COUNT(...)` answers."""
        return int(self.value(sql, params))

    def column(self, sql: str, params: Sequence[Any] = ()) -> list[Any]:
        return [row[0] for row in self.all(sql, params)]

    def execute(self, sql: str, params: Sequence[Any] = ()) -> sqlite3.Cursor:
        with self.lock:
            return self.db.execute(sql, params)
