"""The site does not depend on which MkDocs 1.x engine builds it: `mkdocs build --strict` (MkDocs 1.6)
and `properdocs build --strict` (ProperDocs, the former maintainer's drop-in 1.x fork) write the
same site, but for the generator tag (CONTRIBUTING.md, "Which engine builds the site").

It also checks that the build leaves the checker alone: the plugin never imports kb.checks."""

import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
GENERATOR = re.compile(rb'<meta name="generator" content="[^"]*">')


def build(tmp_path: Path, engine: list[str], name: str) -> Path:
    site = tmp_path / name
    result = subprocess.run([*engine, "build", "--strict", "-f", "mkdocs.yml", "--site-dir", str(site)],
                            cwd=ROOT, capture_output=True, text=True, timeout=900)
    assert result.returncode == 0, f"{' '.join(engine)} build failed:\n{result.stderr[-3000:]}"
    return site


def files(site: Path) -> dict[str, bytes]:
    """Every file, the generator tag blanked; sitemap.xml.gz holds the time it was compressed."""
    return {p.relative_to(site).as_posix(): GENERATOR.sub(b"<meta generator>", p.read_bytes())
            for p in sorted(site.rglob("*")) if p.is_file() and p.name != "sitemap.xml.gz"}


def test_mkdocs_and_properdocs_build_the_same_site(tmp_path):
    # Both engines from this interpreter (the dev extra pins both): `./scripts/dev test` does not put
    # .venv/bin on PATH, and a skip here would hide the one test of the engine question.
    ours = files(build(tmp_path, [sys.executable, "-m", "mkdocs"], "mkdocs"))
    theirs = files(build(tmp_path, [sys.executable, "-m", "properdocs"], "properdocs"))
    assert ours.keys() == theirs.keys()
    differing = [name for name in ours if ours[name] != theirs[name]]
    assert differing == [], f"{len(differing)} files differ, first {differing[:5]}"


def test_the_build_does_not_import_the_checker(tmp_path):
    code = ("import sys; from mkdocs.commands.build import build; from mkdocs.config import load_config; "
            f"build(load_config('mkdocs.yml', site_dir={str(tmp_path / 'site')!r})); "
            "print(sorted(m for m in sys.modules if m.startswith('kb.checks')))")
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=900)
    assert result.returncode == 0, result.stderr[-3000:]
    assert result.stdout.strip().splitlines()[-1] == "[]"
