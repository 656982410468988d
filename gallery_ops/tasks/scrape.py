"""scrape_galleries: Stash's own gallery scrapers, run on many galleries, filling what is empty.

Stash scrapes one gallery at a time, in its edit dialog; through its API the plugin asks the same
questions for many (docs/stash.md §11: listScrapers, scrapeSingleGallery, scrapeGalleryURL).

Which galleries. By default those that are not organized and do not have the tag
"Gallery Tools: scraped" (constants.SCRAPED_TAG), which a run puts on each gallery it is done with;
`path` narrows that. `gallery_ids` or `gallery_filter` name the galleries instead (organized and
scraped ones too: which to scrape again is the user's choice). Every id is collected before
anything is written, so that writes never move galleries in or out of the pages being read.

Which scraper (attempts_for, pure). A gallery with a URL that a scraper claims (the URL contains
one of its galleryByURL `url:` strings: Stash's rule) is scraped by that URL first (Stash runs the
scraper that claims it); when that finds nothing, or no URL is claimed, the scrapers named by the
`scrapers` setting or argument are asked in order, with the stored gallery (scrapeSingleGallery),
and the first that finds something is used. No scraper for a gallery: skipped with the reason.

What is written (plan_scrape, pure). Title, code, details, photographer, date and studio where
the gallery has none; urls, tags and performers added, never removed; a field the run names in
`overwrite` (title, code, details, photographer, date, studio) is overwritten when the scraper
says something else. A tag, performer or studio is used when Stash matched its name (stored_id);
other names are listed, and created first when the setting scrapeCreateMissing is on. All of a
gallery's scrape goes in one galleryUpdate with the scraped tag (changes.ScrapeGallery), checked
right before it is sent (`expects`: nothing a person changed meanwhile is overwritten). A gallery
whose scraper had nothing new gets only the tag (changes.TagGalleries).

Safe on a real site. One scrape at a time by default (setting scrapeParallel), a pause between
one scrape and the next (scrapePause, 1 s), an answer awaited scrapeTimeout seconds at most. A
scraper's error, timeout or a malformed answer fails that gallery only; a scraper that fails
scrapeFailuresInARow galleries in a row is not asked again in this run (one warning says so).

Kill and run again. What was scraped is written every SCRAPE_WRITE_EVERY galleries or
SCRAPE_WRITE_SECONDS; a gallery is marked in the same request that writes its scrape, so a run
killed at any point and run again goes on with the galleries not marked yet and never scrapes
again one whose scrape it wrote.

From the gallery page (entry/page.py, "Scrape with..."): a run with a gate (tasks/gate.py) is one
page, written only when the gate lets it, and its report carries each gallery's outcome (`answers`);
Apply sends them back as the arg `scraped`, and that run plans from them instead of scraping, so it
writes exactly what the preview showed (a scraper may answer differently the next time) and asks
no site twice. `by_url` false leaves out the scraper that claims a gallery's URL (a scraper chosen
by name).

Requests other than scrapes: the settings, the scrapers, the tag, the ids (one per 500
galleries), the galleries (one per 50), and per write: one recheck and one request of up to 50
galleries' writes (plus one per kind when names are created).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator, Mapping, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from functools import partial

from ..common.args import Param
from ..common.constants import MARKER_TAGS, SCRAPED_TAG
from ..common.dates import stash_date
from ..common.errors import ArgError, StashAuthError, StashServerError, StashTransportError
from ..common.limits import PAGE_ACTION_GALLERIES, SCRAPE_PAGE_SIZE, SCRAPE_WRITE_EVERY, SCRAPE_WRITE_SECONDS
from ..common.log import log
from ..common.plain import dataclass, field, replace
from ..common.settings import Settings, SettingsError
from ..common.skips import SKIP_GONE_MEANWHILE, SKIP_NO_SCRAPER
from ..stash import selections
from ..stash.batch import chunks
from ..stash.models import Gallery, ScrapedGallery, ScrapedRef, Scraper
from ..stash.names import NameBook, called, gallery_name
from ..stash.operations import GalleryOps, all_of
from .changes import Change, Expect, ScrapeGallery, TagGalleries
from .engine import Page, PageApplied, apply_plans, decide_dry_run, planned, read_scope, run_pages
from .gate import Gate
from .report import MAX_DETAILS, GalleryPlan, Report, scrape_sentence, shown
from .workflow import Env

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

PARAMS: tuple[Param, ...] = (
    Param("scrapers", "str", False),
    Param("overwrite", "str", False),
    # false: only the scrapers named (scrapers), not the one claiming a gallery's URL ("Scrape with ...")
    Param("by_url", "bool", False),
    # the scrapers' answers of the preview this run applies (the gallery page sends them back): the
    # run writes from them instead of scraping again, behind the preview's fingerprint
    Param("scraped", "object", False),
)

SCALARS = ("title", "code", "details", "photographer", "date")
OVERWRITABLE = (*SCALARS, "studio")
ADDED_ONLY = ("urls", "tags", "performers")
NAMED = {"tags": "tag", "performers": "performer", "studio": "studio"}  # scraped field -> kind of name
# How a person takes a value a scrape kept: a task's arg, or the scrape dialog's "replace" boxes
# (ui/gallery_tools.js labels each box with its field's name, capitalized)
TAKE_IN_TASK = "overwrite={field} takes it"
TAKE_ON_PAGE = 'tick "{label}" among the fields to replace to take it'


# -- what the run asks for -----------------------------------------------------------------------
@dataclass(frozen=True)
class ScrapeOptions:
    fragment_scrapers: tuple[Scraper, ...]  # asked in this order about a stored gallery
    url_scrapers: tuple[Scraper, ...]  # every scraper with galleryByURL strings
    overwrite: frozenset[str] = frozenset()
    create_missing: bool = False
    pause: float = 1.0
    parallel: int = 1
    timeout: float = 60.0
    failures_in_a_row: int = 3
    by_url: bool = True  # a gallery URL a scraper claims is scraped first


def _number(settings: Settings, key: str, minimum: float, whole: bool) -> float:
    """A number setting of the scrape, checked: at least `minimum`, whole when it counts something."""
    value = settings[key]
    if value < minimum or (whole and value != int(value)):
        kind = "a whole number" if whole else "a number"
        raise SettingsError(
            f"setting {key} should be {kind} of at least {minimum:g}, got {value}; fix it in"
            " Settings > Plugins > Gallery Tools"
        )
    return float(value)


def parse_scrapers(text: str, available: Sequence[Scraper]) -> tuple[Scraper, ...]:
    """Scrapers named by id or by name (case ignored), separated by commas, in that order."""
    chosen: dict[str, Scraper] = {}
    for wanted in (part.strip() for part in text.split(",")):
        if not wanted:
            continue
        found = next((s for s in available if s.id == wanted), None) or next(
            (s for s in available if s.name.casefold() == wanted.casefold()), None
        )
        if found is None:
            known = ", ".join(f"{s.name} ({s.id})" for s in available) or "none"
            raise ArgError(f"scraper {wanted!r} is not one of Stash's gallery scrapers: {known}")
        if not found.scrapes_stored_galleries:
            raise ArgError(
                f"scraper {found.name} ({found.id}) cannot scrape a stored gallery (it has no"
                " galleryByFragment); it runs by itself for the gallery URLs it claims"
            )
        chosen[found.id] = found
    return tuple(chosen.values())


def parse_overwrite(text: str) -> frozenset[str]:
    """The fields a run may overwrite: some of title, code, details, photographer, date, studio."""
    names = {part.strip().lower() for part in text.split(",") if part.strip()}
    added = sorted(names & set(ADDED_ONLY))
    if added:
        raise ArgError(f"overwrite: {', '.join(added)} are only ever added to, never overwritten")
    unknown = sorted(names - set(OVERWRITABLE))
    if unknown:
        raise ArgError(
            f"overwrite: {', '.join(unknown)} is not a field a scrape fills; choose from {', '.join(OVERWRITABLE)}"
        )
    return frozenset(names)


def read_options(args: dict[str, Any], settings: Settings, available: Sequence[Scraper]) -> ScrapeOptions:
    return ScrapeOptions(
        fragment_scrapers=parse_scrapers(args["scrapers"] if "scrapers" in args else settings["scrapers"], available),
        url_scrapers=tuple(s for s in available if s.url_patterns),
        overwrite=parse_overwrite(args.get("overwrite") or ""),
        create_missing=bool(settings["scrapeCreateMissing"]),
        pause=_number(settings, "scrapePause", 0, whole=False),
        parallel=int(_number(settings, "scrapeParallel", 1, whole=True)),
        timeout=_number(settings, "scrapeTimeout", 1, whole=False),
        failures_in_a_row=int(_number(settings, "scrapeFailuresInARow", 1, whole=True)),
        by_url=bool(args.get("by_url", True)),
    )


# -- which scraper (pure) ------------------------------------------------------------------------
@dataclass(frozen=True)
class Attempt:
    """One scrape to try: by URL (Stash picks the scraper that claims it) or a scraper by id."""

    label: str  # the scraper's name, for people
    key: str  # what failures in a row are counted by
    scraper_id: str | None = None
    url: str | None = None


def attempts_for(gallery: Gallery, options: ScrapeOptions) -> list[Attempt]:
    """The scrapes to try for a gallery, in order: its first URL a scraper claims, then the named scrapers."""
    attempts: list[Attempt] = []
    for url in (gallery.urls or []) if options.by_url else []:
        claim = [s for s in options.url_scrapers if any(pattern in url for pattern in s.url_patterns)]
        if claim:
            # several scrapers claiming one URL: Stash runs one of them (Go's map order: any)
            label = claim[0].name if len(claim) == 1 else " or ".join(s.name for s in claim)
            attempts.append(Attempt(label, "url:" + ",".join(sorted(s.id for s in claim)), url=url))
            break
    attempts += [Attempt(s.name, s.id, scraper_id=s.id) for s in options.fragment_scrapers]
    return attempts


# -- what is written (pure) ----------------------------------------------------------------------
def _text(value: str | None) -> str | None:
    return value.strip() if value and value.strip() else None


def name_key(kind: str, name: str) -> tuple[str, str]:
    """How Stash tells names apart when it matches them (case ignored)."""
    return kind, name.strip().casefold()


@dataclass
class Named:
    """The ids of names Stash did not match: created by this run (None: would be, in a preview)."""

    created: dict[tuple[str, str], str | None] = field(default_factory=dict)

    def id_of(self, kind: str, ref: ScrapedRef) -> tuple[bool, str | None]:
        """(known, id): a matched or created name is known; id None for one a preview would create."""
        if ref.stored_id:
            return True, ref.stored_id
        key = name_key(kind, ref.name or "")
        return (key in self.created), self.created.get(key)


def gallery_label(gallery: Gallery) -> str:
    """What people call a gallery: its title, else its zip's or folder's name (stash/names.py)."""
    return gallery_name(gallery) or ""


def unmatched_names(scraped: ScrapedGallery) -> list[tuple[str, str]]:
    """(kind, name) of what the scraper named that Stash did not match (no stored_id)."""
    found: list[tuple[str, str]] = []
    for field_name, kind in NAMED.items():
        value = getattr(scraped, field_name)
        refs = [value] if isinstance(value, ScrapedRef) else list(value or [])
        for ref in refs:
            name = _text(ref.name)
            if ref.stored_id is None and name is not None and name not in MARKER_TAGS:
                found.append((kind, name))
    return found


def plan_scrape(
    gallery: Gallery,
    scraped: ScrapedGallery,
    scraper: str,
    overwrite: frozenset[str],
    marker_id: str | None,
    named: Named,
    take: str = TAKE_IN_TASK,
) -> tuple[GalleryPlan, list[str]]:
    """The gallery's write from what the scraper found, and notes (what was left out and why; `take`
    says how a kept value is taken where the person reads the note)."""
    notes: list[str] = []

    def kept(name: str, old: Any, new: Any) -> str:
        how = take.format(field=name, label=name.capitalize())
        return f"kept {name} {shown(old)} (the scraper says {shown(new)}; {how})"

    sets: list[tuple[str, Any, Any]] = []
    for name in SCALARS:
        new = _text(getattr(scraped, name))
        if new is None:
            continue
        if name == "date":
            stored = stash_date(new)
            if stored is None:
                notes.append(f"date {shown(new)} is not a date Stash takes: left out")
                continue
            new = stored
        old = getattr(gallery, name) or None
        if old is None or (name in overwrite and old != new):
            sets.append((name, old, new))
        elif old != new:
            notes.append(kept(name, old, new))
    studio_id: str | None = None
    if scraped.studio is not None and _text(scraped.studio.name):
        known, found_id = named.id_of("studio", scraped.studio)
        old_studio = gallery.studio
        if known and (old_studio is None or ("studio" in overwrite and old_studio.id != found_id)):
            sets.append(("studio", old_studio.name if old_studio else None, scraped.studio.name))
            studio_id = found_id
        elif old_studio is not None and old_studio.id != found_id:
            notes.append(kept("studio", old_studio.name, scraped.studio.name))
    adds: dict[str, list[tuple[str | None, str]]] = {"tags": [], "performers": []}
    for field_name in adds:
        have = {ref.id for ref in getattr(gallery, field_name) or []}
        for ref in getattr(scraped, field_name) or []:
            ref_name = _text(ref.name)
            if ref_name is None or ref_name in MARKER_TAGS:
                continue
            known, found_id = named.id_of(NAMED[field_name], ref)
            if known and (found_id is None or found_id not in have) and (found_id, ref_name) not in adds[field_name]:
                adds[field_name].append((found_id, ref_name))
                if found_id is not None:
                    have.add(found_id)
    urls = [u for u in dict.fromkeys(_text(u) for u in scraped.urls or []) if u and u not in (gallery.urls or [])]
    plan = GalleryPlan(gallery.id)
    if not (sets or adds["tags"] or adds["performers"] or urls):
        return plan, notes
    expected = ["tags", *(name for name, _, _ in sets)]
    if adds["performers"]:
        expected.append("performers")
    if urls:
        expected.append("urls")
    plan.changes.append(
        ScrapeGallery(
            gallery.id,
            name=gallery_label(gallery),
            scraper=scraper,
            sets=tuple(sets),
            studio_id=studio_id,
            add_tags=tuple(adds["tags"]),
            add_performers=tuple(adds["performers"]),
            add_urls=tuple(urls),
            tag_ids=tuple(ref.id for ref in gallery.tags or []),
            performer_ids=tuple(ref.id for ref in gallery.performers or []),
            urls=tuple(gallery.urls or []),
            marker_id=marker_id,
            notes=tuple(notes),
            expects=Expect.of("gallery", gallery, expected),
        )
    )
    return plan, notes


# -- scraping ------------------------------------------------------------------------------------
OUTCOMES = ("found", "nothing", "failed", "skipped")
NOT_IN_PREVIEW = "not scraped in the preview this run applies"


@dataclass(frozen=True)
class Outcome:
    """What the scrapes of one gallery came to."""

    kind: str  # "found", "nothing" (every scraper asked answered, none found anything), "failed", "skipped"
    label: str = ""  # the scraper that found it (found) or failed (failed)
    scraped: ScrapedGallery | None = None
    message: str = ""  # why it failed or was skipped; which scrapers found nothing

    def to_answer(self) -> dict[str, Any]:
        """The outcome as JSON (a preview hands it to the page, which sends it back to apply)."""
        answer: dict[str, Any] = {"kind": self.kind, "scraper": self.label, "message": self.message}
        if self.scraped is not None:
            answer["scraped"] = self.scraped.model_dump(mode="json", exclude_none=True)
        return answer


def read_answers(value: dict[str, Any]) -> dict[str, Outcome]:
    """The answers a preview handed out (Outcome.to_answer per gallery id), read back."""
    answers: dict[str, Outcome] = {}
    for gallery_id, answer in value.items():
        try:
            if not isinstance(answer, dict) or answer.get("kind") not in OUTCOMES:
                raise ValueError(f"kind should be one of {', '.join(OUTCOMES)}")
            scraped = answer.get("scraped")
            answers[gallery_id] = Outcome(
                answer["kind"],
                str(answer.get("scraper") or ""),
                ScrapedGallery.model_validate(scraped) if scraped is not None else None,
                str(answer.get("message") or ""),
            )
        except ValueError as exc:
            raise ArgError(f"argument scraped, key {gallery_id!r}: {' '.join(str(exc).split())[:200]}") from None
        if answers[gallery_id].kind == "found" and answers[gallery_id].scraped is None:
            raise ArgError(f"argument scraped, key {gallery_id!r}: found, but nothing scraped")
    return answers


class ScrapeRunner:
    """Runs the scrapes of a run: one client per worker (at most `parallel`), the pause between a
    worker's scrapes, and each scraper's failures in a row (a scraper failing too often is dropped)."""

    def __init__(self, ops: GalleryOps, options: ScrapeOptions, title: str) -> None:
        self.ops = ops
        self.options = options
        self.title = title
        self.lock = threading.Lock()
        self.in_a_row: dict[str, int] = {}
        self.dropped: dict[str, str] = {}  # failure key -> the scraper's name
        self.scrapes = 0
        self.seconds = 0.0  # time spent waiting for scrapes (all workers)
        self.local = threading.local()
        self.clients: list[GalleryOps] = []
        self.pool = ThreadPoolExecutor(max_workers=options.parallel, thread_name_prefix="scrape")

    def submit(self, gallery: Gallery) -> Future[Outcome]:
        return self.pool.submit(self.scrape, gallery)

    def close(self) -> None:
        self.pool.shutdown(wait=True, cancel_futures=True)
        for client in self.clients:
            client.close()

    def _client(self) -> GalleryOps:
        client: GalleryOps | None = getattr(self.local, "client", None)
        if client is None:
            client = self.local.client = self.ops.scrape_client(self.options.timeout)
            with self.lock:
                self.clients.append(client)
        return client

    def _wait_turn(self) -> None:
        """The pause after this worker's last scrape."""
        last: float | None = getattr(self.local, "last", None)
        if last is not None:
            time.sleep(max(0.0, last + self.options.pause - time.monotonic()))

    def scrape(self, gallery: Gallery) -> Outcome:
        """Try the gallery's scrapes in order (runs in a worker thread)."""
        attempts = attempts_for(gallery, self.options)
        if not attempts:
            return Outcome("skipped", message=SKIP_NO_SCRAPER)
        asked: list[str] = []
        for attempt in attempts:
            if attempt.key in self.dropped:
                continue
            self._wait_turn()
            client = self._client()
            started = time.monotonic()
            try:
                if attempt.url is not None:
                    scraped = client.scrape_gallery_url(attempt.url)
                else:
                    assert attempt.scraper_id is not None
                    scraped = client.scrape_gallery(attempt.scraper_id, gallery.id)
            except StashAuthError:
                raise
            except (StashServerError, StashTransportError, ValueError) as exc:
                if isinstance(exc, StashTransportError) and not exc.reached_server:
                    raise  # Stash cannot be reached: every further request would fail alike
                # a ValueError: an answer that is not a scraped gallery (its models refused it: a RecordError)
                message = (
                    f"{attempt.label}: {exc}"
                    if not isinstance(exc, ValueError)
                    else (
                        f"{attempt.label}: an answer that is not a scraped gallery ({' '.join(str(exc).split())[:200]})"
                    )
                )
                self._count(attempt, started, message)
                return Outcome("failed", attempt.label, message=message)
            self._count(attempt, started, None)
            asked.append(attempt.label)
            if scraped is not None and not scraped.is_empty:
                return Outcome("found", attempt.label, scraped)
        if not asked:
            return Outcome(
                "skipped",
                message="its scrapers were dropped in this run (failures in a row: "
                + ", ".join(sorted({a.label for a in attempts}))
                + ")",
            )
        return Outcome("nothing", message=f"nothing found by {' or '.join(dict.fromkeys(asked))}")

    def _count(self, attempt: Attempt, started: float, failure: str | None) -> None:
        self.local.last = time.monotonic()
        with self.lock:
            self.scrapes += 1
            self.seconds += self.local.last - started
            if failure is None:
                self.in_a_row[attempt.key] = 0
                return
            self.in_a_row[attempt.key] = self.in_a_row.get(attempt.key, 0) + 1
            if self.in_a_row[attempt.key] >= self.options.failures_in_a_row and attempt.key not in self.dropped:
                self.dropped[attempt.key] = attempt.label
                log.warning(
                    "%s: %s failed %d galleries in a row (last: %s); it is not asked again in this run:"
                    " its site may be down or blocking us",
                    self.title,
                    attempt.label,
                    self.in_a_row[attempt.key],
                    failure,
                )


# -- the run -------------------------------------------------------------------------------------
def collect_ids(ops: GalleryOps, args: dict[str, Any], marker_id: str | None) -> list[str]:
    """Every gallery id of the run, before anything is written: gallery_ids as given; else `path` and
    `gallery_filter`, and without a gallery_filter the galleries not organized and not marked scraped."""
    scope = read_scope(args)
    if scope.gallery_ids is not None:
        return list(scope.gallery_ids)
    gallery_filter = scope.gallery_filter
    if args.get("gallery_filter") is None:
        default: dict[str, Any] = {"organized": False}
        if marker_id is not None:
            default["tags"] = {"value": [marker_id], "modifier": "EXCLUDES"}
        gallery_filter = all_of(default, gallery_filter)
    return [g.id for g in ops.iter_galleries(gallery_filter, selection="id")]


@dataclass
class Pending:
    """Galleries scraped and not written yet."""

    items: list[tuple[Gallery, Outcome]] = field(default_factory=list)
    since: float = field(default_factory=time.monotonic)


class ScrapeRun:
    """One run: the galleries, page by page, their scrapes, and their writes every so often (each
    write a page of engine.run_pages)."""

    def __init__(
        self,
        ops: GalleryOps,
        options: ScrapeOptions,
        dry_run: bool,
        marker_id: str | None,
        gate: Gate | None = None,
        given: dict[str, Outcome] | None = None,
    ) -> None:
        self.ops = ops
        self.options = options
        self.dry_run = dry_run
        self.marker_id = marker_id
        # a page action's or a previewed job's run: one page, behind the gate, its answers in the report
        self.gate = gate
        self.given = given  # the answers of the preview this run applies: no scrapes
        self.answers: dict[str, dict[str, Any]] = {}
        self.report = Report("scrape_galleries", dry_run, "overwrite" if options.overwrite else None)
        self.report.per_gallery_logged = True
        self.named = Named()
        self.unmatched: dict[str, dict[str, str]] = {"tag": {}, "performer": {}, "studio": {}}
        self.written: Pending = Pending()  # the galleries of the page run_pages is writing
        self.notes: dict[str, list[str]] = {}  # per gallery: what it did not take of its scrape
        self.to_mark: list[str] = []  # galleries scraped with nothing new: marked done once the page went through

    def run(self, ids: list[str]) -> Report:
        pages = self.pages(ids)
        return run_pages(
            self.ops,
            self.report,
            len(ids),
            pages,
            apply=self.apply,
            after_page=self.marks,
            on_page_done=self.log_page,
            gate=self.gate,
        )

    def apply(
        self, ops: GalleryOps, plans: Sequence[GalleryPlan], failed: Mapping[str, str], names: NameBook
    ) -> PageApplied:
        """A page's writes; behind a gate the scraped tag is created here, once the gate let the
        writes through (a preview held back writes nothing, not even the tag)."""
        if self.marker_id is None and any(p.changes for p in plans):
            self.marker_id = create_marker(ops)
            plans = [replace(p, changes=[self._marked(c) for c in p.changes]) if p.changes else p for p in plans]
        return apply_plans(ops, plans, failed, names)

    def _marked(self, change: Change) -> Change:
        return replace(change, marker_id=self.marker_id) if isinstance(change, ScrapeGallery) else change

    def pages(self, ids: list[str]) -> Iterator[Page]:
        """The galleries read a page at a time and scraped; every SCRAPE_WRITE_EVERY of them (or
        SCRAPE_WRITE_SECONDS) one page to write. At the end, what the run found in the report."""
        runner = ScrapeRunner(self.ops, self.options, self.report.title)
        pending = Pending()
        gone: list[GalleryPlan] = []
        one_page = self.gate is not None  # a gate checks one page (gate.py): written all at once
        try:
            for page in chunks(ids, SCRAPE_PAGE_SIZE):
                found = self.ops.galleries_by_ids(page, "id " + selections.GALLERY_SCRAPE)
                futures: list[tuple[Gallery, Future[Outcome]]] = []
                for gallery_id in page:
                    gallery = found.get(gallery_id)
                    if gallery is None:
                        gone.append(GalleryPlan(gallery_id, skipped=SKIP_GONE_MEANWHILE))
                        continue
                    futures.append((gallery, self.outcome(runner, gallery)))
                for gallery, future in futures:
                    outcome = future.result()
                    pending.items.append((gallery, outcome))
                    self.answers[gallery.id] = outcome.to_answer()
                    if not one_page and (
                        len(pending.items) >= SCRAPE_WRITE_EVERY
                        or time.monotonic() - pending.since >= SCRAPE_WRITE_SECONDS
                    ):
                        yield self.plan(pending, gone)
                        pending, gone = Pending(), []
            if pending.items or gone:
                yield self.plan(pending, gone)
        finally:
            runner.close()
        self.report.extra = {
            "every_change_logged": True,
            "scrapes": runner.scrapes,
            "scrape_seconds": round(runner.seconds, 3),
            "dropped_scrapers": list(runner.dropped.values()),
            "unmatched_names": {
                kind + "s": list(names.values())[:MAX_DETAILS] for kind, names in self.unmatched.items() if names
            },
        }
        if self.gate is not None:  # what the page sends back to apply exactly this preview
            self.report.extra["answers"] = self.answers
        if any(self.unmatched.values()):
            listed = "; ".join(
                f"{kind}s {', '.join(list(names.values())[:20])}" for kind, names in self.unmatched.items() if names
            )
            self.report.notes.append(
                "names Stash has no tag, performer or studio for (left out; the setting scrapeCreateMissing"
                f" creates them): {listed}"
            )

    def outcome(self, runner: ScrapeRunner, gallery: Gallery) -> Future[Outcome]:
        """The gallery's scrapes (in a worker), or its answer in the preview this run applies."""
        if self.given is None:
            return runner.submit(gallery)
        done: Future[Outcome] = Future()
        done.set_result(self.given.get(gallery.id) or Outcome("skipped", message=NOT_IN_PREVIEW))
        return done

    def _create_names(self, pending: Pending) -> dict[str, str]:
        """Create the names the pending scrapes need that Stash lacks (when the setting says so);
        returns {gallery id: why it fails} for galleries whose names could not be created."""
        wanted: dict[tuple[str, str], str] = {}
        for _, outcome in pending.items:
            if outcome.scraped is not None:
                for kind, name in unmatched_names(outcome.scraped):
                    wanted.setdefault(name_key(kind, name), name)
        if not self.options.create_missing:
            for (kind, folded), name in wanted.items():
                self.unmatched[kind].setdefault(folded, name)
            return {}
        new = {key: name for key, name in wanted.items() if key not in self.named.created}
        if self.dry_run:
            self.named.created.update(dict.fromkeys(new))
            return {}
        cannot: dict[tuple[str, str], str] = {}
        for kind in ("tag", "performer", "studio"):
            keys = [key for key in new if key[0] == kind]
            if not keys:
                continue
            result = self.ops.create_named_each(kind, [new[key] for key in keys])
            for index, key in enumerate(keys):
                if index in result.errors:
                    cannot[key] = f"could not create the {kind} {shown(new[key])}: {result.errors[index]}"
                else:
                    self.named.created[key] = str(result.data[index]["id"])
                    log.info("%s: created the %s %s", self.report.title, kind, shown(new[key]))
        failing: dict[str, str] = {}
        for gallery, outcome in pending.items:
            if outcome.scraped is not None:
                for kind, name in unmatched_names(outcome.scraped):
                    if name_key(kind, name) in cannot:
                        failing.setdefault(gallery.id, cannot[name_key(kind, name)])
        return failing

    def plan(self, pending: Pending, gone: list[GalleryPlan]) -> Page:
        """The page of the pending galleries: the names they need created first (when the setting
        says so), then each gallery's plan (planning failures and scrape failures are its failure)."""
        failing = self._create_names(pending)
        plans: list[GalleryPlan] = list(gone)
        self.written, self.notes, self.to_mark = pending, {}, []
        self.report.names.learn_galleries(gallery for gallery, _ in pending.items)
        for gallery, outcome in pending.items:
            if outcome.kind == "failed" or gallery.id in failing:
                plans.append(GalleryPlan(gallery.id, error=failing.get(gallery.id) or outcome.message))
            elif outcome.kind in ("skipped", "nothing"):
                plans.append(GalleryPlan(gallery.id, skipped=outcome.message))
                if outcome.kind == "nothing":
                    self.to_mark.append(gallery.id)
            else:
                assert outcome.scraped is not None
                plan = partial(self._plan_scraped, gallery, outcome.scraped, outcome.label)
                planned_one = planned(self.report.task, [gallery.id], plan, self.report.names)[0]
                if not planned_one.changes and planned_one.error is None:
                    self.to_mark.append(gallery.id)
                plans.append(planned_one)
        return Page(plans)

    def _plan_scraped(self, gallery: Gallery, scraped: ScrapedGallery, label: str) -> GalleryPlan:
        take = TAKE_IN_TASK if self.gate is None else TAKE_ON_PAGE  # a gate: the page's preview or its job
        plan, self.notes[gallery.id] = plan_scrape(
            gallery, scraped, label, self.options.overwrite, self.marker_id, self.named, take
        )
        plan.left_alone.extend(self.notes[gallery.id])  # the page's previews show what was not taken
        return plan

    def marks(self, page: Page, done: list[str]) -> list[Change]:
        """After a page went through: the scraped tag on its galleries that had nothing new to write
        (the others got it with their write), unless they have it already. Not behind a gate: a page's
        scrape writes what its preview shows, and a scraper chosen there that found nothing does not
        make the gallery done for the other scrapers of a later run."""
        if self.gate is not None:
            return []
        marked = {
            gallery.id
            for gallery, _ in self.written.items
            if any(ref.id == self.marker_id for ref in gallery.tags or [])
        }
        ready = [g for g in self.to_mark if g in done and g not in marked]
        return [TagGalleries(ready[0], self.marker_id, tuple(ready[1:]), SCRAPED_TAG)] if ready else []

    def log_page(self, page: Page, failed: Mapping[str, str]) -> None:
        """Each gallery's line, once its page is written (a scrape is slow: this is its record)."""
        names = {gallery.id: gallery_label(gallery) for gallery, _ in self.written.items}
        for plan in page.plans:
            if plan.gallery_id in names:
                self._log_gallery(plan, names[plan.gallery_id], self.notes.get(plan.gallery_id, []), failed)

    def _log_gallery(self, plan: GalleryPlan, name: str, notes: list[str], failed: Mapping[str, str]) -> None:
        """A gallery's line, as it is written: what it got from which scraper (every gallery's, not only
        the first ones: a scrape is slow, and this is its record), or its failure. Skips are counted
        at the end; what a scraper said that an unchanged gallery did not take is said at debug level."""
        title = self.report.title
        error = failed.get(plan.gallery_id)
        if error is not None:
            log.warning("%s: gallery %s failed: %s", title, called(name, plan.gallery_id), error)
            return
        for change in plan.changes:
            log.info("%s: %s", title, scrape_sentence(change.describe(), self.dry_run))
        if not plan.changes:
            for note in notes:
                log.debug("%s: gallery %s: %s", title, called(name, plan.gallery_id), note)


def create_marker(ops: GalleryOps) -> str:
    """The scraped tag, created (the first run that writes makes it)."""
    created = ops.create_named_each("tag", [SCRAPED_TAG])
    if created.errors:
        raise StashServerError([f"could not create the tag {SCRAPED_TAG!r}: {created.errors[0]}"])
    return str(created.data[0]["id"])


def run_scrape_galleries(ops: GalleryOps, env: Env, args: dict[str, Any], gate: Gate | None = None) -> Report:
    """The task: read what the run needs, collect the galleries, scrape and write them. With a gate
    (a page action, or a job queued from its preview) one page, written only when the gate lets it;
    with `scraped` (the preview's answers) nothing is scraped again."""
    options = read_options(args, env.settings, ops.gallery_scrapers())
    dry_run = decide_dry_run(args, env.settings, destructive=bool(options.overwrite))
    given = read_answers(args["scraped"]) if "scraped" in args else None
    if given is not None and gate is None:
        raise ArgError("scraped (a preview's answers) is applied only with that preview's fingerprint")
    marker_id = ops.find_tag_id(SCRAPED_TAG)
    ids = collect_ids(ops, args, marker_id)
    if gate is not None and len(ids) > PAGE_ACTION_GALLERIES:
        raise ArgError(f"a previewed scrape covers at most {PAGE_ACTION_GALLERIES} galleries; select fewer")
    if ids and marker_id is None and not dry_run and gate is None:
        marker_id = create_marker(ops)
    return ScrapeRun(ops, options, dry_run, marker_id, gate, given).run(ids)
