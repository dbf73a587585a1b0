"""Each page's contributors and last-updated date (kb.contributors reads them from one `git log`),
for overrides/partials/source-file.html. Pages git does not know (generated pages, a copy
without history) show the build date, as "last updated"."""

import datetime as dt


def chinese_date(iso: str) -> str:
    day = dt.date.fromisoformat(iso)
    return f"{day.year}年{day.month}月{day.day}日"


def page_metadata(history, path: str, build_date: str) -> dict:
    """The metadata the template reads, for the page at `path` (relative to the repository)."""
    return {"git_contributors": history.contributors.get(path, []),
            "kb_updated": chinese_date(history.updated.get(path, build_date))}
