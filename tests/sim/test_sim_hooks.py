"""Hooks and the simulated scan, observed by the hook probe plugin (tests/sim/plugins/hook_probe).

Facts: docs/stash.md §3 and research notes Q1, Q2, Q8 (pkg/plugin/plugins.go executePostHooks,
pkg/session/plugin.go, pkg/plugin/common/msg.go HookContext, internal/api/resolver_mutation_gallery.go,
pkg/image/scan.go, pkg/gallery/scan.go).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import requests
from stash_sim import StashSimulator
from stash_sim.library import load_library

PROBE_DIR = Path(__file__).parent / "plugins" / "hook_probe"
PROBE = "hook_probe"

# models.GalleryUpdateInput marshals every key (hand-written model, no omitempty)
GALLERY_UPDATE_KEYS = {
    "clientMutationId",
    "id",
    "title",
    "code",
    "urls",
    "date",
    "details",
    "photographer",
    "rating100",
    "organized",
    "scene_ids",
    "studio_id",
    "tag_ids",
    "performer_ids",
    "primary_file_id",
    "url",
}
GALLERY_UPDATE = "mutation($input: GalleryUpdateInput!) { galleryUpdate(input: $input) { id details photographer } }"
SELF_UPDATE = 'mutation($id: ID!) { galleryUpdate(input: {id: $id, details: "from hook"}) { id } }'


@dataclass
class Probe:
    """The probe's log, and its configuration (passed through the environment)."""

    log: Path
    monkeypatch: pytest.MonkeyPatch

    def configure(self, *, observe: dict[str, str] | None = None, act: dict[str, Any] | None = None) -> None:
        self.monkeypatch.setenv("HOOK_PROBE_CONFIG", json.dumps({"observe": observe or {}, "act": act}))

    def install(self, sim: StashSimulator) -> StashSimulator:
        sim.install_plugin(PROBE_DIR, PROBE)
        return sim

    def records(self) -> list[dict[str, Any]]:
        if not self.log.exists():
            return []
        return [json.loads(line) for line in self.log.read_text(encoding="utf-8").splitlines()]

    def contexts(self) -> list[dict[str, Any]]:
        return [record["hookContext"] for record in self.records()]


def update_keys(sim: StashSimulator) -> set[str]:
    """models.GalleryUpdateInput's keys on the release served (develop adds custom_fields)."""
    keys = set(sim.release_schema_fields("GalleryUpdateInput"))
    assert keys >= GALLERY_UPDATE_KEYS
    return keys


@pytest.fixture
def probe(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Probe:
    log = tmp_path / "probe.jsonl"
    monkeypatch.setenv("HOOK_PROBE_LOG", str(log))
    monkeypatch.delenv("HOOK_PROBE_CONFIG", raising=False)
    return Probe(log, monkeypatch)


# -- when hooks run ------------------------------------------------------------------------------
def test_hooks_run_synchronously_after_commit(sim: StashSimulator, probe: Probe) -> None:
    """The hook sees the committed change, and the mutation's answer (read after its hooks) shows
    what the hook changed: the mutation waited for the hook process."""
    hook_mutation = 'mutation($id: ID!) { galleryUpdate(input: {id: $id, photographer: "hook"}) { id } }'
    probe.configure(
        observe={"Gallery.Update.Post": "query($id: ID!) { findGallery(id: $id) { details } }"},
        act={"trigger": "Gallery.Update.Post", "limit": 1, "query": hook_mutation},
    )
    probe.install(sim)
    variables = {"input": {"id": "1", "details": "new"}}
    response = requests.post(sim.url, json={"query": GALLERY_UPDATE, "variables": variables}, timeout=60)
    assert response.json() == {"data": {"galleryUpdate": {"id": "1", "details": "new", "photographer": "hook"}}}
    first, nested = probe.records()  # the hook's own mutation fired the hook once more
    assert first["observed"] == {"data": {"findGallery": {"details": "new"}}}
    assert first["acted"] and not nested["acted"]
    assert sorted(nested["hookContext"]["inputFields"]) == ["id", "photographer"]


def test_gallery_update_hook_context(sim: StashSimulator, probe: Probe) -> None:
    probe.install(sim)
    sim.gql(GALLERY_UPDATE, {"input": {"id": "2", "details": "d", "tag_ids": ["1"], "rating100": None}})
    [record] = probe.records()
    context = record["hookContext"]
    assert set(context) == {"id", "type", "input", "inputFields"}
    assert (context["id"], context["type"]) == (2, "Gallery.Update.Post")
    assert set(context["input"]) == update_keys(sim)
    assert {k: v for k, v in context["input"].items() if v is not None} == {"id": "2", "details": "d", "tag_ids": ["1"]}
    assert sorted(context["inputFields"]) == ["details", "id", "rating100", "tag_ids"]  # keys sent, null included
    # the hook's defaultArgs plus hookContext
    assert record["args"] == {"probe": "hook", "hookContext": context}


def test_gallery_create_hook_has_input_without_nulls_and_no_input_fields(sim: StashSimulator, probe: Probe) -> None:
    probe.install(sim)
    created = sim.gql(
        "mutation($input: GalleryCreateInput!) { galleryCreate(input: $input) { id } }",
        {"input": {"title": " T ", "details": None, "code": "", "tag_ids": [], "rating100": 0}},
    )
    [context] = probe.contexts()
    assert context == {
        "id": int(created["galleryCreate"]["id"]),
        "type": "Gallery.Create.Post",
        "input": {"title": " T ", "code": "", "rating100": 0},
    }


def test_bulk_gallery_update_fires_one_hook_per_gallery(sim: StashSimulator, probe: Probe) -> None:
    probe.install(sim)
    bulk_input = {"ids": ["1", "2", "3"], "details": "x", "tag_ids": {"ids": ["4"], "mode": "ADD"}}
    sim.gql(
        "mutation($input: BulkGalleryUpdateInput!) { bulkGalleryUpdate(input: $input) { id } }", {"input": bulk_input}
    )
    contexts = probe.contexts()
    assert [c["id"] for c in contexts] == [1, 2, 3]
    for context in contexts:
        assert context["type"] == "Gallery.Update.Post"
        assert context["input"] == bulk_input
        assert sorted(context["inputFields"]) == ["details", "ids", "tag_ids"]


def test_galleries_update_hooks_get_the_whole_list_and_their_own_fields(sim: StashSimulator, probe: Probe) -> None:
    probe.install(sim)
    items = [{"id": "1", "details": "one"}, {"id": "2", "title": "Two", "organized": True}]
    sim.gql("mutation($input: [GalleryUpdateInput!]!) { galleriesUpdate(input: $input) { id } }", {"input": items})
    contexts = probe.contexts()
    assert [c["id"] for c in contexts] == [1, 2]
    for context in contexts:
        assert isinstance(context["input"], list) and len(context["input"]) == 2
        assert all(set(entry) == update_keys(sim) for entry in context["input"])
        assert [entry["id"] for entry in context["input"]] == ["1", "2"]
    assert sorted(contexts[0]["inputFields"]) == ["details", "id"]
    assert sorted(contexts[1]["inputFields"]) == ["id", "organized", "title"]


def test_no_hooks_for_image_membership_and_cover_changes(sim: StashSimulator, probe: Probe) -> None:
    probe.install(sim)
    sim.gql('mutation { addGalleryImages(input: {gallery_id: "6", image_ids: ["17"]}) }')
    sim.gql('mutation { removeGalleryImages(input: {gallery_id: "5", image_ids: ["1"]}) }')
    sim.gql('mutation { setGalleryCover(input: {gallery_id: "5", cover_image_id: "16"}) }')
    sim.gql('mutation { resetGalleryCover(input: {gallery_id: "2"}) }')
    assert probe.records() == []
    assert sim.hooks.runs == []
    # the probe does hear other mutations: the silence above is not a broken probe
    sim.gql('mutation { galleryUpdate(input: {id: "6", details: "x"}) { id } }')
    assert len(probe.records()) == 1


def test_chapter_destroy_hook_input_is_the_id_string(sim: StashSimulator, probe: Probe) -> None:
    probe.install(sim)
    sim.gql('mutation { galleryChapterDestroy(id: "1") }')
    assert probe.contexts() == [{"id": 1, "type": "GalleryChapter.Destroy.Post", "input": "1"}]


def test_gallery_destroy_hooks(sim: StashSimulator, probe: Probe) -> None:
    """One Gallery.Destroy.Post per gallery; Image.Destroy.Post only for the LAST gallery's images
    (imgsDestroyed is overwritten in the loop: a Stash bug the simulator keeps)."""
    probe.install(sim)
    sim.gql('mutation { galleryDestroy(input: {ids: ["4", "3"], delete_file: false}) }')
    contexts = probe.contexts()
    destroyed = [c for c in contexts if c["type"] == "Gallery.Destroy.Post"]
    assert [c["id"] for c in destroyed] == [4, 3]
    assert destroyed[0]["input"] == {
        "ids": ["4", "3"],
        "delete_file": False,
        "delete_generated": None,
        "checksum": destroyed[0]["input"]["checksum"],
        "path": "/library/zips/city_walk-2020.zip",
    }
    assert len(destroyed[0]["input"]["checksum"]) == 32
    images = [c for c in contexts if c["type"] == "Image.Destroy.Post"]
    assert sorted(c["id"] for c in images) == [8, 9, 10, 11, 12]  # gallery 3's, not gallery 4's
    assert all("inputFields" not in c for c in contexts)


# -- the recursion guard -------------------------------------------------------------------------
def test_self_triggering_hook_stops_after_ten_nested_visits(sim: StashSimulator, probe: Probe) -> None:
    """The session cookie carries visited (plugin, hook type) pairs; at 10 the plugin is skipped."""
    probe.configure(act={"trigger": "Gallery.Update.Post", "query": SELF_UPDATE, "limit": 15, "auth": "cookie"})
    probe.install(sim)
    sim.gql('mutation { galleryUpdate(input: {id: "1", details: "start"}) { id } }')
    records = probe.records()
    assert len(records) == 10
    assert all(record["acted"] for record in records)  # each ran its mutation; the 10th's hooks were skipped
    assert sorted(run.depth for run in sim.hooks.runs) == list(range(10))
    assert sim.hooks.skipped == [(PROBE, "Gallery.Update.Post")]


def test_api_key_with_cookie_keeps_the_cookies_history(make_sim: Callable[..., StashSimulator], probe: Probe) -> None:
    """ApiKey authenticates, the cookie still carries the visited hooks (as stashapi sends both)."""
    sim = probe.install(make_sim(load_library(), credentials=("admin", "secret")))
    probe.configure(act={"trigger": "Gallery.Update.Post", "query": SELF_UPDATE, "limit": 15, "auth": "both"})
    sim.gql('mutation { galleryUpdate(input: {id: "1", details: "start"}) { id } }')
    assert len(probe.records()) == 10
    assert sim.hooks.skipped == [(PROBE, "Gallery.Update.Post")]


def test_api_key_requests_carry_no_hook_history(make_sim: Callable[..., StashSimulator], probe: Probe) -> None:
    """With only an ApiKey there is no guard: the probe's own counter stops it, past 10."""
    sim = probe.install(make_sim(load_library(), credentials=("admin", "secret")))
    probe.configure(act={"trigger": "Gallery.Update.Post", "query": SELF_UPDATE, "limit": 12, "auth": "apikey"})
    sim.gql('mutation { galleryUpdate(input: {id: "1", details: "start"}) { id } }')
    records = probe.records()
    assert len(records) == 13  # 12 acted, the 13th saw its limit
    assert [record["acted"] for record in records] == [True] * 12 + [False]
    assert sim.hooks.skipped == []
    assert {run.depth for run in sim.hooks.runs} == {0}


# -- the simulated scan ---------------------------------------------------------------------------
COUNT_ON_CREATE = {
    "Gallery.Create.Post": "query($id: ID!) { findGallery(id: $id) { image_count folder { path } files { path } } }"
}


@pytest.mark.parametrize(
    ("scan", "path", "names"),
    [
        pytest.param(
            "scan_folder",
            "/library/new/Trip",
            ["b.jpg", "a.jpg", "c.jpg"],
            id="folder_gallery_created_with_its_first_image[pkg/image/scan.go]",
        ),
        pytest.param(
            "scan_zip",
            "/library/new/Trip.zip",
            ["day 2/b.jpg", "a.jpg", "c.jpg"],
            id="zip_gallery_created_with_its_first_image[pkg/gallery/scan.go]",
        ),
    ],
)
def test_scan_creates_gallery_with_first_image_then_image_hooks_only(
    empty_sim: StashSimulator, probe: Probe, scan: str, path: str, names: list[str]
) -> None:
    probe.configure(observe=COUNT_ON_CREATE)
    probe.install(empty_sim)
    counts: list[int] = []

    def after_each(_: int) -> None:
        counts.append(empty_sim.gql("{ findGalleries { count } }")["findGalleries"]["count"])

    gallery_id = getattr(empty_sim, scan)(path, names, after_each=after_each)
    records = probe.records()
    assert [r["hookContext"]["type"] for r in records] == ["Gallery.Create.Post"] + ["Image.Create.Post"] * 3
    create = records[0]["hookContext"]
    assert create == {"id": gallery_id, "type": "Gallery.Create.Post", "input": None}  # no inputFields
    observed = records[0]["observed"]["data"]["findGallery"]
    assert observed["image_count"] == 1  # only the images scanned so far
    if scan == "scan_folder":
        assert (observed["folder"], observed["files"]) == ({"path": path}, [])
    else:
        assert (observed["folder"], observed["files"]) == (None, [{"path": path}])
    assert all(r["hookContext"]["input"] is None and "inputFields" not in r["hookContext"] for r in records[1:])
    assert counts == [1, 1, 1]
    final = empty_sim.gql("query($id: ID!) { findGallery(id: $id) { image_count } }", {"id": str(gallery_id)})
    assert final == {"findGallery": {"image_count": 3}}
