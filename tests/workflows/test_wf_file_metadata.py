"""import_file_metadata: reading ComicInfo.xml and gallery-dl JSON (real files), plans, and the task end to end
on a library whose zips and folders are on this disk."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import pytest
from wf_support import (
    COMIC as COMIC_ZIP,
    IMPORT_FILE_METADATA,
    NIGHT_MARKET,
    PLUGIN,
    diff,
    fresh_sim,
    gallery,
    kill_and_rerun_at_every_request,
    run,
    state,
)

from gallery_ops.common.limits import METADATA_FILE_MAX_BYTES
from gallery_ops.common.metadata_files import (
    FileMetadata,
    FileMetadataError,
    parse_comic_info,
    parse_gallery_dl,
    read_gallery_metadata,
    sidecar_candidates,
)
from gallery_ops.tasks.changes import AddGalleryRefs, SetGalleryFields
from gallery_ops.tasks.file_metadata import plan_import

IMPORT = IMPORT_FILE_METADATA
COMIC = b"""<?xml version="1.0"?>
<ComicInfo xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
  <Title>The Harbour</Title><Series>Coast</Series><Number>3</Number>
  <Summary>Boats at  dawn.</Summary><Writer>Ann Lee, Bo Ray</Writer><Penciller>Bo Ray</Penciller>
  <Year>2019</Year><Month>6</Month><Day>2</Day>
  <Tags>Beach, Harbour</Tags><Genre>Travel</Genre><Web>https://example.org/coast/3</Web>
</ComicInfo>"""


def make_zip(path: Path, members: dict[str, bytes]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(path, "w") as archive:
        for name, data in members.items():
            archive.writestr(name, data)


# -- reading -------------------------------------------------------------------------------------
def test_comic_info_fields():
    found = parse_comic_info(COMIC, "x")
    assert (found.title, found.date, found.details) == ("Coast #3: The Harbour", "2019-06-02", "Boats at dawn.")
    assert found.artists == ["Ann Lee", "Bo Ray"] and found.tags == ["Beach", "Harbour", "Travel"]
    assert found.urls == ["https://example.org/coast/3"]


@pytest.mark.parametrize(
    "data, reason",
    [
        (b'<!DOCTYPE x [<!ENTITY a "aaaa">]><ComicInfo><Title>&a;</Title></ComicInfo>', "DTD"),
        (b"<ComicInfo><Title>open", "not valid XML"),
    ],
)
def test_comic_info_that_is_not_read(data, reason):
    with pytest.raises(FileMetadataError, match=reason):
        parse_comic_info(data, "x")


URL_PIECES = ["http", "HTTPS", "ftp", ":", "//", "/", "?", "#", "[", "]", "::1", "example.org", "\t", " ", "\x01"]
URL_PIECES += ["ｈ", "@", "％", "︰", "v1.x", "a"]  # (fullwidth and compatibility characters: NFKC changes them)


def test_web_urls_are_those_urlsplit_reads_as_http_with_a_host():
    """web_urls reads the usual URL without urllib.parse (its import costs a page action more than the
    file); the answers stay urlsplit's, brackets (IPv6) and non-ASCII hosts included, on generated URLs."""
    import random
    from urllib.parse import urlsplit

    from gallery_ops.common.metadata_files import web_urls

    def urlsplit_says(url: str) -> bool:
        try:
            parts = urlsplit(url)
        except ValueError:
            return False
        return parts.scheme.lower() in ("http", "https") and bool(parts.netloc)

    chosen = random.Random(4)
    urls = [
        "https://example.org/coast/3",
        "http://[::1]/x",
        "http://[::1",
        "http://a]b",
        "https://ex︰ample",
        "http:///x",
    ]
    urls += ["".join(chosen.choice(URL_PIECES) for _ in range(chosen.randrange(9))) for _ in range(20000)]
    for url in urls:
        assert web_urls([url]) == ([url.strip()] if urlsplit_says(url.strip()) else []), repr(url)


def test_reading_files_imports_the_xml_and_zip_modules_only_for_a_zip(tmp_path):
    """A page action on a folder with a gallery-dl JSON loads neither the XML parser nor the zip reader
    (nor urllib.parse); a zip's ComicInfo.xml loads both. In a fresh interpreter, as a run is."""
    import subprocess
    import sys

    make_zip(tmp_path / "comic.cbz", {"ComicInfo.xml": COMIC})
    (tmp_path / "folder").mkdir()
    (tmp_path / "folder" / "info.json").write_text(json.dumps({"title": "T", "url": "https://example.org/t"}))
    code = (
        "import json, sys\n"
        "from gallery_ops.common.metadata_files import read_gallery_metadata\n"
        "found = read_gallery_metadata(sys.argv[1], sys.argv[2] == 'zip')\n"
        "print(json.dumps([found is not None, sorted(m for m in ('xml.parsers.expat', 'gallery_ops.common.zip_member',"
        " 'urllib.parse') if m in sys.modules)]))\n"
    )
    seen = {}
    for kind, path in (("folder", tmp_path / "folder"), ("zip", tmp_path / "comic.cbz")):
        done = subprocess.run(
            [sys.executable, "-S", "-c", code, str(path), kind],
            capture_output=True,
            text=True,
            cwd=Path(__file__).resolve().parents[2],
            check=False,
            timeout=60,
        )
        assert done.returncode == 0, done.stderr
        seen[kind] = json.loads(done.stdout)
    assert seen == {"folder": [True, []], "zip": [True, ["gallery_ops.common.zip_member", "xml.parsers.expat"]]}


def test_gallery_dl_json():
    data = json.dumps(
        {
            "title": "Night  Market",
            "date": "2021-03-04 18:00:00",
            "tags": {"general": ["Beach"], "artist": "Cy"},
            "gallery_url": "https://g.example/1",
            "artist": ["Cy", "Di"],
        }
    ).encode()
    found = parse_gallery_dl(data, "/x/info.json")
    assert (found.title, found.date, found.tags, found.artists) == (
        "Night Market",
        "2021-03-04",
        ["Beach", "Cy"],
        ["Cy", "Di"],
    )
    assert found.urls == ["https://g.example/1"]
    with pytest.raises(FileMetadataError, match="not valid JSON"):
        parse_gallery_dl(b"{", "/x/info.json")


def test_a_zips_comic_info_is_read_without_extracting(tmp_path):
    zip_path = tmp_path / "Set.cbz"
    make_zip(zip_path, {"comicinfo.XML": COMIC, "001.jpg": b"jpg"})
    found = read_gallery_metadata(str(zip_path), is_zip=True)
    assert found.title == "Coast #3: The Harbour" and found.source.endswith("Set.cbz/comicinfo.XML")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["Set.cbz"]  # nothing extracted


def test_size_limits_and_unreadable_files_are_reasons(tmp_path):
    big = tmp_path / "big.zip"
    make_zip(big, {"ComicInfo.xml": b"<ComicInfo>" + b" " * METADATA_FILE_MAX_BYTES + b"</ComicInfo>"})
    with pytest.raises(FileMetadataError, match="more than"):
        read_gallery_metadata(str(big), is_zip=True)
    bad = tmp_path / "bad.zip"
    bad.write_bytes(b"not a zip")
    with pytest.raises(FileMetadataError, match="cannot be read"):
        read_gallery_metadata(str(bad), is_zip=True)
    with pytest.raises(FileMetadataError, match="not on this disk"):
        read_gallery_metadata(str(tmp_path / "gone.zip"), is_zip=True)
    folder = tmp_path / "f"
    folder.mkdir()
    (folder / "info.json").write_bytes(b"{" + b" " * METADATA_FILE_MAX_BYTES + b"}")
    with pytest.raises(FileMetadataError, match="more than"):
        read_gallery_metadata(str(folder), is_zip=False)
    (tmp_path / "g").mkdir()
    with pytest.raises(FileMetadataError, match="no metadata file"):
        read_gallery_metadata(str(tmp_path / "g"), is_zip=False)


def test_where_sidecars_are_looked_for():
    assert sidecar_candidates("/p/Set.zip", True) == ["/p/Set.zip.json", "/p/Set.json"]
    assert sidecar_candidates("/p/Set", False) == ["/p/Set/info.json", "/p/Set.json"]
    assert sidecar_candidates("C:\\P\\Set.zip", True) == ["C:\\P\\Set.zip.json", "C:\\P\\Set.json"]


# -- plans ---------------------------------------------------------------------------------------
FOUND = FileMetadata(
    "x", title="T", date="2020-01-02", details="D", artists=["Ann", "Zed"], tags=["Beach", "Nope"], urls=["https://u"]
)


def test_the_plan_fills_only_what_is_empty_and_lists_unknown_names():
    g = gallery(title="Mine", tags=(1,)).model_copy(update={"urls": ["https://u"]})
    plan, unknown = plan_import(g, FOUND, {"Beach": "1", "Nope": None}, {}, "photographer")
    assert plan.changes == [
        SetGalleryFields(g.id, (("date", "2020-01-02"), ("details", "D"), ("photographer", "Ann, Zed")))
    ]
    assert unknown == ["Nope"]


def test_artists_as_performers_by_name():
    plan, unknown = plan_import(
        gallery(photographer="Pat"), FOUND, {"Beach": "4"}, {"Ann": "7", "Zed": None}, "performers"
    )
    fields, refs = plan.changes
    assert "photographer" not in dict(fields.fields)
    assert isinstance(refs, AddGalleryRefs) and dict(refs.refs) == {
        "tag_ids": ("4",),
        "performer_ids": ("7",),
        "urls": ("https://u",),
    }
    assert sorted(unknown) == ["Nope", "Zed"]


# -- end to end on the sample library, written to disk ----------------------------------------------
# (the scenario "import_file_metadata": test_wf_tasks checks its preview sends no mutation and its
# second run no write, test_wf_kill that a run killed at any request and run again ends the same)
def test_the_sample_comic_and_download_get_what_their_files_say(scenario_run):
    runs = scenario_run("import_file_metadata")
    assert diff(runs.before, runs.after) == {
        ("galleries", COMIC_ZIP, "title"): ("", "Coast #3: The Harbour"),
        ("galleries", COMIC_ZIP, "date"): (None, "2019-06-02"),
        ("galleries", COMIC_ZIP, "details"): (None, "Boats at dawn."),
        ("galleries", COMIC_ZIP, "photographer"): ("", "Ada Vale"),  # artists as photographer (the default)
        ("galleries", COMIC_ZIP, "tags"): ([], ["Beach", "Travel"]),  # Tags and Genre
        ("galleries", COMIC_ZIP, "urls"): ([], ["https://example.org/coast/3"]),
        ("galleries", NIGHT_MARKET, "title"): ("", "Night Market"),
        ("galleries", NIGHT_MARKET, "date"): (None, "2021-03-04"),
        ("galleries", NIGHT_MARKET, "photographer"): ("", "Bo Lind"),
        ("galleries", NIGHT_MARKET, "tags"): ([], ["Travel"]),
        ("galleries", NIGHT_MARKET, "urls"): ([], ["https://gallery.example/night-market"]),
    }
    out = runs.first.output
    assert out["unknown_names"] == ["Street food"]  # no such tag in Stash: left out, listed
    assert out["skipped"] == {
        "no metadata file (ComicInfo.xml, gallery-dl JSON)": 6,
        "its zip or folder is not on this disk": 1,  # Old Trip is gone
        "hand-made (no zip or folder)": 2,
    }


def test_the_sample_not_on_this_disk_is_skipped_with_the_reason():
    with fresh_sim() as sim:  # the sample as the tests usually see it: on a disk they cannot read
        before = state(sim)
        out = run(sim, IMPORT).output
        assert sim.requests.mutations() == [] and state(sim) == before
    assert out["skipped"] == {"its zip or folder is not on this disk": 9, "hand-made (no zip or folder)": 2}


# -- end to end on a library of its own, on disk ----------------------------------------------------
def disk_library(root: Path) -> dict:
    make_zip(root / "comics" / "Coast 3.cbz", {"ComicInfo.xml": COMIC, "001.jpg": b"j"})
    make_zip(root / "dl" / "Market.zip", {"001.jpg": b"j"})
    (root / "dl" / "Market.zip.json").write_text(
        json.dumps({"title": "Night Market", "tags": ["Travel"], "url": "https://g.example/9"})
    )
    (root / "photos" / "Dunes").mkdir(parents=True)
    (root / "photos" / "Dunes" / "info.json").write_text(json.dumps({"title": "Dunes", "date": "2018-10-11"}))
    r = str(root)
    return {
        "tags": ["Beach", "Travel"],
        "performers": ["Ann Lee"],
        "galleries": [
            {"zip": f"{r}/comics/Coast 3.cbz", "images": ["001.jpg"], "date": "2000-01-01"},
            {"zip": f"{r}/dl/Market.zip", "images": ["001.jpg"]},
            {"folder": f"{r}/photos/Dunes", "images": ["1.jpg"], "title": "Set by me"},
            {"zip": f"{r}/gone.zip", "images": ["001.jpg"]},
            {"title": "Picks", "images": [f"{r}/photos/Dunes/1.jpg"]},
        ],
    }


def test_the_task_fills_from_files_then_writes_nothing_more(tmp_path):
    r = str(tmp_path)
    with fresh_sim(disk_library(tmp_path)) as sim:
        before = state(sim)
        preview = run(sim, IMPORT, {"dry_run": "true"}).output
        assert sim.requests.mutations() == [] and state(sim) == before
        applied = run(sim, IMPORT).output
        assert applied["changes"] == preview["changes"]
        assert diff(before, state(sim)) == {
            ("galleries", f"{r}/comics/Coast 3.cbz", "title"): ("", "Coast #3: The Harbour"),
            ("galleries", f"{r}/comics/Coast 3.cbz", "details"): (None, "Boats at dawn."),
            ("galleries", f"{r}/comics/Coast 3.cbz", "photographer"): ("", "Ann Lee, Bo Ray"),
            ("galleries", f"{r}/comics/Coast 3.cbz", "tags"): ([], ["Beach", "Travel"]),
            ("galleries", f"{r}/comics/Coast 3.cbz", "urls"): ([], ["https://example.org/coast/3"]),
            ("galleries", f"{r}/dl/Market.zip", "title"): ("", "Night Market"),
            ("galleries", f"{r}/dl/Market.zip", "tags"): ([], ["Travel"]),
            ("galleries", f"{r}/dl/Market.zip", "urls"): ([], ["https://g.example/9"]),
            ("galleries", f"{r}/photos/Dunes", "date"): (None, "2018-10-11"),  # its title is a person's
        }
        assert applied["unknown_names"] == ["Harbour"]
        assert applied["skipped"] == {"its zip or folder is not on this disk": 1, "hand-made (no zip or folder)": 1}
        sim.requests.clear()
        again = run(sim, IMPORT).output
        assert sim.requests.mutations() == [] and again["change_count"] == 0


def test_artists_as_performers_by_setting(tmp_path):
    with fresh_sim(disk_library(tmp_path)) as sim:
        sim.set_plugin_settings(PLUGIN, {"fileMetadataArtists": "performers"})
        before = state(sim)
        out = run(sim, IMPORT).output
        changed = diff(before, state(sim))
    assert changed[("galleries", f"{tmp_path}/comics/Coast 3.cbz", "performers")] == ([], ["Ann Lee"])
    assert ("galleries", f"{tmp_path}/comics/Coast 3.cbz", "photographer") not in changed
    assert set(out["unknown_names"]) == {"Harbour", "Bo Ray"}


def test_killed_at_any_request_a_rerun_ends_as_one_run(tmp_path):
    library = disk_library(tmp_path)
    total, problems = kill_and_rerun_at_every_request(lambda: library, IMPORT)
    assert total >= 5 and problems == []
