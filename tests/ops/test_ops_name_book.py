"""NameBook for ids (stash/names.py, GalleryOps.names_of): every kind in one request, named as
Stash's UI shows each (a gallery by its title, else its zip's or folder's name; an image by its
file name; a scene by its title, else its video's name)."""

from __future__ import annotations

from stash_sim import StashSimulator

from gallery_ops import GalleryOps
from gallery_ops.stash.models import FileRef, FolderRef, Gallery
from gallery_ops.stash.names import Mention, NameBook, called, gallery_name


def test_every_kind_is_named_in_one_request(sim: StashSimulator, ops: GalleryOps) -> None:
    before = len(sim.requests)
    found = ops.names_of(
        {
            "gallery": ["2", "4"],  # a title a person set; a zip without a title
            "tag": ["1", "3"],
            "performer": ["2"],
            "studio": ["1"],
            "scene": ["2"],
            "image": ["14"],
        }
    )
    assert len(sim.requests) - before == 1
    assert found == {
        "gallery": {"2": "Studio Portraits", "4": "city_walk-2020.zip"},
        "tag": {"1": "Beach", "3": "Travel"},
        "performer": {"2": "Bo Lind"},
        "studio": {"1": "Lumen Studio"},
        "scene": {"2": "City Walk"},
        "image": {"14": "b.jpg"},
    }


def test_an_id_that_names_nothing_leaves_the_others_named(sim: StashSimulator, ops: GalleryOps) -> None:
    # one alias per id: findTag(id) answers null for an id that names no tag, where findTags(ids)
    # would refuse the whole list (pkg/sqlite/tag.go FindMany)
    before = len(sim.requests)
    assert ops.names_of({"tag": ["1", "999"], "performer": ["2"]}) == {
        "tag": {"1": "Beach"},
        "performer": {"2": "Bo Lind"},
    }
    assert len(sim.requests) - before == 1


def test_nothing_to_name_sends_nothing(sim: StashSimulator, ops: GalleryOps) -> None:
    before = len(sim.requests)
    assert ops.names_of({"tag": [], "chapter": ["3"]}) == {}
    assert len(sim.requests) == before


def test_the_book_keeps_recent_galleries_and_every_tag() -> None:
    names = NameBook(kept=2)
    for n in range(1, 4):
        names.learn("gallery", str(n), f"g{n}")
        names.learn("tag", str(n), f"t{n}")
    assert [names.name("gallery", str(n)) for n in range(1, 4)] == [None, "g2", "g3"]
    assert [names.name("tag", str(n)) for n in range(1, 4)] == ["t1", "t2", "t3"]
    # a change's own name wins; what is neither known nor given is asked for (not chapters: no query)
    mentions = [Mention("gallery", "1"), Mention("image", "7", "a.jpg"), Mention("chapter", "5"), Mention("tag", "2")]
    assert names.unknown(mentions) == {"gallery": ["1"]}
    assert names.of(mentions) == {"image": {"7": "a.jpg"}, "tag": {"2": "t2"}}


def test_a_gallery_is_called_by_its_title_else_its_file_or_folder() -> None:
    zipped = Gallery(id="4", title="", files=[FileRef(path=r"C:\Sets\city_walk.zip")], folder=None)
    folder = Gallery(id="5", title=None, files=[], folder=FolderRef(path="/library/photos/Harbour/"))
    titled = Gallery(id="6", title="Best of 2021", files=[], folder=None)
    unread = Gallery(id="7")  # neither title nor path selected: no name (asked for later)
    assert [gallery_name(g) for g in (zipped, folder, titled, unread)] == [
        "city_walk.zip",
        "Harbour",
        "Best of 2021",
        None,
    ]
    assert called("Harbour", "5") == '"Harbour" [5]' and called(None, "5") == "[5]"
