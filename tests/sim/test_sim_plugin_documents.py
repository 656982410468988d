"""Every GraphQL document the plugin sends validates against the Stash release it sends it to.

The documents are not listed by hand: the real plugin runs, as Stash runs it, through
every fixture in fixtures/ (each operation, each task in preview and apply, the hook by
hand and by scan), through a scan with every new-gallery rule switched on, and through every
action of the gallery page (entry/page.py ACTIONS: preview and apply through Stash's
runPluginOperation, as the page calls it) on each release's simulator; the simulator's request
log keeps each request's document. Each distinct document is then validated with graphql-core's
validate() against the schema of the release it was sent to (tests/stash_sim/schema.py
RELEASES), as gqlparser validates it in Stash (a document that fails there is refused with
GRAPHQL_VALIDATION_FAILED before it runs). The plugin learns which release it talks to and
sends v0.31's fields (custom fields) only there: what it sends to v0.30.1 validates on all
three releases.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from functools import cache
from pathlib import Path
from typing import Any

import pytest
from graphql import parse, validate
from stash_sim import StashSimulator
from stash_sim.schema import RELEASES, stash_schema
from support.manifest import button

from gallery_ops.entry.page import ACTIONS

REPO = Path(__file__).resolve().parents[2]
FIXTURES = sorted((REPO / "fixtures").glob("*.json"))
HOOK_RULES = {
    "hookChapters": True,
    "hookCovers": True,
    "hookTitles": True,
    "hookSyncImages": True,
    "hookRepairChapters": True,
    "hookFileMetadata": True,
}


CUSTOM = "custom_fields"
CUSTOM_FIELDS_SENT: dict[str, set[str]] = {}  # release -> the paths whose requests named custom fields
REFUSED: dict[str, list[str]] = {}  # release -> requests Stash refused before running them (HTTP 422)
RUN = 'mutation Run($args: Map) { runPluginOperation(plugin_id: "gallery_tools", args: $args) }'
SELECTED = "5"  # the sample's hand-made gallery with images: the one Stash lets the page change the images of
NOT_ON_THE_LIST = "2"  # the sample's gallery with a duplicate (Portraits.zip): the page's one-gallery actions


def _page(sim: StashSimulator, args: dict[str, Any]) -> Any:
    """The gallery page's call: runPluginOperation through GraphQL, the real plugin as a process."""
    return sim.gql(RUN, {"args": args})["runPluginOperation"]


def _image_ids(sim: StashSimulator, gallery_id: str) -> dict[str, str]:
    """{file name: image id} of a gallery's images (read in-process: not in the request log)."""
    found = sim.gql(
        "query Images($ids: [ID!]) { findImages(image_filter: { galleries: { value: $ids, modifier: INCLUDES } },"
        ' filter: { per_page: -1, sort: "path" }) { images { id visual_files { ... on ImageFile { path } } } } }',
        {"ids": [gallery_id]},
    )["findImages"]["images"]
    return {image["visual_files"][0]["path"].rsplit("/", 1)[1]: image["id"] for image in found}


def _gallery_ids_by_name(sim: StashSimulator) -> dict[str, str]:
    """{the name a preview gives a gallery (its title, else its zip's or folder's name): id}."""
    found = sim.gql(
        "{ findGalleries(filter: { per_page: -1 }) { galleries { id title files { path } folder { path } } } }"
    )["findGalleries"]["galleries"]
    names = {}
    for gallery in found:
        path = gallery["files"][0]["path"] if gallery["files"] else (gallery["folder"] or {}).get("path", "")
        names[gallery["title"] or path.rsplit("/", 1)[-1]] = gallery["id"]
    return names


def _run_page(sim: StashSimulator, collect: Callable[[StashSimulator, str], None]) -> None:
    """Every page action of ACTIONS, previewed and applied as the page does, each path collected:
    on the galleries list (all the sample's galleries) for the actions offered there, then on one
    gallery (the first the list's preview changes; the selected-images actions on the hand-made
    SELECTED gallery, with its images and one of another gallery's), and Add to a gallery into a
    new gallery. Each Apply applies its preview (nothing changed between them)."""
    by_name = _gallery_ids_by_name(sim)
    everyone = sorted(by_name.values(), key=lambda i: (len(i), i))
    own = _image_ids(sim, SELECTED)
    other = next(iter(_image_ids(sim, "1").values()))
    chosen = {"image_id": own["IMG_0001.jpg"], "image_ids": [own["sunset.jpg"], other], "title": "Page documents"}
    # the selected-images actions first, while SELECTED is as the sample made it (a task's Apply may
    # put a chapter where Start a chapter here would, which leaves it nothing to write)
    for name, action in sorted(ACTIONS.items(), key=lambda item: not item[1].own_params):
        params = {p.name for p in action.own_params}
        own_args = {key: value for key, value in chosen.items() if key in params}
        gallery_id = SELECTED if own_args else NOT_ON_THE_LIST
        if action.on_list:
            listed = _page(sim, {"page": "preview", "action": name, "gallery_ids": everyone})
            assert listed["task"]["args"]["gallery_ids"] == everyone, listed
            collect(sim, f"page list {name} preview")
            gallery_id = next((by_name[row["gallery"]] for row in listed["changes"]), "1")
        calls = [{"gallery_id": gallery_id, **own_args}]
        if "new_title" in params:
            calls.append({"new_title": "Page documents", "image_ids": chosen["image_ids"]})
        for call in calls:
            where = "new gallery" if "new_title" in call else f"gallery {call['gallery_id']}"
            preview = _page(sim, {"page": "preview", "action": name, **call})
            collect(sim, f"page {name} preview on {where}")
            done = _page(sim, {"page": "apply", "action": name, "fingerprint": preview["fingerprint"], **call})
            assert done["applied"] is True, done
            collect(sim, f"page {name} apply on {where}")


def _run_everything(release_name: str) -> dict[str, set[str]]:
    """Run every plugin path on a fresh simulator of this release: {document: {paths that sent it}}."""
    documents: dict[str, set[str]] = {}
    with_fields = CUSTOM_FIELDS_SENT.setdefault(release_name, set())
    refused = REFUSED.setdefault(release_name, [])

    def collect(sim: StashSimulator, path: str) -> None:
        """Keep the documents the plugin sent since the last collect, as sent by `path`."""
        for record in sim.requests.records:
            if record.query:
                documents.setdefault(record.query, set()).add(path)
                if CUSTOM in record.query or CUSTOM in json.dumps(record.variables):
                    with_fields.add(path)
            if record.status == 422:
                refused.append(f"{path}: {record.operation_name} {record.root_fields}")
        sim.requests.clear()

    for fixture in FIXTURES:
        args = json.loads(fixture.read_text(encoding="utf-8"))["args"]
        with StashSimulator(release=release_name) as sim:
            sim.install_plugin(REPO)
            result = sim.run_operation(args)
            if release_name == "v0.30.1" and result.error and "needs Stash v0.31" in result.error:
                assert args.get("mode") == "repair_chapters", fixture.name  # the one task that needs v0.31
            else:
                assert result.returncode == 0, (fixture.name, result.stderr[-2000:])
            collect(sim, fixture.stem)
    # the hook as a scan fires it, with every rule on (settings are read first)
    with StashSimulator(release=release_name) as sim:
        sim.install_plugin(REPO)
        sim.set_plugin_settings("gallery_tools", HOOK_RULES)
        sim.scan_folder("/library/Scanned Set", ["cover.jpg", "01.jpg", "sub/02.jpg"])
        sim.scan_zip("/library/Zipped Set.zip", ["a/01.jpg", "b/02.jpg"])
        assert sim.hooks.runs, "the scan ran the plugin's hook"
        collect(sim, "scan hook")
        result = sim.run_task(button("finish_new_galleries"))
        assert result.error is None, result.stderr[-2000:]
        collect(sim, "finish new galleries")
    # Link scenes copying what a gallery lacks: the matched scenes' metadata is read (ScenesByIds)
    with StashSimulator(release=release_name) as sim:
        sim.install_plugin(REPO)
        result = sim.run_task(button("link_scenes"), {"copy_metadata": "true"})
        assert result.error is None, result.stderr[-2000:]
        collect(sim, "link scenes with copy")
    # the gallery page's actions, as the page calls them (runPluginOperation), on the sample library
    with StashSimulator(release=release_name) as sim:
        sim.install_plugin(REPO)
        _run_page(sim, collect)
    return documents


@cache
def sent_documents() -> dict[str, dict[str, set[str]]]:
    """{release it ran on: {document: paths}} for every release (run once per test session)."""
    return {name: _run_everything(name) for name in RELEASES}


def all_documents() -> dict[str, set[str]]:
    merged: dict[str, set[str]] = {}
    for documents in sent_documents().values():
        for query, paths in documents.items():
            merged.setdefault(query, set()).update(paths)
    return merged


def test_the_plugin_paths_send_many_distinct_documents() -> None:
    """The collection is not vacuous: every fixture's run reached Stash, with reads and writes."""
    documents = all_documents()
    paths = {path for found in documents.values() for path in found}
    assert {f.stem for f in FIXTURES} <= paths
    assert {"scan hook", "finish new galleries", "link scenes with copy"} <= paths
    assert any("query ScenesByIds" in query for query in documents)  # the copy read scenes by id
    kinds = {parse(query).definitions[0].operation.value for query in documents}  # type: ignore[attr-defined]
    assert kinds == {"query", "mutation"}
    assert len(documents) >= 20, sorted(documents)


def test_every_page_action_was_previewed_and_applied_on_every_release() -> None:
    """The page's paths are in the collection: each action of ACTIONS (the code's own list, so a
    new action is in it too) previewed and applied on one gallery, the list's actions previewed on
    the galleries list, Add to a gallery into a new gallery; the applies of the page's own workflows
    wrote (mutations: those documents are the page's alone)."""
    for release_name, documents in sent_documents().items():
        paths = {path for found in documents.values() for path in found}
        for name, action in ACTIONS.items():
            assert any(p.startswith(f"page {name} preview on gallery ") for p in paths), (release_name, name)
            assert any(p.startswith(f"page {name} apply on gallery ") for p in paths), (release_name, name)
            assert (f"page list {name} preview" in paths) == action.on_list, (release_name, name)
        assert {"page add_images preview on new gallery", "page add_images apply on new gallery"} <= paths
        written = {
            path for query, found in documents.items() if query.lstrip().startswith("mutation") for path in found
        }
        for name in ("set_cover", "start_chapter", "remove_images", "add_images"):  # the page's own workflows
            assert any(p.startswith(f"page {name} apply on gallery ") for p in written), (release_name, name)
        assert "page add_images apply on new gallery" in written, release_name


def _failures(release_name: str, documents: dict[str, set[str]]) -> dict[str, Any]:
    schema = stash_schema(release_name)
    failures: dict[str, Any] = {}
    for query, paths in documents.items():
        errors = validate(schema, parse(query))
        if errors:
            failures[query] = {"sent by": sorted(paths), "errors": [e.message for e in errors]}
    return failures


@pytest.mark.parametrize("release_name", sorted(RELEASES))
def test_every_document_sent_to_a_release_validates_on_it_gqlparser_validator(release_name: str) -> None:
    failures = _failures(release_name, sent_documents()[release_name])
    assert not failures, json.dumps(failures, indent=2)[:6000]


@pytest.mark.parametrize("release_name", sorted(RELEASES))
def test_what_the_plugin_sends_to_v0_30_1_validates_on_every_release(release_name: str) -> None:
    failures = _failures(release_name, sent_documents()["v0.30.1"])
    assert not failures, json.dumps(failures, indent=2)[:6000]


def test_v0_31_fields_go_to_the_releases_that_have_them_only() -> None:
    """Custom fields (in documents or variables) are sent to v0.31.1 and develop (read, written,
    by the repair task and the new-gallery rules), never to v0.30.1, which would refuse the
    request; no release refused any request of the plugin's (HTTP 422)."""
    sent_documents()
    assert CUSTOM_FIELDS_SENT["v0.30.1"] == set()
    for release_name in ("v0.31.1", "develop"):
        assert {
            "task_repair_chapters",
            "task_chapters_from_folders",
            "find_gallery",
            "update_gallery",
            "finish new galleries",
        } <= CUSTOM_FIELDS_SENT[release_name], sorted(CUSTOM_FIELDS_SENT[release_name])
    assert {name: [] for name in RELEASES} == REFUSED


def test_the_check_refuses_a_document_a_release_does_not_have() -> None:
    """The same validate() call fails for a field only v0.31 has, on v0.30.1."""
    document = parse("{ findGalleries { galleries { id custom_fields } } }")
    assert validate(stash_schema("v0.30.1"), document)
    assert not validate(stash_schema("v0.31.1"), document)
    assert not validate(stash_schema("develop"), document)
