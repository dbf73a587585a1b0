"""Diagrams, figures and images as a reader sees them: every ```mermaid fence is in its page as the
SVG `kb diagrams` drew (no Mermaid loaded, no other host, its labels readable) in the light and the
dark palette; a diagram added without running `kb diagrams` is still drawn by the site's own
Mermaid in the browser, also after instant navigation; every image has alt text, loads lazily and
opens in the lightbox; replaced figures left the missing-figures page."""

import re
import shutil
import subprocess
import sys
from urllib.parse import urlparse

import pytest

from kb.diagrams import fences, scan
from kb.markers import parse_missing_figures
from sitekit import ROOT, LocalServer, copy_repository, page_url, sitemap_for, wait_for_sitemap, watch


# Material draws each diagram into a closed shadow root; keep a handle on each root to look inside.
RECORD_SHADOWS = """(() => { const attach = Element.prototype.attachShadow; window.__shadows = [];
  Element.prototype.attachShadow = function (init) { const root = attach.call(this, init);
  window.__shadows.push(root); return root; }; })();"""

# What the diagrams in a page look like: pre-rendered ones (inline SVG) and those Mermaid drew here.
DRAWN_JS = """() => ({
  prerendered: [...document.querySelectorAll('.kb-diagram')].map(d => ({
    svg: !!d.querySelector(':scope > svg'), role: d.getAttribute('role'), label: d.getAttribute('aria-label'),
    nodes: d.querySelectorAll('svg .node, svg g[id]').length,
    text: d.textContent.replace(/\\s+/g, ' '),
    error: /Syntax error|Parse error/.test(d.textContent) })),
  client: window.__shadows.map(r => ({ svg: !!r.querySelector('svg'),
    nodes: r.querySelectorAll('svg .node, svg g[id]').length,
    text: r.textContent.replace(/\\s+/g, ' '),
    error: /Syntax error|Parse error/.test(r.textContent) })),
  pending: document.querySelectorAll('pre.mermaid').length,
  scheme: document.body.getAttribute('data-md-color-scheme'),
})"""

# The palette's diagram colours (Material's --md-mermaid-* properties), and the colours the
# pre-rendered diagrams' labels and arrows are painted with.
COLOURS_JS = """() => {
  const probe = (property) => {
    const el = document.createElement('div');
    el.style.color = `var(${property})`;
    document.body.append(el);
    const colour = getComputedStyle(el).color;
    el.remove();
    return colour;
  };
  const used = (selector, property) => [...new Set([...document.querySelectorAll(`.kb-diagram svg ${selector}`)]
    .map(e => getComputedStyle(e)[property]))];
  return { label: probe('--md-mermaid-label-fg-color'), edge: probe('--md-mermaid-edge-color'),
           labels: used('.nodeLabel', 'color'), edges: used('.flowchart-link', 'stroke') };
}"""


def diagram_pages() -> dict[str, int]:
    pages: dict[str, int] = {}
    for fence in scan(ROOT):
        uri = fence.path.removeprefix("docs/")
        pages[uri] = pages.get(uri, 0) + 1
    return pages


DIAGRAMS = diagram_pages()


def labels(source: str) -> list[str]:
    """The quoted labels of a diagram's source (nodes, subgraph titles, edge labels), by line."""
    return [piece.strip() for label in re.findall(r'"([^"\n]+)"', source)
            for piece in re.split(r"<br\s*/?>", label) if piece.strip()]


def visit(browser, url: str, scheme: str = "light", *, wait_js: str | None = None, then=None) -> dict:
    """Open url in a palette with every other host blocked: console errors, requests to other hosts,
    requests whose URL names "mermaid"; what DRAWN_JS sees once `wait_js` holds; what then(page) returns."""
    origin = urlparse(url).netloc
    context = browser.new_context(color_scheme=scheme)
    page = context.new_page()
    page.add_init_script(RECORD_SHADOWS)
    seen = watch(page, lambda u: urlparse(u).netloc == origin or u.startswith("data:"))
    try:
        page.goto(url, wait_until="networkidle")
        if wait_js:
            page.wait_for_function(wait_js, timeout=20000)
        seen["then"] = then(page) if then else None
        seen.update(page.evaluate(DRAWN_JS))
    finally:
        context.close()
    seen["mermaid"] = [u for u in seen["requests"] + seen["foreign"] if "mermaid" in u]
    return seen


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
def test_every_diagram_is_pre_rendered_and_loads_no_mermaid(browser, server, path, scheme):
    seen = visit(browser, server.url + page_url(path), scheme, then=lambda page: page.evaluate(COLOURS_JS))
    assert seen["foreign"] == [] and seen["errors"] == []
    assert seen["mermaid"] == [], "a page whose diagrams are all pre-rendered requested Mermaid"
    assert seen["scheme"] == ("slate" if scheme == "dark" else "default")
    assert seen["client"] == [] and seen["pending"] == 0
    drawn = seen["prerendered"]
    assert len(drawn) == DIAGRAMS[path], "a diagram is not pre-rendered"
    assert all(d["svg"] and d["nodes"] > 0 and not d["error"] and d["role"] == "img" and d["label"] for d in drawn)
    sources = [f.text for f in scan(ROOT) if f.path == f"docs/{path}"]
    for source, diagram in zip(sources, drawn):
        missing = [label for label in labels(source) if label not in diagram["text"]]
        assert missing == [], f"labels not in the SVG: {missing}"
    # Labels and arrows are painted in the palette's colours (some nodes of the transformer
    # page's masks have colours of their own, from classDef).
    colours = seen["then"]
    assert colours["label"] in colours["labels"] and colours["edges"] == [colours["edge"]], colours


@pytest.mark.browser
def test_pre_rendered_diagrams_follow_the_palette(browser, server):
    light, dark = (visit(browser, server.url + page_url("pretraining/data.md"), scheme,
                         then=lambda page: page.evaluate(COLOURS_JS))["then"] for scheme in ("light", "dark"))
    assert light["label"] != dark["label"] and light["edge"] != dark["edge"]
    assert light["labels"] == [light["label"]] and dark["labels"] == [dark["label"]]
    assert light["edges"] == [light["edge"]] and dark["edges"] == [dark["edge"]]


@pytest.mark.browser
def test_off_screen_diagrams_keep_their_place(browser, server):
    """An off-screen diagram is not laid out (content-visibility) but keeps its height, so the page
    does not move when the reader scrolls to it (the few pixels under an inline SVG aside)."""
    def heights(page):
        skipped = page.evaluate("() => [...document.querySelectorAll('.kb-diagram')].map(d => d.getBoundingClientRect().height)")
        drawn = []
        for i in range(len(skipped)):
            page.evaluate(f"() => document.querySelectorAll('.kb-diagram')[{i}].scrollIntoView()")
            page.wait_for_timeout(100)
            drawn.append(page.evaluate(f"() => document.querySelectorAll('.kb-diagram')[{i}].getBoundingClientRect().height"))
        return skipped, drawn

    for path in ("architecture/transformer.md", "generation/diffusion.md"):
        skipped, drawn = visit(browser, server.url + page_url(path), then=heights)["then"]
        assert len(drawn) == DIAGRAMS[path] and all(h > 20 for h in drawn)
        assert all(abs(a - b) <= 8 for a, b in zip(skipped, drawn)), (path, skipped, drawn)


# --- a diagram without a pre-rendered SVG: the client-side fallback ------------------------------

NEW_DIAGRAM = '```mermaid\nflowchart LR\n  n1["新画的示意图"] --> n2["还没有运行 kb diagrams"]\n```\n'
NEW_PAGE = "pretraining/data.md"


@pytest.fixture(scope="module")
def fallback(tmp_path_factory):
    """A copy of the repository whose data page has a new diagram without an SVG, built and served."""
    root = copy_repository(tmp_path_factory.mktemp("fallback") / "kb")
    page = root / "docs" / NEW_PAGE
    text = page.read_text(encoding="utf-8")
    page.write_text(text.rstrip("\n") + "\n\n" + NEW_DIAGRAM, encoding="utf-8")
    line = text.rstrip("\n").count("\n") + 3
    site = root / "site-out"
    result = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(site)],
                            cwd=root, capture_output=True, text=True, timeout=600)
    if result.returncode != 0:
        pytest.fail(f"mkdocs build --strict failed:\n{result.stderr[-4000:]}")
    with LocalServer(site) as server:
        sitemap = site / "sitemap.xml"
        sitemap.write_text(sitemap_for(server.url, sitemap.read_text(encoding="utf-8")), encoding="utf-8")
        yield root, site, server, line
    shutil.rmtree(root, ignore_errors=True)


@pytest.mark.browser
@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_a_diagram_without_an_svg_is_drawn_by_the_site_s_own_mermaid(browser, fallback, scheme):
    _, _, server, _ = fallback
    origin = urlparse(server.url).netloc
    seen = visit(browser, server.url + page_url(NEW_PAGE), scheme,
                 wait_js="() => document.querySelectorAll('pre.mermaid').length === 0")
    assert seen["foreign"] == [] and seen["errors"] == []
    assert seen["mermaid"] and all(urlparse(u).netloc == origin for u in seen["mermaid"])
    assert any(u.endswith("vendor/mermaid/mermaid.min.js") for u in seen["mermaid"])
    assert len(seen["prerendered"]) == DIAGRAMS[NEW_PAGE], "the pre-rendered diagram stays inline"
    assert len(seen["client"]) == 1, "the new diagram was not drawn"
    drawn = seen["client"][0]
    assert drawn["svg"] and drawn["nodes"] > 0 and not drawn["error"]
    assert "新画的示意图" in drawn["text"] and "还没有运行 kb diagrams" in drawn["text"]


@pytest.mark.browser
def test_instant_navigation_to_a_page_with_a_new_diagram_draws_it_locally(browser, fallback):
    """A page with only pre-rendered diagrams loads nothing of Mermaid; following a link from it
    (Material's instant navigation) to a page with a fence left must load the site's own Mermaid,
    not fetch it from unpkg.com: Material starts drawing before the new page's scripts run."""
    _, _, server, _ = fallback
    origin = urlparse(server.url).netloc

    def navigate(page):
        before = page.evaluate("() => performance.getEntriesByType('resource').map(e => e.name)")
        wait_for_sitemap(page)
        page.evaluate("() => { window.__same_document = true; }")
        page.evaluate(f"() => document.querySelector('a[href$=\"{page_url(NEW_PAGE)}\"]').click()")
        page.wait_for_function("() => location.pathname.endsWith('/" + page_url(NEW_PAGE) + "')", timeout=20000)
        page.wait_for_function("() => window.__shadows.some(r => r.querySelector('svg'))", timeout=20000)
        return [u for u in before if "mermaid" in u], page.evaluate("() => window.__same_document === true")

    seen = visit(browser, server.url + page_url("foundations/history.md"), then=navigate)
    loaded_before, instant = seen["then"]
    assert loaded_before == [], "the history page (all diagrams pre-rendered) loaded something of Mermaid"
    assert instant, "the link was not followed by instant navigation"
    assert seen["foreign"] == [] and seen["errors"] == []
    assert seen["mermaid"] and all(urlparse(u).netloc == origin for u in seen["mermaid"])
    assert len(seen["client"]) == 1 and seen["client"][0]["svg"] and seen["pending"] == 0


def test_the_new_diagram_is_reported_by_kb_check_and_kb_diagrams_check(fallback):
    root, site, _, line = fallback
    kb = [sys.executable, "-m", "kb.cli"]
    checked = subprocess.run([*kb, "check", f"docs/{NEW_PAGE}"], cwd=root, capture_output=True, text=True, timeout=300)
    note = f"note: docs/{NEW_PAGE}:{line}: DIAG001 diagram has no current pre-rendered SVG (run kb diagrams)"
    assert note in checked.stdout.splitlines(), checked.stdout
    assert checked.returncode == 0, "DIAG001 is a note, not a blocking problem"
    diagrams = subprocess.run([*kb, "diagrams", "--check"], cwd=root, capture_output=True, text=True, timeout=300)
    assert diagrams.returncode == 1
    assert diagrams.stdout.splitlines() == [
        f"docs/{NEW_PAGE}:{line}: diagram has no current pre-rendered SVG (run kb diagrams)"]
    assert fences((root / "docs" / NEW_PAGE).read_text(encoding="utf-8"))[-1][0] == line
    html = (site / page_url(NEW_PAGE) / "index.html").read_text(encoding="utf-8")
    assert html.count('<pre class="mermaid">') == 1 and html.count('class="mermaid kb-diagram"') == DIAGRAMS[NEW_PAGE]
    # While a fence is left, every page has the inline `mermaid` global that loads the loader on demand.
    for path in (NEW_PAGE, "foundations/history.md", "index.md"):
        html = (site / page_url(path) / "index.html").read_text(encoding="utf-8")
        assert html.count("window.mermaid = { kbBootstrap: true") == 1 and not re.search(r'<script[^>]*\ssrc="[^"]*mermaid', html), path


# --- images and figures ------------------------------------------------------------------------

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
    assert (site / "vendor" / "glightbox" / "js" / "glightbox.min.js").is_file()


@pytest.mark.browser
def test_the_lightbox_opens_though_its_assets_load_after_the_page(browser, server, built_site):
    site, _ = built_site
    html = (site / "foundations" / "scaling-laws" / "index.html").read_text(encoding="utf-8")
    head = html[:html.find("</head>")]
    assert "glightbox.min" not in head, "the lightbox's assets block the first paint again"
    page = browser.new_page()
    errors = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    try:
        page.goto(server.url + page_url("foundations/scaling-laws.md"))
        page.locator("article a.glightbox").first.click()
        page.wait_for_selector(".glightbox-container .gslide-image img", timeout=10000)
    finally:
        page.close()
    assert errors == []


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
