"""Inputs and introspection as gqlgen (v0.17.73) and gqlparser (v2.5.27) handle them, not graphql-core.

- gqlparser validator/vars.go: an Int variable may be a JSON integer or a string that
  strconv.ParseInt(s, 10, 64) reads; a Float variable a JSON number or a string that
  strconv.ParseFloat reads (IsValidIntString / IsValidFloatString), at the top level
  and inside input objects; gqlgen graphql/int.go UnmarshalInt / float.go UnmarshalFloat.
- Stash's Int is Go's int (64 bits), not GraphQL's 32-bit Int.
- gqlgen graphql/introspection/type.go: inputFields lists deprecated input fields, and
  a field's args lists every argument, whatever includeDeprecated says.
Each case is sent over HTTP, as a client sends it.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
import requests
from stash_sim import StashSimulator

PER_PAGE = 'query($n: Int!) { findGalleries(filter: {per_page: $n, sort: "path"}) { galleries { id } } }'
FILTER = "query($f: FindFilterType) { findGalleries(filter: $f) { galleries { id } } }"
RATING = "query($r: Int!) { findGalleries(gallery_filter: {rating100: {value: $r, modifier: GREATER_THAN}}) { count } }"


def post(sim: StashSimulator, query: str, variables: dict[str, Any]) -> requests.Response:
    return requests.post(
        sim.url, json={"query": query, "variables": variables}, headers={"Accept": "application/json"}, timeout=10
    )


@pytest.mark.parametrize("value", ["2", "+2", "02"])
def test_int_variable_as_numeric_string_is_accepted_vars_go_is_valid_int_string(
    sim: StashSimulator, value: str
) -> None:
    as_string = post(sim, PER_PAGE, {"n": value})
    as_number = post(sim, PER_PAGE, {"n": 2})
    assert as_string.status_code == 200, as_string.text
    assert as_string.json() == as_number.json()
    assert len(as_string.json()["data"]["findGalleries"]["galleries"]) == 2


def test_int_strings_inside_input_objects_are_accepted_vars_go(sim: StashSimulator) -> None:
    as_strings = post(sim, FILTER, {"f": {"per_page": "1", "page": "2", "sort": "path"}})
    as_numbers = post(sim, FILTER, {"f": {"per_page": 1, "page": 2, "sort": "path"}})
    assert as_strings.status_code == 200, as_strings.text
    assert as_strings.json() == as_numbers.json()
    assert len(as_strings.json()["data"]["findGalleries"]["galleries"]) == 1


@pytest.mark.parametrize("value", [" 2", "2.0", "1e1", "1_0", "two", "", "0x10", 2.5, True])
def test_int_variables_parse_int_refuses_are_validation_errors(sim: StashSimulator, value: Any) -> None:
    """strconv.ParseInt(s, 10, 64) refuses spaces, decimals, exponents, underscores, prefixes;
    a JSON non-integer fails json.Number.Int64; a bool is no Int."""
    response = post(sim, PER_PAGE, {"n": value})
    assert response.status_code == 422, response.text
    body = response.json()
    assert body["data"] is None
    kind = "bool" if value is True else "value 0" if isinstance(value, float) else "string"
    # gqlparser's own error: its message, the path variable.<name>, no locations (vars.go ErrorPathf)
    assert body["errors"] == [
        {
            "message": f"cannot use {kind} as Int",
            "path": ["variable", "n"],
            "extensions": {"code": "GRAPHQL_VALIDATION_FAILED"},
        }
    ]


def test_a_refused_int_inside_an_input_object_has_its_path_vars_go(sim: StashSimulator) -> None:
    response = post(sim, FILTER, {"f": {"per_page": "one"}})
    assert response.status_code == 422
    assert response.json()["errors"][0]["message"] == "cannot use string as Int"
    assert response.json()["errors"][0]["path"] == ["variable", "f", "per_page"]


def test_int_is_64_bits_as_go_int_unmarshal_int(sim: StashSimulator) -> None:
    """graphql-core stops Int at 2^31-1; Stash's Int is a Go int: 2^31 and 2^63-1 are Ints, 2^63 is not."""
    for value in (2**31, "2147483648", 2**63 - 1, str(-(2**63))):
        response = post(sim, RATING, {"r": value})
        assert response.status_code == 200, (value, response.text)
        assert response.json()["data"]["findGalleries"]["count"] == 0
    for value, message in (
        (2**63, "cannot use value 9223372036854775807 as Int"),
        (-(2**63) - 1, "cannot use value -9223372036854775808 as Int"),
        (str(2**63), "cannot use string as Int"),
    ):
        response = post(sim, RATING, {"r": value})
        assert response.status_code == 422, (value, response.text)
        assert response.json()["errors"][0]["message"] == message


def test_int_literal_beyond_32_bits_is_accepted_go_int(sim: StashSimulator) -> None:
    rated = sim.gql("{ findGalleries(gallery_filter: {rating100: {value: 0, modifier: NOT_NULL}}) { count } }")
    query = "{ findGalleries(gallery_filter: {rating100: {value: 3000000000, modifier: LESS_THAN}}) { count } }"
    response = post(sim, query, {})
    assert response.status_code == 200, response.text
    assert response.json()["data"]["findGalleries"]["count"] == rated["findGalleries"]["count"]


def test_large_int_results_are_served_not_refused_marshal_int(sim: StashSimulator) -> None:
    """MarshalInt writes any Go int: an Int field over 2^31 is answered (graphql-core would error)."""
    from stash_sim.gqlgen import GQLGEN_INT

    assert GQLGEN_INT.serialize(2**40) == 2**40
    with pytest.raises(Exception, match="cannot represent"):
        GQLGEN_INT.serialize(2**63)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("1.5", 1.5),
        ("2", 2.0),
        ("1e3", 1000.0),
        (3, 3.0),
        (0.25, 0.25),
        ("-Inf", float("-inf")),
        ("0x1p-2", 0.25),
        (".5", 0.5),
    ],
)
def test_float_variable_as_numeric_string_is_accepted_vars_go_is_valid_float_string(
    value: Any, expected: float
) -> None:
    from stash_sim.gqlgen import GQLGEN_FLOAT

    assert GQLGEN_FLOAT.parse_value(value) == expected


@pytest.mark.parametrize("value", ["1.5 ", "1,5", "1_0.0", "abc", "", "1e400", "+nan", True])
def test_float_strings_parse_float_refuses_are_refused(value: Any) -> None:
    from stash_sim.gqlgen import GQLGEN_FLOAT

    with pytest.raises(Exception):  # noqa: B017 - graphql-core turns it into a variable error
        GQLGEN_FLOAT.parse_value(value)


def test_float_variable_as_string_over_http_is_coerced_not_refused(sim: StashSimulator) -> None:
    """The variable check passes for "1.5" (whatever the resolver then answers) and fails for "x"."""
    query = (
        "query($f: Float!) { findPerformers(performer_filter: {penis_length: {value: $f, modifier: GREATER_THAN}})"
        " { count } }"
    )
    accepted = post(sim, query, {"f": "1.5"})
    assert accepted.status_code == 200, accepted.text
    refused = post(sim, query, {"f": "x"})
    assert refused.status_code == 422
    assert refused.json()["errors"][0]["extensions"]["code"] == "GRAPHQL_VALIDATION_FAILED"


INPUT_FIELDS = """query($all: Boolean!) {
  __type(name: "GalleryCreateInput") { inputFields(includeDeprecated: $all) { name isDeprecated deprecationReason } }
}"""
ARGS = """query($all: Boolean!) {
  __schema { queryType { fields { name args(includeDeprecated: $all) { name isDeprecated } } } }
}"""


@pytest.mark.parametrize("include_deprecated", [False, True])
def test_introspection_lists_deprecated_input_fields_as_gqlgen_type_go_input_fields(
    sim: StashSimulator, include_deprecated: bool
) -> None:
    response = post(sim, INPUT_FIELDS, {"all": include_deprecated})
    fields = {f["name"]: f for f in response.json()["data"]["__type"]["inputFields"]}
    assert "url" in fields, "GalleryCreateInput.url is deprecated and still listed"
    assert fields["url"]["isDeprecated"] is True
    assert fields["url"]["deprecationReason"]
    assert fields["title"]["isDeprecated"] is False


def test_introspection_without_the_argument_lists_deprecated_input_fields_too(sim: StashSimulator) -> None:
    query = '{ __type(name: "GalleryUpdateInput") { inputFields { name } } }'
    names = [f["name"] for f in post(sim, query, {}).json()["data"]["__type"]["inputFields"]]
    assert "url" in names and "urls" in names


def test_introspection_lists_deprecated_arguments_as_gqlgen_type_go_fields(sim: StashSimulator) -> None:
    """findImages(image_ids) is deprecated; gqlgen builds args from every argument."""
    fields = {f["name"]: f for f in post(sim, ARGS, {"all": False}).json()["data"]["__schema"]["queryType"]["fields"]}
    assert "image_ids" in [a["name"] for a in fields["findImages"]["args"]]


def test_introspection_still_hides_deprecated_object_fields_unless_asked_type_go_fields(sim: StashSimulator) -> None:
    """Fields(includeDeprecated) filters in gqlgen as in graphql-core: only input values differ."""
    query = '{ __type(name: "Gallery") { hidden: fields { name } all: fields(includeDeprecated: true) { name } } }'
    data = post(sim, query, {}).json()["data"]["__type"]
    hidden, everything = {f["name"] for f in data["hidden"]}, {f["name"] for f in data["all"]}
    assert hidden < everything  # Gallery.url is deprecated
    assert "url" in everything - hidden


def test_other_schemas_in_the_process_keep_graphql_core_rules() -> None:
    """The introspection rule applies to the simulator's schemas only (a client's local schema is untouched)."""
    from graphql import build_schema, graphql_sync

    schema = build_schema('type Query { a: Int } input I { old: Int @deprecated(reason: "x"), new: Int }')
    result = graphql_sync(schema, '{ __type(name: "I") { inputFields { name } } }')
    assert [f["name"] for f in result.data["__type"]["inputFields"]] == ["new"]
    assert graphql_sync(schema, "query($n: Int) { a }", variable_values={"n": "5"}).errors
    from graphql import GraphQLDeprecatedDirective, GraphQLString

    assert GraphQLDeprecatedDirective.args["reason"].type is GraphQLString  # shared directives untouched


def test_numbers_for_string_variables_keep_their_json_text_unmarshal_string() -> None:
    """json.Number passes gqlparser's String check; UnmarshalString returns its text ("1.50" stays "1.50")."""
    with StashSimulator() as sim:
        gallery = sim.gql('{ findGalleries(filter: {per_page: 1, sort: "path"}) { galleries { id } } }')[
            "findGalleries"
        ]["galleries"][0]["id"]
        mutation = "mutation($id: ID!, $t: String) { galleryUpdate(input: {id: $id, details: $t}) { details } }"
        body = json.dumps({"query": mutation, "variables": {"id": gallery}})[:-2] + ', "t": 1.50}}'
        response = requests.post(
            sim.url, data=body, timeout=10, headers={"Content-Type": "application/json", "Accept": "application/json"}
        )
        assert response.status_code == 200, response.text
        assert response.json()["data"]["galleryUpdate"]["details"] == "1.50"
        as_int = post(sim, mutation, {"id": int(gallery), "t": 7})  # an ID as a JSON number too
        assert as_int.json()["data"]["galleryUpdate"]["details"] == "7"
        refused = post(sim, mutation, {"id": gallery, "t": True})
        assert refused.status_code == 422
        assert "cannot use bool as String" in refused.json()["errors"][0]["message"]
