"""Formulas rendered at build time: KaTeX on Node turns each formula into its HTML and MathML, so
a page needs KaTeX's stylesheet and fonts but none of its JavaScript.

pymdownx.arithmatex (`generic: true`) leaves a formula for the browser as
`<span class="arithmatex">\\(tex\\)</span>` (inline) or `<div class="arithmatex">\\[tex\\]</div>`
(display), the TeX HTML-escaped (`a &lt; b`). `find_formulas` reads them, `substitute` puts
KaTeX's HTML inside the same wrapper (`<span class="arithmatex"><span class="katex">...`, what
KaTeX's auto-render makes of it in the browser), and `add_stylesheet` links katex.min.css from
the page's <head>; `tex_source` turns KaTeX's output back into the TeX, for text extraction.
These are pure functions of the text.

`KatexRenderer` runs scripts/kb/katex_render.cjs: one Node process per build, started at the first
formula that is not in the cache and given a page's formulas at a time. The cache (.cache/katex,
kb.build_cache) is keyed by KaTeX's version, the helper's code, display or inline, and the TeX.
A formula KaTeX cannot parse comes back as an error and is left as it was, for KaTeX in the
browser (docs/javascripts/katex.js) to try. Without node or node_modules/katex the renderer says
why (`unavailable`) and renders nothing: every formula is left to the browser.
"""

from __future__ import annotations

import html
import json
import re
import shutil
import subprocess
import tempfile
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable

from kb.build_cache import BuildCache, digest

HELPER = Path(__file__).with_name("katex_render.cjs")
STYLESHEET = "vendor/katex/katex.min.css"  # in the built site (copied by the kb plugin, kb.site.vendor)

# The escaped TeX has no "<": it ends at the wrapper's closing tag.
FORMULA = re.compile(r'<(?P<tag>span|div) class="arithmatex">(?P<source>[^<]*)</(?P=tag)>')
DELIMITERS = {"span": ("\\(", "\\)"), "div": ("\\[", "\\]")}

Key = tuple[bool, str]  # (display, TeX)


@dataclass(frozen=True)
class Formula:
    start: int  # of the wrapper element in the page HTML
    end: int
    tag: str  # span (inline) or div (display)
    tex: str  # unescaped, without the delimiters
    # `$5…$10`: the closing $ is followed by a digit, so (as in pandoc) these are prices, not a
    # formula: substitute() puts the text back as written, dollar signs included.
    not_math: bool = False

    @property
    def display(self) -> bool:
        return self.tag == "div"

    @property
    def key(self) -> Key:
        return (self.display, self.tex)

    @property
    def source(self) -> str:
        """The formula as written for the browser: \\(tex\\) or \\[tex\\]."""
        opening, closing = DELIMITERS[self.tag]
        return f"{opening}{self.tex}{closing}"


def find_formulas(page_html: str) -> list[Formula]:
    """Every formula arithmatex left in page_html, in order (elements already rendered have tags
    inside and do not match)."""
    found = []
    for match in FORMULA.finditer(page_html):
        opening, closing = DELIMITERS[match["tag"]]
        source = html.unescape(match["source"])
        if len(source) >= 4 and source.startswith(opening) and source.endswith(closing):
            followed_by_digit = page_html[match.end():match.end() + 1].isdigit()
            found.append(Formula(match.start(), match.end(), match["tag"], source[2:-2],
                                 not_math=match["tag"] == "span" and followed_by_digit))
    return found


def substitute(page_html: str, formulas: list[Formula], rendered: dict[Key, str]) -> str:
    """page_html with each formula that has a rendering replaced by it, in the same wrapper
    element; the others are left as they are."""
    out, last = [], 0
    for formula in formulas:
        if formula.not_math:
            out += [page_html[last:formula.start], html.escape(f"${formula.tex}$", quote=False)]
            last = formula.end
            continue
        katex_html = rendered.get(formula.key)
        if katex_html is None:
            continue
        out += [page_html[last:formula.start], f'<{formula.tag} class="arithmatex">{katex_html}</{formula.tag}>']
        last = formula.end
    out.append(page_html[last:])
    return "".join(out)


RENDERED = re.compile(r'<(?P<tag>span|div) class="arithmatex"><span class="katex')
ANNOTATION = re.compile(r'<annotation encoding="application/x-tex">(?P<tex>[^<]*)</annotation>')


def _element_end(page_html: str, start: int, tag: str) -> int:
    """The index after the closing tag of the <tag> element that opens at start, -1 without one."""
    depth = 0
    for match in re.compile(rf"<(/?){tag}\b[^>]*>").finditer(page_html, start):
        depth += -1 if match.group(1) else 1
        if depth == 0:
            return match.end()
    return -1


def tex_source(page_html: str) -> str:
    """page_html with each formula KaTeX rendered back as arithmatex wrote it (`\\(tex\\)` in its
    wrapper), from KaTeX's TeX annotation: text extraction then sees a formula once, as its TeX,
    instead of three times (MathML, annotation, HTML)."""
    out, last = [], 0
    for match in RENDERED.finditer(page_html):
        if match.start() < last:
            continue
        end = _element_end(page_html, match.start(), match["tag"])
        annotation = ANNOTATION.search(page_html, match.start(), end) if end > 0 else None
        if annotation is None:
            continue
        opening, closing = DELIMITERS[match["tag"]]
        out += [page_html[last:match.start()],
                f'<{match["tag"]} class="arithmatex">{opening}{annotation["tex"]}{closing}</{match["tag"]}>']
        last = end
    out.append(page_html[last:])
    return "".join(out)


def stylesheet_link(href: str) -> str:
    return f'<link rel="stylesheet" href="{html.escape(href, quote=True)}">'


def add_stylesheet(page_html: str, href: str) -> str:
    """page_html with a stylesheet link to href at the end of its <head> (unchanged when the
    link is there already or there is no </head>)."""
    link = stylesheet_link(href)
    end = page_html.find("</head>")
    if end < 0 or link in page_html[:end]:
        return page_html
    return page_html[:end] + link + page_html[end:]


def katex_version(package: Path) -> str | None:
    """The version of the katex package at `package` (node_modules/katex), None without one."""
    try:
        return json.loads((package / "package.json").read_text(encoding="utf-8"))["version"]
    except (OSError, ValueError, KeyError):
        return None


class KatexRenderer:
    """KaTeX's renderToString through one Node process, with a cache in front of it.

    `render(keys)` -> ({key: html}, {key: error message}); a formula in neither was not rendered
    (no node, or the process stopped: `unavailable` says why). `close()` ends the process.
    """

    def __init__(self, package: Path, cache: BuildCache | None = None, node: str | None = None,
                 reply_timeout: float = 60):
        self.package = package
        self.reply_timeout = reply_timeout  # for one page's formulas (milliseconds of work): a hung Node is killed
        self.timed_out = False
        self.node = node if node is not None else shutil.which("node")
        self.version = katex_version(package)
        self.cache = cache
        self.process: subprocess.Popen | None = None
        self.stderr = None
        self.unavailable: str | None = None
        self.rendered = 0  # formulas Node rendered (not from the cache)
        if self.version is None:
            self.unavailable = f"{package} is missing (npm ci installs it)"
        elif not self.node:
            self.unavailable = "node is not on PATH"
        self.inputs = digest("katex", self.version or "", HELPER.read_bytes())

    def cache_key(self, key: Key) -> str:
        display, tex = key
        return digest(self.inputs, "display" if display else "inline", tex)

    def render(self, keys: Iterable[Key]) -> tuple[dict[Key, str], dict[Key, str]]:
        rendered: dict[Key, str] = {}
        errors: dict[Key, str] = {}
        todo: list[Key] = []
        for key in dict.fromkeys(keys):
            stored = self.cache.get(self.cache_key(key)) if self.cache is not None and self.version else None
            if isinstance(stored, dict) and isinstance(stored.get("html"), str):
                rendered[key] = stored["html"]
            else:
                todo.append(key)
        if not todo or not self._start():
            return rendered, errors
        for key, reply in zip(todo, self._ask(todo)):
            if isinstance(reply.get("html"), str):
                rendered[key] = reply["html"]
                self.rendered += 1
                if self.cache is not None:
                    self.cache.put(self.cache_key(key), {"html": reply["html"]})
            else:
                errors[key] = str(reply.get("error", "no answer"))
        return rendered, errors

    def _start(self) -> bool:
        if self.unavailable:
            return False
        if self.process is None:
            self.stderr = tempfile.TemporaryFile()
            try:
                self.process = subprocess.Popen(
                    [self.node, str(HELPER), str(self.package)], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                    stderr=self.stderr, text=True, encoding="utf-8", bufsize=1)
            except OSError as exc:
                self.unavailable = f"cannot start {self.node}: {exc}"
                return False
        return True

    def _ask(self, keys: list[Key]) -> list[dict]:
        """One reply per key, in order; fewer when the process stops (then `unavailable` is set)."""
        process = self.process
        lines = "".join(json.dumps({"tex": tex, "display": display}, ensure_ascii=False) + "\n"
                        for display, tex in keys)

        def write():  # in a thread: Node writes replies while we still write, and both pipes are finite
            try:
                process.stdin.write(lines)
                process.stdin.flush()
            except (BrokenPipeError, OSError, ValueError):
                pass

        def kill():  # a Node that stops answering must not hang the build: its formulas go to the browser
            self.timed_out = True
            process.kill()

        writer = threading.Thread(target=write, daemon=True)
        writer.start()
        watchdog = threading.Timer(self.reply_timeout, kill)
        watchdog.start()
        replies = []
        try:
            for _ in keys:
                line = process.stdout.readline()
                if not line:
                    break
                try:
                    replies.append(json.loads(line))
                except ValueError:
                    break
        finally:
            watchdog.cancel()
        writer.join()
        if len(replies) < len(keys):
            self._stopped()
        return replies

    def _stopped(self) -> None:
        try:
            code = self.process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            self.process.kill()
            code = self.process.wait()
        self.stderr.seek(0)
        tail = self.stderr.read().decode("utf-8", "replace").strip()[-600:]
        why = f"no reply within {self.reply_timeout:g} s, killed" if self.timed_out else f"exit code {code}"
        self.unavailable = f"{HELPER.name} stopped ({why}){': ' + tail if tail else ''}"
        self.process = None

    def close(self) -> None:
        process, self.process = self.process, None
        if process is not None:
            try:
                process.stdin.close()
            except OSError:
                pass
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
            process.stdout.close()
        if self.stderr is not None:
            self.stderr.close()
            self.stderr = None
