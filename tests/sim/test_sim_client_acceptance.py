"""Acceptance: a GraphQL client we did not write connects to the simulator as to a released Stash.

The client is `gql` (pinned in requirements-dev.txt) with its `websockets` transport,
speaking graphql-transport-ws as Stash's gqlgen serves it (internal/api/server.go). Like
the typed Stash clients, it opens the WebSocket first, reads the schema by introspection
(and validates every document against it locally, input fields included), checks the
server's version and appSchema, subscribes, and then runs gallery, chapter and image
operations. Each release the simulator serves is checked.
"""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from gql import Client, gql
from gql.transport.exceptions import TransportQueryError
from gql.transport.websockets import WebsocketsTransport
from graphql import GraphQLInputObjectType
from stash_sim import StashSimulator
from stash_sim.schema import RELEASES

MIN_APP_SCHEMA = 75  # the oldest appSchema clients of Stash v0.30 accept (stash-graphql-client capabilities.py)

IDENTITY = gql("{ version { version hash } systemStatus { appSchema status } }")
GALLERIES = gql("""query($f: FindFilterType) { findGalleries(filter: $f) {
  count galleries { id title image_count chapters { id title image_index } } } }""")
GALLERY_UPDATE = gql("""mutation($input: GalleryUpdateInput!) { galleryUpdate(input: $input) { id title details } }""")
CHAPTER_CREATE = gql("""mutation($g: ID!, $t: String!, $i: Int!) {
  galleryChapterCreate(input: {gallery_id: $g, title: $t, image_index: $i}) { id title image_index } }""")
CHAPTER_UPDATE = gql("""mutation($id: ID!, $t: String) {
  galleryChapterUpdate(input: {id: $id, title: $t}) { id title } }""")
CHAPTER_DESTROY = gql("mutation($id: ID!) { galleryChapterDestroy(id: $id) }")
IMAGES = gql("""query($g: [ID!]) { findImages(image_filter: {galleries: {value: $g, modifier: INCLUDES}},
  filter: {per_page: -1, sort: "path"}) { count images { id title rating100 } } }""")
REMOVE_IMAGES = gql("mutation($g: ID!, $i: [ID!]!) { removeGalleryImages(input: {gallery_id: $g, image_ids: $i}) }")
ADD_IMAGES = gql("mutation($g: ID!, $i: [ID!]!) { addGalleryImages(input: {gallery_id: $g, image_ids: $i}) }")
SET_COVER = gql("mutation($g: ID!, $i: ID!) { setGalleryCover(input: {gallery_id: $g, cover_image_id: $i}) }")
RATE_IMAGES = gql(
    "mutation($ids: [ID!], $r: Int) { bulkImageUpdate(input: {ids: $ids, rating100: $r}) { id rating100 } }"
)
SCAN_DONE = gql("subscription { scanCompleteSubscribe }")


def transport(sim: StashSimulator) -> WebsocketsTransport:
    return WebsocketsTransport(
        url=f"ws://127.0.0.1:{sim.port}/graphql",
        subprotocols=[WebsocketsTransport.GRAPHQLWS_SUBPROTOCOL],  # graphql-transport-ws
        ping_interval=0.2,
        pong_timeout=5,
        ack_timeout=5,
    )


async def client_session(sim: StashSimulator) -> dict[str, Any]:
    """What the client sees, step by step (asserted by the test)."""
    seen: dict[str, Any] = {}
    client = Client(transport=transport(sim), fetch_schema_from_transport=True, execute_timeout=20)
    async with client as session:
        seen["subprotocol"] = client.transport.subprotocol  # type: ignore[union-attr]
        schema = client.schema
        assert schema is not None
        update_input = schema.get_type("GalleryUpdateInput")
        assert isinstance(update_input, GraphQLInputObjectType)
        seen["update_input_fields"] = set(update_input.fields)
        seen["identity"] = await session.execute(IDENTITY)

        # a subscription open while the operations run, as the typed clients keep one
        scans: list[Any] = []

        async def watch() -> None:
            async for event in session.subscribe(SCAN_DONE):
                scans.append(event)
                return

        watcher = asyncio.ensure_future(watch())
        deadline = asyncio.get_running_loop().time() + 5
        while sim.events.subscribers("scanCompleteSubscribe") == 0:
            assert asyncio.get_running_loop().time() < deadline
            await asyncio.sleep(0.01)

        # galleries
        found = await session.execute(GALLERIES, variable_values={"f": {"sort": "path", "per_page": 50}})
        galleries = found["findGalleries"]["galleries"]
        seen["gallery_count"] = found["findGalleries"]["count"]
        gallery = next(g for g in galleries if g["image_count"] >= 3)
        updated = await session.execute(
            GALLERY_UPDATE,
            variable_values={
                "input": {"id": gallery["id"], "title": "Renamed by gql", "details": "over the WebSocket"}
            },
        )
        seen["updated"] = updated["galleryUpdate"]

        # chapters
        chapter = (
            await session.execute(CHAPTER_CREATE, variable_values={"g": gallery["id"], "t": "Part two", "i": 2})
        )["galleryChapterCreate"]
        seen["chapter"] = chapter
        seen["chapter_renamed"] = (
            await session.execute(CHAPTER_UPDATE, variable_values={"id": chapter["id"], "t": "Part 2"})
        )["galleryChapterUpdate"]
        seen["chapters_after_create"] = await session.execute(
            GALLERIES, variable_values={"f": {"sort": "path", "per_page": 50}}
        )
        seen["chapter_destroyed"] = (await session.execute(CHAPTER_DESTROY, variable_values={"id": chapter["id"]}))[
            "galleryChapterDestroy"
        ]

        # images
        images = (await session.execute(IMAGES, variable_values={"g": [gallery["id"]]}))["findImages"]["images"]
        seen["images_before"] = [i["id"] for i in images]
        await session.execute(REMOVE_IMAGES, variable_values={"g": gallery["id"], "i": [images[0]["id"]]})
        seen["images_removed"] = [
            i["id"]
            for i in (await session.execute(IMAGES, variable_values={"g": [gallery["id"]]}))["findImages"]["images"]
        ]
        await session.execute(ADD_IMAGES, variable_values={"g": gallery["id"], "i": [images[0]["id"]]})
        seen["cover_set"] = (
            await session.execute(SET_COVER, variable_values={"g": gallery["id"], "i": images[1]["id"]})
        )["setGalleryCover"]
        seen["rated"] = (
            await session.execute(RATE_IMAGES, variable_values={"ids": [i["id"] for i in images], "r": 80})
        )["bulkImageUpdate"]
        try:
            await session.execute(
                gql('mutation($id: ID!) { galleryUpdate(input: {id: $id, title: ""}) { id } }'),
                variable_values={"id": "999999"},
            )
        except TransportQueryError as exc:
            seen["stash_error"] = exc.errors

        # the subscription sees a scan
        await asyncio.get_running_loop().run_in_executor(
            None, lambda: sim.scan_folder("/library/From the client", ["x.jpg"])
        )
        await asyncio.wait_for(watcher, timeout=10)
        seen["scans"] = scans
        seen["gallery"] = gallery
    return seen


@pytest.mark.parametrize("release_name", sorted(RELEASES))
def test_a_gql_websocket_client_runs_gallery_chapter_and_image_operations(release_name: str) -> None:
    with StashSimulator(release=release_name) as sim:
        seen = asyncio.run(client_session(sim))
        gallery_id = seen["gallery"]["id"]

        assert seen["subprotocol"] == "graphql-transport-ws"
        identity = seen["identity"]
        assert identity["version"]["version"] == RELEASES[release_name].version
        assert identity["systemStatus"]["status"] == "OK"
        assert identity["systemStatus"]["appSchema"] >= MIN_APP_SCHEMA
        # deprecated input fields are in the introspected schema, as gqlgen lists them
        assert {"url", "urls", "title", "id"} <= seen["update_input_fields"]
        assert ("custom_fields" in seen["update_input_fields"]) == (release_name != "v0.30.1")

        # the scan at the end added one gallery
        assert seen["gallery_count"] + 1 == sim.gql("{ findGalleries { count } }")["findGalleries"]["count"]
        assert seen["updated"] == {"id": gallery_id, "title": "Renamed by gql", "details": "over the WebSocket"}
        assert seen["chapter"]["title"] == "Part two" and seen["chapter"]["image_index"] == 2
        assert seen["chapter_renamed"]["title"] == "Part 2"
        listed = next(g for g in seen["chapters_after_create"]["findGalleries"]["galleries"] if g["id"] == gallery_id)
        before = [c["id"] for c in seen["gallery"]["chapters"]]
        assert [c["id"] for c in listed["chapters"]] == [*before, seen["chapter"]["id"]]
        assert seen["chapter_destroyed"] is True
        assert seen["images_removed"] == seen["images_before"][1:]
        assert seen["cover_set"] is True
        assert {r["rating100"] for r in seen["rated"]} == {80}
        assert seen["stash_error"][0]["message"] == "gallery with id 999999 not found"
        assert seen["scans"] == [{"scanCompleteSubscribe": True}]

        # the simulator's own view agrees with what the client was told
        state = sim.gql(
            "query($id: ID!) { findGallery(id: $id) { title chapters { id } cover { id } } }", {"id": gallery_id}
        )["findGallery"]
        assert state == {
            "title": "Renamed by gql",
            "chapters": [{"id": c} for c in before],
            "cover": {"id": seen["images_before"][1]},
        }
        websocket = [r for r in sim.requests.records if r.transport == "websocket"]
        assert websocket and all(r.transport == "websocket" for r in sim.requests.records)
        assert any(r.is_introspection for r in websocket)  # the client read the schema over the socket
