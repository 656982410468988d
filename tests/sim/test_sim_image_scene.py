"""imageUpdate, sceneCreate and sceneUpdate as Stash does them
(internal/api/resolver_mutation_image.go imageUpdate, resolver_mutation_scene.go, pkg/scene/create.go)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from stash_sim import StashSimulator

LIBRARY = {
    "studios": ["Lumen"],
    "tags": ["Beach", "Dusk"],
    "performers": ["Ada Vale"],
    "scenes": [{"title": "Beach Day", "path": "/library/videos/beach.mp4"}],
    "galleries": [
        {"folder": "/library/photos/Beach", "images": ["1.jpg", "2.jpg"]},
        {"title": "Mine", "images": ["/library/loose/a.jpg"]},
    ],
}
HOOK_PROBE = """
import json, os, sys
data = json.loads(sys.stdin.read())
with open(os.path.join(os.path.dirname(__file__), "hooks.jsonl"), "a") as handle:
    handle.write(json.dumps(data["args"]["hookContext"]) + "\\n")
print("{}")
"""


@pytest.fixture
def sim(make_sim: Callable[..., StashSimulator]) -> StashSimulator:
    return make_sim(LIBRARY)


def _error(sim: StashSimulator, query: str) -> str:
    body = sim.gql_raw(query)
    assert body.get("errors"), body
    return body["errors"][0]["message"]


def _hooks(tmp_path: Path, sim: StashSimulator, triggers: str) -> Path:
    folder = tmp_path / "plugins" / "probe"
    folder.mkdir(parents=True)
    (folder / "probe.yml").write_text(
        f'name: Probe\nexec: [python, "{{pluginDir}}/main.py"]\nhooks:\n  - name: h\n    triggeredBy: [{triggers}]\n',
        encoding="utf-8",
    )
    (folder / "main.py").write_text(HOOK_PROBE, encoding="utf-8")
    sim.install_plugin(folder, "probe")
    return folder / "hooks.jsonl"


def test_image_update_is_partial_and_trims_resolver_mutation_image_go(sim: StashSimulator, tmp_path: Path) -> None:
    import json

    record = _hooks(tmp_path, sim, "Image.Update.Post")
    data = sim.gql(
        'mutation { imageUpdate(input: {id: "1", title: " Sunrise ", date: "2021-07-14", rating100: 60,'
        ' studio_id: "1", tag_ids: ["2", "1"], performer_ids: ["1"], urls: [" https://e.example/1 "],'
        " organized: true}) { title date rating100 studio { name } tags { name } performers { name }"
        " urls organized galleries { id } } }"
    )["imageUpdate"]
    assert data == {
        "title": "Sunrise",
        "date": "2021-07-14",
        "rating100": 60,
        "studio": {"name": "Lumen"},
        "tags": [{"name": "Beach"}, {"name": "Dusk"}],
        "performers": [{"name": "Ada Vale"}],
        "urls": ["https://e.example/1"],
        "organized": True,
        "galleries": [{"id": "1"}],
    }
    kept = sim.gql('mutation { imageUpdate(input: {id: "1", details: "x"}) { title rating100 } }')["imageUpdate"]
    assert kept == {"title": "Sunrise", "rating100": 60}
    (first, second) = [json.loads(line) for line in record.read_text(encoding="utf-8").splitlines()]
    assert first["type"] == "Image.Update.Post" and first["id"] == 1
    assert second["inputFields"] == ["id", "details"]
    assert second["input"]["title"] is None and "gallery_ids" in second["input"]  # every key of ImageUpdateInput


@pytest.mark.parametrize(
    ("input_", "message"),
    [
        pytest.param('{id: "99", title: "x"}', "image with id 99 not found", id="unknown_image"),
        pytest.param(
            '{id: "1", primary_file_id: "99"}',
            "file with id 99 not associated with image",
            id="primary_file_not_the_images",
        ),
        pytest.param(
            '{id: "1", gallery_ids: []}',
            'changing galleries of image "/library/photos/Beach/1.jpg": cannot change contents of folder-based'
            ' gallery "Beach"',
            id="folder_gallery_contents[pkg/gallery/validation.go]",
        ),
    ],
)
def test_image_update_refusals(sim: StashSimulator, input_: str, message: str) -> None:
    assert _error(sim, f"mutation {{ imageUpdate(input: {input_}) {{ id }} }}") == message


def test_image_update_adds_to_a_user_created_gallery(sim: StashSimulator) -> None:
    data = sim.gql('mutation { imageUpdate(input: {id: "3", gallery_ids: []}) { galleries { id } } }')
    assert data["imageUpdate"]["galleries"] == []
    assert sim.gql('{ findGallery(id: "2") { image_count } }')["findGallery"]["image_count"] == 0


def test_scene_create_and_update_resolver_mutation_scene_go(sim: StashSimulator, tmp_path: Path) -> None:
    import json

    record = _hooks(tmp_path, sim, "Scene.Create.Post, Scene.Update.Post")
    made = sim.gql(
        'mutation { sceneCreate(input: {title: " Dusk Walk ", director: " Jo ", date: "2022-01-02",'
        ' studio_id: "1", tag_ids: ["2"], performer_ids: ["1"], gallery_ids: ["2"], url: "https://s.example"'
        "}) { id title director date studio { name } tags { name } performers { name } galleries { id }"
        " urls } }"
    )["sceneCreate"]
    assert made == {
        "id": "2",
        "title": "Dusk Walk",
        "director": "Jo",
        "date": "2022-01-02",
        "studio": {"name": "Lumen"},
        "tags": [{"name": "Dusk"}],
        "performers": [{"name": "Ada Vale"}],
        "galleries": [{"id": "2"}],
        "urls": ["https://s.example"],
    }
    assert sim.gql('{ findGallery(id: "2") { scenes { title } } }')["findGallery"]["scenes"] == [{"title": "Dusk Walk"}]
    updated = sim.gql(
        'mutation { sceneUpdate(input: {id: "2", title: "Dusk", rating100: 20}) { title rating100 director } }'
    )["sceneUpdate"]
    assert updated == {"title": "Dusk", "rating100": 20, "director": "Jo"}
    created, changed = [json.loads(line) for line in record.read_text(encoding="utf-8").splitlines()]
    assert created == {"id": 2, "type": "Scene.Create.Post", "input": None}  # pkg/scene/create.go: no input
    assert changed["inputFields"] == ["id", "title", "rating100"]


@pytest.mark.parametrize(
    ("query", "message"),
    [
        pytest.param(
            'mutation { sceneCreate(input: {title: " "}) { id } }',
            "title must be set if scene has no files",
            id="create_without_title_or_files[pkg/scene/create.go]",
        ),
        pytest.param(
            'mutation { sceneUpdate(input: {id: "2", title: "x"}) { id } }',
            "scene with id 2 not found",
            id="update_unknown",
        ),
        pytest.param(
            'mutation { sceneUpdate(input: {id: "1", primary_file_id: "99"}) { id } }',
            "file with id 99 not associated with scene",
            id="primary_file_not_the_scenes",
        ),
        pytest.param(
            'mutation { sceneCreate(input: {title: "x", cover_image: "data:"}) { id } }',
            "the Stash simulator does not model scene cover_image",
            id="cover_image_not_modelled",
        ),
        pytest.param(
            'mutation { sceneUpdate(input: {id: "1", play_count: 3}) { id } }',
            "the Stash simulator does not model scene play_count",
            id="play_count_not_modelled",
        ),
    ],
)
def test_scene_refusals(sim: StashSimulator, query: str, message: str) -> None:
    assert _error(sim, query) == message


def test_a_scene_with_files_may_lose_its_title(sim: StashSimulator) -> None:
    data = sim.gql('mutation { sceneUpdate(input: {id: "1", title: ""}) { title files { path } } }')["sceneUpdate"]
    assert data == {"title": "", "files": [{"path": "/library/videos/beach.mp4"}]}
