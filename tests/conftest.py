import shutil
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))

from sitekit import build_site  # noqa: E402  (tests/sitekit.py)


@pytest.fixture(scope="session")
def built_site(tmp_path_factory):
    """The repository's site, built once per test session with `mkdocs build --strict`."""
    site_dir = tmp_path_factory.mktemp("site")
    result = build_site(site_dir)
    if result.returncode != 0:
        pytest.fail(f"mkdocs build --strict failed:\n{result.stderr[-4000:]}")
    yield site_dir, result
    shutil.rmtree(site_dir, ignore_errors=True)
