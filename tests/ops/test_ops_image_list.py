"""A findImages answer's images checked only where they are not alike the last one checked but for
their ids (and galleries), their galleries likewise, and shared by images that carry the same
galleries (operations.image_list): the same records, the same refusals, as checking every image on
its own (IMAGE_LIST)."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from gallery_ops.stash import operations
from gallery_ops.stash.models import Gallery, TagRef
from gallery_ops.stash.operations import IMAGE_LIST, image_list
from gallery_ops.stash.record import RecordError


def gallery(gid: str, *tags: str, studio: str | None = None) -> dict[str, Any]:
    return {
        "id": gid,
        "date": None,
        "photographer": "",
        "studio": {"id": studio} if studio else None,
        "tags": [{"id": t, "name": f"Tag {t}"} for t in tags],
        "performers": [],
    }


def image(iid: str, *galleries: dict[str, Any] | None, **fields: Any) -> dict[str, Any]:
    out: dict[str, Any] = {"id": iid, "date": None, "photographer": None, "studio": None, "tags": [], "performers": []}
    out.update(fields)
    if galleries != (None,):
        out["galleries"] = [copy.deepcopy(g) for g in galleries]  # equal, never the same objects
    else:
        out["galleries"] = None
    return out


A, B = gallery("1", "5"), gallery("2", "6", studio="9")
ANSWER = [
    image("10", A),
    image("11", A, tags=[{"id": "7"}]),
    image("12", A, B),  # also in another gallery
    image("13", A, B),
    image("14", A),  # the first galleries again
    image("15", gallery("1", "5", "8")),  # the same gallery, other metadata (changed meanwhile)
    image("16"),  # in no gallery
    image("17", None),  # galleries null
    {"id": "18", "date": "2020-01-02"},  # galleries not selected
    image("19", A),
]


def fields_set(images: list[Any]) -> list[set[str]]:
    return [i.model_fields_set for i in images]


def test_the_images_are_the_records_checking_each_image_alone_makes():
    alone, shared = IMAGE_LIST(copy.deepcopy(ANSWER)), image_list(copy.deepcopy(ANSWER))
    assert shared == alone
    assert fields_set(shared) == fields_set(alone)
    assert [[g.model_fields_set for g in i.galleries or []] for i in shared] == [
        [g.model_fields_set for g in i.galleries or []] for i in alone
    ]
    assert shared[5].galleries[0].tags != shared[4].galleries[0].tags  # compared by value, not by id
    assert shared[7].galleries is None and shared[8].galleries is None and shared[6].galleries == []


def test_images_with_the_same_galleries_share_their_records_each_in_its_own_list(monkeypatch):
    made: list[int] = []
    check = operations.GALLERY_LIST

    def counting(value: Any) -> list[Gallery]:
        made.append(len(value))
        return check(value)

    monkeypatch.setattr(operations, "GALLERY_LIST", counting)
    images = image_list(copy.deepcopy(ANSWER))
    # one at a time, each gallery not alike the last one checked: 10's A, 12's B (12's A is made
    # from 10's), 14's A (the last checked is B), 15's other A, 19's A; 11's and 13's galleries are
    # the image before's, 16 has none, 17's and 18's are checked with the image (none to check)
    assert made == [1, 1, 1, 1, 1]
    assert images[0].galleries[0] is images[1].galleries[0]
    assert images[2].galleries[1] is images[3].galleries[1]
    assert images[4].galleries[0] is not images[0].galleries[0]  # (only the previous image's are compared)
    assert images[0].galleries is not images[1].galleries  # each image's own list
    images[0].galleries.append(images[2].galleries[1])
    assert len(images[1].galleries) == 1


def test_an_answer_without_galleries_is_checked_as_it_is():
    plain = [{"id": "1", "tags": [{"id": "2"}]}, {"id": "3"}]
    assert image_list(copy.deepcopy(plain)) == IMAGE_LIST(copy.deepcopy(plain))
    assert image_list([]) == []


def refused_alike(answer: list[Any]) -> None:
    """image_list refuses `answer` with exactly the errors and message IMAGE_LIST gives it."""
    with pytest.raises(RecordError) as alone:
        IMAGE_LIST(copy.deepcopy(answer))
    with pytest.raises(RecordError) as shared:
        image_list(answer)
    assert shared.value.errors() == alone.value.errors()
    assert str(shared.value) == str(alone.value)


@pytest.mark.parametrize(
    "broken",
    [
        lambda answer: answer[3]["galleries"][1].update(id=5),  # a gallery's id not text
        lambda answer: answer[0]["galleries"][0]["tags"].append("7"),  # a tag not an object
        lambda answer: answer[2].update(galleries="1"),  # galleries not a list
        lambda answer: answer[4].update(date=20200102),  # the image's own field
        lambda answer: answer.insert(1, "12"),  # an image not an object
    ],
)
def test_a_wrong_answer_is_refused_with_what_checking_each_image_alone_says(broken):
    answer = copy.deepcopy(ANSWER)
    broken(answer)
    refused_alike(answer)


# Runs of images alike but for their ids (a fresh scan's, or a synced gallery's): 20-22, 23-24, 25-26, 27.
RUNS = [
    image("20", A),
    image("21", A),
    image("22", A),
    image("23", A, tags=[{"id": "7", "name": "Seven"}]),
    image("24", A, tags=[{"id": "7", "name": "Seven"}]),
    image("25", A, B),
    image("26", A, B),
    image("27", A),
]


def test_images_alike_but_for_their_ids_are_checked_once_a_run_each_with_its_own_lists(monkeypatch):
    alone = IMAGE_LIST(copy.deepcopy(RUNS))
    checked: list[list[str]] = []
    check = operations.IMAGE_LIST

    def counting(value: Any) -> list[Any]:
        checked.append([item["id"] for item in value])
        return check(value)

    monkeypatch.setattr(operations, "IMAGE_LIST", counting)
    images = image_list(copy.deepcopy(RUNS))
    # the first of each run, one at a time; not 27, alike 25 but for its id and its galleries
    assert checked == [["20"], ["23"], ["25"]]
    assert images == alone and [i.id for i in images] == [str(n) for n in range(20, 28)]
    assert fields_set(images) == fields_set(alone)
    assert images[4].tags == [TagRef(id="7", name="Seven")] and images[4].tags[0] is images[3].tags[0]
    for one, next_one in ((images[0], images[1]), (images[3], images[4]), (images[5], images[6])):
        assert one.tags is not next_one.tags and one.galleries is not next_one.galleries  # each its own lists
        assert one.galleries == next_one.galleries
    images[3].tags.append(TagRef(id="8"))
    assert len(images[4].tags) == 1


@pytest.mark.parametrize(
    "broken",
    [
        lambda answer: answer[1].update(id=21),  # an id not text, on an image otherwise alike
        lambda answer: answer[2].update(date=20200102),  # the image's own field, in a run
        lambda answer: answer[4]["tags"][0].update(id=7),  # a tag's id, in a run
        lambda answer: answer[6]["galleries"][1].update(id=5),  # a gallery's id, in a run
        lambda answer: answer[1].pop("id"),  # no id
        lambda answer: answer.insert(2, None),  # an image not an object, in a run
    ],
)
def test_a_wrong_image_in_a_run_is_refused_with_what_checking_each_image_alone_says(broken):
    answer = copy.deepcopy(RUNS)
    broken(answer)
    refused_alike(answer)


# A request's answers (one per gallery of a page, aliased), checked together: galleries 30-33 alike
# but for their ids (a fresh scan's, or a page whose galleries carry the same tag), 34 not.
def alike_gallery(gid: str) -> dict[str, Any]:
    return gallery(gid, "5", studio="9")


PAGE = [
    [image("40", alike_gallery("30")), image("41", alike_gallery("30"))],
    [image("42", alike_gallery("31"))],
    [image("43", alike_gallery("32"), gallery("34", "6")), image("44", alike_gallery("32"))],  # two, then one
    [],  # a gallery without images
    [image("45", alike_gallery("33")), image("46", alike_gallery("33"), tags=[{"id": "7"}])],
    [image("47", gallery("34", "6"))],
]


def test_a_requests_answers_are_checked_together_with_galleries_alike_but_for_their_ids_checked_once(monkeypatch):
    alone = [IMAGE_LIST(copy.deepcopy(answer)) for answer in PAGE]
    calls: dict[str, list[list[str]]] = {"images": [], "galleries": []}
    check_images, check_galleries = operations.IMAGE_LIST, operations.GALLERY_LIST

    def images(value: Any) -> list[Any]:
        calls["images"].append([item["id"] for item in value])
        return check_images(value)

    def galleries(value: Any) -> list[Gallery]:
        calls["galleries"].append([item["id"] for item in value])
        return check_galleries(value)

    monkeypatch.setattr(operations, "IMAGE_LIST", images)
    monkeypatch.setattr(operations, "GALLERY_LIST", galleries)
    lists = operations.image_lists(copy.deepcopy(PAGE))
    # an image not alike the last one made but for its id and its galleries, one at a time: 40, then
    # 46 and 47 (own tags); 42-45 are alike 40 but for their galleries (the empty answer checked on
    # its own). Galleries not alike the last one checked but for their ids: 30 (31, 32 alike it),
    # 34, then 44's 32 (the last checked is 34; 33 alike it), then 47's 34
    assert calls["images"] == [["40"], [], ["46"], ["47"]]
    assert calls["galleries"] == [["30"], ["34"], ["32"], ["34"]]
    assert lists == alone
    assert [fields_set(images) for images in lists] == [fields_set(images) for images in alone]
    assert [[[g.model_fields_set for g in i.galleries] for i in images] for images in lists] == [
        [[g.model_fields_set for g in i.galleries] for i in images] for images in alone
    ]
    first, alike = lists[0][0].galleries[0], lists[1][0].galleries[0]
    assert (first.id, alike.id) == ("30", "31") and alike.tags == first.tags
    assert alike.tags is not first.tags and alike.tags[0] is first.tags[0]  # its own list, the same records
    alike.tags.append(TagRef(id="8"))
    assert len(first.tags) == 1


def test_a_gallery_alike_the_last_one_checked_alone_is_made_from_that_one():
    # 52's gallery is alike 50's (the last checked alone), not 51's first (checked with another)
    page = [
        [image("60", alike_gallery("50"))],
        [image("61", gallery("51", "6"), alike_gallery("53"))],
        [image("62", alike_gallery("52"))],
    ]
    alone = [IMAGE_LIST(copy.deepcopy(answer)) for answer in page]
    lists = operations.image_lists(copy.deepcopy(page))
    assert lists == alone
    assert lists[2][0].galleries[0].tags == [TagRef(id="5", name="Tag 5")]


@pytest.mark.parametrize(
    "broken",
    [
        lambda page: page[1][0]["galleries"][0].update(id=31),  # a gallery's id, alike but for it
        lambda page: page[1][0]["galleries"][0]["studio"].update(id=9),  # a field of a gallery like the last
        lambda page: page[0][0]["galleries"][0]["tags"][0].update(name=5),  # the first gallery, with others alike it
        lambda page: page[4][1].update(date=20200102),  # an image's own field, in the fifth answer
        lambda page: page[2].insert(1, "44"),  # an image not an object, in the third
        lambda page: page.__setitem__(3, {"id": "48"}),  # an answer not a list
        lambda page: page[1][0].update(date=20200102),  # an image alike the one before but for its galleries
        lambda page: page[2][0]["galleries"][1]["tags"].append(6),  # a gallery beside one alike the last
        lambda page: page[2][1]["galleries"][0].update(photographer=3),  # a gallery alike but for this
    ],
)
def test_a_wrong_answer_of_a_request_is_refused_with_what_checking_each_answer_alone_says(broken):
    page = copy.deepcopy(PAGE)
    broken(page)
    with pytest.raises(RecordError) as alone:
        for answer in copy.deepcopy(page):
            IMAGE_LIST(answer)
    with pytest.raises(RecordError) as together:
        operations.image_lists(page)
    assert together.value.errors() == alone.value.errors()
    assert str(together.value) == str(alone.value)


def test_aliased_answers_keep_their_counts_and_a_wrong_count_is_refused():
    data = {f"g{n}": {"count": len(answer), "images": copy.deepcopy(answer)} for n, answer in enumerate(PAGE)}
    found = operations.images_by_alias(data)
    assert {alias: value["count"] for alias, value in found.items()} == {f"g{n}": len(a) for n, a in enumerate(PAGE)}
    assert [value["images"] for value in found.values()] == [IMAGE_LIST(copy.deepcopy(a)) for a in PAGE]
    broken = {f"g{n}": {"count": len(answer), "images": copy.deepcopy(answer)} for n, answer in enumerate(PAGE)}
    broken["g2"]["count"] = "2"
    with pytest.raises(RecordError):
        operations.images_by_alias(broken)
    del broken["g2"]["count"]
    with pytest.raises(KeyError):
        operations.images_by_alias(broken)
