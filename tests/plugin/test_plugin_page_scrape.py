"""Scrape with… on the gallery page and the galleries list (the page action "scrape"), run as the
page runs it: runPluginOperation, the real entry as a process, Stash's scrapers run by the simulator
as Stash runs them (tests/scrapers).

The preview scrapes and hands the page the scrapers' answers with its fingerprint; Apply (or the
job queued from the list) sends both back and writes exactly that preview from those answers,
without asking the sites again: a scraper's next answer may differ, and a site is asked once.
When the gallery or the answers differ from the preview's, nothing is written, not even the
scraped tag.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from stash_sim import SimGraphQLError, StashSimulator

from gallery_ops.common.constants import SCRAPED_TAG

REPO = Path(__file__).resolve().parents[2]
RUN = 'mutation Run($args: Map) { runPluginOperation(plugin_id: "gallery_tools", args: $args) }'
SCRAPE_FIELDS = ("scrapeSingleGallery", "scrapeGalleryURL")
WITH_SAMPLE = {"action": "scrape", "scrapers": "sample_site", "by_url": False}


@pytest.fixture
def sim() -> Iterator[StashSimulator]:
    """The sample library, Gallery Tools, the test scrapers; no setting names a scraper."""
    with StashSimulator() as simulator:
        simulator.install_plugin(REPO)
        simulator.scrapers.install_folder(REPO / "tests" / "scrapers")
        simulator.set_plugin_settings("gallery_tools", {"scrapePause": 0})
        yield simulator


def page(sim: StashSimulator, args: dict[str, Any]) -> Any:
    return sim.gql(RUN, {"args": args})["runPluginOperation"]


def apply_args(doc: dict[str, Any], args: dict[str, Any]) -> dict[str, Any]:
    """What the page sends to apply a preview (ui/gallery_tools.js ActionDialog.apply)."""
    return {"page": "apply", "fingerprint": doc["fingerprint"], **args, **doc["apply_args"]}


def rows(doc: dict[str, Any]) -> list[tuple[str, str, str]]:
    return [(r["what"], r["before"], r["after"]) for r in doc["changes"]]


def scraped_tag_exists(sim: StashSimulator) -> bool:
    found = sim.gql(
        "query($n: String!) { findTags(tag_filter: { name: { value: $n, modifier: EQUALS } }) { count } }",
        {"n": SCRAPED_TAG},
    )
    return bool(found["findTags"]["count"])


def test_the_preview_scrapes_once_and_writes_nothing(sim: StashSimulator, snapshot) -> None:
    before = snapshot(sim)
    sim.requests.clear()
    doc = page(sim, {"page": "preview", "gallery_id": "1", **WITH_SAMPLE})
    assert snapshot(sim) == before and not scraped_tag_exists(sim)
    # the settings, the scrapers, the scraped tag, the gallery, one scrape, the names
    assert sim.requests.fields() == [
        "configuration+systemStatus+version",
        "listScrapers",
        "findTags",
        "findGallery",
        "scrapeSingleGallery",
        "findGallery",
    ]
    assert doc["label"] == "Scrape with Sample Site" and doc["subject"] == "Beach 2021"
    assert rows(doc) == [
        ("Title", "—", "Beach Days 2021"),
        ("Details", "—", "Two weeks by the sea."),
        ("Tags", "Beach", f"Beach, + {SCRAPED_TAG}"),
        ("URLs", "—", "+ https://sample.example/g/beach-2021"),
    ]
    assert doc["left_alone"] == [
        {
            "text": 'kept date "2021-07-14" (the scraper says "2021-07-15"; tick "Date" among the fields to replace'
            " to take it)"
        }
    ]
    assert "tags Sunset; performers Cy Moss" in doc["note"]
    assert doc["deletes"] is False
    answers = json.loads(doc["apply_args"]["scraped"])
    assert answers["1"]["kind"] == "found" and answers["1"]["scraper"] == "Sample Site"
    assert answers["1"]["scraped"]["title"] == "Beach Days 2021"


def test_apply_writes_the_previews_answers_without_scraping_again(sim: StashSimulator, snapshot) -> None:
    doc = page(sim, {"page": "preview", "gallery_id": "1", **WITH_SAMPLE})
    sim.requests.clear()
    done = page(sim, apply_args(doc, {"gallery_id": "1", **WITH_SAMPLE}))
    fields = sim.requests.fields()
    assert not any(f in SCRAPE_FIELDS for f in fields), fields
    # the same reads as the preview, the scraped tag made once the gate let the writes through, the
    # engine's re-read of what it overwrites, the one galleryUpdate, the names
    assert fields == [
        "configuration+systemStatus+version",
        "listScrapers",
        "findTags",
        "findGallery",
        "tagCreate",
        "findGalleries",
        "galleryUpdate",
        "findGallery",
    ]
    assert done["applied"] is True and done["toast"] == "Scrape with Sample Site: 4 changes written for Beach Days 2021"
    gallery = sim.gql('{ findGallery(id: "1") { title date details urls tags { name } performers { name } } }')
    assert gallery["findGallery"] == {
        "title": "Beach Days 2021",
        "date": "2021-07-14",  # kept: it had one
        "details": "Two weeks by the sea.",
        "urls": ["https://sample.example/g/beach-2021"],
        "tags": [{"name": "Beach"}, {"name": SCRAPED_TAG}],
        "performers": [{"name": "Ada Vale"}],
    }


def test_answers_other_than_the_previews_are_not_written_nor_is_the_tag_made(sim: StashSimulator, snapshot) -> None:
    """The fingerprint covers what the answers plan: answers changed on the way back are refused."""
    doc = page(sim, {"page": "preview", "gallery_id": "1", **WITH_SAMPLE})
    answers = json.loads(doc["apply_args"]["scraped"])
    answers["1"]["scraped"]["title"] = "Something else"
    before = snapshot(sim)
    args = {**apply_args(doc, {"gallery_id": "1", **WITH_SAMPLE}), "scraped": json.dumps(answers)}
    stale = page(sim, args)
    assert stale["applied"] is False and snapshot(sim) == before and not scraped_tag_exists(sim)
    assert ("Title", "—", "Something else") in rows(stale["preview"])  # what those answers would do


def test_a_gallery_changed_meanwhile_gets_a_new_preview_from_the_same_answers(sim: StashSimulator, snapshot) -> None:
    doc = page(sim, {"page": "preview", "gallery_id": "7", **WITH_SAMPLE})
    assert rows(doc)[0] == ("Title", "—", "Portraits (zip)")
    sim.gql('mutation { galleryUpdate(input: { id: "7", title: "By hand" }) { id } }')
    before = snapshot(sim)
    sim.requests.clear()
    stale = page(sim, apply_args(doc, {"gallery_id": "7", **WITH_SAMPLE}))
    assert snapshot(sim) == before and not any(f in SCRAPE_FIELDS for f in sim.requests.fields())
    new = stale["preview"]
    assert [r[0] for r in rows(new)] == ["Photographer", "Tags"]  # the title a person set stays
    assert new["apply_args"] == doc["apply_args"]  # the same answers, for the next Apply
    done = page(sim, apply_args(new, {"gallery_id": "7", **WITH_SAMPLE}))
    assert done["applied"] is True
    assert sim.gql('{ findGallery(id: "7") { title photographer } }')["findGallery"] == {
        "title": "By hand",
        "photographer": "Jo Marsh",
    }


def test_replacing_a_value_is_marked_and_asks_for_the_confirm(sim: StashSimulator) -> None:
    doc = page(sim, {"page": "preview", "gallery_id": "2", "overwrite": "title", **WITH_SAMPLE})
    assert [(r["what"], r.get("deletes", False)) for r in doc["changes"]] == [
        ("Title", True),
        ("Code", False),
        ("Studio", False),
        ("Tags", False),
    ]
    assert ("Studio", "—", "Lumen Studio") in rows(doc)  # Stash's name for the studio it matched ("lumen studio")
    assert doc["deletes"] is True and doc["confirm"]


def test_by_url_only_and_a_failing_scraper(sim: StashSimulator) -> None:
    by_url = page(sim, {"page": "preview", "action": "scrape", "gallery_id": "5", "scrapers": "", "by_url": True})
    assert by_url["label"] == "Scrape with Example Org"
    assert rows(by_url)[0] == ("Details", "—", "The best of 2021.")
    # by_url false: the scraper chosen, not the one claiming its URL; none finds anything here
    nothing = page(sim, {"page": "preview", "gallery_id": "5", **WITH_SAMPLE})
    assert nothing["changes"] == [] and nothing["summary"] == "Nothing to change. Nothing found by Sample Site."
    failed = page(sim, {"page": "preview", "action": "scrape", "gallery_id": "10", "scrapers": "broken_site"})
    assert failed["changes"] == [] and failed["failed"][0]["text"].startswith("Harbour: Broken Site: ")


def test_the_list_job_writes_the_previews_answers_or_nothing(sim: StashSimulator, snapshot) -> None:
    args = {"gallery_ids": ["3", "8", "4"], **WITH_SAMPLE}
    doc = page(sim, {"page": "preview", **args})
    assert {"gallery": "city_walk-2020.zip", "text": "nothing found by Sample Site"} in doc["left_alone"]
    task = doc["task"]
    assert task["name"] == "Scrape galleries"
    assert task["args"] == {
        "gallery_ids": ["3", "8", "4"],
        "dry_run": False,
        "scrapers": "sample_site",
        "by_url": False,
        "scraped": doc["apply_args"]["scraped"],
    }
    sim.gql('mutation { galleryUpdate(input: { id: "8", details: "Boats, by hand" }) { id } }')
    before = snapshot(sim)
    stale = sim.run_task(task["name"], {**task["args"], "fingerprint": doc["fingerprint"]})
    assert stale.error is not None and "changed since the preview" in stale.error
    assert snapshot(sim) == before and not scraped_tag_exists(sim)
    doc = page(sim, {"page": "preview", **args})
    sim.requests.clear()
    done = sim.run_task(doc["task"]["name"], {**doc["task"]["args"], "fingerprint": doc["fingerprint"]})
    assert done.error is None
    assert not any(f in SCRAPE_FIELDS for f in sim.requests.fields())
    found = sim.gql('{ findGalleries(ids: ["3", "8", "4"]) { galleries { title date details tags { name } } } }')
    assert found["findGalleries"]["galleries"] == [
        # Stash lists a gallery's tags by name
        {
            "title": "Summer Trip",
            "date": "2022-08-01",
            "details": "",
            "tags": [{"name": SCRAPED_TAG}, {"name": "Travel"}],
        },
        {"title": "The Harbour", "date": None, "details": "Boats, by hand", "tags": [{"name": SCRAPED_TAG}]},
        # nothing found: not written, not even marked (the preview showed nothing for it)
        {"title": "", "date": None, "details": "", "tags": []},
    ]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ({"scraped": "{nope"}, "argument scraped should be a JSON object"),
        ({"scraped": {"1": {"kind": "maybe"}}}, "argument scraped, key '1': kind should be one of found"),
        ({"scraped": {"1": {"kind": "found", "scraper": "X"}}}, "found, but nothing scraped"),
        ({"scraped": {"1": {"kind": "found", "scraped": {"title": 3}}}}, "argument scraped, key '1':"),
        ({"overwrite": "tags"}, "tags are only ever added to"),
        ({"scrapers": "nope"}, "scraper 'nope' is not one of Stash's gallery scrapers"),
    ],
)
def test_bad_scrape_args_are_the_mutations_error(sim: StashSimulator, args: dict[str, Any], message: str) -> None:
    with pytest.raises(SimGraphQLError) as raised:
        page(sim, {"page": "preview", "gallery_id": "1", **WITH_SAMPLE, **args})
    assert message in raised.value.errors[0]["message"]


def test_a_task_run_with_answers_needs_the_previews_fingerprint(sim: StashSimulator, snapshot) -> None:
    doc = page(sim, {"page": "preview", "gallery_id": "1", **WITH_SAMPLE})
    before = snapshot(sim)
    result = sim.run_task("Scrape galleries", {"gallery_ids": ["1"], "dry_run": False, **doc["apply_args"]})
    assert result.error is not None and "only with that preview's fingerprint" in result.error
    assert snapshot(sim) == before
