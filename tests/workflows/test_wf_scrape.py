"""Scrape galleries, end to end: the task buttons of gallery_tools.yml, run by the simulator's runner on the
sample library, with Stash's scrapers run by the simulator as Stash runs them (tests/scrapers/*.yml: a
fragment scraper, a URL scraper, a failing one and a hanging one, all small Python scripts)."""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from stash_sim import StashSimulator
from support.manifest import button
from wf_support import REPO, fresh_sim, kill_and_rerun_at_every_request, run, state

from gallery_ops.common.constants import SCRAPED_TAG

SCRAPERS = REPO / "tests" / "scrapers"
SCRAPE = button("scrape_galleries")
SCRAPE_PREVIEW = button("scrape_galleries", dry_run="true")
APPLY = {"dry_run": "false"}
SETTINGS = {"scrapers": "sample_site", "scrapePause": 0}
SCRAPE_FIELDS = ("scrapeSingleGallery", "scrapeGalleryURL")


@contextmanager
def scrape_sim(settings: dict[str, Any] | None = None) -> Iterator[StashSimulator]:
    """The sample library, the plugin, and the test scrapers in Stash's scrapers folder."""
    with fresh_sim(settings={**SETTINGS, **(settings or {})}) as sim:
        sim.scrapers.install_folder(SCRAPERS)
        yield sim


def install_scrapers(sim: StashSimulator) -> None:
    sim.set_plugin_settings("gallery_tools", SETTINGS)
    sim.scrapers.install_folder(SCRAPERS)


def galleries(sim: StashSimulator) -> dict[str, dict[str, Any]]:
    return state(sim)["galleries"]


def scrapes(sim: StashSimulator) -> list[Any]:
    return [r for r in sim.requests.records if set(r.root_fields) & set(SCRAPE_FIELDS)]


def marked(sim: StashSimulator) -> list[str]:
    return sorted(key for key, g in galleries(sim).items() if SCRAPED_TAG in g["tags"])


def every_row(sim: StashSimulator) -> dict[str, list[tuple[Any, ...]]]:
    tables = sim.store.column("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
    return {t: [tuple(row) for row in sim.store.all(f'SELECT * FROM "{t}" ORDER BY rowid')] for t in tables}


def test_preview_writes_nothing_and_shows_old_and_new_side_by_side():
    with scrape_sim() as sim:
        before = every_row(sim)
        result = run(sim, SCRAPE_PREVIEW)
        assert every_row(sim) == before
        assert sim.requests.mutations() == []
        assert result.output["title"] == "Scrape galleries (preview)"
        beach = next(c for c in result.output["changes"] if c.get("gallery") == "1")
        assert beach["scrape"]["set"]["title"] == {"old": None, "new": "Beach Days 2021"}
        assert (
            'Scrape galleries (preview): gallery "Beach 2021" [1]: from Sample Site: would set title'
            ' "Beach Days 2021" (was empty), details "Two weeks by the sea." (was empty); add urls'
            ' https://sample.example/g/beach-2021; kept date "2021-07-14" (the scraper says "2021-07-15";'
            " overwrite=date takes it)"
        ) in result.messages("info")
        assert len(scrapes(sim)) == 11  # every gallery asked once, Best of 2021 by its URL


def test_apply_fills_only_what_is_empty_and_adds_never_removes():
    with scrape_sim() as sim:
        before = galleries(sim)
        result = run(sim, SCRAPE, APPLY)
        after = galleries(sim)
        beach = after["/library/photos/Beach 2021"]
        # filled: title, details, url; kept: the date and studio it had (the scraper says others)
        assert beach["title"] == "Beach Days 2021" and beach["details"] == "Two weeks by the sea."
        assert beach["date"] == "2021-07-14" and beach["studio"] == "Lumen Studio"
        assert beach["urls"] == ["https://sample.example/g/beach-2021"]
        # tags and performers by the names Stash matched (case ignored); unknown names left out
        assert beach["tags"] == ["Beach", SCRAPED_TAG] and beach["performers"] == ["Ada Vale"]
        assert result.output["unmatched_names"] == {"tags": ["Sunset"], "performers": ["Cy Moss"]}
        portraits = after["/library/photos/Portraits"]
        assert (portraits["title"], portraits["photographer"]) == ("Studio Portraits", "Jo Marsh")  # a person's
        assert (portraits["code"], portraits["studio"]) == ("SP-01", "Lumen Studio")
        best = after["user:Best of 2021"]  # scraped by its URL, by Example Org
        assert best["details"] == "The best of 2021."
        assert best["urls"] == ["https://example.org/best-of-2021", "https://mirror.example/best-of-2021"]
        assert best["tags"] == ["Archive", SCRAPED_TAG]
        coast = after["/library/comics/Coast 3.cbz"]
        assert coast["title"] == "The Harbour" and coast["date"] is None  # "June 2, 2019": not a Stash date
        # nothing that was there is gone, and only the scraped fields changed
        for key, gallery in before.items():
            for name in ("tags", "performers", "urls"):
                assert set(gallery[name]) <= set(after[key][name]), (key, name)
            for name in ("title", "code", "date", "details", "photographer", "studio"):
                assert gallery[name] in (None, "", after[key][name]), (key, name)
        assert marked(sim) == sorted(before)  # every gallery answered: all done
        # one line per gallery written, by the scraper's name; those found by no scraper counted
        messages = result.messages("info")
        assert [m.split(": from ")[1].split(":")[0] for m in messages if ": from " in m] == [
            "Sample Site",
            "Sample Site",
            "Sample Site",
            "Example Org",
            "Sample Site",
            "Sample Site",
        ]
        assert result.output["skipped"] == {"nothing found by Sample Site": 5}
        assert "Scrape galleries: 5 galleries skipped: nothing found by Sample Site" in messages


def test_a_second_run_writes_nothing_and_scrapes_no_gallery_it_finished():
    with scrape_sim() as sim:
        run(sim, SCRAPE, APPLY)
        finished = galleries(sim)
        sim.requests.clear()
        second = run(sim, SCRAPE, APPLY)
        assert sim.requests.mutations() == [] and scrapes(sim) == []
        assert second.output["scanned"] == 0
        assert galleries(sim) == finished


def test_writes_are_batched_and_galleries_read_in_pages_not_one_by_one():
    with scrape_sim() as sim:
        sim.requests.clear()
        run(sim, SCRAPE, APPLY)
        others = [r for r in sim.requests.records if not set(r.root_fields) & set(SCRAPE_FIELDS)]
        # settings, scrapers, the tag, the ids, creating the tag, one page of galleries, one recheck,
        # the galleries' writes, the marks of those with nothing new
        assert len(others) == 9, sim.requests.fields()
        assert len(scrapes(sim)) == 11


def test_overwrite_replaces_only_the_named_fields_and_previews_first():
    with scrape_sim() as sim:
        preview = run(sim, SCRAPE, {"overwrite": "date,studio"})
        assert preview.output["dry_run"] is True and sim.requests.mutations() == []
        assert preview.output["title"] == "Scrape galleries (overwrite, preview)"
        run(sim, SCRAPE, {"overwrite": "date,title", **APPLY})
        beach = galleries(sim)["/library/photos/Beach 2021"]
        assert (beach["date"], beach["title"]) == ("2021-07-15", "Beach Days 2021")
        portraits = galleries(sim)["/library/photos/Portraits"]
        assert portraits["title"] == "Portraits (studio)" and portraits["photographer"] == "Jo Marsh"


@pytest.mark.parametrize(
    ("overwrite", "message"),
    [
        ("tags", "overwrite: tags are only ever added to, never overwritten"),
        ("rating", "overwrite: rating is not a field a scrape fills"),
    ],
)
def test_overwrite_refuses_what_is_only_added_or_unknown(overwrite, message):
    with scrape_sim() as sim:
        result = run(sim, SCRAPE, {"overwrite": overwrite}, ok=False)
        assert result.error is not None and message in result.error
        assert scrapes(sim) == []


def test_unknown_names_are_created_only_when_the_setting_says_so():
    with scrape_sim({"scrapeCreateMissing": True}) as sim:
        result = run(sim, SCRAPE, APPLY)
        beach = galleries(sim)["/library/photos/Beach 2021"]
        assert beach["tags"] == ["Beach", SCRAPED_TAG, "Sunset"]
        assert beach["performers"] == ["Ada Vale", "Cy Moss"]
        assert 'Scrape galleries: created the tag "Sunset"' in result.messages("info")
        assert "unmatched_names" not in result.output or not result.output["unmatched_names"]


def test_scope_default_leaves_out_organized_galleries_and_ids_name_exactly_those():
    with scrape_sim() as sim:
        sim.gql('mutation { galleryUpdate(input: {id: "3", organized: true}) { id } }')
        result = run(sim, SCRAPE, APPLY)
        assert result.output["scanned"] == 10
        assert galleries(sim)["/library/zips/Summer Trip [2022-08-01].zip"]["title"] == ""
        # by id: an organized gallery, and one already scraped, are scraped when named
        sim.requests.clear()
        again = run(sim, SCRAPE, {"gallery_ids": "3,1", **APPLY})
        assert again.output["scanned"] == 2 and len(scrapes(sim)) == 2
        assert galleries(sim)["/library/zips/Summer Trip [2022-08-01].zip"]["title"] == "Summer Trip"


def test_the_scrapers_argument_wins_and_an_unknown_scraper_is_refused():
    with scrape_sim() as sim:
        result = run(sim, SCRAPE, {"scrapers": "nope"}, ok=False)
        assert "scraper 'nope' is not one of Stash's gallery scrapers: Auto Tag (builtin_autotag)" in result.error
        refused = run(sim, SCRAPE, {"scrapers": "Example Org"}, ok=False)
        assert "cannot scrape a stored gallery" in refused.error
        only_urls = run(sim, SCRAPE, {"scrapers": "", **APPLY})
        assert only_urls.output["changed"] == 1  # Best of 2021, by its URL
        assert only_urls.output["skipped"] == {
            "no scraper for it (no scraper claims its URLs, and the setting scrapers names none)": 10
        }


def test_a_failing_scraper_fails_only_its_galleries_and_is_dropped_after_k_in_a_row():
    with scrape_sim({"scrapers": "broken_site", "scrapeFailuresInARow": 2}) as sim:
        result = run(sim, SCRAPE, APPLY, ok=False)
        output = result.output
        assert [f["gallery"] for f in output["failed"]] == ["1", "2"]
        # the script printed nothing: Stash reads stdout before it looks at the exit status (script.go)
        error = "Broken Site: scraper broken_site: could not unmarshal json from script output: EOF"
        assert output["failed"][0]["error"] == error
        assert output["dropped_scrapers"] == ["Broken Site"]
        assert sum(1 for r in scrapes(sim) if r.root_fields == ["scrapeSingleGallery"]) == 2
        assert output["changed"] == 1  # Best of 2021: its URL scraper still runs
        warnings = [m for m in result.messages("warning") if "in a row" in m]
        assert warnings == [
            f"Scrape galleries: Broken Site failed 2 galleries in a row (last: {error}); it is not"
            " asked again in this run: its site may be down or blocking us"
        ]
        assert "[Scrape / Broken Site] site unreachable" in sim.log_messages("error")
        # failed and skipped galleries are not marked: the next run tries them again
        assert marked(sim) == ["user:Best of 2021"]


def test_a_hanging_scraper_times_out_its_galleries_and_stash_stops_the_script():
    with scrape_sim({"scrapers": "hanging_site", "scrapeTimeout": 1, "scrapeFailuresInARow": 2}) as sim:
        result = run(sim, SCRAPE, APPLY, ok=False)
        # each of the two galleries failed by the 1 s timeout, not by the script's end (it sleeps 120 s)
        assert [f["error"] for f in result.output["failed"]] == ["Hanging Site: no answer within 1 s"] * 2
        assert result.output["dropped_scrapers"] == ["Hanging Site"]
        assert result.output["changed"] == 1
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline and _hanging_scripts(sim):
            time.sleep(0.1)
        assert _hanging_scripts(sim) == []  # the connection closed: Stash cancelled the scrape


def _hanging_scripts(sim: StashSimulator) -> list[int]:
    found = []
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            with open(f"/proc/{pid}/cmdline", "rb") as cmdline:
                args = cmdline.read().split(b"\0")
            with open(f"/proc/{pid}/stat") as stat:
                zombie = stat.read().split(")")[-1].split()[0] == "Z"
        except OSError:
            continue
        if (
            b"hang" in args
            and not zombie
            and os.path.realpath(f"/proc/{pid}/cwd") == os.path.realpath(sim.scrapers.folder)
        ):
            found.append(int(pid))
    return found


def test_details_a_person_wrote_meanwhile_are_not_overwritten_and_the_gallery_is_tried_again():
    with scrape_sim() as sim:
        # a person writes the details after the run read the gallery, while it is being scraped
        sim.faults.add(
            "before",
            operation="scrapeSingleGallery",
            action=lambda: sim.gql('mutation { galleryUpdate(input: {id: "1", details: "Mine"}) { id } }'),
        )
        result = run(sim, SCRAPE, APPLY)
        beach = galleries(sim)["/library/photos/Beach 2021"]
        assert (beach["title"], beach["details"]) == ("", "Mine") and SCRAPED_TAG not in beach["tags"]
        assert result.output["skipped"]["changed meanwhile, skipped"] == 1
        again = run(sim, SCRAPE, APPLY)
        assert again.output["scanned"] == 1 and galleries(sim)["/library/photos/Beach 2021"]["title"] == (
            "Beach Days 2021"
        )


def test_several_scrapes_at_once_end_as_one_at_a_time():
    with scrape_sim() as one:
        run(one, SCRAPE, APPLY)
        expected = galleries(one)
    with scrape_sim({"scrapeParallel": 3}) as sim:
        run(sim, SCRAPE, APPLY)
        assert galleries(sim) == expected


def _written(records: list[Any]) -> set[str]:
    """Galleries a scrape write or a mark went to (their tag_ids carry the scraped tag)."""
    found: set[str] = set()
    for record in records:
        for value in record.variables.values() if record.is_mutation else ():
            if isinstance(value, dict) and "tag_ids" in value:
                found.update(str(i) for i in ([value["id"]] if "id" in value else value.get("ids", [])))
    return found


def _scraped(records: list[Any]) -> set[str]:
    """Galleries asked about (Best of 2021, gallery 5, by its URL)."""
    return {
        str(r.variables["input"]["gallery_id"]) if r.root_fields == ["scrapeSingleGallery"] else "5"
        for r in records
        if set(r.root_fields) & set(SCRAPE_FIELDS)
    }


def test_killed_at_every_request_and_run_again_ends_as_one_run_and_never_scrapes_twice_what_it_wrote():
    def never_twice(sim: StashSimulator) -> str | None:
        records = sim.requests.records
        rerun = next(i for i, r in enumerate(records) if r.root_fields[0] == "configuration" and i > 0)
        twice = _written(records[:rerun]) & _scraped(records[rerun:])
        return f"scraped again after its write: galleries {sorted(twice)}" if twice else None

    total, problems = kill_and_rerun_at_every_request(lambda: None, SCRAPE, never_twice, install_scrapers)
    assert total > 15
    assert problems == []
