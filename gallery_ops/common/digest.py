"""SHA-256 for the digests that guard people's data, without loading OpenSSL where Python has its own.

A page action's preview hands the page a fingerprint of what it read and planned (tasks/gate.py,
over the read digest of stash/connection.py), and its apply writes only when the fingerprint is the
same again; a delete's basis is a digest too (tasks/deletes.py). Each is SHA-256, and stays so.

`hashlib.sha256` is the usual way to it, but `import hashlib` loads OpenSSL through `_hashlib` and
looks up every algorithm it offers: 3-4 ms of CPU in a fresh process, the largest import a page
action had (the page waits for the whole process, docs/ui.md). CPython carries its own SHA-256 as a
builtin module, the one hashlib itself falls back to: `_sha256` up to Python 3.11, `_sha2` from
3.12 on (HACL*, formally verified); it gives the same digest (the test checks each Python on the
machine against hashlib, and the NIST vectors). A Python built without it (a build may leave the
builtin hashes out, `--with-builtin-hashlib-hashes`) gets hashlib's, so the digest is the same
everywhere and never a weaker one. Standard library only.
"""

from __future__ import annotations

import sys

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable
    from typing import Protocol

    class Hash(Protocol):
        """The part of a hashlib object the plugin uses."""

        def update(self, data: bytes, /) -> None: ...

        def hexdigest(self) -> str: ...


def _builtin_or_hashlib() -> Callable[..., Hash]:
    """The constructor of SHA-256 objects: CPython's builtin module when this Python has it
    (asked by name for its version: a failed import costs a search of sys.path), else hashlib's."""
    try:
        if sys.version_info >= (3, 12):
            from _sha2 import sha256 as builtin
        else:
            from _sha256 import sha256 as builtin  # type: ignore[import-not-found]  # (no stub: a private module)
        return builtin  # type: ignore[no-any-return]
    except ImportError:
        import hashlib

        return hashlib.sha256


sha256 = _builtin_or_hashlib()  # sha256(data=b"") -> an object with update() and hexdigest()


def sha256_hex(text: str) -> str:
    """The SHA-256 of `text` (UTF-8), in hex."""
    return str(sha256(text.encode()).hexdigest())
