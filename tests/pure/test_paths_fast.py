"""The fast paths of paths.py (plain POSIX paths, files of one folder taken apart once) give
exactly the answers of the general split, for POSIX, Windows, UNC and odd paths alike."""

from __future__ import annotations

import random

from gallery_ops.common import paths

ODD = [
    "",
    "/",
    "//",
    "\\",
    "\\\\",
    "a",
    "a/",
    "/a",
    "/a/",
    "//a",
    "//a/b",
    "//a/b/c.jpg",
    "/\\a\\b\\c.jpg",
    "\\/a/b/c.jpg",
    "/a//b///c.jpg",
    "/a/b/c.jpg/",
    "/a/b\\c.jpg",
    "a/b/c.jpg",
    "./a/b.jpg",
    "C:",
    "C:\\",
    "C:/",
    "C:a.jpg",
    "C:\\G\\Set.zip\\day1/001.jpg",
    "c:/G/day1/002.jpg",
    "C:\\G\\x.jpg",
    "\\\\nas\\share\\G\\Set.zip\\001.jpg",
    "\\\\nas\\share",
    "//nas/share/x.jpg",
    "//nas/x.jpg",
    "//nas/y.jpg",
    "/data/Galleries/Set.zip/day 1/001.jpg",
    "/data/Galleries/Set.zip/day 1/002.jpg",
    "/x.jpg",
    "/y.jpg",
    "/1:/a.jpg",
    "/C:/a.jpg",
    "C:/a.jpg",
]


def _reference_folder(path: str) -> tuple[str, ...]:
    parts = paths.split(path)
    return (parts.root.replace("/", "\\"), *parts.names[:-1])


def _reference_base(path: str) -> str:
    names = paths.split(path).names
    return names[-1] if names else ""


def _random_paths(count: int) -> list[str]:
    pieces = ["/", "/", "\\", "a", "b.jpg", "C:", ":", " ", "day1", "//", "x.zip"]
    rng = random.Random(8)
    return ["".join(rng.choice(pieces) for _ in range(rng.randint(0, 7))) for _ in range(count)]


def test_folder_names_and_base_name_match_the_general_split() -> None:
    for path in ODD + _random_paths(5000):
        assert paths.folder_names(path) == _reference_folder(path), path
        assert paths.base_name(path) == _reference_base(path), path


def test_folders_of_matches_folder_names_in_order() -> None:
    for batch in (ODD, _random_paths(5000), sorted(_random_paths(5000)), ODD + ODD[::-1]):
        assert paths.folders_of(batch) == [paths.folder_names(p) for p in batch]


def test_folders_of_one_folder_and_mixed_hosts() -> None:
    batch = [
        "/g/Set.zip/day1/001.jpg",
        "/g/Set.zip/day1/002.jpg",
        "/g/Set.zip/day2/001.jpg",
        "/x.jpg",
        "/y.jpg",
        "//nas/x.jpg",
        "//nas/y.jpg",
        "C:/G/a.jpg",
        "C:\\G/b.jpg",
    ]
    assert paths.folders_of(batch) == [
        ("\\", "g", "Set.zip", "day1"),
        ("\\", "g", "Set.zip", "day1"),
        ("\\", "g", "Set.zip", "day2"),
        ("\\",),
        ("\\",),
        ("\\\\nas\\x.jpg\\",),
        ("\\\\nas\\y.jpg\\",),
        ("C:\\", "G"),
        ("C:\\", "G"),
    ]
