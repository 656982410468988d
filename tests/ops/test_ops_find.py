"""find_gallery and find_galleries against the simulator's GraphQL."""

from __future__ import annotations

import pytest
from stash_sim.library import load_library

from gallery_ops import FindFilter, FindGalleriesResult, Gallery, StashError, StashServerError, StashTransportError

SAMPLE_GALLERIES = len(load_library()["galleries"])  # tests/stash_sim/libraries/sample.yml


# -- find_gallery -------------------------------------------------------------------------------
def test_find_gallery_returns_the_gallery_in_one_request(sim, ops, lib, requests_of):
    gallery = ops.find_gallery(lib.best)

    assert isinstance(gallery, Gallery)
    assert gallery.id == lib.best
    assert gallery.title == "Best of 2021"
    assert gallery.image_count == 3
    assert gallery.urls == ["https://example.org/best-of-2021"]
    assert [(c.title, c.image_index) for c in gallery.chapters] == [("Beach", 1)]
    assert [s.title for s in gallery.scenes] == ["Beach Day"]
    assert gallery.kind == "user"
    [request] = sim.requests.records
    assert request.operation_name == "FindGallery"
    assert request.root_fields == ["findGallery"]
    assert request.variables == {"id": lib.best}
    assert requests_of(sim, "findGallery") == [request]


def test_find_gallery_reads_zip_and_folder_galleries(ops, lib):
    summer = ops.find_gallery(lib.summer)
    beach = ops.find_gallery(int(lib.beach))  # an int id is accepted and sent as a string

    assert summer.kind == "zip"
    assert summer.path == "/library/zips/Summer Trip [2022-08-01].zip"
    assert summer.image_count == 5
    assert beach.kind == "folder"
    assert beach.path == "/library/photos/Beach 2021"
    assert beach.date == "2021-07-14"
    assert beach.studio.name == "Lumen Studio"
    assert [t.name for t in beach.tags] == ["Beach"]


def test_find_gallery_returns_none_only_for_a_missing_gallery(sim, ops):
    assert ops.find_gallery("999") is None
    [request] = sim.requests.records
    assert request.status == 200


@pytest.mark.parametrize("bad", ["abc", "", "1.5", "-1", -3, None, True, ["1"]])
def test_find_gallery_refuses_a_bad_id_before_any_request(quiet, bad):
    sim, ops = quiet
    with pytest.raises(ValueError, match="gallery id"):
        ops.find_gallery(bad)
    assert len(sim.requests) == 0


def test_find_gallery_raises_when_the_connection_is_refused(sim, ops):
    with sim.http.refusing(), pytest.raises(StashTransportError) as caught:
        ops.find_gallery("1")
    assert isinstance(caught.value, StashError)
    assert caught.value.reached_server is False
    assert "refused" in str(caught.value)
    assert len(sim.requests) == 0  # nothing reached the server
    assert ops.connection.requests_sent == len(ops.connection.retry_delays) + 1


def test_find_gallery_raises_on_http_500(sim, ops):
    sim.faults.add("http_500", operation="findGallery")
    with pytest.raises(StashTransportError) as caught:
        ops.find_gallery("1")
    assert isinstance(caught.value, StashError)
    assert caught.value.status == 500
    assert "500" in str(caught.value)
    assert [r.fault for r in sim.requests.records] == ["http_500"]


def test_find_gallery_raises_on_a_graphql_error(sim, make_ops):
    ops = make_ops(sim, retry_delays=())  # no retries: the first GraphQL error is the answer
    sim.faults.add("locked", operation="findGallery")
    with pytest.raises(StashServerError) as caught:
        ops.find_gallery("1")
    assert isinstance(caught.value, StashError)
    assert caught.value.messages == ["database is locked"]
    assert len(sim.requests) == 1


# -- find_galleries -----------------------------------------------------------------------------
def test_find_galleries_returns_count_and_galleries_sorted_by_id(sim, ops):
    result = ops.find_galleries()

    assert isinstance(result, FindGalleriesResult)
    assert result.count == SAMPLE_GALLERIES
    ids = [int(g.id) for g in result.galleries]
    assert ids == sorted(ids) and len(ids) == SAMPLE_GALLERIES
    [request] = sim.requests.records
    assert request.operation_name == "FindGalleries"
    # Stash applies no ORDER BY without a sort: the client always asks for one
    assert request.variables["filter"]["sort"] == "id"
    assert request.variables["filter"]["direction"] == "ASC"


def test_find_galleries_pages_with_a_find_filter(sim, ops):
    second = ops.find_galleries(FindFilter(page=2, per_page=2))
    as_dict = ops.find_galleries({"page": 3, "per_page": 2, "sort": "id", "direction": "DESC"})

    assert second.count == SAMPLE_GALLERIES
    assert [g.id for g in second.galleries] == ["3", "4"]
    newest = SAMPLE_GALLERIES - 4  # page 3 of 2, newest first: the 5th and 6th newest
    assert [g.id for g in as_dict.galleries] == [str(newest), str(newest - 1)]
    assert sim.requests.records[0].variables["filter"] == {"page": 2, "per_page": 2, "sort": "id", "direction": "ASC"}


def test_find_galleries_with_a_gallery_filter(sim, ops, lib):
    result = ops.find_galleries(gallery_filter={"is_zip": True})

    zips = {lib.summer, lib.city, lib.portraits_zip, lib.comic, lib.night_market}
    assert result.count == len(zips)
    assert {g.id for g in result.galleries} == zips
    assert all(g.kind == "zip" for g in result.galleries)
    assert sim.requests.records[0].variables["gallery_filter"] == {"is_zip": True}


def test_find_galleries_q_goes_into_the_find_filter(sim, ops, lib):
    result = ops.find_galleries(q="Portraits")

    # Stash's q on galleries looks at the title and the path (pkg/sqlite/gallery.go): the titled
    # folder and the zip copy
    assert [g.id for g in result.galleries] == [lib.portraits, lib.portraits_zip]
    assert sim.requests.records[0].variables["filter"]["q"] == "Portraits"


def test_find_galleries_surfaces_stash_refusals(sim, ops):
    with pytest.raises(StashServerError, match="invalid sort: bogus"):
        ops.find_galleries({"sort": "bogus"})
    with pytest.raises(StashServerError, match="cannot have AND and OR in the same filter"):
        ops.find_galleries(gallery_filter={"AND": {"is_zip": True}, "OR": {"organized": True}})
    assert len(sim.requests) == 2


@pytest.mark.parametrize("bad", [{"page": 0}, {"per_page": -2}, {"direction": "asc"}, {"page": "x"}])
def test_find_galleries_refuses_a_bad_find_filter_before_any_request(quiet, bad):
    sim, ops = quiet
    # page 0: Stash would silently read page 1 (peers that start at 0 read page 1 twice)
    with pytest.raises(ValueError):
        ops.find_galleries(bad)
    assert len(sim.requests) == 0


def test_find_galleries_selects_no_cover_and_no_image_lists(ops):
    result = ops.find_galleries()

    for gallery in result.galleries:
        assert "cover" not in gallery.model_fields_set
        assert gallery.image_count is not None  # a count, not a list of images


# -- scenes_by_ids (link_scenes' per-page metadata read) ------------------------------------------
def test_scenes_by_ids_reads_the_named_scenes_in_one_request_and_refuses_a_missing_one(sim, ops):
    every = sim.gql("{ findScenes(filter: {per_page: -1}) { scenes { id title } } }")["findScenes"]["scenes"]
    assert len(every) >= 2
    wanted = [every[-1]["id"], every[0]["id"], every[-1]["id"]]  # a repeat is sent once (Stash refuses repeats)
    sim.requests.clear()
    found = ops.scenes_by_ids(wanted)
    assert {i: s.title for i, s in found.items()} == {s["id"]: s["title"] for s in (every[0], every[-1])}
    [request] = sim.requests.records
    assert request.operation_name == "ScenesByIds" and request.variables["ids"] == [every[-1]["id"], every[0]["id"]]
    assert ops.scenes_by_ids([]) == {} and len(sim.requests.records) == 1  # nothing to read: no request
    with pytest.raises(StashServerError, match="scene with id 9999 not found"):  # pkg/sqlite/scene.go FindMany
        ops.scenes_by_ids(["9999"])
