"""The simulator through real HTTP: gqlgen's status codes, authentication, the request log,
fault injection, a server that refuses connections, and stashapi connecting unchanged.

Facts: research notes Q11 (internal/api/authentication.go, pkg/session/session.go) and Q12
(gqlgen v0.17.73 graphql/handler/transport, executor).
"""

from __future__ import annotations

import errno
import socket
import time
from collections.abc import Callable
from typing import Any

import pytest
import requests
from stash_sim import StashSimulator
from stash_sim.library import load_library
from stashapi.stashapp import StashInterface

JSON = "application/json"
GALLERY_UPDATE = "mutation Edit($input: GalleryUpdateInput!) { galleryUpdate(input: $input) { id details } }"
FIND_GALLERY = "query Find($id: ID!) { findGallery(id: $id) { id title } }"


def post(
    sim: StashSimulator,
    query: str,
    variables: dict[str, Any] | None = None,
    *,
    headers: dict[str, str] | None = None,
    timeout: float = 10,
) -> requests.Response:
    return requests.post(sim.url, json={"query": query, "variables": variables or {}}, headers=headers, timeout=timeout)


def details(sim: StashSimulator, gallery_id: str = "1") -> str:
    return sim.gql("query($id: ID!) { findGallery(id: $id) { details } }", {"id": gallery_id})["findGallery"]["details"]


# -- gqlgen: request-level errors 422 / 400, resolver errors 200 ------------------------------
INVALID_REQUESTS = [
    pytest.param(
        "{ findGallery(id: 1) { nope } }", {}, "GRAPHQL_VALIDATION_FAILED", id="unknown_field[gqlparser validator]"
    ),
    pytest.param(
        "query($id: Int!) { findGallery(id: $id) { id } }",
        {"id": 1},
        "GRAPHQL_VALIDATION_FAILED",
        id="variable_declared_with_wrong_type[gqlparser validator]",
    ),
    pytest.param(
        GALLERY_UPDATE,
        {"input": {"id": "1", "organized": "yes"}},
        "GRAPHQL_VALIDATION_FAILED",
        id="variable_value_of_wrong_type[gqlparser validator/vars.go]",
    ),
    pytest.param(
        GALLERY_UPDATE,
        {"input": {"id": "1", "nope": 1}},
        "GRAPHQL_VALIDATION_FAILED",
        id="variable_with_unknown_input_field[gqlparser validator/vars.go]",
    ),
    pytest.param(
        "{ findGallery(id: 1) { title { x } } }",
        {},
        "GRAPHQL_VALIDATION_FAILED",
        id="selection_on_a_scalar[gqlparser validator]",
    ),
    pytest.param(
        'mutation { galleryChapterDestroy(id: "1") { id } }',
        {},
        "GRAPHQL_VALIDATION_FAILED",
        id="selection_on_boolean_chapter_destroy[gqlparser validator]",
    ),
    pytest.param(
        "{ findGallery { id } }", {}, "GRAPHQL_VALIDATION_FAILED", id="missing_required_argument[gqlparser validator]"
    ),
    pytest.param("{ findGallery(id: 1) { id ", {}, "GRAPHQL_PARSE_FAILED", id="parse_error[gqlparser parser]"),
]


@pytest.mark.parametrize(
    ("accept", "status"),
    [
        pytest.param(JSON, 422, id="accept_json_422[gqlgen transport/http_post.go]"),
        pytest.param("*/*", 400, id="accept_any_400[gqlgen transport/http_post.go]"),
    ],
)
@pytest.mark.parametrize(("query", "variables", "code"), INVALID_REQUESTS)
def test_request_level_errors(
    sim: StashSimulator, db_snapshot: Callable, query: str, variables: dict, code: str, accept: str, status: int
) -> None:
    before = db_snapshot(sim)
    response = post(sim, query, variables, headers={"Accept": accept})
    assert response.status_code == status
    body = response.json()
    assert body["data"] is None
    assert body["errors"] and all(error["extensions"] == {"code": code} for error in body["errors"])
    assert db_snapshot(sim) == before


def test_resolver_error_is_200_with_path(sim: StashSimulator) -> None:
    response = post(sim, GALLERY_UPDATE, {"input": {"id": "999", "details": "x"}}, headers={"Accept": JSON})
    assert response.status_code == 200
    assert response.json() == {
        "errors": [{"message": "gallery with id 999 not found", "path": ["galleryUpdate"]}],
        "data": {"galleryUpdate": None},
    }
    # a non-null root (Boolean!) makes the whole data null
    boolean_root = post(sim, 'mutation { addGalleryImages(input: {gallery_id: "4", image_ids: ["17"]}) }')
    assert boolean_root.status_code == 200
    assert boolean_root.json()["data"] is None
    assert boolean_root.json()["errors"][0]["path"] == ["addGalleryImages"]


def test_body_that_is_not_json_is_400(sim: StashSimulator) -> None:
    response = requests.post(sim.url, data=b"{not json", headers={"Content-Type": JSON}, timeout=10)
    assert response.status_code == 400
    body = response.json()
    assert body["data"] is None
    assert body["errors"][0]["message"].startswith("json request body could not be decoded: ")


def test_post_without_json_content_type_is_400(sim: StashSimulator) -> None:
    response = requests.post(
        sim.url, data=b'{"query": "{ version { version } }"}', headers={"Content-Type": "text/plain"}, timeout=10
    )
    assert response.status_code == 400
    assert response.json() == {"errors": [{"message": "transport not supported"}], "data": None}


# -- authentication ------------------------------------------------------------------------------
VERSION = "{ version { version } }"


@pytest.fixture
def secured(make_sim: Callable[..., StashSimulator]) -> StashSimulator:
    return make_sim(load_library(), credentials=("admin", "secret"))


def _cookie(sim: StashSimulator) -> str:
    cookie = sim.server_connection()["SessionCookie"]
    return f"{cookie['Name']}={cookie['Value']}"


@pytest.mark.parametrize(
    ("headers", "path"),
    [
        pytest.param({}, "", id="no_cookie_no_api_key[internal/api/authentication.go]"),
        pytest.param({"ApiKey": "wrong"}, "", id="wrong_api_key[pkg/session/session.go]"),
        pytest.param({}, "?apikey=wrong", id="wrong_apikey_parameter[pkg/session/session.go]"),
        pytest.param({"Cookie": "session=forged.value"}, "", id="forged_cookie[pkg/session/session.go]"),
    ],
)
def test_unauthenticated_request_is_401_with_empty_body(secured: StashSimulator, headers: dict, path: str) -> None:
    response = requests.post(secured.url + path, json={"query": VERSION}, headers=headers, timeout=10)
    assert response.status_code == 401
    assert response.content == b""
    assert response.headers["WWW-Authenticate"] == "FormBased"


def test_plugin_session_cookie_and_api_key_are_accepted(secured: StashSimulator) -> None:
    for headers, path in (
        ({"Cookie": _cookie(secured)}, ""),
        ({"ApiKey": secured.api_key}, ""),
        ({}, f"?apikey={secured.api_key}"),
        ({"ApiKey": "", "Cookie": _cookie(secured)}, ""),
    ):
        response = requests.post(secured.url + path, json={"query": VERSION}, headers=headers, timeout=10)
        assert response.status_code == 200, (headers, path)
        assert response.json()["data"]["version"]["version"]


def test_wrong_api_key_is_401_even_without_credentials(sim: StashSimulator) -> None:
    """A non-empty ApiKey must equal the configured key, which is "" without credentials (session.go)."""
    assert post(sim, VERSION, headers={"ApiKey": "anything"}).status_code == 401
    assert post(sim, VERSION, headers={"ApiKey": ""}).status_code == 200
    assert post(sim, VERSION).status_code == 200


# -- the request log -----------------------------------------------------------------------------
def test_request_log_records_operation_variables_and_size(sim: StashSimulator) -> None:
    sim.requests.clear()
    found = post(sim, FIND_GALLERY, {"id": "2"})
    edited = post(sim, GALLERY_UPDATE, {"input": {"id": "2", "details": "logged"}})
    post(sim, FIND_GALLERY, {"id": "3"})
    records = sim.requests.records
    assert [(r.operation_name, r.variables, r.status) for r in records] == [
        ("Find", {"id": "2"}, 200),
        ("Edit", {"input": {"id": "2", "details": "logged"}}, 200),
        ("Find", {"id": "3"}, 200),
    ]
    assert records[0].response_size == len(found.content)
    assert records[1].response_size == len(edited.content)
    assert sim.requests.count("findGallery") == 2
    assert [r.operation_name for r in sim.requests.mutations()] == ["Edit"]
    assert sim.requests.fields() == ["findGallery", "galleryUpdate", "findGallery"]
    assert len(sim.requests) == 3


def test_in_process_gql_is_not_logged(sim: StashSimulator) -> None:
    sim.requests.clear()
    sim.gql(VERSION)
    assert len(sim.requests) == 0


# -- faults for the next N requests --------------------------------------------------------------
def _expect_connection_error(sim: StashSimulator, query: str, variables: dict) -> None:
    with pytest.raises(requests.ConnectionError):
        post(sim, query, variables)


def _expect_status(status: int) -> Callable[[StashSimulator, str, dict], None]:
    def check(sim: StashSimulator, query: str, variables: dict) -> None:
        assert post(sim, query, variables).status_code == status

    return check


def _expect_locked(sim: StashSimulator, query: str, variables: dict) -> None:
    """A locked database fails the field's transaction: a resolver error, the nullable field null."""
    response = post(sim, query, variables)
    assert response.status_code == 200
    assert response.json() == {
        "errors": [{"message": "database is locked", "path": ["galleryUpdate"]}],
        "data": {"galleryUpdate": None},
    }


def _expect_slow_success(sim: StashSimulator, query: str, variables: dict) -> None:
    started = time.monotonic()
    response = post(sim, query, variables)
    assert time.monotonic() - started >= 0.3
    assert response.status_code == 200 and "errors" not in response.json()


# (fault kind, how a faulted request looks to the client, whether the mutation still commits)
FAULTS = [
    pytest.param("drop", _expect_connection_error, False, id="drop"),
    pytest.param("drop_after", _expect_connection_error, True, id="drop_after_commits"),
    pytest.param("http_500", _expect_status(500), False, id="http_500"),
    pytest.param("http_502", _expect_status(502), False, id="http_502"),
    pytest.param("http_503", _expect_status(503), False, id="http_503"),
    pytest.param("http_504", _expect_status(504), False, id="http_504"),
    pytest.param("locked", _expect_locked, False, id="locked"),
    pytest.param("delay", _expect_slow_success, True, id="delay"),
]


@pytest.mark.parametrize(("kind", "expect", "commits"), FAULTS)
def test_fault_for_the_next_n_requests(sim: StashSimulator, kind: str, expect: Callable, commits: bool) -> None:
    sim.faults.add(kind, count=2, seconds=0.3)
    sim.requests.clear()
    for attempt in (1, 2):
        expect(sim, GALLERY_UPDATE, {"input": {"id": "1", "details": f"attempt {attempt}"}})
        assert details(sim) == (f"attempt {attempt}" if commits else "")
    response = post(sim, GALLERY_UPDATE, {"input": {"id": "1", "details": "attempt 3"}})
    assert response.status_code == 200
    assert response.json() == {"data": {"galleryUpdate": {"id": "1", "details": "attempt 3"}}}
    assert [r.fault for r in sim.requests.records] == [kind, kind, None]


def test_locked_fails_every_aliased_field_on_its_own(sim: StashSimulator) -> None:
    """Each aliased mutation is its own transaction: each gets the error, with its alias as path."""
    sim.faults.add("locked")
    query = (
        'mutation { a: setGalleryCover(input: {gallery_id: "5", cover_image_id: "1"})'
        ' b: setGalleryCover(input: {gallery_id: "5", cover_image_id: "5"}) }'
    )
    body = post(sim, query, {}).json()
    assert body == {
        "errors": [{"message": "database is locked", "path": ["a"]}, {"message": "database is locked", "path": ["b"]}],
        "data": None,
    }


def test_failed_non_null_mutation_does_not_stop_the_others_gqlgen_object_gotpl(sim: StashSimulator) -> None:
    """gqlgen runs every root mutation field, then nulls `data` when a non-null one failed."""
    query = (
        'mutation { a: setGalleryCover(input: {gallery_id: "999", cover_image_id: "1"})'
        ' b: setGalleryCover(input: {gallery_id: "5", cover_image_id: "5"}) }'
    )
    body = post(sim, query, {}).json()
    assert body == {"errors": [{"message": "gallery with id 999 not found", "path": ["a"]}], "data": None}
    assert sim.gql('{ findGallery(id: "5") { cover { id } } }')["findGallery"]["cover"] == {"id": "5"}


def test_before_fault_runs_a_change_then_the_request(sim: StashSimulator) -> None:
    """`before`: somebody else's change lands just before the request, which then runs normally."""
    sim.faults.add(
        "before",
        operation="galleryUpdate",
        action=lambda: sim.gql('mutation { galleryUpdate(input: {id: "1", code: "X1"}) { id } }'),
    )
    sim.requests.clear()
    response = post(sim, GALLERY_UPDATE, {"input": {"id": "1", "details": "mine"}})
    assert response.json() == {"data": {"galleryUpdate": {"id": "1", "details": "mine"}}}
    assert sim.gql('{ findGallery(id: "1") { code } }')["findGallery"]["code"] == "X1"
    assert [r.fault for r in sim.requests.records] == ["before"]
    assert len(sim.requests.mutations()) == 1
    with pytest.raises(ValueError, match="action"):
        sim.faults.add("before")


def test_fault_can_target_one_operation(sim: StashSimulator) -> None:
    sim.faults.add("http_503", count=1, operation="galleryUpdate")
    assert post(sim, FIND_GALLERY, {"id": "1"}).status_code == 200
    assert post(sim, GALLERY_UPDATE, {"input": {"id": "1", "details": "x"}}).status_code == 503
    assert post(sim, GALLERY_UPDATE, {"input": {"id": "1", "details": "x"}}).status_code == 200


def test_refusing_connections_then_recovering(sim: StashSimulator) -> None:
    port = sim.port
    with sim.http.refusing(), pytest.raises(requests.ConnectionError, match=r"(?i)refused"):
        post(sim, VERSION)
    assert sim.port == port
    assert post(sim, VERSION).status_code == 200


def test_while_refusing_the_port_stays_the_simulators(sim: StashSimulator) -> None:
    # a port let go while refusing is free for any socket: the system once handed it to another
    # test's outgoing connection, and the simulator could not listen on it again
    with sim.http.refusing():
        other = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        try:
            with pytest.raises(OSError) as taken:
                other.bind(("127.0.0.1", sim.port))
            assert taken.value.errno == errno.EADDRINUSE
        finally:
            other.close()
        with pytest.raises(requests.ConnectionError, match=r"(?i)refused"):
            post(sim, VERSION)
    assert post(sim, VERSION).status_code == 200
    # twice over: the second stop holds the port again
    with sim.http.refusing(), pytest.raises(requests.ConnectionError, match=r"(?i)refused"):
        post(sim, VERSION)
    assert post(sim, VERSION).status_code == 200


def test_refuse_for_a_while(sim: StashSimulator) -> None:
    sim.http.refuse_for(0.5)
    with pytest.raises(requests.ConnectionError, match=r"(?i)refused"):
        post(sim, VERSION)
    deadline = time.monotonic() + 10
    while True:
        try:
            assert post(sim, VERSION).status_code == 200
            break
        except requests.ConnectionError:
            assert time.monotonic() < deadline, "the simulator never listened again"
            time.sleep(0.1)


# -- stashapi ------------------------------------------------------------------------------------
def test_stashapi_connects_and_finds_a_gallery(sim: StashSimulator) -> None:
    """StashInterface runs its start-up requests, one a full introspection, then find_gallery."""
    sim.requests.clear()
    stash = StashInterface(sim.server_connection())
    gallery = stash.find_gallery(3)
    assert gallery["id"] == "3"
    assert gallery["files"][0]["path"] == "/library/zips/Summer Trip [2022-08-01].zip"
    assert gallery["image_count"] == 5
    assert len(sim.requests.introspections()) == 1
    assert sim.requests.count("findGallery") == 1


def test_stashapi_connects_with_credentials(secured: StashSimulator) -> None:
    stash = StashInterface(secured.server_connection())
    gallery = stash.find_gallery(1)
    assert (gallery["id"], gallery["image_count"]) == ("1", 4)
