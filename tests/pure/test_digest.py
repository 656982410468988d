"""common/digest.py: SHA-256 itself, on every Python 3.11 or newer on this machine, with OpenSSL
(hashlib) loaded only where the Python has no builtin SHA-256.

The digests guard data (a preview's fingerprint, tasks/gate.py; a delete's basis, tasks/deletes.py):
the builtin module must give exactly hashlib's SHA-256. Checked against the standard's test vectors
(FIPS 180-2's "abc" and its two-block message) and against hashlib on inputs of every length around
the 64-byte block, in each interpreter: pyenv's and the system's (the README names Python 3.11 or
newer), and the one running the tests.
"""

from __future__ import annotations

import glob
import hashlib
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from gallery_ops.common import digest

REPO = Path(__file__).resolve().parents[2]
VECTORS = {
    b"": "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
    b"abc": "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
    b"abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq": (
        "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"
    ),
}
# Run in each interpreter with `python -S`, as Stash runs the plugin: which constructor the module
# chose, whether hashlib was imported, and the digests of the vectors and of every length 0-200.
PROBE = """
import json, sys
sys.path.insert(0, sys.argv[1])
from gallery_ops.common import digest
texts = ["", "abc", "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"]
texts += [("\\u00e9x" * 200)[:n] for n in range(201)]
split = digest.sha256()
split.update(b"abc")
split.update(b"dbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq")
print(json.dumps({
    "module": getattr(digest.sha256, "__module__", None) or type(digest.sha256()).__module__,
    "hashlib": "hashlib" in sys.modules or "_hashlib" in sys.modules,
    "digests": [digest.sha256_hex(t) for t in texts],
    "split": split.hexdigest(),
    "version": list(sys.version_info[:2]),
}))
"""


def interpreters() -> list[str]:
    """Every Python 3.11 or newer found where test_entry_old_python.py looks for old ones, and this one."""
    found = {sys.executable}
    for path in glob.glob(str(Path.home() / ".pyenv/versions/*/bin/python3")) + glob.glob("/usr/bin/python3.*"):
        if not re.search(r"python3(\.\d+)?$", path):
            continue
        check = "import sys; print(sys.version_info[:2] >= (3, 11))"
        done = subprocess.run([path, "-c", check], capture_output=True, text=True, timeout=30)
        if done.stdout.strip() == "True":
            found.add(path)
    return sorted(found)


def test_the_digest_is_sha256_on_the_standards_vectors() -> None:
    for data, expected in VECTORS.items():
        assert digest.sha256(data).hexdigest() == expected
    assert digest.sha256_hex("abc") == VECTORS[b"abc"]


@pytest.mark.parametrize("python", interpreters())
def test_every_python_here_gets_hashlib_s_sha256_from_its_builtin_module(python: str) -> None:
    done = subprocess.run([python, "-S", "-c", PROBE, str(REPO)], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr[-2000:]
    found = json.loads(done.stdout)
    texts = ["", "abc", "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"]
    texts += [("\u00e9x" * 200)[:n] for n in range(201)]
    assert found["digests"] == [hashlib.sha256(t.encode()).hexdigest() for t in texts]
    assert found["split"] == VECTORS[b"abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"]
    # CPython's builtin module, as named for its version; OpenSSL is left unloaded
    assert found["module"] == ("_sha2" if found["version"] >= [3, 12] else "_sha256"), found["module"]
    assert found["hashlib"] is False


def test_a_python_without_the_builtin_module_gets_hashlib_s() -> None:
    """A build without the builtin hashes: the import fails, and the digest is hashlib's SHA-256."""
    code = (
        "import sys, json; sys.path.insert(0, sys.argv[1])\n"
        "sys.modules['_sha256'] = sys.modules['_sha2'] = None\n"
        "from gallery_ops.common import digest\n"
        "print(json.dumps([digest.sha256_hex('abc'), 'hashlib' in sys.modules]))"
    )
    done = subprocess.run([sys.executable, "-S", "-c", code, str(REPO)], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == [VECTORS[b"abc"], True]
