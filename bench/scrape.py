"""Scrape galleries on 1,000 galleries with a scraper that answers in 50 ms: what the plugin adds.

    .venv/bin/python bench/scrape.py [--galleries 1000] [--delay 0.05] [--rounds 2]

The simulator runs the scraper as Stash does (a script: `sh`, reading the gallery Stash sends on
stdin, sleeping --delay seconds, printing a scraped gallery with details and a tag). The task
runs as Stash runs it (setting scrapePause 0, so that only the plugin's own time is left beside
the scrapes). Measured, per run:
- wall time of the task, against the sum of the scrapes' times (each measured in the simulator,
  from the script's start to its end): the ratio is the plugin's overhead (1.0 = none);
- requests other than scrapes per gallery (reads and writes; goal: batched, none per gallery);
- the plugin process's own CPU (user + system) and peak memory (VmHWM), recorded by
  bench/measure_plugin.py in the plugin process (the scripts Stash starts are not counted).
Rounds alternate one scrape at a time (scrapeParallel 1) and four at once; the figures are
appended to bench/RESULTS.md.
"""

from __future__ import annotations

import argparse
import datetime
import os
import platform
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT / "tests"), str(ROOT), str(Path(__file__).parent)]

from run import load_average, measuring_python  # noqa: E402
from stash_sim import StashSimulator, scrapers  # noqa: E402
from stash_sim.library import generate_library  # noqa: E402

RESULTS = Path(__file__).parent / "RESULTS.md"
SCRAPER_YML = "name: Fifty\ngalleryByFragment:\n  action: script\n  script: [sh, fifty.sh]\n"
SCRAPER_SH = (
    'cat > /dev/null\nsleep {delay}\nprintf \'{{"details": "Scraped details", "tags": [{{"name": "Generated"}}]}}\'\n'
)


class ScrapeClock:
    """The time each scrape's script ran, measured in the simulator (scrapers.run_script)."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.seconds = 0.0
        self.count = 0
        self.original = scrapers.run_script

    def __enter__(self) -> ScrapeClock:
        def timed(*args: Any, **kwargs: Any) -> Any:
            start = time.perf_counter()
            try:
                return self.original(*args, **kwargs)
            finally:
                with self.lock:
                    self.seconds += time.perf_counter() - start
                    self.count += 1

        scrapers.run_script = timed  # type: ignore[assignment]
        return self

    def __exit__(self, *exc: Any) -> None:
        scrapers.run_script = self.original  # type: ignore[assignment]


def one_run(galleries: int, delay: float, parallel: int) -> dict[str, Any]:
    with (
        tempfile.TemporaryDirectory() as scratch,
        StashSimulator(library=generate_library(galleries, 1)) as sim,
    ):
        sim.install_plugin(ROOT)
        sim.scrapers.install({"fifty/fifty.yml": SCRAPER_YML, "fifty/fifty.sh": SCRAPER_SH.format(delay=delay)})
        sim.set_plugin_settings("gallery_tools", {"scrapers": "fifty", "scrapePause": 0, "scrapeParallel": parallel})
        sim.python = measuring_python(Path(scratch))
        peaks, cpu_file = Path(scratch) / "peaks", Path(scratch) / "cpu"
        os.environ["GT_BENCH_MEMORY"], os.environ["GT_BENCH_CPU"] = str(peaks), str(cpu_file)
        sim.requests.clear()
        load = load_average()
        with ScrapeClock() as clock:
            start = time.perf_counter()
            result = sim.run_task("Scrape galleries", {"dry_run": "false"})
            wall = time.perf_counter() - start
        if result.error is not None or result.output["changed"] != galleries:
            raise SystemExit(f"the run did not scrape every gallery: {result.error} {result.output}")
        scrape_requests = sim.requests.count("scrapeSingleGallery")
        others = len(sim.requests) - scrape_requests
        return {
            "parallel": parallel,
            "wall": wall,
            "scrapes": clock.count,
            "scrape_seconds": clock.seconds,
            "others": others,
            "writes": len(sim.requests.mutations()),
            "cpu": sum(float(x) for x in cpu_file.read_text().split()),
            "peak_kib": int(peaks.read_text().split()[-1]),
            "load": (load, load_average()),
        }


def row(run: dict[str, Any], galleries: int) -> str:
    floor = run["scrape_seconds"] / run["parallel"]
    return (
        f"| {run['parallel']} at once | {run['wall']:.1f} s | {run['scrape_seconds']:.1f} s"
        f" ({run['scrapes']} scrapes, {run['scrape_seconds'] / run['scrapes'] * 1000:.0f} ms each)"
        f" | {run['wall'] / floor:.2f} | {run['others']} ({run['others'] / galleries:.3f} per gallery;"
        f" {run['writes']} writes) | {run['cpu']:.2f} s ({run['cpu'] / galleries * 1000:.1f} ms per gallery)"
        f" | {run['peak_kib'] / 1024:.0f} MiB | {run['load'][0]:.1f}..{run['load'][1]:.1f} |"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--galleries", type=int, default=1000)
    parser.add_argument("--delay", type=float, default=0.05)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--no-write", action="store_true", help="print the table, do not append it to RESULTS.md")
    options = parser.parse_args()
    rows = []
    for _ in range(options.rounds):
        for parallel in (1, 4):
            rows.append(row(one_run(options.galleries, options.delay, parallel), options.galleries))
            print(rows[-1], flush=True)
    when = datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M UTC")
    text = "\n".join(
        [
            "",
            f"## Scrape galleries: {options.galleries:,} galleries, a scraper answering in"
            f" {options.delay * 1000:.0f} ms (bench/scrape.py)",
            "",
            f"Written by `bench/scrape.py --rounds {options.rounds}` on {when}, Python {platform.python_version()},"
            f" {platform.machine()}; simulator, scripts and plugin on the same machine (2 cores, shared). Setting"
            ' scrapePause 0: what is left beside the scrapes is the plugin\'s own time. "Scrapes" is the time'
            " the scraper scripts ran, measured in the simulator; the floor of the wall time is that sum divided"
            " by the scrapes run at once. Requests other than scrapes: the settings, the scrapers, the tag, the"
            " ids, the galleries (50 per request), and per 50 galleries one recheck and one write.",
            "",
            "| scrapes | wall | scrapes (sum) | wall / floor | requests other than scrapes | plugin CPU"
            " | plugin peak memory | load |",
            "|---|---|---|---|---|---|---|---|",
            *rows,
            "",
        ]
    )
    print(text)
    if not options.no_write:
        with RESULTS.open("a", encoding="utf-8") as out:
            out.write(text)


if __name__ == "__main__":
    main()
