"""Start the Stash simulator with the sample library, for manual runs of the plugin.

    .venv/bin/python scripts/sim_server.py            # listens on 127.0.0.1:19999
    .venv/bin/python scripts/sim_server.py --empty    # no library: configureGeneral + metadataScan
    .venv/bin/python gallery_tools.py < fixtures/find_gallery.json   # in another terminal

The fixtures' server_connection points at 127.0.0.1:19999 (Host 0.0.0.0, as Stash sends
it), never at Stash's own 9999: a fixture run by hand cannot change a real Stash by
accident. Stop with Ctrl-C; the library is in memory and starts fresh every time.

Stash's scrapers folder holds the test scrapers (tests/scrapers/), and Gallery Tools' setting
`scrapers` names Sample Site, so that fixtures/task_scrape_galleries*.json scrape the sample
(not with --empty: a fresh Stash has no scrapers and no plugin settings).

$STASH_SIM_STASHES gives the simulator its stash paths at start, as a Stash's config.yml gives
them (`stashes:`): glob patterns separated by os.pathsep, each matching exactly one existing
folder. ../shared/real-stash/run_sim.py cannot pass options, and the recorded Stash had the
library folder as its stash path before the recording began.
"""

from __future__ import annotations

import argparse
import glob
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT / "tests"), str(ROOT)]

from stash_sim import StashSimulator  # noqa: E402
from stash_sim.library import SAMPLE_LIBRARY  # noqa: E402

DEFAULT_PORT = 19999  # not Stash's 9999; the fixtures use the same (a test keeps them equal)
STASHES_ENV = "STASH_SIM_STASHES"


def configured_stashes(patterns: str) -> list[dict[str, object]]:
    """The stash paths $STASH_SIM_STASHES names (config.yml's `stashes:`, nothing excluded);
    a pattern that matches no folder or several is an error that says which."""
    stashes: list[dict[str, object]] = []
    for pattern in filter(None, patterns.split(os.pathsep)):
        folders = sorted(p for p in glob.glob(pattern) if os.path.isdir(p))
        if len(folders) != 1:
            raise SystemExit(f"sim_server: ${STASHES_ENV} {pattern!r} matches {len(folders)} folders: {folders}")
        stashes.append({"path": folders[0], "excludeVideo": False, "excludeImage": False})
    return stashes


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--port", type=int, default=DEFAULT_PORT)
    parser.add_argument("--library", default=str(SAMPLE_LIBRARY), help="a library description (YAML)")
    parser.add_argument(
        "--plugin",
        action="store_true",
        help="install Gallery Tools: its hooks run after mutations, runPluginOperation and"
        " runPluginTask run it, and Stash's UI loads its ui/ files",
    )
    parser.add_argument(
        "--empty",
        action="store_true",
        help="start with no library and no stash path, as a fresh Stash after its setup: add a library"
        " folder with configureGeneral and scan it with metadataScan (the simulator's scanner)",
    )
    parser.add_argument(
        "--ui-location",
        metavar="FOLDER",
        help="serve a web UI from this folder at / (Stash's ui_location; the browser tests' host page)",
    )
    parser.add_argument(
        "--hooks",
        action="store_true",
        help="kept for older scripts, changes nothing: as in Stash, the plugins in the plugins folder"
        " (configuration.general.pluginsPath) load at start and on reloadPlugins, and their"
        " hooks run after mutations; a fresh simulator has none",
    )
    parser.add_argument(
        "--on-disk",
        action="store_true",
        help="put the library's files on this disk (a temporary folder), so that Import file"
        " metadata finds the ComicInfo.xml and sidecars Stash's paths point to",
    )
    options = parser.parse_args()
    if options.empty and (options.on_disk or options.library != str(SAMPLE_LIBRARY)):
        parser.error("--empty starts with no library: no --library or --on-disk with it")
    stashes = configured_stashes(os.environ.get(STASHES_ENV, ""))
    sim = StashSimulator(None if options.empty else options.library, on_disk=options.on_disk)
    sim.config.stashes += stashes
    sim.http.port = options.port
    try:
        sim.start()
    except OSError as exc:
        sys.stderr.write(
            f"sim_server: port {options.port} on 127.0.0.1 is taken ({exc.strerror or exc});"
            " stop what uses it, or pick another with --port N\n"
        )
        sys.exit(2)
    if not options.empty:
        sim.scrapers.install_folder(ROOT / "tests" / "scrapers")
        sim.set_plugin_settings("gallery_tools", {"scrapers": "sample_site", "scrapePause": 0})
    if options.plugin:
        sim.install_plugin(ROOT)
    sim.ui_location = options.ui_location
    galleries = sim.store.value("SELECT COUNT(*) FROM galleries")
    where = f", its files under {sim.library_root}" if options.on_disk else ""
    source = "no library (add one with configureGeneral, then metadataScan)" if options.empty else options.library
    print(
        f"Stash simulator on {sim.url} with {galleries} galleries from {source}{where}. Ctrl-C stops it.",
        flush=True,
    )
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        sim.stop()


if __name__ == "__main__":
    main()
