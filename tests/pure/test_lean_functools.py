"""common/lean_functools.py: functools' cache, lru_cache and partial as the plugin uses them."""

from __future__ import annotations

import functools
from typing import Any

from gallery_ops.common.lean_functools import cache, lru_cache, partial


def test_a_cached_function_runs_once_per_distinct_arguments() -> None:
    calls: list[Any] = []

    @cache
    def document(count: int, selection: str = "id") -> str:
        """The text of `count` items."""
        calls.append((count, selection))
        return f"{count}:{selection}"

    assert [document(2), document(2), document(3), document(2, "id"), document(2, selection="id")] == [
        "2:id",
        "2:id",
        "3:id",
        "2:id",
        "2:id",
    ]
    assert calls == [(2, "id"), (3, "id"), (2, "id"), (2, "id")]  # (by position and by keyword: two keys, as functools)
    assert (document.__name__, document.__doc__) == ("document", "The text of `count` items.")


def test_lru_cache_keeps_the_results_used_last() -> None:
    calls: list[int] = []

    @lru_cache(maxsize=2)
    def square(n: int) -> int:
        calls.append(n)
        return n * n

    assert [square(n) for n in (1, 2, 1, 3, 1, 2)] == [1, 4, 1, 9, 1, 4]
    # 3 put out 2 (1 was used after it), then 2 put out 3
    assert calls == [1, 2, 3, 2]


def test_partial_is_functools_partial() -> None:
    assert partial is functools.partial
    assert partial(divmod, 7)(2) == (3, 1)
