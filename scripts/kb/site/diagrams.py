"""Pre-rendered diagrams in the page: a ```mermaid fence whose SVG `kb diagrams` drew is replaced
by that SVG, so the page needs no Mermaid (kb.diagrams explains how the SVGs are drawn).

- On each page, a `<pre class="mermaid">` whose source has a current SVG in assets/diagrams/ becomes
  `<div class="mermaid kb-diagram" role="img" aria-label="...">` holding the SVG inline: its colours
  are the theme's `--md-mermaid-*` custom properties, so it follows the light and dark palettes.
  The label is the enclosing figure's caption (without its number, citation marks and the
  "（替代原图 …）" note), else "Mermaid 图". `data-processed` tells Mermaid it is drawn already.
  Its style gives the SVG's natural width and aspect ratio: docs/stylesheets/extra.css lets the
  browser skip an off-screen diagram (content-visibility) and reserves its height.
- A fence without a current SVG is left as it is, and Material draws it in the browser through
  docs/javascripts/mermaid-loader.js, as before `kb diagrams` existed (kb check notes it: DIAG001).
- mermaid-loader.js is taken out of extra_javascript. While every fence of the site has its SVG,
  no page has anything of Mermaid. When some fence has none, every page gets BOOTSTRAP, a few
  lines inline (no request): the `mermaid` global Material looks for, which fetches
  mermaid-loader.js on the first diagram Material asks it to draw. It has to be on every page,
  not only on those with a fence left: Material's instant navigation swaps a page in and starts
  drawing its diagrams before the new page's own scripts run, and without the global it
  fetches Mermaid from unpkg.com.
- The SVG files are build inputs, inlined here: they are not copied into the site.
"""

import html
import json
import re
from pathlib import Path

from kb.diagrams import digest, svg_file

LOADER = "javascripts/mermaid-loader.js"
DEFAULT_LABEL = "Mermaid 图"
# pymdownx.superfences' fence_code_format: <pre class="mermaid"><code>escaped source</code></pre>
# (more classes or an id when the fence has attributes).
FENCE = re.compile(r'<pre\b[^>]*\sclass="(?:[^"]*\s)?mermaid(?:\s[^"]*)?"[^>]*><code>(?P<source>.*?)</code></pre>', re.S)
# pymdownx.blocks.caption: <figure id=...> <pre ...> <figcaption>...</figcaption> </figure>
# (the caption after the content, or before it with `/// figure-caption | <`).
CAPTION_AFTER = re.compile(r"\s*<figcaption>(?P<caption>.*?)</figcaption>\s*</figure>", re.S)
CAPTION_BEFORE = re.compile(r"<figure\b[^>]*>\s*<figcaption>(?P<caption>.*?)</figcaption>\s*\Z", re.S)
PREFIX = re.compile(r'<span class="caption-prefix">.*?</span>', re.S)
FOOTNOTE_REF = re.compile(r"\s*<sup\b[^>]*>.*?</sup>", re.S)  # with the space before the mark
REPLACED_NOTE = re.compile(r"（替代原图 [^）]*）")
XML_DECLARATION = re.compile(r"\A\s*<\?xml[^>]*\?>\s*")
SVG_TAG = re.compile(r"<svg\b[^>]*>")
VIEWBOX = re.compile(r'\sviewBox="[-\d.e]+[ ,]+[-\d.e]+[ ,]+(?P<width>[\d.e]+)[ ,]+(?P<height>[\d.e]+)"')
MAX_WIDTH = re.compile(r'\sstyle="[^"]*max-width:\s*([\d.]+)px')


def caption_label(before: str, after: str) -> str:
    """The accessible name of a diagram: its figure's caption text, else "Mermaid 图"."""
    found = CAPTION_AFTER.match(after) or CAPTION_BEFORE.search(before[-4000:])
    if not found:
        return DEFAULT_LABEL
    text = FOOTNOTE_REF.sub("", PREFIX.sub("", found.group("caption")))
    text = html.unescape(re.sub(r"<[^>]+>", "", text))
    text = re.sub(r"\s+", " ", REPLACED_NOTE.sub("", text)).strip()
    return text or DEFAULT_LABEL


def size_style(svg: str) -> str:
    """` style="--kb-width: ...; --kb-ratio: ..."`: the SVG's natural width and its height / width,
    from which extra.css reserves the diagram's height while an off-screen diagram is not laid out
    (content-visibility); empty when the SVG does not say."""
    tag = SVG_TAG.match(svg)
    box = tag and VIEWBOX.search(tag.group(0))
    if not box or float(box.group("width")) <= 0:
        return ""
    width, height = float(box.group("width")), float(box.group("height"))
    natural = MAX_WIDTH.search(tag.group(0))
    natural_width = f"{float(natural.group(1)) if natural else width:.3f}".rstrip("0").rstrip(".")
    return f' style="--kb-width: {natural_width}px; --kb-ratio: {height / width:.6f}"'


def inline_svg(source: str, label: str, root: Path, version: str, clean=None) -> str | None:
    """The wrapped SVG of a diagram source (through `clean`, if given), or None when it has no
    current SVG."""
    path = svg_file(root, digest(source, version))
    if not path.is_file():
        return None
    svg = XML_DECLARATION.sub("", path.read_text(encoding="utf-8")).strip()
    if clean is not None:
        svg = clean(svg)
    return (f'<div class="mermaid kb-diagram" role="img" aria-label="{html.escape(label, quote=True)}" '
            f'data-processed="true"{size_style(svg)}>{svg}</div>')


def fences_without_svg(content: str, root: Path, version: str) -> int:
    """How many diagrams of the page have no current SVG (the browser will draw them)."""
    return sum(not svg_file(root, digest(html.unescape(m.group("source")), version)).is_file()
               for m in FENCE.finditer(content))


def prerender(content: str, root: Path, version: str, clean=None) -> tuple[str, int]:
    """(page HTML with every diagram that has a current SVG inlined, each through `clean` if given,
    number of fences left)."""
    out, last, left = [], 0, 0
    for match in FENCE.finditer(content):
        source = html.unescape(match.group("source"))
        label = caption_label(content[:match.start()], content[match.end():])
        svg = inline_svg(source, label, root, version, clean)
        if svg is None:
            left += 1
            continue
        out.append(content[last:match.start()])
        out.append(svg)
        last = match.end()
    out.append(content[last:])
    return "".join(out), left


# The `mermaid` global until mermaid-loader.js replaces it: keeps Material's configuration and
# loads the loader (then hands it the configuration and the diagram) on the first render().
BOOTSTRAP = """<script>/* diagrams without a pre-rendered SVG: scripts/kb/site/diagrams.py */
(() => {
  if (typeof window.mermaid !== "undefined" && !(window.mermaid instanceof Element)) return;
  const src = new URL(%s, location.href).href;
  let config = {}, loading = null;
  window.mermaid = { kbBootstrap: true, initialize(options) { config = options; }, render(id, text) {
    loading ||= new Promise((resolve, reject) => { const script = document.createElement("script");
      script.src = src; script.onload = resolve; script.onerror = () => reject(new Error(`cannot load ${src}`));
      document.head.appendChild(script); });
    return loading.then(() => {
      if (window.mermaid.kbBootstrap) throw new Error(`${src} did not define the mermaid global`);
      window.mermaid.initialize(config);
      return window.mermaid.render(id, text);
    });
  } };
})();
</script>"""


def add_bootstrap(output: str, loader_url: str) -> str:
    tag = BOOTSTRAP % json.dumps(loader_url)
    end = output.rfind("</body>")
    return output[:end] + tag + output[end:] if end >= 0 else output + tag
