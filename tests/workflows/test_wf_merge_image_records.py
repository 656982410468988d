"""A duplicate zip deleted by the merge takes its image records with it (Stash destroys the images
of a zip gallery's zips): what a person set on those images goes first to the kept gallery's
images with the same checksum, never overwriting; when it cannot, the delete is refused with
the reason. The preview names every gallery it would delete and what goes with it."""

from __future__ import annotations

import hashlib
from pathlib import Path

from wf_support import MERGE_DELETE_APPLY, fresh_sim, run, state


def md5(text: str) -> str:
    return hashlib.md5(text.encode()).hexdigest()


def touch(path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"x")


def moved_zip(root: Path, first: dict, second: dict, kept_second: dict | None = None) -> dict:
    """Set A moved from old/a.zip (gone; old/keep.jpg is still there: proof) to new/Set A, scanned
    again as new image records with the same checksums; the zip's images carry what a person set."""
    touch(root / "old" / "keep.jpg")
    for name in ("1.jpg", "2.jpg"):
        touch(root / "new" / "Set A" / name)
    r = str(root)
    return {
        "tags": ["Mine", "Theirs"],
        "performers": ["Ada"],
        "images": [f"{r}/old/keep.jpg"],
        "galleries": [
            {
                "zip": f"{r}/old/a.zip",
                "title": "Set A",
                "images": [{"name": "1.jpg", "md5": md5("A1"), **first}, {"name": "2.jpg", "md5": md5("A2"), **second}],
            },
            {
                "folder": f"{r}/new/Set A",
                "images": [
                    {"name": "1.jpg", "md5": md5("A1")},
                    {"name": "2.jpg", "md5": md5("A2"), **(kept_second or {})},
                ],
            },
        ],
    }


def set_rating(sim, path: str, rating: int) -> None:
    data = sim.gql(
        "{ findImages(filter: {per_page: -1}) { images { id visual_files { ... on ImageFile { path } } } } }"
    )
    (image,) = [i["id"] for i in data["findImages"]["images"] if i["visual_files"][0]["path"] == path]
    sim.gql(f'mutation {{ imageUpdate(input: {{id: "{image}", rating100: {rating}}}) {{ id }} }}')


def test_what_a_person_set_on_the_deleted_zip_s_images_goes_to_the_kept_images_first(tmp_path):
    r = str(tmp_path)
    library = moved_zip(
        tmp_path, {"tags": ["Mine"], "performers": ["Ada"]}, {"tags": ["Theirs"]}, kept_second={"tags": ["Mine"]}
    )
    with fresh_sim(library) as sim:
        set_rating(sim, f"{r}/old/a.zip/2.jpg", 80)
        preview = run(sim, MERGE_DELETE_APPLY, {"dry_run": "true"})
        out = run(sim, MERGE_DELETE_APPLY).output
        after = state(sim)
        rating = sim.gql('{ findImages(filter: {per_page: -1, sort: "path"}) { images { rating100 } } }')
    assert f"{r}/old/a.zip" not in after["galleries"]
    assert after["images"][f"{r}/new/Set A/1.jpg"]["tags"] == ["Mine"]
    assert after["images"][f"{r}/new/Set A/1.jpg"]["performers"] == ["Ada"]
    assert after["images"][f"{r}/new/Set A/2.jpg"]["tags"] == ["Mine", "Theirs"]  # added, none taken away
    assert 80 in [i["rating100"] for i in rating["findImages"]["images"]]
    assert out["failed_count"] == 0
    # the preview names the gallery (by its zip when it has no title) and what goes with it
    (destroy,) = [c for c in preview.output["changes"] if "destroy_gallery" in c]
    said = destroy["destroy_gallery"]
    assert said["title"] == "Set A" and said["path"] == f"{r}/old/a.zip"
    assert said["image_records"] == 2
    assert set(said["image_metadata"]) == {"tags", "performers", "rating100"}
    line = next(line for line in preview.log_text.splitlines() if "would delete the gallery" in line)
    assert '"Set A"' in line and "2 image records" in line and "null" not in line


def test_a_value_the_kept_image_has_otherwise_is_never_overwritten_and_the_delete_is_refused(tmp_path):
    r = str(tmp_path)
    library = moved_zip(tmp_path, {}, {})
    with fresh_sim(library) as sim:
        set_rating(sim, f"{r}/old/a.zip/1.jpg", 80)
        set_rating(sim, f"{r}/new/Set A/1.jpg", 40)
        out = run(sim, MERGE_DELETE_APPLY).output
        after = state(sim)
        ratings = sim.gql(
            '{ findImages(filter: {per_page: -1, sort: "path"}) {'
            " images { rating100 visual_files { ... on ImageFile { path } } } } }"
        )
    assert f"{r}/old/a.zip" in after["galleries"]
    by_path = {i["visual_files"][0]["path"]: i["rating100"] for i in ratings["findImages"]["images"]}
    assert by_path[f"{r}/old/a.zip/1.jpg"] == 80 and by_path[f"{r}/new/Set A/1.jpg"] == 40
    assert any("rating100" in reason for reason in out["skipped"])
