"""What the simulator says it is: `version` and `systemStatus`, from the release it serves.

Stash facts:
- internal/api/resolver.go Version: version, hash and build_time are the build's
  ldflags (internal/build/version.go; the Makefile sets them from `git describe`,
  `git rev-parse --short HEAD` and scripts/getDate.go "2006-01-02 15:04:05").
- internal/manager/manager.go GetSystemStatus: appSchema is the app's
  pkg/sqlite/database.go appSchemaVersion, databaseSchema the open database's version
  (equal on a migrated database), status OK on a configured Stash that needs no
  migration (SETUP only before the first configuration, NEEDS_MIGRATION when the
  database is older), os is Go's runtime.GOOS, the paths are the server's.
"""

from __future__ import annotations

import os
import sys
from typing import Any

from .engine import resolves
from .scanner import ffmpeg_paths

GOOS = {"linux": "linux", "darwin": "darwin", "win32": "windows"}.get(sys.platform, sys.platform)


@resolves("Query.version")
def version(_: Any, info: Any) -> dict[str, Any]:
    release = info.context.sim.release
    return {"version": release.version, "hash": release.hash, "build_time": release.build_time}


@resolves("Query.systemStatus")
def system_status(_: Any, info: Any) -> dict[str, Any]:
    sim = info.context.sim
    release = sim.release
    config_dir = sim.config_dir
    ffmpeg, ffprobe = ffmpeg_paths()
    return {
        "databaseSchema": release.app_schema,
        "databasePath": os.path.join(config_dir, "stash-go.sqlite"),
        "configPath": os.path.join(config_dir, "config.yml"),
        "appSchema": release.app_schema,
        "status": "OK" if sim.config.configured else "SETUP",
        "os": GOOS,
        "workingDir": config_dir,
        "homeDir": os.path.expanduser("~"),
        "ffmpegPath": ffmpeg,  # found on PATH, as Stash looks for them (scanner.py)
        "ffprobePath": ffprobe,
    }
