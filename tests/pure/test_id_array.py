"""common/id_array.Ids: ids held as 8-byte integers that read as the id strings Stash sends."""

from __future__ import annotations

import json
from array import array

import pytest

from gallery_ops.common.id_array import Ids


def test_ids_read_as_the_tuple_of_their_strings():
    ids = Ids([3, 12, 100])
    assert list(ids) == ["3", "12", "100"] and len(ids) == 3
    assert ids[1] == "12" and ids[-1] == "100"
    assert ids[:2] == ("3", "12") and isinstance(ids[:2], Ids)
    # equal to the tuple it stands for, and hashed as it: a dict keyed by one finds the other
    assert ids == ("3", "12", "100") and ("3", "12", "100") in [ids]  # (the tuple's side compares too)
    assert {ids: "x"}[("3", "12", "100")] == "x" and hash(ids) == hash(("3", "12", "100"))
    assert ids != ("3", "12") and ids != ["3", "12", "100"] and ids != Ids([3, 12])
    assert ids == Ids([3, 12, 100])


def test_an_id_is_in_them_only_as_stash_writes_it():
    ids = Ids([3, 12])
    assert "12" in ids and "3" in ids
    assert "012" not in ids and "4" not in ids and 12 not in ids and " 12" not in ids and "" not in ids


def test_they_are_a_copy_of_what_they_were_made_from():
    source = [1, 2]
    ids = Ids(source)
    source.append(3)
    assert ids == ("1", "2")


def test_taking_an_array_holds_that_array_and_checks_it_as_making_them_does():
    """Ids.taking: a fold's array handed over (Sync's plan), held without a copy, read as Ids made
    from its values; a negative value is refused as Ids refuses it."""
    held = array("q", [3, 12])
    ids = Ids.taking(held)
    assert ids == Ids([3, 12]) == ("3", "12") and ids._values is held
    assert Ids.taking(array("q")) == ()
    with pytest.raises(ValueError, match="non-negative"):
        Ids.taking(array("q", [1, -5]))


@pytest.mark.parametrize("bad", [[-1], [1, -5], ["7"], [1.5], [None]])
def test_only_non_negative_integers_are_taken(bad):
    with pytest.raises((ValueError, TypeError)):
        Ids(bad)


def test_they_hold_8_bytes_an_id():
    """What a big gallery's write holds per image while it waits for its request: 20,000 ids in
    160 KB (as strings they were 1.2 MB)."""
    import sys

    many = Ids(range(1_000_000, 1_020_000))
    held = sys.getsizeof(many) + sys.getsizeof(many._values)  # (what it holds, counted)
    assert held <= 20_000 * 9  # (an array made from an iterable keeps a little room to grow)
    assert sys.getsizeof("1000000") * 20_000 > 5 * held


@pytest.mark.parametrize("values", [[], [0], [12, 7, 12], [2**63 - 1], list(range(500))])
def test_their_json_items_are_what_json_dumps_writes_of_their_strings(values):
    assert b"[" + Ids(values).json_items() + b"]" == json.dumps([str(v) for v in values]).encode()
