"""Bytes of a raw note -> clean Unicode text (encoding, BOM, line endings, NFC)."""

import unicodedata

from charset_normalizer import from_bytes

# Encodings a Chinese note realistically comes in; charset-normalizer ranks them.
CANDIDATE_ENCODINGS = ["utf_8", "gb18030", "big5", "utf_16"]


class UndecodableNote(ValueError):
    pass


def decode_note(raw: bytes) -> str:
    """Decode a note's bytes and normalise line endings and Unicode form.

    Refuses input that is empty, binary (NUL bytes) or in no text encoding.
    """
    if not raw.strip():
        raise UndecodableNote("empty file")
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    if b"\x00" in raw and not raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise UndecodableNote("binary file (contains NUL bytes)")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        best = from_bytes(raw, cp_isolation=CANDIDATE_ENCODINGS).best()
        if best is None:
            raise UndecodableNote("not text in a known encoding (UTF-8, GB18030, Big5)") from None
        text = str(best)
    if "\x00" in text:
        raise UndecodableNote("binary file (contains NUL characters)")
    text = text.lstrip("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    if not text.strip():  # a BOM alone, UTF-16 or full-width (U+3000) blanks
        raise UndecodableNote("empty file")
    return unicodedata.normalize("NFC", text)
