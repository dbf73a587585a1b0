"""Images: HTML `<img>` and Obsidian embeds to Markdown, one image per block, and
images that cannot be shown replaced by a visible missing-figure marker."""

import re
from collections.abc import Callable
from html.parser import HTMLParser

from ..markers import missing_figures

HTML_IMG = re.compile(r"<img\b[^>]*?/?>", re.I)
OBSIDIAN_EMBED = re.compile(r"!\[\[([^\]|#]+\.(?:png|jpe?g|gif|svg|webp|bmp))(?:\|[^\]]*)?\]\]", re.I)
MD_IMAGE = r"!\[[^\]\n]*\]\((?:<[^>\n]+>|[^)\s]+)(?:\s+\"[^\"\n]*\")?\)"
IMAGE_LINE = re.compile(rf"^(?P<indent>[ \t]*)!\[(?P<alt>[^\]\n]*)\]\((?:<(?P<src1>[^>\n]+)>|(?P<src2>[^)\s]+))(?:\s+\"[^\"\n]*\")?\)\s*$")


class _ImgAttrs(HTMLParser):
    def __init__(self):
        super().__init__()
        self.attrs: dict[str, str] = {}

    def handle_starttag(self, tag, attrs):
        self.attrs = {k: v or "" for k, v in attrs}

    handle_startendtag = handle_starttag


def _markdown_image(tag: str) -> str:
    parser = _ImgAttrs()
    parser.feed(tag)
    src = parser.attrs.get("src", "").strip()
    if not src:
        return tag
    alt = parser.attrs.get("alt", "").strip()
    if " " in src:
        src = f"<{src}>"
    # `style="zoom:45%"` is Typora's display size; the site sizes images itself.
    return f"![{alt}]({src})"


def html_images_to_markdown(text: str) -> str:
    """`<img src="a.png" alt="x" style="zoom:45%;">` -> `![x](a.png)`; Obsidian `![[a.png]]` too."""
    text = HTML_IMG.sub(lambda m: _markdown_image(m.group(0)), text)
    return OBSIDIAN_EMBED.sub(lambda m: f"![{m.group(1)}](<{m.group(1)}>)", text)


def isolate_images(text: str) -> str:
    """Give each image a block of its own, at the indentation of the line it was on.

    Exports glue figures to the sentence before or after them
    (`![a](x.png)当模型参数较小时`); a figure is a block of its own on the site.
    """
    out: list[str] = []
    in_fence = False
    for line in text.split("\n"):
        if line.lstrip().startswith(("```", "~~~")):
            in_fence = not in_fence
        pieces = re.split(f"({MD_IMAGE})", line) if not in_fence else [line]
        if len(pieces) == 1 or (len(pieces) == 3 and not pieces[0].strip() and not pieces[2].strip()):
            out.append(line)
            continue
        indent = re.match(r"[ \t]*", line).group(0)
        blocks = [p.strip() for p in pieces if p.strip()]
        # The first piece keeps its own position (it may be a list marker).
        first = pieces[0].rstrip() if pieces[0].strip() else indent + blocks.pop(0)
        if pieces[0].strip():
            blocks.pop(0)
        rest_indent = indent
        list_marker = re.match(r"[ \t]*(?:[-*+]|\d+[.)])[ \t]+", first)
        if list_marker:
            rest_indent = " " * len(list_marker.group(0))
        out.append(first)
        for block in blocks:
            out.extend(["", rest_indent + block])
    return "\n".join(out)


def replace_unavailable_images(text: str, resolve: Callable[[str], str | None]) -> str:
    """Keep images `resolve` can serve (rewriting their path); mark the others missing.

    `resolve(src)` returns the new path for a local image that exists, or None.
    Remote images are never embedded: the site loads nothing from third-party hosts.
    Lost figures that follow each other (only blank lines between, same indentation and kind)
    share one collapsed marker, so a slide-heavy note does not become a wall of boxes.
    """
    out: list[str] = []
    run: list[str] = []  # originals of the lost figures in the current run
    run_key: tuple[str, bool] | None = None  # (indent, remote) of that run
    blanks = 0  # blank lines seen since the run's last figure

    def close_run():
        nonlocal run, run_key, blanks
        if run:
            out.append(missing_figures(run, remote=run_key[1], indent=run_key[0]))
            out.extend([""] * blanks)
        run, run_key, blanks = [], None, 0

    for line in text.split("\n"):
        m = IMAGE_LINE.match(line)
        if not m:
            if run and not line.strip():
                blanks += 1
                continue
            close_run()
            out.append(line)
            continue
        src = m.group("src1") or m.group("src2")
        indent = m.group("indent")
        remote = bool(re.match(r"^(?:[a-z][a-z0-9+.-]*:)?//", src, re.I))
        new_src = None if remote else resolve(src)
        if new_src is not None:
            close_run()
            out.append(f"{indent}![{m.group('alt').strip()}]({new_src})")
            continue
        if run and run_key != (indent, remote):
            close_run()
        run.append(src)
        run_key, blanks = (indent, remote), 0
    close_run()
    return "\n".join(out)
