"""Create, update and destroy for tags, performers and studios, with Stash's rules and messages.

Facts (internal/api/resolver_mutation_{tag,performer,studio}.go, changeset_translator.go,
pkg/tag/{validate,update}.go, pkg/performer/validate.go, pkg/studio/validate.go,
pkg/sqlite/repository.go destroyExisting):
- Text inputs are trimmed (translator.string / optionalString); a partial update leaves
  absent keys alone and clears nullable ones given as null.
- Names: blank -> `<noun> name must not be blank`. A tag or studio name may not be another's
  name (`tag with name 'X' already exists`) or alias (`name 'X' is used as alias for 'Y'`),
  compared case-insensitively; aliases are checked the same way. Performers: name plus
  disambiguation is unique (`performer with name 'X' [and disambiguation 'D'] already
  exists`), an alias may not repeat the name or another alias (`performer contains duplicate
  alias 'A'`), a death date is not before the birthdate.
- Tag hierarchy: a tag cannot become the parent of one of its descendants or the child of
  one of its ancestors (pkg/tag/update.go InvalidTagHierarchyError, paths "a->b").
  A studio cannot be its own ancestor (`studio cannot be an ancestor of itself`).
- Performers: url, twitter, instagram (handles become https://twitter.com/<h> ...) and urls
  all land in the one urls list; on update `urls` excludes the legacy fields.
- Update of an unknown id: `tag with id N not found` / `performer with id N not found` /
  `studio with id N not found`. Destroy of an unknown id: `id N does not exist in tags`
  (performers, studios). tagsDestroy is one transaction, one hook per id.
- image, stash_ids and custom_fields inputs are refused: the simulator does not model them.
Hooks: <T>.Create.Post, <T>.Update.Post (with the keys sent) and <T>.Destroy.Post get the
input as Stash marshals it: tag inputs are gqlgen-generated (omitempty: no nulls, no empty
lists); performer and studio create/update inputs are pkg/models structs, every key in struct
order (pkg/models/performer.go, studio.go), keys of a newer schema appended.
"""

from __future__ import annotations

import re
import sqlite3
from typing import Any

from .engine import StashError, resolves
from .mutations import FK_FAILED, _omit_nulls, parse_date
from .objects import PERFORMER_SCALARS, named_object
from .queries import parse_id
from .store import Store, executing_error, inserted_id, now_text

UNMODELLED_INPUTS = ("image", "stash_ids", "custom_fields")
TWITTER_URL, INSTAGRAM_URL = "https://twitter.com", "https://instagram.com"
TWITTER_RE = re.compile(r"^https?://(?:www\.)?twitter\.com/")
INSTAGRAM_RE = re.compile(r"^https?://(?:www\.)?instagram\.com/")


# json keys of the pkg/models input structs (v0.30.1), in order
PERFORMER_INPUT_KEYS = (
    "name",
    "disambiguation",
    "url",
    "urls",
    "gender",
    "birthdate",
    "ethnicity",
    "country",
    "eye_color",
    "height",
    "height_cm",
    "measurements",
    "fake_tits",
    "penis_length",
    "circumcised",
    "career_length",
    "tattoos",
    "piercings",
    "aliases",
    "alias_list",
    "twitter",
    "instagram",
    "favorite",
    "tag_ids",
    "image",
    "stash_ids",
    "rating100",
    "details",
    "death_date",
    "hair_color",
    "weight",
    "ignore_auto_tag",
    "custom_fields",
)
STUDIO_INPUT_KEYS = (
    "name",
    "url",
    "urls",
    "parent_id",
    "image",
    "stash_ids",
    "rating100",
    "favorite",
    "details",
    "aliases",
    "tag_ids",
    "ignore_auto_tag",
)


def _struct_input(keys: tuple[str, ...], input: dict[str, Any], with_id: bool) -> dict[str, Any]:
    """A pkg/models input struct as encoding/json writes it: every field, null when not given."""
    ordered = (("id",) if with_id else ()) + keys
    out = {key: input.get(key) for key in ordered}
    out.update({key: value for key, value in input.items() if key not in out})
    return out


def _store(info: Any) -> Store:
    store: Store = info.context.sim.store
    return store


def _refuse_unmodelled(noun: str, input: dict[str, Any]) -> None:
    given = [key for key in UNMODELLED_INPUTS if input.get(key) not in (None, [], {})]
    if given:
        raise StashError(f"the Stash simulator does not model {noun} {', '.join(given)}")


def _trim(value: Any) -> Any:
    return value.strip() if isinstance(value, str) else value


def _ids(values: list[Any] | None, wrap: str) -> list[int]:
    return [parse_id(v, wrap) for v in values or []]


def _set_list(
    db: sqlite3.Connection,
    table: str,
    owner_col: str,
    owner_id: int,
    column: str,
    values: list[Any],
    positioned: bool = False,
) -> None:
    db.execute(f"DELETE FROM {table} WHERE {owner_col} = ?", (owner_id,))
    for position, value in enumerate(dict.fromkeys(values)):
        if positioned:
            db.execute(
                f"INSERT INTO {table}({owner_col}, position, {column}) VALUES (?, ?, ?)", (owner_id, position, value)
            )
        else:
            try:
                db.execute(f"INSERT OR IGNORE INTO {table}({owner_col}, {column}) VALUES (?, ?)", (owner_id, value))
            except sqlite3.IntegrityError as exc:
                raise StashError(
                    executing_error(
                        f"INSERT INTO {table} ({owner_col}, {column}) VALUES (?, ?) ON CONFLICT DO NOTHING",
                        (owner_id, value),
                        FK_FAILED,
                    )
                ) from exc


def _destroy(db: sqlite3.Connection, table: str, row_id: int) -> None:
    if db.execute(f"SELECT 1 FROM {table} WHERE id = ?", (row_id,)).fetchone() is None:
        raise StashError(f"id {row_id} does not exist in {table}")  # repository.destroyExisting
    db.execute(f"DELETE FROM {table} WHERE id = ?", (row_id,))


def _require(db: sqlite3.Connection, table: str, noun: str, row_id: int) -> sqlite3.Row:
    row = db.execute(f"SELECT * FROM {table} WHERE id = ?", (row_id,)).fetchone()
    if row is None:
        raise StashError(f"{noun} with id {row_id} not found")
    found: sqlite3.Row = row
    return found


# -- tags --------------------------------------------------------------------------------------------
def _ensure_tag_name_unique(db: sqlite3.Connection, tag_id: int, name: str) -> None:
    """pkg/tag/update.go EnsureTagNameUnique: not another tag's name, nor another tag's alias."""
    same = db.execute("SELECT id FROM tags WHERE name LIKE ? AND id != ?", (name, tag_id)).fetchone()
    if same is not None:
        raise StashError(f"tag with name '{name}' already exists")
    other = db.execute(
        "SELECT tags.name FROM tag_aliases a JOIN tags ON tags.id = a.tag_id WHERE a.alias LIKE ? AND a.tag_id != ?",
        (name, tag_id),
    ).fetchone()
    if other is not None:
        raise StashError(f"name '{name}' is used as alias for '{other[0]}'")


def _tag_paths(db: sqlite3.Connection, tag_id: int, up: bool) -> dict[int, tuple[str, str]]:
    """FindAllAncestors / FindAllDescendants: id -> (name, path), the tag itself included."""
    if up:
        sql = (
            "WITH RECURSIVE p(id, path) AS (SELECT id, name FROM tags WHERE id = ? UNION SELECT r.parent_id,"
            " t.name || '->' || p.path FROM tags_relations r JOIN p ON p.id = r.child_id JOIN tags t"
            " ON t.id = r.parent_id WHERE r.parent_id != ?) SELECT p.id, t.name, p.path FROM p JOIN tags t"
            " ON t.id = p.id"
        )
    else:
        sql = (
            "WITH RECURSIVE p(id, path) AS (SELECT id, name FROM tags WHERE id = ? UNION SELECT r.child_id,"
            " p.path || '->' || t.name FROM tags_relations r JOIN p ON p.id = r.parent_id JOIN tags t"
            " ON t.id = r.child_id WHERE r.child_id != ?) SELECT p.id, t.name, p.path FROM p JOIN tags t"
            " ON t.id = p.id"
        )
    return {row[0]: (row[1], row[2]) for row in db.execute(sql, (tag_id, tag_id))}


def _validate_hierarchy(
    db: sqlite3.Connection, tag_name: str | None, tag_id: int | None, parents: list[int], children: list[int]
) -> None:
    """pkg/tag/update.go ValidateHierarchyNew (a new tag) / ValidateHierarchyExisting."""
    if tag_id is not None:
        ancestors, descendants = _tag_paths(db, tag_id, True), _tag_paths(db, tag_id, False)
    else:
        ancestors, descendants = {}, {}
        for parent_id in parents:
            ancestors.update(_tag_paths(db, parent_id, True))
        for child_id in children:
            descendants.update(_tag_paths(db, child_id, False))
    applying = f' of "{tag_name}"' if tag_id is not None else " of tag"
    for parent_id in parents:
        if parent_id in descendants:
            name, path = descendants[parent_id]
            raise StashError(
                f'cannot apply tag "{name}" as a parent{applying} as it is already a descendant'
                + (f" ({path})" if tag_id is not None else "")
            )
    for child_id in children:
        if child_id in ancestors:
            name, path = ancestors[child_id]
            raise StashError(
                f'cannot apply tag "{name}" as a child{applying} as it is already an ancestor'
                + (f" ({path})" if tag_id is not None else "")
            )


def _write_tag_relations(
    db: sqlite3.Connection, tag_id: int, parents: list[int] | None, children: list[int] | None
) -> None:
    try:
        if parents is not None:
            db.execute("DELETE FROM tags_relations WHERE child_id = ?", (tag_id,))
            db.executemany(
                "INSERT OR IGNORE INTO tags_relations(parent_id, child_id) VALUES (?, ?)",
                [(p, tag_id) for p in parents],
            )
        if children is not None:
            db.execute("DELETE FROM tags_relations WHERE parent_id = ?", (tag_id,))
            db.executemany(
                "INSERT OR IGNORE INTO tags_relations(parent_id, child_id) VALUES (?, ?)",
                [(tag_id, c) for c in children],
            )
    except sqlite3.IntegrityError as exc:
        raise StashError(f"updating tag relations: {FK_FAILED}") from exc


def _tag_fields(db: sqlite3.Connection, tag_id: int, input: dict[str, Any]) -> None:
    sets: dict[str, Any] = {}
    for key in ("sort_name", "description"):
        if key in input:
            sets[key] = _trim(input[key]) or None if input[key] is not None else None  # "" is NULL
    for key in ("favorite", "ignore_auto_tag"):
        if key in input and input[key] is not None:
            sets[key] = 1 if input[key] else 0
    if sets:
        db.execute(f"UPDATE tags SET {', '.join(f'{k} = ?' for k in sets)} WHERE id = ?", (*sets.values(), tag_id))


@resolves("Mutation.tagCreate")
def tag_create(_: Any, info: Any, input: dict[str, Any]) -> Any:
    _refuse_unmodelled("tag", input)
    store = _store(info)
    name = input["name"].strip()
    aliases = [a.strip() for a in input.get("aliases") or []]
    parents = _ids(input.get("parent_ids"), "converting parent tag ids")
    children = _ids(input.get("child_ids"), "converting child tag ids")
    with store.transaction() as db:
        if not name:
            raise StashError("tag name must not be blank")
        _ensure_tag_name_unique(db, 0, name)
        for alias in aliases:
            _ensure_tag_name_unique(db, 0, alias)
        if parents or children:
            _validate_hierarchy(db, None, None, parents, children)
        stamp = now_text()
        tag_id = inserted_id(
            db.execute("INSERT INTO tags(name, created_at, updated_at) VALUES (?, ?, ?)", (name, stamp, stamp))
        )
        _tag_fields(db, tag_id, input)
        _set_list(db, "tag_aliases", "tag_id", tag_id, "alias", aliases)
        _write_tag_relations(db, tag_id, parents, children)
    info.context.fire_hook("Tag.Create.Post", tag_id, _omit_nulls(input), None)
    return named_object(store, "tags", tag_id)


@resolves("Mutation.tagUpdate")
def tag_update(_: Any, info: Any, input: dict[str, Any]) -> Any:
    _refuse_unmodelled("tag", input)
    store = _store(info)
    tag_id = parse_id(input["id"], "converting id")
    parents = _ids(input["parent_ids"], "converting parent tag ids") if "parent_ids" in input else None
    children = _ids(input["child_ids"], "converting child tag ids") if "child_ids" in input else None
    with store.transaction() as db:
        row = _require(db, "tags", "tag", tag_id)
        name = row["name"]
        if "name" in input:
            name = (input["name"] or "").strip()
            if not name:
                raise StashError("tag name must not be blank")
            _ensure_tag_name_unique(db, tag_id, name)
        if "aliases" in input:
            for alias in [a.strip() for a in input["aliases"] or []]:
                _ensure_tag_name_unique(db, tag_id, alias)
        if parents is not None or children is not None:
            current_parents = [
                r[0] for r in db.execute("SELECT parent_id FROM tags_relations WHERE child_id = ?", (tag_id,))
            ]
            current_children = [
                r[0] for r in db.execute("SELECT child_id FROM tags_relations WHERE parent_id = ?", (tag_id,))
            ]
            _validate_hierarchy(
                db,
                row["name"],
                tag_id,
                parents if parents is not None else current_parents,
                children if children is not None else current_children,
            )
        db.execute("UPDATE tags SET name = ?, updated_at = ? WHERE id = ?", (name, now_text(), tag_id))
        _tag_fields(db, tag_id, input)
        if "aliases" in input:
            _set_list(db, "tag_aliases", "tag_id", tag_id, "alias", [a.strip() for a in input["aliases"] or []])
        _write_tag_relations(db, tag_id, parents, children)
    info.context.fire_hook("Tag.Update.Post", tag_id, _omit_nulls(input), list(input))
    return named_object(store, "tags", tag_id)


@resolves("Mutation.tagDestroy")
def tag_destroy(_: Any, info: Any, input: dict[str, Any]) -> bool:
    tag_id = parse_id(input["id"], "converting id")
    with _store(info).transaction() as db:
        _destroy(db, "tags", tag_id)
    info.context.fire_hook("Tag.Destroy.Post", tag_id, input, None)
    return True


@resolves("Mutation.tagsDestroy")
def tags_destroy(_: Any, info: Any, ids: list[str]) -> bool:
    parsed = _ids(ids, "converting ids")
    with _store(info).transaction() as db:
        for tag_id in parsed:
            _destroy(db, "tags", tag_id)
    for tag_id in parsed:
        info.context.fire_hook("Tag.Destroy.Post", tag_id, ids, None)
    return True


# -- performers ----------------------------------------------------------------------------------
def _url_from_handle(handle: str, site: str) -> str:
    """utils.URLFromHandle."""
    return handle if re.match(r"^https?://", handle) else f"{site}/{handle}"


def _check_performer_name(db: sqlite3.Connection, name: str, disambiguation: str, own_id: int | None) -> None:
    if not name:
        raise StashError("performer name must not be blank")
    if disambiguation:
        clash = db.execute(
            "SELECT id FROM performers WHERE name LIKE ? AND disambiguation LIKE ?", (name, disambiguation)
        ).fetchall()
    else:
        clash = db.execute(
            "SELECT id FROM performers WHERE name LIKE ? AND TRIM(disambiguation) = ''", (name,)
        ).fetchall()
    if any(row[0] != own_id for row in clash):
        if disambiguation:
            raise StashError(f"performer with name '{name}' and disambiguation '{disambiguation}' already exists")
        raise StashError(f"performer with name '{name}' already exists")


def _check_performer_aliases(name: str, aliases: list[str]) -> None:
    seen = {name.lower()}
    for alias in aliases:
        if alias.lower() in seen:
            raise StashError(f"performer contains duplicate alias '{alias}'")
        seen.add(alias.lower())


def _performer_scalars(input: dict[str, Any]) -> dict[str, Any]:
    """Column values from a partial input: text trimmed, dates parsed as Stash does."""
    out: dict[str, Any] = {}
    for key in PERFORMER_SCALARS:
        if key in input:
            value = input[key]
            if key in ("birthdate", "death_date"):
                noun = "birthdate" if key == "birthdate" else "death date"
                try:
                    value = parse_date(value) if value else None
                except StashError as exc:
                    raise StashError(f"converting {noun}: {str(exc).removeprefix('converting date: ')}") from exc
            out[key] = (_trim(value) or None) if isinstance(value, str) else value
    for key, column in (("rating100", "rating"), ("disambiguation", "disambiguation")):
        if key in input:
            out[column] = _trim(input[key]) if input[key] is not None else ("" if column == "disambiguation" else None)
    for key in ("favorite", "ignore_auto_tag"):
        if key in input and input[key] is not None:
            out[key] = 1 if input[key] else 0
    return out


def _check_dates(birthdate: str | None, death_date: str | None) -> None:
    if birthdate and death_date and birthdate > death_date:
        raise StashError(f"death date {death_date} should be after birthdate {birthdate}")


@resolves("Mutation.performerCreate")
def performer_create(_: Any, info: Any, input: dict[str, Any]) -> Any:
    _refuse_unmodelled("performer", input)
    store = _store(info)
    name = input["name"].strip()
    columns = _performer_scalars(input)
    aliases = [a.strip() for a in input.get("alias_list") or []]
    urls = []
    if input.get("url") is not None:
        urls.append(input["url"].strip())
    if input.get("twitter") is not None:
        urls.append(_url_from_handle(input["twitter"].strip(), TWITTER_URL))
    if input.get("instagram") is not None:
        urls.append(_url_from_handle(input["instagram"].strip(), INSTAGRAM_URL))
    urls += [u.strip() for u in input.get("urls") or []]
    tags = _ids(input.get("tag_ids"), "converting tag ids")
    with store.transaction() as db:
        _check_performer_name(db, name, columns.get("disambiguation") or "", None)
        _check_performer_aliases(name, aliases)
        _check_dates(columns.get("birthdate"), columns.get("death_date"))
        stamp = now_text()
        columns.update(name=name, created_at=stamp, updated_at=stamp)
        columns.setdefault("disambiguation", "")
        performer_id = inserted_id(
            db.execute(
                f"INSERT INTO performers({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})",
                tuple(columns.values()),
            )
        )
        _set_list(db, "performer_aliases", "performer_id", performer_id, "alias", aliases)
        _set_list(db, "performer_urls", "performer_id", performer_id, "url", urls, positioned=True)
        _set_list(db, "performers_tags", "performer_id", performer_id, "tag_id", tags)
    info.context.fire_hook(
        "Performer.Create.Post", performer_id, _struct_input(PERFORMER_INPUT_KEYS, input, False), None
    )
    return named_object(store, "performers", performer_id)


def _legacy_urls(current: list[str], input: dict[str, Any]) -> list[str]:
    """handleLegacyURLs: url replaces the first URL that is not twitter/instagram; twitter and
    instagram replace theirs; each is appended when there is none to replace."""
    urls = list(current)
    if "url" in input:
        value = (input["url"] or "").strip()
        spot = next((i for i, u in enumerate(urls) if not TWITTER_RE.match(u) and not INSTAGRAM_RE.match(u)), None)
        if spot is None:
            urls.append(value)
        else:
            urls[spot] = value
    for key, site, pattern in (("twitter", TWITTER_URL, TWITTER_RE), ("instagram", INSTAGRAM_URL, INSTAGRAM_RE)):
        if key in input:
            value = _url_from_handle((input[key] or "").strip(), site)
            spot = next((i for i, u in enumerate(urls) if pattern.match(u)), None)
            if spot is None:
                urls.append(value)
            else:
                urls[spot] = value
    return urls


@resolves("Mutation.performerUpdate")
def performer_update(_: Any, info: Any, input: dict[str, Any]) -> Any:
    _refuse_unmodelled("performer", input)
    store = _store(info)
    performer_id = parse_id(input["id"], "converting id")
    if "urls" in input:
        for legacy in ("url", "twitter", "instagram"):
            if legacy in input:
                raise StashError(f"{legacy} field must not be included if urls is included")
    columns = _performer_scalars(input)
    tags = _ids(input["tag_ids"], "converting tag ids") if "tag_ids" in input else None
    with store.transaction() as db:
        row = _require(db, "performers", "performer", performer_id)
        name = (input["name"] or "").strip() if "name" in input else row["name"]
        if "name" in input or "disambiguation" in input:
            _check_performer_name(db, name, columns.get("disambiguation", row["disambiguation"]) or "", performer_id)
        current_aliases = [
            r[0] for r in db.execute("SELECT alias FROM performer_aliases WHERE performer_id = ?", (performer_id,))
        ]
        aliases = [a.strip() for a in input.get("alias_list") or []] if "alias_list" in input else current_aliases
        if "name" in input or "alias_list" in input:
            _check_performer_aliases(name, aliases)
        _check_dates(columns.get("birthdate", row["birthdate"]), columns.get("death_date", row["death_date"]))
        columns.update(name=name, updated_at=now_text())
        db.execute(
            f"UPDATE performers SET {', '.join(f'{k} = ?' for k in columns)} WHERE id = ?",
            (*columns.values(), performer_id),
        )
        if "alias_list" in input:
            _set_list(db, "performer_aliases", "performer_id", performer_id, "alias", aliases)
        current_urls = [
            r[0]
            for r in db.execute(
                "SELECT url FROM performer_urls WHERE performer_id = ? ORDER BY position", (performer_id,)
            )
        ]
        if "urls" in input:
            _set_list(
                db,
                "performer_urls",
                "performer_id",
                performer_id,
                "url",
                [u.strip() for u in input["urls"] or []],
                positioned=True,
            )
        elif any(key in input for key in ("url", "twitter", "instagram")):
            _set_list(
                db,
                "performer_urls",
                "performer_id",
                performer_id,
                "url",
                _legacy_urls(current_urls, input),
                positioned=True,
            )
        if tags is not None:
            _set_list(db, "performers_tags", "performer_id", performer_id, "tag_id", tags)
    info.context.fire_hook(
        "Performer.Update.Post", performer_id, _struct_input(PERFORMER_INPUT_KEYS, input, True), list(input)
    )
    return named_object(store, "performers", performer_id)


@resolves("Performer.twitter", "Performer.instagram")
def _performer_legacy_url(parent: dict[str, Any], info: Any) -> Any:
    """resolver_model_performer.go Twitter / Instagram: the first URL of that site."""
    pattern = TWITTER_RE if info.field_name == "twitter" else INSTAGRAM_RE
    urls = _store(info).column(
        "SELECT url FROM performer_urls WHERE performer_id = ? ORDER BY position", (parent["_id"],)
    )
    return next((u for u in urls if pattern.match(u)), None)


@resolves("Mutation.performerDestroy")
def performer_destroy(_: Any, info: Any, input: dict[str, Any]) -> bool:
    performer_id = parse_id(input["id"], "converting id")
    with _store(info).transaction() as db:
        _destroy(db, "performers", performer_id)
    info.context.fire_hook("Performer.Destroy.Post", performer_id, input, None)
    return True


# -- studios --------------------------------------------------------------------------------------
def _ensure_studio_name(db: sqlite3.Connection, studio_id: int, name: str, alias: bool = False) -> None:
    if not name:
        raise StashError("studio alias must not be an empty string" if alias else "studio name must not be blank")
    if db.execute("SELECT 1 FROM studios WHERE name LIKE ? AND id != ?", (name, studio_id)).fetchone():
        raise StashError(f"studio with name '{name}' already exists")
    other = db.execute(
        "SELECT studios.name FROM studio_aliases a JOIN studios ON studios.id = a.studio_id"
        " WHERE a.alias LIKE ? AND a.studio_id != ?",
        (name, studio_id),
    ).fetchone()
    if other is not None:
        raise StashError(f"name '{name}' is used as alias for '{other[0]}'")


def _check_studio_parent(db: sqlite3.Connection, studio_id: int, parent_id: int) -> None:
    """pkg/studio/validate.go validateParent: up the chain, never reaching the studio itself."""
    while True:
        if parent_id == studio_id:
            raise StashError("studio cannot be an ancestor of itself")
        row = db.execute("SELECT parent_id FROM studios WHERE id = ?", (parent_id,)).fetchone()
        if row is None:
            raise StashError(f"studio with id {parent_id} not found")
        if row[0] is None:
            return
        parent_id = row[0]


def _studio_fields(db: sqlite3.Connection, studio_id: int, input: dict[str, Any]) -> None:
    sets: dict[str, Any] = {}
    if "details" in input:
        sets["details"] = _trim(input["details"]) or None
    if "rating100" in input:
        sets["rating"] = input["rating100"]
    for key in ("favorite", "ignore_auto_tag", "organized"):
        if key in input and input[key] is not None:
            sets[key] = 1 if input[key] else 0
    if "parent_id" in input:
        parent = input["parent_id"]
        sets["parent_id"] = parse_id(parent, "converting parent id") if parent else None
    if sets:
        db.execute(
            f"UPDATE studios SET {', '.join(f'{k} = ?' for k in sets)} WHERE id = ?", (*sets.values(), studio_id)
        )


@resolves("Mutation.studioCreate")
def studio_create(_: Any, info: Any, input: dict[str, Any]) -> Any:
    _refuse_unmodelled("studio", input)
    store = _store(info)
    name = input["name"].strip()
    aliases = [a.strip() for a in input.get("aliases") or []]
    urls = [input["url"].strip()] if input.get("url") is not None else []
    urls += [u.strip() for u in input.get("urls") or []]
    tags = _ids(input.get("tag_ids"), "converting tag ids")
    parent_id = parse_id(input["parent_id"], "converting parent id") if input.get("parent_id") else None
    with store.transaction() as db:
        _ensure_studio_name(db, 0, name)
        for alias in aliases:
            _ensure_studio_name(db, 0, alias, alias=True)
        if parent_id is not None and db.execute("SELECT 1 FROM studios WHERE id = ?", (parent_id,)).fetchone() is None:
            raise StashError(f"studio with id {parent_id} not found")
        stamp = now_text()
        studio_id = inserted_id(
            db.execute("INSERT INTO studios(name, created_at, updated_at) VALUES (?, ?, ?)", (name, stamp, stamp))
        )
        _studio_fields(db, studio_id, input)
        _set_list(db, "studio_aliases", "studio_id", studio_id, "alias", aliases)
        _set_list(db, "studio_urls", "studio_id", studio_id, "url", urls, positioned=True)
        _set_list(db, "studios_tags", "studio_id", studio_id, "tag_id", tags)
    info.context.fire_hook("Studio.Create.Post", studio_id, _struct_input(STUDIO_INPUT_KEYS, input, False), None)
    return named_object(store, "studios", studio_id)


@resolves("Mutation.studioUpdate")
def studio_update(_: Any, info: Any, input: dict[str, Any]) -> Any:
    _refuse_unmodelled("studio", input)
    store = _store(info)
    studio_id = parse_id(input["id"], "converting id")
    if "urls" in input and "url" in input:
        raise StashError("url field must not be included if urls is included")
    tags = _ids(input["tag_ids"], "converting tag ids") if "tag_ids" in input else None
    with store.transaction() as db:
        row = _require(db, "studios", "studio", studio_id)
        if input.get("parent_id"):
            _check_studio_parent(db, studio_id, parse_id(input["parent_id"], "converting parent id"))
        if "aliases" in input:
            for alias in [a.strip() for a in input["aliases"] or []]:
                _ensure_studio_name(db, studio_id, alias, alias=True)
        name = row["name"]
        if "name" in input and (input["name"] or "").strip() != row["name"]:
            name = (input["name"] or "").strip()
            _ensure_studio_name(db, studio_id, name)
        db.execute("UPDATE studios SET name = ?, updated_at = ? WHERE id = ?", (name, now_text(), studio_id))
        _studio_fields(db, studio_id, input)
        if "aliases" in input:
            _set_list(
                db, "studio_aliases", "studio_id", studio_id, "alias", [a.strip() for a in input["aliases"] or []]
            )
        if "urls" in input:
            _set_list(
                db,
                "studio_urls",
                "studio_id",
                studio_id,
                "url",
                [u.strip() for u in input["urls"] or []],
                positioned=True,
            )
        elif "url" in input:
            _set_list(
                db,
                "studio_urls",
                "studio_id",
                studio_id,
                "url",
                [input["url"].strip()] if input["url"] else [],
                positioned=True,
            )
        if tags is not None:
            _set_list(db, "studios_tags", "studio_id", studio_id, "tag_id", tags)
    info.context.fire_hook("Studio.Update.Post", studio_id, _struct_input(STUDIO_INPUT_KEYS, input, True), list(input))
    return named_object(store, "studios", studio_id)


@resolves("Mutation.studioDestroy")
def studio_destroy(_: Any, info: Any, input: dict[str, Any]) -> bool:
    studio_id = parse_id(input["id"], "converting id")
    with _store(info).transaction() as db:
        _destroy(db, "studios", studio_id)
    info.context.fire_hook("Studio.Destroy.Post", studio_id, input, None)
    return True
