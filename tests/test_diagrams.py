"""Diagrams, figures and images as a reader sees them: every ```mermaid fence becomes an SVG
drawn by the site's own Mermaid (no CDN, no "Syntax error") in the light and the dark palette;
every image has alt text, loads lazily and opens in the lightbox; replaced figures left the
missing-figures page."""

import re
from urllib.parse import urlparse

import pytest

from kb.markers import parse_missing_figures
from sitekit import ROOT, page_url


# Material draws each diagram into a closed shadow root; keep a handle on each root to look inside.
RECORD_SHADOWS = """(() => { const attach = Element.prototype.attachShadow; window.__shadows = [];
  Element.prototype.attachShadow = function (init) { const root = attach.call(this, init);
  window.__shadows.push(root); return root; }; })();"""


def diagram_pages() -> dict[str, int]:
    pages = {}
    for md in sorted((ROOT / "docs").rglob("*.md")):
        count = md.read_text(encoding="utf-8").count("```mermaid")
        if count:
            pages[md.relative_to(ROOT / "docs").as_posix()] = count
    return pages


DIAGRAMS = diagram_pages()


def test_the_issue_s_diagrams_are_on_their_pages():
    assert sum(DIAGRAMS.values()) >= 11
    for page in ("architecture/transformer.md", "foundations/history.md", "pretraining/data.md",
                 "guide/task-guide.md", "generation/diffusion.md", "retrieval/knn-lm.md"):
        assert page in DIAGRAMS
    assert DIAGRAMS["architecture/transformer.md"] >= 4  # the block and three attention masks
    assert DIAGRAMS["generation/diffusion.md"] >= 3  # forward/reverse, reverse, Stable Diffusion


@pytest.mark.browser
@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("path", sorted(DIAGRAMS))
def test_every_diagram_is_drawn_by_the_site_s_own_mermaid(browser, server, path, scheme):
    origin = urlparse(server.url).netloc
    foreign, errors, mermaid_requests = [], [], []
    context = browser.new_context(color_scheme=scheme)
    page = context.new_page()
    page.add_init_script(RECORD_SHADOWS)

    def route(r):
        if "mermaid" in r.request.url:
            mermaid_requests.append(r.request.url)
        if urlparse(r.request.url).netloc == origin:
            r.continue_()
        else:
            foreign.append(r.request.url)
            r.abort()

    page.route("**/*", route)
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(server.url + page_url(path), wait_until="networkidle")
    page.wait_for_function("() => document.querySelectorAll('pre.mermaid').length === 0", timeout=20000)
    drawn = page.evaluate("""() => window.__shadows.map(r => ({ svg: !!r.querySelector('svg'),
        nodes: r.querySelectorAll('svg .node, svg g[id]').length,
        error: /Syntax error|Parse error/.test(r.textContent) }))""")
    scheme_name = page.evaluate("() => document.body.getAttribute('data-md-color-scheme')")
    context.close()
    assert foreign == [] and errors == []
    assert mermaid_requests and all(urlparse(u).netloc == origin for u in mermaid_requests)
    assert scheme_name == ("slate" if scheme == "dark" else "default")
    assert len(drawn) == DIAGRAMS[path], "a diagram was not drawn"
    assert all(d["svg"] and d["nodes"] > 0 and not d["error"] for d in drawn), drawn


def _images(html: str) -> list[str]:
    start, end = html.find("<article"), html.find("</article>")
    return re.findall(r"<img\b[^>]*>", html[start:end])


def test_every_image_has_alt_text_loads_lazily_and_enlarges(built_site):
    site, _ = built_site
    seen = 0
    for page in site.rglob("*.html"):
        html = page.read_text(encoding="utf-8")
        for tag in _images(html):
            seen += 1
            alt = re.search(r'\balt="([^"]*)"', tag)
            assert alt and alt.group(1).strip(), f"{page}: image without alt text: {tag}"
            assert 'loading="lazy"' in tag, f"{page}: image not lazy: {tag}"
        # glightbox wraps each content image in a link to the full-size file
        assert html.count('class="glightbox"') >= len([t for t in _images(html) if "assets/figures/" in t])
    assert seen >= 5
    assert (site / "assets" / "javascripts" / "glightbox.min.js").is_file()


def test_replaced_figures_left_the_missing_figures_page_and_kept_their_names(built_site):
    site, _ = built_site
    listing = (site / "missing-figures" / "index.html").read_text(encoding="utf-8")
    pages = {p: p.read_text(encoding="utf-8") for p in (ROOT / "docs").rglob("*.md")}
    replaced = re.findall(r"（替代原图 `([^`]+)`", "\n".join(pages.values()))
    assert len(replaced) >= 12
    still_missing = [name for text in pages.values() for name in parse_missing_figures(text)]
    for name in replaced:
        assert name.split("/")[-1].replace(" ", "%20") not in " ".join(still_missing), name
        assert name not in listing and name.replace(" ", "%20") not in listing, name
    assert f"目前共缺失 **{len(still_missing)}**".replace("**", "") in re.sub(r"<[^>]+>", "", listing)
