"""Page weight: what a first visit to each page transfers, measured in headless Chromium.

The site is served from 127.0.0.1 by `StaticServer`, which gzips text like any static
host (GitHub Pages, Netlify, nginx) does. Each page is opened in a fresh browser
context (empty cache) and every response's bytes on the wire (headers + encoded
body, Chromium's own count) are summed until the network has been idle for a
while, so requests the page makes after `load` (the search worker fetching its
index, instant navigation fetching the sitemap) count too. Requests to other hosts
are aborted and counted: a reader would have fetched them (Google Fonts ...).
"""

import gzip
import io
import statistics
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from kb.browser import CHROMIUM, CHROMIUM_ARGS, LocalServer, QuietHandler

COMPRESSIBLE = (".html", ".css", ".js", ".json", ".xml", ".svg", ".txt", ".map", ".mjs")


class _Handler(QuietHandler):
    cache: dict = {}

    def send_head(self):
        path = Path(self.translate_path(self.path))
        if path.is_dir():
            if not self.path.split("?")[0].endswith("/"):
                return super().send_head()  # the redirect to the folder's slash URL
            path = path / "index.html"
        if ("gzip" not in self.headers.get("Accept-Encoding", "") or not path.is_file()
                or path.suffix not in COMPRESSIBLE):
            return super().send_head()
        key = (path, path.stat().st_mtime_ns)
        body = self.cache.get(key)
        if body is None:
            body = self.cache[key] = gzip.compress(path.read_bytes(), 6)
        self.send_response(200)
        self.send_header("Content-Type", self.guess_type(str(path)))
        self.send_header("Content-Encoding", "gzip")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "max-age=600")
        self.end_headers()
        return io.BytesIO(body)


class StaticServer(LocalServer):
    """Serve a built site on a free 127.0.0.1 port, gzip like a static host, in a thread."""

    def __init__(self, folder: Path):
        super().__init__(folder, _Handler)


@dataclass
class PageWeight:
    url: str
    transfer: int = 0  # bytes on the wire
    decoded: int = 0  # bytes after decompression
    requests: int = 0
    third_party: list[str] = field(default_factory=list)
    by_type: dict = field(default_factory=dict)


def site_pages(site_dir: Path) -> list[str]:
    """URL paths of every page of a built site (folder/index.html), the home page first."""
    pages = sorted(p.parent.relative_to(site_dir).as_posix() for p in site_dir.rglob("index.html"))
    return ["" if p == "." else p + "/" for p in pages]


def measure_pages(site_dir: Path, paths: list[str], settle_ms: int = 800) -> list[PageWeight]:
    from playwright.sync_api import sync_playwright

    out = []
    with StaticServer(site_dir) as server, sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            for path in paths:
                out.append(_measure(browser, server.url, path, settle_ms))
        finally:
            browser.close()
    return out


def _measure(browser, base: str, path: str, settle_ms: int) -> PageWeight:
    weight = PageWeight(path or "/")
    host = urlsplit(base).netloc
    context = browser.new_context()
    page = context.new_page()
    cdp = context.new_cdp_session(page)
    cdp.send("Network.enable")
    cdp.send("Network.setCacheDisabled", {"cacheDisabled": True})
    kinds: dict[str, str] = {}
    cdp.on("Network.responseReceived", lambda e: kinds.__setitem__(e["requestId"], e["type"]))

    def finished(event):
        weight.transfer += int(event["encodedDataLength"])
        weight.requests += 1
        kind = kinds.get(event["requestId"], "Other")
        weight.by_type[kind] = weight.by_type.get(kind, 0) + int(event["encodedDataLength"])

    cdp.on("Network.loadingFinished", finished)
    cdp.on("Network.dataReceived", lambda e: setattr(weight, "decoded", weight.decoded + int(e["dataLength"])))

    def route(r):
        if urlsplit(r.request.url).netloc not in (host, ""):
            weight.third_party.append(r.request.url)
            return r.abort()
        return r.continue_()

    context.route("**/*", route)
    page.goto(base + path, wait_until="load")
    try:
        page.wait_for_load_state("networkidle", timeout=15000)
    except Exception:
        pass
    page.wait_for_timeout(settle_ms)
    context.close()
    return weight


def summary(weights: list[PageWeight]) -> dict:
    sizes = [w.transfer for w in weights]
    if not sizes:
        return {}
    heaviest = max(weights, key=lambda w: w.transfer)
    return {"median": statistics.median(sizes), "max": max(sizes), "max_url": heaviest.url,
            "median_decoded": statistics.median(w.decoded for w in weights),
            "third_party": sorted({u for w in weights for u in w.third_party}),
            "pages": len(weights), "heaviest_by_type": heaviest.by_type}
