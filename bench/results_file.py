"""bench/RESULTS.md: one section written by a benchmark, the others kept where they are."""

from __future__ import annotations

from pathlib import Path

RESULTS = Path(__file__).resolve().parent / "RESULTS.md"


def replace_section(mark: str, section: str) -> None:
    """Put `section` (its text starts with the heading `mark`) where the section headed `mark`
    was, up to the next `## ` heading, or at the end when there was none; then print it."""
    text = RESULTS.read_text(encoding="utf-8") if RESULTS.exists() else "# Benchmark results\n"
    if mark in text:
        head, _, after = text.partition(mark)
        rest = after.split("\n## ", 1)
        text = head + section + ("\n## " + rest[1] if len(rest) > 1 else "")
    else:
        text = text.rstrip("\n") + "\n\n" + section
    RESULTS.write_text(text, encoding="utf-8")
    print(section)
