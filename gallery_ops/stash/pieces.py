"""A big gallery's page of images, decoded a piece of its list at a time.

Why: json.loads makes every object of an answer before the first record is made from it. A page of
Sync's 1,000 images (each carrying its galleries' date, photographer, studio, tags and performers)
is 0.23 MB of text and 1.2 MB of decoded dicts, lists and strings, all alive at once, and then
alive beside the records made from them. Read a piece (PIECE_CHARS of text, ~140 such images) at a
time, each piece made into records and its objects let go before the next is decoded, a page holds
its text, its records and one piece's objects: about half as much, whatever the allocator. The same
at every page, so a gallery read in twenty pages peaks about as one read in one.

json still decodes every value; this module only chooses where to cut the list, and json has the
last word on every cut: a piece is decoded as a list of its own, which works only when the cut is
between two items of the page's list (a cut inside an item leaves one of its brackets open). The
pieces are then that list, item for item. Anything else (another shape, an error, text json
refuses) is None: the caller decodes the whole answer as before, and so answers or refuses it
exactly as before.
"""

from __future__ import annotations

from ..common import json_text as json

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Iterator
    from typing import Any

# How much of a page's text is decoded at a time: small beside a page (0.23 MB for Sync's 1,000
# images), big enough that cutting costs little (a page of Sync's is 8 pieces).
PIECE_CHARS = 32_768
# Cuts json refuses in a row (each a piece decoded in vain) before the rest of a page is decoded whole.
MISSES_KEPT = 4

# A findImages page as GalleryImagePage asks for it (`count images { ... }`: Stash answers the
# fields in the query's order): these tokens, JSON's whitespace around each, the count (a JSON
# integer) after the first ones, then the list's first item. (Read by hand, not with `re`: a
# process that imports no `re` keeps its peak the same whether its galleries need pieces or not.)
_BEFORE_COUNT = ("{", '"data"', ":", "{", '"findImages"', ":", "{", '"count"', ":")
_AFTER_COUNT = (",", '"images"', ":", "[")
_ENDS = "}}}]"  # after the list's last item, read from the end: the three objects' ends, then the list's


def images_page(text: str) -> tuple[int, Iterator[list[Any]]] | None:
    """A findImages page's count and its list of images, a piece at a time (each piece the items
    json.loads reads there), when `text` is exactly `{"data": {"findImages": {"count": N,
    "images": [...]}}}`; else None. The pieces raise ValueError where json would refuse the text."""
    head = _head(text)
    end = _last_item_end(text)
    if head is None or end < 0:
        return None
    count, start = head
    return count, _pieces(text, start, end) if end > start else iter(())


def _head(text: str) -> tuple[int, int] | None:
    """(the count, where the list's first item starts) when `text` starts as a page does, else None."""
    at = _tokens(text, 0, _BEFORE_COUNT)
    if at < 0:
        return None
    digits = at + 1 if text.startswith("-", at) else at  # (JSON's integer: 0, or 1-9 and any digits)
    if text.startswith("0", digits):
        after = digits + 1
    elif digits < len(text) and "1" <= text[digits] <= "9":
        after = digits + 1
        while after < len(text) and "0" <= text[after] <= "9":
            after += 1
    else:
        return None
    start = _tokens(text, after, _AFTER_COUNT)
    return None if start < 0 else (int(text[at:after]), start)


def _tokens(text: str, at: int, tokens: tuple[str, ...]) -> int:
    """Where `text` is after `tokens` from `at` on (JSON's whitespace before and after each), or -1."""
    for token in tokens:
        at = json.after_space(text, at, len(text))
        if not text.startswith(token, at):
            return -1
        at += len(token)
    return json.after_space(text, at, len(text))


def _last_item_end(text: str) -> int:
    """Where the list's last item ends (just after it), read from the end of the text; -1 when the
    text does not end as a page does."""
    at = len(text)
    for mark in _ENDS:
        at = _before_space(text, at)
        if at == 0 or text[at - 1] != mark:
            return -1
        at -= 1
    return _before_space(text, at)


def _before_space(text: str, at: int) -> int:
    while at and text[at - 1] in json.SPACE:
        at -= 1
    return at


def _pieces(text: str, start: int, end: int) -> Iterator[list[Any]]:
    """The items of the list text[start:end], a piece at a time. A cut is tried only where an
    object ends as the list's first item ends (its last characters: for Sync's images `]}]}`, the
    end of the last gallery's performers; an item's own tags end otherwise), so cuts inside an
    item are rare, and each is checked by json."""
    first_end = json.value_at(text, start)[1]
    ending = text[max(start, first_end - 4) : first_end]
    misses = 0
    search_from = start + PIECE_CHARS
    while misses < MISSES_KEPT and end - search_from > 0:
        found = _cut(text, ending, search_from, end)
        if found is None:
            break
        cut, search_from = found
        try:
            items = json.loads(f"[{text[start:cut]}]")
        except ValueError:  # (a cut inside an item: try the next one)
            misses += 1
            continue
        misses = 0
        yield items
        del items  # (not held while the next piece is decoded)
        start = search_from - 2  # (the next item's `{"`)
        search_from = start + PIECE_CHARS
    yield json.loads(f"[{text[start:end]}]")


def _cut(text: str, ending: str, at: int, end: int) -> tuple[int, int] | None:
    """The first place from `at` on, all of it before `end`, where `ending` is followed by a comma
    and an object's first name (`{"`), JSON's whitespace around the comma: (the index after
    `ending`, the index after `{"`), or None."""
    while (found := text.find(ending, at, end)) >= 0:
        after = json.after_space(text, found + len(ending), end)
        if after < end and text[after] == ",":
            after = json.after_space(text, after + 1, end)
            if after + 2 <= end and text.startswith('{"', after):
                return found + len(ending), after + 2
        at = found + 1
    return None
