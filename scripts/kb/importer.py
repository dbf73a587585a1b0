"""`kb import`: raw notes -> pages under docs/ and their images under assets/.

Everything is prepared in memory first; nothing is written unless every
input is readable and no page would be overwritten (without --force).
"""

import hashlib
import os
import re
import tempfile
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote

from .decode import UndecodableNote, decode_note
from .errors import KbError
from .frontmatter import MalformedFrontMatter
from .normalize import Context, normalize_note
from .rules.terms import load_terms
from .paths import terms_file

IMAGE_SUFFIXES = {".png", ".jpg", ".jpeg", ".gif", ".svg", ".webp", ".bmp"}


@dataclass
class PlannedImport:
    source: Path
    page: Path
    text: str
    images: dict[Path, Path] = field(default_factory=dict)  # destination -> source file


def slugify(name: str) -> str:
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_name.lower()).strip("-")
    return slug or "note-" + hashlib.sha1(name.encode()).hexdigest()[:8]


def _inside(path: Path, folder: Path) -> bool:
    return path.resolve().is_relative_to(folder.resolve())


def plan_import(source: Path, root: Path, *, section: str, slug: str | None, title: str | None,
                force: bool, terms) -> PlannedImport:
    docs, assets = root / "docs", root / "assets"
    slug = slugify(slug or source.stem)
    page = docs / section / f"{slug}.md"
    if not _inside(page, docs):
        raise KbError(str(source), f"section '{section}' is outside docs/")
    if page.exists() and not force:
        raise KbError(str(source), f"{page.relative_to(root)} exists; use --force to overwrite it")
    try:
        raw = source.read_bytes()
    except OSError as exc:
        raise KbError(str(source), exc.strerror or "cannot read") from None
    try:
        text = decode_note(raw)
    except UndecodableNote as exc:
        raise KbError(str(source), str(exc)) from None

    images: dict[Path, Path] = {}

    def resolve_image(src: str) -> str | None:
        local = (source.parent / unquote(src.split("#")[0].split("?")[0])).resolve()
        if local.suffix.lower() not in IMAGE_SUFFIXES or not local.is_file():
            return None
        dest = assets / slug / local.name
        images[dest] = local
        # docs/assets is a link to assets/, so pages address figures through it.
        return os.path.relpath(docs / "assets" / slug / local.name, page.parent).replace(os.sep, "/")

    def note_exists(target: str) -> bool:
        return (source.parent / unquote(target)).is_file()

    ctx = Context(source=source.name, title=title, fallback_title=source.stem,
                  resolve_image=resolve_image, note_exists=note_exists, terms=terms)
    try:
        page_text = normalize_note(text, ctx)
    except MalformedFrontMatter as exc:
        raise KbError(str(source), str(exc)) from None
    return PlannedImport(source, page, page_text, images)


def _atomic_write(dest: Path, data: bytes) -> None:
    dest.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=dest.parent, prefix=".kb-", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.replace(tmp, dest)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def import_notes(sources: list[Path], root: Path, *, section: str = "notes", slug: str | None = None,
                 title: str | None = None, force: bool = False) -> list[PlannedImport]:
    """Plan every import, then write them all; raise the first KbError before writing anything."""
    terms = load_terms(terms_file(root))
    plans, errors = [], []
    for source in sources:
        try:
            plans.append(plan_import(source, root, section=section, slug=slug, title=title, force=force, terms=terms))
        except KbError as exc:
            errors.append(exc)
    pages = [p.page for p in plans]
    for plan in plans:
        if pages.count(plan.page) > 1:
            errors.append(KbError(str(plan.source), f"another input also becomes {plan.page.relative_to(root)}"))
    if errors:
        raise ExceptionGroup("import failed", errors)
    for plan in plans:
        for dest, image in plan.images.items():
            if not (dest.exists() and dest.read_bytes() == image.read_bytes()):
                _atomic_write(dest, image.read_bytes())
        _atomic_write(plan.page, plan.text.encode("utf-8"))
    return plans
