"""NameBook for ids (stash/names.py, GalleryOps.names_of): every kind in one request, named as
Stash's UI shows each (a gallery by its title, else its zip's or folder's name; an image by its
file name; a scene by its title, else its video's name)."""

from __future__ import annotations

from stash_sim import StashSimulator

from gallery_ops import GalleryOps
from gallery_ops.stash.models import FileRef, FolderRef, Gallery, TagRef
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


def test_asking_a_tag_of_unread_galleries_keeps_the_galleries_named_before() -> None:
    """A run's report names the galleries its changes were on (learned on an early page) and the
    tags it added: looking the tag up in the last pages' unread galleries learns their refs only,
    not their names, which would put the early galleries out of the book (and into a request)."""
    names = NameBook(kept=2)
    names.learn("gallery", "1", "early")
    names.learn_galleries([Gallery(id=str(n), title=f"late {n}", tags=[TagRef(id="5", name="Set")]) for n in (8, 9)])
    assert names.name("tag", "5") == "Set"
    assert names.name("tag", "6") is None  # (refs read once: nothing more to learn there)
    assert names.name("image", "8") is None  # a gallery names no image
    assert names.known["gallery"] == {"1": "early"}
    assert names.unknown([Mention("gallery", "1"), Mention("tag", "5")]) == {}
    # a gallery asked for reads them whole (the book then keeps the last two)
    assert names.name("gallery", "9") == "late 9"
    assert names.known["gallery"] == {"8": "late 8", "9": "late 9"}
    assert names.unread == []


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
