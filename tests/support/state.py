"""The simulator's state, read in-process with sim.gql (never logged, never faulted): one gallery at
a time (State), the whole library by path (library_state), ids by path or name, and a snapshot of
everything a run could change."""

from __future__ import annotations

from typing import Any

from stash_sim import StashSimulator

from gallery_ops.common.constants import NEW_GALLERY_TAG

GALLERY = """query State($id: ID!) { findGallery(id: $id) {
  id title code date details photographer rating100 organized urls image_count
  studio { id } tags { id } performers { id } scenes { id }
  files { path } folder { path } cover { id } chapters { id title image_index }
} }"""
IMAGE = """query($id: ID!) { findImage(id: $id) {
  id date photographer studio { id } tags { id } performers { id } } }"""
VISUAL_PATH = "visual_files { ... on ImageFile { path } ... on VideoFile { path } }"
LIBRARY = """{
  findGalleries(filter: {per_page: -1, sort: "id"}) { galleries {
    id title code date details photographer rating100 organized urls scenes { title }
    files { path } folder { path }
    cover { VISUAL_PATH } chapters { title image_index } tags { name } performers { name } studio { name }
  } }
  findImages(filter: {per_page: -1, sort: "id"}) { images {
    VISUAL_PATH tags { name } performers { name } studio { name } date photographer
  } }
}""".replace("VISUAL_PATH", VISUAL_PATH)
# Everything a run could change in the sample library: galleries (fields, images, cover,
# chapters), images (metadata, galleries), tags and plugin settings.
SNAPSHOT = """{
  findGalleries(filter: {per_page: -1, sort: "id"}) { count galleries {
    id title code date details photographer rating100 organized urls image_count updated_at
    studio { id } tags { id } performers { id } scenes { id } cover { id }
    chapters { id title image_index } } }
  findImages(filter: {per_page: -1, sort: "id"}) { count images {
    id title date photographer updated_at studio { id } tags { id } performers { id } galleries { id } } }
  findTags(filter: {per_page: -1, sort: "id"}) { count tags { id name } }
  configuration { plugins }
}"""


class State:
    """One gallery or image of the simulator at a time, by id."""

    def __init__(self, sim: StashSimulator) -> None:
        self.sim = sim

    def gallery(self, gallery_id: Any) -> dict[str, Any] | None:
        return self.sim.gql(GALLERY, {"id": str(gallery_id)})["findGallery"]

    def image(self, image_id: Any) -> dict[str, Any] | None:
        return self.sim.gql(IMAGE, {"id": str(image_id)})["findImage"]

    def image_ids(self, gallery_id: Any) -> set[str]:
        data = self.sim.gql(
            "query($f: ImageFilterType) { findImages(image_filter: $f, filter: {per_page: -1}) { images { id } } }",
            {"f": {"galleries": {"value": [str(gallery_id)], "modifier": "INCLUDES"}}},
        )
        return {image["id"] for image in data["findImages"]["images"]}

    def cover(self, gallery_id: Any) -> str | None:
        found = self.gallery(gallery_id)
        assert found is not None, f"no gallery {gallery_id}"
        return found["cover"]["id"] if found["cover"] else None

    def chapters(self, gallery_id: Any) -> list[tuple[str, int]]:
        found = self.gallery(gallery_id)
        assert found is not None, f"no gallery {gallery_id}"
        return [(c["title"], c["image_index"]) for c in found["chapters"]]

    def gallery_ids(self, gallery_filter: dict[str, Any] | None = None) -> list[int]:
        data = self.sim.gql(
            "query($f: GalleryFilterType) { findGalleries(gallery_filter: $f,"
            ' filter: {per_page: -1, sort: "id"}) { galleries { id } } }',
            {"f": gallery_filter},
        )
        return [int(g["id"]) for g in data["findGalleries"]["galleries"]]

    def gallery_count(self) -> int:
        return int(self.sim.gql("{ findGalleries(filter: {per_page: 0}) { count } }")["findGalleries"]["count"])

    def titled(self, title: str) -> list[str]:
        data = self.sim.gql(
            "query($f: GalleryFilterType) { findGalleries(gallery_filter: $f, filter: {per_page: -1}) {"
            " galleries { id } } }",
            {"f": {"title": {"value": title, "modifier": "EQUALS"}}},
        )
        return [g["id"] for g in data["findGalleries"]["galleries"]]

    def image_exists(self, image_id: Any) -> bool:
        return self.image(image_id) is not None


def snapshot(sim: StashSimulator) -> dict[str, Any]:
    """Everything a run could change (SNAPSHOT), to compare before and after."""
    return sim.gql(SNAPSHOT)


def unrooted(sim: StashSimulator, path: str) -> str:
    """A path Stash reports as the library description gives it (without the root of a library on disk)."""
    root = sim.library_root
    return path[len(root) :] if root and path.startswith(root + "/") else path


def portable(sim: StashSimulator, value: Any) -> Any:
    """A run's output with the root of a library on disk taken out of every string (comparable
    between simulators)."""
    root = sim.library_root
    if not root:
        return value
    if isinstance(value, str):
        return value.replace(root + "/", "/")
    if isinstance(value, list):
        return [portable(sim, v) for v in value]
    if isinstance(value, dict):
        return {portable(sim, k): portable(sim, v) for k, v in value.items()}
    return value


def gallery_key(sim: StashSimulator, gallery: dict[str, Any]) -> str:
    """A gallery by its zip or folder path, or "user:<title>" for a hand-made one."""
    files, folder = gallery.get("files") or [], gallery.get("folder") or {}
    return unrooted(sim, files[0]["path"] if files else folder.get("path") or f"user:{gallery['title']}")


def _names(refs: list[dict[str, Any]] | None, drop_marker: bool) -> list[str]:
    return sorted(r["name"] for r in refs or [] if not (drop_marker and r["name"] == NEW_GALLERY_TAG))


def library_state(sim: StashSimulator, drop_marker: bool = False) -> dict[str, Any]:
    """Every gallery and image as the tasks may change them, keyed by path (or title), by names."""
    data = sim.gql(LIBRARY)
    galleries = {}
    for g in data["findGalleries"]["galleries"]:
        galleries[gallery_key(sim, g)] = {
            "title": g["title"],
            "code": g["code"],
            "date": g["date"],
            "photographer": g["photographer"],
            "cover": unrooted(sim, g["cover"]["visual_files"][0]["path"]) if g["cover"] else None,
            "chapters": [(c["title"], c["image_index"]) for c in g["chapters"]],
            "tags": _names(g["tags"], drop_marker),
            "performers": _names(g["performers"], False),
            "studio": (g["studio"] or {}).get("name"),
            "details": g["details"] or None,
            "rating100": g["rating100"],
            "organized": g["organized"],
            "urls": sorted(g["urls"] or []),
            "scenes": sorted(s["title"] for s in g["scenes"] or []),
        }
    images = {
        unrooted(sim, i["visual_files"][0]["path"]): {
            "tags": _names(i["tags"], drop_marker),
            "performers": _names(i["performers"], False),
            "studio": (i["studio"] or {}).get("name"),
            "date": i["date"],
            "photographer": i["photographer"] or None,
        }
        for i in data["findImages"]["images"]
    }
    return {"galleries": galleries, "images": images}


def ids_by_path(sim: StashSimulator) -> dict[str, str]:
    """Gallery id by zip/folder path, or by "user:<title>" for user-created galleries (gallery_key)."""
    data = sim.gql(
        '{ findGalleries(filter: {per_page: -1, sort: "id"}) {'
        " galleries { id title files { path } folder { path } } } }"
    )
    return {gallery_key(sim, g): g["id"] for g in data["findGalleries"]["galleries"]}


def image_ids_by_path(sim: StashSimulator) -> dict[str, str]:
    """Image id by path."""
    data = sim.gql(f"{{ findImages(filter: {{per_page: -1}}) {{ images {{ id {VISUAL_PATH} }} }} }}")
    return {unrooted(sim, i["visual_files"][0]["path"]): i["id"] for i in data["findImages"]["images"]}


def named_id(sim: StashSimulator, kind: str, name: str) -> str:
    """The id of the tag, performer or studio with that name."""
    field = {"tag": "findTags", "performer": "findPerformers", "studio": "findStudios"}[kind]
    data = sim.gql(
        f"query($n: String!) {{ {field}(filter: {{per_page: -1}},"
        f" {kind}_filter: {{name: {{value: $n, modifier: EQUALS}}}}) {{ {kind}s {{ id }} }} }}",
        {"n": name},
    )
    (found,) = data[field][f"{kind}s"]
    return str(found["id"])
