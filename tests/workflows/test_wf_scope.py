"""Scope args: all galleries by default; gallery_ids (a list, or text as task defaultArgs are),
a path prefix, a gallery filter (object or JSON text); path and filter combine with AND,
gallery_ids goes alone."""

from __future__ import annotations

import json

import pytest
from wf_support import (
    BEACH,
    CHAPTERS,
    CITY,
    COMIC,
    FINISH,
    HARBOUR,
    NIGHT_MARKET,
    OLD_TRIP,
    PORTRAITS,
    PORTRAITS_ZIP,
    SUMMER,
    TITLES,
    diff,
    ids_by_path,
    run,
    scenario_sim,
    state,
)

# the sample galleries title_from_path gives a title: the zips and folders without one
UNTITLED = {BEACH, SUMMER, CITY, PORTRAITS_ZIP, COMIC, NIGHT_MARKET, HARBOUR, OLD_TRIP}
ZIPS = {SUMMER, CITY, PORTRAITS_ZIP, COMIC, NIGHT_MARKET}


def titled_by(stash, args) -> tuple[set[str], dict]:
    """Run title_from_path with the args: which galleries got a title, and the output."""
    before = state(stash)
    result = run(stash, TITLES, args)
    changed = {key for (kind, key, field) in diff(before, state(stash)) if field == "title"}
    return changed, result.output


def test_by_default_every_gallery_is_in_scope(stash):
    changed, out = titled_by(stash, {})
    assert changed == UNTITLED
    assert out["scanned"] == 11


@pytest.mark.parametrize("form", ["list", "text", "json text", "numbers"])
def test_gallery_ids_as_a_list_or_as_text(stash, form):
    ids = ids_by_path(stash)
    wanted = [ids[SUMMER], ids[CITY]]
    value = {
        "list": wanted,
        "text": ",".join(wanted),
        "json text": json.dumps(wanted),
        "numbers": [int(i) for i in wanted],
    }[form]
    changed, out = titled_by(stash, {"gallery_ids": value})
    assert changed == {SUMMER, CITY}
    assert out["scanned"] == 2


def test_gallery_ids_that_name_no_gallery_are_reported_as_skipped(stash):
    ids = ids_by_path(stash)
    changed, out = titled_by(stash, {"gallery_ids": f"{ids[BEACH]}, 999"})
    assert changed == {BEACH}
    assert out["skipped"] == {"no gallery with that id": 1}
    assert out["scanned"] == 2


def test_scope_by_ids_also_narrows_tasks_that_read_images(stash):
    ids = ids_by_path(stash)
    before = state(stash)
    out = run(stash, CHAPTERS, {"gallery_ids": ids[SUMMER]}).output
    assert out["scanned"] == 1
    assert set(diff(before, state(stash))) == {("galleries", SUMMER, "chapters")}  # not Best of 2021


@pytest.mark.parametrize(
    "path, expected",
    [
        ("/library/zips", {SUMMER, CITY, PORTRAITS_ZIP}),
        ("/library/zips/", {SUMMER, CITY, PORTRAITS_ZIP}),
        ("/library/photos/Beach", {BEACH}),  # a prefix of "Beach 2021"
        ("/library/zips/Summer Trip [2022", {SUMMER}),  # regex characters are taken literally
        ("/library/zips/city_walk-2020.zip", {CITY}),
        ("/elsewhere", set()),
    ],
)
def test_path_is_a_prefix_of_the_zip_or_folder_path(stash, path, expected):
    changed, out = titled_by(stash, {"path": path})
    assert changed == expected
    assert out["scanned"] == len(expected)  # user-created galleries have no path: never in a path scope


@pytest.mark.parametrize("as_text", [False, True])
def test_gallery_filter_as_an_object_or_json_text(stash, as_text):
    gallery_filter = {"is_zip": True}
    changed, out = titled_by(stash, {"gallery_filter": json.dumps(gallery_filter) if as_text else gallery_filter})
    assert changed == ZIPS
    assert out["scanned"] == len(ZIPS)


def test_path_and_gallery_filter_combine_with_and(stash):
    changed, out = titled_by(stash, {"path": "/library/", "gallery_filter": '{"is_zip": false}'})
    # folder galleries under /library: Beach 2021, Portraits (titled), Harbour, Old Trip
    assert changed == {BEACH, HARBOUR, OLD_TRIP}
    assert out["scanned"] == 4


@pytest.mark.parametrize(
    "args, message",
    [
        ({"gallery_ids": "1", "path": "/library"}, "not both"),
        ({"gallery_ids": ["1"], "gallery_filter": {"is_zip": True}}, "not both"),
        ({"gallery_ids": ""}, "empty"),
        ({"gallery_ids": "1,x"}, "gallery_ids"),
        ({"path": "  "}, "path is empty"),
        ({"gallery_filter": "{not json"}, "gallery_filter"),
        ({"gallery_filter": "[1]"}, "gallery_filter"),
        ({"galleries": "1"}, "gallery_ids"),  # unknown args are refused with the list of known ones
    ],
)
def test_bad_scopes_are_refused_before_anything_is_written(stash, args, message):
    before = state(stash)
    result = stash.run_task(TITLES, args)
    assert result.error is not None and message in result.error
    assert stash.requests.mutations() == []
    assert state(stash) == before


def test_a_gallery_filter_stash_refuses_fails_the_run_with_stashs_message(stash):
    result = stash.run_task(TITLES, {"gallery_filter": {"no_such_criterion": True}})
    assert result.error is not None and "no_such_criterion" in result.error
    assert stash.requests.mutations() == []


def test_finish_new_galleries_takes_path_and_filter_but_not_ids():
    with scenario_sim("finish") as sim:
        refused = sim.run_task(FINISH, {"gallery_ids": "7"})
        assert refused.error is not None and "gallery_ids" in refused.error
        assert sim.requests.mutations() == []
        out = run(sim, FINISH, {"path": "/library/new/Hike"}).output
        assert out["scanned"] == 1  # only the marked folder gallery under that path
        out = run(sim, FINISH, {"gallery_filter": {"is_zip": True}}).output
        assert out["scanned"] == 1  # the marked zip
        assert run(sim, FINISH).output["scanned"] == 0  # nothing marked is left


def test_scope_leaves_everything_outside_it_alone(stash):
    ids = ids_by_path(stash)
    before = state(stash)
    run(stash, CHAPTERS, {"gallery_ids": [ids[PORTRAITS], ids[CITY]]})
    assert state(stash) == before  # one-folder galleries: nothing to do, nothing else touched
