"""Scrape galleries, the pure parts and the scrape runner: which scraper, what is written, how often
and how fast a site is asked (no simulator: Gallery models by hand, a fake client for the runner)."""

from __future__ import annotations

import threading
import time
from typing import Any

import pytest
from wf_support import gallery

from gallery_ops.common.errors import ArgError, ScrapeTimedOut, StashServerError, StashTransportError
from gallery_ops.stash.models import PerformerRef, ScrapedGallery, Scraper, ScraperSpec, StudioRef, TagRef
from gallery_ops.tasks.changes import ScrapeGallery
from gallery_ops.tasks.scrape import (
    TAKE_ON_PAGE,
    Named,
    ScrapeOptions,
    ScrapeRunner,
    attempts_for,
    parse_overwrite,
    parse_scrapers,
    plan_scrape,
)

SITE = Scraper(id="site", name="Site", gallery=ScraperSpec(supported_scrapes=["FRAGMENT"]))
OTHER = Scraper(id="other", name="Other Site", gallery=ScraperSpec(supported_scrapes=["FRAGMENT"]))
BY_URL = Scraper(id="byurl", name="By URL", gallery=ScraperSpec(urls=["site.example/g/"], supported_scrapes=["URL"]))
ALSO_URL = Scraper(id="also", name="Also", gallery=ScraperSpec(urls=["example/g"], supported_scrapes=["URL"]))
OPTIONS = ScrapeOptions(fragment_scrapers=(SITE, OTHER), url_scrapers=(BY_URL,), pause=0.0)


def scraped(**fields: Any) -> ScrapedGallery:
    return ScrapedGallery.model_validate(fields)


def only_change(plan: Any) -> ScrapeGallery:
    (change,) = plan.changes
    assert isinstance(change, ScrapeGallery)
    return change


# -- which scraper -------------------------------------------------------------------------------
def test_a_claimed_url_comes_first_then_the_named_scrapers_in_order():
    found = gallery("1", folder="/g/a")
    found.urls = ["https://elsewhere/x", "https://site.example/g/7"]
    attempts = attempts_for(found, OPTIONS)
    assert [(a.label, a.url, a.scraper_id) for a in attempts] == [
        ("By URL", "https://site.example/g/7", None),
        ("Site", None, "site"),
        ("Other Site", None, "other"),
    ]


def test_a_url_two_scrapers_claim_names_both_stash_picks_one():
    found = gallery("1")
    found.urls = ["https://site.example/g/7"]
    (first, *_) = attempts_for(found, ScrapeOptions((), (BY_URL, ALSO_URL)))
    assert first.label == "By URL or Also" and first.key == "url:also,byurl"


def test_the_url_rule_is_stashs_contains_case_sensitive():
    found = gallery("1")
    found.urls = ["https://SITE.example/g/7"]
    assert attempts_for(found, ScrapeOptions((), (BY_URL,))) == []


def test_scrapers_by_id_or_name_in_the_order_given_and_refused_when_unknown_or_url_only():
    assert parse_scrapers("other, site", [SITE, OTHER]) == (OTHER, SITE)
    assert parse_scrapers("OTHER SITE,,", [SITE, OTHER]) == (OTHER,)
    with pytest.raises(ArgError, match=r"scraper 'nope' is not one of Stash's gallery scrapers: Site \(site\)"):
        parse_scrapers("nope", [SITE])
    with pytest.raises(ArgError, match="cannot scrape a stored gallery"):
        parse_scrapers("byurl", [BY_URL])


def test_overwrite_names_only_fields_a_scrape_fills():
    assert parse_overwrite(" Title, date ") == {"title", "date"}
    assert parse_overwrite("") == frozenset()
    with pytest.raises(ArgError, match="tags, urls are only ever added"):
        parse_overwrite("tags,urls")
    with pytest.raises(ArgError, match="rating is not a field"):
        parse_overwrite("rating")


# -- what is written -----------------------------------------------------------------------------
def test_only_empty_fields_are_filled_and_what_differs_is_kept_and_said():
    found = gallery("1", title="Mine", date="2020-01-01", folder="/g/a")
    plan, notes = plan_scrape(
        found, scraped(title="Theirs", date="2020-01-02", details=" Words "), "Site", frozenset(), "99", Named()
    )
    change = only_change(plan)
    assert change.sets == (("details", None, "Words"),)
    assert notes == [
        'kept title "Mine" (the scraper says "Theirs"; overwrite=title takes it)',
        'kept date "2020-01-01" (the scraper says "2020-01-02"; overwrite=date takes it)',
    ]
    assert change.to_input().update_input() == {"id": "1", "details": "Words", "tag_ids": ["99"]}


def test_on_the_page_a_kept_value_says_which_box_takes_it():
    # the page's scrape dialog has a box per field ("Date", "Studio"), not the task's overwrite arg;
    # the task's log keeps the arg (the test above)
    found = gallery("1", date="2020-01-01")
    found.studio = StudioRef(id="4", name="Mine Studio")
    plan, notes = plan_scrape(
        found,
        scraped(date="2020-01-02", studio={"stored_id": "5", "name": "Their Studio"}),
        "Site",
        frozenset(),
        "99",
        Named(),
        TAKE_ON_PAGE,
    )
    expected = [
        'kept date "2020-01-01" (the scraper says "2020-01-02"; tick "Date" among the fields to replace to take it)',
        'kept studio "Mine Studio" (the scraper says "Their Studio"; tick "Studio" among the fields to replace'
        " to take it)",
    ]
    assert notes == expected
    assert plan.changes == []  # both kept, nothing else new


def test_overwrite_takes_the_named_fields_with_the_old_value_for_the_preview():
    found = gallery("1", title="Mine", date="2020-01-01")
    plan, _ = plan_scrape(
        found, scraped(title="Theirs", date="2020-01-02T10:00:00Z"), "Site", frozenset({"date"}), "99", Named()
    )
    assert only_change(plan).sets == (("date", "2020-01-01", "2020-01-02"),)  # the date as Stash stores it
    assert only_change(plan).describe()["scrape"]["set"] == {"date": {"old": "2020-01-01", "new": "2020-01-02"}}


def test_a_date_stash_would_refuse_is_left_out_not_sent():
    plan, notes = plan_scrape(gallery("1"), scraped(date="2021-7-4", title="T"), "Site", frozenset(), "9", Named())
    assert only_change(plan).sets == (("title", None, "T"),)
    assert notes == ['date "2021-7-4" is not a date Stash takes: left out']


def test_tags_performers_and_urls_are_added_to_what_is_there_never_removed():
    found = gallery("1", tags=(TagRef(id="1", name="Beach"),), performers=("5",))
    found.urls = ["https://a"]
    plan, _ = plan_scrape(
        found,
        scraped(
            tags=[{"stored_id": "1", "name": "beach"}, {"stored_id": "2", "name": "Sun"}, {"name": "Unknown"}],
            performers=[{"stored_id": "6", "name": "Ada"}],
            urls=["https://a", "https://b"],
        ),
        "Site",
        frozenset(),
        "99",
        Named(),
    )
    sent = only_change(plan).to_input().update_input()
    assert sent == {
        "id": "1",
        "urls": ["https://a", "https://b"],
        "tag_ids": ["1", "2", "99"],
        "performer_ids": ["5", "6"],
    }
    assert [e.name for e in only_change(plan).expects] == ["tags", "performers", "urls"]


def test_names_stash_did_not_match_are_used_once_created_and_shown_as_new_in_a_preview():
    unknown = scraped(tags=[{"name": "Sunset"}], studio={"name": "New Studio"}, performers=[{"name": "Cy"}])
    preview = Named({("tag", "sunset"): None, ("studio", "new studio"): None, ("performer", "cy"): None})
    plan, _ = plan_scrape(gallery("1"), unknown, "Site", frozenset(), None, preview)
    assert only_change(plan).describe()["scrape"]["add"] == {"tags": ["Sunset (new)"], "performers": ["Cy (new)"]}
    created = Named({("tag", "sunset"): "7", ("studio", "new studio"): "8", ("performer", "cy"): "9"})
    plan, _ = plan_scrape(gallery("1"), unknown, "Site", frozenset(), "99", created)
    assert only_change(plan).to_input().update_input() == {
        "id": "1",
        "studio_id": "8",
        "tag_ids": ["7", "99"],
        "performer_ids": ["9"],
    }
    plan, _ = plan_scrape(gallery("1"), unknown, "Site", frozenset(), "99", Named())
    assert plan.changes == []  # not created: nothing to write


def test_the_plugins_own_marker_tags_are_never_taken_from_a_scraper():
    plan, _ = plan_scrape(
        gallery("1"),
        scraped(tags=[{"stored_id": "3", "name": "Gallery Tools: new"}]),
        "Site",
        frozenset(),
        "99",
        Named(),
    )
    assert plan.changes == []


def test_nothing_new_plans_no_change():
    found = gallery("1", title="T", tags=(TagRef(id="1", name="A"),), performers=(), studio="4")
    found.performers = [PerformerRef(id="2", name="P")]
    plan, _ = plan_scrape(
        found,
        scraped(
            title="T",
            tags=[{"stored_id": "1", "name": "a"}],
            performers=[{"stored_id": "2", "name": "P"}],
            studio={"stored_id": "4", "name": "S"},
        ),
        "Site",
        frozenset(),
        "9",
        Named(),
    )
    assert plan.changes == []


# -- the runner: pause, at most N at once, failures in a row ---------------------------------------
class FakeClient:
    def __init__(self, site: FakeSite) -> None:
        self.site = site

    def scrape_gallery(self, scraper_id: str, gallery_id: str) -> ScrapedGallery | None:
        return self.site.answer(scraper_id, gallery_id)

    def scrape_gallery_url(self, url: str) -> ScrapedGallery | None:
        return self.site.answer("url", url)

    def close(self) -> None:
        pass


class FakeSite:
    """Answers scrapes after `seconds`; records when each started and how many ran at once."""

    def __init__(self, seconds: float = 0.0, fail: dict[str, Exception] | None = None) -> None:
        self.seconds = seconds
        self.fail = fail or {}
        self.lock = threading.Lock()
        self.running = self.most = 0
        self.calls: list[tuple[str, str, float, float]] = []

    def answer(self, scraper_id: str, gallery_id: str) -> ScrapedGallery | None:
        with self.lock:
            self.running += 1
            self.most = max(self.most, self.running)
        start = time.monotonic()
        time.sleep(self.seconds)
        with self.lock:
            self.running -= 1
            self.calls.append((scraper_id, gallery_id, start, time.monotonic()))
        if scraper_id in self.fail:
            raise self.fail[scraper_id]
        return ScrapedGallery(title=f"T{gallery_id}") if scraper_id == "site" else None


class FakeOps:
    def __init__(self, site: FakeSite) -> None:
        self.site = site

    def scrape_client(self, timeout: float) -> FakeClient:
        return FakeClient(self.site)


def run_all(site: FakeSite, options: ScrapeOptions, count: int) -> list[Any]:
    runner = ScrapeRunner(FakeOps(site), options, "Scrape galleries")  # type: ignore[arg-type]
    try:
        futures = [runner.submit(gallery(str(n))) for n in range(1, count + 1)]
        return [f.result() for f in futures]
    finally:
        runner.close()


def test_one_worker_pauses_between_one_scrape_and_the_next():
    site = FakeSite()
    run_all(site, ScrapeOptions((SITE,), (), pause=0.2), 3)
    starts = [start for _, _, start, _ in site.calls]
    ends = [end for _, _, _, end in site.calls]
    assert all(starts[i + 1] - ends[i] >= 0.19 for i in range(2))


def test_at_most_n_scrapes_run_at_once():
    site = FakeSite(seconds=0.1)
    outcomes = run_all(site, ScrapeOptions((SITE,), (), pause=0.0, parallel=3), 9)
    assert site.most == 3 and all(o.kind == "found" for o in outcomes)


def test_the_first_scraper_that_finds_something_wins_and_nothing_found_says_who_was_asked():
    site = FakeSite()
    outcomes = run_all(site, ScrapeOptions((OTHER, SITE), (), pause=0.0), 1)
    assert (outcomes[0].kind, outcomes[0].label) == ("found", "Site")
    nothing = run_all(FakeSite(), ScrapeOptions((OTHER,), (), pause=0.0), 1)[0]
    assert (nothing.kind, nothing.message) == ("nothing", "nothing found by Other Site")


def test_k_failures_in_a_row_drop_a_scraper_and_a_success_resets_the_count():
    failing = FakeSite(fail={"other": StashServerError(["scraper other: boom"])})
    outcomes = run_all(failing, ScrapeOptions((OTHER, SITE), (), pause=0.0, failures_in_a_row=2), 4)
    # the gallery fails with the first scraper's error (no other scraper is tried for it)...
    assert [o.kind for o in outcomes[:2]] == ["failed", "failed"]
    assert outcomes[0].message == "Other Site: scraper other: boom"
    # ...until the scraper is dropped; then the next scraper takes the galleries
    assert [(o.kind, o.label) for o in outcomes[2:]] == [("found", "Site")] * 2
    assert sum(1 for c in failing.calls if c[0] == "other") == 2


def test_a_timeout_fails_the_gallery_but_stash_unreachable_stops_the_run():
    slow = FakeSite(fail={"site": ScrapeTimedOut("no answer within 1 s")})
    assert run_all(slow, ScrapeOptions((SITE,), (), pause=0.0), 1)[0].message == "Site: no answer within 1 s"
    down = FakeSite(fail={"site": StashTransportError("connection refused", reached_server=False)})
    with pytest.raises(StashTransportError):
        run_all(down, ScrapeOptions((SITE,), (), pause=0.0), 1)


def test_a_gallery_no_scraper_takes_is_skipped_without_asking():
    site = FakeSite()
    outcome = run_all(site, ScrapeOptions((), (BY_URL,), pause=0.0), 1)[0]
    assert outcome.kind == "skipped" and outcome.message.startswith("no scraper for it") and site.calls == []


def test_scraped_refs_without_a_name_are_ignored():
    plan, _ = plan_scrape(
        gallery("1"),
        scraped(tags=[{"stored_id": "3", "name": " "}], studio={"name": ""}),
        "Site",
        frozenset(),
        "9",
        Named(),
    )
    assert plan.changes == []


def test_an_answer_that_cannot_be_read_fails_only_that_gallery():
    odd = FakeSite(fail={"site": ValueError("1 validation error for ScrapedGallery")})
    (outcome,) = run_all(odd, ScrapeOptions((SITE,), (), pause=0.0), 1)
    assert outcome.kind == "failed" and "an answer that is not a scraped gallery" in outcome.message
