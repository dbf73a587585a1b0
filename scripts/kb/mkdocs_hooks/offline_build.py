"""The offline build (KB_OFFLINE=true, `kb offline`): pages that work when opened from disk.

Material's instant navigation loads pages with XHR, which file:// does not allow, and then never
announces the first page, so KaTeX, Mermaid and search never start. The offline plugin leaves
the feature on; this hook turns it off in the offline build only.
"""

import os

OFF_FROM_DISK = ("navigation.instant", "navigation.instant.prefetch", "navigation.instant.progress",
                 "navigation.instant.preview")


def offline_build() -> bool:
    return os.environ.get("KB_OFFLINE", "").strip().lower() in ("1", "true", "yes", "on")


def on_config(config):
    if offline_build():
        features = config["theme"]["features"]
        features[:] = [f for f in features if f not in OFF_FROM_DISK]
    return config
