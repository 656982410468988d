"""The Stash releases the simulator serves, and each one's real GraphQL schema.

Every schema is read at test time from an installed, pinned PyPI package
(docs/stash.md §8); nothing from a schema is copied into this repository. The package
`stash-graphql-client` ships Stash's SDL files; it declares Python >= 3.12, but its
files need nothing, so it is installed without its dependencies and never imported.
Two versions of one distribution cannot share a site-packages, so scripts/bootstrap.sh
installs the older one into `<venv>/stash-schemas/<name>-<version>/` (pip --target).

Which package carries which Stash (checked against stashapp/stash's graphql/schema):
- v0.30.1 (tag b23b0267, 2025-12-18, database schema 75 in pkg/sqlite/database.go):
  no package carries exactly this schema. stash-graphql-client 0.10.x (0.10.14 is the
  line's last) carries the develop branch of 2026-01-11 (cf3489ef), which is v0.30.1
  plus one change, "Performer merge" (#5910, commit 65e82a0): the mutation
  `performerMerge` and the input `PerformerMergeInput`. Removing those two definitions
  gives v0.30.1's schema exactly (same printed, sorted schema). The removal is checked
  each time: if a definition is not there to remove, the package is not the one
  described here and the simulator refuses to start.
- v0.31.1 (2026-04-13; v0.31.0 plus fixes, no schema change in its release notes): no
  package carries exactly this schema either. stash-graphql-client 0.11.x follows the
  develop branch of March and April 2026: 0.11.1 (2026-03-22, yanked on PyPI) carries the
  schema of v0.31.0's line (gallery, image, scene, group, studio and tag `custom_fields`,
  `GalleryFilterType.parent_folder`, `Folder.basename` and `parent_folders`,
  `destroy_file_entry`, `destroyFiles`, career_start/career_end as fuzzy-date strings:
  database schema 85), and 0.11.2 (2026-04-06, the 0.11 line's kept release) differs from
  it by one field only: `Folder.sub_folders`, added on develop by "Expand folder select
  hierarchy" (#6738, 2026-03-23), an improvement that v0.31.1's notes do not list. So
  v0.31.1 is 0.11.2 less `Folder.sub_folders` (checked as for v0.30.1). Its database
  schema is 85 (85_performer_career_dates: the fuzzy career dates are in its schema).
  Its tag commit is not in the sources read: hash and build_time are empty rather than
  invented.
- develop: the newest schema we pin, stash-graphql-client 0.12.12. It is ahead of every
  release in the Stash source read (gallery and image `custom_fields`, `Folder.sub_folders`,
  `destroy_file_entry`, ...); it is not labelled a release. Its appSchema, 85, is what the
  package's own capability table (capabilities.py) requires for the fields it has
  (gallery custom_fields 81, image custom_fields 83, Folder.basename 84, fuzzy career
  dates 85); a Stash database.go with `appSchemaVersion = 85` exists, but not at a tag
  in the source read. The commit is unknown, so `version` says what it is ("develop
  (schema of stash-graphql-client 0.12.12)") and hash and build_time are empty, as in a
  Stash built without its ldflags (internal/build/version.go); it never claims a tag.
- build_time of v0.30.1 is the tag commit's time in UTC (the official build's own stamp
  is not in the source).
"""

from __future__ import annotations

import functools
import importlib.metadata
import os
import sys
from dataclasses import dataclass
from pathlib import Path

from graphql import (
    DefinitionNode,
    DocumentNode,
    GraphQLSchema,
    ObjectTypeDefinitionNode,
    TypeDefinitionNode,
    build_ast_schema,
    parse,
)

RELEASE_ENV = "STASH_SIM_RELEASE"


@dataclass(frozen=True)
class Release:
    """One Stash the simulator can be: what `version` and `systemStatus` say, and its schema."""

    name: str  # how tests and the environment pick it
    version: str  # Version.version
    hash: str  # Version.hash
    build_time: str  # Version.build_time ("2006-01-02 15:04:05", scripts/getDate.go)
    app_schema: int  # SystemStatus.appSchema = pkg/sqlite/database.go appSchemaVersion
    distribution: str
    distribution_version: str
    is_release: bool
    # "Type" (a whole definition) or "Type.field": added to the package's schema after the release
    removed: tuple[str, ...] = ()


RELEASES: dict[str, Release] = {
    "v0.30.1": Release(
        name="v0.30.1",
        version="v0.30.1",
        hash="b23b0267",
        build_time="2025-12-18 03:57:33",
        app_schema=75,
        distribution="stash-graphql-client",
        distribution_version="0.10.14",
        is_release=True,
        removed=("Mutation.performerMerge", "PerformerMergeInput"),
    ),
    "v0.31.1": Release(
        name="v0.31.1",
        version="v0.31.1",
        hash="",
        build_time="",
        app_schema=85,
        distribution="stash-graphql-client",
        distribution_version="0.11.2",
        is_release=True,
        removed=("Folder.sub_folders",),
    ),
    "develop": Release(
        name="develop",
        version="develop (schema of stash-graphql-client 0.12.12)",
        hash="",
        build_time="",
        app_schema=85,
        distribution="stash-graphql-client",
        distribution_version="0.12.12",
        is_release=False,
    ),
}
DEFAULT_RELEASE = "v0.30.1"


class SchemaNotInstalled(RuntimeError):
    """A schema package is missing or is not the version described: run scripts/bootstrap.sh."""


def release(name: str | None = None) -> Release:
    """The release called `name`; without a name, $STASH_SIM_RELEASE or the default."""
    chosen = name or os.environ.get(RELEASE_ENV) or DEFAULT_RELEASE
    if chosen not in RELEASES:
        raise ValueError(f"the Stash simulator serves {', '.join(RELEASES)}, not {chosen!r}")
    return RELEASES[chosen]


def schema_dirs(distribution: str, version: str) -> list[Path]:
    """Where bootstrap.sh installs a schema package that is not in site-packages."""
    return [Path(sys.prefix) / "stash-schemas" / f"{distribution}-{version}"]


def _distribution(distribution: str, version: str) -> importlib.metadata.Distribution:
    candidates = list(importlib.metadata.distributions(name=distribution))
    candidates += list(
        importlib.metadata.distributions(name=distribution, path=[str(d) for d in schema_dirs(distribution, version)])
    )
    for dist in candidates:
        if dist.version == version:
            return dist
    found = ", ".join(sorted({d.version for d in candidates})) or "none"
    raise SchemaNotInstalled(f"{distribution}=={version} is not installed (found: {found}); run scripts/bootstrap.sh")


def package_sdl(distribution: str, version: str) -> str:
    """The concatenated SDL text of every .graphql file in one schema package."""
    dist = _distribution(distribution, version)
    files = sorted(str(f) for f in dist.files or [] if str(f).endswith(".graphql"))
    if not files:
        raise SchemaNotInstalled(f"{distribution} {version} has no .graphql files")
    return "\n".join(Path(str(dist.locate_file(name))).read_text(encoding="utf-8") for name in files)


def _without(document: DocumentNode, removed: tuple[str, ...]) -> DocumentNode:
    """The SDL document less the named definitions and fields; each must exist."""
    pending = set(removed)
    definitions: list[DefinitionNode] = []
    for definition in document.definitions:
        name = definition.name.value if isinstance(definition, TypeDefinitionNode) else None
        if name in pending:
            pending.discard(name)
            continue
        if isinstance(definition, ObjectTypeDefinitionNode) and definition.fields:
            kept = tuple(f for f in definition.fields if f"{name}.{f.name.value}" not in pending)
            pending -= {f"{name}.{f.name.value}" for f in definition.fields}
            if len(kept) != len(definition.fields):
                definition = ObjectTypeDefinitionNode(
                    name=definition.name,
                    description=definition.description,
                    interfaces=definition.interfaces,
                    directives=definition.directives,
                    fields=kept,
                    loc=definition.loc,
                )
        definitions.append(definition)
    if pending:
        raise SchemaNotInstalled(
            f"the schema package has no {', '.join(sorted(pending))} to remove: "
            "it is not the package this release is built from"
        )
    return DocumentNode(definitions=tuple(definitions))


@functools.cache
def release_document(name: str) -> DocumentNode:
    """The parsed SDL of a release (the package's schema less what came after the release)."""
    rel = RELEASES[name]
    document = parse(package_sdl(rel.distribution, rel.distribution_version), no_location=True)
    return _without(document, rel.removed) if rel.removed else document


def build_release_schema(name: str) -> GraphQLSchema:
    """A new graphql-core schema for a release (callers that change it build their own)."""
    return build_ast_schema(release_document(name))


def stash_schema(name: str | None = None) -> GraphQLSchema:
    """The schema a release serves, answering as gqlgen does (gqlgen.py); built once per process."""
    return _served_schema(release(name).name)


@functools.cache
def _served_schema(name: str) -> GraphQLSchema:
    from .gqlgen import gqlgen_schema

    return gqlgen_schema(build_release_schema(name))
