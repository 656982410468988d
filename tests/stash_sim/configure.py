"""Setting Stash up and scanning: `setup`, `configureGeneral`, the stash paths, `metadataScan`.

Facts (Stash v0.30.1):
- A Stash without a configuration answers systemStatus `SETUP`; `setup` writes the first
  configuration with its stash paths (internal/manager/manager.go Setup).
- configureGeneral (internal/api/resolver_mutation_configure.go): the stash paths replace the
  list; a path that is not in the list yet must be a directory (fsutil.DirExists: `file does not
  exist`, `path is not a directory <path>`); a gallery cover regex Go cannot compile is
  refused (`Gallery cover regex '<r>' invalid, '<error>'`); the answer is the whole general
  configuration. Keys the simulator does not model are refused, not ignored.
- metadataScan (internal/manager/manager_tasks.go Scan) refuses to start without ffmpeg and
  ffprobe (`missing ffmpeg and/or ffprobe`), else queues the job "Scanning..." and answers its
  id. Scan paths outside every stash path are left out with a warning (getScanPaths); no paths
  scans every stash path. The scan itself is scanner.py.
"""

from __future__ import annotations

import os
from datetime import datetime
from typing import Any

from .engine import StashError, resolves
from .goregex import GoRegexError, compile_go
from .queries import configuration
from .scanner import MISSING_FFMPEG, ffmpeg_paths

GENERAL_MODELLED = {"stashes", "createGalleriesFromFolders", "galleryCoverRegex", "parallelTasks", "calculateMD5"}
SETUP_MODELLED = {"stashes", "storeBlobsInDatabase", "sfwContentMode"}
SETUP_LOCATIONS = ("configLocation", "databaseFile", "generatedLocation", "cacheLocation", "blobsLocation")
GENERATE_OPTIONS = (
    "scanGenerateCovers",
    "scanGeneratePreviews",
    "scanGenerateImagePreviews",
    "scanGenerateSprites",
    "scanGeneratePhashes",
    "scanGenerateThumbnails",
    "scanGenerateClipPreviews",
)


def _stashes(given: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [
        {"path": s["path"], "excludeVideo": bool(s.get("excludeVideo")), "excludeImage": bool(s.get("excludeImage"))}
        for s in given
    ]


@resolves("ConfigGeneralResult.stashes")
def _general_stashes(_: Any, info: Any) -> list[dict[str, Any]]:
    return [dict(s) for s in info.context.sim.config.stashes]


@resolves("ConfigGeneralResult.parallelTasks")
def _general_parallel_tasks(_: Any, info: Any) -> int:
    return int(info.context.sim.config.parallel_tasks)


@resolves("ConfigGeneralResult.calculateMD5")
def _general_calculate_md5(_: Any, info: Any) -> bool:
    return bool(info.context.sim.config.calculate_md5)


@resolves("ConfigGeneralResult.ffmpegPath", "ConfigGeneralResult.ffprobePath")
def _general_ffmpeg(_: Any, info: Any) -> str:
    ffmpeg, ffprobe = ffmpeg_paths()
    return ffmpeg if info.field_name == "ffmpegPath" else ffprobe


@resolves("Mutation.configureGeneral")
def configure_general(_: Any, info: Any, input: dict[str, Any]) -> dict[str, Any]:
    sim = info.context.sim
    unknown = sorted(k for k, v in input.items() if v is not None and k not in GENERAL_MODELLED)
    if unknown:
        raise StashError(f"the Stash simulator does not model configureGeneral's {', '.join(unknown)}")
    if input.get("stashes") is not None:
        known = {s["path"] for s in sim.config.stashes}
        for stash in input["stashes"]:
            if stash["path"] not in known:
                _check_directory(stash["path"])
    if input.get("galleryCoverRegex") is not None:
        try:
            compile_go(input["galleryCoverRegex"])
        except GoRegexError as exc:
            raise StashError(f"Gallery cover regex '{input['galleryCoverRegex']}' invalid, '{exc}'") from None
    if input.get("parallelTasks") is not None and input["parallelTasks"] != 1:
        raise StashError("the Stash simulator does not model parallel scans: parallelTasks must be 1")
    if input.get("stashes") is not None:
        sim.config.stashes = _stashes(input["stashes"])
    if input.get("createGalleriesFromFolders") is not None:
        sim.config.create_galleries_from_folders = input["createGalleriesFromFolders"]
    if input.get("galleryCoverRegex") is not None:
        sim.config.gallery_cover_regex = input["galleryCoverRegex"]
    if input.get("calculateMD5") is not None:
        sim.config.calculate_md5 = input["calculateMD5"]
    return dict(configuration(None, info)["general"])


def _check_directory(path: str) -> None:
    """fsutil.DirExists as configureGeneral reports it."""
    if not os.path.exists(path):
        raise StashError("file does not exist")
    if not os.path.isdir(path):
        raise StashError(f"path is not a directory <{path}>")


@resolves("Mutation.setup")
def setup(_: Any, info: Any, input: dict[str, Any]) -> bool:
    sim = info.context.sim
    located = [k for k in SETUP_LOCATIONS if input.get(k)]
    unknown = sorted(
        k for k, v in input.items() if v is not None and k not in SETUP_MODELLED and k not in SETUP_LOCATIONS
    )
    if located or unknown:
        raise StashError(
            "the Stash simulator does not model setup's "
            + ", ".join(located + unknown)
            + " (it keeps its configuration in memory: leave them empty)"
        )
    sim.config.stashes = _stashes(input.get("stashes") or [])
    sim.config.configured = True
    return True


@resolves("Mutation.metadataScan")
def metadata_scan(_: Any, info: Any, input: dict[str, Any]) -> str:
    sim = info.context.sim
    generating = [k for k in GENERATE_OPTIONS if input.get(k)]
    if generating:
        raise StashError(f"the Stash simulator does not model generating on a scan: {', '.join(generating)}")
    if not all(ffmpeg_paths()):
        raise StashError(MISSING_FFMPEG)
    min_mod_time = None
    if (input.get("filter") or {}).get("minModTime"):
        min_mod_time = datetime.fromisoformat(str(input["filter"]["minModTime"]).replace("Z", "+00:00")).timestamp()
    job = sim.metadata_scan(input.get("paths"), rescan=bool(input.get("rescan")), min_mod_time=min_mod_time, wait=False)
    return str(job.id)
