"""The simulator follows Go and Stash, not Python: Windows paths, clips, date layouts, regex syntax."""

from __future__ import annotations

import pytest
from stash_sim import StashSimulator
from stash_sim.godate import parse_stash_date
from stash_sim.hostpaths import LINUX, WINDOWS, zip_member_name
from stash_sim.simulator import SimGraphQLError

PATHS = "visual_files { ... on ImageFile { path } ... on VideoFile { path } }"


# -- Go's path/filepath, per host (pkg/sqlite/file.go Join, pkg/file/scan.go Dir) ------------------
@pytest.mark.parametrize(
    "folder, base, joined",
    [
        ("C:\\G", "a.jpg", "C:\\G\\a.jpg"),
        ("C:\\", "a.jpg", "C:\\a.jpg"),
        ("\\\\nas\\share", "a.jpg", "\\\\nas\\share\\a.jpg"),
        ("C:\\G\\Set.zip", "day1/001.jpg", "C:\\G\\Set.zip\\day1\\001.jpg"),  # Join cleans: / becomes \
    ],
)
def test_windows_join(folder, base, joined):
    assert WINDOWS.join(folder, base) == joined


@pytest.mark.parametrize(
    "path, folder, base",
    [
        ("C:\\G\\a.jpg", "C:\\G", "a.jpg"),
        ("C:\\a.jpg", "C:\\", "a.jpg"),
        ("C:/G/a.jpg", "C:\\G", "a.jpg"),
        ("\\\\nas\\share\\a.jpg", "\\\\nas\\share\\", "a.jpg"),
        ("\\\\nas\\share\\G\\a.jpg", "\\\\nas\\share\\G", "a.jpg"),
    ],
)
def test_windows_dir_and_base(path, folder, base):
    assert (WINDOWS.dir(path), WINDOWS.base(path)) == (folder, base)


def test_linux_keeps_backslashes_in_names():
    assert (LINUX.dir("/g/a\\b.jpg"), LINUX.base("/g/a\\b.jpg")) == ("/g", "a\\b.jpg")
    assert LINUX.join("/g/", "x", "../a.jpg") == "/g/a.jpg"


@pytest.mark.parametrize(
    "name, read", [("day1\\001.jpg", "day1/001.jpg"), ("/x/./y.jpg", "x/y.jpg"), ("../up.jpg", "up.jpg")]
)
def test_zip_member_names_as_gos_zip_reader_shows_them(name, read):
    assert zip_member_name(name) == read


def test_a_windows_library_reports_windows_paths(make_sim):
    sim = make_sim(
        {
            "host": "windows",
            "galleries": [
                {"zip": "C:\\G\\Set.zip", "images": ["day1\\001.jpg", "day1/002.jpg", "day2\\001.jpg"]},
                {"folder": "\\\\nas\\share\\Photos", "images": ["a.jpg"]},
            ],
        }
    )
    data = sim.gql(
        f'{{ findImages(filter: {{per_page: -1, sort: "path"}}) {{ images {{ {PATHS} }} }}'
        ' findGalleries(filter: {sort: "id"}) { galleries { files { path } folder { path } } } }'
    )
    assert [i["visual_files"][0]["path"] for i in data["findImages"]["images"]] == [
        "C:\\G\\Set.zip\\day1\\001.jpg",
        "C:\\G\\Set.zip\\day1\\002.jpg",
        "C:\\G\\Set.zip\\day2\\001.jpg",
        "\\\\nas\\share\\Photos\\a.jpg",
    ]
    galleries = data["findGalleries"]["galleries"]
    assert galleries[0]["files"] == [{"path": "C:\\G\\Set.zip"}]
    assert galleries[1]["folder"] == {"path": "\\\\nas\\share\\Photos"}


def test_path_filters_join_with_the_hosts_separator(make_sim):
    """pathCriterionHandler: folders.path || filepath.Separator || basename, matched by Go's regexp."""
    sim = make_sim({"host": "windows", "galleries": [{"zip": "C:\\G\\Set.zip", "images": ["day1/001.jpg"]}]})
    count = (
        "query($v: String!) {{ {}(filter: {{per_page: 0}}, {}: {{path: {{value: $v, modifier: MATCHES_REGEX}}}})"
        " {{ count }} }}"
    )
    images = count.format("findImages", "image_filter")
    galleries = count.format("findGalleries", "gallery_filter")
    assert sim.gql(images, {"v": r"^C:\\G\\Set\.zip\\day1\\001\.jpg$"})["findImages"]["count"] == 1
    assert sim.gql(images, {"v": "day1/001"})["findImages"]["count"] == 0
    assert sim.gql(galleries, {"v": r"^C:\\G\\Set\.zip$"})["findGalleries"]["count"] == 1


def test_gallery_order_on_windows_sorts_digits_before_the_separator(make_sim):
    """defaultGalleryOrder: folder path || base name, NATURAL_CI; '\\\\' sorts after digits, '/' before."""
    images = ["Night/001.jpg", "Night/Late/001.jpg", "Night/002.jpg"]
    orders = {}
    for host in ("linux", "windows"):
        root = "C:\\Z\\Set.zip" if host == "windows" else "/z/Set.zip"
        sim = make_sim({"host": host, "galleries": [{"zip": root, "images": images}]})
        found = sim.gql(
            f'{{ findGallery(id: 1) {{ image(index: 0) {{ id }} }} findImages(filter: {{sort: "path"}})'
            f" {{ images {{ {PATHS} }} }} }}"
        )
        orders[host] = [
            i["visual_files"][0]["path"][len(root) + 1 :].replace("\\", "/") for i in found["findImages"]["images"]
        ]
    assert orders["linux"] == ["Night/Late/001.jpg", "Night/001.jpg", "Night/002.jpg"]
    assert orders["windows"] == ["Night/001.jpg", "Night/002.jpg", "Night/Late/001.jpg"]


def test_an_unknown_host_is_refused(make_sim):
    with pytest.raises(ValueError, match="host is one of"):
        make_sim({"host": "macos"})


# -- clips (Image.visual_files is VideoFile | ImageFile) -------------------------------------------
def test_a_clip_is_a_video_file_with_its_size(make_sim):
    sim = make_sim(
        {
            "galleries": [
                {"folder": "/c", "images": [{"name": "a.mp4", "width": 720, "height": 1280, "duration": 3}, "b.jpg"]}
            ]
        }
    )
    data = sim.gql(
        '{ findImages(filter: {sort: "path"}) { images { files { path } visual_files { __typename'
        " ... on VideoFile { path width height duration } ... on ImageFile { path width height } } } } }"
    )
    clip, picture = data["findImages"]["images"]
    assert clip == {
        "files": [],
        "visual_files": [
            {"__typename": "VideoFile", "path": "/c/a.mp4", "width": 720, "height": 1280, "duration": 3.0}
        ],
    }
    assert picture["files"] == [{"path": "/c/b.jpg"}]
    assert picture["visual_files"][0]["__typename"] == "ImageFile"


def test_a_clip_named_like_a_cover_is_stashs_default_cover(make_sim):
    sim = make_sim({"galleries": [{"folder": "/c", "images": ["a.jpg", "poster.mp4"]}]})
    cover = sim.gql(f"{{ findGallery(id: 1) {{ cover {{ {PATHS} }} }} }}")["findGallery"]["cover"]
    assert cover["visual_files"][0]["path"] == "/c/poster.mp4"


# -- dates with Go's layouts (pkg/models/date.go, pkg/utils/date.go) -------------------------------
@pytest.mark.parametrize(
    "text, stored",
    [
        ("2022-01-05", "2022-01-05"),
        ("2022-01", "2022-01"),
        ("2022", "2022"),
        ("0000", "0000"),
        ("2022-01-05 7:04:05", "2022-01-05"),
        ("2022-01-05T23:30:00-05:00", "2022-01-05"),
    ],
)
def test_dates_stash_accepts(make_sim, text, stored):
    sim = make_sim({"galleries": [{"folder": "/a", "images": ["1.jpg"]}]})
    sim.gql('mutation($d: String) { galleryUpdate(input: {id: "1", date: $d}) { id } }', {"d": text})
    assert sim.gql("{ findGallery(id: 1) { date } }")["findGallery"]["date"] == stored


def test_2022_1_5_is_refused_and_the_whole_update_with_it(make_sim):
    sim = make_sim({"galleries": [{"folder": "/a", "images": ["1.jpg"]}]})
    with pytest.raises(SimGraphQLError) as caught:
        sim.gql('mutation { galleryUpdate(input: {id: "1", title: "New", date: "2022-1-5"}) { id } }')
    assert str(caught.value).count("converting date: failed to parse date") == 1
    assert 'parsing time "2022-1-5" as "2006-01": cannot parse "1-5" as "01"' in str(caught.value)
    assert 'parsing time "2022-1-5": extra text: "-1-5"' in str(caught.value)
    assert sim.gql("{ findGallery(id: 1) { title date } }")["findGallery"] == {"title": "", "date": None}


@pytest.mark.parametrize("text", ["2022-1-5", "2023-02-29", "2022-13", " 2022", "2022-01-05T15:04:05", "22"])
def test_dates_stash_refuses(text):
    with pytest.raises(ValueError, match="failed to parse date"):
        parse_stash_date(text)


# -- Go's regexp for MATCHES_REGEX and the cover regex ---------------------------------------------
REGEX_COUNT = (
    "query($v: String!) { findImages(filter: {per_page: 0},"
    " image_filter: {path: {value: $v, modifier: MATCHES_REGEX}}) { count } }"
)


def test_go_only_syntax_works(sim: StashSimulator):
    assert sim.gql(REGEX_COUNT, {"v": r"cover\.jpg\z"})["findImages"]["count"] == 1


@pytest.mark.parametrize(
    "pattern, message",
    [
        (r"(?=cover)", "error parsing regexp: invalid or unsupported Perl syntax: `(?=`"),
        (r"(a)\1", "error parsing regexp: invalid escape sequence: `\\1`"),
        (r"cover\Z", "error parsing regexp: invalid escape sequence: `\\Z`"),
        (r"\C", "error parsing regexp: invalid escape sequence: `\\C`"),
        ("([", "error parsing regexp: missing closing ]: `[`"),
    ],
)
def test_python_only_syntax_is_refused_as_go_refuses_it(sim: StashSimulator, pattern, message):
    body = sim.gql_raw(REGEX_COUNT, {"v": pattern})
    assert [e["message"] for e in body["errors"]] == [message]


def test_the_cover_regex_is_gos_and_an_invalid_one_reads_as_the_default(make_sim):
    sim = make_sim({"galleries": [{"folder": "/c", "images": ["a.jpg", "front.jpg", "cover.jpg"]}]})
    cover = f"{{ findGallery(id: 1) {{ cover {{ {PATHS} }} }} configuration {{ general {{ galleryCoverRegex }} }} }}"
    sim.config.gallery_cover_regex = r"front\.[^.]+\z"
    data = sim.gql(cover)
    assert data["findGallery"]["cover"]["visual_files"][0]["path"] == "/c/front.jpg"
    assert data["configuration"]["general"]["galleryCoverRegex"] == r"front\.[^.]+\z"
    sim.config.gallery_cover_regex = r"(?=front)"  # Go refuses it: Stash uses its default
    data = sim.gql(cover)
    assert data["findGallery"]["cover"]["visual_files"][0]["path"] == "/c/cover.jpg"
    assert data["configuration"]["general"]["galleryCoverRegex"] == r"(poster|cover|folder|board)\.[^\.]+$"
