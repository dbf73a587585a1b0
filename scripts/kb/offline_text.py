"""Make the Chinese text of a Chromium PDF copy and search as written.

Noto CJK maps a Kangxi radical (U+2F00-) or CJK radical supplement character (U+2E80-) and the
ideograph it looks like to one glyph, and Chromium's PDF writer names such a glyph by the
radical in the font's ToUnicode map: "能力" is extracted as "能⼒". This rewrites each
ToUnicode entry whose text is a radical to the ideograph that shares the radical's glyph in the
installed Noto CJK font (Unicode's own NFKC mapping when the font has none). The glyphs drawn
are unchanged.
"""

from __future__ import annotations

import functools
import re
import subprocess
import unicodedata
from pathlib import Path

RADICALS = range(0x2E80, 0x2FE0)
_BFCHAR = re.compile(rb"(<[0-9A-Fa-f]+>\s*)<([0-9A-Fa-f]{4})>")


@functools.lru_cache(maxsize=1)
def radical_map() -> dict[int, int]:
    """radical code point -> ideograph drawn with the same glyph (font first, then NFKC)."""
    mapping = {}
    for cp in RADICALS:
        folded = unicodedata.normalize("NFKC", chr(cp))
        if len(folded) == 1 and ord(folded) not in RADICALS:
            mapping[cp] = ord(folded)  # Unicode's own answer wins; the font fills the rest
    for path in _noto_cjk_fonts():
        try:
            from fontTools.ttLib import TTCollection
        except ImportError:
            break
        for font in TTCollection(str(path), lazy=True).fonts:  # JP, KR, SC, TC, HK faces
            cmap = font.getBestCmap() or {}
            by_glyph: dict[str, list[int]] = {}
            for cp, glyph in cmap.items():
                by_glyph.setdefault(glyph, []).append(cp)
            for cp in RADICALS:
                twins = [c for c in by_glyph.get(cmap.get(cp, ""), []) if 0x3400 <= c <= 0x9FFF or 0xF900 <= c <= 0xFAFF]
                if twins and cp not in mapping:
                    mapping[cp] = min(twins)
        break
    return mapping


def _noto_cjk_fonts() -> list[Path]:
    try:
        listed = subprocess.run(["fc-list", ":lang=zh", "file"], capture_output=True, text=True).stdout
    except FileNotFoundError:
        return []
    files = sorted({Path(line.split(":")[0]) for line in listed.splitlines() if "NotoSansCJK-Regular" in line})
    return files


def fix_tounicode(cmap: bytes, mapping: dict[int, int]) -> tuple[bytes, int]:
    """(the CMap with every single-character bfchar target that is a radical replaced, how many)."""
    count = 0

    def replace(match: re.Match) -> bytes:
        nonlocal count
        cp = int(match.group(2), 16)
        if cp in mapping:
            count += 1
            return match.group(1) + b"<%04X>" % mapping[cp]
        return match.group(0)

    out = []
    in_bfchar = False
    for line in cmap.split(b"\n"):
        if line.strip().endswith(b"beginbfchar"):
            in_bfchar = True
        elif line.strip() == b"endbfchar":
            in_bfchar = False
        elif in_bfchar:
            line = _BFCHAR.sub(replace, line)
        out.append(line)
    return b"\n".join(out), count


def fix_pdf(path: Path) -> int:
    """Rewrite the radicals of every font's ToUnicode map in the PDF at path; returns how many."""
    from pypdf import PdfReader, PdfWriter

    mapping = radical_map()
    writer = PdfWriter(clone_from=PdfReader(path))
    done, total = set(), 0
    for page in writer.pages:
        fonts = (page.get("/Resources") or {}).get("/Font") or {}
        for ref in fonts.get_object().values():
            font = ref.get_object()
            tounicode = font.get("/ToUnicode")
            if tounicode is None or id(tounicode.get_object()) in done:
                continue
            stream = tounicode.get_object()
            done.add(id(stream))
            data, count = fix_tounicode(stream.get_data(), mapping)
            if count:
                stream.set_data(data)  # pypdf re-encodes with the stream's own filter
                total += count
    tmp = path.with_name(path.name + ".text.tmp")
    with open(tmp, "wb") as handle:
        writer.write(handle)
    tmp.replace(path)
    return total
