"""Query resolvers: finding galleries, images, scenes, tags, performers, studios; configuration.

Facts (internal/api/resolver_query_*.go):
- findGallery(id): a non-integer id is `strconv.Atoi: parsing "x": invalid syntax`;
  an unknown id is null with no error.
- findGalleries(ids): an unknown id is `gallery with id N not found`; a repeated id
  `validating ids: duplicate id found: N`; count = number found; filter and paging ignored.
- findImages computes count only when `count` is selected (it is cheap here anyway).
- configuration.plugins(include): only plugins with a non-empty saved map appear.
- configuration.general.apiKey is "" unless credentials (and so a key) exist; pluginsPath is
  the plugins folder (plugins.py), a real folder on this machine.
"""

from __future__ import annotations

import json
import sqlite3
from typing import Any

from .engine import StashError, resolves
from .filters import (
    GALLERY_COLLATED_SORTS,
    GALLERY_SEARCH_COLUMNS,
    GALLERY_SEARCH_ROWS,
    GALLERY_SORTS,
    GALLERY_TIE_BREAK,
    GALLERY_UNSORTED,
    IMAGE_COLLATED_SORTS,
    IMAGE_FILE_ROWS,
    IMAGE_SEARCH_COLUMNS,
    IMAGE_SORT_COLUMNS,
    IMAGE_SORTS,
    IMAGE_TIE_BREAK,
    NAMED_SORTS,
    SCENE_SORTS,
    NoSuchColumn,
    Sql,
    add_search,
    combine,
    gallery_sort_columns,
    gallery_where,
    image_where,
    int_criterion,
    multi_criterion,
    order_clause,
    read_find_filter,
    refuse_unmodelled,
    string_criterion,
    studio_criterion,
)
from .objects import (
    effective_cover_regex,
    file_object,
    folder_object,
    load_galleries,
    load_images,
    named_object,
    scene_object,
)
from .store import Store, executing_error

INT64_MAX = 2**63 - 1


def parse_id(value: Any, wrap: str | None = None) -> int:
    """strconv.Atoi as Stash uses it on ID strings (64-bit ints)."""
    text = str(value)
    if not text.lstrip("+-").isdigit() or text.count("+") + text.count("-") > 1:
        problem = "invalid syntax"
    elif not -INT64_MAX - 1 <= int(text) <= INT64_MAX:
        problem = "value out of range"
    else:
        return int(text)
    message = f'strconv.Atoi: parsing "{value}": {problem}'
    raise StashError(f"{wrap}: {message}" if wrap else message)


def _store(info: Any) -> Store:
    store: Store = info.context.sim.store
    return store


def _shuffle(info: Any) -> bool:
    return bool(info.context.sim.config.shuffle_unsorted)


def _find(store: Store, table: str, where: Sql, page_sql: str, order: str) -> tuple[int, list[int]]:
    condition = where.joined()
    count = store.value(f"SELECT COUNT(*) FROM {table} WHERE {condition}", where.params)
    ids = store.column(f"SELECT {table}.id FROM {table} WHERE {condition}{order}{page_sql}", where.params)
    return count, ids


def _by_ids(store: Store, table: str, ids: list[Any], noun: str) -> list[int]:
    parsed = [parse_id(i) for i in ids]
    seen: set[int] = set()
    for i in parsed:
        if i in seen:
            raise StashError(f"validating ids: duplicate id found: {i}")
        seen.add(i)
    found = set(store.column(f"SELECT id FROM {table} WHERE id IN ({','.join('?' * len(parsed))})", parsed))
    for i in parsed:
        if i not in found:
            raise StashError(f"{noun} with id {i} not found")
    return parsed


# -- galleries ------------------------------------------------------------------------------
@resolves("Query.findGallery")
def find_gallery(_: Any, info: Any, id: str) -> Any:
    found = load_galleries(_store(info), [parse_id(id)])
    return found[0] if found else None


@resolves("Query.findGalleries")
def find_galleries(
    _: Any,
    info: Any,
    gallery_filter: dict[str, Any] | None = None,
    filter: dict[str, Any] | None = None,
    ids: list[Any] | None = None,
) -> dict[str, Any]:
    store = _store(info)
    if ids:
        parsed = _by_ids(store, "galleries", ids, "gallery")
        return {"count": len(parsed), "galleries": load_galleries(store, parsed)}
    page = read_find_filter(filter, GALLERY_SORTS, None)
    try:
        where = gallery_where(gallery_filter)
    except NoSuchColumn as exc:
        raise StashError(_no_such_column(exc, gallery_filter or {}, page)) from None
    add_search(where, page.q, GALLERY_SEARCH_COLUMNS, GALLERY_SEARCH_ROWS)
    count, found = _find(
        store,
        "galleries",
        where,
        page.limit_sql,
        order_clause(
            page,
            "galleries",
            gallery_sort_columns(gallery_filter, page.q),
            GALLERY_TIE_BREAK,
            _shuffle(info),
            GALLERY_COLLATED_SORTS,
            GALLERY_UNSORTED,
        ),
    )
    return {"count": count, "galleries": load_galleries(store, found)}


# the joins setGallerySort adds (pkg/sqlite/gallery.go), which the count query carries too
_GALLERY_FILE_JOINS = (
    " LEFT JOIN galleries_files ON galleries_files.gallery_id = galleries.id"
    " LEFT JOIN files ON galleries_files.file_id = files.id"
)
_GALLERY_FOLDER_JOINS = (
    " LEFT JOIN folders ON folders.id = galleries.folder_id"
    " LEFT JOIN folders AS file_folder ON files.parent_folder_id = file_folder.id"
)
_GALLERY_SORT_JOINS = {
    "path": _GALLERY_FILE_JOINS + _GALLERY_FOLDER_JOINS,
    "title": _GALLERY_FILE_JOINS + _GALLERY_FOLDER_JOINS,
    "file_mod_time": _GALLERY_FILE_JOINS,
}


def _no_such_column(exc: NoSuchColumn, gallery_filter: dict[str, Any], page: Any) -> str:
    """The error of findGalleries whose is_missing names no column: repository.executeFindQuery
    runs the count query first (with the sort's joins: queryBuilder.body(true)) and reports
    its failure with the query text and arguments (pkg/sqlite/repository.go, tx.go)."""
    others = [key for key, value in gallery_filter.items() if value is not None and key != "is_missing"]
    if others or page.q:
        raise StashError(
            "the Stash simulator does not model the text of this SQL error (is_missing with other criteria or q)"
        )
    body = (
        f"SELECT DISTINCT galleries.id FROM galleries{_GALLERY_SORT_JOINS.get(page.sort or '', '')}"
        f" WHERE ((galleries.{exc.value} IS NULL OR TRIM(galleries.{exc.value}) = ''))"
    )
    count = f"SELECT COUNT(*) as count FROM ({body}) as temp"
    return f"error executing count query with SQL: {count}, args: [], error: {executing_error(count, [], str(exc))}"


# -- images ----------------------------------------------------------------------------------
@resolves("Query.findImage")
def find_image(_: Any, info: Any, id: str | None = None, checksum: str | None = None) -> Any:
    store = _store(info)
    if id is not None:
        found = load_images(store, [parse_id(id)])
    elif checksum is not None:
        found = load_images(
            store,
            store.column(
                "SELECT i_f.image_id FROM images_files i_f JOIN files ON files.id = i_f.file_id WHERE files.md5 = ?"
                " LIMIT 1",
                (checksum,),
            ),
        )
    else:
        found = []
    return found[0] if found else None


def _selected(info: Any) -> set[str]:
    """The fields selected directly under this field (graphql.CollectAllFields in gqlgen)."""
    names: set[str] = set()
    for node in info.field_nodes:
        for selection in node.selection_set.selections if node.selection_set else []:
            if hasattr(selection, "name"):
                names.add(selection.name.value)
    return names


@resolves("Query.findImages")
def find_images(
    _: Any,
    info: Any,
    image_filter: dict[str, Any] | None = None,
    filter: dict[str, Any] | None = None,
    ids: list[Any] | None = None,
    image_ids: list[Any] | None = None,
) -> dict[str, Any]:
    """megapixels and filesize as internal/api/resolver_query_find_image.go computes them: over
    the primary files (in float) for an id list; else SUM over every file of the matches, the
    megapixels divided in SQLite's integer arithmetic (pkg/sqlite/image.go queryImagesResult)."""
    store = _store(info)
    if ids or image_ids:
        parsed = _by_ids(store, "images", list(ids or image_ids or []), "image")
        rows = store.all(
            f"SELECT f.width, f.height, f.size FROM images_files i_f JOIN files f ON f.id = i_f.file_id"
            f' WHERE i_f."primary" = 1 AND i_f.image_id IN ({",".join("?" * len(parsed))})',
            parsed,
        )
        return {
            "count": len(parsed),
            "images": load_images(store, parsed),
            "megapixels": sum(r["width"] * r["height"] / 1_000_000 for r in rows),
            "filesize": float(sum(r["size"] for r in rows)),
        }
    page = read_find_filter(filter, IMAGE_SORTS, None)
    where = image_where(image_filter)
    add_search(where, page.q, IMAGE_SEARCH_COLUMNS, IMAGE_FILE_ROWS)
    count, found = _find(
        store,
        "images",
        where,
        page.limit_sql,
        order_clause(page, "images", IMAGE_SORT_COLUMNS, IMAGE_TIE_BREAK, _shuffle(info), IMAGE_COLLATED_SORTS),
    )
    result: dict[str, Any] = {"count": count, "images": load_images(store, found)}
    wanted = _selected(info)
    if wanted & {"megapixels", "filesize"}:
        row = store.one(
            f"SELECT COALESCE(SUM(f.width * f.height), 0) / 1000000, COALESCE(SUM(f.size), 0)"
            f" FROM images JOIN images_files i_f ON i_f.image_id = images.id JOIN files f"
            f" ON f.id = i_f.file_id WHERE {where.joined()}",
            where.params,
        )
        assert row is not None  # an aggregate answers one row
        result["megapixels"], result["filesize"] = float(row[0]), float(row[1])
    return result


# -- scenes ---------------------------------------------------------------------------------
SCENE_PATH = (
    "(SELECT filter_path(fo.path, f.basename) FROM scenes_files sf JOIN files f ON f.id = sf.file_id"
    ' JOIN folders fo ON fo.id = f.parent_folder_id WHERE sf.scene_id = scenes.id AND sf."primary" = 1)'
)
SCENE_CRITERIA = {"id", "title", "path", "rating100", "organized", "tags", "performers", "studios"}


@resolves("Query.findScene")
def find_scene(_: Any, info: Any, id: str | None = None, checksum: str | None = None) -> Any:
    """internal/api/resolver_query_find_scene.go FindScene: by id (null when none has it); the
    simulator's scenes have no checksums to look up."""
    if id is None:
        raise StashError("the Stash simulator does not model findScene by checksum")
    row = _store(info).one("SELECT * FROM scenes WHERE id = ?", (parse_id(id),))
    return scene_object(row) if row is not None else None


@resolves("Query.findScenes")
def find_scenes(
    _: Any,
    info: Any,
    scene_filter: dict[str, Any] | None = None,
    filter: dict[str, Any] | None = None,
    ids: list[Any] | None = None,
    scene_ids: list[Any] | None = None,
) -> dict[str, Any]:
    """pkg/sqlite/scene_filter.go, the criteria the simulator's scenes can answer; others refused."""
    store = _store(info)
    if ids or scene_ids:
        parsed = _by_ids(store, "scenes", list(ids or scene_ids or []), "scene")
        rows = store.all(f"SELECT * FROM scenes WHERE id IN ({','.join('?' * len(parsed))})", parsed)
        return {"count": len(rows), "scenes": [scene_object(r) for r in rows]}
    page = read_find_filter(filter, SCENE_SORTS, None)
    scene_filter = scene_filter or {}
    unknown = sorted(k for k, v in scene_filter.items() if v is not None and k not in SCENE_CRITERIA)
    if unknown:
        raise StashError(f"the Stash simulator does not model scene criteria: {', '.join(unknown)}")
    where = Sql()
    if scene_filter.get("id"):
        int_criterion(where, "scenes.id", scene_filter["id"])
    if scene_filter.get("title"):
        string_criterion(where, "scenes.title", scene_filter["title"])
    if scene_filter.get("path"):
        string_criterion(where, SCENE_PATH, scene_filter["path"])
    if scene_filter.get("rating100"):  # intCriterionHandler on scenes.rating
        int_criterion(where, "scenes.rating", scene_filter["rating100"])
    if scene_filter.get("organized") is not None:
        where.add("scenes.organized = ?", 1 if scene_filter["organized"] else 0)
    if scene_filter.get("tags"):
        multi_criterion(where, "scenes", "scenes_tags", "scene_id", "tag_id", scene_filter["tags"], True)
    if scene_filter.get("performers"):
        multi_criterion(
            where, "scenes", "performers_scenes", "scene_id", "performer_id", scene_filter["performers"], False
        )
    if scene_filter.get("studios"):
        studio_criterion(where, "scenes.studio_id", scene_filter["studios"])
    add_search(where, page.q, ["scenes.title", SCENE_PATH])
    columns = {
        "id": "scenes.id",
        "title": "natural_key(COALESCE(scenes.title, ''))",
        "path": f"natural_key({SCENE_PATH})",
        "created_at": "scenes.created_at",
        "updated_at": "scenes.updated_at",
        "date": "scenes.date",
        "rating": "scenes.rating",
    }
    count, found = _find(
        store, "scenes", where, page.limit_sql, order_clause(page, "scenes", columns, "scenes.id", _shuffle(info))
    )
    by_id: dict[int, sqlite3.Row] = (
        {r["id"]: r for r in store.all(f"SELECT * FROM scenes WHERE id IN ({','.join('?' * len(found))})", found)}
        if found
        else {}
    )
    result: dict[str, Any] = {"count": count, "scenes": [scene_object(by_id[i]) for i in found]}
    if "filesize" in _selected(info):  # pkg/sqlite/scene.go queryScenesResult: SUM(files.size); duration refused
        result["filesize"] = float(
            store.value(
                "SELECT COALESCE(SUM(f.size), 0) FROM scenes JOIN scenes_files sf ON sf.scene_id = scenes.id"
                f" JOIN files f ON f.id = sf.file_id WHERE {where.joined()}",
                where.params,
            )
        )
    return result


# -- tags, performers, studios ------------------------------------------------------------------
TAG_SORTS = {  # pkg/sqlite/tag.go tagSortOptions
    "created_at",
    "galleries_count",
    "groups_count",
    "id",
    "images_count",
    "movies_count",
    "studios_count",
    "name",
    "performers_count",
    "random",
    "scene_markers_count",
    "scenes_count",
    "scenes_duration",
    "updated_at",
}
TAG_SORT_NAME = "natural_key(COALESCE(tags.sort_name, tags.name))"
TAG_SORT_COLUMNS = {
    "name": TAG_SORT_NAME,
    "id": "tags.id",
    "created_at": "tags.created_at",
    "updated_at": "tags.updated_at",
    "images_count": "(SELECT COUNT(*) FROM images_tags j WHERE j.tag_id = tags.id)",
    "galleries_count": "(SELECT COUNT(*) FROM galleries_tags j WHERE j.tag_id = tags.id)",
    "performers_count": "(SELECT COUNT(*) FROM performers_tags j WHERE j.tag_id = tags.id)",
    "scenes_count": "(SELECT COUNT(*) FROM scenes_tags j WHERE j.tag_id = tags.id)",
    "studios_count": "(SELECT COUNT(*) FROM studios_tags j WHERE j.tag_id = tags.id)",
    # scene markers, groups and scene durations cannot exist here: every tag counts 0
    "groups_count": "0",
    "movies_count": "0",
    "scene_markers_count": "0",
    "scenes_duration": "0",
}
# "Whatever the sorting, always use sort_name/name/id as a final sort" (pkg/sqlite/tag.go getTagSort)
# (name is never NULL, so the final term is text: NATURAL_CI, never equal, ties by descending id)
TAG_TIE_BREAK = "natural_key(COALESCE(tags.sort_name, tags.name)), tags.id DESC"
TAG_SEARCH_COLUMNS = [  # pkg/sqlite/tag.go Query: name, aliases, sort_name
    "tags.name",
    "(SELECT group_concat(alias, char(31)) FROM tag_aliases a WHERE a.tag_id = tags.id)",
    "tags.sort_name",
]


def _find_named(
    info: Any,
    table: str,
    result_key: str,
    filter_: dict[str, Any] | None,
    criteria: dict[str, Any] | None,
    ids: list[Any] | None,
) -> dict[str, Any]:
    store = _store(info)
    if ids:
        parsed = _by_ids(store, table, ids, table[:-1])
        return {"count": len(parsed), result_key: [named_object(store, table, i) for i in parsed]}
    page = read_find_filter(filter_, TAG_SORTS if table == "tags" else NAMED_SORTS, "name")
    criteria = criteria or {}
    modelled = {"name"} | ({"tags"} if table == "performers" else set())
    unknown = sorted(k for k, v in criteria.items() if v is not None and k not in modelled)
    if unknown:
        raise StashError(f"the Stash simulator does not model {table[:-1]} criteria: {', '.join(unknown)}")
    where = Sql()
    if criteria.get("name"):
        string_criterion(where, f"{table}.name", criteria["name"])
    if criteria.get("tags"):  # pkg/sqlite/performer_filter.go: performers_tags, hierarchical
        multi_criterion(where, "performers", "performers_tags", "performer_id", "tag_id", criteria["tags"], True)
    if table == "tags":
        add_search(where, page.q, TAG_SEARCH_COLUMNS)
        order = order_clause(page, table, TAG_SORT_COLUMNS, TAG_TIE_BREAK, collated=frozenset({"name"}))
    else:
        add_search(where, page.q, [f"{table}.name"])
        columns = {
            "name": f"natural_key({table}.name)",
            "id": f"{table}.id",
            "created_at": f"{table}.created_at",
            "updated_at": f"{table}.updated_at",
        }
        order = order_clause(page, table, columns, f"{table}.id")
    count, found = _find(store, table, where, page.limit_sql, order)
    return {"count": count, result_key: [named_object(store, table, i) for i in found]}


@resolves("Query.findTags")
def find_tags(
    _: Any,
    info: Any,
    tag_filter: dict[str, Any] | None = None,
    filter: dict[str, Any] | None = None,
    ids: list[Any] | None = None,
) -> dict[str, Any]:
    return _find_named(info, "tags", "tags", filter, tag_filter, ids)


@resolves("Query.findPerformers")
def find_performers(
    _: Any,
    info: Any,
    performer_filter: dict[str, Any] | None = None,
    filter: dict[str, Any] | None = None,
    ids: list[Any] | None = None,
    performer_ids: list[Any] | None = None,
) -> dict[str, Any]:
    return _find_named(info, "performers", "performers", filter, performer_filter, ids or performer_ids)


@resolves("Query.findStudios")
def find_studios(
    _: Any,
    info: Any,
    studio_filter: dict[str, Any] | None = None,
    filter: dict[str, Any] | None = None,
    ids: list[Any] | None = None,
) -> dict[str, Any]:
    return _find_named(info, "studios", "studios", filter, studio_filter, ids)


@resolves("Query.allTags")
def all_tags(_: Any, info: Any) -> list[dict[str, Any] | None]:
    """The deprecated allTags still answers: every tag by sort name, else name (NATURAL_CI), then
    id (pkg/sqlite/tag.go TagStore.All)."""
    store = _store(info)
    ids = store.column(f"SELECT id FROM tags ORDER BY {TAG_SORT_NAME}, id")
    return [named_object(store, "tags", i) for i in ids]


@resolves("Query.findTag", "Query.findPerformer", "Query.findStudio")
def find_named(_: Any, info: Any, id: str) -> Any:
    table = {"findTag": "tags", "findPerformer": "performers", "findStudio": "studios"}[info.field_name]
    return named_object(_store(info), table, parse_id(id))


# -- stats --------------------------------------------------------------------------------------
@resolves("Query.stats")
def stats(_: Any, info: Any) -> dict[str, Any]:
    """internal/api/resolver.go Stats. Scene durations are not modelled (refused when selected);
    groups, o-counts and plays cannot exist here (their mutations are refused), so they count 0."""
    store = _store(info)

    def count(table: str) -> int:
        return store.count(f"SELECT COUNT(*) FROM {table}")

    return {
        "scene_count": count("scenes"),
        "image_count": count("images"),
        "gallery_count": count("galleries"),
        "performer_count": count("performers"),
        "studio_count": count("studios"),
        "tag_count": count("tags"),
        "scenes_size": float(
            store.value("SELECT COALESCE(SUM(f.size), 0) FROM scenes_files sf JOIN files f ON f.id = sf.file_id")
        ),
        "images_size": float(
            store.value("SELECT COALESCE(SUM(f.size), 0) FROM images_files i_f JOIN files f ON f.id = i_f.file_id")
        ),
        "group_count": 0,
        "movie_count": 0,
        "total_o_count": 0,
        "total_play_duration": 0.0,
        "total_play_count": 0,
        "scenes_played": 0,
    }


# -- folders and files ------------------------------------------------------------------------------
FOLDER_SORTS = {"created_at", "id", "path", "random", "updated_at"}  # pkg/sqlite/folder.go folderSortOptions
FILE_SORTS = {"created_at", "id", "path", "random", "updated_at"}  # pkg/sqlite/file.go fileSortOptions
FILE_PATH = "((SELECT path FROM folders WHERE folders.id = files.parent_folder_id) || '/' || files.basename)"
FILE_DIR = "(SELECT path FROM folders WHERE folders.id = files.parent_folder_id)"


def _folder_tree(store: Store, ids: list[int], depth: int | None) -> list[int]:
    found, frontier, level = list(dict.fromkeys(ids)), list(dict.fromkeys(ids)), 0
    while frontier and depth is not None and (depth < 0 or level < depth):
        frontier = [
            i
            for i in store.column(
                f"SELECT id FROM folders WHERE parent_folder_id IN ({','.join('?' * len(frontier))})", frontier
            )
            if i not in found
        ]
        found.extend(frontier)
        level += 1
    return found


def _parent_folder(store: Store, sql: Sql, column: str, crit: dict[str, Any]) -> None:
    """parent_folder (hierarchical): INCLUDES / EXCLUDES the folders and, with depth, their sub-folders."""
    ids = _folder_tree(store, [parse_id(v) for v in crit.get("value") or []], crit.get("depth"))
    modifier = crit["modifier"]
    if modifier == "IS_NULL":
        sql.add(f"{column} IS NULL")
    elif modifier == "NOT_NULL":
        sql.add(f"{column} IS NOT NULL")
    elif modifier == "INCLUDES" and ids:
        sql.add(f"{column} IN ({','.join('?' * len(ids))})", *ids)
    elif modifier == "EXCLUDES" and ids:
        sql.add(f"{column} IS NULL OR {column} NOT IN ({','.join('?' * len(ids))})", *ids)
    elif ids:
        raise StashError(f"the Stash simulator does not model the parent_folder modifier {modifier}")


def _zip_file(sql: Sql, column: str, crit: dict[str, Any]) -> None:
    ids = [parse_id(v) for v in crit.get("value") or []]
    modifier = crit["modifier"]
    if modifier == "IS_NULL":
        sql.add(f"{column} IS NULL")
    elif modifier == "NOT_NULL":
        sql.add(f"{column} IS NOT NULL")
    elif modifier == "INCLUDES" and ids:
        sql.add(f"{column} IN ({','.join('?' * len(ids))})", *ids)
    elif modifier == "EXCLUDES" and ids:
        sql.add(f"{column} IS NULL OR {column} NOT IN ({','.join('?' * len(ids))})", *ids)
    elif ids:
        raise StashError(f"the Stash simulator does not model the zip_file modifier {modifier}")


FOLDER_CRITERIA = {"AND", "OR", "NOT", "path", "parent_folder", "zip_file", "gallery_count"}


def folder_where(store: Store, filter_: dict[str, Any] | None) -> Sql:
    """pkg/sqlite/folder_filter.go: path, parent_folder, zip_file, gallery_count; others refused."""
    filter_ = filter_ or {}
    refuse_unmodelled("folder", filter_, FOLDER_CRITERIA)
    sql = Sql()
    if filter_.get("path"):
        string_criterion(sql, "folders.path", filter_["path"])
    if filter_.get("parent_folder"):
        _parent_folder(store, sql, "folders.parent_folder_id", filter_["parent_folder"])
    if filter_.get("zip_file"):
        _zip_file(sql, "folders.zip_file_id", filter_["zip_file"])
    if filter_.get("gallery_count"):
        int_criterion(
            sql, "(SELECT COUNT(*) FROM galleries g WHERE g.folder_id = folders.id)", filter_["gallery_count"]
        )
    return combine(filter_, sql, lambda sub: folder_where(store, sub))


FILE_CRITERIA = {
    "AND",
    "OR",
    "NOT",
    "path",
    "basename",
    "dir",
    "parent_folder",
    "zip_file",
    "image_count",
    "gallery_count",
    "scene_count",
}


def file_where(store: Store, filter_: dict[str, Any] | None) -> Sql:
    """pkg/sqlite/file_filter.go, the criteria the simulator's files can answer; others refused."""
    filter_ = filter_ or {}
    refuse_unmodelled("file", filter_, FILE_CRITERIA)
    sql = Sql()
    for key, column in (("path", FILE_PATH), ("basename", "files.basename"), ("dir", FILE_DIR)):
        if filter_.get(key):
            string_criterion(sql, column, filter_[key])
    if filter_.get("parent_folder"):
        _parent_folder(store, sql, "files.parent_folder_id", filter_["parent_folder"])
    if filter_.get("zip_file"):
        _zip_file(sql, "files.zip_file_id", filter_["zip_file"])
    for key, join in (
        ("image_count", "images_files"),
        ("gallery_count", "galleries_files"),
        ("scene_count", "scenes_files"),
    ):
        if filter_.get(key):
            int_criterion(sql, f"(SELECT COUNT(*) FROM {join} j WHERE j.file_id = files.id)", filter_[key])
    return combine(filter_, sql, lambda sub: file_where(store, sub))


def _folder_by_path(store: Store, path: str) -> int | None:
    folder_id: int | None = store.value("SELECT id FROM folders WHERE path = ?", (path,))
    return folder_id


@resolves("Query.findFolder")
def find_folder(_: Any, info: Any, id: str | None = None, path: str | None = None) -> Any:
    """internal/api/resolver_query_find_folder.go FindFolder."""
    store = _store(info)
    if id is not None:
        return folder_object(store, store.value("SELECT id FROM folders WHERE id = ?", (parse_id(id),)))
    if path is not None:
        found = _folder_by_path(store, path)
        if found is None:
            raise StashError("folder not found")
        return folder_object(store, found)
    raise StashError("either id or path must be provided")


@resolves("Query.findFolders")
def find_folders(
    _: Any,
    info: Any,
    folder_filter: dict[str, Any] | None = None,
    filter: dict[str, Any] | None = None,
    ids: list[Any] | None = None,
) -> dict[str, Any]:
    store = _store(info)
    if ids:
        parsed = [parse_id(i) for i in ids]
        folders = [folder_object(store, i) for i in parsed]
        for folder_id, folder in zip(parsed, folders, strict=True):
            if folder is None:
                raise StashError(f"folder with id {folder_id} not found")
        return {"count": len(folders), "folders": folders}
    page = read_find_filter(filter, FOLDER_SORTS, None)
    where = folder_where(store, folder_filter)
    add_search(where, page.q, ["folders.path"])
    columns = {
        "path": "folders.path",
        "id": "folders.id",
        "created_at": "folders.mod_time",
        "updated_at": "folders.mod_time",
    }
    count, found = _find(
        store, "folders", where, page.limit_sql, order_clause(page, "folders", columns, "folders.id", _shuffle(info))
    )
    return {"count": count, "folders": [folder_object(store, i) for i in found]}


@resolves("Query.findFile")
def find_file(_: Any, info: Any, id: str | None = None, path: str | None = None) -> Any:
    """internal/api/resolver_query_find_file.go FindFile."""
    store = _store(info)
    if id is not None:
        return file_object(store, store.value("SELECT id FROM files WHERE id = ?", (parse_id(id),)))
    if path is not None:
        found = store.value(f"SELECT files.id FROM files WHERE {FILE_PATH} = ?", (path,))
        if found is None:
            raise StashError("file not found")
        return file_object(store, found)
    raise StashError("either id or path must be provided")


@resolves("Query.findFiles")
def find_files(
    _: Any,
    info: Any,
    file_filter: dict[str, Any] | None = None,
    filter: dict[str, Any] | None = None,
    ids: list[Any] | None = None,
) -> dict[str, Any]:
    """The library's files (zip, image, video). Video durations are not modelled: `duration`
    is refused when selected; megapixels and size are the matches' sums."""
    store = _store(info)
    if ids:
        found = [parse_id(i) for i in ids]
        for file_id in found:
            if store.value("SELECT 1 FROM files WHERE id = ?", (file_id,)) is None:
                raise StashError(f"file with id {file_id} not found")
        where = Sql()
        where.add(f"files.id IN ({','.join('?' * len(found))})", *found)
        count = len(found)
    else:
        page = read_find_filter(filter, FILE_SORTS, None)
        where = file_where(store, file_filter)
        add_search(where, page.q, [FILE_PATH])
        columns = {
            "path": f"{FILE_DIR}, files.basename",
            "id": "files.id",
            "created_at": "files.mod_time",
            "updated_at": "files.mod_time",
        }
        count, found = _find(
            store, "files", where, page.limit_sql, order_clause(page, "files", columns, "files.id", _shuffle(info))
        )
    totals = store.one(
        "SELECT COALESCE(SUM(CASE WHEN kind = 'image' THEN width * height ELSE 0 END), 0),"
        f" COALESCE(SUM(size), 0) FROM files WHERE {where.joined()}",
        where.params,
    )
    assert totals is not None  # an aggregate answers one row
    return {
        "count": count,
        "files": [file_object(store, i) for i in found],
        "megapixels": totals[0] / 1_000_000,
        "size": totals[1],
    }


# -- saved filters ------------------------------------------------------------------------------------
def saved_filter_object(row: Any) -> dict[str, Any]:
    def decoded(text: str | None) -> Any:
        return json.loads(text) if text is not None else None

    find_filter = decoded(row["find_filter"])
    if find_filter is not None:  # SavedFindFilterType: every key answers, null when not saved
        find_filter = {key: find_filter.get(key) for key in ("q", "page", "per_page", "sort", "direction")}

    return {
        "__typename": "SavedFilter",
        "id": str(row["id"]),
        "mode": row["mode"],
        "name": row["name"],
        "filter": "",  # resolver_model_saved_filter.go: the deprecated field is always ""
        "find_filter": find_filter,
        "object_filter": decoded(row["object_filter"]),
        "ui_options": decoded(row["ui_options"]),
    }


@resolves("Query.findSavedFilter")
def find_saved_filter(_: Any, info: Any, id: str) -> Any:
    row = _store(info).one("SELECT * FROM saved_filters WHERE id = ?", (parse_id(id),))
    return saved_filter_object(row) if row else None


@resolves("Query.findSavedFilters")
def find_saved_filters(_: Any, info: Any, mode: str | None = None) -> list[Any]:
    """pkg/sqlite/saved_filter.go: FindByMode orders by name (GROUPS and MOVIES together); All has no order."""
    store = _store(info)
    if mode is None:
        rows = store.all("SELECT * FROM saved_filters ORDER BY id")
    else:
        modes = ["GROUPS", "MOVIES"] if mode in ("GROUPS", "MOVIES") else [mode]
        rows = store.all(
            f"SELECT * FROM saved_filters WHERE mode IN ({','.join('?' * len(modes))}) ORDER BY name", modes
        )
    return [saved_filter_object(r) for r in rows]


# -- configuration and version -------------------------------------------------------------
@resolves("Query.configuration")
def configuration(_: Any, info: Any) -> dict[str, Any]:
    sim = info.context.sim
    return {
        "general": {
            "apiKey": sim.api_key,
            "galleryCoverRegex": effective_cover_regex(sim),
            "createGalleriesFromFolders": sim.config.create_galleries_from_folders,
            "username": sim.credentials[0] if sim.credentials else "",
            "pluginsPath": sim.plugins_path,
        }
    }


@resolves("ConfigResult.plugins")
def configured_plugins(_: Any, info: Any, include: list[str] | None = None) -> dict[str, Any]:
    """internal/api/resolver_model_config.go Plugins: no include, or an empty one, is every
    plugin's settings (GetAllPluginConfiguration); else the named plugins that have any."""
    rows = _store(info).all("SELECT plugin_id, settings FROM plugin_settings ORDER BY plugin_id")
    saved = {r["plugin_id"]: json.loads(r["settings"]) for r in rows}
    return {k: v for k, v in saved.items() if v and (not include or k in include)}
