"""Conversions between Python containers and Rust collections through tests/apimod."""

import pytest

from conftest import STORAGE_WALK, Rehashed


def test_vec(apimod):
    assert apimod.rt_vec_i64([1, 2, 3]) == [1, 2, 3]
    assert apimod.rt_vec_i64((4, 5)) == [4, 5]
    assert apimod.rt_vec_i64(range(3)) == [0, 1, 2]
    assert apimod.rt_vec_i64(x for x in (7, 8)) == [7, 8]
    assert apimod.rt_vec_i64({9: "a"}) == [9]
    assert apimod.rt_vec_str(["a", "é"]) == ["a", "é"]
    assert apimod.rt_nested([[1.5], [], [2, 3]]) == [[1.5], [], [2.0, 3.0]]
    with pytest.raises(TypeError, match=r"^rt_vec_str\(\) argument 'v': expected an iterable for a list, not 'str' \(a str is not taken as its characters: pass list\(s\) for that\)$"):
        apimod.rt_vec_str("abc")
    with pytest.raises(TypeError, match="expected an iterable for a list, not 'int'$"):
        apimod.rt_vec_i64(5)
    with pytest.raises(TypeError, match="'str' object cannot be interpreted as an integer"):
        apimod.rt_vec_i64([1, "2"])
    with pytest.raises(OverflowError):
        apimod.rt_vec_i64([2**64])


def test_vec_u8_is_bytes(apimod):
    assert apimod.rt_vec_u8(b"\x00\xff") == b"\x00\xff"
    assert apimod.rt_vec_u8([1, 2]) == b"\x01\x02"
    assert apimod.rt_bytes_slice(b"abc") == b"abc"
    with pytest.raises(OverflowError, match=r"argument .*: Python int too large to convert to u8$"):
        apimod.rt_vec_u8([256])


def test_tuples(apimod):
    assert apimod.rt_tuple3((1, "a", None)) == (1, "a", None)
    assert apimod.rt_tuple3([1, "a", True]) == (1, "a", True)
    assert apimod.rt_tuple12(tuple(range(12))) == tuple(range(12))
    with pytest.raises(ValueError, match="expected a sequence of length 3, not 2"):
        apimod.rt_tuple3((1, "a"))
    with pytest.raises(TypeError, match="must be tuple, not str"):
        apimod.rt_tuple3("abc")
    with pytest.raises(TypeError, match="must be str, not int"):
        apimod.rt_tuple3((1, 2, 3))


def test_maps(apimod):
    assert apimod.rt_hashmap({"a": 1, "b": 2}) == {"a": 1, "b": 2}
    assert apimod.rt_hashmap({}) == {}
    out = apimod.rt_btreemap({3: ["c"], 1: ["a", "b"]})
    assert out == {1: ["a", "b"], 3: ["c"]} and list(out) == [1, 3]
    import types

    assert apimod.rt_hashmap(types.MappingProxyType({"m": 5})) == {"m": 5}
    with pytest.raises(TypeError, match="must be a mapping, not list"):
        apimod.rt_hashmap([("a", 1)])
    with pytest.raises(TypeError, match="must be int, not str|cannot be interpreted as an integer"):
        apimod.rt_hashmap({"a": "x"})


def test_sets(apimod):
    assert apimod.rt_hashset({1, 2, 3}) == {1, 2, 3}
    assert apimod.rt_hashset([1, 1, 2]) == {1, 2}
    assert apimod.rt_btreeset(frozenset({"b", "a"})) == {"a", "b"}
    assert type(apimod.rt_hashset(set())) is set
    with pytest.raises(TypeError, match="expected an iterable for a set, not 'str'"):
        apimod.rt_hashset("ab")


def test_kwargs_into_map(apimod):
    assert apimod.kwargs_map() == {}
    assert apimod.kwargs_map(b=2, a=1) == {"a": 1, "b": 2}
    # A value that does not convert names the function and the keyword.
    with pytest.raises(
        TypeError, match=r"^kwargs_map\(\) argument 'a': 'str' object cannot be interpreted as an integer$"
    ):
        apimod.kwargs_map(b=2, a="x")
    with pytest.raises(OverflowError, match=r"^kwargs_map\(\) argument 'big': "):
        apimod.kwargs_map(big=2**64)


def test_user_type_conversions(apimod):
    assert apimod.mirror((1.5, 2)) == {"x": -1.5, "y": 2.0}
    with pytest.raises(TypeError, match=r"^mirror\(\) argument 'p': must be tuple, not int$"):
        apimod.mirror(3)


def test_element_errors_name_their_place(apimod):
    """An element of a collection that does not convert is named by its index (by its key in a
    mapping), after the function and argument, through every level of nesting."""
    from conftest import HPY_TYPES_BROKEN

    cases = [] if HPY_TYPES_BROKEN else [  # a class: not on hpy 0.9.0's runtime on 3.13+
        (lambda: apimod.Corpus(["a b", "b c", 3]), TypeError,
         "Corpus() argument 'docs': item 2: must be str, not int"),
    ]
    cases += [
        (lambda: apimod.rt_vec_str(["a b", "b c", 3]), TypeError,
         "rt_vec_str() argument 'v': item 2: must be str, not int"),
        (lambda: apimod.rt_vec_i64([1, "2"]), TypeError,
         "rt_vec_i64() argument 'v': item 1: 'str' object cannot be interpreted as an integer"),
        (lambda: apimod.rt_nested([[1.0], [2.0, "x"]]), TypeError,
         "rt_nested() argument 'v': item 1: item 1: must be real number, not str"),
        (lambda: apimod.rt_tuple3((1, 2, 3)), TypeError,
         "rt_tuple3() argument 't': item 1: must be str, not int"),
        (lambda: apimod.rt_vec_u8([1, 256]), OverflowError,
         "rt_vec_u8() argument 'v': item 1: Python int too large to convert to u8"),
        (lambda: apimod.rt_btreeset(["a", 1]), TypeError,
         "rt_btreeset() argument 's': item 1: must be str, not int"),
        (lambda: apimod.rt_hashmap({"a": "x"}), TypeError,
         "rt_hashmap() argument 'm': value of key 'a': 'str' object cannot be interpreted as an integer"),
        (lambda: apimod.rt_btreemap({"k": []}), TypeError,
         "rt_btreemap() argument 'm': key 'k': 'str' object cannot be interpreted as an integer"),
        (lambda: apimod.rt_btreemap({1: ["a", 2]}), TypeError,
         "rt_btreemap() argument 'm': value of key 1: item 1: must be str, not int"),
    ]
    for call, exc, message in cases:
        with pytest.raises(exc) as info:
            call()
        assert str(info.value) == message
    # An exception that Python code raised during the conversion is raised as it is.

    class Index:
        def __index__(self):
            raise KeyError("from __index__")

    with pytest.raises(KeyError) as info:
        apimod.rt_vec_i64([1, Index()])
    assert info.value.args == ("from __index__",)


def test_map_with_a_key_whose_hash_changed(apimod):
    """`Dict::items` (behind the map conversions) gives every entry or raises RuntimeError: a key
    that a lookup can no longer find is never left out."""
    Rehashed.hash = 1
    d = {Rehashed("k"): 1, "b": 2}
    Rehashed.hash = 2
    if STORAGE_WALK:
        assert apimod.rt_hashmap(d) == {"k": 1, "b": 2}
    else:
        with pytest.raises(RuntimeError, match=r"argument 'm': dictionary keys changed during iteration"):
            apimod.rt_hashmap(d)
