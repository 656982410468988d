"""What a log line must never say: a tag, performer, studio, scene or gallery by its id alone.

Everything Gallery Tools logs names things as Stash shows them, with the id in brackets after
the name (`gallery "Harbour" [10]`, `tag "Beach" [1]`). A bare id is the noun followed by a
number (`tag 3`, `tags 1, 3`, `tag ids 1`, `studio id 2`, `gallery 10`), by an id in brackets
with no name before it (`gallery [10]`), or by an id object (`studio {"id": "1"}`).
tests/conftest.py checks every log line of every plugin run of every test with this; the demo's
test (tests/plugin/test_plugin_names_in_logs.py) checks the demo's.
"""

from __future__ import annotations

import re

BARE_ID = re.compile(r'\b(?:tags?|performers?|studios?|scenes?|galler(?:y|ies))(?: ids?)? (?:\d|\[\d|\{"id")')
# A name in quotes is what a person typed (a scene titled "scene 3"): it is read as a name, not
# searched for bare ids. A quoted key (`"id":`) stays, so an id object is still caught.
QUOTED_NAME = re.compile(r'"(?:[^"\\]|\\.)*"(?!\s*:)')


def bare_ids(lines: list[str]) -> list[str]:
    """The lines that name a tag, performer, studio, scene or gallery by its id alone."""
    return [line for line in lines if BARE_ID.search(QUOTED_NAME.sub('""', line))]
