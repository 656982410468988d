"""Stash's find filters and criteria, compiled to SQL for the simulator's database.

Facts (pkg/models/find_filter.go, pkg/sqlite/{sql,filter,criterion_handlers,gallery_filter,
image_filter}.go):
- page: null or < 1 means 1. per_page: null means 25, negative means all, 0 means none.
- direction: null means ASC. sort: validated per entity, else `invalid sort: X`;
  galleries, images and scenes with no sort get no ORDER BY: SQLite then answers in
  the order it reads the rows, which is stable while the data stays the same. The
  simulator answers in id order; `SimConfig.shuffle_unsorted` (an opt-in fault)
  shuffles every such request instead, to catch code that pages without a sort.
- count is the number of all matches, whatever the page.
- q: space-separated words (a "quoted phrase" is one word, a -word excludes); each
  word must LIKE-match one of the entity's search columns.
- String criteria use LIKE (ASCII case-insensitive), regex criteria Go's RE2
  (case-sensitive, unanchored); IS_NULL also matches blank text.
- AND / OR / NOT: at most one per filter, else `cannot have X and Y in the same filter`.

Criteria the simulator does not model are refused with an error that says so, never
silently ignored: a test must not pass because a filter did nothing.
"""

from __future__ import annotations

import random
import shlex
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from . import custom_fields
from .engine import StashError
from .goregex import GoRegexError, compile_go

DEFAULT_PER_PAGE = 25

GALLERY_SORTS = {
    "created_at",
    "date",
    "file_count",
    "file_mod_time",
    "id",
    "images_count",
    "path",
    "performer_count",
    "random",
    "rating",
    "tag_count",
    "title",
    "updated_at",
}
IMAGE_SORTS = {
    "created_at",
    "date",
    "file_count",
    "file_mod_time",
    "filesize",
    "id",
    "o_counter",
    "path",
    "performer_count",
    "random",
    "rating",
    "resolution",
    "tag_count",
    "title",
    "updated_at",
}
NAMED_SORTS = {"name", "id", "created_at", "updated_at", "random"}  # tags, performers, studios
SCENE_SORTS = {"id", "title", "path", "created_at", "updated_at", "date", "rating", "random"}

# A gallery's and an image's files are joined, not looked up one: every file row counts
# (pkg/sqlite/gallery_filter.go, image_filter.go, gallery.go and image.go makeQuery join
# galleries_files / images_files with files, folders and files_fingerprints, and select DISTINCT
# ids). So a path, checksum or q matches through any file of a gallery or image; a gallery
# without files still has one row, with NULL file columns (a LEFT JOIN). Criteria on the files
# are evaluated over those rows with MAX(), which keeps SQL's NULL where every row is NULL (as
# the row-level clause is under NOT). Sorts take the file with the lowest id (related_files.py).
GALLERY_FILE_ROWS = (
    "FROM (SELECT 1) one LEFT JOIN galleries_files gf ON gf.gallery_id = galleries.id"
    " LEFT JOIN files f ON f.id = gf.file_id LEFT JOIN folders zf ON zf.id = f.parent_folder_id"
)
IMAGE_FILE_ROWS = (
    "FROM images_files i_f JOIN files f ON f.id = i_f.file_id JOIN folders fo ON fo.id = f.parent_folder_id"
    " WHERE i_f.image_id = images.id"
)
GALLERY_FILE_PATH = "filter_path(zf.path, f.basename)"  # folders.path || separator || files.basename
IMAGE_FILE_PATH = "filter_path(fo.path, f.basename)"
GALLERY_FOLDER_PATH = "(SELECT path FROM folders WHERE folders.id = galleries.folder_id)"
GALLERY_ZIP_BASENAME = (
    "(SELECT f.basename FROM galleries_files gf JOIN files f ON f.id = gf.file_id"
    " WHERE gf.gallery_id = galleries.id ORDER BY gf.file_id LIMIT 1)"
)
# filepath.Base(folders.path), with the host's separators (hostpaths.py)
GALLERY_FOLDER_BASENAME = "(SELECT base_name(path) FROM folders WHERE folders.id = galleries.folder_id)"
IMAGE_BASENAME = (
    "(SELECT f.basename FROM images_files i_f JOIN files f ON f.id = i_f.file_id"
    " WHERE i_f.image_id = images.id ORDER BY i_f.file_id LIMIT 1)"
)


def over_gallery_files(clause: str) -> str:
    """A clause on one file row (f, zf) of a gallery, true when it holds for any (NULL logic kept)."""
    return f"(SELECT MAX({clause}) {GALLERY_FILE_ROWS})"


def over_image_files(clause: str) -> str:
    """A clause on one file row (f, fo) of an image, true when it holds for any (NULL logic kept)."""
    return f"(SELECT MAX({clause}) {IMAGE_FILE_ROWS})"


def file_criterion(sql: Sql, over: Any, column: str, crit: dict[str, Any]) -> None:
    """A string criterion on a file column (`over` is over_gallery_files or over_image_files)."""
    row = Sql()
    string_criterion(row, column, crit)
    sql.add(f"{over(row.joined())} = 1", *row.params)


@dataclass
class Sql:
    """A WHERE clause under construction: text parts and their parameters."""

    parts: list[str] = field(default_factory=list)
    params: list[Any] = field(default_factory=list)

    def add(self, clause: str, *params: Any) -> None:
        self.parts.append(clause)
        self.params.extend(params)

    def joined(self, glue: str = " AND ") -> str:
        return glue.join(f"({p})" for p in self.parts) if self.parts else "1"


@dataclass
class Page:
    """A FindFilterType after Stash's defaults."""

    q: str | None
    page: int
    per_page: int | None  # None: all rows
    sort: str | None
    descending: bool

    @property
    def limit_sql(self) -> str:
        if self.per_page is None:
            return ""
        return f" LIMIT {self.per_page} OFFSET {(self.page - 1) * self.per_page}"


def read_find_filter(find_filter: dict[str, Any] | None, valid_sorts: set[str], default_sort: str | None) -> Page:
    """Apply Stash's paging defaults and validate the sort."""
    find_filter = find_filter or {}
    page = find_filter.get("page")
    page = 1 if page is None or page < 1 else page
    per_page = find_filter.get("per_page")
    if per_page is None:
        per_page = DEFAULT_PER_PAGE
    elif per_page < 0:
        per_page = None
    sort = find_filter.get("sort")
    if sort is None or (sort == "" and default_sort is None):
        sort = default_sort
    if sort is not None:
        base = sort
        if sort.startswith("random_"):
            seed = sort[len("random_") :]
            if not (seed.isascii() and seed.isdigit()) or int(seed) >= 1 << 64:  # strconv.ParseUint
                raise StashError(f"invalid random seed: {seed}")
            base = "random"
        if base not in valid_sorts:
            raise StashError(f"invalid sort: {sort}")
    return Page(find_filter.get("q"), page, per_page, sort, find_filter.get("direction") == "DESC")


def order_clause(
    page: Page,
    table: str,
    columns: dict[str, str],
    tie_break: str,
    shuffle_unsorted: bool = False,
    collated: frozenset[str] = frozenset(),
    unsorted: str | None = None,
) -> str:
    """ORDER BY for a validated sort, with Stash's ties.

    A sort key compared with the NATURAL_CI collation (`collated`: path and title) is never
    "equal" (pkg/sqlite/driver.go answers -1 or 1), so SQLite's sorter puts tied rows in the
    reverse of the order it read them, which is id order: by descending id under ASC, by
    ascending id under DESC, and the ORDER BY terms after it are never reached. Any other
    key goes on to the entity's final term (`tie_break`, Stash's "title/id as a final sort").

    With no sort Stash adds no ORDER BY (pkg/sqlite/gallery.go setGallerySort, image.go
    setImageSortAndPagination) and SQLite answers in the order it reads the rows: `unsorted`
    (id order by default), or a fresh shuffle per request when `shuffle_unsorted`."""
    direction = "DESC" if page.descending else "ASC"
    if page.sort is None and not shuffle_unsorted:
        return f" ORDER BY {unsorted or f'{table}.id ASC'}"  # no direction: there is no ORDER BY to apply it to
    if page.sort is None or page.sort == "random" or page.sort.startswith("random_"):
        seed = int(page.sort[7:]) if page.sort and page.sort.startswith("random_") else random.randrange(1 << 64)
        return random_order(f"{table}.id", seed, direction)
    if page.sort in collated:
        return f" ORDER BY {columns[page.sort]} {direction}, {table}.id {'ASC' if page.descending else 'DESC'}"
    return f" ORDER BY {columns[page.sort]} {direction}, {tie_break}"


def final_term(table: str, title: str) -> str:
    """`COALESCE(<title>, <table>.id) COLLATE NATURAL_CI ASC`, Stash's final sort term: a NULL
    title gives the integer id, and SQLite orders numbers before text, by value; titles go
    by NATURAL_CI, equal ones by descending id (the collation never answers "equal")."""
    return f"{title} IS NOT NULL, CASE WHEN {title} IS NULL THEN {table}.id END, natural_key({title}), {table}.id DESC"


def random_order(id_column: str, seed: int, direction: str) -> str:
    """Stash's getRandomSort (pkg/sqlite/sql.go): the seed capped at 10^8, then
    mod((n+seed)^2 * 52959209 + (n+seed) * 1047483763, 2147483647) with SQLite's math mod()."""
    n = f"({id_column} + {seed % 100_000_000})"
    return f" ORDER BY mod({n} * {n} * 52959209 + {n} * 1047483763, 2147483647) {direction}"


# -- q ---------------------------------------------------------------------------------------
def search_words(q: str) -> tuple[list[str], list[str]]:
    """Split a q string into words to include and words to exclude."""
    try:
        words = shlex.split(q)
    except ValueError:
        words = q.split(" ")
    include = [w for w in words if w and not w.startswith("-")]
    exclude = [w[1:] for w in words if w.startswith("-") and len(w) > 1]
    return include, exclude


def add_search(sql: Sql, q: str | None, columns: list[str], rows: str | None = None) -> None:
    """q's words against the columns. With `rows` (a FROM clause the columns are read from, such
    as a gallery's files), the words must all hold on one row of it, as they do on Stash's
    joined rows (parseQueryString adds its clauses to the query's WHERE)."""
    if not q:
        return
    include, exclude = search_words(q)
    words = Sql()
    for word in include:
        words.add(" OR ".join(f"{c} LIKE ?" for c in columns), *[f"%{word}%"] * len(columns))
    for word in exclude:
        words.add(" AND ".join(f"COALESCE({c}, '') NOT LIKE ?" for c in columns), *[f"%{word}%"] * len(columns))
    if rows is None:
        sql.parts += words.parts
        sql.params += words.params
        return
    glue = " AND " if " WHERE " in rows else " WHERE "
    sql.add(f"EXISTS (SELECT 1 {rows}{glue}{words.joined()})", *words.params)


# -- criteria ----------------------------------------------------------------------------
def string_criterion(sql: Sql, column: str, crit: dict[str, Any]) -> None:
    value, modifier = crit["value"], crit["modifier"]
    if modifier == "EQUALS":
        sql.add(f"{column} LIKE ?", value)
    elif modifier == "NOT_EQUALS":
        sql.add(f"{column} NOT LIKE ?", value)
    elif modifier == "INCLUDES":
        words = _criterion_words(value)
        sql.add(" OR ".join(f"{column} LIKE ?" for _ in words), *[f"%{w}%" for w in words])
    elif modifier == "EXCLUDES":
        words = _criterion_words(value)
        sql.add(" AND ".join(f"{column} NOT LIKE ?" for _ in words), *[f"%{w}%" for w in words])
    elif modifier == "MATCHES_REGEX":
        _check_regex(value)
        sql.add(f"{column} IS NOT NULL AND {column} REGEXP ?", value)
    elif modifier == "NOT_MATCHES_REGEX":
        _check_regex(value)
        sql.add(f"{column} IS NULL OR {column} NOT REGEXP ?", value)
    elif modifier == "IS_NULL":
        sql.add(f"{column} IS NULL OR TRIM({column}) = ''")
    elif modifier == "NOT_NULL":
        sql.add(f"{column} IS NOT NULL AND TRIM({column}) != ''")
    else:
        raise StashError(f"Internal system error. Error <unsupported string filter modifier {modifier}>")


def _criterion_words(value: str) -> list[str]:
    if len(value) > 1 and value.startswith('"') and value.endswith('"'):
        return [value[1:-1]]
    return [w for w in value.split(" ") if w] or [""]


def _check_regex(pattern: str) -> None:
    """regexp.Compile first, as Stash does: Go's syntax and Go's message (goregex.py)."""
    try:
        compile_go(pattern)
    except GoRegexError as exc:
        raise StashError(str(exc)) from None


def int_criterion(sql: Sql, column: str, crit: dict[str, Any]) -> None:
    value, value2, modifier = crit["value"], crit.get("value2") or 0, crit["modifier"]
    simple = {"EQUALS": "=", "NOT_EQUALS": "!=", "GREATER_THAN": ">", "LESS_THAN": "<"}
    if modifier in simple:
        sql.add(f"{column} {simple[modifier]} ?", value)
    elif modifier == "BETWEEN":
        sql.add(f"{column} BETWEEN ? AND ?", value, value2)
    elif modifier == "NOT_BETWEEN":
        sql.add(f"{column} NOT BETWEEN ? AND ?", value, value2)
    elif modifier == "IS_NULL":
        sql.add(f"{column} IS NULL")
    elif modifier == "NOT_NULL":
        sql.add(f"{column} IS NOT NULL")
    else:
        raise StashError(f"Internal system error. Error <unsupported numeric modifier type {modifier}>")


def date_criterion(sql: Sql, column: str, crit: dict[str, Any]) -> None:
    """Dates are stored as YYYY-MM-DD text, so they compare as text."""
    if crit["modifier"] in ("IS_NULL", "NOT_NULL"):
        sql.add(f"{column} IS {'' if crit['modifier'] == 'IS_NULL' else 'NOT '}NULL")
    else:
        int_criterion(sql, column, crit)


# The parent -> child edges of each hierarchy the criteria follow.
HIERARCHY_EDGES = {
    "tags": "SELECT parent_id AS parent, child_id AS child FROM tags_relations",
    "studios": "SELECT parent_id AS parent, id AS child FROM studios WHERE parent_id IS NOT NULL",
    "folders": "SELECT parent_folder_id AS parent, id AS child FROM folders WHERE parent_folder_id IS NOT NULL",
}


def hierarchy(kind: str, ids: list[int], depth: int | None) -> tuple[str, list[Any]]:
    """SQL selecting (root, id): each value and its descendants down `depth` levels (-1: all;
    null or 0: the values only), as pkg/sqlite/filter.go getHierarchicalValues builds them."""
    seeds = " UNION ALL ".join("SELECT ?, ?, 0" for _ in ids)
    params: list[Any] = [v for i in ids for v in (i, i)]
    limit = ""
    if depth is None or depth >= 0:
        limit = " WHERE h.level < ?"
        params.append(depth or 0)
    sql = (
        f"WITH RECURSIVE h(root, id, level) AS ({seeds} UNION SELECT h.root, e.child, h.level + 1"
        f" FROM h JOIN ({HIERARCHY_EDGES[kind]}) e ON e.parent = h.id{limit}) SELECT root, id FROM h"
    )
    return sql, params


def multi_criterion(
    sql: Sql, owner: str, join_table: str, owner_col: str, other_col: str, crit: dict[str, Any], hierarchical: bool
) -> None:
    """tags / performers / scenes (joined) criteria on an owner table; tags follow the tag
    hierarchy with `depth` (pkg/sqlite/criterion_handlers.go joinedHierarchicalMultiCriterionHandlerBuilder)."""
    ids = [_int_id(v) for v in crit.get("value") or []]
    excludes = [_int_id(v) for v in crit.get("excludes") or []]
    modifier = crit["modifier"]
    depth = crit.get("depth") if hierarchical else None
    members = f"SELECT {other_col} FROM {join_table} j WHERE j.{owner_col} = {owner}.id"
    if modifier == "NOT_EQUALS":
        kind = "hierarchical multi criterion input" if hierarchical else "multi criterion input"
        raise StashError(f"not equals modifier is not supported for {kind}")
    if modifier == "IS_NULL":
        sql.add(f"NOT EXISTS ({members})")
    elif modifier == "NOT_NULL":
        sql.add(f"EXISTS ({members})")
    elif modifier == "INCLUDES" and ids:
        if depth:
            tree, params = hierarchy("tags", ids, depth)
            sql.add(
                f"{owner}.id IN (SELECT {owner_col} FROM {join_table} WHERE {other_col} IN (SELECT id FROM ({tree})))",
                *params,
            )
        else:
            # the same rows as EXISTS (...), but SQLite can start from the join table's index
            sql.add(f"{owner}.id IN (SELECT {owner_col} FROM {join_table} WHERE {other_col} IN ({_marks(ids)}))", *ids)
    elif modifier == "INCLUDES_ALL" and ids:
        if depth:
            tree, params = hierarchy("tags", ids, depth)
            sql.add(
                f"(SELECT COUNT(DISTINCT t.root) FROM {join_table} j JOIN ({tree}) t ON t.id = j.{other_col}"
                f" WHERE j.{owner_col} = {owner}.id) = ?",
                *params,
                len(set(ids)),
            )
        else:
            sql.add(
                f"(SELECT COUNT(DISTINCT {other_col}) FROM {join_table} j WHERE j.{owner_col} = {owner}.id"
                f" AND {other_col} IN ({_marks(ids)})) = ?",
                *ids,
                len(set(ids)),
            )
    elif modifier == "EQUALS" and ids:
        if hierarchical and crit.get("depth"):
            raise StashError("depth is not supported for equals modifier in hierarchical multi criterion input")
        sql.add(
            f"(SELECT COUNT(DISTINCT {other_col}) FROM {join_table} j WHERE j.{owner_col} = {owner}.id"
            f" AND {other_col} IN ({_marks(ids)})) = ? AND (SELECT COUNT(*) FROM {join_table} j"
            f" WHERE j.{owner_col} = {owner}.id) = ?",
            *ids,
            len(set(ids)),
            len(set(ids)),
        )
    elif modifier == "EXCLUDES":
        excludes = ids + excludes
    if excludes:
        if depth:
            tree, params = hierarchy("tags", excludes, depth)
            sql.add(f"NOT EXISTS ({members} AND {other_col} IN (SELECT id FROM ({tree})))", *params)
        else:
            sql.add(f"NOT EXISTS ({members} AND {other_col} IN ({_marks(excludes)}))", *excludes)


def studio_criterion(sql: Sql, column: str, crit: dict[str, Any]) -> None:
    """pkg/sqlite/criterion_handlers.go studioCriterionHandler: EQUALS is INCLUDES_ALL, NOT_EQUALS
    EXCLUDES; values follow the studio hierarchy with `depth`."""
    ids = [_int_id(v) for v in crit.get("value") or []]
    modifier = {"EQUALS": "INCLUDES_ALL", "NOT_EQUALS": "EXCLUDES"}.get(crit["modifier"], crit["modifier"])
    depth = crit.get("depth")
    if ids and depth:
        tree, params = hierarchy("studios", ids, depth)
        members, member_params = f"SELECT id FROM ({tree})", params
    else:
        members, member_params = _marks(ids), ids
    if modifier == "IS_NULL":
        sql.add(f"{column} IS NULL")
    elif modifier == "NOT_NULL":
        sql.add(f"{column} IS NOT NULL")
    elif modifier == "INCLUDES" and ids:
        sql.add(f"{column} IN ({members})", *member_params)
    elif modifier == "INCLUDES_ALL" and ids:
        sql.add(f"{column} IN ({members}) AND ? = 1", *member_params, len(set(ids)))
    elif modifier == "EXCLUDES" and ids:
        sql.add(f"{column} NOT IN ({members}) OR {column} IS NULL", *member_params)


def _marks(values: list[Any]) -> str:
    return ", ".join("?" for _ in values)


def _int_id(value: Any) -> int:
    try:
        return int(value)
    except (TypeError, ValueError) as exc:
        raise StashError(f'strconv.Atoi: parsing "{value}": invalid syntax') from exc


def check_combination(filter_: dict[str, Any]) -> None:
    # validateFilterCombination (pkg/sqlite/filter.go) tests for non-nil: an empty {} counts
    present = [key for key in ("AND", "OR", "NOT") if filter_.get(key) is not None]
    if len(present) > 1:
        raise StashError(f"cannot have {present[0]} and {present[1]} in the same filter")


def combine(filter_: dict[str, Any], own: Sql, compile_sub: Callable[[dict[str, Any]], Sql]) -> Sql:
    """Join a filter's own criteria with its AND / OR / NOT sub-filter, as Stash does."""
    check_combination(filter_)
    out = Sql()
    own_sql = own.joined()
    for key in ("AND", "OR", "NOT"):
        sub_filter = filter_.get(key)
        if not sub_filter:
            continue
        sub = compile_sub(sub_filter)
        sub_sql = sub.joined()
        if key == "AND":
            out.add(f"({own_sql}) AND ({sub_sql})", *own.params, *sub.params)
        elif key == "OR":
            clause = f"({own_sql}) OR ({sub_sql})" if own.parts else sub_sql
            out.add(clause, *own.params, *sub.params)
        else:
            out.add(f"({own_sql}) AND NOT ({sub_sql})", *own.params, *sub.params)
        return out
    return own


def refuse_unmodelled(kind: str, filter_: dict[str, Any], modelled: set[str]) -> None:
    unknown = sorted(k for k, v in filter_.items() if v is not None and k not in modelled)
    if unknown:
        raise StashError(f"the Stash simulator does not model {kind} criteria: {', '.join(unknown)}")


# -- galleries -----------------------------------------------------------------------------
GALLERY_CRITERIA = {
    "AND",
    "OR",
    "NOT",
    "id",
    "title",
    "details",
    "code",
    "photographer",
    "checksum",
    "path",
    "file_count",
    "is_missing",
    "is_zip",
    "rating100",
    "organized",
    "has_chapters",
    "scenes",
    "studios",
    "tags",
    "tag_count",
    "performers",
    "performer_count",
    "image_count",
    "url",
    "date",
    "custom_fields",
    "parent_folder",  # v0.31 (the schema refuses them on v0.30.1)
}
GALLERY_SEARCH_ROWS = (  # the rows q is matched on (pkg/sqlite/gallery.go makeQuery)
    f"{GALLERY_FILE_ROWS} LEFT JOIN folders gallery_folder ON gallery_folder.id = galleries.folder_id"
    " LEFT JOIN galleries_chapters c ON c.gallery_id = galleries.id"
)
GALLERY_SEARCH_COLUMNS = ["galleries.title", "gallery_folder.path", GALLERY_FILE_PATH, "f.md5", "f.oshash", "c.title"]
GALLERY_SORT_COLUMNS = {
    "id": "galleries.id",
    # COALESCE(galleries.title, files.basename, basename(COALESCE(folders.path, ''))): the zip's
    # or folder's base name, Go's filepath.Base("") = "." (pkg/sqlite/gallery.go, functions.go);
    # its second key (the zip's folder) is never reached: NATURAL_CI never returns 0
    "title": f"natural_key(COALESCE(NULLIF(galleries.title, ''), {GALLERY_ZIP_BASENAME},"
    f" {GALLERY_FOLDER_BASENAME}, '.'))",
    "path": "galleries.path_key",
    "created_at": "galleries.created_at",
    "updated_at": "galleries.updated_at",
    "date": "galleries.date",
    "rating": "galleries.rating",
    "images_count": "(SELECT COUNT(*) FROM galleries_images gi WHERE gi.gallery_id = galleries.id)",
    "file_count": "(SELECT COUNT(*) FROM galleries_files gf WHERE gf.gallery_id = galleries.id)",
    "tag_count": "(SELECT COUNT(*) FROM galleries_tags gt WHERE gt.gallery_id = galleries.id)",
    "performer_count": "(SELECT COUNT(*) FROM performers_galleries pg WHERE pg.gallery_id = galleries.id)",
    "file_mod_time": "galleries.updated_at",
}
GALLERY_TIE_BREAK = final_term("galleries", "galleries.title")
GALLERY_COLLATED_SORTS = frozenset({"path", "title"})  # COLLATE NATURAL_CI (setGallerySort)
# findGalleries with no sort reads the covering index on folder_id: zip and hand-made galleries
# (no folder) by id, then folder galleries by folder (measured on v0.30.1)
GALLERY_UNSORTED = "galleries.folder_id ASC, galleries.id ASC"
# With a path criterion, q or files_filter the query already joins `folders` on the gallery's
# files (galleryRepositoryType.addFoldersTable), and the path sort's own join of that alias
# (folders.id = galleries.folder_id) drops out: the key becomes the zip's folder, the zip's
# folder again and its base name, and '' for folder and hand-made galleries.
GALLERY_PATH_UNDER_FILES_JOIN = (
    "natural_key(COALESCE((SELECT zf.path || zf.path || f.basename FROM galleries_files gf JOIN files f"
    " ON f.id = gf.file_id JOIN folders zf ON zf.id = f.parent_folder_id WHERE gf.gallery_id = galleries.id"
    " ORDER BY gf.file_id LIMIT 1), ''))"
)
# ... and the title sort's last fallback, basename(COALESCE(folders.path, '')), is the zip's folder
# for zip galleries and filepath.Base("") = "." for the others
GALLERY_TITLE_UNDER_FILES_JOIN = f"natural_key(COALESCE(NULLIF(galleries.title, ''), {GALLERY_ZIP_BASENAME}, '.'))"


def joins_gallery_files(gallery_filter: dict[str, Any] | None, q: str | None) -> bool:
    """Whether Stash's query joins `folders` on the gallery's files: a path criterion (in the
    filter or any AND / OR / NOT under it) or a q (GalleryStore.makeQuery, pathCriterionHandler)."""
    if q:
        return True
    node = gallery_filter or {}
    while node:
        if node.get("path") is not None:
            return True
        node = next((node[key] for key in ("AND", "OR", "NOT") if node.get(key)), {})
    return False


def gallery_sort_columns(gallery_filter: dict[str, Any] | None, q: str | None) -> dict[str, str]:
    """GALLERY_SORT_COLUMNS, with the path and title keys Stash's joins give under a path filter or q."""
    if not joins_gallery_files(gallery_filter, q):
        return GALLERY_SORT_COLUMNS
    return dict(GALLERY_SORT_COLUMNS, path=GALLERY_PATH_UNDER_FILES_JOIN, title=GALLERY_TITLE_UNDER_FILES_JOIN)


def gallery_where(filter_: dict[str, Any] | None) -> Sql:
    """Compile a GalleryFilterType into a WHERE clause over `galleries`."""
    filter_ = filter_ or {}
    refuse_unmodelled("gallery", filter_, GALLERY_CRITERIA)
    sql = Sql()
    for name, column in (
        ("title", "galleries.title"),
        ("details", "galleries.details"),
        ("code", "galleries.code"),
        ("photographer", "galleries.photographer"),
    ):
        if filter_.get(name):
            string_criterion(sql, column, filter_[name])
    if filter_.get("checksum"):
        # a left join of every zip file's md5 fingerprint (gallery_filter.go checksumCriterionHandler)
        file_criterion(sql, over_gallery_files, "f.md5", filter_["checksum"])
    if filter_.get("path"):
        _gallery_path(sql, filter_["path"])
    if filter_.get("url"):
        string_criterion(
            sql, "(SELECT group_concat(url, ' ') FROM gallery_urls u WHERE u.gallery_id = galleries.id)", filter_["url"]
        )
    if filter_.get("date"):
        date_criterion(sql, "galleries.date", filter_["date"])
    for name, column in (
        ("id", "galleries.id"),
        ("rating100", "galleries.rating"),
        ("image_count", GALLERY_SORT_COLUMNS["images_count"]),
        ("file_count", GALLERY_SORT_COLUMNS["file_count"]),
        ("tag_count", GALLERY_SORT_COLUMNS["tag_count"]),
        ("performer_count", GALLERY_SORT_COLUMNS["performer_count"]),
    ):
        if filter_.get(name):
            int_criterion(sql, column, filter_[name])
    if filter_.get("is_zip") is not None:
        exists = "EXISTS (SELECT 1 FROM galleries_files gf WHERE gf.gallery_id = galleries.id)"
        sql.add(exists if filter_["is_zip"] else f"NOT {exists}")
    if filter_.get("organized") is not None:
        sql.add("galleries.organized = ?", 1 if filter_["organized"] else 0)
    if filter_.get("has_chapters") is not None:
        exists = "EXISTS (SELECT 1 FROM galleries_chapters c WHERE c.gallery_id = galleries.id)"
        sql.add(exists if filter_["has_chapters"] == "true" else f"NOT {exists}")
    if filter_.get("tags"):
        multi_criterion(sql, "galleries", "galleries_tags", "gallery_id", "tag_id", filter_["tags"], True)
    if filter_.get("performers"):
        multi_criterion(
            sql, "galleries", "performers_galleries", "gallery_id", "performer_id", filter_["performers"], False
        )
    if filter_.get("scenes"):
        multi_criterion(sql, "galleries", "scenes_galleries", "gallery_id", "scene_id", filter_["scenes"], False)
    if filter_.get("studios"):
        studio_criterion(sql, "galleries.studio_id", filter_["studios"])
    if filter_.get("is_missing"):
        _gallery_missing(sql, filter_["is_missing"])
    if filter_.get("parent_folder") is not None:
        _gallery_parent_folder(sql, filter_["parent_folder"])
    if filter_.get("custom_fields"):
        custom_fields.add_criteria(sql.add, "galleries", filter_["custom_fields"])
    return combine(filter_, sql, gallery_where)


def _gallery_path(sql: Sql, crit: dict[str, Any]) -> None:
    """A gallery's path is any of its zips' paths or its folder's path; both are tried
    (pkg/sqlite/gallery_filter.go pathCriterionHandler)."""
    zip_part, folder_part = Sql(), Sql()
    file_criterion(zip_part, over_gallery_files, GALLERY_FILE_PATH, crit)
    string_criterion(folder_part, GALLERY_FOLDER_PATH, crit)
    glue = " AND " if crit["modifier"] in ("NOT_MATCHES_REGEX", "IS_NULL") else " OR "
    sql.add(f"({zip_part.joined()}){glue}({folder_part.joined()})", *zip_part.params, *folder_part.params)


def _gallery_parent_folder(sql: Sql, crit: dict[str, Any]) -> None:
    """parentFolderCriterionHandler (pkg/sqlite/gallery_filter.go, v0.31.1 with #6737): the folder
    that holds a zip gallery's zip, or a folder gallery's parent folder, is one of the values'
    folders (with their sub-folders down `depth`, as for tags). EQUALS is INCLUDES, NOT_EQUALS
    EXCLUDES; any other modifier is refused."""
    modifier = {"EQUALS": "INCLUDES", "NOT_EQUALS": "EXCLUDES"}.get(crit["modifier"], crit["modifier"])
    if modifier not in ("INCLUDES", "EXCLUDES"):
        raise StashError(f"invalid modifier for parent folder criterion: {crit['modifier']}")
    ids = [_int_id(v) for v in crit.get("value") or []]
    if modifier == "EXCLUDES" or crit.get("excludes"):
        # Stash's excludes clause names a folders join it does not add: not modelled
        raise StashError("the Stash simulator does not model excluded folders in the parent_folder criterion")
    if not ids:
        return
    tree, params = hierarchy("folders", ids, crit.get("depth"))
    zip_folder = (
        "(SELECT f.parent_folder_id FROM galleries_files gf JOIN files f ON f.id = gf.file_id"
        " WHERE gf.gallery_id = galleries.id LIMIT 1)"
    )
    folder_parent = "(SELECT parent_folder_id FROM folders WHERE folders.id = galleries.folder_id)"
    sql.add(
        f"{zip_folder} IN (SELECT id FROM ({tree})) OR {folder_parent} IN (SELECT id FROM ({tree}))", *params, *params
    )


# The columns of Stash's galleries table (pkg/sqlite/tables.go, schema 75); is_missing names them raw.
GALLERY_COLUMNS = {
    "id",
    "title",
    "code",
    "details",
    "photographer",
    "date",
    "rating",
    "organized",
    "studio_id",
    "folder_id",
    "created_at",
    "updated_at",
}


class NoSuchColumn(Exception):
    """is_missing's default branch named a column the table does not have: Stash's SQL fails
    (galleryFilterHandler.missingCriterionHandler writes `galleries.<value>` into the query)."""

    def __init__(self, table: str, value: str) -> None:
        super().__init__(f"no such column: {table}.{value}")
        self.table = table
        self.value = value


def _gallery_missing(sql: Sql, what: str) -> None:
    """pkg/sqlite/gallery_filter.go missingCriterionHandler: url, scenes, studio, performers,
    date and tags have their own clause; any other value is a column name in the default
    clause `(galleries.<value> IS NULL OR TRIM(galleries.<value>) = '')`."""
    joins = {
        "scenes": "scenes_galleries",
        "performers": "performers_galleries",
        "tags": "galleries_tags",
        "url": "gallery_urls",
    }
    if what in joins:
        sql.add(f"NOT EXISTS (SELECT 1 FROM {joins[what]} j WHERE j.gallery_id = galleries.id)")
    elif what == "studio":
        sql.add("galleries.studio_id IS NULL")
    elif what == "date":
        sql.add("galleries.date IS NULL OR galleries.date = ''")
    elif what in GALLERY_COLUMNS:
        sql.add(f"galleries.{what} IS NULL OR TRIM(galleries.{what}) = ''")
    elif what.isidentifier() and what.isascii():
        raise NoSuchColumn("galleries", what)
    else:
        raise StashError(f"the Stash simulator does not model is_missing {what!r} (not a column name)")


# -- images ------------------------------------------------------------------------------
IMAGE_CRITERIA = {
    "AND",
    "OR",
    "NOT",
    "id",
    "title",
    "path",
    "checksum",
    "galleries",
    "tags",
    "performers",
    "organized",
    "studios",
    "is_missing",
    "date",
    "rating100",
    "custom_fields",
}
IMAGE_SEARCH_COLUMNS = ["images.title", IMAGE_FILE_PATH, "f.md5", "f.oshash"]  # over IMAGE_FILE_ROWS
IMAGE_SORT_COLUMNS = {
    "id": "images.id",
    "path": "images.path_key",
    # COALESCE(images.title, files.basename) (pkg/sqlite/image.go setImageSortAndPagination)
    "title": f"natural_key(COALESCE(NULLIF(images.title, ''), {IMAGE_BASENAME}))",
    "created_at": "images.created_at",
    "updated_at": "images.updated_at",
    "date": "images.date",
    "rating": "images.rating",
    "tag_count": "(SELECT COUNT(*) FROM images_tags it WHERE it.image_id = images.id)",
    "performer_count": "(SELECT COUNT(*) FROM performers_images pi WHERE pi.image_id = images.id)",
    "file_count": "(SELECT COUNT(*) FROM images_files i_f WHERE i_f.image_id = images.id)",
    "filesize": "(SELECT f.size FROM images_files i_f JOIN files f ON f.id = i_f.file_id"
    ' WHERE i_f.image_id = images.id AND i_f."primary" = 1)',
    "resolution": "(SELECT MIN(f.width, f.height) FROM images_files i_f JOIN files f ON f.id = i_f.file_id"
    ' WHERE i_f.image_id = images.id AND i_f."primary" = 1)',
    "file_mod_time": "images.updated_at",
    "o_counter": "images.id * 0",
}
IMAGE_TIE_BREAK = final_term("images", "images.title")
IMAGE_COLLATED_SORTS = frozenset({"path", "title"})  # COLLATE NATURAL_CI (setImageSortAndPagination)


def image_where(filter_: dict[str, Any] | None) -> Sql:
    """Compile an ImageFilterType into a WHERE clause over `images`."""
    filter_ = filter_ or {}
    refuse_unmodelled("image", filter_, IMAGE_CRITERIA)
    sql = Sql()
    if filter_.get("id"):
        int_criterion(sql, "images.id", filter_["id"])
    if filter_.get("title"):
        string_criterion(sql, "images.title", filter_["title"])
    if filter_.get("path"):
        file_criterion(sql, over_image_files, IMAGE_FILE_PATH, filter_["path"])
    if filter_.get("checksum"):
        file_criterion(sql, over_image_files, "f.md5", filter_["checksum"])
    if filter_.get("organized") is not None:
        sql.add("images.organized = ?", 1 if filter_["organized"] else 0)
    if filter_.get("date"):  # pkg/sqlite/image_filter.go: dateCriterionHandler on images.date
        date_criterion(sql, "images.date", filter_["date"])
    if filter_.get("rating100"):
        int_criterion(sql, "images.rating", filter_["rating100"])
    if filter_.get("galleries"):
        _image_galleries(sql, filter_["galleries"])
    if filter_.get("tags"):
        multi_criterion(sql, "images", "images_tags", "image_id", "tag_id", filter_["tags"], True)
    if filter_.get("performers"):
        multi_criterion(sql, "images", "performers_images", "image_id", "performer_id", filter_["performers"], False)
    if filter_.get("studios"):
        studio_criterion(sql, "images.studio_id", filter_["studios"])
    if filter_.get("is_missing"):
        what = filter_["is_missing"]
        if what == "galleries":
            sql.add("NOT EXISTS (SELECT 1 FROM galleries_images gi WHERE gi.image_id = images.id)")
        elif what == "studio":
            sql.add("images.studio_id IS NULL")
        elif what in ("tags", "performers"):
            table = {"tags": "images_tags", "performers": "performers_images"}[what]
            sql.add(f"NOT EXISTS (SELECT 1 FROM {table} j WHERE j.image_id = images.id)")
        else:
            raise StashError(f"the Stash simulator does not model image is_missing {what!r}")
    if filter_.get("custom_fields"):
        custom_fields.add_criteria(sql.add, "images", filter_["custom_fields"])
    return combine(filter_, sql, image_where)


def _image_galleries(sql: Sql, crit: dict[str, Any]) -> None:
    """ImageFilterType.galleries: EQUALS / NOT_EQUALS add no condition (image_filter.go)."""
    ids = [_int_id(v) for v in crit.get("value") or []]
    modifier = crit["modifier"]
    members = "SELECT gallery_id FROM galleries_images gi WHERE gi.image_id = images.id"
    if modifier == "IS_NULL":
        sql.add(f"NOT EXISTS ({members})")
    elif modifier == "NOT_NULL":
        sql.add(f"EXISTS ({members})")
    elif not ids or modifier in ("EQUALS", "NOT_EQUALS"):
        return
    elif modifier == "INCLUDES":
        # the same rows as EXISTS (...), but SQLite can start from galleries_images' primary key
        sql.add(f"images.id IN (SELECT image_id FROM galleries_images WHERE gallery_id IN ({_marks(ids)}))", *ids)
    elif modifier == "INCLUDES_ALL":
        sql.add(
            f"(SELECT COUNT(DISTINCT gallery_id) FROM galleries_images gi WHERE gi.image_id = images.id"
            f" AND gallery_id IN ({_marks(ids)})) = ?",
            *ids,
            len(set(ids)),
        )
    elif modifier == "EXCLUDES":
        sql.add(f"NOT EXISTS ({members} AND gallery_id IN ({_marks(ids)}))", *ids)
