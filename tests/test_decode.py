"""decode_note: the bytes of a raw note -> NFC text with \\n line ends, or a refusal."""

import pytest

from kb.decode import UndecodableNote, decode_note

SIMPLIFIED = "能力涌现是如何发生的？为什么会在百亿参数规模以上才会体现出来？"
TRADITIONAL = "神經網路的啟動函數是非線性的。這是一段足夠長的繁體中文文字，用來測試編碼偵測。"


def test_utf8_is_read_as_is():
    assert decode_note(SIMPLIFIED.encode("utf-8")) == SIMPLIFIED


def test_utf8_byte_order_mark_is_dropped():
    assert decode_note(b"\xef\xbb\xbf" + "## 大模型\n".encode("utf-8")) == "## 大模型\n"


def test_gb18030_is_detected():
    assert decode_note(SIMPLIFIED.encode("gb18030")) == SIMPLIFIED


def test_gbk_is_detected():
    assert decode_note(SIMPLIFIED.encode("gbk")) == SIMPLIFIED


def test_big5_traditional_text_is_detected():
    assert decode_note(TRADITIONAL.encode("big5")) == TRADITIONAL


def test_utf16_with_byte_order_mark_is_detected():
    assert decode_note("# 笔记\n\n".encode("utf-16") + SIMPLIFIED.encode("utf-16-le")) == "# 笔记\n\n" + SIMPLIFIED


def test_crlf_line_ends_become_lf():
    assert decode_note("问题一：\r\n\r\n问题二：\r\n".encode()) == "问题一：\n\n问题二：\n"


def test_lone_cr_line_ends_become_lf():
    assert decode_note("问题一：\r问题二：\r".encode()) == "问题一：\n问题二：\n"


def test_decomposed_e_acute_is_composed():
    assert decode_note("Cafe\u0301".encode()) == "Café"


def test_cjk_compatibility_ideograph_becomes_unified():
    assert decode_note("\uf900".encode()) == "\u8c48"  # 豈 (compatibility) -> 豈


def test_empty_file_is_refused():
    with pytest.raises(UndecodableNote, match="empty file"):
        decode_note(b"")


def test_whitespace_only_file_is_refused():
    with pytest.raises(UndecodableNote, match="empty file"):
        decode_note(b" \n\t\r\n")


def test_byte_order_mark_and_blanks_only_is_refused():
    with pytest.raises(UndecodableNote, match="empty file"):
        decode_note(b"\xef\xbb\xbf  \n")


def test_utf16_blanks_only_is_refused():
    with pytest.raises(UndecodableNote, match="empty file"):
        decode_note(" \n".encode("utf-16"))


def test_full_width_spaces_only_is_refused():
    with pytest.raises(UndecodableNote, match="empty file"):
        decode_note("\u3000\u3000\n".encode())


def test_nul_bytes_are_refused_as_binary():
    with pytest.raises(UndecodableNote, match="binary file"):
        decode_note(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
