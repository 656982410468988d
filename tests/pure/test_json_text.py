"""common/json_text.py: what json.loads and json.dumps give for the calls the plugin makes, through
`_json` without importing `json`; json's own errors, with their messages and places; json itself
where a Python has no `_json`."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from gallery_ops.common import json_text

REPO = Path(__file__).resolve().parents[2]

VALUES: list[Any] = [
    None,
    True,
    False,
    0,
    -7,
    10**40,
    1.5,
    -0.0,
    1e300,
    float("nan"),
    float("inf"),
    float("-inf"),
    "",
    "plain",
    'quote " backslash \\ slash / tab \t newline \n nul \x00 bell \x07',
    "é ü 日本 \u2028 \ud800 🎉",
    [],
    {},
    [1, "a", None, [2, [3, {}]]],
    (1, 2),
    {"b": 1, "a": [{"z": None, "y": "é"}], "é": {"ü": 2.5}},
    {1: "int key", 2.5: "float key", False: "bool key", None: "none key"},
    {"query": "query Q($i: ID!) { findGallery(id: $i) { id } }", "variables": {"i": "12", "ids": ["1", "2"]}},
]
TEXTS: list[str] = [
    '{"data": {"findGallery": {"id": "1", "title": "Beach \\u00e9", "tags": [{"id": "2"}]}}}',
    ' \t\n\r[1, 2.5e3, -0, "x", true, false, null] \n',
    '{"a": 1, "a": 2}',
    '"\\ud83c\\udf89 \\ud800"',
    "NaN",
    "[Infinity, -Infinity]",
    '{"id": "1"}',
    '{"data": {"w": [{"id": "1"}, {"id": "2"}], "e": {"id": "3", "x": 1}}}',
    "",
    "   ",
    "{not json",
    "[1,",
    "[1,]",
    '{"a" 1}',
    '"unterminated',
    '"bad \\x escape"',
    '"control \x01 char"',
    '{"a": 1} extra',
    "[1] [2]",
    "\ufeff{}",
    "01",
    "[" * 100 + "]" * 100,
]


def _refuse(name: str) -> Any:
    raise ValueError(f"{name} is not a JSON value")


def _ids_dropped(pairs: list[tuple[str, Any]]) -> Any:
    return None if len(pairs) == 1 and pairs[0][0] == "id" else dict(pairs)


def outcome(call: Any) -> Any:
    """What a call gives: its value (repr: NaN equals itself there), or its error's type, message and place."""
    try:
        return ("value", repr(call()))
    except Exception as exc:
        return ("error", type(exc), str(exc), getattr(exc, "pos", None), exc.__cause__ is None)


@pytest.mark.parametrize("value", VALUES, ids=range(len(VALUES)))
@pytest.mark.parametrize("ensure_ascii", [True, False])
@pytest.mark.parametrize("sort_keys", [False, True])
def test_dumps_writes_what_json_writes(value: Any, ensure_ascii: bool, sort_keys: bool) -> None:
    if sort_keys and isinstance(value, dict) and len({type(key) for key in value}) > 1:
        value = {str(key): item for key, item in value.items()}  # (keys of several types do not sort, in both)
    given = json_text.dumps(value, ensure_ascii=ensure_ascii, sort_keys=sort_keys)
    assert given == json.dumps(value, ensure_ascii=ensure_ascii, sort_keys=sort_keys)
    assert json_text.dumps(value, default=str) == json.dumps(value, default=str)


def test_dumps_refuses_what_json_refuses_with_its_words() -> None:
    circular: list[Any] = []
    circular.append(circular)
    for value in (object(), {"a": {1, 2}}, {(1, 2): 3}, circular, {"a": [b"bytes"]}):
        assert outcome(lambda v=value: json_text.dumps(v)) == outcome(lambda v=value: json.dumps(v))
        assert outcome(lambda v=value: json_text.dumps(v, sort_keys=True, ensure_ascii=False)) == outcome(
            lambda v=value: json.dumps(v, sort_keys=True, ensure_ascii=False)
        )
    thing = object()
    assert json_text.dumps({"a": thing}, default=str) == json.dumps({"a": thing}, default=str)


@pytest.mark.parametrize("text", TEXTS, ids=range(len(TEXTS)))
def test_loads_gives_what_json_gives_or_refuses_as_json_does(text: str) -> None:
    assert outcome(lambda: json_text.loads(text)) == outcome(lambda: json.loads(text))
    assert outcome(lambda: json_text.loads(text, parse_constant=_refuse)) == outcome(
        lambda: json.loads(text, parse_constant=_refuse)
    )
    assert outcome(lambda: json_text.loads(text, object_pairs_hook=_ids_dropped)) == outcome(
        lambda: json.loads(text, object_pairs_hook=_ids_dropped)
    )
    for encoding in ("utf-8", "utf-8-sig", "utf-16", "utf-16-le", "utf-16-be", "utf-32", "utf-32-le", "utf-32-be"):
        data = text.encode(encoding, "surrogatepass")
        assert outcome(lambda d=data: json_text.loads(d)) == outcome(lambda d=data: json.loads(d))
        assert outcome(lambda d=data: json_text.loads(bytearray(d))) == outcome(lambda d=data: json.loads(bytearray(d)))


def test_loads_refuses_what_is_no_text_as_json_does() -> None:
    for value in (5, None, ["[]"]):
        assert outcome(lambda v=value: json_text.loads(v)) == outcome(lambda v=value: json.loads(v))


def test_detect_encoding_says_what_json_says() -> None:
    starts = [b"", b"\x00", b"a", b"\xef\xbb\xbf", b"\xfe\xff", b"\xff\xfe", b"\x00\x00\xfe\xff", b"\xff\xfe\x00\x00"]
    pieces = [b"", b"\x00", b"{", b"\x00\x00", b"\x00{", b"{\x00", b"\xff", b"\x00\x00\x00", b"ab"]
    for start in starts:
        for piece in pieces:
            for tail in (b"", b"\x00", b"}", b"\x00\x00"):
                data = start + piece + tail
                assert json_text.detect_encoding(data) == json.detect_encoding(data), data


def run_alone(code: str, *before: str) -> str:
    """`code` in a new interpreter that has not imported json (python -S, as Stash starts the plugin)."""
    lines = [*before, "import sys", f"sys.path.insert(0, {str(REPO)!r})", code]
    return subprocess.run(
        [sys.executable, "-S", "-c", "\n".join(lines)], capture_output=True, text=True, check=True
    ).stdout


def test_without_json_imported_a_refused_text_is_json_s_error_and_json_is_imported_only_then() -> None:
    """Python 3.11's scanner raises JSONDecodeError only where json.decoder was imported already."""
    said = run_alone(
        "\n".join(
            [
                "from gallery_ops.common import json_text",
                "print(json_text.loads('[1, {\"a\": null}]'), json_text.dumps({'é': [1.5, None]}),",
                "      'json' in sys.modules)",
                "for text in ('{not json', '[1,', ''):",
                "    try:",
                "        json_text.loads(text)",
                "    except ValueError as exc:",
                "        print(type(exc).__module__, type(exc).__name__, exc.pos, exc, exc.__context__ is None)",
            ]
        )
    )
    assert said.splitlines() == [
        "[1, {'a': None}] {\"\\u00e9\": [1.5, null]} False",
        "json.decoder JSONDecodeError 1 Expecting property name enclosed in double quotes: line 1 column 2 (char 1)"
        " True",
        "json.decoder JSONDecodeError 3 Expecting value: line 1 column 4 (char 3) False",  # (json's: its StopIteration)
        "json.decoder JSONDecodeError 0 Expecting value: line 1 column 1 (char 0) False",  # (json's too)
    ]


def test_where_python_has_no_json_c_module_json_itself_answers() -> None:
    calls = [
        "loads(b'[1, NaN]')",
        "loads('[1, 2')",
        "loads('{\"id\": 1}', object_pairs_hook=lambda pairs: None)",
        "dumps({'b': 1, 'a': 'é'}, sort_keys=True)",
        "dumps(float('inf'), ensure_ascii=False)",
        "dumps({'a': object()})",
        "detect_encoding(b'\\x00{')",
    ]
    code = "\n".join(
        [
            "import json",
            "from gallery_ops.common import json_text",
            "def said(call):",
            "    try:",
            "        return repr(call())",
            "    except Exception as exc:",
            "        return f'{type(exc).__name__}: {exc}'",
            "print(json_text.make_encoder is None, json_text.make_scanner is None)",
            *[
                f"print(said(lambda: json_text.{call}) == said(lambda: json.{call}), said(lambda: json_text.{call}))"
                for call in calls
            ],
        ]
    )
    said = run_alone(code, "import sys", "sys.modules['_json'] = None").splitlines()
    assert said[0] == "True True"
    assert [line.split(" ", 1)[0] for line in said[1:]] == ["True"] * len(calls), said
    # (json's Python scanner, which says where it wanted more a character before the C one)
    assert said[2] == "True JSONDecodeError: Expecting ',' delimiter: line 1 column 6 (char 5)"
