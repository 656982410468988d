"""On the wire: nothing sent on construction, never introspection, one request per operation,
narrow selections, the connection Stash hands over (cookie or ApiKey, 0.0.0.0)."""

from __future__ import annotations

import json
from typing import Any

import pytest
from stash_sim import StashSimulator
from stash_sim.library import load_library

from gallery_ops import GalleryInput, GalleryOps, StashAuthError, StashError, StashTransportError
from gallery_ops.common import json_text
from gallery_ops.stash.connection import KeptAliveHttp, ServerConnection

SAMPLE_GALLERIES = len(load_library()["galleries"])  # tests/stash_sim/libraries/sample.yml


# -- construction ---------------------------------------------------------------------------
def test_building_the_client_sends_nothing(sim):
    GalleryOps.from_server_connection(sim.server_connection())
    GalleryOps.from_server_connection(sim.server_connection(), retry_delays=())
    assert len(sim.requests) == 0


def test_building_the_client_with_credentials_sends_nothing(sim_with_credentials):
    GalleryOps.from_server_connection(sim_with_credentials.server_connection())
    GalleryOps.from_server_connection(sim_with_credentials.server_connection(api_key=True))
    assert len(sim_with_credentials.requests) == 0


@pytest.mark.parametrize(
    "raw", [None, "http://localhost:9999", {"Port": "not a port"}, {"Port": 0}, {"Scheme": "ftp"}, {"Host": "  "}]
)
def test_a_malformed_server_connection_is_a_value_error(raw):
    with pytest.raises(ValueError, match="server_connection"):
        GalleryOps.from_server_connection(raw)


@pytest.mark.parametrize(
    "raw", [{"ApiKey": "abc\ndef"}, {"ApiKey": " abc"}, {"SessionCookie": {"Name": "session", "Value": "abc\r"}}]
)
def test_a_key_or_cookie_with_a_line_break_is_refused_without_quoting_it(raw):
    """requests would refuse the header with an error quoting the secret; it never gets that far."""
    with pytest.raises(ValueError, match="control characters") as refused:
        GalleryOps.from_server_connection(raw)
    assert "abc" not in str(refused.value)


# -- every operation: request counts, and no introspection ever --------------------------------
def test_every_operation_sends_its_documented_requests_and_never_introspects(sim, ops, lib, state):
    night, sunset = lib.image("loose/night.jpg"), lib.image("loose/sunset.jpg")
    p01 = lib.image("Portraits/p01.jpg")
    chapter_id = state.gallery(lib.best)["chapters"][0]["id"]
    created: dict[str, str] = {}

    def create_chapter():
        created["chapter"] = ops.gallery_chapter_create(lib.best, "Loose", 2).id

    calls = [  # (operation, call, requests it must send)
        ("find_gallery", lambda: ops.find_gallery(lib.beach), 1),
        ("find_galleries", lambda: ops.find_galleries(q="Beach"), 1),
        ("create_gallery", lambda: created.update(gallery=ops.create_gallery(GalleryInput(title="Wire")).id), 1),
        ("update_gallery", lambda: ops.update_gallery(GalleryInput(id=lib.best, details="d")), 1),
        (
            "galleries_update",
            lambda: ops.galleries_update([GalleryInput(id=lib.best, code="c"), GalleryInput(id=lib.empty, code="e")]),
            1,
        ),
        ("add_gallery_images", lambda: ops.add_gallery_images(lib.empty, [night]), 1),
        ("remove_gallery_images", lambda: ops.remove_gallery_images(lib.empty, [night]), 1),
        ("update_gallery_images ADD", lambda: ops.update_gallery_images(lib.empty, [night], "ADD"), 1),
        ("update_gallery_images REMOVE", lambda: ops.update_gallery_images(lib.empty, [night], "REMOVE"), 1),
        ("update_gallery_images SET add+remove", lambda: ops.update_gallery_images(lib.best, [sunset, night]), 3),
        ("update_gallery_images SET equal", lambda: ops.update_gallery_images(lib.best, [night, sunset]), 1),
        ("set_gallery_cover", lambda: ops.set_gallery_cover(lib.portraits, p01), 2),
        ("reset_gallery_cover", lambda: ops.reset_gallery_cover(lib.portraits), 1),
        ("gallery_chapter_create", create_chapter, 2),
        ("gallery_chapter_update", lambda: ops.gallery_chapter_update(chapter_id, title="T", image_index=2), 1),
        (
            "gallery_chapter_update with gallery",
            lambda: ops.gallery_chapter_update(chapter_id, gallery_id=lib.beach, image_index=2),
            2,
        ),
        ("gallery_chapter_destroy", lambda: ops.gallery_chapter_destroy(created["chapter"]), 1),
        ("bulk_gallery_update", lambda: ops.bulk_gallery_update({"ids": [lib.beach, lib.summer], "rating100": 5}), 1),
        ("gallery_destroy", lambda: ops.gallery_destroy([created["gallery"]]), 1),
        ("iter_galleries", lambda: list(ops.iter_galleries()), 1),
        (
            "create_chapters",
            lambda: ops.create_chapters(
                [
                    {"gallery_id": lib.beach, "title": "a", "image_index": 1},
                    {"gallery_id": lib.summer, "title": "b", "image_index": 2},
                ]
            ),
            1,
        ),
        ("set_covers", lambda: ops.set_covers([(lib.beach, lib.image("IMG_0010.jpg"))]), 1),
        ("reset_covers", lambda: ops.reset_covers([lib.beach, lib.portraits]), 1),
    ]
    sent = []
    for name, call, _ in calls:
        before = len(sim.requests)
        call()
        sent.append((name, len(sim.requests) - before))

    assert sent == [(name, expected) for name, _, expected in calls]
    assert all(r.status == 200 for r in sim.requests.records)
    assert sim.requests.introspections() == []
    assert not any(field.startswith("__") for r in sim.requests.records for field in r.root_fields)
    # the writes did happen
    assert state.image_ids(lib.best) == {sunset, night}
    assert state.gallery(lib.beach)["rating100"] == 5
    assert state.titled("Wire") == []


# -- narrow selections ----------------------------------------------------------------------
@pytest.fixture
def big_and_small():
    """Two folder galleries: one of 2000 images, one of a single image."""
    library = {
        "galleries": [
            {"folder": "/lib/big", "images": [f"{i:05d}.jpg" for i in range(2000)]},
            {"folder": "/lib/sml", "images": ["00001.jpg"]},
        ]
    }
    with StashSimulator(library=library) as simulator:
        yield simulator


def test_responses_do_not_grow_with_the_images_of_a_gallery(big_and_small, make_ops):
    sim = big_and_small
    ops = make_ops(sim)
    big = sim.gql(
        '{ findGalleries(gallery_filter: {path: {value: "/lib/big", modifier: EQUALS}}) { galleries { id } } }'
    )["findGalleries"]["galleries"][0]["id"]
    small = sim.gql(
        '{ findGalleries(gallery_filter: {path: {value: "/lib/sml", modifier: EQUALS}}) { galleries { id } } }'
    )["findGalleries"]["galleries"][0]["id"]
    first_big_image = sim.gql(
        '{ findImages(filter: {sort: "path", per_page: 1},'
        f' image_filter: {{galleries: {{value: ["{big}"], modifier: INCLUDES}}}})'
        " { images { id } } }"
    )["findImages"]["images"][0]["id"]

    def size_of(call) -> int:
        before = len(sim.requests)
        call()
        new = sim.requests.records[before:]
        return sum(r.response_size for r in new)

    # the same operation on a 2000-image gallery and on a 1-image gallery answers about the same size
    for call_big, call_small in [
        (lambda: ops.find_gallery(big), lambda: ops.find_gallery(small)),
        (
            lambda: ops.find_galleries(gallery_filter={"id": {"value": int(big), "modifier": "EQUALS"}}),
            lambda: ops.find_galleries(gallery_filter={"id": {"value": int(small), "modifier": "EQUALS"}}),
        ),
        (
            lambda: list(ops.iter_galleries({"id": {"value": int(big), "modifier": "EQUALS"}})),
            lambda: list(ops.iter_galleries({"id": {"value": int(small), "modifier": "EQUALS"}})),
        ),
        (lambda: ops.set_gallery_cover(big, first_big_image), lambda: ops.set_gallery_cover(small, "2001")),
        (lambda: ops.gallery_chapter_create(big, "c", 2000), lambda: ops.gallery_chapter_create(small, "c", 1)),
    ]:
        assert abs(size_of(call_big) - size_of(call_small)) < 16

    gallery = ops.find_gallery(big)
    assert gallery.image_count == 2000
    assert "cover" not in gallery.model_fields_set
    assert all(r.response_size < 1000 for r in sim.requests.records)


def test_a_page_of_galleries_is_small_per_gallery(sim, ops):
    galleries = list(ops.iter_galleries())
    [page] = sim.requests.records
    assert len(galleries) == SAMPLE_GALLERIES
    assert page.response_size / len(galleries) < 160  # id, title, date, organized, paths
    assert all(set(g.model_fields_set) <= {"id", "title", "date", "organized", "files", "folder"} for g in galleries)


# -- authentication -------------------------------------------------------------------------
def test_the_session_cookie_connection_works(sim_with_credentials, make_ops):
    ops = make_ops(sim_with_credentials)
    assert ops.find_gallery("1") is not None
    assert [r.status for r in sim_with_credentials.requests.records] == [200]


def test_the_api_key_connection_works(sim_with_credentials, make_ops):
    connection = sim_with_credentials.server_connection(api_key=True)
    assert connection["SessionCookie"] is None and connection["ApiKey"]
    ops = make_ops(sim_with_credentials, api_key=True)
    assert ops.find_gallery("1") is not None
    assert ops.update_gallery(GalleryInput(id="1", details="via key")).details == "via key"
    assert [r.status for r in sim_with_credentials.requests.records] == [200, 200]


@pytest.mark.parametrize("change", [{"ApiKey": "wrong-key", "SessionCookie": None}, {"SessionCookie": None}])
def test_a_wrong_or_missing_credential_is_an_auth_error_not_retried(sim_with_credentials, change):
    sim = sim_with_credentials
    ops = GalleryOps.from_server_connection({**sim.server_connection(), **change}, retry_delays=(0.01, 0.01))
    with pytest.raises(StashAuthError) as caught:
        ops.find_gallery("1")
    assert isinstance(caught.value, StashTransportError) and isinstance(caught.value, StashError)
    assert caught.value.status == 401
    assert [r.status for r in sim.requests.records] == [401]


def test_a_wrong_api_key_is_refused_even_with_a_valid_cookie(sim_with_credentials):
    # Stash checks a non-empty ApiKey header first: a wrong one is 401 whatever the cookie says
    sim = sim_with_credentials
    ops = GalleryOps.from_server_connection({**sim.server_connection(), "ApiKey": "wrong-key"})
    with pytest.raises(StashAuthError):
        ops.find_gallery("1")


# -- host, scheme, port ---------------------------------------------------------------------
def test_host_0_0_0_0_is_reached_as_127_0_0_1(sim, ops):
    assert sim.server_connection()["Host"] == "0.0.0.0"
    assert ops.connection.url == f"http://127.0.0.1:{sim.port}/graphql"
    assert ops.find_gallery("1") is not None  # the simulator listens on 127.0.0.1 only


def test_server_connection_fields_are_read_as_stash_sends_them():
    parsed = ServerConnection.parse(
        {
            "scheme": "https",
            "host": "stash.lan",
            "port": 443,
            "sessioncookie": None,
            "Dir": "/config",
            "PluginDir": "/plugins/gallery_tools",
        }
    )
    assert parsed.url == "https://stash.lan:443/graphql"
    assert ServerConnection.parse({"Host": "::1", "Port": 9999}).url == "http://[::1]:9999/graphql"
    assert ServerConnection.parse({"Host": "0.0.0.0"}).url == "http://127.0.0.1:9999/graphql"


def test_the_session_cookie_value_stays_out_of_reprs(sim):
    parsed = ServerConnection.parse(sim.server_connection())
    value = sim.server_connection()["SessionCookie"]["Value"]
    assert value not in repr(parsed)
    assert value not in str(parsed)


def test_a_request_s_body_is_what_json_writes_and_its_query_text_is_written_once(sim, ops, lib, monkeypatch):
    """Every full page of a run sends the same query text (200 galleries' images: 56 KB): its JSON
    is written once (connection.query_json), the body byte for byte what json.dumps writes."""
    sent: list[bytes] = []
    send = KeptAliveHttp.send

    def recording(self: KeptAliveHttp, body: bytes) -> None:
        sent.append(body)
        send(self, body)

    written: list[Any] = []
    dumps = json_text.dumps

    def counting(value: Any, **options: Any) -> str:
        written.append(value)
        return dumps(value, **options)

    monkeypatch.setattr(KeptAliveHttp, "send", recording)
    monkeypatch.setattr(json_text, "dumps", counting)
    selection = "title id"  # (a query text no other test sends: written here first)
    for _ in range(3):
        ops.images_of_galleries([lib.beach, lib.summer], selection)
    assert len(sent) == 3 and len(set(sent)) == 1
    request = json.loads(sent[0])
    assert [value for value in written if value == request["query"]] == [request["query"]]
    assert sent[0] == json.dumps({"query": request["query"], "variables": request["variables"]}).encode()
