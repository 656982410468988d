"""Scene.files: a scene's video files, primary first (pkg/models/scene.go Files, graphql/schema/types/scene.graphql).

Kept in its own module so that link_scenes can read where a scene's video lives; the rest of
a scene's metadata is modelled with the scenes themselves (objects.py / queries.py).
"""

from __future__ import annotations

from typing import Any

from .engine import resolves
from .objects import _store, file_object


@resolves("Scene.files")
def scene_files(parent: dict, info: Any) -> list:
    store = _store(info)
    ids = store.column('SELECT file_id FROM scenes_files WHERE scene_id = ? ORDER BY "primary" DESC, file_id',
                       (parent["_id"],))
    return [file_object(store, i) for i in ids]
