"""GET requests, unmodelled mutations and runPluginOperation in the simulator.

Facts: gqlgen's GET transport carries the request in the query string and refuses
mutations (406 "GET requests only allow query operations"); authentication comes first,
also for GET (internal/api/authentication.go); runPluginOperation runs the plugin with
the args as given and returns its output, its error becoming the mutation's error
(pkg/plugin/plugins.go RunPlugin).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import requests
from stash_sim import SimGraphQLError, StashSimulator
from stash_sim.library import load_library

REPO = Path(__file__).resolve().parents[2]


def test_get_query_is_answered(sim: StashSimulator) -> None:
    response = requests.get(sim.url, params={"query": '{ findGallery(id: "1") { id } }'}, timeout=10)
    assert response.status_code == 200
    assert response.json() == {"data": {"findGallery": {"id": "1"}}}


def test_get_with_variables(sim: StashSimulator) -> None:
    response = requests.get(
        sim.url,
        params={"query": "query Q($id: ID!) { findGallery(id: $id) { id } }", "variables": json.dumps({"id": "2"})},
        timeout=10,
    )
    assert response.json()["data"]["findGallery"] == {"id": "2"}


def test_get_refuses_mutations_gqlgen_http_get(sim: StashSimulator) -> None:
    before = sim.gql('{ findGallery(id: "1") { title } }')
    response = requests.get(
        sim.url, params={"query": 'mutation { galleryUpdate(input: { id: "1", title: "x" }) { id } }'}, timeout=10
    )
    assert response.status_code == 406
    assert response.json()["errors"][0]["message"] == "GET requests only allow query operations"
    assert sim.gql('{ findGallery(id: "1") { title } }') == before


def test_get_needs_authentication_authentication_go(make_sim: Callable[..., StashSimulator]) -> None:
    secured = make_sim(load_library(), credentials=("admin", "secret"))
    response = requests.get(secured.url, params={"query": "{ version { version } }"}, timeout=10)
    assert response.status_code == 401
    assert response.content == b""
    ok = requests.get(
        secured.url, params={"query": "{ version { version } }"}, headers={"ApiKey": secured.api_key}, timeout=10
    )
    assert ok.status_code == 200


def test_unmodelled_mutation_is_refused_not_faked(sim: StashSimulator) -> None:
    try:
        sim.gql("mutation { metadataAutoTag(input: {}) }")
    except SimGraphQLError as exc:
        assert "does not model the mutation metadataAutoTag" in str(exc)
    else:
        raise AssertionError("an unmodelled mutation must not look like it succeeded")


def test_run_plugin_operation_returns_the_output_plugins_go(sim: StashSimulator) -> None:
    sim.install_plugin(REPO)
    data = sim.gql(
        'mutation($args: Map) { runPluginOperation(plugin_id: "gallery_tools", args: $args) }',
        {"args": {"operation": "find_gallery", "id": "3"}},
    )
    assert data["runPluginOperation"]["id"] == "3"
    assert data["runPluginOperation"]["files"][0]["path"].endswith("Summer Trip [2022-08-01].zip")


def test_run_plugin_operation_error_becomes_the_mutation_error(sim: StashSimulator) -> None:
    sim.install_plugin(REPO)
    body = sim.gql_raw(
        'mutation($args: Map) { runPluginOperation(plugin_id: "gallery_tools", args: $args) }',
        {"args": {"operation": "no_such_operation"}},
    )
    assert body["data"] == {"runPluginOperation": None}
    assert "unknown operation 'no_such_operation'" in body["errors"][0]["message"]


def test_run_plugin_operation_unknown_plugin_panics_as_plugins_go_RunPlugin(sim: StashSimulator) -> None:
    """pkg/plugin/plugins.go RunPlugin does not check getPlugin's nil (CreateTask does): the nil
    dereference is recovered by internal/api/server.go recoverFunc."""
    body = sim.gql_raw('mutation { runPluginOperation(plugin_id: "nope") }')
    assert body["errors"] == [
        {
            "message": "Internal system error. Error <runtime error: invalid memory address or"
            " nil pointer dereference>",
            "path": ["runPluginOperation"],
        }
    ]
    assert body["data"] == {"runPluginOperation": None}
