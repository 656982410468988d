"""Query resolvers: finding galleries, images, scenes, tags, performers, studios; configuration.

Facts (internal/api/resolver_query_*.go; research notes of issue 2):
- findGallery(id): a non-integer id is `strconv.Atoi: parsing "x": invalid syntax`;
  an unknown id is null with no error.
- findGalleries(ids): an unknown id is `gallery with id N not found`; a repeated id
  `validating ids: duplicate id found: N`; count = number found; filter and paging ignored.
- findImages computes count only when `count` is selected (it is cheap here anyway).
- configuration.plugins(include): only plugins with a non-empty saved map appear.
- configuration.general.apiKey is "" unless credentials (and so a key) exist.
"""

from __future__ import annotations

import json
from typing import Any

from .engine import StashError, resolves
from .filters import (
    GALLERY_SEARCH_COLUMNS,
    GALLERY_SORT_COLUMNS,
    GALLERY_SORTS,
    GALLERY_TIE_BREAK,
    IMAGE_SEARCH_COLUMNS,
    IMAGE_SORT_COLUMNS,
    IMAGE_SORTS,
    IMAGE_TIE_BREAK,
    NAMED_SORTS,
    SCENE_SORTS,
    Sql,
    add_search,
    gallery_where,
    image_where,
    order_clause,
    read_find_filter,
    string_criterion,
)
from .objects import cover_regex_in_use, load_galleries, load_images, named_object, scene_object
from .store import Store

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
    return info.context.sim.store


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
def find_galleries(_: Any, info: Any, gallery_filter: dict | None = None, filter: dict | None = None,
                   ids: list | None = None) -> dict:
    store = _store(info)
    if ids:
        parsed = _by_ids(store, "galleries", ids, "gallery")
        return {"count": len(parsed), "galleries": load_galleries(store, parsed)}
    page = read_find_filter(filter, GALLERY_SORTS, None)
    where = gallery_where(gallery_filter)
    add_search(where, page.q, GALLERY_SEARCH_COLUMNS)
    count, found = _find(store, "galleries", where, page.limit_sql,
                         order_clause(page, "galleries", GALLERY_SORT_COLUMNS, GALLERY_TIE_BREAK))
    return {"count": count, "galleries": load_galleries(store, found)}


# -- images ----------------------------------------------------------------------------------
@resolves("Query.findImage")
def find_image(_: Any, info: Any, id: str | None = None, checksum: str | None = None) -> Any:
    store = _store(info)
    if id is not None:
        found = load_images(store, [parse_id(id)])
    elif checksum is not None:
        found = load_images(store, store.column(
            'SELECT i_f.image_id FROM images_files i_f JOIN files ON files.id = i_f.file_id WHERE files.md5 = ?'
            ' LIMIT 1', (checksum,)))
    else:
        found = []
    return found[0] if found else None


@resolves("Query.findImages")
def find_images(_: Any, info: Any, image_filter: dict | None = None, filter: dict | None = None,
                ids: list | None = None, image_ids: list | None = None) -> dict:
    store = _store(info)
    if ids or image_ids:
        parsed = _by_ids(store, "images", list(ids or image_ids or []), "image")
        return {"count": len(parsed), "images": load_images(store, parsed), "megapixels": 0, "filesize": 0}
    page = read_find_filter(filter, IMAGE_SORTS, None)
    where = image_where(image_filter)
    add_search(where, page.q, IMAGE_SEARCH_COLUMNS)
    count, found = _find(store, "images", where, page.limit_sql,
                         order_clause(page, "images", IMAGE_SORT_COLUMNS, IMAGE_TIE_BREAK))
    return {"count": count, "images": load_images(store, found), "megapixels": 0.0, "filesize": 0.0}


# -- scenes ---------------------------------------------------------------------------------
SCENE_PATH = (
    "(SELECT filter_path(fo.path, f.basename) FROM scenes_files sf JOIN files f ON f.id = sf.file_id"
    ' JOIN folders fo ON fo.id = f.parent_folder_id WHERE sf.scene_id = scenes.id AND sf."primary" = 1)'
)
SCENE_CRITERIA = {"id", "title", "path"}


@resolves("Query.findScenes")
def find_scenes(_: Any, info: Any, scene_filter: dict | None = None, filter: dict | None = None,
                ids: list | None = None, scene_ids: list | None = None) -> dict:
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
    if scene_filter.get("title"):
        string_criterion(where, "scenes.title", scene_filter["title"])
    if scene_filter.get("path"):
        string_criterion(where, SCENE_PATH, scene_filter["path"])
    add_search(where, page.q, ["scenes.title", SCENE_PATH])
    columns = {"id": "scenes.id", "title": "natural_key(COALESCE(scenes.title, ''))",
               "path": f"natural_key({SCENE_PATH})", "created_at": "scenes.created_at",
               "updated_at": "scenes.updated_at", "date": "scenes.id"}
    count, found = _find(store, "scenes", where, page.limit_sql, order_clause(page, "scenes", columns, "scenes.id"))
    rows = {r["id"]: r for r in store.all(
        f"SELECT * FROM scenes WHERE id IN ({','.join('?' * len(found))})", found)} if found else {}
    return {"count": count, "scenes": [scene_object(rows[i]) for i in found]}


# -- tags, performers, studios ------------------------------------------------------------------
def _find_named(info: Any, table: str, result_key: str, filter_: dict | None, criteria: dict | None,
                ids: list | None) -> dict:
    store = _store(info)
    if ids:
        parsed = _by_ids(store, table, ids, table[:-1])
        return {"count": len(parsed), result_key: [named_object(store, table, i) for i in parsed]}
    page = read_find_filter(filter_, NAMED_SORTS, "name")
    criteria = criteria or {}
    unknown = sorted(k for k, v in criteria.items() if v is not None and k != "name")
    if unknown:
        raise StashError(f"the Stash simulator does not model {table[:-1]} criteria: {', '.join(unknown)}")
    where = Sql()
    if criteria.get("name"):
        string_criterion(where, f"{table}.name", criteria["name"])
    add_search(where, page.q, [f"{table}.name"])
    columns = {"name": f"natural_key({table}.name)", "id": f"{table}.id", "created_at": f"{table}.created_at",
               "updated_at": f"{table}.updated_at"}
    count, found = _find(store, table, where, page.limit_sql, order_clause(page, table, columns, f"{table}.id"))
    return {"count": count, result_key: [named_object(store, table, i) for i in found]}


@resolves("Query.findTags")
def find_tags(_: Any, info: Any, tag_filter: dict | None = None, filter: dict | None = None,
              ids: list | None = None) -> dict:
    return _find_named(info, "tags", "tags", filter, tag_filter, ids)


@resolves("Query.findPerformers")
def find_performers(_: Any, info: Any, performer_filter: dict | None = None, filter: dict | None = None,
                    ids: list | None = None, performer_ids: list | None = None) -> dict:
    return _find_named(info, "performers", "performers", filter, performer_filter, ids or performer_ids)


@resolves("Query.findStudios")
def find_studios(_: Any, info: Any, studio_filter: dict | None = None, filter: dict | None = None,
                 ids: list | None = None) -> dict:
    return _find_named(info, "studios", "studios", filter, studio_filter, ids)


@resolves("Query.findTag", "Query.findPerformer", "Query.findStudio")
def find_named(_: Any, info: Any, id: str) -> Any:
    table = {"findTag": "tags", "findPerformer": "performers", "findStudio": "studios"}[info.field_name]
    return named_object(_store(info), table, parse_id(id))


# -- configuration and version -------------------------------------------------------------
@resolves("Query.configuration")
def configuration(_: Any, info: Any) -> dict:
    sim = info.context.sim
    # GetGalleryCoverRegex: the regex in use (one Go refuses reads as the default; config.go)
    return {"general": {"apiKey": sim.api_key, "galleryCoverRegex": cover_regex_in_use(sim.config.gallery_cover_regex),
                        "createGalleriesFromFolders": sim.config.create_galleries_from_folders,
                        "username": sim.credentials[0] if sim.credentials else ""}}


@resolves("ConfigResult.plugins")
def configured_plugins(_: Any, info: Any, include: list[str] | None = None) -> dict:
    rows = _store(info).all("SELECT plugin_id, settings FROM plugin_settings")
    saved = {r["plugin_id"]: json.loads(r["settings"]) for r in rows}
    return {k: v for k, v in saved.items() if v and (include is None or k in include)}


@resolves("Query.version")
def version(_: Any, info: Any) -> dict:
    from .simulator import STASH_VERSION

    return dict(STASH_VERSION)
