"""Gallery scrapers, run as Stash v0.30.1 runs them: listScrapers, scrapeSingleGallery,
scrapeGalleryURL, reloadScrapers.

What runs (pkg/scraper/action.go getScraper): `script` scrapers. `scrapeXPath`, `scrapeJson`
and `stash` scrapers, and the built-in Auto Tag scraper on a gallery with a path, are refused
with a "does not model" error. Configs: scraper_config.py.

The resolvers (internal/api/resolver_query_scraper.go), with their messages:
- scrapeSingleGallery: a stash-box source -> `not supported`; no scraper_id -> `input error:
  scraper_id must be set`; then gallery_id (`input error: gallery id is not an integer: 'x'`),
  else gallery_input, else (only `query`, or nothing) `not implemented`.
  * gallery_id (pkg/scraper/cache.go ScrapeID): `scraper not found: id X`; a scraper without
    gallery support -> `scraper operation not supported: cannot use scraper X to scrape GALLERY
    content`; `scraper X: unable to load gallery id N: gallery with id N not found`; a scraper
    without galleryByFragment -> `scraper X: scraper operation not supported`; the scraper's
    errors as `scraper X: <error>`. The script gets the stored gallery (script.go
    galleryInputFromGallery: id, title (else the base name of its path, "." for none), urls,
    date, details, code, photographer, files, url). `null` from the script -> [].
  * gallery_input (ScrapeFragment): the input as given (url set from urls[0] when absent,
    scraper.go populateURL); errors as `error while fragment scraping with scraper X: <error>`;
    `null` from the script -> the list holds a null, which gqlgen refuses (`the requested
    element is null which the schema does not allow`, data null).
- scrapeGalleryURL (ScrapeURL): the scrapers in Go's map order (random); the first whose
  galleryByURL `url:` strings one is contained in the URL runs (group.go viaURL: the first
  matching config), its errors as they are; `null` -> null. No scraper for the URL: Stash
  indexes an empty list (marshalScrapedGallery) and its recover answers `Internal system error.
  Error <runtime error: index out of range [0] with length 0>`.
- A script (script.go runScraperScript): `python`/`python3` is the configured Python with the
  folder above the scraper's folder added to PYTHONPATH, else the command as it is; it runs in
  the scraper's folder and gets its input on stdin (a URL as `{"url": "<url>"}`, the URL pasted
  in unescaped). stdout: the first JSON value (gojson.py), strict, then lenient (`reading script
  result: <error>` logged as a warning); a genuine error -> `could not unmarshal json from
  script output: <error>`; a non-zero exit -> `scraper script error: exit status N`; a command
  that cannot start -> `error running scraper script`. stderr lines are logged as
  `[Scrape / <name>] <line>` (level prefixes honoured, else error). There is no timeout
  ("TODO - add a timeout here"): the script runs until it ends, or until the client goes away,
  when Go cancels the request's context and exec.CommandContext kills it.
- Post-processing (pkg/scraper/postprocessing.go postScrapeGallery) and matching by name
  (pkg/match/scraped.go): url/urls filled from each other; each performer: its tags matched,
  urls from url/twitter/instagram, then matched unless it has a stored_id or no name: names
  `COLLATE NOCASE IN`, else aliases `LIKE`, a match only when exactly one performer
  (FindByNames, performer.ByAlias); tags: matched by name `LIKE`, else alias `LIKE`, the first
  by name (tag.ByName/ByAlias), then the exclusion patterns (lowercase Go regexps) drop some;
  the studio: its tags, its urls, matched by name then alias `LIKE` (its parent is not matched).
  A stored_id the scraper gave is kept as it is. A performer's country (Stash maps country
  names to codes, country.go) is not modelled: selecting a non-null one is refused.
"""

from __future__ import annotations

import os
import random
import re
import select
import shutil
import socket
import subprocess
import threading
from typing import TYPE_CHECKING, Any

from . import gojson
from .engine import StashError, resolves
from .goregex import GoRegexError, go_search
from .natural import natural_key
from .runner import parse_stderr
from .schema import stash_schema
from .scraper_config import ScraperConfig, TypeConfig, load_scrapers

if TYPE_CHECKING:
    from .simulator import StashSimulator

NOT_FOUND = "scraper not found"  # scraper.ErrNotFound
NOT_SUPPORTED = "scraper operation not supported"  # scraper.ErrNotSupported
API_NOT_SUPPORTED = "not supported"  # api.ErrNotSupported
NOT_IMPLEMENTED = "not implemented"  # api.ErrNotImplemented
INPUT_ERROR = "input error"  # api.ErrInput
NULL_ELEMENT = "the requested element is null which the schema does not allow"
INDEX_PANIC = "Internal system error. Error <runtime error: index out of range [0] with length 0>"
NIL_POINTER = "Internal system error. Error <runtime error: invalid memory address or nil pointer dereference>"
UNMARSHAL = "could not unmarshal json from script output"
POLL_SECONDS = 0.05


class ScrapeError(Exception):
    """An error of a scrape, before the resolver wraps it with its prefix."""


class ScraperCache:
    """The simulator's scrapers (cache.go Cache): loaded at start and by reloadScrapers."""

    def __init__(self, sim: StashSimulator) -> None:
        self.sim = sim
        self.folder = os.path.join(sim.config_dir, "scrapers")
        os.makedirs(self.folder, exist_ok=True)
        self.scrapers: dict[str, ScraperConfig] = {}
        self.reload()

    def reload(self) -> None:
        self.scrapers, errors = load_scrapers(self.folder)
        for message in errors:
            self.sim.log("error", message)

    def install(self, files: dict[str, str]) -> None:
        """Write files (relative path -> text) into the scrapers folder, then reload, as a user
        copying scrapers in and pressing Reload scrapers."""
        for relative, text in files.items():
            path = os.path.join(self.folder, relative)
            os.makedirs(os.path.dirname(path), exist_ok=True)
            with open(path, "w", encoding="utf-8") as out:
                out.write(text)
        self.reload()

    def install_folder(self, source: str | os.PathLike[str]) -> None:
        """Copy a folder of scrapers (ymls and their scripts) into the scrapers folder, then reload."""
        shutil.copytree(source, self.folder, dirs_exist_ok=True)
        self.reload()

    def go_map_order(self) -> list[ScraperConfig]:
        """`for _, s := range c.scrapers`: Go's map order is random on every range."""
        return random.sample(list(self.scrapers.values()), len(self.scrapers))


def _cache(info: Any) -> ScraperCache:
    cache: ScraperCache = info.context.sim.scrapers
    return cache


# -- running a script ----------------------------------------------------------------------------
def client_gone(connection: socket.socket | None) -> bool:
    """Whether the HTTP client closed its connection (Go then cancels the request's context)."""
    if connection is None:
        return False
    try:
        readable, _, _ = select.select([connection], [], [], 0)
        return bool(readable) and connection.recv(1, socket.MSG_PEEK) == b""
    except (OSError, ValueError):
        return True


def _command(sim: StashSimulator, config: ScraperConfig, script: list[str]) -> tuple[list[str], dict[str, str]]:
    env = dict(os.environ)
    if script[0] in ("python", "python3"):  # pkg/python IsPythonCommand, Resolve, AppendPythonPath
        above = os.path.abspath(os.path.dirname(os.path.dirname(config.path)))
        env["PYTHONPATH"] = f"{env['PYTHONPATH']}{os.pathsep}{above}" if env.get("PYTHONPATH") else above
        return [sim.python, *script[1:]], env
    return list(script), env


def _log_stderr(sim: StashSimulator, name: str, stream: Any) -> None:
    """handleScraperStderr: each line logged with the scraper's name, at its level (default error)."""
    for raw in stream:
        lines, _ = parse_stderr(raw.decode("utf-8", "replace"), "error")
        for line in lines:
            sim.log(line.level, f"[Scrape / {name}] {line.message}")


def _wait(process: subprocess.Popen[bytes], done: threading.Event, connection: socket.socket | None) -> bool:
    """Wait for `done`; False when the client went away first (the script is then killed)."""
    while not done.wait(POLL_SECONDS):
        if client_gone(connection):
            process.kill()
            process.wait()
            return False
    return True


def run_script(info: Any, config: ScraperConfig, type_config: TypeConfig, stdin: str) -> dict[str, Any] | None:
    """runScraperScript into a *models.ScrapedGallery: the decoded struct, or None for null."""
    sim: StashSimulator = info.context.sim
    if not type_config.script:
        raise StashError(INDEX_PANIC)  # command[0] of an empty script list: Go panics
    argv, env = _command(sim, config, type_config.script)
    try:
        process = subprocess.Popen(
            argv,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            cwd=os.path.dirname(config.path),
            env=env,
        )
    except OSError as exc:
        sim.log("error", f"Error running scraper script: {exc.strerror or exc}")
        raise ScrapeError("error running scraper script") from None
    assert process.stdin is not None and process.stdout is not None and process.stderr is not None
    connection = getattr(info.context, "connection", None)
    chunks: list[bytes] = []
    stdout_done = threading.Event()

    def feed() -> None:
        try:
            process.stdin.write(stdin.encode())  # type: ignore[union-attr]
            process.stdin.close()  # type: ignore[union-attr]
        except OSError as exc:
            sim.log("warning", f"failure to write full input to script: {exc}")

    def read() -> None:
        chunks.append(process.stdout.read())  # type: ignore[union-attr]
        stdout_done.set()

    for target, args in ((feed, ()), (read, ()), (_log_stderr, (sim, config.name, process.stderr))):
        threading.Thread(target=target, args=args, daemon=True).start()
    if not _wait(process, stdout_done, connection):
        raise ScrapeError("context canceled")  # nobody reads this answer: the client is gone
    text = b"".join(chunks).decode("utf-8", "replace")
    try:
        value = gojson.first_value(text)
    except gojson.GoJSONError as exc:
        # Stash returns here without waiting for the process
        threading.Thread(target=process.wait, daemon=True).start()
        sim.log("error", f"{UNMARSHAL}: {exc}")
        raise ScrapeError(f"{UNMARSHAL}: {exc}") from None
    decoded, strict_error = gojson.decode(value, "ScrapedGallery", strict=True)
    if strict_error is not None:
        decoded, lenient_error = gojson.decode(value, "ScrapedGallery", strict=False)
        if lenient_error is not None:
            threading.Thread(target=process.wait, daemon=True).start()
            sim.log("error", f"{UNMARSHAL}: {lenient_error}")
            raise ScrapeError(f"{UNMARSHAL}: {lenient_error}")
        sim.log("warning", f"reading script result: {strict_error}")
    exited = threading.Event()

    def reap() -> None:
        process.wait()
        exited.set()

    threading.Thread(target=reap, daemon=True).start()
    if not _wait(process, exited, connection):
        raise ScrapeError("context canceled")
    if process.returncode != 0:
        status = "signal: killed" if process.returncode == -9 else f"exit status {process.returncode}"
        raise ScrapeError(f"scraper script error: {status}")
    return decoded


def run_action(info: Any, config: ScraperConfig, type_config: TypeConfig, stdin: str) -> dict[str, Any] | None:
    """config.getScraper, then the scrape: only script scrapers run here."""
    if type_config.action == "script":
        return run_script(info, config, type_config, stdin)
    if type_config.action in ("scrapeXPath", "scrapeJson", "stash"):
        raise StashError(
            f"the Stash simulator does not model {type_config.action} scrapers (scraper {config.id} uses one)"
        )
    raise StashError(f"Internal system error. Error <unknown scraper action: {type_config.action}>")


# -- the stored gallery as a script gets it ---------------------------------------------------
def gallery_input(store: Any, gallery_id: int) -> dict[str, Any]:
    """script.go galleryInputFromGallery, keys in its struct's order."""
    row = store.one("SELECT * FROM galleries WHERE id = ?", (gallery_id,))
    if row is None:
        raise ScrapeError(f"unable to load gallery id {gallery_id}: gallery with id {gallery_id} not found")
    files = _gallery_files(store, gallery_id)
    path = gallery_path(store, gallery_id)
    urls = store.column("SELECT url FROM gallery_urls WHERE gallery_id = ? ORDER BY position", (gallery_id,))
    out: dict[str, Any] = {
        "id": str(gallery_id),
        "title": row["title"] or store.host.base(path),
        "urls": urls or None,
        "date": row["date"] or None,
        "details": row["details"] or "",
    }
    if row["code"]:
        out["code"] = row["code"]
    if row["photographer"]:
        out["photographer"] = row["photographer"]
    if files:
        out["files"] = [_file_input(store, f) for f in files]
    out["url"] = urls[0] if urls else None
    return out


def _gallery_files(store: Any, gallery_id: int) -> list[Any]:
    files: list[Any] = store.all(
        "SELECT files.*, folders.path AS folder_path FROM galleries_files gf JOIN files ON files.id = gf.file_id"
        " JOIN folders ON folders.id = files.parent_folder_id WHERE gf.gallery_id = ?"
        ' ORDER BY gf."primary" DESC, files.id',
        (gallery_id,),
    )
    return files


def gallery_path(store: Any, gallery_id: int) -> str:
    """models.Gallery.Path: the primary file's path, else the folder's, else ""."""
    files = _gallery_files(store, gallery_id)
    if files:
        return str(store.host.join(files[0]["folder_path"], files[0]["basename"]))
    folder = store.value(
        "SELECT folders.path FROM galleries JOIN folders ON folders.id = galleries.folder_id WHERE galleries.id = ?",
        (gallery_id,),
    )
    return str(folder or "")


def _file_input(store: Any, row: Any) -> dict[str, Any]:
    """script.go fileInputFromFile."""
    out: dict[str, Any] = {"id": str(row["id"])}
    if row["zip_file_id"] is not None:
        zip_row = store.one(
            "SELECT files.*, folders.path AS folder_path FROM files JOIN folders"
            " ON folders.id = files.parent_folder_id WHERE files.id = ?",
            (row["zip_file_id"],),
        )
        out["zip_file"] = _file_input(store, zip_row)
    out["mod_time"] = row["mod_time"] or None
    out["path"] = store.host.join(row["folder_path"], row["basename"])
    if row["md5"]:
        out["fingerprints"] = [{"type": "md5", "fingerprint": row["md5"]}]
    if row["size"]:
        out["size"] = row["size"]
    return out


# -- post-processing and matching ------------------------------------------------------------
def _first(store: Any, sql: str, value: str) -> str | None:
    """The first row by name (NATURAL_CI order, as the name sort of tag/studio queries)."""
    rows = store.all(sql, (value,))
    if not rows:
        return None
    return str(min(rows, key=lambda r: (natural_key(r["name"]), r["id"]))["id"])


def _match_tag(store: Any, tag: dict[str, Any]) -> None:
    """match.ScrapedTag: name LIKE, else alias LIKE (tag.ByName, tag.ByAlias)."""
    if tag.get("stored_id") is not None:
        return
    name = tag.get("name") or ""
    tag["stored_id"] = _first(store, "SELECT id, name FROM tags WHERE name LIKE ?", name) or _first(
        store,
        "SELECT tags.id, tags.name FROM tags JOIN tag_aliases ON tag_aliases.tag_id = tags.id"
        " WHERE tag_aliases.alias LIKE ?",
        name,
    )


def _match_studio(store: Any, studio: dict[str, Any]) -> None:
    """match.ScrapedStudio: name LIKE, else alias LIKE (studio.ByName, studio.ByAlias)."""
    if studio.get("stored_id") is not None:
        return
    name = studio.get("name") or ""
    studio["stored_id"] = _first(store, "SELECT id, name FROM studios WHERE name LIKE ?", name) or _first(
        store,
        "SELECT studios.id, studios.name FROM studios JOIN studio_aliases"
        " ON studio_aliases.studio_id = studios.id WHERE studio_aliases.alias LIKE ?",
        name,
    )


def _match_performer(store: Any, performer: dict[str, Any]) -> None:
    """match.ScrapedPerformer: names COLLATE NOCASE, else aliases LIKE; exactly one, or no match."""
    if performer.get("stored_id") is not None or performer.get("name") is None:
        return
    ids = store.column("SELECT id FROM performers WHERE name COLLATE NOCASE IN (?)", (performer["name"],))
    if not ids:
        ids = store.column(
            "SELECT DISTINCT performer_id FROM performer_aliases WHERE alias LIKE ?", (performer["name"],)
        )
    if len(ids) == 1:
        performer["stored_id"] = str(ids[0])


def _tags(sim: StashSimulator, tags: list[Any] | None) -> list[Any] | None:
    """postProcessTags (a null tag is a nil pointer Stash dereferences), then FilterTags."""
    if tags is None:
        return None
    for tag in tags:
        if tag is None:
            raise StashError(NIL_POINTER)
        _match_tag(sim.store, tag)
    patterns = []
    for pattern in sim.config.scraper_exclude_tag_patterns:  # CompileExclusionRegexps
        try:
            go_search(pattern.lower(), "")
            patterns.append(pattern.lower())
        except GoRegexError as exc:
            sim.log("error", f"Invalid tag exclusion pattern: {exc}")
    if not patterns:
        return tags
    return [t for t in tags if not any(go_search(p, (t.get("name") or "").lower()) for p in patterns)]


def _url_and_urls(item: dict[str, Any]) -> None:
    """URL/URLs of a studio (and the urls-first half of a performer's): urls win."""
    if item.get("urls"):
        item["url"] = item["urls"][0]
    elif item.get("url") is not None:
        item["urls"] = [item["url"]]


def _handle_url(handle: str, site: str) -> str:
    """utils.URLFromHandle."""
    return handle if re.match(r"https?://", handle) else f"{site}/{handle}"


def post_scrape(sim: StashSimulator, gallery: dict[str, Any] | None) -> dict[str, Any] | None:
    """postScrapeGallery, with its related performers, tags and studio."""
    if gallery is None:
        return None
    if gallery.get("url") is None and gallery.get("urls"):
        gallery["url"] = gallery["urls"][0]
    if gallery.get("url") is not None and not gallery.get("urls"):
        gallery["urls"] = [gallery["url"]]
    for performer in gallery.get("performers") or []:
        if performer is None:
            continue
        performer["tags"] = _tags(sim, performer.get("tags"))
        if performer.get("urls"):
            performer["url"] = performer["urls"][0]
        else:
            urls = [performer["url"]] if performer.get("url") is not None else []
            if performer.get("twitter"):
                urls.append(_handle_url(performer["twitter"], "https://twitter.com"))
            if performer.get("instagram"):
                urls.append(_handle_url(performer["instagram"], "https://instagram.com"))
            if urls:
                performer["urls"] = urls
        _match_performer(sim.store, performer)
    gallery["tags"] = _tags(sim, gallery.get("tags"))
    studio = gallery.get("studio")
    if studio is not None:
        studio["tags"] = _tags(sim, studio.get("tags"))
        _url_and_urls(studio)
        _match_studio(sim.store, studio)
    return gallery


def graphql_object(release: str, type_name: str, decoded: dict[str, Any] | None) -> dict[str, Any] | None:
    """The object the resolvers hand back: every field of the release's type that the Go struct
    has (absent from the dict, and so refused when selected: fields it lacks, and a country)."""
    if decoded is None:
        return None
    struct = gojson.STRUCTS[type_name]
    schema_type: Any = stash_schema(release).get_type(type_name)
    out: dict[str, Any] = {}
    for name in schema_type.fields:
        kind = struct.fields.get(name)
        if kind is None or (type_name == "ScrapedPerformer" and name == "country" and decoded.get(name)):
            continue
        value = decoded.get(name, None if kind.nullable else "")
        if kind.kind == "struct":
            value = graphql_object(release, kind.struct, value)
        elif kind.kind == "structs" and value is not None:
            value = [graphql_object(release, kind.struct, item) for item in value]
        out[name] = value
    return out


# -- resolvers -------------------------------------------------------------------------------
@resolves("Query.listScrapers")
def list_scrapers(_: Any, info: Any, types: list[str]) -> list[dict[str, Any]]:
    """cache.go ListScrapers: those supporting one of the types, sorted by lowercase name (sort.Slice
    is not stable: ties come out in any order, so the map order is kept random here too)."""
    found = [s.spec() for s in _cache(info).go_map_order() if any(s.supports(t) for t in types)]
    return sorted(found, key=lambda spec: spec["name"].lower())


@resolves("Mutation.reloadScrapers")
def reload_scrapers(_: Any, info: Any) -> bool:
    _cache(info).reload()
    return True


def _find(info: Any, scraper_id: str) -> ScraperConfig:
    found = _cache(info).scrapers.get(scraper_id)
    if found is None:
        raise StashError(f"{NOT_FOUND}: id {scraper_id}")
    return found


def _gallery_id(text: str) -> int:
    """strconv.Atoi, with the resolver's message."""
    if not re.fullmatch(r"[+-]?[0-9]+", text) or not -(2**63) <= int(text) < 2**63:
        raise StashError(f"{INPUT_ERROR}: gallery id is not an integer: '{text}'")
    return int(text)


def _scrape_id(info: Any, scraper_id: str, gallery_id: int) -> dict[str, Any] | None:
    """cache.go ScrapeID for a gallery."""
    sim: StashSimulator = info.context.sim
    config = _find(info, scraper_id)
    if not config.supports("GALLERY"):
        raise StashError(f"{NOT_SUPPORTED}: cannot use scraper {scraper_id} to scrape GALLERY content")
    try:
        stored = gallery_input(sim.store, gallery_id)
        if config.builtin == "autotag":
            if gallery_path(sim.store, gallery_id) == "":
                return None  # autotag.go viaGallery: "not valid for non-path-based galleries"
            raise StashError(
                "the Stash simulator does not model the built-in Auto Tag scraper "
                "(it matches performers, studios and tags by the gallery's path)"
            )
        fragment = config.single.get("galleryByFragment")
        if fragment is None:
            raise ScrapeError(NOT_SUPPORTED)
        return run_action(info, config, fragment, gojson.marshal(stored))
    except ScrapeError as exc:
        raise StashError(f"scraper {scraper_id}: {exc}") from None


def _scrape_fragment(info: Any, scraper_id: str, given: dict[str, Any]) -> dict[str, Any] | None:
    """cache.go ScrapeFragment for a ScrapedGalleryInput (json.Marshal of the Go struct)."""
    fragment_input = {
        key: given.get(key) for key in ("title", "code", "details", "photographer", "urls", "date", "url")
    }
    if fragment_input["url"] is None and fragment_input["urls"]:
        fragment_input["url"] = fragment_input["urls"][0]
    config = _find(info, scraper_id)
    if config.builtin == "autotag":
        raise StashError(f"{NOT_SUPPORTED}: cannot use scraper {scraper_id} as a fragment scraper")
    try:
        fragment = config.single.get("galleryByFragment")
        if fragment is None:
            raise ScrapeError(NOT_SUPPORTED)
        return run_action(info, config, fragment, gojson.marshal(fragment_input))
    except ScrapeError as exc:
        raise StashError(f"error while fragment scraping with scraper {scraper_id}: {exc}") from None


@resolves("Query.scrapeSingleGallery")
def scrape_single_gallery(_: Any, info: Any, source: dict[str, Any], input: dict[str, Any]) -> list[Any]:
    sim: StashSimulator = info.context.sim
    if source.get("stash_box_index") is not None or source.get("stash_box_endpoint") is not None:
        raise StashError(API_NOT_SUPPORTED)
    scraper_id = source.get("scraper_id")
    if scraper_id is None:
        raise StashError(f"{INPUT_ERROR}: scraper_id must be set")
    if input.get("gallery_id") is not None:
        scraped = _scrape_id(info, scraper_id, _gallery_id(input["gallery_id"]))
        if scraped is None:
            return []
    elif input.get("gallery_input") is not None:
        scraped = _scrape_fragment(info, scraper_id, input["gallery_input"])
        if scraped is None:
            return [None]  # a typed nil in the list: gqlgen refuses the null element
    else:
        raise StashError(NOT_IMPLEMENTED)
    return [graphql_object(sim.release.name, "ScrapedGallery", post_scrape(sim, scraped))]


@resolves("Query.scrapeGalleryURL")
def scrape_gallery_url(_: Any, info: Any, url: str) -> dict[str, Any] | None:
    """cache.go ScrapeURL, group.go viaURL."""
    sim: StashSimulator = info.context.sim
    for config in _cache(info).go_map_order():
        if not config.matches_url(url, "GALLERY"):
            continue
        candidate = next(c for c in config.url_configs("GALLERY") if c.matches_url(url))
        try:
            scraped = run_action(info, config, candidate, '{"url": "' + url + '"}')
        except ScrapeError as exc:
            raise StashError(str(exc)) from None
        return graphql_object(sim.release.name, "ScrapedGallery", post_scrape(sim, scraped))
    raise StashError(INDEX_PANIC)  # marshalScrapedGallery indexes the empty list
