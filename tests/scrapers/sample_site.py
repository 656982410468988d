"""The sites behind the test scrapers (tests/scrapers/*.yml), as a Stash scraper script.

Stash starts it with the scrape's input as JSON on stdin (a stored gallery for galleryByFragment,
{"url": ...} for galleryByURL) and reads the scraped gallery as JSON from stdout; null means
nothing found. Modes (the yml's last argument): fragment, url, broken, hang.
"""

import json
import sys
import time

# By the title Stash gives the script (the gallery's title, else its zip's or folder's name).
BY_TITLE = {
    "Beach 2021": {
        "title": "Beach Days 2021",
        "date": "2021-07-15",
        "details": "Two weeks by the sea.",
        "urls": ["https://sample.example/g/beach-2021"],
        "studio": {"name": "Lumen Studio"},
        "tags": [{"name": "beach"}, {"name": "Sunset"}],
        "performers": [{"name": "Ada Vale"}, {"name": "Cy Moss"}],
    },
    "Studio Portraits": {
        "title": "Portraits (studio)",
        "code": "SP-01",
        "photographer": "J. Marsh",
        "studio": {"name": "lumen studio"},
        "tags": [{"name": "Portrait"}],
    },
    "Summer Trip [2022-08-01].zip": {
        "title": "Summer Trip",
        "date": "2022-08-01",
        "tags": [{"name": "Travel"}],
        "performers": [{"name": "Bo Lind"}],
    },
    "Portraits.zip": {"title": "Portraits (zip)", "photographer": "Jo Marsh", "tags": [{"name": "Portrait"}]},
    "Coast 3.cbz": {"title": "The Harbour", "date": "June 2, 2019", "details": "Boats at dawn."},
    "Empty Collection": {},
}
# By URL (galleryByURL).
BY_URL = {
    "https://example.org/best-of-2021": {
        "details": "The best of 2021.",
        "tags": [{"name": "Archive"}],
        "urls": ["https://example.org/best-of-2021", "https://mirror.example/best-of-2021"],
    },
}


def main() -> None:
    mode = sys.argv[1]
    given = json.loads(sys.stdin.read() or "null")
    if mode == "broken":
        sys.stderr.write("site unreachable\n")
        sys.exit(1)
    if mode == "hang":
        time.sleep(600)
    found = BY_URL.get(given["url"]) if mode == "url" else BY_TITLE.get(given["title"])
    print(json.dumps(found))


main()
