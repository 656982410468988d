"""Stash's real GraphQL schema, read from an installed, pinned PyPI package.

The SDL files ship inside `stash-graphql-client` (docs/stash.md §8). They are located
through the package's installed file list, so the package is never imported (it
needs Python 3.12; its files need nothing). Nothing from the schema is copied into
this repository.
"""

from __future__ import annotations

import functools
import importlib.metadata

from graphql import GraphQLSchema, build_schema

SCHEMA_DISTRIBUTION = "stash-graphql-client"
SCHEMA_VERSION = "0.12.12"


class SchemaNotInstalled(RuntimeError):
    """The schema package is missing: run scripts/bootstrap.sh."""


def schema_sdl() -> str:
    """The concatenated SDL text of every .graphql file in the schema package."""
    try:
        dist = importlib.metadata.distribution(SCHEMA_DISTRIBUTION)
    except importlib.metadata.PackageNotFoundError as exc:
        raise SchemaNotInstalled(
            f"{SCHEMA_DISTRIBUTION}=={SCHEMA_VERSION} is not installed; run scripts/bootstrap.sh"
        ) from exc
    if dist.version != SCHEMA_VERSION:
        raise SchemaNotInstalled(
            f"{SCHEMA_DISTRIBUTION} {dist.version} is installed, the simulator is pinned to {SCHEMA_VERSION}"
        )
    files = sorted(str(f) for f in dist.files or [] if str(f).endswith(".graphql"))
    if not files:
        raise SchemaNotInstalled(f"{SCHEMA_DISTRIBUTION} has no .graphql files")
    return "\n".join(dist.locate_file(name).read_text(encoding="utf-8") for name in files)


@functools.cache
def stash_schema() -> GraphQLSchema:
    """Build (once per process) the schema graphql-core executes against."""
    return build_schema(schema_sdl())
