"""The offline build (`kb offline`): pages that work when opened from disk.

Material's instant navigation loads pages with XHR, which file:// does not allow, and then never
announces the first page, so KaTeX, Mermaid and search never start. Material's offline plugin
leaves the feature on; the offline build turns it off. Its search runs through the vendored
iframe-worker shim instead of the theme's unpkg.com one.
"""

OFF_FROM_DISK = ("navigation.instant", "navigation.instant.prefetch", "navigation.instant.progress",
                 "navigation.instant.preview")
SHIM = "vendor/iframe-worker/shim/index.js"


def offline_features(features: list[str]) -> list[str]:
    return [f for f in features if f not in OFF_FROM_DISK]


def local_polyfills(polyfills: list) -> list:
    """Material's offline plugin's polyfills, the iframe-worker shim served from the site."""
    return [SHIM if "unpkg.com/iframe-worker" in str(p) else p for p in polyfills]
