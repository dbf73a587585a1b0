"""Shared helpers for tests that look at the built site: build it, serve it, read it."""

import re
import subprocess
import sys
from html import unescape
from pathlib import Path

from kb.browser import CHROMIUM, CHROMIUM_ARGS, LocalServer  # noqa: F401  (used by the tests)
from kb.math_render import tex_source

ROOT = Path(__file__).resolve().parents[1]
SITE_URL = re.search(r"^site_url:\s*(\S+)", (ROOT / "mkdocs.yml").read_text(encoding="utf-8"), re.M).group(1)


def sitemap_for(server_url: str, sitemap: str) -> str:
    """The sitemap with this server in place of site_url: Material's instant navigation follows only
    links to the sitemap's URLs (their host and path kept, the protocol and host name the page's)."""
    return sitemap.replace(SITE_URL, server_url)


def route_sitemap(page, server_url: str) -> None:
    """Instant navigation on this server for a Playwright page: its sitemap.xml served with
    sitemap_for(server_url, ...)."""
    page.route("**/sitemap.xml", lambda route: route.fulfill(
        response=(real := route.fetch()), body=sitemap_for(server_url, real.text())))


def wait_for_sitemap(page) -> None:
    """Wait until Material's instant navigation has fetched sitemap.xml: before that, a click on a
    link is a full page load."""
    page.wait_for_function(
        "() => performance.getEntriesByType('resource').some(e => e.name.endsWith('sitemap.xml'))")


def build_site(site_dir: Path) -> subprocess.CompletedProcess:
    """A real `mkdocs build --strict` of the repository into site_dir."""
    return subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(site_dir)],
        cwd=ROOT, capture_output=True, text=True, timeout=600,
    )

def article_text(html: str) -> str:
    """The reader-visible text of a page's article (no navigation, no scripts)."""
    start, end = html.find("<article"), html.find("</article>")
    body = html[start:end] if start >= 0 else html
    body = tex_source(body)  # a formula once, as its TeX (KaTeX's output holds it three times)
    body = re.sub(r"<(script|style)\b.*?</\1>", " ", body, flags=re.S)
    # Citation markers (footnote numbers) are not the authors' words.
    body = re.sub(r'<sup id="fnref[^"]*">.*?</sup>', "", body, flags=re.S)
    return unescape(re.sub(r"<[^>]+>", " ", body))

def topic_pages() -> list[str]:
    """Every page of the topic map, as paths under docs/."""
    import yaml

    topics = yaml.safe_load((ROOT / "data" / "topics.yaml").read_text(encoding="utf-8"))
    return [page["path"] for section in topics for page in section["pages"]]

def page_url(path: str) -> str:
    """docs path -> URL path of the built page (use_directory_urls)."""
    path = path.removesuffix(".md")
    if path == "index" or path.endswith("/index"):
        return path.removesuffix("index")
    return path + "/"

def copy_repository(dest: Path) -> Path:
    """A copy of the repository to break on purpose; scripts, node_modules and assets are linked."""
    import shutil

    dest.mkdir(parents=True)
    for name in ("docs", "bib", "data", "overrides"):
        shutil.copytree(ROOT / name, dest / name, symlinks=True)
    for name in ("mkdocs.yml", ".autocorrectrc"):
        shutil.copy(ROOT / name, dest / name)
    for name in ("scripts", "node_modules", "assets"):
        (dest / name).symlink_to(ROOT / name)
    return dest


def watch(page, allowed) -> dict:
    """What a reader's browser does on `page`: requests for which allowed(url) is true go through and
    are listed under "requests", the others are aborted and listed under "foreign"; console errors
    and uncaught exceptions are listed under "errors"."""
    seen = {"requests": [], "foreign": [], "errors": []}

    def route(r):
        if allowed(r.request.url):
            seen["requests"].append(r.request.url)
            r.continue_()
        else:
            seen["foreign"].append(r.request.url)
            r.abort()

    page.route("**/*", route)
    page.on("console", lambda m: seen["errors"].append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: seen["errors"].append(str(e)))
    return seen
