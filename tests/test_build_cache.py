"""The build's content-keyed caches (.cache/katex, .cache/jinja, .cache/search, .cache/citations):
a warm build writes the site a build without them writes, byte for byte."""

import subprocess
import sys
from pathlib import Path

from sitekit import copy_repository


def build(root: Path, site: Path, config: str = "mkdocs.yml") -> None:
    args = [sys.executable, "-m", "mkdocs", "build", "--strict", "-f", config, "--site-dir", str(site)]
    result = subprocess.run(args, cwd=root, capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stderr[-3000:]


def files(site: Path) -> dict[str, bytes]:
    # sitemap.xml.gz holds the time it was compressed
    return {p.relative_to(site).as_posix(): p.read_bytes() for p in sorted(site.rglob("*"))
            if p.is_file() and p.name != "sitemap.xml.gz"}


def test_a_warm_build_writes_the_site_a_build_without_caches_writes(tmp_path):
    repo = copy_repository(tmp_path / "kb")
    (repo / "no-cache.yml").write_text("INHERIT: mkdocs.yml\nplugins:\n  kb:\n    cache: false\n", encoding="utf-8")
    build(repo, tmp_path / "cold")
    assert any((repo / ".cache" / "katex").rglob("*.json")), "the cold build stored no formula"
    build(repo, tmp_path / "warm")
    build(repo, tmp_path / "uncached", "no-cache.yml")
    warm, uncached = files(tmp_path / "warm"), files(tmp_path / "uncached")
    assert warm.keys() == uncached.keys()
    assert [name for name in warm if warm[name] != uncached[name]] == []
