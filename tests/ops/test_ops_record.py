"""The stash layer's record base (gallery_ops/stash/record.py), on records declared here: unset is not
null, values are checked strictly by their annotations, unknown keys are ignored or refused, field
and record checks run, frozen records refuse changes, assignment is checked where asked, and every
problem comes back at once as "where: what"."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Annotated, Any, ClassVar, Literal

import pytest

from gallery_ops.stash.models import Gallery, validation_problems
from gallery_ops.stash.record import (
    EXTRA_FIELD,
    GENERATE_AFTER,
    After,
    Annotated as OwnAnnotated,
    Before,
    Bounds,
    Literal as OwnLiteral,
    Record,
    RecordError,
    field,
)

REPO = Path(__file__).resolve().parents[2]
# OwnAnnotated, OwnLiteral: record's own Annotated and Literal, which the models use when the plugin
# runs without typing (common/lean_typing.py); the type checker reads typing's under these names


def _upper(value: Any) -> Any:
    if not isinstance(value, str):
        raise ValueError(f"a code is text, got {value!r}")
    return value.upper()


def _not_empty(value: list[str]) -> list[str]:
    if not value:
        raise ValueError("at least one")
    return value


class Ref(Record):
    id: str
    name: str | None = None


class Thing(Record):
    id: str
    count: int | None = None
    share: float | None = None
    flag: bool | None = None
    kind: Literal["zip", "folder"] | None = None
    code: Annotated[str, Before(_upper)] | None = None
    words: Annotated[list[str], After(_not_empty)] | None = None
    rating: Annotated[int | None, Bounds(ge=0, le=100)] = None
    refs: list[Ref] | None = None
    fields: dict[str, str | int | float] | None = None
    parent: Thing | None = None
    tags: list[str] = field(default_factory=list)
    label: ClassVar[str] = "a class constant, not a field"


class OwnThing(Record):
    """Thing, annotated with record's own Annotated and Literal instead of typing's."""

    id: str
    count: int | None = None
    share: float | None = None
    flag: bool | None = None
    kind: OwnLiteral["zip", "folder"] | None = None
    code: OwnAnnotated[str, Before(_upper)] | None = None
    words: OwnAnnotated[list[str], After(_not_empty)] | None = None
    rating: OwnAnnotated[int | None, Bounds(ge=0, le=100)] = None
    refs: list[Ref] | None = None
    fields: dict[str, str | int | float] | None = None
    parent: OwnThing | None = None
    tags: list[str] = field(default_factory=list)
    label: ClassVar[str] = "a class constant, not a field"


class Strict(Record, extra="forbid", frozen=True):
    id: str
    note: str | None = None

    def check_record(self) -> None:
        if self.note == self.id:
            raise ValueError("the note repeats the id")


class Checked(Record, validate_assignment=True):
    id: str
    rating: Annotated[int | None, Bounds(ge=0, le=100)] = None

    @classmethod
    def check_data(cls, data: Any) -> Any:
        if isinstance(data, dict) and "legacy_id" in data:
            raise ValueError("legacy_id is gone: give id")
        return data


def problems(call: Any) -> list[tuple[tuple[Any, ...], str]]:
    with pytest.raises(RecordError) as caught:
        call()
    return [(e["loc"], e["msg"]) for e in caught.value.errors()]


# -- unset is not null --------------------------------------------------------------------------
def test_a_field_not_given_is_unset_and_reads_its_default() -> None:
    thing = Thing(id="1", count=None)
    assert thing.model_fields_set == {"id", "count"}
    assert thing.count is None and thing.flag is None  # null given, and unset: the same value...
    assert thing.model_dump(exclude_unset=True) == {"id": "1", "count": None}  # ...not the same record
    assert "flag" in thing.model_dump() and "flag" not in thing.model_dump(exclude_unset=True)
    assert thing.model_dump(exclude_none=True) == {"id": "1", "tags": []}


def test_a_factory_default_is_never_shared_and_stays_unset() -> None:
    one, two = Thing(id="1"), Thing(id="2")
    one.tags.append("x")  # a new list at each read while unset: nothing leaks into another record
    assert two.tags == [] and one.tags == [] and "tags" not in one.model_fields_set
    one.tags = ["kept"]
    assert one.tags == ["kept"] and "tags" in one.model_fields_set


def test_nested_records_keep_their_own_unset_fields() -> None:
    thing = Thing.model_validate({"id": "1", "refs": [{"id": "2"}], "parent": {"id": "0", "flag": False}})
    assert thing.refs is not None and thing.refs[0].model_fields_set == {"id"}
    assert thing.model_dump(exclude_unset=True) == {
        "id": "1",
        "refs": [{"id": "2"}],
        "parent": {"id": "0", "flag": False},
    }


def test_assignment_sets_a_field_and_a_copy_keeps_what_was_set() -> None:
    thing = Thing(id="1")
    thing.count = 3
    assert thing.model_fields_set == {"id", "count"}
    copy = thing.model_copy(update={"flag": True})
    assert copy.model_fields_set == {"id", "count", "flag"} and thing.model_fields_set == {"id", "count"}
    assert problems(lambda: thing.model_copy(update={"count": "3"})) == [
        (("count",), "should be an integer or null, got '3'")
    ]


# -- strict by the annotation -------------------------------------------------------------------
@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("id", 1),  # an id Stash sends is text: a number is not silently made one
        ("count", True),  # a boolean is not an integer
        ("count", 1.0),
        ("count", "1"),
        ("share", True),
        ("share", "0.5"),
        ("flag", 1),
        ("flag", "true"),
        ("kind", "ZIP"),
        ("kind", 1),
        ("refs", {"id": "1"}),
        ("refs", [{"name": "no id"}]),
        ("fields", {"a": [1]}),
        ("fields", {"a": None}),
        ("fields", {"a": False}),
        ("parent", "1"),
        ("tags", "a"),
        ("tags", [1]),
    ],
)
def test_values_that_are_not_of_the_annotation_are_refused(name: str, value: Any) -> None:
    found = problems(lambda: Thing.model_validate({"id": "1", name: value} if name != "id" else {"id": value}))
    assert len(found) == 1 and found[0][0][0] == name


def test_values_of_the_annotation_are_kept() -> None:
    thing = Thing.model_validate(
        {"id": "1", "count": 0, "share": 2, "flag": False, "kind": "zip", "fields": {"a": "x", "b": 1, "c": 1.5}}
    )
    assert (thing.count, thing.share, thing.flag, thing.kind) == (0, 2.0, False, "zip")
    assert isinstance(thing.share, float) and thing.fields == {"a": "x", "b": 1, "c": 1.5}
    assert Thing(id="1", refs=[Ref(id="2")]).refs == [Ref(id="2")]  # a record where one is declared


def test_every_problem_is_reported_at_once_with_its_place() -> None:
    found = problems(
        lambda: Thing.model_validate({"id": "1", "count": "2", "refs": [{"id": "1"}, {"id": 2}], "fields": {"k": []}})
    )
    assert found == [
        (("count",), "should be an integer or null, got '2'"),
        (("refs", 1, "id"), "should be text, got 2"),
        (("fields", "k"), "should be text or an integer or a number, got []"),
    ]
    with pytest.raises(RecordError) as caught:
        Thing.model_validate({"id": "1", "count": "2"})
    assert validation_problems(caught.value, "input") == "count: should be an integer or null, got '2'"


def test_a_required_field_missing_is_refused() -> None:
    assert problems(lambda: Thing.model_validate({"count": 1})) == [(("id",), "is required")]
    assert problems(lambda: Thing.model_validate(["id"])) == [((), "should be an object (Thing), got ['id']")]


# -- unknown keys ---------------------------------------------------------------------------------
def test_unknown_keys_are_ignored_or_refused_as_the_record_says() -> None:
    assert Thing.model_validate({"id": "1", "new_in_stash": 1}).model_fields_set == {"id"}
    assert problems(lambda: Strict.model_validate({"id": "1", "nte": "x"})) == [(("nte",), EXTRA_FIELD)]
    assert EXTRA_FIELD == "Extra inputs are not permitted"  # the words callers quote


# -- field and record checks ------------------------------------------------------------------------
def test_field_checks_run_before_and_after_the_type() -> None:
    assert Thing(id="1", code="ab").code == "AB"  # before: normalised, then checked as text
    assert problems(lambda: Thing(id="1", code=5)) == [(("code",), "a code is text, got 5")]
    assert problems(lambda: Thing(id="1", words=[])) == [(("words",), "at least one")]  # after the type
    assert problems(lambda: Thing(id="1", words=[1])) == [(("words", 0), "should be text, got 1")]
    assert Thing(id="1", code=None).code is None  # null passes an optional field's checks


def test_bounds_limit_numbers_and_let_null_pass() -> None:
    assert Thing(id="1", rating=0).rating == 0 and Thing(id="1", rating=None).rating is None
    assert problems(lambda: Thing(id="1", rating=101)) == [(("rating",), "should be at most 100, got 101")]
    assert problems(lambda: Thing(id="1", rating=-1)) == [(("rating",), "should be at least 0, got -1")]


def test_record_checks_run_before_and_after_the_fields() -> None:
    assert problems(lambda: Strict(id="1", note="1")) == [((), "the note repeats the id")]
    assert problems(lambda: Checked.model_validate({"legacy_id": "1"})) == [((), "legacy_id is gone: give id")]


# -- frozen and checked assignment -----------------------------------------------------------------
def test_a_frozen_record_refuses_changes_and_can_be_hashed() -> None:
    strict = Strict(id="1", note="n")
    with pytest.raises(RecordError, match="frozen"):
        strict.note = "other"
    assert strict.note == "n"
    assert hash(strict) == hash(Strict(id="1", note="n")) and strict == Strict(id="1", note="n")
    with pytest.raises(TypeError):
        hash(Thing(id="1"))


def test_assignment_is_checked_where_the_record_asks_for_it() -> None:
    checked = Checked(id="1")
    with pytest.raises(RecordError, match="at most 100"):
        checked.rating = 101
    assert checked.rating is None and checked.model_fields_set == {"id"}  # nothing was set
    checked.rating = 5
    assert checked.model_fields_set == {"id", "rating"}
    with pytest.raises(AttributeError):
        checked.ratng = 5  # type: ignore[attr-defined]  # a name that is no field


# -- what a person reads ----------------------------------------------------------------------------
def test_equality_and_repr() -> None:
    assert Thing(id="1") == Thing(id="1", count=None)  # the same values
    assert Thing(id="1") != Thing(id="2") and Ref(id="1") != Thing(id="1")
    assert repr(Thing(id="1", count=2)) == "Thing(id='1', count=2)"
    # the same fields set (compared as dicts), or not (compared field by field, defaults read)
    refs = [Ref(id="2", name="n")]
    assert Thing(id="1", refs=refs, fields={"a": 1}) == Thing(id="1", refs=[Ref(id="2", name="n")], fields={"a": 1})
    assert Thing(id="1", refs=refs) != Thing(id="1", refs=[Ref(id="2")]) != Thing(id="1", refs=[])
    assert Thing(id="1", tags=[]) == Thing(id="1") and Thing(id="1", tags=["x"]) != Thing(id="1")


def test_the_models_forward_references_resolve() -> None:
    gallery = Gallery.model_validate({"id": "1", "cover": {"id": "5", "galleries": [{"id": "1", "title": "t"}]}})
    assert gallery.cover is not None and gallery.cover.galleries is not None
    assert gallery.cover.galleries[0].title == "t"
    assert problems(lambda: Gallery.model_validate({"id": "1", "cover": {"id": "5", "galleries": [{"id": 1}]}})) == [
        (("cover", "galleries", 0, "id"), "should be text, got 1")
    ]


# -- the loop, then the generated checker --------------------------------------------------------------
class Busy(Record, extra="forbid"):
    id: str
    count: int | None = None
    share: float | None = None
    refs: list[Ref] | None = None


BAD = {"id": 1, "count": True, "share": "x", "refs": [{"id": "1"}, {}], "extra": 1}


def test_a_busy_record_checks_the_same_before_and_after_its_checker_is_generated() -> None:
    """The first records of a class go through the loop, the later ones through the code generated
    for it: what they accept, what they make and what they say is the same."""
    before = problems(lambda: Busy.model_validate(BAD))
    made = Busy.model_validate({"id": "1", "share": 2, "refs": [{"id": "2", "name": None}]})
    for n in range(GENERATE_AFTER):
        Busy.model_validate({"id": str(n)})
    assert Busy._check_fields is not None and Busy._check_fields.__name__ == "check_fields"
    assert Busy._check_fields.__code__.co_filename == "<string>"  # generated
    assert (
        problems(lambda: Busy.model_validate(BAD))
        == before
        == [
            (("id",), "should be text, got 1"),
            (("count",), "should be an integer or null, got True"),
            (("share",), "should be a number or null, got 'x'"),
            (("refs", 1, "id"), "is required"),
            (("extra",), EXTRA_FIELD),
        ]
    )
    again = Busy.model_validate({"id": "1", "share": 2, "refs": [{"id": "2", "name": None}]})
    assert again == made and again.model_fields_set == made.model_fields_set == {"id", "share", "refs"}
    assert isinstance(again.share, float) and again.refs == [Ref(id="2", name=None)]
    assert problems(lambda: Busy.model_validate({"count": 1})) == [(("id",), "is required")]


class Wide(Record):
    """Many fields, of which an answer gives a few (as a query selects a few of a gallery's)."""

    id: str
    a: str | None = None
    b: int | None = None
    c: bool | None = None
    d: str | None = None
    e: list[str] | None = None
    f: Ref | None = None
    g: list[Ref] | None = None


class Counted(dict):  # type: ignore[type-arg]
    """A dict that counts the lookups of keys it was asked for one by one."""

    looked_up: ClassVar[list[str]] = []

    def get(self, key: Any, default: Any = None) -> Any:
        Counted.looked_up.append(key)
        return super().get(key, default)

    def __getitem__(self, key: Any) -> Any:
        Counted.looked_up.append(key)
        return super().__getitem__(key)


def test_a_generated_checker_walks_the_keys_given_not_every_field_declared() -> None:
    for n in range(GENERATE_AFTER):
        Wide.model_validate({"id": str(n)})
    assert Wide._check_fields is not None and Wide._check_fields.__code__.co_filename == "<string>"
    Counted.looked_up.clear()
    made = Wide.model_validate(Counted(id="1", b=2, unknown="ignored"))
    assert Counted.looked_up == []  # no field asked for by name: absent ones cost nothing
    assert made.model_fields_set == {"id", "b"} and made.b == 2 and made.a is None


@pytest.mark.parametrize(
    "given, said",
    [
        ({"id": "1", "a": 1}, [(("a",), "should be text or null, got 1")]),
        ({"id": "1", "c": 0}, [(("c",), "should be true or false or null, got 0")]),
        ({"a": "x"}, [(("id",), "is required")]),
        ({"id": "1", "f": "x"}, [(("f",), "should be an object (Ref), got 'x'")]),
        (
            {"id": "1", "g": [{"id": "1"}, "x", {"id": 2}]},
            [(("g", 1), "should be an object (Ref), got 'x'"), (("g", 2, "id"), "should be text, got 2")],
        ),
        ({"id": "1", "g": {"id": "1"}}, [(("g",), "should be a list, got {'id': '1'}")]),
        (
            {"id": 5, "e": ["x", 1], "b": "2"},
            [
                (("id",), "should be text, got 5"),
                (("b",), "should be an integer or null, got '2'"),
                (("e", 1), "should be text, got 1"),
            ],
        ),
    ],
)
def test_a_generated_checker_says_what_the_loop_says(given: dict[str, Any], said: list[Any]) -> None:
    """Before (the loop) and after the checker is generated: the same problems, in the fields' order."""

    class Fresh(Wide):
        pass

    assert problems(lambda: Fresh.model_validate(given)) == said
    for n in range(GENERATE_AFTER):
        Fresh.model_validate({"id": str(n)})
    assert Fresh._check_fields is not None and Fresh._check_fields.__code__.co_filename == "<string>"
    assert problems(lambda: Fresh.model_validate(given)) == said


class Noted(Record):
    id: str

    def check_record(self) -> None:
        if self.id == "0":
            raise ValueError("no zero")


class Holder(Record):
    items: list[Noted] | None = None
    one: Noted | None = None


def test_records_in_a_list_or_alone_are_made_and_checked_as_records() -> None:
    held = Holder.model_validate({"items": [{"id": "1"}, Noted(id="2")], "one": None})
    assert [type(i) for i in held.items or []] == [Noted, Noted] and [i.id for i in held.items or []] == ["1", "2"]
    assert held.one is None and held.model_fields_set == {"items", "one"}
    assert Holder.model_validate({"items": None}).items is None
    # a record's own check runs for records in a list too
    assert problems(lambda: Holder.model_validate({"items": [{"id": "1"}, {"id": "0"}]})) == [(("items", 1), "no zero")]
    wide = Wide.model_validate({"id": "1", "g": [{"id": "2", "name": None}], "f": {"id": "3"}})
    assert wide.g == [Ref(id="2", name=None)] and wide.f == Ref(id="3")


class Nest(Record):
    id: str
    one: Ref | None = None
    must: Ref
    many: list[Ref] | None = None
    all: list[Ref]
    noted: Noted | None = None  # (a record with its own check: through its field's checker)
    notes: list[Noted] | None = None


def test_a_generated_checker_makes_nested_records_itself_and_says_what_the_loop_says() -> None:
    """A record or a list of records in a field is made inline by the generated checker (no call
    through the field's checker per record); a record with a check of its own, a record given as
    one, and every problem still go through the checkers, which say what the loop says."""
    bad = [
        {"id": "1", "must": None, "all": [{"id": "1"}]},
        {"id": "1", "must": {"id": 2}, "all": []},
        {"id": "1", "must": {"id": "2"}, "all": None},
        {"id": "1", "must": {"id": "2"}, "all": [{"id": "3"}, 4], "many": {"id": "5"}},
        {"id": "1", "must": {"id": "2"}, "all": [], "one": [], "notes": [{"id": "0"}], "noted": {"id": "0"}},
    ]
    said = [problems(lambda given=given: Nest.model_validate(given)) for given in bad]
    assert all(said)
    for n in range(GENERATE_AFTER):
        Nest.model_validate({"id": str(n), "must": {"id": "1"}, "all": []})
    assert Nest._check_fields is not None and Nest._check_fields.__code__.co_filename == "<string>"
    assert [problems(lambda given=given: Nest.model_validate(given)) for given in bad] == said
    called: list[str] = []
    checks = Nest._field_checks
    originals = dict(checks)
    for name, check in originals.items():
        checks[name] = lambda value, name=name, check=check: called.append(name) or check(value)
    try:
        made = Nest.model_validate(
            {
                "id": "1",
                "one": None,
                "must": {"id": "2", "name": "x"},
                "many": [{"id": "3"}, {"id": "4", "name": None}],
                "all": [],
                "noted": {"id": "5"},
                "notes": [{"id": "6"}],
            }
        )
        assert called == ["noted", "notes"]  # the nested records of plain classes made inline
        assert made.one is None and made.must == Ref(id="2", name="x") and made.all == []
        assert made.many == [Ref(id="3"), Ref(id="4", name=None)] and [type(r) for r in made.many] == [Ref, Ref]
        assert made.noted == Noted(id="5") and made.notes == [Noted(id="6")]
        given = Ref(id="7")
        assert Nest.model_validate({"id": "1", "must": given, "all": [given]}).must is given
        assert called[2:] == ["must", "all"]  # records given as records: their checkers take them
        assert problems(lambda: Nest.model_validate(bad[-1])) == said[-1]
    finally:
        checks.update(originals)


class Mixed(Record):
    items: list[Any] | None = None


def test_a_dump_keeps_plain_items_of_a_list_as_they_are_and_dumps_the_others() -> None:
    ref = Ref(id="2")
    mixed = Mixed(items=["1", 2, 2.5, True, None, ref, {"r": ref}, [ref, "3"]])
    dumped = mixed.model_dump(exclude_unset=True)
    assert dumped == {"items": ["1", 2, 2.5, True, None, {"id": "2"}, {"r": {"id": "2"}}, [{"id": "2"}, "3"]]}
    assert [type(v) for v in dumped["items"][:5]] == [str, int, float, bool, type(None)]
    assert mixed.model_dump()["items"][5] == {"id": "2", "name": None}  # (unset fields too, when asked)


@pytest.mark.parametrize(
    ("cls", "given"),
    [
        (Ref, {"id": "1", "name": "n"}),
        (Ref, {"id": 1}),
        (Ref, {"name": "no id"}),
        (Thing, {"id": "1", "count": "x", "refs": [{"id": "2"}], "parent": {"id": "3", "rating": 101}}),
        (Strict, {"id": "1", "note": "1"}),  # a record's own check after the fields
        (Strict, {"id": "1", "other": "x"}),
        (Checked, {"id": "1", "rating": 5}),
        (Checked, {"legacy_id": "1"}),  # the class's check of the data before the fields
    ],
)
def test_a_record_made_from_keywords_is_what_model_validate_makes_of_them(cls: type[Record], given: dict) -> None:
    """Keywords take model_validate's checks (without a record made twice where the class has no
    check of its own): the same record, or the same problems at the same places."""
    try:
        expected = cls.model_validate(dict(given))
    except RecordError as exc:
        assert problems(lambda: cls(**given)) == [(e["loc"], e["msg"]) for e in exc.errors()]
        return
    made = cls(**given)
    assert made == expected and made.model_fields_set == expected.model_fields_set


def test_a_dump_keeps_a_record_s_plain_values_and_dumps_its_records() -> None:
    thing = Thing(id="1", count=2, share=0.5, flag=False, refs=[Ref(id="2")], parent=Thing(id="3"), tags=["a"])
    dumped = thing.model_dump(exclude_unset=True)
    assert dumped == {
        "id": "1",
        "count": 2,
        "share": 0.5,
        "flag": False,
        "refs": [{"id": "2"}],
        "parent": {"id": "3"},
        "tags": ["a"],
    }
    assert type(dumped["parent"]) is dict and type(dumped["refs"][0]) is dict


GIVEN: list[dict[str, Any]] = [
    {"id": "1", "kind": "zip", "code": "ab", "words": ["w"], "rating": 5, "parent": {"id": "2", "kind": None}},
    {"id": "1", "kind": "ZIP", "code": 3, "words": [], "rating": 101, "parent": {"id": 2, "rating": -1}},
    {"id": "1", "kind": 1, "code": None, "words": None, "rating": None, "flag": 1, "count": True},
    {"id": "1", "kind": None, "words": "w", "rating": "5", "refs": [{"id": "3"}, {"name": "x"}]},
]


def said(cls: type[Record], given: dict[str, Any]) -> Any:
    try:
        return cls.model_validate(given).model_dump()
    except RecordError as exc:
        return exc.errors()


def test_record_s_own_annotated_and_literal_check_what_typing_s_do() -> None:
    """The models' forms when the plugin runs (record's, without typing) and typing's, checked alike:
    the same values kept, the same problems said, before and after the busy class's checker is generated."""
    for _ in range(GENERATE_AFTER + 1):
        for given in GIVEN:
            assert said(OwnThing, given) == said(Thing, given)
    assert [said(OwnThing, given) for given in GIVEN[:2]] == [
        {
            "id": "1",
            "count": None,
            "share": None,
            "flag": None,
            "kind": "zip",
            "code": "AB",
            "words": ["w"],
            "rating": 5,
            "refs": None,
            "fields": None,
            "parent": dict.fromkeys(["id", "count", "share", "flag", "kind", "code", "words", "rating"], None)
            | {"id": "2", "refs": None, "fields": None, "parent": None, "tags": []},
            "tags": [],
        },
        [
            {"loc": ("kind",), "msg": "should be one of 'zip', 'folder', got 'ZIP'"},
            {"loc": ("code",), "msg": "a code is text, got 3"},
            {"loc": ("words",), "msg": "at least one"},
            {"loc": ("rating",), "msg": "should be at most 100, got 101"},
            {"loc": ("parent", "id"), "msg": "should be text, got 2"},
            {"loc": ("parent", "rating"), "msg": "should be at least 0, got -1"},
        ],
    ]


def test_the_models_check_without_typing_imported() -> None:
    """A plugin process imports no typing (python -S, as Stash starts it): the models' Annotated,
    Literal and unions are record's then, and check what they check in this process."""
    probe = [
        "FindFilter.model_validate({'direction': 'UP', 'page': 0})",
        "FindFilter.model_validate({'direction': 'ASC', 'page': 2, 'per_page': -1}).model_dump()",
        "BulkGalleryUpdateInput.model_validate({'ids': [1, 'x'], 'organized': None, 'tag_ids': {'ids': ['1']}})",
        "GalleryInput.model_validate({'id': 3, 'studio': {'id': '4'}, 'organized': True}).model_dump()",
        "ChapterCreateInput.model_validate({'gallery_id': '1', 'title': ' Intro ', 'image_index': 2}).model_dump()",
        "ChapterUpdateInput.model_validate({'id': '1', 'title': '', 'image_index': 0})",
        "CustomFieldsInput.model_validate({'full': {' a': 1, 'b': True}, 'remove': ['']})",
    ]
    code = [
        "import sys",
        f"sys.path.insert(0, {str(REPO)!r})",
        "from gallery_ops.stash.models import *",
        "from gallery_ops.stash.record import RecordError",
        "def said(call):",
        "    try:",
        "        return call()",
        "    except RecordError as exc:",
        "        return exc.errors()",
        *[f"print(repr(said(lambda: {call})))" for call in probe],
        "print(sorted({'typing', 're', 'json', 'enum'} & set(sys.modules)))",
    ]
    ran = subprocess.run([sys.executable, "-S", "-c", "\n".join(code)], capture_output=True, text=True, check=True)
    from gallery_ops.stash import models

    here = [repr(said_here(lambda c=call: eval(c, vars(models)))) for call in probe]
    assert ran.stdout.splitlines() == [*here, "[]"]


def said_here(call: Any) -> Any:
    try:
        return call()
    except RecordError as exc:
        return exc.errors()
