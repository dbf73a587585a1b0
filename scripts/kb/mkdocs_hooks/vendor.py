"""Serve front-end packages from the site itself, never from a CDN.

The packages are installed from the npm registry by `npm ci` (package.json
pins them) and copied into the build here, so no vendored copy is committed.
"""

from pathlib import Path

from mkdocs.exceptions import PluginError
from mkdocs.structure.files import File, Files

# package -> files of its dist/ folder that the site loads (globs allowed)
VENDORED = {
    "katex": ["katex.min.js", "katex.min.css", "contrib/auto-render.min.js", "fonts/*.woff2"],  # CSS+fonts: the math hook; JS: katex.js fallback
    "mermaid": ["mermaid.min.js"],  # loaded on demand by docs/javascripts/mermaid-loader.js
    "minisearch": ["umd/index.js"],  # loaded on the first query by docs/javascripts/search-worker.js
    "iframe-worker": ["shim/index.js"],  # runs the search worker from file:// (offline builds only)
}
# package -> its folder that the patterns above are relative to, when it is not dist/
ROOTS = {"iframe-worker": "."}


def on_files(files: Files, config) -> Files:
    node_modules = Path(config["config_file_path"]).parent / "node_modules"
    for package, patterns in VENDORED.items():
        dist = node_modules / package / ROOTS.get(package, "dist")
        if not dist.is_dir():
            raise PluginError(f"{dist} is missing: run `npm ci` (the README's set-up command does)")
        for pattern in patterns:
            matches = sorted(dist.glob(pattern))
            if not matches:
                raise PluginError(f"{dist}/{pattern} matches no file: is the pinned version installed?")
            for path in matches:
                rel = path.relative_to(dist).as_posix()
                files.append(File(rel, src_dir=str(dist), dest_dir=config["site_dir"],
                                  use_directory_urls=False, dest_uri=f"vendor/{package}/{rel}"))
    return files
