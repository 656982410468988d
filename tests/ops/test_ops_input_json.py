"""Inputs kept as the JSON text of their request (models.InputJson, connection.JsonObject): a checked
input is written once, and the request carries exactly what json.dumps would have written for the
same values; only a record that passed its contract becomes such a text."""

from __future__ import annotations

import json

import pytest
from stash_sim import StashSimulator
from stash_sim.library import generate_library

from gallery_ops.common.id_array import Ids
from gallery_ops.common.limits import IMAGE_UPDATE_FIELDS_KEPT
from gallery_ops.stash.connection import JsonObject, KeptAliveHttp
from gallery_ops.stash.models import BulkImageUpdateInput, InputJson, SetCoverInput, image_update_json
from gallery_ops.stash.record import RecordError
from gallery_ops.tasks.changes import UpdateImages


@pytest.fixture
def sim():
    with StashSimulator(library=generate_library(6, 3)) as simulator:
        yield simulator


def test_a_request_of_texts_is_what_json_dumps_writes_byte_for_byte():
    inputs = {
        "i0": {"ids": ["1", "22"], "tag_ids": {"ids": ["3"], "mode": "ADD"}},
        "i1": {"ids": ["4"], "photographer": 'Zoë "Z" \\ Ång\n\u2028', "rating100": None, "organized": True},
        "i2": {"ids": [], "date": "2021-07-14"},
    }
    query = "mutation Batch($i0: X!) { m0: f(input: $i0) { id } } # “quoted”"
    texts = JsonObject([(name, json.dumps(value).encode()) for name, value in inputs.items()])
    assert texts.request(query) == json.dumps({"query": query, "variables": inputs}).encode()
    assert JsonObject([]).request(query) == json.dumps({"query": query, "variables": {}}).encode()


def test_an_input_s_text_is_its_checked_record_s():
    checked = BulkImageUpdateInput.model_validate({"ids": [7, "8"], "tag_ids": {"ids": ["3"], "mode": "ADD"}})
    text = checked.as_json()
    assert text.model is BulkImageUpdateInput
    assert json.loads(text.text) == {"ids": ["7", "8"], "tag_ids": {"ids": ["3"], "mode": "ADD"}}
    assert text.text == json.dumps(checked.to_input()).encode()


@pytest.mark.parametrize(
    "fields",
    [
        (("tag_ids", {"ids": ["3"]}),),  # no mode: Stash refuses it, and SET would replace every tag
        (("tag_ids", {"ids": ["x"], "mode": "ADD"}),),  # not an id
        (("colour", "red"),),  # not a field of BulkImageUpdateInput
        (("organized", None),),  # Stash has no null for it
        (("rating100", 101),),
    ],
)
def test_an_image_update_whose_input_stash_would_refuse_is_refused_before_it_is_written(fields):
    """Refused as the whole record checked with its ids refuses it, every time (refused fields are not
    kept as checked)."""
    with pytest.raises(RecordError) as checked:
        BulkImageUpdateInput.model_validate({"ids": ["5", "6"], **dict(fields)})
    change = UpdateImages("1", Ids([5, 6]), fields)
    for _ in range(2):
        with pytest.raises(RecordError) as refused:
            change.to_input()
        assert str(refused.value) == str(checked.value) and refused.value.errors() == checked.value.errors()


def test_an_image_update_s_ids_are_checked_as_stash_ids():
    with pytest.raises(RecordError, match="an id is an integer"):
        UpdateImages("1", ("5", "six"), (("date", "2021-07-14"),)).to_input()
    sent = UpdateImages("1", Ids([5, 6]), (("date", "2021-07-14"),)).to_input()
    assert isinstance(sent, InputJson) and json.loads(sent.text) == {"ids": ["5", "6"], "date": "2021-07-14"}


def test_bulk_image_update_each_refuses_another_input_s_text(sim, make_ops):
    ops = make_ops(sim)
    cover = SetCoverInput(gallery_id="1", cover_image_id="2").as_json()
    with pytest.raises(ValueError, match="SetCoverInput was given where a BulkImageUpdateInput is needed"):
        ops.bulk_image_update_each([cover])
    assert len(sim.requests) == 0


def test_texts_dicts_and_records_go_out_as_the_same_request(sim, make_ops, monkeypatch):
    """A batch of inputs given as texts, as records or as dicts: the same bytes on the wire."""
    sent: list[bytes] = []
    send = KeptAliveHttp.send

    def recording(self, body):
        sent.append(body)
        return send(self, body)

    monkeypatch.setattr(KeptAliveHttp, "send", recording)
    ops = make_ops(sim)
    given = [
        {"ids": ["1", "2"], "tag_ids": {"ids": ["1"], "mode": "ADD"}},
        {"ids": ["3"], "photographer": "Zoë"},
    ]
    ops.bulk_image_update_each(given)
    ops.bulk_image_update_each([BulkImageUpdateInput.model_validate(g) for g in given])
    ops.bulk_image_update_each([BulkImageUpdateInput.model_validate(g).as_json() for g in given])
    # and as a plan's updates write them: their fields checked alone, their ids written from Ids
    ops.bulk_image_update_each(
        [UpdateImages("1", Ids(int(i) for i in g["ids"]), tuple(g.items())[1:]).to_input() for g in given]
    )
    assert len(sent) == 4 and sent[0] == sent[1] == sent[2] == sent[3]
    [query] = {r.query for r in sim.requests.records}
    # as before inputs were kept as text: one json.dumps of the request's checked inputs (fields in the
    # models' order: a BulkUpdateIds writes its mode first)
    variables = {f"i{n}": BulkImageUpdateInput.model_validate(g).to_input() for n, g in enumerate(given)}
    assert sent[0] == json.dumps({"query": query, "variables": variables}).encode()


def _checked_text(ids, fields) -> bytes:
    """What an image update's text was before its fields were checked alone: json.dumps of the whole
    record checked from its ids as strings and its fields."""
    record = BulkImageUpdateInput.model_validate({"ids": [str(i) for i in ids], **dict(fields)})
    return json.dumps(record.model_dump(mode="json", exclude_unset=True)).encode()


FIELDS = [
    (),
    (("tag_ids", {"ids": ["1"], "mode": "ADD"}),),
    (("photographer", 'Zoë "Z" \\ Ång\n\u2028\t\x00 😀'), ("date", "2021-07-14"), ("studio_id", "3")),
    # given in another order than the model's, an id as an int, a mode before its ids
    (("tag_ids", {"mode": "SET", "ids": ["2", 3]}), ("title", ""), ("code", "A-1")),
    (("performer_ids", {"ids": [], "mode": "REMOVE"}), ("rating100", None), ("organized", True), ("details", None)),
    (("urls", {"values": ['https://e.x/ä?q=1&r="2"'], "mode": "ADD"}), ("rating100", 0), ("organized", False)),
]
IDS = [[], [0], [5, 6], [2**63 - 1, 7, 7], list(range(10**9, 10**9 + 500)), list(range(20_000))]


@pytest.mark.parametrize("fields", FIELDS)
@pytest.mark.parametrize("ids", IDS, ids=lambda ids: f"{len(ids)}ids")
def test_an_image_update_s_text_is_the_checked_record_s_byte_for_byte(ids, fields):
    """The fast path (fields checked alone and kept, ids written from their integers) writes exactly
    what json.dumps of the whole checked record writes: first and kept, from a record or from Sync's
    update (UpdateImages)."""
    expected = _checked_text(ids, fields)
    first = image_update_json(Ids(ids), fields)
    again = UpdateImages("1", Ids(ids), fields).to_input()
    assert first.model is again.model is BulkImageUpdateInput
    assert first.text == again.text == expected
    assert json.loads(first.text)["ids"] == [str(i) for i in ids]


def test_kept_fields_are_used_only_for_fields_of_the_same_types():
    """1 == True, but rating100 takes an integer and organized true or false: fields equal to kept
    ones but of other types are checked (and refused) on their own."""
    assert image_update_json(Ids([1]), (("rating100", 1),)).text == b'{"ids": ["1"], "rating100": 1}'
    with pytest.raises(RecordError, match="rating100"):
        image_update_json(Ids([1]), (("rating100", True),))
    assert image_update_json(Ids([1]), (("organized", True),)).text == b'{"ids": ["1"], "organized": true}'
    with pytest.raises(RecordError, match="organized"):
        image_update_json(Ids([1]), (("organized", 1),))


def test_more_distinct_fields_than_are_kept_are_all_written_as_checked():
    distinct = [(("tag_ids", {"ids": [str(n)], "mode": "ADD"}),) for n in range(IMAGE_UPDATE_FIELDS_KEPT + 3)]
    for fields in distinct + distinct[:5]:  # (the first ones again, once the kept texts were let go)
        assert image_update_json(Ids([4]), fields).text == _checked_text([4], fields)


def test_an_image_update_s_ids_come_only_from_its_ids():
    with pytest.raises(RecordError, match="ids: the ids are the update's Ids"):
        image_update_json(Ids([1]), (("ids", ["2"]), ("date", "2021-07-14")))
    with pytest.raises(TypeError, match="ids are Ids, got list"):
        image_update_json(["1"], (("date", "2021-07-14"),))  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="ids are Ids, got tuple"):
        image_update_json(("1",), (("date", "2021-07-14"),))  # type: ignore[arg-type]


def test_kept_fields_are_used_only_for_equal_fields():
    """A kept text is found by the fields' repr and used only for fields equal to the kept ones:
    values whose repr does not say them (here a str subclass) are still written as given."""

    class Shown(str):
        def __repr__(self) -> str:
            return "Shown(...)"

    for title in (Shown("a"), Shown("b")):
        assert image_update_json(Ids([1]), (("title", title),)).text == _checked_text([1], (("title", title),))


def test_the_very_fields_of_the_update_before_are_written_without_a_second_check_and_a_changed_list_is(monkeypatch):
    """Sync's galleries that need one change share its fields (image_sync.Need): the same tuple again
    is known by identity, its checked text used without another check (counted here, with the kept
    texts let go meanwhile); a list of fields is never taken by identity (it may have changed)."""
    from gallery_ops.stash import models

    checked: list[dict] = []
    validate = BulkImageUpdateInput.model_validate.__func__  # type: ignore[attr-defined]

    def counting(cls, value):
        if value.get("ids") == []:  # (the fields checked alone: not _checked_text's whole record)
            checked.append(value)
        return validate(cls, value)

    monkeypatch.setattr(BulkImageUpdateInput, "model_validate", classmethod(counting))
    fields = (("tag_ids", {"ids": ["3"], "mode": "ADD"}), ("date", "2021-07-14"))
    assert image_update_json(Ids([1, 2]), fields).text == _checked_text([1, 2], fields)
    models._FIELDS_TEXTS.clear()
    assert image_update_json(Ids([7]), fields).text == _checked_text([7], fields)
    assert len(checked) == 1
    listed = [("date", "2020-01-01")]
    assert image_update_json(Ids([1]), listed).text == _checked_text([1], listed)
    listed[0] = ("date", "2022-02-02")
    assert image_update_json(Ids([1]), listed).text == _checked_text([1], listed)
    assert len(checked) == 3
