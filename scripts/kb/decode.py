"""Bytes of a raw note -> clean Unicode text (encoding, BOM, line endings, NFC)."""

import re
import unicodedata

from charset_normalizer import from_bytes

# Encodings a Chinese note realistically comes in; charset-normalizer ranks them.
CANDIDATE_ENCODINGS = ["utf_8", "gb18030", "big5", "utf_16"]


# C0 controls no text editor writes (tab, line ends, form feed and ESC excepted).
_CONTROL = re.compile(r"[\x01-\x08\x0e-\x1a\x1c-\x1f]")


class UndecodableNote(ValueError):
    pass


def _utf16_without_bom(raw: bytes) -> str | None:
    """UTF-16 text written without a byte-order mark, told from binary data by where its NUL bytes
    are: the high bytes of ASCII characters, all on one side of each pair."""
    if len(raw) % 2:
        return None
    odd = raw[1::2].count(0)
    even = raw[0::2].count(0)
    for encoding, nuls, others in (("utf_16_le", odd, even), ("utf_16_be", even, odd)):
        if nuls and others == 0:
            try:
                text = raw.decode(encoding)
            except UnicodeDecodeError:
                continue
            if not any(ord(c) < 32 and c not in "\n\r\t\f" for c in text):
                return text
    return None


def _simplified_share(text: str) -> float:
    """Share of the CJK characters of `text` that GB2312 (common Simplified Chinese) has."""
    cjk = [c for c in text if ord(c) > 0x2E7F]
    if not cjk:
        return 0.0
    known = 0
    for c in cjk:
        try:
            c.encode("gb2312")
            known += 1
        except UnicodeEncodeError:
            pass
    return known / len(cjk)


def _decode_text(raw: bytes) -> str:
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        pass
    # A note with few Chinese characters among much ASCII gives the statistical detector too little
    # to go on (it picked Big5 for GBK notes): GB18030 wins when nearly every character it reads is
    # a common Simplified one. Big5 text read as GB18030 gives mostly rare or extension characters.
    try:
        as_gb = raw.decode("gb18030")
    except UnicodeDecodeError:
        as_gb = None
    if as_gb is not None and _simplified_share(as_gb) >= 0.9:
        return as_gb
    best = from_bytes(raw, cp_isolation=CANDIDATE_ENCODINGS).best()
    if best is None:
        raise UndecodableNote("not text in a known encoding (UTF-8, GB18030, Big5, UTF-16)")
    return str(best)


def decode_note(raw: bytes) -> str:
    """Decode a note's bytes and normalise line endings and Unicode form.

    Refuses input that is empty, binary (NUL bytes) or in no text encoding.
    """
    if not raw.strip():
        raise UndecodableNote("empty file")
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    if b"\x00" in raw and not raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        text = _utf16_without_bom(raw)
        if text is None:
            raise UndecodableNote("binary file (contains NUL bytes)")
    else:
        text = _decode_text(raw)
    if "\x00" in text:
        raise UndecodableNote("binary file (contains NUL characters)")
    if _CONTROL.search(text):  # an image or archive that happened to decode
        raise UndecodableNote("binary file (contains control characters)")
    text = text.lstrip("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    if not text.strip():  # a BOM alone, UTF-16 or full-width (U+3000) blanks
        raise UndecodableNote("empty file")
    return unicodedata.normalize("NFC", text)
