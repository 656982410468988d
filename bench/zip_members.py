"""Import file metadata on zips of growing member count: the plugin's peak memory stays flat.

    .venv/bin/python bench/zip_members.py [--quick] [--baseline DIR]

One zip gallery whose zip holds N empty members and its ComicInfo.xml last (the reader walks
the whole directory to find it). For each N, the plugin's own peak (VmHWM of its process,
bench/measure_plugin.py) for a preview of Import file metadata, interleaved with the floor it
compares to (the same run on a zip with no other member), side by side and as a ratio; with
--baseline, the same for another checkout of the plugin (e.g. `git archive 3384b0f` unpacked:
before the zip's directory was walked entry by entry). The section of bench/RESULTS.md is
replaced with the table.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

from results_file import replace_section  # noqa: E402
from stash_sim import StashSimulator  # noqa: E402

MARK = "## Import file metadata: a zip's member count (bench/zip_members.py)"
TASK = "Import file metadata"
COMIC = b"<ComicInfo><Title>Found</Title></ComicInfo>"
NOTE = (
    "Python's zipfile reads a zip's whole directory into one object per member (about half a kilobyte"
    " each); the plugin now walks the directory one entry at a time (common/zip_member.py) and keeps"
    " only the entry it looks for, so its peak does not follow the member count."
)


def make_zip(path: Path, members: int) -> None:
    with zipfile.ZipFile(path, "w") as archive:
        for n in range(members):
            archive.writestr(f"p{n // 1000:03d}/{n:06d}.jpg", b"")
        archive.writestr("ComicInfo.xml", COMIC)


def plugin_peak(zip_path: Path, plugin: Path) -> tuple[float, float, str]:
    """(peak MiB of the plugin process, seconds, summary) for one preview of the task."""
    with StashSimulator(library={"galleries": [{"zip": str(zip_path)}]}) as sim, tempfile.TemporaryDirectory() as tmp:
        sim.install_plugin(plugin)
        wrapper = Path(tmp) / "python"
        wrapper.write_text(f'#!/bin/sh\nexec "{sys.executable}" "{ROOT / "bench" / "measure_plugin.py"}" "$@"\n')
        wrapper.chmod(0o755)
        sim.python = str(wrapper)
        peaks = Path(tmp) / "peaks"
        os.environ["GT_BENCH_MEMORY"] = str(peaks)
        start = time.perf_counter()
        result = sim.run_task(TASK, {"dry_run": "true"})
        seconds = time.perf_counter() - start
        summary = result.output["summary"] if isinstance(result.output, dict) else str(result.error)
        return max(int(line) for line in peaks.read_text().split()) / 1024, seconds, summary


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--baseline", type=Path, help="another checkout of the plugin: the before columns")
    options = parser.parse_args()
    counts = [20_000, 200_000] if options.quick else [20_000, 100_000, 200_000]
    compared = " | baseline peak | baseline floor | baseline ratio" if options.baseline else ""
    rows = [
        f"| zip members | plugin peak | floor (no other member) | ratio{compared} | time |",
        "|---|---|---|---|" + ("---|---|---|" if options.baseline else "") + "---|",
    ]
    with tempfile.TemporaryDirectory() as scratch:
        floor_zip = Path(scratch) / "floor" / "set.zip"
        floor_zip.parent.mkdir()
        make_zip(floor_zip, 0)
        for count in counts:
            big = Path(scratch) / f"n{count}" / "set.zip"
            big.parent.mkdir()
            make_zip(big, count)
            floor, _, _ = plugin_peak(floor_zip, ROOT)  # interleaved: the floor right before its run
            peak, seconds, summary = plugin_peak(big, ROOT)
            before = ""
            if options.baseline:
                base_floor, _, _ = plugin_peak(floor_zip, options.baseline)
                base_peak, _, _ = plugin_peak(big, options.baseline)
                before = f" {base_peak:.0f} MiB | {base_floor:.0f} MiB | {base_peak / base_floor:.2f} |"
            rows.append(
                f"| {count:,} | {peak:.0f} MiB | {floor:.0f} MiB | {peak / floor:.2f} |{before}"
                f" {seconds:.1f} s ({summary}) |"
            )
            big.unlink()
    how = (" --quick" if options.quick else "") + (" --baseline <before>" if options.baseline else "")
    section = "\n".join(
        [
            MARK,
            "",
            f"Written by `bench/zip_members.py{how}` ({time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())})."
            " Goal: the plugin's peak flat in a zip's member count (ratio near 1.00).",
            "",
            NOTE,
            "",
            *rows,
            "",
        ]
    )
    replace_section(MARK, section)


if __name__ == "__main__":
    main()
