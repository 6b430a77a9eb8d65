"""`str` functions (test_hpyunicode.py) through tests/apimod."""

import os
import sys

import pytest


def test_encoders(apimod):
    assert apimod.str_encode("héllo", "utf8") == "héllo".encode()
    assert apimod.str_encode("hello", "ascii") == b"hello"
    assert apimod.str_encode("é", "latin1") == b"\xe9"
    assert apimod.str_encode("path", "fs") == os.fsencode("path")
    with pytest.raises(UnicodeEncodeError):
        apimod.str_encode("é", "ascii")
    with pytest.raises(UnicodeEncodeError):
        apimod.str_encode("€", "latin1")
    with pytest.raises(UnicodeEncodeError):
        apimod.str_encode("\ud800", "utf8")


def test_decoders(apimod):
    assert apimod.str_decode(b"abc", "ascii") == "abc"
    with pytest.raises(UnicodeDecodeError):
        apimod.str_decode(b"\xff", "ascii")
    assert apimod.str_decode(b"\xe9\xff", "latin1") == "é\xff"
    assert apimod.str_decode(b"caf\xc3\xa9", "fs") == os.fsdecode(b"caf\xc3\xa9")
    assert apimod.str_decode(b"\xff", "fs") == os.fsdecode(b"\xff")
    assert apimod.str_decode_fs_cstr(b"dir/file") == "dir/file"


def test_from_wide_and_cstr(apimod):
    assert apimod.str_from_wide([104, 0xE9, 0x1F600, 0]) == "hé😀\0"
    assert apimod.str_from_wide([]) == ""
    with pytest.raises(ValueError, match="not in range"):
        apimod.str_from_wide([0x110000])
    assert apimod.str_from_cstr("é".encode()) == "é"
    with pytest.raises(UnicodeDecodeError):
        apimod.str_from_cstr(b"\xff")


def test_read_char_and_substring(apimod):
    s = "aé😀"
    assert [apimod.str_read_char(s, i) for i in range(3)] == [ord(c) for c in s]
    assert apimod.str_read_char("\ud800", 0) == 0xD800
    with pytest.raises(IndexError, match="string index out of range"):
        apimod.str_read_char(s, 3)
    assert apimod.str_substring("hello", 1, 3) == "el"
    assert apimod.str_substring("hello", 3, 100) == "lo"
    assert apimod.str_substring("hello", 4, 2) == ""
    assert apimod.str_substring("héllo😀", 1, 6) == "éllo😀"


def test_from_encoded(apimod):
    assert apimod.str_from_encoded(b"caf\xc3\xa9", None, None) == "café"
    assert apimod.str_from_encoded(b"\xe9", "latin-1", None) == "é"
    assert apimod.str_from_encoded(b"a\xffb", "utf-8", "replace") == "a\ufffdb"
    if sys.implementation.name == "cpython":
        assert apimod.str_from_encoded(bytearray(b"xy"), None, None) == "xy"  # not on PyPy
    with pytest.raises(UnicodeDecodeError):
        apimod.str_from_encoded(b"\xff", None, None)
    with pytest.raises(LookupError):
        apimod.str_from_encoded(b"x", "no-such-codec", None)
    with pytest.raises(TypeError):
        apimod.str_from_encoded("already str", None, None)


def test_lengths(apimod):
    assert apimod.str_lengths("héllo😀") == (6, 10)
    with pytest.raises(UnicodeEncodeError):
        apimod.str_lengths("\udc80")
