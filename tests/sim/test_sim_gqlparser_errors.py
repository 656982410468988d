"""Invalid requests answered in gqlparser's words, as a real Stash v0.30.1 answered them.

Every expected body below is what the real server sent (../shared/real-stash/transcripts,
FINDINGS.md "Errors, word for word"); the rules are gqlparser v2.5.27's (validator/rules,
validator/vars.go, parser/parser.go, lexer/lexer.go) and gqlgen's executor ("operation %s
not found"). Validation and variable errors are HTTP 422 with GRAPHQL_VALIDATION_FAILED,
parse errors GRAPHQL_PARSE_FAILED; variable errors carry a path and no locations.
"""

from __future__ import annotations

from typing import Any

import pytest
import requests
from stash_sim import StashSimulator

VALIDATION = {"code": "GRAPHQL_VALIDATION_FAILED"}
CREATE = "mutation GalleryCreate($input: GalleryCreateInput!) { galleryCreate(input: $input) { id } }"
BULK = "mutation Bulk($input: BulkGalleryUpdateInput!) { bulkGalleryUpdate(input: $input) { id } }"
FIND_G = "query FindGalleries($f: GalleryFilterType) { findGalleries(gallery_filter: $f) { count } }"


def _path_error(message: str, *path: str | int) -> dict[str, Any]:
    return {"message": message, "path": ["variable", *path], "extensions": VALIDATION}


def _located(message: str, line: int, column: int, code: str = "GRAPHQL_VALIDATION_FAILED") -> dict[str, Any]:
    return {"message": message, "locations": [{"line": line, "column": column}], "extensions": {"code": code}}


CASES = [
    pytest.param(
        CREATE,
        {"input": {"details": "no title"}},
        _path_error("must be defined", "input", "title"),
        id="required_input_field_missing[validator/vars.go]",
    ),
    pytest.param(
        "query Q($id: ID!) { findGallery(id: $id) { id } }",
        {},
        _path_error("must be defined", "id"),
        id="required_variable_missing[validator/vars.go]",
    ),
    pytest.param(
        BULK,
        {"input": {"ids": ["1"], "title": "x"}},
        _path_error("unknown field", "input", "title"),
        id="unknown_input_field[validator/vars.go]",
    ),
    pytest.param(
        FIND_G,
        {"f": {"colour": "red"}},
        _path_error("unknown field", "f", "colour"),
        id="unknown_filter_key[validator/vars.go]",
    ),
    pytest.param(
        BULK,
        {"input": {"ids": ["1"], "tag_ids": {"ids": ["1"]}}},
        _path_error("must be defined", "input", "tag_ids", "mode"),
        id="nested_required_field_missing[validator/vars.go]",
    ),
    pytest.param(
        BULK,
        {"input": {"ids": ["1"], "tag_ids": {"ids": ["1"], "mode": "PLUS"}}},
        _path_error("PLUS is not a valid BulkUpdateIdMode", "input", "tag_ids", "mode"),
        id="enum_variable_unknown[validator/vars.go]",
    ),
    pytest.param(
        BULK,
        {"input": {"ids": ["1"], "tag_ids": "x"}},
        _path_error("must be a BulkUpdateIds, not a string", "input", "tag_ids"),
        id="input_object_not_a_map[validator/vars.go]",
    ),
    pytest.param(
        BULK,
        {"input": {"ids": [None]}},
        _path_error("cannot be null", "input", "ids", 0),
        id="null_list_item_for_non_null[validator/vars.go]",
    ),
    pytest.param(
        "query Q($pp: Int) { findGalleries(filter: {per_page: $pp}) { count } }",
        {"pp": "abc"},
        _path_error("cannot use string as Int", "pp"),
        id="int_variable_not_a_number[validator/vars.go]",
    ),
    pytest.param(
        'query { findGalleries(filter: {per_page: "abc"}) { count } }',
        None,
        _located('Int cannot represent non-integer value: "abc"', 1, 43),
        id="bad_int_literal_at_the_string_after_its_quote[values_of_correct_type.go, lexer.go readString]",
    ),
    pytest.param(
        "query { findGalleries { galleries { bogus } } }",
        None,
        _located('Cannot query field "bogus" on type "Gallery". Did you mean "tags"?', 1, 37),
        id="unknown_field[fields_on_correct_type.go]",
    ),
    pytest.param(
        "query { findGallery { id } }",
        None,
        _located('Field "findGallery" argument "id" of type "ID!" is required, but it was not provided.', 1, 9),
        id="missing_argument[provided_required_arguments.go]",
    ),
    pytest.param(
        "query { findGalleries(filter: {direction: UP}) { count } }",
        None,
        _located('Value "UP" does not exist in "SortDirectionEnum" enum.', 1, 43),
        id="unknown_enum_value[values_of_correct_type.go]",
    ),
    pytest.param(
        "query { findGallery(id: 1) { title { x } } }",
        None,
        _located('Field "title" must not have a selection since type "String" has no subfields.', 1, 30),
        id="selection_on_a_scalar_names_the_named_type[scalar_leafs.go]",
    ),
    pytest.param(
        "query { findGalleries { count ",
        None,
        _located("Expected Name, found <EOF>", 1, 31, "GRAPHQL_PARSE_FAILED"),
        id="syntax[parser.go expect]",
    ),
    pytest.param(
        "query { findGallery(id: 1) { id } } }",
        None,
        _located("Unexpected }", 1, 37, "GRAPHQL_PARSE_FAILED"),
        id="unexpected_token[parser.go]",
    ),
    pytest.param(
        "query A { systemStatus { status } } query B { version { version } }",
        None,
        {"message": "operation  not found", "extensions": VALIDATION},
        id="two_operations_no_name[gqlgen executor OperationList.ForName]",
    ),
]


@pytest.mark.parametrize(("query", "variables", "expected"), CASES)
def test_invalid_request_in_gqlparsers_words(
    sim: StashSimulator, query: str, variables: dict[str, Any] | None, expected: dict[str, Any]
) -> None:
    response = requests.post(
        sim.url, json={"query": query, "variables": variables}, headers={"Accept": "application/json"}, timeout=10
    )
    assert response.status_code == 422
    assert response.json() == {"errors": [expected], "data": None}
