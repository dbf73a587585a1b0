"""Front-end packages served from the site itself, never from a CDN.

The packages are installed from the npm registry by `npm ci` (package.json pins them) and copied
into the build, so no vendored copy is committed.
"""

from pathlib import Path

# package -> files of its dist/ folder that the site loads (globs allowed)
VENDORED = {
    "katex": ["katex.min.js", "katex.min.css", "contrib/auto-render.min.js", "fonts/*.woff2"],  # CSS+fonts: math; JS: katex.js fallback
    "mermaid": ["mermaid.min.js"],  # loaded on demand by docs/javascripts/mermaid-loader.js
    "minisearch": ["umd/index.js"],  # loaded on the first query by docs/javascripts/search-worker.js
    "iframe-worker": ["shim/index.js"],  # runs the search worker from file:// (offline builds only)
    "glightbox": ["js/glightbox.min.js", "css/glightbox.min.css"],  # the lightbox (kb.site.lightbox)
}
# package -> its folder that the patterns above are relative to, when it is not dist/
ROOTS = {"iframe-worker": "."}


class MissingPackage(Exception):
    pass


def vendored_files(node_modules: Path) -> list[tuple[Path, str, str]]:
    """(folder, path in it, path in the site) of every vendored file; MissingPackage names what
    `npm ci` did not install."""
    out = []
    for package, patterns in VENDORED.items():
        dist = node_modules / package / ROOTS.get(package, "dist")
        if not dist.is_dir():
            raise MissingPackage(f"{dist} is missing: run `npm ci` (the README's set-up command does)")
        for pattern in patterns:
            matches = sorted(dist.glob(pattern))
            if not matches:
                raise MissingPackage(f"{dist}/{pattern} matches no file: is the pinned version installed?")
            for path in matches:
                rel = path.relative_to(dist).as_posix()
                out.append((dist, rel, f"vendor/{package}/{rel}"))
    return out
