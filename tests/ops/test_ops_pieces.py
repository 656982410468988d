"""A big gallery's page of images decoded a piece at a time (stash/pieces.py, operations.
counted_page_in_pieces): the same images, count and refusals as decoding the whole answer, with
about half its memory."""

from __future__ import annotations

import copy
import json
import random
import tracemalloc
from itertools import chain
from typing import Any

import pytest

from gallery_ops.stash import pieces
from gallery_ops.stash.connection import ServerConnection, StashConnection
from gallery_ops.stash.models import Gallery
from gallery_ops.stash.operations import counted_page, counted_page_in_pieces, read_as
from gallery_ops.stash.pieces import images_page
from gallery_ops.tasks.image_sync import SYNC_FIELDS, SyncFold

SPACINGS = [(", ", ": "), (",", ":")]  # json.dumps' default (the simulator's), Go's compact (Stash's)


def gallery(gid: str, *tags: str, studio: str | None = None, photographer: str = "") -> dict[str, Any]:
    return {
        "id": gid,
        "date": None,
        "photographer": photographer,
        "studio": {"id": studio} if studio else None,
        "tags": [{"id": t, "name": f"Tag {t}"} for t in tags],
        "performers": [],
    }


def image(iid: int, galleries: list[dict[str, Any]], tags: int = 0, photographer: str | None = None) -> dict[str, Any]:
    return {
        "id": str(iid),
        "date": None,
        "photographer": photographer,
        "studio": None,
        "tags": [{"id": str(t)} for t in range(1, tags + 1)],
        "performers": [],
        "galleries": copy.deepcopy(galleries),
    }


def sync_images(count: int) -> list[dict[str, Any]]:
    """Images as Sync reads them: most in one gallery, some with many own tags, some in two galleries
    (whose end, between the two, is written as an image's own end is), names holding the characters
    that end and begin items (quoted, so never a cut)."""
    one, two = gallery("1", "5", studio="9"), gallery("2", "6", "7", photographer='x]}]}, {"id": "3"}')
    out = []
    for n in range(count):
        shared = n % 7 == 3
        out.append(
            image(
                10 + n,
                [one, two] if shared else [one],
                tags=n % 11,
                photographer='a"}, {"b' if n % 13 == 5 else ("é ☃ \\ ]}]}" if n % 17 == 2 else None),
            )
        )
    return out


def page_text(images: list[dict[str, Any]], count: int | None = None, spacing: tuple[str, str] = SPACINGS[0]) -> str:
    counted = {"count": len(images) if count is None else count, "images": images}
    return json.dumps({"data": {"findImages": counted}}, separators=spacing, ensure_ascii=False)


def read(text: str) -> tuple[int, list[Any], int] | None:
    """What images_page reads: (count, the items of all pieces, how many pieces)."""
    page = images_page(text)
    if page is None:
        return None
    count, parts = page
    lists = list(parts)
    return count, list(chain.from_iterable(lists)), len(lists)


@pytest.mark.parametrize("spacing", SPACINGS)
@pytest.mark.parametrize("size", [0, 1, 3, 150, 1000])
def test_a_page_s_pieces_are_the_list_json_reads_item_for_item(spacing, size, monkeypatch):
    monkeypatch.setattr(pieces, "PIECE_CHARS", 2_000)  # (many pieces, many cuts to get right)
    images = sync_images(size)
    text = page_text(images, count=size * 3, spacing=spacing)
    found = read(text)
    assert found is not None
    count, items, parts = found
    assert count == size * 3
    assert items == json.loads(text)["data"]["findImages"]["images"] == images
    assert parts == 1 or len(text) > parts * 2_000  # (each piece at least PIECE_CHARS, but the last)
    if size >= 150:
        assert parts > 10


def test_a_page_of_1000_images_is_a_few_pieces():
    found = read(page_text(sync_images(1000)))
    assert found is not None and 4 <= found[2] <= 20


@pytest.mark.parametrize(
    "text",
    [
        '{"errors": [{"message": "boom"}], "data": {"findImages": {"count": 1, "images": [{"id": "1"}]}}}',
        '{"data": {"findImages": {"count": 1, "images": [{"id": "1"}]}}, "errors": [{"message": "boom"}]}',
        '{"data": {"findImages": {"images": [{"id": "1"}], "count": 1}}}',  # another order
        '{"data": {"findImages": {"count": 1, "images": [{"id": "1"}], "count": 2}}}',  # a name twice
        '{"data": {"findImages": {"count": 1.0, "images": [{"id": "1"}]}}}',
        '{"data": {"findImages": {"count": 01, "images": [{"id": "1"}]}}}',
        '{"data": {"findImages": {"count": "1", "images": [{"id": "1"}]}}}',
        '{"data": {"findImages": {"count": 1, "images": null}}}',
        '{"data": {"findImages": null}}',
        '{"data": null}',
        '{"data": {"findImages": {"count": 1, "images": [{"id": "1"}]}}} x',
        '{"data": {"findImages": {"count": 1, "images": [{"id": "1"}]}}}}',
        '\ufeff{"data": {"findImages": {"count": 1, "images": [{"id": "1"}]}}}',
        '{"d\\u0061ta": {"findImages": {"count": 1, "images": [{"id": "1"}]}}}',
        '{"data": {"findImages": {"count": 1, "images": [{"id": "1"}]}, "other": 1}}',
        "",
    ],
)
def test_any_other_answer_is_left_to_be_read_whole(text):
    assert images_page(text) is None


@pytest.mark.parametrize(
    "broken",
    [
        lambda t: t.replace('"id": "500"', '"id": "500",', 1),  # a trailing comma in an item
        lambda t: t.replace('"id": "500"', '"id": "500\x01"', 1),  # a control character in a string
        lambda t: t.replace(']}]}, {"id": "501"', ']}], {"id": "501"', 1),  # an item not closed
        lambda t: t.replace(']}]}, {"id": "900"', ']}]}, , {"id": "900"', 1),  # two commas
        lambda t: t[: t.rindex("]")] + ", ]}}}",  # a comma after the last item
    ],
)
def test_text_json_refuses_is_refused_by_the_pieces(broken, monkeypatch):
    monkeypatch.setattr(pieces, "PIECE_CHARS", 2_000)
    text = broken(page_text(sync_images(1000)))
    with pytest.raises(ValueError):
        json.loads(text)
    with pytest.raises(ValueError):
        read(text)


@pytest.mark.parametrize("spacing", SPACINGS)
def test_whatever_is_read_in_pieces_is_what_json_reads(spacing, monkeypatch):
    """Random edits of a page (the characters that make its structure): each edited text is read in
    pieces only as json reads it; where json refuses it, so do the pieces (or it is left whole)."""
    monkeypatch.setattr(pieces, "PIECE_CHARS", 300)
    monkeypatch.setattr(pieces, "MISSES_KEPT", 2)
    text = page_text(sync_images(40), spacing=spacing)
    rnd = random.Random(20261205)
    alphabet = '{}[],:" \\0123456789aen'
    read_in_pieces = 0
    for _ in range(3_000):
        chars = list(text)
        for _ in range(rnd.randint(1, 3)):
            at = rnd.randrange(len(chars))
            action = rnd.random()
            if action < 0.4:
                chars[at] = rnd.choice(alphabet)
            elif action < 0.7:
                del chars[at]
            else:
                chars.insert(at, rnd.choice(alphabet))
        edited = "".join(chars)
        try:
            expected: Any = json.loads(edited)
        except ValueError:
            expected = ValueError
        try:
            found: Any = read(edited)
        except ValueError:
            found = ValueError
        if found is None:
            continue
        if found is ValueError:
            assert expected is ValueError, edited
            continue
        read_in_pieces += 1
        count, items, _ = found
        assert expected == {"data": {"findImages": {"count": count, "images": items}}}, edited
    assert read_in_pieces > 300


def test_a_page_s_records_and_count_are_those_of_the_whole_answer():
    text = page_text(sync_images(1000), count=4321)
    whole = counted_page(json.loads(text)["data"])
    found = counted_page_in_pieces(text)
    assert found is not None
    assert found == whole and found["count"] == 4321
    assert [i.model_fields_set for i in found["images"]] == [i.model_fields_set for i in whole["images"]]


def connection_answering(monkeypatch: pytest.MonkeyPatch, text: str) -> StashConnection:
    connection = StashConnection(ServerConnection.parse({"Scheme": "http", "Host": "127.0.0.1", "Port": 9}))
    monkeypatch.setattr(connection, "post", lambda query, variables: (200, text.encode()))
    return connection


def outcome(connection: StashConnection, *in_pieces: Any) -> Any:
    try:
        return read_as(connection, "query GalleryImagePage { }", {}, counted_page, *in_pieces)
    except Exception as exc:
        return type(exc), str(exc)


def broken_at(at: int, **fields: Any) -> Any:
    return lambda images: [*images[:at], {**images[at], **fields}, *images[at + 1 :]]


@pytest.mark.parametrize(
    "edit",
    [
        None,
        broken_at(3, tags="7"),  # tags not a list
        broken_at(999, photographer=5),  # a number for text
        broken_at(500, galleries=[{"id": "1", "tags": "x"}]),  # a gallery's tags not a list
        lambda images: [*images[:10], None, *images[11:]],  # an item not an object
    ],
)
def test_a_page_is_answered_or_refused_as_the_whole_answer_is(edit, monkeypatch):
    """read_as with counted_page_in_pieces: the same images, or the same refusal, as without (a
    piece refused is read whole again, and refused as a whole)."""
    images = sync_images(1000)
    text = page_text(edit(images) if edit else images)
    connection = connection_answering(monkeypatch, text)
    whole = outcome(connection)
    assert outcome(connection, counted_page_in_pieces) == whole
    assert isinstance(whole, tuple) == (edit is not None)  # (each edit refused)
    assert (counted_page_in_pieces(text) is None) == (edit is not None)


@pytest.mark.parametrize(
    "text",
    [
        '{"errors": [{"message": "boom"}], "data": {"findImages": {"count": 1, "images": [{"id": "1"}]}}}',
        '{"data": {"findImages": {"count": 1, "images": [{"id": "1"}]}}, "errors": [{"message": "boom"}]}',
        '{"data": null}',
        '{"data": {"findImages": {"count": 1, "images": [{"id": "1",}]}}}',
        "not json",
    ],
)
def test_other_answers_are_refused_as_before(text, monkeypatch):
    connection = connection_answering(monkeypatch, text)
    refused = outcome(connection, counted_page_in_pieces)
    assert refused == outcome(connection) and isinstance(refused, tuple)


def test_a_page_is_read_with_about_half_the_memory_of_the_whole_answer():
    """A page of Sync's 1,000 images: decoded whole, its dicts (~5x its text) are all alive, then
    beside its records; in pieces, its records and one piece's objects."""
    one = gallery("1", "5", studio="9")
    text = page_text([image(10 + n, [one]) for n in range(1000)])
    counted_page_in_pieces(text)  # (the checkers' first use made: not counted)
    tracemalloc.start()
    try:
        found = counted_page_in_pieces(text)
        in_pieces = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    del found
    tracemalloc.start()
    try:
        whole = counted_page(json.loads(text)["data"])
        held = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    del whole
    assert in_pieces < 0.6 * held


def test_a_page_read_in_pieces_is_folded_comparing_each_piece_s_galleries_once(monkeypatch):
    """Each piece makes its own Gallery records (equal to the last piece's, not the same): Sync's fold
    compares an image's galleries with the image before's, by identity first, so it moves on to each
    piece's records once, not once per image (a value comparison, ~4 us, for each of 20,000 images)."""
    one = gallery("1", "5", studio="9")
    found = counted_page_in_pieces(page_text([image(10 + n, [one]) for n in range(1000)]))
    assert found is not None
    images = found["images"]
    assert images[0].galleries[0] is not images[-1].galleries[0]  # (several pieces)
    compared = []
    equal = Gallery.__eq__

    def counted(self: Gallery, other: object) -> bool:
        compared.append(self)
        return equal(self, other)

    monkeypatch.setattr(Gallery, "__eq__", counted)
    SyncFold("1", SYNC_FIELDS, False).add(images)
    assert 0 < len(compared) <= 20
