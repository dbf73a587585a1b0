import shutil
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))

from sitekit import CHROMIUM, CHROMIUM_ARGS, LocalServer, build_site  # noqa: E402  (tests/sitekit.py)


@pytest.fixture(scope="session")
def built_site(tmp_path_factory):
    """The repository's site, built once per test session with `mkdocs build --strict`."""
    site_dir = tmp_path_factory.mktemp("site")
    result = build_site(site_dir)
    if result.returncode != 0:
        pytest.fail(f"mkdocs build --strict failed:\n{result.stderr[-4000:]}")
    yield site_dir, result
    shutil.rmtree(site_dir, ignore_errors=True)


@pytest.fixture(scope="session")
def browser():
    """One headless Debian Chromium for the whole session, driven by Playwright."""
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture(scope="session")
def server(built_site):
    """The built site served on 127.0.0.1."""
    site, _ = built_site
    with LocalServer(site) as running:
        yield running


# --- `kb import` example tests: the real terms table, the body pipeline, a scratch repo ---

from kb.normalize import Context, normalize_body  # noqa: E402
from kb.rules.terms import load_terms  # noqa: E402

REPO = Path(__file__).resolve().parents[1]
SEEDS = REPO.parent / "shared" / "seeds"  # the seed notes beside the clone, as in CI


@pytest.fixture(scope="session")
def terms():
    return load_terms(REPO / "data" / "terms.yaml")


@pytest.fixture
def normalize(terms):
    """The whole body pipeline: `normalize(raw, images={src: new}, notes={target})` -> page body."""
    def run(raw: str, *, title: str = "笔记", images: dict | None = None, notes: set | None = None) -> str:
        ctx = Context(source="note.md", title=title, fallback_title="note",
                      resolve_image=(images or {}).get, note_exists=(notes or set()).__contains__, terms=terms)
        return normalize_body(raw, title, ctx)
    return run


@pytest.fixture
def kb_repo(tmp_path):
    """A throw-away knowledge base: mkdocs.yml, data/, .autocorrectrc, empty docs/ and assets/."""
    root = tmp_path / "kb"
    root.mkdir()
    shutil.copy(REPO / "mkdocs.yml", root)
    shutil.copy(REPO / ".autocorrectrc", root)
    shutil.copytree(REPO / "data", root / "data")
    (root / "docs").mkdir()
    (root / "assets").mkdir()
    return root
