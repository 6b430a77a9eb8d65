"""Tuples, lists, builders, dicts and bytes (test_hpytuple/hpylist/hpydict/hpybytes.py)."""

import pytest


def test_tuples(apimod):
    assert apimod.tuple_from_list([1, "a", None]) == (1, "a", None)
    assert apimod.tuple_from_list([]) == ()
    assert apimod.tuple_pack("x", [2]) == ("x", [2], 3)
    assert apimod.tuple_info((1, 2, 3)) == (3, 1, 3)
    assert apimod.tuple_info(()) == (0,)
    with pytest.raises(TypeError, match=r"^tuple_info\(\) argument 't': must be tuple, not list$"):
        apimod.tuple_info([1])


def test_tuple_builder(apimod):
    assert apimod.tuple_builder(3, 3) == (0, 10, 20)
    assert apimod.tuple_builder(0, 0) == ()
    with pytest.raises(ValueError, match="TupleBuilder: 2 of 3 items were set"):
        apimod.tuple_builder(3, 2)
    with pytest.raises(IndexError, match="TupleBuilder: all items are already set"):
        apimod.tuple_builder(2, 3)
    assert apimod.tuple_builder_cancel(4) == 1


def test_list_builder_and_append(apimod):
    assert apimod.list_builder(2, 2) == ["item0", "item1"]
    with pytest.raises(ValueError, match="ListBuilder: 0 of 1 items were set"):
        apimod.list_builder(1, 0)
    assert apimod.list_append("first") == ["first", 42, "x"]


def test_checks(apimod):
    assert apimod.checks((1,)) == ["tuple"]
    assert apimod.checks([1]) == ["list"]
    assert apimod.checks({}) == ["dict"]
    assert apimod.checks(b"") == ["bytes"]
    assert apimod.checks("") == ["str"]
    assert apimod.checks(1) == ["int"]
    assert apimod.checks(1.0) == ["float"]
    assert apimod.checks(True) == ["int", "bool"]

    class MyList(list):
        pass

    assert apimod.checks(MyList()) == ["list"]
    assert apimod.checks(object()) == []


def test_dicts(apimod):
    d = apimod.dict_new()
    assert d == {"a": 1, 2: "b"}
    assert apimod.dict_get(d, "a") == 1
    assert apimod.dict_get(d, "missing") is None
    with pytest.raises(TypeError, match="unhashable"):
        apimod.dict_get(d, [])
    assert apimod.dict_keys(d) == ["a", 2]
    c = apimod.dict_copy(d)
    assert c == d and c is not d
    assert apimod.dict_items({"x": 1, "y": [2]}) == [("x", 1), ("y", [2])]
    assert apimod.dict_len({1: 1, 2: 2}) == 2
    with pytest.raises(TypeError, match="must be dict, not list"):
        apimod.dict_keys([])


def test_bytes(apimod):
    assert apimod.bytes_info(b"") == (0, None)
    assert apimod.bytes_info(b"\x07ab") == (3, 7)
    with pytest.raises(TypeError, match=r"^bytes_info\(\) argument 'b': must be bytes, not str$"):
        apimod.bytes_info("abc")
    with pytest.raises(TypeError, match="must be bytes, not bytearray"):
        apimod.bytes_info(bytearray(b"x"))
    assert apimod.bytes_checked(b"abcd") == 4
    with pytest.raises(TypeError):
        apimod.bytes_checked("abcd")
    assert apimod.bytes_new(300) == bytes(i % 256 for i in range(300))
    assert apimod.bytes_new(0) == b""
    assert apimod.bytes_from_cstr() == b"abc"
    assert apimod.bytes_reversed(b"abc\0") == b"\0cba"


def test_failing_len_of_a_subclass_is_raised(apimod):
    class BadLen(tuple):
        def __len__(self):
            raise ValueError("bad len")

    with pytest.raises(ValueError, match="bad len"):
        apimod.tuple_info(BadLen((1, 2)))
