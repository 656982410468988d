"""The secret forms the log redaction looks for, built without urllib.parse and base64 (the hook
logs through common/log_protocol.py and imports neither): equal to what those modules give. The
quick test of a text for runs of them misses none."""

from __future__ import annotations

import base64
import random
from urllib.parse import quote, quote_plus

import pytest

from gallery_ops.common.log_protocol import (
    MIN_PART,
    PIECE,
    REDACTED,
    _base64,
    _Prepared,
    redact,
    secret_forms,
    url_encoded,
)

TEXTS = ["", "plain", "a b+c/d?e=f&g", "~_.-", "ключ é 鍵 🔑", "%41 %", "\x00\x7f\n\t", "A" * 300]


@pytest.mark.parametrize("text", TEXTS)
def test_url_encoding_is_urllibs(text: str) -> None:
    assert url_encoded(text, plus=False) == quote(text, safe="")
    assert url_encoded(text, plus=True) == quote_plus(text, safe="")


@pytest.mark.parametrize("secret", ["eyJhbGciOiJIUzI1NiJ9.k3y+/=x", "sessiön cookie value 12345"])
def test_the_base64_forms_are_the_standard_librarys(secret: str) -> None:
    forms = set(secret_forms([secret]))
    raw = secret.encode()
    for shift in range(3):
        for encode in (base64.b64encode, base64.urlsafe_b64encode):
            encoded = encode(b"\0" * shift + raw).decode()[4 if shift else 0 :].rstrip("=")
            assert encoded.lower() in forms  # (the forms are lower-cased: matching ignores case)
    assert {quote(secret, safe="").lower(), quote_plus(secret).lower(), secret.lower()} <= forms


def test_base64_is_the_standard_librarys_at_every_length() -> None:
    rnd = random.Random(64)
    for length in range(80):
        data = bytes(rnd.randrange(256) for _ in range(length))
        assert _base64(data) == base64.b64encode(data).decode().rstrip("="), data


@pytest.mark.parametrize("secret", ["Ab+/=% key_1", "sessiön ключ 🔑", "\x00\\u"])
def test_the_escaped_forms_are_each_byte_or_character_escaped(secret: str) -> None:
    """%xx and \\xhh of each UTF-8 byte, \\u and the code of each character (4 hex digits or more)."""
    forms = set(secret_forms([secret]))
    raw = secret.encode()
    assert "".join(f"%{b:02x}" for b in raw) in forms
    assert "".join(f"\\x{b:02x}" for b in raw) in forms
    assert "".join(f"\\u{ord(c):04x}" for c in secret) in forms
    assert raw.hex() in forms


def _has_run(forms: list[str], text: str) -> bool:
    """Whether some MIN_PART characters of `text` in a row are a run of a form (every window, every form)."""
    return any(text[i : i + MIN_PART] in form for form in forms for i in range(len(text) - MIN_PART + 1))


@pytest.mark.parametrize("tables", [False, True])
def test_the_quick_test_of_a_text_misses_no_run_of_a_form(tables: bool) -> None:
    """_Prepared.any_run, before and after it builds its tables (a task's many lines), says yes for
    every text holding a run of a form: each run of every form, at every place against the pieces'
    grid, in lines of a task's log and in random text of the forms' own characters."""
    secrets = ("s3cr3t-Cookie+value/0123456789", "ключ 🔑 key")
    prepared = _Prepared(secrets)
    if tables:
        prepared.any_run("x" * 10_000)  # past its budget: the tables are built
        assert prepared.grams is not None and prepared.pieces
    else:
        prepared.budget = 10**9  # never past it: the forms joined are searched
    forms = prepared.long
    line = 'Sync images from gallery: gallery "set000.zip" [1]: update 5 images: add tag "Set" [1]'
    assert not prepared.any_run(line.lower()) and redact(line, secrets) == line
    for form in forms:
        for start in range(len(form) - MIN_PART + 1):
            run = form[start : start + MIN_PART]
            for shift in range(2 * PIECE):
                text = line[:shift] + run + line[shift:]
                assert prepared.any_run(text), (form, start, shift)
    alphabet = "".join(sorted(set("".join(forms)))) + "xyz "
    rnd = random.Random(22)
    runs = 0
    for _ in range(3000):
        text = "".join(rnd.choice(alphabet) for _ in range(rnd.randrange(0, 60)))
        if rnd.random() < 0.3:
            form = rnd.choice(forms)
            at = rnd.randrange(len(form) - MIN_PART + 1)
            text += form[at : at + rnd.randrange(MIN_PART, MIN_PART + 4)] + text[:5]
        if _has_run(forms, text):
            runs += 1
            assert prepared.any_run(text), text
            assert REDACTED in redact(text, secrets)
    assert runs > 500
    assert (prepared.grams is not None) == tables
