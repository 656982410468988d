"""The part of functools the plugin uses, `cache`, `lru_cache` and `partial`, without importing
functools (standard library only).

Why: `import functools` costs a process about 0.5 ms of CPU (it builds its classes and a named
tuple, and imports `types` and `reprlib`: docs/architecture.md, "The runtime"), and a task imports
it for nothing else than a few cached functions (the documents of stash/documents.py, made once
per size of a batch or a page) and `partial`:

- `cache`, `lru_cache(maxsize)`: a cached function gives what the function gives, called once per
  distinct arguments (hashable ones, as with functools); `lru_cache` keeps the `maxsize` results
  used last;
- `partial` is functools.partial itself, the C type functools takes from `_functools` (and
  functools' own where a Python has no `_functools`).
"""

from __future__ import annotations

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable
    from functools import partial as partial
    from typing import Any, TypeVar

    F = TypeVar("F", bound=Callable[..., Any])
else:
    try:
        from _functools import partial
    except ImportError:  # (a Python without the C module)
        from functools import partial

_KEYWORDS = object()  # in a call's key, between its positional arguments and its keyword ones


def lru_cache(maxsize: int | None) -> Callable[[F], F]:
    """functools.lru_cache(maxsize): the results of the last `maxsize` distinct calls kept (None: all)."""

    def decorate(function: F) -> F:
        found: dict[Any, Any] = {}

        def cached(*args: Any, **kwargs: Any) -> Any:
            key = (*args, _KEYWORDS, *kwargs.items()) if kwargs else args
            if key in found:
                value = found.pop(key)  # (put back last: the one used last)
            else:
                value = function(*args, **kwargs)
                if maxsize is not None and len(found) >= maxsize:
                    del found[next(iter(found))]  # (the one used longest ago)
            found[key] = value
            return value

        cached.__module__ = function.__module__
        cached.__name__ = function.__name__
        cached.__qualname__ = function.__qualname__
        cached.__doc__ = function.__doc__
        cached.__wrapped__ = function  # type: ignore[attr-defined]
        return cached  # type: ignore[return-value]

    return decorate


def cache(function: F) -> F:
    """functools.cache: every distinct call's result kept."""
    return lru_cache(None)(function)


__all__ = ["cache", "lru_cache", "partial"]
