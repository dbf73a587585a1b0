"""The kb plugin's options (mkdocs.yml, under `plugins: - kb:`)."""

from mkdocs.config import config_options as c
from mkdocs.config.base import Config


class KbConfig(Config):
    # The build that works from file:// (`kb offline` switches it on, with Material's offline and
    # the print-site plugins): no instant navigation, search through the vendored iframe-worker.
    offline = c.Type(bool, default=False)
    # "site": Material's search box with the site's worker (docs/javascripts/search-worker.js);
    # "material": the theme's own lunr worker, for comparison (tests/bench/search_comparison.md).
    search_engine = c.Choice(("site", "material"), default="site")
    # Content-keyed caches in .cache/ (KaTeX output, compiled templates, search segmentation);
    # false builds without them, to compare or to rule them out.
    cache = c.Type(bool, default=True)
    # Click an image to enlarge it (GLightbox, served from the site).
    lightbox = c.Type(bool, default=True)
