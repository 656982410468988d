"""gallery_ops.common.paths: one place that takes Stash's paths apart, for Linux and Windows hosts
(docs/stash.md §9)."""

from __future__ import annotations

import pytest
import re2

from gallery_ops.common import paths


@pytest.mark.parametrize(
    "path, root, names",
    [
        ("/library/zips/Set.zip", "/", ("library", "zips", "Set.zip")),
        ("/library/zips/", "/", ("library", "zips")),
        ("C:\\Galleries\\Set.zip", "C:\\", ("Galleries", "Set.zip")),
        ("C:/Galleries/Set.zip", "C:\\", ("Galleries", "Set.zip")),
        ("C:\\Galleries\\Set.zip/day1\\001.jpg", "C:\\", ("Galleries", "Set.zip", "day1", "001.jpg")),
        ("\\\\nas\\share\\Photos\\a.jpg", "\\\\nas\\share\\", ("Photos", "a.jpg")),
        ("//nas/share/Photos/a.jpg", "\\\\nas\\share\\", ("Photos", "a.jpg")),
        ("C:\\", "C:\\", ()),
        # on a Linux host a backslash is part of a name, as it is for Stash there
        ("/library/odd\\name.jpg", "/", ("library", "odd\\name.jpg")),
    ],
)
def test_split(path, root, names):
    parts = paths.split(path)
    assert (parts.root, parts.names) == (root, names)


@pytest.mark.parametrize(
    "path, base, parent",
    [
        ("/library/zips/Set.zip", "Set.zip", "/library/zips"),
        ("C:\\Galleries\\Summer_Trip.2022.zip", "Summer_Trip.2022.zip", "C:\\Galleries"),
        ("C:\\Galleries\\Trip\\", "Trip", "C:\\Galleries"),
        ("\\\\nas\\share\\Set.zip", "Set.zip", "\\\\nas\\share\\"),
        ("C:\\Set.zip/Day 1/001.jpg", "001.jpg", "C:\\Set.zip\\Day 1"),
    ],
)
def test_base_name_and_parent(path, base, parent):
    assert paths.base_name(path) == base
    assert paths.parent(path) == parent


@pytest.mark.parametrize(
    "name, stem, ext",
    [
        ("Summer_Trip.2022.zip", "Summer_Trip.2022", ".zip"),
        ("Beach 2021", "Beach 2021", ""),
        (".hidden", ".hidden", ""),
        ("..x", "..x", ""),
        ("a.JPG", "a", ".JPG"),
    ],
)
def test_split_extension(name, stem, ext):
    assert paths.split_extension(name) == (stem, ext)


def test_stem_and_extension_of_windows_paths():
    assert paths.stem("C:\\Galleries\\Summer_Trip.2022.zip") == "Summer_Trip.2022"
    assert paths.extension("C:\\Galleries\\Set.ZIP") == ".zip"


def test_the_same_folder_whichever_separator():
    assert paths.folder_names("C:\\G\\Set.zip\\day1\\a.jpg") == paths.folder_names("C:/G/Set.zip/day1/b.jpg")
    assert paths.folder_names("C:\\G\\a.jpg") != paths.folder_names("D:\\G\\a.jpg")


def test_common_folder():
    folders = [
        paths.folder_names(p)
        for p in ("C:\\G\\Set.zip\\Day 1\\a.jpg", "C:\\G\\Set.zip\\Day 2\\x\\b.jpg", "C:\\G\\Set.zip\\c.jpg")
    ]
    root = paths.common_folder(folders)
    assert root == ("C:\\", "G", "Set.zip")
    assert paths.common_folder([("C:\\", "a"), ("\\\\nas\\share\\", "a")]) == ()


@pytest.mark.parametrize(
    "given, matches, misses",
    [
        ("/library/zips/", ["/library/zips/Set.zip"], ["/library/zipsX/Set.zip", "/other/library/zips/a.zip"]),
        ("/library/zips/Summer Trip [2022", ["/library/zips/Summer Trip [2022-08-01].zip"], ["/library/zips/Summer"]),
        ("C:\\Galleries", ["C:\\Galleries\\Set.zip", "c:\\galleries\\x"], ["D:\\Galleries\\Set.zip"]),
        ("c:/galleries/", ["C:\\Galleries\\Set.zip"], ["C:\\GalleriesOld"]),
        ("\\\\nas\\share\\Photos", ["\\\\nas\\share\\Photos\\Beach"], ["\\\\nas\\share\\Video"]),
        ("/a.b+c(d)", ["/a.b+c(d)/x"], ["/aXb+c(d)/x"]),
    ],
)
def test_prefix_regex_under_go_semantics(given, matches, misses):
    """The `path` scope becomes a MATCHES_REGEX filter that Stash runs with Go's regexp (RE2 here)."""
    pattern = re2.compile(paths.prefix_regex(given))
    assert [p for p in matches if pattern.search(p)] == matches
    assert [p for p in misses if pattern.search(p)] == []


def test_ntfs_upper_is_simple_and_one_to_one():
    """NTFS compares names by a simple upper-case table, never by full case folding."""
    from gallery_ops.common.paths import ntfs_upper

    kelvin = "\u212a"
    assert ntfs_upper("Straße") == "STRAßE" and ntfs_upper("ﬁsh") == "ﬁSH" and ntfs_upper(kelvin) == kelvin
    assert ntfs_upper("été") == "ÉTÉ" and ntfs_upper("beach") == "BEACH"
    assert ntfs_upper("k") != ntfs_upper(kelvin) and ntfs_upper("ss") != ntfs_upper("ß")
