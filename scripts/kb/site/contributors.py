"""Each page's contributors and last-updated date (kb.contributors reads them from one `git log`),
for overrides/partials/source-file.html, and from the same log the 最近更新 page and its Atom
feed (kb.changes). Pages git does not know (generated pages, a copy without history) show the
build date, as "last updated"."""

import datetime as dt

from kb.changes import atom_feed, changes_page


def chinese_date(iso: str) -> str:
    day = dt.date.fromisoformat(iso)
    return f"{day.year}年{day.month}月{day.day}日"


def page_metadata(history, path: str, build_date: str) -> dict:
    """The metadata the template reads, for the page at `path` (relative to the repository)."""
    updated = history.updated.get(path, build_date)
    return {"git_contributors": history.contributors.get(path, []), "kb_updated": chinese_date(updated),
            "kb_updated_iso": updated}  # the page's citation (overrides/partials/source-file.html)


def whats_new(history, pages: dict[str, str], *, site_url: str, site_name: str, docs_prefix: str) -> tuple[str, str]:
    """(Markdown of the 最近更新 page, Atom feed) of the commits that added or edited pages that
    still exist; `pages` maps each page's path in the repository to its title."""
    changes = [c for c in history.changes if all(p in pages for p in (*c.added, *c.changed))]
    return (changes_page(changes, pages.__getitem__, docs_prefix),
            atom_feed(changes, pages.__getitem__, site_url=site_url, site_name=site_name, docs_prefix=docs_prefix))
