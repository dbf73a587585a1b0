"""`kb import`: raw notes -> pages under docs/ and their images under assets/.

Everything is prepared in memory first; nothing is written unless every
input is readable and no page would be overwritten (without --force). The
writes happen under the repository lock (kb.lock), which is where a page is
checked to be free; a run that fails or is interrupted half-way removes what
it had written. Images come only from the note's own folder tree, two images
of one name get distinct names, and an SVG that could run script is refused.
"""

import hashlib
import os
import re
import unicodedata
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote

from . import atomic
from .decode import UndecodableNote, decode_note
from .errors import KbError
from .lock import repository_lock
from .frontmatter import MalformedFrontMatter
from .normalize import Context, normalize_note
from .rules.terms import load_terms
from .paths import terms_file

IMAGE_SUFFIXES = {".png", ".jpg", ".jpeg", ".gif", ".svg", ".webp", ".bmp"}
# A page's file name must fit in 255 bytes with ".md" (the slug is ASCII after slugify).
MAX_SLUG = 200


@dataclass
class PlannedImport:
    source: Path
    page: Path
    text: str
    images: dict[Path, Path] = field(default_factory=dict)  # destination -> source file
    warnings: list[str] = field(default_factory=list)  # said by kb import, nothing was lost silently


# --- SVG images: an SVG opened on its own runs its scripts on the site's origin --------------------

_SVG_ACTIVE_ELEMENTS = {"script", "foreignobject", "iframe", "embed", "object", "handler", "listener"}
_ACTIVE_URL = re.compile(r"^(?:javascript|vbscript|data:text/html)", re.I)


def svg_problem(data: bytes) -> str | None:
    """Why this SVG file could run script or load another site's resource (None: it cannot)."""
    if re.search(rb"<!(?:DOCTYPE|ENTITY)", data, re.I):
        return "it declares a DOCTYPE or entities"
    try:
        root = ET.fromstring(data)
    except ET.ParseError as exc:
        return f"it is not well-formed XML ({exc})"
    for element in root.iter():
        name = element.tag.rsplit("}", 1)[-1].lower()
        if name in _SVG_ACTIVE_ELEMENTS:
            return f"it contains <{name}>"
        for attribute, value in element.attrib.items():
            attribute = attribute.rsplit("}", 1)[-1].lower()
            cleaned = re.sub(r"[\x00-\x20]", "", value)
            if attribute.startswith("on"):
                return f"<{name}> has the event handler {attribute}="
            if attribute in {"href", "src"} and (_ACTIVE_URL.match(cleaned) or re.match(r"^(?:https?:)?//", cleaned, re.I)):
                return f"<{name}> links to '{value[:40]}'"
            if name in {"set", "animate"} and attribute in {"to", "values", "from"} and _ACTIVE_URL.search(cleaned):
                return f"<{name}> sets '{value[:40]}'"
            if name in {"set", "animate"} and attribute == "attributename" and re.match(r"(on|.*href$)", value, re.I):
                return f"<{name}> animates {value}"
    return None


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
    if len(slug.encode()) > MAX_SLUG:
        raise KbError(str(source), f"the page name '{slug[:40]}…' is longer than {MAX_SLUG} characters: "
                                   "choose a shorter --slug")
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
    warnings: list[str] = []
    note_folder = source.parent.resolve()

    def resolve_image(src: str) -> str | None:
        local = (source.parent / unquote(src.split("#")[0].split("?")[0])).resolve()
        if local.suffix.lower() not in IMAGE_SUFFIXES or not local.is_file():
            return None
        if not local.is_relative_to(note_folder):
            warnings.append(f"{source}: image '{src}' is outside the note's folder: not copied (the page shows it as a missing figure)")
            return None
        data = local.read_bytes()
        if local.suffix.lower() == ".svg":
            problem = svg_problem(data)
            if problem:
                warnings.append(f"{source}: SVG image '{src}' refused ({problem}): not copied (the page shows it as a missing figure)")
                return None
        name = local.name
        taken = {d.name: s for d, s in images.items()}
        if name in taken and taken[name] != local:
            # Two images of one name from different folders: the second is told apart by its content.
            name = f"{local.stem}-{hashlib.sha256(data).hexdigest()[:10]}{local.suffix}"
        dest = assets / slug / name
        images[dest] = local
        # docs/assets is a link to assets/, so pages address figures through it.
        return os.path.relpath(docs / "assets" / slug / name, page.parent).replace(os.sep, "/")

    def note_exists(target: str) -> bool:
        return (source.parent / unquote(target)).is_file()

    ctx = Context(source=source.name, title=title, fallback_title=source.stem,
                  resolve_image=resolve_image, note_exists=note_exists, terms=terms)
    try:
        page_text = normalize_note(text, ctx)
    except MalformedFrontMatter as exc:
        raise KbError(str(source), str(exc)) from None
    from .frontmatter import READ_KEYS, split_front_matter
    from .sanitize import sanitize_html

    meta = split_front_matter(text)[0]
    dropped = sorted(str(key) for key in meta if key not in READ_KEYS)
    if dropped:
        warnings.append(f"{source}: front matter field(s) not kept on the page: {', '.join(dropped)}")
    date_key = "date" if meta.get("date") else "created"
    if meta.get(date_key) and "\ndate: " not in page_text.split("\n---\n", 1)[0]:
        warnings.append(f"{source}: front matter '{date_key}' ({meta[date_key]}) names no day: not kept on the page")

    _, unsafe = sanitize_html(_markdown_html(page_text))
    if unsafe:
        warnings.append(f"{source}: unsafe HTML the site will remove (and its strict build refuse): "
                        f"{', '.join(unsafe[:8])}")
    return PlannedImport(source, page, page_text, images, warnings)


def _markdown_html(text: str) -> str:
    """The page's raw HTML as the site's Markdown passes it through (without code, which is text)."""
    text = re.sub(r"(?ms)^ {0,3}(`{3,}|~{3,}).*?^ {0,3}\1[ \t]*$", "", text)
    return re.sub(r"`+[^`]*`+", "", text)


def _write_all(plans: list[PlannedImport], root: Path, force: bool) -> None:
    """Write every plan, under the repository lock; on any failure or interruption, remove the
    files this run created and put back the ones it replaced."""
    written: list[tuple[Path, bytes | None]] = []  # (path, content before) in write order
    with repository_lock(root):
        for plan in plans:
            if plan.page.exists() and not force:
                raise KbError(str(plan.source), f"{plan.page.relative_to(root)} exists (written meanwhile by another "
                                                "command); use --force to overwrite it")
        try:
            for plan in plans:
                for dest, image in plan.images.items():
                    data = image.read_bytes()
                    before = dest.read_bytes() if dest.exists() else None
                    if before != data:
                        written.append((dest, before))
                        atomic.write_bytes(dest, data)
                before = plan.page.read_bytes() if plan.page.exists() else None
                written.append((plan.page, before))
                atomic.write_bytes(plan.page, plan.text.encode("utf-8"))
        except BaseException:
            for path, before in reversed(written):
                if before is None:
                    path.unlink(missing_ok=True)
                else:
                    atomic.write_bytes(path, before)
            for path, _ in written:  # folders this run made and left empty
                for folder in (path.parent,):
                    try:
                        folder.rmdir()
                    except OSError:
                        pass
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
    try:
        _write_all(plans, root, force)
    except KbError as exc:
        raise ExceptionGroup("import failed", [exc]) from None
    return plans
