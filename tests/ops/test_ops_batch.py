"""Batching: galleries_update and bulk_gallery_update chunk their input; create_chapters,
set_covers, reset_covers and update_galleries_each send many aliased mutations per request
and report each item on its own, a failing item not stopping the others."""

from __future__ import annotations

import json
import math
import random
import tracemalloc
from typing import Any

import pytest
from stash_sim import StashSimulator
from stash_sim.library import generate_library

from gallery_ops import GalleryInput, StashTransportError
from gallery_ops.common.limits import BULK_IDS_CHUNK, GALLERIES_UPDATE_CHUNK, MUTATION_BATCH_SIZE
from gallery_ops.stash.batch import UNCONFIRMED
from gallery_ops.stash.connection import ServerConnection, StashConnection, _item_dropped, id_lists
from gallery_ops.stash.operations import read_as

CHAPTER_RANGE = "Image # must greater than zero and in range of the gallery images"


@pytest.fixture
def many():
    """120 galleries with 2 images each (odd ids zip-based, even ids folder-based)."""
    with StashSimulator(library=generate_library(120, 2)) as simulator:
        yield simulator


def _image_ids(sim, gallery_id) -> list[str]:
    data = sim.gql(
        'query($f: ImageFilterType) { findImages(image_filter: $f, filter: {sort: "path", per_page: -1})'
        " { images { id } } }",
        {"f": {"galleries": {"value": [str(gallery_id)], "modifier": "INCLUDES"}}},
    )
    return [i["id"] for i in data["findImages"]["images"]]


def _batches(sim) -> list:
    return [r for r in sim.requests.records if r.operation_name == "Batch"]


# -- chunked single mutations ---------------------------------------------------------------
@pytest.mark.parametrize("count", [GALLERIES_UPDATE_CHUNK, GALLERIES_UPDATE_CHUNK + 1, 120])
def test_galleries_update_chunks_its_input(many, make_ops, count):
    sim, ops = many, make_ops(many)
    result = ops.galleries_update([GalleryInput(id=str(i), details=f"batch {i}") for i in range(1, count + 1)])

    assert [g.id for g in result] == [str(i) for i in range(1, count + 1)]
    requests = sim.requests.records
    assert len(requests) == math.ceil(count / GALLERIES_UPDATE_CHUNK)
    assert all(r.operation_name == "GalleriesUpdate" for r in requests)
    assert all(len(r.variables["input"]) <= GALLERIES_UPDATE_CHUNK for r in requests)
    details = sim.gql('{ findGalleries(filter: {per_page: -1, sort: "id"}) { galleries { id details } } }')
    stored = {g["id"]: g["details"] for g in details["findGalleries"]["galleries"]}
    assert all(stored[str(i)] == f"batch {i}" for i in range(1, count + 1))
    assert all(stored[str(i)] == "" for i in range(count + 1, 121))


def test_bulk_gallery_update_chunks_its_ids(make_ops):
    count = BULK_IDS_CHUNK * 2 + 10
    with StashSimulator(library=generate_library(count, 1)) as sim:
        ops = make_ops(sim)
        result = ops.bulk_gallery_update({"ids": list(range(1, count + 1)), "rating100": 70})

        assert len(result) == count
        requests = sim.requests.records
        assert len(requests) == 3
        assert [len(r.variables["input"]["ids"]) for r in requests] == [BULK_IDS_CHUNK, BULK_IDS_CHUNK, 10]
        assert all(r.variables["input"]["rating100"] == 70 for r in requests)
        rated = sim.gql(
            "{ findGalleries(gallery_filter: {rating100: {value: 70, modifier: EQUALS}},"
            " filter: {per_page: 0}) { count } }"
        )
        assert rated["findGalleries"]["count"] == count


# -- aliased batches ------------------------------------------------------------------------
def test_create_chapters_sends_many_mutations_per_request(many, make_ops):
    sim, ops = many, make_ops(many)
    wanted = [{"gallery_id": str(g), "title": f"Part {g}", "image_index": 1 + g % 2} for g in range(1, 61)]
    result = ops.create_chapters(wanted)

    assert result.ok
    assert all(item["id"] for item in result.data)
    assert [len(r.root_fields) for r in _batches(sim)] == [MUTATION_BATCH_SIZE, 60 - MUTATION_BATCH_SIZE]
    assert all(set(r.root_fields) == {"galleryChapterCreate"} for r in _batches(sim))
    assert len(sim.requests) == math.ceil(60 / MUTATION_BATCH_SIZE)
    for g in range(1, 61):
        chapters = sim.gql(f'{{ findGallery(id: "{g}") {{ chapters {{ title image_index }} }} }}')
        assert chapters["findGallery"]["chapters"] == [{"title": f"Part {g}", "image_index": 1 + g % 2}]


def test_create_chapters_reports_a_failing_item_without_stopping_the_others(many, make_ops):
    sim, ops = many, make_ops(many)
    result = ops.create_chapters(
        [
            {"gallery_id": "1", "title": "First", "image_index": 1},
            {"gallery_id": "2", "title": "Too far", "image_index": 3},  # the gallery has 2 images
            {"gallery_id": "3", "title": "Third", "image_index": 2},
        ]
    )

    assert not result.ok
    assert result.errors == {1: CHAPTER_RANGE}
    assert result.data[0]["id"] and result.data[2]["id"] and result.data[1] is None
    assert len(sim.requests) == 1  # one request; a create is never sent twice
    titles = {
        g: [
            c["title"]
            for c in sim.gql(f'{{ findGallery(id: "{g}") {{ chapters {{ title }} }} }}')["findGallery"]["chapters"]
        ]
        for g in ("1", "2", "3")
    }
    assert titles == {"1": ["First"], "2": [], "3": ["Third"]}


def test_create_chapters_refuses_bad_input_before_any_request(many, make_ops):
    sim, ops = many, make_ops(many)
    for bad in (
        [{"gallery_id": "1", "title": "ok", "image_index": 0}],
        [{"gallery_id": "1", "title": "", "image_index": 1}],
        [{"gallery_id": "x", "title": "ok", "image_index": 1}],
        [{"gallery_id": "1", "title": "ok", "image_index": "1"}],
    ):
        with pytest.raises(ValueError):
            ops.create_chapters(bad)
    assert len(sim.requests) == 0


def test_set_covers_sends_many_mutations_per_request(many, make_ops):
    sim, ops = many, make_ops(many)
    covers = [(str(g), _image_ids(sim, g)[1]) for g in range(1, 61)]
    result = ops.set_covers(covers)

    assert result.ok and result.data == [True] * 60
    assert len(sim.requests) == math.ceil(60 / MUTATION_BATCH_SIZE)
    assert all(set(r.root_fields) == {"setGalleryCover"} for r in _batches(sim))
    for gallery_id, image_id in covers:
        assert (
            sim.gql(f'{{ findGallery(id: "{gallery_id}") {{ cover {{ id }} }} }}')["findGallery"]["cover"]["id"]
            == image_id
        )


def test_set_covers_reports_a_failing_item_without_stopping_the_others(many, make_ops):
    # setGalleryCover is Boolean!: one failure nulls the whole `data` of the request
    sim, ops = many, make_ops(many)
    first, third = _image_ids(sim, 1)[1], _image_ids(sim, 3)[1]
    result = ops.set_covers([("1", first), ("999", first), ("3", third)])

    assert result.errors == {1: "gallery with id 999 not found"}
    assert result.data == [True, None, True]
    assert sim.gql('{ findGallery(id: "1") { cover { id } } }')["findGallery"]["cover"]["id"] == first
    assert sim.gql('{ findGallery(id: "3") { cover { id } } }')["findGallery"]["cover"]["id"] == third
    assert all(r.operation_name == "Batch" for r in sim.requests.records)
    # the failing item is never sent again
    assert (
        sum(r.variables.get(f"i{n}", {}).get("gallery_id") == "999" for r in sim.requests.records for n in range(3))
        == 1
    )


def test_reset_covers_reports_a_failing_item_without_stopping_the_others(many, make_ops):
    sim, ops = many, make_ops(many)
    ops.set_covers([("1", _image_ids(sim, 1)[1]), ("3", _image_ids(sim, 3)[1])])
    sim.requests.clear()

    result = ops.reset_covers(["1", "999", "3"])

    assert result.errors == {1: "gallery with id 999 not found"}
    assert result.data == [True, None, True]
    for g in ("1", "3"):  # back to Stash's default pick, the first image
        assert (
            sim.gql(f'{{ findGallery(id: "{g}") {{ cover {{ id }} }} }}')["findGallery"]["cover"]["id"]
            == _image_ids(sim, g)[0]
        )


def test_update_galleries_each_reports_a_failing_item_without_stopping_the_others(sim, make_ops, lib, state):
    ops = make_ops(sim)
    result = ops.update_galleries_each(
        [
            GalleryInput(id=lib.beach, details="one"),
            GalleryInput(id=lib.best, title=""),  # Stash refuses an empty title on a user-created gallery
            GalleryInput(id=lib.summer, details="three"),
        ]
    )

    assert result.errors == {1: "title must not be empty for user-created galleries"}
    assert result.data[0] == {"id": lib.beach} and result.data[2] == {"id": lib.summer}
    assert state.gallery(lib.beach)["details"] == "one"
    assert state.gallery(lib.summer)["details"] == "three"
    assert state.gallery(lib.best)["title"] == "Best of 2021"
    [request] = sim.requests.records
    assert request.root_fields == ["galleryUpdate"] * 3


def test_update_galleries_each_sends_many_per_request(many, make_ops):
    sim, ops = many, make_ops(many)
    result = ops.update_galleries_each([GalleryInput(id=str(g), organized=True) for g in range(1, 121)])

    assert result.ok
    assert len(sim.requests) == math.ceil(120 / MUTATION_BATCH_SIZE)
    organized = sim.gql("{ findGalleries(gallery_filter: {organized: true}, filter: {per_page: 0}) { count } }")
    assert organized["findGalleries"]["count"] == 120


def test_a_locked_batch_is_sent_again_and_applied_once(many, make_ops):
    sim, ops = many, make_ops(many)
    sim.faults.add("locked", operation="Batch")
    result = ops.create_chapters([{"gallery_id": str(g), "title": "Once", "image_index": 1} for g in (1, 2, 3)])

    assert result.ok
    assert [r.fault for r in sim.requests.records] == ["locked", None]
    for g in (1, 2, 3):
        assert len(sim.gql(f'{{ findGallery(id: "{g}") {{ chapters {{ id }} }} }}')["findGallery"]["chapters"]) == 1


def test_destroy_chapters_never_resends_after_a_failing_item(sim, make_ops, lib, state):
    # galleryChapterDestroy is Boolean! and not idempotent: when another item fails, Stash answers
    # `data: null`, and the items without an error are reported unconfirmed rather than sent again
    ops = make_ops(sim)
    [chapter] = state.gallery(lib.best)["chapters"]
    result = ops.destroy_chapters([chapter["id"], "999"])

    assert result.errors[1] == "gallery chapter with id 999 not found"
    assert result.errors[0] == UNCONFIRMED
    assert state.chapters(lib.best) == []  # it ran before the failing one
    assert len(sim.requests) == 1


def test_a_request_that_fails_as_a_whole_fails_its_items_and_the_next_request_goes_out(many, make_ops):
    sim, ops = many, make_ops(many, retry_delays=())
    sim.faults.add("http_500", operation="Batch")
    result = ops.create_chapters([{"gallery_id": str(g), "title": "Part", "image_index": 1} for g in range(1, 61)])

    assert sorted(result.errors) == list(range(MUTATION_BATCH_SIZE))
    assert all("HTTP 500" in message for message in result.errors.values())
    assert all(result.data[i]["id"] for i in range(MUTATION_BATCH_SIZE, 60))
    assert [r.fault for r in sim.requests.records] == ["http_500", None]
    for g in (1, 60):
        chapters = sim.gql(f'{{ findGallery(id: "{g}") {{ chapters {{ id }} }} }}')["findGallery"]["chapters"]
        assert len(chapters) == (0 if g == 1 else 1)


def test_a_batch_raises_when_stash_cannot_be_reached(make_ops):
    with StashSimulator(library=generate_library(2, 1)) as sim:
        ops = make_ops(sim, retry_delays=())
    # the simulator is stopped: the connection is refused
    with pytest.raises(StashTransportError):
        ops.reset_covers(["1", "2"])


def test_update_chapters_moves_and_renames_many_and_trims_titles_as_stash_does(sim, make_ops, lib, state):
    ops = make_ops(sim)
    [chapter] = state.gallery(lib.best)["chapters"]
    result = ops.update_chapters(
        [{"id": chapter["id"], "title": "  Sea  ", "image_index": 2}, {"id": "999", "title": "Nowhere"}]
    )

    assert result.errors == {1: "gallery chapter with id 999 not found"}
    assert state.chapters(lib.best) == [("Sea", 2)]
    [request] = sim.requests.records
    assert request.root_fields == ["galleryChapterUpdate"] * 2
    assert request.variables["i0"] == {"id": chapter["id"], "title": "Sea", "image_index": 2}


def test_bulk_image_update_each_sends_each_input_as_one_aliased_mutation(many, make_ops):
    sim, ops = many, make_ops(many)
    tag = sim.gql("{ findTags(filter: {per_page: 1}) { tags { id } } }")["findTags"]["tags"][0]["id"]
    first, second = _image_ids(sim, 1), _image_ids(sim, 2)
    result = ops.bulk_image_update_each(
        [
            {"ids": first, "tag_ids": {"ids": [tag], "mode": "ADD"}},
            {"ids": second, "photographer": "Pat"},
            {"ids": ["99999"], "photographer": "Nobody"},
        ]
    )

    assert result.errors == {2: "image with id 99999 not found"}
    # Stash answered each update with its images: nobody reads them, none is kept
    assert result.data == [None, None, None]
    [request] = sim.requests.records
    assert request.root_fields == ["bulkImageUpdate"] * 3
    assert request.variables["i0"] == {"ids": first, "tag_ids": {"ids": [tag], "mode": "ADD"}}
    for image_id in first:
        tags = sim.gql(f'{{ findImage(id: "{image_id}") {{ tags {{ id }} }} }}')["findImage"]["tags"]
        assert tags == [{"id": tag}]
    assert all(
        sim.gql(f'{{ findImage(id: "{i}") {{ photographer }} }}')["findImage"]["photographer"] == "Pat" for i in second
    )


def test_bulk_gallery_update_each_and_bad_input_refused_before_any_request(many, make_ops):
    sim, ops = many, make_ops(many)
    with pytest.raises(ValueError, match="organized"):
        ops.bulk_gallery_update_each([{"ids": ["1"], "rating100": 20}, {"ids": ["2"], "organized": None}])
    with pytest.raises(ValueError):
        ops.bulk_image_update_each([{"ids": ["1"], "colour": "red"}])
    assert len(sim.requests) == 0

    result = ops.bulk_gallery_update_each([{"ids": ["1", "2"], "rating100": 20}, {"ids": ["3"], "organized": True}])
    assert result.ok
    [request] = sim.requests.records
    assert request.root_fields == ["bulkGalleryUpdate"] * 2
    rated = sim.gql("{ findGalleries(gallery_filter: {rating100: {value: 20, modifier: EQUALS}}) { count } }")
    assert rated["findGalleries"]["count"] == 2


def test_an_answer_read_without_its_items_keeps_its_errors_and_places() -> None:
    """StashConnection.result(keep_items=False): each `{ id }` object is None, never made; the rest
    (the envelope, other objects, the errors with their paths and locations) as json reads it."""
    connection = StashConnection(ServerConnection.parse({"Scheme": "http", "Host": "127.0.0.1", "Port": 9}))
    content = (
        b'{"data": {"m0": [{"id": "1"}, {"id": "2"}], "m1": null, "m2": {"id": "3", "title": "t"}},'
        b' "errors": [{"message": "image with id 9 not found", "path": ["m1"],'
        b' "locations": [{"line": 1, "column": 9}]}]}'
    )
    body = connection.result(200, content, keep_items=False)
    assert body["data"] == {"m0": [None, None], "m1": None, "m2": {"id": "3", "title": "t"}}
    assert body["errors"] == [
        {"message": "image with id 9 not found", "path": ["m1"], "locations": [{"line": 1, "column": 9}]}
    ]
    assert connection.result(200, content)["data"]["m0"] == [{"id": "1"}, {"id": "2"}]


def _decoded(content: bytes) -> Any:
    """What json reads of a write's answer whose items nobody reads (each `{ id }` object None)."""
    try:
        return json.loads(content, object_pairs_hook=_item_dropped)
    except ValueError:
        return "not JSON"


def _ids_answer(separators: tuple[str, str], fields: int = 4, ids: int = 5) -> bytes:
    data = {f"b{n}": [{"id": str(n * 1000 + i)} for i in range(ids)] for n in range(fields)}
    return json.dumps({"data": data}, separators=separators).encode()


@pytest.mark.parametrize("separators", [(",", ":"), (", ", ": ")])  # Stash's (Go's) JSON; json.dumps' default
def test_an_answer_of_id_lists_alone_is_read_without_decoding_it_as_json_reads_it(separators):
    content = _ids_answer(separators)
    assert id_lists(content) == _decoded(content) == {"data": {f"b{n}": [None] * 5 for n in range(4)}}
    # every text a few edits away from it (of the characters that matter) is read as json reads it, or left to json
    alphabet = b'{}[]",:id0123456789 ab_\\'
    rnd = random.Random(7)
    read = 0
    for _ in range(20_000):
        edited = bytearray(content)
        for _ in range(rnd.randint(1, 3)):
            at, kind = rnd.randrange(len(edited)), rnd.random()
            if kind < 0.4:
                edited[at:at] = bytes([rnd.choice(alphabet)])
            elif kind < 0.8:
                del edited[at]
            else:
                edited[at] = rnd.choice(alphabet)
        found = id_lists(bytes(edited))
        if found is not None:
            read += 1
            assert found == _decoded(bytes(edited)), bytes(edited)
    assert read > 100  # (edits of the ids' digits, and of the last field: the fast way still reads them)


@pytest.mark.parametrize(
    "content",
    [
        b'{"data":{"b0":[{"id":"1"}],"b1":null}}',  # a field failed
        b'{"data":{"b0":[{"id":"1"}]},"errors":[{"message":"x"}]}',
        b'{"data":{"id":[{"id":"1"}]}}',  # (json reads an object of "id" alone as None: data too)
        b'{"data":{"b0":[{"id":"1","title":"t"}]}}',
        b'{"data":{"b0":[{"id":1}]}}',  # an id not text
        b'{"data":{"b0":[{"id":"x1"}]}}',
        b'{"data":{"b0":[{"i1d":"1"}]}}',
        b'{"data":{"b0":[{"id":"1"}5,{"id":"2"}]}}',  # not JSON
        b'{"data":{"b0":[{"id":"1"},{"id": "2"}]}}',  # two spacings
        b'{"data":{"b 0":[{"id":"1"}]}}',
        b'{"data":{}}',
        b'{"data": {"b0": [{"id": "1"}]}}\n',
    ],
)
def test_any_other_answer_is_left_to_json(content):
    assert id_lists(content) is None
    connection = StashConnection(ServerConnection.parse({"Scheme": "http", "Host": "127.0.0.1", "Port": 9}))
    if isinstance(_decoded(content), dict):
        assert connection.result(200, content, keep_items=False) == _decoded(content)


def test_a_big_write_s_answer_is_read_without_its_text_made_again():
    """The answer of 20,000 images written (40 fields of 500 ids): read with less memory than its
    own size (json would first make its text, as big again, then the lists)."""
    connection = StashConnection(ServerConnection.parse({"Scheme": "http", "Host": "127.0.0.1", "Port": 9}))
    content = _ids_answer((",", ":"), fields=40, ids=500)
    tracemalloc.start()
    try:
        body = connection.result(200, content, keep_items=False)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert body == _decoded(content)
    assert peak < len(content)


def test_a_read_s_answer_is_let_go_as_bytes_once_it_is_text(monkeypatch):
    """operations.read_as (every typed read, through StashConnection.answer_text): the answer's
    bytes are not held while json reads its text (json.loads of bytes would hold both, and the
    objects it makes)."""
    connection = StashConnection(ServerConnection.parse({"Scheme": "http", "Host": "127.0.0.1", "Port": 9}))
    size = 2_000_000
    filler = b"x" * size  # (made before memory is traced)

    def post(query: str, variables: Any) -> tuple[int, bytes]:
        return 200, b"".join((b'{"data": {"title": "', filler, b'"}}'))  # (its bytes: held by nobody else)

    monkeypatch.setattr(connection, "post", post)
    tracemalloc.start()
    try:
        title = read_as(connection, "query { title }", {}, lambda data: data["title"])
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert title == "x" * size
    # the bytes and their text while it is decoded, then the text and the title: twice the answer, not thrice
    assert peak < 2.5 * size
    tracemalloc.start()
    try:
        status, content = connection.post("query { title }", {})
        connection.result(status, content)  # (the bytes held while json reads their text: thrice)
        held = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert held > 2.5 * size
