"""Every image of a page: lazy loading, and alt text required (the screen reader's text, the
failed load's text and the lightbox caption)."""

import re

_IMG = re.compile(r"<img\b[^>]*>", re.I)
_ALT = re.compile(r"""\salt\s*=\s*(?:"([^"]*)"|'([^']*)')""", re.I)


def lazy_images(html: str) -> tuple[str, list[str]]:
    """(html with `loading="lazy"` and `decoding="async"` on each image that does not set them,
    the src of every image that has no alt text)."""
    missing = []

    def fix(match: re.Match) -> str:
        tag = match.group(0)
        alt = _ALT.search(tag)
        if not alt or not (alt.group(1) or alt.group(2) or "").strip():
            src = re.search(r"""\ssrc\s*=\s*["']([^"']*)""", tag)
            missing.append(src.group(1) if src else tag)
        end = "/>" if tag.endswith("/>") else ">"
        body = tag[: -len(end)].rstrip()
        for name, value in (("loading", "lazy"), ("decoding", "async")):
            if not re.search(rf"\s{name}\s*=", body, re.I):
                body += f' {name}="{value}"'
        return body + end

    return _IMG.sub(fix, html), missing
