"""`kb diagrams`: draw every ```mermaid fence of docs/ once, ahead of time, into assets/diagrams/.

Drawn in the browser, a diagram costs its page Mermaid (about 1 MB gzip) and the main thread to
run it; Lighthouse scored those pages 73-92. Drawn here, the kb plugin (kb.site.diagrams)
puts the SVG in the page instead of the fence, and the page loads no Mermaid at all.

How a diagram is drawn: headless Chromium (kb.browser) runs the project's own Mermaid
(node_modules/mermaid) with the configuration Material for MkDocs gives it in the browser: the
same `themeCSS` (read from the installed theme's bundle), whose colours are the theme's
`--md-mermaid-*` custom properties. The SVG keeps those `var(...)` references, so one inline SVG
follows the light and the dark palette as the client-side drawing does. The drawing page loads
the theme's stylesheets and docs/stylesheets/extra.css, so labels are measured in the site's
fonts. Each diagram is drawn in a fresh page, with an id derived from its digest and a seeded
Math.random (Mermaid's rough.js shapes draw with random numbers): the same fence, the same bytes.

File name: the first 16 hex digits of sha256(fence text, Mermaid version, RENDER_VERSION). A
changed fence, a Mermaid upgrade or a new RENDER_VERSION makes a new name, and the old file is
removed by the next `kb diagrams`. Bump RENDER_VERSION when anything else that changes the
drawing changes: the configuration or the drawing page below, the site's text font
(--md-text-font in docs/stylesheets/extra.css), a Material release that changes its themeCSS.
`kb diagrams --check` (and kb check's DIAG001 note) only asks that each fence has a file of its
name; it does not redraw, since the bytes depend on the machine's fonts.
"""

from __future__ import annotations

import hashlib
import json
import re
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

from . import atomic
from .errors import KbError

DIAGRAMS_DIR = Path("assets") / "diagrams"
RENDER_VERSION = 1
TAB_LENGTH = 4  # Python-Markdown expands tabs to 4 spaces before pymdownx.superfences sees a fence
# What Material passes to mermaid.initialize besides themeCSS (its mermaid component).
SEQUENCE = {"actorFontSize": "16px", "messageFontSize": "16px", "noteFontSize": "16px"}

_OPEN = re.compile(r"^(?P<indent> *)(?P<fence>`{3,}|~{3,})[ \t]*\.?(?P<lang>[\w#.+-]+)?(?P<rest>[^\n]*)$")


@dataclass(frozen=True)
class Fence:
    path: str  # relative to the repository: docs/architecture/transformer.md
    line: int  # of the opening ```mermaid
    text: str  # the diagram's source, as pymdownx.superfences hands it to the page


def fences(text: str) -> list[tuple[int, str]]:
    """(line, source) of every ```mermaid fence of a page, read the way pymdownx.superfences reads
    them: tabs expanded, the opening fence's indentation removed from each line, blank lines
    empty, closed by the same fence at the same indentation; a fence inside another fence is code."""
    lines = text.replace("\r\n", "\n").replace("\r", "\n").expandtabs(TAB_LENGTH).split("\n")
    found, i = [], 0
    while i < len(lines):
        opened = _OPEN.match(lines[i])
        if not opened or (opened["fence"][0] == "`" and "`" in opened["rest"]):
            i += 1
            continue
        indent, fence = len(opened["indent"]), opened["fence"]
        body, j = [], i + 1
        while j < len(lines):
            line = lines[j]
            if not line.strip():
                body.append("")
            elif not line.startswith(" " * indent):
                break  # less indented than the fence: superfences abandons it
            elif line[indent:].rstrip(" \t") == fence:
                break
            else:
                body.append(line[indent:])
            j += 1
        if j < len(lines) and lines[j].strip() and lines[j][indent:].rstrip(" \t") == fence:
            if opened["lang"] == "mermaid":
                found.append((i + 1, "\n".join(body)))
            i = j + 1
        else:
            i += 1
    return found


def scan(root: Path) -> list[Fence]:
    """Every ```mermaid fence under docs/, in path and line order."""
    from .checks.base import page_files

    out = []
    for path in page_files(root / "docs"):
        rel = path.relative_to(root).as_posix()
        out.extend(Fence(rel, line, text) for line, text in fences(path.read_text(encoding="utf-8")))
    return out


def mermaid_version(root: Path) -> str:
    """The installed Mermaid's version (node_modules), else the one package.json pins; in a copy
    of the knowledge base that has neither (a test's scratch copy), those of the checkout the kb
    tools come from."""
    for folder in dict.fromkeys((root, Path(__file__).resolve().parents[2])):
        installed = folder / "node_modules" / "mermaid" / "package.json"
        if installed.is_file():
            return json.loads(installed.read_text(encoding="utf-8"))["version"]
        if (folder / "package.json").is_file():
            pinned = json.loads((folder / "package.json").read_text(encoding="utf-8")).get("dependencies", {})
            if pinned.get("mermaid"):
                return pinned["mermaid"]
    raise KbError("package.json", "no Mermaid version: neither node_modules/mermaid nor a pinned mermaid dependency")


def digest(text: str, version: str) -> str:
    key = f"{text}\0mermaid {version}\0render {RENDER_VERSION}"
    return hashlib.sha256(key.encode("utf-8")).hexdigest()[:16]


def diagram_id(name: str) -> str:
    """The SVG's id (Mermaid prefixes its inner ids and scopes its CSS with it)."""
    return f"kb-diagram-{name}"


def svg_file(root: Path, name: str) -> Path:
    return root / DIAGRAMS_DIR / f"{name}.svg"


def missing(root: Path, found: list[Fence] | None = None) -> list[Fence]:
    """Fences that have no current pre-rendered SVG."""
    version = mermaid_version(root)
    return [f for f in (scan(root) if found is None else found) if not svg_file(root, digest(f.text, version)).is_file()]


def unused(root: Path, found: list[Fence]) -> list[Path]:
    """SVGs of assets/diagrams/ that no fence uses any more."""
    version = mermaid_version(root)
    wanted = {f"{digest(f.text, version)}.svg" for f in found}
    folder = root / DIAGRAMS_DIR
    return sorted(p for p in folder.glob("*.svg") if p.name not in wanted) if folder.is_dir() else []


# --- drawing --------------------------------------------------------------------------------------

def material_assets() -> Path:
    import material

    return Path(material.__file__).parent / "templates" / "assets"


def material_theme_css() -> str:
    """The `themeCSS` Material's bundle passes to mermaid.initialize: its diagram styles, every
    colour a `var(--md-mermaid-*)` of the palette."""
    bundles = sorted((material_assets() / "javascripts").glob("bundle.*.min.js"))
    if not bundles:
        raise KbError(str(material_assets()), "no Material bundle.*.min.js: is mkdocs-material installed?")
    bundle = bundles[0].read_text(encoding="utf-8")
    name = re.search(r"themeCSS:([\w$]+)", bundle)
    value = name and re.search(r"(?<![\w$.])" + re.escape(name.group(1)) + r'="((?:[^"\\]|\\.)*)"', bundle)
    if not value:
        raise KbError(str(bundles[0]), "cannot find the Mermaid themeCSS in Material's bundle "
                                       "(has the theme changed how it configures Mermaid?)")
    css = json.loads(f'"{value.group(1)}"')
    if "--md-mermaid-" not in css:
        raise KbError(str(bundles[0]), "Material's Mermaid themeCSS uses no --md-mermaid-* colours")
    return css


PAGE = """<!doctype html>
<html lang="zh"><head><meta charset="utf-8">
<link rel="stylesheet" href="main.css"><link rel="stylesheet" href="palette.css"><link rel="stylesheet" href="extra.css">
<script>
  // Mermaid's rough.js shapes (stadiums, cylinders ...) and a few ids come from Math.random: a seeded
  // generator (mulberry32) makes every drawing of the same diagram the same bytes.
  (() => { let s = 20240101; Math.random = () => { s = (s + 0x6d2b79f5) | 0; let t = Math.imul(s ^ (s >>> 15), 1 | s);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t; return ((t ^ (t >>> 14)) >>> 0) / 4294967296; }; })();
</script>
<script src="mermaid.min.js"></script></head>
<body dir="ltr" data-md-color-scheme="default" data-md-color-primary="indigo" data-md-color-accent="indigo"></body></html>
"""

# In the drawing page: draw one diagram as Material does (mermaid.render into the body), return
# the SVG as XML (a standalone file: <br/>, escaped CSS), or the error.
DRAW_JS = """
async ([id, text, themeCSS, sequence]) => {
  await document.fonts.ready;
  mermaid.initialize({ startOnLoad: false, themeCSS, sequence });
  try {
    const { svg } = await mermaid.render(id, text);
    const svgElement = new DOMParser().parseFromString(svg, "text/html").querySelector("svg");
    return { svg: new XMLSerializer().serializeToString(svgElement) };
  } catch (error) {
    return { error: String(error && error.message || error) };
  }
}
"""


_PATH_DATA = re.compile(r'(\sd=")([^"]*)(")')
_LONG_DECIMAL = re.compile(r"-?\d+\.\d{3,}")


def _two_decimals(match: re.Match) -> str:
    text = f"{float(match.group(0)):.2f}".rstrip("0").rstrip(".")
    return "0" if text == "-0" else text


def compact_paths(svg: str) -> str:
    """Path data with coordinates to 1/100 of a unit (a few thousandths of a pixel on screen).
    Mermaid's rough.js shapes (stadiums, cylinders) write 16-digit coordinates: in the task
    guide's diagram that is 46 KB of 64 KB gzipped."""
    return _PATH_DATA.sub(lambda m: m.group(1) + _LONG_DECIMAL.sub(_two_decimals, m.group(2)) + m.group(3), svg)


def _drawing_folder(root: Path) -> Path:
    """A temporary folder with the drawing page, the project's Mermaid and the site's stylesheets."""
    mermaid_js = root / "node_modules" / "mermaid" / "dist" / "mermaid.min.js"
    if not mermaid_js.is_file():
        raise KbError(str(mermaid_js.relative_to(root)), "missing: run `npm ci` (the README's set-up command does)")
    styles = material_assets() / "stylesheets"
    main, palette = sorted(styles.glob("main.*.min.css")), sorted(styles.glob("palette.*.min.css"))
    if not main or not palette:
        raise KbError(str(styles), "no Material main/palette stylesheet")
    folder = Path(tempfile.mkdtemp(prefix="kb-diagrams-"))
    shutil.copy(mermaid_js, folder / "mermaid.min.js")
    shutil.copy(main[0], folder / "main.css")
    shutil.copy(palette[0], folder / "palette.css")
    shutil.copy(root / "docs" / "stylesheets" / "extra.css", folder / "extra.css")
    (folder / "page.html").write_text(PAGE, encoding="utf-8")
    return folder


def render(root: Path, texts: list[str], browser=None) -> dict[str, bytes]:
    """Draw each diagram source; {digest: SVG bytes}. Raises KbError naming the first that fails.
    `browser`: a Playwright Chromium already running (the tests'); default: launch Debian's."""
    if not texts:
        return {}
    if browser is not None:
        return _render_with(browser, root, texts)
    try:
        from playwright.sync_api import sync_playwright
    except ImportError as exc:
        raise KbError("pyproject.toml", "kb diagrams needs Playwright: pip install -e '.[dev]'") from exc
    from .browser import CHROMIUM, CHROMIUM_ARGS

    if not Path(CHROMIUM).exists():
        raise KbError(CHROMIUM, "no Chromium here (Debian: apt-get install chromium; or set KB_CHROMIUM)")
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            return _render_with(browser, root, texts)
        finally:
            browser.close()


def _render_with(browser, root: Path, texts: list[str]) -> dict[str, bytes]:
    from .browser import LocalServer

    version, theme_css = mermaid_version(root), material_theme_css()
    folder = _drawing_folder(root)
    drawn: dict[str, bytes] = {}
    try:
        with LocalServer(folder) as server:
            for text in texts:
                name = digest(text, version)
                if name in drawn:
                    continue
                page = browser.new_page(viewport={"width": 1280, "height": 900})
                try:
                    page.route("**/*", lambda r: r.continue_() if r.request.url.startswith(server.url) else r.abort())
                    page.goto(server.url + "page.html", wait_until="load")
                    result = page.evaluate(DRAW_JS, [diagram_id(name), text, theme_css, SEQUENCE])
                finally:
                    page.close()
                if "error" in result:
                    first = text.strip().split("\n", 1)[0]
                    raise KbError(f"diagram '{first}'", f"Mermaid cannot draw it: {result['error']}")
                drawn[name] = (compact_paths(result["svg"]) + "\n").encode("utf-8")
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    return drawn


@dataclass
class Update:
    fences: list[Fence]
    written: list[Path]
    removed: list[Path]


def update(root: Path, *, force: bool = False) -> Update:
    """Draw the fences that have no SVG (every fence with `force`), then remove unused SVGs.
    Everything is drawn before anything is written: a diagram Mermaid rejects leaves no change."""
    found = scan(root)
    todo = found if force else missing(root, found)
    drawn = render(root, [f.text for f in todo])
    written = []
    for name, data in drawn.items():
        path = svg_file(root, name)
        if path.is_file() and path.read_bytes() == data:
            continue
        atomic.write_bytes(path, data)
        written.append(path)
    removed = unused(root, found)
    for path in removed:
        path.unlink()
    return Update(found, sorted(written), removed)
