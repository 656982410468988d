"""Inputs kept as the JSON text of their request (models.InputJson, connection.JsonObject): a checked
input is written once, and the request carries exactly what json.dumps would have written for the
same values; only a record that passed its contract becomes such a text."""

from __future__ import annotations

import json

import pytest
from stash_sim import StashSimulator
from stash_sim.library import generate_library

from gallery_ops.common.id_array import Ids
from gallery_ops.stash.connection import JsonObject, KeptAliveHttp
from gallery_ops.stash.models import BulkImageUpdateInput, InputJson, SetCoverInput
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
    change = UpdateImages("1", Ids([5, 6]), fields)
    with pytest.raises(RecordError):
        change.to_input()


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
    assert len(sent) == 3 and sent[0] == sent[1] == sent[2]
    [query] = {r.query for r in sim.requests.records}
    # as before inputs were kept as text: one json.dumps of the request's checked inputs (fields in the
    # models' order: a BulkUpdateIds writes its mode first)
    variables = {f"i{n}": BulkImageUpdateInput.model_validate(g).to_input() for n, g in enumerate(given)}
    assert sent[0] == json.dumps({"query": query, "variables": variables}).encode()
