"""The secret forms the log redaction looks for, built without urllib.parse and base64 (the hook
logs through common/log_protocol.py and imports neither): equal to what those modules give."""

from __future__ import annotations

import base64
from urllib.parse import quote, quote_plus

import pytest

from gallery_ops.common.log_protocol import secret_forms, url_encoded

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
